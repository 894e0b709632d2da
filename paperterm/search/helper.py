"""Half of a big index build in a second process, so that a first open uses both cores.

Splitting texts into words and grouping the papers by word is pure Python work under one lock
(the GIL): a thread would not run beside it, a process does. The parent indexes the titles and
the abstracts of the first papers; this helper, a fresh interpreter running this file (it imports
only :mod:`paperterm.search.text`, by file, so it starts in a few tens of milliseconds), indexes
the abstracts of the papers from ``first`` on and sends back, per field, its sorted words, how
many papers each has and those papers back to back. Its paper numbers are all above the parent's,
so each word's list is the parent's followed by the helper's: the same lists a one-process build
makes. Anything going wrong (no second core, the process cannot start, a text holding the
separator, a broken answer) makes :func:`start` or :meth:`Helper.result` give None, and the
parent indexes those abstracts itself.

The protocol, all integers in the machine's order: in, the number of abstracts (8 bytes), the
paper number of each (4 bytes each), then the abstracts' UTF-8 joined by NUL; out, for the
abstract field then the first words of abstracts, three sections each (the words joined by a
newline, the count of each word, the postings), each preceded by its length in bytes (8 bytes).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from array import array
from collections import defaultdict, deque
from collections.abc import Sequence
from itertools import accumulate, repeat
from typing import IO, TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from paperterm.model import Paper

Postings: TypeAlias = "array[int]"
Field: TypeAlias = "defaultdict[str, Postings]"

MIN_PAPERS = 20_000
"""Smaller catalogues build in well under a second: starting a process would not pay."""
SHARE = 0.5
"""The part of the abstracts' text the helper takes."""
_SEPARATOR = "\x00"


class Helper:
    """A running helper; :meth:`result` waits for its answer."""

    def __init__(self, process: subprocess.Popen[bytes], payload: list[bytes]) -> None:
        self._process = process
        self._failed = False
        self._writer = threading.Thread(target=self._write, args=(payload,), daemon=True)
        self._writer.start()

    def _write(self, payload: list[bytes]) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            for part in payload:
                stdin.write(part)
            stdin.close()
        except OSError:
            self._failed = True

    def result(self) -> tuple[Field, Field] | None:
        """The helper's abstract postings and first-word postings, or None if it failed."""
        stdout = self._process.stdout
        assert stdout is not None
        try:
            answer = stdout.read()
            self._writer.join()
            if self._process.wait() != 0 or self._failed:
                return None
            view = memoryview(answer)
            sections = []
            at = 0
            for _ in range(6):
                length = int.from_bytes(view[at : at + 8], sys.byteorder)
                sections.append(view[at + 8 : at + 8 + length])
                at += 8 + length
            if at != len(view):
                return None
            return _field(*sections[:3]), _field(*sections[3:])
        except (OSError, ValueError):
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the helper (if still running) and release its pipes."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def split_point(papers: Sequence[Paper]) -> int:
    """The first paper whose abstracts the helper takes: about :data:`SHARE` of their text."""
    lengths = [sum(map(len, paper.abstracts)) for paper in papers]
    target = sum(lengths) * (1 - SHARE)
    for number, total in enumerate(accumulate(lengths)):
        if total >= target:
            return number + 1
    return len(papers)


def start(papers: Sequence[Paper], first: int) -> Helper | None:
    """Start a helper on the abstracts of ``papers[first:]``, or None when it would not help."""
    if len(papers) < MIN_PAPERS or (os.cpu_count() or 1) < 2 or first >= len(papers):
        return None
    texts: list[str] = []
    numbers = array("I")
    for number in range(first, len(papers)):
        abstracts = papers[number].abstracts
        texts += abstracts
        numbers.extend(repeat(number, len(abstracts)))
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(0, len(texts) - 1):
        return None  # a text holds the separator (the loader removes it; a hand-made paper may not)
    payload = [
        len(texts).to_bytes(8, sys.byteorder),
        numbers.tobytes(),
        joined.encode("utf-8", "surrogatepass"),
    ]
    try:
        process = subprocess.Popen(
            [sys.executable, "-E", "-s", __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    return Helper(process, payload)


def merge(into: Field, more: Field) -> None:
    """Append each word's papers in ``more`` to its list in ``into`` (``more``'s come later)."""
    deque(map(array.extend, map(into.__getitem__, more.keys()), more.values()), 0)


def _field(words: memoryview, counts: memoryview, flat: memoryview) -> Field:
    """The postings of one field from the helper's three sections."""
    names = str(words, "utf-8", "surrogatepass").split("\n") if words else []
    sizes = array("I")
    sizes.frombytes(counts)
    postings = array("I")
    postings.frombytes(flat)
    if len(sizes) != len(names) or sum(sizes) != len(postings):
        raise ValueError("the helper's answer does not fit together")
    ends = list(accumulate(sizes))
    pieces = map(postings.__getitem__, map(slice, [0, *ends[:-1]], ends))
    field: Field = defaultdict(_postings)
    field.update(zip(names, pieces, strict=True))
    return field


def _postings() -> Postings:
    return array("I")


def _index(numbers: Postings, texts: list[str]) -> tuple[Field, Field]:
    """The abstract postings and first-word postings, exactly as ``index.SearchIndex`` builds
    them for these papers' abstracts."""
    from text import words  # type: ignore[import-not-found]  # this file's folder, in the helper

    abstract: Field = defaultdict(_postings)
    abstract_first: Field = defaultdict(_postings)
    append = array.append
    distinct: set[str] = set()
    previous = -1
    for number, text in zip(numbers, texts, strict=True):
        if number != previous:
            deque(map(append, map(abstract.__getitem__, distinct), repeat(previous)), 0)
            distinct = set()
            previous = number
        note_words(words(text), number, distinct, abstract_first)
    deque(map(append, map(abstract.__getitem__, distinct), repeat(previous)), 0)
    return abstract, abstract_first


def note_words(found: list[str], number: int, distinct: set[str], firsts: Field) -> None:
    """Add one abstract's words to ``distinct`` (its paper's words so far) and paper ``number``
    to its first word's postings, once: the one rule both builds follow (the index's own, and
    this helper's for the later papers)."""
    if found:
        distinct.update(found)
        first = firsts[found[0]]
        if not first or first[-1] != number:
            first.append(number)


def _write_field(out: IO[bytes], field: Field) -> None:
    names = sorted(field)
    lists = [field[name] for name in names]
    sections = [
        "\n".join(names).encode("utf-8", "surrogatepass"),
        array("I", map(len, lists)).tobytes(),
        b"".join(map(array.tobytes, lists)),
    ]
    for section in sections:
        out.write(len(section).to_bytes(8, sys.byteorder))
        out.write(section)


def _main() -> None:
    import gc

    gc.disable()  # millions of objects, no cycles
    data = memoryview(sys.stdin.buffer.read())
    count = int.from_bytes(data[:8], sys.byteorder)
    numbers = array("I")
    numbers.frombytes(data[8 : 8 + 4 * count])
    texts = str(data[8 + 4 * count :], "utf-8", "surrogatepass").split(_SEPARATOR) if count else []
    del data
    if len(texts) != count:
        sys.exit(1)
    abstract, abstract_first = _index(numbers, texts)
    out = sys.stdout.buffer
    _write_field(out, abstract)
    _write_field(out, abstract_first)
    out.flush()
    os._exit(0)  # skip freeing millions of objects one by one


if __name__ == "__main__":
    _main()
