"""The readable network plan: each option's rule, counts, month-by-month attendance,
the schools never reached (each with its main reason and the session's local time
against its hours) and the repeat session; diagnostics when no rule works.
Lines fit in 100 columns (wide characters count two), wrapped as the plan's text wraps.

The network text is English (its sentences are not in the catalogs yet), but every
count of something goes through the catalogs' plural forms (``i18n.counts``, with
``Words.n_``), as in the plan's text: ``1 month``, ``2 months``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from twinschedule._tz import zones as _zones
from twinschedule._vocab import NAMED_REASONS, REASONS, weekday_of
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
from twinschedule.i18n.words import Words, words
from twinschedule.model import Network, hhmm
from twinschedule.network.outputs import (
    Missed,
    NetworkMonth,
    NetworkOption,
    NetworkPlan,
    Session,
)
from twinschedule.render.text import REASON_WORDS, wrap

WIDTH = 100
SHOW_SCHOOLS = 24  # schools named in a list before "and N more"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _list(n: Network, ids: tuple[str, ...], indent: str) -> list[str]:
    names = {s.id: s for s in n.schools}
    shown = [f"{names[i].name} ({names[i].timezone})" for i in ids[:SHOW_SCHOOLS]]
    text = "; ".join(shown)
    if len(ids) > SHOW_SCHOOLS:
        text += f"; and {len(ids) - SHOW_SCHOOLS} more (see --json)"
    return wrap(text, WIDTH, indent, indent)


def main_reason(missed: tuple[Missed, ...]) -> tuple[str, int, Missed]:
    """A school's main reason for missing: the condition failing in the most of its
    missed months (ties in planning.md's order of the conditions), how many months it
    fails in, and the first of them."""
    months = Counter(code for m in missed for code in dict.fromkeys(r.reason for r in m.reasons))
    code = min(months, key=lambda c: (-months[c], REASONS.index(c)))
    first = next(m for m in missed if any(r.reason == code for r in m.reasons))
    return code, months[code], first


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
        hours = ", ".join(str(x) for x in s.windows_on(weekday_of(local.date()))) or "none"
        text = (f"{s.name} ({s.timezone}): {what} in {k} of {count(w, MONTHS, len(missed))};"
                f" starts {local:%a %H:%M} local (ends {ends:%H:%M}), hours {hours}")
        lines += wrap(text, WIDTH, indent, indent + "  ")
    if len(o.never) > SHOW_SCHOOLS:
        lines.append(f"{indent}and {count(w, MORE_SCHOOLS, len(o.never) - SHOW_SCHOOLS)} "
                     f"(see --json: missed)")
    return lines


def _months(n: Network, months: tuple[NetworkMonth, ...], indent: str) -> list[str]:
    anchor = _zones.get_zone(n.anchor)
    total = len(n.schools)
    lines = [f"{indent}{'Month':<9}{'Session, ' + n.anchor + ' time':<40}Attending"]
    for m in months:
        local = m.start.astimezone(anchor)
        lines.append(f"{indent}{m.month:<9}{local:%a %d %b %H:%M}{'':<24}"
                     f"{len(m.attending)} of {total} ({_pct(len(m.attending), total)})")
    return lines


def _session(n: Network, s: Session, w: Words) -> list[str]:
    lines = [f"  Repeat session: {s.rule.text}",
             f"    adds {count(w, PAIRS, s.extra)} the first session misses "
             f"(its own attendance {s.attendance}),",
             f"    {count(w, BOTH, s.combined)} with both sessions"]
    lines += _months(n, s.months, "    ")
    if s.never:
        lines.append(f"    Still never reached by either session ({len(s.never)}):")
        lines += _list(n, s.never, "      ")
    else:
        lines.append("    Every school is reached by one of the two sessions.")
    return lines


def render_option(plan: NetworkPlan, o: NetworkOption) -> list[str]:
    n = plan.network
    m = o.metrics
    w = words("en")
    lines = [f"Option {o.rank}: {o.rule.text}",
             f"  attendance {count(w, ATTENDANCE, m.possible, attendance=m.attendance)} "
             f"({_pct(m.attendance, m.possible)}), worst month "
             f"{count(w, SCHOOLS, m.worst_month)},",
             f"  reached {count(w, REACHED, len(n.schools), reached=m.reached)}, burden "
             f"{w.minutes(m.burden)} in all"]
    lines += _months(n, o.months, "  ")
    if o.never:
        lines.append(f"  Never reached ({len(o.never)}):")
        lines += _never(n, o, w, "    ")
    else:
        lines.append("  Every school attends at least one month.")
    if o.repeat is not None:
        lines += _session(n, o.repeat, w)
    return lines


def _diagnostics(n: Network, d: Diagnostics, w: Words) -> list[str]:
    lines = ["No rule can be attended by any school in any month.",
             "How often each condition ruled out each school (over every candidate and month):"]
    names = {s.id: s.name for s in n.schools}
    for sid, codes in d.ruled_out[:SHOW_SCHOOLS]:
        text = ", ".join(f"{REASON_WORDS.get(c, c)} {k}" for c, k in codes) or "-"
        lines += wrap(f"{names[sid]}: {text}", WIDTH, "  ", "    ")
    if len(d.ruled_out) > SHOW_SCHOOLS:
        more = count(w, MORE_SCHOOLS, len(d.ruled_out) - SHOW_SCHOOLS)
        lines.append(f"  and {more} (see --json)")
    ov = d.weekly_overlap
    if ov.minutes and ov.start is not None and ov.end is not None:
        lines += wrap(f"The schools' windows overlap at most {count(w, MINUTES, ov.minutes)} "
                      f"a week ({ov.weekday} {hhmm(ov.start)}-{hhmm(ov.end)} UTC).", WIDTH)
    else:
        lines.append("The schools' windows never overlap: try fewer schools or wider hours.")
    return lines


def render(plan: NetworkPlan) -> str:
    n = plan.network
    w = words("en")
    summary = (f"{n.name} ({n.id}): {count(w, SCHOOLS, len(n.schools))}, "
               f"{count(w, MONTHS, plan.months)}, {n.start} to {n.end}. {n.duration}-minute "
               f"sessions, clock time fixed in {n.anchor}; "
               f"{count(w, CANDIDATES, plan.candidates)}; time zone data {plan.tzdata}.")
    head = [*wrap(summary, WIDTH), ""]
    body: list[str] = []
    for o in plan.options:
        body += [*render_option(plan, o), ""]
    if plan.diagnostics is not None:
        body += [*_diagnostics(n, plan.diagnostics, w), ""]
    return "\n".join(head + body)
