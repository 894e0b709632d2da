"""A vertical scroll bar that draws a line it drew before from what it kept, for the list and the
detail pane.

A key that changes the list's length or the paper shown draws the bar again: a pane's height of
lines through Textual's pipeline cost 2-3.6 ms. Textual private API (pinned below 9): a widget's
``_vertical_scrollbar`` and ``App._start_widget``, to make the bar as Textual makes it;
tests/test_ui_paint.py (lengths, positions, hover, blur, theme, focus, a monochrome filter) and
tests/test_ui_detail.py check the bars are these and draw what Textual would.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style as VisualStyle

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
    """A vertical scroll bar that keeps what it drew.

    A filter key changes the number of rows, so the bar is drawn again: 37 lines through
    Textual's pipeline cost ~3.6 ms, though a bar's lines are of a few kinds (track above and
    below the thumb, thumb, its ends). Each line of a vertical bar is drawn from one segment of
    :meth:`ScrollBarRender.render_bar` alone, finished here as Textual's styles cache finishes
    it (the bar's style under the segment's, fitted to the width, the line filters): a line is
    kept by that segment (and the width, the bar's style, background and line filters). The
    lines are kept across changes of style (the list taking and leaving the focus restyles its
    bar): what the style changes is in the key. A whole bar is kept too, by what its renderable
    draws: a filter key that leaves the bar as it was (a list of the same length, or one that
    fits the pane) draws nothing, not even the bar's segments (0.2-0.5 ms a key).
    """

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._kept: dict[tuple[object, ...], dict[Segment, Strip]] = {}
        """Finished lines by how they were finished, then by the segment they are drawn from
        (the finish hashed once a bar, not once a line)."""
        self._bars: dict[tuple[object, ...], list[Strip]] = {}
        """The bar's finished lines by what its renderable draws (length, window, position,
        thickness, style), its size and how they were finished: a bar drawn before is not
        drawn again, not even from :attr:`_kept`."""

    def forget_lines(self) -> None:
        """Drop the lines kept (the next frame draws the bar anew)."""
        self._kept.clear()
        self._bars.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``, those of a bar drawn before the same, else from those kept
        when Textual drew the same segments."""
        renderable = self.render()
        if not self._plain(renderable):
            return super().render_lines(crop)
        assert isinstance(renderable, ScrollBarRender)
        finish = (
            self.region.width,
            self.rich_style,
            self.background_colors,
            tuple(self.get_line_filters()),
        )
        key = (
            renderable.virtual_size,
            renderable.window_size,
            renderable.position,
            renderable.thickness,
            renderable.style,
            self.size,
            finish,
        )
        bar = self._bars.get(key)
        if bar is None:
            bar = self._drawn(renderable, finish)
            if bar is None:
                return super().render_lines(crop)
            if len(self._bars) >= 64:
                self._bars.clear()
            self._bars[key] = bar
        strips = bar[crop.y : crop.bottom]
        x1, x2 = crop.column_span
        if x1 or x2 != self.region.width:
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain(self, renderable: object) -> bool:
        """Whether the bar is a plain vertical one drawn by Textual's own renderable."""
        return (
            self.vertical
            and type(renderable) is ScrollBarRender
            and isinstance(renderable.style, Style)
            and not self.styles.gutter
            and self.region.size == self.size
        )

    def _drawn(self, renderable: ScrollBarRender, finish: tuple[object, ...]) -> list[Strip] | None:
        """The whole bar's finished lines, each from the one kept for its segment or finished
        here (None when the bar does not draw one segment per line)."""
        segments = self._segments(renderable)
        if segments is None:
            return None
        kept = self._kept.get(finish)
        if kept is None or len(kept) > 256:
            if len(self._kept) >= 16:
                self._kept.clear()
            kept = self._kept[finish] = {}
        lines = []
        last: Segment | None = None
        line = Strip.blank(0)
        for segment in segments:
            # The bar draws the track above the thumb, the thumb and the track below it each
            # with one segment repeated: a run's line is looked up once.
            if segment is not last:
                found = kept.get(segment)
                if found is None:
                    found = kept[segment] = self._finished(segment)
                line = found
                last = segment
            lines.append(line)
        return lines

    def _finished(self, segment: Segment) -> Strip:
        """A line of the bar drawn from its segment as Textual's styles cache draws it: in the
        bar's style under the segment's, fitted to the width, through the line filters."""
        base_background, background = self.background_colors
        inner = VisualStyle(background=base_background + background).rich_style
        text, style, _ = segment
        line = Strip([Segment(text, self.rich_style + style)]).adjust_cell_length(
            self.size.width, inner
        )
        for line_filter in self.get_line_filters():
            line = line.apply_filter(line_filter, background)
        return line

    def _segments(self, renderable: ScrollBarRender) -> list[Segment] | None:
        """The segment each line is drawn from, as the bar's renderable draws it (None when
        there is not one per line)."""
        width, height = self.size
        style = renderable.style
        assert isinstance(style, Style)
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
