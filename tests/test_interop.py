"""The bridge to PyTorch: the same network computes the same outputs and gradients on both
sides, and training can move across. Skipped where PyTorch is not installed, apart from
the error that says how to install it."""

import sys

import numpy as np
import pytest

from tinygrad_nn import Tensor, datasets, interop, nn, optim


def _network(activation: type[nn.Module], seed: int = 0) -> nn.Sequential:
    return nn.Sequential(nn.Linear(2, 5, rng=seed), activation(), nn.Linear(5, 3, rng=seed + 1),
                         nn.Tanh(), nn.Linear(3, 2, rng=seed + 2), nn.Softmax())


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_without_pytorch_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install tinygrad-nn\[torch\]"):
        interop.to_torch(_network(nn.ReLU))
    with pytest.raises(ImportError, match=r"tinygrad-nn\[torch\]"):
        interop.from_torch(object())


@pytest.mark.parametrize("activation", [nn.Sigmoid, nn.Tanh, nn.ReLU, nn.Identity])
def test_to_torch_gives_the_same_outputs_and_gradients(torch, activation):
    ours = _network(activation)
    theirs = interop.to_torch(ours)
    X = np.random.default_rng(3).normal(size=(7, 2))
    target = np.random.default_rng(4).random((7, 2))

    loss = ((ours(X) - target) ** 2).sum()
    loss.backward()
    X_t = torch.tensor(X)
    their_loss = ((theirs(X_t) - torch.tensor(target)) ** 2).sum()
    their_loss.backward()

    np.testing.assert_allclose(their_loss.item(), loss.item(), rtol=1e-12)
    linears = [layer for layer in ours if isinstance(layer, nn.Linear)]
    their_linears = [layer for layer in theirs if isinstance(layer, torch.nn.Linear)]
    assert len(linears) == len(their_linears) == 3
    for mine, other in zip(linears, their_linears):
        assert other.weight.shape == (mine.weight.shape[1], mine.weight.shape[0])  # (out, in)
        np.testing.assert_allclose(other.weight.grad.numpy().T, mine.weight.grad,
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(other.bias.grad.numpy(), mine.bias.grad, rtol=1e-12,
                                   atol=1e-15)


def test_the_copies_are_independent(torch):
    ours = _network(nn.ReLU)
    before = ours[0].weight.data.copy()
    theirs = interop.to_torch(ours)
    with torch.no_grad():
        theirs[0].weight.add_(1.0)
    np.testing.assert_array_equal(ours[0].weight.data, before)


def test_from_torch_gives_the_same_outputs_and_gradients(torch):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(),
                                 torch.nn.Linear(4, 1, bias=False)).double()
    ours = interop.from_torch(theirs)
    assert [type(layer) for layer in ours] == [nn.Linear, nn.Sigmoid, nn.Linear]
    assert ours[2].bias is None
    X = np.random.default_rng(5).normal(size=(6, 2))

    out = ours(X)
    out.sum().backward()
    their_out = theirs(torch.tensor(X))
    their_out.sum().backward()
    np.testing.assert_allclose(their_out.detach().numpy(), out.data, rtol=1e-12)
    np.testing.assert_allclose(theirs[0].weight.grad.numpy().T, ours[0].weight.grad, rtol=1e-12)
    np.testing.assert_allclose(theirs[2].weight.grad.numpy().T, ours[2].weight.grad, rtol=1e-12)


def test_there_and_back_keeps_every_weight(torch):
    ours = _network(nn.Tanh)
    back = interop.from_torch(interop.to_torch(ours))
    for (name, mine), (other_name, other) in zip(ours.named_parameters(), back.named_parameters()):
        assert name == other_name
        np.testing.assert_array_equal(other.data, mine.data)


def test_trained_here_fine_tuned_there_keeps_its_accuracy(torch):
    X, y = datasets.moons(n=200, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 1, rng=1))
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        loss = nn.binary_cross_entropy_with_logits(model(X), y[:, None])
        opt.zero_grad()
        loss.backward()
        opt.step()
    ours_accuracy = ((model(X).data[:, 0] > 0) == y).mean()
    assert ours_accuracy >= 0.99

    theirs = interop.to_torch(model)
    X_t, y_t = torch.tensor(X), torch.tensor(y, dtype=torch.float64)[:, None]
    assert ((theirs(X_t)[:, 0] > 0).numpy() == y).mean() == ours_accuracy
    their_opt = torch.optim.SGD(theirs.parameters(), lr=0.01)
    for _ in range(50):
        their_loss = torch.nn.functional.binary_cross_entropy_with_logits(theirs(X_t), y_t)
        their_opt.zero_grad()
        their_loss.backward()
        their_opt.step()
    fine_tuned = interop.from_torch(theirs)
    assert ((fine_tuned(X).data[:, 0] > 0) == y).mean() >= ours_accuracy
    assert nn.binary_cross_entropy_with_logits(fine_tuned(X), y[:, None]).item() <= loss.item()


def test_a_layer_the_bridge_does_not_carry_is_named(torch):
    class Doubling(nn.Module):
        def forward(self, x: Tensor) -> Tensor:
            return x * 2

    with pytest.raises(TypeError, match="layer 1 .* Doubling"):
        interop.to_torch(nn.Sequential(nn.Linear(2, 2), Doubling()))
    with pytest.raises(TypeError, match="layer 0 .* Dropout"):
        interop.from_torch(torch.nn.Sequential(torch.nn.Dropout()))
    with pytest.raises(TypeError, match="nn.Sequential"):
        interop.to_torch(nn.Linear(2, 2))


def test_a_subclass_with_its_own_forward_is_refused_both_ways(torch):
    class ScaledLinear(nn.Linear):
        def forward(self, x: Tensor) -> Tensor:
            return super().forward(x) * 3.0

    class TheirScaledLinear(torch.nn.Linear):
        def forward(self, x):
            return super().forward(x) * 3.0

    with pytest.raises(TypeError, match="ScaledLinear, a subclass of Linear with a forward of its own"):
        interop.to_torch(nn.Sequential(ScaledLinear(2, 2, rng=0)))
    with pytest.raises(TypeError, match="TheirScaledLinear, a subclass of Linear with a forward"):
        interop.from_torch(torch.nn.Sequential(TheirScaledLinear(2, 2)))


def test_a_layer_used_twice_stays_one_layer_both_ways(torch):
    shared = nn.Linear(3, 3, rng=0)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    theirs = interop.to_torch(model)
    assert theirs[0] is theirs[2] and len(list(theirs.parameters())) == 2
    back = interop.from_torch(theirs)
    assert back[0] is back[2] and len(back.parameters()) == 2
    X = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    np.testing.assert_allclose(back(X).data, model(X).data, rtol=1e-15)


# ---- what the weights are: shared, frozen; and hooks, which cannot cross ---------------


def _train_both(ours: nn.Sequential, theirs, torch, steps: int = 3) -> None:
    """SGD steps on the same data on both sides; after each, every weight agrees. A
    shared weight gets the sum of its layers' gradients, a frozen one does not move."""
    X = np.random.default_rng(7).normal(size=(6, 3))
    target = np.random.default_rng(8).normal(size=(6, 3))
    our_opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.5)
    their_opt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.5)
    for step in range(steps):
        our_opt.zero_grad()
        ((ours(X) - target) ** 2).sum().backward()
        our_opt.step()
        their_opt.zero_grad()
        ((theirs(torch.tensor(X)) - torch.tensor(target)) ** 2).sum().backward()
        their_opt.step()
        for layer, twin in zip(ours, theirs):
            for name, tensor in layer.named_tensors():
                np.testing.assert_allclose(
                    tensor.data, getattr(twin, name).detach().numpy().T, rtol=1e-12, atol=1e-14,
                    err_msg=f"{name} of {type(layer).__name__} after step {step + 1}")


def _shared_weight_network(torch):
    first, second = torch.nn.Linear(3, 3), torch.nn.Linear(3, 3)
    second.weight = first.weight
    return torch.nn.Sequential(first, torch.nn.Tanh(), second).double()


def test_a_weight_shared_by_two_pytorch_layers_comes_back_as_one_tensor(torch):
    torch.manual_seed(1)
    theirs = _shared_weight_network(torch)
    ours = interop.from_torch(theirs)
    assert ours[0] is not ours[2]
    assert ours[0].weight is ours[2].weight and ours[0].bias is not ours[2].bias
    assert len(ours.parameters()) == len(list(theirs.parameters())) == 3
    _train_both(ours, theirs, torch)


def test_a_weight_shared_by_two_of_our_layers_goes_to_pytorch_as_one_parameter(torch):
    first, second = nn.Linear(3, 3, rng=0), nn.Linear(3, 3, rng=1)
    second.weight = first.weight
    ours = nn.Sequential(first, nn.Tanh(), second)
    theirs = interop.to_torch(ours)
    assert theirs[0] is not theirs[2]
    assert theirs[0].weight is theirs[2].weight and theirs[0].bias is not theirs[2].bias
    assert len(list(theirs.parameters())) == len(ours.parameters()) == 3
    back = interop.from_torch(theirs)
    assert back[0].weight is back[2].weight
    _train_both(ours, theirs, torch)


def test_a_frozen_pytorch_weight_comes_back_frozen(torch):
    torch.manual_seed(2)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 3)).double()
    theirs[0].weight.requires_grad_(False)
    theirs[2].bias.requires_grad_(False)
    ours = interop.from_torch(theirs)
    assert [(n, t.requires_grad) for n, t in ours.named_tensors()] == [
        ("0.weight", False), ("0.bias", True), ("2.weight", True), ("2.bias", False)]
    np.testing.assert_array_equal(ours[0].weight.data, theirs[0].weight.detach().numpy().T)
    _train_both(ours, theirs, torch)


def test_our_frozen_weight_goes_to_pytorch_frozen(torch):
    ours = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Sigmoid(), nn.Linear(4, 3, rng=1))
    ours[2].weight.requires_grad = False
    theirs = interop.to_torch(ours)
    assert [(n, p.requires_grad) for n, p in theirs.named_parameters()] == [
        ("0.weight", True), ("0.bias", True), ("2.weight", False), ("2.bias", True)]
    assert not interop.from_torch(theirs)[2].weight.requires_grad
    _train_both(ours, theirs, torch)


def test_from_torch_copies_every_weight_frozen_ones_too(torch):
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 2)).double()
    theirs[0].weight.requires_grad_(False)
    ours = interop.from_torch(theirs)
    before = [t.data.copy() for t in (ours[0].weight, ours[0].bias)]
    with torch.no_grad():
        theirs[0].weight.add_(1.0)
        theirs[0].bias.add_(1.0)
    np.testing.assert_array_equal(ours[0].weight.data, before[0])
    np.testing.assert_array_equal(ours[0].bias.data, before[1])


HOOKS = pytest.mark.parametrize("where, register, message", [
    (None, lambda m: m.register_forward_hook(lambda module, inputs, out: out * 2),
     r"the PyTorch Sequential has a forward hook registered"),
    (0, lambda m: m.register_forward_pre_hook(lambda module, inputs: (inputs[0] * 2,)),
     r"layer 0 of the PyTorch Sequential \(Linear\) has a forward pre-hook registered"),
    (1, lambda m: m.register_forward_hook(lambda module, inputs, out: out + 1),
     r"layer 1 of the PyTorch Sequential \(Tanh\) has a forward hook registered"),
    (2, lambda m: m.register_full_backward_hook(lambda module, g_in, g_out: None),
     r"layer 2 of the PyTorch Sequential \(Linear\) has a backward hook registered"),
    (2, lambda m: m.register_full_backward_pre_hook(lambda module, g_out: None),
     r"layer 2 of the PyTorch Sequential \(Linear\) has a backward pre-hook registered"),
], ids=["sequential-forward", "layer-pre", "activation-forward", "layer-backward",
        "layer-backward-pre"])


@HOOKS
def test_from_torch_refuses_a_module_with_hooks_and_says_to_remove_them(torch, where, register,
                                                                       message):
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    handle = register(theirs if where is None else theirs[where])
    with pytest.raises(TypeError, match=message + r".*cannot carry.*Remove it"):
        interop.from_torch(theirs)
    handle.remove()
    assert [type(layer) for layer in interop.from_torch(theirs)] == [nn.Linear, nn.Tanh, nn.Linear]
