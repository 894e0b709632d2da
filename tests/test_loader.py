"""The loader on real dumps, on fixture dumps (both layouts, messy cases) and on bad input."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

import paperterm
from paperterm import Catalog, DumpError, Paper, Source, loader, textblocks
from paperterm.dumpformat import STRONG_MARKERS, WEAK_MARKERS
from paperterm.identity import paper_id
from paperterm.links import might_have_links
from paperterm.model import Link

FIXTURES = Path(__file__).parent / "fixtures" / "dumps"
HEADER_1 = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\n"
    "Subscribe"
)
HEADER_2 = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\nJul 4\n\n"
)
BOILERPLATE = STRONG_MARKERS | WEAK_MARKERS | {"Jul 4"}


def summary(catalog: Catalog) -> list[tuple[str, tuple[str, ...], list[tuple[int, int]]]]:
    """Each paper as (title, abstracts, [(position, line), ...]): what most tests compare."""
    return [
        (paper.title, paper.abstracts, [(s.position, s.line) for s in paper.sources])
        for paper in catalog
    ]


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# The shared dumps, counted without the loader --------------------------------------------------


def simple_entries(path: Path) -> list[tuple[int, str, str]]:
    """(line, title, abstract) of a clean single-page dump, found by position alone.

    Layout 1: two header lines, the first title glued to ``Subscribe`` on line 3, then one
    line each. Layout 2 (starts with ``new``): the date is line 9, then every other line.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[0].strip() == "new":
        numbered = [(n, line.strip()) for n, line in enumerate(lines[9:], 10) if line.strip()]
    else:
        assert lines[2].startswith("Subscribe")
        numbered = [(3, lines[2][len("Subscribe") :].strip())]
        numbered += [(n, line.strip()) for n, line in enumerate(lines[3:], 4) if line.strip()]
    assert len(numbered) % 2 == 0, f"{path.name}: odd number of content lines"
    return [
        (numbered[i][0], numbered[i][1], numbered[i + 1][1]) for i in range(0, len(numbered), 2)
    ]


def test_shared_dumps_each_file(shared_dumps: Path) -> None:
    for path in sorted(shared_dumps.glob("*.txt")):
        expected = simple_entries(path)
        catalog = paperterm.load([path])
        assert catalog.warnings == ()
        sources = [(s.position, s.line, p.title) for p in catalog for s in p.sources]
        want = [(n, line, title) for n, (line, title, _) in enumerate(expected, 1)]
        assert sorted(sources) == want
        assert len(catalog) == len({paper_id(title) for _, title, _ in expected})


def test_shared_dumps_together(shared_dumps: Path) -> None:
    files = sorted(shared_dumps.glob("*.txt"))
    everything = [(f, e) for f in files for e in simple_entries(f)]
    ids = {paper_id(title) for _, (_, title, _) in everything}
    catalog = paperterm.load([shared_dumps])
    assert len(catalog) == len(ids)
    assert sum(len(p.sources) for p in catalog) == len(everything)
    assert [p.id for p in catalog] == list(
        dict.fromkeys(paper_id(t) for _, (_, t, _) in everything)
    )
    assert [p.index for p in catalog] == list(range(len(catalog)))
    distinct_versions = {(paper_id(t), a) for _, (_, t, a) in everything}
    assert sum(len(p.abstracts) for p in catalog) == len(distinct_versions)
    assert not any(p.title in BOILERPLATE or p.title.startswith("Subscribe") for p in catalog)
    assert all(
        s.path == os.path.join(str(shared_dumps), Path(s.path).name)
        for p in catalog
        for s in p.sources
    )
    urls = sum(("http" in a) for _, (_, _, a) in everything)
    assert sum(p.has_code for p in catalog) > 0 and urls > 0


def test_shared_dumps_as_a_folder_or_files_give_the_same(shared_dumps: Path) -> None:
    by_folder = paperterm.load([shared_dumps])
    by_files = paperterm.load(sorted(shared_dumps.glob("*.txt")))
    assert [(p.id, p.abstracts, p.links) for p in by_folder] == [
        (p.id, p.abstracts, p.links) for p in by_files
    ]


# The fixture dumps -------------------------------------------------------------------------------


def test_layout_1() -> None:
    catalog = paperterm.load([FIXTURES / "layout1.txt"])
    assert catalog.warnings == ()
    assert [p.title for p in catalog] == [
        "Sparse Kernels for Tiny Robots",
        "New Results on Old Graphs",
        "A Very Long Title That Keeps Going Because Some Authors Like To Describe Their Whole "
        "Method, Their Data Set, Their Baselines and Their Conclusions in the Title Itself, "
        "Which Makes It Longer Than Many Abstracts Are",
        "Braces {and} Carets^ in_TeX & Friends",
    ]
    assert [p.abstract[:14] for p in catalog] == [
        "We squeeze con",
        "Short.",
        "Tiny abstract.",
        "An abstract wi",
    ]
    assert [[(s.position, s.line) for s in p.sources] for p in catalog] == [
        [(1, 3)],
        [(2, 5)],
        [(3, 7)],
        [(4, 9)],
    ]
    assert catalog.papers[0].links == (Link("https://github.com/tinybots/sparse-kernels", True),)
    assert catalog.papers[3].links == (Link("https://tex-friends.example.org/demo", False),)
    assert catalog.papers[0].sources[0].path == str(FIXTURES / "layout1.txt")


def test_layout_2_weak_markers_outside_the_header_are_content() -> None:
    catalog = paperterm.load([FIXTURES / "layout2.txt"])
    assert catalog.warnings == ()
    assert [(t, a[:9], s) for t, (a,), s in summary(catalog)] == [
        ("Subscriber Churn Under Distribution Drift", "We model ", [(1, 11)]),
        ("Learning to Rank Moons", "new", [(2, 15)]),
        ("Jul 5", "A title t", [(3, 19)]),
    ]


def test_pasted_pages() -> None:
    path = FIXTURES / "pasted_pages.txt"
    catalog = paperterm.load([path])
    assert summary(catalog) == [
        (
            "Quantum Gardening with Transformers",
            (
                "We grow qubits in soil. See www.quantum-garden.example.com.",
                "A shorter abstract for the same paper.",
            ),
            [(1, 3), (3, 21)],
        ),
        ("Orphan Title Without Its Abstract", (), [(2, 5)]),
        (
            "Graph Cuts for Sourdough",
            (
                "Bread is a graph; we cut it, and the loaves rise "
                "https://github.com/bakers/graphcut (MIT licence).",
                "Bread is a graph; we cut it.",
            ),
            [(4, 25), (5, 33)],
        ),
    ]
    assert catalog.warnings == (
        f"{path}:5: title without abstract: Orphan Title Without Its Abstract",
    )
    assert catalog.papers[0].url == "https://www.quantum-garden.example.com"
    assert catalog.papers[2].url == "https://github.com/bakers/graphcut"


def test_files_joined_by_cat() -> None:
    catalog = paperterm.load([FIXTURES / "cat_glued.txt"])
    assert catalog.warnings == ()
    assert summary(catalog) == [
        ("Cats Concatenate Files", ("A study of files that end without a newline.",), [(1, 11)]),
        ("Second File First Title", ("Its abstract ends without a newline.",), [(2, 15)]),
        ("Third File Title", ("Third abstract.",), [(3, 26)]),
    ]


def test_crlf_bom_and_trailing_blanks() -> None:
    catalog = paperterm.load([FIXTURES / "crlf_bom.txt"])
    assert catalog.warnings == ()
    assert summary(catalog) == [
        (
            "Windows Line Ends Everywhere",
            ("Saved by an editor that adds CR before LF and keeps trailing blanks.",),
            [(1, 3)],
        ),
        ("Second Windows Paper", ("Its abstract.",), [(2, 5)]),
    ]


def test_latin_1_falls_back_with_a_warning() -> None:
    path = FIXTURES / "latin1.txt"
    catalog = paperterm.load([path])
    assert [p.title for p in catalog] == ["Café Networks for Crème Brûlée", "Plain ASCII Paper"]
    assert catalog.papers[0].abstract == "Résumé of a naïve approach, à la française."
    assert catalog.warnings == (
        f"{path}:3: not valid UTF-8; such lines read as Latin-1 (Windows-1252)",
    )


def test_title_without_abstract_at_the_end() -> None:
    path = FIXTURES / "dangling_end.txt"
    catalog = paperterm.load([path])
    assert summary(catalog) == [
        ("Complete Paper", ("With its abstract.",), [(1, 3)]),
        ("Last Title Alone", (), [(2, 5)]),
    ]
    assert catalog.papers[1].abstract == ""
    assert catalog.warnings == (f"{path}:5: title without abstract: Last Title Alone",)


def _abstract(topic: str) -> str:
    return (
        f"We study {topic} in depth. Our method improves on earlier work by a wide margin. "
        f"Experiments on three benchmarks show that {topic} matters more than thought, and we "
        "release the code and the data so that others can build on this line of work. We also "
        "discuss the limits of the approach and the questions it leaves open for later work."
    )


def test_a_title_that_lost_its_abstract_mid_page_does_not_shift_the_rest(tmp_path: Path) -> None:
    lines = [
        "Get trending papers in your email inbox!",
        "SubscribeFirst Paper on Graphs",
        _abstract("graphs"),
        "Second Paper on Lost Abstracts",  # line 4: its abstract is missing
        "Third Paper on Sparse Attention",
        _abstract("sparse attention"),
        "Fourth Paper on Diffusion",
        _abstract("diffusion"),
    ]
    catalog = paperterm.load([write(tmp_path / "gap.txt", "\n".join(lines) + "\n")])
    assert [(p.title, p.abstract[:20]) for p in catalog.papers] == [
        ("First Paper on Graphs", "We study graphs in d"),
        ("Second Paper on Lost Abstracts", ""),
        ("Third Paper on Sparse Attention", "We study sparse atte"),
        ("Fourth Paper on Diffusion", "We study diffusion i"),
    ]
    assert [s.line for p in catalog.papers for s in p.sources] == [2, 4, 5, 7]
    assert catalog.warnings == (
        f"{tmp_path / 'gap.txt'}:4: title without abstract: Second Paper on Lost Abstracts",
    )


def test_a_short_abstract_is_not_taken_for_a_title(tmp_path: Path) -> None:
    lines = [
        "Subscribe",
        "A Paper with a One-Line Abstract",
        "We prove it.",
        "The Next Paper",
        _abstract("the next thing"),
    ]
    catalog = paperterm.load([write(tmp_path / "short.txt", "\n".join(lines) + "\n")])
    assert [(p.title, p.abstract[:12]) for p in catalog.papers] == [
        ("A Paper with a One-Line Abstract", "We prove it."),
        ("The Next Paper", "We study the"),
    ]
    assert catalog.warnings == ()


def test_tabs_and_space_runs_inside_a_title_become_one_space(tmp_path: Path) -> None:
    dump = write(tmp_path / "tabs.txt", "Subscribe\nA Title\twith  a Tab\nAn abstract.\n")
    (paper,) = paperterm.load([dump]).papers
    assert paper.title == "A Title with a Tab"


def test_utf16_with_bom() -> None:
    catalog = paperterm.load([FIXTURES / "utf16.txt"])
    assert summary(catalog) == [
        ("Wide Characters for Narrow Minds", ("Saved as UTF-16 with a BOM.",), [(1, 11)])
    ]


def test_folder_of_fixtures() -> None:
    catalog = paperterm.load([FIXTURES])
    names = sorted(p.name for p in FIXTURES.glob("*.txt"))
    seen = list(dict.fromkeys(Path(s.path).name for p in catalog for s in p.sources))
    assert seen == names
    assert len(catalog) == 20


# Paths: folders, standard input, duplicates ------------------------------------------------------


def test_folder_reads_txt_files_by_name_and_joins_the_path_as_given(tmp_path: Path) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    write(folder / "b.txt", HEADER_1 + "Bee Paper\nAbout bees.\n")
    write(folder / "a.TXT", HEADER_1 + "Ant Paper\nAbout ants.\n")
    write(folder / ".hidden.txt", HEADER_1 + "Hidden Paper\nNot read.\n")
    write(folder / "notes.md", HEADER_1 + "Markdown Paper\nNot read.\n")
    (folder / "sub.txt").mkdir()
    given = str(folder) + os.sep
    catalog = paperterm.load([given])
    assert [p.title for p in catalog] == ["Ant Paper", "Bee Paper"]
    assert [p.sources[0].path for p in catalog] == [given + "a.TXT", given + "b.txt"]
    assert catalog.warnings == ()


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", HEADER_1 + "Only Paper\nOnce.\n")
    catalog = paperterm.load([path, tmp_path, str(path)])
    assert [len(p.sources) for p in catalog] == [1]


def test_a_single_path_string_is_one_path(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", HEADER_1 + "Only Paper\nOnce.\n")
    assert len(paperterm.load(str(path))) == 1


def test_standard_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = ("\ufeff" + HEADER_2 + "Piped Paper\r\n\r\nFrom a pipe.\r\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    file = write(tmp_path / "f.txt", HEADER_1 + "Piped Paper\nFrom a file, longer.\n")
    catalog = paperterm.load(["-", file])
    assert summary(catalog) == [
        ("Piped Paper", ("From a file, longer.", "From a pipe."), [(1, 11), (1, 3)])
    ]
    assert [s.path for s in catalog.papers[0].sources] == ["-", str(file)]


def test_standard_input_without_a_byte_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(HEADER_1 + "Text Stdin\nStill loads.\n"))
    assert [p.title for p in paperterm.load(["-"])] == ["Text Stdin"]


def test_empty_path_list_is_an_empty_catalog() -> None:
    catalog = paperterm.load([])
    assert len(catalog) == 0 and catalog.warnings == ()


# Identity and deduplication ----------------------------------------------------------------------


def test_dedup_across_files_keeps_sources_and_abstract_versions(tmp_path: Path) -> None:
    a = write(
        tmp_path / "a.txt",
        HEADER_1 + "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks\n"
        "Medium abstract, see https://github.com/lt/lottery.\n"
        "Another Paper\nabc\n",
    )
    b = write(
        tmp_path / "b.txt",
        HEADER_2 + "Another Paper\n\nxyz\n\n"
        "the lottery ticket hypothesis -- finding sparse trainable neural networks\n\n"
        "The longest abstract of all, with a project page https://lottery.example.org.\n\n"
        "THE LOTTERY TICKET HYPOTHESIS: FINDING SPARSE, TRAINABLE NEURAL NETWORKS\n\n"
        "Medium abstract, see https://github.com/lt/lottery.\n\n"
        "Another Paper\n\nabc\n",
    )
    catalog = paperterm.load([a, b])
    lottery, another = catalog.papers
    assert lottery.id == paper_id("The Lottery Ticket Hypothesis") or len(lottery.id) == 12
    assert lottery.id == paper_id(
        "the lottery ticket hypothesis finding sparse trainable neural networks"
    )
    assert (
        lottery.title == "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
    )
    assert lottery.abstracts == (
        "The longest abstract of all, with a project page https://lottery.example.org.",
        "Medium abstract, see https://github.com/lt/lottery.",
    )
    assert lottery.sources == (
        Source(str(a), 1, 3),
        Source(str(b), 2, 15),
        Source(str(b), 3, 19),
    )
    assert lottery.links == (
        Link("https://lottery.example.org", False),
        Link("https://github.com/lt/lottery", True),
    )
    assert lottery.url == "https://github.com/lt/lottery"
    # Same length: first seen first.
    assert another.abstracts == ("abc", "xyz")
    assert [(s.path, s.position) for s in another.sources] == [
        (str(a), 2),
        (str(b), 1),
        (str(b), 4),
    ]
    assert catalog.get(lottery.id) is lottery and lottery.index == 0 and another.index == 1


def test_an_abstract_seen_after_the_title_alone_fills_it_in(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", HEADER_1 + "Lonely Title\n")
    b = write(tmp_path / "b.txt", HEADER_1 + "Lonely Title\nFound at last.\n")
    (paper,) = paperterm.load([a, b])
    assert paper.abstracts == ("Found at last.",)
    assert len(paper.sources) == 2


def test_fast_paper_parts_equal_the_constructed_ones() -> None:
    source = loader._new_source("x.txt", 3, 7)
    assert source == Source("x.txt", 3, 7) and type(source) is Source
    args = ("0123456789ab", "T", ("a",), (source,), (Link("https://x.org", False),), 4)
    paper = loader._new_paper(*args)
    assert paper == Paper(*args) and type(paper) is Paper
    with pytest.raises(AttributeError):
        paper.title = "changed"  # type: ignore[misc]


def test_papers_made_a_block_at_a_time_equal_the_constructed_ones() -> None:
    assert loader._PAPER_SLOTS is not None and loader._SOURCE_SLOTS is not None
    sources = loader._new_objects(Source, loader._SOURCE_SLOTS, (["a", "b"], [1, 2], [3, 4]), 2)
    assert sources == [Source("a", 1, 3), Source("b", 2, 4)]
    links = (Link("https://x.org", False),)
    columns = (["i1", "i2"], ["T1", "T2"], [("x",), ()], [(sources[0],), ()], [links, ()], [0, 1])
    papers = loader._new_objects(Paper, loader._PAPER_SLOTS, (*columns, [None, None]), 2)
    assert papers == [Paper(*values) for values in zip(*columns, strict=True)]
    assert all(type(paper) is Paper for paper in papers)


@pytest.mark.parametrize(
    "texts",
    [[], [""], ["no link", "a/b", "www.x.org", "WWW.X.ORG", "www", "/", "ww", "w.www."], ["x"] * 3],
)
def test_texts_that_may_hold_links_are_found_a_block_at_a_time(texts: list[str]) -> None:
    expected = [number for number, text in enumerate(texts) if might_have_links(text)]
    assert loader._maybe_linked(texts) == expected


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("binary.txt", "binary file, not a text dump"),
        ("header_only.txt", "no papers found, only the page header"),
    ],
)
def test_each_bad_file_alone_is_an_error(name: str, message: str) -> None:
    path = FIXTURES / "bad" / name
    with pytest.raises(DumpError) as caught:
        paperterm.load([path])
    assert str(caught.value) == f"{path}: {message}"
    assert caught.value.path == str(path) and caught.value.line is None


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match=r"nope\.txt: no such file or folder$"):
        paperterm.load([tmp_path / "nope.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DumpError, match=r"empty: folder holds no \*\.txt or \*\.json files$"):
        paperterm.load([tmp_path / "empty"])


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = write(tmp_path / "locked.txt", HEADER_1 + "Secret\nHidden.\n")
    real_open = loader._open

    def refuse(file: Path | None, **options: bool):  # type: ignore[no-untyped-def]
        if file == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, **options)

    monkeypatch.setattr(loader, "_open", refuse)
    with pytest.raises(DumpError, match=r"locked\.txt: permission denied$"):
        paperterm.load([locked])


def test_no_papers_without_header(tmp_path: Path) -> None:
    path = write(tmp_path / "dashes.txt", "----\n***\n\n...\n")
    with pytest.raises(DumpError, match=r"dashes\.txt: no papers found$"):
        paperterm.load([path])


def test_bad_files_among_good_ones_are_warnings_in_input_order(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", HEADER_1 + "Good Paper\nFine.\nDangling\n")
    catalog = paperterm.load(
        [tmp_path / "missing.txt", FIXTURES / "bad", good, FIXTURES / "bad" / "empty.txt"]
    )
    assert [p.title for p in catalog] == ["Good Paper", "Dangling"]
    bad = FIXTURES / "bad"
    assert catalog.warnings == (
        f"{tmp_path / 'missing.txt'}: no such file or folder",
        f"{bad / 'binary.txt'}: binary file, not a text dump",
        f"{bad / 'blank.txt'}: empty file",
        f"{bad / 'empty.txt'}: empty file",
        f"{bad / 'header_only.txt'}: no papers found, only the page header",
        f"{good}:5: title without abstract: Dangling",
    )


def test_all_bad_raises_the_first_problem(tmp_path: Path) -> None:
    with pytest.raises(DumpError) as caught:
        paperterm.load([FIXTURES / "bad" / "header_only.txt", tmp_path / "missing.txt"])
    assert caught.value.reason == "no papers found, only the page header"


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "noise.txt", bytes(range(1, 32)) * 300)
    with pytest.raises(DumpError, match="binary file"):
        paperterm.load([path])


def test_a_title_with_vertical_tabs_and_form_feeds_from_a_pdf_is_a_title(tmp_path: Path) -> None:
    """VT and FF between words (text copied from a PDF) are stray controls, removed with a
    warning as any are, not the sign of binary data that skipped the title and took its
    abstract for the next title."""
    text = (
        f"{HEADER_1}First Paper On Lanterns\nIts abstract.\n"
        "Layered\x0b\x0bGraph\x0c\x0cModels\nProbabilistic graphical models, layered.\n"
        "Third Paper On Gardens\nIts abstract too.\n"
    )
    catalog = paperterm.load([write(tmp_path / "pdf.txt", text.encode())])
    assert [paper.title for paper in catalog.papers] == [
        "First Paper On Lanterns",
        "Layered Graph Models",
        "Third Paper On Gardens",
    ]
    assert not any("binary" in warning for warning in catalog.warnings)


# Streaming: block boundaries, line numbers, progress --------------------------------------------


def big_dump(count: int, newline: str) -> tuple[str, list[tuple[str, str, int]]]:
    """A layout-1 dump of ``count`` papers with 1 KB abstracts; and (title, abstract, line)."""
    expected = []
    parts = [HEADER_1]
    line = 3
    for number in range(count):
        title = f"Paper Number {number} On Streams"
        abstract = f"Abstract {number} " + "lorem ipsum dolor " * (40 + number % 23)
        abstract = abstract.strip() + "."
        parts.append(f"{title}\n{abstract}\n")
        expected.append((title, abstract, line))
        line += 2
    return "".join(parts).replace("\n", newline), expected


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_across_blocks(tmp_path: Path, newline: str) -> None:
    text, expected = big_dump(3000, newline)
    path = write(tmp_path / "big.txt", text)
    assert path.stat().st_size > 2 * 1024 * 1024
    calls: list[tuple[int, int]] = []
    catalog = paperterm.load([path], on_progress=lambda done, total: calls.append((done, total)))
    assert [(p.title, p.abstract, p.sources[0].line) for p in catalog] == expected
    size = path.stat().st_size
    assert calls[-1] == (size, size)
    assert 2 <= len(calls) <= size // (1 << 20) + 4
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert all(done < total for done, total in calls[:-1])


def test_utf8_characters_across_block_boundaries(tmp_path: Path) -> None:
    title = "Ünïcödé Everywhere"
    abstract = "é" * 700_000  # 1.4 MB: the first block ends inside this line
    path = write(tmp_path / "u.txt", f"{HEADER_1}{title}\n{abstract}\nSecond\nTwo.\n")
    catalog = paperterm.load([path])
    assert catalog.warnings == ()
    assert [(p.title, p.abstract) for p in catalog] == [(title, abstract), ("Second", "Two.")]


def test_a_latin_1_line_among_utf8_lines_names_its_line(tmp_path: Path) -> None:
    text = (
        f"{HEADER_1}Caf\u00e9 UTF-8\nFine \u00e9.\nLatin Title\n".encode()
        + "Caf\u00e9.\n".encode("latin-1")
    )
    path = write(tmp_path / "mixed.txt", text)
    catalog = paperterm.load([path])
    assert [(p.title, p.abstract) for p in catalog] == [
        ("Café UTF-8", "Fine é."),
        ("Latin Title", "Café."),
    ]
    assert catalog.warnings == (
        f"{path}:6: not valid UTF-8; such lines read as Latin-1 (Windows-1252)",
    )


def test_gc_state_is_restored(tmp_path: Path) -> None:
    import gc

    path = write(tmp_path / "a.txt", HEADER_1 + "P\nQ.\n")
    assert gc.isenabled()
    paperterm.load([path])
    assert gc.isenabled()
    gc.disable()
    try:
        paperterm.load([path])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_standard_input_through_a_real_pipe() -> None:
    import subprocess

    text, expected = big_dump(2500, "\r\n")
    code = (
        "import paperterm\n"
        "calls = []\n"
        "catalog = paperterm.load(['-'], on_progress=lambda d, t: calls.append((d, t)))\n"
        "assert all(d < t for d, t in calls[:-1])\n"
        "print(len(catalog), catalog.papers[-1].sources[0].line, len(calls), calls[-1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=text.encode(), capture_output=True, check=True
    )
    size = len(text.encode())
    count, line, calls, last = done.stdout.decode().split(" ", 3)
    assert (int(count), int(line)) == (2500, expected[-1][2])
    assert 2 <= int(calls) <= size // (1 << 20) + 2
    assert last.strip() == f"({size}, {size})"


def test_windows_1252_quotes_and_undefined_bytes(tmp_path: Path) -> None:
    data = HEADER_1.encode() + b"\x93Quoted\x94 Title\nEuro \x80 and undefined \x81 byte.\n"
    catalog = paperterm.load([write(tmp_path / "w.txt", data)])
    assert [(p.title, p.abstract) for p in catalog] == [
        ("\u201cQuoted\u201d Title", "Euro \u20ac and undefined \ufffd byte.")
    ]


def test_odd_paths_are_problems_not_crashes(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", HEADER_1 + "Good Paper\nFine.\n")
    catalog = paperterm.load(["bad\x00name.txt", os.fsencode(good)])  # type: ignore[list-item]
    assert [p.title for p in catalog] == ["Good Paper"]
    assert catalog.warnings == ("bad\\x00name.txt: not a valid path",)  # shown, not sent
    assert catalog.papers[0].sources[0].path == str(good)


def test_the_slot_shortcut_steps_aside_for_a_changed_class() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True, slots=True)
    class Grown:
        path: str
        position: int
        line: int
        extra: int = 0

    @dataclass(frozen=True)
    class Unslotted:
        path: str
        position: int
        line: int

    names = ("path", "position", "line")
    assert loader._slot_setters(Grown, names) is None
    assert loader._slot_setters(Unslotted, names) is None
    assert loader._slot_setters(Source, names) is not None
    assert loader._PAPER_SLOTS is not None and loader._SOURCE_SLOTS is not None


def test_synthetic_layout_2_dump_reads_back_exactly(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from synth import papers, write_dump
    finally:
        sys.path.pop(0)
    path = tmp_path / "synth.txt"
    write_dump(path, 3000, seed=7, layout=2)
    catalog = paperterm.load([path])
    assert catalog.warnings == ()
    assert [(p.title, p.abstract) for p in catalog] == list(papers(3000, seed=7))
    assert [p.sources[0].line for p in catalog] == list(range(11, 11 + 4 * 3000, 4))
    coded = [p for p in catalog if "github.com" in p.abstract]
    assert coded and all(p.has_code and p.url == p.links[0].url for p in coded)


# Line ends: a lone CR among LF line ends -------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_stray_cr_in_a_title_among_lf_lines_is_warned(tmp_path: Path, newline: str) -> None:
    # Line 5 holds "First half" CR "second half": read as two lines, which shifts the pairs.
    text = f"{HEADER_1}Good Title\nGood abstract.\nFirst half\rsecond half\nIts abstract.\n"
    path = write(tmp_path / "stray.txt", text.replace("\n", newline))
    catalog = paperterm.load([path])
    assert [p.title for p in catalog][:2] == ["Good Title", "First half"]
    assert catalog.warnings[0] == f"{path}:5: {loader.MIXED_LINE_ENDS}"


def test_the_stray_cr_named_is_the_first_even_in_a_later_block(tmp_path: Path) -> None:
    text, _ = big_dump(3000, "\n")
    lines = text.split("\n")
    # A title past the first MiB, and another after it: the first one is named.
    first, second = 3003, 4003
    lines[first - 1] = lines[first - 1].replace(" On ", " On\r", 1)
    lines[second - 1] = lines[second - 1].replace(" On ", " On\r", 1)
    path = write(tmp_path / "big.txt", "\n".join(lines))
    assert len("\n".join(lines[:first]).encode()) > 1 << 20
    catalog = paperterm.load([path])
    mixed = [w for w in catalog.warnings if loader.MIXED_LINE_ENDS in w]
    assert mixed == [f"{path}:{first}: {loader.MIXED_LINE_ENDS}"]


def test_a_stray_cr_where_a_block_is_cut_is_warned(tmp_path: Path) -> None:
    """The loader cuts its blocks after the last line end, a lone CR included: the CR is then
    the block's last character, the rest of its line the next block's first."""
    text, _ = big_dump(1200, "\n")
    head = text.encode()[: textblocks.BLOCK - 300]
    head = head[: head.rfind(b"\n") + 1]
    line = head.count(b"\n") + 1
    stray = b"A Stray " + b"x" * (textblocks.BLOCK - len(head) - 18) + b"\rReturn In A Title\n"
    path = tmp_path / "cut.txt"
    path.write_bytes(head + stray + b"Its abstract.\n")
    assert stray.index(b"\r") + len(head) == textblocks.BLOCK - 10
    catalog = paperterm.load([path])
    mixed = [w for w in catalog.warnings if loader.MIXED_LINE_ENDS in w]
    assert mixed == [f"{path}:{line}: {loader.MIXED_LINE_ENDS}"]


@pytest.mark.parametrize(
    "text",
    [
        # An old Mac file: every line ends at a lone CR.
        f"{HEADER_1}Mac Title\nMac abstract.\nOther\nOther one.\n".replace("\n", "\r"),
        # A lone CR next to a line end only makes a blank line: nothing shifts.
        f"{HEADER_1}Title One\r\r\nAbstract one.\n\rTitle Two\nAbstract two.\r\n",
        # A lone CR at the very end of a file of LF lines.
        f"{HEADER_1}Title One\nAbstract one.\r",
    ],
)
def test_line_ends_that_shift_nothing_are_not_warned(tmp_path: Path, text: str) -> None:
    catalog = paperterm.load([write(tmp_path / "ok.txt", text)])
    assert catalog.warnings == ()
    assert catalog.papers[0].title in {"Mac Title", "Title One"}


def test_a_stray_cr_is_found_in_latin_1_and_utf_16_files(tmp_path: Path) -> None:
    text = f"{HEADER_1}Caf\u00e9 Title\nAbstract.\nFirst\rsecond\nIts abstract.\n"
    latin = write(tmp_path / "latin.txt", text.encode("latin-1"))
    utf16 = write(tmp_path / "utf16.txt", text.encode("utf-16"))
    for path in (latin, utf16):
        warnings = paperterm.load([path]).warnings
        assert f"{path}:5: {loader.MIXED_LINE_ENDS}" in warnings
