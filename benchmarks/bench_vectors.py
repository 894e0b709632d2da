"""How much does the saved copy of the term vectors save? Synthetic catalogues from synth.py.

The term vectors ("for you", ``similar:``) and their inverted index are built once per catalogue;
``paperterm.search.vectorcache`` saves both in the user cache dir (here a temporary one) and the
next session loads them. For each size this prints the build (the baseline, what every session
paid before) and the load of the saved copy, with the goal beside: a reopen at least ten times
cheaper than the build, in CPU time.

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

GOAL_RATIO = 10.0


def seconds(times: list[tuple[float, float]]) -> str:
    wall = statistics.median(wall for wall, _ in times)
    cpu = statistics.median(cpu for _, cpu in times)
    return f"{wall:6.2f} s wall, {cpu:6.2f} s cpu"


def measure(count: int, repeat: int) -> None:
    from paperterm.search import similar, vectorcache

    papers = catalogue(count).papers
    with Timer() as keyed:
        key = vectorcache.catalogue_key(papers)
    directory = vectorcache.default_dir()
    path = directory / (key + ".vectors")
    builds, inverted, loads, loads_all = [], [], [], []
    for _ in range(repeat):
        path.unlink(missing_ok=True)
        similar._latest = None
        with Timer() as timer:
            vectors = similar.term_vectors(papers)  # builds and saves
        builds.append(timer.times)
        assert not vectors.loaded
        with Timer() as timer:
            vectors.similar(0)  # builds the inverted index, and saves it too
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
    build_cpu = statistics.median(cpu for _, cpu in builds)
    inverted_cpu = statistics.median(cpu for _, cpu in inverted)
    load_cpu = statistics.median(cpu for _, cpu in loads_all)
    ratio = (build_cpu + inverted_cpu) / load_cpu
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(
        f"{count:,} papers (median of {repeat}; "
        f"the catalogue digest alone {keyed.times[1]:.2f} s cpu):"
    )
    print(f"  baseline: build the vectors (and save)     {seconds(builds)}")
    print(f"  baseline: build the inverted index (+save) {seconds(inverted)}")
    print(f"  load the saved vectors                     {seconds(loads)}")
    print(
        f"  load the saved vectors and inverted index  {seconds(loads_all)}  ({megabytes:.0f} MB)"
    )
    print(
        f"  reopen {ratio:.0f} times cheaper than both builds in cpu "
        f"(goal: at least {GOAL_RATIO:.0f} times): {verdict}"
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
