"""Printing what chaos moves: only the digits that a run and its one-ulp neighbours share.

Long training can grow a difference in the last bit of a number (another machine's tanh
or matrix product rounding the other way) into a visible one. An experiment known to do
so is run several times, from its start moved 0, 1, 2, ... ulps (np.nextafter): each run
is an outcome another machine could have printed. A number is then printed to the
finest precision at which every one of those runs, and any value as far beyond them as
they lie apart, prints the same (`common_digits`),
and a claim holds or is contradicted only when every run says so (`unanimous`);
otherwise it is undecided.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def significant(value: float, digits: int) -> str:
    """`value` to `digits` significant digits, trailing zeros kept: 0.30, 0.0012, 1,200."""
    rounded = float(f"{value:.{digits}g}")
    if rounded == 0:
        return "0"
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(rounded)))))
    return f"{rounded:,.{decimals}f}"


def common_digits(values: Sequence[float], digits: int = 2) -> str:
    """The values to the most significant digits, at most `digits`, that print them all
    the same, and with them any value as far beyond them as they lie apart (another
    machine's run falls about as far from these as they fall from each other); when
    even one digit tells those apart, their range at one digit."""
    low, high = min(values), max(values)
    spread = high - low
    reach = (max(low - spread, 0.0) if low >= 0 else low - spread, high + spread)
    for precision in range(digits, 0, -1):
        shown = {significant(value, precision) for value in (*values, *reach)}
        if len(shown) == 1:
            return shown.pop()
    return f"{significant(reach[0], 1)}–{significant(reach[1], 1)}"


def unanimous(verdicts: Sequence[bool]) -> bool | None:
    """True or False when every run agrees, None (undecided) when they do not."""
    return verdicts[0] if len(set(verdicts)) == 1 else None


def verdict_word(verdict: bool | None) -> str:
    """How a table says a claim came out: holds, contradicted or undecided."""
    return {True: "holds", False: "contradicted", None: "undecided"}[verdict]
