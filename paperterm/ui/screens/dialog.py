"""The base of the reader's small dialogs: a box in the middle of the screen, over the reader."""

from __future__ import annotations

from typing import TypeVar

from textual import events
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
        & .dialog--hint { color: $text-muted; width: 100%; }
    }
    """

    _early: list[events.Key] | None = None
    """Keys that came before any widget of the dialog had the focus."""

    def on_key(self, event: events.Key) -> None:
        """A key that reaches the dialog itself, none of its widgets having the focus yet (in
        the burst that opened it: ``T r l Enter``, the reader a beat behind), is handed to the
        widget it then focuses, in order, rather than lost; the dialog's own keys (Escape...)
        act as ever. Textual private API (pinned below 9): ``DOMNode._bindings``,
        ``Widget._forward_event``."""
        if self.focused is not None or event.key in self._bindings.key_to_bindings:
            return
        event.stop()
        event.prevent_default()
        if self._early is None:
            self._early = []
            self.call_after_refresh(self._hand_early_keys)
        self._early.append(events.Key(event.key, event.character))

    def _hand_early_keys(self) -> None:
        keys, self._early = self._early or [], None
        target = self.focused
        if target is None:
            return  # nothing here takes keys: they were typed for nothing
        for key in keys:
            target._forward_event(key)
