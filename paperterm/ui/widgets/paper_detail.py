"""The detail pane: everything known about the paper under the cursor.

A line-based scrolling widget (issue 17): showing a paper wraps its text into lines for the
pane's width once, sets the pane's virtual height and repaints; it never lays the screen out
(the scroll bar is always there, so its coming and going cannot either). Only the lines in view
are rendered, and the wrapped lines of the last few papers are kept, so going back to one is
a repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._border import get_box
from textual._segment_tools import make_blank
from textual.cache import LRUCache
from textual.color import Color
from textual.content import Content, _FormattedLine
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.widget import Widget

from paperterm.model import Metadata, Paper
from paperterm.sanitize import clean_text, printable
from paperterm.ui.widgets.component_style import component_style, widget_background
from paperterm.ui.widgets.keys_in_turn import KeysInTurn
from paperterm.ui.widgets.scroll_bar import kept_lines_scrollbar

SHOWN_AT_FIRST = 20_000
"""Characters of one text laid out at first: a real abstract is under 2,000; laying out a 4 MB
one took seconds on every keystroke while it was selected."""
MORE = "more characters (+ shows more)"
"""How the pane says that a text is cut."""
Field = Literal["title", "abstract"]
SpanFinder = Callable[[str, Field], list[tuple[int, int]]]
"""(text, field) -> spans of the current query's matches in it."""
_KEPT_PAGES = 16
"""Papers whose wrapped lines are kept (per width): going back to one of them is a repaint."""
_KEPT_LINES = 2_000
"""Lines of a page at most to keep it (the first 20,000 characters of a text take about 400)."""


@dataclass
class _Page:
    """A text wrapped for one width: its lines, and the lines rendered so far."""

    lines: list[_FormattedLine]
    strips: dict[int, Strip] = field(default_factory=dict)
    """Rendered lines by line number, for ``style``."""
    style: TextualStyle | None = None
    """The pane's style the strips were rendered with."""
    finished: dict[int, Strip] = field(default_factory=dict)
    """Lines finished for the terminal by line number, for ``style`` and ``frame``."""
    frame: _Frame | None = None
    """How the finished lines were finished."""


@dataclass(frozen=True)
class _Frame:
    """What Textual does to a line of the pane's text before the terminal gets it: pads it to
    the content width, puts the border's side and the padding around it, then runs the app's
    line filters (Textual's styles cache, for a pane without tint, opacity, outline or hatch)."""

    width: int
    content_width: int
    inner: Style
    left: tuple[Segment, ...]
    right: tuple[Segment, ...]
    background: Color
    filters: tuple[LineFilter, ...]

    def finish(self, segments: list[Segment], length: int) -> Strip:
        """A line of text (``length`` cells) finished, made into a Strip once."""
        room = self.content_width
        if length < room:
            segments.append(Segment(" " * (room - length), self.inner))
        elif length > room:
            segments = list(Strip(segments, length).crop(0, room))
        finished = Strip([*self.left, *segments, *self.right], self.width)
        for line_filter in self.filters:
            finished = finished.apply_filter(line_filter, self.background)
        return finished


class PaperDetail(KeysInTurn, ScrollView, can_focus=True):
    """Shows one paper: title, the whole abstract, links, sources and other versions."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-detail--title",
        "paper-detail--meta",
        "paper-detail--heading",
        "paper-detail--match",
        "paper-detail--link",
        "paper-detail--code",
        "paper-detail--star",
        "paper-detail--version",
        "paper-detail--empty",
    }

    DEFAULT_CSS = """
    PaperDetail {
        background: $surface;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        scrollbar-background: $surface;
        scrollbar-background-hover: $surface;
        scrollbar-background-active: $surface;
        & > .paper-detail--title { text-style: bold; color: $text; }
        & > .paper-detail--meta { color: $text-muted; }
        & > .paper-detail--heading { color: $primary; text-style: bold; }
        & > .paper-detail--match { background: $accent 40%; text-style: bold; }
        & > .paper-detail--link { color: $text-primary; text-style: underline; }
        & > .paper-detail--code { color: $success; }
        & > .paper-detail--star { color: $warning; }
        & > .paper-detail--version { color: $text-muted; }
        & > .paper-detail--empty { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._plain = ""
        self._highlights: list[str] = []
        self._shown: tuple[object, ...] | None = None
        self._content = Content("")
        self._limit = SHOWN_AT_FIRST
        self._shown_id: str | None = None
        self._again: Callable[[], None] | None = None
        self._pages: LRUCache[tuple[object, ...], _Page] = LRUCache(_KEPT_PAGES)
        """Wrapped lines by (text shown, width): the current paper's and the last few."""
        self._styles: dict[tuple[str, str], Style] = {}
        self._page: _Page | None = None
        self._page_key: tuple[object, ...] | None = None
        """The page in view and its key: (text shown, width, selection)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scroll bar, its lines drawn from those it drew before."""
        return kept_lines_scrollbar(self)

    @property
    def text(self) -> str:
        """The plain text shown (for tests and screen readers)."""
        return self._plain

    @property
    def highlights(self) -> list[str]:
        """The pieces of text highlighted as query matches, in order (for tests)."""
        return list(self._highlights)

    @property
    def content(self) -> Content:
        """The text shown with its styles (for tests)."""
        return self._content

    def show_empty(self, message: str) -> None:
        """Show a hint instead of a paper."""
        self._plain = message
        self._highlights = []
        self._shown_id = self._again = None
        self._put(Text(message, style=self._style("paper-detail--empty")))

    def show(
        self,
        paper: Paper,
        *,
        read: bool,
        starred: bool,
        bibkey: str | None,
        spans: SpanFinder | None,
        because: Sequence[str] = (),
        tags: Sequence[str] = (),
        note: str = "",
        queued: bool = False,
    ) -> None:
        """Show ``paper`` with its marks, highlighting ``spans`` of the query's matches, and the
        terms ``because`` of which "for you" picked it.

        Of a huge text (a 4 MB abstract) only the first :data:`SHOWN_AT_FIRST` characters are
        laid out, with a line saying how much more there is; :meth:`show_more` shows more.
        """
        if paper.id != self._shown_id:
            self._shown_id, self._limit = paper.id, SHOWN_AT_FIRST
        self._again = lambda: self.show(
            paper,
            read=read,
            starred=starred,
            bibkey=bibkey,
            spans=spans,
            because=because,
            tags=tags,
            note=note,
            queued=queued,
        )
        limit = self._limit
        match = self._style("paper-detail--match")
        heading = self._style("paper-detail--heading")
        muted = self._style("paper-detail--meta")

        highlights: list[str] = []

        def marked(text: str, field: Field, style: Style | None = None) -> Text:
            rest = len(text) - limit
            text = text[:limit]
            out = Text(text, style=style or "")
            if spans is not None:
                for start, end in spans(text, field):
                    out.stylize(match, start, end)
                    highlights.append(text[start:end])
            if rest > 0:
                out.append(f" … {rest:,} {MORE}", self._style("paper-detail--empty"))
            return out

        out = Text()
        out.append_text(marked(paper.title, "title", self._style("paper-detail--title")))
        out.append("\n")
        out.append(f"{paper.id} · ", muted)
        out.append("read" if read else "unread", muted)
        if starred:
            out.append(" · ", muted)
            out.append("★ starred", self._style("paper-detail--star"))
        if bibkey:
            out.append(f" · @{bibkey}", muted)
        if queued:
            out.append(" · in the reading queue", muted)
        if because:
            out.append("\nbecause: ", heading)
            out.append(", ".join(because), muted)
        if tags:
            out.append("\n")
            out.append("tags: ", muted)
            out.append(" ".join(f"#{clean_text(tag)}" for tag in tags), heading)
        if note.strip():
            out.append("\n")
            out.append("Note: ", heading)
            out.append(_note_text(note))
        out.append("\n")
        for line in metadata_lines(paper.meta):
            out.append(line + "\n", muted)
        out.append("\n")
        if paper.abstract:
            out.append_text(marked(paper.abstract, "abstract"))
        else:
            out.append("No abstract in the dumps.", self._style("paper-detail--empty"))
        out.append("\n")
        if paper.meta is not None and paper.meta.ai_summary:
            out.append("\nAI summary (machine-written, by Hugging Face)\n", heading)
            out.append(paper.meta.ai_summary + "\n", muted)
        if paper.links:
            out.append("\nLinks\n", heading)
            for link in paper.links:
                mark = "</> " if link.is_code else " ↗  "
                out.append(f"  {mark}", self._style("paper-detail--code"))
                out.append(link.url, self._style("paper-detail--link"))
                out.append("\n")
        out.append("\nSeen in\n", heading)
        for source in paper.sources:
            name = printable(PurePath(source.path).name or source.path)
            out.append(f"  {name}", "")
            out.append(f"  #{source.position}, line {source.line}\n", muted)
        if len(paper.abstracts) > 1:
            out.append(f"\nOther abstract versions ({len(paper.abstracts) - 1})\n", heading)
            version_style = self._style("paper-detail--version")
            for number, other in enumerate(paper.abstracts[1:], 2):
                out.append(f"\n{number}. ", heading)
                out.append_text(marked(other, "abstract", version_style))
                out.append("\n")
        self._plain = out.plain
        self._highlights = highlights
        if self._put(out) and limit == SHOWN_AT_FIRST:
            self.scroll_home(animate=False)  # showing more keeps the place

    def _put(self, text: Text) -> bool:
        """Show ``text``; False when it is what is shown already (a letter typed that keeps the
        paper and its matches leaves the pane alone). Wraps it for the pane's width (or takes
        the lines kept from before), sets the virtual height and repaints: the screen is never
        laid out again."""
        shown = (text.plain, text.style, tuple(text.spans))
        if shown == self._shown:
            return False
        self._shown = shown
        self._content = Content.from_rich_text(text, console=self.app.console)
        self._page = self._page_key = None
        self._fit()
        self.refresh()
        self._draw_now()
        return True

    def _draw_now(self) -> None:
        """Draw the pane in a frame of its own at once, as the screen's frame clock would.

        A new paper follows the frame that showed the key (the list's). Textual's clock (60
        frames a second) then waits for its next tick but one: 17 to 33 ms in which nothing is
        drawn. The pane is drawn at once instead, with the screen's own frame step (and what
        else the screen has been handed to draw), when no other widget still holds a repaint
        or a layout; else, as when a layout is due, another screen is on top or the pane is
        not on screen yet, the clock draws everything together, as before (a star drawn in the
        list and the pane in one frame). Textual private API (pinned below 9): the widgets'
        ``_repaint_required``, ``_layout_required``, ``_scroll_required``, the screen's
        ``_dirty_widgets`` and ``_on_timer_update``; tests/test_ui_detail.py checks that the
        frame comes at once and paints what a full repaint would, and that a change elsewhere
        waits for the clock.
        """
        self._draw()

    def _draw(self) -> None:
        screen = self.screen
        bar = self._vertical_scrollbar
        if (
            not screen.is_current
            or self.app._batch_count
            or screen._layout_required
            or screen._scroll_required
            or screen._repaint_required
            or self not in screen._compositor.visible_widgets
            or self._elsewhere(screen)
        ):
            # Hand the repaints to the screen now rather than at each widget's idle turn
            # (the scroll bar's can come a frame before the pane's).
            self._check_refresh()
            if bar is not None:
                bar._check_refresh()
            return
        self._repaint_required = False  # drawn here: no Update message for the screen
        screen._dirty_widgets.add(self)
        if bar is not None and bar._repaint_required:
            bar._repaint_required = False
            screen._dirty_widgets.add(bar)
        screen._on_timer_update()

    def _elsewhere(self, screen: Screen[object]) -> bool:
        """Whether a widget other than the pane has a repaint or a layout it has not handed to
        the screen yet (what it has handed over, the frame drawn now draws too, as the clock's
        would)."""
        return any(
            widget._repaint_required or widget._layout_required or widget._scroll_required
            for widget in screen.walk_children(Widget)
            if widget is not self
        )

    def _fit(self) -> None:
        """Make the virtual size the lines of the text at the pane's width. The scroll bar is
        always there, so only the scroll bar is told (setting the size the usual way lays the
        whole screen out)."""
        width = self.scrollable_content_region.width
        page = self._page_for(width)
        size = Size(width, 0 if page is None else len(page.lines))
        old = self.virtual_size
        if size == old:
            return
        self.set_reactive(PaperDetail.virtual_size, size)
        if not (self.is_mounted and self.size):
            return
        window = self.scrollable_content_region.height
        if size.width == old.width and max(size.height, old.height) <= window:
            return  # the text fits, as it did: the scroll bar is blank before and after
        self._scroll_update(size)  # Textual's own update of the scroll bars after a layout

    def _page_for(self, width: int) -> _Page | None:
        """The text shown wrapped for ``width`` (None before the pane has a width)."""
        if width <= 0 or self._shown is None:
            return None
        selection = self.text_selection
        key = (self._shown, width, selection)
        if self._page is not None and key == self._page_key:
            return self._page
        if selection is None:
            page = self._pages.get(key[:2])
            if page is None:
                page = _Page(self._wrap(width, None))
                if len(page.lines) <= _KEPT_LINES:  # a huge text shown in full is not kept
                    self._pages.set(key[:2], page)
        else:
            page = _Page(self._wrap(width, selection))  # redrawn as the mouse moves: not kept
        self._page, self._page_key = page, key
        return page

    def _wrap(self, width: int, selection: Selection | None) -> list[_FormattedLine]:
        """The text's lines at ``width``, wrapped as Textual wraps a Static's text (Textual's
        own step, so the pane looks as it did when it was one)."""
        selection_style = None
        if selection is not None:
            selection_style = TextualStyle.from_styles(
                self.screen.get_component_styles("screen--selection")
            )
        return self._content._wrap_and_format(
            width,
            selection=selection,
            selection_style=selection_style,
            get_style=self._get_style,
        )

    def render_line(self, y: int) -> Strip:
        """Draw one visible line of the text (rendered once per page and style)."""
        width = self.scrollable_content_region.width
        style = self.visual_style
        page = self._page_for(width)
        line = self.scroll_offset.y + y
        if page is None or line >= len(page.lines):
            return Strip.blank(width, style.rich_style)
        if page.style != style:
            page.strips.clear()
            page.style = style
        strip = page.strips.get(line)
        if strip is None:
            strip = page.strips[line] = Strip(*page.lines[line].to_strip(style))
        return strip

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``, finished for the terminal.

        Textual's styles cache finishes every line of a repainted widget again (width, border,
        padding, line filters): about 3 ms for a pane of new text. Here a line of text is
        finished once and kept with its page, so going back to a paper draws kept lines; the
        border's top line, and any pane with tint, opacity, outline or hatch, are left to
        Textual. tests/test_ui_detail.py checks the lines equal the styles cache's.
        """
        frame = self._frame()
        if frame is None:
            return super().render_lines(crop)
        gutter = self.styles.gutter
        content_height = self.content_region.height
        width = self.scrollable_content_region.width
        page = self._page_for(width)
        style = self.visual_style
        if page is not None:
            if page.style != style:
                page.strips.clear()
                page.finished.clear()
                page.style = style
            if page.frame != frame:
                page.finished.clear()
                page.frame = frame
        top = self.scroll_offset.y
        count = 0 if page is None else len(page.lines)
        blank: Strip | None = None
        lines = []
        for y in crop.line_range:
            content_y = y - gutter.top
            if not 0 <= content_y < content_height:
                lines.append(super().render_lines(Region(0, y, frame.width, 1))[0])
                continue
            line = top + content_y
            if page is None or line >= count:
                if blank is None:
                    blank = frame.finish([Segment(" " * width, style.rich_style)], width)
                lines.append(blank)
                continue
            strip = page.finished.get(line)
            if strip is None:
                strip = page.finished[line] = frame.finish(*page.lines[line].to_strip(style))
            lines.append(strip)
        x1, x2 = crop.column_span
        if x1 or x2 != frame.width:
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def _frame(self) -> _Frame | None:
        """How Textual would finish a line of text now; None when the styles cache is needed
        (a tint, an opacity, an outline, a hatch or a border title)."""
        styles = self.styles
        (_, (right, _), (bottom, _), (left, left_color)) = styles.border
        if (
            right
            or bottom
            or any(kind for kind, _ in styles.outline)
            or styles.tint.a
            or self.opacity != 1.0
            or styles.text_opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or self._border_title is not None
            or self._border_subtitle is not None
        ):
            return None
        base_background, background = self.background_colors
        inner = TextualStyle(background=base_background + background)
        outer = TextualStyle(background=base_background)
        inner_rich = inner.rich_style
        pad = styles.padding
        before: list[Segment] = []
        if left:
            side = TextualStyle(foreground=base_background + left_color)
            before.append(get_box(left, inner, outer, side)[1][0])
        if pad.left:
            before.append(make_blank(pad.left, inner_rich))
        after = [make_blank(pad.right, inner_rich)] if pad.right else []
        return _Frame(
            self.region.width,
            self.content_region.width,
            inner_rich,
            tuple(before),
            tuple(after),
            background,
            tuple(self.get_line_filters()),
        )

    def on_resize(self, event: events.Resize) -> None:
        """Wrap the text again for the new width."""
        self._fit()

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The text under a mouse selection (copied with the screen's copy key)."""
        return selection.extract(self._content.plain), "\n"

    @property
    def has_more(self) -> bool:
        """Whether a text of the paper shown is cut (see :meth:`show`)."""
        return MORE in self._plain

    def show_more(self) -> bool:
        """Lay out four times as much of a cut text of the paper shown; False if none is cut."""
        if self._again is None or not self.has_more:
            return False
        self._limit *= 4
        self._again()
        return True

    def _style(self, name: str) -> Style:
        """A component's style, computed once per theme (Textual takes ~0.1 ms for each)."""
        key = (self.app.theme, name)
        style = self._styles.get(key)
        if style is None:
            style = component_style(self, name, widget_background(self))
            self._styles[key] = style
        return style

    def notify_style_update(self) -> None:
        """The styles changed: the component styles kept are out of date."""
        super().notify_style_update()
        self._styles.clear()


_SHOWN_AUTHORS = 12


def metadata_lines(meta: Metadata | None) -> list[str]:
    """What the detail pane says of a paper's metadata, a line per kind of fact."""
    if meta is None or meta == Metadata():
        return ["Not identified yet: i looks it up"]
    lines = []
    if meta.authors:
        names = ", ".join(meta.authors[:_SHOWN_AUTHORS])
        more = len(meta.authors) - _SHOWN_AUTHORS
        lines.append(names + (f" and {more} more" if more > 0 else ""))
    facts = []
    if meta.arxiv_id:
        facts.append(f"arXiv {meta.arxiv_id}")
    if meta.categories or meta.primary_category:
        facts.append(" ".join(meta.categories or (meta.primary_category or "",)))
    if meta.published:
        facts.append(meta.published)
    if facts:
        lines.append(" · ".join(facts))
    counts = []
    if meta.upvotes is not None:
        counts.append(f"▲ {meta.upvotes} upvotes")
    if meta.github_stars is not None:
        counts.append(f"{meta.github_stars} GitHub stars")
    if meta.doi:
        counts.append(f"doi {meta.doi}")
    if meta.journal_ref:
        counts.append(meta.journal_ref)
    if counts:
        lines.append(" · ".join(counts))
    return lines


def _note_text(note: str) -> str:
    """A note as shown: its lines kept, controls (from a synced state file) removed."""
    return "\n".join(clean_text(line) for line in note.strip().splitlines())
