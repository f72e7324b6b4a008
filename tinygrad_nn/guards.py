"""The guards: what keeps the engine from being silently wrong.

Read this after the core (tensor.py): the chain rule works without any of it. Each
guard is called at one seam of the core and exists because, without it, some
ordinary line of user code would give a wrong number without a word.

Grad mode. `no_grad()` stops `apply` from recording, for evaluation and for
parameter updates, which must not become part of the graph. It is a context
variable, so it holds per thread and per asyncio task: one thread evaluating leaves
another one training. `enable_grad()` switches recording back on, for what must
record whatever the caller chose (a backward pass with `create_graph`, `hessian`).

Write versions, after PyTorch's version counter. A backward reads its op's inputs
and output as they are at backward time, so a write between the forward and the
backward pass (an optimizer step, `x.data -= v`, `x += v`) would give the gradient
of values that were never computed with. Every write through a tensor stamps the
`Version` of its memory; a `detach()` and every view (reshape, transpose, basic
indexing: numpy decides which) share the Version of the tensor they came from, so a
write through any of them is seen by every graph that used any of them. Before an
op's backward runs, the walk calls `check_unchanged`. Writes straight into a numpy
array (`x.data[0] = 5`) are not seen, as with PyTorch's `.data`.

In-place rules. `x -= v` changes x's memory instead of making a new tensor, which
is what an update loop means. Outside `no_grad`, on a tensor the graph is recording,
it would change a value the graph needs (or, on a parameter, make the update part of
the graph), so `check_in_place` refuses it and says what to write instead.

Values. Data must be real numbers of a rectangular shape; an index tensor whole
numbers; an op's input inside its domain. `refuse_where` names the first bad
element, rather than letting numpy warn and return inf or NaN.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
from typing import Any

import numpy as np

# ---- grad mode ------------------------------------------------------------------

_recording = contextvars.ContextVar("recording", default=True)


def is_grad_enabled() -> bool:
    """Whether ops record the graph here (this thread, this asyncio task)."""
    return _recording.get()


class _GradMode(contextlib.ContextDecorator):
    """Recording set to `enabled` inside the block, put back as it was after it."""

    enabled = True

    def __enter__(self) -> None:
        self.token = _recording.set(self.enabled)

    def __exit__(self, *exc: object) -> None:
        _recording.reset(self.token)

    def _recreate_cm(self) -> _GradMode:
        """A fresh context per call of a decorated function, so that it may recurse."""
        return type(self)()


class no_grad(_GradMode):
    """`with no_grad():` (or `@no_grad()`) computes without recording a graph: for
    evaluation and for parameter updates. It holds for the current thread (or asyncio
    task) only."""

    enabled = False


class enable_grad(_GradMode):
    """`with enable_grad():` records even inside `no_grad`: for a backward pass that is
    itself to be differentiated, and for `hessian`, which needs one."""

    enabled = True


# ---- write versions -------------------------------------------------------------

# One clock for all writes: a write stamps its memory's Version with the next tick,
# and an op remembers the last tick before it ran. So an op can tell a changed input
# by one comparison per input, and an op older than no write at all (the usual case:
# forward, backward, step) needs no look at its inputs: one comparison per op.
_clock = itertools.count(1)
latest_write = 0


class Version:
    """The last write into one memory: shared by a tensor, its detach() and its views."""

    __slots__ = ("last_write",)

    def __init__(self) -> None:
        self.last_write = 0


def record_write(*tensors: Any) -> None:
    """Stamp `tensors` as written now (one tick for all of them)."""
    global latest_write
    latest_write = next(_clock)
    for tensor in tensors:
        tensor._version.last_write = latest_write


def shared_version(view: np.ndarray, inputs: tuple) -> Version:
    """The Version of the input whose memory an op's output is a view of (reshape,
    transpose, basic indexing); a Version of its own if it views none of them (a view
    of an array the op made for itself)."""
    for tensor in inputs:
        if np.may_share_memory(view, tensor.data):
            return tensor._version
    return Version()


def described(tensor: Any) -> str:
    """A tensor as error messages name it: its name, else its shape."""
    return tensor.name or f"a tensor of shape {tensor.shape}"


def check_unchanged(tensor: Any) -> None:
    """Raise if an input or the output of the op that made `tensor` was written after
    the op ran: its backward would compute with the new values."""
    op = tensor._op
    if op.recorded_at == latest_write:
        return
    for used in (*op.inputs, tensor):
        if used._version.last_write > op.recorded_at:
            raise RuntimeError(
                f"backward(): {described(used)} was changed after {type(op).__name__} used it "
                "in the forward pass, so the gradient would come from the new values. After an "
                "update, run the forward pass again and call backward() on the new result"
            )


def own_gradient(contribution: Any, tensor: Any, g: Any) -> Any:
    """A contribution to `tensor`'s gradient as an array of its own, in its dtype. An
    op may hand on g itself (Add) or a view of it (Reshape); stored as two `.grad`s
    sharing memory, an in-place change of one (`p.grad *= 0.5`) would change the other.
    A float32 tensor gets a float32 gradient, as in PyTorch, even from a float64 op.
    A recorded pass's Tensors are new tensors already, and are left as they are."""
    if not isinstance(contribution, np.ndarray):
        return contribution
    if contribution.dtype != tensor.dtype:
        return contribution.astype(tensor.dtype)  # the cast makes a new array too
    if contribution is g or contribution.base is not None:
        return contribution.copy()
    return contribution


def op_error(op: Any, inputs: tuple, error: ValueError) -> ValueError:
    """An op's forward refused its inputs: say which op, and their shapes."""
    shapes = " and ".join(str(t.shape) for t in inputs)
    noun = "shape" if len(inputs) == 1 else "shapes"
    return ValueError(f"{type(op).__name__}: cannot apply to {noun} {shapes}: {error}")


# ---- in-place rules -------------------------------------------------------------


def check_in_place(tensor: Any, other: Any, symbol: str) -> None:
    """Refuse `tensor <symbol>= other` where it would silently go wrong: while the
    graph records either side, and where the result would not fit tensor's shape."""
    if is_grad_enabled() and tensor.requires_grad and tensor._op is None:
        raise RuntimeError(
            f"{described(tensor)} {symbol}= …: an in-place update of a tensor that requires "
            "grad would become part of the graph. Wrap the update in no_grad(): "
            f"`with no_grad(): p {symbol}= lr * p.grad`"
        )
    if is_grad_enabled() and (tensor.requires_grad or other.requires_grad):
        raise RuntimeError(
            f"{described(tensor)} {symbol}= …: in-place operators are not recorded in the "
            f"graph. Write x = x {symbol} y to compute a new tensor, or update under no_grad()"
        )
    shape = np.broadcast_shapes(tensor.shape, other.shape)
    if shape != tensor.shape:
        raise ValueError(
            f"{described(tensor)} {symbol}= a tensor of shape {other.shape}: the result would "
            f"have shape {shape}, and an in-place operator cannot change the shape {tensor.shape}"
        )


# ---- values ---------------------------------------------------------------------

FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def as_array(data: Any) -> np.ndarray:
    """Float data as an ndarray: float64 unless float32 is given. Integers and
    booleans become float64; anything that is not numbers is refused."""
    if isinstance(data, np.ndarray) and data.dtype in FLOAT_DTYPES:
        return data
    try:
        array = np.asarray(data)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"Tensor data must be a rectangular array of numbers: {error}") from None
    if array.dtype == np.float32:
        return array
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor data must be real numbers (int, float or bool); got dtype {array.dtype}"
            f" from {type(data).__name__}"
        )
    return array.astype(np.float64)


def first_index(mask: np.ndarray) -> tuple[int, ...]:
    """Where `mask` is first True, as plain ints: error messages say where."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def refuse_where(bad: np.ndarray, values: np.ndarray, requirement: str) -> None:
    """Raise a ValueError naming the first element where `bad` holds, so that a value
    outside an op's domain is an error that says where, not a numpy warning followed by
    inf or NaN."""
    if bad.any():
        index = first_index(bad)
        raise ValueError(f"{requirement}; got {values[index]} at index {index}")


def as_index(idx: Any, mask: bool) -> Any:
    """An index tensor's data as numpy wants it: a boolean mask if the tensor was made
    from booleans, else integers, refusing fractions (which a cast to int would round)."""
    if mask:
        return idx != 0
    refuse_where(idx != np.round(idx), idx,
                 "an index tensor must hold whole numbers (or be made from booleans)")
    return idx.astype(np.intp)
