"""What the Pilot tests of the reader share: the app that keeps its notifications, and the
helpers that start it and read it. The `catalog` and `state_path` fixtures are in conftest.py."""

from __future__ import annotations

import asyncio
import webbrowser
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from paperterm.catalog import Catalog
from paperterm.state import StateStore
from paperterm.ui.app import PapertermApp

SIZE = (120, 40)


class Recorder(PapertermApp):
    """The app, keeping every notification it shows (text and severity)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.said: list[tuple[str, str]] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.said.append((str(message), kwargs.get("severity", "information")))
        super().notify(message, *args, **kwargs)

    def said_text(self) -> str:
        return "\n".join(text for text, _ in self.said)


def make_app(catalog: Catalog, state_path: Path, **kwargs: Any) -> Recorder:
    return Recorder(catalog, StateStore.open(state_path), **kwargs)


def on_disk(state_path: Path) -> StateStore:
    """A fresh store read from the file, so only what was saved counts."""
    return StateStore.open(state_path)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the filter worker, the latest lookup's thread, and the messages they send."""
    await pilot.app.workers.wait_for_complete()
    main = getattr(pilot.app, "main", None)
    lookup = getattr(main, "_enrich_thread", None)
    if lookup is not None:
        await asyncio.to_thread(lookup.join, 30)
    await pilot.pause()


def count_layouts(app: PapertermApp) -> list[int]:
    """A one-item list counting the main screen's layouts from now on."""
    screen = app.main
    layouts = [0]
    layout = screen._refresh_layout

    def counted(*args: object, **kwargs: object) -> None:
        layouts[0] += 1
        layout(*args, **kwargs)  # type: ignore[arg-type]

    screen._refresh_layout = counted  # type: ignore[method-assign]
    return layouts


def shown(app: PapertermApp) -> list[str]:
    return [app.main.papers[i].title for i in app.main.paper_list.rows]


def screen_of(app: PapertermApp) -> object:
    """The screen on top (a call, so that mypy does not narrow it across key presses)."""
    return app.screen


def focused(app: PapertermApp) -> object:
    """The focused widget (a call, for the same reason)."""
    return app.focused


def status_text(app: PapertermApp) -> str:
    """The status line under the list, as shown."""
    return str(app.query_one("#status").render())


def current_title(app: PapertermApp) -> str | None:
    paper = app.main.current
    return None if paper is None else paper.title


def fake_browser(monkeypatch: pytest.MonkeyPatch, browser: object) -> list[str]:
    """Make ``webbrowser`` find ``browser`` and record what it is asked to open."""
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", open_url)
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    return opened
