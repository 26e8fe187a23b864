"""Why schools miss a network option (network.md, "What an organiser needs besides the
rule"), in bulk: the reasons of ``SchoolCalendar.conflicts`` for every school that
misses a month of an option, with the work shared where the reasons are provably the
same.

``conflicts(start, end)`` is three independent parts (``core.calendar``), in this order:

1. ``day_reasons`` of the local date of ``start``: they depend on the school's calendar
   and that date alone, and on the school only through its id and what makes the date
   closed (``_DayKind``: the date, whether it is not a school day, whether it is
   outside every term, the names of the closures holding it, its holiday; the terms
   and closures looked up as bit masks of dates, ``webinar_days.spans``). An open
   school day has none; the others are judged once per kind and given each group's
   id. Either is found once per (group, date) for every option and month that starts
   on it.
2. ``hours_reason``: it depends on the local date and wall minutes of the meeting
   (``SchoolCalendar.local``: the zone and the start alone, computed once per (zone,
   start)) and on the school only through its id and the day's open windows (its
   ``hours``, ``hours_by_day`` and ``stretch`` and the weekday). It is judged and
   worded once per (windows, weekday, local times) and given each group's id (field by
   field); a group keeps its own copy for the months with the same local times.
3. ``busy_reason``: per school. A group whose calendar has busy times takes the
   reference path, ``conflicts`` itself, for every month it misses.

``_Search.missed(..., reference=True)`` judges every (group, month) with ``conflicts``
(the test suite checks that both paths give equal reasons).
"""

from __future__ import annotations

import datetime as dt

from twinschedule._tz import zones as _zones
from twinschedule._vocab import Weekday, weekday_of
from twinschedule.core.calendar import SchoolCalendar
from twinschedule.model import Conflict, DateRange, School, Window
from twinschedule.network.outputs import Missed
from twinschedule.network.webinar_days import spans

#: The local date of a start, its day number, its index from the calendars' first date
#: (-1 outside them) and weekday, and the wall minutes of the meeting's start and end
#: after that date's midnight.
Local = tuple[dt.date, int, int, Weekday, int, int]

#: What ``SchoolCalendar.day_reasons`` of a date depends on besides the school's id:
#: the date (day number), whether its weekday is not a school day, whether it is outside
#: every term (of a school with terms), the names of the closures holding it (in the
#: school's order) and its holiday's name.
_DayKind = tuple[int, bool, bool, tuple[str, ...], str | None]

_UNKNOWN = Conflict(school="", reason="busy", detail="")  # not looked up yet

_Week = tuple[tuple[Window, ...], tuple[tuple[Weekday, tuple[Window, ...]], ...],
              tuple[Window, ...]]


def relabel(r: Conflict, school_id: str) -> Conflict:
    """``r`` naming school ``school_id`` (built field by field: faster than
    ``dataclasses.replace``)."""
    if r.school == school_id:
        return r
    return Conflict(school=school_id, reason=r.reason, detail=r.detail, weekday=r.weekday,
                    day=r.day, local=r.local, windows=r.windows, names=r.names)


class Reasons:
    """The reasons of every (group, month) missed, over the options of one network.

    ``first``/``last``: the day numbers of the calendars' covered dates (the same for
    every school of a network); ``duration``: the meeting's, in minutes.
    """

    def __init__(self, *, first: int, last: int, duration: int) -> None:
        self.first = first
        self.last = last
        self.duration = dt.timedelta(minutes=duration)
        self._local: dict[int, dict[str, Local]] = {}  # start -> zone -> local
        self._closed: dict[int, int] = {}  # group -> _closed_of
        self._masks: dict[int, tuple[int, int]] = {}  # group -> (outside terms, closures)
        self._rest_days: dict[frozenset[Weekday], int] = {}  # days -> the others' mask
        self._holidays: dict[tuple[str | None, str | None, tuple[str, ...]], int] = {}
        self._days: dict[tuple[int, int], tuple[Conflict, ...]] = {}  # (group, date)
        self._day_kinds: dict[_DayKind, tuple[Conflict, ...]] = {}
        self._weeks: dict[_Week, int] = {}
        self._week_of: dict[int, int] = {}  # group -> index in _weeks
        self._hours: dict[tuple[int, Weekday, int, int], Conflict | None] = {}
        self._own_hours: dict[tuple[int, Weekday, int, int], Conflict | None] = {}

    def month(self, s: int, start: dt.datetime, missing: list[int],
              cals: list[SchoolCalendar]) -> list[tuple[Conflict, ...]]:
        """The reasons of each group of ``missing`` (calendars ``cals[gi]``) for the
        meeting at UTC minute ``s`` (``start``): for group ``gi``, equal to
        ``tuple(cals[gi].conflicts(start, start + duration))``."""
        end = start + self.duration
        at = self._local.get(s)
        if at is None:
            at = self._local[s] = {}
        days_of, hours_of, closed_of = self._days, self._own_hours, self._closed
        out: list[tuple[Conflict, ...]] = []
        for gi in missing:
            cal = cals[gi]
            if cal.busy:
                out.append(tuple(cal.conflicts(start, end)))
                continue
            zone = cal.school.timezone
            loc = at.get(zone)
            if loc is None:
                loc = at[zone] = self._local_of(cal, start, end)
            day, n, k, wd, a, b = loc
            closed = closed_of.get(gi)
            if closed is None:
                closed = self._closed_of(gi, cal)
            if k >= 0 and not (closed >> k) & 1:  # an open school day
                days: tuple[Conflict, ...] = ()
            else:
                got = days_of.get((gi, n))
                if got is None:
                    got = days_of[gi, n] = self._day_of(gi, cal, day, n, wd)
                days = got
            key = (gi, wd, a, b)
            hours = hours_of.get(key, _UNKNOWN)
            if hours is _UNKNOWN:
                hours = hours_of[key] = self._hours_of(gi, cal, day, wd, a, b)
            out.append(days if hours is None else (*days, hours))
        return out

    def _local_of(self, cal: SchoolCalendar, start: dt.datetime, end: dt.datetime
                  ) -> Local:
        day, a, b = cal.local(start, end)
        n = _zones.day_number(day)
        k = n - self.first if self.first <= n <= self.last else -1
        return day, n, k, weekday_of(day), a, b

    def _closed_of(self, gi: int, cal: SchoolCalendar) -> int:
        """The dates ``first..last`` on which group ``gi`` has day reasons (not a school
        day, outside every term, in a closure, a holiday) as a mask (bit ``d - first``)."""
        s = cal.school
        first, last = self.first, self.last
        outside = ~spans(s.terms, first, last) if s.terms else 0
        closures = spans((*s.closures, *s.imported_closures), first, last)
        key = (s.country, s.subdivision, s.holidays)  # what ``cal.holidays`` depends on
        holidays = self._holidays.get(key)
        if holidays is None:
            holidays = self._holidays[key] = spans(
                (DateRange(first=d, last=d) for d in cal.holidays), first, last)
        rest = self._rest_days.get(cal.days)
        if rest is None:
            rest = self._rest_days[cal.days] = sum(
                1 << k for k in range(last - first + 1)
                if weekday_of(_zones.from_day_number(first + k)) not in cal.days)
        self._masks[gi] = outside, closures
        closed = self._closed[gi] = outside | closures | holidays | rest
        return closed

    def _day_of(self, gi: int, cal: SchoolCalendar, day: dt.date, n: int,
                wd: Weekday) -> tuple[Conflict, ...]:
        """``cal.day_reasons(day)`` (day number ``n``, weekday ``wd``) of a date that
        has some (or outside the dates of the masks), judged once per kind of closed
        date (``_DayKind``) and given each group's id."""
        if not self.first <= n <= self.last:
            return tuple(cal.day_reasons(day))
        s = cal.school
        outside, closures_mask = self._masks[gi]
        k = n - self.first
        closures = (tuple(r.name for r in (*s.closures, *s.imported_closures)
                          if r.first <= day <= r.last) if (closures_mask >> k) & 1 else ())
        kind = (n, wd not in cal.days, bool((outside >> k) & 1), closures,
                cal.holidays.get(day))
        shared = self._day_kinds.get(kind)
        if shared is None:
            shared = self._day_kinds[kind] = tuple(cal.day_reasons(day))
        return tuple(relabel(r, s.id) for r in shared)

    def _hours_of(self, gi: int, cal: SchoolCalendar, day: dt.date, wd: Weekday, a: int,
                  b: int) -> Conflict | None:
        """``cal.hours_reason(day, a, b)``, judged once per (windows, weekday, a, b)
        and given each group's id."""
        week = self._week_of.get(gi)
        if week is None:
            week = self._week_of[gi] = self._weeks.setdefault(_week(cal.school),
                                                              len(self._weeks))
        key = (week, wd, a, b)
        if key in self._hours:
            shared = self._hours[key]
        else:
            shared = self._hours[key] = cal.hours_reason(day, a, b)
        return None if shared is None else relabel(shared, cal.school.id)

    @staticmethod
    def member(missed: Missed, school_id: str) -> Missed:
        """A group's missed month with reasons naming ``school_id``, one of its schools
        (the group's own object when they already do)."""
        if all(r.school == school_id for r in missed.reasons):
            return missed
        return Missed(month=missed.month, start=missed.start,
                      reasons=tuple(relabel(r, school_id) for r in missed.reasons))


def _week(s: School) -> _Week:
    """What a school's open windows on each weekday depend on."""
    return s.hours, s.hours_by_day, s.stretch
