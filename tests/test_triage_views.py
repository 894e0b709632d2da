"""The views and the read count take short cuts (the search's bit sets, positions kept by
identity); each must give what the plain definition gives: the view "all" filtered paper by
paper, and the read papers counted one by one among the rows."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperterm import sorts
from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.search import Ranking
from paperterm.search.bitset import Universe
from paperterm.triage import Marks, Selection, Triage, select_rows

WORDS = ["model", "modal", "graph", "neural", "sparse", "attention", "diffusion", "kernel"]
QUERIES = [
    "",
    "model",
    "modl",
    "mod",
    "graph | sparse",
    "graph |",
    "modal |",
    "modal",
    "| graph",
    "!model",
    "is:read",
    "is:starred model",
    "is:unread",
    "!is:read diffusion",
    "title:neural",
    "!",
    "similar:000000000003",
]
SORTS = ["relevance", "title", "date"]


def make_catalog(count: int, seed: int) -> Catalog:
    rng = random.Random(seed)

    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))

    papers = [
        Paper(f"{n:012d}", f"{text(1, 4)} {n}", (text(5, 20),), (), (), n) for n in range(count)
    ]
    return Catalog(papers)


CATALOG = make_catalog(120, seed=7)
IDS = [paper.id for paper in CATALOG.papers]


def plain_rows(catalog: Catalog, selection: Selection, marks: Marks) -> tuple[list[int], int]:
    """The view "all" for the same filter, sort and marks, then the view's own test per paper."""
    triage = Triage(catalog)
    whole = triage.rows(
        Selection(selection.query, "all", selection.sort, selection.include_muted), marks
    )
    everything = list(whole.indices)
    best = triage.rows(
        Selection(selection.query, "all", "relevance", selection.include_muted), marks
    )
    exact_ones = set(list(best.indices)[: len(everything) if best.exact is None else best.exact])
    papers = catalog.papers
    tests: dict[str, Callable[[str], bool]] = {
        "unread": lambda pid: pid not in marks.read,
        "starred": lambda pid: pid in marks.starred,
        "new": lambda pid: pid in marks.flags.get("new", ()),
    }
    if selection.view == "queue":
        shown = {papers[i].id for i in everything}
        queued = [catalog[pid].index for pid in marks.queue if pid in shown]
        return queued, sum(i in exact_ones for i in queued)
    keep = tests.get(selection.view)
    kept = [i for i in everything if keep is None or keep(papers[i].id)]
    return kept, sum(i in exact_ones for i in kept)


def make_marks(
    read: set[str], starred: set[str], new: set[str], queue: list[str], muted: set[str]
) -> Marks:
    return Marks(
        read=frozenset(read),
        starred=frozenset(starred),
        flags={"new": frozenset(new)},
        muted=frozenset(muted),
        queue=tuple(dict.fromkeys(queue)),
    )


marks_strategy = st.builds(
    make_marks,
    st.sets(st.sampled_from(IDS)),
    st.sets(st.sampled_from(IDS), max_size=20),
    st.sets(st.sampled_from(IDS), max_size=40),
    st.lists(st.sampled_from(IDS), max_size=10),
    st.sets(st.sampled_from(IDS), max_size=10),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    marks=marks_strategy,
    query=st.sampled_from(QUERIES),
    view=st.sampled_from(["unread", "starred", "new", "queue"]),
    sort=st.sampled_from(SORTS),
    include_muted=st.booleans(),
)
def test_each_view_is_the_plain_filter_of_all_papers(
    marks: Marks, query: str, view: str, sort: str, include_muted: bool
) -> None:
    selection = Selection(query, view, sort, include_muted)  # type: ignore[arg-type]
    rows = Triage(CATALOG).rows(selection, marks)
    expected, exact = plain_rows(CATALOG, selection, marks)
    assert list(rows.indices) == expected
    if selection.words:
        assert rows.exact == exact
    assert rows.members is not None
    assert {i for i in range(len(CATALOG)) if i in rows.members} == set(expected)


@settings(max_examples=100, deadline=None)
@given(
    marks=marks_strategy, query=st.sampled_from(QUERIES), view=st.sampled_from(["all", "unread"])
)
def test_the_read_count_is_the_read_papers_among_the_rows(
    marks: Marks, query: str, view: str
) -> None:
    triage = Triage(CATALOG)
    rows = triage.rows(Selection(query, view), marks)  # type: ignore[arg-type]
    shown = set(rows.indices)
    counts = triage.counts(rows, marks)
    assert counts.read == sum(CATALOG[pid].index in shown for pid in marks.read)
    assert counts.starred == len(marks.starred)


@pytest.mark.parametrize("query", QUERIES)
def test_the_command_line_selection_of_unread_and_starred_is_the_plain_filter(
    query: str,
) -> None:
    marks = Marks(read=frozenset(IDS[::3]), starred=frozenset(IDS[::4]))
    every = list(select_rows(CATALOG, marks, query))
    both = select_rows(CATALOG, marks, query, unread=True, starred=True)
    papers = CATALOG.papers
    assert list(both) == [
        i for i in every if papers[i].id not in marks.read and papers[i].id in marks.starred
    ]


def test_a_new_set_of_marks_is_looked_up_afresh() -> None:
    """Positions are kept by the identity of the set: a new set (the marks changed) with the
    same size must not be answered from the old one."""
    triage = Triage(CATALOG)
    first = Marks(read=frozenset(IDS[:10]))
    second = Marks(read=frozenset(IDS[10:20]))
    for marks in (first, second, first):
        rows = triage.rows(Selection(view="unread"), marks)
        assert set(rows.indices) == {i for i in range(len(CATALOG)) if IDS[i] not in marks.read}


def test_a_ranking_counts_its_papers_in_a_bit_set() -> None:
    found = CATALOG.search_indices("model")
    assert isinstance(found, Ranking)
    listed = list(found)
    picks = [0, 5, 17, 60, 119]
    universe = Universe(len(CATALOG))
    assert found.count_in(universe.from_indices(picks)) == sum(i in listed for i in picks)
    assert found.count_in(0) == 0
    assert found.count_in(universe.all) == len(listed)


@pytest.mark.parametrize("view", ["unread", "starred", "new", "queue"])
def test_a_view_without_a_filter_never_waits_for_the_index_and_agrees_with_it(view: str) -> None:
    """Before the index is built a view tests each paper; after, the search's bit sets answer."""
    marks = make_marks(set(IDS[::3]), set(IDS[::5]), set(IDS[::2]), IDS[::7], set())
    fresh = make_catalog(120, seed=7)
    selection = Selection(view=view)  # type: ignore[arg-type]
    before = Triage(fresh).rows(selection, marks)
    assert not fresh.search_ready
    fresh.prepare_search()
    after = Triage(fresh).rows(selection, marks)
    expected, _exact = plain_rows(fresh, selection, marks)
    assert list(before.indices) == list(after.indices) == expected


@pytest.mark.parametrize("sort", ["title", "date", "upvotes"])
@pytest.mark.parametrize("query", ["model", "modl", "", "!graph", "is:unread"])
def test_a_keyed_sort_read_off_the_whole_order_is_the_sort(
    sort: str, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big answers are put in order by walking the order with numpy, the rest by sorting: both
    give the same rows (the walk is tried here on every answer)."""
    pytest.importorskip("numpy")
    marks = make_marks(set(IDS[::3]), set(IDS[::5]), set(), [], set())
    for view in ("all", "unread"):
        selection = Selection(query, view, sort)
        monkeypatch.setattr(sorts, "_WALKED_FROM", 10**9)
        sorted_rows = list(Triage(CATALOG).rows(selection, marks).indices)
        monkeypatch.setattr(sorts, "_WALKED_FROM", 0)
        walked = list(Triage(CATALOG).rows(selection, marks).indices)
        assert walked == sorted_rows
        assert sorted(walked) == sorted(plain_rows(CATALOG, selection, marks)[0])


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(1, 300),
    data=st.data(),
    kind=st.sampled_from(["list", "ranking", "range"]),
)
def test_walked_rows_are_the_rows_sorted(size: int, data: st.DataObject, kind: str) -> None:
    """A keyed sort's rows are listed off the whole order as far as they are asked for: every
    way the reader and scripts read them (length, items, slices, ``in``, ``index``, iteration)
    gives what the sorted list gives."""
    pytest.importorskip("numpy")
    order = data.draw(st.permutations(range(size)))
    if kind == "range":
        low, high = sorted(data.draw(st.tuples(st.integers(0, size), st.integers(0, size))))
        chosen = set(range(low, high))
    else:
        chosen = data.draw(st.sets(st.integers(0, size - 1)))
    ranks = [0] * size
    for position, index in enumerate(order):
        ranks[index] = position
    universe = Universe(size)
    rows: Sequence[int] = sorted(chosen)
    if kind == "range":
        rows = range(low, high)
    elif kind == "ranking":
        rows = Ranking(universe, [universe.from_indices(chosen)] if chosen else [])
    # Small windows of the order, so that a few hundred papers take several.
    with patch.object(sorts, "FIRST_WINDOW", data.draw(st.integers(1, 64))):
        walked = sorts._Ordered(None, ranks, list(order)).walk(rows)
    assert walked is not None
    expected = sorted(chosen, key=ranks.__getitem__)
    some = data.draw(st.lists(st.integers(-len(expected) - 1, len(expected)), max_size=5))
    for position in some:
        if -len(expected) <= position < len(expected):
            assert walked[position] == expected[position]
        else:
            with pytest.raises(IndexError):
                walked[position]
    start, stop = data.draw(st.tuples(st.integers(-5, size + 5), st.integers(-5, size + 5)))
    assert walked[start:stop] == expected[start:stop]
    assert len(walked) == len(expected)
    for index in data.draw(st.lists(st.integers(-1, size), max_size=5)):
        assert (index in walked) == (index in expected)
        if index in expected:
            assert walked.index(index) == expected.index(index)
        else:
            with pytest.raises(ValueError):
                walked.index(index)
    assert list(walked) == expected
    assert walked == expected


@pytest.mark.parametrize("query", ["model", "modl", "graph | sparse", "!graph", "is:unread"])
def test_catalogue_order_lists_the_matches_in_catalogue_order(query: str) -> None:
    """With a filter, catalogue order is the matches in the catalogue's order (listed as the
    list shows them, not sorted whole)."""
    marks = make_marks(set(IDS[::3]), set(IDS[::5]), set(), [], set())
    best_first = Triage(CATALOG).rows(Selection(query, "all", "relevance"), marks).indices
    in_order = Triage(CATALOG).rows(Selection(query, "all", "catalogue"), marks).indices
    assert list(in_order) == sorted(best_first)
    assert len(in_order) == len(best_first)
    if len(best_first):
        assert in_order.index(max(best_first)) == len(best_first) - 1
