"""A first open of a big catalogue: a first answer from the titles while the index is built."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from paperterm import catalog as catalog_module
from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.search import cache
from paperterm.search import index as index_module
from paperterm.search.engine import Searcher
from paperterm.search.index import SearchIndex
from paperterm.search.query import parse
from paperterm.triage import Marks, Selection, Triage, select_rows
from test_search_cache import QUERIES as CACHE_QUERIES
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


def test_titles_only_answers_as_the_whole_index_of_the_titles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The titles-only index cuts no blocks of words (it lives a few seconds): its answers are
    # those of the whole index, blocks and all, of the same papers without their abstracts.
    papers = make_papers(3000, seed=5)
    bare = [replace(paper, abstracts=()) for paper in papers]
    for bulk_from in (0, 10**9):  # in bulk and word by word
        monkeypatch.setattr(index_module, "BULK_PAPERS", bulk_from)
        titles = SearchIndex(papers, titles_only=True)
        whole_of_titles = SearchIndex(bare)
        assert whole_of_titles.title.state().blocks, "no blocks: the test misses them"
        assert not titles.title.state().blocks
        queries = [*CACHE_QUERIES, "k", "m", "a", "title:k", "^m", "ka | mi", "'k", "has:code"]
        for query in queries:
            found = Searcher(titles).search(parse(query))
            assert list(found) == list(Searcher(whole_of_titles).search(parse(query))), query


def test_the_catalogue_key_is_computed_once_and_not_on_a_first_open(
    papers: list[Paper], big: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests: list[int] = []
    real = cache.catalogue_key

    def counted(papers: list[Paper]) -> str:
        digests.append(len(papers))
        return real(papers)

    monkeypatch.setattr(cache, "catalogue_key", counted)
    catalog = Catalog(papers)
    # Nothing saved in the cache dir at all: titles first, without digesting every text.
    assert not catalog.search_indices_now("kalo")[1]
    assert not digests
    catalog.prepare_search()  # the whole index, saved under its key: digested once
    assert digests == [len(papers)]
    # Another catalogue's index saved: the key is needed to know whether this one's is.
    other = Catalog(papers[:-1])
    assert not other.search_indices_now("kalo")[1]
    assert len(digests) == 2
    other.search_indices_now("kalo")
    other.prepare_search()
    assert len(digests) == 2


def test_two_threads_asking_for_the_key_digest_once(
    papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    digests: list[int] = []
    started = threading.Event()
    release = threading.Event()
    real = cache.catalogue_key

    def slow(papers: list[Paper]) -> str:
        digests.append(len(papers))
        started.set()
        assert release.wait(30)
        return real(papers)

    monkeypatch.setattr(cache, "catalogue_key", slow)
    catalog = Catalog(papers)
    keys: list[str] = []
    first = threading.Thread(target=lambda: keys.append(catalog._key()))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=lambda: keys.append(catalog._key()))
    second.start()
    release.set()
    first.join(30)
    second.join(30)
    assert digests == [len(papers)] and keys == [real(papers)] * 2
