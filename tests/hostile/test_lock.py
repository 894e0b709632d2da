"""Attacks on the state's lock and backup: a lock held for ever (the reader's changes are
deferred, never blocked), a backup that is a folder, and two paperterms pinning the same
citation key at once."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paperterm.cli import run
from paperterm.errors import StateError
from paperterm.identity import paper_id
from paperterm.model import Paper, Source
from paperterm.state import StateStore, storage
from paperterm.state.seen import Seen
from paperterm.usecases import export_and_pin


def paper(title: str) -> Paper:
    return Paper(paper_id(title), title, ("An abstract.",), (Source("page.txt", 1, 1),), (), 0)


def test_a_backup_that_is_a_folder_is_reported_by_mark(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    assert run(["mark", "star", "aaaaaaaaaaaa", "--state", str(state)]) == 0
    (tmp_path / "state.json.bak").mkdir()
    capsys.readouterr()
    assert run(["mark", "read", "aaaaaaaaaaaa", "--state", str(state)]) == 0
    err = capsys.readouterr().err
    assert "state.json.bak" in err and "backup" in err
    assert StateStore.open(state).is_read("aaaaaaaaaaaa")


def test_two_stores_pinning_the_same_new_key_never_both_take_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first, second = StateStore.open(state), StateStore.open(state)
    assert first.pin_keys({"aaaaaaaaaaaa": "lotteryticket"}) == {"aaaaaaaaaaaa": "lotteryticket"}
    taken = second.pin_keys({"bbbbbbbbbbbb": "lotteryticket"})  # its memory is stale
    assert taken.get("bbbbbbbbbbbb") != "lotteryticket"
    keys = StateStore.open(state).pinned_keys
    assert sorted(keys.values()).count("lotteryticket") == 1


def test_two_exports_at_once_give_two_keys(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first, second = StateStore.open(state), StateStore.open(state)
    one = paper("Lottery Ticket Hypothesis")
    two = paper("The Lottery Ticket Revisited")
    got_one = export_and_pin([one], "bibtex", first)
    got_two = export_and_pin([two], "bibtex", second)
    assert got_one.keys[one.id] != got_two.keys[two.id]
    assert f"@misc{{{got_two.keys[two.id]}," in got_two.text
    assert StateStore.open(state).pinned_keys == {**got_one.keys, **got_two.keys}


# A lock held for ever by another paperterm: the reader's changes are made in memory at once and
# saved when the lock is free (the store's defer_when_locked, set by the reader).


def _hold_lock(state: Path) -> int:
    """Hold the state's lock as another process would (flock belongs to one open file)."""
    fd = os.open(f"{state}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _deferring(state: Path, clock: Callable[[], float] = time.time) -> StateStore:
    store = StateStore.open(state, clock=clock)
    store.defer_when_locked = True
    return store


def test_a_held_lock_never_blocks_a_change_and_the_change_is_saved_once_it_is_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    store = _deferring(state)
    waits: list[float | None] = []
    locked = storage.locked

    def spied(lock_path: Path, timeout: float | None = None) -> Any:
        waits.append(timeout)
        return locked(lock_path, timeout)

    monkeypatch.setattr(storage, "locked", spied)
    fd = _hold_lock(state)
    try:
        store.set_starred(["aaaaaaaaaaaa"], True)
        store.add_tags(["aaaaaaaaaaaa"], ["to-read"])
        assert waits == [0, 0]  # one try each, never waiting for the lock
        assert store.is_starred("aaaaaaaaaaaa")  # shown at once: what the user did is kept
        assert [change[1] for changes in store.unsaved for change in changes] == [
            "starred",
            "tags",
        ]
        assert not state.exists()
        with pytest.raises(storage.LockBusy):
            store.flush()
    finally:
        os.close(fd)
    assert store.flush()
    assert store.unsaved == ()
    saved = StateStore.open(state)
    assert saved.is_starred("aaaaaaaaaaaa") and saved.get("aaaaaaaaaaaa").tags == ("to-read",)


def test_a_deferred_change_is_merged_with_what_the_lock_holder_saved_meanwhile(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.json"
    now = [1000.0]
    mine, theirs = _deferring(state, lambda: now[0]), StateStore.open(state, clock=lambda: now[0])
    mine.set_starred(["bbbbbbbbbbbb"], True)  # saved: the lock is free
    theirs.reload()
    fd = _hold_lock(state)
    now[0] = 2000.0
    mine.set_starred(["aaaaaaaaaaaa"], True)  # both kept in memory
    mine.set_starred(["bbbbbbbbbbbb"], False)
    os.close(fd)
    now[0] = 3000.0  # the other paperterm, later: reads the one, stars the other again
    theirs.set_read(["aaaaaaaaaaaa"], True)
    theirs.set_starred(["bbbbbbbbbbbb"], False)
    theirs.set_starred(["bbbbbbbbbbbb"], True)
    assert mine.flush()
    saved = StateStore.open(state)
    assert saved.is_starred("aaaaaaaaaaaa") and saved.is_read("aaaaaaaaaaaa")  # both kept
    assert saved.is_starred("bbbbbbbbbbbb")  # their later change wins, as in any merge


def test_undo_of_a_deferred_change_is_deferred_too(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = _deferring(state)
    store.set_read(["aaaaaaaaaaaa"], True)  # saved: the lock is free
    fd = _hold_lock(state)
    try:
        store.set_read(["bbbbbbbbbbbb"], True)
        assert store.undo() and store.undo()
        assert store.read_ids == frozenset()
    finally:
        os.close(fd)
    assert store.flush()
    assert StateStore.open(state).read_ids == frozenset()


def test_a_failed_deferred_save_keeps_the_change_unsaved_and_says_why(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = _deferring(state)
    fd = _hold_lock(state)
    store.set_starred(["aaaaaaaaaaaa"], True)
    state.mkdir()  # by the time the lock is free, the file cannot be written
    os.close(fd)
    with pytest.raises(StateError):
        store.flush()
    assert store.is_starred("aaaaaaaaaaaa") and len(store.unsaved) == 1  # kept, not lost
    state.rmdir()
    assert store.flush()
    assert StateStore.open(state).is_starred("aaaaaaaaaaaa")


def test_pinning_a_key_is_never_deferred(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = _deferring(state)
    fd = _hold_lock(state)
    try:
        with pytest.raises(storage.LockBusy):
            store.pin_keys({"aaaaaaaaaaaa": "lotteryticket"})
        assert store.pinned_keys == {} and store.unsaved == ()
    finally:
        os.close(fd)


def test_without_deferring_a_held_lock_is_an_error_after_the_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 0.2)
    state = tmp_path / "state.json"
    store = StateStore.open(state)
    fd = _hold_lock(state)
    try:
        with pytest.raises(StateError, match="another paperterm"):
            store.set_starred(["aaaaaaaaaaaa"], True)
        assert not store.is_starred("aaaaaaaaaaaa") and store.unsaved == ()
    finally:
        os.close(fd)


def test_ending_a_visit_under_a_held_lock_says_so_at_once(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    seen = Seen.beside(state)
    fd = _hold_lock(state)
    try:
        with pytest.raises(storage.LockBusy):
            seen.end_visit(["aaaaaaaaaaaa"], lock_timeout=0)
    finally:
        os.close(fd)
    assert seen.end_visit(["aaaaaaaaaaaa"], lock_timeout=0) == 1
