"""The command palette's entries: one per key binding of the main screen, so the two never drift."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

_LEFT_TO_TEXTUAL = {"quit"}
"""Actions Textual's own palette entries already cover."""


def palette_commands(screen: Screen[Any]) -> Iterator[SystemCommand]:
    """A palette entry for each binding of ``screen`` that can run now, titled by what it does."""
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        _, name, arguments = parse(binding.action)
        if name in _LEFT_TO_TEXTUAL or not screen.check_action(name, arguments):
            continue
        key = screen.app.get_key_display(Binding(binding.key.split(",")[0], ""))
        yield SystemCommand(
            binding.tooltip or binding.description,
            f"Key: {key}",
            _runner(screen, binding.action),
        )


def _runner(screen: Screen[Any], action: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await screen.run_action(action)

    return run
