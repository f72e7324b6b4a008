"""The page: a sidebar of controls, the numbers that matter, and the views.

Every element a callback or a test touches has a stable id, listed in `CONTROLS`
(one per `Settings` field) and used by name elsewhere.
"""

from __future__ import annotations

import uuid

from dash import dcc, html

from playground.settings import (
    ACTIVATIONS,
    DATASETS,
    LEARNING_RATE_RANGE,
    MAX_HIDDEN_LAYERS,
    MAX_UNITS,
    NOISE_RANGE,
    OPTIMIZERS,
    POINTS_RANGE,
    TRAIN_PERCENT_RANGE,
    Settings,
)

CONTROLS = {  # Settings field → id of its control
    "dataset": "dataset", "noise": "noise", "n_points": "n-points",
    "train_percent": "train-percent", "hidden_layers": "hidden-layers", "units": "units",
    "activation": "activation", "learning_rate": "learning-rate", "optimizer": "optimizer",
    "batch_size": "batch-size", "seed": "seed",
}


def _field(label: str, control, hint: str = "") -> html.Div:
    return html.Div([html.Label(label, className="field-label"), control,
                     html.Div(hint, className="hint") if hint else None], className="field")


def _radio(field: str, options, value) -> dcc.RadioItems:
    return dcc.RadioItems(id=CONTROLS[field], options=[{"label": str(o), "value": o}
                                                       for o in options],
                          value=value, inline=True, className="pills")


def _text(field: str, value) -> dcc.Input:
    return dcc.Input(id=CONTROLS[field], type="text", value=str(value), debounce=True,
                     inputMode="decimal", className="text-input")


def _slider(field: str, limits: tuple[float, float], step: float, value) -> dcc.Slider:
    """A slider over the same range the settings check, marked at both ends and the middle."""
    low, high = limits
    marks = {x: f"{x:g}" for x in (low, (low + high) / 2, high)}
    return dcc.Slider(id=CONTROLS[field], min=low, max=high, step=step, value=value, marks=marks,
                      tooltip={"placement": "bottom"})


def sidebar(defaults: Settings) -> html.Div:
    return html.Div(className="sidebar", children=[
        html.Div(className="buttons", children=[
            html.Button("▶ Train", id="train-button", n_clicks=0, className="primary"),
            html.Button("Step", id="step-button", n_clicks=0),
            html.Button("Reset", id="reset-button", n_clicks=0),
        ]),
        html.Div(id="input-error", className="error", role="alert"),
        html.H3("Data"),
        _field("Data set", _radio("dataset", DATASETS, defaults.dataset)),
        _field("Noise", _slider("noise", NOISE_RANGE, 0.05, defaults.noise)),
        _field("Number of points", _text("n_points", defaults.n_points),
               "{} to {}".format(*POINTS_RANGE)),
        _field("Training share (%)", _slider("train_percent", TRAIN_PERCENT_RANGE, 10,
                                             defaults.train_percent)),
        html.H3("Network"),
        _field("Hidden layers", _radio("hidden_layers", range(MAX_HIDDEN_LAYERS + 1),
                                       defaults.hidden_layers)),
        _field("Units per hidden layer", _radio("units", range(1, MAX_UNITS + 1), defaults.units)),
        _field("Activation", _radio("activation", ACTIVATIONS, defaults.activation)),
        html.H3("Training"),
        _field("Learning rate", _text("learning_rate", defaults.learning_rate),
               "{:g} to {:g}, e.g. 0.1".format(*LEARNING_RATE_RANGE)),
        _field("Optimizer", _radio("optimizer", OPTIMIZERS, defaults.optimizer)),
        _field("Batch size", _text("batch_size", defaults.batch_size),
               "points per step, at most the training points"),
        _field("Seed", _text("seed", defaults.seed),
               "same seed, same data, same first weights, same run"),
    ])


def _stat(label: str, element_id: str) -> html.Div:
    return html.Div([html.Div("–", id=element_id, className="stat-value"),
                     html.Div(label, className="stat-label")], className="stat")


def _panel(title: str, explanation: str, body) -> html.Div:
    return html.Div(className="panel", children=[
        html.H4(title), html.P(explanation, className="explain"), body])


def _graph(element_id: str, height: int) -> dcc.Graph:
    return dcc.Graph(id=element_id, config={"displayModeBar": False},
                     style={"height": f"{height}px"})


def training_tab() -> dcc.Tab:
    return dcc.Tab(label="Training", value="training", children=html.Div(className="grid", children=[
        _panel("Network", "Each square is one unit's output over the plane (blue > 0 > orange); "
               "each line is a weight: blue positive, orange negative, thicker is larger.",
               _graph("network", 420)),
        _panel("Decision regions", "The output p = σ(z), the network's probability of class 1, "
               "over the plane; the black line is p = 0.5. Dots: training points, rings: test.",
               _graph("decision-regions", 420)),
        _panel("Loss", "The cross-entropy L = −mean(y·log p + (1−y)·log(1−p)) on the training "
               "and the test points after each step.", _graph("loss-curves", 260)),
        _panel("The update rule, applied", "What the optimizer just did to one weight, "
               "with the gradient backward() computed for the last mini-batch.",
               html.Div(id="update-rule", className="update-rule")),
    ]))


def graph_tab() -> dcc.Tab:
    return dcc.Tab(label="Computation graph", value="graph", children=html.Div([
        html.P(className="explain", children=(
            "The engine's own record of one example (the first training point) going through "
            "the network to its loss L: boxes are tensors with their values and, in red, the "
            "gradient ∂L/∂(tensor) that backward() found at the current weights; ovals are "
            "the operations. Green boxes are the weights w and biases b the optimizer updates."
        )),
        html.Div(id="graph-svg", className="graph-svg"),
    ]))


def make_layout(defaults: Settings) -> html.Div:
    """The whole page; a fresh session id each time it is served."""
    return html.Div(children=[
        dcc.Store(id="session-id", data=uuid.uuid4().hex),
        dcc.Store(id="run-version", data=0),
        dcc.Interval(id="ticker", interval=300, disabled=True),
        html.Header([
            html.H1("Neural-network playground"),
            html.P("Pick a data set and a network, press Train, and watch gradient descent "
                   "separate the two classes. Every number comes from tinygrad_nn's "
                   "autograd engine."),
        ]),
        html.Div(className="body", children=[
            sidebar(defaults),
            html.Main([
                html.Div(className="stats", children=[
                    _stat("steps", "step-count"), _stat("training loss", "train-loss"),
                    _stat("test loss", "test-loss"), _stat("training accuracy", "train-accuracy"),
                    _stat("test accuracy", "test-accuracy"),
                ]),
                dcc.Tabs(id="tabs", value="training", children=[training_tab(), graph_tab()]),
            ]),
        ]),
    ])
