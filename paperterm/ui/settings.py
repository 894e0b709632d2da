"""Small UI preferences kept between runs (the last export path), apart from the state."""

from __future__ import annotations

from pathlib import Path

import orjson

from paperterm.files import write_atomically
from paperterm.locations import settings_path


def _read() -> dict[str, object]:
    try:
        data = orjson.loads(settings_path().read_bytes())
    except (OSError, orjson.JSONDecodeError):
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
    write_atomically(target, orjson.dumps(data, option=orjson.OPT_INDENT_2))
