"""The metadata store: what ``paperterm enrich`` learnt of each paper, kept between runs.

One JSON file, ``metadata.json`` in the user data dir (beside the state file)::

    {"schema": 1, "papers": {"<paper id>": {"status": "found", "checked": 1763884800.0,
        "hf": {...}, "arxiv": {...}, "candidates": [["1803.03635", "Title"], ...]}}}

``status`` is what the last lookup concluded: ``found`` (a search hit with the paper's own
title), ``not_found``, ``ambiguous`` (close titles only; ``candidates`` lists them), or
``settled`` (the metadata of an arXiv id the user chose with ``paperterm mark ID --arxiv``).
``hf`` and ``arxiv`` hold what each API said, field by field as :class:`~paperterm.model.Metadata`
names them. Identified papers are never asked for again.

Everything in it can be rebuilt by asking again, but it must not be lost to a kill: it is
written whole to a temporary file and renamed over the old one, under a lock, after merging
what another process saved meanwhile (per paper, the later lookup wins). A file that cannot be
read is moved aside (``metadata.json.corrupt-<time>``) and the store starts empty. Every
value read back goes through the same checks as an API answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import orjson

from paperterm.catalog import Catalog
from paperterm.errors import StateError
from paperterm.locations import data_dir
from paperterm.metadata import arxiv_id, combined, from_record, text, to_record
from paperterm.model import Metadata, Paper
from paperterm.state import storage
from paperterm.state.record import ARXIV_NONE

SCHEMA = 1
Status = Literal["found", "not_found", "ambiguous", "settled"]
STATUSES: tuple[Status, ...] = ("found", "not_found", "ambiguous", "settled")


def default_path() -> Path:
    """Where the store lives when no other path is given."""
    return data_dir() / "metadata.json"


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the last lookup of one paper found."""

    status: Status
    """``found``, ``not_found``, ``ambiguous`` or ``settled`` (see the module doc)."""
    checked: float
    """Unix time of the lookup."""
    hf: Metadata | None = None
    """What Hugging Face said of the paper, if it was asked and knew it."""
    arxiv: Metadata | None = None
    """What arXiv said of it, if it was asked and knew it."""
    candidates: tuple[tuple[str, str], ...] = ()
    """For ``ambiguous``: (arXiv id, title) of the close hits, best first."""

    @property
    def meta(self) -> Metadata | None:
        """The paper's metadata by this lookup: arXiv's fields over Hugging Face's."""
        if self.status not in ("found", "settled"):
            return None
        return combined(self.arxiv, self.hf)

    @property
    def arxiv_id(self) -> str | None:
        """The arXiv id this lookup settled on, if any."""
        meta = self.meta
        return meta.arxiv_id if meta is not None else None

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready form kept in the file."""
        record: dict[str, Any] = {"status": self.status, "checked": self.checked}
        if self.hf is not None:
            record["hf"] = to_record(self.hf)
        if self.arxiv is not None:
            record["arxiv"] = to_record(self.arxiv)
        if self.candidates:
            record["candidates"] = [list(pair) for pair in self.candidates]
        return record


def lookup_from_json(obj: object) -> Lookup | None:
    """A stored lookup, checked field by field, or None when it is not one."""
    if not isinstance(obj, dict):
        return None
    status = obj.get("status")
    checked = obj.get("checked")
    if status not in STATUSES or isinstance(checked, bool):
        return None
    if not isinstance(checked, (int, float)) or not 0 <= checked < 1e11:
        return None
    candidates = []
    raw = obj.get("candidates")
    for pair in raw[:20] if isinstance(raw, list) else ():
        if isinstance(pair, list) and len(pair) == 2:
            ident, title = arxiv_id(pair[0]), text(pair[1])
            if ident is not None:
                candidates.append((ident, title or ""))
    return Lookup(
        status=cast(Status, status),
        checked=float(checked),
        hf=from_record(obj["hf"]) if "hf" in obj else None,
        arxiv=from_record(obj["arxiv"]) if "arxiv" in obj else None,
        candidates=tuple(candidates),
    )


@dataclass
class MetaStore:
    """The lookups of every paper ever enriched, by paper id; call :meth:`save` to keep them."""

    path: Path
    """The store's file."""
    lookups: dict[str, Lookup] = field(default_factory=dict)
    """Paper id to its last lookup."""
    notices: list[str] = field(default_factory=list)
    """What the user should hear about the file (a damaged file moved aside)."""
    _dirty: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, path: Path | None = None) -> MetaStore:
        """The store at ``path`` (default: ``metadata.json`` in the data dir); empty if absent."""
        store = cls(path if path is not None else default_path())
        store.lookups = store._read(move_bad=True)
        return store

    def get(self, paper_id: str) -> Lookup | None:
        """The last lookup of a paper, or None when it was never looked up."""
        return self.lookups.get(paper_id)

    def meta(self, paper_id: str) -> Metadata | None:
        """The paper's metadata by its last lookup, or None."""
        lookup = self.lookups.get(paper_id)
        return lookup.meta if lookup is not None else None

    def put(self, paper_id: str, lookup: Lookup) -> None:
        """Record a lookup (kept in memory until :meth:`save`)."""
        self.lookups[paper_id] = lookup
        self._dirty.add(paper_id)

    @property
    def unsaved(self) -> int:
        """How many lookups were recorded since the last save."""
        return len(self._dirty)

    def _read(self, *, move_bad: bool) -> dict[str, Lookup]:
        try:
            found = storage.read_file(self.path)
        except StateError as error:
            self.notices.append(f"{error}; metadata starts empty (it can be fetched again)")
            return {}
        if found is None:
            return {}
        data = found[0]
        try:
            top = orjson.loads(data)
            if not isinstance(top, dict) or not isinstance(top.get("papers"), dict):
                raise ValueError("not a metadata store")
            if not isinstance(top.get("schema"), int) or top["schema"] > SCHEMA:
                raise ValueError("an unknown schema")
        except ValueError as error:
            if move_bad:
                self._move_aside(str(error))
            return {}
        lookups = {}
        for paper_id, obj in cast(dict[str, Any], top["papers"]).items():
            lookup = lookup_from_json(obj)
            if lookup is not None and isinstance(paper_id, str) and len(paper_id) == 12:
                lookups[paper_id] = lookup
        return lookups

    def _move_aside(self, why: str) -> None:
        try:
            with storage.locked(self._lock_path):
                moved = storage.move_aside(self.path, "corrupt", time.time())
        except StateError as error:
            self.notices.append(f"{self.path}: {why}, and {error}; not used")
            return
        self.notices.append(
            f"{self.path}: {why}; moved aside to {moved.name}, metadata starts empty"
        )

    @property
    def _lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def save(self, warn: Callable[[str], None] | None = None) -> None:
        """Write the store, merged with what another process saved since (per paper, the later
        lookup wins). Raises StateError with one line when it cannot be written."""
        if not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StateError(
                f"{self.path.parent}: cannot create: {storage.reason(error)}"
            ) from None
        with storage.locked(self._lock_path):
            on_disk = self._read(move_bad=False)
            merged = dict(on_disk)
            for paper_id, lookup in self.lookups.items():
                theirs = merged.get(paper_id)
                if theirs is None or (paper_id in self._dirty and lookup.checked >= theirs.checked):
                    merged[paper_id] = lookup
            payload = {
                "schema": SCHEMA,
                "papers": {pid: lookup.to_json() for pid, lookup in merged.items()},
            }
            storage.replace_atomically(
                self.path,
                orjson.dumps(payload, option=orjson.OPT_APPEND_NEWLINE),
                backup=None,
                warn=warn or self.notices.append,
            )
        self.lookups = merged
        self._dirty.clear()


def joined_meta(
    paper: Paper, store: MetaStore | None, choices: Mapping[str, str]
) -> Metadata | None:
    """A paper's metadata: the user's choice over the store's lookup over what its dump said.

    Each layer that names another arXiv id than the layers above it is left out.
    """
    choice = choices.get(paper.id)
    if choice == ARXIV_NONE:
        return None
    wanted = arxiv_id(choice) if choice else None
    layers = [
        Metadata(arxiv_id=wanted) if wanted is not None else None,
        store.meta(paper.id) if store is not None else None,
        paper.meta,
    ]
    meta = None
    for layer in layers:
        meta = combined(meta, layer)
    return meta


def attach(catalog: Catalog, store: MetaStore | None, choices: Mapping[str, str]) -> Catalog:
    """Give every paper of ``catalog`` its joined metadata (:func:`joined_meta`), in place."""
    changed = {}
    for paper in catalog:
        meta = joined_meta(paper, store, choices)
        if meta != paper.meta:
            changed[paper.id] = meta
    if changed:
        catalog.set_meta(changed)
    return catalog
