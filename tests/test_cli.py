"""The command line, run in-process (fast) and, for exit codes and tracebacks, as a real process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from paperterm import __version__
from paperterm import load as paperterm_load
from paperterm.catalog import Catalog
from paperterm.cli import run
from paperterm.identity import paper_id
from paperterm.locations import default_state_path, demo_state_path
from paperterm.state import StateStore

LOTTERY = "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
DUMP = f"""Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
Subscribe{LOTTERY}
We find that dense networks contain small subnetworks that train to full accuracy on their own.
Sparse Mixtures of Experts at Scale
Routing each token to two of many experts keeps compute flat. Code: https://github.com/example/moe.
Graph Attention for Molecules
Attention over bonds predicts properties of molecules better than message passing alone.
"""


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "dumps" / "page.txt"
    path.parent.mkdir()
    path.write_text(DUMP, encoding="utf-8")
    return path


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"paperterm {__version__}"


def test_list_prints_id_flags_title(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path
) -> None:
    status, out, err = cli(capsys, "list", str(dump), "--state", str(state))
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0] == f"{paper_id(LOTTERY)}\t---\t{LOTTERY}"
    assert lines[1].split("\t")[1] == "--c"


def test_list_json_has_the_documented_keys(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path
) -> None:
    status, out, _ = cli(capsys, "--state", str(state), "list", str(dump), "--json")
    assert status == 0
    rows = orjson.loads(out)
    assert len(rows) == 3
    for key in ("id", "title", "abstract", "links", "sources", "read", "starred"):
        assert key in rows[0]
    assert rows[1]["links"] == ["https://github.com/example/moe"]
    assert rows[1]["code"] == ["https://github.com/example/moe"]
    assert rows[0]["sources"][0]["path"].endswith("page.txt")
    assert (rows[0]["read"], rows[0]["starred"], rows[0]["key"]) == (False, False, None)


def test_list_json_is_the_json_export_shape(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path
) -> None:
    _, listed, _ = cli(capsys, "list", str(dump), "--json", "--state", str(state))
    _, exported, _ = cli(capsys, "export", str(dump), "--all", "-f", "json", "--state", str(state))
    listed_rows, exported_rows = orjson.loads(listed), orjson.loads(exported)
    assert [sorted(row) for row in listed_rows] == [sorted(row) for row in exported_rows]
    # The export pinned the keys it showed; the listing shows them from then on.
    _, listed_again, _ = cli(capsys, "list", str(dump), "--json", "--state", str(state))
    assert orjson.loads(listed_again) == exported_rows


def test_mark_then_filter_by_flags(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path
) -> None:
    lottery = paper_id(LOTTERY)
    assert cli(capsys, "mark", "star", lottery, "--state", str(state))[0] == 0
    assert cli(capsys, "mark", "read", lottery, "--state", str(state))[0] == 0
    assert state.exists()
    _, out, _ = cli(capsys, "list", str(dump), "--starred", "--state", str(state))
    assert out == f"{lottery}\tsr-\t{LOTTERY}\n"
    _, out, _ = cli(capsys, "list", str(dump), "--unread", "--state", str(state))
    assert lottery not in out and len(out.splitlines()) == 2
    assert cli(capsys, "mark", "unstar", lottery, "--state", str(state))[0] == 0
    _, out, _ = cli(capsys, "list", str(dump), "--starred", "--state", str(state))
    assert out == ""


def test_mark_reads_ids_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, dump: Path, state: Path
) -> None:
    _, listing, _ = cli(capsys, "list", str(dump), "-q", "experts", "--state", str(state))
    monkeypatch.setattr(sys, "stdin", io.StringIO(listing))
    assert cli(capsys, "mark", "star", "-", "--state", str(state))[0] == 0
    _, out, _ = cli(capsys, "list", str(dump), "--starred", "--state", str(state))
    assert out.split("\t")[2] == "Sparse Mixtures of Experts at Scale\n"


def test_mark_refuses_what_is_not_an_id(capsys: pytest.CaptureFixture[str], state: Path) -> None:
    status, _, err = cli(capsys, "mark", "star", "lottery", "--state", str(state))
    assert status == 2
    assert err.startswith("paperterm: error: not a paper id: 'lottery'")
    assert len(err.splitlines()) == 1
    assert not state.exists()


def test_mark_settles_the_arxiv_id(capsys: pytest.CaptureFixture[str], state: Path) -> None:
    lottery, other = paper_id(LOTTERY), paper_id("Another paper")
    assert cli(capsys, "mark", lottery, "--arxiv", "arXiv:1803.03635v3", "--state", str(state)) == (
        0,
        "",
        "",
    )
    assert cli(capsys, "mark", other, "--arxiv", "none", "--state", str(state))[0] == 0
    assert StateStore.open(state).arxiv_choices == {lottery: "1803.03635", other: "none"}
    assert cli(capsys, "mark", other, "--arxiv", "auto", "--state", str(state))[0] == 0
    assert StateStore.open(state).arxiv_choices == {lottery: "1803.03635"}
    for argv, message in (
        ([lottery, "--arxiv", "lottery"], "not an arXiv id: 'lottery'"),
        (["star", lottery, "--arxiv", "none"], "--arxiv takes paper ids only"),
        (["frobnicate", lottery], "unknown action 'frobnicate'"),
        (["star"], "no paper id given"),
        (["lottery", "--arxiv", "none"], "not a paper id: 'lottery'"),
    ):
        status, out, err = cli(capsys, "mark", *argv, "--state", str(state))
        assert (status, out) == (2, "")
        assert err.startswith(f"paperterm: error: {message}") and len(err.splitlines()) == 1
    assert StateStore.open(state).arxiv_choices == {lottery: "1803.03635"}


def test_missing_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = cli(capsys, "list", str(tmp_path / "missing.txt"))
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("paperterm: error: ") and "missing.txt" in err


def test_bad_file_among_good_ones_warns_and_loads_the_rest(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, state: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    status, out, err = cli(capsys, "list", str(empty), str(dump), "--state", str(state))
    assert status == 0
    assert len(out.splitlines()) == 3
    assert err.startswith("paperterm: warning: ") and "empty.txt" in err


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "export", "--all", "-q", "x")
    assert status == 2
    assert len(err.splitlines()) == 1 and err.startswith("paperterm: error: ")
    assert err.rstrip().endswith("(see `paperterm export --help`)")


def test_export_starred_bibtex_and_pinned_keys(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path, tmp_path: Path
) -> None:
    lottery = paper_id(LOTTERY)
    cli(capsys, "mark", "star", lottery, "--state", str(state))
    status, out, err = cli(capsys, "export", str(dump), "--state", str(state))
    assert status == 0, err
    assert out.count("@misc{") == 1
    assert "Lottery Ticket" in out
    first_key = out.split("{", 1)[1].split(",", 1)[0]

    target = tmp_path / "refs.bib"
    status, _, err = cli(capsys, "export", str(dump), "-o", str(target), "--state", str(state))
    assert status == 0
    assert target.read_text(encoding="utf-8").split("{", 1)[1].split(",", 1)[0] == first_key
    assert "wrote 1 paper to" in err


def test_export_all_and_query_in_each_format(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path
) -> None:
    _, out, _ = cli(capsys, "export", str(dump), "--all", "--state", str(state))
    assert out.count("@misc{") == 3
    _, out, _ = cli(
        capsys, "export", str(dump), "-q", "molecules", "-f", "json", "--state", str(state)
    )
    assert [row["title"] for row in orjson.loads(out)] == ["Graph Attention for Molecules"]
    _, out, _ = cli(capsys, "export", str(dump), "--all", "-f", "csv", "--state", str(state))
    assert len(out.strip().splitlines()) == 4
    _, out, _ = cli(capsys, "export", str(dump), "--all", "-f", "markdown", "--state", str(state))
    assert "Sparse Mixtures of Experts at Scale" in out


def test_export_to_a_file_takes_the_format_its_name_asks_for(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path, tmp_path: Path
) -> None:
    table = tmp_path / "reading.csv"
    status, _, err = cli(
        capsys, "export", str(dump), "--all", "-o", str(table), "--state", str(state)
    )
    assert status == 0, err
    assert table.read_text(encoding="utf-8").splitlines()[0].startswith("id,")
    records = tmp_path / "refs.CSL.json"
    cli(capsys, "export", str(dump), "--all", "-o", str(records), "--state", str(state))
    assert orjson.loads(records.read_bytes())[0]["type"] == "article"
    # -f wins over the name, and a name that asks for nothing gets BibTeX.
    forced = tmp_path / "forced.csv"
    cli(
        capsys, "export", str(dump), "--all", "-f", "json", "-o", str(forced), "--state", str(state)
    )
    assert len(orjson.loads(forced.read_bytes())) == 3
    status, out, _ = cli(capsys, "export", str(dump), "--all", "-o", "-", "--state", str(state))
    assert status == 0 and out.count("@misc{") == 3  # -: standard output, no file named -
    assert not Path("-").exists()
    plain = tmp_path / "refs.txt"
    cli(capsys, "export", str(dump), "--all", "-o", str(plain), "--state", str(state))
    assert plain.read_text(encoding="utf-8").count("@misc{") == 3


def test_export_with_nothing_starred_writes_nothing(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path, tmp_path: Path
) -> None:
    status, out, err = cli(capsys, "export", str(dump), "--state", str(state))
    assert status == 1
    assert out == ""
    assert "no starred papers to export" in err
    kept = tmp_path / "refs.bib"
    kept.write_text("@misc{mine, title = {Mine}}\n")
    status, _, err = cli(capsys, "export", str(dump), "-o", str(kept), "--state", str(state))
    assert status == 1
    assert kept.read_text() == "@misc{mine, title = {Mine}}\n"  # never overwritten with nothing
    assert "nothing written" in err


def test_export_says_where_the_stars_are_when_their_dumps_are_not_loaded(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path, tmp_path: Path
) -> None:
    cli(capsys, "mark", "star", paper_id(LOTTERY), "--state", str(state))
    other = tmp_path / "other.txt"
    other.write_text(
        "Get trending papers in your email inbox!\nAnother Paper Entirely\nIts abstract.\n"
    )
    status, _, err = cli(capsys, "export", str(other), "--state", str(state))
    assert status == 1
    assert "1 starred paper in dumps not loaded" in err


def test_add_fills_the_library_that_plain_commands_then_use(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path, isolated_data_dir: Path
) -> None:
    status, _, err = cli(capsys, "add", str(dump.parent))
    assert status == 0
    assert "added 1 dump (3 papers)" in err
    assert sorted(p.name for p in (isolated_data_dir / "library").iterdir()) == ["page.txt"]
    assert (isolated_data_dir / "library" / "page.txt").read_text() == DUMP
    status, _, err = cli(capsys, "add", str(dump))
    assert "already in the library" in err
    _, out, err = cli(capsys, "list", "--state", str(state))
    assert len(out.splitlines()) == 3
    assert "demo" not in err


def test_add_keeps_a_different_dump_with_the_same_name(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, isolated_data_dir: Path
) -> None:
    cli(capsys, "add", str(dump))
    other = tmp_path / "page.txt"
    other.write_text(DUMP.replace("Molecules", "Crystals"))
    cli(capsys, "add", str(other))
    assert sorted(p.name for p in (isolated_data_dir / "library").iterdir()) == [
        "page-2.txt",
        "page.txt",
    ]


def test_add_refuses_what_is_no_dump_and_adds_the_rest(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, isolated_data_dir: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    status, _, err = cli(capsys, "add", str(empty), str(tmp_path / "missing.txt"), str(dump))
    assert status == 2
    assert err.count("not added") == 2
    assert sorted(p.name for p in (isolated_data_dir / "library").iterdir()) == ["page.txt"]


def test_add_keeps_any_dump_as_txt_so_the_library_reads_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state: Path, isolated_data_dir: Path
) -> None:
    notes = tmp_path / "Papers.MD"
    notes.write_text(DUMP)
    assert cli(capsys, "add", str(notes))[0] == 0
    assert [p.name for p in (isolated_data_dir / "library").iterdir()] == ["Papers.MD.txt"]
    _, out, _ = cli(capsys, "list", "--state", str(state))
    assert len(out.splitlines()) == 3


def test_add_reads_bytes_from_standard_input(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    state: Path,
    isolated_data_dir: Path,
) -> None:
    page = "Get trending papers in your email inbox!\nCaf\xe9 Networks\nA na\xefve word.\n"
    latin1 = page.encode("latin-1")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(latin1)))
    status, _, err = cli(capsys, "add", "-")
    assert status == 0, err
    (kept,) = (isolated_data_dir / "library").iterdir()
    assert kept.read_bytes() == latin1
    _, out, _ = cli(capsys, "list", "--state", str(state))
    assert out.endswith("\tCafé Networks\n")


def test_scripts_never_use_the_demo(capsys: pytest.CaptureFixture[str], state: Path) -> None:
    for command in ("list", "export", "stats"):
        status, out, err = cli(capsys, command, "--state", str(state))
        assert status == 2
        assert out == ""
        assert err.startswith("paperterm: error: no dumps to read")
    assert not state.exists()


def test_stats_counts(capsys: pytest.CaptureFixture[str], dump: Path, state: Path) -> None:
    cli(capsys, "mark", "star", paper_id(LOTTERY), "--state", str(state))
    _, out, _ = cli(capsys, "stats", str(dump), "--state", str(state))
    counts = dict(line.rsplit(None, 1) for line in out.splitlines())
    assert counts == {
        "papers": "3",
        "read": "0",
        "unread": "3",
        "starred": "1",
        "with code": "1",
        "sources": "1",
    }


def test_reader_without_a_terminal_says_so(capsys: pytest.CaptureFixture[str], dump: Path) -> None:
    status, _, err = cli(capsys, str(dump))
    assert status == 2
    assert "needs a terminal" in err


def test_real_process_never_prints_a_traceback(tmp_path: Path) -> None:
    for argv in (["list", str(tmp_path / "nope.txt")], ["mark", "star"], ["export", "-f", "docx"]):
        done = subprocess.run(
            [sys.executable, "-m", "paperterm", *argv], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, argv
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("paperterm: error: ")
        assert len(done.stderr.splitlines()) == 1


def test_list_sorts_by_the_reader_orders(
    capsys: pytest.CaptureFixture[str], dump: Path, state: Path
) -> None:
    _, out, _ = cli(capsys, "list", str(dump), "--sort", "title", "--state", str(state))
    listed = [line.split("\t")[2] for line in out.splitlines()]
    assert listed == sorted(listed, key=str.casefold)
    _, unsorted, _ = cli(capsys, "list", str(dump), "--state", str(state))
    assert listed != [line.split("\t")[2] for line in unsorted.splitlines()]
    status, _, err = cli(capsys, "list", str(dump), "--sort", "mood")
    assert status == 2
    assert err.startswith("paperterm: error: argument --sort: invalid choice: 'mood'")


@pytest.mark.parametrize("command", ["list", "export", "stats"])
def test_script_help_never_offers_the_demo(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        run([command, "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: the dumps in your library)" in text
    assert "demo" not in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _open_reader_with(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[StateStore, str | None]:
    """Run `paperterm ARGV` up to the reader; return the store and banner it would get."""
    import paperterm.ui.app

    opened: list[tuple[StateStore, str | None]] = []

    def run_app(catalog: Catalog, store: StateStore, **options: object) -> None:
        banner = options.get("banner")
        opened.append((store, banner if isinstance(banner, str) else None))

    monkeypatch.setattr(paperterm.ui.app, "run_app", run_app)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(sys, "stdout", _Terminal())
    status, _, err = cli(capsys, *argv)
    assert status == 0, err
    (found,) = opened
    return found


def test_the_demo_keeps_its_own_state(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], dump: Path
) -> None:
    store, banner = _open_reader_with(monkeypatch, capsys)
    assert banner is not None  # the demo, since the library is empty
    assert store.path == demo_state_path()
    lottery = paper_id(LOTTERY)  # the demo has this paper too
    store.set_read([lottery], True)
    store.set_starred([lottery], True)
    assert not default_state_path().exists()
    # A real dump with the same title opens unread and unstarred.
    store, banner = _open_reader_with(monkeypatch, capsys, str(dump))
    assert banner is None
    assert store.path == default_state_path()
    assert not store.is_read(lottery) and not store.is_starred(lottery)
    # Even a state file named on the command line is not the demo's to write.
    store, _ = _open_reader_with(monkeypatch, capsys, "--state", str(dump.with_name("s.json")))
    assert store.path == demo_state_path()


def test_a_console_in_another_encoding_gets_its_lines_and_utf8_exports(
    tmp_path: Path, state: Path
) -> None:
    """Standard output in cp1252 (a Windows console or file): a title with a π is listed with
    the π escaped, never a traceback, and an export is UTF-8 bytes, as its format's file is."""
    dump = tmp_path / "pi.txt"
    dump.write_text(
        "Get trending papers in your email inbox!\n"
        "\u03c00: A Vision-Language-Action Flow Model \U0001f999\nIts abstract.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    base = [sys.executable, "-m", "paperterm"]
    listed = subprocess.run(
        [*base, "list", str(dump), "--state", str(state)], capture_output=True, env=env, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    assert b"\\u03c00: A Vision-Language-Action Flow Model \\U0001f999" in listed.stdout
    for fmt in ("markdown", "json", "bibtex"):
        exported = subprocess.run(
            [*base, "export", "--all", "-f", fmt, str(dump), "--state", str(state)],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert exported.returncode == 0, exported.stderr
        assert "\u03c0" in exported.stdout.decode("utf-8") or "\\pi" in exported.stdout.decode()


def test_a_path_with_a_tilde_is_the_home_folder_s(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a shell would expand it: ``paperterm.load(["~/papers/"])`` (the README's example) and
    a quoted ``--state '~/s.json'`` (which made a folder named ``~``)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "page.txt").write_text(DUMP, encoding="utf-8")
    assert len(paperterm_load(["~/papers/"])) == 3
    status, _, err = cli(capsys, "mark", "star", paper_id(LOTTERY), "--state", "~/s.json")
    assert status == 0, err
    assert (tmp_path / "s.json").exists() and not (tmp_path / "~").exists()


def test_list_keeps_one_line_a_paper_whatever_a_title_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, state: Path
) -> None:
    """A title with U+2028 or U+2029 (Python's splitlines breaks there) or NEL: one line."""
    dump = tmp_path / "odd.txt"
    dump.write_text(
        "Get trending papers in your email inbox!\n"
        "Line\u2028Separated\u2029Title\x85Here\nIts abstract.\n",
        encoding="utf-8",
    )
    status, out, _ = cli(capsys, "list", str(dump), "--state", str(state))
    assert status == 0
    assert len(out.splitlines()) == 1 and out.split("\t")[2].startswith("Line Separated")
