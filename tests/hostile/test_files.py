"""Attacks on the file system: special files where paperterm expects its own regular files, and
``export -o`` pointed at files it must not replace.

The files paperterm finds itself (the dumps inside a folder, the library, the state file, its
backup and lock, the settings) are opened without following links or waiting on a FIFO, and only
regular files are read. A file the user names for ``export -o`` is written through when it is a
FIFO or a character device, followed when it is a link, and refused when it is the state file,
its backup or its lock. Each attack below is a few lines, named after what it attacks.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from paperterm import fsio
from paperterm import settings as core_settings
from paperterm.cli import run
from paperterm.errors import StateError
from paperterm.identity import paper_id
from paperterm.loader import load
from paperterm.locations import config_settings_path, filters_path, library_dir, settings_path
from paperterm.state import StateStore

TITLE = "Sparse Lanterns for Vision Transformers"
DUMP = (
    "Get trending papers in your email inbox once a day!\n"
    f"{TITLE}\nWe prune heads by lantern light. It works well.\n"
)
HANG = 60.0
"""Seconds after which an open is taken to hang for ever (a FIFO waits for a writer)."""


def finishes(action: Callable[[], Any]) -> Any:
    """Run ``action``; fail (instead of hanging the suite) when it blocks, as on a FIFO."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = action()
        except BaseException as error:  # re-raised below, in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), "blocked: paperterm opened a special file and waited"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of dumps holding one good dump."""
    path = tmp_path / "dumps"
    path.mkdir()
    (path / "good.txt").write_text(DUMP, encoding="utf-8")
    return path


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state file with one starred paper (and so a lock file beside it)."""
    path = tmp_path / "state" / "state.json"
    StateStore.open(path).set_starred([paper_id(TITLE)], True)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(folder.iterdir())
    return {p.name: p.read_bytes() for p in files if stat.S_ISREG(p.lstat().st_mode)}


def export(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = finishes(lambda: run(["export", *argv]))
    return status, capsys.readouterr().err


# -- special files paperterm finds itself ------------------------------------------------------


def test_fifo_among_the_dumps_of_a_folder(folder: Path) -> None:
    os.mkfifo(folder / "trap.txt")
    catalog = finishes(lambda: load([folder]))
    assert [paper.title for paper in catalog] == [TITLE]
    assert any("trap.txt" in w and "is a FIFO, not a regular file" in w for w in catalog.warnings)


def test_symlink_to_dev_zero_among_the_dumps_of_a_folder(folder: Path) -> None:
    (folder / "zero.txt").symlink_to("/dev/zero")
    catalog = finishes(lambda: load([folder]))
    assert len(catalog) == 1
    assert any("zero.txt" in w and "symbolic link" in w for w in catalog.warnings)


def test_a_fifo_named_on_the_command_line_is_still_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"  # as `paperterm <(curl ...)` gives
    os.mkfifo(pipe)
    writer = threading.Thread(target=lambda: pipe.write_text(DUMP, encoding="utf-8"))
    writer.start()
    assert [paper.title for paper in finishes(lambda: load([pipe]))] == [TITLE]
    writer.join()


def test_fifo_in_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    library_dir().mkdir(parents=True)
    (library_dir() / "good.txt").write_text(DUMP, encoding="utf-8")
    os.mkfifo(library_dir() / "trap.txt")
    assert finishes(lambda: run(["list"])) == 0
    out, err = capsys.readouterr()
    assert TITLE in out
    assert "trap.txt" in err and "FIFO" in err


def test_fifo_as_the_state_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "state.json")
    with pytest.raises(StateError, match=r"not a regular file \(a FIFO\)"):
        finishes(lambda: StateStore.open(tmp_path / "state.json"))


def test_fifo_as_the_state_files_backup(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "state.json.bak")  # no state file: the backup is what would be read
    with pytest.raises(StateError, match=r"state\.json\.bak: is not a regular file"):
        finishes(lambda: StateStore.open(tmp_path / "state.json"))


def test_fifo_as_the_backup_of_a_good_state_is_replaced_on_save(state: Path) -> None:
    backup = state.with_name("state.json.bak")
    backup.unlink(missing_ok=True)
    os.mkfifo(backup)
    store = finishes(lambda: StateStore.open(state))
    finishes(lambda: store.set_read([paper_id(TITLE)], True))
    assert stat.S_ISREG(backup.lstat().st_mode)


def test_fifo_as_the_lock_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "state.json.lock")
    store = StateStore.open(tmp_path / "state.json")
    with pytest.raises(StateError, match="lock file is not a regular file"):
        finishes(lambda: store.set_starred([paper_id(TITLE)], True))
    assert not (tmp_path / "state.json").exists()


def test_symlink_to_dev_zero_as_the_settings() -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().symlink_to("/dev/zero")
    assert finishes(core_settings.load).old_export_path is None


def test_fifo_as_the_settings() -> None:
    settings_path().parent.mkdir(parents=True)
    os.mkfifo(settings_path())
    assert finishes(core_settings.load).old_export_path is None


def test_fifo_as_the_readers_settings_in_the_config_dir() -> None:
    config_settings_path().parent.mkdir(parents=True)
    os.mkfifo(config_settings_path())
    assert finishes(core_settings.load) == core_settings.Settings()


def test_a_symlinked_settings_file_replaced_gets_no_world_writable_mode(tmp_path: Path) -> None:
    """A link's own mode is 0777: the file written in its place must not take it (any local
    user could then rewrite the settings); the file the link named is left alone."""
    target = tmp_path / "dotfiles-settings.json"
    target.write_text('{"version": 1}')
    target.chmod(0o600)
    config_settings_path().parent.mkdir(parents=True)
    config_settings_path().symlink_to(target)
    umask = os.umask(0o022)
    try:
        core_settings.remember_theme("textual-light")
    finally:
        os.umask(umask)
    written = os.lstat(config_settings_path())
    assert stat.S_ISREG(written.st_mode)
    assert stat.S_IMODE(written.st_mode) & 0o022 == 0, oct(written.st_mode)
    assert stat.S_IMODE(written.st_mode) & 0o111 == 0, oct(written.st_mode)
    assert target.read_text() == '{"version": 1}' and stat.S_IMODE(target.stat().st_mode) == 0o600


# -- export -o at the user's files ------------------------------------------------------------


@pytest.mark.parametrize("name", ["state.json", "state.json.bak", "state.json.lock"])
def test_export_over_the_states_own_files_is_refused(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, name: str
) -> None:
    StateStore.open(state).set_read([paper_id(TITLE)], True)  # so that the .bak exists too
    before = snapshot(state.parent)
    status, err = export(capsys, str(folder), "--state", str(state), "-o", str(state.parent / name))
    assert status == 2
    assert err.startswith("paperterm: error: cannot write") and "is the state file" in err
    assert snapshot(state.parent) == before  # no key pinned, nothing replaced


@pytest.mark.parametrize(
    ("where", "what"),
    [
        (lambda state: state.with_name("state.json.seen"), "the record of papers seen"),
        (lambda state: filters_path(), "mute rules"),
        (lambda state: config_settings_path(), "paperterm's settings"),
    ],
)
def test_export_over_paperterms_other_files_is_refused(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    state: Path,
    where: Callable[[Path], Path],
    what: str,
) -> None:
    target = where(state)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"{}")
    before = snapshot(state.parent)
    status, err = export(capsys, str(folder), "--state", str(state), "-o", str(target))
    assert status == 2 and what in err
    assert target.read_bytes() == b"{}"
    assert snapshot(state.parent) == before  # no key pinned


def test_export_over_the_state_file_through_a_link_is_refused(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    (tmp_path / "refs.bib").symlink_to(state)
    before = state.read_bytes()
    status, err = export(
        capsys, str(folder), "--state", str(state), "-o", str(tmp_path / "refs.bib")
    )
    assert status == 2 and "is the state file" in err
    assert state.read_bytes() == before


def test_export_over_a_symlink_writes_its_target(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    real = tmp_path / "synced" / "refs.bib"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    assert export(capsys, str(folder), "--state", str(state), "-o", str(link))[0] == 0
    assert link.is_symlink()
    assert "Sparse Lanterns" in real.read_text(encoding="utf-8")


def test_export_into_a_fifo_writes_through(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader_fd = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there
    try:
        assert export(capsys, str(folder), "--state", str(state), "-o", str(pipe))[0] == 0
        got.append(os.read(reader_fd, 1 << 16))
    finally:
        os.close(reader_fd)
    assert b"Sparse Lanterns" in got[0]
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_export_into_a_fifo_nobody_reads_fails_at_once(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    status, err = export(capsys, str(folder), "--state", str(state), "-o", str(pipe))
    assert status == 2 and "no process is reading this FIFO" in err
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_export_to_dev_null_keeps_dev_null(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    # As root, a private /dev/null twin: a regression must not replace the machine's own.
    null = Path("/dev/null")
    if os.geteuid() == 0:
        null = tmp_path / "null"
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    before = os.stat(null)
    assert export(capsys, str(folder), "--state", str(state), "-o", str(null))[0] == 0
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd (Linux)")
def test_export_to_a_descriptor_s_name_writes_through_that_descriptor(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    """``-o /dev/stdout >> all.bib``: the name of an open descriptor is written through it,
    appending as the shell opened it; opened anew it would have replaced all.bib (the entries
    before lost) or, for a pipe, not been found."""
    kept = tmp_path / "all.bib"
    kept.write_text("@misc{mine, title = {Mine}}\n")
    inode = kept.stat().st_ino
    appending = os.open(kept, os.O_WRONLY | os.O_APPEND)
    read_end, write_end = os.pipe()
    try:
        for name in (f"/dev/fd/{appending}", f"/proc/self/fd/{write_end}"):
            assert export(capsys, str(folder), "--state", str(state), "-o", name)[0] == 0
        piped = os.read(read_end, 1 << 16)
    finally:
        for fd in (appending, read_end, write_end):
            os.close(fd)
    text = kept.read_text(encoding="utf-8")
    assert text.startswith("@misc{mine, title = {Mine}}\n") and "Sparse Lanterns" in text
    assert kept.stat().st_ino == inode
    assert b"Sparse Lanterns" in piped
    unopened = 1000
    status, err = export(capsys, str(folder), "--state", str(state), "-o", f"/dev/fd/{unopened}")
    assert status == 2 and err.startswith("paperterm: error: cannot write /dev/fd/1000")


def test_export_to_dev_stdout_appended_to_a_file_appends(
    folder: Path, state: Path, tmp_path: Path
) -> None:
    """The same through a real process whose standard output the shell opened for appending."""
    kept = tmp_path / "all.bib"
    kept.write_text("@misc{mine, title = {Mine}}\n")
    with kept.open("ab") as out:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "paperterm",
                "export",
                "--all",
                str(folder),
                "--state",
                str(state),
                "-o",
                "/dev/stdout",
            ],
            stdout=out,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    text = kept.read_text(encoding="utf-8")
    assert text.startswith("@misc{mine, title = {Mine}}\n") and "Sparse Lanterns" in text


def test_export_into_a_folder_is_refused(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path
) -> None:
    status, err = export(capsys, str(folder), "--state", str(state), "-o", str(tmp_path))
    assert status == 2 and "is a folder, not a regular file" in err


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
def test_export_over_a_file_keeps_its_mode(
    capsys: pytest.CaptureFixture[str], folder: Path, state: Path, tmp_path: Path, mode: int
) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("old\n")
    target.chmod(mode)
    assert export(capsys, str(folder), "--state", str(state), "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert "Sparse Lanterns" in target.read_text(encoding="utf-8")


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    previous = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_export_gets_the_umask_mode(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    state: Path,
    tmp_path: Path,
    umask: Callable[[int], int],
    mask: int,
    mode: int,
) -> None:
    umask(mask)
    target = tmp_path / "new.json"
    assert (
        export(capsys, str(folder), "--state", str(state), "-f", "json", "-o", str(target))[0] == 0
    )
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert orjson.loads(target.read_bytes())[0]["title"] == TITLE


# -- the writer itself ------------------------------------------------------------------------


def test_a_failed_write_leaves_the_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kept.bib"
    target.write_bytes(b"old")

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(fsio.WriteFailed) as failed:
        fsio.replace(target, b"new")
    monkeypatch.undo()
    assert failed.value.step == "write"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.bib"]
