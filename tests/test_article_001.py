"""Article 001 reproduced: scikit-learn's parameters classify all twelve points, the
cost landscape is not convex, gradient descent from the article's start gets 12/12."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import article_001_twelve_points as article

from tinygrad_nn import Tensor, hessian, nn

FIGURES = ["data.png", "first_try.png", "sklearn_fit.png", "hand_picked_fit.png", "cost_w1.png",
           "cost_surface.png", "curvature.png", "training.png", "trained_fit.png"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("001")
    return out_dir, article.run(out_dir, quick=True)


@pytest.fixture
def data():
    X, labels = article.datasets.twelve_points()
    return X, labels.astype(float)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_sklearn_parameters_classify_all_twelve(run):
    assert run[1].values["sklearn_correct"] == 12


def test_hand_derived_gradients_equal_autograd(run):
    assert run[1].values["gradient_difference"] < 1e-12


def test_hand_picked_parameters_are_not_good(run):
    assert run[1].values["hand_picked_correct"] < 12


def test_network_computes_the_articles_feedforward(data):
    X, y = data
    model = article.set_parameters(article.make_network(), article.SKLEARN)
    w1, b1, w2, b2 = (article.SKLEARN[:2], article.SKLEARN[2:4], article.SKLEARN[4:6],
                      article.SKLEARN[6])
    a1 = sigmoid(X * w1 + b1)
    output = sigmoid(a1 @ w2 + b2)
    _, ours = article.hidden_and_output(model, X[:, 0])
    np.testing.assert_allclose(ours, output, rtol=1e-12)
    expected_cost = -np.mean(y[:, 0] * np.log(output) + (1 - y[:, 0]) * np.log(1 - output))
    assert article.cost(model, X, y) == pytest.approx(expected_cost, rel=1e-10)


def test_parameters_round_trip_in_the_articles_order():
    model = article.set_parameters(article.make_network(), np.arange(7.0))
    np.testing.assert_array_equal(model[0].weight.data, [[0.0, 1.0]])
    np.testing.assert_array_equal(model[2].weight.data, [[4.0], [5.0]])
    np.testing.assert_array_equal(article.get_parameters(model), np.arange(7.0))


def test_start_is_the_articles_np_random_rand():
    rng = np.random.RandomState(article.SEED)
    w1, w2 = rng.rand(1, 2), rng.rand(2, 1)
    model = article.make_network()
    np.testing.assert_array_equal(model[0].weight.data, w1)
    np.testing.assert_array_equal(model[2].weight.data, w2)
    assert not model[0].bias.data.any() and not model[2].bias.data.any()


def test_cost_as_printed_sums_every_label_against_every_output(data):
    """With 4 ones and 8 zeros among the labels, the 12×12 sum is
    −(1/12) Σⱼ [4 log ŷⱼ + 8 log(1 − ŷⱼ)]."""
    X, y = data
    model = article.set_parameters(article.make_network(), article.LANDSCAPE_BASE)
    _, output = article.hidden_and_output(model, X[:, 0])
    expected = -np.sum(4 * np.log(output) + 8 * np.log(1 - output)) / 12
    assert article.cost_as_printed(model, X, y) == pytest.approx(expected, rel=1e-12)


def test_local_minima_of_known_curves():
    t = np.linspace(0, 6 * np.pi, 601)
    assert len(article.local_minima(np.cos(t))) == 3  # at π, 3π, 5π
    assert article.local_minima(np.array([3.0, 2, 1, 1, 1, 2, 3])).tolist() == [2]
    assert len(article.local_minima(np.arange(10.0))) == 0
    assert len(article.local_minima(np.array([1.0, 0.0, 1.0, 1.0, 1.0]))) == 1


def test_landscape_is_not_convex_and_its_minimum_classifies_all(run, data):
    X, y = data
    values = run[1].values
    _, costs = values["landscape"]
    assert np.any(np.diff(costs, 2) < -1e-9)  # "not convex at all"
    assert values["landscape_minima"] >= 1
    assert values["landscape_minima_as_printed"] > 1
    best = article.LANDSCAPE_BASE.copy()
    best[0] = values["landscape_argmin"]
    assert article.n_correct(article.set_parameters(article.make_network(), best), X, y) == 12


def test_training_from_the_articles_start_gets_all_twelve(run):
    values = run[1].values
    assert values["trained_correct"] == 12
    history = values["history"]
    assert 0 < values["first_all_correct"] <= len(history.costs) - 1
    assert history.costs[-1] < history.costs[0] / 10
    assert history.parameters.shape == (len(history.costs), 7)


def test_figures_and_animation(run):
    out_dir = run[0]
    for name in FIGURES:
        data = (out_dir / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, name
    for name in ("training.gif", "cost_training.gif"):
        with Image.open(out_dir / name) as gif:
            assert gif.format == "GIF" and gif.n_frames >= 5, name


def test_the_articles_first_try_is_on_left_of_minus_one_and_misses_seven(run, data):
    X, y = data
    on = sigmoid(-11 * X[:, 0] - 11) > 0.5
    assert on.tolist() == (X[:, 0] < -1).tolist()
    assert run[1].values["first_try_correct"] == np.sum(on == (y[:, 0] == 1)) == 5


def test_batched_hessians_are_each_networks_own(data):
    """hessians_in_w1 at several points at once equals hessian() of one network at a
    time, and central second differences of the plotted cost where σ does not saturate."""
    X, y = data
    points = np.array([[-1.5, 2.0], [3.0, -0.5], [-23.3, -37.94]])
    batched = article.hessians_in_w1(points, X, y)
    rest = article.LANDSCAPE_BASE
    for point, H in zip(points, batched):
        w1 = Tensor(point.reshape(1, 2), requires_grad=True)
        def point_cost(w1=w1):
            logits = (X @ w1 + rest[2:4]).sigmoid() @ rest[4:6].reshape(2, 1) + rest[6]
            return nn.binary_cross_entropy_with_logits(logits, y)

        one = hessian(point_cost, w1)
        np.testing.assert_allclose(H, one.reshape(2, 2), rtol=1e-10, atol=1e-14)
    step, model, (w_0, w_1) = 1e-2, article.make_network(), points[2]  # second differences: error O(step²)
    cost_at = lambda w: article.cost(article.set_parameters(model, np.r_[w, w_1, rest[2:]]), X, y)
    second = (cost_at(w_0 + step) - 2 * cost_at(w_0) + cost_at(w_0 - step)) / step**2
    np.testing.assert_allclose(batched[2, 0, 0], second, rtol=1e-3)


def test_the_curvature_map_finds_the_cost_curving_down(run):
    report = run[1]
    smallest = report.values["curvature"]
    q, surface = report.values["surface"]
    assert smallest.shape == surface.shape == (len(q), len(q))
    assert smallest.min() < -1e-2 and smallest.max() > 1e-2
    assert report.values["curvature_surface"] == np.mean(smallest < article.CONCAVE_BELOW)
    assert 0.0 < report.values["curvature_w1"] < 1.0


def test_the_share_that_curves_down_does_not_hang_on_rounding(run):
    """Counted below CONCAVE_BELOW, the share of the w1[0] grid that curves down is the same
    by second differences and by autograd's Hessian, to a point in a hundred."""
    report = run[1]
    p, costs = report.values["landscape"]
    by_differences = article.concave_share(costs, p[1] - p[0])
    assert abs(by_differences - report.values["curvature_w1"]) < 0.01
    assert 0.1 < by_differences < 0.3
