"""The backward pass one op at a time, and a picture with a caption per step.

`backward_steps` records what `tensor.backward_pass` does, the same walk
`backward()` takes, without touching any `.grad`: an op receives the gradient of
its output, g = ∂L/∂out, and hands each input the contribution g · ∂out/∂input,
which adds into that input's gradient. `frames` draws the pass before its first
step (the forward pass) and after each step, each picture with the text of what
happened, for the stepper to show.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from tinygrad_nn.tensor import Tensor, backward_pass
from tinygrad_nn.viz.graph import Graph, Look, Moment, digraph, op_node, tensor_node
from tinygrad_nn.viz.rendering import render
from tinygrad_nn.viz.style import values
from tinygrad_nn.viz.titles import op_label, operand


@dataclass(frozen=True)
class BackwardStep:
    """One op of the backward pass: its output's gradient g = ∂L/∂out (complete,
    since every use of `output` has been visited), the op's local derivative rule,
    what it adds to each input's gradient (None for an input that needs none),
    and each input's gradient summed so far, just after this step."""

    index: int  # 1 for the op that made the root
    op: Any
    output: Tensor
    upstream: np.ndarray
    rule: str
    contributions: tuple[np.ndarray | None, ...]
    accumulated: tuple[np.ndarray | None, ...]


def backward_steps(root: Tensor) -> list[BackwardStep]:
    """The steps `root.backward()` takes, in its order (reverse topological: an op
    is visited once its output's gradient is complete), without changing any
    `.grad`. Starts from ∂root/∂root = 1, so `root` must hold one element."""
    if not isinstance(root, Tensor) or not root.requires_grad or root.size != 1:
        raise ValueError(
            "backward_steps() needs a one-element Tensor (a loss) that requires grad, "
            f"got {root!r}"
        )
    so_far: dict[Tensor, np.ndarray] = {}  # each input's gradient summed so far
    steps = []
    for t, upstream, contributions in backward_pass(root, np.ones_like(root.data)):
        if t._op is None:
            continue
        for parent, contribution in zip(t._op.inputs, contributions):
            if contribution is not None:
                before = so_far.get(parent)
                so_far[parent] = contribution if before is None else before + contribution
        accumulated = tuple(so_far.get(p) if c is not None else None
                            for p, c in zip(t._op.inputs, contributions))
        steps.append(BackwardStep(len(steps) + 1, t._op, t, upstream, t._op.rule,
                                  tuple(contributions), accumulated))
    return steps


def moment(graph: Graph, steps: list[BackwardStep], steps_done: int) -> Moment:
    """The backward pass after its first `steps_done` steps."""
    if steps_done == 0:
        return Moment({}, set(), None)
    grads = {graph.number(graph.root): steps[0].upstream}
    for step in steps[:steps_done]:
        for parent, accumulated in zip(step.op.inputs, step.accumulated):
            if accumulated is not None:
                grads[graph.number(parent)] = accumulated
    done = {graph.number(step.output) for step in steps[:steps_done]}
    return Moment(grads, done, steps[steps_done - 1])


@dataclass(frozen=True)
class Frame:
    """One step drawn: the SVG document, the HTML text of what happened, and the
    DOT name of the node to bring into view (the current op, or the root)."""

    svg: str
    text: str
    focus: str


def frames(graph: Graph, steps: list[BackwardStep], look: Look) -> list[Frame]:
    """The forward pass, then the moment after each step: the current op
    highlighted, its input edges labelled with what flows back, gradients so far
    shown, nodes not reached yet greyed."""
    drawn = []
    for steps_done in range(len(steps) + 1):
        now = moment(graph, steps, steps_done)
        svg = render(digraph(graph, look, now), "svg").decode("utf-8")
        focus = (op_node(graph.number(now.current.output)) if now.current
                 else tensor_node(graph.number(graph.root)))
        drawn.append(Frame(svg, _step_text(graph, steps, steps_done, look.max_elems), focus))
    return drawn


def inline_svg(svg: str) -> str:
    """An SVG document as an element to put inside HTML: without its XML prolog,
    and without the ids Graphviz writes (node1, edge1, …), which would repeat in
    every frame and every stepper of a page."""
    return re.sub(r' id="[^"]*"', "", svg[svg.index("<svg"):])


def _step_text(graph: Graph, steps: list[BackwardStep], steps_done: int, max_elems: int) -> str:
    """What happens at a step, as HTML for the stepper's side panel."""
    loss = html.escape(graph.title(graph.root).text)
    if steps_done == 0:
        return (
            f"<h3>Forward pass</h3><p>Every value has been computed, inputs to "
            f"<b>{loss}</b>. No gradient yet.</p><p>The backward pass starts at <b>{loss}</b> "
            f"with ∂{loss}/∂{loss} = 1 and visits the {len(steps)} ops in reverse order. "
            f"At each op, the gradient of its output (upstream) times the op's local "
            f"derivative gives what flows to each input; an input used more than once "
            f"adds up what it receives.</p><p>Press → or <i>Next</i>.</p>"
        )
    step = steps[steps_done - 1]

    def code(array: np.ndarray) -> str:
        return f"<code>{html.escape(values(array, max_elems))}</code>"

    out = graph.title(step.output)
    rows = []
    for parent, contribution, accumulated in zip(step.op.inputs, step.contributions,
                                                 step.accumulated):
        name = html.escape(graph.title(parent).text)
        if contribution is None:
            rows.append(f"<tr><td>{name}</td><td colspan=2>constant: needs no gradient</td></tr>")
        else:
            rows.append(f"<tr><td>{name}</td><td>{code(contribution)}</td>"
                        f"<td>{code(accumulated)}</td></tr>")
    return (
        f"<h3>Step {step.index} of {len(steps)}: <span class=op>{html.escape(op_label(step.op))}"
        f"</span> {type(step.op).__name__}</h3>"
        f"<p>output <b>{html.escape(out.text)}</b> = {code(step.output.data)}</p>"
        f"<p>upstream gradient ∂{loss}/∂{html.escape(operand(out))} = {code(step.upstream)}</p>"
        f"<p>local rule: <code>{html.escape(step.rule)}</code></p>"
        f"<p>upstream × local derivative flows to each input:</p>"
        f"<table><tr><th>input</th><th>contribution</th><th>its gradient so far</th></tr>"
        f"{''.join(rows)}</table>"
    )
