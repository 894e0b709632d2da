"""The README says what the code does: the parts generated from the code are the code's text."""

from __future__ import annotations

from pathlib import Path

from paperterm.search import QUERY_HELP

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_shows_the_query_help_word_for_word() -> None:
    indented = "".join(f"    {line}".rstrip() + "\n" for line in QUERY_HELP.splitlines())
    assert indented in README.read_text(encoding="utf-8")


def test_the_quick_start_runs_with_python_alone() -> None:
    """Its first command needs nothing but Python 3.10+ (pipx is missing on most fresh machines)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## Quick start")
    section = text[start : text.index("\n## ", start + 1)]
    commands = [line.strip() for line in section.splitlines() if line.startswith("    ")]
    assert commands[0] == (
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/paperterm"
    )
    assert "`python3-venv`" in section  # what Debian and Ubuntu need for the venv line
    assert "pipx install ." in section  # still offered, after it
    assert section.index("python3 -m venv") < section.index("pipx install")
