"""Text from outside made safe to show: no escape sequence or control character gets through.

Dumps, API answers and file names are untrusted. A title holding ``ESC ] 52 ; c ; ...`` would
write the user's clipboard when printed; ``ESC [ 2J`` clears the screen; a right-to-left
override (U+202E) reorders what follows it. Two functions, for two uses:

- :func:`clean_text` is for data: the loader runs it on every title and abstract (and the API
  readers on every field) so that neither an escape sequence nor its parameters ever reach a
  ``Paper``. Each escape sequence is removed whole (CSI, OSC up to BEL or ST, DCS/SOS/PM/APC up
  to ST, in their ESC and C1 forms, and the short ESC sequences), then every other control
  character: a tab or line break becomes a space, anything else is dropped. Bidirectional
  embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are dropped too.
- :func:`clean_paste` is for what the user pastes: the same, but its lines and tabs kept (a
  note may have several lines; a one-line field makes them spaces itself).
- :func:`printable` is for messages: a file name or a line quoted in a warning is shown with
  each control character as a visible ``\\xNN`` (or ``\\uNNNN``) escape and each undecodable byte
  of a file name (a lone surrogate from ``os.fsdecode``) as U+FFFD, so the user can see what is
  there and the terminal never acts on it.
"""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_ANY_CONTROL = re.compile(f"[{_CONTROLS}]")
"""Finds whether a text needs cleaning at all (the common case: it does not)."""

_SEQUENCE = re.compile(
    # CSI: ESC [ or U+009B, parameter and intermediate bytes, one final byte (or the end).
    r"(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?"
    # OSC: ESC ] or U+009D, up to BEL, ESC \ or U+009C (or the end of the text).
    r"|(?:\x1b\]|\x9d)[^\x07\x9c\x1b]*(?:\x07|\x1b\\|\x9c)?"
    # DCS, SOS, PM, APC: ESC P, X, ^, _ or their C1 forms, up to ESC \ or U+009C (or the end).
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x9c\x1b]*(?:\x1b\\|\x9c)?"
    # Any other ESC sequence: intermediate bytes, then one final byte.
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
_SPACE_CONTROLS = re.compile("[\t\n\v\f\r\x85]")
_OTHER_CONTROLS = re.compile(f"[{_CONTROLS}]")
_LINE_ENDS = re.compile("\r\n?|[\v\f\x85]")
_CONTROLS_BUT_LAYOUT = re.compile(f"(?![\t\n])[{_CONTROLS}]")


def has_controls(text: str) -> bool:
    """Whether :func:`clean_text` would change ``text``."""
    return _ANY_CONTROL.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` with every escape sequence and control character removed (see the module doc).

    Tabs and line breaks become spaces; nothing else is added. Text without controls is
    returned as it is, at the cost of one regular-expression scan.
    """
    if _ANY_CONTROL.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = _SPACE_CONTROLS.sub(" ", text)
    return _OTHER_CONTROLS.sub("", text)


def clean_paste(text: str) -> str:
    """``text`` pasted by the user, with every escape sequence and control character removed
    but its line breaks (each as ``\\n``) and tabs: a terminal hands a paste over as it came, so
    a copied ``ESC ] 0 ; ... BEL`` would set the window's title when an input field draws it."""
    if _ANY_CONTROL.search(text) is None:
        return text
    text = _SEQUENCE.sub("", text)
    text = _LINE_ENDS.sub("\n", text)
    return _CONTROLS_BUT_LAYOUT.sub("", text)


def printable(text: str) -> str:
    """``text`` shown safely in a message: controls as visible escapes, bad bytes as U+FFFD.

    Meant for file names and quoted lines; the result holds no control character and no lone
    surrogate, so it can be printed, drawn or encoded as UTF-8 (and JSON) as it is.
    """
    if text.isprintable() and text.isascii():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        elif _ANY_CONTROL.match(char) is not None:
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
