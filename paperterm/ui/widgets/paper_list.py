"""The list pane: one line per paper, drawn on demand so 100k papers scroll as fast as 100."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style as VisualStyle

from paperterm.model import Paper
from paperterm.ui.widgets import one_line
from paperterm.ui.widgets.component_style import component_style, widget_background
from paperterm.ui.widgets.kept_styles import KeptStyles
from paperterm.ui.widgets.keys_in_turn import KeysInTurn
from paperterm.ui.widgets.scroll_bar import kept_lines_scrollbar

Highlighter = Callable[[str], list[tuple[int, int]]]
"""Spans of a title to highlight for the current query."""

_CODE_MARK = "</>"
_STAR_MARK = "★"
_UNREAD_MARK = "●"
_UPVOTES_MARK = "▲"
_GITHUB_STARS_MARK = "☆"
_VOTES_WIDTH = 12
"""Room for `` ▲1.2k ☆12k``: upvotes and GitHub stars, 4 characters each at most."""
_CACHED_LINES = 2048
"""Rendered rows kept, by what they show: a few screens' worth, so a cursor key, a scroll or a
filter key renders only the rows that come into view or look different."""
_ELLIPSIS = "…"


def compact(number: int) -> str:
    """A count in 4 characters at most: ``999``, ``1.2k``, ``12k``, ``123k``... ``1.2M``."""
    if number < 1000:
        return str(number)
    for divisor, unit in ((1000, "k"), (1_000_000, "M"), (1_000_000_000, "G")):
        value = number / divisor
        if value < 9.95:
            return f"{value:.1f}{unit}"
        if value < 999.5:
            return f"{value:.0f}{unit}"
    return "many"


def votes_column(paper: Paper) -> str:
    """The list's narrow column for a paper's Hugging Face upvotes and GitHub stars."""
    meta = paper.meta
    if meta is None:
        return " " * _VOTES_WIDTH
    upvotes = "" if meta.upvotes is None else _UPVOTES_MARK + compact(meta.upvotes)
    stars = "" if meta.github_stars is None else _GITHUB_STARS_MARK + compact(meta.github_stars)
    return f" {upvotes:>5} {stars:>5}"


def _has_votes(papers: Sequence[Paper]) -> bool:
    """Whether any paper knows its upvotes or stars (else the column is left out)."""
    return any(
        paper.meta is not None
        and (paper.meta.upvotes is not None or paper.meta.github_stars is not None)
        for paper in papers
    )


class PaperList(KeysInTurn, KeptStyles, ScrollView, can_focus=True):
    """A virtual list of papers: the app gives it rows (catalogue indices) and marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next paper", show=False),
        Binding("k,up", "cursor_up", "Previous paper", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("g,home", "first", "First paper", show=False),
        Binding("G,end", "last", "Last paper", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--star",
        "paper-list--code",
        "paper-list--count",
        "paper-list--match",
        "paper-list--empty",
        "paper-list--votes",
        "paper-list--divider",
    }

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        overflow-x: hidden;
        /* The bar is always there (one that comes and goes lays the whole screen out), its
           track in the list's colour: a list that fits shows no bar, only its thumb shows. */
        overflow-y: scroll;
        scrollbar-background: $surface;
        scrollbar-background-hover: $surface;
        scrollbar-background-active: $surface;
        & > .paper-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paper-list--unread { text-style: bold; }
        & > .paper-list--read { color: $text-muted; }
        & > .paper-list--star { color: $warning; }
        & > .paper-list--code { color: $success; }
        & > .paper-list--count { color: $text-muted; }
        & > .paper-list--match { color: $accent; text-style: bold underline; }
        & > .paper-list--empty { color: $text-muted; text-style: italic; }
        & > .paper-list--votes { color: $text-muted; }
        & > .paper-list--divider { color: $text-muted; }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor moved: ``index`` is the paper's catalogue index, or None for an empty list."""

        paper_list: PaperList
        """The list that sent it."""
        index: int | None
        """Catalogue index of the paper under the cursor."""

        @property
        def control(self) -> PaperList:
            """The list that sent the message (for ``@on`` selectors)."""
            return self.paper_list

        def can_replace(self, message: Message) -> bool:
            """Only the latest position matters while the cursor runs."""
            return isinstance(message, PaperList.Highlighted)

    cursor: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
    """Row under the cursor (an index into ``rows``); 0 for an empty list."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._papers: Sequence[Paper] = ()
        self._rows: Sequence[int] = ()
        self._read: frozenset[str] = frozenset()
        self._starred: frozenset[str] = frozenset()
        self._highlighter: Highlighter | None = None
        self._votes = False
        self._divider: int | None = None
        self._divider_text = ""
        self._base: tuple[Style, Style] | None = None
        """The list's style and the cursor's over it (computed once, until the styles change)."""
        self._looks: dict[tuple[bool, bool], _Look] = {}
        """A row's styles by (under the cursor, read), over the list's or the cursor's style."""
        self._finish: _Finish | None = None
        """How Textual finishes a line for the terminal (width, background, line filters): what
        the kept lines were finished for."""
        self._finish_size = Size(0, 0)
        """The list's size :attr:`_finish` was worked out for."""
        self._lines_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(_CACHED_LINES)
        """Finished rows by what they show (paper, marks, cursor, highlights, width), kept across
        rows and queries; emptied when the styles or the finish change."""
        self._others: dict[tuple[str, int], Strip] = {}
        """Finished lines that show no paper (blank, the divider, the empty-list hint) by what
        they say and their width; emptied with the kept rows."""
        self._pieces: dict[tuple[bool, bool], _Pieces] = {}
        """The pieces rows share, by look (under the cursor, read), in styles through the line
        filters when :attr:`_Finish.by_style` (:meth:`_render_row`); emptied with the kept
        rows."""
        self._drawn: dict[int, tuple[bool, Strip]] = {}
        """The finished line at each line of the list for the rows, marks and highlights in
        force, and whether it had the cursor; emptied when any of those change."""
        self.empty_text = "No papers."
        """What an empty list says (what to do next)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scroll bar, its lines drawn from those it drew before."""
        return kept_lines_scrollbar(self)

    @property
    def rows(self) -> Sequence[int]:
        """Catalogue indices in display order."""
        return self._rows

    @property
    def current(self) -> int | None:
        """Catalogue index of the paper under the cursor, or None when the list is empty."""
        return self._rows[self.cursor] if self._rows else None

    def set_rows(
        self,
        papers: Sequence[Paper],
        rows: Sequence[int],
        *,
        keep: int | None = None,
        highlighter: Highlighter | None = None,
        empty_text: str = "No papers.",
        exact: int | None = None,
    ) -> None:
        """Show ``rows`` (indices into ``papers``); keep the cursor on paper ``keep`` if shown.

        Posts no :class:`Highlighted`: the caller knows what it showed.

        The upvotes and stars column is there when any paper knows them (from an API answer).
        ``exact``: the first ``exact`` rows match without a typo; a divider line then sets the
        close matches after them apart (None: no divider).
        """
        if papers is not self._papers:
            self._votes = _has_votes(papers)
            self._lines_cache.clear()  # other papers (new metadata, say) at the same indices
        self._papers = papers
        self._rows = rows
        self._highlighter = highlighter
        self.empty_text = empty_text
        close = len(rows) - exact if exact is not None else 0
        self._divider = exact if close > 0 else None
        self._divider_text = (
            f"{close:,} close match{'' if close == 1 else 'es'} (a typo away)"
            if exact
            else f"no exact match; {close:,} close (a typo away)"
        )
        self._drawn.clear()
        inside = self.scrollable_content_region
        self._resize_content(Size(inside.width, self._lines))
        row = 0
        if keep is not None and rows:
            try:
                row = rows.index(keep)
            except ValueError:
                row = 0
        self._scroll_to_line(max(0, self._line_of(row) - inside.height // 2))
        self.set_reactive(PaperList.cursor, row)
        self.refresh()

    def _scroll_to_line(self, y: int) -> None:
        """Scroll to line ``y`` (as far as the rows go), unless the list is there already and
        not scrolling elsewhere: Textual's ``scroll_to`` stops the scroll animations and sets
        the position afresh even then (0.1 ms of each filter key, whose answer mostly keeps
        the list at its top)."""
        if not self.scroll_y == self.scroll_target_y == min(y, self.max_scroll_y):
            self.scroll_to(y=y, animate=False)

    def _resize_content(self, size: Size) -> None:
        """Set the virtual size (call from :meth:`set_rows`, which scrolls next). Setting it
        lays the whole screen out again; that is needed only when the scroll bar comes or goes
        (the rows get narrower or wider): otherwise the scroll bar alone is told its length,
        as Textual's own update of the scroll bars after a layout (``Widget._scroll_update``)
        tells it, less what cannot have changed then: which bars show, a horizontal bar (the
        list has none) and the scroll position (:meth:`set_rows` scrolls next, as far as the
        rows go)."""
        if size == self.virtual_size:
            return
        overflow = self.styles.overflow_y
        wanted = overflow == "scroll" or (
            overflow == "auto" and size.height > self.scrollable_content_region.height
        )  # Textual's own rule (Widget._refresh_scrollbars)
        if not self.is_mounted or self.show_vertical_scrollbar != wanted:
            self.virtual_size = size
            return
        self.set_reactive(PaperList.virtual_size, size)
        if self.show_horizontal_scrollbar:
            self._scroll_update(size)
        elif wanted and self.styles.scrollbar_size_vertical:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height  # redraws the bar when it changed
            bar.window_size = self.container_size.height - self.scrollbar_size_horizontal

    def set_marks(self, read: frozenset[str], starred: frozenset[str]) -> None:
        """Give the ids to mark as read and starred, and redraw (when they changed)."""
        if (read is self._read or read == self._read) and (
            starred is self._starred or starred == self._starred
        ):
            return
        self._read = read
        self._starred = starred
        self._drawn.clear()
        self.refresh()

    def move_to(self, index: int) -> bool:
        """Put the cursor on the paper with catalogue index ``index``; False when not shown."""
        try:
            self.cursor = self._rows.index(index)
        except ValueError:
            return False
        return True

    @property
    def divider(self) -> int | None:
        """The row the close matches start at, where the divider is drawn (None: no divider)."""
        return self._divider

    @property
    def _lines(self) -> int:
        """Lines drawn: one per row, and the divider."""
        return len(self._rows) + (self._divider is not None)

    def _line_of(self, row: int) -> int:
        divider = self._divider
        return row + 1 if divider is not None and row >= divider else row

    def _row_of(self, line: int) -> int | None:
        """The row drawn on ``line``; None for the divider."""
        divider = self._divider
        if divider is None or line < divider:
            return line
        return None if line == divider else line - 1

    def validate_cursor(self, cursor: int) -> int:
        """Keep the cursor on a row."""
        return max(0, min(cursor, len(self._rows) - 1))

    def watch_cursor(self, old: int, cursor: int) -> None:
        """Scroll the cursor into view, redraw, and tell the parent."""
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        line = self._line_of(cursor)
        # The first close match brings the divider above it into view too.
        first = line - 1 if cursor == self._divider else line
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif height and line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)
        if round(self.scroll_y) == top:
            # Not scrolled: only the lines the cursor left and reached change.
            width = self.scrollable_content_region.width
            self.refresh(
                *(
                    Region(0, changed - top, width, 1)
                    for changed in {self._line_of(old), line}
                    if top <= changed < top + height
                )
            )
        else:
            self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def notify_style_update(self) -> None:
        """The theme or the focus changed the styles: the lines kept are out of date."""
        super().notify_style_update()
        self._base = None
        self._finish = None
        self._looks.clear()
        self.forget_lines()

    def forget_lines(self) -> None:
        """Drop every finished line kept (the next frame makes each line it shows anew)."""
        self._lines_cache.clear()
        self._others.clear()
        self._pieces.clear()
        self._drawn.clear()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step with the pane, and the cursor in view."""
        self._drawn.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self._lines)
        self.cursor = self.cursor

    def action_cursor_down(self) -> None:
        """Move to the next paper."""
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Move to the previous paper."""
        self.cursor -= 1

    def action_page_down(self) -> None:
        """Move one screenful down."""
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        """Move one screenful up."""
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_first(self) -> None:
        """Move to the first paper."""
        self.cursor = 0

    def action_last(self) -> None:
        """Move to the last paper."""
        self.cursor = len(self._rows) - 1

    def on_click(self, event: events.Click) -> None:
        """Select the clicked row."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self._row_of(round(self.scroll_y) + offset.y)
        if row is not None and row < len(self._rows):
            self.cursor = row

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``, finished for the terminal.

        Textual's styles cache finishes every line it is given (width, padding, border, tint,
        line filters), and a line made for other rows is made anew. The list has no border,
        padding, outline, tint nor opacity: its finish is the width and the line filters, done
        here once per row shown, and a finished row is kept by what it shows, so the frame of a
        filter key makes only the rows that look different (a cursor key: the row reached).
        """
        if not self._plain():
            return super().render_lines(crop)
        finish = self._finishing()
        width = self.scrollable_content_region.width
        top = round(self.scroll_y)
        drawn = self._drawn
        if len(drawn) > 4 * _CACHED_LINES:
            drawn.clear()
        cursor_line = self._line_of(self.cursor) if self._rows else -1
        first, end = top + crop.y, top + crop.bottom
        # The rows these lines draw, asked of the rows once (a ranking lists them on demand).
        divider = self._divider
        start = first if divider is None or first <= divider else first - 1
        window = self._rows[start:end]
        lines = []
        for line in range(first, end):
            on_cursor = line == cursor_line
            done = drawn.get(line)
            if done is None or done[0] != on_cursor:
                row = self._row_of(line)
                at = -1 if row is None else row - start
                index = window[at] if 0 <= at < len(window) else None
                strip = self._finished_line(line, index, width, on_cursor, finish)
                drawn[line] = (on_cursor, strip)
            else:
                strip = done[1]
            lines.append(strip)
        x1, x2 = crop.column_span
        if x1 or x2 != finish.width:  # not the whole width (the compositor asks for it all)
            lines = [finish.cut(line, x1, x2) for line in lines]
        return lines

    def _plain(self) -> bool:
        """Whether Textual would only pad and filter the list's lines (see :meth:`render_lines`)."""
        return not self.styles.gutter and one_line.undecorated(self)

    def _finishing(self) -> _Finish:
        """How lines are finished now; the kept lines are dropped when that changed. Worked
        out again only when the list's size or the line filters changed, or its styles were
        updated (which forget it: :meth:`notify_style_update`), what it is made from: the
        content's width (the size less the styles' gutter), the kept background colours (see
        :class:`~paperterm.ui.widgets.kept_styles.KeptStyles`) and the filters (0.1 ms of a
        filter key's frame, where its content region and its style were worked out afresh)."""
        filters = tuple(self.get_line_filters())
        finish = self._finish
        if finish is not None and self._finish_size == self._size and finish.filters == filters:
            return finish
        base_background, background = self.background_colors
        finish = _Finish(
            self.content_region.width,
            VisualStyle(background=base_background + background).rich_style,
            background,
            filters,
        )
        self._finish_size = self._size
        if finish != self._finish:
            self._finish = finish
            self.forget_lines()
        return finish

    def _finished_line(
        self, line: int, index: int | None, width: int, on_cursor: bool, finish: _Finish
    ) -> Strip:
        """List line ``line`` finished for the terminal, drawing paper ``index`` (None: no
        paper); a row is kept by what it shows."""
        if index is None:
            return self._other_line(line, width, finish)
        paper = self._papers[index]
        read = paper.id in self._read
        starred = paper.id in self._starred
        spans = tuple(self._highlighter(paper.title)) if self._highlighter is not None else ()
        key = (index, read, starred, on_cursor, spans, width)
        strip = self._lines_cache.get(key)
        if strip is None:
            segments = self._render_row(paper, width, read, starred, spans, on_cursor)
            strip = finish.finish(segments, width, filtered=finish.by_style)
            self._lines_cache.set(key, strip)
        return strip

    def _other_line(self, line: int, width: int, finish: _Finish) -> Strip:
        """A finished line that shows no paper, kept by what it says (:meth:`_render_other`)."""
        if not self._rows:
            key = ("hint " + self.empty_text if line == 1 else "", width)
        elif self._row_of(line) is None:
            key = ("divider " + self._divider_text, width)
        else:
            key = ("", width)
        strip = self._others.get(key)
        if strip is None:
            strip = self._others[key] = finish.apply(self._render_other(line, width))
        return strip

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: a paper row, the empty-list hint, or blank (unfinished: the
        styles cache finishes it when the list has a border or padding)."""
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        row = self._row_of(line)
        if not self._rows or row is None or row >= len(self._rows):
            return self._render_other(line, width)
        paper = self._papers[self._rows[row]]
        spans = tuple(self._highlighter(paper.title)) if self._highlighter is not None else ()
        read = paper.id in self._read
        starred = paper.id in self._starred
        pieces = _Pieces(self._look(row == self.cursor, read))
        return Strip(self._row_segments(paper, width, starred, spans, pieces), width)

    def _render_other(self, line: int, width: int) -> Strip:
        """A line that shows no paper: the empty-list hint, the divider, or blank."""
        base = self._bases()[0]
        if not self._rows:
            if line == 1:
                hint = Text(f" {self.empty_text}", style=self._style("paper-list--empty"))
                hint.truncate(width, overflow="ellipsis", pad=True)
                return Strip(list(hint.render(self.app.console)), width).apply_style(base)
            return Strip.blank(width, base)
        if self._row_of(line) is None:
            return self._render_divider(width).apply_style(base)
        return Strip.blank(width, base)

    def _bases(self) -> tuple[Style, Style]:
        if self._base is None:
            style = self.rich_style
            cursor = self._style("paper-list--cursor")
            self._base = (style, style + cursor)
        return self._base

    def _render_divider(self, width: int) -> Strip:
        label = f" {self._divider_text} "
        rule = max(0, width - 4 - len(label))
        text = Text(f"  ──{label}{'─' * rule}", style=self._style("paper-list--divider"), end="")
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(list(text.render(self.app.console)), width)

    def _style(self, name: str, on_cursor: bool = False) -> Style:
        """A component's style for text drawn on the list (or on the cursor's row)."""
        over = widget_background(self)
        if on_cursor:
            cursor = self.get_component_styles("paper-list--cursor")
            if cursor.has_rule("background"):
                over = over + cursor.background
        return component_style(self, name, over)

    def _look(self, on_cursor: bool, read: bool) -> _Look:
        """The styles of a row's parts, each over the list's style or the cursor's."""
        look = self._looks.get((on_cursor, read))
        if look is None:
            base = self._bases()[on_cursor]
            title = self._style("paper-list--read" if read else "paper-list--unread", on_cursor)
            look = self._looks[on_cursor, read] = _Look(
                base,
                base + title,
                base + title + self._style("paper-list--match", on_cursor),
                base + self._style("paper-list--star", on_cursor),
                base + self._style("paper-list--code", on_cursor),
                base + self._style("paper-list--count", on_cursor),
                base + self._style("paper-list--votes", on_cursor),
                " " if read else _UNREAD_MARK,
            )
        return look

    def _render_row(
        self,
        paper: Paper,
        width: int,
        read: bool,
        starred: bool,
        spans: tuple[tuple[int, int], ...],
        on_cursor: bool,
    ) -> list[Segment]:
        """A paper's row as the list keeps it: :meth:`_row_segments` in the row's look, its
        styles already through the line filters when they change a segment by its style alone
        (:attr:`_Finish.by_style`; call after :meth:`_finishing`)."""
        pieces = self._pieces.get((on_cursor, read))
        if pieces is None:
            look = self._look(on_cursor, read)
            finish = self._finish
            if finish is not None and finish.by_style:
                look = finish.filtered_look(look)
            pieces = self._pieces[on_cursor, read] = _Pieces(look)
        return self._row_segments(paper, width, starred, spans, pieces)

    def _row_segments(
        self,
        paper: Paper,
        width: int,
        starred: bool,
        spans: tuple[tuple[int, int], ...],
        pieces: _Pieces,
    ) -> list[Segment]:
        """A paper's row, ``width`` cells: marks, the title (its matches highlighted), code,
        sources, votes; in ``pieces``' look (read or unread, under the cursor or not), the
        segments of the marks, code and sources those it keeps."""
        look = pieces.look
        votes = votes_column(paper) if self._votes else ""
        room = max(1, width - 11 - len(votes))
        title, shown = _fitted(paper.title, room)
        segments = [*pieces.marks[starred], *_highlighted(title, shown, spans, look)]
        if votes:
            segments.append(Segment(votes, look.votes))
        segments.append(pieces.codes[paper.has_code])
        segments.append(pieces.count(len(paper.sources)))
        length = 4 + room + len(votes) + 7
        if length == width:
            return segments
        return list(Strip(segments, length).crop_extend(0, width, look.plain))


class _Pieces:
    """A look's segments every row in it shares: the marks before the title (starred or not),
    the code mark, the count of sources (made once, not for each row made)."""

    __slots__ = ("codes", "counts", "look", "marks")

    def __init__(self, look: _Look) -> None:
        self.look = look
        self.marks = tuple(
            (
                Segment(" ", look.plain),
                Segment(look.mark, look.title),
                Segment(_STAR_MARK if starred else " ", look.star),
                Segment(" ", look.plain),
            )
            for starred in (False, True)
        )
        """The marks before the title, by starred (an unread paper's dot, the star)."""
        self.codes = (Segment("    ", look.code), Segment(" " + _CODE_MARK, look.code))
        """The code mark after the title, by whether the paper has code."""
        self.counts: dict[int, Segment] = {}

    def count(self, seen: int) -> Segment:
        """The count of sources, in 3 cells: " </>  3" (past 99: " 99" kept short)."""
        count = self.counts.get(seen)
        if count is None:
            count = self.counts[seen] = Segment(
                f" {seen:>2}" if seen <= 99 else " 99", self.look.count
            )
        return count


@dataclass(frozen=True)
class _Look:
    """The styles of a row's parts, over the list's style or the cursor's."""

    plain: Style
    title: Style
    match: Style
    star: Style
    code: Style
    count: Style
    votes: Style
    mark: str = _UNREAD_MARK
    """The mark before the title: a dot for an unread paper, blank for a read one."""


@dataclass(frozen=True)
class _Finish:
    """What Textual does to a line of the list before the terminal gets it (no border, padding,
    tint nor opacity): pad it to the content width, then the app's line filters."""

    width: int
    inner: Style
    background: Color
    filters: tuple[LineFilter, ...]
    styles: dict[Style | None, Style | None] = field(default_factory=dict, compare=False)
    """What the line filters make of each style met (Textual's own filters change a segment
    by its style alone: a line's few styles are filtered once, not each of its segments)."""

    looks: dict[_Look, _Look] = field(default_factory=dict, compare=False)
    """Each look met with its styles through the line filters (when :attr:`by_style`)."""
    paddings: dict[int, Segment] = field(default_factory=dict, compare=False)
    """Blank cells through the line filters, by their number (:meth:`_padding`)."""

    @cached_property
    def by_style(self) -> bool:
        """Whether every line filter changes a segment by its style alone (Textual's own do): a
        row can then be made in styles filtered beforehand (:meth:`filtered_look`)."""
        return all(type(line_filter) in one_line.BY_STYLE for line_filter in self.filters)

    def apply(self, strip: Strip) -> Strip:
        """A line of the rows' width finished at the content's width (:meth:`finish`)."""
        return self.finish(list(strip), strip.cell_length)

    def cut(self, line: Strip, x1: int, x2: int) -> Strip:
        """A finished ``line`` (as wide as the content, the columns under the scroll bar
        included) cut to the columns from ``x1`` to ``x2``."""
        return line if (x1, x2) == (0, line.cell_length) else line.crop(x1, x2)

    def filtered_look(self, look: _Look) -> _Look:
        """``look`` with each style as the line filters make it (only when :attr:`by_style`)."""
        done = self.looks.get(look)
        if done is None:
            style = self._solid_style
            done = self.looks[look] = _Look(
                style(look.plain),
                style(look.title),
                style(look.match),
                style(look.star),
                style(look.code),
                style(look.count),
                style(look.votes),
                look.mark,
            )
        return done

    def finish(self, segments: list[Segment], length: int, *, filtered: bool = False) -> Strip:
        """The line of ``segments`` (``length`` cells) finished for the terminal: padded to the
        content's width (the columns under the scroll bar too, which the compositor asks for
        with the rows and the bar then covers) as Textual pads it, through the line filters;
        ``filtered``: their styles went through the line filters already
        (:meth:`filtered_look`)."""
        width = self.width
        if length > width:
            segments = list(Strip(segments, length).crop(0, width))
        elif length < width:
            if filtered:
                segments.append(self._padding(width - length))
                return one_line.Line(segments, width)
            segments = [*segments, Segment(" " * (width - length), self.inner)]
        if filtered:
            return Strip(segments, width)
        if self.by_style:
            style = self._style
            return Strip([Segment(text, style(old)) for text, old, _ in segments], width)
        return Strip(self._filtered(segments), width)

    def _padding(self, cells: int) -> Segment:
        """``cells`` blank cells in the content's background through the line filters (call
        only when :attr:`by_style`), kept: most lines are padded alike."""
        padding = self.paddings.get(cells)
        if padding is None:
            padding = self.paddings[cells] = Segment(" " * cells, self._style(self.inner))
        return padding

    def _style(self, style: Style | None) -> Style | None:
        """What the line filters make of ``style`` (call only when :attr:`by_style`)."""
        styles = self.styles
        if style in styles:
            return styles[style]
        done = styles[style] = self._filtered([Segment(" ", style)])[0].style
        return done

    def _solid_style(self, style: Style) -> Style:
        done = self._style(style)
        assert done is not None  # a filter gives a style for a style
        return done

    def _filtered(self, segments: list[Segment]) -> list[Segment]:
        for line_filter in self.filters:
            segments = line_filter.apply(segments, self.background)
        return segments


def _title_segments(
    title: str, room: int, spans: tuple[tuple[int, int], ...], look: _Look
) -> list[Segment]:
    """The title in exactly ``room`` cells: cut with an ellipsis or padded, in ``look.title``
    (bold when unread, muted when read), its matches in ``look.match``."""
    text, shown = _fitted(title, room)
    return _highlighted(text, shown, spans, look)


def _fitted(title: str, room: int) -> tuple[str, int]:
    """The title in exactly ``room`` cells (cut with an ellipsis, or padded), and how many of
    its characters a highlight may reach: the title's, or those shown when it is cut (the
    ellipsis included)."""
    length = len(title)
    # A printable ASCII title is a cell per character (most are): no cell widths to look up.
    plain = title.isascii() and title.isprintable()
    cells = length if plain else cell_len(title)
    if cells > room:
        text = (title[: room - 1] if plain else set_cell_size(title, room - 1)) + _ELLIPSIS
        return text, min(length, len(text))
    if cells < room:
        return title + " " * (room - cells), length
    return title, length


def _highlighted(
    text: str, shown: int, spans: tuple[tuple[int, int], ...], look: _Look
) -> list[Segment]:
    """A fitted title (:func:`_fitted`) in ``look.title``, the ``spans`` of its first ``shown``
    characters in ``look.match``."""
    if not spans:
        return [Segment(text, look.title)]
    kept = [(start, min(end, shown)) for start, end in spans if start < shown and end > start]
    if not kept:
        return [Segment(text, look.title)]
    if all(end <= start for (_, end), (start, _) in pairwise(kept)):
        # In order, none overlapping (the highlighter's spans): the title between them.
        segments = []
        at = 0
        for start, end in kept:
            if start > at:
                segments.append(Segment(text[at:start], look.title))
            segments.append(Segment(text[start:end], look.match))
            at = end
        if at < len(text):
            segments.append(Segment(text[at:], look.title))
        return segments
    cuts = sorted({0, len(text), *(edge for span in kept for edge in span)})
    return [
        Segment(
            text[start:end],
            look.match if any(a <= start and end <= b for a, b in kept) else look.title,
        )
        for start, end in pairwise(cuts)
        if end > start
    ]
