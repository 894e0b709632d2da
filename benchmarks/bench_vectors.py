"""How cheap are the term vectors ("for you", ``similar:``) to get? Synthetic catalogues.

The term vectors and their inverted index are built once per catalogue. For each size this
prints, from the same run:

- the baseline: both built paper by paper and pair by pair in pure Python (what every session
  paid before; what a machine without numpy still does);
- the first open: both built by numpy (``paperterm.search.similar``, from 5,000 papers), then
  saved in the user cache dir (here a temporary one) by ``paperterm.search.vectorcache``;
- a reopen: the saved copy loaded (the vectors alone, as saved before the inverted index was
  built, and both).

Goals, in CPU time against the baseline: a first open at least 2 times cheaper, a reopen at
least 10 times cheaper.

    python benchmarks/bench_vectors.py [--sizes 10k,100k] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_recommend import Timer, catalogue, size

FIRST_GOAL = 2.0
REOPEN_GOAL = 10.0


def seconds(times: list[tuple[float, float]]) -> str:
    wall = statistics.median(wall for wall, _ in times)
    cpu = statistics.median(cpu for _, cpu in times)
    return f"{wall:6.2f} s wall, {cpu:6.2f} s cpu"


def row(label: str, times: list[tuple[float, float]]) -> str:
    return f"  {label:<48} {seconds(times)}"


def cpu_of(*runs: list[tuple[float, float]]) -> float:
    return sum(statistics.median(cpu for _, cpu in times) for times in runs)


def verdict(ratio: float, goal: float) -> str:
    return f"{ratio:.1f} times cheaper (goal: at least {goal:.0f} times): " + (
        "met" if ratio >= goal else "NOT met"
    )


def measure(count: int, repeat: int) -> None:
    from paperterm.search import similar, vectorcache

    papers = catalogue(count).papers
    with Timer() as keyed:
        key = vectorcache.catalogue_key(papers)
    directory = vectorcache.default_dir()
    path = directory / (key + ".vectors")
    slow, slow_inverted, builds, inverted, loads, loads_all = [], [], [], [], [], []
    bulk_from = similar.BULK_PAPERS
    for _ in range(repeat):
        similar.BULK_PAPERS = count + 1  # paper by paper, pair by pair: the baseline
        with Timer() as timer:
            vectors = similar.TermVectors(papers)
        slow.append(timer.times)
        with Timer() as timer:
            vectors.dots(0)  # builds the inverted index
        slow_inverted.append(timer.times)
        similar.BULK_PAPERS = bulk_from
        path.unlink(missing_ok=True)
        similar._latest = None
        with Timer() as timer:
            vectors = similar.term_vectors(papers)  # builds (by numpy) and saves
        builds.append(timer.times)
        assert not vectors.loaded
        with Timer() as timer:
            vectors.dots(0)  # builds the inverted index, and saves it too
        inverted.append(timer.times)
        vectors.on_inverted = None
        # The vectors alone, as a session that never built the inverted index saved them.
        vectorcache.save(directory, key, dataclasses.replace(vectors.saved(), postings=None))
        similar._latest = None
        with Timer() as timer:
            loaded = similar.term_vectors(papers)
        loads.append(timer.times)
        assert loaded.loaded and not loaded.inverted_ready
        vectorcache.save(directory, key, vectors.saved())
        similar._latest = None
        with Timer() as timer:
            loaded = similar.term_vectors(papers)
        loads_all.append(timer.times)
        assert loaded.loaded and loaded.inverted_ready
    megabytes = path.stat().st_size / 1e6
    baseline = cpu_of(slow, slow_inverted)
    print(
        f"{count:,} papers (median of {repeat}; "
        f"the catalogue digest alone {keyed.times[1]:.2f} s cpu):"
    )
    print(row("baseline: the vectors paper by paper", slow))
    print(row("baseline: the inverted index pair by pair", slow_inverted))
    print(row("first open: the vectors by numpy (and save)", builds))
    print(row("first open: the inverted index by numpy (+save)", inverted))
    print(row("reopen: load the saved vectors", loads))
    print(row("reopen: load the vectors and inverted index", loads_all), f" ({megabytes:.0f} MB)")
    print(f"  first open, both: {verdict(baseline / cpu_of(builds, inverted), FIRST_GOAL)}")
    print(f"  reopen, both:     {verdict(baseline / cpu_of(loads_all), REOPEN_GOAL)}")
    print(
        f"  (reopen against the first open: {cpu_of(builds, inverted) / cpu_of(loads_all):.1f} "
        "times cheaper)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_CACHE_HOME"] = home
        for count in map(size, args.sizes.split(",")):
            measure(count, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
