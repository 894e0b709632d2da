"""A frame that repaints part of the screen renders only the widgets under the parts that changed.

Textual's compositor draws a partial frame by asking every widget that overlaps the rectangle
around all the changed regions for its lines. A key typed in the filter changes the filter bar
(the top line), the list and the status line (near the bottom): the rectangle around them is the
whole screen, so the detail pane, its scroll bar, the footer and the screen behind them were
rendered again for every key, although not one of their cells is written to the terminal (the
frame writes only the changed regions' spans). Here such a frame asks only the widgets whose
visible part overlaps a changed region: the cells written are the same, from the same widgets.

Textual private API (pinned below 9): the screen's ``_compositor``, and ``Compositor``'s
``render_partial_update``, ``_get_renders``, ``_dirty_regions`` and ``_visible_widgets``.
tests/test_ui_paint.py checks that frames still paint what a full repaint would, and that a
filter key renders no detail pane: a change of those would fail there.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip


class PartialCompositor(Compositor):
    """Textual's compositor; a partial frame renders only the widgets under a changed region."""

    def __init__(self) -> None:
        super().__init__()
        self._changed: list[Region] | None = None
        """The regions the partial frame being drawn repaints (None: not drawing one)."""

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
        self._visible_widgets = {
            widget: (region, clip)
            for widget, (region, clip) in everything.items()
            if _overlaps_any(region.intersection(clip), changed)
        }
        try:
            return list(super()._get_renders(crop))
        finally:
            self._visible_widgets = everything


def _overlaps_any(area: Region, regions: list[Region]) -> bool:
    overlaps = area.overlaps
    return any(overlaps(region) for region in regions)
