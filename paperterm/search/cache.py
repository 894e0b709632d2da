"""A copy of the built search index on disk, so reopening the same catalogue skips the build.

Building the index costs seconds per 100k papers, nearly all of it splitting every text into words
and grouping the papers by word: work pure Python cannot make much faster (measured: splitting
and de-duplicating the words alone is about a third of it). People reopen the catalogue they had
yesterday, so the built index is saved and loaded the next time instead of rebuilt.

A saved index is used only when it is certainly the right one. Its name and header carry a digest
of every title and abstract in catalogue order and of the source of the modules that build the
index (a new version of the code rebuilds); a digest of the payload catches a truncated or damaged
file; the pieces must then fit together. Anything unexpected means building afresh, never an
error: the cache is only a shortcut. Catalogues under :data:`MIN_PAPERS` build faster than a load
would pay off and are never saved; at most :data:`KEEP` files are kept, the least recently used
going first.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from paperterm import fsio
from paperterm.locations import cache_dir
from paperterm.model import Paper

MIN_PAPERS = 20_000
"""Smaller catalogues are never cached (their build takes a fraction of a second)."""
KEEP = 3
"""How many saved indexes are kept; saving another removes the least recently used."""

_FORMAT = f"paperterm search index 1 {sys.byteorder}\n".encode("ascii")
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
        texts = [text for paper in chunk for text in (paper.title, *paper.abstracts)]
        # The lengths make the concatenation unambiguous.
        digest.update(array("Q", [len(paper.abstracts) for paper in chunk]).tobytes())
        digest.update(array("Q", map(len, texts)).tobytes())
        digest.update("".join(texts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load(directory: Path, key: str, size: int) -> tuple[list[str], list[FieldState]] | None:
    """The words and field states saved under ``key`` for ``size`` papers, or None."""
    path = directory / (key + _SUFFIX)
    try:
        data = memoryview(path.read_bytes())
        head = _header(key)
        if len(data) < len(head) + _DIGEST_SIZE or data[: len(head)] != head:
            return None
        body = data[len(head) : -_DIGEST_SIZE]
        if hashlib.sha256(body).digest() != data[-_DIGEST_SIZE:]:
            return None
        saved = _decode(body, size)
        os.utime(path)  # recently used: evicted last
    except (OSError, ValueError, IndexError, OverflowError, UnicodeDecodeError):
        return None
    return saved


def save(
    directory: Path, key: str, size: int, words: list[str], fields: Sequence[FieldState]
) -> None:
    """Save the index of ``size`` papers under ``key`` (atomically, best effort).

    Keeps at most :data:`KEEP` saved indexes. The sections are written one by one, the big
    arrays straight from their buffers: no copy of the whole index is made in memory.
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
        saved = sorted(directory.glob("*" + _SUFFIX), key=lambda p: p.stat().st_mtime)
        for old in saved[:-KEEP]:
            old.unlink(missing_ok=True)
        # A save killed half-way leaves its temporary file; one an hour old is nobody's.
        for left in [*directory.glob(f".*{fsio.TEMP_MARK}*"), *directory.glob("*.tmp")]:
            if left.stat().st_mtime < time.time() - 3600:
                left.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only means building again next time


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
    fields = []
    for start in range(1, count, 6):
        dense_numbers, dense, flat, offsets, block_starts, blocks = sections[start : start + 6]
        field = FieldState(
            list(_array("Q", dense_numbers)),
            _bit_sets(dense, width, size),
            _array("I", flat),
            _array("Q", offsets),
            list(_array("Q", block_starts)),
            _bit_sets(blocks, width, size),
        )
        if (
            len(field.offsets) != len(words) + 1
            or field.offsets[-1] != len(field.flat)
            or len(field.dense) != len(field.dense_numbers)
            or len(field.blocks) not in (0, len(field.block_starts) - 1)
        ):
            raise ValueError("field state does not fit the catalogue")
        fields.append(field)
    return words, fields


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
        for name in ("text.py", "index.py", "bitset.py", "cache.py"):
            digest.update((here / name).read_bytes())
        _code = digest.digest()
    return _code
