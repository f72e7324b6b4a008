"""Process pools for the examples: run_all's over the articles, and an article's over its
independent networks. Each worker sends its progress to the run's display and starts its
networks as the run's options say (--nudge), so that a network trained in a worker is the
one the serial run trains, digit for digit."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import progress
from report import NUDGE_STARTS

Map = Callable[..., Iterator]
"""`map`, or a pool's map: f over the items, the results in the items' order."""


def start_worker(events: multiprocessing.Queue | None, label: str, nudge: bool) -> None:
    """Set a new worker up as the process that started it is set up."""
    progress.connect(events, label)
    NUDGE_STARTS["on"] = nudge


def process_pool(workers: int) -> ProcessPoolExecutor:
    """`workers` fresh processes ("spawn": nothing inherited half-way, on every system),
    set up by start_worker."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker,
                               initargs=(*progress.channel(), NUDGE_STARTS["on"]))


@contextmanager
def pool_map(workers: int) -> Iterator[Map]:
    """A map over `workers` processes; for one, the builtin map, in this process."""
    if workers == 1:
        yield map
        return
    with process_pool(workers) as pool:
        yield pool.map
