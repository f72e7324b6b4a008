"""The playground in a real browser: headless Chromium driven by selenium.

Needs Chromium, its driver and selenium (Debian: `apt-get install chromium
chromium-driver`, `pip install selenium`); skipped with the reason when one is missing.
The screenshot of the trained page goes to $PLAYGROUND_SCREENSHOT when that is set.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("dash", reason="the playground needs dash: pip install -e '.[playground]'")
pytest.importorskip("selenium", reason="the browser test needs selenium: pip install selenium")
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

APP = Path(__file__).resolve().parent.parent / "examples" / "playground" / "app.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def url():
    port = free_port()
    server = subprocess.Popen([sys.executable, str(APP), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(address, timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the playground did not start: {server.stderr.read()}")
                time.sleep(0.2)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


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
    """The decision-region heatmap as plotly drew it (an image's data URL)."""
    return browser.execute_script(
        "const im = document.querySelector('#decision-regions .hm image');"
        "return im ? im.getAttribute('href') : '';")


def wait_for(browser, condition, seconds: float, what: str):
    return WebDriverWait(browser, seconds, poll_frequency=0.2).until(
        lambda _: condition(), message=f"waited {seconds} s for {what}")


def test_train_moons_watch_the_regions_change_then_see_a_bad_value_refused(browser, url, tmp_path):
    browser.get(url)
    wait_for(browser, lambda: text_of(browser, "test-accuracy") not in ("", "–"), 20,
             "the first run to be shown")

    choose(browser, "dataset", "moons")
    choose(browser, "hidden-layers", "1")
    choose(browser, "units", "3")
    choose(browser, "optimizer", "Adam")
    type_into(browser, "learning-rate", "0.1")
    # the network view shows 2 inputs, 3 hidden units and the output once the run is rebuilt
    wait_for(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#network .hm")) == 6,
             20, "the network of one hidden layer of 3 units")
    wait_for(browser, lambda: regions_picture(browser), 10, "the decision regions")
    before = regions_picture(browser)
    assert text_of(browser, "step-count") == "0"

    browser.find_element(By.ID, "train-button").click()
    wait_for(browser, lambda: float(text_of(browser, "test-accuracy")) >= 0.9, 40,
             "test accuracy 0.9 on moons")
    browser.find_element(By.ID, "train-button").click()  # pause
    assert int(text_of(browser, "step-count")) > 0
    assert regions_picture(browser) != before
    assert text_of(browser, "input-error") == ""
    time.sleep(0.5)  # let the last tick's figures be drawn
    screenshot = Path(os.environ.get("PLAYGROUND_SCREENSHOT", tmp_path / "playground.png"))
    assert browser.save_screenshot(str(screenshot)), f"no screenshot written to {screenshot}"

    type_into(browser, "learning-rate", "abc")
    wait_for(browser, lambda: "Learning rate" in text_of(browser, "input-error"), 10,
             "the error message")
    assert "expected a number" in text_of(browser, "input-error")
    assert "Traceback" not in browser.page_source

    type_into(browser, "learning-rate", "0.1")  # the app keeps working
    wait_for(browser, lambda: text_of(browser, "input-error") == "", 10, "the error to clear")
    steps = int(text_of(browser, "step-count"))
    browser.find_element(By.ID, "step-button").click()
    wait_for(browser, lambda: int(text_of(browser, "step-count")) == steps + 1, 10, "one step")
