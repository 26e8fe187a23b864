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


#: Zones whose clocks change in opposite directions (or not at all), for stretch hours.
FAR_APART = [
    ("Europe/London", "Australia/Sydney"), ("Pacific/Auckland", "Atlantic/Reykjavik"),
    ("America/New_York", "America/Santiago"), ("Europe/Berlin", "Pacific/Auckland"),
    ("America/Los_Angeles", "Australia/Melbourne"), ("Asia/Tokyo", "America/Sao_Paulo"),
    ("Europe/London", "America/New_York"), ("Asia/Kolkata", "Australia/Sydney"),
]


@st.composite
def stretch_windows(draw: st.DrawFn) -> list[str]:
    """One or two stretch windows: an early slot, an evening slot, or both."""
    out = []
    if draw(st.booleans()):
        a = draw(st.integers(20, 32)) * 15  # 05:00 .. 08:00
        out.append(f"{_hm(a)}-{_hm(a + 15 * draw(st.integers(4, 12)))}")
    if not out or draw(st.booleans()):
        a = draw(st.integers(60, 80)) * 15  # 15:00 .. 20:00
        out.append(f"{_hm(a)}-{_hm(min(1440, a + 15 * draw(st.integers(8, 20))))}")
    return out


@st.composite
def stretch_partnerships(draw: st.DrawFn) -> dict[str, Any]:
    """Two or three schools far apart, most with stretch hours; small rule spaces (one
    anchor, a few weekdays and weeks, step 60) over a horizon across the clock changes
    of both hemispheres (March-May or September-November), for the brute force."""
    first, second = draw(st.sampled_from(FAR_APART))
    zones = [first, second] + ([draw(st.sampled_from([z for pair in FAR_APART
                                                       for z in pair]))]
                               if draw(st.integers(0, 3)) == 0 else [])
    start = dt.date(2026 + draw(st.integers(0, 1)), draw(st.sampled_from([2, 3, 9, 10])),
                    draw(st.integers(1, 28)))
    end = start + dt.timedelta(days=draw(st.integers(20, 31 * 5)))
    p: dict[str, Any] = {
        "id": "far", "name": "Far apart", "start": start, "end": end,
        "duration": draw(st.sampled_from([30, 45, 60])), "step": 60,
        "top": draw(st.integers(1, 6)),
        "anchor": draw(st.sampled_from(zones)),
        "weekdays": draw(st.lists(st.sampled_from(WEEKDAYS[:5]), min_size=1, max_size=3,
                                  unique=True)),
        "weeks": draw(st.lists(st.sampled_from([1, 2, 3, 4, -1]), min_size=1, max_size=3,
                               unique=True)),
    }
    if draw(st.booleans()):
        p["stretch_share"] = draw(st.sampled_from([0, 0.25, 0.3, 0.5, 0.7, 1]))
    choice = draw(st.sampled_from(["auto", True, False]))
    if choice != "auto" or draw(st.booleans()):
        p["alternate"] = choice
    if draw(st.booleans()):
        p["on_conflict"] = "skip"
    elif draw(st.booleans()):
        p["max_move_days"] = draw(st.integers(0, 10))
    schools = []
    for i, zone in enumerate(zones):
        a = draw(st.integers(28, 40)) * 15  # 07:00 .. 10:00
        s: dict[str, Any] = {"id": f"s{i}", "name": f"School {i}", "timezone": zone,
                             "hours": [f"{_hm(a)}-{_hm(a + 15 * draw(st.integers(16, 32)))}"]}
        if draw(st.integers(0, 4)):
            s["stretch"] = draw(stretch_windows())
        if draw(st.booleans()):
            s["prefer"] = _hm(draw(st.integers(32, 56)) * 15)
        if draw(st.booleans()):
            d = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
            s["closures"] = [{"from": d, "to": d + dt.timedelta(days=draw(st.integers(0, 9))),
                              "name": "Break"}]
        if draw(st.integers(0, 3)) == 0:
            s["hours_by_day"] = {draw(st.sampled_from(WEEKDAYS[:5])): ["09:00-12:00"]}
        schools.append(s)
    return {"partnership": p, "schools": schools}
