"""Citation keys: short, readable, unique, and the same every time.

The rule, which documents cite by, so it must not drift:

1. A pinned key (one already exported and saved in the state) is used exactly as it is.
2. Otherwise, for an identified paper (one whose metadata has authors and a year), the base key
   is the first author's family name (the last word of the name, ASCII-folded, letters and
   digits only), the year, and the first title word that is not a stop word:
   ``frankle2018lottery``. For any other paper the base key comes from the title: ASCII-folded
   (``é`` to ``e``, ``ß`` to ``ss``), lowercased, split into words of letters and digits, stop
   words dropped (``the``, ``of``, ``towards``...). The first two words are joined, and a third
   is added when those two make fewer than 10 characters: "The Lottery Ticket Hypothesis"
   gives ``lotteryticket``, "Big Bird: Transformers for Longer Sequences" gives
   ``bigbirdtransformers``. A title made only of stop words keeps them; a title with no ASCII
   letter or digit gives ``paper``.
3. Keys are unique without regard to case. A base key wanted by exactly one paper is used bare
   unless a pinned key of another paper is that base, or that base followed by letters (a paper
   of the same family exported before: ``deepneta``). Otherwise each paper wanting it, in order of
   paper id, gets the base plus the first free suffix of ``a``, ``b``, ..., ``z``, ``aa``, ``ab``...
   A key is free when no pinned key and no key given earlier in this export equals it (ignoring
   case). Bare keys are given before suffixed ones, so the result depends only on the set of
   papers and the pinned keys, never on their order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence

from paperterm.errors import ExportError
from paperterm.model import Paper

__all__ = ["STOP_WORDS", "base_key", "citation_keys", "paper_base_key", "valid_key"]

_STOP_WORD_LIST = """
    a about above after against all also am an and any are as at be because been before being
    below between beyond both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through
    to too toward towards under until up upon us very via vs versus was we were what when where
    which while who whom why will with within without would you your yours"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())
"""Words a key never starts with: they say nothing about the paper."""

_FOLD = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "þ": "th",
    "ð": "d",
    "ı": "i",
}
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_VALID = re.compile(r"[A-Za-z0-9_:.+/-]+")
_SHORT = 10


def _fold(title: str) -> str:
    """Lowercase ASCII: accents dropped, a few letters spelled out."""
    lowered = title.casefold()
    if lowered.isascii():
        return lowered
    lowered = "".join(_FOLD.get(char, char) for char in lowered)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if char.isascii())


def base_key(title: str) -> str:
    """The key a title asks for before uniqueness is enforced (rule 2 of the module docstring)."""
    words = _ASCII_WORD.findall(_fold(title))
    chosen = [word for word in words if word not in STOP_WORDS] or words
    if not chosen:
        return "paper"
    key = "".join(chosen[:2])
    if len(key) < _SHORT and len(chosen) > 2:
        key += chosen[2]
    return key


def paper_base_key(paper: Paper) -> str:
    """The key a paper asks for: author-year-word when identified, else from its title."""
    meta = paper.meta
    if meta is not None and meta.authors and meta.year is not None:
        family = _ASCII_WORD.findall(_fold(meta.authors[0]))
        words = _ASCII_WORD.findall(_fold(paper.title))
        word = next((w for w in words if w not in STOP_WORDS), words[0] if words else "")
        if family:
            return f"{family[-1]}{meta.year}{word}"
    return base_key(paper.title)


def valid_key(key: str) -> bool:
    """Whether BibTeX, biber and LaTeX's ``\\cite`` all accept ``key`` as a citation key."""
    return bool(_VALID.fullmatch(key))


def _suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ..., az, ba, ... (bijective base 26)."""
    number = 1
    while True:
        suffix = ""
        n = number
        while n:
            n, rest = divmod(n - 1, 26)
            suffix = chr(ord("a") + rest) + suffix
        yield suffix
        number += 1


def citation_keys(papers: Sequence[Paper], pinned: Mapping[str, str] = {}) -> dict[str, str]:
    """Map each paper's id to its citation key, following the module docstring's rule.

    ``pinned`` maps paper ids to keys already in use (the whole state's, not only these
    papers'); they are kept for their papers and never given to another. Raises ExportError when
    a pinned key is not a valid key, or when two of these papers are pinned to the same key.
    """
    ids = list(dict.fromkeys(paper.id for paper in papers))
    by_id = {paper.id: paper for paper in papers}
    keys: dict[str, str] = {}
    taken: dict[str, str] = {}  # casefolded key -> paper id holding it
    for paper_id, key in sorted(pinned.items()):
        if not valid_key(key):
            raise ExportError(f"pinned citation key {key!r} of paper {paper_id} is not valid")
        holder = taken.setdefault(key.casefold(), paper_id)
        if holder != paper_id and paper_id in by_id and holder in by_id:
            raise ExportError(
                f"papers {holder} and {paper_id} are both pinned to citation key {key!r}"
            )
        if paper_id in by_id:
            keys[paper_id] = key
    wanted: dict[str, list[str]] = {}
    for paper_id in sorted(ids):
        if paper_id not in keys:
            wanted.setdefault(paper_base_key(by_id[paper_id]), []).append(paper_id)
    families = _families(key for paper_id, key in pinned.items() if paper_id not in by_id)
    families.update(taken)
    crowded: list[tuple[str, list[str]]] = []
    for base, holders in sorted(wanted.items()):
        if len(holders) == 1 and base.casefold() not in families:
            keys[holders[0]] = base
            taken[base.casefold()] = holders[0]
        else:
            crowded.append((base, holders))
    for base, holders in crowded:
        _give_suffixed(base, holders, keys, taken)
    return {paper_id: keys[paper_id] for paper_id in ids}


def _families(keys: Iterable[str]) -> set[str]:
    """Every base these keys may have come from: ``deepneta`` gives ``deepneta``, ``deepnet``..."""
    bases: set[str] = set()
    for key in keys:
        folded = key.casefold()
        end = len(folded)
        bases.add(folded)
        while end > 0 and "a" <= folded[end - 1] <= "z":
            end -= 1
            bases.add(folded[:end])
    return bases


def _give_suffixed(
    base: str, holders: Iterable[str], keys: dict[str, str], taken: dict[str, str]
) -> None:
    suffixes = _suffixes()
    for paper_id in holders:
        for suffix in suffixes:
            key = base + suffix
            if key.casefold() not in taken:
                keys[paper_id] = key
                taken[key.casefold()] = paper_id
                break
