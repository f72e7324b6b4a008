"""The order's or the walk's failure, drawn: the graph it was graded on, built again
with the learner's engine, each tensor labelled with what their code made of it
(its place in their order; its gradient after their backward, beside the one
tinygrad_nn's own engine gives), the node where it goes wrong marked.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_nn import Tensor
from tinygrad_nn.exercises import graphs
from tinygrad_nn.exercises.loading import Engine
from tinygrad_nn.exercises.picture import graph_svg
from tinygrad_nn.viz.style import values

SHOWN = 4  # elements of an array shown in a label


def order_labels(engine: Engine, made: list[Any]) -> Callable[[Any], list[str]]:
    """Each tensor's place in the learner's topological order of the graph."""
    try:
        order = engine.tensor.topological_order(made[-1])
        place = {id(t): k for k, t in enumerate(order)}
    except Exception as error:  # noqa: BLE001 - their order may raise; say so in each box
        raised = f"your order raised {type(error).__name__}"
        return lambda t: [graphs.describe(t), raised]
    return lambda t: [graphs.describe(t), f"your order: position {place[id(t)]}"
                      if id(t) in place else "your order: not listed"]


def walk_labels(build: Callable[..., list[Any]], made: list[Any]) -> Callable[[Any], list[str]]:
    """Each tensor's value and the gradient the learner's backward() gave it, and for a
    leaf the one tinygrad_nn's engine gives on the same graph."""
    try:
        made[-1].backward()
        walked = ""
    except Exception as error:  # noqa: BLE001 - their walk may raise; the boxes say so
        walked = f"your backward() raised {type(error).__name__}"
    reference = build(Tensor)
    reference[-1].backward()
    expected = {t.name: t.grad for t in reference if t.name and t.grad is not None}

    def lines(tensor: Any) -> list[str]:
        found = [graphs.describe(tensor), f"data {values(np.asarray(tensor.data), SHOWN)}",
                 walked or f"your grad {_shown(tensor.grad)}"]
        if tensor._op is None and getattr(tensor, "name", None) in expected:
            found.append(f"expected {_shown(expected[tensor.name])}")
        return found
    return lines


def _shown(grad: Any) -> str:
    return "None" if grad is None else values(np.asarray(grad, dtype=float), SHOWN)


def graph_failure_html(engine: Engine, row: str, build_name: str, node: str) -> str:
    """The graph `build_name` (a builder in `graphs`) on the learner's engine, labelled
    for `row` (the order or the walk), `node` marked, as HTML."""
    build = getattr(graphs, build_name)
    made = build(engine.tensor.Tensor)
    lines = (order_labels(engine, made) if row == "topological_order"
             else walk_labels(build, made))
    picture = graph_svg(made[-1], lines, lambda t: graphs.describe(t) == node)
    return (f"<h3>The graph it was graded on, {html.escape(node)} marked</h3>"
            f"<p>{html.escape(build.__doc__.split('. ')[0])}.</p>{picture}")
