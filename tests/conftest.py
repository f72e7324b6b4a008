"""Shared test set-up: where the cat/non-cat files are, a network that is not there, and a
headless browser.

`$TINYGRAD_NN_DATA` names their folder. When it is unset and a data folder sits
beside the project (`../shared/data/catvnoncat`, as in the project's CI), the
tests use that one; without either, the tests that need the images skip.

The `browser` fixture is headless Chromium driven by selenium (Debian: `apt-get
install chromium chromium-driver`, `pip install selenium`); the tests that use it
skip with the reason when one is missing.

No test touches the real network: downloads come from a server on 127.0.0.1
(`mirror`), and "offline" is a mirror on a local port nothing listens on
(`offline_mirror`).

The tests run on every core (pytest-xdist, `-n auto --dist loadfile` in pyproject.toml):
each file's tests on one worker, so that its module fixtures are built once, and the
browser test files all on the same one (`pytest_xdist_make_scheduler`), one after another,
since two Chromiums and their servers on two cores make the timing tests flaky. The
session fixtures that run `run_all --quick` run once for all workers (`once_for_all_workers`).
"""

import functools
import http.server
import os
import pickle
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from tinygrad_nn import datasets

DATA_BESIDE_PROJECT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "catvnoncat"
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = (  # the background-networking ones keep Chromium off the network
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--window-size=1500,1100",
)


CAT_DATA_MISSING = (f"the cat/non-cat files ({' and '.join(datasets.CATVNONCAT_SHA256)}) are "
                    f"not here: set {datasets.DATA_ENV_VAR} to their folder")
"""The one reason every test that needs the cat/non-cat files gives when it skips."""


def pytest_configure(config) -> None:
    if not os.environ.get(datasets.DATA_ENV_VAR) and DATA_BESIDE_PROJECT.is_dir():
        os.environ[datasets.DATA_ENV_VAR] = str(DATA_BESIDE_PROJECT)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, there when it is
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, with every *_browser.py file in one unit of work."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserFilesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return "the browser tests" if file.endswith("_browser.py") else file

    return BrowserFilesTogether(config, log)


def once_for_all_workers(tmp_path_factory, name: str, make: Callable[[Path], object]) -> object:
    """make(folder), computed by the first worker that asks and read from a file by the
    others (pytest-xdist starts a session per worker); without workers, just make(folder)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make(tmp_path_factory.mktemp(name))
    folder = tmp_path_factory.getbasetemp().parent / name  # the folder the workers share
    with FileLock(f"{folder}.lock"):
        made = folder / "made.pickle"
        if not made.exists():
            folder.mkdir()
            made.write_bytes(pickle.dumps(make(folder)))
        return pickle.loads(made.read_bytes())


def start_chromium(profile: Path, logging_prefs: dict[str, str] | None = None):
    """Headless Chromium driven by selenium, or a skip saying what is missing.
    `logging_prefs` ({"browser": "ALL", "performance": "ALL"}) keeps the console and the
    network events for `driver.get_log`."""
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
    options.add_argument(f"--user-data-dir={profile}")
    if logging_prefs:
        options.set_capability("goog:loggingPrefs", logging_prefs)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture
def empty_home(tmp_path, monkeypatch) -> Path:
    """A HOME with an empty cache and no TINYGRAD_NN_DATA, so only what a test sets counts."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(datasets.DATA_ENV_VAR, raising=False)
    return home


def closed_local_url() -> str:
    """An http URL on 127.0.0.1 at a port that was free a moment ago: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def offline_mirror(monkeypatch) -> str:
    """The mirror moved to a closed local port, as on a machine without network."""
    url = closed_local_url()
    monkeypatch.setattr(datasets.catvnoncat, "CATVNONCAT_MIRROR", url)
    return url


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format: str, *args) -> None:
        """Count the request instead of logging it to stderr."""
        self.requested.append(self.path)


@pytest.fixture
def serve_folder() -> Iterator:
    """serve_folder(folder) -> (url, paths requested): an HTTP server on 127.0.0.1 for
    the duration of the test."""
    servers = []

    def start(folder: Path) -> tuple[str, list[str]]:
        requested: list[str] = []
        handler = type("Handler", (_QuietHandler,), {"requested": requested})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", requested

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def run_all_quick(out: Path, jobs: int) -> subprocess.CompletedProcess:
    """`examples/run_all.py --quick --jobs JOBS` in a subprocess, never downloading:
    without the cat/non-cat files, article 004 is skipped."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, str(root / "examples" / "run_all.py"), "--quick", "--no-download",
         "--jobs", str(jobs), "--out", str(out)],
        capture_output=True, text=True, timeout=900, cwd=root, env=env, check=False,
    )


@pytest.fixture(scope="session")
def quick_run_all(tmp_path_factory):
    """`examples/run_all.py --quick` run once on two processes (as on a two-core machine,
    whatever this one has), for every test that reads what it prints or draws: (the
    finished process, its --out folder)."""
    return once_for_all_workers(tmp_path_factory, "run_all_quick",
                                lambda out: (run_all_quick(out, jobs=2), out))


@pytest.fixture(scope="session")
def quick_run_all_serial(tmp_path_factory):
    """The same run with --jobs 1: everything in turn, in one process."""
    return once_for_all_workers(tmp_path_factory, "run_all_quick_serial",
                                lambda out: (run_all_quick(out, jobs=1), out))
