"""tinygrad_nn: an autograd micro-framework on numpy, written to be read.

`Tensor` records the computation graph as it is computed and `backward()` fills in every
gradient; `nn` and `optim` build small networks on it; `gradcheck` checks gradients
against central differences; `grad`, `hessian` and `gradgradcheck` take derivatives of
derivatives; `formulas` holds the articles' hand-derived gradients.
`datasets`, `viz`, `plot` and `interop` are loaded the first time they are used, so that
``import tinygrad_nn`` stays light (no matplotlib, no graphviz, no PyTorch).
"""

from __future__ import annotations

import importlib
from importlib import metadata
from pathlib import Path
from types import ModuleType

from tinygrad_nn import formulas, nn, optim
from tinygrad_nn.gradcheck import GradcheckError, gradcheck, numerical_grad
from tinygrad_nn.higher_order import grad, gradgradcheck, hessian
from tinygrad_nn.tensor import Tensor, no_grad

_LAZY_MODULES = ("datasets", "interop", "plot", "viz")
_DISTRIBUTION = "tinygrad-nn"


def _version() -> str:
    """The installed package's version; from a source checkout that was never installed,
    the version its pyproject.toml declares; failing both, "0+unknown"."""
    try:
        return metadata.version(_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        if pyproject.is_file():
            for line in pyproject.read_text(encoding="utf-8").splitlines():
                if line.startswith("version = "):
                    return line.split("=", 1)[1].strip().strip('"')
        return "0+unknown"


__version__ = _version()


def __getattr__(name: str) -> ModuleType:
    """Import `datasets`, `interop`, `plot` and `viz` on first use (PEP 562)."""
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names, the lazily loaded modules among them."""
    return sorted(set(globals()) | set(_LAZY_MODULES))


__all__ = [
    "GradcheckError",
    "Tensor",
    "__version__",
    "datasets",
    "formulas",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "interop",
    "nn",
    "no_grad",
    "numerical_grad",
    "optim",
    "plot",
    "viz",
]
