"""The search index built ahead, in a second process, from the texts a load hands it as it reads.

A first open of a big catalogue used one core for the load (pure Python, under the GIL), then
both for the index build. A thread cutting texts beside the load does not run beside it (the
GIL: measured at a load average of 2, the load took 2.8 times as long); a process does. So
while :func:`paperterm.load` reads, it hands every new title and abstract, with its paper's
number, to this helper (a fresh interpreter, at a lower priority), which cuts them into words
by numpy chunk by chunk on the other core (:class:`paperterm.search.bulk.Stream`). When the
load ends, the helper cuts what is left on both cores and sends back two indexes as
``index.SearchIndex`` builds them: first the titles-only one (a reader's first answer), then the
whole one, each as the sections of a saved index (:mod:`paperterm.search.cache`), their sizes
checked, and then tokenised again for a sample of papers as a loaded index is. The helper
starts only when a core is free for it (:func:`_core_free`). Anything going wrong (no numpy,
the process cannot start, a text holding the separator, two words hashed alike, a broken
answer) means the index is built in the process as before: the helper is only a shortcut,
never a different index.

Texts sent: the titles of new papers and every distinct non-empty abstract of every paper (a
paper seen again, with another abstract, sends that one under its first number), which is what
the catalogue's papers hold in the end; the index is a set of (word, paper) pairs, so order and
repeats do not matter.

The protocol, integers in the machine's order. In: records of one byte (``T`` titles, ``A``
abstracts), the number of texts and the size of their UTF-8 (8 bytes each), the paper number of
each text (4 bytes each), the texts joined by NUL; then ``E`` with the number of papers and 0.
Out, twice (titles only, then whole): the number of sections (8 bytes), then each section's
size (8 bytes) and bytes.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import os
import subprocess
import sys
import threading
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import IO

from paperterm.search import cache
from paperterm.search.cache import FieldState

MIN_BYTES = 24 << 20
"""Loads of fewer bytes (about 20,000 papers) build their index in the process: starting a
second interpreter with numpy costs about half a second of CPU."""
MAX_BYTES = 400 << 20
"""Loads of more bytes (about 330,000 papers) build their index in the process too: the
helper's peak memory is 3 to 5 times the text (measured: 561 MB for the 121 MB of 100k
papers; 3.9 GB for 1.2 GB and 5.7 GB for 1.8 GB at 1M), on top of the loaded catalogue's,
and at 1M it did not pay for it (8.7x the floor against 8.0x in the process, 11.2x against
12.8x on the long catalogue, on a busy machine)."""

BUSY_MARGIN = 1.5
"""A core is free for the helper while the load average stays this far below the cores."""

TITLES = 0
ABSTRACTS = 1
_KINDS = b"TA"
_END = b"E"
_SEPARATOR = "\x00"
_MAX_SECTIONS = 1 + 6 * 4
_NICE = 5
"""How much lower the helper's priority is (a third of the CPU share of the load's when they
compete for a core)."""
MAX_PENDING = 128 << 20
"""Bytes of texts the helper has not read yet that the load holds before waiting for it."""
_PIPE = 1 << 20
"""The pipes' size asked for (Linux's largest for anyone by default)."""
_CHUNK_VARIABLE = "PAPERTERM_AHEAD_CHUNK"
"""Set, the helper cuts chunks of this many bytes (for tests)."""

Index = tuple[list[str], list[FieldState]]
"""The words and the four fields' states of an index (see :mod:`paperterm.search.cache`)."""


class Ahead:
    """A helper building a catalogue's index from the texts handed to it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        stdin = process.stdin
        assert stdin is not None
        self._fd = stdin.fileno()
        # Written without blocking by the loader's own thread, as far as the pipe takes: a
        # writer thread would take the GIL from the loader, and then from the reader's first
        # frames, at every wait (measured under load: the load took twice as long, the first
        # frame three times); what the pipe does not take waits for the next texts, and the
        # last of it for :meth:`finish`.
        self._pending: deque[memoryview] = deque()
        self._pending_bytes = 0
        self._failed = False
        self._lock = threading.Lock()
        self._titles_read = False
        # Whatever happens to the catalogue (dropped unsearched, the program quitting), the
        # helper does not outlive it.
        self._stop = weakref.finalize(self, _stop, process)

    @classmethod
    def start(cls) -> Ahead | None:
        """A running helper, or None when it would not help (no core free, no numpy) or
        cannot start."""
        folders = _import_folders() if _core_free() else None
        if folders is None:
            return None
        try:
            process = subprocess.Popen(
                # Isolated (-I): no current directory on its path (with -c it would come before
                # the standard library and numpy: a folder of dumps holding a numpy.py would
                # run it), no PYTHON* variables, no user site; paperterm and numpy are taken
                # from where this interpreter found them.
                [sys.executable, "-I", "-c", _HELPER_START, *folders],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError):
            return None
        try:
            assert process.stdin is not None
            os.set_blocking(process.stdin.fileno(), False)  # see __init__
        except (OSError, AssertionError):  # not on this system's pipes: no helper
            _stop(process)
            return None
        # Bigger pipes: fewer waits for the other side (each one a hand-over of the GIL).
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(ImportError, AttributeError, OSError):
                import fcntl  # not on Windows; F_SETPIPE_SZ on Linux only

                fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, _PIPE)  # type: ignore[union-attr]
        return cls(process)

    def add(self, kind: int, owners: Sequence[int], texts: Sequence[str]) -> None:
        """Hand over ``texts`` (titles or abstracts: :data:`TITLES`, :data:`ABSTRACTS`), the
        paper number of each in ``owners``. Returns at once: what the pipe does not take now
        waits for the next call."""
        if self._failed or not texts:
            return
        # (A text holding the separator makes the helper fail: it counts the texts.)
        data = _SEPARATOR.join(texts).encode("utf-8", "surrogatepass")
        numbers = array("I", owners)
        head = _KINDS[kind : kind + 1] + _number(len(texts)) + _number(len(data))
        self._pending.append(memoryview(head + numbers.tobytes()))
        self._pending.append(memoryview(data))
        self._pending_bytes += 17 + 4 * len(texts) + len(data)
        self._push()
        if self._pending_bytes > MAX_PENDING and not self._failed:
            # The helper lags far behind (a busy machine): the load waits for it rather than
            # hold the texts twice.
            try:
                os.set_blocking(self._fd, True)
                self._push()
                os.set_blocking(self._fd, False)
            except OSError:
                self.cancel()

    def _push(self) -> None:
        """Write what the pipe takes now (blocking or not, as the pipe is set), down to
        :data:`MAX_PENDING` bytes left when blocking."""
        pending = self._pending
        blocking = os.get_blocking(self._fd)
        try:
            while pending and (not blocking or self._pending_bytes > MAX_PENDING // 2):
                part = pending[0]
                written = os.write(self._fd, part)
                self._pending_bytes -= written
                if written < len(part):
                    pending[0] = part[written:]
                    if not blocking:
                        return
                else:
                    pending.popleft()
        except BlockingIOError:
            return
        except OSError:
            self.cancel()

    def finish(self, papers: int) -> None:
        """All is handed over: the catalogue has ``papers`` papers. Writes what the pipe has
        not taken yet, as the helper reads it (it reads all it is sent at once; at 100k
        papers on a busy machine, about 30 MB were left, taken in a tenth of a second)."""
        if self._failed:
            return
        self._pending.append(memoryview(_END + _number(papers) + _number(0)))
        stdin = self._process.stdin
        assert stdin is not None
        try:
            os.set_blocking(self._fd, True)
            # Through the file object: once closed (the helper stopped), it writes no more.
            while self._pending:
                stdin.write(self._pending.popleft())
            stdin.close()
        except (OSError, ValueError):
            self.cancel()

    def cancel(self) -> None:
        """Stop the helper: its index is not wanted (or cannot be right)."""
        self._failed = True
        self._pending.clear()
        self._stop()

    @property
    def failed(self) -> bool:
        """Whether the helper was stopped or went wrong (its index will not come)."""
        return self._failed

    def titles(self, size: int) -> Index | None:
        """The titles-only index of the catalogue of ``size`` papers (waits for it), or None
        (failed, or already passed over by :meth:`whole`)."""
        with self._lock:
            if self._titles_read or self._failed:
                return None
            self._titles_read = True
            return self._decode(self._read(), size, titles_only=True)

    def whole(self, size: int) -> Index | None:
        """The whole index (waits for it), or None; the helper is done either way."""
        with self._lock:
            try:
                if self._failed:
                    return None
                if not self._titles_read:
                    self._titles_read = True
                    self._read()
                return self._decode(self._read(), size, titles_only=False)
            finally:
                self.cancel()

    def _decode(
        self, sections: list[memoryview] | None, size: int, titles_only: bool
    ) -> Index | None:
        if sections is None:
            self.cancel()
            return None
        try:
            return cache.decode(sections, size, blocks=not titles_only, thorough=False)
        except ValueError:
            self.cancel()
            return None

    def _read(self) -> list[memoryview] | None:
        """One index's sections from the helper, or None when its answer is missing or broken."""
        stdout = self._process.stdout
        assert stdout is not None
        try:
            count = _read_number(stdout)
            if count is None or count > _MAX_SECTIONS:
                return None
            sections = []
            for _ in range(count):
                length = _read_number(stdout)
                data = stdout.read(length) if length is not None else None
                if data is None or len(data) != length:
                    return None
                sections.append(memoryview(data))
            return sections
        except (OSError, ValueError):
            return None


def import_numpy_meanwhile() -> None:
    """Import numpy on a thread of its own, for a build to come without a helper: during a load
    rather than after it, when the reader's first answer waits for it (a quarter of a second of
    CPU; a file's reads release the GIL the import needs)."""

    def load_numpy() -> None:
        with contextlib.suppress(ImportError):
            import numpy  # noqa: F401

    threading.Thread(target=load_numpy, name="paperterm-numpy", daemon=True).start()


def _core_free() -> bool:
    """Whether a core is free for the helper: two or more, the busy ones (the last minute's
    load average) leaving one besides the load's. On a machine busy with other work the helper
    would only take CPU time from the load and the reader's first frames (measured at a load
    average of 4-6 on 2 cores: the load 1.3-2x as long, the first frame 0.8-1.1 s against
    0.25-0.4 s), and the index is built after the load as without it."""
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # not known (Windows): a core is free if there are two
        busy = 0.0
    return cores >= 2 and busy <= cores - BUSY_MARGIN


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the helper (if still running) and release its pipes."""
    if process.poll() is None:
        process.kill()
        process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def _number(value: int) -> bytes:
    return value.to_bytes(8, sys.byteorder)


def _read_number(stream: IO[bytes]) -> int | None:
    data = stream.read(8)
    return int.from_bytes(data, sys.byteorder) if len(data) == 8 else None


_HELPER_START = """
import sys
# paperterm's folder before the first site folder (an editable checkout wins over a copy
# installed there), numpy's at the end: after the standard library both, so that neither
# (paperterm's is often site-packages itself) can stand in for a module of it.
sites = [n for n, path in enumerate(sys.path) if path.endswith(("site-packages", "dist-packages"))]
sys.path.insert(sites[0] if sites else len(sys.path), sys.argv[1])
sys.path.append(sys.argv[2])
from paperterm.search import ahead
ahead._main()
"""
"""What the helper's interpreter runs, given :func:`_import_folders`."""


def _import_folders() -> tuple[str, str] | None:
    """The folders holding paperterm and numpy as this interpreter found them (None: no
    numpy): the helper, isolated, would not look in the user's site folder (``pip install
    --user``) or on ``PYTHONPATH``. Both go after the standard library on the helper's path
    (see :data:`_HELPER_START`)."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        return None
    return str(Path(__file__).resolve().parents[2]), str(Path(spec.origin).parents[1])


def _main() -> None:
    """The helper: read the texts, cut them as they come, send the two indexes."""
    gc.disable()  # arrays, few objects, no cycles
    # Background work: on a busy machine the load and the reader's frames come first (on an
    # idle one, a core of its own either way).
    with contextlib.suppress(AttributeError, OSError):
        os.nice(_NICE)
    from paperterm.search import bulk
    from paperterm.search.bitset import Universe
    from paperterm.search.index import FieldPostings, Vocabulary

    source = sys.stdin.buffer
    out = sys.stdout.buffer
    if _CHUNK_VARIABLE in os.environ:  # tests: many small chunks
        bulk._CHUNK = int(os.environ[_CHUNK_VARIABLE])
    with bulk.memory_kept():
        stream = bulk.Stream()
        while True:
            head = source.read(17)
            if len(head) != 17:
                sys.exit(1)
            kind = _KINDS.find(head[:1]) if head[:1] != _END else -1
            count = int.from_bytes(head[1:9], sys.byteorder)
            size = int.from_bytes(head[9:17], sys.byteorder)
            if kind < 0:
                if head[:1] != _END:
                    sys.exit(1)
                papers = count  # the end record's count: the catalogue's papers
                break
            numbers = array("I")
            numbers.frombytes(source.read(4 * count))
            data = source.read(size)
            if len(numbers) != count or len(data) != size:
                sys.exit(1)
            try:
                stream.add_joined(kind, numbers, data)
            except ValueError:  # a text holds the separator
                sys.exit(1)
        universe = Universe(papers)
        for titles_only in (True, False):

            def field_maker(
                words: list[str], blocks: bool = not titles_only
            ) -> Callable[[bulk.Pairs], FieldPostings]:
                return partial(FieldPostings.from_pairs, universe, Vocabulary(words), blocks=blocks)

            try:
                built = stream.build(titles_only, then=field_maker)
            except bulk.Collision:
                sys.exit(3)
            states = [field.state() for field in built.fields]
            sections = cache.sections(built.words, states, (papers + 7) // 8)
            del built, states
            out.write(_number(len(sections)))
            for section in sections:
                data = memoryview(section).cast("B")
                out.write(_number(len(data)))
                out.write(data)
            del sections
            out.flush()
    os._exit(0)  # skip freeing the arrays one by one
