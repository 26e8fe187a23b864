"""RRULEs of imported events on ``dateutil``'s rrule engine, bounded by work.

An RRULE value is decoded by ``icalendar`` (``vRecur``) and checked (a frequency of a
day or coarser, an INTERVAL of 1 or more, at most ``Limits.times_per_day`` times a day),
then expanded by ``dateutil`` in the wall time of a :class:`Frame`: from the event's
DTSTART to the end of the horizon, where every rule is stopped (a rule that matches
rarely or never is not walked on to 9999).

The steps walked are counted (:class:`Walk`): while a file is expanded
(:func:`bounded_walks`), the engine's private ``_iterinfo`` helper is replaced by a
counting subclass, for this thread only and under a lock. If a future ``dateutil``
drops that helper the count is skipped and only the other limits apply
(``tests/ical/test_limits.py`` would notice).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from twinschedule.ical.ics_content import Fault, Line, parts, printable

_TOO_FINE = ("SECONDLY", "MINUTELY", "HOURLY")
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The importer's limits on expansion (its ``MAX_WALK``, ``MAX_OCCURRENCES``,
    ``MAX_TIMES_PER_DAY`` and ``MAX_YEARS_BEFORE``, read when a file is imported)."""

    walk: int
    occurrences: int
    times_per_day: int
    years_before: int


class Frame(NamedTuple):
    """Where a recurring event is expanded: the wall time of its DTSTART's zone (the
    school's for all-day events), from ``lo`` to ``stop`` (naive, in that zone)."""

    first: dt.datetime  # DTSTART, naive
    zone: dt.tzinfo
    all_day: bool
    span: dt.timedelta  # each occurrence's length (unless a period of its own)
    lo: dt.datetime
    stop: dt.datetime


class WalkLimit(BaseException):
    """Raised inside dateutil when the walk budget is spent (a BaseException, so that no
    ``except Exception`` on the way swallows it)."""


class PastHorizon(BaseException):
    """Raised inside dateutil when a rule's walk passes the horizon's last year: a rule
    that matches rarely or never stops there instead of walking on to 9999."""


class Walk:
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
            raise WalkLimit
        if year > self.stop_year:
            raise PastHorizon


_WALK_LOCK = threading.Lock()
_DAYSETS = ("ydayset", "mdayset", "wdayset", "ddayset")


@contextlib.contextmanager
def bounded_walks(walk: Walk) -> Iterator[None]:
    """Count, for this thread, the periods dateutil's rrule engine walks (see above)."""
    engine = importlib.import_module("dateutil.rrule")
    base = engine.__dict__.get("_iterinfo")
    if not isinstance(base, type) or not all(hasattr(base, n) for n in _DAYSETS):
        yield
        return

    def counting(name: str) -> Callable[..., Any]:
        original = getattr(base, name)

        def dayset(self: object, *args: int) -> Any:  # dateutil's (list, start, end)
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


def rule(line: Line, frame: Frame, per_day: int) -> Iterable[dt.datetime] | None:
    """A dateutil rrule (naive wall times of the frame's zone from its DTSTART) for an
    RRULE line; None for an empty ``RRULE:`` (a single event). At most ``per_day``
    times a day."""
    from dateutil import rrule as engine  # type: ignore[import-untyped]
    from icalendar.prop import vRecur

    _, value = parts(line)
    value = value.strip()
    if not value:
        return None
    try:
        recur = vRecur.from_ical(value)
    except Exception:
        raise Fault(f"RRULE '{printable(value, 60)}' is not a recurrence rule") from None
    _check(recur, per_day)
    until = recur.get("UNTIL", [])
    without = ";".join(part for part in value.split(";")
                       if part.split("=")[0].strip().upper() != "UNTIL")
    try:
        got = engine.rrulestr(without, dtstart=frame.first)
    except Exception:
        raise Fault(f"RRULE '{printable(value, 60)}' is not a valid recurrence rule"
                    ) from None
    if until:
        u = until[0]
        if isinstance(u, dt.datetime):
            last = u.astimezone(frame.zone).replace(tzinfo=None) if u.tzinfo else u
        else:
            last = dt.datetime.combine(
                u, dt.time(23, 59, 59) if not frame.all_day else dt.time())
        got = got.replace(until=last)
    return got  # type: ignore[no-any-return]


def _check(recur: dict[str, list[Any]], per_day: int) -> None:
    """Refuses a rule's FREQ, INTERVAL and times a day (see the module's docstring)."""
    freq = [str(f).upper() for f in recur.get("FREQ", [])]
    if not freq:
        raise Fault("RRULE has no FREQ")
    if freq[0] in _TOO_FINE:
        raise Fault(f"RRULE FREQ={freq[0]} is not supported in an imported calendar "
                    f"(use DAILY or coarser)")
    if freq[0] not in _FREQS:
        raise Fault(f"RRULE FREQ={printable(freq[0], 20)} is not a frequency")
    interval = recur.get("INTERVAL", [1])
    if not interval or not isinstance(interval[0], int) or interval[0] < 1:
        raise Fault("RRULE INTERVAL must be a whole number of 1 or more")
    times = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        times *= max(1, len(recur.get(part, [])))
    if times > per_day:
        raise Fault(f"RRULE repeats {times} times a day; at most {per_day} are allowed")


def starts(frame: Frame, rules: list[Line], walk: Walk, limits: Limits
           ) -> set[dt.datetime]:
    """The naive starts of the RRULE occurrences (and DTSTART) in the frame; a rule
    stops adding past ``limits.occurrences`` of them."""
    stop = frame.stop
    most = limits.occurrences
    found: set[dt.datetime] = {frame.first} if frame.lo <= frame.first <= stop else set()
    for line in rules:
        expanded = rule(line, frame, limits.times_per_day)
        if expanded is None:
            continue
        # One pass up to the horizon's end: the walk stops in the year after it instead
        # of walking a rule that matches rarely or never on to the year 9999.
        walk.stop_year = stop.year + 1
        try:
            for occ in expanded:
                if occ > stop:
                    break
                if occ >= frame.lo:
                    found.add(occ)
                    if len(found) > most:
                        break
        except PastHorizon:
            pass
        except (ValueError, TypeError, OverflowError):
            raise Fault("its recurrence cannot be expanded") from None
        finally:
            walk.stop_year = 10_000
    return found
