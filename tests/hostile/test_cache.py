"""Attacks on the saved search index: special files and forged files in the cache dir.

The cache dir is the user's, but anything can be put there: a FIFO, a symlink to a device or to
a file elsewhere, or an index file whose digest is right but whose content is not this
catalogue's (a digest only catches damage, not a forger). Each attack below must leave paperterm
building the index afresh, answering exactly as a fresh index does, never hanging, never
raising, and never touching a file outside the cache dir.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from array import array
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperterm.catalog import Catalog
from paperterm.model import Paper
from paperterm.search import cache, savedfile
from paperterm.search.cache import FieldState
from paperterm.search.engine import Searcher
from paperterm.search.index import SearchIndex
from paperterm.search.query import parse
from test_search_cache import make_papers  # tests/ is on the path

QUERIES = ["ka", "kalo", "kolami", "'alo", "^ka", "!ka lo", "title:mi", "has:code ne", "über"]


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return make_papers(1200, seed=3)


@pytest.fixture(scope="module")
def fresh(papers: list[Paper]) -> list[list[int]]:
    return answers(SearchIndex(papers))


def answers(index: SearchIndex) -> list[list[int]]:
    searcher = Searcher(index)
    return [list(searcher.search(parse(q))) for q in QUERIES]


def saved_path(papers: list[Paper], directory: Path) -> Path:
    return directory / (cache.catalogue_key(papers) + ".index")


class Hung(BaseException):
    """Raised in a test that hangs (not an OSError, which the cache would take as a bad file)."""


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail the test (instead of hanging the suite) if it takes more than 20 s."""

    def hung(signum: int, frame: object) -> None:
        raise Hung("hung on a special file")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Special files where the index should be -------------------------------------------------------


def fifo(path: Path, elsewhere: Path, papers: list[Paper]) -> None:
    os.mkfifo(path)


def symlink_to_an_index_elsewhere(path: Path, elsewhere: Path, papers: list[Paper]) -> None:
    SearchIndex(papers, cache_dir=elsewhere)
    path.symlink_to(saved_path(papers, elsewhere))


def symlink_to_an_index_in_the_cache_dir(path: Path, elsewhere: Path, papers: list[Paper]) -> None:
    SearchIndex(papers, cache_dir=path.parent)
    other = path.with_name("renamed.index")
    path.rename(other)
    path.symlink_to(other.name)


def symlink_to_a_fifo_elsewhere(path: Path, elsewhere: Path, papers: list[Paper]) -> None:
    os.mkfifo(elsewhere / "pipe")
    path.symlink_to(elsewhere / "pipe")


SPECIAL: dict[str, Callable[[Path, Path, list[Paper]], None]] = {
    "fifo": fifo,
    "symlink_to_an_index_elsewhere": symlink_to_an_index_elsewhere,
    "symlink_to_an_index_in_the_cache_dir": symlink_to_an_index_in_the_cache_dir,
    "symlink_to_a_fifo_elsewhere": symlink_to_a_fifo_elsewhere,
}


@pytest.mark.parametrize("attack", SPECIAL)
def test_special_files_are_never_read_or_followed(
    attack: str, papers: list[Paper], fresh: list[list[int]], tmp_path: Path, no_hang: None
) -> None:
    directory, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    directory.mkdir()
    elsewhere.mkdir()
    SPECIAL[attack](saved_path(papers, directory), elsewhere, papers)
    before = {p.name: (p.lstat().st_mtime_ns, p.read_bytes()) for p in elsewhere.glob("*.index")}
    index = SearchIndex(papers, cache_dir=directory)
    assert not index.loaded
    assert answers(index) == fresh
    after = {p.name: (p.lstat().st_mtime_ns, p.read_bytes()) for p in elsewhere.glob("*.index")}
    assert after == before, "a file outside the cache dir was touched"


_DEV_ZERO = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from pathlib import Path
from paperterm.search.index import SearchIndex
from test_search_cache import make_papers  # tests/ is on the path
papers = make_papers(300, seed=1)
index = SearchIndex(papers, cache_dir=Path(sys.argv[1]))
print(index.loaded)
"""


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_symlink_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    # In a child under a 1 GB address-space limit: before the fix this read ate all memory.
    papers = make_papers(300, seed=1)
    saved_path(papers, tmp_path).symlink_to("/dev/zero")
    tests = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", _DEV_ZERO, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"


# Forged files: a valid digest, a body that is not this catalogue's index -----------------------

Forged = tuple[list[str], list[FieldState]]
Forgery = Callable[[list[str], list[FieldState], int], Forged]


def other_catalogue(words: list[str], fields: list[FieldState], size: int) -> Forged:
    # Another catalogue of as many papers, saved under this catalogue's key.
    other = SearchIndex(make_papers(size, seed=4))
    parts = (other.title, other.abstract, other.title_first, other.abstract_first)
    return other.words, [part.state() for part in parts]


def posting_out_of_range(words: list[str], fields: list[FieldState], size: int) -> Forged:
    fields[1].flat[len(fields[1].flat) // 2] = size + 5
    return words, fields


def posting_at_the_largest_value(words: list[str], fields: list[FieldState], size: int) -> Forged:
    fields[0].flat[-1] = 2**32 - 1
    return words, fields


def words_out_of_order(words: list[str], fields: list[FieldState], size: int) -> Forged:
    words[10], words[20] = words[20], words[10]
    return words, fields


def a_word_dropped(words: list[str], fields: list[FieldState], size: int) -> Forged:
    # Every field's word count still agrees: the vocabulary is merely missing a word.
    drop = words.index(max(words, key=len))
    del words[drop]
    for number, field in enumerate(fields):
        offsets = field.offsets
        del offsets[drop + 1]
        fields[number] = dataclasses.replace(field, offsets=offsets)
    return words, fields


def offsets_backwards(words: list[str], fields: list[FieldState], size: int) -> Forged:
    offsets = fields[1].offsets
    offsets[5], offsets[6] = offsets[6] + 1, offsets[5]
    return words, fields


def dense_word_out_of_range(words: list[str], fields: list[FieldState], size: int) -> Forged:
    field = fields[1]
    numbers = [*field.dense_numbers[:-1], len(words) + 3]
    fields[1] = dataclasses.replace(field, dense_numbers=numbers)
    return words, fields


def block_start_out_of_range(words: list[str], fields: list[FieldState], size: int) -> Forged:
    field = fields[1]
    starts = list(field.block_starts)
    starts[1] = len(words) * 2
    fields[1] = dataclasses.replace(field, block_starts=starts)
    return words, fields


def blocks_missing(words: list[str], fields: list[FieldState], size: int) -> Forged:
    field = fields[1]
    fields[1] = dataclasses.replace(field, block_starts=[0, len(words)], blocks=[])
    return words, fields


def postings_swapped_between_words(words: list[str], fields: list[FieldState], size: int) -> Forged:
    # Every range fits: the title postings are reversed, so each word lists other papers.
    field = fields[0]
    flat = array("I", reversed(field.flat))
    fields[0] = dataclasses.replace(field, flat=flat)
    return words, fields


FORGERIES: dict[str, Forgery] = {
    "other_catalogue": other_catalogue,
    "posting_out_of_range": posting_out_of_range,
    "posting_at_the_largest_value": posting_at_the_largest_value,
    "words_out_of_order": words_out_of_order,
    "a_word_dropped": a_word_dropped,
    "offsets_backwards": offsets_backwards,
    "dense_word_out_of_range": dense_word_out_of_range,
    "block_start_out_of_range": block_start_out_of_range,
    "blocks_missing": blocks_missing,
    "postings_swapped_between_words": postings_swapped_between_words,
}


def forge(papers: list[Paper], directory: Path, forgery: Forgery) -> None:
    """Replace the saved index of ``papers`` by a forged one, with a valid digest."""
    SearchIndex(papers, cache_dir=directory)
    key = cache.catalogue_key(papers)
    saved = cache.load(directory, key, papers)
    assert saved is not None
    words, fields = forgery(*saved, len(papers))
    cache.save(directory, key, len(papers), words, fields)


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_index_is_rebuilt(
    forgery: str, papers: list[Paper], fresh: list[list[int]], tmp_path: Path
) -> None:
    forge(papers, tmp_path, FORGERIES[forgery])
    index = SearchIndex(papers, cache_dir=tmp_path)
    assert not index.loaded
    assert answers(index) == fresh
    # The rebuild replaced the forged file with a good one.
    assert SearchIndex(papers, cache_dir=tmp_path).loaded


@pytest.mark.parametrize(
    "forged", ["posting_out_of_range", "posting_at_the_largest_value", "offsets_backwards"]
)
def test_the_helper_s_answer_is_range_checked_too(
    forged: str, papers: list[Paper], tmp_path: Path
) -> None:
    """The index helper's answer skips only the words' order (``thorough=False``): a posting
    or an offset out of its range, whatever made it, is refused (built in the process then)."""
    SearchIndex(papers, cache_dir=tmp_path)
    saved = cache.load(tmp_path, cache.catalogue_key(papers), papers)
    assert saved is not None
    words, fields = FORGERIES[forged](*saved, len(papers))
    width = (len(papers) + 7) // 8
    sections = [memoryview(part).cast("B") for part in cache.sections(words, fields, width)]
    with pytest.raises(ValueError):
        cache.decode(sections, len(papers), thorough=False)


@pytest.mark.parametrize("forgery", ["posting_out_of_range", "posting_at_the_largest_value"])
def test_a_search_never_raises_because_of_the_cache(
    forgery: str,
    papers: list[Paper],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A forgery the checks let through (here: all checks switched off) still never raises:
    # the catalogue rebuilds its index and answers as a fresh one does.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cache, "MIN_PAPERS", 100)
    forge(papers, cache.default_dir(), FORGERIES[forgery])
    monkeypatch.setattr(SearchIndex, "_agrees_with_catalogue", lambda self, **_: True)
    monkeypatch.setattr(cache, "_check", lambda words, fields, size, *_: None)
    catalog = Catalog(papers)
    expected = Searcher(SearchIndex(papers))
    for query in ["ka", "kalo", "lo", "a", "!ka", "z", "über", "'e", "'a"]:
        assert list(catalog.search_indices(query)) == list(expected.search(parse(query)))


@given(
    st.lists(st.integers(0, 2**32 - 1), max_size=40),
    st.integers(0, 2**33) | st.sampled_from([1, 255, 256, 257, 65536, 100_000, 2**24, 2**32]),
)
def test_the_range_check_of_postings_is_exact(values: list[int], limit: int) -> None:
    # Also values near the limit, where its bytes are equal to theirs.
    near = [v for v in (limit - 1, limit, limit + 1, limit - 256, limit + 256) if 0 <= v < 2**32]
    for sample in (values, values + near, near):
        assert savedfile.all_below(array("I", sample), limit) == all(v < limit for v in sample)


@given(st.lists(st.integers(0, 2**64 - 1), max_size=40), st.sampled_from("BHILQ"))
def test_the_order_check_of_offsets_is_exact(values: list[int], typecode: str) -> None:
    top = 1 << (8 * array(typecode).itemsize)
    values = [value % top for value in values]
    for sample in (values, sorted(values), [*sorted(values)[:-1], 0] if values else []):
        expected = all(a <= b for a, b in pairwise(sample))
        assert savedfile.ascending(array(typecode, sample)) == expected


def test_the_range_check_takes_any_unsigned_array_and_no_other() -> None:
    assert savedfile.all_below(array("Q", [2**40]), 2**41)
    assert not savedfile.all_below(array("Q", [2**41]), 2**41)
    assert savedfile.all_below(array("B", [255]), 256)
    with pytest.raises(TypeError):
        savedfile.all_below(array("i", [-1]), 10)


def test_a_note_of_the_saved_index_is_only_a_guess(tmp_path: Path) -> None:
    """The note of which index a load's files had (``remember``) is read as a saved index is:
    a forged, damaged or linked note, or one naming an index not there, means "not saved",
    which only starts a helper building the index ahead."""
    sources = cache.sources_key([("a.txt", cache.stamp(os.stat(tmp_path)))])
    assert sources is not None
    key = "ab" * 32
    assert not cache.likely_saved(tmp_path, sources)
    cache.remember(tmp_path, sources, key)
    assert not cache.likely_saved(tmp_path, sources), "no index saved under that key"
    (tmp_path / f"{key}.index").write_bytes(b"")
    assert cache.likely_saved(tmp_path, sources)
    note = tmp_path / f"{sources}.from"
    data = note.read_bytes()
    note.write_bytes(data.replace(key.encode(), ("cd" * 32).encode()))  # digest broken
    assert not cache.likely_saved(tmp_path, sources)
    note.unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(data)
    note.symlink_to(elsewhere)
    assert not cache.likely_saved(tmp_path, sources)
    assert not cache.likely_saved(tmp_path, "../" + sources[3:])
    cache.remember(tmp_path, sources, "../../x")  # not a key: nothing noted
    assert elsewhere.read_bytes() == data and note.is_symlink()


def test_a_huge_file_in_a_note_s_place_is_not_read(tmp_path: Path) -> None:
    """A note is about 200 bytes: a 16 GB (sparse) file in its place is refused by its size,
    not read whole before the reader's first frame (the tester: 4 GB of memory, 25 s)."""
    sources = cache.sources_key([("a.txt", cache.stamp(os.stat(tmp_path)))])
    assert sources is not None
    with open(tmp_path / f"{sources}.from", "wb") as note:
        note.truncate(1 << 34)
    assert not cache.likely_saved(tmp_path, sources)


def test_a_huge_file_in_a_saved_index_s_place_is_not_read(
    papers: list[Paper], fresh: list[list[int]], tmp_path: Path
) -> None:
    """A saved index is a few hundred bytes a paper: a 16 GB (sparse) file in its place (a
    damaged disk, a sync tool) is refused by its size, not read whole before the first frame
    (the tester: 6 GB of memory, 20 s); one within the bound the text gives still loads."""
    SearchIndex(papers, cache_dir=tmp_path)
    path = tmp_path / f"{cache.catalogue_key(papers)}.index"
    assert SearchIndex(papers, cache_dir=tmp_path).loaded
    good = path.read_bytes()
    with open(path, "r+b") as saved:
        saved.truncate(1 << 34)
    index = SearchIndex(papers, cache_dir=tmp_path)
    assert not index.loaded and answers(index) == fresh
    path.write_bytes(good)
    with pytest.MonkeyPatch.context() as patch:  # past the room a paper gets: the text's
        patch.setattr(cache, "_ROOM", 0)
        patch.setattr(cache, "_ROOM_PER_PAPER", 0)
        assert SearchIndex(papers, cache_dir=tmp_path).loaded
        patch.setattr(cache, "_ROOM_PER_CHARACTER", 0)
        assert not SearchIndex(papers, cache_dir=tmp_path).loaded


def test_the_key_of_a_load_s_files_changes_with_them(tmp_path: Path) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text("one\n")
    first = cache.sources_key([("a.txt", cache.stamp(os.stat(dump)))])
    assert first == cache.sources_key([("a.txt", cache.stamp(os.stat(dump)))])
    assert first != cache.sources_key([("b.txt", cache.stamp(os.stat(dump)))])
    dump.write_text("two\n")
    os.utime(dump, ns=(0, os.stat(dump).st_mtime_ns + 10**9))
    assert first != cache.sources_key([("a.txt", cache.stamp(os.stat(dump)))])
    assert (
        cache.sources_key([("a.txt", cache.stamp(os.stat(dump))), ("-", None)]) is None
    )  # standard input
