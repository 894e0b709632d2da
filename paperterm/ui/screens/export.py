"""The export dialog: where to write the starred papers."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class ExportScreen(ModalScreen[Path | None]):
    """Asks for the file to write; dismisses with the path, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel export"),
    ]

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
        & > Vertical {
            width: 76;
            max-width: 100%;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        & Input { margin: 1 0 0 0; }
        & .export--hint { color: $text-muted; }
    }
    """

    def __init__(self, count: int, default: Path) -> None:
        super().__init__()
        self._count = count
        self._default = default

    def compose(self) -> ComposeResult:
        """A line saying what will be written, the path box, and a hint."""
        with Vertical() as box:
            box.border_title = "Export starred"
            noun = "paper" if self._count == 1 else "papers"
            yield Label(f"Write {self._count} starred {noun} to:")
            yield Input(str(self._default), id="export-path", select_on_focus=False)
            yield Label(
                "Enter to write · Escape to cancel\n"
                ".bib · .biblatex.bib · .csl.json · .ids.txt · .md · .csv · .json",
                classes="export--hint",
            )

    @on(Input.Submitted, "#export-path")
    def _submit(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Type a file name to export to.", severity="warning")
            return
        self.dismiss(Path(value).expanduser())

    def action_cancel(self) -> None:
        """Close without writing anything."""
        self.dismiss(None)
