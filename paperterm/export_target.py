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


def appended_bibtex(
    current: str,
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    present: frozenset[str],
    *,
    ascii: bool = False,
) -> tuple[str, int]:
    """``current`` (a ``.bib`` file's text) with an entry added for each paper whose key is not
    in ``present``; and how many were added."""
    new = [bibtex_entry(paper, keys[paper.id], ascii=ascii) for paper in papers]
    new = [entry for paper, entry in zip(papers, new, strict=True) if keys[paper.id] not in present]
    if not new:
        return current, 0
    head = current.rstrip("\n")
    joined = "\n".join(new)
    return (f"{head}\n\n{joined}" if head else joined), len(new)
