"""The HTML report (explain.md): one self-contained file with inline CSS and SVG, no
script, font or image from elsewhere, readable with scripts off, printable on A4.

It lays out a :class:`report.Report`; it computes nothing about the plan. Every text a
reader sees goes through one :class:`Wording` (English here); another language plugs
in by passing a ``Wording`` whose methods translate (``text`` is a gettext-style
lookup of the English message followed by ``str.format``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from importlib import resources
from string import Template

from . import _zones
from ._vocab import Status
from .model import Rule, hhmm
from .outputs import Meeting, Option, Plan
from .report import WEEK_MINUTES, Report, Span, WeekStrip

REASON_WORDS = {
    "not-school-day": "not a school day",
    "outside-term": "outside term",
    "closure": "closed",
    "holiday": "holiday",
    "outside-hours": "outside hours",
    "busy": "busy",
}
STATUS_WORDS: dict[str, str] = {"scheduled": "scheduled", "moved": "moved",
                                "skipped": "skipped"}
#: The letter of each status (the cells never rely on colour alone).
STATUS_LETTERS: dict[str, str] = {"scheduled": "S", "moved": "M", "skipped": "X"}


class Wording:
    """Every reader-visible text of the report. ``translate`` maps an English message
    to the reader's language (gettext's ``gettext``; identity for English)."""

    def __init__(self, translate: Callable[[str], str] | None = None, lang: str = "en") -> None:
        self._translate = translate or (lambda s: s)
        self.lang = lang

    def text(self, message: str, **values: object) -> str:
        return self._translate(message).format(**values)

    def rule(self, rule: Rule) -> str:
        return rule.text

    def date(self, d: dt.date) -> str:
        return d.strftime("%a %d %b %Y")

    def short_date(self, d: dt.date) -> str:
        return d.strftime("%a %d %b")

    def month(self, month: str) -> str:
        y, m = (int(x) for x in month.split("-"))
        return dt.date(y, m, 1).strftime("%b %Y")

    def time(self, minutes: int) -> str:
        return hhmm(minutes % 1440)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _template(name: str) -> str:
    return resources.files("twinschedule").joinpath("templates", name).read_text("utf-8")


# ---- week strip ---------------------------------------------------------------------

_LABEL = 190  # px left of the axis
_HOUR = 24  # px per hour
_BAR = 12
_GAP = 3


def _bars(spans: tuple[Span, ...], day: int, y: int, cls: str) -> list[str]:
    out = []
    lo, hi = day * 1440, (day + 1) * 1440
    for s in spans:
        a, b = max(s.start, lo), min(s.end, hi)
        if a < b:
            x = _LABEL + (a - lo) * _HOUR / 60
            w = (b - a) * _HOUR / 60
            out.append(f'<rect class="{cls}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                       f'height="{_BAR}"/>')
    return out


def _week_svg(week: WeekStrip, w: Wording) -> str:
    runs = week.days or ((0, 4),)
    width = _LABEL + 24 * _HOUR + 24
    per_day = 16 + (len(week.rows) + 1) * (_BAR + _GAP) + 6
    top = 30
    height = top + per_day * len(runs) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="week-title">',
             f'<title id="week-title">{_e(w.text("Open windows in a typical week (UTC)"))}'
             '</title>',
             '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#009E73"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
             '</defs>',
             '<style>.open{fill:#56B4E9}.all{fill:url(#hatch)}.grid{stroke:#ddd}'
             '.meet{fill:none;stroke:#D55E00;stroke-width:3}.day{font-weight:600}</style>']
    bottom = height - 24
    axis = ['<g class="axis">',
            f'<text x="4" y="14">{_e(w.text("UTC"))}</text>',
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
        label = w.text("{day} (UTC)", day=w.short_date(day)) if d == last else w.text(
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
        parts.append(f'<text x="12" y="{y + 10}">{_e(w.text("All schools"))}</text>')
        parts.append(f'<rect x="{_LABEL}" y="{y}" width="{24 * _HOUR}" height="{_BAR}" '
                     'fill="#f4f4f4"/>')
        parts += _bars(week.overlap, d, y, "all")
        if week.meeting is not None and d * 1440 <= week.meeting.start < (d + 1) * 1440:
            mx = _LABEL + (week.meeting.start - d * 1440) * _HOUR / 60
            mw = max(3.0, (week.meeting.end - week.meeting.start) * _HOUR / 60)
            y0 = y - len(week.rows) * (_BAR + _GAP) - 2
            parts.append(f'<rect class="meet" x="{mx:.1f}" y="{y0}" width="{mw:.1f}" '
                         f'height="{(len(week.rows) + 1) * (_BAR + _GAP) + 1}"/>')
        y += _BAR + _GAP + 6
    parts.append("</svg>")
    return "".join(parts)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _week(report: Report, w: Wording) -> str:
    week = report.week
    if week.meeting is not None:
        note = w.text("The chosen meeting (outlined) on {day}, in the week of {monday}.",
                      day=w.date(week.monday + dt.timedelta(days=week.meeting.start // 1440)),
                      monday=w.date(week.monday))
    else:
        note = w.text("The week of {monday}.", monday=w.date(week.monday))
    legend = w.text("Blue: a school's hours on its school days. Green, hatched: every school "
                    "at once. Top axis UTC, bottom axis {zone}. Holidays and closures are "
                    "left out: this is the school week.", zone=week.anchor)
    return (f'<section class="week"><h2>{_e(w.text("A typical week"))}</h2>'
            f'<p class="sub">{_e(note)}</p><figure style="margin:0">{_week_svg(week, w)}'
            f'</figure><p class="legend">{_e(legend)}</p></section>')


# ---- year strip, options, suggestions, months ----------------------------------------


def _status(status: Status, w: Wording) -> str:
    return (f'<span class="st" title="{_e(w.text(STATUS_WORDS[status]))}">'
            f'{_e(STATUS_LETTERS[status])}</span>')


def _legend(w: Wording) -> str:
    items = "".join(f'<span class="{s}">{_status(s, w)}</span>{_e(w.text(STATUS_WORDS[s]))}'
                    for s in ("scheduled", "moved", "skipped"))
    dst = w.text("local time differs from the usual one (daylight saving)")
    return (f'<p class="legend">{items} <span class="dst">*</span> {_e(dst)}</p>')


def _year(report: Report, w: Wording) -> str:
    plan = report.plan
    if not report.year:
        return ""
    best = plan.options[0]
    names = {s.id: s.name for s in plan.partnership.schools}
    head = "".join(f"<th>{_e(w.month(m.month))}</th>" for m in best.meetings)
    rows = []
    for sid, cells in report.year:
        tds = []
        for c in cells:
            inner = _status(c.status, w)
            if c.local is not None:
                mark = '<span class="dst" title="{}">*</span>'.format(
                    _e(w.text("daylight saving"))) if c.shifted else ""
                inner += (f"<br>{_e(c.local.strftime('%a %d'))}<br>"
                          f"{_e(w.time(c.local.hour * 60 + c.local.minute))}{mark}")
            local = f' data-local="{_e(c.local.isoformat())}"' if c.local else ""
            tds.append(f'<td class="{c.status}" data-month="{_e(c.month)}"{local}>{inner}</td>')
        rows.append(f'<tr data-school="{_e(sid)}"><th class="school">{_e(names[sid])}</th>'
                    f'{"".join(tds)}</tr>')
    return (f'<section><h2>{_e(w.text("The year, school by school (local times)"))}</h2>'
            f'<table class="year"><thead><tr><th class="school"></th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{_legend(w)}</section>')


def _usual(option: Option, sid: str, w: Wording) -> str:
    return w.time(option.usual_time(sid))


def _options(plan: Plan, w: Wording) -> str:
    if not plan.options:
        return ""
    schools = plan.partnership.schools
    head = "".join(f"<th>{_e(x)}</th>" for x in (
        "#", w.text("Rule"), *(s.name for s in schools), w.text("Held"), w.text("Moved"),
        w.text("Skipped"), w.text("Drift"), w.text("Worst burden")))
    rows = []
    for o in plan.options:
        m = o.metrics
        cells = [f'<td class="num">{o.rank}</td>', f"<td>{_e(w.rule(o.rule))}</td>",
                 *(f"<td>{_e(_usual(o, s.id, w))}</td>" for s in schools),
                 *(f'<td class="num">{n}</td>' for n in (m.held, m.moved, m.skipped,
                                                         m.drift)),
                 f'<td class="num">{_e(w.text("{n} min", n=m.max_burden))}</td>']
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = w.text("Times are each school's usual local start. Drift: meetings not at a "
                  "school's usual time. Worst burden: the most minutes, summed over the "
                  "year, that one school's meetings lie from its preferred time.")
    return (f'<section><h2>{_e(w.text("Options"))}</h2><table><thead><tr>{head}</tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="legend">{_e(note)}</p></section>')


def _suggestions(plan: Plan, w: Wording) -> str:
    if not plan.suggestions:
        return ""
    items = "".join(f"<li>{_e(s.text)}</li>" for s in plan.suggestions)
    return (f'<section><h2>{_e(w.text("What would hold more meetings"))}</h2>'
            f'<p class="sub">{_e(w.text("One change at a time, each planned again in full."))}'
            f'</p><ul class="suggest">{items}</ul></section>')


def _reasons(m: Meeting, names: dict[str, str], w: Wording) -> str:
    return "; ".join(w.text("{school}: {reason} ({detail})", school=names[r.school],
                            reason=w.text(REASON_WORDS.get(r.reason, r.reason)),
                            detail=r.detail) for r in m.reasons)


def _months(plan: Plan, w: Wording) -> str:
    if not plan.options:
        return ""
    best = plan.options[0]
    anchor = _zones.get_zone(best.rule.anchor)  # the nominal date in the rule's own zone
    schools = plan.partnership.schools
    names = {s.id: s.name for s in schools}
    head = "".join(f"<th>{_e(x)}</th>" for x in (
        w.text("Month"), w.text("Status"), *(s.name for s in schools), w.text("Why")))
    rows = []
    for m in best.meetings:
        cells = [f'<td class="nowrap">{_e(w.month(m.month))}</td>',
                 f'<td class="{m.status} nowrap">{_status(m.status, w)} '
                 f"{_e(w.text(STATUS_WORDS[m.status]))}</td>"]
        for s in schools:
            when = m.local_start(s.id)
            cells.append(f'<td data-school="{_e(s.id)}">–</td>' if when is None else
                         f'<td class="nowrap" data-school="{_e(s.id)}" '
                         f'data-local="{_e(when.isoformat())}">{_e(w.short_date(when.date()))} '
                         f"{_e(w.time(when.hour * 60 + when.minute))}</td>")
        why = ""
        if m.status == "moved":
            why = w.text("moved from {day}: {reasons}",
                         day=w.short_date(m.nominal.astimezone(anchor).date()),
                         reasons=_reasons(m, names, w))
        elif m.status == "skipped":
            why = w.text("skipped: {reasons}", reasons=_reasons(m, names, w))
        cells.append(f'<td class="reasons">{_e(why)}</td>')
        rows.append(f'<tr data-month="{_e(m.month)}" data-status="{m.status}">'
                    f"{''.join(cells)}</tr>")
    return (f'<section><h2>{_e(w.text("Month by month (each school in its own local time)"))}'
            f'</h2><table class="months"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _diagnostics(plan: Plan, w: Wording) -> str:
    diag = plan.diagnostics
    if diag is None:
        return ""
    names = {s.id: s.name for s in plan.partnership.schools}
    ov = diag.weekly_overlap
    if ov.minutes:
        overlap = w.text("All schools' hours overlap for at most {n} minutes a week (UTC "
                         "{day} {start}-{end}); the meeting lasts {duration} minutes.",
                         n=ov.minutes, day=ov.weekday, start=w.time(ov.start or 0),
                         end=w.time(ov.end or 0), duration=plan.partnership.duration)
    else:
        overlap = w.text("The schools' hours never overlap in a school week.")
    items = [f"<li>{_e(overlap)}</li>"]
    nm = diag.near_miss
    if nm is not None:
        why = "; ".join(
            w.text("{school} rules it out in {n} of {total} months ({why})",
                   school=names[sid], n=n, total=nm.months,
                   why="; ".join(w.text("{reason}: {detail}",
                                        reason=w.text(REASON_WORDS.get(c.reason, c.reason)),
                                        detail=c.detail) for c in why) or "-")
            for sid, n, why in nm.failures if n)
        items.append("<li>" + _e(w.text("Closest: {rule}. {why}.", rule=w.rule(nm.rule),
                                        why=why)) + "</li>")
    return (f'<section><h2>{_e(w.text("Why no time fits"))}</h2><ul>{"".join(items)}</ul>'
            f"</section>")


def _headline(plan: Plan, w: Wording) -> str:
    if not plan.options:
        return (f'<p class="headline none">{_e(w.text("No meeting time fits every school."))}'
                "</p>")
    best = plan.options[0]
    return (f'<p class="headline"><strong>{_e(w.rule(best.rule))}</strong><br>'
            f"{_e(w.text('{held} of {months} meetings held ({moved} moved, {skipped} skipped).', held=best.metrics.held, months=len(best.meetings), moved=best.metrics.moved, skipped=best.metrics.skipped))}"  # noqa: E501
            "</p>")


def render(report: Report, wording: Wording | None = None) -> str:
    """The report as one HTML document."""
    w = wording or Wording()
    plan = report.plan
    p = plan.partnership
    sub = w.text("{start} to {end} · {duration}-minute meetings · {n} schools: {names}",
                 start=w.date(p.start), end=w.date(p.end), duration=p.duration,
                 n=len(p.schools), names=", ".join(f"{s.name} ({s.timezone})"
                                                   for s in p.schools))
    footer = w.text("Time zone data {tzdata} · holidays {holidays} · made {made} · "
                    "{program}", tzdata=report.tzdata,
                    holidays=report.holidays,
                    made=report.made.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    program=report.program)
    body = "".join([
        f"<header><h1>{_e(p.name)}</h1><p class=\"sub\">{_e(sub)}</p>"
        f"{_headline(plan, w)}</header>",
        _week(report, w), _year(report, w), _options(plan, w), _suggestions(plan, w),
        _diagnostics(plan, w), _months(plan, w),
        f"<footer>{_e(footer)}</footer>"])
    return Template(_template("report.html")).substitute(
        lang=_e(w.lang), program=_e(report.program), title=_e(p.name),
        style=_template("report.css"), body=body)


__all__ = ["WEEK_MINUTES", "Wording", "render"]
