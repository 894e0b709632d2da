"""What an export would replace: what a file already holds, and BibTeX added to its end.

The reader asks before replacing a file ("replace mine.bib (12 entries)?") and can append the
new entries to a ``.bib`` instead, so a hand-made bibliography is never lost by one Enter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from paperterm import fsio
from paperterm.export.bibtex import bibtex_entry
from paperterm.model import Paper
from paperterm.sanitize import printable
from paperterm.search.text import words

APPENDABLE = frozenset({"bibtex", "biblatex"})
"""Formats whose files can take more entries at their end."""
_READ_AT_MOST = 64 << 20
_ENTRY = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE)
_NOT_ENTRIES = frozenset({"comment", "preamble", "string"})


@dataclass(frozen=True)
class Existing:
    """A file an export would overwrite."""

    name: str
    """Its name, safe to show."""
    size: int
    """Its size in bytes."""
    entries: int | None
    """How many entries (BibTeX entries, JSON records, CSV rows) it holds; None when the
    format has no entries to count or the file does not read as that format."""
    keys: frozenset[str]
    """The citation keys of its BibTeX entries (empty for other formats)."""
    raw: bytes = field(default=b"", repr=False)
    """What it holds (its first 64 MiB)."""

    def describe(self) -> str:
        """``mine.bib (12 entries)``, or the size when there are no entries to count."""
        if self.entries is not None:
            noun = "entry" if self.entries == 1 else "entries"
            return f"{self.name} ({self.entries} {noun})"
        if self.size < 1024:
            return f"{self.name} ({self.size} bytes)"
        return f"{self.name} ({self.size / 1024:,.0f} KB)"


def existing(path: Path, fmt: str) -> Existing | None:
    """What ``path`` holds, read as format ``fmt``; None when there is no file to replace.

    Raises OSError when the file is there but cannot be read.
    """
    try:
        # Through a link to the file it names; a FIFO or a device is no file to replace.
        with fsio.open_regular_stream(os.path.realpath(path)) as file:
            data = file.read(_READ_AT_MOST)
    except (FileNotFoundError, NotADirectoryError, fsio.NotRegularFile):
        return None
    text = data.decode("utf-8", errors="replace")
    name = printable(os.fsdecode(path.name))
    keys: frozenset[str] = frozenset()
    entries: int | None = None
    if fmt in APPENDABLE:
        found = [(kind.casefold(), key) for kind, key in _ENTRY.findall(text)]
        real = [key for kind, key in found if kind not in _NOT_ENTRIES]
        entries, keys = len(real), frozenset(real)
    elif fmt in ("json", "csl-json"):
        try:
            records = orjson.loads(data)
        except orjson.JSONDecodeError:
            records = None
        entries = len(records) if isinstance(records, list) else None
    elif fmt == "csv":
        lines = [line for line in text.splitlines() if line.strip()]
        entries = max(0, len(lines) - 1) if lines else None
    return Existing(name, len(data), entries, keys, data)


@dataclass(frozen=True)
class Appended:
    """What :func:`appended_bibtex` made of a ``.bib`` file."""

    text: str
    """The file's text with the new entries at its end."""
    added: int
    """How many entries were added."""
    there: int
    """How many papers' entries were there already (under their keys)."""
    clashes: tuple[str, ...]
    """The keys of papers not added because another entry there has their key (the user's
    own, for another paper): ``\\cite`` of them would name that entry."""


def appended_bibtex(
    current: str,
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    present: frozenset[str],
    *,
    ascii: bool = False,
) -> Appended:
    """``current`` (a ``.bib`` file's text) with an entry added for each paper whose key is not
    in ``present``. A paper whose key is there is there already when that entry holds its
    title or its arXiv id, else a clash (named, never added: one file cannot hold a key
    twice)."""
    bodies = _entry_bodies(current)
    new: list[str] = []
    clashes: list[str] = []
    for paper in papers:
        key = keys[paper.id]
        if key not in present:
            new.append(bibtex_entry(paper, key, ascii=ascii))
        elif not _names_paper(bodies.get(key, ""), paper):
            clashes.append(key)
    there = len(papers) - len(new) - len(clashes)
    if not new:
        return Appended(current, 0, there, tuple(clashes))
    head = current.rstrip("\n")
    joined = "\n".join(new)
    return Appended(f"{head}\n\n{joined}" if head else joined, len(new), there, tuple(clashes))


def _entry_bodies(text: str) -> dict[str, str]:
    """Each BibTeX entry's key and its text, up to the next entry (the first of a key's)."""
    starts = list(_ENTRY.finditer(text))
    bodies: dict[str, str] = {}
    for found, following in zip(starts, [*starts[1:], None], strict=True):
        end = len(text) if following is None else following.start()
        bodies.setdefault(found.group(2), text[found.start() : end])
    return bodies


def _names_paper(body: str, paper: Paper) -> bool:
    """Whether an entry's text is the paper's: its title's words in order (braces, TeX accents
    and case aside), or its arXiv id."""
    arxiv = paper.meta.arxiv_id if paper.meta is not None else None
    if arxiv and arxiv in body:
        return True
    title = _words(paper.title)
    return bool(title) and title in _words(body)


_TEX_MARKUP = re.compile(r"[{}]|\\[`'^\"~=.]")
"""Braces and TeX's accents (``{L}ottery``, ``{\\"u}``): a word's letters run on across them."""


def _words(text: str) -> str:
    """The search's folded words of ``text`` (accents dropped, casefolded), TeX's braces and
    accents left out first, one space apart."""
    return " ".join(words(_TEX_MARKUP.sub("", text)))
