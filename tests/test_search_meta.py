"""Metadata in the query language (author:, year:, cat:, has:arxiv) and the sort by date."""

from __future__ import annotations

from dataclasses import replace

import pytest

from paperterm import sorts
from paperterm.catalog import Catalog
from paperterm.identity import paper_id
from paperterm.model import Metadata, Paper
from paperterm.search.query import Term, parse


def paper(title: str, **meta: object) -> Paper:
    made = Paper(paper_id(title), title, (f"About {title.lower()}.",), (), (), 0)
    return replace(made, meta=Metadata(**meta)) if meta else made  # type: ignore[arg-type]


PAPERS = [
    paper(
        "Lottery Tickets",
        arxiv_id="1803.03635",
        authors=("Jonathan Frankle", "Michael Carbin"),
        published="2018-03-09",
        primary_category="cs.LG",
        categories=("cs.LG", "cs.AI"),
    ),
    paper(
        "Attention Everywhere",
        arxiv_id="1706.03762",
        authors=("Ashish Vaswani", "Jürgen Müller"),
        published="2017-06-12",
        primary_category="cs.CL",
        categories=("cs.CL",),
    ),
    paper("Unidentified Tickets"),
    paper("Dated Only", published="2024-05-01"),
    paper(
        "Recent Language Models",
        arxiv_id="2401.00001",
        published="2024-01-02",
        categories=("cs.CL", "stat.ML"),
    ),
]


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(PAPERS)


def titles(catalog: Catalog, query: str) -> list[str]:
    return [found.title for found in catalog.search(query)]


def test_parsing_the_terms() -> None:
    assert parse("author:frankle").groups[0].alternatives == (
        Term("meta", "any", ("frankle",), flag="author"),
    )
    assert parse("year:2024").groups[0].alternatives[0].needle == "2024..2024"
    assert parse("year:2023..2025").groups[0].alternatives[0].needle == "2023..2025"
    assert parse("cat:cs.CL").groups[0].alternatives[0].needle == "cs.cl"
    assert parse("has:arxiv").groups[0].alternatives[0] == Term("state", "any", flag="arxiv")
    assert parse("has:a").groups[0].alternatives[0].flag == "abstract"  # the first it begins


@pytest.mark.parametrize("half", ["author:", "year:", "year:20", "year:202", "year:..", "cat:",
                                  "year:2024..20", "year:abcd", "year:2024-2025"])  # fmt: skip
def test_half_typed_terms_are_ignored_never_an_error(catalog: Catalog, half: str) -> None:
    query = parse(f"tickets {half}")
    assert query.ignored == (half,)
    assert titles(catalog, f"tickets {half}") == titles(catalog, "tickets")


def test_author(catalog: Catalog) -> None:
    assert titles(catalog, "author:frankle") == ["Lottery Tickets"]
    assert titles(catalog, "author:jon") == ["Lottery Tickets"]  # a prefix of a name's word
    assert titles(catalog, "author:muller") == ["Attention Everywhere"]  # accents folded
    assert titles(catalog, "author:ashish author:vaswani") == ["Attention Everywhere"]
    assert titles(catalog, "author:carbin tickets") == ["Lottery Tickets"]
    assert titles(catalog, "tickets !author:frankle") == ["Unidentified Tickets"]


def test_year_and_ranges(catalog: Catalog) -> None:
    assert titles(catalog, "year:2018") == ["Lottery Tickets"]
    assert titles(catalog, "year:2017..2018") == ["Lottery Tickets", "Attention Everywhere"]
    assert titles(catalog, "year:2024..") == ["Dated Only", "Recent Language Models"]
    assert titles(catalog, "year:..2017") == ["Attention Everywhere"]
    assert titles(catalog, "year:2019..2023") == []


def test_category_and_has_arxiv(catalog: Catalog) -> None:
    assert titles(catalog, "cat:cs.CL") == ["Attention Everywhere", "Recent Language Models"]
    assert titles(catalog, "cat:cs") == [
        "Lottery Tickets",
        "Attention Everywhere",
        "Recent Language Models",
    ]
    assert titles(catalog, "cat:stat.ml") == ["Recent Language Models"]
    assert titles(catalog, "cat:c") == []  # not a category yet
    assert titles(catalog, "has:arxiv") == [
        "Lottery Tickets",
        "Attention Everywhere",
        "Recent Language Models",
    ]
    assert titles(catalog, "!has:arxiv") == ["Unidentified Tickets", "Dated Only"]


def test_metadata_learnt_later_is_seen_by_the_next_search(catalog: Catalog) -> None:
    assert titles(catalog, "tickets has:arxiv") == ["Lottery Tickets"]
    unidentified = paper_id("Unidentified Tickets")
    catalog.set_meta({unidentified: Metadata(arxiv_id="2001.00001", authors=("Ada Lovelace",))})
    assert titles(catalog, "tickets has:arxiv") == ["Lottery Tickets", "Unidentified Tickets"]
    assert titles(catalog, "author:lovelace") == ["Unidentified Tickets"]


def test_sort_by_date(catalog: Catalog) -> None:
    assert "date" in sorts.names()
    order = sorts.get("date")
    context = sorts.SortContext(catalog)
    rows = order.apply(range(len(catalog)), context, searched=False)
    assert [catalog.papers[row].title for row in rows] == [
        "Dated Only",
        "Recent Language Models",
        "Lottery Tickets",
        "Attention Everywhere",
        "Unidentified Tickets",
    ]
    # Dates learnt later change the order of the same catalogue.
    catalog.set_meta({paper_id("Unidentified Tickets"): Metadata(published="2030-01-01")})
    rows = order.apply(range(len(catalog)), sorts.SortContext(catalog), searched=False)
    assert catalog.papers[rows[0]].title == "Unidentified Tickets"


def test_o_opens_the_paper_then_code_then_a_search(monkeypatch: pytest.MonkeyPatch) -> None:
    from paperterm.model import Link
    from paperterm.paperlinks import Target, open_target

    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    lottery = replace(PAPERS[0], links=(Link("https://github.com/o/r", True),))
    assert open_target(lottery) == Target("https://arxiv.org/abs/1803.03635", "paper")
    coded = replace(
        PAPERS[2], links=(Link("https://x.org/p", False), Link("https://github.com/o/r", True))
    )
    assert open_target(coded) == Target("https://github.com/o/r", "code")
    linked = replace(PAPERS[2], links=(Link("https://x.org/p", False),))
    assert open_target(linked) == Target("https://x.org/p", "link")
    bare = paper("Attention & Co: 100% Tested?")
    assert open_target(bare) == Target(
        "https://huggingface.co/papers?q=Attention+%26+Co%3A+100%25+Tested%3F", "search"
    )
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    assert open_target(bare).url.startswith("http://127.0.0.1:9/papers?q=")
