"""A dump's bytes as text: decoded blocks of whole lines, read through one reused buffer.

The decisions (the loader's docstring says them for the user):

* Blocks of about 1 MiB, each cut after its last line end, so that a gigabyte is never held
  whole, and a multi-byte character is never cut (line ends are single bytes in UTF-8).
  Lines end at LF, CRLF or a lone CR; every block comes out with LF only. A block says where a
  lone CR first cut a line in two and whether it had LF line ends too: the loader warns when a
  file mixes them (a stray CR in a title, not an old Mac file).
* UTF-8, BOM or not; every U+FEFF is dropped (``cat`` of two files with BOMs puts one mid-file).
  A block that is not valid UTF-8 is decoded line by line: UTF-8 where valid, else
  Windows-1252 (a superset of Latin-1's printable characters), its five undefined bytes as
  U+FFFD: read as Latin-1 they would be C1 control characters (``0x9D`` is OSC).
* A UTF-16 BOM first: the whole file is UTF-16.
* A NUL byte, or more than 1% control characters, in the first 8 KiB: not a text dump.
* Binary data further on (a NUL, or a line of which one character in ten is a control or an
  undecodable byte) starts a binary region, read as blank lines up to the first line that reads
  as text (:func:`_reads_as_text`), so a binary tail never becomes garbage papers.
* A line longer than :data:`MAX_LINE` bytes is cut there and the rest of it skipped, so that one
  line never takes more memory than that (a 200 MB line used to peak at 6 GB).
* Terminal controls (:mod:`paperterm.sanitize`): a tab becomes a space everywhere; a line
  holding any other control character, escape sequence or bidirectional override is cleaned
  with :func:`~paperterm.sanitize.clean_text`, line by line, so that an unterminated sequence
  never swallows the lines after it. Finding out whether a block needs this at all must cost
  next to nothing (a million papers is a gigabyte): one ``bytes.translate`` keeps only the bytes
  a control can be made of (C0, DEL, and the UTF-8 bytes of C1 controls and of the bidi
  characters), which in ordinary text is nothing or little, and a small pattern decides on that.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple, Protocol

from paperterm.sanitize import clean_text, has_controls

BLOCK = 1 << 20
"""Bytes read at a time."""

SNIFF = 8192
"""Bytes at the start of a file that tell a dump from binary data (see :func:`refuse_binary`)."""
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"

# The bytes a control character can be made of in UTF-8: C0 but tab and line ends, DEL, the C1
# controls (U+0080-U+009F: C2 80-9F) and the bidi characters (U+202A-U+202E: E2 80 AA-AE,
# U+2066-U+2069: E2 81 A6-A9). Deleting every other byte leaves nothing to look at in most
# text, and keeps each such character's bytes next to each other when there is one.
_MAYBE_CONTROL = set(range(32)) - set(b"\t\n\r") | {0x7F, 0xC2, 0xE2} | set(range(0x80, 0xB0))
_NOT_CONTROL = bytes(byte for byte in range(256) if byte not in _MAYBE_CONTROL)
_CONTROL_IN_UTF8 = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)

_SCAN_STEP = 16384


class Block(NamedTuple):
    """Whole lines of a dump, decoded, LF-ended, controls already cleaned."""

    text: str
    """The lines."""
    latin1_line: int | None
    """The number, within the block, of its first line that was not UTF-8, if any."""
    control_line: int | None
    """The number, within the block, of its first line that held a control (now removed)."""
    binary_line: int | None = None
    """The number, within the block, of its first line of binary data (now blank), if any."""
    cut_line: int | None = None
    """The number, within the block, of a line cut at :data:`MAX_LINE` bytes, if any."""
    split_line: int | None = None
    """The number, within the block, of its first line that a lone CR ended with more text
    right after it on the same line of the file (a CR inside a line), if any."""
    lf: bool = False
    """Whether any of its lines ended at LF or CRLF (with :attr:`split_line`: mixed line ends)."""


MAX_LINE = 8 << 20
"""The most bytes of one line that are read; the rest of a longer line is skipped (a real
abstract is a few KB: arXiv caps them at 1,920 characters)."""


class _Scan:
    """What a file's earlier blocks left open: whether we are inside a binary region."""

    def __init__(self) -> None:
        self.binary = False


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


def text_blocks(stream: ByteStream, advance: Callable[[int], None]) -> Iterator[Block]:
    """The stream as decoded blocks of whole lines (but maybe the last), with LF line ends.

    The bytes go through one reused buffer: a fresh 1 MiB object per block costs more in page
    faults than the decoding itself.
    """
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    filled = stream.readinto(view) or 0
    advance(filled)
    head = view[: min(filled, SNIFF)].tobytes()
    if head.startswith(_UTF16_BOMS):
        yield from _utf16_blocks(view[:filled].tobytes(), stream, advance)
        return
    _check_not_binary(head)
    scan = _Scan()
    while filled:
        cut = _last_line_end(buffer, filled)
        if cut:
            # A lone CR at the cut with text after it cuts a line in two as well.
            yield _decode(view[:cut], scan, runs_on=cut < filled and buffer[cut] not in b"\r\n")
            carry = view[cut:filled].tobytes()
            view[: len(carry)] = carry
            filled = len(carry)
        elif filled == len(buffer) and filled >= MAX_LINE:  # a line too long to hold: cut it
            yield _cut_line(view[:filled], scan)
            filled = _skip_rest_of_line(stream, view, advance)
            continue
        elif filled == len(buffer):  # one line longer than the buffer: make room
            buffer = buffer + bytearray(len(buffer))
            view = memoryview(buffer)
        read = stream.readinto(view[filled:]) or 0
        advance(read)
        if not read:
            break
        filled += read
    if filled:
        yield _decode(view[:filled], scan)


def _cut_line(data: memoryview, scan: _Scan) -> Block:
    """The first bytes of a line too long to hold (cut between characters), as a whole line."""
    end = len(data)
    while end > len(data) - 4 and 0x80 <= data[end - 1] <= 0xBF:  # a UTF-8 continuation byte
        end -= 1
    if end > len(data) - 4 and data[end - 1] >= 0xC0:  # the lead byte of the cut character
        end -= 1
    block = _decode(data[:end], scan)
    return block._replace(text=block.text + "\n", cut_line=1)


def _skip_rest_of_line(stream: ByteStream, view: memoryview, advance: Callable[[int], None]) -> int:
    """Read and drop bytes up to the next line end; move what follows it to the buffer's start
    and return its length."""
    while True:
        read = stream.readinto(view) or 0
        advance(read)
        if not read:
            return 0
        chunk = view[:read].tobytes()
        ends = [found for found in (chunk.find(b"\n"), chunk.find(b"\r")) if found >= 0]
        if ends:
            rest = chunk[min(ends) + 1 :]
            if chunk[min(ends) : min(ends) + 2] == b"\r\n":
                rest = rest[1:]
            view[: len(rest)] = rest
            return len(rest)


def _last_line_end(data: bytearray, end: int) -> int:
    """Where to cut ``data[:end]`` so the first part ends at a whole line end (0: nowhere).

    A CR as the very last byte does not count: its LF may be the next byte read.
    """
    newline = data.rfind(b"\n", 0, end) + 1
    if newline == end:
        return end
    return max(newline, data.rfind(b"\r", newline, end - 1) + 1)


def _decode(data: memoryview, scan: _Scan, runs_on: bool = False) -> Block:
    """One block as clean text with LF line ends (see :class:`Block`); ``runs_on``: the
    next block begins with text, not a line end (see :func:`_line_ends`)."""
    bad: int | None = None
    try:
        text = codecs.utf_8_decode(data, "strict", True)[0]
        controls = _CONTROL_IN_UTF8.search(_maybe_controls(data)) is not None
    except UnicodeDecodeError:
        raw = data.tobytes()
        text, bad = _decode_lines(raw)
        controls = True  # the slow path already: look at every line
        # (Line ends are ASCII: Latin-1 finds them where the bytes have them.)
        _, split, lf = _line_ends(raw.decode("latin-1"), runs_on)
    else:
        text, split, lf = _line_ends(text, runs_on)
    return _cleaned(text, bad, scan, maybe_controls=controls)._replace(split_line=split, lf=lf)


_SPLIT_BY_CR = re.compile("[^\r\n]\r[^\r\n]")
"""A lone CR (CRLF already made LF) with text on both sides: a line cut in two. A CR next to
another line end only adds a blank line, which is skipped."""


def _line_ends(text: str, runs_on: bool = False) -> tuple[str, int | None, bool]:
    """``text`` with LF line ends; the number of the first line a lone CR cut in two (see
    :data:`_SPLIT_BY_CR`; ``runs_on``: text follows ``text``, so a lone CR ending it after text
    cuts a line too), if any; and whether any line ended at LF or CRLF."""
    if "\r" not in text:
        return text, None, "\n" in text
    text = text.replace("\r\n", "\n")
    lf = "\n" in text
    split = None
    if "\r" in text:
        found = _SPLIT_BY_CR.search(text)
        at = found.start() if found is not None else None
        if at is None and runs_on and text[-2:-1] not in ("", "\r", "\n") and text[-1] == "\r":
            at = len(text) - 2
        if at is not None:
            split = text.count("\n", 0, at) + text.count("\r", 0, at) + 1
        text = text.replace("\r", "\n")
    return text, split, lf


def _maybe_controls(data: memoryview) -> bytes:
    """The bytes of ``data`` a control character can be made of, in order (often none).

    Copied 16 KiB at a time: one 1 MiB copy would cost more in page faults than the scan.
    """
    step = _SCAN_STEP
    return b"".join(
        data[start : start + step].tobytes().translate(None, _NOT_CONTROL)
        for start in range(0, len(data), step)
    )


def _cleaned(text: str, latin1_line: int | None, scan: _Scan, *, maybe_controls: bool) -> Block:
    """The block without BOMs, tabs, controls or binary data (see :class:`Block`)."""
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if "\t" in text:
        text = text.replace("\t", " ")
    if not scan.binary and (not maybe_controls or not has_controls(text.replace("\n", " "))):
        return Block(text, latin1_line, None)
    lines = text.split("\n")
    cleaned: int | None = None
    binary: int | None = None
    for number, line in enumerate(lines):
        if scan.binary:
            scan.binary = not _reads_as_text(line)
        elif has_controls(line) and _is_binary(line):
            scan.binary = True
            first = _region_start(lines, number)
            lines[first:number] = [""] * (number - first)
            binary = binary or first + 1
        if scan.binary:
            lines[number] = ""
            binary = binary or number + 1
        elif has_controls(line):
            lines[number] = clean_text(line)
            cleaned = cleaned or number + 1
    return Block("\n".join(lines), latin1_line, cleaned, binary)


def _region_start(lines: list[str], number: int) -> int:
    """Where the binary region found at ``lines[number]`` starts: the short garbage lines just
    before it (random bytes hold line ends too) belong to it, back to a line that reads as text."""
    first = number
    while first > 0 and lines[first - 1] and not _reads_as_text(lines[first - 1]):
        first -= 1
    return first


_BINARY_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")
_BINARY_SIGNS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
"""What counts against a line in :func:`_is_binary`: the controls but the vertical tab and
the form feed, which text copied from a PDF holds between words."""


def _is_binary(line: str) -> bool:
    """Whether a line holding control characters is binary data rather than text with a few
    stray controls: a NUL, or (in a line of 16 characters or more) one in ten characters a
    control other than VT and FF, or an undecodable byte. Binary data starts a region (see
    :func:`_reads_as_text`)."""
    if "\x00" in line:
        return True
    return len(line) >= 16 and len(_BINARY_SIGNS.findall(line)) * 10 >= len(line)


def _reads_as_text(line: str) -> bool:
    """Whether a line ends a binary region: two words of ASCII letters, no control nor
    undecodable byte, and four in five characters printable ASCII. (Random bytes are half above
    127: a line of them hardly ever passes; a one-word or non-Latin title right after binary
    data is skipped with it, a rare loss.)"""
    stripped = line.strip()
    if _BINARY_CHARS.search(stripped) or _TWO_WORDS.search(stripped) is None:
        return False  # blank too: random bytes hold blank lines, only text ends the region
    ascii_printable = sum(" " <= char <= "~" for char in stripped)
    return ascii_printable * 5 >= len(stripped) * 4


_TWO_WORDS = re.compile(r"[A-Za-z]{2,}[^A-Za-z]*? [^A-Za-z]*?[A-Za-z]{2,}")


def _decode_lines(data: bytes) -> tuple[str, int | None]:
    """Decode line by line: UTF-8 where valid, else Windows-1252 (undefined bytes as U+FFFD)."""
    bad: int | None = None
    pieces: list[str] = []
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for number, raw in enumerate(lines, 1):
        try:
            pieces.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            pieces.append(raw.decode("cp1252", "replace"))
            if bad is None:
                bad = number
    return "\n".join(pieces), bad


def _utf16_blocks(
    head: bytes, stream: ByteStream, advance: Callable[[int], None]
) -> Iterator[Block]:
    """Decode a UTF-16 file (BOM first) block by block."""
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    scan = _Scan()
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
        piece, split, lf = _line_ends(piece)
        if piece:
            decoded = _cleaned(piece, None, scan, maybe_controls=True)
            yield decoded._replace(split_line=split, lf=lf)
        if final:
            return
        block = stream.read(BLOCK)
        advance(len(block))


def refuse_binary(head: bytes) -> None:
    """Raise :class:`NotADump` when ``head``, the first :data:`SNIFF` bytes of a file, reads as
    binary data rather than a dump (a UTF-16 file, with its byte order mark, is text)."""
    if not head.startswith(_UTF16_BOMS):
        _check_not_binary(head)


def _check_not_binary(head: bytes) -> None:
    """Refuse a file whose start looks like binary data rather than text."""
    if b"\x00" in head:
        raise NotADump("binary file, not a text dump")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls and controls * 100 > len(head):
        raise NotADump("binary file, not a text dump")
