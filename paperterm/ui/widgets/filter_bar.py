"""The filter bar: a one-line query box that filters the list as you type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.geometry import Region, Size
from textual.keys import key_to_character
from textual.message import Message
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets.input import Selection

from paperterm.sanitize import clean_text
from paperterm.ui.widgets import one_line
from paperterm.ui.widgets.kept_styles import KeptStyles

PLACEHOLDER = "/ filter: words  'exact  ^prefix  !not  a|b  title:  is:unread  has:code"


class FilterBar(KeptStyles, Input):
    """The query box. An edit typed calls ``edited`` with the new value (see :meth:`replace`), a
    value set otherwise posts ``Input.Changed``; leaving it posts ``FilterBar.Done``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "done", "List", tooltip="Go to the list"),
        Binding("escape", "clear", "Clear", tooltip="Clear the filter, back to the list"),
    ]

    DEFAULT_CSS = """
    FilterBar {
        border: none;
        height: 1;
        padding: 0 1;
        background: $panel;
        &:focus { background: $boost; border: none; }
        /* A filter in force (set on the bar inline: see watch_value). */
        & > .filter-bar--active { background: $accent 25%; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"filter-bar--active"}

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """The text's width (Input scrolls it sideways): it grows with every key typed, and in Input
    it lays the whole screen out again each time, while the bar's own size never changes."""

    @dataclass
    class Done(Message):
        """The user is done with the filter: back to the list (``cleared`` after Escape)."""

        filter_bar: FilterBar
        """The bar that sent it."""
        cleared: bool
        """True when the filter was emptied on the way out."""

        @property
        def control(self) -> FilterBar:
            """The bar that sent the message."""
            return self.filter_bar

    def __init__(
        self, *, id: str | None = None, edited: Callable[[str], object] | None = None
    ) -> None:
        # Valid from the start (it has no validators): Input adds the class on the first
        # value, which restyles the bar in the first key typed.
        self._looks = {}
        super().__init__(placeholder=PLACEHOLDER, id=id, select_on_focus=False, classes="-valid")
        self._edited = edited

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit of Input's (a letter typed, backspace, delete, the word and line keys, a
        paste, a cut) comes here. With ``edited`` given, the value and the cursor are set
        without Input's watchers, and ``edited`` is called with the new value once both are
        set (it draws the answer at once, the bar with it). Input's watchers would post
        ``Changed``, which reaches the screen two message queues later, re-validate the cursor,
        clear the screen's text selection, set the terminal's cursor and scroll to the cursor
        even when the text fits: 1.2 ms of the 10 a key took on the shared dumps. What of it
        applies is done here: the screen's text selection cleared when there is one, the
        terminal's cursor, and the width and scrolling when the text is (or was) wider than
        the bar. Textual private API (pinned below 9): ``Input._initial_value`` (cleared, as
        Input's first change clears it) and ``Input._cursor_offset``; tests/test_ui_filter_bar.py
        checks the keys, the scrolling and the lines drawn."""
        if (
            self._edited is None
            or not self.is_mounted
            or self.max_length
            or self.restrict
            or self.type != "text"
            or self.validators
            or self.suggester is not None
            or self.password
            or self.highlighter is not None
        ):
            super().replace(text, start, end)
            return
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        new = f"{value[:start]}{text}{value[end:]}"
        self.set_reactive(Input.value, new)
        self.set_reactive(Input.selection, Selection.cursor(start + len(text)))
        self._initial_value = False
        if self.screen.selections:
            self.app.clear_selection()
        self._keep_cursor_in_sight()
        self.app.cursor_position = self.cursor_screen_offset
        self._mark(bool(new.strip()))
        self.refresh()
        if new != value:
            self._edited(new)

    _dispatching = 0
    """Messages being handled by the bar now (a key's handler may wait)."""

    async def _dispatch_message(self, message: Message) -> None:
        self._dispatching += 1
        try:
            await super()._dispatch_message(message)
        finally:
            self._dispatching -= 1

    def ready_for_key(self) -> bool:
        """Whether a key may be handed to :meth:`take_key` now without overtaking anything:
        nothing waits in the bar's queue and the bar handles no message."""
        return not self._dispatching and self.is_attached and self._message_queue.empty()

    def type_in_turn(self, text: str) -> None:
        """Type ``text`` in as a key typed now would be: at once when nothing waits for the bar,
        else behind what waits in its queue (a priority key's action, such as ``/`` typing
        itself in, runs when the app reads the key, ahead of the keys before it that went to
        the bar's queue)."""
        if self.ready_for_key():
            self.insert_text_at_cursor(text)
        else:
            self.call_later(self.insert_text_at_cursor, text)

    def clear_in_turn(self) -> None:
        """Empty the bar now, and again behind what waits in its queue: Escape (a priority key,
        the screen's) runs when the app reads it, and keys typed just before it, still in the
        bar's queue, were typed in after it ("gra" and Escape at once left "gra")."""
        self.value = ""
        if not self.ready_for_key():
            self.call_later(setattr, self, "value", "")

    def takes_in(self, event: events.Key) -> bool:
        """Whether ``event`` is a character the bar takes in, which no priority binding can
        take first: Textual's binding chain drops, from every node above a widget, the keys the
        widget takes in (Input: a printable character), so only the bar's own bindings could
        (it has no priority binding for a character), or a keymap (none is set). Textual
        private API (pinned below 9): ``App._keymap``, ``DOMNode._bindings``; checked against
        ``Screen._binding_chain`` in tests/test_ui_key_path.py."""
        return (
            # The character as the chain derives it from the key: "/" is not taken in
            # there (the screen's priority binding types it), as Textual names no
            # character for "slash".
            self.check_consume_key(event.key, key_to_character(event.key))
            and not self.app._keymap
            and not any(
                binding.priority for binding in self._bindings.key_to_bindings.get(event.key, ())
            )
        )

    async def take_key(self, event: events.Key) -> None:
        """Handle a key as the bar's own message loop would once it took it from its queue
        (see ``PapertermApp.on_event``): marked forwarded, handled in the bar's context (the
        messages it posts are the bar's), published, and the bar prompted for its idle
        checks. A character (:meth:`takes_in`) is typed in as Input's key handler types it,
        without looking for the handlers of the bar's classes (0.1 ms of a key). Textual
        private API (pinned below 9): ``MessagePump._dispatch_message``, ``_context``,
        ``_message_queue``, ``Event._set_forwarded``, ``Input._restart_blink``."""
        event._set_forwarded()
        with self._context():
            if event.character is not None and self.takes_in(event):
                self._dispatching += 1
                try:
                    self._restart_blink()
                    start, end = self.selection
                    self.replace(event.character, start, end)
                finally:
                    self._dispatching -= 1
                event.stop()
                event.prevent_default()
            else:
                await self._dispatch_message(event)
        self.message_signal.publish(event)
        self.check_idle()

    async def _on_key(self, event: events.Key) -> None:
        """An editing key (backspace, the arrows, ctrl+k...: a binding, of the bar's or the
        screen's) runs here, in the order typed. Textual runs a binding once the key has
        travelled from the bar up to the app, one message queue at a time, while the bar reads
        the letters typed behind it: in a burst they overtook it (``xyz``, backspace, ``a``
        gave ``xyza`` less its last letter, ``xyz``). Input's own handler runs after this one."""
        if not event.is_printable and await self.app._check_bindings(event.key):
            event.stop()  # done: it does not travel up to run again

    def _on_paste(self, event: events.Paste) -> None:
        """A paste becomes one line of the query, where the cursor is (over the selection, if
        any): its line breaks and tabs spaces, its escape sequences and other control
        characters dropped (:func:`~paperterm.sanitize.clean_text`). Input would keep only
        its first line, with its control characters."""
        event.stop()
        event.prevent_default()  # Input's own handler would insert it again
        text = clean_text(event.text.replace("\r\n", "\n"))
        if text:
            start, end = self.selection
            self.replace(text, start, end)

    def _on_resize(self, event: events.Resize) -> None:
        """The cursor kept in sight when the bar's width changes (a terminal resized): Input
        scrolls to the cursor only when it moves, so a query wider than the bar lost it."""
        self._keep_cursor_in_sight()
        if self.has_focus:
            self.app.cursor_position = self.cursor_screen_offset

    _width_for: Size | None = None
    _width = 0
    """The width the text has in the bar (the bar's inside), for the bar's size ``_width_for``."""

    def _keep_cursor_in_sight(self) -> bool:
        """When the text is (or was) wider than the bar: its width set (Input scrolls it
        sideways) and the bar scrolled to the cursor. Whether it was. The bar's inner width is
        kept per size (Textual private API, pinned below 9: ``Widget._size``; the resize test
        in tests/test_ui_filter_bar.py changes it)."""
        if self._width_for != self._size:
            self._width_for = self._size
            self._width = self.scrollable_content_region.width
        width = self._width
        value = self.value
        # Input's content_width, without laying out a Rich Text
        wide = cell_len(value) + 1 if value or not self.placeholder else cell_len(self.placeholder)
        if self.virtual_size.width <= width and wide <= width:
            return False
        self.virtual_size = Size(wide, 1)
        self.scroll_to_region(
            Region(self._cursor_offset, 0, width=1, height=1), force=True, animate=False
        )
        return True

    def watch_value(self, value: str) -> None:
        """Mark the bar while a filter is in force, so it shows even when not focused."""
        self._mark(bool(value.strip()))

    @property
    def active(self) -> bool:
        """Whether the bar is marked: a filter is in force."""
        return self.styles.inline.has_rule("background")

    def _mark(self, active: bool) -> None:
        """The marked look (the component style ``filter-bar--active``'s background) set on the
        bar inline, not by a CSS class: a class changed restyles the bar and its five component
        styles through the whole stylesheet, 1.2-4 ms in the first key of every query and in
        the one that empties it. Kept the theme's when the styles are updated."""
        if active == self.active:
            return
        self.styles.background = (
            self.get_component_styles("filter-bar--active").background if active else None
        )
        self._take_look(active)

    _looks: dict[bool, tuple[Style | None, tuple[Color, Color] | None, Style | None]]
    """The bar's kept styles (its own, its background colours, its cursor's) marked and not,
    as last drawn since its styles were updated: marking it (the first letter of every query,
    and the key that empties it) takes them back rather than working them out again (0.6 ms of
    such a key on the shared dumps). Emptied when the styles are updated."""

    def _take_look(self, active: bool) -> None:
        """The kept styles of the bar marked (or not), if drawn so since its styles were last
        updated; else none kept (worked out again when drawn)."""
        look = self._looks.get(active)
        if look is None:
            self.forget_styles()
        else:
            self._kept_style, self._kept_backgrounds, self._kept_cursor = look

    def _note_look(self) -> None:
        """Keep the styles the bar was drawn with, for its state (marked or not)."""
        self._looks[self.active] = (self._kept_style, self._kept_backgrounds, self._kept_cursor)

    def on_focus(self) -> None:
        """Once the bar has the focus, work its marked look out ahead: the first letter typed
        marks it."""
        self.call_after_refresh(self._look_ahead)

    def _look_ahead(self) -> None:
        """The bar's marked look worked out (:attr:`_looks`) while it is focused and not marked:
        marked for the time it takes, then back as it was (drawn the same again)."""
        if not self.is_mounted or not self.has_focus or self.active or True in self._looks:
            return
        kept = (self._kept_style, self._kept_backgrounds, self._kept_cursor)
        self.styles.background = self.get_component_styles("filter-bar--active").background
        self.forget_styles()
        style = self.rich_style
        # Its finish too (kept with the others), with the styles of a letter typed in.
        typed = [Segment("x", style), Segment(" ", style + self._cursor_style())]
        one_line.finish(self, Strip(typed, 2))
        self._note_look()
        self.styles.background = None
        self._kept_style, self._kept_backgrounds, self._kept_cursor = kept

    def notify_style_update(self) -> None:
        self._looks = {}
        super().notify_style_update()
        if self.active:  # another theme, say: its colour, once the component styles are in
            self.call_later(self._remark)

    def _remark(self) -> None:
        background = self.get_component_styles("filter-bar--active").background
        if self.active and self.styles.inline.background != background:
            self.styles.background = background
            self._looks = {}
            self.forget_styles()

    async def action_submit(self) -> None:
        """Enter: keep the filter, go to the list."""
        self.post_message(self.Done(self, cleared=False))

    def action_done(self) -> None:
        """Down: keep the filter, go to the list."""
        self.post_message(self.Done(self, cleared=False))

    def action_clear(self) -> None:
        """Escape: empty the filter, go to the list."""
        self.value = ""
        self.post_message(self.Done(self, cleared=True))

    _kept_cursor: Style | None = None

    def forget_styles(self) -> None:
        super().forget_styles()
        self._kept_cursor = None

    def _cursor_style(self) -> Style:
        """The cursor's component style, kept with the bar's own (see
        :class:`~paperterm.ui.widgets.kept_styles.KeptStyles`): Textual keeps it only until the
        next repaint, and the bar is repainted with every key (0.15 ms a key to work it out
        again)."""
        if self._kept_cursor is None:
            self._kept_cursor = self.get_component_rich_style("input--cursor")
        return self._kept_cursor

    def render_lines(self, crop: Region) -> list[Strip]:
        """The line finished here (:mod:`~paperterm.ui.widgets.one_line`) when Textual would
        only fit, pad and filter it: the bar is drawn again with every key."""
        lines = one_line.render_lines(self, crop) or super().render_lines(crop)
        self._note_look()
        return lines

    def render_line(self, y: int) -> Strip:
        """The query as Input draws it, cursor and scrolling included, without laying out a
        Rich Text (0.5 ms a key): for a query of one-cell characters with no selection, no
        suggestion, no highlighter and no password. Anything else is left to Input."""
        value = self.value
        if (
            y
            or not value
            or self.password
            or self.highlighter is not None
            or (self.has_focus and not self.selection.is_empty)
            or (self.has_focus and len(self._suggestion) > len(value))
            or cell_len(value) != len(value)
        ):
            return super().render_line(y)
        style = self.rich_style
        segments = [Segment(value, style)]
        if self.has_focus and self._cursor_visible:
            cursor = self.cursor_position
            text = value + " " if cursor >= len(value) else value
            under = style + self._cursor_style()
            segments = [
                Segment(part, part_style)
                for part, part_style in (
                    (text[:cursor], style),
                    (text[cursor : cursor + 1], under),
                    (text[cursor + 1 :], style),
                )
                if part
            ]
        else:
            text = value
        width = self.scrollable_content_region.width + 1
        strip = Strip(segments, len(text))
        scroll_x = self.scroll_offset.x
        if scroll_x or len(text) > width:
            strip = strip.crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, style)
