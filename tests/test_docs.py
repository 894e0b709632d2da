"""The README says what the code does: the parts generated from the code are the code's text."""

from __future__ import annotations

from pathlib import Path

from paperterm.search import QUERY_HELP

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_shows_the_query_help_word_for_word() -> None:
    indented = "".join(f"    {line}".rstrip() + "\n" for line in QUERY_HELP.splitlines())
    assert indented in README.read_text(encoding="utf-8")
