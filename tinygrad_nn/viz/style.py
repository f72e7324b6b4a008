"""How every drawing looks: its font, the colours that mean something, numbers as text."""

from __future__ import annotations

import html

import numpy as np

FONT = "Arial"  # dot draws it (or its look-alike Liberation Sans); graphviz-pure knows its widths
KIND_COLOURS = {  # fill colour of a tensor box, by the role the tensor plays
    "parameter": "#b9e4a8",  # learned: a leaf that requires grad
    "input": "#cfe0f3",  # data and constants: leaves that need no gradient
    "intermediate": "#fff3c4",  # computed by an op
    "output": "#f7b98b",  # the root, usually the loss
}
KIND_LEGEND = {
    "parameter": "parameter (learned)",
    "input": "input / constant",
    "intermediate": "intermediate",
    "output": "output (root)",
}
GRAD_COLOUR = "#b2182b"
GREY = {"fillcolor": "#f3f3f3", "fontcolor": "#a0a0a0", "color": "#cccccc"}
CURRENT = {"fillcolor": "#ffd6d6", "color": GRAD_COLOUR, "penwidth": "3"}


def number(x: float) -> str:
    """Four significant digits: enough to follow a calculation by hand."""
    return f"{x:.4g}"


def values(array: np.ndarray, max_elems: int) -> str:
    """A small array in full; a big one as min / mean / max."""
    array = np.asarray(array)
    if array.size == 1:
        return number(array.item())
    if array.size <= max_elems:
        return np.array2string(array, separator=", ", formatter={"float_kind": number})
    return f"min {number(array.min())}  mean {number(array.mean())}  max {number(array.max())}"


def label_text(text: str) -> str:
    """Text for a Graphviz HTML-like label: escaped, lines left-aligned."""
    return html.escape(text).replace("\n", '<br align="left"/>')
