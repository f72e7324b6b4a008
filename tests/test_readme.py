"""The README's code runs as printed, block after block, and says what it computes."""

import re
import shlex
from pathlib import Path

import numpy as np
import pytest

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
CODE_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks(language: str) -> list[str]:
    """The README's fenced blocks in `language`, in the order a reader meets them."""
    return [code for lang, code in CODE_BLOCK.findall(README.read_text(encoding="utf-8"))
            if lang == language]


def test_the_readme_has_only_python_and_bash_blocks():
    """A block in another language would be neither run nor checked below."""
    languages = {lang for lang, _ in CODE_BLOCK.findall(README.read_text(encoding="utf-8"))}
    assert languages == {"python", "bash"}


@pytest.fixture(scope="module")
def namespace(tmp_path_factory) -> dict:
    """Every Python block of the README run in order in one namespace, as a reader pasting
    them into one session would, in a fresh folder for the files they write."""
    folder = tmp_path_factory.mktemp("readme")
    names: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for number, code in enumerate(blocks("python"), start=1):
            exec(compile(code, f"README python block {number}", "exec"), names)  # noqa: S102
    names["__folder__"] = folder
    return names


def test_the_tour_computes_what_its_comments_say(namespace):
    s = 1 / (1 + np.exp(-3.0))  # x @ w = 1 + 2 = 3
    slope = s * (1 - s)  # σ'(3)
    np.testing.assert_allclose(namespace["x"].grad, [[slope, slope]], rtol=1e-9)
    np.testing.assert_allclose(namespace["w"].grad, [[slope], [2 * slope]], rtol=1e-9)
    tour = blocks("python")[0]
    printed = re.search(r"print\(x\.grad, w\.grad\)\s*# (.*)", tour).group(1)
    shown = [float(number) for number in re.findall(r"-?\d+\.\d+", printed)]
    grads = np.concatenate([namespace["x"].grad.ravel(), namespace["w"].grad.ravel()])
    assert shown == [round(float(g), 4) for g in grads], f"the comment says {printed}"
    claimed = float(re.search(r"accuracy = .*# ([\d.]+):", tour).group(1))
    assert namespace["accuracy"] == claimed == 1.0


def test_seeing_backprop_writes_the_files_it_names(namespace):
    folder = namespace["__folder__"]
    assert (folder / "graph.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "<html" in (folder / "backward.html").read_text().lower()
    assert (folder / "backward" / "index.html").is_file()
    assert (folder / "backward" / "step_000.svg").is_file()


def _commands(code: str) -> list[list[str]]:
    """The commands of a bash block: `&&` and newlines split them, comments dropped."""
    lines = [line.split("#")[0] for line in code.splitlines()]
    return [shlex.split(part) for line in lines for part in line.split("&&") if part.strip()]


def test_every_command_names_what_the_project_has():
    """Each `pip install -e ".[extra]"` names extras pyproject.toml defines, and each
    `python FILE`, `python -m MODULE` or `jupyter lab FILE` a file the project holds."""
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11")
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    checked = 0
    for command in (c for code in blocks("bash") for c in _commands(code)):
        if command[:3] == ["pip", "install", "-e"]:
            asked = re.fullmatch(r"\.\[(.*)\]", command[3]).group(1).split(",")
            assert set(asked) <= set(extras), command
            checked += 1
        elif command[0] == "python" and command[1] != "-m":
            assert (PROJECT / command[1]).is_file(), command
            checked += 1
        elif command[:2] == ["jupyter", "lab"]:
            assert (PROJECT / command[2]).is_file(), command
            checked += 1
    assert checked >= 7
