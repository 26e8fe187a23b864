"""The HTML report (explain.md): one self-contained file with inline CSS and SVG, no
script, font or image from elsewhere, readable with scripts off, printable on A4.

It lays out a :class:`report.Report`; it computes nothing about the plan. Every text a
reader sees goes through one :class:`i18n.Words`, the same as the text output's and the
feeds': the reader's language (``--lang``, else the partnership's ``language``), its
CLDR dates and times, ``<html lang=.. dir=rtl>`` for right-to-left languages. Dates are
each school's own local dates; the week strip's days are UTC days (labelled so).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from importlib import resources
from string import Template

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import Status
from twinschedule.core.plan import Meeting, Option, Plan
from twinschedule.i18n.reasons import names as reason_names
from twinschedule.i18n.words import Words, words
from twinschedule.render.report import WEEK_MINUTES, Report, Span, WeekStrip
from twinschedule.render.text import NAMED_REASONS, cause_lines, near_miss_lines

#: The letter of each status (the cells never rely on colour alone).
STATUS_LETTERS: dict[str, str] = {"scheduled": "S", "moved": "M", "skipped": "X"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _template(name: str) -> str:
    return resources.files("twinschedule.render").joinpath("templates", name).read_text("utf-8")


# ---- week strip ---------------------------------------------------------------------

_LABEL = 190  # px left of the axis
_HOUR = 24  # px per hour
_BAR = 12
_GAP = 3


def _bars(spans: tuple[Span, ...], day: int, y: int, cls: str) -> list[str]:
    out = []
    lo, hi = day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY
    for s in spans:
        a, b = max(s.start, lo), min(s.end, hi)
        if a < b:
            x = _LABEL + (a - lo) * _HOUR / 60
            w = (b - a) * _HOUR / 60
            out.append(f'<rect class="{cls}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                       f'height="{_BAR}"/>')
    return out


def _week_svg(week: WeekStrip, w: Words) -> str:
    runs = week.days or ((0, 4),)
    width = _LABEL + 24 * _HOUR + 24
    per_day = 16 + (len(week.rows) + 1) * (_BAR + _GAP) + 6
    top = 30
    height = top + per_day * len(runs) + 30
    title = w._("Open windows in a typical week (UTC)")
    every = w._("All schools")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             'direction="ltr" role="img" aria-labelledby="week-title">',
             f'<title id="week-title">{_e(title)}'
             '</title>',
             '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#009E73"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
             '</defs>',
             '<style>.open{fill:#56B4E9}.all{fill:url(#hatch)}.grid{stroke:#ddd}'
             '.meet{fill:none;stroke:#D55E00;stroke-width:3}.day{font-weight:600}</style>']
    bottom = height - 24
    axis = ['<g class="axis">',
            '<text x="4" y="14">UTC</text>',
            f'<text x="4" y="{bottom + 16}">{_e(week.anchor)}</text>']
    for h in range(0, 25, 3):
        x = _LABEL + h * _HOUR
        axis.append(f'<line class="grid" x1="{x}" y1="{top - 6}" x2="{x}" y2="{bottom}"/>')
        axis.append(f'<text x="{x}" y="14" text-anchor="middle">{_e(w.time(h * 60))}</text>')
        axis.append(f'<text x="{x}" y="{bottom + 16}" text-anchor="middle">'
                    f'{_e(w.time(h * 60 + week.anchor_offset))}</text>')
    axis.append("</g>")
    parts += axis
    y = top
    for d, last in runs:
        day = week.monday + dt.timedelta(days=d)
        label = f"{w.short_date(day)} (UTC)" if d == last else w._(
            "{first} to {last} (UTC)", first=w.short_date(day),
            last=w.short_date(week.monday + dt.timedelta(days=last)))
        parts.append(f'<text class="day" x="4" y="{y + 11}">{_e(label)}</text>')
        y += 16
        for row in week.rows:
            parts.append(f'<text x="12" y="{y + 10}">{_e(_clip(row.name, 28))}</text>')
            parts.append(f'<rect x="{_LABEL}" y="{y}" width="{24 * _HOUR}" height="{_BAR}" '
                         'fill="#f4f4f4"/>')
            parts += _bars(row.spans, d, y, "open")
            y += _BAR + _GAP
        parts.append(f'<text x="12" y="{y + 10}">{_e(every)}</text>')
        parts.append(f'<rect x="{_LABEL}" y="{y}" width="{24 * _HOUR}" height="{_BAR}" '
                     'fill="#f4f4f4"/>')
        parts += _bars(week.overlap, d, y, "all")
        if week.meeting is not None and week.meeting.start // MINUTES_PER_DAY == d:
            mx = _LABEL + (week.meeting.start - d * MINUTES_PER_DAY) * _HOUR / 60
            mw = max(3.0, (week.meeting.end - week.meeting.start) * _HOUR / 60)
            y0 = y - len(week.rows) * (_BAR + _GAP) - 2
            parts.append(f'<rect class="meet" x="{mx:.1f}" y="{y0}" width="{mw:.1f}" '
                         f'height="{(len(week.rows) + 1) * (_BAR + _GAP) + 1}"/>')
        y += _BAR + _GAP + 6
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _week(report: Report, w: Words) -> str:
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
    heading = w._("A typical week")
    return (f'<section class="week"><h2>{_e(heading)}</h2>'
            f'<p class="sub">{_e(note)}</p><figure style="margin:0">{_week_svg(week, w)}'
            f'</figure><p class="legend">{_e(legend)}</p></section>')


# ---- year strip, options, suggestions, months ----------------------------------------


def _status(status: Status, w: Words) -> str:
    return (f'<span class="st" title="{_e(w.status(status))}">'
            f'{_e(STATUS_LETTERS[status])}</span>')


def _legend(w: Words) -> str:
    items = "".join(f'<span class="{s}">{_status(s, w)}</span>{_e(w.status(s))}'
                    for s in ("scheduled", "moved", "skipped"))
    dst = w._("local time differs from the usual one (daylight saving)")
    why = w._("Under an X: why that school cannot meet that month (a plain X: another "
              "school cannot).")
    return (f'<p class="legend">{items} <span class="dst">*</span> {_e(dst)}. {_e(why)}</p>')


def _year(report: Report, w: Words) -> str:
    plan = report.plan
    if not report.year:
        return ""
    best = plan.options[0]
    names = {s.id: s.name for s in plan.partnership.schools}
    head = "".join(f"<th>{_e(w.short_month(m.month))}</th>" for m in best.meetings)
    rows = []
    for sid, cells in report.year:
        tds = []
        for c in cells:
            inner = _status(c.status, w)
            if c.local is not None:
                mark = '<span class="dst" title="{}">*</span>'.format(
                    _e(w._("local time differs from the usual one (daylight saving)"))
                ) if c.shifted else ""
                inner += (f"<br>{_e(w.day(c.local.date()))}<br>"
                          f"{_e(w.time(c.local.hour * 60 + c.local.minute))}{mark}")
            inner += "".join(f'<span class="why" data-reason="{r}">{_e(w.reason(r))}</span>'
                             for r in c.reasons)
            local = f' data-local="{_e(c.local.isoformat())}"' if c.local else ""
            tds.append(f'<td class="{c.status}" data-month="{_e(c.month)}"{local}>{inner}</td>')
        rows.append(f'<tr data-school="{_e(sid)}"><th class="school">{_e(names[sid])}</th>'
                    f'{"".join(tds)}</tr>')
    heading = w._("The year, school by school (local times)")
    return _table_section(heading, "year", f'<th class="school"></th>{head}', rows,
                          after=_legend(w))


def _table_section(heading: str, cls: str, head: str, rows: list[str], *,
                   after: str = "") -> str:
    """A titled section holding one table (``head``: the header cells, ``rows``: the
    body's ``<tr>`` elements) and ``after`` it, e.g. a legend."""
    table = f'<table class="{cls}">' if cls else "<table>"
    return (f'<section><h2>{_e(heading)}</h2>{table}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{after}</section>')


def _usual(option: Option, sid: str, w: Words) -> str:
    return w.time(option.usual_time(sid))


def _options(report: Report, w: Words) -> str:
    plan = report.plan
    if not plan.options:
        return ""
    schools = plan.partnership.schools
    names = {s.id: s.name for s in schools}
    head = "".join(f"<th>{_e(x)}</th>" for x in (
        "#", w._("Rule"), *(s.name for s in schools), w._("Held"),
        w.capital(w.status("moved")), w.capital(w.status("skipped")), w._("Drift"),
        w._("From preferred time")))
    rows = []
    for o, worst in zip(plan.options, report.burdens, strict=True):
        m = o.metrics
        cells = [f'<td class="num">{o.rank}</td>', f"<td>{_e(w.rule(o.rule))}</td>",
                 *(f"<td>{_e(_usual(o, s.id, w))}</td>" for s in schools),
                 *(f'<td class="num">{_e(w.number(n))}</td>' for n in (m.held, m.moved,
                                                                      m.skipped, m.drift)),
                 f'<td class="num" data-average="{worst.average}" '
                 f'data-school="{_e(worst.school_id)}" title="{_e(names[worst.school_id])}">'
                 f"{_e(w.minutes(worst.average))}</td>"]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = w._("Times are each school's usual local start. Drift: meetings not at a "
               "school's usual time. From preferred time: how far, on average per "
               "meeting held, the worst-off school's local start lies from its preferred "
               "start (its minutes away summed over the year, divided by the meetings "
               "held, rounded to whole minutes).")
    heading = w._("Options")
    return _table_section(heading, "", head, rows, after=f'<p class="legend">{_e(note)}</p>')


def _suggestions(plan: Plan, w: Words) -> str:
    if not plan.suggestions:
        return ""
    from twinschedule.core.suggest import say

    items = "".join(f"<li>{_e(say(plan.partnership, s, w))}</li>" for s in plan.suggestions)
    heading = w._("What would hold more meetings")
    sub = w._("One change at a time, each planned again in full.")
    return (f'<section><h2>{_e(heading)}</h2>'
            f'<p class="sub">{_e(sub)}'
            f'</p><ul class="suggest">{items}</ul></section>')


def _reasons(m: Meeting, names: dict[str, str], w: Words) -> str:
    return "; ".join(w._("{school}: {reason}", school=names[r.school],
                         reason=w._("{reason}: {detail}", reason=w.reason(r.reason),
                                    detail=reason_names(w, r))
                         if r.detail and r.reason in NAMED_REASONS else w.reason(r.reason))
                     for r in m.reasons)


def _months(plan: Plan, w: Words) -> str:
    if not plan.options:
        return ""
    best = plan.options[0]
    anchor = _zones.get_zone(best.rule.anchor)  # the nominal date in the rule's own zone
    schools = plan.partnership.schools
    names = {s.id: s.name for s in schools}
    head = "".join(f"<th>{_e(x)}</th>" for x in (
        w._("Month"), w._("Status"), *(s.name for s in schools), w._("Why")))
    rows = []
    for m in best.meetings:
        cells = [f'<td class="nowrap">{_e(w.month(m.month))}</td>',
                 f'<td class="{m.status} nowrap">{_status(m.status, w)} '
                 f"{_e(w.status(m.status))}</td>"]
        for s in schools:
            when = m.local_start(s.id)
            cells.append(f'<td data-school="{_e(s.id)}">–</td>' if when is None else
                         f'<td class="nowrap" data-school="{_e(s.id)}" '
                         f'data-local="{_e(when.isoformat())}">{_e(w.short_date(when.date()))} '
                         f"{_e(w.time(when.hour * 60 + when.minute))}</td>")
        why = ""
        if m.status == "moved":
            why = w._("moved from {date}: {reasons}",
                         date=w.short_date(m.nominal.astimezone(anchor).date()),
                         reasons=_reasons(m, names, w))
        elif m.status == "skipped":
            why = w._("skipped: {reasons}", reasons=_reasons(m, names, w))
        cells.append(f'<td class="reasons">{_e(why)}</td>')
        rows.append(f'<tr data-month="{_e(m.month)}" data-status="{m.status}">'
                    f"{''.join(cells)}</tr>")
    heading = w._("Month by month (each school in its own local time)")
    return _table_section(heading, "months", head, rows)


def _diagnostics(plan: Plan, w: Words) -> str:
    diag = plan.diagnostics
    if diag is None:
        return ""
    # The cause that decides, as the text output words it (never a cause that is not
    # one: the overlap sentence only when the overlap is shorter than the meeting).
    cause = cause_lines(plan, w)
    items = [f"<li>{_e(cause[0])}" + ("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in cause[1:])
                                      + "</ul>" if len(cause) > 1 else "") + "</li>"
             ] if cause else []
    head, lines = near_miss_lines(plan, w)
    if head:
        items.append(f"<li>{_e(head)}<ul>" + "".join(f"<li>{_e(x)}</li>" for x in lines)
                     + "</ul></li>")
    heading = w._("Why no time fits")
    return (f'<section><h2>{_e(heading)}</h2><ul>{"".join(items)}</ul>'
            f"</section>")


def _headline(plan: Plan, w: Words) -> str:
    if not plan.options:
        none = w._("No meeting time fits every school: no candidate rule holds a single "
                   "meeting.")
        return f'<p class="headline none">{_e(none)}</p>'
    best = plan.options[0]
    m = best.metrics
    held = w._("held: {held} (moved: {moved}), skipped: {skipped}, not at the usual local "
               "time: {drift}", held=m.held, moved=m.moved, skipped=m.skipped, drift=m.drift)
    return (f'<p class="headline"><strong>{_e(w.capital(w.rule(best.rule)))}</strong><br>'
            f"{_e(w.capital(held))}</p>")


def render(report: Report, w: Words | None = None) -> str:
    """The report as one HTML document, in the language of ``w`` (default: the
    partnership's ``language``)."""
    plan = report.plan
    p = plan.partnership
    w = w or words(p.language)
    sub = w._("{start} to {end}; meetings of {duration}; schools: {count}; time zone data "
              "{version}", start=w.medium_date(p.start), end=w.medium_date(p.end),
              duration=w.minutes(p.duration), count=len(p.schools), version=plan.tzdata)
    names = w.join([f"{s.name} ({s.timezone})" for s in p.schools])
    footer = w._("Time zone data {tzdata} · holidays {holidays} · made {made} · {program}",
                 tzdata=report.tzdata, holidays=report.holidays,
                 made=report.made.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                 program=report.program)
    body = "".join([
        f"<header><h1>{_e(p.name)}</h1><p class=\"sub\">{_e(sub)}<br>{_e(names)}</p>"
        f"{_headline(plan, w)}</header>",
        _week(report, w), _year(report, w), _options(report, w), _suggestions(plan, w),
        _diagnostics(plan, w), _months(plan, w),
        f"<footer>{_e(footer)}</footer>"])
    return Template(_template("report.html")).substitute(
        lang=_e(w.lang), dir="rtl" if w.rtl else "ltr", program=_e(report.program),
        title=_e(p.name), style=_template("report.css"), body=body)


__all__ = ["WEEK_MINUTES", "render"]
