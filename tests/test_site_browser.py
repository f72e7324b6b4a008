"""The docs as a site (mkdocs.yml), built strictly and read in headless Chromium.

The site is built once for the module (`mkdocs build --strict`, about twenty seconds: it
executes the notebook and draws each article's stepper) and served on 127.0.0.1. Every
page loads without a console error and without a request that leaves 127.0.0.1; the math
is MathML the browser draws; each article's stepper steps with its buttons and the arrow
keys; axe-core (tests/vendor/axe-core) finds no serious or critical violation on any
page, the API reference and the source listings included, and on every page in the
dark theme too, where the figures keep a white panel; on a phone no page is wider than the
screen. The API reference shows no raw reST role, its long signatures are formatted and it
shows `__version__`; every page names the version and links to the pages before and after
it; the notebook's page links to the notebook to download.
Skipped, with the reason, when the site's tools (`pip install -e ".[docs]"`) or Chromium
are missing.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from axe_core import serious_violations
from conftest import start_chromium

ROOT = Path(__file__).resolve().parents[1]
SITE_TOOLS = ("mkdocs", "material", "mkdocstrings", "mkdocs_jupyter", "latex2mathml")
ARTICLES = ("article_000_playground", "article_001_twelve_points", "article_002_visual_intro",
            "article_003_house_prices", "article_004_cat")
API_MODULES = ("nn", "optim", "viz", "datasets", "plot")
PHONE = (390, 844)  # CSS pixels, as an iPhone 12 to 15 shows a page
RAW_REST_ROLE = re.compile(r":(?:py:)?(?:func|mod|class|meth|attr|data|obj|exc|ref|doc):`")

for tool in SITE_TOOLS:
    pytest.importorskip(tool, reason=f"the site test needs {tool}: pip install -e '.[docs]'")
pytest.importorskip("selenium", reason="the browser test needs selenium: pip install selenium")
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site as `mkdocs build --strict` writes it; a failed build fails the test."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-5000:]}"
    return out


@pytest.fixture(scope="module")
def url(site) -> str:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        """Quiet: the test reads the browser's own logs."""


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """Chromium that keeps its console and its network events."""
    driver = start_chromium(tmp_path_factory.mktemp("site-profile"),
                            {"browser": "ALL", "performance": "ALL"})
    yield driver
    driver.quit()


def pages(site: Path) -> list[str]:
    """Every page of the site, as a path under its root ("" for the home page)."""
    return sorted("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"
                  for p in site.rglob("index.html"))


def visit(chromium, address: str) -> tuple[list[str], list[str]]:
    """Open `address`; the console errors it printed and every URL it requested."""
    chromium.get_log("browser"), chromium.get_log("performance")  # forget the page before
    chromium.get(address)
    chromium.execute_script("return document.readyState")
    errors = [entry["message"] for entry in chromium.get_log("browser")
              if entry["level"] == "SEVERE"]
    requested = []
    for entry in chromium.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        if event["method"] == "Network.requestWillBeSent":
            requested.append(event["params"]["request"]["url"])
    return errors, requested


def leaves_the_machine(address: str) -> bool:
    """A request over the network to a host other than 127.0.0.1 (data:, blob: and the
    browser's own chrome:// pages are no network)."""
    parsed = urlparse(address)
    return parsed.scheme in ("http", "https", "ws", "wss", "ftp") and parsed.hostname != "127.0.0.1"


def test_every_page_loads_without_a_console_error_or_a_request_off_127_0_0_1(site, url,
                                                                               chromium):
    every = pages(site)
    assert {"", *(f"{a}/" for a in ARTICLES), "backprop_tour/", "api/nn/"} <= set(every)
    problems = []
    for page in every:
        errors, requested = visit(chromium, url + page)
        elsewhere = [r for r in requested if leaves_the_machine(r)]
        assert requested, f"no request seen for {page}: the network log is not read"
        problems += [f"{page or '/'}: console: {e}" for e in errors]
        problems += [f"{page or '/'}: requested {r}" for r in elsewhere]
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_request_that_leaves_127_0_0_1(url, chromium, site):
    # The same page with one image from another host: the test above must catch it.
    (site / "leaky").mkdir(exist_ok=True)
    (site / "leaky" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>leaky</title></head><body>'
        '<img alt="" src="http://192.0.2.1/pixel.png"></body></html>', encoding="utf-8")
    try:
        _, requested = visit(chromium, url + "leaky/")
    finally:
        (site / "leaky" / "index.html").unlink()
        (site / "leaky").rmdir()
    assert [r for r in requested if leaves_the_machine(r)] == ["http://192.0.2.1/pixel.png"]


@pytest.mark.parametrize("article", ARTICLES)
def test_the_math_is_mathml_drawn_with_no_tex_left(url, chromium, article):
    visit(chromium, f"{url}{article}/")
    formulas = chromium.find_elements(By.CSS_SELECTOR, "article math")
    assert len(formulas) >= 5
    assert chromium.find_elements(By.CSS_SELECTOR, "article math[display=block]")
    drawn = chromium.execute_script(
        "return Array.from(arguments[0]).filter(m => m.getBoundingClientRect().width > 0).length;",
        formulas)
    assert drawn == len(formulas), "some formulas take no room: not drawn"
    text = chromium.find_element(By.TAG_NAME, "article").text
    assert "$$" not in text and "\\(" not in text and "\\[" not in text and "\\frac" not in text
    assert not chromium.find_elements(By.CSS_SELECTOR, "article merror")


def click(chromium, element) -> None:
    """Click `element` as a reader would, once it is scrolled clear of the sticky header."""
    chromium.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _stepper_state(stepper) -> tuple[str, int]:
    """The counter's text and the index of the one frame shown."""
    frames = stepper.find_elements(By.CSS_SELECTOR, ":scope > .frame")
    shown = [k for k, frame in enumerate(frames) if frame.is_displayed()]
    assert len(shown) == 1
    return stepper.find_element(By.CLASS_NAME, "counter").text, shown[0]


@pytest.mark.parametrize("article", ARTICLES)
def test_each_articles_stepper_steps_with_its_buttons_and_the_arrow_keys(url, chromium, article):
    visit(chromium, f"{url}{article}/")
    steppers = chromium.find_elements(By.CSS_SELECTOR, "article .tinygrad-nn-stepper")
    if not steppers and "The stepper needs the data" in chromium.page_source:
        pytest.skip("the site was built without the cat/non-cat files: no stepper on 004")
    (stepper,) = steppers
    last = len(stepper.find_elements(By.CSS_SELECTOR, ":scope > .frame")) - 1
    assert last >= 3, "a network's backward pass has more than three steps"
    assert _stepper_state(stepper) == (f"step 0 of {last}", 0)
    click(chromium, stepper.find_element(By.CLASS_NAME, "next"))
    click(chromium, stepper.find_element(By.CLASS_NAME, "next"))
    assert _stepper_state(stepper) == (f"step 2 of {last}", 2)
    click(chromium, stepper.find_element(By.CLASS_NAME, "prev"))
    assert _stepper_state(stepper) == (f"step 1 of {last}", 1)
    click(chromium, stepper.find_element(By.CLASS_NAME, "heading"))  # the focus to the stepper
    stepper.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert _stepper_state(stepper) == (f"step 3 of {last}", 3)
    stepper.send_keys(Keys.ARROW_LEFT)
    assert _stepper_state(stepper) == (f"step 2 of {last}", 2)
    assert "cost" in stepper.find_element(By.CLASS_NAME, "heading").text


def test_axe_finds_no_serious_or_critical_violation_on_any_page(site, url, chromium):
    problems = []
    for page in pages(site):
        visit(chromium, url + page)
        problems += [f"{page or '/'}: {rule} ({impact}) at {targets[:5]}"
                     for rule, impact, targets in serious_violations(chromium, timeout=300)]
    assert not problems, "\n".join(problems)


def test_the_axe_check_sees_a_region_that_scrolls_out_of_reach_of_the_keyboard(url, chromium,
                                                                               site):
    # A rule that the axe-core of 2018 did not have: the check above must be today's.
    (site / "unreachable").mkdir(exist_ok=True)
    (site / "unreachable" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>unreachable</title></head><body><main>'
        '<pre style="width: 10em; overflow: auto">' + "x = 1; " * 40 + "</pre></main></body>"
        "</html>", encoding="utf-8")
    try:
        visit(chromium, url + "unreachable/")
        found = serious_violations(chromium)
    finally:
        (site / "unreachable" / "index.html").unlink()
        (site / "unreachable").rmdir()
    assert [(rule, impact) for rule, impact, _ in found] == [
        ("scrollable-region-focusable", "serious")]


@pytest.fixture()
def phone(chromium):
    """The browser at a phone's size for one test, then back at its own."""
    width, height = chromium.get_window_size().values()
    chromium.set_window_size(*PHONE)
    yield chromium
    chromium.set_window_size(width, height)


def overflow(chromium) -> int:
    """How many pixels the page is wider than the window: what a reader must pan sideways."""
    return chromium.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")


def test_on_a_phone_no_page_is_wider_than_the_screen(site, url, phone):
    wider = {}
    for page in pages(site):
        visit(phone, url + page)
        assert phone.execute_script("return innerWidth;") == PHONE[0]
        if overflow(phone) > 0:
            wider[page or "/"] = overflow(phone)
    assert not wider, f"pixels wider than a {PHONE[0]} px screen: {wider}"


def test_the_width_check_sees_a_page_wider_than_the_screen(url, phone, site):
    (site / "wide").mkdir(exist_ok=True)
    (site / "wide" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width">'
        '<title>wide</title></head><body><div style="width: 500px">wide</div></body></html>',
        encoding="utf-8")
    try:
        visit(phone, url + "wide/")
        assert overflow(phone) > 0
    finally:
        (site / "wide" / "index.html").unlink()
        (site / "wide").rmdir()


def test_on_a_phone_a_wide_formula_scrolls_in_its_own_box_reached_by_the_keyboard(url, phone):
    visit(phone, url + "article_000_playground/")
    boxes = phone.find_elements(By.CSS_SELECTOR, "article .math-display")
    scrolling = [box for box in boxes if phone.execute_script(
        "return arguments[0].scrollWidth > arguments[0].clientWidth;", box)]
    assert scrolling, "no display formula on 000 is wider than a phone: the test sees nothing"
    for box in scrolling:
        assert box.size["width"] <= PHONE[0]
        assert (box.get_attribute("tabindex"), box.get_attribute("aria-label")) == ("0", "Formula")
    assert overflow(phone) == 0


def the_stepper(chromium):
    """The page's one stepper and the picture of its current frame (004's needs the data)."""
    steppers = chromium.find_elements(By.CSS_SELECTOR, "article .tinygrad-nn-stepper")
    if not steppers and "The stepper needs the data" in chromium.page_source:
        pytest.skip("the site was built without the cat/non-cat files: no stepper on 004")
    (stepper,) = steppers
    return stepper, stepper.find_element(By.CSS_SELECTOR, ".frame:not([hidden]) .picture")


@pytest.mark.parametrize("page", [*ARTICLES, "backprop_tour"])
def test_each_stepper_draws_its_graph_at_its_own_size_with_buttons_a_finger_can_press(
        url, chromium, page):
    """On the desktop and on a phone, in the articles and in the notebook's output alike:
    the picture spans the stepper, above its text, and scrolls over the graph drawn at
    the size it was drawn at, not shrunk to a thumbnail."""
    desktop = tuple(chromium.get_window_size().values())
    try:
        for size in (desktop, PHONE):
            chromium.set_window_size(*size)
            visit(chromium, f"{url}{page}/")
            stepper, picture = the_stepper(chromium)
            assert picture.size["width"] >= stepper.size["width"], (size, picture.size)
            drawn, own = chromium.execute_script(
                "const svg = arguments[0].querySelector('svg');"
                "return [svg.getBoundingClientRect().width, svg.width.baseVal.value];", picture)
            assert abs(drawn - own) < 1, f"{size}: the graph is {drawn:.0f} px wide, not {own:.0f}"
            for name in ("prev", "next"):
                assert stepper.find_element(By.CLASS_NAME, name).size["height"] >= 44, size
    finally:
        chromium.set_window_size(*desktop)


def test_the_api_reference_shows_every_public_name(site):
    import types

    import tinygrad_nn

    for module in API_MODULES:
        page = (site / "api" / module / "index.html").read_text(encoding="utf-8")
        names = getattr(tinygrad_nn, module).__all__ if hasattr(getattr(tinygrad_nn, module),
                                                                "__all__") else [
            name for name, value in vars(getattr(tinygrad_nn, module)).items()
            if not name.startswith("_")
            and getattr(value, "__module__", None) == f"tinygrad_nn.{module}"]
        missing = [n for n in names if f'id="tinygrad_nn.{module}.{n}"' not in page]
        assert names and not missing, f"api/{module}: {missing}"
    page = (site / "api" / "tinygrad_nn" / "index.html").read_text(encoding="utf-8")
    own = [name for name in tinygrad_nn.__all__ if name != "__version__"
           and not isinstance(getattr(tinygrad_nn, name), types.ModuleType)]
    missing = [n for n in own if f'id="{getattr(tinygrad_nn, n).__module__}.{n}"' not in page]
    assert {"Tensor", "no_grad", "gradcheck"} <= set(own) and not missing, missing
    tensor = page[page.index('id="tinygrad_nn.tensor.Tensor"'):]
    assert 'id="tinygrad_nn.tensor.Tensor.backward"' in tensor  # methods, with signatures
    assert "signature" in tensor


def test_every_link_inside_the_site_reaches_its_page_and_line(site):
    broken = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'<a [^>]*href="([^"]+)"', text):
            parsed = urlparse(urljoin(f"http://site/{page.relative_to(site).as_posix()}", target))
            if parsed.netloc != "site":
                continue
            path = site / parsed.path.lstrip("/")
            path = path / "index.html" if path.is_dir() else path
            if not path.is_file():
                broken.append(f"{page.relative_to(site)} -> {target}")
            elif parsed.fragment.startswith("__codelineno") and (
                    f'id="{parsed.fragment}"' not in path.read_text(encoding="utf-8")):
                broken.append(f"{page.relative_to(site)} -> {target} (no such line)")
    assert not broken, "\n".join(broken[:20])
    guide = (site / "reading_the_engine" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./source/tinygrad_nn/tensor\.py/#__codelineno-0-\d+"', guide)
    assert 'href="../backprop_tour/"' in guide


def article_text(page_html: str) -> str:
    """The words of a page's <article> as a reader sees them: tags dropped, entities read."""
    body = page_html[page_html.index("<article"):page_html.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_the_role_check_sees_a_raw_rest_role():
    shown = article_text('<article><p>see :func:`house_good_bad` and :mod:`~a.toy`, '
                         "not <code>house_good_bad()</code></p></article>")
    assert RAW_REST_ROLE.findall(shown) == [":func:`", ":mod:`"]


def test_the_api_reference_shows_no_raw_rest_role(site):
    """The docstrings are Markdown, as the renderer reads them: a reST role such as
    :func:`name` would be shown as it is typed."""
    shown = {module: RAW_REST_ROLE.findall(article_text(
        (site / "api" / module / "index.html").read_text(encoding="utf-8")))
        for module in ("tinygrad_nn", *API_MODULES)}
    assert not any(shown.values()), {module: roles for module, roles in shown.items() if roles}


def signature_lines(page_html: str, object_id: str) -> int:
    """How many lines the signature of the object `object_id` is drawn on."""
    start = page_html.index("doc-signature", page_html.index(f'id="{object_id}"'))
    return page_html[start:page_html.index("</code>", start)].count('<span id="__span-')


def test_the_api_reference_formats_a_long_signature_and_shows_the_version(site):
    import tinygrad_nn

    datasets = (site / "api" / "datasets" / "index.html").read_text(encoding="utf-8")
    assert signature_lines(datasets, "tinygrad_nn.datasets.tf_playground") >= 4, (
        "tf_playground's signature is one long line: is Ruff installed (the docs extra)?")
    assert signature_lines(datasets, "tinygrad_nn.datasets.PLAYGROUND_KINDS") == 1
    top = article_text((site / "api" / "tinygrad_nn" / "index.html").read_text(encoding="utf-8"))
    assert f'tinygrad_nn.__version__ == "{tinygrad_nn.__version__}"' in top


def test_every_page_names_the_version_and_links_to_the_pages_before_and_after(site):
    import tinygrad_nn

    unversioned, unlinked = [], []
    for page in pages(site):
        text = (site / page / "index.html").read_text(encoding="utf-8")
        footer = text[text.index('class="md-copyright"'):]
        if f"tinygrad_nn {tinygrad_nn.__version__}" not in footer[:500]:
            unversioned.append(page or "/")
        if not page.startswith("source/") and "md-footer__link" not in text:
            unlinked.append(page or "/")
    assert not unversioned and not unlinked, (unversioned, unlinked)
    article = (site / "article_001_twelve_points" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./article_000_playground/" class="md-footer__link '
                     r'md-footer__link--prev"', article)
    assert re.search(r'href="\.\./article_002_visual_intro/" class="md-footer__link '
                     r'md-footer__link--next"', article)


def test_the_notebook_page_links_to_the_notebook_to_download(site):
    page = (site / "backprop_tour" / "index.html").read_text(encoding="utf-8")
    (target,) = re.findall(r'<a href="([^"]+\.ipynb)" download>', page)
    assert (site / "backprop_tour" / target).read_bytes() == (
        ROOT / "examples" / "backprop_tour.ipynb").read_bytes()


def forget_the_scheme(chromium, url: str) -> None:
    """Material keeps the scheme a page last showed (localStorage) over what the system
    asks: forgotten, the next page follows the system."""
    chromium.get(url)
    chromium.execute_script("localStorage.clear();")


@pytest.fixture()
def dark(chromium, url):
    """The browser asking for the dark theme, as a system set to dark does, for one test."""
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    forget_the_scheme(chromium, url)
    yield chromium
    chromium.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    forget_the_scheme(chromium, url)


def test_in_the_dark_theme_figures_keep_a_white_panel_and_axe_finds_nothing_serious(site, url,
                                                                                    dark):
    """Every page in the dark theme: its colours pass axe, and a figure drawn black on
    white stays on white."""
    problems = []
    for page in pages(site):
        visit(dark, url + page)
        assert dark.execute_script("return document.body.dataset.mdColorScheme;") == "slate"
        panels = dark.execute_script(
            "return Array.from(document.querySelectorAll('article img, article "
            ".tinygrad-nn-stepper')).map(e => [e.getAttribute('src') || 'stepper',"
            " getComputedStyle(e).backgroundColor]);")
        problems += [f"{page or '/'}: {what} on {colour}" for what, colour in panels
                     if colour != "rgb(255, 255, 255)"]
        problems += [f"{page or '/'}: {rule} ({impact}) at {targets[:5]}"
                     for rule, impact, targets in serious_violations(dark, timeout=300)]
    assert not problems, "\n".join(problems)


def _graph_size(chromium, picture) -> tuple[float, float, float]:
    """The graph's width as drawn, its width at its own size, and the height in pixels of
    its smallest words as the screen shows them (font size times the on-screen scale)."""
    return tuple(chromium.execute_script(
        "const svg = arguments[0].querySelector('svg');"
        "const sizes = Array.from(svg.querySelectorAll('text'), t =>"
        "  Number(t.getAttribute('font-size')) * t.getScreenCTM().a);"
        "return [svg.getBoundingClientRect().width, svg.width.baseVal.value,"
        "        Math.min(...sizes)];", picture))


@pytest.mark.parametrize("page", [*ARTICLES, "backprop_tour"])
def test_zoomed_out_each_steppers_graph_fits_or_stops_where_its_words_stay_legible(
        url, chromium, page):
    """Zoomed out, a small graph spans its picture and a big one shrinks only until its
    smallest words are 11 px tall, then scrolls: never a 4,000 px graph in 688 px."""
    visit(chromium, f"{url}{page}/")
    stepper, picture = the_stepper(chromium)
    drawn, own, words = _graph_size(chromium, picture)
    assert abs(drawn - own) < 1 and words >= 11
    click(chromium, stepper.find_element(By.CLASS_NAME, "fit"))
    drawn, own, words = _graph_size(chromium, picture)
    width = chromium.execute_script("return arguments[0].clientWidth;", picture)
    assert words >= 11 - 0.01, f"zoomed out, the smallest words are {words:.1f} px"
    assert drawn <= own + 1
    if drawn > width + 1:  # too big to fit legibly: it stopped at the legible size, and scrolls
        assert words < 11.5 and chromium.execute_script(
            "return arguments[0].scrollWidth > arguments[0].clientWidth;", picture)
    elif own > width:  # it fits, shrunk to the picture's width
        assert abs(drawn - width) < 2, (drawn, width)
    click(chromium, stepper.find_element(By.CLASS_NAME, "fit"))
    assert abs(_graph_size(chromium, picture)[0] - own) < 1


READABLE_PIXELS = 13  # the page's own words are 16 px; tests/test_docs.py asks the same
GRAPHVIZ_SMALLEST_PIXELS = 10 / 72 * 150  # 10 pt, viz's smallest, at viz.save's 150 dpi


@pytest.mark.parametrize("article", ARTICLES)
def test_every_figure_reads_at_the_width_the_page_shows_it(site, url, chromium, article):
    """On the desktop (conftest's 1500 px window), every figure's smallest words, at the
    width the page draws the figure, are at least 13 px tall. plot.save records each
    figure's smallest text in its file; a graph drawing's is viz's smallest font."""
    from tinygrad_nn.plot import smallest_text_pixels

    visit(chromium, f"{url}{article}/")
    shown = chromium.execute_script(
        "return Array.from(document.querySelectorAll('article img')).map(i =>"
        " [i.src, i.getBoundingClientRect().width, i.naturalWidth]);")
    assert shown, f"no figure on {article}"
    small = []
    for address, width, natural in shown:
        natural_text = smallest_text_pixels(site / urlparse(address).path.lstrip("/"))
        text = (natural_text or GRAPHVIZ_SMALLEST_PIXELS) * width / natural
        if text < READABLE_PIXELS:
            small.append(f"{address.rsplit('/', 3)[-2:]}: {natural} px drawn {width:.0f} px "
                         f"wide, words {text:.1f} px")
    assert not small, "\n".join(small)
