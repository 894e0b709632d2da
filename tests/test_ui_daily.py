"""Pilot tests for what a daily user ran into (issue 14): undo, the palette, the status line,
exact and close matches, the sort key, settings kept between runs, export, the split, help."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label

from paperterm import settings
from paperterm.catalog import Catalog
from paperterm.ui.screens.export import ExportScreen
from paperterm.ui.widgets.paper_list import PaperList
from pilot import SIZE, current_title, make_app, on_disk, settle, status_text


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Pause until ``condition()`` holds (at most 5 s, then it must hold). A key the list
    reads travels through three message queues (the app's, the list's, the app's again for its
    binding), and under load Pilot's pause can return before the last: a test that ended
    then closed the screens under it ("No screens on stack" as the app read the key)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition()


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
            "Clear the filter and go back to the list (also from the filter)",  # empty already
            "View all papers",  # the view already
        ):
            assert cannot not in titles
        await pilot.press("k", "s", "/", *"lantern")
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for can in (
            "Export the starred papers to a file",
            "Clear the filter and go back to the list (also from the filter)",
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
        assert (current_title(app) or "").startswith("Quantised")
        await pilot.press("k")
        assert (current_title(app) or "").startswith("Diffusion")
        # No typo among the matches: no divider, no count.
        await pilot.press("/", "backspace", "enter")
        await settle(pilot)
        assert app.main.paper_list.divider is None
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


async def test_an_empty_list_shows_no_progress_bar(catalog: Catalog, state_path: Path) -> None:
    """A filter that matches nothing leaves nothing to read: no bar (a full one said all
    read), back when papers are shown again."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"zzzqqq")
        await settle(pilot)
        assert f"0/{len(catalog)} shown · 0 unread left" in status_text(app)
        assert "█" not in status_text(app) and "░" not in status_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert f"░░░░░░░░░░ {len(catalog)} unread left" in status_text(app)


async def test_the_reader_reopens_where_the_user_was_in_the_theme_chosen(
    catalog: Catalog, state_path: Path
) -> None:
    first = make_app(catalog, state_path, place_key="paths:x", restore=True)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("2", "t", "/", *"models", "enter")
        await settle(pilot)
        await pilot.press("j")
        kept = current_title(first)
        first.theme = "nord"
        await pilot.press("q")
    again = make_app(catalog, state_path, place_key="paths:x", restore=True)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = again.main
        assert (main.view, main.sort, main.filter_text) == ("unread", "title", "models")
        assert main.query_one("#filter", Input).value == "models"
        assert current_title(again) == kept
        assert again.theme == "nord"
        assert "The filter of last time: models" in again.said_text()
    # Another catalogue starts afresh (the theme is everyone's).
    other = make_app(catalog, state_path, place_key="paths:y", restore=True)
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert (other.main.view, other.main.sort, other.main.filter_text) == (
            "all",
            "relevance",
            "",
        )
        assert current_title(other) == catalog.papers[0].title
        assert other.theme == "nord"


async def test_the_export_path_is_remembered_per_catalogue(
    catalog: Catalog, state_path: Path, tmp_path: Path
) -> None:
    demo = make_app(catalog, state_path, place_key=settings.DEMO)
    async with demo.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e")
        demo.screen.query_one("#export-path", Input).value = str(tmp_path / "demo.bib")
        await pilot.press("enter")
        await pilot.pause()
    assert (tmp_path / "demo.bib").exists()
    real = make_app(catalog, state_path, place_key=settings.LIBRARY)
    async with real.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert real.screen.query_one("#export-path", Input).value == str(Path.cwd() / "starred.bib")


HAND_MADE = """@article{knuth1984,
  title = {Literate Programming},
  author = {Knuth, Donald E.},
}

@book{lamport1994, title = {LaTeX}, author = {Lamport, Leslie}}
"""


async def test_export_asks_before_replacing_a_file_and_can_append(
    catalog: Catalog, state_path: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.bib"
    mine.write_text(HAND_MADE, encoding="utf-8")
    app = make_app(catalog, state_path, export_path=mine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e")
        # The list stays visible behind the dialog: one sees what is exported.
        assert app.screen.styles.background.a < 1
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        question = str(dialog.query_one("#export-question", Label).render())
        assert "mine.bib (2 entries) is there already: replace it, or append" in question
        assert mine.read_text(encoding="utf-8") == HAND_MADE  # nothing written yet
        await pilot.press("escape")  # back to the path, not closed
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter", "a")
        await pilot.pause()
        assert not isinstance(app.screen_stack[-1], ExportScreen)
        text = mine.read_text(encoding="utf-8")
        assert text.startswith(HAND_MADE.rstrip("\n"))
        assert text.count("@") == 3 and "Sparse Lanterns" in text
        assert "Appended 1 new entry to" in app.said_text()
        # Appending again adds nothing twice.
        await pilot.press("e", "enter", "a")
        await pilot.pause()
        assert mine.read_text(encoding="utf-8") == text
        assert "Appended 0 new entries" in app.said[-1][0]
        # Replacing, once asked, replaces.
        await pilot.press("e", "enter")
        await pilot.pause()
        assert "(3 entries)" in str(app.screen.query_one("#export-question", Label).render())
        await pilot.press("r")
        await pilot.pause()
        assert mine.read_text(encoding="utf-8").count("@") == 1


async def test_export_to_a_new_file_asks_nothing(
    catalog: Catalog, state_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "new.csv"
    app = make_app(catalog, state_path, export_path=target)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        assert target.exists()
        # A CSV there: asked, with its rows counted, and no append offered.
        await pilot.press("e", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert "new.csv (1 entry) is there already: replace it?" in str(
            dialog.query_one("#export-question", Label).render()
        )
        assert not dialog.query_one("#append").display
        await pilot.press("a")  # not offered: does nothing
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, ExportScreen)


async def test_no_keystroke_is_lost_in_a_burst_right_after_start(
    catalog: Catalog, state_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys arriving together (a paste, a fast typist, tmux send-keys) before any is handled:
    the text after / is the filter's, never commands for the list (g r o k: first, read...)."""
    monkeypatch.chdir(tmp_path)  # were the keys commands, e would offer to export here
    monkeypatch.setattr("webbrowser.open", lambda url: True)  # and o would open a browser
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        for key, char in [("slash", "/"), *((c, c) for c in "grok/models")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.main.query_one("#filter", Input).value == "grok/models"
        assert on_disk(state_path).read_ids == frozenset()  # no r reached the list


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_toasts_hide_nothing_of_the_status_line(
    catalog: Catalog, state_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(catalog, state_path, banner="A banner line, as the demo has, " * 4)
    async with app.run_test(size=size, notifications=True) as pilot:
        app.notify("A message that stays a while", timeout=60)
        await settle(pilot)
        await pilot.pause(0.2)
        toasts = list(app.screen.query("Toast"))
        assert toasts
        status = app.main.query_one("#status").region
        banner = app.main.query_one("#banner").region
        for toast in toasts:
            assert toast.region.bottom <= banner.y < status.y


async def test_the_list_gets_most_of_the_width_and_the_split_moves_and_is_kept(
    catalog: Catalog, state_path: Path
) -> None:
    long = next(p for p in catalog.papers if p.title.startswith("A Very Long Title"))
    app = make_app(catalog, state_path, place_key="paths:x", restore=True)
    async with app.run_test(size=SIZE) as pilot:
        paper_list = app.main.paper_list
        row = list(paper_list.rows).index(long.index)
        shown_title = line_text(paper_list, row).split("…")[0].strip(" ●★")
        assert len(shown_title) >= 60 and long.title.startswith(shown_title)
        width = paper_list.region.width
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert paper_list.region.width > width
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert paper_list.region.width < width
        # Drag the line between the panes to a third of the screen.
        line = app.main.query_one("#detail").region.x
        await pilot.mouse_down(offset=(line, 10))
        await pilot.hover(offset=(40, 10))
        await pilot.mouse_up(offset=(40, 10))
        await pilot.pause()
        assert app.main.split == 33
        assert abs(app.main.query_one("#detail").region.x - 40) <= 1
        await pilot.press("q")
    again = make_app(catalog, state_path, place_key="paths:x", restore=True)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.main.split == 33


async def test_help_lists_each_key_once_and_says_how_to_close_and_the_mouse(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        keys = [key for key, _ in app.main.key_help()]
        assert keys.count("esc") == 1
        assert "mouse" in keys
        await pilot.press("question_mark")
        box = app.screen.query_one("VerticalScroll")
        assert "q" in str(box.border_subtitle).split()
        await pilot.press("q")
        assert app.screen is app.main


async def test_enter_and_escape_in_a_burst_hand_the_next_keys_to_the_list(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"model")
        await settle(pilot)  # the rows are in (a burst before them gets the new rows' top)
        for key, char in [("enter", "\r"), ("j", "j")]:
            app.post_message(events.Key(key, char))
        await until(pilot, lambda: app.main.paper_list.cursor == 1)
        assert app.main.filter_text == "model"  # the j moved the list, not the filter
        kept = app.main.paper_list.current
        for key, maybe_char in [("slash", "/"), ("escape", None), ("j", "j")]:
            app.post_message(events.Key(key, maybe_char))

        def moved_on() -> bool:
            rows = list(app.main.paper_list.rows)
            return kept in rows and app.main.paper_list.current == rows[rows.index(kept) + 1]

        # The j read by the list: the filter cleared kept its paper, the j went one further.
        await until(pilot, moved_on)
        assert app.main.filter_text == ""
        assert app.focused is app.main.paper_list
