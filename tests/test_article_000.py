"""Article 000: the playground's two-layer tanh/sigmoid network on blobs, circles, moons."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import article_000_playground as article

from tinygrad_nn import Tensor, formulas, nn


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("000")
    return out, article.run(out, quick=True)


def test_init_is_the_articles_seeded_draw():
    """np.random.seed(2); w1 = randn(h, 2)·0.01; w2 = randn(1, h)·0.01; our layers hold
    the transposes."""
    network = article.make_network(3)
    np.random.seed(2)
    w1 = np.random.randn(3, 2) * 0.01
    w2 = np.random.randn(1, 3) * 0.01
    np.testing.assert_array_equal(network[0].weight.data, w1.T)
    np.testing.assert_array_equal(network[2].weight.data, w2.T)
    assert not network[0].bias.data.any() and not network[2].bias.data.any()


def test_engine_gradients_are_the_articles_backprop():
    """On the moons, at the start: autograd equals model.py's dz2, dw2, ..., db1
    (samples in columns there, so w1 and dw1 are transposed)."""
    X, y = article.DATA_SETS["moons"]()
    network = article.make_network(3)
    network[0].bias.data[...] = [0.1, -0.2, 0.3]  # non-zero, to check the bias path too
    cost = nn.binary_cross_entropy(network(Tensor(X)), y.reshape(-1, 1).astype(float))
    cost.backward()
    first, second = network[0], network[2]
    by_hand = formulas.tanh_sigmoid_network_gradients(
        X.T, y.reshape(1, -1), first.weight.data.T, first.bias.data.reshape(-1, 1),
        second.weight.data.T, float(second.bias.data[0]))
    np.testing.assert_allclose(first.weight.grad, by_hand["dw1"].T, rtol=1e-10, atol=1e-16)
    np.testing.assert_allclose(first.bias.grad, by_hand["db1"][:, 0], rtol=1e-10, atol=1e-16)
    np.testing.assert_allclose(second.weight.grad, by_hand["dw2"].T, rtol=1e-10, atol=1e-16)
    np.testing.assert_allclose(second.bias.grad, [by_hand["db2"]], rtol=1e-10, atol=1e-16)


def test_one_hidden_unit_draws_one_line(quick_run):
    """With one unit the output σ(w2·tanh(s) + b2) is monotone in s = w1·x + b1, so
    the predicted class changes at most once along s: the boundary is a line."""
    _, report = quick_run
    rng = np.random.default_rng(1)
    points = rng.uniform(-2, 3, size=(2000, 2))
    for name in article.DATA_SETS:
        network = report.values["networks"][name, 1]
        s = points @ network[0].weight.data[:, 0] + network[0].bias.data[0]
        predicted = article.predict_proba(network)(points[np.argsort(s)]) > 0.5
        assert np.count_nonzero(np.diff(predicted)) <= 1, name


def test_accuracies_follow_the_articles_insights(quick_run):
    _, report = quick_run
    values = report.values
    for n_hidden in article.HIDDEN_UNITS:  # two separated blobs: any network
        assert values[f"accuracy_blobs_{n_hidden}"] == 1.0
    assert values["accuracy_circles_1"] < 0.8  # one line cannot enclose the inner circle
    assert values["accuracy_circles_2"] > values["accuracy_circles_1"]
    assert values["accuracy_circles_3"] >= 0.95
    assert values["accuracy_moons_1"] < 0.9 and values["accuracy_moons_2"] < 0.95
    assert values["accuracy_moons_3"] >= 0.95


def test_reported_accuracies_are_those_of_the_networks(quick_run):
    _, report = quick_run
    for (name, n_hidden), network in report.values["networks"].items():
        X, y = report.values["data"][name]
        a1 = np.tanh(X @ network[0].weight.data + network[0].bias.data)
        z2 = a1 @ network[2].weight.data + network[2].bias.data
        assert report.values[f"accuracy_{name}_{n_hidden}"] == np.mean((z2[:, 0] > 0) == (y == 1))


def test_figures_are_written(quick_run):
    out, _ = quick_run
    for name in ("grid.png", "data.png"):
        with Image.open(out / name) as image:
            assert image.format == "PNG" and min(image.size) > 200
