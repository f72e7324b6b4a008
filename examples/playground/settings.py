"""What the learner asked for, checked: the raw values of the page's controls become
a `Settings`, or a `SettingsError` that says which control is wrong and what it accepts.

Text fields arrive as strings ("abc", "", "0.1"), so every value is parsed here and
nowhere else; the rest of the playground only ever sees valid settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

DATASETS = ("blobs", "circles", "moons", "xor", "spiral", "gauss")
ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity")
OPTIMIZERS = ("SGD", "Adam")
MAX_HIDDEN_LAYERS = 4
MAX_UNITS = 8
POINTS_RANGE = (10, 1000)
NOISE_RANGE = (0.0, 1.0)
TRAIN_PERCENT_RANGE = (10, 90)
LEARNING_RATE_RANGE = (1e-5, 10.0)
HALVED_BY_RANGE = (0, 100_000)  # steps; 0 keeps the rate constant
BATCH_RANGE = (1, POINTS_RANGE[1])
SEED_RANGE = (0, 2**32 - 1)


SHOWN_VALUE_LENGTH = 16  # characters of a refused value quoted back: enough to recognise it


class SettingsError(ValueError):
    """One line per control whose value is not accepted; `problems` maps each such
    `Settings` field to its line, so the page can mark the control itself."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("\n".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    """Everything that decides a training run: the same settings give the same run."""

    dataset: str = "circles"
    noise: float = 0.1
    n_points: int = 1000
    train_percent: int = 50
    hidden_layers: int = 3
    units: int = 8
    activation: str = "relu"  # with Adam at 0.02, halved by step 1,000: every data set stays solved
    learning_rate: float = 0.02
    rate_halved_by: int = 1000
    optimizer: str = "Adam"
    batch_size: int = 30
    seed: int = 0

    @property
    def n_train(self) -> int:
        """Training points: train_percent of the points, at least one, leaving one to test."""
        return min(max(1, round(self.n_points * self.train_percent / 100)), self.n_points - 1)

    @property
    def batch(self) -> int:
        """Points per step: the batch size, or every training point when there are fewer
        (so the smallest data set trains with any batch size)."""
        return min(self.batch_size, self.n_train)

    def rate(self, step: int) -> float:
        """The learning rate of the step after `step` steps: lr / (1 + step / rate_halved_by),
        half of lr by step rate_halved_by, a third by twice that. A constant rate large
        enough to learn fast keeps jumping out of the answer it found (Adam at a constant
        0.03 took the spiral to 95% and later back down to 64%); 0 keeps it constant."""
        if self.rate_halved_by == 0:
            return self.learning_rate
        return self.learning_rate / (1 + step / self.rate_halved_by)


def shown(value: Any) -> str:
    """`value` as quoted back in a message: its repr, cut to a short prefix, so a
    pasted page of text gives a one-line message."""
    if value is None or value == "":
        return "nothing"  # an empty box
    text = repr(value)
    if len(text) <= SHOWN_VALUE_LENGTH:
        return text
    return text[:SHOWN_VALUE_LENGTH - 1] + "…" + (text[0] if text[0] in "'\"" else "")


def _choice(label: str, value: Any, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{label}: choose one of {', '.join(options)} (got {shown(value)}).")
    return value


def _number(label: str, value: Any, low: float, high: float, integer: bool) -> Any:
    """`value` (a number or the text of one) as an int or float in [low, high]."""
    kind = "a whole number" if integer else "a number"
    span = f"from {low:d} to {high:d}" if integer else f"from {low:g} to {high:g}"
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number) or (integer and number != int(number)):
        raise ValueError(f"{label}: expected {kind} {span} (got {shown(value)}).")
    if not low <= number <= high:
        raise ValueError(f"{label}: must be {span} (got {shown(value)}).")
    return int(number) if integer else number


CHECKS = {  # Settings field → its check: the raw value in, the value or a ValueError out
    "dataset": lambda v: _choice("Data set", v, DATASETS),
    "noise": lambda v: _number("Noise", v, *NOISE_RANGE, integer=False),
    "n_points": lambda v: _number("Number of points", v, *POINTS_RANGE, integer=True),
    "train_percent": lambda v: _number("Training share (%)", v, *TRAIN_PERCENT_RANGE, True),
    "hidden_layers": lambda v: _number("Hidden layers", v, 0, MAX_HIDDEN_LAYERS, True),
    "units": lambda v: _number("Units per hidden layer", v, 1, MAX_UNITS, True),
    "activation": lambda v: _choice("Activation", v, ACTIVATIONS),
    "learning_rate": lambda v: _number("Learning rate", v, *LEARNING_RATE_RANGE, False),
    "rate_halved_by": lambda v: _number("Rate halved by step", v, *HALVED_BY_RANGE, True),
    "optimizer": lambda v: _choice("Optimizer", v, OPTIMIZERS),
    "batch_size": lambda v: _number("Batch size", v, *BATCH_RANGE, integer=True),
    "seed": lambda v: _number("Seed", v, *SEED_RANGE, integer=True),
}


def parse_settings(raw: dict[str, Any]) -> Settings:
    """Settings from the controls' raw values (keys are `Settings` field names).

    Every control is checked, so the message lists all wrong values at once.
    """
    values, problems = {}, {}
    for name, check in CHECKS.items():
        try:
            values[name] = check(raw.get(name))
        except ValueError as error:
            problems[name] = str(error)
    if problems:
        raise SettingsError(problems)
    return Settings(**values)
