"""Identifying papers: ask Hugging Face and arXiv, keep what they say, join it to the catalogue.

For each paper (:func:`enrich`):

- The user's own choice (``paperterm mark ID --arxiv``) settles it: ``none`` means no lookup at
  all; an arXiv id is fetched from Hugging Face (by id) and arXiv, once.
- A paper already identified (in the metadata store, or by a saved API answer that carried its
  arXiv id) is never searched again; only arXiv's fields are fetched if they are still missing.
- Any other paper costs one Hugging Face search for its title. A hit is taken only when its
  normalised title (:func:`paperterm.identity.normalise_title`) is the paper's own; several
  such hits with different ids, or only close titles, make the paper *ambiguous*, never a
  guess. A paper found or not found less than :data:`RETRY_DAYS` days ago is not asked again.
- arXiv is then asked for every id found, 100 ids per request, one request every 3 s.

What was learnt goes to the metadata store every few papers and at the end, also when the
network fails or the user interrupts: nothing found is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import fuzz

from paperterm.api import arxiv, hf
from paperterm.api.hf import Hit
from paperterm.api.http import HttpClient
from paperterm.errors import NetworkError
from paperterm.identity import normalise_title
from paperterm.metadata import arxiv_id
from paperterm.metastore import Lookup, MetaStore
from paperterm.model import Metadata, Paper
from paperterm.state.record import ARXIV_NONE

RETRY_DAYS = 7
"""A paper not found (or ambiguous) is searched again only after this many days."""
CLOSE_TITLE = 80
"""rapidfuzz ``token_set_ratio`` from which a hit with another title makes a paper ambiguous."""
SAVE_EVERY = 10
"""Lookups between two saves of the store."""

Verdict = Literal["found", "not_found", "ambiguous"]


def match(title: str, hits: Sequence[Hit]) -> tuple[Verdict, Hit | None, tuple[Hit, ...]]:
    """Judge search hits for a paper titled ``title``: (verdict, the hit taken, close hits).

    Found only when exactly one arXiv id has the paper's own normalised title; several ids with
    that title, or hits with close titles only, are ambiguous; anything else is not found.
    """
    own = normalise_title(title)
    same = {hit.meta.arxiv_id: hit for hit in hits if normalise_title(hit.title) == own}
    if len(same) == 1:
        only = next(iter(same.values()))
        return "found", only, ()
    if same:
        return "ambiguous", None, tuple(same.values())
    close = tuple(
        hit
        for hit in hits
        if hit.title and fuzz.token_set_ratio(own, normalise_title(hit.title)) >= CLOSE_TITLE
    )
    if close:
        return "ambiguous", None, close[:5]
    return "not_found", None, ()


@dataclass
class Report:
    """What one :func:`enrich` run did."""

    found: list[str] = field(default_factory=list)
    """Papers identified by this run (a search hit, or the user's choice fetched)."""
    known: list[str] = field(default_factory=list)
    """Papers already identified before, not asked again."""
    not_found: list[str] = field(default_factory=list)
    """Papers Hugging Face does not know (this run, or within the last days)."""
    ambiguous: list[str] = field(default_factory=list)
    """Papers with close or several hits, for the user to settle."""
    settled_none: list[str] = field(default_factory=list)
    """Papers the user said are not on arXiv: not looked up."""
    error: str | None = None
    """The one-line network failure that stopped the run, if any."""
    interrupted: bool = False
    """Whether the run was stopped (Ctrl-C, or the caller's ``should_stop``)."""
    requests: int = 0
    """HTTP requests sent, retries included."""

    def summary(self) -> str:
        """One line: the counts that matter."""
        parts = [f"{len(self.found)} found"]
        if self.known:
            parts.append(f"{len(self.known)} already known")
        parts.append(f"{len(self.not_found)} not found")
        parts.append(f"{len(self.ambiguous)} ambiguous")
        if self.settled_none:
            parts.append(f"{len(self.settled_none)} not on arXiv (your choice)")
        line = ", ".join(parts)
        if self.interrupted:
            line += "; interrupted, what was found is kept"
        elif self.error is not None:
            line += "; stopped early, what was found is kept"
        return line


class _Stop(Exception):
    """The caller asked to stop."""


@dataclass(frozen=True, slots=True)
class _Plan:
    searches: tuple[Paper, ...]
    by_id: tuple[tuple[str, str], ...]
    """(paper id, arXiv id) of papers to fetch by id (the user's choices, dump-carried ids)."""
    arxiv_only: tuple[tuple[str, str], ...]
    """(paper id, arXiv id) of identified papers still lacking arXiv's fields."""


def _plan(
    papers: Iterable[Paper],
    store: MetaStore,
    choices: Mapping[str, str],
    now: float,
    report: Report,
) -> _Plan:
    searches: list[Paper] = []
    by_id: list[tuple[str, str]] = []
    arxiv_only: list[tuple[str, str]] = []
    for paper in papers:
        lookup = store.get(paper.id)
        choice = choices.get(paper.id)
        if choice == ARXIV_NONE:
            report.settled_none.append(paper.id)
            continue
        wanted = arxiv_id(choice) if choice else None
        if wanted is None and paper.meta is not None and paper.meta.arxiv_id:
            wanted = paper.meta.arxiv_id
        if wanted is None and lookup is not None and lookup.status == "found":
            wanted = lookup.arxiv_id
        if wanted is not None:
            if lookup is None or lookup.arxiv_id != wanted:
                by_id.append((paper.id, wanted))
            elif lookup.arxiv is None:
                arxiv_only.append((paper.id, wanted))
            else:
                report.known.append(paper.id)
            continue
        if lookup is not None and now - lookup.checked < RETRY_DAYS * 86400:
            (report.ambiguous if lookup.status == "ambiguous" else report.not_found).append(
                paper.id
            )
            continue
        searches.append(paper)
    return _Plan(tuple(searches), tuple(by_id), tuple(arxiv_only))


def enrich(
    papers: Iterable[Paper],
    store: MetaStore,
    choices: Mapping[str, str],
    http: HttpClient,
    *,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.time,
) -> Report:
    """Look ``papers`` up (see the module doc), recording what is learnt in ``store``.

    ``choices`` are the user's settled arXiv ids (``StateStore.arxiv_choices``). ``progress``
    is called with (steps done, steps in all) after each request; ``should_stop`` is asked
    before each. A network failure ends the run with ``report.error`` set; Ctrl-C or
    ``should_stop`` with ``report.interrupted``; in every case the store is saved first.
    """
    report = Report()
    started = http.requests
    plan = _plan(papers, store, choices, clock(), report)
    batches = -(-(len(plan.by_id) + len(plan.searches) + len(plan.arxiv_only)) // arxiv.BATCH)
    total = len(plan.searches) + len(plan.by_id) + batches
    done = 0
    need_arxiv: dict[str, list[str]] = {}
    for paper_id, wanted in plan.arxiv_only:
        need_arxiv.setdefault(wanted, []).append(paper_id)

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)
        if store.unsaved >= SAVE_EVERY:
            store.save()

    def check_stop() -> None:
        if should_stop is not None and should_stop():
            raise _Stop

    try:
        for paper_id, wanted in plan.by_id:
            check_stop()
            hit = hf.paper(http, wanted)
            settled = choices.get(paper_id) is not None
            store.put(
                paper_id,
                Lookup(
                    "settled" if settled else "found",
                    clock(),
                    hf=hit.meta if hit is not None else Metadata(arxiv_id=wanted),
                ),
            )
            report.found.append(paper_id)
            need_arxiv.setdefault(wanted, []).append(paper_id)
            step()
        for paper in plan.searches:
            check_stop()
            verdict, hit, close = match(paper.title, hf.search(http, paper.title))
            if hit is not None:
                store.put(paper.id, Lookup("found", clock(), hf=hit.meta))
                report.found.append(paper.id)
                need_arxiv.setdefault(hit.meta.arxiv_id or "", []).append(paper.id)
            else:
                candidates = tuple((c.meta.arxiv_id or "", c.title) for c in close)
                store.put(paper.id, Lookup(verdict, clock(), candidates=candidates))
                (report.ambiguous if verdict == "ambiguous" else report.not_found).append(paper.id)
            step()

        def keep(found: dict[str, Hit], asked: Sequence[str]) -> None:
            for ident in asked:
                answer = found.get(ident)
                meta = answer.meta if answer is not None else Metadata(arxiv_id=ident)
                for paper_id in need_arxiv.get(ident, ()):
                    lookup = store.get(paper_id)
                    if lookup is not None:
                        store.put(paper_id, replace(lookup, arxiv=meta))
            step()
            check_stop()

        if need_arxiv:
            check_stop()
            arxiv.fetch(http, need_arxiv, on_batch=keep)
    except NetworkError as error:
        report.error = str(error)
    except (_Stop, KeyboardInterrupt):
        report.interrupted = True
    finally:
        report.requests = http.requests - started
        store.save()
    return report
