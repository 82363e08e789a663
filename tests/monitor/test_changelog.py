"""The changelog names the dataset's version and what changed in it."""

from __future__ import annotations

from monitor.changelog import NO_VERSION, latest_release


def test_the_newest_heading_gives_the_version_and_its_section_the_changes(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(
        "# Changelog\n\nIntro.\n\n## 1.1.0 - 2026-01-02\n\n- Added a row.\n\n## 1.0.0 - 2026-01-01\n\n- First.\n",
        encoding="utf-8",
    )
    release = latest_release(changelog)
    assert (release.version, release.changes) == ("1.1.0", "- Added a row.")


def test_no_changelog_means_no_version(tmp_path):
    release = latest_release(tmp_path / "absent.md")
    assert (release.version, release.changes) == (NO_VERSION, "")


def test_a_summary_reads_as_headings_items_and_paragraphs_with_wrapped_lines_joined():
    from monitor.changelog import Block, summary_blocks

    changes = (
        "A first paragraph wrapped\nonto a second line.\n\n### Sources\n\n- `id-1` url: `a` →\n  `b` (the same page).\n"
        "- a second item\n\n### Every change, row by row\n\n- not shown"
    )
    assert summary_blocks(changes) == [
        Block("paragraph", "A first paragraph wrapped onto a second line."),
        Block("heading", "Sources"),
        Block("item", "id-1 url: a → b (the same page)."),
        Block("item", "a second item"),
    ]
