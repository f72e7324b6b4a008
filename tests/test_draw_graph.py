"""examples/draw_graph.py: the graph pictures the docs show must read at page width."""

import re
import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))

import draw_graph

PAGE_WIDTH = 800  # pixels the docs give a picture
RENDER_DPI = 150  # viz.save renders PNGs at this dpi
SMALLEST_READABLE_PIXELS = 13  # the docs ask ~13 px of every picture at page width


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("graphs")
    draw_graph.run(out)
    return out


@pytest.mark.parametrize("name", ["graph_001", "graph_003", "graph_forward_001", "graph_forward_003",
                                  "network_001", "network_003"])
def test_all_text_stays_readable_when_the_picture_is_shrunk_to_page_width(pictures, name):
    """Every text of the picture (its SVG twin says each one's size in points), at the
    PNG's 150 dpi shrunk to the page's 800 px, is at least 13 px tall."""
    with Image.open(pictures / f"{name}.png") as image:
        width = image.width
    sizes = [float(size) for size in
             re.findall(r'<text[^>]*font-size="([\d.]+)"', (pictures / f"{name}.svg").read_text())]
    text_pixels = min(sizes) / 72 * RENDER_DPI * min(1.0, PAGE_WIDTH / width)
    assert text_pixels >= SMALLEST_READABLE_PIXELS, (
        f"{name}.png is {width} px wide: at page width its smallest text ({min(sizes):g} pt) "
        f"is {text_pixels:.1f} px")