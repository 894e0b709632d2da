"""The footer of keys: greys a key in place when only whether it can run changed.

Textual's Footer builds its keys afresh whenever the screen's bindings may have changed, and
building them lays the whole screen out (30-50 ms). The reader's keys are always the same; what
changes is which of them can run (a filter that matches nothing leaves no paper to star, an
undo becomes possible): then each key is greyed or lit where it stands, a repaint of the
footer's line. Anything else (another screen's keys, a key added) is built afresh as before.

Textual private API (pinned below 9): ``Footer._bindings_ready`` and ``FooterKey._disabled`` (what
a click on a greyed key checks). tests/test_ui_key_footer.py checks that the keys stay those a
fresh footer would build.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's footer, greying its keys in place when only that changed."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and screen.app.app_focus
            and self.is_attached
            and screen is self.screen
            and self._grey_in_place()
        ):
            return
        super().bindings_changed(screen)

    def _grey_in_place(self) -> bool:
        """Light or grey each key as the screen's bindings say, if the keys shown are the same
        keys in the same order (then True); else change nothing (False)."""
        wanted: dict[str, tuple[str, str, bool]] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.group is None:
                # The footer shows an action once, by its first binding.
                wanted.setdefault(binding.action, (binding.key, binding.description, enabled))
            elif binding.show:
                return False  # grouped keys: built afresh
        if any(not isinstance(child, FooterKey) for child in self.children):
            return False  # groups and their labels: built afresh
        keys = [
            child
            for child in self.children
            if isinstance(child, FooterKey) and not child.has_class("-command-palette")
        ]
        if len(keys) != len(wanted):
            return False
        for key, (action, (name, description, _enabled)) in zip(keys, wanted.items(), strict=True):
            if (key.action, key.key, key.description) != (action, name, description):
                return False
        for key, (_name, _description, enabled) in zip(keys, wanted.values(), strict=True):
            if key._disabled == enabled:
                key._disabled = not enabled
                key.set_class(not enabled, "-disabled")
        return True
