"""Imported closure calendars (``closures_ics``): bytes -> closures and busy events.

Every VEVENT closes the school: all-day events close their dates (DTEND exclusive),
timed events are busy intervals; ``TRANSP:TRANSPARENT`` events are ignored; recurring
events are expanded over the horizon with ``recurring-ical-events``. Floating times are
read in the school's zone.

Bounded work, whatever the file. Limits (a file breaking one is refused with a
``ConfigError`` saying which, before the expensive step where possible):

==========================  ===========  ====================================================
``MAX_ICS_BYTES``           512 KiB      bytes per file (also the read cap in ``_io``)
``MAX_ICS_LINES``           20,000       physical lines per file (checked before parsing)
``MAX_EVENTS``              5,000        VEVENTs per file, overrides included (counted
                                         before parsing, and again after)
``MAX_RECURRING``           500          VEVENTs with RRULE or RDATE per file
``MAX_TIMES_PER_DAY``       24           times a day an RRULE may repeat (BYHOUR x BYMINUTE
                                         x BYSECOND); ``FREQ=HOURLY``, ``MINUTELY`` and
                                         ``SECONDLY`` are refused outright
``MAX_YEARS_BEFORE``        30           years a recurring event may start before the plan
``MAX_EXPANSION``           200,000      occurrences the recurring events may generate from
                                         their DTSTART to the end of the plan (an upper
                                         bound computed from the rules before expanding)
``MAX_WALK``                500,000      steps the recurrence engine may walk (one per
                                         period, plus one per 16 candidate days): this bounds
                                         rules that match rarely or never, which the engine
                                         would otherwise walk to the year 9999
``MAX_OCCURRENCES``         20,000       occurrences in the horizon: the upper bound
                                         computed from the rules (plus one per plain
                                         event) before expanding, and the real count after
``MAX_SECONDS``             5 s          a last-resort clock on the expansion
==========================  ===========  ====================================================

VTIMEZONE rules must be ``FREQ=YEARLY`` (every real time zone is; a finer rule would
make the time zone expand millions of transitions).

``MAX_WALK`` is enforced by counting the periods walked by ``dateutil``'s rrule engine
(which ``recurring-ical-events`` and ``icalendar`` use): while a file is expanded, the
engine's private ``_iterinfo`` helper is replaced by a counting subclass, for this thread
only and under a lock. If a future ``dateutil`` drops that helper the count is skipped
and only the other limits apply (``tests/test_limits.py`` would notice).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from . import _zones
from .errors import ConfigError, Problem
from .model import DateRange, TimedEvent

MAX_ICS_BYTES = 512 * 1024
MAX_ICS_LINES = 20_000
MAX_EVENTS = 5_000
MAX_RECURRING = 500
MAX_TIMES_PER_DAY = 24
MAX_YEARS_BEFORE = 30
MAX_EXPANSION = 200_000
MAX_WALK = 500_000
MAX_OCCURRENCES = 20_000
MAX_SECONDS = 5.0
_TOO_FINE = ("SECONDLY", "MINUTELY", "HOURLY")
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _fail(message: str) -> ConfigError:
    return ConfigError([Problem(path="", message=message)])


_BROKEN = re.compile(r"Cannot access '\w+' on broken property '([\w-]+)' "
                     r"\(expected '\w+'\): (.*)")


def _printable(text: str, limit: int) -> str:
    """Text from the file as shown in a message: spaces collapsed, other non-printable
    characters escaped, at most ``limit`` characters."""
    text = " ".join(text[:4 * limit].split())
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type's name if it has none);
    icalendar's "Cannot access 'dt' on broken property 'DTEND' (...): why" is shortened
    to "DTEND is not valid: why"."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    broken = _BROKEN.fullmatch(line)
    if broken:
        line = f"{broken.group(1)} is not valid: {broken.group(2)}"
    return _printable(line, 200)


def _label(event: Any, index: int) -> str:
    """``event 3 (Half term)``: the event's number in the file and its SUMMARY."""
    try:
        summary = _printable(str(event.get("SUMMARY", "")), 60)
    except Exception:  # a broken SUMMARY must not hide the real problem
        summary = ""
    return f"event {index + 1}" + (f" ({summary})" if summary else "")


def _precheck(content: bytes) -> None:
    """Refuse, before parsing, files whose parsing alone would be too much work."""
    if len(content) > MAX_ICS_BYTES:
        raise _fail(f"the file has {len(content)} bytes; at most {MAX_ICS_BYTES} are allowed")
    if not content.strip():
        raise _fail("the file is empty, not an iCalendar file")
    lines = max(content.count(b"\n") + (not content.endswith(b"\n")),
                content.count(b"\r") + (not content.endswith((b"\r", b"\r\n"))))
    if lines > MAX_ICS_LINES:
        raise _fail(f"the file has {lines} lines; at most {MAX_ICS_LINES} are allowed")
    events = content.upper().count(b"BEGIN:VEVENT")
    if events > MAX_EVENTS:
        raise _fail(f"the file has {events} events; at most {MAX_EVENTS} are allowed")


def _values(rule: Any, part: str) -> list[Any]:
    value = rule.get(part, [])
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _estimate(rule: Any, first: dt.date, stop: dt.date, interval: int, per_day: int) -> int:
    """An upper bound of the occurrences ``rule`` generates from ``first`` to ``stop``."""
    until = [d for d in (_as_date(u) for u in _values(rule, "UNTIL")) if d is not None]
    if until:
        stop = min(stop, *until)
    days = max(0, (stop - first).days) + 1
    freq = str(_values(rule, "FREQ")[0]).upper()
    byday = [str(d) for d in _values(rule, "BYDAY")]
    ordinal = all(d[:1] in "+-0123456789" for d in byday)  # "2TU" yes, "TU" no
    monthdays = len(_values(rule, "BYMONTHDAY"))
    months = len(_values(rule, "BYMONTH"))
    if freq == "DAILY":
        periods, per = days // interval + 1, 1
    elif freq == "WEEKLY":
        periods, per = days // (7 * interval) + 2, len(byday) or 1
    elif freq == "MONTHLY":
        span = (stop.year - first.year) * 12 + stop.month - first.month + 1
        periods = max(span, 1) // interval + 1
        per = monthdays + sum(1 if ordinal else 5 for _ in byday) or 1
    else:  # YEARLY
        periods = max(stop.year - first.year + 1, 1) // interval + 1
        if _values(rule, "BYYEARDAY"):
            per = len(_values(rule, "BYYEARDAY"))
        elif _values(rule, "BYWEEKNO"):
            per = 7 * len(_values(rule, "BYWEEKNO"))
        elif monthdays and not byday:
            per = (months or 12) * monthdays
        elif byday and ordinal and not monthdays:
            per = (months or 1) * len(byday)
        elif _values(rule, "BYEASTER"):
            per = len(_values(rule, "BYEASTER"))
        elif byday or monthdays:
            per = 366
        else:
            per = months or 1
    per = min(per, 366)
    setpos = _values(rule, "BYSETPOS")
    if setpos:
        per = min(per, len(setpos))
    total = periods * per * per_day
    count = [c for c in _values(rule, "COUNT") if isinstance(c, int)]
    return min(total, *count) if count else total


def _check_event(event: Any, index: int, start: dt.date,
                 end: dt.date) -> tuple[int, int] | None:
    """Refuse recurrences a closure calendar never needs. For a recurring event, upper
    bounds of the occurrences it generates from its DTSTART to the end of the plan, and
    of those in the plan's dates; None for an event that does not recur."""
    label = _label(event, index)
    dtstart = event.get("DTSTART")
    if dtstart is None:
        raise _fail(f"{label} has no DTSTART")
    first = _as_date(dtstart.dt)
    if first is None:
        raise _fail(f"{label}: DTSTART is not a date or a date-time")
    for name in ("DTEND", "DURATION", "RECURRENCE-ID", "EXDATE"):
        # Broken values raise on access: say so here, naming the event.
        for prop in _values(event, name) if name in event else ():
            getattr(prop, "dts", None) if name == "EXDATE" else prop.dt
    rules = event.get("RRULE")
    rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
    rdates = event.get("RDATE")
    rdates = rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []
    if not rules and not rdates:
        return None
    if first.year < start.year - MAX_YEARS_BEFORE:
        raise _fail(f"{label}: a recurring event starting in {first.year} is more than "
                    f"{MAX_YEARS_BEFORE} years before the plan; give it a later DTSTART")
    total = inside = 1 + sum(len(getattr(r, "dts", ())) for r in rdates)
    for rule in rules:
        freq = [str(f).upper() for f in _values(rule, "FREQ")]
        if not freq:
            raise _fail(f"{label}: RRULE without FREQ")
        if freq[0] in _TOO_FINE:
            raise _fail(f"{label}: RRULE FREQ={freq[0]} is not supported in a closure "
                        f"calendar (use DAILY or coarser)")
        if freq[0] not in _FREQS:
            raise _fail(f"{label}: RRULE FREQ={_printable(freq[0], 20)} is not a frequency "
                        f"(use DAILY, WEEKLY, MONTHLY or YEARLY)")
        intervals = _values(rule, "INTERVAL") or [1]
        interval = intervals[0]
        if not isinstance(interval, int) or interval < 1:
            raise _fail(f"{label}: RRULE INTERVAL must be a whole number of 1 or more")
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(1, len(_values(rule, part)))
        if per_day > MAX_TIMES_PER_DAY:
            raise _fail(f"{label}: RRULE repeats {per_day} times a day; at most "
                        f"{MAX_TIMES_PER_DAY} are allowed")
        total += _estimate(rule, first, _shift(end, 3), interval, per_day)
        inside += _estimate(rule, max(first, _shift(start, -2)), _shift(end, 3), interval,
                            per_day)
    return total, inside


def _check_timezones(cal: Any) -> None:
    """VTIMEZONE rules must be yearly: finer ones expand to millions of transitions."""
    for n, tz in enumerate(cal.walk("VTIMEZONE")):
        for sub in tz.subcomponents:
            rules = sub.get("RRULE")
            for rule in rules if isinstance(rules, list) else [rules] if rules else []:
                freq = [str(f).upper() for f in _values(rule, "FREQ")]
                if freq != ["YEARLY"]:
                    tzid = _printable(str(tz.get("TZID", "")), 60) or f"number {n + 1}"
                    shown = _printable(";".join(freq), 20) or "without FREQ"
                    raise _fail(f"time zone {tzid}: a VTIMEZONE rule must be FREQ=YEARLY, "
                                f"not {shown}")


class _WalkLimit(BaseException):
    """Raised inside dateutil when the walk budget is spent. A BaseException, so that no
    ``except Exception`` on the way (icalendar, recurring-ical-events) swallows it."""


class _Walk:
    """The steps walked by dateutil's rrule engine in one thread, and the limits."""

    def __init__(self, budget: int, deadline: float) -> None:
        self.budget = budget
        self.deadline = deadline
        self.steps = 0
        self.exceeded = ""  # why the walk was stopped, empty while within the limits
        self.rule = ""  # the rule being walked when it was stopped
        self.owner = threading.get_ident()

    def step(self, rule: object, days: int) -> None:
        if threading.get_ident() != self.owner:
            return
        self.steps += 1 + (days + 15) // 16
        if self.exceeded:
            raise _WalkLimit
        if self.steps > self.budget:
            self.exceeded = "steps"
        elif self.steps & 0x3FF == 0 and time.monotonic() > self.deadline:
            self.exceeded = "time"
        if self.exceeded:
            self.rule = _printable(str(rule), 120)
            raise _WalkLimit


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
            walk.step(self.rrule, result[2] - result[1])
            return result
        return dayset

    counted = type("_CountingIterinfo", (base,), {n: counting(n) for n in _DAYSETS})
    with _WALK_LOCK:
        engine.__dict__["_iterinfo"] = counted
        try:
            yield
        finally:
            engine.__dict__["_iterinfo"] = base


def _as_utc(value: dt.datetime, zone: str) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zones.get_zone(zone))
    return value.astimezone(dt.UTC)


def _shift(d: dt.date, days: int) -> dt.date:
    try:
        return d + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def import_ics(content: bytes, zone: str, start: dt.date,
               end: dt.date) -> tuple[tuple[DateRange, ...], tuple[TimedEvent, ...]]:
    """The closures and busy events of an iCalendar file over ``start..end``.

    Raises ``ConfigError`` (without a path; the caller adds it) for a file that is not
    iCalendar or breaks a limit.
    """
    _precheck(content)
    import icalendar
    import recurring_ical_events

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(f"not UTF-8 text (byte {exc.start}): not an iCalendar file") from None
    walk = _Walk(MAX_WALK, time.monotonic() + MAX_SECONDS)
    try:
        with _bounded_walks(walk):
            return _import(text, zone, start, end, icalendar, recurring_ical_events)
    except _WalkLimit:
        pass
    if walk.exceeded == "time":
        raise _fail(f"expanding the events takes longer than {MAX_SECONDS:g} s "
                    f"(at {walk.rule}); simplify the calendar")
    raise _fail(f"the recurring events need more than {MAX_WALK} steps to expand (at "
                f"{walk.rule}): a rule that matches rarely or never is walked to the "
                f"year 9999; give it an UNTIL or COUNT, a later DTSTART, or a simpler rule")


def _import(text: str, zone: str, start: dt.date, end: dt.date, icalendar: Any,
            recurring_ical_events: Any,
            ) -> tuple[tuple[DateRange, ...], tuple[TimedEvent, ...]]:
    try:
        cal = icalendar.Calendar.from_ical(text)
    except _WalkLimit:
        raise
    except Exception as exc:  # icalendar raises ValueError and others on broken input
        raise _fail(f"not a valid iCalendar file: {_first_line(exc)}") from None
    if not isinstance(cal, icalendar.Calendar) or cal.name != "VCALENDAR":
        raise _fail("not an iCalendar file (no VCALENDAR)")
    try:
        events = list(cal.walk("VEVENT"))
        _check_timezones(cal)
    except (ConfigError, _WalkLimit):
        raise
    except Exception as exc:
        raise _fail(f"not a valid iCalendar file: {_first_line(exc)}") from None
    if len(events) > MAX_EVENTS:
        raise _fail(f"the file has {len(events)} events; at most {MAX_EVENTS} are allowed")
    recurring = expansion = inside = 0
    for i, ev in enumerate(events):
        try:
            bounds = _check_event(ev, i, start, end)
        except (ConfigError, _WalkLimit):
            raise
        except Exception as exc:  # icalendar's broken properties raise on access
            raise _fail(f"{_label(ev, i)}: {_first_line(exc)}") from None
        if bounds is None:
            inside += 1
        else:
            recurring += 1
            expansion += bounds[0]
            inside += bounds[1]
    if recurring > MAX_RECURRING:
        raise _fail(f"the file has {recurring} recurring events; at most {MAX_RECURRING} "
                    f"are allowed")
    if expansion > MAX_EXPANSION:
        raise _fail(f"the recurring events can generate up to {expansion} occurrences from "
                    f"their DTSTART to the end of the plan; at most {MAX_EXPANSION} are "
                    f"allowed (give them a later DTSTART, an UNTIL or a COUNT)")
    if inside > MAX_OCCURRENCES:
        raise _fail(f"more than {MAX_OCCURRENCES} events fall in the horizon (the rules "
                    f"allow up to {inside}); simplify the calendar")

    closures: list[DateRange] = []
    busy: list[TimedEvent] = []
    try:
        occurrences = recurring_ical_events.of(cal).between(_shift(start, -2), _shift(end, 3))
        if len(occurrences) > MAX_OCCURRENCES:
            raise _fail(f"more than {MAX_OCCURRENCES} events fall in the horizon "
                        f"({len(occurrences)})")
        for occ in occurrences:
            if str(occ.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            occ_start = occ.get("DTSTART").dt
            name = str(occ.get("SUMMARY", "")).strip() or "Imported closure"
            end_prop = occ.get("DTEND")
            if isinstance(occ_start, dt.datetime):
                occ_end = end_prop.dt if end_prop is not None else occ_start
                if not isinstance(occ_end, dt.datetime):
                    occ_end = dt.datetime.combine(occ_end, dt.time(0))
                s, e = _as_utc(occ_start, zone), _as_utc(occ_end, zone)
                if e > s:
                    busy.append(TimedEvent(start=s, end=e, name=name))
            elif isinstance(occ_start, dt.date):
                last = end_prop.dt if end_prop is not None else occ_start + dt.timedelta(1)
                if isinstance(last, dt.datetime):
                    last = last.date()
                if last <= occ_start:
                    last = occ_start + dt.timedelta(days=1)
                closures.append(DateRange(first=occ_start,
                                          last=last - dt.timedelta(days=1), name=name))
    except (ConfigError, _WalkLimit):
        raise
    except Exception as exc:  # broken VTIMEZONE, bad RRULE values, ...
        raise _fail(f"cannot expand the events: {_first_line(exc)}") from None
    closures = sorted(set(closures), key=lambda r: (r.first, r.last, r.name))
    busy = sorted(set(busy), key=lambda b: (b.start, b.end, b.name))
    return tuple(closures), tuple(busy)
