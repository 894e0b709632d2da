"""Text as the search sees it: the words of a title or abstract, folded the way paper ids are.

Words are the runs of letters and digits of the NFKC-normalised, casefolded text, the pieces
:func:`paperterm.identity.normalise_title` keeps, with accents dropped on top (so ``uber`` finds
``Über`` and ``naive`` finds ``naïve``): ``Self-Attention`` is the two words ``self`` and
``attention`` and ``GPT-4`` is ``gpt`` and ``4``. Exact terms compare :func:`fold` ed text, which
is folded the same way but keeps punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")
_ASCII_TO_WORDS = str.maketrans(
    {chr(c): (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)}
)


def fold(text: str) -> str:
    """Return ``text`` NFKC-normalised, casefolded, without accents: how the search compares."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return folded
    split = unicodedata.normalize("NFD", folded)
    bare = "".join(char for char in split if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` in order (letters and digits only, no punctuation)."""
    if text.isascii():
        # str.translate has a fast path for ASCII-to-ASCII tables; this is the build's hot loop.
        return text.translate(_ASCII_TO_WORDS).split()
    return _WORD.findall(fold(text))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, folded word)`` for each word of ``text``, offsets into ``text`` itself.

    Used for highlighting, where offsets must point into the text as displayed; a word whose
    folding splits it (a rare compatibility character) yields one entry per folded piece.
    """
    if text.isascii():
        # Lowercasing ASCII keeps every offset: the words of the lowered text are the folded ones.
        return [(*match.span(), match.group()) for match in _WORD.finditer(text.lower())]
    spans: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        piece = match.group()
        folded = piece.lower() if piece.isascii() else _WORD.findall(fold(piece))
        if isinstance(folded, str):
            spans.append((match.start(), match.end(), folded))
        else:
            spans.extend((match.start(), match.end(), part) for part in folded)
    return spans


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return ``(start, end)`` half-open spans sorted, with overlapping and touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
