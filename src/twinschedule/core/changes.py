"""What changed since the last plan, in the reader's words (agreement.md): one headline
per change and, under it, each school's meeting in its own local time, before and
after. Used by the text output and by the invitations' messages (as
``core/suggest.say`` words the suggestions for both)::

    say(plan.partnership, change, words("es"))
    # ("marzo de 2027: trasladada (Colegio Lima: cerrado (Teacher training))",
    #  ["Colegio Lima: jue, 25 mar 18:00 (antes jue, 18 mar 18:00)", ...])
"""

from __future__ import annotations

from twinschedule._tz import zones as _zones
from twinschedule.core.plan import Change, Meeting
from twinschedule.i18n.reasons import names as reason_names
from twinschedule.i18n.words import Words
from twinschedule.model import Partnership, School

#: Reasons whose detail is a name (a holiday, a closure, a busy event) shown as it is.
NAMED_REASONS = ("holiday", "closure", "busy")


def when(w: Words, m: Meeting, school: School) -> str | None:
    """``"Thu, Mar 25 18:00"``: a held meeting in the school's local date and time."""
    if m.start is None:
        return None
    local = m.local_start(school.id) or m.start.astimezone(_zones.get_zone(school.timezone))
    return f"{w.short_date(local.date())} {w.time(local.hour * 60 + local.minute)}"


def reasons(p: Partnership, m: Meeting, w: Words) -> str:
    """Why a meeting moved or was skipped: ``"Colegio Lima: closed (Teacher training)"``."""
    names = {s.id: s.name for s in p.schools}
    parts = []
    for r in m.reasons:
        what = w.reason(r.reason)
        if r.detail and r.reason in NAMED_REASONS:
            what = f"{what} ({reason_names(w, r)})"
        parts.append(w._("{school}: {reason}", school=names.get(r.school, r.school),
                         reason=what))
    return "; ".join(parts)


def headline(p: Partnership, c: Change, w: Words) -> str:
    """The change in one line, in the reader's language."""
    if c.rules is not None:
        return w._("The rule changed from {before} to {after}.", before=w.rule(c.rules[0]),
                   after=w.rule(c.rules[1]))
    month = w.month(c.month or "")
    why = reasons(p, c.after, w) if c.after is not None else ""
    if c.change == "moved":
        return (w._("{month}: moved ({reasons})", month=month, reasons=why) if why
                else w._("{month}: moved", month=month))
    if c.change == "skipped":
        return (w._("{month}: cancelled ({reasons})", month=month, reasons=why) if why
                else w._("{month}: cancelled", month=month))
    if c.change == "restored":
        return w._("{month}: held again", month=month)
    if c.change == "added":
        return w._("{month}: added to the plan", month=month)
    return w._("{month}: no longer in the plan", month=month)


def school_line(c: Change, school: School, w: Words) -> str | None:
    """The school's meeting of that month after (and before) the change, in its own
    local time; None when it has neither."""
    after = when(w, c.after, school) if c.after is not None else None
    before = when(w, c.before, school) if c.before is not None else None
    if after is not None and before is not None:
        return w._("{school}: {after} (was {before})", school=school.name, after=after,
                   before=before)
    if after is not None:
        return w._("{school}: {time}", school=school.name, time=after)
    if before is not None:
        return w._("{school}: was {before}", school=school.name, before=before)
    return None


def say(p: Partnership, c: Change, w: Words, schools: tuple[School, ...] | None = None
        ) -> tuple[str, list[str]]:
    """The headline and one line per school (``schools``, default every school)."""
    lines = [x for s in (schools if schools is not None else p.schools)
             if (x := school_line(c, s, w)) is not None]
    return headline(p, c, w), lines

