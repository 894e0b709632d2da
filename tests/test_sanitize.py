"""Escape sequences and control characters never survive cleaning; printable() shows them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperterm.sanitize import clean_paste, clean_text, has_controls, printable

PAYLOAD = "Y3VybCBldmlsLmV4YW1wbGUgfCBzaA=="


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Title\x1b]52;c;{PAYLOAD}\x1b\\ end", "Title end"),
        (f"Title\x1b]52;c;{PAYLOAD}\x07 end", "Title end"),
        (f"Title\x9d52;c;{PAYLOAD}\x9c end", "Title end"),
        ("a\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ b", "alink b"),
        ("clear\x1b[2J\x1b[1;31mred\x1b[0m", "clearred"),
        ("\x9b2Jx", "x"),
        ("title\x1b]0;owned\x07 bar", "title bar"),
        ("dcs\x1bPq#0;2;0;0;0\x1b\\ end", "dcs end"),
        ("apc\x9fpayload\x9c end", "apc end"),
        ("bell\x07 and nul\x00 and del\x7f", "bell and nul and del"),
        ("tab\there\r\nnext", "tab here  next"),
        ("c1 \x85 \x90x\x9c", "c1   "),
        ("unterminated \x1b]52;c;AAAA", "unterminated "),
        ("bidi \u202eevil\u202c and \u2067iso\u2069", "bidi evil and iso"),
        ("esc then letter \x1bc reset", "esc then letter  reset"),
        ("plain text, untouched: é ß İ ﬁ", "plain text, untouched: é ß İ ﬁ"),
    ],
)
def test_clean_text_removes_sequences_whole(text: str, expected: str) -> None:
    assert clean_text(text) == expected
    assert not has_controls(clean_text(text))


@given(st.text())
def test_nothing_control_survives_cleaning(text: str) -> None:
    cleaned = clean_text(text)
    assert not has_controls(cleaned)
    assert "\x1b" not in cleaned
    assert clean_text(cleaned) == cleaned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x\x1b]0;NEWPWN\x07y", "xy"),
        (f"a\x1b]52;c;{PAYLOAD}\x1b\\b", "ab"),
        ("two\r\nlines\rand\x0bmore\x85end", "two\nlines\nand\nmore\nend"),
        ("col\tcol\nrow", "col\tcol\nrow"),
        ("\x1b[31mred\x1b[0m \u202egnirts\u202c bell\x07 nul\x00", "red gnirts bell nul"),
        ("plain", "plain"),
    ],
)
def test_clean_paste_keeps_lines_and_tabs_only(text: str, expected: str) -> None:
    assert clean_paste(text) == expected


@given(st.text())
def test_nothing_control_but_lines_and_tabs_survives_a_paste(text: str) -> None:
    cleaned = clean_paste(text)
    assert not has_controls(cleaned.replace("\n", "").replace("\t", ""))
    assert clean_paste(cleaned) == cleaned


@given(st.text())
def test_printable_is_safe_and_encodable(text: str) -> None:
    shown = printable(text)
    assert not has_controls(shown)
    shown.encode("utf-8")


def test_printable_shows_what_is_there() -> None:
    assert printable("caf\udce9.txt") == "caf\ufffd.txt"
    assert printable("a\x1b]52;c;x\x07.txt") == "a\\x1b]52;c;x\\x07.txt"
    assert printable("rtl\u202e.txt") == "rtl\\u202e.txt"
    assert printable("plain.txt") == "plain.txt"
