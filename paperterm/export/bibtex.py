"""BibTeX entries for papers: ``@misc`` with only what the dumps really tell.

A dump gives a title, an abstract and links, and never an author or a date, so an entry holds
``title``, ``abstract``, ``url`` and ``howpublished = {\\url{...}}`` (when the paper has a link),
``note`` (the dumps it came from) and ``key`` (the title's first words, which plain styles sort
by and author-year styles print when there is no author). Nothing is invented: biber's datamodel
check notes the missing date, and that is the truth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath

from paperterm.errors import ExportError
from paperterm.export.keys import valid_key
from paperterm.export.tex import to_tex, url_for_field, url_to_tex
from paperterm.model import Paper
from paperterm.sanitize import clean_text, printable

__all__ = ["bibtex_entry", "bibtex_file", "sort_key", "source_names"]


def source_names(paper: Paper) -> list[str]:
    """The file names (not paths) of the dumps a paper was seen in, each once, in load order.

    Shown safely (:func:`~paperterm.sanitize.printable`): a name that is not UTF-8 gets U+FFFD.
    """
    names = []
    for source in paper.sources:
        name = "standard input" if source.path == "-" else printable(PurePath(source.path).name)
        if name not in names:
            names.append(name)
    return names


_WORDS = re.compile(r"[^\W_]+")
_SORT_KEY_LENGTH = 60


def sort_key(title: str) -> str:
    """The title's words, no punctuation, at most about 60 characters: the ``key`` field.

    Styles print it where an author would go (natbib puts it in ``\\bibitem[...]``, where a
    bracket or a parenthesis would break the label), and plain styles sort by it.
    """
    words = _WORDS.findall(title)
    text = ""
    for word in words:
        if text and len(text) + 1 + len(word) > _SORT_KEY_LENGTH:
            break
        text = f"{text} {word}" if text else word
    return text[: _SORT_KEY_LENGTH * 2]


FIELD_LIMIT = 50_000
"""Longest field written, in characters of TeX. biblatex puts a field on one line of the ``.bbl``
and pdflatex cannot read a line over 200,000 bytes; real abstracts are far shorter (arXiv caps
them at 1,920 characters), so only pathological text is ever cut."""


def _bounded(text: str, *, ascii: bool, protect_caps: bool = False) -> str:
    """``to_tex(text)``, cut at a word and ended with ``[...]`` if it would exceed FIELD_LIMIT."""
    tex = to_tex(text, ascii=ascii, protect_caps=protect_caps)
    while len(tex) > FIELD_LIMIT:
        keep = int(len(text) * FIELD_LIMIT / len(tex) * 0.9)
        cut = text.rfind(" ", 0, keep)
        text = text[: cut if cut > keep // 2 else keep]
        tex = to_tex(text, ascii=ascii, protect_caps=protect_caps) + " [...]"
    return tex


def _note(paper: Paper) -> str:
    names = source_names(paper)
    if not names:
        return ""
    label = "Hugging Face Papers dump" if len(names) == 1 else "Hugging Face Papers dumps"
    return f"{label}: {', '.join(names)}"


def bibtex_entry(paper: Paper, key: str, *, ascii: bool = False) -> str:
    """One ``@misc`` entry for ``paper`` cited as ``key``, ending in a newline.

    ``ascii`` writes non-ASCII characters as TeX commands, for BibTeX setups that are not UTF-8.
    """
    if not valid_key(key):
        raise ExportError(f"citation key {key!r} is not valid")
    title, abstract = clean_text(paper.title), clean_text(paper.abstract)
    fields = [("title", _bounded(title, ascii=ascii, protect_caps=True))]
    if abstract.strip():
        fields.append(("abstract", _bounded(abstract, ascii=ascii)))
    if paper.url is not None:
        fields.append(("url", url_for_field(paper.url)))
        fields.append(("howpublished", "\\url{" + url_to_tex(paper.url) + "}"))
    note = _note(paper)
    if note:
        fields.append(("note", to_tex(note, ascii=ascii)))
    fields.append(("key", to_tex(sort_key(title) or key, ascii=ascii)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@misc{{{key},\n{body}}}\n"


def bibtex_file(papers: Sequence[Paper], keys: Mapping[str, str], *, ascii: bool = False) -> str:
    """A whole ``.bib`` file: one entry per paper, in the order given, a blank line between."""
    return "\n".join(bibtex_entry(paper, keys[paper.id], ascii=ascii) for paper in papers)
