"""Metadata read from untrusted Hugging Face paper objects, and laid over each other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paperterm.metadata import arxiv_id, combined, from_hf_paper, iso_date
from paperterm.model import Metadata

FULL = {
    "id": "1803.03635",
    "title": "The Lottery Ticket Hypothesis",
    "summary": "Pruning ...",
    "authors": [{"name": "Jonathan Frankle", "hidden": False}, {"name": "Michael Carbin"}],
    "publishedAt": "2018-03-09T18:51:28.000Z",
    "upvotes": 12,
    "githubRepo": "https://github.com/example/lottery",
    "githubStars": 321,
    "projectPage": "https://example.org/lottery",
    "ai_summary": "Dense networks hold sparse \x1b[2Jsubnetworks.",
    "ai_keywords": ["pruning", "lottery ticket", 7, None],
}


def test_a_full_paper_object() -> None:
    meta = from_hf_paper(FULL, listed="2026-11-20T00:00:00.000Z")
    assert meta == Metadata(
        arxiv_id="1803.03635",
        authors=("Jonathan Frankle", "Michael Carbin"),
        published="2018-03-09",
        upvotes=12,
        github_repo="https://github.com/example/lottery",
        github_stars=321,
        project_page="https://example.org/lottery",
        ai_summary="Dense networks hold sparse subnetworks.",
        ai_keywords=("pruning", "lottery ticket"),
        listed="2026-11-20",
    )
    assert meta.year == 2018


def test_missing_null_and_wrong_types_are_unknown() -> None:
    meta = from_hf_paper(
        {
            "id": "not an id",
            "authors": "Frankle",
            "publishedAt": 2018,
            "upvotes": True,
            "githubRepo": "javascript:alert(1)",
            "githubStars": -3,
            "projectPage": None,
        }
    )
    assert meta == Metadata()
    assert meta.year is None
    assert from_hf_paper([FULL]) is None
    assert from_hf_paper(None) is None


def test_arxiv_ids_and_dates() -> None:
    assert arxiv_id("2401.01234v3") == "2401.01234"
    assert arxiv_id("hep-th/9901001v2") == "hep-th/9901001"
    assert arxiv_id("math.GT/0309136") == "math.GT/0309136"
    assert arxiv_id("2401.01234 ; rm -rf") is None
    assert iso_date("2024-13-01") is None
    assert iso_date("2024-02-29T00:00:00Z") == "2024-02-29"


def test_combined_fills_gaps_and_ignores_another_paper() -> None:
    mine = Metadata(arxiv_id="1803.03635")
    hf = Metadata(arxiv_id="1803.03635", authors=("A",), upvotes=3)
    other = Metadata(arxiv_id="2001.00001", authors=("B",))
    assert combined(mine, hf) == Metadata(arxiv_id="1803.03635", authors=("A",), upvotes=3)
    assert combined(mine, other) == mine
    assert combined(None, hf) == hf
    assert combined(hf, None) == hf


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), st.lists))
def test_any_json_value_is_read_or_refused(value: object) -> None:
    from_hf_paper(value)
    from_hf_paper({key: value for key in FULL})
