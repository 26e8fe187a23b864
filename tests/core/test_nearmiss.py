"""The near miss of an infeasible plan against a brute force over every candidate rule
(``SchoolCalendar.conflicts`` at each nominal meeting)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import EXAMPLES

import twinschedule
from twinschedule._tz import zones as _zones
from twinschedule._vocab import NTHS, WEEKDAYS
from twinschedule.core.calendar import SchoolCalendar, build_calendars, wall_time
from twinschedule.core.nearmiss import near_miss
from twinschedule.core.rules import months, nth_weekday

# Zones without clock changes: every grid time of the anchor exists exactly once.
CASES: list[dict[str, Any]] = [
    {"partnership": {"id": "x", "name": "X", "start": "2026-10-01", "end": "2026-12-31",
                     "duration": 60, "step": 60, "weekdays": ["MO", "TU", "WE"],
                     "weeks": [1, 2, -1]},
     "schools": [
         {"id": "hnl", "name": "Honolulu", "timezone": "Pacific/Honolulu", "country": "US",
          "subdivision": "HI", "hours": ["08:00-14:00"]},
         {"id": "del", "name": "Delhi", "timezone": "Asia/Kolkata", "country": "IN",
          "hours": ["08:00-13:00"], "closures": [{"from": "2026-11-02", "to": "2026-11-06"}]},
     ]},
    {"partnership": {"id": "y", "name": "Y", "start": "2026-09-01", "end": "2026-11-30",
                     "duration": 45, "step": 120, "anchor": "Asia/Tokyo"},
     "schools": [
         {"id": "tok", "name": "Tokyo", "timezone": "Asia/Tokyo", "hours": ["09:00-12:00"]},
         {"id": "bog", "name": "Bogota", "timezone": "America/Bogota",
          "hours": ["07:00-08:00"], "days": ["MO", "WE", "FR"]},
     ]},
]


def _clock_distance(cal: SchoolCalendar, start: dt.datetime, duration: int,
                    prefer: bool = False) -> int:
    """Minutes from ``start`` to the nearest start whose meeting fits one of the school's
    windows on one of its school days (``prefer``: to the nearest preferred start),
    looking at the local dates a week either side."""
    zone = _zones.get_zone(cal.zone)
    local = start.astimezone(zone).date()
    best = None
    for delta in range(-8, 9):
        d = local + dt.timedelta(days=delta)
        if WEEKDAYS[d.weekday()] not in cal.days:
            continue
        if prefer:
            spans = [(cal.prefer(d), cal.prefer(d))]
        else:
            spans = [(w.start, w.end - duration) for w in cal.open_windows(d)
                     if w.end - w.start >= duration]
        for a, b in spans:
            lo = wall_time(zone, d, a).astimezone(dt.UTC)
            hi = wall_time(zone, d, b).astimezone(dt.UTC)
            gap = dt.timedelta(0) if lo <= start <= hi else min(abs(start - lo),
                                                                 abs(start - hi))
            minutes = int(gap.total_seconds() // 60)
            best = minutes if best is None else min(best, minutes)
    assert best is not None
    return best


def brute(p: twinschedule.Partnership) -> tuple[tuple[int, ...], list[int]]:
    """The near miss by its definition: clock distance summed over months and schools,
    then the largest distance from a preferred start summed over months, then failures
    and the ranking order; every candidate rule judged meeting by meeting."""
    cals = build_calendars(p)
    anchors = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
    best: tuple[tuple[int, ...], list[int]] | None = None
    for ai, anchor in enumerate(anchors):
        zone = _zones.get_zone(anchor)
        for nth in p.weeks:
            for wd in p.weekdays:
                dates = [d for y, m in months(p.start, p.end)
                         if p.start <= (d := nth_weekday(y, m, WEEKDAYS.index(wd), nth)) <= p.end]
                for k in range(1440 // p.step):
                    fails = [0] * len(cals)
                    failed = distance = nearest = 0
                    for d in dates:
                        start = dt.datetime(d.year, d.month, d.day, k * p.step // 60,
                                            k * p.step % 60, tzinfo=zone)
                        end = start + dt.timedelta(minutes=p.duration)
                        bad = [bool(c.conflicts(start, end)) for c in cals]
                        failed += any(bad)
                        fails = [f + b for f, b in zip(fails, bad, strict=True)]
                        utc = start.astimezone(dt.UTC)
                        distance += sum(_clock_distance(c, utc, p.duration) for c in cals)
                        nearest += max(_clock_distance(c, utc, p.duration, prefer=True)
                                       for c in cals)
                    key = (distance, nearest, failed, sum(fails), ai, NTHS.index(nth),
                           WEEKDAYS.index(wd), k)
                    if best is None or key < best[0]:
                        best = (key, fails)
    assert best is not None
    return best


@pytest.mark.parametrize("data", CASES, ids=["honolulu-delhi-small", "tokyo-bogota"])
def test_near_miss_is_the_brute_force_minimum(data: dict[str, Any]) -> None:
    p = twinschedule.from_dict(data)
    plan = twinschedule.plan(p, suggest=False)
    assert not plan.feasible
    nm = near_miss(plan)
    assert nm is not None
    key, fails = brute(p)
    anchors = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
    got = (nm.distance, nm.failed, sum(n for _, n, _ in nm.failures),
           anchors.index(nm.rule.anchor), NTHS.index(nm.rule.nth),
           WEEKDAYS.index(nm.rule.weekday), nm.rule.time // p.step)
    assert got == key[:1] + key[2:]
    assert [n for _, n, _ in nm.failures] == fails
    for _, n, why in nm.failures:
        assert bool(n) == bool(why)
    assert plan.to_dict()["diagnostics"]["near_miss"]["rule"]["text"] == nm.rule.text
    # twinschedule.plan hands the near miss the search's calendars, availabilities and
    # anchor grids: the same near miss as computed afresh here.
    assert plan.diagnostics is not None and plan.diagnostics.near_miss == nm
    assert twinschedule.plan(p).to_dict()["diagnostics"] == plan.to_dict()["diagnostics"]


def test_shipped_infeasible_example() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml"))
    assert plan.diagnostics is not None and plan.diagnostics.near_miss is not None
    nm = plan.diagnostics.near_miss
    # Between the end of Honolulu's day and the start of Delhi's, 120 minutes apart,
    # the near miss shares the gap: Honolulu 45 minutes late, Delhi 75 minutes early
    # (nearest to both preferred times), not one school's night.
    assert (nm.rule.anchor, nm.rule.time) == ("Pacific/Honolulu", 14 * 60 + 45)
    assert nm.distance == 12 * (45 + 75)
    assert dict((sid, n) for sid, n, _ in nm.failures) == {"honolulu": 12, "delhi": 12}
    assert [c.reason for c in nm.failures[0][2]] == ["outside-hours"]


def test_midnight_is_never_closest_when_a_daytime_time_is_as_near() -> None:
    """Two schools 12 hours apart with 7-hour days: every time between the end of one
    school day and the start of the other is as far (the sum of both schools' distances
    is the same); the near miss is the one nearest both preferred times, never 00:00
    (the first time in the ranking order, which the old count of failed months gave)."""
    p = twinschedule.from_dict({
        "partnership": {"id": "m", "name": "M", "start": "2026-10-01", "end": "2026-12-31",
                        "duration": 60, "step": 60, "weekdays": ["TU", "WE"], "weeks": [2],
                        "anchor": "Asia/Kolkata"},
        "schools": [
            {"id": "a", "name": "A", "timezone": "Asia/Kolkata", "hours": ["09:00-16:00"]},
            {"id": "b", "name": "B", "timezone": "America/Panama",
             "hours": ["09:00-16:00"]}]})
    plan = twinschedule.plan(p, suggest=False)
    assert not plan.feasible
    nm = plan.diagnostics.near_miss if plan.diagnostics else None
    assert nm is not None
    key, _ = brute(p)
    assert (nm.distance, nm.rule.time // 60) == (key[0], key[-1])
    # Kolkata is 10:30 ahead of Panama: 16:00 in Kolkata is 05:30 in Panama.
    local_a = nm.rule.time
    assert 7 * 60 <= local_a <= 22 * 60, nm.rule
    assert nm.rule.time != 0


def test_feasible_plans_have_no_diagnostics() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    assert plan.diagnostics is None
