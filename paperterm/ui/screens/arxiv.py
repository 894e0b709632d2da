"""Settling a paper's identity by hand: the reader's ``A``, like ``paperterm mark ID --arxiv``."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from paperterm.metadata import arxiv_id
from paperterm.state.record import ARXIV_NONE
from paperterm.ui.screens.dialog import Dialog

AUTO = "auto"
"""What the screen dismisses with to forget the user's choice."""


def choice_for(text: str) -> str | None:
    """The choice typed: an arXiv id without version, ``none``, ``auto``, or None if neither."""
    word = text.strip()
    if word.lower() in (ARXIV_NONE, AUTO):
        return word.lower()
    return arxiv_id(word.removeprefix("arXiv:").removeprefix("arxiv:"))


class ArxivScreen(Dialog[str | None]):
    """Asks which arXiv paper this is; dismisses with the choice, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, current: str) -> None:
        super().__init__()
        self._title = title
        self._current = current

    def compose(self) -> ComposeResult:
        """The paper's title, the box, and a hint."""
        with Vertical() as box:
            box.border_title = "Which arXiv paper is it?"
            yield Label(self._title, markup=False)
            yield Input(self._current, placeholder="1803.03635", id="arxiv-id")
            yield Label(
                "An arXiv id · none: not on arXiv · auto: let i decide · Escape to cancel",
                classes="dialog--hint",
            )

    @on(Input.Submitted, "#arxiv-id")
    def _submit(self, event: Input.Submitted) -> None:
        choice = choice_for(event.value)
        if choice is None:
            self.notify("Type an arXiv id (like 1803.03635), none or auto.", severity="warning")
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        """Close, changing nothing."""
        self.dismiss(None)
