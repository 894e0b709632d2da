"""The papers' term vectors saved on disk: loaded only for the same catalogue, never when damaged
or forged, and never through a link, a FIFO or anything but a regular file."""

from __future__ import annotations

import dataclasses
import os
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paperterm.model import Paper
from paperterm.search import similar, vectorcache
from paperterm.search.similar import TermVectors, term_vectors
from paperterm.search.vectorcache import SavedVectors
from test_search_cache import make_papers


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return make_papers(400, seed=5)


@pytest.fixture(autouse=True)
def small_catalogues_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectorcache, "MIN_PAPERS", 100)
    monkeypatch.setattr(similar, "_latest", None)


def fresh(papers: list[Paper]) -> TermVectors:
    """The catalogue's vectors as a new session gets them: loaded if saved, else built."""
    similar._latest = None
    return term_vectors(papers)


def saved_path(papers: list[Paper]) -> Path:
    return vectorcache.default_dir() / (vectorcache.catalogue_key(papers) + ".vectors")


def answers(vectors: TermVectors) -> list[list[tuple[int, float]]]:
    return [
        [(item.position, round(item.score, 6)) for item in vectors.similar(position)]
        for position in range(0, vectors.size, 37)
    ]


def same_vectors(one: TermVectors, other: TermVectors) -> bool:
    def named(vectors: TermVectors, position: int) -> list[tuple[str, float]]:
        terms, weights = vectors.vector(position)
        return [(vectors.terms[t], w) for t, w in zip(terms, weights, strict=True)]

    return all(named(one, p) == named(other, p) for p in range(one.size))


def test_saved_vectors_load_and_answer_like_fresh_ones(papers: list[Paper]) -> None:
    built = fresh(papers)
    assert not built.loaded and saved_path(papers).is_file()
    loaded = fresh(papers)
    assert loaded.loaded and not loaded.inverted_ready
    assert same_vectors(loaded, built)
    assert loaded.idf == built.idf and loaded.number == built.number
    assert answers(loaded) == answers(built)


@pytest.mark.parametrize("bulk", [False, True])
def test_the_inverted_index_is_saved_once_built(
    papers: list[Paper], bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if bulk:
        pytest.importorskip("numpy")
        monkeypatch.setattr(similar, "BULK_PAPERS", 0)  # built and restored by numpy
    built = fresh(papers)
    before = saved_path(papers).stat().st_size
    expected = answers(built)  # builds the inverted index, which saves it
    assert saved_path(papers).stat().st_size > before
    loaded = fresh(papers)
    assert loaded.loaded and loaded.inverted_ready
    assert answers(loaded) == expected
    assert loaded.dots(3) == built.dots(3)


def test_small_and_other_catalogues_do_not_use_it(
    papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh(papers)
    assert not fresh(papers[:-1]).loaded
    assert not fresh(papers[1:]).loaded
    monkeypatch.setattr(vectorcache, "MIN_PAPERS", 1000)
    assert not fresh(papers).loaded
    assert not fresh(papers[:300]).loaded
    assert not saved_path(papers[:300]).exists()


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "header"])
def test_a_damaged_file_is_rebuilt_not_trusted(papers: list[Paper], damage: str) -> None:
    expected = answers(fresh(papers))
    path = saved_path(papers)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        del data[len(data) - 100 :]
    elif damage == "empty":
        data.clear()
    else:
        data[:9] = b"something"
    path.write_bytes(bytes(data))
    rebuilt = fresh(papers)
    assert not rebuilt.loaded
    assert answers(rebuilt) == expected
    assert fresh(papers).loaded  # the rebuild saved a good copy again


def _with(
    field: str, change: Callable[[SavedVectors], Any]
) -> Callable[[SavedVectors], SavedVectors]:
    fields: dict[str, Any] = {}

    def forge(saved: SavedVectors) -> SavedVectors:
        fields[field] = change(saved)
        return dataclasses.replace(saved, **fields)

    return forge


def _postings(change: int) -> Callable[[SavedVectors], SavedVectors]:
    def forge(saved: SavedVectors) -> SavedVectors:
        assert saved.postings is not None
        papers = array("I", saved.postings[0])
        values = array("f", saved.postings[1])
        starts = array("I", saved.postings[2])
        if change == 0:
            papers[5] = len(saved.offsets) - 1  # a paper past the catalogue
        elif change == 1:
            values[5] = float("inf")
        else:
            starts[2], starts[3] = starts[3], starts[2]
        return dataclasses.replace(saved, postings=(papers, values, starts))

    return forge


def _set(values: array, at: int, value: object) -> array:  # type: ignore[type-arg]
    changed = array(values.typecode, values)
    changed[at] = value
    return changed


FORGERIES: dict[str, Callable[[SavedVectors], SavedVectors]] = {
    "term number past the vocabulary": _with(
        "vector_terms", lambda s: _set(s.vector_terms, 7, len(s.terms))
    ),
    "NaN weight": _with("vector_weights", lambda s: _set(s.vector_weights, 7, float("nan"))),
    "negative weight": _with("vector_weights", lambda s: _set(s.vector_weights, 7, -0.5)),
    "weight over 1": _with("vector_weights", lambda s: _set(s.vector_weights, 7, 3.0)),
    "infinite idf": _with("idf", lambda s: _set(s.idf, 0, float("inf"))),
    "idf of another length": _with("idf", lambda s: s.idf[:-1]),
    "a term with an escape sequence": _with("terms", lambda s: ["\x1b[2J", *s.terms[1:]]),
    "a term twice": _with("terms", lambda s: [s.terms[1], *s.terms[1:]]),
    "offsets backwards": _with("offsets", lambda s: _set(s.offsets, 3, s.offsets[2] - 1)),
    "offsets of another catalogue": _with("offsets", lambda s: s.offsets[:-1]),
    "terms that are not the papers' words": _with(
        "terms", lambda s: [f"w{n}" for n, _ in enumerate(s.terms)]
    ),
    "postings: a paper past the catalogue": _postings(0),
    "postings: an infinite weight": _postings(1),
    "postings: runs backwards": _postings(2),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_file_with_a_right_digest_is_rebuilt(papers: list[Paper], forgery: str) -> None:
    built = fresh(papers)
    expected = answers(built)  # with the inverted index, saved too
    key = vectorcache.catalogue_key(papers)
    good = vectorcache.load(vectorcache.default_dir(), key, papers)
    assert good is not None and good.postings is not None
    vectorcache.save(vectorcache.default_dir(), key, FORGERIES[forgery](good))
    rebuilt = fresh(papers)
    assert not rebuilt.loaded
    assert answers(rebuilt) == expected


def test_a_link_or_a_fifo_in_its_place_is_never_read(papers: list[Paper], tmp_path: Path) -> None:
    fresh(papers)
    path = saved_path(papers)
    elsewhere = tmp_path / "elsewhere.vectors"
    elsewhere.write_bytes(path.read_bytes())
    kept = elsewhere.read_bytes()
    path.unlink()
    path.symlink_to(elsewhere)
    assert not fresh(papers).loaded
    assert elsewhere.read_bytes() == kept  # the link was replaced, not followed
    assert path.is_file() and not path.is_symlink()
    path.unlink()
    os.mkfifo(path)
    assert not fresh(papers).loaded  # never opened for reading: no wait for a writer
    assert fresh(papers).loaded


def test_only_the_most_recently_used_are_kept(papers: list[Paper]) -> None:
    for count in range(vectorcache.KEEP + 2):
        fresh(papers[: 100 + count])
        os.utime(saved_path(papers[: 100 + count]), (1_000_000 + count, 1_000_000 + count))
    directory = vectorcache.default_dir()
    assert len(list(directory.glob("*.vectors"))) == vectorcache.KEEP
    assert not saved_path(papers[:100]).exists()
    assert fresh(papers[: 100 + vectorcache.KEEP + 1]).loaded


def test_an_unwritable_cache_only_means_no_cache(
    papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(vectorcache, "default_dir", lambda: blocker / "vectors")
    built = fresh(papers)
    assert not built.loaded and not fresh(papers).loaded
    assert answers(built) == answers(TermVectors(papers))
