"""Saved Hugging Face Papers API answers load as dumps (paperterm/apidump.py, its loader hook)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import paperterm
from paperterm import apidump
from paperterm.cli import run
from paperterm.errors import DumpError
from paperterm.identity import paper_id

FIXTURES = Path(__file__).parent / "fixtures"
ANSWER = FIXTURES / "answers" / "daily_2026-11-20.json"
LAYOUT1 = FIXTURES / "dumps" / "layout1.txt"


def item(title: str | None, listed: str | None = None, **paper: Any) -> dict[str, Any]:
    """One item of a daily_papers answer, in the documented shape."""
    obj: dict[str, Any] = {"paper": {"title": title, **paper}}
    if listed is not None:
        obj["publishedAt"] = f"{listed}T08:00:00.000Z"
    return obj


def write(path: Path, value: object) -> Path:
    path.write_bytes(json.dumps(value).encode())
    return path


def test_the_fixture_answer_loads_with_ids_metadata_and_clean_text() -> None:
    catalog = paperterm.load([ANSWER])
    assert [paper.title for paper in catalog] == [
        "Sparse Kernels for Tiny Robots",
        "Counting Sheep with Diffusion Models",  # the title's line break is one space
        "A Paper With Almost Nothing Known",
        "Escapes in Titles Are Not Obeyed",  # the OSC 52 sequence is gone, whole
        "Only the Item Knows Its Title",  # a null paper: the item's own title stands in
    ]
    assert catalog.warnings == (f"{ANSWER}: 1 item(s) without a title skipped",)
    sparse, sheep, bare, escapes, item_only = catalog.papers
    assert sparse.id == paper_id("Sparse Kernels for Tiny Robots")
    assert sparse.abstract == (
        "We squeeze convolution kernels into microcontrollers with 40% less energy."
    )
    assert sparse.meta is not None
    assert sparse.meta.arxiv_id == "2611.01234"
    assert sparse.meta.authors == ("Ada Lindqvist", "Bo Okafor")
    assert sparse.meta.year == 2026
    assert (sparse.meta.upvotes, sparse.meta.github_stars) == (48, 312)
    assert sparse.meta.github_repo == "https://github.com/tinybots/sparse-kernels"
    assert sparse.meta.listed == "2026-11-20"
    assert sheep.meta is not None and sheep.meta.arxiv_id == "2611.04321"  # version dropped
    assert [link.url for link in sheep.links] == ["https://sheep.example.org"]
    assert bare.abstract == "" and bare.meta is not None and bare.meta.authors == ()
    assert escapes.meta is not None and escapes.meta.authors == ("Dana Red Quist",)
    assert escapes.abstract == "An abstract with a bell and a tab here."
    assert item_only.meta is not None and item_only.meta.arxiv_id is None
    assert [(source.path, source.position, source.line) for source in sparse.sources] == [
        (str(ANSWER), 1, 1)
    ]


def test_list_json_shows_ids_authors_and_years(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["list", "--json", str(ANSWER)]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_title = {row["title"]: row for row in rows}
    sparse = by_title["Sparse Kernels for Tiny Robots"]
    assert sparse["arxiv_id"] == "2611.01234"
    assert sparse["authors"] == ["Ada Lindqvist", "Bo Okafor"]
    assert sparse["year"] == 2026
    nothing = by_title["Only the Item Knows Its Title"]
    assert (nothing["arxiv_id"], nothing["authors"], nothing["year"]) == (None, [], None)


def test_a_paper_in_a_text_dump_and_an_answer_is_one_paper_and_keeps_its_marks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    catalog = paperterm.load([LAYOUT1, ANSWER])
    sparse = catalog[paper_id("Sparse Kernels for Tiny Robots")]
    assert [source.path for source in sparse.sources] == [str(LAYOUT1), str(ANSWER)]
    assert sparse.meta is not None and sparse.meta.arxiv_id == "2611.01234"
    assert len(sparse.abstracts) == 2  # the dump's (with its TeX and link) and the API's
    assert sparse.has_code  # the dump's abstract links the code
    # Starred while reading the text dump, still starred when only the answer is loaded.
    assert run(["mark", "star", sparse.id]) == 0
    assert run(["list", "--starred", str(ANSWER)]) == 0
    assert capsys.readouterr().out.split("\t")[0] == sparse.id


@pytest.mark.parametrize("order", ["old-first", "new-first"])
def test_the_newest_listing_wins_and_older_ones_fill_the_gaps(tmp_path: Path, order: str) -> None:
    old = write(
        tmp_path / "a.json",
        [item("Same Paper", "2026-11-02", id="2611.00001", upvotes=3, githubStars=5,
              authors=[{"name": "A. Author"}])],
    )  # fmt: skip
    new = write(
        tmp_path / "b.json",
        [item("Same Paper", "2026-11-09", id="2611.00001", upvotes=40)],
    )
    paths = [old, new] if order == "old-first" else [new, old]
    (paper,) = paperterm.load(paths)
    assert paper.meta is not None
    assert paper.meta.upvotes == 40
    assert paper.meta.listed == "2026-11-09"
    assert paper.meta.github_stars == 5
    assert paper.meta.authors == ("A. Author",)
    assert len(paper.sources) == 2


def test_without_listing_days_the_answer_loaded_last_wins(tmp_path: Path) -> None:
    first = write(tmp_path / "a.json", [item("Same Paper", upvotes=1)])
    second = write(tmp_path / "b.json", [item("Same Paper", upvotes=2)])
    (paper,) = paperterm.load([first, second])
    assert paper.meta is not None and paper.meta.upvotes == 2
    dated = write(tmp_path / "c.json", [item("Same Paper", "2026-01-01", upvotes=9)])
    (paper,) = paperterm.load([dated, first, second])
    assert paper.meta is not None and paper.meta.upvotes == 9  # a day beats no day


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"error": "Not Found"}', "not a saved Hugging Face Papers answer"),
        (b'{"papers": [1, 2, 3]}', "not a saved Hugging Face Papers answer"),
        (b'[{"title": "x"}]', "not a saved Hugging Face Papers answer"),
        (b'[{"paper": {"title": "x"}}, 7]', "not a saved Hugging Face Papers answer"),
        (b'{"name": "pkg", "version": "1.0"}', "not a saved Hugging Face Papers answer"),
        (b'[{"paper": {"title": "Cut Sho', "not valid JSON (cut short?)"),
        (b"[", "not valid JSON (cut short?)"),
        (b"[]", "no papers found (an empty answer)"),
        (b"  \n[ ]\n", "no papers found (an empty answer)"),
        (b'[{"paper": {"id": "2611.00001"}}]', "no papers found (an empty answer)"),
    ],
)
def test_json_that_is_no_usable_answer_is_refused_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "thing.json"
    path.write_bytes(content)
    with pytest.raises(DumpError) as caught:
        paperterm.load([path])
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_bad_json_file_among_good_ones_is_a_warning(tmp_path: Path) -> None:
    bad = tmp_path / "package.json"
    bad.write_bytes(b'{"name": "x"}')
    catalog = paperterm.load([tmp_path, ANSWER])
    assert len(catalog) == 5
    assert any(line.startswith(f"{bad}: JSON, but not") for line in catalog.warnings)


def test_recognised_by_content_not_name(tmp_path: Path) -> None:
    as_txt = tmp_path / "saved.txt"
    as_txt.write_bytes(b"\xef\xbb\xbf \r\n" + ANSWER.read_bytes())
    assert [paper.id for paper in paperterm.load([as_txt])] == [
        paper.id for paper in paperterm.load([ANSWER])
    ]
    # A text dump whose first title starts with a bracket is still a text dump, whatever its name.
    text = tmp_path / "reproduction.json"
    text.write_text(
        "[Re] A Reproduction of Something\nWe reproduce something and report.\n"
        "Get trending papers in your email inbox!\n"  # a page needs its header, anywhere
    )
    (paper,) = paperterm.load([text])
    assert paper.title == "[Re] A Reproduction of Something"
    assert paper.meta is None


def test_a_folder_reads_answers_beside_dumps_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(LAYOUT1.read_bytes())
    (tmp_path / "a.JSON").write_bytes(ANSWER.read_bytes())
    (tmp_path / ".hidden.json").write_bytes(b"{}")
    catalog = paperterm.load([tmp_path])
    assert catalog.warnings == (f"{tmp_path / 'a.JSON'}: 1 item(s) without a title skipped",)
    assert catalog.papers[0].title == "Sparse Kernels for Tiny Robots"
    assert {source.path for paper in catalog for source in paper.sources} == {
        str(tmp_path / "a.JSON"),
        str(tmp_path / "b.txt"),
    }


def test_an_answer_on_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(ANSWER.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    catalog = paperterm.load(["-"])
    assert len(catalog) == 5
    assert catalog.papers[0].sources[0].path == "-"


def test_a_text_dump_through_a_real_pipe_is_read_whole_after_the_sniff() -> None:
    # The loader reads the first bytes to tell JSON from text; through a pipe they cannot be
    # read again, so they must be given back to the text reader.
    code = "import sys, paperterm; print(len(paperterm.load(['-'])))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=LAYOUT1.read_bytes(),
        capture_output=True,
        check=True,
    )
    assert int(result.stdout) == len(paperterm.load([LAYOUT1]))


@pytest.mark.parametrize("head_size", [1, 5, 63, 64, 65, 200])
def test_the_replayed_stream_gives_every_byte_back(head_size: int) -> None:
    data = bytes(range(256)) * 3
    wanted, stream = apidump.sniff(io.BytesIO(b"Title\n" + data))
    assert wanted is None
    out = bytearray()
    view = memoryview(bytearray(head_size))
    while True:
        count = stream.readinto(view) or 0
        if not count:
            break
        out += view[:count]
    assert bytes(out) == b"Title\n" + data
    _, stream = apidump.sniff(io.BytesIO(b"Title\n" + data))
    assert stream.read(head_size) + stream.read() == b"Title\n" + data


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"[", True),
        (b"[]", True),
        (b"[ \n {", True),
        (b'\xef\xbb\xbf\n{"a": 1}', True),
        (b"{", True),
        (b"[Re] Reproducing", False),
        (b"[CLS] tokens", False),
        (b"Get trending papers", False),
        (b"", False),
        (b'"just a string"', False),
    ],
)
def test_looks_like_json(head: bytes, expected: bool) -> None:
    assert apidump.looks_like_json(head) is expected


def test_add_keeps_an_answer_as_json_and_skips_an_identical_copy(
    tmp_path: Path, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "answer.txt"  # a user saved it with the wrong suffix
    saved.write_bytes(ANSWER.read_bytes())
    assert run(["add", str(saved)]) == 0
    library = isolated_data_dir / "library"
    assert [path.name for path in library.iterdir()] == ["answer.json"]
    assert run(["add", str(ANSWER), str(saved)]) == 0
    assert "already in the library" in capsys.readouterr().err
    assert run(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["arxiv_id"] for row in rows} >= {"2611.01234", "2611.04321"}


def test_add_refuses_json_that_is_not_an_answer(
    tmp_path: Path, isolated_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "package.json"
    other.write_bytes(b'{"name": "x"}')
    assert run(["add", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "JSON, but not a saved Hugging Face Papers answer" in err
    assert not (isolated_data_dir / "library").exists() or not any(
        (isolated_data_dir / "library").iterdir()
    )


def test_list_sort_upvotes_is_trending_first_then_catalogue_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from paperterm import sorts

    assert sorts.get("upvotes").shown_as == "trending"
    answer = write(
        tmp_path / "day.json",
        [
            item("Few Votes", "2026-11-20", upvotes=3),
            item("No Votes Known", "2026-11-20"),
            item("Many Votes", "2026-11-20", upvotes=300),
            item("Zero Votes", "2026-11-20", upvotes=0),
        ],
    )
    assert run(["list", "--sort", "upvotes", str(LAYOUT1), str(answer)]) == 0
    titles = [line.split("\t")[2] for line in capsys.readouterr().out.splitlines()]
    text_only = [paper.title for paper in paperterm.load([LAYOUT1])]
    assert titles == ["Many Votes", "Few Votes", "Zero Votes", *text_only, "No Votes Known"]
