"""Attacks on the reader (Pilot): a huge abstract, a file name that is not UTF-8, another
paperterm holding the state file's lock for ever, and escape sequences in what the dialogs and
toasts draw (a folder's name, a hand-edited state file).

The pseudo-terminal test of escape sequences is in test_terminal.py; these drive the reader
headless and check what it lays out, saves and says.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import orjson
import pytest
from textual.app import App
from textual.widgets import Input, Label, TextArea

from paperterm.loader import load
from paperterm.state import StateStore
from paperterm.ui.screens.export import ExportScreen
from pilot import SIZE, make_app, screen_of
from test_ui_fixture import load_fixture

HEADER = "Get trending papers in your email inbox!\n"


async def test_a_4_mb_abstract_is_laid_out_in_part_and_shown_more_on_demand(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(f"{HEADER}A Huge Paper\n{'word ' * 800_000}\nSmall Paper\nSmall abstract.\n")
    app = make_app(load([path]), tmp_path / "state.json")
    async with app.run_test(size=SIZE) as pilot:
        detail = app.main._detail
        assert len(detail.text) < 30_000
        assert "3,979,999 more characters (+ shows more)" in detail.text
        offered = {command.title for command in app.get_system_commands(app.screen)}
        assert any(title.startswith("Show more of a huge abstract") for title in offered)
        await pilot.press("j", "k")  # moving off and back lays out the same part again
        assert len(detail.text) < 30_000
        await pilot.press("plus")
        assert 80_000 < len(detail.text) < 100_000
        await pilot.press("j", "plus")  # a small paper: nothing more to show
        assert "All of this paper is shown." in app.said_text()


async def test_a_latin1_file_name_never_crashes_the_reader_or_its_export(tmp_path: Path) -> None:
    name = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(name, "wb") as out:
        out.write(f"{HEADER}A Title About Cafes\nAn abstract about cafes.\n".encode())
    target = tmp_path / "out.json"
    app = make_app(load([os.fsdecode(name)]), tmp_path / "state.json")
    async with app.run_test(size=SIZE) as pilot:
        assert "caf\ufffd.txt" in app.main._detail.text
        await pilot.press("s", "e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    assert "caf\ufffd.txt" in target.read_text(encoding="utf-8")


# Another paperterm holds the state file's lock for ever: keys never wait for it.


def _hold_lock(state: Path) -> int:
    """Hold the state's lock as another process would (flock belongs to one open file)."""
    fd = os.open(f"{state}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def running(app: App[None]) -> bool:
    """Whether the app still runs (a call, so that type checkers do not narrow it)."""
    return app.is_running


WAITING = "1 unsaved: waiting for another paperterm"


async def test_a_held_lock_never_freezes_a_key_and_quitting_waits_for_the_save(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    catalog = load_fixture(tmp_path / "dumps")
    paper = catalog.papers[0]
    app = make_app(catalog, state)
    fd = _hold_lock(state)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            assert app.main.store.is_starred(paper.id)  # kept, and shown at once
            assert "★ starred" in app.main._detail.text
            assert WAITING in str(app.main._status.render())
            await pilot.press("q")
            assert running(app)  # waiting for the save, and saying what for
            said = app.said_text()
            assert "Press q again" in said and f'star "{paper.title}"' in said
            assert "the end of this visit" in said
            os.close(fd)
            fd = -1
            for _ in range(400):  # the reader tries four times a second
                if not running(app):
                    break
                await pilot.pause(0.05)
            assert not running(app)
    finally:
        if fd >= 0:
            os.close(fd)
    assert StateStore.open(state).is_starred(paper.id)
    assert app.main.given_up == [] and app.main.visit_ended


async def test_the_status_line_clears_once_the_lock_is_free(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    catalog = load_fixture(tmp_path / "dumps")
    app = make_app(catalog, state)
    fd = _hold_lock(state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "j", "s", "u")  # the star and its undo: nothing to save
        assert WAITING in str(app.main._status.render())
        os.close(fd)
        for _ in range(400):
            if not app.main.store.unsaved:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert "unsaved" not in str(app.main._status.render())
    saved = StateStore.open(state)
    assert saved.read_ids == {catalog.papers[0].id} and not saved.starred_ids


async def test_quitting_twice_gives_up_and_names_what_is_not_saved(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    catalog = load_fixture(tmp_path / "dumps")
    app = make_app(catalog, state)
    fd = _hold_lock(state)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s", "j", "r", "q", "q")
            await pilot.pause()
            assert not app.is_running
    finally:
        os.close(fd)
    assert app.main.given_up == [
        f'star "{catalog.papers[0].title}"',
        f'read "{catalog.papers[1].title}"',
        "the end of this visit (the papers loaded stay new)",
    ]
    assert not state.exists()


ESCAPE = "\x1b]0;pwned\x07"
"""A title sequence: drawn as it is, it sets the terminal's title."""


def drawn(app: App[None]) -> str:
    """Every text the dialogs' fields, labels and the toasts hold now."""
    texts = [field.value for field in app.screen.query(Input)]
    texts += [area.text for area in app.screen.query(TextArea)]
    texts += [str(label.render()) for label in app.screen.query(Label)]
    texts += [f"{toast.title} {toast.message}" for toast in app._notifications]
    return "\n".join(texts)


async def test_a_folder_named_with_an_escape_sequence_is_drawn_as_text_and_still_written(
    tmp_path: Path,
) -> None:
    folder = tmp_path / f"evil{ESCAPE}dir"
    folder.mkdir()
    catalog = load_fixture(tmp_path / "dumps")
    app = make_app(catalog, tmp_path / "state.json", export_path=folder / "out.bib")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e")
        assert isinstance(app.screen, ExportScreen)
        assert "\x1b" not in drawn(app) and "\\x1b]0;pwned\\x07dir" in drawn(app)
        await pilot.press("enter")  # the default, as it is
        await pilot.pause()
        assert not isinstance(screen_of(app), ExportScreen)
        assert "@" in (folder / "out.bib").read_text(encoding="utf-8")
        assert "\x1b" not in drawn(app) and "Exported 1 paper" in drawn(app)
        # Another name typed in the folder shown: still that folder, not one named by escapes.
        await pilot.press("e")
        field = app.screen.query_one(Input)
        field.value = field.value.replace("out.bib", "other.md")
        await pilot.press("enter")
        await pilot.pause()
        assert (folder / "other.md").is_file()
        assert [path.name for path in tmp_path.iterdir() if path.name.startswith("evil")] == [
            folder.name
        ]


async def test_tags_and_a_note_from_a_hand_edited_state_file_are_drawn_without_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    catalog = load_fixture(tmp_path / "dumps")
    state = tmp_path / "state.json"
    entry = {"tags": {f"ev{ESCAPE}il": [True, 1.0]}, "note": f"line1 {ESCAPE}\x1b[2J\nend"}
    state.write_bytes(orjson.dumps({"schema": 2, "papers": {catalog.papers[0].id: entry}}))
    app = make_app(catalog, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        assert app.screen.query_one(Input).value.startswith("evil")  # as the detail pane says
        assert "\x1b" not in drawn(app) and "\x07" not in drawn(app)
        await pilot.press("escape", "N")
        assert app.screen.query_one(TextArea).text == "line1 \nend"
        assert "\x1b" not in drawn(app)
