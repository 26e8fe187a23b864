"""The shipped examples load, plan feasibly, and every held meeting of their best options
is valid for every school; the imported-calendar example honours its .ics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import EXAMPLES

import twinschedule
from twinschedule.core.calendar import build_calendars

FILES = sorted(EXAMPLES.glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_plans(path: Path) -> None:
    p = twinschedule.load(path)
    plan = twinschedule.plan(p)
    assert plan.feasible
    cals = build_calendars(p)
    for option in plan.options[:3]:
        for m in option.meetings:
            if m.start is not None and m.end is not None:
                assert all(c.conflicts(m.start, m.end) == [] for c in cals)


def test_imported_term_dates() -> None:
    p = twinschedule.load(EXAMPLES / "england-kenya-ics.toml")
    rugby = p.school("rugby")
    names = {r.name for r in rugby.imported_closures}
    assert {"Autumn half term", "Spring half term", "INSET day"} <= names
    # All-day events close their dates, DTEND exclusive: 26-30 October.
    half = next(r for r in rugby.imported_closures if r.name == "Autumn half term")
    assert (half.first, half.last) == (dt.date(2026, 10, 26), dt.date(2026, 10, 30))
    # The weekly staff meeting is busy every Wednesday; the transparent reminder is not.
    assert {b.name for b in rugby.imported_busy} == {"Staff meeting"}
    assert len(rugby.imported_busy) == 46
    cal = build_calendars(p)[0]
    wed = dt.datetime(2026, 11, 4, 13, 30, tzinfo=dt.UTC)  # 13:30 GMT, a Wednesday
    got = cal.conflicts(wed, wed + dt.timedelta(minutes=45))
    assert [(c.reason, c.detail) for c in got] == [("busy", "Staff meeting")]
    inset = dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.UTC)
    assert [c.reason for c in cal.conflicts(inset, inset + dt.timedelta(minutes=45))] == [
        "closure"]
    reminder = dt.datetime(2026, 11, 13, 10, 0, tzinfo=dt.UTC)  # transparent: ignored
    assert cal.conflicts(reminder, reminder + dt.timedelta(minutes=45)) == []
