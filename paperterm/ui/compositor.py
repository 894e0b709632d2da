"""A frame that repaints part of the screen renders only the widgets under the parts that changed.

Textual's compositor draws a partial frame by asking every widget that overlaps the rectangle
around all the changed regions for its lines. A key typed in the filter changes the filter bar
(the top line), the list and the status line (near the bottom): the rectangle around them is the
whole screen, so the detail pane, its scroll bar, the footer and the screen behind them were
rendered again for every key, although not one of their cells is written to the terminal (the
frame writes only the changed regions' spans). Here such a frame asks only the widgets whose
visible part overlaps a changed region and is not covered there by the widgets in front of it
(the screen and the containers behind the list, say): the cells written are the same, from the
same widgets, since a frame's cell always comes from the front-most widget over it.

Textual private API (pinned below 9): the screen's ``_compositor``, and ``Compositor``'s
``render_partial_update``, ``_get_renders``, ``_dirty_regions`` and ``_visible_widgets``.
tests/test_ui_paint.py checks that frames still paint what a full repaint would, and that a
filter key renders no detail pane: a change of those would fail there.

:func:`draw_now` draws a key's answer in a frame at once rather than through Textual's messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import UPDATE_PERIOD, Screen
from textual.strip import Strip
from textual.widget import Widget


class PartialCompositor(Compositor):
    """Textual's compositor; a partial frame renders only the widgets under a changed region."""

    def __init__(self) -> None:
        super().__init__()
        self._changed: list[Region] | None = None
        """The regions the partial frame being drawn repaints (None: not drawing one)."""
        self.last_frame = 0.0
        """When the last frame was drawn (``time.monotonic``)."""

    def render_update(
        self,
        full: bool = False,
        screen_stack: list[Screen[object]] | None = None,
        simplify: bool = False,
    ) -> RenderableType | None:
        self.last_frame = time.monotonic()
        return super().render_update(full, screen_stack, simplify)

    def render_partial_update(self) -> ChopsUpdate | None:
        """Draw the changed regions (Textual's own step), noting which they are meanwhile."""
        self._changed = list(self._dirty_regions)
        try:
            return super().render_partial_update()
        finally:
            self._changed = None

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        changed = self._changed
        if changed is None or crop is None:
            return super()._get_renders(crop)
        everything = self.visible_widgets
        self._visible_widgets = _in_sight(everything, changed)
        try:
            return list(super()._get_renders(crop))
        finally:
            self._visible_widgets = everything


def _in_sight(
    widgets: dict[Widget, tuple[Region, Region]], changed: list[Region]
) -> dict[Widget, tuple[Region, Region]]:
    """The widgets (front first, as Textual orders them) that show in a changed region: those
    whose visible part overlaps some of it not yet covered by the widgets in front."""
    uncovered = [part for part in changed if part]
    shown = {}
    for widget, (region, clip) in widgets.items():
        area = region.intersection(clip)
        if not area or not any(area.overlaps(part) for part in uncovered):
            continue
        shown[widget] = (region, clip)
        uncovered = [piece for part in uncovered for piece in _minus(part, area)]
        if not uncovered:
            break
    return shown


def _minus(region: Region, cover: Region) -> list[Region]:
    """The parts of ``region`` outside ``cover`` (at most four rectangles)."""
    if not region or not cover or not region.overlaps(cover):
        return [region]
    top = max(region.y, cover.y)
    bottom = min(region.bottom, cover.bottom)
    parts = []
    if cover.y > region.y:
        parts.append(Region(region.x, region.y, region.width, cover.y - region.y))
    if cover.bottom < region.bottom:
        parts.append(Region(region.x, cover.bottom, region.width, region.bottom - cover.bottom))
    if cover.x > region.x:
        parts.append(Region(region.x, top, cover.x - region.x, bottom - top))
    if cover.right < region.right:
        parts.append(Region(cover.right, top, region.right - cover.right, bottom - top))
    return parts


def draw_now(screen: Screen[Any], *widgets: Widget) -> None:
    """Draw the repaints ``widgets`` asked for in a frame now, with the screen's own frame step,
    as its frame clock would draw them; else hand them to the screen (Textual's own step).

    Textual hands a widget's repaint to the screen in a message sent from the widget's idle
    turn, and the screen, on its own idle turn, wakes its frame clock: 0.5-1 ms of message
    hops after the key's answer is ready. The clock draws at once when its last frame is a
    frame period old (60 frames a second), else at the next tick: so does this, drawing now
    only then, and only when nothing but ``widgets`` holds a repaint, a layout or a scroll
    (else the clock draws everything together, as before). Textual private API (pinned
    below 9): the widgets' ``_repaint_required``, ``_layout_required``, ``_scroll_required``
    and ``_check_refresh``, the screen's ``_dirty_widgets`` and ``_on_timer_update``;
    tests/test_ui_draw_now.py checks a filter key's frame comes this way and paints what a full
    repaint would.
    """
    compositor = screen._compositor
    if (
        not isinstance(compositor, PartialCompositor)
        or time.monotonic() - compositor.last_frame < UPDATE_PERIOD
        or not screen.is_current
        or screen.app._batch_count
        or screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or any(
            widget._layout_required or widget._scroll_required or widget._refresh_styles_required
            for widget in widgets
        )
        or not all(widget in compositor.visible_widgets for widget in widgets)
        or _elsewhere(screen, widgets)
    ):
        for widget in widgets:
            widget._check_refresh()  # Textual's own step, taken now rather than at idle
        return
    for widget in widgets:
        if widget._repaint_required:
            widget._repaint_required = False  # drawn here: no Update message for the screen
            screen._dirty_widgets.add(widget)
    if screen._dirty_widgets:
        screen._on_timer_update()


def _elsewhere(screen: Screen[Any], widgets: tuple[Widget, ...]) -> bool:
    """Whether a widget other than ``widgets`` holds a repaint, a layout or a scroll it has not
    handed to the screen yet (what it has handed over, the frame drawn now draws too)."""
    return any(
        (widget._repaint_required or widget._layout_required or widget._scroll_required)
        and widget not in widgets
        for widget in screen.walk_children(Widget)
    )
