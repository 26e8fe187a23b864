"""Why schools miss, in bulk (``network/webinar_missed``): on random networks whose
schools have calendars of their own (terms, named and unnamed closures, imported
closures, public holidays, busy times, stretch hours, days of their own, zones with odd
offsets and daylight-saving rules, and twins sharing a calendar), the bulk reasons of
every candidate equal ``SchoolCalendar.conflicts`` of every (group, month): the
reference path ``_Search.missed(..., reference=True)``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st
from strategies import stretch_windows
from test_network import load, networks
from test_webinar_days import ranges

import twinschedule
from twinschedule.core.bits import positions
from twinschedule.model import DateRange, Network, Window
from twinschedule.network.webinar import _Search

COUNTRIES = ["GB", "US", "AU", "KE", "FR", "DE", "NZ", "CL"]


@st.composite
def own_calendar(draw: st.DrawFn, s: dict[str, Any], start: dt.date, end: dt.date) -> None:
    """Give school ``s`` (a dict of a network file) more of a calendar of its own."""
    if draw(st.booleans()):
        s["terms"] = draw(ranges(start, end, "Term"))
    if draw(st.booleans()):
        closures = draw(ranges(start, end, draw(st.sampled_from(["Break", "Strike"]))))
        for c in closures:
            if draw(st.booleans()):
                del c["name"]  # an unnamed closure ("Closed")
        s["closures"] = closures
    if draw(st.integers(0, 2)) == 0:
        s["country"] = draw(st.sampled_from(COUNTRIES))
        s.pop("subdivision", None)


@st.composite
def missing_networks(draw: st.DrawFn) -> tuple[Network, bool]:
    """A network (twins included) and whether schools with the same calendar share."""
    data = draw(networks(max_schools=6))
    net = data["network"]
    for s in data["schools"]:
        if draw(st.booleans()):  # twins drawn by ``networks`` may stay twins
            draw(own_calendar(s, net["start"], net["end"]))
    n = load(data)
    schools = []
    for school in n.schools:  # what only the API and imported files give a network
        extra: dict[str, Any] = {}
        if draw(st.integers(0, 3)) == 0:
            extra["stretch"] = tuple(Window(start=int(a[:2]) * 60 + int(a[3:5]),
                                            end=int(a[6:8]) * 60 + int(a[9:11]))
                                     for a in draw(stretch_windows()))
        if draw(st.integers(0, 3)) == 0:
            first = n.start + dt.timedelta(days=draw(st.integers(-3, 60)))
            extra["imported_closures"] = (DateRange(
                first=first, last=first + dt.timedelta(days=draw(st.integers(0, 9))),
                name=draw(st.sampled_from(["", "Inset day", "Break"]))),)
        schools.append(dataclasses.replace(school, **extra))
    return dataclasses.replace(n, schools=tuple(schools)), draw(st.booleans())


def _agree(n: Network, *, share: bool) -> set[str]:
    """Assert that the bulk and reference reasons of every candidate agree; the reason
    codes seen."""
    search = _Search(n, share=share)
    seen: set[str] = set()
    for fi, f in enumerate(search.fams):
        for k in positions(f.keep):
            bulk = search.missed(fi, k)
            assert bulk == search.missed(fi, k, reference=True), (fi, k)
            assert all(r.school == sid for sid, months in bulk for x in months
                       for r in x.reasons)
            seen |= {r.reason for _, months in bulk for x in months for r in x.reasons}
    return seen


@given(missing_networks())
def test_bulk_missed_equals_the_conflicts_of_every_group_and_month(
        drawn: tuple[Network, bool]) -> None:
    n, share = drawn
    for code in sorted(_agree(n, share=share)):
        event(f"reason {code}")  # --hypothesis-show-statistics: every code is drawn


def test_every_reason_and_a_shared_calendar_agree_with_the_reference() -> None:
    """One network that fails every condition somewhere: days of its own, a term, named
    and unnamed closures, an imported closure, holidays, hours, busy times, stretch
    hours; a school on daylight-saving time in each hemisphere; twins in one group."""
    data: dict[str, Any] = {
        "network": {"id": "why", "name": "Why", "start": "2026-09-01",
                    "end": "2027-04-30", "duration": 60, "anchor": "Europe/London",
                    "weekdays": ["MO", "WE", "SA"], "weeks": [1, 2, -1], "step": 60},
        "schools": [
            {"id": "gb", "name": "GB", "timezone": "Europe/London", "country": "GB",
             "days": ["MO", "TU", "WE"], "hours": ["09:00-15:00"],
             "terms": [{"from": "2026-09-01", "to": "2026-12-18", "name": "Autumn"},
                       {"from": "2027-01-05", "to": "2027-03-31", "name": "Spring"}],
             "closures": [{"from": "2026-10-26", "to": "2026-10-30", "name": "Half term"},
                          {"from": "2026-10-28", "to": "2026-11-04"}]},
            {"id": "au", "name": "AU", "timezone": "Australia/Sydney", "country": "AU",
             "subdivision": "NSW", "hours": ["08:00-15:00"],
             "busy": [{"every": ["MO"], "from": "08:00", "to": "10:00",
                       "name": "Assembly"}]},
            {"id": "cl", "name": "CL", "timezone": "America/Santiago", "country": "CL",
             "hours": ["08:00-17:00"]},
        ]}
    data["schools"].append(dict(data["schools"][0], id="gb-twin"))
    n = twinschedule.network_from_dict(data)
    cl = dataclasses.replace(n.schools[2], stretch=(Window(start=17 * 60, end=20 * 60),),
                             imported_closures=(DateRange(first=dt.date(2027, 2, 1),
                                                          last=dt.date(2027, 2, 5)),))
    n = dataclasses.replace(n, schools=(*n.schools[:2], cl, n.schools[3]))
    for share in (True, False):
        assert _agree(n, share=share) == {"not-school-day", "outside-term", "closure",
                                          "holiday", "outside-hours", "busy"}
