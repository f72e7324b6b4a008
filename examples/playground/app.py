"""The playground web app: `python examples/playground/app.py [--port N]`.

Serves on 127.0.0.1 only. The training runs live here, in the server process,
one per browser tab (keyed by a session id the tab keeps in its session storage,
so a reload finds its run), in a store bounded by memory and idle time; the
callbacks below only read the controls, move a run forward and redraw. The
callbacks' logic is in plain functions (`refresh`, `graph_view`, `select_tab`,
`zoom`) so it can be tested without a browser.
"""

from __future__ import annotations

import argparse
import base64
import logging
import socket
import sys
import threading
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `playground` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from playground import descriptions, figures
from playground.formats import bounded
from playground.guard import refuse_malformed_requests
from playground.layout import (
    CHECKED_FIELDS,
    CONTROLS,
    FIELD_CLASS,
    SLIDER_FIELDS,
    TABS,
    make_layout,
    slider_id,
)
from playground.model import Playground
from playground.sessions import SessionStore
from playground.settings import CHECKS, Settings, SettingsError, parse_settings

STEPS_PER_TICK = 20
ZOOMS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # the graph drawing's widths, in container widths
DEFAULTS = Settings()
LABELS = {  # Settings field → the words the page labels it with
    "dataset": "data set", "noise": "noise", "n_points": "number of points",
    "train_percent": "training share", "hidden_layers": "hidden layers",
    "units": "units per hidden layer", "activation": "activation",
    "learning_rate": "learning rate", "rate_halved_by": "rate halved by step",
    "optimizer": "optimizer", "batch_size": "batch size",
    "seed": "seed",
}
STALE_NOTE = ("The charts and numbers show the last valid run: the settings marked in red "
              "are not applied.")
NO_VALID_RUN = "No run is shown: the settings marked in red are not valid."
GONE = ("This page's run is no longer on the server (it was idle too long, or the server "
        "restarted or needed the memory). Press Reset to start a new run with these settings.")
GONE_REPLACED = ("This page's run is no longer on the server (it was idle too long, or the "
                 "server restarted or needed the memory): shown instead is a new run of "
                 "these settings, at step 0.")
INVALID = "Some settings are not valid, so training is paused: see the fields marked in red."
DIVERGED = ("Paused at step {steps}: {reason}. The learning rate is too large for this "
            "network: lower it and press Reset.")
OUTPUTS = (  # id (or key of ELEMENTS) → property of every output `refresh` fills
    ("network", "figure"), ("decision-regions", "figure"), ("loss-curves", "figure"),
    ("network-text", "children"), ("decision-regions-text", "children"),
    ("loss-curves-text", "children"), ("update-rule", "children"),
    ("step-count", "children"), ("train-loss", "children"), ("test-loss", "children"),
    ("train-accuracy", "children"), ("test-accuracy", "children"), ("run-shown", "data"),
    ("run-id", "data"),
    ("ticker", "disabled"), ("next-tick", "max_intervals"), ("train-button", "children"),
    ("run-status", "children"),
    ("input-error", "children"), ("stale-note", "children"),
    *((CONTROLS[field], "className") for field in CHECKED_FIELDS),
    *((f"{CONTROLS[field]}-error", "children") for field in CHECKED_FIELDS),
)
ELEMENTS = {"next-tick": "ticker"}  # output keys that are not element ids → the element
TIMER = (("ticker", "disabled"), ("next-tick", "max_intervals"), ("train-button", "children"))
RUN_TRIGGERS = (None, "ticker", "step-button")  # they never start a new run

runs = SessionStore()
_lock = threading.Lock()  # one callback at a time moves a run


def field_marks(problems: dict[str, str]) -> dict[str, Any]:
    """Each control a value can be typed into marked invalid or not, with its own
    message beside it."""
    marks = {}
    for field in CHECKED_FIELDS:
        element_id = CONTROLS[field]
        marks[element_id] = FIELD_CLASS[field] + " invalid" * (field in problems)
        marks[f"{element_id}-error"] = problems.get(field, "")
    return marks


def training_controls(paused: bool, ticks: int = 0) -> dict[str, Any]:
    """The timer and the Train button's label, paused or training. The button has a
    callback of its own: a tick on its way would otherwise supersede a pause."""
    return {"ticker": paused, "train-button": "▶ Train" if paused else "❚❚ Pause",
            **({} if paused else next_tick(ticks))}


def next_tick(ticks: int) -> dict[str, int]:
    """Let the timer fire once more, `interval` after this answer arrives: one tick at
    a time per page. A timer that fires whatever the answers do piles up requests
    once several pages train: they wait for the browser's six connections to the
    server, the answers come seconds late, each is superseded by a newer tick before
    it arrives, and a page shows no step at all (the seven-tab browser test)."""
    return {"next-tick": ticks + 1}


def shown_run(shown: Any) -> tuple[str, int, int] | None:
    """(run id, last step of its loss curve, thinnings) of the run the page shows."""
    try:
        run_id, last_step, thinnings = str(shown).split(":")
        return run_id, int(last_step), int(thinnings)
    except ValueError:
        return None


def views(run, shown: tuple[str, int, int] | None) -> dict[str, Any]:
    """Every view of a run, keyed by element id. When the page shows this run already,
    the charts are patches that carry only what changed since."""
    playground = run.playground
    settings, history = playground.settings, playground.history
    patch = shown is not None and shown[0] == run.run_id and shown[2] == playground.thinnings
    train_loss = playground.loss(playground.X_train, playground.y_train)
    test_loss = playground.loss(playground.X_test, playground.y_test)
    return {
        "network": (figures.network_patch if patch else figures.network_figure)(playground),
        "decision-regions": (figures.decision_patch if patch else
                             figures.decision_figure)(playground),
        "loss-curves": (figures.loss_patch(playground, shown[1]) if patch else
                        figures.loss_figure(playground)),
        "network-text": descriptions.network_text(playground),
        "decision-regions-text": descriptions.regions_text(playground),
        "loss-curves-text": descriptions.losses_text(playground),
        "update-rule": [html.Div(text, className=kind) for text, kind in
                        figures.update_rule_lines(playground.last_update, settings)],
        "step-count": str(playground.steps),
        "train-loss": bounded(train_loss),
        "test-loss": bounded(test_loss),
        "train-accuracy": f"{playground.accuracy(playground.X_train, playground.y_train):.3f}",
        "test-accuracy": f"{playground.accuracy(playground.X_test, playground.y_test):.3f}",
        "run-shown": f"{run.run_id}:{history['step'][-1]}:{playground.thinnings}",
        "run-id": run.run_id,
    }


def restarted(old: Settings, new: Settings) -> str:
    changed = [LABELS[name] for name in LABELS if getattr(old, name) != getattr(new, name)]
    return f"Changed {', '.join(changed)}: the run restarted from step 0."


def last_valid_run(session_id: str, shown: tuple[str, int, int] | None) -> dict[str, Any]:
    """What a page whose settings are invalid shows: the views it draws stay, said to be
    the last valid run; a page that draws nothing (after a reload) gets that run's views
    drawn again, or, when the server has none, a note that no run is shown."""
    if shown is not None:
        return {"stale-note": STALE_NOTE}
    with _lock:
        run = runs.get(session_id)
        if run is None:
            return {"stale-note": NO_VALID_RUN}
        return views(run, None) | {"run-status": run.status, "stale-note": STALE_NOTE}


def refresh(session_id: str, trigger: str | None, raw: dict[str, Any], shown: Any = None,
            paused: bool = True, had_run: Any = None, ticks: int = 0) -> dict[str, Any]:
    """What the page shows after `trigger` (the id of the element that fired).

    `shown` says which run and how much of it this page has drawn (gone on a reload);
    `had_run` is the id of the run this browser tab had (kept over a reload); `ticks`
    is how often the timer fired, so that a page still training can fire it once more.

    Invalid controls are marked, pause the training and leave every view as it was,
    said to be the last valid run (after a reload, the views of that run are drawn
    again). A tick of the timer moves the run STEPS_PER_TICK
    steps, the Step button one step, Reset starts the run again from the seed, and
    while training each answer lets the timer fire once more. A changed setting starts
    a new run and says so; a run the server no longer has is reported, and replaced by
    a new one only on a page that draws nothing (after a reload), saying so; a run
    that diverged is paused with the reason.
    """
    result = dict.fromkeys((key for key, _ in OUTPUTS), no_update)
    shown = shown_run(shown)
    try:
        settings = parse_settings(raw)
    except SettingsError as error:
        return result | field_marks(error.problems) | training_controls(True) | {
            "input-error": INVALID} | last_valid_run(session_id, shown)
    result |= field_marks({}) | {"input-error": "", "stale-note": ""}
    with _lock:
        run = runs.get(session_id)
        if run is None and had_run is not None and trigger in RUN_TRIGGERS:
            if shown is not None:  # the page still draws the old run: it stays, paused
                return result | training_controls(True) | {"run-status": GONE}
            result |= training_controls(True)  # a reload: a new run, rather than empty charts
            run = runs.start(session_id, Playground(settings), GONE_REPLACED)
        elif run is None or trigger == "reset-button":
            run = runs.start(session_id, Playground(settings))
        elif run.playground.settings != settings:
            old = run.playground
            run = runs.start(session_id, Playground(settings),
                             restarted(old.settings, settings) if old.steps else "")
        if trigger == "ticker" and not paused:
            run.playground.step(STEPS_PER_TICK)
        elif trigger == "step-button":
            run.playground.step(1)
        if run.playground.diverged:
            result |= training_controls(True)
            run.status = DIVERGED.format(steps=run.playground.steps,
                                         reason=run.playground.diverged)
        elif not paused:
            result |= next_tick(ticks)
        return result | views(run, shown) | {"run-status": run.status}


def slider_and_box(field: str, moved: str, box: Any, slider: Any) -> tuple[Any, Any]:
    """(box, slider) of a slider field after `moved` ("slider" or "box") changed: the
    slider's value is written into the box, which holds the setting; a valid value
    typed into the box moves the slider, an invalid one leaves it where it was (the box
    is marked with the message, and the slider shows no value that is not one)."""
    if moved == "slider":
        number = isinstance(slider, (int, float)) and not isinstance(slider, bool)
        return (f"{slider:g}" if number else no_update), no_update
    try:
        return no_update, CHECKS[field](box)
    except ValueError:
        return no_update, no_update


def graph_view(session_id: str, tab: str, wanted: Any = None) -> Any:
    """The graph of one example as an SVG image, drawn only while its tab is open; the
    image carries `wanted`, the run asked for, which the page reads once it is drawn."""
    if tab != "graph":
        return no_update
    with _lock:
        run = runs.get(session_id)
        if run is None:
            return no_update
        svg = run.playground.example_graph_svg()
        alt = descriptions.graph_text(run.playground)
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return html.Img(src=source, alt=alt, **{"data-run": wanted})


def select_tab(name: str) -> dict[str, Any]:
    """The tab list's state with tab `name` open: the other tabs leave the Tab order
    (arrow keys reach them) and their panels are hidden."""
    state: dict[str, Any] = {"active-tab.data": name}
    for tab in TABS:
        state[f"tab-{tab}.aria-selected"] = str(tab == name).lower()
        state[f"tab-{tab}.tabIndex"] = "0" if tab == name else "-1"
        state[f"panel-{tab}.hidden"] = tab != name
    return state


def zoom(trigger: str | None, level: float) -> float:
    """The next zoom of the graph drawing: one step in or out of ZOOMS, or back to fit."""
    index = ZOOMS.index(level) if level in ZOOMS else 0
    if trigger == "zoom-in":
        index = min(index + 1, len(ZOOMS) - 1)
    elif trigger == "zoom-out":
        index = max(index - 1, 0)
    elif trigger == "zoom-fit":
        index = 0
    return ZOOMS[index]


def create_app(defaults: Settings = DEFAULTS) -> Dash:
    app = Dash(__name__, title="Neural-network playground", compress=True,  # flask-compress
               assets_folder=str(Path(__file__).resolve().parent / "assets"))
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = lambda: make_layout(defaults)
    refuse_malformed_requests(app)
    control_inputs = [Input(CONTROLS[field], "value") for field in CONTROLS]

    @app.callback([Output(ELEMENTS.get(i, i), p, allow_duplicate=(i, p) in TIMER)
                   for i, p in OUTPUTS],
                  [Input("ticker", "n_intervals"), Input("step-button", "n_clicks"),
                   Input("reset-button", "n_clicks"), *control_inputs],
                  State("session-id", "data"), State("run-shown", "data"),
                  State("ticker", "disabled"), State("run-id", "data"),
                  prevent_initial_call="initial_duplicate")
    def _refresh(ticks, _steps, _resets, *values_and_state):
        *values, session_id, shown, paused, had_run = values_and_state
        result = refresh(session_id, ctx.triggered_id, dict(zip(CONTROLS, values)), shown,
                         paused is not False, had_run, ticks or 0)
        return [result[key] for key, _ in OUTPUTS]

    @app.callback([Output(ELEMENTS.get(i, i), p, allow_duplicate=True) for i, p in TIMER],
                  Input("train-button", "n_clicks"), State("ticker", "disabled"),
                  State("ticker", "n_intervals"), prevent_initial_call=True)
    def _toggle(_clicks, paused, ticks):
        controls = {"next-tick": no_update} | training_controls(paused is False, ticks or 0)
        return [controls[i] for i, _ in TIMER]

    for field in SLIDER_FIELDS:
        _follow_each_other(app, field)

    app.clientside_callback(  # the graph is asked for while its tab is open, once at a time
        ClientsideFunction("playground", "followGraph"), Output("graph-frame", "aria-busy"),
        Input("active-tab", "data"), Input("run-shown", "data"))

    @app.callback(Output("graph-svg", "children"), Input("graph-wanted", "data"),
                  State("active-tab", "data"), State("session-id", "data"),
                  prevent_initial_call=True)
    def _graph(wanted, tab, session_id):
        return graph_view(session_id, tab, wanted)

    tab_outputs = ["active-tab.data"] + [f"{kind}-{tab}.{prop}" for tab in TABS
                                         for kind, prop in (("tab", "aria-selected"),
                                                            ("tab", "tabIndex"),
                                                            ("panel", "hidden"))]

    @app.callback([Output(*key.rsplit(".", 1)) for key in tab_outputs],
                  [Input(f"tab-{tab}", "n_clicks") for tab in TABS], prevent_initial_call=True)
    def _tabs(*_clicks):
        name = str(ctx.triggered_id).removeprefix("tab-")
        if name not in TABS:  # no tab was clicked: a request the page does not send
            raise PreventUpdate
        state = select_tab(name)
        return [state[key] for key in tab_outputs]

    @app.callback(Output("graph-zoom", "data"), Output("graph-svg", "style"),
                  Output("zoom-level", "children"),
                  Input("zoom-in", "n_clicks"), Input("zoom-out", "n_clicks"),
                  Input("zoom-fit", "n_clicks"), State("graph-zoom", "data"))
    def _zoom(_in, _out, _fit, level):
        level = zoom(ctx.triggered_id, level)
        return level, {"width": f"{level:.0%}"}, f"{level:.0%}"

    app.clientside_callback(  # aria-invalid follows the red border (assets/playground.js)
        ClientsideFunction("playground", "markInvalid"), Output("invalid-marks", "data"),
        [Input(CONTROLS[field], "className") for field in CHECKED_FIELDS])
    return app


def _follow_each_other(app: Dash, field: str) -> None:
    """The callback that keeps a slider field's slider and box in step."""
    box, slider = CONTROLS[field], slider_id(field)

    @app.callback(Output(box, "value"), Output(slider, "value"),
                  Input(box, "value"), Input(slider, "value"), prevent_initial_call=True)
    def _follow(box_value, slider_value):
        moved = "slider" if ctx.triggered_id == slider else "box"
        return slider_and_box(field, moved, box_value, slider_value)


def port_is_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:`port` now (connections that are
    closing, in TIME_WAIT, do not count: the server reuses the address as well)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the neural-network playground.")
    parser.add_argument("--port", type=int, default=8050, help="port on 127.0.0.1 (8050)")
    port = parser.parse_args(argv).port
    if not 1 <= port <= 65535:
        parser.error(f"--port must be from 1 to 65535, got {port}")
    if not port_is_free(port):
        print(f"error: port {port} on 127.0.0.1 is already in use; stop what uses it or "
              f"choose another with --port", file=sys.stderr)
        return 1
    refused = logging.StreamHandler()  # the guard's one line per refused request
    refused.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logging.getLogger("playground").addHandler(refused)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    print(f"Neural-network playground: open http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    create_app().run(host="127.0.0.1", port=port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
