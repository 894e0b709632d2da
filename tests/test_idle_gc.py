"""Python's cycle collector runs between keys (paperterm.ui.idle_gc) and is given back after."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperterm.catalog import Catalog
from paperterm.state import StateStore
from paperterm.ui import idle_gc
from paperterm.ui.app import PapertermApp
from paperterm.ui.idle_gc import IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, Clock]]:
    clock = Clock()
    collector = IdleCollector(clock)
    was_enabled = gc.isenabled()
    try:
        yield collector, clock
    finally:
        collector.stop()
        assert gc.isenabled() == was_enabled
        assert gc.get_freeze_count() == 0


def cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def make_objects(count: int) -> list[list[object]]:
    """``count`` new objects the collector tracks (kept: a freed one is counted off again)."""
    return [[] for _ in range(count)]


def test_the_collector_is_off_while_it_runs_and_as_it_was_after(
    collector: tuple[IdleCollector, Clock],
) -> None:
    idle, _ = collector
    assert gc.isenabled()
    idle.start()
    assert not gc.isenabled()
    idle.stop()
    assert gc.isenabled()


def test_a_cycle_is_collected_between_keys_not_while_they_come(
    collector: tuple[IdleCollector, Clock],
) -> None:
    idle, clock = collector
    idle.start()
    gc.collect()
    garbage = cycle()
    idle.touched()
    made = make_objects(5 * idle_gc.YOUNG)  # Python alone would have collected by now
    assert garbage() is not None
    clock.now += idle_gc.QUIET / 2
    assert idle.tick() is None  # the user is typing
    assert garbage() is not None
    clock.now += idle_gc.QUIET
    assert idle.tick() == 1  # between two keys: the young objects
    assert garbage() is None
    assert idle.tick() is None  # nothing made since
    assert len(made) == 5 * idle_gc.YOUNG


def test_the_first_pause_puts_the_objects_alive_aside(
    collector: tuple[IdleCollector, Clock],
) -> None:
    idle, clock = collector
    idle.start()
    at_start = gc.get_freeze_count()
    kept = [Node() for _ in range(10)]
    garbage = cycle()
    idle.touched()
    clock.now += idle_gc.PAUSE
    assert gc.get_freeze_count() == at_start
    assert idle.tick() == 1  # the young ones collected, not every object
    assert garbage() is None
    assert gc.get_freeze_count() >= at_start + len(kept)  # long-lived: later ones skip them
    assert idle.tick() is None  # once
    idle.settle()  # the search index was made, say
    assert idle.tick() == 1


def test_the_objects_alive_at_the_start_are_put_aside_at_once(
    collector: tuple[IdleCollector, Clock],
) -> None:
    # A catalogue loaded with the collector held is young: no young collection walks it.
    gc.collect()
    loaded = [[object()] for _ in range(5000)]
    assert gc.get_freeze_count() == 0
    idle, _ = collector
    idle.start()
    assert gc.get_freeze_count() >= len(loaded)
    young = {id(item) for generation in range(3) for item in gc.get_objects(generation)}
    assert not any(id(item) in young for item in loaded)
    idle.stop()
    assert gc.get_freeze_count() == 0  # given back


def test_a_pause_after_many_young_collections_collects_everything(
    collector: tuple[IdleCollector, Clock],
) -> None:
    idle, clock = collector
    idle.start()
    clock.now += idle_gc.PAUSE
    assert idle.tick() == 1  # the objects alive put aside
    made = []
    for _ in range(idle_gc.YOUNG_BEFORE_FULL):
        idle.touched()
        made.append(make_objects(idle_gc.YOUNG + 100))
        clock.now += 2 * idle_gc.QUIET
        assert idle.tick() == 1
    idle.touched()
    clock.now += 2 * idle_gc.QUIET
    assert idle.tick() is None  # nothing made since
    clock.now += idle_gc.PAUSE
    assert idle.tick() == 2
    assert idle.tick() is None
    assert len(made) == idle_gc.YOUNG_BEFORE_FULL


def test_too_many_objects_are_collected_even_while_keys_come(
    collector: tuple[IdleCollector, Clock],
) -> None:
    idle, _ = collector
    idle.start()
    gc.collect()
    garbage = cycle()
    idle.touched()
    made = make_objects(idle_gc.TOO_MANY + 1000)
    assert idle.tick() == 2
    assert len(made) > idle_gc.TOO_MANY
    assert garbage() is None


async def test_the_reader_collects_between_keys_and_gives_the_collector_back(
    catalog: Catalog, tmp_path: Path
) -> None:
    assert gc.isenabled()
    app = PapertermApp(catalog, StateStore.open(tmp_path / "state.json"))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not gc.isenabled()
        assert app.main._collector.running
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_catalogue_set_aside_before_the_reader_is_given_back_when_it_stops(
    collector: tuple[IdleCollector, Clock],
) -> None:
    gc.collect()
    loaded = [[object()] for _ in range(5000)]
    idle_gc.set_aside_loaded()
    try:
        # Out of the automatic collector's sight until the reader's collector takes over.
        assert gc.get_freeze_count() >= len(loaded)
        assert not any(id(item) in {id(o) for o in gc.get_objects()} for item in loaded[:50])
        idle, _ = collector
        idle.start()
        idle.stop()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()  # a failure above must not leave the rest of the run frozen
