"""The list's lines, made and finished by paperterm (``PaperList.render_lines``: rows made in
styles put through the line filters beforehand, rows and blank lines kept by what they show), are
the lines Textual's styles cache makes of the list's plain ``render_line``: the same characters
in the same styles, cell by cell, in every state met, and never a line kept from another state."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from paperterm.catalog import Catalog
from paperterm.model import Metadata, Paper, Source
from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from paperterm.ui.widgets.paper_list import PaperList
from pilot import settle

Cells = list[tuple[str, Style | None]]
WORDS = ["sparse", "graph", "diffusion", "model", "vision", "robust", "agent", "speech"]


def catalogue() -> Catalog:
    papers = []
    for number in range(120):
        title = f"{WORDS[number % 8].title()} {WORDS[number * 3 % 8]} study number {number}"
        if number % 7 == 3:
            title += " with a very long tail that does not fit in the list's width " * 2
        if number % 11 == 5:
            title = f"漢字 wide {title}"
        sources = tuple(Source(f"dump{n}.txt", n, n) for n in range(number % 4 or 101))
        papers.append(Paper(f"{number:012x}", title, ("An abstract.",), sources, (), number))
    return Catalog(papers)


def cells(lines: list[Strip]) -> list[Cells]:
    return [[(char, segment.style) for segment in line for char in segment.text] for line in lines]


def by_textual(paper_list: PaperList, crop: Region) -> list[Strip]:
    """The lines as Textual's styles cache finishes the list's own ``render_line``."""
    paper_list._styles_cache.clear()
    return Widget.render_lines(paper_list, crop)


def check(paper_list: PaperList, step: str) -> None:
    region = paper_list.scrollable_content_region
    whole = Region(0, 0, region.width, region.height)
    crops = (
        whole,  # what a frame asks for: the rows, without the scroll bar's columns
        Region(0, 0, paper_list.size.width, region.height),  # a full repaint: with them
        Region(0, 2, region.width, 5),
        Region(3, 0, region.width - 9, 4),
        Region(region.width - 5, 3, 5 + paper_list.size.width - region.width, 2),
    )
    for crop in crops:
        assert cells(paper_list.render_lines(crop)) == cells(by_textual(paper_list, crop)), (
            step,
            crop,
        )
    for crop in crops[2:]:  # asked first, the lines drawn before dropped (as after a key)
        paper_list._drawn.clear()
        assert cells(paper_list.render_lines(crop)) == cells(by_textual(paper_list, crop)), (
            step,
            crop,
            "asked first",
        )


class Shout(LineFilter):
    """A line filter that changes text, not only styles (the list then finishes lines as
    Textual does, segment by segment)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text.upper(), style, control) for text, style, control in segments]


async def states(pilot: Pilot[None], app: PapertermApp) -> None:
    paper_list = app.main.paper_list
    check(paper_list, "at the start")
    for keys in (("j", "j"), ("s",), ("r",), ("j", "r", "s"), ("pagedown",), ("G",), ("g",)):
        await pilot.press(*keys)
        await settle(pilot)
        check(paper_list, " ".join(keys))
    await pilot.press("slash", *"study nu")  # highlights in every row
    await settle(pilot)
    check(paper_list, "filtered, highlights")
    await pilot.press(*"mber 1")
    await settle(pilot)
    check(paper_list, "filtered, other highlights")
    await pilot.press("ctrl+u", *"diffusin")  # a typo: close matches under a divider
    await settle(pilot)
    assert paper_list.divider is not None or paper_list.rows
    check(paper_list, "close matches")
    await pilot.press("ctrl+u", *"zzzq")  # nothing: the hint
    await settle(pilot)
    assert not paper_list.rows
    check(paper_list, "nothing found")
    await pilot.press("ctrl+u", *"xxxq")  # another hint: the one kept must not show
    await settle(pilot)
    check(paper_list, "nothing found again")
    await pilot.press("ctrl+u", *"agent")
    await settle(pilot)
    check(paper_list, "found again, the filter focused")
    await pilot.press("enter", "j")
    await settle(pilot)
    check(paper_list, "the list focused")
    app.app_focus = False  # the app blurred: Textual dims every line (a line filter)
    await pilot.pause()
    check(paper_list, "app blurred")
    app.app_focus = True
    await pilot.pause()
    check(paper_list, "app focused again")
    app.theme = "textual-light" if app.theme != "textual-light" else "nord"
    await pilot.pause()
    check(paper_list, "another theme")
    filters = app._filters
    filters.append(Monochrome())
    paper_list.refresh()
    await pilot.pause()
    check(paper_list, "monochrome")
    filters.pop()
    filters.append(Shout())
    paper_list.refresh()
    await pilot.pause()
    check(paper_list, "a filter that changes text")
    filters.pop()
    paper_list.refresh()
    await pilot.pause()
    check(paper_list, "no extra filter")
    app.main.catalog.set_meta({f"{n:012x}": Metadata(upvotes=1200 + n) for n in range(0, 120, 3)})
    app.main._refilter(keep=paper_list.current)
    await settle(pilot)
    check(paper_list, "votes column")


async def test_the_list_draws_what_textual_draws(tmp_path: Path) -> None:
    app = PapertermApp(catalogue(), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        await states(pilot, app)


async def test_the_list_draws_what_textual_draws_at_80_columns_in_a_light_theme(
    tmp_path: Path,
) -> None:
    app = PapertermApp(catalogue(), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        await states(pilot, app)
