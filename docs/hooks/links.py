"""Links that leave docs/ keep working in the site as they do on GitHub.

On GitHub, `[tensor.py](../tinygrad_nn/tensor.py#L91-L112)` opens the file at those
lines. The site holds only docs/, so such a link is rewritten: the notebook's to its
page, a source file's to a page of its own that lists the file with numbered lines
(generated here, at build time, from the file as it is), the fragment `#L91-L112` to
line 91 of that listing.

mkdocs checks every `page.md#anchor` link (`validation: links: anchors` in mkdocs.yml),
but it collects a page's anchors from its Markdown, where a listing's line anchors do not
exist yet: they are counted from the page's HTML as well, so that a link to a line that
is there passes and a link to one that is not fails the strict build.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "examples/backprop_tour.ipynb"
LINK = re.compile(r"\]\((\.\./[^)#\s]+)(#[^)\s]*)?\)")
LINE_RANGE = re.compile(r"#L(\d+)(?:-L\d+)?$")
ANCHOR_ID = re.compile(r'\bid="([^"]+)"')
LANGUAGES = {".py": "python", ".toml": "toml", ".md": "markdown"}


def _repository_path(page_src_uri: str, target: str) -> str | None:
    """`target` as a path from the repository's root, when it leaves docs/; else None."""
    path = posixpath.normpath(posixpath.join("docs", posixpath.dirname(page_src_uri), target))
    return None if path.startswith(("docs/", "..")) else path


def source_page(path: str) -> str:
    """The site page that lists the repository file `path`."""
    return f"source/{path}.md"


def _linked_sources(docs_dir: Path) -> set[str]:
    found = set()
    for page in docs_dir.glob("*.md"):
        for target, _ in LINK.findall(page.read_text(encoding="utf-8")):
            path = _repository_path(page.name, target)
            if path and path != NOTEBOOK:
                found.add(path)
    return found


def on_files(files: Files, config) -> Files:
    for path in sorted(_linked_sources(Path(config["docs_dir"]))):
        if not (ROOT / path).is_file():
            continue  # left to --strict, which reports the broken link
        language = LANGUAGES.get(Path(path).suffix, "text")
        code = (ROOT / path).read_text(encoding="utf-8")
        content = (f"# `{path}`\n\nThe file as it was when this site was built.\n\n"
                   f'````{language} linenums="1"\n{code}\n````\n')
        files.append(File.generated(config, source_page(path), content=content))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    def rewrite(match: re.Match) -> str:
        target, fragment = match.group(1), match.group(2) or ""
        path = _repository_path(page.file.src_uri, target)
        if path is None:
            return match.group(0)
        here = posixpath.dirname(page.file.src_uri)
        if path == NOTEBOOK:
            return f"]({posixpath.relpath('backprop_tour.ipynb', here or '.')}{fragment})"
        line = LINE_RANGE.search(fragment)
        fragment = f"#__codelineno-0-{line.group(1)}" if line else fragment
        return f"]({posixpath.relpath(source_page(path), here or '.')}{fragment})"

    return LINK.sub(rewrite, markdown)


def on_page_content(html: str, page, config, files) -> str:
    page.present_anchor_ids = (page.present_anchor_ids or set()) | set(ANCHOR_ID.findall(html))
    return html
