"""Exports: BibTeX that parsers, BibTeX, biber and LaTeX accept first time; Markdown, CSV, JSON."""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import bibtexparser
import orjson
import pybtex.database
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperterm
from paperterm.errors import ExportError
from paperterm.export import FORMATS, Export, bibtex_entry, citation_keys, export_papers
from paperterm.export.bibtex import FIELD_LIMIT, citable_url, code_url, sort_key
from paperterm.export.formats import spreadsheet_safe
from paperterm.identity import paper_id
from paperterm.model import Link, Metadata, Paper, Source
from paperterm.sanitize import clean_text
from texcheck import braces_balanced, untex


def make_paper(
    title: str,
    abstract: str = "",
    urls: tuple[str, ...] = (),
    paths: tuple[str, ...] = ("dumps/one.txt",),
) -> Paper:
    links = tuple(Link(url, "github.com" in url) for url in urls)
    sources = tuple(Source(path, n + 1, 2 * n + 3) for n, path in enumerate(paths))
    return Paper(paper_id(title), title, (abstract,) if abstract else (), sources, links, 0)


HOSTILE = [
    make_paper("Plain Title"),
    make_paper("Specials & % $ # _ { } ~ ^ \\ in a title", "and & % $ # _ { } ~ ^ \\ here"),
    make_paper("Stray } brace { and $math", "code at https://github.com/a/b} and 50% done}"),
    make_paper("Backslashes \\\\\\ run \\", "\\\\\\\\\\ \\\\ \\"),
    make_paper("Already TeX: 5\\% and Q\\&A", "$x^2$ and {\\Psi} and \\pm and Fr\\'echet \\etal"),
    make_paper("Broken math $x^$ and $$", "$\\frac$ $a_$ $^$ $x^2^3$ {$}"),
    make_paper("Ünïcödé Fréchet “quotes” – α ≤ β 中文 😀", "naïve café ß Ω"),
    make_paper("Long abstract", "word {brace} % & $ " * 700, ("https://a.org/%41#f",)),
    make_paper("@misc{inner, title={x}} @comment", "@string{a = b} @preamble{x}"),
    make_paper("Quotes \"here\" and 'there'", 'a "b" c', ("https://a.org/a\\b{c}^ d",)),
    make_paper("Braces {{{{{", "}}}}}"),
    make_paper("URL https://x.org/a_b#c%d~e in title"),
    make_paper("Tab\there\nnewline\x00control", "\x0b\x0c\r\n\u2028"),
]


NEU_WORDS = (
    "Neural Radiance Fields",
    "Neural Ordinary Differential Equations",
    "Neural Tangent Kernels",
    "Neural Architecture Search",
    "Neural Machine Translation",
    "Neural Scaling Laws",
    "Neural Operators",
    "Neural Fields",
    "Neural Codecs",
    "Neural Rendering",
    "Neural Processes",
    "Neural Style Transfer",
    "Neural Program Synthesis",
    "Neural Collapse",
    "Neural Cellular Automata",
    "Neural Sparse Voxel Fields",
    "Neural Network Pruning",
    "Neural Audio Synthesis",
    "Neural Motion Planning",
    "Neural Text Generation",
    "Neuron Shapley",
    "Neurons in Large Models",
    "Neuromorphic Computing",
    "Neuro-Symbolic Reasoning",
    "Neurosymbolic Programs",
    "Neutral Atom Arrays",
    "Neutrino Event Reconstruction",
    "Neuroimaging with Transformers",
    "Neural Implicit Surfaces",
    "Neural Volumetric Video",
)
NEU = [make_paper(f"{words}: A Study", "An abstract.") for words in NEU_WORDS]
"""30 papers whose titles start with "Neu": alpha would label them Neu, Neua... past Neuz."""


def identified(title: str, abstract: str = "An abstract.", **meta: object) -> Paper:
    """A paper with metadata, as enrich or a saved API answer would give it."""
    return replace(make_paper(title, abstract), meta=Metadata(**meta))  # type: ignore[arg-type]


IDENTIFIED = [
    identified(
        "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
        arxiv_id="1803.03635",
        authors=("Jonathan Frankle", "Michael Carbin"),
        published="2018-03-09",
        primary_category="cs.LG",
        categories=("cs.LG", "cs.AI"),
        github_repo="https://github.com/example/lottery",
    ),
    identified(
        "Attention Is All You Need",
        arxiv_id="1706.03762",
        authors=("Ashish Vaswani", "Noam Shazeer", "Łukasz Kaiser", "Illia Polosukhin"),
        published="2017-06-12",
        primary_category="cs.CL",
        doi="10.48550/arXiv.1706.03762",
    ),
    identified(
        "An Old-Style Paper",
        arxiv_id="hep-th/9901001",
        authors=("ATLAS and CMS Collaborations", "King, Jr., Martin", "Jürgen Müller"),
        published="1999-01-04",
        primary_category="hep-th",
    ),
    identified("Authors But No Date", arxiv_id="2401.00001", authors=("Ada Lovelace",)),
    identified("A Date But No Authors", arxiv_id="2401.00002", published="2024-01-02"),
    identified("Neural Radiance Fields Again", authors=("Ben Mildenhall",), published="2020-03-19"),
    identified(
        "Attention Is All You Need, Twice",
        arxiv_id="2501.00003",
        authors=("Ashish Vaswani",),
        published="2017-06-12",
        doi="not a doi {}",
    ),
]
"""Identified papers of every shape: full, DOI, old-style id, odd names, fields missing."""


def parse_checked(text: str, count: int) -> bibtexparser.Library:
    """Parse with bibtexparser 2 and pybtex; fail on any failed block or duplicate key."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == count
    keys = [entry.key for entry in library.entries]
    assert len({key.casefold() for key in keys}) == count
    data = pybtex.database.parse_string(text, "bibtex")
    assert len(data.entries) == count
    return library


def test_formats_and_result_type() -> None:
    result = export_papers([make_paper("A Paper About Things")])
    assert isinstance(result, Export)
    assert FORMATS == ("bibtex", "biblatex", "csl-json", "ids", "markdown", "csv", "json")
    with pytest.raises(ExportError, match="unknown export format"):
        export_papers([], "yaml")


def test_entry_fields() -> None:
    paper = make_paper(
        "The Lottery Ticket Hypothesis: Finding Sparse Networks",
        "We find 50% of BERT.",
        ("https://github.com/o/r#readme", "https://example.org/project"),
        ("/home/me/dumps/000_a.txt", "other/001_b.txt", "/x/000_a.txt"),
    )
    entry = bibtex_entry(paper, "lotteryticket")
    # The code link is never the url; no dump file name in any field.
    assert entry == (
        "@misc{lotteryticket,\n"
        "  title = {The Lottery Ticket Hypothesis: Finding Sparse Networks},\n"
        "  year = {n.d.},\n"
        "  url = {https://example.org/project},\n"
        "  howpublished = {\\url{https://example.org/project}},\n"
        "  abstract = {We find 50\\% of BERT.},\n"
        "  code = {https://github.com/o/r#readme},\n"
        "  key = {The Lottery Ticket Hypothesis Finding Sparse Networks},\n"
        "}\n"
    )
    assert "author" not in entry and "000" not in entry


def test_key_field_is_short_plain_words() -> None:
    assert sort_key("A [Bracketed] (Title): with $math$") == "A Bracketed Title with math"
    assert sort_key("word " * 100) == " ".join(["word"] * 12)
    assert sort_key("x" * 500) == "x" * 120
    entry = bibtex_entry(make_paper("[]()"), "brackets")
    assert "key = {brackets}" in entry


def test_entry_without_link_or_abstract() -> None:
    entry = bibtex_entry(make_paper("Just a Title", paths=("-",)), "justtitle")
    assert "url" not in entry and "abstract" not in entry
    assert "note" not in entry and "standard input" not in entry
    with pytest.raises(ExportError):
        bibtex_entry(make_paper("X"), "bad key")


def test_pinned_keys_are_used_and_returned() -> None:
    papers = [make_paper("Lottery Ticket One"), make_paper("Lottery Ticket Two")]
    result = export_papers(papers, pinned={papers[1].id: "mine"})
    assert result.keys[papers[1].id] == "mine"
    assert "@misc{mine," in result.text
    assert result.keys == citation_keys(papers, {papers[1].id: "mine"})


def test_hostile_entries_parse_and_balance() -> None:
    for ascii in (False, True):
        text = export_papers(HOSTILE, ascii=ascii).text
        library = parse_checked(text, len(HOSTILE))
        for entry in library.entries:
            for field in entry.fields:
                assert braces_balanced(field.value), (entry.key, field.key)
        if ascii:
            assert text.isascii()


def test_huge_fields_are_cut_to_what_latex_can_read() -> None:
    text = export_papers([make_paper("{" * 20_000, "a } " * 100_000)]).text
    library = parse_checked(text, 1)
    for name in ("title", "abstract"):
        value = library.entries[0].fields_dict[name].value
        assert len(value) <= FIELD_LIMIT + 10 and value.endswith(" [...]")
        assert braces_balanced(value)


def test_ten_thousand_character_abstract() -> None:
    abstract = ("x" * 9 + "{") * 1000
    text = export_papers([make_paper("Huge", abstract)]).text
    library = parse_checked(text, 1)
    assert len(library.entries[0].fields_dict["abstract"].value) > 10_000


title_text = st.text(
    alphabet=st.one_of(st.sampled_from("&%$#_{}~^\\<>|\"'@,= abcXYZ"), st.characters()),
    min_size=1,
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(title_text, st.text(max_size=400), st.booleans())
def test_any_paper_gives_one_parseable_entry(title: str, abstract: str, ascii: bool) -> None:
    paper = make_paper(title, abstract, ("https://a.org/" + title[:10],))
    entry = bibtex_entry(paper, "key", ascii=ascii)
    assert braces_balanced(entry)
    library = parse_checked(entry, 1)
    assert library.entries[0].key == "key"


def test_shared_dumps_round_trip(shared_dumps: Path) -> None:
    papers = list(paperterm.load([shared_dumps]))
    result = export_papers(papers)
    library = parse_checked(result.text, len(papers))
    by_key = {entry.key: entry for entry in library.entries}
    for paper in papers:
        entry = by_key[result.keys[paper.id]]
        title = entry.fields_dict["title"].value
        assert untex(title) == unicodedata.normalize("NFC", " ".join(paper.title.split()))
        fields = entry.fields_dict
        url = citable_url(paper)
        assert (fields["url"].value if "url" in fields else None) == url
        code = code_url(paper)
        assert (fields["code"].value if "code" in fields else None) == code
        assert url is None or url != code  # a code repository is never the url
        assert not any(".txt" in field.value for field in entry.fields)  # no dump file names
    ascii = export_papers(papers, ascii=True)
    assert ascii.text.isascii()
    assert ascii.keys == result.keys
    parse_checked(ascii.text, len(papers))


def test_shared_dumps_keys_are_stable(shared_dumps: Path) -> None:
    files = sorted(shared_dumps.glob("*.txt"))
    forward = export_papers(list(paperterm.load(files))).keys
    backward = export_papers(list(paperterm.load(files[::-1]))).keys
    assert forward == backward
    papers = list(paperterm.load(files))
    random.Random(6).shuffle(papers)
    assert export_papers(papers).keys == forward
    # The caller pins what an export used; later exports of more papers keep those keys.
    first_half = list(paperterm.load(files[:2]))
    pinned = export_papers(first_half).keys
    everything = export_papers(papers, pinned=pinned).keys
    assert {paper_id: everything[paper_id] for paper_id in pinned} == pinned
    assert len({key.casefold() for key in everything.values()}) == len(papers)
    assert export_papers(papers, pinned=everything).keys == everything


# --- the real tools -----------------------------------------------------------------------------


PIECES = [
    *"&%$#_{}~^\\<>|\"'`@,=()[]!?.:;-+*/ abcXYZ019",
    *["\\\\", "\\%", "\\&", "$x^2$", "{\\Psi}", "\\pm", "\\'e", '\\"{u}', "\\emph{", "\\foo"],
    *["\\left(", "\\right)", "\\frac{a}{b}", "\\mathcal{O}", "$$", "https://x.org/a_b%c#d"],
    *["é", "ï", "ß", "α", "中", "😀", "\u0301", "\xa0", "\t", "\n", "--", "``", "''", "\\c{c}"],
    *["\\v", "\\i", "\\sqrt", "^^", "_{", "}}", "{{", "$x^\\ $", "\\,"],
]


def random_hostile(count: int, seed: int) -> list[Paper]:
    """Papers whose titles, abstracts and URLs are random runs of TeX's worst pieces."""
    rng = random.Random(seed)

    def text(most: int) -> str:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))

    return [
        make_paper(f"R{n} {text(40)}", text(400), (f"https://a.org/{text(10)}",))
        for n in range(count)
    ]


def unique(papers: list[Paper]) -> list[Paper]:
    """Each paper once, the first seen kept (a shared dump may hold a fixture's title)."""
    seen: dict[str, Paper] = {}
    for paper in papers:
        seen.setdefault(paper.id, paper)
    return list(seen.values())


@pytest.fixture
def shared_papers(request: pytest.FixtureRequest) -> list[Paper]:
    """Every paper of the shared dumps, or none when they are absent."""
    try:
        folder = request.getfixturevalue("shared_dumps")
    except pytest.skip.Exception:
        return []
    return list(paperterm.load([folder]))


@pytest.fixture
def corpus(shared_papers: list[Paper]) -> list[Paper]:
    """Hostile papers (hand-made and random), plus every paper of the shared dumps if there."""
    long = make_paper("Long " * 1000, "x" * 200_000)
    papers = [*HOSTILE, long, *random_hostile(200, seed=6), *NEU, *IDENTIFIED, *shared_papers]
    return unique(papers)


DEBIAN_PACKAGES = {"bibtex": "texlive-binaries", "biber": "biber", "pdflatex": "texlive-latex-base"}


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (Debian package {DEBIAN_PACKAGES[tool]})")


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "abbrv", "ieeetr", "plainnat"])
@pytest.mark.parametrize("ascii", [False, True])
def test_bibtex_accepts_it(tmp_path: Path, corpus: list[Paper], style: str, ascii: bool) -> None:
    _need("bibtex")
    (tmp_path / "refs.bib").write_text(export_papers(corpus, ascii=ascii).text, encoding="utf-8")
    (tmp_path / "doc.aux").write_text(
        f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{refs}}\n"
    )
    run = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True)
    log = (tmp_path / "doc.blg").read_text(errors="replace")
    assert run.returncode == 0, log
    assert "Warning--" not in log and "error message" not in log, log
    assert (tmp_path / "doc.bbl").read_text(errors="replace").count("\\bibitem") == len(corpus)


@pytest.mark.slow
@pytest.mark.parametrize("ascii", [False, True])
def test_biber_validates_it(tmp_path: Path, corpus: list[Paper], ascii: bool) -> None:
    _need("biber")
    text = export_papers(corpus, "biblatex", ascii=ascii).text
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    run = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "refs.bib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    problems = [line for line in run.stdout.splitlines() if re.match(r"(WARN|ERROR) ", line)]
    # biblatex's datamodel wants a date for @misc; the dumps have none and we never invent one.
    missing_date = "Missing mandatory field - one of 'date, year' must be defined"
    assert [line for line in problems if missing_date not in line] == []
    output = (tmp_path / "refs_bibertool.bib").read_text(encoding="utf-8")
    assert output.count("@MISC{") + output.count("@ONLINE{") == len(corpus)


LATEX_SETUPS = {
    "plain": ("\\usepackage{url}", "\\bibliographystyle{plain}\\bibliography{refs}", "bibtex"),
    "alpha": ("\\usepackage{url}", "\\bibliographystyle{alpha}\\bibliography{refs}", "bibtex"),
    "ieeetr": ("\\usepackage{url}", "\\bibliographystyle{ieeetr}\\bibliography{refs}", "bibtex"),
    "natbib": (
        "\\usepackage{natbib}\\usepackage{hyperref}",
        "\\bibliographystyle{plainnat}\\bibliography{refs}",
        "bibtex",
    ),
    "biblatex": (
        "\\usepackage[backend=biber]{biblatex}\\usepackage{hyperref}\\addbibresource{refs.bib}",
        "\\printbibliography",
        "biber",
    ),
}


def _compile(tmp_path: Path, papers: list[Paper], setup: str, ascii: bool) -> tuple[str, str]:
    """Run pdflatex, bibtex or biber, pdflatex twice; return the LaTeX and bibliography logs."""
    _need("pdflatex")
    preamble, body, backend = LATEX_SETUPS[setup]
    _need(backend)
    for package in re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]+)\}", preamble):
        if subprocess.run(["kpsewhich", f"{package}.sty"], capture_output=True).returncode:
            pytest.skip(
                f"{package}.sty is not installed (Debian: texlive-latex-recommended, "
                "texlive-latex-extra, texlive-bibtex-extra)"
            )
    fmt = "biblatex" if backend == "biber" else "bibtex"
    text = export_papers(papers, fmt, ascii=ascii).text
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}" + preamble
        + "\\begin{document}\\nocite{*}" + body + "\\end{document}\n"
    )  # fmt: skip
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
    for command in (latex, [backend, "doc"], latex, latex):
        run = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=600
        )
        assert run.returncode == 0, (command, run.stdout[-3000:])
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert "Missing character" not in log  # every character has a glyph: nothing dropped
    return log, (tmp_path / "doc.blg").read_text(errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize("setup", sorted(LATEX_SETUPS))
def test_latex_compiles_it(tmp_path: Path, corpus: list[Paper], setup: str) -> None:
    """The file compiles first time, with the styles people use, whatever the text.

    In UTF-8 (the default) pdflatex knows Latin letters but not Greek or CJK, which is what
    ``--ascii`` is for: the hostile papers are compiled in ASCII.
    """
    _compile(tmp_path, corpus, setup, ascii=True)


@pytest.mark.slow
@pytest.mark.parametrize("ascii", [True, False])
@pytest.mark.parametrize("setup", sorted(LATEX_SETUPS))
def test_real_papers_compile_without_a_warning(
    tmp_path: Path, shared_papers: list[Paper], setup: str, ascii: bool
) -> None:
    """Every shared-dump paper (no metadata), 30 titles starting "Neu" and identified papers:
    no error and no warning from BibTeX or biber, nor from LaTeX."""
    papers = unique([*NEU, *IDENTIFIED, *shared_papers])  # a dump may hold a fixture's title
    log, blg = _compile(tmp_path, papers, setup, ascii)
    warnings = [line for line in log.splitlines() if "Warning" in line]
    assert warnings == [], warnings[:5]
    problems = [line for line in blg.splitlines() if re.match(r"Warning--|WARN|ERROR", line)]
    assert problems == [], problems[:5]


# --- Markdown, CSV, JSON ------------------------------------------------------------------------


def test_json(tmp_path: Path) -> None:
    papers = HOSTILE[:3]
    flags = {papers[0].id: (True, False), papers[1].id: (False, True)}
    result = export_papers(papers, "json", flags=flags)
    records = orjson.loads(result.text)
    assert [r["id"] for r in records] == [p.id for p in papers]
    assert records[1]["title"] == papers[1].title and records[1]["abstract"] == papers[1].abstract
    assert records[2]["links"] == [link.url for link in papers[2].links]
    assert records[0]["sources"] == [{"path": "dumps/one.txt", "position": 1, "line": 3}]
    assert [(r["read"], r["starred"]) for r in records] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    assert records[0]["key"] == result.keys[papers[0].id]
    assert "read" not in orjson.loads(export_papers(papers, "json").text)[0]


def test_csv() -> None:
    papers = HOSTILE
    result = export_papers(papers, "csv", flags={papers[0].id: (True, True)})
    assert result.text.endswith("\r\n") and "\r\n" in result.text
    rows = list(csv.reader(io.StringIO(result.text, newline="")))
    assert rows[0] == [
        "id",
        "key",
        "title",
        "abstract",
        "url",
        "links",
        "sources",
        "read",
        "starred",
    ]
    assert len(rows) == len(papers) + 1
    for row, paper in zip(rows[1:], papers, strict=True):
        assert row[0] == paper.id
        title, abstract = clean_text(paper.title), clean_text(paper.abstract)
        assert (row[2], row[3]) == (spreadsheet_safe(title), spreadsheet_safe(abstract))
    assert rows[1][7:] == ["true", "true"] and rows[2][7:] == ["false", "false"]


def test_markdown() -> None:
    papers = [
        make_paper("A *Bold* [Claim]", urls=("https://github.com/o/r", "https://x.org/p")),
        make_paper("No Links Here", paths=("/a/b/000_x.txt",)),
    ]
    result = export_papers(papers, "markdown", flags={papers[0].id: (False, True)})
    text = result.text
    assert text.startswith("# Reading list\n")
    assert "[A \\*Bold\\* \\[Claim\\]](<https://github.com/o/r>)" in text
    assert f"`{papers[0].id}`" in text and f"cite as `{result.keys[papers[1].id]}`" in text
    assert "<https://x.org/p>" in text and "from 000\\_x.txt" in text
    assert "★" in text
    assert export_papers([], "markdown").text == "# Reading list\n\nNo papers.\n"
