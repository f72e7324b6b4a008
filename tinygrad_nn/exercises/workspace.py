"""`start`: the workspace, written from the reference solution with its blanks cut out.

The solution (the `solution` package beside this file) marks each body the learner
writes between `# --- exercise: NAME ---` and `# --- end ---`. The workspace is the
same files with each marked region replaced by the task, the hint and a
`raise NotImplementedError`, so that there is one engine to maintain, not two.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Collection
from pathlib import Path

from tinygrad_nn.exercises.catalogue import BY_NAME, EXERCISES, Blank

SOLUTION = Path(__file__).parent / "solution"
FILES = ("__init__.py", "tensor.py", "ops.py", "optim.py")
BEGIN = re.compile(r"^(?P<indent>\s*)# --- exercise: (?P<name>\w+) ---$")
END = re.compile(r"^\s*# --- end ---$")
NOT_WRITTEN = re.compile(r'NotImplementedError\("exercise (\w+): not written yet')
WIDTH = 92


def blank_lines(blank: Blank, indent: str) -> list[str]:
    """The task, the hint and the raise that stand in for a solution."""
    comment = indent + "# "
    task = textwrap.wrap(f"Exercise {blank.exercise}, {blank.title}: {blank.task}", WIDTH,
                         initial_indent=comment, subsequent_indent=comment)
    hint = textwrap.wrap(f"Hint: {blank.idea} (More: python -m tinygrad_nn.exercises hint . "
                         f"{blank.name})", WIDTH, initial_indent=comment,
                         subsequent_indent=comment + "  ")
    stop = f'{indent}raise NotImplementedError("exercise {blank.name}: not written yet")'
    return [*task, *hint, stop]


def with_blanks(source: str, filename: str = "<source>", written: Collection[str] = ()) -> str:
    """`source` with every marked region replaced by its blank, except the regions of
    the blanks in `written`, which keep the reference answer (without the markers)."""
    out: list[str] = []
    inside: str | None = None
    for number, line in enumerate(source.splitlines(), 1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin and inside is None:
            inside = begin["name"]
            if inside not in BY_NAME:
                raise ValueError(f"{filename}:{number}: no exercise is called {inside!r}")
            if inside not in written:
                out.extend(blank_lines(BY_NAME[inside], begin["indent"]))
        elif end and inside is not None:
            inside = None
        elif begin or end:
            raise ValueError(f"{filename}:{number}: a marker out of place: {line.strip()}")
        elif inside is None or inside in written:
            out.append(line)
    if inside is not None:
        raise ValueError(f"{filename}: the region of {inside!r} has no `# --- end ---`")
    return "\n".join(out) + "\n"


def reference_code(name: str) -> str:
    """The reference solution's body of a blank, dedented: the last level of its hint."""
    for filename in FILES:
        lines, inside = [], False
        for line in (SOLUTION / filename).read_text(encoding="utf-8").splitlines():
            begin = BEGIN.match(line)
            if begin and begin["name"] == name:
                inside = True
            elif inside and END.match(line):
                return textwrap.dedent("\n".join(lines))
            elif inside:
                lines.append(line)
    raise ValueError(f"the reference solution has no region for {name!r}")


def guide() -> str:
    """The workspace's README: the exercises in order, and the two commands."""
    lines = ["# Your engine", "",
             "Write the bodies that raise NotImplementedError, in this order, and grade them:",
             "", "```bash", "python -m tinygrad_nn.exercises check .",
             "python -m tinygrad_nn.exercises check . --only mul",
             "python -m tinygrad_nn.exercises hint . mul   # the next hint: idea, formula, code",
             "```", ""]
    for exercise in EXERCISES:
        only = ", ".join(f"`--only {name}`" for name in exercise.blanks) or (
            "article 001's network to 12/12 and article 004's neuron to 96% / 76%, "
            "trained on this engine")
        lines.append(f"{exercise.number}. {exercise.title}: {only}")
    lines += ["", "`check` imports and runs the code in this folder (and nothing else).", ""]
    return "\n".join(lines)


def start(folder: str | Path, force: bool = False, written: Collection[str] = ()) -> Path:
    """Write the workspace into `folder` (made if missing). A folder that holds
    anything is refused unless `force`, which overwrites the engine's files only.
    The blanks named in `written` get the reference answer instead (all of them,
    `BY_NAME`: the reference solution)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} is a file, not a folder: name a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise FileExistsError(
            f"{folder} is not empty: choose a new folder, or pass --force to overwrite its "
            f"engine files ({', '.join(FILES)}, README.md)")
    folder.mkdir(parents=True, exist_ok=True)
    for filename in FILES:
        source = (SOLUTION / filename).read_text(encoding="utf-8")
        (folder / filename).write_text(with_blanks(source, filename, written), encoding="utf-8")
    (folder / "README.md").write_text(guide(), encoding="utf-8")
    return folder


def not_written(folder: str | Path) -> set[str]:
    """The blanks still in the learner's files, read as text (nothing is run)."""
    found: set[str] = set()
    for path in Path(folder).glob("*.py"):
        found.update(NOT_WRITTEN.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found
