"""help() helps: every public function, class and method of the package says what it is.

pydoc shows the comment above a definition when it has no docstring, which is how
`help(Tensor.exp)` came to read "# ---- elementwise functions ----". So every public
callable must have a docstring (its own or the one it overrides), and none may be a
section comment. Every module of the package is checked, found by walking it, so a new
module is checked too.
"""

import importlib
import inspect
import pkgutil
import pydoc
import re

import pytest

import tinygrad_nn
from tinygrad_nn import Tensor, nn, ops, optim

MODULES = sorted(
    ["tinygrad_nn"]
    + [info.name for info in pkgutil.walk_packages(tinygrad_nn.__path__, "tinygrad_nn.")]
)
SECTION_COMMENT = re.compile(r"^\s*#|^\s*[-=~*]{3,}")


def _public_callables(module):
    """(qualified name, object) for each public function and class defined in `module`,
    and each public method defined in those classes."""
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            yield name, value
        elif inspect.isclass(value):
            yield name, value
            for method_name, method in vars(value).items():
                if isinstance(method, (staticmethod, classmethod)):
                    method = method.__func__
                if not method_name.startswith("_") and inspect.isfunction(method):
                    yield f"{name}.{method_name}", getattr(value, method_name)


def _problem(obj) -> str | None:
    doc = inspect.getdoc(obj)
    if not doc:
        return "no docstring"
    if SECTION_COMMENT.match(doc):
        return f"a section comment as docstring: {doc.splitlines()[0]!r}"
    return None


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_callable_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert _problem(module) is None, f"{module_name} itself: {_problem(module)}"
    problems = [f"{name}: {problem}" for name, obj in _public_callables(module)
                if (problem := _problem(obj))]
    assert not problems, f"{module_name}:\n  " + "\n  ".join(problems)


def test_the_check_finds_a_missing_docstring_and_a_section_comment():
    def undocumented():
        pass

    def sectioned():
        """---- reductions ----"""

    assert _problem(undocumented) == "no docstring"
    assert _problem(sectioned).startswith("a section comment")
    assert "tinygrad_nn.datasets" in MODULES and "tinygrad_nn.interop" in MODULES


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
