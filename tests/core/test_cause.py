"""Saying why, truthfully (explain.md): the cause that decides first, one test per rule:
no open day, windows that never overlap, an overlap shorter than the meeting, and
otherwise the counts, never an overlap sentence that is not the cause."""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from conftest import EXAMPLES

import twinschedule
from twinschedule.render import report
from twinschedule.render.html import render as render_html
from twinschedule.render.text import render

STAMP_ARGS = {"holidays": "0", "program": "twinschedule test"}
SHORT = "overlap for at most"


def _plan(data: dict[str, Any]) -> twinschedule.Plan:
    return twinschedule.plan(twinschedule.from_dict(copy.deepcopy(data)), suggest=False)


def _flat(text: str) -> str:
    return " ".join(x.strip() for x in text.splitlines())


def _page(plan: twinschedule.Plan) -> str:
    import datetime as dt

    rep = report.build(plan, made=dt.datetime(2026, 8, 1, tzinfo=dt.UTC), **STAMP_ARGS)
    page = re.sub(r"<style.*?</style>", " ", render_html(rep), flags=re.S)
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _school(sid: str, zone: str, hours: str, **more: Any) -> dict[str, Any]:
    return {"id": sid, "name": sid.capitalize(), "timezone": zone, "hours": [hours], **more}


def _partnership(*schools: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"partnership": {"id": "c", "name": "C", "start": "2026-09-01",
                            "end": "2027-06-30", "duration": 45, **more},
            "schools": list(schools)}


def test_no_open_day_names_the_terms() -> None:
    """The Jakarta school's terms are last year's: the plan says so, not that the
    windows overlap too little (they overlap for 90 minutes, the meeting lasts 45)."""
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" /
                                               "jakarta-amsterdam.toml"))
    assert plan.diagnostics is not None and plan.diagnostics.cause is not None
    assert plan.diagnostics.weekly_overlap.minutes >= plan.partnership.duration
    cause = plan.diagnostics.cause
    assert (cause.kind, cause.school, str(cause.terms_end)) == ("no-open-day", "jakarta",
                                                                "2026-06-20")
    sentence = ("SMA Negeri 8 Jakarta has no school day between Sep 1, 2026 and Jun 30, 2027: "
                "its terms end on Jun 20, 2026.")
    for out in (_flat(render(plan)), _page(plan)):
        assert sentence in out
        assert SHORT not in out
    data = plan.to_dict()["diagnostics"]
    assert data["cause"] == {"kind": "no-open-day", "school": "jakarta",
                             "terms_end": "2026-06-20"}
    assert data["near_miss"]["cause"] == "no-open-day"
    german = _flat(render(plan, lang="de"))
    assert "hat zwischen" in german and "keinen Schultag" in german


def test_no_open_day_terms_next_year_or_everything_closed() -> None:
    later = _plan(_partnership(
        _school("a", "Europe/London", "09:00-15:00",
                terms=[{"from": "2027-09-01", "to": "2027-12-18"}]),
        _school("b", "Europe/Paris", "09:00-15:00")))
    assert later.diagnostics is not None and later.diagnostics.cause is not None
    assert later.diagnostics.cause.kind == "no-open-day"
    assert "its terms start on Sep 1, 2027." in _flat(render(later))
    closed = _plan(_partnership(
        _school("a", "Europe/London", "09:00-15:00"),
        _school("b", "Europe/Paris", "09:00-15:00",
                closures=[{"from": "2026-08-01", "to": "2027-07-31", "name": "Rebuilding"}])))
    assert closed.diagnostics is not None and closed.diagnostics.cause is not None
    assert (closed.diagnostics.cause.kind, closed.diagnostics.cause.school) == (
        "no-open-day", "b")
    assert "closures and holidays cover every school day" in _flat(render(closed))


def test_never_overlapping_windows_in_each_others_time() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml"))
    assert plan.diagnostics is not None and plan.diagnostics.cause is not None
    assert plan.diagnostics.cause.kind == "no-overlap"
    out = _flat(render(plan))
    # Honolulu 07:45 (UTC-10) is 23:15 in Delhi (UTC+05:30), and the other way round.
    assert "Punahou School's 07:45-14:45 is Delhi Public School R. K. Puram's 23:15-06:15" in out
    assert "Delhi Public School R. K. Puram's 07:30-13:30 is Punahou School's 16:00-22:00" in out
    assert "take turns month by month" in out
    assert SHORT not in out
    assert "Punahou School's 07:45-14:45" in _page(plan)


def test_short_overlap_only_when_shorter_than_the_meeting() -> None:
    """30 minutes of overlap and a 45-minute meeting: the overlap is the cause."""
    short = _plan(_partnership(_school("a", "Asia/Tokyo", "09:00-15:00"),
                               _school("b", "Asia/Kolkata", "11:00-16:00")))
    assert short.diagnostics is not None and short.diagnostics.cause is not None
    assert (short.diagnostics.cause.kind, short.diagnostics.cause.overlap) == (
        "short-overlap", short.diagnostics.weekly_overlap.minutes)
    assert 0 < short.diagnostics.weekly_overlap.minutes < 45
    assert SHORT in _flat(render(short)) and SHORT in _page(short)


def test_otherwise_the_counts_largest_first_and_no_overlap_sentence() -> None:
    """Hours that overlap all day but a weekday that is no school's school day: the
    counts are the cause (largest first), and no sentence blames the overlap."""
    plan = _plan(_partnership(_school("a", "Europe/London", "09:00-15:00"),
                              _school("b", "Europe/Paris", "09:00-15:00"), weekdays=["SU"]))
    assert plan.diagnostics is not None and plan.diagnostics.cause is not None
    assert plan.diagnostics.cause.kind == "ruled-out"
    out = render(plan)
    assert SHORT not in out and "never overlap" not in out and SHORT not in _page(plan)
    line = next(x for x in out.splitlines() if x.startswith("  - A:"))
    counts = [int(n.replace(",", "")) for n in re.findall(r": ([\d,]+) \(", line)]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 2
