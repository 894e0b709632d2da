"""The state file's format: what one paper's entry holds, how it is checked, encoded and merged.

On disk (orjson, one line)::

    {"schema": 1, "papers": {"<paper id>": {"read": true, "read_at": 1763884800.5, ...}}}

An entry holds only what differs from a never-touched paper: ``read``/``starred`` appear only
when true, but their ``*_at`` change times stay once set, because an unread made later must beat
a read made earlier when two processes' changes are merged. In memory an entry is kept as the
very dict that is written (checked on load, never mutated afterwards: changes make a new dict),
so a save is one ``orjson.dumps`` of what is already there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

SCHEMA = 1
"""The state schema this release reads and writes; a file with a higher number is left alone."""

Entry = dict[str, Any]
"""One paper's entry as stored: JSON-ready, checked, treated as immutable."""

FLAGS = (("read", "read_at"), ("starred", "starred_at"))
"""The boolean fields and the field holding the time each last changed."""

VALUED = (("tags", "tags_at"), ("note", "note_at"), ("arxiv", "arxiv_at"))
"""The free-form fields and their change times.

``arxiv`` is the user's own settling of a paper's identity (``paperterm mark ID --arxiv``): an
arXiv id, or ``"none"`` for a paper that is not on arXiv; absent when the user never said."""

ARXIV_NONE = "none"
"""The ``arxiv`` value that says the paper has no arXiv id."""

TIMED = FLAGS + VALUED
"""Every field merged by change time (``bibkey`` is not: once pinned it never changes)."""

DEFAULTS: dict[str, Any] = {
    "read": False,
    "starred": False,
    "tags": [],
    "note": "",
    "arxiv": None,
}
"""Each timed field's value, as stored, for a paper never touched (an entry leaves it out)."""

TIME_FIELD = dict(TIMED)
"""Each timed field's change-time field."""


@dataclass(frozen=True, slots=True)
class PaperState:
    """One paper's saved state; the defaults describe a paper never touched."""

    read: bool = False
    """Whether the paper is marked read."""
    read_at: float | None = None
    """Unix time the read flag last changed, or None if it never did."""
    starred: bool = False
    """Whether the paper is starred."""
    starred_at: float | None = None
    """Unix time the star last changed, or None if it never did."""
    tags: tuple[str, ...] = ()
    """The user's tags, in the order given."""
    note: str = ""
    """The user's free-text note."""
    bibkey: str | None = None
    """The BibTeX key, pinned at the first export and never changed afterwards."""
    arxiv: str | None = None
    """The user's settled arXiv id, ``"none"`` for not on arXiv, None when never settled."""


UNTOUCHED = PaperState()
"""The state of every paper the file does not mention."""


_FLAG_KEYS = frozenset(field for field, _ in FLAGS)
_TIME_KEYS = frozenset(at for _, at in TIMED)


def _wrong_type(key: str, value: object) -> bool:
    """Whether a known field's value has a type the format does not allow."""
    if key in _FLAG_KEYS:
        return value is not True and value is not False
    if key in _TIME_KEYS:
        kind = type(value)
        if kind is float:
            return not math.isfinite(value)  # type: ignore[arg-type]
        return kind is not int and value is not None
    if key == "tags":
        return type(value) is not list or not all(type(tag) is str for tag in value)
    if key == "note":
        return type(value) is not str
    if key == "bibkey":
        return value is not None and (type(value) is not str or value == "")
    if key == "arxiv":
        return value is not None and (type(value) is not str or not 0 < len(value) <= 64)
    return False  # an unknown key: kept as it is


class CorruptState(Exception):
    """The bytes are not a state file this release can trust; the text says why."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A state file as read."""

    schema: int
    """Its schema number (may be newer than ``SCHEMA``)."""
    papers: dict[str, Entry]
    """Paper id to entry; empty when a newer schema's papers could not be understood."""
    extra: dict[str, Any]
    """Top-level keys other than ``schema`` and ``papers``, written back unchanged."""


def decode(data: bytes, known: Mapping[str, Entry] | None = None) -> Decoded:
    """Parse and check a state file; raise CorruptState if anything at all is off.

    Entries equal to the one ``known`` holds for the same paper (already checked) are not checked
    again: re-reading a big file another process just saved stays cheap. A newer schema is not
    an error: its papers are read if they look like ours, else left out.
    """
    if not data.strip():
        raise CorruptState("empty file")
    try:
        top = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CorruptState(f"not valid JSON: {exc}") from None
    if type(top) is not dict:
        raise CorruptState("not a JSON object")
    schema = top.get("schema")
    if type(schema) is not int or schema < 1:
        raise CorruptState("no valid schema number")
    papers = top.get("papers", {})
    extra = {key: value for key, value in top.items() if key not in ("schema", "papers")}
    try:
        _check_papers(papers, known or {})
    except CorruptState:
        if schema > SCHEMA:
            return Decoded(schema, {}, extra)
        raise
    return Decoded(schema, papers, extra)


def _check_papers(papers: object, known: Mapping[str, Entry]) -> None:
    if type(papers) is not dict:
        raise CorruptState("'papers' is not an object")
    same = known.get
    for paper_id, entry in papers.items():
        if type(entry) is not dict:
            raise CorruptState(f"paper {paper_id!r} is not an object")
        if same(paper_id) == entry:
            continue
        for key, value in entry.items():
            if _wrong_type(key, value):
                raise CorruptState(f"paper {paper_id!r}: {key!r} has the wrong type")


def encode(papers: Mapping[str, Entry], extra: Mapping[str, Any]) -> bytes:
    """The bytes of a state file holding ``papers``."""
    return orjson.dumps(
        {"schema": SCHEMA, **extra, "papers": papers}, option=orjson.OPT_APPEND_NEWLINE
    )


def to_state(entry: Entry | None) -> PaperState:
    """The public view of a stored entry."""
    if entry is None:
        return UNTOUCHED
    read_at = entry.get("read_at")
    starred_at = entry.get("starred_at")
    return PaperState(
        read=entry.get("read", False),
        read_at=None if read_at is None else float(read_at),
        starred=entry.get("starred", False),
        starred_at=None if starred_at is None else float(starred_at),
        tags=tuple(entry.get("tags", ())),
        note=entry.get("note", ""),
        bibkey=entry.get("bibkey"),
        arxiv=entry.get("arxiv"),
    )


def _newer(mine: Any, theirs: Any) -> bool:
    return mine is not None and (theirs is None or mine > theirs)


def merge_entry(mine: Entry, theirs: Entry) -> Entry:
    """One paper's entry combined field by field: the later change wins, ties go to ``theirs``.

    A pinned ``bibkey`` on disk (``theirs``) is never replaced: it was saved first.
    """
    if mine == theirs:
        return theirs
    result = dict(theirs)
    for field, at in TIMED:
        if _newer(mine.get(at), theirs.get(at)):
            result[at] = mine[at]
            if field in mine:
                result[field] = mine[field]
            else:
                result.pop(field, None)
    if result.get("bibkey") is None and mine.get("bibkey") is not None:
        result["bibkey"] = mine["bibkey"]
    return result


def merge(mine: Mapping[str, Entry], theirs: Mapping[str, Entry]) -> dict[str, Entry]:
    """Every paper of both maps, each merged by ``merge_entry``; nothing is ever dropped."""
    result = dict(theirs)
    for paper_id, entry in mine.items():
        other = result.get(paper_id)
        if other is None or other == entry:
            result[paper_id] = entry  # keep our object: later checks compare identity first
        elif other is not entry:
            result[paper_id] = merge_entry(entry, other)
    return result


def later(now: float, previous: Any) -> float:
    """A change time for a change made at ``now`` that sorts after ``previous``.

    Clocks of two machines (or a clock set back) can disagree; a change made after another one
    was seen must still win the merge, so its time is pushed just past the one it replaces.
    """
    if previous is None or now > previous:
        return now
    return math.nextafter(float(previous), math.inf)


def with_field(entry: Entry, field: str, value: Any, default: Any, at: str, now: float) -> Entry:
    """A copy of ``entry`` with ``field`` set (left out when it is ``default``) and time-stamped."""
    result = dict(entry)
    if value == default:
        result.pop(field, None)
    else:
        result[field] = value
    result[at] = later(now, entry.get(at))
    return result
