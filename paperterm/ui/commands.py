"""The command palette's entries: one per key binding of the main screen, so the two never drift."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen


def palette_commands(screen: Screen[Any]) -> Iterator[SystemCommand]:
    """A palette entry for each binding of ``screen`` that can run now, titled by what it does
    (``screen.can_run`` decides, when the screen has one; else ``check_action``)."""
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        _, name, arguments = parse(binding.action)
        can_run = getattr(screen, "can_run", screen.check_action)
        if not can_run(name, arguments):
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
