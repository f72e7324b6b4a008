"""Article 004, "a simple neural network from scratch": one sigmoid neuron tells cats
from non-cats.

Each 64×64×3 image is unrolled into a row of 12288 pixels in [0, 1]; the neuron
computes z = X·w + b, a = σ(z), and is trained by gradient descent on the binary
cross-entropy C = −(1/m) Σ [y log a + (1 − y) log(1 − a)]. A prediction is "cat"
where a > 0.5.

The article's code (its GitHub notebook) starts from w = 0.01·randn with
np.random.seed(999), b = 0, and runs 1000 steps of lr 0.005; it prints 96% train
and 76% test accuracy at step 900. The Coursera assignment the example comes
from starts from zeros and runs 2000 steps of the same lr (99% / 70%). Both are
run here.

    python examples/article_004_cat.py [--quick] [--out figures/004_cat] [--data DIR] [--no-download]

needs the two catvnoncat .h5 files: from --data DIR, $TINYGRAD_NN_DATA or
~/.cache/tinygrad_nn, else downloaded into that cache (see `datasets.find_catvnoncat`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from progress import advance
from report import Report, nudge_if_asked, progress, run_from_command_line

from tinygrad_nn import Tensor, datasets, grad, nn, no_grad, optim, plot

LEARNING_RATE = 0.005
ARTICLE_ITERATIONS = 1000
ARTICLE_SEED = 999  # the article's np.random.seed(999) before w = randn(12288, 1) * 0.01
COURSERA_ITERATIONS = 2000
QUICK_ITERATIONS = 200
SHOWN_TEST_IMAGES = 10
CURVATURE_EVERY = {False: 40, True: 10}  # measure at steps 0, 1, every, every + 1, …
TRAIN_COLOR, TEST_COLOR = "#1f77b4", "#ff7f0e"


@dataclass
class CatData:
    """The flattened images (one per row, pixels / 255) and labels as columns (m, 1)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_images: np.ndarray
    class_names: list[str]


@dataclass
class History:
    """Cost and accuracy on both splits before each update, and after the last one:
    entry i is the state after i steps."""

    train_cost: list[float] = field(default_factory=list)
    test_cost: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)


def load_data() -> CatData:
    train_x, train_y, test_x, test_y, classes = datasets.load_catvnoncat()
    return CatData(
        X_train=datasets.flatten_images(train_x), y_train=train_y.reshape(-1, 1).astype(float),
        X_test=datasets.flatten_images(test_x), y_test=test_y.reshape(-1, 1).astype(float),
        test_images=test_x, class_names=[name.decode() for name in classes],
    )


def make_neuron(n_pixels: int, init: str) -> nn.Sequential:
    """a = σ(X·w + b), w of shape (n_pixels, 1), b = 0.

    init "article": w = 0.01·randn drawn as the article's code draws it
    (np.random.seed(999)); init "zeros": w = 0, as in the Coursera assignment.
    One neuron may start at zero: there is no other unit to stay identical to.
    """
    if init == "article":
        layer = nn.Linear(n_pixels, 1, init="normal", scale=0.01,
                          rng=np.random.RandomState(ARTICLE_SEED))
    elif init == "zeros":
        layer = nn.Linear(n_pixels, 1, init="zeros")
    else:
        raise ValueError(f"init must be 'article' or 'zeros'; got {init!r}")
    layer.weight.name, layer.bias.name = "w", "b"
    return nudge_if_asked(nn.Sequential(layer, nn.Sigmoid()))


def accuracy(a: np.ndarray, y: np.ndarray) -> float:
    """Share of samples where the prediction (a > 0.5) equals the label."""
    return float(np.mean((a > 0.5) == (y == 1)))


@no_grad()
def evaluate(neuron: nn.Sequential, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(cost, accuracy) of the neuron on one split."""
    a = neuron(X)
    return nn.binary_cross_entropy(a, y).item(), accuracy(a.data, y)


def train(neuron: nn.Sequential, data: CatData, iterations: int,
          before_step: Callable[[int, Tensor], None] | None = None) -> History:
    """Batch gradient descent on the whole training set: forward, cost, backward,
    w ← w − α·dw, b ← b − α·db, `iterations` times. The training cost and accuracy
    are those of each forward pass, as the article prints them; the test set is
    evaluated with the same weights. `before_step(step, cost)`, if given, looks at
    each step's cost before the update."""
    opt = optim.SGD(neuron.parameters(), lr=LEARNING_RATE)
    X, y = Tensor(data.X_train), data.y_train
    history = History()
    for _ in range(iterations):
        a = neuron(X)
        cost = nn.binary_cross_entropy(a, y)
        history.train_cost.append(cost.item())
        history.train_accuracy.append(accuracy(a.data, y))
        test_cost, test_accuracy = evaluate(neuron, data.X_test, data.y_test)
        history.test_cost.append(test_cost)
        history.test_accuracy.append(test_accuracy)
        if before_step is not None:
            before_step(len(history.train_cost) - 1, cost)
        opt.zero_grad()
        cost.backward()
        opt.step()
        advance()
    for split, X_split, y_split in (("train", data.X_train, data.y_train),
                                    ("test", data.X_test, data.y_test)):
        final_cost, final_accuracy = evaluate(neuron, X_split, y_split)
        getattr(history, f"{split}_cost").append(final_cost)
        getattr(history, f"{split}_accuracy").append(final_accuracy)
    return history


def hessian_times(cost: Tensor, params: list[Tensor]) -> Callable[[list[np.ndarray]], list[np.ndarray]]:
    """v ↦ H·v for the Hessian H of `cost` in `params`, never building H (12289² numbers):
    H·v is the gradient of ∇C·v, one backward pass through the recorded gradient."""
    gradients = grad(cost, params, create_graph=True)
    return lambda v: [g.data for g in grad(sum((g * vi).sum() for g, vi in zip(gradients, v)),
                                             params)]


def top_eigenvalue(times: Callable[[list[np.ndarray]], list[np.ndarray]], start: list[np.ndarray],
                   tol: float = 1e-7, max_iterations: int = 500) -> tuple[float, list[np.ndarray]]:
    """The largest eigenvalue of a positive semi-definite H by power iteration,
    v ← H·v/|H·v|, with its eigenvector; `start` (e.g. the last step's vector) sets off."""
    v, value = start, 0.0
    for _ in range(max_iterations):
        norm = np.sqrt(sum(np.sum(vi * vi) for vi in v))
        v = [vi / norm for vi in v]
        hv = times(v)
        previous, value = value, float(sum(np.sum(a * b) for a, b in zip(v, hv)))
        v = hv
        if abs(value - previous) <= tol * abs(value):
            break
    norm = np.sqrt(sum(np.sum(vi * vi) for vi in v))
    return value, [vi / norm for vi in v]


@dataclass
class Curvature:
    """The top eigenvalue of the training cost's Hessian at steps 0, 1, every, every + 1,
    …: in pairs, because while gradient descent swings across the valley, the
    curvature under it alternates from one step to the next."""

    params: list[Tensor]
    every: int
    steps: list[int] = field(default_factory=list)
    top: list[float] = field(default_factory=list)
    direction: list[np.ndarray] | None = None

    def measure(self, step: int, cost: Tensor) -> None:
        if step % self.every > 1:
            return
        start = self.direction or [np.ones(p.shape) for p in self.params]
        value, self.direction = top_eigenvalue(hessian_times(cost, self.params), start)
        self.steps.append(step)
        self.top.append(value)


def draw_curvature(curvature: Curvature, history: History, path: Path) -> Figure:
    """The top Hessian eigenvalue along training against 2/α, above the training cost:
    the cost swings from step to step while the curvature is above the line. Even and
    odd steps are drawn as two lines each, since one line through both would fill the
    swinging stretch with solid colour."""
    figure = plot.new_figure(8, 5.4)
    top_ax, cost_ax = figure.subplots(2, 1, sharex=True)
    steps, top = np.array(curvature.steps), np.array(curvature.top)
    cost = np.asarray(history.train_cost)
    for parity, (name, color) in enumerate([("even", TRAIN_COLOR), ("odd", TEST_COLOR)]):
        at = steps % 2 == parity
        top_ax.plot(steps[at], top[at], color=color, label=f"top eigenvalue of H, {name} steps")
        cost_ax.plot(np.arange(parity, len(cost), 2), cost[parity::2], color=color,
                     label=f"train cost, {name} steps")
    top_ax.axhline(2 / LEARNING_RATE, color="gray", linestyle="--",
                   label=f"2/α = {2 / LEARNING_RATE:.0f}: above it, steps overshoot")
    top_ax.set(ylabel="curvature", title="Curvature along training (power iteration on H·v)")
    top_ax.legend()
    cost_ax.set(xlabel="step", ylabel="train cost", title="The training cost")
    cost_ax.legend()
    plot.save(figure, path, dpi=100)
    return figure


def draw_curves(history: History, title: str, path: Path) -> Figure:
    """Cost and accuracy per step, the even steps and the odd steps as two lines each.

    In the first few hundred steps every curve, training and test, jumps between two
    values step after step: lr 0.005 is at the edge of stability along the direction
    all pixels share (the brightness of the image), where the cost curves most; the
    jumps die out as the neuron's outputs saturate and that curvature falls. One line
    through all steps would fill that band with solid colour; two lines, one through
    the even steps and one through the odd, show both branches and where they meet.
    """
    figure = plot.new_figure(8, 6.6)
    cost_ax, accuracy_ax = figure.subplots(2, 1, sharex=True)
    for ax, name, scale, ylabel in ((cost_ax, "cost", 1, "cost (binary cross-entropy)"),
                                    (accuracy_ax, "accuracy", 100, "accuracy (%)")):
        series, styles = {}, {}
        for split, color in (("test", TEST_COLOR), ("train", TRAIN_COLOR)):
            values = scale * np.asarray(getattr(history, f"{split}_{name}"))
            for parity, first, linestyle in (("even", 0, "-"), ("odd", 1, ":")):
                label = f"{split}, {parity} steps"
                series[label] = (np.arange(first, len(values), 2), values[first::2])
                styles[label] = {"color": color, "linestyle": linestyle, "linewidth": 1.4}
        plot.loss_curves(series, ylabel=ylabel, title=name.capitalize(), ax=ax, styles=styles)
        ax.legend(ncol=2)
    accuracy_ax.set_xlabel("step")
    cost_ax.set_xlabel("")
    figure.suptitle(f"One sigmoid neuron on cat/non-cat, {title}\n"
                    "early on, training and test curves alike jump between two values on\n"
                    "alternate steps (the step size is at the edge of stability)", fontsize=11)
    plot.save(figure, path, dpi=100)
    return figure


def draw_predictions(neuron: nn.Sequential, data: CatData, path: Path) -> None:
    shown = slice(0, SHOWN_TEST_IMAGES)
    with no_grad():
        predicted = (neuron(data.X_test[shown]).data > 0.5).astype(int)
    figure = plot.image_grid(data.test_images[shown], data.y_test[shown].astype(int), predicted,
                             class_names=data.class_names, columns=5,
                             title="The trained neuron on the first 10 test images")
    plot.save(figure, path, dpi=100)


def draw_weights(neuron: nn.Sequential, run: str, path: Path) -> None:
    """The 12288 weights of the run named by ``run`` (e.g. "2000 steps from w = 0")
    folded back into a 64×64 picture (summed over the colours): where a bright pixel
    pushes the output towards "cat" (purple) or "non-cat" (orange)."""
    w = neuron[0].weight.data.reshape(64, 64, 3).sum(axis=2)
    limit = np.abs(w).max()
    figure = plot.new_figure(4.6, 4.4)
    ax = figure.add_subplot()
    shown = ax.imshow(w, cmap="PuOr", vmin=-limit, vmax=limit)
    ax.set_axis_off()
    figure.colorbar(shown, ax=ax, shrink=0.8, label="weight (summed over R, G, B)")
    ax.set_title(f"the weights w after {run}, as an image\n"
                 "(purple: bright here means cat;\norange: bright here means non-cat)", fontsize=10)
    plot.save(figure, path, dpi=100)


def run(out_dir: Path, quick: bool = False) -> Report:
    out_dir = Path(out_dir)
    data = load_data()
    article_steps = QUICK_ITERATIONS if quick else ARTICLE_ITERATIONS
    coursera_steps = QUICK_ITERATIONS if quick else COURSERA_ITERATIONS

    neuron = make_neuron(data.X_train.shape[1], "article")
    curvature = Curvature(neuron.parameters(), every=CURVATURE_EVERY[quick])
    with progress(f"{article_steps} steps from w = 0.01·randn, with the curvature",
                  total=article_steps, unit="step"):
        history = train(neuron, data, article_steps, curvature.measure)
    draw_curvature(curvature, history, out_dir / "curvature.png")
    draw_curves(history, f"w = 0.01·randn, lr {LEARNING_RATE}", out_dir / "loss_curves.png")
    draw_predictions(neuron, data, out_dir / "predictions.png")

    coursera = make_neuron(data.X_train.shape[1], "zeros")
    with progress(f"{coursera_steps} steps from w = 0", total=coursera_steps, unit="step"):
        coursera_history = train(coursera, data, coursera_steps)
    draw_curves(coursera_history, f"w = 0, lr {LEARNING_RATE}", out_dir / "loss_curves_zeros.png")
    draw_weights(coursera, f"{coursera_steps} steps from w = 0", out_dir / "weights.png")

    report = Report(f"Article 004: one sigmoid neuron, cat vs non-cat ({'quick' if quick else 'full'})")
    report.add("n_train", "training / test images", "209 / 50", len(data.y_train),
               shown=f"{len(data.y_train)} / {len(data.y_test)}")
    report.add("n_inputs", "inputs per image", "64·64·3 = 12288", data.X_train.shape[1])
    report.add("start_cost", "cost before training (w = 0.01·randn)", "— (the author's notebook: 0.72463)",
               history.train_cost[0], shown=f"{history.train_cost[0]:.5f}")
    if not quick:
        report.add("train_cost_900", "train cost at step 900", "— (the author's notebook: 0.22683)",
                   history.train_cost[900], shown=f"{history.train_cost[900]:.5f}")
        report.add("train_accuracy_900", "train / test accuracy at step 900 (test: 901)", "96% / 76%", history.train_accuracy[900],
                   shown=f"{history.train_accuracy[900]:.1%} / {history.test_accuracy[901]:.1%}")
    report.add("train_accuracy", f"train accuracy after {article_steps} steps", "96%",
               history.train_accuracy[-1], shown=f"{history.train_accuracy[-1]:.1%}")
    report.add("test_accuracy", f"test accuracy after {article_steps} steps", "76%",
               history.test_accuracy[-1], shown=f"{history.test_accuracy[-1]:.1%}")
    report.add("final_cost", f"train cost after {article_steps} steps", "—",
               history.train_cost[-1], shown=f"{history.train_cost[-1]:.5f}")
    report.add("zeros_train_accuracy", f"w = 0 start, {coursera_steps} steps: train",
               "99% (Coursera)", coursera_history.train_accuracy[-1],
               shown=f"{coursera_history.train_accuracy[-1]:.1%}")
    report.add("zeros_test_accuracy", f"w = 0 start, {coursera_steps} steps: test",
               "70% (Coursera)", coursera_history.test_accuracy[-1],
               shown=f"{coursera_history.test_accuracy[-1]:.1%}")
    add_curvature_rows(report, curvature, history, data)
    report.values.update(history=history,
                         w=neuron[0].weight.data.copy(), b=neuron[0].bias.data.copy(),
                         zeros_w=coursera[0].weight.data.copy(),
                         zeros_b=coursera[0].bias.data.copy(), iterations=article_steps)
    report.print()
    return report


def convexity_gap(data: CatData) -> tuple[float, float]:
    """Why the cost is convex, checked: its Hessian is Xₐᵀ·diag(a(1 − a))·Xₐ/m (Xₐ = [X 1]),
    positive semi-definite because every a(1 − a) ≥ 0. Returns the largest relative
    difference between autograd's H·v and that formula's for a random v, and the
    smallest a(1 − a)."""
    neuron = make_neuron(data.X_train.shape[1], "article")
    a = neuron(Tensor(data.X_train))
    cost = nn.binary_cross_entropy(a, data.y_train)
    v = [np.random.default_rng(0).normal(size=p.shape) for p in neuron.parameters()]
    autograd = np.concatenate([h.ravel() for h in hessian_times(cost, neuron.parameters())(v)])
    X = np.column_stack([data.X_train, np.ones(len(data.X_train))])
    slope = a.data * (1 - a.data)
    formula = X.T @ (slope * (X @ np.concatenate([vi.ravel() for vi in v])[:, None])) / len(X)
    return float(np.abs(autograd - formula[:, 0]).max() / np.abs(formula).max()), float(slope.min())


def add_curvature_rows(report: Report, curvature: Curvature, history: History,
                       data: CatData) -> None:
    """The docs' explanation of the early swinging, measured: the top curvature at the
    start, when it falls below 2/α, and the last step at which the cost still rose."""
    top, limit = np.array(curvature.top), 2 / LEARNING_RATE
    report.add("top_curvature_start", "top Hessian eigenvalue at the start (power iteration)",
               "— (ours, in the docs: about 554)", top[0], f"{top[0]:.1f}")
    above = np.flatnonzero(top >= limit)
    last_above = curvature.steps[above[-1]] if len(above) else None
    report.add("curvature_last_above", f"last measured step with it above 2/α = {limit:.0f}",
               "— (ours, in the docs: falls below 400)", last_above, str(last_above))
    rises = np.flatnonzero(np.diff(history.train_cost) > 0)
    last_rise = int(rises[-1]) + 1 if len(rises) else None
    report.add("last_cost_rise", "last step at which the train cost rose", "—", last_rise,
               str(last_rise))
    gap, smallest_slope = convexity_gap(data)
    report.add("convex", "the cost is convex: H = Xᵀ·diag(a(1 − a))·X/m ⪰ 0", "—", gap,
               f"{'yes' if gap < 1e-9 and smallest_slope >= 0 else 'no'}: autograd's H·v is "
               f"the formula's to {gap:.0e}, every a(1 − a) ≥ "
               f"{smallest_slope:.3f} (article 001's network: not convex)")


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/004_cat", cat_data=True)
