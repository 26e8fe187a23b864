"""Imported closure calendars (``closures_ics``): bytes -> closures and busy events.

Every VEVENT closes the school: all-day events close their dates (DTEND exclusive),
timed events are busy intervals; ``TRANSP:TRANSPARENT`` events are ignored; recurring
events are expanded over the horizon with ``recurring-ical-events``. Floating times are
read in the school's zone.

Bounded work, whatever the file: at most ``MAX_ICS_BYTES`` bytes, ``MAX_EVENTS``
VEVENTs of which ``MAX_RECURRING`` recurring, and ``MAX_OCCURRENCES`` occurrences in
the horizon; recurrence rules finer than daily (``FREQ=HOURLY``, ``MINUTELY``,
``SECONDLY``), expanding to more than ``MAX_TIMES_PER_DAY`` times a day, or starting
more than ``MAX_YEARS_BEFORE`` years before the horizon (the expansion walks from the
first occurrence) are refused: a closure calendar never needs them. As a last resort,
expansion stops with an error after ``MAX_SECONDS`` seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from . import _zones
from .errors import ConfigError, Problem
from .model import DateRange, TimedEvent

MAX_ICS_BYTES = 4 * 1024 * 1024
MAX_EVENTS = 20_000
MAX_OCCURRENCES = 20_000
MAX_TIMES_PER_DAY = 24
MAX_RECURRING = 500
MAX_YEARS_BEFORE = 30
MAX_SECONDS = 10.0
_TOO_FINE = ("SECONDLY", "MINUTELY", "HOURLY")


def _fail(message: str) -> ConfigError:
    return ConfigError([Problem(path="", message=message)])


def _check_rrules(event: Any, index: int, start: dt.date) -> bool:
    """Refuse recurrence rules a closure calendar never needs; True if recurring."""
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        freq = [str(f).upper() for f in rule.get("FREQ", [])]
        if not freq:
            raise _fail(f"event {index + 1}: RRULE without FREQ")
        if freq[0] in _TOO_FINE:
            raise _fail(f"event {index + 1}: RRULE FREQ={freq[0]} is not supported in a "
                        f"closure calendar (use DAILY or coarser)")
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(1, len(rule.get(part, [])))
        if per_day > MAX_TIMES_PER_DAY:
            raise _fail(f"event {index + 1}: RRULE repeats {per_day} times a day; at most "
                        f"{MAX_TIMES_PER_DAY} are allowed")
    recurring = bool(rules) or event.get("RDATE") is not None
    if recurring:
        first = event.get("DTSTART").dt
        first = first.date() if isinstance(first, dt.datetime) else first
        if first.year < start.year - MAX_YEARS_BEFORE:
            raise _fail(f"event {index + 1}: a recurring event starting in {first.year} is "
                        f"more than {MAX_YEARS_BEFORE} years before the plan; give it a "
                        f"later DTSTART")
    return recurring


def _as_utc(value: dt.datetime, zone: str) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zones.get_zone(zone))
    return value.astimezone(dt.UTC)


def import_ics(content: bytes, zone: str, start: dt.date,
               end: dt.date) -> tuple[tuple[DateRange, ...], tuple[TimedEvent, ...]]:
    """The closures and busy events of an iCalendar file over ``start..end``.

    Raises ``ConfigError`` (without a path; the caller adds it) for a file that is not
    iCalendar or breaks a limit.
    """
    if len(content) > MAX_ICS_BYTES:
        raise _fail(f"the file has {len(content)} bytes; at most {MAX_ICS_BYTES} are allowed")
    if not content.strip():
        raise _fail("the file is empty, not an iCalendar file")
    import icalendar
    import recurring_ical_events

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(f"not UTF-8 text (byte {exc.start}): not an iCalendar file") from None
    try:
        cal = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises ValueError and others on broken input
        raise _fail(f"not a valid iCalendar file: {str(exc).splitlines()[0][:200]}") from None
    if not isinstance(cal, icalendar.Calendar) or cal.name != "VCALENDAR":
        raise _fail("not an iCalendar file (no VCALENDAR)")
    events = list(cal.walk("VEVENT"))
    if len(events) > MAX_EVENTS:
        raise _fail(f"the file has {len(events)} events; at most {MAX_EVENTS} are allowed")
    recurring = 0
    for i, ev in enumerate(events):
        try:
            if ev.get("DTSTART") is None:
                summary = str(ev.get("SUMMARY", "")).strip()
                raise _fail(f"event {i + 1}{f' ({summary})' if summary else ''} has no "
                            f"DTSTART")
            recurring += _check_rrules(ev, i, start)
        except ConfigError:
            raise
        except Exception as exc:  # icalendar's broken properties raise on access
            raise _fail(f"event {i + 1}: {str(exc).splitlines()[0][:200]}") from None
    if recurring > MAX_RECURRING:
        raise _fail(f"the file has {recurring} recurring events; at most {MAX_RECURRING} "
                    f"are allowed")

    closures: list[DateRange] = []
    busy: list[TimedEvent] = []
    seen: set[tuple[str, str]] = set()
    lo = start - dt.timedelta(days=2)
    hi = end + dt.timedelta(days=3)
    try:
        query = recurring_ical_events.of(cal)
        chunk = lo
        deadline = time.monotonic() + MAX_SECONDS
        while chunk < hi:
            if time.monotonic() > deadline:
                raise _fail(f"expanding the events takes longer than {MAX_SECONDS:g} s; "
                            f"simplify the calendar")
            nxt = min(chunk + dt.timedelta(days=31), hi)
            for occ in query.between(chunk, nxt):
                occ_start = occ.get("DTSTART").dt
                # ``between`` returns an event in every chunk it overlaps: count it once.
                key = (str(occ.get("UID", "")), str(occ_start))
                if key in seen:
                    continue
                seen.add(key)
                if len(seen) > MAX_OCCURRENCES:
                    raise _fail(f"more than {MAX_OCCURRENCES} events fall in the horizon")
                if str(occ.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
                    continue
                name = str(occ.get("SUMMARY", "")).strip() or "Imported closure"
                end_prop = occ.get("DTEND")
                if isinstance(occ_start, dt.datetime):
                    occ_end = end_prop.dt if end_prop is not None else occ_start
                    if not isinstance(occ_end, dt.datetime):
                        occ_end = dt.datetime.combine(occ_end, dt.time(0))
                    s, e = _as_utc(occ_start, zone), _as_utc(occ_end, zone)
                    if e > s:
                        busy.append(TimedEvent(start=s, end=e, name=name))
                else:
                    last = end_prop.dt if end_prop is not None else occ_start + dt.timedelta(1)
                    if isinstance(last, dt.datetime):
                        last = last.date()
                    if last <= occ_start:
                        last = occ_start + dt.timedelta(days=1)
                    closures.append(DateRange(first=occ_start,
                                              last=last - dt.timedelta(days=1), name=name))
            chunk = nxt
    except ConfigError:
        raise
    except Exception as exc:  # broken VTIMEZONE, bad RRULE values, ...
        raise _fail(f"cannot expand the events: {str(exc).splitlines()[0][:200]}") from None
    closures = sorted(set(closures), key=lambda r: (r.first, r.last, r.name))
    busy = sorted(set(busy), key=lambda b: (b.start, b.end, b.name))
    return tuple(closures), tuple(busy)
