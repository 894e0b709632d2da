"""KnownSets: a set's value kept, or worked out from a near kept set; always the derived value."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.idsets import NEAR, KnownSets, Snapshots, _origin
from paperterm.state import StateStore

IDS = [f"{n:012d}" for n in range(400)]
POSITION = {pid: n for n, pid in enumerate(IDS[:300])}  # the last 100 ids are not loaded


class Counting:
    def __init__(self) -> None:
        self.derived = 0
        self.updated = 0

    def derive(self, ids: Collection[str]) -> frozenset[int]:
        self.derived += 1
        return frozenset(POSITION[pid] for pid in ids if pid in POSITION)

    def update(
        self, value: frozenset[int], added: frozenset[str], removed: frozenset[str]
    ) -> frozenset[int]:
        self.updated += 1
        lost = {POSITION[pid] for pid in removed if pid in POSITION}
        return (value | {POSITION[pid] for pid in added if pid in POSITION}) - lost


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.sampled_from(IDS)),
    st.lists(
        st.tuples(st.sets(st.sampled_from(IDS), max_size=80), st.booleans(), st.booleans()),
        max_size=12,
    ),
)
def test_every_value_is_the_derived_one(
    first: set[str], steps: list[tuple[set[str], bool, bool]]
) -> None:
    """Sets made by adding and removing ids (few or many), or met again, all get the value
    their own ids give."""
    counting = Counting()
    known = KnownSets(counting.derive, counting.update, size=3)
    made = [frozenset(first)]
    for change, add, again in steps:
        if again:
            ids = made[len(change) % len(made)]  # a set met before, maybe no longer kept
        else:
            ids = made[-1] | change if add else made[-1] - change
            made.append(ids)
        assert known(ids) == frozenset(POSITION[pid] for pid in ids if pid in POSITION)


def test_one_mark_more_is_one_lookup_not_all() -> None:
    counting = Counting()
    known = KnownSets(counting.derive, counting.update)
    read = frozenset(IDS[:250])
    known(read)
    assert (counting.derived, counting.updated) == (1, 0)
    more = read | {IDS[260]}
    assert known(more) == frozenset(range(250)) | {260}
    assert (counting.derived, counting.updated) == (1, 1)
    assert known(read) == frozenset(range(250))  # kept: neither derived nor updated
    assert (counting.derived, counting.updated) == (1, 1)


def test_a_far_set_is_derived_afresh() -> None:
    counting = Counting()
    known = KnownSets(counting.derive, counting.update)
    known(frozenset(IDS[:200]))
    far = frozenset(IDS[: 200 - NEAR - 1]) | frozenset(IDS[300 : 300 + NEAR])
    assert known(far) == frozenset(range(200 - NEAR - 1))
    assert counting.derived == 2


def test_an_equal_set_of_another_identity_is_kept_apart() -> None:
    """A new set with the same ids (a reused id() must never match a different set)."""
    counting = Counting()
    known = KnownSets(counting.derive, counting.update, size=1)
    one = frozenset(IDS[:10])
    known(one)
    other = frozenset(list(IDS[:9]))
    assert known(other) == frozenset(range(9))
    assert known(frozenset(list(IDS[:10]))) == frozenset(range(10))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("add"), st.sets(st.sampled_from(IDS), max_size=5)),
            st.tuples(st.just("remove"), st.sets(st.sampled_from(IDS), max_size=5)),
            st.tuples(st.just("replace"), st.sets(st.sampled_from(IDS), max_size=300)),
            st.tuples(st.just("copy"), st.just(set())),
        ),
        max_size=30,
    )
)
def test_copies_of_a_changing_set_get_the_values_of_their_ids(
    steps: list[tuple[str, set[str]]],
) -> None:
    """As the state store uses them: changes in a few ids (noted), wholesale changes (unknown),
    copies taken now and then; every copy's value is what its ids give."""
    counting = Counting()
    known = KnownSets(counting.derive, counting.update, size=2)
    members: set[str] = set(IDS[:100])
    copies = Snapshots()
    for action, ids in steps:
        if action == "add":
            members |= ids
            copies.changed(ids)
        elif action == "remove":
            members -= ids
            copies.changed(ids)
        elif action == "replace":
            members = set(ids)
            copies.changed()
        copy = copies.of(members)
        assert copy == members
        assert known(copy) == frozenset(POSITION[pid] for pid in copy if pid in POSITION)


def test_a_copy_notes_the_copy_before_it_and_the_ids_changed_since() -> None:
    members = set(IDS[:100])
    copies = Snapshots()
    first = copies.of(members)
    assert copies.of(members) is first  # no change, no new copy
    members.add(IDS[200])
    copies.changed([IDS[200]])
    members.discard(IDS[3])
    copies.changed([IDS[3]])
    second = copies.of(members)
    assert _origin(second) == (first, frozenset({IDS[200], IDS[3]}))
    members.clear()
    copies.changed()
    assert _origin(copies.of(members)) is None  # changed anywhere: nothing to note


def test_the_store_says_what_a_mark_changed(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path / "state.json")
    store.set_read([IDS[0]], True)
    before = store.read_ids
    store.set_read([IDS[1]], True)
    after = store.read_ids
    assert after == {IDS[0], IDS[1]}
    assert _origin(after) == (before, frozenset({IDS[1]}))
