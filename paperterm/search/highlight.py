"""Which characters of a title or abstract a query matched, for highlighting them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from paperterm.search.match import level, typo_budget
from paperterm.search.query import Query, Term, parse
from paperterm.search.text import fold, merge_spans, word_spans

Span = tuple[int, int]
"""A half-open character range ``[start, end)`` of the displayed text."""


_KEPT_WORDS = 4096
"""Texts whose words are kept: a few screens of titles, which the list highlights again on
every key (a title's words once split, not on each key)."""
_KEPT_TEXT = 400
"""Only texts this long or shorter keep their words (titles; an abstract is highlighted once
per paper shown, and the detail pane keeps what it drew)."""
_KEPT_LEVELS = 16384
"""Text words whose match with a typed word is kept, per typed word."""


def highlight(query: str, text: str, field: Literal["title", "abstract"]) -> list[Span]:
    """The spans of ``text`` (a paper's title or abstract) that ``query`` matched.

    Sorted and non-overlapping. A word matched as a prefix is highlighted up to the typed
    length; a word matched despite typos is highlighted whole; excluded terms (``!``), state
    terms (``is:``, ``has:``) and ``similar:`` highlight nothing.
    """
    plan = _plan(query, field)
    if plan.nothing:
        return []
    ascii = text.isascii()
    if plan.only_typed and ascii:
        # The common case (words typed, an ASCII text): one pass, the spans in order.
        return plan.ascii_spans(text)
    spans: list[Span] = []
    for needle in plan.needles:
        spans.extend(_occurrences(needle, text))
    if plan.typed:
        if ascii:
            by_letter = plan.ascii_candidates(text)
        else:
            by_letter = _by_letter(text) if len(text) <= _KEPT_TEXT else _group(word_spans(text))
        spans.extend(plan.fuzzy(by_letter))
    if plan.leading:
        found = _words(text) if len(text) <= _KEPT_TEXT else tuple(word_spans(text))
        for term in plan.leading:
            spans.extend(_leading(term, found))
    return merge_spans(spans)


class _Plan:
    """What a query highlights in one field: the text terms that apply."""

    __slots__ = (
        "ascii_starts",
        "by_letter",
        "leading",
        "needles",
        "nothing",
        "only_typed",
        "typed",
    )

    def __init__(self, query: Query, field: str) -> None:
        self.needles: list[str] = []
        """Exact terms' needles."""
        self.leading: list[Term] = []
        """``^`` terms."""
        typed: dict[str, None] = {}
        for group in query.groups:
            if group.negated:
                continue
            for term in group.alternatives:
                # Only text terms mark text: not state terms, nor similar:ID.
                if term.kind not in ("exact", "fuzzy", "prefix") or term.field not in (
                    "any",
                    field,
                ):
                    continue
                if term.kind == "exact":
                    self.needles.append(term.needle)
                elif term.kind == "fuzzy":
                    typed.update(dict.fromkeys(term.words))
                else:
                    self.leading.append(term)
        self.typed = [(word, _matches_of(word)) for word in typed]
        """The words of the fuzzy terms (each matched alone, so all in one), each with how the
        text words met so far matched it."""
        self.nothing = not (self.needles or self.typed or self.leading)
        self.only_typed = bool(self.typed) and not (self.needles or self.leading)
        """Only typed words mark text (:meth:`ascii_spans` then does it all)."""
        self.by_letter: dict[str, list[tuple[str, dict[str, int | None], int]]] = {}
        """The typed words by their first letter, each with its matches met and its typo
        budget."""
        for word, known in self.typed:
            self.by_letter.setdefault(word[0], []).append((word, known, typo_budget(word)))
        letters = "".join(sorted({word[0] for word in typed} & _ASCII_WORD_CHARACTERS))
        # The first letter, then the character before it: a regular expression that starts
        # with a set of characters skips to them at C speed (one starting with the look
        # behind tries every position: twice the time).
        self.ascii_starts = (
            re.compile(f"[{letters}](?<![a-z0-9][{letters}])[a-z0-9]*") if letters else None
        )
        """The words of a lowercased ASCII text that start with a typed word's first letter
        (an ASCII text's words are its runs of letters and digits: ``text.word_spans``)."""

    def ascii_spans(self, text: str) -> list[Span]:
        """The spans of an ASCII ``text`` that the typed words matched (:meth:`fuzzy`'s rule)
        in one pass over the text words that start with a typed word's letter, each word's
        spans joined as they go: sorted and disjoint without :func:`merge_spans` (the words
        found are apart, and each one's spans all start where it does)."""
        spans: list[Span] = []
        if self.ascii_starts is None:
            return spans
        by_letter = self.by_letter
        for found in self.ascii_starts.finditer(text.lower()):
            word = found.group()
            start, end = found.span()
            reach = start
            for typed, known, budget in by_letter[word[0]]:
                cut = known.get(word, _UNKNOWN)
                if cut == _UNKNOWN:
                    cut = _match(typed, word, budget, known)
                if cut == _NO_MATCH:
                    continue
                # Lowercasing ASCII keeps the word's length: a prefix match's typed part.
                reach = max(reach, end if cut is None else start + cut)
            if reach > start:
                spans.append((start, reach))
        return spans

    def ascii_candidates(self, text: str) -> dict[str, list[tuple[int, int, str]]]:
        """The words of an ASCII ``text`` that may match a typed word, by first letter: only
        those starting with a typed word's letter, found by one regular expression rather
        than by splitting the text into its words (a title not met before: 25 -> ~5 us)."""
        by_letter: dict[str, list[tuple[int, int, str]]] = {}
        if self.ascii_starts is not None:
            for found in self.ascii_starts.finditer(text.lower()):
                word = found.group()
                by_letter.setdefault(word[0], []).append((found.start(), found.end(), word))
        return by_letter

    def fuzzy(self, by_letter: dict[str, list[tuple[int, int, str]]]) -> list[Span]:
        """The spans of the text words (``by_letter``: by their first letter) that match a
        typed word: only words that start with its letter can (:func:`match.level`)."""
        spans = []
        for typed, known in self.typed:
            budget = typo_budget(typed)
            for start, end, word in by_letter.get(typed[:1], ()):
                cut = known.get(word, _UNKNOWN)
                if cut == _UNKNOWN:
                    cut = _match(typed, word, budget, known)
                if cut == _NO_MATCH:
                    continue
                # The typed part of a word matched as a prefix, when folding kept its length.
                if cut is not None and end - start == len(word):
                    spans.append((start, start + cut))
                else:
                    spans.append((start, end))
        return spans


def _match(typed: str, word: str, budget: int, known: dict[str, int | None]) -> int | None:
    """How text word ``word`` matches ``typed`` (kept in ``known``, see :func:`_matches_of`):
    :func:`match.level`'s rule, its quick answers first (most words of a title are neither the
    typed word nor a typo away from it)."""
    if len(known) >= _KEPT_LEVELS:
        known.clear()
    if word.startswith(typed):
        cut = None if word == typed else len(typed)
    elif budget and word[:1] == typed[:1] and level(typed, word, budget):
        cut = None
    else:
        cut = _NO_MATCH
    known[word] = cut
    return cut


_UNKNOWN = -1
_NO_MATCH = 0
_ASCII_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=64)
def _matches_of(typed: str) -> dict[str, int | None]:
    """How text words matched a typed word, as they are met (kept for the typed words of the
    last queries: typing on, the words typed before stay): the length typed when the word
    matched it as a prefix (highlighted up to it), None when it matched whole (equal, or with
    typos), :data:`_NO_MATCH` when it did not match."""
    return {}


@lru_cache(maxsize=64)
def _plan(query: str, field: str) -> _Plan:
    return _Plan(parse(query), field)


@lru_cache(maxsize=_KEPT_WORDS)
def _words(text: str) -> tuple[tuple[int, int, str], ...]:
    """The words of a short text (a title), kept (see :data:`_KEPT_WORDS`)."""
    return tuple(word_spans(text))


@lru_cache(maxsize=_KEPT_WORDS)
def _by_letter(text: str) -> dict[str, list[tuple[int, int, str]]]:
    """The words of a short text (a title) by their first letter, kept (see
    :data:`_KEPT_WORDS`)."""
    return _group(_words(text))


def _group(found: Iterable[tuple[int, int, str]]) -> dict[str, list[tuple[int, int, str]]]:
    by_letter: dict[str, list[tuple[int, int, str]]] = {}
    for spanned in found:
        by_letter.setdefault(spanned[2][:1], []).append(spanned)
    return by_letter


def _leading(term: Term, found: Sequence[tuple[int, int, str]]) -> list[Span]:
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
