"""Tests for tinygrad_nn.plot: each figure holds the artists a reader relies on."""

import importlib
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib import animation
from matplotlib.colors import to_rgb
from matplotlib.contour import ContourSet
from PIL import Image

from tinygrad_nn import plot


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def right_half_is_class_1(points):
    """A classifier whose boundary is the vertical line x1 = 0.3."""
    return sigmoid(8.0 * (points[:, 0] - 0.3))


def three_blobs_softmax(points):
    centers = np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.5]])
    logits = -((points[:, None, :] - centers[None]) ** 2).sum(axis=-1)
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


@pytest.fixture
def two_class_data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2.0, 2.0, size=(40, 2))
    y = (X[:, 0] > 0.3).astype(int)
    X_test = rng.uniform(-3.0, 3.0, size=(10, 2))
    y_test = (X_test[:, 0] > 0.3).astype(int)
    return X, y, X_test, y_test


def legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def contour_sets(ax):
    return [artist for artist in ax.collections if isinstance(artist, ContourSet)]


def scatter_sizes(ax):
    return [len(c.get_offsets()) for c in ax.collections if not isinstance(c, ContourSet)]


# --- decision_regions -------------------------------------------------------------


def test_decision_regions_binary_with_test_points_and_hidden_lines(two_class_data):
    X, y, X_test, y_test = two_class_data
    hidden = [(np.array([1.0, 0.0]), -0.3), (np.array([1.0, 1.0]), 0.5)]
    figure = plot.decision_regions(right_half_is_class_1, X, y, X_test, y_test,
                                   hidden_lines=hidden, title="two classes", resolution=50)
    ax, colorbar_ax = figure.axes
    assert ax.get_title().startswith("two classes\n")
    assert "train accuracy 100%" in ax.get_title()
    assert "test accuracy 100%" in ax.get_title()
    assert legend_labels(ax) == ["class 0", "class 1", "train points", "test points",
                                 "decision boundary", "hidden units ($w \\cdot x + b = 0$)"]
    assert sorted(scatter_sizes(ax)) == [10, 40]
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (50, 50, 3)
    assert "probability of class 1" in colorbar_ax.get_ylabel()
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"

    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2
    for line, (w, b) in zip(dashed, hidden):
        on_line = np.column_stack([line.get_xdata(), line.get_ydata()])
        np.testing.assert_allclose(on_line @ w + b, 0.0, atol=1e-9)


def test_decision_regions_grid_covers_train_and_test_points_with_margin(two_class_data):
    X, y, X_test, y_test = two_class_data
    ax = plot.decision_regions(right_half_is_class_1, X, y, X_test, y_test).axes[0]
    every_point = np.concatenate([X, X_test])
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    assert x_low < every_point[:, 0].min() and every_point[:, 0].max() < x_high
    assert y_low < every_point[:, 1].min() and every_point[:, 1].max() < y_high


def test_decision_regions_bounds_fix_the_plane_and_its_background(two_class_data):
    X, y, _, _ = two_class_data
    ax = plot.decision_regions(right_half_is_class_1, X, y, bounds=(-6.0, 6.0)).axes[0]
    assert ax.get_xlim() == (-6.0, 6.0) and ax.get_ylim() == (-6.0, 6.0)
    assert ax.images[0].get_extent() == [-6.0, 6.0, -6.0, 6.0]


def test_decision_regions_background_and_boundary_follow_the_classifier(two_class_data):
    X, y, _, _ = two_class_data
    ax = plot.decision_regions(right_half_is_class_1, X, y, resolution=60).axes[0]
    region = ax.images[0].get_array()
    orange, blue = (np.array(to_rgb(c)) for c in plot.CLASS_COLORS[:2])
    left_edge, right_edge = region[30, 0], region[30, -1]
    assert np.argmin(left_edge) == np.argmin(orange) and np.argmax(left_edge) == 0
    assert np.argmax(right_edge) == np.argmax(blue) == 2
    assert np.allclose(left_edge, 1 - plot.REGION_TINT * (1 - orange), atol=0.02)

    (boundary,) = contour_sets(ax)
    boundary_x = np.concatenate([path.vertices[:, 0] for path in boundary.get_paths()])
    np.testing.assert_allclose(boundary_x, 0.3, atol=0.02)
    x1_pixels = np.linspace(*ax.get_xlim(), 60)
    on_boundary = region[30, np.argmin(np.abs(x1_pixels - 0.3))]
    np.testing.assert_allclose(on_boundary, 1.0, atol=0.1)  # unsure: faded to white


def test_decision_regions_reports_the_accuracy_it_measures(two_class_data):
    X, y, X_test, y_test = two_class_data
    wrong = y.copy()
    wrong[:10] = 1 - wrong[:10]  # 10 of 40 labels flipped: 75% right
    figure = plot.decision_regions(right_half_is_class_1, X, wrong, X_test, y_test)
    title = figure.axes[0].get_title()
    assert "train accuracy 75%" in title and "test accuracy 100%" in title


def test_decision_regions_draws_class_1_where_the_classifier_says_so(two_class_data):
    X, y, _, _ = two_class_data
    figure = plot.decision_regions(lambda points: sigmoid(8.0 * points[:, 1]), X, y % 2)
    ax = figure.axes[0]
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3] / 255.0

    def colour_at(fraction_x1, fraction_x2):
        """The rendered colour at a fraction of the way across the axes."""
        column, row_from_bottom = ax.transAxes.transform((fraction_x1, fraction_x2)).astype(int)
        return pixels[pixels.shape[0] - row_from_bottom, column]

    low_corner, high_corner = colour_at(0.01, 0.01), colour_at(0.01, 0.99)
    orange, blue = (np.array(to_rgb(c)) for c in plot.CLASS_COLORS[:2])
    np.testing.assert_allclose(low_corner, 1 - plot.REGION_TINT * (1 - orange), atol=0.03)
    np.testing.assert_allclose(high_corner, 1 - plot.REGION_TINT * (1 - blue), atol=0.03)


def test_decision_regions_three_classes():
    rng = np.random.default_rng(1)
    centers = np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.5]])
    X = np.concatenate([rng.normal(c, 0.3, size=(15, 2)) for c in centers])
    y = np.repeat([0, 1, 2], 15)
    figure = plot.decision_regions(three_blobs_softmax, X, y, class_names=["a", "b", "c"],
                                   resolution=60)
    (ax,) = figure.axes  # no colourbar: the legend names the class colours
    assert legend_labels(ax) == ["a", "b", "c", "decision boundary"]
    assert len(contour_sets(ax)) == 2
    point_colors = ax.collections[-1].get_facecolors()[:, :3]
    np.testing.assert_allclose(point_colors[[0, 15, 30]],
                               [to_rgb(c) for c in plot.CLASS_COLORS[:3]])
    region = ax.images[0].get_array()
    green = np.array(to_rgb(plot.CLASS_COLORS[2]))
    top_middle = region[-1, 30]  # far up, between the lower two: class c, sure of it
    np.testing.assert_allclose(top_middle, 1 - plot.REGION_TINT * (1 - green), atol=0.02)
    # The classifier picks the nearest centre, so every boundary point is equally far
    # from two centres: it lies on one of the three perpendicular bisectors a·x = c.
    bisectors = [((1.0, 0.0), 1.5), ((1.5, 2.5), 4.25), ((-3.0, 5.0), -0.5)]  # a, c
    points = np.concatenate([path.vertices for cs in contour_sets(ax) for path in cs.get_paths()])
    distances = np.min([np.abs(points @ np.array(a) - c) / np.hypot(*a) for a, c in bisectors],
                       axis=0)
    assert distances.max() < 0.05, distances.max()


def test_decision_regions_draws_into_a_given_axes(two_class_data):
    X, y, _, _ = two_class_data
    figure = plot.new_figure(10, 4)
    left, right = figure.subplots(1, 2)
    assert plot.decision_regions(right_half_is_class_1, X, y, ax=left) is figure
    plot.decision_regions(three_blobs_softmax, X, np.zeros(len(X)), ax=right)
    assert len(figure.axes) == 3  # two panels, one colourbar for the binary one
    assert len(left.images) == len(right.images) == 1


def test_decision_regions_skips_a_unit_without_a_line(two_class_data):
    X, y, _, _ = two_class_data
    ax = plot.decision_regions(right_half_is_class_1, X, y,
                               hidden_lines=[([0.0, 0.0], 1.0), ([0.0, 2.0], -1.0)]).axes[0]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    np.testing.assert_allclose(line.get_ydata(), 0.5)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros((5, 3)), np.zeros(5), r"X must have shape \(n, 2\).*got shape \(5, 3\)"),
        (np.zeros(5), np.zeros(5), r"X must have shape \(n, 2\).*got shape \(5,\)"),
        (np.zeros((5, 2)), np.zeros(4), r"y must hold one class label per point, shape \(5,\)"),
        (np.zeros((5, 2)), np.full(5, 0.5), r"y must hold class indices"),
        (np.zeros((5, 2)), np.full(5, 2), r"labels go up to class 2 but predict_proba gives 2"),
    ],
)
def test_decision_regions_rejects_bad_data(X, y, message):
    with pytest.raises(ValueError, match=message):
        plot.decision_regions(right_half_is_class_1, X, y)


def test_decision_regions_rejects_test_points_without_labels(two_class_data):
    X, y, X_test, _ = two_class_data
    with pytest.raises(ValueError, match="give both X_test and y_test"):
        plot.decision_regions(right_half_is_class_1, X, y, X_test)


@pytest.mark.parametrize(
    ("predict_proba", "message"),
    [
        (lambda points: np.zeros((len(points), 2, 2)), r"must return shape \(\d+,\)"),
        (lambda points: np.zeros(3), r"got shape \(3,\)"),
        (lambda points: 4.0 * points[:, 0], r"probabilities in \[0, 1\].*sigmoid or softmax"),
    ],
)
def test_decision_regions_rejects_bad_classifier_output(two_class_data, predict_proba, message):
    X, y, _, _ = two_class_data
    with pytest.raises(ValueError, match=message):
        plot.decision_regions(predict_proba, X, y)


# --- fit_1d -----------------------------------------------------------------------


ARTICLE_X = np.array([-1.51, -1.29, -1.18, -0.64, -0.53, -0.09, 0.13, 0.35, 0.89, 1.11, 1.33, 1.44])
ARTICLE_Y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0])


def test_fit_1d_draws_points_hidden_curves_and_output():
    x_grid = np.linspace(-2, 2, 100)
    a1 = sigmoid(np.outer(x_grid, [-20.9, -8.1]) + [-12.4, 4.6])
    output = sigmoid(a1 @ [-20.2, 17.7] - 8.2)
    (ax,) = plot.fit_1d(ARTICLE_X, ARTICLE_Y, x_grid, a1, output).axes
    assert [to_rgb(line.get_color()) for line in ax.get_lines()] == [
        to_rgb("red"), to_rgb("blue"), to_rgb("black")]
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), output)
    assert legend_labels(ax) == ["hidden unit 1: a1[:, 0]", "hidden unit 2: a1[:, 1]",
                                 "network output", "data points (x, y)"]
    np.testing.assert_allclose(ax.collections[0].get_offsets(),
                               np.column_stack([ARTICLE_X, ARTICLE_Y]))
    assert ax.get_xlabel() == "x" and ax.get_title()


def test_fit_1d_accepts_a_single_hidden_curve_and_no_output():
    x_grid = np.linspace(-2, 2, 50)
    (ax,) = plot.fit_1d(ARTICLE_X, ARTICLE_Y, x_grid, sigmoid(-11 * x_grid - 11)).axes
    assert len(ax.get_lines()) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y": ARTICLE_Y[:5]}, "x and y must have the same length; got 12 and 5"),
        ({"hidden": np.zeros((7, 2))}, r"hidden must have shape \(len\(x_grid\), h\) = \(50, h\)"),
        ({"output": np.zeros(7)}, r"output must have one value per x_grid point, shape \(50,\)"),
    ],
)
def test_fit_1d_rejects_mismatched_shapes(kwargs, message):
    arguments = {"x": ARTICLE_X, "y": ARTICLE_Y, "x_grid": np.linspace(-2, 2, 50)} | kwargs
    with pytest.raises(ValueError, match=message):
        plot.fit_1d(**arguments)


# --- loss_curves ------------------------------------------------------------------


def test_loss_curves_draws_one_named_line_per_series():
    train = np.linspace(1.0, 0.1, 100)
    test_steps = np.arange(0, 100, 10)
    (ax,) = plot.loss_curves({"train": train, "test": (test_steps, train[::10] + 0.05)},
                             log_scale=True, title="relu").axes
    train_line, test_line = ax.get_lines()
    assert legend_labels(ax) == ["train", "test"]
    np.testing.assert_array_equal(train_line.get_xdata(), np.arange(100))
    np.testing.assert_array_equal(test_line.get_xdata(), test_steps)
    assert ax.get_yscale() == "log" and "log scale" in ax.get_ylabel()
    assert ax.get_xlabel() == "iteration" and ax.get_title() == "relu"


def test_loss_curves_styles_each_named_curve_and_leaves_the_others():
    styles = {"test": {"color": "#123456", "linestyle": "--", "linewidth": 0.8}}
    (ax,) = plot.loss_curves({"train": [3.0, 2.0], "test": [3.5, 2.5]}, styles=styles).axes
    train_line, test_line = ax.get_lines()
    assert test_line.get_color() == "#123456" and test_line.get_linestyle() == "--"
    assert test_line.get_linewidth() == 0.8 and train_line.get_linewidth() == 1.8
    assert train_line.get_color() != "#123456" and legend_labels(ax) == ["train", "test"]


@pytest.mark.parametrize(
    ("series", "log_scale", "message"),
    [
        ({}, False, "series is empty"),
        ({"train": [1.0, 0.0]}, True, r"'train' has values <= 0"),
        ({"test": ([0, 10, 20], [1.0, 0.5])}, False, r"'test': 3 iterations but 2 values"),
        ({"train": np.ones((3, 2))}, False, r"'train' must be a non-empty 1-D array"),
    ],
)
def test_loss_curves_rejects_bad_series(series, log_scale, message):
    with pytest.raises(ValueError, match=message):
        plot.loss_curves(series, log_scale=log_scale)


# --- landscapes -------------------------------------------------------------------


def test_landscape_1d_puts_the_trajectory_on_the_curve():
    w = np.linspace(-3, 3, 301)
    path = np.array([-2.5, -1.0, 0.0, 0.9])
    (ax,) = plot.landscape_1d(w, w**2, param_name="w1[0, 0]", trajectory=path).axes
    _, path_line, start, end = ax.get_lines()
    np.testing.assert_allclose(path_line.get_ydata(), path**2, atol=1e-3)
    np.testing.assert_allclose([start.get_xdata()[0], end.get_xdata()[0]], [-2.5, 0.9])
    assert legend_labels(ax) == ["cost", "gradient descent (4 points)", "start", "end"]
    assert ax.get_xlabel() == "w1[0, 0]" and ax.get_ylabel() == "cost"
    assert "w1[0, 0]" in ax.get_title()


def test_landscape_1d_uses_given_trajectory_costs():
    w = np.linspace(-1, 1, 11)
    ax = plot.landscape_1d(w, w**2, trajectory=[[0.5, 7.0], [0.0, 3.0]]).axes[0]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [7.0, 3.0])


@pytest.mark.parametrize(
    ("params", "costs", "trajectory", "message"),
    [
        (np.linspace(0, 1, 5), np.zeros(4), None, "same length; got 5 and 4"),
        (np.array([0.0, 2.0, 1.0]), np.zeros(3), None, "param_values must be increasing"),
        (np.linspace(0, 1, 5), np.zeros(5), np.zeros((2, 3)),
         r"trajectory must have shape \(m, 1\).*got shape \(2, 3\)"),
    ],
)
def test_landscape_1d_rejects_bad_input(params, costs, trajectory, message):
    with pytest.raises(ValueError, match=message):
        plot.landscape_1d(params, costs, trajectory=trajectory)


def bowl():
    p1, p2 = np.linspace(-2, 2, 30), np.linspace(-1, 1, 20)
    grid_p1, grid_p2 = np.meshgrid(p1, p2)
    return p1, p2, grid_p1**2 + 3 * grid_p2**2


def test_landscape_2d_contour_with_colourbar_and_path():
    p1, p2, costs = bowl()
    path = np.array([[-1.5, 0.8], [-0.5, 0.2], [0.0, 0.0]])
    figure = plot.landscape_2d(p1, p2, costs, param_names=("w1", "b1"), trajectory=path)
    ax, colorbar_ax = figure.axes
    filled = [c for c in contour_sets(ax) if c.filled]
    assert len(filled) == 1 and len(contour_sets(ax)) == 2
    assert colorbar_ax.get_ylabel() == "cost"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("w1", "b1")
    np.testing.assert_allclose(ax.get_lines()[0].get_xydata(), path)
    assert legend_labels(ax) == ["gradient descent (3 points)", "start", "end"]


def test_landscape_2d_surface_beside_the_contour():
    p1, p2, costs = bowl()
    path = np.array([[-1.5, 0.8, 4.17], [0.0, 0.0, 0.0]])
    figure = plot.landscape_2d(p1, p2, costs, trajectory=path, surface=True)
    assert [ax.name for ax in figure.axes] == ["rectilinear", "rectilinear", "3d"]
    surface_ax = figure.axes[2]
    assert surface_ax.get_zlabel() == "cost"
    assert len(surface_ax.collections) == 1 and len(surface_ax.get_lines()) == 3


def test_landscape_2d_rejects_bad_input():
    p1, p2, costs = bowl()
    transposed = r"costs must have shape .* = \(20, 30\).*got shape \(30, 20\)"
    with pytest.raises(ValueError, match=transposed):
        plot.landscape_2d(p1, p2, costs.T)
    with pytest.raises(ValueError, match=r"give its costs: trajectory of shape \(m, 3\)"):
        plot.landscape_2d(p1, p2, costs, trajectory=np.zeros((4, 2)), surface=True)
    with pytest.raises(ValueError, match="surface=True draws two panels on a new figure"):
        plot.landscape_2d(p1, p2, costs, surface=True, ax=plot.new_figure(4, 4).add_subplot())


# --- image_grid -------------------------------------------------------------------


def test_image_grid_captions_say_right_and_wrong_in_colour():
    images = np.random.default_rng(2).integers(0, 256, size=(7, 8, 8, 3), dtype=np.uint8)
    labels = [1, 0, 1, 1, 0, 0, 1]
    predictions = [1, 0, 0, 1, 1, 0, 1]
    figure = plot.image_grid(images, labels, predictions, class_names=["non-cat", "cat"],
                             columns=4, title="test set")
    shown = [ax for ax in figure.axes if ax.images]
    assert len(figure.axes) == 8 and len(shown) == 7
    assert shown[2].get_title() == "label: cat\npredicted: non-cat ✗"
    assert shown[0].get_title() == "label: cat\npredicted: cat ✓"
    assert to_rgb(shown[2].title.get_color()) == to_rgb(plot.WRONG_COLOR)
    assert to_rgb(shown[0].title.get_color()) == to_rgb(plot.RIGHT_COLOR)
    assert figure.get_suptitle() == "test set"


def test_image_grid_labels_only_and_grey_images():
    figure = plot.image_grid(np.zeros((2, 5, 5)), labels=np.array([[0], [1]]))
    assert [ax.get_title() for ax in figure.axes] == ["label: class 0", "label: class 1"]


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((3, 12288)), None, r"reshape flat pixel rows first"),
        (np.full((2, 4, 4, 3), 255.0), None, r"float images must lie in \[0, 1\]"),
        (np.zeros((3, 4, 4, 3)), [0, 1], r"labels must hold one class label per point"),
    ],
)
def test_image_grid_rejects_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        plot.image_grid(images, labels)


# --- animate and save -------------------------------------------------------------


def test_animate_writes_one_gif_frame_per_frame(tmp_path):
    drawn = []

    def draw_frame(figure, step):
        drawn.append((step, len(figure.axes)))
        figure.add_subplot().plot([0, 1], [0, step])

    path = plot.animate(range(1, 5), draw_frame, tmp_path / "gifs" / "steps.gif", fps=5,
                        figsize=(2, 2), dpi=40)
    assert drawn == [(1, 0), (2, 0), (3, 0), (4, 0)]  # each frame starts from a clean figure
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4
        assert gif.info["duration"] == 200
        assert gif.size == (80, 80)  # 2 inches at 40 dpi


def test_animate_draws_the_pixels_matplotlibs_own_writer_draws(tmp_path):
    """Frames grabbed from one drawing of the canvas equal those of matplotlib's
    PillowWriter, which saves each one with savefig."""
    def draw_frame(figure, step):
        figure.add_subplot().plot([0, 1, 2], [0, step, 1], label=f"step {step}")
        figure.axes[0].legend()

    ours = plot.animate([1, 3], draw_frame, tmp_path / "ours.gif", figsize=(3, 2), dpi=60)
    figure = plot.new_figure(3, 2)
    writer = animation.PillowWriter(fps=8)
    with writer.saving(figure, str(tmp_path / "theirs.gif"), 60):
        for step in [1, 3]:
            figure.clear()
            draw_frame(figure, step)
            writer.grab_frame()
    with Image.open(ours) as mine, Image.open(tmp_path / "theirs.gif") as theirs:
        for frame in range(2):
            mine.seek(frame)
            theirs.seek(frame)
            assert np.array_equal(np.asarray(mine.convert("RGB")), np.asarray(theirs.convert("RGB")))


def test_animate_rejects_no_frames_and_other_formats(tmp_path):
    with pytest.raises(ValueError, match="frames is empty"):
        plot.animate([], lambda figure, frame: None, tmp_path / "a.gif")
    with pytest.raises(ValueError, match=r"must end in \.gif, got a\.mp4"):
        plot.animate([1], lambda figure, frame: None, tmp_path / "a.mp4")


def test_save_writes_a_png_in_new_folders(tmp_path):
    figure = plot.loss_curves({"train": [3.0, 2.0, 1.0]})
    path = plot.save(figure, tmp_path / "figures" / "loss.png")
    assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 1000
    with Image.open(path) as png:
        assert png.format == "PNG" and png.width > 800  # 150 dpi, not the default 100


def test_save_and_animate_record_their_smallest_text_in_pixels(tmp_path):
    """The record counts what is drawn: a 7-point title at 100 dpi is 9.7 px; an axis
    turned off draws no tick labels, so a figure of 12-point text only is 16.7 px."""
    figure = plot.new_figure(3, 2)
    figure.add_subplot().set_title("small", fontsize=7)
    assert plot.smallest_text_pixels(plot.save(figure, tmp_path / "small.png", dpi=100)) == 9.7
    figure = plot.new_figure(3, 2)
    ax = figure.add_subplot()
    ax.tick_params(labelsize=4)
    ax.set_axis_off()
    ax.set_title("large", fontsize=12)
    assert plot.smallest_text_pixels(plot.save(figure, tmp_path / "large.png", dpi=100)) == 16.7

    def draw(frame_figure, frame):
        frame_figure.add_subplot().set_title(str(frame), fontsize=9 if frame else 18)

    gif = plot.animate([0, 1], draw, tmp_path / "frames.gif", dpi=80)
    assert plot.smallest_text_pixels(gif) == 10.0  # 9 points at 80 dpi, the second frame's


def test_a_picture_without_the_record_has_none(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "plain.png")
    assert plot.smallest_text_pixels(tmp_path / "plain.png") is None


def test_save_closes_a_pyplot_figure(tmp_path):
    matplotlib.use("Agg")
    pyplot = importlib.import_module("matplotlib.pyplot")
    figure, ax = pyplot.subplots()
    plot.loss_curves({"train": [2.0, 1.0]}, ax=ax)
    plot.save(figure, tmp_path / "pyplot.png")
    assert not pyplot.fignum_exists(figure.number)


# --- importing --------------------------------------------------------------------


def test_import_leaves_the_chosen_backend_and_pyplot_alone(tmp_path):
    script = (
        "import sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "from tinygrad_nn import plot\n"
        "plot.save(plot.loss_curves({'a': [1.0, 0.5]}), sys.argv[1])\n"
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a.png")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)  # None makes the import fail
    monkeypatch.delitem(sys.modules, "tinygrad_nn.plot")
    with pytest.raises(ImportError, match=r"pip install tinygrad-nn\[examples\]"):
        importlib.import_module("tinygrad_nn.plot")


def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


def test_landscape_2d_surface_tick_labels_and_axis_labels_do_not_collide():
    """On the 3-D panel at the article's range (−100..100), each horizontal axis's tick
    labels stand apart and its name clears them."""
    q = np.linspace(-100, 100, 41)
    costs = np.add.outer(q, q) ** 2
    figure = plot.landscape_2d(q, q, costs, param_names=("w1[0]", "w1[1]"), surface=True)
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    ax3d = figure.axes[-1]
    for axis in (ax3d.xaxis, ax3d.yaxis):
        low, high = sorted(axis.get_view_interval())
        ticks = [tick.label1.get_window_extent(renderer) for tick in axis.get_major_ticks()
                 if low <= tick.get_loc() <= high and tick.label1.get_text()]
        assert ticks and _overlaps(ticks) == [], f"{axis.get_label_text()}: tick labels overlap"
        name = axis.label.get_window_extent(renderer)
        assert not any(name.overlaps(tick) for tick in ticks), (
            f"{axis.get_label_text()} collides with its tick labels")


def test_shared_legend_replaces_each_panels_legend_with_one_under_the_grid(two_class_data):
    X, y, _, _ = two_class_data
    figure = plot.new_figure(8, 4)
    for ax in figure.subplots(1, 2):
        plot.decision_regions(lambda points: np.full(len(points), 0.5), X, y, ax=ax)
    plot.shared_legend(figure, fontsize=18)
    assert all(ax.get_legend() is None for ax in figure.axes)
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()][:2] == ["class 0", "class 1"]
    assert {t.get_fontsize() for t in legend.get_texts()} == {18}


def test_shared_legend_needs_a_legend():
    with pytest.raises(ValueError, match="no panel"):
        plot.shared_legend(plot.new_figure(4, 4), fontsize=12)
