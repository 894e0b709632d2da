"""The footer greys its keys in place when only whether they can run changed (no rebuild, no
layout of the screen), and always shows what a footer built afresh would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from paperterm.catalog import Catalog
from paperterm.ui.widgets.key_footer import KeptFooterKey, KeyFooter
from pilot import SIZE, Recorder, count_layouts, make_app, settle


def shown(app: Recorder) -> list[tuple[str, bool]]:
    """The footer's keys as drawn: (key, lit)."""
    footer = app.main.query_one(KeyFooter)
    if footer.blank:
        return []
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
        layouts = count_layouts(app)
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
        assert layouts == [0]


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


def blank(app: Recorder) -> bool:
    """Whether the footer's keys are blanked (a call: mypy does not narrow it across keys)."""
    return app.main.query_one(KeyFooter).blank


def footer_text(app: Recorder) -> str:
    """The footer's line as drawn, the palette's key left out."""
    footer = app.main.query_one(KeyFooter)
    return "".join(
        "".join(segment.text for segment in key.render_line(0))
        for key in footer.query(FooterKey)
        if not key.has_class("-command-palette")
    )


async def test_the_filter_blanks_the_keys_in_place_and_the_list_fills_them_again(
    catalog: Catalog, state_path: Path
) -> None:
    """In the filter no key is shown (the letters are the filter's): the keys are blanked
    where they stand, not built afresh, so the screen is not laid out while the first letters
    are typed; back in the list they show again, as a fresh footer would."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.main.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        before = shown(app)
        text = footer_text(app)
        assert before == expected(app) and text.strip()
        layouts = count_layouts(app)
        for _ in range(2):
            await pilot.press("slash", "m", "o")
            await settle(pilot)
            await pilot.pause()
            assert expected(app) == []
            assert blank(app)
            assert not footer_text(app).strip()
            assert len(footer_text(app)) == len(text)  # each place as wide as its key
            assert all(k.tooltip is None for k in keys if not k.has_class("-command-palette"))
            assert list(footer.query(FooterKey)) == keys
            await pilot.press("enter")
            await settle(pilot)
            await pilot.pause()
            assert not blank(app)
            assert shown(app) == expected(app) == before
            assert footer_text(app) == text
            assert list(footer.query(FooterKey)) == keys
            await pilot.press("slash", "escape")
            await settle(pilot)
        assert layouts == [0]


async def test_a_blanked_place_clicked_does_nothing_but_ring(
    catalog: Catalog, state_path: Path
) -> None:
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.main.query_one(KeyFooter)
        star = next(key for key in footer.query(FooterKey) if key.action.endswith("star"))
        await pilot.press("slash")
        await pilot.pause()
        assert footer.blank
        bells: list[None] = []
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        unlit = star.background_colors
        await pilot.hover(star)
        await pilot.pause()
        assert star.mouse_hover
        assert star.background_colors == unlit  # the mouse over it lights nothing
        await pilot.click(star)
        await settle(pilot)
        assert bells
        assert not app.store.starred_ids
        assert app.main.filter_text == ""  # nothing typed into the filter either


async def test_the_keys_stay_blank_while_the_app_is_blurred_in_the_filter(
    catalog: Catalog, state_path: Path
) -> None:
    """Leaving the terminal (the app blurred) and coming back while typing in the filter: the
    keys stay blanked, then show again in the list as a fresh footer would."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = shown(app)
        await pilot.press("slash", "m")
        await settle(pilot)
        assert blank(app)
        app.post_message(events.AppBlur())
        await pilot.pause()
        await pilot.pause()
        assert blank(app)
        assert not footer_text(app).strip()
        app.post_message(events.AppFocus())
        await pilot.pause()
        await pilot.pause()
        assert blank(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        assert not blank(app)
        assert shown(app) == expected(app) == before


def footer_keys(app: Recorder) -> list[KeptFooterKey]:
    keys = list(app.main.query_one(KeyFooter).query(FooterKey))
    assert keys and all(isinstance(key, KeptFooterKey) for key in keys)
    return keys  # type: ignore[return-value]


def drawn_as_textual(app: Recorder, step: str) -> None:
    """Each key's lines, as kept, are those Textual draws afresh now."""
    for key in footer_keys(app):
        region = Region(0, 0, *key.outer_size)
        for crop in (region, Region(1, 0, max(1, region.width - 2), 1)):
            kept = key.render_lines(crop)
            key._styles_cache.clear()
            fresh = Widget.render_lines(key, crop)
            assert [list(line) for line in kept] == [list(line) for line in fresh], (step, key.key)


async def test_the_keys_keep_their_lines_and_draw_what_textual_draws(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blanked on / and filled on Escape, again and again: each key draws each look once
    (Textual drew every key afresh each time); the lines stay Textual's as the keys are greyed,
    the app is blurred and the theme changes."""
    made: list[str] = []
    render_lines = Widget.render_lines

    def counted(widget: Widget, crop: Region) -> list[Strip]:
        if isinstance(widget, FooterKey):
            made.append(widget.key)
        return render_lines(widget, crop)

    app = make_app(catalog, state_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drawn_as_textual(app, "at the start")
        monkeypatch.setattr(Widget, "render_lines", counted)
        for _ in range(2):
            await pilot.press("slash")
            await settle(pilot)
            drawn_as_textual(app, "blanked")
            await pilot.press("escape")
            await settle(pilot)
            drawn_as_textual(app, "filled")
            if not made:
                break
            made.clear()  # the first round drew the blank look once
        assert made == []  # the second round drew nothing afresh
        monkeypatch.setattr(Widget, "render_lines", render_lines)
        await pilot.press("3")  # no starred paper: keys greyed
        await settle(pilot)
        drawn_as_textual(app, "greyed")
        app.app_focus = False
        await pilot.pause()
        drawn_as_textual(app, "app blurred")
        app.app_focus = True
        app.theme = "dracula" if app.theme != "dracula" else "nord"
        await pilot.pause()
        drawn_as_textual(app, "another theme")
        await pilot.press("1", "slash")
        await settle(pilot)
        drawn_as_textual(app, "blanked in another theme")
