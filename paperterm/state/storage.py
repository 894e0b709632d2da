"""The state store's view of its files: fingerprints, reads that refuse links and special files,
the lock, the atomic replace, and moving a damaged file aside. The file work itself is
:mod:`paperterm.fsio`'s; this module words its failures as StateError, one line naming the file.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from paperterm import fsio
from paperterm.errors import StateError

Fingerprint = tuple[int, int, int, int, int]
"""(device, inode, size, mtime_ns, ctime_ns): tells whether a file was replaced or touched."""

LOCK_TIMEOUT = 10.0
"""Seconds to wait for another process's save before giving up (a save takes milliseconds)."""

reason = fsio.reason
fsync_folder = fsio.fsync_folder


_OWN_SUFFIXES = (".journal", ".lock", ".seen")
"""The files paperterm makes beside the state file (a link there is removed, not pointed at)."""


def _symlink_error(path: Path) -> StateError:
    if path.name.endswith(_OWN_SUFFIXES):
        advice = "paperterm makes this file itself beside the state file: remove the link"
    else:
        advice = "point --state at a real file"
    return StateError(f"{path}: is a symbolic link; refusing to follow it ({advice})")


def refuse_symlink(path: Path) -> None:
    """Raise StateError when ``path`` is a symbolic link (even a dangling one); missing is fine."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(f"{path}: cannot inspect it: {reason(exc)}") from exc
    if stat.S_ISLNK(mode):
        raise _symlink_error(path)


def _fingerprint(st: os.stat_result) -> Fingerprint:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint, or None when it does not exist."""
    try:
        return _fingerprint(os.lstat(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"{path}: cannot inspect it: {reason(exc)}") from exc


CAN_HOLD = sys.platform != "win32"
"""Whether a file may stay open while it is replaced (Windows refuses to replace an open file)."""


class Held:
    """An open descriptor on the state file last seen, so that its inode cannot be reused.

    An equal fingerprint then really means the same file: without it, a file written later by
    another process could get the freed inode back, with the same size and a timestamp in the same
    clock tick, and pass for the one we know.
    """

    def __init__(self) -> None:
        self.fd: int | None = None

    def hold(self, path: Path, expected: Fingerprint | None) -> bool:
        """Hold ``path`` if it still is the file ``expected`` describes; say whether it is held."""
        self.release()
        if expected is None or not CAN_HOLD:
            return False
        try:
            fd = fsio.open_regular(path)
        except OSError:
            return False
        try:
            same = _fingerprint(os.fstat(fd)) == expected
        except OSError:
            same = False
        if same:
            self.fd = fd
        else:
            _close_quietly(fd)
        return same

    def release(self) -> None:
        """Close the descriptor, if any."""
        if self.fd is not None:
            _close_quietly(self.fd)
            self.fd = None


def read_file(path: Path) -> tuple[bytes, Fingerprint] | None:
    """The whole file and its fingerprint, or None when it does not exist; links, FIFOs and other
    special files are refused (without waiting on a FIFO)."""
    try:
        data, status = fsio.read_regular(path)
    except FileNotFoundError:
        return None
    except fsio.NotRegularFile as exc:
        raise _not_regular(path, exc) from exc
    except OSError as exc:
        raise StateError(f"{path}: cannot read it: {reason(exc)}") from exc
    return data, _fingerprint(status)


def open_file(path: Path, flags: int = os.O_RDONLY) -> tuple[int, os.stat_result] | None:
    """A descriptor on the regular file ``path`` and its status, or None when it does not
    exist (the caller closes it); links and special files are refused as :func:`read_file`
    refuses them. ``flags`` may add ``O_WRONLY | O_APPEND | O_CREAT`` to append."""
    try:
        fd = fsio.open_regular(path, flags)
    except FileNotFoundError:
        return None
    except fsio.NotRegularFile as exc:
        raise _not_regular(path, exc) from exc
    except OSError as exc:
        raise StateError(f"{path}: cannot open it: {reason(exc)}") from exc
    try:
        return fd, os.fstat(fd)
    except OSError as exc:
        _close_quietly(fd)
        raise StateError(f"{path}: cannot inspect it: {reason(exc)}") from exc


def read_from(path: Path, fd: int, start: int) -> bytes:
    """The bytes of the open file ``fd`` (named ``path``) from offset ``start`` to its end."""
    chunks = []
    try:
        os.lseek(fd, start, os.SEEK_SET)
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    except OSError as exc:
        raise StateError(f"{path}: cannot read it: {reason(exc)}") from exc
    return b"".join(chunks)


def append(
    path: Path, data: bytes, *, expected: tuple[int, int, int] | None, mode: int = 0o644
) -> os.stat_result:
    """Append ``data`` to ``path`` (created if missing) and flush it to the disk; return the
    file's status after. Call while holding the lock.

    ``expected`` is the (device, inode, size) the caller last read, or None for a file it
    believes missing: a file found otherwise is not written (StateError). A new file gets
    ``mode`` (less the umask). A failure truncates
    what was written back, leaving the file as it was, and raises StateError.
    """
    try:
        fd = fsio.open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
    except fsio.NotRegularFile as exc:
        raise _not_regular(path, exc) from exc
    except OSError as exc:
        raise StateError(f"{path}: could not save (open: {reason(exc)}); file unchanged") from exc
    try:
        before = os.fstat(fd)
        found = (before.st_dev, before.st_ino, before.st_size)
        if found != expected and (expected is not None or before.st_size):
            raise StateError(f"{path}: changed by something else while locked; not appended")
        try:
            fsio.write_all(fd, data)
            fsio.flush_to_disk(fd)
        except OSError as exc:
            with suppress(OSError):
                os.ftruncate(fd, before.st_size)
            raise StateError(
                f"{path}: could not save (write: {reason(exc)}); file unchanged"
            ) from exc
        return os.fstat(fd)
    finally:
        _close_quietly(fd)


def close_quietly(fd: int) -> None:
    """Close a descriptor that was only read: a failure there loses nothing."""
    _close_quietly(fd)


def _not_regular(path: Path, exc: fsio.NotRegularFile) -> StateError:
    if exc.what == "a symbolic link":
        return _symlink_error(path)
    return StateError(f"{path}: is not a regular file ({exc.what})")


class LockBusy(StateError):
    """Another process held the lock for the whole wait (nothing was changed)."""


@contextmanager
def locked(lock_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created if needed, never deleted).

    Waits up to ``timeout`` seconds (default ``LOCK_TIMEOUT``; 0: one try) for another process
    to finish, then raises :class:`LockBusy`.
    """
    wait = LOCK_TIMEOUT if timeout is None else timeout
    with ExitStack() as stack:
        try:
            stack.enter_context(fsio.locked(lock_path, wait))
        except fsio.LockTimeout as exc:
            raise LockBusy(
                f"{lock_path}: another paperterm has held the lock for over {wait:g} s"
            ) from exc
        except fsio.NotRegularFile as exc:
            if exc.what == "a symbolic link":
                raise _symlink_error(lock_path) from exc
            raise StateError(
                f"{lock_path}: the lock file is not a regular file ({exc.what})"
            ) from exc
        except OSError as exc:
            raise StateError(f"{lock_path}: cannot lock: {reason(exc)}") from exc
        yield


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed save left beside ``path``; call only while holding the lock."""
    fsio.remove_stale_temps(path)


def replace_atomically(
    path: Path, data: bytes, *, backup: Path | None, warn: Callable[[str], None]
) -> Fingerprint | None:
    """Replace ``path`` by a file holding ``data`` (see :func:`paperterm.fsio.replace`); return
    the new file's fingerprint if known.

    A failure before the replace leaves ``path`` byte-identical and raises StateError. A failed
    backup refresh or folder fsync comes after the data is safe in a file: ``warn`` says it.
    """
    try:
        status = fsio.replace(path, data, backup=backup, warn=warn, new_mode=0o644)
    except fsio.WriteFailed as exc:
        raise StateError(
            f"{path}: could not save ({exc.step}: {reason(exc)}); file unchanged"
        ) from exc
    return None if status is None else _fingerprint(status)


def move_aside(path: Path, label: str, when: float) -> Path:
    """Rename ``path`` to ``<name>.<label>-<UTC time>`` without overwriting an earlier one."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(when))
    for attempt in range(10_000):
        suffix = f"-{attempt}" if attempt else ""
        target = path.with_name(f"{path.name}.{label}-{stamp}{suffix}")
        try:
            os.link(path, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise StateError(f"{path}: cannot move it aside: {reason(exc)}") from exc
            if os.path.lexists(target):
                continue
            try:
                os.rename(path, target)  # no hard links here; we hold the lock, so no race
            except OSError as exc2:
                raise StateError(f"{path}: cannot move it aside: {reason(exc2)}") from exc2
            return target
        try:
            os.unlink(path)
        except OSError as exc:
            raise StateError(f"{path}: cannot move it aside: {reason(exc)}") from exc
        return target
    raise StateError(f"{path}: cannot move it aside: too many earlier copies")


def _close_quietly(fd: int) -> None:
    with suppress(OSError):
        os.close(fd)


def conflict_copies(path: Path) -> list[Path]:
    """Sync tools' conflict copies of ``path`` in its folder, oldest name first.

    Syncthing writes ``state.sync-conflict-<date>-<device>.json``; Dropbox and Nextcloud
    ``state (conflicted copy <date>).json``; others ``state (conflict <n>).json``. Only regular
    files count (a link is never followed).
    """
    stem, dot, extension = path.name.rpartition(".")
    if not dot or not stem:
        stem, extension = path.name, ""
    suffix = f".{extension}" if extension else ""
    pattern = re.compile(
        re.escape(stem) + r"(?:\.sync-conflict-[^/]*| \(conflict[^/]*\))" + re.escape(suffix)
    )
    found = []
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
    except OSError:
        return []
    return sorted(found)
