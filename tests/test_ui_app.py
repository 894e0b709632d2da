"""Pilot tests of the triage app: every key, checked against the state file on disk."""

from __future__ import annotations

import os
import signal
import sys
import webbrowser
from pathlib import Path

import orjson
import pytest
from textual.widgets import Input, Static

from paperterm import fsio, settings
from paperterm.catalog import Catalog
from paperterm.errors import StateError
from paperterm.state import StateStore
from paperterm.ui.screens.export import ExportScreen
from paperterm.ui.screens.help import HelpScreen
from paperterm.ui.screens.main import MainScreen
from paperterm.ui.widgets.filter_bar import FilterBar
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.paper_list import PaperList
from pilot import (
    SIZE,
    current_title,
    fake_browser,
    focused,
    make_app,
    on_disk,
    screen_of,
    settle,
    shown,
)
from test_ui_fixture import TITLES

# -- moving -------------------------------------------------------------------------------------


async def test_first_frame_shows_every_paper_in_catalogue_order(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app) == [paper.title for paper in catalog.papers]
        assert app.focused is app.main.paper_list
        assert current_title(app) == catalog.papers[0].title
        assert catalog.papers[0].title in app.query_one(PaperDetail).text
        status = str(app.query_one("#status").render())
        assert f"{TITLES}/{TITLES} shown" in status
        assert f"{TITLES} unread left" in status


@pytest.mark.parametrize(("down", "up"), [("j", "k"), ("down", "up")])
async def test_j_k_and_arrows_move_the_cursor(
    catalog: Catalog, state_path: Path, down: str, up: str
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(down, down)
        assert current_title(app) == catalog.papers[2].title
        assert catalog.papers[2].title in app.query_one(PaperDetail).text
        await pilot.press(up)
        assert current_title(app) == catalog.papers[1].title
        await pilot.press(up, up)
        assert current_title(app) == catalog.papers[0].title


async def test_end_home_and_paging(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        assert current_title(app) == catalog.papers[-1].title
        await pilot.press("j")
        assert current_title(app) == catalog.papers[-1].title
        await pilot.press("home")
        assert current_title(app) == catalog.papers[0].title
        await pilot.press("pagedown")
        assert current_title(app) == catalog.papers[-1].title
        await pilot.press("g")
        assert current_title(app) == catalog.papers[0].title
        await pilot.press("G")
        assert current_title(app) == catalog.papers[-1].title


async def test_clicking_a_row_selects_it(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(PaperList, offset=(10, 3))
        await pilot.pause()
        assert current_title(app) == catalog.papers[3].title


# -- marks, saved at once ---------------------------------------------------------------------


async def test_s_stars_and_unstars_and_saves_at_once(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    first = catalog.papers[0].id
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert on_disk(state_path).starred_ids == {first}
        assert "★ starred" in app.query_one(PaperDetail).text
        assert "★ 1 starred" in str(app.query_one("#status").render())
        await pilot.press("s")
        assert on_disk(state_path).starred_ids == set()


async def test_r_toggles_read_and_saves_at_once(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    first = catalog.papers[0].id
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert on_disk(state_path).read_ids == {first}
        assert current_title(app) == catalog.papers[0].title
        assert f"{TITLES - 1} unread left" in str(app.query_one("#status").render())
        await pilot.press("r")
        assert on_disk(state_path).read_ids == set()


async def test_n_marks_read_and_walks_the_unread_ones(catalog: Catalog, state_path: Path) -> None:
    StateStore.open(state_path).set_read([catalog.papers[1].id], True)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        # Paper 1 was read already: n skips it.
        assert current_title(app) == catalog.papers[2].title
        assert on_disk(state_path).read_ids == {catalog.papers[0].id, catalog.papers[1].id}
        assert f"{TITLES - 2} unread left" in str(app.query_one("#status").render())


async def test_n_says_when_all_are_read(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"n" * TITLES)
        assert on_disk(state_path).read_ids == {paper.id for paper in catalog.papers}
        assert "All caught up" in app.said_text()
        assert "0 unread left" in str(app.query_one("#status").render())


async def test_u_undoes_the_last_change(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.main.check_action("undo", ()) is None
        await pilot.press("s", "j", "r")
        assert on_disk(state_path).read_ids == {catalog.papers[1].id}
        await pilot.press("u")
        assert on_disk(state_path).read_ids == set()
        assert on_disk(state_path).starred_ids == {catalog.papers[0].id}
        await pilot.press("u")
        assert on_disk(state_path).starred_ids == set()


async def test_a_failed_save_is_shown(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(catalog, state_path)

    def refuse(ids: object, value: bool) -> None:
        raise StateError(f"{state_path}: disk full")

    monkeypatch.setattr(app.store, "set_starred", refuse)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert (f"{state_path}: disk full", "error") in app.said
        assert "★ 0 starred" in str(app.query_one("#status").render())


# -- the paper under the cursor ---------------------------------------------------------------


async def test_o_opens_the_code_link(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_browser(monkeypatch, webbrowser.BackgroundBrowser("firefox"))
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert opened == ["https://github.com/example/sparse-lanterns"]


async def test_o_never_starts_a_console_browser_over_the_app(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = fake_browser(monkeypatch, webbrowser.GenericBrowser("lynx"))
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert opened == []
        assert "copied https://github.com/example/sparse-lanterns" in app.said_text()


async def test_o_searches_hugging_face_when_there_is_no_link(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    opened = fake_browser(monkeypatch, webbrowser.BackgroundBrowser("firefox"))
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "o")
        assert opened == [
            "https://huggingface.co/papers?q=Tea+Leaves%3A+Reading+Attention+Maps+for+Fun+and+Profit"
        ]
        assert "a Hugging Face Papers search for its title" in app.said_text()


async def test_y_copies_bibtex_and_pins_its_key(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    paper = catalog.papers[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        key = on_disk(state_path).get(paper.id).bibkey
        assert key
        assert app.clipboard.startswith("@")
        assert key in app.clipboard
        assert "Sparse Lanterns" in app.clipboard
        assert f"@{key}" in app.said_text()
        await pilot.press("y")
        assert on_disk(state_path).get(paper.id).bibkey == key


async def test_an_export_that_fails_leaves_no_folder_it_made(
    catalog: Catalog, state_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio, "write_user_file", disk_full)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "a" / "b" / "x.bib")
        await pilot.press("enter")
        await pilot.pause()
        assert "No space left on device" in app.said_text()
    assert not (tmp_path / "a").exists()


async def test_e_exports_the_starred_papers_and_remembers_the_path(
    catalog: Catalog, state_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "new folder" / "triage.bib"  # made on the way
    app = make_app(catalog, state_path, export_path=tmp_path / "first.bib")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "j", "j", "s", "e")
        assert isinstance(app.screen, ExportScreen)
        field = app.screen.query_one("#export-path", Input)
        assert field.value == str(tmp_path / "first.bib")
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(screen_of(app), ExportScreen)
        text = target.read_text(encoding="utf-8")
        assert text.count("@") >= 2
        assert "Sparse Lanterns" in text
        assert "Tea Leaves" in text
        assert f"Exported 2 papers to {target} (made the folder {tmp_path / 'out'})" in (
            app.said_text()
        )
    saved = on_disk(state_path)
    assert all(saved.get(catalog.papers[i].id).bibkey for i in (0, 2))
    assert settings.load().place(settings.LIBRARY).export_path == target.resolve()

    again = make_app(catalog, state_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert again.screen.query_one("#export-path", Input).value == str(target.resolve())
        await pilot.press("escape")
        assert not isinstance(again.screen, ExportScreen)


async def test_e_with_nothing_starred_says_what_to_do(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert not isinstance(app.screen, ExportScreen)
        assert "press s" in app.said_text()


async def test_a_failed_export_is_shown(catalog: Catalog, state_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"  # a folder cannot be made where a file is
    blocker.write_text("")
    app = make_app(catalog, state_path, export_path=blocker / "x.bib")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e", "enter")
        await pilot.pause()
        assert any(severity == "error" for _, severity in app.said)
        assert blocker.read_text() == ""


# -- the filter ---------------------------------------------------------------------------------


async def test_slash_filters_live_and_enter_goes_to_the_list(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/")
        assert isinstance(focused(app), FilterBar)
        await pilot.press(*"sheep")
        await settle(pilot)
        assert shown(app)[0] == "Diffusion Models Dream of Electric Sheep"
        assert len(shown(app)) < TITLES
        await pilot.press("enter")
        assert app.focused is app.main.paper_list
        assert current_title(app) == "Diffusion Models Dream of Electric Sheep"


async def test_down_from_the_filter_goes_to_the_list(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"subway", "down")
        await settle(pilot)
        assert app.focused is app.main.paper_list
        assert shown(app) == ["Graph Neural Networks on Subway Maps"]


async def test_escape_clears_the_filter_and_returns_to_the_list(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"quokka")
        await settle(pilot)
        assert len(shown(app)) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is app.main.paper_list
        assert app.query_one(FilterBar).value == ""
        assert len(shown(app)) == TITLES
        # Back in the whole list at the paper the filter found, not at the top.
        assert "Quokka" in (current_title(app) or "")


async def test_no_match_says_what_to_do(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"zzzzqqq")
        await settle(pilot)
        assert shown(app) == []
        assert "Escape clears the filter" in app.query_one(PaperDetail).text
        assert app.main.check_action("toggle_star", ()) is None
        await pilot.press("enter", "s")
        assert on_disk(state_path).starred_ids == set()


# -- views, sort, help, palette, quit -----------------------------------------------------------


async def test_views_all_unread_starred(catalog: Catalog, state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_read([catalog.papers[0].id, catalog.papers[1].id], True)
    store.set_starred([catalog.papers[4].id], True)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert len(shown(app)) == TITLES - 2
        assert "· unread · by relevance" in str(app.query_one("#status").render())
        await pilot.press("3")
        await settle(pilot)
        assert shown(app) == [catalog.papers[4].title]
        await pilot.press("1")
        await settle(pilot)
        assert len(shown(app)) == TITLES


async def test_empty_starred_view_says_what_to_do(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        assert "Nothing starred yet" in app.query_one(PaperDetail).text


async def test_t_cycles_the_sort(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    titles = [paper.title for paper in catalog.papers]
    async with app.run_test(size=SIZE) as pilot:
        # Without a filter relevance is catalogue order: t skips that step, which changes nothing.
        await pilot.press("t")
        await settle(pilot)
        assert app.main.sort == "title"
        assert shown(app) == sorted(titles, key=str.casefold)
        visited = []
        while app.main.sort != "relevance":
            await pilot.press("t")
            await settle(pilot)
            visited.append(app.main.sort)
        assert {"for-you", "upvotes", "date"} <= set(visited) and "catalogue" not in visited
        assert shown(app) == titles
        # With a filter the search's order and catalogue order differ: t goes through both.
        await pilot.press("/", *"models", "enter", "t")
        await settle(pilot)
        assert app.main.sort == "catalogue"


async def test_the_cursor_stays_on_its_paper_when_the_view_changes(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "t", "t")
        await settle(pilot)
        assert current_title(app) == catalog.papers[3].title


async def test_question_mark_shows_the_keys_and_the_query_language(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        said = {text for _, text in app.main.key_help()}
        for binding in MainScreen.BINDINGS:
            assert binding.tooltip in said  # type: ignore[union-attr]
        assert "Command palette: what can run now" in said
        syntax = app.screen.query_one("#query-help", Static).content
        assert "is:starred" in str(syntax)
        assert "has:code" in str(syntax)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_over_a_dialog_offers_nothing_behind_it(
    catalog: Catalog, state_path: Path
) -> None:
    """ctrl+p in the tags dialog ran the main screen's commands behind it, even a second tags
    dialog, whose save the first then undid: over a dialog, only the theme."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        await pilot.pause()
        assert screen_of(app) is not app.main
        assert [command.title for command in app.get_system_commands(app.screen)] == ["Theme"]


async def test_every_binding_has_a_description_and_a_palette_entry(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")  # so that undo can run and is listed
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for binding in MainScreen.BINDINGS:
            assert binding.description  # type: ignore[union-attr]
            assert binding.tooltip  # type: ignore[union-attr]
            # Offered only when they would do something: view all is the view, the filter
            # empty; fetching only with a fetcher (tests/test_ui_fetch.py checks it is);
            # leaving the filter from the filter only; more of a text only when it is cut
            # (tests/hostile/test_reader.py).
            skip = ("set_view('all')", "clear_filter", "fetch_today", "leave_filter", "show_more")
            if binding.action not in skip:  # type: ignore[union-attr]
                assert binding.tooltip in titles  # type: ignore[union-attr]
        for binding in [*PaperList.BINDINGS, *FilterBar.BINDINGS]:
            assert binding.description  # type: ignore[union-attr]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_the_palette_runs_an_action(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        star = next(c for c in app.get_system_commands(app.screen) if c.title.startswith("Star or"))
        await star.callback()
        await pilot.pause()
        assert on_disk(state_path).starred_ids == {catalog.papers[0].id}


async def test_q_quits(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_notices_are_shown_at_start(catalog: Catalog, state_path: Path) -> None:
    notices = ["Demo catalogue: run paperterm add FILE", "dumps/[draft].txt:3: [/] no abstract"]
    app = make_app(catalog, state_path, notices=notices)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert notices[0] in app.said_text()
        # Shown as typed: brackets in a path are not markup (and do not crash the app).
        assert [n.message for n in app._notifications] == notices


async def test_what_a_save_has_to_say_is_shown(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        state_path.write_bytes(b'{"schema": 1, "papers": {"trunc')  # damaged behind its back
        await pilot.press("j", "s")
        await pilot.pause()
        assert "corrupt" in app.said_text()
    assert list(state_path.parent.glob("state.json.corrupt-*"))
    assert len(on_disk(state_path).starred_ids) == 2  # the star made before the damage too


async def test_marks_changed_elsewhere_show_up(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    app.RELOAD_SECONDS = 0.1
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        elsewhere = StateStore.open(state_path)  # `paperterm mark star ...` in another terminal
        elsewhere.set_starred([catalog.papers[1].id], True)
        await pilot.pause(0.5)
        assert app.store.starred_ids == {catalog.papers[1].id}
        assert "1 starred" in str(app.query_one("#status", Static).render())


async def test_messages_stay_reachable_after_their_toasts(
    catalog: Catalog, state_path: Path
) -> None:
    notices = [
        "warning: dumps/empty.txt: empty file",
        "warning: dumps/b.txt:3: title without abstract",
    ]
    app = make_app(catalog, state_path, notices=notices)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "2 messages (?)" in str(app.query_one("#status", Static).render())
        app.clear_notifications()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert str(app.screen.query_one("#messages", Static).render()) == "\n".join(notices)


async def test_a_banner_stays_on_screen(catalog: Catalog, state_path: Path) -> None:
    banner = "This is the demo catalogue. Open your own dumps with `paperterm PATH ...`."
    app = make_app(catalog, state_path, banner=banner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.0)
        line = app.query_one("#banner", Static)
        assert str(line.render()) == banner
        assert line.region.height == 1


async def test_an_empty_catalogue_says_what_to_do(state_path: Path) -> None:
    app = make_app(Catalog([]), state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "s", "n", "o", "y")
        assert "paperterm add" in app.query_one(PaperDetail).text
        assert "0/0 shown" in str(app.query_one("#status").render())
        assert not state_path.exists()


async def test_narrow_terminal_stacks_the_panes(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        papers, detail = app.main.paper_list.region, app.query_one(PaperDetail).region
        assert detail.y > papers.y
        assert detail.width == papers.width == 80
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        papers, detail = app.main.paper_list.region, app.query_one(PaperDetail).region
        assert detail.x > papers.x
        assert detail.y == papers.y


# -- a whole morning ----------------------------------------------------------------------------


async def test_a_whole_triage_session(catalog: Catalog, state_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "morning.bib"
    app = make_app(catalog, state_path, export_path=target)
    by_title = {paper.title: paper.id for paper in catalog.papers}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"model", "enter")
        await settle(pilot)
        assert len(shown(app)) >= 3
        first, second, third = shown(app)[:3]
        await pilot.press("n")  # first read, on to the second
        await pilot.press("n")  # second read, on to the third
        assert current_title(app) == third
        await pilot.press("s")  # star the third
        await pilot.press("r")  # mark it read...
        await pilot.press("u")  # ...no: undo, unread again
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e", "enter")
        await pilot.pause()
        assert f"Exported 1 paper to {target}" in app.said_text()
        await pilot.press("q")
    saved = on_disk(state_path)
    assert saved.read_ids == {by_title[first], by_title[second]}
    assert saved.starred_ids == {by_title[third]}
    assert saved.get(by_title[third]).bibkey
    assert third.split(":")[0] in target.read_text(encoding="utf-8")


async def test_a_read_only_state_greys_out_the_changes(catalog: Catalog, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_bytes(orjson.dumps({"schema": 999, "papers": {}}))
    before = state_path.read_bytes()
    app = make_app(catalog, state_path)
    assert app.store.read_only
    async with app.run_test(size=SIZE) as pilot:
        for action in ("toggle_star", "toggle_read", "next_unread", "undo"):
            assert app.main.check_action(action, ()) is None
        assert app.main.check_action("copy_bibtex", ()) is True
        await pilot.press("s", "r", "n")
        assert "read-only" in app.said_text()
        assert "read-only" in str(app.query_one("#status").render())
    assert state_path.read_bytes() == before


async def test_export_to_json_carries_the_marks(
    catalog: Catalog, state_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "starred.json"
    app = make_app(catalog, state_path, export_path=target)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "s", "e", "enter")
        await pilot.pause()
    [record] = orjson.loads(target.read_bytes())
    assert record["id"] == catalog.papers[0].id
    assert record["starred"] is True
    assert record["read"] is True


async def test_the_palette_leaves_out_what_cannot_run(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Undo the last change to the marks" not in titles  # nothing to undo yet
        assert titles.count("Quit paperterm") == 1 and "Quit" not in titles  # not Textual's too
        assert "View unread papers" in titles


async def test_the_detail_pane_highlights_the_query(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"sheep", "enter")
        await settle(pilot)
        detail = app.query_one(PaperDetail)
        assert current_title(app) == "Diffusion Models Dream of Electric Sheep"
        # Title, abstract and the two links each say sheep.
        assert [text.casefold() for text in detail.highlights] == ["sheep"] * 4
        await pilot.press("escape")
        await settle(pilot)
        assert detail.highlights == []


async def test_the_detail_pane_shows_everything_about_a_paper(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        text = app.query_one(PaperDetail).text
        gardening = catalog.papers[1]
        assert gardening.abstracts[0] in text
        assert gardening.abstracts[1] in text  # the other version
        assert "morning.txt" in text and "evening.txt" in text
        await pilot.press("j", "j", "j")
        text = app.query_one(PaperDetail).text
        assert "https://github.com/example/electric-sheep" in text
        assert "https://sheep.example.org" in text


async def test_a_theme_change_redraws_the_detail_pane(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"sheep", "enter")
        await settle(pilot)
        detail = app.query_one(PaperDetail)

        def match_styles() -> set[str]:
            return {str(span.style) for span in detail.content.spans if span.end - span.start == 5}

        before = match_styles()
        app.theme = "nord"
        await pilot.pause()
        assert detail.highlights
        assert match_styles() != before


async def test_the_status_says_which_filter_pieces_mean_nothing(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"sheep is:nu", "enter")
        await settle(pilot)
        assert shown(app) == ["Diffusion Models Dream of Electric Sheep"]
        assert "ignored: is:nu" in str(app.query_one("#status").render())


async def test_the_list_tells_its_parent_where_the_cursor_is(
    catalog: Catalog, state_path: Path
) -> None:
    seen: list[PaperList.Highlighted] = []

    def hook(message: object) -> None:
        # The hook sees a message once per node it bubbles through: keep the first sighting.
        if isinstance(message, PaperList.Highlighted) and not any(m is message for m in seen):
            seen.append(message)

    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await pilot.press("j", "j", "k")
        assert [m.index for m in seen[-3:]] == [1, 2, 1]
        assert PaperList.Highlighted(app.main.paper_list, 3).can_replace(
            PaperList.Highlighted(app.main.paper_list, 2)
        )


async def test_brackets_typed_in_the_filter_are_shown_as_typed(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"is:[/]", "enter")
        await settle(pilot)
        assert "ignored: is:[/]" in str(app.query_one("#status").render())


def test_help_reflows_prose_and_keeps_examples() -> None:
    from paperterm.ui.screens.help import reflow

    example = "    'exact   an example\n                 its second line"
    text = f"A paragraph cut\nin two lines.\n\n{example}\n"
    assert reflow(text) == f"A paragraph cut in two lines.\n\n{example}"


async def test_e_refuses_to_export_over_the_state_file(catalog: Catalog, state_path: Path) -> None:
    StateStore.open(state_path).set_starred([catalog.papers[0].id], True)
    before = state_path.read_bytes()
    app = make_app(catalog, state_path, export_path=state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "enter")
        await pilot.pause()
        assert "is the state file; choose another file" in app.said_text()
        assert any(severity == "error" for _, severity in app.said)
    assert state_path.read_bytes() == before


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX")
async def test_sigterm_ends_the_reader_as_quitting_does(catalog: Catalog, state_path: Path) -> None:
    """``kill`` left the terminal in the reader's screen with the mouse reported: the reader
    now ends as when quitting, Textual giving the terminal back. (Without the handler this
    test's own process would be ended: a loud failure.)"""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(50):
            await pilot.pause(0.02)
            if not app.is_running:
                break
        assert not app.is_running
    assert on_disk(state_path).starred_ids
