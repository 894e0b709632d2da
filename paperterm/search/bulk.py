"""The search index built in bulk: every text split into words by numpy over its bytes.

Splitting a catalogue's texts into words one Python string at a time, and appending each paper
to each of its words' lists, costs a microsecond or more per word: tens of millions of words per
100k papers (measured on the long-abstract catalogue: 18 s, 25 times the time to read the file).
Here the texts whose folded form is ASCII (nearly all) are lowercased and cut into words as byte
arrays, without a Python object per word:

- the bytes are mapped through a table (letters and digits to their lower case, the rest to 0),
  and a word is a run of non-zero bytes: exactly ``str.translate`` plus ``split`` of
  :func:`paperterm.search.text.words`;
- a word of up to 8 letters is its letters as one 8-byte number (zero padded); a word of 9 to
  :data:`_WIDTH` letters is read as three such numbers, hashed into one, and compared letter for
  letter with the first word of the same hash: a hash collision is found, never trusted
  (:class:`Collision`, and the caller builds the index word by word); longer words, and texts
  whose folding is not ASCII, take the word-by-word path;
- the (word, paper) pairs of a field, as one 64-bit number each, are sorted and de-duplicated:
  the posting lists, back to back in vocabulary order, as :class:`~paperterm.search.index.
  FieldPostings` stores them.

numpy releases the interpreter lock in its loops, so the chunks of text are cut on two threads.
The memory a chunk's arrays free is kept for the next chunk's meanwhile (:func:`memory_kept`):
on a virtual machine, touching fresh memory costs more than the arithmetic done on it.
numpy is imported by :func:`build` (a second or more into the first open of a big catalogue),
never at start-up.
"""

from __future__ import annotations

import functools
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from paperterm.search.text import fold, words

if TYPE_CHECKING:
    from paperterm.model import Paper

_TITLE = attrgetter("title")
_ABSTRACTS = attrgetter("abstracts")
_WIDTH = 24
"""Words up to this many letters are cut and compared as numbers; longer ones as strings."""
_CHUNK = 1 << 22
"""About how many bytes of text are cut into words at a time (bounds the memory per step)."""
_PADDING = "\n" * (_WIDTH + 8)
"""After the last text of a chunk: a word's last 8-byte lane is read whole."""
_THREADS = 2
_TITLES = 0
"""The field :meth:`Stream.add` numbers 0 (``ahead.TITLES``; 1 the abstracts)."""


class Collision(Exception):
    """Two different words had the same hash (astronomically rare): build the index another way."""


@dataclass(slots=True)
class Pairs:
    """One field's words and papers: ``words[i]`` (a vocabulary number) is in paper ``papers[i]``,
    sorted by word then paper, each pair once."""

    words: Any
    """numpy array of word numbers."""
    papers: Any
    """numpy array of paper numbers, same length."""


@dataclass(slots=True)
class Built:
    """The vocabulary and the pairs of each field: title, abstract, first word of each."""

    words: list[str]
    fields: list[Any]
    """Each field's :class:`Pairs` (title, abstract, first word of each), or what ``then`` made
    of them (see :func:`build`)."""


class _Texts:
    """One field's texts in the byte path (ASCII once folded) and in the word-by-word path."""

    def __init__(self, np: Any, texts: list[str], owners: Any) -> None:
        self.slow: list[tuple[int, list[str]]] = []
        """``(paper, words)`` of the texts the byte path cannot cut."""
        plain = np.fromiter(map(str.isascii, texts), bool, len(texts))
        if not plain.all():
            texts = list(texts)
            for number in np.flatnonzero(~plain).tolist():
                folded = fold(texts[number])
                if folded.isascii():
                    texts[number] = folded
                    plain[number] = True
                else:
                    self.slow.append((int(owners[number]), words(texts[number])))
            texts = list(compress(texts, plain.tolist()))
            owners = owners[plain]
        self.texts = texts
        """The texts of the byte path (folded where not ASCII)."""
        self.owners = owners
        """numpy array: the paper of each."""
        self.sizes = np.fromiter(map(len, texts), np.int64, len(texts)) + 1
        """numpy array: the length of each, plus one for the separator."""


@dataclass(slots=True)
class _Chunk:
    """A chunk of texts cut into words: each word as a number local to the chunk."""

    local: Any
    """numpy array: each word's number in this chunk's list of distinct words."""
    owners: Any
    """numpy array: each text's paper (its words' paper)."""
    per_text: Any
    """numpy array: how many words each text has."""
    firsts: Any
    """numpy array: the position in ``local`` of each non-empty text's first word."""
    first_owners: Any
    """numpy array: the paper of each of those texts."""
    hashes: Any
    """numpy array: the hash of each distinct short word, sorted (the first part of the list)."""
    letters: Any
    """numpy array (n, 3) of 8-byte numbers: the letters of each distinct short word."""
    long: list[str]
    """The distinct long words (the rest of the list, after the short ones)."""


def build(
    papers: Sequence[Paper],
    titles_only: bool = False,
    then: Callable[[list[str]], Callable[[Pairs], Any]] | None = None,
) -> Built:
    """The vocabulary and each field's (word, paper) pairs, as ``index.SearchIndex`` builds them;
    with ``then``, each field is what ``then(vocabulary)`` makes of its pairs instead (made while
    the other fields' pairs are still being sorted).

    Raises :class:`Collision` in the astronomically rare case of two words with the same hash.
    """
    import numpy as np

    numbers = np.arange(len(papers), dtype=np.uint32)
    title = _Texts(np, list(map(_TITLE, papers)), numbers)
    lists = [] if titles_only else list(map(_ABSTRACTS, papers))
    counts = np.fromiter(map(len, lists), np.int64, len(lists))
    owners = np.repeat(numbers[: len(lists)], counts)
    abstract = _Texts(np, list(chain.from_iterable(lists)), owners)
    # Cutting and numbering make many arrays per chunk: memory kept for reuse (see memory_kept),
    # handed back after.
    with memory_kept():
        tables = _Tables(np)
        # Both fields' chunks in one go: no thread waits for the titles' last chunk.
        title_chunks = _chunks(title)
        with ThreadPoolExecutor(_THREADS) as pool:
            done = list(pool.map(tables.cut, [*title_chunks, *_chunks(abstract)]))
        cut = [done[: len(title_chunks)], done[len(title_chunks) :]]
        del done
        vocabulary, arrays = _numbered(np, tables, cut, [title.slow, abstract.slow])
        del cut
    return Built(vocabulary, _sorted_fields(np, arrays, vocabulary, then))


class Stream:
    """Texts cut into words as they come, chunk by chunk on two threads, then the index made of
    them as :func:`build` makes it (the index built ahead while a load reads, in a process of
    its own: :mod:`paperterm.search.ahead`)."""

    def __init__(self) -> None:
        import numpy as np

        self._np = np
        self._tables = _Tables(np)
        # The titles' chunks on a thread of their own, never waiting for the gate below: in
        # one queue with the abstracts', the last titles (handed over when the load ends)
        # waited behind every abstract not cut yet, and with them the titles-only index, a
        # reader's first answer. (The titles are a twentieth of the text.)
        self._pools = [ThreadPoolExecutor(1), ThreadPoolExecutor(_THREADS)]
        # One chunk of abstracts cut at a time while texts still come (the load runs on the
        # other core), two once they are all in; a chunk of titles may be cut beside it, so
        # for a moment the helper takes more than one core.
        self._gate = threading.Semaphore(1)
        self._all_in = False
        self._texts: list[list[str]] = [[], []]
        self._owners = [array("I"), array("I")]
        self._sizes = [0, 0]
        self._cut: list[list[Future[_Chunk]]] = [[], []]
        self._slow: list[list[tuple[int, list[str]]]] = [[], []]
        self._records: list[list[bytes]] = [[], []]
        self._record_owners = [array("I"), array("I")]
        self._record_sizes = [0, 0]

    def add_joined(self, field: int, owners: array[int], joined: bytes) -> None:
        """Like :meth:`add`, the texts given as their UTF-8 joined by NUL: ASCII ones are cut
        from these bytes as they are (no text decoded, joined and encoded again). Raises
        ValueError when the texts are not as many as the owners (a text holding a NUL)."""
        if not joined.isascii():
            texts = joined.decode("utf-8", "surrogatepass").split("\x00")
            if len(texts) != len(owners):
                raise ValueError("a text holds the separator")
            self.add(field, owners, texts)
            return
        self._records[field].append(joined)
        self._record_owners[field].extend(owners)
        self._record_sizes[field] += len(joined) + 1
        if self._record_sizes[field] >= _CHUNK:
            self._flush_records(field)

    def _flush_records(self, field: int) -> None:
        np = self._np
        records, owners = self._records[field], self._record_owners[field]
        self._records[field], self._record_owners[field] = [], array("I")
        self._record_sizes[field] = 0
        if not records:
            return
        joined = b"\x00".join([*records, _PADDING.encode("ascii")])
        del records
        ends = np.flatnonzero(np.frombuffer(joined, np.uint8)[: len(joined) - len(_PADDING)] == 0)
        if len(ends) != len(owners):
            raise ValueError("a text holds the separator")
        sizes = np.diff(ends, prepend=-1)
        text_owners = np.frombuffer(owners, np.uint32)
        self._cut[field].append(
            self._pools[field].submit(
                self._gated, field, self._tables.cut_bytes, joined, text_owners, sizes
            )
        )

    def _gated(self, field: int, cut: Callable[..., _Chunk], *chunk: Any) -> _Chunk:
        if field == _TITLES:  # see __init__
            return cut(*chunk)
        with self._gate:
            return cut(*chunk)

    def add(self, field: int, owners: Iterable[int], texts: list[str]) -> None:
        """More texts of ``field`` (0 titles, 1 abstracts), the paper of each in ``owners``
        (a paper's texts may come in several calls, and more than once)."""
        self._texts[field] += texts
        self._owners[field].extend(owners)
        self._sizes[field] += sum(map(len, texts))
        if self._sizes[field] >= _CHUNK:
            self._flush(field)

    def _flush(self, field: int) -> None:
        np = self._np
        texts, owners = self._texts[field], self._owners[field]
        self._texts[field], self._owners[field], self._sizes[field] = [], array("I"), 0
        if texts:
            cut = _Texts(np, texts, np.frombuffer(owners, np.uint32))
            self._slow[field] += cut.slow
            cut_one = self._tables.cut
            pool = self._pools[field]
            self._cut[field] += [pool.submit(self._gated, field, cut_one, c) for c in _chunks(cut)]

    def build(
        self,
        titles_only: bool = False,
        then: Callable[[list[str]], Callable[[Pairs], Any]] | None = None,
    ) -> Built:
        """:func:`build` of the texts added (the titles alone first is fine: the chunks stay
        for the whole index; after the whole index, nothing stays). Raises :class:`Collision`
        as it does."""
        np = self._np
        if not self._all_in:
            self._all_in = True
            self._gate.release()  # a second chunk at a time from now on
        self._flush(0)
        self._flush_records(0)
        parts = [self._cut[0]] if titles_only else self._cut
        if not titles_only:
            self._flush(1)
            self._flush_records(1)
        cut = [[future.result() for future in part] for part in parts]
        slow = [self._slow[0], [] if titles_only else self._slow[1]]
        if titles_only:
            cut.append([])
        else:
            self._cut = [[], []]  # each chunk let go once written
            for pool in self._pools:
                pool.shutdown()
        vocabulary, arrays = _numbered(np, self._tables, cut, slow)
        del cut
        return Built(vocabulary, _sorted_fields(np, arrays, vocabulary, then))


def _numbered(
    np: Any, tables: _Tables, cut: list[list[Any]], slow: list[list[tuple[int, list[str]]]]
) -> tuple[list[str], list[Any]]:
    """The vocabulary of the cut chunks of each field (title, abstract; each chunk let go once
    its pairs are written) and of the texts of each field's word-by-word path; and the (word,
    paper) pairs of each field then of its texts' first words, as sortable numbers, unsorted.

    Raises :class:`Collision` when two words have the same hash.
    """
    # The distinct short words of all chunks: one list, one hash each, letters compared.
    hashes = np.concatenate([chunk.hashes for part in cut for chunk in part] or [tables.empty64])
    letters = np.concatenate(
        [chunk.letters for part in cut for chunk in part] or [tables.empty64.reshape(0, 3)]
    )
    distinct = _unique(np, hashes)
    where = _positions(np, distinct, hashes)
    first = np.zeros((len(distinct), 3), np.uint64)
    first[where] = letters
    if not np.array_equal(first[where], letters):
        raise Collision
    extra = {word for part in cut for chunk in part for word in chunk.long}
    for field_slow in slow:
        for _number, found in field_slow:
            extra.update(found)
    vocabulary, short_rank, rank_of = _vocabulary(np, first, extra)
    # Each chunk's words as vocabulary numbers, paired with their papers as one sortable number,
    # written into one array per field, the chunks on two threads (each into its own part of
    # the array; each chunk's arrays let go once written).
    at = 0
    keys: list[Any] = []
    first_keys: list[Any] = []
    for kind, part in enumerate(cut):
        total = sum(len(chunk.local) for chunk in part) + sum(len(f) for _, f in slow[kind])
        field_keys = np.empty(total, np.uint64)
        jobs = []
        filled = 0
        for number, (count, size) in enumerate([(len(c.hashes), len(c.local)) for c in part]):
            jobs.append((part, number, at, filled))
            at += count
            filled += size
        assemble = _Assembly(np, short_rank, where, rank_of, field_keys)
        with ThreadPoolExecutor(_THREADS) as pool:
            firsts = list(pool.map(assemble.write, jobs))
        del jobs, assemble
        for number, found in slow[kind]:
            if found:
                ranks = np.fromiter(map(rank_of.__getitem__, found), np.uint64, len(found))
                end = filled + len(found)
                field_keys[filled:end] = ranks << 32 | number
                filled = end
                firsts.append(ranks[:1] << 32 | number)
        keys.append(field_keys)
        first_keys.append(np.concatenate(firsts) if firsts else np.zeros(0, np.uint64))
    return vocabulary, [*keys, *first_keys]


def _sorted_fields(
    np: Any,
    arrays: list[Any],
    vocabulary: list[str],
    then: Callable[[list[str]], Callable[[Pairs], Any]] | None,
) -> list[Any]:
    """Each field's :class:`Pairs` from its unsorted sortable numbers (``arrays``, emptied as
    they are sorted), or what ``then(vocabulary)`` makes of them."""
    # Each sorted array is let go as soon as its pairs are out (peak memory at 1M papers). The
    # abstracts' pairs, by far the most, are sorted first, on a thread of their own: the other
    # fields' sorts, and what ``then`` makes of the vocabulary and of each field's pairs, are
    # done meanwhile.
    fields: list[Any] = [None] * len(arrays)
    with ThreadPoolExecutor(_THREADS) as pool:
        sorting = {
            pool.submit(_pairs, np, arrays, number): number
            for number in sorted(range(len(arrays)), key=lambda number: -len(arrays[number]))
        }
        finish = then(vocabulary) if then is not None else None
        for future in as_completed(sorting):
            pairs = future.result()
            fields[sorting.pop(future)] = pairs if finish is None else finish(pairs)
            del pairs, future  # each field's pairs let go once made (peak memory)
    return fields


class _Assembly:
    """Writes each chunk's (word, paper) pairs, as sortable numbers, into a field's array."""

    def __init__(
        self, np: Any, short_rank: Any, where: Any, rank_of: dict[str, int], field_keys: Any
    ) -> None:
        self.np = np
        self.short_rank = short_rank
        self.where = where
        self.rank_of = rank_of
        self.field_keys = field_keys

    def write(self, job: tuple[list[Any], int, int, int]) -> Any:
        """Write chunk ``part[number]`` (its distinct short words from ``at`` in the list of all
        chunks', its pairs from ``filled`` in the array) and let it go; return the numbers of
        its texts' first words."""
        np = self.np
        part, number, at, filled = job
        chunk = part[number]
        part[number] = None
        count = len(chunk.hashes)
        long_ranks = np.fromiter(map(self.rank_of.__getitem__, chunk.long), np.uint64)
        ranks = np.concatenate([self.short_rank[self.where[at : at + count]], long_ranks])
        ranked = ranks[chunk.local]
        end = filled + len(ranked)
        np.left_shift(ranked, 32, out=self.field_keys[filled:end])
        self.field_keys[filled:end] |= np.repeat(chunk.owners, chunk.per_text)
        return ranked[chunk.firsts] << 32 | chunk.first_owners


def _vocabulary(np: Any, first: Any, extra: set[str]) -> tuple[list[str], Any, dict[str, int]]:
    """The sorted vocabulary: the distinct short words (their letters in ``first``, one row of
    three 8-byte numbers each) and the ``extra`` words (long, or from the word-by-word path);
    the vocabulary number of each short word, by row; and that of each extra word.

    The short words are sorted as numbers, not strings: each number's bytes read most
    significant first (big-endian) compare as the letters do, and zeros past a word's end sort
    it before its longer continuations, as ``sorted`` has it. The few extra words not among
    them are merged in by bisection.
    """
    order = np.lexsort(first.byteswap().T[::-1])  # the last key sorts first: the first letters
    # Each word's letters as bytes (numpy drops the zeros past the end of a word).
    short = first[order].astype("<u8").view(f"S{_WIDTH}").ravel().tolist()
    words = b"\n".join(short).decode("ascii").split("\n") if short else []
    added = sorted(word for word in extra if not _holds(words, word))
    # Where each added word goes among the short words; the short words after it move on one.
    places = [bisect_left(words, word) for word in added]
    vocabulary: list[str] = []
    done = 0
    for word, place in zip(added, places, strict=True):
        vocabulary += words[done:place]
        vocabulary.append(word)
        done = place
    vocabulary += words[done:]
    sorted_rank = np.arange(len(words), dtype=np.uint64)
    if places:
        sorted_rank += np.searchsorted(np.array(places), sorted_rank, side="right").astype(
            np.uint64
        )
    short_rank = np.empty(len(words), np.uint64)
    short_rank[order] = sorted_rank
    rank_of = {word: bisect_left(vocabulary, word) for word in extra}
    return vocabulary, short_rank, rank_of


def _holds(words: list[str], word: str) -> bool:
    """Whether the sorted ``words`` hold ``word``."""
    place = bisect_left(words, word)
    return place < len(words) and words[place] == word


def _pairs(np: Any, arrays: list[Any], number: int) -> Pairs:
    """The distinct (word, paper) pairs of ``arrays[number]`` (sorted in place, then dropped)."""
    keys = arrays[number]
    arrays[number] = None
    keys.sort()
    keep = np.empty(len(keys), bool)
    keep[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    kept = keys[keep]
    del keys, keep
    if sys.byteorder == "little":  # each number's halves, copied out without a 64-bit temporary
        halves = kept.view(np.uint32)
        return Pairs(halves[1::2].copy(), halves[0::2].copy())
    return Pairs((kept >> 32).astype(np.uint32), kept.astype(np.uint32))


def _unique(np: Any, values: Any) -> Any:
    """The distinct values, sorted (``np.unique`` is many times slower on some numpy versions)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def give_back_memory() -> None:
    """Return the memory a big index build or load freed to the system (glibc keeps much of it
    otherwise: measured, three times the index's own size stayed resident after a 100k-paper
    build)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


@contextmanager
def memory_kept() -> Iterator[None]:
    """Within: memory freed is kept for the next arrays rather than handed back to the system
    at once, and arrays up to 32 MB come from the heap (glibc's largest own choice); after, what
    is free is handed back and glibc's defaults are set again (arrays above 128 KB mapped on
    their own, so that the index built meanwhile does not pin freed memory between its pieces:
    measured, 40-60 MB more stayed resident after a 100k-paper build otherwise).

    Every chunk's arrays are new memory otherwise, and on a virtual machine a page's first touch
    costs more than the arithmetic done on it: measured, cutting a chunk took 93 ms instead of
    61 (the same run, each way). Only the speed changes, never what is built.
    """
    libc = _glibc()
    if libc is None:
        yield
        return
    libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    try:
        yield
    finally:
        libc.mallopt(_M_TRIM_THRESHOLD, 128 << 10)
        libc.mallopt(_M_MMAP_THRESHOLD, 128 << 10)
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> Any:
    """glibc, to ask about its memory; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018  (glibc has it; another libc may not)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None  # not glibc: nothing to ask
    return libc


def _chunks(field: _Texts) -> list[tuple[list[str], Any, Any]]:
    """The field's byte-path texts (with their papers and sizes) in chunks of about
    :data:`_CHUNK` characters."""
    if not field.texts:
        return []
    ends = field.sizes.cumsum()
    bounds = set((ends.searchsorted(range(_CHUNK, int(ends[-1]), _CHUNK)) + 1).tolist())
    chunks = []
    start = 0
    for end in sorted(bounds | {len(field.texts)}):
        chunks.append((field.texts[start:end], field.owners[start:end], field.sizes[start:end]))
        start = end
    return chunks


class _Tables:
    """What cutting needs, made once per build."""

    def __init__(self, np: Any) -> None:
        self.np = np
        # Letters and digits to their lower case, everything else to 0.
        self.table = bytes(
            ord(chr(code).lower()) if code < 128 and chr(code).isalnum() else 0
            for code in range(256)
        )
        # masks[n]: the lowest n bytes of an 8-byte number.
        self.masks = np.array([(1 << (8 * n)) - 1 for n in range(9)], np.uint64)
        self.empty64 = np.zeros(0, np.uint64)

    def cut(self, chunk: tuple[list[str], Any, Any]) -> _Chunk:
        """The words of a chunk of ASCII texts."""
        texts, text_owners, sizes = chunk
        # (The padding joined as one more text: no copy of the joined texts to add it.)
        return self.cut_bytes("\n".join([*texts, _PADDING]).encode("ascii"), text_owners, sizes)

    def cut_bytes(self, joined: bytes, text_owners: Any, sizes: Any) -> _Chunk:
        """The words of ASCII texts given as their bytes, each followed by one byte that is
        not a letter or digit, then :data:`_PADDING`: ``sizes`` says each one's length plus
        one, ``text_owners`` its paper."""
        np = self.np
        letters = np.frombuffer(joined.translate(self.table), np.uint8)
        size = len(letters) - len(_PADDING)
        inside = letters[: size + 1] != 0
        # Where a run of letters starts or ends, alternately (the padding ends the last one).
        bounds = np.flatnonzero(inside[1:] != inside[:-1]) + 1
        if inside[0]:
            bounds = np.concatenate(([0], bounds))
        starts = bounds[0::2]
        ends = bounds[1::2]
        lengths = ends - starts
        # Which text each word is in, and each non-empty text's first word.
        text_starts = np.zeros(len(sizes), np.int64)
        np.cumsum(sizes[:-1], out=text_starts[1:])
        firsts = np.searchsorted(starts, text_starts)
        per_text = np.diff(firsts, append=len(starts))
        nonempty = per_text > 0
        # A word of up to 8 letters is its letters as one little-endian number, zero past its
        # end (below 2**63: ASCII); a word of 9 to _WIDTH letters is three such numbers, hashed
        # into one with the top bit set, and its letters kept to check the hash.
        lanes = np.ndarray((size + _WIDTH,), dtype="<u8", buffer=letters, strides=(1,))
        keys = lanes[starts] & self.masks[np.minimum(lengths, 8)]
        middle = np.flatnonzero((lengths > 8) & (lengths <= _WIDTH))
        triple = np.empty((len(middle), 3), np.uint64)
        triple[:, 0] = keys[middle]
        middle_starts = starts[middle]
        middle_lengths = lengths[middle]
        for lane in (1, 2):
            kept = np.clip(middle_lengths - 8 * lane, 0, 8)
            triple[:, lane] = lanes[middle_starts + 8 * lane] & self.masks[kept]
        keys[middle] = _hash(np, triple)
        is_long = lengths > _WIDTH
        any_long = bool(is_long.any())
        short = np.flatnonzero(~is_long) if any_long else None
        short_keys = keys[short] if any_long else keys
        distinct = _unique(np, short_keys)
        local = np.empty(len(starts), np.int32)
        if any_long:
            local[short] = _positions(np, distinct, short_keys)
        else:
            local[:] = _positions(np, distinct, short_keys)
        letters_of = np.zeros((len(distinct), 3), np.uint64)
        letters_of[:, 0] = distinct
        if len(middle):
            found = local[middle]
            letters_of[found] = triple
            if not np.array_equal(letters_of[found], triple):
                raise Collision
        long_words: list[str] = []
        if any_long:
            numbered: dict[str, int] = {}
            numbers = []
            for start, end in zip(starts[is_long].tolist(), ends[is_long].tolist(), strict=True):
                word = letters[start:end].tobytes().decode("ascii")
                numbers.append(numbered.setdefault(word, len(distinct) + len(numbered)))
            local[is_long] = numbers
            long_words = list(numbered)
        return _Chunk(
            local,
            text_owners,
            per_text,
            firsts[nonempty],
            text_owners[nonempty],
            distinct,
            letters_of,
            long_words,
        )


_TOP = 1 << 63


def _hash(np: Any, triple: Any) -> Any:
    """One number per word of 9 letters or more (three 8-byte numbers), with the top bit set:
    apart from the words of up to 8 letters; equal for different words in rare cases, which the
    callers check."""
    with np.errstate(over="ignore"):
        mixed = triple[:, 0] * np.uint64(0x9E3779B97F4A7C15)
        mixed ^= triple[:, 1] * np.uint64(0xC2B2AE3D27D4EB4F)
        mixed ^= triple[:, 2] * np.uint64(0x165667B19E3779F9)
        mixed ^= mixed >> np.uint64(31)
        mixed *= np.uint64(0xD6E8FEB86659FD93)
    return mixed | np.uint64(_TOP)


def _positions(np: Any, distinct: Any, keys: Any) -> Any:
    """The position of each of ``keys`` in ``distinct`` (sorted, holding every key).

    A hash table with linear probing, built and probed with array operations: twice as fast as
    a binary search (``searchsorted``) here, the table being small enough to stay in the cache.
    """
    count = len(distinct)
    if not count:
        return np.zeros(len(keys), np.int64)
    bits = (4 * count).bit_length()
    shift = np.uint64(64 - bits)
    spread = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        slots = ((distinct * spread) >> shift).astype(np.int64)
        order = np.argsort(slots, kind="stable")
        # Each key at its slot or, when taken, at the first free place after it.
        steps = np.arange(count)
        places = np.maximum.accumulate(slots[order] - steps) + steps
        table_keys = np.zeros((1 << bits) + count, np.uint64)
        table_numbers = np.full((1 << bits) + count, -1, np.int64)
        table_keys[places] = distinct[order]
        table_numbers[places] = order
        # The slots in place (below 2**bits, so the same as signed numbers): no copies.
        probe = np.multiply(keys, spread)
        probe >>= shift
        probe = probe.view(np.int64)
    found = table_numbers[probe]
    missed = np.flatnonzero(table_keys[probe] != keys)
    for _ in range(count):
        if not len(missed):
            break
        probe[missed] += 1
        found[missed] = table_numbers[probe[missed]]
        missed = missed[table_keys[probe[missed]] != keys[missed]]
    else:
        if len(missed):
            raise ValueError("a key not in the table")
    return found
