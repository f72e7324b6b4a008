"""The package itself: its version, and the modules reached as attributes but loaded
only when used, so that `import tinygrad_nn` stays light."""

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import tinygrad_nn

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["matplotlib", "h5py", "graphviz", "torch", "tinygrad_nn.datasets",
         "tinygrad_nn.plot", "tinygrad_nn.viz", "tinygrad_nn.interop"]


def _modules_loaded_after(code: str) -> set[str]:
    """The names among HEAVY in sys.modules after running `code` in a fresh interpreter."""
    probe = f"import sys, json\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, check=True, timeout=120)
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_import_loads_no_plotting_drawing_or_torch():
    assert _modules_loaded_after("import tinygrad_nn") == set()


def test_the_lazy_modules_load_on_first_use():
    loaded = _modules_loaded_after("import tinygrad_nn\ntinygrad_nn.plot")
    assert {"tinygrad_nn.plot", "matplotlib"} <= loaded
    assert "tinygrad_nn.viz" not in loaded


@pytest.mark.parametrize("name", ["datasets", "plot", "viz", "interop"])
def test_lazy_modules_are_attributes_and_importable_by_name(name):
    module = getattr(tinygrad_nn, name)
    assert module.__name__ == f"tinygrad_nn.{name}"
    assert module is sys.modules[f"tinygrad_nn.{name}"]
    assert name in dir(tinygrad_nn)


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'vis'"):
        tinygrad_nn.vis  # noqa: B018


def test_version_is_the_installed_metadata():
    try:
        installed = metadata.version("tinygrad-nn")
    except metadata.PackageNotFoundError:
        pytest.skip("tinygrad-nn is not installed here (run from a source checkout)")
    assert tinygrad_nn.__version__ == installed


def test_version_without_metadata_is_the_checkouts_pyproject(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    declared = next(line for line in (ROOT / "pyproject.toml").read_text().splitlines()
                    if line.startswith("version = "))
    assert f'version = "{tinygrad_nn._version()}"' == declared
