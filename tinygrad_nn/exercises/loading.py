"""The learner's engine, imported from their folder and from nowhere else.

The folder is imported as a package under a name of its own each time (so a second
check sees the edited files, and two folders never mix), without writing bytecode
into it. Only the folder's own files run.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

_loads = itertools.count()


class NotAWorkspace(Exception):
    """The folder cannot be graded: missing files, or they do not import."""


@dataclass(frozen=True)
class Engine:
    """The learner's modules."""

    folder: Path
    tensor: ModuleType
    ops: ModuleType
    optim: ModuleType


def load_engine(folder: str | Path) -> Engine:
    """Import the engine in `folder` freshly, by path."""
    folder = Path(folder).resolve()
    start = f"python -m tinygrad_nn.exercises start {shlex.quote(str(folder))}"
    if not folder.exists():
        raise NotAWorkspace(f"{folder} does not exist: make a workspace there with `{start}`")
    if not folder.is_dir():
        raise NotAWorkspace(f"{folder} is a file: name the folder a workspace was made in")
    missing = [name for name in ("__init__.py", "tensor.py", "ops.py", "optim.py")
               if not (folder / name).is_file()]
    if missing:
        raise NotAWorkspace(f"{folder} has no {', '.join(missing)}: is it a workspace made by "
                            f"`{start}`?")
    package = f"_learners_engine_{next(_loads)}"
    spec = importlib.util.spec_from_file_location(package, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
        parts = [importlib.import_module(f"{package}.{name}") for name in ("tensor", "ops", "optim")]
    except Exception as error:  # any error in their files is reported, not raised
        raise NotAWorkspace(f"your engine does not import: {where(error, folder)}") from error
    finally:
        sys.dont_write_bytecode = writes_bytecode
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
    return Engine(folder, *parts)


def where(error: BaseException, folder: Path) -> str:
    """An exception as one line, with the last line of the learner's files it passed."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, SyntaxError) and error.filename:
        return f"{text} (in {Path(error.filename).name})"
    frame = None
    tb = error.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).parent == folder:
            frame = tb
        tb = tb.tb_next
    if frame is None:
        return text
    return f"{text} (at {Path(frame.tb_frame.f_code.co_filename).name} line {frame.tb_lineno})"
