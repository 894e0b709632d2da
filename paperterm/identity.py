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
from collections.abc import Sequence

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


# As _ASCII_FOLD, but a line end (between titles, see paper_ids) becomes "|", not a space.
_ASCII_FOLD_LINES = _ASCII_FOLD[:10] + b"|" + _ASCII_FOLD[11:]
_SHA1 = hashlib.sha1
_SPACES = re.compile(rb"  +")


def paper_ids(titles: Sequence[str]) -> list[str]:
    """``[paper_id(title) for title in titles]``, in fewer Python steps: what the loader calls
    for each block of titles it reads.

    The titles are folded together, joined by line ends (none of them holding one): the ASCII
    fold maps every byte but a letter or digit to a space, and each line end to ``|``, so one
    pass collapses the runs of spaces of all titles at once, and the spaces next to each ``|``
    and at both ends are stripped (as ``split`` and ``join`` do in :func:`paper_id`). Titles
    that are not ASCII (their bytes were folded to spaces here) take :func:`paper_id` one by one.
    """
    joined = "\n".join(titles)
    if joined.count("\n") != len(titles) - 1:  # a title with a line end (not the loader's)
        return [paper_id(title) for title in titles]
    folded = joined.encode("ascii", "replace").translate(_ASCII_FOLD_LINES)
    folded = _SPACES.sub(b" ", folded).replace(b" |", b"|").replace(b"| ", b"|").strip(b" ")
    ids = [digest.hexdigest()[:12] for digest in map(_SHA1, folded.split(b"|"))]
    if not joined.isascii():
        for number, title in enumerate(titles):
            if not title.isascii():
                ids[number] = paper_id(title)
    return ids


_HEX_DIGITS = frozenset("0123456789abcdef")


def is_paper_id(text: str) -> bool:
    """Whether ``text`` has the form of a paper id: 12 lower-case hex digits."""
    return len(text) == 12 and _HEX_DIGITS.issuperset(text)
