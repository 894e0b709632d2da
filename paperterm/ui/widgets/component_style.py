"""A widget's component class as a Rich style for lines it draws itself, its colour made solid.

Textual's ``get_component_rich_style(name, partial=True)`` keeps a component's own rules but drops
what a colour needs from the background it is drawn on: a colour with alpha (``$text-muted`` is
``auto 60%``) loses its alpha and an ``auto`` colour its contrast with the background, so muted
text came out as opaque white, brighter than the bold text beside it. The widgets that draw their
own lines (the list, the detail pane) take their component styles from here instead: the partial
style (text style, no background of its own unless it sets one) with its foreground blended over
the background the text is drawn on, as Textual does for the text of a widget.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.widget import Widget


def widget_background(widget: Widget) -> Color:
    """The solid colour ``widget``'s own lines are drawn on (its background over its parents')."""
    base, own = widget.background_colors
    return base + own


def component_style(widget: Widget, name: str, over: Color) -> Style:
    """The component class ``name`` of ``widget`` as a Rich style for text drawn on ``over``."""
    styles = widget.get_component_styles(name)
    style = styles.partial_rich_style
    if styles.has_rule("background"):  # its text is drawn on its own background
        over = over + styles.background
    if not styles.has_rule("color"):
        return style
    color = styles.color
    if styles.has_rule("auto_color") and styles.auto_color:
        color = over.get_contrast_text(color.a)
    return style + Style(color=(over + color).rich_color)
