"""What the HTML report shows, computed from the plan (the renderer only lays it out).

* The **week strip**: each school's open windows in a typical week, as UTC minutes
  from the Monday 00:00 UTC that starts the week, their overlap, and the chosen
  meeting. The typical week is the UTC week of option 1's first held meeting (of the
  horizon's first Monday when the plan has no option); like the weekly overlap of the
  diagnostics it ignores terms, closures and holidays: it is the school week.
* The **year strip**: per month and school, the status and local start, whether the
  local time differs from the school's usual time (a daylight-saving shift), and for a
  skipped month the school's own reasons (none when only another school cannot meet).
* Per option, the **worst-off school's average** distance from its preferred time per
  held meeting: its burden (summed over the held meetings) divided by ``held``,
  rounded to whole minutes as the text output rounds it (``round``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import WEEKDAYS, Reason, Status
from twinschedule.core.availability import intersect, merge
from twinschedule.core.calendar import default_days, wall_time
from twinschedule.core.plan import Option, Plan
from twinschedule.model import Partnership, School

WEEK_MINUTES = 7 * MINUTES_PER_DAY


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """Minutes ``[start, end)`` after the typical week's Monday 00:00 UTC."""

    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekRow:
    school_id: str
    name: str
    zone: str
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekStrip:
    monday: dt.date  # the UTC Monday the week starts on
    anchor: str  # the zone of the second clock
    anchor_offset: int  # the anchor's UTC offset (minutes) at the meeting / week start
    rows: tuple[WeekRow, ...]
    overlap: tuple[Span, ...]
    meeting: Span | None
    # Runs of consecutive days (0 = Monday) drawn as one: every school's windows fall
    # at the same UTC times on each day of a run, and the meeting's day is its own run.
    # Days on which no school is open are left out.
    days: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class YearCell:
    month: str
    status: Status
    local: dt.datetime | None  # the school's local start; None when skipped
    shifted: bool  # the local time differs from the school's usual time
    # Skipped months: this school's reasons, distinct, in the plan's order; empty when
    # the school could meet and only another school could not. Empty when held.
    reasons: tuple[Reason, ...] = ()
    # The held meeting is in this school's stretch hours (outside its own hours).
    stretch: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Burden:
    """An option's worst-off school and its average distance from its preferred time."""

    rank: int  # the option's rank
    school_id: str  # the first school (file order) with the largest burden
    average: int  # its burden divided by the meetings held, whole minutes; 0 if none


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    plan: Plan
    week: WeekStrip
    year: tuple[tuple[str, tuple[YearCell, ...]], ...]  # (school id, a cell per month)
    burdens: tuple[Burden, ...]  # one per option, in rank order
    made: dt.datetime  # when the report was made (aware)
    tzdata: str
    holidays: str  # the holidays package's version
    program: str  # e.g. "twinschedule 0.1.0"


def _spans(school: School, monday: dt.date) -> list[tuple[int, int]]:
    """A school's windows on its school days, in UTC minutes of the week (inclusive)."""
    zone = _zones.get_zone(school.timezone)
    days = school.days if school.days is not None else default_days(school.country)
    week0 = dt.datetime(monday.year, monday.month, monday.day, tzinfo=dt.UTC)
    out: list[tuple[int, int]] = []
    for k in range(-1, 9):  # local dates that can overlap the UTC week
        d = monday + dt.timedelta(days=k)
        if WEEKDAYS[d.weekday()] not in days:
            continue
        for w in school.windows_on(WEEKDAYS[d.weekday()]):
            a = (wall_time(zone, d, w.start).astimezone(dt.UTC) - week0) // dt.timedelta(
                minutes=1)
            b = (wall_time(zone, d, w.end).astimezone(dt.UTC) - week0) // dt.timedelta(
                minutes=1)
            a, b = max(a, 0), min(b, WEEK_MINUTES)
            if a < b:
                out.append((a, b - 1))
    return merge(out)


def _on_day(spans: tuple[Span, ...], day: int) -> tuple[tuple[int, int], ...]:
    lo, hi = day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY
    return tuple((max(s.start, lo) - lo, min(s.end, hi) - lo) for s in spans
                 if s.start < hi and s.end > lo)


def _day_runs(rows: tuple[WeekRow, ...], meeting: Span | None) -> tuple[tuple[int, int], ...]:
    meeting_day = meeting.start // MINUTES_PER_DAY if meeting is not None else None
    runs: list[tuple[int, int]] = []
    last: object = None
    for d in range(7):
        pattern = tuple(_on_day(r.spans, d) for r in rows)
        if not any(pattern):
            last = None
            continue
        key = (pattern, d == meeting_day)
        if runs and key == last and d != meeting_day and runs[-1][1] == d - 1:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
        last = key
    return tuple(runs)


def week_strip(plan: Plan) -> WeekStrip:
    p: Partnership = plan.partnership
    best: Option | None = plan.options[0] if plan.options else None
    first = next((m for m in best.meetings if m.start is not None), None) if best else None
    if first is not None and first.start is not None:
        day = first.start.astimezone(dt.UTC).date()
    else:
        day = p.start + dt.timedelta(days=(7 - p.start.weekday()) % 7)
    monday = day - dt.timedelta(days=day.weekday())
    anchor = best.rule.anchor if best else (p.anchor or p.schools[0].timezone)
    week0 = dt.datetime(monday.year, monday.month, monday.day, tzinfo=dt.UTC)
    at = first.start if first is not None and first.start is not None else week0
    offset = at.astimezone(_zones.get_zone(anchor)).utcoffset()
    assert offset is not None
    rows = []
    common: list[tuple[int, int]] | None = None
    for s in p.schools:
        spans = _spans(s, monday)
        common = spans if common is None else intersect(common, spans)
        rows.append(WeekRow(school_id=s.id, name=s.name, zone=s.timezone,
                            spans=tuple(Span(start=a, end=b + 1) for a, b in spans)))
    meeting = None
    if first is not None and first.start is not None and first.end is not None:
        meeting = Span(start=(first.start - week0) // dt.timedelta(minutes=1),
                       end=(first.end - week0) // dt.timedelta(minutes=1))
    return WeekStrip(monday=monday, anchor=anchor,
                     anchor_offset=offset // dt.timedelta(minutes=1), rows=tuple(rows),
                     overlap=tuple(Span(start=a, end=b + 1) for a, b in common or []),
                     meeting=meeting, days=_day_runs(tuple(rows), meeting))


def year_strip(plan: Plan) -> tuple[tuple[str, tuple[YearCell, ...]], ...]:
    if not plan.options:
        return ()
    best = plan.options[0]
    out = []
    for s in plan.partnership.schools:
        cells = []
        for m in best.meetings:
            usual = best.usual_at(m, s.id)  # an alternation: the month's rule's usual time
            when = m.local_start(s.id)
            own: tuple[Reason, ...] = ()
            if m.status == "skipped":
                own = tuple(dict.fromkeys(r.reason for r in m.reasons if r.school == s.id))
            cells.append(YearCell(month=m.month, status=m.status, local=when,
                                  shifted=when is not None
                                  and when.hour * 60 + when.minute != usual,
                                  reasons=own, stretch=s.id in (m.stretch or ())))
        out.append((s.id, tuple(cells)))
    return tuple(out)


def worst_burden(option: Option) -> Burden:
    """The worst-off school of ``option`` (largest burden; the first in file order on a
    tie) and its average distance from its preferred time per held meeting."""
    school_id, burden = option.burdens[0]
    for sid, b in option.burdens[1:]:
        if b > burden:
            school_id, burden = sid, b
    held = option.metrics.held
    return Burden(rank=option.rank, school_id=school_id,
                  average=round(burden / held) if held else 0)


def build(plan: Plan, *, made: dt.datetime, holidays: str, program: str) -> Report:
    """The report of ``plan``, made at ``made`` (an aware datetime: the caller's clock or
    ``SOURCE_DATE_EPOCH``) with the holidays package version ``holidays`` by
    ``program`` (name and version)."""
    return Report(plan=plan, week=week_strip(plan), year=year_strip(plan),
                  burdens=tuple(worst_burden(o) for o in plan.options), made=made,
                  tzdata=plan.tzdata, holidays=holidays, program=program)
