"""The filter bar: editing keys typed in a burst (faster than the reader reads them) act in
the order they were typed; the bar's marked look; where a key's search runs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input
from textual.widgets.input import Selection as Span

from paperterm.catalog import Catalog
from paperterm.triage import Marks, Rows, Selection, Triage, needs_search
from paperterm.ui.screens import main as main_screen
from pilot import SIZE, make_app, settle

PRINTABLE = {"slash": "/", "space": " "}


def burst(app: object, keys: list[str]) -> None:
    """Hand the keys to the app at once, as a terminal hands over a fast burst: none is read
    before the next arrives."""
    for key in keys:
        char = PRINTABLE.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("keys", "value"),
    [
        (["x", "y", "z", "backspace", "a"], "xya"),
        (["x", "y", "z", "backspace", "backspace", "a"], "xa"),
        (["a", "b", "c", "left", "left", "X"], "aXbc"),
        (["a", "b", "c", "home", "X", "end", "Y"], "XabcY"),
        (["a", "b", "c", "left", "delete", "X"], "abX"),
        (["a", "b", "ctrl+a", "ctrl+k", "c"], "c"),
    ],
)
async def test_editing_keys_in_a_burst_act_in_the_order_typed(
    catalog: Catalog, state_path: Path, keys: list[str], value: str
) -> None:
    """An editing key (a binding of the bar's) used to travel up to the app and run there,
    after the letters typed behind it: ``xyz``, backspace, ``a`` showed ``xyz``."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["slash", *keys])
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == value
        assert app.main.filter_text == value


def marked(app: object) -> bool:
    """Whether the filter bar is marked (a call: mypy does not narrow it across key presses)."""
    return bool(app.main._filter_bar.active)  # type: ignore[attr-defined]


async def test_the_bar_is_marked_while_a_filter_is_in_force_without_a_restyle(
    catalog: Catalog, state_path: Path
) -> None:
    """The first letter marks the bar (the accent's background), emptying it unmarks it, and
    neither restyles the bar through the stylesheet (1-4 ms); another theme, its accent."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.main._filter_bar
        await pilot.press("slash")
        await pilot.pause()
        plain = bar.background_colors
        restyled: list[object] = []
        update_styles = app.update_styles

        def noted(node: object, *args: object, **kwargs: object) -> None:
            restyled.append(node)
            update_styles(node, *args, **kwargs)  # type: ignore[arg-type]

        app.update_styles = noted  # type: ignore[method-assign]
        await pilot.press("m")
        await settle(pilot)
        assert marked(app)
        accent = bar.get_component_styles("filter-bar--active").background
        assert bar.styles.background == accent
        assert bar.background_colors != plain
        await pilot.press("backspace")
        await settle(pilot)
        assert not marked(app)
        assert bar.background_colors == plain
        assert bar not in restyled
        app.update_styles = update_styles  # type: ignore[method-assign]
        await pilot.press("m", "enter")
        await settle(pilot)
        assert marked(app)  # the filter stays in force in the list
        app.theme = "dracula" if app.theme != "dracula" else "nord"
        await pilot.pause()
        now = bar.get_component_styles("filter-bar--active").background
        assert now != accent
        assert bar.styles.background == now
        await pilot.press("escape")
        await settle(pilot)
        assert not marked(app)


async def test_the_first_letter_marks_the_bar_with_styles_worked_out_ahead(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the bar has the focus, its marked look is worked out ahead: the first letter of a
    query takes it (nothing forgotten, nothing worked out again) and draws what Input draws
    with the styles worked out afresh; in another theme too."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.main._filter_bar
        forgotten: list[str] = []
        forget = type(bar).forget_styles

        def noted(widget: object) -> None:
            forgotten.append(widget.value)  # type: ignore[attr-defined]
            forget(widget)  # type: ignore[arg-type]

        monkeypatch.setattr(type(bar), "forget_styles", noted)
        for step in ("first", "again", "theme"):
            if step == "theme":
                app.theme = "dracula" if app.theme != "dracula" else "nord"
                await pilot.pause()
            await pilot.press("slash")
            await settle(pilot)
            forgotten.clear()
            await pilot.press("m")
            await settle(pilot)
            assert marked(app) and forgotten == [], step
            bar._cursor_visible = True
            kept = ([(s.text, s.style) for s in bar.render_line(0)], bar.background_colors)
            forget(bar)
            fresh = ([(s.text, s.style) for s in Input.render_line(bar, 0)], bar.background_colors)
            assert kept == fresh, step
            await pilot.press("escape")
            await settle(pilot)
            assert not marked(app)


SEARCH_THREAD = "paperterm-search_0"
"""The search thread's name (the executor numbers its one thread)."""


def searched_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each search of the reader runs on, in order."""
    threads: list[str] = []
    rows = Triage.rows

    def noted(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if needs_search(selection, marks):
            threads.append(threading.current_thread().name)
        return rows(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", noted)
    return threads


def answer(app: object) -> list[int]:
    """The rows of the filter in force, asked of the triage model directly."""
    main = app.main  # type: ignore[attr-defined]
    selection = Selection(main.filter_text, main.view, main.sort)
    return list(main.triage.rows(selection, main.inbox.marks()).indices)


async def test_a_quick_search_runs_with_the_key_the_others_on_the_search_thread(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Words, prefixes and states over a small catalogue whose index is built are searched on
    the UI thread (no hand-over to the search thread and back); an exact term, ``similar:``, a
    big catalogue, an index still being built go to the search thread, as before."""
    catalog.prepare_search()
    app = make_app(catalog, state_path)
    threads = searched_on(monkeypatch)
    ui = threading.current_thread().name
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"^g", "space", *"sma", "space", *"is:unread")
        await settle(pilot)
        assert app.main.filter_text == "^g sma is:unread"
        assert threads and set(threads) == {ui}
        assert list(app.main.paper_list.rows) == answer(app) != []  # "Small Language Models"
        threads.clear()
        await pilot.press("ctrl+u", "apostrophe", "s", "m")
        await settle(pilot)
        assert app.main.filter_text == "'sm"
        assert threads == [ui, SEARCH_THREAD, SEARCH_THREAD]  # "'" alone: nothing to look for
        assert list(app.main.paper_list.rows) == answer(app) != []
        threads.clear()
        monkeypatch.setattr(main_screen, "QUICK_PAPERS", len(catalog) - 1)
        await pilot.press("ctrl+u", "s")
        await settle(pilot)
        assert threads == [SEARCH_THREAD]
        assert list(app.main.paper_list.rows) == answer(app) != []


async def test_a_quick_search_waits_for_no_slow_one(
    catalog: Catalog, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a slow search runs on the search thread (the catalogue runs one at a time), the
    next one goes there too, behind it: on the UI thread it would wait for it, the reader
    frozen. The list then shows the answer of the last key."""
    catalog.prepare_search()
    app = make_app(catalog, state_path)
    threads = searched_on(monkeypatch)
    release = threading.Event()
    rows = Triage.rows

    def slow(triage: Triage, selection: Selection, marks: Marks) -> Rows:
        if selection.query == "'s":  # an exact term: on the search thread
            release.wait(10)
        return rows(triage, selection, marks)

    monkeypatch.setattr(Triage, "rows", slow)
    ui = threading.current_thread().name
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "apostrophe", "s", "backspace", "backspace", "g")
        assert app.main._filter_bar.value == "g"
        assert not release.is_set()  # the reader went on while the search was held
        release.set()
        await settle(pilot)
        await settle(pilot)
        assert threads[-1] == SEARCH_THREAD != ui
        assert app.main.filter_text == "g"
        assert list(app.main.paper_list.rows) == answer(app) != []
        threads.clear()
        await pilot.press("r")
        await settle(pilot)
        assert threads == [ui]


async def test_a_key_typed_is_answered_before_the_bar_reads_another_message(
    catalog: Catalog, state_path: Path
) -> None:
    """The bar tells the screen of an edit typed by a call, not a message: when the bar has
    handled the key (it publishes the key on its message signal then, whichever way the key
    came), the filter is in force and the list shows its answer (a message reached the
    screen two queues later)."""
    catalog.prepare_search()
    app = make_app(catalog, state_path)
    seen: list[tuple[str, str, bool]] = []

    def noted(message: object) -> None:
        if isinstance(message, events.Key):
            main = app.main
            bar = main._filter_bar
            seen.append((bar.value, main.filter_text, list(main.paper_list.rows) == answer(app)))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        bar = app.main._filter_bar
        bar.message_signal.subscribe(bar, noted, immediate=True)
        await pilot.press(*"gra", "backspace", "ctrl+w", *"tea")
        await settle(pilot)
        assert [(value, text) for value, text, _ in seen] == [
            (value, value) for value in ("g", "gr", "gra", "gr", "", "t", "te", "tea")
        ]
        assert all(answered for _, _, answered in seen)


async def test_a_value_set_then_keys_typed_leave_the_filter_as_the_bar_shows_it(
    catalog: Catalog, state_path: Path
) -> None:
    """A value set by the reader (a saved filter, similar:, Escape) still reaches the screen by
    a message; keys typed right behind it, by a call: the message, read last, must not put
    the older value back."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        bar = app.main._filter_bar
        bar.value = "gard"
        for key in "en":  # in the bar's queue behind its Changed, as the app forwards keys
            bar.post_message(events.Key(key, key))
        await settle(pilot)
        await settle(pilot)
        assert bar.value == "garden"
        assert app.main.filter_text == "garden"
        assert list(app.main.paper_list.rows) == answer(app) != []


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_a_filter_wider_than_the_bar_scrolls_as_input_scrolls_it(
    catalog: Catalog, state_path: Path, size: tuple[int, int]
) -> None:
    """Typed past the bar's width, deleted back, the cursor moved home and end: the bar scrolls
    and draws its line as Textual's Input does (the edit path it takes when nobody is called)."""
    steps = [
        ["x"] * 30,
        ["y"] * 100,
        ["home"],
        ["end"],
        ["backspace"] * 50,
        ["ctrl+u"],
        ["z"] * 5,
    ]

    async def typed(fast: bool) -> list[tuple[str, int, str]]:
        app = make_app(catalog, state_path)
        seen: list[tuple[str, int, str]] = []
        async with app.run_test(size=size) as pilot:
            await pilot.press("slash")
            bar = app.main._filter_bar
            if not fast:
                bar._edited = None  # Input's own edits, and its Changed message
            for keys in steps:
                burst(app, keys)
                await settle(pilot)
                await settle(pilot)
                line = "".join(segment.text for segment in bar.render_line(0))
                seen.append((bar.value, bar.scroll_offset.x, line))
                assert app.main.filter_text == bar.value
        return seen

    fast, slow = await typed(True), await typed(False)
    assert fast == slow
    assert fast[1][1] > 0  # it did scroll
    assert fast[-1] == ("zzzzz", 0, fast[-1][2])


async def test_the_cursor_keeps_the_look_of_the_theme_and_the_mark(
    catalog: Catalog, state_path: Path
) -> None:
    """The bar keeps its cursor's style between repaints: another theme, the bar marked or
    unmarked, it is drawn as Input draws it."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.main._filter_bar
        await pilot.press("slash")

        def drawn_as_input(step: str) -> None:
            bar._cursor_visible = True
            ours = [(s.text, s.style) for s in bar.render_line(0)]
            assert ours == [(s.text, s.style) for s in Input.render_line(bar, 0)], step

        for step in ("x", "left", "theme", "backspace", "theme", "y", "theme"):
            if step == "theme":
                app.theme = "dracula" if app.theme != "dracula" else "textual-light"
            else:
                await pilot.press(step)
            await settle(pilot)
            drawn_as_input(f"after {step}")


async def test_a_paste_becomes_one_line_of_the_query_in_order(
    catalog: Catalog, state_path: Path
) -> None:
    """A bracketed paste holding line breaks, a tab and escape sequences, between keys typed in
    the same burst: one line, where the cursor was, its breaks and tab spaces, the escapes
    and other control characters gone (Input kept the first line only, escapes and all)."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "a", "b", "left")
        await settle(pilot)
        app.post_message(
            events.Paste("lottery ticket\r\nhypothesis \x1b[31mred\x1b]0;pwn\x07\tend\n")
        )
        burst(app, ["z"])
        await settle(pilot)
        await settle(pilot)
        bar = app.main._filter_bar
        assert bar.value == "alottery ticket hypothesis red end zb"
        assert bar.cursor_position == len(bar.value) - 1
        assert app.main.filter_text == bar.value
        bar.selection = Span(1, len(bar.value) - 1)  # a paste over a selection replaces it
        app.post_message(events.Paste("\x1b[2Jgraph\x00"))
        await settle(pilot)
        assert bar.value == "agraphb"
        assert app.main.filter_text == "agraphb"


async def test_a_filter_wider_than_the_bar_keeps_its_cursor_in_sight_after_a_resize(
    catalog: Catalog, state_path: Path
) -> None:
    """A query wider than the bar, the terminal made narrower then wider: the cursor (at the
    end) stays in the bar's sight, and the terminal's cursor on it."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        burst(app, ["x"] * 100 + ["y"] * 16)
        await settle(pilot)
        bar = app.main._filter_bar
        for size in [(80, 24), (100, 30), (60, 20), SIZE]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await settle(pilot)
            width = bar.scrollable_content_region.width
            if width > len(bar.value):  # it fits again: shown whole
                assert bar.scroll_offset.x == 0
            seen = bar._cursor_offset - bar.scroll_offset.x
            assert 0 <= seen <= width, size
            line = "".join(segment.text for segment in bar.render_line(0))
            assert line.rstrip().endswith("y" * min(16, width - 1)), size
            assert app.cursor_position == bar.cursor_screen_offset


async def test_a_slash_in_a_burst_is_typed_in_its_place(catalog: Catalog, state_path: Path) -> None:
    """``/`` in the filter is a priority key (the screen's, which types it in there): it runs
    when the app reads it, while the keys before it may still wait in the bar's queue; it went
    in ahead of them ("g/raph neura" for "graph neural/x" and two backspaces, typed at once)."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        burst(app, [*"graph", "space", *"neural", "slash", "x", "backspace", "backspace"])
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == "graph neural"
        assert app.main.filter_text == "graph neural"
        burst(app, ["slash", "slash", "a", "left", "slash"])
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == "graph neural///a"


async def test_escape_in_a_burst_clears_the_keys_typed_before_it(
    catalog: Catalog, state_path: Path
) -> None:
    """Escape is a priority key (the screen's): it runs when the app reads it, while keys typed
    before it may still wait in the bar's queue; they were typed in after it ("gra")."""
    app = make_app(catalog, state_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await settle(pilot)
        burst(app, ["g", "r", "a", "escape", "j"])
        await settle(pilot)
        await settle(pilot)
        assert app.main._filter_bar.value == ""
        assert app.main.filter_text == ""
        assert app.focused is app.main.paper_list
        # j, typed after Escape, went to the list, not the filter
