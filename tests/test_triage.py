"""The triage model without Textual: rows, counts, next unread, empty texts, status parts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from paperterm import sorts
from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.triage import (
    Counts,
    Marks,
    Selection,
    Status,
    Triage,
    describe_change,
    describe_undo,
    needs_search,
    progress_bar,
    select_rows,
    status_parts,
)
from test_ui_fixture import TITLES


def ids(catalog: Catalog, *positions: int) -> frozenset[str]:
    return frozenset(catalog.papers[i].id for i in positions)


def titles(catalog: Catalog, rows: object) -> list[str]:
    return [catalog.papers[i].title for i in rows]  # type: ignore[attr-defined]


def test_every_paper_in_catalogue_order_needs_no_search(catalog: Catalog) -> None:
    rows = Triage(catalog).rows(Selection(), Marks())
    assert not needs_search(Selection())
    assert rows.indices == range(TITLES)
    assert rows.members is None


@pytest.mark.parametrize(
    "selection",
    [Selection(query="sheep"), Selection(view="unread"), Selection(sort="title")],
)
def test_a_query_a_view_or_a_keyed_sort_needs_the_search(selection: Selection) -> None:
    assert needs_search(selection)


def test_the_query_finds_and_ranks(catalog: Catalog) -> None:
    rows = Triage(catalog).rows(Selection(query="sheep"), Marks())
    assert titles(catalog, rows.indices) == ["Diffusion Models Dream of Electric Sheep"]
    assert rows.members is not None
    assert set(rows.members) == set(rows.indices)
    assert all((i in rows.members) == (i in rows.indices) for i in range(len(catalog)))


def test_views_keep_unread_or_starred_papers(catalog: Catalog) -> None:
    marks = Marks(read=ids(catalog, 0, 1), starred=ids(catalog, 4))
    triage = Triage(catalog)
    unread = triage.rows(Selection(view="unread"), marks).indices
    assert list(unread) == list(range(2, TITLES))
    assert list(triage.rows(Selection(view="starred"), marks).indices) == [4]


def test_sorts_by_title_and_back_to_catalogue_order(catalog: Catalog) -> None:
    triage = Triage(catalog)
    by_title = triage.rows(Selection(sort="title"), Marks()).indices
    every = [paper.title for paper in catalog.papers]
    assert titles(catalog, by_title) == sorted(every, key=str.casefold)
    searched = triage.rows(Selection(query="code", sort="catalogue"), Marks()).indices
    assert list(searched) == sorted(searched)
    relevance = triage.rows(Selection(query="code"), Marks()).indices
    assert sorted(relevance) == list(searched)
    assert list(relevance) != list(searched)  # the best match is not the first in the dumps


def test_the_cli_selection_combines_unread_and_starred(catalog: Catalog) -> None:
    marks = Marks(read=ids(catalog, 0, 4), starred=ids(catalog, 0, 3))
    assert list(select_rows(catalog, marks, unread=True, starred=True)) == [3]


def test_an_unknown_sort_is_a_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError):
        select_rows(catalog, Marks(), sort="by-mood")


def test_counts_read_among_shown_and_starred_among_loaded(catalog: Catalog) -> None:
    triage = Triage(catalog)
    marks = Marks(read=ids(catalog, 0, 5) | {"ffffffffffff"}, starred=ids(catalog, 5))
    every = triage.counts(triage.rows(Selection(), marks), marks)
    assert every == Counts(shown=TITLES, total=TITLES, read=2, starred=1)
    assert every.unread == TITLES - 2
    sheep = triage.rows(Selection(query="sheep"), marks)
    assert triage.counts(sheep, marks) == Counts(shown=1, total=TITLES, read=0, starred=1, exact=1)


def test_next_unread_skips_read_papers_and_wraps(catalog: Catalog) -> None:
    triage = Triage(catalog)
    rows = range(TITLES)
    assert triage.next_unread(rows, 0, ids(catalog, 1, 2)) == 3
    assert triage.next_unread(rows, TITLES - 1, ids(catalog, 0)) == 1
    assert triage.next_unread(rows, 0, ids(catalog, *range(TITLES))) is None
    assert triage.next_unread([], 0, frozenset()) is None


def test_an_empty_list_says_what_to_do(catalog: Catalog) -> None:
    triage = Triage(catalog)
    assert "Escape clears" in triage.empty_text(Selection(query=" zzz "))
    assert "'zzz'" in triage.empty_text(Selection(query=" zzz "))
    assert "Press 1" in triage.empty_text(Selection(view="unread"))
    assert "Nothing starred" in triage.empty_text(Selection(view="starred"))
    assert "paperterm add" in Triage(Catalog([])).empty_text(Selection())


def test_status_parts_say_counts_view_sort_and_notes() -> None:
    counts = Counts(shown=10, total=40, read=3, starred=2)
    parts = status_parts(Status(counts, Selection(view="unread", sort="title")))
    assert parts == ["10/40 shown", "███░░░░░░░ 7 unread left", "★ 2 starred", "unread", "by title"]
    busy = Status(counts, Selection(query="sheep is:nu"), True, 1, indexing=True)
    assert status_parts(busy)[:2] == ["10/40 shown", "indexing 40 papers…"]
    assert status_parts(busy)[6:] == ["read-only", "1 message (?)", "ignored: is:nu"]
    # What qualifies the count stays beside it when the line is too narrow for the rest.
    big = Counts(shown=3_523, total=100_000, read=0, starred=0, new=100_000)
    titles = Status(big, Selection(query="neural grap"), titles_only=True)
    for width in (80, 120):
        assert status_parts(titles, width)[:2] == [
            "3,523/100,000 shown",
            "titles only so far: indexing 100,000 abstracts…",
        ]
    assert "0/0 shown" in status_parts(Status(Counts(0, 0, 0, 0), Selection()))
    # What the query ignores is worked out once per query: another query says its own.
    other = Status(counts, Selection(query="sheep is:zz"), indexing=True)
    assert status_parts(other)[-1] == "ignored: is:zz"
    assert status_parts(busy)[-1] == "ignored: is:nu"


def test_sort_names_cycle_in_registration_order() -> None:
    names = sorts.names()
    assert names[:3] == ("relevance", "catalogue", "title")
    assert sorts.following("relevance") == "catalogue"
    assert sorts.following(names[-1]) == names[0]


def test_a_new_sort_order_is_one_registry_entry(catalog: Catalog) -> None:
    order = sorts.SortOrder(
        "longest-title", "longest title first", key=lambda _: lambda paper: -len(paper.title)
    )
    sorts.register(order)
    try:
        assert "longest-title" in sorts.names()
        rows = select_rows(catalog, Marks(), sort="longest-title")
        assert catalog.papers[rows[0]].title.startswith("A Very Long Title")
        with pytest.raises(ValueError, match="exists already"):
            sorts.register(order)
    finally:
        del sorts.SORTS["longest-title"]


def test_ranks_are_kept_per_catalogue_and_ties_keep_catalogue_order() -> None:
    same = [Paper(id=f"{n:012x}", title=t, abstracts=("x",), sources=(), links=(), index=n)
            for n, t in enumerate(["b", "a", "B", "A"])]  # fmt: skip
    first, second = Catalog(same), Catalog(list(reversed(same)))
    context = sorts.SortContext
    assert sorts.TITLE.ranks(context(first)) == [2, 0, 3, 1]
    assert sorts.TITLE.ranks(context(second)) == [0, 2, 1, 3]
    assert sorts.TITLE.ranks(context(first)) == [2, 0, 3, 1]


def test_an_order_using_the_marks_follows_them(catalog: Catalog) -> None:
    starred_first = sorts.SortOrder(
        "starred-first",
        "starred papers first",
        key=lambda context: lambda paper: paper.id not in context.starred,
        uses_marks=True,
    )
    for star in (7, 2):
        context = sorts.SortContext(catalog, starred=ids(catalog, star))
        assert starred_first.apply(range(TITLES), context, searched=False)[0] == star


def test_exact_matches_are_counted_apart_from_close_ones(catalog: Catalog) -> None:
    triage = Triage(catalog)
    rows = triage.rows(Selection(query="models"), Marks())
    # "Models" in two titles; the third paper has only "model", one typo away.
    assert titles(catalog, rows.indices)[2].startswith("Quantised Quokkas")
    assert (rows.exact, rows.exact_first) == (2, True)
    counts = triage.counts(rows, Marks())
    assert status_parts(Status(counts, Selection(query="models")))[:2] == [
        "3/10 shown",
        "2 exact · 1 close",
    ]
    # A view keeps the order and counts the exact papers it keeps.
    read = Marks(read=ids(catalog, 1))
    unread = triage.rows(Selection(query="models", view="unread"), read)
    assert (len(unread.indices), unread.exact, unread.exact_first) == (2, 1, True)
    # Another order mixes them: still counted, no longer first.
    by_title = triage.rows(Selection(query="models", sort="title"), Marks())
    assert (by_title.exact, by_title.exact_first) == (2, False)
    # No query, or nothing close: nothing to set apart.
    assert triage.rows(Selection(view="unread"), Marks()).exact is None
    only_exact = triage.counts(triage.rows(Selection(query="model"), Marks()), Marks())
    assert not any("close" in part for part in status_parts(Status(only_exact, Selection("m"))))


@pytest.mark.parametrize(
    ("done", "total", "bar"),
    [
        (0, 10, "░░░░░░░░░░"),
        (1, 10, "█░░░░░░░░░"),
        (1, 200, "█░░░░░░░░░"),  # something done shows
        (9, 10, "█████████░"),
        (199, 200, "█████████░"),  # 1 unread left: not full
        (10, 10, "██████████"),
        (0, 0, "██████████"),  # 0 unread left: full, not empty
    ],
)
def test_the_progress_bar_is_full_only_when_nothing_is_left(
    done: int, total: int, bar: str
) -> None:
    assert progress_bar(done, total) == bar


@pytest.mark.parametrize(
    ("shown", "read", "unread"),
    [
        (0, 0, "0 unread left"),
        (3, 3, "██████████ 0 unread left"),
        (3, 1, "███░░░░░░░ 2 unread left"),
    ],
)
def test_the_status_line_shows_a_progress_bar_only_for_papers_shown(
    shown: int, read: int, unread: str
) -> None:
    """An empty list (a query that matched nothing, an empty view) has no bar: a full one
    would say every paper shown was read; a list all read has a full one."""
    for width in (None, 200):
        parts = status_parts(Status(Counts(shown, 525, read, 0), Selection("zzzqqq")), width)
        assert [part for part in parts if "unread" in part] == [unread]


def test_t_skips_orders_that_change_nothing_without_a_query() -> None:
    assert sorts.following("relevance", searched=False) == "title"  # catalogue = relevance here
    assert sorts.following("catalogue", searched=False) == "title"
    # From a keyed order every next one changes something.
    assert sorts.following("title", searched=False) == sorts.following("title")
    assert sorts.following("relevance", searched=True) == "catalogue"


def test_undo_says_what_it_undid_and_where(catalog: Catalog) -> None:
    paper = catalog.papers[3]
    index, text = describe_undo(catalog, [(paper.id, "read", False, True)])
    assert (index, text) == (3, f"Undone: read mark removed: {paper.title}")
    assert describe_undo(catalog, [(paper.id, "starred", False, True)])[1].startswith(
        "Undone: star removed: "
    )
    assert "star restored" in describe_undo(catalog, [(paper.id, "starred", True, False)])[1]
    assert describe_undo(catalog, [("ffffffffffff", "read", False, True)]) == (
        None,
        "Undone: read mark removed (a paper not loaded here).",
    )
    two = [(paper.id, "read", False, True), (catalog.papers[4].id, "read", False, True)]
    assert describe_undo(catalog, two) == (3, "Undone: read mark removed on 2 papers.")
    assert describe_undo(catalog, []) == (None, "Nothing to undo.")


def test_a_narrow_status_line_keeps_the_view_and_the_sort() -> None:
    counts = Counts(shown=88, total=525, read=0, starred=0, exact=0)
    status = Status(counts, Selection(query="transformr"))
    full = " · ".join(status_parts(status))
    assert "0 exact · 88 close" in full and "░" in full
    for width in (78, 70):
        text = " · ".join(status_parts(status, width))
        assert len(text) <= width
        assert text.endswith("· all · by relevance")
        assert "88 unread left" in text
    assert "░" not in " · ".join(status_parts(status, 78))
    assert status_parts(status, 200) == status_parts(status)


def test_a_status_line_too_narrow_still_drops_whole_pieces() -> None:
    counts = Counts(shown=525, total=525, read=8, starred=6)
    status = Status(counts, Selection(sort="title"), read_only=True, messages=1)
    full = status_parts(status)
    assert full[-2:] == ["read-only", "1 message (?)"]
    for width in range(20, 100):
        parts = status_parts(status, width)
        assert len(" · ".join(parts)) <= width or len(parts) == 1
        assert set(parts) <= {*full, "517 unread left"}  # the bar dropped, no piece cut short


def test_a_change_not_saved_is_named_as_the_user_made_it(catalog: Catalog) -> None:
    first, second = catalog.papers[0], catalog.papers[1]
    star = ((first.id, "starred", False, True),)
    assert describe_change(catalog, star) == f'star "{first.title}"'
    read_two = ((first.id, "read", False, True), (second.id, "read", False, True))
    assert describe_change(catalog, read_two) == "read 2 papers"
    assert describe_change(catalog, ((first.id, "queued", 5.0, None),)).startswith("out of the")
    assert describe_change(catalog, (("aaaaaaaaaaaa", "tags", (), ("x",)),)) == (
        "tags paper aaaaaaaaaaaa"
    )


def test_the_status_line_says_what_waits_for_the_state_file() -> None:
    status = Status(Counts(10, 10, 2, 1), Selection(), unsaved=2)
    assert status_parts(status)[0] == "2 unsaved: waiting for another paperterm"
    assert not any(
        "not saved" in part for part in status_parts(Status(Counts(1, 1, 0, 0), Selection()))
    )


MUTED_SELECTIONS = [
    Selection(query=query, view=view, sort=sort)
    for query in ("", "models", "language", "models | sheep", "|sheep", "is:muted", "!is:muted")
    for view in ("all", "unread", "starred", "new", "queue")
    for sort in ("relevance", "title")
]


@pytest.mark.parametrize("selection", MUTED_SELECTIONS, ids=repr)
def test_muted_counts_what_revealing_adds_to_this_view(
    catalog: Catalog, selection: Selection
) -> None:
    """ "N muted" is about the list in front of the user: the muted papers its view and filter
    hold, which X would add (or, with X, which it shows); not every muted paper loaded."""
    triage = Triage(catalog)
    papers = catalog.papers
    muted = ids(catalog, 1, 4, 5, 8)  # small language models, sheep, quokkas, ...
    marks = Marks(
        read=ids(catalog, 1, 2),
        starred=ids(catalog, 4, 5, 6),
        flags={"new": ids(catalog, 0, 1, 4, 9), "queued": ids(catalog, 5, 8)},
        muted=muted,
        queue=(papers[8].id, papers[5].id),
    )
    hidden = triage.rows(selection, marks)
    revealed = triage.rows(replace(selection, include_muted=True), marks)
    expected = sum(papers[i].id in muted for i in revealed.indices)
    assert hidden.muted == revealed.muted == expected
    assert triage.counts(hidden, marks).muted == expected
    if "is:muted" not in selection.query:
        assert len(revealed.indices) - len(hidden.indices) == expected


def test_muted_in_view_differs_from_the_catalogue_count(catalog: Catalog) -> None:
    triage = Triage(catalog)
    muted = ids(catalog, 1, 4)
    marks = Marks(read=ids(catalog, 1), muted=muted)
    everything = triage.counts(triage.rows(Selection(), marks), marks)
    assert everything.muted == 2 and "2 muted" in status_parts(Status(everything, Selection()))
    unread = triage.rows(Selection(view="unread"), marks)
    assert unread.muted == 1  # the read muted paper is not in this view
    sheep = Selection(query="sheep", view="unread")
    counts = triage.counts(triage.rows(sheep, marks), marks)
    assert counts.muted == 1 and "1 muted" in status_parts(Status(counts, sheep))
    cats = Selection(query="cats")
    counts = triage.counts(triage.rows(cats, marks), marks)
    assert counts.muted == 0 and not any("muted" in p for p in status_parts(Status(counts, cats)))
    shown = Selection(include_muted=True, view="unread")
    counts = triage.counts(triage.rows(shown, marks), marks)
    assert "1 muted (shown, X hides)" in status_parts(Status(counts, shown))


def test_the_queue_view_says_its_own_order_whatever_the_sort() -> None:
    counts = Counts(shown=2, total=10, read=0, starred=0)
    for sort in ("relevance", "title"):
        parts = status_parts(Status(counts, Selection(view="queue", sort=sort)))
        assert parts[-2:] == ["queue", "in queue order"]
    assert status_parts(Status(counts, Selection(view="unread", sort="title")))[-1] == "by title"
