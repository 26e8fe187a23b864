"""Imported calendars (``closures_ics``): bytes -> closed dates, busy intervals and a
report of what each event became.

How a file is read (config.md has the contract):

- The file is split into content lines and components by ``ics_content`` (unfolding,
  ``BEGIN``/``END`` nesting, the name / parameters / value split of RFC 5545 section
  3.1); every *value* is decoded by the ``icalendar`` package's property types
  (``vDDDTypes``, ``vRecur``, ``vDuration``) and text unescaping
  (``unescape_backslash``), and a VTIMEZONE by ``icalendar`` as a whole.
- Whether an event is used is decided before any of its values is decoded (STATUS,
  SUMMARY against include/exclude, TRANSP of a timed event; the digits of its dates
  for "wholly outside the horizon"): a broken property of an event that is not used,
  or a broken component other than VEVENT, never refuses the file. A used event's
  faults are located errors, never read as empty: DTEND before DTSTART, DTSTART and
  DTEND of different value types, an unreadable value or RRULE, an unknown TZID.
- Recurrence as RFC 5545 and the engines (recurring-ical-events, ical.js) read it. Each
  VEVENT without RECURRENCE-ID counts on its own (two events with the same start or
  UID are two events); its occurrences are DTSTART, its RRULEs and RDATEs (a
  ``VALUE=PERIOD`` one lasting its own period), less its EXDATEs and the instances
  that an event with the same UID and a RECURRENCE-ID overrides. An override is one
  occurrence (an RRULE or RDATE copied into it is ignored); with
  ``RANGE=THISANDFUTURE`` it also owns the later instances of its series (up to a
  later such override), moved by its shift of start in the series' wall time and
  lasting its own length. Rules are expanded with ``dateutil``'s rrule engine over the
  horizon (with two days of margin on each side). DTEND wins over DURATION
  (``ics_recurrence``, ``ics_rrule``).
- A TZID is resolved from the file's VTIMEZONE, then as an IANA name, a Windows zone id
  (``icalendar``'s CLDR table) or an Exchange display name (``_tz.windows``);
  anything else is an error naming the file, the event and the TZID. Several
  VTIMEZONEs with one TZID are read together: a fault naming it where they give
  different offsets for a value read. Floating times are the school's wall time
  (``ics_zones``).

Limits are counted in work, never in seconds, so a file is accepted or refused the same
way on any machine (a file breaking one is refused with a ``ConfigError`` saying which):

==========================  ===========  ====================================================
``MAX_ICS_BYTES``           4 MiB        bytes per file (also the read cap in ``_io``); a
                                         ten-year Google export of a busy school calendar
                                         is about 1.6 MB
``MAX_ICS_LINES``           200,000      physical lines per file (checked before parsing)
``MAX_EVENTS``              20,000       VEVENTs per file, overrides included
``MAX_RECURRING``           2,000        VEVENTs with RRULE or RDATE per file (not counting
                                         overrides: their RRULE is ignored)
``MAX_TIMES_PER_DAY``       24           times a day an RRULE may repeat (BYHOUR x BYMINUTE
                                         x BYSECOND); ``FREQ=HOURLY``, ``MINUTELY`` and
                                         ``SECONDLY`` are refused outright
``MAX_YEARS_BEFORE``        30           years a recurring event may start before the plan
``MAX_WALK``                500,000      steps the recurrence engine may walk in all (one
                                         per period, plus one per 16 candidate days), from
                                         each rule's DTSTART to the end of the horizon
                                         (where every rule is stopped: a rule that matches
                                         rarely or never is not walked on to 9999)
``MAX_OCCURRENCES``         50,000       occurrences in the horizon, all events together
==========================  ===========  ====================================================

``MAX_WALK`` is enforced by counting the periods walked by ``dateutil``'s rrule engine
(``ics_rrule``: while a file is expanded, the engine's private ``_iterinfo`` helper is
replaced by a counting subclass, for this thread only and under a lock). The limits are
read when a file is imported and handed down with the file's context
(``ics_rrule.Limits``), so they are defined here only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from twinschedule._tz import zones as _zones
from twinschedule.ical.ics_content import (
    Component,
    components,
    fail,
    physical_lines,
    printable,
    text,
    uid,
)
from twinschedule.ical.ics_events import Reading, Result, read
from twinschedule.ical.ics_recurrence import Context, Horizon
from twinschedule.ical.ics_rrule import Limits, Walk, bounded_walks
from twinschedule.ical.ics_zones import Zones
from twinschedule.model import DateRange, Imported

MAX_ICS_BYTES = 4 * 1024 * 1024
MAX_ICS_LINES = 200_000
MAX_EVENTS = 20_000
MAX_RECURRING = 2_000
MAX_TIMES_PER_DAY = 24
MAX_YEARS_BEFORE = 30
MAX_WALK = 500_000
MAX_OCCURRENCES = 50_000


def import_ics(content: bytes, zone: str, start: dt.date, end: dt.date, *,
               use: str = "closures", include: Sequence[str] = (),
               exclude: Sequence[str] = (), source: str = "the file") -> Imported:
    """What an iCalendar file gives over ``start..end`` for a school in ``zone``.

    ``use`` is ``closures``, ``open-days`` or ``busy`` (config.md); ``include`` and
    ``exclude`` are regular expressions searched, case-insensitively, in SUMMARY.
    Raises ``ConfigError`` (without a path; the caller adds it) for a file that is not
    iCalendar, breaks a limit or has a fault in an event that would be used.
    """
    _precheck(content, source)
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text (byte {exc.start}): not an iCalendar file") from None
    lines = physical_lines(decoded)
    cal = components(lines)

    def text_of(comp: Component) -> str:
        return "\r\n".join(lines[comp.line - 1:comp.end or len(lines)]) + "\r\n"

    scale = text(cal.first("CALSCALE")).strip().upper()
    if scale not in ("", "GREGORIAN"):
        raise fail(f"the file's CALSCALE is {printable(scale, 20)}; only GREGORIAN "
                   f"calendars are supported")
    events = [c for c in cal.children if c.name == "VEVENT"]
    if len(events) > MAX_EVENTS:
        raise fail(f"the file has {len(events)} events; at most {MAX_EVENTS} are allowed")
    masters, overrides = _series(events)
    limits = Limits(walk=MAX_WALK, occurrences=MAX_OCCURRENCES,
                    times_per_day=MAX_TIMES_PER_DAY, years_before=MAX_YEARS_BEFORE)
    expand = Context(zones=Zones(cal, text_of, _zones.get_zone(zone)),
                     horizon=Horizon.of(start, end), limits=limits, walk=Walk(limits.walk),
                     masters=masters, overrides=overrides)
    reading = Reading(expand=expand, use=use, source=source,
                      include=tuple(re.compile(p, re.IGNORECASE) for p in include),
                      exclude=tuple(re.compile(p, re.IGNORECASE) for p in exclude))
    result = Result()
    with bounded_walks(expand.walk):
        for ev in events:
            read(ev, result, reading)
    return _finish(result, use, start, end)


def _series(events: list[Component]
            ) -> tuple[dict[str, list[Component]], dict[str, list[Component]]]:
    """The events without RECURRENCE-ID by UID, and the events overriding an occurrence
    of one of them (with a RECURRENCE-ID and the same UID); refuses too many recurring
    events (an override is one occurrence, whatever it carries)."""
    masters: dict[str, list[Component]] = {}
    recurring = 0
    for e in events:
        if e.first("RECURRENCE-ID") is None:
            recurring += bool(e.first("RRULE") or e.first("RDATE"))
            key = uid(e)
            if key:
                masters.setdefault(key, []).append(e)
    if recurring > MAX_RECURRING:
        raise fail(f"the file has {recurring} recurring events; at most "
                   f"{MAX_RECURRING} are allowed")
    overrides: dict[str, list[Component]] = {}
    for e in events:
        if e.first("RECURRENCE-ID") is not None:
            key = uid(e)
            if key in masters:
                overrides.setdefault(key, []).append(e)
    return masters, overrides


def _finish(r: Result, use: str, start: dt.date, end: dt.date) -> Imported:
    ranges = set(r.ranges)
    if use == "open-days":  # every date of the horizon that no listed day covers
        gap: dt.date | None = None
        d = start
        while d <= end + dt.timedelta(days=1):
            closed = d <= end and d not in r.open_days
            if closed and gap is None:
                gap = d
            elif not closed and gap is not None:
                ranges.add(DateRange(first=gap, last=d - dt.timedelta(days=1),
                                     name="Not a day of the term calendar"))
                gap = None
            d += dt.timedelta(days=1)
    busy = sorted(set(r.busy), key=lambda b: (b.start, b.end, b.name))
    return Imported(closures=tuple(sorted(ranges, key=lambda x: (x.first, x.last, x.name))),
                    busy=tuple(busy), events=r.events,
                    used=tuple(sorted(r.used.items())),
                    not_used=tuple(sorted(r.not_used.items())),
                    open_days=tuple(sorted(r.open_days)))


def _precheck(content: bytes, source: str) -> None:
    """Refuse, before parsing, files whose parsing alone would be too much work."""
    if len(content) > MAX_ICS_BYTES:
        raise fail(f"the file has {len(content)} bytes; at most {MAX_ICS_BYTES} are allowed")
    if not content.strip():
        raise fail("the file is empty, not an iCalendar file")
    if b"\x00" in content[:4096]:
        raise fail("the file is binary, not an iCalendar file")
    lines = max(content.count(b"\n") + (not content.endswith(b"\n")),
                content.count(b"\r") + (not content.endswith((b"\r", b"\r\n"))))
    if lines > MAX_ICS_LINES:
        raise fail(f"the file has {lines} lines; at most {MAX_ICS_LINES} are allowed")
    events = content.upper().count(b"BEGIN:VEVENT")
    if events > MAX_EVENTS:
        raise fail(f"the file has {events} events; at most {MAX_EVENTS} are allowed")
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if head.startswith((b"<!DOCTYPE", b"<HTML")):  # named, never quoted (config.md)
        raise fail(f"{source} is a web page (HTML), not an iCalendar file: perhaps a saved "
                   f"login or error page instead of the calendar; download the .ics again")
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise fail("not an iCalendar file (it does not start with BEGIN:VCALENDAR)")
