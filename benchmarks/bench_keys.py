"""Every keystroke in the reader, from the key to the frame that shows its answer (issue 17).

    python benchmarks/bench_keys.py             # 100k synthetic, long abstracts, shared dumps
    python benchmarks/bench_keys.py --size 10k --rounds 2  # a quick look
    python benchmarks/bench_keys.py --catalogues shared --profile out/keys.prof
    python benchmarks/bench_keys.py --catalogues shared --tail 12  # the slowest keys, and why

What is timed, per keystroke (headless Textual, 120x40, the search index built beforehand):

- the clock starts just before the key event is handed to the app the way the reader's terminal
  driver hands it over (``ReaderDriver.send_message``, from the loop here rather than from the
  driver's input thread); the app runs as the reader runs, tooltips and notifications on;
- it stops at the end of the first frame after which the panes named below all show the key's
  answer. A frame is the screen's compositor update, and the benchmark does the work a real
  terminal driver would do with it, turning it into the escape sequences written to the
  terminal (``render_segments``: the headless driver skips that, the user's terminal does not);
  only the write itself is left out. A partial frame is made and written the way the reader
  makes it for a terminal (paperterm.ui.compositor: made from the changed widgets' lines where
  it can, written by ``LinesUpdate.render_segments``), the very calls a terminal driver's
  frame goes through, so those are what is timed. "Shows the answer" is checked on what each
  pane last painted, noted while painting: the list its rows and cursor, the status line its
  text; each must equal the state the key led to (for a filter key, once the rows of that very
  query were handed to the list). The detail pane counts once it was asked to show the paper
  now under the cursor after the key and has painted since its text last changed (at once,
  when the text it was asked to show is what it shows already).

Two kinds of keys, both with the list answering in the same process as a user's terminal:

- filter keys: the queries below typed one character at a time into the filter (``/`` first);
  ``list+status`` is the goal's figure (issue 17: the list and the status line show the answer),
  ``+detail`` also waits for the detail pane to show the paper now under the cursor;
- cursor keys: ``j`` and ``k`` in the list (the whole catalogue, then a filtered one): the list
  shows the cursor on the next paper (``list+status``), and ``+detail`` the detail pane shows
  that paper too.

Keys are typed ``--gap`` ms apart after the previous answer, the detail pane's included (a fast
typist; the frame clock of Textual, 60 per second, then starts afresh as it would). With
``--cadence MS`` the filter keys come instead every MS ms (or at once after the previous
answer, when it took longer), without waiting for the detail pane: its frame, drawn after the
list's, then falls where it falls, and a key typed while it is drawn waits for it, as in real
typing (``+detail`` is not measured then). Beside each figure: CPU time of the
process over the same interval (all threads: the filter worker too) and a baseline of the same
run, the search alone (``Triage.rows``, the very call the filter worker makes, timed inside it).
Diagnostics per key: frames drawn, list rows made (rows kept from before are not made
again), layouts of the screen; with ``--tail N``, the N slowest keys of each kind with where
their time went (the way in to the app's ``on_event``, to the rows handed to the list, the
search, Python's cycle collector, whether the answer came in the key's own frame) and what the
keys from p90 on share against the rest; with ``--breakdown``, where the time of the frame
that showed the answer went: making it (the compositor's update, of which the widgets' own
lines) and writing it (the escape sequences); its timers in every widget's ``render_lines``
add a little to every figure then. Goals (issue 17):
p95 <= 16 ms at 100k papers, <= 8 ms on the shared dumps. ``uptime``'s load is printed before and
after: figures taken on a busy machine are inflated.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import events
from textual._compositor import CompositorUpdate
from textual.pilot import Pilot
from textual.widget import Widget

import paperterm
from paperterm.catalog import Catalog
from paperterm.state import StateStore
from paperterm.triage import Triage
from paperterm.ui.app import PapertermApp
from paperterm.ui.driver import ReaderDriver
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.paper_list import PaperList
from paperterm.ui.widgets.status_line import StatusLine

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SHARED = HERE.parent.parent / "shared" / "dumps"
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

QUERIES = ["diffusion model", "graf neural", "efficient sparse attention", "kalomi"]
"""Typed one character at a time (common words, a typo, four terms, a rare word)."""
SIZE = (120, 40)


def parse_size(text: str) -> int:
    """``10k`` -> 10_000, ``100k`` -> 100_000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor != 1 else text) * factor)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} (2 cores)"


@dataclass
class Key:
    """One keystroke's figures."""

    kind: str
    key: str
    wall: float = 0.0
    """Seconds to the frame with the list and the status line (and, for a cursor key, the
    detail pane) showing the answer."""
    wall_all: float = 0.0
    """Seconds to the frame with the detail pane as well (filter keys)."""
    cpu: float = 0.0
    search: float = 0.0
    frames: int = 0
    answer_frame: int = 0
    """Which of the frames showed the answer (1: the first after the key)."""
    lines: int = 0
    layouts: int = 0
    frame: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """The frame that showed the answer: seconds making it, of which in the widgets' lines,
    and writing it (``--breakdown``)."""
    typed: str = ""
    """The filter after the key (filter keys)."""
    way_in: float = 0.0
    """Seconds from the key sent to the app's ``on_event`` for it."""
    to_rows: float = 0.0
    """Seconds from the key sent to its rows handed to the list (filter keys)."""
    at_once: bool = False
    """Whether the answer's frame was drawn while the rows were handed over (``draw_now``)."""
    collected: float = 0.0
    """Seconds of Python's cycle collector within the key."""
    since_frame: float = 0.0
    """Seconds from the last frame before the key to the key."""


@dataclass
class Probe:
    """What each pane last painted, the frames drawn, and the key being timed."""

    painted: dict[str, object] = field(default_factory=dict)
    frames: int = 0
    lines: int = 0
    layouts: int = 0
    searches: list[float] = field(default_factory=list)
    shown_query: str | None = None
    detail_asked: float = 0.0
    detail_changed: float = 0.0
    detail_painted: float = 0.0
    check: Callable[[], None] | None = None
    made: float = 0.0
    widget_lines: float = 0.0
    frame: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """The last frame's making, widgets' lines and writing (``--breakdown``)."""
    key: events.Key | None = None
    """The key being timed."""
    way_in: float = 0.0
    """When ``on_event`` got it (``time.perf_counter``)."""
    rows_at: float = 0.0
    """When its rows were handed to the list."""
    at_once: bool = False
    """Whether a frame was drawn while they were."""
    last_frame: float = 0.0
    """When the last frame ended."""
    collected: float = 0.0
    """Seconds of cycle collection since the key was sent."""


@contextmanager
def probed(probe: Probe) -> Iterator[None]:
    """Patch the panes' painting to note what they paint (restored on the way out)."""
    list_lines = PaperList.render_lines
    list_row = PaperList._render_row
    status_line = StatusLine.render_line
    detail_show = PaperDetail.show
    detail_empty = PaperDetail.show_empty
    detail_put = PaperDetail._put
    detail_lines = PaperDetail.render_lines
    rows = Triage.rows

    def render_lines(widget: PaperList, crop: Any) -> Any:
        probe.painted["list"] = (id(widget.rows), widget.cursor)
        return list_lines(widget, crop)

    def render_row(widget: PaperList, *args: Any) -> Any:
        probe.lines += 1
        return list_row(widget, *args)

    def render_status(widget: StatusLine, y: int) -> Any:
        probe.painted["status"] = widget.status
        return status_line(widget, y)

    def detail_render_lines(detail: PaperDetail, crop: Any) -> Any:
        probe.detail_painted = time.perf_counter()
        return detail_lines(detail, crop)

    def show(detail: PaperDetail, *args: Any, **kwargs: Any) -> None:
        probe.detail_asked = time.perf_counter()
        detail_show(detail, *args, **kwargs)
        if probe.check is not None:
            probe.check()  # the pane showed this already: no frame is coming for it

    def show_empty(detail: PaperDetail, message: str) -> None:
        probe.detail_asked = time.perf_counter()
        detail_empty(detail, message)
        if probe.check is not None:
            probe.check()

    def put(detail: PaperDetail, text: Any) -> bool:
        started = time.perf_counter()  # the pane may draw its frame before it returns
        changed = detail_put(detail, text)
        if changed:
            probe.detail_changed = started
        return changed

    def timed_rows(triage: Triage, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return rows(triage, *args, **kwargs)
        finally:
            probe.searches.append(time.perf_counter() - started)

    collecting = [0.0]

    def collector(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting[0] = time.perf_counter()
        else:
            probe.collected += time.perf_counter() - collecting[0]

    gc.callbacks.append(collector)
    PaperList.render_lines = render_lines  # type: ignore[method-assign]
    PaperList._render_row = render_row  # type: ignore[method-assign]
    StatusLine.render_line = render_status  # type: ignore[method-assign]
    PaperDetail.show = show  # type: ignore[method-assign,assignment]
    PaperDetail.show_empty = show_empty  # type: ignore[method-assign,assignment]
    PaperDetail._put = put  # type: ignore[method-assign,assignment]
    PaperDetail.render_lines = detail_render_lines  # type: ignore[method-assign]
    Triage.rows = timed_rows  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        PaperList.render_lines = list_lines  # type: ignore[method-assign]
        PaperList._render_row = list_row  # type: ignore[method-assign]
        StatusLine.render_line = status_line  # type: ignore[method-assign]
        PaperDetail.show = detail_show  # type: ignore[method-assign]
        PaperDetail.show_empty = detail_empty  # type: ignore[method-assign]
        PaperDetail._put = detail_put  # type: ignore[method-assign]
        PaperDetail.render_lines = detail_lines  # type: ignore[method-assign]
        Triage.rows = rows  # type: ignore[method-assign]
        gc.callbacks.remove(collector)


def hook_app(app: PapertermApp, probe: Probe, breakdown: bool = False) -> None:
    """Frames: do the terminal driver's work on each and check the key timed after it; note
    the answer handed to the list and the screen's layouts (``breakdown``: and time the
    making and the writing of each frame)."""
    display = app._display
    main = app.main
    if breakdown:
        time_frames(app, probe)

    def timed_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        started = time.perf_counter()
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)  # what the driver writes to the terminal
        if breakdown:
            written = time.perf_counter() - started
            probe.frame = (probe.made, probe.widget_lines, written)
            probe.made = probe.widget_lines = 0.0
        probe.frames += 1
        probe.last_frame = time.perf_counter()
        if probe.check is not None:
            probe.check()

    app._display = timed_display  # type: ignore[method-assign]
    show_rows = main._show_rows

    def shown(request: Any, rows: Any) -> None:
        if request is main._request and request is not None:
            # Noted first: the frame that shows the rows may be drawn before this returns.
            probe.shown_query = request.selection.query
        probe.rows_at = time.perf_counter()
        frames = probe.frames
        show_rows(request, rows)
        probe.at_once = probe.frames > frames

    main._show_rows = shown  # type: ignore[method-assign]
    layout = main._refresh_layout

    def counted_layout(*args: Any, **kwargs: Any) -> None:
        probe.layouts += 1
        layout(*args, **kwargs)

    main._refresh_layout = counted_layout  # type: ignore[method-assign]
    on_event = app.on_event

    async def noted_on_event(event: events.Event) -> None:
        if event is probe.key:
            probe.way_in = time.perf_counter()
        await on_event(event)

    app.on_event = noted_on_event  # type: ignore[method-assign]


def time_frames(app: PapertermApp, probe: Probe) -> None:
    """Time the making of the main screen's frames and the lines of each of its widgets (those
    there now, their vertical scroll bars too) in it, on the instances: ``probe.made``,
    ``probe.widget_lines``."""
    compositor = app.main._compositor
    make = compositor.render_update

    def timed_make(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return make(*args, **kwargs)
        finally:
            probe.made += time.perf_counter() - started

    compositor.render_update = timed_make  # type: ignore[method-assign]
    widgets = list(app.main.walk_children(Widget, with_self=True))
    bars = [
        getattr(w, name) for w in widgets for name in ("_vertical_scrollbar", "_scrollbar_corner")
    ]
    for widget in widgets + [bar for bar in bars if bar is not None]:
        lines = widget.render_lines

        def timed_lines(crop: Any, lines: Any = lines) -> Any:
            started = time.perf_counter()
            try:
                return lines(crop)
            finally:
                probe.widget_lines += time.perf_counter() - started

        widget.render_lines = timed_lines


async def press(
    app: PapertermApp,
    probe: Probe,
    key: str,
    char: str | None,
    kind: str,
    typed: str | None,
    detail_too: bool = True,
) -> Key:
    """Send one key, wait for the frame that shows its answer; ``typed``: the filter after it;
    ``detail_too``: wait for the detail pane's too (else it is drawn when it is)."""
    main = app.main
    paper_list = main.paper_list
    status = main.query_one(StatusLine)
    detail = main.query_one(PaperDetail)
    done = asyncio.Event()
    figures = Key(kind, char or key)
    started = [0.0, 0.0]

    def current(name: str) -> object:
        if name == "list":
            return (id(paper_list.rows), paper_list.cursor)
        return status.status

    def detail_shown() -> bool:
        paper = main.current
        return (
            probe.detail_asked > started[0]
            and detail._shown_id == (None if paper is None else paper.id)
            and probe.detail_painted >= probe.detail_changed
        )

    def check() -> None:
        if typed is not None and probe.shown_query != typed:
            return  # the rows of this very query are not in the list yet
        shown = all(probe.painted.get(n) == current(n) for n in ("list", "status"))
        if not figures.wall and shown:
            figures.wall = time.perf_counter() - started[0]
            figures.cpu = time.process_time() - started[1]
            figures.frame = probe.frame
            figures.answer_frame = probe.frames
            if not detail_too:
                done.set()
        if figures.wall and detail_too and detail_shown():
            figures.wall_all = time.perf_counter() - started[0]
            done.set()

    probe.frames = probe.lines = probe.layouts = 0
    probe.searches.clear()
    probe.check = check
    probe.way_in = probe.rows_at = probe.collected = 0.0
    probe.at_once = False
    event = events.Key(key, char)
    event.set_sender(app)
    probe.key = event
    driver = app._driver
    assert driver is not None
    started[:] = [time.perf_counter(), time.process_time()]
    figures.since_frame = started[0] - probe.last_frame
    ReaderDriver.send_message(driver, event)  # type: ignore[arg-type]
    try:
        await asyncio.wait_for(done.wait(), timeout=60)
    finally:
        probe.check = None
        probe.key = None
    figures.frames, figures.lines, figures.layouts = probe.frames, probe.lines, probe.layouts
    figures.search = sum(probe.searches)
    figures.typed = typed or ""
    figures.way_in = max(0.0, probe.way_in - started[0])
    figures.to_rows = max(0.0, probe.rows_at - started[0])
    figures.at_once = probe.at_once
    figures.collected = probe.collected
    return figures


async def session(
    catalog: Catalog, rounds: int, gap: float, cadence: float = 0.0, breakdown: bool = False
) -> list[Key]:
    """One reader: the queries typed, j/k over the whole list and over a filtered one;
    ``cadence`` (s): the filter keys sent that far apart, the detail pane not waited for;
    ``breakdown``: the frames' making and writing timed."""
    probe = Probe()
    keys: list[Key] = []
    with tempfile.TemporaryDirectory() as folder, probed(probe):
        store = StateStore.open(Path(folder) / "state.json")
        app = PapertermApp(catalog, store)
        async with app.run_test(size=SIZE, tooltips=True, notifications=True) as pilot:
            status = app.main.query_one(StatusLine)
            while status.indexing:
                await pilot.pause(0.05)
            hook_app(app, probe, breakdown)
            await settle(pilot, gap)
            for _ in range(rounds):
                keys += await cursor_keys(app, probe, pilot, gap, 12)
                for query in QUERIES:
                    await pilot.press("slash")
                    await settle(pilot, gap)
                    for end in range(1, len(query) + 1):
                        char = query[end - 1]
                        key = "space" if char == " " else char
                        sent = time.perf_counter()
                        typed = query[:end]
                        keys.append(
                            await press(app, probe, key, char, "filter", typed, not cadence)
                        )
                        if cadence:
                            await asyncio.sleep(max(0.0, sent + cadence - time.perf_counter()))
                        else:
                            await settle(pilot, gap)
                    if cadence:
                        await settle(pilot, gap)
                    await pilot.press("enter")
                    await settle(pilot, gap)
                    keys += await cursor_keys(app, probe, pilot, gap, 6)
                    await pilot.press("escape")
                    await settle(pilot, gap)
    return keys


async def cursor_keys(
    app: PapertermApp, probe: Probe, pilot: Pilot[None], gap: float, count: int
) -> list[Key]:
    """``count`` times j, then as many k (fewer when the list is shorter)."""
    rows = len(app.main.paper_list.rows)
    steps = min(count, max(0, rows - 1 - app.main.paper_list.cursor))
    keys = []
    for key in ["j"] * steps + ["k"] * steps:
        keys.append(await press(app, probe, key, key, "cursor", None))
        await settle(pilot, gap)
    return keys


async def settle(pilot: Pilot[None], gap: float) -> None:
    await pilot.pause()
    await asyncio.sleep(gap)


def report_tail(keys: list[Key], count: int) -> None:
    """Print the ``count`` slowest keys of each kind, and what the keys past p90 share."""
    ms = 1000.0
    for kind in ("filter", "cursor"):
        chosen = [k for k in keys if k.kind == kind]
        if not chosen:
            continue
        p90 = percentile([k.wall for k in chosen], 0.90)
        tail = [k for k in chosen if k.wall >= p90]
        rest = [k for k in chosen if k.wall < p90]

        def share(keys: list[Key], test: Callable[[Key], bool]) -> str:
            return f"{sum(map(test, keys))}/{len(keys)}"

        def mean(keys: list[Key], part: Callable[[Key], float]) -> float:
            return statistics.mean(part(k) for k in keys) * ms if keys else 0.0

        print(f"  {kind} keys from p90 ({p90 * ms:.1f} ms) on, against the rest:")
        for name, test in (
            ("answered in the key's own frame", lambda k: k.at_once),
            ("answered in the first frame", lambda k: k.answer_frame == 1),
            ("first key of a query", lambda k: len(k.typed) == 1),
            ("a cycle collection within", lambda k: k.collected > 0),
        ):
            print(f"    {name:34} {share(tail, test):>7}  rest {share(rest, test):>7}")
        for name, part in (
            ("wall ms", lambda k: k.wall),
            ("CPU ms", lambda k: k.cpu),
            ("way in ms (to on_event)", lambda k: k.way_in),
            ("to the rows ms", lambda k: k.to_rows),
            ("search ms", lambda k: k.search),
            ("collection ms", lambda k: k.collected),
        ):
            print(f"    {name:34} {mean(tail, part):7.2f}  rest {mean(rest, part):7.2f}")
        print(
            "    slowest: key/typed; ms: wall, CPU, way in, to rows, search, collection,"
            " (--breakdown: frame made, widgets' lines, written); list rows made,"
            " in the key's own frame"
        )
        for k in sorted(chosen, key=lambda k: -k.wall)[:count]:
            made, lines_of_widgets, written = k.frame
            print(
                f"    {(k.typed or k.key)!r:28} {k.wall * ms:5.1f} {k.cpu * ms:5.1f}"
                f" {k.way_in * ms:5.2f} {k.to_rows * ms:5.2f} {k.search * ms:5.2f}"
                f" {k.collected * ms:5.2f} ({made * ms:4.2f} {lines_of_widgets * ms:4.2f}"
                f" {written * ms:4.2f}) {k.lines:3} {'yes' if k.at_once else 'no'}"
            )


def report(label: str, papers: int, keys: list[Key], goal: float) -> None:
    """Print p50/p95 per kind of key beside the goal and the search alone."""
    ms = 1000.0
    print(f"{label}: {papers:,} papers, {len(keys)} keystrokes; goal p95 <= {goal:.0f} ms")
    for kind in ("filter", "cursor"):
        chosen = [k for k in keys if k.kind == kind]
        if not chosen:
            continue
        wall = [k.wall for k in chosen]
        cpu = [k.cpu for k in chosen]
        p95 = percentile(wall, 0.95) * ms
        verdict = "met" if p95 <= goal else "NOT met"
        print(
            f"  {kind:6} keys ({len(chosen):3}) list+status"
            f"  p50 {statistics.median(wall) * ms:6.1f}"
            f"  p95 {p95:6.1f}  max {max(wall) * ms:6.1f} ms   [goal {goal:.0f}: {verdict}]"
            f"   CPU p50 {statistics.median(cpu) * ms:5.1f}  p95 {percentile(cpu, 0.95) * ms:5.1f}"
        )
        every = [k.wall_all for k in chosen]
        if not all(every):
            every = [0.0]  # not waited for (--cadence)
        print(
            f"  {'':19}{'+detail':12} p50 {statistics.median(every) * ms:6.1f}"
            f"  p95 {percentile(every, 0.95) * ms:6.1f}  max {max(every) * ms:6.1f} ms"
            "   (the detail pane too: not in the goal, drawn a frame later)"
        )
        if kind == "filter":
            search = [k.search for k in chosen]
            print(
                f"  {'':19}{'search alone':12} p50 {statistics.median(search) * ms:6.1f}"
                f"  p95 {percentile(search, 0.95) * ms:6.1f}  max {max(search) * ms:6.1f} ms"
                "   (baseline: Triage.rows in the filter worker, same keys)"
            )
        if any(k.frame[0] for k in chosen):
            made, lines_of_widgets, written = (
                [k.frame[part] * ms for k in chosen] for part in range(3)
            )
            print(
                f"  {'':19}{'the frame':12} made p50 {statistics.median(made):4.1f}"
                f" p95 {percentile(made, 0.95):4.1f} ms (the widgets' lines p50"
                f" {statistics.median(lines_of_widgets):4.1f}), written p50"
                f" {statistics.median(written):4.1f} p95 {percentile(written, 0.95):4.1f} ms"
            )
        frames = statistics.mean(k.frames for k in chosen)
        lines = statistics.mean(k.lines for k in chosen)
        layouts = statistics.mean(k.layouts for k in chosen)
        print(
            f"  {'':19}per key: {frames:.1f} frames, {lines:.1f} list rows made,"
            f" {layouts:.1f} layouts"
        )


def synthetic(count: int, long_abstracts: bool) -> Catalog:
    OUT.mkdir(exist_ok=True)
    name = f"keys-{'long-' if long_abstracts else ''}{count}.txt"
    dump = OUT / name
    if not dump.exists():
        synth.write_dump(dump, count, seed=7, long_abstracts=long_abstracts)
    return paperterm.load([dump])


def main() -> None:
    """Parse the options, run the sessions and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="synthetic papers (default 100k)")
    parser.add_argument("--rounds", type=int, default=2, help="times every query is typed")
    parser.add_argument("--gap", type=float, default=60, help="ms between answer and next key")
    parser.add_argument(
        "--catalogues",
        default="synthetic,long,shared",
        help="comma-separated: synthetic, long (long abstracts), shared (the shared dumps)",
    )
    parser.add_argument(
        "--cadence",
        type=float,
        default=0.0,
        help="ms from one filter key to the next (the detail pane not waited for); 0: --gap",
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="time the making and writing of each frame"
    )
    parser.add_argument("--profile", type=Path, help="write a cProfile of the sessions here")
    parser.add_argument(
        "--tail",
        type=int,
        default=0,
        metavar="N",
        help="print the N slowest keys of each kind and what the keys past p90 share",
    )
    parser.add_argument("--queries", help="comma-separated queries to type instead of these")
    args = parser.parse_args()
    # Never the user's cache; a saved index of the synthetic catalogues is kept for reruns.
    os.environ["XDG_CACHE_HOME"] = str(OUT / "cache-keys")
    count = parse_size(args.size)
    if args.queries:
        QUERIES[:] = args.queries.split(",")
    print(f"before: {load_text()}")
    profiler = cProfile.Profile() if args.profile else None
    for name in args.catalogues.split(","):
        if name == "shared":
            if not (SHARED.is_dir() and any(SHARED.glob("*.txt"))):
                print(f"shared dumps: not found at {SHARED}, skipped")
                continue
            catalog, label, goal = paperterm.load([SHARED]), "shared dumps", 8.0
        else:
            long_abstracts = name == "long"
            catalog = synthetic(count, long_abstracts)
            goal = 16.0
            label = f"synthetic {args.size}{' (long abstracts)' if long_abstracts else ''}"
        catalog.prepare_search()
        if profiler is not None:
            profiler.enable()
        keys = asyncio.run(
            session(catalog, args.rounds, args.gap / 1000, args.cadence / 1000, args.breakdown)
        )
        if profiler is not None:
            profiler.disable()
        report(label, len(catalog), keys, goal)
        if args.tail:
            report_tail(keys, args.tail)
    print(f"after: {load_text()}")
    if profiler is not None:
        profiler.dump_stats(args.profile)
        print(f"profile written to {args.profile}")


if __name__ == "__main__":
    main()
