"""VTIMEZONE components that every client reads the same way, generated from the zone's
transitions in the tzdata package (the data that planned the meetings).

Outlook keeps one yearly rule per direction (the observance with the latest DTSTART)
and ignores RDATE; ical.js reads only the first value of an RDATE list and ignores an
observance's DTSTART when it has RDATEs. So:

- the transitions over the horizon (with a margin of :data:`MARGIN_DAYS` on both sides)
  are grouped by direction (daylight flag, offset before, offset after);
- each direction's transitions are cut into runs that follow one yearly rule
  ``FREQ=YEARLY;BYMONTH=m;BYDAY=<nth><weekday>`` (nth 1-4 or -1) at one local wall time;
  a run becomes one observance with an RRULE: the last run of a direction is open-ended
  while the zone keeps changing that way after the range (what Outlook expects), every
  other run ends with a UTC UNTIL at its last transition;
- a transition that fits no run (Africa/Casablanca around Ramadan, a year whose date
  breaks the pattern) is an observance of its own with just its DTSTART (no RDATE at all);
- a zone without transitions is one STANDARD observance without RRULE.

The result is checked against the zone's transitions before it is returned: the onsets
that the observances describe over the range must be exactly the zone's transitions
(else every transition becomes an observance of its own, which is always exact).
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import WEEKDAYS

if TYPE_CHECKING:
    import icalendar

MARGIN_DAYS = 400  # transitions covered before the horizon's start and after its end
PROBE_DAYS = 6 * 366  # after the range: whether (and by which rule) the zone keeps changing
EARLY = dt.datetime(1970, 1, 1)  # DTSTART of an observance that holds from the start

Kind = tuple[bool, int, int]  # (is_dst, offset before, offset after) of a transition


@dataclass(frozen=True, slots=True)
class _Rule:
    """``FREQ=YEARLY;BYMONTH=month;BYDAY=<nth><weekday>`` at a local wall time."""

    month: int
    weekday: int  # 0 = Monday
    nth: int  # 1-4, or -1 for the last one of the month

    def day(self, year: int) -> dt.date:
        first_weekday, days = _cal.monthrange(year, self.month)
        if self.nth > 0:
            return dt.date(year, self.month, 1 + (self.weekday - first_weekday) % 7
                           + 7 * (self.nth - 1))
        last_weekday = (first_weekday + days - 1) % 7
        return dt.date(year, self.month, days - (last_weekday - self.weekday) % 7)

    @property
    def byday(self) -> str:
        return f"{self.nth}{WEEKDAYS[self.weekday]}"


@dataclass(frozen=True, slots=True)
class _Observance:
    """One STANDARD/DAYLIGHT component: onset at ``start`` (and yearly by ``rule``)."""

    start: _zones.Transition
    rule: _Rule | None = None
    until: int | None = None  # UTC minute of the rule's last onset; None: open-ended

    def onsets(self, hi: int) -> list[int]:
        """UTC minutes of the onsets this observance describes, up to ``hi``."""
        if self.rule is None:
            return [self.start.at] if self.start.at <= hi else []
        wall = _local(self.start)
        limit = hi if self.until is None else min(hi, self.until)
        out: list[int] = []
        year = wall.year
        while True:
            local = dt.datetime.combine(self.rule.day(year), wall.time())
            at = _minutes(local) - self.start.before
            if at > limit:
                return out
            out.append(at)
            year += 1


def _minutes(naive: dt.datetime) -> int:
    return _zones.to_minutes(naive.replace(tzinfo=dt.UTC))


def _local(tr: _zones.Transition) -> dt.datetime:
    """Local wall time of a transition with the offset before it (RFC 5545 DTSTART)."""
    return _zones.from_minutes(tr.at + tr.before).replace(tzinfo=None)


def _kind(tr: _zones.Transition) -> Kind:
    return (tr.is_dst, tr.before, tr.after)


def _nths(d: dt.date) -> set[int]:
    """The ``nth`` values (1-4, -1) of BYDAY that give date ``d`` in its month."""
    out = {(d.day - 1) // 7 + 1} if d.day <= 28 else set()
    if d.day + 7 > _cal.monthrange(d.year, d.month)[1]:
        out.add(-1)
    return out


def _ordered(nths: set[int]) -> list[int]:
    """-1 first ("last Sunday" is the usual rule when a date is both 4th and last)."""
    return sorted(nths, key=lambda n: (n > 0, n))


def _runs(series: list[_zones.Transition]) -> list[tuple[list[_zones.Transition], set[int]]]:
    """Cut one direction's transitions into maximal runs of consecutive years on the same
    month, weekday and wall time with a common ``nth``; each with its common nths."""
    runs: list[tuple[list[_zones.Transition], set[int]]] = []
    for tr in series:
        local = _local(tr)
        if runs:
            run, nths = runs[-1]
            prev = _local(run[-1])
            common = nths & _nths(local.date())
            if (common and local.year == prev.year + 1 and local.month == prev.month
                    and local.weekday() == prev.weekday() and local.time() == prev.time()):
                runs[-1] = ([*run, tr], common)
                continue
        runs.append(([tr], _nths(local.date())))
    return runs


def _last_run(run: list[_zones.Transition], nths: set[int],
              future: list[int]) -> list[_Observance]:
    """Observances for a direction's last run in the range; ``future`` holds the UTC
    minutes of the same direction's transitions after the range."""
    first = run[0]
    rules = [_Rule(_local(first).month, _local(first).weekday(), n) for n in _ordered(nths)]
    if not rules:
        return [_Observance(tr) for tr in run]
    if not future:  # the zone stops changing this way: end the rule at its last onset
        if len(run) == 1:
            return [_Observance(first)]
        return [_Observance(first, rules[0], run[-1].at)]
    horizon = future[-1]
    wanted = set(future)

    def score(rule: _Rule) -> int:
        made = _Observance(first, rule).onsets(horizon)
        return len(wanted.intersection(made))

    best = max(rules, key=score)  # max() keeps the first of equals: -1 first
    if len(run) == 1 and score(best) == 0:
        return [_Observance(first)]  # no evidence of a yearly rule at all
    return [_Observance(first, best)]


def _plan(transitions: list[_zones.Transition], future: list[_zones.Transition],
          last: int) -> list[_Observance]:
    """Observances for the transitions of the range (up to UTC minute ``last``)."""
    kinds: dict[Kind, list[_zones.Transition]] = {}
    for tr in transitions:
        kinds.setdefault(_kind(tr), []).append(tr)
    out: list[_Observance] = []
    for kind, series in kinds.items():
        after = [tr.at for tr in future if _kind(tr) == kind]
        runs = _runs(series)
        for i, (run, nths) in enumerate(runs):
            if i == len(runs) - 1:
                made = _last_run(run, nths, after)
            elif len(run) >= 2:
                rule = _Rule(_local(run[0]).month, _local(run[0]).weekday(),
                             _ordered(nths)[0])
                made = [_Observance(run[0], rule, run[-1].at)]
            else:
                made = [_Observance(run[0])]
            out.extend(_checked(made, run, last))
    return out


def _checked(made: list[_Observance], run: list[_zones.Transition],
             last: int) -> list[_Observance]:
    """``made`` if its onsets up to ``last`` are exactly ``run``'s transitions; else the
    rule bounded by an UNTIL (an open rule whose next onset would still fall in the
    range), else one observance per transition."""
    wanted = [tr.at for tr in run]
    if sorted(at for obs in made for at in obs.onsets(last)) == wanted:
        return made
    if len(made) == 1 and made[0].rule is not None:
        bounded = _Observance(made[0].start, made[0].rule, run[-1].at)
        if bounded.onsets(last) == wanted:
            return [bounded]
    return [_Observance(tr) for tr in run]


def _exact(observances: list[_Observance], transitions: list[_zones.Transition],
           last: int) -> bool:
    """Whether the observances' onsets up to ``last`` are exactly the transitions."""
    onsets = sorted((at, o.start.after) for o in observances for at in o.onsets(last))
    return onsets == [(tr.at, tr.after) for tr in transitions]


def _component(obs: _Observance) -> icalendar.TimezoneStandard | icalendar.TimezoneDaylight:
    import icalendar

    tr = obs.start
    comp = icalendar.TimezoneDaylight() if tr.is_dst else icalendar.TimezoneStandard()
    comp.add("dtstart", _local(tr))
    comp.add("tzoffsetfrom", dt.timedelta(minutes=tr.before))
    comp.add("tzoffsetto", dt.timedelta(minutes=tr.after))
    if tr.abbreviation:
        comp.add("tzname", tr.abbreviation)
    if obs.rule is not None:
        recur = icalendar.vRecur(freq="YEARLY")
        if obs.until is not None:
            recur["UNTIL"] = [_zones.from_minutes(obs.until)]
        recur["BYMONTH"] = [obs.rule.month]
        recur["BYDAY"] = [obs.rule.byday]
        comp.add("rrule", recur)
    return comp


def _steady(zone_name: str, minute: int, *, standard: bool) -> _Observance:
    """An observance keeping the zone's offset at UTC ``minute`` from :data:`EARLY` on
    (a STANDARD one if ``standard``, else as the zone's daylight flag says)."""
    zone = _zones.get_zone(zone_name)
    sample = _zones.from_minutes(minute).astimezone(zone)
    offset = int((sample.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    tr = _zones.Transition(at=_minutes(EARLY) - offset, before=offset, after=offset,
                           is_dst=not standard and bool(sample.dst()),
                           abbreviation=sample.tzname() or "")
    return _Observance(tr)


def vtimezone(name: str, start: dt.date, end: dt.date) -> icalendar.Timezone:
    """An ``icalendar.Timezone`` for zone ``name`` (TZID: the name as given, a link
    such as ``Europe/Oslo`` keeping its own name) that
    reproduces its UTC offset at every instant from ``start`` - 1 day to ``end`` + 2 days
    (in fact from its first onset, up to :data:`MARGIN_DAYS` before ``start``, to
    :data:`MARGIN_DAYS` after ``end``), with yearly RRULEs where the zone's transitions
    follow one. Deterministic: the same arguments give the same bytes.

    Raises ``KeyError`` for an unknown zone name.
    """
    import icalendar

    if _zones.canonical(name) is None:
        raise KeyError(name)
    tzid = name
    first = (_zones.day_number(start) - MARGIN_DAYS) * MINUTES_PER_DAY
    last = (_zones.day_number(end) + MARGIN_DAYS) * MINUTES_PER_DAY
    probe = _zones.timeline(tzid, first, last + PROBE_DAYS * MINUTES_PER_DAY).transitions
    transitions = [tr for tr in probe if tr.at <= last]
    future = [tr for tr in probe if tr.at > last]

    observances = _plan(transitions, future, last)
    if not _exact(observances, transitions, last):  # never expected: stay exact anyway
        observances = [_Observance(tr) for tr in transitions]
    # Before its first onset a VTIMEZONE says nothing (ical.js then uses UTC): make sure
    # an observance holds from before the horizon (always so for yearly DST zones).
    cover_from = (_zones.day_number(start) - 2) * MINUTES_PER_DAY
    if not transitions or transitions[0].at > cover_from:
        observances.insert(0, _steady(tzid, first, standard=not transitions))

    tz = icalendar.Timezone()
    tz.add("tzid", tzid)
    ordered = sorted(observances, key=lambda o: (o.start.at, o.start.is_dst))
    for obs in ordered:
        tz.add_component(_component(obs))
    return tz


__all__ = ["vtimezone"]
