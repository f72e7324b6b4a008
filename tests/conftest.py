"""Shared test set-up: where the cat/non-cat files are, and a headless browser.

`$TINYGRAD_NN_DATA` names their folder. When it is unset and a data folder sits
beside the project (`../shared/data/catvnoncat`, as in the project's CI), the
tests use that one; without either, the tests that need the images skip.

The `browser` fixture is headless Chromium driven by selenium (Debian: `apt-get
install chromium chromium-driver`, `pip install selenium`); the tests that use it
skip with the reason when one is missing.
"""

import os
import shutil
from pathlib import Path

import pytest

from tinygrad_nn import datasets

DATA_BESIDE_PROJECT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "catvnoncat"
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = (  # the background-networking ones keep Chromium off the network
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--window-size=1500,1100",
)


def pytest_configure(config) -> None:
    if not os.environ.get(datasets.DATA_ENV_VAR) and DATA_BESIDE_PROJECT.is_dir():
        os.environ[datasets.DATA_ENV_VAR] = str(DATA_BESIDE_PROJECT)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver",
                                    reason="the browser test needs selenium: pip install selenium")
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("the browser test needs Chromium and chromedriver "
                    "(Debian: apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
