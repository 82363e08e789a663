"""Every page of the app, once: app.py builds its navigation from this, the tests and benchmarks visit these.

Standard library only, so the benchmark runner can read it without importing Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page: its file, its link in the navigation, its address and the heading it opens with."""

    path: str
    title: str
    icon: str
    url_path: str  # "" for the default page
    heading: str
    shows_data: bool = True  # the upload page shows no data of its own

    @property
    def is_default(self) -> bool:
        return self.url_path == ""


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "", "DPRK–Russia Alignment Monitor"),
    PageSpec("pages/timeline.py", "Timeline 1953–2025", ":material/timeline:", "timeline", "Timeline 1953–2025"),
    PageSpec("pages/map.py", "Map", ":material/map:", "map", "Map"),
    PageSpec("pages/figures.py", "Figures by source", ":material/groups:", "figures", "Figures by source"),
    PageSpec(
        "pages/disagreement.py",
        "Where sources disagree",
        ":material/compare_arrows:",
        "disagreement",
        "Where sources disagree",
    ),
    PageSpec("pages/story.py", "Story 1953–2025", ":material/auto_stories:", "story", "Story: 1953–2025 in key events"),
    PageSpec(
        "pages/explorer.py",
        "Claims and events explorer",
        ":material/table_view:",
        "explorer",
        "Claims and events explorer",
    ),
    PageSpec("pages/sources.py", "Sources and method", ":material/menu_book:", "sources", "Sources and method"),
    PageSpec(
        "pages/upload.py",
        "Use your own data",
        ":material/upload_file:",
        "upload",
        "Use your own data",
        shows_data=False,
    ),
)
DATA_PAGES: list[str] = [page.path for page in PAGES if page.shows_data]
