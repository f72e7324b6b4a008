"""Grading a row: its outcome (passed, failed with what and the likely mistake,
blocked, skipped), and comparing arrays to say which element is wrong.

Each row is run on the learner's code only, by its own checks: the ops'
(`op_checks`), the order's (`order_checks`), the walk's (`walk_checks`), on the
graphs of `graphs`; the forwards' (`forward_checks`), the optimizers'
(`optimizer_checks`) and the capstone's (`capstone`). A failure names the first wrong element and, when the numbers match a
known mistake, that mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_nn.exercises.cases import OpCase
from tinygrad_nn.exercises.loading import Engine, where

PASSED, FAILED, NOT_DONE, BLOCKED, SKIPPED = (
    "passed", "failed", "not done yet", "blocked", "skipped")
EPS, RTOL, ATOL = 1e-6, 1e-5, 1e-7


class Wrong(Exception):
    """A graded answer is wrong: what (the first wrong element), and the likely mistake;
    for an op, the case it failed on; for the order and the walk, the graph (the name of
    the function that builds it) and the node where it goes wrong."""

    def __init__(self, detail: str, mistake: str = "", case: tuple[OpCase, int] | None = None,
                 node: str = "", graph: str = ""):
        super().__init__(detail)
        self.detail, self.mistake, self.case = detail, mistake, case
        self.node, self.graph = node, graph


class RaisedIn(Exception):
    """The learner's op raised while a case was graded: the error, and the case, so that
    the failure can be drawn on it."""

    def __init__(self, error: Exception, case: tuple[OpCase, int]):
        super().__init__(str(error))
        self.error, self.case = error, case


class Blocked(Exception):
    """A row cannot be graded because another blank's code fails under it."""

    def __init__(self, blank: str, why: str):
        super().__init__(why)
        self.blank, self.why = blank, why


class Skipped(Exception):
    """A row that cannot run here (the cat/non-cat files are missing)."""


@dataclass(frozen=True)
class Row:
    """One line of the table: a blank, or half of the capstone. `needs`: the rows that
    must pass first; `after`: rows graded first whose result this one reads (the ops
    wait for unbroadcast to add the shapes that broadcast); `time_factor` times the time
    limit it is given."""

    name: str
    exercise: int
    title: str
    needs: tuple[str, ...]
    grade: Callable[[Grader], str]  # returns a note; raises Wrong or Skipped
    after: tuple[str, ...] = ()
    time_factor: int = 1


@dataclass(frozen=True)
class Result:
    """How a row went. `case` is the op call that failed (with its seed), for a stepper;
    `first_to_do` the row to work on first when this one is blocked; `output` what the
    learner's code printed while it was graded; `graph` (the graph's builder, the node)
    where the order or the walk goes wrong, for a picture; `seed` the run's seed, on a
    failure, so that the same cases can be drawn again."""

    row: Row
    status: str
    detail: str = ""
    mistake: str = ""
    case: tuple[OpCase, int] | None = None
    first_to_do: Row | None = None
    output: str = ""
    graph: tuple[str, str] | None = None
    seed: int | None = None


class Grader:
    """Grades one row on the learner's engine (in a process of its own): the rows it
    reads were graded before, and `passed_rows` says which of them passed."""

    def __init__(self, engine: Engine, rows: dict[str, Row], passed_rows: Collection[str] = (),
                 seed: int = 0):
        self.engine = engine
        self.rows = rows
        self.passed_rows = set(passed_rows)
        self.seed = seed  # the run's: every random case is drawn from it

    def label(self, name: str) -> str:
        """A row as other rows name it: "Mul (1)"."""
        return label(self.rows[name])

    def passed(self, name: str) -> bool:
        """Whether a row this one reads passed."""
        return name in self.passed_rows

    def grade(self, row: Row) -> Result:
        """The row graded: its note, or what went wrong (with the run's seed), as a
        Result."""
        result = self._outcome(row)
        return replace(result, seed=self.seed) if result.status == FAILED else result

    def _outcome(self, row: Row) -> Result:
        try:
            with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
                return Result(row, PASSED, row.grade(self))
        except Wrong as wrong:
            return Result(row, FAILED, wrong.detail, wrong.mistake, wrong.case,
                          graph=(wrong.graph, wrong.node) if wrong.graph else None)
        except Skipped as why:
            return Result(row, SKIPPED, str(why))
        except Blocked as blocked:
            return Result(row, BLOCKED, f"by {self.label(blocked.blank)}: its forward raised "
                          f"{blocked.why}", first_to_do=self.rows[blocked.blank])
        except NotImplementedError as error:
            blank = re.match(r"exercise (\w+):", str(error))
            if blank and blank[1] in self.rows and blank[1] != row.name:
                return Result(row, BLOCKED, f"by {self.label(blank[1])}",
                              first_to_do=self.rows[blank[1]])
            return Result(row, NOT_DONE, where(error, self.engine.folder))
        except RecursionError as error:
            return Result(row, FAILED, where(error, self.engine.folder),
                          "recursion: Python allows about 1,000 nested calls; walk the graph "
                          "with an explicit stack")
        except RaisedIn as raised:
            guess = (FORWARD_RAISED if raised_in_forward(raised.error, self.engine.folder)
                     else _guess(row, raised.error, raised.case[0]))
            return Result(row, FAILED, where(raised.error, self.engine.folder), guess,
                          raised.case)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            return Result(row, FAILED, where(error, self.engine.folder), _guess(row, error))


FORWARD_RAISED = ("the op's forward raised, and forward is not yours to write here: it is as "
                  "`start` wrote it, unless it was edited or the workspace was made by an older "
                  "version; compare it with the forward of a new `start`")


def raised_in_forward(error: BaseException, folder: Path) -> bool:
    """Whether `error` came out of a `forward` in the learner's files."""
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "forward" and Path(code.co_filename).parent == folder:
            return True
        tb = tb.tb_next
    return False


def label(row: Row) -> str:
    """A row as other rows name it: "Mul (1)"."""
    return f"{row.title} ({row.exercise})"


STACK_TRANSPOSED = ("on a stack of matrices, .T reverses every axis, the batch axes too: swap "
                    "the last two only, np.swapaxes(b, -1, -2)")


def _guess(row: Row, error: Exception, case: OpCase | None = None) -> str:
    """What an exception usually means in this row (and this case, when an op's)."""
    missing = re.match(r"module '_learners_engine_\d+\.(\w+)' has no attribute '(\w+)'",
                       str(error))
    if isinstance(error, AttributeError) and missing:
        return (f"your {missing[1]}.py has no {missing[2]}: the workspace was made before this "
                f"exercise existed; copy {missing[2]} from the {missing[1]}.py of a new `start`")
    if row.name == "matmul" and isinstance(error, ValueError):
        if case is not None and any(len(shape) > 2 for shape in case.shapes):
            return STACK_TRANSPOSED
        return "a transpose on the wrong side: only g @ Bᵀ and Aᵀ @ g have A's and B's shapes"
    if row.name == "sum" and isinstance(error, ValueError):
        return ("g not given its summed axes back: reshape it to kept_shape(x.shape, self.axis) "
                "before spreading it over x's shape")
    if row.name == "log_softmax":
        return _log_softmax_guess(error)
    if row.name in ("sigmoid", "exp", "tanh", "sigmoid_bce", "softmax_ce") and isinstance(
            error, FloatingPointError):
        return (f"{row.title} recomputed from x, which overflows for large |x| (the grader "
                "tries x up to ±1000, as the engine's tests do): use out, which forward "
                "computed without overflow")
    if row.name == "adam_step" and isinstance(error, FloatingPointError):
        return ("the bias correction at t = 0 divides by 1 − β⁰ = 0: count the step (t += 1) "
                "before correcting")
    if isinstance(error, FloatingPointError):
        return "a division by zero or an overflow: a derivative written from the wrong values"
    return ""


def _log_softmax_guess(error: Exception) -> str:
    """What an exception in the log-softmax forward usually means."""
    if isinstance(error, FloatingPointError) and "overflow" in str(error):
        return ("e^z overflows for z far above 0 (the grader tries z up to 1000): subtract "
                "each row's max before e^z")
    if isinstance(error, FloatingPointError) and "divide" in str(error):
        return ("a row far below the array's max underflowed to log 0: subtract each row's "
                "own max (axis=-1, keepdims=True), not the whole array's")
    return ""


# ---- comparing arrays ----------------------------------------------------------


def number(value: float) -> str:
    """A value in a message: six significant digits."""
    return f"{value:.6g}"


def first_wrong(got: np.ndarray, expected: np.ndarray) -> tuple[int, ...] | None:
    """The index of the first element that differs, or None when all agree."""
    wrong = ~np.isclose(got, expected, rtol=RTOL, atol=ATOL)
    return tuple(int(i) for i in np.argwhere(wrong)[0]) if wrong.any() else None


def agrees(got: Any, expected: np.ndarray) -> bool:
    """Same shape and the same values, to the grading tolerance."""
    got = np.asarray(got, dtype=float)
    return got.shape == expected.shape and first_wrong(got, expected) is None


def as_gradient(got: Any, what: str) -> np.ndarray:
    """A returned gradient as a float array, or Wrong saying what came back instead."""
    if got is None:
        raise Wrong(f"{what} is None", "nothing returned for an input that needs a gradient")
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} is {type(got).__name__}, not an array") from None


def compare(got: np.ndarray, expected: np.ndarray, what: str,
            mistakes: Iterable[tuple[str, Any]] = (), after: str = "",
            where: Callable[[tuple[int, ...]], str] | None = None) -> None:
    """Raise Wrong unless got equals expected, naming the first wrong element of `what`
    (then `after`, e.g. "after the step", and `where(index)`, the values there); the
    mistake is the first of `mistakes` (name, the array or arrays it would give) that
    reproduces got."""
    if got.shape != expected.shape:
        raise Wrong(f"{what} has shape {got.shape}; it must have shape {expected.shape}")
    index = first_wrong(got, expected)
    if index is None:
        return
    at = (f"{what}[{', '.join(map(str, index))}]" if index else what) + after
    if where is not None:
        at += f" where {where(index)}"
    detail = f"{at}: expected {number(expected[index])}, got {number(got[index])}"
    for name, predicted in mistakes:
        candidates = predicted if isinstance(predicted, list) else [predicted]
        if any(c is not None and agrees(got, np.asarray(c, dtype=float)) for c in candidates):
            raise Wrong(detail, name)
    raise Wrong(detail)
