"""Measure paperterm.load on synthetic dumps of 10k, 100k and 1M papers.

Each size is written once into benchmarks/out/ (reused on later runs), then loaded in a fresh
Python process, so that one load's memory does not inflate the next. For each load it prints the
wall time of ``paperterm.load``, the peak resident set size of that process (``ru_maxrss``: the
whole interpreter, imports included, nothing subtracted), the file size and the ratio of the two.
It also prints the CPU time (user + system) of the load: on a machine shared with other work the
wall time includes waiting for a core, the CPU time does not.

    python benchmarks/bench_load.py                  # 10k, 100k, 1M, layout 1
    python benchmarks/bench_load.py --sizes 10k,100k --layout 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

_CHILD = """
import json, resource, sys, time
import paperterm
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
start, start_cpu = time.perf_counter(), cpu()
catalog = paperterm.load([sys.argv[1]])
elapsed, elapsed_cpu = time.perf_counter() - start, cpu() - start_cpu
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "cpu": elapsed_cpu, "papers": len(catalog),
                  "peak_bytes": peak_kib * 1024}))
"""


def parse_size(text: str) -> int:
    """``10k`` -> 10_000, ``1M`` -> 1_000_000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor != 1 else text
    return int(float(number) * factor)


def dump_for(count: int, layout: int, seed: int) -> Path:
    """The synthetic dump of ``count`` papers, written now unless already in benchmarks/out/."""
    sys.path.insert(0, str(HERE))
    from synth import write_dump

    OUT.mkdir(exist_ok=True)
    path = OUT / f"dump-{count}-layout{layout}-seed{seed}.txt"
    if not path.exists():
        partial = path.with_suffix(".partial")
        print(f"writing {path.name} ...", flush=True)
        write_dump(partial, count, seed, layout)
        partial.replace(path)
    return path


def measure(path: Path) -> dict[str, float]:
    """Load ``path`` in a fresh interpreter; return its time, paper count and peak RSS."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated paper counts")
    parser.add_argument("--layout", type=int, choices=(1, 2), default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="loads per size; the best is shown")
    args = parser.parse_args()

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores (load average {load}), "
        f"layout {args.layout}, peak memory = ru_maxrss"
    )
    header = (
        f"{'papers':>10} {'file MB':>9} {'load s':>8} {'cpu s':>8} {'peak MB':>9} {'peak/file':>9}"
    )
    print(header)
    for size in (parse_size(part) for part in args.sizes.split(",")):
        path = dump_for(size, args.layout, args.seed)
        runs = [measure(path) for _ in range(args.repeat)]
        best = min(runs, key=lambda run: run["seconds"])
        file_mb = path.stat().st_size / 1e6
        peak_mb = max(run["peak_bytes"] for run in runs) / 1e6
        print(
            f"{int(best['papers']):>10} {file_mb:>9.1f} {best['seconds']:>8.2f} "
            f"{best['cpu']:>8.2f} {peak_mb:>9.1f} {peak_mb / file_mb:>9.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
