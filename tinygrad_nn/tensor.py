"""Tensor: a numpy array that remembers how it was computed.

Every operation on tensors runs an op from `ops.py` through `apply`, which, when
some input requires a gradient, records the op in the output (`_op`, whose `inputs`
are the tensors it was applied to). That record is the computation graph.
`backward()` orders the graph so that every tensor comes after the tensors computed
from it, then walks that order once (`backward_pass`), handing each op the gradient
of its output and adding what it returns into its inputs' gradients: reverse-mode
automatic differentiation.

What keeps this from going silently wrong (grad mode, write versions, in-place
rules, value checks) lives in `guards.py`, called at the few seams that need it.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from tinygrad_nn import guards, ops
from tinygrad_nn.guards import no_grad

__all__ = ["Tensor", "apply", "backward_pass", "no_grad", "topological_order"]


def apply(op_class: type[ops.Op], *inputs: Tensor, **attrs: Any) -> Tensor:
    """Run an op forward on its inputs' arrays and, if the graph is recording and some
    input requires a gradient, remember the op and its inputs in the output."""
    if guards.rewrites:  # an in-place write was recorded somewhere: are the inputs current?
        guards.check_current(inputs)
    op = op_class()
    try:
        data = np.asarray(op.forward(*[t._data for t in inputs], **attrs))
    except (ValueError, IndexError) as error:  # shapes that do not fit, values outside the domain
        raise guards.op_error(op, inputs, error) from None
    out = Tensor.over(data)
    if data.base is not None:  # numpy made a view: a write through either is a write to both
        out._version = guards.shared_version(data, inputs)
    needs_grad = tuple([t.requires_grad for t in inputs])
    if guards.is_grad_enabled() and True in needs_grad:
        op.inputs, op.needs_grad, op.recorded_at = inputs, needs_grad, guards.latest_write
        out._op, out.requires_grad = op, True
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
        for parent in guards.inputs_as_recorded(tensor._op):
            if parent not in visited and (parent.requires_grad or not grad_only):
                stack.append((parent, False))
    return order


def backward_pass(root: Tensor, grad: Any,
                  create_graph: bool = False) -> Iterator[tuple[Tensor, Any, tuple]]:
    """Reverse-mode autodiff, one tensor at a time, touching no `.grad`.

    Yields every tensor `root` depends on (that requires a gradient) with its gradient
    g = d(root)/d(tensor) times `grad`, complete because every tensor computed from it
    came before; and, for a tensor an op made, what the op hands each input:
    g · d(out)/d(input), None for an input that needs none. Those add up per input.
    `Tensor.backward` stores each g as `.grad`; `viz.backward_steps` shows each step.

    With `create_graph`, `grad` is a Tensor and each op's backward is handed the input
    and output Tensors instead of their arrays, so the gradients it computes are
    Tensors with a graph of their own, to be differentiated again.
    """
    pending = {root: grad}
    for tensor in reversed(topological_order(root, grad_only=True)):
        g = pending.pop(tensor, None)
        if g is None:  # nothing flowed here: requires_grad was set after the graph was made
            continue
        op = tensor._op
        if op is None:
            yield tensor, g, ()
            continue
        guards.check_unchanged(tensor)
        if create_graph:
            contributions = op.backward(g, *op.inputs, tensor)
        else:
            contributions = op.backward(g, *[t._data for t in op.inputs], tensor._data)
        for parent, contribution in zip(op.inputs, contributions):
            if contribution is not None:
                contribution = guards.own_gradient(contribution, parent, g)
                pending[parent] = (pending[parent] + contribution if parent in pending
                                   else contribution)
        yield tensor, g, contributions


def initial_gradient(root: Tensor, grad: Any, create_graph: bool, caller: str,
                     argument: str = "gradient") -> Any:
    """Where a backward pass starts: d(root)/d(root) = 1 for a one-element root, else
    `grad`, of root's shape and dtype; a Tensor when the pass is recorded (a Tensor
    `grad` kept as it is, so that its own graph carries on)."""
    if guards.rewrites:
        guards.check_current((root,))
    if grad is None and root.size != 1:
        raise ValueError(
            f"{caller} without a {argument} needs a tensor with one element (a loss); this one "
            f"has shape {root.shape}. Reduce it first (.sum(), .mean()) or pass a {argument} of "
            f"shape {root.shape}"
        )
    if grad is None:
        ones = np.ones(root.shape, root.dtype)
        return Tensor(ones) if create_graph else ones
    if np.shape(grad) != root.shape:
        raise ValueError(f"{caller}: the {argument} has shape {np.shape(grad)} but the tensor "
                         f"has shape {root.shape}; they must be equal")
    if create_graph:  # a copy of its own (the root's .grad), in the graph of `grad` if it has one
        if isinstance(grad, Tensor):
            return grad.astype(root.dtype)
        return Tensor(np.array(grad, root.dtype))
    return np.array(grad.data if isinstance(grad, Tensor) else grad, dtype=root.dtype)  # a copy


class Tensor:
    """An n-dimensional array of floats with a gradient and a place in the graph.

    `Tensor(data)` copies data, as `torch.tensor` does, so that a write through one never
    changes the other; `np.asarray(t)` and `t.numpy()` share t's memory, `np.array(t)`
    copies. A tensor made from booleans (or by a comparison) holds 0.0 and 1.0 and, used
    as an index, is a mask; `detach()` and `Tensor()` keep it one.

    Writes through a tensor (`x.data = v`, `x -= v`, an optimizer's step) are
    versioned, so backward() through a graph that used the old values is an error
    (see guards.py). Writes into the numpy array itself (`x.data[0] = v`) are
    untracked, as with PyTorch's `.data`.
    """

    __slots__ = ("__weakref__", "_data", "_earlier", "_is_mask", "_op", "_retired", "_version",
                 "grad", "name", "requires_grad")  # _earlier, _retired: set by in-place writes
    __array_ufunc__ = None  # numpy defers to us: `array + tensor` is a Tensor
    __hash__ = object.__hash__  # by identity: the backward pass keys its dicts by tensors

    def __init__(self, data: Any, requires_grad: bool = False, name: str | None = None):
        if isinstance(data, Tensor):
            self.__init__(data._data, requires_grad, name)
            self._is_mask = data._is_mask
            return
        array = guards.as_array(data)
        self._data: np.ndarray = array.copy() if array is data else array  # a copy either way
        self._is_mask = array is not data and np.asarray(data).dtype == np.bool_
        self._version = guards.Version()
        self._op: ops.Op | None = None
        self.grad: Any = None
        self.requires_grad = requires_grad
        self.name = name

    @classmethod
    def over(cls, array: np.ndarray, is_mask: bool = False) -> Tensor:
        """A tensor over `array` itself, not a copy: an op's output, a view, a detach()."""
        tensor = cls.__new__(cls)
        tensor._data, tensor._is_mask, tensor._version = array, is_mask, guards.Version()
        tensor._op, tensor.grad, tensor.requires_grad, tensor.name = None, None, False, None
        return tensor

    @property
    def data(self) -> np.ndarray:
        """The values, a numpy array."""
        return self._data

    @data.setter
    def data(self, values: Any) -> None:
        """Replace the values, a write (`x.data -= v` comes here too)."""
        self._data = values if values is self._data else guards.as_array(values)
        guards.record_write(self)

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
        """The data itself, not a copy (as PyTorch's `.numpy()`)."""
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """For numpy: `np.asarray(t)` shares t's memory, `np.array(t)` and `np.copy(t)`
        copy it (numpy asks with copy=True); numpy casts to a `dtype` it asks for."""
        return self._data.copy() if copy else self._data

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d Tensor (a single number): it has no first axis. "
                            "Use .size for the number of elements, or .item() for the number")
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
        """The same values (the same memory, so the same version), cut from the graph:
        nothing flows back through it."""
        out = Tensor.over(self._data, self._is_mask)
        out._version = self._version
        return out

    def clone(self) -> Tensor:
        """A copy in memory of its own, still in the graph (the gradient passes through):
        a snapshot that later writes into this tensor do not change."""
        return apply(ops.Clone, self)

    def astype(self, dtype: Any) -> Tensor:
        """The values as float64 or float32 (a copy), in the graph: the gradient is cast back."""
        if np.dtype(dtype) not in guards.FLOAT_DTYPES:
            raise TypeError(f"astype: a Tensor holds float64 or float32; got {np.dtype(dtype)}")
        return apply(ops.Cast, self, dtype=np.dtype(dtype))

    # ---- reverse-mode autodiff -----------------------------------------------

    def backward(self, grad: Any = None, create_graph: bool = False) -> None:
        """Add d(self)/d(t), times `grad`, into `t.grad` for every tensor t that
        `self` was computed from and that requires a gradient (intermediates too).

        Gradients accumulate over calls, as in PyTorch; zero them between steps.
        With `create_graph`, the backward pass is recorded (even under no_grad) and
        each `.grad` is a Tensor with the graph of its computation, so it can be
        differentiated again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of it has "
                "requires_grad=True, so there is nothing to differentiate"
            )
        grad = initial_gradient(self, grad, create_graph, "backward()")
        with guards.enable_grad() if create_graph else contextlib.nullcontext():
            for tensor, g, _ in backward_pass(self, grad, create_graph):
                total = g if tensor.grad is None else tensor.grad + g
                tensor.grad = np.asarray(total) if isinstance(total, np.generic) else total  # 0-d

    # ---- arithmetic: Python numbers and arrays are lifted to constants -------

    def _lift(self, other: Any) -> Tensor:
        """`other` as a constant tensor. Numbers, booleans and integers take this
        tensor's dtype, so a float32 tensor stays float32."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float)):
            return Tensor.over(np.asarray(other, dtype=self.dtype))
        array = np.asarray(other)
        return Tensor.over(guards.as_array(array.astype(self.dtype) if array.dtype.kind in "biu"
                                           else array))

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
        exponent = exponent.item() if isinstance(exponent, np.generic) else exponent  # keeps float32
        return apply(ops.Pow, self, exponent=exponent)

    # ---- comparisons: elementwise masks, with no gradient -----------------------

    def _compare(self, other: Any, compare: Any) -> Tensor:
        return Tensor.over(compare(self._data, self._lift(other)._data).astype(self.dtype),
                           is_mask=True)

    def __eq__(self, other): return self._compare(other, np.equal)
    def __ne__(self, other): return self._compare(other, np.not_equal)
    def __lt__(self, other): return self._compare(other, np.less)
    def __le__(self, other): return self._compare(other, np.less_equal)
    def __gt__(self, other): return self._compare(other, np.greater)
    def __ge__(self, other): return self._compare(other, np.greater_equal)

    # ---- in place, as in PyTorch: the same tensor, its memory rewritten ------

    def __iadd__(self, other): return self._update(ops.Add, other, "+")
    def __isub__(self, other): return self._update(ops.Sub, other, "-")
    def __imul__(self, other): return self._update(ops.Mul, other, "*")
    def __itruediv__(self, other): return self._update(ops.Div, other, "/")

    def _update(self, op_class: type[ops.Op], other: Any, symbol: str) -> Tensor:
        """`x -= v` and the like: x's own values rewritten, so that every holder of x (a
        model, an optimizer, a view) sees the change; a write, stamped. Without this,
        Python would bind the name to a new tensor and the model would never change.
        While the graph records x or v, the write is recorded too (see `_rewrite`)."""
        other = self._lift(other)
        guards.check_write(self, other, f"{symbol}=", self._data)
        if guards.records(self, other):
            return self._rewrite(op_class, other)
        self._data[...] = op_class().forward(self._data, other._data)
        guards.record_write(self)
        return self

    def __setitem__(self, idx: Any, value: Any) -> None:
        """`x[idx] = v` writes into x's memory, as an in-place operator does (and
        `x[idx] += v` too): recorded while the graph records x or v."""
        idx, value = self._index(idx), self._lift(value)
        guards.check_write(self, value, "[…] =", self._data[idx], fills=True)
        if not guards.records(self, value):
            self._data[idx] = value._data
            guards.record_write(self)
        elif guards.writes_back(self, value, idx):  # x[idx] += v: the view already holds it
            self._rewrite(ops.SetItem, value, idx=idx, current=True)
        else:
            self._rewrite(ops.SetItem, value, idx=idx)

    def _rewrite(self, op_class: type[ops.Op], *others: Tensor, current: bool = False,
                 **attrs: Any) -> Tensor:
        """A write the graph records, as in PyTorch: this tensor becomes the output of the
        op applied to what it was (its `earlier` node, a new object in its place for every
        op recorded before), and its memory takes the new values, so every name and view
        of it sees them. The op's backward reads a copy where it needs the old values.
        `current`: this tensor is known to hold what its graph computed (the second half
        of `x[idx] += v`, which puts back the view the first half wrote)."""
        if guards.rewrites and not current:
            guards.check_current((self,))
        earlier = guards.retire(Tensor.over(self._data))
        earlier._version, earlier._op = self._version, self._op
        earlier.requires_grad, earlier.name = self.requires_grad, self.name
        result = apply(op_class, earlier, *others, **attrs)
        if any(t is earlier for t in result._op.saved(*result._op.inputs, result)):
            result = apply(op_class, earlier.clone(), *others, **attrs)
        self._data[...] = result._data
        self._op, self.requires_grad = result._op, True
        guards.record_rewrite(self, earlier)
        return self

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
        return apply(ops.Sum, self, axis=guards.as_axis(axis, self.ndim), keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The sum divided by the number of elements summed; each gets 1/count of
        the gradient."""
        axis = guards.as_axis(axis, self.ndim)  # refuses an axis the tensor does not have
        total = self.sum(axis, keepdims)
        summed_axes = range(self.ndim) if axis is None else np.atleast_1d(axis)
        count = math.prod(self.shape[a] for a in summed_axes)
        if count == 0:
            raise ValueError(f"mean() over no elements: shape {self.shape}, axis {axis}")
        return total * (1.0 / count)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """The largest element over `axis`; the gradient goes to the maximal
        elements, shared evenly between ties."""
        return apply(ops.Max, self, axis=guards.as_axis(axis, self.ndim), keepdims=keepdims)

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
        """x[idx] as numpy indexes: basic, integer arrays, boolean masks. Basic indexing
        gives a view (`x[1, 1]` too, a 0-d one), arrays a copy, as in PyTorch."""
        return apply(ops.Index, self, idx=self._index(idx))

    def _index(self, idx: Any) -> tuple:
        """idx as numpy takes it, ending in `...` so that picking one element gives a 0-d
        view, not a copy. A tensor in the index is a mask if it was made from booleans or
        by a comparison, else whole numbers."""
        parts = idx if isinstance(idx, tuple) else (idx,)
        parts = tuple(guards.as_index(i._data, i._is_mask) if isinstance(i, Tensor) else i
                      for i in parts)
        return parts if any(i is Ellipsis for i in parts) else (*parts, Ellipsis)

    def scatter_add(self, idx: Any, shape: tuple[int, ...]) -> Tensor:
        """Zeros of `shape` with this tensor added at `idx` (repeated indices add up):
        the gradient of indexing, as an op so that it can be differentiated."""
        return apply(ops.ScatterAdd, self, idx=self._index(idx), shape=tuple(shape))
