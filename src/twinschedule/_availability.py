"""Bulk availability: each school's valid meeting starts as UTC minute intervals, and
bit masks of an anchor zone's start-time grid, one integer per anchor date.

Everything here is integer minutes since the Unix epoch (UTC) or wall-clock minutes;
no datetime objects in the loops. It computes the same answers as
``SchoolCalendar.conflicts`` for every start on the grid (the tests check this).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import _zones
from ._vocab import WEEKDAYS
from .calendar import SchoolCalendar

Intervals = list[tuple[int, int]]  # sorted, disjoint, inclusive [a, b] of UTC minutes


def local_days(tl: _zones.Timeline, first: int, last: int) -> Iterator[tuple[int, int, int, int]]:
    """Split UTC minutes ``[first, last)`` into ``(u0, u1, day, offset)`` pieces in which
    the offset is constant and the local wall date is ``day`` (days since the epoch)."""
    cuts = [first, *tl.changes_between(first, last), last]
    for lo, hi in itertools.pairwise(cuts):
        if lo >= hi:
            continue
        off = tl.offset(lo)
        u = lo
        while u < hi:
            day = (u + off) // 1440
            nxt = min(hi, (day + 1) * 1440 - off)
            yield u, nxt, day, off
            u = nxt


def merge(intervals: Intervals) -> Intervals:
    """Sort and merge overlapping or touching inclusive intervals."""
    out: Intervals = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + 1:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect(x: Intervals, y: Intervals) -> Intervals:
    out: Intervals = []
    i = j = 0
    while i < len(x) and j < len(y):
        a = max(x[i][0], y[j][0])
        b = min(x[i][1], y[j][1])
        if a <= b:
            out.append((a, b))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(x: Intervals, y: Intervals) -> Intervals:
    out: Intervals = []
    j = 0
    for a, b in x:
        cur = a
        while j < len(y) and y[j][1] < cur:
            j += 1
        k = j
        while k < len(y) and y[k][0] <= b:
            if y[k][0] > cur:
                out.append((cur, y[k][0] - 1))
            cur = max(cur, y[k][1] + 1)
            k += 1
        if cur <= b:
            out.append((cur, b))
    return out


@dataclass(slots=True)
class SchoolAvailability:
    """One school's valid starts (and, for diagnostics, each failed condition) in UTC."""

    cal: SchoolCalendar
    tl: _zones.Timeline
    first: int
    last: int
    valid: Intervals
    by_reason: dict[str, Intervals] = field(default_factory=dict)



def _fit(tl: _zones.Timeline, u0: int, u1: int, day: int, off: int, a: int, b: int,
         duration: int) -> Intervals:
    """Starts s in [u0, u1) (local date ``day``, offset ``off``) whose wall-clock start is
    at least ``a`` and whose wall-clock end, counted from the day's midnight, is at most
    ``b`` minutes."""
    ml = day * 1440
    lo = max(u0, ml + a - off)
    if lo >= u1:
        return []
    if not tl.changes_between(lo + duration - 1, u1 + duration):  # the usual day
        hi = min(u1 - 1, ml + b - duration - off)
        return [(lo, hi)] if hi >= lo else []
    out: Intervals = []
    # The end s + duration crosses offset changes at T - duration.
    cuts = [lo, *(t - duration for t in tl.changes_between(lo + duration, u1 + duration)), u1]
    for p, q in itertools.pairwise(cuts):
        if p >= q:
            continue
        o2 = tl.offset(p + duration)
        hi = min(q - 1, ml + b - duration - o2)
        if hi >= p:
            out.append((p, hi))
    return out


def school_availability(cal: SchoolCalendar, *, with_reasons: bool = False) -> SchoolAvailability:
    """The valid start minutes of a school over its calendar's local dates."""
    first_day = _zones.day_number(cal.first)
    last_day = _zones.day_number(cal.last)
    tl = _zones.timeline_for_dates(cal.zone, cal.first, cal.last)
    # UTC range whose local dates may fall in [first_day, last_day]: offsets are < 26 h.
    first = first_day * 1440 - 26 * 60
    last = (last_day + 1) * 1440 + 26 * 60
    duration = cal.duration
    fit: Intervals = []
    openv: Intervals = []
    day_fail: dict[str, Intervals] = {}
    day_cache: dict[int, list[tuple[str, str]]] = {}
    for u0, u1, day, off in local_days(tl, first, last):
        if day < first_day or day > last_day:
            continue
        d = _zones.from_day_number(day)
        conflicts = day_cache.get(day)
        if conflicts is None:
            conflicts = day_cache[day] = cal.day_conflicts(d)
        if not conflicts:
            openv.append((u0, u1 - 1))
        elif with_reasons:
            for code, _ in conflicts:
                day_fail.setdefault(code, []).append((u0, u1 - 1))
        if conflicts and not with_reasons:
            continue
        for w in cal.school.windows_on(WEEKDAYS[d.weekday()]):
            fit.extend(_fit(tl, u0, u1, day, off, w.start, w.end, duration))
    fit = merge(fit)
    busy = merge([(_zones.to_minutes(bs) - duration + 1, -(-int((be - _zones.EPOCH)
                   .total_seconds()) // 60) - 1) for bs, be, _ in cal.busy])
    valid = subtract(intersect(fit, merge(openv)), busy)
    av = SchoolAvailability(cal=cal, tl=tl, first=first, last=last, valid=valid)
    if with_reasons:
        av.by_reason = {code: merge(iv) for code, iv in day_fail.items()}
        av.by_reason["outside-hours"] = subtract([(first, last)], fit)
        av.by_reason["busy"] = busy
    return av


@dataclass(frozen=True, slots=True)
class AnchorDay:
    """An anchor date's start-time grid: ``pieces`` of ``(k_lo, k_hi, c)`` with start
    ``s = c + k * step`` for ``k_lo <= k <= k_hi``; ``bad`` the mask of grid times that
    do not exist, exist twice or whose meeting spans an offset change of the anchor."""

    day: int
    pieces: tuple[tuple[int, int, int], ...]
    bad: int

    def start(self, k: int, step: int) -> int:
        for lo, hi, c in self.pieces:
            if lo <= k <= hi:
                return c + k * step
        raise KeyError(k)


def anchor_days(tl: _zones.Timeline, first_day: int, last_day: int, step: int,
                duration: int) -> list[AnchorDay]:
    """The grid of every anchor date ``first_day..last_day``."""
    n = 1440 // step
    full = (1 << n) - 1
    covered: dict[int, list[tuple[int, int, int]]] = {}
    for u0, u1, day, off in local_days(tl, first_day * 1440 - 26 * 60,
                                       (last_day + 1) * 1440 + 26 * 60):
        if day < first_day or day > last_day:
            continue
        ml = day * 1440
        w0, w1 = u0 + off - ml, u1 + off - ml  # wall minutes covered: [w0, w1)
        k_lo = -(-w0 // step)
        k_hi = (w1 - 1) // step
        if k_lo <= k_hi:
            covered.setdefault(day, []).append((k_lo, k_hi, ml - off))
    out: list[AnchorDay] = []
    for day in range(first_day, last_day + 1):
        pieces = sorted(covered.get(day, []))
        seen = 0
        twice = 0
        for lo, hi, _ in pieces:
            m = ((1 << (hi + 1)) - (1 << lo))
            twice |= seen & m
            seen |= m
        bad = (full & ~seen) | twice
        clean: list[tuple[int, int, int]] = []
        for lo, hi, c in pieces:
            # Meetings whose [s, s + duration) strictly contains an offset change.
            for t in tl.changes_between(c + lo * step - duration, c + hi * step + duration):
                k_from = max(lo, (t - duration - c) // step + 1)
                k_to = min(hi, -(-(t - c) // step) - 1)
                if k_from <= k_to:
                    bad |= (1 << (k_to + 1)) - (1 << k_from)
            clean.append((lo, hi, c))
        out.append(AnchorDay(day=day, pieces=tuple(clean), bad=bad & full))
    return out


class CombinedGrid:
    """The starts valid for every school, on the UTC grid of one phase (UTC minutes
    ``phase + n * step``), as a string of ``'0'``/``'1'`` indexed by ``n - base``.

    Built once per phase with C-speed string and integer operations, and shared by
    every anchor: an anchor date's mask is a slice of it.
    """

    def __init__(self, valid: list[Intervals], phase: int, step: int, lo: int, hi: int) -> None:
        self.phase = phase
        self.step = step
        self.base = (lo - phase) // step
        size = (hi - phase) // step - self.base + 1
        acc = -1
        for intervals in valid:
            parts: list[str] = []
            pos = 0
            for a, b in intervals:
                ia = max(pos, -((phase - a) // step) - self.base)
                ib = min(size - 1, (b - phase) // step - self.base)
                if ia > ib:
                    continue
                parts.append("0" * (ia - pos))
                parts.append("1" * (ib - ia + 1))
                pos = ib + 1
            parts.append("0" * (size - pos))
            acc &= int("".join(parts)[::-1], 2)
            if not acc:
                break
        self.size = size
        self.value = acc & ((1 << size) - 1)  # bit i: grid index base + i
        self.bits = format(self.value, "b").zfill(size)[::-1]

    def index(self, first: int) -> int:
        """The position in this grid of UTC minute ``first`` (same phase)."""
        return (first - self.phase) // self.step - self.base

    def mask(self, first: int, count: int) -> int:
        """Bits for the ``count`` grid starts from UTC minute ``first`` (same phase)."""
        n0 = self.index(first)
        if n0 < 0 or n0 + count > self.size:
            return 0  # outside the span every school covers: no school is open there
        return int(self.bits[n0:n0 + count][::-1], 2)


def selection(days: list[tuple[AnchorDay, int]], step: int, lo: int, hi: int
              ) -> dict[int, dict[int, int]]:
    """Big-integer selections of anchor dates' grid starts: for each phase and weight,
    the bits (positions as in ``CombinedGrid``) of the dates given with that weight.
    ``(grid.value & selection).bit_count()`` then counts a condition over all those
    dates at C speed."""
    chars: dict[tuple[int, int], bytearray] = {}
    sizes: dict[int, tuple[int, int]] = {}
    for day, weight in days:
        for k_lo, k_hi, c in day.pieces:
            first = c + k_lo * step
            phase = first % step
            if phase not in sizes:
                base = (lo - phase) // step
                sizes[phase] = (base, (hi - phase) // step - base + 1)
            base, size = sizes[phase]
            buf = chars.get((phase, weight))
            if buf is None:
                buf = chars[(phase, weight)] = bytearray(b"0" * size)
            n0 = (first - phase) // step - base
            n1 = min(size, n0 + k_hi - k_lo + 1)
            n0 = max(0, n0)
            if n0 < n1:
                buf[n0:n1] = b"1" * (n1 - n0)
    out: dict[int, dict[int, int]] = {}
    for (phase, weight), buf in chars.items():
        out.setdefault(phase, {})[weight] = int(bytes(buf[::-1]), 2)
    return out


def partnership_masks(avs: list[SchoolAvailability], days: list[AnchorDay], step: int,
                      grids: dict[int, CombinedGrid]) -> list[int]:
    """For every anchor date, the mask of grid times valid for every school (before the
    anchor's own exclusions). ``grids`` caches the combined grid of each phase; share
    it between the anchors of one search."""
    valid = [av.valid for av in avs]
    lo = max(av.first for av in avs)
    hi = min(av.last for av in avs)
    out = []
    for day in days:
        m = 0
        for k_lo, k_hi, c in day.pieces:
            first = c + k_lo * step
            phase = first % step
            grid = grids.get(phase)
            if grid is None:
                grid = grids[phase] = CombinedGrid(valid, phase, step, lo, hi)
            m |= grid.mask(first, k_hi - k_lo + 1) << k_lo
        out.append(m)
    return out
