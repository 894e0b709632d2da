"""Turn Hugging Face Papers dumps (files, folders, standard input) into a Catalog.

How a dump is read (the line rules themselves are in :mod:`paperterm.dumpformat`):

* Paths: a file is read as given; a folder means every ``*.txt`` file directly in it (any case
  of ``.txt``, hidden files skipped), sorted by name, each recorded as the folder as given joined
  with the file name; ``-`` is standard input, recorded as ``-``. A file named twice (directly
  and through its folder, say) is read once.
* Files are streamed in 1 MiB blocks cut at line ends, so a dump of a gigabyte is never held
  whole in memory next to its lines. Lines end at LF, CRLF or a lone CR.
* Encoding: UTF-8, with or without a BOM (a BOM anywhere, as ``cat`` of two files makes, is
  dropped). A block that is not valid UTF-8 is decoded line by line, and each line that is not
  UTF-8 is read as Latin-1; the file gets one warning naming the first such line. A file that
  starts with a UTF-16 BOM (Windows Notepad's "Unicode") is read as UTF-16.
* A file whose first 8 KiB hold a NUL byte or many control characters is binary, not a dump.
* Identity: one paper per :func:`paperterm.identity.paper_id`. Its title is the first seen; every
  source ``(file, position in the file, line of the title)`` is kept in load order; every
  distinct non-empty abstract is kept, longest first, ties in the order first seen.
* Problems: a missing, unreadable, empty, binary or paperless file is one warning
  (``PATH: message``) and the other files still load; a title without abstract is kept and
  warned (``PATH:LINE: message``). Only when no path yields a paper does :func:`load` raise a
  :class:`~paperterm.errors.DumpError`, for the first problem met.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from paperterm.catalog import Catalog
from paperterm.dumpformat import MARKER_NEEDLES, DumpParser
from paperterm.errors import DumpError
from paperterm.identity import paper_id
from paperterm.links import extract_links, might_have_links
from paperterm.model import Link, Paper, Source

STDIN = "-"
"""The path that means standard input."""

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done_bytes, total_bytes)``."""

_BLOCK = 1 << 20
_SNIFF = 8192
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"


@dataclass(frozen=True, slots=True)
class _Problem:
    """Something wrong with one input, for a warning or, if nothing loads, the error."""

    path: str
    """The input as the user named it."""
    message: str
    """What is wrong, one short clause."""
    line: int | None = None
    """The line it concerns, if any."""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class _BadFile(Exception):
    """Raised inside the loader for a file that cannot be a dump; becomes a _Problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Progress:
    """Counts bytes read and calls the user's callback about once per block."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.callback is not None:
            self.total = max(self.total, self.done)
            self.callback(self.done, self.total)


class _Builder:
    """Merges the entries of every dump into papers, by id, in order of first appearance."""

    def __init__(self) -> None:
        self.index_of: dict[str, int] = {}
        self.ids: list[str] = []
        self.titles: list[str] = []
        # One str / Source for the common case of a paper seen once, a list once seen again.
        self.abstracts: list[str | list[str]] = []
        self.sources: list[Source | list[Source]] = []

    def add(self, path: str, entries: list[tuple[int, str, str]], position: int) -> int:
        """Add one file's entries (numbered from ``position + 1``); return the last position."""
        index_of = self.index_of
        ids = self.ids
        titles = self.titles
        abstracts = self.abstracts
        sources = self.sources
        for line, title, abstract in entries:
            position += 1
            key = paper_id(title)
            source = Source(path, position, line)
            index = index_of.get(key)
            if index is None:
                index_of[key] = len(ids)
                ids.append(key)
                titles.append(title)
                abstracts.append(abstract)
                sources.append(source)
                continue
            seen = sources[index]
            if isinstance(seen, list):
                seen.append(source)
            else:
                sources[index] = [seen, source]
            if abstract:
                versions = abstracts[index]
                if isinstance(versions, list):
                    if abstract not in versions:
                        versions.append(abstract)
                elif not versions:
                    abstracts[index] = abstract
                elif versions != abstract:
                    abstracts[index] = [versions, abstract]
        return position

    def papers(self) -> list[Paper]:
        """The papers, in catalogue order."""
        papers: list[Paper] = []
        append = papers.append
        no_links: tuple[Link, ...] = ()
        for index, (key, title, versions, seen) in enumerate(
            zip(self.ids, self.titles, self.abstracts, self.sources, strict=True)
        ):
            if isinstance(versions, list):
                ordered = tuple(sorted(versions, key=len, reverse=True))
                links: tuple[Link, ...] = _links_of(ordered)
            elif versions:
                ordered = (versions,)
                links = tuple(extract_links(versions)) if might_have_links(versions) else no_links
            else:
                ordered = ()
                links = no_links
            where = tuple(seen) if isinstance(seen, list) else (seen,)
            append(Paper(key, title, ordered, where, links, index))
        return papers


def _links_of(versions: tuple[str, ...]) -> tuple[Link, ...]:
    """Distinct links over several abstract versions, in order (longest version first)."""
    found: dict[str, Link] = {}
    for text in versions:
        if might_have_links(text):
            for link in extract_links(text):
                found.setdefault(link.url, link)
    return tuple(found.values())


def load(
    paths: Iterable[str | os.PathLike[str]], *, on_progress: ProgressCallback | None = None
) -> Catalog:
    """Load dumps into a Catalog: files, folders of ``*.txt`` files, ``-`` for standard input.

    Bad inputs among good ones become ``Catalog.warnings``; when no input yields a paper, raise
    :class:`~paperterm.errors.DumpError` for the first problem. ``on_progress(done, total)`` is
    called about once per MiB read, so a caller can show progress on a long load.
    """
    problems: list[_Problem] = []
    notes: list[_Problem] = []
    inputs = _expand(paths, problems)
    progress = _Progress(on_progress, sum(size for _, _, size in inputs))
    builder = _Builder()
    for name, file, _ in inputs:
        try:
            count = _load_one(name, file, builder, notes, progress)
        except _BadFile as bad:
            problems.append(_Problem(name, bad.message))
            continue
        except OSError as error:
            problems.append(_Problem(name, _os_message(error)))
            continue
        if count == 0:
            problems.append(_Problem(name, "no papers found"))
    papers = builder.papers()
    if not papers and problems:
        first = problems[0]
        raise DumpError(first.path, first.message, first.line)
    warnings = [str(problem) for problem in sorted(problems + notes, key=_order(inputs))]
    return Catalog(papers, warnings)


def _order(inputs: list[tuple[str, Path | None, int]]) -> Callable[[_Problem], tuple[int, int]]:
    """Sort key putting warnings in the order of the inputs, then by line."""
    rank = {name: number for number, (name, _, _) in enumerate(inputs)}

    def key(problem: _Problem) -> tuple[int, int]:
        return rank.get(problem.path, -1), problem.line or 0

    return key


def _expand(
    paths: Iterable[str | os.PathLike[str]], problems: list[_Problem]
) -> list[tuple[str, Path | None, int]]:
    """Resolve the user's paths into ``(name, file or None for stdin, size)`` to read, in order."""
    inputs: list[tuple[str, Path | None, int]] = []
    seen: set[tuple[int, int] | str] = set()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for given in paths:
        name = os.fspath(given)
        if name == STDIN:
            inputs.append((STDIN, None, 0))
            continue
        path = Path(name)
        try:
            if path.is_dir():
                files = sorted(
                    (entry.name for entry in os.scandir(path) if _is_dump_name(entry.name)),
                )
                found = [(os.path.join(name, file), path / file) for file in files]
                found = [(shown, file) for shown, file in found if file.is_file()]
                if not found:
                    problems.append(_Problem(name, "folder holds no *.txt files"))
            else:
                found = [(name, path)]
        except OSError as error:
            problems.append(_Problem(name, _os_message(error)))
            continue
        for shown, file in found:
            try:
                stat = file.stat()
            except OSError as error:
                problems.append(_Problem(shown, _os_message(error)))
                continue
            identity = (stat.st_dev, stat.st_ino)
            if identity in seen:
                continue
            seen.add(identity)
            if not file.is_file():
                problems.append(_Problem(shown, "not a regular file"))
                continue
            inputs.append((shown, file, stat.st_size))
    return inputs


def _is_dump_name(name: str) -> bool:
    return name.lower().endswith(".txt") and not name.startswith(".")


def _os_message(error: OSError) -> str:
    """A short lower-case reason for an OS error (``no such file``, ``permission denied``)."""
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a folder"
    return f"cannot read: {error.strerror or error}".lower()


def _load_one(
    name: str,
    file: Path | None,
    builder: _Builder,
    notes: list[_Problem],
    progress: _Progress,
) -> int:
    """Read one dump into the builder; return how many papers it held."""
    parser = DumpParser()
    position = 0
    latin1_line: int | None = None
    nonblank = False
    with _open(file) as stream:
        for text, first_bad in _text_blocks(stream, progress):
            if first_bad is not None and latin1_line is None:
                latin1_line = first_bad
            nonblank = nonblank or (bool(text) and not text.isspace())
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()  # the block ends at a line end: no line after it
            check = any(needle in text for needle in MARKER_NEEDLES)
            entries = parser.feed(lines, check_markers=check)
            if entries:
                position = builder.add(name, entries, position)
    entries = parser.finish()
    if entries:
        position = builder.add(name, entries, position)
    if latin1_line is not None:
        notes.append(_Problem(name, "not valid UTF-8; such lines read as Latin-1", latin1_line))
    for dangling in parser.dangling:
        notes.append(
            _Problem(name, f"title without abstract: {_short(dangling.title)}", dangling.line)
        )
    if position == 0 and not nonblank:
        raise _BadFile("empty file")
    if position == 0 and parser.header_lines:
        raise _BadFile("no papers found, only the page header")
    return position


def _short(title: str, width: int = 60) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def _open(file: Path | None) -> AbstractContextManager[BinaryIO]:
    """The file's bytes; for standard input, its byte stream, left open afterwards."""
    if file is not None:
        return file.open("rb")
    if sys.stdin is None:
        return io.BytesIO(b"")
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return nullcontext(buffer)
    return io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))


def _text_blocks(stream: BinaryIO, progress: _Progress) -> Iterator[tuple[str, int | None]]:
    """Decoded blocks of the stream, each ending at a line end (but the last), LF line ends.

    With each block comes the line number of its first line that was not UTF-8, if any.
    """
    head = stream.read(_BLOCK)
    progress.advance(len(head))
    if head.startswith(_UTF16_BOMS):
        yield from _utf16_blocks(head, stream, progress)
        return
    _check_not_binary(head[:_SNIFF])
    carry = b""
    block = head
    lineno = 0
    while block:
        data = carry + block if carry else block
        cut = _last_line_end(data)
        if cut == 0:
            carry = data
        else:
            text, bad = _decode(data[:cut], lineno)
            lineno += text.count("\n")
            carry = data[cut:]
            yield text, bad
        block = stream.read(_BLOCK)
        progress.advance(len(block))
    if carry:
        text, bad = _decode(carry, lineno)
        yield text, bad


def _last_line_end(data: bytes) -> int:
    """Where to cut ``data`` so that the first part ends with a whole line end (0: nowhere)."""
    newline = data.rfind(b"\n") + 1
    carriage = data.rfind(b"\r", 0, len(data) - 1) + 1
    return max(newline, carriage)


def _decode(data: bytes, lineno: int) -> tuple[str, int | None]:
    """One block as text with LF line ends, and the number of its first line read as Latin-1."""
    bad: int | None = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text, bad = _decode_lines(data, lineno)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return text, bad


def _decode_lines(data: bytes, lineno: int) -> tuple[str, int | None]:
    """Decode line by line: UTF-8 where valid, Latin-1 elsewhere."""
    bad: int | None = None
    pieces: list[str] = []
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    for number, raw in enumerate(lines, lineno + 1):
        try:
            pieces.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            pieces.append(raw.decode("latin-1"))
            if bad is None:
                bad = number
    return "\n".join(pieces), bad


def _utf16_blocks(
    head: bytes, stream: BinaryIO, progress: _Progress
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
            raise _BadFile("binary file, not a text dump")
        piece, carry = text[:cut], text[cut:]
        if "\r" in piece:
            piece = piece.replace("\r\n", "\n").replace("\r", "\n")
        if piece:
            yield piece.replace("\ufeff", ""), None
        if final:
            return
        block = stream.read(_BLOCK)
        progress.advance(len(block))


def _check_not_binary(head: bytes) -> None:
    """Refuse a file whose start looks like binary data rather than text."""
    if b"\x00" in head:
        raise _BadFile("binary file, not a text dump")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls and controls * 100 > len(head):
        raise _BadFile("binary file, not a text dump")
