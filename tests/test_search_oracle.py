"""The index against a brute-force oracle: same papers, same order, for many queries.

The catalogue is big enough for the index's shortcuts to matter (frequent words kept as ready
bit sets, blocks of rare words, cached terms reused across keystrokes); the oracle reads every
paper's words and applies the rules of :mod:`paperterm.search.match` directly.
"""

from __future__ import annotations

import random
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperterm.catalog import Catalog
from paperterm.model import Link, Paper
from paperterm.search import exact_count
from paperterm.search.engine import RANKED_TERMS
from paperterm.search.match import EXACT, level
from paperterm.search.query import Term, parse
from paperterm.search.text import fold, words

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "br", "co", "de", "fa"]
EXTRA = ["Straße", "Ærø", "naïve", "GPT-4", "self-attention", "x_y", "3D", "über"]


def make_catalogue(count: int, seed: int) -> tuple[Catalog, list[str]]:
    rng = random.Random(seed)
    vocabulary = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(900)}
    )
    vocabulary += EXTRA
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]

    def text(low: int, high: int) -> str:
        chosen = rng.choices(vocabulary, weights, k=rng.randint(low, high))
        return " ".join(w.capitalize() if rng.random() < 0.1 else w for w in chosen) + "."

    papers = []
    for number in range(count):
        abstracts = tuple(text(15, 60) for _ in range(rng.choice([0, 1, 1, 1, 2])))
        links = (Link("https://github.com/a/b", True),) if rng.random() < 0.2 else ()
        title = f"{text(2, 9)} {number}"
        papers.append(Paper(f"{number:012x}", title, abstracts, (), links, number))
    return Catalog(papers), vocabulary


@pytest.fixture(scope="module")
def corpus() -> tuple[Catalog, list[str]]:
    return make_catalogue(1500, seed=5)


@cache
def distinct_words(text: str) -> frozenset[str]:
    return frozenset(words(text))


@cache
def word_level(typed: str, text: str) -> int:
    return max((cached_level(typed, word) for word in distinct_words(text)), default=0)


@cache
def cached_level(typed: str, word: str) -> int:
    return level(typed, word)


def term_levels(
    term: Term, paper: Paper, read: set[str], starred: set[str]
) -> tuple[int, int, bool]:
    """(title level, abstract level, matches) of one alternative for one paper."""
    if term.kind == "state":
        flag = {
            "starred": paper.id in starred,
            "read": paper.id in read,
            "unread": paper.id not in read,
            "code": paper.has_code,
            "link": bool(paper.links),
            "abstract": bool(paper.abstracts),
        }[term.flag]
        return 0, 0, flag
    in_title = term.field in ("any", "title")
    in_abstract = term.field in ("any", "abstract")
    if term.kind == "fuzzy":
        title = min(word_level(w, paper.title) for w in term.words) if in_title else 0
        abstract = (
            min(max((word_level(w, a) for a in paper.abstracts), default=0) for w in term.words)
            if in_abstract
            else 0
        )
        anywhere = all(
            (in_title and word_level(w, paper.title))
            or (in_abstract and any(word_level(w, a) for a in paper.abstracts))
            for w in term.words
        )
        return title, abstract, anywhere
    if term.kind == "exact":
        title = EXACT if in_title and term.needle in fold(paper.title) else 0
        abstract = (
            EXACT if in_abstract and any(term.needle in fold(a) for a in paper.abstracts) else 0
        )
        return title, abstract, bool(title or abstract)
    prefix = " ".join(term.words)
    if term.field == "title":
        hit = " ".join(words(paper.title)).startswith(prefix)
        return (EXACT if hit else 0), 0, hit
    hit = any(" ".join(words(a)).startswith(prefix) for a in paper.abstracts)
    return 0, (EXACT if hit else 0), hit


def excluded(term: Term, paper: Paper, read: set[str], starred: set[str]) -> bool:
    if term.kind != "fuzzy":
        return term_levels(term, paper, read, starred)[2]
    in_title = term.field in ("any", "title")
    in_abstract = term.field in ("any", "abstract")
    return all(
        (in_title and word_level(w, paper.title) >= 2)
        or (in_abstract and any(word_level(w, a) >= 2 for a in paper.abstracts))
        for w in term.words
    )


def oracle(catalog: Catalog, text: str, read: set[str], starred: set[str]) -> list[int]:
    return oracle_with_exact(catalog, text, read, starred)[0]


def oracle_with_exact(
    catalog: Catalog, text: str, read: set[str], starred: set[str]
) -> tuple[list[int], int]:
    """The ranking, and how many papers match every ranked term without a typo."""
    query = parse(text)
    if query.is_empty:
        return list(range(len(catalog))), len(catalog)
    ranked_groups = [g for g in query.groups if g.has_text and not g.negated][:RANKED_TERMS]
    weight = 3 * len(ranked_groups) + 1
    no_typo_weight = len(ranked_groups) * weight + 3 * len(ranked_groups) + 1
    keyed = []
    exact = 0
    for paper in catalog:
        keep = True
        key = 0
        typo_free = True
        for group in query.groups:
            found = [term_levels(t, paper, read, starred) for t in group.alternatives]
            if group.negated:
                if any(excluded(t, paper, read, starred) for t in group.alternatives):
                    keep = False
            elif not any(match for _, _, match in found):
                keep = False
            if any(group is g for g in ranked_groups):
                title = max(t for t, _, _ in found)
                both = max(max(t, a) for t, a, _ in found)
                key += (no_typo_weight if both >= 2 else 0) + both
                key += weight if title and title == both else 0
                typo_free = typo_free and both >= 2
        if keep:
            keyed.append((-key, paper.index))
            exact += typo_free
    return [index for _, index in sorted(keyed)], exact


def test_the_corpus_exercises_the_index_shortcuts(corpus: tuple[Catalog, list[str]]) -> None:
    catalog, _ = corpus
    catalog.prepare_search()
    assert catalog._searcher is not None
    abstract = catalog._searcher.index.abstract
    assert abstract._dense, "no frequent word kept as a bit set"
    assert len(abstract._block_starts) > 4, "too few blocks of rare words"


QUERIES = [
    "ka",
    "k",
    "kalo",
    "kalomi",
    "kolami",
    "lomine",
    "lominee",
    "ka lo",
    "kalo mine",
    "'ka",
    "'alo",
    "'gpt-4",
    "'a.",
    "'naïve",
    "^ka",
    "^kalo",
    "^ka-lo",
    "abstract:^ne",
    "!ka",
    "!kalo mi",
    "ka|lo",
    "!ka|lo",
    "kalo|'mine",
    "title:ka",
    "abstract:lo",
    "title:!ne",
    "strasse",
    "über",
    "self-attention",
    "is:read",
    "is:unread ka",
    "is:starred|is:read",
    "has:code lo",
    "!has:abstract",
    "has:link|ti",
    "zzzzzz",
    "brcodefa",
    "brcodefaqu",
]


def marks(catalog: Catalog) -> tuple[set[str], set[str]]:
    ids = [p.id for p in catalog]
    return set(ids[::3]), set(ids[::7])


@pytest.mark.parametrize("query", QUERIES)
def test_index_agrees_with_the_oracle(corpus: tuple[Catalog, list[str]], query: str) -> None:
    catalog, _ = corpus
    read, starred = marks(catalog)
    got = catalog.search_indices(query, read=read, starred=starred)
    assert (list(got), exact_count(got)) == oracle_with_exact(catalog, query, read, starred)


def test_typing_a_query_key_by_key_agrees_with_the_oracle(
    corpus: tuple[Catalog, list[str]],
) -> None:
    catalog, _ = corpus
    read, starred = marks(catalog)
    query = "kalomi lo|ne !brco 'sa"
    for end in range(1, len(query) + 1):
        typed = query[:end]
        got = catalog.search_indices(typed, read=read, starred=starred)
        assert (list(got), exact_count(got)) == oracle_with_exact(catalog, typed, read, starred), (
            typed
        )
    for end in range(len(query), 0, -1):  # and deleting it again
        typed = query[:end]
        got = catalog.search_indices(typed, read=read, starred=starred)
        assert (list(got), exact_count(got)) == oracle_with_exact(catalog, typed, read, starred), (
            typed
        )


@st.composite
def queries(draw: st.DrawFn, vocabulary: list[str]) -> str:
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        word = draw(st.sampled_from(vocabulary))
        cut = draw(st.integers(1, len(word)))
        word = word[:cut]
        if draw(st.booleans()) and len(word) > 2:
            spot = draw(st.integers(1, len(word) - 1))
            word = word[:spot] + draw(st.sampled_from("aeioukz")) + word[spot + 1 :]
        prefix = draw(st.sampled_from(["", "", "", "!", "'", "^", "title:", "abstract:"]))
        terms.append(prefix + word)
    joiner = draw(st.sampled_from([" ", " ", "|"]))
    return joiner.join(terms)


_VOCABULARY = make_catalogue(10, seed=5)[1]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries(_VOCABULARY))
def test_random_queries_agree_with_the_oracle(
    corpus: tuple[Catalog, list[str]], query: str
) -> None:
    catalog, _ = corpus
    read, starred = marks(catalog)
    got = catalog.search_indices(query, read=read, starred=starred)
    assert (list(got), exact_count(got)) == oracle_with_exact(catalog, query, read, starred)
