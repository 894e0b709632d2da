"""Measure the state store with 10k and 100k papers in the state: one save, open, merge.

The TUI saves on each ``s``/``r``/``n`` keystroke, so one save must stay well under a frame
budget even when the state already holds every paper of a big catalogue. For each size a state
file is built in benchmarks/out/ (every paper read, 10% starred, 1% with tags, a note and a
pinned BibTeX key), then it prints:

- ``open``: ``StateStore.open`` of that file (read, parse, check every entry);
- ``save``: one ``set_starred`` of one paper, the usual case (the file is ours: not re-read);
- ``merge save``: one save right after another process saved (re-read, merge, write);
- the file size. Saves include fsync, so they depend on the disk under benchmarks/out/.

    python benchmarks/bench_state.py                    # 10k and 100k
    python benchmarks/bench_state.py --sizes 1k,10k --saves 50
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from paperterm.state import StateStore

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def parse_size(text: str) -> int:
    """``10k`` -> 10_000, ``1M`` -> 1_000_000, ``2500`` -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor != 1 else text) * factor)


def paper_ids(count: int) -> list[str]:
    """Ids shaped like real ones (12 hex digits of SHA-1)."""
    return [hashlib.sha1(f"paper {i}".encode()).hexdigest()[:12] for i in range(count)]


def build(folder: Path, count: int) -> tuple[Path, list[str]]:
    """A fresh state file of ``count`` papers in ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    path = folder / "state.json"
    ids = paper_ids(count)
    store = StateStore.open(path)
    with store.update() as changes:
        changes.set_read(ids, True)
        changes.set_starred(ids[::10], True)
        for pid in ids[::100]:
            changes.set_tags(pid, ["to-read", "rl"])
            changes.set_note(pid, "compare with the baseline in section 4")
        changes.pin_keys({pid: f"key{n}" for n, pid in enumerate(ids[::100])})
    return path, ids


def timed(action: Callable[[], object]) -> float:
    """Wall time of one call, in seconds."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def millis(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):8.1f} ({ms[0]:.1f}-{ms[-1]:.1f})"


def measure(count: int, saves: int) -> None:
    path, ids = build(OUT / f"state-{count}", count)
    opens = [timed(lambda: StateStore.open(path)) for _ in range(3)]
    store = StateStore.open(path)
    target = ids[1]  # read, not starred
    fast = []
    for n in range(saves):
        fast.append(timed(partial(store.set_starred, [target], n % 2 == 0)))
    other = StateStore.open(path)
    merged = []
    for n in range(max(saves // 4, 3)):
        other.set_read([ids[2 + n]], False)
        merged.append(timed(partial(store.set_starred, [ids[3 + n]], True)))
    size = path.stat().st_size / 1e6
    print(f"{count:>8} {size:8.2f} {millis(opens)} {millis(fast)} {millis(merged)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated paper counts")
    parser.add_argument("--saves", type=int, default=20, help="saves timed per size")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"python {sys.version.split()[0]}; times in ms: median (min-max); out: {OUT}")
    print(f"{'papers':>8} {'file MB':>8} {'open':>21} {'save':>21} {'merge save':>21}")
    for size in (parse_size(part) for part in args.sizes.split(",")):
        measure(size, args.saves)


if __name__ == "__main__":
    main()
