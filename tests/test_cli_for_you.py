"""``paperterm list --sort ORDER``, for-you included, and what ``--json`` adds for it."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from paperterm.cli import run
from paperterm.identity import paper_id
from test_recommend import TOPICS


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    # Topics interleaved: r0 p0 s0 r1 p1 s1 r2 p2 s2 (a page of the first layout).
    entries = [TOPICS[topic][n] for n in range(3) for topic in ("rendering", "pruning", "speech")]
    lines = ["Get trending papers in your email inbox!", "Subscribe"]
    for title, abstract in entries:
        lines += [title, abstract]
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def titles(out: str) -> list[str]:
    return [line.split("\t")[2] for line in out.splitlines()]


def test_sort_catalogue_and_title(capsys: pytest.CaptureFixture[str], dump: Path) -> None:
    status, out, _ = cli(capsys, "list", str(dump), "-q", "speech", "--sort", "catalogue")
    assert status == 0
    listed = titles(out)
    everything = titles(cli(capsys, "list", str(dump))[1])
    assert listed == [title for title in everything if title in listed]
    status, out, _ = cli(capsys, "list", str(dump), "--sort", "title")
    assert titles(out) == sorted(everything, key=str.casefold)


def test_sort_for_you_ranks_the_unread_by_the_stars(
    capsys: pytest.CaptureFixture[str], dump: Path, tmp_path: Path
) -> None:
    state = str(tmp_path / "state.json")
    starred = TOPICS["pruning"][0][0]
    passed = TOPICS["speech"][0][0]
    assert run(["mark", "star", paper_id(starred), "--state", state]) == 0
    assert run(["mark", "read", paper_id(starred), paper_id(passed), "--state", state]) == 0
    capsys.readouterr()
    status, out, err = cli(capsys, "list", str(dump), "--sort", "for-you", "--state", state)
    assert status == 0 and err == ""
    listed = titles(out)
    pruning = {title for title, _ in TOPICS["pruning"][1:]}
    assert set(listed[:2]) == pruning
    assert listed[-2:] == [starred, passed]  # the read last, in catalogue order

    status, out, _ = cli(capsys, "list", str(dump), "--sort", "for-you", "--json", "--state", state)
    records = orjson.loads(out)
    assert [record["title"] for record in records] == listed
    first = records[0]
    assert isinstance(first["score"], float) and first["score"] > 0
    assert first["because"] and all(isinstance(term, str) for term in first["because"])
    assert {"ticket", "lottery ticket", "sparse", "pruning", "subnetworks", "winning"} & set(
        first["because"]
    )
    scores = [record["score"] for record in records[:7]]
    assert scores == sorted(scores, reverse=True)


def test_sort_for_you_without_stars_says_so(capsys: pytest.CaptureFixture[str], dump: Path) -> None:
    status, out, err = cli(capsys, "list", str(dump), "--sort", "for-you", "--json")
    assert status == 0
    assert "No starred papers yet" in err and err.startswith("paperterm: note: ")
    records = orjson.loads(out)
    assert [record["title"] for record in records] == titles(cli(capsys, "list", str(dump))[1])
    assert all(record["score"] is None and record["because"] == [] for record in records)


def test_other_sorts_add_no_score(capsys: pytest.CaptureFixture[str], dump: Path) -> None:
    status, out, _ = cli(capsys, "list", str(dump), "--json")
    assert status == 0
    assert "score" not in orjson.loads(out)[0]


def test_an_unknown_sort_is_a_usage_error(capsys: pytest.CaptureFixture[str], dump: Path) -> None:
    status, _, err = cli(capsys, "list", str(dump), "--sort", "best")
    assert status == 2
    assert err.startswith("paperterm: error: ") and len(err.splitlines()) == 1
