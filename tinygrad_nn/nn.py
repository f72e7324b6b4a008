"""Layers, activations and losses: networks built from Tensors.

A `Module` finds its parameters by looking at its own attributes, in the order
they were set, so `parameters()` always lists them in the same order and an
optimizer, a `state_dict` and a drawing all agree on it.

Weights are laid out as in the articles: one sample per row, y = x @ W + b with
W of shape (in_features, out_features). This is the one place we differ from
PyTorch, which stores W as (out, in) and computes x @ Wᵀ + b.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from tinygrad_nn import ops
from tinygrad_nn.guards import as_index, refuse_where
from tinygrad_nn.tensor import Tensor, apply

LOG_FLOOR = -100.0  # where binary_cross_entropy clamps log p, as PyTorch does


class Module:
    """Base of every layer and network: parameters, their gradients, their values."""

    def forward(self, *inputs: Tensor) -> Tensor:
        """The module's output for `inputs`, computed with Tensors so it is recorded."""
        raise NotImplementedError

    def __call__(self, *inputs: Any) -> Tensor:
        """forward(), with numpy arrays and numbers lifted to constant Tensors."""
        return self.forward(*[x if isinstance(x, Tensor) else Tensor(x) for x in inputs])

    def named_children(self) -> Iterator[tuple[str, Any]]:
        """Attributes in the order they were set; a list or tuple gives one entry
        per element, named by its position ("layers.0")."""
        for name, value in vars(self).items():
            if isinstance(value, (list, tuple)):
                yield from ((f"{name}.{i}", item) for i, item in enumerate(value))
            else:
                yield name, value

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        """(dotted name, tensor) for every tensor the module holds, sub-modules included
        ("0.weight"), frozen ones (requires_grad=False) too; a tensor shared by two
        layers is listed once."""
        found: dict[int, tuple[str, Tensor]] = {}
        for name, value in self.named_children():
            if isinstance(value, Module):
                members = [(f"{name}.{sub}", t) for sub, t in value.named_tensors()]
            else:
                members = [(name, value)] if isinstance(value, Tensor) else []
            for full_name, tensor in members:
                found.setdefault(id(tensor), (full_name, tensor))
        return list(found.values())

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """(dotted name, tensor) for every tensor that requires grad: what trains."""
        return [(name, t) for name, t in self.named_tensors() if t.requires_grad]

    def parameters(self) -> list[Tensor]:
        """The tensors that require grad, in registration order: what an optimizer takes."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Forget accumulated gradients (set them to None), before the next backward()."""
        for p in self.parameters():
            p.grad = None

    def state_dict(self) -> dict[str, np.ndarray]:
        """Tensor name → a copy of its values, frozen tensors included, as in PyTorch."""
        return {name: t.data.copy() for name, t in self.named_tensors()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Give the module's tensors the values of `state` (copied). The tensors stay
        the same, so optimizers keep working on them. Every name must match and every
        value must be numbers of the tensor's shape, in this engine's (in, out) layout;
        all are checked before any is written, so a bad state changes nothing."""
        tensors = dict(self.named_tensors())
        missing = sorted(tensors.keys() - state.keys())
        unexpected = sorted(state.keys() - tensors.keys())
        if missing or unexpected:
            raise ValueError(
                f"load_state_dict: missing keys {missing}, unexpected keys {unexpected}; "
                f"this module's tensors are {list(tensors)}"
            )
        values = {name: _state_value(name, state[name], t) for name, t in tensors.items()}
        for name, t in tensors.items():
            t.data = values[name].astype(t.dtype)  # a copy, written through the tensor


def _state_value(name: str, value: Any, tensor: Tensor) -> np.ndarray:
    """`value` as an array fit for `tensor`, or a ValueError that says what is wrong:
    a PyTorch tensor (whose Linear weight is (out, in), transposed from ours), a
    ragged list, something that is not numbers, or another shape."""
    to_torch_hint = ("PyTorch's Linear stores its weight as (out, in), this engine as "
                     "(in, out): load a PyTorch model with tinygrad_nn.interop.from_torch")
    if type(value).__module__.split(".")[0] == "torch":
        raise ValueError(f"load_state_dict: {name!r} is a PyTorch tensor. {to_torch_hint}")
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError(f"load_state_dict: {name!r} is ragged (rows of different lengths); "
                         f"it must be an array of shape {tensor.shape}") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"load_state_dict: {name!r} holds dtype {array.dtype}; it must hold numbers")
    if array.shape != tensor.shape:
        transposed = tensor.ndim == 2 and array.shape == tensor.shape[::-1]
        raise ValueError(f"load_state_dict: {name!r} has shape {tensor.shape} in the module but "
                         f"{array.shape} in the state dict" + (f". {to_torch_hint}" if transposed
                                                               else ""))
    return array


def init_weights(shape: tuple[int, int], init: str, scale: float | None, rng) -> np.ndarray:
    """Initial weights for a (fan_in, fan_out) matrix, multiplied by `scale`
    (default 0.01 for "normal", as article 004's 0.01·randn, else 1).

    "xavier"  U(−a, a), a = √(6/(fan_in + fan_out)): keeps the variance of sigmoid
              and tanh layers roughly constant from layer to layer (Glorot & Bengio)
    "he"      N(0, 2/fan_in): the same for relu layers (He et al.)
    "normal"  N(0, 1)
    "uniform" U[0, 1), as article 001's np.random.rand
    "zeros"   all zero (hidden units then stay identical: only for a single layer)
    """
    fan_in, fan_out = shape
    draws = {
        "xavier": lambda: rng.uniform(-1, 1, shape) * np.sqrt(6.0 / (fan_in + fan_out)),
        "he": lambda: rng.standard_normal(shape) * np.sqrt(2.0 / fan_in),
        "normal": lambda: rng.standard_normal(shape),
        "uniform": lambda: rng.random(shape),
        "zeros": lambda: np.zeros(shape),
    }
    if init not in draws:
        raise ValueError(f"unknown init {init!r}; choose one of {sorted(draws)}")
    if scale is None:
        scale = 0.01 if init == "normal" else 1.0
    return draws[init]() * scale


class Linear(Module):
    """y = x @ W + b, W of shape (in_features, out_features), b of shape (out_features,).

    The layout is the articles' (one sample per row), not PyTorch's (out, in).
    Weights start from `init`, times `scale` (see init_weights):

      "xavier"   U(−a, a), a = √(6/(in + out)), the default: for sigmoid and tanh
      "he"       N(0, 2/in): for relu
      "normal"   N(0, 1) times 0.01 unless `scale` says otherwise (article 004)
      "uniform"  U[0, 1), as article 001's np.random.rand
      "zeros"    all zero: only for a single layer (hidden units would stay equal)

    drawn reproducibly from `rng`: a seed, a np.random.Generator, or a
    np.random.RandomState (seeded as the articles seed np.random, it gives their
    very draws). The bias starts at zero, as in every article.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str = "xavier", scale: float | None = None,
                 rng: int | np.random.Generator | np.random.RandomState | None = None):
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Linear needs positive sizes; got ({in_features}, {out_features})")
        if not isinstance(rng, (np.random.Generator, np.random.RandomState)):
            rng = np.random.default_rng(rng)
        weight = init_weights((in_features, out_features), init, scale, rng)
        self.weight = Tensor(weight, requires_grad=True, name="weight")
        self.bias = Tensor(np.zeros(out_features), requires_grad=True, name="bias") if bias else None

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[-1:] != self.weight.shape[:1]:
            n_in, n_out = self.weight.shape
            raise ValueError(f"Linear({n_in}, {n_out}) takes inputs of shape (n, {n_in}), one "
                             f"sample of {n_in} features per row; got shape {x.shape}")
        y = x @ self.weight
        return y if self.bias is None else y + self.bias


class Sequential(Module):
    """Modules applied one after the other; their parameters are named "0.weight", ..."""

    def __init__(self, *modules: Module):
        self.layers = list(modules)

    def named_children(self) -> Iterator[tuple[str, Any]]:
        return ((str(i), m) for i, m in enumerate(self.layers))

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer.forward(x)  # x is a Tensor already: no lifting needed
        return x

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)


class Sigmoid(Module):
    """σ(x) elementwise, as a layer."""

    def forward(self, x: Tensor) -> Tensor: return x.sigmoid()


class Tanh(Module):
    """tanh x elementwise, as a layer."""

    def forward(self, x: Tensor) -> Tensor: return x.tanh()


class ReLU(Module):
    """max(x, 0) elementwise, as a layer."""

    def forward(self, x: Tensor) -> Tensor: return x.relu()


class Identity(Module):
    """x unchanged: the "identity" activation of article 002."""

    def forward(self, x: Tensor) -> Tensor: return x


class Softmax(Module):
    """softmax along `axis`, as a layer (article 003's output)."""

    def __init__(self, axis: int = -1):
        self.axis = axis

    def forward(self, x: Tensor) -> Tensor: return x.softmax(self.axis)


# ---- losses: means over all elements (samples) -------------------------------


def _refuse_empty(loss: str, pred: Tensor) -> None:
    """A mean over no samples is undefined: say so rather than return NaN."""
    if pred.size == 0:
        raise ValueError(f"{loss} of no elements: the prediction has shape {pred.shape}; "
                         "a loss is a mean over samples and needs at least one")


def _refuse_outside_0_1(loss: str, what: str, values: np.ndarray, hint: str = "") -> None:
    """A ValueError naming the first value outside [0, 1] (NaN included), where a
    cross-entropy would otherwise return a number that means nothing."""
    # a min and a max first (NaN fails both): the mask that names the bad element is
    # built only when there is one, as this runs at every step
    if not (values.min() >= 0 and values.max() <= 1):
        refuse_where(~((values >= 0) & (values <= 1)), values, f"{loss} needs {what} in [0, 1]{hint}")


def _pair(loss: str, pred: Any, target: Any) -> tuple[Tensor, Tensor]:
    """Both as tensors, of equal shapes (broadcasting (n, 1) against (n,) would
    silently give an (n, n) loss) and not empty."""
    pred = pred if isinstance(pred, Tensor) else Tensor(pred)
    target = target if isinstance(target, Tensor) else Tensor(target)
    if pred.shape != target.shape:
        raise ValueError(
            f"{loss}: the prediction has shape {pred.shape} but the target has shape "
            f"{target.shape}; they must be equal (reshape one, e.g. target.reshape(-1, 1))"
        )
    _refuse_empty(loss, pred)
    return pred, target


def mse_loss(pred: Tensor, target: Any) -> Tensor:
    """mean((pred − target)²)."""
    pred, target = _pair("mse_loss", pred, target)
    return ((pred - target) ** 2).mean()


class BinaryCrossEntropy(ops.Op):
    """L = −mean(y·log p + (1 − y)·log(1 − p)), each log clamped at −100 so that
    p = 0 or 1 gives a finite loss.

    dL/dp = (−y/p + (1 − y)/(1 − p))/n = (p − y) / (p(1 − p)) / n, with the
    denominator kept ≥ 1e-12 (PyTorch's choice) so it is finite at p = 0 and 1.
    dL/dy = (log(1 − p) − log p)/n.
    """

    symbol, rule = "BCE", "dL/dp = (p − y) / (p(1 − p)) / n"

    def forward(self, p, y):
        with np.errstate(divide="ignore"):  # log 0 = −inf, clamped next
            log_p = np.maximum(np.log(p), LOG_FLOOR)
            log_1mp = np.maximum(np.log(1 - p), LOG_FLOOR)
        return -(y * log_p + (1 - y) * log_1mp).sum() / p.size

    def backward(self, g, p, y, out):
        need_p, need_y = self.needs_grad
        n = p.size
        dp = g * (p - y) / (p * (1 - p)).clip(1e-12, None) / n if need_p else None
        return dp, (g * (clamped_log(1 - p) - clamped_log(p)) / n if need_y else None)

    def saved(self, p, y, out):
        return (p, y) if self.needs_grad[0] else (p,)


def clamped_log(p):
    """log p, at least LOG_FLOOR: log of p clipped to e^LOG_FLOOR, so that it is an op
    a recorded backward can differentiate."""
    return ops.log(p.clip(np.exp(LOG_FLOOR), None))


def binary_cross_entropy(prob: Tensor, target: Any) -> Tensor:
    """Mean cross-entropy of probabilities `prob` against targets in [0, 1]."""
    prob, target = _pair("binary_cross_entropy", prob, target)
    _refuse_outside_0_1("binary_cross_entropy", "probabilities", prob.data,
                        " (for raw scores use binary_cross_entropy_with_logits)")
    _refuse_outside_0_1("binary_cross_entropy", "targets", target.data)
    return apply(BinaryCrossEntropy, prob, target)


class SigmoidCrossEntropy(ops.Op):
    """Sigmoid and binary cross-entropy in one op: L = mean(ℓ(z, y)) with
    ℓ = −y·log σ(z) − (1 − y)·log(1 − σ(z)) = log(1 + eᶻ) − z·y, computed with
    numpy's logaddexp(0, z) = log(1 + eᶻ), which never overflows.

    Derivation: log σ(z) = −log(1 + e^−z) has derivative 1 − σ(z), and
    log(1 − σ(z)) = log σ(−z) has derivative −σ(z); so
    dℓ/dz = −y(1 − σ) + (1 − y)σ = σ(z) − y, and dL/dz = (σ(z) − y)/n.
    dL/dy = −z/n.
    """

    symbol, rule = "BCE(σ(z), y)", "dL/dz = (σ(z) − y)/n"
    notation = "BCE(σ({0}), {1})"

    def forward(self, z, y):
        softplus = np.logaddexp(0.0, z)  # log(1 + eᶻ)
        # σ(z) = eᶻ/(1 + eᶻ), kept for a plain backward: computing it there again cost 3.7% of
        # benchmark W1's step (callgrind instructions)
        self.sigma = np.exp(z - softplus)
        return (softplus - z * y).sum() / z.size

    def backward(self, g, z, y, out):
        need_z, need_y = self.needs_grad
        n = z.size
        return (g * (ops.sigmoid(z, known=self.sigma) - y) / n if need_z else None,
                g * -z / n if need_y else None)

    def saved(self, z, y, out):
        return (z, y)


def binary_cross_entropy_with_logits(logits: Tensor, target: Any) -> Tensor:
    """binary_cross_entropy(sigmoid(logits), target), stable for any logits."""
    logits, target = _pair("binary_cross_entropy_with_logits", logits, target)
    _refuse_outside_0_1("binary_cross_entropy_with_logits", "targets", target.data)
    return apply(SigmoidCrossEntropy, logits, target)


class SoftmaxCrossEntropy(ops.Op):
    """Softmax and cross-entropy in one op, for logits z of shape (n, C) and
    integer labels: L = −mean_i log softmax(zᵢ)[labelᵢ].

    Derivation: log softmax(z)_k = z_k − log Σⱼ e^{zⱼ}, whose derivative in z_j is
    δ_kj − softmax(z)_j; so for one sample dℓ/dz = softmax(z) − onehot(label),
    and dL/dz = (softmax(z) − onehot(labels))/n.
    """

    symbol, rule = "CE(softmax(z), y)", "dL/dz = (softmax(z) − onehot(y))/n"
    notation = "CE(softmax({0}), labels)"

    def forward(self, z, labels):
        shifted = ops.shifted_by_max(z, axis=1)  # e^shifted ≤ 1: no overflow
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        n, classes = z.shape
        picked = np.arange(0, n * classes, classes) + labels  # (i, labelᵢ) as flat indices: faster
        self.onehot = np.zeros(z.shape, z.dtype)
        self.onehot.ravel()[picked] = 1.0
        # kept for a plain backward pass: computing softmax(z) again there took 20-25% of
        # benchmark W4's step (255 against 325 µs, alternating processes)
        self.probs = exp / total
        return (np.log(total[:, 0]) - shifted.ravel()[picked]).sum() / n

    def backward(self, g, z, out):
        probs = ops.softmax(z, axis=1, known=self.probs)
        return ((probs - self.onehot) * (g / len(z)),)

    def saved(self, z, out):
        return (z,)


def cross_entropy(logits: Tensor, labels: Any) -> Tensor:
    """Mean cross-entropy of logits (n, C) against integer class labels (n,)."""
    logits = logits if isinstance(logits, Tensor) else Tensor(logits)
    if isinstance(labels, Tensor):  # whole numbers held as floats: refused if fractional
        labels = as_index(labels.data, mask=False)
    labels = np.asarray(labels)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy needs logits of shape (n, classes); got {logits.shape}")
    _refuse_empty("cross_entropy", logits)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy needs integer class labels, e.g. np.array([0, 2, 1]); got dtype "
            f"{labels.dtype} (convert a numpy array with .astype(int))"
        )
    n, classes = logits.shape
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: logits {logits.shape} need labels of shape ({n},); "
                         f"got {labels.shape}")
    if labels.min() < 0 or labels.max() >= classes:
        raise ValueError(f"cross_entropy: labels must be in 0..{classes - 1} for {classes} "
                         f"classes; got values from {labels.min()} to {labels.max()}")
    return apply(SoftmaxCrossEntropy, logits, labels=labels.astype(np.intp, copy=False))
