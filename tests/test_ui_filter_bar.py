"""The filter bar: editing keys typed in a burst (faster than the reader reads them) act in
the order they were typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from paperterm.catalog import Catalog
from pilot import SIZE, make_app, settle

PRINTABLE = {"slash": "/", "space": " "}


def burst(app: object, keys: list[str]) -> None:
    """Hand the keys to the app at once, as a terminal hands over a fast burst: none is read
    before the next arrives."""
    for key in keys:
        char = PRINTABLE.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        (["x", "y", "z", "backspace", "a"], "xya"),
        (["x", "y", "z", "backspace", "backspace", "a"], "xa"),
        (["a", "b", "c", "left", "left", "X"], "aXbc"),
        (["a", "b", "c", "home", "X", "end", "Y"], "XabcY"),
        (["a", "b", "c", "left", "delete", "X"], "abX"),
        (["a", "b", "ctrl+a", "ctrl+k", "c"], "c"),
    ],
)
async def test_editing_keys_in_a_burst_act_in_the_order_typed(
    catalog: Catalog, state_path: Path, keys: list[str], value: str
) -> None:
    """An editing key (a binding of the bar's) used to travel up to the app and run there,
    after the letters typed behind it: ``xyz``, backspace, ``a`` showed ``xyz``."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["slash", *keys])
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == value
        assert app.main.filter_text == value


def marked(app: object) -> bool:
    """Whether the filter bar is marked (a call: mypy does not narrow it across key presses)."""
    return bool(app.main._filter_bar.active)  # type: ignore[attr-defined]


async def test_the_bar_is_marked_while_a_filter_is_in_force_without_a_restyle(
    catalog: Catalog, state_path: Path
) -> None:
    """The first letter marks the bar (the accent's background), emptying it unmarks it, and
    neither restyles the bar through the stylesheet (1-4 ms); another theme, its accent."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.main._filter_bar
        await pilot.press("slash")
        await pilot.pause()
        plain = bar.background_colors
        restyled: list[object] = []
        update_styles = app.update_styles

        def noted(node: object, *args: object, **kwargs: object) -> None:
            restyled.append(node)
            update_styles(node, *args, **kwargs)  # type: ignore[arg-type]

        app.update_styles = noted  # type: ignore[method-assign]
        await pilot.press("m")
        await settle(pilot)
        assert marked(app)
        accent = bar.get_component_styles("filter-bar--active").background
        assert bar.styles.background == accent
        assert bar.background_colors != plain
        await pilot.press("backspace")
        await settle(pilot)
        assert not marked(app)
        assert bar.background_colors == plain
        assert bar not in restyled
        app.update_styles = update_styles  # type: ignore[method-assign]
        await pilot.press("m", "enter")
        await settle(pilot)
        assert marked(app)  # the filter stays in force in the list
        app.theme = "dracula" if app.theme != "dracula" else "nord"
        await pilot.pause()
        now = bar.get_component_styles("filter-bar--active").background
        assert now != accent
        assert bar.styles.background == now
        await pilot.press("escape")
        await settle(pilot)
        assert not marked(app)
