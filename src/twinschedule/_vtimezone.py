"""VTIMEZONE components that every client reads the same way, generated from the zone's
transitions in the tzdata package (the data that planned the meetings).

Outlook keeps one yearly rule per direction and ignores RDATE; ical.js reads only the
first value of an RDATE list and ignores an observance's DTSTART when it has RDATEs.
So: each series of transitions that follows a yearly ``BYMONTH``/``BYDAY`` rule becomes
one observance with an RRULE (open-ended when the zone keeps the rule after the range,
else with a UTC UNTIL); any other transition becomes an observance of its own with just
its DTSTART (no RDATE at all); a zone without transitions is one STANDARD observance.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from . import _zones

MARGIN_DAYS = 400  # transitions covered before the horizon's start and after its end
PROBE_YEARS = 3  # years after the range checked to decide whether a rule continues


@dataclass(frozen=True, slots=True)
class _Rule:
    month: int
    weekday: int
    nth: int  # 1-4 or -1
    wall: dt.time  # local time before the change


def _local(tr: _zones.Transition) -> dt.datetime:
    return _zones.from_minutes(tr.at + tr.before).replace(tzinfo=None)


def _nths(d: dt.date) -> set[int]:
    out = {(d.day - 1) // 7 + 1} if d.day <= 28 else set()
    if d.day + 7 > _cal.monthrange(d.year, d.month)[1]:
        out.add(-1)
    return out


def _fit(series: list[_zones.Transition]) -> list[_Rule]:
    """The yearly rules that produce exactly ``series`` (one change a year), "last"
    first (``lastSun`` is the usual IANA rule when a date is both 4th and last)."""
    if len(series) < 2:
        return []
    locals_ = [_local(t) for t in series]
    first = locals_[0]
    nths = _nths(first.date())
    for prev, cur in itertools.pairwise(locals_):
        if (cur.year != prev.year + 1 or cur.month != first.month
                or cur.weekday() != first.weekday() or cur.time() != first.time()):
            return []
        nths &= _nths(cur.date())
    return [_Rule(month=first.month, weekday=first.weekday(), nth=n, wall=first.time())
            for n in sorted(nths, key=lambda n: (n > 0, n))]


def _continues(name: str, rule: _Rule, kind: tuple[bool, int, int], after: int) -> bool:
    """Whether the zone still changes by ``rule`` every year after UTC minute ``after``."""
    probe = _zones.timeline(name, after, after + PROBE_YEARS * 366 * 1440)
    years = {_local(t).year for t in probe.transitions
             if (t.is_dst, t.before, t.after) == kind and _matches(rule, _local(t))}
    return len(years) >= PROBE_YEARS - 1


def _matches(rule: _Rule, local: dt.datetime) -> bool:
    return (local.month == rule.month and local.weekday() == rule.weekday
            and local.time() == rule.wall and rule.nth in _nths(local.date()))


def _observance(tr: _zones.Transition, *, start: dt.datetime | None = None) -> Any:
    import icalendar

    comp = icalendar.TimezoneDaylight() if tr.is_dst else icalendar.TimezoneStandard()
    comp.add("dtstart", start if start is not None else _local(tr))
    comp.add("tzoffsetfrom", dt.timedelta(minutes=tr.before))
    comp.add("tzoffsetto", dt.timedelta(minutes=tr.after))
    if tr.abbreviation:
        comp.add("tzname", tr.abbreviation)
    return comp


def vtimezone(name: str, start: dt.date, end: dt.date) -> Any:
    """An ``icalendar.Timezone`` for zone ``name`` that reproduces its UTC offset at every
    instant from ``start`` - 1 day to ``end`` + 2 days (and well beyond)."""
    import icalendar

    tzid = _zones.canonical(name) or name
    first = (_zones.day_number(start) - MARGIN_DAYS) * 1440
    last = (_zones.day_number(end) + MARGIN_DAYS) * 1440
    tl = _zones.timeline(tzid, first, last)
    tz = icalendar.Timezone()
    tz.add("tzid", tzid)
    changes = list(tl.transitions)
    if not changes:
        zone = _zones.get_zone(tzid)
        sample = _zones.from_minutes(first).astimezone(zone)
        offset = sample.utcoffset() or dt.timedelta(0)
        std = icalendar.TimezoneStandard()
        std.add("dtstart", dt.datetime(1970, 1, 1))
        std.add("tzoffsetfrom", offset)
        std.add("tzoffsetto", offset)
        std.add("tzname", sample.tzname() or tzid)
        tz.add_component(std)
        return tz
    kinds: dict[tuple[bool, int, int], list[_zones.Transition]] = {}
    for t in changes:
        kinds.setdefault((t.is_dst, t.before, t.after), []).append(t)
    observances: list[tuple[int, Any]] = []
    for kind, series in kinds.items():
        rules = _fit(series)
        if not rules:
            observances.extend((t.at, _observance(t)) for t in series)
            continue
        after = series[-1].at + 1
        rule = next((r for r in rules if _continues(tzid, r, kind, after)), None)
        comp = _observance(series[0])
        recur: dict[str, Any] = {"freq": "yearly"}
        if rule is None:  # the zone stops following the rule after the range
            rule = rules[0]
            recur["until"] = _zones.from_minutes(series[-1].at)
        recur["bymonth"] = rule.month
        recur["byday"] = f"{rule.nth}{['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'][rule.weekday]}"
        comp.add("rrule", recur)
        observances.append((series[0].at, comp))
    for _, comp in sorted(observances, key=lambda o: o[0]):
        tz.add_component(comp)
    return tz
