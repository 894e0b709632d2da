"""A key typed before ``/`` acts where it was typed, though ``/`` took the focus first.

``/`` is a priority key: the app runs it as soon as it reads it, so that the keys typed right
after it in one burst go to the filter bar, not to the list as commands. The keys typed just
before it are still in the list's message queue then, and once the list takes them Textual
looks their bindings up from the widget focused *now*, the filter bar, which takes letters in:
``s/`` in one read (a reader a beat behind, a bunching link) lost the star, ``nnn/x`` the walk.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widget import Widget


class KeysInTurn(Widget):
    """A widget whose keys typed before a priority key took the focus away (``/``) still act
    on it: their bindings are looked up from this widget up, as they would have been when
    they were typed (mix in before the widget's Textual class). Textual private API (pinned
    below 9): ``DOMNode._bindings``, ``MessagePump._message_queue``."""

    _typed_before = False
    """Whether the keys this widget takes from its queue now were typed before the focus left."""

    def keys_waiting(self) -> bool:
        """Whether messages wait in this widget's queue (keys typed before the focus left)."""
        return not self._message_queue.empty()

    def handle_keys_typed_before(self, then: Callable[[], object]) -> None:
        """Have the keys waiting in the queue now, typed before the focus left, act on this
        widget; then call ``then``. (Only those: a key that arrives later was typed after the
        focus moved, and a key typed after Tab, which moves the focus once the app reads it
        back from here, is for the widget Tab went to.)"""
        self._typed_before = True

        def done() -> None:
            self._typed_before = False
            then()

        self.call_later(done)

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if (
            not self._typed_before
            or screen.focused in (self, None)
            or self.app.screen is not screen
        ):
            return  # Textual's way: the bindings from the focused widget up
        event.stop()  # the app would look the key up from the focus as it is now
        event.prevent_default()
        for node in self.ancestors_with_self:
            for binding in node._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, node):
                    return
