"""What paperterm does for its user, written once for the command line and the reader.

Each use case takes the catalogue, the state store and what else it needs, does the work through
the core modules, and returns what happened; ``cli.py`` prints it and the reader shows it. Neither
re-implements a choice of papers, an export or an addition to the library. A new operation is one
more function here (``enrich`` and ``fetch`` keep their work in :mod:`paperterm.enrich` and
:mod:`paperterm.fetch`; the papers they act on are chosen here, as for an export).

Errors: :class:`OSError` for a file that cannot be read or written (see :mod:`paperterm.fsio`),
:class:`~paperterm.errors.StateError` for a state that cannot be saved,
:class:`~paperterm.errors.DumpError` for a file that is not a dump.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from paperterm import apidump, fsio, locations
from paperterm.catalog import Catalog
from paperterm.errors import DumpError, ExportError, PapertermError
from paperterm.export import Export, bibtex_entry, citation_keys, export_papers, format_for_path
from paperterm.export.formats import Annotation
from paperterm.loader import dump_files, load
from paperterm.model import Paper
from paperterm.state import StateStore
from paperterm.textblocks import SNIFF, NotADump, refuse_binary
from paperterm.triage import Marks, select_rows

# -- choosing papers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    """The papers an operation acts on, and how to speak of them."""

    papers: list[Paper]
    """The papers, each once: catalogue order, or best first for a query."""
    what: str
    """What they are, for messages: "starred papers", "papers matching the query", "papers"."""
    hint: str = ""
    """Why there are none when there are none (starred papers in dumps not loaded, say)."""


def starred_papers(catalog: Catalog, store: StateStore) -> list[Paper]:
    """The starred papers among those loaded, in catalogue order."""
    starred = store.starred_ids
    return [paper for paper in catalog.papers if paper.id in starred]


def choose_papers(
    catalog: Catalog, store: StateStore, *, query: str | None = None, every: bool = False
) -> Chosen:
    """The papers ``export`` and ``enrich`` act on: every one, those matching ``query`` (best
    first), or by default the starred ones."""
    if every:
        return Chosen(list(catalog.papers), "papers")
    if query is not None:
        found = catalog.search(query, read=store.read_ids, starred=store.starred_ids)
        return Chosen(found, "papers matching the query")
    return Chosen(
        starred_papers(catalog, store), "starred papers", _unloaded_stars_hint(catalog, store)
    )


def _unloaded_stars_hint(catalog: Catalog, store: StateStore) -> str:
    """Why nothing is starred when the user remembers starring: the dumps are not loaded."""
    elsewhere = sum(paper_id not in catalog for paper_id in store.starred_ids)
    if not elsewhere:
        return " (star some with `s` in the reader or `paperterm mark star ID`)"
    noun = "starred paper" if elsewhere == 1 else "starred papers"
    return (
        f" here ({elsewhere} {noun} in dumps not loaded: name them, "
        "or keep them with `paperterm add PATH ...`)"
    )


def list_papers(
    catalog: Catalog,
    store: StateStore,
    query: str = "",
    *,
    unread: bool = False,
    starred: bool = False,
    sort: str = "relevance",
    marks: Marks | None = None,
    include_muted: bool = False,
) -> list[Paper]:
    """The papers ``list`` prints and the reader's views show: matching ``query``, only the
    ``unread`` and/or ``starred`` ones when asked, in the ``sort`` order. ``marks`` (from
    :meth:`paperterm.inbox.Inbox.marks`) adds new, queued, tags and the muted papers, which are
    left out unless ``include_muted``."""
    if marks is None:
        marks = Marks(store.read_ids, store.starred_ids)
    rows = select_rows(
        catalog,
        marks,
        query,
        unread=unread,
        starred=starred,
        sort=sort,
        include_muted=include_muted,
    )
    return [catalog.papers[row] for row in rows]


# -- exporting ----------------------------------------------------------------------------------


def format_for(path: Path) -> str:
    """The export format a file name asks for (see :data:`paperterm.export.SUFFIXES`:
    ``.bib``, ``.biblatex.bib``, ``.csl.json``, ``.ids.txt``, ``.md``, ``.csv``, ``.json``)."""
    return format_for_path(path.name)


def user_notes(store: StateStore, papers: Sequence[Paper]) -> dict[str, Annotation]:
    """The user's (tags, note) of each of ``papers`` that has either, for :func:`export_papers`."""
    found = {}
    for paper in papers:
        state = store.get(paper.id)
        if state.tags or state.note:
            found[paper.id] = (state.tags, state.note)
    return found


def export_and_pin(
    papers: Sequence[Paper],
    fmt: str,
    store: StateStore,
    *,
    ascii: bool = False,
    csv_raw: bool = False,
) -> Export:
    """Export with the store's pinned keys and marks, then pin the keys the export shows.

    Every format shows citation keys, and a key once shown must never change, so all of them
    pin. A read-only store (a newer schema) is left alone: callers say the keys were not pinned.
    Raises StateError when the pinning cannot be saved (the text is then not returned). When
    another paperterm pinned one of the keys for another paper meanwhile (the store refuses a
    key twice, under its lock), the export is made again with the keys now pinned.
    """
    flags = {paper.id: (store.is_read(paper.id), store.is_starred(paper.id)) for paper in papers}
    for _ in range(_PIN_ATTEMPTS):
        result = export_papers(
            papers,
            fmt,
            pinned=store.pinned_keys,
            ascii=ascii,
            flags=flags,
            notes=user_notes(store, papers),
            csv_raw=csv_raw,
        )
        if store.read_only:
            return result
        pinned = store.pin_keys(result.keys)
        if all(pinned.get(paper_id) == key for paper_id, key in result.keys.items()):
            return result
        # Another paperterm pinned one of these keys meanwhile: export again with its keys.
    raise ExportError("citation keys kept changing under another paperterm; try again")


_PIN_ATTEMPTS = 5


def protected_files(store: StateStore) -> dict[Path, str]:
    """Files no export may replace, each with what it is: the state's (file, backup, lock, the
    record of papers seen) and paperterm's settings and filters."""
    return {**store.own_files, **locations.own_files()}


def export_to_file(
    papers: Sequence[Paper], path: Path, store: StateStore, fmt: str | None = None, **options: bool
) -> Export:
    """Export ``papers`` to the file ``path`` (format from its extension unless ``fmt``), pin
    their keys, and return the export.

    The file is checked first (:func:`paperterm.fsio.user_target`): the files of
    :func:`protected_files` are refused, and nothing is pinned for a refused file. ``options``
    go to the exporter (``ascii``). Raises OSError or StateError.
    """
    protected = protected_files(store)
    fsio.user_target(path, protected)
    result = export_and_pin(papers, fmt or format_for(path), store, **options)
    fsio.write_user_file(path, result.text.encode("utf-8"), protected)
    return result


@dataclass(frozen=True)
class Citation:
    """A paper's BibTeX entry, its key, and whether pinning the key failed."""

    key: str
    """The citation key (pinned from now on, unless :attr:`error`)."""
    entry: str
    """The whole ``@misc{...}`` entry."""
    error: str | None = None
    """Why the key could not be pinned (the entry is still good to copy)."""


def cite(paper: Paper, store: StateStore) -> Citation:
    """The paper's BibTeX entry under its pinned key, pinning a new key first when it has none
    (another process may pin one meanwhile: the pinned key always wins)."""
    try:  # pinned under the state's lock: a key another paperterm took meanwhile is not reused
        result = export_and_pin([paper], "bibtex", store)
        return Citation(result.keys[paper.id], result.text)
    except PapertermError as failed:
        pinned = store.get(paper.id).bibkey
        key = pinned or citation_keys([paper], pinned=store.pinned_keys)[paper.id]
        return Citation(key, bibtex_entry(paper, key), str(failed))


# -- the library --------------------------------------------------------------------------------


@dataclass
class Added:
    """What adding to the library did."""

    added: list[Path] = field(default_factory=list)
    """The files now in the library."""
    papers: set[str] = field(default_factory=set)
    """The distinct ids of their papers (the same paper in two dumps counts once)."""
    already: list[str] = field(default_factory=list)
    """The names of the dumps an identical copy of which was there already."""
    refused: list[str] = field(default_factory=list)
    """One line per dump refused (``name: why``)."""


LIBRARY_MAX_BYTES = 256 << 20
"""The largest dump kept in the library (a Hugging Face page is a few hundred KB)."""


def read_for_library(stream: BinaryIO) -> bytes:
    """A dump's bytes from ``stream`` (a file or standard input) for :func:`add_to_library`,
    refused with NotADump as soon as its start reads as binary data, or past
    :data:`LIBRARY_MAX_BYTES`: ``/dev/zero`` or an endless pipe never fills the memory."""
    head = stream.read(SNIFF)
    refuse_binary(head)
    data = head + stream.read(LIBRARY_MAX_BYTES + 1 - len(head))
    if len(data) > LIBRARY_MAX_BYTES:
        raise NotADump(f"larger than {LIBRARY_MAX_BYTES >> 20} MB: too large for a dump")
    return data


def add_to_library(library: Path, dumps: Iterable[tuple[str, str, bytes]]) -> Added:
    """Keep each dump of ``dumps`` (shown name, file name, bytes) in ``library``, once.

    Each is checked by loading it first; a dump is kept as ``*.txt`` (a saved API answer as
    ``*.json``), under its own name or ``name-2.txt``... when another dump has that name, and
    skipped when an identical copy is there. Raises OSError when the library cannot be written.
    """
    library.mkdir(parents=True, exist_ok=True)
    report = Added()
    for shown, name, data in dumps:
        try:
            target, ids = _add_one(library, shown, name, data)
        except DumpError as error:
            report.refused.append(str(error))
            continue
        if target is None:
            report.already.append(shown)
        else:
            report.added.append(target)
            report.papers |= ids
    return report


def _add_one(library: Path, shown: str, name: str, data: bytes) -> tuple[Path | None, set[str]]:
    """Check ``data`` is a dump and keep it in the library; return where (None when an identical
    copy is there) and the ids of its papers.

    The bytes go to a hidden file in the library first (which the loader skips), are loaded from
    there, and only then take their name: a dump is never half in the library.
    """
    fd, incoming = tempfile.mkstemp(dir=library, prefix=".incoming-", suffix=".txt")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        try:
            ids = {paper.id for paper in load([incoming])}
        except DumpError as error:
            raise DumpError(shown, error.reason, error.line) from None
        target = _library_target(library, name, data)
        if target is not None:
            fsio.move_into_place(Path(incoming), target)
        return target, ids
    finally:
        Path(incoming).unlink(missing_ok=True)


def _library_target(library: Path, name: str, data: bytes) -> Path | None:
    """Where to keep a dump: its name as ``*.txt`` (``*.json`` for a saved API answer), or
    ``name-2.txt``... when that is taken by another dump; None when an identical copy is there,
    under any name (a dump added again from standard input, or renamed, is the same dump)."""
    if _already_kept(library, data):
        return None
    suffix = ".json" if apidump.looks_like_json(data[: apidump.HEAD]) else ".txt"
    kept = Path(name).suffix.lower() in (".txt", ".json")
    stem = Path(name).stem if kept else Path(name).name
    candidate = library / f"{stem}{suffix}"
    number = 1
    while os.path.lexists(candidate):
        try:
            if fsio.read_regular(candidate)[0] == data:
                return None
        except OSError:
            pass  # not a regular file (or unreadable): a name taken all the same
        number += 1
        candidate = library / f"{stem}-{number}{suffix}"
    return candidate


def _already_kept(library: Path, data: bytes) -> bool:
    """Whether a dump in the library holds exactly ``data`` (sizes first, then the bytes)."""
    try:
        kept = dump_files(library)
    except OSError:
        return False
    for path in kept:
        try:
            if path.stat().st_size == len(data) and fsio.read_regular(path)[0] == data:
                return True
        except OSError:
            continue
    return False


def marks_of(store: StateStore, papers: Iterable[Paper]) -> Mapping[str, tuple[bool, bool]]:
    """(read, starred) of each paper, by id: what the JSON and CSV records carry."""
    read, starred = store.read_ids, store.starred_ids
    return {paper.id: (paper.id in read, paper.id in starred) for paper in papers}
