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
    await pilot.press("slash", *"models", "enter")  # exact matches, then the close ones
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


async def _new_view(pilot: Pilot[None]) -> None:
    """The papers new since the last visit (view 4): the last reader had only the trending page."""
    await pilot.press("4")
    await _settle(pilot)


async def _tagged(pilot: Pilot[None]) -> None:
    """A paper with tags and a note, in the detail pane."""
    await pilot.press("slash", *"tag:to-reproduce", "enter")
    await _settle(pilot)


async def _for_you(pilot: Pilot[None]) -> None:
    """Two language-model papers starred, two others read; sorted "for you", from the top: the
    first pick says why in the detail pane ("because: ...")."""
    await pilot.press("s", "n", "n", "n", "j", "j", "s")
    await pilot.press("t", "t", "g")  # title, for you (no filter: t skips catalogue order)
    await _settle(pilot)


SHOTS: tuple[tuple[str, tuple[int, int], Steps], ...] = (
    ("triage-wide", (120, 36), _triage),
    ("filtered", (120, 36), _filtered),
    ("unread-view", (120, 36), _unread),
    ("stacked-80x24", (80, 24), _triage),
    ("help", (100, 44), _help),
    ("export", (100, 30), _export),
    ("new-view", (120, 36), _new_view),
    ("tagged-note", (120, 36), _tagged),
    ("for-you", (120, 36), _for_you),
)
"""(file name, terminal size, what to do before the shot)."""


KNOWN = {
    "Language Models are Few-Shot Learners": (
        "2005.14165", "2020-05-28", ("cs.CL",),
        ("Tom B. Brown", "Benjamin Mann", "Nick Ryder", "Melanie Subbiah", "Jared Kaplan"),
    ),
    "Attention Is All You Need": (
        "1706.03762", "2017-06-12", ("cs.CL", "cs.LG"),
        ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones",
         "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"),
    ),
    "End-to-End Object Detection with Transformers": (
        "2005.12872", "2020-05-26", ("cs.CV",),
        ("Nicolas Carion", "Francisco Massa", "Gabriel Synnaeve", "Nicolas Usunier",
         "Alexander Kirillov", "Sergey Zagoruyko"),
    ),
    "Training language models to follow instructions with human feedback": (
        "2203.02155", "2022-03-04", ("cs.CL", "cs.AI", "cs.LG"),
        ("Long Ouyang", "Jeff Wu", "Xu Jiang", "Diogo Almeida", "Carroll L. Wainwright"),
    ),
    "Proximal Policy Optimization Algorithms": (
        "1707.06347", "2017-07-20", ("cs.LG",),
        ("John Schulman", "Filip Wolski", "Prafulla Dhariwal", "Alec Radford", "Oleg Klimov"),
    ),
}  # fmt: skip
"""Facts about a few demo papers (as arXiv lists them; author lists cut short), so that the
screenshots show identified papers as `paperterm enrich` would leave them."""


def _identify(catalog: object) -> None:
    from paperterm.catalog import Catalog
    from paperterm.metastore import Lookup, MetaStore, attach
    from paperterm.model import Metadata

    assert isinstance(catalog, Catalog)
    store = MetaStore.open()
    for paper in catalog:
        known = KNOWN.get(paper.title)
        if known is not None:
            arxiv_id, published, categories, authors = known
            meta = Metadata(
                arxiv_id=arxiv_id,
                authors=authors,
                published=published,
                primary_category=categories[0],
                categories=categories,
            )
            store.put(paper.id, Lookup("found", 0.0, arxiv=meta))
    attach(catalog, store, {})


async def _shoot(name: str, size: tuple[int, int], steps: Steps, folder: Path) -> Path:
    import paperterm
    from paperterm.cli import DEMO_NOTICE
    from paperterm.state import StateStore
    from paperterm.state.seen import Seen
    from paperterm.ui.app import PapertermApp

    catalog = paperterm.load([DEMO])
    _identify(catalog)
    store = StateStore.open(folder / f"{name}.json")
    if name == "new-view":
        # A reader that had only the trending page was quit: the search page's papers are new.
        trending = paperterm.load([DEMO / "trending.txt"])
        Seen.beside(store.path).end_visit(paper.id for paper in trending)
    if name == "tagged-note":
        paper = catalog.papers[1]
        store.add_tags([paper.id], ["to-reproduce", "transformers"])
        store.set_note(
            paper.id,
            "Compare the base model's training cost with our runs.\n"
            "Ask about the warm-up schedule.",
        )
        store.enqueue([paper.id])
    # As `paperterm` shows the demo: with the banner line saying how to load real dumps.
    app = PapertermApp(catalog, store, export_path=Path("~/paper/refs.bib"), banner=DEMO_NOTICE)
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
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = folder
        for name, size, steps in SHOTS:
            path = asyncio.run(_shoot(name, size, steps, Path(folder)))
            print(f"wrote {path.relative_to(ROOT)}  ({size[0]}x{size[1]})")


if __name__ == "__main__":
    main()
