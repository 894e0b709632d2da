"""Search over the real Hugging Face Papers dumps in ../shared/dumps (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

import paperterm
from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.search import exact_count, highlight
from paperterm.search.text import words


@pytest.fixture
def real(shared_dumps: Path) -> Catalog:
    return paperterm.load([shared_dumps])


def test_typos_find_the_lottery_ticket_paper(real: Catalog) -> None:
    top = real.search("lotery tiket hypotesis")[0]
    assert top.title.startswith("The Lottery Ticket Hypothesis")
    assert [top.title[a:b] for a, b in highlight("lotery tiket", top.title, "title")] == [
        "Lottery",
        "Ticket",
    ]


def test_a_misspelt_title_comes_first(real: Catalog) -> None:
    assert real.search("difusion modles beat gans")[0].title == (
        "Diffusion Models Beat GANs on Image Synthesis"
    )


def test_title_matches_come_before_abstract_matches(real: Catalog) -> None:
    found = real.search("diffusion")
    in_title = ["diffusion" in paper.title.casefold() for paper in found]
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True)


def test_filters_agree_with_the_papers(real: Catalog) -> None:
    assert all(p.title.casefold().startswith("deep") for p in real.search("^deep"))
    coded = real.search("has:code")
    assert coded and all(paper.has_code for paper in coded)
    without = real.search("!has:code")
    assert len(coded) + len(without) == len(real)


def test_every_keystroke_of_a_query_answers(real: Catalog) -> None:
    query = "neural radiance fields !survey"
    for end in range(1, len(query) + 1):
        rows = real.search_indices(query[:end])
        assert len(rows) == len(list(rows))
    assert "Neural Radiance Fields" in real.search(query)[0].title
    assert all("survey" not in paper.title.casefold() for paper in real.search(query))


def test_exact_matches_come_first_and_typos_need_five_letters(real: Catalog) -> None:
    def exact_here(paper: Paper, typed: str) -> bool:
        texts = (paper.title, *paper.abstracts)
        return any(word.startswith(typed) for text in texts for word in words(text))

    rows = real.search_indices("grokking")
    found = [real.papers[n] for n in rows]
    assert exact_count(rows) >= 1
    assert [exact_here(p, "grokking") for p in found] == [
        n < exact_count(rows) for n in range(len(rows))
    ]
    # Four letters allow no typo: no "group" or "grow" among the papers for "grok".
    grok = real.search_indices("grok")
    assert exact_count(grok) == len(grok)
    assert all(exact_here(real.papers[n], "grok") for n in grok)
