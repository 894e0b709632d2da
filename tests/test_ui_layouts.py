"""Keys typed in the filter lay nothing out: the screen's layout (the whole screen arranged
again, 15-25 ms on the shared dumps) happens only when a widget's size or place changes, and
a filter key changes neither (issue 17)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from pilot import SIZE, count_layouts
from test_ui_paint import SIZE as PAINT_SIZE
from test_ui_paint import from_scratch, many_papers, watch_frames


async def test_the_list_keeps_its_scroll_bar_whatever_the_rows(tmp_path: Path) -> None:
    """More rows than the list's height, then fewer, then none: the bar stays (an empty
    track when every row fits), so the rows keep their width and nothing is laid out."""
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paper_list = app.main.paper_list
        height = paper_list.scrollable_content_region.height
        width = paper_list.scrollable_content_region.width
        layouts = count_layouts(app)
        for rows in (300, 5, height, height + 1, 0, 300, 1):
            paper_list.set_rows(app.main.papers, range(rows))
            await pilot.pause()
            assert paper_list.show_vertical_scrollbar, rows
            assert paper_list.vertical_scrollbar.display, rows
            assert paper_list.scrollable_content_region.width == width, rows
            assert paper_list.virtual_size.height == max(rows, 1) or rows == 0
        assert layouts == [0]
        assert isinstance(app.screen, Screen)


async def test_filter_keys_that_cross_the_list_height_lay_nothing_out(tmp_path: Path) -> None:
    """A query whose answer shrinks from every paper to a few and grows back as it is
    typed and erased: not one layout."""
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        while app.main.query_one("#status").indexing:  # type: ignore[attr-defined]
            await pilot.pause(0.02)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.pause()
        layouts = count_layouts(app)
        lengths = []
        for key in ["s", "p", "a", "r", "s", "e", "space", "1", "2", *["backspace"] * 9]:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            lengths.append(len(app.main.paper_list.rows))
        height = app.main.paper_list.scrollable_content_region.height
        assert min(lengths) < height < max(lengths)  # the answer crossed the list's height
        assert layouts == [0]


async def test_the_list_scroll_bar_keeps_its_lines_as_the_focus_comes_and_goes(
    tmp_path: Path,
) -> None:
    """The list taking or leaving the focus restyles its bar: once each look was drawn, the
    frames draw the bar from the lines it kept (what the style changes is in their key), and
    they are the lines Textual draws."""
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.main
        bar = main.paper_list.vertical_scrollbar
        region = bar.size.region
        drawn_by_textual = [0]
        textual = ScrollBar.render_lines

        def counted(widget: ScrollBar, crop: Region) -> list[Strip]:
            if widget is bar:
                drawn_by_textual[0] += 1
            return textual(widget, crop)

        ScrollBar.render_lines = counted  # type: ignore[method-assign,assignment]
        try:
            for focus in ("filter", "list") * 3:
                main.set_focus(main._filter_bar if focus == "filter" else main.paper_list)
                await pilot.pause()
                await pilot.pause()
                drawn = bar.render_lines(region)
                assert [list(line) for line in drawn] == [
                    list(line) for line in textual(bar, region)
                ], focus
                bar._styles_cache.clear()
        finally:
            ScrollBar.render_lines = textual  # type: ignore[method-assign]
        assert drawn_by_textual[0] <= 2  # each look once, at its first frame


async def test_the_focus_moving_repaints_what_changed_not_the_whole_screen(
    tmp_path: Path,
) -> None:
    """/ and back to the list: no frame repaints the whole screen (every widget drawn again,
    40-50 ms), and the frames paint what a full repaint would."""
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=PAINT_SIZE) as pilot:
        await pilot.pause()
        terminal = watch_frames(app)
        terminal.apply(app.screen._compositor.render_full_update())
        full_frames = [0]
        compositor = app.main._compositor
        render_full = compositor.render_full_update

        def counted(*args: object, **kwargs: object) -> object:
            full_frames[0] += 1
            return render_full(*args, **kwargs)  # type: ignore[arg-type]

        compositor.render_full_update = counted  # type: ignore[method-assign,assignment]
        for keys in (["slash"], ["s", "p"], ["enter"], ["slash"], ["escape"]):
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            assert full_frames == [0], keys
            compositor.render_full_update = render_full  # type: ignore[method-assign]
            full = from_scratch(app)
            compositor.render_full_update = counted  # type: ignore[method-assign,assignment]
            region = app.screen.region
            assert terminal.text(region) == full.text(region), keys
            assert terminal.area(region) == full.area(region), keys
