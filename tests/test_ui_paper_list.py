"""How the list draws a paper's row: the title's look tells read from unread, with or without
a match highlighted in it."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual.color import Color
from textual.geometry import Region

from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from paperterm.ui.widgets.paper_list import PaperList

SIZE = (110, 30)
TITLE_COLUMN = 4
"""Where a row's title starts: a space, the unread mark, the star mark, a space."""


def catalogue() -> Catalog:
    titles = ["Sparse graph study", "Diffusion model study", "Robust agent study"] * 4
    return Catalog(
        [
            Paper(f"{number:012x}", title, ("An abstract.",), (), (), number)
            for number, title in enumerate(titles)
        ]
    )


def title_styles(paper_list: PaperList) -> dict[int, tuple[Style | None, Style | None]]:
    """For each row shown (by catalogue index): the style of its title's first cell and of its
    unread mark's cell."""
    region = paper_list.scrollable_content_region
    lines = paper_list.render_lines(Region(0, 0, region.width, region.height))
    styles = {}
    for row, strip in zip(paper_list.rows, lines, strict=False):
        cells = [(char, segment.style) for segment in strip for char in segment.text]
        styles[row] = (cells[TITLE_COLUMN][1], cells[1][1])
    return styles


def contrast(style: Style) -> float:
    """How far a style's text colour is from its background, in brightness (0 to 1)."""
    assert style.color is not None and style.bgcolor is not None
    text = Color.from_rich_color(style.color)
    background = Color.from_rich_color(style.bgcolor)
    return abs(text.brightness - background.brightness)


def check_titles(paper_list: PaperList, step: str) -> None:
    """Paper 0 is read, paper 2 unread: their titles (no match highlighted in them) look so."""
    paper_list.move_to(5)  # the cursor on neither row
    styles = title_styles(paper_list)
    read_title, read_mark = styles[0]
    unread_title, unread_mark = styles[2]
    assert read_title is not None and unread_title is not None, step
    assert unread_title.bold, step
    assert not read_title.bold, step
    assert read_title.color != unread_title.color, step
    # Muted: nearer its background than an unread title is (a colour with alpha, such as
    # $text-muted, once came out opaque white: brighter than the unread titles).
    assert contrast(read_title) < contrast(unread_title), step
    # The title is drawn as its mark column is: the row's read or unread style.
    assert read_title == read_mark and unread_title == unread_mark, step


async def test_read_and_unread_titles_look_different_with_no_match_shown(
    tmp_path: Path,
) -> None:
    """Unread titles are bold and read ones muted, as the list's styles say, whether or not a
    filter highlights a match in them (a title without a match was drawn in the list's plain
    style: read papers looked muted only where a match was highlighted)."""
    store = StateStore.open(tmp_path / "state.json")
    store.set_read(["000000000000", "000000000003"], True)
    app = PapertermApp(catalogue(), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper_list = app.main.paper_list
        check_titles(paper_list, "no filter")
        await pilot.press("slash", *"abstract")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(paper_list.rows) == 12 and paper_list._highlighter is not None
        check_titles(paper_list, "a filter matching the abstracts, not the titles")
