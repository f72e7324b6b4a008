"""From DOT text to pictures: find a renderer, draw SVG/PNG/PDF, save files, and
let Jupyter show a drawing inline.

Graphviz's `dot` program is used when it is installed, else `graphviz-pure`, a
port of Graphviz that pip installs (it comes with the `examples` extra), so the
pictures need no system package.
"""

from __future__ import annotations

import shutil
import subprocess
import sysconfig
from pathlib import Path

import graphviz

RENDERERS = ("dot", "graphviz-pure")  # Graphviz itself first, then its port from PyPI
INSTALL_HINT = (
    "Rendering needs Graphviz's `dot` or `graphviz-pure`, and neither was found on PATH or "
    "beside this Python. `pip install graphviz-pure` (a port of Graphviz; it comes with "
    "`pip install tinygrad-nn[examples]`), or install Graphviz: Debian/Ubuntu "
    "`sudo apt-get install graphviz`, macOS `brew install graphviz`, Windows "
    "https://graphviz.org/download/. Without either, `graph.source` still gives the DOT text."
)


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's `dot` or `graphviz-pure`, and neither is installed."""


class Drawing(graphviz.Digraph):
    """A `graphviz.Digraph` that Jupyter shows inline as SVG, drawn by whichever
    renderer is installed: graphviz's own display only knows `dot`."""

    def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict[str, str]:
        try:
            return {"image/svg+xml": render(self, "svg").decode("utf-8")}
        except GraphvizNotFoundError as error:
            return {"text/plain": str(error)}


def _find_program(name: str) -> str | None:
    """`name` on PATH, or in this Python's scripts folder, where pip puts programs
    even in a venv that was not activated."""
    return shutil.which(name) or shutil.which(name, path=sysconfig.get_path("scripts"))


def renderer() -> str:
    """The program that lays out and draws DOT text: the first of RENDERERS found."""
    for name in RENDERERS:
        found = _find_program(name)
        if found:
            return found
    raise GraphvizNotFoundError(INSTALL_HINT)


def render(graph: graphviz.Digraph, fmt: str = "svg") -> bytes:
    """The drawing as `fmt` bytes (svg, png, pdf), laid out by the graph's engine
    (dot or neato); PNG at twice the screen resolution."""
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render() draws 'svg', 'png' or 'pdf'; got {fmt!r}")
    command = [renderer(), f"-K{graph.engine}", f"-T{fmt}"]
    if fmt == "png":
        command.append("-Gdpi=150")
    try:
        done = subprocess.run(command, input=graph.source.encode("utf-8"), capture_output=True,
                              check=False)
    except OSError as error:  # found, but it would not start
        raise GraphvizNotFoundError(f"{command[0]} would not start ({error}). {INSTALL_HINT}") \
            from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip()
        raise RuntimeError(f"{command[0]} could not draw the graph: {message}")
    return done.stdout


def save(graph: graphviz.Digraph, path: str | Path) -> Path:
    """Write `graph` to `path` in the format its suffix names: .svg, .png, .pdf,
    or .dot (the DOT text, which needs no Graphviz program). Returns the path."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf", "dot"):
        raise ValueError(f"save() writes .svg, .png, .pdf or .dot files; got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "dot":
        path.write_text(graph.source, encoding="utf-8")
    else:
        path.write_bytes(render(graph, fmt))
    return path
