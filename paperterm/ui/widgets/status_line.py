"""The status line: counts, view, sort and notes, drawn from reactive fields the screen sets."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from paperterm.triage import Counts, Selection, Status, status_parts


class StatusLine(Static):
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
        width = self.content_region.width or None
        if width is not None and self.activity:
            width -= len(self.activity) + 3
        parts = status_parts(self.status, width)
        return Content(" · ".join([*parts, self.activity] if self.activity else parts))
