"""The API reference, generated from the docstrings at every build.

One page per public module: `tinygrad_nn` (its own names: `Tensor`, `no_grad`,
`gradcheck`, ...), `nn`, `optim`, `viz`, `datasets`, `plot`. Each page is one
mkdocstrings directive, so the signatures and the words are the code's own, never a copy
that could drift from it. The top package's names are read from its `__all__`, less the
modules, which have pages of their own; each is shown from the module that defines it
(`tinygrad_nn.gradcheck` is both a module and the function it exports). `__version__` is
shown by its value, the version this reference was built from.
"""

from __future__ import annotations

import importlib
import types

from mkdocs.structure.files import File, Files

MODULES = ("nn", "optim", "viz", "datasets", "plot")
INTRO = """# API reference

Generated from the docstrings of the code this site was built from. The weights are laid
out as in the articles: inputs are rows and a layer computes `X @ W + b` with `W` of
shape (in, out), the transpose of PyTorch's.

| page | what it holds |
|---|---|
| [tinygrad_nn](tinygrad_nn.md) | `Tensor`, `no_grad`, gradient checks, derivatives of derivatives |
"""


def top_level_names() -> dict[str, str]:
    """The names `tinygrad_nn` exports itself (its `__all__` without the modules), each
    with the dotted path of its definition."""
    package = importlib.import_module("tinygrad_nn")
    return {name: f"{getattr(package, name).__module__}.{name}" for name in package.__all__
            if name != "__version__" and not isinstance(getattr(package, name), types.ModuleType)}


def _first_line(module_name: str) -> str:
    doc = importlib.import_module(f"tinygrad_nn.{module_name}").__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split()).replace("|", "\\|")


def _module_page(module: str) -> str:
    return (f"# `{module}`\n\n::: {module}\n    options:\n      show_root_heading: false\n"
            "      show_root_toc_entry: false\n")


def _version_section() -> str:
    """`__version__` by its value: the source only says that it is computed."""
    version = importlib.import_module("tinygrad_nn").__version__
    return (f"## `__version__`\n\n`tinygrad_nn.__version__ == \"{version}\"` for the code this "
            "reference was built from: the installed distribution's version, or in a source "
            "checkout that was never installed, the one its pyproject.toml declares.\n\n")


def _top_level_page() -> str:
    """`tinygrad_nn`'s docstring, its version, then each of its own names in the order of
    `__all__`."""
    directives = "".join(f"::: {path}\n    options:\n      show_root_full_path: false\n\n"
                         for path in top_level_names().values())
    return ("# `tinygrad_nn`\n\n::: tinygrad_nn\n    options:\n      show_root_heading: false\n"
            "      show_root_toc_entry: false\n      members: false\n\n" + _version_section()
            + directives)


def on_files(files: Files, config) -> Files:
    rows = "".join(f"| [{name}]({name}.md) | {_first_line(name)} |\n" for name in MODULES)
    files.append(File.generated(config, "api/index.md", content=INTRO + rows))
    files.append(File.generated(config, "api/tinygrad_nn.md",
                                content=_top_level_page()))
    for name in MODULES:
        files.append(File.generated(config, f"api/{name}.md", content=_module_page(f"tinygrad_nn.{name}")))
    return files
