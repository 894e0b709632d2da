"""Pilot tests of the inbox keys: new (4), queue (5, l, [ ]), tags (T), notes (N), mute (x, X),
mark all shown read (R), saved filters (f), and the quit that ends a visit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

import paperterm
from paperterm.catalog import Catalog
from paperterm.cli import run
from paperterm.inbox import FilterFile, Inbox
from paperterm.state import StateStore
from paperterm.ui.screens.inbox import ConfirmScreen, FiltersScreen, NoteScreen, TagScreen
from paperterm.ui.widgets.paper_detail import PaperDetail
from pilot import SIZE, current_title, make_app, on_disk, settle, shown, status_text
from test_ui_fetch import fetched, fetcher, item, serve
from test_ui_fixture import EVENING, MORNING, TITLES


async def test_quitting_the_reader_ends_newness_and_4_shows_the_new(
    tmp_path: Path, state_path: Path
) -> None:
    """The issue's check: add a dump, open and quit, add a second: exactly its unseen papers
    are new; after the next run, none."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "morning.txt").write_text(MORNING, encoding="utf-8")
    app = make_app(paperterm.load([folder]), state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "6 new" in status_text(app)
        await pilot.press("q")
    assert app.main.visit_ended
    (folder / "evening.txt").write_text(EVENING, encoding="utf-8")
    catalog = paperterm.load([folder])
    new = Inbox(catalog, StateStore.open(state_path)).new_ids
    morning = {paper.id for paper in paperterm.load([folder / "morning.txt"])}
    evening = {paper.id for paper in paperterm.load([folder / "evening.txt"])}
    assert new == evening - morning and len(new) == TITLES - 6
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert {app.main.papers[i].id for i in app.main.paper_list.rows} == new
        assert f"{len(new)} new" in status_text(app) and "new" in status_text(app).split(" · ")
        await pilot.press("ctrl+q")
    assert Inbox(catalog, StateStore.open(state_path)).new_ids == frozenset()


async def test_a_run_that_is_not_quit_ends_nothing(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.exit()  # not the quit action: as if the run crashed or was killed
    assert len(Inbox(catalog, StateStore.open(state_path)).new_ids) == TITLES


async def test_l_queues_and_5_shows_the_queue_in_its_own_order(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "l", "k", "k", "l", "G", "l")
        first, third, last = catalog.papers[2], catalog.papers[0], catalog.papers[-1]
        assert on_disk(state_path).queue == (first.id, third.id, last.id)
        assert "in the reading queue" in app.query_one(PaperDetail).text
        await pilot.press("5")
        await settle(pilot)
        assert shown(app) == [first.title, third.title, last.title]
        await pilot.press("G", "left_square_bracket")
        await settle(pilot)
        assert shown(app) == [first.title, last.title, third.title]
        assert current_title(app) == last.title
        await pilot.press("u")
        assert on_disk(state_path).queue == (first.id, third.id, last.id)
        await pilot.press("g", "l")  # out of the queue
        await settle(pilot)
        assert on_disk(state_path).queue == (third.id, last.id)
        await pilot.press("t")  # the queue keeps its order, and says so
        await settle(pilot)
        assert shown(app) == [third.title, last.title]
        assert "The queue keeps its own order; the other views: by" in app.said_text()


async def test_T_edits_tags_with_completion_and_the_detail_shows_them(
    catalog: Catalog, state_path: Path
) -> None:
    StateStore.open(state_path).add_tags([catalog.papers[5].id], ["reinforcement"])
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"vision rein")
        await pilot.pause()
        await pilot.press("right")  # takes the completion of the tag in use
        assert app.screen.query_one("#tags-input", Input).value == "vision reinforcement"
        await pilot.press("enter")
        assert on_disk(state_path).get(catalog.papers[0].id).tags == ("reinforcement", "vision")
        assert "#reinforcement #vision" in app.query_one(PaperDetail).text
        await pilot.press("/", *"tag:vision", "enter")
        await settle(pilot)
        assert shown(app) == [catalog.papers[0].title]
        await pilot.press("escape", "T", "escape")  # cancelled: nothing changes
        assert on_disk(state_path).get(catalog.papers[0].id).tags == ("reinforcement", "vision")


async def test_N_edits_the_note_inline_without_an_editor(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one("#note-text", TextArea).insert("Compare with section 4.\nLater.")
        await pilot.press("ctrl+s")
        assert on_disk(state_path).get(catalog.papers[0].id).note == (
            "Compare with section 4.\nLater."
        )
        assert "Note: Compare with section 4.\nLater." in app.query_one(PaperDetail).text
        await pilot.press("u")
        assert on_disk(state_path).get(catalog.papers[0].id).note == ""


async def test_N_uses_the_editor_when_one_is_set(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "written in the editor\\n" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    app = make_app(catalog, state_path)
    suspended: list[bool] = []

    class Suspend:
        def __enter__(self) -> None:
            suspended.append(True)

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(app, "suspend", Suspend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        assert suspended and not isinstance(app.screen, NoteScreen)
        assert on_disk(state_path).get(catalog.papers[0].id).note == "written in the editor"


async def test_N_with_an_editor_that_cannot_start_resumes_and_edits_inline(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """$EDITOR not installed (or a typo): the reader comes back (Textual resumes it only when
    its suspended block ends normally: the failure left a blank screen) and edits inline."""
    monkeypatch.setenv("VISUAL", str(tmp_path / "no-such-editor"))
    app = make_app(catalog, state_path)
    resumed: list[bool] = []

    class Suspend:
        def __enter__(self) -> None:
            return None

        def __exit__(self, kind: object, *args: object) -> None:
            resumed.append(kind is None)  # Textual's resumes on a normal end only

    monkeypatch.setattr(app, "suspend", Suspend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        assert resumed == [True]
        assert isinstance(app.screen, NoteScreen)


async def test_R_marks_all_shown_read_after_saying_how_many_and_u_undoes_it(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"models", "enter")
        await settle(pilot)
        matching = {app.main.papers[i].id for i in app.main.paper_list.rows}
        assert 1 < len(matching) < TITLES
        await pilot.press("R")
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert f"{len(matching)} unread papers" in question
        await pilot.press("n")  # no: nothing happens
        assert on_disk(state_path).read_ids == set()
        await pilot.press("R", "y")
        assert on_disk(state_path).read_ids == matching
        await pilot.press("u")  # one step undoes them all
        assert on_disk(state_path).read_ids == set()


async def test_x_mutes_the_filter_and_X_reveals_the_muted(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"sheep", "enter")
        await settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert FilterFile().read().mute == ("sheep",)
        assert "Diffusion Models Dream of Electric Sheep" not in shown(app)
        assert len(shown(app)) == TITLES - 1
        assert "1 muted" in status_text(app)
        await pilot.press("X")
        await settle(pilot)
        assert len(shown(app)) == TITLES and "muted (shown" in status_text(app)
        await pilot.press("X", "/", *"is:muted", "enter")
        await settle(pilot)
        assert shown(app) == ["Diffusion Models Dream of Electric Sheep"]


async def test_f_saves_applies_and_deletes_saved_filters(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"has:code", "enter")
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FiltersScreen)
        await pilot.press("a", *"code", "enter")
        assert [(s.name, s.query) for s in FilterFile().read().saved] == [("code", "has:code")]
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown(app)) == TITLES
        await pilot.press("f", "enter")  # the first saved filter
        await settle(pilot)
        assert len(shown(app)) == 3 and app.main.filter_text == "has:code"
        await pilot.press("escape", "f", "d")
        assert FilterFile().read().saved == ()


async def test_a_saved_filter_is_listed_as_typed_never_as_markup(
    catalog: Catalog, state_path: Path
) -> None:
    """Brackets in a saved filter's name or query are text: ``rl [/done]`` was read as a
    closing tag by the list of saved filters, and ``f`` ended the reader."""
    FilterFile().save_filter("rl [/done]", "sheep")
    FilterFile().save_filter("papers [rl]", "[b]sheep")
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FiltersScreen)
        listed = app.screen.query_one(OptionList)
        drawn = [listed.render_line(y).text for y in range(listed.size.height)]
        assert any("rl [/done]  —  sheep" in line for line in drawn), drawn
        assert any("papers [rl]  —  [b]sheep" in line for line in drawn), drawn
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.filter_text == "sheep"


async def test_e_in_the_picker_renames_and_changes_a_saved_filter(
    catalog: Catalog, state_path: Path
) -> None:
    FilterFile().save_filter("code", "has:code")
    FilterFile().save_filter("sheep", "sheep")
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "e")
        assert app.screen.query_one("#edit-name", Input).value == "code"
        assert app.screen.query_one("#edit-query", Input).value == "has:code"
        await pilot.press("escape")  # closes without saving
        assert not isinstance(app.screen, FiltersScreen)
        assert [(s.name, s.query) for s in FilterFile().read().saved] == [
            ("code", "has:code"),
            ("sheep", "sheep"),
        ]
        await pilot.press("f", "down", "e", "ctrl+u", *"electric", "tab")
        await pilot.press("ctrl+u", *"title:sheep|models", "enter")
        assert not isinstance(app.screen, FiltersScreen)
        assert [(s.name, s.query) for s in FilterFile().read().saved] == [
            ("code", "has:code"),
            ("electric", "title:sheep|models"),
        ]
        await pilot.press("f", "down", "enter")  # the edited filter applies as edited
        await settle(pilot)
        assert app.main.filter_text == "title:sheep|models"
        await pilot.press("f", "e", "ctrl+u", *"Electric", "enter")  # a name in use: refused
        assert "already" in " ".join(str(n.message) for n in app._notifications)
        assert [s.name for s in FilterFile().read().saved] == ["code", "electric"]


async def test_the_inbox_keys_are_in_the_help_and_the_palette(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE):
        described = dict(app.main.key_help())
        for key in ("4", "5", "l", "T", "N", "R", "x", "X", "f", "[", "]"):
            assert key in described, key
        from paperterm.ui.commands import palette_commands

        titles = [command.title for command in palette_commands(app.main)]
        assert "Edit the paper's tags (with completion)" in titles
        assert "Mark every paper shown read (asks first; u undoes it in one step)" in titles
        assert "rename or change" in described["f"]
        # R marks all shown read (commit d038250's message calls it A, which settles arXiv ids).
        assert described["R"].startswith("Mark every paper shown read")
        assert "arXiv" in described["A"] and "read" not in described["A"]
        assert any("rename or change" in title for title in titles)


async def test_rules_made_before_the_run_hide_their_papers_once_the_index_is_ready(
    catalog: Catalog, state_path: Path
) -> None:
    FilterFile().add_mute("title:sheep")
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        # The index builds on a thread after the first frame; its message then refilters (a
        # worker of its own), so wait for the list to take it in, not only for the index.
        for _ in range(100):
            await settle(pilot)
            if catalog.search_ready and len(shown(app)) == TITLES - 1:
                break
            await pilot.pause(0.1)
        assert "Diffusion Models Dream of Electric Sheep" not in shown(app)
        assert len(shown(app)) == TITLES - 1 and "1 muted" in status_text(app)


async def test_F_fetched_papers_are_new_muted_ones_hidden_and_quitting_ends_them(
    tmp_path: Path, state_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F (fetch today's daily papers into the library and the list) with the inbox: fetched
    papers no quit reader had are new (view 4, is:new, the status line), a mute rule hides the
    one it matches from them (X and is:muted bring it back), and quitting ends their newness,
    muted or not, as `paperterm list -q is:new` then says."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "morning.txt").write_text(MORNING, encoding="utf-8")
    app = make_app(paperterm.load([folder]), state_path)
    async with app.run_test(size=SIZE) as pilot:  # a first visit: the morning is seen
        await settle(pilot)
        await pilot.press("q")
    FilterFile().add_mute("title:ducks")
    fresh, ducks = "Fetched Fresh Paper", "Reinforcement Learning from Rubber Ducks"
    today = [
        item(1, fresh),
        item(2, ducks),  # muted
        item(3, "Gradient Gardening for Small Language Models"),  # seen this morning
    ]
    app = make_app(paperterm.load([folder]), state_path, fetcher=fetcher(folder, serve(today)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        parts = status_text(app).split(" · ")
        assert shown(app) == [] and not any(part.endswith(" new") for part in parts)
        await pilot.press("F")
        await fetched(pilot, app)
        # The fetched catalogue's index builds on a thread; until it is ready (and its message
        # handled) the muted papers cannot be found, so the list shows them for a moment.
        for _ in range(100):
            await settle(pilot)
            if app.main.catalog.search_ready and shown(app) == [fresh]:
                break
            await pilot.pause(0.1)
        assert shown(app) == [fresh]
        parts = status_text(app).split(" · ")
        assert "1 new" in parts and "1 muted" in parts and "new" in parts
        await pilot.press("X")
        await settle(pilot)
        assert sorted(shown(app)) == sorted([fresh, ducks])
        assert "1 muted (shown, X hides)" in status_text(app)
        await pilot.press("X", "1", "/", *"is:new", "enter")
        await settle(pilot)
        assert shown(app) == [fresh] and "1 muted" in status_text(app).split(" · ")
        await pilot.press("escape", "/", *"is:new is:muted", "enter")
        await settle(pilot)
        assert shown(app) == [ducks]
        await pilot.press("escape", "/", *"gardening", "enter")  # nothing muted among these
        await settle(pilot)
        assert "muted" not in status_text(app)
        await pilot.press("escape", "q")
    assert app.main.visit_ended
    catalog = paperterm.load([folder])
    assert Inbox(catalog, StateStore.open(state_path)).new_ids == frozenset()
    capsys.readouterr()
    assert run(["--state", str(state_path), "list", str(folder), "-q", "is:new", "--muted"]) == 0
    assert capsys.readouterr().out == ""
    assert run(["--state", str(state_path), "list", str(folder)]) == 0
    listed = capsys.readouterr().out
    assert fresh in listed and ducks not in listed
