"""What papers are about, as weighted terms: TF-IDF vectors over titles and abstracts, and the
papers most alike a given one (``similar:ID``).

A paper's terms are the words of its title and main abstract as the search folds them
(:func:`paperterm.search.text.words`), less common English words and bare numbers (the reasons
of a pick join two neighbouring words into a phrase for display only). A title word counts
twice. A term's weight is ``(1 + log tf) * idf`` with the smoothed
``idf = 1 + log((1 + n) / (1 + df))``; terms found in one paper only are dropped (they make no
paper like another). Each paper keeps its :data:`TOP_TERMS` heaviest terms, scaled to unit length,
so that the cosine of two papers is the sum over their shared terms of the products of weights.

The vectors are built once per catalogue, on first use (:func:`term_vectors`), by code of its own:
they depend on the search's word splitting only, not on its index. From :data:`BULK_PAPERS` papers
numpy weighs, ranks and cuts them in bulk, with the same result; a catalogue that large is saved
in the user cache dir and loaded the next time (:mod:`paperterm.search.vectorcache`).

Besides the vectors, an inverted index lists for each term the papers keeping it and its weight
there, so that the papers like one are found by walking the postings of its few terms, not by
comparing it with every paper.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import threading
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, count, pairwise, repeat
from operator import mul
from typing import Any

from paperterm.model import Paper
from paperterm.search import vectorcache
from paperterm.search.text import words
from paperterm.search.vectorcache import SavedVectors

TOP_TERMS = 48
"""Terms kept per paper: the heaviest; the rest change the cosines little and cost memory."""
TITLE_BOOST = 2
"""How many times a title's terms count: a title says what a paper is about in a few words."""
SIMILAR_LIMIT = 100
"""Papers ``similar:ID`` keeps at most, best first."""
BULK_PAPERS = 5_000
"""From this many papers the inverted index is built by numpy (:func:`_inverted_in_bulk`);
smaller catalogues build it pair by pair in a fraction of a second, without importing numpy."""
_CHUNK = 1 << 20
"""How many (paper, term) pairs the bulk build of the vectors weighs and sorts at a time."""
WALK = 500
"""How many entries of a term's postings ``similar:`` walks at most: the papers where the term
weighs most. A term kept by very many papers has a low IDF and adds little to each cosine, but
walking all its papers is most of the cost (at 100k papers, CPU p95 71 ms in full, 15 ms so)."""
RESCORE = 4
"""When a walk was cut short, the best ``RESCORE * limit`` papers it found are scored again
exactly, from their own vectors, before the best ``limit`` are kept."""

STOP_WORDS = frozenset(
    """
    a about above after again against all also although among an and any are around as at be
    because been before being below between both but by can could did do does doing done down
    during each either else etc even ever every few for from further had has have having here
    hence how however i if in into is it its itself just least less many may me might more most
    much must my near neither no nor not now of off often on once one only onto or other others
    otherwise our ours out over own per rather same several shall she should since so some such
    than that the their theirs them themselves then there thereby therefore these they this those
    though through thus to too toward towards under until up upon us use used uses using very via
    was we well were what when where whether which while who whom whose why will with within
    without would yet you your
    paper propose proposed proposes present presents show shows shown demonstrate demonstrates
    approach method methods work existing new novel recent recently results result based
    achieve achieves achieving furthermore moreover experiments extensive significantly
    state art sota code available github https http www com org io html
    """.split()  # noqa: SIM905 (a list of 200 words reads better as text)
)
"""English function words and the stock phrases of abstracts: they say nothing of a topic."""


@dataclass(frozen=True, slots=True)
class Similar:
    """One paper found like another."""

    position: int
    """Its position in the catalogue."""
    score: float
    """The cosine of the two papers' vectors, 0 to 1."""


def paper_words(paper: Paper) -> list[str]:
    """The words that make a paper's terms, with repeats (title words :data:`TITLE_BOOST` times)."""
    found = words(paper.title) * TITLE_BOOST
    if paper.abstracts:
        found += words(paper.abstract)
    return found


def is_term(word: str) -> bool:
    """Whether a word can be a term: two characters or more, not all digits, not a stop word."""
    return len(word) > 1 and not word.isdigit() and word not in STOP_WORDS


_LOG_TF = [0.0] + [1.0 + math.log(tf) for tf in range(1, 1025)]
"""``1 + log(tf)`` by ``tf``; a term repeated more often than this in one paper counts as 1024."""


class TermVectors:
    """Each paper of a catalogue as a sparse unit vector of term weights, plus an inverted index."""

    def __init__(self, papers: Sequence[Paper], walk: int = WALK) -> None:
        self.size = len(papers)
        """How many papers."""
        self.walk = walk
        """How many entries of a term's postings :meth:`similar` walks at most (:data:`WALK`)."""
        built = None
        if len(papers) >= BULK_PAPERS:
            with contextlib.suppress(ImportError):  # no numpy: paper by paper
                built = _vectors_in_bulk(papers)
        terms, idf, flat_terms, flat_weights, offsets = built or _vectors_one_by_one(papers)
        self.terms: list[str] = terms
        """Each term's text, by term number."""
        self.number: dict[str, int] = dict(zip(terms, count()))
        """Each term's number, by text."""
        self.idf: list[float] = idf
        """Each term's inverse document frequency; 0 for a term of one paper only, or no term."""
        self._terms = flat_terms
        self._weights = flat_weights
        self._offsets = offsets
        self._postings: tuple[array[int], array[float], array[int]] | None = None
        self._heads: dict[int, tuple[array[int], array[float]]] = {}
        self._lock = threading.Lock()
        self.loaded = False
        """Whether the vectors came from a saved copy (:mod:`paperterm.search.vectorcache`)."""
        self.on_inverted: Callable[[], object] | None = None
        """Called once the inverted index is built (to save it), in the thread that built it."""

    @classmethod
    def restore(cls, saved: SavedVectors, walk: int = WALK) -> TermVectors:
        """The vectors of a saved copy (checked by :func:`vectorcache.load`), not built again."""
        vectors = cls.__new__(cls)
        vectors.size = len(saved.offsets) - 1
        vectors.walk = walk
        vectors.terms = saved.terms
        vectors.number = dict(zip(saved.terms, count()))
        vectors.idf = list(saved.idf)
        vectors._terms = saved.vector_terms
        vectors._weights = saved.vector_weights
        vectors._offsets = saved.offsets
        vectors._postings = None
        vectors._heads = {}
        vectors._lock = threading.Lock()
        vectors.loaded = True
        vectors.on_inverted = None
        if saved.postings is not None:
            vectors._set_postings(*saved.postings)
        return vectors

    def saved(self) -> SavedVectors:
        """What :func:`vectorcache.save` writes: the vectors, and the inverted index if built."""
        return SavedVectors(
            self.terms,
            array("d", self.idf),
            self._terms,
            self._weights,
            self._offsets,
            self._postings,
        )

    def vector(self, position: int) -> tuple[Sequence[int], Sequence[float]]:
        """The paper's term numbers, heaviest first, and their weights (unit length together)."""
        start, end = self._offsets[position], self._offsets[position + 1]
        return self._terms[start:end], self._weights[start:end]

    def dot(self, position: int, weights: Sequence[float]) -> float:
        """The paper's vector times a dense vector of weights by term number."""
        start, end = self._offsets[position], self._offsets[position + 1]
        total: float = sum(
            map(mul, map(weights.__getitem__, self._terms[start:end]), self._weights[start:end])
        )
        return total

    def scores(self, weights: Sequence[float]) -> list[float]:
        """:meth:`dot` for every paper, in catalogue order."""
        get = weights.__getitem__
        terms, values, offsets = self._terms, self._weights, self._offsets
        return [
            sum(map(mul, map(get, terms[start:end]), values[start:end]))
            for start, end in pairwise(offsets)
        ]

    def similar(self, position: int, limit: int = SIMILAR_LIMIT) -> list[Similar]:
        """The papers most like the one at ``position``, best first, itself left out.

        Only papers sharing a term with it can score above 0, and those are the papers in its
        terms' postings: the walk costs the length of a few postings, not the catalogue. Of a
        term kept by more than :attr:`walk` papers, only the :attr:`walk` papers where it weighs
        most are walked; the walk then underrates the others, so the best it found are scored
        again exactly (:data:`RESCORE`). The scores given are always the exact cosines; a paper
        sharing with this one only a few of the commonest terms may be missed.
        """
        if not 0 <= position < self.size:
            return []
        papers, values, starts = self._inverted()
        heads = self._heads
        scores: dict[int, float] = {}
        get = scores.get
        cut = False
        terms, weights = self.vector(position)
        for term, weight in zip(terms, weights, strict=True):
            head = heads.get(term)
            if head is None:
                start, end = starts[term], starts[term + 1]
                found, found_values = papers[start:end], values[start:end]
            else:
                found, found_values = head
                cut = True
            for paper, value in zip(found, map(mul, found_values, repeat(weight)), strict=True):
                scores[paper] = get(paper, 0.0) + value
        scores.pop(position, None)
        if cut:
            mine = dict(zip(terms, weights, strict=True)).get
            offsets, all_terms, all_weights = self._offsets, self._terms, self._weights
            scores = {
                paper: sum(
                    map(
                        mul,
                        map(mine, all_terms[offsets[paper] : offsets[paper + 1]], repeat(0.0)),
                        all_weights[offsets[paper] : offsets[paper + 1]],
                    )
                )
                for paper in heapq.nlargest(RESCORE * limit, scores, key=scores.__getitem__)
            }
        best = heapq.nlargest(limit, scores.items(), key=_score_then_earlier)
        return [Similar(paper, min(1.0, score)) for paper, score in best if score > 0.0]

    def dots(self, position: int) -> dict[int, float]:
        """The dot product of the paper's vector with every paper sharing a term with it (itself
        included), by position: the others' are 0."""
        papers, values, starts = self._inverted()
        scores: dict[int, float] = {}
        get = scores.get
        for term, weight in zip(*self.vector(position), strict=True):
            start, end = starts[term], starts[term + 1]
            for paper, value in zip(papers[start:end], values[start:end], strict=True):
                scores[paper] = get(paper, 0.0) + weight * value
        return scores

    @property
    def inverted_ready(self) -> bool:
        """Whether the inverted index is built (:meth:`dots` and :meth:`similar` then cost a
        walk of a few postings; the first call otherwise builds it)."""
        return self._postings is not None

    def prepare_inverted(self) -> None:
        """Build the inverted index on a background thread, unless it is built or being built."""
        if self._postings is None and not self._lock.locked():
            threading.Thread(target=self._inverted, name="paperterm-postings", daemon=True).start()

    def _inverted(self) -> tuple[array[int], array[float], array[int]]:
        """For each term, the papers keeping it and its weight there, stored term after term:
        the papers, the weights, and where each term's run starts (by term number)."""
        built = False
        with self._lock:
            if self._postings is None and self.size >= BULK_PAPERS:
                try:
                    postings, heads = _inverted_in_bulk(
                        self._terms, self._weights, self._offsets, len(self.terms), self.walk
                    )
                except ImportError:  # no numpy: pair by pair, below
                    pass
                else:
                    self._heads = heads
                    self._postings = postings
                    built = True
            if self._postings is None:
                terms, offsets = self._terms, self._offsets
                owner = array("I")
                for paper, (start, end) in enumerate(pairwise(offsets)):
                    owner.extend(repeat(paper, end - start))
                # A stable sort by term keeps each term's papers in catalogue order.
                order = sorted(range(len(terms)), key=terms.__getitem__)
                papers = array("I", map(owner.__getitem__, order))
                values = array("f", map(self._weights.__getitem__, order))
                counts = Counter(terms)
                starts = array(
                    "I", accumulate(map(counts.__getitem__, range(len(self.terms))), initial=0)
                )
                self._set_postings(papers, values, starts)
                built = True
        if built and self.on_inverted is not None:
            self.on_inverted()
        assert self._postings is not None
        return self._postings

    def _set_postings(self, papers: array[int], values: array[float], starts: array[int]) -> None:
        """Keep the inverted index, and for each term kept by more than :attr:`walk` papers,
        the papers where it weighs most, heaviest first (the earlier paper first on a tie), for
        :meth:`similar`; the other terms' postings are walked in full."""
        walk = self.walk
        heads: dict[int, tuple[array[int], array[float]]] = {}
        if self.size >= BULK_PAPERS:
            try:
                self._heads = _heads_in_bulk(papers, values, starts, walk)
                self._postings = (papers, values, starts)
                return
            except ImportError:  # no numpy: term by term, below
                pass
        for term, (start, end) in enumerate(pairwise(starts)):
            if end - start > walk:
                top = heapq.nlargest(walk, range(start, end), key=values.__getitem__)
                heads[term] = (
                    array("I", map(papers.__getitem__, top)),
                    array("f", map(values.__getitem__, top)),
                )
        self._heads = heads
        self._postings = (papers, values, starts)


_Built = tuple[list[str], list[float], "array[int]", "array[float]", "array[int]"]
"""The terms, their IDF, and the papers' term numbers, weights and offsets, back to back."""


def _vectors_one_by_one(papers: Sequence[Paper]) -> _Built:
    """The vectors of :class:`TermVectors`, built paper by paper."""
    # Everything per word runs in C (split, Counter, map, sort); Python loops per paper.
    numbers: defaultdict[str, int] = defaultdict(count().__next__)
    counted: list[tuple[array[int], array[int]]] = []
    for paper in papers:
        found = Counter(paper_words(paper))
        counted.append(
            (
                array("I", map(numbers.__getitem__, found.keys())),
                array("H", map(min, found.values(), repeat(len(_LOG_TF) - 1))),
            )
        )
    terms = list(numbers)
    frequency = Counter(chain.from_iterable(numbers for numbers, _ in counted))
    total = len(papers)
    idf = [0.0] * len(terms)
    for number, df in frequency.items():
        if df > 1 and is_term(terms[number]):
            idf[number] = 1.0 + math.log((1 + total) / (1 + df))
    flat_terms = array("I")
    flat_weights = array("f")
    offsets = array("I", [0])
    log_tf = _LOG_TF.__getitem__
    for found_numbers, tfs in counted:
        weighted = sorted(
            zip(
                map(mul, map(idf.__getitem__, found_numbers), map(log_tf, tfs)),
                found_numbers,
                strict=True,
            ),
            reverse=True,
        )[:TOP_TERMS]
        while weighted and not weighted[-1][0]:
            weighted.pop()
        norm = math.sqrt(sum(weight * weight for weight, _ in weighted)) or 1.0
        flat_terms.extend(number for _, number in weighted)
        flat_weights.extend(weight / norm for weight, _ in weighted)
        offsets.append(len(flat_terms))
    return terms, idf, flat_terms, flat_weights, offsets


def _vectors_in_bulk(papers: Sequence[Paper]) -> _Built:
    """The vectors of :class:`TermVectors`, the same terms and weights as
    :func:`_vectors_one_by_one` makes (a weight may differ in its last bit, from the order of a
    sum), with the words counted paper by paper but weighed, ranked and cut by numpy in bulk,
    :data:`_CHUNK` (paper, term) pairs at a time (bounding the memory). Raises ImportError
    without numpy."""
    import numpy as np

    numbers: defaultdict[str, int] = defaultdict(count().__next__)
    number = numbers.__getitem__
    found_numbers, found_tfs, lengths = array("I"), array("I"), array("I")
    for paper in papers:
        found = Counter(paper_words(paper))
        found_numbers.extend(map(number, found))
        found_tfs.extend(found.values())
        lengths.append(len(found))
    if found_numbers.itemsize != 4:
        raise ImportError("array('I') is not 32 bits wide here")
    terms = list(numbers)
    total = len(papers)
    every_term = np.frombuffer(found_numbers, dtype=np.uint32)
    frequency = np.bincount(every_term, minlength=len(terms))
    idf = [0.0] * len(terms)
    for term in np.flatnonzero(frequency > 1).tolist():
        if is_term(terms[term]):
            idf[term] = 1.0 + math.log((1 + total) / (1 + int(frequency[term])))
    # The same doubles as paper by paper: the logarithms by math, looked up.
    idf_of, log_tf = np.asarray(idf), np.asarray(_LOG_TF)
    every_tf = np.frombuffer(found_tfs, dtype=np.uint32)
    per_paper = np.frombuffer(lengths, dtype=np.uint32).astype(np.int64)
    ends = np.cumsum(per_paper)
    flat_terms, flat_weights, kept_per_paper = array("I"), array("f"), array("I")
    first = 0
    while first < total:
        done = int(ends[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(ends, done + _CHUNK, side="right")))
        pairs = slice(done, int(ends[last - 1]))
        found_at = every_term[pairs].astype(np.int64)
        weights = idf_of[found_at] * log_tf[np.minimum(every_tf[pairs], len(_LOG_TF) - 1)]
        owners = np.repeat(np.arange(last - first, dtype=np.int64), per_paper[first:last])
        kept = weights > 0.0
        found_at, weights, owners = found_at[kept], weights[kept], owners[kept]
        # Each paper's terms heaviest first, the higher term number first on a tie (as sorting
        # the (weight, number) pairs in reverse does): paper, weight's rank, term in one number.
        distinct, weight_rank = np.unique(weights, return_inverse=True)
        rank_bits, term_bits = len(distinct).bit_length(), len(terms).bit_length()
        if (last - first).bit_length() + rank_bits + term_bits <= 63:
            key = (
                (owners << (rank_bits + term_bits))
                | ((len(distinct) - 1 - weight_rank.reshape(-1)) << term_bits)
                | (len(terms) - 1 - found_at)
            )
            order = np.argsort(key)
        else:
            order = np.lexsort((-found_at, -weights, owners))
        found_at, weights, owners = found_at[order], weights[order], owners[order]
        starts = np.zeros(last - first + 1, dtype=np.int64)
        np.cumsum(np.bincount(owners, minlength=last - first), out=starts[1:])
        kept = np.arange(len(owners)) - starts[owners] < TOP_TERMS
        found_at, weights, owners = found_at[kept], weights[kept], owners[kept]
        norms = np.sqrt(np.bincount(owners, weights=weights * weights, minlength=last - first))
        norms[norms == 0.0] = 1.0
        flat_terms.frombytes(found_at.astype(np.uint32).tobytes())
        flat_weights.frombytes((weights / norms[owners]).astype(np.float32).tobytes())
        kept_per_paper.frombytes(
            np.bincount(owners, minlength=last - first).astype(np.uint32).tobytes()
        )
        first = last
    offsets = np.zeros(total + 1, dtype=np.uint32)
    np.cumsum(np.frombuffer(kept_per_paper, dtype=np.uint32), out=offsets[1:])
    return terms, idf, flat_terms, flat_weights, _to_array("I", offsets)


def _inverted_in_bulk(
    terms: array[int], weights: array[float], offsets: array[int], vocabulary: int, walk: int
) -> tuple[tuple[array[int], array[float], array[int]], dict[int, tuple[array[int], array[float]]]]:
    """The inverted index and the heads of the long postings (as :meth:`TermVectors._inverted`
    and :meth:`TermVectors._set_postings` make them, the same arrays) by numpy: a stable sort of
    every (term, paper) entry by term, instead of one Python call per entry (measured at 100k
    papers: 13 s of CPU pair by pair). Raises ImportError without numpy."""
    import numpy as np

    if terms.itemsize != 4 or offsets.itemsize != 4:
        raise ImportError("array('I') is not 32 bits wide here")
    found = np.frombuffer(terms, dtype=np.uint32)
    bounds = np.frombuffer(offsets, dtype=np.uint32).astype(np.int64)
    lengths = bounds[1:] - bounds[:-1]
    owner = np.repeat(np.arange(len(offsets) - 1, dtype=np.uint32), lengths)
    order = np.argsort(found, kind="stable")
    papers = owner[order]
    values = np.frombuffer(weights, dtype=np.float32)[order]
    starts = np.zeros(vocabulary + 1, dtype=np.uint32)
    np.cumsum(np.bincount(found, minlength=vocabulary), out=starts[1:])
    postings = (_to_array("I", papers), _to_array("f", values), _to_array("I", starts))
    return postings, _heads_in_bulk(papers, values, starts, walk)


def _heads_in_bulk(
    papers: Any, values: Any, starts: Any, walk: int
) -> dict[int, tuple[array[int], array[float]]]:
    """The heads of the long postings (as :meth:`TermVectors._set_postings` makes them) from
    the postings as numpy arrays or ``array`` s."""
    import numpy as np

    papers = np.asarray(papers, dtype=np.uint32)
    values = np.asarray(values, dtype=np.float32)
    starts = np.asarray(starts, dtype=np.int64)
    heads: dict[int, tuple[array[int], array[float]]] = {}
    for term in np.flatnonzero(starts[1:] - starts[:-1] > walk).tolist():
        start, end = int(starts[term]), int(starts[term + 1])
        # Heaviest first; stable, so the earlier paper first on a tie (as heapq.nlargest).
        top = np.argsort(-values[start:end], kind="stable")[:walk] + start
        heads[term] = (_to_array("I", papers[top]), _to_array("f", values[top]))
    return heads


def _to_array(typecode: str, values: Any) -> array[Any]:
    """A numpy array's values as an ``array`` of the same width."""
    converted = array(typecode)
    converted.frombytes(values.tobytes())
    return converted


def _score_then_earlier(item: tuple[int, float]) -> tuple[float, int]:
    return item[1], -item[0]


_latest: tuple[Sequence[Paper], TermVectors] | None = None
_latest_lock = threading.Lock()


def term_vectors(papers: Sequence[Paper]) -> TermVectors:
    """The vectors of these papers, built on first use and kept for the latest catalogue.

    A reader or a script has one catalogue at a time; keeping the latest one lets the search's
    ``similar:`` and the "for you" order share one build. The same papers with new metadata (a
    catalogue joins it after ``enrich``) keep their vectors: only titles and abstracts count.
    """
    global _latest
    with _latest_lock:
        if _latest is not None and _same_texts(_latest[0], papers):
            _latest = (papers, _latest[1])
            return _latest[1]
        vectors = _load_or_build(papers)
        _latest = (papers, vectors)
        return vectors


def _load_or_build(papers: Sequence[Paper]) -> TermVectors:
    """The vectors of a catalogue of :data:`vectorcache.MIN_PAPERS` papers or more as saved in
    the user cache dir when a saved copy passes its checks, else built and saved (and saved again
    with the inverted index once that is built); a smaller catalogue's, built."""
    if len(papers) < vectorcache.MIN_PAPERS:
        return TermVectors(papers)
    directory = vectorcache.default_dir()
    key = vectorcache.catalogue_key(papers)
    saved = vectorcache.load(directory, key, papers)
    vectors = None
    if saved is not None and _holds_words_of(saved, papers):
        try:
            vectors = TermVectors.restore(saved)
        except Exception:  # whatever a forged file does, it only means a build
            vectors = None
    if vectors is None:
        vectors = TermVectors(papers)
        vectorcache.save(directory, key, vectors.saved())
    if not vectors.inverted_ready:
        built = vectors

        def save_postings() -> None:
            vectorcache.save(directory, key, built.saved())

        vectors.on_inverted = save_postings
    return vectors


def _holds_words_of(saved: SavedVectors, papers: Sequence[Paper], sample: int = 64) -> bool:
    """Whether a sample of the papers, spread over the catalogue, keep only terms of their own
    words in a saved copy (its digest says it is theirs; a forged file may lie)."""
    terms, numbers, offsets = saved.terms, saved.vector_terms, saved.offsets
    step = max(1, len(papers) // sample)
    for position in range(0, len(papers), step):
        kept = {terms[number] for number in numbers[offsets[position] : offsets[position + 1]]}
        if not kept <= set(paper_words(papers[position])):
            return False
    return True


def vectors_ready(papers: Sequence[Paper]) -> bool:
    """Whether :func:`term_vectors` has these papers' vectors already (it would not build).

    Asked on the reader's UI thread: it never waits for a build another thread is running (that
    holds the lock for seconds), it reads the latest pair, replaced whole, as it stands."""
    latest = _latest
    return latest is not None and latest[0] is papers


def _same_texts(old: Sequence[Paper], new: Sequence[Paper]) -> bool:
    """Whether two sequences hold the same titles and abstracts in the same order (the very same
    string objects: a paper given metadata by ``dataclasses.replace`` keeps them)."""
    if old is new:
        return True
    if len(old) != len(new):
        return False
    return all(
        a.title is b.title and a.abstracts is b.abstracts for a, b in zip(old, new, strict=True)
    )
