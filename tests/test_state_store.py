"""The state store's behaviour in one process: changes, saving, undo, merging, links refused."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from clock import Clock
from paperterm.errors import StateError
from paperterm.locations import default_state_path
from paperterm.state import SCHEMA, PaperState, StateStore, storage


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.json"


@pytest.fixture
def opener(state_path: Path) -> Callable[..., StateStore]:
    def open_store(clock: Callable[[], float] | None = None) -> StateStore:
        if clock is None:
            return StateStore.open(state_path)
        return StateStore.open(state_path, clock=clock)

    return open_store


def on_disk(path: Path) -> dict[str, dict[str, object]]:
    data = orjson.loads(path.read_bytes())
    assert data["schema"] == SCHEMA
    papers: dict[str, dict[str, object]] = data["papers"]
    return papers


def test_missing_file_is_an_empty_state_and_creates_nothing(state_path: Path) -> None:
    store = StateStore.open(state_path)
    assert store.get("0123456789ab") == PaperState()
    assert store.read_ids == frozenset() and store.starred_ids == frozenset()
    assert not store.read_only and store.notices == []
    assert not state_path.parent.exists()


def test_default_path_is_in_the_user_data_dir(isolated_data_dir: Path) -> None:
    store = StateStore.open()
    assert store.path == default_state_path() == isolated_data_dir / "state.json"
    store.set_starred(["aaa"], True)
    assert on_disk(isolated_data_dir / "state.json") == {
        "aaa": {"starred": True, "starred_at": pytest.approx(store.get("aaa").starred_at)}
    }


def test_changes_are_saved_before_returning_with_only_non_default_fields(
    state_path: Path,
) -> None:
    clock = Clock(1000.0)
    store = StateStore.open(state_path, clock=clock)
    store.set_starred(["a", "b"], True)
    clock.tick()
    store.set_read(["a"], True)
    assert on_disk(state_path) == {
        "a": {"starred": True, "starred_at": 1000.0, "read": True, "read_at": 1001.0},
        "b": {"starred": True, "starred_at": 1000.0},
    }
    clock.tick()
    store.set_read(["a"], False)
    # The unread keeps its time (it must beat an older read in a merge) but not the flag.
    assert on_disk(state_path)["a"] == {"starred": True, "starred_at": 1000.0, "read_at": 1002.0}
    assert store.get("a") == PaperState(read=False, read_at=1002.0, starred=True, starred_at=1000.0)
    assert StateStore.open(state_path).get("a") == store.get("a")


def test_setting_the_same_value_again_keeps_the_change_time(state_path: Path) -> None:
    clock = Clock()
    store = StateStore.open(state_path, clock=clock)
    store.set_read(["a"], True)
    before = state_path.read_bytes()
    clock.tick()
    store.set_read(["a"], True)
    assert store.get("a").read_at == 1000.0
    assert state_path.read_bytes() == before


def test_id_sets_are_cached_until_a_change(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_read(["a", "b"], True)
    store.set_starred(["b"], True)
    first = store.read_ids
    assert store.read_ids is first and store.starred_ids is store.starred_ids
    assert first == {"a", "b"} and store.starred_ids == {"b"}
    assert store.is_read("a") and not store.is_starred("a") and store.is_starred("b")
    store.set_read(["a"], False)
    assert store.read_ids == {"b"} and not store.is_read("a")


def test_tags_notes_and_a_batch_in_one_save(state_path: Path) -> None:
    clock = Clock()
    store = StateStore.open(state_path, clock=clock)
    saves = []
    real_replace = os.replace

    def counting_replace(src: str, dst: str) -> None:
        saves.append(dst)
        real_replace(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", counting_replace)
        with store.update() as changes:
            changes.set_read(["a", "b"], True)
            changes.set_starred(["a"], True)
            changes.set_tags("a", ["rl", "", "rl", "theory"])
            changes.set_note("b", "check the appendix")
            store.set_starred(["c"], True)  # joins the open batch
            assert not state_path.exists()
    assert [Path(dst).name for dst in saves] == ["state.json"]
    reopened = StateStore.open(state_path)
    assert reopened.get("a").tags == ("rl", "theory")
    assert reopened.get("b").note == "check the appendix"
    assert reopened.starred_ids == {"a", "c"} and reopened.read_ids == {"a", "b"}


def test_an_exception_in_a_batch_saves_nothing(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    before = state_path.read_bytes()
    with pytest.raises(ValueError), store.update() as changes:
        changes.set_starred(["b"], True)
        raise ValueError("boom")
    assert state_path.read_bytes() == before and not store.is_starred("b")


def test_undo_walks_back_through_changes(state_path: Path) -> None:
    store = StateStore.open(state_path)
    assert store.undo() is False
    store.set_starred(["a"], True)
    store.set_read(["a", "b"], True)
    store.set_starred(["a"], False)
    store.set_read(["c"], False)  # no change: nothing to undo for it
    assert store.undo() is True
    assert store.is_starred("a") and store.read_ids == {"a", "b"}
    assert StateStore.open(state_path).is_starred("a")
    assert store.undo() is True
    assert store.read_ids == frozenset() and store.is_starred("a")
    assert store.undo() is True
    assert store.starred_ids == frozenset()
    assert store.undo() is False and not store.can_undo
    assert StateStore.open(state_path).starred_ids == frozenset()


def test_undo_leaves_alone_what_another_process_changed_since(state_path: Path) -> None:
    clock = Clock()
    mine = StateStore.open(state_path, clock=clock)
    mine.set_starred(["a", "b"], True)
    clock.tick()
    other = StateStore.open(state_path, clock=clock)
    other.set_starred(["b"], False)
    clock.tick()
    assert mine.undo() is True
    assert not mine.is_starred("a")
    assert not mine.is_starred("b")  # the other process's unstar stays


def test_pin_keys_never_changes_a_pinned_key(state_path: Path) -> None:
    store = StateStore.open(state_path)
    assert store.pin_keys({"a": "smith2024lottery", "b": "doe2023"}) == {
        "a": "smith2024lottery",
        "b": "doe2023",
    }
    assert store.pin_keys({"a": "other", "c": "new2025"}) == {
        "a": "smith2024lottery",
        "c": "new2025",
    }
    assert store.pinned_keys == {"a": "smith2024lottery", "b": "doe2023", "c": "new2025"}
    store.set_starred(["a"], True)
    store.undo()
    assert StateStore.open(state_path).get("a").bibkey == "smith2024lottery"


def test_two_stores_merge_by_change_time(state_path: Path) -> None:
    clock = Clock()
    first = StateStore.open(state_path, clock=clock)
    second = StateStore.open(state_path, clock=clock)
    first.set_starred(["a"], True)
    clock.tick()
    second.set_starred(["b"], True)  # second never saw "a": it must not drop it
    assert on_disk(state_path).keys() == {"a", "b"}
    assert second.starred_ids == {"a", "b"}
    clock.tick()
    second.set_starred(["a"], False)
    clock.tick()
    first.set_read(["c"], True)  # first still holds "a" starred, but that change is older
    assert not first.is_starred("a") and first.starred_ids == {"b"}
    assert not StateStore.open(state_path).is_starred("a")


def test_a_later_change_wins_even_when_its_clock_is_behind(state_path: Path) -> None:
    fast, slow = Clock(5000.0), Clock(1000.0)
    ahead = StateStore.open(state_path, clock=fast)
    behind = StateStore.open(state_path, clock=slow)
    ahead.set_starred(["a"], True)
    behind.set_starred(["a"], False)  # made later, by a clock an hour behind
    starred_at = behind.get("a").starred_at
    assert starred_at is not None and starred_at > 5000.0
    ahead.set_read(["x"], True)
    assert not ahead.is_starred("a")


def test_merge_keeps_the_newer_field_of_each_paper(state_path: Path) -> None:
    clock = Clock()
    first = StateStore.open(state_path, clock=clock)
    second = StateStore.open(state_path, clock=clock)
    first.set_read(["a"], True)
    clock.tick()
    second.set_starred(["a"], True)
    clock.tick()
    first.set_note("a", "first's note")
    assert StateStore.open(state_path).get("a") == PaperState(
        read=True, read_at=1000.0, starred=True, starred_at=1001.0, note="first's note"
    )


def test_the_users_arxiv_choice_is_saved_merged_and_undone(state_path: Path) -> None:
    clock = Clock()
    first = StateStore.open(state_path, clock=clock)
    second = StateStore.open(state_path, clock=clock)
    first.set_arxiv("a", "1803.03635")
    clock.tick()
    second.set_starred(["a"], True)
    second.set_arxiv("b", "none")
    reopened = StateStore.open(state_path)
    assert reopened.get("a").arxiv == "1803.03635" and reopened.get("a").starred
    assert reopened.arxiv_choices == {"a": "1803.03635", "b": "none"}
    clock.tick()
    assert second.undo()
    assert StateStore.open(state_path).arxiv_choices == {"a": "1803.03635"}
    clock.tick()
    first.set_arxiv("a", None)  # forgotten: back to automatic
    assert StateStore.open(state_path).get("a").arxiv is None
    with pytest.raises(TypeError):
        first.set_arxiv("a", "")


def test_reload_picks_up_another_stores_changes(state_path: Path) -> None:
    first = StateStore.open(state_path)
    second = StateStore.open(state_path)
    second.set_starred(["z"], True)
    assert not first.is_starred("z")
    first.reload()
    assert first.starred_ids == {"z"}
    first.reload()  # nothing changed: cheap and harmless
    assert first.starred_ids == {"z"}


def test_a_deleted_file_is_rewritten_from_memory_on_the_next_save(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    store.set_starred(["b"], True)
    state_path.unlink()
    store.backup_path.unlink()
    store.set_read(["c"], True)
    assert StateStore.open(state_path).starred_ids == {"a", "b"}


def test_the_previous_good_copy_is_kept_as_bak(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    first = state_path.read_bytes()
    assert not store.backup_path.exists()
    store.set_starred(["b"], True)
    assert store.backup_path.read_bytes() == first
    second = state_path.read_bytes()
    store.set_starred(["c"], True)
    assert store.backup_path.read_bytes() == second


def test_a_missing_file_with_a_backup_loads_the_backup(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    store.set_starred(["b"], True)
    state_path.unlink()
    reopened = StateStore.open(state_path)
    assert reopened.starred_ids == {"a"}
    assert len(reopened.notices) == 1 and "state.json.bak" in reopened.notices[0]
    assert on_disk(state_path).keys() == {"a"}  # written back at once


def test_mode_of_the_file_is_kept(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    state_path.chmod(0o600)
    store.set_starred(["b"], True)
    assert state_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlinked_state_file_is_refused(tmp_path: Path, dangling: bool) -> None:
    real = tmp_path / "real.json"
    if not dangling:
        real.write_bytes(b'{"schema": 1, "papers": {}}')
    link = tmp_path / "state.json"
    link.symlink_to(real)
    with pytest.raises(StateError, match="symbolic link"):
        StateStore.open(link)
    assert real.exists() is not dangling


def test_a_state_file_replaced_by_a_symlink_later_is_refused(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    target = state_path.with_name("elsewhere.json")
    state_path.rename(target)
    state_path.symlink_to(target)
    before = target.read_bytes()
    with pytest.raises(StateError, match="symbolic link"):
        store.set_starred(["b"], True)
    assert target.read_bytes() == before and state_path.is_symlink()
    assert not store.is_starred("b")


def test_a_symlinked_lock_file_is_refused(state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    victim = state_path.parent / "victim"
    victim.write_text("keep me")
    state_path.with_name("state.json.lock").symlink_to(victim)
    store = StateStore.open(state_path)
    with pytest.raises(StateError, match="symbolic link"):
        store.set_starred(["a"], True)
    assert victim.read_text() == "keep me"
    assert not state_path.exists() and not store.is_starred("a")


def test_an_unwritable_folder_rolls_the_change_back(state_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions")
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    before = state_path.read_bytes()
    state_path.parent.chmod(0o500)
    try:
        with pytest.raises(StateError) as caught:
            store.set_starred(["b"], True)
    finally:
        state_path.parent.chmod(0o700)
    assert "\n" not in str(caught.value) and str(state_path.parent) in str(caught.value)
    assert not store.is_starred("b") and store.starred_ids == {"a"}
    assert state_path.read_bytes() == before
    assert store.undo() is True  # the undo stack holds only saved changes: this undoes "a"
    assert store.starred_ids == frozenset()


def test_state_core_does_not_import_textual() -> None:
    code = "import sys, paperterm.state; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "textual" not in out.stdout


def test_a_save_killed_after_linking_the_backup_leaves_no_temp_behind(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    os.link(state_path, store.backup_path)  # as if killed right after refreshing the backup
    previous = state_path.read_bytes()
    store.set_starred(["b"], True)
    assert store.backup_path.read_bytes() == previous
    assert sorted(p.name for p in state_path.parent.iterdir()) == [
        "state.json",
        "state.json.bak",
        "state.json.lock",
    ]


def test_a_folder_in_place_of_the_state_file_is_an_error(state_path: Path) -> None:
    state_path.mkdir(parents=True)
    with pytest.raises(StateError, match="not a regular file"):
        StateStore.open(state_path)


def test_one_id_given_as_a_string_is_refused(state_path: Path) -> None:
    store = StateStore.open(state_path)
    with pytest.raises(TypeError):
        store.set_starred("0123456789ab", True)
    assert not state_path.exists()


def test_a_reused_inode_is_not_taken_for_the_file_we_know(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File systems reuse a freed inode at once; with coarse timestamps and an equal size, a new
    file could then pass for the one a store last saw, and its save would drop newer changes.
    Timestamps and size are left out of the fingerprint here to make that collision certain."""
    monkeypatch.setattr(storage, "_fingerprint", lambda st: (st.st_dev, st.st_ino, 0, 0, 0))
    tui = StateStore.open(state_path)
    tui.set_read(["mine"], True)
    seen = state_path.stat().st_ino
    marked = set()
    for n in range(12):  # one-shot `paperterm mark` runs while the TUI sits idle
        StateStore.open(state_path).set_starred([f"cli{n}"], True)
        marked.add(f"cli{n}")
        if state_path.stat().st_ino == seen:
            break  # only possible when the inode is not held
    tui.set_read(["mine2"], True)
    final = StateStore.open(state_path)
    assert final.starred_ids == marked
    assert final.read_ids == {"mine", "mine2"}


def hold_lock(path: Path) -> int:
    """Take the store's lock the way another process would (a separate open file)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_save_waits_for_another_process_holding_the_lock(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    fd = hold_lock(store.lock_path)
    other = StateStore.open(state_path)
    released = []

    def release_later() -> None:
        time.sleep(0.3)
        other.path.write_bytes(b'{"schema": 1, "papers": {"z": {"read": true, "read_at": 1.0}}}')
        released.append(time.monotonic())
        os.close(fd)

    thread = threading.Thread(target=release_later)
    thread.start()
    store.set_starred(["b"], True)  # blocks until the "other process" wrote and unlocked
    saved_at = time.monotonic()
    thread.join()
    assert released and saved_at >= released[0]
    assert store.starred_ids == {"a", "b"} and store.read_ids == {"z"}


def test_a_lock_held_too_long_is_a_clear_error(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    before = state_path.read_bytes()
    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 0.2)
    fd = hold_lock(store.lock_path)
    try:
        with pytest.raises(StateError, match="held the lock"):
            store.set_starred(["b"], True)
    finally:
        os.close(fd)
    assert state_path.read_bytes() == before and store.starred_ids == {"a"}


def test_undo_inside_a_batch_is_refused_and_an_empty_store_is_truthy(state_path: Path) -> None:
    store = StateStore.open(state_path)
    assert store and store.paper_count == 0
    store.set_starred(["a"], True)
    with pytest.raises(RuntimeError), store.update():
        store.undo()
    assert store.can_undo and store.paper_count == 1
