"""A school's calendar: open days, holidays, imported closures, busy times, and why a
meeting is not valid for the school (conditions 1-5 of planning.md).

``SchoolCalendar.conflicts(start, end)`` is the readable reference implementation of
validity; the planner computes the same answers in bulk (``_availability``) and the
test suite checks that both agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple, cast

from twinschedule._tz import zones as _zones
from twinschedule._units import CALENDAR_MARGIN_DAYS, MINUTES_PER_DAY, WallMinute
from twinschedule._vocab import WEEKDAY_NAMES, WEEKDAYS, Reason, Weekday, weekday_of
from twinschedule.model import Conflict, DateRange, Partnership, School, TimedEvent, Window, hhmm


class DayConflict(NamedTuple):
    """A condition (1-3 of planning.md) that a whole local date fails."""

    reason: Reason
    detail: str


def _load_holidays(school: School, years: Iterable[int]) -> dict[dt.date, str]:
    if school.country is None or not school.holidays:
        return {}
    import holidays

    cls = type(holidays.country_holidays(school.country))
    language = "en_US" if "en_US" in getattr(cls, "supported_languages", ()) else None
    found = holidays.country_holidays(
        school.country, subdiv=school.subdivision, years=sorted(set(years)),
        categories=tuple(school.holidays), language=language, observed=True)
    return {d: str(name) for d, name in sorted(found.items())}


def default_days(country: str | None) -> tuple[Weekday, ...]:
    """The working week of a country (the complement of its weekend), else MO-FR."""
    if country is None:
        return WEEKDAYS[:5]
    import holidays

    weekend = set(cast(Iterable[int], type(holidays.country_holidays(country)).weekend))
    return tuple(d for i, d in enumerate(WEEKDAYS) if i not in weekend)


def centre(windows: Sequence[Window], duration: int) -> WallMinute:
    """The start that centres a meeting of ``duration`` minutes in a day's span of
    ``windows``: the default preferred start of planning.md."""
    return (windows[0].start + windows[-1].end - duration) // 2


def preferred_start(school: School, weekday: Weekday, duration: int) -> WallMinute:
    """The school's preferred local start on a ``weekday``: its ``prefer`` if it sets
    one, else the :func:`centre` of that day's own windows (``hours_by_day`` replacing
    ``hours``)."""
    if school.prefer is not None:
        return school.prefer
    return centre(school.windows_on(weekday), duration)


def _names(ranges: Iterable[DateRange], fallback: str) -> str:
    names = list(dict.fromkeys(r.name or fallback for r in ranges))
    return "; ".join(names)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchoolCalendar:
    """Everything needed to judge meetings of one school over a horizon."""

    school: School
    duration: int
    first: dt.date  # first local date covered (horizon start - CALENDAR_MARGIN_DAYS)
    last: dt.date  # last local date covered (horizon end + CALENDAR_MARGIN_DAYS)
    days: frozenset[Weekday]
    holidays: Mapping[dt.date, str]  # read-only
    busy: tuple[TimedEvent, ...]  # aware UTC, sorted by (start, end, name); names set

    @property
    def zone(self) -> str:
        return self.school.timezone

    def windows(self, d: dt.date) -> tuple[Window, ...]:
        """The school's own windows on local date ``d`` (``hours``, ``hours_by_day``)."""
        return self.school.windows_on(weekday_of(d))

    def open_windows(self, d: dt.date) -> tuple[Window, ...]:
        """The windows a meeting may use on ``d``: the own windows and the ``stretch``
        windows, merged (the own windows when the school has no stretch hours)."""
        return self.school.open_windows_on(weekday_of(d))

    def is_stretch(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether a meeting valid for the school is a *stretch meeting*: it does not fit
        one of the day's own windows alone (planning.md, "Stretch hours")."""
        if not self.school.stretch:
            return False
        day, a, b = self.local(start, end)
        return not any(w.start <= a and b <= w.end for w in self.windows(day))

    def local(self, start: dt.datetime, end: dt.datetime) -> tuple[dt.date, int, int]:
        """The local date of ``start`` and the wall minutes of start and end after its
        midnight (the end rounded up to a whole minute). Depends on the school's zone
        alone."""
        zone = _zones.get_zone(self.zone)
        ls = start.astimezone(zone)
        le = end.astimezone(zone)
        day = ls.date()
        a = ls.hour * 60 + ls.minute
        b = (le.date() - day).days * MINUTES_PER_DAY + le.hour * 60 + le.minute
        if le.second or le.microsecond:
            b += 1
        return day, a, b

    def prefer(self, d: dt.date) -> WallMinute:
        """The preferred local start (minutes) on local date ``d``."""
        return preferred_start(self.school, weekday_of(d), self.duration)

    def day_conflicts(self, d: dt.date) -> list[DayConflict]:
        """Conditions 1-3 for local date ``d`` (empty: the date is open). Called for
        every local date of the horizon: it builds no more than the reason and detail
        (:meth:`conflicts` adds the parts renderers word per reader)."""
        out: list[DayConflict] = []
        s = self.school
        code = weekday_of(d)
        if code not in self.days:
            out.append(DayConflict("not-school-day", f"{WEEKDAY_NAMES[code]} is not a school day"))
        # (r.first <= d <= r.last is ``d in r``, without a Python call per range)
        if s.terms and not any(t.first <= d <= t.last for t in s.terms):
            out.append(DayConflict("outside-term", f"{d.isoformat()} is outside every term"))
        closed = self._closed(d)
        if closed:
            out.append(DayConflict("closure", _names(closed, "Closed")))
        name = self.holidays.get(d)
        if name is not None:
            out.append(DayConflict("holiday", name))
        return out

    def _closed(self, d: dt.date) -> list[DateRange]:
        s = self.school
        return [r for r in (*s.closures, *s.imported_closures) if r.first <= d <= r.last]

    def day_reasons(self, d: dt.date) -> list[Conflict]:
        """:meth:`day_conflicts` of ``d`` with the parts of each detail: the first
        reasons of :meth:`conflicts` for a meeting starting on local date ``d``."""
        sid = self.school.id
        out: list[Conflict] = []
        for reason, detail in self.day_conflicts(d):
            if reason == "not-school-day":
                out.append(Conflict(school=sid, reason=reason, detail=detail,
                                    weekday=weekday_of(d)))
            elif reason == "outside-term":
                out.append(Conflict(school=sid, reason=reason, detail=detail, day=d))
            elif reason == "closure":
                names = tuple(dict.fromkeys(r.name for r in self._closed(d)))
                out.append(Conflict(school=sid, reason=reason, detail=detail, names=names))
            else:
                out.append(Conflict(school=sid, reason=reason, detail=detail, names=(detail,)))
        return out

    def hours_reason(self, d: dt.date, a: int, b: int) -> Conflict | None:
        """Condition 4 for a meeting from wall minute ``a`` to ``b`` after the midnight of
        local date ``d`` (:meth:`local`): None when it fits one of the day's open
        windows. Depends on the school only through its id and :meth:`open_windows`
        (its ``hours``, ``hours_by_day`` and ``stretch``, and ``d``'s weekday)."""
        windows = self.open_windows(d)
        if any(w.start <= a and b <= w.end for w in windows):
            return None
        shown = ", ".join(str(w) for w in windows)
        return Conflict(
            school=self.school.id, reason="outside-hours", local=(a, b), windows=windows,
            detail=f"local {hhmm(a)}-{hhmm(b % MINUTES_PER_DAY if b > MINUTES_PER_DAY else b)}"
                   f" is outside {shown}")

    def busy_reason(self, start: dt.datetime, end: dt.datetime) -> Conflict | None:
        """Condition 5 for the meeting ``[start, end)``: None when no busy time overlaps
        it (always None when :attr:`busy` is empty)."""
        hits = [b.name for b in self.busy if b.start < end and b.end > start]
        if not hits:
            return None
        found = tuple(dict.fromkeys(hits))
        return Conflict(school=self.school.id, reason="busy", detail="; ".join(found),
                        names=found)

    def conflicts(self, start: dt.datetime, end: dt.datetime) -> list[Conflict]:
        """Every reason the meeting ``[start, end)`` is not valid (empty: valid), in
        planning.md's order: :meth:`day_reasons` of its local date, then
        :meth:`hours_reason`, then :meth:`busy_reason`.

        ``start`` and ``end`` are aware datetimes; they are judged on the school's own
        local date and wall clock.
        """
        day, a, b = self.local(start, end)
        out = self.day_reasons(day)
        hours = self.hours_reason(day, a, b)
        if hours is not None:
            out.append(hours)
        busy = self.busy_reason(start, end)
        if busy is not None:
            out.append(busy)
        return out


def build_calendar(school: School, *, start: dt.date, end: dt.date,
                   duration: int) -> SchoolCalendar:
    """A school's calendar over the horizon ``start..end`` (with a margin of local dates)."""
    first = start - dt.timedelta(days=CALENDAR_MARGIN_DAYS)
    last = end + dt.timedelta(days=CALENDAR_MARGIN_DAYS)
    days = frozenset(school.days if school.days is not None else default_days(school.country))
    found = _load_holidays(school, range(first.year, last.year + 1))
    zone = _zones.get_zone(school.timezone)
    busy: list[TimedEvent] = []
    for b in school.busy:
        # one date, or every local date of the covered range on the given weekdays
        dates = [b.on] if b.on is not None else [
            first + dt.timedelta(days=k) for k in range((last - first).days + 1)
            if WEEKDAYS[(first + dt.timedelta(days=k)).weekday()] in b.every]
        for on in dates:
            bs = wall_time(zone, on, b.start)
            be = wall_time(zone, on, b.end)
            busy.append(TimedEvent(start=bs.astimezone(dt.UTC), end=be.astimezone(dt.UTC),
                                   name=b.name or "Busy"))
    for ev in school.imported_busy:
        busy.append(TimedEvent(start=ev.start, end=ev.end, name=ev.name or "Busy"))
    busy.sort(key=lambda e: (e.start, e.end, e.name))
    return SchoolCalendar(
        school=school, duration=duration, first=first, last=last, days=days,
        holidays=MappingProxyType({d: n for d, n in found.items() if first <= d <= last}),
        busy=tuple(busy))


def wall_time(zone: dt.tzinfo, day: dt.date, minutes: WallMinute) -> dt.datetime:
    """The aware datetime at wall-clock ``minutes`` after midnight of ``day``."""
    d = day + dt.timedelta(days=minutes // MINUTES_PER_DAY)
    m = minutes % MINUTES_PER_DAY
    return dt.datetime(d.year, d.month, d.day, m // 60, m % 60, tzinfo=zone)


def build_calendars(p: Partnership) -> tuple[SchoolCalendar, ...]:
    """The calendar of every school of ``p``, in the order the schools are listed."""
    return tuple(build_calendar(s, start=p.start, end=p.end, duration=p.duration)
                 for s in p.schools)
