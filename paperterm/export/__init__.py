"""Export papers to BibTeX, biblatex, CSL-JSON, arXiv ids, Markdown, CSV or JSON.

Pure: papers in, text out. The caller decides which papers (starred ones, a query's results),
passes the citation keys already pinned in its state, and pins the keys of the result afterwards,
so re-exporting never changes a key a document already cites::

    result = export_papers(papers, "bibtex", pinned=store.pinned_keys)
    path.write_text(result.text)
    store.pin_keys(result.keys)

:func:`paperterm.usecases.export_and_pin` does exactly that with a state store; the CLI and the
reader use it. This package knows nothing of the state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from paperterm.errors import ExportError
from paperterm.export.biblatex import biblatex_file
from paperterm.export.bibtex import bibtex_entry, bibtex_file
from paperterm.export.formats import (
    Annotation,
    csl_json_text,
    csv_text,
    ids_text,
    json_text,
    markdown_text,
)
from paperterm.export.keys import citation_keys
from paperterm.model import Paper

__all__ = [
    "FORMATS",
    "Export",
    "bibtex_entry",
    "citation_keys",
    "export_papers",
    "format_for_path",
]

FORMATS = ("bibtex", "biblatex", "csl-json", "ids", "markdown", "csv", "json")
"""The formats :func:`export_papers` writes, the default first."""

SUFFIXES = {
    ".biblatex.bib": "biblatex",
    ".csl.json": "csl-json",
    ".ids.txt": "ids",
    ".bib": "bibtex",
    ".md": "markdown",
    ".csv": "csv",
    ".json": "json",
}
"""File name endings and the format each asks for, longest first (the reader's ``e``)."""


def format_for_path(name: str) -> str:
    """The export format a file name asks for (see :data:`SUFFIXES`; BibTeX otherwise)."""
    lowered = name.lower()
    for suffix, fmt in SUFFIXES.items():
        if lowered.endswith(suffix):
            return fmt
    return "bibtex"


@dataclass(frozen=True, slots=True)
class Export:
    """The result of an export: the file's text and the citation keys it used."""

    text: str
    """The whole file, ending in a newline."""
    keys: dict[str, str]
    """Paper id -> citation key, for every exported paper (the caller pins them)."""


def export_papers(
    papers: Sequence[Paper],
    fmt: str = "bibtex",
    *,
    pinned: Mapping[str, str] = {},
    ascii: bool = False,
    flags: Mapping[str, tuple[bool, bool]] | None = None,
    notes: Mapping[str, Annotation] | None = None,
    csv_raw: bool = False,
) -> Export:
    """Export ``papers`` (in the order given, each once) as ``fmt``, one of :data:`FORMATS`.

    ``pinned`` maps paper ids to citation keys already pinned (used unchanged, never reused);
    ``ascii`` writes BibTeX in ASCII; ``flags`` maps ids to (read, starred), which the JSON and
    CSV exports then include; ``notes`` maps ids to the user's (tags, note): BibTeX and biblatex
    write the tags as ``keywords``, CSL-JSON the note as ``note``, Markdown, CSV and JSON both;
    ``csv_raw`` writes CSV cells as they are, without the ``'`` that keeps a spreadsheet from
    running a cell as a formula. Raises
    ExportError for an unknown format or a bad pinned key.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    seen: dict[str, Paper] = {}
    for paper in papers:
        seen.setdefault(paper.id, paper)
    unique = list(seen.values())
    keys = citation_keys(unique, pinned)
    if fmt == "bibtex":
        text = bibtex_file(unique, keys, ascii=ascii, notes=notes)
    elif fmt == "biblatex":
        text = biblatex_file(unique, keys, ascii=ascii, notes=notes)
    elif fmt == "csl-json":
        text = csl_json_text(unique, keys, notes)
    elif fmt == "ids":
        return Export(ids_text(unique), {})  # no key is shown, so none is pinned
    elif fmt == "markdown":
        text = markdown_text(unique, keys, flags, notes)
    elif fmt == "csv":
        text = csv_text(unique, keys, flags, notes, raw=csv_raw)
    else:
        text = json_text(unique, keys, flags, notes)
    return Export(text, keys)
