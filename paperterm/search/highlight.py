"""Which characters of a title or abstract a query matched, for highlighting them."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from paperterm.search.match import PREFIX, level
from paperterm.search.query import Query, Term, parse
from paperterm.search.text import fold, merge_spans, word_spans

Span = tuple[int, int]
"""A half-open character range ``[start, end)`` of the displayed text."""


def highlight(query: str, text: str, field: Literal["title", "abstract"]) -> list[Span]:
    """The spans of ``text`` (a paper's title or abstract) that ``query`` matched.

    Sorted and non-overlapping. A word matched as a prefix is highlighted up to the typed
    length; a word matched despite typos is highlighted whole; excluded terms (``!``), state
    terms (``is:``, ``has:``) and ``similar:`` highlight nothing.
    """
    spans: list[Span] = []
    found = None
    for group in _parsed(query).groups:
        if group.negated:
            continue
        for term in group.alternatives:
            # Only text terms mark text: not state terms, nor similar:ID.
            if term.kind not in ("exact", "fuzzy", "prefix") or term.field not in ("any", field):
                continue
            if term.kind == "exact":
                spans.extend(_occurrences(term.needle, text))
                continue
            if found is None:
                found = word_spans(text)
            if term.kind == "fuzzy":
                spans.extend(_fuzzy(term, found))
            else:
                spans.extend(_leading(term, found))
    return merge_spans(spans)


@lru_cache(maxsize=64)
def _parsed(query: str) -> Query:
    return parse(query)


def _fuzzy(term: Term, found: list[tuple[int, int, str]]) -> list[Span]:
    spans = []
    for start, end, word in found:
        for typed in term.words:
            matched = level(typed, word)
            if matched:
                spans.append(_prefix_span(start, end, word, typed, matched == PREFIX))
    return spans


def _leading(term: Term, found: list[tuple[int, int, str]]) -> list[Span]:
    """The first words of the text, when they spell the ``^`` prefix."""
    if len(found) < len(term.words):
        return []
    last = len(term.words) - 1
    for position, typed in enumerate(term.words):
        word = found[position][2]
        if word != typed and not (position == last and word.startswith(typed)):
            return []
    start, end, word = found[last]
    return [
        (found[0][0], _prefix_span(start, end, word, term.words[last], word != term.words[last])[1])
    ]


def _prefix_span(start: int, end: int, word: str, typed: str, is_prefix: bool) -> Span:
    """The typed part of a word when it was matched as a prefix and folding kept its length."""
    if is_prefix and end - start == len(word):
        return start, start + len(typed)
    return start, end


def _occurrences(needle: str, text: str) -> list[Span]:
    """Where ``needle`` (folded) occurs in ``text``, as offsets into ``text`` itself."""
    if text.isascii():
        folded, origin = text.lower(), None
    else:
        pieces = [fold(char) for char in text]
        folded = "".join(pieces)
        origin = [number for number, piece in enumerate(pieces) for _ in piece]
        origin.append(len(text))
    spans = []
    at = folded.find(needle)
    while at >= 0:
        end = at + len(needle)
        spans.append((at, end) if origin is None else (origin[at], origin[end - 1] + 1))
        at = folded.find(needle, end)
    return spans
