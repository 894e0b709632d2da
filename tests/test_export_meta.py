"""Exports of identified papers: arXiv-style BibTeX, biblatex, CSL-JSON, ids; alpha-safe keys."""

from __future__ import annotations

import re

import orjson

from paperterm.export import citation_keys, export_papers, format_for_path
from paperterm.export.bibtex import alpha_safe_keys, bibtex_entry, sort_key
from test_export import IDENTIFIED, NEU, make_paper, parse_checked

LOTTERY, ATTENTION, OLD, NO_DATE, NO_AUTHORS, NO_ID, TWICE = IDENTIFIED


def test_an_identified_paper_as_arxiv_writes_it() -> None:
    assert bibtex_entry(LOTTERY, "frankle2018lottery") == (
        "@misc{frankle2018lottery,\n"
        "  title = {The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks},\n"
        "  author = {Jonathan Frankle and Michael Carbin},\n"
        "  year = {2018},\n"
        "  eprint = {1803.03635},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.LG},\n"
        "  url = {https://arxiv.org/abs/1803.03635},\n"
        "  abstract = {An abstract.},\n"
        "  code = {https://github.com/example/lottery},\n"
        "}\n"
    )
    attention = bibtex_entry(ATTENTION, "vaswani2017attention", ascii=True)
    assert "  doi = {10.48550/arXiv.1706.03762},\n" in attention
    assert "author = {Ashish Vaswani and Noam Shazeer and {\\L}ukasz Kaiser and" in attention
    old = bibtex_entry(OLD, "atlas1999old")
    # A collaboration named with "and", and a name with commas, each stay one author.
    authors = "{ATLAS and CMS Collaborations} and {King, Jr., Martin} and J{\\relax ü}rgen"
    assert f"author = {{{authors} M{{\\relax ü}}ller}}" in old  # UTF-8 letters kept whole
    assert "eprint = {hep-th/9901001}" in old and "primaryClass = {hep-th}" in old
    assert "doi" not in bibtex_entry(TWICE, "twice")  # not a DOI: left out
    # Fields that are unknown are left out, never invented.
    no_date = bibtex_entry(NO_DATE, "k")
    assert "year = {n.d.}" in no_date  # "no date", never an invented year
    assert "primaryClass" not in no_date and "key =" not in no_date
    no_authors = bibtex_entry(NO_AUTHORS, "k")
    assert "author" not in no_authors and "year = {2024}" in no_authors and "key =" in no_authors
    # Metadata without an arXiv id: no eprint, and the url is not invented either.
    assert "eprint" not in bibtex_entry(NO_ID, "k") and "url" not in bibtex_entry(NO_ID, "k")


def test_keys_of_identified_papers() -> None:
    keys = citation_keys(IDENTIFIED)
    assert keys[LOTTERY.id] == "frankle2018lottery"
    assert keys[OLD.id] == "collaborations1999old"  # the last word of the first name
    assert keys[NO_ID.id] == "mildenhall2020neural"
    assert {keys[ATTENTION.id], keys[TWICE.id]} == {
        "vaswani2017attentiona",
        "vaswani2017attentionb",
    }
    # Without authors or a year, the title's words, as before.
    assert keys[NO_DATE.id] == "authorsdate" and keys[NO_AUTHORS.id] == "dateauthors"
    # A pinned key never changes, whatever is learnt about the paper later.
    pinned = {LOTTERY.id: "lotteryticket"}
    assert citation_keys(IDENTIFIED, pinned)[LOTTERY.id] == "lotteryticket"


def prefix3(key: str) -> str:
    """BibTeX's ``key #3 text.prefix$``: a ``{\\cmd ...}`` group at depth 0 is one character."""
    out, count, index = "", 0, 0
    while index < len(key) and count < 3:
        if key.startswith("{\\", index):
            end = key.index("}", index) + 1
            out += key[index:end]
            index = end
        else:
            out += key[index]
            index += 1
        count += 1
    return out


def purify(text: str) -> str:
    """BibTeX's purify$ on our keys: control words dropped, letters, digits and spaces kept."""
    return re.sub(r"[^A-Za-z0-9 ]", "", re.sub(r"\\[A-Za-z]+", "", text)).lower()


def test_alpha_never_shares_a_label_27_times() -> None:
    texts = {paper.id: sort_key(paper.title) for paper in NEU}
    safe = alpha_safe_keys(texts)
    labels = [purify(prefix3(key)) for key in safe.values()]
    assert max(labels.count(label) for label in labels) <= 26
    assert len(set(labels)) > 1
    for paper_id, key in safe.items():
        # Every style still sorts and prints the same words.
        assert purify(key).replace("  ", " ").strip() == texts[paper_id].lower()
    # A crowd of 26 is left as it is: alpha labels it Neu, Neua... Neuz.
    few = dict(list(texts.items())[:26])
    assert alpha_safe_keys(few) == few


def test_a_full_export_gives_neu_papers_distinct_enough_keys() -> None:
    text = export_papers(NEU).text
    library = parse_checked(text, len(NEU))
    keys = [entry["key"] for entry in library.entries]
    labels = [purify(prefix3(key)) for key in keys]
    assert max(labels.count(label) for label in labels) <= 26


def test_biblatex() -> None:
    text = export_papers([LOTTERY, NEU[0]], "biblatex").text
    lottery, other = text.split("\n\n")
    assert lottery.startswith("@online{frankle2018lottery,\n")
    for field in (
        "author = {Jonathan Frankle and Michael Carbin}",
        "date = {2018-03-09}",
        "eprint = {1803.03635}",
        "eprinttype = {arxiv}",
        "eprintclass = {cs.LG}",
        "url = {https://arxiv.org/abs/1803.03635}",
    ):
        assert f"  {field},\n" in lottery
    assert other.startswith("@misc{") and "sortkey = {Neural Radiance Fields A Study}" in other
    parse_checked(text, 2)


def test_csl_json() -> None:
    items = orjson.loads(export_papers([LOTTERY, ATTENTION, NEU[0]], "csl-json").text)
    lottery = items[0]
    assert lottery["id"] == "frankle2018lottery" and lottery["type"] == "article"
    assert lottery["author"] == [
        {"family": "Frankle", "given": "Jonathan"},
        {"family": "Carbin", "given": "Michael"},
    ]
    assert lottery["issued"] == {"date-parts": [[2018, 3, 9]]}
    assert lottery["number"] == "arXiv:1803.03635" and lottery["publisher"] == "arXiv"
    assert lottery["URL"] == "https://arxiv.org/abs/1803.03635"
    assert items[1]["DOI"] == "10.48550/arXiv.1706.03762"
    assert "author" not in items[2] and "issued" not in items[2]


def test_ids() -> None:
    result = export_papers([LOTTERY, NEU[0], OLD, LOTTERY], "ids")
    assert result.text == "1803.03635\nhep-th/9901001\n"
    assert result.keys == {}  # no key shown, none to pin


def test_json_records_carry_the_metadata() -> None:
    record = orjson.loads(export_papers([LOTTERY], "json").text)[0]
    assert record["arxiv_id"] == "1803.03635" and record["year"] == 2018
    assert record["authors"] == ["Jonathan Frankle", "Michael Carbin"]
    assert record["meta"]["primary_category"] == "cs.LG"
    assert record["meta"]["github_repo"] == "https://github.com/example/lottery"
    plain = orjson.loads(export_papers([make_paper("Plain")], "json").text)[0]
    assert (plain["arxiv_id"], plain["authors"], plain["year"], plain["meta"]) == (
        None,
        [],
        None,
        {},
    )


def test_format_for_path() -> None:
    assert format_for_path("refs.bib") == "bibtex"
    assert format_for_path("refs.biblatex.bib") == "biblatex"
    assert format_for_path("Refs.CSL.json") == "csl-json"
    assert format_for_path("papers.ids.txt") == "ids"
    assert format_for_path("list.md") == "markdown"
    assert format_for_path("x.json") == "json" and format_for_path("x.csv") == "csv"
    assert format_for_path("noext") == "bibtex"
