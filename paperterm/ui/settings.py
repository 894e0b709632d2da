"""Small UI preferences kept between runs (the last export path), apart from the state."""

from __future__ import annotations

from pathlib import Path

import orjson

from paperterm import fsio
from paperterm.locations import settings_path

_MAX_BYTES = 1 << 20
"""A settings file larger than this is not ours: ignored."""


def _read() -> dict[str, object]:
    try:
        data = orjson.loads(fsio.read_regular(settings_path(), limit=_MAX_BYTES)[0])
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return {}
    return data if isinstance(data, dict) else {}


def last_export_path() -> Path | None:
    """The file the user last exported to, or None the first time (or if unreadable)."""
    value = _read().get("export_path")
    return Path(value) if isinstance(value, str) and value else None


def remember_export_path(path: Path) -> None:
    """Remember ``path`` as the next export's default; written atomically.

    Raises OSError when the settings file cannot be written.
    """
    data = _read()
    data["export_path"] = str(path)
    target = settings_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fsio.replace(target, orjson.dumps(data, option=orjson.OPT_INDENT_2))
