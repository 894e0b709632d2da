"""The export dialog: where to write the starred papers, and what to do with a file already there.

A file in the way is never replaced by one Enter: the dialog says what it holds ("mine.bib (12
entries)") and waits for ``r`` (replace), ``a`` (append the new entries, for BibTeX) or Escape
(back to the path). The screen behind stays visible, so one sees what is being exported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from paperterm import fsio
from paperterm.export_target import APPENDABLE, Existing, existing
from paperterm.sanitize import printable
from paperterm.ui.screens.dialog import Dialog
from paperterm.usecases import format_for


@dataclass(frozen=True)
class ExportChoice:
    """Where to export, and how."""

    path: Path
    """The file to write."""
    append: bool = False
    """Add the new entries to the end of the file there instead of replacing it."""


class ExportScreen(Dialog[ExportChoice | None]):
    """Asks for the file to write, then before replacing one; dismisses with the choice, or
    None when cancelled."""

    AUTO_FOCUS = "#export-path"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel export"),
        Binding("r", "replace", "Replace the file", show=False),
        Binding("a", "append", "Append the new entries", show=False),
    ]

    DEFAULT_CSS = """
    ExportScreen {
        & #export-confirm { display: none; height: auto; }
        &.-confirm #export-confirm { display: block; }
        &.-confirm #export-path-hint { display: none; }
        & #export-question { color: $warning; margin: 1 0 0 0; width: 100%; }
        & Horizontal { height: auto; }
        & Button { margin: 0 1 0 0; }
    }
    """

    def __init__(
        self, count: int, default: Path, protected: Mapping[Path, str] | None = None
    ) -> None:
        super().__init__()
        self._protected = dict(protected or {})
        self._count = count
        self._default = default
        self._path: Path | None = None
        self.existing: Existing | None = None
        """What the chosen file holds, once the dialog asks about it."""

    @property
    def _shown_default(self) -> str:
        """The default path as the box shows it: its control characters as visible escapes."""
        return printable(str(self._default))

    def _typed_path(self, value: str) -> Path:
        """The path the box says: the default as it is when the box still shows it, or shows
        its folder with another name (the box shows control characters as escapes: a folder's
        name may hold an escape sequence, and its escaped spelling names another folder)."""
        if value == self._shown_default:
            return self._default
        folder = printable(str(self._default.parent))
        name = value.removeprefix(folder + os.sep)
        if name != value and os.sep not in name and folder != str(self._default.parent):
            return self._default.parent / name
        return Path(value).expanduser()

    def compose(self) -> ComposeResult:
        """A line saying what will be written, the path box, and a hint."""
        with Vertical() as box:
            box.border_title = "Export starred"
            noun = "paper" if self._count == 1 else "papers"
            yield Label(f"Write {self._count} starred {noun} to:")
            path = Input(self._shown_default, id="export-path", select_on_focus=False)
            path.cursor_blink = False  # a steady cursor: the dialog looks the same every time
            yield path
            yield Label(
                "Enter to write · Escape to cancel\n"
                ".bib · .biblatex.bib · .csl.json · .ids.txt · .md · .csv · .json",
                classes="dialog--hint",
                id="export-path-hint",
            )
            with Vertical(id="export-confirm"):
                yield Label("", id="export-question", markup=False)
                with Horizontal():
                    yield Button("Replace (r)", id="replace", variant="warning", compact=True)
                    yield Button("Append new entries (a)", id="append", compact=True)
                    yield Button("Back (Esc)", id="back", compact=True)

    @on(Input.Submitted, "#export-path")
    def _submit(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Type a file name to export to.", severity="warning")
            return
        path = self._typed_path(value)
        fmt = format_for(path)
        try:
            fsio.user_target(path, self._protected)  # the state file: refused, never asked
            found = existing(path, fmt)
        except OSError as error:
            self.notify(f"{path}: {error.strerror or error}", severity="error", markup=False)
            return
        if found is None:
            self.dismiss(ExportChoice(path))
            return
        self._path, self.existing = path, found
        appendable = fmt in APPENDABLE
        self.query_one("#export-question", Label).update(
            f"{printable(found.describe())} is there already: replace it"
            + (", or append the new entries?" if appendable else "?")
        )
        self.query_one("#append", Button).display = appendable
        self.query_one("#export-path", Input).disabled = True
        self.add_class("-confirm")
        self.query_one("#back", Button).focus()

    @on(Button.Pressed, "#replace")
    def action_replace(self) -> None:
        """Replace the file there (once asked)."""
        if self._path is not None:
            self.dismiss(ExportChoice(self._path))

    @on(Button.Pressed, "#append")
    def action_append(self) -> None:
        """Add the new entries to the end of the file there (BibTeX, once asked)."""
        if self._path is not None and format_for(self._path) in APPENDABLE:
            self.dismiss(ExportChoice(self._path, append=True))

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self._path = self.existing = None
        self.remove_class("-confirm")
        field = self.query_one("#export-path", Input)
        field.disabled = False
        field.focus()

    def action_cancel(self) -> None:
        """Back to the path when asked about a file there; else close, writing nothing."""
        if self._path is not None:
            self._back()
        else:
            self.dismiss(None)
