"""The docs and the README point only at files that exist, or that the main command
writes (links into figures/, which `examples/run_all.py` fills)."""

import re
from pathlib import Path

import pytest

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
