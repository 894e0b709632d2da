"""The read/starred state store: every change saved when it happens, nothing ever lost.

A save takes a lock beside the file, re-reads the file if someone else replaced it since we
last saw it, merges field by field by change time (so two paperterms never undo each other),
applies the change and replaces the file atomically, keeping the previous good copy as
``state.json.bak``. When a save fails the change is rolled back in memory and StateError says
why, so what the user sees is always what is on disk.

One exception, for the reader, which must never freeze a key on another process: with
``defer_when_locked`` set, a change that finds the lock held elsewhere is made in memory at once
and kept as :attr:`StateStore.unsaved` until :meth:`StateStore.flush` saves it (the reader tries
a few times a second). The later save merges with the file as any save does, so a change made
meanwhile by the process that held the lock is kept where it is newer. Pinning citation keys and
merging other files are never deferred: both must be judged against the file under the lock.

The journal (the reader's saves). Writing the whole file costs a mark key at 100k papers 25-45
ms (orjson of every entry, a 6 MB write and its fsync), more than a frame. A store with
``journal`` set (the reader) instead appends, under the same lock, one line holding the changed
papers' entries to ``state.json.journal`` and fsyncs it (see :mod:`paperterm.state.journal` for
its format): about 0.5 ms whatever the size. Everything else stays as it was:

- ``state.json`` keeps its schema and is only ever replaced atomically, so older paperterms and
  other tools still read it; it is the journal's snapshot. Opening reads the journal first,
  then the file, and merges the journal's lines in; a fold made meanwhile then loses nothing.
- Folding (the whole file written as before, backup and all, then the journal removed) happens
  when the reader quits (:meth:`flush`), when the journal would pass a quarter of the file (or
  256 KB), and for a change of more than 1000 papers. A store without ``journal`` (the command
  line, the Python API) writes the whole file when there is no journal, and appends while there
  is one: a reader is then most likely open, and a whole new file would cost it a whole re-read
  on its UI thread (0.4-0.7 s at 100k papers) for each ``paperterm mark`` a script runs. So
  ``state.json`` is whole whenever no reader is open, unless one was killed (its journal is
  folded by the next reader's quit, or once it grows past the limit).
- Another process's save is seen by the journal growing: only the new bytes are read and merged
  (the file is re-read only when it was replaced: a fold, or a save by an older paperterm).
- Replaying is merging, and the merge is idempotent and commutative: a line already in the file
  changes nothing. A crash between writing the folded file and removing the journal therefore
  needs no generation number to be harmless, and a file of another history (a restored backup,
  a sync tool's copy) still meets the journal without losing either side. We chose this over
  numbering generations, which would have to drop lines it could not place.
- A line is trusted only whole, parsed, with its checksum right. The bytes after the last
  newline are a line being written, unless the lock is ours: then a crash cut it short, and it
  is left out (it was never reported saved) and never appended after: the next save folds. A
  damaged line is left out alone, with one notice; the next save folds and moves the journal
  aside (``state.json.journal.corrupt-<time>``). A line of a newer version opens read-only.
- A missing or corrupt file is recovered from the backup as before, and every journal line is
  merged in (a line never goes with a damaged file). ``merge FILE`` and conflict copies read the
  journal beside the other file too.
- A failed append is cut back to the journal's previous end, and the change is rolled back in
  memory, as a failed whole-file save is. Changes are made in place in memory (a copy of 100k
  entries cost more than the save) and put back if the save fails.
"""

from __future__ import annotations

import math
import os
import stat
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperterm.errors import StateError
from paperterm.idsets import Snapshots
from paperterm.locations import default_state_path
from paperterm.sanitize import printable
from paperterm.state import journal, storage
from paperterm.state.record import (
    DEFAULTS,
    SCHEMA,
    TIME_FIELD,
    CorruptState,
    Decoded,
    Entry,
    PaperState,
    clean_tag,
    current,
    decode,
    encode,
    merge,
    merge_entry,
    present_tags,
    tag_order,
    to_state,
    with_field,
    with_tags,
)

_UNDO_DEPTH = 200
_EMPTY: Entry = {}
_DEFERRABLE = frozenset(
    {
        "read",
        "starred",
        "tags",
        "tags+",
        "tags-",
        "note",
        "arxiv",
        "queued",
        "enqueue",
        "move",
        "revert",
    }
)
"""Kinds of operation a deferring store may make in memory first and save later."""
_LINE_PAPERS = 1000
"""A change of more papers than this is saved as a whole file, not as a journal line."""
_FOLD_AT = 256 * 1024
"""A journal that would grow past this many bytes (or a quarter of the file, if more) is
folded into the file instead."""
_NOT_DEFERRED_WAIT = 1.0
"""Seconds a deferring store waits for the lock for a change it cannot defer (pinning a key)."""

Change = tuple[str, str, Any, Any]
"""(paper id, field, value before, value after) for one field one save changed."""


class StateChanges:
    """Changes gathered inside ``StateStore.update()``, applied together in one locked save.

    Nothing is applied while the block runs: each call records what to do, and the store does
    it at the end against the freshly merged file, so a change is judged against what other
    processes saved meanwhile.
    """

    def __init__(self) -> None:
        self._ops: list[tuple[str, Any, Any]] = []

    def set_read(self, paper_ids: Iterable[str], value: bool) -> None:
        """Mark these papers read (True) or unread (False)."""
        self._ops.append(("read", _ids(paper_ids), bool(value)))

    def set_starred(self, paper_ids: Iterable[str], value: bool) -> None:
        """Star (True) or unstar (False) these papers."""
        self._ops.append(("starred", _ids(paper_ids), bool(value)))

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> None:
        """Replace a paper's tags (cleaned by ``clean_tag``; duplicates and empty tags dropped)."""
        self._ops.append(("tags", (paper_id,), _tags(tags)))

    def add_tags(self, paper_ids: Iterable[str], tags: Iterable[str]) -> None:
        """Add tags to these papers, keeping the tags they have."""
        self._ops.append(("tags+", _ids(paper_ids), _tags(tags)))

    def remove_tags(self, paper_ids: Iterable[str], tags: Iterable[str]) -> None:
        """Remove tags from these papers (a tag a paper lacks is left alone)."""
        self._ops.append(("tags-", _ids(paper_ids), _tags(tags)))

    def set_queued(self, paper_ids: Iterable[str], place: float | None) -> None:
        """Put papers in the reading queue at ``place`` (lower first), or take them out (None)."""
        if place is not None and (isinstance(place, bool) or not math.isfinite(place)):
            raise ValueError("a queue place must be a finite number")
        self._ops.append(("queued", _ids(paper_ids), None if place is None else float(place)))

    def set_note(self, paper_id: str, note: str) -> None:
        """Replace a paper's note ('' removes it)."""
        if not isinstance(note, str):
            raise TypeError("a note must be a string")
        self._ops.append(("note", (paper_id,), note))

    def set_arxiv(self, paper_id: str, arxiv: str | None) -> None:
        """Settle a paper's arXiv id (``"none"``: not on arXiv; None: forget the choice)."""
        if arxiv is not None and (not isinstance(arxiv, str) or not 0 < len(arxiv) <= 64):
            raise TypeError("an arXiv choice must be a short string or None")
        self._ops.append(("arxiv", (paper_id,), arxiv))

    def pin_keys(self, keys: Mapping[str, str]) -> None:
        """Pin BibTeX keys for the papers among ``keys`` that have none yet; pinned keys stay."""
        if not all(isinstance(key, str) and key for key in keys.values()):
            raise TypeError("BibTeX keys must be non-empty strings")
        self._ops.append(("pin", dict(keys), None))

    def _revert(self, changes: list[Change]) -> None:
        self._ops.append(("revert", changes, None))


def _tags(tags: Iterable[str]) -> tuple[str, ...]:
    if isinstance(tags, str):
        raise TypeError("tags must be an iterable of names, not one string")
    given = tuple(tags)
    if not all(isinstance(tag, str) for tag in given):
        raise TypeError("tags must be strings")
    return tuple(sorted({clean for tag in given if (clean := clean_tag(tag))}, key=tag_order))


def _ids(paper_ids: Iterable[str]) -> tuple[str, ...]:
    if isinstance(paper_ids, str):  # a lone id would otherwise be split into characters
        raise TypeError("paper_ids must be an iterable of ids, not one string")
    return tuple(paper_ids)


@dataclass(frozen=True, slots=True)
class _Disk:
    """What a locked re-read found."""

    decoded: Decoded | None
    """The file's content, or None when there was none to use."""
    fingerprint: storage.Fingerprint | None
    """The file's fingerprint, or None when ``path`` does not exist now."""
    good: bool
    """Whether ``path`` now holds a good file worth keeping as the backup."""
    recovered: bool
    """Whether the content came from the backup (the main file was missing or corrupt)."""


class StateStore:
    """Read, starred, tags, notes, queue places and BibTeX keys of papers, in one JSON file."""

    path: Path
    """The state file."""
    read_only: bool
    """True when the file has a newer schema than this release knows: it is never written."""
    notices: list[str]
    """One-line messages for the user (corrupt file moved aside, backup used, read-only...)."""

    def __init__(self, path: Path, clock: Callable[[], float]) -> None:
        """Use ``StateStore.open``: it reads the file."""
        self.path = path
        self.read_only = False
        self._read_only_why = ""  # which file made it read-only, for the error of a save
        self.notices = []
        self._clock = clock
        self._papers: dict[str, Entry] = {}
        self._extra: dict[str, Any] = {}
        self._fingerprint: storage.Fingerprint | None = None
        self._held = storage.Held()
        weakref.finalize(self, self._held.release)
        self._disk_good = False
        self._read: set[str] = set()
        self._starred: set[str] = set()
        self._read_copies = Snapshots()
        self._starred_copies = Snapshots()
        self._tagged: dict[str, frozenset[str]] | None = None
        self._queue: tuple[str, ...] | None = None
        self._undo: list[list[Change]] = []
        self._batch: StateChanges | None = None
        self._mutex = threading.RLock()
        self._swept = False
        self._last_changes: list[Change] = []
        self._unsaved: list[list[Change]] = []
        self.defer_when_locked = False
        """Set by the reader: a change finding the lock held elsewhere is made in memory and
        saved by :meth:`flush` later, rather than waiting for the lock (see the module)."""
        self.journal = False
        """Set by the reader: a change is appended to the journal (a line) rather than saved as
        a whole new state file; :meth:`flush` folds the journal into the file (see the module).
        Without it a change is appended only while a journal is there (a reader is open)."""
        self._jheld = storage.Held()  # the journal read so far, held open (its inode kept)
        weakref.finalize(self, self._jheld.release)
        self._jid: tuple[int, int] | None = None  # its (device, inode)
        self._jend = 0  # offset just past the last whole line read
        self._jdamaged = False  # bad lines seen: moved aside at the next fold
        self._jfold = False  # fold at the next locked save (a damaged or cut-short journal)
        self.generation = 0
        """Grows whenever the papers' state may have changed (for caches built on it)."""

    # -- opening and reading -------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | None = None, *, clock: Callable[[], float] = time.time
    ) -> StateStore:
        """Open the state at ``path`` (default: ``state.json`` in the user data dir).

        A missing file is an empty state (nothing is created until the first change). A corrupt
        file is moved aside and the backup loaded; a newer schema opens read-only. Both leave a
        line in ``notices``. Raises StateError for a symlinked path or an unreadable file.
        """
        # absolute() and not resolve(): resolving would follow the very links we refuse.
        store = cls(Path(path or default_state_path()).absolute(), clock)
        store._named = store.path != default_state_path().absolute()
        store._load()
        try:
            store.pick_up_conflicts()
        except StateError as exc:
            store._notify(f"sync conflict copies not merged: {exc}")
        return store

    # -- other machines' files ---------------------------------------------------------------

    def read_other(self, path: Path) -> dict[str, Entry]:
        """The papers of another state file (another machine's), checked; schema 1 upgraded.

        Raises StateError, naming the file, when it is not a paperterm state file this release
        can read (not JSON, wrong shape, a newer schema) or cannot be read at all.
        """
        got = storage.read_file(Path(os.path.realpath(path)))
        if got is None:
            raise StateError(f"{path}: no such file")
        try:
            decoded = decode(got[0])
        except CorruptState as exc:
            raise StateError(f"{path}: not a paperterm state file ({exc})") from None
        if decoded.schema > SCHEMA:
            raise StateError(
                f"{path}: written by a newer paperterm (state schema {decoded.schema}); not merged"
            )
        beside = journal.path_of(Path(os.path.realpath(path)))
        if not os.path.lexists(beside):
            return decoded.papers
        return merge(self._other_journal(beside), decoded.papers)

    def _other_journal(self, path: Path) -> dict[str, Entry]:
        """The papers of another state file's journal (every good line merged); StateError for
        a journal of a newer version; damaged lines are left out with a notice."""
        got = storage.read_file(path)
        if got is None:
            return {}
        found = journal.parse(got[0])
        if found.newer:
            raise StateError(
                f"{path}: written by a newer paperterm (journal version {found.newer}); not merged"
            )
        if found.bad:
            self._notify(
                f"{path}: {_counted(found.bad, 'line')} could not be read ({_why(found)}); "
                "left out, the other lines merged"
            )
        self._refused(path, found.refused_keys)
        return found.papers

    def merge_in(self, others: Iterable[Mapping[str, Entry]]) -> int:
        """Merge other machines' papers into this state (per paper and field, the later change
        wins), in one locked save; return how many papers changed. Not undoable: it is not a
        change of the user's but the meeting of two histories."""
        combined: dict[str, Entry] = {}
        for papers in others:
            combined = merge(dict(papers), combined)
        if not combined:
            return 0
        with self.update() as changes:
            changes._ops.append(("merge", combined, None))
        return len({change[0] for change in self._last_changes})

    def pick_up_conflicts(self) -> list[Path]:
        """Merge sync tools' conflict copies of the state file found beside it, then move each
        aside (``<copy>.merged-<time>``) with a notice; return the copies merged.

        A copy that is not a state file this release can read is left alone, with a notice.
        Nothing happens on a read-only store.
        """
        if self.read_only:
            return []
        found: list[tuple[Path, dict[str, Entry]]] = []
        for copy in storage.conflict_copies(self.path):
            try:
                found.append((copy, self.read_other(copy)))
            except StateError as exc:
                self._notify(f"{exc}; it looks like a sync conflict copy, left alone")
        for copy in storage.conflict_copies(self.journal_path):  # a copy of the journal alone
            try:
                found.append((copy, self._other_journal(copy)))
            except StateError as exc:
                self._notify(f"{exc}; it looks like a sync conflict copy, left alone")
        if not found:
            return []
        changed = self.merge_in(papers for _, papers in found)
        with storage.locked(self.lock_path):
            for copy, _ in found:
                aside = storage.move_aside(copy, "merged", self._clock())
                self._notify(
                    f"merged the sync conflict copy {copy.name} into {self.path.name} "
                    f"({_counted(changed, 'paper')} changed); moved it to {aside.name}"
                )
                beside = journal.path_of(copy)
                if os.path.lexists(beside):  # the copy's own journal, merged with it
                    storage.move_aside(beside, "merged", self._clock())
        return [copy for copy, _ in found]

    @property
    def lock_path(self) -> Path:
        """The lock file beside the state file."""
        return self.path.with_name(self.path.name + ".lock")

    @property
    def journal_path(self) -> Path:
        """The journal beside the state file (see :mod:`paperterm.state.journal`)."""
        return journal.path_of(self.path)

    @property
    def backup_path(self) -> Path:
        """The previous good copy of the state file."""
        return self.path.with_name(self.path.name + ".bak")

    @property
    def own_files(self) -> dict[Path, str]:
        """The files the store keeps, each with what it is: nothing else may write over them."""
        return {
            self.path: "the state file",
            self.backup_path: "the state file's backup",
            self.lock_path: "the state file's lock",
            self.journal_path: "the state file's journal",
            self.path.with_name(self.path.name + ".seen"): "the record of papers seen",
        }

    def _notify(self, message: str) -> None:
        message = printable(message)
        if message not in self.notices:
            self.notices.append(message)

    def _decode(self, data: bytes, known: Mapping[str, Entry] | None = None) -> Decoded:
        """:func:`decode`, with a notice for each pinned key it refused."""
        decoded = decode(data, known)
        self._refused(self.path, decoded.refused_keys)
        return decoded

    def _refused(self, path: Path, keys: Iterable[tuple[str, str]]) -> None:
        for paper_id, key in keys:
            self._notify(
                f"{path}: paper {paper_id}: the pinned citation key {key!r} is not valid "
                "(letters, digits and _:.+/- only); set aside as bibkey_refused, a new key is "
                "pinned at the next export"
            )

    def _load(self) -> None:
        storage.refuse_symlink(self.path)
        lines = self._read_journal(locked=False)  # first: a fold meanwhile then loses nothing
        got = storage.read_file(self.path)
        if got is None and lines is None and not os.path.lexists(self.backup_path):
            return
        if got is not None:
            try:
                decoded = self._decode(got[0])
            except CorruptState:
                self._refuse_foreign(got[0], lines is not None)
            else:
                self._adopt(decoded, got[1])
                if lines is not None:
                    self._absorb(lines)
                return
        self._recover()

    _named = False
    """Whether the state file was named (``--state``) rather than the default one."""

    def _refuse_foreign(self, data: bytes, journal: bool) -> None:
        """Raise StateError when a named file, unreadable as a state file, was never one: it
        holds something, but neither of a state file's two keys near its start, and no backup
        or journal of paperterm's is beside it (``--state refs.bib``, a slip: the user's file
        was moved aside and replaced by a state file). A damaged state file, and the default
        one whatever it holds, are recovered as ever (moved aside, the backup loaded)."""
        head = data[:4096]
        if not self._named or not data.strip() or b'"schema"' in head or b'"papers"' in head:
            return
        if journal or os.path.lexists(self.backup_path):
            return
        raise StateError(
            f"{self.path}: not a paperterm state file; nothing changed (--state names the"
            " file paperterm keeps its marks in: a new name starts one)"
        )

    def _recover(self) -> None:
        """Under the lock: deal with a missing or corrupt file (or a journal without one), then
        save what was recovered."""
        self._make_folder()
        with storage.locked(self.lock_path):
            storage.refuse_symlink(self.path)
            lines = self._read_journal(locked=True)
            disk = self._read_locked()
            if disk.decoded is None and lines is None:
                return
            self._adopt(disk.decoded or Decoded(SCHEMA, {}, self._extra), disk.fingerprint)
            if lines is not None:
                self._absorb(lines)
            if self.read_only:
                return
            if not (disk.recovered or disk.fingerprint is None or self._jfold):
                return
            try:
                self._write(self._papers, good=False)
            except StateError as exc:
                self._notify(f"the recovered state is not saved yet: {exc}")

    def _adopt(self, decoded: Decoded, fingerprint: storage.Fingerprint | None) -> None:
        """Take a file's content as the whole state (merging what memory holds)."""
        if decoded.schema > SCHEMA:
            self._enter_read_only(decoded.schema)
            self._replace_papers(decoded.papers)
        else:
            self._replace_papers(merge(self._papers, decoded.papers))
        self._extra = decoded.extra
        self._see(fingerprint)
        self._disk_good = fingerprint is not None

    def _see(self, fingerprint: storage.Fingerprint | None) -> None:
        """Remember the file whose content memory now holds; None forces a re-read next save."""
        if (
            fingerprint is not None
            and fingerprint == self._fingerprint
            and self._held.fd is not None
        ):
            return
        self._fingerprint = fingerprint if self._held.hold(self.path, fingerprint) else None

    def _enter_read_only(self, schema: int) -> None:
        self.read_only = True
        self._read_only_why = f"{self.path}: opened read-only (newer schema)"
        self._notify(
            f"{self.path}: state schema {schema} is newer than this paperterm knows ({SCHEMA}); "
            "opened read-only, changes will not be saved"
        )

    # -- the journal ---------------------------------------------------------------------------

    def _journal_news(self) -> str:
        """``same``: the journal is the one read and has no whole line more; ``grown``: the same
        file, longer, or a journal where there was none; ``other``: replaced, removed or cut
        (read the file and the journal again)."""
        found = storage.fingerprint(self.journal_path)
        if found is None:
            return "same" if self._jid is None else "other"
        if self._jid is None:
            return "grown"
        if self._jid != found[:2] or found[2] < self._jend:
            return "other"
        return "same" if found[2] == self._jend else "grown"

    def _journal_there(self) -> bool:
        """Whether there is a journal to fold (one read, or one made since by another process)."""
        return self._jid is not None or os.path.lexists(self.journal_path)

    def _forget_journal(self) -> None:
        self._jheld.release()
        self._jid = None
        self._jend = 0

    def _read_journal(self, *, locked: bool) -> journal.Lines | None:
        """Read the whole journal afresh and hold it open; None when there is none."""
        self._forget_journal()
        storage.refuse_symlink(self.journal_path)
        opened = storage.open_file(self.journal_path)
        if opened is None:
            return None
        fd, status = opened
        self._jheld.fd = fd
        self._jid = (status.st_dev, status.st_ino)
        try:
            return self._take(storage.read_from(self.journal_path, fd, 0), 0, locked=locked)
        finally:
            if not storage.CAN_HOLD:  # Windows: an open file cannot be removed by a fold
                self._jheld.release()

    def _catch_up(self, *, locked: bool) -> journal.Lines:
        """The lines added to the journal held since it was last read (all of a new one)."""
        if self._jid is None or self._jheld.fd is None:
            # A new journal, or one not held open (Windows): all of it (a line read twice
            # changes nothing).
            return self._read_journal(locked=locked) or journal.Lines()
        data = storage.read_from(self.journal_path, self._jheld.fd, self._jend)
        return self._take(data, self._jend, locked=locked)

    def _take(self, data: bytes, start: int, *, locked: bool) -> journal.Lines:
        """Parse journal bytes read at ``start``; say once what was wrong with them."""
        found = journal.parse(data, start, self._papers)
        self._jend = found.end
        name = self.journal_path
        if found.newer:
            self.read_only = True
            self._read_only_why = f"{name}: opened read-only (a journal of a newer paperterm)"
            self._notify(
                f"{name}: journal version {found.newer} is newer than this paperterm knows "
                f"({journal.VERSION}); opened read-only, changes will not be saved"
            )
        if found.bad:
            self._jdamaged = self._jfold = True
            self._notify(
                f"{name}: {_counted(found.bad, 'damaged line')} left out ({_why(found)}); "
                "the other lines are kept"
            )
        if locked and found.tail:
            # Under the lock nobody is writing: the bytes after the last line are a save that
            # was cut short (it never said it was done). Never append after them: fold.
            self._jfold = True
            self._notify(
                f"{name}: its last line was cut short (a save interrupted by a crash); left out"
            )
        self._refused(name, found.refused_keys)
        return found

    def _absorb(self, found: journal.Lines) -> None:
        """Merge journal lines into memory: they are on the disk, nothing is left to save."""
        papers = self._papers
        changed = []
        for pid, entry in found.papers.items():
            held = papers.get(pid)
            merged = entry if held is None else merge_entry(entry, held)
            if merged != held:
                papers[pid] = merged
                changed.append(pid)
        if changed:
            self._refresh_sets(changed)

    def _append(
        self, papers: dict[str, Entry], changes: list[Change], current: storage.Fingerprint
    ) -> bool:
        """Under the lock, the snapshot being ``current`` and the journal read to its end: save
        the entries of the papers changed (and those still unsaved) as one journal line. False
        when that is not the way to save them (the caller writes the whole file)."""
        ids = {change[0] for change in changes}
        for unsaved in self._unsaved:
            ids.update(change[0] for change in unsaved)
        if len(ids) > _LINE_PAPERS:
            return False
        entries = {pid: papers[pid] for pid in ids if pid in papers}
        if not entries:
            return True
        data = journal.line(entries)
        if self._jend + len(data) > max(_FOLD_AT, current[2] // 4):
            return False
        expected = None if self._jid is None else (*self._jid, self._jend)
        try:  # a new journal gets the file's own mode: a private state keeps private notes
            mode = stat.S_IMODE(os.lstat(self.path).st_mode)
        except OSError:
            mode = 0o644
        status = storage.append(self.journal_path, data, expected=expected, mode=mode)
        if self._jid is None:
            self._jid = (status.st_dev, status.st_ino)
            opened = storage.open_file(self.journal_path) if storage.CAN_HOLD else None
            if opened is not None:
                self._jheld.fd = opened[0]
            try:  # its name must survive a crash too
                storage.fsync_folder(self.path.parent)
            except OSError as exc:
                self._notify(
                    f"{self.path.parent}: saved, but could not flush the folder to disk "
                    f"({storage.reason(exc)})"
                )
        self._jend = status.st_size
        return True

    def _drop_journal(self) -> None:
        """After the whole state was written (lock held): remove the journal, now folded in (a
        damaged one is moved aside). Failing only leaves lines that read again change nothing."""
        name = self.journal_path
        try:
            if storage.fingerprint(name) is not None:
                if self._jdamaged:
                    aside = storage.move_aside(name, "corrupt", self._clock())
                    self._notify(f"{name}: had damaged lines; moved it to {aside.name}")
                else:
                    os.unlink(name)
        except (OSError, StateError) as exc:
            why = storage.reason(exc) if isinstance(exc, OSError) else str(exc)
            self._notify(f"{name}: could not remove it after saving ({why})")
        self._forget_journal()
        self._jdamaged = self._jfold = False

    def _read_locked(self) -> _Disk:
        """Under the lock: the current file, or the backup when the file is missing or corrupt.

        A corrupt file is moved aside to ``<name>.corrupt-<time>`` first (a corrupt backup too).
        """
        got = storage.read_file(self.path)
        if got is not None:
            try:
                return _Disk(self._decode(got[0], self._papers), got[1], good=True, recovered=False)
            except CorruptState as exc:
                aside = storage.move_aside(self.path, "corrupt", self._clock())
                problem = f"{self.path} was unreadable ({exc}); moved it to {aside.name}"
        else:
            problem = f"{self.path} was missing"
        backup = storage.read_file(self.backup_path)
        if backup is None:
            if got is not None:
                self._notify(f"{problem}; no backup, starting empty")
            return _Disk(None, None, good=False, recovered=got is not None)
        try:
            decoded = self._decode(backup[0])
        except CorruptState as exc:
            aside = storage.move_aside(self.backup_path, "corrupt", self._clock())
            self._notify(f"{problem}; the backup was unreadable too ({exc}), moved to {aside.name}")
            return _Disk(None, None, good=False, recovered=True)
        self._notify(f"{problem}; loaded {self.backup_path.name}")
        return _Disk(decoded, None, good=False, recovered=True)

    def reload(self) -> None:
        """Re-read the file to pick up other processes' changes (merged with ours by time), and
        merge sync tools' conflict copies that appeared beside it.

        Cheap when nothing changed. A file that went missing keeps what memory holds.
        """
        with self._mutex:
            storage.refuse_symlink(self.path)
            try:
                if not self._unsaved:  # else another process holds the lock: next time
                    self.pick_up_conflicts()
            except StateError as exc:
                self._notify(f"sync conflict copies not merged: {exc}")
            if storage.fingerprint(self.path) == self._fingerprint:
                news = self._journal_news()
                if news == "same":
                    return
                if news == "grown":  # another process saved a change: read only its lines
                    self._absorb(self._catch_up(locked=False))
                    return
            lines = self._read_journal(locked=False)
            got = storage.read_file(self.path)
            if got is None:
                if os.path.lexists(self.backup_path) or lines is not None:
                    self._recover()
                return
            try:
                decoded = self._decode(got[0], self._papers)
            except CorruptState:
                self._recover()
                return
            self._adopt(decoded, got[1])
            if lines is not None:
                self._absorb(lines)

    # -- queries -------------------------------------------------------------------------------

    def get(self, paper_id: str) -> PaperState:
        """The saved state of one paper (defaults for a paper never touched)."""
        return to_state(self._papers.get(paper_id))

    def is_read(self, paper_id: str) -> bool:
        """Whether the paper is marked read."""
        return paper_id in self._read

    def is_starred(self, paper_id: str) -> bool:
        """Whether the paper is starred."""
        return paper_id in self._starred

    @property
    def read_ids(self) -> frozenset[str]:
        """Ids of every paper marked read (cached until the next change)."""
        return self._read_copies.of(self._read)

    @property
    def starred_ids(self) -> frozenset[str]:
        """Ids of every starred paper (cached until the next change)."""
        return self._starred_copies.of(self._starred)

    @property
    def tag_index(self) -> dict[str, frozenset[str]]:
        """Each tag in use, folded (``casefold``), to the ids of the papers having it (cached)."""
        if self._tagged is None:
            found: dict[str, set[str]] = {}
            for pid, entry in self._papers.items():
                if "tags" in entry:
                    for name in present_tags(entry):
                        found.setdefault(name.casefold(), set()).add(pid)
            self._tagged = {name: frozenset(ids) for name, ids in found.items()}
        return self._tagged

    def tag_counts(self) -> dict[str, int]:
        """Every tag in use, as written, to how many papers have it (for completion)."""
        counts: dict[str, int] = {}
        for entry in self._papers.values():
            if "tags" in entry:
                for name in present_tags(entry):
                    counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: tag_order(item[0])))

    @property
    def queue(self) -> tuple[str, ...]:
        """Ids of the queued papers in queue order (place, then id) (cached)."""
        if self._queue is None:
            places = [
                (place, pid)
                for pid, entry in self._papers.items()
                if (place := entry.get("queued")) is not None
            ]
            self._queue = tuple(pid for _, pid in sorted(places))
        return self._queue

    @property
    def pinned_keys(self) -> dict[str, str]:
        """Paper id to pinned BibTeX key, for every paper that has one (to avoid reusing a key)."""
        return {pid: e["bibkey"] for pid, e in self._papers.items() if e.get("bibkey") is not None}

    @property
    def can_undo(self) -> bool:
        """Whether ``undo`` has something to revert."""
        return bool(self._undo)

    @property
    def next_undo(self) -> tuple[Change, ...]:
        """What ``undo`` would revert next: (paper id, field, before, after) per field changed;
        empty when there is nothing to undo. Lets an interface say what it undid."""
        return tuple(self._undo[-1]) if self._undo else ()

    @property
    def paper_count(self) -> int:
        """How many papers the state mentions (not ``len()``: an empty store must stay truthy)."""
        return len(self._papers)

    def _replace_papers(self, papers: dict[str, Entry]) -> None:
        """Make ``papers`` the state, updating the id sets for the entries that changed."""
        old, self._papers = self._papers, papers
        if not old or not old.keys() <= papers.keys():  # a newer schema may drop papers
            self._read = {pid for pid, entry in papers.items() if entry.get("read")}
            self._starred = {pid for pid, entry in papers.items() if entry.get("starred")}
            self._read_copies.changed()
            self._starred_copies.changed()
            self._tagged = self._queue = None
            self.generation += 1
        else:
            # merge() keeps our own entry objects where nothing changed: identity finds the rest.
            self._refresh_sets([pid for pid, entry in papers.items() if old.get(pid) is not entry])

    def _refresh_sets(self, paper_ids: Iterable[str]) -> None:
        papers = self._papers
        paper_ids = list(paper_ids)
        for pid in paper_ids:
            entry = papers.get(pid, _EMPTY)
            for flag, members in (("read", self._read), ("starred", self._starred)):
                if entry.get(flag):
                    members.add(pid)
                else:
                    members.discard(pid)
        self._read_copies.changed(paper_ids)
        self._starred_copies.changed(paper_ids)
        self._tagged = self._queue = None
        self.generation += 1

    # -- changes -------------------------------------------------------------------------------

    @contextmanager
    def update(self) -> Iterator[StateChanges]:
        """Gather changes and save them together in one locked save when the block ends.

        Nested blocks join the outermost one. An exception in the block saves nothing. Raises
        StateError when the store is read-only or the save fails (the changes are then not
        applied in memory either).
        """
        with self._mutex:
            if self.read_only:
                raise StateError(f"{self._read_only_why}; not saving")
            if self._batch is not None:
                yield self._batch
                return
            batch = self._batch = StateChanges()
            try:
                yield batch
            finally:
                self._batch = None
            self._last_changes = []
            if batch._ops:
                changes = self._last_changes = self._save(batch._ops)
                undoable = [change for change in changes if change[1] in DEFAULTS]
                if undoable and not any(op[0] == "revert" for op in batch._ops):
                    self._undo.append(undoable)
                    del self._undo[:-_UNDO_DEPTH]

    def set_read(self, paper_ids: Iterable[str], value: bool) -> None:
        """Mark papers read or unread; saved before it returns (inside ``update()``: at its end)."""
        with self.update() as changes:
            changes.set_read(paper_ids, value)

    def set_starred(self, paper_ids: Iterable[str], value: bool) -> None:
        """Star or unstar papers; saved before it returns (inside ``update()``: at its end)."""
        with self.update() as changes:
            changes.set_starred(paper_ids, value)

    def set_tags(self, paper_id: str, tags: Iterable[str]) -> None:
        """Replace a paper's tags; saved before it returns."""
        with self.update() as changes:
            changes.set_tags(paper_id, tags)

    def set_note(self, paper_id: str, note: str) -> None:
        """Replace a paper's note; saved before it returns."""
        with self.update() as changes:
            changes.set_note(paper_id, note)

    def set_arxiv(self, paper_id: str, arxiv: str | None) -> None:
        """Settle a paper's arXiv id (see :meth:`StateChanges.set_arxiv`); saved at once."""
        with self.update() as changes:
            changes.set_arxiv(paper_id, arxiv)

    @property
    def arxiv_choices(self) -> dict[str, str]:
        """Paper id to the user's settled arXiv id (or ``"none"``), for every paper with one."""
        return {pid: e["arxiv"] for pid, e in self._papers.items() if e.get("arxiv") is not None}

    def add_tags(self, paper_ids: Iterable[str], tags: Iterable[str]) -> None:
        """Add tags to papers; saved before it returns."""
        with self.update() as changes:
            changes.add_tags(paper_ids, tags)

    def remove_tags(self, paper_ids: Iterable[str], tags: Iterable[str]) -> None:
        """Remove tags from papers; saved before it returns."""
        with self.update() as changes:
            changes.remove_tags(paper_ids, tags)

    def enqueue(self, paper_ids: Iterable[str]) -> None:
        """Put papers at the end of the reading queue (those already queued stay where they are)."""
        with self.update() as changes:
            changes._ops.append(("enqueue", _ids(paper_ids), None))

    def dequeue(self, paper_ids: Iterable[str]) -> None:
        """Take papers out of the reading queue; saved before it returns."""
        with self.update() as changes:
            changes.set_queued(paper_ids, None)

    def move_in_queue(self, paper_id: str, steps: int) -> bool:
        """Move a queued paper ``steps`` places later (negative: earlier); False if it cannot."""
        with self.update() as changes:
            changes._ops.append(("move", (paper_id,), steps))
        return bool(self._last_changes)

    def pin_keys(self, keys: Mapping[str, str]) -> dict[str, str]:
        """Pin BibTeX keys for the papers that have none yet; saved before it returns.

        Returns the pinned key of every id in ``keys`` that has one: the one just pinned, or the
        one pinned earlier (possibly by another process), which always wins. A key that another
        paper holds by then (another paperterm pinned it first) is not pinned: that id is left
        out, and the caller chooses again (:func:`paperterm.export.export_and_pin` does).
        """
        with self.update() as changes:
            changes.pin_keys(keys)
        return {pid: key for pid in keys if (key := self._papers.get(pid, _EMPTY).get("bibkey"))}

    def undo(self) -> bool:
        """Revert the last change made through this store; saved. False when nothing to undo.

        Repeated calls walk further back. A field another process changed since is left alone.
        Undoing a change still :attr:`unsaved` takes it back in memory: neither is saved then.
        """
        with self._mutex:
            if not self._undo:
                return False
            if self._batch is not None:
                raise RuntimeError("undo() cannot run inside update()")
            last = self._undo.pop()
            unsaved = len(self._unsaved)
            try:
                with self.update() as changes:
                    changes._revert(last)
            except BaseException:
                self._undo.append(last)
                raise
            if unsaved and len(self._unsaved) == unsaved + 1 and self._unsaved[-2] == last:
                del self._unsaved[-2:]  # the change and its undo: nothing left to save
            return True

    # -- saving --------------------------------------------------------------------------------

    @property
    def unsaved(self) -> tuple[tuple[Change, ...], ...]:
        """Changes made in memory while another process held the lock, not saved yet, oldest
        first: one tuple per change (as ``next_undo`` gives them). Empty unless
        ``defer_when_locked`` is set."""
        return tuple(tuple(changes) for changes in self._unsaved)

    def flush(self, lock_timeout: float = 0) -> bool:
        """Save the :attr:`unsaved` changes (merged with the file as any save is); True when
        none is left. Raises LockBusy when another process still holds the lock after
        ``lock_timeout`` seconds, StateError when the save fails (the changes stay unsaved)."""
        with self._mutex:
            if self._unsaved:
                self._commit([], lock_timeout, force=True)
                self._unsaved.clear()
            elif self.journal and not self.read_only and self._journal_there():
                try:
                    self._commit([], lock_timeout, fold=True)
                except storage.LockBusy:
                    pass  # the journal is safe on the disk: folded another time
                except StateError as exc:
                    self._notify(f"the journal is not folded into the state file yet: {exc}")
            return True

    def _save(self, ops: list[tuple[str, Any, Any]]) -> list[Change]:
        """Save ``ops``; when deferring and the lock is held elsewhere, make them in memory."""
        if not self.defer_when_locked:
            return self._commit(ops)
        deferrable = all(op[0] in _DEFERRABLE for op in ops)
        try:
            return self._commit(ops, 0 if deferrable else _NOT_DEFERRED_WAIT)
        except storage.LockBusy:
            if not deferrable:
                raise
        before: Before = {}
        try:
            changes = _apply(self._papers, ops, self._clock(), before)
        except BaseException:
            _restore(self._papers, before)
            raise
        if changes:
            self._refresh_sets(change[0] for change in changes)
            self._unsaved.append(changes)
        return changes

    def _commit(
        self,
        ops: list[tuple[str, Any, Any]],
        lock_timeout: float | None = None,
        *,
        force: bool = False,
        fold: bool = False,
    ) -> list[Change]:
        """Lock, re-read if needed, merge, apply ``ops``, save; return what changed.

        Changes kept :attr:`unsaved` are in memory, so any save saves them too; ``force``
        saves even when ``ops`` change nothing (a flush); ``fold`` writes the whole file, the
        journal folded in. A journaling store appends a line to the journal where it can.
        """
        storage.refuse_symlink(self.path)
        self._make_folder()
        with storage.locked(self.lock_path, lock_timeout):
            storage.refuse_symlink(self.path)
            if not self._swept:
                # Both: a save killed while refreshing the backup leaves the .bak's temp file.
                storage.remove_stale_temps(self.path)
                storage.remove_stale_temps(self.backup_path)
                self._swept = True
            current = storage.fingerprint(self.path)
            news = "other"
            if current is not None and current == self._fingerprint:
                news = self._journal_news()
            if news != "other":
                if news == "grown":  # another process saved a change: read only its lines
                    self._absorb(self._catch_up(locked=True))
                base, extra, good, dirty = self._papers, self._extra, self._disk_good, False
            else:
                lines = self._read_journal(locked=True)
                disk = self._read_locked()
                theirs = disk.decoded.papers if disk.decoded is not None else {}
                if disk.decoded is not None and disk.decoded.schema > SCHEMA:
                    self._enter_read_only(disk.decoded.schema)
                    self._adopt(disk.decoded, disk.fingerprint)
                    raise StateError(f"{self.path}: now has a newer schema; not saving")
                if lines is not None:
                    theirs = merge(lines.papers, theirs)
                base = merge(self._papers, theirs)
                extra = disk.decoded.extra if disk.decoded is not None else self._extra
                good = disk.good
                dirty = disk.recovered or disk.fingerprint is None or base != theirs
            if self.read_only:  # a journal line of a newer version
                raise StateError(f"{self.journal_path}: has a newer version; not saving")
            # Changed in place (a copy of 100k entries would cost more than the save), put back
            # if the save fails: what memory holds is what is on the disk.
            papers = base
            before: Before = {}
            try:
                changes = _apply(papers, ops, self._clock(), before)
                fold = fold and (self._jid is not None or self._jfold)
                if changes or dirty or force or fold or self._unsaved:
                    # A store without ``journal`` appends too while a journal is there: a reader
                    # is likely open, and a whole new file would cost it a whole re-read.
                    if (
                        not (self.journal or self._jid is not None)
                        or fold
                        or dirty
                        or self._jfold
                        or current is None
                        or not good
                        or not self._append(papers, changes, current)
                    ):
                        self._write(papers, good=good, extra=extra)
                    else:
                        self._see(current)
                        self._disk_good = good
                    self._unsaved.clear()
                else:
                    self._see(current)
                    self._disk_good = good
            except BaseException:
                _restore(papers, before)
                raise
            self._extra = extra
        if papers is self._papers:
            self._refresh_sets(change[0] for change in changes)
        else:
            self._replace_papers(papers)
        return changes

    def _make_folder(self) -> None:
        """Create the state's folder on the first save, its new entries flushed to the disk."""
        folder = self.path.parent
        missing = []
        while not folder.is_dir() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        if not missing:
            return
        try:
            missing[0].mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{missing[0]}: cannot create: {storage.reason(exc)}") from exc
        for created in missing:
            with suppress(OSError):  # durability of a new folder is best effort
                storage.fsync_folder(created.parent)

    def _write(
        self, papers: dict[str, Entry], *, good: bool, extra: dict[str, Any] | None = None
    ) -> None:
        """Replace the file with ``papers`` (lock held); the previous file becomes the backup."""
        backup = self.backup_path if good else None
        data = encode(papers, self._extra if extra is None else extra)
        self._see(storage.replace_atomically(self.path, data, backup=backup, warn=self._notify))
        self._disk_good = True
        self._drop_journal()  # its lines are in the file now


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _why(found: journal.Lines) -> str:
    """Why a journal's bad lines were left out: the first one's reason, said to be the first."""
    return found.problem if found.bad == 1 else f"the first: {found.problem}"


Before = dict[str, Entry | None]
"""Each paper's entry before ``_apply`` changed it in place (None: it had none), to undo it."""


def _apply(
    papers: dict[str, Entry], ops: list[tuple[str, Any, Any]], now: float, before: Before
) -> list[Change]:
    """Apply recorded operations to ``papers`` in place, noting in ``before`` each entry they
    replace; return the fields that really changed."""
    changes: list[Change] = []
    for kind, target, value in ops:
        if kind == "pin":
            # Under the lock, against the file just merged: a key another paper holds (pinned
            # meanwhile by another paperterm) is never taken twice, whatever the case.
            taken = {e["bibkey"].casefold() for e in papers.values() if e.get("bibkey")}
            for pid, key in target.items():
                entry = papers.get(pid, _EMPTY)
                if entry.get("bibkey") is None and key.casefold() not in taken:
                    _put(papers, pid, {**entry, "bibkey": key}, before)
                    taken.add(key.casefold())
                    changes.append((pid, "bibkey", None, key))
        elif kind == "revert":
            for pid, field, was, after in reversed(target):
                if current(papers.get(pid, _EMPTY), field) == after:
                    _set(papers, pid, field, was, now, changes, before)
        elif kind in ("tags+", "tags-"):
            for pid in target:
                tags = set(present_tags(papers.get(pid, _EMPTY)))
                tags = tags | set(value) if kind == "tags+" else tags - set(value)
                _set(papers, pid, "tags", tuple(sorted(tags, key=tag_order)), now, changes, before)
        elif kind == "enqueue":
            last = max((e["queued"] for e in papers.values() if "queued" in e), default=None)
            place = float(now) if last is None else max(float(now), float(last) + 1.0)
            for pid in target:
                if "queued" not in papers.get(pid, _EMPTY):
                    _set(papers, pid, "queued", place, now, changes, before)
                    place += 1.0
        elif kind == "move":
            _move(papers, target[0], value, now, changes, before)
        elif kind == "merge":
            for pid, theirs in target.items():
                mine = papers.get(pid)
                merged = theirs if mine is None else merge_entry(theirs, mine)
                if merged != mine:
                    _put(papers, pid, merged, before)
                    changes.append((pid, "merged", None, None))
        else:
            for pid in target:
                _set(papers, pid, kind, value, now, changes, before)
    return changes


def _move(
    papers: dict[str, Entry],
    pid: str,
    steps: int,
    now: float,
    changes: list[Change],
    before: Before,
) -> None:
    """Move a queued paper ``steps`` places along the queue, between its new neighbours."""
    order = sorted((e["queued"], p) for p, e in papers.items() if "queued" in e)
    ids = [p for _, p in order]
    if pid not in ids or not steps:
        return
    old = ids.index(pid)
    new = max(0, min(len(ids) - 1, old + steps))
    if new == old:
        return
    ids.pop(old)
    places = [place for place, p in order if p != pid]
    lower = places[new - 1] if new > 0 else None
    after = places[new] if new < len(places) else None
    if lower is None:
        place = float(after) - 1.0  # type: ignore[arg-type]
    elif after is None:
        place = float(lower) + 1.0
    else:
        place = (float(lower) + float(after)) / 2
        if not lower < place < after:  # the places are too close: space the queue out again
            for number, other in enumerate([*ids[:new], pid, *ids[new:]]):
                _set(papers, other, "queued", float(number), now, changes, before)
            return
    _set(papers, pid, "queued", place, now, changes, before)


def _set(
    papers: dict[str, Entry],
    pid: str,
    field: str,
    value: Any,
    now: float,
    changes: list[Change],
    before: Before,
) -> None:
    entry = papers.get(pid, _EMPTY)
    was = current(entry, field)
    if was == value:
        return
    if field == "tags":
        _put(papers, pid, with_tags(entry, value, now), before)
    else:
        entry = with_field(entry, field, value, DEFAULTS[field], TIME_FIELD[field], now)
        _put(papers, pid, entry, before)
    changes.append((pid, field, was, value))


def _put(papers: dict[str, Entry], pid: str, entry: Entry, before: Before) -> None:
    if pid not in before:
        before[pid] = papers.get(pid)
    papers[pid] = entry


def _restore(papers: dict[str, Entry], before: Before) -> None:
    """Put back the entries ``_apply`` replaced."""
    for pid, entry in before.items():
        if entry is None:
            papers.pop(pid, None)
        else:
            papers[pid] = entry
