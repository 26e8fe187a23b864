"""A straightforward brute-force planner, written from planning.md and sharing no code
with twinschedule's search (planner, _availability, rules): it evaluates every
candidate meeting with ``zoneinfo`` conversions and the readable calendar checks
(``SchoolCalendar.conflicts``), memoised per (anchor, date, time).

Used by the benchmark (speed ratio and agreement) and by the test suite (agreement on
random inputs)."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections import Counter
from typing import Any

from twinschedule import _zones
from twinschedule.calendar import build_calendars
from twinschedule.model import Partnership

WD = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NTH_ORDER = [1, 2, 3, 4, -1]


def nominal_date(y: int, m: int, wd: int, nth: int) -> dt.date:
    days = [dt.date(y, m, d) for d in range(1, pycal.monthrange(y, m)[1] + 1)
            if dt.date(y, m, d).weekday() == wd]
    return days[nth - 1] if nth > 0 else days[-1]


def plan_summary(plan: Any) -> list[dict[str, Any]]:
    """A twinschedule ``Plan``'s options in the shape ``reference_plan`` returns."""
    return [{"nth": o.rule.nth, "weekday": o.rule.weekday, "time": o.rule.time,
             "anchor": o.rule.anchor,
             "metrics": {"held": o.metrics.held, "moved": o.metrics.moved,
                         "drift": o.metrics.drift, "max_burden": o.metrics.max_burden,
                         "total_burden": o.metrics.total_burden},
             "meetings": [(m.month, m.status, m.start) for m in o.meetings]}
            for o in plan.options]


def reference_plan(p: Partnership, top: int | None = None) -> list[dict[str, Any]]:
    cals = build_calendars(p)
    anchors = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
    dur = dt.timedelta(minutes=p.duration)
    memo: dict[tuple[str, dt.date, int], tuple[str, dt.datetime | None]] = {}

    def meeting(anchor: str, d: dt.date, t: int) -> tuple[str, dt.datetime | None]:
        """('bad'|'invalid'|'valid', UTC start)"""
        key = (anchor, d, t)
        if key in memo:
            return memo[key]
        zone = _zones.get_zone(anchor)
        naive = dt.datetime(d.year, d.month, d.day, t // 60, t % 60)
        a = naive.replace(tzinfo=zone, fold=0)
        b = naive.replace(tzinfo=zone, fold=1)
        result: tuple[str, dt.datetime | None]
        if a.utcoffset() != b.utcoffset():
            result = ("bad", None)
        else:
            s = a.astimezone(dt.UTC)
            back = s.astimezone(zone)
            if back.replace(tzinfo=None) != naive:
                result = ("bad", None)
            else:
                # spans an offset change: a change strictly inside (s, s + duration);
                # changes happen on whole minutes, so compare s and the last minute.
                off0 = s.astimezone(zone).utcoffset()
                last = s + dt.timedelta(minutes=p.duration - 1)
                spans = last.astimezone(zone).utcoffset() != off0
                if spans:
                    result = ("bad", None)
                else:
                    ok = all(not c.conflicts(s, s + dur) for c in cals)
                    result = ("valid" if ok else "invalid", s)
        memo[key] = result
        return result

    months = []
    y, m = p.start.year, p.start.month
    while (y, m) <= (p.end.year, p.end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    allowed = {WD.index(w) for w in p.weekdays}
    found = []
    for ai, anchor in enumerate(anchors):
        for nth in p.weeks:
            for wdc in p.weekdays:
                wd = WD.index(wdc)
                for t in range(0, 1440, p.step):
                    excluded = False
                    outcome = []
                    for y, m in months:
                        d = nominal_date(y, m, wd, nth)
                        if not p.start <= d <= p.end:
                            continue
                        kind, s = meeting(anchor, d, t)
                        if kind == "bad":
                            excluded = True
                            break
                        if kind == "valid":
                            outcome.append((f"{y:04d}-{m:02d}", "scheduled", s))
                            continue
                        best = None
                        if p.on_conflict == "move":
                            opts = []
                            for day in range(1, pycal.monthrange(y, m)[1] + 1):
                                d2 = dt.date(y, m, day)
                                delta = (d2 - d).days
                                if d2 == d or not p.start <= d2 <= p.end:
                                    continue
                                if d2.weekday() not in allowed:
                                    continue
                                if p.max_move_days is not None and abs(delta) > p.max_move_days:
                                    continue
                                k2, s2 = meeting(anchor, d2, t)
                                if k2 == "valid":
                                    opts.append((abs(delta), -delta, s2))
                            if opts:
                                best = min(opts, key=lambda o: (o[0], o[1]))[2]
                        outcome.append((f"{y:04d}-{m:02d}", "moved" if best else "skipped",
                                        best))
                    if excluded:
                        continue
                    held = [o for o in outcome if o[2] is not None and o[1] != "skipped"]
                    if not held:
                        continue
                    counters = [Counter[str]() for _ in cals]
                    burdens = [0] * len(cals)
                    for _, _, s in held:
                        assert s is not None
                        for i, c in enumerate(cals):
                            loc = s.astimezone(_zones.get_zone(c.zone))
                            mins = loc.hour * 60 + loc.minute
                            counters[i][f"{loc:%H:%M}"] += 1
                            burdens[i] += abs(mins - c.prefer(loc.date()))
                    drift = 0
                    for cnt in counters:
                        drift += len(held) - max(cnt.values())
                    moved = sum(1 for o in held if o[1] == "moved")
                    key = (-len(held), moved, drift, max(burdens), sum(burdens), ai,
                           NTH_ORDER.index(nth), wd, t)
                    found.append((key, tuple(o[2] for o in held), {
                        "nth": nth, "weekday": wdc, "time": t, "anchor": anchor,
                        "metrics": {"held": len(held), "moved": moved, "drift": drift,
                                    "max_burden": max(burdens),
                                    "total_burden": sum(burdens)},
                        "meetings": [(mo, st, s) for mo, st, s in outcome],
                    }))
    found.sort(key=lambda f: f[0])
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for _, starts, info in found:
        if starts in seen:
            continue
        seen.add(starts)
        out.append(info)
        if len(out) == (top or p.top):
            break
    return out
