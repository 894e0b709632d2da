"""The arXiv export API: metadata for many arXiv ids in one Atom answer.

``GET {ARXIV}?id_list=ID,ID,...&max_results=N``. arXiv asks for one request every 3 seconds and
for ids in batches (up to 100 per call here); the client paces the host. Each ``entry`` has
``id`` (``http://arxiv.org/abs/1803.03635v5``), ``title``, ``published`` (the first version's
date), ``author/name``, ``arxiv:primary_category/@term``, ``category/@term``, and when present
``arxiv:doi``, ``arxiv:journal_ref``, ``arxiv:comment``. Any of them may be missing.

The Atom is untrusted: an answer holding a DOCTYPE (the door to entity expansion) is refused
before it is parsed, and so is one that is not XML or not an Atom feed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from paperterm.api.hf import Hit
from paperterm.api.http import HttpClient, host_name
from paperterm.errors import NetworkError
from paperterm.metadata import ARXIV_ID, iso_date, text
from paperterm.model import Metadata

BATCH = 100
"""Ids per request."""
PACE = 3.0
"""Seconds between two requests to arXiv, as its terms of use ask."""

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ABS = re.compile(r"/abs/(.+)$")
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CATEGORY = re.compile(r"[A-Za-z-]+(?:\.[A-Za-z-]+)?")


def pace(http: HttpClient) -> None:
    """Make ``http`` keep arXiv's pace (one request every 3 seconds)."""
    http.pace.setdefault(urlsplit(http.endpoints.arxiv).netloc, PACE)


def parse(body: bytes, where: str = "arXiv") -> dict[str, Hit]:
    """arXiv id (without version) to what the Atom ``body`` says of it.

    Entries that are not papers (arXiv reports a malformed id as an entry titled "Error") are
    left out. Raises NetworkError when ``body`` is not a safe Atom feed.
    """
    if _DOCTYPE.search(body):
        raise NetworkError(f"{where}: the answer declares a DOCTYPE; refused")
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise NetworkError(f"{where}: the answer is not well-formed XML") from None
    if root.tag != f"{_ATOM}feed":
        raise NetworkError(f"{where}: the answer is not an Atom feed")
    found: dict[str, Hit] = {}
    for entry in root.iter(f"{_ATOM}entry"):
        hit = _entry(entry)
        if hit is not None:
            found.setdefault(hit.meta.arxiv_id or "", hit)
    return found


def _text(entry: ET.Element, tag: str) -> str | None:
    element = entry.find(tag)
    return text(element.text) if element is not None else None


def _entry(entry: ET.Element) -> Hit | None:
    link = _text(entry, f"{_ATOM}id") or ""
    match = _ABS.search(link)
    if match is None:
        return None
    ident = ARXIV_ID.fullmatch(match.group(1))
    if ident is None:
        return None
    authors = tuple(
        name
        for name in (_text(author, f"{_ATOM}name") for author in entry.iter(f"{_ATOM}author"))
        if name is not None
    )
    primary = entry.find(f"{_ARXIV}primary_category")
    primary_term = _category(primary.get("term") if primary is not None else None)
    categories = [
        term
        for term in (_category(cat.get("term")) for cat in entry.iter(f"{_ATOM}category"))
        if term is not None
    ]
    if primary_term is not None:
        categories.insert(0, primary_term)
    doi = _text(entry, f"{_ARXIV}doi")
    meta = Metadata(
        arxiv_id=ident.group("id"),
        authors=authors[:2000],
        published=iso_date(_text(entry, f"{_ATOM}published")),
        primary_category=primary_term or (categories[0] if categories else None),
        categories=tuple(dict.fromkeys(categories))[:50],
        doi=doi if doi is not None and " " not in doi else None,
        journal_ref=_text(entry, f"{_ARXIV}journal_ref"),
        comment=_text(entry, f"{_ARXIV}comment"),
    )
    return Hit(_text(entry, f"{_ATOM}title") or "", meta)


def _category(term: str | None) -> str | None:
    if term is None or len(term) > 40 or _CATEGORY.fullmatch(term) is None:
        return None
    return term


def fetch(
    http: HttpClient,
    ids: Iterable[str],
    *,
    batch: int = BATCH,
    on_batch: Callable[[dict[str, Hit], Sequence[str]], None] | None = None,
) -> dict[str, Hit]:
    """What arXiv says of each of ``ids`` (ids it does not know are absent), ``batch`` per call.

    ``on_batch(found, asked)`` runs after each answer, so a caller can keep what came in before
    a later call fails or is interrupted.
    """
    pace(http)
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Hit] = {}
    for start in range(0, len(wanted), batch):
        asked = wanted[start : start + batch]
        body = http.get(
            http.endpoints.arxiv, {"id_list": ",".join(asked), "max_results": len(asked)}
        )
        assert body is not None
        got = parse(body, host_name(http.endpoints.arxiv))
        now = {key: hit for key, hit in got.items() if key in asked}
        found.update(now)
        if on_batch is not None:
            on_batch(now, asked)
    return found
