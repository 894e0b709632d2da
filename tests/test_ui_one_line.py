"""The status line's and the filter bar's lines, drawn and finished by paperterm
(paperterm/ui/widgets/one_line.py, FilterBar.render_line), are the lines Textual draws: the
same characters in the same styles, cell by cell, in every state met."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from paperterm.catalog import Catalog
from paperterm.ui.app import PapertermApp
from paperterm.ui.widgets import one_line
from paperterm.ui.widgets.filter_bar import FilterBar
from paperterm.ui.widgets.status_line import StatusLine
from pilot import SIZE, make_app, settle

Cells = list[tuple[str, Style | None]]


def cells(lines: list[Strip]) -> list[Cells]:
    return [[(char, segment.style) for segment in line for char in segment.text] for line in lines]


def by_textual(widget: Widget, crop: Region, fast_line: bool = False) -> list[Strip]:
    """The lines as Textual's styles cache finishes them from Textual's own content line
    (Input's, for the bar; with ``fast_line`` the bar's own, to check the finish alone)."""
    widget._styles_cache.clear()
    if isinstance(widget, FilterBar) and not fast_line:
        original = widget.render_line
        widget.render_line = lambda y: Input.render_line(widget, y)  # type: ignore[method-assign]
        try:
            return Widget.render_lines(widget, crop)
        finally:
            widget.render_line = original  # type: ignore[method-assign]
    return Widget.render_lines(widget, crop)


def check(widget: Widget, step: str) -> None:
    region = Region(0, 0, *widget.outer_size)
    assert one_line.plain(widget), step
    for crop in (region, Region(3, 0, region.width - 5, 1), Region(0, 0, 7, 1)):
        assert cells(widget.render_lines(crop)) == cells(by_textual(widget, crop)), (step, crop)
    if isinstance(widget, FilterBar):
        assert cells([widget.render_line(0)]) == cells([Input.render_line(widget, 0)]), step


async def states(pilot: Pilot[None], app: PapertermApp) -> None:
    bar = app.main._filter_bar
    status = app.main.query_one(StatusLine)

    def both(step: str) -> None:
        for blink in (True, False):
            bar._cursor_visible = blink
            check(bar, f"{step}, cursor shown {blink}")
        check(status, step)

    both("at the start, list focused")
    await pilot.press("slash")
    both("empty filter focused")
    for key in ["m", "o", "d", "e", "l", "left", "left", "home", "end", "backspace"]:
        await pilot.press(key)
        await settle(pilot)
        both(f"after {key}")
    bar.insert_text_at_cursor("x" * 150)  # wider than the bar: it scrolls
    await settle(pilot)
    both("scrolled to the end")
    await pilot.press("home")
    both("scrolled back home")
    await pilot.press("shift+end")
    both("with a selection")
    await pilot.press("end")
    bar.value = "wörd ünïcode ★ 漢字"  # wide characters: Input draws it
    await settle(pilot)
    both("wide characters")
    await pilot.press("enter")
    await settle(pilot)
    both("the list focused, a filter in force")
    app.app_focus = False  # the app blurred: Textual dims every line (a line filter)
    await pilot.pause()
    both("app blurred")
    app.app_focus = True
    app.theme = "dracula" if app.theme != "dracula" else "nord"  # kept styles are dropped
    await pilot.pause()
    both("another theme")
    await pilot.press("slash")
    await pilot.press("x")
    await settle(pilot)
    both("typing again in another theme")


async def test_one_line_widgets_draw_what_textual_draws(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await states(pilot, app)


async def test_one_line_widgets_draw_what_textual_draws_at_80_columns_in_a_light_theme(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        await states(pilot, app)


async def test_a_widget_with_a_border_is_left_to_textual(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        status = app.main.query_one(StatusLine)
        status.styles.border_left = ("solid", "red")
        await pilot.pause()
        assert not one_line.plain(status)
        region = Region(0, 0, *status.outer_size)
        assert cells(status.render_lines(region)) == cells(by_textual(status, region))
