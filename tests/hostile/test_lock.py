"""Attacks on the state's lock and backup: a lock held for ever, a backup that is a folder, and
two paperterms pinning the same citation key at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperterm.cli import run
from paperterm.identity import paper_id
from paperterm.model import Paper, Source
from paperterm.state import StateStore
from paperterm.usecases import export_and_pin


def paper(title: str) -> Paper:
    return Paper(paper_id(title), title, ("An abstract.",), (Source("page.txt", 1, 1),), (), 0)


def test_a_backup_that_is_a_folder_is_reported_by_mark(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    assert run(["mark", "star", "aaaaaaaaaaaa", "--state", str(state)]) == 0
    (tmp_path / "state.json.bak").mkdir()
    capsys.readouterr()
    assert run(["mark", "read", "aaaaaaaaaaaa", "--state", str(state)]) == 0
    err = capsys.readouterr().err
    assert "state.json.bak" in err and "backup" in err
    assert StateStore.open(state).is_read("aaaaaaaaaaaa")


def test_two_stores_pinning_the_same_new_key_never_both_take_it(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first, second = StateStore.open(state), StateStore.open(state)
    assert first.pin_keys({"aaaaaaaaaaaa": "lotteryticket"}) == {"aaaaaaaaaaaa": "lotteryticket"}
    taken = second.pin_keys({"bbbbbbbbbbbb": "lotteryticket"})  # its memory is stale
    assert taken.get("bbbbbbbbbbbb") != "lotteryticket"
    keys = StateStore.open(state).pinned_keys
    assert sorted(keys.values()).count("lotteryticket") == 1


def test_two_exports_at_once_give_two_keys(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first, second = StateStore.open(state), StateStore.open(state)
    one = paper("Lottery Ticket Hypothesis")
    two = paper("The Lottery Ticket Revisited")
    got_one = export_and_pin([one], "bibtex", first)
    got_two = export_and_pin([two], "bibtex", second)
    assert got_one.keys[one.id] != got_two.keys[two.id]
    assert f"@misc{{{got_two.keys[two.id]}," in got_two.text
    assert StateStore.open(state).pinned_keys == {**got_one.keys, **got_two.keys}
