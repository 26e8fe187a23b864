"""Differential test: generated calendars imported by twinschedule and expanded by
recurring-ical-events give the same occurrences, names and counts (issue 19).

The calendars have recurring series (RRULE with BYDAY, COUNT or UNTIL; EXDATE; RDATE
dates, date-times and periods), overrides with and without a copied RRULE,
``RANGE=THISANDFUTURE`` overrides, overrides of single events, all-day and timed events
in several zones (IANA, UTC, floating) across the daylight-saving changes of the
horizon, cancelled and transparent events and escaped text in SUMMARY.

What is generated stays where config.md and recurring-ical-events agree (RFC 5545);
left out are the cases where they differ or RFC 5545 leaves it open:

- SEQUENCE (config.md does not read it; the engine keeps the highest), so also no two
  masters, or two overrides of one instance, with the same UID;
- DTEND before DTSTART (refused when used; the engine swaps them), UNTIL before DTSTART;
- an EXDATE of an overridden instance (the engines drop the override);
- spans that straddle a daylight-saving change (the engine adds durations in wall
  time, RFC 5545 and config.md in exact time): times are daytime, changes are at night;
- an override of a THISANDFUTURE series written in another zone than the master.

The engine's occurrences are then read with config.md's rules: cancelled events and
timed events marked TRANSPARENT or of zero length are not used; an all-day event whose
DTEND equals DTSTART is one day; floating times are the school's wall time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from dateutil import rrule as dateutil_rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from twinschedule._units import CALENDAR_MARGIN_DAYS
from twinschedule.ical.importer import import_ics
from twinschedule.model import Imported

SCHOOL = "Europe/Berlin"
START, END = dt.date(2026, 9, 1), dt.date(2026, 12, 31)
LO = dt.datetime.combine(START - dt.timedelta(days=CALENDAR_MARGIN_DAYS), dt.time(), dt.UTC)
HI = dt.datetime.combine(END + dt.timedelta(days=CALENDAR_MARGIN_DAYS + 1), dt.time(),
                         dt.UTC)
# Forms of a value: an all-day date, floating, UTC, or a TZID (northern and southern
# daylight saving, and none).
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]
TIMED = ["floating", "utc", *ZONES]
SUMMARIES = ["Staff meeting", r"C:\\new", r"Room 3\, block B", r"A\;B", "Trip",
             r"Back\\slash\, comma"]
DAY = dt.timedelta(days=1)


def _value(form: str, when: dt.datetime) -> tuple[str, str]:
    """The parameters and value of ``when`` (naive wall time) written in ``form``."""
    if form == "date":
        return ";VALUE=DATE", when.strftime("%Y%m%d")
    text = when.strftime("%Y%m%dT%H%M%S")
    if form == "floating":
        return "", text
    if form == "utc":
        return "", text + "Z"
    return f";TZID={form}", text


def _prop(name: str, form: str, when: dt.datetime, extra: str = "") -> str:
    params, value = _value(form, when)
    return f"{name}{extra}{params}:{value}"


def _instant(form: str, wall: dt.datetime) -> dt.datetime:
    zone = dt.UTC if form == "utc" else zoneinfo.ZoneInfo(SCHOOL if form == "floating"
                                                          else form)
    return wall.replace(tzinfo=zone).astimezone(dt.UTC)


def _wall(form: str, instant: dt.datetime) -> dt.datetime:
    zone = dt.UTC if form == "utc" else zoneinfo.ZoneInfo(form)
    return instant.astimezone(zone).replace(tzinfo=None)


@st.composite
def _end(draw: st.DrawFn, form: str, start: dt.datetime, *, plain: bool = False,
         ) -> list[str]:
    """DTEND and/or DURATION lines (or none) for an event starting at ``start``."""
    if form == "date":
        days = draw(st.integers(0 if plain else 1, 4))
        span = dt.timedelta(days=days)
        duration = f"P{days}D"
    else:
        minutes = draw(st.sampled_from([15, 30, 45, 60, 90, 120, 180]))
        span = dt.timedelta(minutes=minutes)
        duration = f"PT{minutes}M"
    how = draw(st.sampled_from(["DTEND", "DTEND", "DURATION", "both"] if plain
                               else ["DTEND", "DURATION", "none", "both"]))
    lines = []
    if how in ("DTEND", "both"):
        lines.append(_prop("DTEND", form, start + span))
    if how == "DURATION":
        lines.append(f"DURATION:{duration}")
    elif how == "both":  # a different DURATION: DTEND wins
        lines.append(f"DURATION:P{draw(st.integers(1, 6))}D" if form == "date"
                     else f"DURATION:PT{draw(st.integers(1, 9)) * 20}M")
    return lines


@st.composite
def _rule(draw: st.DrawFn, form: str, first: dt.datetime) -> tuple[str, Any]:
    """An RRULE value and the dateutil rule of its instances (naive wall times)."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY"]))
    parts = [f"FREQ={freq}"]
    interval = draw(st.integers(1, 3))
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(draw(st.lists(st.sampled_from(days), min_size=1,
                                                       max_size=3, unique=True))))
    elif freq == "MONTHLY" and draw(st.booleans()):
        parts.append(f"BYDAY={draw(st.sampled_from(['1', '2', '3', '-1']))}"
                     f"{draw(st.sampled_from(days[:5]))}")
    end = draw(st.sampled_from(["COUNT", "UNTIL", "none"] if freq != "DAILY"
                               else ["COUNT", "UNTIL"]))
    until: dt.datetime | None = None
    if end == "COUNT":
        parts.append(f"COUNT={draw(st.integers(1, 12))}")
    elif end == "UNTIL":
        until = dt.datetime.combine(first.date() + dt.timedelta(
            days=draw(st.integers(0, 120 if freq != "DAILY" else 30))), dt.time(23, 59, 59))
        if form == "date":
            parts.append(f"UNTIL={until:%Y%m%d}")
            until = until.replace(hour=0, minute=0, second=0)
        elif form in ZONES:
            parts.append(f"UNTIL={_instant(form, until):%Y%m%dT%H%M%SZ}")
        else:
            parts.append(f"UNTIL={until:%Y%m%dT%H%M%S}" + ("Z" if form == "utc" else ""))
    text = ";".join(parts)
    rule = dateutil_rrule.rrulestr(";".join(p for p in parts if not p.startswith("UNTIL")),
                                   dtstart=first)
    if until is not None:
        rule = rule.replace(until=until)
    return text, rule


@st.composite
def _series(draw: st.DrawFn, uid: str) -> list[list[str]]:
    """A master VEVENT (recurring or not) and its overrides, as lists of lines."""
    form = draw(st.sampled_from(["date", "date", *TIMED]))
    day = START + dt.timedelta(days=draw(st.integers(-60, 150)))
    first = dt.datetime.combine(day, dt.time() if form == "date" else dt.time(
        draw(st.integers(7, 17)), draw(st.sampled_from([0, 15, 30, 45]))))
    master = [f"UID:{uid}", f"SUMMARY:{draw(st.sampled_from(SUMMARIES))}",
              _prop("DTSTART", form, first), *draw(_end(form, first))]
    instances = [first]
    if draw(st.booleans()):
        text, rule = draw(_rule(form, first))
        master.append(f"RRULE:{text}")
        instances += [t for t in rule.between(first, dt.datetime(2027, 3, 1), inc=True)
                      if t != first][:60]
    for _ in range(draw(st.integers(0, 2))):  # RDATE: dates, date-times or periods
        when = dt.datetime.combine(START + dt.timedelta(days=draw(st.integers(-10, 120))),
                                   first.time())
        instances.append(when)
        if form != "date" and draw(st.booleans()):
            minutes = draw(st.sampled_from([20, 45, 150]))
            params, value = _value(form, when)
            period = (f"PT{minutes}M" if draw(st.booleans())
                      else _value(form, when + dt.timedelta(minutes=minutes))[1])
            master.append(f"RDATE;VALUE=PERIOD{params}:{value}/{period}")
        else:
            master.append(_prop("RDATE", form, when))
    instances = sorted(set(instances))
    picked = draw(st.lists(st.sampled_from(instances), max_size=4, unique=True))
    split = draw(st.integers(0, len(picked)))
    exdates, rids = picked[:split], picked[split:]
    master += [_prop("EXDATE", form, t) for t in exdates]
    master += draw(st.sampled_from([[], ["STATUS:CANCELLED"], ["TRANSP:TRANSPARENT"],
                                    ["TRANSP:OPAQUE"]]))
    events = [master]
    rule_lines = [line for line in master if line.startswith("RRULE:")]
    for k, rid in enumerate(rids):
        events.append(draw(_override(uid, form, rid, this_and_future=(
            k == 0 and draw(st.booleans())), rule_lines=rule_lines)))
    return events


@st.composite
def _override(draw: st.DrawFn, uid: str, form: str, rid: dt.datetime, *,
              this_and_future: bool, rule_lines: list[str]) -> list[str]:
    shift = dt.timedelta(days=draw(st.integers(-3, 3)))
    if form != "date":
        shift += dt.timedelta(hours=draw(st.integers(-2, 2)))
    start, own = rid + shift, form
    if form in ("utc", *ZONES) and not this_and_future and draw(st.booleans()):
        own = draw(st.sampled_from(["utc", *ZONES]))  # the same moment, another zone
        start = _wall(own, _instant(form, start))
    lines = [f"UID:{uid}", f"SUMMARY:{draw(st.sampled_from(SUMMARIES))} (moved)",
             _prop("RECURRENCE-ID", form, rid,
                   ";RANGE=THISANDFUTURE" if this_and_future else ""),
             _prop("DTSTART", own, start), *draw(_end(own, start, plain=True))]
    if own != form:  # the engine adds a DURATION in wall time: DTEND only
        lines = [line for line in lines if not line.startswith("DURATION")]
        if not any(line.startswith("DTEND") for line in lines):
            lines.append(_prop("DTEND", own, start + dt.timedelta(hours=1)))
    if rule_lines and draw(st.booleans()):
        lines += rule_lines  # exporters copy the master's RRULE into overrides
    lines += draw(st.sampled_from([[], [], ["STATUS:CANCELLED"], ["TRANSP:TRANSPARENT"]]))
    return lines


@st.composite
def calendars(draw: st.DrawFn) -> str:
    events: list[list[str]] = []
    for n in range(draw(st.integers(1, 3))):
        events += draw(_series(f"series-{n}@example.org"))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//twinschedule tests//EN"]
    for event in draw(st.permutations(events)):
        lines += ["BEGIN:VEVENT", "DTSTAMP:20260801T000000Z", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


# --- what the engine gives, read with config.md's rules ----------------------------------

Closures = set[tuple[dt.date, dt.date, str]]
Busy = set[tuple[dt.datetime, dt.datetime, str]]


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:  # floating: the school's wall time
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(SCHOOL))
    return value.astimezone(dt.UTC)


def expected(text: str) -> tuple[Closures, Busy, Counter[str]]:
    cal = icalendar.Calendar.from_ical(text)
    closures: Closures = set()
    busy: Busy = set()
    used: Counter[str] = Counter()
    for event in recurring_ical_events.of(cal).between(dt.date(2025, 1, 1),
                                                       dt.date(2028, 1, 1)):
        first, last = event["DTSTART"].dt, event["DTEND"].dt
        summary = str(event.get("SUMMARY", "")).strip()
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if not isinstance(first, dt.datetime):
            final = max(first, last - DAY)
            if first <= END and final + DAY > START:
                closures.add((first, final, summary or "Imported closure"))
                used["closures"] += 1
            continue
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        a, b = _utc(first), _utc(last)
        if b > a and a < HI and b >= LO:
            busy.add((a, b, summary or "Busy"))
            used["busy"] += 1
    return closures, busy, used


def imported(text: str) -> tuple[Closures, Busy, Counter[str]]:
    got: Imported = import_ics(text.encode(), SCHOOL, START, END)
    return ({(r.first, r.last, r.name) for r in got.closures},
            {(b.start, b.end, b.name) for b in got.busy}, Counter(dict(got.used)))


def check(text: str) -> None:
    want, got = expected(text), imported(text)
    assert got[0] == want[0], (f"closures: only imported {sorted(got[0] - want[0])}, "
                               f"only expanded {sorted(want[0] - got[0])}")
    assert got[1] == want[1], (f"busy: only imported {sorted(got[1] - want[1])}, "
                               f"only expanded {sorted(want[1] - got[1])}")
    assert got[2] == want[2], f"used: imported {dict(got[2])}, expanded {dict(want[2])}"


@settings(max_examples=1000)
@given(calendars())
def test_importer_agrees_with_recurring_ical_events(text: str) -> None:
    check(text)


def _cal(*events: list[str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


EXAMPLES = {
    "this and future, period, copied RRULE": _cal(
        ["UID:a", "SUMMARY:Weekly", "DTSTART;TZID=Europe/London:20261006T100000",
         "DTEND;TZID=Europe/London:20261006T110000", "RRULE:FREQ=WEEKLY;COUNT=6",
         "RDATE;VALUE=PERIOD;TZID=Europe/London:20261008T100000/PT3H"],
        ["UID:a", "SUMMARY:Later", "DTSTART;TZID=Europe/London:20261020T120000",
         "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:20261020T100000",
         "DTEND;TZID=Europe/London:20261020T150000", "RRULE:FREQ=WEEKLY;COUNT=6"]),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_differential_examples(name: str) -> None:
    """Hand-written calendars through the same comparison."""
    check(EXAMPLES[name])
