"""Derivatives of derivatives: grad(), hessian(), gradgradcheck().

A backward pass run with `create_graph` is recorded like any other computation
(each op's backward is written in operations Tensors share with numpy arrays), so
the gradient it returns is a Tensor with a graph of its own. Differentiating that
gradient gives second derivatives; differentiating again, third. The Hessian of
f at x is the gradient, taken once per element i, of (∇f)ᵢ; a Hessian-vector
product H·v is one backward pass through ∇f with upstream gradient v.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_nn.gradcheck import GradcheckError, central_difference, require_float64
from tinygrad_nn.guards import enable_grad, first_index
from tinygrad_nn.tensor import Tensor, backward_pass, initial_gradient


def _label(tensor: Tensor, position: int) -> str:
    return tensor.name or f"tensor {position}"


def grad(output: Tensor, inputs: Tensor | Sequence[Tensor], grad_output: Any = None,
         create_graph: bool = False) -> list[Tensor]:
    """d(output)/d(input) times `grad_output`, one Tensor per input, as
    `torch.autograd.grad`; no `.grad` is touched. An input the output does not
    depend on gets zeros (its derivative), not an error.

    With `create_graph` the backward pass is recorded (even under no_grad), so the
    returned Tensors carry its graph: grad() of them gives second derivatives.
    """
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for position, tensor in enumerate(inputs):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise ValueError(f"grad(): input {position} must be a Tensor with requires_grad=True; "
                             f"got {tensor!r}")
    if not isinstance(output, Tensor):
        raise TypeError(f"grad(): the output must be a Tensor; got {type(output).__name__}")
    if not output.requires_grad:
        raise RuntimeError(
            "grad(): the output does not require grad, so it has no graph to differentiate. "
            "If it is itself a gradient, the grad() or backward() that made it needs "
            "create_graph=True; otherwise check that it was computed (outside no_grad) from "
            "a tensor with requires_grad=True"
        )
    seed = initial_gradient(output, grad_output, create_graph, "grad()", "grad_output")
    wanted = set(inputs)
    with enable_grad() if create_graph else contextlib.nullcontext():
        found = {t: g for t, g, _ in backward_pass(output, seed, create_graph) if t in wanted}
    return [_as_gradient(found.get(t), t, create_graph) for t in inputs]


def _as_gradient(g: Any, tensor: Tensor, create_graph: bool) -> Tensor:
    """The gradient as a Tensor: as the graph made it when recorded, else a private
    copy, as Tensor() makes (when an input is the output itself, the pass hands back
    `grad_output`, already of the input's dtype)."""
    if g is None:
        return Tensor(np.zeros(tensor.shape, dtype=tensor.dtype))
    return g if create_graph else Tensor(g)


def _scalar_output(f: Callable[[], Tensor], caller: str) -> Tensor:
    """f(), run with recording on even under no_grad: its graph is what is differentiated."""
    with enable_grad():
        out = f()
    if not isinstance(out, Tensor) or out.size != 1:
        raise ValueError(f"{caller}: f() must return a Tensor holding one number (a loss); "
                         f"got {out.shape if isinstance(out, Tensor) else type(out).__name__}")
    return out


def _hessian_blocks(f: Callable[[], Tensor], tensors: Sequence[Tensor],
                    caller: str) -> list[list[np.ndarray]]:
    """Blocks H[i][j] = d²f / d tensors[i] d tensors[j], of shape tᵢ.shape + tⱼ.shape:
    the gradient is taken once with a graph, then differentiated once per element. A
    gradient that does not depend on the tensors (f linear in them) leaves its blocks 0."""
    gradients = grad(_scalar_output(f, caller), tensors, create_graph=True)
    blocks = [[np.zeros(ti.shape + tj.shape) for tj in tensors] for ti in tensors]
    for i, gradient in enumerate(gradients):
        if not gradient.requires_grad:
            continue
        for index in np.ndindex(gradient.shape):
            one_hot = np.zeros(gradient.shape)
            one_hot[index] = 1.0
            for j, row in enumerate(grad(gradient, tensors, grad_output=one_hot)):
                blocks[i][j][index] = row.data
    return blocks


def hessian(f: Callable[[], Tensor], x: Tensor) -> np.ndarray:
    """d²f/dx², of shape x.shape + x.shape, for f() a scalar Tensor computed from x."""
    return _hessian_blocks(f, [x], "hessian")[0][0]


def _gradient_differences(f: Callable[[], Tensor], tensors: Sequence[Tensor],
                          eps: float) -> list[list[np.ndarray]]:
    """The same blocks from central differences of the (first-order) gradient:
    nudging tⱼ[b] by ±eps moves ∇ᵢf by H[i][j][..., b]·2eps. The gradients of all
    tensors are taken at once, end to end in one flat array, and split up again."""
    def flat_gradient() -> np.ndarray:
        gradients = grad(_scalar_output(f, "gradgradcheck"), tensors)
        return np.concatenate([gradient.data.ravel() for gradient in gradients])

    ends = np.cumsum([tensor.size for tensor in tensors])[:-1]
    blocks = [[np.zeros(ti.shape + tj.shape) for tj in tensors] for ti in tensors]
    for j, tensor in enumerate(tensors):
        for index in np.ndindex(tensor.shape):
            column = central_difference(flat_gradient, tensor, index, eps)
            for i, part in enumerate(np.split(column, ends)):
                blocks[i][j][(Ellipsis, *index)] = part.reshape(tensors[i].shape)
    return blocks


def gradgradcheck(f: Callable[[], Tensor], *tensors: Tensor, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """True if the second derivatives of f() by autograd (the recorded backward
    pass, differentiated again) match central differences of its gradient.

    A backward that is right in value but builds the wrong graph (a saved value
    used as a constant, say) passes `gradcheck` and fails here. On the first
    mismatch, raises GradcheckError naming both tensors, both elements and both values.
    """
    for position, tensor in enumerate(tensors):
        if not tensor.requires_grad:
            raise ValueError(f"gradgradcheck: {_label(tensor, position)} has requires_grad=False")
        require_float64(tensor, "gradgradcheck")
    actual = _hessian_blocks(f, tensors, "gradgradcheck")
    expected = _gradient_differences(f, tensors, eps)
    for i, j in np.ndindex(len(tensors), len(tensors)):
        bad = ~np.isclose(actual[i][j], expected[i][j], atol=atol, rtol=rtol)
        if bad.any():
            index = first_index(bad)
            split = tensors[i].ndim
            raise GradcheckError(
                f"second derivative d²f / d{_label(tensors[i], i)}{index[:split]} "
                f"d{_label(tensors[j], j)}{index[split:]}: autograd {actual[i][j][index]}, "
                f"finite differences of the gradient {expected[i][j][index]} "
                f"(atol={atol}, rtol={rtol})"
            )
    return True
