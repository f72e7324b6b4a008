"""The playground's pictures, as plotly figures built from a `Playground`: whole
figures when a page first shows a run, and `Patch`es with only what a step changed
on every tick after that (a tick's answer was 337 KiB of whole figures).

Colours follow TensorFlow Playground: orange for class 0 and negative values,
blue for class 1 and positive values, white in between.
"""

from __future__ import annotations

import bisect
import itertools

import numpy as np
from dash import Patch

from playground.formats import bounded
from playground.model import Grid, Playground, WeightUpdate
from playground.settings import Settings

ORANGE, BLUE = "#f59322", "#0877bd"
DIVERGING = [[0.0, ORANGE], [0.5, "#f7f7f7"], [1.0, BLUE]]
REGION_RESOLUTION = 50
NEURON_RESOLUTION = 10
CLASS_COLOURS = (ORANGE, BLUE)
DECIMALS = 2  # of the values sent for the maps: a hundredth is finer than a colour step


def _rounded(values: np.ndarray) -> list:
    """`values` as short JSON numbers: what a page of maps costs on every tick."""
    return np.round(values, DECIMALS).tolist()


def _base_layout(**overrides) -> dict:
    return {"margin": {"l": 40, "r": 10, "t": 10, "b": 40}, "paper_bgcolor": "white",
            "plot_bgcolor": "white", "font": {"size": 12}, "uirevision": "keep"} | overrides


# ---- decision regions ----------------------------------------------------------------


def _region_probabilities(playground: Playground) -> tuple[Grid, list]:
    grid = playground.grid(REGION_RESOLUTION)
    return grid, _rounded(playground.unit_outputs(grid)[-1][0])


def decision_figure(playground: Playground) -> dict:
    """p = σ(z) over the plane as a smooth colour map with its 0.5 contour (the decision
    boundary) drawn on it, one trace for both; training points as filled dots and test
    points as rings. A plain dict: the per-tick updates patch its first trace."""
    grid, prob = _region_probabilities(playground)
    traces = [{
        "type": "contour", "x": _rounded(grid.xs), "y": _rounded(grid.ys), "z": prob,
        "zmin": 0, "zmax": 1, "colorscale": DIVERGING, "opacity": 0.75, "name": "p = 0.5",
        "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "heatmap"},
        "line": {"color": "#333", "width": 2}, "showlegend": False,
        "colorbar": {"title": {"text": "p(class 1)", "side": "right"}, "thickness": 12},
        "hovertemplate": "x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>p=%{z:.2f}<extra></extra>",
    }]
    for split, X, y in (("train", playground.X_train, playground.y_train),
                        ("test", playground.X_test, playground.y_test)):
        for label in (0, 1):
            points = X[y == label]
            colour = CLASS_COLOURS[label]
            marker = ({"color": colour, "size": 7, "line": {"color": "white", "width": 1}}
                      if split == "train" else
                      {"color": "white", "size": 7, "line": {"color": colour, "width": 2.5}})
            traces.append({
                "type": "scatter", "x": _rounded(points[:, 0]), "y": _rounded(points[:, 1]),
                "mode": "markers", "marker": marker, "name": f"class {label}, {split}",
                "hovertemplate": f"class {label} ({split})<extra></extra>",
            })
    axis = {"showgrid": False, "zeroline": False}
    layout = _base_layout(
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"},
        xaxis=axis | {"title": {"text": "x₁"}, "range": [grid.xs[0], grid.xs[-1]]},
        yaxis=axis | {"title": {"text": "x₂"}, "range": [grid.ys[0], grid.ys[-1]]},
    )
    return {"data": traces, "layout": layout}


def decision_patch(playground: Playground) -> Patch:
    """What changes in the decision figure after a step: only p over the plane."""
    patch = Patch()
    patch["data"][0]["z"] = _region_probabilities(playground)[1]
    return patch


# ---- loss curves ---------------------------------------------------------------------

LOSS_CURVES = (("train_loss", "training loss", "#555"), ("test_loss", "test loss", "#d62728"))


def _history_after(playground: Playground, shown_steps: int) -> dict[str, list]:
    """The loss history from the first point after step `shown_steps` on."""
    history = playground.history
    start = bisect.bisect_right(history["step"], shown_steps)
    return {key: _rounded_losses(values[start:]) for key, values in history.items()}


def _rounded_losses(values: list) -> list:
    return [float(f"{v:.4g}") if np.isfinite(v) else None for v in values]


def loss_figure(playground: Playground) -> dict:
    """Training and test loss L over the steps: the test curve rising while the
    training curve falls is overfitting."""
    history = _history_after(playground, -1)
    traces = [{"type": "scatter", "x": history["step"], "y": history[key], "mode": "lines",
               "name": name, "line": {"color": colour, "width": 2}}
              for key, name, colour in LOSS_CURVES]
    layout = _base_layout(
        legend={"orientation": "h", "y": 1.12},
        xaxis={"title": {"text": "step"}, "gridcolor": "#eee"},
        yaxis={"title": {"text": "loss L"}, "gridcolor": "#eee", "rangemode": "tozero",
               "automargin": True, "exponentformat": "power"},
    )
    return {"data": traces, "layout": layout}


def loss_patch(playground: Playground, shown_steps: int) -> Patch:
    """The loss points after step `shown_steps`, appended to the curves the page shows."""
    history = _history_after(playground, shown_steps)
    patch = Patch()
    for index, (key, _, _) in enumerate(LOSS_CURVES):
        patch["data"][index]["x"].extend(history["step"])
        patch["data"][index]["y"].extend(history[key])
    return patch


# ---- the network ---------------------------------------------------------------------


def _column_positions(count: int, spacing: float) -> np.ndarray:
    """Vertical centres (paper units) for `count` nodes of one layer, top to bottom."""
    return 0.47 + (np.arange(count)[::-1] - (count - 1) / 2) * spacing


def _value_range(kind: str, values: np.ndarray) -> tuple[float, float]:
    """Colour range for one unit's map: its activation's own range where it has one."""
    if kind == "tanh":
        return -1.0, 1.0
    if kind in ("sigmoid", "output"):
        return 0.0, 1.0
    top = round(float(np.abs(values).max()), DECIMALS) or 1.0
    return -top, top


def _unit_maps(playground: Playground) -> list[tuple[str, np.ndarray]]:
    """(kind, values) of every node's map, inputs first: kind is "input", the
    activation, or "output"."""
    maps = playground.unit_outputs(playground.grid(NEURON_RESOLUTION))
    kinds = (["input"] + [playground.settings.activation] * (len(maps) - 2) + ["output"])
    return [(kind, values) for kind, layer in zip(kinds, maps) for values in layer]


def _map_update(kind: str, values: np.ndarray) -> dict:
    zmin, zmax = _value_range(kind, values)
    return {"z": _rounded(values), "zmin": zmin, "zmax": zmax}


WIDTHS = (0.5, 1.5, 2.5, 4.0, 5.5)  # a line's width says which fifth of the largest |w| it is in
LINE_GROUPS = [(colour, width) for colour in (BLUE, ORANGE) for width in WIDTHS]


def _line_group(weight: float, largest: float) -> int:
    """Which of LINE_GROUPS draws a weight: blue if positive, orange if not; wider if larger."""
    level = min(int(len(WIDTHS) * abs(weight) / largest), len(WIDTHS) - 1)
    return (0 if weight > 0 else len(WIDTHS)) + level


def _weight_lines(weights: list[float], ends: list) -> list[dict]:
    """The lines of all weights as one "x"/"y" pair per LINE_GROUPS entry (None between
    lines): ten short lists on a tick instead of an update per line."""
    largest = max(map(abs, weights)) or 1.0
    groups: list[dict] = [{"x": [], "y": []} for _ in LINE_GROUPS]
    for weight, ((x0, y0), (x1, y1)) in zip(weights, ends):
        group = groups[_line_group(weight, largest)]
        group["x"] += [round(x0, 3), round(x1, 3), None]
        group["y"] += [round(y0, 3), round(y1, 3), None]
    return groups


def _weights(playground: Playground) -> tuple[list[float], list[list[float]]]:
    """Every weight W[i, j], layer by layer, row by row, and beside each the weight and
    the bias b[j] of its target unit (what a line's hover shows)."""
    weights, hover = [], []
    for W, b in playground.layer_weights():
        for i, j in np.ndindex(W.shape):
            weights.append(float(W[i, j]))
            hover.append([round(float(W[i, j]), 3), round(float(b[j]), 3)])
    return weights, hover


def _layout_of(playground: Playground) -> tuple[list[list[tuple[float, float]]], float, float]:
    """Where the network's nodes go (paper units): each layer's centres, a column per
    layer, and a map's half width and half height."""
    settings = playground.settings
    sizes = [2] + [settings.units] * settings.hidden_layers + [1]
    spacing = min(0.22, 0.86 / max(sizes))
    centres = [[(float(x), float(y)) for y in _column_positions(size, spacing)]
               for x, size in zip(np.linspace(0.06, 0.94, len(sizes)), sizes)]
    half_h = min(0.38 * spacing, 0.07)
    return centres, 0.9 * half_h, half_h  # the figure is ~10% wider than high: square maps


def _line_ends(centres: list, half_w: float) -> list:
    """Both ends of every weight's line, from the right edge of node i to the left edge
    of node j, in the order of `_weights`."""
    return [((x0 + half_w, y0), (x1 - half_w, y1))
            for left, right in itertools.pairwise(centres)
            for x0, y0 in left for x1, y1 in right]


def network_figure(playground: Playground) -> dict:
    """The network, each node drawn as a small map of its output over the plane
    (the inputs x₁ and x₂, every hidden unit, the output p), each weight as a line
    blue if positive, orange if negative, as thick as it is large.

    Built as a plain dict, not `go.Figure`: with up to 35 maps and 216 lines,
    plotly's per-call validation would take seconds on every tick. Its traces: the
    LINE_GROUPS, then a heatmap per node, then the invisible hover points."""
    centres, half_w, half_h = _layout_of(playground)
    columns = [column[0][0] for column in centres]
    activation = playground.settings.activation
    hidden = len(centres) - 2
    titles = ["inputs"] + [str(i) for i in range(1, hidden + 1)] + ["output<br>p = σ(z)"]
    weights, hover = _weights(playground)
    ends = _line_ends(centres, half_w)
    layout = _base_layout(
        showlegend=False, height=420, margin={"l": 5, "r": 5, "t": 34, "b": 5},
        xaxis={"range": [0, 1], "visible": False, "fixedrange": True},
        yaxis={"range": [0, 1], "visible": False, "fixedrange": True},
        annotations=[{"x": x, "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom",
                      "text": title, "showarrow": False, "font": {"size": 11}}
                     for x, title in zip(columns, titles)] + [
            {"x": float(np.mean(columns[1:-1])), "y": 1.0, "xref": "paper", "yref": "paper",
             "yanchor": "bottom", "yshift": 15, "showarrow": False, "font": {"size": 11},
             "text": f"hidden layer{'s' * (hidden > 1)}, {activation}"}] * bool(hidden),
    )
    traces = [{"type": "scatter", "mode": "lines", "hoverinfo": "skip", "xaxis": "x",
               "yaxis": "y", "line": {"color": colour, "width": width}} | coordinates
              for (colour, width), coordinates in zip(LINE_GROUPS, _weight_lines(weights, ends))]
    nodes = [(layer, unit, centre) for layer, column in enumerate(centres)
             for unit, centre in enumerate(column)]
    for (layer, unit, (cx, cy)), (kind, values) in zip(nodes, _unit_maps(playground)):
        axis = len(traces) - len(LINE_GROUPS) + 2  # axis 1 is the canvas the lines are on
        label = (f"x{'₁₂'[unit]}" if kind == "input" else "p" if kind == "output"
                 else f"layer {layer}, unit {unit + 1}")
        traces.append({
            "type": "heatmap", **_map_update(kind, values), "colorscale": DIVERGING,
            "zsmooth": "best", "showscale": False, "xaxis": f"x{axis}", "yaxis": f"y{axis}",
            "name": label, "hovertemplate": f"{label}<br>output %{{z:.3~g}}<extra></extra>",
        })
        layout[f"xaxis{axis}"] = {"domain": [cx - half_w, cx + half_w], "visible": False}
        layout[f"yaxis{axis}"] = {"domain": [cy - half_h, cy + half_h], "visible": False}
    names = [(number, i, j) for number, (W, _) in enumerate(playground.layer_weights(), start=1)
             for i, j in np.ndindex(W.shape)]
    traces.append({  # invisible points at the middle of every line, naming its weight
        "type": "scatter", "mode": "markers", "marker": {"size": 8, "opacity": 0},
        "x": [round((a[0] + b[0]) / 2, 4) for a, b in ends],
        "y": [round((a[1] + b[1]) / 2, 4) for a, b in ends], "customdata": hover,
        "hovertemplate": [f"w{n}[{i},{j}] = %{{customdata[0]:.3~g}}<br>"
                          f"b{n}[{j}] = %{{customdata[1]:.3~g}}<extra></extra>"
                          for n, i, j in names],
    })
    return {"data": traces, "layout": layout}


def network_patch(playground: Playground) -> Patch:
    """What changes in the network figure after a step: which line group draws each
    weight, the maps, the numbers the lines' hover shows."""
    patch = Patch()
    weights, hover = _weights(playground)
    centres, half_w, _ = _layout_of(playground)
    ends = _line_ends(centres, half_w)
    for index, coordinates in enumerate(_weight_lines(weights, ends)):
        patch["data"][index].update(coordinates)
    maps = _unit_maps(playground)
    for index, (kind, values) in enumerate(maps, start=len(LINE_GROUPS)):
        patch["data"][index].update(_map_update(kind, values))
    patch["data"][len(LINE_GROUPS) + len(maps)]["customdata"] = hover
    return patch


def update_rule_lines(update: WeightUpdate | None, settings: Settings) -> list[tuple[str, str]]:
    """The update the optimizer just applied to one weight, with its numbers: each line
    with its kind, "formula" or "note" (the page sets formulas in monospace)."""
    if update is None:
        return [("No step yet: press Train or Step to see a weight being updated.", "note")]
    w, lr = update.name, update.lr
    if settings.optimizer == "SGD":
        rule, direction, adam = f"{w} ← {w} − lr · ∂L/∂{w}", update.grad, []
    else:
        rule, direction = f"{w} ← {w} − lr · m̂ / (√v̂ + ε)", (update.before - update.after) / lr
        means = (f"Adam's m̂ and v̂ are running means of ∂L/∂{w} and of its square; "
                 f"this step's ∂L/∂{w} = {_signed(update.grad)}.")
        adam = [(means, "note")]
    return [
        (f"{w} is the weight from input x₁ to the first unit of the next layer.", "note"),
        (rule, "formula"),
        (f"{_signed(update.after)} ← {_signed(update.before)} − {lr:g} × {_signed(direction)}",
         "formula"),
        *adam,
        *rate_lines(update, settings),
    ]


def rate_lines(update: WeightUpdate, settings: Settings) -> list[tuple[str, str]]:
    """Where this step's rate comes from, so the learner sees why the same gradient moves
    the weight less late in a run: the schedule with this step's numbers."""
    if settings.rate_halved_by == 0:
        return [(f"The rate stays lr = {settings.learning_rate:g} at every step.", "note")]
    first, halved_by = settings.learning_rate, settings.rate_halved_by
    formula = f"lr = {first:g} / (1 + {update.step:,} / {halved_by:,}) = {update.lr:g}"
    note = (f"This step's rate, after {update.step:,} steps: it falls as the steps pass, "
            f"to half of {first:g} by step {halved_by:,}.")
    return [(formula, "formula"), (note, "note")]


def _signed(value: float) -> str:
    """A number of the update rule: five decimals show a small step's change."""
    return bounded(value, decimals=5, sign=True)
