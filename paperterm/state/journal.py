"""The state file's journal: one line per saved change, appended beside ``state.json``.

A line holds the whole entry, after the change, of each paper the change touched, with a
checksum of those bytes::

    {"v":1,"crc":2914471432,"papers":{"6932a178c1ef":{"starred":true,"starred_at":1763884800.5}}}

Reading a journal is merging its lines into the snapshot (``state.json``) with the state's own
merge (per field, the later change wins; see :mod:`paperterm.state.record`). That merge is
idempotent and commutative, so a line already in the snapshot changes nothing when read again,
and the lines need no order: this is what makes a crash between writing a new snapshot and
removing the journal harmless, and what lets a snapshot of another history (restored from a
backup, brought by a sync tool) meet a journal without losing either.

A line is used only when it is whole (ends with a newline), parses, has the layout above and its
checksum matches; anything else is counted as bad and left out, never the lines around it. A
line of a newer version (``v`` above :data:`VERSION`) is not understood: the caller opens the
state read-only. The bytes after the last newline are a line still being written (or cut short
by a crash, which only the lock holder can tell).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from paperterm.state.record import CorruptState, Entry, checked_papers, merge_entry

VERSION = 1
"""The journal line version this release writes and reads."""

SUFFIX = ".journal"
"""The journal's name is the state file's with this appended (``state.json.journal``)."""

_HEAD = b'{"v":%d,"crc":%d,"papers":'
_PAPERS = b',"papers":'


def path_of(state: Path) -> Path:
    """The journal beside the state file ``state``."""
    return state.with_name(state.name + SUFFIX)


def line(papers: Mapping[str, Entry]) -> bytes:
    """The journal line recording these papers' entries (after a change), newline included."""
    body = orjson.dumps(papers)
    return _HEAD % (VERSION, zlib.crc32(body)) + body + b"}\n"


@dataclass
class Lines:
    """What a read of (part of) a journal found."""

    papers: dict[str, Entry] = field(default_factory=dict)
    """The entries of every good line, merged (as the state merges them)."""
    end: int = 0
    """Offset just past the last whole line read (the next read starts there)."""
    good: int = 0
    """How many lines were used."""
    bad: int = 0
    """How many whole lines could not be used (garbage, a wrong checksum, a bad entry)."""
    problem: str = ""
    """Why the first bad line was left out."""
    tail: int = 0
    """Bytes after the last newline: a line being written, or one cut short by a crash."""
    newer: int = 0
    """The highest newer version among the lines, or 0 when none is newer."""
    refused_keys: tuple[tuple[str, str], ...] = ()
    """(paper id, key) for each pinned key set aside as not valid (see ``record.decode``)."""


def parse(data: bytes, start: int = 0, known: Mapping[str, Entry] | None = None) -> Lines:
    """Read journal bytes ``data`` found at offset ``start`` of the file (see the module).

    ``known`` (the state in memory) spares checking entries equal to those already held.
    """
    found = Lines(end=start)
    cut = data.rfind(b"\n") + 1
    found.tail = len(data) - cut
    found.end = start + cut
    refused: list[tuple[str, str]] = []
    papers = found.papers
    for raw in data[: cut - 1].split(b"\n") if cut else ():
        try:
            version, entries, keys = _one(raw, known)
        except CorruptState as exc:
            found.bad += 1
            found.problem = found.problem or str(exc)
            continue
        if version > VERSION:
            found.newer = max(found.newer, version)
            continue
        found.good += 1
        refused.extend(keys)
        for pid, entry in entries.items():
            held = papers.get(pid)
            papers[pid] = entry if held is None else merge_entry(entry, held)
    found.refused_keys = tuple(refused)
    return found


def _one(
    raw: bytes, known: Mapping[str, Entry] | None
) -> tuple[int, dict[str, Entry], tuple[tuple[str, str], ...]]:
    """One line's version, entries and refused keys; CorruptState when it cannot be used."""
    try:
        top = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise CorruptState("not a whole JSON line") from None
    if type(top) is not dict:
        raise CorruptState("not a JSON object")
    version = top.get("v")
    if type(version) is not int or version < 1:
        raise CorruptState("no valid version number")
    if version > VERSION:
        return version, {}, ()
    where = raw.find(_PAPERS)
    crc = top.get("crc")
    if where < 0 or not raw.endswith(b"}") or zlib.crc32(raw[where + len(_PAPERS) : -1]) != crc:
        raise CorruptState("its checksum does not match")
    papers = top.get("papers")
    if type(papers) is not dict:
        raise CorruptState("'papers' is not an object")
    refused = checked_papers(papers, known)
    return version, papers, refused
