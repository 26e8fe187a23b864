"""The near miss of an infeasible plan: the candidate rule that comes closest.

Every candidate rule (anchor, nth, weekday, start time) is judged on its nominal
meetings only (no moves). "Closest" is measured in minutes of clock time (explain.md):
for each school, the *distance* of a meeting is how far its start lies from the
nearest start whose meeting fits one of the school's windows (its hours and stretch
windows) on one of its school days (terms, closures, holidays and busy times aside):
0 inside, else the minutes it would have to move. The near miss is the rule with the
smallest distance summed over its months and the schools; at an equal distance, the
one whose meetings lie nearest to every school's preferred time (the largest of the
schools' distances from their preferred starts, summed over the months), so a
meeting in a school's night is never shown when a daytime one is as near; then the
fewest months in which some school rules its nominal meeting out, the fewest (month,
school) failures, and the ranking order of planning.md (anchor, nth, weekday, time).
It says, per school, in how many months that school rules it out, and why: the
reasons of the month with the fewest of them (the earliest such month), as in a moved
or skipped meeting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from operator import add

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import NTHS, WEEKDAYS, nth_of
from twinschedule.core.availability import (
    AnchorDay,
    GridStarts,
    SchoolAvailability,
    anchor_days,
    school_availability,
)
from twinschedule.core.calendar import SchoolCalendar, build_calendars, wall_time
from twinschedule.core.plan import Cause, HoursIn, NearMiss, Plan
from twinschedule.core.rules import months, nth_weekday
from twinschedule.model import Conflict, Partnership, Rule


def _row(mask: int, n: int) -> bytes:
    """The ``n`` low bits of ``mask`` as ASCII ``0``/``1`` bytes, bit 0 first (added up
    with C-speed ``map``; every row adds ``ord('0')`` to each count)."""
    return format(mask, f"0{n}b")[::-1].encode("ascii")


def near_miss(plan: Plan, *, calendars: tuple[SchoolCalendar, ...] | None = None,
              availabilities: Sequence[SchoolAvailability] | None = None,
              anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None
              ) -> NearMiss | None:
    """The candidate rule of ``plan``'s partnership that fails in the fewest months, and
    why. ``calendars``, ``availabilities`` and ``anchor_grids`` may be those the search
    computed for exactly this partnership (as in ``planner.plan``)."""
    p = plan.partnership
    cals = calendars if calendars is not None else build_calendars(p)
    avs = list(availabilities) if availabilities is not None else [
        school_availability(c) for c in cals]
    grids = anchor_grids if anchor_grids is not None else {}
    first_day = _zones.day_number(p.start)
    n = MINUTES_PER_DAY // p.step
    full = (1 << n) - 1
    names = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
    best: tuple[tuple[int, ...], Rule, list[int], int] | None = None
    starts = [GridStarts([av.valid], p.step, av.first, av.last) for av in avs]
    clocks = [_Clock.of(cal, p) for cal in cals]
    for ai, anchor in enumerate(names):
        days = _anchor_days(p, anchor, grids)
        rows: dict[int, tuple[list[int], list[int]]] = {}
        # Per school, the grid times of every anchor date that the school accepts.
        masks = [[s.mask(day.pieces) for day in days] for s in starts]
        for nth in p.weeks:
            for wd_code in p.weekdays:
                wd = WEEKDAYS.index(wd_code)
                idxs = [_zones.day_number(d) - first_day for d in _nominal_dates(p, wd, nth)]
                if not idxs:
                    continue
                excluded = 0
                for idx in idxs:
                    excluded |= days[idx].bad
                per_school = [[0] * n for _ in masks]
                any_school = [0] * n
                distance = [0] * n
                nearest = [0] * n
                for idx in idxs:
                    if idx not in rows:
                        rows[idx] = _distances(clocks, days[idx], p.step, n)
                    distance = list(map(add, distance, rows[idx][0]))
                    nearest = list(map(add, nearest, rows[idx][1]))
                    both = full
                    for i, m in enumerate(masks):
                        both &= m[idx]
                        per_school[i] = list(map(add, per_school[i], _row(~m[idx] & full, n)))
                    any_school = list(map(add, any_school, _row(~both & full, n)))
                zero = ord("0") * len(idxs)
                per_school = [[c - zero for c in counts] for counts in per_school]
                any_school = [c - zero for c in any_school]
                totals = [sum(col) for col in zip(*per_school, strict=True)]
                for k in range(n):
                    if excluded >> k & 1:
                        continue
                    key: tuple[int, ...] = (distance[k], nearest[k], any_school[k],
                                            totals[k], ai, NTHS.index(nth), wd, k)
                    if best is None or key < best[0]:
                        rule = Rule(nth=nth_of(nth), weekday=wd_code, time=k * p.step,
                                    anchor=anchor, duration=p.duration)
                        best = (key, rule, [c[k] for c in per_school], len(idxs))
    if best is None:
        return None
    found, rule, fails, total = best
    return NearMiss(rule=rule, months=total, failed=found[2],
                    failures=tuple(_why(plan, cals, rule, i, f) for i, f in enumerate(fails)),
                    distance=found[0])


#: The distance of a school without any window long enough on a school day.
FAR = 7 * MINUTES_PER_DAY


@dataclasses.dataclass(frozen=True, slots=True)
class _Clock:
    """One school's clock for the near miss: the UTC starts (inclusive intervals) whose
    meeting fits one of its windows on one of its school days, and the UTC instants of
    its preferred starts on those days, around the horizon."""

    fit_starts: list[int]
    fit_ends: list[int]
    prefs: list[int]

    @classmethod
    def of(cls, cal: SchoolCalendar, p: Partnership) -> _Clock:
        first = p.start - dt.timedelta(days=7)
        last = p.end + dt.timedelta(days=7)
        tl = _zones.timeline_for_dates(cal.zone, first, last)
        starts: list[int] = []
        ends: list[int] = []
        prefs: list[int] = []

        def utc(day: int, wall: int) -> int:
            guess = day * MINUTES_PER_DAY + wall
            return guess - tl.offset(guess - tl.offset(guess))

        for n in range(_zones.day_number(first), _zones.day_number(last) + 1):
            d = _zones.from_day_number(n)
            if WEEKDAYS[d.weekday()] not in cal.days:
                continue
            for w in cal.open_windows(d):
                if w.end - w.start >= p.duration:
                    a, b = utc(n, w.start), utc(n, w.end - p.duration)
                    if starts and a <= ends[-1] + 1:
                        ends[-1] = max(ends[-1], b)
                    else:
                        starts.append(a)
                        ends.append(b)
            prefs.append(utc(n, cal.prefer(d)))
        return cls(fit_starts=starts, fit_ends=ends, prefs=sorted(prefs))


def runs(starts: list[int], ends: list[int], u0: int, step: int, count: int) -> list[int]:
    """The minutes from each of ``u0 + j * step`` (``j < count``) to the nearest of the
    sorted, disjoint, inclusive intervals ``[starts[i], ends[i]]`` (0 inside), built run
    by run (rising away from one interval, falling towards the next) with ranges."""
    n = len(starts)
    if not n:
        return [FAR] * count
    out: list[int] = []
    i = bisect_left(ends, u0)
    j = 0
    while j < count:
        u = u0 + j * step
        while i < n and ends[i] < u:
            i += 1
        if i < n and starts[i] <= u:  # inside
            m = min(count - j, (ends[i] - u) // step + 1)
            out += [0] * m
        elif i < n and (i == 0 or 2 * u > ends[i - 1] + starts[i]):  # towards the next
            nxt = starts[i]
            m = min(count - j, (nxt - u - 1) // step + 1)
            out += range(nxt - u, nxt - u - m * step, -step)
        else:  # away from the previous, up to half way to the next
            prev = ends[i - 1]
            m = count - j if i == n else min(count - j,
                                              (prev + starts[i] - 2 * u) // (2 * step) + 1)
            out += range(u - prev, u - prev + m * step, step)
        j += m
    return out


def _distances(clocks: list[_Clock], day: AnchorDay, step: int, n: int
               ) -> tuple[list[int], list[int]]:
    """For every grid time of an anchor date: the schools' distances from a fitting
    start, summed, and the largest of their distances from a preferred start."""
    fit = [[0] * n for _ in clocks]
    pref = [[0] * n for _ in clocks]
    for lo, hi, origin in day.pieces:
        u0 = origin + lo * step
        for i, c in enumerate(clocks):
            fit[i][lo:hi + 1] = runs(c.fit_starts, c.fit_ends, u0, step, hi - lo + 1)
            pref[i][lo:hi + 1] = runs(c.prefs, c.prefs, u0, step, hi - lo + 1)
    total = fit[0]
    for row in fit[1:]:
        total = list(map(add, total, row))
    return total, list(map(max, *pref)) if len(pref) > 1 else pref[0]


def _anchor_days(p: Partnership, anchor: str,
                 grids: dict[tuple[str, int], list[AnchorDay]]) -> list[AnchorDay]:
    """The anchor dates' grids of ``anchor`` (cached in ``grids``, as the planner does)."""
    days = grids.get((anchor, p.duration))
    if days is None:
        tl = _zones.timeline_for_dates(anchor, p.start, p.end)
        days = grids[(anchor, p.duration)] = anchor_days(
            tl, _zones.day_number(p.start), _zones.day_number(p.end), p.step, p.duration)
    return days


def _nominal_dates(p: Partnership, wd: int, nth: int) -> list[dt.date]:
    """The nominal dates of the (nth, weekday) rule in the horizon, month by month."""
    out = []
    for y, mo in months(p.start, p.end):
        d = nth_weekday(y, mo, wd, nth)
        if p.start <= d <= p.end:
            out.append(d)
    return out


def _why(plan: Plan, cals: tuple[SchoolCalendar, ...], rule: Rule, i: int, fails: int
         ) -> tuple[str, int, tuple[Conflict, ...]]:
    """(school id, months it rules the rule out, the conflicts of its month with the
    fewest)."""
    p = plan.partnership
    cal = cals[i]
    zone = _zones.get_zone(rule.anchor)
    if fails:
        seen: list[tuple[Conflict, ...]] = []
        for d in _nominal_dates(p, WEEKDAYS.index(rule.weekday), rule.nth):
            start = dt.datetime(d.year, d.month, d.day, rule.time // 60, rule.time % 60,
                                tzinfo=zone)
            got = cal.conflicts(start, start + dt.timedelta(minutes=p.duration))
            if got:
                seen.append(tuple(got))
        if seen:  # the month with the fewest reasons (the earliest of those)
            return (cal.school.id, fails, min(seen, key=len))
    return (cal.school.id, fails, ())


def with_near_miss(plan: Plan, *, calendars: tuple[SchoolCalendar, ...] | None = None,
                   availabilities: Sequence[SchoolAvailability] | None = None,
                   anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None
                   ) -> Plan:
    """``plan`` with the near miss and the cause that decides in its diagnostics
    (unchanged when feasible)."""
    if plan.diagnostics is None:
        return plan
    cals = calendars if calendars is not None else build_calendars(plan.partnership)
    found = near_miss(plan, calendars=cals, availabilities=availabilities,
                      anchor_grids=anchor_grids)
    return dataclasses.replace(plan, diagnostics=dataclasses.replace(
        plan.diagnostics, near_miss=found, cause=cause(plan, cals)))


def cause(plan: Plan, cals: Sequence[SchoolCalendar]) -> Cause:
    """The first cause that decides why ``plan`` (infeasible) holds no meeting, checked
    in the order of explain.md: a school with no open day in the horizon, windows that
    never overlap, an overlap shorter than the meeting; else what ruled them out."""
    p = plan.partnership
    for cal in cals:
        if not any(not cal.day_conflicts(p.start + dt.timedelta(days=k))
                   for k in range((p.end - p.start).days + 1)):
            return _no_open_day(cal, p)
    overlap = plan.diagnostics.weekly_overlap.minutes if plan.diagnostics else 0
    if overlap == 0:
        return Cause(kind="no-overlap", hours=hours_in(p, cals))
    if overlap < p.duration:
        return Cause(kind="short-overlap", overlap=overlap)
    return Cause(kind="ruled-out")


def _no_open_day(cal: SchoolCalendar, p: Partnership) -> Cause:
    """A school closed on every day of the horizon; when none of its terms meets the
    horizon, the end of the last term before it and the start of the first after it."""
    terms = cal.school.terms
    end = start = None
    if terms and not any(t.first <= p.end and t.last >= p.start for t in terms):
        end = max((t.last for t in terms if t.last < p.start), default=None)
        start = min((t.first for t in terms if t.first > p.end), default=None)
    return Cause(kind="no-open-day", school=cal.school.id, terms_end=end, terms_start=start)


def hours_in(p: Partnership, cals: Sequence[SchoolCalendar]) -> tuple[HoursIn, ...]:
    """Each school's hours on another school's clock (the second school's for the first,
    the first school's for the others), on the school's first school day of the
    horizon."""
    out = []
    for i, cal in enumerate(cals):
        other = cals[1 if i == 0 else 0]
        day = next((p.start + dt.timedelta(days=k) for k in range(7)
                    if WEEKDAYS[(p.start + dt.timedelta(days=k)).weekday()] in cal.days),
                    p.start)
        zone, there = _zones.get_zone(cal.zone), _zones.get_zone(other.zone)
        windows = []
        for w in cal.windows(day):
            local = wall_time(zone, day, w.start).astimezone(there)
            a = local.hour * 60 + local.minute
            windows.append((w, a, a + w.end - w.start))
        out.append(HoursIn(school=cal.school.id, other=other.school.id,
                           windows=tuple(windows)))
    return tuple(out)
