"""The triage app: a filter bar, the paper list, the detail pane and a status line."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import ClassVar, Literal

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from paperterm.catalog import Catalog
from paperterm.errors import PapertermError, StateError
from paperterm.export import bibtex_entry, citation_keys, export_and_pin
from paperterm.files import write_atomically
from paperterm.model import Paper
from paperterm.search import highlight, parse
from paperterm.state import StateStore
from paperterm.ui import settings
from paperterm.ui.commands import palette_commands
from paperterm.ui.screens.export import ExportScreen, format_for
from paperterm.ui.screens.help import HelpScreen
from paperterm.ui.widgets.filter_bar import FilterBar
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.paper_list import PaperList

View = Literal["all", "unread", "starred"]
Sort = Literal["catalogue", "title", "relevance"]
SORTS: tuple[Sort, ...] = ("relevance", "catalogue", "title")
"""The order ``t`` cycles through; relevance is catalogue order while the filter is empty."""

# Actions that need a paper under the cursor, and those that only change the marks.
_NEEDS_PAPER = {"toggle_star", "toggle_read", "next_unread", "open_link", "copy_bibtex"}
_MARKS = {"toggle_star", "toggle_read", "next_unread", "undo"}


class PapertermApp(App[None]):
    """Triage papers: walk the unread ones with ``n``, star with ``s``, export with ``e``."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "paperterm"
    RELOAD_SECONDS = 2.0
    """How often to look for marks changed by another process."""
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 - Textual declares it without ClassVar
        (0, "-narrow"),
        (100, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer: the filter bar's own placeholder says "/ filter".
        Binding(
            "slash", "focus_filter", "Filter", show=False, tooltip="Filter the list as you type"
        ),
        Binding("n", "next_unread", "Next", tooltip="Mark read and go to the next unread paper"),
        Binding("s", "toggle_star", "Star", tooltip="Star or unstar the paper"),
        Binding("r", "toggle_read", "Read", tooltip="Mark the paper read, or unread again"),
        Binding("o", "open_link", "Open", tooltip="Open the paper's link in the web browser"),
        Binding(
            "y",
            "copy_bibtex",
            "BibTeX",
            tooltip="Copy the paper's BibTeX entry (through the terminal, OSC 52)",
        ),
        Binding("e", "export", "Export", tooltip="Export the starred papers to a file"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change to the marks"),
        Binding("1", "set_view('all')", "All", show=False, tooltip="View all papers"),
        Binding("2", "set_view('unread')", "Unread", show=False, tooltip="View unread papers"),
        Binding("3", "set_view('starred')", "Starred", show=False, tooltip="View starred papers"),
        Binding("t", "cycle_sort", "Sort", show=False, tooltip="Sort: relevance, catalogue, title"),
        Binding("escape", "clear_filter", "Clear", show=False, tooltip="Clear the filter"),
        Binding("question_mark", "help", "Help", tooltip="Show the keys and the filter syntax"),
        Binding("q", "quit", "Quit", tooltip="Quit paperterm"),
    ]

    def __init__(
        self,
        catalog: Catalog,
        store: StateStore,
        *,
        notices: Sequence[str] = (),
        export_path: Path | None = None,
        banner: str | None = None,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        """Every loaded paper."""
        self.store = store
        """Read and starred marks; every change is saved through it at once."""
        self.notices = tuple(notices)
        """One-line messages shown at start (the store's own notices are shown as well)."""
        self.banner = banner
        """A line kept on screen above the status line (how to load real dumps, on the demo)."""
        self.export_path = export_path
        """Default file for ``e``; None: the remembered one, else ``starred.bib`` here."""
        self.view: View = "all"
        """Which papers the list shows."""
        self.sort: Sort = "relevance"
        """The list's order."""
        self.filter_text = ""
        """The filter in force (what the list shows, not what is being typed)."""
        self._generation = 0
        self._title_rank: list[int] | None = None
        self._rank_lock = threading.Lock()
        self._runnable: tuple[bool, bool, bool] | None = None
        self._search_gate = threading.Lock()
        self._members: frozenset[int] | None = None
        self._index_ready = False
        self._store_notices_shown = len(store.notices)
        self.messages: list[str] = [*self.notices, *store.notices]
        """Every notice of this session, kept for the help screen once its toast is gone."""
        self._reload_error = ""

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Filter bar on top, then the two panes, the status line and the footer."""
        self._filter_bar = FilterBar(id="filter")
        self._list = PaperList(id="papers")
        self._detail = PaperDetail(id="detail")
        yield self._filter_bar
        with Container(id="panes"):
            yield self._list
            yield self._detail
        if self.banner:
            yield Static(self.banner, id="banner", markup=False)
        self._status = Static(id="status", markup=False)
        yield self._status
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the list at once (no search needed for the whole catalogue) and show notices."""
        # Textual sets the breakpoint class on the first resize, after the first frame: set it
        # now, so that a wide terminal does not flash the stacked layout first.
        current = self._breakpoint(self.size.width)
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.screen.set_class(name == current, name)
        self._list.focus()
        self._refilter(keep=None)
        # Once the first frame is on screen (a moment after the first refresh): the build
        # competes with drawing for the GIL.
        self.call_after_refresh(self.set_timer, 0.25, self._prepare_search)
        # The detail pane's text carries the theme's colours: draw it again with the new ones.
        self.theme_changed_signal.subscribe(self, lambda _theme: self._show_detail())
        self.set_interval(self.RELOAD_SECONDS, self._pick_up_outside_changes)
        # The store's own notices too: a corrupt file moved aside, a read-only newer schema.
        for notice in self.messages:
            self._say(notice, timeout=10)

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

    def _say(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        """Notify in plain text: messages carry paths, titles and errors that may hold [ ]."""
        self.notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _breakpoint(self, width: int) -> str:
        """The breakpoint class for a terminal ``width`` columns wide."""
        return [name for minimum, name in self.HORIZONTAL_BREAKPOINTS if width >= minimum][-1]

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
        index = self.paper_list.current
        return None if index is None else self.papers[index]

    # -- filtering ----------------------------------------------------------------------------

    def _refilter(self, *, keep: int | None) -> None:
        """Recompute the shown rows for the current query, view and sort."""
        self._generation += 1
        generation = self._generation
        query, view, sort = self.filter_text, self.view, self.sort
        if not query.strip() and view == "all" and sort != "title":
            self._show_rows(range(len(self.papers)), None, query, keep, generation)
            return
        marks = (self.store.read_ids, self.store.starred_ids)
        self._filter(query, view, sort, marks, keep, generation)

    @work(exclusive=True, thread=True, group="filter")
    def _filter(
        self,
        query: str,
        view: View,
        sort: Sort,
        marks: tuple[frozenset[str], frozenset[str]],
        keep: int | None,
        generation: int,
    ) -> None:
        """Search off the UI thread; a newer request cancels this one."""
        worker = get_current_worker()
        # One search at a time, and none for a keystroke already overtaken by a newer one.
        with self._search_gate:
            if worker.is_cancelled or generation != self._generation:
                return
            try:
                rows = self._compute_rows(query, view, sort, *marks)
                members = frozenset(rows)
            except PapertermError as error:
                if not worker.is_cancelled:
                    self.call_from_thread(self._say, str(error), severity="warning")
                return
        if not worker.is_cancelled:
            self.call_from_thread(self._show_rows, rows, members, query, keep, generation)

    def _compute_rows(
        self, query: str, view: View, sort: Sort, read: frozenset[str], starred: frozenset[str]
    ) -> Sequence[int]:
        papers = self.papers
        rows: Sequence[int]
        if query.strip():
            rows = self.catalog.search_indices(query, read=read, starred=starred)
        else:
            rows = range(len(papers))
        if view == "unread":
            rows = [i for i in rows if papers[i].id not in read]
        elif view == "starred":
            rows = [i for i in rows if papers[i].id in starred]
        if sort == "catalogue" and query.strip():
            rows = sorted(rows)
        elif sort == "title":
            rank = self._title_ranks()
            rows = sorted(rows, key=rank.__getitem__)
        return rows

    def _prepare_search(self) -> None:
        """Build the search index in the background, so the first keystroke does not wait.

        A daemon thread, not a worker: quitting must not wait for a long build to finish. The
        UI polls it rather than being called back, so a build that ends after the app closed
        has nobody to call.
        """
        builder = threading.Thread(
            target=self.catalog.prepare_search, name="paperterm-index", daemon=True
        )
        builder.start()

        def check() -> None:
            if not builder.is_alive():
                poll.stop()
                self._index_built()

        poll = self.set_interval(0.2, check)

    def _index_built(self) -> None:
        self._index_ready = True
        self._update_status(self.store.read_ids, self.store.starred_ids)

    def _title_ranks(self) -> list[int]:
        """Each paper's position in title order, computed once."""
        with self._rank_lock:
            if self._title_rank is None:
                order = sorted(
                    range(len(self.papers)), key=lambda i: self.papers[i].title.casefold()
                )
                rank = [0] * len(order)
                for position, index in enumerate(order):
                    rank[index] = position
                self._title_rank = rank
            return self._title_rank

    def _show_rows(
        self,
        rows: Sequence[int],
        members: frozenset[int] | None,
        query: str,
        keep: int | None,
        generation: int,
    ) -> None:
        """Hand the rows to the list; ``members`` is the set of them (None: every paper)."""
        if generation != self._generation:
            return
        self._members = members
        if query.strip():
            self._index_ready = True  # a search has run, so the index exists
        words = query.strip()
        self.paper_list.set_rows(
            self.papers,
            rows,
            keep=keep,
            highlighter=(lambda text: highlight(words, text, "title")) if words else None,
            empty_text=self._empty_text(),
        )
        self._refresh_marks()

    def _empty_text(self) -> str:
        if not self.papers:
            return "No papers loaded. Quit (q) and run: paperterm add FILE, or paperterm PATH."
        if self.filter_text.strip():
            return f"No paper matches {self.filter_text.strip()!r}. Escape clears the filter."
        if self.view == "unread":
            return "No unread papers left. Press 1 to see them all."
        if self.view == "starred":
            return "Nothing starred yet. Press s on a paper to star it, 1 to see all."
        return "No papers."

    @on(FilterBar.Changed, "#filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        self.filter_text = event.value
        # Clearing the filter goes back to the whole list at the paper found, not at the top.
        self._refilter(keep=None if event.value.strip() else self.paper_list.current)
        if not self._index_ready:
            self._update_status(self.store.read_ids, self.store.starred_ids)

    @on(FilterBar.Done, "#filter")
    def _filter_done(self, event: FilterBar.Done) -> None:
        self.screen.set_focus(self.paper_list)

    @on(PaperList.Highlighted, "#papers")
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        self._show_detail()
        self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        """Update the footer's greyed keys only when what can run changed (a redraw costs)."""
        runnable = (
            self.paper_list.current is not None,
            self.store.can_undo,
            self.store.read_only,
        )
        if runnable != self._runnable:
            self._runnable = runnable
            self.refresh_bindings()

    # -- showing ------------------------------------------------------------------------------

    def _show_detail(self) -> None:
        detail = self._detail
        paper = self.current
        if paper is None:
            detail.show_empty(self.paper_list.empty_text)
            return
        state = self.store.get(paper.id)
        words = self.filter_text.strip()
        detail.show(
            paper,
            read=state.read,
            starred=state.starred,
            bibkey=state.bibkey,
            spans=(lambda text, field: highlight(words, text, field)) if words else None,
        )

    def _refresh_marks(self) -> None:
        """Redraw marks, the detail pane and the status line after the state changed."""
        read, starred = self.store.read_ids, self.store.starred_ids
        self.paper_list.set_marks(read, starred)
        self._show_detail()
        self._update_status(read, starred)
        self._refresh_bindings_if_changed()
        # A save can have something to say too (a corrupt file met and moved aside, say).
        for notice in self.store.notices[self._store_notices_shown :]:
            self.messages.append(notice)
            self._say(notice, severity="warning", timeout=15)
        self._store_notices_shown = len(self.store.notices)

    def _count_shown(self, ids: frozenset[str], *, everywhere: bool = False) -> int:
        """How many of ``ids`` are shown (or loaded at all): walks the ids, not the rows."""
        members = None if everywhere else self._members
        count = 0
        for paper_id in ids:
            paper = self.catalog.get(paper_id)
            if paper is not None and (members is None or paper.index in members):
                count += 1
        return count

    def _update_status(self, read: frozenset[str], starred: frozenset[str]) -> None:
        rows = self.paper_list.rows
        total = len(self.papers)
        done = self._count_shown(read)
        unread_left = len(rows) - done
        width = 10
        filled = round(width * done / len(rows)) if rows else 0
        bar = "█" * filled + "░" * (width - filled)
        parts = [
            f"{len(rows):,}/{total:,} shown",
            f"{bar} {unread_left:,} unread left",
            f"★ {self._count_shown(starred, everywhere=True):,} starred",
            self.view,
            f"by {self.sort}",
        ]
        if self.store.read_only:
            parts.append("read-only")
        if self.messages:
            count = len(self.messages)
            parts.append(f"{count} message{'' if count == 1 else 's'} (?)")
        if self.filter_text.strip():
            if not self._index_ready:
                parts.append(f"indexing {total:,} papers…")
            ignored = parse(self.filter_text).ignored
            if ignored:
                parts.append(f"ignored: {' '.join(ignored)}")
        self._status.update(" · ".join(parts))

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
        return True

    def action_toggle_star(self) -> None:
        """Star or unstar the paper under the cursor."""
        store = self.store
        self._save(lambda paper: store.set_starred([paper.id], not store.is_starred(paper.id)))

    def action_toggle_read(self) -> None:
        """Mark the paper under the cursor read, or unread again."""
        store = self.store
        self._save(lambda paper: store.set_read([paper.id], not store.is_read(paper.id)))

    def action_next_unread(self) -> None:
        """Mark this paper read and move to the next unread one in the list (one key per paper)."""
        if not self._save(lambda paper: self.store.set_read([paper.id], True)):
            return
        rows = self.paper_list.rows
        read = self.store.read_ids
        start = self.paper_list.cursor
        for offset in range(1, len(rows) + 1):
            row = (start + offset) % len(rows)
            if self.papers[rows[row]].id not in read:
                self.paper_list.cursor = row
                return
        self._say("All caught up: no unread paper left in this list.")

    def action_undo(self) -> None:
        """Undo the last change to the marks."""
        try:
            undone = self.store.undo()
        except StateError as error:
            self._say(str(error), title="Not saved", severity="error", timeout=15)
            return
        finally:
            self._refresh_marks()
        self._say("Undone." if undone else "Nothing to undo.", timeout=2)

    # -- the paper under the cursor -----------------------------------------------------------

    def action_open_link(self) -> None:
        """Open the paper's link (its code repository first) in the web browser."""
        paper = self.current
        if paper is None:
            return
        if paper.url is None:
            self._say("This paper has no link in its abstract.", severity="warning")
            return
        if _console_browser():
            # It would run in this very terminal, over the app, and block it until it quits.
            self.copy_to_clipboard(paper.url)
            self._say(f"Only a console browser here: copied {paper.url} instead", timeout=8)
        elif webbrowser.open(paper.url):
            self._say(f"Opened {paper.url}")
        else:
            self._say(f"No browser could be opened for {paper.url}", severity="warning")

    def action_copy_bibtex(self) -> None:
        """Copy the paper's BibTeX entry; its key is pinned so it never changes afterwards."""
        paper = self.current
        if paper is None:
            return
        pinned = self.store.get(paper.id).bibkey
        key = pinned or citation_keys([paper], pinned=self.store.pinned_keys)[paper.id]
        if pinned is None and not self.store.read_only:
            try:
                # Another process may have pinned one meanwhile: the pinned key always wins.
                key = self.store.pin_keys({paper.id: key}).get(paper.id, key)
            except StateError as error:
                self._say(str(error), title="Key not saved", severity="error", timeout=15)
        self.copy_to_clipboard(bibtex_entry(paper, key))
        # Textual copies through the terminal (OSC 52): say so, as some terminals ignore it.
        self._say(
            f"Copied the BibTeX entry @{key} through the terminal's clipboard "
            "(in tmux: set -g set-clipboard on)."
        )
        self._show_detail()

    # -- export -------------------------------------------------------------------------------

    def _starred_papers(self) -> list[Paper]:
        starred = self.store.starred_ids
        return [paper for paper in self.papers if paper.id in starred]

    def action_export(self) -> None:
        """Ask where to write the starred papers, then write them."""
        papers = self._starred_papers()
        if not papers:
            self._say("Nothing starred yet: press s on a paper first.", severity="warning")
            return
        default = self.export_path or settings.last_export_path() or Path.cwd() / "starred.bib"
        self.push_screen(ExportScreen(len(papers), default), self._export_to)

    def _export_to(self, path: Path | None) -> None:
        if path is None:
            return
        papers = self._starred_papers()
        try:
            export = export_and_pin(papers, format_for(path), self.store)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, export.text.encode("utf-8"))
        except (OSError, PapertermError) as error:
            message = error.strerror if isinstance(error, OSError) and error.strerror else error
            self._say(f"{path}: {message}", title="Export failed", severity="error", timeout=15)
            return
        finally:
            self._refresh_marks()
        noun = "paper" if len(papers) == 1 else "papers"
        self._say(f"Exported {len(papers)} {noun} to {path}", title="Exported")
        self.export_path = path
        try:
            settings.remember_export_path(path.resolve())
        except OSError as error:
            self._say(f"Could not remember the export path: {error}", severity="warning")

    # -- views, sort, filter, help ------------------------------------------------------------

    def action_focus_filter(self) -> None:
        """Go to the filter bar."""
        # At once, not via focus(): keys typed right after / must land in the filter.
        self.screen.set_focus(self._filter_bar)

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to the list."""
        bar = self._filter_bar
        if bar.value:
            bar.value = ""
        self.screen.set_focus(self.paper_list)

    def action_set_view(self, view: View) -> None:
        """Show all papers, only the unread ones, or only the starred ones."""
        self.view = view
        self._refilter(keep=self.paper_list.current)

    def action_cycle_sort(self) -> None:
        """Sort by relevance (catalogue order without a filter), catalogue order, or title."""
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._say(f"Sorted by {self.sort}.", timeout=2)
        self._refilter(keep=self.paper_list.current)

    def action_help(self) -> None:
        """Show every key and the filter syntax."""
        self.push_screen(HelpScreen(self.key_help(), self.messages))

    def key_help(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every binding of the main screen, for the help screen."""
        rows: list[tuple[str, str]] = []
        for source in (PapertermApp, PaperList, FilterBar):
            if source is FilterBar:
                rows.append(("Enter", "Go to the list (in the filter)"))
            for binding in source.BINDINGS:
                if not isinstance(binding, Binding):
                    continue
                keys = ", ".join(
                    self.get_key_display(Binding(k, "")) for k in binding.key.split(",")
                )
                where = " (in the filter)" if source is FilterBar else ""
                rows.append((keys, f"{binding.tooltip or binding.description}{where}"))
        rows.append((self.get_key_display(Binding("ctrl+p", "")), "Command palette: every action"))
        return rows

    # -- the command palette and greying out --------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the app, then Textual's own (theme, keys, screenshot)."""
        yield from palette_commands(self)
        yield from super().get_system_commands(screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what cannot run now: no paper under the cursor, or a read-only state file."""
        if not hasattr(self, "_list"):
            return True
        if action in _NEEDS_PAPER and self.paper_list.current is None:
            return None
        if action in _MARKS and self.store.read_only:
            return None
        if action == "undo" and not self.store.can_undo:
            return None
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


def run_app(
    catalog: Catalog,
    store: StateStore,
    *,
    notices: Sequence[str] = (),
    banner: str | None = None,
) -> None:
    """Open the triage app over ``catalog`` and return when the user quits."""
    PapertermApp(catalog, store, notices=notices, banner=banner).run()
