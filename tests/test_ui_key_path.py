"""A key typed into the filter bar is handed to the bar by the app itself (no hop through the
bar's message queue: see ``PapertermApp.on_event``), and only when nothing else should have it."""

from __future__ import annotations

import asyncio
import string
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot

from paperterm.catalog import Catalog
from paperterm.ui.app import PapertermApp
from paperterm.ui.screens.help import HelpScreen
from paperterm.ui.widgets.filter_bar import FilterBar
from pilot import SIZE, make_app, on_disk, settle


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


async def typed_on_top(pilot: Pilot[None], taken: list[str], kind: type, *keys: str) -> None:
    """With a screen of ``kind`` just opened over the filter holding "a": ``keys`` typed there
    leave the bar as it was (none ``taken`` by it), and Escape closes that screen."""
    app = pilot.app
    assert isinstance(app, PapertermApp)
    await settle(pilot)
    assert isinstance(on_top(app), kind)
    await pilot.press(*keys)
    await settle(pilot)
    assert app.main._filter_bar.value == "a"
    assert taken == ["a"]
    await pilot.press("escape")
    await settle(pilot)
    assert on_top(app) is app.main


async def test_keys_typed_with_a_screen_on_top_do_not_reach_the_bar(
    catalog: Catalog, state_path: Path, taken: list[str]
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "a")
        await settle(pilot)
        app.main.action_help()  # what ? does from the list
        await typed_on_top(pilot, taken, HelpScreen, "b", "backspace", "c")
        await pilot.press("ctrl+p")  # a priority key in the filter: the palette
        await typed_on_top(pilot, taken, CommandPalette, "t", "h", "backspace")
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


async def test_a_key_waits_behind_a_message_queued_for_the_bar(
    catalog: Catalog, state_path: Path, taken: list[str]
) -> None:
    """A key that reaches the app while a message waits in the bar's queue (a paste here; the
    focus event after ``/`` in a burst) goes to the bar's queue behind it, not to the bar at
    once: handed straight over, it overtook the paste ("xabc")."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "m")
        await settle(pilot)
        bar = app.main._filter_bar
        app.post_message(events.Key("x", "x"))  # read by the app before the bar reads ...
        bar.post_message(events.Paste("abc"))  # ... this, already in the bar's queue
        await settle(pilot)
        await settle(pilot)
        assert bar.value == "mabcx"
        assert app.main.filter_text == "mabcx"
        assert taken == ["m"]  # x went Textual's way
        await pilot.press("y")
        await settle(pilot)
        assert taken == ["m", "y"]
        assert bar.value == "mabcxy"


async def test_a_key_waits_while_the_bar_handles_one_that_went_through_its_queue(
    catalog: Catalog, state_path: Path, taken: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key that reaches the app while the bar is still handling an earlier key (one that went
    Textual's way, through the bar's queue, and whose action waits) goes behind it: handed
    straight over, it ran in the middle of that action ("z" before the action's "!")."""
    entered, gate = asyncio.Event(), asyncio.Event()
    seen: list[str] = []

    async def slow_left(bar: FilterBar, select: bool = False) -> None:  # an action that waits
        entered.set()
        await gate.wait()
        bar.insert_text_at_cursor("!")

    on_event = PapertermApp.on_event

    async def noted(app: PapertermApp, event: events.Event) -> None:
        if isinstance(event, events.Key):
            seen.append(event.key)
        await on_event(app, event)

    monkeypatch.setattr(FilterBar, "action_cursor_left", slow_left)
    monkeypatch.setattr(PapertermApp, "on_event", noted)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "m")
        await settle(pilot)
        bar = app.main._filter_bar
        app.post_message(events.Key("left", None))  # through the bar's queue, behind ...
        bar.post_message(events.Paste("abc"))  # ... this
        await asyncio.wait_for(entered.wait(), 10)
        app.post_message(events.Key("z", "z"))

        async def z_read() -> None:
            while seen[-1] != "z":
                await asyncio.sleep(0)

        # The app has read z while the bar waits in the left key's action.
        await asyncio.wait_for(z_read(), 10)
        gate.set()
        await settle(pilot)
        await settle(pilot)
        assert bar.value == "mabc!z"
        assert app.main.filter_text == "mabc!z"
        assert taken == ["m"]


async def test_a_character_the_bar_takes_in_has_no_priority_binding_to_look_for(
    catalog: Catalog, state_path: Path
) -> None:
    """``FilterBar.takes_in`` (the app then skips Textual's priority check) holds only for
    keys that Textual's binding chain, from the bar, has no priority binding for; a keymap
    (which may bind any key) turns it off."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        bar = app.main._filter_bar
        chain = app.main._binding_chain
        characters = [chr(code) for code in range(32, 127)] + ["é", "π", "日"]
        keys = [events.Key(_key_name(char), char) for char in characters] + [
            events.Key(key, None)
            for key in ("slash", "escape", "enter", "down", "up", "backspace", "ctrl+q", "ctrl+p")
        ]
        taken = [key for key in keys if bar.takes_in(key)]
        # Letters and digits at least (a few signs Textual names no character for are not)
        assert {key.character for key in taken} >= set(string.ascii_letters + string.digits)
        assert not bar.takes_in(events.Key("slash", "/"))
        for key in taken:
            assert not any(
                binding.priority
                for _, bindings in chain
                for binding in bindings.key_to_bindings.get(key.key, ())
            ), key.key
        prioritised = {
            key
            for _, bindings in chain
            for key, found in bindings.key_to_bindings.items()
            if any(binding.priority for binding in found)
        }
        assert {"slash", "escape", "enter", "down", "ctrl+q"} <= prioritised
        app.set_keymap({"leave_filter": "x"})
        assert not bar.takes_in(events.Key("x", "x"))


def _key_name(char: str) -> str:
    """The key Textual names for a typed character (``/``: slash)."""
    from textual.keys import _character_to_key

    return _character_to_key(char)


@pytest.mark.parametrize("pane", ["list", "detail"])
async def test_keys_typed_just_before_a_slash_act_where_they_were_typed(
    catalog: Catalog, state_path: Path, pane: str
) -> None:
    """``/`` takes the focus as soon as the app reads it (a priority key, so that what follows
    goes to the filter); the keys read in the same burst before it still act on the list or
    the pane they were typed in (they were looked up from the filter bar: "s/" lost the star)."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if pane == "detail":
            await pilot.press("tab")
        first = app.main.current
        assert first is not None
        before = ["s", "j", "s"] if pane == "list" else ["s"]  # j: the list's key
        burst(app, [*before, "slash", "x", "y"])
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == "xy"
        starred = on_disk(state_path).starred_ids
        assert first.id in starred and len(starred) == before.count("s")


async def test_keys_typed_right_after_a_key_that_opens_a_dialog_go_into_it(
    catalog: Catalog, state_path: Path
) -> None:
    """``T r l Enter`` in one burst (the reader a beat behind): the tags dialog opens and takes
    "rl" and the Enter, as when typed slowly (the keys went to the list, after T, and were
    then looked up over the dialog, which had no use for them: "rl" lost, Enter saving no tag);
    the dialog's own Escape still closes it."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.main.current
        assert first is not None
        burst(app, ["T", "r", "l", "enter"])
        await settle(pilot)
        await settle(pilot)
        assert on_top(app) is app.main
        assert on_disk(state_path).get(first.id).tags == ("rl",)
        burst(app, ["T", "x", "escape"])
        await settle(pilot)
        await settle(pilot)
        assert on_top(app) is app.main
        assert on_disk(state_path).get(first.id).tags == ("rl",)
