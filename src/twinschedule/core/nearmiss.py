"""The near miss of an infeasible plan: the candidate rule that comes closest.

Every candidate rule (anchor, nth, weekday, start time) is judged on its nominal
meetings only (no moves). A rule *fails in a month* when some school rules its nominal
meeting out. The near miss is the rule that fails in the fewest months; among those,
the one with the fewest (month, school) failures (one school failing every month comes
before both failing); then the ranking order of planning.md (anchor, nth, weekday,
time). It says, per school, in how many months that school rules it out, and why: the
reasons of the month with the fewest of them (the earliest such month), as in a moved
or skipped meeting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from twinschedule.core.calendar import SchoolCalendar, build_calendars
from twinschedule.core.plan import NearMiss, Plan
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
    best: tuple[tuple[int, int, int, int, int, int], Rule, list[int], int] | None = None
    starts = [GridStarts([av.valid], p.step, av.first, av.last) for av in avs]
    for ai, anchor in enumerate(names):
        days = _anchor_days(p, anchor, grids)
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
                for idx in idxs:
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
                    key = (any_school[k], totals[k], ai, NTHS.index(nth), wd, k)
                    if best is None or key < best[0]:
                        rule = Rule(nth=nth_of(nth), weekday=wd_code, time=k * p.step,
                                    anchor=anchor, duration=p.duration)
                        best = (key, rule, [c[k] for c in per_school], len(idxs))
    if best is None:
        return None
    key, rule, fails, total = best
    return NearMiss(rule=rule, months=total, failed=key[0],
                    failures=tuple(_why(plan, cals, rule, i, f) for i, f in enumerate(fails)))


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
    """``plan`` with the near miss in its diagnostics (unchanged when feasible)."""
    if plan.diagnostics is None:
        return plan
    found = near_miss(plan, calendars=calendars, availabilities=availabilities,
                      anchor_grids=anchor_grids)
    return dataclasses.replace(plan, diagnostics=dataclasses.replace(
        plan.diagnostics, near_miss=found))
