"""When a typed word matches a word of the text: the one rule the index and the highlighter share.

A typed word matches a text word that starts with it (``lott`` matches ``lottery``). Typed words
of 5 letters or more may also be off by typos, counted as edits (a letter substituted, inserted,
deleted, or two neighbours swapped) between the typed word and some prefix of the text word, so a
half-typed word with a typo still matches (``loter`` matches ``lottery``). The first letter must
be right: it keeps the matches few and sensible, and lets the index look only at one letter's words.

The budget is Meilisearch's: one typo from 5 letters, two from 9. A 4-letter word with one typo
matched far too much (``grok`` found 80 of 525 papers on the shared dumps, 74 by a typo: ``group``,
``grow``...), and an 8-letter word with two typos found ``growing`` for ``grokking``.
``benchmarks/bench_typo_budget.py`` measures rules on the shared dumps: typing title words (or
their prefixes) right, the old rule matched 30 papers per query through a typo alone, this one
11; it still forgives 93% of one-edit misspellings (old: 98%) and 53% of two-edit ones (old:
68%). Two typos from 8 letters would forgive 64% for one more close match per query, but that
is the ``grokking`` noise.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

EXACT = 3
"""Match level of a text word equal to the typed word."""
PREFIX = 2
"""Match level of a text word starting with the typed word."""
TYPO = 1
"""Match level of a text word within the typo budget."""


ONE_TYPO_FROM = 5
"""The shortest typed word allowed one typo."""
TWO_TYPOS_FROM = 9
"""The shortest typed word allowed two typos."""


def typo_budget(word: str) -> int:
    """How many edits a typed word may be off: none under 5 letters, 1 up to 8, 2 from 9."""
    if len(word) < ONE_TYPO_FROM:
        return 0
    return 1 if len(word) < TWO_TYPOS_FROM else 2


def prefix_lengths(word: str, budget: int) -> range:
    """The lengths of text-word prefixes worth comparing with ``word`` under ``budget`` edits."""
    return range(max(1, len(word) - budget), len(word) + budget + 1)


def level(typed: str, word: str, budget: int | None = None) -> int:
    """How well ``word`` (folded) matches the typed word (folded): a level constant, or 0.

    ``budget`` overrides :func:`typo_budget` (to measure other rules).
    """
    if word == typed:
        return EXACT
    if word.startswith(typed):
        return PREFIX
    if budget is None:
        budget = typo_budget(typed)
    if not budget or not word or word[0] != typed[0]:
        return 0
    for length in prefix_lengths(typed, budget):
        if length > len(word):
            break
        if OSA.distance(typed, word[:length], score_cutoff=budget) <= budget:
            return TYPO
    return 0
