"""The server's training runs, one per page, kept in bounded memory.

A run is dropped only when it has been idle longer than `max_idle` seconds, or when
the runs together hold more than `max_bytes` (then the longest idle go first). A
page keeps its run however many other pages are open, as long as memory allows;
a page whose run was dropped is told so (see `app.refresh`), never given a new one
silently.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from playground.model import Playground

MAX_BYTES = 200 * 2**20  # about 1,000 runs of the largest size (1,000 points, a full history)
MAX_IDLE_SECONDS = 2 * 60 * 60


@dataclass
class Run:
    """A page's run, with an id of its own so the page can tell a new run from its old one,
    and what the page should say about it (why it restarted, why it paused): kept with
    the run, so every answer carries it, whichever of them the page ends up showing."""

    playground: Playground
    status: str = ""
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    last_used: float = 0.0


class SessionStore:
    """Runs by session id, least recently used first."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_idle: float = MAX_IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.max_bytes, self.max_idle, self.clock = max_bytes, max_idle, clock
        self._runs: OrderedDict[str, Run] = OrderedDict()

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._runs

    def __len__(self) -> int:
        return len(self._runs)

    def get(self, session_id: str) -> Run | None:
        """The page's run, marked as just used; None when there is none (any more)."""
        self._drop_idle()
        run = self._runs.get(session_id)
        if run is not None:
            run.last_used = self.clock()
            self._runs.move_to_end(session_id)
        return run

    def start(self, session_id: str, playground: Playground, status: str = "") -> Run:
        """A new run for the page, replacing the one it had."""
        run = self._runs[session_id] = Run(playground, status, last_used=self.clock())
        self._runs.move_to_end(session_id)
        self.evict()
        return run

    def _drop_idle(self) -> None:
        now = self.clock()
        for session_id in [s for s, run in self._runs.items()
                           if now - run.last_used > self.max_idle]:
            del self._runs[session_id]

    def evict(self) -> None:
        """Drop the runs idle too long, then the longest idle while memory is over budget
        (checked when a run starts: a run's size grows little after that)."""
        self._drop_idle()
        total = sum(run.playground.nbytes() for run in self._runs.values())
        while total > self.max_bytes and len(self._runs) > 1:
            _, oldest = self._runs.popitem(last=False)
            total -= oldest.playground.nbytes()
