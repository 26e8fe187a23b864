"""Shared hypothesis strategies: random schools, zones and partnerships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

TRICKY_ZONES = [
    "Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
    "Asia/Kathmandu", "Pacific/Chatham", "Africa/Casablanca", "America/Santiago",
    "America/St_Johns", "Asia/Kolkata", "Pacific/Honolulu", "Pacific/Auckland",
    "Africa/Nairobi", "Asia/Tehran", "America/Los_Angeles", "Europe/Berlin",
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _hm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


@st.composite
def windows(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(1, 2))
    points = sorted(draw(st.lists(st.integers(0, 96), min_size=2 * n, max_size=2 * n,
                                  unique=True)))
    return [f"{_hm(points[2 * i] * 15)}-{_hm(points[2 * i + 1] * 15)}" for i in range(n)]


@st.composite
def schools(draw: st.DrawFn, index: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    s: dict[str, Any] = {
        "id": f"s{index}",
        "name": draw(st.sampled_from(["Lycée", "مدرسة الرياض", "北京学校", "School", "विद्यालय"]))
        + f" {index}",
        "timezone": draw(st.sampled_from(TRICKY_ZONES)),
        "hours": draw(windows()),
    }
    if draw(st.booleans()):
        s["days"] = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7,
                                  unique=True))
    if draw(st.integers(0, 4)) == 0:
        s["country"] = draw(st.sampled_from(["GB", "US", "AU", "KE"]))
    if draw(st.booleans()):
        s["prefer"] = _hm(draw(st.integers(0, 95)) * 15)
    span = (end - start).days
    if draw(st.booleans()):
        a = start + dt.timedelta(days=draw(st.integers(0, span)))
        b = a + dt.timedelta(days=draw(st.integers(0, 6)))
        s["closures"] = [{"from": a, "to": b, "name": "Closed for test"}]
    if draw(st.booleans()):
        on = start + dt.timedelta(days=draw(st.integers(0, span)))
        f = draw(st.integers(0, 94)) * 15
        s["busy"] = [{"on": on, "from": _hm(f), "to": _hm(f + 15 * draw(st.integers(1, 8))
                                                           if f + 120 < 1440 else 1440),
                      "name": "Assembly"}]
    if draw(st.integers(0, 2)) == 0:  # a weekly busy time (the planner and the brute
        f = draw(st.integers(0, 94)) * 15  # force must agree on it too)
        s.setdefault("busy", []).append(
            {"every": draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3,
                                    unique=True)),
             "from": _hm(f), "to": _hm(min(1440, f + 15 * draw(st.integers(1, 8)))),
             "name": "Staff meeting"})
    if draw(st.integers(0, 3)) == 0:
        a = start + dt.timedelta(days=draw(st.integers(0, span)))
        s["terms"] = [{"from": start - dt.timedelta(days=10), "to": a, "name": "Term"}]
    if draw(st.booleans()):
        s["hours_by_day"] = {draw(st.sampled_from(WEEKDAYS)): draw(windows())}
    return s


@st.composite
def partnerships(draw: st.DrawFn, *, max_months: int = 3, max_schools: int = 3,
                 steps: tuple[int, ...] = (30, 60, 120)) -> dict[str, Any]:
    start = dt.date(draw(st.integers(2026, 2028)), draw(st.sampled_from([1, 3, 4, 9, 10, 11])),
                    draw(st.integers(1, 28)))
    end = start + dt.timedelta(days=draw(st.integers(0, 31 * max_months)))
    n = draw(st.integers(2, max_schools))
    p: dict[str, Any] = {
        "id": "test", "name": "Test partnership", "start": start, "end": end,
        "duration": draw(st.sampled_from([30, 45, 60, 90, 120])),
        "step": draw(st.sampled_from(steps)),
        "top": draw(st.integers(1, 8)),
    }
    if draw(st.booleans()):
        p["on_conflict"] = "skip"
    if draw(st.booleans()):
        p["max_move_days"] = draw(st.integers(0, 10))
    if draw(st.booleans()):
        p["weekdays"] = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7,
                                      unique=True))
    if draw(st.booleans()):
        p["weeks"] = draw(st.lists(st.sampled_from([1, 2, 3, 4, -1]), min_size=1, max_size=5,
                                   unique=True))
    school_list = [draw(schools(i, start, end)) for i in range(n)]
    if draw(st.integers(0, 3)) == 0:
        p["anchor"] = draw(st.sampled_from(TRICKY_ZONES))
    return {"partnership": p, "schools": school_list}
