"""BibTeX entries for papers: ``@misc``, as arXiv's own export writes it when the paper is known.

An identified paper (see :class:`~paperterm.model.Metadata`) gets ``title``, ``author`` (``A and B
and C``), ``year``, ``eprint``, ``archivePrefix = {arXiv}``, ``primaryClass``, ``url`` (its arXiv
page) and ``doi`` when arXiv has one; then ``abstract``. A paper known only from a dump gives a
title, an abstract and links, never an author or a date: its entry holds ``title``, ``abstract``,
``url`` and ``howpublished = {\\url{...}}`` for a link that is not code, and ``key`` (the title's
first words, which plain styles sort by and author-year styles print when there is no author).
Nothing is invented: a paper whose date is unknown has ``year = {n.d.}`` ("no date", as APA and
natbib's author-year citations print it), so that natbib's styles do not warn about a missing
year. biblatex users export with ``-f biblatex``, which leaves an unknown date out.

A code repository is never the ``url``: it goes to a ``code`` field, which no style prints.
No citation field names the dump files a paper came from (the JSON and Markdown exports keep
that provenance).

``alpha`` labels an entry without author by the first three characters of ``key`` and tells
entries with the same label apart by a letter, ``a`` to ``z``; a 27th entry would get ``{``, an
unbalanced label that stops pdflatex. :func:`alpha_safe_keys` gives the ``key`` fields of such a
crowd longer visible prefixes (``Neur``, ``Neut``...) so that no label is shared more than 26
times.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import PurePath

from paperterm.errors import ExportError
from paperterm.export.keys import valid_key
from paperterm.export.tex import to_tex, url_for_field, url_to_tex
from paperterm.model import Metadata, Paper
from paperterm.sanitize import clean_text, printable

__all__ = [
    "alpha_safe_keys",
    "arxiv_url",
    "bibtex_doi",
    "bibtex_entry",
    "bibtex_file",
    "bibtex_name",
    "bounded_tex",
    "citable_url",
    "code_url",
    "sort_key",
    "source_names",
    "whole_characters",
]


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


def bounded_tex(text: str, *, ascii: bool, protect_caps: bool = False) -> str:
    """``to_tex(text)``, cut at a word and ended with ``[...]`` if it would exceed FIELD_LIMIT."""
    tex = to_tex(text, ascii=ascii, protect_caps=protect_caps)
    while len(tex) > FIELD_LIMIT:
        keep = int(len(text) * FIELD_LIMIT / len(tex) * 0.9)
        cut = text.rfind(" ", 0, keep)
        text = text[: cut if cut > keep // 2 else keep]
        tex = to_tex(text, ascii=ascii, protect_caps=protect_caps) + " [...]"
    return tex


def arxiv_url(arxiv_id: str) -> str:
    """A paper's page on arXiv."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def code_url(paper: Paper) -> str | None:
    """The paper's code repository: a code link of its abstract, else the one Hugging Face knows."""
    for link in paper.links:
        if link.is_code:
            return link.url
    return paper.meta.github_repo if paper.meta is not None else None


def citable_url(paper: Paper) -> str | None:
    """The URL a citation may give: the arXiv page, else a link that is not code, else the
    project page Hugging Face knows; never a code repository."""
    meta = paper.meta
    if meta is not None and meta.arxiv_id:
        return arxiv_url(meta.arxiv_id)
    for link in paper.links:
        if not link.is_code:
            return link.url
    return meta.project_page if meta is not None else None


_AND = re.compile(r"\band\b", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/[^\s{}\\%#\"]+")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def whole_characters(tex: str) -> str:
    """``tex`` with each non-ASCII character wrapped as ``{\\relax é}``.

    BibTeX counts bytes: styles that cut a name to its initial (abbrv) or a label to three
    characters (alpha) would cut a UTF-8 character in half, and pdflatex stops on the broken
    byte. A brace group opened by a command is one character to BibTeX, and prints as its text.
    """
    return _NON_ASCII.sub(lambda match: "{\\relax " + match.group() + "}", tex)


def bibtex_name(name: str, *, ascii: bool = False) -> str:
    """One author's name as BibTeX reads it: braced whole when it holds a comma or the word
    "and" (a collaboration), so BibTeX does not split it; non-ASCII letters kept whole."""
    tex = whole_characters(to_tex(name, ascii=ascii))
    if "," in name or _AND.search(name):
        return "{" + tex + "}"
    return tex


def bibtex_doi(doi: str | None) -> str | None:
    """A DOI safe to write raw (as arXiv does), or None."""
    return doi if doi is not None and _DOI.fullmatch(doi) else None


def bibtex_entry(
    paper: Paper,
    key: str,
    *,
    ascii: bool = False,
    key_field: str | None = None,
    tags: Sequence[str] = (),
) -> str:
    """One ``@misc`` entry for ``paper`` cited as ``key``, ending in a newline.

    ``ascii`` writes non-ASCII characters as TeX commands, for BibTeX setups that are not UTF-8.
    ``key_field`` replaces the ``key`` field of an entry without author (see
    :func:`alpha_safe_keys`).
    """
    if not valid_key(key):
        raise ExportError(f"citation key {key!r} is not valid")
    meta = paper.meta or Metadata()
    title, abstract = clean_text(paper.title), clean_text(paper.abstract)
    fields = [("title", bounded_tex(title, ascii=ascii, protect_caps=True))]
    if meta.authors:
        names = " and ".join(bibtex_name(name, ascii=ascii) for name in meta.authors)
        fields.append(("author", names))
    fields.append(("year", str(meta.year) if meta.year is not None else NO_DATE))
    if meta.arxiv_id:
        fields.append(("eprint", meta.arxiv_id))
        fields.append(("archivePrefix", "arXiv"))
        if meta.primary_category:
            fields.append(("primaryClass", meta.primary_category))
    url = citable_url(paper)
    if url is not None:
        fields.append(("url", url_for_field(url)))
        if not meta.arxiv_id:
            fields.append(("howpublished", "\\url{" + url_to_tex(url) + "}"))
    doi = bibtex_doi(meta.doi)
    if doi is not None:
        fields.append(("doi", doi))
    if abstract.strip():
        fields.append(("abstract", bounded_tex(abstract, ascii=ascii)))
    code = code_url(paper)
    if code is not None:
        fields.append(("code", url_for_field(code)))
    if tags:
        fields.append(("keywords", to_tex(clean_text(", ".join(tags)), ascii=ascii)))
    if not meta.authors:
        key_text = whole_characters(to_tex(sort_key(title) or key, ascii=ascii))
        fields.append(("key", key_field or key_text))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@misc{{{key},\n{body}}}\n"


NO_DATE = "n.d."
"""The year of a paper whose date is unknown: "no date", as author-year styles print it
(natbib's styles warn about an entry without a year; this is no invented year)."""

ALPHA_LABELS = 26
"""How many entries alpha tells apart under one label (``a`` to ``z``)."""


def alpha_safe_keys(keys: Mapping[str, str]) -> dict[str, str]:
    """``key`` fields (paper id -> key text) changed so that alpha shares no label 27 times.

    alpha's label for an entry without author is the first three characters of ``key``
    (``text.prefix$``, where a brace group opened by a command counts as one character). A crowd
    of more than 26 keys with the same prefix is split by longer prefixes, as many characters
    as it takes; such a key is written ``{\\relax Neu}ra...`` so its first three "characters" are
    the longer prefix, while every style still sorts and prints the plain text. Keys of smaller
    groups, and keys that are not plain ASCII, are returned as they are.
    """
    plain = {
        paper_id: text
        for paper_id, text in keys.items()
        if text.isascii() and "{" not in text and "\\" not in text
    }
    lengths: dict[str, int] = {}

    def split(ids: list[str], length: int) -> None:
        groups: dict[str, list[str]] = {}
        for paper_id in ids:
            groups.setdefault(plain[paper_id][:length].casefold(), []).append(paper_id)
        for members in groups.values():
            if len(members) <= ALPHA_LABELS:
                continue
            if any(len(plain[paper_id]) <= length for paper_id in members):
                continue  # the texts run out: nothing longer to tell them apart by
            for paper_id in members:
                lengths[paper_id] = length + 1
            split(members, length + 1)

    split(list(plain), 3)
    result = dict(keys)
    for paper_id, length in lengths.items():
        text = plain[paper_id]
        result[paper_id] = "{\\relax " + text[: length - 2] + "}" + text[length - 2 :]
    return result


def bibtex_file(
    papers: Sequence[Paper],
    keys: Mapping[str, str],
    *,
    ascii: bool = False,
    notes: Mapping[str, tuple[tuple[str, ...], str]] | None = None,
) -> str:
    """A whole ``.bib`` file: one entry per paper, in the order given, a blank line between;
    ``notes`` maps ids to the user's (tags, note): the tags become ``keywords``."""
    notes = notes or {}
    authorless = {
        paper.id: whole_characters(
            to_tex(sort_key(clean_text(paper.title)) or keys[paper.id], ascii=ascii)
        )
        for paper in papers
        if paper.meta is None or not paper.meta.authors
    }
    key_fields = alpha_safe_keys(authorless)
    return "\n".join(
        bibtex_entry(
            paper,
            keys[paper.id],
            ascii=ascii,
            key_field=key_fields.get(paper.id),
            tags=notes.get(paper.id, ((), ""))[0],
        )
        for paper in papers
    )
