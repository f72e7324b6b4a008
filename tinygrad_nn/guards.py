"""The guards: what keeps the engine from being silently wrong.

Read this after the core (tensor.py): the chain rule works without any of it. Each
guard is called at one seam of the core and exists because, without it, some
ordinary line of user code would give a wrong number without a word.

Grad mode. `no_grad()` stops `apply` from recording, for evaluation and for
parameter updates, which must not become part of the graph. It is a context
variable, so it holds per thread and per asyncio task: one thread evaluating leaves
another one training. `enable_grad()` switches recording back on, for what must
record whatever the caller chose (a backward pass with `create_graph`, `hessian`).

Write versions, after PyTorch's version counter. A backward reads some of its op's
inputs and output (`op.saved`) as they are at backward time, so a write between the
forward and the backward pass (an optimizer step, `x.data -= v`, `x += v`) into one of
those would give the gradient of values that were never computed with. Every write
through a tensor stamps the `Version` of its memory; a `detach()` and every view
(reshape, transpose, basic indexing: numpy decides which) share the Version of the tensor
they came from, so a write through any of them is seen by every graph that used any of
them. Before an op's backward runs, the walk calls `check_unchanged`. Writes straight
into a numpy array (`x.data[0] = 5`) are not seen, as with PyTorch's `.data`.

In-place rules. `x -= v` and `x[i] = v` change x's memory instead of making a new tensor,
which is what an update loop means. On a parameter while the graph records, the update
would become part of the graph, so `check_write` refuses it and says what to write
instead. On any other tensor the graph records, the write is recorded as an op, as in
PyTorch: `record_rewrite` and the functions after it keep ops recorded before the write
pointing at the node the tensor stood for then.

Values. Data must be real numbers of a rectangular shape; an index tensor whole
numbers; an op's input inside its domain. `refuse_where` names the first bad
element, rather than letting numpy warn and return inf or NaN.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import itertools
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

# ---- grad mode ------------------------------------------------------------------

_recording = contextvars.ContextVar("recording", default=True)


def is_grad_enabled() -> bool:
    """Whether ops record the graph here (this thread, this asyncio task)."""
    return _recording.get()


class _GradMode:
    """Recording set to `enabled` inside the block, put back as it was after it. Usable as
    `with no_grad():`, as `@no_grad()` and as `@no_grad`; one object may be entered again
    inside its own block. A decorated generator records (or not) at every resumption, not
    only while it is created."""

    enabled = True

    def __new__(cls, function: Callable | None = None):
        mode = super().__new__(cls)
        mode.tokens = []
        return mode(function) if function is not None else mode

    def __enter__(self) -> None:
        self.tokens.append(_recording.set(self.enabled))

    def __exit__(self, *exc: object) -> None:
        _recording.reset(self.tokens.pop())

    def __call__(self, function: Callable) -> Callable:
        if not callable(function):
            raise TypeError(f"{type(self).__name__}() decorates a function; got {function!r}")
        mode = type(self)
        if inspect.isgeneratorfunction(function):
            @functools.wraps(function)
            def generator(*args, **kwargs):
                steps, sent = function(*args, **kwargs), None
                while True:
                    with mode():
                        try:
                            value = steps.send(sent)
                        except StopIteration as stop:
                            return stop.value
                    sent = yield value
            return generator

        @functools.wraps(function)
        def call(*args, **kwargs):
            with mode():
                return function(*args, **kwargs)
        return call


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

    # `rewrite`: (tick, the tensor holding the node), set by the first recorded in-place write
    __slots__ = ("last_write", "rewrite")

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
    """Raise if a value the backward of the op that made `tensor` reads (`op.saved`) was
    written after the op ran: the backward would compute with the new values. A write
    into a value it does not read changes nothing it computes, and is let be."""
    op = tensor._op
    if op.recorded_at == latest_write:
        return
    for used in op.saved(*op.inputs, tensor):
        if used._version.last_write > op.recorded_at:
            raise RuntimeError(
                f"backward(): {described(used)} was changed after {type(op).__name__} used it "
                "in the forward pass, so the gradient would come from the new values. After an "
                "update, run the forward pass again and call backward() on the new result"
            )


def own_gradient(contribution: Any, tensor: Any, g: Any) -> Any:
    """A contribution to `tensor`'s gradient as an array (or, in a recorded pass, a Tensor)
    of its own, in its dtype. An op may hand on g itself (Add) or a view of it (Reshape);
    stored as two `.grad`s sharing memory, an in-place change of one (`p.grad *= 0.5`)
    would change the other. A float32 tensor gets a float32 gradient, as in PyTorch, even
    from a float64 op; a 0-d one a 0-d array, not the numpy scalar numpy computes."""
    if isinstance(contribution, np.ndarray):
        if contribution.dtype != tensor.dtype:
            return contribution.astype(tensor.dtype)  # the cast makes a new array too
        if contribution is g or contribution.base is not None:
            return contribution.copy()
        return contribution
    if isinstance(contribution, np.generic):
        return np.array(contribution, dtype=tensor.dtype)
    if contribution.dtype != tensor.dtype:  # a Tensor: cast and copy as ops of the graph
        return contribution.astype(tensor.dtype)
    if contribution is g or contribution._version is g._version:
        return contribution.clone()
    return contribution


def op_error(op: Any, inputs: tuple, error: Exception) -> Exception:
    """An op's forward refused its inputs: the same kind of error (ValueError, or
    IndexError for an index that does not fit), saying which op, and their shapes."""
    shapes = " and ".join(str(t.shape) for t in inputs)
    noun = "shape" if len(inputs) == 1 else "shapes"
    return type(error)(f"{type(op).__name__}: cannot apply to {noun} {shapes}: {error}")


# ---- in-place rules -------------------------------------------------------------


def records(*tensors: Any) -> bool:
    """Whether an op of `tensors` is recorded in the graph here."""
    return is_grad_enabled() and any(t.requires_grad for t in tensors)


def view_base(tensor: Any) -> Any:
    """The tensor whose memory `tensor` is a view of, through reshapes, transposes and
    basic indexing (itself if it views nothing recorded)."""
    while tensor._op is not None and tensor._version is tensor._op.inputs[0]._version:
        tensor = tensor._op.inputs[0]
    return tensor


def check_write(tensor: Any, value: Any, written: str, place: np.ndarray,
                fills: bool = False) -> None:
    """Refuse a write into `place`, tensor's memory or part of it (`x -= v`, `x[i] = v`),
    where it would go silently wrong: into a parameter (a leaf that requires grad) or a
    view of one while the graph records, since the update would become part of the graph;
    a value that does not fit the place's shape, or that overlaps it only in part (PyTorch
    refuses such a write or gives an answer that depends on the order it writes the
    elements in), unless the write `fills` the place with one number (`x[0] = x[0, 1]`,
    the number read once, as in PyTorch); memory that is read-only."""
    base = view_base(tensor)
    if is_grad_enabled() and base.requires_grad and base._op is None:
        of = "" if base is tensor else f"a view of {described(base)}, "
        raise RuntimeError(
            f"{described(tensor)} {written} …: {of}an in-place update of a tensor that requires "
            "grad would become part of the graph. Wrap the update in no_grad(): "
            "`with no_grad(): p -= lr * p.grad`"
        )
    try:
        shape = np.broadcast_shapes(place.shape, value.shape)
    except ValueError:
        shape = None
    if shape != place.shape:
        raise ValueError(
            f"{described(tensor)} {written} a tensor of shape {value.shape}: it does not fit "
            f"the shape {place.shape} written to (it must broadcast to it; an in-place write "
            "cannot change a shape)"
        )
    reads_one_number = fills and value.size == 1
    if (np.shares_memory(place, value.data) and not same_place(place, value.data)
            and not reads_one_number):
        raise RuntimeError(
            f"{described(tensor)} {written} a tensor that shares part of its memory: the result "
            "would depend on the order the elements are written in. Write a copy: "
            "`x += y.clone()`"
        )
    if not tensor.data.flags.writeable:
        raise ValueError(f"{described(tensor)} {written} …: its memory is read-only (a numpy "
                         "view such as np.broadcast_to); make a writable copy first")


# A write that the graph records (`y += v` or `y[i] = v` where y or v requires grad) makes
# y the output of that write, as in PyTorch; the node y stood for until then moves to a new
# tensor object, its `earlier node`. Ops recorded before the write still mean that earlier
# node: `inputs_as_recorded` hands the walk their inputs as they were. Other tensors that
# share y's memory (views made before the write) hold the new values but a graph that no
# longer computes them: `check_current` refuses to compute with them. What this needs is
# kept on the few tensors and memories concerned (`_earlier`, `_retired`, `Version.rewrite`).
rewrites = False  # whether any write was recorded yet: until then the core checks nothing


def retire(earlier: Any) -> Any:
    """Mark `earlier`, the node a recorded write is about to move out of its tensor: only
    ops recorded before the write use it, so it is never stale to them."""
    earlier._retired = True
    return earlier


def record_rewrite(tensor: Any, earlier: Any) -> None:
    """Stamp the write that made `tensor` the output of a recorded in-place op; `earlier`
    is the node it stood for until now."""
    global rewrites
    record_write(tensor)
    tensor._earlier = [*getattr(tensor, "_earlier", ()), (latest_write, earlier)]
    tensor._version.rewrite = (latest_write, weakref.ref(tensor))
    rewrites = True


def inputs_as_recorded(op: Any) -> tuple:
    """`op.inputs` as they were when op was recorded: an input rewritten in place since
    then means the node it stood for at the time. Settled once, in the op."""
    if rewrites:
        op.inputs = tuple(_node_at(t, op.recorded_at) for t in op.inputs)
    return op.inputs


def _node_at(tensor: Any, tick: int) -> Any:
    for written_at, earlier in getattr(tensor, "_earlier", ()):
        if written_at > tick:
            return earlier
    return tensor


def check_current(tensors: tuple) -> None:
    """Refuse to compute with a tensor whose memory a recorded in-place write through
    another tensor changed after it was made (a view made before `y += v`, or the base
    of a view written into): its values are no longer the ones its graph computed. Under
    no_grad nothing is recorded, and values are only values."""
    if not is_grad_enabled():
        return
    for tensor in tensors:
        tick, writer = getattr(tensor._version, "rewrite", (0, None))
        if writer is None or getattr(tensor, "_retired", False):
            continue
        holder = writer()
        made_at = tensor._op.recorded_at if tensor._op is not None else 0
        if holder is not tensor and made_at < tick:
            other = described(holder) if holder is not None else "a tensor since gone"
            raise RuntimeError(
                f"{described(tensor)} shares its memory with {other}, which an in-place "
                "operation recorded in the graph changed after it was made: its values are no "
                f"longer the ones its graph computed. Use {other} itself, or take the view "
                "again from it"
            )


def same_place(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays are the very same elements of memory, in the same layout."""
    return (a.__array_interface__["data"] == b.__array_interface__["data"]
            and a.shape == b.shape and a.strides == b.strides)


def writes_back(tensor: Any, value: Any, idx: Any) -> bool:
    """Whether `tensor[idx] = value` puts back the view `tensor[idx]` itself, after an
    in-place write into it (the second half of `x[idx] += v`)."""
    return same_place(tensor.data[idx], value.data)


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


def as_axis(axis: Any, ndim: int) -> int | tuple[int, ...] | None:
    """A reduction's axis as numpy takes it (None, an int, or a tuple: a list is taken as
    one), each a whole number naming an axis the tensor has."""
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    if axis is None:
        return None
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"axis {axis!r}: an axis is a whole number, or a tuple or list of them")
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for a tensor with {ndim} axes (they "
                             f"are numbered from {-ndim} to {ndim - 1})")
    return tuple(int(a) for a in axes) if isinstance(axis, (list, tuple)) else int(axis)


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
