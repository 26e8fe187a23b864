"""A brute-force network planner, for the agreement test and the benchmark: every
candidate rule, every month, every school judged one by one with
``SchoolCalendar.conflicts`` (the readable validity check of planning.md), with
``zoneinfo`` datetimes and no bit tricks. Returns the JSON view of network.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

# The partnership brute force's own date helpers (one oracle, not the package's code).
from bruteforce import ONE_MICROSECOND as EPS
from bruteforce import WEEKDAY_CODES as WEEKDAYS
from bruteforce import months_between, nth_weekday
from bruteforce import preferred_start as prefer

from twinschedule._tz.zones import get_zone
from twinschedule.core.calendar import build_calendar
from twinschedule.model import Network

NTHS = [1, 2, 3, 4, -1]


def _utc(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reference_network(n: Network, top: int | None = None) -> dict[str, Any]:
    """The options (rule, metrics, months, never, missed, repeat) by brute force: a
    school misses a month when ``SchoolCalendar.conflicts`` finds a reason, and those
    reasons are the ones ``missed`` lists."""
    want = n.top if top is None else top
    cals = [build_calendar(s, start=n.start, end=n.end, duration=n.duration)
            for s in n.schools]
    zone = get_zone(n.anchor)
    duration = dt.timedelta(minutes=n.duration)
    months = months_between(n.start, n.end)
    cands: list[dict[str, Any]] = []
    # (rule, month) -> every school's reasons (empty: it attends)
    why_not: dict[tuple[int, str, int, str], list[Any]] = {}
    for nth in n.weeks:
        for code in n.weekdays:
            wd = WEEKDAYS.index(code)
            dates = [(f"{y:04d}-{m:02d}", nth_weekday(y, m, wd, nth)) for y, m in months]
            dates = [(label, d) for label, d in dates if n.start <= d <= n.end]
            for t in range(0, 1440, n.step):
                rows = []
                bad = False
                for label, d in dates:
                    naive = dt.datetime(d.year, d.month, d.day, t // 60, t % 60)
                    a = naive.replace(tzinfo=zone, fold=0)
                    if a.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
                        bad = True
                        break
                    start = a.astimezone(dt.UTC)
                    end = start + duration
                    if start.astimezone(zone).utcoffset() != (end - EPS).astimezone(
                            zone).utcoffset():
                        bad = True
                        break
                    judged = [cal.conflicts(start, end) for cal in cals]
                    att = [i for i, why in enumerate(judged) if not why]
                    rows.append((label, start, att))
                    why_not[(nth, code, t, label)] = judged
                if bad:
                    continue
                burden = 0
                for _, start, att in rows:
                    for i in att:
                        ls = start.astimezone(get_zone(n.schools[i].timezone))
                        wall = ls.hour * 60 + ls.minute
                        burden += abs(wall - prefer(n.schools[i], ls.date(), n.duration))
                attendance = sum(len(att) for _, _, att in rows)
                reached = {i for _, _, att in rows for i in att}
                cands.append({
                    "rule": (nth, code, t), "rows": rows, "attendance": attendance,
                    "worst": min((len(att) for _, _, att in rows), default=0),
                    "reached": reached, "burden": burden,
                    "tail": (NTHS.index(nth), wd, t)})
    ids = [s.id for s in n.schools]

    def months_view(c: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
        return [(label, _utc(start), [ids[i] for i in att]) for label, start, att in c["rows"]]

    def missed_view(c: dict[str, Any]) -> dict[str, list[tuple[str, list[tuple[str, ...]]]]]:
        out: dict[str, list[tuple[str, list[tuple[str, ...]]]]] = {}
        for i, sid in enumerate(ids):
            for label, _, att in c["rows"]:
                if i not in att:
                    why = why_not[(*c["rule"], label)][i]
                    out.setdefault(sid, []).append(
                        (label, [(r.school, r.reason, r.detail) for r in why]))
        return out

    def rule_view(c: dict[str, Any]) -> tuple[int, str, str]:
        nth, code, t = c["rule"]
        return (nth, code, f"{t // 60:02d}:{t % 60:02d}")

    ranked = sorted((c for c in cands if c["attendance"] > 0),
                    key=lambda c: (-c["attendance"], -c["worst"], -len(c["reached"]),
                                   c["burden"], *c["tail"]))
    options = []
    seen: set[tuple[str, ...]] = set()
    for c in ranked:
        if len(options) >= want:
            break
        inst = tuple(_utc(s) for _, s, _ in c["rows"])
        if inst in seen:
            continue
        seen.add(inst)
        o: dict[str, Any] = {
            "rule": rule_view(c),
            "metrics": {"attendance": c["attendance"], "worst_month": c["worst"],
                        "reached": len(c["reached"]),
                        "possible": len(ids) * len(c["rows"]), "burden": c["burden"]},
            "months": months_view(c),
            "never": [ids[i] for i in range(len(ids)) if i not in c["reached"]],
            "missed": missed_view(c)}
        others = [c2 for c2 in cands if c2["rule"] != c["rule"]]
        if n.sessions == 2 and others:
            first = {label: set(att) for label, _, att in c["rows"]}

            def extra(c2: dict[str, Any], first: dict[str, set[int]] = first) -> int:
                return sum(len(set(att) - first.get(label, set()))
                           for label, _, att in c2["rows"])
            r = min(others,
                    key=lambda c2: (-extra(c2), -c2["attendance"], c2["burden"], *c2["tail"]))
            both = c["reached"] | r["reached"]
            o["repeat"] = {"rule": rule_view(r), "extra": extra(r),
                           "attendance": r["attendance"],
                           "combined": c["attendance"] + extra(r), "months": months_view(r),
                           "never": [ids[i] for i in range(len(ids)) if i not in both]}
        options.append(o)
    return {"candidates": len(cands), "options": options}


def view(plan_dict: dict[str, Any]) -> dict[str, Any]:
    """The same view of ``NetworkPlan.to_dict()``."""
    def months_view(ms: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
        return [(m["month"], m["start"], m["attending"]) for m in ms]

    def rule_view(r: dict[str, Any]) -> tuple[int, str, str]:
        return (r["nth"], r["weekday"], r["time"])

    options = []
    for o in plan_dict["options"]:
        v: dict[str, Any] = {
            "rule": rule_view(o["rule"]), "metrics": o["metrics"],
            "months": months_view(o["months"]), "never": o["never"],
            "missed": {sid: [(x["month"], [(r["school"], r["reason"], r["detail"])
                                          for r in x["reasons"]]) for x in months]
                       for sid, months in o["missed"].items()}}
        if "repeat" in o:
            r = o["repeat"]
            v["repeat"] = {"rule": rule_view(r["rule"]), "extra": r["extra"],
                           "attendance": r["attendance"], "combined": r["combined"],
                           "months": months_view(r["months"]), "never": r["never"]}
        options.append(v)
    return {"candidates": plan_dict["candidates"], "options": options}
