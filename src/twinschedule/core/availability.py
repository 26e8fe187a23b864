"""Bulk availability: each school's valid meeting starts as UTC minute intervals, and
bit masks of an anchor zone's start-time grid, one integer per anchor date.

Everything here is integer minutes (see ``_units``: :data:`UtcMinute`,
:data:`WallMinute`, :data:`DayNumber`, :data:`GridMask`); no datetime objects in the
loops. It computes the same answers as ``SchoolCalendar.conflicts`` for every start on
the grid (the tests check this).

What is where:

- :func:`local_days` cuts a UTC range into :data:`LocalSpan` pieces of constant
  offset and one local date; :func:`window_span` places a wall-clock window on one.
- :func:`school_availability` gives a school's valid starts (:class:`SchoolAvailability`).
- :func:`anchor_days` gives the anchor's start-time grid of each date
  (:class:`AnchorDay`, made of :data:`Piece` s, one or two per date).
- :class:`Grid` is the UTC grid of one phase; :class:`GridStarts` reads a set of UTC
  starts on the grids of every phase and gives an anchor date's :data:`GridMask`;
  :func:`selection` marks anchor dates' grid times on those grids (diagnostics).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from twinschedule._tz import zones as _zones
from twinschedule._units import (
    CALENDAR_MARGIN_DAYS,
    MINUTES_PER_DAY,
    OFFSET_SPREAD,
    TIMELINE_MARGIN_DAYS,
    DayNumber,
    GridMask,
    UtcMinute,
    weekday_of_day,
)
from twinschedule._vocab import WEEKDAYS, Reason
from twinschedule.core.calendar import DayConflict, SchoolCalendar
from twinschedule.model import Window

Interval = tuple[UtcMinute, UtcMinute]  # inclusive [a, b]

Intervals = list[Interval]  # sorted, disjoint


#: ``(start, end, day, offset)``: UTC minutes ``[start, end)`` with one UTC ``offset``
#: and one local date ``day``. (Plain tuples, unpacked by name where used: they are
#: made for every day of every school, and a NamedTuple costs 50% more to make here.)
#: Wall minute ``w`` of ``day`` is UTC minute ``day * MINUTES_PER_DAY - offset + w``.
LocalSpan = tuple[UtcMinute, UtcMinute, DayNumber, int]


def utc_range(first_day: DayNumber, last_day: DayNumber) -> Interval:
    """UTC minutes that hold every instant whose local date, in any zone, lies in
    ``first_day..last_day`` (see ``_units.OFFSET_SPREAD``)."""
    return (first_day * MINUTES_PER_DAY - OFFSET_SPREAD,
            (last_day + 1) * MINUTES_PER_DAY + OFFSET_SPREAD)


def local_days(tl: _zones.Timeline, first: UtcMinute, last: UtcMinute) -> Iterator[LocalSpan]:
    """Split UTC minutes ``[first, last)`` into pieces in which the offset is constant and
    the local wall date is one day."""
    cuts = [first, *tl.changes_between(first, last), last]
    for lo, hi in itertools.pairwise(cuts):
        if lo >= hi:
            continue
        off = tl.offset(lo)
        u = lo
        while u < hi:
            day = (u + off) // MINUTES_PER_DAY
            nxt = min(hi, (day + 1) * MINUTES_PER_DAY - off)
            yield u, nxt, day, off
            u = nxt


def window_span(span: LocalSpan, window: Window) -> Interval:
    """``(lo, end)``: ``lo`` the first UTC minute of ``span`` at or after the window's
    wall-clock start, ``end`` the window's wall-clock end as a UTC minute at the span's
    offset (not clipped; ``lo >= end of span`` when the window starts after the span).
    :func:`_fit` inlines this (it runs for every window of every day)."""
    u0, _, day, off = span
    midnight = day * MINUTES_PER_DAY - off
    return max(u0, midnight + window.start), midnight + window.end


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
    """One school's valid starts (and, for diagnostics, each failed condition) in UTC.

    ``first``/``last``: the UTC range scanned (:func:`utc_range` of the calendar's
    dates); ``valid``: the starts valid for the school. Only with
    ``with_reasons=True``: ``by_reason``, for each reason code the starts that fail that
    condition; ``in_windows``, the UTC minutes inside one of the school's windows on its
    school days (its week only: no holidays or terms) of the horizon (the calendar's
    dates without their margin), merged.
    """

    cal: SchoolCalendar
    tl: _zones.Timeline
    first: UtcMinute
    last: UtcMinute
    valid: Intervals
    by_reason: dict[Reason, Intervals] = field(default_factory=dict)
    in_windows: Intervals = field(default_factory=list)
    # A school with stretch hours: ``valid`` uses its own windows and the stretch
    # windows together, and ``own`` holds the valid starts that fit its own windows
    # alone (a valid start outside ``own`` is a stretch meeting). None: no stretch hours
    # (every valid start fits its own windows).
    own: Intervals | None = None


def _fit(tl: _zones.Timeline, span: LocalSpan, window: Window, duration: int) -> Intervals:
    """Starts s in ``span`` whose wall-clock start is at least ``window.start`` and whose
    wall-clock end, counted from the day's midnight, is at most ``window.end``."""
    u0, u1, day, off = span
    midnight = day * MINUTES_PER_DAY - off
    lo = max(u0, midnight + window.start)  # window_span(span, window), inlined
    end = midnight + window.end
    if lo >= u1:
        return []
    if not tl.changes_between(lo + duration - 1, u1 + duration):  # the usual day
        hi = min(u1 - 1, end - duration)
        return [(lo, hi)] if hi >= lo else []
    out: Intervals = []
    # The end s + duration crosses offset changes at T - duration.
    cuts = [lo, *(t - duration for t in tl.changes_between(lo + duration, u1 + duration)), u1]
    for p, q in itertools.pairwise(cuts):
        if p >= q:
            continue
        # The end's offset differs from the span's: the window's end in UTC moves too.
        hi = min(q - 1, end + off - tl.offset(p + duration) - duration)
        if hi >= p:
            out.append((p, hi))
    return out


def _in_window(span: LocalSpan, windows: tuple[Window, ...], out: Intervals) -> None:
    """Add the UTC minutes of ``span`` inside one of ``windows`` to ``out``."""
    for w in windows:
        lo, end = window_span(span, w)
        end = min(span[1], end)
        if lo < end:
            out.append((lo, end - 1))


def school_availability(cal: SchoolCalendar, *, with_reasons: bool = False) -> SchoolAvailability:
    """The valid start minutes of a school over its calendar's local dates."""
    first_day = _zones.day_number(cal.first)
    last_day = _zones.day_number(cal.last)
    tl = _zones.timeline_for_dates(cal.zone, cal.first, cal.last,
                                   margin_days=TIMELINE_MARGIN_DAYS)
    first, last = utc_range(first_day, last_day)
    duration = cal.duration
    fit: Intervals = []
    openv: Intervals = []
    day_fail: dict[Reason, Intervals] = {}
    in_windows: Intervals = []
    horizon = range(first_day + CALENDAR_MARGIN_DAYS, last_day - CALENDAR_MARGIN_DAYS + 1)
    day_cache: dict[DayNumber, tuple[list[DayConflict], tuple[Window, ...]]] = {}
    # With stretch hours the meeting windows are the own and the stretch windows merged
    # (condition 4), and the own windows' fit is kept too (:func:`_own_fit`).
    windows_of = cal.open_windows if cal.school.stretch else cal.windows
    for span in local_days(tl, first, last):
        u0, u1, day = span[:3]
        if day < first_day or day > last_day:
            continue
        got = day_cache.get(day)
        if got is None:  # a date of a clock change has two spans
            d = _zones.from_day_number(day)
            conflicts = cal.day_conflicts(d)
            got = day_cache[day] = (conflicts, windows_of(d) if with_reasons or not conflicts
                                    else ())
        conflicts, windows = got
        if not conflicts:
            openv.append((u0, u1 - 1))
        elif with_reasons:
            for reason, _ in conflicts:
                day_fail.setdefault(reason, []).append((u0, u1 - 1))
        if conflicts and not with_reasons:
            continue
        for w in windows:
            fit.extend(_fit(tl, span, w, duration))
        if with_reasons and day in horizon and WEEKDAYS[weekday_of_day(day)] in cal.days:
            _in_window(span, windows, in_windows)
    fit = merge(fit)
    busy = merge([(_zones.to_minutes(b.start) - duration + 1, _ceil_minutes(b.end) - 1)
                  for b in cal.busy])
    valid = subtract(intersect(fit, merge(openv)), busy)
    av = SchoolAvailability(cal=cal, tl=tl, first=first, last=last, valid=valid)
    if cal.school.stretch:
        av.own = intersect(valid, _own_fit(cal, tl, first, last))
    if with_reasons:
        av.by_reason = {reason: merge(iv) for reason, iv in day_fail.items()}
        av.by_reason["outside-hours"] = subtract([(first, last)], fit)
        av.by_reason["busy"] = busy
        av.in_windows = merge(in_windows)
    return av


def _own_fit(cal: SchoolCalendar, tl: _zones.Timeline, first: UtcMinute,
             last: UtcMinute) -> Intervals:
    """The starts (on school days, whatever the calendar) whose meeting fits one of the
    day's own windows (``hours``, ``hours_by_day``) alone: exact like the windows'
    fit of :func:`school_availability`."""
    first_day = _zones.day_number(cal.first)
    last_day = _zones.day_number(cal.last)
    fit: Intervals = []
    for span in local_days(tl, first, last):
        day = span[2]
        if first_day <= day <= last_day:
            for w in cal.windows(_zones.from_day_number(day)):
                fit.extend(_fit(tl, span, w, cal.duration))
    return merge(fit)


def _ceil_minutes(instant: dt.datetime) -> UtcMinute:
    """Whole minutes since the epoch, rounded up, of an aware datetime (whole seconds)."""
    return -(-int((instant - _zones.EPOCH).total_seconds()) // 60)


#: ``(lo, hi, origin)``: grid times ``lo..hi`` of an anchor date start at UTC minute
#: ``origin + k * step`` (a plain tuple, for the reason given at :data:`LocalSpan`).
Piece = tuple[int, int, UtcMinute]


@dataclass(frozen=True, slots=True)
class AnchorDay:
    """An anchor date's start-time grid: grid time ``k`` (``k * step`` wall minutes
    after the anchor's midnight) starts at the UTC minute given by the ``pieces`` (one,
    or two on clock-change days); ``bad`` the mask of grid times that do not exist,
    exist twice or whose meeting spans an offset change of the anchor."""

    day: DayNumber
    pieces: tuple[Piece, ...]
    bad: GridMask

    def start(self, k: int, step: int) -> UtcMinute:
        for lo, hi, origin in self.pieces:
            if lo <= k <= hi:
                return origin + k * step
        raise KeyError(k)


def _bits_between(lo: int, hi: int) -> GridMask:
    """The mask of grid times ``lo..hi``."""
    return (1 << (hi + 1)) - (1 << lo)


def _pieces(tl: _zones.Timeline, first_day: DayNumber, last_day: DayNumber,
            step: int) -> dict[DayNumber, list[Piece]]:
    """The grid times of each anchor date covered by each span of constant offset."""
    covered: dict[DayNumber, list[Piece]] = {}
    for u0, u1, day, off in local_days(tl, *utc_range(first_day, last_day)):
        if day < first_day or day > last_day:
            continue
        midnight = day * MINUTES_PER_DAY - off
        w0, w1 = u0 - midnight, u1 - midnight  # wall minutes covered: [w0, w1)
        k_lo = -(-w0 // step)
        k_hi = (w1 - 1) // step
        if k_lo <= k_hi:
            covered.setdefault(day, []).append((k_lo, k_hi, midnight))
    return covered


def anchor_days(tl: _zones.Timeline, first_day: DayNumber, last_day: DayNumber, step: int,
                duration: int) -> list[AnchorDay]:
    """The grid of every anchor date ``first_day..last_day``; ``bad``: the grid times
    that do not exist, exist twice, or whose meeting strictly contains an offset change
    of the anchor."""
    full = (1 << (MINUTES_PER_DAY // step)) - 1
    covered = _pieces(tl, first_day, last_day, step)
    out: list[AnchorDay] = []
    for day in range(first_day, last_day + 1):
        pieces = sorted(covered.get(day, []))
        seen = twice = 0
        for lo, hi, _ in pieces:
            m = (1 << (hi + 1)) - (1 << lo)  # _bits_between(lo, hi)
            twice |= seen & m
            seen |= m
        bad = (full & ~seen) | twice
        for lo, hi, origin in pieces:
            for t in tl.changes_between(origin + lo * step - duration,
                                        origin + hi * step + duration):
                k_from = max(lo, (t - duration - origin) // step + 1)
                k_to = min(hi, -(-(t - origin) // step) - 1)
                if k_from <= k_to:
                    bad |= _bits_between(k_from, k_to)
        out.append(AnchorDay(day=day, pieces=tuple(pieces), bad=bad & full))
    return out


@dataclass(frozen=True, slots=True)
class Grid:
    """The UTC grid of one phase: start minutes ``phase + n * step`` for
    ``base <= n < base + size``; position ``n - base`` is bit ``n - base`` of a mask."""

    phase: int
    step: int
    base: int
    size: int

    @classmethod
    def covering(cls, phase: int, step: int, lo: UtcMinute, hi: UtcMinute) -> Grid:
        """The grid of ``phase`` over UTC minutes ``lo..hi``."""
        base = (lo - phase) // step
        return cls(phase=phase, step=step, base=base, size=(hi - phase) // step - base + 1)

    def index(self, minute: UtcMinute) -> int:
        """The position of UTC minute ``minute`` (of this phase) on the grid."""
        return (minute - self.phase) // self.step - self.base

    def bits(self, intervals: Intervals) -> str:
        """``'1'`` at each grid position inside ``intervals`` (sorted, disjoint,
        inclusive), ``'0'`` elsewhere, position 0 first; built with C-speed string
        operations."""
        parts: list[str] = []
        pos = 0
        size = self.size
        for a, b in intervals:
            ia = max(pos, -((self.phase - a) // self.step) - self.base)  # first at or after a
            ib = min(size - 1, (b - self.phase) // self.step - self.base)  # self.index(b)
            if ia > ib:
                continue
            parts.append("0" * (ia - pos))
            parts.append("1" * (ib - ia + 1))
            pos = ib + 1
        parts.append("0" * (size - pos))
        return "".join(parts)

    def encode(self, intervals: Intervals) -> GridMask:
        """The grid positions inside ``intervals`` as a mask (bit ``k``: position ``k``)."""
        return int(self.bits(intervals)[::-1], 2)


class GridStarts:
    """The UTC starts in every one of ``valid`` (interval lists), read on the UTC grid of
    each phase over ``lo..hi``; a phase's grid is built on first use with C-speed string
    and integer operations, and shared by every anchor date (a date's mask is a slice)."""

    __slots__ = ("_bits", "_valid", "hi", "lo", "step", "values")

    def __init__(self, valid: list[Intervals], step: int, lo: UtcMinute, hi: UtcMinute) -> None:
        self._valid = valid
        self.step = step
        self.lo = lo
        self.hi = hi
        self.values: dict[int, tuple[Grid, GridMask]] = {}  # phase -> (grid, starts)
        self._bits: dict[int, str] = {}  # phase -> '0'/'1' per grid position

    def on(self, phase: int) -> tuple[Grid, GridMask]:
        """The grid of ``phase`` and the mask of its positions in every ``valid``."""
        got = self.values.get(phase)
        if got is None:
            grid = Grid.covering(phase, self.step, self.lo, self.hi)
            acc = -1
            for intervals in self._valid:
                acc &= grid.encode(intervals)
                if not acc:
                    break
            value = acc & ((1 << grid.size) - 1)
            got = self.values[phase] = (grid, value)
            self._bits[phase] = format(value, "b").zfill(grid.size)[::-1]
        return got

    def mask(self, pieces: tuple[Piece, ...]) -> GridMask:
        """The anchor date's grid times (given by its ``pieces``) that are starts here;
        none of a piece that leaves the range ``lo..hi`` (where no school is open)."""
        m = 0
        step = self.step
        values = self.values
        for lo, hi, origin in pieces:
            first = origin + lo * step
            phase = first % step
            grid = (values.get(phase) or self.on(phase))[0]
            n0 = (first - phase) // step - grid.base  # grid.index(first), inlined
            count = hi - lo + 1
            if n0 < 0 or n0 + count > grid.size:
                continue
            m |= int(self._bits[phase][n0:n0 + count][::-1], 2) << lo
        return m


def selection(days: list[tuple[AnchorDay, int]], step: int, lo: UtcMinute, hi: UtcMinute
              ) -> dict[int, dict[int, GridMask]]:
    """Big-integer selections of anchor dates' grid starts: for each phase and weight,
    the positions (on the :class:`Grid` of that phase over ``lo..hi``) of the grid times
    of the dates given with that weight. ``(starts & selection).bit_count()`` then counts
    a condition over all those dates at C speed."""
    chars: dict[tuple[int, int], bytearray] = {}
    grids: dict[int, Grid] = {}
    for day, weight in days:
        for k_lo, k_hi, origin in day.pieces:
            first = origin + k_lo * step
            phase = first % step
            grid = grids.get(phase)
            if grid is None:
                grid = grids[phase] = Grid.covering(phase, step, lo, hi)
            buf = chars.get((phase, weight))
            if buf is None:
                buf = chars[(phase, weight)] = bytearray(b"0" * grid.size)
            n0 = grid.index(first)
            n1 = min(grid.size, n0 + k_hi - k_lo + 1)
            n0 = max(0, n0)
            if n0 < n1:
                buf[n0:n1] = b"1" * (n1 - n0)
    out: dict[int, dict[int, GridMask]] = {}
    for (phase, weight), buf in chars.items():
        out.setdefault(phase, {})[weight] = int(bytes(buf[::-1]), 2)
    return out
