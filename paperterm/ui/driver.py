"""The reader's terminal driver (Linux and macOS): Textual's, reading a bracketed paste whole and
handing each key to the app one step sooner.

- A paste: Textual's input parser reads an escape sequence inside a bracketed paste as keys (an
  ESC shown as ``^``), sent ahead of the paste, and the paste without it: pasting
  ``a\\nb ESC[31mc`` into the filter gave ``^[31mca``. :class:`PasteReader` cuts each paste out
  of the input before Textual's parser sees it and hands it over whole, as one
  :class:`~textual.events.Paste`, in its place among the keys, its escape sequences and
  control characters dropped (:func:`~paperterm.sanitize.clean_paste`: every input field
  draws what it is given, and Textual's Input and TextArea would write an ``ESC ] 0 ; ...``
  to the terminal as it is); what becomes of its line breaks and tabs is the focused
  widget's business (the filter bar makes them spaces: ``FilterBar._on_paste``).
- A key: Textual's driver hands each event to the app's loop as a coroutine to run
  (``asyncio.run_coroutine_threadsafe``: a task made, run and its result passed back to the
  input thread, one more turn of the loop); :meth:`ReaderDriver.send_message` has the loop call
  ``App.post_message`` itself, which queues the event just the same.

Textual private API (pinned below 9): ``textual._xterm_parser.XTermParser`` (its ``feed`` and
``tick``), ``Driver._app``, ``_loop``, ``_debug``, ``LinuxDriver.fileno`` and ``exit_event``;
tests/test_ui_driver.py reads pastes split every way, runs the input loop over a pipe and checks
the events reach the app in order.
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder
from collections.abc import Callable, Iterable
from threading import Event

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from paperterm.sanitize import clean_paste

PASTE_START = "\x1b[200~"
"""What the terminal sends before a paste (bracketed paste mode, which Textual turns on)."""
PASTE_END = "\x1b[201~"
"""... and after it."""
HOLD = 0.01
"""Seconds the start of a marker at the end of a read waits for the rest (a terminal writes a
marker at once: a read cuts it only at a buffer's end, the rest follows at once). An Escape key
waits that long more than Textual's parser makes it wait (``ESCDELAY``, 0.1 s)."""


class PasteReader:
    """The terminal's input, each bracketed paste cut out and handed over as one ``Paste``; the
    rest read by Textual's parser (``parser``: its ``feed`` and ``tick``)."""

    def __init__(self, parser: XTermParser) -> None:
        self._parser = parser
        self._pasted: list[str] | None = None
        """The pieces of the paste being read (None: not in a paste)."""
        self._held = ""
        """The input's last characters, which may begin a marker the next read completes."""
        self._held_at = 0.0
        """When they were read (``time.monotonic``)."""

    def feed(self, text: str) -> list[Message]:
        """The events read from ``text``, what came before it included, in order."""
        read: list[Message] = []
        text = self._held + text
        self._held = ""
        while text:
            if self._pasted is None:
                start = text.find(PASTE_START)
                if start < 0:
                    held = _begins(text, PASTE_START)  # held for the next read (see tick)
                    if held:
                        text, self._held = text[:-held], text[-held:]
                        self._held_at = time.monotonic()
                    read += self._parse(text)
                    break
                read += self._parse(text[:start])
                self._pasted = []
                text = text[start + len(PASTE_START) :]
            else:
                end = text.find(PASTE_END)
                if end < 0:
                    held = _begins(text, PASTE_END)
                    self._pasted.append(text[: len(text) - held])
                    self._held = text[len(text) - held :]
                    self._held_at = time.monotonic()
                    break
                self._pasted.append(text[:end])
                read.append(events.Paste(clean_paste("".join(self._pasted))))
                self._pasted = None
                text = text[end + len(PASTE_END) :]
        return read

    def holding(self) -> bool:
        """Whether the input's last characters wait for the next read (see :meth:`tick`)."""
        return bool(self._held)

    def tick(self, held_for: float = HOLD) -> list[Message]:
        """The events due with no more input (called after every read, and every 0.1 s at the
        latest, every :data:`HOLD` while :meth:`holding`): the start of a paste's marker read
        last, held ``held_for`` seconds, goes on to Textual's parser (a lone ESC: the Escape
        key, once that parser has waited for more as it does), and the keys Textual's parser
        has waited for long enough."""
        read: list[Message] = []
        if self._held and self._pasted is None and time.monotonic() - self._held_at >= held_for:
            held, self._held = self._held, ""
            read += self._parse(held)
        read += self._parser.tick()
        return read

    def _parse(self, text: str) -> list[Message]:
        return list(self._parser.feed(text)) if text else []


def _begins(text: str, marker: str) -> int:
    """How many of ``text``'s last characters begin ``marker`` (at most all of it but one)."""
    for length in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:length]):
            return length
    return 0


def read_input(
    fileno: int, stop: Event, deliver: Callable[[Message], object], debug: bool = False
) -> None:
    """Read the terminal's input from ``fileno`` until ``stop`` is set or the input ends, and
    ``deliver`` each event read, in order (the driver's input thread)."""
    reader = PasteReader(XTermParser(debug))
    decode = getincrementaldecoder("utf-8")(errors="replace").decode
    # select(), as Textual's driver uses: a terminal is not pollable by kqueue on macOS.
    selector = selectors.SelectSelector()
    selector.register(fileno, selectors.EVENT_READ)
    try:
        while not stop.is_set():
            read: Iterable[Message] = ()
            if selector.select(HOLD if reader.holding() else 0.1):
                data = os.read(fileno, 4096)
                if not data:
                    break  # the input is closed (a pipe)
                read = reader.feed(decode(data))
            for event in [*read, *reader.tick()]:
                deliver(event)
    finally:
        selector.close()


class ReaderDriver(LinuxDriver):
    """Textual's Linux and macOS driver; its input read by :func:`read_input`, its events
    handed to the app by :meth:`send_message` (see the module's docstring)."""

    def send_message(self, message: Message) -> None:
        """Queue ``message`` for the app, from the input thread: the app's loop calls
        ``post_message`` (what Textual's coroutine did, one turn of the loop later)."""
        self._loop.call_soon_threadsafe(self._app.post_message, message)

    def run_input_thread(self) -> None:
        read_input(self.fileno, self.exit_event, self.process_message, self._debug)
