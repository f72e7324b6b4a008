"""The backward stepper of a failed op, run on the learner's op: where the wrong
number enters.

The graph is the one the op was graded on, L = Σ out·g with out = op(inputs), built
with tinygrad_nn's Tensor so that `viz` can draw it, but its op is the learner's:
its forward and its backward are theirs, and so is every number the stepper shows
flowing from out to the inputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tinygrad_nn import Tensor, ops, viz
from tinygrad_nn.exercises.cases import SPECS, OpCase
from tinygrad_nn.exercises.grading import FAILED, Result, upstream
from tinygrad_nn.exercises.loading import Engine, load_engine
from tinygrad_nn.tensor import apply


class LearnersOp(ops.Op):
    """A tinygrad_nn op whose forward and backward are the learner's op's, labelled as
    the engine's op of the same name is."""

    learner_class: type

    def forward(self, *arrays: np.ndarray, **attrs) -> np.ndarray:
        """The learner's forward (a fresh op of theirs, told every input needs a gradient)."""
        self.learner = self.learner_class()
        self.learner.needs_grad = (True,) * len(arrays)
        if "exponent" in attrs:
            self.exponent = attrs["exponent"]  # how drawings label a power
        return self.learner.forward(*arrays, **attrs)

    def backward(self, g, *inputs_and_output) -> tuple:
        """The learner's backward, as it is."""
        return tuple(self.learner.backward(g, *inputs_and_output))


def graded_graph(engine: Engine, blank: str, case: OpCase, seed: int) -> Tensor:
    """L = Σ out·g on the case's inputs, out made by the learner's op (labelled as the
    engine's op of that name, or plainly by its name when the engine has none)."""
    reference = getattr(ops, case.op, type(case.op, (ops.Op,), {"symbol": case.op}))
    wrapped = type(case.op, (LearnersOp,), {
        "learner_class": getattr(engine.ops, case.op), "symbol": reference.symbol,
        "rule": reference.rule, "notation": reference.notation,
        "__doc__": f"The learner's {case.op}."})
    arrays = case.inputs(seed)
    leaves = [Tensor(a, requires_grad=True, name=n) for a, n in zip(arrays, SPECS[blank].input_names)]
    out = apply(wrapped, *leaves, **case.attrs)
    out.name = "out"
    loss = (out * Tensor(upstream(out.shape, seed), name="g")).sum()
    loss.name = "L"
    return loss


def write_steppers(engine_folder: str | Path, results: list[Result],
                   folder: str | Path) -> list[str]:
    """Write OUT/<op>.html for each failed op of the engine in `engine_folder`; a line
    for each, to print. It runs the learner's ops: `check` calls it apart."""
    engine, folder = load_engine(engine_folder), Path(folder)
    lines = []
    for result in results:
        if result.status != FAILED or result.case is None:
            continue
        path = folder / f"{result.row.name}.html"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            viz.backward_stepper(graded_graph(engine, result.row.name, *result.case)).save(path)
        except Exception as error:  # noqa: BLE001 - the learner's op may break the drawing too
            lines.append(f"{result.row.title}: no stepper ({type(error).__name__}: {error})")
            continue
        lines.append(f"{result.row.title}: the backward pass step by step is in {path}")
    return lines or ["no failed op to draw"]
