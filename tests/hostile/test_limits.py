"""Attacks on limits: huge lines, binary tails, times at the edge of a float.

A dump or a state file can be anything: a 200 MB line, a text page with a binary tail, a change
time at the largest float. None of it may eat the memory, fill the catalogue with garbage, or
write a file that loses data.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from paperterm.loader import load
from paperterm.state import StateStore

HEADER = "Get trending papers in your email inbox!\n"
PAGE = HEADER + "".join(f"Real Title {n}\nReal abstract {n}, a sentence.\n" for n in range(5))
BIGGEST = sys.float_info.max
EARLY = HEADER + "".join(f"Early Title {n}\nEarly abstract {n}, a sentence.\n" for n in range(300))
"""A page longer than the 8 KiB whose NUL bytes would make the whole file binary."""


@pytest.mark.slow
def test_a_64_mb_line_is_cut_and_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    with path.open("wb") as out:
        out.write(PAGE.encode())
        out.write(b"word " * ((64 << 20) // 5))
        out.write(b"\nLast Title\nLast abstract.\n")
    code = (
        "import resource, sys, paperterm\n"
        "catalog = paperterm.load([sys.argv[1]])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "print(peak, len(catalog), max(max(len(p.abstract), len(p.title)) for p in catalog))\n"
        "print(*catalog.warnings, sep='\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    figures, *warnings = done.stdout.splitlines()
    peak_mb, papers, longest = map(int, figures.split())
    assert peak_mb < 400  # the file alone is 64 MB; unbounded, one line took about 30x that
    assert papers == 7
    assert longest <= 8 << 20
    assert any("cut" in warning for warning in warnings)


def test_a_binary_tail_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "tail.txt"
    path.write_bytes(EARLY.encode() + random.Random(0).randbytes(256 << 10))
    catalog = load([path])
    assert [paper.title for paper in catalog] == [f"Early Title {n}" for n in range(300)]
    assert any("binary" in warning for warning in catalog.warnings)


def test_nul_bytes_in_the_middle_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    middle = b"\x00" * 20_000 + b"\nGarbage\x00Title\n\x00\x00abstract\x00\n"
    path.write_bytes(EARLY.encode() + middle + PAGE.encode())
    catalog = load([path])
    assert not [paper for paper in catalog if "\x00" in paper.title or "Garbage" in paper.title]
    assert len(catalog) == 305
    assert any("binary" in warning for warning in catalog.warnings)


def test_a_change_time_at_the_largest_float_stays_finite(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = StateStore.open(state, clock=lambda: BIGGEST)
    store.set_starred(["aaaaaaaaaaaa"], True)
    store.set_starred(["aaaaaaaaaaaa"], False)  # must sort after BIGGEST: cannot, stays finite
    saved = orjson.loads(state.read_bytes())["papers"]["aaaaaaaaaaaa"]
    assert saved["starred_at"] == BIGGEST
    assert StateStore.open(state).get("aaaaaaaaaaaa").starred is False


@pytest.mark.parametrize("when", [float("inf"), float("nan"), -float("inf")])
def test_a_clock_gone_wrong_never_writes_a_time_that_is_not_finite(
    tmp_path: Path, when: float
) -> None:
    state = tmp_path / "state.json"
    StateStore.open(state, clock=lambda: when).set_read(["aaaaaaaaaaaa"], True)
    saved = orjson.loads(state.read_bytes())["papers"]["aaaaaaaaaaaa"]
    assert isinstance(saved["read_at"], float) and saved["read_at"] == saved["read_at"]
    assert StateStore.open(state).is_read("aaaaaaaaaaaa")
