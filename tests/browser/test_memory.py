"""Community Cloud's smallest box has about 690 MB: the server must stay well under it after every page."""

from __future__ import annotations

import pytest
from process_memory import status_mb

from components.page_registry import PAGES as REGISTERED

pytestmark = pytest.mark.browser

PAGES = [page.url_path for page in REGISTERED]
PEAK_LIMIT_MB = 500


def test_server_peak_memory_after_visiting_every_page_stays_under_500_mb(page, app_server, open_app):
    for path in PAGES:
        open_app(page, f"{app_server.url}/{path}")
        assert page.locator('[data-testid="stException"]').count() == 0, path
    peak = status_mb("VmHWM", app_server.pid)
    print(f"server peak RSS after every page: {peak:.0f} MB")
    assert peak < PEAK_LIMIT_MB
