"""Deterministic benchmark workloads: realistic schools in many zones, as dicts for
``twinschedule.from_dict``."""

from __future__ import annotations

import datetime as dt
from typing import Any

# (zone, country, subdivision, hours): school days from the country's working week.
SCHOOLS: list[tuple[str, str, str | None, list[str]]] = [
    ("Europe/London", "GB", "ENG", ["08:45-12:15", "13:15-15:30", "15:30-17:30"]),
    ("Africa/Nairobi", "KE", None, ["08:00-12:45", "14:00-16:00"]),
    ("Europe/Berlin", "DE", "BE", ["08:00-13:30", "14:00-16:00"]),
    ("Asia/Kolkata", "IN", "DL", ["07:30-13:30", "14:00-17:00"]),
    ("Asia/Riyadh", "SA", None, ["07:00-14:00"]),
    ("Asia/Karachi", "PK", None, ["08:00-16:00"]),
    ("Africa/Johannesburg", "ZA", None, ["07:45-14:15", "14:15-16:30"]),
    ("Europe/Madrid", "ES", "MD", ["09:00-14:00", "15:00-17:00"]),
    ("Asia/Dhaka", "BD", None, ["08:00-13:00", "14:00-16:00"]),
    ("Europe/Paris", "FR", None, ["08:30-12:00", "13:30-16:30"]),
    ("America/New_York", "US", "NY", ["07:30-15:00", "15:00-17:00"]),
    ("Australia/Sydney", "AU", "NSW", ["08:30-15:00", "15:00-17:30"]),
    ("Asia/Kathmandu", "NP", None, ["09:00-15:00", "15:00-16:30"]),
    ("America/Sao_Paulo", "BR", "SP", ["07:00-12:30", "13:30-17:00"]),
    ("Asia/Shanghai", "CN", None, ["08:00-11:30", "13:30-17:00"]),
    ("Africa/Cairo", "EG", None, ["08:00-14:00"]),
]


def partnership(n_schools: int, *, years: int = 1, step: int = 15,
                start: dt.date = dt.date(2026, 9, 1)) -> dict[str, Any]:
    """``n_schools`` schools (cycling through the zones above), ``years`` school years."""
    end = dt.date(start.year + years, start.month, start.day) - dt.timedelta(days=1)
    schools = []
    for i in range(n_schools):
        zone, country, subdivision, hours = SCHOOLS[i % len(SCHOOLS)]
        school: dict[str, Any] = {"id": f"s{i:02d}", "name": f"School {i} ({zone})",
                                  "timezone": zone, "country": country, "hours": hours}
        if subdivision:
            school["subdivision"] = subdivision
        closures = []
        for y in range(start.year, start.year + years + 1):
            closures.append({"from": dt.date(y, 10, 26 + i % 3), "to": dt.date(y, 10, 30),
                             "name": "Autumn break"})
            closures.append({"from": dt.date(y, 12, 21), "to": dt.date(y + 1, 1, 2),
                             "name": "Winter break"})
            closures.append({"on": dt.date(y, 3, 3 + i % 20), "name": "Training day"})
        school["closures"] = closures
        school["busy"] = [{"on": start + dt.timedelta(days=7 * k + i), "from": "10:00",
                           "to": "11:00", "name": "Assembly"} for k in range(0, 40 * years, 3)]
        schools.append(school)
    return {"partnership": {"id": f"bench-{n_schools}-{years}-{step}", "name": "Benchmark",
                            "start": start, "end": end, "duration": 45, "step": step},
            "schools": schools}


def wide(n_schools: int, *, step: int = 15) -> dict[str, Any]:
    """A worst case for the metric evaluation: nearby zones and very wide windows, so
    that thousands of candidates hold every meeting and tie on (held, moved)."""
    zones = ["Europe/London", "Europe/Berlin", "Africa/Nairobi", "Asia/Riyadh"]
    schools = [{"id": f"w{i}", "name": f"Wide {i}", "timezone": zones[i % len(zones)],
                "hours": ["07:00-12:00", "13:00-16:00", "16:00-19:00"]}
               for i in range(n_schools)]
    return {"partnership": {"id": f"wide-{n_schools}-{step}", "name": "Wide windows",
                            "start": dt.date(2026, 9, 1), "end": dt.date(2027, 8, 31),
                            "duration": 45, "step": step},
            "schools": schools}
