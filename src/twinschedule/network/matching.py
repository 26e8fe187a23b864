"""Partner matching: for one school of a network, the other schools it can meet most
easily, ranked exactly as planning every two-school partnership would rank them.

A partner's score is the first five components of the ranking key of the best option
of ``plan(network.pair(school, partner))``: ``(-held, moved, drift, max_burden,
total_burden)``; partners are ranked by score, then by file order (network.md).

The result is exact, and fast because most pairs are never planned. Every school gets
a *sketch*: a bit mask of UTC start minutes (on a grid of ``g`` minutes) holding every
start valid for it (its open days times its windows; busy times are ignored, so it is a
superset); schools with the same zone, days, windows and preferred time share the
windows part. Each anchor zone gets, per month of its calendar, the mask of its grid
starts on allowed weekdays inside the horizon. For a pair and an anchor, folding each
month of ``both sketches & month mask`` onto one day's wall clock gives, for every
clock time, the months in which some allowed day has a start at that time: a rule at
that time holds at most that many meetings (``held`` bound). A rule reaching the bound
holds one in each of those months, so every such month whose nominal date has no start
at that time is moved (``moved`` bound); the school of the other zone sees the time at
as many local times as the months' UTC-offset differences allow (``drift`` bound); and
each school's burden is at least ``held`` times the smallest distance between that
time, shifted by one of those offset differences, and one of its preferred starts
(``max_burden``, ``total_burden`` bounds).

These lower bounds of the score are refined lazily in a priority queue ordered by
``(bound, file index)``; a pair is planned exactly (``planner.plan``) only when it
reaches the head of the queue, and a partner is accepted when its exact score does.
Since every bound is at most the true score, the accepted partners are exactly the best
``top`` (the argument of A* search). Schools with identical calendars (every field but
``id`` and ``name``) share sketches and plans; a shared plan's option is relabelled with
the partner's id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY, OFFSET_SPREAD, weekday_of_day
from twinschedule._vocab import WEEKDAYS
from twinschedule.core.availability import local_days
from twinschedule.core.bits import add as _add
from twinschedule.core.bits import equal as _equal
from twinschedule.core.calendar import build_calendar
from twinschedule.core.plan import Meeting, Option
from twinschedule.core.planner import plan as _plan
from twinschedule.core.rules import nth_weekday
from twinschedule.errors import ConfigError, Problem
from twinschedule.model import Network, School

Score = tuple[int, int, int, int, int]
_PAD = 180  # minutes a meeting's wall-clock end may move on a day with an offset change


@dataclass(frozen=True, slots=True, kw_only=True)
class Partner:
    """One ranked partner and the best option of the two schools' plan."""

    rank: int
    school: str
    score: Score
    option: Option

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "school": self.school, "option": self.option.to_dict()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """The best partners of ``school`` among the ``pool`` other schools of a network.

    ``planned`` counts the two-school plans actually computed (the rest were pruned by
    bounds or shared with a school of identical calendar): not part of the JSON.
    """

    school: str
    pool: int
    partners: tuple[Partner, ...]
    planned: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"school": self.school, "pool": self.pool,
                "partners": [p.to_dict() for p in self.partners]}


@dataclass(slots=True)
class _Zone:
    """A zone's local days over the horizon (with a margin) as UTC pieces, and the runs
    of constant offset as wall-clock minute ranges ``[w0, w1)``."""

    tl: _zones.Timeline
    pieces: list[tuple[int, int, int, int]]  # (u0, u1, local day, offset)
    runs: list[tuple[int, int, int]]  # (w0, w1, offset)
    near: frozenset[int]  # local days within two days of an offset change


@dataclass(slots=True)
class _Template:
    """What schools with the same zone, school days, windows and preferred time share:
    the starts that fit a window on any school day, and the preferred starts."""

    valid: int
    prefs: frozenset[int]  # the preferred start (wall minutes) of every school day


class _Sketch:
    """A superset of one school's valid starts: its template's starts on its open days."""

    __slots__ = ("prefs", "valid")

    def __init__(self, template: _Template, closed: int) -> None:
        self.prefs = template.prefs
        self.valid = template.valid & ~closed if closed else template.valid

    def distance(self, minute: int, diffs: frozenset[int]) -> int:
        """A lower bound of the burden of one meeting at anchor wall minute ``minute``
        when the school's clock differs from the anchor's by one of ``diffs``."""
        return min(abs((minute + d) % MINUTES_PER_DAY - p) for d in diffs for p in self.prefs)


@dataclass(slots=True)
class _Anchor:
    """An anchor zone's grid starts on allowed weekdays inside the horizon: per month
    the mask and how to fold it onto one day's wall clock (``(range mask or None,
    shift)`` per run of constant offset), and the union of all months."""

    months: list[tuple[int, list[tuple[int | None, int]]]]
    union: int
    zone: str
    spans: list[tuple[int, int]]  # each month's UTC minutes [first, last)
    keys: list[tuple[int, int]]  # each month's (year, month)
    nominals: list[list[int | None]] | None = None


class _Pool:
    """What matching needs about one network, computed on first use and shared by every
    match on it (one per process in a batch)."""

    def __init__(self, network: Network) -> None:
        self.network = n = network
        self.first_day = _zones.day_number(n.start)
        self.last_day = _zones.day_number(n.end)
        zones = list(dict.fromkeys(s.timezone for s in n.schools))
        tls = {z: _zones.timeline_for_dates(z, n.start, n.end) for z in zones}
        g = math.gcd(n.step, 15)
        for tl in tls.values():
            for off in (tl.initial, *(t.after for t in tl.transitions)):
                g = math.gcd(g, off)
        self.g = g = g or 1
        self.dbits = MINUTES_PER_DAY // g
        self.lo = (self.first_day - 3) * MINUTES_PER_DAY // g * g
        self.size = ((self.last_day + 4) * MINUTES_PER_DAY - self.lo) // g + 1
        self._zones: dict[str, _Zone] = {}
        for z, tl in tls.items():
            pieces = list(local_days(tl, (self.first_day - 2) * MINUTES_PER_DAY - OFFSET_SPREAD,
                                      (self.last_day + 3) * MINUTES_PER_DAY + OFFSET_SPREAD))
            runs: list[tuple[int, int, int]] = []
            for u0, u1, _, off in pieces:
                if runs and runs[-1][2] == off and runs[-1][1] == u0 + off:
                    runs[-1] = (runs[-1][0], u1 + off, off)
                else:
                    runs.append((u0 + off, u1 + off, off))
            changes = tl.changes_between(pieces[0][0] - 3 * MINUTES_PER_DAY,
                                         pieces[-1][1] + 3 * MINUTES_PER_DAY)
            near = frozenset(t // MINUTES_PER_DAY + k for t in changes for k in range(-3, 4))
            self._zones[z] = _Zone(tl=tl, pieces=pieces, runs=runs, near=near)
        self.keys = [dataclasses.replace(s, id="", name="") for s in n.schools]
        self._class: dict[School, int] = {}
        self.cls: list[int] = []
        self._reps: list[School] = []  # the first school of each class
        self._second: dict[int, School] = {}  # the second, for pairs inside a class
        for s, k in zip(n.schools, self.keys, strict=True):
            c = self._class.setdefault(k, len(self._class))
            if c == len(self._reps):
                self._reps.append(s)
            else:
                self._second.setdefault(c, s)
            self.cls.append(c)
        self._sketches: dict[int, _Sketch] = {}
        self._templates: dict[tuple[Any, ...], _Template] = {}
        self._anchors: dict[str, _Anchor] = {}
        self._offdiffs: dict[tuple[str, str], list[frozenset[int]]] = {}
        self._cal: dict[tuple[Any, ...], tuple[frozenset[str], frozenset[int]]] = {}
        self._plans: dict[tuple[int, int], tuple[Score, Option] | None] = {}
        self.planned = 0

    def mask(self, intervals: Iterator[tuple[int, int]] | list[tuple[int, int]]) -> int:
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

    def _calendar(self, s: School) -> tuple[frozenset[str], frozenset[int]]:
        """School days and holiday dates (day numbers), shared by schools with the same
        country, subdivision, categories and days."""
        key = (s.country, s.subdivision, s.holidays, s.days)
        got = self._cal.get(key)
        if got is None:
            n = self.network
            cal = build_calendar(s, start=n.start, end=n.end, duration=n.duration)
            got = self._cal[key] = (frozenset(cal.days),
                                    frozenset(_zones.day_number(d) for d in cal.holidays))
        return got

    def sketch(self, c: int) -> _Sketch:
        got = self._sketches.get(c)
        if got is None:
            got = self._sketches[c] = self._build(self._reps[c])
        return got

    def _template(self, s: School, days: frozenset[str]) -> _Template:
        key = (s.timezone, days, s.hours, s.hours_by_day, s.prefer)
        got = self._templates.get(key)
        if got is not None:
            return got
        dur = self.network.duration
        first, last = self.first_day - 2, self.last_day + 2
        zone = self._zones[s.timezone]
        g, dbits, lo = self.g, self.dbits, self.lo
        prefs: set[int] = set()
        # One week of wall-clock starts (bit (day - monday) * dbits + minute // g, from a
        # Monday), repeated over each run of constant offset and shifted to UTC.
        week = 0
        for i, wd in enumerate(WEEKDAYS):
            if wd not in days:
                continue
            windows = s.windows_on(wd)
            prefs.add(s.prefer if s.prefer is not None else (
                (windows[0].start + windows[-1].end - dur) // 2))
            for w in windows:
                q0, q1 = -(-w.start // g), (w.end - dur) // g
                if q0 <= q1:
                    week |= ((1 << (q1 + 1)) - (1 << q0)) << (i * dbits)
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
        valid &= (1 << self.size) - 1
        # Days near an offset change: a meeting's wall-clock end can move; add the
        # starts whose end fits with that margin, as spans of UTC minutes.
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
                b_ = min(u1 - 1, ml + w.end - dur + _PAD)
                if a_ <= b_:
                    spans.append((a_, b_))
        if spans:
            valid |= self.mask(spans)
        got = self._templates[key] = _Template(valid=valid, prefs=frozenset(prefs))
        return got

    def _build(self, s: School) -> _Sketch:
        first, last = self.first_day - 2, self.last_day + 2
        days, hols = self._calendar(s)
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
        runs: list[list[int]] = []
        for u0, u1, day, _ in self._zones[s.timezone].pieces:
            if day in closed:
                if runs and runs[-1][1] == u0:
                    runs[-1][1] = u1
                else:
                    runs.append([u0, u1])
        if len(runs) > 64:
            mask = self.mask([(a, b - 1) for a, b in runs])
        else:  # a few runs of closed days: cheaper as integer ranges
            g, lo = self.g, self.lo
            mask = 0
            for a, b in runs:
                i, j = max(0, -((lo - a) // g)), max(0, -((lo - b) // g))
                mask |= (1 << j) - (1 << i)
        return _Sketch(self._template(s, days), mask)

    def anchor(self, zone: str) -> _Anchor:
        got = self._anchors.get(zone)
        if got is not None:
            return got
        n = self.network
        allowed = {WEEKDAYS.index(w) for w in n.weekdays}
        g, lo, size, step = self.g, self.lo, self.size, n.step
        bufs: dict[tuple[int, int], bytearray] = {}
        for u0, u1, day, off in self._zones[zone].pieces:
            if not self.first_day <= day <= self.last_day or weekday_of_day(day) not in allowed:
                continue
            d = _zones.from_day_number(day)
            buf = bufs.get((d.year, d.month))
            if buf is None:
                buf = bufs[(d.year, d.month)] = bytearray(b"0" * size)
            s0 = u0 + (-(u0 + off)) % step
            if s0 >= u1:
                continue
            i = (s0 - lo) // g
            count = (u1 - 1 - s0) // step + 1
            buf[i:i + count * (step // g):step // g] = b"1" * count
        months: list[tuple[int, list[tuple[int | None, int]]]] = []
        spans: list[tuple[int, int]] = []
        union = 0
        for (y, mo), buf in bufs.items():
            buf.reverse()
            m = int(buf, 2)
            union |= m
            d0 = _zones.day_number(dt.date(y, mo, 1)) * MINUTES_PER_DAY
            d1 = d0 + 32 * MINUTES_PER_DAY
            parts: list[tuple[int | None, int]] = []
            ua, ub = 1 << 62, -(1 << 62)
            for w0, w1, off in self._zones[zone].runs:
                a, b = max(w0, d0), min(w1, d1)
                if a >= b:
                    continue
                ua, ub = min(ua, a - off), max(ub, b - off)
                # UTC starts [a - off, b - off): bit i goes to wall bit i + shift.
                i0 = max(0, -((lo - (a - off)) // g))
                i1 = min(size, -((lo - (b - off)) // g))
                parts.append(((1 << i1) - (1 << i0), (lo + off - d0) // g))
            if len(parts) == 1:
                parts = [(None, parts[0][1])]
            months.append((m, parts))
            spans.append((ua, ub))
        got = self._anchors[zone] = _Anchor(months=months, union=union, zone=zone,
                                            spans=spans, keys=list(bufs))
        return got

    def _diffs(self, anchor: _Anchor, other: str) -> list[frozenset[int]]:
        """Per month of the anchor, every difference of UTC offsets ``other - anchor``
        in that month: a school of zone ``other`` sees an anchor time at its own wall
        clock shifted by one of these."""
        key = (anchor.zone, other)
        got = self._offdiffs.get(key)
        if got is None:
            ta, tb = self._zones[anchor.zone].tl, self._zones[other].tl
            got = []
            for ua, ub in anchor.spans:
                cuts = [ua, *ta.changes_between(ua, ub), *tb.changes_between(ua, ub)]
                got.append(frozenset(tb.offset(t) - ta.offset(t) for t in cuts))
            self._offdiffs[key] = got
        return got

    def _held(self, both: int, anchor: _Anchor) -> tuple[int, int, list[int], list[int]]:
        """An upper bound of the meetings any rule of this anchor holds: for each wall
        time of the day, the months in which some allowed day has a start at that time
        in ``both``; the largest count and the times that reach it."""
        dbits = self.dbits
        planes: list[int] = []
        union = 0
        day = (1 << dbits) - 1
        folds: list[int] = []
        fulls: list[int] = []  # per month: bit j * dbits + m // g, day j of the month
        for m, parts in anchor.months:
            x = both & m
            if not x:
                folds.append(0)
                fulls.append(0)
                continue
            y = 0
            for rng, shift in parts:
                z = x if rng is None else x & rng
                y |= z << shift if shift >= 0 else z >> -shift
            fulls.append(y)
            for k in (16, 8, 4, 2, 1):
                y |= y >> (k * dbits)
            y &= day
            folds.append(y)
            _add(planes, y)
            union |= y
        for v in range(len(anchor.months), 0, -1):
            times = _equal(planes, v, union)
            if times:
                return v, times, folds, fulls
        return 0, 0, folds, fulls

    def _nominals(self, anchor: _Anchor) -> list[list[int | None]]:
        """Per (nth, weekday) family: per month of the anchor, the day of the month
        (0-based) of its nominal date, None when outside the horizon."""
        if anchor.nominals is None:
            n = self.network
            out: list[list[int | None]] = []
            for nth in n.weeks:
                for wd in n.weekdays:
                    days: list[int | None] = []
                    for y, mo in anchor.keys:
                        d = nth_weekday(y, mo, WEEKDAYS.index(wd), nth)
                        days.append(d.day - 1 if n.start <= d <= n.end else None)
                    out.append(days)
            anchor.nominals = out
        return anchor.nominals

    def _moved(self, anchor: _Anchor, times: int, held: int, folds: list[int],
               fulls: list[int]) -> int:
        """A lower bound of ``moved`` for a rule of this anchor at one of ``times`` that
        holds ``held`` meetings (the most any time can): it holds one in every month
        whose fold has its time, so every such month whose nominal date has no start
        at that time is a moved month."""
        dbits = self.dbits
        day = (1 << dbits) - 1
        nominals = self._nominals(anchor)
        # First with saturating counters: is some time of some family missing its
        # nominal date in no month (moved 0), or in one month only (moved 1)?
        once = False
        for days in nominals:
            ones = twos = 0
            ok = times
            for j, y, full in zip(days, folds, fulls, strict=True):
                if y & ok:
                    if j is None:
                        ok &= ~y
                    else:
                        miss = y & ~((full >> (j * dbits)) & day)
                        twos |= ones & miss
                        ones |= miss
            if ok & ~ones:
                return 0
            once = once or bool(ok & ~twos)
        if once:
            return 1
        best = held
        for days in nominals:
            planes: list[int] = []
            ok = times
            for j, y, full in zip(days, folds, fulls, strict=True):
                if not y & ok:
                    continue
                if j is None:  # the month is not in this family's plan
                    ok &= ~y
                    if not ok:
                        break
                    continue
                _add(planes, y & ~((full >> (j * dbits)) & day))
            if not ok:
                continue
            for v in range(best):
                if _equal(planes, v, ok):
                    best = v
                    break
            if best == 0:
                return 0
        return best

    def bound(self, f: int, t: int, stage: int) -> Score | None:
        """A lower bound of the score of the pair (classes ``f``, ``t``); None when the
        pair cannot hold any meeting. Stage 0 bounds ``held`` only; stage 1 also both
        schools' burdens."""
        sf, st = self.sketch(f), self.sketch(t)
        both = sf.valid & st.valid
        if not both:
            return None
        zf, zt = self._reps[f].timezone, self._reps[t].timezone
        found: list[tuple[int, _Anchor, int, int, int, list[int]]] = []
        for zone in dict.fromkeys((zf, zt)):
            a = self.anchor(zone)
            held, times, folds, fulls = self._held(both, a)
            if not held:
                continue
            # drift: the school of the other zone sees the anchor time at as many local
            # times as the offset differences of the months that can hold a meeting.
            drift = 0
            if zf != zt:
                count: dict[int, int] = {}
                for y, diffs in zip(folds, self._diffs(a, zt if zone == zf else zf),
                                    strict=True):
                    if y & times:
                        for v in diffs:
                            count[v] = count.get(v, 0) + 1
                drift = max(0, held - max(count.values(), default=0))
            moved = self._moved(a, times, held, folds, fulls) if stage else 0
            found.append((held, a, times, drift, moved, folds))
        if not found:
            return None
        top = max(x[0] for x in found)
        best: tuple[int, int, int, int] | None = None
        for h, a, times, drift, moved, folds in found:
            if h != top:
                continue
            got = (moved, drift, 0, 0)
            if stage:
                # Each time separately (a rule has one time): each school sees it at the
                # anchor time plus an offset difference of a month that can hold it.
                months = [i for i, y in enumerate(folds) if y & times]
                df_all, dt_all = self._diffs(a, zf), self._diffs(a, zt)
                diffs_f = frozenset().union(*(df_all[i] for i in months))
                diffs_t = frozenset().union(*(dt_all[i] for i in months))
                mb = tb = 1 << 62
                bits = times
                while bits:
                    low = bits & -bits
                    bits ^= low
                    minute = (low.bit_length() - 1) * self.g
                    df = sf.distance(minute, diffs_f)
                    dt_ = st.distance(minute, diffs_t)
                    mb, tb = min(mb, top * max(df, dt_)), min(tb, top * (df + dt_))
                got = (moved, drift, mb, tb)
            best = got if best is None else min(best, got)
        assert best is not None
        return (-top, *best)

    def _pair(self, f: int, t: int) -> tuple[School, School]:
        """The schools planned for a pair of classes (two schools of one class when
        ``f == t``, so that their ids differ)."""
        return self._reps[f], self._reps[t] if f != t else self._second[t]

    def exact(self, f: int, t: int) -> tuple[Score, Option] | None:
        """The score and best option of ``plan(P(rep f, rep t))`` (cached)."""
        key = (f, t)
        if key in self._plans:
            return self._plans[key]
        self.planned += 1
        p = self.network.pair(*self._pair(f, t))
        result = _plan(p, top=1)
        got: tuple[Score, Option] | None = None
        if result.options:
            o = result.options[0]
            m = o.metrics
            got = ((-m.held, m.moved, m.drift, m.max_burden, m.total_burden), o)
        self._plans[key] = got
        return got

    def match(self, index: int, top: int) -> Match:
        schools = self.network.schools
        focal = schools[index]
        f = self.cls[index]
        before = self.planned
        heap: list[tuple[Score, int, int]] = []
        for i in range(len(schools)):
            if i == index:
                continue
            b = self.bound(f, self.cls[i], 0)
            if b is not None:
                heap.append((b, i, 0))
        heapq.heapify(heap)
        partners: list[Partner] = []
        while heap and len(partners) < top:
            score, i, stage = heapq.heappop(heap)
            c = self.cls[i]
            if stage == 0:
                b = self.bound(f, c, 1)
                if b is not None:
                    heapq.heappush(heap, (b, i, 1))
            elif stage == 1:
                got = self.exact(f, c)
                if got is not None:
                    heapq.heappush(heap, (got[0], i, 2))
            else:
                got = self.exact(f, c)
                assert got is not None
                pa, pb = self._pair(f, c)
                option = _relabel(got[1], {pa.id: focal.id, pb.id: schools[i].id})
                partners.append(Partner(rank=len(partners) + 1, school=schools[i].id,
                                        score=score, option=option))
        return Match(school=focal.id, pool=len(schools) - 1, partners=tuple(partners),
                     planned=self.planned - before)

    def match_unpruned(self, index: int, top: int) -> Match:
        """The same ranking by planning every pair (for tests and benchmarks)."""
        schools = self.network.schools
        f = self.cls[index]
        focal = schools[index]
        scored = []
        for i in range(len(schools)):
            if i != index and (got := self.exact(f, self.cls[i])) is not None:
                scored.append((got[0], i, got[1]))
        scored.sort(key=lambda x: (x[0], x[1]))
        partners = tuple(
            Partner(rank=r + 1, school=schools[i].id, score=score,
                    option=_relabel(o, dict(zip((x.id for x in self._pair(f, self.cls[i])),
                                                (focal.id, schools[i].id), strict=True))))
            for r, (score, i, o) in enumerate(scored[:top]))
        return Match(school=schools[index].id, pool=len(schools) - 1, partners=partners)


def _relabel(option: Option, ids: dict[str, str]) -> Option:
    """The option of schools with identical calendars, with their ids (``ids`` maps
    the planned schools' ids to them)."""
    if all(a == b for a, b in ids.items()):
        return option

    def sid(x: str) -> str:
        return ids.get(x, x)

    meetings = tuple(dataclasses.replace(
        m, local=None if m.local is None else tuple((sid(a), w) for a, w in m.local),
        reasons=tuple(dataclasses.replace(r, school=sid(r.school)) for r in m.reasons))
        for m in option.meetings)
    return dataclasses.replace(
        option, usual_times=tuple((sid(a), v) for a, v in option.usual_times),
        burdens=tuple((sid(a), v) for a, v in option.burdens), meetings=meetings)


def _index(network: Network, school_id: str) -> int:
    for i, s in enumerate(network.schools):
        if s.id == school_id:
            return i
    ids = ", ".join(s.id for s in network.schools[:10])
    more = ", ..." if len(network.schools) > 10 else ""
    raise ConfigError([Problem(path="--school", message=f"no school {school_id!r} in the "
                               f"network (its schools: {ids}{more})")])


def _check_top(top: int) -> None:
    if top < 1:
        raise ConfigError([Problem(path="--top", message=f"{top} is not at least 1")])


def match(network: Network, school_id: str, *, top: int = 10) -> Match:
    """The ``top`` best partners of school ``school_id`` among the network's other
    schools, exactly as planning every pair with ``plan`` would rank them (network.md).

    Raises ``ConfigError`` for an unknown school or a ``top`` below 1.
    """
    _check_top(top)
    return _Pool(network).match(_index(network, school_id), top)


def pack_option(option: Option) -> Option:
    """The option with its local times in UTC, so that it pickles (zones built from the
    tzdata package's files do not); ``unpack_option`` restores them."""
    return dataclasses.replace(option, meetings=tuple(
        m if m.local is None else dataclasses.replace(
            m, local=tuple((sid, w.astimezone(dt.UTC)) for sid, w in m.local))
        for m in option.meetings))


def unpack_option(option: Option, zones: dict[str, str]) -> Option:
    """``pack_option`` undone, given each school id's zone."""
    return dataclasses.replace(option, meetings=tuple(
        m if m.local is None else dataclasses.replace(m, local=tuple(
            (sid, w.astimezone(_zones.get_zone(zones[sid]))) for sid, w in m.local))
        for m in option.meetings))


__all__ = ["Match", "Meeting", "Partner", "match"]
