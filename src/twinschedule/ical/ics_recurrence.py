"""The occurrences of an imported event that touch the horizon, as RFC 5545 and the
engines (recurring-ical-events, ical.js) read them.

Each VEVENT without RECURRENCE-ID counts on its own (two events with the same start or
UID are two events); its occurrences are DTSTART, its RRULEs and RDATEs (a
``VALUE=PERIOD`` one lasting its own period), less its EXDATEs and the instances that
an event with the same UID and a RECURRENCE-ID overrides. An override is one
occurrence (an RRULE or RDATE copied into it is ignored); with ``RANGE=THISANDFUTURE``
it also owns the later instances of its series (up to a later such override), moved by
its shift of start in the series' wall time and lasting its own length. Rules are
expanded by ``ics_rrule`` over the horizon (with two days of margin on each side).
DTEND wins over DURATION.

Everything one file's expansion needs is handed down as one :class:`Context`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from twinschedule._units import CALENDAR_MARGIN_DAYS
from twinschedule.ical.ics_content import (
    Component,
    Fault,
    Line,
    duration,
    parts,
    printable,
    recurs,
    uid,
)
from twinschedule.ical.ics_rrule import Frame, Limits, Walk, starts
from twinschedule.ical.ics_zones import DateOrTime, Zones, aware, many, naive, when

Occurrence = tuple[DateOrTime, DateOrTime]


@dataclass(frozen=True, slots=True, kw_only=True)
class Horizon:
    """The school's dates an import covers, ``start..end``, and the instants ``lo..hi``
    (aware UTC, ``hi`` excluded) that a timed occurrence must reach into: the dates
    with the calendar's margin on each side (``_units.CALENDAR_MARGIN_DAYS``)."""

    start: dt.date
    end: dt.date
    lo: dt.datetime
    hi: dt.datetime

    @classmethod
    def of(cls, start: dt.date, end: dt.date) -> Horizon:
        margin = dt.timedelta(days=CALENDAR_MARGIN_DAYS)
        return cls(start=start, end=end,
                   lo=dt.datetime.combine(start - margin, dt.time(), dt.UTC),
                   hi=dt.datetime.combine(end + margin + dt.timedelta(days=1), dt.time(),
                                          dt.UTC))

    def touches(self, a: DateOrTime, b: DateOrTime) -> bool:
        """Whether an occurrence from ``a`` to ``b`` reaches into the horizon."""
        if isinstance(a, dt.datetime):
            assert isinstance(b, dt.datetime)
            return a < self.hi and b >= self.lo
        assert not isinstance(b, dt.datetime)
        return a <= self.end and b > self.start


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What expanding the events of one file needs: its zones (with the school's for
    floating times), the horizon, the limits and the walk counted against them, and its
    series: the events without RECURRENCE-ID by UID (``masters``) and the events
    overriding an instance of one (``overrides``, by that UID)."""

    zones: Zones
    horizon: Horizon
    limits: Limits
    walk: Walk
    masters: Mapping[str, Sequence[Component]]
    overrides: Mapping[str, Sequence[Component]]


class _Start(NamedTuple):
    """An event's DTSTART: its line and its value."""

    line: Line
    value: DateOrTime


def occurrences(ev: Component, ctx: Context) -> list[Occurrence]:
    """The (start, end) of the occurrences of one VEVENT that touch the horizon: an
    override's own (its RRULE and RDATE are ignored) and, with ``RANGE=THISANDFUTURE``,
    the later ones of its series; a master's (DTSTART, RRULE, RDATE), less those of its
    EXDATEs and those overridden."""
    start = _start(ev, ctx.zones)
    rid = ev.first("RECURRENCE-ID")
    if rid is not None:
        own = _single(ev, start.value, ctx)
        return own + _future(ev, rid, start.value, ctx) if _this_and_future(rid) else own
    if not recurs(ev) and not ev.first("EXDATE") and uid(ev) not in ctx.overrides:
        return _single(ev, start.value, ctx)
    return _instances(ev, start, ctx)


def _start(ev: Component, zones: Zones) -> _Start:
    dtstart = ev.first("DTSTART")
    if dtstart is None:
        raise Fault("it has no DTSTART")
    return _Start(dtstart, when(dtstart, zones))


def span(ev: Component, first: DateOrTime, zones: Zones) -> dt.timedelta:
    """The length of an event: from DTEND (which wins over DURATION), else DURATION, else
    one day / zero. DTEND before DTSTART, or of the other value type, is a fault."""
    end_line = ev.first("DTEND")
    if end_line is not None:
        last = when(end_line, zones)
        if isinstance(first, dt.datetime) != isinstance(last, dt.datetime):
            raise Fault("DTSTART and DTEND are of different value types (a date and a "
                        "date-time)")
        length = last - first
        if length < dt.timedelta(0):
            raise Fault(f"DTEND '{printable(parts(end_line)[1].strip(), 40)}' is before "
                        f"DTSTART")
        return length if isinstance(first, dt.datetime) else max(dt.timedelta(days=1),
                                                                 length)
    dur = ev.first("DURATION")
    if dur is not None:
        length = duration(dur)
        if isinstance(first, dt.datetime):
            return length
        return max(dt.timedelta(days=1), dt.timedelta(days=length.days))
    return dt.timedelta(0) if isinstance(first, dt.datetime) else dt.timedelta(days=1)


def day(value: DateOrTime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _single(ev: Component, first: DateOrTime, ctx: Context) -> list[Occurrence]:
    h = ctx.horizon
    if (first >= h.hi) if isinstance(first, dt.datetime) else (first > h.end):
        return []
    last = first + span(ev, first, ctx.zones)
    return [(first, last)] if h.touches(first, last) else []


def _this_and_future(rid: Line) -> bool:
    return parts(rid)[0].get("RANGE", "").strip().upper() == "THISANDFUTURE"


class _Expansion(NamedTuple):
    """A master's instances in a frame (naive starts), less EXDATEs and overridden
    ones, the lengths of its RDATE periods, and the RECURRENCE-IDs of its
    THISANDFUTURE overrides (sorted)."""

    frame: Frame
    starts: list[dt.datetime]
    periods: dict[dt.datetime, dt.timedelta]
    futures: list[dt.datetime]


def _expand(ev: Component, start: _Start, length: dt.timedelta, ctx: Context,
            shift: dt.timedelta = dt.timedelta(0)) -> _Expansion:
    """The instances of the master ``ev`` whose start moved by ``shift`` (lasting
    ``length``) can touch the horizon."""
    zones = ctx.zones
    rdates = [v for line in ev.every("RDATE") for v in many(line, zones, periods=True)]
    reach = max([length] + [p for _, p in rdates if p is not None])
    frame = _frame(start, length, reach, shift, ctx)
    found = starts(frame, ev.every("RRULE"), ctx.walk, ctx.limits)
    for value, _ in rdates:
        occ = naive(value, frame.zone)
        if frame.lo <= occ <= frame.stop:
            found.add(occ)
    periods = {naive(v, frame.zone): p for v, p in rdates if p is not None}
    removed = {naive(v, frame.zone) for line in ev.every("EXDATE")
               for v, _ in many(line, zones)}
    futures: list[dt.datetime] = []
    for o in ctx.overrides.get(uid(ev), ()):
        line = o.first("RECURRENCE-ID")
        assert line is not None
        try:
            rid = naive(when(line, zones), frame.zone)
            if _this_and_future(line):
                futures.append(rid)
        except Fault as fault:
            raise Fault(f"its override at line {o.line}: {fault}") from None
        removed.add(rid)
    return _Expansion(frame, sorted(found - removed), periods, sorted(futures))


def _instances(ev: Component, start: _Start, ctx: Context) -> list[Occurrence]:
    """A master's occurrences: up to its first THISANDFUTURE override."""
    x = _expand(ev, start, span(ev, start.value, ctx.zones), ctx)
    frame, periods = x.frame, x.periods
    touches = ctx.horizon.touches
    most = ctx.limits.occurrences
    out: list[Occurrence] = []
    for occ in x.starts:
        if x.futures and occ > x.futures[0]:
            break  # the override's from there on
        length = periods.get(occ, frame.span) if periods else frame.span
        if frame.all_day:
            a: DateOrTime = occ.date()
            b: DateOrTime = a + length
        else:
            a = aware(occ, frame.zone)
            b = a + length
        if touches(a, b):
            out.append((a, b))
        if len(out) > most:
            break
    return out


def _at(start: dt.datetime, all_day: bool, zone: dt.tzinfo,
        length: dt.timedelta) -> Occurrence:
    """An occurrence starting at ``start`` (naive, wall time of ``zone``)."""
    if all_day:
        return start.date(), start.date() + length
    a = aware(start, zone)
    return a, a + length


def _future(ev: Component, rid: Line, own: DateOrTime, ctx: Context) -> list[Occurrence]:
    """The occurrences a THISANDFUTURE override moves: those of its series after its
    RECURRENCE-ID (up to a later such override), moved by its own shift of start (in
    the series' wall time) and lasting its own length (or their period's)."""
    length = span(ev, own, ctx.zones)
    out: list[Occurrence] = []
    for master in ctx.masters.get(uid(ev), ()):
        try:
            start = _start(master, ctx.zones)
            zone = _frame_zone(start, ctx.zones)
            since = naive(when(rid, ctx.zones), zone)
            shift = naive(own, zone) - since
            x = _expand(master, start, length, ctx, shift)
        except Fault as fault:
            raise Fault(f"the event it overrides (line {master.line}): {fault}") from None
        for occ in x.starts:
            if occ <= since or x.futures[bisect.bisect_left(x.futures, occ) - 1] != since:
                continue  # before it, or a later THISANDFUTURE override's
            a, b = _at(occ + shift, not isinstance(own, dt.datetime), zone,
                       x.periods.get(occ, length))
            if ctx.horizon.touches(a, b):
                out.append((a, b))
    return out


def _frame_zone(start: _Start, zones: Zones) -> dt.tzinfo:
    """The zone whose wall time a series repeats in: DTSTART's (UTC for ``Z``, the
    school's for floating times and all-day events)."""
    if not isinstance(start.value, dt.datetime):
        return zones.floating
    params, value = parts(start.line)
    raw_zone = params.get("TZID")
    return dt.UTC if value.strip().upper().endswith("Z") else (
        zones.get(raw_zone) if raw_zone else zones.floating)


def _frame(start: _Start, length: dt.timedelta, reach: dt.timedelta, shift: dt.timedelta,
           ctx: Context) -> Frame:
    """The :class:`Frame` of a recurring event (for its instances moved by ``shift``);
    refuses one starting far too early."""
    first = start.value
    h = ctx.horizon
    first_date = day(first)
    before = ctx.limits.years_before
    if first_date.year < h.start.year - before:
        raise Fault(f"a recurring event starting in {first_date.year} is more than "
                    f"{before} years before the plan; give it a later DTSTART")
    margin = dt.timedelta(days=1) + max(reach, dt.timedelta(0))
    zone = _frame_zone(start, ctx.zones)
    if not isinstance(first, dt.datetime):
        return Frame(dt.datetime.combine(first, dt.time()), zone, True, length,
                     dt.datetime.combine(h.start, dt.time()) - margin - shift,
                     dt.datetime.combine(h.end, dt.time()) - shift)
    return Frame(first.astimezone(zone).replace(tzinfo=None), zone, False, length,
                 h.lo.astimezone(zone).replace(tzinfo=None) - margin - shift,
                 h.hi.astimezone(zone).replace(tzinfo=None) - shift)
