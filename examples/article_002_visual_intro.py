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
   faster;
6. the article's TensorFlow Playground experiments on the Playground's spiral, with
   the Playground's network, loss and training (see playground_experiments); a GIF
   shows the 4-4-2 relu boundary forming there.

Small relu networks can start with units that never switch on; each size is
therefore trained from several seeds ("starts") and the table says how many
reach 100%. The pictures show the best start (lowest training cost).

    python examples/article_002_visual_intro.py [--quick] [--out figures/002_visual_intro]
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from chaos import common_digits, significant, unanimous, verdict_word
from parallel import Map
from progress import advance, part
from report import Report, nudge_if_asked, progress, run_from_command_line

from tinygrad_nn import Tensor, datasets, nn, no_grad, optim, plot

LEARNING_RATE = 0.01  # the article's learning_rate_init=0.01
EPOCHS = {False: 2000, True: 650}
STARTS = 5  # seeds 0..4 for every small network
HIDDEN_SIZES = (2, 3, 4, 6, 7, 8, 30)  # the article's 2, 3, 4, 6, 7 and 30, and 8
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "logistic": nn.Sigmoid, "identity": nn.Identity, "relu": nn.ReLU,
}
DEEP_LAYERS = (4, 4, 2)  # the article's "3 layers with 4, 4, 2 neurons"
DEEP_STARTS = {False: 6, True: 3}
DEEP_EPOCHS = {False: 1000, True: 300}
# relu and sigmoid compared by how many starts are solved by these epochs: a count, which a
# last-bit difference does not move, where one start's cost at an epoch jumps with it
DEEP_READ_EPOCHS = {False: (300, 600), True: (300,)}
SOLVED_COST = 0.1  # "solved": mean training cross-entropy below this
FINE = 160  # decision-region grid points per axis (figures and GIF frames)

# TensorFlow Playground (its playground.ts, nn.ts, dataset.ts): 500 points, the first half
# (after a shuffle) for training, mini-batches of 10, learning rate 0.03, weights
# U(-0.5, 0.5), biases 0.1, a tanh output against labels ±1, loss ½(output − label)².
PLAYGROUND_DATA = "spiral"
PLAYGROUND_LEARNING_RATE = 0.03
PLAYGROUND_BATCH = 10
PLAYGROUND_TRAIN_SHARE = 0.5
# The Playground trains one epoch per animation frame (d3.timer), at most 60 a second,
# 3,600 a minute: "about a minute" is up to 3,600 epochs. The rows are read at these
# epochs, the last one ending the run.
PLAYGROUND_CHECKPOINTS = {False: (1000, 3600), True: (100, 300)}
PLAYGROUND_EPOCHS = {quick: epochs[-1] for quick, epochs in PLAYGROUND_CHECKPOINTS.items()}
# Each seed draws its own data and start; side by side they cost little more than one.
# 90,000 SGD steps amplify a last-bit difference (another machine's tanh or matmul) into
# another loss for some seeds; the rows give the median over many seeds, to 2 digits
# where the runs of a chaotic network (CHAOS_RUNS) agree on them.
PLAYGROUND_SEEDS = {False: 100, True: 5}
PLAYGROUND_LEVEL = 0.3  # "faster": the first epoch at which the median test loss is below this
NEAR_ZERO = 0.05  # "loss near zero": a median test loss below this
PLAYGROUND_GIF_FRAMES = {False: 16, True: 4}
# The Playground's other classification sets, which the article does not show: they say
# why the spiral is the one to take (each falls to a few tanh neurons, the spiral does not).
PLAYGROUND_OTHER_DATA = ("circle", "xor", "gauss")
PLAYGROUND_OTHER_WIDTHS = (1, 3, 8)
PLAYGROUND_OTHER_EPOCHS = {False: 300, True: 80}
# Runs of a chaotic experiment (chaos.py): from its start and from the start moved 1, 2, ...
# ulps. Chaotic are those whose rows a one-ulp nudge changed: one identity neuron (the
# cost is nearly flat along the line's position on the circles, so where Adam leaves it,
# a point to one side or the other, hangs on the last bits) and, on the Playground, the
# relu networks (a last bit moves the loss of many seeds of 4-4-2 relu and of a few of
# 8 relu: a relu unit that dies or lives on that bit).
CHAOS_RUNS = {False: 3, True: 1}  # --quick: short runs, whose rows a nudge does not move
CHAOTIC_ONE_NEURON = ("identity",)


@dataclass(frozen=True)
class PlaygroundExperiment:
    """One of the article's Playground networks and what the article says of it."""

    key: str
    label: str
    hidden: tuple[int, ...]
    activation: str
    article_says: str
    chaotic: bool = False


# One layer uses the Playground's default activation, tanh (the article names sigmoid only
# for its 4-4-2 picture); with it the 5-neuron losses come near the article's.
PLAYGROUND_EXPERIMENTS = (
    PlaygroundExperiment("pg_1", "1 tanh neuron", (1,), "tanh", "a line: poor"),
    PlaygroundExperiment("pg_3", "3 tanh neurons", (3,), "tanh", "curved; average loss 0.473"),
    PlaygroundExperiment("pg_5", "5 tanh neurons", (5,), "tanh", "test 0.396, train 0.259"),
    PlaygroundExperiment("pg_8", "8 tanh neurons", (8,), "tanh", "better and faster"),
    PlaygroundExperiment("pg_442_sigmoid", "4-4-2 sigmoid", DEEP_LAYERS, "sigmoid",
                         "better and faster than 1 layer"),
    PlaygroundExperiment("pg_442_relu", "4-4-2 relu", DEEP_LAYERS, "relu",
                         "nearly perfect, loss near 0, half the time", chaotic=True),
    PlaygroundExperiment("pg_8_relu", "8 relu neurons", (8,), "relu",
                         "does not reach 4-4-2 relu", chaotic=True),
)


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


def make_mlp(hidden: tuple[int, ...], activation: str, n_outputs: int, seed: int,
             ulps: int = 0) -> nn.Sequential:
    """Linear → activation for each hidden layer, then Linear to the logits.
    `hidden=()` is logistic regression. Weights start Xavier-uniform, as
    scikit-learn's MLPClassifier starts them, from `seed` (moved `ulps` ulps up)."""
    rng = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    width = 2
    for size in hidden:
        layers += [nn.Linear(width, size, rng=rng), ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_outputs, rng=rng))
    return nudge_if_asked(nn.Sequential(*layers), ulps)


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
    advance()  # one more network trained
    return history


def best_of_starts(hidden: tuple[int, ...], activation: str, X: np.ndarray, y: np.ndarray,
                   epochs: int, starts: int = STARTS, ulps: int = 0) -> Fit:
    """Train from seeds 0..starts−1 (each moved `ulps` ulps up); keep the start with the
    lowest final cost."""
    n_outputs = 1 if y.max() == 1 else int(y.max()) + 1
    fits = []
    for seed in range(starts):
        model = make_mlp(hidden, activation, n_outputs, seed, ulps)
        fits.append((train(model, X, y, epochs), model))
    history, model = min(fits, key=lambda fit: fit[0].train[-1])
    return Fit(model, history, [accuracy(m, X, y) for _, m in fits])


def hidden_lines(model: nn.Sequential) -> list[tuple[np.ndarray, float]]:
    """Each first-layer unit's line w·x + b = 0, where a relu or sigmoid unit bends the
    boundary. None for logistic regression, and none for identity units: they bend
    nothing, and thirty such lines would only bury the one straight boundary."""
    if len(model) == 1 or isinstance(model[1], nn.Identity):
        return []
    first = model[0]
    return list(zip(first.weight.data.T, first.bias.data))


PANEL_INCHES = 2.6  # three panels across at 100 dpi: within the docs' 800 px, 10-point text 14 px
PAGE_DPI = 100
BACKGROUND_KEY = "background: the more probable class's colour, white where the network is unsure"


def draw_panels(panels: list[tuple[str, nn.Sequential, np.ndarray, np.ndarray]], columns: int,
                suptitle: str, path: Path, class_names: list[str] | None = None,
                panel_inches: float = PANEL_INCHES) -> None:
    """Decision regions of several models side by side, with their hidden units' lines,
    one legend under them all and the background's key in the title (a colour bar and a
    legend per panel would leave the panels no room at the docs' width). A figure of one
    panel gives it more inches, so that the plot, not its legend, fills the figure."""
    rows = -(-len(panels) // columns)
    figure = plot.new_figure(panel_inches * columns, (panel_inches + 0.5) * rows + 1.0)
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    for ax, (title, model, X, y) in zip(axes, panels):
        plot.decision_regions(predict_proba(model), X, y, hidden_lines=hidden_lines(model),
                              class_names=class_names, title=title, resolution=FINE, ax=ax)
        ax.title.set_fontsize(10)
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    for colour_bar in figure.axes[len(axes):]:
        colour_bar.remove()
    plot.shared_legend(figure, fontsize=10, ncol=2 if columns < 3 else None)
    figure.suptitle(f"{suptitle}\n{BACKGROUND_KEY}", fontsize=11)
    plot.save(figure, path, dpi=PAGE_DPI)


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


def one_neuron(data, quick: bool, out_dir: Path, report: Report) -> None:
    """One hidden neuron of each activation; a chaotic one (CHAOTIC_ONE_NEURON) is run
    CHAOS_RUNS times, a few ulps apart, and its row prints what the runs share."""
    X, y = data["circles"]
    panels = []
    for activation in ACTIVATIONS:
        runs = CHAOS_RUNS[quick] if activation in CHAOTIC_ONE_NEURON else 1
        fits = [best_of_starts((1,), activation, X, y, EPOCHS[quick], ulps=ulps)
                for ulps in range(runs)]
        best = [100 * max(fit.accuracies) for fit in fits]
        pictured = [100 * accuracy(fit.model, X, y) for fit in fits]
        panels.append((f"1 neuron, {activation}", fits[0].model, X, y))
        report.add(f"one_neuron_{activation}", f"1 hidden neuron, {activation}: best accuracy "
                   "(pictured: the lowest-cost start)", "a line: fails", best[0] / 100,
                   shown=f"{common_digits(best)}% (pictured: {common_digits(pictured)}%)")
    draw_panels(panels, 3, "One hidden neuron: a straight boundary, whatever the activation",
                out_dir / "one_neuron.png")


def hidden_neurons(data, epochs: int, out_dir: Path, report: Report) -> None:
    X, y = data["circles"]
    says = {2: "lower error", 3: "lower error", 4: "more accurate", 6: "100%", 7: "more accurate",
            8: "—", 30: "more accurate"}
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
    draw_panels(panels, 2, "One hidden layer on the circles: more relu neurons, more cuts;\n"
                "identity neurons stay one line (their lines, which bend nothing, not drawn)",
                out_dir / "hidden_neurons.png")


def three_classes(data, epochs: int, out_dir: Path, report: Report) -> None:
    X, y = data["three_classes"]
    fit = best_of_starts((6,), "relu", X, y, epochs)
    report.add("three_classes", "3 classes, 6 relu neurons: best accuracy", "converges (picture)",
               max(fit.accuracies), shown=f"{max(fit.accuracies):.0%}")
    draw_panels([("3 classes, 6 relu neurons", fit.model, X, y)], 1,
                "A 3-class problem", out_dir / "three_classes.png", panel_inches=2 * PANEL_INCHES)


def relu_vs_sigmoid(data, quick: bool, out_dir: Path, report: Report) -> None:
    """4-4-2 networks, the same starts with sigmoid and with relu; mean cost curves."""
    X, y = data["spiral"]
    epochs = DEEP_EPOCHS[quick]
    curves, best_models, solved = {}, {}, {}
    for activation, label in (("relu", "relu"), ("logistic", "sigmoid")):
        models = [make_mlp(DEEP_LAYERS, activation, 1, seed) for seed in range(DEEP_STARTS[quick])]
        histories = [train(model, X, y, epochs, test=data["spiral_test"]) for model in models]
        best_models[label] = models[int(np.argmin([h.train[-1] for h in histories]))]
        for split in ("train", "test"):
            curves[f"{label}, {split}"] = np.mean([getattr(h, split) for h in histories], axis=0)
        solved[label] = [first_epoch_below(h.train, SOLVED_COST) for h in histories]
    read_at = DEEP_READ_EPOCHS[quick]
    counts = {epoch: {label: sum(e is not None and e <= epoch for e in firsts)
                      for label, firsts in solved.items()} for epoch in read_at}
    report.add("deep_solved", f"4-4-2: starts with train cost < {SOLVED_COST} by epoch "
               f"{' / '.join(map(str, read_at))} (relu; sigmoid, of {DEEP_STARTS[quick]})",
               "relu: near 0, in half the time", counts,
               shown=" / ".join(f"{count['relu']}; {count['sigmoid']}" for count in counts.values()))
    report.values["deep_curves"] = curves
    report.values["deep_first_epochs"] = solved

    # Two parts, each with its own key: the curves' legend in their panel, and the key of
    # the background over the two maps it describes.
    figure = plot.new_figure(8.0, 7.6)
    curves_part, maps_part = figure.subfigures(2, 1, height_ratios=[1.0, 1.25])
    loss_ax = curves_part.subplots()
    relu_ax, sigmoid_ax = maps_part.subplots(1, 2)
    colour = {"relu": plot.CLASS_COLORS[1], "sigmoid": plot.CLASS_COLORS[0]}
    styles = {name: {"color": colour[name.split(",")[0]],  # names are "relu, train" etc.
                     "linestyle": "--" if name.endswith("test") else "-"} for name in curves}
    plot.loss_curves(curves, log_scale=True, xlabel="epoch", ylabel="cross-entropy",
                     title=f"4-4-2 network on the spiral (mean of {DEEP_STARTS[quick]} starts)",
                     styles=styles, ax=loss_ax)
    X_test, y_test = data["spiral_test"]
    for ax, label in ((relu_ax, "relu"), (sigmoid_ax, "sigmoid")):
        plot.decision_regions(predict_proba(best_models[label]), X, y, X_test, y_test,
                              title=f"4-4-2 {label}, {epochs} epochs, best start",
                              resolution=FINE, ax=ax)
    for colour_bar in maps_part.axes[2:]:
        colour_bar.remove()
    for ax in (relu_ax, sigmoid_ax):
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    loss_ax.legend(loc="lower left", ncol=2, fontsize=10)  # under the curves, which start high
    maps_part.suptitle(BACKGROUND_KEY, fontsize=11)
    plot.save(figure, out_dir / "relu_vs_sigmoid.png", dpi=PAGE_DPI)


def first_epoch_below(curve: np.ndarray, level: float) -> int | None:
    """The first epoch whose cost is below `level`, or None if it never gets there."""
    below = np.flatnonzero(np.asarray(curve) < level)
    return int(below[0]) if below.size else None


# ---- TensorFlow Playground's experiments -------------------------------------------


class PlaygroundNetworks(nn.Module):
    """Several Playground networks of one shape, one per seed, trained side by side.

    Network s has weights ``weights[l][s]`` (in, out) and biases ``biases[l][s]`` (1, out);
    inputs of shape (seeds, points, 2) go through them all in one batched ``@``. The
    networks share no parameter, so the gradient of the summed losses in a network's
    weights is that network's own gradient: side by side is the same as one by one,
    only faster. Starts as the Playground's: weights U(−0.5, 0.5), biases 0.1; hidden
    units `activation`, the output unit tanh.
    """

    def __init__(self, hidden: tuple[int, ...], activation: str, seeds: list[int]):
        rngs = [np.random.default_rng(seed) for seed in seeds]
        sizes = [2, *hidden, 1]
        self.weights = [Tensor(np.stack([rng.uniform(-0.5, 0.5, (n_in, n_out)) for rng in rngs]),
                               requires_grad=True, name=f"w{layer + 1}")
                        for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes))]
        self.biases = [Tensor(np.full((len(seeds), 1, n_out), 0.1), requires_grad=True,
                              name=f"b{layer + 1}") for layer, n_out in enumerate(sizes[1:])]
        self.activation = activation

    def forward(self, x: Tensor) -> Tensor:
        last = len(self.weights) - 1
        for layer, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            z = x @ weight + bias
            x = z.tanh() if layer == last else getattr(z, self.activation)()
        return x


def playground_data(seeds: list[int], kind: str = PLAYGROUND_DATA) -> dict[str, np.ndarray]:
    """The Playground's data set `kind` for each seed, stacked: points (seeds, n, 2) and
    labels ±1 (seeds, n, 1), split as the Playground splits them (the first half trains)."""
    sets = [datasets.tf_playground(kind, seed=seed) for seed in seeds]
    X = np.stack([points for points, _ in sets])
    labels = np.stack([2.0 * y - 1.0 for _, y in sets])[..., None]
    n_train = int(X.shape[1] * PLAYGROUND_TRAIN_SHARE)
    return {"X_train": X[:, :n_train], "y_train": labels[:, :n_train],
            "X_test": X[:, n_train:], "y_test": labels[:, n_train:], "y01": np.stack([y for _, y in sets])}


def half_squared_errors(output: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The loss the Playground shows, one per network: mean over points of ½(output − label)²."""
    return np.mean(0.5 * (output - target) ** 2, axis=(1, 2))


@dataclass
class PlaygroundRun:
    """Test losses per epoch (epochs + 1, seeds), before the first update and after each
    epoch; train losses (seeds,) at the epochs something reads; the networks' parameters
    saved at chosen epochs."""

    networks: PlaygroundNetworks
    train: dict[int, np.ndarray]
    test: np.ndarray
    snapshots: dict[int, dict[str, np.ndarray]]

    @property
    def epochs(self) -> int:
        return len(self.test) - 1


def train_playground(networks: PlaygroundNetworks, data: dict[str, np.ndarray], epochs: int,
                     snapshot_epochs: Iterable[int] = (),
                     train_loss_epochs: Iterable[int] = ()) -> PlaygroundRun:
    """The Playground's training: each epoch walks the training points in their fixed
    order; every 10 points, the gradients of ½(output − label)² summed over the batch
    and divided by its size update the weights with learning rate 0.03. The test loss is
    measured after every epoch (the curves and the first epoch below a level read it);
    the train loss at the last epoch, the snapshots' and `train_loss_epochs` only: a pass
    over the training points every epoch cost a quarter to half of the training."""
    opt = optim.SGD(networks.parameters(), lr=PLAYGROUND_LEARNING_RATE)
    X, y = data["X_train"], data["y_train"]
    snapshot_epochs = set(snapshot_epochs)
    train_loss_epochs = {epochs, *snapshot_epochs, *train_loss_epochs}
    train_losses, test_losses, snapshots = {}, [], {}
    for epoch in range(epochs + 1):
        if epoch:
            for start in range(0, X.shape[1], PLAYGROUND_BATCH):
                batch = slice(start, start + PLAYGROUND_BATCH)
                error = networks(X[:, batch]) - y[:, batch]
                loss = (error * error).sum() * (0.5 / error.shape[1])  # summed over networks
                opt.zero_grad()
                loss.backward()
                opt.step()
            advance()
        with no_grad():
            if epoch in train_loss_epochs:
                train_losses[epoch] = half_squared_errors(networks(X).data, y)
            test_losses.append(half_squared_errors(networks(data["X_test"]).data, data["y_test"]))
        if epoch in snapshot_epochs:
            snapshots[epoch] = networks.state_dict()
    return PlaygroundRun(networks, train_losses, np.array(test_losses), snapshots)


def playground_proba(networks: PlaygroundNetworks, seed_index: int) -> Callable[[np.ndarray], np.ndarray]:
    """One of the networks as points → probability of blue (+1): (tanh output + 1) / 2."""
    @no_grad()
    def probabilities(points: np.ndarray) -> np.ndarray:
        stacked = np.broadcast_to(points, (len(networks.weights[0].data), *points.shape))
        return (networks(stacked).data[seed_index, :, 0] + 1) / 2
    return probabilities


def median_seed(losses: np.ndarray) -> int:
    """The seed whose last loss is the median (the lower middle one for an even count)."""
    return int(np.argsort(losses)[(len(losses) - 1) // 2])


def median_test(run: PlaygroundRun, epoch: int) -> float:
    """The median over seeds of the test loss after `epoch` epochs, to two digits: the
    claims compare what the table shows."""
    return float(significant(float(np.median(run.test[epoch])), 2).replace(",", ""))


def epoch_reached(run: PlaygroundRun) -> int | None:
    """The first epoch at which the median test loss is below PLAYGROUND_LEVEL, or None."""
    return first_epoch_below(np.median(run.test, axis=1), PLAYGROUND_LEVEL)


def shown_epochs(reached: list[int | None], epochs: int) -> str:
    """The epochs from `epoch_reached` of the runs of one network, to the digits they share
    (the median curve's crossing moves by a few epochs when one seed's loss does), '> N'
    for runs that do not reach it by epoch N, both when the runs differ."""
    first = [epoch for epoch in reached if epoch is not None]
    never = f"> {epochs:,}"
    if not first:
        return never
    return common_digits(first) if len(first) == len(reached) else f"{common_digits(first)} or {never}"


World = dict[str, PlaygroundRun]
"""One run of each Playground network: an outcome that one machine could print."""


@dataclass(frozen=True)
class PlaygroundTraining:
    """One training of a Playground network from every seed: a task for a worker process."""

    label: str
    hidden: tuple[int, ...]
    activation: str
    epochs: int
    ulps: int = 0  # started this many ulps up (a chaotic network's later runs)
    snapshot_epochs: tuple[int, ...] = ()
    train_loss_epochs: tuple[int, ...] = ()  # besides the last and the snapshots'


def run_training(task: PlaygroundTraining, data: dict[str, np.ndarray],
                 seeds: list[int]) -> PlaygroundRun:
    """Train `task`'s networks on `data`, one per seed, with a bar of its epochs."""
    with part(task.label, total=task.epochs):
        networks = PlaygroundNetworks(task.hidden, task.activation, seeds)
        return train_playground(nudge_if_asked(networks, task.ulps), data, task.epochs,
                                task.snapshot_epochs, task.train_loss_epochs)


def playground_worlds(quick: bool, data: dict[str, np.ndarray], seeds: list[int],
                      snapshot_epochs: Iterable[int], pool_map: Map = map) -> list[World]:
    """Every network trained on `data`, by `pool_map`: once, or a chaotic one CHAOS_RUNS
    times from its start moved 0, 1, 2, ... ulps up; world i holds run i of each chaotic
    network beside the one run of each other network. The 4-4-2 relu network's first run
    keeps snapshots (for the GIF). The deepest networks go first: they take longest."""
    planned = sorted(
        ((experiment.key, PlaygroundTraining(
            f"Playground {experiment.label}" + (f", {ulps} ulps up" if ulps else ""),
            experiment.hidden, experiment.activation, PLAYGROUND_EPOCHS[quick], ulps,
            tuple(snapshot_epochs) if experiment.key == "pg_442_relu" and not ulps else (),
            PLAYGROUND_CHECKPOINTS[quick]))
         for experiment in PLAYGROUND_EXPERIMENTS
         for ulps in range(CHAOS_RUNS[quick] if experiment.chaotic else 1)),
        key=lambda planned_run: -len(planned_run[1].hidden))
    trained = pool_map(functools.partial(run_training, data=data, seeds=seeds),
                       [task for _, task in planned])
    runs: dict[str, list[PlaygroundRun]] = {experiment.key: [] for experiment in PLAYGROUND_EXPERIMENTS}
    for (key, _), run in zip(planned, trained):
        runs[key].append(run)
    return [{key: each[min(world, len(each) - 1)] for key, each in runs.items()}
            for world in range(CHAOS_RUNS[quick])]


def playground_experiments(quick: bool, out_dir: Path, report: Report, pool_map: Map = map) -> None:
    """The seven networks of the article's Playground part, each from several seeds
    (each seed draws its own data and start), trained by `pool_map`, read at the
    checkpoints; every row prints what all worlds share."""
    checkpoints, seeds = PLAYGROUND_CHECKPOINTS[quick], list(range(PLAYGROUND_SEEDS[quick]))
    epochs = checkpoints[-1]
    data = playground_data(seeds)
    gif_epochs = np.unique(np.geomspace(1, epochs + 1, PLAYGROUND_GIF_FRAMES[quick]).astype(int) - 1)
    at = " / ".join(f"{epoch:,}" for epoch in checkpoints)
    worlds = playground_worlds(quick, data, seeds, gif_epochs, pool_map)
    runs = worlds[0]
    for experiment in PLAYGROUND_EXPERIMENTS:
        key = experiment.key
        report.add(key, f"Playground {experiment.label}: test; train loss at {at} epochs",
                   experiment.article_says, float(np.median(runs[key].test[-1])),
                   shown=" / ".join(
                       f"{common_digits([np.median(world[key].test[epoch]) for world in worlds])}; "
                       f"{common_digits([np.median(world[key].train[epoch]) for world in worlds])}"
                       for epoch in checkpoints))
        report.values[f"{key}_train"] = float(np.median(runs[key].train[epochs]))
    reached = {key: epoch_reached(run) for key, run in runs.items()}
    report.add("pg_reached", f"Playground: first epoch with median test loss < {PLAYGROUND_LEVEL}",
               "(the article's 'faster')", reached, shown=", ".join(
                   f"{experiment.label.removesuffix(' neurons').removesuffix(' neuron')}: "
                   f"{shown_epochs([epoch_reached(world[experiment.key]) for world in worlds], epochs)}"
                   for experiment in PLAYGROUND_EXPERIMENTS))
    playground_claims(worlds, epochs, report)
    report.values["playground_runs"] = runs
    report.values["playground_worlds"] = worlds
    report.values["playground_data"] = data
    draw_playground_figure(runs, data, epochs, out_dir / "playground.png")
    draw_playground_curves(runs, checkpoints, out_dir / "playground_curves.png")
    animate_playground(runs["pg_442_relu"], data, out_dir / "boundary_forming.gif")


def sooner(first: int | None, second: int | None) -> bool:
    """Whether a network that reached the level at `first` did so before one that reached
    it at `second` (None: never)."""
    return first is not None and (second is None or first < second)


def half_the_time(relu: int | None, sigmoid: int | None) -> bool:
    """Whether relu reached the level in at most half the epochs sigmoid took (None: never)."""
    return relu is not None and (sigmoid is None or 2 * relu <= sigmoid)


@dataclass
class SharedByWorlds:
    """The numbers a claim's row shows, each to the digits that every world shares."""

    worlds: list[World]
    epochs: int

    def end(self, key: str) -> str:
        """Network `key`'s median test loss at the end."""
        return common_digits([median_test(world[key], -1) for world in self.worlds])

    def when(self, key: str) -> str:
        """The epoch at which network `key`'s median test loss got below the level."""
        return shown_epochs([epoch_reached(world[key]) for world in self.worlds], self.epochs)


@dataclass(frozen=True)
class PlaygroundClaim:
    """One of the article's comparisons: whether a world holds it, and what its row shows."""

    key: str
    comparison: str
    article_says: str
    holds: Callable[[World], bool]
    evidence: Callable[[SharedByWorlds], str]


LEVEL = f"epoch < {PLAYGROUND_LEVEL}"
PLAYGROUND_CLAIMS = (
    PlaygroundClaim(
        "claim_8_vs_5", f"8 vs 5 tanh: test loss at the end; {LEVEL}", "8: better and faster",
        lambda w: (median_test(w["pg_8"], -1) < median_test(w["pg_5"], -1)
                   and sooner(epoch_reached(w["pg_8"]), epoch_reached(w["pg_5"]))),
        lambda s: f"{s.end('pg_8')} vs {s.end('pg_5')}; {s.when('pg_8')} vs {s.when('pg_5')}"),
    PlaygroundClaim(
        "claim_layers_faster", f"4-4-2 sigmoid vs 8 tanh in one layer: {LEVEL}",
        "several layers: faster",
        lambda w: sooner(epoch_reached(w["pg_442_sigmoid"]), epoch_reached(w["pg_8"])),
        lambda s: f"{s.when('pg_442_sigmoid')} vs {s.when('pg_8')}"),
    PlaygroundClaim(
        "claim_relu_perfect", "4-4-2 relu: test loss at the end", "nearly perfect, loss near 0",
        lambda w: median_test(w["pg_442_relu"], -1) < NEAR_ZERO,
        lambda s: f"{s.end('pg_442_relu')} (near 0: below {NEAR_ZERO})"),
    PlaygroundClaim(
        "claim_relu_half_time", f"4-4-2 relu vs sigmoid: {LEVEL}", "relu: half the time",
        lambda w: half_the_time(epoch_reached(w["pg_442_relu"]), epoch_reached(w["pg_442_sigmoid"])),
        lambda s: f"{s.when('pg_442_relu')} vs {s.when('pg_442_sigmoid')}"),
    PlaygroundClaim(
        "claim_8_relu_short", "8 relu vs 4-4-2 relu: test loss at the end",
        "8 relu: does not reach 4-4-2 relu",
        lambda w: median_test(w["pg_8_relu"], -1) > median_test(w["pg_442_relu"], -1),
        lambda s: f"{s.end('pg_8_relu')} vs {s.end('pg_442_relu')}"),
)


def playground_claims(worlds: list[World], epochs: int, report: Report) -> None:
    """The article's comparisons, each read off the median curves (lower at the end,
    below PLAYGROUND_LEVEL sooner) in every world: said to hold or to be contradicted
    when all worlds agree, else undecided."""
    shared = SharedByWorlds(worlds, epochs)
    for claim in PLAYGROUND_CLAIMS:
        verdict = unanimous([claim.holds(world) for world in worlds])
        report.add(claim.key, f"Playground {claim.comparison}", claim.article_says, verdict,
                   shown=f"{verdict_word(verdict)}: {claim.evidence(shared)}")


def other_playground_sets(quick: bool, report: Report, pool_map: Map = map) -> None:
    """One layer of 1, 3 and 8 tanh neurons on each of the Playground's other sets, in
    the same set-up, trained by `pool_map`: one row per set with the median test loss of
    each width."""
    epochs, seeds = PLAYGROUND_OTHER_EPOCHS[quick], list(range(PLAYGROUND_SEEDS[quick]))
    data = {kind: playground_data(seeds, kind) for kind in PLAYGROUND_OTHER_DATA}
    planned = [(kind, width) for kind in PLAYGROUND_OTHER_DATA for width in PLAYGROUND_OTHER_WIDTHS]
    trained = pool_map(functools.partial(run_training, seeds=seeds),
                       [PlaygroundTraining(f"Playground {kind}, {width} tanh", (width,), "tanh", epochs)
                        for kind, width in planned],
                       [data[kind] for kind, _ in planned])
    test_losses = {planned_run: run.test[-1] for planned_run, run in zip(planned, trained)}
    for kind in PLAYGROUND_OTHER_DATA:
        losses = {width: test_losses[kind, width] for width in PLAYGROUND_OTHER_WIDTHS}
        report.add(f"pg_{kind}", f"Playground {kind}, {epochs} epochs: test loss by tanh neurons",
                   "(not in the article)", {width: float(np.median(loss))
                                            for width, loss in losses.items()},
                   shown=", ".join(f"{width}: {significant(np.median(loss), 2)}"
                                   for width, loss in losses.items()))


def playground_panel(run: PlaygroundRun, data: dict[str, np.ndarray], title: str, ax,
                     epoch: int | None = None, resolution: int = FINE) -> None:
    """The decision regions of a run's median seed by final test loss (the loss the table's
    medians lead with) on the Playground's ±6 plane, with its test and train loss in the
    title, as the Playground shows them."""
    seed = median_seed(run.test[-1])
    epoch = run.epochs if epoch is None else epoch
    n_train = data["X_train"].shape[1]
    labels = data["y01"][seed]
    plot.decision_regions(playground_proba(run.networks, seed), data["X_train"][seed],
                          labels[:n_train], data["X_test"][seed], labels[n_train:],
                          class_names=["orange (−1)", "blue (+1)"], bounds=(-6.0, 6.0),
                          title=f"{title}\ntest loss {run.test[epoch, seed]:.3f}, "
                                f"train loss {run.train[epoch][seed]:.3f}",
                          resolution=resolution, ax=ax)


def draw_playground_figure(runs: dict[str, PlaygroundRun], data, epochs: int,
                           path: Path) -> None:
    """The seven networks' decision regions after `epochs` epochs (the median seed each)
    and their median test loss per epoch on one plot, the losses in the last two cells."""
    keys = [experiment.key for experiment in PLAYGROUND_EXPERIMENTS]
    figure = plot.new_figure(8.0, 15.0)  # two across: each panel's title fits its width
    axes = figure.subplot_mosaic([keys[0:2], keys[2:4], keys[4:6], [keys[6], "losses"]])
    for experiment in PLAYGROUND_EXPERIMENTS:
        ax = axes[experiment.key]
        playground_panel(runs[experiment.key], data, experiment.label, ax)
        handles = ax.get_legend().legend_handles
        ax.get_legend().remove()
        ax.set(xlabel="", ylabel="")
    for colour_bar in figure.axes[len(axes):]:  # one per panel; the shared legend says it
        colour_bar.remove()
    draw_playground_losses(runs, axes["losses"])
    curves = axes["losses"].get_legend().legend_handles
    axes["losses"].get_legend().remove()  # inside the plot it covered the curves
    figure.legend(handles=handles + curves, loc="outside lower center", ncol=4, fontsize=10)
    figure.suptitle(f"TensorFlow Playground's spiral after {epochs:,} epochs, the seed with the\n"
                    f"median test loss of {runs[keys[0]].test.shape[1]}; background: blue where "
                    "the output is +1, orange where −1", fontsize=11)
    plot.save(figure, path, dpi=PAGE_DPI)


def draw_playground_losses(runs: dict[str, PlaygroundRun], ax) -> None:
    """Median test loss per epoch of all seven networks."""
    curves = {experiment.label: np.median(runs[experiment.key].test, axis=1)
              for experiment in PLAYGROUND_EXPERIMENTS}
    styles = {experiment.label: {"color": plot.CLASS_COLORS[i],
                                 "linestyle": "-" if len(experiment.hidden) > 1 else "--"}
              for i, experiment in enumerate(PLAYGROUND_EXPERIMENTS)}
    plot.loss_curves(curves, xlabel="epoch", ylabel="test loss: mean ½(output − label)²",
                     title="Median test loss", styles=styles, ax=ax)


def draw_playground_curves(runs: dict[str, PlaygroundRun], checkpoints: tuple[int, ...],
                           path: Path) -> None:
    """Test loss per epoch, the median over seeds and the band of the middle half of them:
    one layer of tanh neurons on the left; on the right the 4-4-2 networks and 8 relu,
    beside 8 tanh. The dotted lines are the table's checkpoints."""
    figure = plot.new_figure(8.0, 4.4)
    axes = figure.subplots(1, 2, sharey=True)
    groups = (("One layer of tanh neurons", ("pg_1", "pg_3", "pg_5", "pg_8")),
              ("Several layers, and relu", ("pg_8", "pg_442_sigmoid", "pg_442_relu", "pg_8_relu")))
    labels = {experiment.key: experiment.label for experiment in PLAYGROUND_EXPERIMENTS}
    colours = dict(zip(labels, plot.CLASS_COLORS))
    for ax, (title, keys) in zip(axes, groups):
        for key in keys:
            losses = runs[key].test
            low, median, high = np.percentile(losses, [25, 50, 75], axis=1)
            epochs = np.arange(len(median))
            ax.fill_between(epochs, low, high, color=colours[key], alpha=0.2, linewidth=0)
            ax.plot(epochs, median, color=colours[key], label=labels[key])
        for epoch in checkpoints:
            ax.axvline(epoch, color="0.5", linestyle=":", linewidth=1)
        ax.axhline(PLAYGROUND_LEVEL, color="0.5", linestyle="--", linewidth=1)
        ax.set(title=title, xlabel="epoch", xlim=(0, checkpoints[-1]))
        ax.legend(fontsize=10)
    axes[0].set_ylabel("test loss: mean ½(output − label)²")
    figure.suptitle(f"Median test loss over {runs['pg_1'].test.shape[1]} seeds, the middle half "
                    f"shaded; dashed: {PLAYGROUND_LEVEL}", fontsize=11)
    plot.save(figure, path, dpi=PAGE_DPI)


def animate_playground(run: PlaygroundRun, data, path: Path) -> None:
    """The 4-4-2 relu network's decision regions forming, epoch after epoch (a GIF)."""
    final = run.networks.state_dict()

    def draw(figure, epoch: int) -> None:
        run.networks.load_state_dict(run.snapshots[epoch])
        playground_panel(run, data, f"4-4-2 relu, epoch {epoch}", figure.add_subplot(),
                         epoch=epoch, resolution=FINE)
        for colour_bar in figure.axes[1:]:  # it would say "probability" of a tanh output
            colour_bar.remove()
        figure.suptitle("background: the output, orange at −1, white at 0, blue at +1",
                        fontsize=10)

    plot.animate(sorted(run.snapshots), draw, path, fps=3, figsize=(6.4, 7.0), dpi=PAGE_DPI)
    run.networks.load_state_dict(final)


def run(out_dir: Path, quick: bool = False, pool_map: Map = map) -> Report:
    """Every number and figure of article 002; the Playground's networks are trained by
    `pool_map` (run_all gives it a map over every core)."""
    out_dir = Path(out_dir)
    epochs = EPOCHS[quick]
    data = data_sets()
    report = Report(f"Article 002: a visual introduction to neural networks "
                    f"({'quick' if quick else 'full'}: Adam lr {LEARNING_RATE}, {epochs} epochs; "
                    f"Playground rows: SGD lr {PLAYGROUND_LEARNING_RATE}, batch {PLAYGROUND_BATCH}, "
                    f"up to {PLAYGROUND_EPOCHS[quick]:,} epochs, median of {PLAYGROUND_SEEDS[quick]} "
                    "seeds to 2 digits"
                    + (f", fewer where {CHAOS_RUNS[quick]} runs of a chaotic network a few ulps "
                       "apart differ" if CHAOS_RUNS[quick] > 1 else "") + ")")
    one_neuron_starts = STARTS * sum(CHAOS_RUNS[quick] if activation in CHAOTIC_ONE_NEURON else 1
                                     for activation in ACTIVATIONS)
    with progress("logistic regression", total=2, unit="network"):
        logistic_regression(data, epochs, out_dir, report)
    with progress("one hidden neuron", total=one_neuron_starts, unit="network"):
        one_neuron(data, quick, out_dir, report)
    with progress("more hidden neurons", total=STARTS * (len(HIDDEN_SIZES) + 1), unit="network"):
        hidden_neurons(data, epochs, out_dir, report)
    with progress("three classes", total=STARTS, unit="network"):
        three_classes(data, epochs, out_dir, report)
    with progress("4-4-2 relu vs sigmoid", total=2 * DEEP_STARTS[quick], unit="network"):
        relu_vs_sigmoid(data, quick, out_dir, report)
    with progress("the Playground's spiral"):
        playground_experiments(quick, out_dir, report, pool_map)
    with progress("the Playground's other data sets"):
        other_playground_sets(quick, report, pool_map)
    report.values["data"] = data
    report.print()
    return report


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/002_visual_intro")
