"""A vertical scroll bar that draws a line it drew before from what it kept, for the list and the
detail pane.

A key that changes the list's length or the paper shown draws the bar again: a pane's height of
lines through Textual's pipeline cost 2-3.6 ms. Textual private API (pinned below 9): a widget's
``_vertical_scrollbar`` and ``App._start_widget``, to make the bar as Textual makes it;
tests/test_ui_paint.py and tests/test_ui_detail.py check the bars are these and draw what
Textual would.
"""

from __future__ import annotations

from typing import cast

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from paperterm.ui.widgets.kept_styles import KeptStyles


def kept_lines_scrollbar(widget: ScrollView) -> ScrollBar:
    """``widget``'s vertical scroll bar, a :class:`KeptLinesScrollBar` made as Textual makes its
    own (what a widget's ``vertical_scrollbar`` property returns)."""
    if widget._vertical_scrollbar is None:
        bar = KeptLinesScrollBar(
            vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
        )
        bar.display = False
        widget._vertical_scrollbar = bar
        widget.app._start_widget(widget, bar)
    return widget._vertical_scrollbar


class KeptLinesScrollBar(KeptStyles, ScrollBar):
    """A vertical scroll bar that draws a line it drew before from what it kept.

    A filter key changes the number of rows, so the bar is drawn again: 37 lines through
    Textual's pipeline cost ~3.6 ms, though a bar's lines are of a few kinds (track above and
    below the thumb, thumb, its ends). Each line of a vertical bar is drawn from one segment of
    :meth:`ScrollBarRender.render_bar` alone: the finished line is kept by that segment (and
    the width, the bar's style, background and line filters), and a bar whose every segment was
    seen is drawn from the lines kept; otherwise Textual draws it, and its lines are kept. The
    lines are kept across changes of style (the list taking and leaving the focus restyles its
    bar): what the style changes is in the key.
    """

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._kept: dict[tuple[object, ...], Strip] = {}

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``, from those kept when Textual drew the same segments."""
        segments = self._segments()
        if segments is None:
            return super().render_lines(crop)
        finish = (
            self.region.width,
            self.rich_style,
            self.background_colors,
            tuple(self.get_line_filters()),
        )
        kept = self._kept
        if len(kept) > 256:
            kept.clear()
        keys = [(segment.text, segment.style, finish) for segment in segments]
        lines = [kept.get(key) for key in keys[crop.y : crop.bottom]]
        if all(line is not None for line in lines):
            strips = cast(list[Strip], lines)
        else:
            drawn = super().render_lines(self.size.region)
            for key, line in zip(keys, drawn, strict=True):
                kept[key] = line
            strips = drawn[crop.y : crop.bottom]
        x1, x2 = crop.column_span
        if x1 or x2 != self.region.width:
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _segments(self) -> list[Segment] | None:
        """The segment each line is drawn from, as the bar's renderable draws it (None when
        the bar is not a plain vertical one drawn by Textual's own renderable)."""
        renderable = self.render()
        width, height = self.size
        if (
            not self.vertical
            or type(renderable) is not ScrollBarRender
            or not isinstance(renderable.style, Style)
            or self.styles.gutter
            or self.region.size != self.size
        ):
            return None
        style = renderable.style
        bar = renderable.render_bar(
            size=height,
            window_size=renderable.window_size,
            virtual_size=renderable.virtual_size,
            position=renderable.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or RichColor.parse("#555555"),
            bar_color=style.color or RichColor.parse("bright_magenta"),
        )
        segments = list(bar.segments)
        return segments if len(segments) == height else None
