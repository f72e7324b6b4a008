"""Central finite differences: the independent check on every backward rule.

df/dx ≈ (f(x + ε) − f(x − ε)) / 2ε has error O(ε²), so in float64 with ε = 1e-6
it agrees with an exact derivative to about 1e-9 on smooth functions. Learners can
use it on their own functions; the tests use it on every op and formula.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_nn.guards import first_index
from tinygrad_nn.tensor import Tensor, no_grad


class GradcheckError(AssertionError):
    """Autograd and finite differences disagree; the message says where."""


def _scalar(value: Any) -> float:
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    if array.size != 1:
        raise ValueError(f"the function must return one number (a loss); it returned shape {array.shape}")
    return float(array.reshape(()))


def require_float64(tensor: Tensor, caller: str) -> None:
    """Finite differences need float64: in float32 a nudge of 1e-6 is lost in rounding."""
    if tensor.dtype != np.float64:
        raise TypeError(
            f"{caller} needs float64 tensors; {tensor.name or 'a tensor'} is "
            f"{tensor.dtype}, too coarse for finite differences"
        )


def central_difference(value: Callable[[], Any], tensor: Tensor, index: tuple[int, ...],
                       eps: float) -> Any:
    """(value() with tensor[index] + eps − value() with tensor[index] − eps) / 2eps: the
    derivative of value() in that element. The element is nudged in place and restored."""
    original = tensor.data[index]
    tensor.data[index] = original + eps
    plus = value()
    tensor.data[index] = original - eps
    minus = value()
    tensor.data[index] = original
    return (plus - minus) / (2 * eps)


def numerical_grad(f: Callable[[], Any], *tensors: Tensor, eps: float = 1e-6) -> list[np.ndarray]:
    """d f() / d t for each tensor t, one central difference per element.

    `f` takes no arguments and reads the tensors itself; each element is nudged
    in place by ±eps and restored.
    """
    grads = []
    for tensor in tensors:
        require_float64(tensor, "numerical_grad")
        grad = np.zeros(tensor.shape)
        with no_grad():
            for index in np.ndindex(tensor.shape):
                grad[index] = central_difference(lambda: _scalar(f()), tensor, index, eps)
        grads.append(grad)
    return grads


def gradcheck(
    f: Callable[[], Any], *tensors: Tensor, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-4
) -> bool:
    """True if backward() of f() gives the finite-difference gradient of every tensor.

    The tensors' `.grad` is reset first and left holding the autograd gradient.
    On the first element where |autograd − numeric| > atol + rtol·|numeric|, raises
    GradcheckError naming the tensor, the element and both values.
    """
    for tensor in tensors:
        if not tensor.requires_grad:
            raise ValueError(f"gradcheck: {tensor.name or 'a tensor'} has requires_grad=False")
        tensor.grad = None
    out = f()
    _scalar(out)
    out.backward()
    numeric = numerical_grad(f, *tensors, eps=eps)
    for position, (tensor, expected) in enumerate(zip(tensors, numeric)):
        actual = np.zeros(tensor.shape) if tensor.grad is None else tensor.grad
        bad = ~np.isclose(actual, expected, atol=atol, rtol=rtol)
        if bad.any():
            index = first_index(bad)
            raise GradcheckError(
                f"gradient of {tensor.name or f'tensor {position}'} {tuple(tensor.shape)} at index "
                f"{index}: autograd {actual[index]}, finite differences {expected[index]} "
                f"(atol={atol}, rtol={rtol})"
            )
    return True
