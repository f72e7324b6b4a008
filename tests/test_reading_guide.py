"""docs/reading_the_engine.md stays true as the engine changes: every link to
source lines names a function or class and covers exactly its lines, and every
experiment prints what the guide shows beneath it.

A reference is written [`name`](../tinygrad_nn/file.py#Lfirst-Llast), `name`
being a function, a class or Class.method of that file. When code moves,

    python tests/test_reading_guide.py --fix

rewrites every reference to the lines its name now spans.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "reading_the_engine.md"
REFERENCE = re.compile(r"\[`(?P<name>[\w.]+)`\]\((?P<file>[\w./]+\.py)#L(?P<first>\d+)-L(?P<last>\d+)\)")
LINE_LINK = re.compile(r"\]\([^)\s]+\.py#L[^)]*\)")  # any link into source lines
EXPERIMENT = re.compile(r"```python\n(?P<code>.*?)```\n+```text\n(?P<printed>.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Reference:
    name: str
    file: str  # as written, relative to the guide
    lines: tuple[int, int]
    span: tuple[int, int]  # where in the guide's text


def references(text: str) -> list[Reference]:
    return [Reference(m["name"], m["file"], (int(m["first"]), int(m["last"])), m.span())
            for m in REFERENCE.finditer(text)]


def definition_lines(source: Path, name: str) -> tuple[int, int] | None:
    """First and last line of the function or class `name` ("Tensor.backward":
    a method) in `source`, decorators included; None if it is not there."""
    body, node = ast.parse(source.read_text(encoding="utf-8")).body, None
    for part in name.split("."):
        node = next((n for n in body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                     and n.name == part), None)
        if node is None:
            return None
        body = node.body
    return min([node.lineno] + [d.lineno for d in node.decorator_list]), node.end_lineno


def wrong_references(text: str, guide: Path = GUIDE) -> list[str]:
    """One line per reference that points elsewhere than its name, with the right range."""
    wrong = []
    for ref in references(text):
        lines = definition_lines(guide.parent / ref.file, ref.name)
        if lines is None:
            wrong.append(f"`{ref.name}` is not a function or class of {ref.file}")
        elif lines != ref.lines:
            wrong.append(f"`{ref.name}` is {ref.file}#L{lines[0]}-L{lines[1]} now; "
                         f"the guide says #L{ref.lines[0]}-L{ref.lines[1]}")
    return wrong


def fixed(text: str, guide: Path = GUIDE) -> str:
    """`text` with every reference pointing at the lines its name spans now.
    A name that is gone cannot be fixed by line numbers: that raises."""
    for ref in reversed(references(text)):
        lines = definition_lines(guide.parent / ref.file, ref.name)
        if lines is None:
            raise LookupError(f"`{ref.name}` is not a function or class of {ref.file}: "
                              f"edit the guide by hand")
        link = f"[`{ref.name}`]({ref.file}#L{lines[0]}-L{lines[1]})"
        text = text[:ref.span[0]] + link + text[ref.span[1]:]
    return text


def test_every_reference_covers_the_lines_of_the_function_it_names():
    wrong = wrong_references(GUIDE.read_text(encoding="utf-8"))
    assert not wrong, "\n".join(wrong + ["run `python tests/test_reading_guide.py --fix`"])


def test_every_link_to_source_lines_is_a_reference_that_gets_checked():
    text = GUIDE.read_text(encoding="utf-8")
    assert len(LINE_LINK.findall(text)) == len(references(text)) >= 8


def test_the_guide_reads_the_engine_in_order():
    named = [ref.name for ref in references(GUIDE.read_text(encoding="utf-8"))]
    stops = ["apply", "Mul", "topological_order", "backward_pass", "Tensor.backward",
             "check_unchanged", "Tensor._rewrite", "Linear", "SGD.step"]
    assert [named.index(stop) for stop in stops] == sorted(named.index(stop) for stop in stops)


def test_a_moved_function_is_reported_with_its_lines_and_fixed(tmp_path):
    source = tmp_path / "engine.py"
    source.write_text("import numpy\n\n\nclass Tensor:\n    x = 1\n\n    @staticmethod\n"
                      "    def backward():\n        return 2\n\n\ndef apply():\n    pass\n")
    guide = tmp_path / "guide.md"
    stale = "Read [`Tensor.backward`](engine.py#L1-L2), then [`apply`](engine.py#L12-L13)."
    assert wrong_references(stale, guide) == [
        "`Tensor.backward` is engine.py#L7-L9 now; the guide says #L1-L2"]
    assert fixed(stale, guide) == ("Read [`Tensor.backward`](engine.py#L7-L9), "
                                   "then [`apply`](engine.py#L12-L13).")
    gone = "[`Tensor.forward`](engine.py#L4-L5)"
    assert wrong_references(gone, guide) == [("`Tensor.forward` is not a function or class of "
                                             "engine.py")]
    with pytest.raises(LookupError, match="edit the guide by hand"):
        fixed(gone, guide)


def experiments() -> list[tuple[str, str]]:
    return [(m["code"], m["printed"]) for m in EXPERIMENT.finditer(GUIDE.read_text("utf-8"))]


@pytest.mark.parametrize("code, printed", experiments(), ids=lambda s: s.splitlines()[0][:40])
def test_each_experiment_prints_what_the_guide_shows(code, printed):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, str(GUIDE), "exec"), {})  # noqa: S102 -- the guide's own code
    assert output.getvalue() == printed


def test_every_python_block_is_an_experiment_that_gets_run():
    assert GUIDE.read_text(encoding="utf-8").count("```python") == len(experiments()) >= 5


if __name__ == "__main__":
    if sys.argv[1:] != ["--fix"]:
        sys.exit(__doc__)
    GUIDE.write_text(fixed(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the line references of {GUIDE.relative_to(ROOT)}")
