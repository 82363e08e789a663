"""Browser tests: one Streamlit server per session, driven by Debian's Chromium through pytest-playwright.

Playwright never downloads a browser here: every launch uses /usr/bin/chromium. Helpers are handed to the
tests as fixtures (``open_app``, ``save_screenshot``) because ``conftest`` is not importable by name when
several folders have one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import ConsoleMessage, Download, Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TESTS = Path(__file__).resolve().parent
PROJECT_ROOT = BROWSER_TESTS.parents[1]
# pytest-playwright empties test-results/ (its --output) at the start of each session, so these are fresh.
SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"
SERVER_START_TIMEOUT = 60.0
LOAD_TIMEOUT_MS = 60_000
# Streamlit scrolls inside its own container, so full_page captures no more than the viewport: make it tall.
SCREENSHOT_VIEWPORT = {"width": 1400, "height": 1700}
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# A 404 on /<page>/_stcore/... (not on /_stcore/... at the root).
SUBPATH_STCORE = re.compile(r"^/.+/_stcore/")
RESOURCE_404 = "Failed to load resource: the server responded with a status of 404"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this folder, and only this folder, when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if BROWSER_TESTS in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@pytest.fixture(scope="session")
def app_url(app_server: Server) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def app_server() -> Iterator[Server]:
    """Start ``streamlit run app.py`` on a free port with the tests' own Python; yield its URL and process id."""
    with running_server() as server:
        yield server


@contextlib.contextmanager
def running_server(*options: str) -> Iterator[Server]:
    """A server of its own, with extra ``streamlit run`` options (``--server.disconnectedSessionTTL``, 2)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key != "MONITOR_DATA_DIR"}
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        *options,
    ]
    with tempfile.TemporaryFile(mode="w+", prefix="streamlit-stderr-") as stderr:
        # A new session (process group) so teardown ends the server and anything it spawned, and nothing else.
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr.seek(0)
                    why = f"exited with code {process.returncode}" if process.poll() is not None else "timed out"
                    pytest.fail(f"Streamlit server {why} before {url}/_stcore/health answered:\n{stderr.read()}")
                time.sleep(0.25)
            yield Server(url, process.pid)
        finally:
            _stop(process)


def open_app(page: Page, url: str) -> None:
    """Go to ``url`` and wait until the script has finished and the page has settled."""
    page.goto(url)
    page.wait_for_selector(SCRIPT_DONE, timeout=LOAD_TIMEOUT_MS)
    page.locator("h1").first.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    # The sidebar filters mount after the script finishes. Until a bound widget has mounted, the frontend
    # does not know its query parameter, and a page switch drops that parameter from the URL (see
    # test_switching_pages_keeps_the_filters): wait for the last filter before doing anything.
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Event categories").wait_for(
        state="visible", timeout=LOAD_TIMEOUT_MS
    )
    # Charts and tables draw after the script finishes: tests wait for their own marks; this only lets
    # the last frame land.
    page.wait_for_timeout(200)


DEFERRED_DOWNLOAD_WAIT_MS = 15_000


def download_deferred(page: Page, button: Locator, reopen: Callable[[], None]) -> Download:
    """Click a download button whose data is built on click (``st.download_button`` given a callable) and
    return the download.

    Twice in CI (never here) the first click started nothing and left the button disabled: Streamlit revokes a
    deferred button's id on every run ("a click that still holds the old id fails until the browser receives the
    new delta", MediaFileManager.remove_deferred), and it prunes a built file no session references once two runs
    of any session have ended, which a shared, busy test server does quickly. So the click waits for the run to end,
    and a click that started no download is made once more on the page opened afresh (``reopen``), as a reader
    would reload; a second miss fails the test."""
    page.wait_for_selector(SCRIPT_DONE, timeout=LOAD_TIMEOUT_MS)
    try:
        with page.expect_download(timeout=DEFERRED_DOWNLOAD_WAIT_MS) as first_try:
            button.click()
        return first_try.value
    except PlaywrightTimeoutError:
        reopen()
        page.wait_for_selector(SCRIPT_DONE, timeout=LOAD_TIMEOUT_MS)
    with page.expect_download(timeout=LOAD_TIMEOUT_MS) as second_try:
        button.click()
    return second_try.value


@pytest.fixture(name="download_deferred")
def download_deferred_fixture() -> Callable[[Page, Locator, Callable[[], None]], Download]:
    return download_deferred


@pytest.fixture(name="running_server")
def running_server_fixture() -> Callable[..., contextlib.AbstractContextManager[Server]]:
    return running_server


@pytest.fixture(name="open_app")
def open_app_fixture() -> Callable[[Page, str], None]:
    return open_app


def save_screenshot(page: Page, name: str) -> Path:
    """Save a screenshot to test-results/screenshots/<name>.png, and to $MONITOR_SCREENSHOTS_DIR if set."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("MONITOR_SCREENSHOTS_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / path.name)
    return path


@pytest.fixture(name="save_screenshot")
def save_screenshot_fixture() -> Callable[[Page, str], Path]:
    return save_screenshot


@pytest.fixture(autouse=True)
def console_errors(page: Page) -> Iterator[list[str]]:
    """Fail the test on any console error or uncaught page error, with one known exception.

    Opened at a sub-path such as /map, Streamlit's frontend first probes /map/_stcore/health and
    /map/_stcore/host-config (in case the app is served under a path prefix); both 404 and the frontend
    falls back to the root, where they succeed. Chromium logs each of those 404s as a console error. Only
    those are ignored: a 404 logged for a URL with /_stcore/ under a sub-path that the page really
    requested and got 404 for. Every other 404, and any 404 at the root /_stcore/, still fails the test.
    """
    errors: list[str] = []
    subpath_404s: set[str] = set()
    probes_logged: list[str] = []

    def on_response(response: Response) -> None:
        if response.status == 404 and SUBPATH_STCORE.match(urlparse(response.url).path):
            subpath_404s.add(response.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith(RESOURCE_404) and SUBPATH_STCORE.match(urlparse(url).path):
            probes_logged.append(url)  # ignored if the page did get a 404 for it (checked below)
            return
        errors.append(f"console: {message.text} ({url})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    yield errors
    page.remove_listener("response", on_response)
    page.remove_listener("console", on_console)
    errors += [
        f"console: 404 for {url} without a matching response" for url in probes_logged if url not in subpath_404s
    ]
    assert not errors, "browser console errors:\n" + "\n".join(errors)
