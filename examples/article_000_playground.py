"""Article 000, "how to build a neural network playground from scratch": a two-layer
network on blobs, circles and moons, with 1, 2 and 3 hidden units.

The network of the article's model.py: a1 = tanh(X·w1 + b1), a2 = σ(a1·w2 + b2),
binary cross-entropy, plain gradient descent with lr 1.2 for 1000 iterations,
w1 and w2 drawn as 0.01·randn after np.random.seed(2), biases zero. Its data
(utils.py): 100 points each, blobs with cluster_std 0.2 and centers in [0, 5]²,
circles with noise 0.2 and factor 0.2, moons with noise 0.05.

The article's insights: one hidden unit separates with one line; two units with
two lines; three units separate the moons. The figure is the 3×3 grid (rows:
data sets, columns: hidden units), each panel with every hidden unit's line
w1ᵢ·x + b1ᵢ = 0, where that unit's tanh changes sign.

    python examples/article_000_playground.py [--quick] [--out figures/000_playground]

(The interactive playground itself is examples/playground/.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from chaos import common_digits
from progress import advance
from report import Report, nudge_if_asked, progress, run_from_command_line

from tinygrad_nn import Tensor, datasets, nn, no_grad, optim, plot

LEARNING_RATE = 1.2
ITERATIONS = 1000  # cheap enough for --quick too: fewer would stop on the plateau that
# the 0.01-scale start gives (at 300 iterations the circles and moons are still unsolved)
REGION_RESOLUTION = {False: 200, True: 60}  # grid points per axis of each panel; --quick: coarse
INIT_SEED = 2  # the article's np.random.seed(seed=2)
HIDDEN_UNITS = (1, 2, 3)
DATA_SEED = 0
N_POINTS = 100

DATA_SETS: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {
    "blobs": lambda: datasets.blobs(N_POINTS, noise=0.2, seed=DATA_SEED, center_box=(0.0, 5.0)),
    "circles": lambda: datasets.circles(N_POINTS, noise=0.2, seed=DATA_SEED, factor=0.2),
    "moons": lambda: datasets.moons(N_POINTS, noise=0.05, seed=DATA_SEED),
}
# Networks whose accuracy a one-ulp nudge of the start moves (a point flips side): each is
# also trained from its start moved 1 and 2 ulps, and printed to the digits all runs share
# (chaos.py).
CHAOTIC = {("moons", 1)}
CHAOS_RUNS = 3
ARTICLE_SAYS = {  # what the article's "key insights" say of each panel
    ("circles", 1): "one line: poor",
    ("circles", 2): "two lines: better",
    ("moons", 3): "separated",
}


def make_network(n_hidden: int, ulps: int = 0) -> nn.Sequential:
    """tanh hidden layer, sigmoid output, started as the article's code starts it:
    np.random.seed(2); w1 = randn(n_hidden, 2)·0.01; w2 = randn(1, n_hidden)·0.01.
    The article keeps one sample per column (w1 of shape (hidden, 2)); our layers
    take one per row, so they hold the transposes w1ᵀ and w2ᵀ. `ulps` moves the start
    that many ulps up, for a chaotic network's neighbours."""
    rng = np.random.RandomState(INIT_SEED)
    w1 = rng.randn(n_hidden, 2) * 0.01
    w2 = rng.randn(1, n_hidden) * 0.01
    network = nn.Sequential(nn.Linear(2, n_hidden), nn.Tanh(), nn.Linear(n_hidden, 1), nn.Sigmoid())
    network[0].weight.data[...] = w1.T
    network[2].weight.data[...] = w2.T
    for layer, suffix in ((network[0], "1"), (network[2], "2")):
        layer.weight.name, layer.bias.name = f"w{suffix}", f"b{suffix}"
    return nudge_if_asked(network, ulps)


def train(network: nn.Sequential, X: np.ndarray, y: np.ndarray, iterations: int) -> list[float]:
    """Full-batch gradient descent on the cross-entropy; returns the cost before each step."""
    opt = optim.SGD(network.parameters(), lr=LEARNING_RATE)
    inputs, targets = Tensor(X), y.reshape(-1, 1).astype(float)
    costs = []
    for _ in range(iterations):
        cost = nn.binary_cross_entropy(network(inputs), targets)
        costs.append(cost.item())
        opt.zero_grad()
        cost.backward()
        opt.step()
    return costs


def predict_proba(network: nn.Sequential) -> Callable[[np.ndarray], np.ndarray]:
    """The network as a function of points, for plot.decision_regions."""
    @no_grad()
    def probabilities(points: np.ndarray) -> np.ndarray:
        return network(points).data[:, 0]
    return probabilities


def accuracy(network: nn.Sequential, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((predict_proba(network)(X) > 0.5) == (y == 1)))


def draw_data(data: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """The three shapes of data the playground offers, before any training."""
    figure = plot.new_figure(8.0, 3.2)
    for ax, (name, (X, y)) in zip(figure.subplots(1, 3), data.items()):
        ax.scatter(X[:, 0], X[:, 1], c=[plot.CLASS_COLORS[c] for c in y], s=28,
                   edgecolors="black", linewidths=0.6)
        ax.set_title(f"{name} ({len(y)} points)", fontsize=11)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    figure.suptitle("The playground's data shapes (orange: class 0, blue: class 1)", fontsize=12)
    plot.save(figure, path, dpi=100)


def train_and_draw(data: dict[str, tuple[np.ndarray, np.ndarray]], axes: np.ndarray, quick: bool,
                   networks: dict[tuple[str, int], nn.Sequential], report: Report) -> None:
    """Each data set's networks (a row of `axes`), one per hidden size: trained, drawn and
    reported, and kept in `networks`."""
    for row, (name, (X, y)) in enumerate(data.items()):
        for column, n_hidden in enumerate(HIDDEN_UNITS):
            network = make_network(n_hidden)
            costs = train(network, X, y, ITERATIONS)
            networks[name, n_hidden] = network
            first = network[0]
            plot.decision_regions(
                predict_proba(network), X, y, ax=axes[row, column],
                resolution=REGION_RESOLUTION[quick],
                hidden_lines=zip(first.weight.data.T, first.bias.data),
                title=f"{name}, {n_hidden} hidden unit{'s' if n_hidden > 1 else ''}\n"
                      f"final cost {costs[-1]:.3f}")
            acc = accuracy(network, X, y)
            runs = CHAOS_RUNS if (name, n_hidden) in CHAOTIC else 1
            neighbours = [make_network(n_hidden, ulps) for ulps in range(1, runs)]
            for neighbour in neighbours:
                train(neighbour, X, y, ITERATIONS)
            percents = [100 * accuracy(net, X, y) for net in (network, *neighbours)]
            report.add(f"accuracy_{name}_{n_hidden}", f"{name}, {n_hidden} hidden: accuracy",
                       ARTICLE_SAYS.get((name, n_hidden), "—"), acc,
                       shown=f"{common_digits(percents)}%")
            advance()


def run(out_dir: Path, quick: bool = False) -> Report:
    out_dir = Path(out_dir)
    data = {name: make() for name, make in DATA_SETS.items()}
    draw_data(data, out_dir / "data.png")

    report = Report(f"Article 000: the playground's 2-layer network (lr {LEARNING_RATE}, "
                    f"{ITERATIONS} iterations)")
    networks: dict[tuple[str, int], nn.Sequential] = {}
    figure = plot.new_figure(10.0, 11.0)
    axes = figure.subplots(len(data), len(HIDDEN_UNITS))
    with progress("the networks and their decision regions", total=axes.size, unit="network"):
        train_and_draw(data, axes, quick, networks, report)
    for ax in axes.ravel():  # 800 px wide: 12-point text is 13 px on the page
        ax.tick_params(labelsize=12)
        ax.xaxis.label.set_fontsize(13)
        ax.yaxis.label.set_fontsize(13)
        ax.title.set_fontsize(12.5)
    for colour_bar in figure.axes[axes.size:]:  # nine copies of one key: the title says it
        colour_bar.remove()
    figure.suptitle("Two-layer tanh/sigmoid network: rows are data sets, columns hidden units;\n"
                    "dashed: each hidden unit's line $w_1 \\cdot x + b_1 = 0$; background: the\n"
                    "more probable class's colour, white where the network is unsure", fontsize=13)
    plot.shared_legend(figure, fontsize=12.5, ncol=2)
    plot.save(figure, out_dir / "grid.png", dpi=80)
    report.values.update(networks=networks, data=data)
    report.print()
    return report


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/000_playground")
