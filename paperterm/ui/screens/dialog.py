"""The base of the reader's small dialogs: a box in the middle of the screen, over the reader."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A modal screen whose Vertical child is drawn as a centred box with a rounded border.

    Its DEFAULT_CSS applies to every subclass (a type selector matches the base classes' names
    too); a subclass's own DEFAULT_CSS holds only the rules of its own widgets. A label with the
    class ``dialog--hint`` is the muted line that says which keys answer.
    """

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & > Vertical {
            width: 76;
            max-width: 100%;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        & Input { margin: 1 0 0 0; }
        & .dialog--hint { color: $text-muted; }
    }
    """
