"""Progress of a run's long parts: a tqdm bar for each part while it runs, drawn by the
process that started the run, whichever process does the work.

An example marks a long part with `part(label, total, unit)` and calls `advance()` as
each epoch or network of it is done. In a run with a `ProgressDisplay`, those calls
become events on the display's queue, and the display draws one bar per running part
from them; a worker process sends to the same queue once `connect`ed to it. Without a
display (an article's run() called from a test), parts cost nothing and show nothing.

On a terminal the bars redraw themselves. Into a log or a pipe, where a bar's redrawing
would be noise, the display prints each running part's bar as a plain line every
HEARTBEAT seconds: a long run never goes 30 s without a line.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

HEARTBEAT = 20.0  # seconds between the plain lines when the output is not a terminal
SEND_EVERY = 0.2  # seconds: a part's advances travel in bundles, not one event per epoch
SEPARATOR = " · "  # between a part's label and the labels of the parts it is inside

_channel: dict[str, object] = {"events": None, "prefix": ""}
_open_parts: list[_Part] = []
_keys = itertools.count()


class _Part:
    """A part running in this process: its label, and the sending end of its bar (which
    sends nothing when `events` is None)."""

    def __init__(self, label: str, events: multiprocessing.Queue | None):
        self.label, self.events, self.key = label, events, f"{os.getpid()}.{next(_keys)}"
        self.unsent, self.sent_at = 0, float("-inf")  # the first advance goes at once

    def open(self, total: int | None, unit: str) -> None:
        if self.events is not None:
            self.events.put(("open", self.key, current_label(), total, unit))

    def advance(self, done: int) -> None:
        self.unsent += done
        if time.monotonic() - self.sent_at >= SEND_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.unsent and self.events is not None:
            self.events.put(("advance", self.key, self.unsent))
        self.unsent, self.sent_at = 0, time.monotonic()

    def close(self) -> None:
        self.flush()
        if self.events is not None:
            self.events.put(("close", self.key))


def connect(events: multiprocessing.Queue | None, prefix: str = "") -> None:
    """Send this process's parts to `events` (a display's queue; None: to nowhere), their
    labels after `prefix` (the part of the parent process that this one works for)."""
    _channel["events"], _channel["prefix"] = events, prefix


def channel() -> tuple[multiprocessing.Queue | None, str]:
    """Where this process's parts go, and the label of the part running now: what a worker
    process started now needs for `connect`."""
    return _channel["events"], current_label()


def current_label() -> str:
    """The labels of the parts running in this process, outermost first."""
    labels = [_channel["prefix"], *(running.label for running in _open_parts)]
    return SEPARATOR.join(label for label in labels if label)


@contextmanager
def part(label: str, total: int | None = None, unit: str = "epoch") -> Iterator[None]:
    """A bar for `label` while the block runs: `total` `unit`s, advanced by `advance()`
    (or, without a total, the time it has been running)."""
    running = _Part(label, _channel["events"])
    _open_parts.append(running)
    running.open(total, unit)
    try:
        yield
    finally:
        running.close()
        _open_parts.remove(running)


def advance(done: int = 1) -> None:
    """Count `done` more units of the innermost running part (nothing without a display)."""
    if _open_parts:
        _open_parts[-1].advance(done)


class _Nowhere:
    """The file of a bar that is printed as plain lines instead of drawn."""

    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


@contextmanager
def progress_display(stream: TextIO | None = None,
                     heartbeat: float = HEARTBEAT) -> Iterator[ProgressDisplay]:
    """A display of this process's parts and its workers' while the block runs, drawn on
    `stream` (stderr by default)."""
    display = ProgressDisplay(stream, heartbeat)
    connect(display.events)
    display.thread.start()
    try:
        yield display
    finally:
        connect(None)
        display.stop()


class ProgressDisplay:
    """The bars of every running part of a run, drawn by a thread of this process from the
    events on `events`; `write` puts text above them."""

    def __init__(self, stream: TextIO | None = None, heartbeat: float = HEARTBEAT):
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = self.stream.isatty()
        self.heartbeat = heartbeat
        self.events = multiprocessing.get_context("spawn").Queue()
        self.bars: dict[str, tqdm] = {}
        self.last_line = time.monotonic()
        self.thread = threading.Thread(target=self._draw, daemon=True)

    def stop(self) -> None:
        """Draw the last events, then close the bars that are still open."""
        self.events.put(None)
        self.thread.join()
        for bar in self.bars.values():
            bar.close()

    def write(self, text: str, file: TextIO | None = None) -> None:
        """Print `text` (to stdout, or `file`) above the bars."""
        file = file if file is not None else sys.stdout
        tqdm.write(text, file=file)
        file.flush()
        self.last_line = time.monotonic()

    def _draw(self) -> None:
        while True:
            try:
                event = self.events.get(timeout=min(1.0, self.heartbeat / 4))
            except queue.Empty:
                event = ()
            if event is None:
                return
            if event:
                self._apply(*event)
            self._keep_alive()

    def _apply(self, kind: str, key: str, *details: object) -> None:
        if kind == "open":
            label, total, unit = details
            self.bars[key] = tqdm(
                total=total, desc=label, unit=unit, leave=False, dynamic_ncols=True,
                file=self.stream if self.terminal else _Nowhere(), ascii=not self.terminal,
                bar_format=None if total else "{desc}: running for {elapsed}")
        elif kind == "advance":
            self.bars[key].update(details[0])
        elif kind == "close":
            self.bars.pop(key).close()

    def _keep_alive(self) -> None:
        """On a terminal, redraw the bars (their times move on); elsewhere, print them as
        lines once HEARTBEAT seconds have passed without one."""
        if self.terminal:
            for bar in list(self.bars.values()):
                bar.refresh()
        elif self.bars and time.monotonic() - self.last_line >= self.heartbeat:
            for bar in list(self.bars.values()):
                print(str(bar), file=self.stream, flush=True)
            self.last_line = time.monotonic()
