"""Time to the triage app's first frame, and filter latency, on 100k papers and the shared dumps.

For each run it loads the catalogue afresh (timed apart: that is the loader's cost, not the UI's),
then measures, from ``PapertermApp(...)`` to:
- ``first row``: the list pane drawing its first paper line (the first frame the user sees);
- ``echo``: the same keys' echo, from the moment they are sent to the first frame whose filter
  bar shows the first letter, and the whole query: what a user sees of their typing while a
  first open builds the index (a frame or two is at once; the baseline is the same burst typed
  again once the index is built, in the same run);
- ``first answer``: a filter typed at that first frame (``/`` and the query sent as key events
  the moment the first row is drawn, as a terminal delivers a burst: no waiting for the app to
  be idle between keys as Textual's Pilot does, which a build running on another thread
  stretches by up to a second) shown in the list, timed from the first frame (the issue's
  goal): on a first open of a big catalogue the title matches come first (the status line says
  "titles only so far"), then the whole answer;
- ``search index built``: the background build the filter needs is done. Each run has an empty
  cache dir of its own, so this is a first open's build, never a saved index (bench_search.py
  times reopening).
Then, once the index is built, it types a query one key at a time (setting the filter's value,
as a keystroke does) and prints, per keystroke, the time until the list shows that keystroke's
rows. Headless (Textual's test driver), 120x40; medians of ``--runs`` runs, and for the first
answer the worst run too (it depends on how far the titles' index has got when the query
comes). The process's CPU time is given beside, and the load average before and after.

    python benchmarks/bench_startup.py                      # 100k synthetic + ../shared/dumps
    python benchmarks/bench_startup.py --size 10k --runs 5 --query "graph neural"
    python benchmarks/bench_startup.py --runs 8 --no-shared # the first answer's spread at 100k
    python benchmarks/bench_startup.py --ahead both         # loaded with and without index_ahead
    python benchmarks/bench_startup.py --no-shared --ahead off --pace 120  # a key every 120 ms

Each catalogue is loaded as the reader loads it (``load(index_ahead=True)``: a helper process
builds the index meanwhile when a core is free, see ``paperterm.search.ahead``), or with
``--ahead off`` without it, or both ways alternated; the catalogue is then put out of the
collector's sight as the command line does before the reader starts.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SHARED = HERE.parent.parent / "shared" / "dumps"

start_import = time.perf_counter()
from paperterm.ui.app import PapertermApp  # noqa: E402 - timed on purpose

try:
    from paperterm.ui.idle_gc import set_aside_loaded
except ImportError:  # older code (the benchmark pointed at another checkout): nothing set aside

    def set_aside_loaded() -> None:
        """Nothing to do on code without it."""


from paperterm.ui.widgets.filter_bar import FilterBar  # noqa: E402
from paperterm.ui.widgets.paper_list import PaperList  # noqa: E402
from paperterm.ui.widgets.status_line import StatusLine  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - start_import

from textual import events  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

sys.path.insert(0, str(HERE))
import paperterm  # noqa: E402
import synth  # noqa: E402
from paperterm.catalog import Catalog  # noqa: E402
from paperterm.state import StateStore  # noqa: E402


def parse_size(text: str) -> int:
    """``10k`` -> 10_000, ``100k`` -> 100_000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor != 1 else text) * factor)


class _FirstRow:
    """Wraps PaperList.render_lines (the list draws its lines there) to note when the first
    paper lines are drawn."""

    def __init__(self) -> None:
        self.at: float | None = None
        self._original: Callable[..., object] = PaperList.render_lines

    def install(self) -> None:
        original = self._original
        probe = self

        def render_lines(widget: PaperList, crop: Any) -> object:
            lines = original(widget, crop)
            if probe.at is None and widget.rows:
                probe.at = time.perf_counter()
            return lines

        PaperList.render_lines = render_lines  # type: ignore[method-assign,assignment]


class _Echo:
    """Wraps FilterBar.render_lines (the bar draws its line there) to note when the bar first
    shows each beginning of the query typed (the first letter, the first two...)."""

    def __init__(self) -> None:
        self.query = ""
        self.shown: dict[int, float] = {}
        """Letters of the query -> when the bar first showed that many."""
        self._original: Callable[..., object] = FilterBar.render_lines

    def expect(self, query: str) -> None:
        """Note the echo of ``query``, about to be typed."""
        self.query = query
        self.shown = {}

    @property
    def whole(self) -> bool:
        """Whether the bar has shown the whole query."""
        return len(self.query) in self.shown

    def echoes(self, sent: list[float]) -> list[float]:
        """For each letter, sent at ``sent[i]``: until the bar first showed it (and the letters
        before it)."""
        return [
            min(at for letters, at in self.shown.items() if letters > i) - sent[i]
            for i in range(len(self.query))
        ]

    def install(self) -> None:
        original = self._original
        probe = self

        def render_lines(widget: FilterBar, crop: Any) -> object:
            lines = original(widget, crop)
            query, value = probe.query, widget.value
            if query and value and query.startswith(value):
                probe.shown.setdefault(len(value), time.perf_counter())
            return lines

        FilterBar.render_lines = render_lines  # type: ignore[method-assign,assignment]

    def remove(self) -> None:
        FilterBar.render_lines = self._original  # type: ignore[method-assign,assignment]


async def _type_keys(app: PapertermApp, echo: _Echo, query: str, pace: float) -> list[float]:
    """Type ``/`` and ``query`` (at once, or a key every ``pace`` seconds) and wait for the bar to
    show it; each letter's echo (see :meth:`_Echo.echoes`)."""
    echo.expect(query)
    sent = []
    if pace:
        _send_keys(app, "/")
        for key in query:
            await asyncio.sleep(pace)
            sent.append(time.perf_counter())
            _send_keys(app, key)
    else:
        sent = [time.perf_counter()] * len(query)
        _send_keys(app, "/" + query)
    while not echo.whole:
        await asyncio.sleep(0.002)
    return echo.echoes(sent)


class _Answer:
    """The query typed at the first frame: when the list first shows its rows, and when whole."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.whole: float | None = None
        self.first_complete = False
        self.done = asyncio.Event()


def _follow_answer(app: PapertermApp, query: str) -> tuple[_Answer, Callable[[], None]]:
    """Note when the main screen hands the rows of ``query`` (the latest request) to the list;
    and the function that stops noting."""
    answer = _Answer()
    main = app.main
    original = main._show_rows

    def timed_show(*args: Any) -> None:
        original(*args)
        request, rows = args[0], args[1]
        if request is not main._request or request is None or request.selection.query != query:
            return
        now = time.perf_counter()
        if answer.first is None:
            answer.first = now
            answer.first_complete = rows.complete
        if rows.complete and answer.whole is None:
            answer.whole = now
            answer.done.set()

    main._show_rows = timed_show  # type: ignore[method-assign,assignment]

    def remove() -> None:
        main._show_rows = original  # type: ignore[method-assign]

    return answer, remove


def _send_keys(app: PapertermApp, keys: str) -> None:
    """The keys as a terminal sends a burst of them: at once, nothing waited for in between."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = {"/": "slash", " ": "space"}.get(key, key)
        event = events.Key(name, key)
        event.set_sender(app)
        driver.send_message(event)


class Run(NamedTuple):
    """What one app start measured, in seconds."""

    first_row: float
    """From constructing the app to the list drawing its first paper line."""
    echoes: list[float]
    """Each letter typed at the first frame: from the key sent to the bar showing it."""
    echoes_idle: list[float]
    """The same, typed again once the index is built (the baseline)."""
    first_answer: float
    """From the first frame to the typed query's first answer in the list."""
    first_complete: bool
    """Whether that first answer was the whole one (not title matches only)."""
    whole_answer: float
    """From the first frame to the whole answer."""
    indexed: float
    keys: list[float]
    cpu: float
    """The process's CPU time over the run (both cores count), its helper's included."""


def _cpu() -> float:
    """This process's CPU time and its ended children's (the helper building the index)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


async def _one_run(catalog: Catalog, query: str, pace: float) -> Run:
    probe = _FirstRow()
    probe.install()
    echo = _Echo()
    echo.install()
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["XDG_CACHE_HOME"] = folder  # never the user's cache, never a saved index
            store = StateStore.open(Path(folder) / "state.json")
            cpu = _cpu()
            start = time.perf_counter()
            app = PapertermApp(catalog, store)
            async with app.run_test(size=(120, 40)) as pilot:
                answer, stop = _follow_answer(app, query)
                while probe.at is None:
                    await asyncio.sleep(0.002)
                echoes = await _type_keys(app, echo, query, pace)
                await asyncio.wait_for(answer.done.wait(), timeout=600)
                stop()
                app.query_one(FilterBar).value = ""
                await pilot.press("escape")
                while app.main.query_one(StatusLine).indexing:
                    await asyncio.sleep(0.01)
                indexed = time.perf_counter() - start
                await pilot.pause()
                echoes_idle = await _type_keys(app, echo, query, pace)
                app.query_one(FilterBar).value = ""
                await pilot.press("escape")
                await pilot.pause()
                keys = await _type(app, pilot, query)
            cpu = _cpu() - cpu
    finally:
        PaperList.render_lines = probe._original  # type: ignore[method-assign,assignment]
        echo.remove()
    assert probe.at is not None and answer.first is not None and answer.whole is not None
    return Run(
        probe.at - start,
        echoes,
        echoes_idle,
        answer.first - probe.at,
        answer.first_complete,
        answer.whole - probe.at,
        indexed,
        keys,
        cpu,
    )


async def _type(app: PapertermApp, pilot: Pilot[None], query: str) -> list[float]:
    """Per keystroke: from the filter's value changing to the list showing that query's rows."""
    shown = asyncio.Event()
    main = app.main
    show_rows = main._show_rows

    def timed_show(*args: Any) -> None:
        show_rows(*args)
        if args[0] is main._request:  # the first argument is the request, the latest one
            shown.set()

    main._show_rows = timed_show  # type: ignore[method-assign,assignment]
    await pilot.press("slash")
    bar = app.query_one(FilterBar)
    times: list[float] = []
    for end in range(1, len(query) + 1):
        shown.clear()
        before = time.perf_counter()
        bar.value = query[:end]
        await asyncio.wait_for(shown.wait(), timeout=120)
        times.append(time.perf_counter() - before)
    return times


def measure(
    label: str, ways: dict[str, Callable[[], Catalog]], runs: int, query: str, pace: float = 0.0
) -> None:
    """Time ``runs`` app starts (each on a freshly loaded catalogue) and the query typed, for
    each way of loading (runs alternated between them)."""
    # A fresh catalogue per run: the search index lives on it, and its build is measured too.
    results: dict[str, list[Run]] = {way: [] for way in ways}
    loads: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(runs):
        for way, load in ways.items():
            start = time.perf_counter()
            catalog = load()
            loads[way].append(time.perf_counter() - start)
            set_aside_loaded()  # as the command line does before the reader starts
            results[way].append(asyncio.run(_one_run(catalog, query, pace)))
            papers = len(catalog)
            del catalog
    for way in ways:
        shown = label if len(ways) == 1 else f"{label}, {way}"
        report(shown, papers, loads[way], results[way], query, pace)


def report(
    label: str, papers: int, loads: list[float], results: list[Run], query: str, pace: float
) -> None:
    """Print one way's figures."""
    runs = len(results)
    loaded = statistics.median(loads)
    first = statistics.median(r.first_row for r in results)
    answers = [r.first_answer for r in results]
    titles_first = sum(not r.first_complete for r in results)
    whole = statistics.median(r.whole_answer for r in results)
    indexed = statistics.median(r.indexed for r in results)
    cpu = statistics.median(r.cpu for r in results)
    keys = sorted(t for r in results for t in r.keys)
    p95 = keys[min(len(keys) - 1, int(0.95 * len(keys)))]
    per_key = [statistics.median(r.keys[i] for r in results) for i in range(len(query))]
    print(f"{label}: {papers:,} papers (load {loaded:.2f} s, not counted below)")
    print(f"  first row drawn   {first * 1000:7.0f} ms   (median of {runs})   goal <= 500 ms")
    print(
        f"  {query!r} typed at the first frame, from that frame: first answer"
        f" {statistics.median(answers) * 1000:.0f} ms median, {max(answers) * 1000:.0f} ms worst"
        f" (goal <= 1000 ms; title matches first in {titles_first} of {runs}),"
        f" whole answer {whole * 1000:.0f} ms"
    )
    print("    first answer per run, ms: " + " ".join(f"{a * 1000:.0f}" for a in answers))
    if pace:
        keyed = [e for r in results for e in r.echoes]
        idle = [e for r in results for e in r.echoes_idle]
        print(
            f"  echo of each key (typed every {pace * 1000:.0f} ms from the first frame) in the"
            f" filter bar: {_ms(keyed)} (goal: a frame or two, <= 33 ms; baseline, the same"
            f" typing once the index is built: {_ms(idle)})"
        )
        print(
            "    worst key per run, ms (first open/baseline): "
            + " ".join(
                f"{max(r.echoes) * 1000:.0f}/{max(r.echoes_idle) * 1000:.0f}" for r in results
            )
        )
        for r in results:
            print("    each key's echo, ms: " + " ".join(f"{e * 1000:.0f}" for e in r.echoes))
    else:
        firsts = [r.echoes[0] for r in results]
        wholes = [r.echoes[-1] for r in results]
        idles = [r.echoes_idle[-1] for r in results]
        print(
            f"  echo of those keys in the filter bar: first letter {_ms(firsts)}, whole query"
            f" {_ms(wholes)} (goal: a frame or two, <= 33 ms; baseline, the same burst once the"
            f" index is built: {_ms(idles)})"
        )
        print(
            "    echo per run, ms (first letter/whole/baseline): "
            + " ".join(
                f"{a * 1000:.0f}/{b * 1000:.0f}/{c * 1000:.0f}"
                for a, b, c in zip(firsts, wholes, idles, strict=True)
            )
        )
    print(
        f"  search index built{indexed * 1000:7.0f} ms   (background thread, after the first frame;"
        f" CPU of a whole run {cpu:.1f} s)"
    )
    typed = "  ".join(f"{c!r}:{t * 1000:.0f}" for c, t in zip(query, per_key, strict=True))
    print(f"  filter per key ms {typed}   (worst {max(per_key) * 1000:.0f} ms)")
    print(
        f"  per key, all runs: p95 {p95 * 1000:.1f} ms   goal <= 16 ms at 100k, <= 8 ms on the"
        " shared dumps (until the rows are handed to the list, not yet painted)"
    )


def _ms(times: list[float]) -> str:
    """Median and worst of ``times``, in ms."""
    return f"{statistics.median(times) * 1000:.0f} ms median, {max(times) * 1000:.0f} worst"


def _load_dumps(paths: list[Path], ahead: bool) -> Catalog:
    """``paperterm.load`` as the reader calls it (``index_ahead``), the helper started as the
    machine allows (``ahead``) or never, as on a busy machine (then numpy is imported on a
    thread during the load, as the reader has it); plainly on older code, whose load has no
    such choice (the benchmark may be pointed at another checkout)."""
    if "index_ahead" not in inspect.signature(paperterm.load).parameters:
        return paperterm.load(paths)
    from paperterm.search.ahead import Ahead

    start = Ahead.__dict__["start"]
    if not ahead:
        Ahead.start = classmethod(lambda cls: None)  # type: ignore[method-assign,assignment]
    try:
        return paperterm.load(paths, index_ahead=True)
    finally:
        Ahead.start = start  # type: ignore[method-assign]


def _synthetic(count: int, ahead: bool) -> Callable[[], Catalog]:
    def load() -> Catalog:
        OUT.mkdir(exist_ok=True)
        dump = OUT / f"startup-{count}.txt"
        if not dump.exists():
            synth.write_dump(dump, count, seed=7)
        return _load_dumps([dump], ahead)

    return load


WAYS = {
    "on": ["ahead"],
    "off": ["in-process"],
    "both": ["ahead", "in-process"],
    "forced": ["forced", "in-process"],
}
"""``--ahead``: the index built ahead by a helper while loading (as the reader loads, when a
core is free), after the load in the process, or both ways alternated; ``forced``, the helper
whatever the machine's load, alternated with without it."""


def main() -> None:
    """Parse the options and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="synthetic papers (default 100k)")
    parser.add_argument("--runs", type=int, default=3, help="app starts per catalogue")
    parser.add_argument("--query", default="neural grap", help="typed one key at a time")
    parser.add_argument("--no-shared", action="store_true", help="skip the shared dumps")
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="ms between the keys typed at the first frame (default 0: all at once, a burst)",
    )
    parser.add_argument(
        "--ahead",
        choices=list(WAYS),
        default="on",
        help="load as the reader does, the index built ahead by a helper when a core is free (on),"
        " or not (off), or both alternated; forced: the helper whatever the load, alternated"
        " with without",
    )
    args = parser.parse_args()
    print(f"import paperterm.ui.app: {IMPORT_SECONDS * 1000:.0f} ms (Textual included)")
    print(f"load average before: {_load()}")
    count = parse_size(args.size)
    if args.ahead == "forced":
        from paperterm.search import ahead

        ahead.BUSY_MARGIN = -1e9  # the helper whatever the machine's load
    ways = {way: _synthetic(count, way != "in-process") for way in WAYS[args.ahead]}
    pace = args.pace / 1000
    measure(f"synthetic {args.size}", ways, args.runs, args.query, pace)
    if args.no_shared:
        pass
    elif SHARED.is_dir() and any(SHARED.glob("*.txt")):
        shared = {
            way: lambda ahead=way != "in-process": _load_dumps([SHARED], ahead)
            for way in WAYS[args.ahead]
        }
        measure("shared dumps", shared, args.runs, args.query, pace)
    else:
        print(f"shared dumps: not found at {SHARED}, skipped")
    print(f"load average after: {_load()}")


def _load() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: figures vary with it)."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
