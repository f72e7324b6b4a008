"""The graded exercises: `start` writes the engine with blanks, `check` grades it.

The reference solution passes every exercise; a fresh workspace reports every blank
as not done yet; each classic mistake, planted in the solution, fails its own
exercise and is named; the capstone trains articles 001 and 004 on the learner's
engine (004 skips without the cat/non-cat files, as the article's own tests do).
"""

import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tinygrad_nn import datasets
from tinygrad_nn.datasets import catvnoncat
from tinygrad_nn.exercises import check, start, table
from tinygrad_nn.exercises.cases import DOMAINS, SPECS
from tinygrad_nn.exercises.catalogue import BLANKS, BY_NAME, EXERCISES
from tinygrad_nn.exercises.comparison import comparison_table
from tinygrad_nn.exercises.grading import BLOCKED, FAILED, NOT_DONE, PASSED, SKIPPED
from tinygrad_nn.exercises.loading import load_engine
from tinygrad_nn.exercises.progress import ROWS, grade_apart, selected
from tinygrad_nn.exercises.stepper import graded_graph, write_steppers
from tinygrad_nn.exercises.workspace import (
    FILES,
    SOLUTION,
    not_written,
    with_blanks,
)
from tinygrad_nn.viz import backward_steps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

PROJECT = Path(__file__).resolve().parent.parent


def cat_files_here() -> bool:
    try:
        datasets.find_catvnoncat()
    except datasets.DataUnavailable:
        return False
    return True


def exercises(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    """python -m tinygrad_nn.exercises ARGS, its output captured, with this project's
    tinygrad_nn first on the path (from any folder)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(PROJECT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-m", "tinygrad_nn.exercises", *args], check=False,
                          capture_output=True, text=True, cwd=cwd, timeout=300, env=env)


def statuses(results) -> dict[str, str]:
    return {r.row.name: r.status for r in results}


def planted(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    """The reference solution with one line changed."""
    folder = start(tmp_path / "engine", written=BY_NAME)
    path = folder / filename
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {filename}"
    path.write_text(text.replace(old, new))
    return folder


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    folder = start(tmp_path_factory.mktemp("solved") / "engine", written=BY_NAME)
    return check(folder)[1]


# ---- the reference solution and the fresh workspace --------------------------


def test_the_reference_solution_passes_every_exercise(solved):
    found = statuses(solved)
    assert list(found) == list(ROWS)
    assert {name: s for name, s in found.items() if name != "capstone_004"} == {
        name: PASSED for name in ROWS if name != "capstone_004"}
    notes = {r.row.name: r.detail for r in solved}
    assert notes["log_softmax"] == "stable from z = −1000 to 1000"


def test_the_capstone_trains_article_001_as_the_engine_does(solved):
    import article_001_twelve_points as article

    model = article.make_network()
    X, y = datasets.twelve_points()
    history = article.train(model, X, y, lr=0.1, epochs=5000)
    result = next(r for r in solved if r.row.name == "capstone_001")
    assert result.detail == (f"12/12 points right, all of them from epoch "
                             f"{history.first_all_correct} on")


@pytest.mark.skipif(not cat_files_here(),
                    reason="the catvnoncat .h5 files are not here: set TINYGRAD_NN_DATA to their folder")
def test_the_capstone_reaches_article_004s_accuracy_as_the_docs_show(solved):
    result = next(r for r in solved if r.row.name == "capstone_004")
    assert result.status == PASSED
    assert result.detail.startswith("201/209 train (96%), 38/50 test (76%) after 900 steps")
    page = (PROJECT / "docs" / "exercises.md").read_text()
    shown = re.search(r"<!-- exercises:capstone -->\n```text\n(.*?)```", page, re.DOTALL).group(1)
    capstone = [line for line in table(solved).splitlines() if "capstone:" in line]
    assert shown == "\n".join(capstone) + "\n"


def test_without_the_cat_files_the_capstone_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(tmp_path / "nowhere"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if cat_files_here():
        pytest.skip("the cat files are found even so")
    (result,) = check(start(tmp_path / "engine", written=BY_NAME), "capstone_004")[1][-1:]
    assert result.status == SKIPPED
    assert "needs the cat/non-cat files: set TINYGRAD_NN_DATA" in result.detail
    assert f"{tmp_path / 'nowhere'}, {tmp_path / 'home'}" in result.detail  # where it looked
    assert "\n" not in result.detail


def test_unreadable_cat_files_are_skipped_saying_so(tmp_path, monkeypatch):
    pytest.importorskip("h5py")
    folder = tmp_path / "data"
    folder.mkdir()
    for name in datasets.CATVNONCAT_SHA256:
        (folder / name).write_bytes(b"not HDF5")
    monkeypatch.setattr(catvnoncat, "find_catvnoncat", lambda *args, **kwargs: folder)
    (result,) = check(start(tmp_path / "engine", written=BY_NAME), "capstone_004")[1][-1:]
    assert result.status == SKIPPED
    assert result.detail.startswith("cannot read the cat/non-cat files: ")


def test_a_fresh_workspace_is_not_done_yet_everywhere_without_a_crash(tmp_path):
    folder = start(tmp_path / "engine")
    results = check(folder)[1]
    found = statuses(results)
    assert {name: found[name] for name in found if not name.startswith("capstone")} == {
        blank.name: NOT_DONE for blank in BLANKS}
    assert found["capstone_001"] == found["capstone_004"] == BLOCKED
    assert next(r for r in results if r.row.name == "capstone_001").detail.startswith(
        "by Add (1), Mul (1)")


def test_check_from_the_command_line_prints_one_table(tmp_path):
    folder = start(tmp_path / "engine")
    run = exercises("check", str(folder))
    assert run.returncode == 1, run.stderr
    assert run.stdout.count("not done yet") == len(BLANKS)
    assert f"0 of {len(ROWS)} passed." in run.stdout
    run = exercises("check", str(folder), "--only", "mul")
    assert run.stdout.splitlines()[2].split() == ["1", "Mul", "not", "done", "yet"]
    assert "0 of 1 passed." in run.stdout


# ---- the classic mistakes, planted in the solution ----------------------------

MISTAKES = {
    "a sign error in Sub": (
        "ops.py", "unbroadcast(-g, b.shape)", "unbroadcast(g, b.shape)", "sub",
        "∂L/∂b[0, 0]", "a sign flipped"),
    "a missing unbroadcast in Add": (
        "ops.py", "return unbroadcast(g, a.shape), unbroadcast(g, b.shape)", "return g, g", "add",
        "∂L/∂b has shape (2, 3); b has shape (3,)", "a broadcast not summed back"),
    "Mul's gradients swapped": (
        "ops.py", "return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)",
        "return unbroadcast(g * a, a.shape), unbroadcast(g * b, b.shape)", "mul",
        "∂L/∂a[0, 0]", "the gradients swapped"),
    "MatMul's transpose on the wrong side (A)": (
        "ops.py", "g @ np.swapaxes(b, -1, -2)", "np.swapaxes(b, -1, -2) @ g", "matmul",
        "∂L/∂A[0, 0]", "a transpose on the wrong side"),
    "MatMul's transpose on the wrong side (B)": (
        "ops.py", "np.swapaxes(a, -1, -2) @ g", "g @ np.swapaxes(a, -1, -2)", "matmul",
        "∂L/∂B[0, 0]", "a transpose on the wrong side"),
    "MatMul's .T on a stack of matrices": (
        "ops.py", "g @ np.swapaxes(b, -1, -2)", "g @ b.T", "matmul", "ValueError",
        "on a stack of matrices, .T reverses every axis"),
    "MatMul's batch axes not summed": (
        "ops.py", "unbroadcast(np.swapaxes(a, -1, -2) @ g, b.shape)", "np.swapaxes(a, -1, -2) @ g",
        "matmul", "∂L/∂B has shape (3, 3, 2); B has shape (3, 2)", "the batch axes not summed"),
    "= instead of += on fan-out": (
        "tensor.py", ("pending[parent] = (pending[parent] + contribution if parent in pending\n"
                      "                                   else contribution)"),
        "pending[parent] = contribution",
        "backward_pass", "∂loss/∂x of x·x + x at x = 3: expected 7, got 3",
        "a contribution overwritten instead of added"),
    "the topological order reversed": (
        "tensor.py", "    return order\n", "    return order[::-1]\n", "topological_order",
        "loss is at position 0, before its input", "the order reversed"),
    "Pow's exponent not lowered": (
        "ops.py", "n * x ** (n - 1)", "n * x ** n", "pow", "∂L/∂x[0, 0]",
        "the exponent not lowered"),
    "Exp without g": (
        "ops.py", "return (g * out,)", "return (out,)", "exp", "∂L/∂x[0, 0]",
        "g not multiplied in"),
    "a one-input op without its comma": (
        "ops.py", "return (-g,)", "return -g", "neg", "backward returned ndarray",
        "a tuple of one: (gradient,), with the comma"),
    "the SGD step uphill": (
        "optim.py", "p.data -= self.lr * p.grad", "p.data += self.lr * p.grad", "sgd_step",
        "p[0, 0] after the step", "a sign flipped"),
    "the order found by recursion": (
        "tensor.py", "    100,000 ops is fine.\"\"\"\n",
        ("    100,000 ops is fine.\"\"\"\n"
         "    order = []\n"
         "    def visit(t):\n"
         "        if t not in order:\n"
         "            for p in (t._op.inputs if t._op is not None else ()):\n"
         "                visit(p)\n"
         "            order.append(t)\n"
         "    visit(root)\n"
         "    return order\n"), "topological_order", "RecursionError", "explicit stack"),
    # what passed although wrong, before the cases were random and the arrays read-only
    "ReLU passing g everywhere": (
        "ops.py", "return (g * (x > 0),)", "return (g,)", "relu", "∂L/∂x",
        "g passed everywhere"),
    "ReLU's slope 1 at the kink": (
        "ops.py", "return (g * (x > 0),)", "return (g * (x >= 0),)", "relu", "where x = 0:",
        "(x >= 0)"),
    "ReLU writing into g": (
        "ops.py", "return (g * (x > 0),)", "g[x <= 0] = 0\n        return (g,)", "relu",
        "backward wrote into g, which the grader hands over read-only", "a write into g"),
    "Sigmoid writing into g": (
        "ops.py", "return (g * out * (1.0 - out),)",
        "g *= out * (1.0 - out)\n        return (g,)", "sigmoid",
        "backward wrote into g", "a write into g"),
    "Pow writing into its input": (
        "ops.py", "return (g * n * x ** (n - 1),)", "x **= n - 1\n        return (g * n * x,)",
        "pow", "backward wrote into x", "a write into the input x"),
    "the walk adding in place into a shared g": (
        "tensor.py", ("pending[parent] = (pending[parent] + contribution if parent in pending\n"
                      "                                   else contribution)"),
        ("if parent in pending:\n"
         "                    pending[parent] += contribution\n"
         "                else:\n"
         "                    pending[parent] = contribution"),
        "backward_pass", "∂loss/∂x of Σ (x + z) + z[0]: expected 1, got 2", "added in place"),
    "the walk changing the data": (
        "tensor.py", "        yield tensor, g\n", "        yield tensor, g\n        tensor.data -= g\n",
        "backward_pass", "backward() changed", "the tensors' data must be left as it was"),
    "Sigmoid recomputed from x, overflowing": (
        "ops.py", "return (g * out * (1.0 - out),)",
        "s = 1.0 / (1.0 + np.exp(-x))\n        return (g * s * (1.0 - s),)", "sigmoid",
        "FloatingPointError: overflow", "overflows for large |x|"),
    "MatMul never returning None": (
        "ops.py", "return grad_a, grad_b",
        ("return (unbroadcast(g @ np.swapaxes(b, -1, -2), a.shape),\n"
         "                unbroadcast(np.swapaxes(a, -1, -2) @ g, b.shape))"), "matmul", "∂L/∂A with needs_grad = (False, True) is ndarray, not None",
        "return None for A when need_a is False"),
    # what was caught without its cause, or with a wrong one
    "Exp from x": ("ops.py", "return (g * out,)", "return (g * x,)", "exp", "∂L/∂x",
                   "g·x instead of g·eˣ"),
    "Log as 1/x²": ("ops.py", "return (g / x,)", "return (g / x**2,)", "log", "∂L/∂x",
                    "1/x² instead of 1/x"),
    "σ(1 + σ)": ("ops.py", "return (g * out * (1.0 - out),)", "return (g * out * (1.0 + out),)",
                 "sigmoid", "∂L/∂x", "σ(1 + σ) instead of σ(1 − σ)"),
    "1 + tanh²": ("ops.py", "return (g * (1.0 - out**2),)", "return (g * (1.0 + out**2),)",
                  "tanh", "∂L/∂x", "1 + tanh²x instead of 1 − tanh²x"),
    "ReLU's mask inverted": ("ops.py", "return (g * (x > 0),)", "return (g * (x < 0),)", "relu",
                             "∂L/∂x", "the mask inverted"),
    "Div's a-gradient as g·b": ("ops.py", "unbroadcast(g / b, a.shape)",
                                "unbroadcast(g * b, a.shape)", "div", "∂L/∂a",
                                "g·b instead of g/b"),
    "unbroadcast summing the wrong axes": (
        "ops.py", "if n == 1 and grad.shape[i] != 1", "if n != 1 and grad.shape[i] != 1",
        "unbroadcast", "unbroadcast(grad of shape (2, 3), (3,)) has shape (1,)",
        "the wrong axes summed"),
    "unbroadcast not summing the size-1 axes": (
        "ops.py", "return grad.sum(axis=stretched, keepdims=True)", "return grad", "unbroadcast",
        "unbroadcast(grad of shape (2, 3), (1, 3)) has shape (2, 3)",
        "the size-1 axes not summed"),
    "Sum without the reshape": (
        "ops.py", "g.reshape(kept_shape(x.shape, self.axis)) * np.ones_like(x)",
        "g * np.ones_like(x)", "sum", "ValueError", "reshape it to kept_shape"),
    "Sum returning g unchanged": (
        "ops.py", "return (g.reshape(kept_shape(x.shape, self.axis)) * np.ones_like(x),)",
        "return (g,)", "sum", "∂L/∂x has shape", "g not spread back over the summed axes"),
    "Mul returning three gradients": (
        "ops.py", "return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)",
        "return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape), g", "mul",
        "backward returned 3 gradients; Mul has 2 inputs (a, b)", "one gradient per input"),
    "the walk without reversed": (
        "tensor.py", "for tensor in reversed(topological_order(root)):",
        "for tensor in topological_order(root):", "backward_pass", "∂loss/∂x is None",
        "the graph walked forwards"),
    "the order appended before the inputs (pre-order)": (
        "tensor.py", "    100,000 ops is fine.\"\"\"\n",
        ("    100,000 ops is fine.\"\"\"\n"
         "    order, visited, stack = [], set(), [root]\n"
         "    while stack:\n"
         "        t = stack.pop()\n"
         "        if t not in visited:\n"
         "            visited.add(t)\n"
         "            order.append(t)\n"
         "            stack.extend(t._op.inputs if t._op is not None else ())\n"
         "    return order\n"), "topological_order", "before its input", "pre-order"),
    # the exercises after the capstone: the articles' costs, fused with their activation
    "sigmoid + BCE not divided by m": (
        "ops.py", "return (g * (y_hat - self.target) / z.size,)",
        "return (g * (y_hat - self.target),)", "sigmoid_bce", "∂L/∂z", "not divided by m"),
    "sigmoid + BCE with σ′ left in": (
        "ops.py", "return (g * (y_hat - self.target) / z.size,)",
        "return (g * (y_hat - self.target) * y_hat * (1 - y_hat) / z.size,)", "sigmoid_bce",
        "∂L/∂z", "σ′ left in"),
    "sigmoid + BCE overflowing": (
        "ops.py", "y_hat = np.exp(-np.logaddexp(0.0, -z))", "y_hat = 1.0 / (1.0 + np.exp(-z))",
        "sigmoid_bce", "FloatingPointError: overflow", "overflows for large |x|"),
    "MSE without its 2": (
        "ops.py", "return (g * 2.0 * (p - self.target) / p.size,)",
        "return (g * (p - self.target) / p.size,)", "mse", "∂L/∂p", "the factor 2 left out"),
    "MSE not divided by m": (
        "ops.py", "return (g * 2.0 * (p - self.target) / p.size,)",
        "return (g * 2.0 * (p - self.target),)", "mse", "∂L/∂p", "not divided by m"),
    "softmax + CE not divided by n": (
        "ops.py", "return (g * (softmax - onehot) / len(z),)", "return (g * (softmax - onehot),)",
        "softmax_ce", "∂L/∂z", "not divided by n"),
    "softmax + CE without the one-hot": (
        "ops.py", "return (g * (softmax - onehot) / len(z),)", "return (g * softmax / len(z),)",
        "softmax_ce", "∂L/∂z", "the one-hot left out"),
    "softmax + CE without the max subtracted": (
        "ops.py", "e = np.exp(z - z.max(axis=-1, keepdims=True))", "e = np.exp(z)", "softmax_ce",
        "FloatingPointError: overflow", "overflows for large |x|"),
    "Adam without the bias correction": (
        "optim.py", "m_hat = m / (1 - beta1**self.t)\n            v_hat = v / (1 - beta2**self.t)",
        "m_hat, v_hat = m, v", "adam_step", "p[0, 0] after step 1", "no bias correction"),
    "Adam counting the step after correcting": (
        "optim.py", "self.t += 1\n        ", "", "adam_step", "FloatingPointError: divide by zero",
        "count the step (t += 1) before correcting"),
    "Adam with ε under the root": (
        "optim.py", "(np.sqrt(v_hat) + self.eps)", "np.sqrt(v_hat + self.eps)", "adam_step",
        "q[0] after step 1", "ε under the root"),
    "Adam forgetting m": (
        "optim.py", "m[...] = beta1 * m + (1 - beta1) * p.grad", "m[...] = (1 - beta1) * p.grad",
        "adam_step", "p[0, 0] after step 2", "m forgets"),
    # exercise 15: a forward to write, the stable log-softmax
    "log-softmax: softmax instead of its log": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)", "log_softmax",
        "log_softmax(z)[0, 0] (a square matrix: shape (3, 3), seed",
        "softmax instead of its log: log-softmax is z − log Σ e^z"),
    "log-softmax: only the max subtracted": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return shifted", "log_softmax", "log_softmax(z)[0, 0]",
        "only the max subtracted: log-softmax is z − m − log Σ e^(z − m)"),
    "log-softmax: the max not added back": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return z - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))", "log_softmax",
        "log_softmax(z)[0, 0]",
        "the max subtracted but not added back: log Σ e^z = m + log Σ e^(z − m)"),
    "log-softmax: the sum of the whole array": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return z - z.max() - np.log(np.exp(z - z.max()).sum())", "log_softmax",
        "log_softmax(z)[0, 0]", "the log-sum-exp of the whole array: take each row's own, axis=-1"),
    "log-softmax: no max subtracted, overflowing": (
        "ops.py", "row_max = z.max(axis=-1, keepdims=True)", "row_max = 0.0", "log_softmax",
        "FloatingPointError: overflow",
        ("e^z overflows for z far above 0 (the grader tries z up to 1000): subtract each row's "
         "max before e^z")),
    "log-softmax: the whole array's max, underflowing": (
        "ops.py", "row_max = z.max(axis=-1, keepdims=True)", "row_max = z.max()",
        "log_softmax", "FloatingPointError: divide by zero",
        ("a row far below the array's max underflowed to log 0: subtract each row's own max "
         "(axis=-1, keepdims=True), not the whole array's")),
    "log-softmax: the max without keepdims": (
        "ops.py", "row_max = z.max(axis=-1, keepdims=True)", "row_max = z.max(axis=-1)",
        "log_softmax", "(a square matrix: shape (3, 3)", "without keepdims=True"),
    "log-softmax: the sum without keepdims, on a square matrix": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return shifted - np.log(np.exp(shifted).sum(axis=-1))",
        "log_softmax", "(a square matrix: shape (3, 3)", "without keepdims=True"),
    "log-softmax: the max subtracted in place": (
        "ops.py", "shifted = z - row_max", "z -= row_max\n        shifted = z", "log_softmax",
        "forward wrote into z",
        ("a write into z (z -= …): it is the tensor's own data, which later ops and the backward "
        "read; compute a new array")),
    "log-softmax: the max and the sum without keepdims, on a square matrix": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return z - z.max(axis=-1) - np.log(np.exp(z - z.max(axis=-1)).sum(axis=-1))",
        "log_softmax", "(a square matrix: shape (3, 3)", "without keepdims=True"),
}
SEEDS = (0, 1)  # two draws: a mistake must fail on any seed, not on a lucky one


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_planted_mistake_fails_its_exercise_and_is_named(tmp_path, mistake):
    """Graded in this process (as `check` grades a row in its child), the rest of the
    engine being the reference solution, which passes everything."""
    filename, old, new, row, detail, named = MISTAKES[mistake]
    folder = planted(tmp_path, filename, old, new)
    for seed in SEEDS:
        result = grade_apart(str(folder), row, ROWS, seed)
        assert result.status == FAILED, table([result])
        assert detail in result.detail, result.detail
        assert named in result.mistake, result.mistake


def test_check_fails_a_planted_mistake_and_what_depends_on_it(tmp_path):
    filename, old, new, row, detail, named = MISTAKES["the walk without reversed"]
    progress, (capstone,) = check(planted(tmp_path, filename, old, new), "capstone_001")
    walk = progress.result(row)  # graded first, in its own process, though not shown
    assert walk.status == FAILED and detail in walk.detail and named in walk.mistake
    assert capstone.status == BLOCKED and capstone.detail == "by backward walk (8)"


def test_a_failed_case_says_which_case_and_which_seed(tmp_path):
    folder = planted(tmp_path, "ops.py", "return (g * (x > 0),)", "return (g * (x >= 0),)")
    results = check(folder, "relu", seed=41)[1]
    case, case_seed = results[0].case
    assert case.domains == ("zeros",) and case_seed == 41 * 100 + 1
    text = table(results)
    assert "case: ReLU on x of shape (2, 3) (zeros)" in text
    assert "--seed 41" in text


@pytest.mark.parametrize("row, old, new", [
    ("unbroadcast", "return grad.sum(axis=stretched, keepdims=True)",
     "return grad.mean(axis=stretched, keepdims=True)"),
    ("log_softmax", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
     "return shifted")])
def test_a_failure_without_an_op_case_prints_its_seed_and_the_seed_draws_it_again(
        tmp_path, row, old, new):
    folder = planted(tmp_path, "ops.py", old, new)
    first, again, other = (grade_apart(str(folder), row, ROWS, seed) for seed in (7, 7, 8))
    assert first.status == FAILED and first.seed == 7
    assert "add --seed 7 to check" in table([first])
    assert again.detail == first.detail
    assert other.detail != first.detail


def test_a_log_softmax_failure_names_the_element_the_z_there_and_both_values(tmp_path):
    folder = planted(tmp_path, "ops.py",
                     "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
                     "return shifted")
    result = grade_apart(str(folder), "log_softmax", ROWS, 3)
    z = DOMAINS["any"](np.random.default_rng(3), (3, 3))  # the first case, drawn as check does
    expected = z - np.logaddexp.reduce(z, axis=-1, keepdims=True)
    got = z - z.max(axis=-1, keepdims=True)
    assert result.detail == (f"log_softmax(z)[0, 0] (a square matrix: shape (3, 3), seed 3) "
                             f"where z = {z[0, 0]:.6g}: expected {expected[0, 0]:.6g}, "
                             f"got {got[0, 0]:.6g}")


def test_an_error_in_the_log_softmax_forward_is_not_given_a_cause_it_does_not_have(tmp_path):
    folder = planted(tmp_path, "ops.py", "row_max = z.max(axis=-1, keepdims=True)",
                     "row_max = undefined")
    result = grade_apart(str(folder), "log_softmax", ROWS, 0)
    assert result.detail.startswith("NameError: name 'undefined' is not defined")
    assert result.mistake == ""


def test_an_op_whose_forward_raises_says_forward_is_not_the_blank(tmp_path):
    folder = planted(tmp_path, "ops.py", "        return a @ b\n",
                     "        if a.ndim > 2:\n            raise ValueError('matrices only')\n"
                     "        return a @ b\n")
    result = grade_apart(str(folder), "matmul", ROWS, 0)
    assert result.status == FAILED
    assert result.detail.startswith("ValueError: matrices only (at ops.py line")
    assert result.mistake == (
        "the op's forward raised, and forward is not yours to write here: it is as `start` "
        "wrote it, unless it was edited or the workspace was made by an older version; compare "
        "it with the forward of a new `start`")


def test_a_workspace_older_than_an_exercise_is_told_where_to_find_it(tmp_path):
    folder = planted(tmp_path, "ops.py", "class LogSoftmax(Op):", "class Renamed(Op):")
    (result,) = check(folder, "log_softmax")[1]
    assert result.status == FAILED
    assert result.mistake == ("your ops.py has no LogSoftmax: the workspace was made before this "
                              "exercise existed; copy LogSoftmax from the ops.py of a new `start`")


def test_a_forward_that_raises_blocks_the_order_instead_of_failing_it(tmp_path):
    folder = planted(tmp_path, "ops.py", "return np.exp(x)", "return np.exp(x) + undefined")
    found = check(folder, "topological_order")[1][0]
    assert found.status == BLOCKED, found
    assert found.detail.startswith("by Exp (3): its forward raised NameError")
    assert check(folder, "exp")[1][0].status == FAILED


# correct solutions that differ from the reference: each must still pass
DIFFERENT = {
    "float32 gradients": (
        "ops.py", "return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)",
        ("return (unbroadcast((g * b).astype(np.float32), a.shape),\n"
         "                unbroadcast((g * a).astype(np.float32), b.shape))"), ("mul", "backward_pass")),
    "np.einsum": (
        "ops.py", "return grad_a, grad_b",
        ('return ((unbroadcast(np.einsum("...nm,...km->...nk", g, b), a.shape) if need_a '
         'else None),\n                (unbroadcast(np.einsum("...nk,...nm->...km", a, g), '
         'b.shape) if need_b else None))'), ("matmul", "backward_pass")),
    "a read-only np.broadcast_to view": (
        "ops.py", "g.reshape(kept_shape(x.shape, self.axis)) * np.ones_like(x)",
        "np.broadcast_to(g.reshape(kept_shape(x.shape, self.axis)), x.shape)",
        ("sum", "backward_pass", "capstone_001")),
    "ReLU by np.where": ("ops.py", "return (g * (x > 0),)", "return (np.where(x > 0, g, 0.0),)",
                         ("relu",)),
    "Kahn's algorithm": (
        "tensor.py", "    100,000 ops is fine.\"\"\"\n",
        ("    100,000 ops is fine.\"\"\"\n"
         "    users, seen, stack = {}, {root}, [root]\n"
         "    while stack:\n"
         "        for parent in (stack.pop()._op or ops.Op()).inputs:\n"
         "            users[parent] = users.get(parent, 0) + 1\n"
         "            if parent not in seen:\n"
         "                seen.add(parent)\n"
         "                stack.append(parent)\n"
         "    order, ready = [], [root]\n"
         "    while ready:\n"
         "        tensor = ready.pop()\n"
         "        order.append(tensor)\n"
         "        for parent in (tensor._op or ops.Op()).inputs:\n"
         "            users[parent] -= 1\n"
         "            if users[parent] == 0:\n"
         "                ready.append(parent)\n"
         "    return order[::-1]\n"), ("topological_order", "backward_pass", "capstone_001")),
    "a walk that returns a list": (
        "tensor.py", "        yield tensor, g\n", "        walked.append((tensor, g))\n",
        ("backward_pass", "capstone_001")),
    "log-softmax by np.logaddexp.reduce": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        "return z - np.logaddexp.reduce(z, axis=-1, keepdims=True)", ("log_softmax",)),
    "log-softmax as m + log Σ e^(z − m), in float32 sums": (
        "ops.py", "return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
        ("m = z.max(axis=-1, keepdims=True)\n        return z - (m + np.log(np.sum(np.exp(z - m), "
         "axis=-1, keepdims=True, dtype=np.float64)))"), ("log_softmax",)),
    "SGD rebinding p.data": (
        "optim.py", "p.data -= self.lr * p.grad", "p.data = p.data - self.lr * p.grad",
        ("sgd_step", "capstone_001")),
}


@pytest.mark.parametrize("solution", list(DIFFERENT))
def test_a_correct_solution_unlike_the_reference_passes(tmp_path, solution):
    filename, old, new, rows = DIFFERENT[solution]
    folder = planted(tmp_path, filename, old, new)
    if solution == "a walk that returns a list":
        path = folder / "tensor.py"
        text = path.read_text().replace("    pending = {root: grad}\n",
                                        "    pending, walked = {root: grad}, []\n")
        path.write_text(text.replace("                                   else contribution)\n",
                                     "                                   else contribution)\n"
                                     "    return walked\n", 1))
    for row in rows:
        results = check(folder, row, seed=5)[1]
        assert results[-1].status == PASSED, table(results)


def test_a_mistake_fails_its_exercise_only_and_blocks_what_depends_on_it(tmp_path):
    old, new = "return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)", \
        "return unbroadcast(g * a, a.shape), unbroadcast(g * b, b.shape)"
    found = statuses(check(planted(tmp_path, "ops.py", old, new))[1])
    assert [name for name, s in found.items() if s == FAILED] == ["mul"]
    assert found["backward_pass"] == found["capstone_001"] == BLOCKED
    assert found["add"] == found["sgd_step"] == found["topological_order"] == PASSED


def test_ops_are_graded_on_equal_shapes_until_unbroadcast_is_written(tmp_path):
    folder = start(tmp_path / "engine")
    solution = with_blanks((SOLUTION / "ops.py").read_text(), written=BY_NAME)
    answer = solution[solution.index("class Add"):solution.index("class Mul")]
    text = (folder / "ops.py").read_text()
    blank = text[text.index("class Add"):text.index("class Mul")]
    (folder / "ops.py").write_text(text.replace(blank, answer))
    (result,) = check(folder, "add")[1]
    assert result.status == PASSED
    assert "on equal shapes" in result.detail


def test_an_error_in_the_learners_code_is_a_failure_that_says_where(tmp_path):
    folder = planted(tmp_path, "ops.py", "return (g / x,)", "return (g / y,)")
    (result,) = check(folder, "log")[1]
    assert result.status == FAILED
    assert result.detail.startswith("NameError: name 'y' is not defined (at ops.py line")


def test_a_file_that_does_not_import_is_reported_not_raised(tmp_path):
    folder = planted(tmp_path, "ops.py", "return (g / x,)", "return (g / x,")
    run = exercises("check", str(folder))
    assert run.returncode == 2
    assert "your engine does not import: SyntaxError" in run.stderr
    assert "(in ops.py)" in run.stderr


# ---- the learner's code is contained --------------------------------------------

RUNAWAYS = {
    "an endless loop": ("while True:\n            pass\n        ", "stopped after 5 s: an endless loop?"),
    "quit()": ("quit()\n        ", "your code called sys.exit() (or quit() or exit())"),
    "sys.exit(0)": ("import sys; sys.exit(0)\n        ", "your code called sys.exit(0)"),
    "os._exit(0)": ("import os; os._exit(0)\n        ", "the grading process ended with exit code 0"),
}


@pytest.mark.parametrize("runaway", list(RUNAWAYS))
def test_code_that_never_returns_or_exits_fails_its_row_and_grading_goes_on(tmp_path, runaway):
    code, said = RUNAWAYS[runaway]
    folder = planted(tmp_path, "ops.py", "return unbroadcast(g * b, a.shape)",
                     code + "return unbroadcast(g * b, a.shape)")
    began = time.monotonic()
    run = exercises("check", str(folder), "--only", "1", "--timeout", "5")
    assert time.monotonic() - began < 30
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines[2].split()[:2] == ["1", "Add"] and lines[2].split()[2] == "passed"
    assert lines[3].split()[:3] == ["1", "Mul", "failed"], run.stdout
    assert said in run.stdout


def test_an_exit_at_import_is_reported_with_a_non_zero_status(tmp_path):
    folder = planted(tmp_path, "ops.py", "import numpy as np\n",
                     "import numpy as np\nprint('importing')\nraise SystemExit(3)\n")
    run = exercises("check", str(folder), "--timeout", "5")
    assert run.returncode == 2
    assert "your engine does not import: your code called sys.exit(3)" in run.stderr
    assert "importing" in run.stderr


def test_a_huge_print_is_captured_and_shown_capped_under_its_row(tmp_path):
    folder = planted(tmp_path, "ops.py", "return unbroadcast(g * b, a.shape)",
                     "print('x' * 10_000_000)\n        print('\\n'.join(map(str, range(10_000))))"
                     "\n        return unbroadcast(g * b, a.shape)")
    run = exercises("check", str(folder), "--only", "Mul")
    assert run.returncode == 0, run.stderr
    assert len(run.stdout) < 10_000
    lines = run.stdout.splitlines()
    assert lines[2].split()[:3] == ["1", "Mul", "passed"]
    assert lines[3].strip() == "your code printed:"
    printed = [line for line in lines if line.lstrip().startswith("|")]
    assert len(printed) == 21 and printed[-1].endswith("| … and 59,986 more lines not shown")
    assert printed[0].endswith("x" * 200 + "…") and printed[1].endswith("| 0")


def test_rows_print_as_they_are_graded_and_ctrl_c_ends_cleanly(tmp_path):
    folder = planted(tmp_path, "optim.py", "p.data -= self.lr * p.grad",
                     "while True:\n                    pass")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    # Ctrl-C must reach check even where the tests run in the background, which ignores it:
    # an ignored signal stays ignored in a child, a handled one does not
    held = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen([sys.executable, "-m", "tinygrad_nn.exercises", "check",
                                    str(folder), "--timeout", "60"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env)
    finally:
        signal.signal(signal.SIGINT, held)
    try:
        while "backward walk" not in process.stdout.readline():
            pass
        time.sleep(1)  # now in the SGD step's endless loop
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "check: stopped (Ctrl-C)" in err
    assert "Traceback" not in err


def test_the_capstone_prints_its_epochs_while_it_trains(tmp_path):
    folder = start(tmp_path / "engine", written=BY_NAME)
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    process = subprocess.Popen([sys.executable, "-m", "tinygrad_nn.exercises", "check", str(folder),
                                "--only", "capstone_001"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        running_at_first_epochs = process.poll() is None
        rest, _ = process.communicate(timeout=120)
    finally:
        process.kill()
    assert lines[2].split("… ") == [" 10  capstone: article 001   ",
                                    "epoch 1,000 of 5,000: 12/12 points right\n"]
    assert running_at_first_epochs  # printed while it trains, not after
    progress = [line.split("… ")[1] for line in rest.splitlines() if "… epoch" in line]
    assert progress == [f"epoch {n:,} of 5,000: 12/12 points right" for n in range(2000, 6000, 1000)]
    assert "capstone: article 001   passed: 12/12 points right" in rest
    assert process.returncode == 0


def test_a_missing_folder_is_reported_as_missing(tmp_path):
    run = exercises("check", str(tmp_path / "my engine"))
    assert run.returncode == 2
    assert f"{tmp_path / 'my engine'} does not exist" in run.stderr
    assert f"start '{tmp_path / 'my engine'}'" in run.stderr


@pytest.mark.parametrize("name", ["Mul", "MUL", "mul", "topological order", "Topological_Order",
                                  "capstone: article 001", "1"])
def test_only_accepts_the_tables_names_in_any_case(name):
    assert selected(name) == [row for row in ROWS if name.lower().replace(" ", "_") in (
        row, ROWS[row].title.lower().replace(" ", "_"), str(ROWS[row].exercise))
        or (name == "capstone: article 001" and row == "capstone_001")]
    assert selected(name)


# ---- start ---------------------------------------------------------------------


def test_start_refuses_a_folder_that_is_not_empty_without_force(tmp_path):
    folder = tmp_path / "engine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    run = exercises("start", str(folder))
    assert run.returncode == 1
    assert "is not empty" in run.stderr and "--force" in run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    run = exercises("start", str(folder), "--force")
    assert run.returncode == 0, run.stderr
    assert (folder / "notes.txt").read_text() == "mine"
    assert {p.name for p in folder.iterdir()} == {*FILES, "README.md", "notes.txt"}


def test_the_workspace_holds_every_blank_once_and_none_of_its_answers(tmp_path):
    folder = start(tmp_path / "engine")
    text = "".join((folder / name).read_text() for name in FILES)
    for blank in BLANKS:
        assert text.count(f'raise NotImplementedError("exercise {blank.name}: not written yet")') == 1
        assert f"Exercise {blank.exercise}, {blank.title}: " in text
    assert not_written(folder) == {blank.name for blank in BLANKS}
    for answer in ("unbroadcast(g * b, a.shape)", "g @ np.swapaxes(b, -1, -2)", "pending[parent] + contribution",
                   "self.lr * p.grad", "stack.append((tensor, True))"):
        assert answer in "".join((SOLUTION / name).read_text() for name in FILES)
        assert answer not in text
    assert "--- exercise" not in text
    assert not re.search(r"^\s*(from|import) tinygrad_nn", text, re.MULTILINE)
    assert [e.number for e in EXERCISES] == list(range(1, 16))


def test_a_marker_out_of_place_is_refused():
    with pytest.raises(ValueError, match="no exercise is called 'nope'"):
        with_blanks("    # --- exercise: nope ---\n    x = 1\n    # --- end ---\n")
    with pytest.raises(ValueError, match="has no `# --- end ---`"):
        with_blanks("    # --- exercise: mul ---\n    x = 1\n")
    with pytest.raises(ValueError, match="a marker out of place"):
        with_blanks("    # --- end ---\n")


def test_the_workspace_runs_alone_and_check_leaves_no_trace_in_it(tmp_path):
    folder = start(tmp_path / "my_engine", written=BY_NAME)
    check(folder, "mul")
    assert not (folder / "__pycache__").exists()
    assert not any(name.startswith("_learners_engine") for name in sys.modules)
    script = ("import sys, numpy as np\n"
              "from my_engine import Tensor\n"
              "x = Tensor(3.0, requires_grad=True)\n"
              "(x * x + x).backward()\n"
              "print(x.grad, any(m.startswith('tinygrad_nn') for m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-E", "-c", script], check=False, capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert run.stdout.split() == ["7.0", "False"], run.stderr


def test_two_workspaces_graded_in_turn_do_not_mix(tmp_path):
    blank = start(tmp_path / "blank")
    solved = start(tmp_path / "solved", written=BY_NAME)
    assert check(solved, "mul")[1][0].status == PASSED
    assert check(blank, "mul")[1][0].status == NOT_DONE
    assert check(solved, "mul")[1][0].status == PASSED


# ---- hints in levels -------------------------------------------------------------


def test_hint_gives_the_idea_then_the_formula_then_the_code(tmp_path):
    folder = start(tmp_path / "engine")
    said = [exercises("hint", str(folder), name) for name in ("ReLU", "relu", "RELU", "relu")]
    assert [run.returncode for run in said] == [0, 0, 0, 0]
    idea, formula, code, again = (run.stdout for run in said)
    assert idea.startswith("ReLU, hint 1 of 3: the idea\n")
    assert "at x = 0" in idea and "g * (x > 0)" not in idea
    assert formula.startswith("ReLU, hint 2 of 3: the formula\n")
    assert "relu′(x) = 1 where x > 0" in formula
    assert "Derived in docs/article_002_visual_intro.md#6-" in formula
    assert code.startswith("ReLU, hint 3 of 3 (the last): the code\n")
    assert "return (g * (x > 0),)" in code
    assert again == code
    other = exercises("hint", str(folder), "topological order")
    assert other.stdout.startswith("topological order, hint 1 of 3")
    wrong = exercises("hint", str(folder), "nope")
    assert wrong.returncode == 2 and "no exercise is called 'nope'" in wrong.stderr


def test_the_workspace_holds_the_first_level_of_hint_only(tmp_path):
    folder = start(tmp_path / "engine")
    text = "".join((folder / name).read_text() for name in FILES)
    comments = " ".join(line.strip().lstrip("#").strip() for line in text.splitlines()
                        if line.strip().startswith("#"))
    for blank in BLANKS:
        assert blank.idea in comments, blank.name
        assert blank.formula not in comments, blank.name
        assert f"hint . {blank.name})" in comments


def test_every_formula_hint_links_a_section_the_exercises_page_links():
    page = (PROJECT / "docs" / "exercises.md").read_text()
    for blank in BLANKS:
        path, anchor = blank.derived.split("#")
        assert (PROJECT / path).is_file(), blank.derived
        assert f"({Path(path).name}#{anchor})" in page, blank.derived


# ---- the stepper of a failed op ------------------------------------------------


def test_check_writes_the_backward_stepper_of_a_failed_op(tmp_path):
    folder = planted(tmp_path, "ops.py", "return unbroadcast(g, a.shape), unbroadcast(g, b.shape)",
                     "return g, g")
    out = tmp_path / "steppers"
    run = exercises("check", str(folder), "--only", "1", "--stepper", str(out))
    assert run.returncode == 1, run.stderr
    assert f"Add: expected beside got, and the backward pass step by step, is in {out / 'add.html'}" in run.stdout
    page = (out / "add.html").read_text()
    assert "Add" in page and "d(a+b)/da = 1" in page
    assert [p.name for p in out.iterdir()] == ["add.html"]


def planted_all(tmp_path: Path, name: str, changes: list[tuple[str, str, str]]) -> Path:
    """The reference solution with several lines changed, (file, old, new) each."""
    folder = start(tmp_path / name, written=BY_NAME)
    for filename, old, new in changes:
        text = (folder / filename).read_text()
        assert text.count(old) == 1, old
        (folder / filename).write_text(text.replace(old, new))
    return folder


def marked(page: str, text: str) -> bool:
    """Whether the picture on a failure's page draws `text` in the marking red."""
    return re.search(r'fill="#b2182b"[^>]*>' + re.escape(text) + "<", page) is not None


def test_a_failures_page_shows_expected_beside_got_the_wrong_entries_marked(tmp_path):
    folder = planted_all(tmp_path, "engine", [
        ("ops.py", "unbroadcast(-g, b.shape)", "unbroadcast(g, b.shape)"),  # wrong numbers
        ("ops.py", "return (g / x,)", "return (g / undefined,)"),  # raises
        ("ops.py", "return (g * (x > 0),)", "return None"),  # returns None
        ("tensor.py", "    return order\n", "    return order[::-1]\n")])  # the order
    out = tmp_path / "pages"
    lines = write_steppers(folder, check(folder, seed=2)[1], out)  # in this process
    sub = (out / "sub.html").read_text()
    assert "<h3>∂L/∂a</h3><p>0 of 6 elements wrong.</p>" in sub
    assert "<h3>∂L/∂b</h3><p>6 of 6 elements wrong (marked ✗).</p>" in sub
    assert sub.count("<tr class=wrong>") == 6
    assert "Backward pass of <b>L</b>, step by step" in sub
    log = (out / "log.html").read_text()
    assert "got backward raised NameError: name &#x27;undefined&#x27; is not defined" in log
    assert log.count("<td>—</td>") == 6 and "<svg" in log
    assert marked(log, "your backward: no gradient")
    relu = (out / "relu.html").read_text()
    assert "backward returned NoneType None" in relu and marked(relu, "your backward: no gradient")
    order = (out / "topological_order.html").read_text()
    assert "loss is at position 0, before its input y" in order
    assert marked(order, "loss") and marked(order, "your order: position 0")
    assert not marked(order, "y")
    assert f"topological order: the graph where it goes wrong is in {out / 'topological_order.html'}" \
        in lines


def test_expected_beside_got_is_a_table_with_every_wrong_entry_marked():
    table_of = comparison_table
    head = "<tr><th>element</th><th>expected</th><th>got</th><th></th></tr>"
    assert table_of("∂L/∂x", np.array([[1.0, 2.0]]), np.array([[1.0, 5.0]]),
                    {"x": np.array([[0.5, -1.0]]), "b": np.array(3.0)}) == (
        "<h3>∂L/∂x</h3><p>1 of 2 elements wrong (marked ✗).</p><table><tr><th>element</th>"
        "<th>x</th><th>expected</th><th>got</th><th></th></tr><tr><td>[0, 0]</td><td>0.5</td>"
        "<td>1</td><td>1</td><td></td></tr><tr class=wrong><td>[0, 1]</td><td>-1</td><td>2</td>"
        "<td>5</td><td>✗</td></tr></table>")
    for got, said in ((None, "NoneType None"), (np.zeros(3), "an array of shape (3,)"),
                      ({"a": 1}, "dict {&#x27;a&#x27;: 1}"),
                      ("backward raised X: <y>", "backward raised X: &lt;y&gt;")):
        assert table_of("∂L/∂x", np.array([2.0]), got, {}) == (
            f'<h3>∂L/∂x</h3><p class="wrong">✗ expected an array of shape (1,); got {said}</p>'
            f"<p>1 of 1 element wrong (marked ✗).</p><table>{head}<tr class=wrong><td>[0]</td>"
            "<td>2</td><td>—</td><td>✗</td></tr></table>")
    assert table_of("∂L/∂x", np.array([0.0]), np.array([5e-8]), {}) == (  # within ATOL
        f"<h3>∂L/∂x</h3><p>0 of 1 element wrong.</p><table>{head}<tr><td>[0]</td><td>0</td>"
        "<td>5e-08</td><td></td></tr></table>")
    long = table_of("∂L/∂x", np.zeros(62), np.zeros(62), {})
    assert long.count("<tr><td>[") == 60
    assert long.endswith('<tr><td colspan="4">… 2 more</td></tr></table>')


def test_the_walks_page_marks_the_tensor_whose_gradient_is_wrong(tmp_path):
    folder = planted_all(tmp_path, "engine", [(
        "tensor.py", ("pending[parent] = (pending[parent] + contribution if parent in pending\n"
                      "                                   else contribution)"),
        "pending[parent] = contribution")])
    out = tmp_path / "pages"
    write_steppers(folder, check(folder, "8")[1], out)
    page = (out / "backward_pass.html").read_text()
    assert "The graph it was graded on, x marked" in page
    assert marked(page, "x") and marked(page, "your grad 3") and marked(page, "expected 7")
    assert not marked(page, "y") and ">your grad 1<" in page


def test_the_stepper_shows_the_learners_numbers(tmp_path):
    folder = planted(tmp_path, "ops.py", "unbroadcast(-g, b.shape)", "unbroadcast(g, b.shape)")
    loss = graded_graph(load_engine(folder), "sub", SPECS["sub"].cases[0], 0)
    step = next(s for s in backward_steps(loss) if type(s.op).__name__ == "Sub")
    np.testing.assert_array_equal(step.contributions[1], step.upstream)  # the sign the learner lost


# ---- the docs and the package ----------------------------------------------------


def test_the_docs_sample_is_what_check_prints(tmp_path):
    page = (PROJECT / "docs" / "exercises.md").read_text()
    shown = re.search(r"<!-- exercises:sample -->\n```text\n(.*?)```\n<!-- /exercises:sample -->",
                      page, re.DOTALL).group(1)
    folder = start(tmp_path / "my_engine", written={"add", "mul", "neg", "sub", "div", "pow"})
    ops = folder / "ops.py"
    ops.write_text(ops.read_text().replace("unbroadcast(-g, b.shape)", "unbroadcast(g, b.shape)"))
    run = exercises("check", "my_engine", "--seed", "1", cwd=tmp_path)
    assert run.stdout == shown, run.stderr
    assert "check my_engine --seed 1\n" in page


def test_the_docs_cover_every_exercise_and_say_that_check_runs_your_code():
    page = (PROJECT / "docs" / "exercises.md").read_text()
    assert "**`check` runs your code.**" in page
    rows = re.findall(r"^\| (\d+) \| (.*?) \|", page, re.MULTILINE)
    assert [int(n) for n, _ in rows] == [e.number for e in EXERCISES]
    for (_, written), exercise in zip(rows, EXERCISES):
        for name in exercise.blanks:
            assert ROWS[name].title.split()[0].lower() in written.lower()
    for page_name in ("README.md", "docs/reading_the_engine.md"):
        assert "exercises.md" in (PROJECT / page_name).read_text(), page_name


def test_pyproject_ships_every_package_so_the_workspace_is_in_the_wheel():
    tomllib = pytest.importorskip("tomllib")
    listed = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    found = sorted(".".join(p.parent.relative_to(PROJECT).parts)
                   for p in (PROJECT / "tinygrad_nn").rglob("__init__.py"))
    assert sorted(listed) == found
    assert "tinygrad_nn.exercises.solution" in found


def test_a_learner_goes_from_start_to_the_capstone_one_exercise_at_a_time(tmp_path):
    done: set[str] = set()
    for exercise in [e for e in EXERCISES if e.blanks]:
        folder = start(tmp_path / "engine", force=True, written=done)
        before = check(folder, str(exercise.number))[1]
        assert {r.status for r in before} == {NOT_DONE}, table(before)
        done |= set(exercise.blanks)
        folder = start(tmp_path / "engine", force=True, written=done)
        after = check(folder, str(exercise.number))[1]
        assert {r.status for r in after} == {PASSED}, table(after)
    (article_001, _) = check(folder, "capstone")[1]
    assert article_001.status == PASSED


def test_a_ctrl_c_while_a_child_starts_waits_until_the_child_is_known():
    from tinygrad_nn.exercises import contained
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,), daemon=True)
    start_unguarded = child.start

    def interrupted_start():
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C as the child is being made
        start_unguarded()

    child.start = interrupted_start
    try:
        with pytest.raises(KeyboardInterrupt):
            contained._start(child)
        assert child.pid is not None  # started, so the grader can stop it
    finally:
        if child.pid is not None:
            child.kill()
            child.join()
