"""Tensor: the public surface, graph semantics, errors, numerics and memory.

The per-op values and gradients are in test_ops.py; here are the properties of
the graph as a whole: fan-out, accumulation, what records and what does not, what
is refused and with which message, what stays finite, and that nothing leaks.
"""

from __future__ import annotations

import asyncio
import decimal
import math
import operator
import re
import threading
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest

from tinygrad_nn import Tensor, gradcheck, no_grad, numerical_grad
from tinygrad_nn import tensor as tensor_module

# ---- the public surface -------------------------------------------------------


def test_public_names_import():
    assert all(callable(f) for f in (Tensor, no_grad, gradcheck, numerical_grad))


def test_shape_ndim_dtype_and_conversions():
    x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.shape == (2, 3)
    assert x.ndim == 2
    assert x.dtype == np.float64
    assert x.T.shape == (3, 2)
    np.testing.assert_array_equal(x.T.data, [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
    assert isinstance(x.numpy(), np.ndarray)
    np.testing.assert_array_equal(x.numpy(), [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(np.asarray(x), [[1, 2, 3], [4, 5, 6]])
    assert np.asarray(x, dtype=np.float32).dtype == np.float32
    assert Tensor([[7.5]]).item() == 7.5
    assert isinstance(Tensor(2.0).item(), float)


def test_repr_shows_data_name_and_op():
    x = Tensor([1.5, 2.25], requires_grad=True, name="x")
    y = x * 2
    y.name = "y"
    text = repr(y)
    assert "3." in text and "4.5" in text
    assert "name='y'" in text
    assert "op=Mul" in text
    assert "name='x'" in repr(x) and "op=" not in repr(x)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.matmul], ids=lambda op: op.__name__)
def test_numpy_array_on_the_left_gives_a_tensor(op):
    x = Tensor(np.full((2, 2), 2.0), requires_grad=True)
    array = np.array([[1.0, 2.0], [3.0, 4.0]])
    result = op(array, x)
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(result.data, op(array, x.data))
    assert result.requires_grad


# ---- dtypes -----------------------------------------------------------------------


@pytest.mark.parametrize("data", [[1, 2, 3], np.array([1, 2, 3], dtype=np.int32), [True, False],
                                  np.array([0.5, 1.5], dtype=np.float16), 7],
                         ids=["int list", "int32 array", "bool list", "float16 array", "int"])
def test_integer_bool_and_other_numbers_become_float64(data):
    x = Tensor(data)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x.data, np.asarray(data, dtype=np.float64))


def test_float32_arrays_stay_float32_through_ops_and_backward():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    y = x * 2.0 + 1
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert (x / 3).dtype == np.float32 and (2.0 - x).dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 4 * (2 * x.data + 1), rtol=1e-6)


def test_requires_grad_tensor_owns_its_data():
    """An optimizer updates parameters in place; it must not write into the caller's array."""
    array = np.array([1.0, 2.0])
    Tensor(array, requires_grad=True).data += 1
    np.testing.assert_array_equal(array, [1.0, 2.0])


# ---- construction errors ---------------------------------------------------------


def test_ragged_lists_are_refused():
    with pytest.raises(ValueError, match="rectangular array of numbers"):
        Tensor([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("data", ["abc", ["1", "2"], [object(), object()], {"a": 1}, None],
                         ids=["string", "strings", "objects", "dict", "None"])
def test_non_numbers_are_refused(data):
    with pytest.raises(TypeError, match="must be real numbers"):
        Tensor(data)


# ---- graph semantics ----------------------------------------------------------------


def test_x_times_x_gets_both_contributions():
    x = Tensor(3.0, requires_grad=True)
    (x * x).backward()
    assert x.grad == 6.0


def test_a_plus_a_gets_both_contributions():
    a = Tensor([1.0, -2.0], requires_grad=True)
    (a + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])


def test_fan_out_through_intermediates():
    """a = 1; b = a + a; c = b + b: dc/db = 2 and dc/da = 4 (a topological order,
    not a depth-first walk that would pass b's gradient on before it is complete)."""
    a = Tensor(1.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_one_tensor_feeding_three_branches():
    x = Tensor([0.3, -1.2, 2.0], requires_grad=True)
    (x.exp() + x * x + x.tanh()).sum().backward()
    expected = np.exp(x.data) + 2 * x.data + 1 - np.tanh(x.data) ** 2
    np.testing.assert_allclose(x.grad, expected, rtol=1e-14)


def test_diamond():
    """a → b = 2a and c = eᵃ → d = b·c: dd/da = 2eᵃ + 2a·eᵃ, dd/db = c, dd/dc = b."""
    a = Tensor([0.5, -1.5], requires_grad=True)
    b = a * 2
    c = a.exp()
    d = b * c
    d.sum().backward()
    np.testing.assert_allclose(a.grad, 2 * np.exp(a.data) * (1 + a.data), rtol=1e-14)
    np.testing.assert_allclose(b.grad, c.data, rtol=1e-14)
    np.testing.assert_allclose(c.grad, b.data, rtol=1e-14)


def test_gradients_accumulate_over_two_backward_calls():
    """The second call adds the same amount again, to the leaf behind an
    intermediate as well as to the intermediate: exactly 2×, not 3×."""
    x = Tensor([0.5, -0.25, 1.0], requires_grad=True)
    h = x.tanh()
    loss = (h * h).sum()
    loss.backward()
    first_x, first_h = x.grad.copy(), h.grad.copy()
    np.testing.assert_allclose(first_x, 2 * h.data * (1 - h.data**2), rtol=1e-14)
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * first_x, rtol=1e-15)
    np.testing.assert_allclose(h.grad, 2 * first_h, rtol=1e-15)


def test_gradients_accumulate_over_two_forward_passes():
    w = Tensor([2.0, 3.0], requires_grad=True)
    for _ in range(2):
        ((w * w).sum() * 0.5).backward()
    np.testing.assert_array_equal(w.grad, [4.0, 6.0])


def test_no_grad_context_records_nothing_and_restores_recording():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = x * 2 + 1
    assert not y.requires_grad and y._op is None
    z = x * 2
    assert z.requires_grad and z._op is not None


def test_nested_no_grad_leaves_recording_off_until_the_outer_one_ends():
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        with no_grad():
            pass
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_leaf_gradients_are_private_writable_arrays():
    """A leaf's .grad is its own copy: optimizers and users may change it in place
    without touching another tensor's gradient or the array passed to backward()."""
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad and a.grad.flags.writeable
    a.grad *= 0.5
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    upstream = np.ones(2)
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.backward(upstream)
    assert x.grad is not upstream


def test_no_grad_restores_recording_after_an_exception():
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(ZeroDivisionError), no_grad():
        raise ZeroDivisionError
    assert (x * 2).requires_grad


def test_no_grad_as_a_decorator_even_when_the_function_recurses():
    @no_grad()
    def power(x: Tensor, n: int) -> Tensor:
        return x if n == 1 else x * power(x, n - 1)

    x = Tensor([1.5], requires_grad=True)
    y = power(x, 3)
    np.testing.assert_allclose(y.data, [3.375])
    assert not y.requires_grad
    assert (x * 2).requires_grad, "recording must be back on after the decorated call"


def test_detach_cuts_the_graph():
    x = Tensor([2.0, 3.0], requires_grad=True)
    constant = x.detach()
    assert not constant.requires_grad and constant._op is None
    np.testing.assert_array_equal(constant.data, x.data)
    (constant * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])  # only the non-detached path


def test_intermediates_have_grad_and_constants_do_not():
    x = Tensor([1.0, 2.0], requires_grad=True)
    constant = Tensor([0.5, -0.25])  # σ near 1/2: 1 − σ loses no digits
    hidden = x * constant
    out = hidden.sigmoid().sum()
    out.backward()
    s = 1 / (1 + np.exp(-hidden.data))
    np.testing.assert_allclose(hidden.grad, s * (1 - s), rtol=1e-14)
    np.testing.assert_allclose(x.grad, s * (1 - s) * constant.data, rtol=1e-14)
    assert out.grad == 1.0
    assert constant.grad is None


def test_backward_with_an_upstream_gradient():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * x
    y.backward(np.array([[1.0, 0.0], [0.5, 2.0]]))
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0], [3.0, 16.0]])
    x.grad = None
    y.backward(Tensor(np.ones((2, 2))))
    np.testing.assert_array_equal(x.grad, 2 * x.data)


def test_relu_gradient_at_exactly_zero_is_zero():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_abs_gradient_at_zero_is_zero_and_max_splits_ties():
    x = Tensor([-2.0, 0.0, 3.0, 3.0], requires_grad=True)
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0, 1.0])
    x.grad = None
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.5, 0.5])


def test_repeated_indices_accumulate():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_chain_of_100000_ops_backpropagates_without_recursion_error():
    x = Tensor(2.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()
    assert x.grad == pytest.approx(1.00001**100_000, rel=1e-9)


# ---- errors, with their messages ------------------------------------------------------


@pytest.mark.parametrize("op, name", [(operator.add, "Add"), (operator.sub, "Sub"),
                                      (operator.mul, "Mul"), (operator.truediv, "Div")])
def test_elementwise_shape_mismatch_names_op_and_shapes(op, name):
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones(4))
    with pytest.raises(ValueError, match=re.escape(f"{name}: cannot apply to shapes (2, 3) and (4,)")):
        op(a, b)


def test_matmul_shape_mismatch_names_op_and_shapes():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=re.escape("MatMul: cannot apply to shapes (2, 3) and (4, 5)")):
        a @ b


@pytest.mark.parametrize("data, expression, message", [
    ([2.0, 0.0, 1.0], lambda x: x.log(),
     "Log: cannot apply to shape (3,): log x needs x > 0; got 0.0 at index (1,)"),
    ([2.0, -1.0, 1.0], lambda x: x.log(), "log x needs x > 0; got -1.0 at index (1,)"),
    ([2.0, 0.0, 1.0], lambda x: 1.0 / x,
     "Div: cannot apply to shapes () and (3,): the divisor must not be 0; got 0.0 at index (1,)"),
    ([2.0, 0.0, 1.0], lambda x: x ** -1,
     "Pow: cannot apply to shape (3,): x ** -1 needs x ≠ 0; got 0.0 at index (1,)"),
    ([2.0, -1.0, 1.0], lambda x: x ** 0.5,
     "x ** 0.5 needs x ≥ 0 (a fractional power); got -1.0 at index (1,)"),
    ([2.0, 800.0, 1.0], lambda x: x.exp(),
     "Exp: cannot apply to shape (3,): exp x overflows float64 for x > 709.78"),
])
def test_values_outside_an_ops_domain_are_refused_with_where(data, expression, message):
    """Not a numpy RuntimeWarning and then inf or nan: an error naming the element."""
    with pytest.raises(ValueError, match=re.escape(message)):
        expression(Tensor(data, requires_grad=True))


def test_the_mean_of_nothing_is_refused():
    with pytest.raises(ValueError, match=re.escape("mean() over no elements: shape (0, 3), axis 0")):
        Tensor(np.zeros((0, 3))).mean(axis=0)


def test_a_gradient_that_would_be_infinite_is_refused_and_x_to_the_zero_has_none():
    x = Tensor([4.0, 0.0], requires_grad=True)
    root = x.sqrt().sum()  # sqrt(0) = 0 is fine; its slope 1/(2·sqrt(0)) is not
    with pytest.raises(ValueError, match=re.escape(
            "Pow backward: x ** 0.5 has an infinite gradient at x = 0; got 0.0 at index (1,)")):
        root.backward()
    (x ** 0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_backward_without_gradient_needs_one_element():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"one element.*shape \(2, 3\)"):
        y.backward()


def test_upstream_gradient_of_the_wrong_shape():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(ValueError, match=re.escape("gradient has shape (3,) but the tensor has shape (2, 3)")):
        y.backward(np.ones(3))


def test_backward_on_a_tensor_that_requires_no_grad():
    y = Tensor([1.0, 2.0]).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_tensor_exponent_is_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="needs a number as exponent; got Tensor"):
        x ** Tensor(2.0)


# ---- numerics at the extremes ------------------------------------------------------------


EXTREMES = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])


def backward_without_warnings(make_output, data: np.ndarray) -> tuple[Tensor, Tensor]:
    """Run f(x) forward and Σ w·f(x) backward, turning any numpy warning into an error."""
    x = Tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = make_output(x)
        (out * np.linspace(1.0, 2.0, out.size).reshape(out.shape)).sum().backward()
    return x, out


def test_sigmoid_at_plus_minus_1000():
    x, out = backward_without_warnings(Tensor.sigmoid, EXTREMES)
    assert out.data[0] == 0.0 and out.data[-1] == 1.0 and out.data[2] == 0.5
    e = np.exp(-np.abs(EXTREMES))  # σ(1 − σ) = e^−|x| / (1 + e^−|x|)², safe at ±1000
    np.testing.assert_allclose(x.grad, np.linspace(1.0, 2.0, 5) * e / (1 + e) ** 2, rtol=1e-14)


def test_sigmoid_keeps_relative_precision_far_left():
    """σ(−40) = 1/(1 + e⁴⁰) ≈ 4.2e−18: computed as 1 − σ(40) it would be 0."""
    expected = 1.0 / (1.0 + math.exp(40.0))
    assert Tensor(-40.0).sigmoid().item() == pytest.approx(expected, rel=1e-14)


def exact_sigmoid(x: float) -> float:
    """σ(x) rounded once, from 60 decimal digits."""
    with decimal.localcontext() as context:
        context.prec = 60
        return float(1 / (1 + (-decimal.Decimal(x)).exp()))


SIGMOID_POINTS = np.concatenate([np.linspace(-708.0, 708.0, 2001),
                                 np.random.default_rng(0).standard_normal(500) * 8])


def ulps_off(got: np.ndarray, exact: np.ndarray) -> np.ndarray:
    return np.abs(got - exact) / np.spacing(exact)


def test_sigmoid_and_its_slope_are_within_a_few_ulps_everywhere():
    """σ within 2 ulps of the exact value from −708 to 708 (through log σ it was 31 off
    at σ(−40)), and the slope σ(x)σ(−x) within 4, far into both tails."""
    x = Tensor(SIGMOID_POINTS, requires_grad=True)
    out = x.sigmoid()
    out.sum().backward()
    sigma = np.array([exact_sigmoid(v) for v in SIGMOID_POINTS])
    one_minus_sigma = np.array([exact_sigmoid(-v) for v in SIGMOID_POINTS])
    assert ulps_off(out.data, sigma).max() <= 2
    assert ulps_off(x.grad, sigma * one_minus_sigma).max() <= 4


def test_sigmoid_goes_quietly_to_zero_where_it_underflows():
    """Below −709 e⁻ˣ overflows: σ is then 0 or a subnormal below 1e−307, with no warning."""
    x, out = backward_without_warnings(Tensor.sigmoid, np.array([-745.0, -720.0, -710.0]))
    assert np.all((out.data >= 0) & (out.data < 1e-307)) and np.all(x.grad < 1e-307)


def test_softmax_at_plus_minus_1000():
    x, out = backward_without_warnings(Tensor.softmax, EXTREMES)
    np.testing.assert_array_equal(out.data, [0.0, 0.0, 0.0, 0.0, 1.0])
    # s·(w − Σ w·s) with s = (0, 0, 0, 0, 1): zero everywhere, the last one 1·(2 − 2)
    np.testing.assert_array_equal(x.grad, np.zeros(5))


def test_log_softmax_at_plus_minus_1000():
    """log softmax(x)ᵢ = xᵢ − max x when the maximum dominates; the gradient of
    Σ wᵢ·log sᵢ is w − s·Σw, finite even where s underflows to 0."""
    x, out = backward_without_warnings(Tensor.log_softmax, EXTREMES)
    np.testing.assert_allclose(out.data, EXTREMES - 1000.0, rtol=1e-15)
    w = np.linspace(1.0, 2.0, 5)
    np.testing.assert_allclose(x.grad, w - np.array([0, 0, 0, 0, 1.0]) * w.sum(), rtol=1e-14)


# ---- memory ------------------------------------------------------------------------------


def make_network(rng: np.random.Generator) -> dict[str, Tensor]:
    """The data and parameters of a 2-8-1 network on 16 points."""
    return {
        "X": Tensor(rng.normal(size=(16, 2))),
        "y": Tensor((rng.normal(size=(16, 1)) > 0).astype(float)),
        "w1": Tensor(rng.normal(size=(2, 8)), requires_grad=True),
        "b1": Tensor(np.zeros(8), requires_grad=True),
        "w2": Tensor(rng.normal(size=(8, 1)), requires_grad=True),
        "b2": Tensor(np.zeros(1), requires_grad=True),
    }


def training_step(net: dict[str, Tensor], lr: float = 0.1) -> Tensor:
    """Forward, mean squared error, backward, then SGD w ← w − lr·dL/dw under no_grad."""
    a1 = (net["X"] @ net["w1"] + net["b1"]).tanh()
    res = (a1 @ net["w2"] + net["b2"]).sigmoid()
    loss = ((res - net["y"]) ** 2).mean()
    parameters = [net[name] for name in ("w1", "b1", "w2", "b2")]
    for parameter in parameters:
        parameter.grad = None
    loss.backward()
    with no_grad():
        for parameter in parameters:
            parameter.data = (parameter - lr * parameter.grad).data
    return loss


def test_training_keeps_memory_flat():
    """10,000 steps: what is allocated after step 1,000 and still held at step
    10,000 is about nothing. Anything a step kept alive (a graph, a gradient)
    would add up to MBs; the slack covers allocator noise. Tracing starts at step
    1,000, so the traced memory at step 10,000 is exactly the growth."""
    net = make_network(np.random.default_rng(0))
    first_loss = training_step(net).item()
    for _ in range(2, 1_001):
        training_step(net)
    tracemalloc.start()
    try:
        for _ in range(1_001, 10_001):
            last_loss = training_step(net).item()
        growth = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert last_loss < first_loss, "the network should have been learning"
    assert growth < 20_000, f"memory grew by {growth} bytes between step 1,000 and step 10,000"


def test_a_steps_graph_is_freed_when_its_variables_go_out_of_scope():
    """Reference counting alone frees it (no gc.collect): the graph has no cycles."""
    net = make_network(np.random.default_rng(0))
    loss = training_step(net)
    computed = [weakref.ref(t) for t in tensor_module.topological_order(loss) if t._op is not None]
    assert len(computed) > 5
    del loss
    assert all(ref() is None for ref in computed)


# ---- grad mode is per thread and per asyncio task ----------------------------------------


def recording_in_this_thread() -> bool:
    return (Tensor(np.ones(2), requires_grad=True) * 2).sum().requires_grad


def run_in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_no_grad_in_another_thread_does_not_stop_recording_here():
    inside, release = threading.Event(), threading.Event()

    def evaluate_without_graph():
        with no_grad():
            inside.set()
            release.wait(10)

    thread = run_in_thread(evaluate_without_graph)
    assert inside.wait(10)
    try:
        assert recording_in_this_thread(), "thread B's no_grad switched recording off here"
    finally:
        release.set()
        thread.join(10)


def test_overlapping_no_grad_blocks_of_two_threads_leave_recording_on():
    """B enters, C enters, B leaves, C leaves: C restores what it saw on entry,
    which was B's 'off' when grad mode was one process-wide flag."""
    b_inside, c_inside, b_left, c_may_leave = (threading.Event() for _ in range(4))

    def b():
        with no_grad():
            b_inside.set()
            c_inside.wait(10)
        b_left.set()

    def c():
        b_inside.wait(10)
        with no_grad():
            c_inside.set()
            c_may_leave.wait(10)

    threads = [run_in_thread(b), run_in_thread(c)]
    assert b_left.wait(10)
    c_may_leave.set()
    for thread in threads:
        thread.join(10)
    assert recording_in_this_thread()
    in_a_new_thread = []
    run_in_thread(lambda: in_a_new_thread.append(recording_in_this_thread())).join(10)
    assert in_a_new_thread == [True]


def test_no_grad_in_one_asyncio_task_does_not_stop_recording_in_another():
    async def main() -> bool:
        inside, release = asyncio.Event(), asyncio.Event()

        async def evaluate_without_graph():
            with no_grad():
                inside.set()
                await release.wait()
            return recording_in_this_thread()

        task = asyncio.create_task(evaluate_without_graph())
        await asyncio.wait_for(inside.wait(), 10)  # a failed task fails the test, not hangs it
        here = recording_in_this_thread()
        release.set()
        assert await asyncio.wait_for(task, 10), "recording must be back on after no_grad"
        return here

    assert asyncio.run(main())


# ---- writes between forward and backward ---------------------------------------------------


def subtract_in_place(x: Tensor) -> None:
    x.data -= 0.5


def assign(x: Tensor) -> None:
    x.data = x.data - 0.5


@pytest.mark.parametrize("write", [subtract_in_place, assign])
def test_backward_through_a_changed_input_names_tensor_op_and_fix(write):
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * x).sum()
    write(x)
    with pytest.raises(RuntimeError, match=r"x was changed .* Mul .* run the forward pass again"):
        y.backward()


def test_augmented_assignment_through_data_is_caught():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.data -= 0.5
    with pytest.raises(RuntimeError, match=r"a tensor of shape \(2,\) was changed"):
        y.backward()


def test_an_optimizer_step_between_two_backward_calls_is_caught():
    from tinygrad_nn import optim
    w = Tensor([1.0, -1.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    loss.backward()
    optim.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="w was changed"):
        loss.backward()


def test_two_backward_calls_with_nothing_changed_accumulate():
    w = Tensor([1.0, -1.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(w.grad, [4.0, -4.0])


def test_a_changed_intermediate_is_caught_too():
    x = Tensor([0.5], requires_grad=True)
    hidden = x.exp()
    y = hidden.sigmoid().sum()
    hidden.data *= 2
    with pytest.raises(RuntimeError, match="Exp used it"):  # Sigmoid reads only its output
        y.backward()


def test_writes_into_the_array_itself_are_untracked_as_documented():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.data[...] = [3.0, 4.0]
    y.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 8.0])
    assert "untracked" in Tensor.__doc__


def test_requires_grad_switched_on_after_the_graph_was_recorded():
    """The graph recorded before treats x as the constant it was then."""
    x, w = Tensor(np.ones(2)), Tensor([2.0, 3.0], requires_grad=True)
    y = (x * w).sum()
    x.requires_grad = True
    y.backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


# ---- indexing --------------------------------------------------------------------------------


@pytest.mark.parametrize("as_index", [np.array, Tensor], ids=["ndarray", "Tensor"])
def test_a_boolean_mask_selects_as_numpy_does_and_scatters_the_gradient_back(as_index):
    x = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    picked = x[as_index([True, False, True, False])]
    np.testing.assert_array_equal(picked.data, [1.0, 3.0])
    (picked * Tensor([10.0, 20.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [10.0, 0.0, 20.0, 0.0])


def test_a_boolean_mask_tensor_in_a_tuple_index():
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    picked = x[Tensor([True, False, True]), 1]
    np.testing.assert_array_equal(picked.data, [1.0, 5.0])
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1], [0, 0], [0, 1]])


@pytest.mark.parametrize("index", [Tensor([1.7]), (Tensor([0.0, 2.5]),), Tensor([np.nan])],
                         ids=["fraction", "fraction in a tuple", "nan"])
def test_a_fractional_index_tensor_is_refused(index):
    x = Tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="index tensor must hold whole numbers"):
        x[index]


def test_an_integer_valued_index_tensor_still_indexes():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[Tensor([2.0, 0.0, 2.0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 2.0])


# ---- infinities, exponents and truth values -----------------------------------------------


@pytest.mark.parametrize("op, values, slopes", [
    (Tensor.relu, [-np.inf, np.inf], [0.0, 1.0]),
    (Tensor.sigmoid, [-np.inf, np.inf], [0.0, 0.0]),
    (Tensor.tanh, [-np.inf, np.inf], [0.0, 0.0]),
])
def test_activations_at_infinity_have_pytorchs_values_and_slopes(op, values, slopes):
    x, out = backward_without_warnings(op, np.array(values))
    assert not np.isnan(out.data).any()
    np.testing.assert_array_equal(x.grad, np.array(slopes) * [1.0, 2.0])
    if op is Tensor.relu:
        np.testing.assert_array_equal(out.data, [0.0, np.inf])


@pytest.mark.parametrize("op", [Tensor.softmax, Tensor.log_softmax])
def test_softmax_family_at_plus_minus_1e308_warns_nothing(op):
    x = Tensor([1e308, -1e308, 0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = op(x)
        out.backward(np.array([1.0, 0.5, 0.25]))
    assert out.data[0] == (1.0 if op is Tensor.softmax else 0.0)
    assert np.isfinite(x.grad).all()


@pytest.mark.parametrize("exponent", [math.inf, -math.inf, math.nan])
def test_a_non_finite_exponent_is_refused(exponent):
    with pytest.raises(ValueError, match="exponent must be a finite number"):
        Tensor([1.0, 2.0]) ** exponent


def test_truth_value_follows_numpy():
    assert not Tensor(0.0) and Tensor([3.0])
    for data in (np.zeros(2), np.ones((2, 2)), np.zeros(0)):
        with pytest.raises(ValueError, match=r"Tensor of shape .* is ambiguous"):
            bool(Tensor(data))


# ---- gradients are arrays their tensors own ------------------------------------------------


def test_every_gradient_is_a_writable_array_of_its_own():
    x = Tensor([[1.0, 2.0]], requires_grad=True)
    a = x.reshape(2)
    b = a + 0.0
    c = b.transpose()
    loss = c.sum()
    loss.backward()
    tensors = [x, a, b, c, loss]
    for t in tensors:
        assert t.grad.flags.writeable and t.grad.base is None
    assert len({id(t.grad) for t in tensors}) == len(tensors)
    b.grad += 1
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
    np.testing.assert_array_equal(c.grad, [1.0, 1.0])


def test_max_with_nan_sends_the_gradient_to_the_nan_as_pytorch_does():
    x = Tensor([1.0, np.nan, 3.0], requires_grad=True)
    out = x.max()
    out.backward()
    assert np.isnan(out.item())
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


def test_mean_over_a_missing_axis_is_the_same_error_as_sum():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError) as from_sum:
        x.sum(axis=5)
    with pytest.raises(ValueError) as from_mean:
        x.mean(axis=5)
    assert str(from_mean.value) == str(from_sum.value)
    assert "axis 5 is out of bounds" in str(from_mean.value)


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_softmax_over_an_empty_axis_is_an_empty_tensor(method):
    x = Tensor(np.ones((3, 0)), requires_grad=True)
    out = getattr(x, method)(axis=1)
    assert out.shape == (3, 0)
    out.sum().backward()
    assert x.grad.shape == (3, 0)


def test_a_float32_max_has_a_float32_gradient():
    x = Tensor(np.array([[1.0, 5.0], [5.0, 2.0]], dtype=np.float32), requires_grad=True)
    x.max(axis=0).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0], [1.0, 0.0]])
