"""SVG snapshots of the main views at fixed sizes (pytest-textual-snapshot).

Update after an intended change with ``pytest tests/test_ui_snapshots.py --snapshot-update`` and
look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp
from test_recommend import TOPICS, make_catalog
from test_ui_fixture import load_fixture

SnapCompare = Callable[..., bool]


@pytest.fixture
def app(tmp_path: Path) -> PapertermApp:
    """The fixture catalogue with a little triage done: two read, one starred."""
    catalog = load_fixture(tmp_path / "dumps")
    store = StateStore.open(tmp_path / "state.json")
    store.set_read([catalog.papers[0].id, catalog.papers[3].id], True)
    store.set_starred([catalog.papers[4].id], True)
    return PapertermApp(catalog, store)


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_all_view_wide(snap_compare: SnapCompare, app: PapertermApp) -> None:
    # The cursor on the paper seen in both dumps: two sources, two abstract versions.
    assert snap_compare(app, press=["j"], terminal_size=(120, 36))


def test_filtered_with_highlights(snap_compare: SnapCompare, app: PapertermApp) -> None:
    async def filter_then_list(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"models", "enter")  # two exact, one close: the divider
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=filter_then_list)


def test_help_screen(snap_compare: SnapCompare, app: PapertermApp) -> None:
    assert snap_compare(app, press=["question_mark"], terminal_size=(120, 44))


def test_stacked_at_80x24(snap_compare: SnapCompare, app: PapertermApp) -> None:
    assert snap_compare(app, press=["j", "j", "j", "j"], terminal_size=(80, 24))


def test_no_match(snap_compare: SnapCompare, app: PapertermApp) -> None:
    async def filter_nothing(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"zzqqxx", "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(100, 20), run_before=filter_nothing)


def test_export_dialog(snap_compare: SnapCompare, app: PapertermApp, tmp_path: Path) -> None:
    app.export_path = Path("/home/me/paper/refs.bib")
    assert snap_compare(app, press=["e"], terminal_size=(100, 24))


def test_tagged_paper_with_a_note_in_the_queue(
    snap_compare: SnapCompare, app: PapertermApp
) -> None:
    """View 5 (the reading queue) on a paper with tags and a two-line note in the detail pane."""
    store, papers = app.store, app.catalog.papers
    store.add_tags([papers[5].id], ["quantisation", "to-reproduce"])
    store.set_note(papers[5].id, "Try the 2-bit codebook on our laptop.\nAsk about perplexity.")
    store.enqueue([papers[5].id, papers[2].id])

    async def queue_view(pilot: Pilot[None]) -> None:
        await pilot.press("5")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=queue_view)


def test_for_you_says_why(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # One rendering paper starred, one pruning paper read: sorted "for you", from the top, the
    # first pick is another rendering paper and the detail pane says why ("because: ...").
    entries = [TOPICS[topic][n] for n in range(3) for topic in ("rendering", "pruning", "speech")]
    catalog = make_catalog(entries)
    store = StateStore.open(tmp_path / "state.json")
    store.set_starred([catalog.papers[0].id], True)
    store.set_read([catalog.papers[1].id], True)
    app = PapertermApp(catalog, store)

    async def sort_for_you(pilot: Pilot[None]) -> None:
        await pilot.press("t", "t", "g")  # title, for you (no filter: t skips catalogue order)
        await _settle(pilot)
        pilot.app.clear_notifications()  # "Sorted by ...": timed, so not in a snapshot
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 24), run_before=sort_for_you)
