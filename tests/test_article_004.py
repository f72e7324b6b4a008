"""Article 004: one sigmoid neuron on cat/non-cat. Needs the catvnoncat .h5 files
(in $TINYGRAD_NN_DATA or ~/.cache/tinygrad_nn); skipped without them."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import article_004_cat as article

from tinygrad_nn import Tensor, formulas, nn


def _load_or_skip() -> article.CatData:
    try:
        return article.load_data()
    except FileNotFoundError:
        pytest.skip("the catvnoncat .h5 files are not here: set TINYGRAD_NN_DATA to their folder")


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
    for name in ("loss_curves.png", "loss_curves_zeros.png", "predictions.png", "weights.png"):
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
