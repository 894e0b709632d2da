"""The hand-over of a search's answer from the search thread to the list: the rows of the first
screen are listed on the search thread, while the key waits for the answer anyway, not in the
frame that draws them on the UI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from paperterm.catalog import Catalog
from paperterm.search.rank import Ranking
from paperterm.ui.screens import main as main_screen
from pilot import SIZE, make_app, settle
from test_ui_filter_bar import SEARCH_THREAD, answer


async def test_the_first_screen_of_rows_is_listed_on_the_search_thread(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog.prepare_search()
    monkeypatch.setattr(main_screen, "QUICK_PAPERS", 0)  # every search on the search thread
    listed_on: list[str] = []
    list_until = Ranking._list_until

    def noted(ranking: Ranking, count: int) -> None:
        before = len(ranking._listed)
        list_until(ranking, count)
        if len(ranking._listed) > before:
            listed_on.append(threading.current_thread().name)

    monkeypatch.setattr(Ranking, "_list_until", noted)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        for keys in (["slash", "m", "o"], ["space", "l"]):
            listed_on.clear()
            await pilot.press(*keys)
            await settle(pilot)
            drawn = list(listed_on)  # the list has drawn its rows (answer() lists them too)
            rows = app.main.paper_list.rows
            assert isinstance(rows, Ranking) and list(rows[:5]) == answer(app)[:5] != []
            assert drawn and set(drawn) == {SEARCH_THREAD}


async def test_between_keys_the_search_thread_finds_what_the_next_letter_wants(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a key's answer is drawn, the catalogue is asked to find what the query with one
    more letter will want: on the search thread, or on the UI thread for a small catalogue
    (its searches run there, quick); never for a first answer from the titles alone."""
    catalog.prepare_search()
    asked: list[tuple[str, str]] = []
    prepare = Catalog.prepare_typing

    def noted(self: Catalog, query: str) -> None:
        asked.append((threading.current_thread().name, query))
        prepare(self, query)

    monkeypatch.setattr(Catalog, "prepare_typing", noted)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "m", "o")
        await settle(pilot)
        ui_thread = threading.current_thread().name
        assert asked == [(ui_thread, "m"), (ui_thread, "mo")]  # a small catalogue
        asked.clear()
        monkeypatch.setattr(main_screen, "QUICK_PAPERS", 0)
        await pilot.press("d")
        await settle(pilot)
        await settle(pilot)
        assert asked == [(SEARCH_THREAD, "mod")]
