"""The reader's terminal driver: a bracketed paste read whole, in its place among the keys, however
the terminal's input is split into reads; events handed to the app in order."""

from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual import constants, events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.widgets import Input

from paperterm.catalog import Catalog
from paperterm.ui import driver
from paperterm.ui.driver import (
    ESCAPE_WAIT,
    MARKER_WAIT,
    PASTE_END,
    PASTE_START,
    PasteReader,
    ReaderDriver,
    read_input,
)
from pilot import SIZE, make_app, settle

PASTED = "lottery ticket\nhypothesis \x1b[31mred\x1b]0;pwn\x07 end\r\n\tx\x1b[201"
"""The tester's paste (line breaks, a tab, a colour, a title sequence, BEL), with the start of
the end marker inside it."""
INPUT = f"ab\x1b[A{PASTE_START}{PASTED}{PASTE_END}z\x1b[20~{PASTE_START}{PASTE_END}\x1b[Bc"
"""Keys, the paste, keys (F9's sequence begins as the paste's marker does), an empty paste."""
READ = [
    ("key", "a"),
    ("key", "b"),
    ("key", "up"),
    ("paste", PASTED),
    ("key", "z"),
    ("key", "f9"),
    ("paste", ""),
    ("key", "down"),
    ("key", "c"),
]
"""What the driver hands over: the paste whole, as it came (the app cleans it)."""
QUIET = float("inf")
"""Input quiet for ever: whatever is held is due."""


def seen(read: list[Message]) -> list[tuple[str, str]]:
    return [
        ("paste", event.text) if isinstance(event, events.Paste) else ("key", event.key)
        for event in read
        if isinstance(event, events.Paste | events.Key)
    ]


def read_in_pieces(pieces: list[str]) -> list[Message]:
    reader = PasteReader(XTermParser())
    read: list[Message] = []
    for piece in pieces:
        read += reader.feed(piece)
    return read + reader.tick(QUIET)


def test_textual_s_parser_alone_breaks_such_a_paste() -> None:
    """Why the reader cuts pastes out: Textual's parser sends the escapes as keys, first."""
    read = seen(list(XTermParser().feed(INPUT)))
    assert ("paste", PASTED) not in read
    assert read[3] != ("paste", PASTED)


def test_a_paste_is_read_whole_in_its_place() -> None:
    assert seen(read_in_pieces([INPUT])) == READ


def test_a_paste_split_in_two_reads_anywhere_is_read_the_same() -> None:
    for cut in range(1, len(INPUT)):
        assert seen(read_in_pieces([INPUT[:cut], INPUT[cut:]])) == READ, cut


@given(st.lists(st.integers(1, len(INPUT) - 1), max_size=12))
def test_a_paste_split_in_many_reads_is_read_the_same(cuts: list[int]) -> None:
    bounds = [0, *sorted(set(cuts)), len(INPUT)]
    pieces = [INPUT[start:end] for start, end in itertools.pairwise(bounds)]
    assert seen(read_in_pieces(pieces)) == READ


def test_a_marker_s_start_at_the_end_of_a_read_waits_while_the_input_is_quiet() -> None:
    reader = PasteReader(XTermParser())
    assert seen(reader.feed("q\x1b[20")) == [("key", "q")]
    assert reader.waits_for() == MARKER_WAIT
    assert seen(reader.tick(MARKER_WAIT / 2)) == []
    assert seen(reader.feed("~")) == [("key", "f9")]
    assert seen(reader.feed("\x1b")) == []
    assert reader.waits_for() == ESCAPE_WAIT
    assert seen(reader.feed("[B")) == [("key", "down")]
    assert reader.waits_for() == 0


def test_a_marker_s_start_goes_on_as_keys_once_the_input_was_quiet_long_enough() -> None:
    """As Textual's parser sends it when nothing follows, and never through that parser: the
    rest of the marker coming later must not start a paste the reader did not see start (its
    escapes would be keys: the ``s`` of a pasted title sequence would star a paper)."""
    reader = PasteReader(XTermParser())
    assert seen(reader.feed("ab\x1b[20")) == [("key", "a"), ("key", "b")]
    released = seen(reader.tick(MARKER_WAIT))
    assert released == [("key", "left_square_bracket"), ("key", "2"), ("key", "0")]
    assert reader.waits_for() == 0
    later = reader.feed("0~hi\x1b[201~") + reader.tick(QUIET)
    assert not any(isinstance(event, events.Paste) for event in later)
    assert seen(reader.feed("\x1b")) == []
    assert seen(reader.tick(ESCAPE_WAIT)) == [("key", "escape")]


def test_escape_then_a_letter_or_a_digit_is_escape_then_that_key() -> None:
    """Escape then 2 within Textual's wait (leave the filter, show the unread) came as alt+2,
    the "™" of macOS's Option key, typed into the filter; Escape then j as "^j". The reader
    binds no alt+letter or alt+digit: they are Escape, then the key, read in one piece or in
    two; the terminal's own sequences (SS3: ESC O A) are what they were."""
    for pieces in (["\x1b2"], ["\x1b", "2"], ["x\x1bjy"]):
        keys = [key for _, key in seen(read_in_pieces(pieces))]
        assert keys == (["x"] if pieces[0][0] == "x" else []) + ["escape"] + (
            ["j", "y"] if pieces[0][0] == "x" else ["2"]
        ), pieces
    # What Textual names a key stays that key: ESC b and ESC f are alt+left and alt+right
    # (macOS), a word back and on in a field.
    assert seen(read_in_pieces(["\x1bb\x1bf"])) == [("key", "ctrl+left"), ("key", "ctrl+right")]
    sequences = "\x1bOA\x1b[B\x1b\x7f"
    assert seen(read_in_pieces([sequences])) == seen(list(XTermParser().feed(sequences)))
    assert seen(read_in_pieces([sequences]))[:2] == [("key", "up"), ("key", "down")]


def test_an_escape_just_before_a_paste_comes_before_it() -> None:
    reader = PasteReader(XTermParser())
    assert seen(reader.feed("\x1b")) == []
    read = reader.feed(f"{PASTE_START}abc{PASTE_END}")
    assert seen(read) == [("key", "escape"), ("paste", "abc")]
    assert seen(read_in_pieces([f"x\x1b\x1b{PASTE_START}abc{PASTE_END}"])) == [
        ("key", "x"),
        ("key", "escape"),
        ("key", "escape"),
        ("paste", "abc"),
    ]


def read_through_a_pipe(
    pieces: Sequence[str | bytes], between: Callable[[], None] = lambda: None
) -> list[Message]:
    """What :func:`read_input` delivers of ``pieces`` written to a pipe one by one, calling
    ``between`` after each piece but the last."""
    read, write = os.pipe()
    delivered: list[Message] = []
    thread = threading.Thread(target=read_input, args=(read, threading.Event(), delivered.append))
    thread.start()
    try:
        for number, piece in enumerate(pieces):
            if number:
                between()
            os.write(write, piece if isinstance(piece, bytes) else piece.encode())
    finally:
        os.close(write)
        thread.join(timeout=30)
        os.close(read)
    assert not thread.is_alive()
    return delivered


def test_the_input_thread_reads_a_pipe_in_order_until_it_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No wait runs out here, however slowly this machine runs the two threads.
    monkeypatch.setattr(driver, "ESCAPE_WAIT", 60.0)
    monkeypatch.setattr(driver, "MARKER_WAIT", 60.0)
    pieces = [INPUT[start : start + 7] for start in range(0, len(INPUT), 7)]
    assert seen(read_through_a_pipe(pieces)) == READ


def test_a_byte_that_is_no_utf_8_does_not_stop_the_input() -> None:
    """Textual's own reader decodes strictly: such a byte ended its input thread (no keyboard
    any more); here it is one replacement character and the keys after it still come."""
    delivered = read_through_a_pipe([b"a\xff\xc3b"])
    assert [event.character for event in delivered if isinstance(event, events.Key)] == [
        "a",
        "\ufffd",
        "\ufffd",
        "b",
    ]


def test_the_input_thread_waits_for_a_marker_cut_across_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rest of a marker written well after its start (a slow link) still starts a paste:
    the held start waits for quiet input (60 s here), not for a fixed moment after it was read."""
    monkeypatch.setattr(driver, "MARKER_WAIT", 60.0)
    pieces = ["ab\x1b[20", f"0~{PASTED}{PASTE_END}c"]
    read = read_through_a_pipe(pieces, between=lambda: time.sleep(0.05))
    assert seen(read) == [("key", "a"), ("key", "b"), ("paste", PASTED), ("key", "c")]


def test_the_input_thread_stops_when_told() -> None:
    read, write = os.pipe()
    stop = threading.Event()
    thread = threading.Thread(target=read_input, args=(read, stop, print))
    thread.start()
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    os.close(write)
    os.close(read)


def test_the_reader_runs_its_own_driver_on_a_terminal(catalog: Catalog, state_path: Path) -> None:
    assert issubclass(ReaderDriver, LinuxDriver)
    assert make_app(catalog, state_path).driver_class is ReaderDriver


def test_textual_driver_named_in_the_environment_is_taken_as_it_is(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TEXTUAL_DRIVER`` (read by Textual at import: set here as it reads it) is the way back
    to Textual's own driver."""
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert make_app(catalog, state_path).driver_class is LinuxDriver


async def test_keys_and_a_paste_sent_from_the_input_thread_reach_the_filter_in_order(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        driver = SimpleNamespace(_loop=app._loop, _app=app)  # what send_message uses

        def type_them() -> None:
            for event in [
                events.Key("g", "g"),
                events.Paste("raph\nneural"),
                events.Key("space", " "),
                events.Key("n", "n"),
                events.Key("backspace", None),
                events.Key("x", "x"),
            ]:
                ReaderDriver.send_message(driver, event)  # type: ignore[arg-type]

        thread = threading.Thread(target=type_them)
        thread.start()
        thread.join()
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == "graph neural x"
        assert app.main.filter_text == "graph neural x"


async def test_the_driver_reads_its_terminal_and_hands_the_keys_to_the_app(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole way in, through the Textual attributes the driver leans on (``fileno``,
    ``exit_event``, ``_loop``, ``_app``, ``_debug``): a Textual release that renames one fails
    here, not in the user's terminal with no keyboard."""
    read, write = os.pipe()
    monkeypatch.setattr(
        sys, "__stdin__", SimpleNamespace(fileno=lambda: read, isatty=lambda: False)
    )
    # The driver puts its own handlers of these in place: put back after.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTSTP, signal.SIGCONT)}
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        reader = ReaderDriver(app)
        thread = threading.Thread(target=reader.run_input_thread)
        thread.start()
        try:
            os.write(write, f"gra{PASTE_START}ph\x1b]0;x\x07{PASTE_END}".encode())
            for _ in range(600):
                await pilot.pause(0.05)
                if app.main._filter_bar.value == "graph":
                    break
        finally:
            reader.exit_event.set()
            thread.join(timeout=30)
            os.close(write)
            os.close(read)
            for number, handler in handlers.items():
                signal.signal(number, handler)
        assert not thread.is_alive()
        assert app.main._filter_bar.value == "graph"


async def test_a_paste_reaches_a_dialog_s_field_cleaned_whoever_read_it(
    catalog: Catalog, state_path: Path, tmp_path: Path
) -> None:
    """Textual's other drivers (Windows, the web) hand pastes over as they came: the app cleans
    every paste before a field draws it (a title sequence written to the terminal, else)."""
    app = make_app(catalog, state_path, export_path=tmp_path / "x")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "e")
        field = app.screen.query_one("#export-path", Input)
        field.value = ""
        app.post_message(events.Paste("a\x1b]0;pwn\x07b\x9b31mc.bib"))
        await settle(pilot)
        assert field.value == "abc.bib"
