"""The HTML report in the reader's words: what each section of the page shows, every
text worded through one :class:`i18n.Words` and every position of the week strip's
drawing placed, as frozen view objects. The templates (``render/templates/``, laid out
by ``render/html.py``) only print them: no word, date or coordinate is made in a
template, and no markup is made here.

The numbers come from :mod:`render.report` (the report model); this module words them
(``w.time``, ``w.minutes``, ``w._(...)``) and places the drawing. A section that has
nothing to show is ``None`` (the report of an infeasible plan has no year strip).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import Reason, Status
from twinschedule.core.plan import Meeting, Option, Plan
from twinschedule.i18n.reasons import names as reason_names
from twinschedule.i18n.words import Words
from twinschedule.render.report import Report, Span, WeekStrip, YearCell
from twinschedule.render.text import (
    NAMED_REASONS,
    RULE_LABELS,
    STRETCH_MARK,
    cause_lines,
    near_miss_lines,
    rule_lines,
)

#: The letter of each status (the cells never rely on colour alone).
STATUS_LETTERS: dict[str, str] = {"scheduled": "S", "moved": "M", "skipped": "X"}
#: A school's name in the week strip is cut to this many characters.
NAME_CHARS = 28

# ---- the views ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusMark:
    """A status as a letter (``class`` of its cell: ``status``) with its name."""

    status: Status
    letter: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Headline:
    rule: str | None  # option 1's rule in words; None when no rule holds a meeting
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    title: str
    sub: str
    schools: str
    headline: Headline


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    """A horizontal bar of the week strip (SVG user units)."""

    x: float
    width: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Box:
    x: float
    y: int
    width: float
    height: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StripRow:
    """One row of a day of the week strip: its label, its track at ``y``, its bars."""

    label: str
    label_y: int
    y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StripDay:
    """A run of days drawn as one: its label, a row per school, the overlap row and the
    chosen meeting's outline (on the meeting's day)."""

    label: str
    label_y: int
    rows: tuple[StripRow, ...]
    overlap: StripRow
    meeting: Box | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    """An hour line of the axis, labelled in UTC (top) and the anchor zone (bottom)."""

    x: int
    utc: str
    local: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekDrawing:
    width: int
    height: int
    title: str
    anchor: str
    grid_top: int
    grid_bottom: int
    foot_y: int  # the baseline of the bottom axis's labels
    track_x: int
    track_width: int
    bar_height: int
    ticks: tuple[Tick, ...]
    days: tuple[StripDay, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekSection:
    heading: str
    note: str
    legend: str
    drawing: WeekDrawing


@dataclass(frozen=True, slots=True, kw_only=True)
class YearEntry:
    """One cell of the year strip: a school in a month."""

    month: str  # YYYY-MM
    mark: StatusMark
    local: str | None  # the local start, ISO 8601; None when skipped
    day: str
    time: str
    shifted: bool
    reasons: tuple[tuple[Reason, str], ...]  # (code, label) of the school's own reasons
    stretch: bool = False  # a meeting in the school's stretch hours (marked +)


@dataclass(frozen=True, slots=True, kw_only=True)
class YearRow:
    school_id: str
    name: str
    cells: tuple[YearEntry, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusLegend:
    marks: tuple[StatusMark, ...]
    shifted: str  # what the asterisk means
    why: str
    stretch: str = ""  # what the + means (only when some school has stretch hours)


@dataclass(frozen=True, slots=True, kw_only=True)
class YearSection:
    heading: str
    months: tuple[str, ...]  # column headings
    rows: tuple[YearRow, ...]
    legend: StatusLegend


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionRow:
    rank: int
    rule: str
    times: tuple[str, ...]  # each school's usual local start
    counts: tuple[str, ...]  # held, moved, skipped, drift
    average: int  # the worst-off school's average minutes from its preferred time
    school_id: str  # that school
    school_name: str
    average_text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionsSection:
    heading: str
    head: tuple[str, ...]
    rows: tuple[OptionRow, ...]
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SuggestionsSection:
    heading: str
    sub: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DiagnosticsSection:
    heading: str
    cause: tuple[str, ...]  # the cause that decides, its sentence first (may be empty)
    near_miss: str  # empty when there is no near miss
    near_miss_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthCell:
    school_id: str
    local: str | None  # ISO 8601; None when the month is skipped
    text: str  # date and time; a dash when the month is skipped


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthRow:
    month: str  # YYYY-MM
    label: str
    mark: StatusMark
    cells: tuple[MonthCell, ...]
    why: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthsSection:
    heading: str
    head: tuple[str, ...]
    rows: tuple[MonthRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeItem:
    """One change since the previous plan: its month (None for a new rule), its kind,
    the headline and each school's meeting before and after, in its local time."""

    month: str | None
    change: str
    headline: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangesSection:
    heading: str
    items: tuple[ChangeItem, ...]
    nothing: str  # the one line when nothing changed (items empty)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportPage:
    """Everything the report page shows, in its order; ``None``: a section not shown."""

    lang: str
    dir: str  # "ltr" or "rtl"
    program: str
    title: str
    header: Header
    week: WeekSection
    year: YearSection | None
    options: OptionsSection | None
    suggestions: SuggestionsSection | None
    diagnostics: DiagnosticsSection | None
    months: MonthsSection | None
    footer: str
    changes: ChangesSection | None = None  # with a previous plan (agreement.md)


# ---- week strip ---------------------------------------------------------------------

_LABEL = 190  # px left of the axis
_HOUR = 24  # px per hour
_BAR = 12
_GAP = 3
_TOP = 30


def _bars(spans: tuple[Span, ...], day: int) -> tuple[Bar, ...]:
    out = []
    lo, hi = day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY
    for s in spans:
        a, b = max(s.start, lo), min(s.end, hi)
        if a < b:
            out.append(Bar(x=_LABEL + (a - lo) * _HOUR / 60, width=(b - a) * _HOUR / 60))
    return tuple(out)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _day_label(week: WeekStrip, first: int, last: int, w: Words) -> str:
    day = week.monday + dt.timedelta(days=first)
    if first == last:
        return f"{w.short_date(day)} (UTC)"
    return w._("{first} to {last} (UTC)", first=w.short_date(day),
               last=w.short_date(week.monday + dt.timedelta(days=last)))


def _strip_day(week: WeekStrip, first: int, last: int, y: int, w: Words) -> StripDay:
    """The day run ``first..last`` drawn from ``y`` down (a label, then the rows)."""
    label_y = y + 11
    y += 16
    rows = []
    for row in week.rows:
        rows.append(StripRow(label=_clip(row.name, NAME_CHARS), label_y=y + 10, y=y,
                             bars=_bars(row.spans, first)))
        y += _BAR + _GAP
    overlap = StripRow(label=w._("All schools"), label_y=y + 10, y=y,
                       bars=_bars(week.overlap, first))
    meeting = None
    if week.meeting is not None and week.meeting.start // MINUTES_PER_DAY == first:
        meeting = Box(x=_LABEL + (week.meeting.start - first * MINUTES_PER_DAY) * _HOUR / 60,
                      y=y - len(week.rows) * (_BAR + _GAP) - 2,
                      width=max(3.0, (week.meeting.end - week.meeting.start) * _HOUR / 60),
                      height=(len(week.rows) + 1) * (_BAR + _GAP) + 1)
    return StripDay(label=_day_label(week, first, last, w), label_y=label_y,
                    rows=tuple(rows), overlap=overlap, meeting=meeting)


def week_drawing(week: WeekStrip, w: Words) -> WeekDrawing:
    """The week strip placed: one block of rows per run of days, hours across."""
    runs = week.days or ((0, 4),)
    per_day = 16 + (len(week.rows) + 1) * (_BAR + _GAP) + 6
    height = _TOP + per_day * len(runs) + 30
    bottom = height - 24
    ticks = tuple(Tick(x=_LABEL + h * _HOUR, utc=w.time(h * 60),
                       local=w.time(h * 60 + week.anchor_offset)) for h in range(0, 25, 3))
    days = []
    y = _TOP
    for first, last in runs:
        days.append(_strip_day(week, first, last, y, w))
        y += per_day
    return WeekDrawing(width=_LABEL + 24 * _HOUR + 24, height=height,
                       title=w._("Open windows in a typical week (UTC)"), anchor=week.anchor,
                       grid_top=_TOP - 6, grid_bottom=bottom, foot_y=bottom + 16,
                       track_x=_LABEL, track_width=24 * _HOUR, bar_height=_BAR,
                       ticks=ticks, days=tuple(days))


def week_section(report: Report, w: Words) -> WeekSection:
    week = report.week
    if week.meeting is not None:
        note = w._("The chosen meeting (outlined) on {day}, in the week of {monday}.",
                   day=w.date(week.monday + dt.timedelta(
                       days=week.meeting.start // MINUTES_PER_DAY)),
                   monday=w.date(week.monday))
    else:
        note = w._("The week of {monday}.", monday=w.date(week.monday))
    legend = w._("Blue: a school's hours on its school days. Green, hatched: every school "
                 "at once. Top axis UTC, bottom axis {zone}. Holidays and closures are "
                 "left out: this is the school week.", zone=week.anchor)
    return WeekSection(heading=w._("A typical week"), note=note, legend=legend,
                       drawing=week_drawing(week, w))


# ---- year strip, options, suggestions, months ----------------------------------------


def status_mark(status: Status, w: Words) -> StatusMark:
    return StatusMark(status=status, letter=STATUS_LETTERS[status], label=w.status(status))


def status_legend(w: Words, stretch: bool = False) -> StatusLegend:
    return StatusLegend(
        marks=tuple(status_mark(s, w) for s in ("scheduled", "moved", "skipped")),
        shifted=w._("local time differs from the usual one (daylight saving)"),
        why=w._("Under an X: why that school cannot meet that month (a plain X: another "
                "school cannot)."),
        stretch=w._("(+ outside the school's usual hours: in its stretch hours)")
        if stretch else "")


def _year_entry(c: YearCell, w: Words) -> YearEntry:
    return YearEntry(month=c.month, mark=status_mark(c.status, w),
                     local=c.local.isoformat() if c.local is not None else None,
                     day=w.day(c.local.date()) if c.local is not None else "",
                     time=w.time(c.local.hour * 60 + c.local.minute)
                     if c.local is not None else "",
                     shifted=c.shifted, reasons=tuple((r, w.reason(r)) for r in c.reasons),
                     stretch=c.stretch)


def year_section(report: Report, w: Words) -> YearSection | None:
    plan = report.plan
    if not report.year:
        return None
    names = {s.id: s.name for s in plan.partnership.schools}
    return YearSection(
        heading=w._("The year, school by school (local times)"),
        months=tuple(w.short_month(m.month) for m in plan.options[0].meetings),
        rows=tuple(YearRow(school_id=sid, name=names[sid],
                           cells=tuple(_year_entry(c, w) for c in cells))
                   for sid, cells in report.year),
        legend=status_legend(w, plan.partnership.has_stretch))


def options_section(report: Report, w: Words) -> OptionsSection | None:
    plan = report.plan
    if not plan.options:
        return None
    schools = plan.partnership.schools
    names = {s.id: s.name for s in schools}
    head = ("#", w._("Rule"), *(s.name for s in schools), w._("Held"),
            w.capital(w.status("moved")), w.capital(w.status("skipped")), w._("Drift"),
            w._("From preferred time"))
    rows = []
    for o, worst in zip(plan.options, report.burdens, strict=True):
        m = o.metrics
        rows.append(OptionRow(
            rank=o.rank,
            rule=w._("{rule} (agreed)", rule=" ".join(rule_lines(o, w))) if o.agreed
            else " ".join(rule_lines(o, w)),
            times=tuple(" / ".join(w.time(dict(u)[s.id]) for u in o.usual_by_rule)
                        if o.usual_by_rule else w.time(o.usual_time(s.id))
                        for s in schools),
            counts=tuple(w.number(n) for n in (m.held, m.moved, m.skipped, m.drift)),
            average=worst.average, school_id=worst.school_id,
            school_name=names[worst.school_id], average_text=w.minutes(worst.average)))
    note = w._("Times are each school's usual local start. Drift: meetings not at a "
               "school's usual time. From preferred time: how far, on average per "
               "meeting held, the worst-off school's local start lies from its preferred "
               "start (its minutes away summed over the year, divided by the meetings "
               "held, rounded to whole minutes).")
    return OptionsSection(heading=w._("Options"), head=head, rows=tuple(rows), note=note)


def suggestions_section(plan: Plan, w: Words) -> SuggestionsSection | None:
    if not plan.suggestions:
        return None
    from twinschedule.core.suggest import say

    return SuggestionsSection(
        heading=w._("What would hold more meetings"),
        sub=w._("One change at a time, each planned again in full."),
        items=tuple(say(plan.partnership, s, w) for s in plan.suggestions))


def _reasons(m: Meeting, names: dict[str, str], w: Words) -> str:
    return "; ".join(w._("{school}: {reason}", school=names[r.school],
                         reason=w._("{reason}: {detail}", reason=w.reason(r.reason),
                                    detail=reason_names(w, r))
                         if r.detail and r.reason in NAMED_REASONS else w.reason(r.reason))
                     for r in m.reasons)


def _why(m: Meeting, best: Option, names: dict[str, str], w: Words) -> str:
    if m.status == "moved":
        anchor = _zones.get_zone(best.rule_of(m).anchor)  # the nominal date, rule's zone
        return w._("moved from {date}: {reasons}",
                   date=w.short_date(m.nominal.astimezone(anchor).date()),
                   reasons=_reasons(m, names, w))
    if m.status == "skipped":
        return w._("skipped: {reasons}", reasons=_reasons(m, names, w))
    return ""


def _month_cell(m: Meeting, school_id: str, w: Words) -> MonthCell:
    when = m.local_start(school_id)
    if when is None:
        return MonthCell(school_id=school_id, local=None, text="–")
    mark = f" {STRETCH_MARK}" if school_id in (m.stretch or ()) else ""
    return MonthCell(school_id=school_id, local=when.isoformat(),
                     text=f"{w.short_date(when.date())} "
                          f"{w.time(when.hour * 60 + when.minute)}{mark}")


def months_section(plan: Plan, w: Words) -> MonthsSection | None:
    if not plan.options:
        return None
    best = plan.options[0]
    schools = plan.partnership.schools
    names = {s.id: s.name for s in schools}
    head = (w._("Month"), w._("Status"), *(s.name for s in schools), w._("Why"))
    rows = tuple(MonthRow(month=m.month, label=w.month(m.month) + (
                              f" ({RULE_LABELS[m.rule or 0]})" if best.kind == "alternating"
                              else ""),
                          mark=status_mark(m.status, w),
                          cells=tuple(_month_cell(m, s.id, w) for s in schools),
                          why=_why(m, best, names, w))
                 for m in best.meetings)
    return MonthsSection(heading=w._("Month by month (each school in its own local time)"),
                         head=head, rows=rows)


def diagnostics_section(plan: Plan, w: Words) -> DiagnosticsSection | None:
    diag = plan.diagnostics
    if diag is None:
        return None
    # The cause that decides, as the text output words it (never a cause that is not
    # one: the overlap sentence only when the overlap is shorter than the meeting).
    head, lines = near_miss_lines(plan, w)
    return DiagnosticsSection(heading=w._("Why no time fits"),
                              cause=tuple(cause_lines(plan, w)),
                              near_miss=head, near_miss_lines=tuple(lines))


def changes_section(plan: Plan, w: Words) -> ChangesSection | None:
    """What changed since the previous plan (a plan made without one: None)."""
    if plan.changes is None:
        return None
    from twinschedule.core.changes import say

    items = []
    for c in plan.changes:
        head, lines = say(plan.partnership, c, w)
        items.append(ChangeItem(month=c.month, change=c.change, headline=head,
                                lines=tuple(lines)))
    return ChangesSection(heading=w._("What changed since the last plan"),
                          items=tuple(items),
                          nothing=w._("Nothing changed since the last plan."))


def header(plan: Plan, w: Words) -> Header:
    p = plan.partnership
    sub = w._("{start} to {end}; meetings of {duration}; schools: {count}; time zone data "
              "{version}", start=w.medium_date(p.start), end=w.medium_date(p.end),
              duration=w.minutes(p.duration), count=len(p.schools), version=plan.tzdata)
    if not plan.options:
        headline = Headline(rule=None, text=w._(
            "No meeting time fits every school: no candidate rule holds a single meeting."))
    else:
        best = plan.options[0]
        m = best.metrics
        held = w._("held: {held} (moved: {moved}), skipped: {skipped}, not at the usual "
                   "local time: {drift}", held=m.held, moved=m.moved, skipped=m.skipped,
                   drift=m.drift)
        rule = " ".join(rule_lines(best, w))
        if best.agreed:
            rule = w._("{rule} (agreed)", rule=rule)
        headline = Headline(rule=rule, text=w.capital(held))
    return Header(title=p.name, sub=sub,
                  schools=w.join([f"{s.name} ({s.timezone})" for s in p.schools]),
                  headline=headline)


def page(report: Report, w: Words) -> ReportPage:
    """The report page of ``report`` in the language of ``w``."""
    plan = report.plan
    footer = w._("Time zone data {tzdata} · holidays {holidays} · made {made} · {program}",
                 tzdata=report.tzdata, holidays=report.holidays,
                 made=report.made.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                 program=report.program)
    return ReportPage(
        lang=w.lang, dir="rtl" if w.rtl else "ltr", program=report.program,
        title=plan.partnership.name, header=header(plan, w), week=week_section(report, w),
        year=year_section(report, w), options=options_section(report, w),
        suggestions=suggestions_section(plan, w), diagnostics=diagnostics_section(plan, w),
        months=months_section(plan, w), footer=footer, changes=changes_section(plan, w))
