"""Order a large set of matches by score without a Python sort key per paper.

Each paper's score is a sum of weights of sets it belongs to. The sums are kept bit-sliced: plane
``p`` is the set of papers whose score has bit ``p`` set, and adding a set is a ripple-carry add
done with whole-catalogue AND and XOR. Splitting the matches plane by plane from the top yields
the score buckets best first; each bucket comes out in catalogue order, which breaks the ties.
"""

from __future__ import annotations

from collections.abc import Iterable

from paperterm.search.bitset import Universe


def ranked(universe: Universe, matches: int, scores: Iterable[tuple[int, int]]) -> list[int]:
    """The papers of ``matches``, highest score first, then in catalogue order.

    ``scores`` holds ``(set, weight)`` pairs: a paper scores the weights of the sets holding it.
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
    order: list[int] = []
    _emit(universe, matches, planes, len(planes) - 1, order)
    return order


def _emit(universe: Universe, bits: int, planes: list[int], plane: int, order: list[int]) -> None:
    if not bits:
        return
    if plane < 0:
        order.extend(universe.indices(bits))
        return
    high = bits & planes[plane]
    _emit(universe, high, planes, plane - 1, order)
    _emit(universe, bits ^ high, planes, plane - 1, order)
