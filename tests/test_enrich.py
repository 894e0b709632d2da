"""Identifying papers: exact titles only, counted requests, a store that survives failures."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from fakeapi import (
    ATTENTION,
    LOTTERY,
    LOTTERY_HF,
    STABILIZING,
    STABILIZING_HF,
    FakeApi,
    hf_paper,
    standard,
)
from paperterm.api.hf import Hit
from paperterm.catalog import Catalog
from paperterm.enrich import enrich, match
from paperterm.identity import paper_id
from paperterm.metadata import from_hf_paper
from paperterm.metastore import Lookup, MetaStore, attach, joined_meta
from paperterm.model import Metadata, Paper

UNKNOWN = "A Paper Hugging Face Has Never Heard Of"


def paper(title: str, meta: Metadata | None = None) -> Paper:
    return Paper(paper_id(title), title, ("An abstract.",), (), (), 0, meta)


def hit(obj: dict[str, object]) -> Hit:
    meta = from_hf_paper(obj)
    assert meta is not None
    return Hit(str(obj["title"]), meta)


@pytest.fixture
def store(tmp_path: Path) -> MetaStore:
    return MetaStore.open(tmp_path / "metadata.json")


def test_match_takes_only_the_papers_own_title() -> None:
    lottery, stabilizing = hit(LOTTERY_HF), hit(STABILIZING_HF)
    # The near miss ranks first: it is never taken for the paper.
    assert match(LOTTERY, [stabilizing, lottery]) == ("found", lottery, ())
    # Punctuation and case do not matter, as for paper ids.
    shouted = hit(hf_paper("1803.03635", LOTTERY.upper().replace(":", " -")))
    assert match(LOTTERY, [shouted])[0] == "found"
    # Only a near miss: ambiguous, with the candidate for the user to settle.
    assert match(LOTTERY, [stabilizing]) == ("ambiguous", None, (stabilizing,))
    # Two papers with the very title: ambiguous too.
    twin = hit(hf_paper("2001.00001", LOTTERY))
    assert match(LOTTERY, [lottery, twin]) == ("ambiguous", None, (lottery, twin))
    # Unrelated hits: not found.
    assert match(UNKNOWN, [lottery, stabilizing]) == ("not_found", None, ())
    assert match(UNKNOWN, []) == ("not_found", None, ())


def test_enrich_finds_counts_and_stores(store: MetaStore) -> None:
    api = standard()
    papers = [paper(LOTTERY), paper(ATTENTION), paper(UNKNOWN), paper(STABILIZING + " Again")]
    progress: list[tuple[int, int]] = []
    with api.client() as http:
        report = enrich(papers, store, {}, http, progress=lambda d, t: progress.append((d, t)))
    assert report.found == [papers[0].id, papers[1].id]
    assert report.not_found == [papers[2].id, papers[3].id]
    assert report.error is None and not report.interrupted
    # One search per paper; arXiv once, for both ids in one batch; no paper-by-id request.
    assert api.count("search") == 4 and api.count("paper") == 0
    assert api.arxiv_batches() == [["1803.03635", "1706.03762"]]
    assert report.requests == 5
    assert progress[-1] == (5, 5)
    assert report.summary() == "2 found, 2 not found, 0 ambiguous"
    meta = MetaStore.open(store.path).meta(papers[0].id)
    assert meta is not None
    # arXiv's fields over Hugging Face's; what only Hugging Face knows is kept.
    assert meta.arxiv_id == "1803.03635" and meta.primary_category == "cs.LG"
    assert meta.github_stars == 321 and meta.upvotes == 7
    assert meta.authors == ("Jonathan Frankle", "Michael Carbin")


def test_a_near_miss_is_ambiguous_never_guessed(store: MetaStore) -> None:
    api = FakeApi(search={LOTTERY: [STABILIZING_HF]})
    with api.client() as http:
        report = enrich([paper(LOTTERY)], store, {}, http)
    assert report.ambiguous == [paper_id(LOTTERY)] and not report.found
    lookup = MetaStore.open(store.path).get(paper_id(LOTTERY))
    assert lookup is not None and lookup.meta is None
    assert lookup.candidates == (("1903.01611", STABILIZING),)
    assert api.count("arxiv") == 0


def test_identified_papers_are_never_asked_again(store: MetaStore) -> None:
    api = standard()
    papers = [paper(LOTTERY), paper(UNKNOWN)]
    with api.client() as http:
        enrich(papers, store, {}, http)
    asked = len(api.seen)
    with api.client() as http:
        again = enrich(papers, MetaStore.open(store.path), {}, http)
    assert len(api.seen) == asked  # nothing at all: found is kept, not found is recent
    assert again.known == [papers[0].id] and again.not_found == [papers[1].id]
    assert again.requests == 0


def test_a_paper_not_found_long_ago_is_searched_again(store: MetaStore) -> None:
    store.put(paper_id(LOTTERY), Lookup("not_found", 1000.0))
    api = standard()
    with api.client() as http:
        report = enrich([paper(LOTTERY)], store, {}, http)
    assert report.found == [paper_id(LOTTERY)] and api.count("search") == 1


def test_a_dump_carried_arxiv_id_needs_no_search(store: MetaStore) -> None:
    api = standard()
    carried = paper(ATTENTION, Metadata(arxiv_id="1706.03762", upvotes=99))
    with api.client() as http:
        report = enrich([carried], store, {}, http)
    assert api.count("search") == 0 and api.count("paper") == 1 and api.count("arxiv") == 1
    assert report.found == [carried.id]
    joined = joined_meta(carried, store, {})
    assert joined is not None and joined.doi == "10.48550/example.1706"


def test_the_users_choice_settles_and_is_fetched_once(store: MetaStore) -> None:
    api = standard()
    choices = {paper_id(STABILIZING): "1903.01611", paper_id(UNKNOWN): "none"}
    papers = [paper(STABILIZING), paper(UNKNOWN)]
    with api.client() as http:
        report = enrich(papers, store, choices, http)
    # Hugging Face does not know 1903.01611 here (404): arXiv's answer is enough.
    assert api.count("search") == 0 and api.count("paper") == 1 and api.count("arxiv") == 1
    assert report.found == [papers[0].id] and report.settled_none == [papers[1].id]
    meta = joined_meta(papers[0], store, choices)
    assert meta is not None and meta.authors == ("Jonathan Frankle",)
    assert joined_meta(papers[1], store, choices) is None
    with api.client() as http:
        assert enrich(papers, store, choices, http).requests == 0


def test_the_users_choice_beats_a_wrong_match(store: MetaStore) -> None:
    wrong = Lookup("found", 1.0, hf=Metadata(arxiv_id="1903.01611", authors=("Wrong",)))
    store.put(paper_id(LOTTERY), wrong)
    dump_meta = Metadata(arxiv_id="1803.03635", upvotes=5)
    p = paper(LOTTERY, dump_meta)
    assert joined_meta(p, store, {}) == wrong.meta
    chosen = joined_meta(p, store, {p.id: "1803.03635"})
    assert chosen == Metadata(arxiv_id="1803.03635", upvotes=5)
    assert joined_meta(p, store, {p.id: "none"}) is None


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500),
        httpx.Response(200, content=b"not json"),
        httpx.Response(403),
    ],
)
def test_a_failure_keeps_what_was_found(store: MetaStore, failure: httpx.Response) -> None:
    api = standard()
    papers = [paper(LOTTERY), paper(ATTENTION)]
    real = api.__call__
    calls = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return real(request) if calls == 1 else failure

    with FakeApi.client(api, retries=0) as http:
        http._client._transport = httpx.MockTransport(flaky)
        report = enrich(papers, store, {}, http)
    assert report.error is not None and "\n" not in report.error
    assert report.summary().endswith("stopped early, what was found is kept")
    kept = MetaStore.open(store.path)
    assert kept.get(papers[0].id) is not None and kept.get(papers[0].id).status == "found"  # type: ignore[union-attr]
    assert kept.get(papers[1].id) is None


def test_429_with_retry_after_then_success(store: MetaStore) -> None:
    api = standard()
    api.overrides = [httpx.Response(429, headers={"Retry-After": "5"})]
    with api.client() as http:
        report = enrich([paper(LOTTERY)], store, {}, http)
        assert http.slept == [5.0]  # type: ignore[attr-defined]
    assert report.found == [paper_id(LOTTERY)] and report.requests == 3


def test_interrupting_keeps_what_was_found(store: MetaStore) -> None:
    api = standard()
    papers = [paper(LOTTERY), paper(ATTENTION), paper(UNKNOWN)]
    asked = 0

    def stop_after_one() -> bool:
        nonlocal asked
        asked += 1
        return asked > 1

    with api.client() as http:
        report = enrich(papers, store, {}, http, should_stop=stop_after_one)
    assert report.interrupted and report.found == [papers[0].id]
    assert api.count("search") == 1 and api.count("arxiv") == 0
    kept = MetaStore.open(store.path).get(papers[0].id)
    assert kept is not None and kept.status == "found" and kept.arxiv is None
    # The next run only asks arXiv for the paper already found.
    with api.client() as http:
        enrich(papers, MetaStore.open(store.path), {}, http)
    assert api.count("search") == 3 and api.arxiv_batches()[0][0] == "1803.03635"


def test_ctrl_c_keeps_what_was_found(store: MetaStore) -> None:
    api = standard()
    real = api.__call__

    def interrupted(request: httpx.Request) -> httpx.Response:
        if len(api.seen) >= 1:
            raise KeyboardInterrupt
        return real(request)

    with FakeApi.client(api) as http:
        http._client._transport = httpx.MockTransport(interrupted)
        report = enrich([paper(LOTTERY), paper(ATTENTION)], store, {}, http)
    assert report.interrupted
    assert MetaStore.open(store.path).get(paper_id(LOTTERY)) is not None


def test_attach_gives_the_catalogue_its_metadata(store: MetaStore) -> None:
    catalog = Catalog([paper(LOTTERY), paper(ATTENTION)])
    store.put(paper_id(LOTTERY), Lookup("found", 1.0, hf=Metadata(arxiv_id="1803.03635")))
    assert catalog.search("attention")  # the index exists before the metadata comes
    attach(catalog, store, {paper_id(ATTENTION): "1706.03762"})
    assert catalog[paper_id(LOTTERY)].meta == Metadata(arxiv_id="1803.03635")
    assert catalog.papers[1].meta == Metadata(arxiv_id="1706.03762")
    assert [p.id for p in catalog.search("attention")] == [paper_id(ATTENTION)]
    assert catalog.search("attention")[0].meta is not None


def test_the_store_survives_damage_and_merges(tmp_path: Path) -> None:
    path = tmp_path / "metadata.json"
    path.write_bytes(b"{not json")
    store = MetaStore.open(path)
    assert store.lookups == {} and "moved aside" in store.notices[0]
    assert list(tmp_path.glob("metadata.json.corrupt-*"))
    first, second = MetaStore.open(path), MetaStore.open(path)
    first.put("aaaaaaaaaaaa", Lookup("not_found", 10.0))
    first.save()
    second.put("bbbbbbbbbbbb", Lookup("found", 11.0, hf=Metadata(arxiv_id="1803.03635")))
    second.save()  # merges, does not drop the first one's lookup
    assert sorted(MetaStore.open(path).lookups) == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"]


def test_the_store_reads_back_through_the_checks(tmp_path: Path) -> None:
    path = tmp_path / "metadata.json"
    hostile = {
        "schema": 1,
        "papers": {
            "aaaaaaaaaaaa": {
                "status": "found",
                "checked": 5,
                "hf": {
                    "arxiv_id": "1803.03635",
                    "authors": ["A \x1b]52;c;eA==\x07B"],
                    "upvotes": -1,
                },
                "arxiv": {"doi": 7, "categories": "cs.LG"},
            },
            "bbbbbbbbbbbb": {"status": "guessed", "checked": 5},
            "not-an-id": {"status": "found", "checked": 5},
            "cccccccccccc": {"status": "found", "checked": True},
        },
    }
    path.write_bytes(orjson.dumps(hostile))
    store = MetaStore.open(path)
    assert list(store.lookups) == ["aaaaaaaaaaaa"]
    assert store.meta("aaaaaaaaaaaa") == Metadata(arxiv_id="1803.03635", authors=("A B",))
