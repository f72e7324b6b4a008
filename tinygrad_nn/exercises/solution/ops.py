"""The differentiable operations: one small class each, forward beside backward.

`forward` takes numpy arrays and returns the output array. `backward(g, *inputs,
out)` is handed g = ∂L/∂out, the gradient of the loss with respect to the output,
with the op's input arrays and its output array, and returns one gradient per
input: the chain rule, ∂L/∂input = g · ∂out/∂input, with the input's own shape.
The graph bookkeeping is not here: it lives in `tensor.apply`.
"""

from __future__ import annotations

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """`grad` summed back to `shape`. numpy broadcast the input into many positions of
    the output, and an input used in many places receives the sum of their gradients."""
    if grad.shape == shape:
        return grad
    # --- exercise: unbroadcast ---
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True)
    # --- end ---


def kept_shape(shape: tuple[int, ...], axis: int | tuple[int, ...] | None) -> tuple[int, ...]:
    """`shape` with the axes a sum removed kept as size 1 (numpy's keepdims=True)."""
    if axis is None:
        return (1,) * len(shape)
    summed = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in summed else n for i, n in enumerate(shape))


class Op:
    """Base of every op: see the module docstring for what forward and backward do."""

    inputs: tuple = ()  # the input Tensors, set by tensor.apply when the graph records
    needs_grad: tuple[bool, ...] = ()  # which inputs require a gradient, set there too

    def forward(self, *arrays: np.ndarray, **attrs) -> np.ndarray:
        """The output array from the input arrays."""
        raise NotImplementedError(f"{type(self).__name__} has no forward")

    def backward(self, g: np.ndarray, *inputs_and_output: np.ndarray) -> tuple:
        """One gradient per input, g · ∂out/∂input, each of its input's shape."""
        raise NotImplementedError(f"{type(self).__name__} has no backward")


# ---- two inputs, numpy broadcasting ------------------------------------------


class Add(Op):
    """a + b; d(a + b)/da = d(a + b)/db = 1."""

    def forward(self, a, b):
        return a + b

    def backward(self, g, a, b, out):
        # --- exercise: add ---
        return unbroadcast(g, a.shape), unbroadcast(g, b.shape)
        # --- end ---


class Mul(Op):
    """a · b elementwise; d(ab)/da = b and d(ab)/db = a."""

    def forward(self, a, b):
        return a * b

    def backward(self, g, a, b, out):
        # --- exercise: mul ---
        return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)
        # --- end ---


class Sub(Op):
    """a − b; d(a − b)/da = 1 and d(a − b)/db = −1."""

    def forward(self, a, b):
        return a - b

    def backward(self, g, a, b, out):
        # --- exercise: sub ---
        return unbroadcast(g, a.shape), unbroadcast(-g, b.shape)
        # --- end ---


class Div(Op):
    """a / b; d(a/b)/da = 1/b and d(a/b)/db = −a/b²."""

    def forward(self, a, b):
        return a / b

    def backward(self, g, a, b, out):
        # --- exercise: div ---
        return unbroadcast(g / b, a.shape), unbroadcast(-g * a / b**2, b.shape)
        # --- end ---


class MatMul(Op):
    """A @ B for matrices, A (n, k) and B (k, m), or stacks of them, (…, n, k) and
    (…, k, m), whose leading (batch) axes broadcast as numpy's @ does; ∂L/∂A = g @ Bᵀ
    and ∂L/∂B = Aᵀ @ g, Bᵀ swapping the last two axes only. A constant operand gets
    None: the gradient of article 004's 209 × 12288 data matrix would cost 20 MB a
    step, for nothing."""

    def forward(self, a, b):
        if a.ndim < 2 or b.ndim < 2:
            raise ValueError(f"this engine multiplies matrices (or stacks of them) only; got "
                             f"shapes {a.shape} and {b.shape}: reshape a vector to (1, n) or "
                             "(n, 1)")
        return a @ b

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        # --- exercise: matmul ---
        grad_a = unbroadcast(g @ np.swapaxes(b, -1, -2), a.shape) if need_a else None
        grad_b = unbroadcast(np.swapaxes(a, -1, -2) @ g, b.shape) if need_b else None
        return grad_a, grad_b
        # --- end ---


# ---- one input ---------------------------------------------------------------


class Neg(Op):
    """−x; d(−x)/dx = −1."""

    def forward(self, x):
        return -x

    def backward(self, g, x, out):
        # --- exercise: neg ---
        return (-g,)
        # --- end ---


class Pow(Op):
    """xⁿ for a number n; d(xⁿ)/dx = n·xⁿ⁻¹."""

    def forward(self, x, exponent):
        self.exponent = exponent  # a number, not an input: backward needs it
        return x**exponent

    def backward(self, g, x, out):
        # --- exercise: pow ---
        n = self.exponent
        return (g * n * x ** (n - 1),)
        # --- end ---


class Exp(Op):
    """eˣ; d(eˣ)/dx = eˣ, the output itself."""

    def forward(self, x):
        return np.exp(x)

    def backward(self, g, x, out):
        # --- exercise: exp ---
        return (g * out,)
        # --- end ---


class Log(Op):
    """ln x for x > 0; d(ln x)/dx = 1/x."""

    def forward(self, x):
        if np.any(x <= 0):
            raise ValueError(f"log x needs x > 0; got the smallest x = {x.min()}")
        return np.log(x)

    def backward(self, g, x, out):
        # --- exercise: log ---
        return (g / x,)
        # --- end ---


class Sigmoid(Op):
    """σ(x) = 1/(1 + e⁻ˣ), written so that it never overflows; dσ/dx = σ(1 − σ)."""

    def forward(self, x):
        return np.exp(-np.logaddexp(0.0, -x))

    def backward(self, g, x, out):
        # --- exercise: sigmoid ---
        return (g * out * (1.0 - out),)
        # --- end ---


class Tanh(Op):
    """tanh x; d(tanh x)/dx = 1 − tanh²x."""

    def forward(self, x):
        return np.tanh(x)

    def backward(self, g, x, out):
        # --- exercise: tanh ---
        return (g * (1.0 - out**2),)
        # --- end ---


class ReLU(Op):
    """max(x, 0); d relu(x)/dx = 1 where x > 0, else 0 (0 at x = 0, as PyTorch)."""

    def forward(self, x):
        return np.maximum(x, 0.0)

    def backward(self, g, x, out):
        # --- exercise: relu ---
        return (g * (x > 0),)
        # --- end ---


# ---- reductions --------------------------------------------------------------


class Sum(Op):
    """Σx over `axis` (all axes if None); dΣx/dxᵢ = 1 for every summed element."""

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        return x.sum(axis=axis, keepdims=keepdims)

    def backward(self, g, x, out):
        # --- exercise: sum ---
        return (g.reshape(kept_shape(x.shape, self.axis)) * np.ones_like(x),)
        # --- end ---


# ---- losses: a cost and its last activation, fused -----------------------------


class SigmoidBCE(Op):
    """The mean binary cross-entropy of ŷ = σ(z) against targets y of 0 or 1, fused so
    that it never overflows: C = (1/m) Σ [softplus(z) − y·z]. Its gradient is the
    articles' ŷ − y (the log's derivative cancels σ′): ∂C/∂z = (σ(z) − y)/m."""

    def forward(self, z, target):
        self.target = target  # the labels, not an input: they get no gradient
        return np.mean(np.logaddexp(0.0, z) - target * z)

    def backward(self, g, z, out):
        # --- exercise: sigmoid_bce ---
        y_hat = np.exp(-np.logaddexp(0.0, -z))
        return (g * (y_hat - self.target) / z.size,)
        # --- end ---


class MSE(Op):
    """Article 003's mean squared error of predictions p against targets y:
    E = (1/m) Σ (p − y)²; ∂E/∂p = 2(p − y)/m."""

    def forward(self, p, target):
        self.target = target
        return np.mean((p - target) ** 2)

    def backward(self, g, p, out):
        # --- exercise: mse ---
        return (g * 2.0 * (p - self.target) / p.size,)
        # --- end ---


class SoftmaxCrossEntropy(Op):
    """The mean cross-entropy of softmax(z) over each row of z (n, k) against class
    labels (article 003, section 5): C = (1/n) Σᵢ [log Σⱼ e^zᵢⱼ − zᵢ,labelᵢ], computed
    after subtracting each row's max so that it never overflows;
    ∂C/∂z = (softmax(z) − onehot(labels))/n."""

    def forward(self, z, labels):
        self.labels = labels
        shifted = z - z.max(axis=-1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return -np.mean(log_softmax[np.arange(len(z)), labels])

    def backward(self, g, z, out):
        # --- exercise: softmax_ce ---
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        softmax = e / e.sum(axis=-1, keepdims=True)
        onehot = np.eye(z.shape[-1])[self.labels]
        return (g * (softmax - onehot) / len(z),)
        # --- end ---


# ---- a forward to write: softmax that never overflows --------------------------


class LogSoftmax(Op):
    """log softmax(z) over each row of z (its last axis): zᵢⱼ − log Σₖ e^zᵢₖ, computed
    as zᵢⱼ − mᵢ − log Σₖ e^(zᵢₖ − mᵢ) with mᵢ the row's max, so that e^z neither
    overflows (z far above 0) nor underflows to log 0 (a row far below another);
    ∂L/∂z = g − softmax(z)·Σⱼ g, softmax(z) = e^out."""

    def forward(self, z):
        # --- exercise: log_softmax ---
        row_max = z.max(axis=-1, keepdims=True)
        shifted = z - row_max
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        # --- end ---

    def backward(self, g, z, out):
        return (g - np.exp(out) * g.sum(axis=-1, keepdims=True),)
