"""A copy of the papers' term vectors on disk (:mod:`paperterm.search.similar`), so that reopening
the same catalogue skips their build.

The vectors cost about 25 s of CPU per 100k papers to build and their inverted index 15 s more,
nearly all of it splitting, counting and sorting in pure Python; a saved copy loads in a second or
two. The vectors are saved once built, and saved again with the inverted index once that is
built, in the user cache dir beside the search index (``vectors/`` beside ``search/``).

The same rules as the search index's cache (:mod:`paperterm.search.cache`) hold. A saved copy is
used only when it is certainly the right one: its name and header carry a digest of every title
and abstract in catalogue order and of the code that builds the vectors; a digest of the payload
catches a truncated or damaged file; the pieces must then fit together, every number in its
range, every weight between 0 and 1, every term a folded word (a digest is no signature: the file
may be forged); and the caller checks a sample of the papers against their words. Only a regular
file in the cache dir itself is read (never a symlink, a FIFO or a device), nothing outside it
is written, touched or removed, and anything unexpected means building afresh, never an error.
Catalogues under :data:`MIN_PAPERS` build faster than a load would pay off and are never saved; at
most :data:`KEEP` files are kept, the least recently used going first.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from paperterm.locations import cache_dir
from paperterm.model import Paper
from paperterm.search import cache, savedfile
from paperterm.search.savedfile import all_below, array_of, ascending

MIN_PAPERS = 5_000
"""Smaller catalogues are never saved (their vectors build in about a second)."""
KEEP = 3
"""How many saved copies are kept; saving another removes the least recently used."""

_FORMAT = f"paperterm term vectors 1 {sys.byteorder}\n".encode("ascii")
_SUFFIX = ".vectors"
_SECTIONS = 8
_MAX_WEIGHT_BITS = 0x3F800010
"""A float32 whose bits, read as an unsigned integer, are below this is a number from 0 to just
over 1 (a unit vector's weights, with rounding): no NaN, no infinity, nothing negative."""
_TERMS = re.compile(r"[^\W_]+(?:\n[^\W_]+)*")
"""Terms joined by newlines: each a run of letters and digits, as the search folds words."""


@dataclass(frozen=True, slots=True)
class SavedVectors:
    """What a saved copy holds (see ``similar.TermVectors``)."""

    terms: list[str]
    """Each term's text, by term number."""
    idf: array[float]
    """Each term's inverse document frequency."""
    vector_terms: array[int]
    """The papers' term numbers, paper after paper."""
    vector_weights: array[float]
    """Their weights, in the same order."""
    offsets: array[int]
    """Where each paper's terms start (one more entry than papers)."""
    postings: tuple[array[int], array[float], array[int]] | None
    """The inverted index (papers, weights, where each term's run starts), if it was built."""


def default_dir() -> Path:
    """Where saved vectors live: the user cache dir (see :mod:`paperterm.locations`)."""
    return cache_dir() / "vectors"


def catalogue_key(papers: Sequence[Paper]) -> str:
    """A digest of what the vectors are built from: every title and abstract, and the code."""
    return hashlib.sha256(_code_digest() + cache.catalogue_key(papers).encode("ascii")).hexdigest()


def load(directory: Path, key: str, papers: Sequence[Paper]) -> SavedVectors | None:
    """The vectors of ``papers`` saved under ``key``, or None (see the module's rules; a file
    bigger than ``cache.room`` is not read)."""
    path = directory / (key + _SUFFIX)
    return savedfile.load(
        path,
        savedfile.header(_FORMAT, key),
        lambda sections: _decode(sections, len(papers)),
        limit=cache.room(path, papers),
    )


def save(directory: Path, key: str, saved: SavedVectors) -> None:
    """Save ``saved`` under ``key`` (atomically, best effort); keep at most :data:`KEEP`."""
    postings = saved.postings or (array("I"), array("f"), array("I"))
    sections: list[bytes | array[int] | array[float]] = [
        "\n".join(saved.terms).encode("utf-8", "surrogatepass"),
        saved.idf,
        saved.vector_terms,
        saved.vector_weights,
        saved.offsets,
        *postings,
    ]
    path = directory / (key + _SUFFIX)
    savedfile.write(path, savedfile.header(_FORMAT, key), sections, keep=KEEP)


def _decode(parts: list[memoryview], size: int) -> SavedVectors:
    """The inverse of :func:`save`'s sections; raises ValueError when the pieces do not fit."""
    if len(parts) != _SECTIONS:
        raise ValueError("not the sections of term vectors")
    text = str(parts[0], "utf-8")
    if text and not _TERMS.fullmatch(text):
        raise ValueError("a term that is no folded word")
    terms = text.split("\n") if text else []
    if len(set(terms)) != len(terms):
        raise ValueError("a term twice")
    idf = array_of("d", parts[1])
    if len(idf) != len(terms) or not all(map(math.isfinite, idf)) or (idf and min(idf) < 0.0):
        raise ValueError("the weights of the terms do not fit")
    vector_terms, vector_weights = array_of("I", parts[2]), array_of("f", parts[3])
    offsets = array_of("I", parts[4])
    if len(offsets) != size + 1:
        raise ValueError("not this many papers")
    _check_runs(offsets, vector_terms, vector_weights, len(terms))
    postings = None
    if any(parts[5:]):
        papers, values, starts = (
            array_of("I", parts[5]),
            array_of("f", parts[6]),
            array_of("I", parts[7]),
        )
        if len(starts) != len(terms) + 1:
            raise ValueError("the postings do not fit the terms")
        _check_runs(starts, papers, values, size)
        postings = (papers, values, starts)
    return SavedVectors(terms, idf, vector_terms, vector_weights, offsets, postings)


def _check_runs(starts: array[int], numbers: array[int], weights: array[float], limit: int) -> None:
    """Raise ValueError unless ``starts`` cut ``numbers`` and ``weights`` (of one length) into
    runs, every number is below ``limit`` and every weight from 0 to 1."""
    if starts[0] != 0 or starts[-1] != len(numbers) or len(weights) != len(numbers):
        raise ValueError("the runs do not fill their arrays")
    if not ascending(starts):
        raise ValueError("a run goes backwards")
    if not all_below(numbers, limit):
        raise ValueError("a number out of range")
    bits = array("I")
    bits.frombytes(weights.tobytes())
    if not all_below(bits, _MAX_WEIGHT_BITS):
        raise ValueError("a weight out of range")


_CODE = ("text.py", "similar.py", "vectorcache.py", "savedfile.py")
"""The modules whose code decides what the vectors hold."""


def _code_digest() -> bytes:
    return savedfile.code_digest(_FORMAT, _CODE)
