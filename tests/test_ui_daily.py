"""Pilot tests for what a daily user ran into (issue 14): undo, the palette, the status line,
exact and close matches, the sort key, settings kept between runs, export, the split, help."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperterm.catalog import Catalog
from paperterm.ui.widgets.paper_list import PaperList
from test_ui_app import SIZE, current_title, make_app, on_disk, settle
from test_ui_fixture import load_fixture


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_fixture(tmp_path / "dumps")


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "state.json"


def status_text(app: object) -> str:
    return str(app.query_one("#status").render())  # type: ignore[attr-defined]


def line_text(paper_list: PaperList, y: int) -> str:
    return "".join(segment.text for segment in paper_list.render_line(y))


async def test_undo_goes_back_to_the_paper_and_says_what_it_undid(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n")
        assert current_title(app) == catalog.papers[3].title
        await pilot.press("u")
        await pilot.pause()
        assert current_title(app) == catalog.papers[2].title
        assert app.said[-1][0] == f"Undone: read mark removed: {catalog.papers[2].title}"
        assert on_disk(state_path).read_ids == {p.id for p in catalog.papers[:2]}
        await pilot.press("j", "j", "s", "g", "u")
        await pilot.pause()
        assert current_title(app) == catalog.papers[4].title
        assert app.said[-1][0] == f"Undone: star removed: {catalog.papers[4].title}"


async def test_the_palette_shows_what_can_run_paperterm_first(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # Gradient Gardening: no link in its abstract
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for gone in ("Keys", "Maximize", "Screenshot", "Quit"):
            assert gone not in titles  # Textual's own: a second help, no use here, a twin of q
        assert titles[-1] == "Theme"  # after paperterm's own
        assert "Quit paperterm" in titles
        for cannot in (
            "Export the starred papers to a file",  # nothing starred
            "Clear the filter",  # empty already
            "Open the paper's link in the web browser",  # this paper has none
            "View all papers",  # the view already
        ):
            assert cannot not in titles
        await pilot.press("k", "s", "/", *"lantern")
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for can in (
            "Export the starred papers to a file",
            "Clear the filter",
            "Open the paper's link in the web browser",
        ):
            assert can in titles


async def test_the_status_line_counts_exact_and_close_matches_and_the_list_divides_them(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"models", "enter")
        await settle(pilot)
        assert "3/10 shown · 2 exact · 1 close ·" in status_text(app)
        paper_list = app.main.paper_list
        assert paper_list.divider == 2
        lines = [line_text(paper_list, y) for y in range(4)]
        assert "Gradient Gardening" in lines[0] and "Diffusion Models" in lines[1]
        assert "── 1 close match (a typo away) ──" in lines[2]
        assert "Quantised Quokkas" in lines[3]
        # The cursor walks over the divider: it is not a row.
        await pilot.press("j", "j")
        assert current_title(app) is not None and current_title(app).startswith("Quantised")
        await pilot.press("k")
        assert current_title(app) is not None and current_title(app).startswith("Diffusion")
        # No typo among the matches: no divider, no count.
        await pilot.press("/", "backspace", "enter")
        await settle(pilot)
        assert paper_list.divider is None
        assert "exact" not in status_text(app)


async def test_the_progress_bar_is_full_only_when_nothing_is_left(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(len(catalog) - 1):
            await pilot.press("n")
        await pilot.pause()
        assert "█████████░ 1 unread left" in status_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert "██████████ 0 unread left" in status_text(app)
