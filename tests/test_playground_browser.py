"""The playground in a real browser: headless Chromium driven by selenium.

Needs Chromium, its driver and selenium (Debian: `apt-get install chromium
chromium-driver`, `pip install selenium`); skipped with the reason when one is missing.
Screenshots of both views, the trained page, an invalid field and both page widths go
into the folder $PLAYGROUND_SCREENSHOTS when that is set. axe-core (the copy in
tests/vendor/axe-core) checks both views for accessibility.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

pytest.importorskip("dash", reason="the playground needs dash: pip install -e '.[playground]'")
pytest.importorskip("selenium", reason="the browser test needs selenium: pip install selenium")
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APP = EXAMPLES / "playground" / "app.py"
sys.path.insert(0, str(EXAMPLES))
from axe_core import serious_violations
from playground import measure_payload

LAPTOP, NARROW, WIDE, PHONE = (1366, 900), (600, 900), (1440, 900), (375, 812)

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    """The app in its own process on `port`, once it answers; what it logs goes to
    `log` (a pipe nobody reads would block it once full)."""
    with log.open("a") as sink:
        server = subprocess.Popen([sys.executable, str(APP), "--port", str(port)],
                                  stdout=sink, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the playground did not start: {log.read_text()}")
            time.sleep(0.2)


def stop_server(server: subprocess.Popen) -> None:
    """Ended whatever happened: a server that ignores the request to stop is killed."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class FaultyRelay:
    """A relay from the browser to the server on `port` that can spoil the next answer:
    "cut" lets its headers and a few bytes of its body pass, then closes the connection,
    as when the server is stopped while it writes (fetch resolves on the headers; the
    body never comes); "500" answers with a server error instead."""

    FAULTS = ("cut", "500")
    SERVER_ERROR = b"HTTP/1.1 500 INTERNAL SERVER ERROR\r\nContent-Length: 0\r\n\r\n"

    def __init__(self, port: int):
        self.server_port = port
        self.next_fault: str | None = None
        self.fault_lock = threading.Lock()  # one answer of all the connections takes it
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def spoil_next_answer(self, fault: str) -> None:
        assert fault in self.FAULTS, fault
        self.next_fault = fault

    def accept(self) -> None:
        while True:
            try:
                browser_side, _ = self.listener.accept()
            except OSError:  # the relay closed
                return
            try:
                server_side = socket.create_connection(("127.0.0.1", self.server_port))
            except OSError:  # the server is down: so is this connection
                browser_side.close()
                continue
            threading.Thread(target=self.pass_on, args=(browser_side, server_side, False),
                             daemon=True).start()
            threading.Thread(target=self.pass_on, args=(server_side, browser_side, True),
                             daemon=True).start()

    def pass_on(self, source: socket.socket, sink: socket.socket, answers: bool) -> None:
        try:
            while chunk := source.recv(65536):
                fault = self.take_fault() if answers and chunk.startswith(b"HTTP/1.") else None
                if fault:
                    sink.sendall(self.spoiled(chunk, fault))
                    break
                sink.sendall(chunk)
        except OSError:  # the other direction hung up first
            pass
        for side in (source, sink):  # shutdown, not only close, wakes the other direction
            try:
                side.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            side.close()

    def take_fault(self) -> str | None:
        with self.fault_lock:
            fault, self.next_fault = self.next_fault, None
            return fault

    def spoiled(self, answer: bytes, fault: str) -> bytes:
        if fault == "500":
            return self.SERVER_ERROR
        headers = answer.find(b"\r\n\r\n")  # their end; 8 bytes of the body follow
        return answer if headers < 0 else answer[:headers + 4 + 8]

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.listener.close()


def assert_clean(log: Path) -> None:
    problems = [line for line in log.read_text().splitlines()
                if "Traceback" in line or "Error" in line or " 500 " in line]
    assert problems == [], log.read_text()[-3000:]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """The app in its own process; no test may leave an error or a traceback in its log."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    server = start_server(port, log)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_server(server)
    assert_clean(log)


def text_of(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def choose(browser, control_id: str, option: str) -> None:
    browser.find_element(
        By.XPATH, f"//*[@id='{control_id}']//label[normalize-space(.)='{option}']").click()


def type_into(browser, control_id: str, text: str) -> None:
    field = browser.find_element(By.ID, control_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text, Keys.ENTER)


def regions_picture(browser) -> str:
    """The decision-region colour map as plotly drew it (an image's data URL)."""
    return browser.execute_script(
        "const im = document.querySelector('#decision-regions .contour image, "
        "#decision-regions .hm image');"
        "return im ? im.getAttribute('href') : '';")


def wait_for(browser, condition, seconds: float, what: str):
    return WebDriverWait(browser, seconds, poll_frequency=0.1).until(
        lambda _: condition(), message=f"waited {seconds} s for {what}")


def wait_for_network(browser, units: int, what: str) -> None:
    """Wait until the network view shows `units` maps (inputs, hidden units, output): the
    run has been rebuilt for the settings just chosen."""
    wait_for(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#network .hm")) == units,
             20, f"the network of {what}")


def steps(browser) -> int:
    text = text_of(browser, "step-count")
    return int(text) if text.isdigit() else -1


def step_once(browser) -> None:
    """Press Step and wait for the count to move on by one (or any other answer)."""
    before = steps(browser)
    browser.find_element(By.ID, "step-button").click()
    wait_for(browser, lambda: steps(browser) != before, 10, f"the step after {before}")


def shown(browser) -> bool:
    return text_of(browser, "test-accuracy") not in ("", "–")


def screenshot(browser, name: str) -> None:
    """Into $PLAYGROUND_SCREENSHOTS, when set, to be looked at."""
    folder = os.environ.get("PLAYGROUND_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def charts_drawn(browser) -> None:
    """Wait until plotly has drawn the figures of the last answer."""
    wait_for(browser, lambda: browser.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout);"),
        10, "the charts to be drawn")


@pytest.fixture()
def page(browser, url):
    """The playground as a first visit sees it: no kept settings, no run."""
    browser.set_window_size(*LAPTOP)
    browser.get(url + "_dash-layout")  # same origin, no page that could write its storage
    browser.execute_script("localStorage.clear(); sessionStorage.clear();")
    browser.get(url)
    wait_for(browser, lambda: shown(browser), 20, "the first run to be shown")
    return browser


def open_settings(browser) -> None:
    """Unfold the settings drawer of a narrow page."""
    settings = browser.find_element(By.ID, "settings")
    if not settings.get_attribute("open"):
        browser.find_element(By.CSS_SELECTOR, "#settings > summary").click()
    wait_for(browser, lambda: settings.get_attribute("open"), 5, "the settings to unfold")


def horizontal_overflow(browser) -> int:
    return browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")


def open_graph_tab(browser) -> None:
    """Open the graph tab and wait until the browser has drawn a graph in it (while
    training, the next drawing may already be on its way: the image is not `complete`)."""
    browser.execute_script("""
        window.graphRunsDrawn = [];  // the run each drawing shows, as the browser draws it
        document.addEventListener("load", (event) => {
          if (event.target.matches && event.target.matches("#graph-svg img"))
            window.graphRunsDrawn.push(event.target.dataset.run);
        }, true);""")
    browser.find_element(By.ID, "tab-graph").click()
    wait_for(browser, lambda: browser.execute_script(
        "const im = document.querySelector('#graph-svg img');"
        "return window.graphRunsDrawn.length > 0 && im && im.naturalWidth > 0;"), 20,
        "the computation graph")


def watch_graph_requests(browser, answer_delay_ms: int = 0) -> None:
    """Count the page's graph requests in `window.graphWatch`: all of them, the most on
    their way at once, those that left while the drawing shown was still being decoded,
    and the graph frame's aria-busy as each answer came; each answer is held back
    `answer_delay_ms`, as a busy server would."""
    browser.execute_script("""
        const delay = arguments[0];
        const watch = window.graphWatch = {requests: 0, onTheirWay: 0, mostOnTheirWay: 0,
                                           whileDecoding: 0, busy: []};
        const send = window.fetch;
        window.fetch = function (resource, options) {
          if (!(options && String(options.body).includes('graph-svg.children')))
            return send.apply(this, arguments);
          const shown = document.querySelector('#graph-svg img');
          if (shown && !shown.complete) watch.whileDecoding++;
          watch.requests++;
          watch.mostOnTheirWay = Math.max(watch.mostOnTheirWay, ++watch.onTheirWay);
          const late = (answer) => new Promise((done) => setTimeout(() => {
            watch.busy.push(document.getElementById('graph-frame').getAttribute('aria-busy'));
            done(answer);
          }, delay));
          return send.apply(this, arguments).then(late).finally(() => { watch.onTheirWay--; });
        };""", answer_delay_ms)


def train_for_20_steps(browser, port: int) -> None:
    """A new page of the server at `port`, training."""
    browser.set_window_size(*LAPTOP)
    browser.get(f"http://127.0.0.1:{port}/")
    wait_for(browser, lambda: shown(browser), 20, "the first run to be shown")
    browser.find_element(By.ID, "train-button").click()
    wait_for(browser, lambda: steps(browser) >= 20, 20, "training")


def wait_for_pause_saying(browser, note: str) -> None:
    """The connection note says `note`, and the Train button that the training paused."""
    wait_for(browser, lambda: note in text_of(browser, "connection-note"), 20,
             f"the note {note!r}")
    wait_for(browser, lambda: text_of(browser, "train-button") == "▶ Train", 5,
             "the button to say the training is paused")


# ---- tests --------------------------------------------------------------------------------------


def test_axe_finds_no_serious_or_critical_violation_on_either_view(page):
    charts_drawn(page)
    screenshot(page, "training-view")
    assert serious_violations(page) == []
    open_graph_tab(page)
    screenshot(page, "graph-view")
    assert serious_violations(page) == []


def test_axe_finds_no_serious_violation_while_training_and_on_a_phone(page):
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: steps(page) >= 40, 20, "training")
    assert serious_violations(page) == []
    page.set_window_size(*PHONE)
    wait_for(page, lambda: page.execute_script("return innerWidth;") <= PHONE[0], 10, "a phone")
    assert serious_violations(page) == []
    open_settings(page)
    assert serious_violations(page) == []
    open_graph_tab(page)
    assert serious_violations(page) == []
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: text_of(page, "train-button") == "▶ Train", 10, "the pause")


def test_the_charts_are_figures_named_by_their_captions_without_plotly_shapes(page):
    charts_drawn(page)
    page.execute_cdp_cmd("Accessibility.enable", {})
    nodes = page.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    shown = [n for n in nodes if not n.get("ignored")]
    figures = [n for n in shown if n.get("role", {}).get("value") == "figure"]
    assert len(figures) == 3
    assert all(n.get("name", {}).get("value", "").endswith(".") for n in figures), figures
    graphics = [n for n in shown if n.get("role", {}).get("value", "").startswith("graphics")]
    assert graphics == []


def test_a_skip_link_leads_past_the_settings_to_the_views(page):
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    link = page.switch_to.active_element
    assert link.text == "Skip to the charts" and link.is_displayed()
    link.send_keys(Keys.ENTER)
    ActionChains(page).send_keys(Keys.TAB).perform()
    assert page.switch_to.active_element.get_attribute("id") == "tab-training"


def test_the_progress_is_announced_every_few_seconds_not_every_tick(page):
    """At most one announcement per five seconds the page itself saw go by (plus the first),
    measured by the page's clock: a loaded machine stretches the seconds, not the rule."""
    page.execute_script("""
        window.announcements = 0;
        window.watchedSince = performance.now();
        new MutationObserver(() => window.announcements++).observe(
            document.getElementById('progress-announcement'),
            {childList: true, characterData: true, subtree: true});""")
    page.find_element(By.ID, "train-button").click()
    start = time.monotonic()
    wait_for(page, lambda: page.find_element(By.ID, "progress-announcement").get_attribute(
        "textContent").startswith("Step "), 15, "the first announcement")
    time.sleep(max(0.0, 11 - (time.monotonic() - start)))
    page.find_element(By.ID, "train-button").click()
    announced, seen_ms = page.execute_script(
        "return [window.announcements, performance.now() - window.watchedSince];")
    assert steps(page) >= 100 and 1 <= announced <= 1 + seen_ms // 5000, (
        steps(page), announced, seen_ms)
    assert page.find_element(By.ID, "progress-announcement").get_attribute("aria-live") == "polite"


def test_the_views_are_tabs_switched_with_the_keyboard(page):
    training, graph = (page.find_element(By.ID, f"tab-{n}") for n in ("training", "graph"))
    assert [t.get_attribute("role") for t in (training, graph)] == ["tab", "tab"]
    assert (training.get_attribute("aria-selected"), graph.get_attribute("tabindex")) == (
        "true", "-1")
    training.send_keys(Keys.ARROW_RIGHT)
    wait_for(page, lambda: graph.get_attribute("aria-selected") == "true", 10, "the graph tab")
    assert page.switch_to.active_element == graph
    assert page.find_element(By.ID, "panel-graph").is_displayed()
    assert not page.find_element(By.ID, "panel-training").is_displayed()
    wait_for(page, lambda: page.find_elements(By.CSS_SELECTOR, "#graph-svg img"), 20,
             "the computation graph")
    graph.send_keys(Keys.HOME)
    wait_for(page, lambda: training.get_attribute("aria-selected") == "true", 10,
             "the training tab")
    assert page.switch_to.active_element == training
    assert page.find_element(By.ID, "panel-training").is_displayed()
    training.send_keys(Keys.TAB)  # the other tab is left out of the Tab order
    assert page.switch_to.active_element != graph


def test_the_graph_view_zooms_and_pans(page):
    open_graph_tab(page)
    frame = page.find_element(By.ID, "graph-frame")
    width = page.find_element(By.CSS_SELECTOR, "#graph-svg img").rect["width"]
    for _ in range(2):
        page.find_element(By.ID, "zoom-in").click()
    wait_for(page, lambda: text_of(page, "zoom-level") == "200%", 10, "zoom 200%")
    wait_for(page, lambda: page.find_element(By.CSS_SELECTOR, "#graph-svg img").rect["width"]
             > 1.9 * width, 10, "the drawing twice as wide")
    assert page.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth;",
                               frame)
    wait_for(page, lambda: page.execute_script(  # it opens on the middle, where the drawing is
        "const f = arguments[0]; return Math.abs(2 * f.scrollLeft - (f.scrollWidth - "
        "f.clientWidth)) <= 2;", frame), 5, "the zoomed drawing centred")
    ActionChains(page).move_to_element(frame).click_and_hold().move_by_offset(-150, -80) \
        .release().perform()
    assert page.execute_script("return arguments[0].scrollLeft;", frame) > 100
    screenshot(page, "graph-view-zoomed")
    frame.send_keys(Keys.ARROW_RIGHT)  # the frame takes focus and scrolls on arrow keys
    assert page.switch_to.active_element == frame
    page.find_element(By.ID, "zoom-fit").click()
    wait_for(page, lambda: text_of(page, "zoom-level") == "100%", 10, "back to fit")


def test_train_moons_watch_the_regions_change_and_pause(page):
    choose(page, "dataset", "moons")
    choose(page, "activation", "tanh")
    choose(page, "hidden-layers", "1")
    choose(page, "units", "3")
    type_into(page, "learning-rate", "0.1")
    # the network view shows 2 inputs, 3 hidden units and the output once the run is rebuilt
    wait_for_network(page, units=6, what="one hidden layer of 3 units")
    wait_for(page, lambda: regions_picture(page), 10, "the decision regions")
    before = regions_picture(page)
    assert steps(page) == 0
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: float(text_of(page, "test-accuracy")) >= 0.9, 40,
             "test accuracy 0.9 on moons")
    page.find_element(By.ID, "train-button").click()  # pause
    wait_for(page, lambda: text_of(page, "train-button") == "▶ Train", 10, "the pause")
    assert steps(page) > 0 and regions_picture(page) != before
    assert "Loss chart over" in page.find_element(By.ID, "loss-curves-text").get_attribute(
        "textContent")
    charts_drawn(page)
    screenshot(page, "trained-moons")


def test_a_paused_run_outlives_many_other_pages(page, url):
    for _ in range(3):
        step_once(page)
    layout = json.load(urllib.request.urlopen(url + "_dash-layout", timeout=10))
    wiring = json.load(urllib.request.urlopen(url + "_dash-dependencies", timeout=10))
    refresh = next(c for c in wiring if {"id": "step-button", "property": "n_clicks"}
                   in c["inputs"])
    props = measure_payload.component_props(layout, {})
    for _ in range(40):  # other pages, each with its own run
        props["session-id"]["data"] = uuid.uuid4().hex
        body = measure_payload.callback_body(refresh, props, ["step-button.n_clicks"])
        request = urllib.request.Request(url + "_dash-update-component",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=20).status == 200
    step_once(page)
    assert steps(page) == 4  # the same run, one step on
    assert text_of(page, "run-status") == ""


def test_settings_and_the_run_are_kept_across_a_reload(page):
    choose(page, "dataset", "xor")
    type_into(page, "seed", "7")
    wait_for(page, lambda: "on xor" in page.find_element(
        By.ID, "decision-regions-text").get_attribute("textContent"), 10, "the xor run")
    for _ in range(2):
        step_once(page)
    page.refresh()
    wait_for(page, lambda: shown(page), 20, "the page after the reload")
    assert page.find_element(By.CSS_SELECTOR, "#dataset input[value=xor]").is_selected()
    assert page.find_element(By.ID, "seed").get_attribute("value") == "7"
    wait_for(page, lambda: steps(page) == 2, 10, "the run at step 2 again")


def test_changing_a_setting_while_training_says_the_run_restarted(page):
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: steps(page) >= 40, 20, "40 steps")
    page.find_element(By.CSS_SELECTOR, "#noise-slider [role=slider]").send_keys(Keys.ARROW_RIGHT)
    wait_for(page, lambda: "restarted from step 0" in text_of(page, "run-status"), 10,
             "the restart to be announced")
    assert text_of(page, "run-status") == "Changed noise: the run restarted from step 0."
    assert page.find_element(By.ID, "run-status").get_attribute("role") == "status"
    wait_for(page, lambda: steps(page) >= 20, 20, "the new run to train on")
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: text_of(page, "train-button") == "▶ Train", 10, "the pause")


def test_an_invalid_value_is_marked_where_it_was_typed(page):
    sidebar_width = page.find_element(By.CSS_SELECTOR, ".sidebar").rect["width"]
    box = page.find_element(By.ID, "learning-rate")
    type_into(page, "learning-rate", "x" * 400)
    wait_for(page, lambda: box.get_attribute("aria-invalid") == "true", 10, "aria-invalid")
    message = text_of(page, "learning-rate-error")
    assert message.startswith("Learning rate: expected a number") and len(message) < 80
    assert "learning-rate-error" in box.get_attribute("aria-describedby")
    assert page.find_element(By.ID, "n-points").get_attribute("aria-invalid") == "false"
    assert "last valid run" in text_of(page, "stale-note")
    assert page.find_element(By.CSS_SELECTOR, ".sidebar").rect["width"] == sidebar_width
    assert "Traceback" not in page.page_source
    page.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    screenshot(page, "invalid-learning-rate")
    type_into(page, "learning-rate", "0.01")
    wait_for(page, lambda: box.get_attribute("aria-invalid") == "false", 10, "the mark to go")
    assert text_of(page, "stale-note") == "" and text_of(page, "learning-rate-error") == ""
    step_once(page)
    assert steps(page) == 1  # the run it kept, one step on


def test_a_loss_that_is_no_longer_finite_pauses_the_run_and_says_why(page):
    choose(page, "activation", "identity")
    choose(page, "hidden-layers", "4")
    choose(page, "optimizer", "SGD")
    type_into(page, "learning-rate", "10")
    wait_for_network(page, units=35, what="4 hidden layers")
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: "Paused at step" in text_of(page, "run-status"), 20, "the NaN pause")
    assert "the training loss passed 1,000" in text_of(page, "run-status")
    assert text_of(page, "train-button") == "▶ Train"


@pytest.mark.parametrize("width", [LAPTOP[0], NARROW[0]])
def test_the_page_fits_its_width(page, width):
    page.set_window_size(width, LAPTOP[1])
    wait_for(page, lambda: page.execute_script("return window.innerWidth;") <= width, 10,
             "the new width")
    charts_drawn(page)
    overflow = page.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
    screenshot(page, f"page-{width}px")
    assert overflow <= 0


def test_the_page_says_when_the_server_stops_and_pauses(browser, tmp_path):
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(port, log)
    try:
        train_for_20_steps(browser, port)
        stop_server(server)
        wait_for_pause_saying(browser, "does not answer")
        frozen = steps(browser)
        time.sleep(1)
        assert steps(browser) == frozen
        screenshot(browser, "server-down")
        server = start_server(port, log)
        browser.find_element(By.ID, "train-button").click()
        wait_for(browser, lambda: "no longer on the server" in text_of(browser, "run-status"),
                 20, "the notice that the run is gone")
        assert text_of(browser, "connection-note") == ""
    finally:
        stop_server(server)
    assert_clean(log)


@pytest.mark.parametrize("fault, note", [
    ("cut", "does not answer"),  # a server stopped while it writes: headers, no body
    ("500", "failed to answer (HTTP 500)"),
])
def test_a_spoiled_answer_pauses_the_training_and_says_so(browser, tmp_path, fault, note):
    """Neither stops the training without a word, and the note stays until the reader
    acts: Train then goes on."""
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(port, log)
    relay = FaultyRelay(port)
    try:
        train_for_20_steps(browser, relay.port)
        relay.spoil_next_answer(fault)
        wait_for_pause_saying(browser, note)
        time.sleep(1)  # answers to requests sent before the fault arrive, and keep the note
        assert note in text_of(browser, "connection-note")
        frozen = steps(browser)
        time.sleep(1)
        assert steps(browser) == frozen
        browser.find_element(By.ID, "train-button").click()
        wait_for(browser, lambda: steps(browser) > frozen, 20, "the training to go on")
        assert text_of(browser, "connection-note") == ""
    finally:
        relay.close()
        stop_server(server)
    assert_clean(log)


def test_a_page_whose_requests_wait_says_so_until_the_answer_comes(page):
    page.execute_cdp_cmd("Network.enable", {})
    slow = {"offline": False, "latency": 7000, "downloadThroughput": -1, "uploadThroughput": -1}
    page.execute_cdp_cmd("Network.emulateNetworkConditions", slow)
    try:
        page.find_element(By.ID, "step-button").click()
        wait_for(page, lambda: "Waiting for the server" in text_of(page, "connection-note"), 10,
                 "the notice that the page waits")
        assert steps(page) == 0
        wait_for(page, lambda: steps(page) == 1, 15, "the step, late")
        assert text_of(page, "connection-note") == ""
    finally:
        page.execute_cdp_cmd("Network.emulateNetworkConditions", slow | {"latency": 0})


def test_seven_tabs_of_one_browser_train_at_once(page, url):
    """A browser opens six connections to a server, shared by its tabs: a timer that
    did not wait for its answers left the seventh tab with no step at all."""
    tabs = [page.current_window_handle]
    try:
        for _ in range(6):
            page.switch_to.new_window("tab")
            page.get(url)
            tabs.append(page.current_window_handle)
        for tab in tabs:
            page.switch_to.window(tab)
            wait_for(page, lambda: shown(page), 30, "the tab's first run")
            page.find_element(By.ID, "train-button").click()
        time.sleep(15)
        counts = []
        for tab in tabs:
            page.switch_to.window(tab)
            counts.append(steps(page))
            page.find_element(By.ID, "train-button").click()  # pause
        assert min(counts) >= 20, counts
    finally:
        for tab in tabs[1:]:
            page.switch_to.window(tab)
            page.close()
        page.switch_to.window(tabs[0])


@pytest.mark.parametrize("width", [WIDE[0], PHONE[0]])
def test_a_diverging_run_keeps_every_number_and_the_page_within_its_width(page, width):
    choose(page, "activation", "identity")
    choose(page, "optimizer", "SGD")
    type_into(page, "learning-rate", "10")
    wait_for(page, lambda: "identity" in page.find_element(By.ID, "network-text").get_attribute(
        "textContent"), 10, "the identity network")
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: "Paused at step" in text_of(page, "run-status"), 20, "the pause")
    assert "×10" in text_of(page, "train-loss")
    page.set_window_size(width, WIDE[1] if width == WIDE[0] else PHONE[1])
    wait_for(page, lambda: page.execute_script("return innerWidth;") <= width, 10, "the width")
    charts_drawn(page)
    wait_for(page, lambda: horizontal_overflow(page) <= 0, 10, "the charts to fit the width")
    screenshot(page, f"diverged-{width}px")
    for tile in page.find_elements(By.CSS_SELECTOR, ".stat"):
        assert page.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth;",
                                   tile), tile.text
    clipped = page.execute_script("""
        const chart = document.getElementById('loss-curves');
        const left = chart.querySelector('svg').getBoundingClientRect().left;
        return [...chart.querySelectorAll('.ytick text, .ytitle')]
            .filter(t => t.getBoundingClientRect().left < left).map(t => t.textContent);""")
    assert clipped == []  # the loss axis's labels and title all inside the chart


def thumb(browser, control_id: str) -> str:
    """What the slider beside box `control_id` shows: its value and its tooltip's text."""
    slider = browser.find_element(By.ID, f"{control_id}-slider")
    value = slider.find_element(By.CSS_SELECTOR, "[role=slider]").get_attribute("aria-valuenow")
    return f"{value} {slider.text}"


@pytest.mark.parametrize("control, span", [("noise", "0 to 1"), ("train-percent", "10 to 90")])
def test_a_slider_box_marks_a_wrong_value_as_a_text_box_does_never_clamping_it(page, control,
                                                                                span):
    box = page.find_element(By.ID, control)
    before = thumb(page, control)
    for typed, message in (("-5", f"must be from {span} (got '-5')."),
                           ("1e9", f"must be from {span} (got '1e9')."),
                           ("abc", f"from {span} (got 'abc')."), ("NaN", "(got 'NaN').")):
        type_into(page, control, typed)  # Enter applies it
        wait_for(page, lambda: text_of(page, f"{control}-error").endswith(message), 10,  # noqa: B023
                 f"the message for {typed!r}")
        assert box.get_attribute("aria-invalid") == "true"
        assert f"{control}-error" in box.get_attribute("aria-describedby")
        assert box.get_attribute("value") == typed  # as typed: not clamped, not emptied
        frame = box.find_element(By.XPATH, "..")  # the box's visible border is its frame's
        assert frame.value_of_css_property("border-top-color") == "rgba(178, 24, 43, 1)"
        assert thumb(page, control) == before and "NaN" not in before
        assert "training is paused" in text_of(page, "input-error")
    screenshot(page, f"invalid-{control}")


def test_enter_in_a_slider_box_applies_it_and_moves_the_slider(page):
    step_once(page)
    type_into(page, "noise", "0.3")
    wait_for(page, lambda: text_of(page, "run-status") ==
             "Changed noise: the run restarted from step 0.", 10, "the new run")
    assert page.find_element(By.ID, "noise").get_attribute("aria-invalid") == "false"
    wait_for(page, lambda: thumb(page, "noise").startswith("0.3 "), 10, "the slider at 0.3")
    page.find_element(By.CSS_SELECTOR, "#noise-slider [role=slider]").send_keys(Keys.ARROW_LEFT)
    wait_for(page, lambda: page.find_element(By.ID, "noise").get_attribute("value") == "0.25",
             10, "the box to follow the slider")


def test_a_reload_keeps_a_wrong_value_its_message_and_the_last_valid_run(page):
    step_once(page)
    type_into(page, "noise", "abc")
    wait_for(page, lambda: "got 'abc'" in text_of(page, "noise-error"), 10, "the message")
    page.refresh()
    wait_for(page, lambda: shown(page), 20, "the charts of the last valid run")
    assert page.find_element(By.ID, "noise").get_attribute("value") == "abc"
    wait_for(page, lambda: page.find_element(By.ID, "noise").get_attribute("aria-invalid")
             == "true", 10, "the mark")
    assert text_of(page, "noise-error") == "Noise: expected a number from 0 to 1 (got 'abc')."
    assert "last valid run" in text_of(page, "stale-note") and steps(page) == 1
    assert "NaN" not in thumb(page, "noise")
    charts_drawn(page)
    assert regions_picture(page)


def requests_once_settled(page, quiet: float = 2.0, limit: float = 20.0) -> int:
    """The graph requests counted once `quiet` seconds pass without a new one: a request the
    page queued while the graph tab was open can leave seconds later on a loaded machine."""
    count, since, start = -1, time.monotonic(), time.monotonic()
    while time.monotonic() - start < limit:
        now = page.execute_script("return window.graphWatch.requests;")
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return count
        time.sleep(0.1)
    raise AssertionError(f"graph requests still coming {limit} s after the tab closed")


def test_no_graph_request_while_the_graph_tab_is_hidden(page):
    watch_graph_requests(page)
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: steps(page) >= 60, 30, "training")
    assert page.execute_script("return window.graphWatch.requests;") == 0
    open_graph_tab(page)  # it is drawn, and redrawn as the run trains
    assert page.execute_script("return window.graphWatch.requests;") >= 1  # the counter counts
    page.find_element(By.ID, "tab-training").click()
    wait_for(page, lambda: page.find_element(By.ID, "panel-training").is_displayed(), 10,
             "the training tab")
    drawn = requests_once_settled(page)  # one asked for before the tab closed may come late
    shown_steps, closed = steps(page), time.monotonic()
    # longer than the page waits for a drawing that does not come (10 s), before asking again
    wait_for(page, lambda: steps(page) >= shown_steps + 60 and time.monotonic() - closed > 12,
             30, "more training")
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: text_of(page, "train-button") == "▶ Train", 10, "the pause")
    assert page.execute_script("return window.graphWatch.requests;") == drawn


def test_a_graph_slower_than_a_tick_is_drawn_while_training_one_request_at_a_time(page):
    """Graph answers that take longer than a tick (a busy server) are drawn all the same,
    one after another: the page asks for the next drawing once the browser has drawn the
    last, so no newer request makes it throw away an answer on its way, nor a picture
    being decoded; meanwhile the graph's frame says it is busy."""
    watch_graph_requests(page, answer_delay_ms=1500)
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: steps(page) >= 40, 20, "training")
    open_graph_tab(page)
    # about 2 s a drawing; waiting out the 10 s patience instead of the load would give 3
    drawn = wait_for(page, lambda: page.execute_script(
        "return window.graphRunsDrawn.length >= 4 && window.graphRunsDrawn;"), 30,
        "three later drawings")
    assert len(set(drawn)) == len(drawn)  # each drawing a later step's
    watch = page.execute_script("return window.graphWatch;")
    assert (watch["mostOnTheirWay"], watch["whileDecoding"]) == (1, 0)
    assert set(watch["busy"]) == {"true"}
    page.find_element(By.ID, "train-button").click()
    wait_for(page, lambda: text_of(page, "train-button") == "▶ Train", 10, "the pause")
    wait_for(page, lambda: page.find_element(By.ID, "graph-frame").get_attribute("aria-busy")
             == "false", 10, "the last drawing")


@pytest.mark.parametrize("size", [LAPTOP, PHONE])
def test_every_radio_button_is_a_target_of_at_least_24_px(page, size):
    page.set_window_size(*size)
    wait_for(page, lambda: page.execute_script("return innerWidth;") <= size[0], 10, "the width")
    open_settings(page)
    targets = page.execute_script("""
        return [...document.querySelectorAll('.dash-radioitems label')].map(label => {
          const box = label.getBoundingClientRect();
          return [label.textContent, box.width, box.height];});""")
    assert len(targets) == 6 + 5 + 8 + 4 + 2
    assert [t for t in targets if min(t[1:]) < 24] == []
    screenshot(page, f"radios-{size[0]}px")


def test_a_phone_shows_the_numbers_and_the_decision_regions_first(page):
    page.set_window_size(*PHONE)
    wait_for(page, lambda: page.execute_script("return innerWidth;") <= PHONE[0], 10, "a phone")
    charts_drawn(page)
    screenshot(page, "phone")
    drawer = page.find_element(By.CSS_SELECTOR, ".sidebar").rect["y"]
    assert drawer < page.execute_script("return innerHeight;")
    assert page.find_element(By.CSS_SELECTOR, ".stats").rect["y"] > 0
    stats = page.find_element(By.CSS_SELECTOR, ".stats").rect
    assert stats["y"] + stats["height"] <= drawer
    regions = page.find_element(By.ID, "decision-regions").rect
    assert regions["y"] + regions["height"] / 2 <= drawer  # at least its upper half in sight
    # plotly fits its charts to the new width after a resize event: on a busy machine
    # that can come after the first drawing, so the page is given time to settle
    wait_for(page, lambda: horizontal_overflow(page) <= 0, 20, "no sideways scrolling")
    open_settings(page)
    page.execute_script("document.getElementById('decision-regions').scrollIntoView();")
    screenshot(page, "phone-settings")
    drawer = page.find_element(By.CSS_SELECTOR, ".sidebar").rect["y"]
    regions = page.find_element(By.ID, "decision-regions").rect
    assert regions["y"] + 0.75 * regions["height"] <= drawer  # in sight with the settings open
    choose(page, "dataset", "xor")  # a setting changed with the chart in sight
    wait_for(page, lambda: "on xor" in page.find_element(
        By.ID, "decision-regions-text").get_attribute("textContent"), 10, "the xor run")
