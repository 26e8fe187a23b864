"""Imported calendars (``closures_ics``): bytes -> closed dates, busy intervals and a
report of what each event became.

How a file is read (config.md has the contract):

- The file is split into content lines and components here (unfolding, ``BEGIN``/
  ``END`` nesting, the name / parameters / value split of RFC 5545 section 3.1); every
  *value* is decoded by the ``icalendar`` package's property types (``vDDDTypes``,
  ``vRecur``, ``vDuration``, ``vText``), and a VTIMEZONE by ``icalendar`` as a whole.
  Only what a used event needs is decoded: a broken property of an event that is
  cancelled, filtered out or outside the horizon, or a broken component other than
  VEVENT, never refuses the file.
- Each VEVENT counts on its own (two events with the same start or the same UID are two
  events); only a ``RECURRENCE-ID`` with the UID of a recurring event replaces one of
  its occurrences. Recurring events are expanded with ``dateutil``'s rrule engine, once,
  over the horizon (with two days of margin on each side).
- A TZID is resolved from the file's VTIMEZONE, then as an IANA name, a Windows zone id
  or an Exchange display name (``_windows_zones``); anything else is an error naming
  the file, the event and the TZID. Floating times are the school's wall time.

Limits are counted in work, never in seconds, so a file is accepted or refused the same
way on any machine (a file breaking one is refused with a ``ConfigError`` saying which):

==========================  ===========  ====================================================
``MAX_ICS_BYTES``           4 MiB        bytes per file (also the read cap in ``_io``); a
                                         ten-year Google export of a busy school calendar
                                         is about 1.6 MB
``MAX_ICS_LINES``           200,000      physical lines per file (checked before parsing)
``MAX_EVENTS``              20,000       VEVENTs per file, overrides included
``MAX_RECURRING``           2,000        VEVENTs with RRULE or RDATE per file
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

``MAX_WALK`` is enforced by counting the periods walked by ``dateutil``'s rrule engine:
while a file is expanded, the engine's private ``_iterinfo`` helper is replaced by a
counting subclass, for this thread only and under a lock. If a future ``dateutil``
drops that helper the count is skipped and only the other limits apply
(``tests/test_limits.py`` would notice).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from twinschedule._tz import windows as _windows_zones
from twinschedule._tz import zones as _zones
from twinschedule._units import CALENDAR_MARGIN_DAYS
from twinschedule.errors import ConfigError, Problem
from twinschedule.model import DateRange, TimedEvent

MAX_ICS_BYTES = 4 * 1024 * 1024
MAX_ICS_LINES = 200_000
MAX_EVENTS = 20_000
MAX_RECURRING = 2_000
MAX_TIMES_PER_DAY = 24
MAX_YEARS_BEFORE = 30
MAX_WALK = 500_000
MAX_OCCURRENCES = 50_000
USES = ("closures", "open-days", "busy")
_TOO_FINE = ("SECONDLY", "MINUTELY", "HOURLY")
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_MARGIN = CALENDAR_MARGIN_DAYS  # the calendar's margin around the horizon (``_units``)


@dataclass(frozen=True, slots=True, kw_only=True)
class Imported:
    """What one file gave: closed date ranges, busy intervals (aware UTC) and counts of
    the occurrences in the horizon by what they became (``used``) and why not
    (``not_used``)."""

    closures: tuple[DateRange, ...]
    busy: tuple[TimedEvent, ...]
    events: int = 0
    used: tuple[tuple[str, int], ...] = ()
    not_used: tuple[tuple[str, int], ...] = ()
    open_days: tuple[dt.date, ...] = field(default=())  # as="open-days": days listed


class _Fault(Exception):
    """A malformed part of one event (the message names the part, never the library)."""


def _fail(message: str) -> ConfigError:
    return ConfigError([Problem(path="", message=message)])


def _printable(text: str, limit: int) -> str:
    """Text from the file as shown in a message: spaces collapsed, other non-printable
    characters escaped, at most ``limit`` characters."""
    text = " ".join(text[:4 * limit].split())
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


# --- content lines and components ---------------------------------------------------------

# Exchange writes display names unquoted, colon included: TZID=(UTC-05:00) Eastern ...
_DISPLAY_TZID = re.compile(r"(TZID=)(\((?:UTC|GMT)[^)]*\)[^:;\"]*)([;:])", re.IGNORECASE)


@dataclass(slots=True)
class _Line:
    name: str
    raw: str  # the unfolded line
    number: int  # physical line number of its start (1-based)


# The properties read at all (others are skipped unparsed, whatever they hold).
_READ = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
                   "RECURRENCE-ID", "UID", "SUMMARY", "STATUS", "TRANSP", "TZID",
                   "CALSCALE"})
_HEAD = re.compile(r"[A-Za-z0-9-]+(?=[;:])")


@dataclass(slots=True)
class _Component:
    name: str
    line: int
    end: int = 0  # line of its END (0 when the file never closes it)
    props: dict[str, list[_Line]] = field(default_factory=dict)
    children: list[_Component] = field(default_factory=list)

    def first(self, name: str) -> _Line | None:
        found = self.props.get(name)
        return found[0] if found else None

    def every(self, name: str) -> list[_Line]:
        return self.props.get(name, [])


def _components(text: str) -> _Component:
    """The VCALENDAR of ``text`` as a tree of components of the content lines read."""
    root = _Component(name="", line=0)
    stack = [root]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n = len(lines)
    i = 0
    head = _HEAD.match
    while i < n:
        line = lines[i]
        number = i + 1
        i += 1
        m = head(line)
        if m is None:
            continue  # a continuation of a skipped line, or not a content line
        name = m.group().upper()
        if name == "BEGIN":
            comp = _Component(name=line[6:].strip().upper(), line=number)
            stack[-1].children.append(comp)
            stack.append(comp)
            continue
        if name == "END":
            value = line[4:].strip().upper()
            if len(stack) > 1 and stack[-1].name == value:
                stack.pop().end = number
            elif any(c.name == value for c in stack[1:]):
                while stack[-1].name != value:
                    stack.pop()
                stack.pop().end = number
            continue
        if name not in _READ:
            continue
        raw = line
        while i < n and lines[i][:1] in (" ", "\t") and lines[i]:
            raw += lines[i][1:]
            i += 1
        stack[-1].props.setdefault(name, []).append(_Line(name=name, raw=raw, number=number))
    cals = [c for c in root.children if c.name == "VCALENDAR"]
    if not cals:
        raise _fail("not an iCalendar file (no BEGIN:VCALENDAR)")
    return cals[0]


def _parts(line: _Line) -> tuple[dict[str, str], str]:
    """Parameters (upper-case names, unquoted values) and the value of a content line."""
    raw = line.raw[len(line.name):]
    if raw.startswith(";") and "TZID=(" in raw.upper():
        raw = _DISPLAY_TZID.sub(lambda m: f'{m.group(1)}"{m.group(2)}"{m.group(3)}', raw,
                                count=1)
    params: dict[str, str] = {}
    i = 0
    while i < len(raw) and raw[i] == ";":
        j = i + 1
        eq = raw.find("=", j)
        if eq < 0:
            raise _Fault(f"{line.name} has a malformed parameter")
        key = raw[j:eq].strip().upper()
        k = eq + 1
        if raw[k:k + 1] == '"':
            end = raw.find('"', k + 1)
            if end < 0:
                raise _Fault(f"{line.name} has an unclosed quote")
            value = raw[k + 1:end]
            k = end + 1
        else:
            end = k
            while end < len(raw) and raw[end] not in ";:":
                end += 1
            value = raw[k:end]
            k = end
        params[key] = value
        i = k
    if i >= len(raw) or raw[i] != ":":
        raise _Fault(f"{line.name} has no value")
    return params, raw[i + 1:]


def _text(line: _Line | None) -> str:
    if line is None:
        return ""
    try:
        _, value = _parts(line)
    except _Fault:
        return ""
    return (value.replace("\\n", " ").replace("\\N", " ").replace("\\,", ",")
            .replace("\\;", ";").replace("\\\\", "\\"))


# --- zones --------------------------------------------------------------------------------


class _Zones:
    """TZID -> tzinfo for one file, resolved once each (see the module's docstring)."""

    def __init__(self, cal: _Component, text_of: Any) -> None:
        self.vtimezones: dict[str, list[_Component]] = {}
        for comp in cal.children:
            if comp.name == "VTIMEZONE":
                for tzid in comp.every("TZID"):
                    self.vtimezones.setdefault(_text(tzid).strip(), []).append(comp)
        self.text_of = text_of
        self.done: dict[str, dt.tzinfo | str] = {}

    def get(self, tzid: str) -> dt.tzinfo:
        if tzid not in self.done:
            self.done[tzid] = self._resolve(tzid)
        got = self.done[tzid]
        if isinstance(got, str):
            raise _Fault(got)
        return got

    def _resolve(self, tzid: str) -> dt.tzinfo | str:
        shown = _printable(tzid, 80)
        comps = self.vtimezones.get(tzid.strip())
        if comps:
            if len(comps) > 1 or len(comps[0].every("TZID")) > 1:
                return f"the time zone '{shown}' is defined more than once in the file"
            return self._vtimezone(comps[0], shown)
        name = tzid.strip()
        if _zones.canonical(name) is not None:
            return _zones.get_zone(name)
        iana = _windows_zones.to_iana(name)
        if iana is not None:
            return _zones.get_zone(iana)
        return (f"unknown time zone '{shown}' (not in the file's VTIMEZONEs, not an IANA, "
                f"Windows or Exchange zone name)")

    def _vtimezone(self, comp: _Component, shown: str) -> dt.tzinfo | str:
        import icalendar

        bad = f"the file's VTIMEZONE '{shown}' is not valid"
        for sub in comp.children:
            for rule in sub.every("RRULE"):
                try:
                    _, value = _parts(rule)
                except _Fault:
                    return bad
                freq = re.search(r"FREQ=([A-Z]+)", value.upper())
                if freq is None or freq.group(1) != "YEARLY":
                    # a finer rule would expand millions of transitions
                    return (f"time zone {shown}: a VTIMEZONE rule must be FREQ=YEARLY, not "
                            f"{_printable(freq.group(1), 20) if freq else 'without FREQ'}")
        text = "BEGIN:VCALENDAR\r\n" + self.text_of(comp) + "END:VCALENDAR\r\n"
        try:
            cal = icalendar.Calendar.from_ical(text)
            tz = cal.walk("VTIMEZONE")[0].to_tz()  # type: ignore[attr-defined]
            tz.utcoffset(dt.datetime(2026, 1, 1))
        except Exception:  # icalendar's errors on a broken VTIMEZONE
            return bad
        return tz if isinstance(tz, dt.tzinfo) else bad


# --- values -------------------------------------------------------------------------------

DateOrTime = dt.date | dt.datetime


def _when(line: _Line, zones: _Zones, school: dt.tzinfo) -> DateOrTime:
    """A DTSTART/DTEND/RECURRENCE-ID value: a date, or an aware datetime. The value's
    own form decides (``20260101`` is a date even without ``VALUE=DATE``)."""
    from icalendar.prop import vDDDTypes

    params, value = _parts(line)
    value = value.strip()
    try:
        got = vDDDTypes.from_ical(value)  # type: ignore[no-untyped-call]
    except Exception:
        raise _Fault(f"{line.name} '{_printable(value, 40)}' is not a date or a date-time"
                     ) from None
    if isinstance(got, dt.datetime):
        if got.tzinfo is not None:
            return got.astimezone(dt.UTC)
        tzid = params.get("TZID")
        zone = zones.get(tzid) if tzid else school
        return _aware(got, zone)
    if isinstance(got, dt.date):
        return got
    raise _Fault(f"{line.name} '{_printable(value, 40)}' is not a date or a date-time")


def _aware(naive: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return naive.replace(tzinfo=zone).astimezone(dt.UTC)


def _many(line: _Line, zones: _Zones, school: dt.tzinfo) -> list[DateOrTime]:
    """The values of an EXDATE or RDATE line (comma separated; periods give their start)."""
    params, value = _parts(line)
    out: list[DateOrTime] = []
    for item in value.split(","):
        item = item.strip().split("/")[0]
        if item:
            fake = _Line(name=line.name, number=line.number,
                         raw=line.name + "".join(f';{k}="{v}"' for k, v in params.items())
                         + ":" + item)
            out.append(_when(fake, zones, school))
    return out


def _duration(line: _Line) -> dt.timedelta:
    from icalendar.prop import vDuration

    _, value = _parts(line)
    try:
        got = vDuration.from_ical(value.strip())  # type: ignore[no-untyped-call]
    except Exception:
        raise _Fault(f"DURATION '{_printable(value, 40)}' is not a duration") from None
    if not isinstance(got, dt.timedelta):
        raise _Fault(f"DURATION '{_printable(value, 40)}' is not a duration")
    return got


# --- recurrence ---------------------------------------------------------------------------


class _WalkLimit(BaseException):
    """Raised inside dateutil when the walk budget is spent (a BaseException, so that no
    ``except Exception`` on the way swallows it)."""


class _PastHorizon(BaseException):
    """Raised inside dateutil when a rule's walk passes the horizon's last year: a rule
    that matches rarely or never stops there instead of walking on to 9999."""


class _Walk:
    """The steps walked by dateutil's rrule engine in one thread."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.steps = 0
        self.stop_year = 10_000  # a period starting in a later year ends the walk
        self.owner = threading.get_ident()

    def step(self, days: int, year: int = 0) -> None:
        if threading.get_ident() != self.owner:
            return
        self.steps += 1 + (days + 15) // 16
        if self.steps > self.budget:
            raise _WalkLimit
        if year > self.stop_year:
            raise _PastHorizon


_WALK_LOCK = threading.Lock()
_DAYSETS = ("ydayset", "mdayset", "wdayset", "ddayset")


@contextlib.contextmanager
def _bounded_walks(walk: _Walk) -> Iterator[None]:
    """Count, for this thread, the periods dateutil's rrule engine walks (see above)."""
    engine = importlib.import_module("dateutil.rrule")
    base = engine.__dict__.get("_iterinfo")
    if not isinstance(base, type) or not all(hasattr(base, n) for n in _DAYSETS):
        yield
        return

    def counting(name: str) -> Any:
        original = getattr(base, name)

        def dayset(self: Any, *args: Any) -> Any:
            result = original(self, *args)
            walk.step(result[2] - result[1], args[0] if args else 0)
            return result
        return dayset

    counted = type("_CountingIterinfo", (base,), {n: counting(n) for n in _DAYSETS})
    with _WALK_LOCK:
        engine.__dict__["_iterinfo"] = counted
        try:
            yield
        finally:
            engine.__dict__["_iterinfo"] = base


def _rule(line: _Line, first: dt.datetime, zone: dt.tzinfo, all_day: bool) -> Any:
    """A dateutil rrule (naive wall times of ``zone``) for an RRULE line; None for an
    empty ``RRULE:`` (a single event)."""
    from dateutil import rrule as engine  # type: ignore[import-untyped]
    from icalendar.prop import vRecur

    _, value = _parts(line)
    value = value.strip()
    if not value:
        return None
    try:
        recur = vRecur.from_ical(value)
    except Exception:
        raise _Fault(f"RRULE '{_printable(value, 60)}' is not a recurrence rule") from None
    freq = [str(f).upper() for f in recur.get("FREQ", [])]
    if not freq:
        raise _Fault("RRULE has no FREQ")
    if freq[0] in _TOO_FINE:
        raise _Fault(f"RRULE FREQ={freq[0]} is not supported in an imported calendar "
                     f"(use DAILY or coarser)")
    if freq[0] not in _FREQS:
        raise _Fault(f"RRULE FREQ={_printable(freq[0], 20)} is not a frequency")
    interval = recur.get("INTERVAL", [1])
    if not interval or not isinstance(interval[0], int) or interval[0] < 1:
        raise _Fault("RRULE INTERVAL must be a whole number of 1 or more")
    per_day = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_day *= max(1, len(recur.get(part, [])))
    if per_day > MAX_TIMES_PER_DAY:
        raise _Fault(f"RRULE repeats {per_day} times a day; at most {MAX_TIMES_PER_DAY} "
                     f"are allowed")
    until = recur.get("UNTIL", [])
    without = ";".join(part for part in value.split(";")
                       if part.split("=")[0].strip().upper() != "UNTIL")
    try:
        rule = engine.rrulestr(without, dtstart=first)
    except Exception:
        raise _Fault(f"RRULE '{_printable(value, 60)}' is not a valid recurrence rule"
                     ) from None
    if until:
        u = until[0]
        if isinstance(u, dt.datetime):
            last = u.astimezone(zone).replace(tzinfo=None) if u.tzinfo else u
        else:
            last = dt.datetime.combine(u, dt.time(23, 59, 59) if not all_day else dt.time())
        rule = rule.replace(until=last)
    return rule


# --- events -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Result:
    ranges: list[DateRange] = field(default_factory=list)
    open_days: set[dt.date] = field(default_factory=set)
    busy: list[TimedEvent] = field(default_factory=list)
    used: Counter[str] = field(default_factory=Counter)
    not_used: Counter[str] = field(default_factory=Counter)
    events: int = 0


def _label(source: str, event: _Component) -> str:
    uid = _printable(_text(event.first("UID")), 60)
    summary = _printable(_text(event.first("SUMMARY")), 60)
    bits = [f"line {event.line}"] + ([f"UID {uid}"] if uid else []) \
        + ([f"'{summary}'"] if summary else [])
    return f"{source}: event at {', '.join(bits)}"


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
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(f"not UTF-8 text (byte {exc.start}): not an iCalendar file") from None
    cal = _components(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def text_of(comp: _Component) -> str:
        return "\r\n".join(lines[comp.line - 1:comp.end or len(lines)]) + "\r\n"

    scale = _text(cal.first("CALSCALE")).strip().upper()
    if scale not in ("", "GREGORIAN"):
        raise _fail(f"the file's CALSCALE is {_printable(scale, 20)}; only GREGORIAN "
                    f"calendars are supported")
    events = [c for c in cal.children if c.name == "VEVENT"]
    if len(events) > MAX_EVENTS:
        raise _fail(f"the file has {len(events)} events; at most {MAX_EVENTS} are allowed")
    inc = [re.compile(p, re.IGNORECASE) for p in include]
    exc_ = [re.compile(p, re.IGNORECASE) for p in exclude]
    school = _zones.get_zone(zone)
    zones = _Zones(cal, text_of)
    lo = dt.datetime.combine(start - dt.timedelta(days=_MARGIN), dt.time(), dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=_MARGIN + 1), dt.time(), dt.UTC)
    result = _Result()
    walk = _Walk(MAX_WALK)
    masters, overrides = _series(events)
    with _bounded_walks(walk):
        for ev in events:
            try:
                _event(ev, result, use=use, include=inc, exclude=exc_, zones=zones,
                       school=school, lo=lo, hi=hi, start=start, end=end,
                       overrides=overrides, masters=masters, walk=walk)
            except _Fault as fault:
                raise _fail(f"{_label(source, ev)}: {fault}") from None
            except OverflowError:
                raise _fail(f"{_label(source, ev)}: its dates or duration are out of range"
                            ) from None
            except _WalkLimit:
                raise _fail(f"{_label(source, ev)}: the recurring events need more than "
                            f"{MAX_WALK} steps to expand (at {_rrule_text(ev)}): rules "
                            f"are walked from their DTSTART, period by period; give them a "
                            f"later DTSTART, an UNTIL or COUNT, or a simpler rule") from None
            if result.events > MAX_OCCURRENCES:
                raise _fail(f"more than {MAX_OCCURRENCES} event occurrences fall in the "
                            f"horizon; simplify the calendar")
    return _finish(result, use, start, end)


def _series(events: list[_Component]) -> tuple[set[str], dict[str, list[_Component]]]:
    """The UIDs of the recurring events, and the events overriding one of their
    occurrences (with a RECURRENCE-ID) by UID; refuses too many recurring events."""
    recurring = [e for e in events if e.first("RRULE") or e.first("RDATE")]
    if len(recurring) > MAX_RECURRING:
        raise _fail(f"the file has {len(recurring)} recurring events; at most "
                    f"{MAX_RECURRING} are allowed")
    masters = {(_text(e.first("UID")).strip()) for e in recurring if e.first("UID")}
    overrides: dict[str, list[_Component]] = {}
    for e in events:
        uid = _text(e.first("UID")).strip()
        if e.first("RECURRENCE-ID") is not None and uid in masters:
            overrides.setdefault(uid, []).append(e)
    return masters, overrides


def _rrule_text(ev: _Component) -> str:
    rule = ev.first("RRULE")
    return "RRULE:" + _printable(rule.raw.partition(":")[2], 80) if rule else "RDATE"


def _finish(r: _Result, use: str, start: dt.date, end: dt.date) -> Imported:
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


def _event(ev: _Component, r: _Result, *, use: str, include: list[re.Pattern[str]],
           exclude: list[re.Pattern[str]], zones: _Zones, school: dt.tzinfo,
           lo: dt.datetime, hi: dt.datetime, start: dt.date, end: dt.date,
           overrides: dict[str, list[_Component]], masters: set[str],
           walk: _Walk) -> None:
    status = _text(ev.first("STATUS")).strip().upper()
    summary = _text(ev.first("SUMMARY")).strip()
    reason = ""
    if status == "CANCELLED":
        reason = "cancelled"
    elif (include and not any(p.search(summary) for p in include)) or \
            any(p.search(summary) for p in exclude):
        reason = "filtered"
    try:
        occurrences = _occurrences(ev, zones, school, lo, hi, start, end, overrides, masters,
                                   walk)
    except (_Fault, OverflowError) as fault:
        if reason:  # a fault in an event that is not used: counted, not refused
            r.events += 1
            r.not_used[reason] += 1
            return
        if isinstance(fault, OverflowError):
            raise _Fault("its dates or duration are out of range") from None
        raise
    if not occurrences:
        return
    r.events += len(occurrences)
    if reason:
        r.not_used[reason] += len(occurrences)
        return
    transparent = _text(ev.first("TRANSP")).strip().upper() == "TRANSPARENT"
    name = summary or "Imported closure"
    for first, last in occurrences:
        if isinstance(first, dt.datetime):
            assert isinstance(last, dt.datetime)
            if transparent:
                r.not_used["transparent"] += 1
            elif last <= first:
                r.not_used["empty"] += 1
            else:
                r.busy.append(TimedEvent(start=first, end=last, name=summary or "Busy"))
                r.used["busy"] += 1
            continue
        final = max(first, _day(last) - dt.timedelta(days=1))  # DTEND is exclusive
        # the dates in the horizon (a margin for busy), never a list of the whole span
        lo_day = max(first, start - dt.timedelta(days=_MARGIN))
        hi_day = min(final, end + dt.timedelta(days=_MARGIN))
        days = [lo_day + dt.timedelta(days=k) for k in range((hi_day - lo_day).days + 1)]
        if use == "busy":
            z0 = dt.datetime.combine(first, dt.time()).replace(tzinfo=school)
            z1 = dt.datetime.combine(final, dt.time()).replace(tzinfo=school) \
                + dt.timedelta(days=1)
            r.busy.append(TimedEvent(start=z0.astimezone(dt.UTC), end=z1.astimezone(dt.UTC),
                                     name=summary or "Busy"))
            r.used["busy"] += 1
        elif use == "open-days":
            r.open_days.update(days)
            r.used["open_days"] += 1
        else:
            r.ranges.append(DateRange(first=first, last=final, name=name))
            r.used["closures"] += 1


def _span(ev: _Component, first: DateOrTime, zones: _Zones,
          school: dt.tzinfo) -> dt.timedelta:
    """The length of an event: from DTEND, else DURATION, else one day / zero."""
    end_line = ev.first("DTEND")
    if end_line is not None:
        last = _when(end_line, zones, school)
        if isinstance(first, dt.datetime):
            if not isinstance(last, dt.datetime):
                last = _aware(dt.datetime.combine(last, dt.time()), school)
            return last - first
        last_day = last.date() if isinstance(last, dt.datetime) else last
        return max(dt.timedelta(days=1), last_day - _day(first))
    dur = ev.first("DURATION")
    if dur is not None:
        span = _duration(dur)
        if isinstance(first, dt.datetime):
            return span
        return max(dt.timedelta(days=1), dt.timedelta(days=span.days))
    return dt.timedelta(0) if isinstance(first, dt.datetime) else dt.timedelta(days=1)


def _day(value: DateOrTime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


class _Frame(NamedTuple):
    """Where a recurring event is expanded: the wall time of its DTSTART's zone (the
    school's for all-day events), from ``lo`` to ``stop`` (naive, in that zone)."""

    first: dt.datetime  # DTSTART, naive
    zone: dt.tzinfo
    all_day: bool
    span: dt.timedelta  # each occurrence's length
    lo: dt.datetime
    stop: dt.datetime


def _touches(a: DateOrTime, b: DateOrTime, lo: dt.datetime, hi: dt.datetime,
             start: dt.date, end: dt.date) -> bool:
    """Whether an occurrence from ``a`` to ``b`` reaches into the horizon."""
    if isinstance(a, dt.datetime):
        assert isinstance(b, dt.datetime)
        return a < hi and b >= lo
    assert not isinstance(b, dt.datetime)
    return a <= end and b > start


def _occurrences(ev: _Component, zones: _Zones, school: dt.tzinfo, lo: dt.datetime,
                 hi: dt.datetime, start: dt.date, end: dt.date,
                 overrides: dict[str, list[_Component]], masters: set[str],
                 walk: _Walk) -> list[tuple[DateOrTime, DateOrTime]]:
    """The (start, end) of the occurrences of one VEVENT that touch the horizon."""
    dtstart = ev.first("DTSTART")
    if dtstart is None:
        raise _Fault("it has no DTSTART")
    rules = ev.every("RRULE")
    rdates = ev.every("RDATE")
    if not rules and not rdates and _outside(ev, start, end):
        return []
    first = _when(dtstart, zones, school)
    if not rdates and all(not _parts(x)[1].strip() for x in rules):
        # a single event (an empty "RRULE:" line included)
        if (first >= hi) if isinstance(first, dt.datetime) else (first > end):
            return []
        last = first + _span(ev, first, zones, school)
        return [(first, last)] if _touches(first, last, lo, hi, start, end) else []
    frame = _frame(ev, dtstart, first, zones, school, lo, hi, start, end)
    found = _expanded(frame, rules, rdates, zones, school, walk)
    uid = _text(ev.first("UID")).strip()
    removed = _removed(ev, frame.zone, zones, school, overrides.get(uid, ())
                       if uid in masters else ())
    out: list[tuple[DateOrTime, DateOrTime]] = []
    for occ in sorted(found - removed):
        if frame.all_day:
            a: DateOrTime = occ.date()
            b: DateOrTime = occ.date() + frame.span
        else:
            a = _aware(occ, frame.zone)
            b = a + frame.span
        if _touches(a, b, lo, hi, start, end):
            out.append((a, b))
        if len(out) > MAX_OCCURRENCES:
            break
    return out


def _frame(ev: _Component, dtstart: _Line, first: DateOrTime, zones: _Zones,
           school: dt.tzinfo, lo: dt.datetime, hi: dt.datetime, start: dt.date,
           end: dt.date) -> _Frame:
    """The :class:`_Frame` of a recurring event; refuses one starting far too early."""
    first_date = _day(first)
    if first_date.year < start.year - MAX_YEARS_BEFORE:
        raise _Fault(f"a recurring event starting in {first_date.year} is more than "
                     f"{MAX_YEARS_BEFORE} years before the plan; give it a later DTSTART")
    span = _span(ev, first, zones, school)
    margin = dt.timedelta(days=1) + max(span, dt.timedelta(0))
    if not isinstance(first, dt.datetime):
        return _Frame(dt.datetime.combine(first, dt.time()), school, True, span,
                      dt.datetime.combine(start, dt.time()) - margin,
                      dt.datetime.combine(end, dt.time()))
    params, value = _parts(dtstart)
    raw_zone = params.get("TZID")
    zone = dt.UTC if value.strip().upper().endswith("Z") else (
        zones.get(raw_zone) if raw_zone else school)
    return _Frame(first.astimezone(zone).replace(tzinfo=None), zone, False, span,
                  lo.astimezone(zone).replace(tzinfo=None) - margin,
                  hi.astimezone(zone).replace(tzinfo=None))


def _expanded(frame: _Frame, rules: list[_Line], rdates: list[_Line], zones: _Zones,
              school: dt.tzinfo, walk: _Walk) -> set[dt.datetime]:
    """The naive starts of the RRULE and RDATE occurrences (and DTSTART) in the frame."""
    stop = frame.stop
    found: set[dt.datetime] = {frame.first} if frame.lo <= frame.first <= stop else set()
    for line in rules:
        rule = _rule(line, frame.first, frame.zone, frame.all_day)
        if rule is None:
            continue
        # One pass up to the horizon's end: the walk stops in the year after it instead
        # of walking a rule that matches rarely or never on to the year 9999.
        walk.stop_year = stop.year + 1
        try:
            for occ in rule:
                if occ > stop:
                    break
                if occ >= frame.lo:
                    found.add(occ)
                    if len(found) > MAX_OCCURRENCES:
                        break
        except _PastHorizon:
            pass
        except (ValueError, TypeError, OverflowError):
            raise _Fault("its recurrence cannot be expanded") from None
        finally:
            walk.stop_year = 10_000
    for line in rdates:
        for value in _many(line, zones, school):
            occ = _naive(value, frame.zone)
            if frame.lo <= occ <= stop:
                found.add(occ)
    return found


def _removed(ev: _Component, zone: dt.tzinfo, zones: _Zones, school: dt.tzinfo,
             overrides: Iterable[_Component]) -> set[dt.datetime]:
    """The naive starts removed by EXDATE or replaced by an override (RECURRENCE-ID)."""
    out = {_naive(v, zone) for line in ev.every("EXDATE") for v in _many(line, zones, school)}
    for o in overrides:
        rid = o.first("RECURRENCE-ID")
        if rid is not None:
            out.add(_naive(_when(rid, zones, school), zone))
    return out


_DAY = re.compile(r":(\d{8})(?:T\d{6}Z?)?\s*$")


def _outside(ev: _Component, start: dt.date, end: dt.date) -> bool:
    """Whether a single event is plainly outside the horizon (three days of margin
    for zones), judged from the digits of its DTSTART and DTEND alone, so that the many
    past events of a long export are not decoded at all."""
    first = _DAY.search(ev.props["DTSTART"][0].raw)
    if first is None:
        return False
    lo = (start - dt.timedelta(days=3)).strftime("%Y%m%d")
    hi = (end + dt.timedelta(days=3)).strftime("%Y%m%d")
    if first.group(1) > hi:
        return True
    if ev.first("DURATION") is not None:
        return False
    end_line = ev.first("DTEND")
    last = _DAY.search(end_line.raw) if end_line is not None else first
    return last is not None and last.group(1) < lo and first.group(1) < lo


def _naive(value: DateOrTime, zone: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def _precheck(content: bytes, source: str) -> None:
    """Refuse, before parsing, files whose parsing alone would be too much work."""
    if len(content) > MAX_ICS_BYTES:
        raise _fail(f"the file has {len(content)} bytes; at most {MAX_ICS_BYTES} are allowed")
    if not content.strip():
        raise _fail("the file is empty, not an iCalendar file")
    if b"\x00" in content[:4096]:
        raise _fail("the file is binary, not an iCalendar file")
    lines = max(content.count(b"\n") + (not content.endswith(b"\n")),
                content.count(b"\r") + (not content.endswith((b"\r", b"\r\n"))))
    if lines > MAX_ICS_LINES:
        raise _fail(f"the file has {lines} lines; at most {MAX_ICS_LINES} are allowed")
    events = content.upper().count(b"BEGIN:VEVENT")
    if events > MAX_EVENTS:
        raise _fail(f"the file has {events} events; at most {MAX_EVENTS} are allowed")
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if head.startswith((b"<!DOCTYPE", b"<HTML")):  # named, never quoted (config.md)
        raise _fail(f"{source} is a web page (HTML), not an iCalendar file: perhaps a saved "
                    f"login or error page instead of the calendar; download the .ics again")
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise _fail("not an iCalendar file (it does not start with BEGIN:VCALENDAR)")
