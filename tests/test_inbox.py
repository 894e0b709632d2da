"""The inbox core: new since the last visit, mute rules, saved filters, merge, conflict copies."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paperterm.catalog import Catalog
from paperterm.cli import run
from paperterm.identity import paper_id
from paperterm.inbox import FilterFile, Inbox
from paperterm.loader import load
from paperterm.locations import library_dir
from paperterm.state import StateStore
from paperterm.state.seen import HEADER, Seen, decode, encode

HEAD = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n"
)


def dump_text(titles: list[str]) -> str:
    lines = [HEAD + "Subscribe" + titles[0], f"An abstract about {titles[0].lower()}."]
    for title in titles[1:]:
        lines += [title, f"An abstract about {title.lower()}, with more words in it."]
    return "\n".join(lines) + "\n"


MONDAY = ["Sparse Mixtures of Experts", "Graph Attention for Molecules", "Diffusion for Audio"]
TUESDAY = ["Diffusion for Audio", "Reward Models Under Shift", "Tiny Language Models Reason"]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    status, out, err = cli(capsys, "list", *argv)
    assert status == 0, err
    return [line.split("\t")[2] for line in out.splitlines()]


def quit_reader() -> int:
    """What the reader's quit does (the use case it calls), over the library."""
    store = StateStore.open()
    return Inbox(load([library_dir()]), store).end_visit()


@pytest.fixture
def dumps(tmp_path: Path) -> tuple[Path, Path]:
    monday, tuesday = tmp_path / "monday.txt", tmp_path / "tuesday.txt"
    monday.write_text(dump_text(MONDAY), encoding="utf-8")
    tuesday.write_text(dump_text(TUESDAY), encoding="utf-8")
    return monday, tuesday


def test_new_is_what_no_quit_reader_had_loaded(
    capsys: pytest.CaptureFixture[str], dumps: tuple[Path, Path]
) -> None:
    monday, tuesday = dumps
    assert cli(capsys, "add", str(monday))[0] == 0
    assert listed(capsys, "-q", "is:new") == MONDAY  # never opened: all new
    assert (
        listed(capsys) == MONDAY and listed(capsys, "-q", "is:new") == MONDAY
    )  # list ends nothing
    assert quit_reader() == 3
    assert listed(capsys, "-q", "is:new") == []
    assert cli(capsys, "add", str(tuesday))[0] == 0
    # Exactly the second dump's papers never seen before: "Diffusion for Audio" was on Monday.
    assert listed(capsys, "-q", "is:new") == [
        "Reward Models Under Shift",
        "Tiny Language Models Reason",
    ]
    assert listed(capsys, "-q", "!is:new") == MONDAY
    assert listed(capsys, "-q", "is:n tiny") == ["Tiny Language Models Reason"]
    assert quit_reader() == 2
    assert listed(capsys, "-q", "is:new") == []
    assert quit_reader() == 0


def test_the_seen_file_is_compact_sorted_text_beside_the_state(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    seen = Seen.beside(state)
    ids = [paper_id(title) for title in MONDAY]
    assert seen.new_ids(ids) == set(ids)
    assert seen.end_visit(ids) == 3
    data = (tmp_path / "state.json.seen").read_bytes()
    assert data == HEADER + "".join(f"{i}\n" for i in sorted(ids)).encode()
    assert not state.exists()  # the state file is not touched by a visit
    assert Seen.beside(state).new_ids(ids) == frozenset()
    assert decode(encode(ids)) == set(ids)


@pytest.mark.parametrize(
    "content",
    [b"", b"junk\n", HEADER + b"0123\n", HEADER + b"0123456789ab", HEADER + b"ABCDEF012345\n"],
)
def test_a_damaged_seen_file_makes_everything_new_and_is_moved_aside(
    tmp_path: Path, content: bytes
) -> None:
    state = tmp_path / "state.json"
    (tmp_path / "state.json.seen").write_bytes(content)
    seen = Seen.beside(state)
    assert seen.new_ids(["0123456789ab"]) == {"0123456789ab"} and seen.notices
    seen.end_visit(["0123456789ab"])
    assert [p.name.split("-")[0] for p in tmp_path.glob("state.json.seen.corrupt-*")] == [
        "state.json.seen.corrupt"
    ]
    assert Seen.beside(state).ids == {"0123456789ab"}


def test_conflict_copies_of_the_seen_file_are_united(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    (tmp_path / "state.json.seen").write_bytes(encode(["aaaaaaaaaaaa"]))
    copy = tmp_path / "state.json.sync-conflict-20260101-120000-ABC.seen"
    copy.write_bytes(encode(["bbbbbbbbbbbb"]))
    seen = Seen.beside(state)
    assert seen.ids == {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}
    seen.end_visit(["cccccccccccc"])
    assert not copy.exists()
    assert decode((tmp_path / "state.json.seen").read_bytes()) == {
        "aaaaaaaaaaaa",
        "bbbbbbbbbbbb",
        "cccccccccccc",
    }


# -- mute rules -----------------------------------------------------------------------------


def test_mute_rules_hide_papers_from_list_unless_asked(
    capsys: pytest.CaptureFixture[str], dumps: tuple[Path, Path]
) -> None:
    monday = str(dumps[0])
    status, _, err = cli(capsys, "mute", "graph", "attention")
    assert status == 0 and "added mute rule 1: graph attention" in err
    assert cli(capsys, "mute", "title:audio")[0] == 0
    assert cli(capsys, "mute", "title:audio")[2].startswith("paperterm: note: already")
    assert cli(capsys, "mute")[1] == "1\tgraph attention\n2\ttitle:audio\n"
    assert listed(capsys, monday) == ["Sparse Mixtures of Experts"]
    assert listed(capsys, monday, "--muted") == MONDAY
    assert listed(capsys, monday, "-q", "is:muted") == MONDAY[1:]
    assert listed(capsys, monday, "-q", "is:muted audio") == ["Diffusion for Audio"]
    status, out, _ = cli(capsys, "list", monday, "--json")
    assert [row["title"] for row in orjson.loads(out)] == ["Sparse Mixtures of Experts"]
    status, _, err = cli(capsys, "mute", "--remove", "1")
    assert status == 0 and "removed mute rule 1: graph attention" in err
    assert listed(capsys, monday) == MONDAY[:2]
    assert cli(capsys, "mute")[1] == "1\ttitle:audio\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mute", "--remove", "3"], "no mute rule 3: there are 0"),
        (["mute", "!"], "not a rule that filters anything"),
        (["mute", "!is:muted"], "a mute rule cannot ask what is muted"),
        (["mute", "is:muted|neural"], "a mute rule cannot ask what is muted"),
        (["mute", "x", "--remove", "1"], "not both"),
        (["mute", "--remove", "one"], "invalid int value"),
    ],
)
def test_bad_mute_requests_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, _, err = cli(capsys, *argv)
    assert status == 2 and message in err and err.count("\n") == 1


def test_a_mute_rule_can_use_state_terms(
    capsys: pytest.CaptureFixture[str], dumps: tuple[Path, Path], tmp_path: Path
) -> None:
    monday = str(dumps[0])
    assert cli(capsys, "mute", "is:read")[0] == 0
    assert cli(capsys, "mark", "read", paper_id(MONDAY[0]))[0] == 0
    assert listed(capsys, monday) == MONDAY[1:]


def test_a_hand_written_rule_about_muted_papers_mutes_nothing(
    capsys: pytest.CaptureFixture[str], dumps: tuple[Path, Path]
) -> None:
    rules = FilterFile()
    rules.path.parent.mkdir(parents=True)
    rules.path.write_bytes(orjson.dumps({"mute": ["!is:muted", "audio"]}))
    assert listed(capsys, str(dumps[0])) == MONDAY[:2]  # only "audio" mutes


def test_a_damaged_filters_file_mutes_nothing_and_says_so(
    capsys: pytest.CaptureFixture[str], dumps: tuple[Path, Path]
) -> None:
    rules = FilterFile()
    rules.path.parent.mkdir(parents=True)
    rules.path.write_bytes(b"{not json")
    status, out, err = cli(capsys, "list", str(dumps[0]))
    assert status == 0 and len(out.splitlines()) == 3 and "unreadable" in err
    assert cli(capsys, "mute", "audio")[0] == 0  # the damaged file is moved aside, not lost
    assert list(rules.path.parent.glob("filters.json.corrupt-*"))
    assert FilterFile().read().mute == ("audio",)


def test_filters_file_keeps_only_what_it_can_trust(tmp_path: Path) -> None:
    path = tmp_path / "filters.json"
    path.write_bytes(
        orjson.dumps(
            {
                "mute": ["ok", 3, None, "\x1b[2Jclear", "ok"],
                "saved": [{"name": "ml", "query": "tag:ml"}, {"name": "ML", "query": "x"}, 5],
            }
        )
    )
    filters = FilterFile(path).read()
    assert filters.mute == ("ok", "clear")
    assert [(s.name, s.query) for s in filters.saved] == [("ml", "tag:ml")]


def test_saved_filters_are_replaced_by_name_and_removed(tmp_path: Path) -> None:
    filters = FilterFile(tmp_path / "cfg" / "filters.json")
    filters.save_filter("To read", "is:queued")
    filters.save_filter("rl", "tag:rl is:unread")
    filters.save_filter("to READ", "is:queued !is:read")
    assert [(s.name, s.query) for s in filters.read().saved] == [
        ("to READ", "is:queued !is:read"),
        ("rl", "tag:rl is:unread"),
    ]
    filters.remove_filter("TO read")
    assert [s.name for s in filters.read().saved] == ["rl"]
    with pytest.raises(ValueError):
        filters.save_filter("", "x")


def test_a_saved_filter_is_renamed_and_edited_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "filters.json"
    filters = FilterFile(path)
    filters.add_mute("sheep")
    filters.save_filter("To read", "is:queued")
    filters.save_filter("rl", "tag:rl is:unread")
    filters.edit_filter("to READ", "Queue", "is:queued  !is:read\x1b[2J")
    assert [(s.name, s.query) for s in filters.read().saved] == [
        ("Queue", "is:queued !is:read"),
        ("rl", "tag:rl is:unread"),
    ]
    filters.edit_filter("rl", "RL", "tag:rl")  # the same name in another case: a rename
    assert [(s.name, s.query) for s in FilterFile(path).read().saved] == [
        ("Queue", "is:queued !is:read"),
        ("RL", "tag:rl"),
    ]
    before = path.read_bytes()
    with pytest.raises(ValueError, match="called 'queue' already"):
        filters.edit_filter("rl", "queue", "x")
    with pytest.raises(ValueError, match="no saved filter is called 'gone'"):
        filters.edit_filter("gone", "new", "x")
    with pytest.raises(ValueError, match="a name and a query"):
        filters.edit_filter("rl", "rl", "   ")
    assert path.read_bytes() == before  # a refused edit changes nothing
    assert filters.read().mute == ("sheep",)


# -- tags and the queue in the query language ---------------------------------------------


def test_tag_and_queue_terms(tmp_path: Path) -> None:
    catalog = Catalog(list(load([_write(tmp_path, MONDAY)])))
    store = StateStore.open(tmp_path / "state.json")
    ids = [paper_id(title) for title in MONDAY]
    store.add_tags(ids[:2], ["RL"])
    store.enqueue([ids[2]])
    inbox = Inbox(catalog, store, seen=Seen.beside(tmp_path / "state.json"))
    assert [p.title for p in inbox.search("tag:rl")] == MONDAY[:2]
    assert [p.title for p in inbox.search("!tag:RL")] == MONDAY[2:]
    assert [p.title for p in inbox.search("tag:nope")] == []
    assert [p.title for p in inbox.search("is:queued")] == MONDAY[2:]
    assert [p.title for p in inbox.search("tag:")] == MONDAY  # half typed: ignored


def _write(folder: Path, titles: list[str]) -> Path:
    path = folder / "d.txt"
    path.write_text(dump_text(titles), encoding="utf-8")
    return path


# -- merge and sync conflict copies --------------------------------------------------------


def test_merge_takes_the_later_change_of_each_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mine, laptop = tmp_path / "state.json", tmp_path / "laptop.json"
    store = StateStore.open(mine, clock=lambda: 100.0)
    store.set_starred(["aaaaaaaaaaaa"], True)
    store.add_tags(["aaaaaaaaaaaa"], ["rl"])
    other = StateStore.open(laptop, clock=lambda: 200.0)
    other.set_starred(["aaaaaaaaaaaa"], True)
    other.set_starred(["aaaaaaaaaaaa"], False)  # unstarred on the laptop, later
    other.set_read(["bbbbbbbbbbbb"], True)
    other.add_tags(["aaaaaaaaaaaa"], ["nlp"])
    status, _, err = cli(capsys, "--state", str(mine), "merge", str(laptop))
    assert status == 0 and "2 papers changed" in err
    merged = StateStore.open(mine)
    assert not merged.is_starred("aaaaaaaaaaaa") and merged.is_read("bbbbbbbbbbbb")
    assert merged.get("aaaaaaaaaaaa").tags == ("nlp", "rl")
    status, _, err = cli(capsys, "--state", str(mine), "merge", str(laptop))
    assert status == 0 and "0 papers changed" in err  # idempotent


@pytest.mark.parametrize(
    "content",
    [
        b"# a README\n",
        b'{"schema": 2, "papers": []}',
        b'[{"paper": {}}]',
        b'{"schema": 9, "papers": {}}',
    ],
)
def test_merge_refuses_what_is_not_a_state_file_and_merges_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    mine, bad, good = tmp_path / "state.json", tmp_path / "bad.json", tmp_path / "good.json"
    bad.write_bytes(content)
    StateStore.open(good).set_starred(["aaaaaaaaaaaa"], True)
    status, _, err = cli(capsys, "--state", str(mine), "merge", str(bad), str(good))
    assert status == 2
    assert "bad.json" in err and "nothing merged from it" in err
    assert StateStore.open(mine).is_starred("aaaaaaaaaaaa")
    assert bad.read_bytes() == content


def test_merge_of_a_missing_file_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = cli(capsys, "--state", str(tmp_path / "s.json"), "merge", str(tmp_path / "no"))
    assert status == 2 and "no such file" in err


@pytest.mark.parametrize(
    "name",
    [
        "state.sync-conflict-20260101-120000-ABCDEFG.json",
        "state (conflicted copy 2026-01-01).json",
        "state (conflict 1).json",
    ],
)
def test_every_command_picks_up_sync_conflict_copies(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    state = tmp_path / "state.json"
    StateStore.open(state, clock=lambda: 100.0).set_starred(["aaaaaaaaaaaa"], True)
    copy = tmp_path / name
    StateStore.open(copy, clock=lambda: 200.0).set_read(["bbbbbbbbbbbb"], True)
    for extra in tmp_path.glob(name + ".*"):  # the copy's own lock and backup
        extra.unlink()
    status, _, err = cli(capsys, "--state", str(state), "mark", "star", "cccccccccccc")
    assert status == 0
    assert f"merged the sync conflict copy {name}" in err
    assert not copy.exists()
    assert list(tmp_path.glob(f"{name}.merged-*"))
    store = StateStore.open(state)
    assert store.is_read("bbbbbbbbbbbb") and store.starred_ids == {"aaaaaaaaaaaa", "cccccccccccc"}
    assert store.notices == []  # picked up once


def test_a_conflict_copy_that_is_not_a_state_is_left_alone(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    copy = tmp_path / "state (conflict 2).json"
    copy.write_bytes(b"not json")
    store = StateStore.open(state)
    assert copy.read_bytes() == b"not json"
    assert any("left alone" in notice for notice in store.notices)


def test_the_reader_picks_up_a_conflict_copy_on_reload(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = StateStore.open(state, clock=lambda: 100.0)
    store.set_starred(["aaaaaaaaaaaa"], True)
    copy = tmp_path / "state.sync-conflict-x.json"
    copy.write_bytes(
        orjson.dumps({"schema": 1, "papers": {"bbbbbbbbbbbb": {"read": True, "read_at": 5}}})
    )
    store.reload()
    assert store.is_read("bbbbbbbbbbbb") and not copy.exists()
