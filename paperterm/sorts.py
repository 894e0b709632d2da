"""The orders a list of papers can be sorted in, by name: one registry for the reader and scripts.

The reader's ``t`` cycles through :data:`SORTS` in the order they are registered, and
``paperterm list --sort NAME`` takes the same names. A new order is one entry: a
:class:`SortOrder` with a name and a key, passed to :func:`register` below the others.

An order either keeps the order the rows came in (``relevance``: the search's order, which is
catalogue order while no query is in force), keeps catalogue order (``catalogue``), or sorts by
a key computed for each paper. Ties keep catalogue order, so every order is deterministic.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.search import Ranking
from paperterm.search.rank import FIRST_WINDOW, ListedOnDemand

PaperKey = Callable[[Paper], Any]
"""A paper's sort key (anything comparable with the keys of the other papers)."""


@dataclass(frozen=True)
class SortContext:
    """What an order may look at besides the papers: the user's marks."""

    catalog: Catalog
    """Every loaded paper."""
    read: frozenset[str] = frozenset()
    """Ids of the papers marked read."""
    starred: frozenset[str] = frozenset()
    """Ids of the starred papers."""


@dataclass(frozen=True)
class SortOrder:
    """One way to order papers."""

    name: str
    """What ``list --sort`` takes and the reader's ``t`` cycles through."""
    help: str
    """One line saying what it does, for ``--help``."""
    key: Callable[[SortContext], PaperKey] | None = None
    """Given the context, each paper's key (smallest first); None keeps the rows' own order:
    the search's (:attr:`follows_search`) or catalogue order."""
    label: str = ""
    """How the reader's status line names it ("by LABEL"); the name when empty."""
    follows_search: bool = False
    """With no key: keep the search's order (best first) rather than catalogue order."""
    uses_marks: bool = False
    """Whether the key depends on the marks (then it is not cached between changes of them)."""
    _cache: weakref.WeakKeyDictionary[Catalog, _Ordered] = field(
        default_factory=weakref.WeakKeyDictionary, compare=False, repr=False
    )

    @property
    def shown_as(self) -> str:
        """The name the user sees."""
        return self.label or self.name

    def ranks(self, context: SortContext) -> list[int]:
        """Each paper's position in this order, by catalogue index (computed once per catalogue,
        and per marks when the key uses them)."""
        if self.key is None:
            return list(range(len(context.catalog)))
        return self._ordered(context).ranks

    def _ordered(self, context: SortContext) -> _Ordered:
        assert self.key is not None
        marks = (context.read, context.starred) if self.uses_marks else None
        token = (marks, context.catalog.meta_version)  # enrich changes dates in place
        cached = self._cache.get(context.catalog)
        if cached is not None and cached.token == token:
            return cached
        key = self.key(context)
        papers = context.catalog.papers
        order = sorted(range(len(papers)), key=lambda i: key(papers[i]))
        ranks = [0] * len(order)
        for position, index in enumerate(order):
            ranks[index] = position
        ordered = self._cache[context.catalog] = _Ordered(token, ranks, order)
        return ordered

    def apply(self, rows: Sequence[int], context: SortContext, *, searched: bool) -> Sequence[int]:
        """``rows`` (catalogue indices, as the search gave them) in this order.

        ``searched`` says a query was in force; without one the rows are in catalogue order
        already, and the orders without a key return them untouched (no copy of a huge range).
        """
        if self.key is None:
            if self.follows_search or not searched:
                return rows
            if isinstance(rows, Ranking):
                # The matches in catalogue order, listed as the list shows them: sorting the
                # whole ranking took 8-27 ms a key at 100k papers.
                return rows.in_catalogue_order()
            return sorted(rows)
        ordered = self._ordered(context)
        if len(rows) >= _WALKED_FROM:
            walked = ordered.walk(rows)
            if walked is not None:
                return walked
        return sorted(rows, key=ordered.ranks.__getitem__)


_WALKED_FROM = 2_000
"""Rows from which a keyed sort walks the whole order with numpy instead, as far as the rows
are asked for (:class:`Walked`): the list shows a screen of them, and sorting 100k rows by
their ranks took 40-60 ms on every key typed, 4-12 ms for 5k to 100k rows listed whole."""


@dataclass
class _Ordered:
    """One catalogue in one order, for the marks and metadata in ``token``."""

    token: object
    ranks: list[int]
    """Each paper's position in the order, by catalogue index."""
    order: list[int]
    """The catalogue indices in the order."""
    _array: Any = None

    def walk(self, rows: Sequence[int]) -> Walked | None:
        """``rows`` in this order, read off the whole order as they are asked for; None
        without numpy."""
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is a dependency; a broken install
            return None
        if self._array is None:
            self._array = np.array(self.order, dtype=np.int64)
        size = len(self.order)
        if isinstance(rows, Ranking):
            wanted = np.frombuffer(rows.flags(), dtype=np.bool_)
        else:
            wanted = np.zeros(size, dtype=np.bool_)
            if isinstance(rows, range) and rows.step == 1:
                wanted[rows.start : rows.stop : rows.step] = True
            else:
                wanted[np.fromiter(rows, dtype=np.int64, count=len(rows))] = True
        return Walked(self._array, self.ranks, wanted, len(rows))


class Walked(ListedOnDemand):
    """Rows in an order, listed off the whole order as far as they are asked for (the first
    screen of a list costs a window of the order, not all of it)."""

    _what = "walked rows"

    def __init__(self, order: Any, ranks: list[int], wanted: Any, count: int) -> None:
        """``order``: numpy array of the catalogue indices in the order; ``ranks``: each
        paper's place in it; ``wanted``: numpy array of one bool per paper, true for the rows
        (``count`` of them)."""
        self._order = order
        self._ranks = ranks
        self._wanted = wanted
        self._count = count
        self._listed: list[int] = []
        self._next = 0
        self._window = FIRST_WINDOW

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[int]:
        self._list_until(self._count)
        return iter(self._listed)

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, int) and 0 <= value < len(self._wanted) and bool(self._wanted[value])
        )

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` is, counted off the order before it (nothing listed)."""
        if value not in self:
            raise ValueError(f"{value!r} is not in the rows")
        assert isinstance(value, int)
        before = self._order[: self._ranks[value]]
        position = int(self._wanted[before].sum())
        if not start <= position < (self._count if stop is None else stop):
            raise ValueError(f"{value!r} is not in the rows")
        return position

    def __repr__(self) -> str:
        return f"Walked({self._count} rows)"

    def _list_until(self, count: int) -> None:
        order, wanted = self._order, self._wanted
        while len(self._listed) < count and self._next < len(order):
            stop = min(len(order), self._next + self._window)
            window = order[self._next : stop]
            self._listed.extend(window[wanted[window]].tolist())
            self._next, self._window = stop, self._window * 2


SORTS: dict[str, SortOrder] = {}
"""Every order by name, in the order ``t`` cycles through them."""


def register(order: SortOrder) -> SortOrder:
    """Add ``order`` to :data:`SORTS` (after the others) and return it."""
    if order.name in SORTS:
        raise ValueError(f"a sort order named {order.name!r} exists already")
    SORTS[order.name] = order
    return order


def names() -> tuple[str, ...]:
    """The orders' names, in the order ``t`` cycles through them."""
    return tuple(SORTS)


def get(name: str) -> SortOrder:
    """The order called ``name``; KeyError when there is none."""
    return SORTS[name]


def following(name: str, *, searched: bool = True) -> str:
    """The name of the order after ``name`` (the first after the last): what ``t`` goes to.

    Without a query (``searched`` false) every order without a key is catalogue order, so from
    one of them the others are skipped: a step that changes nothing looks like a broken key.
    """
    order = names()
    if name not in SORTS:
        return order[0]
    start = order.index(name)
    for step in range(1, len(order)):
        candidate = order[(start + step) % len(order)]
        if searched or SORTS[name].key is not None or SORTS[candidate].key is not None:
            return candidate
    return order[(start + 1) % len(order)]


def _title(context: SortContext) -> PaperKey:
    return lambda paper: paper.title.casefold()


RELEVANCE = register(
    SortOrder(
        "relevance",
        "best match first (catalogue order without a query)",
        follows_search=True,
    )
)
CATALOGUE = register(SortOrder("catalogue", "the order the dumps list the papers in"))
TITLE = register(SortOrder("title", "by title, A to Z (case ignored)", key=_title))


def _for_you(context: SortContext) -> PaperKey:
    # Imported here: the term vectors and the model are only wanted when this order is.
    from paperterm.recommend import for_you

    picks = for_you(context.catalog.papers, context.read, context.starred)
    rank = [0] * len(picks.order)
    for position, index in enumerate(picks.order):
        rank[index] = position
    return lambda paper: rank[paper.index]


FOR_YOU = register(
    SortOrder(
        "for-you",
        "the unread ranked by what you starred, then the read (catalogue order before a star)",
        key=_for_you,
        label="for you",
        uses_marks=True,
    )
)


def _upvotes(context: SortContext) -> PaperKey:
    def key(paper: Paper) -> tuple[bool, int]:
        upvotes = paper.meta.upvotes if paper.meta is not None else None
        return (upvotes is None, -(upvotes or 0))

    return key


UPVOTES = register(
    SortOrder(
        "upvotes",
        "most upvoted on Hugging Face first (papers from saved API answers; the rest after)",
        key=_upvotes,
        label="trending",
    )
)


def _date(context: SortContext) -> PaperKey:
    def key(paper: Paper) -> tuple[int, int]:
        published = paper.meta.published if paper.meta is not None else None
        return (0, -int(published.replace("-", ""))) if published else (1, 0)

    return key


DATE = register(
    SortOrder(
        "date",
        "newest first, by the first version's date (papers with no known date last)",
        key=_date,
        label="date",
    )
)
