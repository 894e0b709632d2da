"""The detail pane draws lines, not widgets (issue 17): a new paper wraps its text once, repaints
the pane and never lays the screen out; what the frames paint equals a full repaint; it scrolls
by keys and wheel, keeps its place when more is shown, and gives its text to a mouse selection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.geometry import Offset, Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar
from textual.selection import Selection
from textual.widget import Widget

from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.paper_list import PaperList
from pilot import count_layouts, focused
from test_ui_paint import SIZE, from_scratch, watch_frames

WORDS = ["sparse", "graph", "diffusion", "model", "vision", "robust", "agent", "speech"]


def mixed_papers(count: int) -> Catalog:
    """Papers whose abstracts fit the pane and papers whose abstracts need three screens, in
    turn, so that the pane's scroll bar comes and goes as the cursor moves."""
    papers = []
    for number in range(count):
        words = 8 if number % 2 == 0 else 600
        abstract = " ".join(WORDS[(number + k) % 8] for k in range(words))
        papers.append(
            Paper(
                f"{number:012x}",
                f"{WORDS[number % 8].title()} {WORDS[number * 3 % 8]} study number {number}",
                (f"{abstract} {number}.",),
                (),
                (),
                number,
            )
        )
    return Catalog(papers)


def lines(detail: PaperDetail) -> list[str]:
    """The pane's lines in view, as drawn."""
    return [detail.render_line(y).text.rstrip() for y in range(detail.size.height)]


def cut(detail: PaperDetail) -> bool:
    """Whether a text is cut (a call, so that mypy does not narrow it across key presses)."""
    return detail.has_more


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_a_new_paper_never_lays_the_screen_out(tmp_path: Path) -> None:
    app = PapertermApp(mixed_papers(40), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        detail = main.query_one(PaperDetail)
        height = detail.scrollable_content_region.height
        layouts = count_layouts(app)
        seen = set()
        # Moving the focus (/ and Enter) changes the footer's keys: Textual lays that out.
        keys = ["j"] * 6 + ["k"] * 3 + ["slash", "s", "t", "u", "enter", "j", "escape"]
        for key in keys:
            before = layouts[0]
            await pilot.press(key)
            await settle(pilot)
            paper = main.current
            assert paper is not None
            assert lines(detail)[0].startswith(paper.title[:20]), key
            overflows = detail.virtual_size.height > height
            seen.add(overflows)
            if overflows:  # the scroll bar's thumb says how much there is
                bar = detail.vertical_scrollbar
                assert bar.window_virtual_size == detail.virtual_size.height, key
                assert bar.window_size == height, key
            if key not in ("slash", "enter"):
                assert layouts[0] == before, key
        assert seen == {True, False}  # papers that fit and papers that do not, in turn


async def test_the_pane_paints_what_a_full_repaint_would(tmp_path: Path) -> None:
    """After every kind of key, what the frames left on the terminal in the detail pane equals
    the pane drawn from scratch (its wrapped lines thrown away too)."""
    app = PapertermApp(mixed_papers(40), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        terminal = watch_frames(app)
        await pilot.pause()
        terminal.apply(app.screen._compositor.render_full_update())
        detail = app.main.query_one(PaperDetail)
        steps: list[tuple[str, ...]] = [
            ("j",),  # a long abstract: the scroll bar's thumb
            ("j",),  # a short one: the thumb goes
            ("k", "k"),  # back: the lines kept are drawn
            ("s",),  # starred: one line changes
            ("slash", "d", "i", "f"),  # highlights
            ("enter", "j"),
            ("tab", "pagedown"),  # scrolled in the pane
            ("down", "end"),
            ("shift+tab", "j"),  # another paper: from the top
            ("escape",),
            ("j", "theme"),
        ]
        for keys in steps:
            if "theme" in keys:
                app.theme = "textual-light"
                keys = keys[:-1]
            await pilot.press(*keys)
            await settle(pilot)
            detail._pages.clear()
            detail._page = None
            full = from_scratch(app)
            region = detail.region
            assert terminal.text(region) == full.text(region), keys
            assert terminal.area(region) == full.area(region), keys


async def test_keys_and_the_wheel_scroll_the_pane_and_a_new_paper_starts_at_the_top(
    tmp_path: Path,
) -> None:
    app = PapertermApp(mixed_papers(10), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # a long abstract
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        height = detail.scrollable_content_region.height
        assert detail.max_scroll_y > height  # more than two screens
        top = lines(detail)
        await pilot.press("tab")
        assert app.focused is detail
        await pilot.press("tab")  # back to the list, never on to the filter bar
        assert focused(app) is app.main.query_one(PaperList)
        await pilot.press("slash", "tab")
        assert focused(app) is app.main.query_one(PaperList)
        await pilot.press("shift+tab")
        assert focused(app) is detail
        await pilot.press("down")
        await pilot.pause()
        assert detail.scroll_y == 1
        assert lines(detail)[: height - 1] == top[1:height]
        await pilot.press("pagedown")
        await pilot.pause()
        assert detail.scroll_y == 1 + height
        await pilot.press("end")
        await pilot.pause()
        assert detail.scroll_y == detail.max_scroll_y
        assert "Seen in" in lines(detail)[-3:]  # the end of the text
        await pilot.press("home")
        await pilot.pause()
        assert detail.scroll_y == 0
        assert lines(detail) == top
        x, y = detail.region.center
        for _ in range(2):
            detail.post_message(
                events.MouseScrollDown(detail, x, y, 0, 1, 0, False, False, False, x, y)
            )
            await pilot.pause()
        assert detail.scroll_y > 0
        scrolled = detail.scroll_y
        detail.post_message(events.MouseScrollUp(detail, x, y, 0, -1, 0, False, False, False, x, y))
        await pilot.pause()
        assert 0 <= detail.scroll_y < scrolled
        await pilot.press("down")
        await pilot.pause()
        assert detail.scroll_y > 0
        await pilot.press("shift+tab", "j", "j")  # another long abstract: from its top
        await settle(pilot)
        assert detail.scroll_y == 0
        paper = app.main.current
        assert paper is not None
        assert lines(detail)[0].startswith(paper.title[:20])


async def test_showing_more_keeps_the_place(tmp_path: Path) -> None:
    huge = " ".join(WORDS[k % 8] for k in range(10_000))  # 60,000 characters
    papers = [
        Paper("000000000001", "A Huge Paper", (huge,), (), (), 0),
        Paper("000000000002", "A Small Paper", ("Small.",), (), (), 1),
    ]
    app = PapertermApp(Catalog(papers), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        assert cut(detail)
        width = detail.scrollable_content_region.width
        first = detail.virtual_size.height
        assert first <= 20_000 // (width // 2)  # the first 20,000 characters laid out only
        await pilot.press("tab", "pagedown", "pagedown")
        await pilot.pause()
        place = detail.scroll_y
        assert place > 0
        seen = lines(detail)
        await pilot.press("plus")
        await pilot.pause()
        assert not cut(detail)
        assert detail.virtual_size.height > 2 * first
        assert detail.scroll_y == place
        assert lines(detail) == seen


async def test_the_same_text_again_draws_nothing(tmp_path: Path) -> None:
    """A key that changes neither the paper nor its highlights leaves the pane alone; other
    highlights draw the same lines again, and another paper other lines."""
    app = PapertermApp(mixed_papers(40), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        puts: list[bool] = []
        put = detail._put

        def counted(text: Any) -> bool:
            changed = put(text)
            puts.append(changed)
            return changed

        detail._put = counted  # type: ignore[method-assign]
        await pilot.press("slash", "s", "t")  # the first paper stays: other highlights only
        await settle(pilot)
        assert app.main.paper_list.current == 0
        assert detail.highlights == ["st"]
        assert puts == [True, True]
        await pilot.press("enter", "1")  # the same view again: the same rows, the same text
        await settle(pilot)
        assert puts[2:] and not any(puts[2:])
        puts.clear()
        await pilot.press("escape")  # no filter: no highlights
        await settle(pilot)
        assert puts == [True]
        assert detail.highlights == []
        await pilot.press("j")  # another paper
        await settle(pilot)
        assert puts == [True, True]


async def test_a_mouse_selection_copies_the_text_under_it(tmp_path: Path) -> None:
    app = PapertermApp(mixed_papers(4), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        paper = app.main.current
        assert paper is not None
        before = detail.render_line(0)
        # Offsets are (character, line of the text): the title is line 0.
        app.screen.selections = {detail: Selection(Offset(0, 0), Offset(6, 0))}
        await pilot.pause()
        assert app.screen.get_selected_text() == paper.title[:6]
        after = detail.render_line(0)
        assert after.text == before.text
        assert next(iter(after)).style != next(iter(before)).style  # drawn selected
        app.screen.selections = {detail: Selection(Offset(0, 1), None)}
        assert app.screen.get_selected_text() == detail.text.split("\n", 1)[1].rstrip("\n")


async def test_a_new_paper_is_drawn_at_once_not_at_the_next_tick(tmp_path: Path) -> None:
    """The frame with the new paper is drawn as soon as the pane has it, when nothing else
    waits to be drawn: Textual's frame clock would wait 17 to 33 ms after the list's frame. A
    key that changes the list too (a star) leaves both to the clock, drawn together."""
    app = PapertermApp(mixed_papers(10), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        terminal = watch_frames(app)
        frames: list[int] = []
        display = app._display

        def counted(screen: Any, update: Any) -> None:
            frames.append(1)
            display(screen, update)

        app._display = counted  # type: ignore[method-assign,assignment]
        drawn_by_pane: list[int] = []
        draw = detail._draw

        def watched() -> None:
            before = len(frames)
            draw()
            drawn_by_pane.append(len(frames) - before)

        detail._draw = watched  # type: ignore[method-assign]
        for _ in range(3):
            await pilot.press("j")
            await settle(pilot)
            paper = app.main.current
            assert paper is not None
            assert drawn_by_pane[-1] == 1
            assert terminal.text(detail.content_region)[0].startswith(paper.title[:20])
        drawn_by_pane.clear()
        await pilot.press("s")
        await settle(pilot)
        assert drawn_by_pane == [0]  # the list's row too: the clock draws both
        assert "★ starred" in "".join(terminal.text(detail.content_region))
        row = app.main.paper_list.region
        assert "★" in "".join(terminal.text(row))


async def test_the_pane_finishes_its_lines_as_textual_would(tmp_path: Path) -> None:
    """The pane finishes its lines itself (border side, padding, line filters) and keeps them:
    the very lines Textual's styles cache makes, side by side and stacked, scrolled, selected."""
    app = PapertermApp(mixed_papers(10), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)

        def same_as_textual(step: str) -> None:
            assert detail._frame() is not None, step
            crop = Region(0, 0, detail.region.width, detail.region.height)
            ours = detail.render_lines(crop)
            again = detail.render_lines(crop)  # kept lines
            detail._styles_cache.clear()
            textual = Widget.render_lines(detail, crop)
            assert [list(line) for line in ours] == [list(line) for line in textual], step
            assert [list(line) for line in again] == [list(line) for line in textual], step
            part = Region(2, 3, 10, 5)
            assert [list(line) for line in detail.render_lines(part)] == [
                list(line) for line in Widget.render_lines(detail, part)
            ], step

        same_as_textual("first paper")
        for keys in (("j",), ("tab", "pagedown"), ("shift+tab", "j", "j"), ("k",)):
            await pilot.press(*keys)
            await settle(pilot)
            same_as_textual(" ".join(keys))
        app.screen.selections = {detail: Selection(Offset(3, 0), Offset(4, 2))}
        await pilot.pause()
        same_as_textual("selection")
        app.screen.selections = {}
        await pilot.resize_terminal(80, 24)  # stacked: the border is the top line
        await settle(pilot)
        same_as_textual("stacked")
        app.theme = "textual-light"
        await settle(pilot)
        same_as_textual("light theme")


async def test_the_scroll_bar_is_drawn_as_textual_draws_it(tmp_path: Path) -> None:
    """The pane's scroll bar draws its lines itself: Textual's lines, for a text that fits, a
    long one from the top, the middle and the end, under the mouse, stacked, in another theme."""
    app = PapertermApp(mixed_papers(10), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = app.main.query_one(PaperDetail)
        bar = detail.vertical_scrollbar
        assert type(bar).render_lines is not ScrollBar.render_lines  # the pane's own

        def same_as_textual(step: str) -> None:
            crop = Region(0, 0, bar.region.width, bar.region.height)
            ours = bar.render_lines(crop)
            bar._styles_cache.clear()
            bar._render_cache = type(bar._render_cache)(bar.size, [])
            bar._dirty_regions.add(bar.size.region)
            textual = Widget.render_lines(bar, crop)
            assert len(ours) == bar.region.height > 0, step
            assert [list(line) for line in ours] == [list(line) for line in textual], step
            part = Region(0, 2, 1, 4)
            bar._styles_cache.clear()
            assert [list(line) for line in bar.render_lines(part)] == [
                list(line) for line in Widget.render_lines(bar, part)
            ], step

        same_as_textual("a text that fits")
        await pilot.press("j")
        await settle(pilot)
        assert detail.max_scroll_y > 0
        same_as_textual("a long text, at the top")
        await pilot.press("tab", "pagedown")
        await pilot.pause()
        same_as_textual("in the middle")
        await pilot.press("end")
        await pilot.pause()
        same_as_textual("at the end")
        bar.mouse_over = True
        same_as_textual("under the mouse")
        bar.mouse_over = False
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        same_as_textual("stacked")
        app.theme = "textual-light"
        await settle(pilot)
        same_as_textual("light theme")
