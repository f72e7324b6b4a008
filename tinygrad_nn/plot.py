"""matplotlib figures for the article reproductions: decision regions, fitted curves,
loss curves, cost landscapes, image grids and GIF animations.

Everything here takes plain numpy arrays and plain Python callables, so it can draw
any model: a classifier is a function ``predict_proba(points) -> probabilities``
from an ``(n, 2)`` array to ``(n,)`` probabilities of class 1 or ``(n, k)`` class
probabilities.

Figures are built on ``matplotlib.figure.Figure`` with the Agg canvas, never through
``pyplot``: importing this module leaves the user's backend alone, and figures that
pyplot does not know about cannot pile up in long runs. Each drawing function
accepts an ``ax`` to draw into (so figures compose into grids) and returns the
figure it drew on.

Colours carry the same meaning everywhere: class 0 is orange, class 1 blue,
further classes green, purple, ...; a gradient-descent path is red.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from io import BytesIO
from os import PathLike
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike

try:
    from matplotlib.animation import PillowWriter
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgb
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import offset_copy
except ImportError as error:
    raise ImportError(
        "tinygrad_nn.plot needs matplotlib: pip install tinygrad-nn[examples]"
    ) from error

__all__ = [
    "CLASS_COLORS",
    "animate",
    "decision_regions",
    "fit_1d",
    "image_grid",
    "landscape_1d",
    "landscape_2d",
    "loss_curves",
    "new_figure",
    "save",
    "shared_legend",
    "smallest_text_pixels",
]

Frame = TypeVar("Frame")

CLASS_COLORS = (
    "#f28e2b",  # class 0: orange
    "#4e79a7",  # class 1: blue
    "#59a14f",  # class 2: green
    "#b07aa1",  # class 3: purple
    "#9c755f",  # class 4: brown
    "#e15759",  # class 5: red
    "#76b7b2",  # class 6: teal
    "#edc948",  # class 7: yellow
    "#ff9da7",  # class 8: pink
    "#bab0ac",  # class 9: grey
)
HIDDEN_UNIT_COLORS = ("red", "blue", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
HIDDEN_LINE_COLOR = "#333333"
PATH_COLOR = "#d62728"
RIGHT_COLOR = "#1a7f37"
WRONG_COLOR = "#cf222e"
# How far the background moves from white towards a class colour where the classifier
# is certain; the data points in full colour stay visible on top.
REGION_TINT = 0.55
# Room under an axes for its tick labels and axis label, in points.
AXIS_LABEL_ROOM = 38
# At most this many ticks on each slanted horizontal axis of a 3-D surface.
SURFACE_TICKS = 4
# How `save` and `animate` begin the comment (PNG text "Comment", GIF comment) in which they
# record the height in pixels (the font size, one em) of the smallest text they drew.
SMALLEST_TEXT_RECORD = "smallest text px"


# --- shared helpers ----------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    """An empty figure (inches) for composing panels, e.g. ``new_figure(15, 5).subplots(1, 3)``.

    It has the Agg canvas and constrained layout (no clipped labels) and is unknown
    to pyplot, so it needs no closing and leaves the user's backend alone.
    """
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _figure_and_axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    figure = new_figure(width, height)
    return figure, figure.add_subplot()


def _legend_below(ax: Axes, ncol: int, handles: list[Line2D] | None = None) -> None:
    """A legend under the axis label: it hides no data and costs no width in a grid."""
    under_axis_label = offset_copy(ax.transAxes, fig=ax.figure, y=-AXIS_LABEL_ROOM, units="points")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              bbox_transform=under_axis_label, ncol=ncol, borderaxespad=0, fontsize="medium")


def shared_legend(figure: Figure, fontsize: float, ncol: int | None = None) -> None:
    """One legend under a grid of panels in place of the same legend in each panel:
    nine copies shrunk to a ninth of the page are unreadable, one large one is not.
    Its entries stand in one row, or in rows of `ncol`."""
    axes_with_legends = [ax for ax in figure.axes if ax.get_legend() is not None]
    if not axes_with_legends:
        raise ValueError("no panel of this figure has a legend to share")
    legend = axes_with_legends[0].get_legend()
    handles, labels = legend.legend_handles, [text.get_text() for text in legend.get_texts()]
    for ax in axes_with_legends:
        ax.get_legend().remove()
    figure.legend(handles, labels, loc="outside lower center", ncol=ncol or len(handles),
                  fontsize=fontsize)


def _as_points(X: ArrayLike, name: str) -> np.ndarray:
    points = np.asarray(X, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(
            f"{name} must have shape (n, 2), one row per point with two input features; "
            f"got shape {points.shape}"
        )
    return points


def _as_labels(y: ArrayLike, n_points: int, name: str) -> np.ndarray:
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape != (n_points,):
        raise ValueError(
            f"{name} must hold one class label per point, shape ({n_points},); "
            f"got shape {labels.shape}"
        )
    if labels.size and (np.any(labels != np.round(labels)) or labels.min() < 0):
        raise ValueError(f"{name} must hold class indices 0, 1, 2, ...; got {np.unique(labels)}")
    return labels.astype(int)


def _as_vector(values: ArrayLike, name: str) -> np.ndarray:
    vector = np.asarray(values, dtype=float)
    if vector.ndim != 1 or vector.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {vector.shape}")
    return vector


def _class_names(class_names: Sequence[str] | None, n_classes: int) -> list[str]:
    if n_classes > len(CLASS_COLORS):
        raise ValueError(
            f"at most {len(CLASS_COLORS)} classes have distinct colours; got {n_classes}"
        )
    if class_names is None:
        return [f"class {c}" for c in range(n_classes)]
    if len(class_names) < n_classes:
        raise ValueError(f"class_names names {len(class_names)} classes; need {n_classes}")
    return list(class_names)


def _tinted(rgb: ArrayLike, strength: float | np.ndarray) -> np.ndarray:
    """Colours blended with white: strength 0 gives white, 1 gives REGION_TINT of the colour."""
    return 1.0 - np.asarray(strength)[..., None] * REGION_TINT * (1.0 - np.asarray(rgb))


def _class_probabilities(
    predict_proba: Callable[[np.ndarray], ArrayLike], points: np.ndarray
) -> np.ndarray:
    """Call the classifier and return its answer as an (n, k) array of probabilities."""
    raw = np.asarray(predict_proba(points), dtype=float)
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.ndim == 1 and raw.shape[0] == len(points):
        probabilities = np.column_stack([1.0 - raw, raw])
    elif raw.ndim == 2 and raw.shape[0] == len(points) and raw.shape[1] >= 2:
        probabilities = raw
    else:
        raise ValueError(
            f"predict_proba on {len(points)} points must return shape ({len(points)},) "
            f"(probability of class 1) or ({len(points)}, k) (one column per class); "
            f"got shape {raw.shape}"
        )
    if not np.all((probabilities >= 0.0) & (probabilities <= 1.0)):
        raise ValueError(
            "predict_proba must return probabilities in [0, 1] (apply sigmoid or softmax "
            f"to the network's output); got values from {raw.min():.3g} to {raw.max():.3g}"
        )
    return probabilities


def _grid_around(point_sets: Sequence[np.ndarray], resolution: int, margin: float):
    """Two axes of ``resolution`` values covering every point, widened by ``margin`` of the span."""
    points = np.concatenate(point_sets)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * np.where(high > low, high - low, 1.0)
    low, high = low - pad, high + pad
    return np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)


def _accuracy_text(probabilities: np.ndarray, labels: np.ndarray, split: str) -> str:
    accuracy = np.mean(probabilities.argmax(axis=1) == labels)
    return f"{split} accuracy {accuracy:.0%}"


def _draw_path(ax: Axes, *coordinates: np.ndarray) -> None:
    """Draw a gradient-descent path (2-D or 3-D axes) with its start and end marked."""
    ax.plot(*coordinates, color=PATH_COLOR, linewidth=1.5, marker=".", markersize=5,
            label=f"gradient descent ({len(coordinates[0])} points)", zorder=4)
    ax.plot(*(c[:1] for c in coordinates), linestyle="none", marker="o", markersize=9,
            markerfacecolor="white", markeredgecolor="black", label="start", zorder=5)
    ax.plot(*(c[-1:] for c in coordinates), linestyle="none", marker="*", markersize=15,
            markerfacecolor=PATH_COLOR, markeredgecolor="black", label="end", zorder=5)


def _as_path(trajectory: ArrayLike, n_params: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Split a trajectory into parameter columns and an optional cost column."""
    path = np.asarray(trajectory, dtype=float)
    if path.ndim == 1 and n_params == 1:
        path = path[:, None]
    if path.ndim != 2 or path.shape[1] not in (n_params, n_params + 1) or len(path) == 0:
        raise ValueError(
            f"trajectory must have shape (m, {n_params}) (parameter values) or "
            f"(m, {n_params + 1}) (parameter values, then the cost); got shape {path.shape}"
        )
    costs = path[:, n_params] if path.shape[1] > n_params else None
    return path[:, :n_params], costs


# --- figures -----------------------------------------------------------------------


def decision_regions(
    predict_proba: Callable[[np.ndarray], ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    X_test: ArrayLike | None = None,
    y_test: ArrayLike | None = None,
    *,
    hidden_lines: Iterable[tuple[ArrayLike, float]] = (),
    class_names: Sequence[str] | None = None,
    feature_names: tuple[str, str] = ("$x_1$", "$x_2$"),
    title: str = "Decision regions",
    resolution: int = 200,
    margin: float = 0.1,
    bounds: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """What a 2-D classifier predicts everywhere, with the data on top.

    The background at each grid point takes the colour of the most probable class,
    fading to white where the classifier is unsure (probability ``1/k``); the black
    line is the decision boundary. Training points are circles, test points triangles.
    ``hidden_lines`` are ``(w, b)`` pairs of first-layer units: each is drawn as the
    straight line ``w·x + b = 0`` where that unit switches, which shows how a few
    straight cuts combine into a curved boundary. For a first layer ``X @ W1 + b1``
    with ``W1`` of shape ``(2, h)``, pass ``zip(W1.T, b1)``. A unit with ``w = 0``
    has no line. The plane shown covers the points with ``margin`` to spare, or is the
    square ``bounds`` × ``bounds`` when given (TensorFlow Playground shows −6 to 6).
    """
    X = _as_points(X, "X")
    y = _as_labels(y, len(X), "y")
    splits = [("train", X, y)]
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is not None:
        X_test = _as_points(X_test, "X_test")
        splits.append(("test", X_test, _as_labels(y_test, len(X_test), "y_test")))

    if bounds is None:
        x1_values, x2_values = _grid_around([p for _, p, _ in splits], resolution, margin)
    else:
        x1_values = x2_values = np.linspace(*bounds, resolution)
    grid_x1, grid_x2 = np.meshgrid(x1_values, x2_values)
    grid_probabilities = _class_probabilities(
        predict_proba, np.column_stack([grid_x1.ravel(), grid_x2.ravel()])
    )
    n_classes = grid_probabilities.shape[1]
    largest_label = max(labels.max(initial=0) for _, _, labels in splits)
    if largest_label >= n_classes:
        raise ValueError(
            f"the labels go up to class {largest_label} but predict_proba gives "
            f"{n_classes} classes"
        )
    names = _class_names(class_names, n_classes)
    colors = CLASS_COLORS[:n_classes]
    palette = np.array([to_rgb(color) for color in colors])

    figure, ax = _figure_and_axes(ax, 6.4, 5.2)
    extent = (x1_values[0], x1_values[-1], x2_values[0], x2_values[-1])
    most_likely = grid_probabilities.argmax(axis=1)
    certainty = (grid_probabilities.max(axis=1) - 1 / n_classes) / (1 - 1 / n_classes)
    region_rgb = _tinted(palette[most_likely], certainty)
    ax.imshow(region_rgb.reshape(resolution, resolution, 3), origin="lower", extent=extent,
              aspect="auto", interpolation="nearest")

    for c in range(1, n_classes):
        others = np.delete(grid_probabilities, c, axis=1).max(axis=1)
        lead = (grid_probabilities[:, c] - others).reshape(grid_x1.shape)
        if lead.min() < 0 < lead.max():
            ax.contour(grid_x1, grid_x2, lead, levels=[0.0], colors="black", linewidths=1.5)

    hidden_lines = [(np.asarray(w, dtype=float).ravel(), float(b)) for w, b in hidden_lines]
    for (w1, w2), b in hidden_lines:
        if abs(w2) >= abs(w1) and w2 != 0:
            ax.plot(x1_values, -(w1 * x1_values + b) / w2, "--", color=HIDDEN_LINE_COLOR)
        elif w1 != 0:
            ax.plot(-(w2 * x2_values + b) / w1, x2_values, "--", color=HIDDEN_LINE_COLOR)

    markers = {"train": "o", "test": "^"}
    accuracies = []
    for split, points, labels in splits:
        ax.scatter(points[:, 0], points[:, 1], c=[colors[c] for c in labels], s=28,
                   marker=markers[split], edgecolors="black", linewidths=0.6, zorder=3)
        accuracies.append(
            _accuracy_text(_class_probabilities(predict_proba, points), labels, split)
        )
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])

    handles = [Line2D([], [], linestyle="none", marker="s", markersize=9, color=colors[c],
                      markeredgecolor="black", label=names[c]) for c in range(n_classes)]
    if len(splits) > 1:
        handles += [Line2D([], [], linestyle="none", marker=markers[split], color="white",
                           markeredgecolor="black", label=f"{split} points")
                    for split, _, _ in splits]
    handles.append(Line2D([], [], color="black", linewidth=1.5, label="decision boundary"))
    if hidden_lines:
        handles.append(Line2D([], [], linestyle="--", color=HIDDEN_LINE_COLOR,
                              label="hidden units ($w \\cdot x + b = 0$)"))
    _legend_below(ax, ncol=2, handles=handles)

    if n_classes == 2:
        colormap = LinearSegmentedColormap.from_list(
            "class0_white_class1", [_tinted(palette[0], 1.0), "white", _tinted(palette[1], 1.0)]
        )
        figure.colorbar(ScalarMappable(Normalize(0.0, 1.0), colormap), ax=ax,
                        label=f"background: probability of {names[1]}")
    ax.set_title(f"{title}\n" + ", ".join(accuracies))
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    return figure


def fit_1d(
    x: ArrayLike,
    y: ArrayLike,
    x_grid: ArrayLike,
    hidden: ArrayLike | None = None,
    output: ArrayLike | None = None,
    *,
    title: str = "Hidden units and network output",
    ax: Axes | None = None,
) -> Figure:
    """One input feature: the data, each hidden unit's activation, and the output.

    As in article 001: ``x``, ``y`` are the data points (labels 0/1 sit at heights
    0 and 1); ``hidden`` holds one activation curve per hidden unit over ``x_grid``,
    shape ``(len(x_grid), h)`` (unit 1 red, unit 2 blue), and ``output`` the
    network's output over ``x_grid`` (black). Seeing where each unit switches on
    shows how the output is built from them.
    """
    x, y, x_grid = _as_vector(x, "x"), _as_vector(y, "y"), _as_vector(x_grid, "x_grid")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length; got {len(x)} and {len(y)}")
    figure, ax = _figure_and_axes(ax, 6.4, 4.4)
    if hidden is not None:
        activations = np.asarray(hidden, dtype=float)
        if activations.ndim == 1:
            activations = activations[:, None]
        if activations.ndim != 2 or len(activations) != len(x_grid):
            raise ValueError(
                f"hidden must have shape (len(x_grid), h) = ({len(x_grid)}, h), one column "
                f"per hidden unit; got shape {activations.shape}"
            )
        for unit in range(activations.shape[1]):
            ax.plot(x_grid, activations[:, unit], linewidth=1.8,
                    color=HIDDEN_UNIT_COLORS[unit % len(HIDDEN_UNIT_COLORS)],
                    label=f"hidden unit {unit + 1}: a1[:, {unit}]")
    if output is not None:
        output = _as_vector(output, "output")
        if output.shape != x_grid.shape:
            raise ValueError(
                f"output must have one value per x_grid point, shape ({len(x_grid)},); "
                f"got shape {output.shape}"
            )
        ax.plot(x_grid, output, color="black", linewidth=2.5, label="network output")
    ax.scatter(x, y, s=40, color="#888888", edgecolors="black", linewidths=0.8, zorder=3,
               label="data points (x, y)")
    ax.set_xlabel("x")
    ax.set_ylabel("activation / output")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    _legend_below(ax, ncol=2)
    return figure


def loss_curves(
    series: Mapping[str, ArrayLike | tuple[ArrayLike, ArrayLike]],
    *,
    log_scale: bool = False,
    xlabel: str = "iteration",
    ylabel: str = "loss",
    title: str = "Loss during training",
    styles: Mapping[str, Mapping[str, object]] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Named curves over training, e.g. ``{"train": ..., "test": ...}`` or relu vs sigmoid.

    A series is its values (drawn at iterations 0, 1, 2, ...) or a pair
    ``(iterations, values)`` for one recorded every few steps. ``log_scale`` shows
    the late, small improvements that a linear axis flattens. ``styles`` gives a
    curve matplotlib line options by its name (e.g. ``{"test": {"color": "C1",
    "linestyle": "--"}}``), so that curves that belong together look alike.
    """
    if not series:
        raise ValueError("series is empty: give at least one named curve")
    figure, ax = _figure_and_axes(ax, 6.4, 4.2)
    for name, curve in series.items():
        if isinstance(curve, tuple) and len(curve) == 2 and np.ndim(curve[0]) == 1:
            steps, values = _as_vector(curve[0], f"{name} iterations"), curve[1]
        else:
            steps, values = None, curve
        values = _as_vector(values, f"series {name!r}")
        steps = np.arange(len(values)) if steps is None else steps
        if steps.shape != values.shape:
            raise ValueError(
                f"series {name!r}: {len(steps)} iterations but {len(values)} values"
            )
        if log_scale and np.any(values <= 0):
            raise ValueError(f"series {name!r} has values <= 0, which a log scale cannot show")
        ax.plot(steps, values, **{"linewidth": 1.8, "label": name, **(styles or {}).get(name, {})})
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"{ylabel} (log scale)" if log_scale else ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return figure


def landscape_1d(
    param_values: ArrayLike,
    costs: ArrayLike,
    *,
    param_name: str = "w",
    cost_name: str = "cost",
    trajectory: ArrayLike | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The cost as one parameter varies and the others stay fixed (article 001).

    ``trajectory`` is the path gradient descent took: ``(m,)`` parameter values
    (placed on the curve) or ``(m, 2)`` rows of (parameter value, cost).
    ``cost_name`` is what the text beside the figure calls the cost (e.g. "mean
    squared error E"), so the curve and its axis say the same.
    """
    param_values, costs = _as_vector(param_values, "param_values"), _as_vector(costs, "costs")
    if param_values.shape != costs.shape:
        raise ValueError(
            f"param_values and costs must have the same length; "
            f"got {len(param_values)} and {len(costs)}"
        )
    if np.any(np.diff(param_values) <= 0):
        raise ValueError("param_values must be increasing")
    figure, ax = _figure_and_axes(ax, 6.4, 4.2)
    ax.plot(param_values, costs, color="black", linewidth=1.8, label=cost_name)
    if trajectory is not None:
        path, path_costs = _as_path(trajectory, 1)
        if path_costs is None:
            path_costs = np.interp(path[:, 0], param_values, costs)
        _draw_path(ax, path[:, 0], path_costs)
    ax.set_xlabel(param_name)
    ax.set_ylabel(cost_name)
    ax.set_title(title if title is not None else f"Cost as a function of {param_name}")
    ax.grid(alpha=0.3)
    ax.legend()
    return figure


def landscape_2d(
    p1_values: ArrayLike,
    p2_values: ArrayLike,
    costs: ArrayLike,
    *,
    param_names: tuple[str, str] = ("w1", "w2"),
    cost_name: str = "cost",
    trajectory: ArrayLike | None = None,
    surface: bool = False,
    levels: int | Sequence[float] = 20,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The cost over two parameters: a contour map, and optionally a 3-D surface beside it.

    ``costs[i, j]`` is the cost at ``(p1_values[j], p2_values[i])``, the layout
    ``np.meshgrid(p1_values, p2_values)`` gives. ``trajectory`` is the path gradient
    descent took, ``(m, 2)`` parameter pairs or ``(m, 3)`` with the cost as third
    column (needed to draw the path on the surface). ``cost_name`` labels the colour
    bar and the surface's height. Seen from above, each step
    crosses the contour lines at right angles: the gradient is normal to them.
    """
    p1_values, p2_values = _as_vector(p1_values, "p1_values"), _as_vector(p2_values, "p2_values")
    costs = np.asarray(costs, dtype=float)
    if costs.shape != (len(p2_values), len(p1_values)):
        raise ValueError(
            f"costs must have shape (len(p2_values), len(p1_values)) = "
            f"({len(p2_values)}, {len(p1_values)}), as np.meshgrid(p1_values, p2_values) "
            f"lays it out; got shape {costs.shape}"
        )
    path, path_costs = _as_path(trajectory, 2) if trajectory is not None else (None, None)
    if surface and ax is not None:
        raise ValueError("surface=True draws two panels on a new figure; leave ax=None")
    if surface and path is not None and path_costs is None:
        raise ValueError(
            "to draw the trajectory on the 3-D surface, give its costs: "
            "trajectory of shape (m, 3) with the cost as third column"
        )
    if surface:  # one above the other: side by side, 800 px would shrink their text
        figure = new_figure(8.0, 8.4)
        ax = figure.add_subplot(2, 1, 1)
    else:
        figure, ax = _figure_and_axes(ax, 6.4, 5.0)

    grid_p1, grid_p2 = np.meshgrid(p1_values, p2_values)
    filled = ax.contourf(grid_p1, grid_p2, costs, levels=levels, cmap="viridis")
    ax.contour(grid_p1, grid_p2, costs, levels=filled.levels, colors="white", linewidths=0.4,
               alpha=0.6)
    figure.colorbar(filled, ax=ax, label=cost_name)
    if path is not None:
        _draw_path(ax, path[:, 0], path[:, 1])
        _legend_below(ax, ncol=3)
    ax.set_xlabel(param_names[0])
    ax.set_ylabel(param_names[1])
    heading = title if title is not None else (
        f"Cost as a function of {param_names[0]} and {param_names[1]}"
    )
    ax.set_title(heading)

    if surface:
        ax3d = figure.add_subplot(2, 1, 2, projection="3d")
        ax3d.plot_surface(grid_p1, grid_p2, costs, cmap="viridis", alpha=0.8, linewidth=0)
        if path is not None:
            _draw_path(ax3d, path[:, 0], path[:, 1], path_costs)
        # The horizontal axes run at a slant, so their tick labels need wide spacing
        # and their names room to clear them.
        for axis in (ax3d.xaxis, ax3d.yaxis):
            axis.set_major_locator(MaxNLocator(SURFACE_TICKS, steps=[1, 2, 5, 10]))
        ax3d.set_xlabel(param_names[0], labelpad=12)
        ax3d.set_ylabel(param_names[1], labelpad=12)
        ax3d.set_zlabel(cost_name)
        ax3d.set_title("the same cost as a surface")
    return figure


def image_grid(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    predictions: ArrayLike | None = None,
    *,
    class_names: Sequence[str] | None = None,
    columns: int = 5,
    title: str | None = None,
) -> Figure:
    """A few images with their captions, e.g. "label: cat / predicted: non-cat ✗".

    ``images`` is ``(n, height, width, 3)`` colour or ``(n, height, width)`` grey,
    uint8 in 0..255 or floats in [0, 1]. With both labels and predictions, a caption
    is green with ✓ when the prediction is right and red with ✗ when wrong.
    """
    pictures = np.asarray(images)
    if pictures.ndim not in (3, 4) or (pictures.ndim == 4 and pictures.shape[3] not in (3, 4)):
        raise ValueError(
            "images must have shape (n, height, width, 3) or (n, height, width); got shape "
            f"{pictures.shape} (reshape flat pixel rows first, e.g. X.reshape(-1, 64, 64, 3))"
        )
    if pictures.dtype.kind == "f" and (pictures.min() < 0 or pictures.max() > 1):
        raise ValueError("float images must lie in [0, 1]; divide 0..255 pixels by 255")
    n_images = len(pictures)
    if labels is not None:
        labels = _as_labels(labels, n_images, "labels")
    if predictions is not None:
        predictions = _as_labels(predictions, n_images, "predictions")
    known = [v for v in (labels, predictions) if v is not None and v.size]
    names = _class_names(class_names, max([2] + [int(v.max()) + 1 for v in known]))

    columns = max(1, min(columns, n_images))
    rows = -(-n_images // columns)
    figure = new_figure(1.6 * columns, 2.0 * rows + (0.4 if title else 0.0))
    for index, axes in enumerate(figure.subplots(rows, columns, squeeze=False).ravel()):
        axes.set_axis_off()
        if index >= n_images:
            continue
        axes.imshow(pictures[index], cmap="gray" if pictures.ndim == 3 else None)
        caption, color = [], "black"
        if labels is not None:
            caption.append(f"label: {names[labels[index]]}")
        if predictions is not None:
            caption.append(f"predicted: {names[predictions[index]]}")
        if labels is not None and predictions is not None:
            right = labels[index] == predictions[index]
            caption[-1] += " ✓" if right else " ✗"
            color = RIGHT_COLOR if right else WRONG_COLOR
        axes.set_title("\n".join(caption), color=color, fontsize=10)
    if title:
        figure.suptitle(title)
    return figure


class _RecordingGifWriter(PillowWriter):
    """PillowWriter that writes `comment` into the GIF (Pillow takes it from the first frame)
    and grabs a frame from one drawing of the canvas: savefig draws a figure with a layout
    engine twice, once to lay it out and once to paint it (article 001's training GIF:
    0.64 s a frame that way, 0.53 s this way, the same pixels)."""

    comment = ""

    def grab_frame(self, **savefig_kwargs) -> None:
        from PIL import Image

        self.fig.set_dpi(self.dpi)
        self.fig.canvas.draw()
        width, height = self.fig.canvas.get_width_height(physical=True)
        frame = Image.frombuffer("RGBA", (width, height), self.fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        self._frames.append(frame.convert("RGB"))

    def finish(self) -> None:
        self._frames[0].info["comment"] = self.comment.encode()
        super().finish()


def animate(
    frames: Iterable[Frame],
    draw_frame: Callable[[Figure, Frame], object],
    path: str | PathLike[str],
    *,
    fps: float = 8,
    figsize: tuple[float, float] = (6.4, 5.2),
    dpi: int = 80,
) -> Path:
    """Write a GIF: one picture per frame, e.g. the decision regions after each epoch.

    Before each frame the figure is cleared, then ``draw_frame(figure, frame)`` draws
    it from scratch, typically ``decision_regions(..., ax=figure.add_subplot())``.
    Returns the path written; parent folders are created.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("frames is empty: an animation needs at least one frame")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"animate writes GIF files; the path must end in .gif, got {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure = new_figure(*figsize)
    writer = _RecordingGifWriter(fps=fps)
    with _text_sizes_drawn() as sizes, writer.saving(figure, str(path), dpi):
        for frame in frames:
            figure.clear()
            draw_frame(figure, frame)
            writer.grab_frame()
        writer.comment = _text_record(sizes, dpi)
    return path


@contextmanager
def _text_sizes_drawn() -> Iterator[list[float]]:
    """Collect the size in points of every non-empty text the Agg renderer draws inside the
    block: what is drawn, so hidden tick labels and axes turned off do not count."""
    sizes: list[float] = []
    draw_text = RendererAgg.draw_text

    def recording_draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            sizes.append(prop.get_size_in_points())
        return draw_text(self, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    RendererAgg.draw_text = recording_draw_text
    try:
        yield sizes
    finally:
        RendererAgg.draw_text = draw_text


def _text_record(points: list[float], dpi: float) -> str:
    """What a picture records of its smallest text: "smallest text px 12.5"."""
    return f"{SMALLEST_TEXT_RECORD} {min(points, default=0.0) / 72 * dpi:.1f}"


def smallest_text_pixels(path: str | PathLike[str]) -> float | None:
    """The height in pixels (one em) of the smallest text in a picture that `save` or
    `animate` wrote, at the picture's own size; None for a picture without that record.
    A page that shows the picture narrower than it is shrinks that text in proportion."""
    from PIL import Image

    with Image.open(path) as image:
        record = image.info.get("Comment") or image.info.get("comment", b"").decode()
    prefix, _, pixels = record.rpartition(" ")
    return float(pixels) if prefix == SMALLEST_TEXT_RECORD else None


def _save_png_with_text_record(figure: Figure, path: Path, dpi: int) -> None:
    """Save as PNG with the size of its smallest text in the file's "Comment", so that a
    test can tell whether the text still reads where a page shrinks the picture."""
    from PIL import Image, PngImagePlugin

    drawn = BytesIO()
    with _text_sizes_drawn() as sizes:
        figure.savefig(drawn, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", _text_record(sizes, dpi))
    with Image.open(drawn) as image:
        image.save(path, pnginfo=text, dpi=(dpi, dpi))


def save(figure: Figure, path: str | PathLike[str], *, dpi: int = 150) -> Path:
    """Save ``figure`` (PNG unless the suffix says otherwise) and close it.

    Parent folders are created. Closing matters for figures made through pyplot,
    which keeps every one of them alive until closed; figures from this module are
    freed once no longer referenced.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".png":
        _save_png_with_text_record(figure, path, dpi)
    else:
        figure.savefig(path, dpi=dpi, bbox_inches="tight", facecolor="white")
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(figure)
    return path
