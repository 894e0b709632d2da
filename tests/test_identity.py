from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperterm.identity import normalise_title, paper_id, paper_ids


def test_design_example() -> None:
    title = "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
    assert (
        normalise_title(title)
        == "the lottery ticket hypothesis finding sparse trainable neural networks"
    )
    assert paper_id(title) == "6932a178c1ef"


def test_case_punctuation_and_width_do_not_change_the_id() -> None:
    assert paper_id("  BERT: Pre-training!! ") == paper_id("bert pre training")
    assert paper_id("ＢＥＲＴ") == paper_id("bert")  # NFKC folds full-width letters
    assert paper_id("Straße") == paper_id("STRASSE")  # casefold, not lower


def test_underscore_is_not_a_letter() -> None:
    assert normalise_title("a_b") == "a b"


def test_unicode_letters_are_kept() -> None:
    assert normalise_title("Über Graphs — 3D") == "über graphs 3d"


def _slow_id(title: str) -> str:
    return hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]


@pytest.mark.parametrize(
    "title",
    [
        "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks",
        "  __init__ -- _x_ 2  ",
        "A_B",
        "Tab\tand\x0bvertical\x0cfeed\x1fseparators",
        "!!!",
        "",
        "Caf\u00e9 \ufb01ne \u2460",
    ],
)
def test_ascii_fast_path_agrees_with_the_definition(title: str) -> None:
    assert paper_id(title) == _slow_id(title)


@given(st.text())
def test_ids_follow_the_definition_on_any_text(title: str) -> None:
    assert paper_id(title) == _slow_id(title)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ids_follow_the_definition_on_ascii(title: str) -> None:
    assert paper_id(title) == _slow_id(title)


@given(st.lists(st.text(alphabet=st.sampled_from(" |\t\n\x0b-_aZ9é")) | st.text()))
def test_ids_of_many_titles_are_each_title_s_id(titles: list[str]) -> None:
    assert paper_ids(titles) == [paper_id(title) for title in titles]


@pytest.mark.parametrize(
    "titles",
    [
        [],
        [""],
        ["  a  b ", "!!!", "", "x|y", "| |"],
        ["Café", "ascii", "Ünïcode  x"],
        ["a\nb", "c"],
    ],
)
def test_ids_of_many_titles_at_the_edges(titles: list[str]) -> None:
    assert paper_ids(titles) == [paper_id(title) for title in titles]
