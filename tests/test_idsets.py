"""KnownSets: a set's value kept, or worked out from a near kept set; always the derived value."""

from __future__ import annotations

from collections.abc import Collection

from hypothesis import given, settings
from hypothesis import strategies as st

from paperterm.search.idsets import NEAR, KnownSets

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
