"""The list is filled before the first search answers: a filter in force before the screen
was first filled (restored from last time, or typed while a big catalogue loaded) must not
leave it saying "No papers." over an empty list while its search runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from textual.pilot import Pilot

from paperterm import settings
from paperterm.catalog import Catalog
from paperterm.triage import Marks, Rows, Selection, Triage
from paperterm.ui.widgets.paper_list import PaperList
from pilot import SIZE, make_app, settle, status_text

ROWS = Triage.rows
"""The search itself, not held."""


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Searches for words wait on the search thread until the event is set (none runs on the
    UI thread: no quick searches)."""
    release = threading.Event()

    def held_rows(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if selection.words:
            release.wait(30)
        return ROWS(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", held_rows)
    monkeypatch.setattr("paperterm.ui.screens.main.QUICK_PAPERS", 0)
    yield release
    release.set()


async def walk_to_a_later_match(pilot: Pilot[None], answer: Sequence[int]) -> int:
    """Press ``j`` until the cursor is on a paper of ``answer`` other than its first; return it."""
    papers = pilot.app.query_one(PaperList)
    target: int = next(i for i in papers.rows[papers.cursor or 0 :] if i in answer[1:])
    while papers.current != target:
        await pilot.press("j")
    return target


async def test_the_whole_list_shows_while_a_restored_filter_is_searched(
    catalog: Catalog, state_path: Path, held: threading.Event
) -> None:
    settings.remember_place("paths:x", settings.Place(filter="models"))
    app = make_app(catalog, state_path, place_key="paths:x", restore=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.main
        assert main.filter_text == "models"
        assert not held.is_set()
        assert len(main.paper_list.rows) == len(catalog)  # the view, unfiltered
        assert "0/0 shown" not in status_text(app)
        held.set()
        await settle(pilot)
        await settle(pilot)
        answer = ROWS(main.triage, Selection("models"), main._marks).indices
        assert list(main.paper_list.rows) == list(answer)
        assert 0 < len(answer) < len(catalog)


async def test_the_answer_keeps_the_paper_moved_to_in_the_unfiltered_view(
    catalog: Catalog, state_path: Path, held: threading.Event
) -> None:
    """A restored filter: the unfiltered view shows while it is searched; the user moves in
    it; the answer keeps the cursor on the paper moved to (when it has it), not its top row."""
    settings.remember_place("paths:x", settings.Place(filter="models"))
    app = make_app(catalog, state_path, place_key="paths:x", restore=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.main
        answer = ROWS(main.triage, Selection("models"), main._marks).indices
        assert len(main.paper_list.rows) == len(catalog)
        target = await walk_to_a_later_match(pilot, answer)
        held.set()
        await settle(pilot)
        assert list(main.paper_list.rows) == list(answer)
        assert main.paper_list.current == target


async def test_the_answer_keeps_the_paper_moved_to_while_a_typed_filter_is_searched(
    catalog: Catalog, state_path: Path, held: threading.Event
) -> None:
    """A filter typed, then Enter and ``j`` before its (slow) answer comes: the answer keeps
    the paper the user went to; one that came without a move starts at its top row."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.main
        await pilot.press("slash", *"models", "enter")
        answer = ROWS(main.triage, Selection("models"), main._marks).indices
        assert len(main.paper_list.rows) == len(catalog)  # the answer not in yet
        target = await walk_to_a_later_match(pilot, answer)
        held.set()
        await settle(pilot)
        assert list(main.paper_list.rows) == list(answer)
        assert main.paper_list.current == target

        await pilot.press("slash", "ctrl+u", *"model", "enter")
        await settle(pilot)
        assert main.paper_list.current == main.paper_list.rows[0]


async def test_papers_show_while_a_sort_kept_from_last_time_is_worked_out(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sort kept from last time (by title) is worked out on the search thread: meanwhile the
    list shows the papers in catalogue order, not "No papers." and "0/0 shown"."""
    settings.remember_place("paths:x", settings.Place(sort="title"))
    release = threading.Event()

    def held_rows(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if selection.sort == "title":
            release.wait(30)
        return ROWS(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", held_rows)
    app = make_app(catalog, state_path, place_key="paths:x", restore=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            main = app.main
            assert main.sort == "title"
            assert list(main.paper_list.rows) == list(range(len(catalog)))
            assert "0/0 shown" not in status_text(app)
            release.set()
            await settle(pilot)
            by_title = ROWS(main.triage, Selection("", sort="title"), main._marks).indices
            assert list(main.paper_list.rows) == list(by_title) != list(range(len(catalog)))
    finally:
        release.set()
