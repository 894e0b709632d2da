"""Pilot tests of "for you" and "like this" in the reader: t, m, the reasons, a star's refit."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperterm import settings
from paperterm.catalog import Catalog
from paperterm.ui.widgets.filter_bar import FilterBar
from paperterm.ui.widgets.paper_detail import PaperDetail
from pilot import SIZE, current_title, make_app, on_disk, settle, shown
from test_recommend import TOPICS, make_catalog


@pytest.fixture
def catalog() -> Catalog:
    # r0 p0 s0 r1 p1 s1 r2 p2 s2: rendering, pruning and speech papers interleaved.
    entries = [TOPICS[topic][n] for n in range(3) for topic in ("rendering", "pruning", "speech")]
    return make_catalog(entries)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "state.json"


def titles(topic: str) -> list[str]:
    return [title for title, _ in TOPICS[topic]]


async def test_m_lists_the_papers_like_this_one(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")  # p0, a pruning paper
        await pilot.press("m")
        await settle(pilot)
        paper = catalog.papers[1]
        assert app.query_one(FilterBar).value == f"similar:{paper.id}"
        assert shown(app)[:2] == titles("pruning")[1:]
        assert paper.title not in shown(app)
        assert "most like this one" in app.said_text()
        await pilot.press("escape")
        await settle(pilot)
        assert len(shown(app)) == len(catalog)


async def test_m_lists_most_alike_first_and_escape_goes_back_where_m_was_pressed(
    catalog: Catalog, state_path: Path
) -> None:
    """Whatever the order and the filter before it, ``m`` lists the papers most alike first;
    Escape brings back that filter and order, the cursor on the paper ``m`` was pressed on
    (a triage walk goes on where it was)."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"sparse", "enter")
        while app.main.sort != "title":
            await pilot.press("t")
        await settle(pilot)
        before = shown(app)
        assert before == sorted(before) and len(before) >= 3
        target = "Rewinding Tickets for Sparse Training"
        while current_title(app) != target:
            await pilot.press("j")
        await pilot.press("m")
        await settle(pilot)
        assert app.main.sort == "relevance"
        assert set(shown(app)[:2]) == set(titles("pruning")) - {target}
        # Quitting here keeps where Escape goes back to for the next start.
        app.main.remember_place()
        place = settings.load().place(app.main.place_key)
        assert (place.sort, place.filter) == ("title", "sparse")
        assert place.paper == next(p.id for p in catalog.papers if p.title == target)
        await pilot.press("j", "m")  # m in the list of m: Escape still goes back to before both
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.filter_text == "sparse"
        assert app.query_one(FilterBar).value == "sparse"
        assert app.main.sort == "title"
        assert shown(app) == before
        assert current_title(app) == target
        # Without a filter before: the whole list, at the paper.
        await pilot.press("escape", "g", "j", "j", "j", "j")
        await settle(pilot)
        here = current_title(app)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.filter_text == "" and len(shown(app)) == len(catalog)
        assert current_title(app) == here


async def test_t_to_for_you_without_stars_says_so(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "t")  # title, for you (no filter: t skips catalogue order)
        await settle(pilot)
        assert app.main.sort == "for-you"
        assert "No starred papers yet" in app.said_text()
        assert shown(app) == [paper.title for paper in catalog.papers]
        assert "because:" not in app.query_one(PaperDetail).text


async def test_for_you_ranks_by_the_stars_and_says_why(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")  # star r0, "Volume Rendering of Implicit Surfaces"
        assert on_disk(state_path).is_starred(catalog.papers[0].id)
        await pilot.press("t", "t")  # title, for you (no filter: t skips catalogue order)
        await settle(pilot)
        assert app.main.sort == "for-you"
        assert "Sorted by for you" in app.said_text()
        assert set(shown(app)[:2]) == set(titles("rendering")[1:])
        assert shown(app)[-1] == titles("rendering")[0]  # starred: no longer a pick
        await pilot.press("g")
        await settle(pilot)
        detail = app.query_one(PaperDetail).text
        assert "because: " in detail
        because = detail.split("because: ", 1)[1].split("\n", 1)[0]
        assert {"volume rendering", "implicit surfaces", "SDF", "surfaces"} & set(
            because.split(", ")
        )
        status = str(app.query_one("#status").render())
        assert "for you" in status


async def test_a_star_under_for_you_reorders_the_rows_below_the_cursor(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "t", "t", "g")  # star r0, sort for you (title first), to the top
        await settle(pilot)
        before = shown(app)
        speech = titles("speech")
        row = before.index(speech[0])
        for _ in range(row):
            await pilot.press("j")
        assert current_title(app) == speech[0]
        await pilot.press("s")
        await settle(pilot)
        after = shown(app)
        assert after[: row + 1] == before[: row + 1]  # down to the cursor: as it was
        assert current_title(app) == speech[0]  # the cursor stays on the paper starred
        assert after[row + 1 : row + 3] == speech[1:]  # the other speech papers come next
        assert sorted(after) == sorted(before)
