"""The guards: in-place operators, versions that belong to memory, grad mode, gradients
of their own. Each test is a line of user code that would otherwise go silently wrong.
"""

from __future__ import annotations

import numpy as np
import pytest

from tinygrad_nn import Tensor, nn, no_grad, optim
from tinygrad_nn.guards import enable_grad, is_grad_enabled

VERSION_ERROR = "was changed after"

# ---- in-place operators ---------------------------------------------------------


def twelve_point_model() -> tuple[nn.Sequential, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 1)), (rng.random((12, 1)) > 0.5).astype(float)
    return nn.Sequential(nn.Linear(1, 2, rng=1), nn.Sigmoid(), nn.Linear(2, 1, rng=2)), X, y


def test_the_manual_update_learners_type_first_trains_the_model_as_sgd_does():
    model, X, y = twelve_point_model()
    twin, _, _ = twelve_point_model()
    opt = optim.SGD(twin.parameters(), lr=0.5)
    params_before = model.parameters()
    losses = []
    for _ in range(3):
        loss = nn.binary_cross_entropy_with_logits(model(X), y)
        model.zero_grad()
        loss.backward()
        with no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
        losses.append(loss.item())
        twin_loss = nn.binary_cross_entropy_with_logits(twin(X), y)
        opt.zero_grad()
        twin_loss.backward()
        opt.step()
    assert losses[0] > losses[1] > losses[2]
    assert all(a is b for a, b in zip(model.parameters(), params_before))
    for mine, sgd in zip(model.parameters(), twin.parameters()):
        np.testing.assert_array_equal(mine.data, sgd.data)


def test_an_update_of_a_module_attribute_keeps_the_parameter():
    layer = nn.Linear(2, 3, rng=0)
    weight = layer.weight
    before = weight.data.copy()
    with no_grad():
        layer.weight -= 1.0
    assert layer.weight is weight and weight.requires_grad and weight._op is None
    assert len(layer.parameters()) == 2
    np.testing.assert_array_equal(weight.data, before - 1.0)


@pytest.mark.parametrize("symbol, update, reference", [
    ("+", lambda t, v: t.__iadd__(v), np.add), ("-", lambda t, v: t.__isub__(v), np.subtract),
    ("*", lambda t, v: t.__imul__(v), np.multiply), ("/", lambda t, v: t.__itruediv__(v), np.divide),
])
def test_each_in_place_operator_rewrites_the_same_memory(symbol, update, reference):
    values = np.array([[1.0, -2.0], [3.0, 0.5]])
    x = Tensor(values.copy())
    memory = x.data
    other = np.array([2.0, -4.0])  # broadcast over the rows
    assert update(x, other) is x
    assert x.data is memory
    np.testing.assert_array_equal(x.data, reference(values, other))


def test_an_in_place_update_of_a_parameter_outside_no_grad_says_to_wrap_it():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    w.grad = np.array([0.5, 0.5])
    with pytest.raises(RuntimeError, match=r"w -= …: .*Wrap the update in no_grad\(\)"):
        w -= 0.1 * w.grad
    with pytest.raises(RuntimeError, match=r"w \+= …"):
        w += 1
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_an_in_place_update_of_a_recorded_tensor_is_recorded_on_the_same_object():
    w = Tensor([1.0, 2.0], requires_grad=True)
    hidden = w * 2.0
    same = hidden
    hidden *= w  # hidden = 2w², recorded: its earlier value 2w is kept for Mul's backward
    assert hidden is same and hidden._op is not None
    np.testing.assert_array_equal(same.data, [2.0, 8.0])
    hidden.sum().backward()
    np.testing.assert_array_equal(w.grad, [4.0, 8.0])  # d(2w²)/dw = 4w


def test_a_constant_updated_in_place_by_a_tensor_that_requires_grad_joins_the_graph():
    w = Tensor([1.0, 2.0], requires_grad=True)
    constant = Tensor([3.0, 3.0])
    constant *= w
    assert constant.requires_grad
    (constant * constant).sum().backward()
    np.testing.assert_array_equal(w.grad, [18.0, 36.0])  # d(9w²)/dw = 18w
    plain = Tensor([1.0, 1.0])
    plain += 1.0  # neither side is recorded: a plain write
    assert not plain.requires_grad and plain._op is None
    np.testing.assert_array_equal(plain.data, [2.0, 2.0])


def test_an_in_place_update_is_a_write_that_the_graph_sees():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    with no_grad():
        w += 1.0
    with pytest.raises(RuntimeError, match=f"w {VERSION_ERROR} Mul used it"):
        loss.backward()


def test_in_place_results_must_fit_the_tensor_keep_its_dtype_and_its_domain():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), name="x")
    with pytest.raises(ValueError, match=r"shape \(3, 2\): it does not fit the shape \(2,\)"):
        x += np.ones((3, 2))
    x *= np.array([0.5, 0.5])  # float64 values, written into float32 memory
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.data, [0.5, 1.0])
    with pytest.raises(ValueError, match="the divisor must not be 0"):
        x /= np.array([1.0, 0.0])
    np.testing.assert_array_equal(x.data, [0.5, 1.0])


# ---- versions belong to memory ----------------------------------------------------


def test_a_step_on_w_is_seen_through_its_detached_copy():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    v = Tensor([3.0, 4.0], requires_grad=True, name="v")
    loss = (w.detach() * v).sum()
    w.grad = np.ones(2)
    optim.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match=VERSION_ERROR):
        loss.backward()


def test_a_write_through_the_data_of_a_tensor_is_seen_through_its_transpose():
    X = Tensor(np.arange(6.0).reshape(3, 2), name="X")
    W = Tensor(np.ones((3, 1)), requires_grad=True, name="W")
    loss = (X.T @ W).sum()
    X.data -= 10
    with pytest.raises(RuntimeError, match=VERSION_ERROR):
        loss.backward()


def test_a_view_shares_the_version_and_a_copy_does_not():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    loss = (x * x).sum()
    picked = x[[0, 1]].detach()  # integer indexing: numpy makes a copy
    with no_grad():
        picked += 5.0
    loss.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])
    window = x.detach()[0:2]  # basic indexing: a view of x's memory
    with no_grad():
        window += 5.0
    with pytest.raises(RuntimeError, match=f"x {VERSION_ERROR}"):
        loss.backward()


def test_a_write_into_an_ops_output_is_seen_by_its_backward():
    x = Tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    with no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match=f"{VERSION_ERROR} Exp used it"):
        y.sum().backward()


# ---- grad mode --------------------------------------------------------------------


def test_enable_grad_records_inside_no_grad_and_both_restore_the_mode():
    x = Tensor([1.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        with enable_grad():
            assert (x * x).requires_grad
        assert not (x * x).requires_grad
    assert is_grad_enabled()


# ---- gradients of their own ---------------------------------------------------------


def test_no_two_tensors_share_the_memory_of_their_gradients():
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.ones((2, 3)), requires_grad=True)
    c = Tensor(np.ones((3, 2)), requires_grad=True)
    total = a + b
    (total + c.T.reshape(2, 3)).sum().backward()
    grads = [a.grad, b.grad, c.grad, total.grad]
    for i, first in enumerate(grads):
        for second in grads[i + 1:]:
            assert not np.shares_memory(first, second)
    a.grad *= 0.5  # gradient clipping by hand changes a's gradient only
    np.testing.assert_array_equal(b.grad, np.ones((2, 3)))


def test_a_float32_tensor_gets_a_float32_gradient_from_a_float64_op():
    w = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    x = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (w * x).sum().backward()
    assert w.grad.dtype == np.float32 and x.grad.dtype == np.float64
    np.testing.assert_array_equal(w.grad, [3.0, 4.0])
