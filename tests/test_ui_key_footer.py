"""The footer greys its keys in place when only whether they can run changed (no rebuild, no
layout of the screen), and always shows what a footer built afresh would."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from paperterm.catalog import Catalog
from paperterm.ui.widgets.key_footer import KeyFooter
from pilot import SIZE, Recorder, make_app, settle


def shown(app: Recorder) -> list[tuple[str, bool]]:
    """The footer's keys as drawn: (key, lit)."""
    footer = app.main.query_one(KeyFooter)
    return [
        (key.key, not key.has_class("-disabled"))
        for key in footer.query(FooterKey)
        if not key.has_class("-command-palette")
    ]


def expected(app: Recorder) -> list[tuple[str, bool]]:
    """What Textual's footer would build from the screen's bindings now."""
    first: dict[str, tuple[str, bool]] = {}
    for _node, binding, enabled, _tooltip in app.main.active_bindings.values():
        if binding.show:
            first.setdefault(binding.action, (binding.key, enabled))
    return list(first.values())


async def test_an_empty_view_greys_the_keys_in_place(catalog: Catalog, state_path: Path) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.main.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        lit_before = shown(app)
        assert lit_before == expected(app)
        layouts = 0
        relayout = app.main._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            relayout(*args, **kwargs)  # type: ignore[arg-type]

        app.main._refresh_layout = counted  # type: ignore[method-assign]
        await pilot.press("3")  # the starred papers: none, so nothing to star or open
        await settle(pilot)
        await pilot.pause()
        assert app.main.paper_list.current is None
        greyed = shown(app)
        assert greyed == expected(app)
        assert greyed != lit_before  # some keys went grey...
        assert list(footer.query(FooterKey)) == keys  # ...where they stood
        await pilot.press("1")
        await settle(pilot)
        await pilot.pause()
        assert shown(app) == expected(app) == lit_before
        assert list(footer.query(FooterKey)) == keys
        assert layouts == 0


async def test_a_greyed_key_clicked_rings_the_bell_and_does_nothing(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        footer = app.main.query_one(KeyFooter)
        star = next(key for key in footer.query(FooterKey) if key.action.endswith("star"))
        assert star.has_class("-disabled")
        bells: list[None] = []
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        await pilot.click(star)
        assert bells
        assert not app.store.starred_ids
