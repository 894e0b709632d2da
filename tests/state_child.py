"""Child processes for the state tests (run as a script, never collected by pytest).

``state_child.py marker STATE PREFIX COUNT``
    Open the store, print ``ready``, wait for a line on stdin, then star PREFIX0..PREFIX{COUNT-1}
    one save each, and print ``done``.

``state_child.py saver STATE``
    A fork server for the SIGKILL test. For each ``go`` line on stdin it forks a worker that
    opens the store, prints ``<pid> ready <n>`` (n: papers ``k*`` already read) and then marks
    ``k<n+1>``, ``k<n+2>``... read, one save each, printing ``<pid> saved <i>`` after each save
    returns. The server prints ``<pid> gone`` once the worker has died (the test kills it).
    Forking saves the interpreter start-up on each of the 200 rounds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from paperterm.state import StateStore

SAVES_PER_WORKER = 100_000


def say(line: str) -> None:
    """One unbuffered write: a line is never half-written nor lost in a buffer at SIGKILL."""
    os.write(1, (line + "\n").encode())


def marker(state: Path, prefix: str, count: int) -> None:
    store = StateStore.open(state)
    say("ready")
    sys.stdin.readline()
    for i in range(count):
        store.set_starred([f"{prefix}{i}"], True)
    say("done")


def worker(state: Path) -> None:
    store = StateStore.open(state)
    done = sum(1 for pid in store.read_ids if pid.startswith("k"))
    say(f"{os.getpid()} ready {done}")
    for i in range(done + 1, done + SAVES_PER_WORKER):
        store.set_read([f"k{i:07d}"], True)
        say(f"{os.getpid()} saved {i}")


def saver(state: Path) -> None:
    for line in sys.stdin:
        if line.strip() != "go":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                worker(state)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        say(f"{pid} gone")


def main(argv: list[str]) -> None:
    mode, state = argv[0], Path(argv[1])
    if mode == "marker":
        marker(state, argv[2], int(argv[3]))
    elif mode == "saver":
        saver(state)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
