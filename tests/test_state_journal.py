"""The state file's journal: a line per change, read back, folded in, damaged, crashed into."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clock import Clock
from paperterm import fsio
from paperterm.errors import StateError
from paperterm.state import StateStore, journal, storage
from paperterm.state import store as store_module


class Crash(BaseException):
    """The process dies here (nothing after this step runs, no handler catches it)."""


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


def reader(path: Path, clock: Callable[[], float] | None = None) -> StateStore:
    """A store that saves as the reader does: a journal line per change."""
    store = StateStore.open(path, clock=clock) if clock else StateStore.open(path)
    store.journal = True
    return store


def snapshot(path: Path) -> dict[str, dict[str, object]]:
    papers: dict[str, dict[str, object]] = orjson.loads(path.read_bytes())["papers"]
    return papers


def journal_lines(path: Path) -> list[bytes]:
    return journal.path_of(path).read_bytes().splitlines(keepends=True)


def started(path: Path, clock: Clock | None = None) -> StateStore:
    """A journaling store on a state file that exists (the first save writes the whole file)."""
    store = reader(path, clock)
    store.set_starred(["first"], True)
    assert not journal.path_of(path).exists()
    return store


def test_a_change_is_one_journal_line_and_the_file_is_not_rewritten(state_path: Path) -> None:
    store = started(state_path)
    before = state_path.read_bytes()
    store.set_starred(["a"], True)
    store.set_read(["a", "b"], True)
    assert state_path.read_bytes() == before
    lines = journal_lines(state_path)
    assert len(lines) == 2 and all(line.endswith(b"\n") for line in lines)
    assert orjson.loads(lines[1])["papers"].keys() == {"a", "b"}
    again = StateStore.open(state_path)
    assert again.starred_ids == {"first", "a"} and again.read_ids == {"a", "b"}
    assert again.get("a") == store.get("a") and again.notices == []


def test_a_script_appends_while_a_journal_is_there_else_writes_the_whole_file(
    state_path: Path,
) -> None:
    store = started(state_path)
    script = StateStore.open(state_path)  # paperterm mark: not journaling
    script.set_read(["b"], True)  # no journal: the whole file
    assert snapshot(state_path).keys() == {"first", "b"}
    store.set_starred(["a"], True)
    before = state_path.read_bytes()
    script.set_read(["c"], True)  # a reader's journal is there: a line, no re-read for it
    assert state_path.read_bytes() == before and len(journal_lines(state_path)) == 2
    store.reload()
    assert store.read_ids == {"b", "c"}
    assert store.flush()  # the reader quits: folded
    assert not journal.path_of(state_path).exists()
    assert snapshot(state_path).keys() == {"first", "a", "b", "c"}
    store.set_starred(["d"], True)  # the reader goes on, on the new file
    assert StateStore.open(state_path).starred_ids == {"first", "a", "d"}


def test_flush_folds_the_journal_and_never_fails_for_it(state_path: Path) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    with storage.locked(store.lock_path):  # another paperterm holds the lock
        assert store.flush() is True
    assert journal.path_of(state_path).exists()
    assert store.flush() is True
    assert not journal.path_of(state_path).exists()
    assert snapshot(state_path)["a"]["starred"] is True
    assert store.backup_path.exists() and "a" not in snapshot(store.backup_path)


def test_a_new_journal_has_the_mode_of_the_file(state_path: Path) -> None:
    store = started(state_path)
    state_path.chmod(0o600)
    store.set_note("a", "private")
    assert journal.path_of(state_path).stat().st_mode & 0o777 == 0o600


def test_quitting_folds_a_journal_another_process_started(state_path: Path) -> None:
    store = started(state_path)
    other = reader(state_path)
    other.set_starred(["a"], True)
    assert store.flush()  # never reloaded since: the journal is still found and folded
    assert not journal.path_of(state_path).exists()
    assert snapshot(state_path).keys() == {"first", "a"}


def test_a_reader_that_changed_nothing_creates_nothing(tmp_path: Path) -> None:
    store = reader(tmp_path / "data" / "state.json")
    assert store.flush()
    assert not (tmp_path / "data").exists()


def test_a_change_made_while_another_holds_the_lock_is_one_line_once_saved(
    state_path: Path,
) -> None:
    store = started(state_path)
    store.defer_when_locked = True
    with storage.locked(store.lock_path):
        store.set_starred(["a"], True)
        store.set_read(["b"], True)
        waiting = len(store.unsaved)
    assert waiting == 2
    assert store.flush()
    assert store.unsaved == ()
    [line] = journal_lines(state_path)
    assert orjson.loads(line)["papers"].keys() == {"a", "b"}
    assert store.flush()  # nothing unsaved now: the quit's flush folds
    assert not journal.path_of(state_path).exists()
    final = StateStore.open(state_path)
    assert final.starred_ids == {"first", "a"} and final.read_ids == {"b"}


def test_another_process_line_is_read_alone(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = started(state_path), reader(state_path)
    two.set_starred(["b"], True)
    reads: list[Path] = []
    real = storage.read_file

    def counted(path: Path) -> tuple[bytes, storage.Fingerprint] | None:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(storage, "read_file", counted)
    one.reload()
    assert one.starred_ids == {"first", "b"}
    one.set_read(["c"], True)  # a save after another one's line: the line only, again
    two.set_read(["d"], True)
    one.set_starred(["e"], True)
    assert reads == []  # neither the file nor the journal was read whole
    assert one.read_ids == {"c", "d"} and one.starred_ids == {"first", "b", "e"}
    two.reload()
    assert two._papers == one._papers


def test_interleaved_changes_to_one_paper_keep_the_latest(state_path: Path) -> None:
    clock = Clock()
    one, two = started(state_path, clock), reader(state_path, clock)
    clock.tick()
    one.set_starred(["x"], True)
    clock.tick()
    two.set_starred(["x"], False)  # seen under the lock: it unstars the star above
    clock.tick()
    one.add_tags(["x"], ["rl"])
    for store in (one, two, StateStore.open(state_path)):
        store.reload()
        assert not store.is_starred("x") and store.get("x").tags == ("rl",)


def test_a_line_cut_short_is_left_out_and_never_appended_after(state_path: Path) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    torn = journal.line({"b": {"starred": True, "starred_at": 5.0}})[:-9]
    with journal.path_of(state_path).open("ab") as file:
        file.write(torn)
    again = StateStore.open(state_path)  # not under the lock: maybe a line being written
    assert again.starred_ids == {"first", "a"} and again.notices == []
    other = reader(state_path)
    other.set_read(["c"], True)  # under the lock: a save cut short; folded, not appended to
    assert any("cut short" in notice for notice in other.notices)
    assert not journal.path_of(state_path).exists()
    assert snapshot(state_path).keys() == {"first", "a", "c"}


def test_a_damaged_line_is_left_out_once_and_the_others_are_kept(state_path: Path) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    good = journal.line({"c": {"read": True, "read_at": 7.0}})
    flipped = bytearray(journal.line({"b": {"note": "text", "note_at": 6.0}}))
    flipped[flipped.index(b"text")] = ord("T")  # still JSON: only the checksum tells
    with journal.path_of(state_path).open("ab") as file:
        file.write(b"\x00\r\x00garbage\n" + bytes(flipped) + good)  # one line
    again = reader(state_path)
    assert again.starred_ids == {"first", "a"} and again.read_ids == {"c"}
    assert again.get("b").note == ""
    [notice] = again.notices
    assert "2 damaged lines left out (the first: not a whole JSON line)" in notice
    assert "other lines are kept" in notice
    again.set_starred(["d"], True)  # folds, and moves the damaged journal aside
    [aside] = state_path.parent.glob("state.json.journal.corrupt-*")
    assert b"garbage" in aside.read_bytes()
    assert not journal.path_of(state_path).exists()
    assert snapshot(state_path).keys() == {"first", "a", "c", "d"}
    assert len(again.notices) == 2
    assert StateStore.open(state_path).notices == []


def test_a_line_with_a_bad_entry_is_damaged(state_path: Path) -> None:
    started(state_path)
    bad = journal.line({"a": {"starred": "yes"}})
    with journal.path_of(state_path).open("ab") as file:
        file.write(bad)
    store = StateStore.open(state_path)
    assert store.starred_ids == {"first"}
    assert "wrong type" in store.notices[0]
    assert ": 1 damaged line left out (" in store.notices[0]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(noise=st.binary(max_size=300), cut=st.integers(0, 400))
def test_any_bytes_in_the_journal_never_crash_nor_lose_the_lines_before(
    tmp_path_factory: pytest.TempPathFactory, noise: bytes, cut: int
) -> None:
    path = tmp_path_factory.mktemp("hostile") / "state.json"
    store = started(path)
    store.set_starred(["a"], True)
    store.set_read(["b"], True)
    data = journal.path_of(path).read_bytes()
    journal.path_of(path).write_bytes(data + noise[:cut] + b"\n" + noise[cut:])
    again = reader(path)
    assert {"first", "a"} <= again.starred_ids and "b" in again.read_ids
    again.set_starred(["c"], True)
    final = StateStore.open(path)
    assert {"first", "a", "c"} <= final.starred_ids and "b" in final.read_ids


def test_a_journal_of_a_newer_version_opens_read_only(state_path: Path) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    with journal.path_of(state_path).open("ab") as file:
        file.write(b'{"v":2,"whatever":[1,2]}\n')
    before = {p.name: p.read_bytes() for p in state_path.parent.iterdir()}
    newer = reader(state_path)
    assert newer.read_only and newer.starred_ids == {"first", "a"}
    assert "journal version 2 is newer" in newer.notices[0]
    with pytest.raises(StateError) as refused:
        newer.set_starred(["b"], True)
    assert str(refused.value) == (  # the journal named, not the file's schema
        f"{journal.path_of(state_path)}: opened read-only (a journal of a newer paperterm); "
        "not saving"
    )
    assert newer.flush() is True
    store.reload()
    assert store.read_only
    with pytest.raises(StateError, match="newer"):
        store.set_starred(["b"], True)  # the one that saw it appear under the lock
    assert {p.name: p.read_bytes() for p in state_path.parent.iterdir()} == before


def test_undo_across_the_journal(state_path: Path) -> None:
    clock = Clock()
    store, other = started(state_path, clock), reader(state_path, clock)
    clock.tick()
    store.set_starred(["a"], True)
    clock.tick()
    other.set_read(["a"], True)
    clock.tick()
    assert store.undo()
    final = StateStore.open(state_path)
    assert not final.is_starred("a") and final.is_read("a")
    assert len(journal_lines(state_path)) == 3


def test_a_failed_append_changes_nothing(state_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    before = journal.path_of(state_path).read_bytes()

    def full(fd: int, data: bytes) -> None:
        os.write(fd, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsio, "write_all", full)
    with pytest.raises(StateError, match="No space left"):
        store.set_starred(["b"], True)
    assert not store.is_starred("b")
    assert journal.path_of(state_path).read_bytes() == before
    monkeypatch.undo()
    store.set_starred(["c"], True)
    assert StateStore.open(state_path).starred_ids == {"first", "a", "c"}


# -- crashes at every step: the process dies after a write, a new one opens the files ------


def test_crash_inside_an_append(state_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)

    def half(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise Crash

    monkeypatch.setattr(fsio, "write_all", half)
    with pytest.raises(Crash):
        store.set_starred(["b"], True)
    monkeypatch.undo()
    again = reader(state_path)
    assert again.starred_ids == {"first", "a"}  # the change never said it was saved
    again.set_read(["c"], True)
    final = StateStore.open(state_path)
    assert final.starred_ids == {"first", "a"} and final.read_ids == {"c"}


def test_crash_after_an_append_before_its_flush(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = started(state_path)

    def crash(fd: int) -> None:
        raise Crash

    monkeypatch.setattr(fsio, "flush_to_disk", crash)
    with pytest.raises(Crash):
        store.set_starred(["a"], True)
    monkeypatch.undo()
    assert StateStore.open(state_path).starred_ids == {"first", "a"}  # written, whole


@pytest.mark.parametrize("step", ["write", "replace", "drop"])
def test_crash_at_each_step_of_a_fold(
    state_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    clock = Clock()
    store = started(state_path, clock)
    clock.tick()
    store.set_starred(["a"], True)
    clock.tick()
    store.set_starred(["a"], False)  # a later line undoing an earlier one
    clock.tick()
    store.add_tags(["b"], ["rl"])
    expected = dict(store._papers)
    if step == "write":  # dies while writing the new file: the old file and journal stay
        monkeypatch.setattr(
            fsio, "_write_new", lambda *args, **kwargs: (_ for _ in ()).throw(Crash)
        )
    elif step == "replace":  # dies once the new file is in place, before the journal goes

        def crash(self: StateStore) -> None:
            raise Crash

        monkeypatch.setattr(StateStore, "_drop_journal", crash)
    else:  # dies after removing the journal, before anything else
        real = StateStore._drop_journal

        def drop_then_crash(self: StateStore) -> None:
            real(self)
            raise Crash

        monkeypatch.setattr(StateStore, "_drop_journal", drop_then_crash)
    with pytest.raises(Crash):
        store.flush()
    monkeypatch.undo()
    again = reader(state_path, clock)
    assert again._papers == expected and again.notices == []
    clock.tick()
    again.set_starred(["c"], True)
    assert again.flush()
    final = StateStore.open(state_path)
    assert final._papers == {**expected, "c": again._papers["c"]}
    assert not journal.path_of(state_path).exists()


# -- the file damaged or gone, the journal still there --------------------------------------


def test_a_corrupt_file_is_recovered_from_the_backup_and_the_journal(state_path: Path) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    store.flush()  # the backup now holds "first"; the file "first" and "a"
    store.set_read(["b"], True)
    state_path.write_bytes(b"{oops")
    again = StateStore.open(state_path)
    assert again.starred_ids == {"first", "a"} or again.starred_ids == {"first"}
    assert again.read_ids == {"b"}  # the journal's line is never lost
    assert any("unreadable" in notice for notice in again.notices)
    assert not journal.path_of(state_path).exists()  # folded into the recovered file
    assert StateStore.open(state_path).read_ids == {"b"}


def test_a_journal_without_its_file_is_recovered(state_path: Path) -> None:
    store = started(state_path)
    store.set_starred(["a"], True)
    state_path.unlink()
    again = StateStore.open(state_path)
    assert again.starred_ids == {"a"}
    assert snapshot(state_path).keys() == {"a"}
    assert not journal.path_of(state_path).exists()


def test_a_symlinked_journal_is_refused(state_path: Path, tmp_path: Path) -> None:
    started(state_path)
    target = tmp_path / "elsewhere"
    target.write_bytes(b"")
    journal.path_of(state_path).symlink_to(target)
    with pytest.raises(StateError, match="symbolic link") as refused:
        StateStore.open(state_path)
    assert "remove the link" in str(refused.value)  # not "point --state at a real file"


# -- other machines' files -----------------------------------------------------------------


def test_merge_reads_the_journal_beside_the_other_file(state_path: Path, tmp_path: Path) -> None:
    theirs = tmp_path / "other" / "state.json"
    other = started(theirs)
    other.set_starred(["a"], True)
    mine = StateStore.open(state_path)
    papers = mine.read_other(theirs)
    assert papers.keys() == {"first", "a"}
    assert mine.merge_in([papers]) == 2
    assert StateStore.open(state_path).starred_ids == {"first", "a"}


def test_merge_refuses_a_newer_journal_beside_the_other_file(
    state_path: Path, tmp_path: Path
) -> None:
    theirs = tmp_path / "other" / "state.json"
    started(theirs)
    journal.path_of(theirs).write_bytes(b'{"v":9}\n')
    with pytest.raises(StateError, match="journal version 9"):
        StateStore.open(state_path).read_other(theirs)


def test_a_sync_conflict_copy_of_the_journal_is_merged_and_moved_aside(
    state_path: Path, tmp_path: Path
) -> None:
    started(state_path)
    elsewhere = started(tmp_path / "laptop" / "state.json")
    elsewhere.set_starred(["laptop"], True)
    copy = state_path.with_name("state.json.sync-conflict-20261128-101010-ABCDEFG.journal")
    copy.write_bytes(journal.path_of(elsewhere.path).read_bytes())
    store = reader(state_path)
    assert store.starred_ids == {"first", "laptop"}
    assert not copy.exists() and any("sync conflict copy" in n for n in store.notices)
    assert StateStore.open(state_path).starred_ids == {"first", "laptop"}


def test_a_sync_conflict_copy_of_the_file_takes_its_journal_along(
    state_path: Path, tmp_path: Path
) -> None:
    started(state_path)
    elsewhere = started(tmp_path / "laptop" / "state.json")
    elsewhere.set_starred(["laptop"], True)
    copy = state_path.with_name("state.sync-conflict-20261128-101010-ABCDEFG.json")
    copy.write_bytes(elsewhere.path.read_bytes())
    journal.path_of(copy).write_bytes(journal.path_of(elsewhere.path).read_bytes())
    store = reader(state_path)
    assert store.starred_ids == {"first", "laptop"}
    assert not copy.exists() and not journal.path_of(copy).exists()
    assert len(list(state_path.parent.glob("*.merged-*"))) == 2


def test_the_journal_is_one_of_the_files_nothing_may_write_over(state_path: Path) -> None:
    store = StateStore.open(state_path)
    assert store.own_files[journal.path_of(state_path)] == "the state file's journal"


def test_a_big_change_is_a_whole_file_save_and_a_long_journal_is_folded(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = started(state_path.with_name("big.json"))
    big.set_read([f"p{i}" for i in range(store_module._LINE_PAPERS + 1)], True)
    assert not journal.path_of(big.path).exists()
    store = started(state_path)
    monkeypatch.setattr(store_module, "_FOLD_AT", 600)
    sizes = []
    for i in range(20):
        store.set_starred([f"s{i}"], True)
        path = journal.path_of(state_path)
        sizes.append(path.stat().st_size if path.exists() else 0)
    assert max(sizes) <= 600 and sizes.count(0) >= 2
    assert StateStore.open(state_path).starred_ids == {"first", *(f"s{i}" for i in range(20))}


# -- any sequence of changes by two stores is the one sequence applied in memory ------------

IDS = ["a", "b", "c"]

actions = st.lists(
    st.tuples(
        st.sampled_from(
            ["star", "read", "tag", "untag", "note", "queue", "undo", "reopen", "fold"]
        ),
        st.integers(0, 1),  # which store
        st.sampled_from(IDS),
        st.booleans(),
    ),
    max_size=25,
)


def _do(store: StateStore, kind: str, pid: str, flag: bool) -> None:
    if kind == "star":
        store.set_starred([pid], flag)
    elif kind == "read":
        store.set_read([pid], flag)
    elif kind == "tag":
        store.add_tags([pid], ["x" if flag else "y"])
    elif kind == "untag":
        store.remove_tags([pid], ["x" if flag else "y"])
    elif kind == "note":
        store.set_note(pid, "note" if flag else "")
    elif kind == "queue":
        if flag:
            store.enqueue([pid])
        else:
            store.dequeue([pid])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions, journals=st.sampled_from([(True, True), (True, False)]))
def test_two_stores_with_folds_and_reopenings_equal_one_store_in_memory(
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, int, str, bool]],
    journals: tuple[bool, bool],
) -> None:
    folder = tmp_path_factory.mktemp("two")
    clock = Clock()
    path = folder / "state.json"

    def open_one(which: int) -> StateStore:
        store = StateStore.open(path, clock=clock)
        store.journal = journals[which]
        return store

    stores = [open_one(0), open_one(1)]
    model = StateStore.open(folder / "model" / "state.json", clock=clock)
    for kind, which, pid, flag in steps:
        clock.tick()
        if kind == "reopen":
            stores[which] = open_one(which)
        elif kind == "undo":  # the store's own last change, taken back on the disk's values
            last = list(stores[which].next_undo)
            if stores[which].undo():
                with model.update() as changes:
                    changes._revert(last)
        elif kind == "fold":
            stores[which].flush()
            stores[which].journal = True
            stores[which].flush()
            stores[which].journal = journals[which]
        else:
            _do(stores[which], kind, pid, flag)
            _do(model, kind, pid, flag)
    for store in stores:
        store.reload()
        assert store._papers == model._papers
    assert StateStore.open(path)._papers == model._papers
