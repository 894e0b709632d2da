"""The help screen: every key, and the query language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

QUERY_LANGUAGE: tuple[tuple[str, str], ...] = (
    ("words", "every word must match, small typos forgiven"),
    ("'exact", "this exact text"),
    ("^prefix", "a word that starts with this"),
    ("!word", "papers without it"),
    ("a|b", "either one"),
    ("title: abstract:", "look in one field only, e.g. title:diffusion"),
    ("is:starred is:read is:unread", "by your marks"),
    ("has:code", "papers with a code repository link"),
)
"""The filter syntax, as the help screen shows it."""


class HelpScreen(ModalScreen[None]):
    """Lists the keys (given by the app, so it never drifts from the bindings) and the syntax."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 80;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: round $primary;
            border-title-color: $primary;
            background: $surface;
            padding: 0 1;
        }
        & .help--heading { color: $primary; text-style: bold; margin-top: 1; }
    }
    """

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._keys = tuple(keys)

    def compose(self) -> ComposeResult:
        """Two tables: keys, then the filter syntax."""
        with VerticalScroll() as box:
            box.border_title = "paperterm help"
            box.border_subtitle = "Escape to close"
            yield Static("Keys", classes="help--heading")
            yield Static(_table(self._keys))
            yield Static("Filter (type after /)", classes="help--heading")
            yield Static(_table(QUERY_LANGUAGE))
            yield Static(
                Text(
                    "Terms are combined: all must hold. "
                    "Example: title:diffusion has:code !survey is:unread"
                )
            )

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)


def _table(rows: Sequence[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, text in rows:
        table.add_row(key, text)
    return table
