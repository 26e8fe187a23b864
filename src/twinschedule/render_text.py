"""The readable plan: a table of options and the best option month by month."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from . import _zones
from .calendar import wall_time
from .model import Partnership, hhmm
from .outputs import Diagnostics, Meeting, Option, Plan

REASON_WORDS = {
    "not-school-day": "not a school day",
    "outside-term": "outside term",
    "closure": "closed",
    "holiday": "holiday",
    "outside-hours": "outside hours",
    "busy": "busy",
}


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in rows]


def _minutes(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def _times(option: Option, school_id: str) -> str:
    usual = option.usual_time(school_id)
    others: Counter[int] = Counter()
    for m in option.meetings:
        when = m.local_start(school_id)
        if when is not None and _minutes(when) != usual:
            others[_minutes(when)] += 1
    text = hhmm(usual)
    if others:
        text += " (" + ", ".join(f"{hhmm(t)} x{n}" for t, n in sorted(others.items())) + ")"
    return text


def _names(p: Partnership) -> dict[str, str]:
    return {s.id: s.name for s in p.schools}


def render_options(plan: Plan) -> list[str]:
    p = plan.partnership
    head = ["#", "Rule", *[s.name for s in p.schools], "Held", "Moved", "Skipped", "Drift",
            "Worst burden"]
    rows = [head]
    for o in plan.options:
        m = o.metrics
        rows.append([str(o.rank), o.rule.text, *[_times(o, s.id) for s in p.schools],
                     str(m.held), str(m.moved), str(m.skipped), str(m.drift),
                     f"{m.max_burden} min"])
    return _table(rows)


def _reasons(meeting: Meeting, names: dict[str, str]) -> str:
    return "; ".join(f"{names[r.school]}: {REASON_WORDS.get(r.reason, r.reason)} ({r.detail})"
                     for r in meeting.reasons)


def render_meetings(plan: Plan, option: Option) -> list[str]:
    p = plan.partnership
    names = _names(p)
    rows = [["Month", "Status", *[s.name for s in p.schools], "Notes"]]
    for m in option.meetings:
        notes: list[str] = []
        cells: list[str] = []
        for s in p.schools:
            when = m.local_start(s.id)
            if when is None:
                cells.append("-")
                continue
            cell = when.strftime("%a %d %b %H:%M")
            usual = option.usual_time(s.id)
            if _minutes(when) != usual:
                cell += " *"
                notes.append(f"{s.name} at {when:%H:%M} instead of {hhmm(usual)} "
                             f"(daylight saving)")
            cells.append(cell)
        if m.status == "moved":
            nominal = m.nominal.astimezone(_zones.get_zone(option.rule.anchor))
            notes.insert(0, f"moved from {nominal:%a %d %b}: {_reasons(m, names)}")
        elif m.status == "skipped":
            notes.insert(0, f"skipped: {_reasons(m, names)}")
        rows.append([m.month, m.status, *cells, "; ".join(notes)])
    return _table(rows)


def render_diagnostics(plan: Plan, diag: Diagnostics) -> list[str]:
    p = plan.partnership
    names = _names(p)
    lines = ["No meeting time fits every school: no candidate rule holds a single meeting.", ""]
    lines.append("How often each school ruled out a candidate meeting:")
    for sid, codes in diag.ruled_out:
        parts = ", ".join(f"{REASON_WORDS.get(c, c)} {n}" for c, n in codes) or "never"
        lines.append(f"  {names[sid]}: {parts}")
    w = diag.weekly_overlap
    lines.append("")
    if w.minutes == 0:
        lines.append("Their meeting windows never overlap. In UTC, on a typical school day:")
        for s in p.schools:
            zone = _zones.get_zone(s.timezone)
            day = p.start
            spans = []
            for win in s.hours:
                a = wall_time(zone, day, win.start).astimezone(dt.UTC)
                b = wall_time(zone, day, win.end).astimezone(dt.UTC)
                spans.append(f"{win} {s.timezone} is {a:%H:%M}-{b:%H:%M} UTC")
            lines.append(f"  {s.name}: " + "; ".join(spans))
        lines.append("Widen a school's hours (e.g. an after-school slot) or plan with fewer "
                     "schools.")
    else:
        lines.append(f"All schools' windows overlap for at most {w.minutes} minutes a week "
                     f"(UTC {w.weekday} {hhmm(w.start or 0)}-{hhmm(w.end or 0)}); the "
                     f"meeting lasts {p.duration}. Shorten the meeting or widen the hours.")
    return lines


def render_near_miss(plan: Plan) -> list[str]:
    """The near miss of an infeasible plan: the rule that fails in the fewest months."""
    nm = plan.diagnostics.near_miss if plan.diagnostics else None
    if nm is None:
        return []
    names = _names(plan.partnership)
    lines = ["", f"Closest: {nm.rule.text}, ruled out in {nm.failed} of {nm.months} months:"]
    for sid, n, why in nm.failures:
        if n:
            lines.append(f"  {names[sid]} in {n} months ("
                         + "; ".join(f"{REASON_WORDS.get(c.reason, c.reason)}: {c.detail}"
                                     for c in why) + ")")
    return lines


def render_suggestions(plan: Plan) -> list[str]:
    """The suggestions' texts (explain.md), under the options; nothing when none helps."""
    if not plan.suggestions:
        return []
    return ["", "What would hold more meetings (one change at a time):",
            *(f"  - {s.text}" for s in plan.suggestions)]


def render(plan: Plan) -> str:
    p = plan.partnership
    lines = [f"{p.name} ({p.id})",
             f"Horizon {p.start} to {p.end}; {p.duration}-minute meetings; "
             f"{len(p.schools)} schools; time zone data {plan.tzdata}", ""]
    if not plan.options:
        lines.extend(render_diagnostics(plan, plan.diagnostics) if plan.diagnostics else [])
        lines.extend(render_near_miss(plan) + render_suggestions(plan))
        return "\n".join(lines) + "\n"
    lines.append("Options (times are each school's usual local start; others in brackets):")
    lines.extend(render_options(plan))
    lines.extend(render_suggestions(plan))
    best = plan.options[0]
    lines += ["", f"Option 1 month by month: {best.rule.text}", "(* local time differs from "
              "the school's usual time)"]
    lines.extend(render_meetings(plan, best))
    return "\n".join(lines) + "\n"
