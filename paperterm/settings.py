"""What the reader remembers between runs: the theme, and where the user was in each catalogue.

Preferences, not data: they live in the user config dir (``settings.json``), apart from the
state file, and losing them costs a few keystrokes, never a mark. The file is the user's to edit
or break, so it is read field by field and anything malformed is ignored (never an error);
:func:`load` never raises. Writes re-read the file first and change only what they set, so two
readers open at once keep each other's catalogues, and replace it atomically.

A catalogue is what the reader was opened on (:func:`catalogue_key`): the library, the demo, or
one set of paths. Each has its own :class:`Place` (paper, view, sort, filter, split, export
path), so the demo's ``demo.bib`` never comes up on real dumps. The 64 catalogues used last are
kept.

The export path used to be kept in the data dir (``settings.json`` with one key,
``export_path``). It is still read, as the export path of a catalogue that has none of its own
(never of the demo's).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from paperterm import fsio
from paperterm.identity import is_paper_id
from paperterm.locations import config_settings_path, settings_path
from paperterm.sanitize import clean_text

DEMO = "demo"
"""The catalogue key of the demo."""
LIBRARY = "library"
"""The catalogue key of the user's library (``paperterm`` alone)."""
SPLIT_RANGE = (20, 80)
"""The list's share of the width, in percent, that a remembered split may take."""
KEPT_CATALOGUES = 64
"""How many catalogues' places are kept; the ones used longest ago are forgotten first."""
_MAX_FILTER = 1000
_MAX_BYTES = 1 << 22
"""A settings file larger than this is not one paperterm wrote: ignored."""
_MAX_PATH = 4096
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}")
"""What a theme, view or sort name may look like (the reader checks that it exists)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where the user was in one catalogue, and where its exports go."""

    paper: str | None = None
    """The id of the paper under the cursor."""
    view: str | None = None
    """The view's name (all, unread, starred...)."""
    sort: str | None = None
    """The sort order's name."""
    filter: str = ""
    """The filter's text."""
    split: int | None = None
    """The list's share of the width, in percent (within :data:`SPLIT_RANGE`)."""
    export_path: Path | None = None
    """The file the last export of this catalogue went to."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything remembered, as read from the file."""

    theme: str | None = None
    """The theme chosen last (the reader checks that it still exists)."""
    places: dict[str, Place] = field(default_factory=dict)
    """Each catalogue's place, by :func:`catalogue_key`."""
    old_export_path: Path | None = None
    """The export path kept in the data dir by earlier versions, for catalogues without one."""
    enrich_on_star: bool = False
    """Whether starring a paper looks it up on Hugging Face and arXiv (off unless turned on)."""

    def place(self, key: str) -> Place:
        """Where the user was in catalogue ``key``; an empty place the first time."""
        found = self.places.get(key, Place())
        if found.export_path is None and key != DEMO and self.old_export_path is not None:
            return replace(found, export_path=self.old_export_path)
        return found


def catalogue_key(paths: Sequence[str | Path], *, demo: bool = False) -> str:
    """The key of the catalogue opened on ``paths``: :data:`DEMO`, :data:`LIBRARY` (no paths),
    or a digest of the absolute paths (in any order, ``.`` and ``..`` resolved)."""
    if demo:
        return DEMO
    if not paths:
        return LIBRARY
    names = sorted({os.fsencode(os.path.abspath(os.fspath(path))) for path in paths})
    return "paths:" + hashlib.sha256(b"\0".join(names)).hexdigest()[:24]


def load() -> Settings:
    """The settings as saved; defaults for whatever is missing, unreadable or malformed."""
    data = _read(config_settings_path())
    raw_places = data.get("catalogues")
    places = {}
    if isinstance(raw_places, dict):
        for key, value in raw_places.items():
            if isinstance(key, str) and isinstance(value, dict):
                places[key] = _place(value)
    return Settings(
        _name(data.get("theme")),
        places,
        _path(_read(settings_path()).get("export_path")),
        enrich_on_star=data.get("enrich_on_star") is True,
    )


def remember_theme(theme: str) -> None:
    """Keep ``theme`` as the reader's theme. Raises OSError when the file cannot be written."""
    if _name(theme) is None:
        raise ValueError(f"not a theme name: {theme!r}")
    _write(lambda data: data.__setitem__("theme", theme))


def remember_enrich_on_star(on: bool) -> None:
    """Keep whether starring a paper looks it up. Raises OSError when it cannot be written."""
    _write(lambda data: data.__setitem__("enrich_on_star", bool(on)))


def remember_place(key: str, place: Place) -> None:
    """Keep ``place`` as where the user was in catalogue ``key`` (replacing what was kept).

    Raises OSError when the file cannot be written.
    """

    def change(data: dict[str, object]) -> None:
        catalogues = data.get("catalogues")
        if not isinstance(catalogues, dict):
            catalogues = data["catalogues"] = {}
        catalogues[key] = _record(place)
        if len(catalogues) > KEPT_CATALOGUES:
            by_age = sorted(catalogues, key=lambda name: _used(catalogues[name]))
            for name in by_age[: len(catalogues) - KEPT_CATALOGUES]:
                del catalogues[name]

    _write(change)


def remember_export_path(key: str, path: Path) -> None:
    """Keep ``path`` as catalogue ``key``'s export path, the rest of its place unchanged."""
    kept = load().places.get(key, Place())
    remember_place(key, replace(kept, export_path=path))


def _read(path: Path) -> dict[str, object]:
    try:
        data = orjson.loads(fsio.read_regular(path, limit=_MAX_BYTES)[0])
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError; so is a huge file
        return {}
    return data if isinstance(data, dict) else {}


def _write(change: Callable[[dict[str, object]], None]) -> None:
    target = config_settings_path()
    data = _read(target)
    change(data)
    data["version"] = 1
    target.parent.mkdir(parents=True, exist_ok=True)
    fsio.replace(target, orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _record(place: Place) -> dict[str, object]:
    record: dict[str, object] = {"used": time.time()}
    for name in ("paper", "view", "sort", "split"):
        value = getattr(place, name)
        if value is not None:
            record[name] = value
    if place.filter:
        record["filter"] = place.filter
    if place.export_path is not None:
        record["export_path"] = os.fsdecode(place.export_path)
    return record


def _place(record: dict[object, object]) -> Place:
    paper = record.get("paper")
    split = record.get("split")
    text = record.get("filter")
    low, high = SPLIT_RANGE
    return Place(
        paper=paper if isinstance(paper, str) and is_paper_id(paper) else None,
        view=_name(record.get("view")),
        sort=_name(record.get("sort")),
        filter=clean_text(text)[:_MAX_FILTER] if isinstance(text, str) else "",
        split=split if type(split) is int and low <= split <= high else None,
        export_path=_path(record.get("export_path")),
    )


def _name(value: object) -> str | None:
    return value if isinstance(value, str) and _NAME.fullmatch(value) else None


def _path(value: object) -> Path | None:
    if not isinstance(value, str) or not value or len(value) > _MAX_PATH or "\0" in value:
        return None
    return Path(value)


def _used(record: object) -> float:
    used = record.get("used") if isinstance(record, dict) else None
    return float(used) if isinstance(used, (int, float)) else 0.0
