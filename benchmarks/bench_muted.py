"""What the status line's view-relative "N muted" costs beside the rows it counts for.

Since issue 15's last step, "N muted" counts the muted papers of the view and filter shown
(what ``X`` would add), not every muted paper loaded: :meth:`paperterm.triage.Triage.rows`
runs one more search, ``is:muted`` and the filter, then the view's test on each muted match.
For each catalogue size, mute rule and selection this prints the median CPU time
(``time.process_time``) and wall time of

- ``rows``: the rows without the count (``Triage._rows``: the search, the view, the sort), the
  baseline of the same run;
- ``count``: :meth:`Triage.muted_in_view` alone, the cost added to each refilter while the marks
  stay the same (each keystroke of a filter);
- ``cold``: the same count with the marks and the muted papers as new sets, as after a change
  of marks (the searcher keeps the bit set of a set it has seen, by identity; a new set is
  turned into bits once);

and the count's share of the rows. Goal: the count costs at most a quarter of the rows it
accompanies (the refilter a keystroke triggers grows by at most 25%). The search index is
built first; the load average is printed before and after (a busy machine inflates figures).

    python benchmarks/bench_muted.py                 # 100k papers
    python benchmarks/bench_muted.py --size 10k --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import paperterm
from paperterm.catalog import Catalog
from paperterm.triage import Marks, Selection, Triage
from synth import write_dump

OUT = Path(__file__).resolve().parent / "out"

RULES = ("graph", "learning")
"""Mute rules: a word in some papers, and one in most of them (the worst case for the count)."""

SELECTIONS = (
    Selection(view="unread"),
    Selection(query="models"),
    Selection(query="neural network", view="unread"),
    Selection(query="diffusion", view="new", sort="title"),
    Selection(query="is:muted"),
)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds of ``action`` over ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        action()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def load(count: int) -> Catalog:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"muted-{count}.txt"
    if not path.exists():
        write_dump(path, count, seed=15)
    catalog = paperterm.load([path])
    catalog.prepare_search()
    return catalog


def measure(count: int, repeat: int) -> bool:
    catalog = load(count)
    triage = Triage(catalog)
    ids = [paper.id for paper in catalog.papers]
    read = frozenset(ids[::3])
    new = frozenset(ids[count // 2 :])
    met = True
    print(f"{count:,} papers (CPU ms / wall ms, median of {repeat})")
    triage.muted_in_view(SELECTIONS[0], Marks(muted=frozenset(ids[:1])))  # the searcher exists
    for rule in RULES:
        found = catalog.search_indices(rule)
        muted = frozenset(catalog.papers[i].id for i in found)
        marks = Marks(read=read, flags={"new": new}, muted=muted)
        print(f"  mute rule {rule!r}: {len(muted):,} papers muted ({len(muted) / count:.0%})")
        for selection in SELECTIONS:
            rows_cpu, rows_wall = timed(
                lambda s=selection, m=marks: triage._rows(s, m),  # type: ignore[misc]
                repeat,
            )
            count_cpu, count_wall = timed(
                lambda s=selection, m=marks: triage.muted_in_view(s, m),  # type: ignore[misc]
                repeat,
            )
            # New set objects with the same ids (frozenset(a frozenset) would be the same one).
            fresh = iter(
                [
                    replace(marks, read=frozenset([*read]), muted=frozenset([*muted]))
                    for _ in range(repeat)
                ]
            )
            cold_cpu, cold_wall = timed(
                lambda s=selection, f=fresh: triage.muted_in_view(s, next(f)),  # type: ignore[misc]
                repeat,
            )
            share = count_cpu / rows_cpu if rows_cpu else 0.0
            met = met and share <= 0.25
            name = f"{selection.view} {selection.query or '(no filter)'}"
            print(
                f"    {name:<28} rows {rows_cpu:6.1f} / {rows_wall:6.1f}"
                f"   count {count_cpu:5.1f} / {count_wall:5.1f} ({share:4.0%} of the rows)"
                f"   cold {cold_cpu:6.1f} / {cold_wall:6.1f}"
                f"   [{triage.muted_in_view(selection, marks):,} muted in view]"
            )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="papers (10k, 100k...)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.1f}")
    met = measure(parse_size(args.size), args.repeat)
    print(f"load after: {os.getloadavg()[0]:.1f}")
    print("goal (count <= 25% of the rows' CPU time, every line):", "met" if met else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
