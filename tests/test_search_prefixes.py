"""The distinct prefixes a typo search compares a typed word with: found by skipping runs of
words that share one, or read word by word where the runs are short, they are those of reading
every word, in the same order, however the vocabulary is made and wherever the walk switches."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.search import index
from paperterm.search.index import distinct_prefixes


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
