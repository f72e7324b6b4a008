"""`check`: grade the learner's engine blank by blank, in the exercises' order.

Each row is run on the learner's code only: an op's backward called directly (so
that ops are graded before the walk exists) against central differences of its
own forward, with an upstream gradient g that is not all ones; the topological
order and the walk on graphs with fan-out, constants and a deep chain; the walk
against the articles' hand-derived gradients (`formulas.py`); the SGD step; and the
capstone. A failure names the first wrong element and, when the numbers match a
known mistake, that mistake.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from tinygrad_nn import datasets, formulas
from tinygrad_nn.exercises import articles
from tinygrad_nn.exercises.cases import SPECS, OpCase, OpSpec
from tinygrad_nn.exercises.loading import Engine, where
from tinygrad_nn.gradcheck import central_difference

PASSED, FAILED, NOT_DONE, BLOCKED, SKIPPED = (
    "passed", "failed", "not done yet", "blocked", "skipped")
EPS, RTOL, ATOL = 1e-6, 1e-5, 1e-7
DEEP = 10_000  # ops in the deep chain: ten times Python's recursion limit


class Wrong(Exception):
    """A graded answer is wrong: what (the first wrong element), and the likely mistake;
    for an op, the case it failed on; for the order and the walk, the graph (the name of
    the function that builds it) and the node where it goes wrong."""

    def __init__(self, detail: str, mistake: str = "", case: tuple[OpCase, int] | None = None,
                 node: str = "", graph: str = ""):
        super().__init__(detail)
        self.detail, self.mistake, self.case = detail, mistake, case
        self.node, self.graph = node, graph


class RaisedIn(Exception):
    """The learner's op raised while a case was graded: the error, and the case, so that
    the failure can be drawn on it."""

    def __init__(self, error: Exception, case: tuple[OpCase, int]):
        super().__init__(str(error))
        self.error, self.case = error, case


class Blocked(Exception):
    """A row cannot be graded because another blank's code fails under it."""

    def __init__(self, blank: str, why: str):
        super().__init__(why)
        self.blank, self.why = blank, why


class Skipped(Exception):
    """A row that cannot run here (the cat/non-cat files are missing)."""


@dataclass(frozen=True)
class Row:
    """One line of the table: a blank, or half of the capstone. `needs`: the rows that
    must pass first; `after`: rows graded first whose result this one reads (the ops
    wait for unbroadcast to add the shapes that broadcast); `time_factor` times the time
    limit it is given."""

    name: str
    exercise: int
    title: str
    needs: tuple[str, ...]
    grade: Callable[[Grader], str]  # returns a note; raises Wrong or Skipped
    after: tuple[str, ...] = ()
    time_factor: int = 1


@dataclass(frozen=True)
class Result:
    """How a row went. `case` is the op call that failed (with its seed), for a stepper;
    `first_to_do` the row to work on first when this one is blocked; `output` what the
    learner's code printed while it was graded; `graph` (the graph's builder, the node)
    where the order or the walk goes wrong, for a picture."""

    row: Row
    status: str
    detail: str = ""
    mistake: str = ""
    case: tuple[OpCase, int] | None = None
    first_to_do: Row | None = None
    output: str = ""
    graph: tuple[str, str] | None = None


class Grader:
    """Grades one row on the learner's engine (in a process of its own): the rows it
    reads were graded before, and `passed_rows` says which of them passed."""

    def __init__(self, engine: Engine, rows: dict[str, Row], passed_rows: Collection[str] = (),
                 seed: int = 0):
        self.engine = engine
        self.rows = rows
        self.passed_rows = set(passed_rows)
        self.seed = seed  # the run's: every random case is drawn from it

    def label(self, name: str) -> str:
        """A row as other rows name it: "Mul (1)"."""
        return label(self.rows[name])

    def passed(self, name: str) -> bool:
        """Whether a row this one reads passed."""
        return name in self.passed_rows

    def grade(self, row: Row) -> Result:
        """The row graded: its note, or what went wrong, as a Result."""
        try:
            with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
                return Result(row, PASSED, row.grade(self))
        except Wrong as wrong:
            return Result(row, FAILED, wrong.detail, wrong.mistake, wrong.case,
                          graph=(wrong.graph, wrong.node) if wrong.graph else None)
        except Skipped as why:
            return Result(row, SKIPPED, str(why))
        except Blocked as blocked:
            return Result(row, BLOCKED, f"by {self.label(blocked.blank)}: its forward raised "
                          f"{blocked.why}", first_to_do=self.rows[blocked.blank])
        except NotImplementedError as error:
            blank = re.match(r"exercise (\w+):", str(error))
            if blank and blank[1] in self.rows and blank[1] != row.name:
                return Result(row, BLOCKED, f"by {self.label(blank[1])}",
                              first_to_do=self.rows[blank[1]])
            return Result(row, NOT_DONE, where(error, self.engine.folder))
        except RecursionError as error:
            return Result(row, FAILED, where(error, self.engine.folder),
                          "recursion: Python allows about 1,000 nested calls; walk the graph "
                          "with an explicit stack")
        except RaisedIn as raised:
            return Result(row, FAILED, where(raised.error, self.engine.folder),
                          _guess(row, raised.error, raised.case[0]), raised.case)
        except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
            return Result(row, FAILED, where(error, self.engine.folder), _guess(row, error))


def label(row: Row) -> str:
    """A row as other rows name it: "Mul (1)"."""
    return f"{row.title} ({row.exercise})"


STACK_TRANSPOSED = ("on a stack of matrices, .T reverses every axis, the batch axes too: swap "
                    "the last two only, np.swapaxes(b, -1, -2)")


def _guess(row: Row, error: Exception, case: OpCase | None = None) -> str:
    """What an exception usually means in this row (and this case, when an op's)."""
    if row.name == "matmul" and isinstance(error, ValueError):
        if case is not None and any(len(shape) > 2 for shape in case.shapes):
            return STACK_TRANSPOSED
        return "a transpose on the wrong side: only g @ Bᵀ and Aᵀ @ g have A's and B's shapes"
    if row.name == "sum" and isinstance(error, ValueError):
        return ("g not given its summed axes back: reshape it to kept_shape(x.shape, self.axis) "
                "before spreading it over x's shape")
    if row.name in ("sigmoid", "exp", "tanh", "sigmoid_bce", "softmax_ce") and isinstance(
            error, FloatingPointError):
        return (f"{row.title} recomputed from x, which overflows for large |x| (the grader "
                "tries x up to ±1000, as the engine's tests do): use out, which forward "
                "computed without overflow")
    if row.name == "adam_step" and isinstance(error, FloatingPointError):
        return ("the bias correction at t = 0 divides by 1 − β⁰ = 0: count the step (t += 1) "
                "before correcting")
    if isinstance(error, FloatingPointError):
        return "a division by zero or an overflow: a derivative written from the wrong values"
    return ""


# ---- comparing arrays ----------------------------------------------------------


def number(value: float) -> str:
    """A value in a message: six significant digits."""
    return f"{value:.6g}"


def first_wrong(got: np.ndarray, expected: np.ndarray) -> tuple[int, ...] | None:
    """The index of the first element that differs, or None when all agree."""
    wrong = ~np.isclose(got, expected, rtol=RTOL, atol=ATOL)
    return tuple(int(i) for i in np.argwhere(wrong)[0]) if wrong.any() else None


def agrees(got: Any, expected: np.ndarray) -> bool:
    """Same shape and the same values, to the grading tolerance."""
    got = np.asarray(got, dtype=float)
    return got.shape == expected.shape and first_wrong(got, expected) is None


def as_gradient(got: Any, what: str) -> np.ndarray:
    """A returned gradient as a float array, or Wrong saying what came back instead."""
    if got is None:
        raise Wrong(f"{what} is None", "nothing returned for an input that needs a gradient")
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} is {type(got).__name__}, not an array") from None


def compare(got: np.ndarray, expected: np.ndarray, what: str,
            mistakes: Iterable[tuple[str, Any]] = (), after: str = "",
            where: Callable[[tuple[int, ...]], str] | None = None) -> None:
    """Raise Wrong unless got equals expected, naming the first wrong element of `what`
    (then `after`, e.g. "after the step", and `where(index)`, the values there); the
    mistake is the first of `mistakes` (name, the array or arrays it would give) that
    reproduces got."""
    if got.shape != expected.shape:
        raise Wrong(f"{what} has shape {got.shape}; it must have shape {expected.shape}")
    index = first_wrong(got, expected)
    if index is None:
        return
    at = (f"{what}[{', '.join(map(str, index))}]" if index else what) + after
    if where is not None:
        at += f" where {where(index)}"
    detail = f"{at}: expected {number(expected[index])}, got {number(got[index])}"
    for name, predicted in mistakes:
        candidates = predicted if isinstance(predicted, list) else [predicted]
        if any(c is not None and agrees(got, np.asarray(c, dtype=float)) for c in candidates):
            raise Wrong(detail, name)
    raise Wrong(detail)


# ---- ops -----------------------------------------------------------------------


def numerical_gradient(op_class: type, arrays: list[np.ndarray], attrs: dict, g: np.ndarray,
                       i: int) -> np.ndarray:
    """∂/∂arrays[i] of Σ g·forward(arrays), by central differences of the learner's
    forward: what backward must give for input i."""
    held = SimpleNamespace(data=arrays[i].copy())
    operands = list(arrays)
    operands[i] = held.data

    def value() -> float:
        return float(np.sum(op_class().forward(*operands, **attrs) * g))

    grad = np.zeros(held.data.shape)
    for index in np.ndindex(grad.shape):
        grad[index] = central_difference(value, held, index, EPS)
    return grad


def read_only(array: np.ndarray) -> np.ndarray:
    """A copy that refuses writes: the walk hands backward arrays that other ops and
    the tensors themselves hold, so a write into one must fail where it happens."""
    copy = np.array(array)
    copy.flags.writeable = False
    return copy


def _writes_into(error: Exception) -> bool:
    return isinstance(error, ValueError) and "read-only" in str(error)


WRITE_MISTAKES = {
    "g": "a write into g (g[…] = … or g *= …): the walk hands the same g to both inputs of "
         "an op and other ops hold it too, so the write changes their gradients; compute a "
         "new array (g * mask)",
    "out": "a write into out: it is the output tensor's own data, which later ops read; "
           "compute a new array",
}


def _write_mistake(name: str) -> str:
    return WRITE_MISTAKES.get(name, (
        f"a write into the input {name} (e.g. {name} **= …): it is the tensor's own data, a "
        "parameter's values, which backward must leave unchanged; compute a new array"))


def run_backward(engine: Engine, spec: OpSpec, case: OpCase, arrays: list[np.ndarray],
                 g: np.ndarray, needs_grad: tuple[bool, ...] | None = None) -> tuple:
    """The learner's op forward, then its backward handed g, the inputs and the output
    read-only, as Wrong naming the array when it writes into one."""
    op = getattr(engine.ops, case.op)()
    op.needs_grad = needs_grad or (True,) * len(arrays)
    out = np.asarray(op.forward(*[a.copy() for a in arrays], **case.attrs))
    handed = [g, *arrays, out]
    try:
        got = op.backward(*map(read_only, handed))
    except ValueError as error:
        if not _writes_into(error):
            raise
        names = ["g", *spec.input_names, "out"]
        culprit = next((names[k] for k in range(len(handed)) if not _fails_writing(
            op, [a.copy() if j == k else read_only(a) for j, a in enumerate(handed)])), "g")
        raise Wrong(f"backward wrote into {culprit}, which the grader hands over read-only "
                    f"({error})", _write_mistake(culprit)) from None
    if not isinstance(got, (tuple, list)) or len(got) != len(arrays):
        if isinstance(got, (tuple, list)):
            raise Wrong(f"backward returned {len(got)} gradients; {spec.op} has {len(arrays)} "
                        f"input{'s' * (len(arrays) > 1)} ({', '.join(spec.input_names)})",
                        "one gradient per input, in the inputs' order: the output gets none")
        raise Wrong(f"backward returned {type(got).__name__} {got!r:.60}; it must return a "
                    f"tuple of {len(arrays)}, one gradient per input",
                    "a one-input op returns a tuple of one: (gradient,), with the comma")
    return out, tuple(got)


def _fails_writing(op: Any, handed: list[np.ndarray]) -> bool:
    """Whether backward still writes into a read-only array when one is writable."""
    try:
        op.backward(*handed)
    except ValueError as error:
        return _writes_into(error)
    except Exception:  # noqa: BLE001 - another failure is not a write
        return False
    return False


def upstream(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """The g = ∂L/∂out a case hands backward: not all ones, so that a backward that
    forgets to multiply by g is caught."""
    return np.random.default_rng(seed + 1000).uniform(0.5, 1.5, shape)


def expected_gradients(spec: OpSpec, case: OpCase, op_class: type, arrays: list[np.ndarray],
                       g: np.ndarray) -> list[np.ndarray]:
    """Central differences of the learner's forward; at a kink (an input with zeros, for
    an op the articles give a derivative of) the articles' derivative instead, since
    central differences there give the mean of the two slopes."""
    if spec.formula is not None and "zeros" in case.domains:
        return [g * spec.formula[1](arrays[0])]
    return [numerical_gradient(op_class, arrays, case.attrs, g, i) for i in range(len(arrays))]


def check_case(engine: Engine, spec: OpSpec, case: OpCase, seed: int) -> None:
    """One call of the op's backward against the expected gradients; a failure carries
    the case and names the input values where it is wrong."""
    arrays = case.inputs(seed)
    op_class = getattr(engine.ops, case.op)
    try:
        out = np.asarray(op_class().forward(*[a.copy() for a in arrays], **case.attrs))
        g = upstream(out.shape, seed)
        out, got = run_backward(engine, spec, case, arrays, g)
        expected = expected_gradients(spec, case, op_class, arrays, g)
        for i, name in enumerate(spec.input_names):
            what = f"∂L/∂{name}"
            grad = as_gradient(got[i], what)
            if grad.shape != expected[i].shape:
                raise Wrong(f"{what} has shape {grad.shape}; {name} has shape "
                            f"{expected[i].shape}",
                            _shape_mistake(grad.shape, expected[i].shape, out.shape, name,
                                           spec.op))
            mistakes = _op_mistakes(spec, op_class, case, arrays, out, g, expected, i)
            compare(grad, expected[i], what, mistakes,
                    where=functools.partial(_values_at, spec, arrays, i=i))
    except Wrong as wrong:
        raise Wrong(wrong.detail, wrong.mistake, (case, seed)) from None
    except (NotImplementedError, RecursionError):
        raise
    except Exception as error:
        raise RaisedIn(error, (case, seed)) from error


def _values_at(spec: OpSpec, arrays: list[np.ndarray], index: tuple[int, ...], *, i: int) -> str:
    """The input values at a wrong element of input i's gradient: all of them when the
    inputs have one shape, else input i's own."""
    shown = range(len(arrays)) if len({a.shape for a in arrays}) == 1 else (i,)
    return ", ".join(f"{spec.input_names[k]} = {number(arrays[k][index])}" for k in shown)


def describe_case(case: OpCase) -> str:
    """A case in a message: the op, each input's shape and values kind, the attrs."""
    names = next(spec.input_names for spec in SPECS.values() if spec.op == case.op)
    inputs = ", ".join(f"{name} of shape {shape} ({domain})"
                       for name, shape, domain in zip(names, case.shapes, case.domains))
    attrs = "".join(f", {key}={np.array2string(np.asarray(value), separator=', ')}"
                    for key, value in case.attrs.items())
    return f"{case.op} on {inputs}{attrs}"


def _shape_mistake(shape: tuple, expected: tuple, out_shape: tuple, name: str, op: str) -> str:
    """What a gradient of the wrong shape (`expected` is the input's) usually means."""
    if op == "MatMul" and len(shape) > len(expected) and shape[-2:] == expected[-2:]:
        return (f"the batch axes not summed: {name} was used by every matrix of the stack, so "
                f"its gradient is the sum over them, unbroadcast(·, {name}.shape)")
    if op == "MatMul" and len(shape) > 2 and shape[::-1] == expected:
        return STACK_TRANSPOSED
    if op == "MatMul":
        return "a transpose on the wrong side: ∂L/∂A = g @ Bᵀ, ∂L/∂B = Aᵀ @ g"
    if op == "Sum":
        return ("g not spread back over the summed axes: every element of x receives g, so "
                "∂L/∂x has x's shape (g.reshape(kept_shape(…)) * np.ones_like(x))")
    if shape == out_shape:
        return f"a broadcast not summed back: pass it through unbroadcast(·, {name}.shape)"
    return ""


def _op_mistakes(spec: OpSpec, op_class: type, case: OpCase, arrays: list[np.ndarray],
                 out: np.ndarray, g: np.ndarray, expected: list[np.ndarray],
                 i: int) -> Iterator[tuple[str, Any]]:
    """The generic mistakes and this op's own, as (name, what input i would get),
    computed only as far as they are asked for."""
    yield "a sign flipped", -expected[i]
    if len(arrays) == 2 and arrays[0].shape == arrays[1].shape:
        yield "the gradients swapped: each input got the other's", expected[1 - i]
    for name, wrong in spec.mistakes:
        yield name, wrong(g, *arrays, out, **case.attrs)[i]
    yield ("g not multiplied in: the chain rule hands on g × the local derivative",
           numerical_gradient(op_class, arrays, case.attrs, np.ones_like(g), i))


def check_needs_none(engine: Engine, spec: OpSpec, case: OpCase, seed: int) -> None:
    """With one input needing no gradient, its gradient is None and the other's right."""
    arrays = case.inputs(seed)
    op_class = getattr(engine.ops, case.op)
    g = upstream(np.shape(op_class().forward(*[a.copy() for a in arrays])), seed)
    expected = expected_gradients(spec, case, op_class, arrays, g)
    for needs in ((False, True), (True, False)):
        _, got = run_backward(engine, spec, case, arrays, g, needs)
        for i, (name, need) in enumerate(zip(spec.input_names, needs)):
            what = f"∂L/∂{name} with needs_grad = {needs}"
            if need:
                compare(as_gradient(got[i], what), expected[i], what)
            elif got[i] is not None:
                raise Wrong(f"{what} is {type(got[i]).__name__}, not None",
                            f"a gradient computed for an input that needs none: return None for "
                            f"{name} when need_{name.lower()} is False (article 004's data "
                            "matrix would cost 20 MB a step)", (case, seed))


def grade_op(grader: Grader, name: str) -> str:
    """Every case of the op, each drawn from the run's seed; shapes that broadcast once
    unbroadcast works; the article's formula for the local derivative where there is
    one; for MatMul, None for an input that needs no gradient."""
    spec, engine = SPECS[name], grader.engine
    broadcast_ready = not any(c.broadcasts for c in spec.cases) or grader.passed("unbroadcast")
    for index, case in enumerate(spec.cases):
        if broadcast_ready or not case.broadcasts:
            check_case(engine, spec, case, case_seed(grader.seed, index))
    if name == "matmul":
        check_needs_none(engine, spec, spec.cases[1], case_seed(grader.seed, 1))
    if spec.formula is not None:
        formula_name, derivative = spec.formula
        case = spec.cases[0]
        (x,) = case.inputs(case_seed(grader.seed, 0))
        _, (got,) = run_backward(engine, spec, case, [x], np.ones(x.shape))
        compare(as_gradient(got, "∂L/∂x"), derivative(x), f"with g = 1, ∂out/∂x ({formula_name})")
        return f"agrees with {formula_name} too"
    if not broadcast_ready:
        return "on equal shapes only, until unbroadcast (5) passes"
    return ""


def case_seed(seed: int, index: int) -> int:
    """The seed of a case's values: the run's seed and the case's place, so that
    `--seed` draws every case of a run again."""
    return seed * 100 + index


def _summed_back(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """∂/∂x of Σ grad·broadcast(x), x of `shape`, by central differences: what
    unbroadcast(grad, shape) must be."""
    held = SimpleNamespace(data=np.zeros(shape))
    expected = np.zeros(shape)
    for index in np.ndindex(shape):
        expected[index] = central_difference(
            lambda: float(np.sum(np.broadcast_to(held.data, grad.shape) * grad)), held, index, EPS)
    return expected


def _unbroadcast_shape_mistake(got: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """What unbroadcast's result of the wrong shape says about its sums."""
    if len(got) > len(shape):
        return "the leading axes numpy added not summed away"
    if len(got) < len(shape):
        return "axes dropped: sum the size-1 axes with keepdims=True, so that they stay"
    if any(n == 1 and m != 1 for n, m in zip(got, shape)):
        return "the wrong axes summed: sum the axes where shape has 1 and grad does not"
    return "the size-1 axes not summed: sum the axes where shape has 1 and grad does not"


def grade_unbroadcast(grader: Grader) -> str:
    """unbroadcast(grad, shape) against the gradient of Σ grad·broadcast(x)."""
    unbroadcast = grader.engine.ops.unbroadcast
    rng = np.random.default_rng(grader.seed)
    for big, shape in (((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((4, 2, 3), (2, 1)),
                       ((2, 3), ())):
        grad = rng.uniform(0.5, 1.5, big)
        expected = _summed_back(grad, shape)
        what = f"unbroadcast(grad of shape {big}, {shape})"
        got = as_gradient(unbroadcast(read_only(grad), shape), what)
        if got.shape != shape:
            raise Wrong(f"{what} has shape {got.shape}",
                        _unbroadcast_shape_mistake(got.shape, shape))
        mean = ("a mean instead of a sum: an input used in n places receives the sum of n "
                "gradients")
        compare(got, expected, what, [("a sign flipped", -expected),
                                      (mean, expected * np.prod(shape) / grad.size)])
    return ""


# ---- the topological order -----------------------------------------------------


def named(tensor: Any, name: str) -> Any:
    """`tensor`, named (so that messages can say which)."""
    tensor.name = name
    return tensor


def graph_fan_out(T: type) -> list[Any]:
    """x used twice: loss = x·x + x. Returns the tensors made, root last."""
    x = T(3.0, requires_grad=True, name="x")
    y = named(x * x, "y")
    return [x, y, named(y + x, "loss")]


def graph_diamond(T: type, x: Any = None) -> list[Any]:
    """An input reached by paths of different lengths, and a constant c. x is made if
    not given."""
    x = T([0.5, -1.0], requires_grad=True, name="x") if x is None else x
    c = T([2.0, 3.0], name="c")
    a = named(x.exp(), "a")
    b = named(a * x, "b")
    d = named(b + a * c, "d")
    return [x, c, a, b, d, named((d * b).sum(), "loss")]


def graph_chain(T: type, length: int = DEEP) -> list[Any]:
    """A chain of `length` ops, each multiplying by a constant: ∂t/∂x = 0.9999^length."""
    made = [T(1.0, requires_grad=True, name="x")]
    for i in range(length):
        made.append(named(made[-1] * 0.9999, f"t{i + 1}"))
    return made


def built(build: Callable[[type], list[Any]], T: type) -> list[Any]:
    """The graph `build` makes, or Blocked by the op whose forward failed making it: the
    order and the walk are graded on graphs of the learner's ops."""
    try:
        return build(T)
    except Exception as error:
        op = failing_op(error)
        if op is None:
            raise
        raise Blocked(op, f"{type(error).__name__}: {error}") from error


@contextlib.contextmanager
def on_graph(build: Callable[..., list[Any]], node: str = "") -> Iterator[None]:
    """A Wrong raised inside says which graph it was found on, and the node where it goes
    wrong (`node` when the check did not name one), so that a picture can mark it."""
    try:
        yield
    except Wrong as wrong:
        raise Wrong(wrong.detail, wrong.mistake, wrong.case, wrong.node or node,
                    build.__name__) from None


def failing_op(error: BaseException) -> str | None:
    """The blank of the learner's op in whose method `error` was raised, if any."""
    blanks = {spec.op: name for name, spec in SPECS.items()}
    found = None
    tb = error.__traceback__
    while tb is not None:
        found = blanks.get(type(tb.tb_frame.f_locals.get("self")).__name__, found)
        tb = tb.tb_next
    return found


def inputs_of(tensor: Any) -> tuple:
    """The tensors an op made `tensor` from; none for a leaf."""
    return tuple(tensor._op.inputs) if tensor._op is not None else ()


def check_order(order: Any, made: list[Any]) -> None:
    """`order` lists every tensor of the graph once, each after its inputs."""
    root = made[-1]
    if not isinstance(order, (list, tuple)):
        raise Wrong(f"topological_order returned {type(order).__name__}; it must return a list")
    everything = {id(t): t for t in made} | {id(p): p for t in made for p in inputs_of(t)}
    seen: dict[int, int] = {}
    for position, tensor in enumerate(order):
        if id(tensor) not in everything:
            raise Wrong(f"position {position} holds {tensor!r:.60}, which is not a tensor of "
                        "the graph")
        if id(tensor) in seen:
            raise Wrong(f"{describe(tensor)} is listed at positions {seen[id(tensor)]} and "
                        f"{position}", "a tensor listed twice: keep a set of visited tensors",
                        node=describe(tensor))
        seen[id(tensor)] = position
    missing = [t for key, t in everything.items() if key not in seen]
    if missing:
        leaf = missing[0]._op is None
        raise Wrong(f"{describe(missing[0])} is not listed ({len(order)} of {len(everything)} "
                    f"tensors)", "the leaves left out: list every tensor, leaves (_op None) too"
                    if leaf else "a tensor left out", node=describe(missing[0]))
    misplaced = _first_before_its_input(order, seen)
    if misplaced is not None:
        tensor, parent = misplaced
        if seen[id(root)] != 0:
            mistake = "a tensor appended before all of its inputs were"
        elif _first_before_its_input(order[::-1], {key: len(order) - 1 - at
                                                   for key, at in seen.items()}) is None:
            mistake = ("the order reversed: each tensor must come after its inputs, the root "
                       "last (backward walks the list from the end)")
        else:
            mistake = ("each tensor appended when first reached (pre-order), before its inputs: "
                       "append it when (t, True) comes off the stack, after all of its inputs")
        raise Wrong(f"{describe(tensor)} is at position {seen[id(tensor)]}, before its input "
                    f"{describe(parent)} at position {seen[id(parent)]}", mistake,
                    node=describe(tensor))


def _first_before_its_input(order: Any, seen: dict[int, int]) -> tuple[Any, Any] | None:
    """The first (tensor, input) of `order` with the input listed after the tensor."""
    for tensor in order:
        for parent in inputs_of(tensor):
            if seen[id(parent)] > seen[id(tensor)]:
                return tensor, parent
    return None


def describe(tensor: Any) -> str:
    """A tensor in a message: its name, or what it is."""
    return getattr(tensor, "name", None) or f"a constant of shape {np.shape(tensor.data)}"


def grade_topological_order(grader: Grader) -> str:
    """Fan-out, a diamond with a constant, and a chain of DEEP ops."""
    tensor = grader.engine.tensor
    for build in (graph_fan_out, graph_diamond, graph_chain):
        made = built(build, tensor.Tensor)
        with on_graph(build):
            check_order(tensor.topological_order(made[-1]), made)
    return f"a chain of {DEEP:,} ops too"


# ---- the backward walk ---------------------------------------------------------


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


def graph_shared_g(T: type) -> list[Any]:
    """loss = Σ (x + z) + z: the outer Add hands one array g to both (x + z) and z, and
    the inner one hands it on to x and z again."""
    x = T([1.0, -2.0], requires_grad=True, name="x")
    z = T([0.5, 3.0], requires_grad=True, name="z")
    s = named(x + z, "s")
    t = named(s + z, "t")
    return [x, z, s, t, named(t.sum(), "loss")]


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


# ---- the SGD step --------------------------------------------------------------


def grade_sgd_step(grader: Grader) -> str:
    """One step with lr 0.1 on two parameters, and one without a gradient."""
    T, SGD = grader.engine.tensor.Tensor, grader.engine.optim.SGD
    rng = np.random.default_rng(11)
    before = [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 2)]
    params = [T(values, requires_grad=True, name=name) for values, name in zip(before, "pqr")]
    grads = [rng.uniform(0.5, 1.5, (2, 3)), rng.uniform(0.5, 1.5, 3), None]
    for p, grad in zip(params, grads):
        p.grad = None if grad is None else grad.copy()
    SGD(params, lr=0.1).step()
    for p, old, grad in zip(params, before, grads):
        if grad is None:
            compare(np.asarray(p.data, float), old, p.name, after=", which has no gradient")
            continue
        compare(np.asarray(p.data, float), old - 0.1 * grad, p.name, after=" after the step",
                mistakes=[
            ("a sign flipped: the step went uphill, p + lr·g", old + 0.1 * grad),
            ("the learning rate left out: p − g", old - grad),
            ("not changed: write into p.data (p.data -= lr * p.grad)", old)])
    return ""


# ---- the Adam step -------------------------------------------------------------


def adam_path(start: list[np.ndarray], grads: list[list[np.ndarray]], lr: float,
              unbiased: tuple[bool, bool] = (True, True), eps_inside: bool = False,
              remembers: tuple[bool, bool] = (True, True)) -> list[list[np.ndarray]]:
    """The parameters after each step of Adam (betas 0.9, 0.999, eps 1e-8), and of its
    classic mistakes: m or v not corrected for their start at 0, ε under the root,
    averages that forget."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    values = [v.copy() for v in start]
    m = [np.zeros_like(v) for v in start]
    s = [np.zeros_like(v) for v in start]
    path = []
    for t, step_grads in enumerate(grads, 1):
        for i, g in enumerate(step_grads):
            m[i] = beta1 * m[i] * remembers[0] + (1 - beta1) * g
            s[i] = beta2 * s[i] * remembers[1] + (1 - beta2) * g**2
            m_hat = m[i] / (1 - beta1**t) if unbiased[0] else m[i]
            v_hat = s[i] / (1 - beta2**t) if unbiased[1] else s[i]
            root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            values[i] = values[i] - lr * m_hat / root
        path.append([v.copy() for v in values])
    return path


def grade_adam_step(grader: Grader) -> str:
    """Three steps of lr 0.1 on two parameters, one of them with gradients of 1e-4 (where
    ε matters), and one without a gradient, against tinygrad_nn's own Adam given the
    same gradients."""
    from tinygrad_nn import Tensor, optim

    T, Adam = grader.engine.tensor.Tensor, grader.engine.optim.Adam
    rng = np.random.default_rng(grader.seed)
    start = [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 2)]
    grads = [[rng.uniform(-1.5, 1.5, (2, 3)), rng.uniform(-1.5, 1.5, 3) * 1e-4]
             for _ in range(3)]
    params = [T(v, requires_grad=True, name=name) for v, name in zip(start, "pqr")]
    reference = [Tensor(v, requires_grad=True) for v in start[:2]]
    ours, theirs = Adam(params, lr=0.1), optim.Adam(reference, lr=0.1)
    mistakes = {
        "no bias correction: divide m and v by 1 − βᵗ, which start far from 1":
            adam_path(start[:2], grads, 0.1, unbiased=(False, False)),
        "m not corrected: divide it by 1 − β₁ᵗ": adam_path(start[:2], grads, 0.1,
                                                        unbiased=(False, True)),
        "v not corrected: divide it by 1 − β₂ᵗ": adam_path(start[:2], grads, 0.1,
                                                        unbiased=(True, False)),
        "ε under the root: √v̂ + ε, not √(v̂ + ε)": adam_path(start[:2], grads, 0.1,
                                                             eps_inside=True),
        **{f"{name} forgets: it must carry over from step to step, in self.{name}":
           adam_path(start[:2], grads, 0.1, remembers=remembers)
           for name, remembers in (("m", (False, True)), ("v", (True, False)))}}
    for step, step_grads in enumerate(grads):
        for p, r, g in zip(params, reference, step_grads):
            p.grad, r.grad = g.copy(), g.copy()
        ours.step()
        theirs.step()
        for i, (p, r) in enumerate(zip(params, reference)):
            compare(np.asarray(p.data, float), r.data, p.name, after=f" after step {step + 1}",
                    mistakes=[("a sign flipped: the step went uphill",
                               2 * start[i] - r.data if step == 0 else None),
                              *((name, path[step][i]) for name, path in mistakes.items())])
        compare(np.asarray(params[2].data, float), start[2], "r", after=", which has no gradient")
    return "agrees with tinygrad_nn.optim.Adam over three steps"
