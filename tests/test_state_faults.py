"""A fault at any step of a save (ENOSPC, EIO) never damages the file or desyncs memory from it.

Each scenario first runs one save with every file-system call traced, then runs it again once
per traced call, making exactly that call fail. Whatever fails, the store either refuses the
change (StateError, old file byte-identical, memory unchanged) or saves it whole; and any fault
in writing, flushing or replacing the file is a refusal.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from paperterm.errors import StateError
from paperterm.state import StateStore

TRACED_OS = (
    "open",
    "read",
    "write",
    "fsync",
    "close",
    "fchmod",
    "fstat",
    "lstat",
    "link",
    "replace",
    "rename",
    "unlink",
    "mkdir",
    "scandir",
)


@dataclass
class Faults:
    """Wraps os-level calls: records each one and makes the ``fail_at``-th one raise."""

    fail_at: int | None = None
    code: int = errno.ENOSPC
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def traced(*args: Any, **kwargs: Any) -> Any:
            index = len(self.calls)
            self.calls.append((name, args))
            if index != self.fail_at:
                return real(*args, **kwargs)
            if name == "close":
                real(*args, **kwargs)  # Linux frees the descriptor even when close() fails
            raise OSError(self.code, os.strerror(self.code))

        return traced


def run_traced(faults: Faults, action: Callable[[], None]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for name in TRACED_OS:
            patch.setattr(os, name, faults.wrap(name, getattr(os, name)))
        patch.setattr(fcntl, "flock", faults.wrap("flock", fcntl.flock))
        action()


def setup_fast(folder: Path) -> StateStore:
    """A store that saved before: the save takes the fast path (file known, not re-read)."""
    store = StateStore.open(folder / "state.json")
    store.set_starred(["old1"], True)
    store.set_read(["old2"], True)
    return store


def setup_merge(folder: Path) -> StateStore:
    """Another store changed the file since: the save re-reads and merges it."""
    store = setup_fast(folder)
    StateStore.open(folder / "state.json").set_starred(["theirs"], True)
    return store


def setup_first(folder: Path) -> StateStore:
    """No file and no folder yet: the first save creates both."""
    return StateStore.open(folder / "state.json")


SCENARIOS = {"fast": setup_fast, "merge": setup_merge, "first": setup_first}


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "state.json.lock"}


def check_outcome(store: StateStore, folder: Path, before: dict[str, bytes], faults: Faults) -> str:
    """Run the save with ``faults``; assert the invariants; say whether it was refused or saved."""
    state = folder / "state.json"
    starred_before = store.starred_ids
    try:
        run_traced(faults, lambda: store.set_starred(["new"], True))
    except StateError as exc:
        assert "\n" not in str(exc)
        assert snapshot(folder).get("state.json") == before.get("state.json")
        assert store.starred_ids == starred_before and not store.is_starred("new")
        outcome = "refused"
    else:
        assert store.is_starred("new")
        on_disk = orjson.loads(state.read_bytes())["papers"]
        assert {pid for pid, e in on_disk.items() if e.get("starred")} == store.starred_ids
        outcome = "saved"
    assert not [p for p in folder.glob(".*") if ".tmp-" in p.name], "temp file left behind"
    # The next save works and holds everything the store knows.
    store.set_read(["after"], True)
    reopened = StateStore.open(state)
    assert reopened.starred_ids == store.starred_ids and reopened.read_ids == store.read_ids
    assert reopened.notices == []
    return outcome


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_fault_at_any_step_loses_nothing(tmp_path: Path, scenario: str, code: int) -> None:
    setup = SCENARIOS[scenario]
    probe = Faults()
    probe_store = setup(tmp_path / "probe")
    run_traced(probe, lambda: probe_store.set_starred(["new"], True))
    calls = probe.calls
    assert {"write", "fsync", "replace"} <= {name for name, _ in calls}
    state_replaced = next(
        i
        for i, (name, args) in enumerate(calls)
        if name == "replace" and str(args[1]).endswith("/state.json")
    )

    outcomes = {}
    for index, (name, args) in enumerate(calls):
        folder = tmp_path / f"run{index}"
        store = setup(folder)
        before = snapshot(folder)
        faults = Faults(fail_at=index, code=code)
        outcomes[index] = check_outcome(store, folder, before, faults)
        ran = [call_name for call_name, _ in faults.calls[: index + 1]]
        assert ran == [call_name for call_name, _ in calls[: index + 1]], "save not as probed"
        data_step = name == "write" or (name == "fsync" and calls[index - 1][0] == "write")
        if (data_step and index < state_replaced) or index == state_replaced:
            assert outcomes[index] == "refused", f"fault in {name}{args} was not a refusal"
    assert "refused" in outcomes.values()
    assert all(outcomes[i] == "saved" for i in range(state_replaced + 1, len(calls)))


def test_a_failed_backup_refresh_still_saves_and_says_so(tmp_path: Path) -> None:
    store = setup_fast(tmp_path)
    real_link = os.link

    def broken_link(src: Any, dst: Any, **kwargs: Any) -> None:
        if ".bak" in str(dst):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_link(src, dst, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", broken_link)
        store.set_starred(["new"], True)
    assert StateStore.open(tmp_path / "state.json").is_starred("new")
    assert len(store.notices) == 1 and "backup" in store.notices[0]


def test_a_failed_save_can_be_retried(tmp_path: Path) -> None:
    store = setup_fast(tmp_path)
    faults = Faults(fail_at=None)
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", full_disk)
        with pytest.raises(StateError, match="No space left on device"):
            store.set_starred(["new"], True)
    assert faults.calls == [] and os.fsync is real_fsync
    store.set_starred(["new"], True)
    assert StateStore.open(tmp_path / "state.json").starred_ids == {"old1", "new"}
