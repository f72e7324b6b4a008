"""The page: a sidebar of controls, the numbers that matter, and the views.

Every element a callback or a test touches has a stable id, listed in `CONTROLS`
(one per `Settings` field) and used by name elsewhere.
"""

from __future__ import annotations

import uuid

from dash import dcc, html

from playground.settings import (
    ACTIVATIONS,
    BATCH_RANGE,
    DATASETS,
    HALVED_BY_RANGE,
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
    "activation": "activation", "learning_rate": "learning-rate",
    "rate_halved_by": "rate-halved-by", "optimizer": "optimizer", "batch_size": "batch-size",
    "seed": "seed",
}
TEXT_FIELDS = ("n_points", "learning_rate", "rate_halved_by", "batch_size", "seed")
SLIDER_FIELDS = ("noise", "train_percent")  # a slider beside the text box
CHECKED_FIELDS = TEXT_FIELDS + SLIDER_FIELDS  # text boxes: a value can be wrong, marked there
FIELD_CLASS = dict.fromkeys(CHECKED_FIELDS, "text-input")  # the class of each, unmarked
TEXT_MAX_LENGTH = 100  # characters a text box takes: any valid value is far shorter
TABS = {"training": "Training", "graph": "Computation graph"}  # tab name → its label


def _label(field: str, text: str, **attributes) -> html.Label:
    return html.Label(text, htmlFor=CONTROLS[field], className="field-label", **attributes)


def _text_box(field: str, value) -> dcc.Input:
    """A box the value is typed into, applied on Enter or when the box is left; kept
    over a reload, as typed, valid or not."""
    return dcc.Input(id=CONTROLS[field], type="text", value=f"{value:g}" if isinstance(
        value, float) else str(value), debounce=True, maxLength=TEXT_MAX_LENGTH,
        inputMode="decimal", className=FIELD_CLASS[field], persistence=True,
        persistence_type="local")


def _text_field(field: str, label: str, value, hint: str) -> html.Div:
    """A text box with its label, a hint, and a place for its own error message."""
    element_id = CONTROLS[field]
    return html.Div(className="field", children=[
        _label(field, label),
        _text_box(field, value),
        html.Div(hint, id=f"{element_id}-hint", className="hint"),
        html.Div(id=f"{element_id}-error", className="field-error"),
    ])


def _radio_field(field: str, legend: str, options, value) -> html.Fieldset:
    """Radio buttons grouped under their legend, so "2" is read as "Hidden layers, 2"."""
    return html.Fieldset(className="field", children=[
        html.Legend(legend, id=f"{CONTROLS[field]}-legend", className="field-label"),
        dcc.RadioItems(id=CONTROLS[field], value=value, inline=True, className="pills",
                       options=[{"label": str(o), "value": o} for o in options],
                       persistence=True, persistence_type="local"),
    ])


def slider_id(field: str) -> str:
    return f"{CONTROLS[field]}-slider"


def _slider_field(field: str, label: str, limits: tuple[float, float], step: float,
                  value) -> html.Div:
    """A text box, as the other fields have, and a slider over the same range the
    settings check, marked at both ends and the middle. The box holds the value; the
    slider only moves it (and follows it when it is valid: app.py), so a value typed
    out of range is marked there with its message, never clamped."""
    low, high = limits
    marks = {x: f"{x:g}" for x in (low, (low + high) / 2, high)}
    element_id = CONTROLS[field]
    return html.Div(className="field", children=[
        _label(field, label, id=f"{slider_id(field)}-label"),  # names the slider as well
        html.Div(className="slider-row", children=[  # (assets/playground.js)
            dcc.Slider(id=slider_id(field), min=low, max=high, step=step, value=value,
                       marks=marks, tooltip={"placement": "bottom"}, allow_direct_input=False,
                       className="slider", persistence=True, persistence_type="local"),
            _text_box(field, value),
        ]),
        html.Div("{:g} to {:g}".format(*limits), id=f"{element_id}-hint", className="hint"),
        html.Div(id=f"{element_id}-error", className="field-error"),
    ])


def sidebar(defaults: Settings) -> html.Aside:
    """The buttons and what they say, then the settings. On a narrow screen it is a drawer
    along the bottom (assets/style.css) and the settings fold away (assets/playground.js),
    so the charts stay in sight while a setting changes."""
    return html.Aside(className="sidebar", **{"aria-label": "Settings"}, children=[
        html.Div(className="buttons", children=[
            html.Button("▶ Train", id="train-button", n_clicks=0, className="primary"),
            html.Button("Step", id="step-button", n_clicks=0),
            html.Button("Reset", id="reset-button", n_clicks=0),
        ]),
        html.Div(id="run-status", className="status", role="status"),
        html.Div(id="progress-announcement", className="sr-only", **{"aria-live": "polite"}),
        html.Div(id="input-error", className="error", role="alert"),
        html.Details(id="settings", className="settings", open=True, children=[
            html.Summary("Settings", className="settings-summary"),
            *settings_fields(defaults)]),
    ])


def settings_fields(defaults: Settings) -> list:
    return [
        html.H2("Data"),
        _radio_field("dataset", "Data set", DATASETS, defaults.dataset),
        _slider_field("noise", "Noise", NOISE_RANGE, 0.05, defaults.noise),
        _text_field("n_points", "Number of points", defaults.n_points,
                    "{} to {}".format(*POINTS_RANGE)),
        _slider_field("train_percent", "Training share (%)", TRAIN_PERCENT_RANGE, 10,
                      defaults.train_percent),
        html.H2("Network"),
        _radio_field("hidden_layers", "Hidden layers", range(MAX_HIDDEN_LAYERS + 1),
                     defaults.hidden_layers),
        _radio_field("units", "Units per hidden layer", range(1, MAX_UNITS + 1), defaults.units),
        _radio_field("activation", "Activation", ACTIVATIONS, defaults.activation),
        html.H2("Training"),
        _text_field("learning_rate", "Learning rate", defaults.learning_rate,
                    "{:g} to {:g}; Adam learns well at 0.01 to 0.03".format(*LEARNING_RATE_RANGE)),
        _text_field("rate_halved_by", "Rate halved by step", defaults.rate_halved_by,
                    "{} to {:,}: lr / (1 + step / this), so the rate falls and a found answer "
                    "stays found; 0 keeps it constant".format(*HALVED_BY_RANGE)),
        _radio_field("optimizer", "Optimizer", OPTIMIZERS, defaults.optimizer),
        _text_field("batch_size", "Batch size", defaults.batch_size,
                    "{} to {} points per step (all the training points if fewer)".format(
                        *BATCH_RANGE)),
        _text_field("seed", "Seed", defaults.seed,
                    "same seed, same data, same first weights, same run"),
    ]


def _stat(label: str, element_id: str) -> html.Div:
    return html.Div([html.Div("–", id=element_id, className="stat-value"),
                     html.Div(label, className="stat-label")], className="stat")


def _panel(title: str, explanation: str, body, first_on_phones: bool = False) -> html.Section:
    """A titled panel of the training view; on a narrow screen `first_on_phones` puts it
    above the others (assets/style.css)."""
    classes = "panel first-on-phones" if first_on_phones else "panel"
    return html.Section(className=classes, children=[
        html.H3(title), html.P(explanation, className="explain"), body])


def _chart(element_id: str, height: int) -> html.Figure:
    """A chart named by its description in words, its caption (read, not shown); plotly's
    hundreds of unnamed shapes and bare tick labels are hidden from assistive technology."""
    caption = f"{element_id}-text"
    return html.Figure(className="chart", **{"aria-labelledby": caption}, children=[
        html.Div(dcc.Graph(id=element_id, config={"displayModeBar": False},
                           style={"height": f"{height}px"}), **{"aria-hidden": "true"}),
        html.Figcaption(id=caption, className="sr-only"),
    ])


def training_panel() -> html.Div:
    return html.Div(className="grid", children=[
        _panel("Network", "Each square is one unit's output over the plane (blue > 0 > orange); "
               "each line is a weight: blue positive, orange negative, thicker is larger.",
               _chart("network", 420)),
        _panel("Decision regions", "The output p = σ(z), the network's probability of class 1, "
               "over the plane; the black line is p = 0.5. Dots: training points, rings: test.",
               _chart("decision-regions", 420), first_on_phones=True),
        _panel("Loss", "The cross-entropy L = −mean(y·log p + (1−y)·log(1−p)) on the training "
               "and the test points after each step.", _chart("loss-curves", 260)),
        _panel("The update rule, applied", "What the optimizer just did to one weight, "
               "with the gradient backward() computed for the last mini-batch.",
               html.Div(id="update-rule", className="update-rule")),
    ])


def graph_panel() -> html.Div:
    return html.Div([
        html.P(className="explain", children=(
            "The engine's own record of one example (the first training point) going through "
            "the network to its loss L: boxes are tensors with their values and, in red, the "
            "gradient ∂L/∂(tensor) that backward() found at the current weights; ovals are "
            "the operations. Green boxes are the weights w and biases b the optimizer updates."
        )),
        html.Div(className="zoom-bar", children=[
            html.Button("−", id="zoom-out", n_clicks=0, **{"aria-label": "Zoom out"}),
            html.Button("+", id="zoom-in", n_clicks=0, **{"aria-label": "Zoom in"}),
            html.Button("Fit", id="zoom-fit", n_clicks=0, **{"aria-label": "Fit to width"}),
            html.Span("100%", id="zoom-level", className="zoom-level"),
            html.Span("Drag the drawing, scroll it or use the arrow keys on it to pan.",
                      className="hint"),
        ]),
        html.Div(id="graph-frame", className="graph-frame", tabIndex="0", role="region",
                 **{"aria-label": "Computation graph drawing"},
                 children=html.Div(id="graph-svg", className="graph-svg")),
    ])


def tabs() -> list:
    """A tab list (role tab, arrow keys move between tabs: assets/playground.js) and
    its panels; the training panel shows first."""
    tab_list = html.Div(role="tablist", id="views", className="tabs", **{"aria-label": "Views"},
                        children=[
        html.Button(label, id=f"tab-{name}", role="tab", n_clicks=0, className="tab",
                    tabIndex="0" if name == "training" else "-1",
                    **{"aria-selected": str(name == "training").lower(),
                       "aria-controls": f"panel-{name}"})
        for name, label in TABS.items()])
    panels = [html.Div(body, id=f"panel-{name}", role="tabpanel", hidden=name != "training",
                       **{"aria-labelledby": f"tab-{name}"})
              for name, body in (("training", training_panel()), ("graph", graph_panel()))]
    return [tab_list, *panels]


def make_layout(defaults: Settings) -> html.Div:
    """The whole page. The session id is kept in the tab's session storage, so a reload
    finds its run again; the controls keep their values in local storage."""
    return html.Div(children=[
        dcc.Store(id="session-id", data=uuid.uuid4().hex, storage_type="session"),
        dcc.Store(id="run-shown"),  # what this page has drawn: patches build on it
        dcc.Store(id="run-id", storage_type="session"),  # the tab's run, kept over a reload
        dcc.Store(id="active-tab", data="training"),
        dcc.Store(id="graph-wanted"),  # the run to draw, set while the graph tab is open
        dcc.Store(id="graph-zoom", data=1.0),
        dcc.Store(id="invalid-marks"),
        dcc.Interval(id="ticker", interval=300, disabled=True, max_intervals=0),
        html.A("Skip to the charts", href="#views", className="skip-link"),
        html.Header([
            html.H1("Neural-network playground"),
            html.P("Pick a data set and a network, press Train, and watch gradient descent "
                   "separate the two classes. Every number comes from tinygrad_nn's "
                   "autograd engine."),
        ]),
        html.Div(className="body", children=[
            sidebar(defaults),
            html.Main([
                html.Div(id="connection-note", className="connection-note", role="alert"),
                html.Div(className="stats", children=[
                    _stat("steps", "step-count"), _stat("training loss", "train-loss"),
                    _stat("test loss", "test-loss"), _stat("training accuracy", "train-accuracy"),
                    _stat("test accuracy", "test-accuracy"),
                ]),
                html.Div(id="stale-note", className="stale-note"),
                *tabs(),
            ]),
        ]),
    ])
