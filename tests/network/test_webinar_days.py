"""Network planning for schools with calendars of their own (``network/webinar_days``):
the closed dates equal ``SchoolCalendar.day_conflicts``; networks whose schools all
have their own terms and closures (the benchmarks' generator, and random ones with
several terms and closures and no busy times, the schools that take their rows from a
shared base) agree with the brute force and with planning every school on its own."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from conftest import EXAMPLES, ROOT
from hypothesis import given
from hypothesis import strategies as st
from strategies import schools
from test_network import REQUIRED_ZONES, load, networks

import twinschedule
from twinschedule._tz import zones as _zones
from twinschedule.core.calendar import build_calendar
from twinschedule.network.webinar import calendar_key, plan_network
from twinschedule.network.webinar_days import closed_days

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(EXAMPLES / "networks"))
from make_networks import WORLD, network
from network_bruteforce import reference_network, view


@st.composite
def ranges(draw: st.DrawFn, start: dt.date, end: dt.date, name: str) -> list[dict[str, Any]]:
    """One to three date ranges around ``start..end`` (overlapping or not)."""
    span = (end - start).days
    out = []
    for _ in range(draw(st.integers(1, 3))):
        a = start + dt.timedelta(days=draw(st.integers(-20, span + 5)))
        out.append({"from": a, "to": a + dt.timedelta(days=draw(st.integers(0, 40))),
                    "name": name})
    return out


@st.composite
def own_school(draw: st.DrawFn, index: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """A school without busy times, with several terms and closures of its own."""
    s = draw(schools(index, start, end))
    s.pop("busy", None)
    if draw(st.booleans()):
        s["terms"] = draw(ranges(start, end, "Term"))
    if draw(st.booleans()):
        s["closures"] = draw(ranges(start, end, "Closed"))
    if draw(st.booleans()):
        s["timezone"] = draw(st.sampled_from(REQUIRED_ZONES))
    return s


@given(st.data())
def test_closed_days_are_the_day_conflicts_but_school_days(data: st.DataObject) -> None:
    start = dt.date(2026, 9, 1) + dt.timedelta(days=data.draw(st.integers(0, 400)))
    end = start + dt.timedelta(days=data.draw(st.integers(0, 90)))
    raw = data.draw(own_school(0, start, end))
    n = load({"network": {"id": "n", "name": "N", "start": start, "end": end,
                          "duration": 60, "anchor": "Europe/London"},
              "schools": [raw, {**raw, "id": "twin"}]})
    s = n.schools[0]
    cal = build_calendar(s, start=n.start, end=n.end, duration=n.duration)
    first, last = _zones.day_number(cal.first), _zones.day_number(cal.last)
    got = closed_days(s, (_zones.day_number(d) for d in cal.holidays), first, last)
    want = {d for d in range(first, last + 1)
            if any(reason != "not-school-day"
                   for reason, _ in cal.day_conflicts(_zones.from_day_number(d)))}
    assert {d for d in got if first <= d <= last} == want


@st.composite
def own_networks(draw: st.DrawFn) -> dict[str, Any]:
    """``test_network.networks`` with schools of :func:`own_school`."""
    data = draw(networks(max_schools=5))
    net = data["network"]
    data["schools"] = [draw(own_school(i, net["start"], net["end"]))
                       for i in range(len(data["schools"]))]
    return data


@given(own_networks())
def test_own_calendars_agree_with_brute_force(data: dict[str, Any]) -> None:
    n = load(data)
    plan = plan_network(n)
    assert view(plan.to_dict()) == reference_network(n)
    assert plan.to_dict() == plan_network(n, share=False).to_dict()


def test_generated_own_calendars_agree_with_brute_force() -> None:
    """The benchmarks' networks of own calendars, over the turn of the year (term ends,
    winter breaks, term starts, each school's a few days apart)."""
    data = network(ident="own", name="Own", countries=WORLD, n_schools=12,
                   anchor="Europe/London", seed=12, sessions=2, start=dt.date(2026, 12, 1),
                   end=dt.date(2027, 1, 31), weekdays=["TU", "WE", "TH"], step=60, top=5,
                   own_calendars=True)
    n = twinschedule.network_from_dict(data)
    assert len({calendar_key(s) for s in n.schools}) == len(n.schools)
    assert len({(s.terms, s.closures) for s in n.schools}) == len(n.schools)
    plan = plan_network(n)
    assert view(plan.to_dict()) == reference_network(n)
    # The schools' own dates decide (without their terms the plan differs).
    for s in data["schools"]:
        del s["terms"]
    assert plan_network(twinschedule.network_from_dict(data)).to_dict() != plan.to_dict()
