"""The small graphs the topological order and the walk are graded on, built with the
learner's Tensor: fan-out, one g shared by two inputs, a diamond with a constant and
a chain deeper than Python's recursion limit; and how a failure on one names it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from tinygrad_nn.exercises.cases import SPECS
from tinygrad_nn.exercises.grading import Blocked, Wrong

DEEP = 10_000  # ops in the deep chain: ten times Python's recursion limit


def named(tensor: Any, name: str) -> Any:
    """`tensor`, named (so that messages can say which)."""
    tensor.name = name
    return tensor


def graph_fan_out(T: type) -> list[Any]:
    """x used twice: loss = x·x + x. Returns the tensors made, root last."""
    x = T(3.0, requires_grad=True, name="x")
    y = named(x * x, "y")
    return [x, y, named(y + x, "loss")]


def graph_diamond(T: type, x: Any = None) -> list[Any]:
    """An input reached by paths of different lengths, and a constant c. x is made if
    not given."""
    x = T([0.5, -1.0], requires_grad=True, name="x") if x is None else x
    c = T([2.0, 3.0], name="c")
    a = named(x.exp(), "a")
    b = named(a * x, "b")
    d = named(b + a * c, "d")
    return [x, c, a, b, d, named((d * b).sum(), "loss")]


def graph_chain(T: type, length: int = DEEP) -> list[Any]:
    """A chain of `length` ops, each multiplying by a constant: ∂t/∂x = 0.9999^length."""
    made = [T(1.0, requires_grad=True, name="x")]
    for i in range(length):
        made.append(named(made[-1] * 0.9999, f"t{i + 1}"))
    return made


def graph_shared_g(T: type) -> list[Any]:
    """loss = Σ (x + z) + z: the outer Add hands one array g to both (x + z) and z, and
    the inner one hands it on to x and z again."""
    x = T([1.0, -2.0], requires_grad=True, name="x")
    z = T([0.5, 3.0], requires_grad=True, name="z")
    s = named(x + z, "s")
    t = named(s + z, "t")
    return [x, z, s, t, named(t.sum(), "loss")]


def built(build: Callable[[type], list[Any]], T: type) -> list[Any]:
    """The graph `build` makes, or Blocked by the op whose forward failed making it: the
    order and the walk are graded on graphs of the learner's ops."""
    try:
        return build(T)
    except Exception as error:
        op = failing_op(error)
        if op is None:
            raise
        raise Blocked(op, f"{type(error).__name__}: {error}") from error


@contextlib.contextmanager
def on_graph(build: Callable[..., list[Any]], node: str = "") -> Iterator[None]:
    """A Wrong raised inside says which graph it was found on, and the node where it goes
    wrong (`node` when the check did not name one), so that a picture can mark it."""
    try:
        yield
    except Wrong as wrong:
        raise Wrong(wrong.detail, wrong.mistake, wrong.case, wrong.node or node,
                    build.__name__) from None


def failing_op(error: BaseException) -> str | None:
    """The blank of the learner's op in whose method `error` was raised, if any."""
    blanks = {spec.op: name for name, spec in SPECS.items()}
    found = None
    tb = error.__traceback__
    while tb is not None:
        found = blanks.get(type(tb.tb_frame.f_locals.get("self")).__name__, found)
        tb = tb.tb_next
    return found


def inputs_of(tensor: Any) -> tuple:
    """The tensors an op made `tensor` from; none for a leaf."""
    return tuple(tensor._op.inputs) if tensor._op is not None else ()


def describe(tensor: Any) -> str:
    """A tensor in a message: its name, or what it is."""
    return getattr(tensor, "name", None) or f"a constant of shape {np.shape(tensor.data)}"
