"""Tensor: a numpy array that remembers how it was computed.

Every operation on tensors runs an op from `ops.py` and, when some input requires
a gradient, records the op in the output (`_op`, whose `inputs` are the tensors it
was applied to). That record is the computation graph. `backward()` orders the
graph so that every tensor comes after the tensors computed from it, then walks
that order once (`backward_pass`), handing each op the gradient of its output and
adding what it returns into its inputs' gradients: reverse-mode automatic
differentiation.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import math
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from tinygrad_nn import ops

# Whether ops record the graph. A context variable, so that it is per thread and per
# asyncio task: one thread evaluating under no_grad leaves another one training.
_recording = contextvars.ContextVar("recording", default=True)

# One clock for all writes: a write through a tensor stamps it with the next tick
# (`_last_write`; `next` is atomic, so no two writes share one) and makes it the
# latest write (`_latest_write`). A recorded op keeps the latest write it saw
# (`recorded_at`), so an input stamped later was changed after the op used it,
# and only an op older than the latest write needs its inputs looked at.
_clock = itertools.count(1)
_latest_write = 0


class no_grad(contextlib.ContextDecorator):
    """`with no_grad():` (or `@no_grad()`) computes without recording a graph:
    for evaluation and for parameter updates, which must not become part of it.
    It holds for the current thread (or asyncio task) only."""

    def __enter__(self) -> None:
        """Switch recording off, remembering whether it was on."""
        self.was_recording = _recording.get()
        _recording.set(False)

    def __exit__(self, *exc: object) -> None:
        """Put recording back as it was, also when an exception leaves the block."""
        _recording.set(self.was_recording)

    def _recreate_cm(self) -> no_grad:
        """A fresh context per call of a decorated function, so that it may recurse."""
        return type(self)()


_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))  # dtypes, not types: compared faster


def _as_array(data: Any) -> np.ndarray:
    """Float data as an ndarray: float64 unless float32 is given. Integers and
    booleans become float64; anything that is not numbers is refused."""
    if isinstance(data, np.ndarray) and data.dtype in _FLOAT_DTYPES:
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


def _as_index(idx: Any) -> Any:
    """A Tensor in an index as numpy wants it: a boolean mask, or integers, refusing
    fractions (which a cast to int would silently round down)."""
    if not isinstance(idx, Tensor):
        return idx
    if idx._is_mask:
        return idx.data != 0
    ops.refuse_where(idx.data != np.round(idx.data), idx.data,
                     "an index tensor must hold whole numbers (or be made from booleans)")
    return idx.data.astype(np.intp)


def apply(op_class: type[ops.Op], *inputs: Tensor, **attrs: Any) -> Tensor:
    """Run an op forward and, if some input requires a gradient, record it in the output."""
    op = op_class()
    arrays = [t._data for t in inputs]
    try:
        data = op.forward(*arrays, **attrs)
    except ValueError as error:  # shapes that do not broadcast, or values outside the domain
        shapes = " and ".join(str(t.shape) for t in inputs)
        noun = "shape" if len(inputs) == 1 else "shapes"
        raise ValueError(f"{op_class.__name__}: cannot apply to {noun} {shapes}: {error}") from None
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    needs_grad = tuple([t.requires_grad for t in inputs]) if _recording.get() else ()
    recorded = True in needs_grad
    if recorded:
        op.inputs, op.needs_grad, op.recorded_at = inputs, needs_grad, _latest_write
        arrays.append(data)  # inputs then output: what backward reads (ops.Op.saved)
        op.saved = arrays
    out = Tensor.__new__(Tensor)  # skips __init__'s checks: an op's output is already floats
    out._data, out.requires_grad, out._op, out.grad, out.name, out._last_write, out._is_mask = (
        data, recorded, op if recorded else None, None, None, 0, False)
    return out


def topological_order(root: Tensor, grad_only: bool = False) -> list[Tensor]:
    """Every tensor `root` was computed from, each after all of its inputs.

    An explicit stack instead of recursion, so a chain of 100,000 ops is fine.
    With `grad_only`, tensors that require no gradient are left out.
    """
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
        if tensor._op is None:  # a leaf has no inputs to wait for
            order.append(tensor)
            continue
        stack.append((tensor, True))
        for parent in tensor._op.inputs:
            if parent not in visited and (parent.requires_grad or not grad_only):
                stack.append((parent, False))
    return order


def record_writes(tensors: Iterable[Tensor]) -> None:
    """Stamp `tensors` as written now, all with one tick: what assigning `x.data`
    does, for an optimizer that has just changed many arrays in place."""
    global _latest_write
    _latest_write = next(_clock)
    for tensor in tensors:
        tensor._last_write = _latest_write


def described(tensor: Tensor) -> str:
    """A tensor as error messages name it: its name, else its shape."""
    return tensor.name or f"a tensor of shape {tensor.shape}"


def refuse_changed_inputs(op: ops.Op) -> None:
    """Raise if an input of `op` was written after the op ran: its backward would
    compute with the new values, a gradient of nothing that was computed."""
    for parent in op.inputs:
        if parent._last_write > op.recorded_at:
            raise RuntimeError(
                f"backward(): {described(parent)} was changed after {type(op).__name__} used "
                "it in the forward pass, so the gradient would come from the new values. "
                "After an update, run the forward pass again and call backward() on the new "
                "result"
            )


def backward_pass(root: Tensor, grad: np.ndarray | Tensor,
                  create_graph: bool = False) -> Iterator[tuple[Tensor, Any, tuple]]:
    """Reverse-mode autodiff, one tensor at a time, touching no `.grad`.

    Yields every tensor `root` depends on (that requires a gradient) with its
    gradient g = d(root)/d(tensor) times `grad`, complete because every tensor
    computed from it came before; and, for a tensor an op made, what the op hands
    each input: g · d(out)/d(input), None for an input that needs none. Those are
    added up per input as they arrive. Each g is an array of its own (not a view,
    not shared with another tensor), so `Tensor.backward` stores it as `.grad`
    as it is; `viz.backward_steps` records each step to show it. Before an op's
    backward runs, its inputs are checked to be unchanged since its forward.

    With `create_graph`, `grad` is a Tensor and so is every g: each op's backward
    runs on its input and output Tensors (see ops.py), and is recorded like any
    other computation, so the gradients can be differentiated in turn.
    """
    pending = {root: grad}
    for tensor in reversed(topological_order(root, grad_only=True)):
        g = pending.pop(tensor, None)
        if g is None:  # requires_grad was switched on after the graph used it as a constant
            continue
        op = tensor._op
        if op is None:
            yield tensor, g, ()
            continue
        if op.recorded_at < _latest_write:
            refuse_changed_inputs(op)
        contributions = _recorded_backward(tensor, g) if create_graph else op.backward(g)
        for parent, contribution in zip(op.inputs, contributions):
            if contribution is None:
                continue
            if parent in pending:
                pending[parent] = pending[parent] + contribution
            elif not create_graph and (contribution is g or contribution.base is not None):
                pending[parent] = contribution.copy()  # g passed on, or a view: copied to own
            else:
                pending[parent] = contribution
        yield tensor, g, contributions


def _recorded_backward(out: Tensor, g: Tensor) -> tuple:
    """The op's backward run on Tensors: `saved` holds its input and output tensors
    instead of their arrays for the call, and recording is on even under no_grad."""
    op = out._op
    arrays, op.saved = op.saved, (*op.inputs, out)
    recording = _recording.set(True)
    try:
        return op.backward(g)
    finally:
        op.saved = arrays
        _recording.reset(recording)


class Tensor:
    """An n-dimensional array of floats with a gradient and a place in the graph.

    A numpy array of float64 or float32 is used as it is, not copied, except for a
    tensor that requires a gradient: that one owns its data, because an optimizer
    changes it in place. A tensor made from booleans holds 0.0 and 1.0 and, used
    as an index, is a mask.

    Every write through the tensor (`x.data = v`, `x.data -= v`, an optimizer's
    step, `load_state_dict`) gives it a new version; backward() through a graph
    that used an older version is an error, not a gradient of the wrong values.
    Writes into the numpy array itself (`x.data[...] = v`, or into the caller's
    array a tensor wraps without copying) are untracked, as with PyTorch's `.data`.
    """

    __slots__ = ("__weakref__", "_data", "_is_mask", "_last_write", "_op", "grad",
                 "name", "requires_grad")
    __array_ufunc__ = None  # numpy defers to us: `array + tensor` is a Tensor
    __hash__ = object.__hash__  # by identity: the backward pass keys its dicts by tensors

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None):
        if isinstance(data, Tensor):
            data = data.data
        array = _as_array(data)
        self._data: np.ndarray = array.copy() if requires_grad and array is data else array
        self._last_write = 0
        self._is_mask = array is not data and np.asarray(data).dtype == np.bool_
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad
        self.name = name
        self._op: ops.Op | None = None

    @property
    def data(self) -> np.ndarray:
        """The values, a numpy array."""
        return self._data

    @data.setter
    def data(self, values: Any) -> None:
        """Replace the values and stamp the write (`x.data -= v` comes here too)."""
        # `x.data -= v` hands back the very array, already floats: nothing to convert
        self._data = values if values is self._data else _as_array(values)
        record_writes((self,))

    # ---- what it is ----------------------------------------------------------

    shape = property(lambda self: self._data.shape, doc="The shape of the data, a tuple.")
    ndim = property(lambda self: self._data.ndim, doc="The number of axes.")
    dtype = property(lambda self: self._data.dtype, doc="float64, or float32 if given so.")
    size = property(lambda self: self._data.size, doc="The number of elements.")
    T = property(lambda self: self.transpose(), doc="The transpose (axes reversed).")

    def item(self) -> float:
        """The one element as a Python float: keep this, not the tensor, to log a
        loss (a kept tensor keeps its whole graph alive)."""
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The data itself, not a copy."""
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        """The truth of the one element; more (or none) is ambiguous, as in numpy."""
        if self.size != 1:
            raise ValueError(
                f"the truth value of a Tensor of shape {self.shape} is ambiguous: it has "
                f"{self.size} elements, not one. Use (x.data != 0).any() or .all()"
            )
        return bool(self._data)

    def __repr__(self) -> str:
        values = np.array2string(self._data, precision=4, separator=", ", prefix="Tensor(")
        made_by = f", op={type(self._op).__name__}" if self._op is not None else ""
        named = f", name={self.name!r}" if self.name else ""
        needs = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({values}{named}{made_by}{needs})"

    def detach(self) -> Tensor:
        """The same values, cut from the graph: nothing flows back through it."""
        return Tensor(self._data)

    # ---- reverse-mode autodiff -----------------------------------------------

    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Add d(self)/d(t), times `grad`, into `t.grad` for every tensor t that
        `self` was computed from and that requires a gradient (intermediates too).

        Gradients accumulate over calls, as in PyTorch; zero them between steps.
        Within one call each tensor's gradient is complete before it is passed
        on, because tensors are visited after everything computed from them.
        With `create_graph`, each `.grad` is a Tensor that carries the graph of
        its computation, as in PyTorch, so it can be differentiated again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of it has "
                "requires_grad=True, so there is nothing to differentiate"
            )
        if grad is None:
            if self._data.size != 1:
                raise ValueError(
                    f"backward() without a gradient needs a tensor with one element (a loss); "
                    f"this one has shape {self.shape}. Reduce it first (.sum(), .mean()) or "
                    f"pass a gradient of shape {self.shape}"
                )
            grad = np.empty(self.shape, self.dtype)
            grad.fill(1.0)  # np.ones, without the cost of its Python wrapper
        else:
            grad = np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward(): the gradient has shape {grad.shape} but the tensor has shape "
                    f"{self.shape}; they must be equal"
                )
        if create_graph:
            grad = Tensor(grad)
        for tensor, g, _ in backward_pass(self, grad, create_graph):
            tensor.grad = g if tensor.grad is None else tensor.grad + g

    # ---- arithmetic: Python numbers and arrays are lifted to constants -------

    def _lift(self, other: Any) -> Tensor:
        """`other` as a constant tensor; a number takes this tensor's dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float)):
            return Tensor(np.asarray(other, dtype=self.dtype))
        return Tensor(other)

    def __add__(self, other): return apply(ops.Add, self, self._lift(other))
    def __radd__(self, other): return apply(ops.Add, self._lift(other), self)
    def __sub__(self, other): return apply(ops.Sub, self, self._lift(other))
    def __rsub__(self, other): return apply(ops.Sub, self._lift(other), self)
    def __mul__(self, other): return apply(ops.Mul, self, self._lift(other))
    def __rmul__(self, other): return apply(ops.Mul, self._lift(other), self)
    def __truediv__(self, other): return apply(ops.Div, self, self._lift(other))
    def __rtruediv__(self, other): return apply(ops.Div, self._lift(other), self)
    def __matmul__(self, other): return apply(ops.MatMul, self, self._lift(other))
    def __rmatmul__(self, other): return apply(ops.MatMul, self._lift(other), self)
    def __neg__(self): return apply(ops.Neg, self)

    def __pow__(self, exponent: float) -> Tensor:
        """xⁿ for a finite number n; d(xⁿ)/dx = n·xⁿ⁻¹."""
        if not isinstance(exponent, (int, float, np.integer, np.floating)):
            raise TypeError(f"Tensor ** needs a number as exponent; got {type(exponent).__name__}")
        if not math.isfinite(exponent):
            raise ValueError(f"Tensor **: the exponent must be a finite number; got {exponent}")
        return apply(ops.Pow, self, exponent=exponent)

    # ---- elementwise functions -----------------------------------------------

    def exp(self) -> Tensor:
        """eˣ; its derivative is eˣ."""
        return apply(ops.Exp, self)

    def log(self) -> Tensor:
        """ln x for x > 0; its derivative is 1/x."""
        return apply(ops.Log, self)

    def sqrt(self) -> Tensor:
        """√x = x^0.5 for x ≥ 0; its derivative is 1/(2√x)."""
        return self**0.5

    def abs(self) -> Tensor:
        """|x|; its derivative is sign(x), 0 at x = 0."""
        return apply(ops.Abs, self)

    def sigmoid(self) -> Tensor:
        """σ(x) = 1/(1 + e⁻ˣ), stable for any x; its derivative is σ(1 − σ)."""
        return apply(ops.Sigmoid, self)

    def tanh(self) -> Tensor:
        """tanh x; its derivative is 1 − tanh²x."""
        return apply(ops.Tanh, self)

    def relu(self) -> Tensor:
        """max(x, 0); its derivative is 1 where x > 0, else 0."""
        return apply(ops.ReLU, self)

    def clip(self, low: float | None = None, high: float | None = None) -> Tensor:
        """x limited to [low, high] (None: no limit); the gradient passes only where
        x was inside."""
        return apply(ops.Clip, self, low=-np.inf if low is None else low,
                     high=np.inf if high is None else high)

    # ---- reductions ----------------------------------------------------------

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The sum over `axis` (all axes if None); every summed element gets the
        gradient of the sum."""
        return apply(ops.Sum, self, axis=axis, keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The sum divided by the number of elements summed; each gets 1/count of
        the gradient."""
        summed_axes = range(self.ndim) if axis is None else np.atleast_1d(axis)
        count = int(np.prod([self.shape[a] for a in summed_axes]))
        if count == 0:
            raise ValueError(f"mean() over no elements: shape {self.shape}, axis {axis}")
        return self.sum(axis, keepdims) * (1.0 / count)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The largest element over `axis`; the gradient goes to the maximal
        elements, shared evenly between ties."""
        return apply(ops.Max, self, axis=axis, keepdims=keepdims)

    def softmax(self, axis: int = -1) -> Tensor:
        """eˣⁱ/Σⱼeˣʲ along `axis`, stable for any x; dsᵢ/dxⱼ = sᵢ(δᵢⱼ − sⱼ)."""
        return apply(ops.Softmax, self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log softmax(x) along `axis`, stable for any x; d log sᵢ/dxⱼ = δᵢⱼ − sⱼ."""
        return apply(ops.LogSoftmax, self, axis=axis)

    # ---- shape ---------------------------------------------------------------

    def reshape(self, *shape: int) -> Tensor:
        """The same elements in `shape` (one -1 allowed); the gradient is reshaped back."""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return apply(ops.Reshape, self, shape=tuple(shape))

    def transpose(self, *axes: int) -> Tensor:
        """The axes permuted (reversed if none are given); the gradient is permuted back."""
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        return apply(ops.Transpose, self, axes=tuple(axes) if axes else None)

    def __getitem__(self, idx: Any) -> Tensor:
        """x[idx] as numpy indexes: basic, integer arrays, boolean masks. A tensor
        in the index is a mask if it was made from booleans, else whole numbers."""
        if isinstance(idx, tuple):
            idx = tuple(_as_index(i) for i in idx)
        return apply(ops.Index, self, idx=_as_index(idx))
