"""A key typed before ``/`` acts where it was typed, though ``/`` took the focus first.

``/`` is a priority key: the app runs it as soon as it reads it, so that the keys typed right
after it in one burst go to the filter bar, not to the list as commands. The keys typed just
before it are still in the list's message queue then, and once the list takes them Textual
looks their bindings up from the widget focused *now*, the filter bar, which takes letters in:
``s/`` in one read (a reader a beat behind, a bunching link) lost the star, ``nnn/x`` the walk.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


class KeysInTurn(Widget):
    """A key this widget takes from its queue after the focus has left it for another widget
    of its screen is still its own: its binding is looked up from this widget up, as it would
    have been when it was typed; after a key before it opened a screen on top (a dialog), it
    is that screen's (mix in before the widget's Textual class). Textual private API (pinned
    below 9): ``DOMNode._bindings``, ``MessagePump._message_queue``,
    ``Widget._forward_event``."""

    def keys_waiting(self) -> bool:
        """Whether messages wait in this widget's queue (keys typed before the focus left)."""
        return not self._message_queue.empty()

    async def _on_key(self, event: events.Key) -> None:
        screen, top = self.screen, self.app.screen
        if top is screen and screen.focused in (self, None):
            return  # Textual's way: the bindings from the focused widget up
        event.stop()  # the app would look the key up from the focus as it is now
        event.prevent_default()
        if top is not screen:
            # A key before it opened a dialog (T r l Enter): the key is the dialog's, typed
            # into it (or kept by it until it has a widget focused: see Dialog).
            (top.focused or top)._forward_event(events.Key(event.key, event.character))
            return
        for node in self.ancestors_with_self:
            for binding in node._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, node):
                    return
