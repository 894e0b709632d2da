"""The in-memory catalogue: every loaded paper, by order and by id, and search over them."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from paperterm.model import Metadata, Paper
from paperterm.search import cache
from paperterm.search.ahead import Ahead
from paperterm.search.engine import Searcher
from paperterm.search.index import SearchIndex
from paperterm.search.query import parse

TITLES_FIRST = 20_000
"""From this many papers, a first open indexes the titles first (see ``search_indices_now``)."""


class Catalog:
    """Papers in catalogue order (first appearance), addressable by id, searchable."""

    def __init__(self, papers: Sequence[Paper], warnings: Sequence[str] = ()) -> None:
        self.papers: tuple[Paper, ...] = _numbered(papers)
        """Every paper, in catalogue order; ``papers[n].index == n``."""
        self.warnings: tuple[str, ...] = tuple(warnings)
        """One line per problem met while loading (bad file, title without abstract...)."""
        self._by_id = {paper.id: paper for paper in self.papers}
        self.meta_version = 0
        """Counts the changes of metadata (:meth:`set_meta`), for what caches by catalogue."""
        self._searcher: Searcher | None = None
        self._search_lock = threading.Lock()
        self._titles: Searcher | None = None
        self._titles_done = False
        self._titles_lock = threading.Lock()
        self._titles_wanted: bool | None = None
        self._cache_key: str | None = None
        self._key_lock = threading.Lock()
        self._ahead: Ahead | None = None
        self._sources: str | None = None

    def index_ahead(self, ahead: Ahead) -> None:
        """Take the index being built ahead from these papers' texts (the loader's, see
        :mod:`paperterm.search.ahead`): the first build uses it (checked) instead of building."""
        self._ahead = ahead

    def loaded_from(self, sources: str) -> None:
        """Where the papers were read from (``cache.sources_key``): once the index is saved or
        loaded, the cache notes which one it was, so that the next load from the same files
        knows before reading them that the index will not be built (see
        ``cache.likely_saved``)."""
        self._sources = sources

    def __len__(self) -> int:
        return len(self.papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._by_id

    def __getitem__(self, paper_id: str) -> Paper:
        return self._by_id[paper_id]

    def get(self, paper_id: str) -> Paper | None:
        """The paper with this id, or None."""
        return self._by_id.get(paper_id)

    def search(
        self,
        query: str,
        *,
        read: Collection[str] = frozenset(),
        starred: Collection[str] = frozenset(),
        flags: Mapping[str, Collection[str]] | None = None,
        hide: Collection[str] = frozenset(),
    ) -> list[Paper]:
        """Papers matching ``query`` (see :mod:`paperterm.search.query`), best first.

        The empty query gives catalogue order. ``read`` and ``starred`` are the ids the
        ``is:`` terms test against; ``flags`` the ids of the others (``new``, ``muted``,
        ``queued``, ``tag:NAME`` with the name casefolded). The papers of ``hide`` are left out.
        The first non-empty query builds the search index.
        """
        papers = self.papers
        found = self.search_indices(query, read=read, starred=starred, flags=flags, hide=hide)
        return [papers[n] for n in found]

    def search_indices(
        self,
        query: str,
        *,
        read: Collection[str] = frozenset(),
        starred: Collection[str] = frozenset(),
        flags: Mapping[str, Collection[str]] | None = None,
        hide: Collection[str] = frozenset(),
    ) -> Sequence[int]:
        """Like :meth:`search`, as positions in :attr:`papers` (a virtual list needs no more).

        Positions equal ``Paper.index`` for catalogues the loader builds. The answer is a
        read-only sequence that lists itself on demand: ``len()``, indexing the first screen and
        ``.index(position)`` stay fast when a query matches most of a huge catalogue. The exact
        matches (every term matched without a typo) come first; ``exact_count(answer)`` from
        :mod:`paperterm.search` says how many there are.
        """
        parsed = parse(query)
        if parsed.is_empty:
            if not hide:
                return range(len(self.papers))
            by_id = self._by_id
            hidden = {by_id[pid].index for pid in hide if pid in by_id}
            return [n for n in range(len(self.papers)) if n not in hidden]
        with self._search_lock:
            searcher = self._searcher_now()
            try:
                return searcher.search(parsed, read, starred, flags=flags, hide=hide)
            except Exception:
                if not searcher.index.loaded:
                    raise
                # A saved index that passed its checks yet fails a search was forged or damaged
                # in a way the checks miss: build afresh (saving over it) and answer from that.
                self._searcher = self._new_searcher(use_saved=False)
                return self._searcher.search(parsed, read, starred, flags=flags, hide=hide)

    def set_meta(self, metas: Mapping[str, Metadata | None]) -> None:
        """Give papers their metadata (paper id -> metadata), in place.

        Ids, titles and order stay; only ``Paper.meta`` changes, so the search index is kept and
        metadata terms (``author:``, ``year:``) see the new values at the next search.
        """
        if not metas:
            return
        with self._search_lock:
            self.papers = tuple(
                replace(paper, meta=metas[paper.id]) if paper.id in metas else paper
                for paper in self.papers
            )
            self._by_id = {paper.id: paper for paper in self.papers}
            self.meta_version += 1
            if self._searcher is not None:
                self._searcher.index.papers = self.papers

    def search_indices_now(
        self,
        query: str,
        *,
        read: Collection[str] = frozenset(),
        starred: Collection[str] = frozenset(),
        flags: Mapping[str, Collection[str]] | None = None,
        hide: Collection[str] = frozenset(),
    ) -> tuple[Sequence[int], bool]:
        """Like :meth:`search_indices`, without waiting for the first build of a big catalogue's
        index; and whether the answer is complete.

        Until the index of a catalogue of :data:`TITLES_FIRST` papers or more is built (none
        saved in the cache), the answer comes from an index of the titles alone, built first in
        a fraction of the time: the papers whose titles match, ranked as their titles say
        (``complete`` is then False; ask again once :meth:`prepare_search` has returned).
        Otherwise this is :meth:`search_indices`.
        """
        parsed = parse(query)
        if parsed.is_empty and not hide:
            return range(len(self.papers)), True
        if not parsed.is_empty and self._searcher is None and self._titles_first():
            titles = self._title_searcher()
            if titles is not None:
                with self._titles_lock:
                    return titles.search(parsed, read, starred, flags=flags, hide=hide), False
        found = self.search_indices(query, read=read, starred=starred, flags=flags, hide=hide)
        return found, True

    def _titles_first(self) -> bool:
        """Whether a first answer from the titles pays: a big catalogue, no index saved.

        Decided once. When the cache dir holds no saved index at all (a first open), without
        the catalogue's key: a digest of every text, a fifth of a second at 100k papers.
        """
        if len(self.papers) < TITLES_FIRST:
            return False
        if self._titles_wanted is None:
            directory = self._cache_dir()
            self._titles_wanted = (
                directory is None
                or not cache.any_saved(directory)
                or not cache.has(directory, self._key())
            )
        return self._titles_wanted

    def _key(self) -> str:
        """The catalogue's key in the cache, computed once (a thread asking meanwhile waits)."""
        with self._key_lock:
            if self._cache_key is None:
                self._cache_key = cache.catalogue_key(self.papers)
            return self._cache_key

    def _title_searcher(self) -> Searcher | None:
        """The titles-only searcher, built now if needed; None once the whole index exists."""
        with self._titles_lock:
            if self._searcher is not None or self._titles_done:
                return None
            if self._titles is None:
                index = SearchIndex(self.papers, titles_only=True, ahead=self._ahead)
                self._titles = Searcher(index)
            return self._titles

    @property
    def index_coming(self) -> bool:
        """Whether the index is being built ahead, in a helper process (see
        :meth:`index_ahead`): waiting for it takes no CPU time from this process."""
        return self._ahead is not None and not self._ahead.failed

    @property
    def search_ready(self) -> bool:
        """Whether the search index is built (a search will not wait for it)."""
        return self._searcher is not None

    def prepare_search(self) -> float:
        """Build the search index now (say, in a worker at start-up); return the seconds taken.

        Searching builds it anyway when first needed; this only moves the wait. A large
        catalogue's index is saved in the user cache dir and loaded, not rebuilt, the next time
        the same papers are opened (see :mod:`paperterm.search.cache`).
        """
        with self._search_lock:
            if self._searcher is not None:
                return 0.0
            started = time.perf_counter()
            if self._titles_first():
                self._title_searcher()  # first, so that a search can answer from the titles
            self._searcher_now()
            return time.perf_counter() - started

    def prepare_typing(self, query: str) -> None:
        """Find ahead what the search of ``query`` with one more letter typed at its end will
        want (the typo search's prefixes of the word being typed), so that the next key of a
        word does not wait for it: for the reader, between keys. Nothing before the index is
        built, after a blank (a new word comes), or while a search runs (it is more urgent)."""
        if self._searcher is None or not query.strip() or query[-1:].isspace():
            return
        if not self._search_lock.acquire(blocking=False):
            return
        try:
            self._searcher.prepare(parse(query))
        finally:
            self._search_lock.release()

    def _searcher_now(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._new_searcher()
            with self._titles_lock:
                self._titles = None
                self._titles_done = True
        return self._searcher

    def _cache_dir(self) -> Path | None:
        return cache.default_dir() if len(self.papers) >= cache.MIN_PAPERS else None

    def _new_searcher(self, use_saved: bool = True) -> Searcher:
        directory = self._cache_dir()
        key = self._key() if directory is not None else None
        ahead, self._ahead = self._ahead, None
        try:
            index = SearchIndex(self.papers, directory, use_saved=use_saved, key=key, ahead=ahead)
        finally:
            if ahead is not None:
                ahead.cancel()  # done, or not needed (a saved index was loaded)
        if directory is not None and key is not None and self._sources is not None:
            cache.remember(directory, self._sources, key)
        return Searcher(index)


def _numbered(papers: Sequence[Paper]) -> tuple[Paper, ...]:
    """The papers with ``index`` equal to their position (the loader's already are; papers made
    by hand for a script or a test may not be, and the reader relies on it)."""
    papers = tuple(papers)
    if all(paper.index == position for position, paper in enumerate(papers)):
        return papers
    return tuple(replace(paper, index=position) for position, paper in enumerate(papers))
