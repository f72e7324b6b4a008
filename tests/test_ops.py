"""Every op, from one table: values against numpy, gradients against central
differences in float64, and (when PyTorch is installed) both against PyTorch.

A row names the op, the input shapes, the function applied to Tensors (and to
numpy arrays, unless a separate numpy reference is given) and how to draw inputs
so that they stay away from kinks (relu, abs, max, clip) and domain edges (log,
sqrt, division).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from tinygrad_nn import Tensor, numerical_grad

# ---- how inputs are drawn ---------------------------------------------------


def anywhere(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(-2.0, 2.0, shape)


def positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """For log, sqrt, fractional powers: well inside the domain."""
    return rng.uniform(0.5, 2.0, shape)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """For relu, abs, division: |x| ≥ 0.5, either sign."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape)


def distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """For max and clip: …, −0.45, −0.15, 0.15, 0.45, … shuffled, so no two values
    tie, none is 0 and none is within 0.15 of the clip bounds ±0.6."""
    size = int(np.prod(shape))
    return (0.3 * (rng.permutation(size) - size // 2) + 0.15).reshape(shape)


# ---- the table ----------------------------------------------------------------


@dataclass(frozen=True)
class OpCase:
    name: str
    shapes: tuple[tuple[int, ...], ...]
    tensor_fn: Callable[..., Any]
    numpy_fn: Callable[..., Any] | None = None  # None: tensor_fn works on arrays too
    torch_fn: Callable[..., Any] | None = None  # None: tensor_fn works on torch tensors too
    sample: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray] = anywhere

    def __str__(self) -> str:
        return f"{self.name} {' '.join(str(s) for s in self.shapes)}"


CONSTANTS = np.random.default_rng(1)
C23 = CONSTANTS.uniform(0.5, 2.0, (2, 3))  # positive: safe as a divisor
C34 = CONSTANTS.uniform(-2.0, 2.0, (3, 4))
C45 = CONSTANTS.uniform(-2.0, 2.0, (4, 5))
MASK = np.array([[True, False, True], [False, True, True]])
INDEX_2D = np.array([[0, 1], [1, 1]])

BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
BROADCAST_SHAPES = [
    ((2, 3), (2, 3)),
    ((3, 1), (1, 4)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((2, 3, 4), (4,)),
    ((4,), (3, 4)),
    ((5, 1), (5, 6)),  # (N, 1) * (N, H)
]


def binary_cases() -> list[OpCase]:
    """Each operator on broadcasting tensor pairs, and with a Python number or a
    numpy array on either side."""
    cases = []
    for symbol, op in BINARY.items():
        sample = away_from_zero if symbol == "/" else anywhere
        cases += [OpCase(f"a {symbol} b", shapes, op, sample=sample) for shapes in BROADCAST_SHAPES]
        cases += [
            OpCase(f"a {symbol} 2.5", ((2, 3),), lambda a, op=op: op(a, 2.5), sample=sample),
            OpCase(f"2.5 {symbol} a", ((2, 3),), lambda a, op=op: op(2.5, a), sample=sample),
            OpCase(f"a {symbol} 3 (int)", ((2, 3),), lambda a, op=op: op(a, 3), sample=sample),
            OpCase(
                f"a {symbol} array", ((3,),), lambda a, op=op: op(a, C23),
                torch_fn=lambda a, op=op: op(a, a.new_tensor(C23)), sample=sample,
            ),
            OpCase(
                f"array {symbol} a", ((3,),), lambda a, op=op: op(C23, a),
                torch_fn=lambda a, op=op: op(a.new_tensor(C23), a), sample=sample,
            ),
        ]
    return cases


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (3, 4, 2)),
    ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)),
]
MATMUL_CASES = [OpCase("a @ b", shapes, operator.matmul) for shapes in MATMUL_SHAPES] + [
    OpCase("array @ a", ((4, 5),), lambda a: C34 @ a, torch_fn=lambda a: a.new_tensor(C34) @ a),
    OpCase("a @ array", ((3, 4),), lambda a: a @ C45, torch_fn=lambda a: a @ a.new_tensor(C45)),
]

POW_CASES = [
    OpCase("a ** 2", ((2, 3),), lambda a: a**2),
    OpCase("a ** 3", ((2, 3),), lambda a: a**3),
    OpCase("a ** 0.5", ((2, 3),), lambda a: a**0.5, sample=positive),
    OpCase("a ** -1.5", ((2, 3),), lambda a: a**-1.5, sample=positive),
    OpCase("a ** -1", ((2, 3),), lambda a: a**-1, sample=away_from_zero),
    OpCase("-a", ((2, 3),), operator.neg),
]


def sigmoid_reference(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


UNARY = [  # name, applied to a Tensor (or torch tensor), numpy reference, how to draw inputs
    ("exp", lambda a: a.exp(), np.exp, anywhere),
    ("log", lambda a: a.log(), np.log, positive),
    ("sqrt", lambda a: a.sqrt(), np.sqrt, positive),
    ("abs", lambda a: a.abs(), np.abs, away_from_zero),
    ("sigmoid", lambda a: a.sigmoid(), sigmoid_reference, anywhere),
    ("tanh", lambda a: a.tanh(), np.tanh, anywhere),
    ("relu", lambda a: a.relu(), lambda x: np.maximum(x, 0.0), away_from_zero),
    ("clip(-0.6, 0.6)", lambda a: a.clip(-0.6, 0.6), lambda x: np.clip(x, -0.6, 0.6), distinct),
    ("clip(None, 0.6)", lambda a: a.clip(None, 0.6), lambda x: np.minimum(x, 0.6), distinct),
]
UNARY_CASES = [
    OpCase(name, (shape,), tensor_fn, numpy_fn, sample=sample)
    for name, tensor_fn, numpy_fn, sample in UNARY
    for shape in [(), (5,), (2, 3, 4)]
]

AXES = [None, 0, 1, 2, -1, -2, -3, (0, 2), (-1, 0), (0, 1, 2)]


def reduction_case(method: str, axis, keepdims: bool) -> OpCase:
    """x.sum / x.mean / x.max over `axis`; torch spells max-over-axes `amax`."""
    numpy_fn = {"sum": np.sum, "mean": np.mean, "max": np.max}[method]
    torch_method = "amax" if method == "max" else method
    return OpCase(
        f"{method}(axis={axis}, keepdims={keepdims})",
        ((2, 3, 4),),
        lambda a: getattr(a, method)(axis=axis, keepdims=keepdims),
        lambda x: numpy_fn(x, axis=axis, keepdims=keepdims),
        lambda a: getattr(a, torch_method)(
            dim=tuple(range(a.ndim)) if axis is None else axis, keepdim=keepdims
        ),
        sample=distinct if method == "max" else anywhere,
    )


REDUCTION_CASES = [
    reduction_case(method, axis, keepdims)
    for method in ("sum", "mean", "max")
    for axis in AXES
    for keepdims in (False, True)
] + [
    OpCase("sum() of a scalar", ((),), lambda a: a.sum(), np.sum),
    OpCase("mean() of a vector", ((5,),), lambda a: a.mean(), np.mean),
]


def reverse_axes(a):
    return a.permute(*reversed(range(a.ndim)))


SHAPE_CASES = [
    OpCase("reshape(4, 6)", ((2, 3, 4),), lambda a: a.reshape(4, 6)),
    OpCase("reshape((3, 8))", ((2, 3, 4),), lambda a: a.reshape((3, 8))),
    OpCase("reshape(-1)", ((2, 3, 4),), lambda a: a.reshape(-1)),
    OpCase("transpose()", ((2, 3, 4),), lambda a: a.transpose(), torch_fn=reverse_axes),
    OpCase("transpose(1, 0, 2)", ((2, 3, 4),), lambda a: a.transpose(1, 0, 2),
           torch_fn=lambda a: a.permute(1, 0, 2)),
    OpCase("transpose((2, 0, 1))", ((2, 3, 4),), lambda a: a.transpose((2, 0, 1)),
           torch_fn=lambda a: a.permute(2, 0, 1)),
    OpCase("transpose(0, -1, 1)", ((2, 3, 4),), lambda a: a.transpose(0, -1, 1),
           torch_fn=lambda a: a.permute(0, -1, 1)),
    OpCase("T", ((3, 4),), lambda a: a.T, torch_fn=reverse_axes),
    OpCase("T", ((2, 3, 4),), lambda a: a.T, torch_fn=reverse_axes),
]

INDEX_CASES = [
    OpCase("a[1]", ((3, 4),), lambda a: a[1]),
    OpCase("a[:, 1:3]", ((3, 4),), lambda a: a[:, 1:3]),
    OpCase("a[::-1]", ((3, 4),), lambda a: a[::-1], torch_fn=lambda a: a.flip(0)),
    OpCase("a[..., 0]", ((2, 3, 4),), lambda a: a[..., 0]),
    OpCase("a[-1, 2]", ((3, 4),), lambda a: a[-1, 2]),
    OpCase("a[[0, 2, 0, 0]] (repeated)", ((3, 4),), lambda a: a[[0, 2, 0, 0]]),
    OpCase("a[[0, 1, 1], [2, 0, 2]] (repeated)", ((3, 4),), lambda a: a[[0, 1, 1], [2, 0, 2]]),
    OpCase("a[1:, [0, 0, 2]]", ((3, 4),), lambda a: a[1:, [0, 0, 2]]),
    OpCase("a[int array 2x2]", ((3, 4),), lambda a: a[INDEX_2D],
           torch_fn=lambda a: a[a.new_tensor(INDEX_2D).long()]),
    OpCase("a[bool mask]", ((2, 3),), lambda a: a[MASK],
           torch_fn=lambda a: a[a.new_tensor(MASK).bool()]),
]


def softmax_reference(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_reference(x: np.ndarray, axis: int) -> np.ndarray:
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def softmax_case(method: str, reference: Callable[[np.ndarray, int], np.ndarray], axis: int) -> OpCase:
    return OpCase(f"{method}({axis})", ((2, 3, 4),), lambda a: getattr(a, method)(axis),
                  lambda x: reference(x, axis))


SOFTMAX_CASES = [
    softmax_case(method, reference, axis)
    for method, reference in [("softmax", softmax_reference), ("log_softmax", log_softmax_reference)]
    for axis in [0, 1, 2, -1, -2, -3]
] + [
    OpCase("softmax()", ((5,),), lambda a: a.softmax(), lambda x: softmax_reference(x, -1),
           torch_fn=lambda a: a.softmax(-1)),
    OpCase("log_softmax()", ((5,),), lambda a: a.log_softmax(),
           lambda x: log_softmax_reference(x, -1), torch_fn=lambda a: a.log_softmax(-1)),
]

OP_TABLE = (
    binary_cases() + MATMUL_CASES + POW_CASES + UNARY_CASES + REDUCTION_CASES
    + SHAPE_CASES + INDEX_CASES + SOFTMAX_CASES
)
every_op = pytest.mark.parametrize("case", OP_TABLE, ids=str)


# ---- the checks -----------------------------------------------------------------


def draw_inputs(case: OpCase) -> tuple[list[np.ndarray], np.ndarray]:
    """The case's float64 inputs and a random weight w for the loss Σ w·out, so
    that every output element reaches the gradient with its own factor."""
    rng = np.random.default_rng(0)
    arrays = [case.sample(rng, shape) for shape in case.shapes]
    out_shape = np.shape((case.numpy_fn or case.tensor_fn)(*arrays))
    return arrays, rng.normal(size=out_shape)


def helper_test_op(case: OpCase) -> None:
    """Forward equals numpy; backward equals central differences of Σ w·out."""
    arrays, weight = draw_inputs(case)
    tensors = [Tensor(array.copy(), requires_grad=True, name=f"input {i}")
               for i, array in enumerate(arrays)]
    out = case.tensor_fn(*tensors)
    assert isinstance(out, Tensor), f"{case}: returned {type(out).__name__}"
    assert out.dtype == np.float64, f"{case}: dtype {out.dtype}"
    expected = (case.numpy_fn or case.tensor_fn)(*arrays)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14, err_msg=f"{case}: values")

    (out * weight).sum().backward()
    numeric = numerical_grad(lambda: (case.tensor_fn(*tensors) * weight).sum(), *tensors)
    for tensor, expected_grad in zip(tensors, numeric):
        assert tensor.grad is not None, f"{case}: {tensor.name} got no gradient"
        np.testing.assert_allclose(
            tensor.grad, expected_grad, rtol=1e-6, atol=1e-8,
            err_msg=f"{case}: gradient of {tensor.name}",
        )


@every_op
def test_op_matches_numpy_and_finite_differences(case: OpCase):
    helper_test_op(case)


@every_op
def test_op_matches_torch(case: OpCase):
    torch = pytest.importorskip("torch")
    arrays, weight = draw_inputs(case)
    ours = [Tensor(array.copy(), requires_grad=True) for array in arrays]
    theirs = [torch.tensor(array, dtype=torch.float64, requires_grad=True) for array in arrays]
    out = case.tensor_fn(*ours)
    torch_out = (case.torch_fn or case.tensor_fn)(*theirs)
    np.testing.assert_allclose(out.data, torch_out.detach().numpy(), rtol=1e-12, atol=1e-14,
                               err_msg=f"{case}: values")
    (out * weight).sum().backward()
    (torch_out * torch.from_numpy(weight)).sum().backward()
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"{case}: gradient of input {i}")

