"""The playground's logic without a browser: settings checks, training on the
engine, the callbacks' results, the server's start."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import logging
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
from werkzeug.serving import make_server

pytest.importorskip("dash", reason="the playground needs dash: pip install -e '.[playground]'")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))

import itertools
import threading
from collections.abc import Iterator
from typing import Any

from dash import Patch, no_update
from playground import (
    app,
    check_defaults,
    figures,
    formats,
    guard,
    measure_payload,
    model,
    sessions,
)
from playground import settings as settings_module
from playground.model import Playground, build_network
from playground.settings import Settings, SettingsError, parse_settings

from tinygrad_nn import datasets, gradcheck, nn

TEXT_FIELDS = ("n_points", "learning_rate", "rate_halved_by", "batch_size", "seed")
SLIDER_FIELDS = ("noise", "train_percent")


def raw(**changes) -> dict:
    """The controls' values as the page sends them: text boxes' as strings."""
    values = dataclasses.asdict(Settings()) | changes
    return {k: str(v) if k in TEXT_FIELDS + SLIDER_FIELDS and isinstance(v, (int, float))
            else v for k, v in values.items()}


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
    ("rate_halved_by", "-1", r"Rate halved by step: must be from 0 to 100000 \(got '-1'\)"),
    ("rate_halved_by", "2.5", r"Rate halved by step: expected a whole number from 0 to 100000"),
    ("rate_halved_by", "", r"Rate halved by step: expected a whole number"),
    ("optimizer", "RMSprop", r"Optimizer: choose one of SGD, Adam"),
    ("batch_size", "0", r"Batch size: must be from 1 to 1000"),
    ("seed", "-1", r"Seed: must be from 0 to 4294967295 \(got '-1'\)"),
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


def test_a_refused_value_is_quoted_by_a_short_prefix_only():
    with pytest.raises(SettingsError) as error:
        parse_settings(raw(noise={"a": 1}, learning_rate="x" * 400))
    assert error.value.problems == {
        "noise": "Noise: expected a number from 0 to 1 (got {'a': 1}).",
        "learning_rate": "Learning rate: expected a number from 1e-05 to 10 (got 'xxxxxxxxxxxxxx…').",
    }


def test_the_fewest_points_train_with_the_default_batch_size():
    """10 points, half for training: a batch of 30 takes all 5 training points."""
    settings = parse_settings(raw(n_points="10"))
    assert (settings.batch_size, settings.n_train, settings.batch) == (30, 5, 5)
    playground = Playground(settings)
    playground.step(3)
    assert playground.steps == 3 and not playground.diverged


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
    playground = Playground(Settings(dataset="moons", optimizer="SGD", learning_rate=0.5,
                                     rate_halved_by=0))
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
    playground = Playground(Settings(dataset="moons", noise=0.1, n_points=200, hidden_layers=1, units=3,
                                     activation="tanh", optimizer=optimizer, learning_rate=lr,
                                     batch_size=batch, seed=seed, rate_halved_by=0))
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
        playground = Playground(Settings(dataset="circles", hidden_layers=1, units=units,
                                         activation="tanh", learning_rate=0.01, seed=0,
                                         rate_halved_by=0))
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
    playground = Playground(Settings(dataset="xor", hidden_layers=2, units=3, activation="tanh"))
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
    stepped = app.refresh(session, "step-button", raw(), shown["run-shown"])
    assert stepped["step-count"] == "1"
    assert app.refresh(session, "ticker", raw(), stepped["run-shown"])["step-count"] == "1"
    ticked = app.refresh(session, "ticker", raw(), stepped["run-shown"], paused=False)
    assert ticked["step-count"] == str(1 + app.STEPS_PER_TICK)
    assert 0 <= float(ticked["test-accuracy"]) <= 1


def test_the_timer_is_paused_or_training_and_a_tick_leaves_it_so():
    assert app.training_controls(False, ticks=7) == {"ticker": False, "next-tick": 8,
                                                      "train-button": "❚❚ Pause"}
    assert app.training_controls(True, ticks=7) == {"ticker": True, "train-button": "▶ Train"}
    session = new_session()
    app.refresh(session, None, raw())
    ticked = app.refresh(session, "ticker", raw(), paused=False, ticks=12)
    assert ticked["ticker"] is no_update and ticked["next-tick"] == 13  # one more, then wait
    stepped = app.refresh(session, "step-button", raw(), paused=True, ticks=12)
    assert stepped["next-tick"] is no_update


def test_bad_input_marks_its_field_keeps_the_views_as_the_last_valid_run_and_recovers():
    session = new_session()
    drawn = app.refresh(session, "step-button", raw())["run-shown"]
    shown = app.refresh(session, "learning-rate", raw(learning_rate="x" * 400, n_points="0"),
                        drawn)
    assert shown["learning-rate"] == shown["n-points"] == "text-input invalid"
    assert shown["batch-size"] == shown["seed"] == "text-input"
    assert shown["noise"] == shown["train-percent"] == "text-input"
    assert shown["learning-rate-error"].startswith("Learning rate: expected a number")
    assert len(shown["learning-rate-error"]) < 80
    assert "Number of points: must be from 10 to 1000" in shown["n-points-error"]
    assert shown["seed-error"] == ""
    assert "last valid run" in shown["stale-note"]
    assert shown["ticker"] is True and shown["train-button"] == "▶ Train"  # steps stop
    assert "training is paused" in shown["input-error"]
    marks = {"input-error", "stale-note", "ticker", "train-button",
             *(k for k in shown if k.endswith("-error")),
             *(app.CONTROLS[field] for field in app.CHECKED_FIELDS)}
    assert all(shown[key] is no_update for key, _ in app.OUTPUTS if key not in marks)
    assert app.refresh(session, "ticker", raw(learning_rate="abc"), drawn,
                       paused=False)["step-count"] is no_update
    recovered = app.refresh(session, "learning-rate", raw())
    assert recovered["ticker"] is no_update  # paused, until Train is pressed
    assert recovered["input-error"] == recovered["stale-note"] == ""
    assert recovered["learning-rate"] == "text-input" and recovered["step-count"] == "1"


def test_reset_starts_again_from_the_seed():
    session = new_session()
    first = app.refresh(session, None, raw())
    for _ in range(3):
        app.refresh(session, "ticker", raw(), paused=False)
    reset = app.refresh(session, "reset-button", raw())
    assert reset["step-count"] == "0"
    assert reset["train-loss"] == first["train-loss"]
    assert reset["decision-regions"] == first["decision-regions"]


def test_changing_a_setting_starts_a_new_run_and_says_so_once_it_had_steps():
    session = new_session()
    app.refresh(session, None, raw())
    untouched = app.refresh(session, "units", raw(units=5))
    assert untouched["step-count"] == "0" and untouched["run-status"] == ""
    app.refresh(session, "ticker", raw(units=5), paused=False)
    shown = app.refresh(session, "noise", raw(units=5, noise=0.15), paused=False)
    assert shown["step-count"] == "0" and shown["ticker"] is no_update  # it keeps training
    assert shown["run-status"] == "Changed noise: the run restarted from step 0."
    ticked = app.refresh(session, "ticker", raw(units=5, noise=0.15), paused=False)
    assert ticked["run-status"] == shown["run-status"]  # said again, in case a tick won
    reset = app.refresh(session, "reset-button", raw(units=5, noise=0.15))
    assert reset["run-status"] == ""
    heatmaps = [t for t in shown["network"]["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2 + 3 * 5 + 1  # inputs, three hidden layers of 5, output


def test_a_run_whose_loss_stops_being_finite_is_paused_with_the_reason():
    session = new_session()
    diverging = raw(activation="identity", hidden_layers=4, optimizer="SGD", learning_rate="10")
    shown = app.refresh(session, None, diverging)
    for _ in range(10):
        shown = app.refresh(session, "ticker", diverging, shown["run-shown"], paused=False)
        if shown["ticker"]:
            break
    assert shown["ticker"] is True and shown["train-button"] == "▶ Train"
    steps = int(shown["step-count"])
    assert shown["run-status"] == app.DIVERGED.format(steps=steps, reason=model.RAN_AWAY)
    assert steps < 10 * app.STEPS_PER_TICK
    again = app.refresh(session, "step-button", diverging, shown["run-shown"])
    assert again["step-count"] == str(steps)


def test_a_run_pauses_after_the_step_whose_loss_runs_away():
    """SGD at rate 10 through identity layers: the loss passes 10¹² at step 3, long
    before a step overflows float64 (step 6, at a loss of 10¹²⁰)."""
    playground = Playground(Settings(activation="identity", optimizer="SGD",
                                     learning_rate=10.0))
    playground.step(40)
    assert playground.diverged == model.RAN_AWAY
    assert playground.history["step"][-1] == playground.steps
    assert playground.history["train_loss"][-1] > model.LOSS_LIMIT
    assert max(playground.history["train_loss"][:-1]) <= model.LOSS_LIMIT


def test_a_step_that_overflows_is_undone_and_pauses_the_run(monkeypatch):
    monkeypatch.setattr(model, "LOSS_LIMIT", float("inf"))  # let it run to the overflow
    playground = Playground(Settings(activation="identity", optimizer="SGD",
                                     learning_rate=10.0))
    playground.step(40)
    assert playground.diverged == model.OVERFLOWED
    with np.errstate(over="raise", invalid="raise"):
        assert np.isfinite(playground.loss(playground.X_train, playground.y_train))
    assert playground.steps == playground.history["step"][-1]


def test_every_number_of_a_diverged_run_is_printed_in_a_bounded_width():
    session = new_session()
    diverging = raw(activation="identity", optimizer="SGD", learning_rate="10")
    shown = app.refresh(session, None, diverging)
    while not shown["ticker"] is True:
        shown = app.refresh(session, "ticker", diverging, shown["run-shown"], paused=False)
    texts = [shown[key] for key in ("train-loss", "test-loss", "network-text",
                                    "decision-regions-text", "loss-curves-text")]
    assert "×10" in shown["train-loss"]
    lines = [line.children for line in shown["update-rule"]]
    numbers = [word for text in texts + lines for word in text.split()
               if any(c.isdigit() for c in word)]
    assert max(map(len, numbers)) <= 12, numbers


@pytest.mark.parametrize("value, decimals, sign, text", [
    (0.693147, 3, False, "0.693"), (999.4, 3, False, "999.400"), (-0.012346, 5, True, "-0.01235"),
    (0.5, 5, True, "+0.50000"), (1.9015e120, 3, False, "1.90×10¹²⁰"),
    (float("-inf"), 3, True, "-∞"), (-1234.5, 5, True, "-1.23×10³"),
    (5.0e29, 5, True, "+5.00×10²⁹"), (float("nan"), 3, False, "not a number"),
])
def test_numbers_are_printed_plainly_when_small_and_as_powers_of_ten_when_large(
        value, decimals, sign, text):
    assert formats.bounded(value, decimals, sign) == text


def test_a_paused_run_outlives_many_other_pages():
    session = new_session()
    shown = app.refresh(session, None, raw())
    for _ in range(17):
        shown = app.refresh(session, "step-button", raw(), shown["run-shown"])
    for _ in range(100):
        app.refresh(new_session(), None, raw())
    assert app.refresh(session, "step-button", raw(), shown["run-shown"])["step-count"] == "18"


@pytest.mark.parametrize("field, control", [("noise", "noise"),
                                            ("train_percent", "train-percent")])
@pytest.mark.parametrize("typed, message", [
    ("-5", "must be from {span} (got '-5')."), ("1e9", "must be from {span} (got '1e9')."),
    ("abc", "from {span} (got 'abc')."), ("NaN", "(got 'NaN')."),
    ("", "(got nothing)."),
])
def test_a_slider_fields_box_is_marked_like_a_text_box_never_clamped(field, control, typed,
                                                                      message):
    session = new_session()
    drawn = app.refresh(session, None, raw())["run-shown"]
    shown = app.refresh(session, control, raw(**{field: typed}), drawn)
    assert shown[control] == "text-input invalid" and shown["n-points"] == "text-input"
    span = {"noise": "0 to 1", "train_percent": "10 to 90"}[field]
    assert shown[f"{control}-error"].endswith(message.format(span=span))
    assert shown["step-count"] is no_update and shown["ticker"] is True
    assert app.slider_and_box(field, "box", typed, 0.3) == (no_update, no_update)


@pytest.mark.parametrize("field, box, slider", [("noise", "0.35", 0.35),
                                                ("train_percent", " 70 ", 70)])
def test_a_valid_box_moves_its_slider_and_the_slider_writes_the_box(field, box, slider):
    assert app.slider_and_box(field, "box", box, 0.1) == (no_update, slider)
    assert app.slider_and_box(field, "slider", "abc", slider) == (box.strip(), no_update)
    assert app.slider_and_box(field, "slider", "abc", None) == (no_update, no_update)


def test_a_reload_with_an_invalid_box_draws_the_last_valid_run_again():
    """After a reload the page draws nothing: the charts come back, of the run the
    server kept, under the note that says they are the last valid run."""
    session = new_session()
    shown = app.refresh(session, "step-button", raw())
    reloaded = app.refresh(session, None, raw(noise="abc"), had_run=shown["run-id"])
    assert reloaded["noise"] == "text-input invalid" and reloaded["stale-note"] == app.STALE_NOTE
    assert reloaded["step-count"] == "1" and reloaded["run-id"] == shown["run-id"]
    assert reloaded["decision-regions"] == shown["decision-regions"]
    elsewhere = app.refresh(new_session(), None, raw(noise="abc"), had_run=shown["run-id"])
    assert elsewhere["stale-note"] == app.NO_VALID_RUN and elsewhere["step-count"] is no_update


def test_a_run_the_server_dropped_is_reported_not_silently_replaced(monkeypatch):
    session = new_session()
    shown = app.refresh(session, "step-button", raw())
    monkeypatch.setattr(app, "runs", sessions.SessionStore())  # as after a restart
    gone = app.refresh(session, "ticker", raw(), shown["run-shown"], False, shown["run-id"])
    assert gone["run-status"] == app.GONE and gone["ticker"] is True
    assert gone["step-count"] is no_update and session not in app.runs
    monkeypatch.setattr(app, "runs", sessions.SessionStore())
    reloaded = app.refresh(session, None, raw(), had_run=shown["run-id"])
    assert reloaded["run-status"] == app.GONE_REPLACED and reloaded["step-count"] == "0"
    assert reloaded["ticker"] is True and reloaded["run-id"] != shown["run-id"]
    assert isinstance(reloaded["decision-regions"], dict)  # charts, not empty axes
    fresh = app.refresh(session, "reset-button", raw(), had_run=shown["run-id"])
    assert fresh["step-count"] == "0" and fresh["run-status"] == ""


def test_a_tick_sends_patches_with_only_the_new_loss_points():
    session = new_session()
    shown = app.refresh(session, None, raw())
    first = app.refresh(session, "ticker", raw(), shown["run-shown"], paused=False)
    for chart in ("network", "decision-regions", "loss-curves"):
        assert isinstance(first[chart], Patch), chart
    operations = first["loss-curves"].to_plotly_json()["operations"]
    extended = [op["params"]["value"] for op in operations if op["location"][-1] == "x"]
    assert extended == [list(range(1, 1 + app.STEPS_PER_TICK))] * 2
    other_run = app.refresh(session, "ticker", raw(), "elsewhere:20:0", paused=False)
    assert isinstance(other_run["loss-curves"], dict)  # a page showing another run: all of it


def test_the_loss_history_stays_bounded_and_keeps_its_first_and_last_steps():
    playground = Playground(Settings(dataset="blobs", n_points=40, batch_size=5))
    playground.step(3 * model.MAX_HISTORY)
    steps = playground.history["step"]
    assert len(steps) <= model.MAX_HISTORY + 1 and playground.thinnings == 2
    assert steps[0] == 0 and steps[-1] == 3 * model.MAX_HISTORY
    assert np.all(np.diff(steps) == playground.history_stride)


def test_the_charts_are_described_in_words_with_their_numbers():
    session = new_session()
    shown = app.refresh(session, None, raw(dataset="moons", hidden_layers=1, units=3, activation="tanh"))
    shown = app.refresh(session, "ticker", raw(dataset="moons", hidden_layers=1, units=3, activation="tanh"),
                        shown["run-shown"], paused=False)
    assert shown["network-text"].startswith("Network chart: inputs x₁ and x₂, 1 hidden layer "
                                            "of 3 tanh units, output p; 13 weights and biases")
    accuracy = round(100 * float(shown["test-accuracy"]))
    assert ("Decision regions chart on moons" in shown["decision-regions-text"]
            and f"{accuracy}% of the test points" in shown["decision-regions-text"])
    assert shown["loss-curves-text"].startswith(
        f"Loss chart over {app.STEPS_PER_TICK} steps: training loss from")


def test_the_network_figure_draws_every_weight_with_its_sign_and_size():
    playground = Playground(Settings(hidden_layers=1, units=3))
    figure = figures.network_figure(playground)
    groups = figure["data"][:len(figures.LINE_GROUPS)]
    weights = np.concatenate([W.ravel() for W, _ in playground.layer_weights()])
    drawn = {}  # both ends of each line → (colour, width)
    for group in groups:
        for x0, x1, y0, y1 in zip(group["x"][::3], group["x"][1::3], group["y"][::3],
                                  group["y"][1::3]):
            drawn[x0, y0, x1, y1] = (group["line"]["color"], group["line"]["width"])
    centres, half_w, _ = figures._layout_of(playground)
    ends = [tuple(round(v, 3) for v in (*start, *end))
            for start, end in figures._line_ends(centres, half_w)]
    assert len(drawn) == len(ends) == len(weights) == 2 * 3 + 3 * 1
    assert [drawn[e][0] for e in ends] == [figures.BLUE if w > 0 else figures.ORANGE
                                           for w in weights]
    widths = [drawn[e][1] for e in ends]
    assert widths[int(np.argmax(np.abs(weights)))] == max(figures.WIDTHS)
    assert widths[int(np.argmin(np.abs(weights)))] < max(figures.WIDTHS)
    hover = figure["data"][-1]["customdata"]
    assert [w for w, _ in hover] == [round(float(w), 3) for w in weights]


def test_a_tick_patch_redraws_the_lines_and_maps_the_full_figure_has():
    playground = Playground(Settings(hidden_layers=2, units=3))
    playground.step(5)
    full = figures.network_figure(playground)
    operations = figures.network_patch(playground).to_plotly_json()["operations"]
    for op in operations:
        index, value = op["location"][1], op["params"]["value"]
        updates = value if op["operation"] == "Merge" else {op["location"][2]: value}
        for key, value in updates.items():
            assert full["data"][index][key] == value, (index, key)
    assert len(operations) == len(full["data"])


def test_the_update_rule_shows_this_steps_numbers():
    settings = Settings(optimizer="SGD", learning_rate=0.25, rate_halved_by=0)
    playground = Playground(settings)
    assert figures.update_rule_lines(None, settings) == [
        ("No step yet: press Train or Step to see a weight being updated.", "note")]
    playground.step(1)
    update = playground.last_update
    lines = figures.update_rule_lines(update, settings)
    source = "w1[0,0] is the weight from input x₁ to the first unit of the next layer."
    assert lines[0] == (source, "note")
    assert ("w1[0,0] ← w1[0,0] − lr · ∂L/∂w1[0,0]", "formula") in lines
    assert (f"{update.after:+.5f} ← {update.before:+.5f} − 0.25 × {update.grad:+.5f}",
            "formula") in lines
    assert abs(update.after) < 1000  # so the plain format above is the one shown
    assert lines[-1] == ("The rate stays lr = 0.25 at every step.", "note")
    adam = figures.update_rule_lines(update, dataclasses.replace(settings, optimizer="Adam"))
    assert ("w1[0,0] ← w1[0,0] − lr · m̂ / (√v̂ + ε)", "formula") in adam
    means = ("Adam's m̂ and v̂ are running means of ∂L/∂w1[0,0] and of its square; this "
             f"step's ∂L/∂w1[0,0] = {update.grad:+.5f}.")
    assert (means, "note") in adam


def test_the_update_rule_shows_the_rate_of_this_step():
    settings = Settings(optimizer="SGD", learning_rate=0.3, rate_halved_by=4)
    playground = Playground(settings)
    playground.step(6)
    update = playground.last_update
    assert (update.step, update.lr) == (5, 0.3 / (1 + 5 / 4))
    lines = figures.update_rule_lines(update, settings)
    assert (f"{update.after:+.5f} ← {update.before:+.5f} − 0.133333 × {update.grad:+.5f}",
            "formula") in lines
    note = "This step's rate, after 5 steps: it falls as the steps pass, to half of 0.3 by step 4."
    assert lines[-2:] == [("lr = 0.3 / (1 + 5 / 4) = 0.133333", "formula"), (note, "note")]


def test_adams_update_rule_divides_by_this_steps_rate():
    """Adam's line reads after ← before − lr × direction: with a decayed rate, the
    direction is the change over this step's lr, not over the first one."""
    settings = Settings(optimizer="Adam", learning_rate=0.3, rate_halved_by=4)
    playground = Playground(settings)
    playground.step(6)
    update = playground.last_update
    direction = (update.before - update.after) / (0.3 / (1 + 5 / 4))
    assert (f"{update.after:+.5f} ← {update.before:+.5f} − 0.133333 × {direction:+.5f}",
            "formula") in figures.update_rule_lines(update, settings)


@pytest.mark.parametrize("halved_by, rates", [
    (1000, [0.02, 0.02 / 1.001, 0.01, 0.02 / 3]),
    (0, [0.02] * 4),
])
def test_the_rate_is_halved_by_the_chosen_step(halved_by, rates):
    settings = Settings(learning_rate=0.02, rate_halved_by=halved_by)
    assert [settings.rate(step) for step in (0, 1, 1000, 2000)] == pytest.approx(rates, rel=1e-15)


def test_each_step_moves_the_weights_at_its_own_rate():
    """Step t of SGD is w ← w − lr/(1 + t/τ) · g: a rate off by one step, or one
    left at the first step's value, moves the weight by another amount."""
    playground = Playground(Settings(dataset="moons", optimizer="SGD", learning_rate=0.5,
                                     rate_halved_by=3))
    for step in range(5):
        playground.step(1)
        update = playground.last_update
        rate = 0.5 / (1 + step / 3)
        assert update.after == pytest.approx(update.before - rate * update.grad, rel=1e-12,
                                             abs=1e-15)


def test_the_graph_tab_shows_an_svg_with_values_and_gradients():
    session = new_session()
    app.refresh(session, "step-button", raw(hidden_layers=1, activation="tanh"))
    assert app.graph_view(session, "training") is no_update  # not drawn while hidden
    image = app.graph_view(session, "graph", "the run asked for")
    assert getattr(image, "data-run") == "the run asked for"  # read by the page once drawn
    header, encoded = image.src.split(",", 1)
    assert header == "data:image/svg+xml;base64"
    svg = base64.b64decode(encoded).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("w1", "b1", "w2", "b2", "grad", "tanh"):
        assert label in svg
    run = app.runs.get(session).playground
    loss = run.example_loss()
    w2 = run.model.parameters()[2].grad
    assert f"L = {formats.bounded(loss.item())}" in image.alt
    assert f"∂L/∂w2 from {formats.bounded(w2.min())} to {formats.bounded(w2.max())}" in image.alt


def test_one_tab_is_selected_focusable_and_shown_at_a_time():
    state = app.select_tab("graph")
    assert state["active-tab.data"] == "graph"
    assert (state["tab-graph.aria-selected"], state["tab-graph.tabIndex"]) == ("true", "0")
    assert (state["tab-training.aria-selected"], state["tab-training.tabIndex"]) == ("false", "-1")
    assert state["panel-training.hidden"] is True and state["panel-graph.hidden"] is False


def test_the_graph_zooms_in_steps_and_back_to_fit():
    assert app.zoom("zoom-in", 1.0) == 1.5 and app.zoom("zoom-in", 6.0) == 6.0
    assert app.zoom("zoom-out", 1.5) == 1.0 and app.zoom("zoom-out", 1.0) == 1.0
    assert app.zoom("zoom-fit", 4.0) == 1.0


# ---- the server's memory --------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def small_run() -> Playground:
    return Playground(Settings(n_points=20, batch_size=5))


def test_the_store_keeps_every_run_within_its_memory_and_idle_time():
    clock = Clock()
    store = sessions.SessionStore(max_bytes=10**9, max_idle=60, clock=clock)
    for number in range(100):
        store.start(f"page{number}", small_run())
        clock.now += 0.5
    assert len(store) == 100 and store.get("page0").playground.steps == 0


def test_the_store_drops_runs_idle_too_long():
    clock = Clock()
    store = sessions.SessionStore(max_idle=60, clock=clock)
    store.start("idle", small_run())
    clock.now = 30
    store.start("busy", small_run())
    clock.now = 61
    assert store.get("idle") is None and store.get("busy") is not None


def test_over_its_memory_the_store_drops_the_longest_idle_runs_first():
    clock = Clock()
    size = small_run().nbytes()
    store = sessions.SessionStore(max_bytes=int(2.5 * size), clock=clock)
    for name in ("a", "b", "c"):
        store.start(name, small_run())
        clock.now += 1
        store.get("a")
    assert "a" in store and "b" not in store and "c" in store


# ---- the defaults train every data set --------------------------------------------------------

DEFAULTS_REACH = {  # data set → (test accuracy, within this many steps) at the default settings
    "blobs": (0.95, 100), "circles": (0.95, 200), "moons": (0.95, 200), "xor": (0.95, 200),
    "spiral": (0.95, 800), "gauss": (0.95, 100),
}


@pytest.mark.parametrize("dataset", settings_module.DATASETS)
def test_the_default_settings_train_every_data_set(dataset):
    accuracy, steps = DEFAULTS_REACH[dataset]
    playground = Playground(dataclasses.replace(Settings(), dataset=dataset))
    while playground.steps < steps:
        playground.step(20)
        if playground.accuracy(playground.X_test, playground.y_test) >= accuracy:
            break
    assert playground.accuracy(playground.X_test, playground.y_test) >= accuracy, playground.steps


def test_runs_side_by_side_are_each_seeds_playground_step_for_step():
    """The defaults check trains ten seeds in one batched network: each must be the run
    the page would show for its seed."""
    settings = dataclasses.replace(Settings(), dataset="spiral")
    side_by_side = check_defaults.SideBySide(settings, [0, 3])
    for _ in range(40):
        side_by_side.step()
    for index, seed in enumerate([0, 3]):
        playground = Playground(dataclasses.replace(settings, seed=seed))
        playground.step(40)
        for (W, b), w, bias in zip(playground.layer_weights(), side_by_side.weights,
                                   side_by_side.biases):
            np.testing.assert_allclose(w.data[index], W, rtol=1e-10, atol=1e-13)
            np.testing.assert_allclose(bias.data[index, 0], b, rtol=1e-10, atol=1e-13)
        assert side_by_side.test_accuracy()[index] == playground.accuracy(
            playground.X_test, playground.y_test)


def test_the_defaults_check_judges_the_last_seed_and_every_later_checkpoint():
    every = check_defaults.CHECK_EVERY
    late = check_defaults.SOLVED_BY // every  # the first checkpoint judged
    curve = np.full((late + 10, 2), 0.99)
    curve[:3, 0] = curve[:5, 1] = 0.5  # seed 1 reaches the target at checkpoint 5
    curve[late + 4, 0] = 0.9
    assert check_defaults.verdict(curve) == {"solved_by": 5 * every, "below": 1 / 20,
                                             "lowest": 0.9}
    curve[:, 1] = 0.9  # never
    assert check_defaults.verdict(curve)["solved_by"] == np.inf
    assert check_defaults.visitor_steps(5) == 20_000


def test_the_spiral_is_tensorflow_playgrounds_on_the_apps_plane():
    playground = Playground(Settings(dataset="spiral", noise=0.0, n_points=500))
    X = np.concatenate([playground.X_train, playground.X_test])
    expected, _ = datasets.tf_playground("spiral", n=500, noise=0.0)
    np.testing.assert_allclose(np.sort(np.hypot(*X.T)), np.sort(np.hypot(*expected.T)) / 5)
    assert np.hypot(*X.T).max() < 1


# ---- requests the page could not have sent -----------------------------------------------------


@pytest.fixture(scope="module")
def client():
    return app.create_app().server.test_client()


def callback_request(client, session_id) -> dict:
    """A Step request as the page sends it, built from the app's own wiring, with
    `session_id` as the session's value."""
    props = measure_payload.component_props(client.get("/_dash-layout").get_json(), {})
    wiring = client.get("/_dash-dependencies").get_json()
    refresh = next(c for c in wiring
                   if {"id": "step-button", "property": "n_clicks"} in c["inputs"])
    props["session-id"]["data"] = session_id
    return measure_payload.callback_body(refresh, props, ["step-button.n_clicks"])


@pytest.mark.parametrize("session_id", [["a", "list"], {"a": "dict"}, 12, "not-hex"])
def test_a_malformed_session_id_gets_400_and_one_log_line(client, caplog, session_id):
    with caplog.at_level(logging.WARNING, logger="playground"):
        answer = client.post("/_dash-update-component", json=callback_request(client, session_id))
    assert answer.status_code == 400
    assert b"the session id is not 32 hexadecimal digits" in answer.data
    assert [r.getMessage() for r in caplog.records] == [(
        "400 for a malformed callback request from 127.0.0.1: "
        "the session id is not 32 hexadecimal digits")]


@pytest.mark.parametrize("body, reason", [
    (b"not json", "the body is not a JSON object"),
    (b"[1, 2]", "the body is not a JSON object"),
    (b'{"output": "x.y", "inputs": "all"}', "'output' is not an output of this page"),
    ((b'{"output": "graph-svg.children", "outputs": {"id": "graph-svg", "property": "children"},'
     b' "inputs": "all"}'), "'inputs' is not a list of {id, property, value}"),
])
def test_a_malformed_body_gets_400_and_says_why(client, caplog, body, reason):
    with caplog.at_level(logging.WARNING, logger="playground"):
        answer = client.post("/_dash-update-component", data=body,
                             content_type="application/json")
    assert answer.status_code == 400 and reason in answer.get_data(as_text=True)
    assert len(caplog.records) == 1


def test_a_well_formed_request_is_answered(client):
    answer = client.post("/_dash-update-component",
                         json=callback_request(client, new_session()))
    assert answer.status_code == 200 and "step-count" in answer.get_json()["response"]


def _nested(depth: int) -> bytes:
    return b'{"output": ' + b"[" * depth + b"]" * depth + b"}"


def _malformed_requests(client) -> dict[str, bytes]:
    """The requests a learner's tests found answered with a 500 and a traceback."""
    good = callback_request(client, new_session())
    unknown_output = good | {"output": "nowhere.children"}
    return {
        "an unknown output": json.dumps(unknown_output).encode(),
        "inputs cut short": json.dumps(good | {"inputs": good["inputs"][:5]}).encode(),
        "an empty state": json.dumps(good | {"state": []}).encode(),
        "an extra input": json.dumps(good | {"inputs": good["inputs"] + [
            {"id": "seed", "property": "value", "value": "1"}]}).encode(),
        "JSON nested 100,000 deep": _nested(100_000),
        "JSON nested 100,000 deep, as the state": json.dumps(good).encode()[:-1]
        + b', "state": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "JSON nested 30,000 deep, under the size limit": _nested(30_000),
        "no outputs": json.dumps({k: v for k, v in good.items() if k != "outputs"}).encode(),
    }


@pytest.mark.parametrize("name, status", [
    ("an unknown output", 400), ("inputs cut short", 400), ("an empty state", 400),
    ("an extra input", 400), ("no outputs", 400),
    ("JSON nested 30,000 deep, under the size limit", 400),
    ("JSON nested 100,000 deep", 413), ("JSON nested 100,000 deep, as the state", 413),
])
def test_each_malformed_request_gets_a_4xx_not_a_traceback(client, caplog, name, status):
    body = _malformed_requests(client)[name]
    assert (len(body) > guard.MAX_BODY_BYTES) == (status == 413)
    with caplog.at_level(logging.WARNING, logger="playground"):
        answer = client.post("/_dash-update-component", data=body,
                             content_type="application/json")
    assert answer.status_code == status, answer.get_data(as_text=True)[-300:]
    assert len(caplog.records) == (status == 400)


WRONG_VALUES = (None, 12, -1.5, "x", [], {"a": 1}, True, 1e308, 10**30)
WRONG_CHANGED_PROP_IDS = (None, 5, "x", [5], [[]], {}, ["nowhere.value"], [None])
_MISSING = object()  # a value left out of its item


def _spoiled(good: dict, key: str, index: int, value: Any) -> dict:
    """`good` with the value of item `index` of `key` (inputs or state) replaced."""
    items = [dict(item) for item in good[key]]
    if value is _MISSING:
        del items[index]["value"]
    else:
        items[index]["value"] = value
    return good | {key: items}



def fuzzed_requests(client) -> Iterator[tuple[str, dict]]:
    """Every callback of the page's wiring (read from the server), sent as the page
    sends it but spoiled in one way each: changedPropIds of the wrong type or naming
    no input, each input's and state's value of each wrong type (alone, and named as
    the one that changed), a value missing, and outputs that are not the callback's."""
    props = measure_payload.component_props(client.get("/_dash-layout").get_json(), {})
    props["session-id"]["data"] = new_session()
    wiring = client.get("/_dash-dependencies").get_json()
    for callback in wiring:
        name = callback["output"][:40]
        first = f"{callback['inputs'][0]['id']}.{callback['inputs'][0]['property']}"
        good = measure_payload.callback_body(callback, props, [first])
        for changed in WRONG_CHANGED_PROP_IDS:
            yield f"{name}: changedPropIds {changed!r}", good | {"changedPropIds": changed}
        yield f"{name}: changedPropIds []", good | {"changedPropIds": []}
        yield f"{name}: no changedPropIds", {k: v for k, v in good.items()
                                              if k != "changedPropIds"}
        for key in ("inputs", "state"):
            for index, item in enumerate(good[key]):
                where = f"{name}: {key} {item['id']}.{item['property']}"
                for value in (*WRONG_VALUES, _MISSING):
                    spoiled = _spoiled(good, key, index, value)
                    shown = "missing" if value is _MISSING else repr(value)
                    yield f"{where} = {shown}", spoiled
                    if key == "inputs":
                        yield f"{where} = {shown}, changed", spoiled | {
                            "changedPropIds": [f"{item['id']}.{item['property']}"]}
        outputs = good["outputs"]
        yield f"{name}: outputs as a list of two", good | {"outputs": [outputs, outputs]} \
            if isinstance(outputs, dict) else good | {"outputs": outputs[:-1]}
        yield f"{name}: outputs reversed or the first only", good | {
            "outputs": outputs[::-1] if isinstance(outputs, list) else [outputs]}
        for other in wiring:
            if other is not callback:
                yield (f"{name}: the outputs of {other['output'][:30]}",
                       good | {"outputs": guard.wired_outputs(other["output"])})
            if other is not callback and other.get("clientside_function") is None:
                yield (f"{name}: this callback's inputs for {other['output'][:30]}",
                       good | {"output": other["output"],
                               "outputs": guard.wired_outputs(other["output"])})


def test_every_callback_answers_its_own_request(client):
    """The fuzz below starts from these requests: each is answered (204: nothing to
    update), except the one the page computes itself, which the server refuses."""
    props = measure_payload.component_props(client.get("/_dash-layout").get_json(), {})
    props["session-id"]["data"] = new_session()
    answers = {}
    for callback in client.get("/_dash-dependencies").get_json():
        first = f"{callback['inputs'][0]['id']}.{callback['inputs'][0]['property']}"
        body = measure_payload.callback_body(callback, props, [first])
        server_side = callback.get("clientside_function") is None
        answers[callback["output"][:20], server_side] = client.post(
            "/_dash-update-component", json=body).status_code
    assert answers == {key: 200 if key[1] else 400 for key in answers}


def test_no_spoiled_callback_request_gets_a_server_error(client):
    answers = {name: client.post("/_dash-update-component", json=body).status_code
               for name, body in fuzzed_requests(client)}
    assert len(answers) > 300
    assert {name: status for name, status in answers.items() if status >= 500} == {}
    assert sum(status == 400 for status in answers.values()) > len(answers) / 2


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/../../etc/passwd", "/_dash-component-suites/dash/nowhere.js",
    "/_dash-component-suites/nowhere/x.js", "/assets/../app.py", "/assets/nowhere.css",
])
def test_a_file_the_page_does_not_load_is_not_found(client, path):
    answer = client.get(path)
    assert answer.status_code == 404 and b"root:" not in answer.data


@pytest.fixture(scope="module")
def live_server():
    """The app in werkzeug's own server, as `app.py` runs it, on a free port."""
    server = make_server("127.0.0.1", 0, app.create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


def _post_chunked(port: int, chunks: Iterator[bytes]) -> bytes:
    """POST the chunks to the callback endpoint, sent chunked (no size announced), and
    return the status line; the answer is read while the body is still being sent."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=60)

    def send():
        try:
            connection.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               b"Content-Type: application/json\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n")
            for chunk in chunks:
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed: the rest is not read
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    with connection, connection.makefile("rb") as answer:
        status = answer.readline()
    sender.join(timeout=60)
    return status


def test_a_chunked_body_over_the_limit_gets_413(live_server):
    megabyte = b"[" + b" " * (2**20 - 2) + b"]"
    status = _post_chunked(live_server, itertools.repeat(megabyte, 50))
    assert status.split()[1] == b"413", status


def test_a_chunked_request_under_the_limit_is_answered(live_server):
    with app.create_app().server.test_client() as client:
        body = json.dumps(callback_request(client, new_session())).encode()
    status = _post_chunked(live_server, (body[:100], body[100:]))
    assert status.split()[1] == b"200", status


def test_the_largest_request_the_page_sends_is_well_under_the_body_limit(client):
    """Every callback the page runs, with every text box filled to its maximum length."""
    props = measure_payload.component_props(client.get("/_dash-layout").get_json(), {})
    for field in TEXT_FIELDS:
        props[app.CONTROLS[field]]["value"] = "9" * props[app.CONTROLS[field]]["maxLength"]
    props["run-shown"] = {"data": f"{'f' * 12}:{10**12}:{10**6}"}
    wiring = client.get("/_dash-dependencies").get_json()
    sizes = []
    for callback in wiring:
        body = measure_payload.callback_body(callback, props, [])
        sizes.append(len(json.dumps(body).encode()))
    assert 0 < max(sizes) < guard.MAX_BODY_BYTES / 8, sizes


@pytest.mark.parametrize("megabytes", [0.1, 100])
def test_a_body_over_the_limit_gets_413_before_it_is_read(client, megabytes):
    good = callback_request(client, new_session())
    padding = " " * int(megabytes * 2**20)
    body = json.dumps(good | {"output": "nowhere.children"}).encode()[:-1] + padding.encode() + b"}"
    answer = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert answer.status_code == 413


def test_a_tick_sends_a_small_fraction_of_the_first_page():
    """The measure the README quotes: a tick's answer, in bytes, at the defaults."""
    plain, sent = measure_payload.bytes_per_tick({}, ticks=3)
    assert plain < 42 * 1024  # it was 337 KiB
    assert sent < plain / 3  # gzip


@pytest.mark.parametrize("accepted, encoding", [("gzip", "gzip"), ("identity", None)])
def test_answers_are_gzipped_when_the_browser_accepts_gzip(client, accepted, encoding):
    answer = client.post("/_dash-update-component", json=callback_request(client, new_session()),
                         headers={"Accept-Encoding": accepted})
    assert answer.status_code == 200
    assert answer.headers.get("Content-Encoding") == encoding
    body = gzip.decompress(answer.data) if encoding else answer.data
    assert "step-count" in json.loads(body)["response"]


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
