"""What a tag name may be, and how tags sort: shared by the state file and the query language."""

from __future__ import annotations

MAX_TAG = 64
"""The longest tag name kept (characters)."""


def clean_tag(text: str) -> str:
    """A tag name as kept: control characters dropped, spaces and commas as ``-``, at most
    :data:`MAX_TAG` characters; '' when nothing is left."""
    kept = "".join(
        "-" if char.isspace() or char == "," else char
        for char in text.strip()
        if char.isprintable() or char.isspace()
    )
    return kept.strip("-")[:MAX_TAG]


def tag_order(name: str) -> tuple[str, str]:
    """How tags sort: case ignored, then as written (so the order is the same everywhere)."""
    return name.casefold(), name
