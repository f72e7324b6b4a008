"""The playground's logic without a browser: settings checks, training on the
engine, the callbacks' results, the server's start."""

from __future__ import annotations

import base64
import dataclasses
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dash", reason="the playground needs dash: pip install -e '.[playground]'")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))

import itertools

from dash import no_update
from playground import app, figures
from playground.model import Playground, build_network
from playground.settings import Settings, SettingsError, parse_settings

from tinygrad_nn import gradcheck, nn

TEXT_FIELDS = ("n_points", "learning_rate", "batch_size", "seed")


def raw(**changes) -> dict:
    """The controls' values as the page sends them: text fields as strings."""
    values = dataclasses.asdict(Settings()) | changes
    return {k: str(v) if k in TEXT_FIELDS and not isinstance(v, str) else v
            for k, v in values.items()}


def new_session() -> str:
    return uuid.uuid4().hex


# ---- settings ----------------------------------------------------------------------


def test_the_page_defaults_are_valid_settings():
    assert parse_settings(raw()) == Settings()


def test_text_fields_are_parsed_to_numbers():
    settings = parse_settings(raw(n_points=" 300 ", learning_rate="0.05", batch_size="7",
                                  seed="42"))
    assert (settings.n_points, settings.learning_rate, settings.batch_size, settings.seed) == (
        300, 0.05, 7, 42)


@pytest.mark.parametrize("field, value, message", [
    ("dataset", "donut", r"Data set: choose one of blobs, circles, moons, xor, spiral, gauss"),
    ("noise", -0.1, r"Noise: must be from 0 to 1"),
    ("noise", 1.5, r"Noise: must be from 0 to 1"),
    ("n_points", "0", r"Number of points: must be from 10 to 1000 \(got '0'\)"),
    ("n_points", "abc", r"Number of points: expected a whole number from 10 to 1000"),
    ("n_points", "12.5", r"Number of points: expected a whole number"),
    ("n_points", "", r"Number of points: expected a whole number"),
    ("train_percent", 95, r"Training share \(%\): must be from 10 to 90"),
    ("hidden_layers", 5, r"Hidden layers: must be from 0 to 4"),
    ("units", 0, r"Units per hidden layer: must be from 1 to 8"),
    ("units", 9, r"Units per hidden layer: must be from 1 to 8"),
    ("activation", "softplus", r"Activation: choose one of tanh, sigmoid, relu, identity"),
    ("learning_rate", "abc", r"Learning rate: expected a number from 1e-05 to 10 \(got 'abc'\)"),
    ("learning_rate", "0", r"Learning rate: must be from 1e-05 to 10"),
    ("learning_rate", "-0.1", r"Learning rate: must be from 1e-05 to 10"),
    ("learning_rate", "nan", r"Learning rate: expected a number"),
    ("learning_rate", None, r"Learning rate: expected a number"),
    ("optimizer", "RMSprop", r"Optimizer: choose one of SGD, Adam"),
    ("batch_size", "0", r"Batch size: must be from 1 to 1000"),
    ("seed", "-1", r"Seed: must be from 0 to 4.29497e\+09"),
    ("seed", "1.5", r"Seed: expected a whole number"),
])
def test_each_bad_value_is_refused_with_a_message_naming_its_control(field, value, message):
    with pytest.raises(SettingsError, match=message):
        parse_settings(raw(**{field: value}))


def test_every_bad_control_is_listed_at_once():
    with pytest.raises(SettingsError) as error:
        parse_settings(raw(n_points="0", learning_rate="abc"))
    assert str(error.value).splitlines() == [
        "Number of points: must be from 10 to 1000 (got '0').",
        "Learning rate: expected a number from 1e-05 to 10 (got 'abc').",
    ]


def test_batch_size_cannot_exceed_the_training_points():
    # 40 points, 50% for training: 20 training points
    with pytest.raises(SettingsError, match=r"Batch size: must be at most the number of "
                                            r"training points, 20 \(got 21\)"):
        parse_settings(raw(n_points="40", train_percent=50, batch_size="21"))
    assert parse_settings(raw(n_points="40", train_percent=50, batch_size="20")).batch_size == 20


@pytest.mark.parametrize("n_points, percent, n_train", [(200, 50, 100), (10, 90, 9), (15, 10, 2)])
def test_the_split_follows_the_training_share(n_points, percent, n_train):
    playground = Playground(Settings(n_points=n_points, train_percent=percent, batch_size=1))
    assert len(playground.y_train) == n_train
    assert len(playground.y_test) == n_points - n_train


# ---- the run, on the engine ------------------------------------------------------------


@pytest.mark.parametrize("layers, units", [(0, 1), (1, 3), (4, 8)])
def test_the_network_has_the_chosen_shape_and_the_articles_names(layers, units):
    model = build_network(Settings(hidden_layers=layers, units=units), np.random.default_rng(0))
    sizes = [2] + [units] * layers + [1]
    expected = []
    for number, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        expected += [(f"w{number}", (fan_in, fan_out)), (f"b{number}", (fan_out,))]
    assert [(p.name, p.shape) for p in model.parameters()] == expected


def test_a_step_moves_the_weights_against_the_gradient_and_lowers_the_loss():
    playground = Playground(Settings(dataset="moons", learning_rate=0.5))
    first_loss = playground.history["train_loss"][0]
    playground.step(1)
    update = playground.last_update
    assert update.after == pytest.approx(update.before - 0.5 * update.grad, rel=1e-12, abs=1e-15)
    assert update.grad != 0
    playground.step(99)
    assert playground.history["step"] == list(range(101))
    assert playground.history["train_loss"][-1] < 0.8 * first_loss


def test_the_same_seed_replays_the_same_run_and_another_seed_does_not():
    runs = [Playground(Settings(dataset="spiral", seed=seed)) for seed in (7, 7, 8)]
    for run in runs:
        run.step(30)
    same, again, other = runs
    np.testing.assert_array_equal(same.X_train, again.X_train)
    assert same.history == again.history
    for p, q in zip(same.model.parameters(), again.model.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    assert not np.array_equal(same.X_train, other.X_train)


@pytest.mark.parametrize("optimizer, lr, batch, max_steps", [
    ("SGD", 1.0, 10, 1500),
    ("Adam", 0.1, 30, 500),
])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_moons_with_three_tanh_units_reach_test_accuracy_090(optimizer, lr, batch, max_steps, seed):
    """The article's finding: 3 hidden units separate the moons."""
    playground = Playground(Settings(dataset="moons", noise=0.1, hidden_layers=1, units=3,
                                     activation="tanh", optimizer=optimizer, learning_rate=lr,
                                     batch_size=batch, seed=seed))
    while playground.steps < max_steps:
        playground.step(50)
        if playground.accuracy(playground.X_test, playground.y_test) >= 0.9:
            break
    assert playground.accuracy(playground.X_test, playground.y_test) >= 0.9


def test_one_hidden_unit_cannot_separate_circles_and_three_can():
    """The article: one hidden unit gives one straight line, too little for circles;
    three lines enclose the inner ring. The same training, so the first failure is
    the network's, not the training's."""
    accuracy = {}
    for units in (1, 3):
        playground = Playground(Settings(dataset="circles", hidden_layers=1, units=units, seed=0))
        playground.step(600)
        accuracy[units] = playground.accuracy(playground.X_train, playground.y_train)
    assert accuracy[1] < 0.8 and accuracy[3] >= 0.95, accuracy


def test_unit_maps_are_each_layers_outputs_over_the_grid():
    playground = Playground(Settings(hidden_layers=2, units=3, activation="tanh"))
    grid = playground.grid(9)
    maps = playground.unit_outputs(grid)
    assert [m.shape for m in maps] == [(2, 9, 9), (3, 9, 9), (3, 9, 9), (1, 9, 9)]
    row, col = 4, 7  # the grid point at ys[4], xs[7]
    point = np.array([[grid.xs[col], grid.ys[row]]])
    np.testing.assert_allclose(maps[0][:, row, col], playground.scaled(point)[0])
    W1, b1 = playground.layer_weights()[0]
    np.testing.assert_allclose(maps[1][:, row, col], np.tanh(playground.scaled(point) @ W1 + b1)[0])
    p = 1 / (1 + np.exp(-playground.logits(point)))
    np.testing.assert_allclose(maps[-1][0, row, col], p[0])


def test_the_example_graph_gradients_are_the_true_ones():
    """The gradients the graph tab shows are checked against central differences."""
    playground = Playground(Settings(dataset="xor", hidden_layers=2, units=3))
    playground.step(20)
    loss = playground.example_loss()
    x = playground.scaled(playground.X_train[:1])
    target = playground.y_train[:1, None].astype(float)
    params = playground.model.parameters()
    shown = [p.grad.copy() for p in params]
    assert loss.item() == pytest.approx(
        nn.binary_cross_entropy_with_logits(playground.model(x), target).item())
    playground.model.zero_grad()
    assert gradcheck(lambda: nn.binary_cross_entropy_with_logits(playground.model(x), target),
                     *params, rtol=1e-6)
    playground.model.zero_grad()
    playground.example_loss()
    for before, p in zip(shown, params):
        np.testing.assert_array_equal(before, p.grad)


# ---- the callbacks -------------------------------------------------------------------------


def test_refresh_shows_a_fresh_run_then_steps_on_step_and_tick():
    session = new_session()
    shown = app.refresh(session, None, raw())
    assert shown["step-count"] == "0" and shown["input-error"] == ""
    assert float(shown["train-loss"]) > 0
    assert app.refresh(session, "step-button", raw())["step-count"] == "1"
    ticked = app.refresh(session, "ticker", raw())
    assert ticked["step-count"] == str(1 + app.STEPS_PER_TICK)
    assert 0 <= float(ticked["test-accuracy"]) <= 1


def test_refresh_with_bad_input_says_why_keeps_the_views_and_recovers():
    session = new_session()
    app.refresh(session, "step-button", raw())
    shown = app.refresh(session, "learning-rate", raw(learning_rate="abc", n_points="0"))
    assert "Learning rate: expected a number" in shown["input-error"]
    assert "Number of points: must be from 10 to 1000" in shown["input-error"]
    assert all(shown[key] is no_update for key, _ in app.VIEW_IDS if key != "input-error")
    assert app.refresh(session, "ticker", raw(learning_rate="abc"))["step-count"] is no_update
    recovered = app.refresh(session, "learning-rate", raw())
    assert recovered["input-error"] == "" and recovered["step-count"] == "1"


def test_reset_starts_again_from_the_seed():
    session = new_session()
    first = app.refresh(session, None, raw())
    for _ in range(3):
        app.refresh(session, "ticker", raw())
    reset = app.refresh(session, "reset-button", raw())
    assert reset["step-count"] == "0"
    assert reset["train-loss"] == first["train-loss"]
    assert reset["decision-regions"] == first["decision-regions"]


def test_changing_a_setting_starts_a_new_run_with_it():
    session = new_session()
    for _ in range(2):
        app.refresh(session, "ticker", raw())
    shown = app.refresh(session, "units", raw(units=5))
    assert shown["step-count"] == "0"
    heatmaps = [t for t in shown["network"]["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2 + 2 * 5 + 1  # inputs, two hidden layers of 5, output


def test_the_network_figure_draws_every_weight_with_its_sign():
    playground = Playground(Settings(hidden_layers=1, units=3))
    figure = figures.network_figure(playground)
    lines = figure["layout"]["shapes"]
    weights = np.concatenate([W.ravel() for W, _ in playground.layer_weights()])
    assert len(lines) == len(weights) == 2 * 3 + 3 * 1
    colours = [line["line"]["color"] for line in lines]
    assert colours == [figures.BLUE if w > 0 else figures.ORANGE for w in weights]
    widths = [line["line"]["width"] for line in lines]
    assert widths[int(np.argmax(np.abs(weights)))] == max(widths)


def test_the_update_rule_shows_this_steps_numbers():
    playground = Playground(Settings(optimizer="SGD", learning_rate=0.25))
    assert "No step yet" in figures.update_rule_lines(None, "SGD", 0.25)[0]
    playground.step(1)
    update = playground.last_update
    lines = figures.update_rule_lines(update, "SGD", 0.25)
    assert "w1[0,0] ← w1[0,0] − lr · ∂L/∂w1[0,0]" in lines
    assert f"{update.after:+.5f} ← {update.before:+.5f} − 0.25 × {update.grad:+.5f}" in lines
    adam = figures.update_rule_lines(update, "Adam", 0.25)
    assert any("m̂ / (√v̂ + ε)" in line for line in adam)


def test_the_graph_tab_shows_an_svg_with_values_and_gradients():
    session = new_session()
    app.refresh(session, "step-button", raw())
    assert app.graph_view(session, "training") is no_update  # not drawn while hidden
    image = app.graph_view(session, "graph")
    header, encoded = image.src.split(",", 1)
    assert header == "data:image/svg+xml;base64"
    svg = base64.b64decode(encoded).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("w1", "b1", "w2", "b2", "grad", "tanh"):
        assert label in svg


def test_the_train_button_toggles_the_timer():
    assert app.toggle_training(0) == (True, "▶ Train")
    assert app.toggle_training(1) == (False, "❚❚ Pause")
    assert app.toggle_training(2) == (True, "▶ Train")


# ---- the server ------------------------------------------------------------------------------


def test_a_port_in_use_gives_a_clear_message_and_a_nonzero_exit():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(EXAMPLES / "playground" / "app.py"), "--port", str(port)],
            check=False, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_port_out_of_range_is_refused():
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--port", "70000"])
    assert exit_info.value.code != 0
