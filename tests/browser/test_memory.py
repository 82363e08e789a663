"""Community Cloud's smallest box has about 690 MB: the server must stay well under it after every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.page_registry import PAGES as REGISTERED

pytestmark = pytest.mark.browser

PAGES = [page.url_path for page in REGISTERED]
PEAK_LIMIT_MB = 500


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for process {pid}")


def test_server_peak_memory_after_visiting_every_page_stays_under_500_mb(page, app_server, open_app):
    for path in PAGES:
        open_app(page, f"{app_server.url}/{path}")
        assert page.locator('[data-testid="stException"]').count() == 0, path
    peak = peak_rss_mb(app_server.pid)
    print(f"server peak RSS after every page: {peak:.0f} MB")
    assert peak < PEAK_LIMIT_MB
