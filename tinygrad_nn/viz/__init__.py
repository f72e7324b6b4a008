"""Pictures of backpropagation: the graph, the backward pass step by step, the network.

`draw_graph` draws what a `Tensor` remembers: a box per tensor (its values and,
after `backward()`, its gradient ∂L/∂t) and an oval per op, with arrows in the
direction data flows. `backward_steps` replays reverse-mode autodiff one op at a
time without touching any `.grad`: an op receives the gradient of its output,
g = ∂L/∂out, and hands each input the contribution g · ∂out/∂input, which adds
into that input's gradient. `backward_stepper` draws every step into one HTML
stepper that a notebook shows inline; `render_backward` writes the same as files.
`draw_network` draws a `Sequential` of `Linear` layers as the articles do:
neurons in columns, a weight on every link.

The drawing functions return a `graphviz.Digraph`, whose `.source` is DOT text
(no Graphviz program needed), and which Jupyter shows inline; `save` renders it
with Graphviz's `dot` when it is installed, else with `graphviz-pure`, a port of
Graphviz that pip installs.

One file per job: `graph` (the computation graph), `titles` (what a tensor is
called), `backward` (the steps and their pictures), `stepper` (the HTML stepper),
`network` (network diagrams), `rendering` (DOT to pictures), `style` (colours,
numbers as text).
"""

from tinygrad_nn.viz.backward import BackwardStep, backward_steps
from tinygrad_nn.viz.graph import draw_graph
from tinygrad_nn.viz.network import (
    ACTIVATION_SYMBOLS,
    COLUMN_GAP,
    MAX_NEURONS,
    NEGATIVE,
    NETWORK_KEY,
    NEURON_GAP,
    OUTPUT_GAP,
    POSITIVE,
    TEXT_GAP,
    WRITTEN_LINKS,
    draw_network,
)
from tinygrad_nn.viz.rendering import (
    INSTALL_HINT,
    RENDERERS,
    GraphvizNotFoundError,
    render,
    save,
)
from tinygrad_nn.viz.stepper import BackwardStepper, backward_stepper, render_backward
from tinygrad_nn.viz.style import CURRENT, FONT, GRAD_COLOUR, GREY, KIND_COLOURS, KIND_LEGEND

__all__ = [
    "ACTIVATION_SYMBOLS", "COLUMN_GAP", "CURRENT", "FONT", "GRAD_COLOUR", "GREY", "INSTALL_HINT",
    "KIND_COLOURS", "KIND_LEGEND", "MAX_NEURONS", "NEGATIVE", "NETWORK_KEY", "NEURON_GAP",
    "OUTPUT_GAP", "POSITIVE", "RENDERERS", "TEXT_GAP", "WRITTEN_LINKS", "BackwardStep",
    "BackwardStepper", "GraphvizNotFoundError", "backward_stepper", "backward_steps",
    "draw_graph", "draw_network", "render", "render_backward", "save",
]
