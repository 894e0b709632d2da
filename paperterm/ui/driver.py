"""The reader's terminal driver (Linux and macOS): Textual's, reading a bracketed paste whole and
handing each key to the app one step sooner.

- A paste: Textual's input parser reads an escape sequence inside a bracketed paste as keys (an
  ESC shown as ``^``), sent ahead of the paste, and the paste without it: pasting
  ``a\\nb ESC[31mc`` into the filter gave ``^[31mca``. :class:`PasteReader` cuts each paste out
  of the input before Textual's parser sees it and hands it over whole, as one
  :class:`~textual.events.Paste`, in its place among the keys (the app drops its escape
  sequences and control characters, whoever read it: ``PapertermApp.on_event``).
- A marker cut by a read: the start of a marker at the end of a read waits for the next read
  while the terminal's input is quiet, :data:`ESCAPE_WAIT` for a lone ESC (Textual's own wait
  before it calls an ESC the Escape key) and :data:`MARKER_WAIT` for more of a marker, and only
  then goes on as keys, as Textual's parser would send them, so that it never starts a paste
  the reader did not see start (Textual's parser reads the escapes inside a paste as keys: a
  pasted ``ESC ] 0 ; ... s ... BEL`` would star a paper). A marker the terminal sends in two
  parts further apart than that is no marker to the reader: what follows is typed, as Textual
  types it (no terminal writes a marker in two parts; a slow link might send them so).
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
import re
import selectors
import string
import time
from codecs import getincrementaldecoder
from collections.abc import Callable, Iterable
from threading import Event

from textual import constants, events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

PASTE_START = "\x1b[200~"
"""What the terminal sends before a paste (bracketed paste mode, which Textual turns on)."""
PASTE_END = "\x1b[201~"
"""... and after it."""
ESCAPE_WAIT = constants.ESCAPE_DELAY
"""Seconds of quiet input after a lone ESC at the end of a read before it is the Escape key:
Textual's own wait (``ESCDELAY``, 0.1 s unless set), so an Escape comes no later than it would."""
MARKER_WAIT = 1.0
"""Seconds of quiet input after more of a marker's start (``ESC [``, ``ESC [ 2`` ...) before it
goes on as keys. ``ESC [ 2`` and longer no key sends; ``ESC [`` is also alt+[ (which the
reader does not bind) or Escape then ``[`` within :data:`ESCAPE_WAIT`: that ``[`` comes a second
late, and a key typed within that second is read with it as one sequence. The price of never
reading a paste cut right after its ``ESC [`` as keys (its escapes would run as commands)."""
TICK = 0.1
"""Seconds between the input thread's looks at what is due when nothing is read."""


def _escape_then_key() -> re.Pattern[str]:
    """An ESC before a letter or a digit that Textual gives no key of its own: what alt+key
    sends, and Escape then that key typed within :data:`ESCAPE_WAIT` (leave the filter, ``2``
    for the unread). Textual reads such an ESC with what follows (``ESC 2`` the "™" of macOS's
    Option key, ``ESC j`` a "^" and a "j" in the filter); the reader binds no alt+letter or
    alt+digit, so it is Escape then the key. Left to Textual: what its table names a key
    (``ESC b``, ``ESC f``: alt+left and alt+right, a word back and on in a field), and N, O, P
    and X, which begin the terminal's own sequences (SS2, SS3, DCS, SOS). Textual private API
    (pinned below 9): ``textual._ansi_sequences.ANSI_SEQUENCES_KEYS``."""
    named = {
        sequence[1]
        for sequence, meaning in ANSI_SEQUENCES_KEYS.items()
        if len(sequence) == 2 and sequence[0] == "\x1b" and isinstance(meaning, tuple)
    }
    keys = [char for char in string.digits + string.ascii_letters if char not in {*"NOPX", *named}]
    return re.compile("\x1b(?=[" + "".join(keys) + "])")


_ESCAPE_THEN_KEY = _escape_then_key()
"""See :func:`_escape_then_key`."""


class PasteReader:
    """The terminal's input, each bracketed paste cut out and handed over as one ``Paste``; the
    rest read by Textual's parser (``parser``: its ``feed`` and ``tick``)."""

    def __init__(self, parser: XTermParser) -> None:
        self._parser = parser
        self._pasted: list[str] | None = None
        """The pieces of the paste being read (None: not in a paste)."""
        self._held = ""
        """The input's last characters, which may begin a marker the next read completes."""

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
                    read += self._parse(text)
                    break
                read += self._parse_before_paste(text[:start])
                self._pasted = []
                text = text[start + len(PASTE_START) :]
            else:
                end = text.find(PASTE_END)
                if end < 0:
                    held = _begins(text, PASTE_END)
                    self._pasted.append(text[: len(text) - held])
                    self._held = text[len(text) - held :]
                    break
                self._pasted.append(text[:end])
                read.append(events.Paste("".join(self._pasted)))
                self._pasted = None
                text = text[end + len(PASTE_END) :]
        return read

    def waits_for(self) -> float:
        """Seconds of quiet input after which what is held is due (see :meth:`tick`); 0 when
        nothing is (the start of a paste's end marker waits for its rest however long)."""
        if not self._held or self._pasted is not None:
            return 0.0
        return ESCAPE_WAIT if self._held == "\x1b" else MARKER_WAIT

    def tick(self, quiet_for: float = 0.0) -> list[Message]:
        """The events due when the input has been quiet for ``quiet_for`` seconds (called after
        every read with 0, and after every look at quiet input): the start of a paste's marker
        read last, once the input was quiet for :meth:`waits_for`, as Textual's parser sends it
        when nothing follows (a lone ESC the Escape key, ``ESC [ 2 0`` the keys ``[``, ``2``,
        ``0``; never through that parser, which would go on waiting for the rest), and the keys
        Textual's parser has waited for long enough."""
        read: list[Message] = []
        wait = self.waits_for()
        if wait and quiet_for >= wait:
            held, self._held = self._held, ""
            read += self._escape() if held == "\x1b" else self._parse(held[1:])
        read += self._parser.tick()
        return read

    def _parse_before_paste(self, text: str) -> list[Message]:
        """The events of ``text``, which a paste follows: an ESC at its end is the Escape key
        (the paste's marker ends what it began), sent before the paste, not after it."""
        keys = text.rstrip("\x1b")
        return self._parse(keys) + self._escape() * (len(text) - len(keys))

    def _parse(self, text: str) -> list[Message]:
        """The events of ``text``; ``ESC`` then a letter or a digit is the Escape key then that
        key (see :data:`_ESCAPE_THEN_KEY`)."""
        if not text:
            return []
        if "\x1b" not in text:
            return list(self._parser.feed(text))
        pieces = _ESCAPE_THEN_KEY.split(text)
        read = list(self._parser.feed(pieces[0])) if pieces[0] else []
        for piece in pieces[1:]:
            read += self._escape()
            read += self._parser.feed(piece)
        return read

    @staticmethod
    def _escape() -> list[Message]:
        return [events.Key("escape", "\x1b")]


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
    quiet_since = time.monotonic()
    try:
        while not stop.is_set():
            read: Iterable[Message] = ()
            looked = time.monotonic()
            wait = reader.waits_for()
            timeout = min(TICK, max(0.0, quiet_since + wait - looked)) if wait else TICK
            if selector.select(timeout):
                data = os.read(fileno, 4096)
                if not data:
                    break  # the input is closed (a pipe)
                read = reader.feed(decode(data))
                quiet_since = time.monotonic()
                quiet = 0.0
            else:
                # Quiet for as long as select() looked, however late this thread runs now.
                quiet = looked + timeout - quiet_since
            for event in [*read, *reader.tick(quiet)]:
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
