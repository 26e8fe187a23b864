"""What each event of an imported file becomes: closed dates, open days or busy times,
or why it is not used.

Whether an event is used is decided before any of its values is decoded (STATUS,
SUMMARY against include/exclude, TRANSP of a timed event; the digits of its dates for
"wholly outside the horizon"): a broken property of an event that is not used never
refuses the file. A used event's faults are located errors (the file, the event's line,
UID and SUMMARY), never read as empty.

Everything one file's reading needs is handed down as one :class:`Reading`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from twinschedule._units import CALENDAR_MARGIN_DAYS
from twinschedule.ical.ics_content import (
    Component,
    Fault,
    Line,
    fail,
    parts,
    printable,
    recurs,
    summary,
    text,
)
from twinschedule.ical.ics_recurrence import Context, day, occurrences
from twinschedule.ical.ics_rrule import WalkLimit
from twinschedule.ical.ics_zones import DateOrTime, Unreadable
from twinschedule.model import DateRange, TimedEvent


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """One file's events being read: how they are expanded (``expand``), what they are
    used as (``closures``, ``open-days`` or ``busy``), which (SUMMARY patterns, searched
    case-insensitively) and the file's name in messages (``source``)."""

    expand: Context
    use: str
    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    source: str


@dataclass(slots=True)
class Result:
    """What the events read so far gave."""

    ranges: list[DateRange] = field(default_factory=list)
    open_days: set[dt.date] = field(default_factory=set)
    busy: list[TimedEvent] = field(default_factory=list)
    used: Counter[str] = field(default_factory=Counter)
    not_used: Counter[str] = field(default_factory=Counter)
    events: int = 0


def read(ev: Component, result: Result, reading: Reading) -> None:
    """One event into ``result``; its faults as located errors."""
    try:
        _event(ev, result, reading)
    except Fault as fault:
        raise fail(f"{_label(reading.source, ev)}: {fault}") from None
    except OverflowError:
        raise fail(f"{_label(reading.source, ev)}: its dates or duration are out of range"
                   ) from None
    except WalkLimit:
        raise fail(f"{_label(reading.source, ev)}: the recurring events need more than "
                   f"{reading.expand.limits.walk} steps to expand (at {_rrule_text(ev)}): "
                   f"rules are walked from their DTSTART, period by period; give them a "
                   f"later DTSTART, an UNTIL or COUNT, or a simpler rule") from None
    most = reading.expand.limits.occurrences
    if result.events > most:
        raise fail(f"more than {most} event occurrences fall in the horizon; simplify "
                   f"the calendar")


def _label(source: str, event: Component) -> str:
    shown_uid = printable(text(event.first("UID")), 60)
    shown_summary = printable(text(event.first("SUMMARY")), 60)
    bits = [f"line {event.line}"] + ([f"UID {shown_uid}"] if shown_uid else []) \
        + ([f"'{shown_summary}'"] if shown_summary else [])
    return f"{source}: event at {', '.join(bits)}"


def _rrule_text(ev: Component) -> str:
    rule = ev.first("RRULE")
    return "RRULE:" + printable(rule.raw.partition(":")[2], 80) if rule else "RDATE"


_DATE_VALUE = re.compile(r";VALUE=DATE[;:]|:\s*\d{8}\s*$", re.IGNORECASE)


def _unused(ev: Component, name: str, reading: Reading) -> str:
    """Why an event is not used ("" when it is), from its STATUS, SUMMARY (``name``)
    and TRANSP alone: decided before any of its values is decoded. A transparent event
    is timed unless its DTSTART is plainly a date."""
    if text(ev.first("STATUS")).strip().upper() == "CANCELLED":
        return "cancelled"
    if (reading.include and not any(p.search(name) for p in reading.include)) or \
            any(p.search(name) for p in reading.exclude):
        return "filtered"
    if text(ev.first("TRANSP")).strip().upper() == "TRANSPARENT":
        start = ev.first("DTSTART")
        if start is None or not _DATE_VALUE.search(start.raw):
            return "transparent"
    return ""


def _event(ev: Component, r: Result, reading: Reading) -> None:
    horizon = reading.expand.horizon
    if _outside(ev, horizon.start, horizon.end):
        return
    name = summary(ev)
    reason = _unused(ev, name, reading)
    try:
        found = occurrences(ev, reading.expand)
    except (Fault, OverflowError) as fault:
        if isinstance(fault, Unreadable) and fault.line is ev.first("DTSTART") \
                and _year_outside(fault.line, horizon.start, horizon.end):
            return
        if reason:  # a fault in an event that is not used: counted, not refused
            r.events += 1
            r.not_used[reason] += 1
            return
        if isinstance(fault, OverflowError):
            raise Fault("its dates or duration are out of range") from None
        raise
    if not found:
        return
    r.events += len(found)
    if reason:
        r.not_used[reason] += len(found)
        return
    for first, last in found:
        if isinstance(first, dt.datetime):
            assert isinstance(last, dt.datetime)
            if last <= first:
                r.not_used["empty"] += 1
            else:
                r.busy.append(TimedEvent(start=first, end=last, name=name or "Busy"))
                r.used["busy"] += 1
        else:
            _use_days(first, last, name, r, reading)


def _use_days(first: dt.date, last: DateOrTime, name: str, r: Result, reading: Reading
              ) -> None:
    """One used all-day occurrence: busy, closed dates or open days."""
    final = max(first, day(last) - dt.timedelta(days=1))  # DTEND is exclusive
    if reading.use == "busy":
        school = reading.expand.zones.floating
        z0 = dt.datetime.combine(first, dt.time()).replace(tzinfo=school)
        z1 = dt.datetime.combine(final, dt.time()).replace(tzinfo=school) \
            + dt.timedelta(days=1)
        r.busy.append(TimedEvent(start=z0.astimezone(dt.UTC), end=z1.astimezone(dt.UTC),
                                 name=name or "Busy"))
        r.used["busy"] += 1
    elif reading.use == "open-days":
        # the dates in the horizon (with a margin), never a list of the whole span
        h = reading.expand.horizon
        lo_day = max(first, h.start - dt.timedelta(days=CALENDAR_MARGIN_DAYS))
        hi_day = min(final, h.end + dt.timedelta(days=CALENDAR_MARGIN_DAYS))
        r.open_days.update(lo_day + dt.timedelta(days=k)
                           for k in range((hi_day - lo_day).days + 1))
        r.used["open_days"] += 1
    else:
        r.ranges.append(DateRange(first=first, last=final,
                                  name=name or "Imported closure"))
        r.used["closures"] += 1


_YEAR = re.compile(r"\s*(\d{4})")


def _year_outside(line: Line, start: dt.date, end: dt.date) -> bool:
    """Whether an unreadable DTSTART shows a year outside the horizon's years."""
    try:
        _, value = parts(line)
    except Fault:
        return False
    year = _YEAR.match(value)
    return year is not None and not start.year <= int(year.group(1)) <= end.year


_DAY = re.compile(r":(\d{8})(?:T\d{6}Z?)?\s*$")
_ITEM = re.compile(r"\s*(\d{8})(?:T\d{6}Z?)?\s*$")
_UNTIL = re.compile(r"UNTIL=(\d{8})", re.IGNORECASE)


def _outside(ev: Component, start: dt.date, end: dt.date) -> bool:
    """Whether an event is plainly wholly outside the horizon (three days of margin
    for zones), judged from the digits of its DTSTART, DTEND, RDATEs and UNTILs alone,
    before anything is decoded: the many past events of a long export are not decoded
    at all, and a fault in them refuses nothing."""
    line = ev.first("DTSTART")
    first = _DAY.search(line.raw) if line is not None else None
    if first is None:
        return False
    lo = (start - dt.timedelta(days=3)).strftime("%Y%m%d")
    hi = (end + dt.timedelta(days=3)).strftime("%Y%m%d")
    rid = ev.first("RECURRENCE-ID")
    if rid is not None and "THISANDFUTURE" in rid.raw.upper():
        return first.group(1) > hi  # the occurrences it moves start later still
    if rid is None and recurs(ev):
        return _series_outside(ev, first.group(1), lo, hi)
    if first.group(1) > hi:
        return True
    if ev.first("DURATION") is not None:
        return False
    end_line = ev.first("DTEND")
    last = _DAY.search(end_line.raw) if end_line is not None else first
    return last is not None and last.group(1) < lo and first.group(1) < lo


def _series_outside(ev: Component, first: str, lo: str, hi: str) -> bool:
    """:func:`_outside` for a recurring event: all its starts (DTSTART, RDATEs) after
    the horizon, or every rule ending (UNTIL) and every start and period before it."""
    starts = [first]
    for line in ev.every("RDATE"):
        for item in line.raw.rpartition(":")[2].split(","):
            for part in item.split("/"):
                digits = _ITEM.match(part)
                if digits is None:
                    return False  # a duration, or not plain digits
                starts.append(digits.group(1))
    if min(starts) > hi:
        return True
    if ev.first("DURATION") is not None:
        return False
    untils = []
    for rule in ev.every("RRULE"):
        if rule.raw.partition(":")[2].strip():
            until = _UNTIL.search(rule.raw)
            if until is None:
                return False
            untils.append(until.group(1))
    end_line = ev.first("DTEND")
    last = _DAY.search(end_line.raw) if end_line is not None else None
    try:
        length = (_digits_date(last.group(1)) - _digits_date(first)) if last else \
            dt.timedelta(0)
        latest = _digits_date(max(starts + untils)) + max(length, dt.timedelta(0))
    except ValueError:
        return False
    return latest.strftime("%Y%m%d") < lo


def _digits_date(digits: str) -> dt.date:
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
