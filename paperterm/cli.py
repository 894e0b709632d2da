"""The command line: ``paperterm [PATH ...]`` opens the TUI; subcommands serve scripts.

Every failure the user can cause ends in one line on standard error,
``paperterm: error: ...``, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import io
import os
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, NoReturn, TextIO

import orjson

from paperterm import __version__, fsio, settings, sorts, usecases
from paperterm.catalog import Catalog
from paperterm.errors import NetworkError, PapertermError, StateError, UsageError
from paperterm.export import FORMATS, format_for_path
from paperterm.export.formats import paper_record
from paperterm.identity import is_paper_id
from paperterm.inbox import FilterFile, Inbox
from paperterm.loader import STDIN, dump_files, load
from paperterm.locations import default_state_path, demo_state_path, library_dir
from paperterm.metadata import arxiv_id
from paperterm.metastore import MetaStore, attach
from paperterm.metastore import default_path as default_metastore_path
from paperterm.model import Paper
from paperterm.recommend import ForYou, for_you
from paperterm.sanitize import clean_text, printable
from paperterm.state import StateStore
from paperterm.state.record import ARXIV_NONE
from paperterm.textblocks import NotADump

if TYPE_CHECKING:
    from paperterm.enrich import Report
    from paperterm.fetch import Refreshed

COMMANDS = ("list", "export", "mark", "add", "stats", "fetch", "enrich", "mute", "merge")
DEMO_NOTICE = (
    "This is the demo catalogue. Open your own dumps with `paperterm PATH ...`, "
    "or keep them with `paperterm add PATH ...`."
)
NO_DUMPS = (
    "no dumps to read: name them (`paperterm COMMAND PATH ...`) "
    "or keep them with `paperterm add PATH ...`"
)
_PROGRESS_FROM_BYTES = 20_000_000


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
        type=_user_path,
        default=default,
        help=f"the state file (default: {default_state_path()})"
        + ("; the demo keeps its own" if top else ""),
    )


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="dump files (text or saved API answers), folders of them, or - for standard input "
        "(default: the dumps in your library)",
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
    listing.add_argument(
        "--sort",
        metavar="ORDER",
        choices=sorts.names(),
        default="relevance",
        help="the order, as the reader's t: "
        + "; ".join(f"{order.name}: {order.help}" for order in sorts.SORTS.values()),
    )
    listing.add_argument(
        "--muted", action="store_true", help="include the papers your mute rules hide"
    )
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
    export.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default=None,
        help="the format; without it, the one -o's file name asks for (refs.csv: csv, "
        "refs.csl.json: csl-json, ...), else bibtex",
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", type=_user_path, help="write to FILE (-: standard output)"
    )
    export.add_argument("--ascii", action="store_true", help="turn non-ASCII text into TeX")
    export.add_argument(
        "--csv-raw",
        action="store_true",
        help="CSV cells as they are: no leading ' before a cell a spreadsheet would run as a "
        "formula (=, +, -, @)",
    )
    _global_options(export, top=False)

    mark = commands.add_parser(
        "mark",
        help="star, unstar, mark read or unread by id; settle a paper's arXiv id",
        usage="paperterm mark {star,unstar,read,unread} ID ...\n"
        "       paperterm mark ID ... --arxiv ARXIV_ID|none|auto",
        description="Change the state of papers by id. An ID of - reads ids from standard "
        "input, the first tab-separated field of each line (so `paperterm list` output pipes in). "
        "With --arxiv, settle which arXiv paper a paper is (none: it is not on arXiv; auto: "
        "forget the choice and let `paperterm enrich` decide).",
    )
    mark.add_argument("words", metavar="ACTION|ID", nargs="+")
    mark.add_argument("--arxiv", metavar="ARXIV_ID", default=None)
    _global_options(mark, top=False)

    add = commands.add_parser(
        "add",
        help="copy dumps into your library",
        description=f"Copy dumps into your library ({library_dir()}); `paperterm` alone "
        "then opens them. Files that hold no papers are refused.",
    )
    add.add_argument("paths", metavar="PATH", nargs="+")
    _global_options(add, top=False)

    enrich = commands.add_parser(
        "enrich",
        help="identify papers on Hugging Face and arXiv (default: the starred ones)",
        description="Look papers up on Hugging Face Papers (by title) and arXiv (by id) and keep "
        "what they say (authors, date, arXiv id, categories, DOI...) in the metadata store "
        f"({default_metastore_path()}). A search hit is taken only when its title is the "
        "paper's own; anything less certain is reported as ambiguous. Papers identified once "
        "are never asked for again. Exit 0 when every lookup was answered, 1 when the network or "
        "an answer failed (what was found is kept).",
    )
    _paths(enrich)
    chosen = enrich.add_mutually_exclusive_group()
    chosen.add_argument("--all", action="store_true", help="every paper, not only starred ones")
    chosen.add_argument("-q", "--query", default=None, help="the papers matching QUERY")
    _global_options(enrich, top=False)

    stats = commands.add_parser("stats", help="count papers, read, starred and sources")
    _paths(stats)
    _global_options(stats, top=False)

    fetch = commands.add_parser(
        "fetch",
        help="fetch Hugging Face daily papers into your library",
        description="Ask Hugging Face for its daily papers lists (GET {HF_ENDPOINT}"
        "/api/daily_papers, one day at a time; HF_TOKEN is sent when set) and keep each day "
        f"as daily-YYYY-MM-DD.json in your library ({library_dir()}). Days are UTC days; "
        "the default is today. Prints one line per day with new papers; nothing when nothing "
        "is new. Exit status 0 also when nothing is new, 1 when the network or an answer "
        "failed (the library is then as it was).",
    )
    when = fetch.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="that day")
    when.add_argument("--week", metavar="YYYY-Www", help="that ISO week, Monday to Sunday")
    when.add_argument("--month", metavar="YYYY-MM", help="that month")
    when.add_argument("--since", metavar="YYYY-MM-DD", help="every day from that one to today")
    _global_options(fetch, top=False)

    mute = commands.add_parser(
        "mute",
        help="hide papers matching a query from every view; list or remove mute rules",
        description="Add a mute rule: a query in the filter language (see the README) whose "
        "matches are hidden from the reader's views and from `paperterm list` (unless "
        "`--muted` or `is:muted`). With no QUERY, list the rules, numbered.",
    )
    mute.add_argument("query", metavar="QUERY", nargs="*", help="the rule (words are joined)")
    mute.add_argument(
        "--remove", metavar="N", type=int, help="remove rule N (as numbered by `paperterm mute`)"
    )
    _global_options(mute, top=False)

    merge = commands.add_parser(
        "merge",
        help="merge other state files (another machine's) into yours",
        description="Merge other paperterm state files into yours, per paper and per field "
        "(per tag for tags): the later change wins. Exit status 2 when a FILE is not a "
        "paperterm state file (nothing is merged from it; the others are).",
    )
    merge.add_argument("files", metavar="FILE", nargs="+", type=_user_path)
    _global_options(merge, top=False)
    return parser


def _user_path(text: str) -> Path:
    """A path option as the user typed it, a leading ``~`` expanded (a quoted ``'~/s.json'``
    made a folder named ``~``)."""
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:  # no home to expand to: the name as it is
        return path


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
            "fetch": _fetch,
            "enrich": _enrich,
            "mute": _mute,
            "merge": _merge,
        }[args.command]
        _tolerant_stdout()
        try:
            return handler(args)
        finally:
            _say_later_notices()
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
    """One line on standard error; file names and quoted text in it are shown safely."""
    print(printable(f"paperterm: {kind}: {message}"), file=sys.stderr)


def _open_store(args: argparse.Namespace, *, quiet: bool = False) -> StateStore:
    """The state store; its notices go to standard error unless the reader shows them."""
    store = StateStore.open(args.state)
    if not quiet:
        for notice in store.notices:
            _say("note", notice)
        _opened.append((store, len(store.notices)))
    return store


def _with_metadata(catalog: Catalog, store: StateStore, *, quiet: bool = False) -> list[str]:
    """Give the catalogue's papers their metadata (the store's lookups, the user's choices);
    return the store's notices (printed at once unless ``quiet``)."""
    metadata = MetaStore.open()
    attach(catalog, metadata, store.arxiv_choices)
    if not quiet:
        for notice in metadata.notices:
            _say("note", notice)
    return metadata.notices


_opened: list[tuple[StateStore, int]] = []
"""Stores opened by this command, with how many of their notices were said."""


def _say_later_notices() -> None:
    """Say what a store noticed while saving (a backup that could not be refreshed...)."""
    while _opened:
        store, said = _opened.pop()
        for notice in store.notices[said:]:
            _say("warning", notice)


class _Loaded(NamedTuple):
    """A catalogue and what to say about it."""

    catalog: Catalog
    """The papers loaded."""
    notices: list[str]
    """What the user should be told about the load: warnings, one per line."""
    demo: bool
    """True when this is the demo catalogue (the reader with no path and an empty library)."""


def _catalog(
    args: argparse.Namespace, *, quiet: bool = False, demo: bool = False, search: bool = False
) -> _Loaded:
    """Load the dumps named on the command line, else the library.

    With nothing to load, the reader (``demo``) opens the demo catalogue; scripts get an error,
    so that they never list, count or export the demo's papers as if they were the user's.
    Load warnings go to standard error at once unless ``quiet``: the reader shows them itself.
    A caller that will ``search`` has a big catalogue's index built while it loads (the
    loader's ``index_ahead``).
    """
    paths: list[str] = list(args.paths)
    if not paths and _library_dumps():
        paths = [str(library_dir())]
    if paths:
        catalog = load(paths, on_progress=_progress_printer(), index_ahead=search)
        loaded = _Loaded(catalog, [f"warning: {line}" for line in catalog.warnings], demo=False)
    elif demo:
        with as_file(files("paperterm") / "demo") as folder:
            loaded = _Loaded(load([folder]), [], demo=True)
    else:
        raise UsageError(NO_DUMPS)
    if not quiet:
        for notice in loaded.notices:
            print(printable(f"paperterm: {notice}"), file=sys.stderr)
    return loaded


def _library_dumps() -> list[Path]:
    """The dumps kept in the library (by ``paperterm add``), as the loader would read them."""
    try:
        return dump_files(library_dir())
    except OSError:
        return []


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
    if STDIN in args.paths:
        raise UsageError("the reader cannot read dumps from standard input; use `paperterm add -`")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the reader needs a terminal; for scripts use `paperterm list`")
    catalog, notices, demo = _catalog(args, quiet=True, demo=True, search=True)
    if demo:
        # The demo's marks are play: they must never make a real dump's papers read or starred.
        args.state = demo_state_path()
    store = _open_store(args, quiet=True)
    notices = notices + _with_metadata(catalog, store, quiet=True)
    from paperterm.ui.app import run_app  # Textual is only imported for the reader.
    from paperterm.ui.idle_gc import set_aside_loaded

    set_aside_loaded()  # the catalogue, long-lived, out of the collector's way

    shown = [] if demo else list(args.paths) or [str(library_dir())]
    run_app(
        catalog,
        store,
        notices=notices,
        banner=DEMO_NOTICE if demo else None,
        fetcher=_reader_fetcher(shown, store),
        place_key=settings.catalogue_key(args.paths, demo=demo),
    )
    return 0


def _reader_fetcher(
    paths: Sequence[str], store: StateStore
) -> Callable[[Collection[str]], Refreshed]:
    """The reader's fetch command: today's papers into the library, then the reader's dumps
    (``paths``) loaded again with them, their metadata laid on as at start. On the demo
    (no ``paths``) the papers go to the library only: the demo's marks are kept apart."""

    def reload(written: Sequence[Path]) -> Catalog | None:
        if not paths:
            return None
        # A day file in a folder already named is read once (the loader skips the same file).
        catalog = load([*paths, *written], index_ahead=True)
        _with_metadata(catalog, store, quiet=True)
        return catalog

    def run(known: Collection[str]) -> Refreshed:
        from paperterm import fetch
        from paperterm.api.http import HttpClient

        library = library_dir()
        if not paths:  # the demo: new means new to the library, not to the demo
            known = fetch.library_ids(library)
        with HttpClient() as client:
            return fetch.refresh(
                known, library=library, client=client, base=client.endpoints.hf, reload=reload
            )

    return run


def _list(args: argparse.Namespace) -> int:
    catalog = _catalog(args, search=bool(args.query)).catalog
    store = _open_store(args)
    _with_metadata(catalog, store)
    inbox = Inbox(catalog, store)
    for notice in inbox.notices:
        _say("note", notice)
    starred, read = store.starred_ids, store.read_ids
    papers = usecases.list_papers(
        catalog,
        store,
        args.query,
        unread=args.unread,
        starred=args.starred,
        sort=args.sort,
        marks=inbox.marks(),
        include_muted=args.muted,
    )
    picks = for_you(catalog.papers, read, starred) if args.sort == sorts.FOR_YOU.name else None
    if picks is not None and picks.model is None:
        _say("note", f"{picks.message} Listed in catalogue order.")
    out = sys.stdout
    if args.json:
        # The same record as `export -f json`, so a script reads one shape.
        flags = usecases.marks_of(store, papers)
        pinned = store.pinned_keys
        notes = usecases.user_notes(store, papers)
        rows = [paper_record(paper, pinned.get(paper.id), flags, notes) for paper in papers]
        if picks is not None:
            for row, paper in zip(rows, papers, strict=True):
                row.update(_pick_record(picks, paper))
        _write_data(
            orjson.dumps(rows, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()
        )
        return 0
    for paper in papers:
        flags_text = (
            ("s" if paper.id in starred else "-")
            + ("r" if paper.id in read else "-")
            + ("c" if paper.has_code else "-")
        )
        title = clean_text(paper.title).translate(_ONE_LINE)
        out.write(f"{paper.id}\t{flags_text}\t{title}\n")
    return 0


_ONE_LINE = {ord(char): " " for char in "\x85\u2028\u2029\t"}
"""What a reader of lines (Python's splitlines) or of fields would take for a line break or a
tab inside a title: a space in ``list``, whose contract is one tab-separated line a paper."""


def _utf8(stream: TextIO) -> bool:
    try:
        return codecs.lookup(stream.encoding or "ascii").name == "utf-8"
    except LookupError:
        return False


def _tolerant_stdout() -> None:
    """Standard output in another encoding than UTF-8 (a Windows console or file, an old
    Latin-1 locale): what it cannot encode is written as ``\\u03c0``, not a traceback on the
    first title with a π in it."""
    out = sys.stdout
    if not _utf8(out) and isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="backslashreplace")


def _write_data(text: str) -> None:
    """An export or JSON to standard output: UTF-8 bytes whatever the console's encoding, as
    a file of that format is (``export > refs.bib`` on Windows is a good .bib)."""
    out = sys.stdout
    if _utf8(out) or not hasattr(out, "buffer"):
        out.write(text)
        return
    out.flush()
    out.buffer.write(text.encode("utf-8"))
    out.buffer.flush()


def _pick_record(picks: ForYou, paper: Paper) -> dict[str, object]:
    """What ``list --sort for-you --json`` adds to a record: the model's score (null without
    stars) and the terms that weigh most in it."""
    score = picks.score(paper.index)
    return {
        "score": None if score is None else round(score, 6),
        "because": list(picks.because(paper)),
    }


def _export(args: argparse.Namespace) -> int:
    catalog = _catalog(args).catalog
    store = _open_store(args)
    _with_metadata(catalog, store)
    if args.output is not None and str(args.output) == STDIN:
        args.output = None  # `-o -`: standard output, as `-` is standard input for PATH
    if args.format is None:
        # As the reader's `e` does: `-o refs.csv` alone writes CSV, not BibTeX named .csv.
        args.format = "bibtex" if args.output is None else format_for_path(args.output.name)
    chosen = usecases.choose_papers(catalog, store, query=args.query, every=args.all)
    if not chosen.papers:
        _say("error", f"no {chosen.what} to export{chosen.hint}; nothing written")
        return 1
    if args.format == "ids":
        papers = chosen.papers
        unknown = sum(paper.meta is None or not paper.meta.arxiv_id for paper in papers)
        if unknown == len(papers):
            _say(
                "error", f"none of the {chosen.what} has a known arXiv id (see `paperterm enrich`)"
            )
            return 1
        if unknown:
            _say("note", f"{_count(unknown, 'paper')} without a known arXiv id left out")
    if args.output is None:
        result = usecases.export_and_pin(
            chosen.papers, args.format, store, ascii=args.ascii, csv_raw=args.csv_raw
        )
    else:
        try:
            result = usecases.export_to_file(
                chosen.papers,
                args.output,
                store,
                args.format,
                ascii=args.ascii,
                csv_raw=args.csv_raw,
            )
        except OSError as error:
            raise PapertermError(
                f"cannot write {printable(str(args.output))}: {fsio.reason(error)}"
            ) from None
    if store.read_only:
        _say("warning", "the state file is read-only, so these citation keys were not pinned")
    if args.output is None:
        _write_data(result.text)
        return 0
    _say("note", f"wrote {_count(len(chosen.papers), 'paper')} to {args.output}")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


_MARK_ACTIONS = ("star", "unstar", "read", "unread")


def _mark(args: argparse.Namespace) -> int:
    words: list[str] = args.words
    choice = None
    if args.arxiv is not None:
        choice = _arxiv_choice(args.arxiv)
        if words[0] in _MARK_ACTIONS:
            raise UsageError("--arxiv takes paper ids only: `paperterm mark ID --arxiv ARXIV_ID`")
    elif words[0] not in _MARK_ACTIONS:
        raise UsageError(
            f"unknown action {words[0]!r}: use star, unstar, read, unread, or --arxiv "
            "(see `paperterm mark --help`)"
        )
    else:
        words = words[1:]
        if not words:
            raise UsageError("no paper id given (see `paperterm mark --help`)")
    ids = list(_mark_ids(words, sys.stdin))
    bad = [paper_id for paper_id in ids if not is_paper_id(paper_id)]
    if bad:
        raise UsageError(
            f"not a paper id: {bad[0]!r} (ids are 12 hex digits, see `paperterm list`)"
        )
    store = _open_store(args)
    if args.arxiv is not None:
        with store.update() as changes:
            for paper_id in ids:
                changes.set_arxiv(paper_id, choice)
    elif args.words[0] in ("star", "unstar"):
        store.set_starred(ids, args.words[0] == "star")
    else:
        store.set_read(ids, args.words[0] == "read")
    return 0


def _arxiv_choice(given: str) -> str | None:
    """The state's value for ``--arxiv``: an arXiv id without version, ``"none"``, or None
    for ``auto`` (forget the choice)."""
    word = given.strip()
    if word.lower() == "auto":
        return None
    if word.lower() == ARXIV_NONE:
        return ARXIV_NONE
    found = arxiv_id(word.removeprefix("arXiv:").removeprefix("arxiv:"))
    if found is None:
        raise UsageError(
            f"not an arXiv id: {printable(given)!r} (like 1803.03635 or hep-th/9901001; "
            "or none, or auto)"
        )
    return found


def _mark_ids(given: Iterable[str], stdin: TextIO) -> Iterable[str]:
    for paper_id in given:
        if paper_id == STDIN:
            for line in stdin:
                if line.strip():
                    yield line.split("\t", 1)[0].strip().lower()
        else:
            yield paper_id.strip().lower()


def _add(args: argparse.Namespace) -> int:
    """Copy dumps into the library; each is checked by loading it first, and kept as ``*.txt``
    (a saved API answer as ``*.json``).

    Exit status 2 when any path was refused (missing, empty, no papers), after adding the rest.
    """
    library = library_dir()
    try:
        library.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PapertermError(f"cannot create the library {library}: {error.strerror}") from None
    unreadable = False

    def readable() -> Iterable[tuple[str, str, bytes]]:
        nonlocal unreadable
        for shown, name, data in _dumps_to_add(args.paths):
            if data is None:
                unreadable = True
            else:
                yield shown, name, data

    try:
        report = usecases.add_to_library(library, readable())
    except OSError as error:
        raise PapertermError(f"cannot write to the library {library}: {error.strerror}") from None
    for line in report.refused:
        _say("warning", f"not added: {line}")
    for shown in report.already:
        _say("note", f"{shown}: already in the library")
    if report.added:
        counts = f"{_count(len(report.added), 'dump')} ({_count(len(report.papers), 'paper')})"
        _say("note", f"added {counts} to {library}")
    return 2 if unreadable or report.refused else 0


def _dumps_to_add(paths: Iterable[str]) -> Iterable[tuple[str, str, bytes | None]]:
    """(shown name, file name to keep, bytes); the bytes are None for a path that cannot be read."""
    for given in paths:
        if given == STDIN:
            name = time.strftime("stdin-%Y%m%d-%H%M%S.txt")
            yield "standard input", name, _read_for_library("standard input", sys.stdin.buffer)
            continue
        path = Path(given)
        try:
            found = dump_files(path) if path.is_dir() else [path]
        except OSError as error:
            _say("warning", f"not added: {given}: {error.strerror}")
            yield given, "", None
            continue
        if not found:
            _say("warning", f"not added: {given}: no *.txt or *.json dumps in this folder")
            yield given, "", None
        for file in found:
            shown = str(file)
            try:
                with file.open("rb") as stream:
                    data = _read_for_library(shown, stream)
            except OSError as error:
                _say("warning", f"not added: {shown}: {error.strerror}")
                data = None
            yield shown, file.name if data is not None else "", data


def _read_for_library(shown: str, stream: BinaryIO) -> bytes | None:
    """The bytes of a dump to add, or None (said why) when they are refused unread."""
    try:
        return usecases.read_for_library(stream)
    except NotADump as refused:
        _say("warning", f"not added: {printable(shown)}: {refused}")
        return None


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


def _fetch(args: argparse.Namespace) -> int:
    """Fetch daily papers into the library; exit 1 (library untouched) when anything failed."""
    from paperterm import fetch  # httpx is only imported for the commands that use it
    from paperterm.api.http import HttpClient

    when = fetch.days(date=args.date, week=args.week, month=args.month, since=args.since)
    library = library_dir()
    progress = _fetch_progress(len(when))
    try:
        with HttpClient() as client:
            results = fetch.fetch(
                when,
                library,
                client,
                base=client.endpoints.hf,
                known=fetch.library_ids(library),
                on_progress=progress,
            )
    except (NetworkError, fetch.FetchError) as error:
        if progress is not None and progress.shown:
            sys.stderr.write("\n")  # end the progress line before the error
        _say("error", str(error))
        return 1
    for day in results:
        if day.new:
            print(f"{day.day}: {_count(day.papers, 'paper')}, {day.new} new")
    if not any(day.new for day in results) and sys.stderr.isatty():
        papers = sum(day.papers for day in results)
        _say("note", f"nothing new ({_count(len(results), 'day')}, {_count(papers, 'paper')})")
    return 0


class _FetchProgress:
    """A progress bar on standard error for a range of days."""

    def __init__(self) -> None:
        self.shown = False
        """Whether a bar is on the screen, its line not yet ended."""

    def __call__(self, done: int, total: int, day: object) -> None:
        width = 20
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\rpaperterm: fetching [{bar}] {done}/{total} days ({day}){end}")
        sys.stderr.flush()
        self.shown = done < total


def _fetch_progress(total: int) -> _FetchProgress | None:
    """A progress bar for a range of days, when someone is watching standard error."""
    if total < 2 or not sys.stderr.isatty():
        return None
    return _FetchProgress()


_PROGRESS_FROM_STEPS = 4
_AMBIGUOUS_SHOWN = 20


def _enrich(args: argparse.Namespace) -> int:
    """Identify the chosen papers (see :mod:`paperterm.enrich`); print one summary line.

    Exit 0 when every lookup was answered, 1 when the network or an answer failed, 130 when
    interrupted; what was found is kept in every case.
    """
    catalog = _catalog(args).catalog
    store = _open_store(args)
    chosen = usecases.choose_papers(catalog, store, query=args.query, every=args.all)
    papers, what = chosen.papers, chosen.what
    metadata = MetaStore.open()
    for notice in metadata.notices:
        _say("note", notice)
    if not papers:
        _say("note", f"no {what} to look up (--all looks up every paper)")
        return 0
    from paperterm.api.http import HttpClient  # httpx is only imported when needed
    from paperterm.enrich import enrich

    bar = _step_printer("looking up")
    try:
        with HttpClient() as http:
            report = enrich(papers, metadata, store.arxiv_choices, http, progress=bar)
    finally:
        if bar is not None:
            bar.end()
    _explain_ambiguous(report, metadata, catalog)
    if report.error is not None:
        _say("error", report.error)
    print(report.summary())
    if report.interrupted:
        return 130
    return 1 if report.error is not None else 0


def _explain_ambiguous(report: Report, metadata: MetaStore, catalog: Catalog) -> None:
    """Tell how to settle the papers found ambiguous (a few lines at most)."""
    for paper_id in report.ambiguous[:_AMBIGUOUS_SHOWN]:
        lookup = metadata.get(paper_id)
        maybe = ", ".join(
            f"{ident} ({printable(title)[:60]})"
            for ident, title in (lookup.candidates if lookup else ())
        )
        title = printable(catalog[paper_id].title)[:70] if paper_id in catalog else paper_id
        _say(
            "note",
            f"ambiguous: {paper_id} {title}"
            + (f"; maybe {maybe}" if maybe else "")
            + f"; settle with `paperterm mark {paper_id} --arxiv ARXIV_ID` (or none)",
        )
    if len(report.ambiguous) > _AMBIGUOUS_SHOWN:
        _say("note", f"and {len(report.ambiguous) - _AMBIGUOUS_SHOWN} more ambiguous papers")


def _step_printer(label: str) -> _StepBar | None:
    """A progress bar on standard error for more than a few steps, when someone is watching."""
    return _StepBar(label) if sys.stderr.isatty() else None


class _StepBar:
    """``paperterm: LABEL [####....] done/total`` drawn over itself on standard error."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.drawn = False
        """Whether the bar is on its line, not ended by a line break yet."""

    def __call__(self, done: int, total: int) -> None:
        if total < _PROGRESS_FROM_STEPS:
            return
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\rpaperterm: {self.label} [{bar}] {done}/{total}{end}")
        sys.stderr.flush()
        self.drawn = not end

    def end(self) -> None:
        """End the bar's line when the steps stopped short of the total (some need no request,
        or the lookup stopped early): what is printed next starts on a line of its own."""
        if self.drawn:
            sys.stderr.write("\n")
            self.drawn = False


def _mute(args: argparse.Namespace) -> int:
    """Add a mute rule, remove one by number, or list them."""
    rules = FilterFile()
    query = " ".join(args.query).strip()
    if args.remove is not None and query:
        raise UsageError("give a QUERY to add or --remove N, not both")
    try:
        if args.remove is not None:
            removed, _ = rules.remove_mute(args.remove)
            _say("note", f"removed mute rule {args.remove}: {printable(removed)}")
        elif query:
            before = len(rules.read().mute)
            after = rules.add_mute(query)
            if len(after.mute) == before:
                _say("note", f"already a mute rule: {printable(query)}")
            else:
                _say("note", f"added mute rule {len(after.mute)}: {printable(after.mute[-1])}")
        else:
            for number, rule in enumerate(rules.read().mute, 1):
                print(f"{number}\t{printable(rule)}")
    except ValueError as error:
        raise UsageError(str(error)) from None
    for notice in rules.notices:
        _say("note", notice)
    return 0


def _merge(args: argparse.Namespace) -> int:
    """Merge other machines' state files into ours; exit 2 if any FILE is not a state file."""
    store = _open_store(args)
    if store.read_only:
        raise PapertermError(f"{store.path}: read-only (newer schema); nothing merged")
    good = []
    refused = False
    for path in args.files:
        try:
            papers = store.read_other(path)
        except StateError as error:
            _say("error", f"{printable(str(error))}; nothing merged from it")
            refused = True
            continue
        if Path(os.path.realpath(path)) == Path(os.path.realpath(store.path)):
            _say("note", f"{printable(str(path))} is the state file itself; skipped")
            continue
        good.append(papers)
    if good:
        changed = store.merge_in(good)
        _say(
            "note",
            f"merged {_count(len(good), 'file')} into {store.path}: "
            f"{_count(changed, 'paper')} changed",
        )
    return 2 if refused else 0
