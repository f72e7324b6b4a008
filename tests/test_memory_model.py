"""The memory model, as in PyTorch: what copies, what shares memory, and what an in-place
write does to the graph. Each test is a line of user code that once went silently wrong or
was refused where PyTorch answers; test_torch_oracle.py runs random programs of them.
"""

from __future__ import annotations

import numpy as np
import pytest

from tinygrad_nn import GradcheckError, Tensor, gradcheck, gradgradcheck, no_grad, ops
from tinygrad_nn.tensor import apply

VERSION_ERROR = "was changed after"

# ---- copies and views -------------------------------------------------------------


def test_a_tensor_made_from_an_array_or_a_tensor_copies_it():
    values = np.array([1.0, 2.0])
    made = Tensor(values)
    made += 1.0
    np.testing.assert_array_equal(values, [1.0, 2.0])
    again = Tensor(made)
    again += 1.0
    np.testing.assert_array_equal(made.data, [2.0, 3.0])
    assert not np.shares_memory(made.data, again.data)


def test_np_array_and_np_copy_copy_and_np_asarray_shares():
    t = Tensor([1.0, 2.0])
    best, copied, shared = np.array(t), np.copy(t), np.asarray(t)
    with no_grad():
        t -= 1.0  # an optimizer step, say
    np.testing.assert_array_equal(best, [1.0, 2.0])
    np.testing.assert_array_equal(copied, [1.0, 2.0])
    np.testing.assert_array_equal(shared, [0.0, 1.0])
    assert shared is t.numpy()
    assert np.array(t, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="avoid copy"):
        np.asarray(t, dtype=np.float32, copy=False)


def test_an_element_is_a_view_like_a_row_and_an_index_array_a_copy():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    element, row, picked = x[1, 1], x[1], x[[0, 1]]
    element += 10.0
    row *= 2.0
    picked += 100.0
    np.testing.assert_array_equal(x.data, [[1.0, 2.0], [6.0, 28.0]])
    assert element.shape == () and element.item() == 28.0


def test_item_writes_write_in_place_and_are_stamped():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="x")
    loss = (x * x).sum()
    with no_grad():
        x[0] += 1.0
        x[1, 1] = 0.0
    np.testing.assert_array_equal(x.data, [[2.0, 3.0], [3.0, 0.0]])
    with pytest.raises(RuntimeError, match=f"x {VERSION_ERROR} Mul"):
        loss.backward()


def test_a_mask_stays_a_mask_through_detach_and_tensor():
    x = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    mask = Tensor(np.array([True, False, True]))
    for kept in (mask, mask.detach(), Tensor(mask)):
        np.testing.assert_array_equal(x[kept].data, [[1.0, 2.0], [5.0, 6.0]])
    as_numbers = Tensor([1.0, 0.0, 1.0])  # floats index rows 1, 0, 1
    np.testing.assert_array_equal(x[as_numbers].data, [[3.0, 4.0], [1.0, 2.0], [3.0, 4.0]])


# ---- comparisons --------------------------------------------------------------------


@pytest.mark.parametrize("compare, expected", [
    (lambda a, b: a == b, [False, True, False]), (lambda a, b: a != b, [True, False, True]),
    (lambda a, b: a < b, [True, False, False]), (lambda a, b: a <= b, [True, True, False]),
    (lambda a, b: a > b, [False, False, True]), (lambda a, b: a >= b, [False, True, True]),
])
def test_comparisons_are_elementwise_masks_with_no_gradient(compare, expected):
    x = Tensor([0.0, 1.0, 2.0], requires_grad=True)
    mask = compare(x, 1.0)
    assert not mask.requires_grad and mask._op is None
    np.testing.assert_array_equal(mask.data, expected)
    rows = Tensor(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(rows[mask].data, rows.data[np.array(expected)])


def test_a_comparison_of_float32_tensors_is_a_float32_mask():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    assert (x > 1.0).dtype == np.float32


def test_x_equal_to_zero_selects_the_zero_rows():
    x = Tensor([0.0, 1.0, 0.0])
    X = Tensor([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    np.testing.assert_array_equal(X[x == 0].data, [[1.0, 1.0], [3.0, 3.0]])


def test_tensors_hash_by_identity_in_sets_and_dicts():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert len({a, b, a}) == 2
    assert {a: "a", b: "b"}[b] == "b"


# ---- gradients of their own ----------------------------------------------------------


def test_with_create_graph_every_tensor_owns_its_grad():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)
    a.grad *= 0.0
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])
    v = Tensor([1.0, 1.0])
    root = Tensor([1.0, 2.0], requires_grad=True)
    root.backward(v, create_graph=True)
    assert root.grad is not v
    root.grad *= 3.0
    np.testing.assert_array_equal(v.data, [1.0, 1.0])


def test_a_float32_input_gets_a_float32_gradient_with_create_graph():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x * np.array([3.0, 4.0])).sigmoid().sum().backward(create_graph=True)
    assert x.grad.dtype == np.float32


def test_a_0d_tensors_gradient_is_a_0d_array():
    x = Tensor(3.0, requires_grad=True)
    (x * x + x * x).backward()
    assert isinstance(x.grad, np.ndarray) and x.grad.shape == () and x.grad == 12.0


def test_a_numpy_integer_exponent_keeps_float32():
    x = Tensor(np.array([2.0], dtype=np.float32))
    assert (x ** np.int64(3)).dtype == np.float32


def test_clip_with_bounds_that_broadcast_gives_a_gradient_of_the_inputs_shape():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    low = np.array([[0.0], [2.5]])  # the output is (2, 3)
    x.clip(low).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 2.0])
    x.data = np.array([1.1, 2.2, 3.3])  # away from the kinks, for central differences
    assert gradcheck(lambda: (x.clip(low) ** 2).sum(), x)


# ---- grad mode ------------------------------------------------------------------------


def test_no_grad_works_bare_with_parentheses_on_generators_and_nested():
    x = Tensor([1.0], requires_grad=True)

    @no_grad
    def bare(t):
        return t * 2

    @no_grad()
    def steps(t):
        yield t * 2
        yield t * 3

    assert not bare(x).requires_grad
    assert [s.requires_grad for s in steps(x)] == [False, False]
    mode = no_grad()
    with mode:
        with mode:
            assert not (x * 1).requires_grad
        assert not (x * 1).requires_grad
    assert (x * 1).requires_grad


# ---- in-place writes on recorded tensors ---------------------------------------------


def test_micrograds_readme_program_runs_as_written_and_prints_its_numbers():
    a = Tensor(-4.0, requires_grad=True)
    b = Tensor(2.0, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_a_write_without_grad_into_a_recorded_tensor_is_refused_only_where_read():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2  # Mul reads the constant 2 for x's gradient, not y
    with no_grad():
        y += 1
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad, [12.0, 20.0])  # 2·y·2 with y = 2x + 1
    z = x.exp()  # Exp reads its output
    with no_grad():
        z += 1
    with pytest.raises(RuntimeError, match=f"{VERSION_ERROR} Exp"):
        z.sum().backward()


def test_earlier_users_keep_the_node_they_used_and_later_ones_see_the_write():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    before = y + 0.0  # Add reads nothing: it keeps y as it was, 3x
    alias = y
    y *= x  # now 3x², recorded
    assert alias is y and not np.shares_memory(before.data, y.data)
    np.testing.assert_array_equal(alias.data, [3.0, 12.0])
    (before.sum() + y.sum()).backward()
    np.testing.assert_array_equal(x.grad, [3.0 + 6.0, 3.0 + 12.0])


def test_a_backward_reading_an_overwritten_value_is_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    square = y * y  # Mul reads y
    y += 1.0
    with pytest.raises(RuntimeError, match=f"{VERSION_ERROR} Mul"):
        square.sum().backward()


def test_the_version_check_runs_under_create_graph_too():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    loss = (x * x).sum()
    with no_grad():
        x -= 0.5
    with pytest.raises(RuntimeError, match=f"x {VERSION_ERROR} Mul"):
        loss.backward(create_graph=True)


def test_backward_with_create_graph_records_even_under_no_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with no_grad():
        y.backward(create_graph=True)  # as PyTorch: create_graph turns recording on
    assert x.grad.requires_grad
    x.grad.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 6.0])  # 2x, then + d(sum 2x)/dx = 2


def test_a_recorded_product_in_place_keeps_the_value_its_backward_reads():
    w = Tensor([2.0, 3.0], requires_grad=True)
    made = Tensor([1.0, 4.0])  # requires no grad until a recorded write makes it
    made *= w  # Mul's backward for w reads made's old values, [1, 4]
    assert made.requires_grad
    np.testing.assert_array_equal(made.data, [2.0, 12.0])
    (made * made).sum().backward()
    np.testing.assert_array_equal(w.grad, 2 * made.data * [1.0, 4.0])


def test_an_item_update_of_a_recorded_tensor_gives_pytorchs_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = Tensor(2.0, requires_grad=True)
    y = x * 1.0
    y[1] += w * x[1]  # y = (x0, x1 + w·x1, x2)
    y[2] = w  # y = (x0, x1 + w·x1, w)
    (y * y).sum().backward()
    y1 = 2.0 + 2.0 * 2.0
    np.testing.assert_allclose(x.grad, [2.0, 2 * y1 * (1 + 2.0), 0.0])
    np.testing.assert_allclose(w.grad, 2 * y1 * 2.0 + 2 * 2.0)


def test_an_item_write_of_a_constant_into_a_recorded_tensor_cuts_its_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y[0] = 5.0
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 36.0])  # y = (5, 3x₁)


def test_an_in_place_write_into_a_view_made_before_a_recorded_write_is_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    first = y[0]
    y *= 2.0
    with pytest.raises(RuntimeError, match="shares its memory with"):
        first += 1.0


def test_a_view_made_before_a_recorded_write_of_its_memory_is_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    first = y[0]
    y *= 2.0
    with pytest.raises(RuntimeError, match="shares its memory with .* changed after it was made"):
        first * 1.0
    np.testing.assert_array_equal(first.data, 2.0)  # its values are the new ones
    with no_grad():  # values are only values where nothing is recorded
        np.testing.assert_array_equal((first * 1.0).data, 2.0)
    with pytest.raises(RuntimeError, match="shares its memory with"):
        Tensor(1.0) + first  # a stale view as any input, not only the first
    again = y[0]  # the view taken again, after the write, is current
    (again * 3.0).backward()
    np.testing.assert_array_equal(x.grad, [6.0, 0.0])


def test_an_in_place_write_into_a_parameter_or_its_view_needs_no_grad():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    with pytest.raises(RuntimeError, match=r"w \[…\] = …: .*no_grad"):
        w[0] = 5.0
    with pytest.raises(RuntimeError, match=r"a view of w, .*no_grad"):
        w[0] += 5.0
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


def test_an_item_write_of_one_number_from_the_place_itself_fills_as_in_pytorch():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    x[0] = x[0, 1]  # one number, read once
    x[1, 1:] = x[1, 2:]  # a value of one element, broadcast
    np.testing.assert_array_equal(x.data, [[1.0, 1.0, 1.0], [3.0, 5.0, 5.0]])
    torch = pytest.importorskip("torch")
    t = torch.arange(6.0, dtype=torch.float64).reshape(2, 3)
    t[0] = t[0, 1]
    t[1, 1:] = t[1, 2:]
    np.testing.assert_array_equal(x.data, t.numpy())


def test_a_write_that_overlaps_its_source_in_part_is_refused():
    x = Tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="shares part of its memory"):
        x[1:] += x[:2]
    with pytest.raises(RuntimeError, match="shares part of its memory"):
        x[:2] += x[1]  # one element, but an in-place op reads it as it writes (PyTorch refuses)
    with pytest.raises(RuntimeError, match="shares part of its memory"):
        x[1:] = x[:2]  # an item write of more than one number
    x += x  # the same elements: fine
    np.testing.assert_array_equal(x.data, [2.0, 4.0, 6.0])


# ---- clear errors ---------------------------------------------------------------------


@pytest.mark.parametrize("program, error, message", [
    (lambda: Tensor([1.0, 2.0]).__iadd__(np.ones(3)), ValueError, r"does not fit the shape \(2,\)"),
    (lambda: Tensor(np.ones((2, 3))).sum(axis=[0, 5]), ValueError, "axis 5 is out of bounds"),
    (lambda: Tensor([1.0, 2.0]).sum(axis=0.5), TypeError, "an axis is a whole number"),
    (lambda: Tensor([1.0, 2.0])[5], IndexError, r"Index: .*\(2,\).*out of bounds"),
    (lambda: Tensor([1.0, 2.0])[0.5], IndexError, r"Index: .*\(2,\).*only integers"),
    (lambda: Tensor([1.0, 2.0])[0, 0], IndexError, r"Index: .*too many indices"),
    (lambda: len(Tensor(1.0)), TypeError, "len.. of a 0-d Tensor"),
    (lambda: Tensor.over(np.broadcast_to(np.ones(2), (2, 2))).__iadd__(1.0), ValueError,
     "read-only"),
    (lambda: Tensor([1.0, 2.0]).scatter_add(Tensor([0.5, 0.0]), (3,)), ValueError,
     "whole numbers"),
])
def test_bad_input_gets_an_error_that_says_what_was_expected(program, error, message):
    with pytest.raises(error, match=message):
        program()


def test_each_refused_write_says_what_to_write_instead_in_full():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    x = Tensor([1.0, 2.0, 3.0], name="x")
    frozen = Tensor.over(np.broadcast_to(np.ones(2), (2, 2)))
    frozen.name = "frozen"
    parameter_refusal = ("an in-place update of a tensor that requires grad would become part "
                         "of the graph. Wrap the update in no_grad(): "
                         "`with no_grad(): p -= lr * p.grad`")
    cases = [
        (lambda: w.__isub__(1.0), f"w -= …: {parameter_refusal}"),
        (lambda: w[0].__iadd__(1.0), f"a tensor of shape () += …: a view of w, {parameter_refusal}"),
        (lambda: x.__iadd__(np.ones(2)), ("x += a tensor of shape (2,): it does not fit the "
                                          "shape (3,) written to (it must broadcast to it; an "
                                          "in-place write cannot change a shape)")),
        (lambda: x[1:].__iadd__(x[:2]), ("a tensor of shape (2,) += a tensor that shares part of "
                                         "its memory: the result would depend on the order the "
                                         "elements are written in. Write a copy: "
                                         "`x += y.clone()`")),
        (lambda: frozen.__imul__(2.0), ("frozen *= …: its memory is read-only (a numpy view "
                                        "such as np.broadcast_to); make a writable copy first")),
        (lambda: no_grad()(5), "no_grad() decorates a function; got 5"),
        (lambda: len(Tensor(1.0)), ("len() of a 0-d Tensor (a single number): it has no first "
                                    "axis. Use .size for the number of elements, or .item() for "
                                    "the number")),
        (lambda: x.astype(np.int64), "astype: a Tensor holds float64 or float32; got int64"),
        (lambda: x.sum().backward(), ("backward() on a tensor that does not require grad: no "
                                      "input of it has requires_grad=True, so there is nothing "
                                      "to differentiate")),
        (lambda: x[Tensor([0.5])], ("an index tensor must hold whole numbers (or be made from "
                                    "booleans); got 0.5 at index (0,)")),
        (lambda: (w * 2.0).backward(), ("backward() without a gradient needs a tensor with one "
                                        "element (a loss); this one has shape (2,). Reduce it "
                                        "first (.sum(), .mean()) or pass a gradient of shape "
                                        "(2,)")),
        (lambda: (w * 2.0).backward(np.ones(3)), ("backward(): the gradient has shape (3,) but "
                                                  "the tensor has shape (2,); they must be "
                                                  "equal")),
    ]
    for symbol, update in (("+", w.__iadd__), ("-", w.__isub__), ("*", w.__imul__),
                           ("/", w.__itruediv__)):
        cases.append((lambda update=update: update(1.0), f"w {symbol}= …: {parameter_refusal}"))
    for program, message in cases:
        with pytest.raises((RuntimeError, ValueError, TypeError)) as error:
            program()
        assert str(error.value) == message


def test_scatter_add_and_cross_entropy_take_tensors_of_whole_numbers():
    np.testing.assert_array_equal(Tensor([1.0, 2.0]).scatter_add(Tensor([0.0, 0.0]), (2,)).data,
                                  [3.0, 0.0])
    from tinygrad_nn import nn
    logits = Tensor([[1.0, 2.0], [0.5, 0.0]])
    assert nn.cross_entropy(logits, Tensor([1.0, 0.0])).item() == \
        nn.cross_entropy(logits, np.array([1, 0])).item()


def test_a_tensor_shows_its_values_name_op_and_whether_it_requires_grad():
    x = Tensor([1.0, 2.123456], requires_grad=True, name="x")
    assert repr(x) == "Tensor([1.    , 2.1235], name='x', requires_grad=True)"
    assert repr(x * 2.0) == "Tensor([2.    , 4.2469], op=Mul, requires_grad=True)"
    assert repr(Tensor([[1.0, 2.0], [3.0, 4.0]])) == "Tensor([[1., 2.],\n        [3., 4.]])"


def test_max_keeps_no_axis_unless_asked():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.max().shape == () and x.max(axis=0).shape == (3,)
    assert x.max(axis=1, keepdims=True).shape == (2, 1)


# ---- gradgradcheck catches a backward whose graph is wrong -----------------------------


class MulWithAConstantSlope(ops.Mul):
    """a·b whose backward uses b's values as a constant: right first derivatives, a wrong
    mixed second derivative d²(ab)/da db (0 instead of 1)."""

    def backward(self, g, a, b, out):
        need_a, need_b = self.needs_grad
        return (g * ops.values(b) if need_a else None, g * ops.values(a) if need_b else None)


def test_gradgradcheck_catches_a_wrong_mixed_second_derivative():
    a = Tensor([0.5, -1.0], requires_grad=True, name="a")
    b = Tensor([2.0, 3.0], requires_grad=True, name="b")
    product = lambda: apply(MulWithAConstantSlope, a, b).sum()
    assert gradcheck(product, a, b)
    with pytest.raises(GradcheckError, match=r"d²f / da\(0,\) db\(0,\): autograd 0.0"):
        gradgradcheck(product, a, b)
    assert gradgradcheck(lambda: (a * b).sum(), a, b)


# ---- the ops of this model -------------------------------------------------------------


def test_clip_passes_the_gradient_at_its_bounds_as_pytorchs_clamp():
    x = Tensor([-1.0, 0.0, 0.5, 1.0, 2.0], requires_grad=True)
    x.clip(0.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0, 1.0, 0.0])
    torch = pytest.importorskip("torch")
    t = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
    t.clamp(0.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


def test_an_item_write_hands_no_gradient_to_a_side_that_needs_none():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    y[0] = 5.0  # a constant into a recorded tensor
    op = y._op
    g = np.ones(2)
    assert op.needs_grad == (True, False)
    assert op.backward(g, *[t.data for t in op.inputs], y.data)[1] is None
    constant = Tensor([0.0, 0.0])
    constant[1] = x[0]  # a recorded value into a constant
    op = constant._op
    assert op.needs_grad == (False, True)
    assert op.backward(g, *[t.data for t in op.inputs], constant.data)[0] is None


def test_hessian_and_gradgradcheck_say_what_f_must_return_in_full():
    from tinygrad_nn import hessian
    x = Tensor([1.0, 2.0], requires_grad=True)
    for caller, call in (("hessian", lambda f: hessian(f, x)),
                         ("gradgradcheck", lambda f: gradgradcheck(f, x))):
        for f, got in ((lambda: x * x, "(2,)"), (lambda: 3.0, "float")):
            with pytest.raises(ValueError) as error:
                call(f)
            assert str(error.value) == (f"{caller}: f() must return a Tensor holding one "
                                        f"number (a loss); got {got}")


@pytest.mark.parametrize("op", [ops.Add, ops.Sub, ops.Mul, ops.Div, ops.MatMul])
def test_a_binary_op_hands_no_gradient_to_a_side_that_needs_none(op):
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5, 1.0], [2.0, 4.0]])
    for needs in ((True, False), (False, True)):
        out = apply(op, Tensor(a, requires_grad=needs[0]), Tensor(b, requires_grad=needs[1]))
        grads = out._op.backward(np.ones_like(out.data), a, b, out.data)
        assert [g is not None for g in grads] == list(needs)
