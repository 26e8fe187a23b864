"""TZIDs of an imported file resolved to zones, and the date and date-time values read
in them (DTSTART, DTEND, RECURRENCE-ID, RDATE and EXDATE lists).

A TZID is resolved from the file's VTIMEZONE, then as an IANA name, a Windows zone id
(``icalendar``'s CLDR table) or an Exchange display name (``_tz.windows``); anything
else is a fault naming the TZID. Several VTIMEZONEs with one TZID are read together: a
fault naming it where they give different offsets for a value read. Floating times are
the school's wall time (``Zones.floating``). A value's own form decides what it is
(``20260101`` is a date even without ``VALUE=DATE``); a date-time is returned aware, in
UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from twinschedule._tz import windows as _windows_zones
from twinschedule._tz import zones as _zones
from twinschedule.ical.ics_content import (
    Component,
    Fault,
    Line,
    duration,
    parts,
    printable,
    text,
    value_line,
)

DateOrTime = dt.date | dt.datetime


class _SameOffsets(dt.tzinfo):
    """A TZID that several VTIMEZONEs of the file define: their UTC offset where they all
    give the same one, a fault naming the TZID where they do not."""

    def __init__(self, zones: list[dt.tzinfo], shown: str) -> None:
        self.zones = zones
        self.shown = shown

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta | None:
        assert when is not None
        offsets = {z.utcoffset(when.replace(tzinfo=z)) for z in self.zones}
        if len(offsets) > 1:
            raise Fault(f"the time zone '{self.shown}' is defined more than once in the "
                        f"file, with different UTC offsets at {when:%Y-%m-%d %H:%M}")
        return offsets.pop()

    def dst(self, when: dt.datetime | None) -> dt.timedelta | None:
        assert when is not None
        return self.zones[0].dst(when.replace(tzinfo=self.zones[0]))

    def tzname(self, when: dt.datetime | None) -> str | None:
        assert when is not None
        return self.zones[0].tzname(when.replace(tzinfo=self.zones[0]))

    def fromutc(self, when: dt.datetime) -> dt.datetime:
        # the wall time of the first definition: the offsets are compared where a value
        # of the file is read (``utcoffset``), not at the horizon's bounds
        first = self.zones[0]
        return first.fromutc(when.replace(tzinfo=first)).replace(tzinfo=self)


class Zones:
    """TZID -> tzinfo for one file, resolved once each (see the module's docstring);
    ``floating`` is the zone of floating times and all-day events (the school's).
    ``text_of`` gives a component's lines as they are in the file."""

    def __init__(self, cal: Component, text_of: Callable[[Component], str],
                 floating: dt.tzinfo) -> None:
        self.vtimezones: dict[str, list[Component]] = {}
        for comp in cal.children:
            if comp.name == "VTIMEZONE":
                for tzid in comp.every("TZID"):
                    self.vtimezones.setdefault(text(tzid).strip(), []).append(comp)
        self.text_of = text_of
        self.floating = floating
        self.done: dict[str, dt.tzinfo | str] = {}

    def get(self, tzid: str) -> dt.tzinfo:
        if tzid not in self.done:
            self.done[tzid] = self._resolve(tzid)
        got = self.done[tzid]
        if isinstance(got, str):
            raise Fault(got)
        return got

    def _resolve(self, tzid: str) -> dt.tzinfo | str:
        shown = printable(tzid, 80)
        name = tzid.strip()
        comps = self.vtimezones.get(name)
        if comps:
            if any(len(comp.every("TZID")) > 1 for comp in comps):
                return f"the time zone '{shown}' is defined more than once in the file"
            zones = [self._vtimezone(comp, name, shown) for comp in comps]
            for zone in zones:
                if isinstance(zone, str):
                    return zone
            return zones[0] if len(zones) == 1 else _SameOffsets(
                [z for z in zones if not isinstance(z, str)], shown)
        if _zones.canonical(name) is not None:
            return _zones.get_zone(name)
        iana = _windows_zones.to_iana(name)
        if iana is not None:
            return _zones.get_zone(iana)
        return (f"unknown time zone '{shown}' (not in the file's VTIMEZONEs, not an IANA, "
                f"Windows or Exchange zone name)")

    def _vtimezone(self, comp: Component, name: str, shown: str) -> dt.tzinfo | str:
        import icalendar

        bad = f"the file's VTIMEZONE '{shown}' is not valid"
        for sub in comp.children:
            for rule in sub.every("RRULE"):
                try:
                    _, value = parts(rule)
                except Fault:
                    return bad
                freq = re.search(r"FREQ=([A-Z]+)", value.upper())
                if freq is None or freq.group(1) != "YEARLY":
                    # a finer rule would expand millions of transitions
                    return (f"time zone {shown}: a VTIMEZONE rule must be FREQ=YEARLY, not "
                            f"{printable(freq.group(1), 20) if freq else 'without FREQ'}")
        source = "BEGIN:VCALENDAR\r\n" + self.text_of(comp) + "END:VCALENDAR\r\n"
        try:
            cal = icalendar.Calendar.from_ical(source)
            # An IANA name is read as icalendar reads it (the zone data); any other name
            # from this definition, never from icalendar's process-wide cache, which
            # keeps the first definition of a TZID it parsed (another file's
            # "Customized Time Zone").
            tz = cal.walk("VTIMEZONE")[0].to_tz(  # type: ignore[attr-defined]
                lookup_tzid=_zones.canonical(name) is not None)
            tz.utcoffset(dt.datetime(2026, 1, 1))
        except Exception:  # icalendar's errors on a broken VTIMEZONE
            return bad
        return tz if isinstance(tz, dt.tzinfo) else bad


class Unreadable(Fault):
    """A value that is not a date or a date-time at all (``line`` is where it is)."""

    def __init__(self, message: str, line: Line) -> None:
        super().__init__(message)
        self.line = line


def when(line: Line, zones: Zones) -> DateOrTime:
    """A DTSTART/DTEND/RECURRENCE-ID value: a date, or an aware datetime. The value's
    own form decides (``20260101`` is a date even without ``VALUE=DATE``)."""
    from icalendar.prop import vDDDTypes

    params, value = parts(line)
    value = value.strip()
    try:
        got = vDDDTypes.from_ical(value)  # type: ignore[no-untyped-call]
    except Exception:
        got = None
    if isinstance(got, dt.datetime):
        if got.tzinfo is not None:
            return got.astimezone(dt.UTC)
        tzid = params.get("TZID")
        zone = zones.get(tzid) if tzid else zones.floating
        return aware(got, zone)
    if isinstance(got, dt.date):
        return got
    raise Unreadable(f"{line.name} '{printable(value, 40)}' is not a date or a date-time",
                     line)


def aware(naive_time: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A wall time of ``zone`` as an aware UTC datetime."""
    return naive_time.replace(tzinfo=zone).astimezone(dt.UTC)


def naive(value: DateOrTime, zone: dt.tzinfo) -> dt.datetime:
    """A value as a wall time of ``zone`` (a date: its midnight)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def many(line: Line, zones: Zones, *, periods: bool = False
         ) -> list[tuple[DateOrTime, dt.timedelta | None]]:
    """The values of an EXDATE or RDATE line (comma separated), each with the length of
    its period (RDATE ``VALUE=PERIOD``: start/end or start/duration), else None."""
    params, value = parts(line)
    out: list[tuple[DateOrTime, dt.timedelta | None]] = []
    for item in value.split(","):
        start, _, until = item.strip().partition("/")
        if not start:
            continue
        if not periods:
            until = ""
        first = when(value_line(line, params, start), zones)
        span: dt.timedelta | None = None
        if until and until.lstrip("+-")[:1].upper() == "P":
            span = duration(value_line(line, {}, until), "RDATE period")
        elif until:
            last = when(value_line(line, params, until), zones)
            if type(last) is not type(first):
                raise Fault(f"{line.name} period '{printable(item, 60)}' mixes a date and "
                            f"a date-time")
            span = last - first
        if span is not None and span < dt.timedelta(0):
            raise Fault(f"{line.name} period '{printable(item, 60)}' ends before it starts")
        out.append((first, span))
    return out
