"""The learner's code run apart: in a child process, with a time limit, its output
captured.

An endless loop, `quit()`, `sys.exit(0)` or a print of gigabytes in a learner's
backward must not hang `check`, end it silently or flood the terminal: each becomes
an outcome that the row reports, and grading goes on with the next row. A long row
(the capstone) sends lines of progress (`report`) while it runs.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_LINES, LINE_WIDTH = 20, 200  # of a row's output shown: lines, characters a line
_channel: Any = None  # in a child, the pipe to the parent: `report` sends progress on it


def report(text: str) -> None:
    """A line of progress for the parent to show while this child works (outside a
    child, nowhere)."""
    if _channel is not None:
        _channel.send(("progress", text))


@dataclass(frozen=True)
class Outcome:
    """How a run apart went: `value` when the function returned, else `ended` says how
    it ended instead; `output` is what it printed, capped."""

    value: Any = None
    ended: str = ""
    output: str = ""


class CappedText:
    """A stand-in for stdout and stderr that keeps the first MAX_LINES lines, each cut
    to LINE_WIDTH characters, in a file, and counts the lines it drops."""

    def __init__(self, path: Path):
        self.file = path.open("w", encoding="utf-8", errors="replace")
        self.kept = self.dropped = 0
        self.width = 0  # of the line being kept

    def write(self, text: str) -> int:
        """Keep what fits, count the lines that do not."""
        for line in text.splitlines(keepends=True):
            ends = line.endswith("\n")
            if self.kept >= MAX_LINES:
                self.dropped += ends
                if ends and self.dropped % 1000 == 1:
                    self._note_dropped("at least ")
                continue
            room = LINE_WIDTH - self.width
            body = line.rstrip("\n")
            kept = body[:room] + ("…" if len(body) > room > 0 else "")
            self.file.write(kept + "\n" * ends)
            self.file.flush()
            self.width = 0 if ends else self.width + len(kept)
            self.kept += ends
        return len(text)

    def _note_dropped(self, bound: str = "") -> None:
        """Keep the count of dropped lines on disk, for a child that is stopped."""
        count = Path(self.file.name).with_suffix(".count")
        count.write_text(f"{bound}{self.dropped:,}")
        count.replace(count.with_suffix(".dropped"))  # whole, even if the child is stopped

    def flush(self) -> None:
        """Nothing is buffered but the file's own buffer."""
        self.file.flush()

    def close(self) -> None:
        """Record the final count."""
        if self.dropped:
            self._note_dropped()
        self.file.close()


def _child(send: Any, path: Path, function: Callable, args: tuple) -> None:
    """Run function(*args) with its output captured, and send back how it went."""
    global _channel
    _channel = send
    signal.signal(signal.SIGINT, signal.default_int_handler)  # held back while it started
    captured = CappedText(path)
    sys.stdout = sys.stderr = captured
    try:
        message = ("value", function(*args))
    except SystemExit as stop:
        code = "" if stop.code is None else repr(stop.code)
        message = ("ended", (f"your code called sys.exit({code}) (or quit() or exit()), which "
                             "would end check: nothing may exit while it is graded"))
    except KeyboardInterrupt:
        message = ("ended", "interrupted (KeyboardInterrupt)")
    except BaseException as error:  # noqa: BLE001 - anything else the learner's code raises
        message = ("ended", f"{type(error).__name__}: {error}")
    captured.close()
    send.send(message)
    send.close()


def _start_method() -> str:
    """fork where there is one (a child starts in milliseconds), else spawn."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def run_apart(function: Callable, *args: Any, timeout: float,
              progress: Callable[[str], None] | None = None) -> Outcome:
    """function(*args) in a child process, stopped after `timeout` seconds; each line
    it `report`s is handed to `progress` as it comes. The function and its value must
    be picklable where processes are spawned."""
    context = multiprocessing.get_context(_start_method())
    receive, send = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="tinygrad_nn_check_") as folder:
        path = Path(folder) / "output.txt"
        child = context.Process(target=_child, args=(send, path, function, args), daemon=True)
        try:
            _start(child)
            send.close()
            kind, value = _awaited(receive, child, time.monotonic() + timeout, progress)
            if kind == "late":
                kind, value = "ended", f"stopped after {timeout:g} s: an endless loop?"
        finally:
            if child.is_alive():
                child.kill()
            if child.pid is not None:
                child.join()
            receive.close()
        output = _read_output(path)
    if kind == "value":
        return Outcome(value=value, output=output)
    return Outcome(ended=value, output=output)


def _start(child: Any) -> None:
    """child.start() with Ctrl-C held back until this process knows the child: a Ctrl-C
    in between would leave it running unseen, holding the terminal's output open."""
    interrupted: list[bool] = []
    held = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        child.start()
    finally:
        signal.signal(signal.SIGINT, held)
    if interrupted:
        raise KeyboardInterrupt


def _awaited(receive: Any, child: Any, deadline: float,
             progress: Callable[[str], None] | None) -> tuple[str, Any]:
    """The child's last message, the progress before it handed on; ("late", None) when
    none came by the deadline."""
    while receive.poll(max(0.0, deadline - time.monotonic())):
        kind, value = _receive(receive, child)
        if kind != "progress":
            return kind, value
        if progress is not None:
            progress(value)
    return "late", None


def _receive(receive: Any, child: Any) -> tuple[str, Any]:
    """The child's message, or how it ended without one."""
    try:
        return receive.recv()
    except EOFError:
        child.join()
        return "ended", (f"the grading process ended with exit code {child.exitcode} before "
                         "it could report (os._exit, or a crash in your code)")


def _read_output(path: Path) -> str:
    """The captured output, with a last line counting what was dropped."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    dropped = path.with_suffix(".dropped")
    if dropped.exists():
        text += f"… and {dropped.read_text()} more lines not shown\n"
    return text

