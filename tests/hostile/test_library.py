"""Attacks on the library: files that are not Hugging Face Papers pages, and copies of dumps.

``paperterm add README.md pyproject.toml`` used to add "2 dumps (130 papers)", and ``list`` on
any text listed its lines as papers. A page holds its header (the rule is in
:mod:`paperterm.dumpformat`); anything else is refused with one line, and the library and state
stay byte-identical. The same dump under another name, or from standard input, is skipped.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED_DUMPS
from paperterm import usecases
from paperterm.cli import run
from paperterm.errors import DumpError
from paperterm.loader import load
from paperterm.locations import library_dir

ROOT = Path(__file__).resolve().parents[2]
PAGE = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n"
    "SubscribeA Real Title\nIts abstract, one sentence.\n"
)
NOT_PAGES = {
    "readme": (ROOT / "README.md").read_text(encoding="utf-8"),
    "pyproject": (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
    "python": (ROOT / "paperterm" / "__main__.py").read_text(encoding="utf-8"),
    "csv": "id,title\n1,=cmd\n2,other\n",
    "log": "2026-11-23 10:00:01 started\n2026-11-23 10:00:02 stopped\n",
}


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("kind", sorted(NOT_PAGES))
def test_add_refuses_what_is_not_a_page_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path = tmp_path / f"file.{kind}"
    path.write_text(NOT_PAGES[kind], encoding="utf-8")
    state = tmp_path / "state.json"
    before = snapshot(library_dir())
    status, _, err = cli(capsys, "add", str(path), "--state", str(state))
    assert status == 2
    assert err.count("\n") == 1 and "not a Hugging Face Papers page" in err
    assert snapshot(library_dir()) == before
    assert not state.exists()


class Endless(io.RawIOBase):
    """``/dev/zero`` (or ``chunk`` again and again), failing the test past 64 MB read."""

    def __init__(self, chunk: bytes = b"\0") -> None:
        self.chunk, self.given = chunk, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        assert self.given < 64 << 20, "read on and on"
        view = memoryview(buffer).cast("B")
        data = (self.chunk * (len(view) // len(self.chunk) + 1))[: len(view)]
        view[:] = data
        self.given += len(data)
        return len(data)


def test_add_refuses_an_endless_stream_without_reading_it_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``add /dev/zero``, or an endless pipe, is refused by its start (binary data) or once past
    the library's bound, never read whole first (the tester: 7 GB of memory in 8 s)."""
    before = snapshot(library_dir())
    state = tmp_path / "state.json"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    status, _, err = cli(capsys, "add", "-", "--state", str(state))
    assert status == 2 and "not added: standard input: binary file, not a text dump" in err
    monkeypatch.setattr(usecases, "LIBRARY_MAX_BYTES", 1 << 20)
    text = Endless(PAGE.encode() + b"Another Title\nIts abstract.\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(text)))
    status, _, err = cli(capsys, "add", "-", "--state", str(state))
    assert status == 2 and "not added: standard input: larger than 1 MB" in err
    assert snapshot(library_dir()) == before


@pytest.mark.parametrize("kind", sorted(NOT_PAGES))
def test_list_refuses_what_is_not_a_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path = tmp_path / f"file.{kind}"
    path.write_text(NOT_PAGES[kind], encoding="utf-8")
    status, out, err = cli(capsys, "list", str(path), "--state", str(tmp_path / "s.json"))
    assert (status, out) == (2, "")
    assert "not a Hugging Face Papers page" in err
    with pytest.raises(DumpError, match="not a Hugging Face Papers page"):
        load([path])


def test_a_page_among_refused_files_still_loads(tmp_path: Path) -> None:
    page, readme = tmp_path / "page.txt", tmp_path / "readme.txt"
    page.write_text(PAGE, encoding="utf-8")
    readme.write_text(NOT_PAGES["readme"], encoding="utf-8")
    catalog = load([readme, page])
    assert [paper.title for paper in catalog] == ["A Real Title"]
    assert len(catalog.warnings) == 1 and "not a Hugging Face Papers page" in catalog.warnings[0]
    # ...and so does every real layout and every messy variant.
    fixtures = ROOT / "tests" / "fixtures" / "dumps"
    for path in [*sorted(SHARED_DUMPS.glob("*.txt")), *sorted(fixtures.glob("*.txt"))]:
        assert not [w for w in load([path]).warnings if "not a Hugging Face" in w], path


def test_the_same_dump_under_another_name_is_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = tmp_path / "monday.txt", tmp_path / "copy of monday.txt"
    first.write_text(PAGE, encoding="utf-8")
    second.write_text(PAGE, encoding="utf-8")
    assert cli(capsys, "add", str(first))[0] == 0
    before = snapshot(library_dir())
    status, _, err = cli(capsys, "add", str(second))
    assert status == 0
    assert "already in the library" in err
    assert snapshot(library_dir()) == before


def test_the_same_dump_from_standard_input_is_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "monday.txt"
    first.write_text(PAGE, encoding="utf-8")
    assert cli(capsys, "add", str(first))[0] == 0
    before = snapshot(library_dir())
    stdin = io.TextIOWrapper(io.BytesIO(PAGE.encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    status, _, err = cli(capsys, "add", "-")
    assert status == 0
    assert "already in the library" in err
    assert snapshot(library_dir()) == before
