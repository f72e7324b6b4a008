"""Article 002: logistic regression, hidden neurons, activations, relu vs sigmoid."""

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import article_002_visual_intro as article

from tinygrad_nn import no_grad


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
    curves = values["deep_curves"]
    for name in ("relu", "sigmoid"):
        assert curves[f"{name}, train"][-1] < curves[f"{name}, train"][0]
    (epoch, counts), = values["deep_solved"].items()
    assert counts["relu"] >= article.DEEP_STARTS[True] - 1 and counts["sigmoid"] == 0
    firsts = values["deep_first_epochs"]["relu"]
    assert counts["relu"] == sum(e is not None and e <= epoch for e in firsts)


def test_figures_are_written(quick_run):
    out, report = quick_run
    for name in ("logistic_regression.png", "one_neuron.png", "hidden_neurons.png",
                 "three_classes.png", "relu_vs_sigmoid.png", "playground.png",
                 "playground_curves.png"):
        with Image.open(out / name) as image:
            assert image.format == "PNG" and min(image.size) > 200
    relu_run = report.values["playground_runs"]["pg_442_relu"]
    with Image.open(out / "boundary_forming.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == len(relu_run.snapshots) >= 3


# ---- TensorFlow Playground's experiments --------------------------------------------


def _train_loss(quick_run, key):
    return quick_run[1].values[f"{key}_train"]


def test_playground_one_neuron_is_clearly_worse_than_eight(quick_run):
    one, eight = _train_loss(quick_run, "pg_1"), _train_loss(quick_run, "pg_8")
    assert one > 0.46  # a line through the spiral: barely below 0.5, the loss of output 0
    assert eight < one - 0.02


def test_playground_three_neurons_sit_near_the_articles_average_loss(quick_run):
    three = _train_loss(quick_run, "pg_3")
    assert abs(three - 0.473) < 0.03 and three < _train_loss(quick_run, "pg_1")


def test_playground_more_tanh_neurons_fit_the_training_points_better(quick_run):
    losses = [_train_loss(quick_run, key) for key in ("pg_1", "pg_3", "pg_5", "pg_8")]
    assert losses == sorted(losses, reverse=True)


def test_playground_sigmoid_442_barely_moves_and_relu_442_beats_it(quick_run):
    sigmoid, relu = _train_loss(quick_run, "pg_442_sigmoid"), _train_loss(quick_run, "pg_442_relu")
    assert sigmoid > 0.49  # three sigmoid layers: the gradient reaching the first one vanishes
    assert relu < sigmoid - 0.05


def test_playground_one_layer_of_eight_relu_does_not_reach_442_relu(quick_run):
    assert _train_loss(quick_run, "pg_8_relu") > _train_loss(quick_run, "pg_442_relu")


def test_playground_rows_report_the_median_of_the_runs(quick_run):
    values = quick_run[1].values
    for experiment in article.PLAYGROUND_EXPERIMENTS:
        run = values["playground_runs"][experiment.key]
        epochs = article.PLAYGROUND_EPOCHS[True]
        assert run.test.shape == (epochs + 1, article.PLAYGROUND_SEEDS[True])
        assert values[experiment.key] == np.median(run.test[-1])
        assert values[f"{experiment.key}_train"] == np.median(run.train[epochs])


def test_the_playgrounds_other_sets_fall_to_three_neurons_where_the_spiral_does_not(quick_run):
    values = quick_run[1].values
    spiral_three = values["pg_3"]
    for kind in article.PLAYGROUND_OTHER_DATA:
        losses = values[f"pg_{kind}"]
        assert losses[3] < 0.25 < spiral_three, (kind, losses, spiral_three)
        assert losses[8] <= losses[1] + 0.02, (kind, losses)


def test_each_claim_row_says_whether_every_world_holds_it(quick_run):
    """A claim's row begins 'holds' when every world's comparison came out true,
    'contradicted' when none did, 'undecided' otherwise; the comparisons are those of
    the median curves, and the first world is the one the figures show."""
    report = quick_run[1]
    claims = [key for key in report.values if key.startswith("claim_")]
    assert len(claims) == 5
    words = {True: "holds: ", False: "contradicted: ", None: "undecided: "}
    for key in claims:
        assert report.shown[key].startswith(words[report.values[key]]), (key, report.shown[key])
    worlds, runs = report.values["playground_worlds"], report.values["playground_runs"]
    assert len(worlds) == article.CHAOS_RUNS[True] and worlds[0] is runs
    relu_ends = {np.median(world["pg_442_relu"].test[-1]) < article.NEAR_ZERO for world in worlds}
    assert report.values["claim_relu_perfect"] == (relu_ends.pop() if len(relu_ends) == 1 else None)
    reached = report.values["pg_reached"]
    for key, run in runs.items():
        curve = np.median(run.test, axis=1)
        assert reached[key] == article.first_epoch_below(curve, article.PLAYGROUND_LEVEL)


def test_only_the_chaotic_networks_run_again_a_few_ulps_apart(monkeypatch):
    """Each world has its own run of a chaotic network (4-4-2 relu, 8 relu), one ulp
    further from the start than the world before; every other network is the same run
    in every world."""
    monkeypatch.setitem(article.CHAOS_RUNS, True, 2)
    monkeypatch.setitem(article.PLAYGROUND_EPOCHS, True, 3)
    worlds = article.playground_worlds(True, article.playground_data([0, 1]), [0, 1], np.array([1]))
    assert len(worlds) == 2
    first, second = worlds
    for experiment in article.PLAYGROUND_EXPERIMENTS:
        assert (first[experiment.key] is second[experiment.key]) is not experiment.chaotic
    relu, nudged = first["pg_442_relu"].networks, second["pg_442_relu"].networks
    start = article.PlaygroundNetworks((4, 4, 2), "relu", [0, 1]).weights[0].data
    assert not np.array_equal(relu.weights[0].data, nudged.weights[0].data)
    assert first["pg_442_relu"].snapshots and not second["pg_442_relu"].snapshots
    np.testing.assert_allclose(relu.weights[0].data, start, atol=0.1)  # three epochs from it


def test_a_row_says_when_worlds_differ_on_the_epoch_reached():
    assert article.shown_epochs([1640, 1650, 1580], 3600) == "2,000"
    assert article.shown_epochs([1641, 1642], 3600) == "1,600"
    assert article.shown_epochs([1640, 2050], 3600) == "1,000–2,000"
    assert article.shown_epochs([1640, None], 3600) == "1,600 or > 3,600"
    assert article.shown_epochs([None, None], 3600) == "> 3,600"


def test_playground_networks_side_by_side_train_as_one_by_one():
    """Stacking seeds into one batched network changes nothing for any of them."""
    both = article.train_playground(article.PlaygroundNetworks((3,), "tanh", [0, 1]),
                                    article.playground_data([0, 1]), epochs=3)
    alone = article.train_playground(article.PlaygroundNetworks((3,), "tanh", [1]),
                                     article.playground_data([1]), epochs=3)
    np.testing.assert_allclose(both.test[:, 1], alone.test[:, 0], rtol=1e-13)
    np.testing.assert_allclose(both.train[3][1], alone.train[3][0], rtol=1e-13)
    np.testing.assert_allclose(both.networks.weights[0].data[1], alone.networks.weights[0].data[0],
                               rtol=1e-13)


def test_playground_train_losses_are_measured_where_they_are_read():
    """The train loss at the last epoch, the snapshots' and the asked ones, each the loss of
    the weights of its epoch; the test loss after every epoch."""
    data = article.playground_data([0, 1])
    run = article.train_playground(article.PlaygroundNetworks((3,), "tanh", [0, 1]), data,
                                   epochs=4, snapshot_epochs=(2,), train_loss_epochs=(1,))
    assert sorted(run.train) == [1, 2, 4] and run.test.shape == (5, 2) and run.epochs == 4
    for epoch in (4, 2):  # the last first: the networks hold its weights
        if epoch in run.snapshots:
            run.networks.load_state_dict(run.snapshots[epoch])
        with no_grad():
            output = run.networks(data["X_train"]).data
        np.testing.assert_array_equal(run.train[epoch],
                                      article.half_squared_errors(output, data["y_train"]))


def _playground_epoch_by_hand(w1, b1, w2, b2, X, labels):
    """One epoch as the Playground's nn.ts runs it, point by point: derivatives summed
    over 10 points, then weight −= 0.03 · sum / 10. One tanh hidden layer, tanh output."""
    sums = [np.zeros_like(p) for p in (w1, b1, w2, b2)]
    for i, (x, label) in enumerate(zip(X, labels)):
        hidden = np.tanh(x @ w1 + b1)
        output = np.tanh(hidden @ w2 + b2)
        d_out = (output - label) * (1 - output**2)
        d_hidden = (w2 @ d_out) * (1 - hidden**2)
        for total, grad in zip(sums, (np.outer(x, d_hidden), d_hidden, np.outer(hidden, d_out),
                                      d_out)):
            total += grad
        if (i + 1) % 10 == 0:
            for param, total in zip((w1, b1, w2, b2), sums):
                param -= 0.03 * total / 10
                total[...] = 0
    return w1, b1, w2, b2


def test_playground_training_is_the_playgrounds_update_rule():
    networks = article.PlaygroundNetworks((3,), "tanh", [4])
    start = [p.data[0].copy() for p in (*networks.weights, *networks.biases)]
    w1, w2, b1, b2 = start
    assert np.all(np.abs(np.concatenate([w1.ravel(), w2.ravel()])) <= 0.5)
    assert np.all(np.concatenate([b1.ravel(), b2.ravel()]) == 0.1)
    data = article.playground_data([4])
    article.train_playground(networks, data, epochs=1)
    expected = _playground_epoch_by_hand(w1, b1[0], w2, b2[0], data["X_train"][0],
                                         data["y_train"][0, :, 0])
    ours = (networks.weights[0], networks.biases[0], networks.weights[1], networks.biases[1])
    for mine, theirs in zip(ours, expected):
        np.testing.assert_allclose(mine.data[0].reshape(theirs.shape), theirs, rtol=1e-12)


def test_identity_units_draw_no_lines_that_would_bury_the_boundary(quick_run):
    """An identity unit bends nothing, so its line w·x + b = 0 is no crease of the
    boundary; 30 of them drawn would only hide it. Relu units keep their lines."""
    values = quick_run[1].values
    assert article.hidden_lines(values["identity_model"]) == []
    assert len(article.hidden_lines(values["hidden_30_model"])) == 30
