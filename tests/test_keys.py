"""Citation keys: from the title, unique without regard to case, stable, pinned keys untouched."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.errors import ExportError
from paperterm.export.keys import base_key, citation_keys, valid_key
from paperterm.identity import paper_id
from paperterm.model import Paper


def paper(title: str) -> Paper:
    return Paper(paper_id(title), title, (), (), (), 0)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        (
            "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
            "lotteryticket",
        ),
        ("Big Bird: Transformers for Longer Sequences", "bigbirdtransformers"),
        ("Fréchet Cumulative Covariance Net", "frechetcumulative"),
        ("BERT: Pre-training of Deep Bidirectional Transformers", "bertpretraining"),
        ("Why do networks have inhibitory/negative connections?", "networksinhibitory"),
        ("What Is It?", "whatisit"),
        ("Straße über Łódź", "strasseuber"),
        ("Łódź Über Alles", "lodzuberalles"),
        ("中文标题", "paper"),
        ("", "paper"),
        ("GPT-4 Technical Report", "gpt4technical"),
    ],
)
def test_base_key(title: str, key: str) -> None:
    assert base_key(title) == key
    assert valid_key(key)


def test_colliding_titles_get_suffixes_in_id_order() -> None:
    titles = [
        "Lottery Ticket One",
        "The Lottery Ticket Revisited",
        "Lottery Tickets",
        "On the Lottery Ticket",
    ]
    papers = [paper(title) for title in titles]
    keys = citation_keys(papers)
    wanting = sorted(p.id for p in papers if base_key(p.title) == "lotteryticket")
    assert [keys[i] for i in wanting] == ["lotteryticketa", "lotteryticketb", "lotteryticketc"]
    assert keys[paper("Lottery Tickets").id] == "lotterytickets"


def test_keys_do_not_depend_on_order() -> None:
    papers = [paper(f"Deep Network number {n}") for n in range(30)]
    papers += [paper(f"Sparse Model {n} Study") for n in range(5)]
    expected = citation_keys(papers)
    for seed in range(5):
        shuffled = papers[:]
        random.Random(seed).shuffle(shuffled)
        assert citation_keys(shuffled) == expected
    assert len({key.casefold() for key in expected.values()}) == len(papers)


def test_suffixes_go_past_z() -> None:
    papers = [paper(f"Equal Words {n}") for n in range(30)]
    keys = sorted(citation_keys(papers).values(), key=lambda key: (len(key), key))
    assert keys[0] == "equalwordsa" and keys[25] == "equalwordsz" and keys[26] == "equalwordsaa"


def test_pinned_keys_are_used_as_is_and_never_reused() -> None:
    first, second = paper("Lottery Ticket One"), paper("Lottery Ticket Two")
    other = paper("Some Unrelated Paper")
    pinned = {first.id: "LotteryTicket", "f" * 12: "lotteryticketa"}
    keys = citation_keys([first, second, other], pinned)
    assert keys[first.id] == "LotteryTicket"
    assert keys[second.id] == "lotteryticketb"  # bare and a are taken, whatever their case
    assert keys[other.id] == "unrelatedpaper"


def test_pinning_the_result_keeps_every_key() -> None:
    old = [paper(f"Lottery Ticket {n}") for n in range(3)]
    first = citation_keys(old)
    new = [paper("Lottery Ticket Later"), *old]
    second = citation_keys(new, first)
    assert {i: second[i] for i in first} == first
    assert len({key.casefold() for key in second.values()}) == 4


def test_bad_pinned_keys_are_errors() -> None:
    one, two = paper("One Paper Here"), paper("Two Paper Here")
    with pytest.raises(ExportError, match="not valid"):
        citation_keys([one], {one.id: "has space"})
    with pytest.raises(ExportError, match="both pinned"):
        citation_keys([one, two], {one.id: "same", two.id: "SAME"})
    # Only one of them exported: no clash in this file, both keys stay.
    assert citation_keys([one], {one.id: "same", two.id: "SAME"}) == {one.id: "same"}


def test_duplicate_papers_get_one_key() -> None:
    one = paper("One Paper Here")
    assert citation_keys([one, one]) == {one.id: "onepaper"}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=40), st.randoms(use_true_random=False))
def test_any_titles_get_unique_valid_stable_keys(titles: list[str], rnd: random.Random) -> None:
    papers = list({p.id: p for p in map(paper, titles)}.values())
    keys = citation_keys(papers)
    assert set(keys) == {p.id for p in papers}
    assert len({key.casefold() for key in keys.values()}) == len(papers)
    assert all(valid_key(key) and key.isascii() and key == key.lower() for key in keys.values())
    rnd.shuffle(papers)
    assert citation_keys(papers) == keys


def test_a_newcomer_to_a_pinned_family_gets_a_suffix() -> None:
    old = [paper("Deep Learning One"), paper("Deep Learning Two")]
    pinned = citation_keys(old)
    assert sorted(pinned.values()) == ["deeplearninga", "deeplearningb"]
    newcomer = paper("Deep Learning Three")
    assert citation_keys([newcomer], pinned)[newcomer.id] == "deeplearningc"
    assert citation_keys([newcomer])[newcomer.id] == "deeplearning"
