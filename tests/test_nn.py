"""Tests for tinygrad_nn.nn: modules, parameters, state dicts, layers, losses."""

import re
import warnings

import numpy as np
import pytest

from tinygrad_nn import Tensor, gradcheck, nn

# ---- Module: parameters, names, zero_grad ---------------------------------------


class TwoBlocks(nn.Module):
    """Attributes of every kind a module may hold, set in a known order."""

    def __init__(self):
        self.hidden = nn.Linear(2, 3, rng=0)
        self.note = "not a parameter"
        self.blocks = [nn.Linear(3, 3, rng=1), nn.Tanh(), nn.Linear(3, 1, bias=False, rng=2)]
        self.constant = Tensor([1.0])  # no grad: not a parameter, but part of the state
        self.gain = Tensor([2.0], requires_grad=True, name="gain")

    def forward(self, x):
        for block in self.blocks:
            x = block(self.hidden(x) if block is self.blocks[0] else x)
        return x * self.gain


def test_named_parameters_follow_registration_order_with_dotted_names():
    net = TwoBlocks()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["hidden.weight", "hidden.bias", "blocks.0.weight", "blocks.0.bias",
                     "blocks.2.weight", "gain"]
    expected = [net.hidden.weight, net.hidden.bias, net.blocks[0].weight, net.blocks[0].bias,
                net.blocks[2].weight, net.gain]
    assert all(got is want for got, want in zip(net.parameters(), expected, strict=True))


def test_sequential_names_count_and_container_protocol():
    model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 1, rng=1), nn.Sigmoid())
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert sum(p.size for p in model.parameters()) == 2 * 8 + 8 + 8 * 1 + 1
    assert len(model) == 4 and isinstance(model[1], nn.Tanh) and model[-1] is list(model)[3]
    assert [p.shape for p in model.parameters()] == [(2, 8), (8,), (8, 1), (1,)]


def test_a_tensor_shared_by_two_layers_is_one_parameter():
    first = nn.Linear(3, 3, rng=0)
    second = nn.Linear(3, 3, rng=1)
    second.weight = first.weight
    model = nn.Sequential(first, second)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.bias"]


def test_zero_grad_clears_every_gradient():
    net = TwoBlocks()
    net(np.ones((4, 2))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_call_runs_forward_on_arrays_and_tensors_alike():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    by_hand = np.maximum(x @ model[0].weight.data + model[0].bias.data, 0.0)
    np.testing.assert_array_equal(model(x).data, by_hand)
    np.testing.assert_array_equal(model(Tensor(x)).data, by_hand)


# ---- state_dict ---------------------------------------------------------------


def test_state_dict_round_trip_copies_values_in_place():
    net, other = TwoBlocks(), TwoBlocks()
    other.gain.data[:] = 5.0
    other.hidden.weight.data += 1.0
    state = other.state_dict()
    assert list(state) == ["hidden.weight", "hidden.bias", "blocks.0.weight", "blocks.0.bias",
                           "blocks.2.weight", "constant", "gain"]
    weight_before = net.hidden.weight
    net.load_state_dict(state)
    assert net.hidden.weight is weight_before  # same tensor: an optimizer keeps working
    for name, p in net.named_parameters():
        np.testing.assert_array_equal(p.data, state[name])
    state["gain"][:] = -1.0  # the dict holds copies, not views
    assert net.gain.data[0] == 5.0 and other.gain.data[0] == 5.0


def test_load_state_dict_names_missing_and_unexpected_keys():
    net = TwoBlocks()
    state = net.state_dict()
    del state["hidden.bias"]
    state["hidden.scale"] = np.zeros(3)
    with pytest.raises(ValueError, match=r"missing keys \['hidden.bias'\], "
                                         r"unexpected keys \['hidden.scale'\]"):
        net.load_state_dict(state)


def test_load_state_dict_refuses_a_shape_mismatch_and_changes_nothing():
    net = TwoBlocks()
    before = net.state_dict()
    state = net.state_dict()
    state["gain"] = np.zeros(1) + 7.0
    state["blocks.0.weight"] = np.zeros((3, 1))
    with pytest.raises(ValueError, match=r"'blocks.0.weight' has shape \(3, 3\) in the module "
                                         r"but \(3, 1\) in the state dict"):
        net.load_state_dict(state)
    for name, p in net.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])


@pytest.mark.parametrize("text", ["a", "1"], ids=["letters", "digits"])
def test_load_state_dict_refuses_a_bad_value_in_a_later_key_and_changes_nothing(text):
    net = TwoBlocks()
    before = net.state_dict()
    state = {name: values + 1.0 for name, values in net.state_dict().items()}
    last = list(state)[-1]
    state[last] = np.full(state[last].shape, text)
    with pytest.raises(ValueError, match=rf"load_state_dict: {re.escape(repr(last))} holds "
                                         r"dtype <U1; it must hold numbers"):
        net.load_state_dict(state)
    for name, p in net.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])


def test_state_dict_keeps_frozen_parameters_and_loading_restores_them():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1))
    model[0].weight.requires_grad = False  # frozen, as when fine-tuning the last layer
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [n for n, _ in model.named_parameters()] == ["0.bias", "2.weight", "2.bias"]
    fresh = nn.Sequential(nn.Linear(2, 3, rng=5), nn.Tanh(), nn.Linear(3, 1, rng=6))
    fresh[0].weight.requires_grad = False
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh[0].weight.data, model[0].weight.data)


def test_load_state_dict_refuses_pytorchs_layout_ragged_rows_and_pytorch_tensors():
    layer = nn.Linear(2, 3, rng=0)
    with pytest.raises(ValueError, match=r"'weight' has shape \(2, 3\) in the module but \(3, 2\)"
                                         r".*\(out, in\).*interop.from_torch"):
        layer.load_state_dict({"weight": np.zeros((3, 2)), "bias": np.zeros(3)})
    with pytest.raises(ValueError, match=r"'weight' is ragged .* shape \(2, 3\)"):
        layer.load_state_dict({"weight": [[1.0, 2.0, 3.0], [4.0]], "bias": np.zeros(3)})
    torch = pytest.importorskip("torch")
    square = nn.Linear(2, 2, rng=0)
    with pytest.raises(ValueError, match=r"'weight' is a PyTorch tensor.*interop.from_torch"):
        square.load_state_dict(dict(torch.nn.Linear(2, 2).state_dict()))


def test_load_state_dict_counts_as_a_write_for_graphs_recorded_before():
    net = TwoBlocks()
    loss = net(np.ones((4, 2))).sum()
    net.load_state_dict(net.state_dict())
    with pytest.raises(RuntimeError, match="was changed"):
        loss.backward()


# ---- Linear and its initialisation ---------------------------------------------


def test_linear_computes_x_at_w_plus_b_with_weight_in_out():
    layer = nn.Linear(3, 2, rng=0)
    assert layer.weight.shape == (3, 2) and layer.bias.shape == (2,)
    assert layer.weight.name == "weight" and layer.bias.name == "bias"
    assert layer.weight.requires_grad and layer.bias.requires_grad
    layer.bias.data[:] = [0.5, -1.5]
    x = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_allclose(layer(x).data, x @ layer.weight.data + layer.bias.data, rtol=1e-15)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert len(nn.Linear(3, 2, bias=False).parameters()) == 1


@pytest.mark.parametrize("init", ["xavier", "he", "normal", "uniform", "zeros"])
def test_initialisation_is_reproducible_per_seed_with_zero_bias(init):
    a, b, c = (nn.Linear(20, 30, init=init, rng=seed) for seed in (7, 7, 8))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert (init == "zeros") == np.array_equal(a.weight.data, c.weight.data)
    np.testing.assert_array_equal(a.bias.data, np.zeros(30))


def big_layer(init, scale=None):
    return nn.Linear(400, 600, init=init, scale=scale, rng=0).weight.data


def test_xavier_is_uniform_within_the_glorot_bound():
    w, bound = big_layer("xavier"), np.sqrt(6 / (400 + 600))
    assert w.min() >= -bound and w.max() <= bound
    assert w.min() < -0.99 * bound and w.max() > 0.99 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound  # the std of U(−a, a)
    assert abs(w.mean()) < 0.01 * bound


def test_he_normal_has_std_sqrt_2_over_fan_in():
    w = big_layer("he")
    assert abs(w.std() / np.sqrt(2 / 400) - 1) < 0.01 and abs(w.mean()) < 0.01 * w.std()


def test_normal_defaults_to_article_004s_scale_and_takes_another():
    assert abs(big_layer("normal").std() / 0.01 - 1) < 0.01
    assert abs(big_layer("normal", scale=0.5).std() / 0.5 - 1) < 0.01


def test_uniform_and_zeros():
    w = big_layer("uniform")
    assert w.min() >= 0 and w.max() < 1 and abs(w.mean() - 0.5) < 0.005
    assert big_layer("uniform", scale=3.0).max() > 2.9
    assert not big_layer("zeros").any()


def test_a_random_state_reproduces_the_articles_numpy_draws():
    """Article 001: np.random.rand(1, 2) then np.random.rand(2, 1); article 004:
    np.random.seed(999); np.random.randn(n, 1) * 0.01."""
    state = np.random.RandomState(42)
    w1 = nn.Linear(1, 2, init="uniform", rng=state).weight.data
    w2 = nn.Linear(2, 1, init="uniform", rng=state).weight.data
    reference = np.random.RandomState(42)
    np.testing.assert_array_equal(w1, reference.rand(1, 2))
    np.testing.assert_array_equal(w2, reference.rand(2, 1))
    w = nn.Linear(50, 1, init="normal", rng=np.random.RandomState(999)).weight.data
    np.testing.assert_array_equal(w, np.random.RandomState(999).randn(50, 1) * 0.01)


def test_linear_rejects_unknown_init_and_bad_sizes():
    with pytest.raises(ValueError, match=r"unknown init 'glorot'; choose one of \['he', "):
        nn.Linear(2, 2, init="glorot")
    with pytest.raises(ValueError, match=r"Linear needs positive sizes; got \(0, 3\)"):
        nn.Linear(0, 3)



def test_linear_names_the_input_shape_it_takes():
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    with pytest.raises(ValueError, match=re.escape(
            "Linear(3, 2) takes inputs of shape (n, 3), one sample of 3 features per row; "
            "got shape (5, 4)")):
        model(np.ones((5, 4)))
    assert model(np.ones((5, 3))).shape == (5, 1)


# ---- activations -----------------------------------------------------------------

Z = np.array([[-3.0, -0.5, 0.25], [0.75, 2.0, -1.25]])


@pytest.mark.parametrize(
    "module, reference",
    [
        (nn.Sigmoid(), lambda z: 1 / (1 + np.exp(-z))),
        (nn.Tanh(), np.tanh),
        (nn.ReLU(), lambda z: np.maximum(z, 0)),
        (nn.Identity(), lambda z: z),
        (nn.Softmax(), lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)),
        (nn.Softmax(axis=0), lambda z: np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)),
    ],
    ids=["sigmoid", "tanh", "relu", "identity", "softmax", "softmax-axis0"],
)
def test_activation_modules(module, reference):
    np.testing.assert_allclose(module(Z).data, reference(Z), rtol=1e-14)
    assert module.parameters() == []


@pytest.mark.parametrize(
    "logits, printed",
    [([1], [1]), ([1, 1], [0.5, 0.5]), ([0, 1], [0.26, 0.73]), ([2, 4], [0.11, 0.88]),
     ([5, 10], [0.007, 0.993]), ([-1, 0, 1], [0.09, 0.24, 0.66]), ([1, 2, 4], [0.04, 0.11, 0.84])],
)
def test_softmax_matches_article_003s_table(logits, printed):
    """The article prints two or three digits, cut rather than rounded."""
    np.testing.assert_allclose(nn.Softmax()(np.array(logits)).data, printed, atol=0.01)


# ---- losses: values ---------------------------------------------------------------

RNG = np.random.default_rng(11)
PRED, TARGET = RNG.normal(size=(6, 2)), RNG.normal(size=(6, 2))
PROB, LABEL01 = RNG.uniform(0.05, 0.95, size=(8, 1)), (RNG.random((8, 1)) < 0.5).astype(float)
LOGITS, CLASSES = RNG.normal(size=(7, 4)) * 2, RNG.integers(0, 4, size=7)


def test_loss_values_against_numpy():
    np.testing.assert_allclose(nn.mse_loss(Tensor(PRED), TARGET).item(),
                               np.mean((PRED - TARGET) ** 2), rtol=1e-14)
    bce = -np.mean(LABEL01 * np.log(PROB) + (1 - LABEL01) * np.log(1 - PROB))
    np.testing.assert_allclose(nn.binary_cross_entropy(Tensor(PROB), LABEL01).item(), bce,
                               rtol=1e-14)
    logits = np.log(PROB / (1 - PROB))  # σ(logits) = PROB
    np.testing.assert_allclose(nn.binary_cross_entropy_with_logits(Tensor(logits), LABEL01).item(),
                               bce, rtol=1e-12)
    softmax = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    ce = -np.mean(np.log(softmax[np.arange(7), CLASSES]))
    np.testing.assert_allclose(nn.cross_entropy(Tensor(LOGITS), CLASSES).item(), ce, rtol=1e-14)


@pytest.mark.parametrize(
    "weight, bias, printed", [(0.180, 0.0, 2058), (0.100, 150.0, 799), (0.0, 0.0, 134972)]
)
def test_mse_loss_reproduces_article_003s_errors(weight, bias, printed):
    """The article's one-feature house prices (in $1000) and the errors it shows."""
    area, price = np.array([2104.0, 1600.0, 2400.0]), np.array([399.9, 329.9, 369.0])
    assert round(nn.mse_loss(Tensor(area * weight + bias), price).item()) == printed


def test_mse_loss_reproduces_article_003s_two_feature_starting_error():
    price = np.array([399.9, 329.9, 369.0, 232.0, 539.9, 299.9, 314.9, 198.999, 212.0, 242.5])
    assert round(nn.mse_loss(Tensor(np.zeros(10)), price).item()) == 108268


# ---- losses: gradients --------------------------------------------------------------


def test_loss_gradients_by_finite_differences():
    pred, target = Tensor(PRED, requires_grad=True), Tensor(TARGET, requires_grad=True)
    assert gradcheck(lambda: nn.mse_loss(pred, target), pred, target, rtol=1e-6, atol=1e-9)
    prob, label = Tensor(PROB, requires_grad=True), Tensor(LABEL01 * 0.8 + 0.1, requires_grad=True)
    assert gradcheck(lambda: nn.binary_cross_entropy(prob, label), prob, label,
                     rtol=1e-6, atol=1e-9)
    logits = Tensor(RNG.normal(size=(8, 1)) * 3, requires_grad=True)
    assert gradcheck(lambda: nn.binary_cross_entropy_with_logits(logits, label), logits, label,
                     rtol=1e-6, atol=1e-9)
    multi = Tensor(LOGITS, requires_grad=True)
    assert gradcheck(lambda: nn.cross_entropy(multi, CLASSES), multi, rtol=1e-6, atol=1e-9)


def test_fused_losses_backpropagate_through_a_network():
    layer = nn.Linear(3, 4, rng=0)
    x, targets = RNG.normal(size=(5, 3)), (RNG.random((5, 4)) < 0.5).astype(float)
    assert gradcheck(lambda: nn.cross_entropy(layer(x), CLASSES[:5]), *layer.parameters(),
                     rtol=1e-6, atol=1e-9)
    assert gradcheck(lambda: nn.binary_cross_entropy_with_logits(layer(x), targets),
                     *layer.parameters(), rtol=1e-6, atol=1e-9)


# ---- losses: the edges -------------------------------------------------------------


def test_binary_cross_entropy_is_finite_at_probabilities_0_and_1():
    """log is clamped at −100, as in PyTorch: a confident mistake costs 100."""
    prob = Tensor([0.0, 1.0, 0.0, 1.0], requires_grad=True)
    wrong = nn.binary_cross_entropy(prob, [1.0, 0.0, 1.0, 0.0])
    assert wrong.item() == 100.0
    wrong.backward()
    assert np.all(np.isfinite(prob.grad)) and prob.grad[0] < 0 < prob.grad[1]
    prob.grad = None
    right = nn.binary_cross_entropy(prob, [0.0, 1.0, 0.0, 1.0])
    right.backward()
    assert right.item() == 0.0 and np.all(prob.grad == 0)


def test_logit_losses_are_finite_at_plus_minus_1000():
    logits = Tensor([[1000.0], [-1000.0]], requires_grad=True)
    wrong = nn.binary_cross_entropy_with_logits(logits, [[0.0], [1.0]])
    wrong.backward()
    assert wrong.item() == 1000.0
    np.testing.assert_array_equal(logits.grad, [[0.5], [-0.5]])  # (σ(z) − y)/n
    scores = Tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]], requires_grad=True)
    ce = nn.cross_entropy(scores, np.array([1, 1]))
    ce.backward()
    assert ce.item() == 1000.0
    np.testing.assert_array_equal(scores.grad, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]])


# ---- losses: bad input -------------------------------------------------------------


@pytest.mark.parametrize("loss", [nn.mse_loss, nn.binary_cross_entropy,
                                  nn.binary_cross_entropy_with_logits])
def test_losses_refuse_to_broadcast_a_column_against_a_vector(loss):
    with pytest.raises(ValueError, match=rf"{loss.__name__}: the prediction has shape \(4, 1\) "
                                         r"but the target has shape \(4,\)"):
        loss(Tensor(np.full((4, 1), 0.5)), np.zeros(4))


@pytest.mark.parametrize("prob, target, message", [
    ([0.5, -0.5, 2.0], [0.0, 1.0, 1.0], r"probabilities in \[0, 1\].*got -0.5 at index \(1,\)"),
    ([0.5, np.nan], [0.0, 1.0], r"probabilities in \[0, 1\].*got nan at index \(1,\)"),
    ([0.5, 0.5], [0.0, -1.0], r"targets in \[0, 1\]; got -1.0 at index \(1,\)"),
    ([0.5, 0.5], [2.0, 1.0], r"targets in \[0, 1\]; got 2.0 at index \(0,\)"),
    ([0.5, 0.5], [np.nan, 1.0], r"targets in \[0, 1\]; got nan at index \(0,\)"),
])
def test_binary_cross_entropy_refuses_values_outside_0_1_naming_the_first(prob, target, message):
    with pytest.raises(ValueError, match="binary_cross_entropy needs " + message):
        nn.binary_cross_entropy(Tensor(prob), target)


def test_binary_cross_entropy_points_raw_scores_to_the_logits_version():
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits"):
        nn.binary_cross_entropy(Tensor([3.0, -2.0]), [1.0, 0.0])


@pytest.mark.parametrize("bad", [-1.0, 2.0, np.nan, np.inf, "just above 1", "just below 0"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_cross_entropy_with_logits_refuses_targets_outside_0_1(bad, dtype):
    edges = {"just above 1": np.nextafter(dtype(1), dtype(2)),
             "just below 0": -np.finfo(dtype).smallest_subnormal}
    target = np.array([0.0, edges.get(bad, bad)], dtype=dtype)
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits needs targets in "
                                         r"\[0, 1\]; got"):
        nn.binary_cross_entropy_with_logits(Tensor([3.0, -2.0]), target)


# each loss with an input that means a probability of 0.25: p itself, or its logit
QUARTER = [(nn.binary_cross_entropy, 0.25), (nn.binary_cross_entropy_with_logits, np.log(1 / 3))]


@pytest.mark.parametrize("loss, quarter", QUARTER, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cross_entropies_take_every_target_in_0_1_including_the_edges(loss, quarter, dtype):
    """The quick range test reads the bits of the floats: −0.0, the smallest
    positive float, the largest below 1 and 1.0 itself are in [0, 1] and must pass
    it or the exact test."""
    edges = [0.0, -0.0, np.finfo(dtype).smallest_subnormal, 0.5,
             np.nextafter(dtype(1), dtype(0)), 1.0]
    target = np.array(edges, dtype=dtype)
    expected = -np.mean(target * np.log(0.25) + (1 - target) * np.log(0.75))
    value = loss(Tensor(np.full(len(edges), quarter, dtype=dtype)), target).item()
    np.testing.assert_allclose(value, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("loss, pred, target", [
    (nn.mse_loss, np.zeros(0), np.zeros(0)),
    (nn.binary_cross_entropy, np.zeros((0, 1)), np.zeros((0, 1))),
    (nn.binary_cross_entropy_with_logits, np.zeros(0), np.zeros(0)),
    (nn.cross_entropy, np.zeros((0, 3)), np.zeros(0, dtype=int)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_every_loss_of_no_elements_is_one_clear_error(loss, pred, target):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"{loss.__name__} of no elements: the prediction "
                                             r"has shape \(0"):
            loss(Tensor(pred), target)


@pytest.mark.parametrize(
    "logits, labels, error, message",
    [
        (np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]), TypeError, "integer class labels.*float64"),
        (np.zeros((3, 2)), np.array([0, 1, 2]), ValueError, "labels must be in 0..1 for 2 classes"),
        (np.zeros((3, 2)), np.array([-1, 0, 1]), ValueError, "got values from -1 to 1"),
        (np.zeros((3, 2)), np.array([0, 1]), ValueError, r"need labels of shape \(3,\); got \(2,\)"),
        (np.zeros(3), np.array([0, 1, 1]), ValueError, r"logits of shape \(n, classes\); got \(3,\)"),
    ],
)
def test_cross_entropy_checks_its_labels(logits, labels, error, message):
    with pytest.raises(error, match=message):
        nn.cross_entropy(Tensor(logits), labels)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.uint64, np.int64])
def test_cross_entropy_takes_labels_of_every_integer_dtype(dtype):
    """Labels become flat indices into the logits; unsigned 64-bit ones must not
    turn them into floats (numpy promotes int64 + uint64 to float64)."""
    logits = Tensor(np.random.default_rng(0).normal(size=(4, 3)), requires_grad=True)
    labels = np.array([2, 0, 1, 2])
    loss = nn.cross_entropy(logits, labels.astype(dtype))
    loss.backward()
    log_probs = logits.data - np.log(np.exp(logits.data).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(loss.item(), -log_probs[np.arange(4), labels].mean(), rtol=1e-14)
    onehot = np.eye(3)[labels]
    np.testing.assert_allclose(logits.grad, (np.exp(log_probs) - onehot) / 4, rtol=1e-12)
