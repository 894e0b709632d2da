"""Corrupt state files are moved aside and the backup loaded; a newer schema is never touched."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from paperterm.errors import StateError
from paperterm.locations import default_state_path
from paperterm.state import StateStore

GOOD = {"schema": 1, "papers": {"aaaaaaaaaaaa": {"starred": True, "starred_at": 10.0}}}
BACKUP = {"schema": 1, "papers": {"bbbbbbbbbbbb": {"read": True, "read_at": 5.0}}}


def entry(**fields: object) -> bytes:
    return orjson.dumps({"schema": 1, "papers": {"cccccccccccc": fields}})


CORRUPT_FORMS = {
    "empty": b"",
    "blank": b"  \n\t\n",
    "truncated": orjson.dumps(GOOD)[:-7],
    "not json": b"starred: aaaaaaaaaaaa\n",
    "binary": bytes(range(256)),
    "not utf-8": b'{"schema": 1, "papers": {"\xff\xfe": {}}}',
    "nul bytes": b"\0" * 64,
    "top is a list": b"[1, 2]",
    "top is a string": b'"state"',
    "no schema": b'{"papers": {}}',
    "schema is a string": b'{"schema": "1", "papers": {}}',
    "schema is true": b'{"schema": true, "papers": {}}',
    "schema is zero": b'{"schema": 0, "papers": {}}',
    "schema is a float": b'{"schema": 1.0, "papers": {}}',
    "papers is a list": b'{"schema": 1, "papers": []}',
    "papers is null": b'{"schema": 1, "papers": null}',
    "entry is a list": b'{"schema": 1, "papers": {"cccccccccccc": [true]}}',
    "entry is a bool": b'{"schema": 1, "papers": {"cccccccccccc": true}}',
    "read is a string": entry(read="yes"),
    "read is a number": entry(read=1),
    "starred is null": entry(starred=None),
    "read_at is a string": entry(read=True, read_at="yesterday"),
    "starred_at is a bool": entry(starred=True, starred_at=True),
    "tags is a string": entry(tags="rl"),
    "tags hold a number": entry(tags=["rl", 3]),
    "note is a number": entry(note=5),
    "bibkey is a number": entry(bibkey=2024),
    "bibkey is empty": entry(bibkey=""),
    "arxiv choice is a number": entry(arxiv=1803.03635),
    "arxiv choice is empty": entry(arxiv=""),
}


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


def write(path: Path, data: bytes | dict[str, object]) -> bytes:
    raw = data if isinstance(data, bytes) else orjson.dumps(data)
    path.write_bytes(raw)
    return raw


def corrupt_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


@pytest.mark.parametrize("form", CORRUPT_FORMS.values(), ids=CORRUPT_FORMS.keys())
def test_a_corrupt_file_is_moved_aside_and_the_backup_loaded(state_path: Path, form: bytes) -> None:
    write(state_path, form)
    backup = write(state_path.with_name("state.json.bak"), BACKUP)
    store = StateStore.open(state_path, clock=lambda: 1_700_000_000.0)
    assert store.read_ids == {"bbbbbbbbbbbb"} and store.starred_ids == frozenset()
    [aside] = corrupt_copies(state_path)
    assert aside.name == "state.json.corrupt-20231114T221320Z"
    assert aside.read_bytes() == form
    assert len(store.notices) == 1
    notice = store.notices[0]
    assert "\n" not in notice and aside.name in notice and "state.json.bak" in notice
    assert state_path.with_name("state.json.bak").read_bytes() == backup
    # The recovered state is written back at once, so the next start finds a good file.
    assert orjson.loads(state_path.read_bytes())["papers"] == BACKUP["papers"]
    store.set_starred(["dddddddddddd"], True)
    again = StateStore.open(state_path)
    assert again.notices == [] and again.starred_ids == {"dddddddddddd"}


def test_an_earlier_corrupt_copy_is_never_overwritten(state_path: Path) -> None:
    same_second = 1_700_000_000.0
    write(state_path, b'{"schema": 2, "papers": {"first broken')
    StateStore.open(state_path, clock=lambda: same_second)
    write(state_path, b'{"schema": 2, "papers": {"second broken')
    StateStore.open(state_path, clock=lambda: same_second)
    write(state_path, b'{"schema": 2, "papers": {"third broken')
    StateStore.open(state_path, clock=lambda: same_second)
    stem = "state.json.corrupt-20231114T221320Z"
    assert {p.name: p.read_bytes() for p in corrupt_copies(state_path)} == {
        stem: b'{"schema": 2, "papers": {"first broken',
        f"{stem}-1": b'{"schema": 2, "papers": {"second broken',
        f"{stem}-2": b'{"schema": 2, "papers": {"third broken',
    }


def test_corrupt_without_a_backup_starts_empty_and_says_so(state_path: Path) -> None:
    write(state_path, b'{"schema": 2, "pap')
    store = StateStore.open(state_path)
    assert store.starred_ids == frozenset()
    assert len(store.notices) == 1 and "no backup" in store.notices[0]
    assert [p.read_bytes() for p in corrupt_copies(state_path)] == [b'{"schema": 2, "pap']


def test_a_corrupt_backup_is_moved_aside_too(state_path: Path) -> None:
    write(state_path, b"")
    write(state_path.with_name("state.json.bak"), b"[]")
    store = StateStore.open(state_path)
    assert store.starred_ids == frozenset()
    assert "backup was unreadable too" in store.notices[0]
    assert sorted(p.read_bytes() for p in state_path.parent.glob("*.corrupt-*")) == [b"", b"[]"]


def test_corruption_found_while_saving_is_recovered_and_the_change_kept(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    store.set_starred(["b"], True)  # state.json.bak now holds {"a"}
    write(state_path, b'{"schema": 1, "papers": {"a": {"starred": "very"}}}')
    store.set_read(["c"], True)
    reopened = StateStore.open(state_path)
    assert reopened.starred_ids == {"a", "b"} and reopened.read_ids == {"c"}
    assert len(corrupt_copies(state_path)) == 1 and store.notices


def test_unknown_fields_are_kept(state_path: Path) -> None:
    write(
        state_path,
        {"schema": 1, "sync": {"v": 2}, "papers": {"a": {"starred": True, "colour": "red"}}},
    )
    store = StateStore.open(state_path)
    store.set_read(["a"], True)
    data = orjson.loads(state_path.read_bytes())
    assert data["sync"] == {"v": 2} and data["papers"]["a"]["colour"] == "red"
    assert store.notices == []


NEWER = {
    "schema": 3,
    "papers": {"aaaaaaaaaaaa": {"starred": True, "starred_at": 10.0, "rating": 5}},
    "folders": ["x"],
}


@pytest.mark.parametrize(
    "content",
    [
        orjson.dumps(NEWER, option=orjson.OPT_INDENT_2),
        b'{"schema": 7, "papers": [["aaaaaaaaaaaa", {"flags": 3}]]}',
    ],
    ids=["readable papers", "unreadable papers"],
)
def test_a_newer_schema_is_read_only_and_never_touched(state_path: Path, content: bytes) -> None:
    write(state_path, content)
    before = os.stat(state_path)
    store = StateStore.open(state_path)
    assert store.read_only
    assert len(store.notices) == 1 and "read-only" in store.notices[0]
    if b"rating" in content:
        assert store.starred_ids == {"aaaaaaaaaaaa"}
    for change in (
        lambda: store.set_starred(["aaaaaaaaaaaa"], False),
        lambda: store.set_read(["b"], True),
        lambda: store.pin_keys({"b": "key"}),
    ):
        with pytest.raises(StateError, match="read-only"):
            change()
    assert store.undo() is False
    store.reload()
    after = os.stat(state_path)
    assert state_path.read_bytes() == content
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in state_path.parent.iterdir()) == ["state.json"]


def test_a_newer_schema_written_by_another_release_stops_our_saves(state_path: Path) -> None:
    store = StateStore.open(state_path)
    store.set_starred(["a"], True)
    newer = write(state_path, orjson.dumps(NEWER))
    with pytest.raises(StateError, match="newer schema"):
        store.set_starred(["b"], True)
    assert store.read_only and state_path.read_bytes() == newer


def test_a_named_file_that_never_was_a_state_file_is_refused_untouched(
    state_path: Path, tmp_path: Path
) -> None:
    """``--state refs.bib`` (a slip): the user's file is neither moved aside nor replaced by a
    state file; a damaged state file, an empty one, and the default file whatever it holds,
    are recovered as ever."""
    for name, raw in (("refs.bib", b"@misc{mine, title = {Mine}}\n"), ("x.json", b'{"a": 1}')):
        named = tmp_path / name
        named.write_bytes(raw)
        with pytest.raises(StateError, match="not a paperterm state file; nothing changed"):
            StateStore.open(named)
        assert named.read_bytes() == raw and not corrupt_copies(named)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    StateStore.open(empty).set_starred(["0123456789ab"], True)
    assert StateStore.open(empty).starred_ids == {"0123456789ab"}
    default = default_state_path()
    default.parent.mkdir(parents=True, exist_ok=True)
    default.write_bytes(b"@misc{oops}")
    StateStore.open(default)
    assert [p.read_bytes() for p in corrupt_copies(default)] == [b"@misc{oops}"]
