"""The list is filled before the first search answers: a filter in force before the screen
was first filled (restored from last time, or typed while a big catalogue loaded) must not
leave it saying "No papers." over an empty list while its search runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from paperterm import settings
from paperterm.catalog import Catalog
from paperterm.triage import Marks, Rows, Selection, Triage
from pilot import SIZE, make_app, settle, status_text


async def test_the_whole_list_shows_while_a_restored_filter_is_searched(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.remember_place("paths:x", settings.Place(filter="models"))
    release = threading.Event()
    rows = Triage.rows

    def held(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if selection.words:  # the filter's search: held on the search thread
            release.wait(30)
        return rows(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", held)
    app = make_app(catalog, state_path, place_key="paths:x", restore=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            main = app.main
            assert main.filter_text == "models"
            assert not release.is_set()
            assert len(main.paper_list.rows) == len(catalog)  # the view, unfiltered
            assert "0/0 shown" not in status_text(app)
            release.set()
            await settle(pilot)
            await settle(pilot)
            answer = rows(main.triage, Selection("models"), main._marks).indices
            assert list(main.paper_list.rows) == list(answer)
            assert 0 < len(answer) < len(catalog)
    finally:
        release.set()


async def test_the_answer_keeps_the_paper_the_user_moved_to_meanwhile(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving in the unfiltered view while the first search runs, then the answer comes: the
    cursor stays on the paper the user moved to (when the answer has it), not on the top row."""
    settings.remember_place("paths:x", settings.Place(filter="models"))
    release = threading.Event()
    rows = Triage.rows

    def held(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if selection.words:
            release.wait(30)
        return rows(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", held)
    app = make_app(catalog, state_path, place_key="paths:x", restore=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            main = app.main
            answer = rows(main.triage, Selection("models"), main._marks).indices
            shown = list(main.paper_list.rows)
            assert len(shown) == len(catalog)
            # Walk down to a paper the answer has, past its first row.
            target = next(i for i in shown[1:] if i in answer and i != answer[0])
            while main.paper_list.current != target:
                await pilot.press("j")
            release.set()
            await settle(pilot)
            assert list(main.paper_list.rows) == list(answer)
            assert main.paper_list.current == target
    finally:
        release.set()
