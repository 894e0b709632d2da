"""A partial frame made from the widgets' lines leaves out each line already on the terminal at
its place (the very same line, as the list keeps its rows): the terminal still shows what a
full repaint would (paperterm.ui.compositor, ``PartialCompositor._on_terminal``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual._compositor import Compositor, CompositorUpdate

from paperterm.catalog import Catalog
from paperterm.ui.widgets.status_line import StatusLine
from pilot import SIZE, make_app, settle
from test_ui_paint import Written

MOVE = re.compile(r"\x1b\[(\d+);(\d+)H")


async def test_a_frame_writes_only_the_lines_not_on_the_terminal_already(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        frames: list[str] = []
        terminal = Written(*SIZE)
        display = app._display

        def painted(screen: Any, update: Any) -> None:
            display(screen, update)
            if isinstance(update, CompositorUpdate):
                data = update.render_segments(app.console)
                terminal.write(data)
                frames.append(data)

        app._display = painted  # type: ignore[method-assign,assignment]
        app.screen.refresh()  # a whole frame first
        await settle(pilot)
        main = app.main
        list_lines = range(main.paper_list.region.y, main.paper_list.region.bottom)

        async def written_by(*keys: str) -> set[int]:
            """The lines the frames of ``keys`` wrote (checked against a full repaint)."""
            frames.clear()
            await pilot.press(*keys)
            await settle(pilot)
            await settle(pilot)
            full = Written(*SIZE)
            # Textual's own full frame: the compositor's would forget what is on the terminal
            whole = Compositor.render_full_update(app.screen._compositor)
            full.write(whole.render_segments(app.console))
            for widget in (main.paper_list, main.query_one(StatusLine), main._filter_bar):
                region = widget.region
                assert terminal.text(region) == full.text(region), (keys, widget)
                assert [terminal.cells[y][region.x : region.right] for y in region.line_range] == [
                    full.cells[y][region.x : region.right] for y in region.line_range
                ], (keys, widget)
            return {int(row) - 1 for frame in frames for row, _ in MOVE.findall(frame)}

        assert set(list_lines) & await written_by("slash", "g", "r", "a", "p", "h")
        # the same answer: the list's lines are on the terminal already, the bar's is not
        again = await written_by("space")
        assert main._filter_bar.region.y in again
        assert not again & set(list_lines)
        assert set(list_lines) & await written_by("backspace", "backspace")  # another answer
        app.notify("a toast over the list", timeout=60)  # drawn over some of its lines ...
        await settle(pilot)
        await written_by("backspace")
        app.clear_notifications()  # ... which come back when it goes
        await settle(pilot)
        await written_by("p")
        await written_by("enter", "j", "j", "k")
        await written_by("question_mark")
        await written_by("escape")  # a dialog over the screen and back: all drawn again
        assert set(list_lines) <= await written_by("slash", "space")
