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

from paperterm.search import QUERY_HELP

LIST_LEGEND = (
    ("●", "unread (read papers have no mark)"),
    ("★", "starred"),
    ("</>", "the abstract links a code repository (o opens the paper, else the code)"),
    ("2", "the number of dumps the paper appears in (the detail pane lists them)"),
    ("▲48 ☆1.2k", "Hugging Face upvotes and GitHub stars (papers from fetched days, F)"),
    ("tab", "move between the list and the detail pane, to scroll a long abstract"),
)
"""What the marks in the list mean, and how to reach the detail pane."""


class HelpScreen(ModalScreen[None]):
    """Every key (given by the app, so it never drifts from the bindings) and the filter syntax."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 100;
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

    def __init__(self, keys: Sequence[tuple[str, str]], messages: Sequence[str] = ()) -> None:
        super().__init__()
        self._keys = tuple(keys)
        self._messages = tuple(messages)

    def compose(self) -> ComposeResult:
        """The session's messages if any, the keys, the list's marks, then the filter syntax."""
        with VerticalScroll() as box:
            box.border_title = "paperterm help"
            box.border_subtitle = "Escape, q or ? closes this help"
            if self._messages:
                yield Static("Messages (load warnings, state file)", classes="help--heading")
                yield Static(Text("\n".join(self._messages)), id="messages")
            yield Static("Keys", classes="help--heading")
            yield Static(_table(self._keys))
            yield Static("The list", classes="help--heading")
            yield Static(_table(LIST_LEGEND))
            yield Static("The filter (type after /)", classes="help--heading")
            yield Static(Text(reflow(QUERY_HELP)), id="query-help")

    def on_mount(self) -> None:
        """Focus the text, so the arrow keys and page keys scroll it."""
        self.query_one(VerticalScroll).focus()

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


def reflow(text: str) -> str:
    """Join the lines of each prose paragraph, so the screen wraps them at its own width.

    Indented lines (the examples) and blank lines stay as they are.
    """
    out: list[str] = []
    for line in text.rstrip().splitlines():
        prose = line and not line[0].isspace()
        if prose and out and out[-1] and not out[-1][0].isspace():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)
