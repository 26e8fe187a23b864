"""A school's calendar: open days, holidays, imported closures, busy times, and why a
meeting is not valid for the school (conditions 1-5 of planning.md).

``SchoolCalendar.conflicts(start, end)`` is the readable reference implementation of
validity; the planner computes the same answers in bulk (``_availability``) and the
test suite checks that both agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from . import _zones
from ._vocab import WEEKDAY_NAMES, WEEKDAYS, Weekday
from .model import Conflict, DateRange, Partnership, School, Window, hhmm

MARGIN_DAYS = 2  # local dates of a school can be this far outside the horizon's dates


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
        return ("MO", "TU", "WE", "TH", "FR")
    import holidays

    weekend = set(cast(Iterable[int], type(holidays.country_holidays(country)).weekend))
    return tuple(d for i, d in enumerate(WEEKDAYS) if i not in weekend)


def _names(ranges: Iterable[DateRange], fallback: str) -> str:
    names = list(dict.fromkeys(r.name or fallback for r in ranges))
    return "; ".join(names)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchoolCalendar:
    """Everything needed to judge meetings of one school over a horizon."""

    school: School
    duration: int
    first: dt.date  # first local date covered (horizon start - margin)
    last: dt.date
    days: frozenset[Weekday]
    holidays: Mapping[dt.date, str]  # read-only
    busy: tuple[tuple[dt.datetime, dt.datetime, str], ...]  # aware UTC, sorted

    @property
    def zone(self) -> str:
        return self.school.timezone

    def holiday(self, d: dt.date) -> str | None:
        return self.holidays.get(d)

    def windows(self, d: dt.date) -> tuple[Window, ...]:
        return self.school.windows_on(WEEKDAYS[d.weekday()])

    def prefer(self, d: dt.date) -> int:
        """The preferred local start (minutes) on local date ``d``."""
        if self.school.prefer is not None:
            return self.school.prefer
        ws = self.windows(d)
        return (ws[0].start + ws[-1].end - self.duration) // 2

    def day_conflicts(self, d: dt.date) -> list[tuple[str, str]]:
        """Conditions 1-3 for local date ``d``: ``[(code, detail), ...]``."""
        out: list[tuple[str, str]] = []
        s = self.school
        code = WEEKDAYS[d.weekday()]
        if code not in self.days:
            out.append(("not-school-day", f"{WEEKDAY_NAMES[code]} is not a school day"))
        if s.terms and not any(d in t for t in s.terms):
            out.append(("outside-term", f"{d.isoformat()} is outside every term"))
        closed = [r for r in (*s.closures, *s.imported_closures) if d in r]
        if closed:
            out.append(("closure", _names(closed, "Closed")))
        name = self.holidays.get(d)
        if name is not None:
            out.append(("holiday", name))
        return out

    def conflicts(self, start: dt.datetime, end: dt.datetime) -> list[Conflict]:
        """Every reason the meeting ``[start, end)`` is not valid (empty: valid).

        ``start`` and ``end`` are aware datetimes; they are judged on the school's own
        local date and wall clock.
        """
        zone = _zones.get_zone(self.zone)
        ls = start.astimezone(zone)
        le = end.astimezone(zone)
        day = ls.date()
        out = [Conflict(school=self.school.id, reason=c, detail=d)
               for c, d in self.day_conflicts(day)]
        a = ls.hour * 60 + ls.minute
        b = (le.date() - day).days * 1440 + le.hour * 60 + le.minute
        if le.second or le.microsecond:
            b += 1
        windows = self.windows(day)
        if not any(w.start <= a and b <= w.end for w in windows):
            shown = ", ".join(str(w) for w in windows)
            out.append(Conflict(
                school=self.school.id, reason="outside-hours",
                detail=f"local {hhmm(a)}-{hhmm(b % 1440) if b > 1440 else hhmm(b)} "
                       f"is outside {shown}"))
        hits = [name for bs, be, name in self.busy if bs < end and be > start]
        if hits:
            out.append(Conflict(school=self.school.id, reason="busy",
                                detail="; ".join(dict.fromkeys(n or "Busy" for n in hits))))
        return out


def build_calendar(school: School, *, start: dt.date, end: dt.date,
                   duration: int) -> SchoolCalendar:
    """A school's calendar over the horizon ``start..end`` (with a margin of local dates)."""
    first = start - dt.timedelta(days=MARGIN_DAYS)
    last = end + dt.timedelta(days=MARGIN_DAYS)
    days = frozenset(school.days if school.days is not None else default_days(school.country))
    found = _load_holidays(school, range(first.year, last.year + 1))
    zone = _zones.get_zone(school.timezone)
    busy: list[tuple[dt.datetime, dt.datetime, str]] = []
    for b in school.busy:
        # one date, or every local date of the covered range on the given weekdays
        dates = [b.on] if b.on is not None else [
            first + dt.timedelta(days=k) for k in range((last - first).days + 1)
            if WEEKDAYS[(first + dt.timedelta(days=k)).weekday()] in b.every]
        for on in dates:
            bs = wall_time(zone, on, b.start)
            be = wall_time(zone, on, b.end)
            busy.append((bs.astimezone(dt.UTC), be.astimezone(dt.UTC), b.name or "Busy"))
    for ev in school.imported_busy:
        busy.append((ev.start, ev.end, ev.name or "Busy"))
    busy.sort()
    return SchoolCalendar(
        school=school, duration=duration, first=first, last=last, days=days,
        holidays=MappingProxyType({d: n for d, n in found.items() if first <= d <= last}),
        busy=tuple(busy))


def wall_time(zone: dt.tzinfo, day: dt.date, minutes: int) -> dt.datetime:
    """The aware datetime at wall-clock ``minutes`` after midnight of ``day``."""
    d = day + dt.timedelta(days=minutes // 1440)
    m = minutes % 1440
    return dt.datetime(d.year, d.month, d.day, m // 60, m % 60, tzinfo=zone)


def build_calendars(p: Partnership) -> tuple[SchoolCalendar, ...]:
    return tuple(build_calendar(s, start=p.start, end=p.end, duration=p.duration)
                 for s in p.schools)
