"""The graded exercises: `start` writes the engine with blanks, `check` grades it.

The reference solution passes every exercise; a fresh workspace reports every blank
as not done yet; each classic mistake, planted in the solution, fails its own
exercise and is named; the capstone trains articles 001 and 004 on the learner's
engine (004 skips without the cat/non-cat files, as the article's own tests do).
"""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad_nn import datasets
from tinygrad_nn.exercises import check, start, table
from tinygrad_nn.exercises.cases import SPECS
from tinygrad_nn.exercises.catalogue import BLANKS, BY_NAME, EXERCISES
from tinygrad_nn.exercises.grading import BLOCKED, FAILED, NOT_DONE, PASSED, SKIPPED
from tinygrad_nn.exercises.loading import load_engine
from tinygrad_nn.exercises.progress import ROWS
from tinygrad_nn.exercises.stepper import graded_graph
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
    """python -m tinygrad_nn.exercises ARGS, its output captured."""
    return subprocess.run([sys.executable, "-m", "tinygrad_nn.exercises", *args], check=False,
                          capture_output=True, text=True, cwd=cwd, timeout=300)


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
    assert "\n" not in result.detail


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
    assert "0 of 19 passed." in run.stdout
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
        "ops.py", "(g @ b.T if need_a else None)", "(b.T @ g if need_a else None)", "matmul",
        "∂L/∂A[0, 0]", "a transpose on the wrong side"),
    "MatMul's transpose on the wrong side (B)": (
        "ops.py", "(a.T @ g if need_b else None)", "(g @ a.T if need_b else None)", "matmul",
        "∂L/∂B[0, 0]", "a transpose on the wrong side"),
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
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_check_fails_the_right_exercise_and_names_the_mistake(tmp_path, mistake):
    filename, old, new, row, detail, named = MISTAKES[mistake]
    results = check(planted(tmp_path, filename, old, new), row)[1]
    (result,) = [r for r in results if r.row.name == row]
    assert result.status == FAILED, table(results)
    assert detail in result.detail
    assert named in result.mistake


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
    for answer in ("unbroadcast(g * b, a.shape)", "g @ b.T", "pending[parent] + contribution",
                   "self.lr * p.grad", "stack.append((tensor, True))"):
        assert answer in "".join((SOLUTION / name).read_text() for name in FILES)
        assert answer not in text
    assert "--- exercise" not in text
    assert not re.search(r"^\s*(from|import) tinygrad_nn", text, re.MULTILINE)
    assert [e.number for e in EXERCISES] == list(range(1, 11))


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


# ---- the stepper of a failed op ------------------------------------------------


def test_check_writes_the_backward_stepper_of_a_failed_op(tmp_path):
    folder = planted(tmp_path, "ops.py", "return unbroadcast(g, a.shape), unbroadcast(g, b.shape)",
                     "return g, g")
    out = tmp_path / "steppers"
    run = exercises("check", str(folder), "--only", "1", "--stepper", str(out))
    assert run.returncode == 1, run.stderr
    assert f"Add: the backward pass step by step is in {out / 'add.html'}" in run.stdout
    page = (out / "add.html").read_text()
    assert "Add" in page and "d(a+b)/da = 1" in page
    assert [p.name for p in out.iterdir()] == ["add.html"]


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
    run = exercises("check", "my_engine", cwd=tmp_path)
    assert run.stdout == shown, run.stderr


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
    for exercise in EXERCISES[:-1]:
        folder = start(tmp_path / "engine", force=True, written=done)
        before = check(folder, str(exercise.number))[1]
        assert {r.status for r in before} == {NOT_DONE}, table(before)
        done |= set(exercise.blanks)
        folder = start(tmp_path / "engine", force=True, written=done)
        after = check(folder, str(exercise.number))[1]
        assert {r.status for r in after} == {PASSED}, table(after)
    (article_001, _) = check(folder, "capstone")[1]
    assert article_001.status == PASSED
