"""biblatex entries (for biber): ``@online`` for arXiv papers, as biblatex's arXiv support wants.

An identified paper: ``@online{key, title, author, date, eprint, eprinttype = {arxiv},
eprintclass, doi, url, abstract}``; biblatex's standard styles print ``arXiv: 1803.03635
[cs.LG]`` from the eprint fields. A paper known only from a dump: ``@misc`` with its title,
abstract and a link that is not code. A code repository is left out (biber's data model has no
field for it and warns about unknown ones; the JSON and CSL-JSON exports keep it); no field
names a dump file. The user's tags are the entry's ``keywords`` (a comma-separated list, which
``\\printbibliography[keyword=...]`` selects by).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from paperterm.errors import ExportError
from paperterm.export.bibtex import (
    bibtex_doi,
    bounded_tex,
    citable_url,
    sort_key,
)
from paperterm.export.keys import valid_key
from paperterm.export.tex import to_tex, url_for_field
from paperterm.model import Metadata, Paper
from paperterm.sanitize import clean_text

__all__ = ["biblatex_entry", "biblatex_file"]


def biblatex_name(name: str, *, ascii: bool = False) -> str:
    """One author's name for biber (which reads Unicode): braced whole when it holds a comma or
    the word "and"."""
    tex = to_tex(name, ascii=ascii)
    return "{" + tex + "}" if "," in name or re.search(r"\band\b", name, re.IGNORECASE) else tex


def biblatex_entry(paper: Paper, key: str, *, ascii: bool = False, tags: Sequence[str] = ()) -> str:
    """One biblatex entry for ``paper`` cited as ``key``, ``tags`` as its ``keywords``, ending in
    a newline."""
    if not valid_key(key):
        raise ExportError(f"citation key {key!r} is not valid")
    meta = paper.meta or Metadata()
    kind = "online" if meta.arxiv_id else "misc"
    title, abstract = clean_text(paper.title), clean_text(paper.abstract)
    fields = [("title", bounded_tex(title, ascii=ascii, protect_caps=True))]
    if meta.authors:
        names = " and ".join(biblatex_name(name, ascii=ascii) for name in meta.authors)
        fields.append(("author", names))
    if meta.published:
        fields.append(("date", meta.published))
    if meta.arxiv_id:
        fields.append(("eprint", meta.arxiv_id))
        fields.append(("eprinttype", "arxiv"))
        if meta.primary_category:
            fields.append(("eprintclass", meta.primary_category))
    doi = bibtex_doi(meta.doi)
    if doi is not None:
        fields.append(("doi", doi))
    url = citable_url(paper)
    if url is not None:
        fields.append(("url", url_for_field(url)))
    if abstract.strip():
        fields.append(("abstract", bounded_tex(abstract, ascii=ascii)))
    if tags:
        fields.append(("keywords", to_tex(clean_text(", ".join(tags)), ascii=ascii)))
    if not meta.authors:
        fields.append(("sortkey", to_tex(sort_key(title) or key, ascii=ascii)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}}}\n"


def biblatex_file(
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    *,
    ascii: bool = False,
    notes: Mapping[str, tuple[tuple[str, ...], str]] | None = None,
) -> str:
    """A whole biblatex ``.bib`` file, one entry per paper in the order given; ``notes`` maps ids
    to the user's (tags, note): the tags become ``keywords``."""
    notes = notes or {}
    return "\n".join(
        biblatex_entry(paper, keys[paper.id], ascii=ascii, tags=notes.get(paper.id, ((), ""))[0])
        for paper in papers
    )
