"""A frame that repaints part of the screen renders only the widgets under the parts that changed,
and is made straight from their lines.

Textual's compositor draws a partial frame by asking every widget that overlaps the rectangle
around all the changed regions for its lines. A key typed in the filter changes the filter bar
(the top line), the list and the status line (near the bottom): the rectangle around them is the
whole screen, so the detail pane, its scroll bar, the footer and the screen behind them were
rendered again for every key, although not one of their cells is written to the terminal (the
frame writes only the changed regions' spans). Here such a frame asks only the widgets whose
visible part overlaps a changed region and is not covered there by the widgets in front of it
(the screen and the containers behind the list, say): the cells written are the same, from the
same widgets, since a frame's cell always comes from the front-most widget over it.

Textual then cuts every line it renders at every edge of every widget on it (its "chops": a
filter key's frame cut ~80 lines, ~1.5 ms on the shared dumps) to pick, piece by piece, the
front-most widget. Here each changed region is split among the widgets that show in it, front
first (:func:`_owners`: a toast, a dialog or any layer in front takes its part), and each widget
renders the rectangle around its parts once, its lines cut only where a part is narrower; a
widget whose scroll bar is in the frame too writes its lines whole across the bar, the bar
written over them after (:func:`_across`; the frame ends with the same cells).
:meth:`PartialCompositor._direct_update` makes Textual's ``ChopsUpdate`` so (the driver writes
it as any other); Textual's own step makes it when a widget gives lines other than those asked
for. :class:`LinesUpdate` writes it in the very bytes Textual's writer makes, for less.

Textual private API (pinned below 9): the screen's ``_compositor``, and ``Compositor``'s
``render_partial_update``, ``_get_renders``, ``_dirty_regions``, ``_visible_widgets`` and
``_regions_to_spans``, ``ChopsUpdate``'s ``chops``, ``spans``, ``chop_ends`` and
``render_segments``; ``ScrollBar``/``ScrollBarCorner`` (public) and their ``parent``.
tests/test_ui_paint.py checks that frames still paint what a full repaint would, that each frame
made directly leaves a terminal (emulated from the bytes) with the very cells Textual's step
leaves it with (filter and cursor keys, a toast over the list, help, themes, a resize, 80x24),
that the writer's bytes are Textual's, the splitting of regions among widgets, and that a filter
key renders no detail pane: a change of those would fail there.

:func:`draw_now` draws a key's answer in a frame at once rather than through Textual's messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from rich.console import Console, RenderableType
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual.geometry import Region
from textual.screen import UPDATE_PERIOD, Screen
from textual.scrollbar import ScrollBar, ScrollBarCorner
from textual.strip import Strip
from textual.widget import Widget

PLANS = 128
"""Plans kept per layout (:meth:`PartialCompositor._direct_update`), the least recently used
dropped first: the sets of regions that change together (the filter key's, the detail pane's,
a toast's, and a cursor key's, one per pair of lines the cursor leaves and reaches: a pane's
height of them). With 8 kept and all dropped when full, a dozen cursor keys dropped the filter
key's plan and the first letter of the next query planned again (0.3-0.5 ms of the slowest
keys on the shared dumps)."""


_CELLS = attrgetter("cell_length")
"""A line's width in cells."""

_NONE = object()
"""No plan kept (a plan may be None)."""


class LinesUpdate(ChopsUpdate):
    """Textual's partial frame (``ChopsUpdate``), written with fewer steps: the same bytes.

    Textual's writer makes each cursor move through Rich's ``Control`` (2.5 us each, two per
    line of a filter key's frame: the list's row and its scroll bar's); here it is the very
    sequence, formatted directly. tests/test_ui_paint.py checks the bytes equal Textual's.
    """

    def __init__(
        self,
        chops: Sequence[Mapping[int, Strip | None]],
        spans: list[tuple[int, int, int]],
        chop_ends: list[list[int]],
        direct: bool,
    ) -> None:
        super().__init__(chops, spans, chop_ends)
        self.direct = direct
        """Whether the frame was made from the changed widgets' lines (else by Textual's step)."""

    def render_segments(self, console: Console) -> str:
        """The escape sequences Textual's ``ChopsUpdate.render_segments`` writes for it."""
        sequences: list[str] = []
        append = sequences.append
        chops = self.chops
        chop_ends = self.chop_ends
        if not self.spans:
            return ""  # every line is on the terminal already
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(chop_ends[y], chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if not (x2 > x >= x1 and end <= x2):
                    strip = strip.crop(0, min(end, x2) - x)
                append(f"\x1b[{y + 1};{x + 1}H")  # Rich's Control.move_to(x, y)
                append(strip.render(console))
            if y != last_y:
                append("\n")
        return "".join(sequences)


class PartialCompositor(Compositor):
    """Textual's compositor; a partial frame renders only the widgets under a changed region,
    and is made from their lines directly (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._changed: list[Region] | None = None
        """The regions the partial frame being drawn repaints (None: not drawing one)."""
        self.last_frame = 0.0
        """When the last frame was drawn (``time.monotonic``)."""
        self._areas_of: object = None
        """The visible widgets :attr:`_areas` was made from."""
        self._areas: list[tuple[Widget, Region, Region]] = []
        """The visible widgets, front first, with their region and their visible part."""
        self._on_terminal: dict[
            int, dict[tuple[int, int], list[tuple[int, int, int, Strip | None]]]
        ]
        self._on_terminal = {}
        """What the frames made here since the last frame made otherwise wrote, and is on the
        terminal still: per line, per span (start, end), the lines written in it in order
        (start, end, the very ``Strip``'s identity, the ``Strip``)."""
        self._plans_for: object = None
        """The visible widgets and the size :attr:`_plans` are for."""
        self._plans: dict[frozenset[Region], Any] = {}
        """What :meth:`_plan` gave for each set of changed regions, while the visible widgets
        and the size hold: a filter key's frame (the bar, the list, its scroll bar, the status
        line) and the detail pane's frame after it alternate, and planning again for each
        frame took 0.4-0.8 ms of a key on the shared dumps."""

    def render_update(
        self,
        full: bool = False,
        screen_stack: list[Screen[object]] | None = None,
        simplify: bool = False,
    ) -> RenderableType | None:
        self.last_frame = time.monotonic()
        return super().render_update(full, screen_stack, simplify)

    def render_full_update(self, simplify: bool = False) -> LayoutUpdate:
        self._on_terminal.clear()  # written whole (or not written: a screenshot)
        return super().render_full_update(simplify)

    def render_partial_update(self) -> ChopsUpdate | None:
        """Draw the changed regions from the widgets' lines, else (a widget gave other lines than
        those asked for) with Textual's own step, noting which regions changed meanwhile."""
        if not self._dirty_regions:
            return None
        update = self._direct_update(self._dirty_regions)
        if update is not None:
            self._dirty_regions.clear()
            return update
        self._changed = list(self._dirty_regions)
        self._on_terminal.clear()  # what Textual's step writes is not noted
        try:
            chopped = super().render_partial_update()
        finally:
            self._changed = None
        if chopped is None:
            return None
        return LinesUpdate(chopped.chops, chopped.spans, chopped.chop_ends, direct=False)

    def _direct_update(self, regions: Iterable[Region]) -> LinesUpdate | None:
        """The frame made from the lines of the front-most widget over each changed cell.

        Each widget that shows in a changed region (:func:`_owners`) renders the rectangle
        around its parts once; a line is cut only where a part is narrower than that
        rectangle. A widget whose scroll bar is in the frame too writes its lines across the
        bar's cells (its lines hold the bar's gutter there, blank), and the bar then writes
        over them, later in the same frame: the list's and the detail pane's lines go whole,
        where cutting the bar's cells out of every line of new text cost 15-25 us a line.
        None (Textual's step then) when a widget gives lines other than those asked for.

        What to ask of which widget (:meth:`_plan`) is kept per set of changed regions while
        the screen is laid out the same (every key typed in the filter repaints the bar, the
        list, its scroll bar and the status line; the detail pane's frame follows)."""
        changed = frozenset(regions)
        now = (self.visible_widgets, self.size)
        if self._plans_for != now:
            self._plans_for = now
            self._plans.clear()
        plans = self._plans
        planned = plans.pop(changed, _NONE)
        if planned is _NONE:
            if len(plans) >= PLANS:
                del plans[next(iter(plans))]  # the least recently used
            planned = self._plan(changed)
        plans[changed] = planned  # the most recently used: last
        if planned is None:
            return None
        plan, spans = planned
        height = self.size.height
        chops: list[dict[int, Strip | None]] = [{} for _ in range(height)]
        chop_ends: list[list[int]] = [[] for _ in range(height)]
        rendered = [widget.render_lines(crop) for widget, crop, _, _ in plan]
        for (_, _, around, _), strips in zip(plan, rendered, strict=True):
            width = around.width
            if len(strips) != around.height or not all(map(width.__eq__, map(_CELLS, strips))):
                return None  # not the lines asked for: Textual's step copes as it does
        for (_, _, around, runs), strips in zip(plan, rendered, strict=True):
            left, top, right = around.x, around.y, around.right
            for y, x1, x2 in runs:
                strip = strips[y - top]
                if x1 != left or x2 != right:
                    strip = strip.crop(x1 - left, x2 - left)
                chops[y][x1] = strip
                chop_ends[y].append(x2)
        return LinesUpdate(chops, self._not_on_terminal(spans, chops, chop_ends), chop_ends, True)

    def _not_on_terminal(
        self,
        spans: list[tuple[int, int, int]],
        chops: list[dict[int, Strip | None]],
        chop_ends: list[list[int]],
    ) -> list[tuple[int, int, int]]:
        """The spans of a frame made here whose cells are not on the terminal already: a span
        is left out when the frames made here last wrote the very same lines (the same
        ``Strip`` objects, as the list keeps its rows and its scroll bar its lines) at the
        same places in it, and nothing has written over it since. The list's lines are
        mostly the same from key to key (23 of 37 on the shared dumps)."""
        on_terminal = self._on_terminal
        left = []
        for span in spans:
            y, x1, x2 = span
            # Each line written with its identity beside it: the lists compare in one step,
            # the identities first (a Strip's own == would compare its segments), and the
            # Strips kept here keep their identities from being reused.
            written = [
                (x, end, id(strip), strip)
                for (x, strip), end in zip(chops[y].items(), chop_ends[y], strict=True)
                if x1 <= x < x2
            ]
            line = on_terminal.get(y)
            if line is None:
                line = on_terminal[y] = {}
            else:
                if line.get((x1, x2)) == written:
                    continue  # on the terminal already
                for key in [key for key in line if key[0] < x2 and key[1] > x1]:
                    del line[key]  # written over, in part or whole
            line[x1, x2] = written
            left.append(span)
        return left

    def _plan(
        self, regions: Iterable[Region]
    ) -> tuple[list[tuple[Widget, Region, Region, list[tuple[int, int, int]]]], list[Any]] | None:
        """Which widget renders what for a frame of the changed ``regions``: each widget, the
        rectangle asked of it (in its own coordinates, then on the screen) and the runs of it
        written (line, start, end), in the order written; and the frame's spans. None when no
        widget shows there."""
        screen = self.size.region
        shown = [region for changed in regions if (region := changed.intersection(screen))]
        owned = _owners(self._visible_areas(), shown)
        if not owned:
            return None
        spans_of = self._regions_to_spans
        spans = {widget: list(spans_of(parts)) for widget, (_, parts) in owned.items()}
        bars: dict[Widget, list[tuple[int, int, int]]] = {}
        for bar in owned:
            if isinstance(bar, ScrollBar | ScrollBarCorner) and bar.parent in owned:
                bars.setdefault(bar.parent, []).extend(spans[bar])
        for widget, bar_spans in bars.items():
            spans[widget] = _across(spans[widget], bar_spans)
        plan = []
        # The widgets writing across their bars first: the bars then write over them.
        for widget in sorted(owned, key=lambda widget: widget not in bars):
            runs = spans[widget]
            if not runs:
                continue
            left = min(x1 for _, x1, _ in runs)
            right = max(x2 for _, _, x2 in runs)
            top, bottom = runs[0][0], runs[-1][0] + 1
            around = Region(left, top, right - left, bottom - top)
            plan.append((widget, around.translate(-owned[widget][0].offset), around, runs))
        return plan, list(spans_of(shown))

    def _visible_areas(self) -> list[tuple[Widget, Region, Region]]:
        """The visible widgets, front first (as Textual paints them), with their visible part."""
        visible = self.visible_widgets
        if self._areas_of is not visible:
            self._areas = [
                (widget, region, area)
                for widget, (region, clip) in visible.items()
                if (area := region.intersection(clip))
            ]
            self._areas_of = visible
        return self._areas

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


def _owners(
    areas: Iterable[tuple[Widget, Region, Region]], changed: Iterable[Region]
) -> dict[Widget, tuple[Region, list[Region]]]:
    """The widgets that show in the changed regions, each with its region and the parts of
    them it shows: its visible part (``areas``: widget, region, visible part, front first, as
    Textual paints them) less what the widgets in front of it cover there. Every changed cell
    under a widget is in one part, of the front-most widget over it (as in Textual's frame)."""
    owned: dict[Widget, tuple[Region, list[Region]]] = {}
    for region in changed:
        uncovered = [region]
        for widget, place, area in areas:
            parts = [part.intersection(area) for part in uncovered if part.overlaps(area)]
            if not parts:
                continue
            owned.setdefault(widget, (place, []))[1].extend(parts)
            uncovered = [piece for part in uncovered for piece in _minus(part, area)]
            if not uncovered:
                break
    return owned


def _across(
    own: list[tuple[int, int, int]], bars: list[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    """A widget's spans (line, start, end; by line then start, none adjoining another) run on
    across the spans of its scroll bars that they reach, and across its own spans these reach:
    each run starts where one of its own spans does, so no bar span starts where a run does."""
    bar_end = {(y, x1): x2 for y, x1, x2 in bars}
    runs: list[tuple[int, int, int]] = []
    for y, x1, x2 in own:
        if runs and runs[-1][0] == y and runs[-1][2] == x1:
            y, x1, _ = runs.pop()  # reached across a bar
        while (y, x2) in bar_end:
            x2 = bar_end[y, x2]
        runs.append((y, x1, x2))
    return runs


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
    for widget in screen.walk_children(Widget):  # a loop: a generator's steps cost here
        if (
            widget._repaint_required or widget._layout_required or widget._scroll_required
        ) and widget not in widgets:
            return True
    return False
