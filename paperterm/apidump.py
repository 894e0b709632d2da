"""Saved answers of the Hugging Face Papers API, read as dumps.

``paperterm fetch`` keeps each day of ``/api/daily_papers`` in the library as a ``.json`` file,
and a user may save an answer of ``/api/papers/search`` by hand: both are JSON arrays of items,
each with a ``paper`` object (``id`` = the arXiv id, ``title``, ``summary``, ``authors``
[{``name``}], ``publishedAt``, ``upvotes``, and when known ``githubRepo``, ``githubStars``,
``projectPage``, ``ai_summary``, ``ai_keywords``), plus the item's own ``publishedAt`` (the day
a daily list showed it), ``numComments`` and ``submittedBy``. Any of these may be missing or null.

The decisions:

* Recognised by content, not by name: after a UTF-8 BOM and white space, a ``{``, or a ``[``
  followed by ``{``, ``]`` or nothing. No text dump starts so (a title may start with ``[``, but
  not with ``[{``), so such a file is read as JSON whatever it is called, and a ``.txt``
  holding an answer loads as an answer. JSON that does not parse (a truncated download) is
  refused, and so is JSON that is not an array holding at least one item with a ``paper``
  object (an empty array is an answer with no papers, refused as paperless like an empty file).
* Each item with a title (the paper's, else the item's) is one entry: its title and abstract
  (the paper's ``summary``, else the item's) cleaned of control characters and with white
  space runs made one space, as the text loader keeps titles; items without a title are
  skipped, counted in one warning. The paper's identity is its title's, as for text dumps, so
  a paper in a text dump and in a saved answer is one paper with both sources.
* The rest of the paper object becomes its :class:`~paperterm.model.Metadata`
  (:func:`paperterm.metadata.from_hf_paper`), with the item's ``publishedAt`` as ``listed``.
  When a paper is in several answers, the one listed last (newest ``listed`` day; among equal
  days or none, the one loaded last) is laid over the others: its upvotes and stars win, and
  fields it lacks come from the older ones (:func:`newest_first`).
* An answer is read whole (they are small: a day is ~50 papers, ~200 KB); more than
  :data:`MAX_BYTES` is refused rather than held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from paperterm import metadata
from paperterm.model import Metadata
from paperterm.textblocks import ByteStream

MAX_BYTES = 256 << 20
"""The largest saved answer read (a day of daily papers is well under 1 MB)."""

HEAD = 64
"""Bytes enough to tell a saved answer from a text dump (:func:`looks_like_json`)."""
_BOM = b"\xef\xbb\xbf"
_SPACE = b" \t\r\n"
NOT_AN_ANSWER = "JSON, but not a saved Hugging Face Papers answer (items with a `paper`)"


class NotAnAnswer(Exception):
    """JSON-looking bytes that are not a usable saved answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        """What is wrong, one short clause."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper of a saved answer."""

    title: str
    """The title, cleaned, white space runs made one space."""
    abstract: str
    """The abstract, cleaned the same way; empty when the answer has none."""
    meta: Metadata
    """What the answer says about the paper."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A saved answer, read."""

    entries: tuple[Entry, ...]
    """Its papers with a title, in the answer's order."""
    untitled: int
    """How many items were skipped for want of a title."""


def looks_like_json(head: bytes) -> bool:
    """Whether a file starting with ``head`` (its first few dozen bytes) is to be read as JSON.

    See the module doc: a ``{``, or a ``[`` followed by ``{``, ``]`` or the end of ``head``.
    """
    rest = head.removeprefix(_BOM).lstrip(_SPACE)
    if rest.startswith(b"{"):
        return True
    if not rest.startswith(b"["):
        return False
    after = rest[1:].lstrip(_SPACE)
    return after == b"" or after[:1] in (b"{", b"]")


def sniff(stream: ByteStream) -> tuple[bytes | None, ByteStream]:
    """Read the start of a dump: ``(all its bytes, _)`` for JSON, else ``(None, stream)``.

    The stream given back yields every byte of the dump from the start again, so the text
    loader reads it as if nothing had been taken from it (standard input cannot seek back).
    """
    head = stream.read(HEAD)
    if looks_like_json(head):
        return head + stream.read(MAX_BYTES + 1 - len(head)), stream
    return None, _Replayed(head, stream)


class _Replayed:
    """A byte stream that gives ``head`` first, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: ByteStream) -> None:
        self.head = head
        self.stream = stream

    def readinto(self, buffer: memoryview, /) -> int | None:
        count = min(len(self.head), len(buffer))
        if not count:
            return self.stream.readinto(buffer)
        buffer[:count] = self.head[:count]
        self.head = self.head[count:]
        if self.head:
            return count
        # Fill the rest too, so the text loader's first block is as long as without the sniff.
        return count + (self.stream.readinto(buffer[count:]) or 0)

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            data, self.head = self.head + self.stream.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        if len(data) < size:
            data += self.stream.read(size - len(data))
        return data


def parse(data: bytes) -> Any:
    """The JSON value in ``data`` (a UTF-8 BOM allowed); NotAnAnswer when it is not JSON."""
    if len(data) > MAX_BYTES:
        raise NotAnAnswer(f"JSON larger than {MAX_BYTES >> 20} MB: too large for a saved answer")
    try:
        return orjson.loads(data.removeprefix(_BOM))
    except orjson.JSONDecodeError as error:
        reason = str(error).split(":", 1)[0]
        raise NotAnAnswer(f"not valid JSON (cut short?): {reason}") from None


def problem(value: object) -> str | None:
    """What keeps a parsed JSON value from being a saved answer, or None when it is one.

    An answer is an array whose items are objects, at least one with a ``paper`` object (any
    field inside may be missing); an empty array is an answer.
    """
    if not isinstance(value, list):
        return NOT_AN_ANSWER
    if not value:
        return None
    if not all(isinstance(item, dict) for item in value):
        return NOT_AN_ANSWER
    if not any(isinstance(item.get("paper"), dict) for item in value):
        return NOT_AN_ANSWER
    return None


def read(data: bytes) -> Answer:
    """The papers of a saved answer; NotAnAnswer (one clause) when ``data`` is not one."""
    value = parse(data)
    wrong = problem(value)
    if wrong is not None:
        raise NotAnAnswer(wrong)
    return entries(value)


def entries(items: Sequence[dict[str, Any]]) -> Answer:
    """The entries of an answer's items (checked with :func:`problem` first)."""
    found: list[Entry] = []
    untitled = 0
    for item in items:
        paper = item.get("paper")
        if not isinstance(paper, dict):
            paper = {}
        title = metadata.text(paper.get("title")) or metadata.text(item.get("title"))
        if title is None:
            untitled += 1
            continue
        abstract = metadata.text(paper.get("summary")) or metadata.text(item.get("summary"))
        meta = metadata.from_hf_paper(paper, listed=item.get("publishedAt")) or Metadata()
        found.append(Entry(title, abstract or "", meta))
    return Answer(tuple(found), untitled)


def newest_first(seen: Iterable[Metadata]) -> Metadata | None:
    """One paper's metadata from several answers, in load order, combined.

    The newest listing (latest ``listed`` day; a listing without a day counts as oldest; among
    equals, the one loaded last) is laid first, so its upvotes and stars win; the fields it
    lacks come from the next newest, and so on.
    """
    ordered = sorted(enumerate(seen), key=lambda pair: (pair[1].listed or "", pair[0]))
    result: Metadata | None = None
    for _, meta in reversed(ordered):
        result = metadata.combined(result, meta)
    return result
