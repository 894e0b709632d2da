"""A widget's Rich style and background colours, kept until its styles are updated.

Textual works both out afresh on each call, walking the widget's ancestors and adding their
colours (0.1 ms apiece), and a frame asks for them several times per widget drawn: for the
filter bar, the status line, the list and the scroll bars, drawn again with every filter key
(the list's scroll bar asks for the list's), they are kept. tests/test_ui_one_line.py,
tests/test_ui_list_lines.py and tests/test_ui_paint.py check the lines drawn stay those Textual
draws as the focus, the classes and the theme change.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.color import Color


class KeptStyles:
    """A widget's Rich style and background colours, kept until its styles are updated (mix in
    before the widget's Textual class).

    Both are worked out from the styles of the widget and its ancestors, and Textual applies
    styles to a node and all its descendants at once (a class or pseudo-class changed, a theme),
    telling each with ``notify_style_update``, the hook by which Textual drops its own
    components' kept styles: the values are dropped there too.
    """

    _kept_style: Style | None = None
    _kept_backgrounds: tuple[Color, Color] | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()  # type: ignore[misc]
        self.forget_styles()

    def forget_styles(self) -> None:
        """Drop the kept values (call after setting a style inline, which Textual does not
        tell ``notify_style_update``)."""
        self._kept_style = None
        self._kept_backgrounds = None

    @property
    def rich_style(self) -> Style:
        """Textual's ``rich_style``, kept."""
        if self._kept_style is None:
            self._kept_style = _super(self).rich_style
        return self._kept_style

    @property
    def background_colors(self) -> tuple[Color, Color]:
        """Textual's ``background_colors``, kept."""
        if self._kept_backgrounds is None:
            self._kept_backgrounds = _super(self).background_colors
        return self._kept_backgrounds


def _super(widget: KeptStyles) -> Any:
    return super(KeptStyles, widget)
