"""The reader identifies papers in the background: i, I, enrich-on-star, o on a known paper."""

from __future__ import annotations

import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakeapi import FakeApi, atom_entry, hf_paper, serving
from paperterm import settings
from paperterm.catalog import Catalog
from paperterm.metastore import MetaStore
from paperterm.model import Metadata
from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from paperterm.ui.widgets.paper_detail import PaperDetail
from paperterm.ui.widgets.status_line import StatusLine
from pilot import SIZE, fake_browser, make_app, settle

LANTERNS = "Sparse Lanterns: Pruning Vision Transformers by Candlelight"
GARDENING = "Gradient Gardening for Small Language Models"


def current_meta(app: PapertermApp) -> Metadata | None:
    """The metadata of the paper under the cursor (read afresh: it changes under the test)."""
    paper = app.main.current
    return None if paper is None else paper.meta


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    fake = FakeApi(
        search={
            LANTERNS: [
                hf_paper(
                    "2401.00001",
                    LANTERNS,
                    authors=[{"name": "Ada Lantern"}],
                    upvotes=42,
                    ai_summary="Pruning heads by a lantern score keeps accuracy.",
                )
            ],
            GARDENING: [hf_paper("2401.00002", "Gradient Gardening for Large Models")],
        },
        arxiv={
            "2401.00001": atom_entry(
                "2401.00001",
                LANTERNS,
                authors=("Ada Lantern", "Bo Wick"),
                primary="cs.CV",
                published="2024-01-02T00:00:00Z",
            )
        },
    )
    with serving(fake) as (hf, arxiv):
        monkeypatch.setenv("HF_ENDPOINT", hf)
        monkeypatch.setenv("PAPERTERM_ARXIV_URL", arxiv)
        yield fake


async def test_i_identifies_the_paper_in_the_background(
    catalog: Catalog, state_path: Path, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        detail = app.main.query_one(PaperDetail)
        assert "Not identified yet" in detail.text
        await pilot.press("i")
        await settle(pilot)
        await pilot.pause()
        assert api.count("search") == 1 and api.count("arxiv") == 1
        assert app.main.current is not None and app.main.current.meta is not None
        text = detail.text
        assert "Ada Lantern, Bo Wick" in text
        assert "arXiv 2401.00001 · cs.CV · 2024-01-02" in text
        assert "▲ 42 upvotes" in text
        summary = text.index("AI summary (machine-written, by Hugging Face)")
        assert summary > text.index("lantern score that keeps")  # below the abstract
        assert "1 found, 0 not found, 0 ambiguous" in app.said_text()
        assert app.main.query_one(StatusLine).activity == ""
        # Kept for the next run, and searchable at once.
        assert MetaStore.open().meta(app.main.current.id) is not None
        await pilot.press("slash", *"author:lantern", "enter")
        await settle(pilot)
        assert [app.main.papers[i].title for i in app.main.paper_list.rows] == [LANTERNS]
        opened = fake_browser(monkeypatch, webbrowser.BackgroundBrowser("firefox"))
        await pilot.press("o")
        assert opened == ["https://arxiv.org/abs/2401.00001"]


async def test_capital_i_looks_up_the_starred_papers(
    catalog: Catalog, state_path: Path, api: FakeApi
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("I")
        await settle(pilot)
        assert "Nothing starred yet" in app.said_text() and not api.seen
        await pilot.press("s", "j", "s")  # starring does not look up: off by default
        await settle(pilot)
        assert not api.seen
        await pilot.press("I")
        await settle(pilot)
        await pilot.pause()
        assert api.count("search") == 2
        assert "1 found, 0 not found, 1 ambiguous" in app.said_text()


async def test_looking_up_on_star_when_turned_on(
    catalog: Catalog, state_path: Path, api: FakeApi
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        assert settings.load().enrich_on_star  # remembered in the config dir
        await pilot.press("s")
        await settle(pilot)
        await pilot.pause()
        assert api.count("search") == 1
        await pilot.press("s", "s")  # unstar, star again: identified, nothing asked
        await settle(pilot)
        assert api.count("search") == 1
    assert StateStore.open(state_path).starred_ids


async def test_no_network_is_one_message_and_the_reader_goes_on(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.pause()
        assert f"cannot reach 127.0.0.1:{port}: connection refused" in app.said_text()
        await pilot.press("s")
        assert StateStore.open(state_path).starred_ids


async def test_a_lookup_that_fails_unforeseen_is_one_message_and_the_reader_goes_on(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the lookup's thread raises is said, never the end of the reader (a crash
    screen would print the worker's locals: the request's headers, HF_TOKEN in them)."""
    import paperterm.enrich

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in the lookup")

    monkeypatch.setattr(paperterm.enrich, "enrich", broken)
    monkeypatch.setenv("HF_TOKEN", "hf_secret_token")
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await pilot.pause()
        assert app.is_running
        assert "lookup failed: RuntimeError: a bug in the lookup" in app.said_text()
        await pilot.press("s")
        assert StateStore.open(state_path).starred_ids


async def test_quitting_does_not_wait_for_a_lookup_on_a_stalled_server(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """q while a lookup waits on a server that never answers: the reader ends at once (the
    process would have waited for the lookup's tries, minutes, on a blank terminal); the
    lookup is told to stop and its thread, a daemon's, keeps nobody waiting."""
    import socket

    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen()  # connections are taken, never answered
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{stalled.getsockname()[1]}")
        app = make_app(catalog, state_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s", "i")
            await pilot.pause()
            lookup = app.main._enrich_thread
            await pilot.press("q")
        assert not app.is_running
        assert lookup is not None and lookup.is_alive() and lookup.daemon
        assert app.main._enrich_stop is not None and app.main._enrich_stop.is_set()
    assert StateStore.open(state_path).starred_ids


async def test_capital_a_settles_the_arxiv_id_by_hand(
    catalog: Catalog, state_path: Path, api: FakeApi
) -> None:
    app = make_app(catalog, state_path)
    paper = catalog.papers[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await pilot.pause()
        await pilot.press(*"not an id", "enter")
        await pilot.pause()
        assert "Type an arXiv id" in app.said_text()
        box = app.screen.query_one("#arxiv-id")
        box.value = "arXiv:2401.00001v2"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert StateStore.open(state_path).arxiv_choices == {paper.id: "2401.00001"}
        assert app.main.current is not None and app.main.current.meta is not None
        assert "Press i to fetch" in app.said_text()
        await pilot.press("i")  # fetched by id, not searched
        await settle(pilot)
        await pilot.pause()
        assert api.count("search") == 0 and api.count("paper") == 1 and api.count("arxiv") == 1
        assert "Ada Lantern, Bo Wick" in app.main.query_one(PaperDetail).text
        await pilot.press("A")
        await pilot.pause()
        app.screen.query_one("#arxiv-id").value = "none"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert current_meta(app) is None
        await pilot.press("A", "escape")
        assert StateStore.open(state_path).arxiv_choices == {paper.id: "none"}
