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
