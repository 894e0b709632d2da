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
