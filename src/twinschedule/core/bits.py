"""Bit-sliced counters: one small counter per bit position of a big integer.

A counter set is a list of *planes*: plane ``j`` holds bit ``j`` of every position's
count, so adding 1 at every set bit of a mask, or finding the positions whose count
equals a value, costs a few big-integer operations per plane (C speed) instead of a
loop over positions. The planner counts held and moved meetings of all start times of
a rule family this way; partner matching counts bounds the same way.
"""

from __future__ import annotations

from twinschedule._units import GridMask


def add(planes: list[GridMask], mask: GridMask) -> None:
    """Add 1 to the counters of every bit set in ``mask`` (in place)."""
    carry = mask
    for j, plane in enumerate(planes):
        if not carry:
            return
        planes[j] = plane ^ carry
        carry &= plane
    if carry:
        planes.append(carry)


def equal(planes: list[GridMask], value: int, universe: GridMask) -> GridMask:
    """The bits of ``universe`` whose counter equals ``value``."""
    if value >> len(planes):
        return 0
    m = universe
    for j, plane in enumerate(planes):
        m &= plane if (value >> j) & 1 else ~plane
        if not m:
            break
    return m
