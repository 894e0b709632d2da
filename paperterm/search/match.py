"""When a typed word matches a word of the text: the one rule the index and the highlighter share.

A typed word matches a text word that starts with it (``lott`` matches ``lottery``). Typed words
of 4 letters or more may also be off by typos, counted as edits (a letter substituted, inserted,
deleted, or two neighbours swapped) between the typed word and some prefix of the text word, so a
half-typed word with a typo still matches (``loter`` matches ``lottery``). The first letter must
be right: it keeps the matches few and sensible, and lets the index look only at one letter's words.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

EXACT = 3
"""Match level of a text word equal to the typed word."""
PREFIX = 2
"""Match level of a text word starting with the typed word."""
TYPO = 1
"""Match level of a text word within the typo budget."""


def typo_budget(word: str) -> int:
    """How many edits a typed word may be off: none under 4 letters, 1 up to 7, 2 from 8."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def prefix_lengths(word: str, budget: int) -> range:
    """The lengths of text-word prefixes worth comparing with ``word`` under ``budget`` edits."""
    return range(max(1, len(word) - budget), len(word) + budget + 1)


def level(typed: str, word: str) -> int:
    """How well ``word`` (folded) matches the typed word (folded): a level constant, or 0."""
    if word == typed:
        return EXACT
    if word.startswith(typed):
        return PREFIX
    budget = typo_budget(typed)
    if not budget or not word or word[0] != typed[0]:
        return 0
    for length in prefix_lengths(typed, budget):
        if length > len(word):
            break
        if OSA.distance(typed, word[:length], score_cutoff=budget) <= budget:
            return TYPO
    return 0
