"""Network diagrams: a `Sequential` of `Linear` layers drawn as the articles draw
it, neurons in columns, a weight on every link, a bias under every neuron."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_nn.tensor import Tensor
from tinygrad_nn.viz.rendering import Drawing
from tinygrad_nn.viz.style import FONT, KIND_COLOURS

ACTIVATION_SYMBOLS = {"Sigmoid": "σ", "Tanh": "tanh", "ReLU": "relu", "Identity": "",
                      "Softmax": "softmax"}
MAX_NEURONS = 16
COLUMN_GAP = 2.8  # inches between layers
NEURON_GAP = 1.2  # inches between neurons of a layer
TEXT_GAP = 0.9  # inches from the neurons to the captions
OUTPUT_GAP = 1.3  # inches from the output neurons to the ŷ labels
WRITTEN_LINKS = 8  # layers with more links leave the weights off them: they would overlap
NETWORK_KEY = ("links: weights w, blue w > 0, red w < 0, thicker when |w| is larger; "
               "neurons: activation (Σ: none) and bias b")
POSITIVE = "#2166ac"  # the colour of a link of weight w > 0
NEGATIVE = "#d6604d"  # the colour of a link of weight w < 0


def _dense_layers(model: Any) -> list[tuple[Any, str]]:
    """(Linear, activation symbol) per layer of a Sequential such as
    Sequential(Linear(1, 2), Sigmoid(), Linear(2, 1), Sigmoid())."""
    layers: list[tuple[Any, str]] = []
    for module in model if hasattr(model, "__iter__") else [model]:
        name = type(module).__name__
        if isinstance(getattr(module, "weight", None), Tensor):
            if layers and module.weight.shape[0] != layers[-1][0].weight.shape[1]:
                raise ValueError(f"layer {name} takes {module.weight.shape[0]} inputs but the "
                                 f"layer before gives {layers[-1][0].weight.shape[1]}")
            layers.append((module, ""))
        elif name in ACTIVATION_SYMBOLS and layers:
            layers[-1] = (layers[-1][0], ACTIVATION_SYMBOLS[name])
        else:
            raise ValueError(f"draw_network draws Linear layers, each optionally followed by one of "
                             f"{', '.join(ACTIVATION_SYMBOLS)}; got {name} where it cannot go")
    if not layers:
        raise ValueError("draw_network needs a Sequential with at least one Linear layer")
    return layers


def draw_network(model: Any, decimals: int = 2, show_weights: bool | None = None,
                 input_names: Sequence[str] | None = None) -> Drawing:
    """A `Sequential` of `Linear` layers drawn as the articles draw networks, as a
    `graphviz.Digraph` that Jupyter shows inline:
    columns of neurons (inputs x, hidden layers, outputs ŷ), links coloured by the
    sign of their weight and as wide as its size, each neuron with its activation
    and its bias b. Weights are written on the links when `show_weights`, by
    default only in layers of at most WRITTEN_LINKS = 8 links (more would overlap).
    At most MAX_NEURONS = 16 neurons a layer. `input_names` names the inputs (default
    x, or x1, x2, …), e.g. to say that they were standardised."""
    layers = _dense_layers(model)
    sizes = [layers[0][0].weight.shape[0]] + [layer.weight.shape[1] for layer, _ in layers]
    if input_names is not None and len(input_names) != sizes[0]:
        raise ValueError(f"input_names has {len(input_names)} names for the model's "
                         f"{sizes[0]} inputs")
    if max(sizes) > MAX_NEURONS:
        raise ValueError(f"draw_network draws at most {MAX_NEURONS} neurons a layer; the layer "
                         f"sizes here are {sizes}. Use draw_graph for bigger models")
    biggest = max(float(np.abs(layer.weight.data).max()) for layer, _ in layers) or 1.0
    dot = Drawing(
        "network", engine="neato",
        graph_attr={"fontname": FONT, "splines": "line"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "11", "arrowsize": "0.6"},
    )
    captions = ["input"] + [f"hidden layer {k}" for k in range(1, len(layers))] + ["output"]
    top = (max(sizes) - 1) / 2 * NEURON_GAP + TEXT_GAP
    for column, caption in enumerate(captions):
        dot.node(f"caption{column}", caption, shape="plaintext", fontcolor="#555555",
                 pos=_pinned(column * COLUMN_GAP, top))
        for i in range(sizes[column]):
            dot.node(f"n{column}_{i}", pos=_pinned(*_position(column, i, sizes[column])),
                     **_neuron(layers, column, i, sizes, decimals, input_names))
    for column, (layer, _) in enumerate(layers):
        written = show_weights if show_weights is not None else layer.weight.size <= WRITTEN_LINKS
        for i, j in np.ndindex(*layer.weight.shape):
            w = float(layer.weight.data[i, j])
            colour = POSITIVE if w >= 0 else NEGATIVE
            label = (f'<<table border="0" cellpadding="1" bgcolor="white"><tr><td>'
                     f"{w:.{decimals}f}</td></tr></table>>") if written else ""
            dot.edge(f"n{column}_{i}", f"n{column + 1}_{j}",
                     **{_label_end(column, i, j, sizes): label}, labelangle="0",
                     labeldistance="3.5", color=colour, fontcolor=colour,
                     penwidth=f"{0.6 + 3.4 * abs(w) / biggest:.2f}", tooltip=f"w = {w:.4g}")
    bottom = -(max(sizes) - 1) / 2 * NEURON_GAP - TEXT_GAP
    dot.node("key", NETWORK_KEY, shape="plaintext", fontsize="11", fontcolor="#555555",
             pos=_pinned(len(layers) * COLUMN_GAP / 2, bottom))
    last = len(layers)
    for i in range(sizes[-1]):
        x, y = _position(last, i, sizes[-1])
        dot.node(f"out{i}", "ŷ" if sizes[-1] == 1 else f"ŷ{i + 1}", shape="plaintext",
                 fontsize="16", pos=_pinned(x + OUTPUT_GAP, y))
        dot.edge(f"n{last}_{i}", f"out{i}", color="#555555")
    return dot


def _position(column: int, i: int, size: int) -> tuple[float, float]:
    """Neurons of a column centred on y = 0, the first on top (inches)."""
    return column * COLUMN_GAP, ((size - 1) / 2 - i) * NEURON_GAP


def _label_end(column: int, i: int, j: int, sizes: list[int]) -> str:
    """Which end of the link from neuron i of `column` to neuron j of the next carries its
    weight: the head when the link climbs, else the tail. Two links that cross then write
    their weights at opposite ends, not both beside the crossing."""
    climbs = _position(column + 1, j, sizes[column + 1])[1] > _position(column, i, sizes[column])[1]
    return "headlabel" if climbs else "taillabel"


def _pinned(x: float, y: float) -> str:
    """neato's position attribute; the "!" keeps the node exactly there."""
    return f"{x},{y}!"


def _neuron(layers: list[tuple[Any, str]], column: int, i: int, sizes: list[int],
            decimals: int, input_names: Sequence[str] | None = None) -> dict:
    """An input is a plain circle named x (x1, x2, …) or by `input_names`; a neuron
    shows its activation (Σ if none) and, below it, its bias."""
    if column == 0:
        if input_names is not None:  # words: a rounded box, which widens to fit them
            return {"label": input_names[i], "shape": "box", "style": "rounded,filled",
                    "fillcolor": KIND_COLOURS["input"]}
        return {"label": "x" if sizes[0] == 1 else f"x{i + 1}", "shape": "circle",
                "style": "filled", "fillcolor": KIND_COLOURS["input"], "width": "0.6"}
    layer, symbol = layers[column - 1]
    bias = getattr(layer, "bias", None)
    rows = f'<tr><td><font point-size="15">{html.escape(symbol or "Σ")}</font></td></tr>'
    if bias is not None:
        rows += (f'<tr><td><font point-size="10" color="#555555">'
                 f"b = {float(bias.data[i]):.{decimals}f}</font></td></tr>")
    return {"label": f'<<table border="0" cellspacing="0" cellpadding="0">{rows}</table>>',
            "shape": "circle", "style": "filled", "fillcolor": KIND_COLOURS["intermediate"],
            "width": "0.85", "fixedsize": "true"}
