"""Article 004: one sigmoid neuron on cat/non-cat. Needs the catvnoncat .h5 files
(in $TINYGRAD_NN_DATA or ~/.cache/tinygrad_nn); skipped without them."""

import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import CAT_DATA_MISSING
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import article_004_cat as article

from tinygrad_nn import Tensor, formulas, nn


def _load_or_skip() -> article.CatData:
    try:
        return article.load_data()
    except FileNotFoundError:
        pytest.skip(CAT_DATA_MISSING)


@pytest.fixture(scope="module")
def data() -> article.CatData:
    return _load_or_skip()


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("004")
    return out, article.run(out, quick=True)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_data_shapes_and_scaling(data):
    assert data.X_train.shape == (209, 12288) and data.X_test.shape == (50, 12288)
    assert data.y_train.shape == (209, 1) and set(np.unique(data.y_train)) == {0.0, 1.0}
    assert 0.0 <= data.X_train.min() and data.X_train.max() <= 1.0


def test_first_step_gradient_is_the_articles_formula(data):
    """On the real data, before any update: autograd's dw, db equal
    dw = Xᵀ(a − y)/m and db = mean(a − y), written out here and in `formulas`."""
    neuron = article.make_neuron(12288, "article")
    cost = nn.binary_cross_entropy(neuron(Tensor(data.X_train)), data.y_train)
    cost.backward()
    w, b = neuron[0].weight, neuron[0].bias

    a = _sigmoid(data.X_train @ w.data + b.data)
    residual = a - data.y_train
    by_hand_dw = data.X_train.T @ residual / len(data.X_train)
    by_hand_db = residual.mean()
    np.testing.assert_allclose(w.grad, by_hand_dw, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(b.grad, [by_hand_db], rtol=1e-10)

    article_formula = formulas.logistic_regression_gradients(
        data.X_train, data.y_train, w.data, float(b.data[0]))
    np.testing.assert_allclose(w.grad, article_formula["dw"], rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(b.grad, [article_formula["db"]], rtol=1e-10)
    assert np.abs(w.grad).max() > 1e-4  # a real gradient, not zeros compared with zeros


def test_article_init_is_its_seeded_draw():
    """w = np.random.seed(999); randn(12288, 1) * 0.01, b = 0, as the article's code."""
    neuron = article.make_neuron(12288, "article")
    np.random.seed(999)
    np.testing.assert_array_equal(neuron[0].weight.data, np.random.randn(12288, 1) * 0.01)
    assert neuron[0].bias.data.tolist() == [0.0]


def test_unknown_init_is_refused():
    with pytest.raises(ValueError, match="init must be 'article' or 'zeros'; got 'he'"):
        article.make_neuron(3, "he")


def test_quick_run_accuracies_are_those_of_its_weights(quick_run, data):
    """The reported accuracies, recomputed here from the returned weights."""
    _, report = quick_run
    values = report.values
    for prefix in ("", "zeros_"):
        w, b = values[f"{prefix}w"], values[f"{prefix}b"]
        train_acc = np.mean((_sigmoid(data.X_train @ w + b) > 0.5) == (data.y_train == 1))
        test_acc = np.mean((_sigmoid(data.X_test @ w + b) > 0.5) == (data.y_test == 1))
        assert values[f"{prefix}train_accuracy"] == pytest.approx(train_acc, abs=1e-12)
        assert values[f"{prefix}test_accuracy"] == pytest.approx(test_acc, abs=1e-12)


def test_quick_run_learns(quick_run):
    """After 200 steps the cost has fallen from ln 2-ish and the training accuracy
    is well above the 66% that 'always non-cat' gets (the notebook: 82% at 200)."""
    _, report = quick_run
    history = report.values["history"]
    assert len(history.train_cost) == report.values["iterations"] + 1
    assert report.values["start_cost"] == pytest.approx(0.72463, abs=5e-6)  # the article's print
    assert history.train_cost[-1] < 0.5 < history.train_cost[0]
    assert report.values["train_accuracy"] > 0.75
    assert report.values["zeros_train_accuracy"] > 0.75


def test_figures_are_written(quick_run):
    out, _ = quick_run
    for name in ("loss_curves.png", "loss_curves_zeros.png", "predictions.png", "weights.png",
                 "curvature.png"):
        with Image.open(out / name) as image:
            assert image.format == "PNG" and min(image.size) > 100


def test_untrained_neuron_scores_what_the_notebook_prints(data):
    """Step 0 of the article's notebook: cost 0.72463 and train accuracy 0.45455,
    computed here from the seeded initial weights alone."""
    neuron = article.make_neuron(12288, "article")
    train_cost, train_accuracy = article.evaluate(neuron, data.X_train, data.y_train)
    assert train_cost == pytest.approx(0.72463, abs=5e-6)
    assert train_accuracy == pytest.approx(95 / 209)


def test_quick_run_follows_the_notebooks_printout(quick_run):
    """The notebook prints, every 100 steps, the training cost of that forward pass
    and the test accuracy after that step's update."""
    history = quick_run[1].values["history"]
    for step, cost, test_accuracy in ((0, 0.72463, 0.34), (100, 0.58224, 0.34)):
        assert history.train_cost[step] == pytest.approx(cost, abs=5e-6)
        assert history.test_accuracy[step + 1] == pytest.approx(test_accuracy)
    assert history.train_cost[200] == pytest.approx(0.46335, abs=5e-6)


def _zigzag_history(steps: int) -> article.History:
    """A run whose every curve jumps between two values on alternate steps, as the
    first few hundred steps of the real run do."""
    t = np.arange(steps + 1)
    swing = np.where(t % 2 == 0, 1.0, -1.0) * np.exp(-t / 100)
    return article.History(train_cost=list(0.5 + 0.1 * swing), test_cost=list(0.8 + 0.4 * swing),
                           train_accuracy=list(0.8 + 0.1 * swing),
                           test_accuracy=list(0.6 + 0.2 * swing))


def test_curves_draw_no_line_that_zigzags_step_by_step(tmp_path):
    """A line that changes direction at every step fills its envelope with solid
    colour; drawn as two lines, the even steps and the odd ones, each is smooth."""
    figure = article.draw_curves(_zigzag_history(400), "test", tmp_path / "curves.png")
    lines = [line for ax in figure.axes for line in ax.get_lines()]
    assert len(lines) == 8  # train and test, even and odd steps, in both panels
    for line in lines:
        turns = np.diff(np.sign(np.diff(line.get_ydata())))
        assert np.count_nonzero(turns) == 0, f"{line.get_label()!r} zigzags"


def test_the_curvature_figure_draws_the_cost_as_even_and_odd_steps_too(tmp_path):
    curvature = article.Curvature(params=[], every=40, steps=[0, 1, 40, 41], top=[540.0, 230.0,
                                                                              480.0, 180.0])
    figure = article.draw_curvature(curvature, _zigzag_history(400), tmp_path / "curvature.png")
    cost_lines = figure.axes[1].get_lines()
    assert len(cost_lines) == 2  # the even steps and the odd ones
    for line in cost_lines:
        turns = np.diff(np.sign(np.diff(line.get_ydata())))
        assert np.count_nonzero(turns) == 0, f"{line.get_label()!r} zigzags"


def test_power_iteration_finds_the_top_eigenvalue_of_a_known_matrix():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(6, 6)))[0]
    M = basis @ np.diag([5.0, 3.0, 2.0, 1.0, 0.5, 0.0]) @ basis.T
    value, (vector,) = article.top_eigenvalue(lambda v: [M @ v[0]], [np.ones(6)], tol=1e-13)
    np.testing.assert_allclose(value, 5.0, rtol=1e-9)
    np.testing.assert_allclose(np.abs(vector @ basis[:, 0]), 1.0, rtol=1e-6)


def test_hessian_times_is_the_logistic_hessian_formula():
    """H·v by autograd = Xₐᵀ·diag(a(1 − a))·Xₐ·v/m on a small random neuron."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 4)), rng.integers(0, 2, (7, 1)).astype(float)
    w = Tensor(rng.normal(size=(4, 1)), requires_grad=True)
    b = Tensor(np.array([0.3]), requires_grad=True)
    a = (X @ w + b).sigmoid()
    v = [rng.normal(size=(4, 1)), rng.normal(size=1)]
    hv = article.hessian_times(nn.binary_cross_entropy(a, y), [w, b])(v)
    Xa = np.column_stack([X, np.ones(7)])
    expected = Xa.T @ (a.data * (1 - a.data) * (Xa @ np.r_[v[0][:, 0], v[1]])[:, None]) / 7
    np.testing.assert_allclose(np.r_[hv[0][:, 0], hv[1]], expected[:, 0], rtol=1e-12)


def test_the_starting_curvature_is_the_top_eigenvalue_of_the_small_gram_matrix(quick_run, data):
    """Xₐᵀ·D·Xₐ/m (12289²) has the nonzero eigenvalues of D½·Xₐ·Xₐᵀ·D½/m (209²)."""
    neuron = article.make_neuron(data.X_train.shape[1], "article")
    a = neuron(Tensor(data.X_train)).data
    Xa = np.column_stack([data.X_train, np.ones(len(data.X_train))])
    root = np.sqrt(a * (1 - a))
    expected = np.linalg.eigvalsh(root * (Xa @ Xa.T) * root.T / len(Xa))[-1]
    report = quick_run[1]
    np.testing.assert_allclose(report.values["top_curvature_start"], expected, rtol=1e-6)
    assert report.values["convex"] < 1e-12
