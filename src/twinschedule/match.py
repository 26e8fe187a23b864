"""Partner matching: for one school of a network, the other schools it can meet most
easily, ranked exactly as planning every two-school partnership would rank them.

A partner's score is the first five components of the ranking key of the best option
of ``plan(network.pair(school, partner))``: ``(-held, moved, drift, max_burden,
total_burden)``; partners are ranked by score, then by file order (network.md).

The result is exact, and fast because most pairs are never planned. Every school gets
a *sketch*: a bit mask of UTC start minutes (on a grid of ``g`` minutes) that contains
every start valid for it (open days and windows; busy times are ignored, so it is a
superset), and the same restricted to starts within ``d`` minutes of its preferred time
for a ladder of ``d``. Each anchor zone gets, per month of its calendar, the mask of its
grid starts on allowed weekdays inside the horizon. For a pair, ``held`` is then at most
the number of months whose mask meets both schools' sketches, and a best option holding
that many meetings gives each school a burden of at least ``held`` times the smallest
distance its sketch allows there. These lower bounds of the score are refined lazily in
a priority queue ordered by ``(bound, file index)``; a pair is planned exactly only when
it reaches the head of the queue, and a partner is accepted when its exact score does.
Since every bound is at most the true score, the accepted partners are exactly the best
``top`` (the argument of A* search). Schools with identical calendars (every field but
``id`` and ``name``) share sketches and plans; a shared plan's option is relabelled with
the partner's id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import _zones
from .calendar import build_calendar
from .errors import ConfigError, Problem
from .model import Network, School
from .outputs import Meeting, Option
from .planner import plan as _plan

Score = tuple[int, int, int, int, int]
#: Distances (minutes from a school's preferred start) of the sketch's ladder.
LADDER: tuple[int, ...] = (15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1441)
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
    planned: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"school": self.school, "pool": self.pool,
                "partners": [p.to_dict() for p in self.partners]}


def _local_days(tl: _zones.Timeline, first: int, last: int
                ) -> Iterator[tuple[int, int, int, int]]:
    """UTC minutes ``[first, last)`` as ``(u0, u1, local day, offset)`` pieces."""
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


class _Sketch:
    """A superset of a school's valid starts as a bit mask, with distance levels."""

    __slots__ = ("_levels", "_spans", "valid")

    def __init__(self, valid: int, spans: list[tuple[int, int, int]]) -> None:
        self.valid = valid
        self._spans = spans  # (first start, last start, start at the preferred time)
        self._levels: dict[int, int] = {}

    def level(self, pool: _Pool, k: int) -> int:
        """Starts of the sketch less than ``LADDER[k]`` minutes from the preferred time."""
        got = self._levels.get(k)
        if got is None:
            d = LADDER[k]
            got = self._levels[k] = pool.mask(
                (max(a, c - d + 1), min(b, c + d - 1)) for a, b, c in self._spans)
        return got

    def distance(self, pool: _Pool, starts: int) -> int:
        """A lower bound of every start's distance from the preferred time (``starts``
        a non-empty subset of the sketch)."""
        lo, hi = -1, len(LADDER) - 1  # level hi meets starts; find the first that does
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if starts & self.level(pool, mid):
                hi = mid
            else:
                lo = mid
        return LADDER[lo] if lo >= 0 else 0


class _Pool:
    """What matching needs about one network, computed on first use and shared by every
    match on it (one per process in a batch)."""

    def __init__(self, network: Network) -> None:
        self.network = n = network
        self.first_day = _zones.day_number(n.start)
        self.last_day = _zones.day_number(n.end)
        zones = list(dict.fromkeys(s.timezone for s in n.schools))
        self._tls = {z: _zones.timeline_for_dates(z, n.start, n.end) for z in zones}
        g = math.gcd(n.step, 15)
        for tl in self._tls.values():
            for off in (tl.initial, *(t.after for t in tl.transitions)):
                g = math.gcd(g, off)
        self.g = g or 1
        self.lo = (self.first_day - 3) * 1440 // self.g * self.g
        self.size = ((self.last_day + 4) * 1440 - self.lo) // self.g + 1
        self.keys = [dataclasses.replace(s, id="", name="") for s in n.schools]
        self._class: dict[School, int] = {}
        self.cls = [self._class.setdefault(k, len(self._class)) for k in self.keys]
        self._reps = [n.schools[self.keys.index(k)] for k in self._class]
        self._sketches: dict[int, _Sketch] = {}
        self._anchors: dict[str, tuple[list[int], int]] = {}
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

    def _build(self, s: School) -> _Sketch:
        from ._vocab import WEEKDAYS

        n = self.network
        dur = n.duration
        first, last = self.first_day - 2, self.last_day + 2
        days, hols = self._calendar(s)

        def day_set(ranges: tuple[Any, ...]) -> set[int]:
            out: set[int] = set()
            for r in ranges:
                out.update(range(max(first, _zones.day_number(r.first)),
                                 min(last, _zones.day_number(r.last)) + 1))
            return out

        terms = day_set(s.terms) if s.terms else None
        closed = day_set((*s.closures, *s.imported_closures))
        tl = self._tls[s.timezone]
        spans: list[tuple[int, int, int]] = []
        for u0, u1, day, off in _local_days(tl, first * 1440 - 26 * 60,
                                            (last + 1) * 1440 + 26 * 60):
            if day < first or day > last or day in closed or day in hols:
                continue
            if terms is not None and day not in terms:
                continue
            wd = WEEKDAYS[(day + 3) % 7]
            if wd not in days:
                continue
            windows = s.windows_on(wd)
            pref = s.prefer if s.prefer is not None else (
                (windows[0].start + windows[-1].end - dur) // 2)
            pad = _PAD if tl.changes_between(u0 - 1440, u1 + 1440) else 0
            ml = day * 1440 - off
            for w in windows:
                a = max(u0, ml + w.start)
                b = min(u1 - 1, ml + w.end - dur + pad)
                if a <= b:
                    spans.append((a, b, ml + pref))
        return _Sketch(self.mask([(a, b) for a, b, _ in spans]), spans)

    def anchor(self, zone: str) -> tuple[list[int], int]:
        """Per month of the anchor's calendar, the mask of its grid starts on allowed
        weekdays inside the horizon; and their union."""
        got = self._anchors.get(zone)
        if got is not None:
            return got
        from ._vocab import WEEKDAYS

        n = self.network
        allowed = {WEEKDAYS.index(w) for w in n.weekdays}
        g, lo, size, step = self.g, self.lo, self.size, n.step
        months: dict[tuple[int, int], bytearray] = {}
        tl = self._tls[zone]
        for u0, u1, day, off in _local_days(tl, self.first_day * 1440 - 26 * 60,
                                            (self.last_day + 1) * 1440 + 26 * 60):
            if not self.first_day <= day <= self.last_day or (day + 3) % 7 not in allowed:
                continue
            d = _zones.from_day_number(day)
            buf = months.get((d.year, d.month))
            if buf is None:
                buf = months[(d.year, d.month)] = bytearray(b"0" * size)
            s0 = u0 + (-(u0 + off)) % step
            if s0 >= u1:
                continue
            i = (s0 - lo) // g
            count = (u1 - 1 - s0) // step + 1
            buf[i:i + count * (step // g):step // g] = b"1" * count
        masks = []
        for buf in months.values():
            buf.reverse()
            masks.append(int(buf, 2))
        union = 0
        for m in masks:
            union |= m
        got = self._anchors[zone] = (masks, union)
        return got

    def bound(self, f: int, t: int, stage: int) -> Score | None:
        """A lower bound of the score of the pair (classes ``f``, ``t``); None when the
        pair cannot hold any meeting. Stage 0 bounds the focal school's burden only,
        stage 1 both schools'."""
        sf, st = self.sketch(f), self.sketch(t)
        both = sf.valid & st.valid
        if not both:
            return None
        found: list[tuple[int, int, int]] = []
        for zone in dict.fromkeys((self._reps[f].timezone, self._reps[t].timezone)):
            masks, union = self.anchor(zone)
            held = sum(1 for m in masks if both & m)
            if held:
                found.append((held, zone == self._reps[f].timezone, both & union))
        if not found:
            return None
        top = max(h for h, _, _ in found)
        best: tuple[int, int] | None = None
        for h, _, starts in found:
            if h != top:
                continue
            df = sf.distance(self, starts)
            dt_ = st.distance(self, starts) if stage else 0
            got = (top * max(df, dt_), top * (df + dt_))
            best = got if best is None else min(best, got)
        assert best is not None
        return (-top, 0, 0, *best)

    def exact(self, f: int, t: int) -> tuple[Score, Option] | None:
        """The score and best option of ``plan(P(rep f, rep t))`` (cached)."""
        key = (f, t)
        if key in self._plans:
            return self._plans[key]
        self.planned += 1
        p = self.network.pair(self._reps[f], self._reps[t])
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
                option = _relabel(got[1], self._reps[c].id, schools[i].id)
                partners.append(Partner(rank=len(partners) + 1, school=schools[i].id,
                                        score=score, option=option))
        return Match(school=focal.id, pool=len(schools) - 1, partners=tuple(partners),
                     planned=self.planned - before)

    def match_unpruned(self, index: int, top: int) -> Match:
        """The same ranking by planning every pair (for tests and benchmarks)."""
        schools = self.network.schools
        f = self.cls[index]
        scored = []
        for i in range(len(schools)):
            if i != index and (got := self.exact(f, self.cls[i])) is not None:
                scored.append((got[0], i, got[1]))
        scored.sort(key=lambda x: (x[0], x[1]))
        partners = tuple(
            Partner(rank=r + 1, school=schools[i].id, score=score,
                    option=_relabel(o, self._reps[self.cls[i]].id, schools[i].id))
            for r, (score, i, o) in enumerate(scored[:top]))
        return Match(school=schools[index].id, pool=len(schools) - 1, partners=partners)


def _relabel(option: Option, old: str, new: str) -> Option:
    """The option of a school with identical calendar, with ``new`` for its id."""
    if old == new:
        return option

    def sid(x: str) -> str:
        return new if x == old else x

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
