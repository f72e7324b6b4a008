"""Hints in levels: each `hint DIR EXERCISE` gives the next one, so that a learner
takes only as much help as they need.

First the idea (also in the workspace's comment), then the formula in the articles'
notation with the section of the docs that derives it, last the reference's own code.
The levels already given are remembered in the workspace, in HINTS_FILE.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tinygrad_nn.exercises.catalogue import Blank, blank_named
from tinygrad_nn.exercises.workspace import reference_code

HINTS_FILE = ".hints.json"
LEVELS = ("the idea", "the formula", "the code")
WIDTH = 88


def hint_text(blank: Blank, level: int) -> str:
    """Hint `level` (1 to 3) of a blank."""
    return (textwrap.fill(blank.idea, WIDTH),
            textwrap.fill(blank.formula, WIDTH) + f"\nDerived in {blank.derived}.",
            reference_code(blank.name))[level - 1]


def next_hint(folder: str | Path, name: str) -> str:
    """The next level of hint for the blank `name` in the workspace `folder`, with a
    heading; the last level again once all are given."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder: name the workspace made by `start`")
    blank = blank_named(name)
    state = folder / HINTS_FILE
    given = json.loads(state.read_text(encoding="utf-8")) if state.is_file() else {}
    level = min(given.get(blank.name, 0) + 1, len(LEVELS))
    given[blank.name] = level
    state.write_text(json.dumps(given, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    last = " (the last)" if level == len(LEVELS) else ""
    return (f"{blank.title}, hint {level} of {len(LEVELS)}{last}: {LEVELS[level - 1]}\n\n"
            f"{hint_text(blank, level)}")
