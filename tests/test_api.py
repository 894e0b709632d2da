"""Reading Hugging Face and arXiv answers: documented shapes, missing fields, hostile Atom."""

from __future__ import annotations

import httpx
import pytest

from fakeapi import ARXIV, FIXTURES, HF, LOTTERY, LOTTERY_HF, FakeApi, atom, atom_entry
from paperterm.api import arxiv, hf
from paperterm.errors import NetworkError
from paperterm.model import Metadata


def test_arxiv_atom_as_recorded() -> None:
    found = arxiv.parse((FIXTURES / "arxiv_lottery.atom").read_bytes())
    assert sorted(found) == ["1706.03762", "1803.03635"]  # the error entry is no paper
    lottery = found["1803.03635"]
    assert lottery.title == LOTTERY  # line break inside the title folded
    assert lottery.meta == Metadata(
        arxiv_id="1803.03635",
        authors=("Jonathan Frankle", "Michael Carbin"),
        published="2018-03-09",
        primary_category="cs.LG",
        categories=("cs.LG", "cs.AI", "cs.NE"),
        comment="ICLR 2019 camera ready",
    )
    attention = found["1706.03762"].meta
    assert attention.doi == "10.48550/example.1706"
    assert attention.journal_ref is not None and attention.journal_ref.startswith("Advances")
    assert attention.categories == ("cs.CL", "cs.LG") and attention.year == 2017


def test_arxiv_atom_with_fields_missing_or_wrong() -> None:
    found = arxiv.parse((FIXTURES / "arxiv_sparse.atom").read_bytes())
    assert found["hep-th/9901001"].meta == Metadata(arxiv_id="hep-th/9901001")
    odd = found["2101.00001"].meta
    assert odd.authors == ("Ada Lovelace",)  # the blank name dropped, the override removed
    assert odd.published is None
    assert odd.primary_category == "cs.CL" and odd.categories == ("cs.CL",)
    assert len(found) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<feed", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"<html><body>Rate exceeded</body></html>", "not an Atom feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>',
            "declares a DOCTYPE; refused",
        ),
        (
            b'<?xml version="1.0"?><!doctype feed SYSTEM "file:///etc/passwd">'
            b'<feed xmlns="http://www.w3.org/2005/Atom"/>',
            "declares a DOCTYPE; refused",
        ),
    ],
)
def test_malformed_or_hostile_atom_is_one_line(body: bytes, message: str) -> None:
    with pytest.raises(NetworkError, match=message) as caught:
        arxiv.parse(body, "arxiv.test")
    assert str(caught.value).startswith("arxiv.test: ") and "\n" not in str(caught.value)


def test_arxiv_fetch_batches_of_100_paced_3_seconds() -> None:
    ids = [f"2401.{n:05d}" for n in range(250)]
    api = FakeApi(arxiv={i: atom_entry(i, f"Paper {i}") for i in ids})
    batches = []
    with api.client() as http:
        found = arxiv.fetch(http, ids + ids[:5], on_batch=lambda got, asked: batches.append(asked))
        slept = http.slept  # type: ignore[attr-defined]
    assert [len(batch) for batch in api.arxiv_batches()] == [100, 100, 50]
    assert [len(batch) for batch in batches] == [100, 100, 50]
    assert {request.url.params["max_results"] for request in api.seen} == {"100", "50"}
    assert sorted(found) == ids
    assert slept == [3.0, 3.0]  # three requests, two waits


def test_arxiv_ids_the_answer_lacks_are_absent() -> None:
    api = FakeApi(arxiv={"1803.03635": atom_entry("1803.03635", LOTTERY)})
    with api.client() as http:
        found = arxiv.fetch(http, ["1803.03635", "2501.00001"])
    assert list(found) == ["1803.03635"]


def test_hf_search_reads_items_and_skips_what_is_not_a_paper() -> None:
    answer = [
        {"paper": LOTTERY_HF},
        {"paper": {"title": "No id"}},
        {"paper": None},
        "junk",
        {"title": "no paper object"},
        {"paper": {"id": "2101.00001", "title": None}},
    ]
    api = FakeApi(overrides=[httpx.Response(200, json=answer)])
    with api.client() as http:
        hits = hf.search(http, "  lottery\tticket  ")
    assert api.seen[0].url.params["q"] == "lottery ticket"
    assert [(hit.title, hit.meta.arxiv_id) for hit in hits] == [
        (LOTTERY, "1803.03635"),
        ("", "2101.00001"),
    ]
    assert hits[0].meta.github_stars == 321


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(200, json={"error": "oops"}), "not a list of papers"),
        (httpx.Response(200, content=b"[{"), "not JSON"),
        (httpx.Response(200, content=b"<html>"), "not JSON"),
    ],
)
def test_hf_search_answers_of_another_shape(answer: httpx.Response, message: str) -> None:
    api = FakeApi(overrides=[answer])
    with api.client() as http, pytest.raises(NetworkError, match=message):
        hf.search(http, LOTTERY)


def test_hf_paper_by_id_and_404() -> None:
    api = FakeApi(papers={"1803.03635": LOTTERY_HF})
    with api.client() as http:
        hit = hf.paper(http, "1803.03635")
        assert hit is not None and hit.meta.upvotes == 7
        assert hf.paper(http, "2501.00001") is None
    assert str(api.seen[0].url) == f"{HF}/api/papers/1803.03635"


def test_hf_paper_answering_about_another_paper_is_refused() -> None:
    api = FakeApi(papers={"2501.00001": LOTTERY_HF})
    with api.client() as http, pytest.raises(NetworkError, match=r"not about arXiv 2501\.00001"):
        hf.paper(http, "2501.00001")


def test_a_real_atom_body_through_the_client() -> None:
    api = FakeApi(overrides=[httpx.Response(200, content=atom())])
    with api.client() as http:
        assert arxiv.fetch(http, ["1803.03635"]) == {}
    assert str(api.seen[0].url).startswith(ARXIV)
