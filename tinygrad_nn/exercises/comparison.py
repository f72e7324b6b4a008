"""Expected beside got, element by element, as an HTML table with the wrong entries
marked: the first thing a failure's page shows, so that a learner sees at once
whether one element, a row or everything is off, and by how much.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from tinygrad_nn.exercises.grading import ATOL, RTOL

WRONG_MARK = "✗"
MAX_ROWS = 60  # elements listed; a bigger gradient shows its first MAX_ROWS


def _cell(value: float) -> str:
    return f"{value:.6g}"


def wrong_mask(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Where got and expected differ, to the grading tolerance."""
    return ~np.isclose(got, expected, rtol=RTOL, atol=ATOL)


def comparison_table(what: str, expected: np.ndarray, got: Any,
                     inputs: dict[str, np.ndarray]) -> str:
    """`what`'s expected values beside the learner's, one row per element, with the
    input values there (those of the gradient's shape) and ✗ on every wrong one. When
    got is not an array of expected's shape (None, an exception, another shape), the
    table says what came instead."""
    heading = f"<h3>{html.escape(what)}</h3>"
    got_array = _as_array(got)
    said = ""
    if got_array is None or got_array.shape != expected.shape:
        came = got if isinstance(got, str) else (
            f"an array of shape {got_array.shape}" if got_array is not None
            else f"{type(got).__name__} {got!r:.80}")
        said = (f'<p class="wrong">{WRONG_MARK} expected an array of shape {expected.shape}; '
                f"got {html.escape(str(came))}</p>")
        got_array = None
    wrong = np.ones(expected.shape, bool) if got_array is None else wrong_mask(got_array,
                                                                                expected)
    shown = [name for name, values in inputs.items() if np.shape(values) == expected.shape]
    head = "".join(f"<th>{html.escape(name)}</th>" for name in ["element", *shown])
    rows = []
    for k, index in enumerate(np.ndindex(expected.shape)):
        if k == MAX_ROWS:
            rows.append(f'<tr><td colspan="{len(shown) + 4}">… {expected.size - MAX_ROWS:,} '
                        "more</td></tr>")
            break
        mark = WRONG_MARK if wrong[index] else ""
        cells = [f"[{', '.join(map(str, index))}]",
                 *(_cell(inputs[name][index]) for name in shown), _cell(expected[index]),
                 "—" if got_array is None else _cell(got_array[index]), mark]
        rows.append(f'<tr{" class=wrong" if mark else ""}>'
                    + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    count = int(wrong.sum())
    summary = (f"<p>{count} of {expected.size} element{'s' * (expected.size > 1)} wrong"
               f"{' (marked ' + WRONG_MARK + ')' if count else ''}.</p>")
    return (f"{heading}{said}{summary}<table><tr>{head}<th>expected</th><th>got</th><th></th>"
            "</tr>" + "".join(rows) + "</table>")


def _as_array(got: Any) -> np.ndarray | None:
    """got as a float array, or None when it is not one."""
    if got is None or isinstance(got, (str, BaseException)):
        return None
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return None
