"""The reader paints only what changed (issue 17): what the terminal ends up showing after each key
must equal a full repaint from scratch, with the list's kept lines thrown away first."""

from __future__ import annotations

import itertools
import re
import threading
from concurrent.futures import Future
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate, LayoutUpdate
from textual.filter import Monochrome
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets._toast import Toast

from paperterm.catalog import Catalog
from paperterm.model import Metadata, Paper
from paperterm.state import StateStore
from paperterm.triage import Counts, Selection, Triage
from paperterm.ui.app import PapertermApp
from paperterm.ui.compositor import (
    LinesUpdate,
    PartialCompositor,
    _across,
    _in_sight,
    _minus,
    _owners,
)
from paperterm.ui.screens import main as main_screen
from paperterm.ui.screens.main import MainScreen
from paperterm.ui.widgets.filter_bar import FilterBar
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.paper_list import (
    PaperList,
    _Look,
    _title_segments,
)
from paperterm.ui.widgets.scroll_bar import KeptLinesScrollBar
from paperterm.ui.widgets.status_line import StatusLine

SIZE = (110, 30)
Cell = tuple[str, Style | None]


class Terminal:
    """The cells a terminal would show after the app's frames (text and style per cell)."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.cells: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]

    def put(self, x: int, y: int, strip: Strip) -> None:
        row = self.cells[y]
        for segment in strip:
            for char in segment.text:
                if 0 <= x < self.width:
                    row[x] = (char, segment.style)
                x += cell_len(char)

    def apply(self, update: object) -> None:
        """Apply a frame as the terminal driver writes it."""
        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    self.put(x, y, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, chop) in zip(
                    update.chop_ends[y], update.chops[y].items(), strict=True
                ):
                    if chop is None or x > x2 or end <= x1:
                        continue
                    self.put(x, y, chop.crop(0, min(end, x2) - x))

    def text(self, region: Region) -> list[str]:
        return [
            "".join(char for char, _ in self.cells[y][region.x : region.right])
            for y in range(region.y, region.bottom)
        ]

    def area(self, region: Region) -> list[list[Cell]]:
        return [self.cells[y][region.x : region.right] for y in range(region.y, region.bottom)]


class Written:
    """The cells a terminal shows after the bytes a driver writes: per cell its text, SGR codes
    and link (a small emulator of what Textual writes: cursor moves, SGR, OSC 8 links, and the
    new lines between a frame's lines); None where nothing was written."""

    SEQUENCE = re.compile(
        r"\x1b\[(\d+);(\d+)H|\x1b\[([0-9;]*)m|\x1b\]8;[^;\x1b]*;([^\x1b]*)\x1b\\|(\n)|([^\x1b\n]+)"
    )

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.cells: list[list[tuple[str, str, str] | None]] = [
            [None] * width for _ in range(height)
        ]

    def write(self, data: str) -> None:
        x = y = 0
        codes = link = ""
        position = 0
        for match in self.SEQUENCE.finditer(data):
            assert match.start() == position, f"not understood: {data[position:][:20]!r}"
            position = match.end()
            row, column, sgr, url, newline, text = match.groups()
            if row is not None:
                y, x = int(row) - 1, int(column) - 1
            elif sgr is not None:
                codes = "" if sgr in ("", "0") else f"{codes};{sgr}"
            elif url is not None:
                link = url
            elif newline:
                assert y + 1 < self.height, "a new line on the last line scrolls the screen"
                y, x = y + 1, 0
            else:
                for char in text:
                    width = cell_len(char)
                    line = self.cells[y]
                    if width == 0:
                        before = line[x - 1] if x else None
                        if before is not None:
                            line[x - 1] = (before[0] + char, *before[1:])
                        continue
                    assert 0 <= y < self.height and 0 <= x <= self.width - width, (x, y, char)
                    line[x] = (char, codes, link)
                    if width == 2:
                        line[x + 1] = ("", codes, link)
                    x += width
        assert position == len(data), f"not understood: {data[position:][:20]!r}"

    def text(self, region: Region) -> list[str]:
        return [
            "".join(
                " " if cell is None else cell[0] for cell in self.cells[y][region.x : region.right]
            )
            for y in range(region.y, region.bottom)
        ]


class BesideTextual:
    """Two terminals fed with the app's frames: ``drawn``, the bytes the app writes; ``textual``,
    for each partial frame the main screen made directly from the widgets' lines, the bytes
    Textual's own step writes for the same changed regions instead (the other frames as drawn).
    ``direct``: per partial frame of the main screen, whether it was made directly."""

    def __init__(self, app: PapertermApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = app
        self.drawn = Written(*app.size)
        self.textual = Written(*app.size)
        self.direct: list[bool] = []
        again: dict[int, ChopsUpdate | None] = {}
        make = PartialCompositor.render_partial_update

        def made_twice(compositor: PartialCompositor) -> ChopsUpdate | None:
            regions = set(compositor._dirty_regions)
            update = make(compositor)
            if isinstance(update, LinesUpdate):
                self.direct.append(update.direct)
                if update.direct:
                    compositor._dirty_regions.update(regions)
                    again[id(update)] = Compositor.render_partial_update(compositor)
                    assert not compositor._dirty_regions
            return update

        monkeypatch.setattr(PartialCompositor, "render_partial_update", made_twice)
        display = app._display

        def painted(screen: Any, update: Any) -> None:
            display(screen, update)
            if not isinstance(update, CompositorUpdate):
                return
            if isinstance(update, LayoutUpdate) and update.region.size != (
                self.drawn.width,
                self.drawn.height,
            ):
                self.drawn = Written(*update.region.size)  # resized: a new screen
                self.textual = Written(*update.region.size)
            data = update.render_segments(app.console)
            self.drawn.write(data)
            instead = again.pop(id(update), update)
            self.textual.write(
                data
                if instead is update or instead is None
                else instead.render_segments(app.console)
            )

        app._display = painted  # type: ignore[method-assign,assignment]

    async def check(self, pilot: Pilot[None], step: str) -> None:
        """After ``step`` has been drawn: both terminals show the same cells; the list, the
        status line and the filter bar show what a full repaint would."""
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert self.drawn.cells == self.textual.cells, step
        app = self.app
        if app.screen is not app.main:
            return
        full = Written(*app.size)
        for widget in app.screen.walk_children(with_self=True):
            widget._styles_cache.clear()  # type: ignore[attr-defined]
        app.main.paper_list._lines_cache.clear()
        app.main.paper_list._drawn.clear()
        full.write(app.screen._compositor.render_full_update().render_segments(app.console))
        for widget in (app.main.paper_list, app.main.query_one("#status"), app.main._filter_bar):
            region = widget.region
            rows = range(region.y, region.bottom)
            columns = slice(region.x, region.right)
            assert [self.drawn.cells[y][columns] for y in rows] == [
                full.cells[y][columns] for y in rows
            ], (step, widget, self.drawn.text(region), full.text(region))


def many_papers(count: int) -> Catalog:
    words = ["sparse", "graph", "diffusion", "model", "vision", "robust", "agent", "speech"]
    papers = [
        Paper(
            f"{number:012x}",
            f"{words[number % 8].title()} {words[number * 3 % 8]} study number {number}",
            (f"An abstract about {words[number % 8]} and {words[number * 5 % 8]}, {number}.",),
            (),
            (),
            number,
        )
        for number in range(count)
    ]
    return Catalog(papers)


def watch_frames(app: PapertermApp) -> Terminal:
    terminal = Terminal(*SIZE)
    display = app._display

    def painted(screen: object, update: object) -> None:
        display(screen, update)  # type: ignore[arg-type]
        terminal.apply(update)

    app._display = painted  # type: ignore[method-assign,assignment]
    return terminal


async def from_the_first_frame(pilot: Pilot[None], app: PapertermApp) -> Terminal:
    """A terminal that takes every frame written from now on, the first one given whole."""
    terminal = watch_frames(app)
    await pilot.pause()
    terminal.apply(app.screen._compositor.render_full_update())
    return terminal


def from_scratch(app: PapertermApp) -> Terminal:
    """A full repaint, every widget's kept lines (and the list's own) thrown away first."""
    for widget in app.screen.walk_children(with_self=True):
        widget._styles_cache.clear()  # type: ignore[attr-defined]
    app.main.paper_list.forget_lines()
    bar = app.main.paper_list.vertical_scrollbar
    assert isinstance(bar, KeptLinesScrollBar)
    bar.forget_lines()
    terminal = Terminal(*SIZE)
    terminal.apply(app.screen._compositor.render_full_update())
    return terminal


async def same_as_a_full_repaint(pilot: Pilot[None], terminal: Terminal, step: str) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, PapertermApp)
    full = from_scratch(app)
    paper_list = app.main.paper_list
    for region in (paper_list.region, app.main.query_one("#status").region):
        assert terminal.text(region) == full.text(region), step
        assert terminal.area(region) == full.area(region), step


@pytest.mark.parametrize("focus_on_list", [True, False])
async def test_each_frame_paints_what_a_full_repaint_would(
    tmp_path: Path, focus_on_list: bool
) -> None:
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        terminal = await from_the_first_frame(pilot, app)
        steps: list[tuple[str, ...]] = [
            ("j",),
            ("j", "j", "k"),
            ("s",),  # star: the row's mark changes, the cursor stays
            ("r", "j"),  # read: the next row is drawn read, the cursor moves
            ("pagedown",),  # scrolls
            ("j",) * 3,
            ("G",),
            ("k",),
            ("g",),
            ("slash", "g", "r", "a"),  # filter: other rows, highlights
            ("enter", "j", "j"),
            ("escape",),  # back to every paper, the cursor kept
            ("u",),  # undo the read mark
            ("j", "theme"),  # another theme: every colour changes
        ]
        for keys in steps:
            if "theme" in keys:
                app.theme = "textual-light" if app.theme != "textual-light" else "nord"
                keys = keys[:-1]
            await pilot.press(*keys)
            if not focus_on_list and keys == ("g",):
                await pilot.press("slash")  # the list loses focus: its cursor looks different
            await same_as_a_full_repaint(pilot, terminal, " ".join(keys))


async def test_new_rows_scroll_the_list_and_size_its_bar_as_a_full_repaint_would(
    tmp_path: Path,
) -> None:
    """A filter's rows handed to the list tell its scroll bar their number and scroll the list
    as far as they go (PaperList._resize_content and _scroll_to_line, which leave out what
    cannot change), from the bottom of the list, from its top, and back to every paper at
    the paper found."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        terminal = await from_the_first_frame(pilot, app)
        paper_list = app.main.paper_list
        bar = paper_list.vertical_scrollbar
        steps: list[tuple[str, ...]] = [
            ("G",),  # the bottom of the list
            ("slash", "g", "r", "a", "p", "h"),  # fewer rows, still more than a screen
            ("space", "s", "t", "u", "d", "y", "space", "n", "u", "m", "b", "e", "r", "space"),
            ("1", "0"),  # fewer rows than the screen
            ("backspace", "backspace"),
            ("enter", "G"),
            ("escape",),  # every paper again, at the paper found
        ]
        scrolled = []
        for keys in steps:
            await pilot.press(*keys)
            await same_as_a_full_repaint(pilot, terminal, " ".join(keys))
            assert paper_list.scroll_y == paper_list.scroll_target_y
            assert 0 <= paper_list.scroll_y <= paper_list.max_scroll_y
            assert bar.window_virtual_size == paper_list.virtual_size.height
            assert paper_list.virtual_size.height == len(paper_list.rows) + (
                paper_list.divider is not None
            )
            cursor_line = paper_list.cursor + (
                paper_list.divider is not None and paper_list.cursor >= paper_list.divider
            )
            height = paper_list.scrollable_content_region.height
            assert paper_list.scroll_y <= cursor_line < paper_list.scroll_y + height
            scrolled.append(paper_list.scroll_y)
        assert scrolled[0] > 0 and 0 in scrolled  # from the bottom and from the top


@pytest.mark.parametrize("size", [(110, 30), (80, 24)])
async def test_a_frame_made_from_the_widgets_lines_writes_what_textuals_step_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Each partial frame of the main screen is made directly from the changed widgets' lines
    (paperterm.ui.compositor, a Textual private API): its bytes leave the terminal with the
    very cells Textual's own step would, with toasts over the list, a dialog over the
    screen and back, another theme, another size; and the panes show a full repaint."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=size, notifications=True) as pilot:
        status = app.main.query_one(StatusLine)
        while status.indexing:
            await pilot.pause(0.05)
        beside = BesideTextual(app, monkeypatch)
        app.screen.refresh()  # a whole frame first: both terminals start from it
        await beside.check(pilot, "start")
        steps: list[tuple[str, ...]] = [
            ("j",),
            ("j", "j", "k"),
            ("s", "r", "j"),
            ("pagedown",),
            ("slash", "g"),
            ("r",),
            ("a",),
            ("backspace",),
            ("space", "s"),
            ("enter", "j"),
            ("notify",),  # a toast, many lines high, over the list's bottom and the status line
            ("k",),
            ("slash", "d"),
            ("i", "f"),
            ("enter", "j", "j", "s"),
            ("question_mark",),  # help: a dialog over the main screen
            ("escape",),
            ("escape", "G"),
            ("k", "theme"),
            ("slash", "m", "o"),
            ("resize",),
            ("d", "e"),
            ("enter", "k", "g"),
        ]
        for keys in steps:
            if keys == ("notify",):
                app.notify("\n".join(f"line {n} of a long note" for n in range(12)), timeout=60)
                await beside.check(pilot, "notify")
                toast = app.screen.query_one(Toast)
                assert toast.region.overlaps(app.main.paper_list.region)
                continue
            elif keys == ("resize",):
                await pilot.resize_terminal(size[0] - 7, size[1] - 3)
            elif "theme" in keys:
                await pilot.press(*keys[:-1])
                app.theme = "textual-light" if app.theme != "textual-light" else "nord"
            else:
                await pilot.press(*keys)
            await beside.check(pilot, " ".join(keys))
        assert beside.direct.count(True) > 20
        assert False not in beside.direct  # no frame needed Textual's step


def written_lines(app: PapertermApp, widget: Widget) -> list[int]:
    """The lines of ``widget`` (from its top) each partial frame from now on writes to the
    terminal, its scroll bars left out (a layout of the screen, when the detail pane changes
    size, writes every line, and the scroll bars)."""
    written: list[int] = []
    display = app._display
    layout = app.screen._refresh_layout
    in_layout = [False]

    def laid_out(*args: Any, **kwargs: Any) -> None:
        in_layout[0] = True
        try:
            layout(*args, **kwargs)
        finally:
            in_layout[0] = False

    def painted(screen: object, update: object) -> None:
        display(screen, update)  # type: ignore[arg-type]
        region = widget.scrollable_content_region
        if isinstance(update, ChopsUpdate) and not in_layout[0]:
            written.extend(
                y - region.y
                for y, x1, x2 in update.spans
                if region.y <= y < region.bottom and x1 < region.right and x2 > region.x
            )

    app._display = painted  # type: ignore[method-assign,assignment]
    app.screen._refresh_layout = laid_out  # type: ignore[method-assign]
    return written


def rows_made(paper_list: PaperList) -> list[tuple[int, bool]]:
    """The rows the list makes from now on: (paper, under the cursor)."""
    made: list[tuple[int, bool]] = []
    render_row = paper_list._render_row

    def counted(paper: Paper, *args: Any) -> Any:
        made.append((paper.index, args[-1]))
        return render_row(paper, *args)

    paper_list._render_row = counted  # type: ignore[method-assign,assignment]
    return made


async def test_rows_kept_are_not_shown_for_papers_given_new_metadata(tmp_path: Path) -> None:
    """Metadata looked up gives the catalogue new papers at the same indices: the list draws
    them anew (upvotes and stars column), not the rows it kept for the old ones."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        terminal = await from_the_first_frame(pilot, app)
        shown = terminal.text(app.main.paper_list.region)
        app.main.catalog.set_meta({f"{n:012x}": Metadata(upvotes=1200 + n) for n in range(300)})
        app.main._refilter(keep=app.main.paper_list.current)
        await same_as_a_full_repaint(pilot, terminal, "metadata")
        assert terminal.text(app.main.paper_list.region) != shown
        assert "▲1.2k" in terminal.text(app.main.paper_list.region)[0]


async def test_the_cursor_moving_repaints_two_lines_and_makes_one_row(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper_list = app.main.paper_list
        written = written_lines(app, paper_list)
        made = rows_made(paper_list)
        height = paper_list.scrollable_content_region.height
        for line in range(1, height):
            written.clear()
            made.clear()
            await pilot.press("j")
            await pilot.pause()
            assert sorted(written) == [line - 1, line]  # the line left and the line reached
            # The row reached is made with the cursor on it; the row left was made without it
            # for the first frame (but the first row, which had the cursor then).
            assert made == ([(0, False)] if line == 1 else []) + [(line, True)]
        made.clear()
        await pilot.press("k", "k", "j", "j")  # every look of these rows was made before
        await pilot.pause()
        assert made == []
        written.clear()
        await pilot.press("j")  # scrolls by one: every line is written again...
        await pilot.pause()
        assert paper_list.scroll_y == 1
        assert sorted(set(written)) == list(range(height))
        # ...but only the row that came into view is made: the others, the one the cursor
        # left included, were made before and kept.
        assert made == [(height, True)]


async def test_a_filter_key_makes_only_the_rows_that_look_different(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        paper_list = app.main.paper_list
        await pilot.press("slash", *"study")  # in every title
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        height = paper_list.scrollable_content_region.height
        made = rows_made(paper_list)
        await pilot.press("space")  # the same rows, the same highlights: nothing to make
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main.filter_text == "study "
        assert made == []
        await pilot.press("n")  # "study n": "number" highlighted too, in every row shown
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert len(made) == height
        made.clear()
        await pilot.press("backspace")  # back to rows made before
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert made == []


async def quiet(pilot: Pilot[None], rendered: list[Widget]) -> None:
    """Wait until two pauses in a row render nothing (what the app was still drawing is drawn)."""
    calm = 0
    for _ in range(100):
        rendered.clear()
        await pilot.pause()
        calm = calm + 1 if not rendered else 0
        if calm == 2:
            rendered.clear()
            return
    raise AssertionError("the screen kept drawing")


async def test_a_frame_renders_only_the_widgets_under_what_changed(tmp_path: Path) -> None:
    """The filter bar and the status line change with every filter key: the frame drawing them
    asks no other widget for its lines, though the rectangle around both is the whole screen
    (paperterm.ui.compositor, a Textual private API)."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        status = app.main.query_one(StatusLine)
        while status.indexing:  # the index made: the status line says so, in a frame of its own
            await pilot.pause(0.05)
        await pilot.pause()
        rendered: list[Widget] = []
        for widget in app.screen.walk_children(Widget, with_self=True):
            render_lines = widget.render_lines

            def counted(crop: Region, widget: Widget = widget, original: Any = render_lines) -> Any:
                rendered.append(widget)
                return original(crop)

            widget.render_lines = counted  # type: ignore[method-assign]
        await quiet(pilot, rendered)  # the list restyles itself as it takes the focus
        bar = app.main.query_one(FilterBar)
        bar.refresh()
        status.refresh()
        await pilot.pause()
        assert bar in rendered and status in rendered
        detail = app.main.query_one(PaperDetail)
        assert not {detail, *detail.walk_children()} & set(rendered)
        assert app.main.paper_list not in rendered
        rendered.clear()
        app.main.paper_list.refresh()
        await pilot.pause()
        assert app.main.paper_list in rendered
        assert not {detail, *detail.walk_children(), bar, status} & set(rendered)
        # Nor the screen and the panes behind the list: the list covers them there.
        assert app.screen not in rendered
        assert app.main.query_one("#panes") not in rendered


def planned_regions(compositor: PartialCompositor) -> list[frozenset[Region]]:
    """Each set of changed regions the compositor plans a frame for, from now on."""
    planned: list[frozenset[Region]] = []
    plan = compositor._plan

    def counted(regions: Any) -> Any:
        planned.append(frozenset(regions))
        return plan(regions)

    compositor._plan = counted  # type: ignore[method-assign]
    return planned


async def test_frames_that_alternate_are_planned_once_while_the_layout_holds(
    tmp_path: Path,
) -> None:
    """A filter key's frame and the detail pane's frame after it repaint other regions: what to
    ask of which widget is worked out once for each while the screen is laid out the same, not
    again for every frame (paperterm.ui.compositor)."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        compositor = app.main._compositor
        assert isinstance(compositor, PartialCompositor)
        planned = planned_regions(compositor)
        detail = app.main.query_one(PaperDetail)
        shown = []
        for key in ["g", "backspace", "d", "backspace"] * 2:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            shown.append(detail._shown_id)
        assert len(set(shown)) == 2  # the pane drew another paper: frames alternated
        assert planned and len(planned) == len(set(planned))


async def test_a_filter_key_s_plan_outlasts_a_run_of_cursor_keys(tmp_path: Path) -> None:
    """Each cursor key repaints its own pair of lines, a set of regions of its own: a run of
    them drops the plans least used last, not the filter key's, which the next query's first
    letter finds ready (paperterm.ui.compositor.PLANS)."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        compositor = app.main._compositor
        assert isinstance(compositor, PartialCompositor)
        bar = app.main.query_one(FilterBar).region
        papers = app.main.paper_list.region
        status = app.main.query_one(StatusLine).region
        filter_key = {bar, papers, status}
        planned = planned_regions(compositor)
        cursor_keys = [
            {Region(papers.x, papers.y + line, papers.width, 1) for line in (row, row + 1)}
            for row in range(papers.height - 1)
        ]
        for regions in [filter_key, *cursor_keys, filter_key]:
            assert compositor._direct_update(regions) is not None
        assert len(cursor_keys) > 8  # more sets of regions than were kept before
        assert planned.count(frozenset(filter_key)) == 1
        assert len(planned) == 1 + len(cursor_keys)


async def test_the_list_scroll_bar_draws_what_textual_would(tmp_path: Path) -> None:
    """The list's scroll bar draws a line from the one it kept for the same segment: for every
    length of the list, scroll position and look, the lines Textual's own drawing gives."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper_list = app.main.paper_list
        bar = paper_list.vertical_scrollbar
        assert isinstance(bar, KeptLinesScrollBar)
        assert bar.display
        region = bar.size.region

        def check() -> None:
            for hover in (False, True, False):
                bar.mouse_over = hover
                drawn = bar.render_lines(region)
                bar._styles_cache.clear()
                by_textual = ScrollBar.render_lines(bar, region)
                assert [list(line) for line in drawn] == [list(line) for line in by_textual]
                part = Region(region.x, 2, region.width, 3)
                assert [list(line) for line in bar.render_lines(part)] == [
                    list(line) for line in by_textual[2:5]
                ]

        for rows in (300, 299, 150, 77, 40, 31, 300, 150):
            app.main.paper_list.set_rows(app.main.papers, range(rows))
            for y in (0, 1, rows // 3, rows // 2, rows, 0):
                paper_list.scroll_to(y=y, animate=False, immediate=True)
                await pilot.pause()
                check()
        # A few kinds of line, whatever the length and place: the track above and below the
        # thumb, the thumb, its two ends in 7 glyphs each; in each of the two looks.
        assert len(bar._kept) <= 2 * (3 + 2 * 7)
        # The same bar in other looks: the lines kept for the old look are not shown.
        app.app_focus = False  # Textual dims every line (a line filter)
        await pilot.pause()
        check()
        app.app_focus = True
        app.theme = "textual-light"
        await pilot.pause()
        check()
        app.set_focus(None)  # the list's bar in the colours of a list without the focus
        await pilot.pause()
        check()
        app._filters.append(Monochrome())
        check()


async def test_the_status_line_draws_what_textual_would(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = app.main.query_one(StatusLine)
        cases: list[dict[str, Any]] = [
            {},
            {"counts": Counts(12, 3, 4, 5)},
            {"indexing": True, "titles_only": True},
            {"read_only": True, "unsaved": 3, "messages": 2},
            {"activity": "looking up 3/10"},
            {"activity": "a long look-up " * 12},  # does not fit: Textual draws it
        ]
        for case in cases:
            for name, value in case.items():
                setattr(status, name, value)
            await pilot.pause()
            status._render_content()
            by_textual = Widget.render_line(status, 0)
            assert list(status.render_line(0)) == list(by_textual), case
            assert status.render_line(0).cell_length == by_textual.cell_length


rectangles = st.builds(
    Region, st.integers(0, 9), st.integers(0, 9), st.integers(0, 6), st.integers(0, 6)
)


@settings(max_examples=300, deadline=None)
@given(front_first=st.lists(rectangles, max_size=6), changed=st.lists(rectangles, max_size=3))
def test_a_frame_asks_the_widgets_that_show_in_what_changed(
    front_first: list[Region], changed: list[Region]
) -> None:
    """Cell by cell, the front-most widget over each changed cell is asked, and no other."""
    widgets = {cast(Widget, number): (region, region) for number, region in enumerate(front_first)}
    showing = {
        next(w for w, (region, _) in widgets.items() if region.contains(x, y))
        for part in changed
        for y in range(part.y, part.bottom)
        for x in range(part.x, part.right)
        if any(region.contains(x, y) for region, _ in widgets.values())
    }
    assert set(_in_sight(widgets, changed)) == showing


@settings(max_examples=300, deadline=None)
@given(front_first=st.lists(rectangles, max_size=6), changed=st.lists(rectangles, max_size=4))
def test_each_changed_cell_goes_to_the_front_most_widget_over_it_once(
    front_first: list[Region], changed: list[Region]
) -> None:
    """The parts a frame made from the widgets' lines asks each widget for: every changed cell
    under a widget is in a part of the front-most widget over it, no other cell in any part,
    and within one region no cell twice."""
    widgets = [cast(Widget, number) for number in range(len(front_first))]
    areas = [(widget, region, region) for widget, region in zip(widgets, front_first, strict=True)]
    owned = _owners(areas, [region for region in changed if region])
    expected = {
        (x, y): next(w for w, region, _ in areas if region.contains(x, y))
        for part in changed
        for y in range(part.y, part.bottom)
        for x in range(part.x, part.right)
        if any(region.contains(x, y) for _, region, _ in areas)
    }
    given_to = {
        (x, y): widget
        for widget, (_, parts) in owned.items()
        for part in parts
        for y in range(part.y, part.bottom)
        for x in range(part.x, part.right)
    }
    assert given_to == expected
    assert all(owned[widget][0] == front_first[cast(int, widget)] for widget in owned)
    for region in changed:
        alone = _owners(areas, [region] if region else [])
        cells = [
            (x, y)
            for _, parts in alone.values()
            for part in parts
            for y in range(part.y, part.bottom)
            for x in range(part.x, part.right)
        ]
        assert len(cells) == len(set(cells))


def spans_of_cells(lines: list[str], kind: str) -> list[tuple[int, int, int]]:
    """The spans (line, start, end) of the runs of ``kind`` in lines of one letter a cell; a
    capital starts a new span (a bar beside another bar)."""
    spans: list[tuple[int, int, int]] = []
    for y, line in enumerate(lines):
        for x, cell in enumerate(line):
            if cell.lower() != kind:
                continue
            if spans and spans[-1][0] == y and spans[-1][2] == x and not cell.isupper():
                spans[-1] = (y, spans[-1][1], x + 1)
            else:
                spans.append((y, x, x + 1))
    return spans


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.text(alphabet="o.bB", max_size=12), min_size=1, max_size=3))
def test_a_widget_writes_on_across_its_scroll_bars(lines: list[str]) -> None:
    """A widget's spans (o) run on to the right across its bars' spans (b, B: another bar)
    and its own spans they reach, never across a cell of neither, nor to the left."""
    lines = [line.replace("O", "o") for line in lines]
    own = spans_of_cells([line.upper().replace("O", "o") for line in lines], "o")
    bars = spans_of_cells(lines, "b")
    expected = []
    for y, line in enumerate(lines):
        run: list[int] = []
        for x, cell in enumerate([*line, "."]):
            if cell == "o" or (cell in "bB" and run and run[-1] == x - 1):
                run.append(x)
            elif run:
                expected.append((y, run[0], run[-1] + 1))
                run = []
    assert _across(own, bars) == expected


styles = st.sampled_from(
    [None, Style(bold=True), Style(color="red", bgcolor="#102030"), Style(link="https://a.b/c")]
)


@st.composite
def chopped_frames(
    draw: st.DrawFn,
) -> tuple[list[dict[int, Strip | None]], list[list[int]], list[tuple[int, int, int]]]:
    """Lines cut into chops (some empty), and spans of them to write, as Textual makes them."""
    width, height = 24, 4
    chops: list[dict[int, Strip | None]] = []
    ends: list[list[int]] = []
    spans: list[tuple[int, int, int]] = []
    for y in range(height):
        cuts = sorted({0, width, *draw(st.lists(st.integers(1, width - 1), max_size=5))})
        line: dict[int, Strip | None] = {}
        for x, end in itertools.pairwise(cuts):
            pieces = draw(st.lists(st.tuples(st.integers(1, 4), styles), min_size=1, max_size=3))
            segments = []
            left = end - x
            for length, style in pieces:
                length = min(length, left)
                if length:
                    segments.append(Segment("abcdefghij"[:length], style))
                    left -= length
            if left:
                segments.append(Segment("-" * left))
            line[x] = None if draw(st.booleans()) and draw(st.booleans()) else Strip(segments)
        chops.append(line)
        ends.append(cuts[1:])
        points = sorted(set(draw(st.lists(st.integers(0, width), max_size=4))))
        spans += [(y, x1, x2) for x1, x2 in zip(points[::2], points[1::2], strict=False)]
    if not spans:
        spans = [(0, 0, width)]
    return chops, ends, spans


@settings(max_examples=300, deadline=None)
@given(frame=chopped_frames())
def test_a_partial_frame_is_written_in_the_bytes_textual_writes(
    frame: tuple[list[dict[int, Strip | None]], list[list[int]], list[tuple[int, int, int]]],
) -> None:
    chops, ends, spans = frame
    console = Console(color_system="truecolor")
    assert LinesUpdate(chops, spans, ends, direct=True).render_segments(console) == (
        ChopsUpdate(chops, spans, ends).render_segments(console)
    )


@given(region=rectangles, cover=rectangles)
def test_a_region_minus_a_cover_leaves_its_cells_outside_the_cover(
    region: Region, cover: Region
) -> None:
    parts = _minus(region, cover)
    cells = [
        (x, y)
        for part in parts
        for y in range(part.y, part.bottom)
        for x in range(part.x, part.right)
    ]
    assert len(cells) == len(set(cells))  # no cell twice
    assert set(cells) == {
        (x, y)
        for y in range(region.y, region.bottom)
        for x in range(region.x, region.right)
        if not cover.contains(x, y)
    }


points = st.lists(st.integers(0, 34), unique=True, max_size=8).map(sorted)


@settings(max_examples=500, deadline=None)
@given(
    title=st.one_of(
        st.text(alphabet=st.sampled_from("ab Z-中文😀e\u0301…"), max_size=30),
        st.text(alphabet=st.sampled_from("ab Z-"), max_size=30),  # ASCII: a cell a character
    ),
    room=st.integers(1, 25),
    spans=st.one_of(
        st.lists(st.tuples(st.integers(0, 34), st.integers(0, 34)), max_size=4),
        points.map(lambda at: list(zip(at[::2], at[1::2], strict=False))),  # in order, apart
        points.map(lambda at: list(pairwise(at))),  # in order, touching
    ),
)
def test_a_title_is_drawn_as_rich_draws_it(
    title: str, room: int, spans: list[tuple[int, int]]
) -> None:
    """The list draws a title's segments itself, the very segments Rich draws of a Text in the
    title's style cut with an ellipsis and padded to the room left, with its matches
    highlighted (then over the list's style)."""
    base = Style(color="white", bgcolor="black")
    title_style = Style(bold=True)
    match = Style(color="red", underline=True)
    look = _Look(base, base + title_style, base + title_style + match, base, base, base, base)
    text = Text(title, style=title_style, no_wrap=True, end="")
    for start, end in spans:
        text.stylize(match, start, end)
    text.truncate(room, overflow="ellipsis", pad=True)
    # Through the console, as Rich draws a Text: Text.render alone leaves out the text's own
    # style when no span is left.
    by_rich = Strip(list(Console(width=100).render(text))).apply_style(base)
    ours = _title_segments(title, room, tuple(spans), look)
    assert [(s.text, s.style) for s in ours] == [(s.text, s.style) for s in by_rich]
    assert sum(cell_len(segment.text) for segment in ours) == room


def answer(main: MainScreen) -> list[int]:
    """The rows of the filter in force, asked of the triage model directly."""
    selection = Selection(main.filter_text, main.view, main.sort)
    return list(main.triage.rows(selection, main.inbox.marks()).indices)


async def test_a_quick_search_is_shown_with_the_key_a_slow_one_when_it_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    handed_over: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        hand_over = main._hand_over

        def counted(future: Future[object]) -> None:
            handed_over.append(main.filter_text)
            hand_over(future)  # type: ignore[arg-type]

        main._hand_over = counted  # type: ignore[assignment,method-assign]
        await pilot.press("slash", "g", "r")
        assert handed_over == []  # answered within the wait: no worker needed
        assert list(main.paper_list.rows) == answer(main)
        assert main.paper_list.rows  # "gr": graph
        paper = main.papers[main.paper_list.rows[0]]
        assert main.query_one(PaperDetail).text.startswith(paper.title)  # the detail follows

        release = threading.Event()
        rows = Triage.rows

        def slow(triage: Triage, *args: Any) -> Any:
            release.wait(10)
            return rows(triage, *args)

        monkeypatch.setattr(Triage, "rows", slow)
        # As in a big catalogue: a small one's quick search runs with the key (test_ui_filter_bar).
        monkeypatch.setattr(main_screen, "QUICK_PAPERS", 0)
        await pilot.press("a")
        assert handed_over == ["gra"]  # past the wait, a worker waits for it
        before = main.paper_list.rows
        release.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert main.paper_list.rows is not before  # handed over when it came
        assert list(main.paper_list.rows) == answer(main)


async def test_typing_in_the_filter_lays_nothing_out(tmp_path: Path) -> None:
    """A key typed in the filter repaints the bar, the list and the status line: no layout of
    the screen, while the rows keep the scroll bar and the paper under the cursor stays."""
    store = StateStore.open(tmp_path / "state.json")
    app = PapertermApp(many_papers(300), store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        assert len(main.paper_list.rows) == 300  # "study" is in every title
        layouts: list[int] = []
        layout = main._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(len(main.paper_list.rows))
            layout(*args, **kwargs)

        main._refresh_layout = counted  # type: ignore[method-assign]
        for key in "parse":
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert main.paper_list.current == 0  # "Sparse sparse study number 0"
        height = main.paper_list.scrollable_content_region.height
        assert height < len(main.paper_list.rows) < 300  # fewer rows, still more than a screen
        assert layouts == []
