"""Small builders for test partnerships."""

from __future__ import annotations

import datetime as dt
from typing import Any

import twinschedule
from twinschedule.model import Partnership


def school(sid: str, zone: str, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "name": f"School {sid}", "timezone": zone, **extra}


def partnership(schools: list[dict[str, Any]], *, start: dt.date, end: dt.date,
                duration: int = 45, **extra: Any) -> Partnership:
    data = {"partnership": {"id": "t", "name": "Test", "start": start, "end": end,
                            "duration": duration, **extra},
            "schools": schools}
    return twinschedule.from_dict(data)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]
