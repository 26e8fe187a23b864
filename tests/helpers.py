"""Small builders for test partnerships."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
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


WORK = 3_000_000  # Python function calls: the budget of a "bounded time" answer


@contextlib.contextmanager
def bounded_work(budget: int = WORK) -> Iterator[None]:
    """The block must make fewer than ``budget`` Python function calls (counted through
    ``sys.settrace``, whose global function sees "call" events only). Work, not seconds:
    the answer is the same on a loaded machine. C functions (``re``, ``str`` methods,
    reading a file) are not counted; the limits that bound them are in bytes."""
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        calls += 1

    previous = sys.gettrace()
    sys.settrace(count)
    try:
        yield
    finally:
        sys.settrace(previous)
    assert calls < budget, f"{calls} Python calls, more than the {budget} allowed"
