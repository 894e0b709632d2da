"""The reader's terminal driver: a bracketed paste read whole, in its place among the keys, however
the terminal's input is split into reads; events handed to the app in order."""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from paperterm.catalog import Catalog
from paperterm.ui.driver import PASTE_END, PASTE_START, PasteReader, ReaderDriver, read_input
from pilot import SIZE, make_app, settle

PASTED = "lottery ticket\nhypothesis \x1b[31mred\x1b]0;pwn\x07 end\r\n\tx\x1b[201"
"""The tester's paste (line breaks, a tab, a colour, a title sequence, BEL), with the start of
the end marker inside it."""
INPUT = f"ab\x1b[A{PASTE_START}{PASTED}{PASTE_END}z\x1b[20~{PASTE_START}{PASTE_END}\x1b[Bc"
"""Keys, the paste, keys (F9's sequence begins as the paste's marker does), an empty paste."""
CLEANED = "lottery ticket\nhypothesis red end\n\tx"
"""What the app gets of it: escape sequences and controls dropped, line breaks and tabs kept."""
READ = [
    ("key", "a"),
    ("key", "b"),
    ("key", "up"),
    ("paste", CLEANED),
    ("key", "z"),
    ("key", "f9"),
    ("paste", ""),
    ("key", "down"),
    ("key", "c"),
]


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
    return read + reader.tick(held_for=0)


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


def test_a_marker_s_start_at_the_end_of_a_read_waits_for_the_next_read_a_moment() -> None:
    reader = PasteReader(XTermParser())
    assert seen(reader.feed("q\x1b[20")) == [("key", "q")]
    assert reader.holding()
    assert seen(reader.tick(held_for=60)) == []
    assert seen(reader.feed("~")) == [("key", "f9")]
    assert seen(reader.feed("\x1b")) == []
    assert seen(reader.tick(held_for=0)) == []  # Textual's parser now waits for more ...
    assert not reader.holding()
    assert seen(reader.feed("[B")) == [("key", "down")]  # ... which comes


def test_the_input_thread_reads_a_pipe_in_order_until_it_closes() -> None:
    read, write = os.pipe()
    delivered: list[Message] = []
    thread = threading.Thread(target=read_input, args=(read, threading.Event(), delivered.append))
    thread.start()
    try:
        for start in range(0, len(INPUT), 7):
            os.write(write, INPUT[start : start + 7].encode())
    finally:
        os.close(write)
        thread.join(timeout=30)
        os.close(read)
    assert not thread.is_alive()
    assert seen(delivered) == READ


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
