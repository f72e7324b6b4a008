"""Do the playground's default settings stay solved? `python examples/playground/check_defaults.py`

For every data set, the default settings are trained from seeds 0 to 9 for as many
steps as a visitor's five minutes of Train give at most, and the test accuracy is
read every CHECK_EVERY steps. A data set passes when every seed reaches TARGET test
accuracy by step SOLVED_BY and no later checkpoint of any seed falls below it: where
a visitor's minute ends must not decide what they see.

The timer fires at most once per `interval` (300 ms) after an answer, STEPS_PER_TICK
steps a tick, so five minutes are at most 300 s / 0.3 s × 20 = 20,000 steps.

The seeds train side by side (`SideBySide`): each seed's data, first weights and
mini-batches are its `Playground`'s own, its weights one slice of stacked tensors that
go through one batched `@`, so one engine step moves all ten runs exactly as ten
`Playground.step` calls would (a test checks it), in a tenth of the time.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the `playground` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.app import STEPS_PER_TICK
from playground.model import ACTIVATIONS, OPTIMIZERS, Playground
from playground.settings import DATASETS, Settings
from tinygrad_nn import Tensor, nn, no_grad

TICK_SECONDS = 0.3  # the timer's interval (layout.py): the least time a tick takes
TARGET = 0.95
SOLVED_BY = 2000  # steps: 30 s of Train at most
CHECK_EVERY = 100  # steps between two readings of the test accuracy


def visitor_steps(minutes: float) -> int:
    """The most steps `minutes` of Train give: one tick per TICK_SECONDS at best."""
    return int(minutes * 60 / TICK_SECONDS) * STEPS_PER_TICK


class SideBySide:
    """The runs of one setting from several seeds, trained in one batched network."""

    def __init__(self, settings: Settings, seeds: list[int]):
        self.runs = [Playground(dataclasses.replace(settings, seed=seed)) for seed in seeds]
        self.settings = settings
        layers = [run.layer_weights() for run in self.runs]
        self.weights = [Tensor(np.stack([run[i][0] for run in layers]), requires_grad=True)
                        for i in range(len(layers[0]))]
        self.biases = [Tensor(np.stack([run[i][1][None] for run in layers]), requires_grad=True)
                       for i in range(len(layers[0]))]
        self.activation = ACTIVATIONS[settings.activation]()
        self.optimizer = OPTIMIZERS[settings.optimizer](
            [p for pair in zip(self.weights, self.biases) for p in pair],
            lr=settings.learning_rate)
        self.X_test = np.stack([run.scaled(run.X_test) for run in self.runs])
        self.y_test = np.stack([run.y_test for run in self.runs])
        self.steps = 0

    def logits(self, x: np.ndarray | Tensor) -> Tensor:
        """z of every run for its own points x (runs, points, 2) → (runs, points, 1)."""
        h = x if isinstance(x, Tensor) else Tensor(x)
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w + b
            if layer < len(self.weights) - 1:
                h = self.activation(h)
        return h

    def step(self) -> None:
        """One step of every run, each on the mini-batch its own Playground would draw.
        The losses are summed, not averaged, over the runs: each run's gradient is then
        its own mean loss's, as in `Playground.step`."""
        batches = [run.batch_rng.choice(len(run.y_train), self.settings.batch, replace=False)
                   for run in self.runs]
        x = np.stack([run.scaled(run.X_train[batch]) for run, batch in zip(self.runs, batches)])
        y = np.stack([run.y_train[batch] for run, batch in zip(self.runs, batches)])
        loss = nn.binary_cross_entropy_with_logits(self.logits(x), Tensor(y[..., None]))
        self.optimizer.zero_grad()
        self.optimizer.lr = self.settings.rate(self.steps)  # as Playground.step sets it
        (loss * len(self.runs)).backward()
        self.optimizer.step()
        self.steps += 1

    def test_accuracy(self) -> np.ndarray:
        """Each run's share of test points on their class's side of z = 0."""
        with no_grad():
            z = self.logits(self.X_test).data[..., 0]
        return np.mean((z > 0) == (self.y_test == 1), axis=1)


def accuracy_curve(settings: Settings, seeds: list[int], steps: int) -> np.ndarray:
    """Test accuracy (checkpoints, seeds) at steps 0, CHECK_EVERY, …, `steps`."""
    runs = SideBySide(settings, seeds)
    curve = [runs.test_accuracy()]
    while runs.steps < steps:
        runs.step()
        if runs.steps % CHECK_EVERY == 0:
            curve.append(runs.test_accuracy())
    return np.array(curve)


def verdict(curve: np.ndarray) -> dict[str, float]:
    """The numbers a data set is judged by: the last seed's first step at TARGET, the
    share of checkpoints of all seeds after SOLVED_BY below TARGET, and the lowest."""
    reached = curve >= TARGET
    first = np.where(reached.any(axis=0), reached.argmax(axis=0) * CHECK_EVERY, np.inf)
    after = curve[SOLVED_BY // CHECK_EVERY:]
    return {"solved_by": float(first.max()), "below": float(np.mean(after < TARGET)),
            "lowest": float(after.min())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 to N−1 (10)")
    parser.add_argument("--minutes", type=float, default=5.0, help="of Train (5)")
    args = parser.parse_args(argv)
    seeds, steps = list(range(args.seeds)), visitor_steps(args.minutes)
    defaults = Settings()
    print(f"defaults: {defaults.optimizer} at {defaults.learning_rate}, halved by step "
          f"{defaults.rate_halved_by:,}, "
          f"{defaults.hidden_layers} × {defaults.units} {defaults.activation}, batch "
          f"{defaults.batch_size}, {defaults.n_points:,} points; {len(seeds)} seeds, "
          f"{steps:,} steps each; solved: test accuracy ≥ {TARGET} by step {SOLVED_BY:,} "
          "and at every checkpoint after")
    failed = []
    for dataset in DATASETS:
        start = time.process_time()
        result = verdict(accuracy_curve(dataclasses.replace(defaults, dataset=dataset),
                                        seeds, steps))
        solved = result["solved_by"] <= SOLVED_BY and result["below"] == 0
        failed += [] if solved else [dataset]
        reached = (f"by step {result['solved_by']:,.0f}" if np.isfinite(result["solved_by"])
                   else "never")
        print(f"{dataset:8} {'solved' if solved else 'NOT SOLVED':10} all seeds at "
              f"{TARGET} {reached}; after step {SOLVED_BY:,}: "
              f"{result['below']:.1%} of checkpoints below, lowest {result['lowest']:.3f} "
              f"({time.process_time() - start:.0f} s CPU)")
    print("every data set stays solved" if not failed else f"not solved: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
