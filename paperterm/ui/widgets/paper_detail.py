"""The detail pane: everything known about the paper under the cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from paperterm.model import Metadata, Paper
from paperterm.sanitize import clean_text, printable

SHOWN_AT_FIRST = 20_000
"""Characters of one text laid out at first: a real abstract is under 2,000; laying out a 4 MB
one took seconds on every keystroke while it was selected."""
MORE = "more characters (+ shows more)"
"""How the pane says that a text is cut."""
Field = Literal["title", "abstract"]
SpanFinder = Callable[[str, Field], list[tuple[int, int]]]
"""(text, field) -> spans of the current query's matches in it."""


class PaperDetail(VerticalScroll, can_focus=True):
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
        & > Static { width: 1fr; }
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
        self._body = Static(id="detail-body")
        self._plain = ""
        self._highlights: list[str] = []
        self._shown: tuple[object, ...] | None = None
        self._limit = SHOWN_AT_FIRST
        self._shown_id: str | None = None
        self._again: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        """One Static holds the whole text, so the pane scrolls as one page."""
        yield self._body

    @property
    def text(self) -> str:
        """The plain text shown (for tests and screen readers)."""
        return self._plain

    @property
    def highlights(self) -> list[str]:
        """The pieces of text highlighted as query matches, in order (for tests)."""
        return list(self._highlights)

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
        """Show ``text``; False when it is what is shown already. Only a change of its
        characters lays the pane out again: other highlights or colours leave every line where
        it was, and a key that changes neither (a letter typed that keeps the paper and its
        matches) leaves the pane alone."""
        shown = (text.plain, text.style, text.spans)
        if shown == self._shown:
            return False
        layout = self._shown is None or text.plain != self._shown[0]
        self._shown = shown
        self._body.update(text, layout=layout)
        return True

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
        return self.get_component_rich_style(name, partial=True)


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
