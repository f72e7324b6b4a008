"""Progress: the rows in the exercises' order, graded on the learner's engine by
`check`, and the table that shows them.
"""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

from tinygrad_nn.exercises import capstone, grading
from tinygrad_nn.exercises.catalogue import BLANKS
from tinygrad_nn.exercises.grading import FAILED, PASSED, SKIPPED, Grader, Result, Row
from tinygrad_nn.exercises.loading import load_engine
from tinygrad_nn.exercises.workspace import not_written

WALK_NEEDS = ("add", "mul", "neg", "sub", "pow", "exp", "log", "sigmoid", "sum", "unbroadcast",
              "matmul", "topological_order")
CAPSTONE_NEEDS = (*WALK_NEEDS, "backward_pass", "sgd_step")
SPECIAL = {  # the blanks that are not ops: how each is graded, and what it needs first
    "unbroadcast": (grading.grade_unbroadcast, ()),
    "topological_order": (grading.grade_topological_order, ()),
    "backward_pass": (grading.grade_backward_pass, WALK_NEEDS),
    "sgd_step": (grading.grade_sgd_step, ()),
}


def _rows() -> dict[str, Row]:
    rows = {}
    for blank in BLANKS:
        grade, needs = SPECIAL.get(blank.name, (functools.partial(grading.grade_op, name=blank.name), ()))
        rows[blank.name] = Row(blank.name, blank.exercise, blank.title, needs, grade)
    rows["capstone_001"] = Row("capstone_001", 10, "capstone: article 001", CAPSTONE_NEEDS,
                               capstone.grade_001)
    rows["capstone_004"] = Row("capstone_004", 10, "capstone: article 004", CAPSTONE_NEEDS,
                               capstone.grade_004)
    return rows


ROWS = _rows()


def selected(only: str | None) -> list[str]:
    """The rows `--only` names: a blank ("mul"), an exercise number ("1"), or "capstone"."""
    if only is None:
        return list(ROWS)
    chosen = [name for name, row in ROWS.items()
              if only in (name, str(row.exercise)) or (only == "capstone" and row.exercise == 10)]
    if not chosen:
        raise ValueError(f"--only {only}: no such exercise; choose one of "
                         f"{', '.join(ROWS)}, a number 1-10, or capstone")
    return chosen


def check(folder: str | Path, only: str | None = None,
          seed: int = 0) -> tuple[Grader, list[Result]]:
    """Import the engine in `folder` and grade the chosen rows (their prerequisites
    are graded too, but not shown), the random cases drawn from `seed`."""
    names = selected(only)
    grader = Grader(load_engine(folder), not_written(folder), ROWS, seed)
    return grader, [grader.result(name) for name in names]


def table(results: list[Result]) -> str:
    """One line per row; under a failure, the first wrong element and the likely mistake."""
    lines = [f"{'#':>3}  {'exercise':<24}result", f"{'':->3}  {'':-<24}{'':-<46}"]
    indent = " " * 29
    for result in results:
        row = result.row
        text = result.status + (f" {result.detail}" if result.status in ("blocked",) else "")
        if result.status in (PASSED, SKIPPED) and result.detail:
            text += f": {result.detail}"
        lines.append(f"{row.exercise:>3}  {row.title:<24}{text}")
        if result.status == FAILED:
            case = f"case: {grading.describe_case(*result.case)}" if result.case else ""
            for heading, body in (("", result.detail), ("likely mistake: ", result.mistake),
                                  ("", case)):
                if body:
                    lines += textwrap.wrap(heading + body, 100, initial_indent=indent,
                                           subsequent_indent=indent + "  ")
    done = sum(r.status == PASSED for r in results)
    lines += ["", f"{done} of {len(results)} passed."]
    waiting = [r.first_to_do or r.row for r in results if r.status not in (PASSED, SKIPPED)]
    if waiting:
        lines.append(f"Next: {waiting[0].title} (exercise {waiting[0].exercise}).")
    seeds = sorted({r.case[1] // 100 for r in results if r.case is not None})
    if seeds:
        lines.append(f"The cases were drawn at random with seed {seeds[0]}: add --seed "
                     f"{seeds[0]} to check to draw the same ones again.")
    if any(r.case is not None for r in results):
        lines.append("check --stepper OUT draws the backward pass of each failed op, step by "
                     "step, on your engine.")
    return "\n".join(lines)
