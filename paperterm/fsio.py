"""The one way paperterm reads and writes its files: safe opens, atomic writes, a lock.

- :func:`open_regular` / :func:`read_regular`: for the files paperterm finds itself (the dumps
  inside a folder, the library, the state file, its backup and lock, the cache, the settings).
  They open with ``O_NOFOLLOW | O_NONBLOCK`` and accept regular files only, so a symbolic link
  to ``/dev/zero`` or a FIFO planted there is refused at once instead of eating memory or
  hanging. A path the user names (``paperterm <(curl ...)``) is opened normally by its caller.
- :func:`replace`: the one atomic writer. Temporary file beside the target, written, flushed to
  the disk, optionally a backup copy of the old file, renamed over the target, the folder
  flushed. An existing file keeps its mode; a new one gets the umask's (0644 by default).
- :func:`user_target` and :func:`write_user_file`: writing a file the user named (``export -o``).
  A symbolic link is followed (the file it points to is replaced, the link stays); a FIFO or a
  character device (``/dev/null``, a terminal) is written through, never replaced; a name of
  one of this process's open descriptors (``/dev/stdout``, ``/dev/fd/3``, ``/proc/self/fd/1``)
  is written through that descriptor, whatever it is open on (``-o /dev/stdout >> all.bib``
  appends); a folder, a block device or a socket is refused, and so are the files the caller
  protects (the state file, its backup and its lock).
- :func:`locked`: an exclusive advisory lock on a lock file, with a bounded wait.
- :func:`gc_paused`: hold the cyclic garbage collector while building millions of objects.

Failures are ``OSError``; the subclasses here say what kind, so callers can word them.
"""

from __future__ import annotations

import errno
import gc
import io
import os
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

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

    def _blocking(fd: int) -> None:
        pass

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

    def _blocking(fd: int) -> None:
        """Clear O_NONBLOCK once the file is known to be regular (or a FIFO with a reader)."""
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        if flags & os.O_NONBLOCK:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)


NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
TEMP_MARK = ".tmp-"
"""Temporary files are named ``.<name>.tmp-<pid>-<random>``, beside the file they replace."""
NEW_FILE_MODE = 0o666
"""Mode asked for a new file; the umask takes its part (0644 with the usual 022)."""


class NotRegularFile(OSError):
    """The path is there but is not a regular file (``what`` says what it is)."""

    def __init__(self, path: Path | str, what: str) -> None:
        code = errno.ELOOP if what == "a symbolic link" else errno.EINVAL
        super().__init__(code, f"is {what}, not a regular file", os.fspath(path))
        self.what = what
        """"a symbolic link", "a FIFO", "a folder"... (with its article)."""


class Refused(OSError):
    """A file paperterm will not write over (the state file, say)."""

    def __init__(self, path: Path | str, why: str) -> None:
        super().__init__(errno.EPERM, why, os.fspath(path))


class WriteFailed(OSError):
    """An atomic write failed at ``step`` ("write", "backup" or "replace"); the target is
    unchanged. ``errno`` and ``strerror`` are those of the failed call."""

    def __init__(self, step: str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), cause.filename)
        self.step = step
        """Which step failed."""


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the wait allowed."""


def reason(exc: OSError) -> str:
    """The short system message of an OS error (``No space left on device``)."""
    return exc.strerror or str(exc) or type(exc).__name__


def describe(mode: int) -> str:
    """What a file of this ``st_mode`` is, with its article ("a FIFO")."""
    kinds = (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


# -- reading the files paperterm finds itself -------------------------------------------------


def open_regular(path: Path | str, flags: int = os.O_RDONLY, mode: int = 0o644) -> int:
    """Open ``path`` without following a symbolic link or waiting on a FIFO; a descriptor on a
    regular file, or :class:`NotRegularFile` (other failures: their own OSError).

    ``flags`` may add ``O_RDWR | O_CREAT`` (the lock file); the descriptor is blocking again when
    returned.
    """
    try:
        fd = os.open(path, flags | NOFOLLOW | NONBLOCK | CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and NOFOLLOW):
            raise NotRegularFile(path, "a symbolic link") from exc
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket, a folder opened for writing
            raise NotRegularFile(path, describe(os.lstat(path).st_mode)) from exc
        raise
    try:
        mode_found = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode_found):
            raise NotRegularFile(path, describe(mode_found))
        _blocking(fd)
    except BaseException:
        _close_quietly(fd)
        raise
    return fd


def read_regular(path: Path | str, limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """The whole of a regular file found by paperterm, and its status (see :func:`open_regular`).

    With ``limit``, a file larger than that many bytes raises :class:`ValueError`. The file is
    read to its end even when it grew after the status was taken.
    """
    fd = open_regular(path)
    try:
        status = os.fstat(fd)
        if limit is not None and status.st_size > limit:
            raise ValueError(f"{os.fspath(path)}: larger than {limit} bytes")
        chunks = []
        while chunk := os.read(fd, max(status.st_size, 1 << 16)):
            chunks.append(chunk)
            if limit is not None and sum(map(len, chunks)) > limit:
                raise ValueError(f"{os.fspath(path)}: larger than {limit} bytes")
        return b"".join(chunks), status
    finally:
        _close_quietly(fd)


def open_regular_stream(path: Path | str) -> io.BufferedReader:
    """:func:`open_regular` as a buffered binary file object (close it, or use ``with``)."""
    return io.BufferedReader(io.FileIO(open_regular(path), "rb"))


# -- the atomic writer --------------------------------------------------------------------------


def temp_name(path: Path) -> Path:
    """A fresh temporary name beside ``path`` (hidden, so no folder scan picks it up)."""
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def remove_stale_temps(path: Path, older_than: float = 0.0) -> None:
    """Delete the temporary files a killed write left beside ``path`` (only those at least
    ``older_than`` seconds old); call while no other process can be writing ``path``."""
    prefix = f".{path.name}{TEMP_MARK}"
    try:
        with os.scandir(path.parent) as entries:
            stale = [e.path for e in entries if e.name.startswith(prefix)]
    except OSError:
        return
    now = time.time()
    for name in stale:
        with suppress(OSError):
            if not older_than or os.lstat(name).st_mtime < now - older_than:
                os.unlink(name)


def replace(
    path: Path,
    data: bytes | Callable[[BinaryIO], object],
    *,
    backup: Path | None = None,
    warn: Callable[[str], None] | None = None,
    new_mode: int = NEW_FILE_MODE,
    durable: bool = True,
) -> os.stat_result | None:
    """Replace ``path`` by a file holding ``data`` (bytes, or a function writing to a binary
    file): readers see the whole old file or the whole new one, never a mix, even after a crash.

    ``path`` itself is replaced (a symbolic link there is replaced, not followed: callers refuse
    links or resolve them first). An existing regular file's mode is kept; a new file, or one
    replacing anything else, gets ``new_mode`` less the umask (a link's own mode, 0777, is no
    file's). With ``backup``, that path becomes a copy of the old file just before the
    replace (a failure there only warns). A failure before the replace raises
    :class:`WriteFailed` and leaves ``path`` byte-identical and no temporary file; a failure to
    flush the folder afterwards only warns (the data is safe in a file by then). Returns the new
    file's status when known. ``durable=False`` skips both flushes to the disk, for a cache that
    checks its own files: a crash may then leave it empty or old, never half-written and trusted.
    """
    say = warn or (lambda _message: None)
    temp = temp_name(path)
    try:
        found = os.lstat(path)
    except OSError:
        mode: int | None = None
    else:
        mode = stat.S_IMODE(found.st_mode) if stat.S_ISREG(found.st_mode) else None
    step = "write"
    try:
        _write_new(temp, data, mode, new_mode, durable=durable)
        if backup is not None:
            step = "backup"
            try:
                _refresh_backup(path, backup)
            except OSError as exc:
                say(f"{backup}: could not refresh the backup copy ({reason(exc)}); it is older")
        step = "replace"
        os.replace(temp, path)
    except OSError as exc:
        _unlink_quietly(temp)
        raise WriteFailed(step, exc) from exc
    except BaseException:
        _unlink_quietly(temp)
        raise
    try:
        if durable:
            fsync_folder(path.parent)
    except OSError as exc:
        say(f"{path.parent}: saved, but could not flush the folder to disk ({reason(exc)})")
    try:
        return os.lstat(path)
    except OSError:
        return None


def move_into_place(source: Path, target: Path) -> None:
    """Rename a finished file of the same folder over ``target`` and flush the folder (the
    library's checked dumps). Raises OSError."""
    os.replace(source, target)
    with suppress(OSError):
        fsync_folder(target.parent)


def _write_new(
    target: Path,
    data: bytes | Callable[[BinaryIO], object],
    mode: int | None,
    new_mode: int,
    *,
    durable: bool = True,
) -> None:
    """Create ``target`` (which must not exist) holding ``data``, flushed to the disk."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, new_mode)
    try:
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        if isinstance(data, bytes):
            write_all(fd, data)
        else:
            with os.fdopen(fd, "wb", closefd=False) as out:
                data(out)
        if durable:
            _flush(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (``os.write`` may write less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def flush_to_disk(fd: int) -> None:
    """Push a file's data to the disk itself (see :func:`replace`); raises OSError."""
    _flush(fd)


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
    temp = temp_name(backup)
    try:
        try:
            os.link(path, temp, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            try:
                old, _ = read_regular(path)
            except FileNotFoundError:
                return
            _write_new(temp, old, None, NEW_FILE_MODE)
        os.replace(temp, backup)
    except BaseException:
        _unlink_quietly(temp)
        raise


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to the disk; a no-op where folders cannot be synced."""
    if sys.platform == "win32":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY | _DIRECTORY | CLOEXEC)
    try:
        try:
            os.fsync(fd)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
    finally:
        os.close(fd)


# -- files the user names ----------------------------------------------------------------------


def user_target(path: Path, protected: Mapping[Path, str] = {}) -> Path:
    """Where writing ``path`` really goes (symbolic links followed), after the checks.

    Raises :class:`Refused` when that is one of ``protected`` (each path with what it is, as
    "the state file"), the same file by name or by inode; :class:`NotRegularFile` for a folder,
    a block device or a socket. A FIFO or a character device is accepted: it is written
    through by :func:`write_user_file`.
    """
    return _checked_target(path, protected)[0]


def _checked_target(path: Path, protected: Mapping[Path, str]) -> tuple[Path, int | None]:
    """:func:`user_target`, and the descriptor ``path`` names (see :func:`descriptor_named`)."""
    descriptor = descriptor_named(path)
    if descriptor is not None:
        found: os.stat_result | None = os.fstat(descriptor)  # OSError: not open here
        target = path
    else:
        target = Path(os.path.realpath(path))
        try:
            found = os.stat(target)
        except FileNotFoundError:
            found = None
    for guarded, what in protected.items():
        if descriptor is None and Path(os.path.realpath(guarded)) == target:
            raise Refused(path, f"is {what}; choose another file")
        with suppress(OSError):
            if found is not None and os.path.samestat(found, os.stat(guarded)):
                raise Refused(path, f"is {what} (another name for it); choose another file")
    if found is not None and not _writable_kind(found.st_mode, descriptor is not None):
        raise NotRegularFile(path, describe(found.st_mode))
    return target, descriptor


def _writable_kind(mode: int, open_already: bool = False) -> bool:
    """Whether a file of ``mode`` may be written (a socket only as an open descriptor)."""
    return (
        stat.S_ISREG(mode)
        or stat.S_ISFIFO(mode)
        or stat.S_ISCHR(mode)
        or (open_already and stat.S_ISSOCK(mode))
    )


_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR_FOLDERS = ("/dev/fd", "/proc/self/fd", f"/proc/{os.getpid()}/fd")


def descriptor_named(path: Path) -> int | None:
    """The descriptor of this process ``path`` names, through its links (``/dev/stdout`` is a
    link to ``/proc/self/fd/1`` on Linux, a device of its own on macOS), or None. Such a name
    opened anew would be another file description of what the descriptor is open on: a file
    the shell opened for appending would be replaced (the tester: ``-o /dev/stdout >> all.bib``
    lost all.bib's entries), a pipe not found."""
    name = os.path.abspath(path)
    for _ in range(40):  # the kernel's bound on links in a row
        if name in _STANDARD:
            return _STANDARD[name]
        folder, _, number = name.rpartition("/")
        if folder in _DESCRIPTOR_FOLDERS and number.isdigit():
            return int(number)
        try:
            link = os.readlink(name)
        except (OSError, ValueError):
            return None
        name = os.path.normpath(os.path.join(os.path.dirname(name), link))
    return None


def write_user_file(path: Path, data: bytes, protected: Mapping[Path, str] = {}) -> None:
    """Write ``data`` to a file the user named (see :func:`user_target` for what is refused).

    A regular file (or a new one) is replaced atomically, keeping its mode; a link's target is
    replaced and the link kept; a FIFO or a character device is written through (a FIFO
    nobody reads raises ``OSError(ENXIO)`` at once rather than waiting).
    """
    target, descriptor = _checked_target(path, protected)
    if descriptor is not None:
        for stream in (sys.stdout, sys.stderr):  # what was printed there comes first
            with suppress(Exception):
                stream.flush()
        _write_all(descriptor, data)
        return
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = stat.S_IFREG
    if stat.S_ISREG(mode):
        replace(target, data)
        return
    try:
        fd = os.open(target, os.O_WRONLY | NONBLOCK | _NOCTTY | CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(mode):
            raise OSError(errno.ENXIO, "no process is reading this FIFO", str(path)) from exc
        raise
    try:
        if not _writable_kind(os.fstat(fd).st_mode):  # swapped since the check
            raise NotRegularFile(path, describe(os.fstat(fd).st_mode))
        _blocking(fd)
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


# -- the lock ------------------------------------------------------------------------------


@contextmanager
def locked(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created if needed, never deleted).

    Waits up to ``timeout`` seconds for another process to release it (:class:`LockTimeout`).
    The lock file must be a regular file (:class:`NotRegularFile`); it is kept forever, as
    deleting it would let two processes lock two different files.
    """
    fd = open_regular(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        deadline = time.monotonic() + timeout
        pause = 0.001
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise LockTimeout(f"{lock_path}: held by another process for over {timeout:g} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        try:
            yield
        finally:
            _release(fd)
    finally:
        _close_quietly(fd)


# -- the garbage collector -----------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector for a block that makes millions of objects and no
    cycles (a load, an index build): left on, it would walk them again and again as they pile
    up. Nested pauses are fine; the collector runs again as it was before the outermost."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _close_quietly(fd: int) -> None:
    """Close a descriptor that was only read or locked: a failure there loses nothing."""
    with suppress(OSError):
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with suppress(OSError):
        os.unlink(path)
