"""Order a large set of matches by score without a Python sort key per paper.

Each paper's score is a sum of weights of sets it belongs to. The sums are kept bit-sliced: plane
``p`` is the set of papers whose score has bit ``p`` set, and adding a set is a ripple-carry add
done with whole-catalogue AND and XOR. Splitting the matches plane by plane from the top yields
the score buckets best first; each bucket lists in catalogue order, which breaks the ties.

Buckets are listed only when asked for (:class:`Ranking`), so the first screen of a query that
matches most of a large catalogue costs one bucket, not the whole list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import overload

from paperterm.search.bitset import Universe

FIRST_WINDOW = 4096
"""Papers looked at for the first rows of a bucket (or of a walk, see ``sorts.Walked``); each
further window is twice as wide."""
FIRST_ROWS = 64
"""Rows listed at least when a row not listed yet is asked for (a screen's worth: the list asks
for its rows one by one)."""


class ListedOnDemand(Sequence[int]):
    """A read-only sequence of catalogue positions listed as far as it is asked for: a
    subclass keeps what it listed in ``_listed`` and lists on in :meth:`_list_until`."""

    _listed: list[int]
    _what = "rows"
    """What the sequence holds, for its errors."""

    def _list_until(self, count: int) -> None:
        """List until ``count`` are listed (or all of them are)."""
        raise NotImplementedError

    @overload
    def __getitem__(self, key: int) -> int: ...
    @overload
    def __getitem__(self, key: slice) -> list[int]: ...
    def __getitem__(self, key: int | slice) -> int | list[int]:
        if isinstance(key, slice):
            wanted = range(*key.indices(len(self)))
            if wanted:
                self._list_until(max(wanted[0], wanted[-1]) + 1)
            return [self._listed[position] for position in wanted]
        position = key + len(self) if key < 0 else key
        if not 0 <= position < len(self):
            raise IndexError(f"{self._what} index out of range")
        self._list_until(position + 1)
        return self._listed[position]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (ListedOnDemand, list, tuple, range)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class Ranking(ListedOnDemand):
    """Catalogue positions of the matches, best first; a read-only sequence listed on demand."""

    _what = "ranking"

    def __init__(self, universe: Universe, buckets: list[int], exact: int | None = None) -> None:
        """``exact``: how many of the first papers are exact matches (default: all of them)."""
        self._universe = universe
        self._buckets = buckets
        self._starts = list(accumulate((bucket.bit_count() for bucket in buckets), initial=0))
        self._listed: list[int] = []
        self._next = 0
        self._cursor = 0
        self._window = FIRST_WINDOW
        self.exact = len(self) if exact is None else exact
        """How many papers at the head of the ranking match every term without a typo; the
        rest (``len(self) - exact``) are close matches, each needing a typo somewhere."""

    def __len__(self) -> int:
        return self._starts[-1]

    def __iter__(self) -> Iterator[int]:
        for bucket in range(len(self._buckets)):
            self._list_until(self._starts[bucket + 1])
            yield from self._listed[self._starts[bucket] : self._starts[bucket + 1]]

    def __contains__(self, value: object) -> bool:
        return self._locate(value) is not None

    def flags(self) -> bytes:
        """One byte per catalogue paper, in catalogue order: 1 for the papers ranked, else 0."""
        return self._universe.flags(self._union())

    def in_catalogue_order(self) -> Ranking:
        """The same papers in catalogue order, listed on demand as well."""
        union = self._union()
        return Ranking(self._universe, [union] if union else [])

    def count_in(self, bits: int) -> int:
        """How many of the ranked papers are in the set ``bits`` (of the same catalogue): one
        AND per score bucket, where testing each paper shifts every bucket."""
        return sum((bucket & bits).bit_count() for bucket in self._buckets)

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` is, found from the bit sets without listing the buckets before it."""
        position = self._locate(value)
        end = len(self) if stop is None else stop
        if position is None or not start <= position < end:
            raise ValueError(f"{value!r} is not in the ranking")
        return position

    def __repr__(self) -> str:
        return f"Ranking({len(self)} papers in {len(self._buckets)} score buckets)"

    def _locate(self, value: object) -> int | None:
        size = self._universe.size
        if not isinstance(value, int) or not 0 <= value < size:
            return None
        bit = size - 1 - value
        for number, bucket in enumerate(self._buckets):
            if bucket >> bit & 1:
                return self._starts[number] + (bucket >> (bit + 1)).bit_count()
        return None

    def _union(self) -> int:
        union = 0
        for bucket in self._buckets:
            union |= bucket
        return union

    def _list_until(self, count: int) -> None:
        """List papers until ``count`` are listed, a window of the current bucket at a time.

        A window is sized by the papers wanted and how thinly the bucket's papers not listed
        yet spread over the rest of the catalogue (known from the bucket's count): a bucket of
        a few papers scattered over 100k is listed in one window, not in five doubling ones,
        each of which shifts and masks the whole set (11 windows, 2.7 ms, for a key's first
        screen at 100k papers); the window doubles when the papers are bunched.
        """
        size = self._universe.size
        while len(self._listed) < count and self._next < len(self._buckets):
            left = self._starts[self._next + 1] - len(self._listed)  # in this bucket
            wanted = max(count - len(self._listed), FIRST_ROWS)
            rest = size - self._cursor
            if left <= wanted:
                stop = size
            else:  # what should hold half as many again as wanted, were they spread evenly
                stop = self._cursor + max(self._window, -(-rest * wanted * 3 // (2 * left)))
            stop = min(size, stop)
            self._listed.extend(
                self._universe.indices(self._buckets[self._next], self._cursor, stop)
            )
            if stop >= size:
                self._next, self._cursor, self._window = self._next + 1, 0, FIRST_WINDOW
            else:
                self._cursor, self._window = stop, self._window * 2


def exact_count(rows: Sequence[int]) -> int:
    """How many of ``rows`` (an answer of ``Catalog.search_indices``) are exact matches: they
    come first, and the close matches (a typo somewhere) follow them."""
    return rows.exact if isinstance(rows, Ranking) else len(rows)


def ranked(
    universe: Universe, matches: int, scores: Iterable[tuple[int, int]], exact: int | None = None
) -> Ranking:
    """The papers of ``matches``, highest score first, then in catalogue order.

    ``scores`` holds ``(set, weight)`` pairs: a paper scores the weights of the sets holding it.
    ``exact`` counts the exact matches, which the scores must rank first (see :class:`Ranking`).
    """
    planes: list[int] = []
    for bits, weight in scores:
        bits &= matches
        level = 0
        while weight and bits:
            if weight & 1:
                carry, plane = bits, level
                while carry:
                    while plane >= len(planes):
                        planes.append(0)
                    planes[plane], carry = planes[plane] ^ carry, planes[plane] & carry
                    plane += 1
            weight >>= 1
            level += 1
    buckets: list[int] = []
    _split(matches, planes, len(planes) - 1, buckets)
    return Ranking(universe, buckets, exact)


def _split(bits: int, planes: list[int], plane: int, buckets: list[int]) -> None:
    if not bits:
        return
    if plane < 0:
        buckets.append(bits)
        return
    high = bits & planes[plane]
    _split(high, planes, plane - 1, buckets)
    _split(bits ^ high, planes, plane - 1, buckets)
