"""Bit-sliced counters: one small counter per bit position of a big integer; and the
positions of a mask's set bits.

A counter set is a list of *planes*: plane ``j`` holds bit ``j`` of every position's
count, so adding 1 at every set bit of a mask, or finding the positions whose count
equals a value, costs a few big-integer operations per plane (C speed) instead of a
loop over positions. The planner counts held and moved meetings of all start times of
a rule family this way; partner matching counts bounds the same way; network planning
counts the schools attending every candidate, each group with its number of schools
as the weight (:func:`add_weighted`, :func:`counts`).
"""

from __future__ import annotations

from twinschedule._units import GridMask


def positions(mask: GridMask) -> list[int]:
    """The positions of the set bits of ``mask``, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


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


def add_weighted(planes: list[GridMask], mask: GridMask, weight: int) -> None:
    """Add ``weight`` to the counters of every bit set in ``mask`` (in place): ``mask``
    added at plane ``j`` for every bit ``j`` of ``weight``."""
    j = 0
    while weight:
        if weight & 1:
            while len(planes) < j:
                planes.append(0)
            carry = mask
            i = j
            while carry:
                if i == len(planes):
                    planes.append(carry)
                    break
                plane = planes[i]
                planes[i] = plane ^ carry
                carry &= plane
                i += 1
        weight >>= 1
        j += 1


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


def counts(planes: list[GridMask], size: int) -> list[int]:
    """The counters of positions ``0 .. size - 1``."""
    out = [0] * size
    for j, plane in enumerate(planes):
        value = 1 << j
        for pos in positions(plane):
            out[pos] += value
    return out


def at_most(planes: list[GridMask], value: int, universe: GridMask) -> GridMask:
    """The bits of ``universe`` whose counter is at most ``value`` (compared from the
    highest plane down, as a bit-sliced comparison with a constant)."""
    if value < 0:
        return 0
    if value >> len(planes):
        return universe
    less = 0
    equal = universe
    for j in range(len(planes) - 1, -1, -1):
        if (value >> j) & 1:
            less |= equal & ~planes[j]
            equal &= planes[j]
        else:
            equal &= ~planes[j]
    return (less | equal) & universe


def value(planes: list[GridMask], k: int) -> int:
    """The counter of bit position ``k``."""
    return sum(((plane >> k) & 1) << j for j, plane in enumerate(planes))


def plus(a: list[GridMask], b: list[GridMask]) -> list[GridMask]:
    """The counters of ``a`` and ``b`` added position by position (a ripple-carry adder
    on the planes)."""
    out: list[GridMask] = []
    carry = 0
    for j in range(max(len(a), len(b))):
        x = a[j] if j < len(a) else 0
        y = b[j] if j < len(b) else 0
        out.append(x ^ y ^ carry)
        carry = (x & y) | (carry & (x ^ y))
    if carry:
        out.append(carry)
    return out
