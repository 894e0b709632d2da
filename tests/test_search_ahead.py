"""The index built ahead by a helper process while the loader reads: the very index the
process builds itself, or that one when anything goes wrong."""

from __future__ import annotations

import gc
import importlib.machinery
import importlib.util
import os
import random
import signal
import threading
from array import array
from pathlib import Path

import pytest

import paperterm
from paperterm.catalog import Catalog
from paperterm.search import ahead, bulk, cache
from paperterm.search.index import SearchIndex
from test_search_cache import answers, fields

pytest.importorskip("numpy")

HEADER = (
    "Get trending papers in your email inbox once a day!\n"
    "Get trending papers in your email inbox!\nSubscribe"
)
WORDS = [
    "diffusion",
    "model",
    "graph",
    "neural",
    "network",
    "transformer",
    "attention",
    "sparse",
    "dense",
    "vision",
    "language",
    "reinforcement",
    "learning",
    "agent",
    "benchmark",
    "retrieval",
    "augmented",
    "generation",
    "quantization",
    "Straße",
    "naïve",
    "Über",
    "日本語",
    "ＧＰＴ-4",
    "self_attention",
    "x",
]


def write_dumps(folder: Path, count: int, seed: int = 0, ascii_only: bool = False) -> list[Path]:
    """Two dumps: the second repeats some papers of the first (another abstract, another case
    of the title) and ends with a title without abstract."""
    pick = random.Random(seed)
    words = [word for word in WORDS if word.isascii()] if ascii_only else WORDS

    def text(low: int, high: int) -> str:
        return " ".join(pick.choice(words) for _ in range(pick.randint(low, high)))

    titles = [f"{text(3, 9)} {number}" for number in range(count)]
    first = [HEADER + titles[0]] + [f"{text(20, 60)}." for _ in range(1)]
    for title in titles[1:]:
        first += [title, f"{text(20, 60)}."]
    second = [HEADER + titles[3].upper(), "Another abstract of the same paper."]
    for number in range(0, count, 5):
        second += [titles[number], f"{text(5, 30)}." if number % 2 else "Same one."]
    second += ["A brand new paper", "Its abstract, with www.example.org in it.", "Left alone"]
    paths = [folder / "a.txt", folder / "b.txt"]
    for path, lines in zip(paths, [first, second], strict=True):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


@pytest.fixture
def small_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Helpers for small loads too, however busy the machine running the tests."""
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(ahead, "BUSY_MARGIN", -1e9)


def loaded_ahead(paths: list[Path]) -> tuple[Catalog, ahead.Ahead]:
    """The dumps loaded with a helper building their index: the catalogue and its helper."""
    catalog = paperterm.load(paths, index_ahead=True)
    helper = catalog._ahead
    assert helper is not None
    return catalog, helper


def same_index(first: SearchIndex, second: SearchIndex) -> None:
    assert first.words == second.words
    assert fields(first) == fields(second)


def no_build(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("built in the process")


def helper_s_index_is_built_here_alike(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole index the catalogue's helper hands over (nothing built here) is the index
    built here from the same papers."""
    with monkeypatch.context() as patch:
        patch.setattr(SearchIndex, "_build", no_build)
        whole = SearchIndex(catalog.papers, ahead=catalog._ahead)
    same_index(whole, SearchIndex(catalog.papers))


@pytest.mark.usefixtures("small_ahead")
def test_the_index_built_ahead_is_the_index_built_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_dumps(tmp_path, 3000)
    catalog, helper = loaded_ahead(paths)
    assert catalog.warnings  # the title left alone
    with monkeypatch.context() as patch:
        patch.setattr(SearchIndex, "_build", no_build)
        titles = SearchIndex(catalog.papers, titles_only=True, ahead=helper)
        whole = SearchIndex(catalog.papers, ahead=helper)
    same_index(titles, SearchIndex(catalog.papers, titles_only=True))
    expected = SearchIndex(catalog.papers)
    same_index(whole, expected)
    assert answers(whole) == answers(expected)
    assert helper._process.poll() is not None, "the helper still runs"


@pytest.mark.usefixtures("small_ahead")
@pytest.mark.parametrize("ascii_only", [False, True])
def test_many_blocks_and_chunks_make_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ascii_only: bool
) -> None:
    """Texts over several blocks of the loader (a record each), cut in many small chunks: from
    the texts' bytes as they come when ASCII, from the texts decoded otherwise."""
    monkeypatch.setenv(ahead._CHUNK_VARIABLE, "40000")
    paths = write_dumps(tmp_path, 9000, seed=2, ascii_only=ascii_only)
    assert paths[0].stat().st_size > 2 << 20
    catalog = paperterm.load(paths, index_ahead=True)
    helper_s_index_is_built_here_alike(catalog, monkeypatch)


@pytest.mark.usefixtures("small_ahead")
def test_the_catalogue_searches_with_the_index_built_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_dumps(tmp_path, 1500, seed=3)
    expected = paperterm.load(paths)
    expected.prepare_search()
    catalog = paperterm.load(paths, index_ahead=True)
    monkeypatch.setattr(SearchIndex, "_build", no_build)
    for query in ("diffusion", "graph model -sparse", "straße", "nai", "title:ＧＰＴ", "grahp"):
        assert list(catalog.search_indices(query)) == list(expected.search_indices(query))
    assert catalog._ahead is None


@pytest.mark.usefixtures("small_ahead")
def test_a_helper_that_dies_means_a_build_here(tmp_path: Path) -> None:
    paths = write_dumps(tmp_path, 800, seed=5)
    catalog, helper = loaded_ahead(paths)
    helper._process.kill()
    helper._process.wait()
    same_index(SearchIndex(catalog.papers, ahead=helper), SearchIndex(catalog.papers))


@pytest.mark.usefixtures("small_ahead")
def test_a_broken_answer_means_a_build_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_dumps(tmp_path, 800, seed=6)
    catalog, helper = loaded_ahead(paths)
    monkeypatch.setattr(ahead, "_MAX_SECTIONS", 3)  # every answer now looks broken
    assert helper.titles(len(catalog)) is None
    assert helper.failed
    same_index(SearchIndex(catalog.papers, ahead=helper), SearchIndex(catalog.papers))


@pytest.mark.usefixtures("small_ahead")
def test_a_wrong_index_fails_the_sample_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Say the helper mixed up two papers' numbers: the papers tokenised again find it out."""
    paths = write_dumps(tmp_path, 800, seed=7)
    catalog, helper = loaded_ahead(paths)
    real = cache.decode

    def shifted(*args: object, **kwargs: object) -> object:
        words, states = real(*args, **kwargs)  # type: ignore[arg-type]
        for state in states:
            state.flat[:] = array("I", [(n + 1) % len(catalog) for n in state.flat])
        return words, states

    monkeypatch.setattr(cache, "decode", shifted)
    same_index(SearchIndex(catalog.papers, ahead=helper), SearchIndex(catalog.papers))


@pytest.mark.usefixtures("small_ahead")
def test_a_text_holding_the_separator_stops_the_helper() -> None:
    helper = ahead.Ahead.start()
    assert helper is not None
    helper.add(ahead.TITLES, [0, 1], ["fine", "not\x00fine"])
    helper.finish(2)
    assert helper.whole(2) is None
    assert helper.failed and helper._process.poll() is not None


@pytest.mark.usefixtures("small_ahead")
def test_no_helper_unless_asked_for_big_not_huge_and_a_core_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_dumps(tmp_path, 200, seed=8)
    assert paperterm.load(paths)._ahead is None
    monkeypatch.setattr(ahead, "MIN_BYTES", sum(path.stat().st_size for path in paths) + 1)
    assert paperterm.load(paths, index_ahead=True)._ahead is None
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert paperterm.load(paths, index_ahead=True)._ahead is None
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(ahead, "BUSY_MARGIN", 1.5)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.6, 1.0, 1.0))
    assert paperterm.load(paths, index_ahead=True)._ahead is None, "no core free"
    monkeypatch.setattr(os, "getloadavg", lambda: (2.4, 3.0, 3.0))
    size = sum(path.stat().st_size for path in paths)
    monkeypatch.setattr(ahead, "MAX_BYTES", size - 1)
    assert paperterm.load(paths, index_ahead=True)._ahead is None, "too big: built here"
    monkeypatch.setattr(ahead, "MAX_BYTES", size)
    helper = paperterm.load(paths, index_ahead=True)._ahead
    assert helper is not None
    helper.cancel()


def plant_modules(folder: Path, modules: tuple[str, ...]) -> Path:
    """Modules named as the standard library's in ``folder``, each noting in the file returned
    that it ran (the file is not there until one does)."""
    ran = folder / "ran"
    for module in modules:
        (folder / f"{module}.py").write_text(f"open({str(ran)!r}, 'a').write('{module} ')\n")
    return ran


def helper_runs_none_of_them(ran: Path, where: str) -> None:
    """A helper started now builds an index of two papers without running a planted module."""
    helper = ahead.Ahead.start()
    assert helper is not None
    helper.add(ahead.TITLES, [0, 1], ["graph neural", "sparse attention"])
    helper.add(ahead.ABSTRACTS, [0, 1], ["a graph", "sparse"])
    helper.finish(2)
    index = helper.whole(2)
    assert not ran.exists(), f"the helper ran {ran.read_text()}from {where}"
    assert index is not None, "the helper failed"


@pytest.mark.usefixtures("small_ahead")
def test_the_helper_runs_no_module_of_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of dumps opened where it lies may hold a ``numpy.py`` (or a ``json.py``): the
    helper, a ``python -c`` of its own, must not import it."""
    ran = plant_modules(tmp_path, ("numpy", "array", "json", "struct"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    helper_runs_none_of_them(ran, "the current folder")


@pytest.mark.usefixtures("small_ahead")
def test_paperterm_s_folder_stands_in_for_no_module_of_the_standard_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """paperterm's folder is often site-packages itself, where an obsolete backport of a
    standard module may lie beside it: the helper goes on taking the standard library's."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "paperterm").symlink_to(Path(ahead.__file__).resolve().parents[1])
    ran = plant_modules(root, ("heapq", "json", "struct", "bisect"))
    folders = ahead._import_folders()
    assert folders is not None
    monkeypatch.setattr(ahead, "_import_folders", lambda: (str(root), folders[1]))
    helper_runs_none_of_them(ran, "paperterm's folder")


def test_the_helper_takes_numpy_from_where_this_interpreter_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Isolated, the helper looks neither in the user's site folder (``pip install --user``)
    nor on ``PYTHONPATH``: it is told the folder numpy was found in, and none without numpy."""
    found = importlib.machinery.ModuleSpec("numpy", None, origin=str(tmp_path / "numpy" / "x.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: found)
    root = Path(ahead.__file__).resolve().parents[2]
    assert ahead._import_folders() == (str(root), str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert ahead._import_folders() is None
    monkeypatch.setattr(ahead, "_core_free", lambda: True)
    assert ahead.Ahead.start() is None


@pytest.mark.usefixtures("small_ahead")
def test_the_helper_ends_with_its_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The helper's answer (about 300 KB) fills a pipe of 64 KB: it cannot end by itself unread,
    # however late this test drops the catalogue.
    monkeypatch.setattr(ahead, "_PIPE", 1 << 16)
    paths = write_dumps(tmp_path, 3000, seed=9)
    catalog, helper = loaded_ahead(paths)
    process = helper._process
    del catalog, helper
    gc.collect()
    assert process.wait(timeout=30) < 0, "not stopped: it ended by itself"


@pytest.mark.usefixtures("small_ahead")
def test_a_saved_index_stops_the_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MIN_PAPERS", 100)
    paths = write_dumps(tmp_path, 600, seed=10)
    paperterm.load(paths).search_indices("graph")  # built and saved
    catalog, helper = loaded_ahead(paths)
    catalog.search_indices("graph")
    assert catalog._searcher is not None and catalog._searcher.index.loaded
    assert helper.failed and helper._process.poll() is not None


@pytest.mark.usefixtures("small_ahead")
def test_a_load_that_fails_stops_its_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[ahead.Ahead] = []
    real = ahead.Ahead.start

    def start() -> ahead.Ahead | None:
        helper = real()
        if helper is not None:
            started.append(helper)
        return helper

    monkeypatch.setattr(ahead.Ahead, "start", start)
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing here\n", encoding="utf-8")
    with pytest.raises(paperterm.DumpError):
        paperterm.load([empty], index_ahead=True)
    assert started and started[0].failed


def test_without_a_helper_numpy_is_imported_during_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_dumps(tmp_path, 200, seed=11)
    calls: list[bool] = []
    monkeypatch.setattr(ahead, "import_numpy_meanwhile", lambda: calls.append(True))
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(ahead, "BUSY_MARGIN", 1e9)  # no core ever free
    assert paperterm.load(paths, index_ahead=True)._ahead is None
    assert calls == [True]
    paperterm.load(paths)  # not asked for: no search to come
    monkeypatch.setattr(ahead, "MIN_BYTES", 1 << 40)  # small: built word by word, no numpy
    paperterm.load(paths, index_ahead=True)
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(ahead, "BUSY_MARGIN", -1e9)  # a helper: it has numpy
    helper = paperterm.load(paths, index_ahead=True)._ahead
    assert helper is not None
    helper.cancel()
    assert calls == [True]


@pytest.mark.usefixtures("small_ahead")
def test_a_helper_lagging_behind_makes_the_load_wait_not_hold_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper stopped for a second as the load starts: the load waits for it past
    MAX_PENDING bytes instead of holding every text it has not read."""
    monkeypatch.setattr(ahead, "MAX_PENDING", 1000)
    held: list[int] = []
    real_push, real_start = ahead.Ahead._push, ahead.Ahead.start

    def push(self: ahead.Ahead) -> None:
        real_push(self)
        held.append(self._pending_bytes)

    def start() -> ahead.Ahead | None:
        helper = real_start()
        assert helper is not None
        pid = helper._process.pid
        os.kill(pid, signal.SIGSTOP)
        threading.Timer(1.0, os.kill, (pid, signal.SIGCONT)).start()
        return helper

    monkeypatch.setattr(ahead.Ahead, "_push", push)
    monkeypatch.setattr(ahead.Ahead, "start", start)
    paths = write_dumps(tmp_path, 20_000, seed=12, ascii_only=True)
    assert paths[0].stat().st_size > 5 << 20
    catalog = paperterm.load(paths, index_ahead=True)
    assert held and max(held) < 2 << 20  # a block beyond what the pipe takes, not the file
    helper_s_index_is_built_here_alike(catalog, monkeypatch)


@pytest.mark.usefixtures("small_ahead")
def test_no_helper_when_the_same_files_had_their_index_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reopen loads the saved index: a helper building it meanwhile would be killed unused
    (and slows the load down). The files' status tells a reopen before they are read."""
    monkeypatch.setattr(cache, "MIN_PAPERS", 100)
    paths = write_dumps(tmp_path, 600, seed=12)
    catalog, helper = loaded_ahead(paths)  # a first open
    catalog.search_indices("graph")  # built (by the helper) and saved
    numpy_imports: list[bool] = []
    monkeypatch.setattr(ahead, "import_numpy_meanwhile", lambda: numpy_imports.append(True))
    reopened = paperterm.load(paths, index_ahead=True)
    assert reopened._ahead is None
    assert numpy_imports == [True]  # for the saved index's checks
    assert list(reopened.search_indices("graph")) == list(catalog.search_indices("graph"))
    assert reopened._searcher is not None and reopened._searcher.index.loaded
    # The saved index gone (another catalogue's took its place): a helper again.
    for saved in cache.default_dir().glob("*.index"):
        saved.unlink()
    evicted, helper = loaded_ahead(paths)
    helper.cancel()
    del evicted
    # Built and saved again by that load's search; then a file changes: a helper again.
    paperterm.load(paths, index_ahead=True).search_indices("graph")
    assert paperterm.load(paths, index_ahead=True)._ahead is None
    with paths[1].open("a", encoding="utf-8") as dump:
        dump.write("One more paper\nIts abstract.\n")
    _changed, helper = loaded_ahead(paths)
    helper.cancel()


@pytest.mark.usefixtures("small_ahead")
def test_a_bad_input_among_good_ones_is_a_warning_on_a_load_with_a_helper(
    tmp_path: Path,
) -> None:
    """A missing file named, and a dangling link in a folder, beside good dumps: the good ones
    load with a warning for each, as without a helper (the inputs' key for the reopen note
    gave such a problem a status it could not read: a TypeError before the first frame)."""
    paths = write_dumps(tmp_path, 60, seed=3)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    catalog, helper = loaded_ahead([tmp_path, tmp_path / "missing.txt"])
    helper.cancel()
    assert len(catalog) == len(paperterm.load(paths))
    assert any("gone.txt" in warning for warning in catalog.warnings)
    assert any("missing.txt" in warning for warning in catalog.warnings)


def test_the_titles_index_does_not_wait_for_abstracts_still_to_be_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The helper's titles-only index (a reader's first answer) is made once the titles are
    cut, however many abstracts still wait to be (a helper lagging behind the load)."""
    monkeypatch.setattr(bulk, "_CHUNK", 64)  # many small chunks
    release = threading.Event()
    cut = bulk._Tables.cut

    def held(tables: bulk._Tables, chunk: tuple[list[str], object, object]) -> bulk._Chunk:
        if any("abstract" in text for text in chunk[0]):
            release.wait(30)
        return cut(tables, chunk)

    monkeypatch.setattr(bulk._Tables, "cut", held)
    stream = bulk.Stream()
    stream.add(ahead.ABSTRACTS, range(40), [f"an abstract of paper {n}" for n in range(40)])
    stream.add(ahead.TITLES, range(40), [f"the title of paper {n}" for n in range(40)])
    titles: list[bulk.Built] = []
    thread = threading.Thread(target=lambda: titles.append(stream.build(True)), daemon=True)
    try:
        thread.start()
        thread.join(20)
        came_first = bool(titles)
    finally:
        release.set()
        thread.join(30)
    assert came_first, "the titles waited for the abstracts"
    assert "title" in titles[0].words and "abstract" not in titles[0].words
    assert "abstract" in stream.build().words
