"""The reader on a first open of a big catalogue: title matches at once, then the whole answer."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from paperterm import catalog as catalog_module
from paperterm.catalog import Catalog
from paperterm.search.engine import Searcher
from paperterm.search.index import SearchIndex
from paperterm.search.query import parse
from paperterm.search.text import words
from pilot import current_title, make_app, settle, shown
from test_ui_fixture import load_fixture

SIZE = (120, 40)


def a_word_also_in_abstracts(catalog: Catalog) -> tuple[str, int, int]:
    """A title word that two titles or more match, and more papers by their abstracts."""
    titles = Searcher(SearchIndex(catalog.papers, titles_only=True))
    every = Searcher(SearchIndex(catalog.papers))
    for paper in catalog.papers:
        for word in words(paper.title):
            if len(word) < 4:
                continue
            by_title = len(titles.search(parse(word)))
            in_all = len(every.search(parse(word)))
            if 2 <= by_title < in_all:
                return word, by_title, in_all
    raise AssertionError("no such word in the fixture")


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_title_matches_first_then_the_whole_answer_keeping_the_cursor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    catalog = load_fixture(tmp_path / "dumps")
    word, by_title, in_all = a_word_also_in_abstracts(catalog)
    monkeypatch.setattr(catalog_module, "TITLES_FIRST", 1)
    release = threading.Event()
    real = Catalog._new_searcher

    def slow(self: Catalog, *args: Any, **kwargs: Any) -> Searcher:
        release.wait(30)  # the whole index takes its time
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Catalog, "_new_searcher", slow)
    app = make_app(catalog, tmp_path / "state.json")
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.press("/", *word)
            await settle(pilot)
            assert len(shown(app)) == by_title
            assert "titles only so far" in str(app.query_one("#status").render())
            await pilot.press("enter", "j")
            kept = current_title(app)
            assert kept == shown(app)[1]
            release.set()
            for _ in range(200):
                await settle(pilot)
                if "titles only" not in str(app.query_one("#status").render()):
                    break
            assert len(shown(app)) == in_all
            assert current_title(app) == kept
            assert "indexing" not in str(app.query_one("#status").render())
    finally:
        release.set()
