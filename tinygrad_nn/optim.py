"""Optimizers: after backward(), move every parameter against its gradient.

Updates change `p.data` in place, so a module and its optimizer keep sharing
the same tensors, and stamp the parameters they moved as written
(`guards.record_write`), so a graph recorded before the step refuses backward().
A parameter whose `grad` is None (it took no part in the last backward) is
skipped; a gradient may be an array or, after `backward(create_graph=True)`, a
Tensor. Every gradient is checked (real floating point, the parameter's shape)
before anything changes, so a step that fails leaves the parameters and the
optimizer's state as they were. The update rules are PyTorch's, so results can
be compared.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tinygrad_nn.guards import described, record_write
from tinygrad_nn.tensor import Tensor


def _check_range(name: str, value: float, low: float, high: float = np.inf) -> None:
    if not low <= value < high:
        bounds = f"≥ {low}" if high == np.inf else f"in [{low}, {high})"
        raise ValueError(f"{name} must be {bounds}; got {value}")


def _checked_gradient(position: int, p: Tensor) -> np.ndarray:
    """p's gradient as an array, or a ValueError naming the parameter if a step could
    not use it: a gradient that is not real floating point (complex, integer, object)
    would be cast or refused by numpy halfway through a step, one of another shape
    broadcast into the wrong elements. Non-finite values pass, as in PyTorch: a NaN
    gradient gives NaN weights, which is the truth about that step. A Tensor gradient
    (after backward(create_graph=True)) is read through `np.asarray` as an array is."""
    g = np.asarray(p.grad)
    parameter = f"parameter {position} ({described(p)})"
    if g.dtype.kind != "f":
        raise ValueError(f"optimizer step: the gradient of {parameter} has dtype {g.dtype}; "
                         f"it must be real floating point, as the parameter's ({p.dtype}) is")
    if g.shape != p.shape:
        raise ValueError(f"optimizer step: the gradient of {parameter} has shape {g.shape}; "
                         f"it must have the parameter's shape {p.shape}")
    return g


class Optimizer:
    """Holds the parameters; `step()` updates them, `zero_grad()` clears their grads."""

    def __init__(self, params: Iterable[Tensor]):
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got no parameters (an empty list)")
        first_position: dict[int, int] = {}
        for position, p in enumerate(self.params):
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise TypeError(
                    f"optimizer parameters must be Tensors with requires_grad=True; got {p!r}"
                )
            first = first_position.setdefault(id(p), position)
            if first != position:
                raise ValueError(
                    f"optimizer parameter {position} ({described(p)}) is parameter {first} "
                    "again: listed twice, it would be updated twice per step. List it once"
                )

    def gradients(self) -> list[tuple[int, Tensor, np.ndarray]]:
        """(position, parameter, gradient array) for every parameter that has a
        gradient, all checked before any is used, so a bad one changes nothing."""
        return [(i, p, _checked_gradient(i, p)) for i, p in enumerate(self.params)
                if p.grad is not None]

    def step(self) -> None:
        """Move every parameter that has a gradient against it, in place."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every gradient to None, so the next backward() starts afresh."""
        for p in self.params:
            p.grad = None


class SGD(Optimizer):
    """Gradient descent with optional momentum μ (PyTorch's rule):
    v ← μ·v + g;  p ← p − lr·v.   With μ = 0 this is p ← p − lr·g.
    """

    def __init__(self, params: Iterable[Tensor], lr: float, momentum: float = 0.0):
        super().__init__(params)
        _check_range("lr", lr, 0.0)
        _check_range("momentum", momentum, 0.0)
        self.lr, self.momentum = lr, momentum
        self.velocities = [np.zeros_like(p.data) for p in self.params] if momentum else None

    def step(self) -> None:
        moved = self.gradients()
        for i, p, g in moved:
            direction = g
            if self.momentum:
                direction = self.velocities[i]
                direction *= self.momentum
                direction += g
            values = p.data
            values -= self.lr * direction  # in place; stamped below, all with one tick
        record_write(*[p for _, p, _ in moved])


class Adam(Optimizer):
    """Adam (Kingma & Ba), PyTorch's rule. At step t, for gradient g:
    m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²            (moving averages)
    m̂ = m/(1 − β₁ᵗ);       v̂ = v/(1 − β₂ᵗ)                  (they start at 0: unbias)
    p ← p − lr·m̂/(√v̂ + ε)
    Each parameter counts its own steps t, as it may miss some.
    """

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(params)
        _check_range("lr", lr, 0.0)
        _check_range("betas[0]", betas[0], 0.0, 1.0)
        _check_range("betas[1]", betas[1], 0.0, 1.0)
        _check_range("eps", eps, 0.0)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]
        self.steps = [0] * len(self.params)

    def step(self) -> None:
        beta1, beta2 = self.betas
        moved = self.gradients()
        for i, p, g in moved:
            self.steps[i] += 1
            t, m, v = self.steps[i], self.m[i], self.v[i]
            m[...] = beta1 * m + (1 - beta1) * g
            v[...] = beta2 * v + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            values = p.data
            values -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)  # in place; stamped below
        record_write(*[p for _, p, _ in moved])
