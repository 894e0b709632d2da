"""The triage model: what the reader shows for a catalogue, the marks, a query, a view and a sort.

No Textual here: the reader's Main screen asks this module for the rows, the counts, the next
unread paper, what an empty list says and what the status line says, and only draws them; the
command line selects papers with the same :func:`select_rows`, so both agree on what "unread",
"starred" and every sort order mean.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from paperterm import sorts
from paperterm.catalog import Catalog
from paperterm.idsets import KnownSets
from paperterm.search import Ranking, exact_count, parse
from paperterm.search.bitset import Universe

_VIEW_STATES: dict[str, tuple[str, ...]] = {
    "all": (),
    "unread": ("unread",),
    "starred": ("starred",),
    "new": ("new",),
    "queue": ("queued",),
}
"""The states (``is:`` values) each view keeps to."""

View = Literal["all", "unread", "starred", "new", "queue"]
VIEWS: tuple[View, ...] = ("all", "unread", "starred", "new", "queue")
"""The reader's views (keys 1 to 5). A view chooses which papers; the filter (typed, or a saved
filter) narrows any view; the queue view lists in the queue's own order."""


@dataclass(frozen=True)
class Marks:
    """The user's marks at one moment (the store hands out frozen sets, so this is a snapshot)."""

    read: frozenset[str] = frozenset()
    """Ids of the papers marked read."""
    starred: frozenset[str] = frozenset()
    """Ids of the starred papers."""
    flags: Mapping[str, Collection[str]] = field(default_factory=dict)
    """Ids for the query language's other state terms: ``new``, ``queued``, ``tag:NAME``
    (see :meth:`paperterm.inbox.Inbox.marks`)."""
    muted: frozenset[str] = frozenset()
    """Ids of the papers the mute rules match: left out unless asked for."""
    queue: tuple[str, ...] = ()
    """Ids of the queued papers, in queue order."""


@dataclass(frozen=True)
class Selection:
    """Which papers to show, and in which order."""

    query: str = ""
    """The filter (see :mod:`paperterm.search.query`); blank: every paper."""
    view: View = "all"
    """All papers, the unread ones, or the starred ones."""
    sort: str = "relevance"
    """A name from :mod:`paperterm.sorts`."""
    include_muted: bool = False
    """Show the papers the mute rules hide too."""

    @property
    def words(self) -> str:
        """The query without surrounding blanks (empty when no filter is in force)."""
        return self.query.strip()


@dataclass(frozen=True)
class Rows:
    """The papers shown, as catalogue indices in display order."""

    indices: Sequence[int]
    """Catalogue indices, in display order (a range or a lazy ranking for huge lists)."""
    members: Collection[int] | None
    """The same indices with a quick ``in``: a set, a range, or the search's lazy ranking itself
    (it answers from its bit sets, without listing 100k matches on every key); None when every
    paper is shown."""
    complete: bool = True
    """False for a first answer from the titles alone, while the search index is built."""
    exact: int | None = None
    """With a query: how many shown papers match every term without a typo (the rest are close
    matches, a typo somewhere); None without a query."""
    exact_first: bool = False
    """Whether those exact matches are the first ``exact`` rows (the order follows the search),
    so that the reader can draw a divider before the close ones."""
    muted: int = 0
    """How many muted papers this view and filter hold: hidden from the rows (the reveal key
    would add them), or among them when muted papers are shown."""


@dataclass(frozen=True)
class Counts:
    """The numbers the status line shows."""

    shown: int
    """Papers in the list."""
    total: int
    """Papers loaded."""
    read: int
    """Papers in the list marked read."""
    starred: int
    """Starred papers among those loaded (shown or not)."""
    new: int = 0
    """Papers loaded that are new since the last visit (muted ones left out)."""
    muted: int = 0
    """Muted papers in the view and filter shown (see :attr:`Rows.muted`), not in the whole
    catalogue: what revealing them would add to this list."""
    exact: int | None = None
    """With a query: shown papers matching every term without a typo (see :class:`Rows`)."""

    @property
    def unread(self) -> int:
        """Papers in the list not yet read."""
        return self.shown - self.read


@dataclass(frozen=True)
class Status:
    """Everything the status line says."""

    counts: Counts
    """How many papers are shown, read and starred."""
    selection: Selection
    """The query, view and sort in force."""
    read_only: bool = False
    """The state file cannot be written (a newer schema)."""
    messages: int = 0
    """Notices this session (reachable on the help screen)."""
    indexing: bool = False
    """The search index is still being built."""
    titles_only: bool = False
    """The list shows a first answer from the titles alone (the index is still being built)."""
    unsaved: int = 0
    """Changes made while another paperterm held the state file, not saved yet."""


def needs_search(selection: Selection, marks: Marks | None = None) -> bool:
    """Whether the rows take a search or a sort (else: every paper in catalogue order, at once).

    With ``marks``, muted papers to leave out count as a search too.
    """
    order = sorts.get(selection.sort)
    hiding = marks is not None and bool(marks.muted) and not selection.include_muted
    return bool(selection.words) or selection.view != "all" or order.key is not None or hiding


def select_rows(
    catalog: Catalog,
    marks: Marks,
    query: str = "",
    *,
    unread: bool = False,
    starred: bool = False,
    sort: str = "relevance",
    include_muted: bool = False,
) -> Sequence[int]:
    """Catalogue indices of the papers matching ``query``, only the ``unread`` and/or ``starred``
    ones when asked, in the ``sort`` order (a name from :mod:`paperterm.sorts`). Muted papers
    are left out unless ``include_muted`` or the query asks for ``is:muted``.

    Raises KeyError for an unknown sort name and :class:`~paperterm.errors.PapertermError` when
    the search fails.
    """
    keep = tuple(name for name, on in (("unread", unread), ("starred", starred)) if on)
    return _select(catalog, marks, query, keep, sort, now=False, include_muted=include_muted).rows


def _select(
    catalog: Catalog,
    marks: Marks,
    query: str,
    keep: tuple[str, ...],
    sort: str,
    *,
    now: bool,
    include_muted: bool = False,
    positions: Callable[[frozenset[str]], frozenset[int]] | None = None,
) -> _Selected:
    """:func:`select_rows`, the same papers before the sort, whether the answer is complete, and
    how many of the rows are exact matches. Only the papers in each state of ``keep`` are kept
    (``unread``, ``starred``, ``new``, ``queued``, as the ``is:`` terms name them). With ``now``,
    a first answer from the titles alone while the index is built (see
    ``Catalog.search_indices_now``). ``positions`` gives the catalogue positions of a set of ids
    (a :class:`Positions` keeps them; by default they are looked up afresh)."""
    order = sorts.get(sort)
    searched = bool(query.strip())
    hide = marks.muted
    if include_muted or (hide and parse(query).asks_for("muted")):
        hide = frozenset()
    flags = _flags(marks)
    complete = True
    view = " ".join(f"is:{state}" for state in keep)
    if view and (catalog.search_ready or not parse(query).is_empty) and _joins(query, view):
        # The search keeps to the view itself, from its bit sets: the answer stays a lazy
        # ranking, where listing 100k matches to test each one took 100 ms on every key.
        # (Without a filter, only once the index is built: a view never waits for it.)
        query, keep = f"{query} {view}", ()
    if now:
        rows, complete = catalog.search_indices_now(
            query, read=marks.read, starred=marks.starred, flags=flags, hide=hide
        )
    else:
        rows = catalog.search_indices(
            query, read=marks.read, starred=marks.starred, flags=flags, hide=hide
        )
    exact = exact_count(rows)
    if keep:
        where = positions or Positions(catalog)
        ids = {"starred": marks.starred, "new": flags.get("new", ()), "queued": flags["queued"]}
        read = where(marks.read) if "unread" in keep else frozenset()
        wanted = [where(frozenset(ids[state])) for state in keep if state != "unread"]
        rows, exact = _in_view(rows, exact, read, wanted)
    context = sorts.SortContext(catalog, marks.read, marks.starred)
    return _Selected(order.apply(rows, context, searched=searched), rows, complete, exact)


class _Selected(NamedTuple):
    rows: Sequence[int]
    """The papers, in the order asked for."""
    matches: Sequence[int]
    """The same papers as the search and the view gave them (a ranking keeps a quick ``in``)."""
    complete: bool
    exact: int


def _flags(marks: Marks) -> dict[str, Collection[str]]:
    """The ids of the query language's state terms besides read and starred, from ``marks``."""
    return {**marks.flags, "muted": marks.muted, "queued": frozenset(marks.queue)}


def _joins(query: str, terms: str) -> bool:
    """Whether ``terms`` written after ``query`` add their own groups and change none of the
    query's: not so after a trailing ``|`` (it would join them), nor with ``similar:``, whose
    answer is the top of a ranking that more terms would change rather than narrow."""
    asked = parse(query)
    if any(term.kind == "similar" for group in asked.groups for term in group.alternatives):
        return False
    return parse(f"{query} {terms}").groups == (*asked.groups, *parse(terms).groups)


def _in_view(
    rows: Sequence[int], exact: int, read: frozenset[int], wanted: list[frozenset[int]]
) -> tuple[list[int], int]:
    """``rows`` left without the ``read`` positions and with those in every set of ``wanted``
    only, in the same order (so the exact matches stay first); and how many of those kept are
    exact matches (of the first ``exact``)."""
    if len(wanted) == 1 and isinstance(rows, range) and not read:
        return sorted(wanted[0]), len(wanted[0])  # every paper is a match: those wanted
    listed = rows if isinstance(rows, (range, list)) else list(rows)
    kept = [position for position, index in enumerate(listed) if index not in read]
    for ids in wanted:
        kept = [position for position in kept if listed[position] in ids]
    rows = kept if isinstance(listed, range) else [listed[position] for position in kept]
    return rows, bisect_left(kept, exact)


class Positions:
    """The catalogue positions of the loaded papers among a set of ids, kept for the last sets
    asked about (see :class:`~paperterm.idsets.KnownSets`): a keystroke finds those of
    30k read papers at once instead of looking each one up (30 ms), and a key that marks one
    more paper read looks up that one."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._known = KnownSets(self._look_up, self._change)
        self._universe: Universe | None = None
        self._bit_sets = KnownSets(self._bits_of, self._change_bits)

    def __call__(self, ids: frozenset[str]) -> frozenset[int]:
        return self._known(ids)

    def bits(self, ids: frozenset[str]) -> int:
        """The same positions as a bit set (see :mod:`paperterm.search.bitset`), kept alike."""
        return self._bit_sets(ids)

    def _bits_of(self, ids: Collection[str], *, kept: bool = True) -> int:
        if self._universe is None:
            self._universe = Universe(len(self._catalog))
        positions = self(ids) if kept and isinstance(ids, frozenset) else self._look_up(ids)
        return self._universe.from_indices(positions)

    def _change_bits(self, bits: int, added: frozenset[str], removed: frozenset[str]) -> int:
        bits |= self._bits_of(added, kept=False)
        return bits ^ (bits & self._bits_of(removed, kept=False))

    def _look_up(self, ids: Collection[str]) -> frozenset[int]:
        get = self._catalog.get
        return frozenset(paper.index for pid in ids if (paper := get(pid)) is not None)

    def _change(
        self, positions: frozenset[int], added: frozenset[str], removed: frozenset[str]
    ) -> frozenset[int]:
        # Each set operation copies the whole set (60k positions: 2 ms): none that change nothing.
        if added:
            positions = positions | self._look_up(added)
        if removed:
            positions = positions - self._look_up(removed)
        return positions


class Triage:
    """The model behind the reader's list, for one catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        """Every loaded paper."""
        self._positions = Positions(catalog)

    def rows(self, selection: Selection, marks: Marks) -> Rows:
        """The rows for ``selection``; may search, so the reader calls it off the UI thread
        unless :func:`needs_search` says no. While the search index of a big catalogue is being
        built, a search answers from the titles alone (``Rows.complete`` is then False)."""
        if not needs_search(selection, marks):
            # Every paper is shown, so every muted paper is among them.
            return Rows(range(len(self.catalog)), None, muted=len(marks.muted))
        rows = self._rows(selection, marks)
        return replace(rows, muted=self.muted_in_view(selection, marks)) if marks.muted else rows

    def _rows(self, selection: Selection, marks: Marks) -> Rows:
        selected = _select(
            self.catalog,
            marks,
            selection.query,
            _VIEW_STATES[selection.view],
            selection.sort,
            now=True,
            include_muted=selection.include_muted,
            positions=self._positions,
        )
        indices, matches, complete, exact = selected
        order = sorts.get(selection.sort)
        first = order.key is None and order.follows_search
        # The search's answer answers ``in`` from its bit sets: a set of 100k sorted rows took
        # 5 ms more on every key.
        members = matches if isinstance(matches, (Ranking, range)) else frozenset(matches)
        if selection.view == "queue":
            queued = (self.catalog.get(pid) for pid in marks.queue)
            indices = [paper.index for paper in queued if paper and paper.index in members]
            members = frozenset(indices)
            first = False  # the queue's own order
        if not selection.words:
            return Rows(indices, members, complete)
        return Rows(indices, members, complete, exact, first)

    def muted_in_view(self, selection: Selection, marks: Marks) -> int:
        """How many muted papers ``selection``'s view and filter hold, hidden or shown (what the
        status line's "N muted" says: the papers the reveal key adds to this list).

        One search of ``is:muted``, the view's own term (``is:unread``...) and the filter: bit
        sets all the way, counted without listing the papers. A filter that starts with ``|``
        (it would join the terms put before it) or asks for ``similar:`` (the top of a ranking,
        which more terms would change) is answered by looking at each of its matches instead.
        """
        muted = marks.muted
        if not muted:
            return 0
        flags = _flags(marks)
        head = " ".join(f"is:{state}" for state in ("muted", *_VIEW_STATES[selection.view]))
        query = f"{head} {selection.query}"
        asked = parse(selection.query)
        whole = (*parse(head).groups, *asked.groups)
        alike = any(term.kind == "similar" for group in asked.groups for term in group.alternatives)
        if parse(query).groups == whole and not alike:
            found, _complete = self.catalog.search_indices_now(
                query, read=marks.read, starred=marks.starred, flags=flags
            )
            return len(found)
        revealed = self._rows(replace(selection, include_muted=True), marks).indices
        papers = self.catalog.papers
        return sum(1 for index in revealed if papers[index].id in muted)

    def counts(self, rows: Rows, marks: Marks) -> Counts:
        """How many papers are shown, how many of them are read, and how many starred in all."""
        new = marks.flags.get("new", frozenset())
        return Counts(
            shown=len(rows.indices),
            total=len(self.catalog),
            read=self._count(marks.read, rows.members),
            starred=self._count(marks.starred, None),
            new=len(new) - len(marks.muted.intersection(new)) if marks.muted else len(new),
            muted=rows.muted,
            exact=rows.exact,
        )

    def _count(self, ids: frozenset[str], members: Collection[int] | None) -> int:
        """How many of ``ids`` are loaded and among ``members`` (None: all). The positions of a
        set of ids are kept while it is the one in force (the marks hand out a new set when they
        change), so a keystroke counts thousands of read papers among 100k rows in a few ms."""
        if members is None:
            return self._positions.bits(ids).bit_count()
        if isinstance(members, Ranking):
            return members.count_in(self._positions.bits(ids))
        return sum(1 for index in self._positions(ids) if index in members)

    def next_unread(self, rows: Sequence[int], start: int, read: frozenset[str]) -> int | None:
        """The row of the first unread paper after row ``start``, wrapping round; None when every
        paper in ``rows`` is read."""
        papers = self.catalog.papers
        for offset in range(1, len(rows) + 1):
            row = (start + offset) % len(rows)
            if papers[rows[row]].id not in read:
                return row
        return None

    def empty_text(self, selection: Selection) -> str:
        """What an empty list says: why it is empty and what to do about it."""
        if not len(self.catalog):
            return "No papers loaded. Quit (q) and run: paperterm add FILE, or paperterm PATH."
        if selection.words:
            return f"No paper matches {selection.words!r}. Escape clears the filter."
        if selection.view == "unread":
            return "No unread papers left. Press 1 to see them all."
        if selection.view == "starred":
            return "Nothing starred yet. Press s on a paper to star it, 1 to see all."
        if selection.view == "new":
            return "Nothing new since your last visit. Press 1 to see them all."
        if selection.view == "queue":
            return "The reading queue is empty. Press l on a paper to queue it, 1 to see all."
        return "No papers."


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A bar of ``width`` cells, as full as ``done`` of ``total``: full only when nothing is left,
    empty only when nothing is done (an empty list has nothing left: full)."""
    if done >= total:
        filled = width
    elif done <= 0:
        filled = 0
    else:
        filled = min(width - 1, max(1, done * width // total))
    return "█" * filled + "░" * (width - filled)


def status_parts(status: Status, width: int | None = None) -> list[str]:
    """The status line's pieces, in order (the reader joins them with " · ").

    The progress bar goes beside the unread count, full only when none is left of those shown,
    and none when the list is empty. Given the line's ``width``, what would push the view and
    the sort off its end goes first: the progress bar (the count stays), then the exact and
    close counts (the list's divider line says them too); when that is not enough, whole
    pieces from the end (never a piece cut short: "read-only · 1" would say something else
    than "read-only · 1 message").
    """
    counts = status.counts
    # An empty list has no progress to show: a full bar beside "0 unread left" would say the
    # papers in front of the reader were all read, where none are shown (a query that matched
    # nothing, an empty view).
    full_bar = f"{progress_bar(counts.read, counts.shown)} " if counts.shown else ""
    full_close = ""
    if counts.exact is not None and counts.exact < counts.shown:
        full_close = f"{counts.exact:,} exact · {counts.shown - counts.exact:,} close"
    if width is None:
        return _status_parts(status, full_bar, full_close)
    parts: list[str] = []
    for bar, close in ((full_bar, full_close), ("", full_close), ("", "")):
        parts = _status_parts(status, bar, close)
        if len(" · ".join(parts)) <= width:
            return parts
    while len(parts) > 1 and len(" · ".join(parts)) > width:
        parts.pop()
    return parts


def _status_parts(status: Status, bar: str, close: str) -> list[str]:
    counts, selection = status.counts, status.selection
    parts = [f"{counts.shown:,}/{counts.total:,} shown"]
    if selection.words:
        # Next to the count it qualifies: a line too narrow drops pieces from its end, and at
        # 100k papers (all new) this one was dropped at 120 columns.
        if status.titles_only:
            parts.append(f"titles only so far: indexing {counts.total:,} abstracts…")
        elif status.indexing:
            parts.append(f"indexing {counts.total:,} papers…")
    if status.unsaved:  # first: nothing matters more, and the line's end may be cut off
        parts.insert(0, f"{status.unsaved} unsaved: waiting for another paperterm")
    if close:
        parts.append(close)
    parts += [
        f"{bar}{counts.unread:,} unread left",
        f"★ {counts.starred:,} starred",
    ]
    if counts.new:
        parts.append(f"{counts.new:,} new")
    if counts.muted:
        revealed = " (shown, X hides)" if selection.include_muted else ""
        parts.append(f"{counts.muted:,} muted{revealed}")
    # The queue lists in its own order whatever the sort (which comes back in the other views).
    order = "in queue order" if selection.view == "queue" else None
    parts += [selection.view, order or f"by {sorts.get(selection.sort).shown_as}"]
    if status.read_only:
        parts.append("read-only")
    if status.messages:
        parts.append(f"{status.messages} message{'' if status.messages == 1 else 's'} (?)")
    if selection.words:
        ignored = parse(selection.query).ignored
        if ignored:
            parts.append(f"ignored: {' '.join(ignored)}")
    return parts


_UNDONE = {
    ("read", True): "read mark removed",
    ("read", False): "read mark restored",
    ("starred", True): "star removed",
    ("starred", False): "star restored",
}
"""What undoing a change of (field, value it had been set to) did, in words."""


_FLAGGED = {
    ("read", True): "read",
    ("read", False): "unread",
    ("starred", True): "star",
    ("starred", False): "unstar",
}
"""A change of a flag to a value, in a word (for the changes not saved at quitting)."""


def describe_change(catalog: Catalog, changes: Sequence[tuple[str, str, object, object]]) -> str:
    """One change the store holds unsaved (a tuple of its ``unsaved``) as the user made it:
    ``star "<title>"``, ``read 12 papers``, ``tags "<title>"``."""
    if not changes:
        return "nothing"
    paper_id, field, _before, after = changes[0]
    if len({change[1] for change in changes}) > 1:
        what = "changes to"  # one key changed two fields
    elif field == "queued":
        what = "queue" if after is not None else "out of the queue"
    else:
        what = _FLAGGED.get((field, bool(after)), field)  # tags, note, arxiv
    papers = {change[0] for change in changes}
    if len(papers) > 1:
        return f"{what} {len(papers):,} papers"
    paper = catalog.get(paper_id)
    return f'{what} "{paper.title}"' if paper is not None else f"{what} paper {paper_id}"


def describe_undo(
    catalog: Catalog, changes: Sequence[tuple[str, str, object, object]]
) -> tuple[int | None, str]:
    """Where to go and what to say after undoing ``changes`` (the store's ``next_undo``, read
    before the undo): the catalogue index of the paper changed (None if it is not loaded), and
    a line such as ``read mark removed: <title>``."""
    if not changes:
        return None, "Nothing to undo."
    paper_id, field, _before, after = changes[0]
    what = _UNDONE.get((field, bool(after)), f"{field} change undone")
    papers = {change[0] for change in changes}
    paper = catalog.get(paper_id)
    if len(papers) > 1:
        return (paper.index if paper else None), f"Undone: {what} on {len(papers)} papers."
    fields = {change[1] for change in changes}
    if len(fields) > 1:
        what = "changes undone"  # one key changed two fields (n: read, then moved on)
    if paper is None:
        return None, f"Undone: {what} (a paper not loaded here)."
    return paper.index, f"Undone: {what}: {paper.title}"
