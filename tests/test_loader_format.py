"""Where boilerplate can stand: the header rules of paperterm.dumpformat, one case at a time."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperterm
from paperterm import dumpformat
from paperterm.dumpformat import STRONG_MARKERS, DumpParser

GET_1 = "Get trending papers in your email inbox once a day!"
GET_2 = "Get trending papers in your email inbox!"
BYAK = "byAK and the research community"
HEADER_1 = f"{GET_1}\n{GET_2}\nSubscribe"
HEADER_2 = f"new\n\n{GET_2}\n\nSubscribe\n\n{BYAK}\n\nJul 4\n\n"


def parse(text: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """Entries and dangling titles of one dump, straight from the parser."""
    parser = DumpParser()
    entries = parser.feed(text.split("\n"))
    entries += parser.finish()
    return entries, [(d.line, d.title) for d in parser.dangling]


def pairs(text: str) -> list[tuple[str, str]]:
    return [(title, abstract) for _, title, abstract in parse(text)[0]]


def test_subscribe_glued_to_the_first_title_is_cut_once() -> None:
    assert pairs(HEADER_1 + "Subscriber Counts\nAbstract.\n") == [
        ("Subscriber Counts", "Abstract.")
    ]
    assert pairs(HEADER_1 + "Subscribe\nAbstract.\n") == [("Subscribe", "Abstract.")]
    assert pairs(HEADER_1 + "New Ways to Read\nAbstract.\n") == [("New Ways to Read", "Abstract.")]


def test_subscribe_after_a_layout_2_header_does_not_cut_a_title() -> None:
    text = HEADER_2 + "Subscriber Churn\n\nAbstract.\n"
    assert pairs(text) == [("Subscriber Churn", "Abstract.")]


def test_file_starting_at_subscribe_without_the_strong_lines() -> None:
    assert pairs("SubscribeGraph Title\nAbstract.\n") == [("Graph Title", "Abstract.")]
    assert pairs("Subscribers Matter\nAbstract.\n") == [("Subscribers Matter", "Abstract.")]
    assert pairs("Subscribe\nJul 4\nTitle\nAbstract.\n") == [("Title", "Abstract.")]


def test_a_file_without_header_is_pairs_from_the_first_line() -> None:
    assert pairs("Title One\nAbstract one.\nTitle Two\nAbstract two.") == [
        ("Title One", "Abstract one."),
        ("Title Two", "Abstract two."),
    ]


@pytest.mark.parametrize("weak", ["new", "Subscribe", "Jul 4", "July 14, 2024", "Dec 1"])
def test_weak_markers_mid_page_are_content(weak: str) -> None:
    text = HEADER_1 + f"First\nOne.\n{weak}\nAbstract of a paper titled like boilerplate.\n"
    text += f"Third\n{weak}\nFourth\nFour.\n"
    assert pairs(text) == [
        ("First", "One."),
        (weak, "Abstract of a paper titled like boilerplate."),
        ("Third", weak),
        ("Fourth", "Four."),
    ]


def test_new_before_a_second_header_is_boilerplate() -> None:
    text = HEADER_2 + "First\n\nOne.\n\n" + HEADER_2 + "Second\n\nTwo.\n"
    entries, dangling = parse(text)
    assert entries == [(11, "First", "One."), (25, "Second", "Two.")]
    assert dangling == []


def test_dangling_title_then_new_then_header() -> None:
    text = HEADER_2 + "First\n\nOne.\n\nLonely\n\n" + HEADER_2 + "Second\n\nTwo.\n"
    entries, dangling = parse(text)
    assert entries == [(11, "First", "One."), (15, "Lonely", ""), (27, "Second", "Two.")]
    assert dangling == [(15, "Lonely")]


def test_dangling_title_before_a_layout_1_header() -> None:
    text = HEADER_1 + "First\nOne.\nLonely\n" + HEADER_1 + "Second\nTwo.\n"
    entries, dangling = parse(text)
    assert entries == [(3, "First", "One."), (5, "Lonely", ""), (8, "Second", "Two.")]
    assert dangling == [(5, "Lonely")]


def test_new_glued_after_sentence_punctuation_before_a_header() -> None:
    text = HEADER_1 + "First\nIt ends here.new\n\n" + HEADER_2[5:] + "Second\n\nTwo."
    assert pairs(text) == [("First", "It ends here."), ("Second", "Two.")]


def test_new_ending_a_sentence_is_kept() -> None:
    text = HEADER_1 + "First\nWhat we found is new\n\n" + HEADER_2[5:] + "Second\n\nTwo."
    assert pairs(text) == [("First", "What we found is new"), ("Second", "Two.")]
    assert pairs(HEADER_1 + "First\nAll new.new\nSecond\nTwo.\n") == [
        ("First", "All new.new"),
        ("Second", "Two."),
    ]


def test_strong_marker_glued_to_the_end_of_a_line() -> None:
    text = HEADER_1 + f"First\nOne.{GET_1}\n{GET_2}\nSubscribeSecond\nTwo.\n"
    entries, _ = parse(text)
    assert entries == [(3, "First", "One."), (6, "Second", "Two.")]
    # Text that only ends like a marker stays.
    assert pairs(HEADER_1 + "First\nJoin our email inbox!\n") == [
        ("First", "Join our email inbox!")
    ]


def test_strong_markers_are_boilerplate_anywhere() -> None:
    text = HEADER_1 + f"First\n{BYAK}\nOne.\nTwo\n"
    entries, dangling = parse(text)
    assert entries == [(3, "First", ""), (5, "One.", "Two")]
    assert dangling == [(3, "First")]


def test_separator_lines_and_blank_runs_are_skipped() -> None:
    text = HEADER_1 + "First\n\n\n   \n----\n***\nOne.\n\t\n===\nSecond\n\n\n\nTwo.\n"
    assert pairs(text) == [("First", "One."), ("Second", "Two.")]


def test_one_word_abstracts_and_long_titles_pair_by_position() -> None:
    title = "A " + "very " * 80 + "long title"
    assert pairs(HEADER_1 + f"{title}\nOk\nShort\n{'x' * 3000}\n") == [
        (title, "Ok"),
        ("Short", "x" * 3000),
    ]


def test_header_lines_are_counted() -> None:
    parser = DumpParser()
    parser.feed(HEADER_2.split("\n"))
    assert parser.finish() == []
    assert parser.header_lines == 5


def test_header_only_then_another_header(tmp_path: Path) -> None:
    path = tmp_path / "two_headers.txt"
    path.write_text(HEADER_2 + HEADER_1 + "Only Paper\nIts abstract.\n", encoding="utf-8")
    catalog = paperterm.load([path])
    assert [(p.title, p.sources[0].line) for p in catalog] == [("Only Paper", 13)]
    assert catalog.warnings == ()


def test_a_page_pasted_from_the_middle_of_its_header() -> None:
    text = HEADER_2 + "First\n\nOne.\n\nSubscribe\n\n" + BYAK + "\n\nJul 4\n\nSecond\n\nTwo.\n"
    entries, dangling = parse(text)
    assert entries == [(11, "First", "One."), (21, "Second", "Two.")]
    assert dangling == []
    text = HEADER_1 + "First\nOne.\nLonely\nnew\nSubscribe\n" + BYAK + "\nSecond\nTwo.\n"
    entries, dangling = parse(text)
    assert entries == [(3, "First", "One."), (5, "Lonely", ""), (9, "Second", "Two.")]
    assert dangling == [(5, "Lonely")]


# The block fast path --------------------------------------------------------------------------

_LINE = st.sampled_from(
    [
        GET_1,
        GET_2,
        BYAK,
        "Subscribe",
        "SubscribeGlued Title",
        "new",
        "Jul 4",
        "",
        " ",
        "----",
        "(Re)thinking Titles",
        "(...)",
        "Title  with  runs",
        "Tab\tin title",
        " Padded ",
        "Trailing\u00a0",
        "Plain Title",
        "An abstract. It has sentences. Three of them.",
        "Results.new",
        "Short abstract without period",
        "Long. " * 60 + "Yes. Again.",
        "x" * 310,
    ]
)


_PLAIN = st.sampled_from(["Plain Title", "An abstract. It has two.", "(Re)thinking", "Ab  c"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(_PLAIN, _PLAIN, _PLAIN, _PLAIN, _PLAIN, _LINE), min_size=6, max_size=60),
    st.lists(st.integers(0, 40), max_size=8),
)
def test_feeding_blocks_of_text_equals_feeding_lines(lines: list[str], cuts: list[int]) -> None:
    """feed_text (fast path for plain blocks) reads any block split as feed does line by line."""
    bounds = sorted({min(cut, len(lines)) for cut in cuts} | {0, len(lines)})
    by_lines, by_text = DumpParser(), DumpParser()
    got_lines: list[tuple[int, str, str]] = []
    got_text: list[tuple[int, str, str]] = []
    for start, end in pairwise(bounds):
        got_lines += by_lines.feed(lines[start:end])
        got_text += by_text.feed_text("".join(line + "\n" for line in lines[start:end]))
        assert got_text == got_lines and by_text.lineno == by_lines.lineno
    got_lines += by_lines.finish()
    got_text += by_text.finish()
    assert got_text == got_lines
    assert by_text.dangling == by_lines.dangling
    assert by_text.header_lines == by_lines.header_lines


def test_a_plain_block_takes_the_fast_path() -> None:
    """The blocks of a big dump are plain: past the header, each is cut into pairs by slicing."""
    parser = DumpParser()
    parser.feed_text(f"{GET_1}\n{GET_2}\nSubscribeFirst\nOne.\n")
    calls: list[int] = []
    slow = parser.feed

    def counted(lines: list[str]) -> list[tuple[int, str, str]]:
        calls.append(len(lines))
        return slow(lines)

    parser.feed = counted  # type: ignore[method-assign]
    entries = parser.feed_text("Second\nTwo.\nThird  Title\nThree.\nFourth\n")
    entries += parser.feed_text("Four.\n")
    entries += parser.finish()
    assert calls == []
    assert entries == [
        (3, "First", "One."),
        (5, "Second", "Two."),
        (7, "Third Title", "Three."),
        (9, "Fourth", "Four."),
    ]


def test_every_strong_marker_ends_as_the_fast_path_looks_for() -> None:
    """feed_text sends a block to the line-by-line reading when a line ends as a marker does."""
    assert all(marker.endswith(dumpformat._GLUED_MARKER_ENDS) for marker in STRONG_MARKERS)
