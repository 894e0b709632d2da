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

Beside them, notes (:func:`remember`, :func:`likely_saved`) say which saved index the last load of
the same files had, from the files' status, before they are read: a reopen then starts no helper
to build the index ahead. Read under the same rules; a wrong note only changes where an index
is built, never which.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path
from typing import TypeAlias

from paperterm.locations import cache_dir
from paperterm.model import Paper
from paperterm.search import savedfile
from paperterm.search.savedfile import all_below, array_of, ascending

MIN_PAPERS = 20_000
"""Smaller catalogues are never cached (their build takes a fraction of a second)."""
KEEP = 3
"""How many saved indexes are kept; saving another removes the least recently used."""

_FORMAT = f"paperterm search index 2 {sys.byteorder}\n".encode("ascii")
_SUFFIX = ".index"
_NOTE = ".from"
_NOTE_BYTES = 4096
"""The most a note is read of (one is about 200 bytes: a bigger file there is no note)."""
_NOTE_FORMAT = b"paperterm index hint 1\n"
NOTES_KEPT = 8
"""How many notes of which saved index which inputs had are kept (see :func:`remember`)."""
_KEY = re.compile(r"[0-9a-f]{64}")
_CHUNK = 256
"""Papers digested at a time by :func:`catalogue_key`: their texts joined stay in the CPU's
cache on their way to the digest (measured: twice as fast as 4,096 at a time)."""


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


def load(
    directory: Path, key: str, papers: Sequence[Paper]
) -> tuple[list[str], list[FieldState]] | None:
    """The words and field states saved under ``key`` for ``papers``, or None (see
    :mod:`paperterm.search.savedfile` for what is read and what is never touched)."""
    path = directory / (key + _SUFFIX)
    return savedfile.load(
        path,
        savedfile.header(_FORMAT, key),
        lambda sections: decode(sections, len(papers)),
        limit=room(path, papers),
    )


_ROOM = 16 << 20
_ROOM_PER_PAPER = 4096
_ROOM_PER_CHARACTER = 16


def room(path: Path, papers: Sequence[Paper]) -> int:
    """The most bytes read of the file at ``path``, saved for ``papers`` (a bigger one, from a
    damaged disk, a sync tool or a forger, is refused unread: 3 GB there took 6 GB of memory and
    20 s before the first frame). 4 KB a paper (saved indexes take about 400 bytes, saved
    vectors 850), or for a file bigger than that 16 bytes a character of the titles and
    abstracts (0.4 and 0.7 measured), 16 MB more either way. The text is measured only then:
    70 ms at 100k papers."""
    allowed = _ROOM + _ROOM_PER_PAPER * len(papers)
    try:
        if os.lstat(path).st_size <= allowed:
            return allowed
    except OSError:
        return allowed
    titles = sum(map(len, map(_TITLE, papers)))
    abstracts = sum(map(len, chain.from_iterable(map(_ABSTRACTS, papers))))
    return _ROOM + _ROOM_PER_CHARACTER * (titles + abstracts)


def has(directory: Path, key: str) -> bool:
    """Whether a regular file is saved under ``key`` (not whether it will load)."""
    try:
        return stat.S_ISREG(os.lstat(directory / (key + _SUFFIX)).st_mode)
    except OSError:
        return False


def any_saved(directory: Path) -> bool:
    """Whether the cache dir holds any saved index at all (of any catalogue): when not, no
    catalogue's can be loaded, and its key need not be computed to know it."""
    try:
        with os.scandir(directory) as entries:
            return any(entry.name.endswith(_SUFFIX) for entry in entries)
    except OSError:
        return False


Stamp: TypeAlias = tuple[int, int, int, int, int]
"""What a file's status says of its contents: device, inode, size, modification and change
times (ns)."""

NO_STAMP: Stamp = (0, 0, 0, 0, 0)
"""The stamp of an input that has none to tell (a problem: a missing or unreadable file)."""


def stamp(status: os.stat_result) -> Stamp:
    """The :data:`Stamp` of a file from its status."""
    return (
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )


def sources_key(files: Sequence[tuple[str, Stamp | None]]) -> str | None:
    """A digest of where a catalogue is loaded from, known before reading it: each input's name
    and :data:`Stamp`, in order, and the code's digest; None when an input cannot be told apart
    so (a stamp of None: standard input). Two loads with the same key read the same bytes but
    for a file rewritten within the clock's step, keeping its size: it only guesses, see
    :func:`remember`."""
    digest = hashlib.sha256(_code_digest())
    for name, stamped in files:
        if stamped is None:
            return None
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(array("Q", [value & (1 << 64) - 1 for value in stamped]).tobytes())
    return digest.hexdigest()


def remember(directory: Path, sources: str, key: str) -> None:
    """Note that the catalogue loaded from ``sources`` (:func:`sources_key`) has the index saved
    under ``key``, for :func:`likely_saved` (best effort; at most :data:`NOTES_KEPT` notes)."""
    if _KEY.fullmatch(sources) and _KEY.fullmatch(key):
        path = directory / (sources + _NOTE)
        savedfile.write(
            path, savedfile.header(_NOTE_FORMAT, sources), [key.encode()], keep=NOTES_KEPT
        )


def likely_saved(directory: Path, sources: str) -> bool:
    """Whether the last catalogue loaded from ``sources`` had an index saved that is still
    there: a reopen, most likely, whose index will be loaded rather than built (then no helper
    is started to build it ahead, :mod:`paperterm.search.ahead`). Only a guess (the note may be
    stale or forged): the saved index is checked when loaded as ever, and a wrong guess only
    changes where the index is built."""
    if not _KEY.fullmatch(sources):
        return False
    path = directory / (sources + _NOTE)
    key = savedfile.load(
        path, savedfile.header(_NOTE_FORMAT, sources), _noted_key, limit=_NOTE_BYTES
    )
    return key is not None and has(directory, key)


def _noted_key(sections: list[memoryview]) -> str:
    """The key a note holds; ValueError when it holds anything else."""
    if len(sections) != 1:
        raise ValueError("not a note")
    key = str(sections[0], "ascii")
    if not _KEY.fullmatch(key):
        raise ValueError("not a key")
    return key


def save(
    directory: Path, key: str, size: int, words: list[str], fields: Sequence[FieldState]
) -> None:
    """Save the index of ``size`` papers under ``key`` (atomically, best effort); keep at most
    :data:`KEEP` saved indexes."""
    path = directory / (key + _SUFFIX)
    savedfile.write(
        path, savedfile.header(_FORMAT, key), sections(words, fields, (size + 7) // 8), keep=KEEP
    )


def sections(
    words: list[str], fields: Sequence[FieldState], width: int
) -> list[bytes | array[int]]:
    """What is saved, in order: the words, then six sections per field (see :func:`decode`).

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


def decode(
    sections: list[memoryview], size: int, blocks: bool = True, thorough: bool = True
) -> tuple[list[str], list[FieldState]]:
    """The inverse of :func:`sections`; raises ValueError when the pieces do not fit. Without
    ``blocks``, fields without blocks of words are fine (a titles-only index has none). Not
    ``thorough``: the words' order is not checked (a Python step per word, 20 ms at 100k
    papers), for sections this program's own code made in a helper process; the range of every
    posting and offset is checked either way (numpy over the arrays: 3 ms at 100k), so that
    not even a fault of that code can make a search reach outside the catalogue."""
    count = len(sections)
    if not count or (count - 1) % 6:
        raise ValueError("not the sections of an index")
    words = str(sections[0], "utf-8", "surrogatepass").split("\n") if sections[0] else []
    width = (size + 7) // 8
    fields: list[FieldState] = []
    for start in range(1, count, 6):
        dense_numbers, dense, flat, offsets, block_starts, block_sets = sections[start : start + 6]
        fields.append(
            FieldState(
                list(array_of("Q", dense_numbers)),
                _bit_sets(dense, width, size),
                array_of("I", flat),
                array_of("Q", offsets),
                list(array_of("Q", block_starts)),
                _bit_sets(block_sets, width, size),
            )
        )
    _check(words, fields, size, blocks, thorough)
    return words, fields


def _check(
    words: list[str],
    fields: list[FieldState],
    size: int,
    blocks: bool = True,
    thorough: bool = True,
) -> None:
    """Raise ValueError unless the pieces fit together, every number is in its range and
    (``thorough``) the words are in order.

    A file whose digest is right can still be forged: these checks make sure that whatever it
    holds, searching it can neither raise nor reach outside the catalogue. (Whether it is this
    catalogue's index is for ``index.SearchIndex`` to check against the papers.)
    """
    if len(fields) != 4:
        raise ValueError("not four fields")
    ordered = not thorough or all(map(str.__lt__, words, islice(words, 1, None)))
    if words and not (words[0] and ordered):
        raise ValueError("the words are not sorted")
    block_size = max(4096, size // 8)
    for field in fields:
        offsets, flat, starts = field.offsets, field.flat, field.block_starts
        if len(offsets) != len(words) + 1 or offsets[0] != 0 or offsets[-1] != len(flat):
            raise ValueError("the offsets do not fit the words")
        if not ascending(offsets):
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
        elif len(starts) != 2 or (blocks and len(flat) > block_size):
            raise ValueError("blocks missing")
        if not all_below(flat, size):
            raise ValueError("a posting beyond the catalogue")


def _ascending_below(numbers: list[int], limit: int) -> bool:
    return all(map(int.__lt__, numbers, islice(numbers, 1, None))) and (
        not numbers or numbers[-1] < limit
    )


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


_CODE = ("text.py", "index.py", "bitset.py", "bulk.py", "cache.py", "helper.py", "savedfile.py")
"""The modules whose code decides what the index holds."""


def _code_digest() -> bytes:
    return savedfile.code_digest(_FORMAT, _CODE)
