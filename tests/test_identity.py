from __future__ import annotations

from paperterm.identity import normalise_title, paper_id


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
