"""Attacks through the state file: a pinned citation key that BibTeX cannot take.

A hand-edited state (``"bibkey": "müller 2024{"``) used to block every export and crash the
reader on ``y``, even for a paper in no loaded dump. The key is refused when the state is read:
one note, the key set aside (kept in the file as ``bibkey_refused``), a new key pinned at the
next export.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paperterm.cli import run
from paperterm.identity import paper_id
from paperterm.state import StateStore
from pilot import SIZE, make_app
from test_ui_fixture import load_fixture

TITLE = "Sparse Networks Prune Themselves"
BAD_KEYS = {
    "space_and_brace": "müller 2024{",
    "comma": "smith,2024",
    "brace": "a}b",
    "percent": "50%",
    "escape_sequence": "k\x1b]52;c;Y3VybA==\x07",
    "newline": "key\nother",
}


def write_state(path: Path, paper: str, key: str) -> None:
    entry = {"starred": True, "starred_at": 10.0, "bibkey": key}
    path.write_bytes(orjson.dumps({"schema": 1, "papers": {paper: entry}}))


@pytest.fixture(params=sorted(BAD_KEYS))
def bad_key(request: pytest.FixtureRequest) -> str:
    return BAD_KEYS[request.param]


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    page = f"{TITLE}\nAn abstract.\nOther Title\nOther abstract.\n"
    path.write_text(f"Get trending papers in your email inbox!\n{page}", encoding="utf-8")
    return path


def test_a_bad_pinned_key_is_refused_when_the_state_is_read(tmp_path: Path, bad_key: str) -> None:
    state = tmp_path / "state.json"
    write_state(state, paper_id(TITLE), bad_key)
    store = StateStore.open(state)
    assert store.pinned_keys == {}
    assert store.is_starred(paper_id(TITLE))
    [note] = [line for line in store.notices if "citation key" in line]
    assert "\x1b" not in note and "\n" not in note


def test_a_bad_pinned_key_never_blocks_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dump: Path, bad_key: str
) -> None:
    state = tmp_path / "state.json"
    write_state(state, paper_id(TITLE), bad_key)
    assert run(["export", str(dump), "--state", str(state)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("@misc{sparsenetworks,")
    assert "citation key" in err
    entry = orjson.loads(state.read_bytes())["papers"][paper_id(TITLE)]
    assert entry["bibkey"] == "sparsenetworks"
    assert entry["bibkey_refused"] == bad_key  # nothing lost: the user's text is kept aside


def test_a_bad_pinned_key_on_a_paper_not_loaded_never_blocks_an_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dump: Path, bad_key: str
) -> None:
    state = tmp_path / "state.json"
    write_state(state, "aaaaaaaaaaaa", bad_key)
    assert run(["export", "--all", str(dump), "--state", str(state)]) == 0
    assert capsys.readouterr().out.count("@misc{") == 2


async def test_a_bad_pinned_key_never_crashes_y(tmp_path: Path) -> None:
    catalog = load_fixture(tmp_path / "dumps")
    state = tmp_path / "state.json"
    paper = catalog.papers[0]
    write_state(state, paper.id, BAD_KEYS["space_and_brace"])
    app = make_app(catalog, state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard.startswith("@misc{")
    key = StateStore.open(state).get(paper.id).bibkey
    assert key and key in app.clipboard
