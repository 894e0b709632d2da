"""A key typed into the filter bar is handed to the bar by the app itself (no hop through the
bar's message queue: see ``PapertermApp.on_event``), and only when nothing else should have it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import CommandPalette

from paperterm.catalog import Catalog
from paperterm.ui.screens.help import HelpScreen
from paperterm.ui.widgets.filter_bar import FilterBar
from pilot import SIZE, make_app, settle


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys handed straight to the bar, in the order they were handed."""
    keys: list[str] = []
    take_key = FilterBar.take_key

    async def spy(bar: FilterBar, event: events.Key) -> None:
        keys.append(event.key)
        await take_key(bar, event)

    monkeypatch.setattr(FilterBar, "take_key", spy)
    return keys


def on_top(app: Any) -> object:
    """The screen on top (a call: mypy does not narrow it across key presses)."""
    return app.screen


def burst(app: Any, keys: list[str]) -> None:
    """The keys handed to the app at once, as a terminal hands over a fast burst."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_letters_and_backspace_typed_one_by_one_go_straight_to_the_bar(
    catalog: Catalog, state_path: Path, taken: list[str]
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await settle(pilot)
        for key in ["a", "b", "backspace", "c"]:
            await pilot.press(key)
            await settle(pilot)
        assert taken == ["a", "b", "backspace", "c"]
        assert app.main._filter_bar.value == "ac"
        assert app.main.filter_text == "ac"
        await pilot.press("down")  # back to the list (a priority key: never handed to the bar)
        await settle(pilot)
        assert app.focused is app.main.paper_list
        await pilot.press("x")  # the list's key, not the bar's
        await settle(pilot)
        assert taken == ["a", "b", "backspace", "c"]
        assert app.main._filter_bar.value == "ac"


@pytest.mark.parametrize("seed", range(3))
async def test_a_burst_with_backspaces_keeps_its_order(
    catalog: Catalog, state_path: Path, taken: list[str], seed: int
) -> None:
    """Some keys of a burst find the bar busy or its queue full and go Textual's way, others
    are handed to it: none overtakes another."""
    keys = [["x", "y", "z", "backspace", "a"], ["q", "backspace", "backspace", "r", "s"]][seed % 2]
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "m")
        await settle(pilot)
        burst(app, keys * (seed + 1))
        await settle(pilot)
        await settle(pilot)
        expected = "m"
        for key in keys * (seed + 1):
            expected = expected[:-1] if key == "backspace" else expected + key
        assert app.main._filter_bar.value == expected
        assert app.main.filter_text == expected
        assert taken  # the path is in use


async def test_keys_typed_with_a_screen_on_top_do_not_reach_the_bar(
    catalog: Catalog, state_path: Path, taken: list[str]
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "a")
        await settle(pilot)
        app.main.action_help()  # what ? does from the list
        await settle(pilot)
        assert isinstance(on_top(app), HelpScreen)
        await pilot.press("b", "backspace", "c")
        await settle(pilot)
        assert app.main._filter_bar.value == "a"
        assert taken == ["a"]
        await pilot.press("escape")
        await settle(pilot)
        assert on_top(app) is app.main
        await pilot.press("ctrl+p")  # a priority key in the filter: the palette
        await settle(pilot)
        assert isinstance(on_top(app), CommandPalette)
        await pilot.press("t", "h", "backspace")
        await settle(pilot)
        assert app.main._filter_bar.value == "a"
        assert taken == ["a"]
        await pilot.press("escape")
        await settle(pilot)
        assert on_top(app) is app.main
        assert app.focused is app.main._filter_bar
        await pilot.press("d")
        await settle(pilot)
        assert app.main._filter_bar.value == "ad"
        assert taken == ["a", "d"]


async def test_priority_keys_in_the_filter_still_act(
    catalog: Catalog, state_path: Path, taken: list[str]
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "a")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert taken == ["a"]
    assert app.return_code == 0
    assert not app.is_running
