"""The page of a failure (`check --stepper OUT`): where the wrong number enters.

For an op: its gradients expected beside got, the wrong entries marked, then the
backward stepper of the graph the op was graded on, L = Σ out·g with out =
op(inputs), built with tinygrad_nn's Tensor so that `viz` can draw it, but with the
learner's op: its forward and its backward are theirs, and so is every number the
stepper shows flowing from out to the inputs. When that backward raises or returns
None, the graph is drawn with the op marked instead. For the order and the walk: the
graph they failed on, built with the learner's engine, its wrong node marked
(`graph_failure`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np

from tinygrad_nn import Tensor, ops, viz
from tinygrad_nn.exercises.cases import SPECS, OpCase, OpSpec
from tinygrad_nn.exercises.comparison import comparison_table
from tinygrad_nn.exercises.grading import FAILED, Result, Wrong
from tinygrad_nn.exercises.graph_failure import graph_failure_html
from tinygrad_nn.exercises.loading import Engine, load_engine
from tinygrad_nn.exercises.op_checks import expected_gradients, run_backward, upstream
from tinygrad_nn.exercises.picture import graph_svg
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


def learners_gradients(engine: Engine, spec: OpSpec, case: OpCase, arrays: list[np.ndarray],
                       g: np.ndarray) -> list[Any]:
    """What the learner's backward gives each input of the case: an array, None, or a
    sentence saying what it did instead (raised, wrote into g, returned too few)."""
    try:
        return list(run_backward(engine, spec, case, arrays, g)[1])
    except Wrong as wrong:
        return [wrong.detail] * len(arrays)
    except Exception as error:  # noqa: BLE001 - the learner's backward may raise anything
        return [f"backward raised {type(error).__name__}: {error}"] * len(arrays)


def op_failure_html(engine: Engine, result: Result) -> str:
    """An op's failure: expected beside got for each input, then the stepper, or the
    graph with the op marked when its backward gives nothing to step through."""
    blank, (case, seed) = result.row.name, result.case
    spec, arrays = SPECS[blank], case.inputs(seed)
    op_class = getattr(engine.ops, case.op)
    out = np.asarray(op_class().forward(*[a.copy() for a in arrays], **case.attrs))
    g = upstream(out.shape, seed)
    expected = expected_gradients(spec, case, op_class, arrays, g)
    got = learners_gradients(engine, spec, case, arrays, g)
    inputs = {**dict(zip(spec.input_names, arrays)), "g": g}
    tables = "".join(comparison_table(f"∂L/∂{name}", expected[i], got[i], inputs)
                     for i, name in enumerate(spec.input_names))
    loss = graded_graph(engine, blank, case, seed)
    broken = next((text for text in got if text is None or isinstance(text, str)), False)
    if broken is False:
        try:
            return tables + viz.backward_stepper(loss).html(keys_on_page=True)
        except Exception as error:  # noqa: BLE001 - numbers a drawing cannot take
            broken = f"the stepper could not draw it: {type(error).__name__}: {error}"
    said = "backward returned None" if broken is None else broken
    picture = graph_svg(loss, lambda t: [t.name or "", f"shape {t.shape}"], lambda t: False,
                        lambda t: "your backward: no gradient" if t.name == "out" else "")
    return (f"{tables}<h3>The graph it was graded on, your op marked</h3>"
            f"<p>{html.escape(said)}</p>{picture}")


STYLE = """<style>
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 1em 2em; }
table { border-collapse: collapse; margin-bottom: 1em; }
td, th { border: 1px solid #ddd; padding: .2em .5em; text-align: right; }
.wrong, tr.wrong td { color: #b2182b; font-weight: bold; background: #fdecea; }
</style>"""


def page(result: Result, body: str) -> str:
    """A whole page: the row, what went wrong and the likely mistake, then `body`."""
    title = f"{result.row.title}: where it goes wrong"
    said = f"<p>{html.escape(result.detail)}</p>" + (
        f"<p>likely mistake: {html.escape(result.mistake)}</p>" if result.mistake else "")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>{STYLE}</head><body>"
            f"<h2>{html.escape(title)}</h2>{said}{body}</body></html>\n")


def write_steppers(engine_folder: str | Path, results: list[Result],
                   folder: str | Path) -> list[str]:
    """Write OUT/<row>.html for each failed op, order or walk of the engine in
    `engine_folder`; a line for each, to print. It runs the learner's code: `check`
    calls it apart."""
    engine, folder = load_engine(engine_folder), Path(folder)
    lines = []
    for result in results:
        if result.status != FAILED or (result.case is None and result.graph is None):
            continue
        path = folder / f"{result.row.name}.html"
        try:
            body = (op_failure_html(engine, result) if result.case is not None
                    else graph_failure_html(engine, result.row.name, *result.graph))
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(page(result, body), encoding="utf-8")
        except Exception as error:  # noqa: BLE001 - the learner's code may break the drawing too
            lines.append(f"{result.row.title}: no picture ({type(error).__name__}: {error})")
            continue
        what = ("the graph where it goes wrong" if result.case is None
                else "expected beside got, and the backward pass step by step,")
        lines.append(f"{result.row.title}: {what} is in {path}")
    return lines or ["no failed op, order or walk to draw"]
