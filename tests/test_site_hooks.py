"""The site's build hooks (docs/hooks/), each on its own: links out of docs/, the math,
the guard against anything loaded from another host, the API pages' names, the check of
links to anchors that makes a broken one fail the strict build. The whole
site, built and read in a browser, is tests/test_site_browser.py."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "docs" / "hooks"


def hook(name: str) -> types.ModuleType:
    """docs/hooks/<name>.py, loaded as mkdocs loads it: from its path."""
    spec = importlib.util.spec_from_file_location(f"site_hook_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page(src_uri: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(file=types.SimpleNamespace(src_uri=src_uri))


@pytest.fixture(scope="module")
def links():
    pytest.importorskip("mkdocs", reason="the site's hooks need mkdocs: pip install -e '.[docs]'")
    return hook("links")


def test_a_link_to_lines_of_the_source_goes_to_those_lines_of_its_listing(links):
    markdown = "see [apply](../tinygrad_nn/tensor.py#L91-L112) and [ops](../tinygrad_nn/ops.py)"
    rewritten = links.on_page_markdown(markdown, page("reading_the_engine.md"), {}, None)
    assert rewritten == ("see [apply](source/tinygrad_nn/tensor.py.md#__codelineno-0-91) "
                         "and [ops](source/tinygrad_nn/ops.py.md)")


def test_a_link_to_the_notebook_goes_to_its_page_and_links_inside_docs_stay(links):
    markdown = ("[tour](../examples/backprop_tour.ipynb) [004](article_004_cat.md#4-backward) "
                "![fig](img/001/data.png) [web](https://example.org/x.py)")
    rewritten = links.on_page_markdown(markdown, page("index.md"), {}, None)
    assert rewritten == ("[tour](backprop_tour.ipynb) [004](article_004_cat.md#4-backward) "
                         "![fig](img/001/data.png) [web](https://example.org/x.py)")


def test_the_listing_pages_are_those_the_docs_link_to(links, tmp_path):
    (tmp_path / "a.md").write_text("[t](../tinygrad_nn/tensor.py#L3) [n](../examples/"
                                   "backprop_tour.ipynb) [o](../tinygrad_nn/ops.py)")
    assert links._linked_sources(tmp_path) == {"tinygrad_nn/tensor.py", "tinygrad_nn/ops.py"}


@pytest.fixture(scope="module")
def math():
    pytest.importorskip("latex2mathml", reason="the site's math needs latex2mathml: "
                        "pip install -e '.[docs]'")
    return hook("math")


def test_math_becomes_mathml_inline_and_displayed(math):
    content = ('<p>so <span class="arithmatex">\\(a &lt; b\\)</span>.</p>'
               '<div class="arithmatex">\\[\\frac{1}{m}\\]</div>')
    out = math.on_page_content(content, page("x.md"), {}, None)
    assert "arithmatex" not in out and "\\(" not in out and "\\[" not in out
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in out
    assert '<div class="math-display"><math' in out and 'display="block"' in out
    assert "<mfrac>" in out and "<mo>&#x0003C;</mo>" in out  # the escaped < is a relation


def test_text_in_math_shows_no_tex_escapes(math):
    out = math.on_page_content('<span class="arithmatex">\\(\\text{d\\_b1\\_v}\\)</span>',
                               page("x.md"), {}, None)
    assert "<mtext>d_b1_v</mtext>" in out


@pytest.mark.parametrize(("latex", "problem"), [
    ("\\frac{1", "unbalanced braces"),
    ("\\sigmoid(x)", "unknown command \\\\sigmoid"),
    ("a^", "MissingSuperScriptOrSubscriptError"),
])
def test_a_formula_that_cannot_be_read_stops_the_build_naming_page_and_formula(math, latex,
                                                                                problem):
    with pytest.raises(ValueError, match=rf"article_001\.md: cannot turn this formula into "
                                         rf"MathML \({problem}.*\): {re.escape(latex)}$"):
        math.on_page_content(f'<span class="arithmatex">\\({latex}\\)</span>',
                             page("article_001.md"), {}, None)


@pytest.mark.parametrize("loaded", [
    '<script src="https://cdn.example.org/mathjax.js"></script>',
    '<link rel="stylesheet" href="//fonts.example.org/css">',
    '<img alt="" src="http://example.org/a.png">',
    "<style>@import url('https://fonts.example.org/x.css');</style>",
])
def test_the_offline_guard_refuses_what_a_page_would_load_from_another_host(loaded):
    offline = hook("offline")
    with pytest.raises(ValueError, match="index.md would load .* from another host"):
        offline.on_post_page(f"<html><body>{loaded}</body></html>", page("index.md"), {})


def test_the_offline_guard_lets_links_and_local_resources_through():
    offline = hook("offline")
    html = ('<a href="https://pytorch.org/">PyTorch</a><script src="../assets/main.js"></script>'
            '<link rel="stylesheet" href="../stylesheets/contrast.css"><img src="img/a.png">'
            '<link rel="canonical" href="http://127.0.0.1:8000/">')  # as `mkdocs serve` writes
    assert offline.on_post_page(html, page("index.md"), {}) == html


def test_the_api_pages_list_the_top_level_names_from_their_definitions():
    pytest.importorskip("mkdocs", reason="the site's hooks need mkdocs: pip install -e '.[docs]'")
    names = hook("api").top_level_names()
    assert names["Tensor"] == "tinygrad_nn.tensor.Tensor"
    assert names["gradcheck"] == "tinygrad_nn.gradcheck.gradcheck"  # the function, not the module
    assert "nn" not in names and "__version__" not in names


def _strict_build(tmp_path: Path, index: str) -> subprocess.CompletedProcess:
    """A two-page site with the project's link validation, Markdown extensions (they draw
    a listing's line anchors) and links hook, built strictly: the link `index` holds
    either reaches its anchor or fails the build."""
    yaml = pytest.importorskip("yaml", reason="the site's build needs mkdocs: pip install -e '.[docs]'")
    pytest.importorskip("mkdocs", reason="the site's build needs mkdocs: pip install -e '.[docs]'")
    project = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(index, encoding="utf-8")
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## Here it is\n", encoding="utf-8")
    config = {"site_name": "anchors", "docs_dir": "docs", "validation": project["validation"],
              "markdown_extensions": project["markdown_extensions"],
              "hooks": [str(HOOKS / "links.py")]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "site"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)


def test_links_to_anchors_that_exist_pass_the_strict_build(tmp_path):
    result = _strict_build(tmp_path, "[here](other.md#here-it-is) [line](../tinygrad_nn/tensor.py#L3)")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("link", ["other.md#here--it-is", "../tinygrad_nn/tensor.py#L999999"],
                         ids=["a-heading-slug-that-is-not-there", "a-line-past-the-end"])
def test_a_link_to_an_anchor_that_is_not_there_fails_the_strict_build(tmp_path, link):
    result = _strict_build(tmp_path, f"[broken]({link})")
    assert result.returncode != 0
    assert "does not contain an anchor" in result.stderr, result.stderr


def test_the_ci_strict_build_is_not_quiet(tmp_path):
    """`mkdocs build --strict --quiet` drops the warnings before --strict counts them, and
    passes with a broken anchor: CI's build must not be quiet."""
    build = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if "mkdocs build" in line and not line.lstrip().startswith("#")]
    assert build and all("--strict" in line for line in build)
    assert not [line for line in build if re.search(r"\s(-q|--quiet)\b", line)], build
