"""Gradient descent: each parameter takes a small step against its gradient."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .tensor import Tensor


class Optimizer:
    """What every optimizer has: the parameters it moves, and forgetting their gradients."""

    def __init__(self, params: Iterable[Tensor]):
        self.params = list(params)

    def zero_grad(self) -> None:
        """Forget the gradients: backward() adds into .grad, so clear it before each step."""
        for p in self.params:
            p.grad = None


class SGD(Optimizer):
    """Plain gradient descent, p ← p − lr·∂L/∂p, as the articles train."""

    def __init__(self, params: Iterable[Tensor], lr: float):
        super().__init__(params)
        self.lr = lr

    def step(self) -> None:
        """Move every parameter that has a gradient one step downhill, in place."""
        # --- exercise: sgd_step ---
        for p in self.params:
            if p.grad is not None:
                p.data -= self.lr * p.grad
        # --- end ---


class Adam(Optimizer):
    """Adam (Kingma and Ba): each parameter steps by its gradient's running mean over
    the root of its running mean square, both corrected for starting at zero. At step t:
    m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − lr·m̂/(√v̂ + ε) with
    m̂ = m/(1 − β₁ᵗ) and v̂ = v/(1 − β₂ᵗ)."""

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(params)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.t = 0  # steps taken
        self.m = [np.zeros_like(p.data) for p in self.params]  # running mean of g
        self.v = [np.zeros_like(p.data) for p in self.params]  # running mean of g²

    def step(self) -> None:
        """One step of every parameter that has a gradient, in place."""
        # --- exercise: adam_step ---
        self.t += 1
        beta1, beta2 = self.betas
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m[...] = beta1 * m + (1 - beta1) * p.grad
            v[...] = beta2 * v + (1 - beta2) * p.grad**2
            m_hat = m / (1 - beta1**self.t)
            v_hat = v / (1 - beta2**self.t)
            p.data -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        # --- end ---
