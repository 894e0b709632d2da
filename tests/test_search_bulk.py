"""The index built in bulk by numpy: the very index the word-by-word build makes, or that one."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.model import Link, Paper
from paperterm.search import bulk, helper
from paperterm.search import index as index_module
from paperterm.search.index import SearchIndex
from test_search_cache import answers, fields, make_papers

# A dependency; skipped only in a venv made before it was one (say so: `pip install -e .`).
np = pytest.importorskip("numpy")

ODD_TEXTS = [
    "Straße Über naïve 日本語の模型 x",
    "a" * 8 + " " + "b" * 9 + " " + "c" * 16 + " " + "d" * 17 + " " + "e" * 24 + " " + "f" * 25,
    "Abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz0123456789 tail",
    "",
    "  \t ",
    "ﬁne ＧＰＴ-4 self_attention snake_case__x",
    "Ｘ only",
    "42 and 7, 3.14; (x)-[y]",
    "verylongwordnumberone verylongwordnumbertwo verylongwordnumberone",
    "MiXeD CaSe mixed case MIXED",
]


def build(papers: list[Paper], bulk_from: int, monkeypatch: pytest.MonkeyPatch) -> SearchIndex:
    with monkeypatch.context() as patch:
        patch.setattr(index_module, "BULK_PAPERS", bulk_from)
        patch.setattr(helper, "start", lambda papers, first: None)
        return SearchIndex(papers)


def same_index(first: SearchIndex, second: SearchIndex) -> None:
    assert first.words == second.words
    assert fields(first) == fields(second)


def with_odd_texts(papers: list[Paper]) -> list[Paper]:
    papers = list(papers)
    for number, text in enumerate(ODD_TEXTS):
        paper = papers[number * 7]
        abstracts = (text, "ka " + text, text[::-1]) if number % 2 else ()
        papers[number * 7] = Paper(paper.id, text, abstracts, (), (), paper.index)
    return papers


def colliding(_numpy: object, triple: Any) -> Any:
    """Every word of 9 letters or more hashed alike."""
    return np.full(len(triple), bulk._TOP | 5, np.uint64)


@pytest.mark.parametrize(("count", "chunk"), [(1200, bulk._CHUNK), (1200, 2000), (9000, 50_000)])
def test_the_bulk_build_makes_the_word_by_word_index(
    count: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = with_odd_texts(make_papers(count, seed=11))
    expected = build(papers, 10**9, monkeypatch)
    monkeypatch.setattr(bulk, "_CHUNK", chunk)
    built = build(papers, 0, monkeypatch)
    same_index(built, expected)
    assert answers(built) == answers(expected)
    assert built.title.state().blocks, "no blocks: the test misses the block sets"
    assert built.abstract.state().dense, "no frequent words: the test misses the dense sets"


def test_a_big_catalogue_is_built_in_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = make_papers(index_module.BULK_PAPERS, seed=2)
    calls: list[int] = []
    real = bulk.build

    def counted(papers: list[Paper], titles_only: bool = False, then: Any = None) -> bulk.Built:
        calls.append(len(papers))
        return real(papers, titles_only, then)

    monkeypatch.setattr(bulk, "build", counted)
    titles = SearchIndex(papers, titles_only=True)
    assert calls == [len(papers)]
    assert not fields(titles)[1].flat and not fields(titles)[1].dense
    SearchIndex(papers[:-1])
    assert calls == [len(papers)], "a smaller catalogue was built in bulk"


def test_titles_only_in_bulk_is_titles_only_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = with_odd_texts(make_papers(800, seed=4))
    with monkeypatch.context() as patch:
        patch.setattr(index_module, "BULK_PAPERS", 10**9)
        expected = SearchIndex(papers, titles_only=True)
    monkeypatch.setattr(index_module, "BULK_PAPERS", 0)
    same_index(SearchIndex(papers, titles_only=True), expected)


def test_a_hash_collision_is_caught_and_the_index_built_word_by_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    papers = with_odd_texts(make_papers(600, seed=6))
    expected = build(papers, 10**9, monkeypatch)

    monkeypatch.setattr(bulk, "_hash", colliding)
    with pytest.raises(bulk.Collision):
        bulk.build(papers)
    same_index(build(papers, 0, monkeypatch), expected)


def test_a_collision_between_chunks_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chunk has one long word only: no chunk sees two, the merged list does."""
    papers = [
        Paper(f"{n:04d}", text, (), (), (), n)
        for n, text in enumerate(["ka abcdefghij", "lo klmnopqrst", "mi abcdefghij"])
    ]

    monkeypatch.setattr(bulk, "_hash", colliding)
    monkeypatch.setattr(bulk, "_CHUNK", 1)
    with pytest.raises(bulk.Collision):
        bulk.build(papers)


@st.composite
def catalogues(draw: st.DrawFn) -> list[Paper]:
    alphabet = st.sampled_from("aAbBzZ09 _-.\n\tßéÜﬁ日Ｘ\u0301")
    text = st.text(alphabet, max_size=60)
    count = draw(st.integers(1, 12))
    return [
        Paper(f"{n:04d}", draw(text), tuple(draw(st.lists(text, max_size=3))), (), (), n)
        for n in range(count)
    ]


@settings(max_examples=60, deadline=None)
@given(papers=catalogues(), chunk=st.sampled_from([1, 40, bulk._CHUNK]))
def test_any_texts_index_alike_in_bulk(papers: list[Paper], chunk: int) -> None:
    real = bulk._CHUNK
    bulk._CHUNK = chunk
    try:
        built = bulk.build(papers)
    finally:
        bulk._CHUNK = real
    expected = SearchIndex(papers)
    assert built.words == expected.words
    universe = expected.universe
    vocabulary = index_module.Vocabulary(built.words)
    states = [
        index_module.FieldPostings.from_pairs(universe, vocabulary, pairs).state()
        for pairs in built.fields
    ]
    assert states == fields(expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=300), st.data())
def test_positions_finds_each_key(values: list[int], data: st.DataObject) -> None:
    distinct = np.unique(np.array(values, np.uint64))
    keys = np.array(data.draw(st.lists(st.sampled_from(sorted(set(values))))), np.uint64)
    assert bulk._positions(np, distinct, keys).tolist() == np.searchsorted(distinct, keys).tolist()


def test_numpy_is_not_imported_to_start_or_for_small_catalogues() -> None:
    code = (
        "import sys, paperterm\n"
        "from paperterm.model import Paper\n"
        "from paperterm.search.index import SearchIndex\n"
        "SearchIndex([Paper('1', 'Deep learning', ('An abstract',), (), (), 0)])\n"
        "print('numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_flags_of_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = make_papers(300, seed=8)
    papers[5] = Paper(papers[5].id, "t", (), (), (Link("https://example.org/x", False),), 5)
    index = SearchIndex(papers)
    every = index.universe.indices
    assert every(index.has_code) == [p.index for p in papers if p.has_code]
    assert every(index.has_link) == [p.index for p in papers if p.links]
    assert 5 in every(index.has_link) and 5 not in every(index.has_code)
    assert every(index.has_abstract) == [p.index for p in papers if p.abstracts]
    empty = SearchIndex([])
    assert (empty.has_code, empty.has_link, empty.has_abstract) == (0, 0, 0)


def test_without_numpy_the_index_is_built_word_by_word(monkeypatch: pytest.MonkeyPatch) -> None:
    papers = with_odd_texts(make_papers(700, seed=9))
    expected = build(papers, 10**9, monkeypatch)
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy raises ImportError
    with pytest.raises(ImportError):
        bulk.build(papers)
    same_index(build(papers, 0, monkeypatch), expected)


def test_memory_kept_only_tunes_glibc_and_sets_its_defaults_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Within the build, glibc keeps freed memory for reuse; after, its defaults are set again
    and what is free handed back; without glibc it does nothing (and the build is the same)."""
    calls: list[tuple[str, int, int]] = []

    class FakeLibc:
        def mallopt(self, option: int, value: int) -> int:
            calls.append(("mallopt", option, value))
            return 1

        def malloc_trim(self, pad: int) -> int:
            calls.append(("trim", pad, 0))
            return 1

    monkeypatch.setattr(bulk, "_glibc", FakeLibc)
    with bulk.memory_kept():
        assert calls == [("mallopt", -1, 1 << 30), ("mallopt", -3, 32 << 20)]
    assert calls[2:] == [("mallopt", -1, 128 << 10), ("mallopt", -3, 128 << 10), ("trim", 0, 0)]
    papers = with_odd_texts(make_papers(700, seed=9))
    expected = build(papers, 10**9, monkeypatch)
    same_index(build(papers, 0, monkeypatch), expected)
    monkeypatch.setattr(bulk, "_glibc", lambda: None)
    same_index(build(papers, 0, monkeypatch), expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab0\u00e9\U0001f600"), max_size=6), min_size=1))
def test_the_vocabulary_s_changes_in_arrays_are_those_found_word_by_word(words: list[str]) -> None:
    heads = [word[:4] for word in sorted(set(words))]
    assert index_module._changes_in_arrays(np, heads) == index_module._changes(heads)
