"""The differentiable operations: one small class each, forward beside backward.

`forward` takes numpy arrays and returns the output array. `backward(g, *inputs,
out)` takes the gradient of the loss with respect to that output, g = dL/dout, with
the op's inputs and output, and returns one gradient per input: the chain rule
dL/dinput = g · dout/dinput, summed back to the input's shape when the input was
broadcast. It returns None for an input that does not require a gradient
(`self.needs_grad` says which), so constants such as a data matrix cost nothing on
the way back. The graph bookkeeping lives in one place, `tensor.apply`.

A backward computes only with what numpy arrays and Tensors share (`+ − * / @ **`,
`.sum`, `.reshape`, `.transpose`, `.T`, indexing) and with the few functions below
them. In a plain backward pass it is handed arrays. When the backward pass is itself
recorded (`create_graph`) it is handed the input and output Tensors and g is a
Tensor, so the very same lines build a graph of the gradient, which can be
differentiated again: second derivatives, Hessians.

Each op also says which of its inputs and output its backward reads (`saved`), as
PyTorch's saved tensors do: an in-place write into one of those after the forward pass
makes the backward refuse, and a write into anything else does not matter to it.

Each op carries `symbol` (how drawings label it), `rule` (its local derivative,
shown by the step-by-step backward pass) and, when it is not written as a call
symbol(inputs), its `notation`, e.g. "|{0}|" (how drawings title its output).
"""

from __future__ import annotations

import numpy as np

from tinygrad_nn.guards import refuse_where

# ---- what a backward computes with, besides what arrays and Tensors share ----------
# Each function calls numpy on an array (a plain backward pass) and the Tensor's own
# method on a Tensor (a recorded one), so that what it computes joins the graph. Where
# the forward kept the value, a plain pass takes it as it is (`known`).

ARRAYS = (np.ndarray, np.generic)


def exp(x):
    """eˣ of an array or a Tensor."""
    return np.exp(x) if isinstance(x, ARRAYS) else x.exp()


def log(x):
    """ln x of an array or a Tensor."""
    return np.log(x) if isinstance(x, ARRAYS) else x.log()


def values(x) -> np.ndarray:
    """The numbers of an array or a Tensor, for a factor that is constant where it has a
    derivative at all (a mask, a sign, a share among ties)."""
    return x if isinstance(x, ARRAYS) else x.data


def sigmoid(x, known: np.ndarray):
    """σ(x): `known`, the value the forward kept, for an array; for a Tensor its sigmoid."""
    return known if isinstance(x, ARRAYS) else x.sigmoid()


def one_minus(out, known: np.ndarray):
    """1 − σ(x) from the output σ(x): `known`, the value the forward kept, for an array (exact
    even where σ rounds to 1); for a Tensor 1 − out, a graph of the saved output alone."""
    return known if isinstance(out, ARRAYS) else 1.0 - out


def softmax(x, axis: int, known: np.ndarray):
    """softmax along `axis`: `known`, the value the forward kept, for an array; for a
    Tensor its softmax."""
    return known if isinstance(x, ARRAYS) else x.softmax(axis)


def scatter_add(g, idx, shape: tuple[int, ...]):
    """Zeros of `shape` with g added at `idx`, for an array or a Tensor (see ScatterAdd)."""
    return ScatterAdd().forward(g, idx, shape) if isinstance(g, ARRAYS) else g.scatter_add(idx, shape)


def unbroadcast(grad, shape: tuple[int, ...]):
    """Sum `grad` back to `shape`: an input broadcast into many positions receives
    the sum of their gradients. Leading axes numpy added are summed away first,
    then the axes where the input had size 1."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    if grad.shape != shape:
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _kept_shape(shape: tuple[int, ...], axis) -> tuple[int, ...]:
    """`shape` with the axes a reduction summed kept as size 1 (numpy's keepdims)."""
    if axis is None:
        return (1,) * len(shape)
    reduced = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


class Op:
    """Base of every op; see the module docstring for the contract."""

    symbol = "?"
    rule = ""
    notation = ""  # e.g. "{0} + {1}"; empty: written symbol(inputs)
    inputs: tuple = ()  # the input Tensors, set by tensor.apply when the op is recorded
    needs_grad: tuple[bool, ...] = ()

    def forward(self, *arrays: np.ndarray, **attrs) -> np.ndarray:
        """The output array from the input arrays; keeps on `self` only constants
        backward needs (masks, axes): the inputs and output are handed to backward."""
        raise NotImplementedError

    def backward(self, g, *inputs_and_output) -> tuple:
        """From g = dL/dout and the op's inputs and output, one gradient per input,
        g · dout/dinput summed back to the input's shape; None for an input that needs
        none. Written only with what arrays and Tensors share (see above)."""
        raise NotImplementedError

    def saved(self, *inputs_and_output) -> tuple:
        """Those of the op's inputs and output whose values backward reads (shapes do not
        count): none, unless the op says otherwise."""
        return ()


# ---- elementwise, two inputs (numpy broadcasting) ---------------------------


class Add(Op):
    """a + b, broadcast; d(a + b)/da = d(a + b)/db = 1, so each gets g summed to its shape."""

    symbol, rule, notation = "+", "d(a+b)/da = 1, d(a+b)/db = 1", "{0} + {1}"

    def forward(self, a, b):
        return a + b

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        return (unbroadcast(g, a.shape) if need_a else None,
                unbroadcast(g, b.shape) if need_b else None)


class Sub(Op):
    """a − b, broadcast; d(a − b)/da = 1 and d(a − b)/db = −1."""

    symbol, rule, notation = "−", "d(a−b)/da = 1, d(a−b)/db = −1", "{0} − {1}"

    def forward(self, a, b):
        return a - b

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        return (unbroadcast(g, a.shape) if need_a else None,
                unbroadcast(-g, b.shape) if need_b else None)


class Mul(Op):
    """a · b elementwise, broadcast; d(ab)/da = b and d(ab)/db = a."""

    symbol, rule, notation = "×", "d(a·b)/da = b, d(a·b)/db = a", "{0} × {1}"

    def forward(self, a, b):
        return a * b

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        return (unbroadcast(g * b, a.shape) if need_a else None,
                unbroadcast(g * a, b.shape) if need_b else None)

    def saved(self, a, b, out):
        need_a, need_b = self.needs_grad
        return (b,) * need_a + (a,) * need_b


class Div(Op):
    """a / b, broadcast, refusing b = 0; d(a/b)/da = 1/b and d(a/b)/db = −a/b²."""

    symbol, rule, notation = "÷", "d(a/b)/da = 1/b, d(a/b)/db = −a/b²", "{0} ÷ {1}"

    def forward(self, a, b):
        refuse_where(b == 0, b, "the divisor must not be 0")
        return a / b

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        return (unbroadcast(g / b, a.shape) if need_a else None,
                unbroadcast(-g * a / (b * b), b.shape) if need_b else None)

    def saved(self, a, b, out):
        return (b, a) if self.needs_grad[1] else (b,)


def _swap_last_axes(x):
    """x with its last two axes swapped (a batch of transposes), for arrays and Tensors."""
    return x.transpose(*range(x.ndim - 2), x.ndim - 1, x.ndim - 2)


class MatMul(Op):
    """Matrix product, batched as numpy's `@`. A 1-D operand is a row (left) or a
    column (right) vector, as in numpy; its gradient is reshaped back. Written
    with reshape and transpose (not numpy's `[None]` and `swapaxes`), which
    Tensors have too."""

    symbol, rule, notation = "@", "d(A@B)/dA = g@Bᵀ, d(A@B)/dB = Aᵀ@g", "{0} @ {1}"

    def forward(self, a, b):
        return a @ b

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        if a.ndim == b.ndim == 2:  # the common (n, k) @ (k, m): nothing to reshape
            return (g @ b.T if need_a else None), (a.T @ g if need_b else None)
        a2 = a if a.ndim > 1 else a.reshape(1, -1)
        b2 = b if b.ndim > 1 else b.reshape(-1, 1)
        g2 = g.reshape(*g.shape, 1) if b.ndim == 1 else g
        g2 = g2.reshape(*g2.shape[:-1], 1, g2.shape[-1]) if a.ndim == 1 else g2
        ga = unbroadcast(g2 @ _swap_last_axes(b2), a2.shape).reshape(a.shape) if need_a else None
        gb = unbroadcast(_swap_last_axes(a2) @ g2, b2.shape).reshape(b.shape) if need_b else None
        return ga, gb

    def saved(self, a, b, out):
        need_a, need_b = self.needs_grad
        return (b,) * need_a + (a,) * need_b


# ---- elementwise, one input --------------------------------------------------


class Neg(Op):
    """−x; d(−x)/dx = −1."""

    symbol, rule, notation = "−", "d(−x)/dx = −1", "−{0}"

    def forward(self, x):
        return -x

    def backward(self, g, x, out):
        return (-g,)


class Pow(Op):
    """xⁿ for a number n. A fractional n needs x ≥ 0, a negative n needs x ≠ 0,
    and for 0 < n < 1 the slope n·xⁿ⁻¹ is infinite at x = 0, so backward refuses it."""

    symbol, rule = "**", "d(xⁿ)/dx = n·xⁿ⁻¹"

    def forward(self, x, exponent):
        if exponent != int(exponent):
            refuse_where(x < 0, x, f"x ** {exponent} needs x ≥ 0 (a fractional power)")
        if exponent < 0:
            refuse_where(x == 0, x, f"x ** {exponent} needs x ≠ 0")
        self.exponent = exponent
        return x**exponent

    def backward(self, g, x, out):
        n = self.exponent
        if n == 0:  # x⁰ = 1 whatever x is
            return (g * 0.0,)
        if 0 < n < 1:
            x_values = np.asarray(x)
            refuse_where(x_values == 0, x_values,
                         f"Pow backward: x ** {n} has an infinite gradient at x = 0")
        return (g * n * x ** (n - 1),)

    def saved(self, x, out):
        return (x,)


class Exp(Op):
    """eˣ, refusing x that would overflow to inf; d(eˣ)/dx = eˣ, the output."""

    symbol, rule = "exp", "d(eˣ)/dx = eˣ"

    def forward(self, x):
        largest = np.log(np.finfo(x.dtype).max)  # beyond it eˣ is inf: 709.78 in float64
        refuse_where(x > largest, x, f"exp x overflows {x.dtype} for x > {largest:.2f}; "
                     "sigmoid, softmax and the losses compute without it and never overflow")
        return np.exp(x)

    def backward(self, g, x, out):
        return (g * out,)

    def saved(self, x, out):
        return (out,)


class Log(Op):
    """ln x for x > 0; d(ln x)/dx = 1/x."""

    symbol, rule = "log", "d(ln x)/dx = 1/x"

    def forward(self, x):
        refuse_where(x <= 0, x, "log x needs x > 0")
        return np.log(x)

    def backward(self, g, x, out):
        return (g / x,)

    def saved(self, x, out):
        return (x,)


class Abs(Op):
    """|x|; d|x|/dx = sign(x), taken as 0 at x = 0."""

    symbol, rule, notation = "|x|", "d|x|/dx = sign(x)  (0 at x = 0)", "|{0}|"

    def forward(self, x):
        return np.abs(x)

    def backward(self, g, x, out):
        return (g * np.sign(values(x)),)  # a constant: |x|'s slope does not change away from 0

    def saved(self, x, out):
        return (x,)


class Sigmoid(Op):
    """σ(x) = 1/(1 + e⁻ˣ), computed as written: within 2 ulps of the exact value for every
    x, where the detour through log σ = −logaddexp(0, −x) lost up to 31 (σ(−40) ≈ 4.2e−18
    is one such), and with numpy's exp, which is vectorised, not logaddexp's scalar loop.
    For x < −709, e⁻ˣ overflows to ∞ and σ = 1/∞ = 0, its limit, so that overflow is
    expected, not reported. The slope is dσ/dx = σ(x)(1 − σ(x)), and 1 − σ(x) = σ(−x) is
    computed the same way: the plain 1 − σ rounds to 0 from x ≈ 37 on and would lose
    σ(40)(1 − σ(40)) ≈ 4.2e−18."""

    symbol, rule = "σ", "dσ/dx = σ(1 − σ)"

    def forward(self, x):
        with np.errstate(over="ignore"):
            # kept for a plain backward: computing it there again cost 3.3% of benchmark
            # W1's step (callgrind instructions)
            self.one_minus_out = 1.0 / (1.0 + np.exp(x))
            return 1.0 / (1.0 + np.exp(-x))

    def backward(self, g, x, out):
        return (g * out * one_minus(out, known=self.one_minus_out),)

    def saved(self, x, out):
        return (out,)


class Tanh(Op):
    """tanh x; d(tanh x)/dx = 1 − tanh²x, from the output."""

    symbol, rule = "tanh", "d(tanh x)/dx = 1 − tanh²x"

    def forward(self, x):
        return np.tanh(x)

    def backward(self, g, x, out):
        return (g * (1.0 - out * out),)

    def saved(self, x, out):
        return (out,)


class ReLU(Op):
    """max(x, 0); the gradient at exactly 0 is taken as 0, as PyTorch does."""

    symbol, rule = "relu", "d relu(x)/dx = 1 if x > 0 else 0"

    def forward(self, x):
        return np.maximum(x, 0.0)  # not x·(x > 0), which is NaN at −∞

    def backward(self, g, x, out):
        return (g * (values(out) > 0),)  # a constant mask: the slope, 1 where x > 0, else 0

    def saved(self, x, out):
        return (out,)


class Clip(Op):
    """x limited to [low, high] (numbers, or arrays that broadcast against x); the
    gradient flows only where x was inside, summed back to x's shape."""

    symbol, rule = "clip", "d clip(x)/dx = 1 inside [low, high], else 0"

    def forward(self, x, low, high):
        self.low, self.high = low, high
        return np.clip(x, low, high)

    def backward(self, g, x, out):
        x_values = values(x)
        inside = (x_values >= self.low) & (x_values <= self.high)
        return (unbroadcast(g * inside, x.shape),)

    def saved(self, x, out):
        return (x,)


# ---- reductions --------------------------------------------------------------


class Sum(Op):
    """Σx over `axis`; dΣx/dxᵢ = 1, so every summed element gets g: g is given its
    summed axes back (as size 1) and multiplied by ones of the input's shape."""

    symbol, rule = "Σ", "d(Σx)/dxᵢ = 1: the gradient is copied to every summed element"

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        return x.sum(axis=axis, keepdims=keepdims)

    def backward(self, g, x, out):
        kept = g.shape if self.keepdims else _kept_shape(x.shape, self.axis)
        return (g.reshape(kept) * np.ones(x.shape, dtype=g.dtype),)


class Max(Op):
    """Largest element; its gradient goes to the maximal elements, split evenly
    between ties (the subgradient numpy users expect from `amax`), or to the NaN
    elements where the maximum is NaN (as PyTorch). Which elements are maximal does
    not change under a small nudge, so the share is a constant."""

    symbol, rule = "max", "d max(x)/dxᵢ = 1 where xᵢ is the maximum (shared among ties), else 0"

    def forward(self, x, axis, keepdims):
        self.axis, self.kept = axis, _kept_shape(x.shape, axis)
        return np.max(x, axis=axis, keepdims=keepdims)

    def backward(self, g, x, out):
        x_values, largest = values(x), values(out).reshape(self.kept)
        is_max = (x_values == largest) | (np.isnan(x_values) & np.isnan(largest))
        share = is_max / is_max.sum(axis=self.axis, keepdims=True, dtype=x_values.dtype)
        return (g.reshape(self.kept) * share,)

    def saved(self, x, out):
        return (x, out)


# ---- shape -------------------------------------------------------------------


class Reshape(Op):
    """x in another shape; the derivative is the identity, so g is reshaped back."""

    symbol, rule = "reshape", "the gradient is reshaped back"

    def forward(self, x, shape):
        return x.reshape(shape)

    def backward(self, g, x, out):
        return (g.reshape(x.shape),)


class Transpose(Op):
    """x with its axes permuted; the derivative permutes g back."""

    symbol, rule = "transpose", "the gradient is transposed back"

    def forward(self, x, axes):
        self.axes = axes
        return np.transpose(x, axes)

    def backward(self, g, x, out):
        order = range(g.ndim)[::-1] if self.axes is None else np.mod(self.axes, g.ndim)
        return (g.transpose(tuple(int(i) for i in np.argsort(order))),)


class Index(Op):
    """x[idx], basic or integer-array indexing. The gradient is scattered back, so
    that an element picked twice receives both contributions."""

    symbol, notation = "[ ]", "{0}[…]"
    rule = "the gradient is scattered back to the picked elements"

    def forward(self, x, idx):
        self.idx = idx
        return x[idx]

    def backward(self, g, x, out):
        return (scatter_add(g, self.idx, x.shape),)


class ScatterAdd(Op):
    """Zeros of `shape` with g added at `idx` (`np.add.at`, so repeated indices add
    up): Index's backward, an op so that a recorded backward can be differentiated.
    Its derivative picks the same elements again."""

    symbol, notation = "scatter-add", "scatter({0})"
    rule = "the gradient is picked at the scattered positions"

    def forward(self, g, idx, shape):
        self.idx = idx
        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(out, idx, g)
        return out

    def backward(self, g, values, out):
        return (g[self.idx],)


# ---- copies and writes ---------------------------------------------------------


class Clone(Op):
    """A copy of x in memory of its own; the derivative is the identity."""

    symbol, rule = "clone", "the gradient passes unchanged"

    def forward(self, x):
        return x.copy()

    def backward(self, g, x, out):
        return (g,)


class Cast(Op):
    """x in another float dtype; the gradient is cast back to x's dtype."""

    symbol, rule = "astype", "the gradient is cast back"

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, g, x, out):
        return (g.astype(x.dtype),)


class SetItem(Op):
    """x with `value` written at `idx` (`x[idx] = value` while the graph records): the
    written elements of x no longer reach the output, so their gradient is 0, and `value`
    gets the gradient at the places it was written to, summed back to its shape."""

    symbol, notation = "[ ]=", "{0}[…] = {1}"
    rule = "x gets g except where written (0 there); value gets g at the written places"

    def forward(self, x, value, idx):
        self.idx = idx
        out = x.copy()
        out[idx] = value
        self.kept = np.ones(x.shape, dtype=x.dtype)  # 1 where x's element survives, else 0
        self.kept[idx] = 0.0
        return out

    def backward(self, g, x, value, out):
        need_x, need_value = self.needs_grad
        return (g * self.kept if need_x else None,
                unbroadcast(g[self.idx], value.shape) if need_value else None)


# ---- softmax family (stable: shifted by the maximum) -------------------------


def shifted_by_max(x: np.ndarray, axis) -> np.ndarray:
    """x − max x along `axis`: at most 0, so its exponential never overflows. A
    spread wider than the float range (−1e308 beside 1e308) gives −∞, whose
    exponential is the 0 it should be: that overflow is expected, not warned about.
    Over an empty axis there is nothing to shift (the maximum starts at −∞)."""
    with np.errstate(over="ignore"):
        return x - x.max(axis=axis, keepdims=True, initial=-np.inf)


class Softmax(Op):
    """sᵢ = e^xᵢ/Σⱼe^xⱼ along `axis`; dsᵢ/dxⱼ = sᵢ(δᵢⱼ − sⱼ), so dx = s·(g − Σ g·s)."""

    symbol, rule = "softmax", "dsᵢ/dxⱼ = sᵢ(δᵢⱼ − sⱼ), so dx = s·(g − Σ g·s)"

    def forward(self, x, axis):
        e = np.exp(shifted_by_max(x, axis))
        self.axis = axis
        return e / e.sum(axis=axis, keepdims=True)

    def backward(self, g, x, s):
        return (s * (g - (g * s).sum(axis=self.axis, keepdims=True)),)

    def saved(self, x, s):
        return (s,)


class LogSoftmax(Op):
    """log sᵢ = xᵢ − log Σⱼe^xⱼ; d log sᵢ/dxⱼ = δᵢⱼ − sⱼ, so dx = g − s·Σ g."""

    symbol, rule = "log softmax", "d log sᵢ/dxⱼ = δᵢⱼ − sⱼ, so dx = g − s·Σ g"

    def forward(self, x, axis):
        shifted = shifted_by_max(x, axis)
        self.axis = axis
        with np.errstate(divide="ignore"):  # log 0 only over an empty axis: an empty result
            return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(self, g, x, log_s):
        return (g - exp(log_s) * g.sum(axis=self.axis, keepdims=True),)

    def saved(self, x, log_s):
        return (log_s,)
