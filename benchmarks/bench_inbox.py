"""Measure what "new since the last visit" costs with 10k and 100k papers seen.

The seen set lives in its own file beside the state file, so that a big catalogue's visit record
never slows the state file's open or its per-keystroke save. For each size this prints:

- ``seen open``: ``Seen.beside`` reading a seen file of that many ids (the reader and
  ``paperterm list`` do it once at start);
- ``new ids``: which papers of a catalogue of that size are new (half of them, here);
- ``end visit``: the reader's quit adding the other half (re-read under the lock, write);
- ``end visit, nothing new``: the next quit (re-read only, nothing written);
- ``state open`` and ``state save`` with the seen file beside it and without it (the baseline of
  the same run): the goal is no difference, since the state file does not hold the seen set;
- the seen file's size.

    python benchmarks/bench_inbox.py                    # 10k and 100k
    python benchmarks/bench_inbox.py --sizes 1k,10k --repeat 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Callable

from bench_state import OUT, build, parse_size
from paperterm.state import StateStore
from paperterm.state.seen import Seen, encode


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_ms(action: Callable[[], object], repeat: int) -> str:
    values = sorted(timed(action) * 1000 for _ in range(repeat))
    return f"{statistics.median(values):8.1f} ms ({values[0]:.1f}-{values[-1]:.1f})"


def measure(count: int, repeat: int) -> None:
    folder = OUT / f"inbox-{count}"
    path, ids = build(folder, count)
    seen_path = path.with_name(path.name + ".seen")
    half = ids[: count // 2]

    print(f"{count:,} papers")
    store = StateStore.open(path)
    target = ids[1]
    flip = [False]

    def save() -> None:
        flip[0] = not flip[0]
        store.set_starred([target], flip[0])

    print(f"  state open, no seen file    {median_ms(lambda: StateStore.open(path), repeat)}")
    print(f"  state save, no seen file    {median_ms(save, repeat * 5)}")

    seen_path.write_bytes(encode(half))
    print(f"  seen open                   {median_ms(lambda: Seen.beside(path), repeat)}")
    seen = Seen.beside(path)
    print(f"  new ids                     {median_ms(lambda: seen.new_ids(ids), repeat)}")

    def first_visit() -> None:
        seen_path.write_bytes(encode(half))
        Seen.beside(path).end_visit(ids)

    def write_half() -> None:
        seen_path.write_bytes(encode(half))

    costs = []
    for _ in range(repeat):
        write_half()
        fresh = Seen.beside(path)
        costs.append(timed(lambda fresh=fresh: fresh.end_visit(ids)) * 1000)  # type: ignore[misc]
    costs.sort()
    print(
        f"  end visit ({count // 2:,} new)      "
        f"{statistics.median(costs):8.1f} ms ({costs[0]:.1f}-{costs[-1]:.1f})"
    )
    done = Seen.beside(path)
    print(f"  end visit, nothing new      {median_ms(lambda: done.end_visit(ids), repeat)}")
    print(f"  state open, seen file there {median_ms(lambda: StateStore.open(path), repeat)}")
    print(f"  state save, seen file there {median_ms(save, repeat * 5)}")
    print(
        f"  seen file: {seen_path.stat().st_size / 1e6:.2f} MB; state file: "
        f"{path.stat().st_size / 1e6:.2f} MB"
    )
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print("goal: seen open + new ids well under 100 ms at 100k; state open/save unchanged")
    for size in args.sizes.split(","):
        measure(parse_size(size), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
