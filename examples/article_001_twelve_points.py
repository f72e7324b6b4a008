"""Article 001, "a neural network from scratch, visualized": twelve points on a line,
two sigmoid hidden units, one sigmoid output, the cross-entropy cost.

a1 = σ(X·w1 + b1) (w1 of shape (1, 2)), output = σ(a1·w2 + b2) (w2 of shape (2, 1)),
C = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)]. Seven parameters. The reproduction loads
the parameters scikit-learn found in the article into our network, draws its hidden
units and output, draws the cost as one and two parameters vary, and trains the
article's NeuralNetwork class (np.random.rand start, lr 0.1, gradients summed over
the points) from a fixed seed until all twelve points are right.

    python examples/article_001_twelve_points.py [--quick] [--out figures/001_twelve_points]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.colors import SymLogNorm
from progress import advance
from report import Report, nudge_if_asked, progress, run_from_command_line

from tinygrad_nn import Tensor, datasets, formulas, grad, nn, no_grad, optim, plot

PARAMETER_NAMES = ("w1[0]", "w1[1]", "b1[0]", "b1[1]", "w2[0]", "w2[1]", "b2")
SKLEARN = np.array([-20.89123833, -8.09121263, -12.35004862, 4.62846821,  # clf.coefs_ and
                    -20.19430919, 17.74430684, -8.19425129])              # clf.intercepts_
LANDSCAPE_BASE = np.array([0.0, -37.94, 16.81, -23.41, 28.8, -52.89, -17.53])  # w1[0] varies
HAND_PICKED = {"w1": [-1.0, 9.0], "b1": [-1.0, 5.0]}  # "let's try some random values"
FIRST_TRY = (-11.0, -11.0)  # the article's first curve: sigmoid(xseq*(-11)-11), one neuron
SEED = 0  # np.random.RandomState(0) draws w1 = rand(1, 2), then w2 = rand(2, 1)
TRAINING = {False: {"lr": 0.1, "epochs": 5000, "frames": 60, "grid": (10000, 121)},
            True: {"lr": 0.5, "epochs": 300, "frames": 8, "grid": (1000, 31)}}
X_GRID = np.linspace(-2.0, 2.0, 201)
# "Curves down" counts only curvature below −0.001: the plateaus are flat to 1e-12, where
# the sign of a second difference is rounding; the share below −0.001 is the same on
# either grid, by second differences or by autograd.
CONCAVE_BELOW = -1e-3


def make_network() -> nn.Sequential:
    """1 → 2 → 1, sigmoids after both layers; weights U[0, 1) drawn as the article's
    np.random.seed(0); np.random.rand does, biases 0."""
    rng = np.random.RandomState(SEED)
    hidden = nn.Linear(1, 2, init="uniform", rng=rng)
    output = nn.Linear(2, 1, init="uniform", rng=rng)
    hidden.weight.name, hidden.bias.name = "w1", "b1"
    output.weight.name, output.bias.name = "w2", "b2"
    return nudge_if_asked(nn.Sequential(hidden, nn.Sigmoid(), output, nn.Sigmoid()))


def get_parameters(model: nn.Sequential) -> np.ndarray:
    """The seven parameters in the order of PARAMETER_NAMES."""
    return flat_values(model.parameters())


def flat_values(parameters: list[Tensor]) -> np.ndarray:
    """The values of `parameters`, one after the other, flat."""
    return np.concatenate([p.data.ravel() for p in parameters])


def set_parameters(model: nn.Sequential, values: np.ndarray) -> nn.Sequential:
    """Load seven numbers (PARAMETER_NAMES order) into w1 (1, 2), b1 (2,), w2 (2, 1), b2 (1,)."""
    start = 0
    for p in model.parameters():
        p.data[...] = np.reshape(values[start:start + p.size], p.shape)
        start += p.size
    return model


@no_grad()
def hidden_and_output(model: nn.Sequential, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a1 (n, 2) and the output (n,) along a column of inputs x."""
    a1 = model[1](model[0](x.reshape(-1, 1)))
    return a1.data, model[3](model[2](a1)).data[:, 0]


@no_grad()
def cost(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """C = −(1/m) Σ [y log ŷ + (1 − y) log(1 − ŷ)], the article's cross-entropy."""
    return nn.binary_cross_entropy(model(X), y).item()


@no_grad()
def cost_as_printed(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """The article's landscape code as printed: w2 = np.array([28.8, -52.89]) is 1-D, so
    the output has shape (12,), and y (12, 1) against it broadcasts to a 12 × 12 table:
    −(1/12) Σᵢ Σⱼ [yᵢ log ŷⱼ + (1 − yᵢ) log(1 − ŷⱼ)], every point against every label."""
    a1 = model[1](model[0](X))
    output = (a1 @ model[2].weight.reshape(2) + model[2].bias).sigmoid()
    return (-(y * output.log() + (1 - y) * (1 - output).log()).sum() / len(X)).item()


def n_correct(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> int:
    """Points whose output is on the right side of 0.5."""
    _, output = hidden_and_output(model, X)
    return int(np.sum((output > 0.5) == (y[:, 0] == 1)))


CostFunction = Callable[[nn.Sequential, np.ndarray, np.ndarray], float]


def cost_landscape(cost_of: CostFunction, base: np.ndarray, axes: list[tuple[int, np.ndarray]],
                   X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The cost with parameters `base`, except that parameter axes[k][0] runs over
    axes[k][1]. Shape (len(values_2), len(values_1)) for two axes, as np.meshgrid."""
    model, values = make_network(), base.copy()
    shape = tuple(len(v) for _, v in reversed(axes))
    costs = np.empty(shape)
    for grid_index in np.ndindex(*shape):
        for (param, param_values), i in zip(axes, reversed(grid_index)):
            values[param] = param_values[i]
        costs[grid_index] = cost_of(set_parameters(model, values), X, y)
    return costs


def local_minima(costs: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Indices of the interior local minima of a curve sampled on a grid: places where
    it stops falling and starts rising. A flat stretch (steps within `tol`) counts once."""
    steps = np.diff(costs)
    moving = np.flatnonzero(np.abs(steps) > tol)
    direction = np.sign(steps[moving])
    turns = np.flatnonzero((direction[:-1] < 0) & (direction[1:] > 0))
    return moving[turns] + 1


def hessians_in_w1(points: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d²C/d(w1[0], w1[1])², a 2×2 matrix at each row of `points` (G, 2), the other
    five parameters at LANDSCAPE_BASE.

    All G points at once: w1 is a (G, 1, 2) tensor, one network per point, and the
    costs are summed. No point's cost depends on another point's w1, so the
    gradient of the sum holds every point's own gradient, and differentiating its
    k-th component once more gives row k of every Hessian: two backward passes in
    all. C is computed from the logits (binary_cross_entropy_with_logits), the same
    cost, so that its derivatives stay exact where σ saturates.
    """
    w1 = Tensor(points.reshape(-1, 1, 2), requires_grad=True)
    b1, w2, b2 = LANDSCAPE_BASE[2:4], LANDSCAPE_BASE[4:6].reshape(2, 1), LANDSCAPE_BASE[6]
    logits = (X @ w1 + b1).sigmoid() @ w2 + b2  # (G, 12, 1)
    targets = np.broadcast_to(y, logits.shape)
    total = nn.binary_cross_entropy_with_logits(logits, targets) * len(points)
    (gradient,) = grad(total, w1, create_graph=True)
    rows = []
    for k in range(2):
        pick = np.zeros(gradient.shape)
        pick[..., k] = 1.0
        rows.append(grad(gradient, w1, grad_output=pick)[0].data.reshape(-1, 2))
    return np.stack(rows, axis=1)


@dataclass
class History:
    """The seven parameters and the cost before each epoch (and after the last)."""

    parameters: np.ndarray  # (epochs + 1, 7)
    costs: np.ndarray  # (epochs + 1,)
    first_all_correct: int | None  # the first epoch count after which all points are right


def train(model: nn.Sequential, X: np.ndarray, y: np.ndarray, lr: float, epochs: int) -> History:
    """The article's backprop: the gradients summed over the points (not averaged),
    so the loss is m·C; then w ← w − lr·dw for the seven parameters. The parameters'
    list and the input tensor are made once, not every epoch (under cProfile, walking
    the modules for the parameters was 13% of an epoch)."""
    weights = model.parameters()
    opt = optim.SGD(weights, lr=lr)
    inputs = Tensor(X)
    parameters, costs, first_all_correct = [], [], None
    for epoch in range(epochs + 1):
        output = model(inputs)
        summed_cost = nn.binary_cross_entropy(output, y) * len(X)
        parameters.append(flat_values(weights))
        costs.append(summed_cost.item() / len(X))
        if first_all_correct is None and np.all((output.data > 0.5) == (y == 1)):
            first_all_correct = epoch
        if epoch < epochs:
            opt.zero_grad()
            summed_cost.backward()
            opt.step()
            advance()
    return History(np.array(parameters), np.array(costs), first_all_correct)


def gradient_difference(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """Largest |autograd − the article's hand-derived gradient| over the seven parameters."""
    model.zero_grad()
    nn.binary_cross_entropy(model(X), y).backward()
    w1, b1, w2, b2 = (p.data for p in model.parameters())
    by_hand = formulas.sigmoid_network_gradients(X, y, w1, b1, w2, float(b2[0]))
    hand = np.concatenate([by_hand[k].ravel() for k in ("d_w1", "d_b1", "d_w2")]
                          + [[by_hand["d_b2"]]])
    autograd = np.concatenate([p.grad.ravel() for p in model.parameters()])
    return float(np.max(np.abs(hand - autograd)))


# ---- figures ---------------------------------------------------------------------


def plot_fit(model: nn.Sequential, X: np.ndarray, y: np.ndarray, title: str, ax=None):
    a1, output = hidden_and_output(model, X_GRID)
    return plot.fit_1d(X[:, 0], y[:, 0], X_GRID, hidden=a1, output=output, title=title, ax=ax)


def plot_cost_along_w1(p: np.ndarray, costs: dict[str, np.ndarray]):
    """One panel per cost function, its local minima marked."""
    figure = plot.new_figure(8.0, 3.6 * len(costs))  # one above the other: legible at 800 px
    for ax, (title, curve) in zip(figure.subplots(len(costs), 1), costs.items()):
        plot.landscape_1d(p, curve, param_name="w1[0]", title=title, ax=ax)
        minima = local_minima(curve)
        ax.plot(p[minima], curve[minima], "v", color=plot.PATH_COLOR, markersize=9,
                label=f"{len(minima)} local minim{'um' if len(minima) == 1 else 'a'}")
        ax.legend()
    return figure


def plot_curvature(q: np.ndarray, surface: np.ndarray, smallest: np.ndarray):
    """The cost surface above the smallest eigenvalue of its Hessian: red where the
    surface curves down in some direction (not convex), blue where it curves up in all.
    The share in the title and the black outline use the table's rule, an eigenvalue below
    CONCAVE_BELOW, so the picture and the text count the same points."""
    figure = plot.new_figure(8.0, 8.4)
    cost_ax, curvature_ax = figure.subplots(2, 1)
    plot.landscape_2d(q, q, surface, param_names=("w1[0]", "w1[1]"), ax=cost_ax,
                      title="The cost as both hidden weights vary")
    grid = np.meshgrid(q, q)
    limit = np.abs(smallest).max()
    shown = curvature_ax.pcolormesh(*grid, smallest, cmap="RdBu", shading="auto",
                                    norm=SymLogNorm(linthresh=1e-4 * limit, vmin=-limit, vmax=limit))
    curvature_ax.contour(*grid, smallest, levels=[CONCAVE_BELOW], colors="black", linewidths=0.8)
    ticks = [sign * 10.0**k for sign in (-1, 1) for k in range(-3, 0)] + [0.0]
    figure.colorbar(shown, ax=curvature_ax, label="smallest eigenvalue of the Hessian",
                    ticks=[t for t in ticks if abs(t) <= limit])
    curvature_ax.set(xlabel="w1[0]", ylabel="w1[1]",
                     title=f"Curves down (smallest eigenvalue below {CONCAVE_BELOW:g}) on "
                           f"{np.mean(smallest < CONCAVE_BELOW):.0%}: not convex")
    return figure


def plot_training(history: History):
    """The seven parameters over the epochs, and the cost on a log axis."""
    figure = plot.new_figure(8.0, 7.6)
    params_ax, cost_ax = figure.subplots(2, 1)
    draw_parameter_paths(params_ax, history, len(history.costs))
    plot.loss_curves({"cost C": history.costs}, log_scale=True, xlabel="epoch", ylabel="cost C",
                     title="Cross-entropy during training", ax=cost_ax)
    if history.first_all_correct is not None:
        cost_ax.axvline(history.first_all_correct, color="gray", linestyle=":",
                        label=f"all 12 right from epoch {history.first_all_correct}")
        cost_ax.legend()
    return figure


def draw_parameter_paths(ax, history: History, upto: int) -> None:
    """The paths of the seven parameters up to epoch `upto`, on axes fixed for the whole run."""
    epochs = np.arange(len(history.costs))
    for k, name in enumerate(PARAMETER_NAMES):
        if upto < len(epochs):  # the whole run faintly, so that early frames show where it goes
            ax.plot(epochs, history.parameters[:, k], linewidth=1.0, alpha=0.35,
                    color=plot.CLASS_COLORS[k])
        ax.plot(epochs[:upto], history.parameters[:upto, k], linewidth=1.6, label=name,
                color=plot.CLASS_COLORS[k])
    ax.set_xlim(0, epochs[-1])
    low, high = history.parameters.min(), history.parameters.max()
    ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax.set(xlabel="epoch", ylabel="value", title="The seven parameters during gradient descent")
    ax.grid(alpha=0.3)
    ax.legend(ncol=2, loc="upper left")


def frame_epochs(history: History, frames: int) -> np.ndarray:
    """The epochs an animation of `frames` frames shows: spaced geometrically, since
    the parameters move most in the first epochs."""
    return np.unique(np.geomspace(1, len(history.costs), frames).astype(int)) - 1


def animate_training(history: History, X: np.ndarray, y: np.ndarray, frames: int,
                     path: Path) -> Path:
    """GIF: the curves forming (left) beside the parameters moving (right)."""
    epochs = frame_epochs(history, frames)
    model = make_network()

    def draw(figure, epoch: int) -> None:
        fit_ax, params_ax = figure.subplots(2, 1)
        set_parameters(model, history.parameters[epoch])
        plot_fit(model, X, y, f"epoch {epoch}: cost {history.costs[epoch]:.3f}, "
                 f"{n_correct(model, X, y)}/12 right", ax=fit_ax)
        draw_parameter_paths(params_ax, history, epoch + 1)
        advance()

    return plot.animate(epochs, draw, path, fps=6, figsize=(8.0, 8.0), dpi=100)


def animate_cost(history: History, X: np.ndarray, y: np.ndarray, frames: int,
                 path: Path) -> Path:
    """GIF of the cost as training goes: left, C as w1[0] varies over the static figure's
    range with the six other parameters where training has them, the current w1[0]
    marked; right, C per epoch. Both axes stay fixed from frame to frame, so that only
    what changes moves."""
    epochs = frame_epochs(history, frames)
    p = np.linspace(-100, 100, 401)  # the range of cost_w1.png
    curves = {epoch: cost_landscape(cost, history.parameters[epoch], [(0, p)], X, y)
              for epoch in epochs}
    top = 1.05 * max(float(curve.max()) for curve in curves.values())

    def draw(figure, epoch: int) -> None:
        landscape_ax, cost_ax = figure.subplots(2, 1)
        current = history.parameters[epoch]
        landscape_ax.plot(p, curves[epoch], color="black", linewidth=1.8)
        landscape_ax.plot(current[0], history.costs[epoch], "o", color=plot.PATH_COLOR,
                          markersize=10, label=f"now: w1[0] = {current[0]:.2f}")
        landscape_ax.set(xlabel="w1[0]", ylabel="cost C", xlim=(p[0], p[-1]), ylim=(0, top),
                         title=f"C as w1[0] varies, the others as at epoch {epoch}")
        landscape_ax.legend(loc="upper right")
        landscape_ax.grid(alpha=0.3)
        every = np.arange(len(history.costs))
        cost_ax.plot(every, history.costs, color="gray", alpha=0.3, linewidth=1.0)
        cost_ax.plot(every[:epoch + 1], history.costs[:epoch + 1], color="black", linewidth=1.8)
        cost_ax.plot(epoch, history.costs[epoch], "o", color=plot.PATH_COLOR, markersize=10)
        cost_ax.set(yscale="log", xlabel="epoch", ylabel="cost C (log scale)",
                    ylim=(0.8 * min(history.costs), 1.25 * max(history.costs)),
                    title=f"epoch {epoch}: C = {history.costs[epoch]:.4f}")
        cost_ax.grid(alpha=0.3, which="both")
        advance()

    return plot.animate(epochs, draw, path, fps=6, figsize=(8.0, 8.0), dpi=100)


# ---- the reproduction ------------------------------------------------------------


def reproduce_sklearn(report: Report, out_dir: Path, X: np.ndarray, y: np.ndarray) -> None:
    data = plot.fit_1d(X[:, 0], y[:, 0], X_GRID, title="Twelve points: class 1 in the middle")
    plot.save(data, out_dir / "data.png", dpi=100)
    model = set_parameters(make_network(), SKLEARN)
    right = n_correct(model, X, y)
    report.add("sklearn_correct", "scikit-learn's parameters in our network: points right",
               "score 1.0", right, f"{right}/12 (cost {cost(model, X, y):.4f})")
    difference = gradient_difference(model, X, y)
    report.add("gradient_difference", "hand-derived gradients vs autograd, max |difference|",
               "(derived by hand)", difference,  # its last digits vary with the CPU's BLAS
               "< 1e-16 (float64 rounding)" if difference < 1e-16 else f"{difference:.1e}")
    plot.save(plot_fit(model, X, y, "scikit-learn's parameters: hidden units red and blue, "
                       "output black"), out_dir / "sklearn_fit.png", dpi=100)
    first_try(report, out_dir, X, y)
    hand_picked = make_network()  # w2 = rand(2, 1) from the seed, b2 = 0, as in the article
    hand_picked[0].load_state_dict({"weight": [HAND_PICKED["w1"]], "bias": HAND_PICKED["b1"]})
    hand_picked[2].bias.data[...] = 0.0
    right = n_correct(hand_picked, X, y)
    report.add("hand_picked_correct", "hand-picked w1 = [[-1, 9]], b1 = [-1, 5]: points right",
               "'not good'", right, f"{right}/12")
    plot.save(plot_fit(hand_picked, X, y, "Hand-picked parameters: not good"),
              out_dir / "hand_picked_fit.png", dpi=100)


def first_try(report: Report, out_dir: Path, X: np.ndarray, y: np.ndarray) -> None:
    """The article's first guess, one neuron σ(−11x − 11): it switches at x = −1 and is on
    to its left, where every point is class 0."""
    w, b = FIRST_TRY
    neuron = nn.Sequential(nn.Linear(1, 1, init="zeros"), nn.Sigmoid())
    neuron[0].load_state_dict({"weight": [[w]], "bias": [b]})
    with no_grad():
        output = neuron(X_GRID.reshape(-1, 1)).data[:, 0]
        right = int(np.sum((neuron(X).data > 0.5) == (y == 1)))
    report.add("first_try_correct", "one neuron σ(−11x − 11), on left of x = −1: points right",
               "(its red curve)", right, f"{right}/12")
    figure = plot.fit_1d(X[:, 0], y[:, 0], X_GRID, output=output,
                         title="A first try: one neuron σ(−11x − 11)")
    plot.save(figure, out_dir / "first_try.png", dpi=100)


def concave_share(costs: np.ndarray, step: float) -> float:
    """The share of grid points where the cost's second difference, divided by step² so
    that it estimates C'' on any grid, is below CONCAVE_BELOW."""
    return float(np.mean(np.diff(costs, 2) / step**2 < CONCAVE_BELOW))


def reproduce_landscapes(report: Report, out_dir: Path, X: np.ndarray, y: np.ndarray,
                         quick: bool) -> None:
    n_1d, n_2d = TRAINING[quick]["grid"]
    p = np.linspace(-100, 100, n_1d)
    costs = {"the cost C as w1[0] varies": cost_landscape(cost, LANDSCAPE_BASE, [(0, p)], X, y),
             "the article's code as printed (y against every ŷ)":
             cost_landscape(cost_as_printed, LANDSCAPE_BASE, [(0, p)], X, y)}
    correct, printed = costs.values()
    minima = local_minima(correct)
    report.add("landscape_minima", f"cost over w1[0] in [−100, 100] ({n_1d} points): local minima",
               "'not convex at all'", len(minima),
               f"{len(minima)} (at w1[0] = {', '.join(f'{v:.1f}' for v in p[minima])}); "
               f"C'' < {CONCAVE_BELOW:g} on {concave_share(correct, p[1] - p[0]):.0%} of the grid")
    report.add("landscape_minima_as_printed", "the same with the article's 1-D w2 (12×12 sum)",
               "(its picture)", len(local_minima(printed)), str(len(local_minima(printed))))
    report.add("landscape_argmin", "w1[0] with the lowest cost", "—", float(p[np.argmin(correct)]),
               f"{p[np.argmin(correct)]:.2f} (cost {correct.min():.2e})")
    report.values["landscape"] = (p, correct)
    plot.save(plot_cost_along_w1(p, costs), out_dir / "cost_w1.png", dpi=100)

    q = np.linspace(-100, 100, n_2d)
    surface = cost_landscape(cost, LANDSCAPE_BASE, [(0, q), (1, q)], X, y)
    figure = plot.landscape_2d(q, q, surface, param_names=("w1[0]", "w1[1]"), surface=True,
                               title="The cost as both hidden weights vary")
    plot.save(figure, out_dir / "cost_surface.png", dpi=100)
    report.values["surface"] = (q, surface)


def reproduce_curvature(report: Report, out_dir: Path, X: np.ndarray, y: np.ndarray) -> None:
    """'Not convex at all', proved from second derivatives: the Hessian's smallest
    eigenvalue, negative where the cost curves down, along w1[0] and over the surface."""
    p, _ = report.values["landscape"]
    along = hessians_in_w1(np.column_stack([p, np.full(len(p), LANDSCAPE_BASE[1])]), X, y)
    report.add("curvature_w1", "d²C/dw1[0]² by autograd (the Hessian along w1[0])",
               "'not convex at all'", float(np.mean(along[:, 0, 0] < CONCAVE_BELOW)),
               f"below {CONCAVE_BELOW:g} on {np.mean(along[:, 0, 0] < CONCAVE_BELOW):.0%} of the grid, "
               f"down to {along[:, 0, 0].min():.3g}")
    q, surface = report.values["surface"]
    grid_1, grid_2 = np.meshgrid(q, q)
    hessians = hessians_in_w1(np.column_stack([grid_1.ravel(), grid_2.ravel()]), X, y)
    smallest = np.linalg.eigvalsh(hessians)[:, 0].reshape(grid_1.shape)
    report.add("curvature_surface", "smallest Hessian eigenvalue over (w1[0], w1[1])", "—",
               float(np.mean(smallest < CONCAVE_BELOW)), f"below {CONCAVE_BELOW:g} on "
               f"{np.mean(smallest < CONCAVE_BELOW):.0%} of the surface, down to {smallest.min():.3g}")
    report.values["curvature"] = smallest
    plot.save(plot_curvature(q, surface, smallest), out_dir / "curvature.png", dpi=100)


def reproduce_training(report: Report, out_dir: Path, X: np.ndarray, y: np.ndarray,
                       quick: bool) -> None:
    settings = TRAINING[quick]
    model = make_network()
    history = train(model, X, y, settings["lr"], settings["epochs"])
    right = n_correct(model, X, y)
    report.add("trained_correct", f"trained from np.random.rand (seed {SEED}), lr "
               f"{settings['lr']}, {settings['epochs']} epochs: points right", "—", right,
               f"{right}/12 (cost {history.costs[-1]:.4f})")
    report.add("first_all_correct", "epochs until all 12 are right", "—",
               history.first_all_correct, str(history.first_all_correct))
    report.values["history"] = history
    plot.save(plot_training(history), out_dir / "training.png", dpi=100)
    plot.save(plot_fit(model, X, y, f"After {settings['epochs']} epochs of gradient descent"),
              out_dir / "trained_fit.png", dpi=100)


def animate_the_training(report: Report, out_dir: Path, X: np.ndarray, y: np.ndarray,
                         quick: bool) -> None:
    """The two GIFs of the training that reproduce_training ran."""
    history, frames = report.values["history"], TRAINING[quick]["frames"]
    animate_training(history, X, y, frames, out_dir / "training.gif")
    animate_cost(history, X, y, frames, out_dir / "cost_training.gif")


def run(out_dir: Path, quick: bool = False) -> Report:
    """Every number and figure of article 001; `quick` uses coarser grids and a
    larger learning rate for fewer epochs."""
    out_dir = Path(out_dir)
    X, labels = datasets.twelve_points()
    y = labels.astype(float)
    report = Report("Article 001: twelve points, two sigmoid hidden units, cross-entropy")
    with progress("scikit-learn's network"):
        reproduce_sklearn(report, out_dir, X, y)
    with progress("cost landscapes"):
        reproduce_landscapes(report, out_dir, X, y, quick)
    with progress("curvature"):
        reproduce_curvature(report, out_dir, X, y)
    with progress("training", total=TRAINING[quick]["epochs"]):
        reproduce_training(report, out_dir, X, y, quick)
    frames = len(frame_epochs(report.values["history"], TRAINING[quick]["frames"]))
    with progress("the training's animations", total=2 * frames, unit="frame"):
        animate_the_training(report, out_dir, X, y, quick)
    report.print()
    return report


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/001_twelve_points")
