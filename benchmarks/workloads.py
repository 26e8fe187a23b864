"""Deterministic benchmark workloads, as dicts for ``twinschedule.from_dict``.

Realistic schools spread over many zones: the country's public holidays (and the
``school`` holiday category where the ``holidays`` package has one), terms in the
pattern of the country's school year, a few closures (breaks, training days), busy
times (staff meetings, exams) and windows with a lunch break, some with an after-school
window so that far-apart zones can overlap. Everything comes from the fixed table below
and a seeded ``random.Random`` per school, so a workload is the same on every run and
machine.

The first ten schools of the table can all meet together (MO-TH around 09:00 UTC);
adding New York and Sydney (11 and 12 schools and more) makes every candidate fail, so
those workloads exercise the diagnostics path.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

D = dt.date
START = D(2026, 9, 1)  # the horizon of every workload starts with a school year


@dataclass(frozen=True, slots=True)
class SchoolSpec:
    zone: str
    country: str
    subdivision: str | None
    hours: tuple[str, ...]
    terms: str | None  # a pattern of TERMS, or None (closures and holidays only)
    holidays: tuple[str, ...] = ("public",)
    prefer: str | None = None


SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec("Europe/London", "GB", "ENG", ("08:45-12:15", "13:15-15:30", "16:00-17:30"),
               "uk"),
    SchoolSpec("Africa/Nairobi", "KE", None, ("08:00-12:45", "14:00-16:00"), "kenya"),
    SchoolSpec("Europe/Berlin", "DE", "BE", ("08:00-13:30", "14:00-16:00"), None,
               holidays=("public", "school")),
    SchoolSpec("Asia/Kolkata", "IN", "DL", ("07:30-13:30", "14:00-17:00"), "india"),
    SchoolSpec("Asia/Riyadh", "SA", None, ("07:00-13:30",), None),
    SchoolSpec("Asia/Karachi", "PK", None, ("08:00-13:30", "14:00-16:00"), "pakistan",
               prefer="11:00"),
    SchoolSpec("Africa/Johannesburg", "ZA", None, ("07:45-14:15", "14:30-16:30"), "south"),
    SchoolSpec("Europe/Madrid", "ES", "MD", ("09:00-14:00", "15:00-17:00"), "europe"),
    SchoolSpec("Asia/Dhaka", "BD", None, ("08:00-13:00", "14:00-16:00"), None),
    SchoolSpec("Europe/Paris", "FR", None, ("08:30-12:00", "13:30-16:30"), "europe"),
    SchoolSpec("America/New_York", "US", "NY", ("07:30-14:30", "15:00-17:30"), "us"),
    SchoolSpec("Australia/Sydney", "AU", "NSW", ("08:30-15:00", "15:30-17:30"), None,
               holidays=("public", "school")),
    SchoolSpec("Asia/Kathmandu", "NP", None, ("09:00-15:00", "15:30-16:30"), None),
    SchoolSpec("America/Sao_Paulo", "BR", "SP", ("07:00-12:30", "13:30-17:00"), "south"),
    SchoolSpec("Asia/Shanghai", "CN", None, ("08:00-11:30", "13:30-17:00"), "china"),
    SchoolSpec("Africa/Cairo", "EG", None, ("08:00-14:00",), "egypt"),
)

# Term patterns: (start month, day, end month, day) of each term of a calendar year.
TERMS: dict[str, tuple[tuple[int, int, int, int], ...]] = {
    "uk": ((1, 5, 3, 26), (4, 12, 7, 21), (9, 3, 12, 18)),
    "europe": ((1, 7, 4, 2), (4, 19, 6, 30), (9, 2, 12, 19)),
    "us": ((1, 4, 6, 25), (9, 8, 12, 23)),
    "kenya": ((1, 5, 4, 2), (4, 26, 7, 30), (8, 23, 10, 29)),
    "india": ((1, 2, 3, 20), (4, 1, 5, 20), (7, 1, 10, 15), (10, 27, 12, 23)),
    "pakistan": ((1, 3, 5, 31), (8, 1, 12, 20)),
    "south": ((1, 28, 4, 2), (4, 14, 6, 26), (7, 21, 9, 25), (10, 6, 12, 9)),
    "china": ((1, 1, 1, 20), (2, 24, 7, 10), (9, 1, 12, 31)),
    "egypt": ((1, 1, 1, 15), (2, 7, 6, 10), (9, 20, 12, 31)),
}


def _school(i: int, spec: SchoolSpec, start: dt.date, end: dt.date) -> dict[str, Any]:
    rng = random.Random(f"twinschedule-bench-{i}")
    years = range(start.year, end.year + 1)  # the calendar years the horizon touches
    school: dict[str, Any] = {
        "id": f"s{i:02d}", "name": f"School {i} ({spec.zone})", "timezone": spec.zone,
        "country": spec.country, "holidays": list(spec.holidays), "hours": list(spec.hours)}
    if spec.subdivision:
        school["subdivision"] = spec.subdivision
    if spec.prefer:
        school["prefer"] = spec.prefer
    if spec.terms:
        school["terms"] = [{"from": D(y, m1, d1), "to": D(y, m2, d2), "name": f"Term {k + 1}"}
                           for y in years
                           for k, (m1, d1, m2, d2) in enumerate(TERMS[spec.terms])]
    closures: list[dict[str, Any]] = []
    for y in years:
        # A mid-term break of a week, two training days, and (for schools without terms)
        # the long holidays.
        brk = D(y, 10 if spec.terms != "south" else 5, 1) + dt.timedelta(days=rng.randrange(20))
        closures.append({"from": brk, "to": brk + dt.timedelta(days=6), "name": "Mid-term break"})
        for _ in range(2):
            day = D(y, 1, 1) + dt.timedelta(days=rng.randrange(365))
            closures.append({"on": day, "name": "Training day"})
        if spec.terms is None:
            closures.append({"from": D(y, 7, 1), "to": D(y, 8, 20), "name": "Summer holidays"})
            closures.append({"from": D(y, 12, 22), "to": D(y + 1, 1, 3), "name": "Winter break"})
    school["closures"] = closures
    # Fortnightly staff meetings at a fixed weekday and time, plus exam mornings.
    busy: list[dict[str, Any]] = []
    first = start + dt.timedelta(days=rng.randrange(14))
    staff_from = rng.choice(["10:00", "11:00", "12:00", "13:30"])
    staff_to = {"10:00": "10:45", "11:00": "12:00", "12:00": "12:30", "13:30": "14:30"}[staff_from]
    day = first
    while day <= end:
        busy.append({"on": day, "from": staff_from, "to": staff_to, "name": "Staff meeting"})
        day += dt.timedelta(days=14)
    for _ in range(4 * ((end - start).days // 365 + 1)):
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        busy.append({"on": day, "from": "09:00", "to": "12:00", "name": "Examinations"})
    school["busy"] = busy
    return school


def horizon_end(start: dt.date, *, years: int = 1, months: int | None = None) -> dt.date:
    if months is not None:
        y, m = divmod(start.month - 1 + months, 12)
        return D(start.year + y, m + 1, 1) - dt.timedelta(days=1)
    return D(start.year + years, start.month, start.day) - dt.timedelta(days=1)


def partnership(n_schools: int, *, years: int = 1, step: int = 15,
                months: int | None = None, start: dt.date = START) -> dict[str, Any]:
    """The first ``n_schools`` schools of the table (cycling when more are asked for) over
    ``years`` years (or ``months`` months) from ``start``, with a 45-minute meeting."""
    end = horizon_end(start, years=years, months=months)
    schools = [_school(i, SCHOOLS[i % len(SCHOOLS)], start, end) for i in range(n_schools)]
    span = f"{months}m" if months is not None else f"{years}y"
    return {"partnership": {"id": f"bench-{n_schools}-{span}-{step}",
                            "name": f"Benchmark: {n_schools} schools, {span}, step {step}",
                            "start": start, "end": end, "duration": 45, "step": step},
            "schools": schools}


def distinct_zones(n_schools: int) -> int:
    return len({SCHOOLS[i % len(SCHOOLS)].zone for i in range(n_schools)})


def label(data: dict[str, Any]) -> str:
    """"4 schools, 4 zones, 1 year, step 15" for a workload dict."""
    p, schools = data["partnership"], data["schools"]
    start, end = p["start"], p["end"] + dt.timedelta(days=1)
    months = (end.year - start.year) * 12 + end.month - start.month
    span = (f"{months // 12} year{'s' if months > 12 else ''}" if months % 12 == 0
            else f"{months} month{'s' if months > 1 else ''}")
    zones = len({s["timezone"] for s in schools})
    return f"{len(schools)} schools, {zones} zones, {span}, step {p.get('step', 15)}"


def wide(n_schools: int, *, step: int = 15, months: int | None = None) -> dict[str, Any]:
    """A stress case for the metric evaluation, not a realistic one: nearby zones, very
    wide windows and no calendars, so thousands of candidates hold every meeting and tie
    on (held, moved), the first two keys of the ranking."""
    zones = ["Europe/London", "Europe/Berlin", "Africa/Nairobi", "Asia/Riyadh"]
    schools = [{"id": f"w{i}", "name": f"Wide {i}", "timezone": zones[i % len(zones)],
                "hours": ["07:00-12:00", "13:00-16:00", "16:00-19:00"]}
               for i in range(n_schools)]
    start = START
    return {"partnership": {"id": f"wide-{n_schools}-{step}", "name": "Wide windows",
                            "start": start, "end": horizon_end(start, months=months or 12),
                            "duration": 45, "step": step},
            "schools": schools}


#: Madrid and Mexico City, 2026-27: a partnership where five single changes would hold
#: more meetings (the suggestions' test and benchmark case; not a shipped example).
MADRID_MEXICO: dict[str, Any] = {
    "partnership": {"id": "madrid-mexico", "name": "Madrid - Mexico City",
                    "start": "2026-09-01", "end": "2027-06-30", "duration": 45,
                    "weekdays": ["TU", "WE", "TH"], "step": 30, "top": 3},
    "schools": [
        {"id": "madrid", "name": "IES San Isidro", "timezone": "Europe/Madrid",
         "country": "ES", "subdivision": "MD", "hours": ["08:30-14:30"]},
        {"id": "mexico", "name": "Colegio de San Ildefonso",
         "timezone": "America/Mexico_City", "country": "MX", "hours": ["07:00-13:30"]},
    ],
}


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def with_stretch(school: dict[str, Any], before: int, after: int) -> dict[str, Any]:
    """``school`` with a stretch window of ``before`` minutes before its first window and
    ``after`` minutes after its last one (clamped to the day)."""
    first = min(int(h[:2]) * 60 + int(h[3:5]) for h in school["hours"])
    last = max(int(h[6:8]) * 60 + int(h[9:11]) for h in school["hours"])
    return {**school, "stretch": [f"{_hm(max(0, first - before))}-{_hm(first)}",
                                  f"{_hm(last)}-{_hm(min(1440, last + after))}"]}


def stretch_two() -> dict[str, Any]:
    """Two schools 12 or 13 hours apart (Auckland and Reykjavik, as the shipped example,
    every weekday and week allowed), each with an early and an evening stretch slot;
    one school year, step 15, both zones as anchors, alternation on (by default)."""
    schools = [
        {"id": "auckland", "name": "Auckland Grammar School", "timezone": "Pacific/Auckland",
         "country": "NZ", "subdivision": "AUK", "hours": ["08:45-15:15"],
         "stretch": ["07:30-08:45", "19:30-21:45"],
         "closures": [{"from": D(2026, 9, 26), "to": D(2026, 10, 11), "name": "Term 3 holidays"},
                      {"from": D(2026, 12, 17), "to": D(2027, 2, 1), "name": "Summer holidays"},
                      {"from": D(2027, 4, 17), "to": D(2027, 5, 2), "name": "Term 1 holidays"},
                      {"from": D(2027, 7, 3), "to": D(2027, 7, 18), "name": "Term 2 holidays"}]},
        {"id": "reykjavik", "name": "Menntaskólinn í Reykjavík",
         "timezone": "Atlantic/Reykjavik", "country": "IS", "hours": ["08:00-15:30"],
         "stretch": ["07:00-08:00", "19:00-21:30"],
         "closures": [{"from": D(2026, 12, 19), "to": D(2027, 1, 4), "name": "Jólafrí"},
                      {"from": D(2027, 3, 20), "to": D(2027, 3, 29), "name": "Páskafrí"},
                      {"from": D(2027, 6, 10), "to": D(2027, 8, 20), "name": "Sumarfrí"}]},
    ]
    return {"partnership": {"id": "stretch-two", "name": "Auckland - Reykjavik",
                            "start": START, "end": horizon_end(START), "duration": 45,
                            "step": 15},
            "schools": schools}


def stretch_ten() -> dict[str, Any]:
    """Ten schools from London to Dhaka and New York, with no common school hours, each
    with two hours of early and three of evening stretch slots (the realistic schools of
    the table: holidays, terms, closures, busy times); one school year, step 15, every
    distinct zone an anchor, alternation on."""
    end = horizon_end(START)
    picks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]
    schools = [with_stretch(_school(i, SCHOOLS[i], START, end), 120, 180) for i in picks]
    return {"partnership": {"id": "stretch-ten", "name": "Ten schools with stretch hours",
                            "start": START, "end": end, "duration": 45, "step": 15},
            "schools": schools}
