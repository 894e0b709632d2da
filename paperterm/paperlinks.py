"""Where ``o`` takes the user: the paper itself when it is known, else its code, else a search.

Never nothing: a paper that is identified opens its arXiv page; one that Hugging Face lists
without an arXiv id (rare) its Hugging Face page; then a code repository, then any other link
of its abstract or its project page; and a paper with none of these opens a Hugging Face Papers
search for its title.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote_plus

from paperterm.export.bibtex import arxiv_url
from paperterm.model import Paper

DEFAULT_HF = "https://huggingface.co"

Kind = Literal["paper", "code", "link", "search"]


@dataclass(frozen=True, slots=True)
class Target:
    """A URL to open, and what it is (for the message saying so)."""

    url: str
    """The address."""
    kind: Kind
    """``paper`` (its arXiv page), ``code``, ``link`` (another link), ``search`` (HF Papers)."""


def hf_base() -> str:
    """Hugging Face's base URL (``HF_ENDPOINT``, as the API client reads it)."""
    base = (os.environ.get("HF_ENDPOINT") or "").strip().rstrip("/")
    return base if base.startswith(("https://", "http://")) else DEFAULT_HF


def open_target(paper: Paper, base: str | None = None) -> Target:
    """What ``o`` opens for ``paper`` (see the module doc)."""
    meta = paper.meta
    if meta is not None and meta.arxiv_id:
        return Target(arxiv_url(meta.arxiv_id), "paper")
    for link in paper.links:
        if link.is_code:
            return Target(link.url, "code")
    if meta is not None and meta.github_repo:
        return Target(meta.github_repo, "code")
    if paper.links:
        return Target(paper.links[0].url, "link")
    if meta is not None and meta.project_page:
        return Target(meta.project_page, "link")
    query = quote_plus(" ".join(paper.title.split())[:300])
    return Target(f"{base or hf_base()}/papers?q={query}", "search")
