"""The backward walk's checks: fan-out, one g shared by two inputs, a constant, the
data left unchanged, a deep chain, and three articles against their hand-derived
gradients (`formulas.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_nn import datasets, formulas
from tinygrad_nn.exercises import articles
from tinygrad_nn.exercises.grading import EPS, Grader, Wrong, compare
from tinygrad_nn.exercises.graphs import (
    DEEP,
    built,
    describe,
    graph_chain,
    graph_diamond,
    graph_fan_out,
    graph_shared_g,
    on_graph,
)
from tinygrad_nn.gradcheck import central_difference


def learner_gradient(tensor: Any, what: str, made: list[Any] = ()) -> np.ndarray:
    """A leaf's .grad after backward(), or Wrong saying that none came (and, when only
    the root of `made` got one, that the walk went forwards)."""
    if tensor.grad is None:
        forwards = made and made[-1].grad is not None and all(t.grad is None for t in made[:-1])
        raise Wrong(f"{what} is None after backward()",
                    "the graph walked forwards: walk reversed(topological_order(root)), so that "
                    "the root, which holds the first g, comes first" if forwards else
                    "a tensor not yielded: yield every tensor that has a pending gradient",
                    node=describe(tensor))
    return np.asarray(tensor.grad, dtype=float)


def numerical_leaf_gradient(build: Callable[[], list[Any]], leaf: Any) -> np.ndarray:
    """∂root/∂leaf by central differences, the graph rebuilt (forward only) each time."""
    grad = np.zeros(leaf.data.shape)
    for index in np.ndindex(grad.shape):
        grad[index] = central_difference(lambda: float(build()[-1].data), leaf, index, EPS)
    return grad


OVERWRITTEN = "a contribution overwritten instead of added: pending[input] + contribution"
ADDED_IN_PLACE = ("a contribution added in place (pending[input] += contribution): that array "
                  "is also another tensor's gradient (Add hands the same g to both inputs), "
                  "which the += changes too; write pending[input] = pending[input] + contribution")


def backward_leaving_data(made: list[Any]) -> None:
    """made[-1].backward(), which must leave every tensor's data as it was."""
    before = [np.array(t.data, copy=True) for t in made]
    made[-1].backward()
    for tensor, old in zip(made, before):
        if not np.array_equal(np.asarray(tensor.data), old):
            raise Wrong(f"backward() changed {describe(tensor)}.data",
                        "a write into an array the walk handed on: the tensors' data must be "
                        "left as it was; compute new arrays", node=describe(tensor))


def grade_backward_pass(grader: Grader) -> str:
    """Fan-out (x·x + x at x = 3: 2x + 1 = 7; overwriting gives 1, 3 or 4), one g shared
    by two inputs, a diamond with a constant, a deep chain, and the articles' formulas."""
    T = grader.engine.tensor.Tensor
    made = built(graph_fan_out, T)
    with on_graph(graph_fan_out, "x"):
        backward_leaving_data(made)
        compare(learner_gradient(made[0], "∂loss/∂x", made), np.array(7.0),
                "∂loss/∂x of x·x + x at x = 3",
                [(OVERWRITTEN, [np.array(1.0), np.array(3.0), np.array(4.0)]),
                 ("a sign flipped", np.array(-7.0))])
    made = built(graph_shared_g, T)
    x, z = made[0], made[1]
    with on_graph(graph_shared_g, "x"):
        backward_leaving_data(made)
        compare(learner_gradient(x, "∂loss/∂x", made), np.ones(2), "∂loss/∂x of Σ (x + z) + z",
                [(ADDED_IN_PLACE, 2 * np.ones(2))])
    with on_graph(graph_shared_g, "z"):
        compare(learner_gradient(z, "∂loss/∂z", made), 2 * np.ones(2),
                "∂loss/∂z of Σ (x + z) + z", [(OVERWRITTEN, np.ones(2))])
    made = built(graph_diamond, T)
    x, c = made[0], made[1]
    with on_graph(graph_diamond, "x"):
        backward_leaving_data(made)
        expected = numerical_leaf_gradient(lambda: graph_diamond(T, x), x)
        compare(learner_gradient(x, "∂loss/∂x", made), expected, "∂loss/∂x of the diamond")
    if c.grad is not None:
        raise Wrong("the constant c (requires_grad=False) has a gradient",
                    "gradients handed to tensors that need none: skip inputs that do not "
                    "require a gradient", node="c", graph=graph_diamond.__name__)
    if made[2].grad is None:
        raise Wrong("the intermediate a = eˣ has no .grad after backward()",
                    "only leaves yielded: yield every tensor that requires a gradient",
                    node="a", graph=graph_diamond.__name__)
    chain = built(graph_chain, T)
    chain[-1].backward()
    compare(learner_gradient(chain[0], "∂t/∂x", chain), np.array(0.9999**DEEP),
            f"∂t/∂x through a chain of {DEEP:,} ops")
    check_formulas(T)
    return "agrees with formulas.py on articles 001, 003 and 004 too"


def check_formulas(T: type) -> None:
    """The walk on articles 001, 003 and 004 against their hand-derived gradients."""
    rng = np.random.RandomState(3)
    X, y = datasets.twelve_points()
    y = y.astype(float)
    w1, b1, w2, b2 = articles.parameters_001(T, rng)
    (articles.cross_entropy(articles.network_001(T(X), w1, b1, w2, b2), y) * (1.0 / len(X))
     ).backward()
    hand = formulas.sigmoid_network_gradients(X, y, w1.data, b1.data, w2.data, b2.data[0])
    for tensor, key in ((w1, "d_w1"), (b1, "d_b1"), (w2, "d_w2"), (b2, "d_b2")):
        compare(learner_gradient(tensor, f"∂C/∂{tensor.name}"), np.reshape(hand[key], tensor.shape),
                f"∂C/∂{tensor.name} (article 001, formulas.sigmoid_network_gradients)")
    X, y_ = rng.uniform(-1, 1, (6, 3)), rng.uniform(-1, 1, 6)
    w, b = T(rng.uniform(-1, 1, (3, 1)), requires_grad=True), T([0.5], requires_grad=True)
    articles.squared_error_003(T(X), w, b, y_[:, None]).backward()
    dw, db = formulas.linear_regression_gradients(X, y_, w.data[:, 0], 0.5)
    compare(learner_gradient(w, "∂E/∂w")[:, 0], dw, "∂E/∂w (article 003, formulas.linear_regression_gradients)")
    compare(learner_gradient(b, "∂E/∂b"), np.array([db]), "∂E/∂b (article 003)")
    X, y = rng.uniform(0, 1, (6, 4)), rng.randint(0, 2, (6, 1)).astype(float)
    w, b = T(rng.normal(0, 0.5, (4, 1)), requires_grad=True), T([0.1], requires_grad=True)
    (articles.cross_entropy(articles.neuron_004(T(X), w, b), y) * (1.0 / len(X))).backward()
    hand = formulas.logistic_regression_gradients(X, y, w.data, 0.1)
    compare(learner_gradient(w, "∂C/∂w"), hand["dw"], "∂C/∂w (article 004, formulas.logistic_regression_gradients)")
    compare(learner_gradient(b, "∂C/∂b"), np.array([hand["db"]]), "∂C/∂b (article 004)")
