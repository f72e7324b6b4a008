"""The docs tell the truth: they link only to files in the repository, their tables are
what the scripts print, and their PyTorch snippets print the engine's numbers.

Each page holds its article's table twice, written by `examples/run_all.py --docs`: from
the full run (what a reader compares with the article) and, folded away, from the quick
run. The tests compare the quick table with a quick run: the scripts are seeded, so it is
the same on every run, and it takes seconds, where the full run takes minutes and would
double the time of the whole suite. A change to a script that moves its numbers shows in
the quick table too; rerunning `run_all.py --docs` and `run_all.py --docs --quick`
rewrites both.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CAT_DATA_MISSING

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
ARTICLE_PAGES = sorted((ROOT / "docs").glob("article_*.md"))
ARTICLE_SCRIPTS = sorted((ROOT / "examples").glob("article_*.py"))
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)
TORCH_SNIPPET = re.compile(
    r"```python\n((?:(?!```).)*?^import torch$.*?)```\n\nIt prints[^\n]*\n\n```\n(.*?)```",
    re.DOTALL | re.MULTILINE)
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _tracked_files() -> set[Path]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell which files the repository holds")
    return {(ROOT / line).resolve() for line in listed.splitlines()}


def local_targets(page: Path) -> list[str]:
    """The link targets of `page` that are files of this project, anchors dropped."""
    targets = (t.split("#")[0] for t in LINK.findall(page.read_text(encoding="utf-8")))
    return [t for t in targets if t and not re.match(r"[a-z]+:", t)]


def _article_key(path: Path) -> str:
    """"article_002" for docs/article_002_visual_intro.md or examples/article_002_....py."""
    return "_".join(path.stem.split("_")[:2])


def marked_table(page: Path, mode: str) -> str | None:
    """The table of `page` marked <!-- table:article_NNN mode -->, or None."""
    pattern = rf"<!-- table:{_article_key(page)} {mode} -->\n```\n(.*?)\n```\n<!-- /table -->"
    match = re.search(pattern, page.read_text(encoding="utf-8"), re.DOTALL)
    return match.group(1) if match else None


def printed_table(stdout: str, number: str) -> str | None:
    """The table "Article NNN: ..." as run_all printed it: title, blank line, header,
    rule, and the rows (every line of the table has a " | ")."""
    lines = stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(f"Article {number}:")),
                 None)
    if start is None:
        return None
    end = start + 2
    while end < len(lines) and " | " in lines[end]:
        end += 1
    return "\n".join(lines[start:end])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_and_picture_of_a_page_is_in_the_repository(page):
    tracked = _tracked_files()
    missing = [t for t in local_targets(page) if (page.parent / t).resolve() not in tracked
               and not any(f.is_relative_to((page.parent / t).resolve()) for f in tracked)]
    assert not missing, f"{page.name} links to files the repository does not hold: {missing}"


def test_a_link_outside_the_repository_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("see [the animation](../figures/001_twelve_points/training.gif)")
    assert local_targets(page) == ["../figures/001_twelve_points/training.gif"]
    assert (ROOT / "figures" / "001_twelve_points" / "training.gif").resolve() \
        not in _tracked_files()


def test_every_picture_in_docs_img_is_shown_somewhere():
    shown = {(page.parent / t).resolve() for page in PAGES for t in local_targets(page)}
    unused = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "docs" / "img").rglob("*"))
              if p.is_file() and p.resolve() not in shown]
    assert not unused, f"pictures no page shows: {unused}"


PAGE_WIDTH = 800  # pixels the docs give a picture; a wider one is shrunk to it
SMALLEST_READABLE_PIXELS = 13  # the page's own text is about 16 px
GRAPHVIZ_PICTURES = re.compile(r"(graph|network|softmax_network|network_\w+)\.png$")  # viz.save


def _pictures_shown() -> list[Path]:
    return sorted({(page.parent / t).resolve() for page in PAGES for t in local_targets(page)
                   if t.endswith((".png", ".gif"))})


@pytest.mark.parametrize("picture", _pictures_shown(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_picture_reads_at_page_width(picture):
    """The smallest text of every figure, as the page shows it (shrunk to 800 px when
    wider), is at least 13 px tall. plot.save and plot.animate record it in the file;
    the graphviz pictures (test_draw_graph.py) are the only ones without the record."""
    from PIL import Image

    from tinygrad_nn.plot import smallest_text_pixels

    natural = smallest_text_pixels(picture)
    if natural is None:
        assert GRAPHVIZ_PICTURES.search(picture.name), f"{picture.name} has no text record"
        pytest.skip("a graphviz picture: test_draw_graph.py measures its text")
    with Image.open(picture) as image:
        shown = natural * min(1.0, PAGE_WIDTH / image.width)
    assert shown >= SMALLEST_READABLE_PIXELS, (
        f"{picture.name}: {image.width} px wide, its smallest text {natural:.1f} px; "
        f"{shown:.1f} px at the page's {PAGE_WIDTH} px")


def test_every_article_has_a_page_with_its_full_and_quick_tables():
    pages = {_article_key(page): page for page in ARTICLE_PAGES}
    for script in ARTICLE_SCRIPTS:
        page = pages.get(_article_key(script))
        assert page is not None, f"no docs page for {script.name}"
        for mode in ("full", "quick"):
            table = marked_table(page, mode)
            assert table and table.startswith("Article "), f"{page.name}: no {mode} table"


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda p: p.name)
def test_the_quick_table_is_what_the_quick_run_prints(page, quick_run_all):
    result, _ = quick_run_all
    number = _article_key(page).split("_")[1]
    printed = printed_table(result.stdout, number)
    if printed is None and f"article {number} … skipped" in result.stdout:
        pytest.skip(CAT_DATA_MISSING)
    assert printed is not None, result.stdout[-2000:] + result.stderr[-2000:]
    assert marked_table(page, "quick") == printed, (
        f"{page.name}'s quick table differs from what the script prints now; "
        "rerun python examples/run_all.py --docs --quick (and --docs for the full table)")


def _snippets() -> list[tuple[Path, str, str]]:
    return [(page, code, prints) for page in ARTICLE_PAGES
            for code, prints in TORCH_SNIPPET.findall(page.read_text(encoding="utf-8"))]


def test_every_article_page_has_a_pytorch_snippet_and_what_it_prints():
    assert sorted({page for page, _, _ in _snippets()}) == ARTICLE_PAGES


@pytest.mark.parametrize("page, code, prints", _snippets(), ids=lambda v: getattr(v, "name", ""))
def test_the_pytorch_snippet_prints_the_engines_numbers(page, code, prints, tmp_path):
    pytest.importorskip("torch")
    if "load_catvnoncat" in code:
        from tinygrad_nn import datasets
        try:
            datasets.find_catvnoncat()
        except datasets.DataUnavailable:
            pytest.skip(CAT_DATA_MISSING)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=900, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == prints, f"{page.name}: the snippet printed {result.stdout!r}"
    table = marked_table(page, "full")
    absent = [n for n in NUMBER.findall(prints) if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])",
                                                                   table)]
    assert not absent, f"{page.name}: the snippet prints {absent}, which its table does not hold"


def test_the_readme_shows_lines_of_the_full_tables_as_they_are():
    """The README's lines of the articles' tables are written by run_all.py --docs from the
    same full run as the pages' tables, so each must be a row of its page's full table."""
    block = re.search(r"<!-- readme:articles -->\n(.*?)<!-- /readme -->",
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL).group(1)
    rows = re.findall(r"^\| (\d{3}) \| (.+?) \| (.+?) \| (.+?) \|$", block, re.MULTILINE)
    assert {number for number, *_ in rows} == {_article_key(p).split("_")[1] for p in ARTICLE_PAGES}
    pages = {_article_key(page).split("_")[1]: page for page in ARTICLE_PAGES}
    for number, *cells in rows:
        table = marked_table(pages[number], "full").splitlines()[4:]
        assert cells in [[cell.strip() for cell in line.split(" | ")] for line in table], (
            f"README: {cells} is not a row of {pages[number].name}'s full table; "
            "rerun python examples/run_all.py --docs")


PANEL_SIDE_WORDS = re.compile(r"\b(?:Left|Right):|\b(?:on|at) the (?:left|right)\b|\bbeside\b",
                              re.IGNORECASE)


def stacked(picture: Path) -> bool:
    """Whether the picture's panels are one above the other: a band of blank rows, the
    full width, parts the middle half of its height (in a GIF, of its first frame)."""
    import numpy as np
    from PIL import Image

    with Image.open(picture) as image:
        grey = np.asarray(image.convert("L"))
    blank = (grey > 245).all(axis=1)
    height = len(blank)
    return bool(blank[height // 4: 3 * height // 4].any())


def words_around(page: Path, picture: str) -> str:
    """The paragraph before a picture on `page` and the two after it."""
    paragraphs = page.read_text(encoding="utf-8").split("\n\n")
    at = next(k for k, text in enumerate(paragraphs) if f"]({picture})" in text)
    return "\n\n".join(paragraphs[max(0, at - 1): at + 3])


def test_the_stacked_check_tells_stacked_panels_from_side_by_side(tmp_path):
    from PIL import Image, ImageDraw

    for name, boxes in (("stacked", [(10, 10, 190, 80), (10, 120, 190, 190)]),
                        ("side_by_side", [(10, 10, 90, 190), (110, 10, 190, 190)])):
        image = Image.new("RGB", (200, 200), "white")
        for box in boxes:
            ImageDraw.Draw(image).rectangle(box, outline="black")
        image.save(tmp_path / f"{name}.png")
    assert stacked(tmp_path / "stacked.png") and not stacked(tmp_path / "side_by_side.png")


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda p: p.name)
def test_the_words_around_stacked_panels_do_not_call_them_left_and_right(page):
    wrong = []
    for picture in local_targets(page):
        if picture.endswith((".png", ".gif")) and stacked(page.parent / picture):
            wrong += [f"{picture}: {m}" for m in PANEL_SIDE_WORDS.findall(words_around(page, picture))]
    assert not wrong, f"{page.name}: panels one above the other, called {wrong}"
