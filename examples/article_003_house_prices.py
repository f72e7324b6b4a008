"""Article 003, "a visual and interactive guide to the basics of neural networks":
house prices from one and two features, the mean squared error, gradient descent,
softmax, and a good/bad house classifier.

The network without a hidden layer is y = X·W + b (prices in $1000). Its error is
the mean squared error E = (1/m) Σᵢ (y_ᵢ − yᵢ)², y_ the true price. The article's
numbers: W = 0.180 gives predictions 379, 288, 432 and E = 2,058; W = 0.1, b = 150
gives E = 799; W = b = 0 gives E = 134,972, and on ten houses with two features
108,268. Gradient descent from zeros is run on standardised features
(z = (x − mean)/std; see `gradient_descent`) and lands on the least-squares optimum.
Then softmax, and nn.Linear(2, 2) + softmax cross-entropy on the good/bad labels.

    python examples/article_003_house_prices.py [--quick] [--out figures/003_house_prices]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from report import Report, run_from_command_line

from tinygrad_nn import Tensor, datasets, grad, hessian, nn, no_grad, optim, plot, viz

ARTICLE_WEIGHT = 0.180  # "our weight is 0.180": the average price per square foot, in $1000
ARTICLE_DIALS = (0.1, 150.0)  # the weight and bias the interactive chart starts from
FRIENDS_HOUSE_SQFT = 2000.0  # "a 2,000 sq ft house for $400k: a good price?"
LEARNING_RATE = 0.1
STEPS = {1: 200, 2: 300}  # gradient-descent steps for 1 and 2 features (the article's charts)
CLASSIFIER_LR = 0.5
CLASSIFIER_STEPS = {False: 3000, True: 1000}  # full run, quick run
SOFTMAX_ROWS = [  # the article's table: input, output as printed
    ([1], "[1]"),
    ([1, 1], "[0.5, 0.5]"),
    ([0, 1], "[0.26, 0.73]"),
    ([2, 4], "[0.11, 0.88]"),
    ([5, 10], "[0.007, 0.993]"),
    ([-1, 0, 1], "[0.09, 0.24, 0.66]"),
    ([1, 2, 4], "[0.04, 0.11, 0.84]"),
]
ERROR_COLOR = "#f2c200"  # the article's yellow: "yellow is bad, yellow is error"
ERROR_NAME = "mean squared error E"  # what the text, the axes and the colour bars call E
VALLEY_DEPTH = 100  # the weight-bias map colours E from its minimum to this many times it


def linear_neuron(weights: list[float], bias: float) -> nn.Linear:
    """y = X·W + b with the given dials, W of shape (features, 1)."""
    layer = nn.Linear(len(weights), 1, init="zeros")
    layer.load_state_dict({"weight": np.reshape(weights, (-1, 1)), "bias": [bias]})
    return layer


@no_grad()
def mean_squared_error(layer: nn.Linear, X: np.ndarray, y_: np.ndarray) -> np.ndarray | float:
    """E = (1/m) Σᵢ (y_ᵢ − yᵢ)², the article's error, for each output of the layer.

    A layer with k outputs is k neurons side by side, each with its own dials:
    its errors over a whole grid of (W, b) come from one matrix product.
    """
    errors = ((layer(X) - y_) ** 2).mean(axis=0).data
    return errors.item() if errors.size == 1 else errors


def errors_over_grid(X: np.ndarray, y_: np.ndarray, weights: np.ndarray,
                     biases: np.ndarray) -> np.ndarray:
    """E at every (W, b) of a grid of one-feature dials, shape (len(biases), len(weights))."""
    grid_W, grid_b = np.meshgrid(weights, biases)
    layer = nn.Linear(1, grid_W.size, init="zeros")
    layer.load_state_dict({"weight": grid_W.reshape(1, -1), "bias": grid_b.ravel()})
    return mean_squared_error(layer, X, y_).reshape(grid_W.shape)


@dataclass
class Standardizer:
    """z = (x − mean)/std per feature. Gradient descent on z is fast: the error's
    curvature becomes 2·(correlation matrix), not 2·mean(x²) ≈ 9·10⁶ for the area."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray) -> Standardizer:
        return cls(X.mean(axis=0), X.std(axis=0))

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std

    def original_dials(self, w_z: np.ndarray, b_z: float) -> tuple[np.ndarray, float]:
        """y = w_z·(x − mean)/std + b_z = (w_z/std)·x + (b_z − Σ w_z·mean/std)."""
        W = w_z / self.std
        return W, float(b_z - W @ self.mean)


def least_squares(X: np.ndarray, y_: np.ndarray) -> tuple[np.ndarray, float]:
    """The dials with the smallest E, from numpy: solve [X 1]·[W; b] ≈ y_."""
    solution = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y_[:, 0], rcond=None)[0]
    return solution[:-1], float(solution[-1])


@dataclass
class Descent:
    """Gradient descent's path in the original units: one row per step (and the start)."""

    weights: np.ndarray  # (steps + 1, features)
    biases: np.ndarray  # (steps + 1,)
    errors: np.ndarray  # (steps + 1,)


def gradient_descent(X: np.ndarray, y_: np.ndarray, steps: int) -> Descent:
    """Train y = z·w + b from w = b = 0 on standardised features z with nn.mse_loss
    and optim.SGD; record the dials converted back to dollars per square foot.

    Zero dials on z are zero dials on x too, so the path starts where the article's
    chart does. dE/dw = −(2/m) zᵀ(y_ − y), dE/db = −(2/m) Σ (y_ − y).
    """
    scaler = Standardizer.fit(X)
    layer = nn.Linear(X.shape[1], 1, init="zeros")
    opt = optim.SGD(layer.parameters(), lr=LEARNING_RATE)
    Z = Tensor(scaler(X))
    weights, biases, errors = [], [], []
    for step in range(steps + 1):
        error = nn.mse_loss(layer(Z), y_)
        W, b = scaler.original_dials(layer.weight.data[:, 0], layer.bias.data[0])
        weights.append(W)
        biases.append(b)
        errors.append(error.item())
        if step < steps:
            opt.zero_grad()
            error.backward()
            opt.step()
    return Descent(np.array(weights), np.array(biases), np.array(errors))


def softmax_table() -> dict[str, np.ndarray]:
    """Tensor.softmax of each of the article's inputs: e^{x_k} / Σⱼ e^{x_j}."""
    return {str(inputs): Tensor(inputs).softmax().data for inputs, _ in SOFTMAX_ROWS}


def truncated(values: np.ndarray, decimals: int) -> np.ndarray:
    """Cut (not round) to `decimals` places, as most of the article's softmax rows are."""
    return np.floor(values * 10**decimals) / 10**decimals


def train_classifier(X: np.ndarray, labels: np.ndarray, steps: int) -> tuple[nn.Linear, Standardizer]:
    """Two outputs, one per class (good, bad), trained with softmax cross-entropy
    L = −mean log softmax(z)[label] from zero weights on standardised features."""
    scaler = Standardizer.fit(X)
    layer = nn.Linear(X.shape[1], 2, init="zeros")
    opt = optim.SGD(layer.parameters(), lr=CLASSIFIER_LR)
    Z = Tensor(scaler(X))
    for _ in range(steps):
        loss = nn.cross_entropy(layer(Z), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return layer, scaler


# ---- figures ---------------------------------------------------------------------


def plot_fit(X: np.ndarray, y_: np.ndarray, dials: dict[str, tuple[float, float]]):
    """The houses, the lines y = W·x + b, and each house's error drawn in yellow."""
    figure = plot.new_figure(7.0, 4.6)
    ax = figure.add_subplot()
    area = np.linspace(0, 2600, 50)
    for (label, (W, b)), style in zip(dials.items(), ["-", "--"]):
        layer = linear_neuron([W], b)
        E = mean_squared_error(layer, X, y_)
        ax.plot(area, W * area + b, style, color="black", label=f"{label}: E = {E:,.0f}")
    W, b = next(iter(dials.values()))
    ax.vlines(X[:, 0], y_[:, 0], W * X[:, 0] + b, colors=ERROR_COLOR, linewidth=4,
              label="error y_ − y of the first line")
    ax.scatter(X[:, 0], y_[:, 0], color="#4e79a7", edgecolors="black", zorder=3, s=45,
               label="the three houses")
    ax.set(xlabel="area (sq ft)", ylabel="price ($1000)", xlim=(0, 2600), ylim=(0, 500),
           title="Price = W · area + b, and its errors")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    return figure


def plot_error_vs_weight(X: np.ndarray, y_: np.ndarray):
    """E as the weight turns with b = 0: the average-price weight is near its bottom."""
    weights = np.linspace(0.0, 0.4, 201)
    errors = errors_over_grid(X, y_, weights, np.zeros(1))[0]
    figure = plot.landscape_1d(weights, errors, param_name="weight W ($1000 per sq ft), bias 0",
                               cost_name=ERROR_NAME, title="Error as a function of the weight alone")
    ax = figure.axes[0]
    ax.plot([ARTICLE_WEIGHT], [mean_squared_error(linear_neuron([ARTICLE_WEIGHT], 0.0), X, y_)],
            "o", color=ERROR_COLOR, markeredgecolor="black", markersize=9,
            label="W = 0.180 (average price per sq ft)")
    ax.legend()
    return figure


def plot_error_curves(series: dict[str, np.ndarray]):
    """E over the steps, on a linear and a log axis (the article's Error / Error Log)."""
    figure = plot.new_figure(8.0, 3.8)
    linear_ax, log_ax = figure.subplots(1, 2)
    plot.loss_curves(series, xlabel="gradient-descent step", ylabel=ERROR_NAME,
                     title="Error", ax=linear_ax)
    plot.loss_curves(series, log_scale=True, xlabel="gradient-descent step",
                     ylabel=ERROR_NAME, title="Error (log)", ax=log_ax)
    return figure


def plot_weight_bias_error(X: np.ndarray, y_: np.ndarray, descent: Descent):
    """E over the (W, b) plane with gradient descent's path: a long narrow valley.

    The map reaches a little below zero so the start (0, 0) is not cut off; the
    contours are log-spaced from E's minimum to VALLEY_DEPTH times it, and E above
    that is one colour, so the valley's floor, not the far slopes, gets the colours.
    """
    weights, biases = np.linspace(-0.03, 0.4, 173), np.linspace(-30.0, 400.0, 173)
    errors = errors_over_grid(X, y_, weights, biases)
    path = np.column_stack([descent.weights[:, 0], descent.biases])
    levels = errors.min() * np.geomspace(1.0, VALLEY_DEPTH, 13)
    return plot.landscape_2d(weights, biases, np.minimum(errors, levels[-1]),
                             param_names=("weight W", "bias b"), cost_name=ERROR_NAME,
                             trajectory=path, levels=levels,
                             title="Weight vs. bias vs. error (log-spaced contours)")


def plot_classifier(layer: nn.Linear, scaler: Standardizer, X: np.ndarray, labels: np.ndarray):
    def predict_proba(points: np.ndarray) -> np.ndarray:
        with no_grad():
            return layer(scaler(points)).softmax().data

    return plot.decision_regions(predict_proba, X, labels,
                                 class_names=list(datasets.HOUSE_LABEL_NAMES),
                                 feature_names=("area (sq ft)", "bathrooms"),
                                 title="Good or bad house: Linear(2, 2) + softmax")


# ---- the reproduction ------------------------------------------------------------


@dataclass
class NewtonStep:
    """One step of Newton's method from zero dials, on the raw (unstandardised) features."""

    weights: np.ndarray  # W after the step, (features,)
    bias: float
    error: float  # E after the step
    hessian: np.ndarray  # d²E/dθ² at the start, θ = (W, b)
    formula: np.ndarray  # 2·AᵀA/m, A = [X 1]: the same Hessian written out


def newton_step(X: np.ndarray, y_: np.ndarray) -> NewtonStep:
    """θ ← θ − H⁻¹·∇E from θ = (W, b) = 0, gradient and Hessian by autograd.

    E(θ) = (1/m)|A·θ − y_|² with A = [X 1] is quadratic, so its Taylor series ends
    at the second term: E(θ + s) = E + ∇E·s + ½ sᵀHs exactly, with H = 2AᵀA/m
    everywhere. The step s = −H⁻¹∇E sets its gradient to zero: one step lands on
    the least-squares dials, where gradient descent only approaches them.
    """
    A = np.column_stack([X, np.ones(len(X))])
    theta = Tensor(np.zeros((A.shape[1], 1)), requires_grad=True, name="θ")
    error = lambda: nn.mse_loss(A @ theta, y_)
    (gradient,) = grad(error(), theta)
    H = hessian(error, theta).reshape(len(theta), len(theta))
    theta.data -= np.linalg.solve(H, gradient.data)
    return NewtonStep(theta.data[:-1, 0].copy(), float(theta.data[-1, 0]), error().item(), H,
                      2 * A.T @ A / len(A))


def add_newton_rows(report: Report, key: str, X: np.ndarray, y_: np.ndarray) -> NewtonStep:
    """Two rows: where one Newton step lands, and its Hessian against 2·AᵀA/m."""
    newton = newton_step(X, y_)
    dials = ", ".join([*(f"{w:.6f}" for w in newton.weights), f"{newton.bias:.4f}"])
    report.add(f"newton_{key}", f"Newton's method, 1 step from zeros (raw features; Hessian "
               f"by autograd): {'W' if len(newton.weights) == 1 else 'W1, W2'}, b, E", "—",
               (*newton.weights, newton.bias, newton.error), f"{dials}, {newton.error:,.4f}")
    gap = np.abs(newton.hessian - newton.formula).max() / np.abs(newton.formula).max()
    report.add(f"newton_hessian_{key}", "its Hessian d²E/d(W, b)² against 2·AᵀA/m, A = [x 1]",
               "—", gap, f"largest difference {gap:.1e} of its largest entry "
               f"{np.abs(newton.formula).max():,.1f}")
    return newton


def reproduce_one_feature(report: Report, out_dir: Path) -> Descent:
    X, y_ = datasets.house_prices_small()
    report.add("average_price_per_sqft", "weight = average price per sq ft", "0.180",
               float(y_.sum() / X.sum()), f"{y_.sum() / X.sum():.5f} (total price / total area)")
    predictions = X[:, 0] * ARTICLE_WEIGHT
    report.add("predictions_0180", "predictions at W = 0.180", "379 / 288 / 432",
               predictions, " / ".join(f"{p:.2f}" for p in predictions))
    differences = y_[:, 0] - predictions
    report.add("differences_0180", "y_ − y per house (price − prediction)", "21 / 42 / -63",
               differences, " / ".join(f"{d:.2f}" for d in differences))
    squared = differences ** 2
    report.add("squared_errors_0180", "(y_ − y)² per house", "449 / 1756 / 3969",
               squared, " / ".join(f"{s:.1f}" for s in squared))
    with no_grad():
        friends = linear_neuron([ARTICLE_WEIGHT], 0.0)([[FRIENDS_HOUSE_SQFT]]).item()
    report.add("prediction_2000", "prediction for the friend's 2,000 sq ft at W = 0.180 ($1000)",
               "360", friends, f"{friends:.1f}")
    error = mean_squared_error(linear_neuron([ARTICLE_WEIGHT], 0.0), X, y_)
    report.add("error_0180", "error E at W = 0.180", "2,058", error, f"{error:,.2f}")
    error = mean_squared_error(linear_neuron([ARTICLE_DIALS[0]], ARTICLE_DIALS[1]), X, y_)
    report.add("error_dials", "E at W = 0.1, b = 150", "799", error, f"{error:,.2f}")
    error = mean_squared_error(linear_neuron([0.0], 0.0), X, y_)
    report.add("error_zeros_1", "E at W = 0, b = 0", "134,972", error, f"{error:,.2f}")

    descent = gradient_descent(X, y_, STEPS[1])
    W, b = least_squares(X, y_)
    report.add("gd_1", f"gradient descent, {STEPS[1]} steps (standardised area, lr "
               f"{LEARNING_RATE}): W, b, E", "(interactive: 'can you get below 799?')",
               (descent.weights[-1, 0], descent.biases[-1], descent.errors[-1]),
               f"{descent.weights[-1, 0]:.6f}, {descent.biases[-1]:.4f}, {descent.errors[-1]:.4f}")
    report.add("lstsq_1", "least squares (np.linalg.lstsq): W, b", "—", (W[0], b),
               f"{W[0]:.6f}, {b:.4f}")
    add_newton_rows(report, "1", X, y_)
    found = (descent.weights[-1, 0], descent.biases[-1])
    plot.save(plot_fit(X, y_, {"W = 0.180, b = 0": (ARTICLE_WEIGHT, 0.0),
                               f"gradient descent: W = {found[0]:.4f}, b = {found[1]:.1f}": found}),
              out_dir / "fit_one_feature.png", dpi=100)
    plot.save(plot_error_vs_weight(X, y_), out_dir / "error_vs_weight.png", dpi=100)
    plot.save(plot_weight_bias_error(X, y_, descent), out_dir / "weight_bias_error.png", dpi=100)
    viz.save(viz.draw_network(weight_only_neuron(ARTICLE_WEIGHT), decimals=3),
             out_dir / "network_weight_only.png")
    return descent


def weight_only_neuron(weight: float) -> nn.Sequential:
    """The article's first network, y = W·x: one weight, no bias."""
    layer = nn.Linear(1, 1, bias=False, init="zeros")
    layer.weight.data[...] = weight
    return nn.Sequential(layer)


def reproduce_two_features(report: Report, out_dir: Path) -> Descent:
    X, y_ = datasets.house_prices()
    error = mean_squared_error(linear_neuron([0.0, 0.0], 0.0), X, y_)
    report.add("error_zeros_2", "E, 10 houses, W1 = W2 = b = 0", "108,268", error, f"{error:,.2f}")
    descent = gradient_descent(X, y_, STEPS[2])
    W, b = least_squares(X, y_)
    report.add("gd_2", f"gradient descent, {STEPS[2]} steps (standardised features): "
               "W1, W2, b", "—", (*descent.weights[-1], descent.biases[-1]),
               "{:.6f}, {:.4f}, {:.4f}".format(*descent.weights[-1], descent.biases[-1]))
    report.add("lstsq_2", "least squares (np.linalg.lstsq): W1, W2, b", "—", (*W, b),
               "{:.6f}, {:.4f}, {:.4f}".format(*W, b))
    add_newton_rows(report, "2", X, y_)
    report.add("gd_2_error", "E after gradient descent", "—", descent.errors[-1],
               f"{descent.errors[-1]:,.2f}")
    two_inputs = nn.Sequential(linear_neuron(list(descent.weights[-1]), descent.biases[-1]))
    viz.save(viz.draw_network(two_inputs, input_names=("area (sq ft)", "bathrooms")),
             out_dir / "network_two_inputs.png")
    return descent


def reproduce_softmax(report: Report) -> None:
    ours = softmax_table()
    for inputs, printed in SOFTMAX_ROWS:
        probs = ours[str(inputs)]
        decimals = max(len(part.split(".")[1]) if "." in part else 0
                       for part in printed.strip("[]").split(","))
        shown = "[" + ", ".join(f"{p:.3f}" for p in probs) + "]"
        cut = "[" + ", ".join(f"{p:.{decimals}f}" for p in truncated(probs, decimals)) + "]"
        report.add(f"softmax {inputs}", f"softmax({inputs})", printed, probs,
                   f"{shown}, cut to the printed digits: {cut}")


def reproduce_classifier(report: Report, out_dir: Path, quick: bool) -> None:
    X, labels = datasets.house_good_bad()
    steps = CLASSIFIER_STEPS[quick]
    layer, scaler = train_classifier(X, labels, steps)
    with no_grad():
        logits = layer(scaler(X))
    loss = nn.cross_entropy(logits, labels).item()
    accuracy = float(np.mean(logits.data.argmax(axis=1) == labels))
    report.add("classifier_accuracy", f"good/bad: Linear(2, 2) + softmax, {steps} steps "
               f"(standardised, lr {CLASSIFIER_LR}): accuracy on the 10 houses",
               "— (no number given)", accuracy, f"{accuracy:.0%} (cross-entropy {loss:.4f})")
    plot.save(plot_classifier(layer, scaler, X, labels), out_dir / "good_bad_regions.png", dpi=100)
    viz.save(softmax_network(layer), out_dir / "softmax_network.png")


def softmax_network(layer: nn.Linear) -> object:
    """The article's softmax network: two inputs (standardised area and bathrooms), two
    output neurons (good, bad) with the trained weights, then softmax."""
    return viz.draw_network(nn.Sequential(layer, nn.Softmax()),
                            input_names=("area\n(standardised)", "bathrooms\n(standardised)"))


def run(out_dir: Path, quick: bool = False) -> Report:
    """Every number and figure of article 003; `quick` trains the classifier less."""
    out_dir = Path(out_dir)
    report = Report("Article 003: house prices, mean squared error, gradient descent, softmax")
    one = reproduce_one_feature(report, out_dir)
    two = reproduce_two_features(report, out_dir)
    plot.save(plot_error_curves({"1 feature (3 houses)": one.errors,
                                 "2 features (10 houses)": two.errors}),
              out_dir / "gradient_descent_error.png", dpi=100)
    reproduce_softmax(report)
    reproduce_classifier(report, out_dir, quick)
    report.print()
    return report


if __name__ == "__main__":
    run_from_command_line(run, __doc__, "figures/003_house_prices")
