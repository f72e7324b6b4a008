"""The charts in words: what each one plots and its current numbers, for whoever
cannot see the picture (a screen reader reads them as the charts' captions)."""

from __future__ import annotations

import numpy as np

from playground.formats import bounded
from playground.model import Playground


def network_text(playground: Playground) -> str:
    settings = playground.settings
    layers = playground.layer_weights()
    count = sum(W.size + b.size for W, b in layers)
    hidden = (f"{settings.hidden_layers} hidden layer{'s' * (settings.hidden_layers != 1)} "
              f"of {settings.units} {settings.activation} unit{'s' * (settings.units != 1)}"
              if settings.hidden_layers else "no hidden layer")
    number, W = max(enumerate((W for W, _ in layers), start=1),
                    key=lambda item: np.abs(item[1]).max())
    i, j = np.unravel_index(np.abs(W).argmax(), W.shape)
    return (f"Network chart: inputs x₁ and x₂, {hidden}, output p; {count} weights and "
            f"biases, the largest weight w{number}[{i},{j}] = {bounded(W[i, j])}.")


def regions_text(playground: Playground) -> str:
    settings = playground.settings
    train = playground.accuracy(playground.X_train, playground.y_train)
    test = playground.accuracy(playground.X_test, playground.y_test)
    return (f"Decision regions chart on {settings.dataset}: the probability p of class 1 over "
            f"the plane, with {len(playground.y_train)} training and {len(playground.y_test)} "
            f"test points; {train:.0%} of the training points and {test:.0%} of the test "
            f"points lie on their class's side of p = 0.5.")


def losses_text(playground: Playground) -> str:
    history = playground.history
    if len(history["step"]) < 2:
        return "Loss chart: no step yet."
    test = np.asarray(history["test_loss"])
    best = int(np.nanargmin(test)) if np.isfinite(test).any() else -1
    lowest = (f"; lowest test loss {bounded(test[best])} at step {history['step'][best]}"
              if best >= 0 else "")
    train = history["train_loss"]
    return (f"Loss chart over {history['step'][-1]} steps: training loss from "
            f"{bounded(train[0])} to {bounded(train[-1])}, test loss "
            f"from {bounded(test[0])} to {bounded(test[-1])}{lowest}.")


def graph_text(playground: Playground) -> str:
    """The graph tab's drawing in words: the example, its loss, and the range of the
    gradient the drawing shows on each weight and bias."""
    loss = playground.example_loss()
    x, label = playground.X_train[0], int(playground.y_train[0])
    ranges = "; ".join(
        f"∂L/∂{p.name} from {bounded(p.grad.min())} to {bounded(p.grad.max())}"
        for p in playground.model.parameters())
    playground.model.zero_grad()
    return (f"Computation graph of one example's loss: the first training point, x = "
            f"({bounded(x[0])}, {bounded(x[1])}) of class {label}, gives L = "
            f"{bounded(loss.item())}. Every tensor is drawn with its value and gradient: "
            f"{ranges}.")
