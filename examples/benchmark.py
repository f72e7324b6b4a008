"""What the engine costs: one training step, tinygrad_nn against hand-written numpy.

Five workloads, float64, one full step each (forward, loss, backward, SGD update):

  W1  article 001's twelve points: X (12, 1), 1-2-1 sigmoid, binary cross-entropy
  W2  moons: 1000 points, 2-30-1, tanh hidden, sigmoid output, binary cross-entropy
  W3  cat logistic regression: X (209, 12288) in [0, 1], one sigmoid unit, zero init
  W4  deep relu: 1000 points, 2-4-4-2, relu, softmax cross-entropy
  W5  wide: 4096 x 64, 64-256-256-10, relu, softmax cross-entropy

"numpy" is the floor: the gradients written out by hand, activations reused,
sigmoid + BCE and softmax + CE fused into (p - y)/n, updates in place. "tinygrad_nn"
is the engine used as a user would (Tensors, `nn` losses, `optim.SGD`). "torch" is
PyTorch eager on one thread, when it is installed. "unguarded" is the engine with its
guards switched off (`unguarded()`), to show what they cost. All start from the same
arrays; their gradients are checked to agree to 1e-9 before anything is timed. The
implementations run interleaved in rounds so machine noise hits them alike; the
table gives the median time per step and the medians of the per-round ratios. One
BLAS thread is used, so the ratios measure the engine, not threading, and the time is
the process's CPU time, so that waiting for a core on a shared machine is not counted.

    python examples/benchmark.py           # full run (a few minutes)
    python examples/benchmark.py --quick   # under a minute
    python examples/benchmark.py --readme  # full run, its table written into README.md
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import contextlib
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from report import README, replace_readme_block

from tinygrad_nn import Tensor, datasets, guards, nn, optim

LR = 0.1


@dataclass
class Workload:
    """A network (layer sizes, hidden activation, loss kind) and its data."""

    name: str
    description: str
    sizes: list[int]
    hidden: str  # "sigmoid", "tanh" or "relu"
    loss: str  # "bce" (one sigmoid output) or "ce" (softmax over classes)
    X: np.ndarray
    y: np.ndarray  # (n, 1) floats for "bce", (n,) class indices for "ce"
    init: str  # "normal" or "zeros"


def make_workloads(rng: np.random.Generator) -> list[Workload]:
    twelve_x, twelve_y = datasets.twelve_points()
    moons_x, moons_y = datasets.moons(1000, noise=0.1, seed=rng)
    return [
        Workload("W1", "001 twelve points, 1-2-1 sigmoid", [1, 2, 1], "sigmoid", "bce",
                 twelve_x, twelve_y.astype(float), "normal"),
        Workload("W2", "moons 1000, 2-30-1 tanh", [2, 30, 1], "tanh", "bce",
                 moons_x, moons_y[:, None].astype(float), "normal"),
        Workload("W3", "cat logistic regression 209x12288", [12288, 1], "sigmoid", "bce",
                 rng.random((209, 12288)), rng.integers(0, 2, (209, 1)).astype(float), "zeros"),
        Workload("W4", "deep relu 1000, 2-4-4-2", [2, 4, 4, 2], "relu", "ce",
                 rng.normal(size=(1000, 2)), rng.integers(0, 2, 1000), "normal"),
        Workload("W5", "wide 4096x64, 64-256-256-10 relu", [64, 256, 256, 10], "relu", "ce",
                 rng.normal(size=(4096, 64)), rng.integers(0, 10, 4096), "normal"),
    ]


def initial_parameters(work: Workload, rng: np.random.Generator) -> list[np.ndarray]:
    """[w1, b1, w2, b2, ...], weights (in, out) as in the articles."""
    params = []
    for n_in, n_out in zip(work.sizes[:-1], work.sizes[1:]):
        scale = 0.0 if work.init == "zeros" else np.sqrt(2.0 / n_in)
        params += [rng.normal(size=(n_in, n_out)) * scale, np.zeros(n_out)]
    return params


# ---- the floor: gradients by hand --------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _activate(kind: str, z: np.ndarray) -> np.ndarray:
    if kind == "sigmoid":
        return _sigmoid(z)
    if kind == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _activation_slope(kind: str, a: np.ndarray) -> np.ndarray:
    """The activation's derivative written with its output a, as the articles do."""
    if kind == "sigmoid":
        return a * (1.0 - a)
    if kind == "tanh":
        return 1.0 - a * a
    return a > 0


def numpy_step(work: Workload, params: list[np.ndarray]) -> tuple[float, list[np.ndarray]]:
    """One hand-written step; updates `params` in place, returns the loss and gradients."""
    X, y, n = work.X, work.y, len(work.X)
    activations = [X]
    for i in range(0, len(params) - 2, 2):
        activations.append(_activate(work.hidden, activations[-1] @ params[i] + params[i + 1]))
    z = activations[-1] @ params[-2] + params[-1]
    if work.loss == "bce":
        loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        dz = (_sigmoid(z) - y) / n
    else:
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[np.arange(n), y]))
        dz = exp / total
        dz[np.arange(n), y] -= 1.0
        dz /= n
    grads = [None] * len(params)
    for i in range(len(params) - 2, -1, -2):
        a = activations[i // 2]
        grads[i], grads[i + 1] = a.T @ dz, dz.sum(axis=0)
        if i:
            dz = (dz @ params[i].T) * _activation_slope(work.hidden, a)
    for p, g in zip(params, grads):
        p -= LR * g
    return loss, grads


# ---- the engine, used as a user would -----------------------------------------


def tinygrad_model(work: Workload, params: list[np.ndarray]) -> nn.Sequential:
    activation = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}[work.hidden]
    layers: list[nn.Module] = []
    for n_in, n_out in zip(work.sizes[:-1], work.sizes[1:]):
        layers += [nn.Linear(n_in, n_out), activation()]
    model = nn.Sequential(*layers[:-1])
    for parameter, value in zip(model.parameters(), params):
        parameter.data[...] = value
    return model


def tinygrad_stepper(work: Workload, params: list[np.ndarray]) -> Callable[[], float]:
    model = tinygrad_model(work, params)
    opt = optim.SGD(model.parameters(), lr=LR)
    X, y = Tensor(work.X), work.y
    loss_fn = nn.binary_cross_entropy_with_logits if work.loss == "bce" else nn.cross_entropy

    def step() -> float:
        loss = loss_fn(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    step.parameters = model.parameters()  # type: ignore[attr-defined]
    return step


@contextlib.contextmanager
def unguarded() -> Iterator[None]:
    """The engine with the guards that run on every step switched off, for timing only:
    the version check before each op's backward, the gradient of each tensor's own (cast
    and copied where shared), the write stamps and gradient checks of the optimizer, the
    losses' checks of their inputs. A benchmark step computes the same numbers without
    them; a user's mistake would no longer be caught."""
    switched_off = [(guards, "check_unchanged", lambda tensor: None),
                    (guards, "own_gradient", lambda contribution, tensor, g: contribution),
                    (optim, "record_write", lambda *tensors: None),
                    (optim, "_checked_gradient", lambda position, p: p.grad),
                    (nn, "_refuse_empty", lambda loss, pred: None),
                    (nn, "_refuse_outside_0_1", lambda *args, **kwargs: None)]
    kept = [(module, name, getattr(module, name)) for module, name, _ in switched_off]
    try:
        for module, name, replacement in switched_off:
            setattr(module, name, replacement)
        yield
    finally:
        for module, name, original in kept:
            setattr(module, name, original)


# ---- PyTorch eager, when installed --------------------------------------------


def torch_stepper(work: Workload, params: list[np.ndarray]) -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    weights = [torch.tensor(p, requires_grad=True) for p in params]
    X = torch.tensor(work.X)
    y = torch.tensor(work.y)
    activation = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[work.hidden]
    opt = torch.optim.SGD(weights, lr=LR)

    def step() -> float:
        a = X
        for i in range(0, len(weights) - 2, 2):
            a = activation(a @ weights[i] + weights[i + 1])
        z = a @ weights[-2] + weights[-1]
        if work.loss == "bce":
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        else:
            loss = torch.nn.functional.cross_entropy(z, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    step.parameters = weights  # type: ignore[attr-defined]
    return step


# ---- the measurement -----------------------------------------------------------


def check_gradients_agree(work: Workload, params: list[np.ndarray]) -> None:
    """Before timing: one step of each implementation, same loss and gradients to 1e-9."""
    reference = [p.copy() for p in params]
    loss, grads = numpy_step(work, reference)
    steppers = {"tinygrad_nn": tinygrad_stepper(work, params), "torch": torch_stepper(work, params),
                "unguarded": tinygrad_stepper(work, params)}
    for name, step in steppers.items():
        if step is None:
            continue
        with unguarded() if name == "unguarded" else contextlib.nullcontext():
            their_loss = step()
        their_grads = [np.asarray(p.grad) for p in step.parameters]
        worst = max(float(np.max(np.abs(g - h))) for g, h in zip(grads, their_grads))
        if abs(their_loss - loss) > 1e-9 or worst > 1e-9:
            raise AssertionError(f"{work.name}: {name} disagrees with numpy (loss {their_loss} vs "
                                 f"{loss}, largest gradient difference {worst:.3g})")


def time_per_step(step: Callable[[], object], repeats: int) -> float:
    """CPU seconds per call: on one thread, the work done, whoever else uses the machine."""
    start = time.process_time()
    for _ in range(repeats):
        step()
    return (time.process_time() - start) / repeats


def benchmark(work: Workload, params: list[np.ndarray], rounds: int, budget: float) -> dict:
    """Median µs/step per implementation, and medians of per-round ratios: to numpy
    ("numpy"), of the engine to torch ("torch") and to itself unguarded ("guards")."""
    numpy_params = [p.copy() for p in params]
    steppers = {"numpy": lambda: numpy_step(work, numpy_params),
                "tinygrad_nn": tinygrad_stepper(work, params),
                "torch": torch_stepper(work, params),
                "unguarded": tinygrad_stepper(work, params)}
    steppers = {name: step for name, step in steppers.items() if step is not None}
    first = time_per_step(steppers["numpy"], 3)
    repeats = max(1, int(budget / rounds / max(first, 1e-7) / len(steppers)))
    times: dict[str, list[float]] = {name: [] for name in steppers}
    for _ in range(rounds):
        for name, step in steppers.items():
            with unguarded() if name == "unguarded" else contextlib.nullcontext():
                times[name].append(time_per_step(step, repeats))
    seconds = {name: np.array(t) for name, t in times.items()}
    ours = seconds["tinygrad_nn"]
    result = {name: 1e6 * float(np.median(t)) for name, t in seconds.items()}
    result["ratios"] = {"numpy": float(np.median(ours / seconds["numpy"])),
                        "guards": float(np.median(ours / seconds["unguarded"]))}
    if "torch" in seconds:
        result["ratios"]["torch"] = float(np.median(ours / seconds["torch"]))
    return result


def tiny_op_ratio(rounds: int) -> tuple[float, float]:
    """The fixed cost of one op: a chain of 100 products of (2, 2) arrays, forward and
    backward, against the same 300 numpy calls written by hand (out = a·b forward;
    g·b and g·a backward). Returns (µs per op, ratio to numpy)."""
    a, b, g = np.full((2, 2), 0.5), np.full((2, 2), 1.01), np.ones((2, 2))
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)

    def engine() -> None:
        out = ta
        for _ in range(100):
            out = out * tb
        out.backward(g)

    def by_hand() -> None:
        out = a
        for _ in range(100):
            out = out * b
        for _ in range(100):
            g * b, g * a

    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(time_per_step(engine, 200) / 100)
        theirs.append(time_per_step(by_hand, 200) / 100)
    return 1e6 * float(np.median(ours)), float(np.median(np.array(ours) / np.array(theirs)))


def machine() -> str:
    """The machine and versions, said where the timings are shown."""
    try:
        import torch
        with_torch = f", PyTorch {torch.__version__}"
    except ImportError:
        with_torch = ""
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}{with_torch}, one BLAS thread, "
            "CPU time")


def readme_block(per_op: float, op_ratio: float, rows: list[tuple[Workload, dict]]) -> str:
    """The README's lines of a full run: the machine, the table, the cost of one op."""
    lines = [f"A full run on {machine()}:", "",
             "| workload | numpy µs | tinygrad_nn µs | × numpy | × PyTorch | the guards |",
             "|---|---:|---:|---:|---:|---:|"]
    for work, result in rows:
        ratios = result["ratios"]
        torch_cell = f"{ratios['torch']:.2f}×" if "torch" in ratios else "–"
        lines.append(f"| {work.name} {work.description} | {result['numpy']:.1f} | "
                     f"{result['tinygrad_nn']:.1f} | {ratios['numpy']:.2f}× | {torch_cell} | "
                     f"{100 * (ratios['guards'] - 1):+.0f}% |")
    lines += ["", (f"One op on (2, 2) arrays, forward and backward, costs {per_op:.1f} µs, "
                   f"{op_ratio:.1f}× the three numpy calls it makes.")]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds: under a minute")
    parser.add_argument("--only", nargs="+", metavar="W", help="run only these workloads, e.g. W1 W4")
    parser.add_argument("--readme", action="store_true",
                        help="write the table of this (full) run into README.md")
    args = parser.parse_args()
    if args.readme and (args.quick or args.only):
        parser.error("--readme writes the table of a full run: leave out --quick and --only")
    rounds, budget = (5, 4.0) if args.quick else (15, 30.0)
    rng = np.random.default_rng(0)
    print(machine() + "\n")
    per_op, op_ratio = tiny_op_ratio(rounds)
    print(f"one op on (2, 2) arrays, forward + backward: {per_op:.2f} µs, {op_ratio:.2f}x numpy\n")
    header = (f"{'workload':<40} {'numpy µs':>10} {'tinygrad_nn µs':>15} {'x numpy':>8} "
              f"{'torch µs':>10} {'x torch':>8} {'guards':>7}")
    print(header)
    print("-" * len(header))
    rows = []
    for work in make_workloads(rng):
        params = initial_parameters(work, rng)
        if args.only and work.name not in args.only:
            continue
        check_gradients_agree(work, params)
        result = benchmark(work, params, rounds, budget)
        rows.append((work, result))
        ratios = result["ratios"]
        torch_cells = (f"{result['torch']:>10.1f} {ratios['torch']:>7.2f}x" if "torch" in result
                       else f"{'-':>10} {'-':>8}")
        print(f"{work.name + ' ' + work.description:<40} {result['numpy']:>10.1f} "
              f"{result['tinygrad_nn']:>15.1f} {ratios['numpy']:>7.2f}x {torch_cells} "
              f"{100 * (ratios['guards'] - 1):>+6.0f}%", flush=True)
    if args.readme:
        text = README.read_text(encoding="utf-8")
        README.write_text(replace_readme_block(text, "benchmark", readme_block(per_op, op_ratio, rows)),
                          encoding="utf-8")
        print(f"\nwrote the table into {README}")


if __name__ == "__main__":
    main()
