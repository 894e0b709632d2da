"""Answer a parsed query from the index: sets of papers per term, ANDed, then ranked.

Every term becomes bit sets (which papers match it in the title and in the abstract, at each
match level), cached by term: as the user types, only the term being typed is new, and the AND of
the terms before it is cached too. Ranking scores each paper by the number of terms matched
without a typo first, then in its title, then by the match levels (see
:mod:`paperterm.search.rank`). The papers matching every ranked term without a typo, the exact
matches, thus come first, and the answer counts them (:attr:`Ranking.exact`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from paperterm.idsets import KnownSets
from paperterm.model import Metadata, Paper
from paperterm.search.index import FieldPostings, SearchIndex
from paperterm.search.query import Group, Query, Term
from paperterm.search.rank import Ranking, ranked
from paperterm.search.similar import term_vectors
from paperterm.search.text import fold, merge_spans, words

RANKED_TERMS = 16
"""Terms beyond this many still filter but no longer refine the order (keeps huge queries fast)."""

Key = TypeVar("Key")
Value = TypeVar("Value")


@dataclass(frozen=True, slots=True)
class Levels:
    """Which papers match something, per field, at each match level (3 within 2 within 1)."""

    title: tuple[int, int, int]
    """Papers matching in the title: any level, prefix or better, exact."""
    abstract: tuple[int, int, int]
    """Papers matching in an abstract, likewise."""

    @property
    def anywhere(self) -> int:
        """Papers matching at any level in either field."""
        return self.title[0] | self.abstract[0]

    @property
    def without_typos(self) -> int:
        """Papers matching in either field with no typo: what ``!`` excludes."""
        return self.title[1] | self.abstract[1]

    def restricted(self, field: str) -> Levels:
        """These levels with the other field emptied, for ``title:`` and ``abstract:``."""
        if field == "title":
            return Levels(self.title, (0, 0, 0))
        if field == "abstract":
            return Levels((0, 0, 0), self.abstract)
        return self

    def __and__(self, other: Levels) -> Levels:
        return Levels(
            _pairwise_and(self.title, other.title), _pairwise_and(self.abstract, other.abstract)
        )

    def __or__(self, other: Levels) -> Levels:
        return Levels(
            _pairwise_or(self.title, other.title), _pairwise_or(self.abstract, other.abstract)
        )


_NOTHING = Levels((0, 0, 0), (0, 0, 0))


@dataclass(frozen=True, slots=True)
class Sets:
    """What one term or group selects."""

    matches: int
    """Papers it keeps."""
    excludes: int
    """Papers it removes when negated."""
    levels: Levels
    """How well its text matched, for ranking."""


class _Cache(Generic[Key, Value]):
    """A small least-recently-used mapping."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Key, Value] = OrderedDict()

    def get(self, key: Key) -> Value | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Key, value: Value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


class Searcher:
    """Runs queries over one index, remembering recent terms across keystrokes."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        """The index queries run on."""
        # About 64 MB of cached sets whatever the catalogue size.
        entries = max(16, (64 << 20) // max(1, 8 * (index.universe.size // 8 + 1)))
        self._words: _Cache[str, Levels] = _Cache(entries)
        self._terms: _Cache[Term, Sets] = _Cache(entries)
        self._head: tuple[tuple[Group, ...], int] = ((), index.universe.all)
        self._similar: _Cache[str, dict[int, float]] = _Cache(64)
        self._flags: Mapping[str, Collection[str]] = {}
        # Bit sets of the marks, the muted, the new... (frozensets handed out anew when they
        # change): kept, and a set one mark away from a kept one costs that mark.
        self._id_sets = KnownSets(self._look_up, self._change, size=16)

    def search(
        self,
        query: Query,
        read: Collection[str] = (),
        starred: Collection[str] = (),
        *,
        flags: Mapping[str, Collection[str]] | None = None,
        hide: Collection[str] = (),
    ) -> Ranking:
        """Catalogue positions of the papers matching ``query``, best first.

        ``flags`` holds the ids of the other state terms (``new``, ``muted``, ``queued``,
        ``tag:NAME``); a flag missing from it matches nothing. The papers of ``hide`` are left
        out whatever the query (muted papers).
        """
        universe = self.index.universe
        hidden = self._bits(hide) if hide else 0
        if query.is_empty:
            shown = universe.all ^ (universe.all & hidden)
            return Ranking(universe, [shown] if shown else [])
        self._flags = flags or {}  # searches run one at a time (the catalogue's lock)
        groups = query.groups
        head, matches = self._head
        if groups[: len(head)] != head or not head:
            head, matches = (), universe.all
        for number in range(len(head), len(groups)):
            if number == len(groups) - 1 and number > 0 and not _has_state(groups[:number]):
                self._head = (groups[:number], matches)
            matches = self._apply(groups[number], matches, read, starred)
            if not matches:
                return Ranking(universe, [])
        if hidden:
            matches ^= matches & hidden
        alike = [
            term.needle
            for group in groups
            if not group.negated
            for term in group.alternatives
            if term.kind == "similar"
        ]
        if alike:
            return self._by_likeness(matches, alike)
        ranking: list[Levels] = []
        for group in groups:
            if group.has_text and not group.negated and len(ranking) < RANKED_TERMS:
                ranking.append(self._group(group, read, starred).levels)
        # Per term, in order of weight: matched without a typo (anywhere); matched in the title
        # at the term's best level there (so a typo in a title never outranks the word itself in
        # an abstract); then the level points, 1 to 3. Each weight outweighs all below it.
        title_weight = 3 * len(ranking) + 1
        no_typo_weight = len(ranking) * title_weight + 3 * len(ranking) + 1
        scores = []
        exact = matches
        for levels in ranking:
            exact &= levels.without_typos
            title, abstract = levels.title, levels.abstract
            scores.append((title[1] | abstract[1], no_typo_weight))
            best_in_title = title[2] | (title[1] & ~abstract[2]) | (title[0] & ~abstract[1])
            scores.append((best_in_title, title_weight))
            for level in range(3):
                scores.append((title[level] | abstract[level], 1))
        return ranked(universe, matches, scores, exact.bit_count())

    def prepare(self, query: Query) -> None:
        """Find ahead what the search of ``query`` with one more letter typed at its end wants
        of the index (see :meth:`SearchIndex.prepare_typo`), if its last term is a word."""
        if not query.groups:
            return
        last = query.groups[-1].alternatives[-1]
        if last.kind == "fuzzy" and last.words:
            self.index.prepare_typo(last.words[-1])

    def _apply(
        self, group: Group, matches: int, read: Collection[str], starred: Collection[str]
    ) -> int:
        sets = self._group(group, read, starred)
        if group.negated:
            return matches ^ (matches & sets.excludes)
        return matches & sets.matches

    def _group(self, group: Group, read: Collection[str], starred: Collection[str]) -> Sets:
        found = [self._term(term, read, starred) for term in group.alternatives]
        if len(found) == 1:
            return found[0]
        matches = excludes = 0
        levels = _NOTHING
        for sets in found:
            matches |= sets.matches
            excludes |= sets.excludes
            levels = levels | sets.levels
        return Sets(matches, excludes, levels)

    def _term(self, term: Term, read: Collection[str], starred: Collection[str]) -> Sets:
        if term.kind == "state":
            return self._state(term.flag, read, starred)
        if term.kind == "similar":
            bits = self.index.universe.from_indices(list(self._alike(term.needle)))
            return Sets(bits, bits, _NOTHING)
        if term.kind == "meta":
            bits = self._with_meta(meta_test(term))
            return Sets(bits, bits, _NOTHING)
        cached = self._terms.get(term)
        if cached is None:
            cached = self._text(term)
            self._terms.put(term, cached)
        return cached

    def _text(self, term: Term) -> Sets:
        index = self.index
        if term.kind == "fuzzy":
            matches = index.universe.all
            excludes = index.universe.all
            levels: Levels | None = None
            for word in term.words:
                found = self._word(word).restricted(term.field)
                matches &= found.anywhere
                excludes &= found.without_typos
                levels = found if levels is None else levels & found
            return Sets(matches, excludes, levels or _NOTHING)
        if term.kind == "exact":
            title = self._exact(term.needle, index.title, lambda p: term.needle in fold(p.title))
            abstract = self._exact(
                term.needle,
                index.abstract,
                lambda p: any(term.needle in fold(text) for text in p.abstracts),
            )
        else:
            joined = " ".join(term.words)
            title = abstract = 0
            if term.field == "title":
                title = self._prefix(
                    term.words, index.title_first, lambda p: _starts(p.title, joined)
                )
            else:
                abstract = self._prefix(
                    term.words,
                    index.abstract_first,
                    lambda p: any(_starts(text, joined) for text in p.abstracts),
                )
        if term.field == "title":
            abstract = 0
        elif term.field == "abstract":
            title = 0
        levels = Levels((title,) * 3, (abstract,) * 3)
        return Sets(title | abstract, title | abstract, levels)

    def _word(self, word: str) -> Levels:
        cached = self._words.get(word)
        if cached is not None:
            return cached
        ranges = self.index.match_word(word)
        # The typed word itself and the words it begins are one run of the vocabulary: asked
        # for whole, it is whole blocks of postings, where the run after the word alone starts
        # inside a block (a one-letter word such as "d" or "a" scattered 25k papers one by one).
        whole = merge_spans([*ranges.exact, *ranges.prefix])
        found = []
        for field in (self.index.title, self.index.abstract):
            exact = field.papers(ranges.exact)
            prefix = field.papers(whole) if ranges.exact else field.papers(ranges.prefix)
            typo = prefix | field.papers(ranges.typo)
            found.append((typo, prefix, exact))
        levels = Levels(found[0], found[1])
        self._words.put(word, levels)
        return levels

    def _exact(self, needle: str, field: FieldPostings, check: Callable[[Paper], bool]) -> int:
        index = self.index
        if needle.isalnum():
            return field.papers(index.containing(needle))
        candidates = index.universe.all
        for piece in words(needle):
            candidates &= field.papers(index.containing(piece))
        return index.verified(candidates, check)

    def _prefix(
        self, typed: tuple[str, ...], field: FieldPostings, check: Callable[[Paper], bool]
    ) -> int:
        index = self.index
        if len(typed) == 1:
            return field.papers([index.prefix_range(typed[0])])
        start, end = index.prefix_range(typed[0])
        if start < end and index.words[start] == typed[0]:
            return index.verified(field.papers([(start, start + 1)]), check)
        return 0

    def _alike(self, paper_id: str) -> dict[int, float]:
        """The papers most like this one, by position, with their likeness (none for an id not
        in the catalogue); the term vectors are built on first use, apart from this index."""
        position = self.index.position_of().get(paper_id)
        if position is None:
            return {}
        found = self._similar.get(paper_id)
        if found is None:
            vectors = term_vectors(self.index.papers)
            found = {item.position: item.score for item in vectors.similar(position)}
            self._similar.put(paper_id, found)
        return found

    def _by_likeness(self, matches: int, paper_ids: list[str]) -> Ranking:
        """The matches in order of their summed likeness to these papers, then the rest of
        them (matched by another alternative) in catalogue order."""
        universe = self.index.universe
        likeness: dict[int, float] = {}
        for paper_id in paper_ids:
            for position, score in self._alike(paper_id).items():
                likeness[position] = likeness.get(position, 0.0) + score
        size = universe.size
        alike = [p for p in likeness if matches >> (size - 1 - p) & 1]
        alike.sort(key=lambda position: (-likeness[position], position))
        buckets = [1 << (size - 1 - position) for position in alike]
        rest = matches & ~universe.from_indices(alike)
        return Ranking(universe, [*buckets, rest] if rest else buckets)

    def _bits(self, ids: Collection[str]) -> int:
        """The set of the papers of ``ids``; a frozenset's is kept, so the same marks or muted
        papers searched again (each keystroke, the status line's count) cost nothing."""
        return self._id_sets(ids) if isinstance(ids, frozenset) else self._look_up(ids)

    def _look_up(self, ids: Collection[str]) -> int:
        positions = self.index.position_of()
        return self.index.universe.from_indices([positions[i] for i in ids if i in positions])

    def _change(self, bits: int, added: frozenset[str], removed: frozenset[str]) -> int:
        bits |= self._look_up(added)
        return bits ^ (bits & self._look_up(removed))

    def _state(self, flag: str, read: Collection[str], starred: Collection[str]) -> Sets:
        index = self.index
        if flag in ("read", "unread", "starred"):
            ids = starred if flag == "starred" else read
            bits = self._bits(ids)
            if flag == "unread":
                bits = index.universe.all ^ bits
        elif flag == "arxiv":
            bits = self._with_meta(lambda meta: meta.arxiv_id is not None)
        elif flag in ("new", "muted", "queued") or flag.startswith("tag:"):
            bits = self._bits(self._flags.get(flag, ()))
        else:
            bits = {"code": index.has_code, "link": index.has_link}.get(flag, index.has_abstract)
        return Sets(bits, bits, _NOTHING)

    def _with_meta(self, test: Callable[[Metadata], bool]) -> int:
        """The papers whose metadata passes ``test``. Metadata comes after the index is built
        (``paperterm enrich`` in the reader), so it is read from the papers on every call."""
        papers = self.index.papers
        return self.index.universe.from_indices(
            [n for n, paper in enumerate(papers) if paper.meta is not None and test(paper.meta)]
        )


def _has_state(groups: tuple[Group, ...]) -> bool:
    """Whether any group depends on the read and starred sets or on metadata, which change
    between calls."""
    return any(term.kind in ("state", "meta") for group in groups for term in group.alternatives)


def meta_test(term: Term) -> Callable[[Metadata], bool]:
    """What a ``meta`` term (``author:``, ``year:``, ``cat:``) asks of a paper's metadata."""
    if term.flag == "author":
        wanted = term.words

        def by_author(meta: Metadata) -> bool:
            names = [words(name) for name in meta.authors]
            return any(
                all(any(word.startswith(w) for word in name) for w in wanted) for name in names
            )

        return by_author
    if term.flag == "year":
        low_text, _, high_text = term.needle.partition("..")
        low = int(low_text) if low_text else 0
        high = int(high_text) if high_text else 9999
        return lambda meta: meta.year is not None and low <= meta.year <= high
    category = term.needle
    return lambda meta: any(
        cat.casefold() == category or cat.casefold().startswith(category + ".")
        for cat in (meta.categories or ((meta.primary_category,) if meta.primary_category else ()))
    )


def _starts(text: str, prefix: str) -> bool:
    return " ".join(words(text)).startswith(prefix)


def _pairwise_and(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return a[0] & b[0], a[1] & b[1], a[2] & b[2]


def _pairwise_or(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return a[0] | b[0], a[1] | b[1], a[2] | b[2]
