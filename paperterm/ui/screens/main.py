"""The main screen: the filter bar, the paper list, the detail pane and the status line.

Its ``filter_text``, ``view`` and ``sort`` are reactives; each change feeds one
:meth:`MainScreen._refilter`, which asks the triage model (:mod:`paperterm.triage`) for the rows,
off the UI thread when that takes a search. The worker posts its rows back as a message; the
search index is built on a thread that posts :class:`MainScreen.IndexReady` when done.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import subprocess
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as NotYet
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from paperterm import fsio, settings, sorts, usecases
from paperterm.catalog import Catalog
from paperterm.errors import PapertermError, StateError
from paperterm.export_target import appended_bibtex, existing
from paperterm.fetch import Refreshed
from paperterm.inbox import Inbox
from paperterm.metastore import MetaStore, attach
from paperterm.model import Paper
from paperterm.paperlinks import open_target
from paperterm.recommend import NO_STARS, latest_for_you
from paperterm.search import highlight
from paperterm.search.query import parse
from paperterm.search.rank import FIRST_ROWS
from paperterm.search.similar import vectors_ready
from paperterm.state import StateStore
from paperterm.state.record import ARXIV_NONE
from paperterm.state.storage import LockBusy
from paperterm.triage import (
    VIEWS,
    Marks,
    Rows,
    Selection,
    Triage,
    View,
    describe_change,
    describe_undo,
    needs_search,
)
from paperterm.ui.compositor import PartialCompositor, draw_now
from paperterm.ui.idle_gc import IdleCollector
from paperterm.ui.screens.arxiv import AUTO, ArxivScreen
from paperterm.ui.screens.export import ExportChoice, ExportScreen
from paperterm.ui.screens.help import HelpScreen
from paperterm.ui.screens.inbox import ConfirmScreen, FiltersScreen, NoteScreen, TagScreen
from paperterm.ui.widgets.filter_bar import FilterBar
from paperterm.ui.widgets.key_footer import KeyFooter
from paperterm.ui.widgets.keys_in_turn import KeysInTurn
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.paper_list import PaperList
from paperterm.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from paperterm.enrich import Report

# Actions that need a paper under the cursor, and those that only change the marks.
_NEEDS_PAPER = {
    "toggle_star",
    "toggle_read",
    "next_unread",
    "open_link",
    "copy_bibtex",
    "more_like_this",
    "identify",
    "settle_arxiv",
    "edit_tags",
    "edit_note",
    "toggle_queue",
    "move_in_queue",
}
_MARKS = {
    "toggle_star",
    "toggle_read",
    "next_unread",
    "undo",
    "mark_all_read",
    "edit_tags",
    "edit_note",
    "toggle_queue",
    "move_in_queue",
}

Fetcher = Callable[[Collection[str]], Refreshed]
"""Fetches today's papers, given the ids of the papers shown (run on a thread, never the UI's)."""


SEARCH_WAIT = 0.010
"""Seconds a keystroke waits for its search before the screen is drawn without the answer: an
answer found within it is drawn in the same frame as the key itself (issue 17)."""

QUICK_PAPERS = 5_000
"""Up to this many papers, a search of the quick kinds (see :meth:`MainScreen._quick`) runs on the
UI thread: handing it to the search thread and waiting for it cost 0.3 ms of CPU a key on the
shared dumps, and up to 5 ms of wall time when the machine is busy (the thread waits for a core).
Measured with ``bench_search.py``'s and ``bench_keys.py``'s queries typed a key at a time: at
5,000 synthetic papers the worst such key took 6 ms (under :data:`SEARCH_WAIT`, which the key
waits anyway), on the shared dumps (525 papers) 1.1 ms; exact terms (56 ms for ``'a`` on the
shared dumps, cold) and ``similar:`` (0.1-1.5 s, cold) are left to the search thread."""

QUICK_TERMS = frozenset({"fuzzy", "prefix", "state"})
"""The kinds of term a quick search asks for: words (typos forgiven), ``^prefix``, ``is:``..."""

DEFAULT_SPLIT = 64
"""The list's share by default: titles are what a triage reads (60+ characters at 120 columns)."""


class _Request:
    """One refilter: what was asked, and the paper to keep the cursor on. Compared by identity:
    rows that come back for any request but the latest are dropped."""

    __slots__ = ("head", "keep", "marks", "selection")

    def __init__(
        self, selection: Selection, marks: Marks, keep: int | None, head: bool = False
    ) -> None:
        self.selection = selection
        self.marks = marks
        self.keep = keep
        self.head = head
        """Keep the list as it is down to the cursor (where the cursor is when the rows come),
        and the cursor too: only the order below it changes."""


@dataclass(frozen=True, slots=True)
class _LikeThis:
    """Where ``m`` was pressed: what Escape goes back to."""

    query: str
    """The filter ``m`` set (``similar:ID``)."""
    before: str
    """The filter in force before it."""
    sort: str
    """The order before it (``m`` lists the papers most alike first)."""
    paper: str
    """The id of the paper ``m`` was pressed on (``F`` may load the catalogue again meanwhile)."""


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder of ``folder``'s path that does not exist yet, or None."""
    missing = None
    for here in (folder, *folder.parents):
        if here.exists():
            break
        missing = here
    return missing


def _remove_empty_folders(folder: Path, up_to: Path) -> None:
    """Remove ``folder`` and its parents up to ``up_to``, while they are empty (the folders an
    export that failed made on its way)."""
    for here in (folder, *folder.parents):
        try:
            here.rmdir()
        except OSError:
            return
        if here == up_to:
            return


class MainScreen(Screen[None]):
    """Triage papers: walk the unread ones with ``n``, star with ``s``, export with ``e``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer: the filter bar's own placeholder says "/ filter". A priority key:
        # the app handles it on arrival, so the text typed after it in one burst (before the
        # list has read its keys) goes to the filter, not to the list as commands.
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            show=False,
            tooltip="Filter the list as you type",
            priority=True,
        ),
        Binding("n", "next_unread", "Next", tooltip="Mark read and go to the next unread paper"),
        Binding("s", "toggle_star", "Star", tooltip="Star or unstar the paper"),
        Binding("r", "toggle_read", "Read", tooltip="Mark the paper read, or unread again"),
        Binding(
            "o",
            "open_link",
            "Open",
            tooltip="Open the paper (its arXiv page), else its code, else a search for it",
        ),
        Binding(
            "y",
            "copy_bibtex",
            "BibTeX",
            tooltip="Copy the paper's BibTeX entry (through the terminal, OSC 52)",
        ),
        Binding("e", "export", "Export", tooltip="Export the starred papers to a file"),
        Binding(
            "m",
            "more_like_this",
            "Like this",
            show=False,
            tooltip="Show the papers most like this one (similar:ID)",
        ),
        Binding(
            "i",
            "identify",
            "Identify",
            show=False,
            tooltip="Look the paper up on Hugging Face and arXiv (authors, date, arXiv id)",
        ),
        Binding(
            "A",
            "settle_arxiv",
            "arXiv id",
            show=False,
            tooltip="Say which arXiv paper this is, or that it is not on arXiv",
        ),
        Binding(
            "E",
            "toggle_enrich_on_star",
            "Look up on star",
            show=False,
            tooltip="Look papers up on Hugging Face and arXiv when you star them (on/off)",
        ),
        Binding(
            "I",
            "identify_starred",
            "Identify starred",
            show=False,
            tooltip="Look every starred paper up on Hugging Face and arXiv",
        ),
        Binding("u", "undo", "Undo", tooltip="Undo the last change to the marks"),
        Binding(
            "F",
            "fetch_today",
            "Fetch",
            show=False,
            tooltip="Fetch today's Hugging Face daily papers into the library and the list",
        ),
        Binding("1", "set_view('all')", "All", show=False, tooltip="View all papers"),
        Binding("2", "set_view('unread')", "Unread", show=False, tooltip="View unread papers"),
        Binding("3", "set_view('starred')", "Starred", show=False, tooltip="View starred papers"),
        Binding(
            "4",
            "set_view('new')",
            "New",
            show=False,
            tooltip="View papers new since your last visit (quitting ends their newness)",
        ),
        Binding(
            "5",
            "set_view('queue')",
            "Queue",
            show=False,
            tooltip="View the reading queue, in its own order",
        ),
        Binding(
            "l",
            "toggle_queue",
            "Later",
            show=False,
            tooltip="Put the paper in the reading queue, or out",
        ),
        Binding(
            "left_square_bracket",
            "move_in_queue(-1)",
            "Queue up",
            show=False,
            tooltip="Move the paper one place earlier in the queue",
        ),
        Binding(
            "right_square_bracket",
            "move_in_queue(1)",
            "Queue down",
            show=False,
            tooltip="Move the paper one place later in the queue",
        ),
        Binding(
            "T", "edit_tags", "Tags", show=False, tooltip="Edit the paper's tags (with completion)"
        ),
        Binding(
            "N",
            "edit_note",
            "Note",
            show=False,
            tooltip="Edit the paper's note (in $EDITOR, else here)",
        ),
        Binding(
            "R",
            "mark_all_read",
            "All read",
            show=False,
            tooltip="Mark every paper shown read (asks first; u undoes it in one step)",
        ),
        Binding(
            "x",
            "mute_filter",
            "Mute",
            show=False,
            tooltip="Mute the papers the current filter matches (asks first)",
        ),
        Binding(
            "X",
            "toggle_muted",
            "Muted",
            show=False,
            tooltip="Show or hide the papers your mute rules hide",
        ),
        Binding(
            "f",
            "saved_filters",
            "Filters",
            show=False,
            tooltip="Saved filters: apply, save the current filter, rename or change, delete",
        ),
        Binding(
            "t",
            "cycle_sort",
            "Sort",
            show=False,
            tooltip="Sort: " + ", ".join(order.shown_as for order in sorts.SORTS.values()),
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear",
            show=False,
            tooltip="Clear the filter and go back to the list (also from the filter)",
            priority=True,
        ),
        # Priority too, for the keys typed after them in one burst (see /): the list's.
        Binding(
            "enter,down",
            "leave_filter",
            "List",
            show=False,
            tooltip="Go to the list, keeping the filter (in the filter)",
            priority=True,
        ),
        Binding(
            "less_than_sign",
            "move_split(-5)",
            "Narrower",
            show=False,
            tooltip="Give the list less room beside the detail pane; or drag the line between",
        ),
        Binding(
            "greater_than_sign",
            "move_split(5)",
            "Wider",
            show=False,
            tooltip="Give the list more room beside the detail pane",
        ),
        Binding(
            "plus",
            "show_more",
            "More",
            show=False,
            tooltip="Show more of a huge abstract (the pane lays out its first 20,000 characters)",
        ),
        # Not Textual's focus chain (list, detail, filter): the filter has "/", and Tab back
        # from the detail pane put the next keys in the filter as a query.
        Binding(
            "tab,shift+tab",
            "switch_pane",
            "Pane",
            show=False,
            tooltip="Move between the list and the detail pane (the filter has /)",
        ),
        Binding("question_mark", "help", "Help", tooltip="Show the keys and the filter syntax"),
        Binding("q", "app.quit", "Quit", tooltip="Quit paperterm"),
    ]

    AUTO_FOCUS = "#papers"
    """The list has the keys from the start (Textual would pick the filter bar, the first)."""

    filter_text: reactive[str] = reactive("", init=False, repaint=False)
    """The filter in force (what the list shows, not what is being typed)."""
    view: reactive[View] = reactive[View]("all", init=False, always_update=True, repaint=False)
    """Which papers the list shows (choosing the same view again refreshes it)."""
    sort: reactive[str] = reactive("relevance", init=False, repaint=False)
    """The list's order: a name from :mod:`paperterm.sorts`."""
    split: reactive[int] = reactive(DEFAULT_SPLIT, init=False, repaint=False)
    """The list's share of the width side by side, in percent."""
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's, without its repaint of the whole screen (every widget drawn again, 40-50 ms
    on the shared dumps, in the / of every query): the widgets taking and leaving the focus
    are restyled, and so repainted, by Textual's focus step."""

    @dataclass
    class Filtered(Message):
        """The filter worker's answer: the rows for ``request``, or why there are none."""

        request: _Request
        """What was asked."""
        rows: Rows | None
        """The rows, or None when the search failed."""
        error: str = ""
        """Why the search failed."""

    class IndexReady(Message):
        """The search index is built: typing no longer waits for it."""

    @dataclass
    class FetchDone(Message):
        """The fetch thread's answer: what it brought, or why it failed."""

        result: Refreshed | None
        """The days fetched and the catalogue to show; None when the fetch failed."""
        error: str = ""
        """Why it failed (one line)."""

    @dataclass
    class EnrichProgress(Message):
        """The lookup worker's progress."""

        done: int
        """Requests answered."""
        total: int
        """Requests planned."""

    @dataclass
    class Enriched(Message):
        """The lookup worker is done: what it found is in ``metadata``."""

        report: Report | None
        """What the run did; None when it could not start."""
        metadata: MetaStore | None
        """The metadata store it wrote to."""
        error: str = ""
        """Why it could not start."""

    def __init__(
        self,
        catalog: Catalog,
        store: StateStore,
        *,
        notices: Sequence[str] = (),
        export_path: Path | None = None,
        banner: str | None = None,
        reload_seconds: float = 2.0,
        fetcher: Fetcher | None = None,
        inbox: Inbox | None = None,
        place_key: str = settings.LIBRARY,
        restore: bool = False,
    ) -> None:
        super().__init__()
        self._compositor = PartialCompositor()  # a key's frame renders only what it changed
        self._collector = IdleCollector()  # cycles collected between keys, not in one
        self.catalog = catalog
        """Every loaded paper."""
        self.store = store
        """Read and starred marks; every change is saved through it at once, or, while another
        paperterm holds the state file, made at once and saved as soon as it lets go."""
        store.defer_when_locked = True  # a key never waits for another process
        store.journal = True  # a mark key appends a line, not the whole file (flush folds it)
        self.triage = Triage(catalog)
        """Rows, counts and texts for what is shown."""
        self.inbox = inbox if inbox is not None else Inbox(catalog, store)
        """What is new, what is muted, the saved filters."""
        self.show_muted = False
        """Whether the papers the mute rules hide are shown (X)."""
        self.visit_ended = False
        """Whether this run's visit has ended (the reader was quit): papers are new no more."""
        self.quitting = False
        """q was pressed while changes waited for the state file: quit once they are saved."""
        self.given_up: list[str] = []
        """What was not saved when the user quit without waiting (q twice), in words."""
        self.banner = banner
        """A line kept on screen above the status line (how to load real dumps, on the demo)."""
        self.export_path = export_path
        """Default file for ``e``; None: the remembered one, else ``starred.bib`` here."""
        self.reload_seconds = reload_seconds
        """How often to look for marks changed by another process."""
        self.fetcher = fetcher
        """Fetches today's papers (``F``); None: the command is not offered."""
        self.fetching = False
        """A fetch is running."""
        self.place_key = place_key
        """Which catalogue this is, for what is remembered of it (:mod:`paperterm.settings`)."""
        self._restore = restore
        self._dragging = False
        self.messages: list[str] = [*notices, *store.notices, *self.inbox.notices]
        """Every notice of this session, kept for the help screen once its toast is gone."""
        self.enrich_on_star = settings.load().enrich_on_star
        """Whether starring a paper looks it up (the user's setting, off by default)."""
        self._store_notices_shown = len(store.notices)
        self._reload_error = ""
        self._flush_error = ""
        self._request: _Request | None = None
        self._searcher: ThreadPoolExecutor | None = None
        self._searching: Future[MainScreen.Filtered | None] | None = None
        """The latest search handed to the search thread."""
        self._awaited: Future[MainScreen.Filtered | None] | None = None
        """The search whose answer the hand-over worker is to post (see :meth:`_hand_over`)."""
        self._handing = False
        """Whether a hand-over worker is waiting (it takes :attr:`_awaited` before it ends)."""
        self._handing_lock = threading.Lock()
        self._rows = Rows((), None)
        self._filled = False
        """Whether the list was given rows yet (see :meth:`_fill_before`)."""
        self._asked_at: int | None = None
        """The paper under the cursor when the latest search was asked for."""
        self._like_this: _LikeThis | None = None
        """Where ``m`` was pressed, while its filter is in force."""
        self._enrich_stop: threading.Event | None = None
        """Set to stop the latest lookup (see :meth:`_start_enrich`)."""
        self._enrich_thread: threading.Thread | None = None
        """The latest lookup's thread (tests wait for it)."""
        self._runnable: tuple[bool, bool, bool] | None = None
        self._filter_bar = FilterBar(id="filter", edited=self._filter_edited)
        self._list = PaperList(id="papers")
        self._detail = PaperDetail(id="detail")
        self._status = StatusLine(id="status")

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Filter bar on top, then the two panes, the status line and the footer."""
        yield self._filter_bar
        with Container(id="panes"):
            yield self._list
            yield self._detail
        if self.banner:
            yield Static(self.banner, id="banner", markup=False)
        yield self._status
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Fill the list at once (no search needed for the whole catalogue) and show notices."""
        # Textual sets the breakpoint class on the first resize, after the first frame: set it
        # now, so that a wide terminal does not flash the stacked layout first.
        breakpoints = self.app.HORIZONTAL_BREAKPOINTS or []
        width = self.app.size.width
        current = [name for minimum, name in breakpoints if width >= minimum][-1:]
        for _, name in breakpoints:
            self.set_class(name in current, name)
        self._status.messages = len(self.messages)
        self._apply_split()
        # At once, not via focus() (which waits a turn); and not over a / typed already.
        if self.focused is not self._filter_bar:
            self.set_focus(self._list)
        self._refilter(keep=self._restore_place() if self._restore else None)
        # At the first frame when a helper process builds the index (this process only waits
        # for it); else once the first frame is on screen (a moment after the first refresh):
        # the build competes with drawing for the GIL.
        if self.catalog.index_coming:
            self.call_after_refresh(self._prepare_search)
        else:
            self.call_after_refresh(self.set_timer, 0.25, self._prepare_search)
        # The detail pane's text carries the theme's colours: draw it again with the new ones.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_detail())
        self.set_interval(self.reload_seconds, self._pick_up_outside_changes)
        self.set_interval(0.25, self._save_deferred)
        self._collector.start()
        self.set_interval(0.1, self._collector.tick)
        # The store's own notices too: a corrupt file moved aside, a read-only newer schema.
        for notice in self.messages:
            self._say(notice, timeout=10)

    def _restore_place(self) -> int | None:
        """Put back the view, sort and filter of the last visit; return the paper to go to."""
        place = settings.load().place(self.place_key)
        if place.view in VIEWS:
            self.set_reactive(MainScreen.view, place.view)
        if place.sort in sorts.SORTS:
            self.set_reactive(MainScreen.sort, place.sort)
        if place.filter.strip():
            self.set_reactive(MainScreen.filter_text, place.filter)
            self._filter_bar.value = place.filter
            self._say(f"The filter of last time: {place.filter} (Escape clears it)", timeout=6)
        if place.split is not None:
            self.set_reactive(MainScreen.split, place.split)
        paper = self.catalog.get(place.paper) if place.paper else None
        return None if paper is None else paper.index

    def remember_place(self) -> None:
        """Keep where the user is (paper, view, sort, filter) for the next start."""
        paper, sort, text = self.current, self.sort, self.filter_text
        back = self._like_this
        if back is not None:  # the list of m: where Escape would have gone back to
            paper, sort, text = self.catalog.get(back.paper), back.sort, back.before
        try:
            kept = settings.load().place(self.place_key)
            settings.remember_place(
                self.place_key,
                replace(
                    kept,
                    paper=None if paper is None else paper.id,
                    view=self.view,
                    sort=sort,
                    filter=text,
                    split=self.split,
                ),
            )
        except OSError:
            pass  # quitting: nobody to tell, and nothing of the user's data is lost

    def _say(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        """Notify in plain text: messages carry paths, titles and errors that may hold [ ]."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    @property
    def papers(self) -> tuple[Paper, ...]:
        """Every paper, in catalogue order."""
        return self.catalog.papers

    @property
    def paper_list(self) -> PaperList:
        """The list pane."""
        return self._list

    @property
    def current(self) -> Paper | None:
        """The paper under the cursor."""
        index = self._list.current
        return None if index is None else self.papers[index]

    @property
    def _marks(self) -> Marks:
        return self.inbox.marks(wait=False)

    # -- filtering ----------------------------------------------------------------------------

    def watch_filter_text(self, text: str) -> None:
        back = self._like_this
        if back is not None and text.strip() != back.query:
            self._like_this = None
            if not text.strip():
                self._back_from_like_this(back)
                return
        # Clearing the filter goes back to the whole list at the paper found, not at the top.
        self._refilter(keep=None if text.strip() else self._list.current)

    def _back_from_like_this(self, back: _LikeThis) -> None:
        """The filter of ``m`` cleared (Escape): the filter and the order from before it, the
        cursor on the paper ``m`` was pressed on (a triage walk goes on where it was)."""
        if self.sort == sorts.RELEVANCE.name and back.sort != self.sort:
            self.set_reactive(MainScreen.sort, back.sort)  # not changed since m: put back
        if back.before:
            with self._filter_bar.prevent(FilterBar.Changed):
                self._filter_bar.value = back.before
            self.set_reactive(MainScreen.filter_text, back.before)
        paper = self.catalog.get(back.paper)
        self._refilter(keep=None if paper is None else paper.index)

    def watch_view(self) -> None:
        self._refilter(keep=self._list.current)

    def watch_sort(self) -> None:
        self._refilter(keep=self._list.current)

    def _refilter(self, *, keep: int | None, head: bool = False) -> None:
        """Recompute the shown rows for the current filter, view and sort."""
        self._collector.touched()
        selection = Selection(self.filter_text, self.view, self.sort, include_muted=self.show_muted)
        request = self._request = _Request(selection, self._marks, keep, head)
        self._status.selection = selection
        if needs_search(selection, request.marks):
            if not self._filled:
                self._fill_before(request)
            self._asked_at = self._list.current
            self._search(request)
        else:
            self._show_rows(request, self.triage.rows(selection, request.marks))

    def _fill_before(self, request: _Request) -> None:
        """Show the papers of the view, unfiltered, while the first search is on its way: a
        filter typed before the screen was first filled (keys sent while a big catalogue
        loads, a filter restored from last time) would otherwise leave the list empty, saying
        "No papers.", until the search thread answers (the whole index being built first).
        In the order asked for when it takes no search, else in catalogue order: a sort kept
        from last time (by title, by date) first works out each paper's key, seconds at 100k
        papers, and the list would say "No papers." meanwhile."""
        for sort in (self.sort, sorts.CATALOGUE.name):
            unfiltered = Selection("", self.view, sort, include_muted=self.show_muted)
            if not needs_search(unfiltered, request.marks):
                self._show_rows(
                    _Request(unfiltered, request.marks, request.keep),
                    self.triage.rows(unfiltered, request.marks),
                )
                return

    def _search(self, request: _Request) -> None:
        """Search here when :meth:`_quick` says it is quick, else on the search thread. Wait
        :data:`SEARCH_WAIT` for the answer, to draw it with the key; past that, a worker hands
        it over when it comes."""
        if self._quick(request.selection):
            answer = self._rows_for(request)
            if answer is not None:
                self._filtered(answer)
            return
        if self._searcher is None:
            self._searcher = ThreadPoolExecutor(1, thread_name_prefix="paperterm-search")
        running = self._searching
        future = self._searching = self._searcher.submit(self._rows_for, request)
        if (running is not None and not running.done()) or (
            len(self.papers) > QUICK_PAPERS and not self.catalog.search_ready
        ):
            # The search thread is still on an earlier request (a first open's titles being
            # indexed, a slow search), or the index is still to be built or read: the answer
            # cannot come within the wait, which would only hold the key's echo back. Measured
            # at 100k papers, keys typed at the first frame of a first open: each waited 11-20
            # ms (the wait, then the interpreter lock back from the build), a burst of 11
            # echoed 0.2 s late.
            self._hand_over(future)
            return
        try:
            answer = future.result(timeout=SEARCH_WAIT)
        except NotYet:
            self._hand_over(future)
            return
        if answer is not None:
            self._filtered(answer)

    def _quick(self, selection: Selection) -> bool:
        """Whether the search for ``selection`` is sure to be quick (see :data:`QUICK_PAPERS`): a
        small catalogue whose index is built, no search still running on the search thread (the
        catalogue runs one at a time: this one would wait for it), an order that fits no model
        ("for you" does), and only words, prefixes and states asked for."""
        running = self._searching
        return (
            len(self.papers) <= QUICK_PAPERS
            and self.catalog.search_ready
            and (running is None or running.done())
            and not sorts.get(selection.sort).uses_marks
            and all(
                term.kind in QUICK_TERMS
                for group in parse(selection.query).groups
                for term in group.alternatives
            )
        )

    def _rows_for(self, request: _Request) -> Filtered | None:
        """The answer to ``request`` (on the search thread); None when a newer one came first."""
        if request is not self._request:
            return None
        try:
            rows = self.triage.rows(request.selection, request.marks)
        except PapertermError as error:
            return self.Filtered(request, None, str(error))
        # The first screen listed here, on the search thread, while the key waits for it anyway
        # (a lazy ranking lists its first window when first asked: else in the answer's frame);
        # asked for that alone, the rows themselves are not wanted here.
        _ = rows.indices[:FIRST_ROWS]
        return self.Filtered(request, rows)

    def _hand_over(self, future: Future[Filtered | None]) -> None:
        """Have the answer of ``future`` (the latest search) posted when it comes: by the
        hand-over worker already waiting for an earlier one, if any (it waits for this one
        next), else by a new one. One worker for a burst of keys rather than one each: a
        thread started waits for the interpreter lock, held by a first open's build for up to
        5 ms at a time (measured: a burst of 11 keys typed at the first frame echoed 25 ms
        later for it)."""
        with self._handing_lock:
            self._awaited = future
            if self._handing:
                return
            self._handing = True
        self._post_latest_answer()

    @work(thread=True, group="filter")
    def _post_latest_answer(self) -> None:
        """Wait for the latest search's answer and post it (an answer outdated meanwhile by a
        newer request is not posted: the worker waits for the newer one)."""
        try:
            while True:
                future = self._awaited
                assert future is not None
                answer = future.result()
                with self._handing_lock:
                    if future is self._awaited:
                        self._handing = False
                        break
        except BaseException:
            with self._handing_lock:
                self._handing = False
            raise
        if answer is not None and not get_current_worker().is_cancelled:
            self.post_message(answer)

    def on_unmount(self) -> None:
        """No search runs for a screen that is gone, no lookup starts another request; Python's
        collector is as it was."""
        if self._enrich_stop is not None:
            self._enrich_stop.set()
        self._collector.stop()
        if self._searcher is not None:
            self._searcher.shutdown(wait=False, cancel_futures=True)

    @on(Filtered)
    def _filtered(self, message: Filtered) -> None:
        if message.request is not self._request:
            return
        if message.rows is None:
            self._say(message.error, severity="warning")
            return
        complete = message.rows.complete
        self._status.titles_only = not complete
        if message.request.selection.words and complete:
            self._status.indexing = False  # a search has run, so the index exists
        self._show_rows(self._moved_meanwhile(message.request), message.rows)
        if complete:
            self.call_after_refresh(self._prepare_typing, message.request)

    def _moved_meanwhile(self, request: _Request) -> _Request:
        """``request``, or when the user moved the cursor while its search ran (a first open's
        index being built: the list showing the rows from before the filter, or the unfiltered
        view of :meth:`_fill_before`), the same request keeping the paper now under the
        cursor: the answer must not take them away from the paper they went to."""
        current = self._list.current
        if current is None or current == self._asked_at:
            return request
        return _Request(request.selection, request.marks, current, request.head)

    def _prepare_typing(self, request: _Request) -> None:
        """Once the answer is drawn, find what the next letter of the word being typed will
        want (``Catalog.prepare_typing``), unless a key came meanwhile: on the search thread,
        or here for a catalogue whose searches run here (:data:`QUICK_PAPERS`)."""
        if request is not self._request:
            return
        if len(self.papers) <= QUICK_PAPERS:
            self.catalog.prepare_typing(request.selection.query)
            return
        searcher = self._searcher
        if searcher is None:
            return

        def find_next_letter() -> None:
            if request is self._request:
                self.catalog.prepare_typing(request.selection.query)

        with contextlib.suppress(RuntimeError):  # the screen has gone: its thread shut down
            searcher.submit(find_next_letter)

    def _prepare_search(self) -> None:
        """Build the search index in the background, so the first keystroke does not wait.

        A daemon thread, not a worker: quitting must not wait for a long build to finish.
        """

        def build() -> None:
            try:
                self.catalog.prepare_search()
            finally:
                self._post_from_thread(self.IndexReady())

        threading.Thread(target=build, name="paperterm-index", daemon=True).start()

    @on(IndexReady)
    def _index_ready(self) -> None:
        self._status.indexing = False
        self._collector.settle()  # the index is long-lived
        # The list showed title matches only, or the muted papers could not be found yet:
        # the whole answer now, the cursor kept.
        if not self._rows.complete or self.inbox.rules:
            self._refilter(keep=self._list.current)

    def _show_rows(self, request: _Request, rows: Rows) -> None:
        """Hand the rows to the list, keeping the cursor on ``request.keep`` when it is shown."""
        keep = request.keep
        if request.head and self._list.cursor is not None:
            head = list(self._list.rows[: self._list.cursor + 1])
            kept = set(head)
            indices = [*head, *(row for row in rows.indices if row not in kept)]
            rows, keep = Rows(indices, rows.members, muted=rows.muted), self._list.current
        self._rows = rows
        self._filled = True
        words = request.selection.words
        self._list.set_rows(
            self.papers,
            rows.indices,
            keep=keep,
            highlighter=(lambda text: highlight(words, text, "title")) if words else None,
            empty_text=self.triage.empty_text(request.selection),
            exact=rows.exact if rows.exact_first else None,
        )
        self._refresh_marks(detail=False)
        # The list and the status line answer in the frame that shows the key (drawn now, when
        # the frame clock would draw it now); the detail pane in the frame after it.
        draw_now(self, self._filter_bar, self._list, self._list.vertical_scrollbar, self._status)
        self.call_after_refresh(self._show_detail)

    def _filter_edited(self, value: str) -> None:
        """An edit typed in the filter bar: the bar calls this with its new value, the answer
        is drawn before the call returns (no message hop: see :meth:`FilterBar.replace`)."""
        self.filter_text = value

    @on(FilterBar.Changed, "#filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        """The bar's value set by the reader (cleared, a saved filter...). The bar's value as it
        is now, not the message's: an edit typed since (not a message) may have changed it."""
        self.filter_text = self._filter_bar.value

    @on(FilterBar.Done, "#filter")
    def _filter_done(self, event: FilterBar.Done) -> None:
        self.set_focus(self._list)

    @on(PaperList.Highlighted, "#papers")
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        self._collector.touched()
        self._show_detail()
        self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        """Update the footer's greyed keys only when what can run changed (a redraw costs)."""
        runnable = (self._list.current is not None, self.store.can_undo, self.store.read_only)
        if runnable != self._runnable:
            self._runnable = runnable
            self.refresh_bindings()

    # -- showing ------------------------------------------------------------------------------

    def _show_detail(self) -> None:
        paper = self.current
        if paper is None:
            self._detail.show_empty(self._list.empty_text)
            return
        state = self.store.get(paper.id)
        words = self.filter_text.strip()
        self._detail.show(
            paper,
            read=state.read,
            starred=state.starred,
            bibkey=state.bibkey,
            tags=state.tags,
            note=state.note,
            queued=paper.id in self.store.queue,
            spans=(lambda text, field: highlight(words, text, field)) if words else None,
            because=self._because(paper),
        )

    def _because(self, paper: Paper) -> tuple[str, ...]:
        """Why "for you" picked this unread paper, when that is the order shown (and its model is
        fitted for the marks in force: the filter worker fits it, never the UI thread)."""
        if self.sort != sorts.FOR_YOU.name or self.store.is_read(paper.id):
            return ()
        marks = self._marks
        picks = latest_for_you(self.papers, marks.read, marks.starred)
        return () if picks is None else picks.because(paper)

    def _refresh_marks(self, *, detail: bool = True) -> None:
        """Redraw marks, the detail pane (unless told not to) and the status line after the
        state changed."""
        marks = self._marks
        self._list.set_marks(marks.read, marks.starred)
        if detail:
            self._show_detail()
        self._status.counts = self.triage.counts(self._rows, marks)
        self._status.read_only = self.store.read_only
        self._status.unsaved = len(self.store.unsaved)
        self._refresh_bindings_if_changed()
        # A save can have something to say too (a corrupt file met and moved aside, say).
        for notice in self.store.notices[self._store_notices_shown :]:
            self.messages.append(notice)
            self._say(notice, severity="warning", timeout=15)
        self._store_notices_shown = len(self.store.notices)
        self._status.messages = len(self.messages)

    def _marks_changed(self) -> None:
        """After a change of marks, an order that depends on them ("for you") is computed again,
        off the UI thread; the list keeps its rows down to the cursor, and those below it take
        the new order."""
        if sorts.get(self.sort).uses_marks:
            self._refilter(keep=self._list.current, head=True)

    def _pick_up_outside_changes(self) -> None:
        """Show marks changed elsewhere (`paperterm mark`, a second reader) within seconds."""
        before = (self.store.read_ids, self.store.starred_ids)
        try:
            self.store.reload()  # a stat when nothing changed
        except StateError as error:
            if str(error) != self._reload_error:
                self._say(str(error), title="State file", severity="error", timeout=15)
            self._reload_error = str(error)
            return
        self._reload_error = ""
        if self.store.read_ids is not before[0] or self.store.starred_ids is not before[1]:
            self._refresh_marks()
            self._marks_changed()

    # -- state changes ------------------------------------------------------------------------

    def _save(self, change: Callable[[Paper], object]) -> bool:
        """Apply one change to the paper under the cursor; show a failed save, never lose it."""
        paper = self.current
        if paper is None:
            return False
        try:
            change(paper)
        except StateError as error:
            self._say(str(error), title="Not saved", severity="error", timeout=15)
            return False
        finally:
            self._refresh_marks()
        self._marks_changed()
        return True

    def action_toggle_star(self) -> None:
        """Star or unstar the paper under the cursor (and look it up, when that is turned on)."""
        store = self.store
        paper = self.current
        starring = paper is not None and not store.is_starred(paper.id)
        saved = self._save(lambda p: store.set_starred([p.id], not store.is_starred(p.id)))
        if saved and starring and paper is not None and self.enrich_on_star:
            identified = paper.meta is not None and paper.meta.arxiv_id is not None
            if not identified and paper.id not in store.arxiv_choices:
                self._start_enrich([paper], "the starred paper")

    def action_toggle_enrich_on_star(self) -> None:
        """Turn looking papers up when they are starred on or off (kept in the config dir)."""
        self.enrich_on_star = not self.enrich_on_star
        try:
            settings.remember_enrich_on_star(self.enrich_on_star)
        except OSError as error:
            self._say(f"Could not remember the setting: {error}", severity="warning")
        state = "on" if self.enrich_on_star else "off"
        self._say(f"Looking papers up when starred: {state}.", timeout=4)

    def action_toggle_read(self) -> None:
        """Mark the paper under the cursor read, or unread again."""
        store = self.store
        self._save(lambda paper: store.set_read([paper.id], not store.is_read(paper.id)))

    def action_next_unread(self) -> None:
        """Mark this paper read and move to the next unread one in the list (one key per paper)."""
        if not self._save(lambda paper: self.store.set_read([paper.id], True)):
            return
        row = self.triage.next_unread(self._list.rows, self._list.cursor, self.store.read_ids)
        if row is None:
            self._say("All caught up: no unread paper left in this list.")
        else:
            self._list.cursor = row

    def action_undo(self) -> None:
        """Undo the last change to the marks, go to the paper it changed, and say what it was."""
        changes = self.store.next_undo
        try:
            undone = self.store.undo()
        except StateError as error:
            self._say(str(error), title="Not saved", severity="error", timeout=15)
            return
        finally:
            self._refresh_marks()
        index, text = describe_undo(self.catalog, changes if undone else ())
        if index is not None and not self._list.move_to(index):
            text += " (not in this list)"
        self._marks_changed()
        self._say(text, timeout=4)

    # -- the paper under the cursor -----------------------------------------------------------

    def action_open_link(self) -> None:
        """Open the paper (its arXiv page) when known, else its code, else a search for it."""
        paper = self.current
        if paper is None:
            return
        target = open_target(paper)
        what = {
            "paper": "the paper's page",
            "code": "its code",
            "link": "its link",
            "search": "a Hugging Face Papers search for its title",
        }[target.kind]
        if _console_browser():
            # It would run in this very terminal, over the app, and block it until it quits.
            self.app.copy_to_clipboard(target.url)
            self._say(f"Only a console browser here: copied {target.url} instead", timeout=8)
        elif webbrowser.open(target.url):
            self._say(f"Opened {what}: {target.url}")
        else:
            self._say(f"No browser could be opened for {target.url}", severity="warning")

    # -- identifying papers -------------------------------------------------------------------

    def action_identify(self) -> None:
        """Look the paper under the cursor up on Hugging Face and arXiv, in the background."""
        paper = self.current
        if paper is not None:
            self._start_enrich([paper], "this paper")

    def action_identify_starred(self) -> None:
        """Look every starred paper up on Hugging Face and arXiv, in the background."""
        papers = usecases.starred_papers(self.catalog, self.store)
        if not papers:
            self._say("Nothing starred yet: press s on a paper first.", severity="warning")
            return
        self._start_enrich(papers, f"{len(papers)} starred papers")

    def action_settle_arxiv(self) -> None:
        """Ask which arXiv paper this is (saved in the state, like `paperterm mark --arxiv`)."""
        paper = self.current
        if paper is None:
            return
        current = self.store.arxiv_choices.get(paper.id) or (
            paper.meta.arxiv_id if paper.meta is not None and paper.meta.arxiv_id else ""
        )
        self.app.push_screen(
            ArxivScreen(paper.title, current), lambda choice: self._settle(paper, choice)
        )

    def _settle(self, paper: Paper, choice: str | None) -> None:
        if choice is None:
            return
        value = None if choice == AUTO else choice
        try:
            self.store.set_arxiv(paper.id, value)
        except StateError as error:
            self._say(str(error), title="Not saved", severity="error", timeout=15)
            return
        metadata = MetaStore.open()
        attach(self.catalog, metadata, self.store.arxiv_choices)
        known = self.catalog[paper.id].meta
        if value not in (None, ARXIV_NONE) and (known is None or not known.authors):
            self._say(f"Saved: arXiv {value}. Press i to fetch its authors and date.")
        else:
            self._say(f"Saved: {choice}.", timeout=4)
        self._refilter(keep=self._list.current)

    def _start_enrich(self, papers: list[Paper], what: str) -> None:
        """Look ``papers`` up on a thread of its own; a lookup still running stops (between two
        requests) for this one. A daemon thread, not a worker: quitting must not wait for a
        slow or stalled server (what was looked up is saved every few papers)."""
        self._status.activity = f"looking up {what}"
        if self._enrich_stop is not None:
            self._enrich_stop.set()
        stop = self._enrich_stop = threading.Event()
        choices = dict(self.store.arxiv_choices)
        self._enrich_thread = threading.Thread(
            target=self._enrich, args=(papers, choices, stop), name="paperterm-enrich", daemon=True
        )
        self._enrich_thread.start()

    def _enrich(self, papers: list[Paper], choices: dict[str, str], stop: threading.Event) -> None:
        """Ask Hugging Face and arXiv off the UI thread; report in messages, never wait here."""
        from paperterm.api.http import HttpClient  # httpx only when the network is wanted
        from paperterm.enrich import enrich

        def progress(done: int, total: int) -> None:
            self._post_from_thread(self.EnrichProgress(done, total))

        try:
            metadata = MetaStore.open()
            with HttpClient() as http:
                report = enrich(
                    papers, metadata, choices, http, progress=progress, should_stop=stop.is_set
                )
        except PapertermError as error:
            done = self.Enriched(None, None, str(error))
        except Exception as error:  # a bug: say it, rather than lose it on a thread
            done = self.Enriched(None, None, f"lookup failed: {type(error).__name__}: {error}")
        else:
            done = self.Enriched(report, metadata)
        self._post_from_thread(done)

    def _post_from_thread(self, message: Message) -> None:
        """Post ``message`` from one of the screen's own threads (the index build, a lookup, a
        fetch), which may end after the app has closed: then there is nobody to tell."""
        with contextlib.suppress(RuntimeError):
            self.post_message(message)

    @on(EnrichProgress)
    def _enrich_progress(self, message: EnrichProgress) -> None:
        self._status.activity = f"looking up {message.done}/{message.total}"

    @on(Enriched)
    def _enriched(self, message: Enriched) -> None:
        self._status.activity = ""
        report = message.report
        if report is None or message.metadata is None:
            self._say(message.error, title="Not looked up", severity="error", timeout=15)
            return
        attach(self.catalog, message.metadata, self.store.arxiv_choices)
        self._refilter(keep=self._list.current)
        for notice in message.metadata.notices:
            self.messages.append(notice)
        if report.error is not None:
            self.messages.append(report.error)
            self._say(
                f"{report.error}. {report.summary()}",
                title="Look-up stopped",
                severity="error",
                timeout=15,
            )
        else:
            self._say(report.summary(), title="Looked up")
        if report.ambiguous:
            self._say(
                "Ambiguous: settle with `paperterm mark ID --arxiv ARXIV_ID` (or none).",
                severity="warning",
                timeout=10,
            )

    def action_copy_bibtex(self) -> None:
        """Copy the paper's BibTeX entry; its key is pinned so it never changes afterwards."""
        paper = self.current
        if paper is None:
            return
        citation = usecases.cite(paper, self.store)
        if citation.error is not None:
            self._say(citation.error, title="Key not saved", severity="error", timeout=15)
        self.app.copy_to_clipboard(citation.entry)
        # Textual copies through the terminal (OSC 52): say so, as some terminals ignore it.
        self._say(
            f"Copied the BibTeX entry @{citation.key} through the terminal's clipboard "
            "(in tmux: set -g set-clipboard on)."
        )
        self._show_detail()

    # -- export -------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask where to write the starred papers, then write them."""
        papers = usecases.starred_papers(self.catalog, self.store)
        if not papers:
            self._say("Nothing starred yet: press s on a paper first.", severity="warning")
            return
        remembered = settings.load().place(self.place_key).export_path
        default = self.export_path or remembered or Path.cwd() / "starred.bib"
        screen = ExportScreen(len(papers), default, usecases.protected_files(self.store))
        self.app.push_screen(screen, self._export_to)

    def _export_to(self, choice: ExportChoice | None) -> None:
        if choice is None:
            return
        path = choice.path
        papers = usecases.starred_papers(self.catalog, self.store)
        protected = usecases.protected_files(self.store)
        noun = "paper" if len(papers) == 1 else "papers"
        said = f"Exported {len(papers)} {noun} to {path}"
        made = _first_missing(path.parent)
        try:
            fsio.user_target(path, protected)  # before any key is pinned
            path.parent.mkdir(parents=True, exist_ok=True)
            export = usecases.export_and_pin(papers, usecases.format_for(path), self.store)
            data = export.text.encode("utf-8")
            there = existing(path, usecases.format_for(path)) if choice.append else None
            if there is not None:
                # Bytes kept as they are: a .bib in another encoding is not re-encoded.
                current = there.raw.decode("utf-8", errors="surrogateescape")
                appended = appended_bibtex(current, papers, export.keys, there.keys)
                data = appended.text.encode("utf-8", errors="surrogateescape")
                added = appended.added
                said = f"Appended {added} new {'entry' if added == 1 else 'entries'} to {path}"
                if appended.there:
                    said += f" ({appended.there} there already)"
                if appended.clashes:
                    clashes = appended.clashes
                    self._say(
                        f"Not appended: {', '.join(clashes[:3])}"
                        f"{' and more' if len(clashes) > 3 else ''}: another entry in"
                        f" {path.name} has {'that key' if len(clashes) == 1 else 'those keys'}"
                        " (rename it there to append the paper)",
                        title="Key taken",
                        severity="warning",
                        timeout=20,
                    )
            fsio.write_user_file(path, data, protected)
        except (OSError, PapertermError) as error:
            if made is not None:
                _remove_empty_folders(path.parent, made)
            message = error.strerror if isinstance(error, OSError) and error.strerror else error
            self._say(f"{path}: {message}", title="Export failed", severity="error", timeout=15)
            return
        finally:
            self._refresh_marks()
        if made is not None:  # a typo in a folder's name shows here, not as a new tree later
            said += f" (made the folder {made})"
        self._say(said, title="Exported")
        self.export_path = path
        try:
            settings.remember_export_path(self.place_key, path.resolve())
        except OSError as error:
            self._say(f"Could not remember the export path: {error}", severity="warning")

    # -- fetching today's papers -------------------------------------------------------------

    def action_fetch_today(self) -> None:
        """Fetch today's papers on a thread; the list takes them in when they come."""
        fetcher = self.fetcher
        if fetcher is None or self.fetching:
            return
        self.fetching = True
        self.refresh_bindings()
        known = frozenset(paper.id for paper in self.papers)
        self._say("Fetching today's papers from Hugging Face…", timeout=3)

        def run() -> None:
            # A daemon thread, not a worker: quitting must not wait for a slow server. A kill
            # mid-write leaves each day's file whole (old or new), never half.
            try:
                done = self.FetchDone(fetcher(known))
            except PapertermError as error:
                done = self.FetchDone(None, str(error))
            except Exception as error:  # a bug: say it rather than lose it on a thread
                done = self.FetchDone(None, f"fetch failed: {type(error).__name__}: {error}")
            self._post_from_thread(done)

        threading.Thread(target=run, name="paperterm-fetch", daemon=True).start()

    @on(FetchDone)
    def _fetch_done(self, message: FetchDone) -> None:
        self.fetching = False
        self.refresh_bindings()
        if message.result is None:
            self.messages.append(message.error)
            self._status.messages = len(self.messages)
            self._say(message.error, title="Fetch failed", severity="error", timeout=15)
            return
        if message.result.catalog is not None:
            self.replace_catalog(message.result.catalog)
        self._say(message.result.summary, title="Fetched", timeout=8)

    def replace_catalog(self, catalog: Catalog) -> None:
        """Show ``catalog`` instead (the same dumps loaded again, with more in them), keeping
        the cursor on the same paper, the filter, view and sort. What the new load warned of
        joins the messages, and papers no longer in the dumps (files changed on the disk since
        the start) are said, not dropped without a word."""
        current = self.current
        gone = sum(paper.id not in catalog for paper in self.catalog.papers)
        said: list[str] = []
        if gone:
            said.append(
                f"{gone:,} {'paper' if gone == 1 else 'papers'} of the list no longer in the"
                " dumps on the disk (changed or removed since the reader started)"
            )
        said += [warning for warning in catalog.warnings if warning not in self.messages]
        self.messages += said
        self._status.messages = len(self.messages)
        for line in said[:2]:
            self._say(line, severity="warning", timeout=10)
        if len(said) > 2:
            self._say(f"and {len(said) - 2} more: ? lists them", severity="warning", timeout=10)
        self.catalog = catalog
        self.triage = Triage(catalog)
        self.inbox.replace_catalog(catalog)  # fetched papers are new; quitting ends them too
        kept = catalog.get(current.id) if current is not None else None
        self._status.indexing = True
        self._refilter(keep=kept.index if kept is not None else None)
        self._prepare_search()

    # -- views, sort, filter, help ------------------------------------------------------------

    def action_focus_filter(self) -> None:
        """Go to the filter bar (in it already: type a /, which the key would otherwise eat).

        At once, not via focus(): the keys typed right after / must land in the filter. The
        keys typed just before it, still in the list's (or the pane's) queue, act there first
        (:class:`KeysInTurn`): the bar takes the keys after it only once those are done."""
        bar = self._filter_bar
        if self.focused is bar:
            bar.type_in_turn("/")
            return
        before: object = self.focused
        self.set_focus(bar)
        if isinstance(before, KeysInTurn) and before.keys_waiting():
            done = asyncio.Event()
            before.handle_keys_typed_before(done.set)
            bar.call_later(done.wait)  # the bar's keys queue behind this

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to the list."""
        if not self._filter_bar.value and self.focused is not self._filter_bar:
            raise SkipAction()  # nothing to do here: Escape is the focused widget's
        self._filter_bar.clear_in_turn()
        self.set_focus(self._list)

    def action_leave_filter(self) -> None:
        """From the filter to the list, the filter kept (Enter, Down)."""
        if self.focused is not self._filter_bar:
            raise SkipAction()  # Enter and Down elsewhere are the focused widget's
        self.set_focus(self._list)

    # -- the split between the list and the detail pane ------------------------------------------

    def validate_split(self, split: int) -> int:
        low, high = settings.SPLIT_RANGE
        return max(low, min(high, split))

    def watch_split(self) -> None:
        self._apply_split()

    def _apply_split(self) -> None:
        """Size the panes: side by side the list takes ``split`` percent of the width; stacked
        (a narrow terminal) they share the height, as the abstract needs the room there."""
        self._list.styles.width = f"{self.split}%" if self.has_class("-wide") else None

    def on_resize(self) -> None:
        """The layout may have flipped between side by side and stacked."""
        self.call_after_refresh(self._apply_split)
        self.call_after_refresh(self._place_toasts)

    def _place_toasts(self) -> None:
        """Show toasts above the status line, the banner and the footer: they hide nothing of
        what the status line says (the view, the sort, the counts), only the pane above."""
        panes = self.query_one("#panes").region
        below = max(0, self.size.height - panes.bottom)
        for rack in self.query("#textual-toastrack"):
            rack.styles.margin = (0, 0, below, 0)

    def action_move_split(self, step: int) -> None:
        """Give the list more (or less) of the screen."""
        self.split += step

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Start dragging the line between the panes."""
        region = self._detail.region
        on_line = self.has_class("-wide") and event.screen_x == region.x
        if on_line and region.contains(event.screen_x, event.screen_y):
            self._dragging = True
            self.capture_mouse()
            event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Move the line with the mouse while dragging."""
        if not self._dragging:
            return
        panes = self.query_one("#panes").region
        self.split = round((event.screen_x - panes.x) * 100 / max(1, panes.width))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """Drop the line."""
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def action_set_view(self, view: View) -> None:
        """Show all papers, only the unread ones, or only the starred ones."""
        self.view = view

    def action_cycle_sort(self) -> None:
        """Go to the next sort order (relevance is catalogue order while the filter is empty)."""
        following = sorts.following(self.sort, searched=bool(self.filter_text.strip()))
        if following == sorts.FOR_YOU.name and not any(
            paper_id in self.catalog for paper_id in self.store.starred_ids
        ):
            self._say(f"{NO_STARS} Catalogue order until then.", timeout=4)
        elif self.view == "queue":
            shown_as = sorts.get(following).shown_as
            self._say(f"The queue keeps its own order; the other views: by {shown_as}.", timeout=3)
        else:
            self._say(f"Sorted by {sorts.get(following).shown_as}.{self._first_use()}", timeout=3)
        self.sort = following

    def _first_use(self) -> str:
        """A word on the wait when "for you" or "like this" first reads a large catalogue."""
        if len(self.papers) < 5000 or vectors_ready(self.papers):
            return ""
        return " Reading every abstract first (once per catalogue, kept for later): a moment."

    def action_more_like_this(self) -> None:
        """Filter the list to the papers most like the one under the cursor (``similar:ID``)."""
        paper = self.current
        if paper is None:
            return
        query = f"similar:{paper.id}"
        if self.filter_text.strip() != query:
            back = self._like_this  # m in the list of m: Escape goes back to before the first
            self._like_this = (
                _LikeThis(query, self.filter_text, self.sort, paper.id)
                if back is None
                else replace(back, query=query)
            )
            self.set_reactive(MainScreen.sort, sorts.RELEVANCE.name)  # most alike first
            self._filter_bar.value = query
        self._say(
            "The papers most like this one, most alike first; Escape goes back."
            + self._first_use(),
            timeout=3,
        )

    def action_show_more(self) -> None:
        """Lay out more of a huge text of the paper shown."""
        if not self._detail.show_more():
            self._say("All of this paper is shown.", timeout=2)

    def action_switch_pane(self) -> None:
        """Tab, shift+Tab: from the list to the detail pane, from anywhere else to the list."""
        detail = self._detail
        if self.focused is self._list and detail.display and detail.focusable:
            self.set_focus(detail)
        else:
            self.set_focus(self._list)

    def action_help(self) -> None:
        """Show every key and the filter syntax."""
        self.app.push_screen(HelpScreen(self.key_help(), self.messages))

    def key_help(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every binding of this screen, for the help screen."""
        display = self.app.get_key_display
        rows: list[tuple[str, str]] = []
        listed: set[str] = set()
        for source in (MainScreen, PaperList, FilterBar):
            for binding in source.BINDINGS:
                if not isinstance(binding, Binding):
                    continue
                keys_here = set(binding.key.split(","))
                if keys_here <= listed:
                    continue  # each key once: Escape clears the filter from anywhere
                listed |= keys_here
                keys = ", ".join(display(Binding(k, "")) for k in binding.key.split(","))
                where = " (in the filter)" if source is FilterBar else ""
                rows.append((keys, f"{binding.tooltip or binding.description}{where}"))
        rows.append((display(Binding("ctrl+p", "")), "Command palette: what can run now"))
        rows.append(
            (
                "mouse",
                "Click a paper to select it, scroll with the wheel, "
                "drag the line between the panes",
            )
        )
        return rows

    # -- the inbox: new, muted, queue, tags, notes, saved filters -----------------------------

    def ready_to_quit(self) -> bool:
        """Whether the reader may exit now (q, ctrl+q, the palette): every change saved and the
        visit ended (every paper loaded is new no more).

        While another paperterm holds the state file, say what waits and keep trying: the
        reader exits once it is saved. Pressing q again gives up: what is not saved is kept in
        ``given_up``, and the reader names it on standard error when it exits.
        """
        if self.quitting:
            self.given_up = [describe_change(self.catalog, c) for c in self.store.unsaved]
            if not self.visit_ended:
                self.given_up.append("the end of this visit (the papers loaded stay new)")
            return True
        self.remember_place()
        if self._finish_saving():
            return True
        self.quitting = True
        waiting = [describe_change(self.catalog, c) for c in self.store.unsaved]
        if not self.visit_ended:
            waiting.append("the end of this visit")
        self._say(
            f"Waiting for another paperterm to let go of the state file, to save: "
            f"{'; '.join(waiting)}. Press q again to quit without them (they are listed "
            "when paperterm exits).",
            title="Quitting",
            severity="warning",
            timeout=30,
        )
        return False

    def _finish_saving(self) -> bool:
        """Try once, without waiting, to save what is unsaved and end the visit; True if done."""
        try:
            self.store.flush()
        except StateError:  # LockBusy, or a failed save the status line shows
            return False
        if not self.visit_ended:
            try:
                self.inbox.end_visit(lock_timeout=0)
            except LockBusy:
                return False
            except StateError as error:
                self._say(str(error), title="Visit not saved", severity="error")
            self.visit_ended = True
        return True

    def _save_deferred(self) -> None:
        """Save the changes made while another paperterm held the state file, once it lets go
        (a few times a second, never waiting); quit when that was all quitting waited for."""
        if self.store.unsaved:
            try:
                self.store.flush()
            except LockBusy:
                pass
            except StateError as error:
                if str(error) != self._flush_error:
                    self._say(str(error), title="Not saved yet", severity="error", timeout=15)
                self._flush_error = str(error)
            else:
                self._flush_error = ""
            self._status.unsaved = len(self.store.unsaved)
        if self.quitting and self._finish_saving():
            self.app.exit()

    def _shown_ids(self) -> list[str]:
        papers = self.papers
        return [papers[row].id for row in self._list.rows]

    def action_mark_all_read(self) -> None:
        """Mark every paper shown read, after a confirmation that says how many."""
        read = self.store.read_ids
        unread = [pid for pid in self._shown_ids() if pid not in read]
        if not unread:
            self._say("Every paper shown is read already.", timeout=3)
            return
        noun = "paper" if len(unread) == 1 else "papers"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.set_read(unread, True)  # one save, one undo step
            except StateError as error:
                self._say(str(error), title="Not saved", severity="error", timeout=15)
            finally:
                self._refresh_marks()
            self._say(f"Marked {len(unread):,} {noun} read (u undoes it).")

        self.app.push_screen(
            ConfirmScreen(
                "Mark all shown as read",
                f"Mark the {len(unread):,} unread {noun} shown read? (u undoes it in one step)",
            ),
            answered,
        )

    def action_mute_filter(self) -> None:
        """Make the current filter a mute rule, after a confirmation that says how many."""
        rule = self.filter_text.strip()
        if not rule:
            self._say("Type a filter first (/): x mutes what it matches.", severity="warning")
            return
        count = len(self._list.rows)
        noun = "paper" if count == 1 else "papers"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.inbox.filters.add_mute(rule)
            except (StateError, ValueError) as error:
                self._say(str(error), title="Not muted", severity="error", timeout=15)
                return
            self.inbox.reload_rules()
            self._say(f"Muted {rule!r}: X shows muted papers; paperterm mute lists the rules.")
            self._filter_bar.value = ""
            self.filter_text = ""
            self._refilter(keep=None)

        self.app.push_screen(
            ConfirmScreen(
                "Mute",
                f"Hide the {count:,} {noun} matching {rule!r} from every view, now and later?",
            ),
            answered,
        )

    def action_toggle_muted(self) -> None:
        """Show the papers the mute rules hide, or hide them again."""
        self.show_muted = not self.show_muted
        self._say("Muted papers shown." if self.show_muted else "Muted papers hidden.", timeout=2)
        self._refilter(keep=self._list.current)

    def action_toggle_queue(self) -> None:
        """Put the paper at the end of the reading queue, or take it out."""
        store = self.store

        def change(paper: Paper) -> None:
            if paper.id in store.queue:
                store.dequeue([paper.id])
            else:
                store.enqueue([paper.id])

        if self._save(change) and self.view == "queue":
            self._refilter(keep=self._list.current)

    def action_move_in_queue(self, steps: int) -> None:
        """Move the paper along the reading queue (in the queue view)."""
        paper = self.current
        if paper is None or paper.id not in self.store.queue:
            self._say("Only a queued paper moves in the queue (l queues it).", timeout=3)
            return
        if self._save(lambda paper: self.store.move_in_queue(paper.id, steps)):
            self._refilter(keep=paper.index)

    def action_edit_tags(self) -> None:
        """Edit the paper's tags, completing the tags in use."""
        paper = self.current
        if paper is None:
            return
        tags = self.store.get(paper.id).tags

        def done(new: list[str] | None) -> None:
            if new is not None:
                self._save(lambda paper: self.store.set_tags(paper.id, new))

        self.app.push_screen(TagScreen(paper.title, tags, self.store.tag_counts()), done)

    def action_edit_note(self) -> None:
        """Edit the paper's note in ``$EDITOR`` (VISUAL first), else in the inline editor."""
        paper = self.current
        if paper is None:
            return
        note = self.store.get(paper.id).note
        edited = _edit_in_editor(self.app, note)
        if edited is not None:
            if edited != note:
                self._save(lambda paper: self.store.set_note(paper.id, edited))
            return

        def done(text: str | None) -> None:
            if text is not None and text != note:
                self._save(lambda paper: self.store.set_note(paper.id, text))

        self.app.push_screen(NoteScreen(paper.title, note), done)

    def action_saved_filters(self) -> None:
        """Pick a saved filter, save the current one under a name, edit one, or delete one."""
        files = self.inbox.filters

        def done(choice: tuple[str, ...] | None) -> None:
            if choice is None:
                return
            what, value, *edited = choice
            try:
                if what == "apply":
                    self._filter_bar.value = value
                    self.filter_text = value
                elif what == "save":
                    files.save_filter(value, self.filter_text)
                    self._say(f"Saved the filter as {value!r} (f lists the saved filters).")
                elif what == "edit":
                    files.edit_filter(value, *edited)
                    self._say(f"Saved filter {value!r} is now {edited[0]!r}: {edited[1]}")
                else:
                    files.remove_filter(value)
                    self._say(f"Deleted the saved filter {value!r}.")
            except (StateError, ValueError) as error:
                self._say(str(error), title="Saved filters", severity="error", timeout=15)

        self.app.push_screen(FiltersScreen(files.read().saved, self.filter_text), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what cannot run now: no paper under the cursor, or a read-only state file."""
        if action in _NEEDS_PAPER and self._list.current is None:
            return None
        if action in _MARKS and self.store.read_only:
            return None
        if action == "undo" and not self.store.can_undo:
            return None
        if action == "fetch_today" and self.fetcher is None:
            return False  # not offered at all (a reader made without one, as in tests)
        if action == "fetch_today" and self.fetching:
            return None
        return True

    def can_run(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Whether ``action`` would do something now: what the palette offers. Stricter than
        :meth:`check_action`, whose keys stay live to say why they cannot (``e`` with nothing
        starred)."""
        if not self.check_action(action, parameters):
            return False
        if action == "export":
            return bool(self.store.starred_ids)
        if action == "clear_filter":
            return bool(self._filter_bar.value)
        if action == "leave_filter":
            return self.focused is self._filter_bar
        if action == "set_view":
            return parameters != (self.view,)
        if action == "show_more":
            return self._detail.has_more
        return True


def _console_browser() -> bool:
    """Whether the browser Python would start runs in the terminal (lynx, w3m, www-browser).

    Those are plain ``GenericBrowser``s, started in the foreground; graphical ones are started
    in the background (``BackgroundBrowser`` and the named browsers' own classes).
    """
    try:
        return type(webbrowser.get()) is webbrowser.GenericBrowser
    except webbrowser.Error:
        return False


def _edit_in_editor(app: App[object], text: str) -> str | None:
    """``text`` as edited in the user's ``$VISUAL`` or ``$EDITOR``, with the app suspended;
    None when neither is set or the editor cannot run (not installed, a typo in the variable,
    no terminal to hand over): the inline editor takes over."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        return None
    try:
        command = shlex.split(editor)
    except ValueError:
        return None
    fd, name = tempfile.mkstemp(prefix="paperterm-note-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        finished: subprocess.CompletedProcess[bytes] | None = None
        try:
            # The failure caught inside: Textual resumes the app only when its block ends
            # normally (an editor that could not start left a blank screen only ^C ended).
            with app.suspend(), contextlib.suppress(OSError, ValueError):
                finished = subprocess.run([*command, str(path)], check=False)
        except SuspendNotSupported:
            return None
        if finished is None:
            return None
        if finished.returncode != 0:
            return text
        return path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
    finally:
        path.unlink(missing_ok=True)
