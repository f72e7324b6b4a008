"""Progress: the rows in the exercises' order, each graded on the learner's engine in
a process of its own by `check`, and the table that shows them.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path

from tinygrad_nn.exercises import capstone, op_checks
from tinygrad_nn.exercises.cases import SPECS
from tinygrad_nn.exercises.catalogue import BLANKS, plain
from tinygrad_nn.exercises.contained import run_apart
from tinygrad_nn.exercises.forward_checks import grade_log_softmax
from tinygrad_nn.exercises.grading import (
    BLOCKED,
    FAILED,
    NOT_DONE,
    PASSED,
    SKIPPED,
    Grader,
    Result,
    Row,
    label,
)
from tinygrad_nn.exercises.loading import NotAWorkspace, load_engine
from tinygrad_nn.exercises.optimizer_checks import grade_adam_step, grade_sgd_step
from tinygrad_nn.exercises.order_checks import grade_topological_order
from tinygrad_nn.exercises.walk_checks import grade_backward_pass
from tinygrad_nn.exercises.workspace import not_written

WALK_NEEDS = ("add", "mul", "neg", "sub", "pow", "exp", "log", "sigmoid", "sum", "unbroadcast",
              "matmul", "topological_order")
CAPSTONE_NEEDS = (*WALK_NEEDS, "backward_pass", "sgd_step")
SPECIAL = {  # the blanks that are not ops: how each is graded, and what it needs first
    "unbroadcast": (op_checks.grade_unbroadcast, ()),
    "topological_order": (grade_topological_order, ()),
    "backward_pass": (grade_backward_pass, WALK_NEEDS),
    "sgd_step": (grade_sgd_step, ()),
    "adam_step": (grade_adam_step, ()),
    "log_softmax": (grade_log_softmax, ()),
}
TIMEOUT = 10.0  # seconds a row may take; the capstone's rows get CAPSTONE_TIME_FACTOR times it
CAPSTONE_TIME_FACTOR = 12  # article 004 trains 900 steps on 209 images of 12,288 pixels


def _rows() -> dict[str, Row]:
    rows = {}
    for blank in BLANKS:
        grade, needs = SPECIAL.get(blank.name, (functools.partial(op_checks.grade_op, name=blank.name), ()))
        broadcasts = blank.name in SPECS and any(c.broadcasts for c in SPECS[blank.name].cases)
        rows[blank.name] = Row(blank.name, blank.exercise, blank.title, needs, grade,
                               after=("unbroadcast",) if broadcasts else ())
    for name, article, grade in (("capstone_001", "001", capstone.grade_001),
                                 ("capstone_004", "004", capstone.grade_004)):
        rows[name] = Row(name, 10, f"capstone: article {article}", CAPSTONE_NEEDS, grade,
                         time_factor=CAPSTONE_TIME_FACTOR)
    return dict(sorted(rows.items(), key=lambda item: item[1].exercise))


ROWS = _rows()


def selected(only: str | None) -> list[str]:
    """The rows `--only` names, in any case: a blank ("mul"), a title as the table prints
    it ("Mul", "topological order"), an exercise number ("1"), or "capstone"."""
    if only is None:
        return list(ROWS)
    wanted = plain(only)
    chosen = [name for name, row in ROWS.items()
              if wanted in (name, plain(row.title), str(row.exercise))
              or (wanted == "capstone" and row.exercise == 10)]
    if not chosen:
        raise ValueError(f"--only {only}: no such exercise; choose one of "
                         f"{', '.join(ROWS)}, a number 1-{max(r.exercise for r in ROWS.values())}, "
                         "or capstone")
    return chosen


def grade_apart(folder: str, name: str, passed: Collection[str], seed: int) -> Result:
    """One row graded on the engine in `folder`: what runs in the row's own process."""
    return Grader(load_engine(folder), ROWS, passed, seed).grade(ROWS[name])


def import_problem(folder: str) -> str:
    """Why the engine in `folder` cannot be graded, or "" when it imports."""
    try:
        load_engine(folder)
    except NotAWorkspace as problem:
        return str(problem)
    return ""


class Progress:
    """The rows of one workspace, each graded once, after the rows it needs or reads,
    in a process of its own with a time limit; `told(row, line)` hears what a long row
    reports while it runs (the capstone's epochs)."""

    def __init__(self, folder: Path, seed: int, timeout: float,
                 told: Callable[[Row, str], None] | None = None):
        self.folder, self.seed, self.timeout, self.told = folder, seed, timeout, told
        self.not_written = not_written(folder)
        self.results: dict[str, Result] = {}

    def result(self, name: str) -> Result:
        """The row's result, graded on first asking."""
        if name not in self.results:
            self.results[name] = self._grade(ROWS[name])
        return self.results[name]

    def passed(self, name: str) -> bool:
        """Whether the row passed."""
        return self.result(name).status == PASSED

    def _grade(self, row: Row) -> Result:
        if row.name in self.not_written:
            return Result(row, NOT_DONE, "its body still raises NotImplementedError")
        blockers = [name for name in row.needs if not self.passed(name)]
        if blockers:
            first = self.result(blockers[0])
            return Result(row, BLOCKED, "by " + ", ".join(label(ROWS[n]) for n in blockers[:3])
                          + (", …" if len(blockers) > 3 else ""),
                          first_to_do=first.first_to_do or first.row)
        passed = [name for name in row.after if self.passed(name)]
        outcome = run_apart(grade_apart, str(self.folder), row.name, passed, self.seed,
                            timeout=self.timeout * row.time_factor,
                            progress=self.told and functools.partial(self.told, row))
        if outcome.ended:
            return Result(row, FAILED, outcome.ended, output=outcome.output)
        return replace(outcome.value, output=outcome.output)


def check(folder: str | Path, only: str | None = None, seed: int = 0, timeout: float = TIMEOUT,
          shown: Callable[[Result], None] | None = None,
          told: Callable[[Row, str], None] | None = None) -> tuple[Progress, list[Result]]:
    """Grade the chosen rows of the engine in `folder` (their prerequisites are graded
    too, but not shown), the random cases drawn from `seed`, each row stopped after
    `timeout` seconds; `shown(result)` is called as each chosen row is graded, and
    `told(row, line)` with each line of progress a long row reports. Raises
    NotAWorkspace when the engine cannot be imported, in `timeout` seconds."""
    names = selected(only)
    folder = Path(folder).resolve()
    probe = run_apart(import_problem, str(folder), timeout=timeout)
    problem = probe.value or (probe.ended and f"your engine does not import: {probe.ended}")
    if problem:
        raise NotAWorkspace(problem + (f"\nIt printed:\n{probe.output}" if probe.output else ""))
    progress, results = Progress(folder, seed, timeout, told), []
    for name in names:
        results.append(progress.result(name))
        if shown is not None:
            shown(results[-1])
    return progress, results


HEADER = f"{'#':>3}  {'exercise':<24}result\n{'':->3}  {'':-<24}{'':-<46}"
INDENT = " " * 29


def progress_line(row: Row, text: str) -> str:
    """A line of a long row's progress, printed before its result: "… epoch 1,000 …"."""
    return f"{row.exercise:>3}  {row.title:<24}… {text}"


def row_lines(result: Result) -> list[str]:
    """A row of the table; under a failure, the first wrong element, the likely mistake
    and the case; under any row, what the learner's code printed."""
    row = result.row
    text = result.status + (f" {result.detail}" if result.status == BLOCKED else "")
    if result.status in (PASSED, SKIPPED) and result.detail:
        text += f": {result.detail}"
    lines = [f"{row.exercise:>3}  {row.title:<24}{text}"]
    if result.status == FAILED:
        case = f"case: {op_checks.describe_case(result.case[0])}" if result.case else ""
        for heading, body in (("", result.detail), ("likely mistake: ", result.mistake),
                              ("", case)):
            if body:
                lines += textwrap.wrap(heading + body, 100, initial_indent=INDENT,
                                       subsequent_indent=INDENT + "  ")
    if result.output:
        lines.append(f"{INDENT}your code printed:")
        lines += [f"{INDENT}| {line}" for line in result.output.splitlines()]
    return lines


def footer(results: list[Result]) -> list[str]:
    """How many passed, what to do next, and how to see the same cases again."""
    done = sum(r.status == PASSED for r in results)
    lines = ["", f"{done} of {len(results)} passed."]
    waiting = [r.first_to_do or r.row for r in results if r.status not in (PASSED, SKIPPED)]
    if waiting:
        lines.append(f"Next: {waiting[0].title} (exercise {waiting[0].exercise}).")
    seeds = sorted({r.seed for r in results if r.seed is not None})
    if seeds:
        lines.append(f"The cases were drawn at random with seed {seeds[0]}: add --seed "
                     f"{seeds[0]} to check to draw the same ones again.")
    if any(r.case is not None or r.graph is not None for r in results):
        lines.append("check --stepper OUT draws where each failure goes wrong, on your engine.")
    return lines


def table(results: list[Result]) -> str:
    """The whole table: the header, one row per result, the footer."""
    return "\n".join([HEADER, *(line for r in results for line in row_lines(r)),
                      *footer(results)])
