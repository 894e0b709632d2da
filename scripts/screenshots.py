"""Write SVG screenshots of the triage app's main views into screenshots/ (for the README).

Runs the app headless on the demo catalogue that ships in the package, with a little triage
already done, in a throw-away state file (your own state is never read or touched).

    python scripts/screenshots.py            # writes screenshots/*.svg
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"
DEMO = ROOT / "paperterm" / "demo"

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _triage(pilot: Pilot[None]) -> None:
    """A morning half done: a few read, one starred, the cursor on an unread paper."""
    await pilot.press("n", "n", "s", "n", "j", "s", "n")
    await _settle(pilot)


async def _filtered(pilot: Pilot[None]) -> None:
    await _triage(pilot)
    await pilot.press("slash", *"languag model", "enter")
    await _settle(pilot)


async def _help(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


async def _export(pilot: Pilot[None]) -> None:
    await _triage(pilot)
    await pilot.press("e")
    await pilot.pause()


async def _unread(pilot: Pilot[None]) -> None:
    await _triage(pilot)
    await pilot.press("2")
    await _settle(pilot)


SHOTS: tuple[tuple[str, tuple[int, int], Steps], ...] = (
    ("triage-wide", (120, 36), _triage),
    ("filtered", (120, 36), _filtered),
    ("unread-view", (120, 36), _unread),
    ("stacked-80x24", (80, 24), _triage),
    ("help", (100, 44), _help),
    ("export", (100, 30), _export),
)
"""(file name, terminal size, what to do before the shot)."""


async def _shoot(name: str, size: tuple[int, int], steps: Steps, folder: Path) -> Path:
    import paperterm
    from paperterm.state import StateStore
    from paperterm.ui.app import PapertermApp

    catalog = paperterm.load([DEMO])
    store = StateStore.open(folder / f"{name}.json")
    app = PapertermApp(catalog, store, export_path=Path("~/paper/refs.bib"))
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        await steps(pilot)
        app.save_screenshot(f"{name}.svg", str(OUT))
    return OUT / f"{name}.svg"


def main() -> None:
    """Write every screenshot, then list them."""
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        # Keep any settings the app might touch away from the user's own.
        os.environ["XDG_DATA_HOME"] = folder
        for name, size, steps in SHOTS:
            path = asyncio.run(_shoot(name, size, steps, Path(folder)))
            print(f"wrote {path.relative_to(ROOT)}  ({size[0]}x{size[1]})")


if __name__ == "__main__":
    main()
