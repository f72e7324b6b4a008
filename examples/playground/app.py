"""The playground web app: `python examples/playground/app.py [--port N]`.

Serves on 127.0.0.1 only. The training runs live here, in the server process,
one per browser page (keyed by a session id the page keeps in a dcc.Store);
the callbacks below only read the controls, move a run forward and redraw.
The callbacks' logic is in plain functions (`refresh`, `graph_view`,
`toggle_training`) so it can be tested without a browser.
"""

from __future__ import annotations

import argparse
import base64
import logging
import socket
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `playground` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from dash import Dash, Input, Output, State, ctx, html, no_update

from playground import figures
from playground.layout import CONTROLS, make_layout
from playground.model import Playground
from playground.settings import Settings, SettingsError, parse_settings

STEPS_PER_TICK = 20
MAX_SESSIONS = 16
DEFAULTS = Settings()
VIEW_IDS = (  # id → property of every output `refresh` fills
    ("network", "figure"), ("decision-regions", "figure"), ("loss-curves", "figure"),
    ("update-rule", "children"), ("step-count", "children"), ("train-loss", "children"),
    ("test-loss", "children"), ("train-accuracy", "children"), ("test-accuracy", "children"),
    ("input-error", "children"), ("run-version", "data"),
)

_sessions: OrderedDict[str, Playground] = OrderedDict()
_lock = threading.Lock()  # one callback at a time moves a run


def session(session_id: str, settings: Settings, reset: bool) -> Playground:
    """The run of this page: a new one when asked, or when the settings changed
    (then the old weights mean nothing for the new data or network)."""
    playground = _sessions.get(session_id)
    if reset or playground is None or playground.settings != settings:
        playground = _sessions[session_id] = Playground(settings)
    _sessions.move_to_end(session_id)
    while len(_sessions) > MAX_SESSIONS:
        _sessions.popitem(last=False)
    return playground


def views(playground: Playground) -> dict[str, Any]:
    """Every view of a run, keyed by element id."""
    settings = playground.settings
    train_loss, test_loss = playground.history["train_loss"][-1], playground.history["test_loss"][-1]
    diverged = not (np.isfinite(train_loss) and np.isfinite(test_loss))
    return {
        "network": figures.network_figure(playground),
        "decision-regions": figures.decision_figure(playground),
        "loss-curves": figures.loss_figure(playground),
        "update-rule": [html.Div(line) for line in figures.update_rule_lines(
            playground.last_update, settings.optimizer, settings.learning_rate)],
        "step-count": str(playground.steps),
        "train-loss": f"{train_loss:.3f}",
        "test-loss": f"{test_loss:.3f}",
        "train-accuracy": f"{playground.accuracy(playground.X_train, playground.y_train):.3f}",
        "test-accuracy": f"{playground.accuracy(playground.X_test, playground.y_test):.3f}",
        "input-error": ("The loss is no longer a finite number: the learning rate is too large "
                        "for this network. Lower it and press Reset." if diverged else ""),
        "run-version": f"{id(playground)}:{playground.steps}",
    }


def refresh(session_id: str, trigger: str | None, raw: dict[str, Any]) -> dict[str, Any]:
    """What the page shows after `trigger` (the id of the element that fired).

    Invalid controls leave every view as it was and say what is wrong in the
    error box; a tick of the timer moves the run STEPS_PER_TICK steps, the Step
    button one step, Reset starts the run again from the seed.
    """
    try:
        settings = parse_settings(raw)
    except SettingsError as error:
        return {key: no_update for key, _ in VIEW_IDS} | {"input-error": str(error)}
    with _lock:
        playground = session(session_id, settings, reset=trigger == "reset-button")
        if trigger == "ticker":
            playground.step(STEPS_PER_TICK)
        elif trigger == "step-button":
            playground.step(1)
        return views(playground)


def graph_view(session_id: str, tab: str) -> Any:
    """The graph of one example as an SVG image, drawn only while its tab is open."""
    if tab != "graph" or session_id not in _sessions:
        return no_update
    with _lock:
        svg = _sessions[session_id].example_graph_svg()
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return html.Img(src=source, alt="computation graph of one example")


def toggle_training(clicks: int) -> tuple[bool, str]:
    """(ticker disabled?, button label): odd clicks train, even clicks pause."""
    training = clicks % 2 == 1
    return not training, "❚❚ Pause" if training else "▶ Train"


def create_app(defaults: Settings = DEFAULTS) -> Dash:
    app = Dash(__name__, title="Neural-network playground",
               assets_folder=str(Path(__file__).resolve().parent / "assets"))
    app.layout = lambda: make_layout(defaults)
    control_inputs = [Input(CONTROLS[field], "value") for field in CONTROLS]

    @app.callback([Output(i, p) for i, p in VIEW_IDS],
                  [Input("ticker", "n_intervals"), Input("step-button", "n_clicks"),
                   Input("reset-button", "n_clicks"), *control_inputs],
                  State("session-id", "data"))
    def _refresh(_ticks, _steps, _resets, *values_and_session):
        *values, session_id = values_and_session
        result = refresh(session_id, ctx.triggered_id, dict(zip(CONTROLS, values)))
        return [result[key] for key, _ in VIEW_IDS]

    @app.callback(Output("graph-svg", "children"),
                  Input("tabs", "value"), Input("run-version", "data"),
                  State("session-id", "data"))
    def _graph(tab, _version, session_id):
        return graph_view(session_id, tab)

    @app.callback(Output("ticker", "disabled"), Output("train-button", "children"),
                  Input("train-button", "n_clicks"))
    def _toggle(clicks):
        return toggle_training(clicks or 0)

    return app


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
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    print(f"Neural-network playground: open http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    create_app().run(host="127.0.0.1", port=port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
