"""The readable network plan: each option's rule, counts, month-by-month attendance,
the schools never reached (each with its main reason and the session's local time
against its hours) and the repeat session; diagnostics when no rule works.
Lines fit in 100 columns (wide characters count two), wrapped as the plan's text wraps.

Every text is worded through one :class:`i18n.Words`, the reader's language (``lang``,
else the network's ``language``): sentences from the catalogs, counts in their plural
forms (``i18n.counts``), sessions' dates and times in CLDR's forms. Months are written
``YYYY-MM`` (as in the JSON) and the network's own dates in ISO 8601.
"""

from __future__ import annotations

import datetime as dt

from twinschedule._tz import zones as _zones
from twinschedule._vocab import NAMED_REASONS, weekday_of
from twinschedule.core.plan import Diagnostics
from twinschedule.i18n.counts import (
    ATTENDANCE,
    BOTH,
    CANDIDATES,
    MINUTES,
    MONTHS,
    MORE_SCHOOLS,
    PAIRS,
    REACHED,
    SCHOOLS,
    count,
)
from twinschedule.i18n.words import Nn_, Words, words
from twinschedule.model import Network
from twinschedule.network.outputs import (
    NetworkMonth,
    NetworkOption,
    NetworkPlan,
    Session,
    main_reason,
)
from twinschedule.render.text import text_width, wrap

WIDTH = 100
SHOW_SCHOOLS = 24  # schools named in a list before "and N more"
#: "; and 126 more (see --json)" after the schools named in a list.
MORE_SEE_JSON = Nn_("and {count} more (see --json)", "and {count} more (see --json)")


def percent(w: Words, part: int, whole: int) -> str:
    """``part / whole`` as a whole percentage in ``w``'s form (``91%``), ``-`` of none."""
    return w.percent(part / whole) if whole else "-"


def _list(n: Network, ids: tuple[str, ...], indent: str, w: Words) -> list[str]:
    names = {s.id: s for s in n.schools}
    shown = [w._("{school} ({zone})", school=names[i].name, zone=names[i].timezone)
             for i in ids[:SHOW_SCHOOLS]]
    if len(ids) > SHOW_SCHOOLS:
        shown.append(w.n_(*MORE_SEE_JSON, len(ids) - SHOW_SCHOOLS,
                          count=len(ids) - SHOW_SCHOOLS))
    return wrap("; ".join(shown), WIDTH, indent, indent)


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - text_width(text))


def _never(n: Network, o: NetworkOption, w: Words, indent: str) -> list[str]:
    """The schools never reached, one each: its main reason, in how many months, and
    when the session starts on its clock against its hours that day
    (``outside hours in 10 of 10 months; starts Wed 01:00 local (ends 02:00), hours
    08:00-15:00``)."""
    schools = {s.id: s for s in n.schools}
    lines: list[str] = []
    for sid in o.never[:SHOW_SCHOOLS]:
        s = schools[sid]
        missed = o.misses(sid)
        code, k, first = main_reason(missed)
        what = w.reason(code)
        named = next((r.detail for r in first.reasons if r.reason == code), "")
        if code in NAMED_REASONS and named:
            what = f"{what} ({named})"
        zone = _zones.get_zone(s.timezone)
        local = first.start.astimezone(zone)
        ends = (first.start + dt.timedelta(minutes=n.duration)).astimezone(zone)
        hours = w.join([str(x) for x in s.windows_on(weekday_of(local.date()))]) or "-"
        start = f"{w.short_date(local.date())} {w.time(_wall(local))}"
        text = w._("{school} ({zone}): {reason} in {count} of {months}; starts {start} local "
                   "(ends {end}), hours {hours}", school=s.name, zone=s.timezone,
                   reason=what, count=w.number(k), months=count(w, MONTHS, len(missed)),
                   start=start, end=w.time(_wall(ends)), hours=hours)
        lines += wrap(text, WIDTH, indent, indent + "  ")
    if len(o.never) > SHOW_SCHOOLS:
        more = len(o.never) - SHOW_SCHOOLS
        lines.append(indent + w.n_(*MORE_SEE_JSON, more, count=more))
    return lines


def _wall(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def _months(n: Network, months: tuple[NetworkMonth, ...], indent: str, w: Words) -> list[str]:
    anchor = _zones.get_zone(n.anchor)
    total = len(n.schools)
    head = (w._("Month"), w._("Session, {zone} time", zone=n.anchor), w._("Attending"))
    rows = []
    for m in months:
        local = m.start.astimezone(anchor)
        rows.append((m.month, f"{w.short_date(local.date())} "
                              f"{w.time(local.hour * 60 + local.minute)}",
                     w._("{part} of {whole} ({percent})", part=len(m.attending), whole=total,
                         percent=percent(w, len(m.attending), total))))
    first = max(9, *(text_width(r[0]) + 2 for r in (head, *rows)))
    second = max(40, *(text_width(r[1]) + 2 for r in (head, *rows)))
    return [f"{indent}{_pad(a, first)}{_pad(b, second)}{c}" for a, b, c in (head, *rows)]


def _session(n: Network, s: Session, w: Words) -> list[str]:
    lines = [f"  {w._('Repeat session: {rule}', rule=w.rule(s.rule))}",
             *wrap(w._("adds {pairs} the first session misses (its own attendance "
                       "{attendance}),", pairs=count(w, PAIRS, s.extra),
                       attendance=s.attendance), WIDTH, "    "),
             *wrap(w._("{pairs} with both sessions", pairs=count(w, BOTH, s.combined)),
                   WIDTH, "    ")]
    lines += _months(n, s.months, "    ", w)
    if s.never:
        lines.append("    " + w._("Still never reached by either session ({count}):",
                                  count=len(s.never)))
        lines += _list(n, s.never, "      ", w)
    else:
        lines.append("    " + w._("Every school is reached by one of the two sessions."))
    return lines


def render_option(plan: NetworkPlan, o: NetworkOption, w: Words | None = None) -> list[str]:
    n = plan.network
    m = o.metrics
    w = w or words(n.language)
    lines = [w._("Option {rank}: {rule}", rank=o.rank, rule=w.rule(o.rule)),
             *wrap(w._("attendance {attendance} ({percent}), worst month {worst},",
                       attendance=count(w, ATTENDANCE, m.possible, attendance=m.attendance),
                       percent=percent(w, m.attendance, m.possible),
                       worst=count(w, SCHOOLS, m.worst_month)), WIDTH, "  "),
             *wrap(w._("reached {reached}, burden {burden} in all",
                       reached=count(w, REACHED, len(n.schools), reached=m.reached),
                       burden=w.minutes(m.burden)), WIDTH, "  ")]
    lines += _months(n, o.months, "  ", w)
    if o.never:
        lines.append("  " + w._("Never reached ({count}):", count=len(o.never)))
        lines += _never(n, o, w, "    ")
    else:
        lines.append("  " + w._("Every school attends at least one month."))
    if o.repeat is not None:
        lines += _session(n, o.repeat, w)
    return lines


def _diagnostics(n: Network, d: Diagnostics, w: Words) -> list[str]:
    lines = [w._("No rule can be attended by any school in any month."),
             w._("How often each condition ruled out each school (over every candidate and "
                 "month):")]
    names = {s.id: s.name for s in n.schools}
    for sid, codes in d.ruled_out[:SHOW_SCHOOLS]:
        text = ", ".join(w._("{reason} {count}", reason=w.reason(c), count=k)
                         for c, k in codes) or "-"
        lines += wrap(w._("{school}: {reasons}", school=names[sid], reasons=text), WIDTH,
                      "  ", "    ")
    if len(d.ruled_out) > SHOW_SCHOOLS:
        more = count(w, MORE_SCHOOLS, len(d.ruled_out) - SHOW_SCHOOLS)
        lines.append("  " + w._("and {more} (see --json)", more=more))
    ov = d.weekly_overlap
    if ov.minutes and ov.weekday and ov.start is not None and ov.end is not None:
        lines += wrap(w._("The schools' windows overlap at most {minutes} a week ({weekday} "
                          "{start}-{end} UTC).", minutes=count(w, MINUTES, ov.minutes),
                          weekday=w.weekday(ov.weekday), start=w.time(ov.start),
                          end=w.time(ov.end)), WIDTH)
    else:
        lines += wrap(w._("The schools' windows never overlap: try fewer schools or wider "
                          "hours."), WIDTH)
    return lines


def render(plan: NetworkPlan, *, lang: str | None = None) -> str:
    """The network plan as text in ``lang`` (a BCP 47 tag; default the network's
    ``language``)."""
    n = plan.network
    w = words(lang or n.language)
    summary = w._("{network} ({id}): {schools}, {months}, {start} to {end}. "
                  "{duration}-minute sessions, clock time fixed in {anchor}; {candidates}; "
                  "time zone data {tzdata}.", network=n.name, id=n.id,
                  schools=count(w, SCHOOLS, len(n.schools)),
                  months=count(w, MONTHS, plan.months), start=n.start.isoformat(),
                  end=n.end.isoformat(), duration=n.duration, anchor=n.anchor,
                  candidates=count(w, CANDIDATES, plan.candidates), tzdata=plan.tzdata)
    head = [*wrap(summary, WIDTH), ""]
    body: list[str] = []
    for o in plan.options:
        body += [*render_option(plan, o, w), ""]
    if plan.diagnostics is not None:
        body += [*_diagnostics(n, plan.diagnostics, w), ""]
    return "\n".join(w.line(x) for x in head + body)
