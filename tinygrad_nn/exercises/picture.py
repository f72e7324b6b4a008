"""A small graph drawn with the node where a failure happens marked: for the walk,
the order and an op whose backward raised, where a step-by-step picture has
nothing to step through.

It draws any graph whose tensors have `_op` (with `.inputs`), `name` and `data`:
the learner's engine's and tinygrad_nn's alike.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import graphviz

from tinygrad_nn.viz.backward import inline_svg
from tinygrad_nn.viz.rendering import render

MARKED, PLAIN = "#b2182b", "#444444"  # the node where it goes wrong, and every other
MAX_NODES = 40  # a bigger graph (the 10,000-op chain) is not drawn


def tensors_of(root: Any) -> list[Any]:
    """Every tensor `root` was computed from, and root, without repeats (any order)."""
    seen, stack, found = set(), [root], []
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        found.append(tensor)
        stack.extend(tensor._op.inputs if tensor._op is not None else ())
    return found


def graph_svg(root: Any, lines: Callable[[Any], list[str]], marked: Callable[[Any], bool],
              op_note: Callable[[Any], str] = lambda tensor: "") -> str:
    """The graph of `root` as an inline SVG: a box per tensor with `lines(tensor)`, an
    oval per op (its class name and `op_note(output)`), the tensors and ops that
    `marked` picks drawn in red. Raises ValueError for a graph of more than MAX_NODES."""
    tensors = tensors_of(root)
    if len(tensors) > MAX_NODES:
        raise ValueError(f"a graph of {len(tensors):,} tensors is too big to draw")
    number = {id(t): k for k, t in enumerate(tensors)}
    dot = graphviz.Digraph(graph_attr={"rankdir": "LR"},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"})
    for tensor in tensors:
        k, colour = number[id(tensor)], MARKED if marked(tensor) else PLAIN
        text = '<br align="left"/>'.join(html.escape(line) for line in lines(tensor))
        dot.node(f"t{k}", f"<{text}<br align=\"left\"/>>", shape="box", color=colour,
                 fontcolor=colour, penwidth="2.5" if colour == MARKED else "1")
        if tensor._op is None:
            continue
        note = op_note(tensor)
        colour = MARKED if note else PLAIN
        label = type(tensor._op).__name__ + (f"\n{note}" if note else "")
        dot.node(f"op{k}", label, shape="oval", color=colour, fontcolor=colour)
        dot.edge(f"op{k}", f"t{k}")
        for parent in tensor._op.inputs:
            dot.edge(f"t{number[id(parent)]}", f"op{k}")
    return inline_svg(render(dot).decode("utf-8"))
