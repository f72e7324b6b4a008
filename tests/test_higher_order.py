"""Derivatives of derivatives: every op's second derivatives against central
differences of its gradient (gradgradcheck) and, when PyTorch is installed,
against its double backward; grad(), hessian() and backward(create_graph=True)
themselves; a third derivative against its closed form."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest
from test_ops import OP_TABLE, OpCase, draw_inputs

from tinygrad_nn import GradcheckError, Tensor, grad, gradgradcheck, hessian, nn, no_grad, ops, viz
from tinygrad_nn.tensor import apply

every_op = pytest.mark.parametrize("case", OP_TABLE, ids=str)


def squared_loss(case: OpCase, weight: np.ndarray):
    """Σ w·out²: its gradient 2·w·out·(dout/dx) depends on the inputs through the
    op's backward itself, so even a linear op's backward (a scatter, a broadcast)
    is differentiated, not only the op."""
    return lambda *inputs: ((case.torch_fn or case.tensor_fn)(*inputs) ** 2 * weight).sum()


def ours_and_torch_inputs(case: OpCase):
    torch = pytest.importorskip("torch")
    arrays, weight = draw_inputs(case)
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    directions = [np.random.default_rng(7).normal(size=a.shape) for a in arrays]
    return torch, ours, theirs, weight, directions


@every_op
def test_second_derivatives_match_finite_differences_of_the_gradient(case: OpCase):
    arrays, weight = draw_inputs(case)
    tensors = [Tensor(a.copy(), requires_grad=True, name=f"input {i}") for i, a in enumerate(arrays)]
    assert gradgradcheck(lambda: (case.tensor_fn(*tensors) ** 2 * weight).sum(), *tensors,
                         atol=1e-6, rtol=1e-5)


@every_op
def test_second_derivatives_match_torch_double_backward(case: OpCase):
    """H·v for a random v: the gradient of Σ ⟨∇ᵢL, vᵢ⟩, to 1e-8 relative."""
    torch, ours, theirs, weight, directions = ours_and_torch_inputs(case)
    our_loss = ((case.tensor_fn(*ours)) ** 2 * weight).sum()
    their_loss = squared_loss(case, torch.from_numpy(weight))(*theirs)
    our_grads = grad(our_loss, ours, create_graph=True)
    their_grads = torch.autograd.grad(their_loss, theirs, create_graph=True)
    for mine, reference in zip(our_grads, their_grads):
        np.testing.assert_allclose(mine.data, reference.detach().numpy(), rtol=1e-10, atol=1e-12)
    our_hv = grad(sum((g * v).sum() for g, v in zip(our_grads, directions)), ours)
    their_hv = torch.autograd.grad(
        sum((g * torch.from_numpy(v)).sum() for g, v in zip(their_grads, directions)), theirs,
        allow_unused=True)
    for i, (mine, reference) in enumerate(zip(our_hv, their_hv)):
        expected = np.zeros(mine.shape) if reference is None else reference.numpy()
        np.testing.assert_allclose(mine.data, expected, rtol=1e-8, atol=1e-10,
                                   err_msg=f"{case}: H·v of input {i}")


LOSSES = {
    "mse_loss": (nn.mse_loss, "mse_loss", lambda rng: rng.normal(size=(4, 1))),
    "binary_cross_entropy": (nn.binary_cross_entropy, "binary_cross_entropy",
                             lambda rng: rng.uniform(0.2, 0.8, (4, 1))),
    "binary_cross_entropy_with_logits": (nn.binary_cross_entropy_with_logits,
                                         "binary_cross_entropy_with_logits",
                                         lambda rng: rng.normal(size=(4, 1))),
}


@pytest.mark.parametrize("name", LOSSES)
def test_losses_second_derivatives_in_prediction_and_target(name: str):
    loss_fn, torch_name, sample = LOSSES[name]
    rng = np.random.default_rng(3)
    pred = Tensor(sample(rng), requires_grad=True, name="pred")
    target = Tensor(rng.uniform(0.0, 1.0, (4, 1)), requires_grad=True, name="target")
    assert gradgradcheck(lambda: loss_fn(pred, target) * 3.0, pred, target, atol=1e-6, rtol=1e-5)
    torch = pytest.importorskip("torch")
    pred_t, target_t = (torch.tensor(t.data, requires_grad=True) for t in (pred, target))
    theirs = [[torch.autograd.grad(g, (pred_t, target_t), grad_outputs=one_hot,
                                   retain_graph=True, allow_unused=True)
               for one_hot in _one_hots(g.shape, torch)]
              for g in torch.autograd.grad(getattr(torch.nn.functional, torch_name)(pred_t, target_t),
                                           (pred_t, target_t), create_graph=True)]
    ours = grad(loss_fn(pred, target), [pred, target], create_graph=True)
    for g, their_rows in zip(ours, theirs):
        for one_hot, their_row in zip(_one_hots(g.shape, np), their_rows):
            for mine, reference in zip(grad(g, [pred, target], grad_output=one_hot), their_row):
                expected = np.zeros(mine.shape) if reference is None else reference.numpy()
                np.testing.assert_allclose(mine.data, expected, rtol=1e-8, atol=1e-12)


def _one_hots(shape, lib):
    """One array per element of `shape`, 1 there and 0 elsewhere (numpy or torch)."""
    eye = np.eye(int(np.prod(shape))).reshape(-1, *shape)
    return [row if lib is np else lib.from_numpy(row) for row in eye]


def test_cross_entropy_second_derivatives():
    rng = np.random.default_rng(4)
    logits = Tensor(rng.normal(size=(3, 4)), requires_grad=True, name="logits")
    labels = np.array([0, 3, 3])
    assert gradgradcheck(lambda: nn.cross_entropy(logits, labels), logits, atol=1e-6, rtol=1e-5)
    torch = pytest.importorskip("torch")
    logits_t = torch.tensor(logits.data, requires_grad=True)
    theirs = torch.autograd.functional.hessian(
        lambda z: torch.nn.functional.cross_entropy(z, torch.from_numpy(labels)), logits_t)
    np.testing.assert_allclose(hessian(lambda: nn.cross_entropy(logits, labels), logits),
                               theirs.numpy(), rtol=1e-8, atol=1e-12)


def test_third_derivative_of_x_exp_x_is_x_plus_3_times_exp_x():
    x = Tensor(np.array([-1.5, 0.0, 0.4, 2.0]), requires_grad=True)
    ones = np.ones(4)
    (first,) = grad((x * x.exp()).sum(), x, create_graph=True)
    (second,) = grad(first, x, grad_output=ones, create_graph=True)
    (third,) = grad(second, x, grad_output=ones)
    closed = lambda k: (x.data + k) * np.exp(x.data)
    np.testing.assert_allclose(first.data, closed(1), rtol=1e-14)
    np.testing.assert_allclose(second.data, closed(2), rtol=1e-14)
    np.testing.assert_allclose(third.data, closed(3), rtol=1e-14)


def small_network(rng: np.random.Generator):
    """A 2-3-1 tanh network and its loss on four points, as a function of w1."""
    X, y = rng.normal(size=(4, 2)), np.array([[0.0], [1.0], [1.0], [0.0]])
    w1 = Tensor(rng.normal(size=(2, 3)), requires_grad=True, name="w1")
    b1, w2, b2 = rng.normal(size=3), rng.normal(size=(3, 1)), rng.normal(size=1)
    loss = lambda: nn.binary_cross_entropy_with_logits((X @ w1 + b1).tanh() @ w2 + b2, y)
    return w1, loss, (X, y, b1, w2, b2)


def test_hessian_of_a_small_network_loss_matches_torch():
    torch = pytest.importorskip("torch")
    w1, loss, (X, y, b1, w2, b2) = small_network(np.random.default_rng(5))
    t = torch.from_numpy

    def their_loss(w):
        z = torch.tanh(t(X) @ w + t(b1)) @ t(w2) + t(b2)
        return torch.nn.functional.binary_cross_entropy_with_logits(z, t(y))

    expected = torch.autograd.functional.hessian(their_loss, t(w1.data.copy())).numpy()
    actual = hessian(loss, w1)
    assert actual.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(actual, expected, rtol=1e-8, atol=1e-12)


def test_hessian_of_the_mean_squared_error_is_two_xtx_over_n():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 1))
    w = Tensor(np.zeros((3, 1)), requires_grad=True)
    H = hessian(lambda: nn.mse_loss(X @ w, y), w)
    np.testing.assert_allclose(H.reshape(3, 3), 2 * X.T @ X / 7, rtol=1e-13)


class SquareWithAConstantSlope(ops.Op):
    """x², whose backward uses the forward's *array* of x instead of the x it is handed: right in
    value (gradcheck passes) but a constant to the recorded graph, so its second
    derivative comes out 0 instead of 2."""

    def forward(self, x):
        self.x_array = x
        return x * x

    def backward(self, g, x, out):
        return (g * 2 * self.x_array,)


def test_gradgradcheck_catches_a_wrong_second_derivative_that_gradcheck_passes():
    from tinygrad_nn import gradcheck

    x = Tensor(np.array([0.5, -1.25]), requires_grad=True, name="x")
    f = lambda: apply(SquareWithAConstantSlope, x).sum()
    assert gradcheck(f, x)
    with pytest.raises(GradcheckError, match=r"d²f / dx\(0,\) dx\(0,\): autograd 0\.0, finite "
                                             r"differences of the gradient 2\.0"):
        gradgradcheck(f, x)


def test_gradgradcheck_refuses_float32_and_tensors_without_gradients():
    coarse = Tensor(np.array([0.5, 2.0], dtype=np.float32), requires_grad=True, name="w")
    with pytest.raises(TypeError, match="gradgradcheck needs float64 tensors; w is float32"):
        gradgradcheck(lambda: (coarse * coarse).sum(), coarse)
    constant = Tensor(np.array([0.5, 2.0]), name="c")
    with pytest.raises(ValueError, match="c has requires_grad=False"):
        gradgradcheck(lambda: (constant * constant).sum(), constant)


def test_gradgradcheck_checks_the_mixed_blocks_of_two_tensors():
    """d²(Σ a·b²)/da db = 2b on the diagonal: the blocks between different tensors are
    compared too, each element of each in its place."""
    a = Tensor(np.array([0.5, -1.5]), requires_grad=True, name="a")
    b = Tensor(np.array([[2.0], [0.25]]), requires_grad=True, name="b")
    assert gradgradcheck(lambda: (a.reshape(2, 1) * b * b).sum(), a, b)


def test_backward_with_create_graph_leaves_grads_that_can_be_differentiated():
    x = Tensor(np.array([0.3, -0.8]), requires_grad=True)
    y = (x**3).sum()
    y.backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.requires_grad
    np.testing.assert_allclose(np.asarray(x.grad), 3 * x.data**2, rtol=1e-15)
    (second,) = grad(x.grad.sum(), x)
    np.testing.assert_allclose(second.data, 6 * x.data, rtol=1e-15)


def test_grad_leaves_grad_alone_and_answers_for_each_input():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    unused = Tensor(np.ones((2, 2)), requires_grad=True)
    gx, gu = grad((x * x).sum(), [x, unused])
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])
    np.testing.assert_array_equal(gu.data, np.zeros((2, 2)))
    assert x.grad is None and not gx.requires_grad
    (gy,) = grad(x * x, x, grad_output=np.array([1.0, -1.0]))
    np.testing.assert_array_equal(gy.data, [2.0, -4.0])


def test_grad_refuses_what_it_cannot_differentiate():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(ValueError, match=r"without a grad_output needs a tensor with one element"):
        grad(x * x, x)
    with pytest.raises(ValueError, match=r"grad_output has shape \(3,\) but the tensor has shape \(2,\)"):
        grad(x * x, x, grad_output=np.ones(3))
    with pytest.raises(ValueError, match=r"input 0 must be a Tensor with requires_grad=True"):
        grad((x * x).sum(), Tensor([1.0]))


def test_create_graph_records_even_under_no_grad():
    x = Tensor(np.array([0.7]), requires_grad=True)
    loss = x.tanh().sum()
    with no_grad():
        (g,) = grad(loss, x, create_graph=True)
    assert g.requires_grad
    (second,) = grad(g.sum(), x)
    t = np.tanh(0.7)
    np.testing.assert_allclose(second.data, [-2 * t * (1 - t * t)], rtol=1e-14)


def test_the_backward_graph_is_drawn_with_the_forward_graph_it_reads():
    """Backprop of backprop: the gradient of σ(w·x) is σ·(1 − σ)·x, read from the saved
    output σ alone (as PyTorch's), so its drawing holds one σ op, a subtraction, and
    reaches back to w."""
    w = Tensor(np.array([0.5]), requires_grad=True, name="w")
    (g,) = grad((w * 2.0).sigmoid().sum(), w, create_graph=True)
    source = viz.draw_graph(g).source
    assert source.count('label="σ"') == 1 and source.count('label="−"') == 1
    assert "w" in source and source.count('label="×"') >= 3


def test_grad_of_an_output_that_requires_no_gradient_names_the_forgotten_create_graph():
    x = Tensor(np.array([0.5, 2.0]), requires_grad=True)
    (first,) = grad((x**3).sum(), x)  # create_graph forgotten: a plain array inside
    with pytest.raises(RuntimeError, match=r"needs create_graph=True"):
        grad(first.sum(), x)


def test_hessian_and_gradgradcheck_record_what_they_need_under_no_grad():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    with no_grad():
        H = hessian(lambda: (w[0] * w[1]) ** 2, w)
        assert gradgradcheck(lambda: (w.tanh() * w).sum(), w)
    np.testing.assert_array_equal(H, [[8.0, 8.0], [8.0, 2.0]])


def test_create_graph_under_no_grad_records_where_contributions_add_up():
    x = Tensor(np.array([3.0]), requires_grad=True)
    square = (x * x).sum()
    with no_grad():
        (first,) = grad(square, x, create_graph=True)  # x's two contributions added
    (second,) = grad(first.sum(), x)
    np.testing.assert_array_equal(first.data, [6.0])
    np.testing.assert_array_equal(second.data, [2.0])


def test_backward_with_create_graph_keeps_the_graph_of_its_upstream_gradient():
    x = Tensor(np.array([0.5, -2.0]), requires_grad=True)
    v = Tensor(np.array([1.0, 1.0]), requires_grad=True)
    (x**3).backward(v, create_graph=True)  # x.grad = 3x²·v
    (dv,) = grad(x.grad.sum(), v)
    np.testing.assert_allclose(dv.data, 3 * x.data**2, rtol=1e-15)


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
def test_racing_backward_passes_change_nothing_they_share(create_graph):
    """Eight threads differentiate one graph at once, switching every microsecond: each
    gets the single-threaded gradient, and the graph works afterwards."""
    x = Tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), requires_grad=True)
    w = Tensor(np.linspace(0.5, 1.5, 6).reshape(3, 2), requires_grad=True)
    loss = ((x @ w).sigmoid() * (x @ w).tanh()).sum() + x.max() + x[0, [0, 2]].sum()
    expected = [g.data for g in grad(loss, [x, w], create_graph=create_graph)]
    plain_x = grad(loss, [x])[0].data  # a plain pass, which may round otherwise than a recorded one
    results, failures = [], []

    def differentiate() -> None:
        try:
            for _ in range(20):
                results.append([g.data for g in grad(loss, [x, w], create_graph=create_graph)])
        except Exception as error:  # noqa: BLE001 -- collected, reported below
            failures.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=differentiate) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failures and len(results) == 160
    for got in results:
        for g, want in zip(got, expected):
            np.testing.assert_array_equal(g, want)
    loss.backward()
    np.testing.assert_array_equal(x.grad, plain_x)


def test_relu_clip_and_max_keep_float32_under_create_graph_and_a_list_grad_output():
    x = Tensor(np.array([0.5, -1.0, 2.0], dtype=np.float32), requires_grad=True)
    for f in (lambda: (x.relu() * x).sum(), lambda: (x.clip(-0.5, 1.0) * x).sum(),
              lambda: x.max() * x.sum()):
        (first,) = grad(f(), x, create_graph=True)
        (second,) = grad(first.sum(), x)
        assert first.dtype == second.dtype == np.float32
    (g,) = grad(x * 2.0, x, grad_output=[1.0, 1.0, 1.0], create_graph=True)
    assert g.dtype == np.float32
