"""Tests for tinygrad_nn.optim: the update rules, step for step against references,
and training that reproduces the articles' own numpy loops."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_nn import Tensor, nn, optim

# ---- the articles' training loops, reproduced with SGD ---------------------------


def sigmoid(x):
    return 1.0 / (1 + np.exp(-x))


class NeuralNetwork:
    """Article 001's class, as printed (its lr = 0.1 is applied to summed gradients)."""

    def __init__(self, x, y):
        self.input = x
        self.w1 = np.random.rand(self.input.shape[1], 2)
        self.w2 = np.random.rand(2, 1)
        self.b1 = np.zeros(2)
        self.b2 = 0.0
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self):
        self.a1 = sigmoid(np.dot(self.input, self.w1) + self.b1)
        self.output = sigmoid(np.dot(self.a1, self.w2) + self.b2)

    def backprop(self):
        lr = 0.1
        res = self.output - self.y
        d_w2 = np.dot(self.a1.T, res)
        d_b2 = np.sum(res)
        d_b1_v = np.dot(res, self.w2.T) * self.a1 * (1 - self.a1)
        d_b1 = np.sum(d_b1_v, axis=0)
        d_w1 = np.dot(self.input.T, d_b1_v)
        self.w1 -= d_w1 * lr
        self.w2 -= d_w2 * lr
        self.b1 -= d_b1 * lr
        self.b2 -= d_b2 * lr


X001 = np.array([[-1.51], [-1.29], [-1.18], [-0.64], [-0.53], [-0.09],
                 [0.13], [0.35], [0.89], [1.11], [1.33], [1.44]])
Y001 = np.array([[0], [0], [0], [0], [1], [1], [1], [1], [0], [0], [0], [0]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sgd_reproduces_article_001s_neural_network_class_for_100_steps(seed):
    np.random.seed(seed)
    article = NeuralNetwork(X001, Y001)
    state = np.random.RandomState(seed)  # the same draws: rand(1, 2), then rand(2, 1)
    model = nn.Sequential(nn.Linear(1, 2, init="uniform", rng=state), nn.Sigmoid(),
                          nn.Linear(2, 1, init="uniform", rng=state), nn.Sigmoid())
    w1, b1, w2, b2 = model.parameters()
    opt = optim.SGD(model.parameters(), lr=0.1)
    for step in range(100):
        article.feedforward()
        article.backprop()
        opt.zero_grad()
        # backprop's gradients are sums over the 12 points: those of 12 × the mean cost
        (nn.binary_cross_entropy(model(X001), Y001) * len(X001)).backward()
        opt.step()
        for ours, theirs in [(w1, article.w1), (b1, article.b1), (w2, article.w2),
                             (b2, [article.b2])]:
            np.testing.assert_allclose(ours.data, theirs, rtol=0, atol=1e-10,
                                       err_msg=f"step {step + 1}")
    assert not np.allclose(w1.data, np.random.RandomState(seed).rand(1, 2))  # it moved


def test_sgd_reproduces_article_004s_logistic_regression_loop_for_100_steps():
    """Article 004's loop (seed 999, w = 0.01·randn, b = 0, lr = 5e-3, dz = a − y,
    dw = Xᵀdz/m, db = Σdz/m) on made-up 'images': 40 rows of 300 values in [0, 1]."""
    rng = np.random.default_rng(4)
    X = rng.random((40, 300))
    y = (rng.random((40, 1)) < 0.5).astype(float)
    np.random.seed(999)
    w = np.random.randn(X.shape[1], 1) * 0.01
    b = 0
    neuron = nn.Linear(300, 1, init="normal", rng=np.random.RandomState(999))
    opt = optim.SGD(neuron.parameters(), lr=5e-3)
    for step in range(100):
        a = sigmoid(np.dot(X, w) + b)
        dz = a - y
        w -= 5e-3 * (1.0 / len(X)) * np.dot(X.T, dz)
        b -= 5e-3 * (1.0 / len(X)) * np.sum(dz)
        opt.zero_grad()
        nn.binary_cross_entropy_with_logits(neuron(X), y).backward()
        opt.step()
        np.testing.assert_allclose(neuron.weight.data, w, rtol=0, atol=1e-10, err_msg=str(step))
        np.testing.assert_allclose(neuron.bias.data, [b], rtol=0, atol=1e-10, err_msg=str(step))
    assert abs(b) > 1e-3


# ---- the update rules against references written out here -----------------------

TARGET = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
CURVATURE = np.array([[1.0, 4.0, 0.5], [2.0, 9.0, 0.1]])


def quadratic_gradient(p):
    """Gradient of Σ ½·c·(p − t)², the loss used below: c·(p − t)."""
    return CURVATURE * (p - TARGET)


def run_optimizer(make_optimizer, steps=10):
    p = Tensor(np.zeros((2, 3)), requires_grad=True)
    opt = make_optimizer([p])
    history = []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * CURVATURE * (p - TARGET) ** 2).sum().backward()
        opt.step()
        history.append(p.data.copy())
    return history


@pytest.mark.parametrize("lr, momentum", [(0.1, 0.0), (0.05, 0.9), (0.2, 0.5)])
def test_sgd_with_momentum_matches_pytorchs_rule(lr, momentum):
    ours = run_optimizer(lambda params: optim.SGD(params, lr=lr, momentum=momentum))
    p, velocity = np.zeros((2, 3)), np.zeros((2, 3))
    for step in range(10):
        g = quadratic_gradient(p)
        velocity = g if step == 0 else momentum * velocity + g  # torch: buf = g at first
        p = p - lr * velocity
        np.testing.assert_allclose(ours[step], p, rtol=1e-13, atol=1e-15)


def test_sgd_momentum_keeps_gradients_not_steps_when_the_learning_rate_changes():
    """PyTorch's buffer sums gradients (v ← μ·v + g, p ← p − lr·v), so a new lr
    scales the whole velocity at once; a buffer of steps (v ← μ·v + lr·g) would
    keep the old lr's share. With a constant lr the two rules cannot be told apart."""
    p = Tensor([0.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    for lr in (0.1, 0.01, 0.01):
        opt.lr = lr
        opt.zero_grad()
        (p - 1.0).sum().backward()  # gradient 1 at every step
        opt.step()
    velocities = [1.0, 0.9 + 1.0, 0.9 * 1.9 + 1.0]
    expected = -(0.1 * velocities[0] + 0.01 * velocities[1] + 0.01 * velocities[2])
    np.testing.assert_allclose(p.data, [expected], rtol=1e-15)


@pytest.mark.parametrize("lr, betas, eps", [(1e-3, (0.9, 0.999), 1e-8), (0.1, (0.5, 0.9), 1e-3)])
def test_adam_matches_pytorchs_rule_with_bias_correction(lr, betas, eps):
    ours = run_optimizer(lambda params: optim.Adam(params, lr=lr, betas=betas, eps=eps))
    beta1, beta2 = betas
    p, m, v = np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3))
    for t in range(1, 11):
        g = quadratic_gradient(p)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denominator = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps  # as torch.optim.Adam
        p = p - lr / (1 - beta1**t) * m / denominator
        np.testing.assert_allclose(ours[t - 1], p, rtol=1e-13, atol=1e-15)


def test_adam_first_step_moves_each_weight_by_about_lr():
    """With bias correction m̂/√v̂ = g/|g| at t = 1: every weight moves by lr."""
    first = run_optimizer(lambda params: optim.Adam(params, lr=0.01), steps=1)[0]
    expected = -0.01 * np.sign(quadratic_gradient(np.zeros((2, 3))))
    np.testing.assert_allclose(first, expected, rtol=1e-6)


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1)], ids=["sgd", "adam"])
def test_parameters_without_gradient_are_left_alone(make):
    used, unused = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    opt = make([used, unused])
    for _ in range(3):
        opt.zero_grad()
        (used * used).sum().backward()
        opt.step()
    assert unused.data[0] == 3.0 and unused.grad is None
    assert np.all(used.data < [1.0, 2.0])


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1),
                                  lambda ps: optim.Adam(ps, lr=0.1)], ids=["sgd", "adam"])
def test_a_step_counts_as_a_write_only_for_the_parameters_it_moved(make):
    """A graph through a parameter the step skipped (no gradient) still
    backpropagates; one through a parameter it moved is refused."""
    moved, skipped = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    opt = make([moved, skipped])
    through_moved, through_skipped = (moved * moved).sum(), (skipped * skipped).sum()
    through_moved.backward()
    opt.step()
    through_skipped.backward()
    np.testing.assert_array_equal(skipped.grad, [6.0])
    with pytest.raises(RuntimeError, match=r"was changed after Mul used it"):
        through_moved.backward()


def test_zero_grad_sets_every_gradient_to_none():
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1)
    (a * b).sum().backward()
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_updates_change_data_in_place():
    layer = nn.Linear(2, 2, rng=0)
    weight_array = layer.weight.data
    opt = optim.SGD(layer.parameters(), lr=0.5)
    layer(np.ones((1, 2))).sum().backward()
    opt.step()
    assert layer.weight.data is weight_array
    np.testing.assert_allclose(layer.bias.data, [-0.5, -0.5])  # d(sum)/db = 1


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: optim.SGD(p, lr=-0.1), r"lr must be ≥ 0.0; got -0.1"),
        (lambda p: optim.SGD(p, lr=0.1, momentum=-1), r"momentum must be ≥ 0.0; got -1"),
        (lambda p: optim.Adam(p, lr=-1.0), r"lr must be ≥ 0.0; got -1.0"),
        (lambda p: optim.Adam(p, betas=(1.0, 0.999)), r"betas\[0\] must be in \[0.0, 1.0\); got 1.0"),
        (lambda p: optim.Adam(p, betas=(0.9, -0.1)), r"betas\[1\] must be in \[0.0, 1.0\)"),
        (lambda p: optim.Adam(p, eps=-1e-8), r"eps must be ≥ 0.0; got -1e-08"),
    ],
)
def test_hyperparameters_are_validated(make, message):
    with pytest.raises(ValueError, match=message):
        make([Tensor([1.0], requires_grad=True)])


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.Adam(ps)],
                         ids=["sgd", "adam"])
def test_a_parameter_listed_twice_is_refused(make):
    w, b = Tensor([1.0], requires_grad=True, name="w"), Tensor([2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"^optimizer parameter 2 \(w\) is parameter 0 again: "
                       r"listed twice, it would be updated twice per step. List it once$"):
        make([w, b, w])
    with pytest.raises(ValueError, match=r"parameter 1 \(a tensor of shape \(1,\)\) is "):
        make([b, b])


def test_parameters_are_validated():
    with pytest.raises(ValueError, match=r"^the optimizer got no parameters \(an empty list\)$"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="Tensors with requires_grad=True"):
        optim.Adam([Tensor([1.0])])
    with pytest.raises(TypeError, match="Tensors with requires_grad=True"):
        optim.SGD([np.zeros(2)], lr=0.1)


# ---- a small network learns ------------------------------------------------------


def test_a_2_8_1_tanh_sigmoid_network_learns_xor():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)  # XOR of the two signs
    model = nn.Sequential(nn.Linear(2, 8, rng=1), nn.Tanh(), nn.Linear(8, 1, rng=2))
    opt = optim.Adam(model.parameters(), lr=0.05)
    for _ in range(500):
        opt.zero_grad()
        loss = nn.binary_cross_entropy_with_logits(model(X), y)
        loss.backward()
        opt.step()
    accuracy = np.mean((model(X).sigmoid().data > 0.5) == y)
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f}, loss {loss.item():.3f}"


# ---- training programs that update between forward and backward ----------------------


ACTIONS = ["forward", "backward", "sgd step", "assign", "subtract", "load state", "zero grad"]


class TrainingProgram:
    """A 2-3-1 network and the writes made to each parameter, counted by hand, so
    that each backward() can be judged against what happened since its forward: each
    graph keeps the parameters' values at its forward."""

    def __init__(self):
        self.model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1))
        self.params = self.model.parameters()
        self.opt = optim.SGD(self.params, lr=0.1)
        self.X = np.random.default_rng(2).normal(size=(5, 2))
        self.y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
        self.writes = [0] * len(self.params)
        self.graphs: list[tuple[Tensor, list[int], list[np.ndarray]]] = []

    def loss(self) -> Tensor:
        return nn.binary_cross_entropy_with_logits(self.model(self.X), self.y)

    def fresh_gradients(self, values: list[np.ndarray]) -> list[np.ndarray]:
        """The gradients a fresh forward pass gives at the parameter `values`."""
        twin = TrainingProgram()
        for p, value in zip(twin.params, values):
            p.data = value.copy()
        twin.loss().backward()
        return [p.grad for p in twin.params]

    def run(self, action: str, k: int) -> None:
        index = k % len(self.params)
        p = self.params[index]
        if action == "forward":
            values = [np.array(q) for q in self.params]
            self.graphs.append((self.loss(), list(self.writes), values))
        elif action == "backward" and self.graphs:
            self.check_backward(*self.graphs[k % len(self.graphs)])
        elif action == "sgd step":
            self.writes = [n + (q.grad is not None) for n, q in zip(self.writes, self.params)]
            self.opt.step()
        elif action in ("assign", "subtract"):
            if action == "assign":
                p.data = p.data - 0.25
            else:
                p.data -= 0.25
            self.writes[index] += 1
        elif action == "load state":
            self.model.load_state_dict({name: v * 0.5 for name, v in self.model.state_dict().items()})
            self.writes = [n + 1 for n in self.writes]
        elif action == "zero grad":
            self.opt.zero_grad()

    def check_backward(self, loss: Tensor, writes_at_forward: list[int],
                       values: list[np.ndarray]) -> None:
        changed = writes_at_forward != self.writes
        self.opt.zero_grad()
        try:
            loss.backward()
        except RuntimeError as error:
            assert changed, f"an unchanged graph refused backward(): {error}"
            assert "was changed after" in str(error)
            return
        old = [p.grad for p in self.params]
        for before, now in zip(old, self.fresh_gradients(values)):
            np.testing.assert_array_equal(before, now)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 7)), min_size=1, max_size=12))
def test_a_training_program_raises_the_version_error_or_gives_fresh_gradients(program):
    """Each backward() either raises the version error (allowed only if some
    parameter was written since its forward) or gives exactly the gradients a fresh
    forward pass gives at the values its forward saw: a write into a value no backward
    reads (a bias) changes nothing it computes, as in PyTorch."""
    training = TrainingProgram()
    for action, k in program:
        training.run(action, k)


MAKERS = pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                          lambda ps: optim.Adam(ps, lr=0.1)],
                                 ids=["sgd-momentum", "adam"])


@MAKERS
def test_a_step_on_tensor_gradients_is_the_step_on_their_arrays(make):
    """After backward(create_graph=True) the gradients are Tensors: the step is the same."""
    recorded = Tensor([1.0, -2.0], requires_grad=True)
    plain = Tensor([1.0, -2.0], requires_grad=True)
    first, second = make([recorded]), make([plain])
    for _ in range(3):
        first.zero_grad(), second.zero_grad()
        (recorded**3).sum().backward(create_graph=True)
        (plain**3).sum().backward()
        assert isinstance(recorded.grad, Tensor)
        first.step(), second.step()
    np.testing.assert_array_equal(recorded.data, plain.data)


BAD_GRADIENTS = pytest.mark.parametrize("bad_gradient, message", [
    (np.ones(3), r"has shape \(3,\); it must have the parameter's shape \(1,\)"),
    (Tensor(np.ones(3)), r"has shape \(3,\); it must have the parameter's shape \(1,\)"),
    (np.array([1 + 1j]), r"has dtype complex128; it must be real floating point"),
    (np.array([1]), r"has dtype int64; it must be real floating point"),
    (np.array([1.0], dtype=object), r"has dtype object; it must be real floating point"),
    (np.array([True]), r"has dtype bool; it must be real floating point"),
], ids=["shape", "tensor-shape", "complex", "integer", "object", "bool"])


@BAD_GRADIENTS
@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1),
                                  lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1)],
                         ids=["sgd", "sgd-momentum", "adam"])
def test_a_step_that_fails_leaves_parameters_and_state_as_they_were(make, bad_gradient, message):
    """The bad gradient belongs to the second parameter, so a step that checked as it
    went would have moved the first one already."""
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0], requires_grad=True, name="b")
    opt = make([a, b])
    (a * a).sum().backward()
    (b * b).sum().backward()
    opt.step()
    state = {k: [np.copy(x) for x in v] if isinstance(v, list) else v
             for k, v in vars(opt).items() if k != "params"}
    values = [a.data.copy(), b.data.copy()]
    b.grad = bad_gradient
    with pytest.raises(ValueError, match=r"the gradient of parameter 1 \(b\) " + message):
        opt.step()
    np.testing.assert_array_equal(a.data, values[0])
    np.testing.assert_array_equal(b.data, values[1])
    for key, before in state.items():
        after = getattr(opt, key)
        if isinstance(before, list):
            for x, y in zip(before, after):
                np.testing.assert_array_equal(x, y)
        else:
            assert before == after


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1),
                                  lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1)],
                         ids=["sgd", "sgd-momentum", "adam"])
def test_a_step_stamps_a_write_on_every_parameter_it_moved(make):
    """Graphs recorded before the step, one through each parameter: after the step every
    one of them is refused, the last parameter's as well as the first's."""
    params = [Tensor([1.0, 2.0], requires_grad=True, name=name) for name in ("a", "b", "c")]
    opt = make(params)
    graphs = [(p * p).sum() for p in params]
    sum(graphs).backward()
    opt.step()
    for p, graph in zip(params, graphs):
        with pytest.raises(RuntimeError, match=rf"{p.name} was changed after"):
            graph.backward()


# ---- PyTorch's optimizers as the oracle --------------------------------------------


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


OPTIMIZERS = pytest.mark.parametrize("kind, settings", [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("Adam", {}),  # the defaults, which are PyTorch's
    ("Adam", {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-3}),
], ids=["sgd", "sgd-momentum", "adam", "adam-fast"])

# Which of the three parameters the loss uses at each step: a parameter left out has no
# gradient (None) and misses the step, so each one ends with its own count of steps.
USED = [(0, 1), (0,), (0, 2), (0, 1, 2), (1, 2), (0, 2), (0, 1), (2,)]
STARTS = [np.array([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]]), np.array([1.5, -0.5]), np.array(0.75)]
TARGETS = [np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]), np.array([-1.0, 2.0]), np.array(-3.0)]
CURVATURES = [np.array([[1.0, 4.0, 0.5], [2.0, 9.0, 0.1]]), np.array([0.3, 5.0]), np.array(2.0)]


def train_on_the_schedule(params, optimizer, used_at_each_step, zero_grad, constant):
    """Steps on Σ c·(p − t)² over the parameters used at each step; the values after each."""
    targets, curvatures = [constant(t) for t in TARGETS], [constant(c) for c in CURVATURES]
    history = []
    for used in used_at_each_step:
        zero_grad()
        sum(((params[k] - targets[k]) ** 2 * curvatures[k]).sum() for k in used).backward()
        optimizer.step()
        history.append([np.array(p.detach().numpy(), copy=True) for p in params])
    return history


def assert_steps_match_pytorch(torch, kind, settings, used_at_each_step):
    ours = [Tensor(start, requires_grad=True) for start in STARTS]
    theirs = [torch.tensor(start, requires_grad=True) for start in STARTS]
    our_optimizer = getattr(optim, kind)(ours, **settings)
    their_optimizer = getattr(torch.optim, kind)(theirs, **settings)
    our_history = train_on_the_schedule(ours, our_optimizer, used_at_each_step,
                                        our_optimizer.zero_grad, Tensor)
    their_history = train_on_the_schedule(theirs, their_optimizer, used_at_each_step,
                                          lambda: their_optimizer.zero_grad(set_to_none=True),
                                          torch.tensor)
    for step, (mine, other) in enumerate(zip(our_history, their_history), start=1):
        for k, (p, q) in enumerate(zip(mine, other)):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14,
                                       err_msg=f"parameter {k} after step {step}")


@OPTIMIZERS
def test_steps_match_pytorchs_optimizer_when_every_parameter_has_a_gradient(torch, kind, settings):
    assert_steps_match_pytorch(torch, kind, settings, [(0, 1, 2)] * 8)


@OPTIMIZERS
def test_steps_match_pytorchs_optimizer_when_parameters_miss_steps(torch, kind, settings):
    """PyTorch skips a parameter whose grad is None: its momentum does not decay and
    Adam's bias correction uses the parameter's own count of steps, not the optimizer's."""
    assert_steps_match_pytorch(torch, kind, settings, USED)


@OPTIMIZERS
def test_non_finite_gradients_are_not_refused_and_give_pytorchs_values(torch, kind, settings):
    """PyTorch takes a step on NaN and ±inf gradients (the weights then say what went
    wrong); so does this engine. Adam's ∞/∞ makes numpy warn, so Adam gets NaN only."""
    bad = [np.nan, np.inf, -np.inf] if kind == "SGD" else [np.nan]
    start = np.array([1.0, -2.0, 0.5, 3.0])
    gradients = [np.array([0.5, value, -1.0, 2.0]) for value in bad]
    ours, theirs = Tensor(start, requires_grad=True), torch.tensor(start, requires_grad=True)
    our_optimizer = getattr(optim, kind)([ours], **settings)
    their_optimizer = getattr(torch.optim, kind)([theirs], **settings)
    for g in gradients:
        ours.grad, theirs.grad = g.copy(), torch.tensor(g)
        our_optimizer.step()
        their_optimizer.step()
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert np.isnan(ours.data[1]) or np.isinf(ours.data[1])
    assert np.all(np.isfinite(ours.data[[0, 2, 3]]))
