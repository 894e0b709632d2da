"""The status line: counts, view, sort and notes, drawn from reactive fields the screen sets."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Static

from paperterm.triage import Counts, Selection, Status, status_parts
from paperterm.ui.widgets import one_line
from paperterm.ui.widgets.kept_styles import KeptStyles


class StatusLine(KeptStyles, Static):
    """One line under the panes; set its fields and it redraws itself (plain text, no markup)."""

    counts: reactive[Counts] = reactive(Counts(0, 0, 0, 0))
    """How many papers are shown, read and starred."""
    selection: reactive[Selection] = reactive(Selection())
    """The query, view and sort in force."""
    read_only: reactive[bool] = reactive(False)
    """The state file cannot be written."""
    messages: reactive[int] = reactive(0)
    """Notices this session."""
    indexing: reactive[bool] = reactive(True)
    """The search index is still being built."""
    titles_only: reactive[bool] = reactive(False)
    """The list shows a first answer from the titles alone."""
    unsaved: reactive[int] = reactive(0)
    """Changes waiting for another paperterm to let go of the state file."""
    activity: reactive[str] = reactive("")
    """Work in the background (a look-up on Hugging Face and arXiv), shown last."""

    _style: tuple[Style, Style] | None = None
    """The widget's style, and the text's (with the offset a selection needs)."""

    @property
    def status(self) -> Status:
        """What the line says, as one value."""
        return Status(
            self.counts,
            self.selection,
            self.read_only,
            self.messages,
            self.indexing,
            self.titles_only,
            self.unsaved,
        )

    def render(self) -> Content:
        """The pieces of :func:`paperterm.triage.status_parts`, joined."""
        return Content(self._text())

    def _text(self) -> str:
        width = self.content_region.width or None
        if width is not None and self.activity:
            width -= len(self.activity) + 3
        parts = status_parts(self.status, width)
        return " · ".join([*parts, self.activity] if self.activity else parts)

    def render_line(self, y: int) -> Strip:
        """The line as Textual draws a one-line text that fits (one segment in the widget's
        style, marked with its offset for a mouse selection), without laying out a Content:
        the status line is drawn again with every key. Anything else is left to Textual."""
        text = self._text()
        cells = cell_len(text)
        width, height = self.size
        if y or height != 1 or not text or cells > width or self.text_selection is not None:
            return super().render_line(y)
        style = self.visual_style.rich_style
        if self._style is None or self._style[0] != style:
            self._style = (style, style + Style.from_meta({"offset": (0, 0)}))
        return Strip([Segment(text, self._style[1])], cells)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The line finished here (:mod:`~paperterm.ui.widgets.one_line`) when Textual would
        only fit, pad and filter it."""
        return one_line.render_lines(self, crop) or super().render_lines(crop)
