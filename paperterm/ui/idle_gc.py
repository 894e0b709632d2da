"""Python's cycle collector runs while the reader waits for the next key, not in the middle of one.

CPython collects reference cycles when enough objects were made since its last collection, at
whatever moment that happens: with the reader up, a collection of the young objects took 5-8 ms
every few keys and a full one 140-250 ms now and then (the shared dumps loaded, a 2-core
machine), inside the key that tipped the count (issue 17: a keystroke's p95).

While the reader runs, the automatic collector is off and the reader collects itself when no key
came for a moment: the young objects when enough were made, every object when the user paused
after many young collections. The objects alive when it starts (the catalogue, the app) are put
out of the collector's sight at once, without a collection: a catalogue loaded with the collector
held can still be among the young objects then, and the first young collection walked all of it
on the UI thread (0.2-0.7 s at 100k papers, in the middle of the first filter typed, measured).
At the first pause, and at the next one after
:meth:`IdleCollector.settle` (the search index made), the objects alive are put out of the
collector's sight (``gc.freeze``, after a collection of the young ones only: the older ones are
long-lived, and a full collection over the whole catalogue would itself stop the reader for a
second at 100k papers); refcounting still frees them, and later collections skip them. Too many
objects made without a pause are collected at once. When the reader stops, the collector is as
it was.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUIET = 0.05
"""Seconds without a key before the young objects are collected (a typist's keys come 100-200
ms apart; a key's frames are drawn within a few ms)."""
PAUSE = 1.0
"""Seconds without a key before every object is collected."""
YOUNG = 700
"""Objects made since the last collection that make a collection worth it (CPython's own
threshold for its youngest generation)."""
TOO_MANY = 200_000
"""Objects made since the last collection that are collected at once, key or not."""
YOUNG_BEFORE_FULL = 10
"""Young collections after which a pause collects every object (CPython's own threshold)."""
MOST_YOUNG = 100
"""Young collections after which every object is collected, without waiting for a pause."""


def set_aside_loaded() -> None:
    """Put the objects alive now out of the automatic collector's sight (``gc.freeze``): call
    it once the catalogue is loaded, before the reader starts. Until :class:`IdleCollector`
    takes over (once the screen is mounted), making the app runs the automatic collector, whose
    full collections walked the whole catalogue before the first frame (measured at 100k
    papers: the first row drawn after 0.30 s of CPU instead of 0.48). :meth:`IdleCollector.stop`
    gives them back to it."""
    gc.freeze()


class IdleCollector:
    """Collects cycles between keys: :meth:`start` when the reader is up, :meth:`touched` at each
    key, :meth:`tick` from a timer, :meth:`stop` when the reader stops."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.running = False
        """Whether the automatic collector is off and this one collects."""
        self._was_enabled = True
        self._last_key = clock()
        self._young = 0
        """Young collections since the last full one."""
        self._settle = True
        """The objects alive are to be put aside at the next pause."""

    def start(self) -> None:
        """Take over from the automatic collector, the objects alive now put aside."""
        if self.running:
            return
        self.running = True
        self._was_enabled = gc.isenabled()
        gc.disable()
        gc.freeze()
        self._settle = True

    def settle(self) -> None:
        """At the next pause, put the objects alive then aside: they are long-lived (call it
        once a big piece of the reader, such as the search index, is made)."""
        self._settle = True

    def touched(self) -> None:
        """A key came: no collection for a moment."""
        self._last_key = self._clock()

    def tick(self) -> int | None:
        """Collect if it is time; the generation collected, or None."""
        if not self.running:
            return None
        made = gc.get_count()[0]
        quiet = self._clock() - self._last_key
        if quiet >= PAUSE and self._settle:
            gc.collect(1)
            gc.freeze()
            self._settle = False
            self._young = 0
            return 1
        paused = quiet >= PAUSE and self._young >= YOUNG_BEFORE_FULL
        if paused or made >= TOO_MANY or (quiet >= QUIET and self._young >= MOST_YOUNG):
            generation = 2
        elif made >= YOUNG and quiet >= QUIET:
            generation = 1
        else:
            return None
        gc.collect(generation)
        self._young = 0 if generation == 2 else self._young + 1
        return generation

    def stop(self) -> None:
        """Give the collector back as it was, the objects put aside in its sight again."""
        if not self.running:
            return
        self.running = False
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()
