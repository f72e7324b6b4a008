"""The playground's pictures, as plotly figures built from a `Playground`.

Colours follow TensorFlow Playground: orange for class 0 and negative values,
blue for class 1 and positive values, white in between.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.model import Playground, WeightUpdate

ORANGE, BLUE = "#f59322", "#0877bd"
DIVERGING = [[0.0, ORANGE], [0.5, "#f7f7f7"], [1.0, BLUE]]
REGION_RESOLUTION = 80
NEURON_RESOLUTION = 24
CLASS_COLOURS = (ORANGE, BLUE)


def _base_layout(**overrides) -> dict:
    return {"margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "paper_bgcolor": "white",
            "plot_bgcolor": "white", "font": {"size": 12}, "uirevision": "keep"} | overrides


def decision_figure(playground: Playground) -> go.Figure:
    """p = σ(z) over the plane as a heatmap, its 0.5 contour (the decision
    boundary), training points as filled dots and test points as rings."""
    grid = playground.grid(REGION_RESOLUTION)
    prob = playground.unit_outputs(grid)[-1][0]
    fig = go.Figure(go.Heatmap(
        x=grid.xs, y=grid.ys, z=prob, zmin=0, zmax=1, colorscale=DIVERGING, opacity=0.75,
        colorbar={"title": {"text": "p(class 1)", "side": "right"}, "thickness": 12},
        hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>p=%{z:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Contour(
        x=grid.xs, y=grid.ys, z=prob, showscale=False, hoverinfo="skip",
        contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
        line={"color": "#333", "width": 2}, name="p = 0.5",
    ))
    for split, X, y in (("train", playground.X_train, playground.y_train),
                        ("test", playground.X_test, playground.y_test)):
        for label in (0, 1):
            points = X[y == label]
            colour = CLASS_COLOURS[label]
            marker = ({"color": colour, "size": 7, "line": {"color": "white", "width": 1}}
                      if split == "train" else
                      {"color": "white", "size": 7, "line": {"color": colour, "width": 2.5}})
            fig.add_trace(go.Scatter(
                x=points[:, 0], y=points[:, 1], mode="markers", marker=marker,
                name=f"class {label}, {split}",
                hovertemplate=f"class {label} ({split})<extra></extra>",
            ))
    fig.update_layout(**_base_layout(legend={"orientation": "h", "y": -0.12}))
    fig.update_xaxes(title_text="x₁", range=[grid.xs[0], grid.xs[-1]], showgrid=False)
    fig.update_yaxes(title_text="x₂", range=[grid.ys[0], grid.ys[-1]], showgrid=False)
    return fig


def loss_figure(playground: Playground) -> go.Figure:
    """Training and test loss L after every step: the test curve rising while the
    training curve falls is overfitting."""
    history = playground.history
    fig = go.Figure()
    for key, name, colour in (("train_loss", "training loss", "#555"),
                              ("test_loss", "test loss", "#d62728")):
        fig.add_trace(go.Scatter(x=history["step"], y=history[key], mode="lines",
                                 name=name, line={"color": colour, "width": 2}))
    fig.update_layout(**_base_layout(legend={"orientation": "h", "y": 1.12}))
    fig.update_xaxes(title_text="step", gridcolor="#eee")
    fig.update_yaxes(title_text="loss L", gridcolor="#eee", rangemode="tozero")
    return fig


def _column_positions(count: int, spacing: float) -> np.ndarray:
    """Vertical centres (paper units) for `count` nodes of one layer, top to bottom."""
    return 0.48 + (np.arange(count)[::-1] - (count - 1) / 2) * spacing


def _value_range(activation: str, values: np.ndarray) -> tuple[float, float]:
    """Colour range for one unit's map: its activation's own range where it has one."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    top = float(np.abs(values).max()) or 1.0
    return -top, top


def network_figure(playground: Playground) -> dict:
    """The network, each node drawn as a small map of its output over the plane
    (the inputs x₁ and x₂, every hidden unit, the output p), each weight as a line
    blue if positive, orange if negative, as thick as it is large.

    Built as a plain dict, not `go.Figure`: with up to 33 maps and 216 lines,
    plotly's per-call validation would take seconds on every tick."""
    grid = playground.grid(NEURON_RESOLUTION)
    maps = playground.unit_outputs(grid)
    activation = playground.settings.activation
    columns = np.linspace(0.06, 0.94, len(maps))
    spacing = min(0.22, 0.88 / max(len(layer) for layer in maps))
    centres = [[(x, y) for y in _column_positions(len(layer), spacing)]
               for x, layer in zip(columns, maps)]
    half_h = min(0.38 * spacing, 0.07)
    half_w = 0.9 * half_h  # the figure is about 10% wider than high: square maps
    titles = (["inputs"] + [f"hidden {i}: {activation}" for i in range(1, len(maps) - 1)]
              + ["output p = σ(z)"])
    traces: list[dict] = []
    layout = _base_layout(
        showlegend=False, height=420, margin={"l": 5, "r": 5, "t": 20, "b": 5},
        xaxis={"range": [0, 1], "visible": False, "fixedrange": True},
        yaxis={"range": [0, 1], "visible": False, "fixedrange": True},
        annotations=[{"x": x, "y": 1.0, "xref": "paper", "yref": "paper", "text": title,
                      "showarrow": False, "font": {"size": 11}}
                     for x, title in zip(columns, titles)],
        shapes=_weight_lines(playground, centres, half_w),
    )
    for layer_index, (layer, nodes) in enumerate(zip(maps, centres)):
        kind = ("input" if layer_index == 0 else
                "output" if layer_index == len(maps) - 1 else activation)
        for unit, ((cx, cy), values) in enumerate(zip(nodes, layer)):
            axis = len(traces) + 2  # axis 1 is the canvas the lines are drawn on
            zmin, zmax = ((0.0, 1.0) if kind == "output" else
                          _value_range("identity" if kind == "input" else kind, values))
            label = (f"x{'₁₂'[unit]}" if kind == "input" else
                     "p" if kind == "output" else f"layer {layer_index}, unit {unit + 1}")
            traces.append({
                "type": "heatmap", "z": values, "zmin": zmin, "zmax": zmax,
                "colorscale": DIVERGING, "showscale": False, "xaxis": f"x{axis}",
                "yaxis": f"y{axis}", "name": label,
                "hovertemplate": f"{label}<br>output %{{z:.2f}}<extra></extra>",
            })
            layout[f"xaxis{axis}"] = {"domain": [cx - half_w, cx + half_w], "visible": False}
            layout[f"yaxis{axis}"] = {"domain": [cy - half_h, cy + half_h], "visible": False}
    traces.append(_weight_hover(playground, centres))
    return {"data": traces, "layout": layout}


def _weight_lines(playground: Playground, centres: list, half_w: float) -> list[dict]:
    """A line per weight W[i, j] of every layer, from node i to node j."""
    layers = playground.layer_weights()
    largest = max(float(np.abs(W).max()) for W, _ in layers) or 1.0
    return [
        {"type": "line", "xref": "x", "yref": "y", "layer": "below",
         "x0": x0 + half_w, "y0": y0, "x1": x1 - half_w, "y1": y1,
         "line": {"color": BLUE if W[i, j] > 0 else ORANGE,
                  "width": 0.5 + 5 * abs(float(W[i, j])) / largest}}
        for number, (W, _) in enumerate(layers)
        for i, (x0, y0) in enumerate(centres[number])
        for j, (x1, y1) in enumerate(centres[number + 1])
    ]


def _weight_hover(playground: Playground, centres: list) -> dict:
    """Invisible points at the middle of every line that name the weight and its value."""
    x, y, text = [], [], []
    for number, (W, b) in enumerate(playground.layer_weights(), start=1):
        for i, (x0, y0) in enumerate(centres[number - 1]):
            for j, (x1, y1) in enumerate(centres[number]):
                x.append((x0 + x1) / 2)
                y.append((y0 + y1) / 2)
                text.append(f"w{number}[{i},{j}] = {W[i, j]:.3f}<br>b{number}[{j}] = {b[j]:.3f}")
    return {"type": "scatter", "x": x, "y": y, "mode": "markers", "hovertext": text,
            "hoverinfo": "text", "marker": {"size": 8, "opacity": 0}, "xaxis": "x", "yaxis": "y"}


def update_rule_lines(update: WeightUpdate | None, optimizer: str, lr: float) -> list[str]:
    """The update the optimizer just applied to one weight, with its numbers."""
    if update is None:
        return ["No step yet: press Train or Step to see a weight being updated."]
    w = update.name
    source = f"{w} is the weight from input x₁ to the first unit of the next layer."
    if optimizer == "SGD":
        return [
            source,
            f"{w} ← {w} − lr · ∂L/∂{w}",
            f"{update.after:+.5f} ← {update.before:+.5f} − {lr:g} × {update.grad:+.5f}",
        ]
    direction = (update.before - update.after) / lr
    return [
        source,
        f"{w} ← {w} − lr · m̂ / (√v̂ + ε)",
        f"{update.after:+.5f} ← {update.before:+.5f} − {lr:g} × {direction:+.5f}",
        (f"Adam's m̂ and v̂ are running means of ∂L/∂{w} and of its square; "
        f"this step's ∂L/∂{w} = {update.grad:+.5f}."),
    ]
