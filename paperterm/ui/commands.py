"""The command palette's entries: one per key binding of the app, so the two never drift."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import Binding

if TYPE_CHECKING:
    from paperterm.ui.app import PapertermApp

_LEFT_TO_TEXTUAL = {"quit"}
"""Actions Textual's own palette entries already cover."""


def palette_commands(app: PapertermApp) -> Iterator[SystemCommand]:
    """A palette entry for each app binding that can run now, titled by what it does."""
    for binding in app.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        _, name, arguments = parse(binding.action)
        if name in _LEFT_TO_TEXTUAL or not app.check_action(name, arguments):
            continue
        key = app.get_key_display(Binding(binding.key.split(",")[0], ""))
        yield SystemCommand(
            binding.tooltip or binding.description,
            f"Key: {key}",
            _runner(app, binding.action),
        )


def _runner(app: PapertermApp, action: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await app.run_action(action)

    return run
