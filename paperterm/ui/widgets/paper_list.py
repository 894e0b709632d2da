"""The list pane: one line per paper, drawn on demand so 100k papers scroll as fast as 100."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paperterm.model import Paper

Highlighter = Callable[[str], list[tuple[int, int]]]
"""Spans of a title to highlight for the current query."""

_CODE_MARK = "</>"
_STAR_MARK = "★"
_UNREAD_MARK = "●"
_UPVOTES_MARK = "▲"
_GITHUB_STARS_MARK = "☆"
_VOTES_WIDTH = 12
"""Room for `` ▲1.2k ☆12k``: upvotes and GitHub stars, 4 characters each at most."""
_CACHED_LINES = 1024
"""Rendered lines kept: a few screens' worth, so a cursor key or a scroll renders only the lines
that come into view or change."""


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


class PaperList(ScrollView, can_focus=True):
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
        overflow-y: auto;
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
        self._lines_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(_CACHED_LINES)
        """Rendered lines by (line, paper, read, starred, style, width): valid for the rows,
        highlighter and divider in force; emptied when any of those change."""
        self.empty_text = "No papers."
        """What an empty list says (what to do next)."""

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
        self._lines_cache.clear()
        self._resize_content(Size(self.scrollable_content_region.width, self._lines))
        row = 0
        if keep is not None and rows:
            try:
                row = rows.index(keep)
            except ValueError:
                row = 0
        line = self._line_of(row)
        self.scroll_to(y=max(0, line - self.scrollable_content_region.height // 2), animate=False)
        self.set_reactive(PaperList.cursor, row)
        self.refresh()

    def _resize_content(self, size: Size) -> None:
        """Set the virtual size. Setting it lays the whole screen out again; that is needed
        only when the scroll bar comes or goes (the rows get narrower or wider): otherwise
        the scroll bar alone is told."""
        if size == self.virtual_size:
            return
        height = self.scrollable_content_region.height
        bar = self.show_vertical_scrollbar
        if not self.is_mounted or bar != (size.height > height):
            self.virtual_size = size
            return
        self.set_reactive(PaperList.virtual_size, size)
        self._scroll_update(size)  # Textual's own update of the scroll bars after a layout

    def set_marks(self, read: frozenset[str], starred: frozenset[str]) -> None:
        """Give the ids to mark as read and starred, and redraw (when they changed)."""
        if (read is self._read or read == self._read) and (
            starred is self._starred or starred == self._starred
        ):
            return
        self._read = read
        self._starred = starred
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
        self._lines_cache.clear()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step with the pane, and the cursor in view."""
        self._lines_cache.clear()
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
        row = event.style.meta.get("row")
        if isinstance(row, int):
            self.cursor = row

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: a paper row, the empty-list hint, or blank."""
        width = self.scrollable_content_region.width
        if self._base is None:
            style = self.rich_style
            cursor = self.get_component_rich_style("paper-list--cursor", partial=True)
            self._base = (style, style + cursor)
        base, on_cursor = self._base
        line = round(self.scroll_y) + y
        if not self._rows:
            if y == 1:
                hint = Text(f" {self.empty_text}", style=self._style("paper-list--empty"))
                hint.truncate(width, overflow="ellipsis", pad=True)
                return Strip(list(hint.render(self.app.console)), width).apply_style(base)
            return Strip.blank(width, base)
        row = self._row_of(line)
        if row is None:
            return self._render_divider(width).apply_style(base)
        if row >= len(self._rows):
            return Strip.blank(width, base)
        index = self._rows[row]
        paper = self._papers[index]
        if row == self.cursor:
            base = on_cursor
        read = paper.id in self._read
        starred = paper.id in self._starred
        key = (row, index, read, starred, base, width)
        strip = self._lines_cache.get(key)
        if strip is None:
            strip = self._render_row(paper, width, read, starred)
            strip = strip.apply_style(base).apply_meta({"row": row})
            self._lines_cache.set(key, strip)
        return strip

    def _render_divider(self, width: int) -> Strip:
        label = f" {self._divider_text} "
        rule = max(0, width - 4 - len(label))
        text = Text(f"  ──{label}{'─' * rule}", style=self._style("paper-list--divider"), end="")
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(list(text.render(self.app.console)), width)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _render_row(self, paper: Paper, width: int, read: bool, starred: bool) -> Strip:
        title_style = self._style("paper-list--read" if read else "paper-list--unread")
        seen = len(paper.sources)
        suffix = f" {_CODE_MARK if paper.has_code else ' ' * len(_CODE_MARK)} {seen:>2}"
        if seen > 99:
            suffix = f" {_CODE_MARK if paper.has_code else '   '} 99"
        votes = votes_column(paper) if self._votes else ""
        room = max(1, width - 4 - len(suffix) - len(votes))
        title = Text(paper.title, style=title_style, no_wrap=True, end="")
        if self._highlighter is not None:
            match = self._style("paper-list--match")
            for start, end in self._highlighter(paper.title):
                title.stylize(match, start, end)
        title.truncate(room, overflow="ellipsis", pad=True)
        segments = [
            Segment(" "),
            Segment(" " if read else _UNREAD_MARK, title_style),
            Segment(_STAR_MARK if starred else " ", self._style("paper-list--star")),
            Segment(" "),
            *title.render(self.app.console),
            Segment(suffix[:4], self._style("paper-list--code")),
            Segment(suffix[4:], self._style("paper-list--count")),
        ]
        if votes:
            segments.insert(-2, Segment(votes, self._style("paper-list--votes")))
        return Strip(segments).crop_extend(0, width, None)
