"""The reader saves its marks as journal lines and folds the journal into the file when it quits."""

from __future__ import annotations

from pathlib import Path

import orjson

from paperterm.catalog import Catalog
from paperterm.state import StateStore, journal
from pilot import SIZE, make_app, on_disk


async def test_marks_are_journal_lines_and_quitting_folds_them(
    catalog: Catalog, state_path: Path
) -> None:
    StateStore.open(state_path).set_starred(["elsewhere"], True)  # the file exists
    before = state_path.read_bytes()
    app = make_app(catalog, state_path)
    first, second = catalog.papers[0].id, catalog.papers[1].id
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "j", "r")
        await pilot.pause()
        assert state_path.read_bytes() == before  # not rewritten on each key
        lines = journal.path_of(state_path).read_bytes().splitlines()
        assert len(lines) == 2
        assert on_disk(state_path).starred_ids == {"elsewhere", first}
        StateStore.open(state_path).set_read(["script"], True)  # `paperterm mark` meanwhile
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert not journal.path_of(state_path).exists()
    papers = orjson.loads(state_path.read_bytes())["papers"]
    assert papers[first]["starred"] and papers[second]["read"] and papers["script"]["read"]
