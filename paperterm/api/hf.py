"""The Hugging Face Papers API: search by text, and one paper by arXiv id.

``GET {HF}/api/papers/search?q=TEXT`` answers a JSON array of items, each with a ``paper``
object; ``GET {HF}/api/papers/{arxiv_id}`` answers one ``paper`` object, or 404 when Hugging
Face does not know the paper. An answer of another shape is a NetworkError; an item or field of
the wrong shape inside a good answer is skipped (see :mod:`paperterm.metadata`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from paperterm.api.http import HttpClient, host_name
from paperterm.errors import NetworkError
from paperterm.metadata import from_hf_paper, text
from paperterm.model import Metadata

MAX_QUERY = 300
"""The longest search text sent (titles run to ~250 characters)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One paper an API answer describes."""

    title: str
    """Its title as the API gives it (cleaned); empty when the answer gave none."""
    meta: Metadata
    """What the answer says of it; ``meta.arxiv_id`` is always set."""


def _hit(obj: object) -> Hit | None:
    meta = from_hf_paper(obj)
    if meta is None or meta.arxiv_id is None:
        return None
    assert isinstance(obj, dict)
    return Hit(text(obj.get("title")) or "", meta)


def search(http: HttpClient, query: str) -> list[Hit]:
    """The papers Hugging Face finds for ``query``, in its order (those without an arXiv id
    are left out)."""
    url = f"{http.endpoints.hf}/api/papers/search"
    answer = http.get_json(url, {"q": " ".join(query.split())[:MAX_QUERY]})
    if not isinstance(answer, list):
        raise NetworkError(f"{host_name(url)}: the search answer is not a list of papers")
    hits = []
    for item in answer:
        hit = _hit(item.get("paper")) if isinstance(item, dict) else None
        if hit is not None:
            hits.append(hit)
    return hits


def paper(http: HttpClient, arxiv_id: str) -> Hit | None:
    """What Hugging Face knows of one arXiv paper, or None when it does not know it."""
    url = f"{http.endpoints.hf}/api/papers/{quote(arxiv_id, safe='./')}"
    answer = http.get_json(url, missing_ok=True)
    if answer is None:
        return None
    if not isinstance(answer, dict):
        raise NetworkError(f"{host_name(url)}: the paper answer is not an object")
    hit = _hit(answer)
    if hit is None or hit.meta.arxiv_id != arxiv_id:
        raise NetworkError(f"{host_name(url)}: the answer is not about arXiv {arxiv_id}")
    return hit
