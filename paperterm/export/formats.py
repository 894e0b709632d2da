"""The other export formats: a Markdown reading list, CSV, JSON, CSL-JSON and arXiv ids."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from paperterm.export.bibtex import citable_url, code_url
from paperterm.metadata import to_record
from paperterm.model import Metadata, Paper
from paperterm.sanitize import clean_text, printable

__all__ = [
    "csl_item",
    "csl_json_text",
    "csv_text",
    "ids_text",
    "json_text",
    "markdown_text",
    "paper_record",
]

Flags = Mapping[str, tuple[bool, bool]]
"""Paper id -> (read, starred)."""

Annotation = tuple[tuple[str, ...], str]
"""A paper's tags and note, as the user wrote them."""


def note_text(note: str) -> str:
    """A user's note as exported: its lines kept, each cleaned of terminal controls (the state
    file is synced between machines, so it is untrusted too), blank ends dropped."""
    return "\n".join(clean_text(line) for line in note.strip().splitlines())


def tags_text(tags: Sequence[str], separator: str = " ") -> str:
    """A paper's tags on one line (a tag name holds no space nor comma), cleaned."""
    return separator.join(clean_text(tag) for tag in tags)


def paper_record(
    paper: Paper,
    key: str | None,
    flags: Flags | None,
    notes: Mapping[str, Annotation] | None = None,
) -> dict[str, Any]:
    """One paper as plain data: what the JSON export holds for it.

    Text is cleaned of terminal controls (the loader did so already; a ``Paper`` made elsewhere
    may not be), and a file name that is not UTF-8 is shown with U+FFFD, so the JSON is valid.
    """
    record: dict[str, Any] = {
        "id": paper.id,
        "key": key,
        "title": clean_text(paper.title),
        "abstract": clean_text(paper.abstract),
        "url": paper.url,
        "links": [link.url for link in paper.links],
        "code": [link.url for link in paper.links if link.is_code],
        "sources": [
            {"path": printable(source.path), "position": source.position, "line": source.line}
            for source in paper.sources
        ],
    }
    meta = paper.meta or Metadata()
    record["arxiv_id"] = meta.arxiv_id
    record["authors"] = list(meta.authors)
    record["year"] = meta.year
    record["meta"] = to_record(meta)  # every field known: date, categories, doi, upvotes...
    if len(paper.abstracts) > 1:
        record["other_abstracts"] = [clean_text(text) for text in paper.abstracts[1:]]
    if flags is not None:
        read, starred = flags.get(paper.id, (False, False))
        record["read"] = read
        record["starred"] = starred
    if notes is not None:
        tags, note = notes.get(paper.id, ((), ""))
        record["tags"] = [clean_text(tag) for tag in tags]
        record["note"] = note_text(note)
    return record


def json_text(
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    flags: Flags | None,
    notes: Mapping[str, Annotation] | None = None,
) -> str:
    """A JSON array of paper objects (see :func:`paper_record`), indented, ending in a newline."""
    records = [paper_record(paper, keys.get(paper.id), flags, notes) for paper in papers]
    return orjson.dumps(records, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would read it as a formula.

    OWASP's advice for CSV injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return (here: its first character that is not a space) is prefixed with ``'``,
    which LibreOffice and Excel show as text and do not run.
    """
    if cell.lstrip(" ").startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_text(
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    flags: Flags | None,
    notes: Mapping[str, Annotation] | None = None,
    *,
    raw: bool = False,
) -> str:
    """CSV with a header row, RFC 4180 quoting and CRLF line ends; lists joined by spaces.

    With ``flags``, ``read`` and ``starred`` columns; with ``notes``, ``tags`` (joined by
    spaces) and ``note`` (its lines kept: a quoted cell may hold line breaks). Every cell that a
    spreadsheet would run as a formula gets a leading ``'`` (:func:`spreadsheet_safe`), unless
    ``raw``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    header = ["id", "key", "title", "abstract", "url", "links", "sources"]
    if flags is not None:
        header += ["read", "starred"]
    if notes is not None:
        header += ["tags", "note"]
    writer.writerow(header)
    for paper in papers:
        row = [
            paper.id,
            keys.get(paper.id, ""),
            clean_text(paper.title),
            clean_text(paper.abstract),
            paper.url or "",
            " ".join(link.url for link in paper.links),
            "; ".join(f"{printable(source.path)}:{source.line}" for source in paper.sources),
        ]
        if flags is not None:
            read, starred = flags.get(paper.id, (False, False))
            row += ["true" if read else "false", "true" if starred else "false"]
        if notes is not None:
            tags, note = notes.get(paper.id, ((), ""))
            row += [tags_text(tags), note_text(note)]
        writer.writerow(row if raw else [spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _md(text: str) -> str:
    """Text that Markdown prints as it is: no controls, specials backslash-escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean_text(text).split()))


def _md_url(url: str) -> str:
    """A URL that is safe between ``<`` and ``>`` (an autolink or a link destination)."""
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def markdown_text(
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    flags: Flags | None,
    notes: Mapping[str, Annotation] | None = None,
) -> str:
    """A reading list: each paper's title (linked), id, citation key, links, source dumps, and
    the user's tags and note (the note as a quoted block)."""
    lines = ["# Reading list", ""]
    if not papers:
        lines.append("No papers.")
    for paper in papers:
        title = _md(paper.title) or "(untitled)"
        if paper.url:
            title = f"[{title}](<{_md_url(paper.url)}>)"
        marks = ""
        if flags is not None:
            read, starred = flags.get(paper.id, (False, False))
            marks = ("★ " if starred else "") + ("✓ " if read else "")
        lines.append(f"- {marks}**{title}**  ")
        details = [f"`{paper.id}`"]
        if paper.id in keys:
            details.append(f"cite as `{keys[paper.id]}`")
        sources = dict.fromkeys(
            printable(source.path.replace("\\", "/").rsplit("/", 1)[-1]) for source in paper.sources
        )
        if sources:
            details.append("from " + ", ".join(_md(name) for name in sources))
        lines.append("  " + " · ".join(details) + ("  " if paper.links else ""))
        tags, note = (notes or {}).get(paper.id, ((), ""))
        if paper.links:
            lines.append("  " + " ".join(f"<{_md_url(link.url)}>" for link in paper.links))
        if tags:
            lines.append("  tags: " + ", ".join(_md(clean_text(tag)) for tag in tags))
        if note.strip():
            lines.append("")
            lines.extend("  > " + _md(line) for line in note_text(note).splitlines())
            lines.append("")
    return "\n".join(lines) + "\n"


def _csl_name(name: str) -> dict[str, str]:
    """A CSL name: the last word as the family name, the rest as given names."""
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def csl_item(paper: Paper, key: str, note: str = "") -> dict[str, Any]:
    """One paper as a CSL-JSON item (what Zotero and Pandoc import): an ``article``, which CSL
    uses for preprints, with the arXiv id as its number. The user's ``note`` is the item's
    ``note`` (Zotero shows it under "Extra"), followed by a line naming the code repository."""
    meta = paper.meta or Metadata()
    item: dict[str, Any] = {"id": key, "type": "article", "title": clean_text(paper.title)}
    if meta.authors:
        item["author"] = [_csl_name(name) for name in meta.authors]
    if meta.published:
        year, month, day = (int(part) for part in meta.published.split("-"))
        item["issued"] = {"date-parts": [[year, month, day]]}
    if meta.arxiv_id:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{meta.arxiv_id}"
    if meta.doi:
        item["DOI"] = meta.doi
    url = citable_url(paper)
    if url is not None:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = clean_text(paper.abstract)
    if meta.primary_category:
        item["keyword"] = ", ".join(meta.categories or (meta.primary_category,))
    lines = [note_text(note)] if note.strip() else []
    code = code_url(paper)
    if code is not None:
        lines.append(f"Code: {code}")
    if lines:
        item["note"] = "\n".join(lines)
    return item


def csl_json_text(
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    notes: Mapping[str, Annotation] | None = None,
) -> str:
    """A CSL-JSON array, indented, ending in a newline; ``notes`` gives each item its ``note``."""
    notes = notes or {}
    items = [csl_item(paper, keys[paper.id], notes.get(paper.id, ((), ""))[1]) for paper in papers]
    return orjson.dumps(items, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def ids_text(papers: Sequence[Paper]) -> str:
    """One arXiv id per line (for Zotero's "Add by identifier"); papers without one are left out."""
    ids = dict.fromkeys(p.meta.arxiv_id for p in papers if p.meta is not None and p.meta.arxiv_id)
    return "".join(f"{ident}\n" for ident in ids)
