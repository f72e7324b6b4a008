"""One training run of the playground, on the engine: data, network, optimizer, history.

The network is `nn.Sequential` of `nn.Linear` layers with the chosen activation,
ending in one output unit whose logit z gives p = σ(z), the probability of class 1.
It is trained on L = mean(−y·log p − (1 − y)·log(1 − p)) (the article's cross-entropy,
`nn.binary_cross_entropy_with_logits`) by `optim.SGD` or `optim.Adam`: every number
on the page comes from the engine, there is no second implementation here.

Everything random (the data, the split, the first weights, the mini-batches) is drawn
from the seed, so the same settings replay the same run step for step.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from playground.settings import Settings
from tinygrad_nn import Tensor, datasets, nn, no_grad, optim, viz

ACTIVATIONS = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU, "identity": nn.Identity}
OPTIMIZERS = {"SGD": optim.SGD, "Adam": optim.Adam}


@dataclass(frozen=True)
class WeightUpdate:
    """One weight before and after the last step, the gradient that moved it, and the
    learning rate of that step, which followed `step` earlier steps."""

    name: str
    step: int
    lr: float
    before: float
    grad: float
    after: float


@dataclass(frozen=True)
class Grid:
    """A square of points over the data, in the data's own coordinates."""

    xs: np.ndarray
    ys: np.ndarray
    points: np.ndarray  # (len(ys) * len(xs), 2), row by row


def build_network(settings: Settings, rng: np.random.Generator) -> nn.Sequential:
    """2 inputs → `hidden_layers` × (Linear → activation) → Linear → 1 logit.

    Weights are named as in the articles, w1 b1 for the first layer and so on,
    so the computation graph shows the same names. relu layers start with He
    initialisation, the others with Xavier's.
    """
    init = "he" if settings.activation == "relu" else "xavier"
    sizes = [2] + [settings.units] * settings.hidden_layers + [1]
    modules: list[nn.Module] = []
    for number, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        linear = nn.Linear(fan_in, fan_out, init=init, rng=rng)
        linear.weight.name, linear.bias.name = f"w{number}", f"b{number}"
        modules.append(linear)
        if number < len(sizes) - 1:
            modules.append(ACTIVATIONS[settings.activation]())
    return nn.Sequential(*modules)


SHAPES = {"circles": {"factor": 0.5}}  # rings well apart, as TensorFlow Playground draws them
PLAYGROUND_RADIUS = 5.0  # TensorFlow Playground's spiral reaches radius 5; ours, like the rest, 1
LOSS_LIMIT = 1000.0
RAN_AWAY = (f"the training loss passed {LOSS_LIMIT:,.0f}, so some logits z are near ±1,000 "
            "or beyond, where p = σ(z) is exactly 0 or 1 in float64")
OVERFLOWED = ("the next step overflowed float64 (a number past 1.8×10³⁰⁸, or one that is not "
              "a number) and was undone")
MAX_HISTORY = 2000  # loss points kept per run: then every other one goes and the stride doubles


def playground_spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow Playground's spiral (1.75 turns) on the plane the other sets share:
    radius 1, and the noise slider's 0 to 1 is the Playground's 0 to 0.5."""
    X, y = datasets.tf_playground("spiral", n=n, noise=noise / 2, seed=rng)
    return X / PLAYGROUND_RADIUS, y


def make_data(settings: Settings, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The chosen toy set, already shuffled by `datasets`; labels 0 and 1."""
    if settings.dataset == "spiral":
        return playground_spiral(settings.n_points, settings.noise, rng)
    make = getattr(datasets, settings.dataset)
    return make(n=settings.n_points, noise=settings.noise, seed=rng,
                **SHAPES.get(settings.dataset, {}))


class Playground:
    """A network being trained on a toy set, one optimizer step at a time."""

    def __init__(self, settings: Settings):
        self.settings = settings
        data_rng, init_rng, self.batch_rng = np.random.default_rng(settings.seed).spawn(3)
        X, y = make_data(settings, data_rng)
        n_train = settings.n_train
        self.X_train, self.X_test = X[:n_train], X[n_train:]
        self.y_train, self.y_test = y[:n_train], y[n_train:]
        # Features are scaled with the training set's mean and std, so every data
        # set suits the same learning rates; the pictures keep the data's units.
        self.mean = self.X_train.mean(axis=0)
        spread = self.X_train.std(axis=0)
        self.std = np.where(spread > 0, spread, 1.0)
        self.model = build_network(settings, init_rng)
        self.optimizer = OPTIMIZERS[settings.optimizer](
            self.model.parameters(), lr=settings.learning_rate
        )
        self.watched = self.model.parameters()[0]  # w1: from x₁, x₂ to the first layer
        self.steps = 0
        self.diverged = ""  # why the run takes no more steps: RAN_AWAY or OVERFLOWED
        self.last_update: WeightUpdate | None = None
        self.history: dict[str, list[float]] = {"step": [], "train_loss": [], "test_loss": []}
        self.history_stride = 1  # a loss point every this many steps
        self.thinnings = 0  # how often the history was thinned: the page redraws it whole then
        self._record(self._losses())

    # ---- the engine at work ----------------------------------------------------------
    def scaled(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std

    def logits(self, X: np.ndarray) -> np.ndarray:
        """The network's output z for points in data coordinates, without a graph."""
        with no_grad():
            return self.model(self.scaled(X)).data[:, 0]

    def loss_tensor(self, X: np.ndarray, y: np.ndarray) -> Tensor:
        """The cross-entropy of the network on points X (data coordinates) with labels
        y, as a Tensor: training differentiates it, the views read its value."""
        x = Tensor(self.scaled(X), name="x")
        return nn.binary_cross_entropy_with_logits(self.model(x), Tensor(y[:, None], name="y"))

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        with no_grad():
            return self.loss_tensor(X, y).item()

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """Share of points on the right side of p = 0.5, i.e. of z = 0."""
        return float(np.mean((self.logits(X) > 0) == (y == 1)))

    def step(self, count: int = 1) -> None:
        """`count` optimizer steps, each on a fresh mini-batch of training points and at
        the rate the settings give that step.

        The run stops (`diverged` says why, and the page with it) after a step whose
        training loss passes LOSS_LIMIT, and instead of a step that overflows float64
        anywhere (its loss, its gradients, its new weights): that step is undone."""
        for _ in range(count):
            if self.diverged:
                return
            batch = self.batch_rng.choice(len(self.y_train), self.settings.batch, replace=False)
            parameters = self.model.parameters()
            before = [p.data.copy() for p in parameters]
            self.optimizer.lr = self.settings.rate(self.steps)
            try:
                with np.errstate(over="raise", invalid="raise"):
                    self.optimizer.zero_grad()
                    loss = self.loss_tensor(self.X_train[batch], self.y_train[batch])
                    loss.backward()
                    grad = self.watched.grad[0, 0]
                    self.optimizer.step()
                    losses = self._losses()
            except FloatingPointError:
                for p, data in zip(parameters, before):
                    p.data = data
                self.diverged = OVERFLOWED
                return
            self.last_update = WeightUpdate(f"{self.watched.name}[0,0]", self.steps,
                                            self.optimizer.lr, float(before[0][0, 0]),
                                            float(grad), float(self.watched.data[0, 0]))
            self.steps += 1
            if self.steps % self.history_stride == 0 or losses["train_loss"] > LOSS_LIMIT:
                self._record(losses)
            if losses["train_loss"] > LOSS_LIMIT:
                self.diverged = RAN_AWAY
                return

    def _losses(self) -> dict[str, float]:
        return {"train_loss": self.loss(self.X_train, self.y_train),
                "test_loss": self.loss(self.X_test, self.y_test)}

    def _record(self, losses: dict[str, float]) -> None:
        """A point of the loss curves; past MAX_HISTORY points, every other one goes, so a
        run of any length keeps its whole curve in bounded memory."""
        for key, value in ({"step": self.steps} | losses).items():
            self.history[key].append(value)
        if len(self.history["step"]) > MAX_HISTORY:
            self.history = {key: values[::2] for key, values in self.history.items()}
            self.history_stride *= 2
            self.thinnings += 1

    def nbytes(self) -> int:
        """About how much memory the run holds: its data, its optimizer's arrays (at most
        three per parameter) and its loss history (a Python float is 24 bytes, 8 more
        for its place in the list)."""
        data = sum(a.nbytes for a in (self.X_train, self.X_test, self.y_train, self.y_test))
        weights = sum(p.data.nbytes for p in self.model.parameters())
        return data + 4 * weights + 32 * sum(map(len, self.history.values()))

    # ---- what the pictures show ------------------------------------------------------
    def grid(self, resolution: int) -> Grid:
        """`resolution` × `resolution` points over all the data, with a margin."""
        X = np.concatenate([self.X_train, self.X_test])
        low, high = X.min(axis=0), X.max(axis=0)
        margin = 0.1 * np.maximum(high - low, 1e-3)
        xs = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
        ys = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
        gx, gy = np.meshgrid(xs, ys)
        return Grid(xs, ys, np.column_stack([gx.ravel(), gy.ravel()]))

    def unit_outputs(self, grid: Grid) -> list[np.ndarray]:
        """Each layer's outputs over the grid, one (units, rows, cols) array per layer:
        the scaled inputs x₁ and x₂, every hidden layer after its activation, and
        the output probability p."""
        shape = (len(grid.ys), len(grid.xs))
        layers = [self.scaled(grid.points)]
        with no_grad():
            h = Tensor(layers[0])
            for module in self.model:
                h = module(h)
                if not isinstance(module, nn.Linear):
                    layers.append(h.data)
            layers.append(h.sigmoid().data)
        return [a.T.reshape(a.shape[1], *shape) for a in layers]

    def layer_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) of every Linear layer, first to last."""
        return [(m.weight.data, m.bias.data) for m in self.model if isinstance(m, nn.Linear)]

    def example_loss(self) -> Tensor:
        """The loss L of the first training point, its graph kept and backward() run:
        every tensor of the graph, the weights too, holds dL/d(tensor) of that one
        example at the current weights. Gradients are cleared first, so the batch's
        do not mix in; the next step clears them again, so training is not affected."""
        self.model.zero_grad()
        loss = self.loss_tensor(self.X_train[:1], self.y_train[:1])
        loss.name = "L"
        loss.backward()
        return loss

    def example_graph_svg(self) -> str:
        """`example_loss`'s graph drawn by `viz.draw_graph`, values and gradients on it,
        top to bottom so that it fits a page whatever the number of layers."""
        drawing = viz.draw_graph(self.example_loss(), show_data=True, show_grad=True,
                                 rankdir="TB")
        self.model.zero_grad()
        return viz.render(drawing, "svg").decode()
