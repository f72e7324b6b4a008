"""The exercises, in the reading guide's order: what each blank asks and its hint.

A blank is one body of the workspace engine that the learner writes. Its task is
stated in the articles' notation (L the loss, g = ∂L/∂out the gradient an op is
handed, out its output) and its hint gives the local derivative and the shapes.
`workspace.py` writes them into the blanked copy; `grading.py` grades them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Blank:
    """One body for the learner to write."""

    name: str  # as `--only` names it and as the workspace's NotImplementedError says it
    exercise: int
    title: str
    task: str
    hint: str


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
)

_SHAPES = ("Each gradient has its input's shape: when numpy broadcast an input, "
           "unbroadcast(grad, a.shape) sums it back (until exercise 5 it only "
           "handles equal shapes, and only those are graded).")

BLANKS = (
    Blank("add", 1, "Add",
          "return (∂L/∂a, ∂L/∂b) for out = a + b, from g = ∂L/∂out.",
          "d(a + b)/da = 1 and d(a + b)/db = 1, so each input receives g itself. " + _SHAPES),
    Blank("mul", 1, "Mul",
          "return (∂L/∂a, ∂L/∂b) for out = a·b (elementwise), from g.",
          "d(a·b)/da = b and d(a·b)/db = a: a receives g·b, b receives g·a. " + _SHAPES),
    Blank("neg", 2, "Neg",
          "return (∂L/∂x,) for out = −x, from g.",
          "d(−x)/dx = −1. A one-input op returns a tuple of one: (gradient,)."),
    Blank("sub", 2, "Sub",
          "return (∂L/∂a, ∂L/∂b) for out = a − b, from g.",
          "d(a − b)/da = 1 and d(a − b)/db = −1. " + _SHAPES),
    Blank("div", 2, "Div",
          "return (∂L/∂a, ∂L/∂b) for out = a / b, from g.",
          "d(a/b)/da = 1/b and d(a/b)/db = −a/b². " + _SHAPES),
    Blank("pow", 2, "Pow",
          "return (∂L/∂x,) for out = xⁿ, from g; n is self.exponent.",
          "d(xⁿ)/dx = n·xⁿ⁻¹. The exponent is a number, not an input: it gets no gradient."),
    Blank("exp", 3, "Exp",
          "return (∂L/∂x,) for out = eˣ, from g.",
          "d(eˣ)/dx = eˣ, which forward already computed: it is `out`."),
    Blank("log", 3, "Log",
          "return (∂L/∂x,) for out = ln x, from g.",
          "d(ln x)/dx = 1/x."),
    Blank("sigmoid", 3, "Sigmoid",
          "return (∂L/∂x,) for out = σ(x) = 1/(1 + e⁻ˣ), from g.",
          "σ'(x) = σ(x)(1 − σ(x)), and σ(x) is `out` (article 001, section 4; "
          "formulas.sigmoid_prime)."),
    Blank("tanh", 3, "Tanh",
          "return (∂L/∂x,) for out = tanh x, from g.",
          "tanh'(x) = 1 − tanh²(x), and tanh x is `out` (formulas.tanh_prime)."),
    Blank("relu", 4, "ReLU",
          "return (∂L/∂x,) for out = max(x, 0), from g.",
          "The slope is 1 where x > 0 and 0 elsewhere (0 at x = 0 itself): g passes where "
          "x > 0 and is stopped elsewhere. numpy: g * (x > 0)."),
    Blank("sum", 5, "Sum",
          "return (∂L/∂x,) for out = Σx over self.axis (every axis if None), "
          "from g, which has out's shape.",
          "dΣx/dxᵢ = 1: every summed element receives g. Give g its summed axes back as "
          "size 1 (g.reshape(kept_shape(x.shape, self.axis))), then spread it over x's "
          "shape (times np.ones_like(x))."),
    Blank("unbroadcast", 5, "unbroadcast",
          "sum `grad` (the output's shape) back to `shape`, the shape of an "
          "input that numpy broadcast.",
          "An input used in many positions receives the sum of their gradients. numpy "
          "broadcasts by adding leading axes and stretching axes of size 1: sum away the "
          "grad.ndim − len(shape) leading axes, then sum with keepdims=True the axes where "
          "shape has 1 and grad does not."),
    Blank("matmul", 6, "MatMul",
          "return (∂L/∂A, ∂L/∂B) for out = A @ B, A (n, k), B (k, m), "
          "from g of shape (n, m).",
          "∂L/∂A = g @ Bᵀ and ∂L/∂B = Aᵀ @ g. Check with the shapes: only one way round "
          "gives (n, k) and (k, m). Article 004 writes dw = (1/m) Xᵀ dz: the same Aᵀ @ g. "
          "return None instead for an input that needs no gradient (need_a, need_b): a "
          "data matrix such as article 004's images."),
    Blank("topological_order", 7, "topological order",
          "list every tensor root was computed from, and root, each "
          "once and after all of its inputs (tensor._op.inputs; a leaf has _op None).",
          "Depth first, with an explicit stack of (tensor, inputs_done) pairs and a set of "
          "visited tensors: push (t, True) and then t's inputs; append t when (t, True) comes "
          "off the stack. Recursion would fail past about 1,000 ops deep."),
    Blank("backward_pass", 8, "backward walk",
          "starting from pending = {root: grad}, visit "
          "reversed(topological_order(root)); yield (tensor, g) for each tensor that has a "
          "pending g, and hand g to the op that made it.",
          "contributions = tensor._op.backward(g, *input arrays, tensor.data) gives one "
          "gradient per input; add each into pending[input] for inputs that require a "
          "gradient. Add, never assign: a tensor used twice (x * x) gets both."),
    Blank("sgd_step", 9, "SGD step",
          "move every parameter p that has a gradient to p − lr·∂L/∂p.",
          "Against the gradient, not along it, and scaled by the learning rate. Change the "
          "values in p.data in place (the model holds the same Tensor p, not a copy), and "
          "skip a parameter whose grad is None."),
)

BY_NAME = {blank.name: blank for blank in BLANKS}
