# ruff: noqa: E501 - the dumps hold one abstract per line, as real ones do
"""A small made-up catalogue for the UI tests and snapshots (two dumps, both layouts)."""

from __future__ import annotations

from pathlib import Path

import paperterm
from paperterm.catalog import Catalog

MORNING = """Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeSparse Lanterns: Pruning Vision Transformers by Candlelight
We prune vision transformers with a lantern score that keeps 10\\% of the heads and loses almost nothing on ImageNet. Code: https://github.com/example/sparse-lanterns
Gradient Gardening for Small Language Models
Small language models grow better when their gradients are trimmed like hedges. We study trimming schedules across sizes from 10M to 1B parameters.
Tea Leaves: Reading Attention Maps for Fun and Profit
Attention maps look like tea leaves; we give a method to read them that agrees with human raters on 80\\% of cases.
A Benchmark of Benchmarks
We collect 412 benchmarks and rank them by how often they are misused. Project page: https://benchmarks.example.org/bob
Diffusion Models Dream of Electric Sheep
A diffusion model trained on pastoral scenes learns to count sheep; we show counting emerges at scale. https://github.com/example/electric-sheep and https://sheep.example.org
Quantised Quokkas: 2-bit Inference on a Laptop
Two-bit weights with a learned codebook keep perplexity within 3\\% of the full model while running on a laptop CPU.
"""

EVENING = """new

Get trending papers in your email inbox!

Subscribe

byAK and the research community

Jul 4

Gradient Gardening for Small Language Models

Trimming gradients like hedges helps small language models.

Reinforcement Learning from Rubber Ducks

Agents that explain their plan to a rubber duck before acting solve 30% more puzzles; the duck needs no parameters.

Graph Neural Networks on Subway Maps

Message passing over subway maps predicts crowding with $O(n)$ cost per step; code at https://github.com/example/subway-gnn.

A Very Long Title About Retrieval Augmented Generation That Keeps Going Well Past The Width Of Any Reasonable List Pane

Long titles must be cut with an ellipsis in the list and shown whole in the detail pane.

Contrastive Cats and Dogs

Contrastive pre-training on pets transfers to wildlife surveys.
"""

TITLES = 10
"""Distinct papers in the two dumps (one title appears in both)."""


def write_fixture(folder: Path) -> Path:
    """Write the two fixture dumps into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "morning.txt").write_text(MORNING, encoding="utf-8")
    (folder / "evening.txt").write_text(EVENING, encoding="utf-8")
    return folder


def load_fixture(folder: Path) -> Catalog:
    """The fixture catalogue: morning papers first, then the evening's new ones."""
    write_fixture(folder)
    return paperterm.load([folder / "morning.txt", folder / "evening.txt"])


def test_fixture_has_what_the_ui_tests_rely_on(tmp_path: Path) -> None:
    catalog = load_fixture(tmp_path)
    assert len(catalog) == TITLES
    gardening = catalog.papers[1]
    assert gardening.title == "Gradient Gardening for Small Language Models"
    assert len(gardening.abstracts) == 2
    assert len(gardening.sources) == 2
    assert catalog.papers[0].has_code
    assert catalog.papers[2].url is None
    assert catalog.papers[3].url == "https://benchmarks.example.org/bob"
