"""What a set of paper ids stands for in a catalogue (its positions, its bit set), kept per set.

The user's marks are frozensets handed out anew on every change: marking one paper read gives a
new set of, say, 60,000 ids. Looking each id up again cost 20-100 ms on the key that marked it
(twice: the search's ``is:unread`` and the status line's count). :class:`KnownSets` keeps the
value of the last sets it met, by identity, and works out the value of a new set from a kept
one of nearly the same ids by the difference alone: two set differences in C, then the few ids
that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Generic, TypeVar

Value = TypeVar("Value")

NEAR = 64
"""At most this many ids added and removed for a set to count as a change of a kept one."""


class KnownSets(Generic[Value]):
    """``derive(ids)`` for frozensets of ids, kept for the last ``size`` sets by identity, and
    ``update(value, added, removed)`` for a set that differs from a kept one by a few ids."""

    def __init__(
        self,
        derive: Callable[[Collection[str]], Value],
        update: Callable[[Value, frozenset[str], frozenset[str]], Value],
        size: int = 8,
    ) -> None:
        self._derive = derive
        self._update = update
        self._size = size
        # id() -> (the set itself, so that a reused id() never matches; its value), oldest first.
        self._known: dict[int, tuple[frozenset[str], Value]] = {}

    def __call__(self, ids: frozenset[str]) -> Value:
        """The value of ``ids``: kept, worked out from a kept near set, or derived afresh."""
        entry = self._known.get(id(ids))
        if entry is not None and entry[0] is ids:
            del self._known[id(ids)]  # moved to the newest end below
            value = entry[1]
        else:
            value = self._from_near(ids)
        self._known[id(ids)] = (ids, value)
        while len(self._known) > self._size:
            del self._known[next(iter(self._known))]
        return value

    def clear(self) -> None:
        """Forget every kept set (the catalogue they were worked out for changed)."""
        self._known.clear()

    def _from_near(self, ids: frozenset[str]) -> Value:
        near = [
            (known, value)
            for known, value in reversed(self._known.values())
            if abs(len(known) - len(ids)) <= NEAR
        ]
        for known, value in near[:2]:  # the newest first: the set this one was made from
            added = ids - known
            if len(added) <= NEAR:
                removed = known - ids
                if len(added) + len(removed) <= NEAR:
                    return self._update(value, added, removed)
        return self._derive(ids)
