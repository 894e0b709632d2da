"""What a set of paper ids stands for in a catalogue (its positions, its bit set), kept per set.

The user's marks are frozensets handed out anew on every change: marking one paper read gives a
new set of, say, 60,000 ids. Looking each id up again cost 20-100 ms on the key that marked it
(twice: the search's ``is:unread`` and the status line's count). :class:`KnownSets` keeps the
value of the last sets it met, by identity, and works out the value of a new set from a kept
one it was made from by the few ids that changed: the state store makes its sets with
:class:`Snapshots`, which says which ids each new set may differ in (:func:`made_from`); for a
set of unknown origin, two set differences in C with each kept set of nearly its size find them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from typing import Generic, TypeVar

Value = TypeVar("Value")

NEAR = 64
"""At most this many ids added and removed for a set to count as a change of a kept one."""

_ORIGINS: dict[int, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
"""id(a set) -> (the set, so that a reused id() never matches; the set it was made from; the
ids it may differ in), for the last sets made."""
_ORIGINS_KEPT = 8
"""Few: the newest sets are the ones asked about, and each entry keeps two whole sets alive."""
_ORIGINS_LOCK = threading.Lock()


def made_from(new: frozenset[str], old: frozenset[str], touched: Collection[str]) -> None:
    """Note that ``new`` holds the ids of ``old`` but for some of ``touched`` (added or removed);
    nothing is noted when more than :data:`NEAR` ids were touched."""
    if len(touched) > NEAR:
        return
    with _ORIGINS_LOCK:
        _ORIGINS[id(new)] = (new, old, frozenset(touched))
        while len(_ORIGINS) > _ORIGINS_KEPT:
            del _ORIGINS[next(iter(_ORIGINS))]


def _origin(ids: frozenset[str]) -> tuple[frozenset[str], frozenset[str]] | None:
    """The set ``ids`` was made from and the ids it may differ in, when noted."""
    with _ORIGINS_LOCK:
        noted = _ORIGINS.get(id(ids))
    return None if noted is None or noted[0] is not ids else noted[1:]


class Snapshots:
    """Frozen copies of a set of ids that changes: a copy is made again only after a change, and
    each new copy notes the copy before it and the ids changed in between (:func:`made_from`)."""

    def __init__(self) -> None:
        self._copy: frozenset[str] | None = None
        self._before: frozenset[str] | None = None
        """The last copy handed out, while the set has changed since."""
        self._touched: set[str] | None = None
        """The ids changed since ``_before``; None: unknown (any may have)."""

    def changed(self, ids: Iterable[str] | None = None) -> None:
        """The set changed, in ``ids`` only (None: anywhere)."""
        if self._copy is not None:
            self._before, self._copy, self._touched = self._copy, None, set()
        if ids is None or self._touched is None:
            self._touched = None
        else:
            self._touched.update(ids)

    def of(self, members: Collection[str]) -> frozenset[str]:
        """A frozen copy of ``members`` (the set these snapshots follow), made once per change."""
        if self._copy is None:
            self._copy = frozenset(members)
            if self._before is not None and self._touched is not None:
                made_from(self._copy, self._before, self._touched)
            self._before = self._touched = None
        return self._copy


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
        self._lock = threading.Lock()  # the reader's filter worker and its UI thread both ask

    def __call__(self, ids: frozenset[str]) -> Value:
        """The value of ``ids``: kept, worked out from a kept near set, or derived afresh."""
        with self._lock:
            entry = self._known.pop(id(ids), None)  # put back at the newest end below
            if entry is None or entry[0] is not ids:
                entry = (ids, self._from_near(ids))
            self._known[id(ids)] = entry
            while len(self._known) > self._size:
                del self._known[next(iter(self._known))]
            return entry[1]

    def _from_near(self, ids: frozenset[str]) -> Value:
        origin = _origin(ids)
        if origin is not None:
            before, touched = origin
            entry = self._known.get(id(before))
            if entry is not None and entry[0] is before:
                added = frozenset(pid for pid in touched if pid in ids and pid not in before)
                removed = frozenset(pid for pid in touched if pid in before and pid not in ids)
                return self._update(entry[1], added, removed)
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
