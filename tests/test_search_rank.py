"""A ranking lists its papers as far as it is asked, a window of a score bucket at a time, and a
bit set lists its papers in a range: whatever the windows and the way a set spreads, the papers
are those of the buckets in order, each bucket in catalogue order."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.search import rank
from paperterm.search.bitset import Universe
from paperterm.search.rank import Ranking


@st.composite
def sets(draw: st.DrawFn) -> tuple[int, list[int]]:
    """A catalogue size and a set of its papers: dense, spread, a few or bunched together."""
    size = draw(st.integers(1, 5000))
    kind = draw(st.sampled_from(["few", "spread", "dense", "bunched"]))
    if kind == "few":
        chosen = draw(st.lists(st.integers(0, size - 1), max_size=12))
    elif kind == "spread":
        chosen = [index for index in range(size) if index % draw(st.integers(2, 400)) == 0]
    elif kind == "dense":
        chosen = [index for index in range(size) if index % 3]
    else:
        start = draw(st.integers(0, size - 1))
        chosen = list(range(start, min(size, start + draw(st.integers(1, 300)))))
    return size, sorted(set(chosen))


@settings(max_examples=300, deadline=None)
@given(sets(), st.data())
def test_a_set_lists_its_papers_in_a_range(
    chosen: tuple[int, list[int]], data: st.DataObject
) -> None:
    size, indices = chosen
    universe = Universe(size)
    bits = universe.from_indices(indices)
    start = data.draw(st.integers(0, size))
    stop = data.draw(st.integers(start, size + 3))
    assert universe.indices(bits, start, stop) == [i for i in indices if start <= i < stop]
    assert universe.indices(bits) == indices


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 3000),
    st.lists(st.sampled_from(["few", "spread", "dense", "bunched"]), min_size=1, max_size=6),
    st.data(),
)
def test_a_ranking_lists_its_buckets_in_order_however_it_is_asked(
    size: int, kinds: list[str], data: st.DataObject
) -> None:
    universe = Universe(size)
    free = set(range(size))
    buckets: list[list[int]] = []
    for kind in kinds:
        pool = sorted(free)
        if not pool:
            break
        if kind == "few":
            chosen = data.draw(st.lists(st.sampled_from(pool), max_size=8))
        elif kind == "spread":
            step = data.draw(st.integers(2, 300))
            chosen = pool[::step]
        elif kind == "dense":
            chosen = [index for index in pool if index % 3]
        else:
            at = data.draw(st.integers(0, len(pool) - 1))
            chosen = pool[at : at + data.draw(st.integers(1, 200))]
        bucket = sorted(set(chosen))
        if bucket:
            buckets.append(bucket)
            free -= set(bucket)
    expected = [index for bucket in buckets for index in bucket]
    window = data.draw(st.integers(1, 64))
    first_rows = data.draw(st.integers(1, 70))
    asked = data.draw(
        st.lists(
            st.one_of(
                st.integers(0, max(0, len(expected) - 1)),
                st.tuples(st.integers(0, len(expected)), st.integers(0, len(expected) + 2)),
            ),
            max_size=8,
        )
    )
    with patch.object(rank, "FIRST_WINDOW", window), patch.object(rank, "FIRST_ROWS", first_rows):
        ranking = Ranking(universe, [universe.from_indices(bucket) for bucket in buckets])
        assert len(ranking) == len(expected)
        for question in asked:
            if isinstance(question, tuple):
                assert ranking[question[0] : question[1]] == expected[question[0] : question[1]]
            elif expected:
                assert ranking[question] == expected[question]
        assert list(ranking) == expected
