"""Paper identity: the normalised title and the id derived from it.

The id is part of the state file's format, so this module must never change its output.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Return the title in the form ids are computed from.

    Unicode NFKC, casefolded, every run of characters that are not letters or digits
    replaced by one space, stripped.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_ALNUM.sub(" ", folded).strip()


def paper_id(title: str) -> str:
    """Return the stable 12-hex-digit id of a paper with this title."""
    return hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]
