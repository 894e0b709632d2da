"""The first open of a never-seen catalogue: load plus the first complete search, against the floor.

    python benchmarks/bench_first_open.py                       # 100k, both catalogues, 3 runs
    python benchmarks/bench_first_open.py --sizes 100k,1M --runs 3
    python benchmarks/bench_first_open.py --ahead forced        # the helper against without it

``--ahead``: the catalogue is loaded as the reader loads it (``on``, the default:
``load(index_ahead=True)``, a helper process builds the index while the file is read when a
core is free, see ``paperterm.search.ahead``), without the helper (``off``: the API's default),
both ways alternated (``both``), or with the helper whatever the machine's load alternated with
without (``forced``); each way's lines say how many runs had the helper.

For each synthetic catalogue (the default one, abstracts 400-1900 characters, and the
long-abstract one, about 1.7 KB each; see ``synth.py``) and each size, every figure comes from a
fresh Python process per run, with an empty cache dir (so the index is built, never loaded), and
the median of ``--runs`` runs is printed:

- ``floor``: Python reading the file and splitting its lines (``read_text().splitlines()``), the
  baseline the goal is stated against;
- ``load``: ``paperterm.load`` (wall time, and CPU time beside it: the machine is shared, and
  CPU time says what the work costs whatever else runs);
- ``first search``: then ``Catalog.search_indices(QUERY)`` listed whole (it builds the index);
- ``total / floor``: goal at most 10x, aiming at 6x (issue 17);
- ``index RSS``: the resident memory the build added (current RSS after the search minus after
  the load, read from /proc), against the text it indexes (titles and abstracts, UTF-8 bytes):
  goal at most 1x;
- ``saved``: the size of the index file the build saved, against the text: goal at most 0.5x.

The runs of one catalogue alternate between the kinds, so that a busy spell of the machine
spreads over all of them rather than falling on one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
QUERY = "diffusion model"

_FLOOR = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
print(json.dumps({"floor": time.perf_counter() - start, "lines": len(lines)}))
"""

_OPEN = """
import json, resource, sys, time
from pathlib import Path
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
def cpu():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
start = time.perf_counter()
import paperterm
from paperterm.search import ahead
if sys.argv[3] == "forced":
    ahead.BUSY_MARGIN = -1e9  # the helper whatever the machine's load
catalog = paperterm.load([sys.argv[1]], index_ahead=sys.argv[3] != "in-process")
helped = catalog.index_coming
loaded = time.perf_counter() - start
loaded_cpu = cpu()
before = rss()
found = list(catalog.search_indices(sys.argv[2]))
total = time.perf_counter() - start
total_cpu = cpu()
text = sum(len(p.title.encode()) + sum(len(a.encode()) for a in p.abstracts) for p in catalog)
saved = sum(f.stat().st_size for f in Path(sys.argv[4]).rglob("*.index"))
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"load": loaded, "total": total, "found": len(found), "papers": len(catalog),
                  "load_cpu": loaded_cpu, "total_cpu": total_cpu,
                  "index_rss": rss() - before, "text": text, "saved": saved,
                  "child_rss": children.ru_maxrss * 1024, "helped": helped}))
"""


def parse_size(text: str) -> int:
    """``10k`` -> 10_000, ``1M`` -> 1_000_000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor != 1 else text) * factor)


def dump_for(count: int, long_abstracts: bool) -> Path:
    """The synthetic dump (written once into benchmarks/out/, then reused)."""
    sys.path.insert(0, str(HERE))
    from synth import write_dump

    OUT.mkdir(exist_ok=True)
    name = "long" if long_abstracts else "dump"
    path = OUT / f"{name}-{count}-layout1-seed0.txt"
    if not path.exists():
        partial = path.with_suffix(".partial")
        print(f"writing {path.name} ...", flush=True)
        write_dump(partial, count, 0, 1, long_abstracts=long_abstracts)
        partial.replace(path)
    return path


def child(code: str, *args: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "XDG_CACHE_HOME": folder}
        done = subprocess.run(
            [sys.executable, "-c", code, *args, folder],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    result: dict[str, float] = json.loads(done.stdout)
    return result


KINDS = {"both": ["default", "long"]}
"""``--kinds`` words that stand for several catalogues (any other word is one catalogue)."""


def report(way: str, opens: list[dict[str, float]], floors: list[float], text: float) -> None:
    """The figures of one way of opening (the index built ahead while loading, or after)."""
    floor = statistics.median(floors)
    loaded = statistics.median(run["load"] for run in opens)
    total = statistics.median(run["total"] for run in opens)
    ratios = [run["total"] / f for run, f in zip(opens, floors, strict=True)]
    rss = statistics.median(run["index_rss"] for run in opens)
    child_rss = statistics.median(run["child_rss"] for run in opens)
    loaded_cpu = statistics.median(run["load_cpu"] for run in opens)
    total_cpu = statistics.median(run["total_cpu"] for run in opens)
    saved = opens[0]["saved"]
    helped = sum(bool(run["helped"]) for run in opens)
    used = f" helper in {helped} of {len(opens)} runs" if way != "in-process" else ""
    print(f"  {WAYS[way]}{used}")
    print(
        f"  load                         {loaded:6.2f} s   ({loaded / floor:.1f}x floor)"
        f"   CPU {loaded_cpu:.2f} s"
    )
    ratio = statistics.median(ratios)
    print(
        f"  load + first whole search    {total:6.2f} s   = {ratio:.1f}x"
        f" floor (median of per-run ratios)   goal <= 10x, aim 6x"
        f"   -> {int(opens[0]['found']):,} papers"
    )
    print(
        f"    CPU time of it             {total_cpu:6.2f} s   (both cores, the helper's included;"
        f" {total_cpu / floor:.1f}x the floor's wall)"
    )
    print(
        f"  index memory (RSS added)     {rss / 1e6:6.0f} MB  = {rss / text:.2f}x text"
        "   goal <= 1x"
        + (f"   (the helper's peak RSS {child_rss / 1e6:.0f} MB)" if child_rss else "")
    )
    print(
        f"  saved index                  {saved / 1e6:6.0f} MB  = {saved / text:.2f}x text"
        "   goal <= 0.5x"
    )


WAYS = {
    "ahead": "load(index_ahead=True), as the reader and `list QUERY` load (a helper process"
    " builds the index while loading when a core is free):",
    "forced": "the index built ahead by a helper process, whatever the machine's load:",
    "in-process": "index built after the load, in the process (load() as the API's default):",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k", help="comma-separated paper counts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--kinds", default="both", help="default, long, both, or a comma-separated list of those"
    )
    parser.add_argument(
        "--ahead",
        choices=["on", "off", "both", "forced"],
        default="on",
        help="load as the reader does (on: the index built ahead by a helper when a core is"
        " free), without the helper (off), both ways alternated, or the helper whatever the"
        " load (forced) alternated with without",
    )
    args = parser.parse_args()
    kinds = [kind for part in args.kinds.split(",") for kind in KINDS.get(part.strip(), [part])]
    if unknown := sorted(set(kinds) - set(KINDS["both"])):
        parser.error(f"--kinds: unknown {', '.join(map(repr, unknown))} (default, long or both)")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores (load average {load})")
    print(f"query {QUERY!r}; medians of {args.runs} runs, each a fresh process, empty cache")
    ways = {
        "on": ["ahead"],
        "off": ["in-process"],
        "both": ["ahead", "in-process"],
        "forced": ["forced", "in-process"],
    }[args.ahead]
    for size in (parse_size(part) for part in args.sizes.split(",")):
        for kind in dict.fromkeys(kinds):
            path = dump_for(size, kind == "long")
            floors: list[float] = []
            opens: dict[str, list[dict[str, float]]] = {way: [] for way in ways}
            for _ in range(args.runs):
                floors.append(child(_FLOOR, str(path))["floor"])
                for way in ways:  # alternated, so that a busy spell falls on both
                    opens[way].append(child(_OPEN, str(path), QUERY, way))
            floor = statistics.median(floors)
            first = opens[ways[0]][0]
            text = first["text"]
            print(
                f"\n{kind} catalogue, {int(first['papers']):,} papers,"
                f" file {path.stat().st_size / 1e6:.0f} MB, text {text / 1e6:.0f} MB"
            )
            print(f"  floor (read + split lines)   {floor:6.2f} s   (baseline of this run)")
            for way in ways:
                report(way, opens[way], floors, text)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nload average at the end {load}")


if __name__ == "__main__":
    main()
