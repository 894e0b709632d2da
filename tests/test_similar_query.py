"""``similar:ID`` in the query language: parsed, ignored while half typed, answered best first."""

from __future__ import annotations

import pytest

from paperterm.catalog import Catalog
from paperterm.search.query import Term, parse
from paperterm.search.similar import TermVectors
from test_recommend import TOPICS, make_catalog, topic_of


@pytest.fixture
def catalog() -> Catalog:
    entries = [TOPICS[topic][n] for n in range(3) for topic in ("rendering", "pruning", "speech")]
    entries.append(("Unrelated Birdsong", "Finches sing at dawn."))
    return make_catalog(entries)


def test_similar_parses_a_whole_id_in_any_case() -> None:
    query = parse("similar:ABCDEF012345")
    assert query.groups[0].alternatives == (Term("similar", "any", needle="abcdef012345"),)
    assert not query.groups[0].has_text
    assert parse("Similar:abcdef012345").groups == query.groups


@pytest.mark.parametrize(
    "typed", ["similar:", "similar:abc", "similar:abcdef01234g", "similar:a b"]
)
def test_a_half_typed_similar_is_ignored(typed: str) -> None:
    query = parse(typed)
    assert all(term.kind != "similar" for group in query.groups for term in group.alternatives)


def test_similar_lists_the_papers_alike_best_first(catalog: Catalog) -> None:
    paper = catalog.papers[0]
    found = catalog.search_indices(f"similar:{paper.id}")
    expected = [item.position for item in TermVectors(catalog.papers).similar(0)]
    assert list(found) == expected
    assert 0 not in found
    assert [topic_of(catalog, p) for p in found[:2]] == ["rendering", "rendering"]
    assert 9 not in found  # shares no term
    assert found.index(expected[1]) == 1


def test_similar_combines_with_other_terms(catalog: Catalog) -> None:
    paper = catalog.papers[1]  # pruning
    alike = list(catalog.search_indices(f"similar:{paper.id}"))
    narrowed = list(catalog.search_indices(f"similar:{paper.id} rewinding"))
    assert narrowed == [
        p for p in alike if "Rewinding" in catalog.papers[p].abstract + catalog.papers[p].title
    ]
    assert narrowed
    excluded = list(catalog.search_indices(f"!similar:{paper.id}"))
    assert set(excluded) == set(range(len(catalog))) - set(alike)
    # An alternative matched otherwise comes after the papers alike, in catalogue order.
    either = list(catalog.search_indices(f"similar:{paper.id}|finches"))
    assert either == [*alike, 9]


def test_similar_to_a_paper_not_loaded_matches_nothing(catalog: Catalog) -> None:
    assert list(catalog.search_indices("similar:000000000000")) == []
    assert list(catalog.search_indices("similar:000000000000|finches")) == [9]


def test_similar_marks_read_with_state_terms(catalog: Catalog) -> None:
    paper = catalog.papers[0]
    read = frozenset({catalog.papers[3].id})
    found = catalog.search_indices(f"similar:{paper.id} is:unread", read=read)
    assert 3 not in found and list(found)


def test_similar_highlights_nothing(catalog: Catalog) -> None:
    from paperterm.search import highlight

    paper = catalog.papers[0]
    assert highlight(f"similar:{paper.id}", catalog.papers[3].title, "title") == []
    assert highlight(f"similar:{paper.id} sdf", catalog.papers[3].abstract, "abstract")
