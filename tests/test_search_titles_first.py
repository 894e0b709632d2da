"""A first open of a big catalogue: a first answer from the titles while the index is built."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from paperterm import catalog as catalog_module
from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.search import cache
from paperterm.search.engine import Searcher
from paperterm.search.index import SearchIndex
from paperterm.search.query import parse
from paperterm.triage import Marks, Selection, Triage, select_rows
from test_search_cache import make_papers

QUERIES = ["ka", "kalo", "mi ne", "title:mi", "'alo", "^ka", "!ka lo"]


@pytest.fixture
def papers() -> list[Paper]:
    return make_papers(600, seed=9)


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalogues of 100 papers or more count as big (titles first, cached)."""
    monkeypatch.setattr(catalog_module, "TITLES_FIRST", 100)
    monkeypatch.setattr(cache, "MIN_PAPERS", 100)


def titles_only(papers: list[Paper], query: str) -> list[int]:
    return list(Searcher(SearchIndex(papers, titles_only=True)).search(parse(query)))


def whole(papers: list[Paper], query: str) -> list[int]:
    return list(Searcher(SearchIndex(papers)).search(parse(query)))


def test_before_the_index_is_built_the_answer_is_the_titles_one(
    papers: list[Paper], big: None
) -> None:
    catalog = Catalog(papers)
    for query in QUERIES:
        found, complete = catalog.search_indices_now(query)
        assert not complete
        assert list(found) == titles_only(papers, query)
    # Some answers do differ: abstracts hold words titles do not.
    assert any(titles_only(papers, q) != whole(papers, q) for q in QUERIES)
    catalog.prepare_search()
    for query in QUERIES:
        found, complete = catalog.search_indices_now(query)
        assert complete
        assert list(found) == whole(papers, query)


def test_the_api_and_list_always_give_the_whole_answer(papers: list[Paper], big: None) -> None:
    for query in QUERIES:
        assert list(Catalog(papers).search_indices(query)) == whole(papers, query)
        assert list(select_rows(Catalog(papers), Marks(), query)) == whole(papers, query)


def test_a_saved_index_is_loaded_rather_than_titles_first(papers: list[Paper], big: None) -> None:
    Catalog(papers).prepare_search()  # saved in the cache
    found, complete = Catalog(papers).search_indices_now("kalo")
    assert complete and list(found) == whole(papers, "kalo")


def test_small_catalogues_wait_for_the_whole_answer(papers: list[Paper]) -> None:
    found, complete = Catalog(papers).search_indices_now("kalo")
    assert complete and list(found) == whole(papers, "kalo")


def test_titles_first_while_another_thread_builds(
    papers: list[Paper], big: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole build is held until released: meanwhile the reader's searches answer from the
    # titles, never waiting for it; afterwards, the whole answer.
    release = threading.Event()
    real = catalog_module.Catalog._new_searcher

    def slow(self: Catalog, *args: object, **kwargs: object) -> Searcher:
        assert release.wait(30)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_module.Catalog, "_new_searcher", slow)
    catalog = Catalog(papers)
    builder = threading.Thread(target=catalog.prepare_search)
    builder.start()
    triage = Triage(catalog)
    rows = triage.rows(Selection("kalo"), Marks())
    assert not rows.complete and list(rows.indices) == titles_only(papers, "kalo")
    release.set()
    builder.join(30)
    rows = triage.rows(Selection("kalo"), Marks())
    assert rows.complete and list(rows.indices) == whole(papers, "kalo")


def test_titles_only_index_is_never_saved(papers: list[Paper], tmp_path: Path) -> None:
    SearchIndex(papers, cache_dir=tmp_path, titles_only=True)
    assert not list(tmp_path.iterdir())
