"""The papers' term weights, similar papers, the "for you" model and its reasons, on hand-made
papers whose answers are known."""

from __future__ import annotations

import math
from typing import Any

import pytest

from paperterm.catalog import Catalog
from paperterm.identity import paper_id
from paperterm.model import Paper
from paperterm.recommend import NEGATIVE_WEIGHT, NO_STARS, fit, for_you, reasons
from paperterm.search.similar import TOP_TERMS, TermVectors, is_term, paper_words, term_vectors

TOPICS = {
    "rendering": [
        (
            "Volume Rendering of Implicit Surfaces",
            "We render implicit surfaces given by an SDF with volume rendering of the density.",
        ),
        (
            "Neural Implicit Surfaces for Multi-View Reconstruction",
            "An SDF represents implicit surfaces; volume rendering trains it from images.",
        ),
        (
            "Fast Volume Rendering of Radiance Fields",
            "Radiance fields are drawn by volume rendering; an SDF gives sharper surfaces.",
        ),
    ],
    "pruning": [
        (
            "The Lottery Ticket Hypothesis",
            "Dense networks contain sparse subnetworks; pruning finds a winning ticket.",
        ),
        (
            "Pruning Sparse Networks at Initialization",
            "Pruning before training finds sparse subnetworks, a lottery ticket of a kind.",
        ),
        (
            "Rewinding Tickets for Sparse Training",
            "Winning lottery tickets in sparse networks appear after rewinding and pruning.",
        ),
    ],
    "speech": [
        (
            "Speech Recognition with Transformers",
            "Transformers transcribe speech audio; an acoustic encoder reads spectrograms.",
        ),
        (
            "Streaming Speech Transformers",
            "Streaming recognition of speech audio with transformers and a spectrogram encoder.",
        ),
        (
            "Self-Supervised Speech Representations",
            "Audio of speech is masked and predicted; the encoder learns spectrogram features.",
        ),
    ],
}


def make_catalog(entries: list[tuple[str, str]]) -> Catalog:
    return Catalog(
        [
            Paper(paper_id(title), title, (abstract,) if abstract else (), (), (), number)
            for number, (title, abstract) in enumerate(entries)
        ]
    )


@pytest.fixture
def catalog() -> Catalog:
    # Topics interleaved, so catalogue order is no answer: r0 p0 s0 r1 p1 s1 r2 p2 s2.
    entries = [TOPICS[topic][n] for n in range(3) for topic in ("rendering", "pruning", "speech")]
    return make_catalog(entries)


def topic_of(catalog: Catalog, position: int) -> str:
    title = catalog.papers[position].title
    return next(name for name, papers in TOPICS.items() if title in dict(papers))


# -- the weights ------------------------------------------------------------------------------


def test_terms_leave_out_stop_words_numbers_and_single_letters() -> None:
    assert [word for word in ["the", "of", "we", "4", "x", "sdf", "3d"] if is_term(word)] == [
        "sdf",
        "3d",
    ]


def test_title_words_count_twice() -> None:
    paper = Paper("0" * 12, "Sparse Nets", ("sparse pruning",), (), (), 0)
    assert paper_words(paper) == ["sparse", "nets", "sparse", "nets", "sparse", "pruning"]


def test_weights_are_tf_idf_of_the_kept_terms_at_unit_length() -> None:
    catalog = make_catalog(
        [
            ("Alpha Beta", "gamma gamma"),
            ("Alpha Delta", "gamma"),
            ("Epsilon", "beta"),
        ]
    )
    vectors = TermVectors(catalog.papers)
    n = 3

    def idf(df: int) -> float:
        return 1.0 + math.log((1 + n) / (1 + df))

    # Paper 0: alpha tf 2 (title twice), beta tf 2, gamma tf 2; all in two papers.
    # Delta and epsilon are in one paper only: no weight.
    raw = {"alpha": idf(2) * (1 + math.log(2)), "beta": idf(2) * (1 + math.log(2))}
    raw["gamma"] = idf(2) * (1 + math.log(2))
    norm = math.sqrt(sum(value * value for value in raw.values()))
    terms, weights = vectors.vector(0)
    got = {vectors.terms[t]: w for t, w in zip(terms, weights, strict=True)}
    assert got.keys() == raw.keys()
    for term, value in raw.items():
        assert got[term] == pytest.approx(value / norm, rel=1e-6)
    assert vectors.idf[vectors.number["delta"]] == 0.0
    assert vectors.idf[vectors.number["epsilon"]] == 0.0
    # Paper 2 keeps beta only, at weight 1.
    terms, weights = vectors.vector(2)
    assert [vectors.terms[t] for t in terms] == ["beta"]
    assert weights[0] == pytest.approx(1.0)


def test_a_paper_keeps_its_heaviest_terms_only() -> None:
    many = " ".join(f"word{n}" for n in range(TOP_TERMS * 2))
    vectors = TermVectors(make_catalog([("One", many), ("Two", many)]).papers)
    terms, weights = vectors.vector(0)
    assert len(terms) == TOP_TERMS
    assert sum(w * w for w in weights) == pytest.approx(1.0, rel=1e-5)


def test_a_paper_without_terms_has_an_empty_vector() -> None:
    vectors = TermVectors(make_catalog([("The Of", ""), ("Alpha", "beta"), ("Beta", "")]).papers)
    assert list(vectors.vector(0)[0]) == []
    assert vectors.similar(0) == []


# -- similar ----------------------------------------------------------------------------------


def test_similar_finds_the_papers_of_the_same_topic_first(catalog: Catalog) -> None:
    vectors = TermVectors(catalog.papers)
    for position in range(len(catalog)):
        found = vectors.similar(position)
        assert position not in [item.position for item in found]
        top = [item.position for item in found[:2]]
        assert [topic_of(catalog, p) for p in top] == [topic_of(catalog, position)] * 2
        scores = [item.score for item in found]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 < score <= 1.0 for score in scores)


def test_similar_scores_are_the_cosines_of_the_vectors(catalog: Catalog) -> None:
    vectors = TermVectors(catalog.papers)

    def cosine(a: int, b: int) -> float:
        first = dict(zip(*vectors.vector(a), strict=True))
        second = dict(zip(*vectors.vector(b), strict=True))
        return sum(value * second.get(term, 0.0) for term, value in first.items())

    for item in vectors.similar(0):
        assert item.score == pytest.approx(cosine(0, item.position), rel=1e-5)
    unlisted = set(range(1, len(catalog))) - {item.position for item in vectors.similar(0)}
    assert all(cosine(0, other) == 0.0 for other in unlisted)


def test_similar_limit_and_out_of_range(catalog: Catalog) -> None:
    vectors = TermVectors(catalog.papers)
    assert len(vectors.similar(0, limit=1)) == 1
    assert vectors.similar(-1) == []
    assert vectors.similar(len(catalog)) == []


def test_the_vectors_of_a_catalogue_are_built_once(catalog: Catalog) -> None:
    assert term_vectors(catalog.papers) is term_vectors(catalog.papers)
    other = make_catalog(TOPICS["speech"])
    assert term_vectors(other.papers) is not term_vectors(catalog.papers)


# -- the model --------------------------------------------------------------------------------


def test_rocchio_weights_are_the_starred_mean_less_a_share_of_the_passed_mean(
    catalog: Catalog,
) -> None:
    vectors = TermVectors(catalog.papers)
    model = fit(vectors, [0, 3], [1])
    assert model is not None
    expected = [0.0] * len(vectors.terms)
    for position, share in ((0, 0.5), (3, 0.5), (1, -NEGATIVE_WEIGHT)):
        for term, value in zip(*vectors.vector(position), strict=True):
            expected[term] += share * value
    assert model.weights == pytest.approx(expected)
    assert model.score(6) == pytest.approx(
        sum(expected[t] * v for t, v in zip(*vectors.vector(6), strict=True))
    )
    assert model.scores() == pytest.approx([model.score(n) for n in range(len(catalog))])


def test_no_stars_no_model(catalog: Catalog) -> None:
    assert fit(TermVectors(catalog.papers), [], [1, 2]) is None


def test_a_starred_paper_also_read_counts_as_starred(catalog: Catalog) -> None:
    vectors = TermVectors(catalog.papers)
    assert fit(vectors, [0], [0]) == fit(vectors, [0], [])


@pytest.mark.parametrize("kind", ["rocchio", "logistic"])
@pytest.mark.parametrize("topic", ["rendering", "pruning", "speech"])
def test_for_you_puts_the_unread_of_the_starred_topic_first(
    catalog: Catalog, kind: str, topic: str
) -> None:
    papers = catalog.papers
    first, second, third = (papers[n] for n in range(9) if topic_of(catalog, n) == topic)
    others = [p for p in papers if topic_of(catalog, p.index) != topic]
    # Starred one paper of the topic, read one paper of each other topic without starring it.
    read = {first.id, others[0].id, others[3].id}
    starred = {first.id}
    result = for_you(papers, read, starred, kind)  # type: ignore[arg-type]
    assert result.model is not None and result.scores is not None
    unread = [p for p in papers if p.id not in read]
    assert result.order[:2] in ([second.index, third.index], [third.index, second.index])
    # Every unread paper comes before every read one; the read in catalogue order.
    assert set(result.order[: len(unread)]) == {p.index for p in unread}
    assert result.order[len(unread) :] == sorted(p.index for p in papers if p.id in read)
    assert result.score(second.index) is not None
    assert result.score(second.index) > result.score(others[1].index)  # type: ignore[operator]


def test_passed_over_papers_push_their_topic_down(catalog: Catalog) -> None:
    vectors = TermVectors(catalog.papers)
    # A paper sharing words with the starred one and with the passed-over ones.
    starred, passed = [0], [1, 4]
    with_negatives = fit(vectors, starred, passed)
    without = fit(vectors, starred, [])
    assert with_negatives is not None and without is not None
    pruning = 7  # unread, same topic as the passed-over papers
    assert with_negatives.score(pruning) < without.score(pruning)


def test_for_you_without_stars_is_catalogue_order_and_says_so(catalog: Catalog) -> None:
    result = for_you(catalog.papers, {catalog.papers[0].id}, set())
    assert result.order == list(range(len(catalog)))
    assert result.model is None and result.scores is None
    assert result.message == NO_STARS
    assert result.because(catalog.papers[1]) == ()
    assert result.score(1) is None


def test_for_you_ignores_ids_of_papers_not_loaded(catalog: Catalog) -> None:
    result = for_you(catalog.papers, {"f" * 12}, {"e" * 12})
    assert result.model is None


# -- the reasons ------------------------------------------------------------------------------


def test_reasons_name_the_heaviest_shared_terms_and_join_neighbours(catalog: Catalog) -> None:
    papers = catalog.papers
    rendering = [p for p in papers if topic_of(catalog, p.index) == "rendering"]
    vectors = TermVectors(papers)
    model = fit(vectors, [rendering[0].index], [])
    assert model is not None
    because = reasons(model, rendering[1])
    assert 1 <= len(because) <= 3
    # Side by side in the paper: one reason, as the paper writes it.
    assert "volume rendering" in because or "implicit surfaces" in because
    # An acronym keeps its capitals; a capital starting a title word does not.
    assert all(reason == reason.lower() or reason == "SDF" for reason in because)
    # Only terms the starred paper has can be reasons.
    starred_words = set(paper_words(rendering[0]))
    assert all(set(reason.lower().split()) <= starred_words for reason in because)


def test_reasons_spell_acronyms_as_the_paper_does() -> None:
    catalog = make_catalog(
        [
            ("Signed Distance with SDF", "The SDF field."),
            ("Another SDF Paper", "An SDF again."),
            ("Unrelated Birds", "Birds sing."),
            ("More Birds", "Birds fly."),
        ]
    )
    model = fit(TermVectors(catalog.papers), [0], [])
    assert model is not None
    assert reasons(model, catalog.papers[1]) == ("SDF",)
    assert reasons(model, catalog.papers[2]) == ()


def test_for_you_reasons_and_scores_agree(catalog: Catalog) -> None:
    papers = catalog.papers
    result = for_you(papers, {papers[0].id}, {papers[0].id})
    best = papers[result.order[0]]
    assert result.because(best)
    assert result.model is not None
    contributions = result.model.contributions(best.index)
    assert sum(value for value, _ in contributions) >= result.score(best.index) - 1e-9  # type: ignore[operator]


@pytest.mark.parametrize("inverted", [True, False])
def test_the_kept_up_to_date_model_equals_a_fit_from_scratch(
    catalog: Catalog, inverted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = catalog.papers
    vectors = term_vectors(papers)
    if inverted:
        vectors.similar(0)  # built: each change moves the model by one paper's dot products
    else:
        # Never built: each change scores everything again.
        monkeypatch.setattr(TermVectors, "prepare_inverted", lambda self: None)
    assert vectors.inverted_ready is inverted
    steps = [
        ({0}, set()),
        ({0}, {1}),
        ({0, 3}, {1, 2}),
        ({3}, {0, 1, 2}),  # unstarred, and read
        (set(), {0, 1}),  # nothing starred: no model
        ({6, 7}, {0, 1, 2, 3, 4, 5}),
    ]
    for starred, passed in steps:
        ids = {papers[n].id for n in starred}
        read = {papers[n].id for n in starred | passed}
        result = for_you(papers, read, ids)
        expected = fit(vectors, starred, passed)
        if expected is None:
            assert result.model is None
            continue
        assert result.model is not None and result.scores is not None
        assert result.scores == pytest.approx(expected.scores(), abs=1e-9)
        assert result.model.weights == pytest.approx(expected.weights, abs=1e-9)


def test_many_marks_at_once_rebuild_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from paperterm import recommend

    monkeypatch.setattr(recommend._Rocchio, "REBUILD_FROM", 2)
    entries = [TOPICS[topic][n] for n in range(3) for topic in ("rendering", "pruning", "speech")]
    papers = make_catalog(entries).papers
    vectors = term_vectors(papers)
    vectors.similar(0)
    for starred, passed in (({0, 1, 2}, {3}), ({0}, {3}), ({4, 5, 6}, {0, 1})):
        read = {papers[n].id for n in starred | passed}
        result = for_you(papers, read, {papers[n].id for n in starred})
        expected = fit(vectors, starred, passed)
        assert expected is not None and result.scores is not None
        assert result.scores == pytest.approx(expected.scores(), abs=1e-9)


def test_new_metadata_keeps_the_vectors(catalog: Catalog) -> None:
    from dataclasses import replace

    from paperterm.model import Metadata

    vectors = term_vectors(catalog.papers)
    enriched = tuple(
        replace(paper, meta=Metadata(arxiv_id="1803.03635")) for paper in catalog.papers
    )
    assert term_vectors(enriched) is vectors
    retitled = (replace(enriched[0], title="Another Title"), *enriched[1:])
    assert term_vectors(retitled) is not vectors


def test_similar_walks_only_where_a_common_term_weighs_most(catalog: Catalog) -> None:
    # With a walk of 2, every term of these three-paper topics is cut short: similar() then
    # sees only the two papers where each term weighs most, and rescores them exactly.
    full, cut = TermVectors(catalog.papers), TermVectors(catalog.papers, walk=2)
    for position in range(len(catalog)):
        exact = {item.position: item.score for item in full.similar(position)}
        found = cut.similar(position)
        assert {item.position for item in found} <= exact.keys()
        for item in found:
            assert item.score == pytest.approx(exact[item.position], rel=1e-6)
        assert found[:1] == full.similar(position)[:1]
    # Paper 2 shares with paper 8 only terms that weigh more in paper 5 and paper 8 itself.
    assert [item.position for item in full.similar(8)] == [5, 2]
    assert [item.position for item in cut.similar(8)] == [5]
    assert TermVectors(catalog.papers, walk=3).similar(8) == full.similar(8)


@pytest.mark.parametrize("walk", [2, 5])
def test_the_inverted_index_built_by_numpy_is_the_same(walk: int) -> None:
    pytest.importorskip("numpy")
    from paperterm.search import similar
    from test_search_cache import make_papers

    papers = make_papers(300, seed=9)  # a Zipf vocabulary: long postings, many equal weights
    vectors = TermVectors(papers, walk=walk)  # under BULK_PAPERS: pair by pair
    postings = vectors._inverted()
    assert len(vectors._heads) > 10
    assert similar._inverted_in_bulk(
        vectors._terms, vectors._weights, vectors._offsets, len(vectors.terms), walk
    ) == (postings, vectors._heads)
    assert similar._heads_in_bulk(*postings, walk) == vectors._heads  # as a saved copy loads


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [("The Of", "")],
        [("Alpha Beta", "gamma gamma"), ("Alpha Delta", "gamma"), ("Epsilon", "beta"), ("", "")],
        [(f"One {n}", " ".join(f"word{k}" for k in range(TOP_TERMS * 2))) for n in range(3)],
    ],
)
def test_the_vectors_built_by_numpy_are_the_same(
    entries: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("numpy")
    from paperterm.search import similar

    papers = make_catalog(entries).papers if entries else ()
    assert_same_vectors(similar._vectors_in_bulk(papers), similar._vectors_one_by_one(papers))
    expected = TermVectors(papers).saved()
    monkeypatch.setattr(similar, "BULK_PAPERS", 0)  # TermVectors builds by numpy
    built = TermVectors(papers).saved()
    assert_same_vectors(
        (built.terms, list(built.idf), built.vector_terms, built.vector_weights, built.offsets),
        (expected.terms, list(expected.idf), expected.vector_terms, expected.vector_weights,
         expected.offsets),
    )  # fmt: skip


def assert_same_vectors(bulk: tuple[Any, ...], one_by_one: tuple[Any, ...]) -> None:
    """Terms, IDF, numbers and offsets equal; weights to the last bit of a sum (Python 3.12's
    ``sum`` compensates, numpy's does not)."""
    assert bulk[:3] == one_by_one[:3] and bulk[4] == one_by_one[4]
    assert list(bulk[3]) == pytest.approx(list(one_by_one[3]), rel=1e-6)


@pytest.mark.parametrize("chunk", [1, 700, 1 << 20])
def test_the_vectors_built_by_numpy_are_the_same_on_a_zipf_vocabulary(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("numpy")
    from paperterm.search import similar

    monkeypatch.setattr(similar, "_CHUNK", chunk)  # pairs weighed and sorted at a time
    from test_search_cache import make_papers

    papers = make_papers(500, seed=4)  # many equal weights: the order of ties counts
    assert_same_vectors(similar._vectors_in_bulk(papers), similar._vectors_one_by_one(papers))


def test_asking_whether_the_vectors_are_ready_never_waits_for_a_build(catalog: Catalog) -> None:
    import threading

    from paperterm.search import similar

    vectors = term_vectors(catalog.papers)
    answers: list[bool] = []
    with similar._latest_lock:  # as while another thread builds a catalogue's vectors
        asker = threading.Thread(
            target=lambda: answers.append(similar.vectors_ready(catalog.papers))
        )
        asker.start()
        asker.join(timeout=60)
        waited = asker.is_alive()
    asker.join()
    assert not waited and answers == [True]
    assert term_vectors(catalog.papers) is vectors
    assert not similar.vectors_ready(make_catalog(TOPICS["speech"]).papers)


def test_the_heads_of_a_posting_of_equal_weights_are_its_first_papers() -> None:
    pytest.importorskip("numpy")
    from paperterm.search import similar

    # Every paper alike: each term weighs the same in all 300; the earliest papers come first.
    papers = make_catalog([(f"Alpha Beta {n}", "gamma delta") for n in range(300)]).papers
    vectors = TermVectors(papers, walk=5)
    postings = vectors._inverted()
    expected = {
        term: ([0, 1, 2, 3, 4], [w] * 5) for term, w in zip(*vectors.vector(0), strict=True)
    }
    for heads in (
        vectors._heads,
        similar._inverted_in_bulk(
            vectors._terms, vectors._weights, vectors._offsets, len(vectors.terms), 5
        )[1],
        similar._heads_in_bulk(*postings, 5),
    ):
        assert {term: (list(p), list(v)) for term, (p, v) in heads.items()} == expected
    assert [item.position for item in vectors.similar(299)] == list(range(5))
