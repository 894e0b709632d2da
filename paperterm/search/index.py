"""The search index: a sorted vocabulary of folded words and, per field, which papers hold each.

Built once per catalogue (lazily, on the first non-empty query). A typed word is matched against
the vocabulary, never against papers: the words starting with it form one contiguous range of
the sorted vocabulary, and the typo matches are a few more ranges found with rapidfuzz over the
distinct prefixes of the words sharing its first letter. The papers of a range of words come from
posting lists stored back to back in vocabulary order, so a range is one slice; frequent words
keep a ready bit set instead, and long ranges reuse the cached bit set of whole blocks of words.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import accumulate, compress, count, pairwise, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeAlias

from rapidfuzz import process
from rapidfuzz.distance import OSA

from paperterm import fsio
from paperterm.model import Paper
from paperterm.search import bulk, cache, helper
from paperterm.search.ahead import Ahead
from paperterm.search.bitset import Universe
from paperterm.search.cache import FieldState
from paperterm.search.match import prefix_lengths, typo_budget
from paperterm.search.text import merge_spans, words

Range = tuple[int, int]
"""A half-open range ``[start, end)`` of word numbers in the sorted vocabulary."""
Postings: TypeAlias = "array[int]"
"""The papers holding a word, by catalogue position, ascending (``array("I")``)."""


def _postings() -> Postings:
    return array("I")


_LINKS = attrgetter("links")
_ABSTRACTS = attrgetter("abstracts")

BULK_PAPERS = 5_000
"""From this many papers the index is built in bulk by numpy (:mod:`paperterm.search.bulk`);
smaller catalogues build word by word in a fraction of a second, without importing numpy."""

_NONE: Postings = array("I")
"""The papers of a word a field lacks (shared, never modified)."""


@dataclass(frozen=True, slots=True)
class WordRanges:
    """The vocabulary words a typed word matches, by match level, as disjoint ranges."""

    exact: tuple[Range, ...]
    """The typed word itself, when the vocabulary has it."""
    prefix: tuple[Range, ...]
    """Words starting with the typed word, other than the word itself."""
    typo: tuple[Range, ...]
    """Words within the typo budget that do not start with the typed word."""


class Vocabulary:
    """Every word, sorted, and where the sorted list changes its first letters."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        """The words, sorted."""

    @cached_property
    def boundaries(self) -> list[tuple[int, int]]:
        """``(position, n)`` wherever a word's first four letters differ from the word before,
        ``n`` being the first letter (1 to 4) that differs (found when first asked: only a
        field cut into blocks asks)."""
        heads = list(map(itemgetter(slice(0, 4)), self.words))
        numpy = sys.modules.get("numpy")  # imported by a bulk build: then the changes in arrays
        if numpy is not None and len(self.words) >= BULK_PAPERS:
            return _changes_in_arrays(numpy, heads)
        return _changes(heads)


def _changes(heads: list[str]) -> list[tuple[int, int]]:
    """:attr:`Vocabulary.boundaries` of the words' first four letters, in C but for the changes
    (far fewer than the words)."""
    changes = compress(count(1), map(str.__ne__, heads[1:], heads))
    boundaries = [(0, 1)] if heads else []
    for number in changes:
        head, previous = heads[number], heads[number - 1]
        depth = 1
        while head[depth - 1 : depth] == previous[depth - 1 : depth]:
            depth += 1
        boundaries.append((number, depth))
    return boundaries


def _changes_in_arrays(np: Any, heads: list[str]) -> list[tuple[int, int]]:
    """:func:`_changes` with numpy, without a Python step per change (a big vocabulary has
    100,000s): each head as four code points (zero past its end), compared with the previous."""
    points = np.array(heads, dtype="U4").view(np.uint32).reshape(len(heads), 4)
    differ = points[1:] != points[:-1]
    changed = np.flatnonzero(differ.any(axis=1))
    depths = differ[changed].argmax(axis=1) + 1
    return [(0, 1), *zip((changed + 1).tolist(), depths.tolist(), strict=True)]


class FieldPostings:
    """For one field (title, abstract, or the first word of either): the papers of each word."""

    def __init__(
        self,
        universe: Universe,
        vocabulary: Vocabulary,
        postings: dict[str, Postings],
        blocks: bool = True,
    ) -> None:
        """The field holding ``postings`` (word -> its papers); without ``blocks``, no blocks of
        words are cut (a range's papers are then always scattered from its postings)."""
        self._universe = universe
        dense_from = max(64, universe.size // 64)
        # Each word's papers in vocabulary order, empty where this field lacks the word: one
        # pass in C over the vocabulary instead of a Python step per word.
        lists = list(map(postings.get, vocabulary.words, repeat(_NONE)))
        counts = list(map(len, lists))
        self._dense_numbers = list(compress(count(), map(dense_from.__le__, counts)))
        self._dense = {n: universe.from_indices(lists[n]) for n in self._dense_numbers}
        for number in self._dense_numbers:
            # A frequent word is answered by its bit set: the flat array leaves it out.
            lists[number] = _NONE
            counts[number] = 0
        # One copy of the raw bytes, not one conversion per paper number.
        self._flat = array("I", b"".join(map(array.tobytes, lists)))
        self._offsets = array("Q", accumulate(counts, initial=0))
        # Blocks of consecutive words, each with its set ready: a long range ORs the blocks it
        # covers and scatters only the postings of its two ragged ends.
        self._block_size = max(4096, universe.size // 8) if blocks else len(self._flat)
        self._block_starts = [0, len(vocabulary.words)]
        self._blocks: list[int] = []
        if len(self._flat) > self._block_size:
            self._block_starts = _cut_blocks(self._offsets, self._block_size, vocabulary)
            flat, offsets, starts = self._flat, self._offsets, self._block_starts
            self._blocks = [
                universe.from_indices(flat[offsets[starts[block]] : offsets[starts[block + 1]]])
                for block in range(len(starts) - 1)
            ]

    def state(self) -> FieldState:
        """What this field holds, for saving (:mod:`paperterm.search.cache`)."""
        numbers = self._dense_numbers
        return FieldState(
            numbers,
            [self._dense[n] for n in numbers],
            self._flat,
            self._offsets,
            self._block_starts,
            self._blocks,
        )

    @classmethod
    def restore(cls, universe: Universe, state: FieldState) -> FieldPostings:
        """The field as :meth:`state` saved it, without building anything."""
        field = cls.__new__(cls)
        field._universe = universe
        field._dense_numbers = state.dense_numbers
        field._dense = dict(zip(state.dense_numbers, state.dense, strict=True))
        field._flat = state.flat
        field._offsets = state.offsets
        field._block_size = max(4096, universe.size // 8)
        field._block_starts = state.block_starts
        field._blocks = state.blocks
        return field

    @classmethod
    def from_pairs(
        cls, universe: Universe, vocabulary: Vocabulary, pairs: bulk.Pairs, blocks: bool = True
    ) -> FieldPostings:
        """The field from its (word, paper) pairs sorted by word then paper, each once (numpy
        arrays, :mod:`paperterm.search.bulk`): the same field as :meth:`__init__` makes."""
        import numpy as np

        size = universe.size
        counts = np.bincount(pairs.words, minlength=len(vocabulary.words))
        ends = np.cumsum(counts)
        dense_mask = counts >= max(64, size // 64)
        dense_numbers = np.flatnonzero(dense_mask).tolist()
        dense = [
            _bit_set(np, pairs.papers[ends[n] - counts[n] : ends[n]], size) for n in dense_numbers
        ]
        flat_papers = pairs.papers[~dense_mask[pairs.words]].astype(np.uint32)
        counts[dense_mask] = 0
        # Straight from the numpy buffers (``tobytes`` would make one more copy of each).
        offsets = array("Q")
        offsets.frombytes(np.concatenate(([0], np.cumsum(counts))).astype(np.uint64).data.cast("B"))
        flat = array("I")
        flat.frombytes(np.ascontiguousarray(flat_papers, np.uint32).data.cast("B"))
        block_size = max(4096, size // 8) if blocks else len(flat)
        starts = [0, len(vocabulary.words)]
        sets: list[int] = []
        if len(flat) > block_size:
            starts = _cut_blocks(offsets, block_size, vocabulary)
            sets = [
                _bit_set(np, flat_papers[offsets[first] : offsets[last]], size)
                for first, last in pairwise(starts)
            ]
        field = cls.restore(universe, FieldState(dense_numbers, dense, flat, offsets, starts, sets))
        field._block_size = block_size
        return field

    def lists(self, number: int, paper: int) -> bool:
        """Whether word ``number`` of the vocabulary has ``paper`` among its papers."""
        dense = self._dense.get(number)
        if dense is not None:
            return bool(dense >> (self._universe.size - 1 - paper) & 1)
        return paper in self._flat[self._offsets[number] : self._offsets[number + 1]]

    def papers(self, ranges: Iterable[Range]) -> int:
        """The set of papers holding any word in ``ranges`` (disjoint, any order)."""
        bits = 0
        chunks: list[array[int]] = []
        offsets, flat, starts = self._offsets, self._flat, self._block_starts
        for start, end in ranges:
            if end <= start:
                continue
            dense = self._dense_numbers
            for number in dense[bisect_left(dense, start) : bisect_left(dense, end)]:
                bits |= self._dense[number]
            if offsets[end] - offsets[start] <= self._block_size:
                chunks.append(flat[offsets[start] : offsets[end]])
                continue
            first = bisect_left(starts, start)
            last = bisect_right(starts, end) - 1
            if first >= last:
                chunks.append(flat[offsets[start] : offsets[end]])
                continue
            if start < starts[first]:
                chunks.append(flat[offsets[start] : offsets[starts[first]]])
            if starts[last] < end:
                chunks.append(flat[offsets[starts[last]] : offsets[end]])
            for block in range(first, last):
                bits |= self._blocks[block]
        if chunks:
            bits |= self._universe.from_indices(*chunks)
        return bits


class SearchIndex:
    """Everything a query needs about a catalogue, computed once."""

    def __init__(
        self,
        papers: Sequence[Paper],
        cache_dir: Path | None = None,
        use_saved: bool = True,
        key: str | None = None,
        titles_only: bool = False,
        ahead: Ahead | None = None,
    ) -> None:
        """Index ``papers``; with ``cache_dir``, load the index saved there for the same
        catalogue instead of building it (unless not ``use_saved``), or save it there once
        built. A saved index that does not agree with the catalogue is rebuilt and saved over.
        ``key`` is ``cache.catalogue_key(papers)`` when the caller has it already.
        ``titles_only`` indexes the titles alone (never saved): abstracts then match nothing.
        ``ahead``, the helper the load handed the texts to (:mod:`paperterm.search.ahead`),
        gives the index instead of a build when no saved one is used; checked as a saved one
        is, and built here if it fails."""
        self.papers = papers
        """The catalogue, in order; bit sets and indices refer to positions in it."""
        self.universe = Universe(len(papers))
        """Set helpers sized for this catalogue."""
        self.loaded = False
        """Whether the index came from the cache rather than being built."""
        self.words: list[str] = []
        """Every folded word of every title and abstract, sorted."""
        # The build allocates millions of objects and no cycles: collecting would only re-scan them.
        with fsio.gc_paused():
            if titles_only:
                cache_dir = None
            if cache_dir is not None and key is None:
                key = cache.catalogue_key(papers)
            saved = None
            if cache_dir is not None and key is not None and use_saved:
                saved = cache.load(cache_dir, key, papers)
            if saved is not None:
                self.words = saved[0]
                fields = [FieldPostings.restore(self.universe, state) for state in saved[1]]
                self._set_fields(fields)
                try:
                    self.loaded = self._agrees_with_catalogue()
                except Exception:  # whatever a forged file does, it only means a rebuild
                    self.loaded = False
            made = None
            if not self.loaded and ahead is not None:
                made = ahead.titles(len(papers)) if titles_only else ahead.whole(len(papers))
            if made is not None:
                self.words = made[0]
                self._set_fields([FieldPostings.restore(self.universe, state) for state in made[1]])
                try:
                    made_right = self._agrees_with_catalogue(titles_only=titles_only)
                except Exception:  # it cannot be wrong; if it were, only a rebuild follows
                    made_right = False
                if not made_right:
                    made = None
            if not self.loaded and made is None:
                words, fields = self._build(papers, titles_only)
                self.words = words
                self._set_fields(fields)
            if not self.loaded:
                fields = [self.title, self.abstract, self.title_first, self.abstract_first]
                if cache_dir is not None and key is not None:
                    states = [field.state() for field in fields]
                    cache.save(cache_dir, key, len(papers), self.words, states)
            if len(papers) >= BULK_PAPERS:
                bulk.give_back_memory()
        self._prefixes: dict[tuple[str, int], list[str]] = {}
        self._containing: dict[str, list[int]] = {}
        self._joined: tuple[str, list[int]] | None = None
        self._positions: dict[str, int] | None = None

    # The flags are made when a query first asks (in C over the catalogue; only the papers with
    # links take a Python step): most never do.

    @cached_property
    def _linked(self) -> bytes:
        return bytes(map(bool, map(_LINKS, self.papers)))

    @cached_property
    def has_code(self) -> int:
        """Papers linking a code repository."""
        papers, linked = self.papers, self._linked
        return self.universe.from_indices(
            [n for n in compress(range(len(papers)), linked) if papers[n].has_code]
        )

    @cached_property
    def has_link(self) -> int:
        """Papers with any link."""
        return self.universe.from_flag_bytes(self._linked)

    @cached_property
    def has_abstract(self) -> int:
        """Papers with an abstract."""
        return self.universe.from_flag_bytes(bytes(map(bool, map(_ABSTRACTS, self.papers))))

    def _set_fields(self, fields: list[FieldPostings]) -> None:
        self.title = fields[0]
        """Papers by title word."""
        self.abstract = fields[1]
        """Papers by abstract word."""
        self.title_first = fields[2]
        """Papers by the first word of the title."""
        self.abstract_first = fields[3]
        """Papers by the first word of an abstract."""

    def _agrees_with_catalogue(self, samples: int = 64, titles_only: bool = False) -> bool:
        """Whether a loaded index holds what it should for some papers of the catalogue.

        The saved file's digest proves it undamaged, not that it is this catalogue's index (a
        file can be forged, or be another catalogue's under this one's name); its numbers were
        checked to be in range as it was read. Here up to ``samples`` papers spread over the
        catalogue, the first and last included, are tokenised again: every word of each must
        be in the vocabulary with the paper among its papers, in the right field.
        """
        papers = self.papers
        if not papers:
            return not self.words
        step = max(1, (len(papers) - 1) // max(1, samples - 1))
        chosen = {*range(0, len(papers), step), len(papers) - 1}
        for number in sorted(chosen):
            paper = papers[number]
            found = words(paper.title)
            if found and not self._holds(self.title_first, found[0], number):
                return False
            if not all(self._holds(self.title, word, number) for word in set(found)):
                return False
            for text in () if titles_only else paper.abstracts:
                found = words(text)
                if found and not self._holds(self.abstract_first, found[0], number):
                    return False
                if not all(self._holds(self.abstract, word, number) for word in set(found)):
                    return False
        return True

    def _holds(self, field: FieldPostings, word: str, paper: int) -> bool:
        """Whether ``field`` lists ``paper`` under ``word``."""
        number = bisect_left(self.words, word)
        if number == len(self.words) or self.words[number] != word:
            return False
        return field.lists(number, paper)

    def _build(
        self, papers: Sequence[Paper], titles_only: bool = False
    ) -> tuple[list[str], list[FieldPostings]]:
        """The sorted vocabulary, and each word's papers by field: title, abstract, and the
        first word of each (in that order)."""
        if len(papers) >= BULK_PAPERS:
            universe = self.universe

            def field_maker(words: list[str]) -> Callable[[bulk.Pairs], FieldPostings]:
                # A titles-only index lives a few seconds: no blocks of words cut for it.
                return partial(
                    FieldPostings.from_pairs, universe, Vocabulary(words), blocks=not titles_only
                )

            try:
                built = bulk.build(papers, titles_only, then=field_maker)
            except (ImportError, bulk.Collision):
                pass  # no numpy, or two words hashed alike: word by word, below
            else:
                return built.words, built.fields
        # Lists of paper numbers as arrays: half the memory of lists of ints, and copied into
        # the flat array as bytes. (Measured: appending costs the same as to a list.)
        title: defaultdict[str, Postings] = defaultdict(_postings)
        abstract: defaultdict[str, Postings] = defaultdict(_postings)
        title_first: defaultdict[str, Postings] = defaultdict(_postings)
        abstract_first: defaultdict[str, Postings] = defaultdict(_postings)
        append = array.append

        def add_abstracts(number: int) -> None:
            """Append paper ``number`` to its abstracts' words, and to each first word's."""
            distinct: set[str] = set()
            for text in papers[number].abstracts:
                helper.note_words(words(text), number, distinct, abstract_first)
            deque(map(append, map(abstract.__getitem__, distinct), repeat(number)), 0)

        # A helper process indexes the abstracts of the later papers meanwhile (big catalogues).
        first = helper.split_point(papers) if len(papers) >= helper.MIN_PAPERS else len(papers)
        running = None if titles_only else helper.start(papers, first)
        if running is None:
            first = 0 if titles_only else len(papers)
        try:
            for number, paper in enumerate(papers):
                found = words(paper.title)
                if found:
                    title_first[found[0]].append(number)
                    # The build's inner loop, run in C: append the paper to each word's list.
                    deque(map(append, map(title.__getitem__, set(found)), repeat(number)), 0)
                if number < first:
                    add_abstracts(number)
            answer = running.result() if running is not None else None
        finally:
            if running is not None:
                running.close()
        if answer is not None:
            helper.merge(abstract, answer[0])
            helper.merge(abstract_first, answer[1])
        elif not titles_only:
            for number in range(first, len(papers)):
                add_abstracts(number)
        vocabulary = Vocabulary(sorted(title.keys() | abstract.keys()))
        return vocabulary.words, [
            FieldPostings(self.universe, vocabulary, postings, blocks=not titles_only)
            for postings in (title, abstract, title_first, abstract_first)
        ]

    # Words -------------------------------------------------------------------------------------

    def prefix_range(self, prefix: str) -> Range:
        """The words starting with ``prefix``."""
        start = bisect_left(self.words, prefix)
        return start, bisect_left(self.words, prefix + "\U0010ffff", start)

    def match_word(self, typed: str) -> WordRanges:
        """The vocabulary words matching a typed word (see :mod:`paperterm.search.match`)."""
        start, end = self.prefix_range(typed)
        exact: tuple[Range, ...] = ()
        if start < end and self.words[start] == typed:
            exact = ((start, start + 1),)
            start += 1
        prefix = ((start, end),) if start < end else ()
        budget = typo_budget(typed)
        if not budget:
            return WordRanges(exact, prefix, ())
        found: list[Range] = []
        for length in prefix_lengths(typed, budget):
            for choice, _distance, _position in process.extract(
                typed,
                self._prefixes_of(typed[0], length),
                scorer=OSA.distance,
                score_cutoff=budget,
                limit=None,
            ):
                found.append(self.prefix_range(choice))
        whole = (exact[0][0] if exact else start, end)
        typo = [piece for r in merge_spans(found) for piece in _subtract(r, whole)]
        return WordRanges(exact, prefix, tuple(typo))

    def prepare_typo(self, typed: str) -> None:
        """Find the prefixes a typo search of the word ``typed`` with one more letter compares
        with (those of ``typed`` itself were found by its own search): the next key of a word
        being typed then finds them ready (one more length of its letter: 0.3-1 ms at 100k
        papers; the first key of 5 letters wants three)."""
        if not typed:
            return
        longer = typed + typed[-1]  # only its length counts
        budget = typo_budget(longer)
        if budget:  # none under 5 letters: no typo search
            for length in prefix_lengths(longer, budget):
                self._prefixes_of(typed[0], length)

    def containing(self, needle: str) -> list[Range]:
        """The words that contain ``needle`` (letters and digits only) anywhere."""
        shorter = self._containing.get(needle[:-1]) if len(needle) > 1 else None
        if shorter is not None:
            # Typing one more letter only narrows the words found for the text before it.
            words = self.words
            numbers = [number for number in shorter if needle in words[number]]
        else:
            numbers = self._scan_for(needle)
        if len(self._containing) > 64:
            self._containing.clear()
        self._containing[needle] = numbers
        return merge_spans((n, n + 1) for n in numbers)

    def _scan_for(self, needle: str) -> list[int]:
        if len(needle) <= 2:
            # Short needles hit a good part of the vocabulary: test every word, in C.
            hits = map(str.__contains__, self.words, repeat(needle))
            return list(compress(range(len(self.words)), hits))
        if self._joined is None:
            starts = []
            position = 0
            for word in self.words:
                starts.append(position)
                position += len(word) + 1
            self._joined = ("\n".join(self.words), starts)
        joined, starts = self._joined
        numbers: list[int] = []
        at = joined.find(needle)
        while at >= 0:
            number = bisect_right(starts, at) - 1
            numbers.append(number)
            # The next match must lie in a later word.
            at = joined.find(needle, starts[number] + len(self.words[number]) + 1)
        return numbers

    def _prefixes_of(self, letter: str, length: int) -> list[str]:
        """The distinct ``length``-letter prefixes of the words starting with ``letter``."""
        key = (letter, length)
        cached = self._prefixes.get(key)
        if cached is None:
            start, end = self.prefix_range(letter)
            cached = self._prefixes[key] = distinct_prefixes(self.words, start, end, length)
        return cached

    # Papers ------------------------------------------------------------------------------------

    def position_of(self) -> dict[str, int]:
        """Paper id -> position in the catalogue."""
        if self._positions is None:
            self._positions = {paper.id: number for number, paper in enumerate(self.papers)}
        return self._positions

    def verified(self, candidates: int, test: Callable[[Paper], bool]) -> int:
        """The papers of ``candidates`` that pass ``test`` (for checks the index cannot answer)."""
        papers = self.papers
        kept = [n for n in self.universe.indices(candidates) if test(papers[n])]
        return self.universe.from_indices(kept)


WALK = 32
"""Runs of words the prefix walk (:func:`distinct_prefixes`) skips before it looks back at how
long they were."""
STRETCH = 1024
"""Words read one by one where the walk found the runs short."""


def distinct_prefixes(words: list[str], start: int, end: int, length: int) -> list[str]:
    """The distinct ``length``-letter prefixes of ``words[start:end]`` (sorted; shorter words
    have none), in order.

    The words sharing a prefix are neighbours, so one bisection skips each run of them and only
    the first word of a run is read: a typed word's first typo search (three prefix lengths)
    read all 6-8k words of its letter for each length, 2-4 ms at 100k papers, where most runs
    are long (``mod``: 41 prefixes of 4 letters). Where the runs are short (every word its own
    prefix, as the long prefixes of a big vocabulary are), a bisection per word would cost more
    than reading the words: after :data:`WALK` runs of fewer than 4 words on average, the next
    :data:`STRETCH` words are read in one pass instead.
    """
    found: list[str] = []
    cut = itemgetter(slice(0, length))
    at = start
    while at < end:
        began, steps = at, 0
        while steps < WALK and at < end:
            word = words[at]
            steps += 1
            if len(word) < length:
                at += 1
                continue
            prefix = word[:length]
            found.append(prefix)
            at = _run_end(words, prefix, at + 1, end)
        if at - began < 4 * steps and at < end:
            stop = min(end, at + STRETCH)
            part = words[at:stop]
            long_enough = compress(part, map(length.__le__, map(len, part)))
            # A run starts at ``at``: nothing read here was found before.
            found += dict.fromkeys(map(cut, long_enough))
            at = _run_end(words, found[-1], stop, end) if found else stop
    return found


def _run_end(words: list[str], prefix: str, start: int, end: int) -> int:
    """Where the run of words starting with ``prefix`` that goes on at ``start`` ends."""
    at = bisect_left(words, prefix + "\U0010ffff", start, end)
    while at < end and words[at].startswith(prefix):  # a word holding U+10FFFF itself
        at += 1
    return at


def _subtract(piece: Range, hole: Range) -> list[Range]:
    start, end = piece
    left = (start, min(end, hole[0]))
    right = (max(start, hole[1]), end)
    return [r for r in (left, right) if r[0] < r[1]]


def _cut_blocks(offsets: array[int], size: int, vocabulary: Vocabulary) -> list[int]:
    """Where blocks start: about a block size apart, preferably where the first letters change.

    Cutting where the first or second letter changes makes the one- and two-letter prefixes
    (the slowest ranges, typed on every new word) whole blocks with nothing to scatter.
    """
    # How full a block must be before a cut where the word's n-th letter changes.
    fill_before_cut = (0, size // 16, size // 2, size, 2 * size)
    starts = [0]
    for number, depth in vocabulary.boundaries:
        if offsets[number] - offsets[starts[-1]] >= fill_before_cut[depth]:
            starts.append(number)
    if starts[-1] != len(vocabulary.words):
        starts.append(len(vocabulary.words))
    return starts


def _bit_set(np: Any, papers: Any, size: int) -> int:
    """The set of ``papers`` (a numpy array of paper numbers), as ``Universe.from_indices``."""
    if not size:
        return 0
    width = (size + 7) // 8
    flags = np.zeros(8 * width, np.uint8)
    flags[papers] = 1
    return int.from_bytes(np.packbits(flags).tobytes(), "big") >> (8 * width - size)
