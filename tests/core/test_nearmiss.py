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
from twinschedule.core.calendar import build_calendars
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


def brute(p: twinschedule.Partnership) -> tuple[tuple[int, ...], list[int]]:
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
                    failed = 0
                    for d in dates:
                        start = dt.datetime(d.year, d.month, d.day, k * p.step // 60,
                                            k * p.step % 60, tzinfo=zone)
                        end = start + dt.timedelta(minutes=p.duration)
                        bad = [bool(c.conflicts(start, end)) for c in cals]
                        failed += any(bad)
                        fails = [f + b for f, b in zip(fails, bad, strict=True)]
                    key = (failed, sum(fails), ai, NTHS.index(nth), WEEKDAYS.index(wd), k)
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
    got = (nm.failed, sum(n for _, n, _ in nm.failures), anchors.index(nm.rule.anchor),
           NTHS.index(nm.rule.nth), WEEKDAYS.index(nm.rule.weekday), nm.rule.time // p.step)
    assert got == key
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
    # Delhi accepts this rule every month; Honolulu's day has ended.
    assert dict((sid, n) for sid, n, _ in nm.failures) == {"honolulu": 12, "delhi": 0}
    assert [c.reason for c in nm.failures[0][2]] == ["outside-hours"]


def test_feasible_plans_have_no_diagnostics() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    assert plan.diagnostics is None
