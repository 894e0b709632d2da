"""Catalog.search and search_indices over a small hand-made catalogue: matching and ranking."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.catalog import Catalog
from paperterm.identity import paper_id
from paperterm.model import Link, Paper
from paperterm.search import exact_count

ENTRIES = [
    (
        "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
        "We find that dense networks contain sparse subnetworks that train well in isolation.",
        (),
    ),
    (
        "Deep Residual Learning for Image Recognition",
        "Residual connections let very deep networks train; a lottery of initialisations helps.",
        (),
    ),
    (
        "Attention Is All You Need",
        "The Transformer uses self-attention only. Compared with GPT-4 it is small.",
        ("https://github.com/tensorflow/tensor2tensor",),
    ),
    (
        "Stabilizing the Lottery Ticket Hypothesis",
        "Rewinding weights to an early iteration finds winning tickets in deep networks.",
        (),
    ),
    (
        "Pruning at Initialization",
        "We revisit the lottery ticket conjecture and pruning before training.",
        ("https://example.org/pruning",),
    ),
    (
        "Über die Kraft der Straße: Ærodynamik",
        "Ein Aufsatz über Strömungen, mit ﬁnen Details und GPT 4 Vergleichen.",
        (),
    ),
    (
        "Denoising Diffusion Probabilistic Models",
        "Diffusion models generate images by learning to reverse a noising process.",
        ("https://github.com/hojonathanho/diffusion",),
    ),
    ("Lotteries and Tickets Without Abstracts", "", ()),
]


def make_paper(index: int, title: str, abstract: str, urls: tuple[str, ...]) -> Paper:
    links = tuple(Link(url, "github.com" in url) for url in urls)
    abstracts = (abstract,) if abstract else ()
    return Paper(paper_id(title), title, abstracts, (), links, index)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog([make_paper(i, *entry) for i, entry in enumerate(ENTRIES)])


def titles(catalog: Catalog, query: str, **marks: frozenset[str]) -> list[str]:
    read, starred = marks.get("read", frozenset()), marks.get("starred", frozenset())
    return [paper.title for paper in catalog.search(query, read=read, starred=starred)]


def positions(catalog: Catalog, query: str) -> list[int]:
    return list(catalog.search_indices(query))


def test_empty_query_gives_catalogue_order(catalog: Catalog) -> None:
    assert titles(catalog, "") == [title for title, _, _ in ENTRIES]
    assert titles(catalog, "   ") == [title for title, _, _ in ENTRIES]
    assert list(catalog.search_indices("")) == list(range(len(ENTRIES)))


def test_typos_still_find_the_lottery_ticket_papers(catalog: Catalog) -> None:
    found = titles(catalog, "lotery tiket")
    assert found[:2] == [
        "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
        "Stabilizing the Lottery Ticket Hypothesis",
    ]
    assert "Pruning at Initialization" in found


def test_title_matches_rank_above_abstract_only_matches(catalog: Catalog) -> None:
    # 0 and 3 match both words in the title; 4 has both, exact, only in its abstract; 7 has
    # "tickets" in its title but "lotteries" only as a typo of "lottery".
    assert positions(catalog, "lottery ticket") == [0, 3, 4, 7]


def test_whole_word_ranks_above_prefix_then_catalogue_order(catalog: Catalog) -> None:
    # 0 and 3 are exact in the title, 1 and 4 exact in the abstract; "lotteries" in 7's title is
    # only a typo of "lottery", and a typo ranks below the word itself, wherever that stands.
    assert positions(catalog, "lottery") == [0, 3, 1, 4, 7]
    # As a prefix, "lott" matches "lotteries" without a typo: a title match again.
    assert positions(catalog, "lott") == [0, 3, 7, 1, 4]


def test_a_typo_in_a_title_ranks_below_the_word_itself_in_an_abstract() -> None:
    papers = [
        ("Modal Logic Beat GANs on Image Synthesis", "Sample quality goes up."),
        ("Feature Learning in Wide Networks", "We train BERT and a language model."),
    ]
    catalog = Catalog([make_paper(i, title, text, ()) for i, (title, text) in enumerate(papers)])
    assert positions(catalog, "model") == [1, 0]  # "modal" is one edit from "model"
    assert positions(catalog, "bert") == [1]  # four letters: "beat" is no match at all


def test_exact_matches_come_first_and_are_counted(catalog: Catalog) -> None:
    rows = catalog.search_indices("lottery")
    assert list(rows) == [0, 3, 1, 4, 7]
    assert exact_count(rows) == 4  # 7 has only "lotteries", a typo of "lottery"
    rows = catalog.search_indices("lottery ticket")
    assert (list(rows), exact_count(rows)) == ([0, 3, 4, 7], 3)
    rows = catalog.search_indices("lotery tiket")  # every match needs a typo
    assert exact_count(rows) == 0 and len(rows) >= 3
    assert exact_count(catalog.search_indices("")) == len(ENTRIES)
    assert exact_count(catalog.search_indices("is:unread")) == len(ENTRIES)
    assert exact_count(catalog.search_indices("zzzz")) == 0


def test_every_prefix_of_a_word_finds_it(catalog: Catalog) -> None:
    for end in range(1, len("hypothesis") + 1):
        assert 0 in positions(catalog, "hypothesis"[:end]), end


def test_a_half_typed_word_with_a_typo_still_matches(catalog: Catalog) -> None:
    assert positions(catalog, "stabiliz lotter")[:1] == [3]
    assert positions(catalog, "stabli")[:1] == [3]


def test_typos_need_the_first_letter_and_enough_letters(catalog: Catalog) -> None:
    assert positions(catalog, "kottery") == []
    assert positions(catalog, "dep") == []  # three letters: no typo allowed, "deep" not found
    assert positions(catalog, "deeo") == []  # four letters: still none
    assert positions(catalog, "netwroks") != []  # five to eight letters: one edit allowed
    assert positions(catalog, "difusoin") == []  # but not two
    assert positions(catalog, "hypotesus")[:2] == [0, 3]  # nine letters or more: two edits


def test_no_match(catalog: Catalog) -> None:
    assert catalog.search("quantum chromodynamics") == []
    assert list(catalog.search_indices("zzzz")) == []


def test_exact_term_matches_text_with_punctuation(catalog: Catalog) -> None:
    assert positions(catalog, "'gpt-4") == [2]
    assert positions(catalog, "'GPT") == [2, 5]
    assert positions(catalog, "gpt 4") == [2, 5]


def test_exact_term_matches_inside_words(catalog: Catalog) -> None:
    assert positions(catalog, "'former") == [2]
    assert positions(catalog, "'formr") == []  # no typos in exact terms


def test_title_prefix(catalog: Catalog) -> None:
    assert positions(catalog, "^deep") == [1]
    assert positions(catalog, "^de") == [1, 6]
    assert positions(catalog, "^residual") == []
    assert positions(catalog, "^the-lottery") == [0]
    assert positions(catalog, "^the-lot") == [0]
    assert positions(catalog, "^the-x") == []


def test_abstract_prefix(catalog: Catalog) -> None:
    assert positions(catalog, "abstract:^we") == [0, 4]


def test_exclusion(catalog: Catalog) -> None:
    assert positions(catalog, "lottery !stabilizing") == [0, 1, 4, 7]
    assert positions(catalog, "!lottery") == [2, 5, 6, 7]  # "lotteries" does not start with it
    assert positions(catalog, "!'gpt") == [0, 1, 3, 4, 6, 7]
    assert positions(catalog, "!^the") == [1, 2, 3, 4, 5, 6, 7]


def test_exclusion_forgives_no_typos(catalog: Catalog) -> None:
    # "!lotery" would drop every lottery paper if typos counted; only exact prefixes do.
    assert positions(catalog, "!lotery") == list(range(len(ENTRIES)))


def test_alternatives(catalog: Catalog) -> None:
    assert positions(catalog, "diffusion|attention") == [2, 6]
    assert positions(catalog, "diffusion | attention") == [2, 6]
    assert positions(catalog, "!diffusion|attention") == [0, 1, 3, 4, 5, 7]


def test_field_restriction(catalog: Catalog) -> None:
    assert positions(catalog, "title:lottery") == [0, 3, 7]
    assert positions(catalog, "abstract:lottery") == [1, 4]
    assert positions(catalog, "title:'gpt") == []


def test_state_terms(catalog: Catalog) -> None:
    ids = [paper.id for paper in catalog]
    read = frozenset({ids[0], ids[2], "not-an-id"})
    starred = frozenset({ids[3]})
    assert titles(catalog, "is:starred", read=read, starred=starred) == [ENTRIES[3][0]]
    assert positions(catalog, "is:starred") == []
    assert [p.index for p in catalog.search("is:read", read=read)] == [0, 2]
    assert [p.index for p in catalog.search("is:unread lottery", read=read)] == [3, 1, 4, 7]
    assert [p.index for p in catalog.search("!is:read lottery", read=read)] == [3, 1, 4, 7]


def test_state_terms_follow_the_sets_given_on_each_call(catalog: Catalog) -> None:
    ids = [paper.id for paper in catalog]
    assert positions(catalog, "lottery is:unread") == [0, 3, 1, 4, 7]
    assert [p.index for p in catalog.search("lottery is:unread", read={ids[0]})] == [3, 1, 4, 7]
    assert [p.index for p in catalog.search("lottery is:unread", read={ids[3]})] == [0, 1, 4, 7]


def test_frozen_sets_searched_again_answer_for_their_own_content(catalog: Catalog) -> None:
    """The searcher keeps the bit set of a frozenset by identity: a set searched again gives the
    same answer, and another set (even one made after the first is gone) never gets its bits."""
    ids = [paper.id for paper in catalog]

    def unread(read: frozenset[str], flag: frozenset[str] = frozenset()) -> list[int]:
        found = catalog.search("lottery is:unread !is:new", read=read, flags={"new": flag})
        return [paper.index for paper in found]

    first = frozenset({ids[0]})
    assert unread(first) == unread(first) == [3, 1, 4, 7]
    for number in range(1, 40):  # new sets, most made after the one before is freed
        assert unread(frozenset({ids[number % len(ids)]}), frozenset({ids[1]})) == [
            index for index in (0, 3, 4, 7) if index != number % len(ids)
        ]
    assert unread(first) == [3, 1, 4, 7]


def test_link_terms(catalog: Catalog) -> None:
    assert positions(catalog, "has:code") == [2, 6]
    assert positions(catalog, "has:link") == [2, 4, 6]
    assert positions(catalog, "has:abstract") == [0, 1, 2, 3, 4, 5, 6]
    assert positions(catalog, "!has:abstract") == [7]


def test_unknown_state_values_filter_nothing(catalog: Catalog) -> None:
    assert positions(catalog, "is:nu") == list(range(len(ENTRIES)))
    assert positions(catalog, "diffusion is:nu") == [6]


def test_unicode_is_folded(catalog: Catalog) -> None:
    assert positions(catalog, "strasse") == [5]
    assert positions(catalog, "STRASSE ærodynamik") == [5]
    assert positions(catalog, "über") == [5]
    assert positions(catalog, "finen") == [5]  # the ﬁ ligature in the abstract
    assert positions(catalog, "'straße") == [5]


def test_accents_do_not_matter(catalog: Catalog) -> None:
    assert positions(catalog, "uber") == [5]
    assert positions(catalog, "UBER stromungen") == [5]
    assert positions(catalog, "'uber die") == [5]
    assert positions(catalog, "'strömung") == [5]


def test_query_of_a_thousand_characters(catalog: Catalog) -> None:
    long_query = ("lottery ticket hypothesis " * 40)[:1000]
    started = time.perf_counter()
    assert positions(catalog, long_query)[:1] == [0]
    assert positions(catalog, "x" * 1000) == []
    assert positions(catalog, ("a|b !c 'd ^e is:read has:code title:f " * 30)[:1000]) == []
    assert time.perf_counter() - started < 5


def test_search_indices_agree_with_search(catalog: Catalog) -> None:
    for query in ["lotery", "deep", "'gpt", "!lottery", "is:unread", "", "zzz", "n"]:
        assert [catalog.papers[i] for i in catalog.search_indices(query)] == catalog.search(query)


def test_the_answer_behaves_as_a_sequence(catalog: Catalog) -> None:
    rows = catalog.search_indices("lottery")
    listed = [0, 3, 1, 4, 7]
    assert len(rows) == 5
    assert rows[0] == 0 and rows[-1] == 7 and rows[2] == 1
    assert rows[1:3] == [3, 1] and rows[::-1] == listed[::-1]
    assert rows.index(1) == 2 and rows.index(7) == 4
    assert 4 in rows and 2 not in rows and "x" not in rows  # type: ignore[comparison-overlap]
    assert list(rows) == listed and rows == listed
    with pytest.raises(IndexError):
        rows[5]
    with pytest.raises(ValueError):
        rows.index(2)


def test_index_finds_a_late_paper_without_listing_everything(catalog: Catalog) -> None:
    rows = catalog.search_indices("n")
    assert rows.index(rows[-1]) == len(rows) - 1
    for position, paper in enumerate(rows):
        assert rows.index(paper) == position


def test_empty_catalogue() -> None:
    empty = Catalog([])
    assert empty.search("anything") == []
    assert empty.search("") == []
    assert list(empty.search_indices("is:read")) == []


def test_the_index_is_built_once_and_lazily(catalog: Catalog) -> None:
    def built() -> bool:  # a call, so that mypy does not keep what it learnt before a search
        return catalog._searcher is not None

    assert not built()
    catalog.search("")
    assert not built()
    catalog.search("deep")
    assert built()
    assert catalog.prepare_search() == 0.0


def test_several_abstract_versions_are_all_searched() -> None:
    paper = Paper(
        "0" * 12, "A Title", ("Long version about kangaroos.", "Short: wombats."), (), (), 0
    )
    catalog = Catalog([paper])
    assert catalog.search("wombats") == [paper]
    assert catalog.search("abstract:^short") == [paper]
    assert catalog.search("'wombats.") == [paper]


def test_search_modules_do_not_import_textual() -> None:
    modules = ["paperterm.search", "paperterm.catalog"] + [
        f"paperterm.search.{name}"
        for name in ("bitset", "engine", "highlight", "index", "match", "query", "rank", "text")
    ]
    imports = ", ".join(modules)
    code = f"import sys, {imports}; print(any(m.startswith('textual') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_SHARED = Catalog([make_paper(i, *entry) for i, entry in enumerate(ENTRIES)])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_search_never_raises(query: str) -> None:
    read = {_SHARED.papers[0].id}
    found = _SHARED.search(query, read=read)
    assert len({paper.id for paper in found}) == len(found)
    assert [paper.index for paper in found] == list(_SHARED.search_indices(query, read=read))


def test_a_catalogue_numbers_papers_by_their_position() -> None:
    made = [make_paper(7, "Second", "b", ()), make_paper(7, "First", "a", ())]
    catalog = Catalog(made)
    assert [paper.index for paper in catalog.papers] == [0, 1]
    assert [paper.title for paper in catalog.papers] == ["Second", "First"]
    loaded = Catalog(catalog.papers)
    assert all(a is b for a, b in zip(loaded.papers, catalog.papers, strict=True))
