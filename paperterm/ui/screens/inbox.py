"""The inbox's dialogs: a confirmation, the tag editor, the note editor, the saved filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from paperterm.inbox import SavedFilter
from paperterm.sanitize import clean_paste, clean_text
from paperterm.tags import clean_tag
from paperterm.ui.screens.dialog import Dialog

_DIALOG_CSS = """
    & > Vertical { max-height: 90%; }
"""
"""What the inbox's dialogs add to Dialog's box: a tall one stops short of the screen's edge."""


class ConfirmScreen(Dialog[bool]):
    """A question answered with y (or Enter) or n (or Escape); dismisses with the answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    DEFAULT_CSS = "ConfirmScreen {" + _DIALOG_CSS + "}"

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        with Vertical() as box:
            box.border_title = self._title
            yield Label(self._question, id="confirm-question", markup=False)
            yield Label("y or Enter: yes · n or Escape: no", classes="dialog--hint")

    def action_answer(self, answer: bool) -> None:
        """Close with the answer."""
        self.dismiss(answer)


class LastWordSuggester(Suggester):
    """Completes the word being typed (the last one) from known words, best known first."""

    def __init__(self, words: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._words = list(words)

    async def get_suggestion(self, value: str) -> str | None:
        """``value`` with its last word completed, or None."""
        head, _, last = value.rpartition(" ")
        typed = last.lstrip("-")
        if not typed:
            return None
        sign = last[: len(last) - len(typed)]
        for word in self._words:
            if word.casefold().startswith(typed.casefold()) and word != typed:
                return f"{head} {sign}{word}".lstrip() if head else f"{sign}{word}"
        return None


class TagScreen(Dialog[list[str] | None]):
    """Edit a paper's tags as one line of words; the tags in use complete the word being typed
    (Right or Tab takes the completion). Dismisses with the new tags, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = "TagScreen {" + _DIALOG_CSS + "}"

    def __init__(self, title: str, tags: Sequence[str], known: dict[str, int]) -> None:
        super().__init__()
        self._title = title
        # Tags as the state file holds them, which a hand edit may have given escape sequences:
        # the input and the hint draw what they are given. Spelled as the detail pane shows
        # them (a sequence dropped whole), so that Enter with nothing edited keeps that.
        self._tags = [kept for tag in tags if (kept := _shown_tag(tag))]
        self._known: dict[str, int] = {}
        for tag, uses in known.items():
            if kept := _shown_tag(tag):
                self._known[kept] = self._known.get(kept, 0) + uses

    def compose(self) -> ComposeResult:
        """The paper's title, the tag line, the tags in use."""
        by_use = sorted(self._known, key=lambda tag: (-self._known[tag], tag.casefold()))
        with Vertical() as box:
            box.border_title = "Tags"
            yield Label(clean_text(self._title), markup=False)
            yield Input(
                " ".join(self._tags) + (" " if self._tags else ""),
                id="tags-input",
                placeholder="tags, separated by spaces",
                suggester=LastWordSuggester(by_use),
                select_on_focus=False,
            )
            shown = ", ".join(f"{tag} ({self._known[tag]})" for tag in by_use[:12])
            yield Label(
                ("In use: " + shown + "\n" if shown else "")
                + "Enter saves · Right takes the completion · Escape cancels",
                classes="dialog--hint",
                markup=False,
            )

    def on_mount(self) -> None:
        """Put the cursor at the end, ready to type a new tag."""
        entry = self.query_one("#tags-input", Input)
        entry.cursor_position = len(entry.value)

    @on(Input.Submitted, "#tags-input")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.split())

    def action_cancel(self) -> None:
        """Close without changing the tags."""
        self.dismiss(None)


def _shown_tag(tag: str) -> str:
    """A tag as the detail pane shows it (:func:`~paperterm.sanitize.clean_text`), kept as a
    tag (:func:`~paperterm.tags.clean_tag`)."""
    return clean_tag(clean_text(tag))


class NoteScreen(Dialog[str | None]):
    """The inline note editor (when no ``$EDITOR`` is set): ctrl+s saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = "NoteScreen {" + _DIALOG_CSS + "  & TextArea { height: 12; margin: 1 0 0 0; }\n}"

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self._title = title
        self._note = clean_paste(note)
        """The note as the state file holds it, its line breaks and tabs kept, any other
        control character dropped (a hand edit may have put an escape sequence there, and the
        text area draws what it is given)."""

    def compose(self) -> ComposeResult:
        """The paper's title, the text area, the keys."""
        with Vertical() as box:
            box.border_title = "Note"
            yield Label(clean_text(self._title), markup=False)
            yield TextArea(self._note, id="note-text", soft_wrap=True)
            yield Label(
                "ctrl+s saves (an empty note removes it) · Escape cancels · "
                "set $EDITOR to use your own editor",
                classes="dialog--hint",
            )

    def on_mount(self) -> None:
        """Start typing at the end of the note."""
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Close with the text."""
        self.dismiss(self.query_one("#note-text", TextArea).text)

    def action_cancel(self) -> None:
        """Close without changing the note."""
        self.dismiss(None)


class FiltersScreen(Dialog[tuple[str, ...] | None]):
    """The saved filters: Enter applies one, e edits one (its name and query), d deletes it, a
    saves the current filter under a name. Dismisses with ("apply", query), ("delete", name),
    ("save", name), ("edit", old name, new name, new query), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d,delete", "delete", "Delete the saved filter"),
        Binding("e", "edit", "Rename or change the saved filter"),
        Binding("a", "add", "Save the current filter"),
        Binding("escape", "cancel", "Close"),
    ]
    DEFAULT_CSS = (
        "FiltersScreen {" + _DIALOG_CSS + "  & OptionList { height: auto; max-height: 16; }\n}"
    )

    def __init__(self, saved: Sequence[SavedFilter], current: str) -> None:
        super().__init__()
        self._saved = list(saved)
        self._current = current.strip()
        self._editing: SavedFilter | None = None

    def compose(self) -> ComposeResult:
        """The list of saved filters (or a line saying there are none), the name box, the keys."""
        with Vertical() as box:
            box.border_title = "Saved filters"
            options = [
                Option(f"{saved.name}  —  {saved.query}", id=str(number))
                for number, saved in enumerate(self._saved)
            ]
            if options:
                yield OptionList(*options, id="filters-list", markup=False)
            else:
                yield Label("No saved filters yet.", id="filters-none")
            current = f"a: save the filter {self._current!r} · " if self._current else ""
            yield Label(
                f"Enter applies · {current}e renames or changes · d deletes · Escape closes. "
                "A saved filter fills the filter and keeps the view (1-5), so tag:rl in view 4 "
                "is the new rl papers.",
                classes="dialog--hint",
                markup=False,
            )

    @property
    def _busy(self) -> bool:
        """Whether a name or an edit is being typed (the list's keys wait)."""
        return bool(self.query("#filter-name") or self.query("#edit-name"))

    @on(OptionList.OptionSelected, "#filters-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("apply", self._saved[int(event.option.id or 0)].query))

    def _highlighted(self) -> SavedFilter | None:
        if not self._saved:
            return None
        highlighted = self.query_one("#filters-list", OptionList).highlighted
        return None if highlighted is None else self._saved[highlighted]

    def action_delete(self) -> None:
        """Delete the highlighted saved filter."""
        chosen = self._highlighted()
        if chosen is not None and not self._busy:
            self.dismiss(("delete", chosen.name))

    async def action_edit(self) -> None:
        """Edit the highlighted saved filter: its name, then its query (Enter saves both)."""
        chosen = self._highlighted()
        if chosen is None or self._busy:
            return
        self._editing = chosen
        name = Input(chosen.name, id="edit-name", placeholder="the filter's name")
        query = Input(chosen.query, id="edit-query", placeholder="its query")
        hint = self.query_one(".dialog--hint", Label)
        await self.query_one(Vertical).mount(name, query, before=hint)
        hint.update("Tab: name or query · Enter saves both · Escape closes without saving")
        name.focus()

    @on(Input.Submitted, "#edit-name, #edit-query")
    def _edited(self, event: Input.Submitted) -> None:
        name = self.query_one("#edit-name", Input).value.strip()
        query = self.query_one("#edit-query", Input).value.strip()
        if self._editing is None:
            return
        if not name or not query:
            self.notify("A saved filter needs a name and a query.", severity="warning")
            return
        self.dismiss(("edit", self._editing.name, name, query))

    async def action_add(self) -> None:
        """Ask for a name to save the current filter under."""
        if not self._current:
            self.notify("Type a filter first (/), then save it here.", severity="warning")
            return
        if self._busy:
            return
        name = Input(id="filter-name", placeholder="a name for the current filter")
        await self.query_one(Vertical).mount(name, before=self.query_one(".dialog--hint"))
        name.focus()

    @on(Input.Submitted, "#filter-name")
    def _named(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(("save", event.value.strip()))

    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)
