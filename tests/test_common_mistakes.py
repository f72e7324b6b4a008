"""docs/common_mistakes.md shows what each snippet prints: run every snippet and
check that it still prints exactly that (its output, or the error it raises)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "common_mistakes.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def snippets() -> list[tuple[str, str]]:
    """(code, the text block shown right after it) for every python block."""
    blocks = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    pairs = []
    for (kind, code), (next_kind, shown) in zip(blocks, blocks[1:] + [("", "")]):
        if kind == "python":
            assert next_kind == "text", f"a snippet without its output:\n{code}"
            pairs.append((code, shown))
    return pairs


def run(code: str) -> str:
    """What running `code` in a fresh Python prints, then the last line of the
    error it raises (as Python shows it: "ValueError: ...")."""
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    error = done.stderr.strip().split("\n")[-1] + "\n" if done.returncode else ""
    return done.stdout + error


def same_output(got: str, shown: str) -> bool:
    """Equal line for line; in a memory measurement ("MB") the numbers may differ by
    15% (or 1 MB), as allocations differ a little between Python and numpy versions."""
    got_lines, shown_lines = got.rstrip("\n").split("\n"), shown.rstrip("\n").split("\n")
    if len(got_lines) != len(shown_lines):
        return False
    for got_line, shown_line in zip(got_lines, shown_lines):
        if " MB " not in shown_line:
            if got_line != shown_line:
                return False
            continue
        if NUMBER.sub("#", got_line) != NUMBER.sub("#", shown_line):
            return False
        for a, b in zip(NUMBER.findall(got_line), NUMBER.findall(shown_line)):
            if abs(float(a) - float(b)) > max(0.15 * float(b), 1.0):
                return False
    return True


def test_the_page_has_its_eight_mistakes_each_with_output():
    assert len(re.findall(r"^## \d\. ", PAGE.read_text(encoding="utf-8"), re.MULTILINE)) == 8
    assert len(snippets()) >= 9


@pytest.mark.parametrize("code, shown", snippets(), ids=lambda v: v.split("\n")[-2][:40])
def test_each_snippet_prints_what_the_page_shows(code, shown):
    got = run(code)
    assert same_output(got, shown), f"the page shows:\n{shown}\nthe snippet printed:\n{got}"


def test_an_output_that_differs_is_caught():
    assert not same_output("0 [ 2. -4.]\n", "0 [ 2. -5.]\n")
    assert not same_output("335 MB still held\n", "100 MB still held\n")
    assert same_output("331 MB still held\n", "335 MB still held\n")
