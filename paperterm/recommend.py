"""For you: the unread papers ranked by what the user starred, each pick with its reasons.

A triage says what the user wants: the starred papers are wanted, the papers read and not starred
were seen and passed over. A linear model over the papers' TF-IDF vectors
(:mod:`paperterm.search.similar`) learns from both and scores every paper; the unread come best
first. Two models are here:

- ``rocchio`` (the default): the mean vector of the starred papers less a quarter of the mean
  vector of the passed-over ones; a paper scores its dot product with that. It fits in one pass
  over the marked papers, so a refit after a star costs a few milliseconds plus the scoring.
- ``logistic``: logistic regression fitted by a few epochs of stochastic gradient descent, each
  class weighted by its size. Kept to compare in ``benchmarks/bench_recommend.py``.

A pick explains itself with the terms that add most to its score: the model's weight of a term
times the term's weight in the paper. Two such words that stand side by side in the paper are shown
as one phrase ("volume rendering"), in the paper's own spelling.

Nothing here builds anything at import: the vectors are built on first use.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from paperterm.model import Paper
from paperterm.search.similar import TermVectors, term_vectors
from paperterm.search.text import word_spans

ModelKind = Literal["rocchio", "logistic"]

NEGATIVE_WEIGHT = 0.25
"""How much the passed-over papers pull the Rocchio centroid away from their terms."""
REASONS = 3
"""Terms a pick shows as its reasons."""
NO_STARS = 'No starred papers yet: star a few, and "for you" ranks the unread by them.'
"""What to say when there is nothing to learn from (the order is then catalogue order)."""


@dataclass(frozen=True, slots=True)
class Model:
    """A linear model over term weights: a paper's score is its vector times :attr:`weights`."""

    vectors: TermVectors
    """The papers' vectors the model was fitted on."""
    weights: list[float]
    """One weight per term number."""
    bias: float = 0.0
    """Added to every score (the logistic model's intercept)."""

    def score(self, position: int) -> float:
        """The score of the paper at ``position``: higher is more wanted."""
        return self.bias + self.vectors.dot(position, self.weights)

    def scores(self) -> list[float]:
        """Every paper's score, in catalogue order."""
        bias = self.bias
        return [bias + score for score in self.vectors.scores(self.weights)]

    def contributions(self, position: int) -> list[tuple[float, str]]:
        """What each of the paper's terms adds to its score, largest first, positive ones only."""
        terms, values = self.vectors.vector(position)
        weights, names = self.weights, self.vectors.terms
        found = [
            (weights[term] * value, names[term])
            for term, value in zip(terms, values, strict=True)
            if weights[term] * value > 0.0
        ]
        found.sort(key=lambda item: (-item[0], item[1]))
        return found


def fit(
    vectors: TermVectors,
    starred: Collection[int],
    passed: Collection[int],
    kind: ModelKind = "rocchio",
) -> Model | None:
    """A model of what is wanted, from the starred and the read-but-not-starred papers
    (catalogue positions); None without a starred paper to learn from."""
    starred = sorted(set(starred))
    passed = sorted(set(passed) - set(starred))
    if not starred:
        return None
    if kind == "logistic":
        return _logistic(vectors, starred, passed)
    weights = [0.0] * len(vectors.terms)
    for papers, share in ((starred, 1.0), (passed, -NEGATIVE_WEIGHT)):
        if not papers:
            continue
        scale = share / len(papers)
        for position in papers:
            terms, values = vectors.vector(position)
            for term, value in zip(terms, values, strict=True):
                weights[term] += scale * value
    return Model(vectors, weights)


def _logistic(
    vectors: TermVectors,
    starred: Sequence[int],
    passed: Sequence[int],
    epochs: int = 10,
    rate: float = 0.5,
    decay: float = 1e-4,
) -> Model:
    """Logistic regression by stochastic gradient descent, classes weighted to equal shares."""
    samples = [(position, 1.0) for position in starred] + [(position, 0.0) for position in passed]
    share = {1.0: len(samples) / (2 * len(starred)), 0.0: len(samples) / (2 * max(1, len(passed)))}
    weights = [0.0] * len(vectors.terms)
    bias = 0.0
    shuffler = random.Random(0)
    for _ in range(epochs):
        shuffler.shuffle(samples)
        for position, label in samples:
            terms, values = vectors.vector(position)
            margin = bias + sum(
                weights[term] * value for term, value in zip(terms, values, strict=True)
            )
            predicted = 1.0 / (1.0 + math.exp(-margin)) if margin > -30 else 0.0
            step = rate * (predicted - label) * share[label]
            for term, value in zip(terms, values, strict=True):
                weights[term] -= step * value + rate * decay * weights[term]
            bias -= step
    return Model(vectors, weights, bias)


@dataclass(frozen=True, slots=True)
class ForYou:
    """The "for you" order of a catalogue under given marks."""

    order: list[int]
    """Catalogue positions: the unread, best first, then the read in catalogue order. Catalogue
    order when there is no model."""
    model: Model | None
    """The fitted model; None when nothing is starred (then :attr:`message` says so)."""
    scores: list[float] | None
    """Every paper's score by catalogue position; None without a model."""
    message: str = ""
    """Why the order is only catalogue order, when it is."""

    def score(self, position: int) -> float | None:
        """The paper's score, or None without a model."""
        return None if self.scores is None else self.scores[position]

    def because(self, paper: Paper) -> tuple[str, ...]:
        """The terms that make this paper a pick (see :func:`reasons`); none without a model."""
        if self.model is None:
            return ()
        return reasons(self.model, paper)


def for_you(
    papers: Sequence[Paper],
    read: Collection[str],
    starred: Collection[str],
    kind: ModelKind = "rocchio",
) -> ForYou:
    """Rank the unread papers by a model of the starred and the read-but-not-starred.

    ``papers`` are the catalogue's (``Catalog.papers``: their vectors are built on the first call
    and kept); ``read`` and ``starred`` are the marked ids (others' ids are ignored).
    """
    global _latest
    read, starred = frozenset(read), frozenset(starred)
    asked = (kind, read, starred)
    with _latest_lock:
        if _latest is not None and _latest[0] is papers and _latest[1] == asked:
            return _latest[2]
    starred_at = {paper.index for paper in papers if paper.id in starred}
    passed_at = {paper.index for paper in papers if paper.id in read} - starred_at
    if not starred_at:  # nothing to learn from: no need to read the papers either
        result = ForYou(list(range(len(papers))), None, None, NO_STARS)
        with _latest_lock:
            _latest = (papers, asked, result)
        return result
    vectors = term_vectors(papers)
    if kind == "rocchio":
        model, scores = _rocchio(vectors, starred_at, passed_at)
    else:
        model = fit(vectors, starred_at, passed_at, kind)
        scores = model.scores() if model is not None else []
    if model is None:
        result = ForYou(list(range(len(papers))), None, None, NO_STARS)
        with _latest_lock:
            _latest = (papers, asked, result)
        return result
    unread = [paper.index for paper in papers if paper.id not in read and paper.id not in starred]
    unread.sort(key=lambda position: -scores[position])
    unread_set = set(unread)
    order = unread + [position for position in range(len(papers)) if position not in unread_set]
    result = ForYou(order, model, scores)
    with _latest_lock:
        _latest = (papers, asked, result)
    return result


def latest_for_you(
    papers: Sequence[Paper], read: Collection[str], starred: Collection[str]
) -> ForYou | None:
    """The answer :func:`for_you` gave last, if it was for these papers and marks; never fits
    (so a screen can ask on its UI thread, while a worker fits)."""
    asked = ("rocchio", frozenset(read), frozenset(starred))
    with _latest_lock:
        if _latest is not None and _latest[0] is papers and _latest[1] == asked:
            return _latest[2]
    return None


_latest: tuple[Sequence[Paper], tuple[str, frozenset[str], frozenset[str]], ForYou] | None = None
"""The last answer, by catalogue and marks: the reader's sort and its detail pane ask alike."""
_latest_lock = threading.Lock()


class _Rocchio:
    """The Rocchio model kept up to date as marks change, for one catalogue's vectors.

    A paper's score is linear in the marked papers: its dot product with the sum of the starred
    vectors over their count, less a share of the same for the passed-over ones. So each paper's
    two dot products are kept, and a mark changed moves them by the dot products of one paper,
    found through the inverted index, rather than scoring the whole catalogue again.
    """

    REBUILD_FROM = 64
    """Marks changed at once from which scoring everything again is cheaper."""

    def __init__(self, vectors: TermVectors) -> None:
        self.vectors = vectors
        self.starred: set[int] = set()
        self.passed: set[int] = set()
        size, terms = vectors.size, len(vectors.terms)
        self.sums = ([0.0] * terms, [0.0] * terms)
        self.dots = ([0.0] * size, [0.0] * size)

    def move_to(self, starred: set[int], passed: set[int]) -> None:
        """Bring the sums and dot products to these marks."""
        changed = (self.starred ^ starred) | (self.passed ^ passed)
        if len(changed) >= self.REBUILD_FROM or not self.vectors.inverted_ready:
            # Scoring everything costs less than building the inverted index first: build it
            # meanwhile, for the next change.
            if changed and len(changed) < self.REBUILD_FROM:
                self.vectors.prepare_inverted()
            self._rebuild(starred, passed)
            return
        for position in changed:
            for kind, (old, new) in enumerate(((self.starred, starred), (self.passed, passed))):
                sign = (position in new) - (position in old)
                if sign:
                    self._add(kind, position, float(sign))
        self.starred, self.passed = set(starred), set(passed)

    def _add(self, kind: int, position: int, sign: float) -> None:
        sums, dots = self.sums[kind], self.dots[kind]
        for term, value in zip(*self.vectors.vector(position), strict=True):
            sums[term] += sign * value
        for paper, dot in self.vectors.dots(position).items():
            dots[paper] += sign * dot

    def _rebuild(self, starred: set[int], passed: set[int]) -> None:
        vectors = self.vectors
        for kind, papers in enumerate((starred, passed)):
            sums = [0.0] * len(vectors.terms)
            for position in papers:
                for term, value in zip(*vectors.vector(position), strict=True):
                    sums[term] += value
            self.sums[kind][:] = sums
            self.dots[kind][:] = vectors.scores(sums)
        self.starred, self.passed = set(starred), set(passed)

    def model(self) -> tuple[Model, list[float]] | None:
        """The model and every paper's score; None without a starred paper."""
        if not self.starred:
            return None
        toward = 1.0 / len(self.starred)
        away = NEGATIVE_WEIGHT / len(self.passed) if self.passed else 0.0
        starred_sum, passed_sum = self.sums
        weights = [toward * a - away * b for a, b in zip(starred_sum, passed_sum, strict=True)]
        starred_dots, passed_dots = self.dots
        scores = [toward * a - away * b for a, b in zip(starred_dots, passed_dots, strict=True)]
        return Model(self.vectors, weights), scores


_rocchio_state: _Rocchio | None = None


def _rocchio(
    vectors: TermVectors, starred: set[int], passed: set[int]
) -> tuple[Model | None, list[float]]:
    """The Rocchio model for these marks, moved from the last marks asked about."""
    global _rocchio_state
    with _latest_lock:
        state = _rocchio_state
        if state is None or state.vectors is not vectors:
            state = _rocchio_state = _Rocchio(vectors)
        state.move_to(starred, passed)
        found = state.model()
    return (None, []) if found is None else found


def reasons(model: Model, paper: Paper, count: int = REASONS) -> tuple[str, ...]:
    """The few terms that add most to the paper's score, as the paper spells them.

    Two of its heaviest words that stand side by side in its title or abstract read as one
    phrase ("volume rendering") and count as one reason.
    """
    found = model.contributions(paper.index)[: count * 2]
    if not found:
        return ()
    weight = {term: value for value, term in found}
    spelled: dict[str, str] = {}
    phrases: dict[tuple[str, str], float] = {}
    for text in (paper.title, paper.abstract):
        spans = word_spans(text)
        for start, end, word in spans:
            if word in weight:
                spelled.setdefault(word, _spelling(text[start:end]))
        for (start, first_end, first), (second_start, end, second) in pairwise(spans):
            if first == second or first not in weight or second not in weight:
                continue
            # Side by side: a space or a hyphen between ("volume rendering", "Self-Attention").
            if text[first_end:second_start] in (" ", "-") and (first, second) not in phrases:
                phrases[first, second] = weight[first] + weight[second]
                spelled.setdefault(f"{first} {second}", _spelling(text[start:end]))
    picks: list[tuple[float, str]] = []
    used: set[str] = set()
    for (first, second), value in sorted(phrases.items(), key=lambda item: -item[1]):
        if first not in used and second not in used:
            used.update((first, second))
            picks.append((value, spelled[f"{first} {second}"]))
    picks.extend((value, spelled.get(term, term)) for value, term in found if term not in used)
    picks.sort(key=lambda item: -item[0])
    return tuple(text for _, text in picks[:count])


def _spelling(shown: str) -> str:
    """A word as the paper spells it when that says something (SDF, NeRF), else lower case (a
    capital that only starts a word of a title says nothing)."""
    return " ".join(
        "-".join(
            part if any(c.isupper() for c in part[1:]) else part.lower() for part in word.split("-")
        )
        for word in shown.split(" ")
    )
