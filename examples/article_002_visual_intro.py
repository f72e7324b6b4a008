"""Article 002, "a visual introduction to neural networks": what logistic regression
can and cannot do, and what hidden neurons add.

The article trains scikit-learn's MLPClassifier (solver Adam, learning_rate_init
0.01, full batches on data this small) and TensorFlow Playground networks; the
same networks are built here on the engine and trained with optim.Adam(lr=0.01)
on the whole data set each epoch. A network is Linear → activation → ... →
Linear to one logit (two classes: sigmoid + binary cross-entropy) or to one
logit per class (softmax + cross-entropy).

1. logistic regression on separable blobs (works) and on circles (fails);
2. one hidden neuron, activation logistic / identity / relu: always a line;
3. 2, 3, 6, 8, 30 relu neurons on the circles: the error falls, 6 reach 100%;
   30 identity neurons stay a straight line;
4. three classes on a 3-arm spiral with 6 neurons;
5. 4-4-2 networks with sigmoid and with relu on a 2-arm spiral: relu converges
   faster; a GIF shows the relu boundary forming.

Small relu networks can start with units that never switch on; each size is
therefore trained from several seeds ("starts") and the table says how many
reach 100%. The pictures show the best start (lowest training cost).

    python examples/article_002_visual_intro.py [--quick] [--out figures/002_visual_intro]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from report import Report, run_from_command_line

from tinygrad_nn import Tensor, datasets, nn, no_grad, optim, plot

LEARNING_RATE = 0.01  # the article's learning_rate_init=0.01
EPOCHS = {False: 2000, True: 800}
STARTS = 5  # seeds 0..4 for every small network
HIDDEN_SIZES = (2, 3, 6, 8, 30)
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "logistic": nn.Sigmoid, "identity": nn.Identity, "relu": nn.ReLU,
}
DEEP_LAYERS = (4, 4, 2)  # the article's "3 layers with 4, 4, 2 neurons"
DEEP_STARTS = 3
DEEP_EPOCHS = {False: 1000, True: 300}
DEEP_REPORT_EPOCH = 300  # the loss of relu and sigmoid compared at this epoch
SOLVED_COST = 0.1  # "solved": mean training cross-entropy below this
GIF_EPOCHS = {False: [*range(0, 60, 5), *range(60, 201, 20)], True: [0, 25, 50, 100, 200]}
COARSE, FINE = 70, 160  # decision-region grid points per axis (GIF frames, figures)


@dataclass
class History:
    """Cost per epoch (before that epoch's update) and saved weights at chosen epochs."""

    train: list[float] = field(default_factory=list)
    test: list[float] = field(default_factory=list)
    snapshots: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)


@dataclass
class Fit:
    """The best of several starts, and what every start reached."""

    model: nn.Sequential
    history: History
    accuracies: list[float]


def make_mlp(hidden: tuple[int, ...], activation: str, n_outputs: int, seed: int) -> nn.Sequential:
    """Linear → activation for each hidden layer, then Linear to the logits.
    `hidden=()` is logistic regression. Weights start Xavier-uniform, as
    scikit-learn's MLPClassifier starts them, from `seed`."""
    rng = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    width = 2
    for size in hidden:
        layers += [nn.Linear(width, size, rng=rng), ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_outputs, rng=rng))
    return nn.Sequential(*layers)


def cost(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> Tensor:
    """Binary cross-entropy of σ(logit) for one output, else softmax cross-entropy."""
    logits = model(X)
    if logits.shape[1] == 1:
        return nn.binary_cross_entropy_with_logits(logits, y.reshape(-1, 1).astype(float))
    return nn.cross_entropy(logits, y)


def predict_proba(model: nn.Sequential) -> Callable[[np.ndarray], np.ndarray]:
    """The model as points → probabilities (of class 1, or of each class)."""
    @no_grad()
    def probabilities(points: np.ndarray) -> np.ndarray:
        logits = model(points)
        return logits.sigmoid().data[:, 0] if logits.shape[1] == 1 else logits.softmax().data
    return probabilities


def accuracy(model: nn.Sequential, X: np.ndarray, y: np.ndarray) -> float:
    proba = predict_proba(model)(X)
    predicted = (proba > 0.5).astype(int) if proba.ndim == 1 else proba.argmax(axis=1)
    return float(np.mean(predicted == y))


def train(model: nn.Sequential, X: np.ndarray, y: np.ndarray, epochs: int,
          test: tuple[np.ndarray, np.ndarray] | None = None,
          snapshot_epochs: Iterable[int] = ()) -> History:
    """Adam on the whole training set, one step per epoch."""
    opt = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    history, snapshot_epochs = History(), set(snapshot_epochs)
    for epoch in range(epochs + 1):
        if epoch in snapshot_epochs:
            history.snapshots[epoch] = model.state_dict()
        if test is not None:
            with no_grad():
                history.test.append(cost(model, *test).item())
        loss = cost(model, X, y)
        history.train.append(loss.item())
        if epoch == epochs:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    return history


def best_of_starts(hidden: tuple[int, ...], activation: str, X: np.ndarray, y: np.ndarray,
                   epochs: int, starts: int = STARTS) -> Fit:
    """Train from seeds 0..starts−1; keep the start with the lowest final cost."""
    n_outputs = 1 if y.max() == 1 else int(y.max()) + 1
    fits = []
    for seed in range(starts):
        model = make_mlp(hidden, activation, n_outputs, seed)
        fits.append((train(model, X, y, epochs), model))
    history, model = min(fits, key=lambda fit: fit[0].train[-1])
    return Fit(model, history, [accuracy(m, X, y) for _, m in fits])


def hidden_lines(model: nn.Sequential) -> list[tuple[np.ndarray, float]]:
    """Each first-layer unit's line w·x + b = 0 (none for logistic regression)."""
    if len(model) == 1:
        return []
    first = model[0]
    return list(zip(first.weight.data.T, first.bias.data))


def draw_panels(panels: list[tuple[str, nn.Sequential, np.ndarray, np.ndarray]], columns: int,
                suptitle: str, path: Path, class_names: list[str] | None = None) -> None:
    """Decision regions of several models side by side, with their hidden units' lines."""
    rows = -(-len(panels) // columns)
    figure = plot.new_figure(6.2 * columns, 5.6 * rows)
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    for ax, (title, model, X, y) in zip(axes, panels):
        plot.decision_regions(predict_proba(model), X, y, hidden_lines=hidden_lines(model),
                              class_names=class_names, title=title, resolution=FINE, ax=ax)
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    figure.suptitle(suptitle, fontsize=13)
    plot.save(figure, path, dpi=80)


def data_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The article's kinds of data: 40 separable points (its make_classification),
    circles (its make_circles), a 3-class spiral, a 2-arm spiral with a test set."""
    return {
        "linear": datasets.blobs(40, noise=1.0, seed=0, centers=[[-2.0, -1.0], [2.0, 1.0]]),
        "circles": datasets.circles(100, noise=0.1, seed=0, factor=0.5),
        "three_classes": datasets.spiral(300, noise=0.2, seed=0, classes=3),
        "spiral": datasets.spiral(200, noise=0.2, seed=0),
        "spiral_test": datasets.spiral(200, noise=0.2, seed=1),
    }


def logistic_regression(data, epochs: int, out_dir: Path, report: Report) -> None:
    panels = []
    for name, says in (("linear", "solves it"), ("circles", "cannot solve it")):
        X, y = data[name]
        fit = best_of_starts((), "identity", X, y, epochs, starts=1)
        panels.append((f"logistic regression on {name} data", fit.model, X, y))
        report.add(f"logistic_{name}", f"logistic regression, {name} data: accuracy", says,
                   fit.accuracies[0], shown=f"{fit.accuracies[0]:.0%}")
    draw_panels(panels, 2, "Logistic regression: one straight line", out_dir / "logistic_regression.png")


def one_neuron(data, epochs: int, out_dir: Path, report: Report) -> None:
    X, y = data["circles"]
    panels = []
    for activation in ACTIVATIONS:
        fit = best_of_starts((1,), activation, X, y, epochs)
        best = max(fit.accuracies)
        panels.append((f"1 neuron, {activation}", fit.model, X, y))
        report.add(f"one_neuron_{activation}", f"1 hidden neuron, {activation}: best accuracy "
                   "(pictured: the lowest-cost start)", "a line: fails", best,
                   shown=f"{best:.0%} (pictured: {accuracy(fit.model, X, y):.0%})")
    draw_panels(panels, 3, "One hidden neuron: a straight boundary, whatever the activation",
                out_dir / "one_neuron.png")


def hidden_neurons(data, epochs: int, out_dir: Path, report: Report) -> None:
    X, y = data["circles"]
    says = {2: "lower error", 3: "lower error", 6: "100%", 8: "—", 30: "—"}
    panels = []
    for size in HIDDEN_SIZES:
        fit = best_of_starts((size,), "relu", X, y, epochs)
        perfect = sum(a == 1.0 for a in fit.accuracies)
        panels.append((f"{size} relu neurons", fit.model, X, y))
        report.add(f"hidden_{size}", f"{size} relu neurons: best accuracy (100% in)",
                   says[size], max(fit.accuracies),
                   shown=f"{max(fit.accuracies):.0%} ({perfect} of {STARTS})")
        report.values[f"hidden_{size}_accuracies"] = fit.accuracies
        report.values[f"hidden_{size}_model"] = fit.model
    identity = best_of_starts((30,), "identity", X, y, epochs)
    panels.append(("30 identity neurons", identity.model, X, y))
    report.add("identity_30", "30 identity neurons: best accuracy (pictured)", "linear: fails",
               max(identity.accuracies), shown=f"{max(identity.accuracies):.0%} "
               f"({accuracy(identity.model, X, y):.0%})")
    report.values["identity_model"] = identity.model
    draw_panels(panels, 3, "One hidden layer on the circles: more relu neurons, more cuts; "
                "identity neurons stay one line", out_dir / "hidden_neurons.png")


def three_classes(data, epochs: int, out_dir: Path, report: Report) -> None:
    X, y = data["three_classes"]
    fit = best_of_starts((6,), "relu", X, y, epochs)
    report.add("three_classes", "3 classes, 6 relu neurons: best accuracy", "converges (picture)",
               max(fit.accuracies), shown=f"{max(fit.accuracies):.0%}")
    draw_panels([("3 classes, 6 relu neurons", fit.model, X, y)], 1,
                "A 3-class problem", out_dir / "three_classes.png")


def relu_vs_sigmoid(data, quick: bool, out_dir: Path, report: Report) -> None:
    """4-4-2 networks, the same starts with sigmoid and with relu; mean cost curves."""
    X, y = data["spiral"]
    epochs = DEEP_EPOCHS[quick]
    curves, best_models = {}, {}
    for activation, label in (("relu", "relu"), ("logistic", "sigmoid")):
        models = [make_mlp(DEEP_LAYERS, activation, 1, seed) for seed in range(DEEP_STARTS)]
        histories = [train(model, X, y, epochs, test=data["spiral_test"]) for model in models]
        best_models[label] = models[int(np.argmin([h.train[-1] for h in histories]))]
        for split in ("train", "test"):
            curves[f"{label}, {split}"] = np.mean([getattr(h, split) for h in histories], axis=0)
        at = min(DEEP_REPORT_EPOCH, epochs)
        report.add(f"deep_{label}_loss", f"4-4-2 {label}: train cost at epoch {at} "
                   f"(mean of {DEEP_STARTS} starts)", "relu: near 0, in half the time",
                   float(curves[f"{label}, train"][at]),
                   shown=f"{curves[f'{label}, train'][at]:.3f}")
    reached = {label: first_epoch_below(curves[f"{label}, train"], SOLVED_COST)
               for label in ("relu", "sigmoid")}
    report.add("deep_epochs_to_solve", f"4-4-2: first epoch with train cost < {SOLVED_COST} "
               "(relu / sigmoid)", "relu: half the time",
               reached, shown=" / ".join(str(e) if e is not None else f"> {epochs}"
                                          for e in reached.values()))
    report.values["deep_curves"] = curves

    figure = plot.new_figure(18, 5.4)
    loss_ax, relu_ax, sigmoid_ax = figure.subplots(1, 3)
    colour = {"relu": plot.CLASS_COLORS[1], "sigmoid": plot.CLASS_COLORS[0]}
    styles = {name: {"color": colour[name.split(",")[0]],  # names are "relu, train" etc.
                     "linestyle": "--" if name.endswith("test") else "-"} for name in curves}
    plot.loss_curves(curves, log_scale=True, xlabel="epoch", ylabel="cross-entropy",
                     title=f"4-4-2 network on the spiral (mean of {DEEP_STARTS} starts)",
                     styles=styles, ax=loss_ax)
    X_test, y_test = data["spiral_test"]
    for ax, label in ((relu_ax, "relu"), (sigmoid_ax, "sigmoid")):
        plot.decision_regions(predict_proba(best_models[label]), X, y, X_test, y_test,
                              title=f"4-4-2 {label} after {epochs} epochs, best start",
                              resolution=FINE, ax=ax)
    plot.save(figure, out_dir / "relu_vs_sigmoid.png", dpi=80)


def first_epoch_below(curve: np.ndarray, level: float) -> int | None:
    """The first epoch whose cost is below `level`, or None if it never gets there."""
    below = np.flatnonzero(np.asarray(curve) < level)
    return int(below[0]) if below.size else None


def boundary_animation(data, quick: bool, out_dir: Path) -> None:
    """The 4-4-2 relu network's decision regions, epoch after epoch (a GIF)."""
    X, y = data["spiral"]
    frames = GIF_EPOCHS[quick]
    model = make_mlp(DEEP_LAYERS, "relu", 1, seed=0)
    history = train(model, X, y, frames[-1], snapshot_epochs=frames)

    def draw(figure, epoch: int) -> None:
        model.load_state_dict(history.snapshots[epoch])
        plot.decision_regions(predict_proba(model), X, y, resolution=COARSE,
                              title=f"4-4-2 relu, epoch {epoch}, cost {history.train[epoch]:.3f}",
                              ax=figure.add_subplot())

    plot.animate(frames, draw, out_dir / "boundary_forming.gif", fps=3, figsize=(5.6, 4.8), dpi=55)


def run(out_dir: Path, quick: bool = False) -> Report:
    out_dir = Path(out_dir)
    epochs = EPOCHS[quick]
    data = data_sets()
    report = Report(f"Article 002: a visual introduction to neural networks "
                    f"({'quick' if quick else 'full'}: Adam lr {LEARNING_RATE}, {epochs} epochs)")
    logistic_regression(data, epochs, out_dir, report)
    one_neuron(data, epochs, out_dir, report)
    hidden_neurons(data, epochs, out_dir, report)
    three_classes(data, epochs, out_dir, report)
    relu_vs_sigmoid(data, quick, out_dir, report)
    boundary_animation(data, quick, out_dir)
    report.values["data"] = data
    report.print()
    return report


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/002_visual_intro")
