"""Child processes for the state tests (run as a script, never collected by pytest).

``state_child.py marker STATE PREFIX COUNT [journal]``
    Open the store, print ``ready``, wait for a line on stdin, then star PREFIX0..PREFIX{COUNT-1}
    one save each, and print ``done``.

``state_child.py saver STATE [journal]``
    A fork server for the SIGKILL test. For each ``go`` line on stdin it forks a worker that
    opens the store, prints ``<pid> ready <n>`` (n: papers ``k*`` already read) and then marks
    ``k<n+1>``, ``k<n+2>``... read, one save each, printing ``<pid> saved <i>`` after each save
    returns. The server prints ``<pid> gone`` once the worker has died (the test kills it).
    Forking saves the interpreter start-up on each of the 200 rounds.

With ``journal`` the store saves as the reader does, a journal line per change; the saver then
folds the journal into the file every few kilobytes, so that kills land in folds too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from paperterm.state import StateStore
from paperterm.state import store as store_module

SAVES_PER_WORKER = 100_000


def say(line: str) -> None:
    """One unbuffered write: a line is never half-written nor lost in a buffer at SIGKILL."""
    os.write(1, (line + "\n").encode())


def opened(state: Path, journal: bool) -> StateStore:
    store = StateStore.open(state)
    store.journal = journal
    return store


def marker(state: Path, prefix: str, count: int, journal: bool) -> None:
    store = opened(state, journal)
    say("ready")
    sys.stdin.readline()
    for i in range(count):
        store.set_starred([f"{prefix}{i}"], True)
    say("done")


def worker(state: Path, journal: bool) -> None:
    store = opened(state, journal)
    done = sum(1 for pid in store.read_ids if pid.startswith("k"))
    say(f"{os.getpid()} ready {done}")
    for i in range(done + 1, done + SAVES_PER_WORKER):
        store.set_read([f"k{i:07d}"], True)
        say(f"{os.getpid()} saved {i}")


def saver(state: Path, journal: bool) -> None:
    for line in sys.stdin:
        if line.strip() != "go":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                worker(state, journal)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        say(f"{pid} gone")


def main(argv: list[str]) -> None:
    mode, state = argv[0], Path(argv[1])
    journal = argv[-1] == "journal"
    if journal:
        store_module._FOLD_AT = 4096  # a fold every 40 saves or so
    if mode == "marker":
        marker(state, argv[2], int(argv[3]), journal)
    elif mode == "saver":
        saver(state, journal)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
