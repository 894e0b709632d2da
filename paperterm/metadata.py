"""Reading paper metadata out of untrusted API answers, and combining what several sources say.

The Hugging Face Papers API describes a paper as a ``paper`` object (``id`` = the arXiv id,
``title``, ``summary``, ``authors`` [{``name``}], ``publishedAt``, ``upvotes``, and when known
``githubRepo``, ``githubStars``, ``projectPage``, ``ai_summary``, ``ai_keywords``). Any field
may be missing, null or of the wrong type: such a field is treated as unknown, never as an
error, and every string is cleaned of control characters (:mod:`paperterm.sanitize`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from paperterm.model import Metadata
from paperterm.sanitize import clean_text

ARXIV_ID = re.compile(
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?"
)
"""An arXiv identifier, new style (``1803.03635``) or old (``hep-th/9901001``), maybe ``vN``."""

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MAX_NAMES = 2000
"""More authors than this in one answer is not a paper (collaborations reach ~3000: kept)."""
_MAX_TEXT = 20_000
"""The longest string kept from an answer's field (an abstract is ~2 KB)."""


def arxiv_id(value: object) -> str | None:
    """The arXiv id in ``value`` without its version, or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = ARXIV_ID.fullmatch(value.strip())
    return match.group("id") if match else None


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or date-time string, or None."""
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and year >= 1900):
        return None
    return match.group(0)


def text(value: object) -> str | None:
    """A cleaned, stripped, non-empty string of bounded length, or None."""
    if not isinstance(value, str):
        return None
    cleaned = " ".join(clean_text(value[:_MAX_TEXT]).split())
    return cleaned or None


def count(value: object) -> int | None:
    """A non-negative whole number (not a bool), or None."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def web_url(value: object) -> str | None:
    """An ``http(s)`` URL with no space or control character, or None."""
    url = text(value)
    if url is None or " " in url or not url.lower().startswith(("https://", "http://")):
        return None
    return url


def names(value: object) -> tuple[str, ...]:
    """Names from a list of ``{"name": ...}`` objects (or plain strings), in order."""
    if not isinstance(value, list):
        return ()
    found = []
    for item in value[:_MAX_NAMES]:
        name = text(item.get("name") if isinstance(item, dict) else item)
        if name is not None:
            found.append(name)
    return tuple(found)


def words(value: object) -> tuple[str, ...]:
    """Strings from a list, cleaned, empty ones dropped."""
    if not isinstance(value, list):
        return ()
    return tuple(word for word in (text(item) for item in value[:200]) if word is not None)


def from_hf_paper(obj: object, *, listed: object = None) -> Metadata | None:
    """The metadata in one Hugging Face ``paper`` object, or None when it is not an object.

    ``listed`` is the date a daily list gave for the item, when the object came from one.
    """
    if not isinstance(obj, dict):
        return None
    paper: dict[str, Any] = obj
    return Metadata(
        arxiv_id=arxiv_id(paper.get("id")),
        authors=names(paper.get("authors")),
        published=iso_date(paper.get("publishedAt")),
        upvotes=count(paper.get("upvotes")),
        github_repo=web_url(paper.get("githubRepo")),
        github_stars=count(paper.get("githubStars")),
        project_page=web_url(paper.get("projectPage")),
        ai_summary=text(paper.get("ai_summary")),
        ai_keywords=words(paper.get("ai_keywords")),
        listed=iso_date(listed),
    )


def combined(first: Metadata | None, then: Metadata | None) -> Metadata | None:
    """``first``, with each field it does not know taken from ``then``.

    Used to lay sources over each other: the user's settled choice over an arXiv answer over
    a Hugging Face answer over a saved dump. A paper is identified by one arXiv id: when both
    know one and they differ, ``then`` says nothing about this paper and is ignored.
    """
    if first is None or then is None:
        return first if then is None else then
    if first.arxiv_id and then.arxiv_id and first.arxiv_id != then.arxiv_id:
        return first
    missing = {
        field.name: getattr(then, field.name)
        for field in fields(Metadata)
        if getattr(first, field.name) in (None, ()) and getattr(then, field.name) not in (None, ())
    }
    return replace(first, **missing) if missing else first


_READERS: dict[str, Callable[[object], object]] = {
    "arxiv_id": arxiv_id,
    "authors": names,
    "published": iso_date,
    "primary_category": text,
    "categories": words,
    "doi": text,
    "journal_ref": text,
    "comment": text,
    "upvotes": count,
    "github_repo": web_url,
    "github_stars": count,
    "project_page": web_url,
    "ai_summary": text,
    "ai_keywords": words,
    "listed": iso_date,
}
"""How each field of a stored record is read back: through the same checks as an API answer."""


def to_record(meta: Metadata) -> dict[str, Any]:
    """``meta`` as a JSON-ready object holding only the fields that are known."""
    record: dict[str, Any] = {}
    for field in fields(Metadata):
        value = getattr(meta, field.name)
        if value not in (None, ()):
            record[field.name] = list(value) if isinstance(value, tuple) else value
    return record


def from_record(obj: object) -> Metadata | None:
    """The metadata a stored record holds (checked like an API answer), or None when it is not
    an object. Unknown keys are ignored; a field of the wrong type is unknown."""
    if not isinstance(obj, dict):
        return None
    known: dict[str, Any] = {}
    for name, read in _READERS.items():
        if name in obj:
            value = read(obj[name])
            if value not in (None, ()):
                known[name] = value
    return Metadata(**known)
