"""Tags and notes in the exports: BibTeX keywords, Markdown and JSON as written."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paperterm.loader import load
from paperterm.state import StateStore
from paperterm.usecases import export_and_pin

DUMP = """Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeSparse Mixtures of Experts
Routing each token to two of many experts keeps compute flat.
Graph Attention for Molecules
Attention over bonds predicts properties of molecules.
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[list, StateStore]:  # type: ignore[type-arg]
    path = tmp_path / "d.txt"
    path.write_text(DUMP, encoding="utf-8")
    papers = list(load([path]))
    store = StateStore.open(tmp_path / "state.json")
    store.add_tags([papers[0].id], ["rl", "to-read", "Ünïcode"])
    store.set_note(papers[0].id, "Compare with *section 4*.\nSecond line_with {braces}")
    return papers, store


def test_bibtex_writes_tags_as_keywords(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    text = export_and_pin(papers, "bibtex", store).text
    first, second = text.split("\n\n")
    assert "  keywords = {rl, to-read, Ünïcode},\n" in first
    assert "keywords" not in second
    ascii_text = export_and_pin(papers, "bibtex", store, ascii=True).text
    assert 'keywords = {rl, to-read, {\\"U}n{\\"i}code},' in ascii_text


def test_json_and_markdown_carry_tags_and_note(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    records = orjson.loads(export_and_pin(papers, "json", store).text)
    assert records[0]["tags"] == ["rl", "to-read", "Ünïcode"]
    assert records[0]["note"].startswith("Compare with *section 4*.\nSecond")
    assert records[1]["tags"] == [] and records[1]["note"] == ""
    markdown = export_and_pin(papers, "markdown", store).text
    assert "  tags: rl, to-read, Ünïcode" in markdown
    assert "  > Compare with \\*section 4\\*." in markdown
    assert "  > Second line\\_with \\{braces\\}" in markdown
