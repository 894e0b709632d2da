"""Type queries one character at a time over synthetic catalogues; print latency per keystroke.

    /work/venv/bin/python benchmarks/bench_search.py                 # 10k, 100k, 1M papers
    /work/venv/bin/python benchmarks/bench_search.py --sizes 100000  # one size

For each size: the index build time (it happens on the first non-empty query; wall and CPU
seconds, saving the index to the cache included), the time to reopen the same catalogue with
the saved index (a fresh ``Catalog`` of the same papers: digest of the texts, load, checks), then
p50, p95
and max per keystroke over every keystroke of the queries below, typed in one session as a user
would (caches warm from earlier keystrokes, never from the same query typed before). A keystroke
is what the list view does: ``Catalog.search_indices``, ``len()`` of the answer and its first
screen of 60 rows. Between keys, as the reader does once a key's answer is drawn,
``Catalog.prepare_typing`` finds what the next letter of the word will want (timed apart, not in
the keystroke's figure; ``--no-ahead`` leaves it out, as before the reader did it). Listing the
whole answer (``list()``, as ``paperterm list`` does) is timed apart, once per query. Goal
(issue 5): p95 <= 16 ms at 100k, <= 100 ms at 1M, over titles and abstracts.

Where ``fzf`` is installed it gets the same text (``title<TAB>abstract``, one paper per line)
and each complete query through ``fzf --filter`` (catalogues up to ``--fzf-max`` papers, as
fzf takes seconds per query here); its time includes starting the process and reading the file,
which an interactive fzf does once, so it is an upper bound for fzf. fzf's syntax differs:
the same strings mean slightly different things to it (it has no typo tolerance, and
``title:``/``has:`` are plain text to it), so compare times, not counts.

Wall-clock times suffer from whatever else runs on the machine; the CPU time of the process
is printed beside them. The saved indexes go to ``benchmarks/out/cache`` (``XDG_CACHE_HOME`` is
pointed there), emptied before each size and deleted once timed, never the user's cache.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from paperterm.catalog import Catalog
from paperterm.model import Link, Paper
from paperterm.search import cache
from synth import papers  # benchmarks/ is on the path when this script runs

OUT = Path(__file__).resolve().parent / "out"
os.environ["XDG_CACHE_HOME"] = str(OUT / "cache")

QUERIES = [
    "diffusion model",  # two common words
    "reinforcment lerning",  # typos in both words
    "efficient sparse attention transformer",  # four terms
    "graf neural !video",  # a typo and an exclusion
    "'gradient title:robust",  # exact text and a field
    "kalomi",  # a rare made-up word, as if looking for one paper
    "segmentaton|detection has:code",  # alternatives with a typo, and a link filter
    "^efficient",  # title prefix
    "vision languge model benchmark",  # long query, typo in the middle
]


def catalogue(count: int, seed: int = 7) -> Catalog:
    """A catalogue of ``count`` synthetic papers, built directly (no dump files)."""
    built = []
    for number, (title, abstract) in enumerate(papers(count, seed)):
        links = ()
        if "https://github.com/" in abstract:
            url = abstract.rsplit(" ", 1)[-1].rstrip(".")
            links = (Link(url, True),)
        built.append(Paper(f"{number:012x}", title, (abstract,), (), links, number))
    return Catalog(built)


def keystrokes(query: str) -> list[str]:
    """What the filter holds after each key typed (skipping states that end in a space)."""
    return [query[:end] for end in range(1, len(query) + 1) if not query[:end].endswith(" ")]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def fzf_times(catalog: Catalog, out: Path) -> list[tuple[str, float, int]]:
    """Seconds ``fzf --filter`` takes per complete query over the same text."""
    fzf = shutil.which("fzf")
    if fzf is None:
        return []
    text = out / f"search-{len(catalog)}.txt"
    with text.open("w", encoding="utf-8") as handle:
        for paper in catalog:
            handle.write(f"{paper.title}\t{paper.abstract}\n")
    results = []
    for query in QUERIES:
        started = time.perf_counter()
        with text.open("rb") as source:
            found = subprocess.run(
                [fzf, "--filter", query], stdin=source, capture_output=True, check=False
            )
        results.append((query, time.perf_counter() - started, found.stdout.count(b"\n")))
    text.unlink()
    return results


def run(count: int, use_fzf: bool, ahead: bool = True) -> None:
    started = time.perf_counter()
    catalog = catalogue(count)
    made = time.perf_counter() - started
    shutil.rmtree(OUT / "cache", ignore_errors=True)  # a build, not a load, is timed first
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started_cpu = time.process_time()
    build = catalog.prepare_search()
    build_cpu = time.process_time() - started_cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reopened = Catalog(catalog.papers)
    started_cpu = time.process_time()
    load = reopened.prepare_search()
    load_cpu = time.process_time() - started_cpu
    del reopened
    shutil.rmtree(OUT / "cache", ignore_errors=True)  # up to half a gigabyte at 1M papers
    print(f"\n== {count:,} papers (made in {made:.1f} s)")
    saved = (
        f"reopened from the saved index: {load:.2f} s (CPU {load_cpu:.2f} s)"
        if count >= cache.MIN_PAPERS
        else f"not saved under {cache.MIN_PAPERS:,} papers (rebuilt in {load:.2f} s)"
    )
    print(
        f"index build: {build:.2f} s (CPU {build_cpu:.2f} s),"
        f" peak RSS +{(rss_after - rss_before) / 1024:.0f} MB; {saved}"
    )
    every: list[float] = []
    cpu: list[float] = []
    whole: list[float] = []
    between: list[float] = []
    for query in QUERIES:
        times = []
        for typed in keystrokes(query):
            started, started_cpu = time.perf_counter(), time.process_time()
            found = catalog.search_indices(typed)
            len(found)
            found[:60]
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            if ahead:
                started_cpu = time.process_time()
                catalog.prepare_typing(typed)
                between.append(time.process_time() - started_cpu)
        every.extend(times)
        started = time.perf_counter()
        listed = len(list(found))
        whole.append(time.perf_counter() - started)
        print(
            f"  {query!r:42} {len(times):2} keys  p50 {statistics.median(times) * 1e3:6.2f} ms"
            f"  max {max(times) * 1e3:7.2f} ms  -> {listed:,} papers,"
            f" listed in {whole[-1] * 1e3:.1f} ms"
        )
    p50, p95 = statistics.median(every) * 1e3, percentile(every, 0.95) * 1e3
    print(
        f"all {len(every)} keystrokes: p50 {p50:.2f} ms  p95 {p95:.2f} ms"
        f"  max {max(every) * 1e3:.2f} ms; whole answer listed: max {max(whole) * 1e3:.1f} ms"
    )
    print(
        f"  (CPU time: p50 {statistics.median(cpu) * 1e3:.2f} ms"
        f"  p95 {percentile(cpu, 0.95) * 1e3:.2f} ms)"
    )
    if between:
        print(
            f"  between keys, found ahead for the next letter (CPU, not in the keys' figures):"
            f" p50 {statistics.median(between) * 1e3:.2f} ms  max {max(between) * 1e3:.2f} ms"
            f"  total {sum(between) * 1e3:.0f} ms"
        )
    else:
        print("  nothing found ahead between keys (--no-ahead)")
    if use_fzf:
        OUT.mkdir(exist_ok=True)
        fzf = fzf_times(catalog, OUT)
        if not fzf:
            print("fzf: not installed, no comparison")
        for query, seconds, found_count in fzf:
            print(f"  fzf --filter {query!r:42} {seconds * 1e3:8.1f} ms -> {found_count:,} lines")
        if fzf:
            print(f"fzf median per query: {statistics.median(s for _, s, _ in fzf) * 1e3:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--no-fzf", action="store_true", help="skip the fzf comparison")
    parser.add_argument("--fzf-max", type=int, default=100_000, help="largest size given to fzf")
    parser.add_argument(
        "--no-ahead",
        action="store_true",
        help="nothing found ahead between keys (Catalog.prepare_typing, which the reader runs)",
    )
    args = parser.parse_args()
    for count in args.sizes:
        run(count, not args.no_fzf and count <= args.fzf_max, not args.no_ahead)


if __name__ == "__main__":
    main()
