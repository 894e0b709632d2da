"""The inbox: what is new since the last visit, what is muted, saved filters (CLI and reader).

- **New**: a paper is new from its first appearance in a loaded dump until a run of the reader
  that had it in its catalogue is quit (see :mod:`paperterm.state.seen`). Only
  :meth:`Inbox.end_visit`, which the reader's quit calls, ends it; ``paperterm list`` never does.
- **Mute rules** are queries in the query language as it is; a paper any rule matches is muted:
  left out of every view and of ``paperterm list`` unless the query asks for ``is:muted`` (which
  shows only them) or the caller includes them (``--muted``, the reader's reveal key). A rule
  that filters nothing (empty, or only ignored pieces) mutes nothing.
- **Saved filters**: a name and a query each; saved, renamed or changed, deleted.

Mute rules and saved filters live in ``filters.json`` in the user config dir (they are the user's
set-up, not per-paper state); every change re-reads the file under a lock and replaces it
atomically, so the reader and ``paperterm mute`` never undo each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from paperterm.catalog import Catalog
from paperterm.errors import StateError
from paperterm.locations import filters_path
from paperterm.model import Paper
from paperterm.sanitize import clean_text
from paperterm.search.query import Query, parse
from paperterm.state import StateStore, storage
from paperterm.state.seen import Seen
from paperterm.triage import Marks, select_rows

MAX_QUERY = 1000
"""The longest query kept as a rule or a saved filter (characters)."""


@dataclass(frozen=True, slots=True)
class SavedFilter:
    """A query kept under a name."""

    name: str
    """What the user calls it (unique, case ignored)."""
    query: str
    """The query, as typed."""


@dataclass(frozen=True, slots=True)
class Filters:
    """The mute rules and saved filters, as read."""

    mute: tuple[str, ...] = ()
    """Mute rules, in the order added (numbered from 1 when listed)."""
    saved: tuple[SavedFilter, ...] = ()
    """Saved filters, in the order added."""


def _names_muted(query: Query) -> bool:
    """Whether ``query`` tests ``is:muted``, negated or not: what the mute rules hide cannot
    decide what they hide (``!is:muted`` muted every paper, ``is:muted`` none)."""
    return any(
        term.kind == "state" and term.flag == "muted"
        for group in query.groups
        for term in group.alternatives
    )


def _clean_query(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    query = " ".join(clean_text(text).split())[:MAX_QUERY]
    return query or None


def _decode(data: bytes) -> Filters:
    """A filters file's content; anything malformed in it is skipped, never trusted."""
    top = orjson.loads(data)
    if not isinstance(top, dict):
        raise ValueError("not a JSON object")
    mute = [query for item in top.get("mute", []) or [] if (query := _clean_query(item))]
    saved: dict[str, SavedFilter] = {}
    for item in top.get("saved", []) or []:
        if not isinstance(item, dict):
            continue
        name, query = _clean_query(item.get("name")), _clean_query(item.get("query"))
        if name and query and name.casefold() not in saved:
            saved[name.casefold()] = SavedFilter(name[:80], query)
    return Filters(tuple(dict.fromkeys(mute)), tuple(saved.values()))


def _encode(filters: Filters) -> bytes:
    data: dict[str, Any] = {
        "version": 1,
        "mute": list(filters.mute),
        "saved": [{"name": saved.name, "query": saved.query} for saved in filters.saved],
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


class FilterFile:
    """``filters.json``: read when asked, changed under a lock (re-read, change, replace)."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time):
        self.path = Path(path or filters_path())
        """The file."""
        self.notices: list[str] = []
        """One-line messages for the user (a damaged file moved aside)."""
        self._clock = clock

    @property
    def _lock(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def read(self) -> Filters:
        """The rules and filters now on disk (none when there is no file)."""
        got = storage.read_file(self.path)
        if got is None:
            return Filters()
        try:
            return _decode(got[0])
        except (ValueError, orjson.JSONDecodeError) as exc:
            message = f"{self.path}: unreadable ({exc}); no mute rules or saved filters used"
            if message not in self.notices:
                self.notices.append(message)
            return Filters()

    def change(self, edit: Callable[[Filters], Filters]) -> Filters:
        """Apply ``edit`` to the current file under the lock and save; return the new content.

        A damaged file is moved aside first (named in ``notices``). Raises StateError when the
        file cannot be written, ValueError from ``edit`` for a bad request.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{self.path.parent}: cannot create: {storage.reason(exc)}") from exc
        with storage.locked(self._lock):
            got = storage.read_file(self.path)
            current = Filters()
            if got is not None:
                try:
                    current = _decode(got[0])
                except (ValueError, orjson.JSONDecodeError) as exc:
                    aside = storage.move_aside(self.path, "corrupt", self._clock())
                    self.notices.append(f"{self.path}: unreadable ({exc}); moved to {aside.name}")
            changed = edit(current)
            if changed != current:
                storage.replace_atomically(
                    self.path, _encode(changed), backup=None, warn=self.notices.append
                )
            return changed

    def add_mute(self, query: str) -> Filters:
        """Add a mute rule (a rule already there is not added twice)."""
        rule = _clean_query(query)
        if rule is None or parse(rule).is_empty:
            raise ValueError(f"not a rule that filters anything: {query!r}")
        if _names_muted(parse(rule)):
            raise ValueError(f"a mute rule cannot ask what is muted (is:muted): {query!r}")
        return self.change(
            lambda now: Filters((*now.mute, rule), now.saved) if rule not in now.mute else now
        )

    def remove_mute(self, number: int) -> tuple[str, Filters]:
        """Remove rule ``number`` (from 1, as listed); return it. ValueError when there is none."""
        removed: list[str] = []

        def edit(now: Filters) -> Filters:
            if not 1 <= number <= len(now.mute):
                count = len(now.mute)
                raise ValueError(
                    f"no mute rule {number}: there {'is' if count == 1 else 'are'} {count}"
                )
            removed.append(now.mute[number - 1])
            return Filters(now.mute[: number - 1] + now.mute[number:], now.saved)

        after = self.change(edit)
        return removed[0], after

    def save_filter(self, name: str, query: str) -> Filters:
        """Keep ``query`` under ``name`` (replacing a filter of that name, case ignored)."""
        clean_name, clean_query = _clean_query(name), _clean_query(query)
        if clean_name is None or clean_query is None:
            raise ValueError("a saved filter needs a name and a query")
        kept = SavedFilter(clean_name[:80], clean_query)

        def edit(now: Filters) -> Filters:
            saved = list(now.saved)
            for number, old in enumerate(saved):
                if old.name.casefold() == kept.name.casefold():
                    saved[number] = kept
                    break
            else:
                saved.append(kept)
            return Filters(now.mute, tuple(saved))

        return self.change(edit)

    def edit_filter(self, name: str, new_name: str, query: str) -> Filters:
        """Rename the saved filter ``name`` (case ignored) to ``new_name`` and give it ``query``;
        it keeps its place in the list. ValueError when no filter is called ``name`` (deleted
        meanwhile), when another one is called ``new_name``, or when either is left empty."""
        clean_name, clean_query = _clean_query(new_name), _clean_query(query)
        if clean_name is None or clean_query is None:
            raise ValueError("a saved filter needs a name and a query")
        kept = SavedFilter(clean_name[:80], clean_query)
        old, folded = name.casefold(), kept.name.casefold()

        def edit(now: Filters) -> Filters:
            places = [n for n, saved in enumerate(now.saved) if saved.name.casefold() == old]
            if not places:
                raise ValueError(f"no saved filter is called {name!r} any more")
            if folded != old and any(s.name.casefold() == folded for s in now.saved):
                raise ValueError(f"a saved filter is called {kept.name!r} already")
            saved = list(now.saved)
            saved[places[0]] = kept
            return Filters(now.mute, tuple(saved))

        return self.change(edit)

    def remove_filter(self, name: str) -> Filters:
        """Forget the saved filter called ``name`` (case ignored); nothing when there is none."""
        folded = name.casefold()
        return self.change(
            lambda now: Filters(
                now.mute, tuple(s for s in now.saved if s.name.casefold() != folded)
            )
        )


class Inbox:
    """One catalogue seen through the user's state, seen set and mute rules."""

    def __init__(
        self,
        catalog: Catalog,
        store: StateStore,
        *,
        seen: Seen | None = None,
        filters: FilterFile | None = None,
    ) -> None:
        self.catalog = catalog
        """The papers loaded."""
        self.store = store
        """The state (read, starred, tags, queue)."""
        self.seen = seen if seen is not None else Seen.beside(store.path)
        """Which papers quit readers had loaded."""
        self.filters = filters if filters is not None else FilterFile()
        """The mute rules and saved filters file."""
        self.new_ids = self.seen.new_ids(paper.id for paper in catalog)
        """The papers of the catalogue new since the last visit (fixed for this run)."""
        self.rules: tuple[str, ...] = self.filters.read().mute
        """The mute rules in force."""
        self._muted: tuple[object, frozenset[str]] | None = None

    def replace_catalog(self, catalog: Catalog) -> None:
        """Look at ``catalog`` instead (the reader fetched more papers): its new papers are those
        no quit reader had; the visit goes on, so the old catalogue's new papers stay new."""
        self.catalog = catalog
        self.new_ids = self.seen.new_ids(paper.id for paper in catalog)
        self._muted = None

    @property
    def notices(self) -> list[str]:
        """What the seen set and the filters file had to say."""
        return [*self.seen.notices, *self.filters.notices]

    def flags(self) -> dict[str, Collection[str]]:
        """The ids each state term of the query language tests (besides read and starred)."""
        found: dict[str, Collection[str]] = {
            "new": self.new_ids,
            "queued": frozenset(self.store.queue),
        }
        for name, ids in self.store.tag_index.items():
            found[f"tag:{name}"] = ids
        return found

    def muted_ids(self) -> frozenset[str]:
        """The papers of the catalogue any mute rule matches (cached until the state changes)."""
        store = self.store
        key = (self.rules, store.generation)
        if self._muted is not None and self._muted[0] == key:
            return self._muted[1]
        flags = self.flags()
        muted: set[str] = set()
        for rule in self.rules:
            if parse(rule).is_empty or _names_muted(parse(rule)):
                continue  # a hand-edited rule that cannot be one (see add_mute)
            found = self.catalog.search_indices(
                rule, read=store.read_ids, starred=store.starred_ids, flags=flags
            )
            papers = self.catalog.papers
            muted.update(papers[n].id for n in found)
        result = frozenset(muted)
        self._muted = (key, result)
        return result

    def reload_rules(self) -> None:
        """Read the mute rules again (after ``paperterm mute`` or the reader changed them)."""
        self.rules = self.filters.read().mute
        self._muted = None

    def marks(self, *, wait: bool = True) -> Marks:
        """The marks, flags and muted papers as they are now, for :func:`select_rows`.

        Finding the muted papers takes the search index; with ``wait`` False and the index not
        built yet, the muted set last found (or none) stands in, so the reader's first frame
        never waits for the index: it refilters once the index is ready.
        """
        store = self.store
        if not self.rules:
            muted: frozenset[str] = frozenset()
        elif wait or self.catalog.search_ready:
            muted = self.muted_ids()
        else:
            muted = self._muted[1] if self._muted is not None else frozenset()
        return Marks(
            store.read_ids, store.starred_ids, flags=self.flags(), muted=muted, queue=store.queue
        )

    def search_indices(self, query: str, *, include_muted: bool = False) -> Sequence[int]:
        """Catalogue positions of the papers ``query`` matches, best first, muted ones left out
        unless ``include_muted`` or the query asks for ``is:muted``."""
        return select_rows(self.catalog, self.marks(), query, include_muted=include_muted)

    def search(self, query: str, *, include_muted: bool = False) -> list[Paper]:
        """Like :meth:`search_indices`, as papers."""
        papers = self.catalog.papers
        return [papers[n] for n in self.search_indices(query, include_muted=include_muted)]

    def end_visit(self, *, lock_timeout: float | None = None) -> int:
        """The reader is being quit: every paper of its catalogue is new no more. Returns how
        many were new. A killed reader never gets here, so it ends nothing. Raises LockBusy
        when another process holds the state's lock past ``lock_timeout`` seconds."""
        return self.seen.end_visit((paper.id for paper in self.catalog), lock_timeout=lock_timeout)
