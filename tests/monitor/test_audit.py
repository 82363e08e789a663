"""The excerpt audit finds each quoted excerpt in its source's text, and lists each miss."""

from __future__ import annotations

from conftest import FIXTURES

from monitor import load_dataset
from monitor.audit import audit_excerpts, normalise

TEXTS = FIXTURES / "texts"


def test_normalise_folds_only_white_space_and_quote_marks():
    assert normalise("  “over\n 11,000’s”  ") == '"over 11,000\'s"'
    assert normalise("Over") != normalise("over")


def test_excerpts_found_in_their_texts_pass(minimal_dir):
    result = audit_excerpts(load_dataset(minimal_dir), TEXTS)
    assert result.passed
    assert (result.checked, result.unchecked) == (2, 0)


def test_an_altered_excerpt_is_listed_with_its_position(minimal_dir, edit):
    edit("claims.csv", 2, "excerpt", "over 12,000 troops")
    result = audit_excerpts(load_dataset(minimal_dir), TEXTS)
    assert len(result.misses) == 1
    assert result.misses[0].startswith("claims.csv:2:excerpt: not found in 'seed_a.txt' (source 'seed-a')")


def test_excerpts_without_stored_text_are_counted_as_unchecked(minimal_dir, edit):
    edit("claims.csv", 3, "excerpt", "a quote from a page we do not store")
    result = audit_excerpts(load_dataset(minimal_dir), TEXTS)
    assert result.passed
    assert result.unchecked == 1


def test_a_missing_text_file_is_a_miss(minimal_dir, tmp_path):
    result = audit_excerpts(load_dataset(minimal_dir), tmp_path)
    assert len(result.misses) == 2
    assert "text 'seed_a.txt' of source 'seed-a' not found" in result.misses[0]
