"""The data paperterm holds about papers: frozen, so a catalogue can be shared freely."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """One place a paper was seen."""

    path: str
    """The dump file as it was given (``-`` for standard input)."""
    position: int
    """1-based rank of the paper within that file."""
    line: int
    """1-based line number of the paper's title in that file."""


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found in an abstract."""

    url: str
    """The URL, trailing punctuation stripped."""
    is_code: bool
    """True for a code repository (a GitHub ``owner/repo``)."""


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the Hugging Face and arXiv APIs know of a paper; any field may be unknown.

    Filled from a saved API answer loaded as a dump, from ``paperterm enrich``, or settled by
    the user (``paperterm mark ID --arxiv ...``). It never changes a paper's id.
    """

    arxiv_id: str | None = None
    """The arXiv identifier without its version (``1803.03635``, ``hep-th/9901001``)."""
    authors: tuple[str, ...] = ()
    """The authors' names, in order."""
    published: str | None = None
    """The date of the first version, ``YYYY-MM-DD``."""
    primary_category: str | None = None
    """arXiv's primary category (``cs.LG``)."""
    categories: tuple[str, ...] = ()
    """Every arXiv category, the primary one first."""
    doi: str | None = None
    """The DOI arXiv gives, if any."""
    journal_ref: str | None = None
    """arXiv's journal reference, if any."""
    comment: str | None = None
    """arXiv's comment field (pages, venue), if any."""
    upvotes: int | None = None
    """Hugging Face Papers upvotes, as last seen."""
    github_repo: str | None = None
    """The code repository's URL, as Hugging Face gives it."""
    github_stars: int | None = None
    """That repository's stars, as last seen."""
    project_page: str | None = None
    """The project's page, if any."""
    ai_summary: str | None = None
    """Hugging Face's machine-written summary (shown labelled as such)."""
    ai_keywords: tuple[str, ...] = ()
    """Hugging Face's machine-picked keywords."""
    listed: str | None = None
    """The day a Hugging Face daily list showed the paper, ``YYYY-MM-DD``, if it came from one."""

    @property
    def year(self) -> int | None:
        """The year of the first version, when the date is known."""
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        return None


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper: one distinct title across every loaded dump."""

    id: str
    """12 hex digits of SHA-1 over the normalised title; the state file's key."""
    title: str
    """The title as first seen."""
    abstracts: tuple[str, ...]
    """Every distinct abstract seen for this title, longest first; may be empty."""
    sources: tuple[Source, ...]
    """Every place the paper was seen, in load order."""
    links: tuple[Link, ...]
    """Distinct links found in all its abstracts, in order of appearance."""
    index: int
    """Position in catalogue order (first appearance across the loaded dumps)."""
    meta: Metadata | None = None
    """What the APIs know of it, once identified (see :class:`Metadata`); None until then."""

    @property
    def abstract(self) -> str:
        """The main abstract: the longest version, or an empty string when none was seen."""
        return self.abstracts[0] if self.abstracts else ""

    @property
    def has_code(self) -> bool:
        """Whether any link points at a code repository."""
        return any(link.is_code for link in self.links)

    @property
    def url(self) -> str | None:
        """The link to open for this paper: a code repository first, else the first link."""
        for link in self.links:
            if link.is_code:
                return link.url
        return self.links[0].url if self.links else None
