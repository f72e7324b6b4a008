"""The docs and the README point only at files that exist, or that the main command
writes (links into figures/, which `examples/run_all.py` fills)."""

import inspect
import pydoc
import re
from pathlib import Path

import pytest

from tinygrad_nn import Tensor, nn, ops, optim, tensor
from tinygrad_nn import gradcheck as gradcheck_module

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)


def local_targets(page: Path) -> list[str]:
    """The link targets of `page` that are files of this project, anchors dropped."""
    targets = (t.split("#")[0] for t in LINK.findall(page.read_text(encoding="utf-8")))
    return [t for t in targets if t and not re.match(r"[a-z]+:", t)]


def exists_or_is_written(page: Path, target: str) -> bool:
    """True if `target` exists, or is figures/NNN_<topic>/<file> and the article's
    script examples/article_NNN_<topic>.py names <file>."""
    path = (page.parent / target).resolve()
    if path.exists():
        return True
    parts = path.relative_to(ROOT).parts
    if len(parts) != 3 or parts[0] != "figures":
        return False
    script = ROOT / "examples" / f"article_{parts[1]}.py"
    return script.is_file() and f'"{parts[2]}"' in script.read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_and_picture_of_a_page_exists(page):
    missing = [t for t in local_targets(page) if not exists_or_is_written(page, t)]
    assert not missing, f"{page.name} links to files that neither exist nor get written: {missing}"


def test_every_picture_in_docs_img_is_shown_somewhere():
    shown = {(page.parent / t).resolve() for page in PAGES for t in local_targets(page)}
    unused = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "docs" / "img").rglob("*"))
              if p.is_file() and p.resolve() not in shown]
    assert not unused, f"pictures no page shows: {unused}"


# ---- the API documents itself -------------------------------------------------------


ENGINE_MODULES = [tensor, ops, nn, optim, gradcheck_module]


def public_callables(module):
    """(qualified name, object) for every public function and class `module`
    defines, and every public method, property and dunder method those classes
    define themselves. A class must have its own docstring; a method may inherit
    its base's (as `help` shows it), e.g. each op's forward and backward."""
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            yield f"{module.__name__}.{name}", value
        elif inspect.isclass(value):
            yield f"{module.__name__}.{name}", value
            for attr, member in vars(value).items():
                public = not attr.startswith("_") or (attr.startswith("__") and attr != "__init__")
                if public and (inspect.isfunction(member) or isinstance(member, property)):
                    yield f"{module.__name__}.{name}.{attr}", getattr(value, attr)


@pytest.mark.parametrize("module", ENGINE_MODULES, ids=lambda m: m.__name__)
def test_every_public_function_and_method_of_the_engine_has_a_docstring(module):
    missing = [name for name, obj in public_callables(module) if not name.endswith("__") and not
               (obj.__doc__ if inspect.isclass(obj) else inspect.getdoc(obj) or "").strip()]
    assert not missing, f"no docstring: {missing}"


def test_every_op_states_its_derivative():
    undocumented = [name for name, op in vars(ops).items() if inspect.isclass(op)
                    and issubclass(op, ops.Op) and op is not ops.Op
                    and not re.search(r"d[^=,;]*/d|derivative|slope|gradient", op.__doc__ or "")]
    assert not undocumented, f"ops whose docstring states no derivative: {undocumented}"


@pytest.mark.parametrize("cls", [Tensor, nn.Module, nn.Linear, optim.SGD], ids=lambda c: c.__name__)
def test_help_shows_no_section_comment_as_documentation(cls):
    page = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    assert "# ----" not in page
    for name, member in vars(cls).items():
        if inspect.isfunction(member):
            assert inspect.getcomments(member) is None, f"{cls.__name__}.{name} has a comment as doc"


def test_linear_lists_its_init_choices():
    doc = inspect.getdoc(nn.Linear)
    for choice in ("xavier", "he", "normal", "uniform", "zeros"):
        assert f'"{choice}"' in doc, f"nn.Linear's docstring does not list init={choice!r}"
