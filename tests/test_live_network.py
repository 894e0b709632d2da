"""The one test that talks to the real Hugging Face and arXiv APIs: skipped unless asked for.

    PAPERTERM_NETWORK_TESTS=1 python -m pytest tests/test_live_network.py

It checks that the answers still have the documented shapes: a well-known paper is found by
its title and identified with its arXiv id, authors and category.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperterm.api.http import Endpoints, HttpClient
from paperterm.enrich import enrich
from paperterm.identity import paper_id
from paperterm.metastore import MetaStore
from paperterm.model import Paper

pytestmark = pytest.mark.skipif(
    os.environ.get("PAPERTERM_NETWORK_TESTS") != "1",
    reason="talks to huggingface.co and arxiv.org: set PAPERTERM_NETWORK_TESTS=1 to run it",
)

TITLE = "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"


def test_a_known_paper_is_identified_for_real(tmp_path: Path) -> None:
    paper = Paper(paper_id(TITLE), TITLE, (), (), (), 0)
    store = MetaStore.open(tmp_path / "metadata.json")
    with HttpClient(Endpoints.from_env()) as http:
        report = enrich([paper], store, {}, http)
    assert report.error is None, report.error
    assert report.found == [paper.id]
    meta = store.meta(paper.id)
    assert meta is not None and meta.arxiv_id == "1803.03635"
    assert meta.authors[:2] == ("Jonathan Frankle", "Michael Carbin")
    assert meta.year == 2018 and meta.primary_category == "cs.LG"
