"""The package itself: its version, the wheel's license, and the modules reached as attributes but loaded
only when used, so that `import tinygrad_nn` stays light."""

import json
import shutil
import subprocess
import sys
import zipfile
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


def test_the_wheel_carries_the_license(tmp_path):
    """Built offline from a copy of the sources, the wheel holds LICENSE and its metadata
    names the SPDX expression MIT (setuptools ≥ 77, which the dev extra installs)."""
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools.__version__} predates license-files (needs ≥ 77)")
    source = tmp_path / "source"
    shutil.copytree(ROOT / "tinygrad_nn", source / "tinygrad_nn",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("tinygrad_nn-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        licence = next(name for name in names if name.endswith(".dist-info/licenses/LICENSE"))
        assert archive.read(licence) == (ROOT / "LICENSE").read_bytes()
        meta = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta.splitlines()
    assert "License-File: LICENSE" in meta.splitlines()
