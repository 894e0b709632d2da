"""A copy of the built search index on disk, so reopening the same catalogue skips the build.

Building the index costs seconds per 100k papers, nearly all of it splitting every text into words
and grouping the papers by word: work pure Python cannot make much faster (measured: splitting
and de-duplicating the words alone is about a third of it). People reopen the catalogue they had
yesterday, so the built index is saved and loaded the next time instead of rebuilt.

A saved index is used only when it is certainly the right one. Its name and header carry a digest
of every title and abstract in catalogue order and of the source of the modules that build the
index (a new version of the code rebuilds); a digest of the payload catches a truncated or damaged
file; the pieces must then fit together, every number in its range (a digest is no signature: the
file may be forged), and ``index.SearchIndex`` tokenises a sample of the papers again to check
that the index holds them. Only a regular file in the cache dir itself is read: never a symlink
(wherever it points), a FIFO or a device; nothing outside the cache dir is written, touched or
removed. Anything unexpected means building afresh, never an error: the cache is only a shortcut.
Catalogues under :data:`MIN_PAPERS` build faster than a load would pay off and are never saved;
at most :data:`KEEP` files are kept, the least recently used going first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

from paperterm import fsio
from paperterm.locations import cache_dir
from paperterm.model import Paper

MIN_PAPERS = 20_000
"""Smaller catalogues are never cached (their build takes a fraction of a second)."""
KEEP = 3
"""How many saved indexes are kept; saving another removes the least recently used."""

_FORMAT = f"paperterm search index 2 {sys.byteorder}\n".encode("ascii")
_SUFFIX = ".index"
_CHUNK = 4096
_DIGEST_SIZE = 32
"""SHA-256 (not BLAKE2: measured twice as fast here, the CPU computing it in hardware)."""


@dataclass(frozen=True, slots=True)
class FieldState:
    """What one field's postings hold once built (see ``index.FieldPostings``)."""

    dense_numbers: list[int]
    """The frequent words, by number, in order."""
    dense: list[int]
    """The bit set of each frequent word, in the same order."""
    flat: array[int]
    """The posting lists of the other words, back to back in vocabulary order."""
    offsets: array[int]
    """Where each word's list starts in :attr:`flat` (one more entry than words)."""
    block_starts: list[int]
    """The first word of each block of words, then the number of words."""
    blocks: list[int]
    """The bit set of each block."""


def default_dir() -> Path:
    """Where saved indexes live: the user cache dir (see :mod:`paperterm.locations`)."""
    return cache_dir() / "search"


def catalogue_key(papers: Sequence[Paper]) -> str:
    """A digest of what the index is built from: every title and abstract, and the code."""
    digest = hashlib.sha256(_code_digest())
    digest.update(len(papers).to_bytes(8, "little"))
    for start in range(0, len(papers), _CHUNK):
        chunk = papers[start : start + _CHUNK]
        # Each step runs in C over the chunk: no Python step per paper (measured 3x faster).
        titles = list(map(_TITLE, chunk))
        abstracts = list(map(_ABSTRACTS, chunk))
        texts = list(chain.from_iterable(abstracts))
        # The counts and lengths make the concatenations unambiguous.
        digest.update(array("Q", map(len, abstracts)).tobytes())
        digest.update(array("Q", map(len, titles)).tobytes())
        digest.update(array("Q", map(len, texts)).tobytes())
        digest.update("".join(titles).encode("utf-8", "surrogatepass"))
        digest.update("".join(texts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_TITLE = attrgetter("title")
_ABSTRACTS = attrgetter("abstracts")


def load(directory: Path, key: str, size: int) -> tuple[list[str], list[FieldState]] | None:
    """The words and field states saved under ``key`` for ``size`` papers, or None.

    Only a regular file in ``directory`` itself is read: a symlink (wherever it points), a FIFO
    or a device is never opened for reading, and nothing outside ``directory`` is touched.
    """
    path = directory / (key + _SUFFIX)
    try:
        data = memoryview(fsio.read_regular(path)[0])
        head = _header(key)
        if len(data) < len(head) + _DIGEST_SIZE or data[: len(head)] != head:
            return None
        body = data[len(head) : -_DIGEST_SIZE]
        if hashlib.sha256(body).digest() != data[-_DIGEST_SIZE:]:
            return None
        saved = _decode(body, size)
        # Recently used: evicted last (a link put there since is touched itself, never followed).
        os.utime(path, follow_symlinks=False)
    except (OSError, ValueError, IndexError, OverflowError, UnicodeDecodeError):
        return None
    return saved


def has(directory: Path, key: str) -> bool:
    """Whether a regular file is saved under ``key`` (not whether it will load)."""
    try:
        return stat.S_ISREG(os.lstat(directory / (key + _SUFFIX)).st_mode)
    except OSError:
        return False


def save(
    directory: Path, key: str, size: int, words: list[str], fields: Sequence[FieldState]
) -> None:
    """Save the index of ``size`` papers under ``key`` (atomically, best effort).

    Keeps at most :data:`KEEP` saved indexes. The sections are written one by one, the big
    arrays straight from their buffers: no copy of the whole index is made in memory. Every
    file is created, renamed and removed inside ``directory`` (a link there is replaced or
    removed as a link, never followed).
    """
    sections = _sections(words, fields, (size + 7) // 8)
    lengths = array("Q", [len(sections), *(memoryview(part).nbytes for part in sections)])
    digest = hashlib.sha256(lengths)
    for part in sections:
        digest.update(part)

    def write(out: BinaryIO) -> None:
        out.write(_header(key))
        out.write(lengths)
        for part in sections:
            out.write(part)
        out.write(digest.digest())

    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Not flushed to the disk: after a crash the digest tells a damaged file anyway.
        fsio.replace(directory / (key + _SUFFIX), write, durable=False)
        _sweep(directory)
    except OSError:
        pass  # a cache that cannot be written only means building again next time


def _sweep(directory: Path) -> None:
    """Keep the :data:`KEEP` most recently used indexes; remove temporary files an hour old (a
    save killed half-way leaves one; one that old is nobody's). Links are removed as links."""
    indexes: list[tuple[float, str]] = []
    old = time.time() - 3600
    with os.scandir(directory) as entries:
        for entry in entries:
            when = entry.stat(follow_symlinks=False).st_mtime
            if entry.name.endswith(_SUFFIX):
                indexes.append((when, entry.path))
            elif (fsio.TEMP_MARK in entry.name or entry.name.endswith(".tmp")) and when < old:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
    for _, path in sorted(indexes)[:-KEEP]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _header(key: str) -> bytes:
    return _FORMAT + key.encode("ascii") + b"\n"


def _sections(
    words: list[str], fields: Sequence[FieldState], width: int
) -> list[bytes | array[int]]:
    """What is saved, in order: the words, then six sections per field (see :func:`_decode`).

    Bit sets are ``width`` bytes each, big-endian; arrays are in the machine's byte order.
    """
    sections: list[bytes | array[int]] = ["\n".join(words).encode("utf-8", "surrogatepass")]
    for field in fields:
        sections += [
            array("Q", field.dense_numbers),
            b"".join(bits.to_bytes(width, "big") for bits in field.dense),
            field.flat,
            field.offsets,
            array("Q", field.block_starts),
            b"".join(bits.to_bytes(width, "big") for bits in field.blocks),
        ]
    return sections


def _decode(body: memoryview, size: int) -> tuple[list[str], list[FieldState]]:
    """The inverse of :func:`save`'s layout; raises ValueError when the pieces do not fit."""
    count = _array("Q", body[:8])[0]
    lengths = _array("Q", body[8 : 8 * (count + 1)])
    sections: list[memoryview] = []
    at = 8 * (count + 1)
    for length in lengths:
        sections.append(body[at : at + length])
        at += length
    if at != len(body) or (count - 1) % 6:
        raise ValueError("sections do not fill the file")
    words = str(sections[0], "utf-8", "surrogatepass").split("\n") if sections[0] else []
    width = (size + 7) // 8
    fields: list[FieldState] = []
    for start in range(1, count, 6):
        dense_numbers, dense, flat, offsets, block_starts, blocks = sections[start : start + 6]
        fields.append(
            FieldState(
                list(_array("Q", dense_numbers)),
                _bit_sets(dense, width, size),
                _array("I", flat),
                _array("Q", offsets),
                list(_array("Q", block_starts)),
                _bit_sets(blocks, width, size),
            )
        )
    _check(words, fields, size)
    return words, fields


def _check(words: list[str], fields: list[FieldState], size: int) -> None:
    """Raise ValueError unless the pieces fit together and every number is in its range.

    A file whose digest is right can still be forged: these checks make sure that whatever it
    holds, searching it can neither raise nor reach outside the catalogue. (Whether it is this
    catalogue's index is for ``index.SearchIndex`` to check against the papers.)
    """
    if len(fields) != 4:
        raise ValueError("not four fields")
    if words and not (words[0] and all(map(str.__lt__, words, islice(words, 1, None)))):
        raise ValueError("the words are not sorted")
    block_size = max(4096, size // 8)
    for field in fields:
        offsets, flat, starts = field.offsets, field.flat, field.block_starts
        if len(offsets) != len(words) + 1 or offsets[0] != 0 or offsets[-1] != len(flat):
            raise ValueError("the offsets do not fit the words")
        if not all(map(int.__le__, offsets, islice(offsets, 1, None))):
            raise ValueError("the offsets go backwards")
        numbers = field.dense_numbers
        if len(field.dense) != len(numbers) or not _ascending_below(numbers, len(words)):
            raise ValueError("the frequent words do not fit")
        if len(starts) < 2 or starts[0] != 0 or starts[-1] != len(words):
            raise ValueError("the blocks do not cover the words")
        if not all(map(int.__le__, starts, islice(starts, 1, None))):
            raise ValueError("the blocks go backwards")
        if field.blocks:
            if len(field.blocks) != len(starts) - 1:
                raise ValueError("the blocks do not fit their starts")
        elif len(starts) != 2 or len(flat) > block_size:
            raise ValueError("blocks missing")
        if not _all_below(flat, size):
            raise ValueError("a posting beyond the catalogue")


def _ascending_below(numbers: list[int], limit: int) -> bool:
    return all(map(int.__lt__, numbers, islice(numbers, 1, None))) and (
        not numbers or numbers[-1] < limit
    )


def _all_below(values: array[int], limit: int) -> bool:
    """Whether every value of an ``array("I")`` is below ``limit``, in C-speed byte operations.

    (``max()`` takes about a second per ten million values.) Each byte of each value, most
    significant first, is classed against the same byte of ``limit`` as below, equal or above,
    in letters of its own per byte place; a value is too big when its classes read "equal, ...,
    equal, above" (the lowest byte's "equal" counting as above: the value is then the limit),
    found as patterns in the classes of all the values side by side.
    """
    count = len(values)
    if not count:
        return True
    if limit <= 0:
        return False
    if limit >= 1 << 32:
        return True
    data = values.tobytes()
    bound = limit.to_bytes(4, "big")
    # Where each byte of a value sits (most significant first) in the machine's order.
    lanes = (3, 2, 1, 0) if sys.byteorder == "little" else (0, 1, 2, 3)
    # Leading zero bytes of the limit: the values' bytes there must be zero too.
    skip = 0
    while bound[skip] == 0:
        if data[lanes[skip] :: 4].count(0) != count:
            return False
        skip += 1
    places = range(skip, 4)
    width = len(places)
    classes = bytearray(width * count)
    for column, place in enumerate(places):
        below, equal, above = b"adgj"[column], b"behk"[column], b"cfil"[column]
        table = bytes(
            above
            if byte > bound[place] or (place == 3 and byte == bound[place])
            else equal
            if byte == bound[place]
            else below
            for byte in range(256)
        )
        classes[column::width] = data[lanes[place] :: 4].translate(table)
    return not any(b"behk"[:k] + b"cfil"[k : k + 1] in classes for k in range(width))


def _array(typecode: str, data: memoryview) -> array[int]:
    """The machine values in ``data`` (``array(typecode, view)`` reads it byte by byte)."""
    values = array(typecode)
    values.frombytes(data)
    return values


def _bit_sets(data: memoryview, width: int, size: int) -> list[int]:
    if not width:
        if len(data):
            raise ValueError("bit sets for an empty catalogue")
        return []
    if len(data) % width:
        raise ValueError("bit sets of the wrong width")
    sets = [int.from_bytes(data[at : at + width], "big") for at in range(0, len(data), width)]
    if any(bits >> size for bits in sets):
        raise ValueError("bit set beyond the catalogue")
    return sets


_code: bytes | None = None


def _code_digest() -> bytes:
    """A digest of the modules whose code decides what the index holds."""
    global _code
    if _code is None:
        digest = hashlib.sha256(_FORMAT)
        here = Path(__file__).parent
        for name in ("text.py", "index.py", "bitset.py", "bulk.py", "cache.py", "helper.py"):
            digest.update((here / name).read_bytes())
        _code = digest.digest()
    return _code
