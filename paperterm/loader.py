"""Turn Hugging Face Papers dumps (files, folders, standard input) into a Catalog.

How a dump is read. The line rules, in short (:mod:`paperterm.dumpformat` gives them whole, with
the reasons): blank lines and lines with no letter or digit are skipped; the three sentences of
the page header (``Get trending papers...`` twice, ``byAK and the research community``) are
boilerplate anywhere and open a header block, which is how pasted pages are found; ``new``,
``Subscribe`` (also glued to the first title) and a date line are boilerplate only in a header
block, or as ``new``/``Subscribe`` right before one of those sentences, and content anywhere
else; all other lines pair up in order, title then abstract, never told apart by length; a
title left without abstract by a new header or the end of the file is kept and warned.
The rest:

* Paths: a file is read as given (a named pipe too, as ``<(...)`` in a shell makes); a folder
  means every ``*.txt`` and ``*.json`` file directly in it (any case of the suffix, hidden
  files skipped), sorted by name, each recorded as the folder as given joined with the file
  name; ``-`` is standard input, recorded as ``-``. A file named twice (directly and through
  its folder, say) is read once. A single string instead of a list is taken as one path, not
  as a list of characters.
* A saved answer of the Hugging Face Papers API (JSON, told apart by its first bytes, whatever
  its name) is read by :mod:`paperterm.apidump`: its papers join the others by the same id,
  with their metadata (``Paper.meta``); their sources have line 1. Other JSON is refused.
* Files are streamed through one 1 MiB buffer, decoded a block of whole lines at a time, so a
  dump of a gigabyte is never held whole next to its lines. Lines end at LF, CRLF or a lone CR
  (old Mac files). A file whose lines end at LF or CRLF but where a lone CR cuts a line in two
  gets one warning naming that line: most likely a stray CR inside a title, which shifts every
  later title/abstract pair (:data:`MIXED_LINE_ENDS`).
* Encoding: UTF-8, with or without a BOM (a BOM anywhere, as ``cat`` of two files makes, is
  dropped). A block that is not valid UTF-8 is decoded line by line, and each line that is not
  UTF-8 is read as Windows-1252, the printable superset of Latin-1 (so a Windows file's curly
  quotes are quotes, not C1 control characters), the five bytes it leaves undefined as U+FFFD;
  the file gets one warning naming the first such line. A file that starts with a UTF-16 BOM
  (Windows Notepad's "Unicode") is read as UTF-16.
* A file whose first 8 KiB hold a NUL byte, or more than 1% control characters, is binary.
* Terminal controls: a dump is text from a web page, and text can hold escape sequences
  (``ESC ] 52`` writes the clipboard). Each escape sequence is removed whole, then every other
  control character and bidirectional override (:func:`paperterm.sanitize.clean_text`), line by
  line, before a line is read as a title or an abstract; a tab becomes a space. The file gets
  one warning naming the first line cleaned. A title's id is that of the cleaned title.
* Identity: one paper per :func:`paperterm.identity.paper_id`. Its title is the first seen; every
  source ``(file, position in the file, line of the title)`` is kept in load order; every
  distinct non-empty abstract is kept, longest first, ties in the order first seen; its links
  are those of all its abstracts (:mod:`paperterm.links`), longest abstract first.
* A file that is not a Hugging Face Papers page (no page header: a README, a pyproject.toml;
  the rule is :func:`paperterm.dumpformat.is_page`) is refused as a whole, with one warning;
  its papers are held back until the header is seen, so none of a refused file is loaded.
* Problems: a missing, unreadable, empty (or blank), binary or paperless file is one warning
  (``PATH: message``) and the other files still load; a title without abstract is kept and
  warned (``PATH:LINE: message``). Only when no path yields a paper does :func:`load` raise a
  :class:`~paperterm.errors.DumpError`, for the first problem met. Papers read from a file
  before it failed (an I/O error half-way) stay loaded.
* Speed: a million papers is a million of everything, so the work is done a block (about
  1 MiB) at a time wherever it can be: a plain block is cut into (title, abstract) pairs by
  slicing (:meth:`~paperterm.dumpformat.DumpParser.feed_text`), its titles' ids are folded and
  hashed together (:func:`paperterm.identity.paper_ids`), and when its papers are all new (the
  common case) they and their sources are made field by field in C-speed loops, without the
  frozen dataclasses' ``__setattr__`` detour; the links are looked for only in the abstracts
  that may hold one. The cyclic garbage collector is held during the load. Tests check each
  shortcut against the plain way. With ``index_ahead``, the texts of each block's papers are
  handed to a helper process that builds the search index meanwhile
  (:mod:`paperterm.search.ahead`).
"""

from __future__ import annotations

import io
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields, replace
from itertools import compress, repeat
from operator import or_
from pathlib import Path
from types import MemberDescriptorType
from typing import Any, cast

from paperterm import apidump, fsio
from paperterm.catalog import Catalog
from paperterm.dumpformat import NOT_A_PAGE, DumpParser, is_page
from paperterm.errors import DumpError
from paperterm.identity import paper_id, paper_ids
from paperterm.links import WWW, extract_links, might_have_links
from paperterm.model import Link, Metadata, Paper, Source
from paperterm.sanitize import printable
from paperterm.search import ahead, cache
from paperterm.search.ahead import Ahead
from paperterm.textblocks import BLOCK, MAX_LINE, ByteStream, NotADump, text_blocks

STDIN = "-"
"""The path that means standard input."""

MIXED_LINE_ENDS = (
    "a lone CR (carriage return) ends this line, LF ends others:"
    " if it is a stray CR inside a title, the titles and abstracts after it are paired wrongly"
)
"""The warning for a file whose lines end at LF (or CRLF) with a lone CR cutting a line in two:
read as a line end (old Mac files end every line so), it most likely split a title."""

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done_bytes, total_bytes)``."""


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
        """``PATH: message`` or ``PATH:LINE: message``, safe to print (see :func:`printable`)."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return printable(f"{where}: {self.message}")


class _Progress:
    """Counts bytes read; tells the callback about once per MiB read, and once at the end.

    ``done == total`` only in the last call, so a caller can end its progress line then; before
    it, ``total`` is the size of the files known ahead (standard input's is not), at least
    ``done + 1``.
    """

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0
        self.told = 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.callback is not None and self.done - self.told >= BLOCK:
            self.told = self.done
            self.callback(self.done, max(self.total, self.done + 1))

    def finish(self) -> None:
        """The last call: everything is read."""
        if self.callback is not None:
            self.callback(self.done, self.done)


def _slot_setters(
    cls: type, names: tuple[str, ...]
) -> tuple[Callable[[object, object], None], ...] | None:
    """The slot setters of a slotted dataclass with exactly these fields; else None.

    None (so: use the constructor) as soon as the class is not what the shortcut assumes: a
    field added, renamed or reordered, no slots, or a ``__post_init__`` to run.
    """
    if tuple(field.name for field in fields(cls)) != names or hasattr(cls, "__post_init__"):
        return None
    setters = []
    for name in names:
        slot = cls.__dict__.get(name)
        if not isinstance(slot, MemberDescriptorType):
            return None
        setters.append(slot.__set__)
    return tuple(setters)


_PAPER_SLOTS = _slot_setters(
    Paper, ("id", "title", "abstracts", "sources", "links", "index", "meta")
)
_SOURCE_SLOTS = _slot_setters(Source, ("path", "position", "line"))


def _new_source(path: str, position: int, line: int) -> Source:
    """``Source(path, position, line)``, made faster than the dataclass's own ``__init__``.

    A frozen dataclass sets each field through ``object.__setattr__``, which on a million
    papers costs more than the rest of the loader's per-paper work; setting the slots directly
    makes the same object (a test checks it equals the one the constructor makes).
    """
    if _SOURCE_SLOTS is None:
        return Source(path, position, line)
    source = object.__new__(Source)
    set_path, set_position, set_line = _SOURCE_SLOTS
    set_path(source, path)
    set_position(source, position)
    set_line(source, line)
    return source


def _new_paper(
    key: str,
    title: str,
    abstracts: tuple[str, ...],
    sources: tuple[Source, ...],
    links: tuple[Link, ...],
    index: int,
) -> Paper:
    """``Paper(...)``, made the same way as :func:`_new_source` and for the same reason."""
    if _PAPER_SLOTS is None:
        return Paper(key, title, abstracts, sources, links, index)
    paper = object.__new__(Paper)
    set_id, set_title, set_abstracts, set_sources, set_links, set_index, set_meta = _PAPER_SLOTS
    set_id(paper, key)
    set_title(paper, title)
    set_abstracts(paper, abstracts)
    set_sources(paper, sources)
    set_links(paper, links)
    set_index(paper, index)
    set_meta(paper, None)
    return paper


class _Builder:
    """Merges the entries of every dump into papers, by id, in order of first appearance.

    A paper is made when first seen; only papers seen again (few) are remade at the end with
    all their abstract versions and sources.
    """

    def __init__(self, ahead: Ahead | None = None) -> None:
        self.ahead = ahead
        """The helper building the index ahead: handed every new text (see :meth:`add`)."""
        self.index_of: dict[str, int] = {}
        self.papers: list[Paper] = []
        self.seen_again: dict[int, tuple[list[str], list[Source]]] = {}
        self.metas: dict[int, list[Metadata]] = {}

    def add(self, path: str, entries: list[tuple[int, str, str]], position: int) -> int:
        """Add one file's entries (numbered from ``position + 1``); return the last position."""
        if not entries:
            return position
        lines, titles, abstracts = zip(*entries, strict=True)
        keys = paper_ids(titles)
        if (
            _PAPER_SLOTS is not None
            and _SOURCE_SLOTS is not None
            and all(abstracts)
            and len(set(keys)) == len(keys)
            and self.index_of.keys().isdisjoint(keys)
        ):
            return self._add_new(path, lines, titles, abstracts, keys, position)
        index_of = self.index_of
        papers = self.papers
        seen_again = self.seen_again
        no_links: tuple[Link, ...] = ()
        www = WWW.search
        # For the index built ahead: the new titles and the abstracts the papers keep.
        title_owners: list[int] = []
        new_titles: list[str] = []
        abstract_owners: list[int] = []
        new_abstracts: list[str] = []
        for (line, title, abstract), key in zip(entries, keys, strict=True):
            position += 1
            source = _new_source(path, position, line)
            index = index_of.get(key)
            if index is None:
                index = index_of[key] = len(papers)
                title_owners.append(index)
                new_titles.append(title)
                if not abstract:
                    papers.append(_new_paper(key, title, (), (source,), no_links, index))
                    continue
                abstract_owners.append(index)
                new_abstracts.append(abstract)
                links = no_links
                if "/" in abstract or www(abstract):  # might_have_links, inlined
                    links = tuple(extract_links(abstract))
                papers.append(_new_paper(key, title, (abstract,), (source,), links, index))
                continue
            again = seen_again.get(index)
            if again is None:
                first = papers[index]
                again = seen_again[index] = (list(first.abstracts), list(first.sources))
            again[1].append(source)
            if abstract and abstract not in again[0]:
                again[0].append(abstract)
                abstract_owners.append(index)
                new_abstracts.append(abstract)
        if self.ahead is not None:
            self.ahead.add(ahead.TITLES, title_owners, new_titles)
            self.ahead.add(ahead.ABSTRACTS, abstract_owners, new_abstracts)
        return position

    def _add_new(
        self,
        path: str,
        lines: Sequence[int],
        titles: Sequence[str],
        abstracts: Sequence[str],
        keys: list[str],
        position: int,
    ) -> int:
        """:meth:`add` for entries that are all new papers, each with an abstract (nearly every
        block of a dump): each field of the papers and sources set for all of them at once."""
        count = len(keys)
        start = len(self.papers)
        assert _PAPER_SLOTS is not None and _SOURCE_SLOTS is not None
        new_sources = range(position + 1, position + count + 1)
        sources = _new_objects(Source, _SOURCE_SLOTS, (repeat(path), new_sources, lines), count)
        no_links: tuple[Link, ...] = ()
        links = [no_links] * count
        for number in _maybe_linked(abstracts):
            links[number] = tuple(extract_links(abstracts[number]))
        self.papers += _new_objects(
            Paper,
            _PAPER_SLOTS,
            (
                keys,
                titles,
                zip(abstracts),
                zip(sources),
                links,
                range(start, start + count),
                repeat(None),
            ),
            count,
        )
        self.index_of.update(zip(keys, range(start, start + count), strict=True))
        if self.ahead is not None:
            numbers = range(start, start + count)
            self.ahead.add(ahead.TITLES, numbers, titles)
            self.ahead.add(ahead.ABSTRACTS, numbers, abstracts)
        return position + count

    def add_answer(self, path: str, entries: Iterable[apidump.Entry]) -> None:
        """Add a saved API answer's papers (:mod:`paperterm.apidump`), with their metadata."""
        entries = list(entries)
        self.add(path, [(1, entry.title, entry.abstract) for entry in entries], 0)
        for entry in entries:
            self.metas.setdefault(self.index_of[paper_id(entry.title)], []).append(entry.meta)

    def finish(self) -> list[Paper]:
        """The papers, in catalogue order, those seen more than once remade with all they had."""
        papers = self.papers
        for index, (versions, sources) in self.seen_again.items():
            first = papers[index]
            ordered = tuple(sorted(versions, key=len, reverse=True))
            papers[index] = _new_paper(
                first.id, first.title, ordered, tuple(sources), _links_of(ordered), index
            )
        self.seen_again.clear()
        for index, seen in self.metas.items():
            papers[index] = replace(papers[index], meta=apidump.newest_first(seen))
        self.metas.clear()
        return papers


def _new_objects(
    cls: type,
    setters: tuple[Callable[[object, object], None], ...],
    columns: tuple[Iterable[object], ...],
    count: int,
) -> list[Any]:
    """``count`` instances of the slotted class ``cls`` (see :func:`_slot_setters`), each field
    set from its column by its slot setter in a C-speed loop: the same objects as the
    constructor makes, without a Python step per object."""
    made: list[Any] = list(map(object.__new__, repeat(cls, count)))
    for setter, column in zip(setters, columns, strict=True):
        deque(map(setter, made, column), 0)
    return made


def _maybe_linked(texts: Sequence[str]) -> list[int]:
    """The positions of the texts for which :func:`~paperterm.links.might_have_links` holds,
    tested in C-speed loops over the block rather than a Python step per text."""
    slash = map(str.__contains__, texts, repeat("/"))
    www = map(str.__contains__, texts, repeat("www."))
    return list(compress(range(len(texts)), map(or_, slash, www)))


def _links_of(versions: tuple[str, ...]) -> tuple[Link, ...]:
    """Distinct links over several abstract versions, in order (longest version first)."""
    found: dict[str, Link] = {}
    for text in versions:
        if might_have_links(text):
            for link in extract_links(text):
                found.setdefault(link.url, link)
    return tuple(found.values())


def load(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_progress: ProgressCallback | None = None,
    index_ahead: bool = False,
) -> Catalog:
    """Load dumps into a Catalog: files, folders of dumps, ``-`` for standard input.

    Bad inputs among good ones become ``Catalog.warnings``, in the order of the inputs; when no
    input yields a paper, raise :class:`~paperterm.errors.DumpError` for the first problem.
    ``on_progress(done_bytes, total_bytes)`` is called about once per MiB read, so a caller can
    show progress on a long load, and a last time with ``done == total`` when all is read.
    ``index_ahead``, for a caller that will search: when the files are big, not huge (see
    :data:`paperterm.search.ahead.MIN_BYTES` and ``MAX_BYTES``), a second process builds the
    search index from the texts while they are read, on the other core
    (:mod:`paperterm.search.ahead`); else numpy (which the build uses) is imported meanwhile.
    """
    plan = _expand(paths)
    total = sum(item.size for item in plan if isinstance(item, _Input))
    progress = _Progress(on_progress, total)
    big = index_ahead and total >= ahead.MIN_BYTES  # a search over many papers is to come
    sources = _sources_key(plan) if big else None
    wanted = big and total <= ahead.MAX_BYTES
    if wanted and sources is not None and cache.likely_saved(cache.default_dir(), sources):
        wanted = False  # a reopen: the saved index will be loaded, not built
    helper = ahead.Ahead.start() if wanted else None
    if big and helper is None:
        # The build after the load, or a reopen's checks of the saved index, in this process.
        ahead.import_numpy_meanwhile()
    builder = _Builder(helper)
    warnings: list[_Problem] = []
    first_problem: _Problem | None = None
    try:
        with fsio.gc_paused():
            for item in plan:
                if isinstance(item, _Problem):
                    problem: _Problem | None = item
                else:
                    problem = _load_one(item, builder, warnings, progress)
                if problem is not None:
                    warnings.append(problem)
                    first_problem = first_problem or problem
            papers = builder.finish()
    except BaseException:
        if helper is not None:
            helper.cancel()
        raise
    progress.finish()
    if not papers and first_problem is not None:
        if helper is not None:
            helper.cancel()
        raise DumpError(first_problem.path, first_problem.message, first_problem.line)
    catalog = Catalog(papers, [str(warning) for warning in warnings])
    if sources is not None:
        catalog.loaded_from(sources)
    if helper is not None:
        helper.finish(len(papers))
        catalog.index_ahead(helper)
    return catalog


def _sources_key(plan: list[_Input | _Problem]) -> str | None:
    """``cache.sources_key`` of the inputs (a problem counts by its text), or None."""
    return cache.sources_key(
        [
            (f"problem: {item}", cache.NO_STAMP)
            if isinstance(item, _Problem)
            else (f"{item.name}\0{item.found}", item.stamp)
            for item in plan
        ]
    )


@dataclass(frozen=True, slots=True)
class _Input:
    """One dump to read."""

    name: str
    """The path as the user named it (joined with the file name for a folder), or ``-``."""
    file: Path | None
    """Where to read it; None for standard input."""
    size: int
    """Its size in bytes, as far as known before reading (0 for standard input)."""
    found: bool = False
    """Found in a folder rather than named: then only a regular file is read (no link, FIFO...)."""
    stamp: cache.Stamp | None = None
    """What its status said of its contents when it was found (None for standard input)."""


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[_Input | _Problem]:
    """The user's paths as dumps to read and problems to report, in the order given."""
    plan: list[_Input | _Problem] = []
    seen: set[tuple[int, int]] = set()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for given in paths:
        name = os.fsdecode(given)
        if name == STDIN:
            plan.append(_Input(STDIN, None, 0))
            continue
        try:
            path = _expanded(name)
            if path.is_dir():
                found = [(os.path.join(name, file.name), file) for file in dump_files(path)]
                if not found:
                    plan.append(_Problem(name, "folder holds no *.txt or *.json files"))
            else:
                found = [(name, path)]
        except (OSError, ValueError) as error:
            plan.append(_Problem(name, _os_message(error)))
            continue
        for shown, file in found:
            try:
                stat = file.stat()
            except (OSError, ValueError) as error:
                plan.append(_Problem(shown, _os_message(error)))
                continue
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                plan.append(
                    _Input(
                        shown, file, stat.st_size, found=file is not path, stamp=cache.stamp(stat)
                    )
                )
    return plan


def dump_files(folder: Path) -> list[Path]:
    """The dumps a folder holds, as :func:`load` reads them: ``*.txt`` and ``*.json`` files in
    any case of the suffix, hidden files skipped, sorted by name. Raises OSError when the folder
    is unreadable.
    """
    names = sorted(entry.name for entry in os.scandir(folder) if _is_dump_name(entry.name))
    return [folder / name for name in names if not (folder / name).is_dir()]


def _is_dump_name(name: str) -> bool:
    return name.lower().endswith((".txt", ".json")) and not name.startswith(".")


def _expanded(name: str) -> Path:
    """The path ``name`` with a leading ``~`` or ``~user`` expanded, as a shell would have
    (``paperterm.load(["~/papers/"])``); ValueError when that home is unknown."""
    try:
        return Path(name).expanduser()
    except RuntimeError:  # no home to expand to
        raise ValueError(name) from None


def _os_message(error: OSError | ValueError) -> str:
    """A short lower-case reason for an OS error (``no such file``, ``permission denied``)."""
    if isinstance(error, ValueError):
        return "not a valid path"
    if isinstance(error, fsio.NotRegularFile):
        return f"skipped: {error.strerror} (name it on the command line to read it)"
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a folder"
    return f"cannot read: {error.strerror or error}".lower()


def _load_one(
    dump: _Input, builder: _Builder, warnings: list[_Problem], progress: _Progress
) -> _Problem | None:
    """Read one dump into the builder, its warnings into ``warnings``; return what is wrong."""
    name = dump.name
    parser = DumpParser()
    position = 0
    latin1_line: int | None = None
    control_line: int | None = None
    binary_line: int | None = None
    cut_lines: list[int] = []
    split_line: int | None = None
    lf = False
    nonblank = False
    held: list[tuple[int, str, str]] = []
    try:
        with _open(dump.file, found=dump.found) as raw:
            answer, stream = apidump.sniff(raw)
            if answer is not None:
                return _load_answer(name, answer, builder, warnings, progress)
            for block in text_blocks(stream, progress.advance):
                text = block.text
                if block.latin1_line is not None and latin1_line is None:
                    latin1_line = parser.lineno + block.latin1_line
                if block.control_line is not None and control_line is None:
                    control_line = parser.lineno + block.control_line
                if block.binary_line is not None and binary_line is None:
                    binary_line = parser.lineno + block.binary_line
                if block.cut_line is not None:
                    cut_lines.append(parser.lineno + block.cut_line)
                if block.split_line is not None and split_line is None:
                    split_line = parser.lineno + block.split_line
                lf = lf or block.lf
                nonblank = nonblank or not text.isspace()
                entries = parser.feed_text(text)
                if not is_page(parser):
                    held.extend(entries)  # not known to be a page yet: keep them back
                elif entries or held:
                    position = builder.add(name, [*held, *entries], position)
                    held = []
    except NotADump as bad:
        return _Problem(name, bad.message)
    except OSError as error:
        return _Problem(name, _os_message(error))
    entries = parser.finish()
    if (held or entries) and not is_page(parser):
        return _Problem(name, NOT_A_PAGE)
    if entries or held:
        position = builder.add(name, [*held, *entries], position)
    if latin1_line is not None:
        warnings.append(
            _Problem(
                name, "not valid UTF-8; such lines read as Latin-1 (Windows-1252)", latin1_line
            )
        )
    if control_line is not None:
        message = "terminal control characters and escape sequences removed (first here)"
        warnings.append(_Problem(name, message, control_line))
    if binary_line is not None:
        message = "binary data skipped (NUL bytes or control characters; first here)"
        warnings.append(_Problem(name, message, binary_line))
    for line in cut_lines[:3]:
        message = f"line longer than {MAX_LINE >> 20} MB: cut there, the rest skipped"
        warnings.append(_Problem(name, message, line))
    if split_line is not None and lf:
        warnings.append(_Problem(name, MIXED_LINE_ENDS, split_line))
    for dangling in parser.dangling:
        message = f"title without abstract: {_short(dangling.title)}"
        warnings.append(_Problem(name, message, dangling.line))
    if position:
        return None
    if not nonblank:
        return _Problem(name, "empty file")
    if parser.header_lines:
        return _Problem(name, "no papers found, only the page header")
    return _Problem(name, "no papers found")


def _load_answer(
    name: str, data: bytes, builder: _Builder, warnings: list[_Problem], progress: _Progress
) -> _Problem | None:
    """Read a saved API answer (JSON, see :mod:`paperterm.apidump`) into the builder."""
    progress.advance(len(data))
    try:
        answer = apidump.read(data)
    except apidump.NotAnAnswer as bad:
        return _Problem(name, bad.message)
    if answer.untitled:
        warnings.append(_Problem(name, f"{answer.untitled} item(s) without a title skipped"))
    if not answer.entries:
        return _Problem(name, "no papers found (an empty answer)")
    builder.add_answer(name, answer.entries)
    return None


def _short(title: str, width: int = 60) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def _open(file: Path | None, *, found: bool = False) -> AbstractContextManager[ByteStream]:
    """The file's bytes; for standard input, its byte stream, left open afterwards. A file
    ``found`` in a folder must be a regular file: a FIFO there would block the load for ever."""
    if file is not None:
        return fsio.open_regular_stream(file) if found else file.open("rb")
    if sys.stdin is None:
        return io.BytesIO(b"")
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return nullcontext(cast(ByteStream, buffer))
    return io.BytesIO(sys.stdin.read().encode("utf-8", "surrogateescape"))
