"""The ops' checks: each op's backward called directly (so that ops are graded before
the walk exists) on the random cases of `cases`, handed read-only arrays, against
central differences of the learner's own forward with an upstream g that is not all
ones; and unbroadcast against the gradient of a broadcast.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np

from tinygrad_nn.exercises.cases import SPECS, OpCase, OpSpec
from tinygrad_nn.exercises.grading import (
    EPS,
    STACK_TRANSPOSED,
    Grader,
    RaisedIn,
    Wrong,
    as_gradient,
    compare,
    number,
)
from tinygrad_nn.exercises.loading import Engine
from tinygrad_nn.gradcheck import central_difference


def numerical_gradient(op_class: type, arrays: list[np.ndarray], attrs: dict, g: np.ndarray,
                       i: int) -> np.ndarray:
    """∂/∂arrays[i] of Σ g·forward(arrays), by central differences of the learner's
    forward: what backward must give for input i."""
    held = SimpleNamespace(data=arrays[i].copy())
    operands = list(arrays)
    operands[i] = held.data

    def value() -> float:
        return float(np.sum(op_class().forward(*operands, **attrs) * g))

    grad = np.zeros(held.data.shape)
    for index in np.ndindex(grad.shape):
        grad[index] = central_difference(value, held, index, EPS)
    return grad


def read_only(array: np.ndarray) -> np.ndarray:
    """A copy that refuses writes: the walk hands backward arrays that other ops and
    the tensors themselves hold, so a write into one must fail where it happens."""
    copy = np.array(array)
    copy.flags.writeable = False
    return copy


def _writes_into(error: Exception) -> bool:
    return isinstance(error, ValueError) and "read-only" in str(error)


WRITE_MISTAKES = {
    "g": "a write into g (g[…] = … or g *= …): the walk hands the same g to both inputs of "
         "an op and other ops hold it too, so the write changes their gradients; compute a "
         "new array (g * mask)",
    "out": "a write into out: it is the output tensor's own data, which later ops read; "
           "compute a new array",
}


def _write_mistake(name: str) -> str:
    return WRITE_MISTAKES.get(name, (
        f"a write into the input {name} (e.g. {name} **= …): it is the tensor's own data, a "
        "parameter's values, which backward must leave unchanged; compute a new array"))


def run_backward(engine: Engine, spec: OpSpec, case: OpCase, arrays: list[np.ndarray],
                 g: np.ndarray, needs_grad: tuple[bool, ...] | None = None) -> tuple:
    """The learner's op forward, then its backward handed g, the inputs and the output
    read-only, as Wrong naming the array when it writes into one."""
    op = getattr(engine.ops, case.op)()
    op.needs_grad = needs_grad or (True,) * len(arrays)
    out = np.asarray(op.forward(*[a.copy() for a in arrays], **case.attrs))
    handed = [g, *arrays, out]
    try:
        got = op.backward(*map(read_only, handed))
    except ValueError as error:
        if not _writes_into(error):
            raise
        names = ["g", *spec.input_names, "out"]
        culprit = next((names[k] for k in range(len(handed)) if not _fails_writing(
            op, [a.copy() if j == k else read_only(a) for j, a in enumerate(handed)])), "g")
        raise Wrong(f"backward wrote into {culprit}, which the grader hands over read-only "
                    f"({error})", _write_mistake(culprit)) from None
    if not isinstance(got, (tuple, list)) or len(got) != len(arrays):
        if isinstance(got, (tuple, list)):
            raise Wrong(f"backward returned {len(got)} gradients; {spec.op} has {len(arrays)} "
                        f"input{'s' * (len(arrays) > 1)} ({', '.join(spec.input_names)})",
                        "one gradient per input, in the inputs' order: the output gets none")
        raise Wrong(f"backward returned {type(got).__name__} {got!r:.60}; it must return a "
                    f"tuple of {len(arrays)}, one gradient per input",
                    "a one-input op returns a tuple of one: (gradient,), with the comma")
    return out, tuple(got)


def _fails_writing(op: Any, handed: list[np.ndarray]) -> bool:
    """Whether backward still writes into a read-only array when one is writable."""
    try:
        op.backward(*handed)
    except ValueError as error:
        return _writes_into(error)
    except Exception:  # noqa: BLE001 - another failure is not a write
        return False
    return False


def upstream(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """The g = ∂L/∂out a case hands backward: not all ones, so that a backward that
    forgets to multiply by g is caught."""
    return np.random.default_rng(seed + 1000).uniform(0.5, 1.5, shape)


def expected_gradients(spec: OpSpec, case: OpCase, op_class: type, arrays: list[np.ndarray],
                       g: np.ndarray) -> list[np.ndarray]:
    """Central differences of the learner's forward; at a kink (an input with zeros, for
    an op the articles give a derivative of) the articles' derivative instead, since
    central differences there give the mean of the two slopes."""
    if spec.formula is not None and "zeros" in case.domains:
        return [g * spec.formula[1](arrays[0])]
    return [numerical_gradient(op_class, arrays, case.attrs, g, i) for i in range(len(arrays))]


def check_case(engine: Engine, spec: OpSpec, case: OpCase, seed: int) -> None:
    """One call of the op's backward against the expected gradients; a failure carries
    the case and names the input values where it is wrong."""
    arrays = case.inputs(seed)
    op_class = getattr(engine.ops, case.op)
    try:
        out = np.asarray(op_class().forward(*[a.copy() for a in arrays], **case.attrs))
        g = upstream(out.shape, seed)
        out, got = run_backward(engine, spec, case, arrays, g)
        expected = expected_gradients(spec, case, op_class, arrays, g)
        for i, name in enumerate(spec.input_names):
            what = f"∂L/∂{name}"
            grad = as_gradient(got[i], what)
            if grad.shape != expected[i].shape:
                raise Wrong(f"{what} has shape {grad.shape}; {name} has shape "
                            f"{expected[i].shape}",
                            _shape_mistake(grad.shape, expected[i].shape, out.shape, name,
                                           spec.op))
            mistakes = _op_mistakes(spec, op_class, case, arrays, out, g, expected, i)
            compare(grad, expected[i], what, mistakes,
                    where=functools.partial(_values_at, spec, arrays, i=i))
    except Wrong as wrong:
        raise Wrong(wrong.detail, wrong.mistake, (case, seed)) from None
    except (NotImplementedError, RecursionError):
        raise
    except Exception as error:
        raise RaisedIn(error, (case, seed)) from error


def _values_at(spec: OpSpec, arrays: list[np.ndarray], index: tuple[int, ...], *, i: int) -> str:
    """The input values at a wrong element of input i's gradient: all of them when the
    inputs have one shape, else input i's own."""
    shown = range(len(arrays)) if len({a.shape for a in arrays}) == 1 else (i,)
    return ", ".join(f"{spec.input_names[k]} = {number(arrays[k][index])}" for k in shown)


def describe_case(case: OpCase) -> str:
    """A case in a message: the op, each input's shape and values kind, the attrs."""
    names = next(spec.input_names for spec in SPECS.values() if spec.op == case.op)
    inputs = ", ".join(f"{name} of shape {shape} ({domain})"
                       for name, shape, domain in zip(names, case.shapes, case.domains))
    attrs = "".join(f", {key}={np.array2string(np.asarray(value), separator=', ')}"
                    for key, value in case.attrs.items())
    return f"{case.op} on {inputs}{attrs}"


def _shape_mistake(shape: tuple, expected: tuple, out_shape: tuple, name: str, op: str) -> str:
    """What a gradient of the wrong shape (`expected` is the input's) usually means."""
    if op == "MatMul" and len(shape) > len(expected) and shape[-2:] == expected[-2:]:
        return (f"the batch axes not summed: {name} was used by every matrix of the stack, so "
                f"its gradient is the sum over them, unbroadcast(·, {name}.shape)")
    if op == "MatMul" and len(shape) > 2 and shape[::-1] == expected:
        return STACK_TRANSPOSED
    if op == "MatMul":
        return "a transpose on the wrong side: ∂L/∂A = g @ Bᵀ, ∂L/∂B = Aᵀ @ g"
    if op == "Sum":
        return ("g not spread back over the summed axes: every element of x receives g, so "
                "∂L/∂x has x's shape (g.reshape(kept_shape(…)) * np.ones_like(x))")
    if shape == out_shape:
        return f"a broadcast not summed back: pass it through unbroadcast(·, {name}.shape)"
    return ""


def _op_mistakes(spec: OpSpec, op_class: type, case: OpCase, arrays: list[np.ndarray],
                 out: np.ndarray, g: np.ndarray, expected: list[np.ndarray],
                 i: int) -> Iterator[tuple[str, Any]]:
    """The generic mistakes and this op's own, as (name, what input i would get),
    computed only as far as they are asked for."""
    yield "a sign flipped", -expected[i]
    if len(arrays) == 2 and arrays[0].shape == arrays[1].shape:
        yield "the gradients swapped: each input got the other's", expected[1 - i]
    for name, wrong in spec.mistakes:
        yield name, wrong(g, *arrays, out, **case.attrs)[i]
    yield ("g not multiplied in: the chain rule hands on g × the local derivative",
           numerical_gradient(op_class, arrays, case.attrs, np.ones_like(g), i))


def check_needs_none(engine: Engine, spec: OpSpec, case: OpCase, seed: int) -> None:
    """With one input needing no gradient, its gradient is None and the other's right."""
    arrays = case.inputs(seed)
    op_class = getattr(engine.ops, case.op)
    g = upstream(np.shape(op_class().forward(*[a.copy() for a in arrays])), seed)
    expected = expected_gradients(spec, case, op_class, arrays, g)
    for needs in ((False, True), (True, False)):
        _, got = run_backward(engine, spec, case, arrays, g, needs)
        for i, (name, need) in enumerate(zip(spec.input_names, needs)):
            what = f"∂L/∂{name} with needs_grad = {needs}"
            if need:
                compare(as_gradient(got[i], what), expected[i], what)
            elif got[i] is not None:
                raise Wrong(f"{what} is {type(got[i]).__name__}, not None",
                            f"a gradient computed for an input that needs none: return None for "
                            f"{name} when need_{name.lower()} is False (article 004's data "
                            "matrix would cost 20 MB a step)", (case, seed))


def grade_op(grader: Grader, name: str) -> str:
    """Every case of the op, each drawn from the run's seed; shapes that broadcast once
    unbroadcast works; the article's formula for the local derivative where there is
    one; for MatMul, None for an input that needs no gradient."""
    spec, engine = SPECS[name], grader.engine
    broadcast_ready = not any(c.broadcasts for c in spec.cases) or grader.passed("unbroadcast")
    for index, case in enumerate(spec.cases):
        if broadcast_ready or not case.broadcasts:
            check_case(engine, spec, case, case_seed(grader.seed, index))
    if name == "matmul":
        check_needs_none(engine, spec, spec.cases[1], case_seed(grader.seed, 1))
    if spec.formula is not None:
        formula_name, derivative = spec.formula
        case = spec.cases[0]
        (x,) = case.inputs(case_seed(grader.seed, 0))
        _, (got,) = run_backward(engine, spec, case, [x], np.ones(x.shape))
        compare(as_gradient(got, "∂L/∂x"), derivative(x), f"with g = 1, ∂out/∂x ({formula_name})")
        return f"agrees with {formula_name} too"
    if not broadcast_ready:
        return "on equal shapes only, until unbroadcast (5) passes"
    return ""


def case_seed(seed: int, index: int) -> int:
    """The seed of a case's values: the run's seed and the case's place, so that
    `--seed` draws every case of a run again."""
    return seed * 100 + index


def _summed_back(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """∂/∂x of Σ grad·broadcast(x), x of `shape`, by central differences: what
    unbroadcast(grad, shape) must be."""
    held = SimpleNamespace(data=np.zeros(shape))
    expected = np.zeros(shape)
    for index in np.ndindex(shape):
        expected[index] = central_difference(
            lambda: float(np.sum(np.broadcast_to(held.data, grad.shape) * grad)), held, index, EPS)
    return expected


def _unbroadcast_shape_mistake(got: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """What unbroadcast's result of the wrong shape says about its sums."""
    if len(got) > len(shape):
        return "the leading axes numpy added not summed away"
    if len(got) < len(shape):
        return "axes dropped: sum the size-1 axes with keepdims=True, so that they stay"
    if any(n == 1 and m != 1 for n, m in zip(got, shape)):
        return "the wrong axes summed: sum the axes where shape has 1 and grad does not"
    return "the size-1 axes not summed: sum the axes where shape has 1 and grad does not"


def grade_unbroadcast(grader: Grader) -> str:
    """unbroadcast(grad, shape) against the gradient of Σ grad·broadcast(x)."""
    unbroadcast = grader.engine.ops.unbroadcast
    rng = np.random.default_rng(grader.seed)
    for big, shape in (((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((4, 2, 3), (2, 1)),
                       ((2, 3), ())):
        grad = rng.uniform(0.5, 1.5, big)
        expected = _summed_back(grad, shape)
        what = f"unbroadcast(grad of shape {big}, {shape})"
        got = as_gradient(unbroadcast(read_only(grad), shape), what)
        if got.shape != shape:
            raise Wrong(f"{what} has shape {got.shape}",
                        _unbroadcast_shape_mistake(got.shape, shape))
        mean = ("a mean instead of a sum: an input used in n places receives the sum of n "
                "gradients")
        compare(got, expected, what, [("a sign flipped", -expected),
                                      (mean, expected * np.prod(shape) / grad.size)])
    return ""
