"""Bit-sliced counters (``core.bits``), shared by the planner, network planning and
partner matching: against plain per-position counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twinschedule.core.bits import add, add_weighted, counts, equal, positions

WIDTH = 12
masks = st.integers(0, (1 << WIDTH) - 1)


def test_weighted_counts() -> None:
    planes: list[int] = []
    add_weighted(planes, 0b0010, 4)  # the first addition has a weight without its lowest bit
    assert counts(planes, 4) == [0, 4, 0, 0]
    planes = []
    add_weighted(planes, 0b1011, 3)
    add_weighted(planes, 0b0110, 5)
    add_weighted(planes, 0b0001, 1)
    assert counts(planes, 4) == [4, 8, 5, 3]


@given(st.lists(st.tuples(masks, st.integers(0, 40)), max_size=12))
def test_counters_equal_plain_counts(additions: list[tuple[int, int]]) -> None:
    plain = [0] * WIDTH
    weighted: list[int] = []
    ones: list[int] = []
    for mask, weight in additions:
        for i in positions(mask):
            plain[i] += weight
        add_weighted(weighted, mask, weight)
        for _ in range(weight):
            add(ones, mask)
    assert counts(weighted, WIDTH) == plain
    assert counts(ones, WIDTH) == plain
    for value in set(plain) | {0, 1, 99}:
        want = sum(1 << i for i, n in enumerate(plain) if n == value)
        assert equal(weighted, value, (1 << WIDTH) - 1) == want


@given(masks)
def test_positions_are_the_set_bits_lowest_first(mask: int) -> None:
    assert positions(mask) == [i for i in range(WIDTH) if (mask >> i) & 1]
