"""Ways of building the search index, side by side on the same catalogue in the same run.

    python benchmarks/bench_build.py                   # 100k, default and long abstracts
    python benchmarks/bench_build.py --sizes 100k,1M --runs 3 --kinds long

- ``word by word``: every title and abstract split into words and each paper appended to its
  words' lists, one Python object at a time, in this process (the build before issue 17);
- ``+ helper``: the same, a second process indexing the later half of the abstracts meanwhile
  (``paperterm/search/helper.py``);
- ``bulk (numpy)``: the texts cut into words as byte arrays and the (word, paper) pairs sorted
  by numpy, on two threads (``paperterm/search/bulk.py``): the build paperterm uses from
  ``index.BULK_PAPERS`` papers;
- ``tantivy``: for scale only, when the ``tantivy`` package is installed (it is no dependency):
  the Rust search engine indexing the same titles and abstracts (its own tokeniser, one segment
  writer per thread), committed to a temporary directory. It builds a different index (no
  typo ranges over our vocabulary, its own ranking), so it is a measured alternative, not the
  same work.

Runs alternate between the kinds, so that a busy spell of this shared machine falls on all of
them; the median wall time and CPU time (this process and its children) of each are printed,
with the floor of the same run (reading the dump and splitting its lines) and the load average.
No cache is used.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import paperterm  # noqa: E402
from bench_first_open import dump_for, parse_size  # noqa: E402
from paperterm.model import Paper  # noqa: E402
from paperterm.search import helper  # noqa: E402
from paperterm.search import index as index_module  # noqa: E402
from paperterm.search.index import SearchIndex  # noqa: E402


def cpu() -> float:
    """CPU seconds of this process (all threads) and of its children that ended."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def word_by_word(papers: Sequence[Paper], use_helper: bool) -> None:
    real_start, real_bulk = helper.start, index_module.BULK_PAPERS
    index_module.BULK_PAPERS = len(papers) + 1
    if not use_helper:
        helper.start = lambda papers, first: None  # type: ignore[assignment]
    try:
        SearchIndex(papers)
    finally:
        helper.start, index_module.BULK_PAPERS = real_start, real_bulk


def bulk(papers: Sequence[Paper]) -> None:
    real_bulk = index_module.BULK_PAPERS
    index_module.BULK_PAPERS = 0
    try:
        SearchIndex(papers)
    finally:
        index_module.BULK_PAPERS = real_bulk


def tantivy_build(papers: Sequence[Paper]) -> None:
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("title", stored=False)
    schema.add_text_field("abstract", stored=False)
    with tempfile.TemporaryDirectory() as folder:
        index = tantivy.Index(schema.build(), path=folder)
        writer = index.writer(heap_size=400_000_000, num_threads=os.cpu_count() or 1)
        for paper in papers:
            writer.add_document(
                tantivy.Document(title=paper.title, abstract="\n".join(paper.abstracts))
            )
        writer.commit()
        writer.wait_merging_threads()


def kinds_of_build(papers: Sequence[Paper]) -> dict[str, Callable[[], None]]:
    kinds: dict[str, Callable[[], None]] = {
        "word by word": lambda: word_by_word(papers, False),
        "+ helper": lambda: word_by_word(papers, True),
        "bulk (numpy)": lambda: bulk(papers),
    }
    try:
        import tantivy  # noqa: F401
    except ImportError:
        print("  (tantivy not installed: `pip install tantivy` to measure it too)")
    else:
        kinds["tantivy"] = lambda: tantivy_build(papers)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default="default,long")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} cores (load average {load}); medians of {args.runs} runs each")
    for size in (parse_size(part) for part in args.sizes.split(",")):
        for kind in args.kinds.split(","):
            path = dump_for(size, kind == "long")
            started = time.perf_counter()
            lines = path.read_text(encoding="utf-8").splitlines()
            floor = time.perf_counter() - started
            del lines
            papers = paperterm.load([path]).papers
            print(f"\n{kind} catalogue, {len(papers):,} papers (floor {floor:.2f} s)")
            builds = kinds_of_build(papers)
            walls: dict[str, list[float]] = {name: [] for name in builds}
            cpus: dict[str, list[float]] = {name: [] for name in builds}
            for _ in range(args.runs):
                for name, run in builds.items():
                    wall, spent = time.perf_counter(), cpu()
                    run()
                    walls[name].append(time.perf_counter() - wall)
                    cpus[name].append(cpu() - spent)
            first = statistics.median(walls["word by word"])
            for name in builds:
                wall, spent = statistics.median(walls[name]), statistics.median(cpus[name])
                print(
                    f"  {name:13s} {wall:6.2f} s wall ({wall / floor:5.1f}x floor,"
                    f" {wall / first:.2f}x word by word)   {spent:6.2f} s CPU"
                )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nload average at the end {load}")


if __name__ == "__main__":
    main()
