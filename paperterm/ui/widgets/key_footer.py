"""The footer of keys: greys a key in place when only whether it can run changed, and blanks
the keys in place while none can be shown (typing in the filter).

Textual's Footer builds its keys afresh whenever the screen's bindings may have changed, and
building them lays the whole screen out (20-50 ms). The reader's keys are always the same; what
changes is which of them can run (a filter that matches nothing leaves no paper to star, an
undo becomes possible): then each key is greyed or lit where it stands, a repaint of the
footer's line. In the filter the letters are the filter's, so the footer shows no key: each
key's place is blanked where it stands (the same width, no tooltip, no hover, a click rings
the bell), and filled again on the way back to the list; otherwise the first letter typed
right after ``/`` waited for the footer's rebuild and the layout. Anything else (another
screen's keys, a key added) is built afresh as before.

Each key keeps the lines it drew for each look it had (:class:`KeptFooterKey`): blanked on ``/``
and filled on the way back, every key was drawn afresh through Textual's whole pipeline, about
0.6 ms a key, 5-9 ms of the frame of ``/`` and of the key that leaves the filter.

Textual private API (pinned below 9): ``Footer._bindings_ready`` and ``FooterKey._disabled`` (what
a click on a greyed key checks). tests/test_ui_key_footer.py checks that the keys stay those a
fresh footer would build, and draws what Textual draws.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeptFooterKey(FooterKey):
    """Textual's footer key, keeping the lines drawn for each look it has had until it is
    restyled (a class such as ``-disabled``, the mouse over it, the focus, a theme), which is when
    Textual tells it with ``notify_style_update``. The look is what else decides the lines: the
    region asked for, the size, the texts, the background and pointer set on the key itself
    (blanked), and the app's line filters in force (dimmed while the app is blurred)."""

    _kept_lines: dict[Hashable, list[Strip]] | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept_lines = None

    def render_lines(self, crop: Region) -> list[Strip]:
        inline = self.styles.inline
        look = (
            crop,
            self.size,
            self.key_display,
            self.description,
            inline.get_rule("background", None),
            inline.get_rule("pointer", None),
            tuple(id(line_filter) for line_filter in self.get_line_filters()),
        )
        if self._kept_lines is None:
            self._kept_lines = {}
        lines = self._kept_lines.get(look)
        if lines is None:
            lines = self._kept_lines[look] = super().render_lines(crop)
        return list(lines)


class KeyFooter(Footer):
    """Textual's footer, greying its keys in place when only that changed, and blanking them
    in place while no key is to be shown."""

    _blanked: dict[FooterKey, tuple[str, str, object, bool]] | None = None
    """The blanked keys' text, tooltip and greying, to fill them again (None: none blanked)."""

    def compose(self) -> ComposeResult:
        """Textual's keys, each made a :class:`KeptFooterKey` (its class changed as it is
        built: Textual's footer makes them and binds them to its own reactives)."""
        for widget in super().compose():
            if type(widget) is FooterKey:
                widget.__class__ = KeptFooterKey
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and screen.app.app_focus
            and self.is_attached
            and screen is self.screen
        ):
            if self._change_in_place():
                return
            self._blanked = None  # the keys are built afresh
        super().bindings_changed(screen)

    @property
    def blank(self) -> bool:
        """Whether the keys are blanked (no key to show)."""
        return self._blanked is not None

    def _keys(self) -> list[FooterKey] | None:
        """The keys shown (not the palette's), or None when the footer holds other widgets."""
        if any(not isinstance(child, FooterKey) for child in self.children):
            return None  # groups and their labels: built afresh
        return [
            child
            for child in self.children
            if isinstance(child, FooterKey) and not child.has_class("-command-palette")
        ]

    def _change_in_place(self) -> bool:
        """Blank, fill, light or grey the keys where they stand as the screen's bindings say,
        if that shows what a fresh footer would (then True); else change nothing (False)."""
        wanted: dict[str, tuple[str, str, bool]] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.group is None:
                # The footer shows an action once, by its first binding.
                wanted.setdefault(binding.action, (binding.key, binding.description, enabled))
            elif binding.show:
                return False  # grouped keys: built afresh
        keys = self._keys()
        if keys is None or not keys:
            return False
        if not wanted:
            self._blank(keys)
            return True
        if len(keys) != len(wanted):
            return False
        blanked = self._blanked or {}
        for key, (action, (name, description, _enabled)) in zip(keys, wanted.items(), strict=True):
            shown = blanked[key][1] if key in blanked else key.description
            if (key.action, key.key, shown) != (action, name, description):
                return False
        self._fill()
        for key, (_name, _description, enabled) in zip(keys, wanted.values(), strict=True):
            if key._disabled == enabled:
                key._disabled = not enabled
                key.set_class(not enabled, "-disabled")
        return True

    def _blank(self, keys: list[FooterKey]) -> None:
        """Blank each key where it stands: spaces as wide as its text, no tooltip, its
        background set on it (so the mouse over it lights nothing), a click rings the bell."""
        if self._blanked is not None:
            return
        self._blanked = {}
        for key in keys:
            self._blanked[key] = (key.key_display, key.description, key.tooltip, key._disabled)
            key.key_display = " " * cell_len(key.key_display)
            key.description = " " * cell_len(key.description)
            key.tooltip = None
            key._disabled = True
            key.styles.background = key.styles.base.background
            key.styles.pointer = "default"
            key.refresh()

    def _fill(self) -> None:
        """Put the blanked keys' text back (their greying as it was)."""
        if self._blanked is None:
            return
        for key, (display, description, tooltip, disabled) in self._blanked.items():
            key.key_display = display
            key.description = description
            key.tooltip = tooltip  # type: ignore[assignment]
            key._disabled = disabled
            _clear_inline(key)
            key.refresh()
        self._blanked = None


def _clear_inline(widget: Widget) -> None:
    """Drop the background and pointer set on the widget itself (its CSS applies again)."""
    widget.styles.inline.clear_rule("background")
    widget.styles.inline.clear_rule("pointer")
