"""numerical_grad and gradcheck, and random expressions that must pass gradcheck.

The property tests compose random trees of the elementwise ops over tensors of
random shapes that broadcast together, and check every gradient against central
differences. Inputs that put a relu or abs near its kink are rejected; every
other op in the catalogue is smooth on the whole real line (log and sqrt are
fed t² + 1, exp is fed −t², division is by b² + 1).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from tinygrad_nn import GradcheckError, Tensor, gradcheck, numerical_grad, ops
from tinygrad_nn.tensor import apply, topological_order

# ---- numerical_grad ------------------------------------------------------------


def test_numerical_grad_of_a_cubic():
    """d/dx Σ x³ = 3x²; d/dy Σ x·y = x."""
    x = Tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    y = Tensor([[1.5, 3.0], [-0.5, 1.0]], requires_grad=True)
    grad_x, grad_y = numerical_grad(lambda: (x**3).sum() + (x * y).sum(), x, y)
    np.testing.assert_allclose(grad_x, 3 * x.data**2 + y.data, rtol=1e-8)
    np.testing.assert_allclose(grad_y, x.data, rtol=1e-8)


def test_numerical_grad_restores_the_data():
    original = np.array([0.1, 0.2, 0.3])
    x = Tensor(original.copy(), requires_grad=True)
    numerical_grad(lambda: (x * x).sum(), x)
    np.testing.assert_array_equal(x.data, original)


def test_numerical_grad_refuses_float32():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True, name="x")
    with pytest.raises(TypeError, match="needs float64 tensors; x is float32"):
        numerical_grad(lambda: x.sum(), x)


def test_numerical_grad_needs_a_scalar_function():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("must return one number (a loss); it returned shape (3,)")):
        numerical_grad(lambda: x * 2, x)


# ---- gradcheck --------------------------------------------------------------------


def test_gradcheck_passes_correct_gradients_and_leaves_them_in_grad():
    w = Tensor([[0.5, -1.0, 0.3], [1.2, 0.1, -0.7]], requires_grad=True, name="w")
    x = Tensor([[1.0, 2.0], [-0.5, 0.25]], requires_grad=True, name="x")
    w.grad = np.full(w.shape, 99.0)  # stale: gradcheck must reset it
    assert gradcheck(lambda: (x @ w).tanh().sum(), w, x, atol=1e-9, rtol=1e-7) is True
    a1 = np.tanh(x.data @ w.data)
    np.testing.assert_allclose(w.grad, x.data.T @ (1 - a1**2), rtol=1e-14)


class BrokenSquare(ops.Op):
    """x², with a backward that forgets the factor 2: what gradcheck exists to catch."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g, x, out):
        return (g * self.x,)


def reported_values(error: pytest.ExceptionInfo) -> tuple[float, float]:
    found = re.search(r"autograd (\S+), finite differences (\S+) ", str(error.value))
    return float(found[1]), float(found[2])


def test_gradcheck_names_tensor_index_and_both_values():
    x = Tensor([0.5, 1.0, 1.5], requires_grad=True, name="x")
    with pytest.raises(GradcheckError, match=re.escape("gradient of x (3,) at index (0,)")) as error:
        gradcheck(lambda: apply(BrokenSquare, x).sum(), x)
    autograd, numeric = reported_values(error)
    assert autograd == 0.5
    assert numeric == pytest.approx(1.0, rel=1e-8)


def test_gradcheck_names_an_unnamed_tensor_by_position():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([[0.0, 3.0], [4.0, 5.0]], requires_grad=True)
    with pytest.raises(GradcheckError, match=re.escape("gradient of tensor 1 (2, 2) at index (0, 1)")) as error:
        gradcheck(lambda: a.sum() + apply(BrokenSquare, b).sum(), a, b)
    autograd, numeric = reported_values(error)
    assert autograd == 3.0
    assert numeric == pytest.approx(6.0, rel=1e-8)


def test_gradcheck_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


def test_gradcheck_refuses_a_tensor_without_grad():
    x = Tensor([1.0, 2.0], name="x")
    with pytest.raises(ValueError, match="x has requires_grad=False"):
        gradcheck(lambda: x.sum(), x)


# ---- random expressions --------------------------------------------------------------

# Each op is keyed by how it is written, {} standing for its operands.
UNARY: dict[str, Callable[[Tensor], Tensor]] = {
    "-{}": lambda t: -t,
    "({})²": lambda t: t**2,
    "exp(-({})²)": lambda t: (-(t * t)).exp(),
    "log(({})² + 1)": lambda t: (t * t + 1).log(),
    "sqrt(({})² + 1)": lambda t: (t * t + 1).sqrt(),
    "abs({})": lambda t: t.abs(),
    "sigmoid({})": lambda t: t.sigmoid(),
    "tanh({})": lambda t: t.tanh(),
    "relu({})": lambda t: t.relu(),
}
BINARY: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "({} + {})": lambda a, b: a + b,
    "({} - {})": lambda a, b: a - b,
    "({} * {})": lambda a, b: a * b,
    "{} / (({})² + 1)": lambda a, b: a / (b * b + 1),
}
KINKED = (ops.ReLU, ops.Abs)
LEAVES = 3  # leaves are drawn from a pool of three tensors, so some are used twice

expressions = st.recursive(
    st.integers(0, LEAVES - 1),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.sampled_from(sorted(BINARY)), children, children),
    ),
    max_leaves=8,
)


def evaluate(tree, leaves: list[Tensor]) -> Tensor:
    """A tree is a leaf number, (unary name, child) or (binary name, left, right)."""
    if isinstance(tree, int):
        return leaves[tree]
    if len(tree) == 2:
        return UNARY[tree[0]](evaluate(tree[1], leaves))
    return BINARY[tree[0]](evaluate(tree[1], leaves), evaluate(tree[2], leaves))


def describe(tree) -> str:
    if isinstance(tree, int):
        return f"x{tree}"
    return tree[0].format(*(describe(child) for child in tree[1:]))


def near_a_kink(out: Tensor) -> bool:
    """Some relu or abs in the graph sees an input within 1e-3 of 0."""
    return any(isinstance(t._op, KINKED) and np.abs(t._op.inputs[0].data).min() < 1e-3
               for t in topological_order(out))


@st.composite
def broadcasting_leaves(draw) -> tuple[list[Tensor], np.ndarray]:
    """LEAVES float64 tensors whose shapes broadcast together, and a random weight
    w of the broadcast shape for the loss Σ w·f(leaves)."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=LEAVES, min_dims=0, max_dims=3,
                                                    max_side=4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    leaves = [Tensor(rng.uniform(-1.5, 1.5, shape), requires_grad=True, name=f"x{i}")
              for i, shape in enumerate(shapes.input_shapes)]
    return leaves, rng.normal(size=shapes.result_shape)


@settings(max_examples=100, deadline=None)
@given(tree=expressions, leaves_and_weight=broadcasting_leaves())
def test_random_expressions_pass_gradcheck(tree, leaves_and_weight):
    leaves, weight = leaves_and_weight
    note(f"expression: {describe(tree)}; shapes: {[x.shape for x in leaves]}")
    assume(not near_a_kink(evaluate(tree, leaves) * weight))
    assert gradcheck(lambda: (evaluate(tree, leaves) * weight).sum(), *leaves, atol=1e-8, rtol=1e-5)
