"""A dump's bytes as text: decoded blocks of whole lines, read through one reused buffer.

The decisions (the loader's docstring says them for the user):

* Blocks of about 1 MiB, each cut after its last line end, so that a gigabyte is never held
  whole, and a multi-byte character is never cut (line ends are single bytes in UTF-8).
  Lines end at LF, CRLF or a lone CR; every block comes out with LF only.
* UTF-8, BOM or not; every U+FEFF is dropped (``cat`` of two files with BOMs puts one mid-file).
  A block that is not valid UTF-8 is decoded line by line: UTF-8 where valid, else
  Windows-1252, else Latin-1 (which takes any byte).
* A UTF-16 BOM first: the whole file is UTF-16.
* A NUL byte, or more than 1% control characters, in the first 8 KiB: not a text dump.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import Protocol

BLOCK = 1 << 20
"""Bytes read at a time."""

_SNIFF = 8192
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"


class NotADump(Exception):
    """The bytes cannot be a text dump (binary data)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        """What is wrong, one short clause."""


class ByteStream(Protocol):
    """What the loader reads from: a binary file or standard input's byte buffer."""

    def readinto(self, buffer: memoryview, /) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


def text_blocks(
    stream: ByteStream, advance: Callable[[int], None]
) -> Iterator[tuple[str, int | None]]:
    """The stream as decoded blocks of whole lines (but maybe the last), with LF line ends.

    With each non-empty block comes the number, within the block, of its first line that was
    not UTF-8, if any. The bytes go through one reused buffer: a fresh 1 MiB object per block
    costs more in page faults than the decoding itself.
    """
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    filled = stream.readinto(view) or 0
    advance(filled)
    head = view[: min(filled, _SNIFF)].tobytes()
    if head.startswith(_UTF16_BOMS):
        yield from _utf16_blocks(view[:filled].tobytes(), stream, advance)
        return
    _check_not_binary(head)
    while filled:
        cut = _last_line_end(buffer, filled)
        if cut:
            yield _decode(view[:cut])
            carry = view[cut:filled].tobytes()
            view[: len(carry)] = carry
            filled = len(carry)
        elif filled == len(buffer):  # one line longer than the buffer: make room
            buffer = buffer + bytearray(len(buffer))
            view = memoryview(buffer)
        read = stream.readinto(view[filled:]) or 0
        advance(read)
        if not read:
            break
        filled += read
    if filled:
        yield _decode(view[:filled])


def _last_line_end(data: bytearray, end: int) -> int:
    """Where to cut ``data[:end]`` so the first part ends at a whole line end (0: nowhere).

    A CR as the very last byte does not count: its LF may be the next byte read.
    """
    newline = data.rfind(b"\n", 0, end) + 1
    if newline == end:
        return end
    return max(newline, data.rfind(b"\r", newline, end - 1) + 1)


def _decode(data: memoryview) -> tuple[str, int | None]:
    """One block as text with LF line ends, and the number of its first line read as Latin-1."""
    bad: int | None = None
    try:
        text = codecs.utf_8_decode(data, "strict", True)[0]
    except UnicodeDecodeError:
        text, bad = _decode_lines(data.tobytes())
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return text, bad


def _decode_lines(data: bytes) -> tuple[str, int | None]:
    """Decode line by line: UTF-8 where valid, else Windows-1252, else Latin-1."""
    bad: int | None = None
    pieces: list[str] = []
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for number, raw in enumerate(lines, 1):
        try:
            pieces.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                pieces.append(raw.decode("cp1252"))
            except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
                pieces.append(raw.decode("latin-1"))
            if bad is None:
                bad = number
    return "\n".join(pieces), bad


def _utf16_blocks(
    head: bytes, stream: ByteStream, advance: Callable[[int], None]
) -> Iterator[tuple[str, int | None]]:
    """Decode a UTF-16 file (BOM first) block by block."""
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    carry = ""
    block = head
    while True:
        final = not block
        text = carry + decoder.decode(block, final=final)
        if "\r" in text and not final:
            # Keep a trailing CR back: its LF may come with the next block.
            cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
        else:
            cut = len(text) if final else text.rfind("\n") + 1
        if "\x00" in text[:cut]:
            raise NotADump("binary file, not a text dump")
        piece, carry = text[:cut], text[cut:]
        if "\r" in piece:
            piece = piece.replace("\r\n", "\n").replace("\r", "\n")
        if piece:
            yield piece.replace("\ufeff", ""), None
        if final:
            return
        block = stream.read(BLOCK)
        advance(len(block))


def _check_not_binary(head: bytes) -> None:
    """Refuse a file whose start looks like binary data rather than text."""
    if b"\x00" in head:
        raise NotADump("binary file, not a text dump")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls and controls * 100 > len(head):
        raise NotADump("binary file, not a text dump")
