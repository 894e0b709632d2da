"""Merging by change time: per field, the later change wins, whatever the clocks say."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.state import StateStore
from paperterm.state.record import TIMED, Entry, merge, merge_entry

times = st.one_of(st.none(), st.integers(0, 50).map(float))
values = {
    "read": st.booleans(),
    "starred": st.booleans(),
    "note": st.text(max_size=3),
    "arxiv": st.sampled_from(["1803.03635", "none", "2401.00001"]),
    "queued": st.integers(0, 5).map(float),
}
tag_maps = st.dictionaries(
    st.sampled_from(["rl", "nlp", "cv", "RL"]),
    st.tuples(st.booleans(), st.integers(0, 6).map(float)).map(list),
    max_size=3,
)


@st.composite
def entries(draw: st.DrawFn) -> dict[str, object]:
    entry: dict[str, object] = {}
    for field, at in TIMED:
        if draw(st.booleans()):
            entry[field] = draw(values[field])
        changed = draw(times)
        if changed is not None:
            entry[at] = changed
    tags = draw(tag_maps)
    if tags:
        entry["tags"] = tags
    if draw(st.booleans()):
        entry["bibkey"] = draw(st.sampled_from(["k1", "k2"]))
    return entry


states = st.dictionaries(st.sampled_from("abcd"), entries(), max_size=4)


@settings(deadline=None)  # a shared CI machine can pause any example past the default 200 ms
@given(entries(), entries())
def test_each_field_comes_from_the_side_that_changed_it_last(
    mine: dict[str, object], theirs: dict[str, object]
) -> None:
    merged = merge_entry(mine, theirs)
    for field, at in TIMED:
        mine_at, theirs_at = mine.get(at), theirs.get(at)
        if mine_at == theirs_at:
            assert merged.get(field) in (mine.get(field), theirs.get(field))
            continue
        mine_wins = mine_at is not None and (theirs_at is None or mine_at > theirs_at)  # type: ignore[operator]
        winner = mine if mine_wins else theirs
        assert merged.get(field) == winner.get(field)
        assert merged.get(at) == winner.get(at)
    both = [key for key in (mine.get("bibkey"), theirs.get("bibkey")) if key is not None]
    assert merged.get("bibkey") == (min(both) if both else None)  # type: ignore[type-var]
    assert merge_entry(merged, theirs) == merged  # merging again changes nothing
    assert merge_entry(mine, merged) == merged


@settings(deadline=None)
@given(entries(), entries())
def test_each_tag_comes_from_the_side_that_changed_it_last(
    mine: dict[str, object], theirs: dict[str, object]
) -> None:
    merged_tags = merge_entry(mine, theirs).get("tags", {})
    ours, other = mine.get("tags", {}), theirs.get("tags", {})
    assert isinstance(merged_tags, dict) and isinstance(ours, dict) and isinstance(other, dict)
    assert merged_tags.keys() == ours.keys() | other.keys()  # a removal is remembered too
    for name, (present, at) in merged_tags.items():
        sides = [side[name] for side in (ours, other) if name in side]
        assert at == max(side[1] for side in sides)
        assert present == any(side[0] for side in sides if side[1] == at)


@settings(deadline=None)
@given(states, states)
def test_merging_is_commutative(a: dict[str, Entry], b: dict[str, Entry]) -> None:
    assert merge(a, b) == merge(b, a)


@settings(deadline=None)
@given(states, states, states)
def test_merging_is_associative(
    a: dict[str, Entry], b: dict[str, Entry], c: dict[str, Entry]
) -> None:
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@settings(deadline=None)
@given(states, states)
def test_merging_is_idempotent(a: dict[str, Entry], b: dict[str, Entry]) -> None:
    assert merge(a, a) == a
    once = merge(a, b)
    assert merge(once, b) == once and merge(a, once) == once


@settings(deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcd"), entries()),
    st.dictionaries(st.sampled_from("cdef"), entries()),
)
def test_no_paper_is_ever_dropped(
    mine: dict[str, dict[str, object]], theirs: dict[str, dict[str, object]]
) -> None:
    assert merge(mine, theirs).keys() == mine.keys() | theirs.keys()


class SkewedClock:
    """A clock that jumps around (even backwards), like clocks of different machines."""

    def __init__(self, readings: list[float]) -> None:
        self.readings = readings
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return self.readings[self.calls % len(self.readings)]


operations = st.lists(
    st.tuples(
        st.integers(0, 2),  # which store
        st.sampled_from(["read", "starred", "reload"]),
        st.sets(st.sampled_from(["p1", "p2", "p3", "p4"]), min_size=1, max_size=3),
        st.booleans(),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(
    operations,
    st.lists(st.lists(st.floats(0, 100), min_size=1, max_size=4), min_size=3, max_size=3),
)
def test_three_stores_with_skewed_clocks_end_with_the_last_change_of_each_field(
    ops: list[tuple[int, str, set[str], bool]], readings: list[list[float]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.json"
        stores = [StateStore.open(path, clock=SkewedClock(r)) for r in readings]
        expected: dict[tuple[str, str], bool] = {}
        for which, kind, ids, value in ops:
            store = stores[which]
            if kind == "reload":
                store.reload()
                continue
            if kind == "read":
                store.set_read(sorted(ids), value)
            else:
                store.set_starred(sorted(ids), value)
            expected.update({(pid, kind): value for pid in ids})
        final = StateStore.open(path)
        for (pid, kind), value in expected.items():
            assert (final.is_read(pid) if kind == "read" else final.is_starred(pid)) == value
        assert final.notices == []
