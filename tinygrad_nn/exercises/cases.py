"""What each op blank is graded on: small random inputs of kinds chosen to catch
mistakes (negatives, exact zeros, 0-d numbers, |x| large enough to overflow a
careless formula), first of equal shapes, then of shapes that broadcast, and the
mistakes each op is known for, as the gradients they would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tinygrad_nn import formulas


def _magnitudes(low: float, high: float, signed: bool = True) -> Callable[..., np.ndarray]:
    """Values of |x| in [low, high); signed: random signs, the first element negative and
    the last positive, so that every case of two or more elements has both."""
    def draw(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        values = np.array(rng.uniform(low, high, shape))
        if signed:
            values *= rng.choice([-1.0, 1.0], shape)
            if values.size >= 2:
                values.flat[0], values.flat[-1] = -abs(values.flat[0]), abs(values.flat[-1])
        return values
    return draw


def _with_zeros(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Signed values with every third element from the second exactly 0 (ReLU's kink);
    a single value is 0."""
    values = _magnitudes(0.1, 2.0)(rng, shape)
    values.flat[1::3] = 0.0
    if values.size == 1:
        values.flat[0] = 0.0
    return values


# An input's values, drawn afresh for each seed: any (±[0.1, 2], so that relu's slope
# is the same on both sides of a nudge), zeros (any, with every third element 0),
# positive ([0.5, 2]), nonzero (±[0.5, 2]), large (±[20, 30], where eˣ is 10¹³ and σ, tanh
# saturate), huge (±[750, 1000], where e^|x| overflows: only a stable σ survives).
DOMAINS = {
    "any": _magnitudes(0.1, 2.0),
    "zeros": _with_zeros,
    "positive": _magnitudes(0.5, 2.0, signed=False),
    "nonzero": _magnitudes(0.5, 2.0),
    "large": _magnitudes(20.0, 30.0),
    "huge": _magnitudes(750.0, 1000.0),
}

# A known mistake: its name, and what it would hand each input, from g, the inputs,
# the output and the attrs: a gradient, a list of gradients (any of them), or None
# (the mistake says nothing about that input).
Mistake = tuple[str, Callable[..., list[Any]]]


@dataclass(frozen=True)
class OpCase:
    """One call of an op's backward to grade."""

    op: str  # the class name in ops.py
    shapes: tuple[tuple[int, ...], ...]
    domains: tuple[str, ...]
    attrs: dict = field(default_factory=dict)

    @property
    def broadcasts(self) -> bool:
        """Whether numpy broadcasts the inputs (so unbroadcast must sum back): for a
        matrix product, whether their batch axes (all but the last two) differ."""
        if self.op == "MatMul":
            return len({shape[:-2] for shape in self.shapes}) > 1
        return len(set(self.shapes)) > 1

    def inputs(self, seed: int) -> list[np.ndarray]:
        """The input arrays, the same for a seed."""
        rng = np.random.default_rng(seed)
        return [DOMAINS[d](rng, s) for d, s in zip(self.domains, self.shapes)]


@dataclass(frozen=True)
class OpSpec:
    """How one op blank is graded."""

    op: str
    input_names: tuple[str, ...]
    cases: tuple[OpCase, ...]
    mistakes: tuple[Mistake, ...] = ()
    formula: tuple[str, Callable[[np.ndarray], np.ndarray]] | None = None  # local derivative


def _binary(op: str, second: str = "any") -> tuple[OpCase, ...]:
    """Equal shapes (with zeros in a), two numbers (0-d), then shapes that broadcast: a
    row over rows, a column against a row, a number against a matrix."""
    return (OpCase(op, ((2, 3), (2, 3)), ("any", second)),
            OpCase(op, ((2, 3), (2, 3)), ("zeros", second)),
            OpCase(op, ((), ()), ("any", second)),
            OpCase(op, ((2, 3), (3,)), ("any", second)),
            OpCase(op, ((3, 1), (1, 4)), ("any", second)),
            OpCase(op, ((2, 3), ()), ("any", second)))


def _unary(op: str, *domains: str, **attrs: Any) -> tuple[OpCase, ...]:
    """A matrix for each domain, then a number (0-d) of the first."""
    return (*(OpCase(op, ((2, 3),), (domain,), attrs) for domain in domains),
            OpCase(op, ((),), (domains[0],), attrs))


def _swapped(m: np.ndarray) -> np.ndarray:
    """Each matrix of a stack transposed: the last two axes swapped."""
    return np.swapaxes(m, -1, -2)


def _products_other_than(right: np.ndarray, g: np.ndarray, m: np.ndarray) -> list[np.ndarray]:
    """Every product of g or gᵀ with m or mᵀ, either way round, that is not `right`."""
    found = []
    for left in (g, _swapped(g)):
        for other in (m, _swapped(m)):
            for first, second in ((left, other), (other, left)):
                try:
                    product = first @ second
                except ValueError:  # shapes that do not multiply: no one returns that
                    continue
                if product.shape != right.shape or not np.allclose(product, right):
                    found.append(product)
    return found


def _matmul_transposed(g, a, b, out) -> list[list[np.ndarray]]:
    """What a transpose on the wrong side gives: any product of g with B (for A) or
    with A (for B), transposed or not, other than g @ Bᵀ and Aᵀ @ g."""
    return [_products_other_than(g @ _swapped(b), g, b),
            _products_other_than(_swapped(a) @ g, g, a)]


TARGETS = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])  # for the two-by-three cases
LABELS = np.array([2, 0, 3])  # a class for each of three rows


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sum_without_reshape(g, x, out, axis, keepdims) -> list[list[np.ndarray]]:
    """What g spread over x's shape as it comes gives, when numpy can broadcast it:
    along the last axes, whichever axes were summed."""
    try:
        return [[np.broadcast_to(g, x.shape)]]
    except ValueError:
        return [[]]


SPECS = {
    "add": OpSpec("Add", ("a", "b"), _binary("Add")),
    "mul": OpSpec("Mul", ("a", "b"), _binary("Mul")),
    "sub": OpSpec("Sub", ("a", "b"), _binary("Sub")),
    "div": OpSpec("Div", ("a", "b"), _binary("Div", "nonzero"), mistakes=(
        ("−a/b instead of −a/b² for b", lambda g, a, b, out: [None, -g * a / b]),
        ("g·b instead of g/b for a: d(a/b)/da = 1/b", lambda g, a, b, out: [g * b, None]),
    )),
    "neg": OpSpec("Neg", ("x",), _unary("Neg", "any", "zeros")),
    "pow": OpSpec("Pow", ("x",), (*_unary("Pow", "any", "zeros", exponent=3.0),
                                  *_unary("Pow", "positive", exponent=-1.5),
                                  *_unary("Pow", "positive", exponent=0.5)), mistakes=(
        ("the exponent not lowered: n·xⁿ instead of n·xⁿ⁻¹",
         lambda g, x, out, exponent: [g * exponent * x**exponent]),
        ("the factor n left out: xⁿ⁻¹ instead of n·xⁿ⁻¹",
         lambda g, x, out, exponent: [g * x ** (exponent - 1)]),
    )),
    "exp": OpSpec("Exp", ("x",), _unary("Exp", "any", "zeros", "large"), mistakes=(
        ("g·x instead of g·eˣ: the derivative of eˣ is eˣ itself, which is `out`",
         lambda g, x, out: [g * x]),
    )),
    "log": OpSpec("Log", ("x",), _unary("Log", "positive"), mistakes=(
        ("ln x (the function) instead of 1/x (its derivative)", lambda g, x, out: [g * out]),
        ("1/x² instead of 1/x: that is the derivative of −1/x, not of ln x",
         lambda g, x, out: [g / x**2, -g / x**2]),
    )),
    "sigmoid": OpSpec("Sigmoid", ("x",), _unary("Sigmoid", "any", "zeros", "large", "huge"),
                      mistakes=(
        ("σ(1 − σ) computed from x instead of from σ(x) = out", lambda g, x, out: [g * x * (1 - x)]),
        ("σ(1 + σ) instead of σ(1 − σ)", lambda g, x, out: [g * out * (1 + out)]),
    ), formula=("formulas.sigmoid_prime", formulas.sigmoid_prime)),
    "tanh": OpSpec("Tanh", ("x",), _unary("Tanh", "any", "zeros", "large"), mistakes=(
        ("1 − x² instead of 1 − tanh²x", lambda g, x, out: [g * (1 - x**2)]),
        ("1 + tanh²x instead of 1 − tanh²x", lambda g, x, out: [g * (1 + out**2)]),
    ), formula=("formulas.tanh_prime", formulas.tanh_prime)),
    "relu": OpSpec("ReLU", ("x",), _unary("ReLU", "any", "zeros"), mistakes=(
        ("g passed everywhere: the slope is 0 where x ≤ 0", lambda g, x, out: [g]),
        ("g passed at x = 0 too (x >= 0): the slope there is 0, as in PyTorch: use x > 0",
         lambda g, x, out: [g * (x >= 0)]),
        ("the mask inverted: g must pass where x > 0 and stop where x ≤ 0",
         lambda g, x, out: [g * (x < 0), g * (x <= 0)]),
        ("g times the output instead of times the slope (0 or 1)", lambda g, x, out: [g * out]),
    ), formula=("formulas.relu_prime", formulas.relu_prime)),
    "sum": OpSpec("Sum", ("x",), (
        *(OpCase("Sum", ((2, 3, 4),), ("any",), {"axis": axis, "keepdims": keepdims})
          for axis, keepdims in ((None, False), (1, False), ((0, 2), False), (0, True),
                                 (-1, False))),
        OpCase("Sum", ((3, 3),), ("any",), {"axis": 1, "keepdims": False}),
        OpCase("Sum", ((),), ("any",), {"axis": None, "keepdims": False}),
    ), mistakes=(
        (("g spread along the wrong axes: give g its summed axes back as size 1 first, "
          "g.reshape(kept_shape(x.shape, self.axis))"), _sum_without_reshape),
    )),
    "sigmoid_bce": OpSpec("SigmoidBCE", ("z",), tuple(
        OpCase("SigmoidBCE", (shape,), (domain,), {"target": target})
        for shape, domain, target in (((2, 3), "any", TARGETS), ((2, 3), "zeros", TARGETS),
                                      ((2, 3), "huge", TARGETS), ((), "any", np.array(1.0)))
    ), mistakes=(
        ("not divided by m: the cost is a mean", lambda g, z, out, target: [
            g * (_sigmoid(z) - target)]),
        ("σ′ left in: the log's derivative cancels it, so ∂C/∂z is (ŷ − y)/m", lambda g, z, out,
         target: [g * (_sigmoid(z) - target) * _sigmoid(z) * (1 - _sigmoid(z)) / z.size]),
    )),
    "mse": OpSpec("MSE", ("p",), tuple(
        OpCase("MSE", (shape,), ("any",), {"target": target})
        for shape, target in (((2, 3), TARGETS * 0.5 - 0.25), ((), np.array(0.5)))
    ), mistakes=(
        ("the factor 2 left out: (p − y)² has slope 2(p − y)", lambda g, p, out, target: [
            g * (p - target) / p.size]),
        ("not divided by m: the error is a mean", lambda g, p, out, target: [
            g * 2 * (p - target)]),
    )),
    "softmax_ce": OpSpec("SoftmaxCrossEntropy", ("z",), tuple(
        OpCase("SoftmaxCrossEntropy", ((3, 4),), (domain,), {"labels": LABELS})
        for domain in ("any", "zeros", "huge")
    ), mistakes=(
        ("not divided by n, the number of rows: the cost is a mean", lambda g, z, out, labels: [
            g * (_softmax(z) - np.eye(z.shape[-1])[labels])]),
        ("divided by every element's count instead of the n rows'", lambda g, z, out, labels: [
            g * (_softmax(z) - np.eye(z.shape[-1])[labels]) / z.size]),
        ("the one-hot left out: softmax(z) minus 1 at each row's label",
         lambda g, z, out, labels: [g * _softmax(z) / len(z)]),
    )),
    "matmul": OpSpec("MatMul", ("A", "B"), (
        OpCase("MatMul", ((3, 3), (3, 3)), ("any", "any")),
        OpCase("MatMul", ((2, 3), (3, 4)), ("any", "zeros")),
        OpCase("MatMul", ((1, 3), (3, 1)), ("any", "any")),
        OpCase("MatMul", ((4, 1), (1, 2)), ("any", "any")),
        OpCase("MatMul", ((2, 2, 3), (2, 3, 4)), ("any", "any")),  # a stack: batched
        OpCase("MatMul", ((3, 2, 3), (3, 2)), ("any", "zeros")),  # one B for the stack
    ), mistakes=(("a transpose on the wrong side: ∂L/∂A = g @ Bᵀ, ∂L/∂B = Aᵀ @ g",
                  _matmul_transposed),)),
}
