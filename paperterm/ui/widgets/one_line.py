"""A one-line widget's line finished for the terminal as Textual's styles cache finishes it,
without the cache's general machinery.

The status line and the filter bar are drawn again with every filter key. Textual finishes a
widget's line (its content fitted to the content width, the padding, then the app's line
filters) in a general step that handles borders, outlines, titles, tint, opacity and hatching
too: about 0.45 ms for a line, for two plain lines a key. A one-line widget with none of those
is finished here in the same steps. Textual private API (pinned below 9): ``line_pad``, the
widget's ``_border_title`` and ``_border_subtitle``, a style's ``_link_id``;
tests/test_ui_one_line.py checks the lines are those Textual draws, in every state of both.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual._segment_tools import line_pad
from textual.cache import FIFOCache
from textual.color import Color
from textual.filter import ANSIToTruecolor, DimFilter, LineFilter, Monochrome, NoColor
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

BY_STYLE = (ANSIToTruecolor, Monochrome, NoColor, DimFilter)
"""Textual's line filters, which change a segment by its style alone."""


class Line(Strip):
    """A Strip made for less: Textual's makes seven caches for each line up front (crop,
    filter, style...; 3-10 us a line, most of making a row), where most lines a frame makes are
    written once and never cropped nor filtered. Here each is made when first used. Takes its
    segments as given (not copied): hand it a list no one changes after. Textual private API
    (pinned below 9): Strip's slots, their sizes; tests/test_ui_one_line.py checks these are
    Strip's and that a Line does what a Strip does."""

    __slots__ = ()

    CACHES: ClassVar[dict[str, int]] = {
        "_divide_cache": 4,
        "_crop_cache": 16,
        "_style_cache": 16,
        "_filter_cache": 4,
        "_line_length_cache": 4,
        "_crop_extend_cache": 4,
        "_offsets_cache": 4,
    }
    """Strip's caches and their sizes, as Strip makes them."""

    def __init__(self, segments: list[Segment], cell_length: int) -> None:
        self._segments = segments
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def __getattr__(self, name: str) -> FIFOCache[Any, Any]:
        """One of Strip's caches, made when first asked for (an unset slot)."""
        size = Line.CACHES.get(name)
        if size is None:
            raise AttributeError(name)
        cache: FIFOCache[Any, Any] = FIFOCache(size)
        setattr(self, name, cache)
        return cache


def undecorated(widget: Widget) -> bool:
    """Whether Textual adds nothing of its own over the widget's lines: no outline, tint,
    opacity, hatching or border title (the list's lines are finished by it too)."""
    styles = widget.styles
    return (
        not any(kind for kind, _ in styles.outline)
        and not styles.tint.a
        and widget.opacity == 1.0
        and styles.text_opacity == 1.0
        and (not styles.has_rule("hatch") or styles.hatch == "none")
        and widget._border_title is None
        and widget._border_subtitle is None
    )


def plain(widget: Widget) -> bool:
    """Whether Textual would only fit, pad and filter the widget's one line."""
    styles = widget.styles
    padding = styles.padding
    return (
        widget.outer_size.height == 1
        and not padding.top
        and not padding.bottom
        and not any(kind for kind, _ in styles.border)
        and undecorated(widget)
        and not (widget.auto_links and widget.hover_style._link_id)  # a link under the mouse
    )


def finish(widget: Widget, content: Strip) -> Strip:
    """``content`` (the widget's ``render_line(0)``) as the line the terminal gets: fitted to
    the content width, padded, and through the app's line filters (call only when
    :func:`plain`).

    With Textual's own line filters, which change a segment by its style alone, the line is
    made in one step from the styles the filters made before (:class:`Finish`, kept on the
    widget): Textual's steps make a new line for each (fitted, padded, each filter), 50-70 us
    a line drawn again with every key."""
    base_background, background = widget.background_colors
    filters = tuple(widget.get_line_filters())
    padding = widget.styles.padding
    width = widget.content_region.width
    kept: dict[tuple[object, ...], Finish] | None = getattr(widget, _KEPT, None)
    if kept is None:
        kept = {}
        setattr(widget, _KEPT, kept)
    now = (width, padding.left, padding.right, base_background, background, filters)
    done = kept.get(now)
    if done is None:
        if not all(type(line_filter) in BY_STYLE for line_filter in filters):
            return _finished(widget, content, width)
        if len(kept) >= _KEPT_FINISHES:
            kept.clear()
        done = kept[now] = Finish(
            now, VisualStyle(background=base_background + background).rich_style
        )
    return done.finish(content)


_KEPT = "_paperterm_line_finishes"
"""The attribute a widget keeps its :class:`Finish` objects in, by what they finish for."""
_KEPT_FINISHES = 8
"""Finishes kept per widget: the filter bar's marked and not, focused and not, the app
focused and not (a finish is worked out from those alone: one kept for each is as good as
new)."""


def _finished(widget: Widget, content: Strip, width: int) -> Strip:
    """:func:`finish` in Textual's own steps (any line filter)."""
    base_background, background = widget.background_colors
    inner = VisualStyle(background=base_background + background).rich_style
    line = content.adjust_cell_length(width, inner)
    padding = widget.styles.padding
    if padding.left or padding.right:
        line = Strip(line_pad(line, padding.left, padding.right, inner))
    for line_filter in widget.get_line_filters():
        line = line.apply_filter(line_filter, background)
    return line


class Finish:
    """How a one-line widget's line is finished (content width, padding, background, line
    filters that change a segment by its style alone), with what the filters made of each style
    met: a line is its content's segments in those styles, between the padding."""

    __slots__ = ("background", "filters", "inner", "left", "now", "right", "styles", "width")

    def __init__(
        self,
        now: tuple[int, int, int, Color, Color, tuple[LineFilter, ...]],
        inner: Style,
    ) -> None:
        self.now = now
        """Content width, left and right padding, base background, background, line filters."""
        self.width, self.left, self.right, _, self.background, self.filters = now
        self.inner = inner
        """The blank cells' style (the content's background), before the filters."""
        self.styles: dict[Style | None, Style | None] = {}
        """What the line filters make of each style met."""

    def style(self, style: Style | None) -> Style | None:
        """What the line filters make of ``style``."""
        styles = self.styles
        if style in styles:
            return styles[style]
        if len(styles) > 64:
            styles.clear()
        segments = [Segment(" ", style)]
        for line_filter in self.filters:
            segments = line_filter.apply(segments, self.background)
        done = styles[style] = segments[0].style
        return done

    def finish(self, content: Strip) -> Strip:
        """``content`` fitted to the width, padded, its styles through the filters."""
        style = self.style
        width = self.width
        cells = content.cell_length
        if cells > width:
            content = content.crop(0, width)
            cells = content.cell_length
        segments = [Segment(text, style(old)) for text, old, _ in content]
        inner = style(self.inner)
        if cells < width:
            segments.append(Segment(" " * (width - cells), inner))
        if self.left:
            segments.insert(0, Segment(" " * self.left, inner))
        if self.right:
            segments.append(Segment(" " * self.right, inner))
        return Line(segments, self.left + width + self.right)


def render_lines(widget: Widget, crop: Region) -> list[Strip] | None:
    """The widget's lines in ``crop``, finished here; None when the widget is not :func:`plain`
    (Textual's own step then)."""
    if not plain(widget):
        return None
    if not crop.y <= 0 < crop.bottom:
        return []
    line = finish(widget, widget.render_line(0))
    x1, x2 = crop.column_span
    return [line if (x1, x2) == (0, line.cell_length) else line.crop(x1, x2)]
