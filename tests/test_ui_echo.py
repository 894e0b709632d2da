"""Keys typed while the search thread is busy (a first open's titles being indexed, a slow
search) show in the filter bar at once: they do not wait for their own answer, which can only
come after the earlier search's; one worker hands the latest answer over when it comes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from paperterm.triage import Marks, Rows, Selection, Triage
from paperterm.ui.screens import main as main_module
from pilot import SIZE, make_app, settle, shown
from test_ui_fixture import load_fixture

ROWS = Triage.rows
"""The search itself, not held."""

TYPED = "gra"


class Held:
    """The search of the first letter held on the search thread until the bar shows the whole
    of :data:`TYPED` (or 20 s pass: then the keys typed after it waited for it)."""

    def __init__(self) -> None:
        self.bar_value: Callable[[], str] = str
        self.seen = threading.Event()
        """The bar showed the keys typed after the held search, while it was held."""
        self.ended = threading.Event()

    def rows(self, triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if selection.query == TYPED[0]:
            try:
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    if self.bar_value() == TYPED:
                        self.seen.set()
                        break
                    time.sleep(0.005)
            finally:
                self.ended.set()
        return ROWS(triage, selection, marks)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    holder = Held()

    def rows(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        return holder.rows(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", rows)
    monkeypatch.setattr(main_module, "QUICK_PAPERS", 0)  # every search on the search thread
    yield holder
    holder.ended.set()


def count_handovers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A one-item list counting the hand-over workers started from now on."""
    started = [0]
    start = main_module.MainScreen._post_latest_answer

    def counted(screen: main_module.MainScreen) -> None:
        started[0] += 1
        start(screen)

    monkeypatch.setattr(main_module.MainScreen, "_post_latest_answer", counted)
    return started


async def test_keys_typed_while_a_search_runs_show_before_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: Held
) -> None:
    catalog = load_fixture(tmp_path / "dumps")
    app = make_app(catalog, tmp_path / "state.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main._filter_bar
        held.bar_value = lambda: bar.value
        started = count_handovers(monkeypatch)
        await pilot.press("/", TYPED[0])  # its search is held
        # A key waiting for its answer would now wait for the held search: the bar could not
        # show the next keys until it ended.
        monkeypatch.setattr(main_module, "SEARCH_WAIT", 60.0)
        await pilot.press(*TYPED[1:])
        for _ in range(3000):
            if held.ended.is_set():
                break
            await pilot.pause(0.01)
        assert held.seen.is_set()
        await settle(pilot)
        assert started == [1]  # one worker handed the answers over, not one a key
        monkeypatch.setattr(main_module, "SEARCH_WAIT", 0.01)
        # The latest answer is the one shown.
        assert app.main.filter_text == TYPED
        expected = [paper.title for paper in catalog.search(TYPED)]
        assert shown(app) == expected[: len(shown(app))]
        assert shown(app)


async def test_a_key_whose_search_comes_after_a_running_one_is_shown_with_its_answer(
    tmp_path: Path, held: Held
) -> None:
    """The hand-over worker, waiting for an earlier answer, takes the latest request's: the
    answer of each key typed meanwhile is shown once it comes, and the worker ends."""
    catalog = load_fixture(tmp_path / "dumps")
    app = make_app(catalog, tmp_path / "state.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main._filter_bar
        held.bar_value = lambda: bar.value
        await pilot.press("/", *TYPED)
        await settle(pilot)
        assert held.ended.is_set()
        assert app.main.filter_text == TYPED
        assert shown(app) and shown(app)[0] == catalog.search(TYPED)[0].title
        await pilot.press("backspace")
        await settle(pilot)
        assert shown(app)[0] == catalog.search(TYPED[:-1])[0].title
        assert all(worker.is_finished for worker in app.workers if worker.group == "filter")
