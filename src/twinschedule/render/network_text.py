"""The readable network plan: each option's rule, counts, month-by-month attendance,
the schools never reached and the repeat session; diagnostics when no rule works.
Lines fit in 100 columns."""

from __future__ import annotations

import textwrap

from twinschedule._tz import zones as _zones
from twinschedule.core.plan import Diagnostics
from twinschedule.i18n.words import words
from twinschedule.model import Network, hhmm
from twinschedule.network.outputs import NetworkMonth, NetworkOption, NetworkPlan, Session
from twinschedule.render.text import REASON_WORDS

WIDTH = 100
SHOW_SCHOOLS = 24  # schools named in a list before "and N more"


def count(n: int, noun: str) -> str:
    """``1 month``, ``2 months``: an English count (the network outputs are English)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _list(n: Network, ids: tuple[str, ...], indent: str) -> list[str]:
    names = {s.id: s for s in n.schools}
    shown = [f"{names[i].name} ({names[i].timezone})" for i in ids[:SHOW_SCHOOLS]]
    text = "; ".join(shown)
    if len(ids) > SHOW_SCHOOLS:
        text += f"; and {len(ids) - SHOW_SCHOOLS} more (see --json)"
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


def _months(n: Network, months: tuple[NetworkMonth, ...], indent: str) -> list[str]:
    anchor = _zones.get_zone(n.anchor)
    total = len(n.schools)
    lines = [f"{indent}{'Month':<9}{'Session, ' + n.anchor + ' time':<40}Attending"]
    for m in months:
        local = m.start.astimezone(anchor)
        lines.append(f"{indent}{m.month:<9}{local:%a %d %b %H:%M}{'':<24}"
                     f"{len(m.attending)} of {total} ({_pct(len(m.attending), total)})")
    return lines


def _session(n: Network, s: Session) -> list[str]:
    lines = [f"  Repeat session: {s.rule.text}",
             f"    adds {s.extra} (school, month) pairs the first session misses "
             f"(its own attendance {s.attendance}),",
             f"    {s.combined} pairs with both sessions"]
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
    lines = [f"Option {o.rank}: {o.rule.text}",
             f"  attendance {m.attendance} of {m.possible} (school, month) pairs "
             f"({_pct(m.attendance, m.possible)}), worst month {count(m.worst_month, 'school')},",
             f"  reached {m.reached} of {len(n.schools)} schools, burden "
             f"{words('en').minutes(m.burden)} in all"]
    lines += _months(n, o.months, "  ")
    if o.never:
        lines.append(f"  Never reached ({len(o.never)}):")
        lines += _list(n, o.never, "    ")
    else:
        lines.append("  Every school attends at least one month.")
    if o.repeat is not None:
        lines += _session(n, o.repeat)
    return lines


def _diagnostics(n: Network, d: Diagnostics) -> list[str]:
    lines = ["No rule can be attended by any school in any month.",
             "How often each condition ruled out each school (over every candidate and month):"]
    names = {s.id: s.name for s in n.schools}
    for sid, codes in d.ruled_out[:SHOW_SCHOOLS]:
        text = ", ".join(f"{REASON_WORDS.get(c, c)} {k}" for c, k in codes) or "-"
        lines += textwrap.wrap(f"{names[sid]}: {text}", WIDTH, initial_indent="  ",
                               subsequent_indent="    ")
    if len(d.ruled_out) > SHOW_SCHOOLS:
        lines.append(f"  and {len(d.ruled_out) - SHOW_SCHOOLS} more schools (see --json)")
    w = d.weekly_overlap
    if w.minutes and w.start is not None and w.end is not None:
        lines.append(f"The schools' windows overlap at most {w.minutes} minutes a week "
                     f"({w.weekday} {hhmm(w.start)}-{hhmm(w.end)} UTC).")
    else:
        lines.append("The schools' windows never overlap: try fewer schools or wider hours.")
    return lines


def render(plan: NetworkPlan) -> str:
    n = plan.network
    summary = (f"{n.name} ({n.id}): {len(n.schools)} schools, {count(plan.months, 'month')}, "
               f"{n.start} to {n.end}. {n.duration}-minute sessions, clock time fixed in "
               f"{n.anchor}; {plan.candidates} candidate rules; time zone data "
               f"{plan.tzdata}.")
    head = [*textwrap.wrap(summary, WIDTH, break_on_hyphens=False), ""]
    body: list[str] = []
    for o in plan.options:
        body += [*render_option(plan, o), ""]
    if plan.diagnostics is not None:
        body += [*_diagnostics(n, plan.diagnostics), ""]
    return "\n".join(head + body)
