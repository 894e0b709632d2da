"""One saved file of the cache dir: a header naming what it holds, its sections, and a digest.

The search index (:mod:`paperterm.search.cache`) and the term vectors
(:mod:`paperterm.search.vectorcache`) are saved this way; each module decides what its sections
hold and checks them when they are read back. The layout: the header (a format line and the
catalogue's key), the number of sections and each section's length as 8-byte machine numbers,
the sections back to back, then a SHA-256 of everything after the header (SHA-256, not BLAKE2:
measured twice as fast here, the CPU computing it in hardware).

The rules both keep: only a regular file in the cache dir itself is read (never a symlink,
wherever it points, a FIFO or a device); every file is created, renamed and removed inside that
dir (a link there is replaced or removed as a link, never followed); nothing is flushed to the
disk (after a crash the digest tells a damaged file); a file that cannot be written only means
building again next time; at most ``keep`` files are kept, the least recently used going first.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias, TypeVar

from paperterm import fsio

T = TypeVar("T")

DIGEST_SIZE = 32
"""Bytes of the SHA-256 that ends every file."""

Section: TypeAlias = "bytes | array[Any]"
"""What a section is written from: bytes, or an array written straight from its buffer."""


@functools.cache
def code_digest(file_format: bytes, modules: tuple[str, ...]) -> bytes:
    """A digest of ``file_format`` and of the source of ``modules`` (files of this folder): the
    code that decides what a saved file holds, so that a new version of it rebuilds."""
    digest = hashlib.sha256(file_format)
    here = Path(__file__).parent
    for name in modules:
        digest.update((here / name).read_bytes())
    return digest.digest()


def header(file_format: bytes, key: str) -> bytes:
    """The header of the file saved under ``key``: its format line, then the key."""
    return file_format + key.encode("ascii") + b"\n"


def load(
    path: Path, head: bytes, decode: Callable[[list[memoryview]], T], limit: int | None = None
) -> T | None:
    """What ``decode`` makes of the sections of the file at ``path``, or None when anything is
    off: no such regular file, one of more than ``limit`` bytes (not read), another header, a
    digest that does not hold, sections that do not fill the file, or ``decode`` raising
    ValueError, IndexError, OverflowError or UnicodeDecodeError (the pieces do not fit). A file
    loaded is marked recently used."""
    try:
        sections = _read(path, head, limit)
        if sections is None:
            return None
        value = decode(sections)
        # Recently used: evicted last (a link put there since is touched itself, never followed).
        os.utime(path, follow_symlinks=False)
    except (OSError, ValueError, IndexError, OverflowError, UnicodeDecodeError):
        return None
    return value


def _read(path: Path, head: bytes, limit: int | None = None) -> list[memoryview] | None:
    """The sections of the file at ``path``, or None when it does not start with ``head`` or
    its digest does not hold. Raises OSError (missing, not a regular file), ValueError (more
    than ``limit`` bytes, sections that do not fill the file) or IndexError."""
    data = memoryview(fsio.read_regular(path, limit)[0])
    if len(data) < len(head) + DIGEST_SIZE or data[: len(head)] != head:
        return None
    body = data[len(head) : -DIGEST_SIZE]
    if hashlib.sha256(body).digest() != data[-DIGEST_SIZE:]:
        return None
    count = array_of("Q", body[:8])[0]
    lengths = array_of("Q", body[8 : 8 * (count + 1)])
    if len(lengths) != count:
        raise ValueError("the section lengths are cut short")
    sections: list[memoryview] = []
    at = 8 * (count + 1)
    for length in lengths:
        sections.append(body[at : at + length])
        at += length
    if at != len(body):
        raise ValueError("sections do not fill the file")
    return sections


def write(path: Path, head: bytes, sections: Sequence[Section], *, keep: int) -> None:
    """Save ``sections`` at ``path`` under ``head`` (atomically, best effort), then keep at
    most ``keep`` files with the same suffix in its folder.

    The sections are written one by one, arrays straight from their buffers: no copy of the
    whole payload is made in memory.
    """
    lengths = array("Q", [len(sections), *(memoryview(part).nbytes for part in sections)])
    digest = hashlib.sha256(lengths)
    for part in sections:
        digest.update(part)

    def write_to(out: BinaryIO) -> None:
        out.write(head)
        out.write(lengths)
        for part in sections:
            out.write(part)
        out.write(digest.digest())

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fsio.replace(path, write_to, durable=False)
        _sweep(path.parent, path.suffix, keep)
    except OSError:
        pass  # a cache that cannot be written only means building again next time


def _sweep(directory: Path, suffix: str, keep: int) -> None:
    """Keep the ``keep`` most recently used files ending in ``suffix``; remove temporary files
    an hour old (a save killed half-way leaves one; one that old is nobody's)."""
    saved: list[tuple[float, str]] = []
    old = time.time() - 3600
    with os.scandir(directory) as entries:
        for entry in entries:
            when = entry.stat(follow_symlinks=False).st_mtime
            if entry.name.endswith(suffix):
                saved.append((when, entry.path))
            elif (fsio.TEMP_MARK in entry.name or entry.name.endswith(".tmp")) and when < old:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
    for _, path in sorted(saved)[:-keep]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def array_of(typecode: str, data: memoryview) -> array[Any]:
    """The machine values in ``data`` (``array(typecode, view)`` would read it byte by byte);
    ValueError when it is no whole number of them."""
    values = array(typecode)
    values.frombytes(data)
    return values


def all_below(values: array[int], limit: int) -> bool:
    """Whether every value of an array of unsigned integers is below ``limit``: numpy's maximum
    over the array's own memory (``max()`` takes about a second per ten million values; a
    reopened index checks every posting, millions at 100k papers)."""
    if not len(values):
        return True
    if limit <= 0:
        return False
    return int(_unsigned(values).max()) < limit


def ascending(values: array[int]) -> bool:
    """Whether the values of an array of unsigned integers never go down (numpy over the
    array's own memory: a Python step per value took 30 ms per 180,000 of them)."""
    if len(values) < 2:
        return True
    numbers = _unsigned(values)
    return bool((numbers[1:] >= numbers[:-1]).all())


def _unsigned(values: array[int]) -> Any:
    """The array's memory as a numpy array of unsigned integers of its size (no copy)."""
    import numpy as np  # a dependency; the bulk build imports it too

    if values.typecode not in "BHILQ":
        raise TypeError(f"not an array of unsigned integers: {values.typecode!r}")
    return np.frombuffer(values, f"=u{values.itemsize}")
