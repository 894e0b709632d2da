"""The state file's format: what one paper's entry holds, how it is checked, encoded and merged.

On disk (orjson, one line)::

    {"schema": 2, "papers": {"<paper id>": {"read": true, "read_at": 1763884800.5, ...}}}

An entry holds only what differs from a never-touched paper: ``read``/``starred`` appear only
when true, but their ``*_at`` change times stay once set, because an unread made later must beat
a read made earlier when two processes' changes are merged. In memory an entry is kept as the
very dict that is written (checked on load, never mutated afterwards: changes make a new dict),
so a save is one ``orjson.dumps`` of what is already there.

Fields: ``read``, ``starred`` (booleans), ``note`` (text), ``queued`` (the paper's place in the
reading queue: a number, lower first), each with its ``*_at`` change time; ``tags``, a map from
tag name to ``[present, change time]`` so that each tag merges on its own (a tag removed on one
machine stays removed when the other added a different tag); ``bibkey``, pinned once.

Schema 1 (before per-tag times) stored ``tags`` as a list with one ``tags_at``; such files are
read and upgraded in memory (every tag present since ``tags_at``), and saved as schema 2.

Merging is a per-field "latest change wins" with a total order on ties (presence, then the
value's JSON text), so it is commutative, associative and idempotent: the order in which two
machines' files meet does not matter.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from paperterm.export.keys import valid_key
from paperterm.fsio import gc_paused
from paperterm.tags import MAX_TAG, clean_tag, tag_order

__all__ = ["MAX_TAG", "clean_tag", "tag_order"]  # re-exported for the state's users

SCHEMA = 2
"""The state schema this release reads and writes; a file with a higher number is left alone."""

Entry = dict[str, Any]
"""One paper's entry as stored: JSON-ready, checked, treated as immutable."""

FLAGS = (("read", "read_at"), ("starred", "starred_at"))
"""The boolean fields and the field holding the time each last changed."""

VALUED = (("note", "note_at"), ("queued", "queued_at"), ("arxiv", "arxiv_at"))
"""The free-form fields and their change times.

``arxiv`` is the user's own settling of a paper's identity (``paperterm mark ID --arxiv``): an
arXiv id, or ``"none"`` for a paper that is not on arXiv; absent when the user never said."""

ARXIV_NONE = "none"
"""The ``arxiv`` value that says the paper has no arXiv id."""

TIMED = FLAGS + VALUED
"""Every field merged as a whole by change time (``tags`` merge per tag; ``bibkey`` is pinned)."""

DEFAULTS: dict[str, Any] = {
    "read": False,
    "starred": False,
    "note": "",
    "queued": None,
    "arxiv": None,
    "tags": (),
}
"""Each changeable field's value for a paper never touched (an entry leaves it out); for
``tags``, the present tags as a sorted tuple (see :func:`current`)."""

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
    """The user's tags, sorted (case ignored)."""
    note: str = ""
    """The user's free-text note."""
    queued: float | None = None
    """The paper's place in the reading queue (lower first), or None when not queued."""
    bibkey: str | None = None
    """The BibTeX key, pinned at the first export and never changed afterwards."""
    arxiv: str | None = None
    """The user's settled arXiv id, ``"none"`` for not on arXiv, None when never settled."""


UNTOUCHED = PaperState()
"""The state of every paper the file does not mention."""


_FLAG_KEYS = frozenset(field for field, _ in FLAGS)
_TIME_KEYS = frozenset(at for _, at in TIMED)


def _bad_number(value: object) -> bool:
    """Whether ``value`` is not a finite int or float (booleans are not numbers here)."""
    kind = type(value)
    if kind is float:
        return not math.isfinite(value)  # type: ignore[arg-type]
    return kind is not int


def _bad_tags(value: object) -> bool:
    if type(value) is not dict:
        return True
    for name, mark in value.items():
        if not name or len(name) > MAX_TAG or type(mark) is not list or len(mark) != 2:
            return True
        if (mark[0] is not True and mark[0] is not False) or _bad_number(mark[1]):
            return True
    return False


def _wrong_type(key: str, value: object, schema: int = SCHEMA) -> bool:
    """Whether a known field's value has a type the format does not allow."""
    if key in _FLAG_KEYS:
        return value is not True and value is not False
    if key in _TIME_KEYS or (key == "tags_at" and schema < 2):
        return value is not None and _bad_number(value)
    if key == "tags":
        if schema < 2:
            return type(value) is not list or not all(type(tag) is str for tag in value)
        return _bad_tags(value)
    if key == "queued":
        return value is not None and _bad_number(value)
    if key == "note":
        return type(value) is not str
    if key == "bibkey":
        return value is not None and (type(value) is not str or value == "")
    if key == "arxiv":
        return value is not None and (type(value) is not str or not 0 < len(value) <= 64)
    return False  # an unknown key: kept as it is


class CorruptState(Exception):
    """The bytes are not a state file this release can trust; the text says why."""


REFUSED_KEY = "bibkey_refused"
"""Where a pinned key that is not a valid citation key is kept aside (see :func:`decode`)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A state file as read."""

    schema: int
    """Its schema number (may be newer than ``SCHEMA``)."""
    papers: dict[str, Entry]
    """Paper id to entry; empty when a newer schema's papers could not be understood."""
    extra: dict[str, Any]
    """Top-level keys other than ``schema`` and ``papers``, written back unchanged."""
    refused_keys: tuple[tuple[str, str], ...] = ()
    """(paper id, key) for each pinned key set aside as not valid, in file order."""


def decode(data: bytes, known: Mapping[str, Entry] | None = None) -> Decoded:
    """Parse and check a state file; raise CorruptState if anything at all is off.

    Entries equal to the one ``known`` holds for the same paper (already checked) are not checked
    again: re-reading a big file another process just saved stays cheap. A newer schema is not
    an error: its papers are read if they look like ours, else left out.

    A pinned ``bibkey`` that is a string but not a valid citation key (a hand edit:
    ``"müller 2024{"``) is refused here, once, rather than failing every export later: the
    entry is read without it and with the text kept aside as ``bibkey_refused`` (so the next
    save loses nothing and a new key can be pinned), and ``refused_keys`` names it.
    """
    if not data.strip():
        raise CorruptState("empty file")
    try:
        with gc_paused():  # 100k entries: the collector would walk them again and again
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
        refused = checked_papers(papers, known, schema)
    except CorruptState:
        if schema > SCHEMA:
            return Decoded(schema, {}, extra)
        raise
    if schema < 2:
        papers = {pid: _upgraded(entry) for pid, entry in papers.items()}
    return Decoded(schema, papers, extra, refused)


def checked_papers(
    papers: Any, known: Mapping[str, Entry] | None = None, schema: int = SCHEMA
) -> tuple[tuple[str, str], ...]:
    """Check a ``papers`` object in place (raise CorruptState if anything is off); set aside
    each pinned key that is not valid (see :func:`decode`) and return those (paper id, key)."""
    refused = _check_papers(papers, known or {}, schema)
    for paper_id, key in refused:
        entry = dict(papers[paper_id])
        del entry["bibkey"]
        entry[REFUSED_KEY] = key
        papers[paper_id] = entry
    return tuple(refused)


def _upgraded(entry: Entry) -> Entry:
    """A schema 1 entry in schema 2: its tag list becomes tags present since ``tags_at``."""
    if "tags" not in entry and "tags_at" not in entry:
        return entry
    result = dict(entry)
    names = result.pop("tags", [])
    at = result.pop("tags_at", None)
    since = 0.0 if at is None else float(at)
    tags = {name[:MAX_TAG]: [True, since] for name in names if name}
    if tags:
        result["tags"] = tags
    return result


def _check_papers(
    papers: object, known: Mapping[str, Entry], schema: int = SCHEMA
) -> list[tuple[str, str]]:
    """Raise CorruptState for a malformed entry; return the pinned keys that are not valid."""
    if type(papers) is not dict:
        raise CorruptState("'papers' is not an object")
    same = known.get
    refused: list[tuple[str, str]] = []
    for paper_id, entry in papers.items():
        if type(entry) is not dict:
            raise CorruptState(f"paper {paper_id!r} is not an object")
        if same(paper_id) == entry:
            continue
        for key, value in entry.items():
            if _wrong_type(key, value, schema):
                raise CorruptState(f"paper {paper_id!r}: {key!r} has the wrong type")
        bibkey = entry.get("bibkey")
        if bibkey is not None and not valid_key(bibkey):
            refused.append((paper_id, bibkey))
    return refused


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
    queued = entry.get("queued")
    return PaperState(
        read=entry.get("read", False),
        read_at=None if read_at is None else float(read_at),
        starred=entry.get("starred", False),
        starred_at=None if starred_at is None else float(starred_at),
        tags=present_tags(entry),
        note=entry.get("note", ""),
        queued=None if queued is None else float(queued),
        bibkey=entry.get("bibkey"),
        arxiv=entry.get("arxiv"),
    )


def present_tags(entry: Entry) -> tuple[str, ...]:
    """The tags an entry has now (not those removed), sorted by :func:`tag_order`."""
    tags = entry.get("tags")
    if not tags:
        return ()
    return tuple(sorted((name for name, mark in tags.items() if mark[0]), key=tag_order))


def current(entry: Entry, field: str) -> Any:
    """A changeable field's value as :data:`DEFAULTS` describes it (tags: the present ones)."""
    if field == "tags":
        return present_tags(entry)
    return entry.get(field, DEFAULTS[field])


def _wins(mine: Entry, theirs: Entry, field: str, at: str) -> bool:
    """Whether ``mine``'s value of ``field`` beats ``theirs``: the later change, and on a tie
    (equal times, or none) the one present, then the greater JSON text: a total order, so the
    merge does not depend on which side is which."""
    mine_at, theirs_at = mine.get(at), theirs.get(at)
    if mine_at != theirs_at:
        return mine_at is not None and (theirs_at is None or mine_at > theirs_at)
    if (field in mine) != (field in theirs):
        return field in mine
    mine_value, theirs_value = mine.get(field), theirs.get(field)
    if mine_value == theirs_value:
        return False
    return bool(orjson.dumps(mine_value) > orjson.dumps(theirs_value))


def _merged_tags(mine: Any, theirs: Any) -> dict[str, list[Any]]:
    """Tag maps combined tag by tag: the later change wins; at equal times, present wins."""
    result = dict(theirs or {})
    for name, mark in (mine or {}).items():
        other = result.get(name)
        if other is None or (mark[1], mark[0]) > (other[1], other[0]):
            result[name] = mark
    return result


def merge_entry(mine: Entry, theirs: Entry) -> Entry:
    """One paper's entry combined field by field: the later change wins (see :func:`_wins`).

    Tags merge one by one. Two different pinned ``bibkey`` values (two machines each pinned
    one) keep the smaller, so both machines end with the same; a key pinned on one side only is
    kept. Unknown fields are kept; on a clash ``theirs`` wins.
    """
    if mine == theirs:
        return theirs
    result = dict(theirs)
    for key, value in mine.items():
        if key not in result:
            result[key] = value
    for field, at in TIMED:
        if _wins(mine, theirs, field, at):
            for key in (field, at):
                if key in mine:
                    result[key] = mine[key]
                else:
                    result.pop(key, None)
        else:
            for key in (field, at):
                if key not in theirs:
                    result.pop(key, None)
    if mine.get("tags") != theirs.get("tags"):
        tags = _merged_tags(mine.get("tags"), theirs.get("tags"))
        if tags:
            result["tags"] = tags
        else:
            result.pop("tags", None)
    mine_key, theirs_key = mine.get("bibkey"), theirs.get("bibkey")
    if mine_key is not None and theirs_key is not None:
        result["bibkey"] = min(mine_key, theirs_key)
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
    A time is always finite (JSON has no infinity: it would be saved as ``null`` and the change
    time lost): a clock gone wrong reads as the largest float, or 0 for NaN or minus infinity,
    and a change after one made at the largest float gets that same time (it then ties, and a
    tie goes to the file on disk).
    """
    now = _finite(now)
    if previous is None or now > previous:
        return now
    return _finite(math.nextafter(float(previous), math.inf))


def _finite(when: float) -> float:
    """``when``, or the nearest finite time (NaN and minus infinity: 0)."""
    if math.isfinite(when):
        return when
    return _LARGEST if when > 0 else 0.0


_LARGEST = sys.float_info.max


def with_tags(entry: Entry, wanted: tuple[str, ...], now: float) -> Entry:
    """A copy of ``entry`` whose present tags are exactly ``wanted``; each tag added or removed
    gets its own change time (tags left as they were keep theirs)."""
    tags = dict(entry.get("tags") or {})
    keep = set(wanted)
    for name, mark in list(tags.items()):
        if mark[0] and name not in keep:
            tags[name] = [False, later(now, mark[1])]
    for name in wanted:
        mark = tags.get(name)
        if mark is None or not mark[0]:
            tags[name] = [True, later(now, None if mark is None else mark[1])]
    result = dict(entry)
    result["tags"] = tags
    return result


def with_field(entry: Entry, field: str, value: Any, default: Any, at: str, now: float) -> Entry:
    """A copy of ``entry`` with ``field`` set (left out when it is ``default``) and time-stamped."""
    result = dict(entry)
    if value == default:
        result.pop(field, None)
    else:
        result[field] = value
    result[at] = later(now, entry.get(at))
    return result
