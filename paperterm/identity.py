"""Paper identity: the normalised title and the id derived from it.

The id is part of the state file's format, so this module must never change its output.

One exception, decided in the loader rather than here: a title that held terminal control
characters or escape sequences (``ESC ] 52 ; c ; ...``) gets the id of its *cleaned* title,
the title the user sees, since the loader removes each sequence whole
(:func:`paperterm.sanitize.clean_text`) before it computes the id. Without that, the
sequence's parameters (``52 c Y3Vy...``) would be words of the normalised title.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")

# ASCII letters and digits to themselves (upper case to lower), every other byte to a space.
_ASCII_FOLD = bytes(
    byte + 32 if 65 <= byte <= 90 else byte if (48 <= byte <= 57 or 97 <= byte <= 122) else 32
    for byte in range(256)
)


def normalise_title(title: str) -> str:
    """Return the title in the form ids are computed from.

    Unicode NFKC, casefolded, every run of characters that are not letters or digits
    replaced by one space, stripped.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_ALNUM.sub(" ", folded).strip()


def paper_id(title: str) -> str:
    """Return the stable 12-hex-digit id of a paper with this title.

    ASCII titles (nearly all) take a fast path that gives the same result: for ASCII, NFKC
    changes nothing, casefolding is lower-casing, and the letters and digits are exactly
    ``[A-Za-z0-9]``. The loader calls this once per title, a million times for a big catalogue.
    """
    if title.isascii():
        folded = b" ".join(title.encode("ascii").translate(_ASCII_FOLD).split())
        return hashlib.sha1(folded).hexdigest()[:12]
    return hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]


_HEX_DIGITS = frozenset("0123456789abcdef")


def is_paper_id(text: str) -> bool:
    """Whether ``text`` has the form of a paper id: 12 lower-case hex digits."""
    return len(text) == 12 and _HEX_DIGITS.issuperset(text)
