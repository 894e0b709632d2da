"""The distinct prefixes a typo search compares a typed word with: found by skipping runs of
words that share one, or read word by word where the runs are short, they are those of reading
every word, in the same order, however the vocabulary is made and wherever the walk switches;
and those the next letter of a word being typed will want, found ahead between keys."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.catalog import Catalog
from paperterm.search import index
from paperterm.search.index import distinct_prefixes
from paperterm.search.text import words


def every_prefix(words: list[str], start: int, end: int, length: int) -> list[str]:
    """What reading each word finds."""
    return list(dict.fromkeys(w[:length] for w in words[start:end] if len(w) >= length))


# Few letters, so that words share long prefixes; U+10FFFF, the end mark of a run's bisection.
letters = st.sampled_from(["a", "b", "c", "0", "é", "\U0010ffff"])
vocabularies = st.lists(st.text(letters, min_size=1, max_size=9), max_size=300).map(
    lambda found: sorted(set(found))
)


@settings(max_examples=300, deadline=None)
@given(vocabularies, st.integers(1, 10), st.integers(1, 6), st.integers(1, 40), st.data())
def test_the_prefixes_are_those_of_every_word(
    words: list[str], length: int, walk: int, stretch: int, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(words)))
    end = data.draw(st.integers(start, len(words)))
    with patch.object(index, "WALK", walk), patch.object(index, "STRETCH", stretch):
        found = distinct_prefixes(words, start, end, length)
    assert found == every_prefix(words, start, end, length)


def test_long_runs_are_skipped_and_short_ones_read() -> None:
    # Runs of 100 words sharing a 5-letter prefix, then 2,000 words each their own, then runs.
    words = sorted(
        [f"a{n:02d}x{m:03d}" for n in range(30) for m in range(100)]
        + [f"b{n:04d}" for n in range(2000)]
        + [f"c{n:02d}y{m:03d}" for n in range(30) for m in range(100)]
    )
    read: list[int] = []

    class Counted(list[str]):
        """Counts the words read, one by one or in slices."""

        def __getitem__(self, key):  # type: ignore[no-untyped-def]
            found = super().__getitem__(key)
            read.append(len(found) if isinstance(key, slice) else 1)
            return found

    found = distinct_prefixes(Counted(words), 0, len(words), 5)
    assert found == every_prefix(words, 0, len(words), 5)
    assert len(found) == 30 + 2000 + 30
    # Reading every word reads 8,000; the 6,000 of the long runs are mostly skipped.
    assert sum(read) < 4000


def test_the_next_letter_of_a_word_finds_its_prefixes_found_ahead(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between keys the reader has the catalogue find what the word being typed will want with
    one more letter: that key's typo search then reads no vocabulary, and answers the same."""
    word = next(w for p in catalog for w in words(p.title) if len(w) >= 7 and w.isalpha())
    typed, longer = word[:5], word[:6]
    catalog.prepare_typing(typed)
    assert not catalog.search_ready  # nothing is built for it
    catalog.prepare_search()
    lengths: list[int] = []
    found = index.distinct_prefixes

    def noted(vocabulary: list[str], start: int, end: int, length: int) -> list[str]:
        lengths.append(length)
        return found(vocabulary, start, end, length)

    monkeypatch.setattr(index, "distinct_prefixes", noted)
    catalog.prepare_typing(word[:3])  # a word of 4 letters has no typo search
    assert lengths == []
    catalog.prepare_typing(word[:4])  # a word of 5 letters: one typo, prefixes of 4 to 6
    assert sorted(lengths) == [4, 5, 6]
    lengths.clear()
    monkeypatch.setattr(index, "distinct_prefixes", found)
    catalog = Catalog(catalog.papers)  # afresh
    catalog.prepare_search()
    expected = list(Catalog(catalog.papers).search_indices(f"{typed} {longer}"))
    monkeypatch.setattr(index, "distinct_prefixes", noted)
    catalog.search_indices(typed)
    assert sorted(lengths) == [4, 5, 6]  # one typo from 5 letters: prefixes of 4 to 6
    lengths.clear()
    catalog.prepare_typing(f"{typed}")
    assert lengths == [7]  # a 6-letter word wants 5 to 7
    lengths.clear()
    assert list(catalog.search_indices(f"{typed} {longer}")) == expected
    assert lengths == []
    for blank in (f"{longer} ", " ", ""):  # a new word comes: nothing to find yet
        catalog.prepare_typing(blank)
    with catalog._search_lock:  # a search runs: it is not kept waiting
        catalog.prepare_typing(longer)
    assert lengths == []
    catalog.prepare_typing(longer)
    assert lengths == [8]
