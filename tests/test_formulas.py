"""Every hand-derived gradient of the articles, checked three ways, in float64:
the formula (tinygrad_nn.formulas) = autograd (the engine) = central differences.

The autograd side builds each article's model from the engine's primitive ops
(its cost written as the article writes it), so it shares no code with the
formula. Where the engine keeps gradients of intermediates, those are checked
too: z1.grad against the article's d_b1_v, z2.grad against its res.

Central differences of a cross-entropy written as the articles write it,
log(1 − σ(z)), are blind where σ(z) rounds near 1: at article 001's
cost-landscape points a change of 1e-17 in σ is lost, and the difference
quotient comes out 0 where the true slope is 5.7e-7. So the numerical leg
differentiates the same cost in its stable form, from the logits
(nn.binary_cross_entropy_with_logits), whose rounding stays below 1e-9.
"""

import numpy as np
import pytest

from tinygrad_nn import Tensor, formulas, nn, numerical_grad

EXACT = {"rtol": 1e-10, "atol": 1e-12}  # formula vs autograd: same math, other rounding
NUMERIC = {"rtol": 1e-5, "atol": 1e-8}  # vs central differences, error O(ε²) + rounding

# Article 001's twelve points and labels.
X001 = np.array([-1.51, -1.29, -1.18, -0.64, -0.53, -0.09, 0.13, 0.35, 0.89, 1.11, 1.33, 1.44])
Y001 = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0], dtype=float)


def param(values) -> Tensor:
    return Tensor(np.array(values, dtype=float), requires_grad=True)


def check_three_ways(cost, params: dict, expected: dict, stable_cost=None) -> None:
    """For each name, formula `expected[name]` = autograd grad of cost() = numerical
    grad of stable_cost() (the same function; default cost) w.r.t. params[name].
    A formula may keep its own shape (the article's d_b1 is (2,) for a (1, 2) b1):
    sizes must agree, and values element by element."""
    for p in params.values():
        p.grad = None
    cost().backward()
    numeric = dict(zip(params, numerical_grad(stable_cost or cost, *params.values())))
    for name, p in params.items():
        formula = np.asarray(expected[name], dtype=float)
        assert formula.size == p.size, f"{name}: formula {formula.shape}, parameter {p.shape}"
        np.testing.assert_allclose(formula.ravel(), p.grad.ravel(), **EXACT, err_msg=name)
        np.testing.assert_allclose(formula.ravel(), numeric[name].ravel(), **NUMERIC, err_msg=name)


# ---- local derivatives --------------------------------------------------------

Z = np.linspace(-6, 6, 25) + 0.05  # no element at relu's kink


@pytest.mark.parametrize(
    "method, formula",
    [("sigmoid", formulas.sigmoid_prime), ("tanh", formulas.tanh_prime),
     ("relu", formulas.relu_prime)],
)
def test_local_derivatives(method, formula):
    z = param(Z)
    check_three_ways(lambda: getattr(z, method)().sum(), {"z": z}, {"z": formula(Z)})


def test_relu_prime_is_zero_at_the_kink_and_sigmoid_prime_is_finite_far_out():
    np.testing.assert_array_equal(formulas.relu_prime(np.array([-1.0, 0.0, 1.0])), [0, 0, 1])
    far = formulas.sigmoid_prime(np.array([-1000.0, 1000.0]))
    assert np.all(np.isfinite(far)) and np.all(far == 0)


# ---- article 003: linear regression, mean squared error -----------------------

AREA = np.array([2104.0, 1600.0, 2400.0])  # square feet
PRICE = np.array([399.9, 329.9, 369.0])  # the true price y_, in $1000
AREA10 = np.array([2104, 1600, 2400, 1416, 3000, 1985, 1534, 1427, 1380, 1494], dtype=float)
BATHS = np.array([3, 3, 3, 2, 4, 4, 3, 3, 3, 3], dtype=float)
PRICE10 = np.array([399.9, 329.9, 369.0, 232.0, 539.9, 299.9, 314.9, 198.999, 212.0, 242.5])


@pytest.mark.parametrize("W, b", [(0.180, 0.0), (0.100, 150.0), (0.0, 0.0), (-0.3, 42.0)])
def test_one_feature_mse_gradients(W, b):
    w_t, b_t = param(W), param(b)
    def cost():
        return nn.mse_loss(AREA * w_t + b_t, PRICE)
    expected = formulas.one_feature_gradients(AREA, PRICE, W, b)
    check_three_ways(cost, {"W": w_t, "b": b_t}, {"W": expected["dW"], "b": expected["db"]})


@pytest.mark.parametrize("w1, w2, b", [(0.0, 0.0, 0.0), (0.15, 20.0, -10.0), (-0.02, 3.5, 7.0)])
def test_two_feature_mse_gradients(w1, w2, b):
    w1_t, w2_t, b_t = param(w1), param(w2), param(b)
    def cost():
        return nn.mse_loss(AREA10 * w1_t + BATHS * w2_t + b_t, PRICE10)
    expected = formulas.two_feature_gradients(AREA10, BATHS, PRICE10, w1, w2, b)
    check_three_ways(cost, {"w1": w1_t, "w2": w2_t, "b": b_t},
                     {"w1": expected["dw1"], "w2": expected["dw2"], "b": expected["db"]})


def test_linear_regression_gradients_many_features():
    rng = np.random.default_rng(3)
    X, y_ = rng.normal(size=(15, 4)), rng.normal(size=15)
    w, b = param(rng.normal(size=4)), param(0.3)
    dw, db = formulas.linear_regression_gradients(X, y_, w.data.copy(), 0.3)
    check_three_ways(lambda: nn.mse_loss(X @ w + b, y_), {"w": w, "b": b}, {"w": dw, "b": db})


# ---- article 003: softmax with cross-entropy ------------------------------------


@pytest.mark.parametrize(
    "logits, labels",
    [
        ([[2.0, 4.0]], [0]),  # the article's softmax([2, 4]) = [0.11, 0.88]
        ([[-1.0, 0.0, 1.0], [1.0, 2.0, 4.0]], [2, 0]),  # its three-class rows
        (np.random.default_rng(4).normal(size=(6, 4)) * 3, [0, 3, 1, 1, 2, 0]),
    ],
)
def test_softmax_cross_entropy_gradient(logits, labels):
    logits, labels = np.array(logits), np.array(labels)
    z = param(logits)
    rows = np.arange(len(labels))
    expected = {"z": formulas.softmax_cross_entropy_gradient(logits, labels)}
    check_three_ways(lambda: -z.log_softmax(axis=1)[rows, labels].mean(), {"z": z}, expected)
    check_three_ways(lambda: nn.cross_entropy(z, labels), {"z": z}, expected)


# ---- article 004: logistic regression --------------------------------------------


def logistic_cost(X, y, w, b):
    """The article's loss, −(1/m) Σ [y log a + (1 − y) log(1 − a)], from primitives."""
    a = (X @ w + b).sigmoid()
    return -(y * a.log() + (1 - y) * (1 - a).log()).sum() / len(X)


@pytest.mark.parametrize("init", ["article", "random"])
def test_logistic_regression_gradients(init):
    rng = np.random.default_rng(5)
    X = rng.random((20, 30))  # pixel values / 255 are in [0, 1]
    y = (rng.random((20, 1)) < 0.5).astype(float)
    if init == "article":  # np.random.seed(999); w = randn(n, 1) * 0.01; b = 0
        w0, b0 = np.random.RandomState(999).randn(30, 1) * 0.01, 0.0
    else:
        w0, b0 = rng.normal(size=(30, 1)), -0.7
    w, b = param(w0), param(b0)
    expected = formulas.logistic_regression_gradients(X, y, w0, b0)
    check_three_ways(lambda: logistic_cost(X, y, w, b), {"w": w, "b": b},
                     {"w": expected["dw"], "b": expected["db"]},
                     lambda: nn.binary_cross_entropy_with_logits(X @ w + b, y))
    z = X @ w + b  # dC/dz, kept by the engine on the intermediate, is dz/m
    logistic_cost_from_z = -(y * z.sigmoid().log() + (1 - y) * (1 - z.sigmoid()).log()).mean()
    logistic_cost_from_z.backward()
    np.testing.assert_allclose(z.grad, expected["dz"] / len(X), **EXACT)


# ---- article 001: the 1-2-1 sigmoid network -------------------------------------

X_COL, Y_COL = X001.reshape(-1, 1), Y001.reshape(-1, 1)


def article001_forward(w1, b1, w2, b2):
    z1 = X_COL @ w1 + b1
    a1 = z1.sigmoid()
    z2 = a1 @ w2 + b2
    return z1, z2, z2.sigmoid()


def article001_cost(w1, b1, w2, b2):
    """The article's `cost`: −np.sum(y·log(output) + (1 − y)·log(1 − output))/12."""
    output = article001_forward(w1, b1, w2, b2)[2]
    return -(Y_COL * output.log() + (1 - Y_COL) * (1 - output).log()).sum() / 12


# The cost-landscape setting: w1 = [[p, −37.94]] for p along the plotted axis.
# (The article passes w2 as a 1-D array there; with y of shape (12, 1) that
# broadcasts its cost into a 12 × 12 matrix. We use the column (2, 1) its
# NeuralNetwork class uses, which is what the formulas are about.)
LANDSCAPE = {"b1": [[16.81, -23.41]], "w2": [[28.8], [-52.89]], "b2": -17.53}
# The scikit-learn MLPClassifier fit the article prints (coefs_, intercepts_).
SKLEARN = {"w1": [[-20.89123833, -8.09121263]], "b1": [-12.35004862, 4.62846821],
           "w2": [[-20.19430919], [17.74430684]], "b2": -8.19425129}
_rng = np.random.default_rng(1)
RANDOM = {"w1": _rng.normal(size=(1, 2)) * 3, "b1": _rng.normal(size=2),
          "w2": _rng.normal(size=(2, 1)) * 3, "b2": 0.4}
SETTINGS = [(f"landscape p={p:g}", {"w1": [[p, -37.94]], **LANDSCAPE})
            for p in (-100.0, -20.0, -3.0, 0.0, 2.5, 10.0, 60.0, 100.0)]
SETTINGS += [("sklearn", SKLEARN), ("random", RANDOM)]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("values", [v for _, v in SETTINGS], ids=[n for n, _ in SETTINGS])
def test_article001_gradients(values, reduction):
    params = {name: param(values[name]) for name in ("w1", "b1", "w2", "b2")}
    arrays = {name: np.array(values[name], dtype=float) for name in params}
    # the mean form is the gradient of the article's cost; `backprop`'s sums are of 12·cost
    factor = 1.0 if reduction == "mean" else 12.0
    def cost():
        return article001_cost(**params) * factor

    def stable_cost():
        z2 = article001_forward(**params)[1]
        return nn.binary_cross_entropy_with_logits(z2, Y_COL) * factor

    got = formulas.sigmoid_network_gradients(X_COL, Y_COL, **arrays, reduction=reduction)
    check_three_ways(cost, params, {"w1": got["d_w1"], "b1": got["d_b1"],
                                    "w2": got["d_w2"], "b2": got["d_b2"]}, stable_cost)
    # intermediates: dC/dz2 = res/m and dC/dz1 = d_b1_v/m (for the mean cost)
    z1, z2, output = article001_forward(**params)
    (-(Y_COL * output.log() + (1 - Y_COL) * (1 - output).log()).mean()).backward()
    np.testing.assert_allclose(z2.grad, got["res"] / 12, **EXACT)
    np.testing.assert_allclose(z1.grad, got["d_b1_v"] / 12, **EXACT)


def test_article001_shapes_follow_the_article():
    got = formulas.sigmoid_network_gradients(
        X_COL, Y_COL, np.ones((1, 2)), np.zeros(2), np.ones((2, 1)), 0.0)
    assert got["res"].shape == (12, 1) and got["d_b1_v"].shape == (12, 2)
    assert got["d_w1"].shape == (1, 2) and got["d_b1"].shape == (2,)
    assert got["d_w2"].shape == (2, 1) and np.ndim(got["d_b2"]) == 0


def test_article001_sklearn_parameters_classify_all_twelve_points():
    """The article reports clf.score(X, y) = 1.0 for the fit it prints."""
    w1, b1, w2, b2 = (Tensor(SKLEARN[k]) for k in ("w1", "b1", "w2", "b2"))
    output = article001_forward(w1, b1, w2, b2)[2]
    np.testing.assert_array_equal((output.data > 0.5).astype(float), Y_COL)


def test_article001_reduction_is_checked():
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum'; got 'avg'"):
        formulas.sigmoid_network_gradients(
            X_COL, Y_COL, np.ones((1, 2)), np.zeros(2), np.ones((2, 1)), 0.0, reduction="avg")


# ---- article 000: the playground's tanh/sigmoid network (samples in columns) ---


def playground_data(m=40, seed=6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))  # (n_features, m)
    y = (X[0] * X[1] > 0).astype(float).reshape(1, m)
    return X, y


@pytest.mark.parametrize("n_hidden", [1, 2, 3])
@pytest.mark.parametrize("init", ["article", "random"])
def test_article000_gradients(init, n_hidden):
    X, y = playground_data()
    if init == "article":  # np.random.seed(2); randn(n_hidden, n_features) * 0.01; biases 0
        state = np.random.RandomState(2)
        w1_0, w2_0 = state.randn(n_hidden, 2) * 0.01, state.randn(1, n_hidden) * 0.01
        b1_0, b2_0 = np.zeros((n_hidden, 1)), 0.0
    else:
        rng = np.random.default_rng(7)
        w1_0, w2_0 = rng.normal(size=(n_hidden, 2)), rng.normal(size=(1, n_hidden))
        b1_0, b2_0 = rng.normal(size=(n_hidden, 1)), -0.2
    w1, b1, w2, b2 = param(w1_0), param(b1_0), param(w2_0), param(b2_0)
    m = X.shape[1]

    def forward():
        z1 = w1 @ X + b1
        z2 = w2 @ z1.tanh() + b2
        return z1, z2

    def cost():
        a2 = forward()[1].sigmoid()
        return -(y * a2.log() + (1 - y) * (1 - a2).log()).sum() / m

    def stable_cost():
        return nn.binary_cross_entropy_with_logits(forward()[1], y)

    got = formulas.tanh_sigmoid_network_gradients(X, y, w1_0, b1_0, w2_0, b2_0)
    check_three_ways(cost, {"w1": w1, "b1": b1, "w2": w2, "b2": b2},
                     {"w1": got["dw1"], "b1": got["db1"], "w2": got["dw2"], "b2": got["db2"]},
                     stable_cost)
    assert got["db1"].shape == (n_hidden, 1) and got["dw1"].shape == (n_hidden, 2)
    z1, z2 = forward()
    a2 = z2.sigmoid()
    (-(y * a2.log() + (1 - y) * (1 - a2).log()).sum() / m).backward()
    np.testing.assert_allclose(z2.grad, got["dz2"] / m, **EXACT)
    np.testing.assert_allclose(z1.grad, got["dz1"] / m, **EXACT)
