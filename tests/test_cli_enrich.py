"""`paperterm enrich` and metadata on the command line, against a recorded API on 127.0.0.1."""

from __future__ import annotations

import io
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from fakeapi import ATTENTION, LOTTERY, STABILIZING, STABILIZING_HF, FakeApi, serving, standard
from paperterm.cli import run
from paperterm.identity import paper_id

UNKNOWN = "A Paper Hugging Face Has Never Heard Of"
DUMP = f"""Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
Subscribe{LOTTERY}
We find that dense networks contain small subnetworks that train to full accuracy on their own.
{ATTENTION}
A network of attention alone translates better than recurrent ones.
{UNKNOWN}
An abstract nobody indexed.
{STABILIZING} Again
A near miss of a near miss.
"""


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(DUMP, encoding="utf-8")
    return path


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    fake = standard()
    fake.search[f"{STABILIZING} Again"] = [STABILIZING_HF]
    with serving(fake) as (hf, arxiv):
        monkeypatch.setenv("HF_ENDPOINT", hf)
        monkeypatch.setenv("PAPERTERM_ARXIV_URL", arxiv)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        yield fake


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def listed(capsys: pytest.CaptureFixture[str], dump: Path, state: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    status, out, _ = cli(capsys, "list", str(dump), "--json", "--state", str(state))
    assert status == 0
    return {row["title"]: row for row in orjson.loads(out)}


def test_enrich_everything_then_list_and_search(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, api: FakeApi
) -> None:
    state = tmp_path / "state.json"
    status, out, err = cli(capsys, "enrich", str(dump), "--all", "--state", str(state))
    assert status == 0, err
    assert out == "2 found, 1 not found, 1 ambiguous\n"
    near = paper_id(f"{STABILIZING} Again")
    assert f"ambiguous: {near} " in err and "maybe 1903.01611 (Stabilizing" in err
    assert f"`paperterm mark {near} --arxiv ARXIV_ID`" in err
    assert api.count("search") == 4 and api.count("arxiv") == 1
    rows = listed(capsys, dump, state)
    assert rows[LOTTERY]["arxiv_id"] == "1803.03635"
    assert rows[LOTTERY]["authors"] == ["Jonathan Frankle", "Michael Carbin"]
    assert rows[LOTTERY]["year"] == 2018
    assert rows[UNKNOWN]["arxiv_id"] is None and rows[UNKNOWN]["authors"] == []
    # Nothing is asked again.
    before = len(api.seen)
    status, out, _ = cli(capsys, "enrich", str(dump), "--all", "--state", str(state))
    assert status == 0 and len(api.seen) == before
    assert out == "0 found, 2 already known, 1 not found, 1 ambiguous\n"
    # Settling the ambiguous paper by hand: then it is fetched by id, not searched.
    assert cli(capsys, "mark", near, "--arxiv", "1903.01611", "--state", str(state))[0] == 0
    status, out, _ = cli(capsys, "enrich", str(dump), "--all", "--state", str(state))
    assert out.startswith("1 found, 2 already known") and api.count("search") == 4
    assert listed(capsys, dump, state)[f"{STABILIZING} Again"]["authors"] == ["Jonathan Frankle"]


def test_enrich_defaults_to_the_starred_papers(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, api: FakeApi
) -> None:
    state = tmp_path / "state.json"
    status, out, err = cli(capsys, "enrich", str(dump), "--state", str(state))
    assert (status, out) == (0, "")
    assert "no starred papers to look up" in err and not api.seen
    cli(capsys, "mark", "star", paper_id(ATTENTION), "--state", str(state))
    status, out, _ = cli(capsys, "enrich", str(dump), "--state", str(state))
    assert out == "1 found, 0 not found, 0 ambiguous\n"
    assert api.count("search") == 1
    status, out, _ = cli(
        capsys, "enrich", str(dump), "-q", "lottery !stabilizing", "--state", str(state)
    )
    assert out == "1 found, 0 not found, 0 ambiguous\n"
    assert api.count("search") == 2


def test_no_network_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    status, out, err = cli(capsys, "enrich", str(dump), "--all", "--state", str(tmp_path / "s"))
    assert status == 1
    assert err == f"paperterm: error: cannot reach 127.0.0.1:{port}: connection refused\n"
    assert out == "0 found, 0 not found, 0 ambiguous; stopped early, what was found is kept\n"


def test_a_bad_endpoint_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "ftp://example")
    status, _, err = cli(capsys, "enrich", str(dump), "--all", "--state", str(tmp_path / "s"))
    assert status == 2 and err.startswith("paperterm: error: HF_ENDPOINT is not an http")


def test_the_users_choice_shows_without_any_lookup(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    cli(capsys, "mark", paper_id(UNKNOWN), "--arxiv", "2401.00001", "--state", str(state))
    assert listed(capsys, dump, state)[UNKNOWN]["arxiv_id"] == "2401.00001"


def test_export_ids_and_citations_of_identified_papers(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path, api: FakeApi
) -> None:
    state = tmp_path / "state.json"
    status, _, err = cli(capsys, "export", str(dump), "--all", "-f", "ids", "--state", str(state))
    assert status == 1 and "none of the papers has a known arXiv id" in err
    cli(capsys, "enrich", str(dump), "--all", "--state", str(state))
    status, out, err = cli(capsys, "export", str(dump), "--all", "-f", "ids", "--state", str(state))
    assert (status, out) == (0, "1803.03635\n1706.03762\n")
    assert "2 papers without a known arXiv id left out" in err
    _, out, _ = cli(capsys, "export", str(dump), "--all", "--state", str(state))
    assert "@misc{frankle2018lottery," in out and "eprint = {1803.03635}" in out
    assert "page.txt" not in out  # no dump file name in any citation field
    _, out, _ = cli(capsys, "export", str(dump), "--all", "-f", "biblatex", "--state", str(state))
    assert "@online{frankle2018lottery," in out and "eprinttype = {arxiv}" in out
    _, out, _ = cli(capsys, "export", str(dump), "--all", "-f", "csl-json", "--state", str(state))
    assert orjson.loads(out)[0]["number"] == "arXiv:1803.03635"


def test_the_lookup_bar_ends_its_line_even_when_it_stops_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some papers need no request, so the steps may end before the total: the summary printed
    next was glued to the bar ("... 526/531525 found")."""
    from paperterm import cli

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    bar = cli._StepBar("looking up")
    bar(526, 531)
    bar.end()
    assert err.getvalue().endswith(" 526/531\n")
    bar(531, 531)
    bar.end()
    assert err.getvalue().endswith(" 531/531\n") and not err.getvalue().endswith("\n\n")
