"""Tags (merged tag by tag), notes and the reading queue in the state store; schema 1 upgraded."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from clock import Clock
from paperterm.state import SCHEMA, StateStore
from paperterm.state.record import clean_tag


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


def test_a_schema_1_file_is_read_and_saved_as_the_current_schema(state_path: Path) -> None:
    state_path.write_bytes(
        orjson.dumps(
            {
                "schema": 1,
                "papers": {
                    "a": {"tags": ["rl", "theory"], "tags_at": 50.0, "note": "hi", "note_at": 3},
                    "b": {"starred": True, "starred_at": 7.0},
                },
            }
        )
    )
    store = StateStore.open(state_path, clock=Clock())
    assert store.get("a").tags == ("rl", "theory") and store.get("a").note == "hi"
    assert store.is_starred("b") and not store.read_only
    store.set_read(["b"], True)
    data = orjson.loads(state_path.read_bytes())
    assert data["schema"] == SCHEMA == 2
    assert data["papers"]["a"]["tags"] == {"rl": [True, 50.0], "theory": [True, 50.0]}
    assert "tags_at" not in data["papers"]["a"]


def test_a_schema_1_file_with_bad_tags_is_still_corrupt(state_path: Path) -> None:
    state_path.write_bytes(b'{"schema": 1, "papers": {"a": {"tags": {"rl": [true, 1]}}}}')
    store = StateStore.open(state_path)
    assert store.get("a").tags == () and store.notices


@pytest.mark.parametrize(
    "tags",
    [
        ["rl"],
        {"rl": True},
        {"rl": [True]},
        {"rl": ["yes", 1.0]},
        {"": [True, 1.0]},
        {"rl": [True, None]},
    ],
)
def test_schema_2_tags_of_the_wrong_shape_are_corrupt(state_path: Path, tags: object) -> None:
    state_path.write_bytes(orjson.dumps({"schema": 2, "papers": {"a": {"tags": tags}}}))
    store = StateStore.open(state_path)
    assert store.paper_count == 0 and "unreadable" in store.notices[0]


def test_tags_are_cleaned_sorted_and_merged_one_by_one(state_path: Path) -> None:
    clock = Clock()
    laptop = StateStore.open(state_path, clock=clock)
    desktop = StateStore.open(state_path, clock=clock)
    laptop.set_tags("a", ["rl", " to read ", "Theory", "rl", "", "a\x1bb"])
    assert laptop.get("a").tags == ("ab", "rl", "Theory", "to-read")
    clock.tick()
    desktop.reload()
    desktop.remove_tags(["a"], ["rl"])  # desktop removes one tag...
    clock.tick()
    laptop.add_tags(["a"], ["vision"])  # ...while the laptop, not yet seeing it, adds another
    final = StateStore.open(state_path)
    assert final.get("a").tags == ("ab", "Theory", "to-read", "vision")
    assert final.tag_index["theory"] == {"a"}
    assert final.tag_counts() == {"ab": 1, "Theory": 1, "to-read": 1, "vision": 1}


def test_tag_changes_undo_as_one_step(state_path: Path) -> None:
    store = StateStore.open(state_path, clock=Clock())
    store.add_tags(["a", "b"], ["rl"])
    store.add_tags(["a", "b"], ["nlp"])
    store.undo()
    assert store.get("a").tags == ("rl",) and store.get("b").tags == ("rl",)
    store.undo()
    reopened = StateStore.open(state_path)
    assert reopened.get("a").tags == () and reopened.tag_index == {}


def test_clean_tag() -> None:
    assert clean_tag("  machine learning ") == "machine-learning"
    assert clean_tag("a,b") == "a-b"
    assert clean_tag("\x07") == ""
    assert len(clean_tag("x" * 500)) == 64


def test_the_queue_keeps_its_own_order_and_moves(state_path: Path) -> None:
    clock = Clock()
    store = StateStore.open(state_path, clock=clock)
    store.enqueue(["c", "a"])
    clock.tick()
    store.enqueue(["b", "a"])  # a is already queued: it keeps its place
    assert store.queue == ("c", "a", "b")
    assert store.move_in_queue("b", -2)
    assert store.queue == ("b", "c", "a")
    assert store.move_in_queue("b", 1)
    assert store.queue == ("c", "b", "a")
    assert not store.move_in_queue("a", 1)  # already last
    store.undo()
    assert store.queue == ("b", "c", "a")
    store.dequeue(["c"])
    assert StateStore.open(state_path).queue == ("b", "a")


def test_moving_between_close_places_spaces_the_queue_out(state_path: Path) -> None:
    store = StateStore.open(state_path, clock=Clock())
    with store.update() as changes:
        changes.set_queued(["a"], 1.0)
        changes.set_queued(["b"], 1.0000000000000002)
        changes.set_queued(["c"], 2.0)
    assert store.queue == ("a", "b", "c")
    assert store.move_in_queue("c", -1)
    assert store.queue == ("a", "c", "b")


def test_a_queue_place_must_be_finite(state_path: Path) -> None:
    store = StateStore.open(state_path)
    with pytest.raises(ValueError), store.update() as changes:
        changes.set_queued(["a"], float("nan"))


def test_queue_merges_by_change_time(state_path: Path) -> None:
    clock = Clock()
    laptop = StateStore.open(state_path, clock=clock)
    desktop = StateStore.open(state_path, clock=clock)
    laptop.enqueue(["a"])
    clock.tick()
    desktop.enqueue(["b"])
    clock.tick()
    laptop.dequeue(["a"])
    assert StateStore.open(state_path).queue == ("b",)
