"""Every number the page prints, in a format of bounded width.

A run that diverges takes its loss and its weights to 10¹²⁰ and beyond; printed
plainly, such a number is 120 digits wide and pushes the page sideways. Here a
number is written with a fixed count of decimals while it is small enough to
read that way, and with three significant digits times a power of ten beyond.
"""

from __future__ import annotations

import math

PLAIN_BELOW = 1000.0  # |x| from here on is written as a power of ten
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def bounded(value: float, decimals: int = 3, sign: bool = False) -> str:
    """`value` with `decimals` decimals while |value| < 1000 (0.693, +0.01234), else
    as 2.07×10¹²⁰: never wider than 12 characters, whatever the value."""
    plus = "+" if sign else ""
    if math.isnan(value):
        return "not a number"
    if math.isinf(value):
        return f"{'-' if value < 0 else plus}∞"
    if abs(value) < PLAIN_BELOW:
        return f"{value:{plus}.{decimals}f}"
    mantissa, exponent = f"{value:{plus}.2e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPTS)}"
