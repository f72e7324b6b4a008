"""The computation graph drawn: a box per tensor (its values and, after
`backward()`, its gradient ∂L/∂t), an oval per op, arrows as data flows, and a
model's layers as labelled boxes around their ops.

Every tensor is keyed by its number in topological order, and only by that:
node names in the DOT text ("t3" for the tensor, "op3" for the op that made it)
are written from the number where the text is written, so drawings of the same
graph are the same text, never dependent on memory addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tinygrad_nn.tensor import Tensor, topological_order
from tinygrad_nn.viz.rendering import Drawing
from tinygrad_nn.viz.style import (
    CURRENT,
    FONT,
    GRAD_COLOUR,
    GREY,
    KIND_COLOURS,
    KIND_LEGEND,
    label_text,
    values,
)
from tinygrad_nn.viz.titles import Title, op_label, titles

if TYPE_CHECKING:
    from tinygrad_nn.viz.backward import BackwardStep


def tensor_node(number: int) -> str:
    """The DOT name of tensor `number`'s box."""
    return f"t{number}"


def op_node(number: int) -> str:
    """The DOT name of the oval of the op that made tensor `number`."""
    return f"op{number}"


@dataclass(frozen=True)
class Layers:
    """The labels of a model's layers, and which layer's box holds each tensor's
    box and each op's oval (by tensor number, to the layer's index)."""

    labels: list[str] = field(default_factory=list)
    of_tensor: dict[int, int] = field(default_factory=dict)
    of_op: dict[int, int] = field(default_factory=dict)


class Graph:
    """The tensors `root` was computed from, numbered in topological order, with
    what a drawing needs to know of each: its title, its kind, the ops that read
    it, and, given `model`, the layer boxes."""

    def __init__(self, root: Tensor, model: Any = None):
        if not isinstance(root, Tensor):
            raise TypeError(f"expected the Tensor to draw from; got {type(root).__name__}")
        self.root = root
        self.tensors = topological_order(root)
        self._numbers = {id(t): n for n, t in enumerate(self.tensors)}
        self.titles: list[Title] = titles(self.tensors, self.number, model)
        self.readers: list[list[int]] = [[] for _ in self.tensors]  # ops, by their output
        for n, t in enumerate(self.tensors):
            for parent in t._op.inputs if t._op is not None else ():
                self.readers[self.number(parent)].append(n)
        self.layers = _layers(self, model) if model is not None else Layers()

    def number(self, t: Tensor) -> int:
        """The tensor's place in the drawing's order: the one key of its node."""
        return self._numbers[id(t)]

    def title(self, t: Tensor) -> Title:
        """How the tensor is written in the drawing (its name, or its op and operands)."""
        return self.titles[self.number(t)]

    def kind(self, t: Tensor) -> str:
        """output, intermediate, parameter or input: what picks the node's colours."""
        if t is self.root:
            return "output"
        if t._op is not None:
            return "intermediate"
        return "parameter" if t.requires_grad else "input"


# ---- modules as labelled boxes -----------------------------------------------


def _layers(graph: Graph, model: Any) -> Layers:
    """Which layer's box each node goes in: the layer's parameters, every op that
    reads one of them, and tensors passed only between ops of that layer."""
    layers = Layers()
    owner: dict[int, int] = {}  # id of a parameter, to its layer
    for index, (label, parameters) in enumerate(_parameter_holders(model)):
        layers.labels.append(label)
        owner.update({id(p): index for p in parameters})
    for n, t in enumerate(graph.tensors):
        if t._op is None:
            if id(t) in owner:
                layers.of_tensor[n] = owner[id(t)]
            continue
        readers = [owner[id(p)] for p in t._op.inputs if id(p) in owner]
        if readers:
            layers.of_op[n] = readers[0]
    for n, readers in enumerate(graph.readers):
        layer = layers.of_op.get(n)
        if layer is not None and readers and all(layers.of_op.get(r) == layer for r in readers):
            layers.of_tensor[n] = layer
    return layers


def _parameter_holders(model: Any) -> list[tuple[str, list[Tensor]]]:
    """(label, parameters) of each module that holds parameters itself, found from
    `model.named_parameters()`: "0.weight" and "0.bias" are module "0" of `model`."""
    grouped: dict[str, list[Tensor]] = {}
    for name, parameter in model.named_parameters():
        grouped.setdefault(name.rpartition(".")[0], []).append(parameter)
    return [(_module_label(model, path), parameters) for path, parameters in grouped.items()]


def _module_label(model: Any, path: str) -> str:
    """e.g. "Linear 0 (1→2)": its class, its name in the model, inputs → outputs."""
    module = model
    for part in path.split(".") if path else ():
        module = module[int(part)] if part.isdigit() else getattr(module, part)
    label = " ".join(x for x in (type(module).__name__, path) if x)
    weight = getattr(module, "weight", None)
    if isinstance(weight, Tensor) and weight.ndim == 2:
        label += f" ({weight.shape[0]}→{weight.shape[1]})"
    return label


# ---- what a drawing shows ----------------------------------------------------


@dataclass(frozen=True)
class Look:
    show_data: bool = True
    show_grad: bool = True
    max_elems: int = 6
    rankdir: str = "LR"

    def __post_init__(self) -> None:
        """Checked here, where every drawing (graph or step) gets its look."""
        if self.rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT'; got {self.rankdir!r}")
        if self.max_elems < 1:
            raise ValueError(f"max_elems must be at least 1; got {self.max_elems}")


@dataclass(frozen=True)
class Moment:
    """A moment of the backward pass, for drawing it: each gradient so far and
    the ops visited (both by tensor number), and the step being taken (None
    before the first, in the forward pass, where nothing is highlighted)."""

    grads: dict[int, np.ndarray]
    done: set[int]
    current: BackwardStep | None


def _tensor_box(graph: Graph, n: int, look: Look, moment: Moment | None) -> dict:
    t = graph.tensors[n]
    grad = t.grad if moment is None else moment.grads.get(n)
    title = f"<b>{label_text(graph.titles[n].text)}</b>"
    shape = "scalar" if t.ndim == 0 else str(t.shape)
    rows = [f'{title}  <font point-size="11" color="#555555">{shape}</font>']
    if look.show_data:
        rows.append(f"data {label_text(values(t.data, look.max_elems))}")
    if look.show_grad and grad is not None:
        complete = moment is None or set(graph.readers[n]) <= moment.done
        caption = "grad" if complete else "grad so far"
        rows.append(f'<font color="{GRAD_COLOUR}">{caption} '
                    f"{label_text(values(grad, look.max_elems))}</font>")
    cells = "".join(f'<tr><td align="left" balign="left">{row}</td></tr>' for row in rows)
    label = f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'
    attrs = {"label": label, "shape": "box", "style": "rounded,filled",
             "fillcolor": KIND_COLOURS[graph.kind(t)], "color": "#555555"}
    current = _current_output(moment)
    if current is not None and t.requires_grad and grad is None:
        attrs.update(GREY)
    if t is current:
        attrs.update(color=CURRENT["color"], penwidth=CURRENT["penwidth"])
    return attrs


def _current_output(moment: Moment | None) -> Tensor | None:
    """The output of the op the drawn step is at; None for a plain drawing and for
    the forward pass, where nothing is highlighted or greyed."""
    return None if moment is None or moment.current is None else moment.current.output


def _op_oval(graph: Graph, n: int, moment: Moment | None) -> dict:
    t = graph.tensors[n]
    op = t._op
    attrs = {"label": op_label(op), "shape": "ellipse", "style": "filled", "fillcolor": "white",
             "fontsize": "16", "margin": "0.05,0.02", "tooltip": f"{type(op).__name__}: {op.rule}"}
    current = _current_output(moment)
    if current is t:
        attrs.update(CURRENT)
    elif current is not None and n not in moment.done:
        attrs.update(GREY)
    return attrs


def _edge_back(contribution: np.ndarray, look: Look) -> dict:
    """An input edge of the current step: what flows back along it, in red."""
    return {"label": f" {values(contribution, look.max_elems)} ", "color": GRAD_COLOUR,
            "fontcolor": GRAD_COLOUR, "penwidth": "2.5", "dir": "back", "arrowtail": "normal"}


def _legend(dot: Drawing, moment: Moment | None) -> None:
    """A small framed table of what the colours and shapes mean."""
    entries = [(text, f'bgcolor="{KIND_COLOURS[kind]}" style="rounded"')
               for kind, text in KIND_LEGEND.items()]
    entries.append(("op (oval)" if moment is not None else "op (oval; hover: its rule)",
                    'bgcolor="white" style="rounded"'))
    if moment is not None:
        entries.append(("current step", f'bgcolor="{CURRENT["fillcolor"]}" color="{GRAD_COLOUR}"'))
        entries.append(("gradient not reached yet",
                        f'bgcolor="{GREY["fillcolor"]}" color="{GREY["color"]}"'))
    rows = "".join(f'<tr><td border="1" {style} cellpadding="3">{label_text(text)}</td></tr>'
                   for text, style in entries)
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend", fontsize="11", fontcolor="#555555", style="rounded",
                    color="#bbbbbb")
        legend.node("legend", f'<<table border="0" cellspacing="4">{rows}</table>>',
                    shape="plaintext", fontsize="11")


def digraph(graph: Graph, look: Look, moment: Moment | None = None) -> Drawing:
    """The DOT drawing of `graph`, after `backward()` or, given `moment`, at that
    moment of the backward pass."""
    dot = Drawing(
        "computation_graph",
        graph_attr={"rankdir": look.rankdir, "fontname": FONT, "nodesep": "0.2",
                    "ranksep": "0.3"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "11", "color": "#555555", "arrowsize": "0.7"},
    )
    nodes: list[tuple[str, dict, int | None]] = []  # DOT name, attributes, layer
    edges: list[tuple[str, str, dict]] = []
    layers = graph.layers
    current = _current_output(moment)
    for n, t in enumerate(graph.tensors):
        nodes.append((tensor_node(n), _tensor_box(graph, n, look, moment), layers.of_tensor.get(n)))
        if t._op is None:
            continue
        nodes.append((op_node(n), _op_oval(graph, n, moment), layers.of_op.get(n)))
        edges.append((op_node(n), tensor_node(n), {}))
        for position, parent in enumerate(t._op.inputs):
            contribution = moment.current.contributions[position] if t is current else None
            back = _edge_back(contribution, look) if contribution is not None else {}
            edges.append((tensor_node(graph.number(parent)), op_node(n), back))
    for index, label in enumerate(layers.labels):
        with dot.subgraph(name=f"cluster_{index}") as box:
            box.attr(label=label, fontsize="12", style="rounded,dashed", color="#7a7a7a")
            for name, attrs, layer in nodes:
                if layer == index:
                    box.node(name, **attrs)
    for name, attrs, layer in nodes:
        if layer is None:
            dot.node(name, **attrs)
    for tail, head, attrs in edges:
        dot.edge(tail, head, **attrs)
    _legend(dot, moment)
    # The legend after the root (below it, top to bottom): beside the graph it would add
    # its width to the graph's, and a page shrinks the whole picture to fit.
    dot.edge(tensor_node(graph.number(graph.root)), "legend", style="invis")
    return dot


def draw_graph(root: Tensor, show_data: bool = True, show_grad: bool = True, rankdir: str = "LR",
               max_elems: int = 6, model: Any = None) -> Drawing:
    """The computation graph that made `root`, as a `graphviz.Digraph` that Jupyter
    shows inline: a box per tensor (title, shape, data and — once `backward()` has
    run — grad, in full up to `max_elems` elements, else min/mean/max), an oval per
    op, arrows as data flows. Fill colours tell parameters, inputs/constants,
    intermediates and the root apart. With `model` (an `nn.Module`), each layer's
    ops sit in a labelled box. `rankdir` is Graphviz's: "LR" draws left to right,
    "TB" top to bottom. `.source` is the DOT text; `viz.save` writes a file."""
    return digraph(Graph(root, model), Look(show_data, show_grad, max_elems, rankdir))
