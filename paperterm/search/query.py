"""The filter's query language: parse what the user typed into terms the index can answer.

The syntax, as ``QUERY_HELP`` gives it to the help screen and the README, follows. The parser
never raises; :attr:`Query.ignored` lists the pieces it ignored, for the interface to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from paperterm.identity import is_paper_id
from paperterm.search.text import fold, words
from paperterm.tags import clean_tag

Field = Literal["any", "title", "abstract"]
Kind = Literal["fuzzy", "exact", "prefix", "state", "similar", "meta"]

STATE_VALUES: dict[str, tuple[str, ...]] = {
    "is": ("starred", "read", "unread", "new", "muted", "queued"),
    "has": ("code", "link", "abstract", "arxiv"),
}
"""The values ``is:`` and ``has:`` accept; a prefix stands for the first value it begins
(``has:a`` is ``has:abstract``, ``has:ar`` is ``has:arxiv``)."""

META_FIELDS = ("author", "year", "cat")
"""The metadata terms: ``author:NAME``, ``year:2024`` or ``year:2023..2025``, ``cat:cs.CL``."""

_YEAR = re.compile(r"(\d{4})?(\.\.)?(\d{4})?")

QUERY_HELP = """\
Type words: the papers matching every word stay, best matches first.

    lottery ticket       every term must match (AND), in the title or the abstract
    lotery tiket         typos are welcome: a word of 5 to 8 letters may be one edit off
                         (a letter wrong, missing or extra, or two letters swapped), a word
                         of 9 or more letters two; shorter words and the first letter must
                         be right
    lott                 every word is a prefix, so the word being typed already matches:
                         lott finds lottery; a whole-word match still ranks above a prefix
    'gpt-4               exact text: the title or abstract contains "gpt-4" (any case),
                         punctuation included, inside words too ('former finds transformer)
    ^deep                the title starts with "deep"
    !survey              exclude papers having a word that starts with "survey" (typos are
                         not forgiven here); also !'exact, !^prefix, !is:read, !has:code
    bert|roberta         either one (also written bert | roberta); !a|b excludes both
    title:gan            only in the title; abstract:gan only in the abstract
                         (abstract:^we: the abstract starts with "we")
    is:starred           starred papers; is:read, is:unread (is:s, is:r, is:u also work)
    is:new               papers new since your last visit: not yet in a reader you quit
    is:queued            papers in your reading queue; tag:NAME papers tagged NAME (any case)
    is:muted             papers your mute rules hide (shown only when asked for like this)
    has:code             papers linking a code repository; has:link, has:abstract,
                         has:arxiv (identified: see paperterm enrich)
    author:frankle       an author's name has a word starting with "frankle" (known once
                         the paper is identified); year:2024, year:2023..2025 (also 2023..
                         and ..2025): the year of its first version; cat:cs.CL its arXiv
                         category (cat:cs every cs.* one)
    similar:ID           the papers most like paper ID (its 12-digit id, as `paperterm list`
                         shows it): the 100 whose titles and abstracts share most of its
                         weightiest words, most alike first; the paper itself is left out

Case and accents never matter (uber finds Über); punctuation only matters inside 'exact
terms: "Self-Attention" is the two words "self attention".

Order: papers matching every term without a typo (the exact matches) come first, then those
matching more terms without a typo (so `model` lists "model" before "modal"); then those
matching more terms in their title; then those whose words match better (a whole word above
a prefix above a typo, summed over the terms); then catalogue order.

Nothing typed is an error: pieces that mean nothing yet are ignored, so the list does not blank
while a term is half typed: a lone ! ' ^ or |, an empty title:, a term of punctuation only, and
is: or has: followed by nothing or by an unknown value (is:nw), an empty tag:, similar:
followed by less than a whole id, author: cat: or year: followed by nothing or (year:) by less
than a year.
"""
"""The filter syntax, in plain text for the help screen and the README."""

# The module's own help() shows the syntax too.
__doc__ = (__doc__ or "") + "\n" + QUERY_HELP

_FIELDS: dict[str, Field] = {"title": "title", "abstract": "abstract"}
_SPACED_BAR = re.compile(r"\s*\|\s*")


@dataclass(frozen=True, slots=True)
class Term:
    """One thing a paper can match: a word, an exact text, a prefix, or a state flag."""

    kind: Kind
    """``fuzzy`` words, ``exact`` text, field ``prefix``, or ``state`` flag."""
    field: Field
    """Where the text must match; ``any`` is title or abstract (``prefix`` defaults to title)."""
    words: tuple[str, ...] = ()
    """Folded words for ``fuzzy`` (all must match) and ``prefix`` terms."""
    needle: str = ""
    """The folded text an ``exact`` term looks for; for ``similar``, the paper's id."""
    flag: str = ""
    """For ``state`` terms: starred, read, unread, new, muted, queued, code, link, abstract,
    arxiv, or ``tag:`` and the folded tag name; for ``meta`` terms: author, year or cat (with
    ``words``, the years ``low..high`` in ``needle``, or the casefolded category in ``needle``)."""


@dataclass(frozen=True, slots=True)
class Group:
    """Alternatives separated by ``|``: a paper matches the group when it matches any of them."""

    alternatives: tuple[Term, ...]
    """At least one term."""
    negated: bool = False
    """True for ``!``: the group removes the papers it matches."""

    @property
    def has_text(self) -> bool:
        """Whether any alternative looks at text (and so counts for ranking)."""
        return any(term.kind not in ("state", "similar", "meta") for term in self.alternatives)

    def asks_for(self, flag: str) -> bool:
        """Whether this group, not negated, names the state ``flag`` (``is:muted``...)."""
        return not self.negated and any(
            term.kind == "state" and term.flag == flag for term in self.alternatives
        )


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter: every group must hold (AND)."""

    groups: tuple[Group, ...]
    """The groups, in the order typed."""
    ignored: tuple[str, ...] = ()
    """Pieces that were ignored because they mean nothing yet (``is:new``, a lone ``!``)."""

    def asks_for(self, flag: str) -> bool:
        """Whether some group asks for the state ``flag`` (so ``is:muted`` shows muted papers)."""
        return any(group.asks_for(flag) for group in self.groups)

    @property
    def is_empty(self) -> bool:
        """True when the query filters nothing: the catalogue comes back in its own order."""
        return not self.groups


@lru_cache(maxsize=256)
def parse(text: str) -> Query:
    """Parse a filter as typed; never raises, whatever the input. The query is immutable and
    kept for its text: a keystroke asks for it several times (the search, whether it needs
    one, whether it is quick, the status line's ignored words, the highlights)."""
    groups: list[Group] = []
    ignored: list[str] = []
    for token in _SPACED_BAR.sub("|", text.strip()).split():
        negated = token.startswith("!")
        body = token.lstrip("!")
        alternatives: list[Term] = []
        dropped: list[str] = []
        for number, piece in enumerate(body.split("|")):
            if number == 0 and not negated:
                negated, piece = _negation_after_field(piece)
            term = _term(piece)
            if term is not None:
                alternatives.append(term)
            elif piece:
                dropped.append(piece)
        ignored.extend(dropped)
        if not alternatives:
            if not dropped:
                ignored.append(token)
            continue
        only = alternatives[0]
        if len(alternatives) == 1 and not negated and only.kind == "fuzzy" and len(only.words) > 1:
            # "self-attention" ranks like "self attention": one group per word.
            groups.extend(Group((Term("fuzzy", only.field, (word,)),)) for word in only.words)
        else:
            groups.append(Group(tuple(alternatives), negated))
    return Query(tuple(groups), tuple(dict.fromkeys(ignored)))


def _negation_after_field(piece: str) -> tuple[bool, str]:
    """Accept ``title:!word`` as ``!title:word``."""
    name, colon, rest = piece.partition(":")
    if colon and name.lower() in _FIELDS and rest.startswith("!"):
        return True, f"{name}:{rest.lstrip('!')}"
    return False, piece


def _term(piece: str) -> Term | None:
    """One alternative, or None when it means nothing (yet)."""
    name, colon, rest = piece.partition(":")
    field: Field = "any"
    if colon and name.lower() in STATE_VALUES:
        return _state(name.lower(), rest)
    if colon and name.lower() in META_FIELDS:
        return _meta(name.lower(), rest)
    if colon and name.lower() == "similar":
        paper = rest.strip().lower()
        return Term("similar", "any", needle=paper) if is_paper_id(paper) else None
    if colon and name.lower() == "tag":
        tag = clean_tag(rest).casefold()
        return Term("state", "any", flag=f"tag:{tag}") if tag else None
    if colon and name.lower() in _FIELDS:
        field = _FIELDS[name.lower()]
        piece = rest
    if piece.startswith("'"):
        needle = fold(piece[1:])
        return Term("exact", field, needle=needle) if needle else None
    if piece.startswith("^"):
        prefix = tuple(words(piece[1:]))
        return Term("prefix", "title" if field == "any" else field, prefix) if prefix else None
    found = tuple(words(piece))
    return Term("fuzzy", field, found) if found else None


def _state(name: str, value: str) -> Term | None:
    value = value.lower()
    if not value:
        return None
    choices = [choice for choice in STATE_VALUES[name] if choice.startswith(value)]
    if not choices:
        return None
    return Term("state", "any", flag=choices[0])


def _meta(name: str, value: str) -> Term | None:
    """``author:``, ``year:`` or ``cat:``; None while the value means nothing yet."""
    if name == "author":
        found = tuple(words(value))
        return Term("meta", "any", found, flag="author") if found else None
    if name == "cat":
        category = value.strip().casefold()
        return Term("meta", "any", needle=category, flag="cat") if category else None
    match = _YEAR.fullmatch(value.strip())
    if match is None or not (match.group(1) or match.group(3)):
        return None
    low, dots, high = match.groups()
    if not dots:
        if high is not None:
            return None
        high = low
    return Term("meta", "any", needle=f"{low or ''}..{high or ''}", flag="year")
