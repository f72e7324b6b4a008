"""Gradient descent: each parameter takes a small step against its gradient."""

from __future__ import annotations

from collections.abc import Iterable

from .tensor import Tensor


class SGD:
    """Plain gradient descent, p ← p − lr·∂L/∂p, as the articles train."""

    def __init__(self, params: Iterable[Tensor], lr: float):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self) -> None:
        """Forget the gradients: backward() adds into .grad, so clear it before each step."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Move every parameter that has a gradient one step downhill, in place."""
        # --- exercise: sgd_step ---
        for p in self.params:
            if p.grad is not None:
                p.data -= self.lr * p.grad
        # --- end ---
