"""Two ways of building the search index, side by side on the same catalogue in the same run.

    python benchmarks/bench_build.py                   # 100k, default and long abstracts
    python benchmarks/bench_build.py --sizes 100k,1M --runs 3

- ``one process``: every title and abstract split and grouped in this process (the build as it
  was before issue 17);
- ``helper``: a second process indexes the later half of the abstracts meanwhile
  (``paperterm/search/helper.py``), this one the titles and the rest, then the halves are joined.

Runs alternate between the two (one, helper, one, helper...), so that a busy spell of this
shared machine falls on both; the median wall time of each and their ratio are printed, with the
floor of the same run (reading the dump and splitting its lines) for scale. No cache is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import paperterm  # noqa: E402
from bench_first_open import dump_for, parse_size  # noqa: E402
from paperterm.search import helper  # noqa: E402
from paperterm.search.index import SearchIndex  # noqa: E402


def build(papers: object, use_helper: bool) -> float:
    real = helper.start
    if not use_helper:
        helper.start = lambda papers, first: None  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        SearchIndex(papers)  # type: ignore[arg-type]
        return time.perf_counter() - started
    finally:
        helper.start = real


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
            times: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(args.runs):
                for use_helper in (False, True):
                    times[use_helper].append(build(papers, use_helper))
            one, two = statistics.median(times[False]), statistics.median(times[True])
            print(f"\n{kind} catalogue, {len(papers):,} papers (floor {floor:.2f} s)")
            print(f"  one process  {one:6.2f} s  ({one / floor:.1f}x floor)")
            print(
                f"  helper       {two:6.2f} s  ({two / floor:.1f}x floor)  = {two / one:.2f}x one"
            )


if __name__ == "__main__":
    main()
