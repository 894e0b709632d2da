"""Which papers a reader has already had in front of the user: what "new" is measured against.

A paper is new from its first appearance in a loaded dump until a run of the reader that had it
in its catalogue is quit (scrolled to or not; a killed run ends nothing, and scripts such as
``paperterm list`` never end it). So the only thing kept is the set of ids every quit reader had
loaded, in a file of its own beside the state file (``state.json.seen``), not in the state
file: a save of a star never rewrites it, and 100,000 ids cost 1.3 MB read once at start.

The file is text: a first line ``paperterm-seen 1``, then the ids (12 hex digits) sorted, one per
line. It only ever grows, so merging two copies is their union: sync tools' conflict copies of it
are merged and moved aside like those of the state file. A damaged file is moved aside and
counts as empty (every paper is new again, which loses nothing).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from paperterm.errors import StateError
from paperterm.state import storage

HEADER = b"paperterm-seen 1\n"
"""The first line of a seen file of this format."""

_BODY = re.compile(rb"(?:[0-9a-f]{12}\n)*")


class Corrupt(Exception):
    """The bytes are not a seen file."""


def decode(data: bytes) -> frozenset[str]:
    """The ids a seen file holds; raise Corrupt if anything is off."""
    if not data.startswith(HEADER):
        raise Corrupt("no paperterm-seen header")
    body = data[len(HEADER) :]
    if _BODY.fullmatch(body) is None:
        raise Corrupt("a line is not a paper id")
    return frozenset(body.decode("ascii").split())


def encode(ids: Iterable[str]) -> bytes:
    """The bytes of a seen file holding ``ids``."""
    return HEADER + "".join(f"{paper_id}\n" for paper_id in sorted(ids)).encode("ascii")


class Seen:
    """The ids of the papers a quit reader had loaded; read once, grown at each quit."""

    path: Path
    """The seen file (beside the state file)."""
    notices: list[str]
    """One-line messages for the user (a damaged file moved aside, a conflict copy merged)."""

    def __init__(
        self, path: Path, lock_path: Path, *, clock: Callable[[], float] = time.time
    ) -> None:
        """Use ``Seen.open``."""
        self.path = path
        self.notices = []
        self._lock_path = lock_path
        self._clock = clock
        self._ids: frozenset[str] = frozenset()
        self._merged: list[Path] = []

    @classmethod
    def beside(cls, state_path: Path, *, clock: Callable[[], float] = time.time) -> Seen:
        """The seen file that goes with a state file (``<state>.seen``, same lock), read now."""
        seen = cls(
            state_path.with_name(state_path.name + ".seen"),
            state_path.with_name(state_path.name + ".lock"),
            clock=clock,
        )
        seen._ids = seen._read(move_bad=False) | seen._ids_from_conflicts()
        return seen

    @property
    def ids(self) -> frozenset[str]:
        """Every id seen so far."""
        return self._ids

    def new_ids(self, paper_ids: Iterable[str]) -> frozenset[str]:
        """Those of ``paper_ids`` never seen: the new papers of a catalogue."""
        return frozenset(paper_ids).difference(self._ids)

    def end_visit(self, paper_ids: Iterable[str], *, lock_timeout: float | None = None) -> int:
        """A reader holding ``paper_ids`` was quit: they are new no more. Return how many were.

        Under the state lock: re-read the file (another reader may have quit meanwhile), add,
        write atomically only when something was added. ``lock_timeout`` as for
        :func:`paperterm.state.storage.locked` (LockBusy when another process holds it).
        """
        wanted = frozenset(paper_ids)
        storage.refuse_symlink(self.path)
        if not self.path.parent.is_dir():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StateError(
                    f"{self.path.parent}: cannot create: {storage.reason(exc)}"
                ) from exc
        with storage.locked(self._lock_path, lock_timeout):
            on_disk = self._read(move_bad=True)
            merged = on_disk | self._ids_from_conflicts()
            added = wanted - merged
            if added or merged != on_disk:
                storage.replace_atomically(
                    self.path, encode(merged | added), backup=None, warn=self._notify
                )
            self._sweep_conflicts()
        self._ids = merged | added
        return len(added)

    def _notify(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def _read(self, *, move_bad: bool) -> frozenset[str]:
        got = storage.read_file(self.path)
        if got is None:
            return frozenset()
        try:
            return decode(got[0])
        except Corrupt as exc:
            if move_bad:
                aside = storage.move_aside(self.path, "corrupt", self._clock())
                self._notify(f"{self.path} was unreadable ({exc}); moved it to {aside.name}")
            else:
                self._notify(f"{self.path} is unreadable ({exc}); every paper counts as new")
            return frozenset()

    def _ids_from_conflicts(self) -> frozenset[str]:
        found: set[str] = set()
        self._merged = []
        for copy in storage.conflict_copies(self.path):
            got = storage.read_file(copy)
            if got is None:
                continue
            try:
                found |= decode(got[0])
            except Corrupt:
                continue  # not ours after all: left alone
            self._merged.append(copy)
        return frozenset(found)

    def _sweep_conflicts(self) -> None:
        for copy in self._merged:
            aside = storage.move_aside(copy, "merged", self._clock())
            self._notify(
                f"merged the sync conflict copy {copy.name} into {self.path.name}; "
                f"moved it to {aside.name}"
            )
