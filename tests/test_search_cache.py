"""The search index saved on disk: loaded only for the same catalogue, never when damaged."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from paperterm.catalog import Catalog
from paperterm.model import Link, Paper
from paperterm.search import cache
from paperterm.search.engine import Searcher
from paperterm.search.index import SearchIndex
from paperterm.search.query import parse

WORDS = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "br", "co", "de", "fa"]
QUERIES = ["ka", "kalo", "kolami", "'alo", "^ka", "!ka lo", "title:mi", "has:code ne", "über"]


def make_papers(count: int, seed: int) -> list[Paper]:
    """Papers with frequent words (kept as bit sets) and enough rare ones to fill blocks."""
    rng = random.Random(seed)
    made = {"".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) for _ in range(900)}
    vocabulary = [*sorted(made), "Straße", "naïve", "GPT-4", "über"]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]

    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(vocabulary, weights, k=rng.randint(low, high)))

    papers = []
    for number in range(count):
        abstracts = tuple(text(15, 60) for _ in range(rng.choice([0, 1, 1, 2])))
        links = (Link("https://github.com/a/b", True),) if rng.random() < 0.2 else ()
        papers.append(
            Paper(f"{number:012x}", f"{text(2, 9)} {number}", abstracts, (), links, number)
        )
    return papers


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return make_papers(1200, seed=3)


def fields(index: SearchIndex) -> list[cache.FieldState]:
    return [
        f.state() for f in (index.title, index.abstract, index.title_first, index.abstract_first)
    ]


def answers(index: SearchIndex) -> list[list[int]]:
    searcher = Searcher(index)
    return [list(searcher.search(parse(q), read={"000000000001"})) for q in QUERIES]


def saved_file(directory: Path) -> Path:
    [path] = directory.glob("*.index")
    return path


def test_a_saved_index_loads_and_answers_like_a_fresh_one(
    papers: list[Paper], tmp_path: Path
) -> None:
    built = SearchIndex(papers, cache_dir=tmp_path)
    assert not built.loaded
    loaded = SearchIndex(papers, cache_dir=tmp_path)
    assert loaded.loaded
    fresh = SearchIndex(papers)
    assert fields(loaded) == fields(fresh)
    assert loaded.words == fresh.words
    assert loaded.abstract._dense and len(loaded.abstract._blocks) > 1
    assert answers(loaded) == answers(fresh)
    assert any(answers(fresh))


def test_other_papers_do_not_load_it(papers: list[Paper], tmp_path: Path) -> None:
    SearchIndex(papers, cache_dir=tmp_path)
    edited = list(papers)
    first = edited[0]
    edited[0] = Paper(first.id, first.title + "x", first.abstracts, (), first.links, 0)
    assert not SearchIndex(edited, cache_dir=tmp_path).loaded
    # Moving text from a title to the abstract keeps the characters but changes the key.
    moved = [Paper("a", "ab", ("c",), (), (), 0)]
    assert cache.catalogue_key(moved) != cache.catalogue_key([Paper("a", "a", ("bc",), (), (), 0)])
    assert not SearchIndex(papers[1:], cache_dir=tmp_path).loaded


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "header"])
def test_a_damaged_file_is_rebuilt_not_trusted(
    papers: list[Paper], tmp_path: Path, damage: str
) -> None:
    SearchIndex(papers, cache_dir=tmp_path)
    path = saved_file(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        del data[len(data) - 100 :]
    elif damage == "empty":
        data.clear()
    else:
        data[:9] = b"something"
    path.write_bytes(bytes(data))
    rebuilt = SearchIndex(papers, cache_dir=tmp_path)
    assert not rebuilt.loaded
    assert answers(rebuilt) == answers(SearchIndex(papers))
    # The rebuild saved a good copy again.
    assert SearchIndex(papers, cache_dir=tmp_path).loaded


def test_only_the_most_recently_used_are_kept(papers: list[Paper], tmp_path: Path) -> None:
    for count in range(cache.KEEP + 2):
        SearchIndex(papers[: 100 + count], cache_dir=tmp_path)
        newest = saved_file_for(papers[: 100 + count], tmp_path)
        # mtime resolution can be coarse: spread the files out explicitly.
        os.utime(newest, (1_000_000 + count, 1_000_000 + count))
    assert len(list(tmp_path.glob("*.index"))) == cache.KEEP
    forgotten = tmp_path / "killed-mid-save.tmp"
    forgotten.write_bytes(b"half")
    os.utime(forgotten, (1_000_000, 1_000_000))
    recent = tmp_path / "being-saved.tmp"
    recent.write_bytes(b"half")
    assert not SearchIndex(papers[:100], cache_dir=tmp_path).loaded
    assert not forgotten.exists() and recent.exists()
    recent.unlink()
    assert SearchIndex(papers[: 100 + cache.KEEP + 1], cache_dir=tmp_path).loaded
    assert not list(tmp_path.glob("*.tmp"))


def saved_file_for(papers: list[Paper], directory: Path) -> Path:
    return directory / (cache.catalogue_key(papers) + ".index")


def test_an_unwritable_cache_only_means_no_cache(papers: list[Paper], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    index = SearchIndex(papers[:50], cache_dir=blocker / "search")
    assert not index.loaded
    assert answers(index) == answers(SearchIndex(papers[:50]))


def test_the_catalogue_caches_large_catalogues_in_the_user_cache_dir(
    papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.default_dir() == tmp_path / "paperterm" / "search"
    Catalog(papers).prepare_search()
    assert not cache.default_dir().exists(), "a small catalogue was cached"
    monkeypatch.setattr(cache, "MIN_PAPERS", 100)
    first = Catalog(papers)
    first.prepare_search()
    assert saved_file(cache.default_dir())
    second = Catalog(papers)
    second.prepare_search()
    assert second._searcher is not None and second._searcher.index.loaded
    assert list(second.search_indices("kalo")) == list(first.search_indices("kalo"))
