"""How fast are "for you" and ``similar:``? Synthetic catalogues from synth.py.

- Refit after a star (goal: well under a second at 10k papers): the user has read 30% of the
  catalogue and starred a tenth of what was read; each timing stars one more paper and asks
  ``recommend.for_you`` for the new order (fit, score every paper, order the unread). The baseline
  of the same run is the logistic regression, the model not chosen, refitted the same way.
- ``similar:`` latency (goal: 50 ms at 100k papers, once built): ``TermVectors.similar`` for
  random papers, walking the inverted index; the baseline of the same run is the brute force,
  the paper's vector against every paper's.
- The one-off costs beside them: building the vectors, and the inverted index on first use.

    python benchmarks/bench_recommend.py [--refit-size 10k] [--similar-size 100k] [--runs 30]
"""

from __future__ import annotations

import argparse
import heapq
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from paperterm.catalog import Catalog
from paperterm.identity import paper_id
from paperterm.model import Paper
from paperterm.recommend import ModelKind, for_you
from paperterm.search.similar import TermVectors, term_vectors

REFIT_GOAL = 1.0
SIMILAR_GOAL = 0.050


def size(text: str) -> int:
    text = text.lower()
    if text.endswith("k"):
        return int(float(text[:-1]) * 1_000)
    if text.endswith("m"):
        return int(float(text[:-1]) * 1_000_000)
    return int(text)


def catalogue(count: int) -> Catalog:
    papers = [
        Paper(paper_id(title), title, (abstract,), (), (), number)
        for number, (title, abstract) in enumerate(synth.papers(count))
    ]
    return Catalog(papers)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentiles(times: list[tuple[float, float]]) -> str:
    """Wall-clock p50, p95 and max, then CPU time p50 and p95 (the work itself: what is left of
    the wall time on a machine busy with other jobs)."""
    walls = sorted(wall for wall, _ in times)
    cpus = sorted(cpu for _, cpu in times)
    at95 = min(len(walls) - 1, round(0.95 * (len(walls) - 1)))
    return (
        f"p50 {ms(statistics.median(walls))}, p95 {ms(walls[at95])}, max {ms(walls[-1])}; "
        f"cpu p50 {ms(statistics.median(cpus))}, p95 {ms(cpus[at95])}"
    )


class Timer:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.times = (time.perf_counter() - self._wall, time.process_time() - self._cpu)


def refit(count: int, runs: int) -> None:
    catalog = catalogue(count)
    papers = catalog.papers
    with Timer() as timer:
        term_vectors(papers)
    wall, cpu = timer.times
    print(f"{count:,} papers: term vectors built in {wall:.2f} s (cpu {cpu:.2f} s), once")
    rng = random.Random(7)
    read = {paper.id for paper in rng.sample(papers, int(0.3 * count))}
    starred = set(rng.sample(sorted(read), max(1, len(read) // 10)))
    unread = [paper.id for paper in papers if paper.id not in read]
    kinds: tuple[ModelKind, ...] = ("rocchio", "logistic")
    for kind in kinds:
        stars = set(starred)
        with Timer() as first:
            for_you(papers, read, stars, kind)
        print(
            f"  {kind}: first fit for these marks (scores everything) {ms(first.times[0])} "
            f"(cpu {ms(first.times[1])}), once"
        )
        if kind == "rocchio":
            with Timer() as inverted:
                term_vectors(papers).dots(0)  # what the first star builds, in the background
            print(
                f"  inverted index for the refits {ms(inverted.times[0])} "
                f"(cpu {ms(inverted.times[1])}), once, in the background after the first star"
            )
        times = []
        for number in range(runs):
            stars.add(unread[number])  # a star on an unread paper: new marks, so a refit
            with Timer() as timer:
                picks = for_you(papers, read, stars, kind)
            times.append(timer.times)
            assert picks.model is not None
        label = "for you, refit after a star" if kind == "rocchio" else "baseline: logistic"
        goal = f"  (goal < {REFIT_GOAL:.0f} s)" if kind == "rocchio" else ""
        print(
            f"  {label:<30} ({len(read):,} read, {len(stars):,} starred): "
            f"{percentiles(times)}{goal}"
        )


def exact_similar(vectors: TermVectors, position: int, limit: int = 100) -> list[int]:
    """The papers most like this one by their exact cosines: every posting walked in full (what
    ``similar`` did before it cut the walk over long postings short)."""
    scores = vectors.dots(position)
    scores.pop(position, None)
    best = heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], -item[0]))
    return [paper for paper, score in best if score > 0.0]


def similar(count: int, runs: int) -> None:
    catalog = catalogue(count)
    with Timer() as built:
        vectors = TermVectors(catalog.papers)
    with Timer() as inverted:
        vectors.similar(0)
    print(
        f"{count:,} papers: term vectors built in {built.times[0]:.2f} s (cpu "
        f"{built.times[1]:.2f} s), the inverted index on first use in {inverted.times[0]:.2f} s "
        f"(cpu {inverted.times[1]:.2f} s), once"
    )
    rng = random.Random(11)
    chosen = [rng.randrange(count) for _ in range(runs)]
    times = []
    answers = []
    for position in chosen:
        with Timer() as timer:
            found = vectors.similar(position)
        times.append(timer.times)
        answers.append([item.position for item in found])
    print(
        f"  similar: (walk <= {vectors.walk} per posting) {percentiles(times)}  "
        f"(goal < {ms(SIMILAR_GOAL)})"
    )
    exact_times = []
    overlap, recall = [], []
    for position, answer in zip(chosen, answers, strict=True):
        with Timer() as timer:
            exact = exact_similar(vectors, position)
        exact_times.append(timer.times)
        if exact:
            overlap.append(len(set(answer[:10]) & set(exact[:10])) / len(exact[:10]))
            recall.append(len(set(answer) & set(exact)) / len(exact))
    print(f"  baseline: every posting in full  {percentiles(exact_times)}")
    print(
        f"  same answers as the exact cosine: overlap@10 mean {statistics.mean(overlap):.3f} "
        f"(min {min(overlap):.2f}), recall@100 mean {statistics.mean(recall):.3f} "
        f"(min {min(recall):.2f}), over {len(overlap)} papers"
    )
    brute = []
    agree = 0
    checked = chosen[: max(3, runs // 10)]
    for position in checked:
        timer = Timer().__enter__()
        weights = [0.0] * len(vectors.terms)
        for term, value in zip(*vectors.vector(position), strict=True):
            weights[term] = value
        scores = vectors.scores(weights)
        scores[position] = -1.0
        top = heapq.nlargest(100, range(count), key=scores.__getitem__)
        timer.__exit__()
        brute.append(timer.times)
        agree += top[:10] == exact_similar(vectors, position)[:10]
    print(
        f"  baseline: brute force cosine     {percentiles(brute)} "
        f"(its top 10 = the full walk's for {agree} of {len(checked)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refit-size", type=size, default=10_000)
    parser.add_argument("--similar-size", type=size, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        # The vectors of a catalogue this large are saved in the user cache dir and loaded the
        # next time: a throw-away one, so that every run builds them (and the user's is spared).
        os.environ["XDG_CACHE_HOME"] = home
        refit(args.refit_size, args.runs)
        similar(args.similar_size, args.runs * 4)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the whole run: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
