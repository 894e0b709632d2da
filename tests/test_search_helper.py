"""The helper process that indexes half of the abstracts: the same index, or the parent's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paperterm.model import Paper
from paperterm.search import helper
from paperterm.search.index import SearchIndex
from test_search_cache import fields, make_papers


@pytest.fixture
def papers() -> list[Paper]:
    made = make_papers(1500, seed=5)
    # Several abstracts per paper, a paper without any, and one whose first words repeat.
    made[700] = Paper(made[700].id, "x", ("ka lo", "ka mi", "Straße ka"), (), (), 700)
    made[701] = Paper(made[701].id, "y", (), (), (), 701)
    return made


def one_process(papers: list[Paper], monkeypatch: pytest.MonkeyPatch) -> SearchIndex:
    with monkeypatch.context() as patch:
        patch.setattr(helper, "start", lambda papers, first: None)
        return SearchIndex(papers)


def test_the_helper_builds_the_same_index(
    papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = one_process(papers, monkeypatch)
    monkeypatch.setattr(helper, "MIN_PAPERS", 100)
    started: list[helper.Helper | None] = []
    real_start = helper.start

    def start(papers: list[Paper], first: int) -> helper.Helper | None:
        started.append(real_start(papers, first))
        return started[-1]

    monkeypatch.setattr(helper, "start", start)
    built = SearchIndex(papers)
    assert started and started[0] is not None, "no helper ran"
    assert 0 < helper.split_point(papers) < len(papers)
    assert built.words == expected.words
    assert fields(built) == fields(expected)


@pytest.mark.parametrize("failure", ["separator", "no_process", "crash", "garbage"])
def test_a_failed_helper_means_the_parent_does_it_all(
    failure: str, papers: list[Paper], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    expected = one_process(papers, monkeypatch)
    monkeypatch.setattr(helper, "MIN_PAPERS", 100)
    if failure == "separator":
        last = papers[-1]
        papers[-1] = Paper(last.id, last.title, ("ka\x00lo",), (), (), last.index)
        expected = one_process(papers, monkeypatch)
    elif failure == "no_process":
        monkeypatch.setattr(sys, "executable", str(tmp_path / "missing-python"))
    else:
        script = tmp_path / "fake.py"
        script.write_text(
            "import sys\nsys.stdin.buffer.read()\n"
            + ("sys.exit(3)\n" if failure == "crash" else "sys.stdout.buffer.write(b'x' * 99)\n")
        )
        monkeypatch.setattr(helper, "__file__", str(script))
    built = SearchIndex(papers)
    assert built.words == expected.words
    assert fields(built) == fields(expected)


def test_no_helper_is_left_running(papers: list[Paper], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "MIN_PAPERS", 100)
    made: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def tracked(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        made.append(real(*args, **kwargs))  # type: ignore[call-overload]
        return made[-1]

    monkeypatch.setattr(subprocess, "Popen", tracked)
    SearchIndex(papers)
    assert made and all(process.poll() is not None for process in made)
