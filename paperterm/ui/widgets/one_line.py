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

from textual._segment_tools import line_pad
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget


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
    :func:`plain`)."""
    base_background, background = widget.background_colors
    inner = VisualStyle(background=base_background + background).rich_style
    line = content.adjust_cell_length(widget.content_region.width, inner)
    padding = widget.styles.padding
    if padding.left or padding.right:
        line = Strip(line_pad(line, padding.left, padding.right, inner))
    for line_filter in widget.get_line_filters():
        line = line.apply_filter(line_filter, background)
    return line


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
