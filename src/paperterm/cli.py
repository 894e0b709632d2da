"""The command line: ``paperterm [PATH ...]`` opens the TUI; subcommands serve scripts.

Every failure the user can cause ends in one line on standard error,
``paperterm: error: ...``, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import NamedTuple, NoReturn, TextIO

import orjson

from paperterm import __version__
from paperterm.catalog import Catalog
from paperterm.errors import DumpError, PapertermError
from paperterm.loader import load
from paperterm.locations import default_state_path, library_dir
from paperterm.model import Paper
from paperterm.state import StateStore

COMMANDS = ("list", "export", "mark", "add", "stats")
EXPORT_FORMATS = ("bibtex", "markdown", "csv", "json")
DEMO_NOTICE = (
    "This is the demo catalogue. Open your own dumps with `paperterm PATH ...`, "
    "or keep them with `paperterm add PATH ...`."
)
_PROGRESS_FROM_BYTES = 20_000_000
_ID_LENGTH = 12
_HEX = frozenset("0123456789abcdef")


class UsageError(PapertermError):
    """The command line itself is wrong."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2, as for every other error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Subparsers default to SUPPRESS so `paperterm --state F list` is not undone by `list`.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--state",
        metavar="FILE",
        type=Path,
        default=default,
        help=f"the state file (default: {default_state_path()})",
    )


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="dump files, folders of *.txt dumps, or - for standard input "
        "(default: your library, or the demo when it is empty)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, subcommands included (used for --help and parsing)."""
    parser = _Parser(
        prog="paperterm",
        usage="%(prog)s [-h] [--version] [--state FILE] [PATH ... | COMMAND ...]",
        description="Triage Hugging Face Papers dumps: filter, read, star, export to BibTeX.",
        epilog="Run `paperterm PATH ...` to open the reader; `paperterm COMMAND --help` for a "
        "command. A file named like a command opens as ./NAME.",
    )
    parser.add_argument("--version", action="version", version=f"paperterm {__version__}")
    _global_options(parser, top=True)
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, prog="paperterm"
    )

    listing = commands.add_parser(
        "list",
        help="print one line per paper: ID, flags, title",
        description="Print one line per paper: ID<TAB>flags<TAB>title. Flags are three "
        "characters: s (starred), r (read), c (has a code link), or - in their place.",
    )
    _paths(listing)
    listing.add_argument("-q", "--query", default="", help="only papers matching QUERY, best first")
    listing.add_argument("--starred", action="store_true", help="only starred papers")
    listing.add_argument("--unread", action="store_true", help="only unread papers")
    listing.add_argument("--json", action="store_true", help="print a JSON array instead")
    _global_options(listing, top=False)

    export = commands.add_parser(
        "export",
        help="export starred papers (BibTeX by default)",
        description="Export the starred papers, or all of them, or those matching a query. "
        "BibTeX keys are pinned in the state once exported and never change afterwards.",
    )
    _paths(export)
    which = export.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every paper, not only starred ones")
    which.add_argument("-q", "--query", default=None, help="the papers matching QUERY")
    export.add_argument("-f", "--format", choices=EXPORT_FORMATS, default="bibtex")
    export.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE")
    export.add_argument("--ascii", action="store_true", help="turn non-ASCII text into TeX")
    _global_options(export, top=False)

    mark = commands.add_parser(
        "mark",
        help="star, unstar, mark read or unread by id",
        description="Change the state of papers by id. An ID of - reads ids from standard "
        "input, the first tab-separated field of each line (so `paperterm list` output pipes in).",
    )
    mark.add_argument("action", choices=("star", "unstar", "read", "unread"))
    mark.add_argument("ids", metavar="ID", nargs="+")
    _global_options(mark, top=False)

    add = commands.add_parser(
        "add",
        help="copy dumps into your library",
        description=f"Copy dumps into your library ({library_dir()}); `paperterm` alone "
        "then opens them. Files that hold no papers are refused.",
    )
    add.add_argument("paths", metavar="PATH", nargs="+")
    _global_options(add, top=False)

    stats = commands.add_parser("stats", help="count papers, read, starred and sources")
    _paths(stats)
    _global_options(stats, top=False)
    return parser


def run(argv: Sequence[str]) -> int:
    """Run paperterm with these arguments and return the exit status."""
    try:
        args = _parse(argv)
        handler: Callable[[argparse.Namespace], int] = {
            None: _open_reader,
            "list": _list,
            "export": _export,
            "mark": _mark,
            "add": _add,
            "stats": _stats,
        }[args.command]
        return handler(args)
    except PapertermError as error:
        _say("error", str(error))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`paperterm list | head`): not an error worth a word.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = build_parser()
    if _first_word(argv) in COMMANDS:
        return parser.parse_args(argv)
    # No command: every positional is a dump path for the reader.
    reader = _Parser(prog="paperterm", add_help=False)
    reader.add_argument("--version", action="version", version=f"paperterm {__version__}")
    reader.add_argument("-h", "--help", action="store_true")
    _global_options(reader, top=True)
    reader.add_argument("paths", nargs="*")
    args = reader.parse_args(argv)
    if args.help:
        parser.print_help()
        raise SystemExit(0)
    args.command = None
    return args


def _first_word(argv: Sequence[str]) -> str | None:
    """The first argument that is not an option nor the value of ``--state``."""
    words = iter(argv)
    for arg in words:
        if arg == "--state":
            next(words, None)
        elif arg == "-" or not arg.startswith("-"):
            return arg
    return None


def _say(kind: str, message: str) -> None:
    print(f"paperterm: {kind}: {message}", file=sys.stderr)


def _open_store(args: argparse.Namespace, *, quiet: bool = False) -> StateStore:
    """The state store; its notices go to standard error unless the reader shows them."""
    store = StateStore.open(args.state)
    if not quiet:
        for notice in store.notices:
            _say("note", notice)
    return store


class _Loaded(NamedTuple):
    catalog: Catalog
    notices: list[str]
    """What the user should be told about the load: warnings, one per line."""
    demo: bool
    """True when this is the demo catalogue (no path given, empty library)."""


def _catalog(args: argparse.Namespace, *, quiet: bool = False) -> _Loaded:
    """Load the dumps named on the command line, else the library, else the demo.

    Load warnings (and the demo note) go to standard error at once unless ``quiet``: the
    reader shows them itself.
    """
    paths: list[str] = list(args.paths)
    if not paths:
        library = library_dir()
        if library.is_dir() and any(library.glob("*.txt")):
            paths = [str(library)]
    if paths:
        catalog = load(paths, on_progress=_progress_printer())
        loaded = _Loaded(catalog, [f"warning: {line}" for line in catalog.warnings], demo=False)
    else:
        with as_file(files("paperterm") / "demo") as demo:
            loaded = _Loaded(load([demo]), [f"note: {DEMO_NOTICE}"], demo=True)
    if not quiet:
        for notice in loaded.notices:
            print(f"paperterm: {notice}", file=sys.stderr)
    return loaded


def _progress_printer() -> Callable[[int, int], None] | None:
    """A progress line on standard error for long loads, when someone is watching."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if total < _PROGRESS_FROM_BYTES:
            return
        end = "\n" if done >= total else ""
        elapsed = time.monotonic() - started
        sys.stderr.write(
            f"\rpaperterm: loading {done / 1e6:,.0f} of {total / 1e6:,.0f} MB "
            f"({elapsed:.1f} s){end}"
        )
        sys.stderr.flush()

    return show


def _open_reader(args: argparse.Namespace) -> int:
    if "-" in args.paths:
        raise UsageError("the reader cannot read dumps from standard input; use `paperterm add -`")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the reader needs a terminal; for scripts use `paperterm list`")
    catalog, notices, demo = _catalog(args, quiet=True)
    store = _open_store(args, quiet=True)
    from paperterm.ui.app import run_app  # Textual is only imported for the reader.

    if demo:
        run_app(catalog, store, notices=store.notices, banner=DEMO_NOTICE)
    else:
        run_app(catalog, store, notices=[*notices, *store.notices])
    return 0


def _selected(catalog: Catalog, store: StateStore, query: str) -> list[Paper]:
    return catalog.search(query, read=store.read_ids, starred=store.starred_ids)


def _list(args: argparse.Namespace) -> int:
    catalog = _catalog(args).catalog
    store = _open_store(args)
    papers = _selected(catalog, store, args.query)
    starred, read = store.starred_ids, store.read_ids
    if args.starred:
        papers = [paper for paper in papers if paper.id in starred]
    if args.unread:
        papers = [paper for paper in papers if paper.id not in read]
    out = sys.stdout
    if args.json:
        rows = [
            paper_json(paper, read=paper.id in read, starred=paper.id in starred)
            for paper in papers
        ]
        out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        out.write("\n")
        return 0
    for paper in papers:
        flags = (
            ("s" if paper.id in starred else "-")
            + ("r" if paper.id in read else "-")
            + ("c" if paper.has_code else "-")
        )
        out.write(f"{paper.id}\t{flags}\t{paper.title}\n")
    return 0


def paper_json(paper: Paper, *, read: bool, starred: bool) -> dict[str, object]:
    """The JSON form of a paper used by `list --json`."""
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "abstracts": list(paper.abstracts),
        "links": [{"url": link.url, "code": link.is_code} for link in paper.links],
        "sources": [
            {"path": source.path, "position": source.position, "line": source.line}
            for source in paper.sources
        ],
        "read": read,
        "starred": starred,
    }


def _export(args: argparse.Namespace) -> int:
    from paperterm.export import export_papers

    catalog = _catalog(args).catalog
    store = _open_store(args)
    if args.all:
        papers, what = list(catalog.papers), "papers"
    elif args.query is not None:
        papers, what = _selected(catalog, store, args.query), "papers matching the query"
    else:
        starred = store.starred_ids
        papers, what = [p for p in catalog.papers if p.id in starred], "starred papers"
    if not papers:
        _say(
            "warning",
            f"no {what} to export; star some with `s` in the reader or `paperterm mark star ID`",
        )
    # Every pinned key, not only the exported papers': a new key must not take one already cited.
    pinned = store.pinned_keys
    flags = {paper.id: (store.is_read(paper.id), store.is_starred(paper.id)) for paper in papers}
    result = export_papers(papers, args.format, pinned=pinned, ascii=args.ascii, flags=flags)
    if args.output is None:
        sys.stdout.write(result.text)
    else:
        _write_file(args.output, result.text)
        _say("note", f"wrote {len(papers)} {what} to {args.output}")
    if args.format == "bibtex" and result.keys:
        if store.read_only:
            _say("warning", "the state is read-only, so these BibTeX keys were not pinned")
        else:
            store.pin_keys(result.keys)
    return 0


def _write_file(path: Path, text: str) -> None:
    """Write an export in one piece: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise PapertermError(f"cannot write {path}: {error.strerror or error}") from None


def _mark(args: argparse.Namespace) -> int:
    ids = list(_mark_ids(args.ids, sys.stdin))
    bad = [
        paper_id for paper_id in ids if len(paper_id) != _ID_LENGTH or not _HEX.issuperset(paper_id)
    ]
    if bad:
        raise UsageError(
            f"not a paper id: {bad[0]!r} (ids are 12 hex digits, see `paperterm list`)"
        )
    store = _open_store(args)
    if args.action in ("star", "unstar"):
        store.set_starred(ids, args.action == "star")
    else:
        store.set_read(ids, args.action == "read")
    return 0


def _mark_ids(given: Iterable[str], stdin: TextIO) -> Iterable[str]:
    for paper_id in given:
        if paper_id == "-":
            for line in stdin:
                if line.strip():
                    yield line.split("\t", 1)[0].strip().lower()
        else:
            yield paper_id.strip().lower()


def _add(args: argparse.Namespace) -> int:
    library = library_dir()
    added = papers = 0
    for given in args.paths:
        if given == "-":
            text = sys.stdin.read()
            name = time.strftime("stdin-%Y%m%d-%H%M%S.txt")
            sources: list[tuple[Path | None, str]] = [(None, name)]
        else:
            path = Path(given)
            found = sorted(path.glob("*.txt")) if path.is_dir() else [path]
            sources = [(file, file.name) for file in found]
            if not found:
                _say("warning", f"{given}: no *.txt dumps in this folder")
        for source, name in sources:
            try:
                if source is None:
                    count = _count_papers_in_text(text)
                    data = text.encode("utf-8")
                else:
                    count = len(load([source]))
                    data = source.read_bytes()
            except (DumpError, OSError) as error:
                _say("warning", f"not added: {error}")
                continue
            target = _library_target(library, name, data)
            if target is None:
                _say("note", f"{name}: already in the library")
                continue
            library.mkdir(parents=True, exist_ok=True)
            _write_bytes(target, data)
            added += 1
            papers += count
    if not added:
        return 1 if any(not Path(p).exists() for p in args.paths if p != "-") else 0
    _say("note", f"added {added} dump{'s' if added != 1 else ''} ({papers} papers) to {library}")
    return 0


def _count_papers_in_text(text: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stdin.txt"
        path.write_text(text, encoding="utf-8")
        try:
            return len(load([path]))
        except DumpError as error:
            raise DumpError("-", error.reason, error.line) from None


def _library_target(library: Path, name: str, data: bytes) -> Path | None:
    """Where to copy a dump: its name, or name-2.txt... when taken; None when already there."""
    stem, suffix = Path(name).stem, Path(name).suffix or ".txt"
    candidate = library / f"{stem}{suffix}"
    number = 1
    while candidate.exists():
        if candidate.read_bytes() == data:
            return None
        number += 1
        candidate = library / f"{stem}-{number}{suffix}"
    return candidate


def _write_bytes(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _stats(args: argparse.Namespace) -> int:
    catalog = _catalog(args).catalog
    store = _open_store(args)
    read, starred = store.read_ids, store.starred_ids
    files = {source.path for paper in catalog for source in paper.sources}
    counts = {
        "papers": len(catalog),
        "read": sum(paper.id in read for paper in catalog),
        "unread": sum(paper.id not in read for paper in catalog),
        "starred": sum(paper.id in starred for paper in catalog),
        "with code": sum(paper.has_code for paper in catalog),
        "sources": len(files),
    }
    width = max(len(name) for name in counts)
    for name, value in counts.items():
        print(f"{name:<{width}}  {value}")
    return 0
