"""The status line's and the filter bar's lines, drawn and finished by paperterm
(paperterm/ui/widgets/one_line.py, FilterBar.render_line), are the lines Textual draws: the
same characters in the same styles, cell by cell, in every state met."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import Monochrome
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


def test_a_line_is_a_strip_made_for_less() -> None:
    """one_line.Line leaves Strip's caches to be made when first used: every slot of Strip is
    one it sets or one of those caches (a slot added by another Textual fails here), each made
    as Strip makes it, and a Line does what a Strip does."""
    made = Strip([Segment("x")])
    assert set(Strip.__slots__) == set(one_line.Line.CACHES) | {
        "_segments",
        "_cell_length",
        "_render_cache",
        "_link_ids",
        "_cell_count",
    }
    for name, size in one_line.Line.CACHES.items():
        assert getattr(made, name)._maxsize == size
    bold, red = Style(bold=True), Style(color="red")
    segments = [Segment("abc ", bold), Segment("déf", red), Segment("  ", bold + red)]
    line, strip = one_line.Line(list(segments), 9), Strip(segments, 9)
    assert isinstance(line, Strip)
    for cut in ((0, 9), (2, 5), (0, 20)):
        assert list(line.crop(*cut)) == list(strip.crop(*cut))
    assert line.crop(2, 5) is line.crop(2, 5)  # kept, as a Strip keeps it
    assert list(line.crop_extend(1, 12, red)) == list(strip.crop_extend(1, 12, red))
    assert list(line.extend_cell_length(12, red)) == list(strip.extend_cell_length(12, red))
    assert list(line.apply_style(red)) == list(strip.apply_style(red))
    assert list(line.apply_filter(Monochrome(), Color(0, 0, 0))) == list(
        strip.apply_filter(Monochrome(), Color(0, 0, 0))
    )
    assert [list(part) for part in line.divide([3, 9])] == [
        list(part) for part in strip.divide([3, 9])
    ]
    assert line.render(Console()) == strip.render(Console())
    assert (line.text, line.cell_length, line.link_ids) == (strip.text, 9, strip.link_ids)
    try:
        line.no_such_thing  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("a Line has no attribute Strip has not")
