"""The exercises, in the reading guide's order: what each blank asks and its hint.

A blank is one body of the workspace engine that the learner writes. Its task is
stated in the articles' notation (L the loss, g = ∂L/∂out the gradient an op is
handed, out its output). Its hints come in levels: the idea (in the workspace's
comment), then the formula with the section that derives it, then the code.
`workspace.py` writes them into the blanked copy; the `*_checks.py` files grade them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Blank:
    """One body for the learner to write."""

    name: str  # as `--only` names it and as the workspace's NotImplementedError says it
    exercise: int
    title: str
    task: str
    idea: str  # the first hint, in the workspace's comment
    formula: str  # the second: the derivative, in the articles' notation
    derived: str  # where the docs derive it (the third hint is the reference's own code)


@dataclass(frozen=True)
class Exercise:
    """A step of the course: one or more blanks, graded together in this order."""

    number: int
    title: str
    blanks: tuple[str, ...]


EXERCISES = (
    Exercise(1, "Add and Mul", ("add", "mul")),
    Exercise(2, "Neg, Sub, Div and Pow", ("neg", "sub", "div", "pow")),
    Exercise(3, "Exp, Log, Sigmoid and Tanh", ("exp", "log", "sigmoid", "tanh")),
    Exercise(4, "ReLU", ("relu",)),
    Exercise(5, "Sum and unbroadcast", ("sum", "unbroadcast")),
    Exercise(6, "MatMul", ("matmul",)),
    Exercise(7, "The topological order", ("topological_order",)),
    Exercise(8, "The backward walk", ("backward_pass",)),
    Exercise(9, "The SGD step", ("sgd_step",)),
    Exercise(10, "Capstone", ()),
    Exercise(11, "Sigmoid and cross-entropy, fused", ("sigmoid_bce",)),
    Exercise(12, "Mean squared error", ("mse",)),
    Exercise(13, "Softmax and cross-entropy, fused", ("softmax_ce",)),
    Exercise(14, "The Adam step", ("adam_step",)),
    Exercise(15, "The stable softmax forward", ("log_softmax",)),
)

_SHAPES = ("Each gradient has its input's shape: when numpy broadcast an input, "
           "unbroadcast(grad, a.shape) sums it back (until exercise 5 it only "
           "handles equal shapes, and only those are graded).")
_NEW = "Return new arrays: g and the inputs are shared, so never write into them."

# Where the math is derived, as docs/exercises.md's table links it.
READING_2 = "docs/reading_the_engine.md#2-one-op-mul"
READING_3 = "docs/reading_the_engine.md#3-an-order-to-walk-in-topological_order"
READING_4 = "docs/reading_the_engine.md#4-the-walk-backward_pass"
READING_9 = "docs/reading_the_engine.md#9-learning-sgdstep"
ARTICLE_000_2 = "docs/article_000_playground.md#2-backpropagation-derived"
ARTICLE_001_4 = "docs/article_001_twelve_points.md#4-backpropagation-derived-by-hand"
ARTICLE_002_6 = "docs/article_002_visual_intro.md#6-deeper-4-4-2-networks-sigmoid-against-relu"
ARTICLE_003_1 = "docs/article_003_house_prices.md#1-one-neuron-price-w-area"
ARTICLE_003_3 = "docs/article_003_house_prices.md#3-gradient-descent"
ARTICLE_003_5 = "docs/article_003_house_prices.md#5-softmax"
ARTICLE_004_4 = "docs/article_004_cat.md#4-backward-the-gradient-derived"

BLANKS = (
    Blank("add", 1, "Add",
          "return (∂L/∂a, ∂L/∂b) for out = a + b, from g = ∂L/∂out.",
          "Each input moves the output one for one, so each receives g as it is. " + _SHAPES,
          "∂L/∂a = g·∂(a + b)/∂a = g·1 and ∂L/∂b = g·1.", READING_2),
    Blank("mul", 1, "Mul",
          "return (∂L/∂a, ∂L/∂b) for out = a·b (elementwise), from g.",
          "Nudge a and the output moves by b times the nudge; nudge b and it moves by a times "
          "it: each input's slope is the other input. " + _SHAPES,
          "d(a·b)/da = b and d(a·b)/db = a, so ∂L/∂a = g·b and ∂L/∂b = g·a.", READING_2),
    Blank("neg", 2, "Neg",
          "return (∂L/∂x,) for out = −x, from g.",
          "Negating flips the sign of every change. A one-input op returns a tuple of one: "
          "(gradient,).",
          "d(−x)/dx = −1, so ∂L/∂x = −g.", READING_2),
    Blank("sub", 2, "Sub",
          "return (∂L/∂a, ∂L/∂b) for out = a − b, from g.",
          "a moves the output up one for one, b moves it down one for one. " + _SHAPES,
          "d(a − b)/da = 1 and d(a − b)/db = −1, so ∂L/∂a = g and ∂L/∂b = −g (article 003 "
          "differentiates the error y_ − y the same way).", ARTICLE_003_1),
    Blank("div", 2, "Div",
          "return (∂L/∂a, ∂L/∂b) for out = a / b, from g.",
          "a/b is a times 1/b: a's slope is 1/b; b's is the slope of 1/b, which is negative "
          "and falls off as b squared. " + _SHAPES,
          "d(a/b)/da = 1/b and d(a/b)/db = −a/b², so ∂L/∂a = g/b and ∂L/∂b = −g·a/b².",
          READING_2),
    Blank("pow", 2, "Pow",
          "return (∂L/∂x,) for out = xⁿ, from g; n is self.exponent.",
          "The power rule: bring the exponent down in front and lower it by one. The exponent "
          "is a number, not an input: it gets no gradient. " + _NEW,
          "d(xⁿ)/dx = n·xⁿ⁻¹, so ∂L/∂x = g·n·xⁿ⁻¹ (article 003: d(e²)/de = 2e).",
          ARTICLE_003_1),
    Blank("exp", 3, "Exp",
          "return (∂L/∂x,) for out = eˣ, from g.",
          "eˣ is its own derivative, and forward has already computed it.",
          "d(eˣ)/dx = eˣ = out, so ∂L/∂x = g·out.", ARTICLE_001_4),
    Blank("log", 3, "Log",
          "return (∂L/∂x,) for out = ln x, from g.",
          "ln grows ever more slowly: its slope at x is one over x.",
          "d(ln x)/dx = 1/x, so ∂L/∂x = g/x (article 004: log and σ′ cancel in the cost's "
          "gradient).", ARTICLE_004_4),
    Blank("sigmoid", 3, "Sigmoid",
          "return (∂L/∂x,) for out = σ(x) = 1/(1 + e⁻ˣ), from g.",
          "σ's slope can be written with σ itself, and σ(x) is `out`, which forward computed "
          "without overflow (computed again from x, e⁻ˣ overflows for x far below 0).",
          "σ′(x) = σ(x)(1 − σ(x)), so ∂L/∂x = g·out·(1 − out) (article 001, section 4; "
          "formulas.sigmoid_prime).", ARTICLE_001_4),
    Blank("tanh", 3, "Tanh",
          "return (∂L/∂x,) for out = tanh x, from g.",
          "Like σ's, tanh's slope can be written with tanh itself, which is `out`.",
          "tanh′(x) = 1 − tanh²(x), so ∂L/∂x = g·(1 − out²) (article 000, section 2; "
          "formulas.tanh_prime).", ARTICLE_000_2),
    Blank("relu", 4, "ReLU",
          "return (∂L/∂x,) for out = max(x, 0), from g.",
          "Where x > 0 the output is x (slope 1); elsewhere it is 0 (slope 0), and at x = 0 "
          "itself the slope is taken as 0, as in PyTorch. " + _NEW,
          "relu′(x) = 1 where x > 0, else 0, so ∂L/∂x = g·relu′(x) (article 002, section 6; "
          "formulas.relu_prime).", ARTICLE_002_6),
    Blank("sum", 5, "Sum",
          "return (∂L/∂x,) for out = Σx over self.axis (every axis if None), "
          "from g, which has out's shape.",
          "Every summed element moves the sum one for one, so each receives the g of the sum "
          "it went into. g has lost the summed axes: give them back before spreading it.",
          "∂L/∂xᵢ = g of xᵢ's sum: g with its summed axes as size 1, g.reshape(kept_shape("
          "x.shape, self.axis)), spread over x's shape (article 004: db = (1/m) Σ dz).",
          READING_2),
    Blank("unbroadcast", 5, "unbroadcast",
          "sum `grad` (the output's shape) back to `shape`, the shape of an "
          "input that numpy broadcast.",
          "numpy used the input in many positions of the output, and an input used in many "
          "places receives the sum of their gradients. numpy broadcasts by adding leading "
          "axes and stretching axes of size 1: undo both, by sums.",
          "Sum away the grad.ndim − len(shape) leading axes; then sum, with keepdims=True, "
          "the axes where shape has 1 and grad does not.", READING_2),
    Blank("matmul", 6, "MatMul",
          "return (∂L/∂A, ∂L/∂B) for out = A @ B, A (n, k), B (k, m), "
          "from g of shape (n, m); or for stacks of matrices, A (…, n, k) and B (…, k, m), "
          "whose batch axes broadcast as numpy's @ does.",
          "Each entry of out is a row of A times a column of B. The shapes decide: A's "
          "gradient is (n, k) and B's (k, m), each from g (n, m) and the other matrix, one of "
          "them transposed. A stack is many products side by side: transpose each matrix, "
          "not the stack, and when one B served the whole stack, its gradient is the sum "
          "over the stack. Return None instead for an input that needs no gradient "
          "(need_a, need_b): a data matrix such as article 004's images.",
          "∂L/∂A = g·Bᵀ and ∂L/∂B = Aᵀ·g (article 004: dw = (1/m) Xᵀ dz, the same Aᵀ·g), "
          "Bᵀ swapping the last two axes only (np.swapaxes(b, -1, -2)), each summed back "
          "to its input's shape by unbroadcast.",
          ARTICLE_004_4),
    Blank("topological_order", 7, "topological order",
          "list every tensor root was computed from, and root, each "
          "once and after all of its inputs (tensor._op.inputs; a leaf has _op None).",
          "Depth first, listing a tensor when you come back to it, its inputs done. Use an "
          "explicit stack, not recursion (Python stops at about 1,000 nested calls), and a "
          "set of visited tensors.",
          "Push (root, False). Pop (t, inputs_done): when inputs_done, append t; else, unless "
          "t was visited, mark it, push (t, True), then (p, False) for each input p.",
          READING_3),
    Blank("backward_pass", 8, "backward walk",
          "starting from pending = {root: grad}, visit "
          "reversed(topological_order(root)); yield (tensor, g) for each tensor that has a "
          "pending g, and hand g to the op that made it.",
          "Walk from the root back to the leaves, so that a tensor's g is complete (every "
          "tensor computed from it already visited) when you hand it on. A tensor used twice "
          "gets two contributions: add them, into a new array (one op may hand the same "
          "array to two inputs).",
          "For each t: g = pending.pop(t, None); yield t, g; contributions = "
          "t._op.backward(g, *input arrays, t.data); pending[p] = pending[p] + contribution "
          "for each input p that requires a gradient.", READING_4),
    Blank("sgd_step", 9, "SGD step",
          "move every parameter p that has a gradient to p − lr·∂L/∂p.",
          "Step against the gradient, downhill, by a small multiple of it, and change the "
          "parameter itself: the model holds the same Tensor p, not a copy. Skip a parameter "
          "whose grad is None.",
          "p ← p − lr·∂L/∂p (articles 003 and 004).", ARTICLE_003_3),
    Blank("sigmoid_bce", 11, "sigmoid + BCE",
          "return (∂C/∂z,) for C = the mean over m elements of the binary cross-entropy "
          "of ŷ = σ(z) against self.target (0 or 1), from g.",
          "Chain the two derivatives by hand and watch them cancel: the log's 1/ŷ and "
          "1/(1 − ŷ) meet σ′ = ŷ(1 − ŷ). The mean divides by m. σ recomputed from z must "
          "not overflow for z far below 0.",
          "∂C/∂z = (ŷ − y)/m, ŷ = σ(z) (articles 001 and 004: dz = a − y).", ARTICLE_004_4),
    Blank("mse", 12, "mean squared error",
          "return (∂E/∂p,) for E = the mean over m elements of (p − self.target)², from g.",
          "A square's slope is twice what is squared, and the mean divides by m.",
          "∂E/∂p = 2(p − y)/m (article 003: ∂E/∂w = −(2/m) Σ x(y_ − y)).", ARTICLE_003_1),
    Blank("softmax_ce", 13, "softmax + cross-entropy",
          "return (∂C/∂z,) for C = the mean over the n rows of z of −log softmax(z)[label], "
          "the labels in self.labels, from g.",
          "Each row's gradient is its softmax, less 1 at the row's label: the probability "
          "it gave minus the one it should have given. The mean divides by the n rows. "
          "Subtract each row's max before e^z, or large z overflows.",
          "∂C/∂zᵢⱼ = (softmax(zᵢ)ⱼ − [j = labelᵢ])/n (article 003, section 5).",
          ARTICLE_003_5),
    Blank("adam_step", 14, "Adam step",
          "count the step in self.t, then move every parameter p that has a gradient g by "
          "Adam's rule, keeping its running means in self.m and self.v (same order as "
          "self.params).",
          "Keep two running averages per parameter, of g and of g², and step by the first "
          "over the root of the second: each parameter gets a step of about lr, whatever "
          "its gradient's scale. Both averages start at 0, so early on they are too small: "
          "divide each by 1 − βᵗ. Count the step before correcting (t = 1 first).",
          "m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ); "
          "p ← p − lr·m̂/(√v̂ + ε), ε outside the root.", READING_9),
    Blank("log_softmax", 15, "log-softmax forward",
          "return log softmax(z) over each row of z (its last axis): z − log Σ e^z, for "
          "any z, without overflow. This time you write a forward; its backward is given.",
          "e^z overflows once z passes about 709, and a row far below another underflows to "
          "log 0. Subtracting a number from a whole row changes no softmax: subtract each "
          "row's own largest value first, and every e^(z − max) is between 0 and 1, one of "
          "them exactly 1. Sum each row, keeping the axis so that it lines up with its row.",
          "log softmax(z)ᵢⱼ = zᵢⱼ − mᵢ − log Σₖ e^(zᵢₖ − mᵢ), mᵢ = maxₖ zᵢₖ (the log-sum-exp "
          "trick; article 003, section 5).", ARTICLE_003_5),
)

BY_NAME = {blank.name: blank for blank in BLANKS}


def plain(name: str) -> str:
    """A name as the command line compares it: lower case, words joined by underscores,
    so that "Mul", "topological order" and "topological_order" all match."""
    return re.sub(r"[\s_:-]+", "_", name.strip().lower())


def blank_named(name: str) -> Blank:
    """The blank a learner names, by its name or its title, in any case."""
    found = [b for b in BLANKS if plain(name) in (b.name, plain(b.title))]
    if not found:
        raise ValueError(f"no exercise is called {name!r}; choose one of "
                         f"{', '.join(b.name for b in BLANKS)}")
    return found[0]
