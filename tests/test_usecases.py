"""The use cases the command line and the reader share: choose, export, cite, add to the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperterm import usecases
from paperterm.catalog import Catalog
from paperterm.state import StateStore
from test_ui_fixture import MORNING


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore.open(tmp_path / "state" / "state.json")


def test_the_starred_papers_come_in_catalogue_order(catalog: Catalog, store: StateStore) -> None:
    store.set_starred([catalog.papers[4].id, catalog.papers[1].id], True)
    chosen = usecases.choose_papers(catalog, store)
    assert chosen.papers == [catalog.papers[1], catalog.papers[4]]
    assert chosen.what == "starred papers"
    assert usecases.starred_papers(catalog, store) == chosen.papers


def test_a_query_or_every_paper(catalog: Catalog, store: StateStore) -> None:
    found = usecases.choose_papers(catalog, store, query="sheep")
    assert [p.title for p in found.papers] == ["Diffusion Models Dream of Electric Sheep"]
    assert found.what == "papers matching the query"
    assert usecases.choose_papers(catalog, store, every=True).papers == list(catalog.papers)


def test_no_star_says_why(catalog: Catalog, store: StateStore) -> None:
    assert "star some with `s`" in usecases.choose_papers(catalog, store).hint
    store.set_starred(["0123456789ab"], True)  # a paper of a dump not loaded
    chosen = usecases.choose_papers(catalog, store)
    assert chosen.papers == []
    assert "1 starred paper in dumps not loaded" in chosen.hint


def test_list_papers_is_the_readers_selection(catalog: Catalog, store: StateStore) -> None:
    store.set_read([catalog.papers[0].id], True)
    unread = usecases.list_papers(catalog, store, unread=True, sort="title")
    assert catalog.papers[0] not in unread
    assert [p.title for p in unread] == sorted((p.title for p in unread), key=str.casefold)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.bib", "bibtex"),
        ("a.MD", "markdown"),
        ("a.csv", "csv"),
        ("a.json", "json"),
        ("a", "bibtex"),
    ],
)
def test_the_extension_chooses_the_format(name: str, fmt: str) -> None:
    assert usecases.format_for(Path(name)) == fmt


def test_export_to_file_writes_and_pins(
    catalog: Catalog, store: StateStore, tmp_path: Path
) -> None:
    papers = list(catalog.papers[:2])
    result = usecases.export_to_file(papers, tmp_path / "refs.md", store)
    assert (tmp_path / "refs.md").read_text(encoding="utf-8") == result.text
    assert result.text.startswith("#") or "Sparse Lanterns" in result.text
    assert store.pinned_keys == result.keys
    assert StateStore.open(store.path).pinned_keys == result.keys


def test_export_to_the_state_file_pins_nothing(
    catalog: Catalog, store: StateStore, tmp_path: Path
) -> None:
    store.set_starred([catalog.papers[0].id], True)
    before = store.path.read_bytes()
    with pytest.raises(OSError, match="is the state file"):
        usecases.export_to_file([catalog.papers[0]], store.path, store)
    assert store.path.read_bytes() == before
    assert store.pinned_keys == {}


def test_cite_pins_the_key_once(catalog: Catalog, store: StateStore) -> None:
    paper = catalog.papers[0]
    first = usecases.cite(paper, store)
    assert first.error is None
    assert first.entry.startswith(f"@misc{{{first.key},")
    assert store.get(paper.id).bibkey == first.key
    assert usecases.cite(paper, store).key == first.key


def test_add_to_library_keeps_each_dump_once(tmp_path: Path) -> None:
    library = tmp_path / "library"
    data = MORNING.encode("utf-8")
    other = MORNING.replace("Quantised Quokkas", "Quantised Wombats").encode("utf-8")
    report = usecases.add_to_library(
        library,
        [
            ("morning.txt", "morning.txt", data),
            ("again", "copy.txt", data),  # the same bytes under another name: already there
            ("other", "morning.txt", other),  # another dump with a taken name
            ("morning.txt", "morning.txt", data),  # already there
            ("junk", "junk.txt", b""),
        ],
    )
    assert [p.name for p in report.added] == ["morning.txt", "morning-2.txt"]
    assert report.already == ["again", "morning.txt"]
    assert len(report.refused) == 1 and report.refused[0].startswith("junk")
    assert len(report.papers) == 7
    assert not list(library.glob(".*"))  # no temporary file left
