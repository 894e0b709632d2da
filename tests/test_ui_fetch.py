"""The reader and fetched papers: the fetch command (F, palette), upvotes and stars, "trending".

The fetch runs against recorded answers on httpx.MockTransport, never the network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

import paperterm
from paperterm import fetch
from paperterm.api.http import Endpoints, HttpClient
from paperterm.catalog import Catalog
from paperterm.fetch import Refreshed
from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from paperterm.ui.widgets.paper_list import PaperList, compact, votes_column
from pilot import Recorder, make_app, settle
from test_ui_fixture import MORNING

SIZE = (120, 30)
HF = "https://hf.test"


def item(n: int, title: str, **paper: Any) -> dict[str, Any]:
    return {
        "paper": {
            "id": f"2611.{n:05d}",
            "title": title,
            "summary": f"What {title} found.",
            "authors": [{"name": f"Author {n}"}],
            "publishedAt": "2026-11-25T10:00:00.000Z",
            **paper,
        },
        "publishedAt": "2026-11-27T06:00:00.000Z",
    }


TODAY = [
    item(1, "Fetched Fresh Paper", upvotes=48, githubStars=1234),
    item(2, "Gradient Gardening for Small Language Models", upvotes=5),  # in the text dump too
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "morning.txt").write_text(MORNING, encoding="utf-8")
    return folder


def fetcher(
    library: Path, handler: Callable[[httpx.Request], httpx.Response]
) -> Callable[[Collection[str]], Refreshed]:
    """What the command line gives the reader, on a mock transport."""

    def reload(written: Sequence[Path]) -> Catalog:
        return paperterm.load([library, *written])

    def run(known: Collection[str]) -> Refreshed:
        client = HttpClient(Endpoints(hf=HF), transport=httpx.MockTransport(handler))
        with client:
            return fetch.refresh(known, library=library, client=client, base=HF, reload=reload)

    return run


def serve(items: list[dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/daily_papers"
        return httpx.Response(200, json=items if request.url.params["p"] == "0" else [])

    return handler


async def fetched(pilot: Pilot[None], app: PapertermApp) -> None:
    """Wait until the fetch thread's answer has been taken in."""
    for _ in range(400):
        await pilot.pause(0.02)
        if not app.main.fetching:
            break
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def titles(app: PapertermApp) -> list[str]:
    return [app.main.papers[i].title for i in app.main.paper_list.rows]


async def test_f_fetches_today_and_adds_the_papers_without_a_restart(
    library: Path, tmp_path: Path
) -> None:
    catalog = paperterm.load([library])
    app = Recorder(
        catalog,
        StateStore.open(tmp_path / "state.json"),
        fetcher=fetcher(library, serve(TODAY)),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")  # on "Tea Leaves"
        before = app.main.current
        assert before is not None
        await pilot.press("F")
        await fetched(pilot, app)
        shown = titles(app)
        assert "Fetched Fresh Paper" in shown
        assert len(shown) == len(catalog) + 1  # the other paper was known already
        assert app.main.current is not None and app.main.current.id == before.id
        fresh = app.main.catalog[paperterm.identity.paper_id("Fetched Fresh Paper")]
        assert fresh.meta is not None and fresh.meta.upvotes == 48
        said = [text for text, _ in app.said]
        assert any(text.endswith(": 2 papers, 1 new") for text in said), said
        # The day is in the library, so the next start has it too.
        assert [path.suffix for path in sorted(library.iterdir())] == [".json", ".txt"]
        # Searching the new catalogue finds the new paper.
        await pilot.press("/", *"fresh", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app)[0] == "Fetched Fresh Paper"


async def test_the_reader_never_waits_for_the_network(library: Path, tmp_path: Path) -> None:
    release = threading.Event()
    asked: list[int] = []

    def slow(request: httpx.Request) -> httpx.Response:
        asked.append(1)
        release.wait(30)
        return serve(TODAY)(request)

    app = Recorder(
        paperterm.load([library]),
        StateStore.open(tmp_path / "state.json"),
        fetcher=fetcher(library, slow),
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        await pilot.pause()
        assert app.main.fetching
        # Keys work while the server says nothing: move, star, filter.
        await pilot.press("j", "s")
        assert app.main.paper_list.cursor == 1
        assert app.store.is_starred(app.main.papers[app.main.paper_list.rows[1]].id)
        # A second F while fetching starts nothing more; the palette leaves it out.
        await pilot.press("F")
        titles_now = {command.title for command in app.get_system_commands(app.screen)}
        assert not any(title.startswith("Fetch today") for title in titles_now)
        release.set()
        await fetched(pilot, app)
        assert len(asked) == 1
        assert "Fetched Fresh Paper" in titles(app)


async def test_a_failed_fetch_says_why_and_changes_nothing(library: Path, tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    catalog = paperterm.load([library])
    before = sorted(path.name for path in library.iterdir())
    app = Recorder(
        catalog, StateStore.open(tmp_path / "state.json"), fetcher=fetcher(library, refuse)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        await fetched(pilot, app)
        assert ("cannot reach hf.test: connection refused", "error") in app.said
        assert app.main.catalog is catalog
        assert "cannot reach hf.test: connection refused" in app.main.messages
    assert sorted(path.name for path in library.iterdir()) == before


async def test_nothing_new_is_said_and_the_catalogue_is_kept(library: Path, tmp_path: Path) -> None:
    catalog = paperterm.load([library])
    app = Recorder(
        catalog, StateStore.open(tmp_path / "state.json"), fetcher=fetcher(library, serve([]))
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        await fetched(pilot, app)
        assert ("No papers listed yet.", "information") in app.said
        assert app.main.catalog is catalog


async def test_the_palette_offers_the_fetch_only_with_a_fetcher(
    library: Path, tmp_path: Path
) -> None:
    catalog = paperterm.load([library])
    app = Recorder(
        catalog, StateStore.open(tmp_path / "state.json"), fetcher=fetcher(library, serve(TODAY))
    )
    async with app.run_test(size=SIZE) as pilot:
        command = next(
            c for c in app.get_system_commands(app.screen) if c.title.startswith("Fetch today")
        )
        await command.callback()
        await fetched(pilot, app)
        assert "Fetched Fresh Paper" in titles(app)
    bare = Recorder(catalog, StateStore.open(tmp_path / "state.json"))
    async with bare.run_test(size=SIZE) as pilot:
        offered = {c.title for c in bare.get_system_commands(bare.screen)}
        assert not any(title.startswith("Fetch today") for title in offered)
        await pilot.press("F")  # does nothing, says nothing
        await pilot.pause()
        assert not bare.main.fetching


def test_compact_counts_fit_four_characters() -> None:
    cases = {
        0: "0",
        999: "999",
        1000: "1.0k",
        9949: "9.9k",
        9950: "10k",
        999_499: "999k",
        999_500: "1.0M",
        12_345_678: "12M",
        10**13: "many",
    }
    assert {number: compact(number) for number in cases} == cases
    assert all(len(compact(10**n + 7)) <= 4 for n in range(15))


def test_the_votes_column() -> None:
    paper = paperterm.load([Path(__file__).parent / "fixtures" / "answers"]).papers[0]
    assert votes_column(paper) == "   ▲48  ☆312"
    text_only = paperterm.load([Path(__file__).parent / "fixtures" / "dumps" / "layout1.txt"])
    assert votes_column(text_only.papers[0]) == " " * len("   ▲48  ☆312")


async def test_the_list_shows_upvotes_and_stars_and_sorts_by_trending(
    tmp_path: Path,
) -> None:
    day = tmp_path / "day.json"
    day.write_text(json.dumps(TODAY), encoding="utf-8")
    dump = tmp_path / "morning.txt"
    dump.write_text(MORNING, encoding="utf-8")
    app = Recorder(paperterm.load([dump, day]), StateStore.open(tmp_path / "state.json"))
    async with app.run_test(size=SIZE) as pilot:
        paper_list = app.query_one(PaperList)
        lines = ["".join(seg.text for seg in paper_list.render_line(y)) for y in range(8)]
        fresh = next(line for line in lines if "Fetched Fresh Paper" in line)
        assert "▲48" in fresh and "☆1.2k" in fresh
        gardening = next(line for line in lines if "Gradient Gardening" in line)
        assert "▲5" in gardening and "☆" not in gardening
        # t cycles the sorts; "trending" puts the most upvoted first.
        for _ in range(10):
            if app.main.sort == "upvotes":
                break
            await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main.sort == "upvotes"
        assert titles(app)[:2] == [
            "Fetched Fresh Paper",
            "Gradient Gardening for Small Language Models",
        ]
        assert any(text == "Sorted by trending." for text, _ in app.said)
    # A catalogue that knows no upvotes has no such column (the snapshots stay as they were).
    plain = Recorder(paperterm.load([dump]), StateStore.open(tmp_path / "state.json"))
    async with plain.run_test(size=SIZE):
        paper_list = plain.query_one(PaperList)
        line = "".join(seg.text for seg in paper_list.render_line(0))
        assert "▲" not in line and "☆" not in line


async def test_a_reload_says_its_warnings_and_the_papers_it_no_longer_has(
    catalog: Catalog, state_path: Path
) -> None:
    """F loads the dumps again: a dump changed on the disk since the start (a sync tool, a
    network folder) must not take papers off the list without a word."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        smaller = Catalog(catalog.papers[:3], ["b.txt: no papers found, only the page header"])
        app.main.replace_catalog(smaller)
        await settle(pilot)
        said = app.said_text()
        assert "b.txt: no papers found, only the page header" in said
        assert f"{len(catalog) - 3} papers of the list no longer in the dumps" in said
        assert "b.txt: no papers found" in " ".join(app.main.messages)
