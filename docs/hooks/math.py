"""The math as MathML, written at build time: no script, no font, no request.

`pymdownx.arithmatex` (generic mode) finds `$...$` and `$$...$$` outside code and
leaves them as `\\(...\\)` in a span and `\\[...\\]` in a div; here each becomes the MathML
that latex2mathml writes, which browsers draw themselves. A formula latex2mathml cannot
read stops the build, naming the page and the formula.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.DOTALL)
DISPLAY = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.DOTALL)
MTEXT = re.compile(r"<mtext>(.*?)</mtext>", re.DOTALL)
TEX_ESCAPE = re.compile(r"\\([_%$&#{}])")
UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
ESCAPED_BRACE = re.compile(r"\\[{}]")


def _unescape_text(mathml: str) -> str:
    """latex2mathml keeps TeX's escapes inside ``\\text{}`` (``d\\_b1`` shows its
    backslash); a reader should see ``d_b1``."""
    return MTEXT.sub(lambda m: "<mtext>" + TEX_ESCAPE.sub(r"\1", m.group(1)) + "</mtext>", mathml)


def _unread(latex: str, mathml: str) -> str | None:
    """What latex2mathml let through without a word: a command it does not know (it
    writes ``\\foo`` as a letter) or braces that do not pair."""
    unknown = UNKNOWN_COMMAND.search(mathml)
    if unknown:
        return f"unknown command {unknown.group(0)}"
    braces = ESCAPED_BRACE.sub("", latex)
    if braces.count("{") != braces.count("}"):
        return "unbalanced braces"
    return None


def to_mathml(latex: str, display: str, page: str) -> str:
    latex = html.unescape(latex).strip()
    try:
        mathml = _unescape_text(convert(latex, display=display))
        problem = _unread(latex, mathml)
    except Exception as error:  # noqa: BLE001 - latex2mathml raises many kinds, all alike here
        problem, mathml = f"{type(error).__name__} {error}".strip(), None
    if problem:
        raise ValueError(f"{page}: cannot turn this formula into MathML ({problem}): {latex}")
    return mathml


def on_page_content(content: str, page, config, files) -> str:
    where = page.file.src_uri
    content = DISPLAY.sub(lambda m: '<div class="math-display">'
                          f'{to_mathml(m.group(1), "block", where)}</div>', content)
    return INLINE.sub(lambda m: to_mathml(m.group(1), "inline", where), content)
