"""Tags and notes in the exports: BibTeX and biblatex keywords, CSL-JSON note, CSV columns,
Markdown and JSON as written."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from paperterm.cli import run
from paperterm.export import export_papers
from paperterm.loader import load
from paperterm.state import StateStore
from paperterm.usecases import export_and_pin

DUMP = """Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeSparse Mixtures of Experts
Routing each token to two of many experts keeps compute flat.
Graph Attention for Molecules
Attention over bonds predicts properties of molecules.
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[list, StateStore]:  # type: ignore[type-arg]
    path = tmp_path / "d.txt"
    path.write_text(DUMP, encoding="utf-8")
    papers = list(load([path]))
    store = StateStore.open(tmp_path / "state.json")
    store.add_tags([papers[0].id], ["rl", "to-read", "Ünïcode"])
    store.set_note(papers[0].id, "Compare with *section 4*.\nSecond line_with {braces}")
    return papers, store


def test_bibtex_writes_tags_as_keywords(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    text = export_and_pin(papers, "bibtex", store).text
    first, second = text.split("\n\n")
    assert "  keywords = {rl, to-read, Ünïcode},\n" in first
    assert "keywords" not in second
    ascii_text = export_and_pin(papers, "bibtex", store, ascii=True).text
    assert 'keywords = {rl, to-read, {\\"U}n{\\"i}code},' in ascii_text


def test_json_and_markdown_carry_tags_and_note(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    records = orjson.loads(export_and_pin(papers, "json", store).text)
    assert records[0]["tags"] == ["rl", "to-read", "Ünïcode"]
    assert records[0]["note"].startswith("Compare with *section 4*.\nSecond")
    assert records[1]["tags"] == [] and records[1]["note"] == ""
    markdown = export_and_pin(papers, "markdown", store).text
    assert "  tags: rl, to-read, Ünïcode" in markdown
    assert "  > Compare with \\*section 4\\*." in markdown
    assert "  > Second line\\_with \\{braces\\}" in markdown


def test_biblatex_writes_tags_as_keywords(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    first, second = export_and_pin(papers, "biblatex", store).text.split("\n\n")
    assert "  keywords = {rl, to-read, Ünïcode},\n" in first
    assert "keywords" not in second
    ascii_text = export_and_pin(papers, "biblatex", store, ascii=True).text
    assert 'keywords = {rl, to-read, {\\"U}n{\\"i}code},' in ascii_text


def test_tag_names_with_tex_specials_are_escaped_in_keywords(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(DUMP, encoding="utf-8")
    papers = list(load([path]))
    store = StateStore.open(tmp_path / "state.json")
    store.add_tags([papers[0].id], ["c++", "50%", "#ml", "a_b", "x}y"])
    for fmt in ("bibtex", "biblatex"):
        entry = export_and_pin(papers[:1], fmt, store).text
        keywords = next(line for line in entry.splitlines() if "keywords" in line)
        assert keywords == "  keywords = {\\#ml, 50\\%, a\\_b, c++, x\\textbraceright{}y},", (
            fmt,
            entry,
        )


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed")
def test_biber_accepts_the_keywords(setup: tuple[list, StateStore], tmp_path: Path) -> None:  # type: ignore[type-arg]
    papers, store = setup
    store.add_tags([papers[1].id], ["50%", "#ml", "c++"])
    text = export_and_pin(papers, "biblatex", store).text
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    run = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "refs.bib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert not [line for line in run.stdout.splitlines() if "keywords" in line.lower()]
    output = (tmp_path / "refs_bibertool.bib").read_text(encoding="utf-8")
    assert output.count("KEYWORDS") == 2, output


def test_csl_json_carries_the_note(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    items = orjson.loads(export_and_pin(papers, "csl-json", store).text)
    assert items[0]["note"] == "Compare with *section 4*.\nSecond line_with {braces}"
    assert "note" not in items[1]


def test_csl_note_keeps_the_code_line_after_the_users_note(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(
        DUMP.replace("keeps compute flat.", "keeps compute flat. https://github.com/o/moe"),
        encoding="utf-8",
    )
    papers = list(load([path]))
    store = StateStore.open(tmp_path / "state.json")
    items = orjson.loads(export_and_pin(papers, "csl-json", store).text)
    assert items[0]["note"] == "Code: https://github.com/o/moe"
    store.set_note(papers[0].id, "  Read \x1b[31mtwice\x1b[0m.\n\n")
    items = orjson.loads(export_and_pin(papers, "csl-json", store).text)
    assert items[0]["note"] == "Read twice.\nCode: https://github.com/o/moe"


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_tags_and_note_columns(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, store = setup
    rows = _csv_rows(export_and_pin(papers, "csv", store).text)
    assert rows[0][-4:] == ["read", "starred", "tags", "note"]
    assert rows[1][-2:] == [
        "rl to-read Ünïcode",
        "Compare with *section 4*.\nSecond line_with {braces}",
    ]
    assert rows[2][-2:] == ["", ""]


def test_csv_tags_and_note_are_neutralised_unless_raw(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text(DUMP, encoding="utf-8")
    papers = list(load([path]))
    store = StateStore.open(tmp_path / "state.json")
    store.add_tags([papers[0].id], ["=cmd"])
    store.set_note(papers[0].id, '=HYPERLINK("http://x.example","click")\nsecond \x07line')
    row = _csv_rows(export_and_pin(papers, "csv", store).text)[1]
    assert row[-2:] == ["'=cmd", '\'=HYPERLINK("http://x.example","click")\nsecond line']
    raw = _csv_rows(export_and_pin(papers, "csv", store, csv_raw=True).text)[1]
    assert raw[-2:] == ["=cmd", '=HYPERLINK("http://x.example","click")\nsecond line']


def test_the_cli_exports_tags_and_note_as_csv(
    setup: tuple[list, StateStore],  # type: ignore[type-arg]
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _papers, store = setup
    code = run(
        ["--state", str(store.path), "export", str(tmp_path / "d.txt"), "--all", "-f", "csv"]
    )
    assert code == 0
    rows = _csv_rows(capsys.readouterr().out)
    assert rows[0][-2:] == ["tags", "note"] and rows[1][-2] == "rl to-read Ünïcode"


def test_without_notes_the_formats_are_as_before(setup: tuple[list, StateStore]) -> None:  # type: ignore[type-arg]
    papers, _store = setup
    assert "tags" not in _csv_rows(export_papers(papers, "csv").text)[0]
    assert "keywords" not in export_papers(papers, "biblatex").text
    assert all("note" not in item for item in orjson.loads(export_papers(papers, "csl-json").text))
