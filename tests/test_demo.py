"""The demo catalogue that ships inside the package: it loads cleanly and shows off the features."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

import pytest

import paperterm
from paperterm.catalog import Catalog
from paperterm.identity import paper_id

LOTTERY = "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"
SHARED = "Attention Is All You Need"


@pytest.fixture(scope="module")
def demo_dir() -> Iterator[Path]:
    """The demo folder as a real path, found the way the package finds it."""
    with ExitStack() as stack:
        yield stack.enter_context(as_file(files("paperterm") / "demo"))


@pytest.fixture(scope="module")
def demo(demo_dir: Path) -> Catalog:
    """The demo catalogue, loaded with every Python warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return paperterm.load([demo_dir])


def test_demo_ships_both_layouts(demo_dir: Path) -> None:
    assert sorted(p.name for p in demo_dir.glob("*.txt")) == ["search.txt", "trending.txt"]
    trending = (demo_dir / "trending.txt").read_text(encoding="utf-8").splitlines()
    search = (demo_dir / "search.txt").read_text(encoding="utf-8").splitlines()
    assert trending[2].startswith("Subscribe") and trending[2] != "Subscribe"
    assert "" not in trending
    assert search[:9] == [
        "new",
        "",
        "Get trending papers in your email inbox!",
        "",
        "Subscribe",
        "",
        "byAK and the research community",
        "",
        "Nov 23",
    ]


def test_demo_files_are_clean_utf8_with_one_deliberate_non_ascii(demo_dir: Path) -> None:
    non_ascii = set()
    for file in demo_dir.glob("*.txt"):
        raw = file.read_bytes()
        assert raw.endswith(b"\n") and not raw.endswith(b"\n\n")
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
        non_ascii |= {c for c in raw.decode("utf-8") if ord(c) > 127}
    assert non_ascii == {"\N{MULTIPLICATION SIGN}"}


def test_demo_loads_without_warnings(demo: Catalog) -> None:
    assert demo.warnings == ()
    assert all(paper.abstract for paper in demo)


def test_demo_size_and_both_files_contribute(demo: Catalog) -> None:
    assert 35 <= len(demo) <= 45
    contributing = {Path(source.path).name for paper in demo for source in paper.sources}
    assert contributing == {"search.txt", "trending.txt"}


def test_abstracts_are_short_summaries(demo: Catalog) -> None:
    for paper in demo:
        for abstract in paper.abstracts:
            assert 250 <= len(abstract) <= 900, paper.title


def test_one_paper_is_in_both_files_with_two_abstract_versions(demo: Catalog) -> None:
    shared = [paper for paper in demo if len(paper.sources) > 1]
    assert [paper.title for paper in shared] == [SHARED]
    paper = shared[0]
    assert {Path(source.path).name for source in paper.sources} == {"search.txt", "trending.txt"}
    assert len(paper.abstracts) == 2
    assert len(paper.abstracts[0]) > len(paper.abstracts[1])


def test_some_papers_link_to_code_and_project_pages(demo: Catalog) -> None:
    with_links = [paper for paper in demo if paper.links]
    with_code = [paper for paper in demo if paper.has_code]
    assert len(demo) // 4 <= len(with_links) <= len(demo) // 2
    assert len(with_code) >= 10
    assert any(not link.is_code for paper in demo for link in paper.links)
    for paper in with_links:
        for link in paper.links:
            assert not link.url.endswith((".", ",", ")")), link.url


def test_demo_carries_tex_fragments_and_acronym_titles(demo: Catalog) -> None:
    text = "\n".join(paper.abstract for paper in demo)
    for fragment in ("$O(n^2)$", "\\%", "{", "}", "x_i", "&"):
        assert fragment in text
    titles = " ".join(paper.title for paper in demo)
    for acronym in ("BERT", "GANs", "ViT"):
        assert acronym in titles
    assert min(len(paper.title) for paper in demo) <= 20


def test_lottery_ticket_paper_is_there_under_its_stable_id(demo: Catalog) -> None:
    paper = demo.get(paper_id(LOTTERY))
    assert paper is not None
    assert paper.title == LOTTERY
    assert paper.sources[0].position == 1
