"""The articles' models written on the learner's engine: what the walk is checked
on against `formulas.py`, and what the capstone trains.

Each function takes the learner's Tensor class or tensors; nothing here imports
tinygrad_nn's own engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def cross_entropy(p: Any, y: np.ndarray) -> Any:
    """The sum over samples of −[y log p + (1 − y) log(1 − p)] (articles 001 and 004):
    divide by m for the mean cost C."""
    return -(y * p.log() + (1.0 - y) * (1.0 - p).log()).sum()


def network_001(X: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
    """Article 001's 1-2-1 network: ŷ = σ(σ(X·w1 + b1)·w2 + b2)."""
    return ((X @ w1 + b1).sigmoid() @ w2 + b2).sigmoid()


def neuron_004(X: Any, w: Any, b: Any) -> Any:
    """Article 004's one sigmoid neuron: a = σ(X·w + b)."""
    return (X @ w + b).sigmoid()


def squared_error_003(X: Any, w: Any, b: Any, y_: np.ndarray) -> Any:
    """Article 003's mean squared error E = (1/m) Σ (y_ − (X·w + b))²."""
    return ((y_ - (X @ w + b)) ** 2).sum() * (1.0 / len(y_))


def parameters_001(tensor_class: type, rng: np.random.RandomState) -> list[Any]:
    """w1 (1, 2) and w2 (2, 1) drawn U[0, 1) as the article's np.random.rand, in that
    order; b1 (2,) and b2 (1,) zero."""
    w1 = tensor_class(rng.random_sample((1, 2)), requires_grad=True, name="w1")
    w2 = tensor_class(rng.random_sample((2, 1)), requires_grad=True, name="w2")
    b1 = tensor_class(np.zeros(2), requires_grad=True, name="b1")
    b2 = tensor_class(np.zeros(1), requires_grad=True, name="b2")
    return [w1, b1, w2, b2]


def right(p: np.ndarray, y: np.ndarray) -> int:
    """How many outputs are on the right side of 0.5."""
    return int(np.sum((p > 0.5) == (y == 1)))
