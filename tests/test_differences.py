"""The deliberate differences from PyTorch, one test each (docs/differences.md): what this
engine does, and, where PyTorch is installed, that PyTorch answers otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tinygrad_nn import Tensor, nn

try:
    import torch
except ImportError:
    torch = None

PAGE = Path(__file__).resolve().parent.parent / "docs" / "differences.md"


def pytorch(values):
    return torch.tensor(values, dtype=torch.float64)


def test_the_page_lists_as_many_differences_as_this_file_tests():
    rows = [line for line in PAGE.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| |")]
    tests = [test for name, test in globals().items()
             if name.startswith("test_") and "page" not in name]
    cases = sum(len(test.pytestmark[0].args[1]) if hasattr(test, "pytestmark") else 1
                for test in tests)
    assert len(rows) == cases == 11


def test_weights_are_in_out():
    assert nn.Linear(3, 2, rng=0).weight.shape == (3, 2)
    if torch is not None:
        assert tuple(torch.nn.Linear(3, 2).weight.shape) == (2, 3)


@pytest.mark.parametrize("program, message, torch_program", [
    (lambda: Tensor([1.0]) / Tensor([0.0]), "the divisor must not be 0",
     lambda: pytorch([1.0]) / pytorch([0.0])),
    (lambda: Tensor([710.0]).exp(), "exp x overflows", lambda: pytorch([710.0]).exp()),
    (lambda: Tensor([0.0]).log(), "log x needs x > 0", lambda: pytorch([0.0]).log()),
    (lambda: Tensor(np.ones((0, 2))).mean(), "mean.. over no elements",
     lambda: pytorch(np.ones((0, 2))).mean()),
], ids=["division by zero", "exp overflow", "log of 0", "mean of nothing"])
def test_values_outside_the_domain_are_refused_where_pytorch_gives_inf_or_nan(
        program, message, torch_program):
    with pytest.raises(ValueError, match=message):
        program()
    if torch is not None:
        assert not np.isfinite(torch_program().numpy()).all()


def test_a_view_made_before_a_recorded_write_is_refused_where_pytorch_re_derives_it():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    first = y[0]
    y *= 3.0
    with pytest.raises(RuntimeError, match="shares its memory with"):
        (first * first).backward()
    if torch is not None:
        tx = pytorch([1.0, 2.0]).requires_grad_()
        ty = tx * 1.0
        tfirst = ty[0]
        ty *= 3.0
        (tfirst * tfirst).backward()
        np.testing.assert_allclose(tx.grad.numpy(), [18.0, 0.0])


def test_sqrt_reads_its_input_where_pytorchs_reads_its_result():
    x = Tensor([4.0], requires_grad=True)
    y = x * 1.0
    root = y.sqrt()
    y += 1.0
    with pytest.raises(RuntimeError, match="was changed after Pow used it"):
        root.backward(np.ones(1))
    if torch is not None:
        ty = pytorch([4.0]).requires_grad_() * 1.0
        troot = ty.sqrt()
        ty += 1.0
        troot.backward(torch.ones(1, dtype=torch.float64))


def test_np_array_of_a_tensor_that_requires_grad_is_a_copy():
    w = Tensor([1.0, 2.0], requires_grad=True)
    snapshot = np.array(w)
    assert not np.shares_memory(snapshot, w.data)
    if torch is not None:
        with pytest.raises(RuntimeError, match="requires grad"):
            pytorch([1.0, 2.0]).requires_grad_().numpy()


def test_intermediates_keep_their_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    hidden = x * 2.0
    (hidden * hidden).sum().backward()
    np.testing.assert_array_equal(hidden.grad, [4.0, 8.0])
    if torch is not None:
        tx = pytorch([1.0, 2.0]).requires_grad_()
        thidden = tx * 2.0
        (thidden * thidden).sum().backward()
        with pytest.warns(UserWarning, match="retain_grad"):
            assert thidden.grad is None


def test_a_second_backward_accumulates_without_retain_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])
    if torch is not None:
        tx = pytorch([1.0, 2.0]).requires_grad_()
        tloss = (tx * tx).sum()
        tloss.backward()
        with pytest.raises(RuntimeError, match=re.escape("retain_graph=True")):
            tloss.backward()


def test_a_write_whose_value_overlaps_its_place_is_refused_where_pytorchs_answer_depends_on_order():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(RuntimeError, match="shares part of its memory"):
        x[:, 1:] = x[:, :2]  # meant: shift each row right by one
    np.testing.assert_array_equal(x.data, np.arange(6.0).reshape(2, 3))  # nothing written
    if torch is not None:
        t = torch.arange(6.0, dtype=torch.float64).reshape(2, 3)
        t[:, 1:] = t[:, :2]  # no refusal: the first element is smeared along each row
        np.testing.assert_array_equal(t.numpy(), [[0.0, 0.0, 0.0], [3.0, 3.0, 3.0]])
        shifted = np.arange(6.0).reshape(2, 3)
        shifted[:, 1:] = shifted[:, :2].copy()
        assert not np.array_equal(t.numpy(), shifted)
