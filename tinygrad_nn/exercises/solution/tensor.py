"""Tensor: a numpy array that remembers how it was computed.

Every operation on tensors runs an op of `ops.py` through `apply`, which, when an
input requires a gradient, records the op in the output (`_op`, with the input
tensors in `_op.inputs`). That record is the computation graph. `backward()` lists
the graph so that every tensor comes after its inputs (`topological_order`), then
walks that list backwards (`backward_pass`), handing each op the gradient of its
output and adding what it returns into its inputs' gradients: reverse-mode
automatic differentiation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from . import ops


def apply(op_class: type[ops.Op], *inputs: Tensor, **attrs: Any) -> Tensor:
    """Run an op forward on its inputs' arrays and, if some input requires a gradient,
    remember the op and its inputs in the output."""
    op = op_class()
    out = Tensor(op.forward(*[t.data for t in inputs], **attrs))
    if any(t.requires_grad for t in inputs):
        op.inputs, op.needs_grad = inputs, tuple(t.requires_grad for t in inputs)
        out._op, out.requires_grad = op, True
    return out


def topological_order(root: Tensor) -> list[Tensor]:
    """Every tensor `root` was computed from, and root itself last: each tensor once,
    after all of its inputs. An explicit stack, not recursion, so that a chain of
    100,000 ops is fine."""
    # --- exercise: topological_order ---
    order: list[Tensor] = []
    visited: set[Tensor] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        tensor, inputs_done = stack.pop()
        if inputs_done:
            order.append(tensor)
            continue
        if tensor in visited:
            continue
        visited.add(tensor)
        stack.append((tensor, True))
        for parent in tensor._op.inputs if tensor._op is not None else ():
            if parent not in visited:
                stack.append((parent, False))
    return order
    # --- end ---


def backward_pass(root: Tensor, grad: np.ndarray) -> Iterator[tuple[Tensor, np.ndarray]]:
    """Reverse-mode autodiff: yield every tensor `root` depends on that requires a
    gradient, with g = ∂root/∂tensor times `grad`. A tensor's g is complete when it is
    reached, because every tensor computed from it came before in the walk; a tensor
    used twice receives two contributions, and they add up."""
    # --- exercise: backward_pass ---
    pending = {root: grad}
    for tensor in reversed(topological_order(root)):
        g = pending.pop(tensor, None)
        if g is None:  # a constant, or a tensor root does not depend on
            continue
        yield tensor, g
        if tensor._op is None:
            continue
        inputs = tensor._op.inputs
        contributions = tensor._op.backward(g, *[t.data for t in inputs], tensor.data)
        for parent, contribution in zip(inputs, contributions):
            if parent.requires_grad:
                pending[parent] = (pending[parent] + contribution if parent in pending
                                   else contribution)
    # --- end ---


class Tensor:
    """An array of float64 numbers with a gradient and a place in the graph."""

    __array_ufunc__ = None  # numpy defers to us: `array + tensor` is a Tensor

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None):
        array = np.array(data, dtype=np.float64) if requires_grad else np.asarray(data, np.float64)
        self.data: np.ndarray = array  # a parameter owns its data: SGD changes it in place
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad
        self.name = name
        self._op: ops.Op | None = None

    shape = property(lambda self: self.data.shape, doc="The shape of the data.")

    def __repr__(self) -> str:
        named = f", name={self.name!r}" if self.name else ""
        return f"Tensor({np.array2string(self.data, precision=4)}{named})"

    def item(self) -> float:
        """The one element, as a Python float."""
        return self.data.item()

    def backward(self) -> None:
        """Add ∂self/∂t into t.grad for every tensor t that self was computed from and
        that requires a gradient. self must hold one number: a loss."""
        if self.data.size != 1:
            raise ValueError(f"backward() needs a loss of one element; this tensor has "
                             f"shape {self.shape}: sum it first")
        for tensor, g in backward_pass(self, np.ones_like(self.data)):
            tensor.grad = g if tensor.grad is None else tensor.grad + g

    # ---- arithmetic: numbers and arrays become constant tensors ----------------

    @staticmethod
    def lift(other: Any) -> Tensor:
        """`other` as a tensor: a constant unless it is one already."""
        return other if isinstance(other, Tensor) else Tensor(other)

    def __add__(self, other): return apply(ops.Add, self, self.lift(other))
    def __radd__(self, other): return apply(ops.Add, self.lift(other), self)
    def __sub__(self, other): return apply(ops.Sub, self, self.lift(other))
    def __rsub__(self, other): return apply(ops.Sub, self.lift(other), self)
    def __mul__(self, other): return apply(ops.Mul, self, self.lift(other))
    def __rmul__(self, other): return apply(ops.Mul, self.lift(other), self)
    def __truediv__(self, other): return apply(ops.Div, self, self.lift(other))
    def __rtruediv__(self, other): return apply(ops.Div, self.lift(other), self)
    def __matmul__(self, other): return apply(ops.MatMul, self, self.lift(other))
    def __rmatmul__(self, other): return apply(ops.MatMul, self.lift(other), self)
    def __neg__(self): return apply(ops.Neg, self)

    def __pow__(self, exponent: float) -> Tensor:
        """xⁿ for a number n."""
        return apply(ops.Pow, self, exponent=exponent)

    def exp(self) -> Tensor:
        """eˣ."""
        return apply(ops.Exp, self)

    def log(self) -> Tensor:
        """ln x, for x > 0."""
        return apply(ops.Log, self)

    def sigmoid(self) -> Tensor:
        """σ(x) = 1/(1 + e⁻ˣ)."""
        return apply(ops.Sigmoid, self)

    def tanh(self) -> Tensor:
        """tanh x."""
        return apply(ops.Tanh, self)

    def relu(self) -> Tensor:
        """max(x, 0)."""
        return apply(ops.ReLU, self)

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The sum over `axis` (every axis if None)."""
        return apply(ops.Sum, self, axis=axis, keepdims=keepdims)

    def mean(self) -> Tensor:
        """The mean of every element: the sum times 1/count."""
        return self.sum() * (1.0 / self.data.size)

    def log_softmax(self) -> Tensor:
        """log softmax over each row (the last axis), without overflow."""
        return apply(ops.LogSoftmax, self)

    # ---- losses: self holds the last layer's values before its activation -------

    def bce_with_logits(self, target: Any) -> Tensor:
        """The mean binary cross-entropy of σ(self) against targets of 0 or 1."""
        return apply(ops.SigmoidBCE, self, target=np.asarray(target, np.float64))

    def mse(self, target: Any) -> Tensor:
        """The mean squared error of self against the targets."""
        return apply(ops.MSE, self, target=np.asarray(target, np.float64))

    def cross_entropy(self, labels: Any) -> Tensor:
        """The mean cross-entropy of softmax over each row of self against class labels."""
        return apply(ops.SoftmaxCrossEntropy, self, labels=np.asarray(labels, np.int64))
