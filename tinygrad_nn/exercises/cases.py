"""What each op blank is graded on: small inputs, first of equal shapes, then of
shapes that broadcast, away from kinks and domain edges, and the mistakes each op
is known for, as the gradients they would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tinygrad_nn import formulas

# An input's values: any (in [−2, 2]), positive ([0.5, 2]), nonzero (±[0.5, 2]),
# off_kink (±[0.1, 2], so that relu's slope is the same on both sides of a nudge).
DOMAINS = {
    "any": lambda rng, shape: rng.uniform(-2.0, 2.0, shape),
    "positive": lambda rng, shape: rng.uniform(0.5, 2.0, shape),
    "nonzero": lambda rng, shape: rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape),
    "off_kink": lambda rng, shape: rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape),
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
        """Whether numpy broadcasts the inputs (so unbroadcast must sum back)."""
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
    """Equal shapes, a row broadcast over rows, a column against a row."""
    return (OpCase(op, ((2, 3), (2, 3)), ("any", second)),
            OpCase(op, ((2, 3), (3,)), ("any", second)),
            OpCase(op, ((3, 1), (1, 4)), ("any", second)))


def _unary(op: str, domain: str = "any", **attrs: Any) -> OpCase:
    return OpCase(op, ((2, 3),), (domain,), attrs)


def _products_other_than(right: np.ndarray, g: np.ndarray, m: np.ndarray) -> list[np.ndarray]:
    """Every product of g or gᵀ with m or mᵀ, either way round, that is not `right`."""
    found = []
    for left in (g, g.T):
        for other in (m, m.T):
            for first, second in ((left, other), (other, left)):
                if first.shape[-1] == second.shape[0]:
                    product = first @ second
                    if product.shape != right.shape or not np.allclose(product, right):
                        found.append(product)
    return found


def _matmul_transposed(g, a, b, out) -> list[list[np.ndarray]]:
    """What a transpose on the wrong side gives: any product of g with B (for A) or
    with A (for B), transposed or not, other than g @ Bᵀ and Aᵀ @ g."""
    return [_products_other_than(g @ b.T, g, b), _products_other_than(a.T @ g, g, a)]


SPECS = {
    "add": OpSpec("Add", ("a", "b"), _binary("Add")),
    "mul": OpSpec("Mul", ("a", "b"), _binary("Mul")),
    "sub": OpSpec("Sub", ("a", "b"), _binary("Sub")),
    "div": OpSpec("Div", ("a", "b"), _binary("Div", "nonzero"), mistakes=(
        ("−a/b instead of −a/b² for b", lambda g, a, b, out: [None, -g * a / b]),
    )),
    "neg": OpSpec("Neg", ("x",), (_unary("Neg"),)),
    "pow": OpSpec("Pow", ("x",), (_unary("Pow", exponent=3.0),
                                  _unary("Pow", "positive", exponent=-1.5),
                                  _unary("Pow", "positive", exponent=0.5)), mistakes=(
        ("the exponent not lowered: n·xⁿ instead of n·xⁿ⁻¹",
         lambda g, x, out, exponent: [g * exponent * x**exponent]),
        ("the factor n left out: xⁿ⁻¹ instead of n·xⁿ⁻¹",
         lambda g, x, out, exponent: [g * x ** (exponent - 1)]),
    )),
    "exp": OpSpec("Exp", ("x",), (_unary("Exp"),)),
    "log": OpSpec("Log", ("x",), (_unary("Log", "positive"),), mistakes=(
        ("ln x (the function) instead of 1/x (its derivative)", lambda g, x, out: [g * out]),
    )),
    "sigmoid": OpSpec("Sigmoid", ("x",), (_unary("Sigmoid"),), mistakes=(
        ("σ(1 − σ) computed from x instead of from σ(x) = out", lambda g, x, out: [g * x * (1 - x)]),
    ), formula=("formulas.sigmoid_prime", formulas.sigmoid_prime)),
    "tanh": OpSpec("Tanh", ("x",), (_unary("Tanh"),), mistakes=(
        ("1 − x² instead of 1 − tanh²x", lambda g, x, out: [g * (1 - x**2)]),
    ), formula=("formulas.tanh_prime", formulas.tanh_prime)),
    "relu": OpSpec("ReLU", ("x",), (_unary("ReLU", "off_kink"),), mistakes=(
        ("g passed everywhere: the slope is 0 where x ≤ 0", lambda g, x, out: [g]),
        ("g times the output instead of times the slope (0 or 1)", lambda g, x, out: [g * out]),
    ), formula=("formulas.relu_prime", formulas.relu_prime)),
    "sum": OpSpec("Sum", ("x",), tuple(
        OpCase("Sum", ((2, 3, 4),), ("any",), {"axis": axis, "keepdims": keepdims})
        for axis, keepdims in ((None, False), (1, False), ((0, 2), False), (0, True))
    )),
    "matmul": OpSpec("MatMul", ("A", "B"), (
        OpCase("MatMul", ((3, 3), (3, 3)), ("any", "any")),
        OpCase("MatMul", ((2, 3), (3, 4)), ("any", "any")),
    ), mistakes=(("a transpose on the wrong side: ∂L/∂A = g @ Bᵀ, ∂L/∂B = Aᵀ @ g",
                  _matmul_transposed),)),
}
