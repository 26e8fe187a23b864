"""Search and ranking: every candidate rule, each month scheduled, moved or skipped,
metrics, de-duplication, the ranking key of planning.md, and diagnostics.

The search is exhaustive and exact. Each school's availability is computed once (as
UTC intervals) and turned into one bit mask of the anchor's start-time grid per anchor
date; all start times of a (anchor, nth, weekday) family are then decided together
with integer bit operations. Full metrics are computed only for candidates that can
still reach the top: candidates are grouped by (held, moved), the first two keys of
the ranking.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import add

from . import _zones
from ._availability import (
    AnchorDay,
    CombinedGrid,
    Intervals,
    SchoolAvailability,
    anchor_days,
    intersect,
    local_days,
    merge,
    partnership_masks,
    school_availability,
    selection,
)
from ._vocab import NTHS, WEEKDAYS, Status
from .calendar import SchoolCalendar, build_calendars
from .model import Conflict, Partnership, Rule
from .outputs import Diagnostics, Meeting, Metrics, Option, Plan, WeeklyOverlap
from .rules import months, move_offsets, nth_weekday


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _add(planes: list[int], mask: int) -> None:
    """Add 1 to the binary counters of every bit set in ``mask`` (bit-sliced)."""
    carry = mask
    for j, plane in enumerate(planes):
        if not carry:
            return
        planes[j] = plane ^ carry
        carry &= plane
    if carry:
        planes.append(carry)


def _equal(planes: list[int], value: int, universe: int) -> int:
    """The bits of ``universe`` whose bit-sliced counter equals ``value``."""
    if value >> len(planes):
        return 0
    m = universe
    for j, plane in enumerate(planes):
        m &= plane if (value >> j) & 1 else ~plane
        if not m:
            break
    return m


@dataclass(slots=True)
class _Family:
    """One (anchor, nth, weekday) with the per-month outcome masks of all its times."""

    anchor_index: int
    nth: int
    weekday: int
    # per month: (nominal day index, scheduled mask, [(moved-to day index, mask), ...])
    months: list[tuple[int, int, list[tuple[int, int]]]]
    excluded: int


@dataclass(slots=True)
class _Anchor:
    name: str
    days: list[AnchorDay]
    valid: list[int]


class _Search:
    def __init__(self, p: Partnership, cals: tuple[SchoolCalendar, ...],
                 avs: Sequence[SchoolAvailability] | None = None,
                 anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None) -> None:
        self.p = p
        self._anchor_grids = anchor_grids if anchor_grids is not None else {}
        self.cals = cals
        self.step = p.step
        self.full = (1 << (1440 // p.step)) - 1
        self.first_day = _zones.day_number(p.start)
        self.last_day = _zones.day_number(p.end)
        self.avs = list(avs) if avs is not None else [school_availability(c) for c in cals]
        self._grids: dict[int, CombinedGrid] = {}
        names = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
        self.anchors = [self._anchor(n) for n in names]
        self.months = months(p.start, p.end)
        self.allowed = frozenset(WEEKDAYS.index(w) for w in p.weekdays)
        self._orders: dict[dt.date, list[int]] = {}
        self.n_times = 1440 // p.step
        self._rows: dict[tuple[int, int], tuple[list[int], list[list[int]], list[list[int]]]] = {}
        self._prefer: list[dict[int, int]] = [{} for _ in cals]

    def _anchor(self, name: str) -> _Anchor:
        days = self._anchor_grids.get((name, self.p.duration))
        if days is None:
            tl = _zones.timeline_for_dates(name, self.p.start, self.p.end)
            days = anchor_days(tl, self.first_day, self.last_day, self.step, self.p.duration)
            self._anchor_grids[(name, self.p.duration)] = days
        combined = partnership_masks(self.avs, days, self.step, self._grids)
        valid = [m & ~day.bad & self.full for m, day in zip(combined, days, strict=True)]
        return _Anchor(name=name, days=days, valid=valid)

    def _order(self, nominal: dt.date) -> list[int]:
        got = self._orders.get(nominal)
        if got is None:
            base = _zones.day_number(nominal) - self.first_day
            month_first = nominal.replace(day=1)
            month_last = nominal.replace(day=monthrange(nominal.year, nominal.month)[1])
            lo = (max(month_first, self.p.start) - nominal).days
            hi = (min(month_last, self.p.end) - nominal).days
            got = [base + k for k in move_offsets(nominal.weekday(), lo, hi, self.allowed,
                                                  self.p.max_move_days)]
            self._orders[nominal] = got
        return got

    def families(self) -> list[_Family]:
        out = []
        move = self.p.on_conflict == "move"
        # Nominal dates of every (nth, weekday), shared by all anchors.
        nominals: dict[tuple[int, int], list[tuple[dt.date, int]]] = {}
        for nth in self.p.weeks:
            for wd_code in self.p.weekdays:
                wd = WEEKDAYS.index(wd_code)
                in_months = [nth_weekday(y, mo, wd, nth) for y, mo in self.months]
                nominals[(nth, wd)] = [(d, _zones.day_number(d) - self.first_day)
                                       for d in in_months if self.p.start <= d <= self.p.end]
        for ai, anchor in enumerate(self.anchors):
            valid = anchor.valid
            # Any start valid on some date of the month: no move can do better.
            month_any: dict[tuple[int, int], int] = {}
            for idx, m in enumerate(valid):
                if m:
                    d = _zones.from_day_number(self.first_day + idx)
                    key = (d.year, d.month)
                    month_any[key] = month_any.get(key, 0) | m
            for (nth, wd), dates in nominals.items():
                fam = _Family(anchor_index=ai, nth=nth, weekday=wd, months=[], excluded=0)
                for d, idx in dates:
                    fam.excluded |= anchor.days[idx].bad
                    sched = valid[idx]
                    remaining = self.full & ~sched & month_any.get((d.year, d.month), 0)
                    moves: list[tuple[int, int]] = []
                    if move and remaining:
                        for idx2 in self._order(d):
                            got = remaining & valid[idx2]
                            if got:
                                moves.append((idx2, got))
                                remaining &= ~got
                                if not remaining:
                                    break
                    fam.months.append((idx, sched, moves))
                out.append(fam)
        return out

    def _pref(self, i: int, local_day: int) -> int:
        prefs = self._prefer[i]
        pref = prefs.get(local_day)
        if pref is None:
            pref = prefs[local_day] = self.cals[i].prefer(_zones.from_day_number(local_day))
        return pref

    def row(self, ai: int, idx: int) -> tuple[list[int], list[list[int]], list[list[int]]]:
        """For the grid times of an anchor date that are valid for the partnership (the
        only ones a held meeting can use): the UTC start, and per school the wall minutes
        after local midnight and the burden (distance from the preferred time).
        Computed once per anchor date and shared by every candidate."""
        key = (ai, idx)
        got = self._rows.get(key)
        if got is not None:
            return got
        step = self.step
        n = self.n_times
        anchor = self.anchors[ai]
        valid = anchor.valid[idx]
        day_pieces = anchor.days[idx].pieces
        starts = [0] * n
        for lo, hi, c in day_pieces:
            starts[lo:hi + 1] = range(c + lo * step, c + (hi + 1) * step, step)
        minutes: list[list[int]] = []
        burdens: list[list[int]] = []
        # Few valid times: compute them one by one; many: whole runs of the grid on one
        # local date of the school, with C-speed list operations.
        dense = valid.bit_count() > 16
        few: dict[int, list[int]] = {}  # valid times of a piece, listed on first use
        for i, av in enumerate(self.avs):
            mins = [0] * n
            burd = [0] * n
            tl = av.tl
            for lo, hi, c in day_pieces:
                a, b = c + lo * step, c + hi * step
                if not dense or tl.changes_between(a - 1, b + 1):
                    if lo not in few:
                        few[lo] = _bits(valid & ((1 << (hi + 1)) - (1 << lo)))
                    for k in few[lo]:
                        s = c + k * step
                        local_day, m = divmod(s + tl.offset(s), 1440)
                        pref = self._pref(i, local_day)
                        mins[k] = m
                        burd[k] = m - pref if m >= pref else pref - m
                    continue
                off = tl.offset(a)
                k = lo
                while k <= hi:
                    wall = c + off + k * step
                    local_day = wall // 1440
                    last = min(hi, ((local_day + 1) * 1440 - 1 - c - off) // step)
                    m0 = wall - local_day * 1440
                    length = last - k + 1
                    pref = self._pref(i, local_day)
                    mins[k:last + 1] = range(m0, m0 + length * step, step)
                    # |m - pref| along the run: falling to the preferred time, then rising.
                    t = max(0, min(length, -((m0 - pref) // step)))
                    burd[k:k + t] = range(pref - m0, pref - m0 - t * step, -step)
                    burd[k + t:last + 1] = range(m0 + t * step - pref, m0 + length * step - pref,
                                                 step)
                    k = last + 1
            minutes.append(mins)
            burdens.append(burd)
        got = (starts, minutes, burdens)
        self._rows[key] = got
        return got


def _metrics(search: _Search, fam: _Family, k: int) -> tuple[tuple[int, ...], tuple[int, ...],
                                                             list[tuple[int, int, bool]]]:
    """(ranking key, held starts, [(month index, held day index or -1, moved)])"""
    bit = 1 << k
    held = moved = 0
    outcome: list[tuple[int, int, bool]] = []
    rows = []
    cache = search._rows
    ai = fam.anchor_index
    for mi, (idx, sched, moves) in enumerate(fam.months):
        where = -1
        was_moved = False
        if sched & bit:
            where = idx
        else:
            for idx2, mask in moves:
                if mask & bit:
                    where, was_moved = idx2, True
                    break
        outcome.append((mi, where, was_moved))
        if where < 0:
            continue
        held += 1
        moved += was_moved
        rows.append(cache.get((ai, where)) or search.row(ai, where))
    drift = 0
    burden = []
    for i in range(len(search.avs)):
        drift += held - max(Counter([r[1][i][k] for r in rows]).values())
        burden.append(sum([r[2][i][k] for r in rows]))
    key = (-held, moved, drift, max(burden), sum(burden), fam.anchor_index,
           NTHS.index(fam.nth), fam.weekday, k * search.step)
    return key, tuple(r[0][k] for r in rows), outcome


def _group_keys(search: _Search, fam: _Family, bits: int, held: int,
                moved: int) -> list[tuple[int, ...]]:
    """The ranking keys of all times ``bits`` of a family that hold ``held`` meetings of
    which ``moved`` moved, computed together: whole rows are added with C-speed list
    operations where every one of these times meets on the nominal date."""
    n = search.n_times
    ai = fam.anchor_index
    schools = range(len(search.avs))
    burden = [[0] * n for _ in schools]
    columns: list[list[list[int | None]]] = [[] for _ in schools]
    for idx, sched, moves in fam.months:
        nominal = bits & sched
        row = search.row(ai, idx) if nominal else None
        if nominal == bits and row is not None:
            for i in schools:
                burden[i] = list(map(add, burden[i], row[2][i]))
                columns[i].append(row[1][i])  # type: ignore[arg-type]
            continue
        parts = [(row, nominal)] if row is not None else []
        parts += [(search.row(ai, idx2), bits & mask) for idx2, mask in moves if bits & mask]
        for i in schools:
            mins: list[int | None] = [None] * n
            burd = [0] * n
            for r, part in parts:
                assert r is not None
                for k in _bits(part):
                    mins[k] = r[1][i][k]
                    burd[k] = r[2][i][k]
            burden[i] = list(map(add, burden[i], burd))
            columns[i].append(mins)
    by_time = [list(zip(*cols, strict=True)) for cols in columns]
    keys: list[tuple[int, ...]] = []
    tail = (ai, NTHS.index(fam.nth), fam.weekday)
    none = {None}
    for k in _bits(bits):
        drift = 0
        for i in schools:
            minutes = by_time[i][k]  # this time's local minute in every month (None: none)
            drift += held - max(map(minutes.count, set(minutes) - none))
        b = [burden[i][k] for i in schools]
        keys.append((-held, moved, drift, max(b), sum(b), *tail, k * search.step))
    return keys


def _usual(counter: Counter[int]) -> int:
    top = max(counter.values())
    return min(m for m, c in counter.items() if c == top)


def _conflicts(cals: tuple[SchoolCalendar, ...], start: dt.datetime,
               duration: int) -> tuple[Conflict, ...]:
    end = start + dt.timedelta(minutes=duration)
    return tuple(c for cal in cals for c in cal.conflicts(start, end))


def _option(search: _Search, rank: int, fam: _Family, k: int,
            outcome: list[tuple[int, int, bool]]) -> Option:
    p = search.p
    anchor = search.anchors[fam.anchor_index]
    rule = Rule(nth=fam.nth, weekday=WEEKDAYS[fam.weekday], time=k * search.step,
                anchor=anchor.name, duration=p.duration)
    zones = [_zones.get_zone(s.timezone) for s in p.schools]
    meetings: list[Meeting] = []
    counters: list[Counter[int]] = [Counter() for _ in p.schools]
    burdens = [0] * len(p.schools)
    scheduled = moved = skipped = 0
    for mi, where, was_moved in outcome:
        idx = fam.months[mi][0]
        nominal = _zones.from_minutes(anchor.days[idx].start(k, search.step))
        d = _zones.from_day_number(search.first_day + idx)
        month = f"{d.year:04d}-{d.month:02d}"
        status: Status
        if where < 0:
            status = "skipped"
            skipped += 1
        elif was_moved:
            status = "moved"
            moved += 1
        else:
            status = "scheduled"
            scheduled += 1
        reasons = () if status == "scheduled" else _conflicts(search.cals, nominal, p.duration)
        if where < 0:
            meetings.append(Meeting(month=month, status=status, nominal=nominal, start=None,
                                    end=None, local=None, reasons=reasons))
            continue
        starts, mins, burd = search.row(fam.anchor_index, where)
        start = _zones.from_minutes(starts[k])
        for i in range(len(p.schools)):
            counters[i][mins[i][k]] += 1
            burdens[i] += burd[i][k]
        meetings.append(Meeting(
            month=month, status=status, nominal=nominal, start=start,
            end=start + dt.timedelta(minutes=p.duration),
            local=tuple((sch.id, start.astimezone(z)) for sch, z in zip(p.schools, zones,
                                                                          strict=True)),
            reasons=reasons))
    held = scheduled + moved
    usual = [_usual(c) for c in counters]
    drift = sum(held - c[u] for c, u in zip(counters, usual, strict=True))
    metrics = Metrics(held=held, scheduled=scheduled, moved=moved, skipped=skipped,
                      drift=drift, max_burden=max(burdens), total_burden=sum(burdens))
    ids = [s.id for s in p.schools]
    return Option(rank=rank, rule=rule, metrics=metrics,
                  usual_times=tuple(zip(ids, usual, strict=True)),
                  burdens=tuple(zip(ids, burdens, strict=True)), meetings=tuple(meetings))


def _weekly_overlap(search: _Search) -> WeeklyOverlap:
    common: list[tuple[int, int]] | None = None
    for av in search.avs:
        cal = av.cal
        first_day = _zones.day_number(search.p.start)
        last_day = _zones.day_number(search.p.end)
        spans: list[tuple[int, int]] = []
        for u0, u1, day, off in local_days(av.tl, av.first, av.last):
            if not first_day <= day <= last_day:
                continue
            d = _zones.from_day_number(day)
            if WEEKDAYS[d.weekday()] not in cal.days:
                continue
            ml = day * 1440
            for w in cal.windows(d):
                a = max(u0, ml + w.start - off)
                b = min(u1, ml + w.end - off)
                if a < b:
                    spans.append((a, b - 1))
        merged = merge(spans)
        common = merged if common is None else intersect(common, merged)
    best: tuple[int, int] | None = None
    for a, b in common or []:
        if best is None or b - a > best[1] - best[0]:
            best = (a, b)
    if best is None:
        return WeeklyOverlap(minutes=0, weekday=None, start=None, end=None)
    a, b = best
    return WeeklyOverlap(minutes=b + 1 - a, weekday=WEEKDAYS[(a // 1440 + 3) % 7],
                         start=a % 1440, end=(b + 1) % 1440)


class _PhaseGrids:
    """One school's condition on the UTC grid, built per phase on first use."""

    def __init__(self, intervals: Intervals, step: int, lo: int, hi: int) -> None:
        self._args = (intervals, step, lo, hi)
        self._grids: dict[int, CombinedGrid] = {}

    def __call__(self, phase: int) -> CombinedGrid:
        got = self._grids.get(phase)
        if got is None:
            intervals, step, lo, hi = self._args
            got = self._grids[phase] = CombinedGrid([intervals], phase, step, lo, hi)
        return got


def _diagnostics(search: _Search, fams: list[_Family]) -> Diagnostics:
    """``ruled_out``: over every candidate rule and month, how often each school failed
    each condition at the nominal meeting; and the longest weekly overlap."""
    step = search.step
    # Each anchor date weighs as many times as it is the nominal date of a family whose
    # every time is a candidate; families with excluded times are counted date by date.
    weights: list[Counter[int]] = [Counter() for _ in search.anchors]
    partial: list[list[tuple[int, int]]] = [[] for _ in search.anchors]
    for fam in fams:
        keep = search.full & ~fam.excluded
        for idx, _, _ in fam.months:
            if keep == search.full:
                weights[fam.anchor_index][idx] += 1
            elif keep:
                partial[fam.anchor_index].append((idx, keep))
    ruled: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    selections: list[dict[int, dict[int, int]]] | None = None
    for cal in search.cals:
        av = school_availability(cal, with_reasons=True)
        if selections is None:
            selections = [selection([(anchor.days[i], w) for i, w in weights[ai].items()],
                                    step, av.first, av.last)
                          for ai, anchor in enumerate(search.anchors)]
        counts: dict[str, int] = {}
        for code, intervals in av.by_reason.items():
            if not intervals:
                continue
            grid = _PhaseGrids(intervals, step, av.first, av.last)
            total = 0
            for ai, anchor in enumerate(search.anchors):
                for phase, by_weight in selections[ai].items():
                    value = grid(phase).value
                    total += sum(w * (value & sel).bit_count() for w, sel in by_weight.items())
                for idx, keep in partial[ai]:
                    m = 0
                    for k_lo, k_hi, c in anchor.days[idx].pieces:
                        first = c + k_lo * step
                        m |= grid(first % step).mask(first, k_hi - k_lo + 1) << k_lo
                    total += (m & keep).bit_count()
            if total:
                counts[code] = total
        ruled.append((cal.school.id, tuple(sorted(counts.items()))))
    return Diagnostics(ruled_out=tuple(ruled), weekly_overlap=_weekly_overlap(search))


def plan(partnership: Partnership, *, top: int | None = None,
         calendars: tuple[SchoolCalendar, ...] | None = None,
         availabilities: Sequence[SchoolAvailability] | None = None,
         anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None,
         diagnostics: bool = True) -> Plan:
    """Search every candidate rule of ``partnership`` and rank them (planning.md).

    ``top`` overrides the partnership's own ``top``. Pure: reads no file and no clock.
    ``calendars`` and ``availabilities`` (one per school, in order) may be given when
    already computed for exactly this partnership, e.g. by the suggestions, which re-plan
    small changes; ``anchor_grids`` caches the anchors' start-time grids by (zone,
    duration) across plans of one horizon and step; ``diagnostics=False`` leaves them
    out of an infeasible plan.
    """
    p = partnership
    want = top if top is not None else p.top
    cals = calendars if calendars is not None else build_calendars(p)
    search = _Search(p, cals, availabilities, anchor_grids)
    fams = search.families()
    # Count held and moved meetings of every grid time of a family at once, as binary
    # counters stored in bit planes (plane j holds bit j of every time's count).
    counted: list[tuple[int, list[int], list[int]]] = []
    candidates = 0
    for fam in fams:
        keep = search.full & ~fam.excluded
        candidates += keep.bit_count()
        held: list[int] = []
        moved: list[int] = []
        union = 0
        for _, sched, moves in fam.months:
            _add(held, sched & keep)
            union |= sched
            for _, mask in moves:
                _add(held, mask & keep)
                _add(moved, mask & keep)
                union |= mask
        counted.append((union & keep, held, moved))
    options: list[Option] = []
    seen: set[tuple[int, ...]] = set()
    most = max((len(f.months) for f in fams), default=0)
    # Groups of equal (held, moved), best first: the first two keys of the ranking.
    for h in range(most, 0, -1):
        with_h = [(fi, m) for fi, (union, held, _) in enumerate(counted)
                  if (m := _equal(held, h, union))]
        for mv in range(h + 1):
            if not with_h or len(options) >= want:
                break
            scored: list[tuple[tuple[int, ...], int]] = []
            for fi, m in with_h:
                bits = _equal(counted[fi][2], mv, m)
                if bits:
                    scored.extend((key, fi) for key in _group_keys(search, fams[fi], bits,
                                                                    h, mv))
            scored.sort()
            for key, fi in scored:
                if len(options) >= want:
                    break
                k = key[-1] // search.step
                exact, starts, outcome = _metrics(search, fams[fi], k)
                assert exact == key
                if starts in seen:
                    continue
                seen.add(starts)
                options.append(_option(search, len(options) + 1, fams[fi], k, outcome))
        if len(options) >= want:
            break
    diag = None if options or not diagnostics else _diagnostics(search, fams)
    return Plan(partnership=p, tzdata=_zones.IANA_VERSION, options=tuple(options),
                diagnostics=diag, candidates=candidates)
