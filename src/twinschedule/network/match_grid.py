"""The UTC grid of partner matching and each school's sketch on it.

A :class:`MatchGrid` numbers the UTC minutes of the horizon (with a margin) in steps
of ``g`` minutes, ``g`` dividing the network's step, 15 and every UTC offset of its
zones, so that every grid start of every anchor zone, and every wall-clock minute
that is a multiple of ``g`` in every zone, is a bit. A :class:`ZoneDays` cuts a zone's
horizon into local days and runs of constant offset. A school's :class:`Sketch` is a
bit mask on the grid holding every start valid for it (its open days times its
windows; busy times are ignored, so it is a superset), and its preferred starts.
:class:`Sketches` builds them, sharing what schools with the same calendar or the same
zone, days, windows and preferred time have in common.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY, OFFSET_SPREAD, weekday_of_day
from twinschedule._vocab import WEEKDAYS
from twinschedule.core.availability import local_days
from twinschedule.core.calendar import build_calendar, preferred_start
from twinschedule.model import Network, School

PAD = 180  # minutes a meeting's wall-clock end may move on a day with an offset change


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchGrid:
    """UTC minutes ``lo + i * g`` (bit ``i``) for ``i < size``: the horizon's local
    days in every zone, three days either side; ``dbits`` bits make a day."""

    g: int
    dbits: int
    lo: int
    size: int
    first_day: int  # the horizon's first and last dates (day numbers)
    last_day: int

    @classmethod
    def of(cls, network: Network, timelines: Iterable[_zones.Timeline]) -> MatchGrid:
        g = math.gcd(network.step, 15)
        for tl in timelines:
            for off in (tl.initial, *(t.after for t in tl.transitions)):
                g = math.gcd(g, off)
        g = g or 1
        first, last = _zones.day_number(network.start), _zones.day_number(network.end)
        lo = (first - 3) * MINUTES_PER_DAY // g * g
        return cls(g=g, dbits=MINUTES_PER_DAY // g, lo=lo,
                   size=((last + 4) * MINUTES_PER_DAY - lo) // g + 1,
                   first_day=first, last_day=last)

    def mask(self, intervals: Iterable[tuple[int, int]]) -> int:
        """The bits of the UTC minutes (multiples of ``g``) in inclusive intervals."""
        g, lo, size = self.g, self.lo, self.size
        buf = bytearray(b"0" * size)
        for a, b in intervals:
            i = max(0, -((lo - a) // g))
            j = min(size - 1, (b - lo) // g)
            if i <= j:
                buf[i:j + 1] = b"1" * (j + 1 - i)
        buf.reverse()
        return int(buf, 2)

    def ranges(self, runs: list[list[int]]) -> int:
        """The bits of half-open UTC ranges ``[a, b)``: as integer ranges when they are
        few, else through :meth:`mask`."""
        if len(runs) > 64:
            return self.mask([(a, b - 1) for a, b in runs])
        g, lo = self.g, self.lo
        mask = 0
        for a, b in runs:
            i, j = max(0, -((lo - a) // g)), max(0, -((lo - b) // g))
            mask |= (1 << j) - (1 << i)
        return mask


@dataclass(frozen=True, slots=True)
class ZoneDays:
    """A zone's local days over the horizon (with a margin) as UTC pieces, and the runs
    of constant offset as wall-clock minute ranges ``[w0, w1)``."""

    tl: _zones.Timeline
    pieces: list[tuple[int, int, int, int]]  # (u0, u1, local day, offset)
    runs: list[tuple[int, int, int]]  # (w0, w1, offset)
    near: frozenset[int]  # local days within two days of an offset change

    @classmethod
    def of(cls, tl: _zones.Timeline, grid: MatchGrid) -> ZoneDays:
        pieces = list(local_days(tl, (grid.first_day - 2) * MINUTES_PER_DAY - OFFSET_SPREAD,
                                 (grid.last_day + 3) * MINUTES_PER_DAY + OFFSET_SPREAD))
        runs: list[tuple[int, int, int]] = []
        for u0, u1, _, off in pieces:
            if runs and runs[-1][2] == off and runs[-1][1] == u0 + off:
                runs[-1] = (runs[-1][0], u1 + off, off)
            else:
                runs.append((u0 + off, u1 + off, off))
        changes = tl.changes_between(pieces[0][0] - 3 * MINUTES_PER_DAY,
                                     pieces[-1][1] + 3 * MINUTES_PER_DAY)
        near = frozenset(t // MINUTES_PER_DAY + k for t in changes for k in range(-3, 4))
        return cls(tl=tl, pieces=pieces, runs=runs, near=near)


@dataclass(frozen=True, slots=True)
class Template:
    """What schools with the same zone, school days, windows and preferred time share:
    the starts that fit a window on any school day, and the preferred starts."""

    valid: int
    prefs: frozenset[int]  # the preferred start (wall minutes) of every school day


class Sketch:
    """A superset of one school's valid starts: its template's starts on its open days."""

    __slots__ = ("prefs", "valid")

    def __init__(self, template: Template, closed: int) -> None:
        self.prefs = template.prefs
        self.valid = template.valid & ~closed if closed else template.valid

    def distance(self, minute: int, diffs: frozenset[int]) -> int:
        """A lower bound of the burden of one meeting at anchor wall minute ``minute``
        when the school's clock differs from the anchor's by one of ``diffs``."""
        return min(abs((minute + d) % MINUTES_PER_DAY - p) for d in diffs for p in self.prefs)


def _week(grid: MatchGrid, s: School, days: frozenset[str], duration: int) -> int:
    """One week of wall-clock starts that fit a window on a school day: bit
    ``(day - monday) * dbits + minute // g``, from a Monday."""
    g, dbits = grid.g, grid.dbits
    week = 0
    for i, wd in enumerate(WEEKDAYS):
        if wd in days:
            for w in s.windows_on(wd):
                q0, q1 = -(-w.start // g), (w.end - duration) // g
                if q0 <= q1:
                    week |= ((1 << (q1 + 1)) - (1 << q0)) << (i * dbits)
    return week


def template(grid: MatchGrid, zone: ZoneDays, s: School, days: frozenset[str],
             duration: int) -> Template:
    """The template of school ``s`` (of zone ``zone``) with school days ``days``: its
    week of starts repeated over each run of constant offset and shifted to UTC; on
    days near an offset change (a meeting's wall-clock end can move) also the starts
    whose end fits with a margin of :data:`PAD` minutes."""
    first, last = grid.first_day - 2, grid.last_day + 2
    dbits, lo, g = grid.dbits, grid.lo, grid.g
    week = _week(grid, s, days, duration)
    valid = 0
    wbits = 7 * dbits
    for w0, w1, off in zone.runs:
        w0, w1 = max(w0, first * MINUTES_PER_DAY), min(w1, (last + 1) * MINUTES_PER_DAY)
        if w0 >= w1 or not week:
            continue
        monday = w0 // MINUTES_PER_DAY - weekday_of_day(w0 // MINUTES_PER_DAY)  # a Monday
        weeks = ((w1 - 1) // MINUTES_PER_DAY - monday) // 7 + 1
        pattern = week * (((1 << (weeks * wbits)) - 1) // ((1 << wbits) - 1))
        base = monday * MINUTES_PER_DAY
        q0, q1 = -((base - w0) // g), -((base - w1) // g)  # wall bits [q0, q1)
        pattern &= (1 << q1) - (1 << q0)
        shift = (base - off - lo) // g
        valid |= pattern << shift if shift >= 0 else pattern >> -shift
    valid &= (1 << grid.size) - 1
    spans: list[tuple[int, int]] = []
    for u0, u1, day, off in zone.pieces:
        if day < first or day > last or day not in zone.near:
            continue
        wd = WEEKDAYS[weekday_of_day(day)]
        if wd not in days:
            continue
        ml = day * MINUTES_PER_DAY - off
        for w in s.windows_on(wd):
            a_ = max(u0, ml + w.start)
            b_ = min(u1 - 1, ml + w.end - duration + PAD)
            if a_ <= b_:
                spans.append((a_, b_))
    if spans:
        valid |= grid.mask(spans)
    prefs = frozenset(preferred_start(s, wd, duration) for wd in WEEKDAYS if wd in days)
    return Template(valid=valid, prefs=prefs)


class Sketches:
    """Builds sketches, sharing the school days and holidays of schools with the same
    country, subdivision, categories and days, and the templates of schools with the
    same zone, days, windows and preferred time."""

    def __init__(self, network: Network, grid: MatchGrid, zones: dict[str, ZoneDays]) -> None:
        self.network = network
        self.grid = grid
        self.zones = zones
        self._cal: dict[tuple[Any, ...], tuple[frozenset[str], frozenset[int]]] = {}
        self._templates: dict[tuple[Any, ...], Template] = {}

    def _calendar(self, s: School) -> tuple[frozenset[str], frozenset[int]]:
        """School days and holiday dates (day numbers)."""
        key = (s.country, s.subdivision, s.holidays, s.days)
        got = self._cal.get(key)
        if got is None:
            n = self.network
            cal = build_calendar(s, start=n.start, end=n.end, duration=n.duration)
            got = self._cal[key] = (frozenset(cal.days),
                                    frozenset(_zones.day_number(d) for d in cal.holidays))
        return got

    def _template(self, s: School, days: frozenset[str]) -> Template:
        key = (s.timezone, days, s.hours, s.hours_by_day, s.prefer)
        got = self._templates.get(key)
        if got is None:
            got = self._templates[key] = template(self.grid, self.zones[s.timezone], s, days,
                                                  self.network.duration)
        return got

    def _closed(self, s: School, hols: frozenset[int]) -> set[int]:
        """The local days (day numbers) near the horizon on which ``s`` is closed."""
        first, last = self.grid.first_day - 2, self.grid.last_day + 2
        closed = {d for d in hols if first <= d <= last}
        for r in (*s.closures, *s.imported_closures):
            closed.update(range(max(first, _zones.day_number(r.first)),
                                min(last, _zones.day_number(r.last)) + 1))
        if s.terms:
            inside: set[int] = set()
            for r in s.terms:
                inside.update(range(max(first, _zones.day_number(r.first)),
                                    min(last, _zones.day_number(r.last)) + 1))
            closed.update(d for d in range(first, last + 1) if d not in inside)
        return closed

    def sketch(self, s: School) -> Sketch:
        days, hols = self._calendar(s)
        closed = self._closed(s, hols)
        runs: list[list[int]] = []
        for u0, u1, day, _ in self.zones[s.timezone].pieces:
            if day in closed:
                if runs and runs[-1][1] == u0:
                    runs[-1][1] = u1
                else:
                    runs.append([u0, u1])
        return Sketch(self._template(s, days), self.grid.ranges(runs))
