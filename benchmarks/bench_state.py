"""Measure the state store with 10k and 100k papers in the state: a mark's save, open, merge.

The TUI saves on each ``s``/``r``/``n`` keystroke, on the UI thread, so one save must stay well
under a frame even when the state already holds every paper of a big catalogue. Goal: a save
at 100k papers in at most 4 ms of the UI thread's time (wall, fsync included). For each size a
state file is built in benchmarks/out/ (every paper read, 10% starred, 1% with tags, a note and
a pinned BibTeX key), then it prints, as median (p95) of wall ms and the CPU ms beside:

- ``open``: ``StateStore.open`` of that file (read, parse, check every entry);
- ``save``: one ``set_starred`` of one paper by the reader (a journal line appended, fsynced);
- ``whole-file save``: the same by a store writing the whole file, as every save did before the
  journal (and as the command line still does): the baseline of the same run;
- ``save after another's``: a save right after another reader saved a change (the reader reads
  that process's journal line; the baseline re-reads and merges the whole file);
- ``after a script's``: the same after a ``paperterm mark`` (a store without a journal of its own,
  which appends while the reader's journal is there);
- ``fold``: folding the journal into the file (the reader's quit, or a journal grown past a
  quarter of the file: about 8,000 marks at 100k), the whole-file write it postpones;
- the file size. Saves include fsync, so they depend on the disk under benchmarks/out/: the
  ``floor`` line is 100 bytes appended to a scratch file there and fsynced, nothing else.

    python benchmarks/bench_state.py                    # 10k and 100k
    python benchmarks/bench_state.py --sizes 1k,10k --saves 50
"""

from __future__ import annotations

import argparse
import hashlib
import os
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


Timing = tuple[float, float]
"""(wall, CPU) seconds of one call."""

GOAL_MS = 4.0
"""A mark's save at 100k papers, in wall ms on the UI thread (a frame is 16 ms)."""


def timed(action: Callable[[], object]) -> Timing:
    """Wall and CPU time of one call, in seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - cpu


def millis(values: list[Timing]) -> str:
    """``median (p95) / CPU median`` in ms."""
    walls = sorted(wall * 1000 for wall, _ in values)
    cpus = sorted(cpu * 1000 for _, cpu in values)
    p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
    return f"{statistics.median(walls):6.1f} ({p95:6.1f}) / {statistics.median(cpus):5.1f}"


def saves_of(
    store: StateStore, other: StateStore | None, ids: list[str], n: int, start: int = 2
) -> list[Timing]:
    """``n`` stars of one paper by ``store``, each after ``other`` (if given) marked another
    paper unread (``ids[start]``, ``ids[start + 1]``...: each a real change)."""
    found = []
    for i in range(n):
        if other is not None:
            other.set_read([ids[start + i]], False)
        found.append(timed(partial(store.set_starred, [ids[1]], i % 2 == 0)))
    return found


def fsync_floor(folder: Path, n: int) -> list[Timing]:
    """``n`` appends of 100 bytes to a scratch file beside the state, each fsynced: what the
    disk alone asks of a journal line, whatever the code."""
    scratch = folder / "fsync-floor"
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        return [timed(lambda: (os.write(fd, b"x" * 99 + b"\n"), os.fsync(fd))) for _ in range(n)]
    finally:
        os.close(fd)
        scratch.unlink()


def opened(path: Path, journal: bool) -> StateStore:
    store = StateStore.open(path)
    store.journal = journal
    return store


def measure(count: int, saves: int) -> dict[str, list[Timing]]:
    path, ids = build(OUT / f"state-{count}", count)
    found: dict[str, list[Timing]] = {}
    found["floor: append + fsync"] = fsync_floor(path.parent, saves)
    found["open"] = [timed(lambda: StateStore.open(path)) for _ in range(3)]
    reader, whole = opened(path, True), opened(path, False)
    found["save"] = saves_of(reader, None, ids, saves)
    found["fold"] = [timed(reader.flush)]
    found["whole-file save"] = saves_of(whole, None, ids, saves)
    reader.reload()
    other = opened(path, True)
    found["save after another's"] = saves_of(reader, other, ids, saves)
    script = opened(path, False)  # paperterm mark, while the reader's journal is there
    found["after a script's"] = saves_of(reader, script, ids, saves, 3 + saves)
    reader.flush()
    whole.reload()
    other = opened(path, False)
    found["after another's, whole"] = saves_of(whole, other, ids, max(saves // 4, 3), 4 + 2 * saves)
    size = path.stat().st_size / 1e6
    print(f"{count:>8} papers, state file {size:.2f} MB; ms: wall median (p95) / CPU median")
    for name, timings in found.items():
        print(f"{'':8} {name:>24} {millis(timings)}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated paper counts")
    parser.add_argument("--saves", type=int, default=40, help="saves timed per size")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}; load average {load}; out: {OUT}")
    for size in (parse_size(part) for part in args.sizes.split(",")):
        found = measure(size, args.saves)
        if size == 100_000:
            median = statistics.median(wall * 1000 for wall, _ in found["save"])
            base = statistics.median(wall * 1000 for wall, _ in found["whole-file save"])
            verdict = "met" if median <= GOAL_MS else "NOT met"
            print(
                f"goal: a mark's save at 100k papers <= {GOAL_MS:g} ms on the UI thread: "
                f"{median:.1f} ms, {verdict} (baseline, whole-file save: {base:.1f} ms)"
            )


if __name__ == "__main__":
    main()
