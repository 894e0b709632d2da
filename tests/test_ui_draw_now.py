"""A filter key's answer is drawn in a frame at once (paperterm.ui.compositor.draw_now), with
the screen's own frame step, when the frame clock would draw it at once; else by the clock."""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot

from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from paperterm.ui.compositor import PartialCompositor
from test_ui_paint import SIZE, from_scratch, many_papers, watch_frames


def frames_in_show_rows(app: PapertermApp) -> list[str]:
    """Note, for each frame, whether it was drawn while the screen handed rows to the list."""
    main = app.main
    inside = [False]
    frames: list[str] = []
    show_rows = main._show_rows
    display = app._display

    def shown(*args: object) -> None:
        inside[0] = True
        try:
            show_rows(*args)  # type: ignore[arg-type]
        finally:
            inside[0] = False

    def displayed(screen: object, update: object) -> None:
        frames.append("now" if inside[0] else "clock")
        display(screen, update)  # type: ignore[arg-type]

    main._show_rows = shown  # type: ignore[method-assign,assignment]
    app._display = displayed  # type: ignore[method-assign,assignment]
    return frames


async def ready(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, PapertermApp)
    while app.main.query_one("#status").indexing:  # type: ignore[attr-defined]
        await pilot.pause(0.02)
    await pilot.press("slash")
    await pilot.pause(0.05)


async def test_a_filter_key_draws_its_answer_at_once_as_a_full_repaint_would(
    tmp_path: Path,
) -> None:
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        terminal = watch_frames(app)
        terminal.apply(app.screen._compositor.render_full_update())
        frames = frames_in_show_rows(app)
        for key in ["s", "p", "a", "backspace", "r", "space", "g"]:
            frames.clear()
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)  # past a frame period: the clock would draw at once
            assert frames[:1] == ["now"], key
            full = from_scratch(app)
            for widget in (
                app.main.paper_list,
                app.main.query_one("#status"),
                app.main._filter_bar,
            ):
                region = widget.region
                assert terminal.text(region) == full.text(region), key
                assert terminal.area(region) == full.area(region), key


async def test_within_a_frame_period_of_the_last_frame_the_clock_draws(tmp_path: Path) -> None:
    """Keys faster than 60 a second (a burst, a paste) are drawn together by the clock, not
    each in a frame of its own."""
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        frames = frames_in_show_rows(app)
        compositor = app.main._compositor
        assert isinstance(compositor, PartialCompositor)
        compositor.last_frame = time.monotonic() + 3600  # as if a frame had just been drawn
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        assert "now" not in frames
        assert app.main.filter_text == "s"
        assert app.main.query_one("#papers").rows  # type: ignore[attr-defined]
        compositor.last_frame = 0.0
        frames.clear()
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        assert frames[:1] == ["now"]


async def test_a_repaint_elsewhere_waits_for_the_clock_with_the_answer(tmp_path: Path) -> None:
    """Another widget holding a repaint (the footer, say): the frame clock draws it and the
    answer together, as before."""
    app = PapertermApp(many_papers(300), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        frames = frames_in_show_rows(app)
        detail = app.main.query_one("#detail")
        paper_list = app.main.paper_list
        set_rows = paper_list.set_rows

        def rows_set(*args: object, **kwargs: object) -> None:
            set_rows(*args, **kwargs)  # type: ignore[arg-type]
            detail._repaint_required = True  # a repaint not handed to the screen yet

        paper_list.set_rows = rows_set  # type: ignore[method-assign]
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        assert "now" not in frames
        assert frames  # the clock drew it
        assert app.main.filter_text == "s"
