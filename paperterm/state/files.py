"""File primitives for the state store: a lock, reads that never follow links, atomic replace.

Failures surface as StateError with one line naming the file (or as a warning, once the new data
is safely in place). Nothing here modifies a file in place, so a reader always sees a whole old
file or a whole new one.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from paperterm.errors import StateError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _release(fd: int) -> None:
        with suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _release(fd: int) -> None:
        with suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


Fingerprint = tuple[int, int, int, int, int]
"""(device, inode, size, mtime_ns, ctime_ns): tells whether a file was replaced or touched."""

LOCK_TIMEOUT = 10.0
"""Seconds to wait for another process's save before giving up (a save takes milliseconds)."""

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_TEMP_MARK = ".tmp-"


def reason(exc: OSError) -> str:
    """The short system message of an OS error (``No space left on device``)."""
    return exc.strerror or str(exc) or type(exc).__name__


def _symlink_error(path: Path) -> StateError:
    return StateError(
        f"{path}: is a symbolic link; refusing to follow it (point --state at a real file)"
    )


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
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
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
    """The whole file and its fingerprint, or None when it does not exist; links are refused."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _symlink_error(path) from exc
        raise StateError(f"{path}: cannot read it: {reason(exc)}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StateError(f"{path}: is not a regular file")
        chunks = []
        while chunk := os.read(fd, max(st.st_size, 1 << 16)):
            chunks.append(chunk)
        return b"".join(chunks), _fingerprint(st)
    except OSError as exc:
        raise StateError(f"{path}: cannot read it: {reason(exc)}") from exc
    finally:
        _close_quietly(fd)


@contextmanager
def locked(lock_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created if needed, never deleted).

    Waits up to ``timeout`` seconds (default ``LOCK_TIMEOUT``) for another process to finish.

    The lock file is kept forever: deleting it would let two processes lock two different files.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _symlink_error(lock_path) from exc
        raise StateError(f"{lock_path}: cannot open the lock file: {reason(exc)}") from exc
    try:
        _acquire(fd, lock_path, LOCK_TIMEOUT if timeout is None else timeout)
        try:
            yield
        finally:
            _release(fd)
    finally:
        _close_quietly(fd)


def _acquire(fd: int, lock_path: Path, timeout: float) -> None:
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StateError(f"{lock_path}: the lock file is not a regular file")
        deadline = time.monotonic() + timeout
        pause = 0.001
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise StateError(
                    f"{lock_path}: another paperterm has held the lock for over {timeout:g} s"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    except OSError as exc:
        raise StateError(f"{lock_path}: cannot lock: {reason(exc)}") from exc


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed save left beside ``path``; call only while holding the lock."""
    prefix = f".{path.name}."
    try:
        with os.scandir(path.parent) as entries:
            stale = [e.path for e in entries if e.name.startswith(prefix) and _TEMP_MARK in e.name]
    except OSError:
        return
    for name in stale:
        _unlink_quietly(Path(name))


def _close_quietly(fd: int) -> None:
    """Close a descriptor that was only read or locked: a failure there loses nothing."""
    with suppress(OSError):
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with suppress(OSError):
        os.unlink(path)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{_TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def _write_new(target: Path, data: bytes, mode: int | None) -> None:
    """Create ``target`` (which must not exist) holding ``data``, flushed to the disk."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
    try:
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        _flush(fd)
    finally:
        os.close(fd)


def _flush(fd: int) -> None:
    """Push a file's data to the disk itself (macOS's fsync stops at the drive's cache)."""
    if sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass  # not every file system supports it: plain fsync is the best left
    os.fsync(fd)


def _refresh_backup(path: Path, backup: Path) -> None:
    """Make ``backup`` a copy of the current ``path`` in one atomic step.

    A hard link is instant and safe because ``path`` is only ever replaced, never rewritten in
    place; where links are not supported the bytes are copied.
    """
    try:
        if os.path.samestat(os.lstat(path), os.lstat(backup)):
            return  # already the same file (a save was killed after this step): rename would no-op
    except FileNotFoundError:
        pass
    temp = _temp_name(backup)
    try:
        try:
            os.link(path, temp, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            got = read_file(path)
            if got is None:
                return
            _write_new(temp, got[0], None)
        os.replace(temp, backup)
    except BaseException:
        _unlink_quietly(temp)
        raise


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to the disk; a no-op where folders cannot be synced."""
    if sys.platform == "win32":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        try:
            os.fsync(fd)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
    finally:
        os.close(fd)


def replace_atomically(
    path: Path, data: bytes, *, backup: Path | None, warn: Callable[[str], None]
) -> Fingerprint | None:
    """Replace ``path`` by a file holding ``data``; return the new file's fingerprint if known.

    Steps: temp file in the same folder, write, fsync, close; then, when ``backup`` is given,
    make it a copy of the current file; ``os.replace``; fsync the folder. A failure before the
    replace leaves ``path`` byte-identical and raises StateError. A failed backup refresh or
    folder fsync comes after the data is safe in a file, so it is reported through ``warn``.
    """
    temp = _temp_name(path)
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        mode = None
    try:
        step = "write"
        _write_new(temp, data, mode)
        if backup is not None:
            step = "backup"
            try:
                _refresh_backup(path, backup)
            except (OSError, StateError) as exc:
                why = reason(exc) if isinstance(exc, OSError) else str(exc)
                warn(f"{backup}: could not refresh the backup copy ({why}); it is older")
        step = "replace"
        os.replace(temp, path)
    except OSError as exc:
        _unlink_quietly(temp)
        raise StateError(f"{path}: could not save ({step}: {reason(exc)}); file unchanged") from exc
    except BaseException:
        _unlink_quietly(temp)
        raise
    try:
        fsync_folder(path.parent)
    except OSError as exc:
        warn(f"{path.parent}: saved, but could not flush the folder to disk ({reason(exc)})")
    try:
        return _fingerprint(os.lstat(path))
    except OSError:
        return None  # unknown: the next save re-reads the file, which is always safe


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
