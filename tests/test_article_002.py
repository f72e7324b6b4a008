"""Article 002: logistic regression, hidden neurons, activations, relu vs sigmoid."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import article_002_visual_intro as article


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("002")
    return out, article.run(out, quick=True)


NUMPY_LAYERS = {
    "Identity": lambda layer, a: a,
    "Linear": lambda layer, a: a @ layer.weight.data + layer.bias.data,
    "ReLU": lambda layer, a: np.maximum(a, 0),
    "Sigmoid": lambda layer, a: 1 / (1 + np.exp(-a)),
}


def _logit(model, points: np.ndarray) -> np.ndarray:
    """The network's output logit, computed here in numpy from its weights; a
    layer this does not know is an error, not skipped."""
    a = points
    for layer in model:
        a = NUMPY_LAYERS[type(layer).__name__](layer, a)
    np.testing.assert_allclose(a, model(points).data, rtol=1e-12, atol=1e-12)
    return a[:, 0]


def _is_affine(model, rng) -> bool:
    """f(αx + (1−α)x′) = αf(x) + (1−α)f(x′) on random points and α, to 1e-9."""
    x, x_other = rng.uniform(-3, 3, size=(2, 500, 2))
    alpha = rng.uniform(-2, 3, size=(500, 1))
    mixed = _logit(model, alpha * x + (1 - alpha) * x_other)
    combined = alpha[:, 0] * _logit(model, x) + (1 - alpha[:, 0]) * _logit(model, x_other)
    return bool(np.allclose(mixed, combined, rtol=0, atol=1e-9))


def test_thirty_identity_neurons_compute_an_affine_function(quick_run):
    """Linear activations compose into one affine map: the boundary is a line. The
    same check fails for 30 relu neurons, so it can tell the two apart."""
    values = quick_run[1].values
    rng = np.random.default_rng(0)
    assert _is_affine(values["identity_model"], rng)
    assert not _is_affine(values["hidden_30_model"], rng)


def test_logistic_regression_works_only_on_linear_data(quick_run):
    values = quick_run[1].values
    assert values["logistic_linear"] == 1.0
    assert values["logistic_circles"] < 0.7


def test_one_neuron_fails_with_every_activation(quick_run):
    values = quick_run[1].values
    for activation in article.ACTIVATIONS:
        assert values[f"one_neuron_{activation}"] < 0.8, activation
    assert values["identity_30"] < 0.7


def test_more_neurons_lower_the_error_and_six_reach_100_percent(quick_run):
    values = quick_run[1].values
    best = {size: values[f"hidden_{size}"] for size in article.HIDDEN_SIZES}
    assert best[2] < best[3] < best[6] == 1.0
    assert best[8] == best[30] == 1.0
    assert all(a == 1.0 for a in values["hidden_30_accuracies"])  # every start


def test_reported_accuracies_are_those_of_the_models(quick_run):
    values = quick_run[1].values
    X, y = values["data"]["circles"]
    for size in article.HIDDEN_SIZES:
        numpy_accuracy = np.mean((_logit(values[f"hidden_{size}_model"], X) > 0) == (y == 1))
        assert values[f"hidden_{size}"] == pytest.approx(numpy_accuracy, abs=1e-12)


def test_three_classes_with_six_neurons(quick_run):
    assert quick_run[1].values["three_classes"] >= 0.9


def test_relu_converges_faster_than_sigmoid(quick_run):
    values = quick_run[1].values
    assert values["deep_relu_loss"] < 0.5 * values["deep_sigmoid_loss"]
    curves = values["deep_curves"]
    for name in ("relu", "sigmoid"):
        assert curves[f"{name}, train"][-1] < curves[f"{name}, train"][0]
    relu_epoch = values["deep_epochs_to_solve"]["relu"]
    assert relu_epoch is not None and curves["sigmoid, train"][relu_epoch] > article.SOLVED_COST


def test_figures_are_written(quick_run):
    out, _ = quick_run
    for name in ("logistic_regression.png", "one_neuron.png", "hidden_neurons.png",
                 "three_classes.png", "relu_vs_sigmoid.png"):
        with Image.open(out / name) as image:
            assert image.format == "PNG" and min(image.size) > 200
    with Image.open(out / "boundary_forming.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == len(article.GIF_EPOCHS[True])
