"""highlight(): the spans of a title or abstract that a query matched."""

from __future__ import annotations

import importlib
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperterm.search import highlight
from paperterm.search.match import PREFIX, level
from paperterm.search.text import _WORD, merge_spans, word_spans, words

TITLE = "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"


def pieces(query: str, text: str, field: str = "title") -> list[str]:
    assert field in ("title", "abstract")
    spans = highlight(query, text, "title" if field == "title" else "abstract")
    return [text[start:end] for start, end in spans]


def test_typo_matches_highlight_whole_words() -> None:
    assert pieces("lotery tiket", TITLE) == ["Lottery", "Ticket"]


def test_prefix_matches_highlight_the_typed_part() -> None:
    assert pieces("hypo net", TITLE) == ["Hypo", "Net"]
    assert highlight("hypo", TITLE, "title") == [(19, 23)]


def test_exact_words_highlight_whole_words() -> None:
    assert pieces("sparse", TITLE) == ["Sparse"]


def test_exact_terms_highlight_each_occurrence() -> None:
    text = "GPT-4 beats gpt-4o; see GPT-4."
    assert highlight("'gpt-4", text, "abstract") == [(0, 5), (12, 17), (24, 29)]
    assert pieces("'ain", TITLE) == ["ain"]  # inside "Trainable"


def test_exact_terms_map_offsets_through_unicode_folding() -> None:
    text = "Die Straße und die STRASSE"
    assert pieces("'strasse", text) == ["Straße", "STRASSE"]
    assert pieces("'ﬁne", "so ﬁne, fine") == ["ﬁne", "fine"]


def test_accents_fold_in_highlights_too() -> None:
    assert pieces("'naive", "a naïve idea") == ["naïve"]
    assert pieces("'naive", "a nai\u0308ve idea") == ["nai\u0308ve"]
    assert pieces("uber", "Über alles") == ["Über"]
    assert pieces("ub", "Über alles") == ["Üb"]


def test_title_prefix_highlights_the_leading_words() -> None:
    assert pieces("^the-lot", TITLE) == ["The Lot"]
    assert pieces("^lottery", TITLE) == []
    assert pieces("abstract:^we", "We propose a thing", "abstract") == ["We"]
    assert pieces("^we", "We propose a thing", "abstract") == []


def test_excluded_and_state_terms_highlight_nothing() -> None:
    assert pieces("!lottery is:read has:code", TITLE) == []


def test_field_restriction_applies() -> None:
    assert pieces("title:sparse", TITLE, "title") == ["Sparse"]
    assert pieces("title:sparse", "sparse things", "abstract") == []
    assert pieces("abstract:sparse", TITLE, "title") == []


def test_alternatives_highlight_each() -> None:
    assert pieces("sparse|neural", TITLE) == ["Sparse", "Neural"]


def test_overlapping_matches_merge() -> None:
    assert highlight("'lottery 'ottery tick lot", TITLE, "title") == [(4, 11), (12, 16)]


def test_nothing_to_highlight() -> None:
    assert highlight("", TITLE, "title") == []
    assert highlight("zzzz", TITLE, "title") == []
    assert highlight("lottery", "", "abstract") == []


@given(st.text(max_size=80), st.text(max_size=200))
def test_spans_are_sorted_disjoint_and_inside_the_text(query: str, text: str) -> None:
    spans = highlight(query, text, "abstract")
    for start, end in spans:
        assert 0 <= start < end <= len(text)
    for (_, end), (start, _) in pairwise(spans):
        assert end < start


WORDS = ["lottery", "Lottery", "ticket", "tiket", "sparse", "Über", "uber", "ﬁne", "net", "n"]


def afresh(query: str, text: str, field: str) -> list[tuple[int, int]]:
    """``highlight`` with nothing kept from earlier calls."""
    module = importlib.import_module(
        "paperterm.search.highlight"
    )  # the package's name is the function
    module._plan.cache_clear()
    module._words.cache_clear()
    module._by_letter.cache_clear()
    module._matches_of.cache_clear()
    return highlight(query, text, "title" if field == "title" else "abstract")


@given(
    st.lists(
        st.lists(
            st.sampled_from([*WORDS, "lot", "lotery", "'ick", "^lottery-t", "uber"]), max_size=3
        ),
        min_size=1,
        max_size=4,
    ),
    st.lists(
        st.lists(st.sampled_from([*WORDS, "-", ", ", "e\u0301"]), max_size=8),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["title", "abstract"]),
)
def test_highlights_kept_from_other_calls_equal_those_worked_out_afresh(
    queries: list[list[str]], texts: list[list[str]], field: str
) -> None:
    """The words of a title and how they matched a query's typed words are kept between calls
    (the list asks about a screen of titles on each key): what is kept never changes an answer."""
    asked = [" ".join(words) for words in queries]
    shown = [" ".join(words) for words in texts]
    kept = [[pieces(query, text, field) for text in shown] for query in asked]
    again = [[pieces(query, text, field) for text in shown] for query in reversed(asked)]
    fresh = [[[text[a:b] for a, b in afresh(q, text, field)] for text in shown] for q in asked]
    assert kept == fresh
    assert again == list(reversed(fresh))


def test_highlights_stay_right_when_the_words_kept_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past its bound, a typed word's kept matches are dropped and worked out again."""
    module = importlib.import_module(
        "paperterm.search.highlight"
    )  # the package's name is the function
    monkeypatch.setattr(module, "_KEPT_LEVELS", 2)
    module._plan.cache_clear()
    module._matches_of.cache_clear()
    for _ in range(2):
        assert pieces("lotery tiket", TITLE) == ["Lottery", "Ticket"]
        assert pieces("hypo net", TITLE) == ["Hypo", "Net"]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_words_are_those_of_the_general_rule(text: str) -> None:
    """ASCII text takes a short way to its words (lowercased at once): the same words and
    offsets as the general rule, word by word, would give."""
    general: list[tuple[int, int, str]] = []
    for match in _WORD.finditer(text):
        general.extend((match.start(), match.end(), part) for part in words(match.group()))
    assert word_spans(text) == general


ALPHABETS = [
    "abßstﬁe\u0301éAÉ",  # folding: ß is ss, ﬁ is fi, é and e + accent are e
    "abstABS09_",  # ASCII: a short way to the words that start with a typed word's letter
]


@given(st.data(), st.sampled_from(ALPHABETS))
def test_typed_words_highlight_every_text_word_the_match_rule_matches(
    data: st.DataObject, alphabet: str
) -> None:
    """Each text word that :func:`match.level` matches with a typed word is highlighted, and
    no other (the highlighter looks only at the words that start with the typed word's first
    letter, folded: the rule's own condition), whatever the folding does to first letters."""
    typed = data.draw(st.lists(st.text(alphabet, min_size=1, max_size=7), min_size=1, max_size=3))
    text_words = data.draw(st.lists(st.text(alphabet + " -,.", max_size=12), max_size=6))
    query = " ".join(typed)
    text = " ".join(text_words)
    folded = [word for part in typed for word in words(part)]
    expected = []
    for start, end, word in word_spans(text):
        for typed_word in folded:
            found = level(typed_word, word)
            if not found:
                continue
            if found == PREFIX and end - start == len(word):
                expected.append((start, start + len(typed_word)))
            else:
                expected.append((start, end))
    assert highlight(query, text, "title") == merge_spans(expected)
