"""The readable plan: the options and the best option month by month.

Every word goes through ``i18n`` (the partnership's ``language``, or the ``lang`` the
caller gives, e.g. ``--lang``), and every line fits ``width`` columns (``COLUMNS`` at the
command line, default 100) whatever the number of schools: the month table is shown
only when it fits, else one block per month, and long lines are wrapped.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import NAMED_REASONS as NAMED_REASONS  # (render/html reads it here)
from twinschedule.core.calendar import centre
from twinschedule.core.plan import Cause, Diagnostics, Meeting, Option, Plan
from twinschedule.i18n.reasons import detail
from twinschedule.i18n.reasons import names as reason_names
from twinschedule.i18n.words import FSI, PDI, REASONS, Words, words
from twinschedule.model import Conflict, Partnership, School

DEFAULT_WIDTH = 100
MIN_WIDTH = 40
#: The reason codes in English words (the catalogs' msgids; ``Words.reason`` translates).
REASON_WORDS = REASONS


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two, marks and
    format characters (isolates) none."""
    n = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def wrap(text: str, width: int, indent: str = "", rest: str | None = None) -> list[str]:
    """``text`` wrapped at spaces to ``width`` columns (a word wider than a line is cut),
    the first line after ``indent``, the others after ``rest`` (default: as wide)."""
    rest = " " * text_width(indent) if rest is None else rest
    lines: list[str] = []
    line = indent
    empty = True
    for word in text.split(" "):
        lead = "" if empty else " "
        if text_width(line + lead + word) <= width:
            line += lead + word
            empty = False
            continue
        if not empty:
            lines.append(line)
            line, empty = rest, True
        while text_width(line + word) > width:  # a word longer than a line
            room = width - text_width(line)
            cut = 0
            while cut < len(word) and text_width(word[:cut + 1]) <= room:
                cut += 1
            cut = max(cut, 1)
            lines.append(line + word[:cut])
            line, word = rest, word[cut:]
        line += word
        empty = not word
    if not empty or not lines:
        lines.append(line)
    return _close_isolates([x.rstrip() for x in lines])


def _close_isolates(lines: list[str]) -> list[str]:
    """Each wrapped line closes the directional isolates it opens (and the next one opens
    them again), so every line stands alone in right-to-left text."""
    out = []
    depth = 0
    for line in lines:
        opened = depth
        for ch in line:
            if ch == FSI:
                depth += 1
            elif ch == PDI and depth:
                depth -= 1
        out.append(FSI * opened + line + PDI * depth)
    return out


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(text_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c + " " * (w - text_width(c))
                      for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _minutes(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


#: The labels of an alternation's two rules (in the options and the month table).
RULE_LABELS = ("A", "B")
#: The mark of a stretch meeting in the month table.
STRETCH_MARK = "+"


def _times(option: Option, school_id: str, w: Words) -> str:
    """The school's usual time and the others with how often; for an alternation, per
    rule (``A: ...; B: ...``)."""
    if option.kind != "alternating":
        return _times_of(option, school_id, w, None)
    return "; ".join(f"{label}: {_times_of(option, school_id, w, r)}"
                     for r, label in enumerate(RULE_LABELS))


def _times_of(option: Option, school_id: str, w: Words, rule: int | None) -> str:
    usual = option.usual_time(school_id) if rule is None else dict(
        option.usual_by_rule[rule])[school_id]
    others: Counter[int] = Counter()
    for m in option.meetings:
        when = m.local_start(school_id)
        if when is not None and m.rule == rule and _minutes(when) != usual:
            others[_minutes(when)] += 1
    text = w.time(usual)
    if others:
        text += " (" + ", ".join(w._("{time} {count}\u00d7", time=w.time(t), count=n)
                                 for t, n in sorted(others.items())) + ")"
    return text


def rule_lines(option: Option, w: Words) -> list[str]:
    """The option's rule in words; for an alternation a heading and each rule with its
    label and months (also the report's and the feeds')."""
    if option.kind != "alternating":
        return [w.capital(w.rule(option.rule))]
    out = [w._("Taking turns, month by month:")]
    for r, (label, rule) in enumerate(zip(RULE_LABELS, option.rules, strict=True)):
        months = [w.short_month(m.month) for m in option.meetings if m.rule == r]
        out.append(f"{label}: " + w._("{rule}, in {months}", rule=w.rule(rule),
                                      months=w.join(months)))
    return out


def stretch_line(plan: Plan, option: Option, w: Words) -> str | None:
    """How many meetings each school holds outside its usual hours (None without
    stretch hours)."""
    if option.metrics.stretch is None:
        return None
    names = _names(plan.partnership)
    counts = w.join([w._("{school}: {count}", school=names[sid], count=w.number(n))
                     for sid, n in option.metrics.stretch])
    return w._("outside usual hours (stretch hours): {counts}", counts=counts)


def _names(p: Partnership) -> dict[str, str]:
    return {s.id: s.name for s in p.schools}


def _preferred(p: Partnership, school_id: str) -> int:
    """The school's ``prefer``, else the start centring the meeting in its usual
    ``hours`` (``core.calendar.centre``). Not the preferred start of days with other
    hours in ``hours_by_day``, from which the burden of meetings on those days is
    measured: the text then names a time the burden is not measured from (kept so
    far; see tests/render/test_text_preferred.py)."""
    s = p.school(school_id)
    return s.prefer if s.prefer is not None else centre(s.hours, p.duration)


def _burden(p: Partnership, option: Option, school_id: str, w: Words) -> str:
    held = option.metrics.held
    burden = dict(option.burdens).get(school_id, 0)
    average = round(burden / held) if held else 0
    prefer = w.time(_preferred(p, school_id))
    if average == 0:
        return w._("at its preferred {time}", time=prefer)
    return w._("on average {minutes} from its preferred {time}",
               minutes=w.minutes(average), time=prefer)


def render_options(plan: Plan, w: Words | None = None,
                   width: int = DEFAULT_WIDTH) -> list[str]:
    """One block per option: the rule, what it holds, each school's times and burden."""
    w = w or words(plan.partnership.language)
    p = plan.partnership
    lines: list[str] = []
    for o in plan.options:
        m = o.metrics
        head, *more = rule_lines(o, w)
        if o.agreed:  # an alternation's heading keeps its colon after the mark
            bare = head.rstrip(":\uff1a")
            head = w._("{rule} (agreed)", rule=bare) + head[len(bare):]
        lines += wrap(head, width, f"{o.rank}. ", "   ")
        for line in more:
            lines += wrap(line, width, "   ", "      ")
        lines += wrap(w._("held: {held} (moved: {moved}), skipped: {skipped}, not at the "
                          "usual local time: {drift}",
                          held=m.held, moved=m.moved, skipped=m.skipped, drift=m.drift),
                      width, "   ")
        stretch = stretch_line(plan, o, w)
        if stretch is not None:
            lines += wrap(stretch, width, "   ")
        for s in p.schools:
            lines += wrap(school_line(p, o, s, w), width, "   - ", "     ")
    return lines


def school_line(p: Partnership, option: Option, school: School, w: Words) -> str:
    """A school's usual local time under ``option`` and its burden per held meeting
    ('Moi Forces Academy: 12:00; on average 23 minutes from its preferred 11:37')."""
    return w._("{school}: {times}; {burden}", school=school.name,
               times=_times(option, school.id, w), burden=_burden(p, option, school.id, w))


def near_miss_lines(plan: Plan, w: Words) -> tuple[str, list[str]]:
    """The near miss in words: the headline and one line per school that rules it out
    (also the report's)."""
    nm = plan.diagnostics.near_miss if plan.diagnostics else None
    if nm is None:
        return "", []
    names = _names(plan.partnership)
    head = w.n_("Closest: {rule}, ruled out in {failed} of {months} month:",
                "Closest: {rule}, ruled out in {failed} of {months} months:", nm.months,
                rule=w.rule(nm.rule), failed=w.number(nm.failed), months=w.number(nm.months))

    def reason(c: Conflict) -> str:
        # the detail worded from its parts in the reader's language (names as written)
        text = detail(w, c)
        if text:
            return w._("{reason}: {detail}", reason=w.reason(c.reason), detail=text)
        return w.reason(c.reason)

    lines = [w.n_("{school}: ruled out in {count} of {months} month ({reasons})",
                  "{school}: ruled out in {count} of {months} months ({reasons})", nm.months,
                  school=names[sid], count=w.number(n), months=w.number(nm.months),
                  reasons="; ".join(reason(c) for c in why) or "-")
             for sid, n, why in nm.failures if n]
    return head, lines


def render_near_miss(plan: Plan, w: Words, width: int = DEFAULT_WIDTH) -> list[str]:
    """The near miss of an infeasible plan: the rule that fails in the fewest months."""
    head, rest = near_miss_lines(plan, w)
    if not head:
        return []
    lines = ["", *wrap(head, width)]
    for line in rest:
        lines += wrap(line, width, "  ", "    ")
    return lines


def render_suggestions(plan: Plan, w: Words, width: int = DEFAULT_WIDTH) -> list[str]:
    """The suggestions' texts in the reader's language, under the options; nothing when
    none helps."""
    if not plan.suggestions:
        return []
    from twinschedule.core.suggest import say

    lines = ["", *wrap(w._("What would hold more meetings (one change at a time):"), width)]
    for s in plan.suggestions:
        lines += wrap(say(plan.partnership, s, w), width, "  - ", "    ")
    return lines


def _reasons(meeting: Meeting, names: dict[str, str], w: Words) -> str:
    parts = []
    for r in meeting.reasons:
        what = w.reason(r.reason)
        if r.detail and r.reason in NAMED_REASONS:
            what = f"{what} ({reason_names(w, r)})"
        parts.append(w._("{school}: {reason}", school=names[r.school], reason=what))
    return "; ".join(parts)


def _notes(plan: Plan, option: Option, m: Meeting, w: Words) -> list[str]:
    p = plan.partnership
    notes: list[str] = []
    if m.status == "moved":
        nominal = m.nominal.astimezone(_zones.get_zone(option.rule_of(m).anchor))
        notes.append(w._("moved from {date}: {reasons}", date=w.short_date(nominal.date()),
                         reasons=_reasons(m, _names(p), w)))
    elif m.status == "skipped":
        notes.append(w._("skipped: {reasons}", reasons=_reasons(m, _names(p), w)))
    for s in p.schools:
        when = m.local_start(s.id)
        usual = option.usual_at(m, s.id)
        if when is not None and _minutes(when) != usual:
            notes.append(w._("{school} at {time} instead of {usual} (daylight saving)",
                             school=s.name, time=w.time(_minutes(when)),
                             usual=w.time(usual)))
    return notes


def _cell(option: Option, m: Meeting, school_id: str, w: Words) -> str:
    when = m.local_start(school_id)
    if when is None:
        return "-"
    cell = f"{w.short_date(when.date())} {w.time(_minutes(when))}"
    if _minutes(when) != option.usual_at(m, school_id):
        cell += " *"
    if school_id in (m.stretch or ()):
        cell += f" {STRETCH_MARK}"
    return cell


def _month(option: Option, m: Meeting, w: Words) -> str:
    return w.month(m.nominal.astimezone(_zones.get_zone(option.rule_of(m).anchor)).date())


def _rule_cell(option: Option, m: Meeting) -> list[str]:
    """The month's rule label, for an alternation (no column otherwise)."""
    return [RULE_LABELS[m.rule or 0]] if option.kind == "alternating" else []


def render_meetings(plan: Plan, option: Option, w: Words | None = None,
                    width: int = DEFAULT_WIDTH) -> list[str]:
    """Every month in every school's local time: a table when it fits ``width``, else
    one block per month; notes (moves, skips, daylight saving) wrapped below."""
    w = w or words(plan.partnership.language)
    p = plan.partnership
    rule_head = [w._("Rule")] if option.kind == "alternating" else []
    rows = [[w._("Month"), *rule_head, w._("Status"), *[s.name for s in p.schools]]]
    for m in option.meetings:
        rows.append([_month(option, m, w), *_rule_cell(option, m), w.status(m.status),
                     *[_cell(option, m, s.id, w) for s in p.schools]])
    table = _table(rows)
    lines: list[str] = []
    if max(text_width(x) for x in table) <= width:
        lines += table
        notes = [(_month(option, m, w), _notes(plan, option, m, w)) for m in option.meetings]
        if any(n for _, n in notes):
            lines += ["", w._("Notes:")]
        for month, ns in notes:
            for note in ns:
                lines += wrap(w._("{month}: {note}", month=month, note=note), width, "  ",
                              "    ")
        return lines
    for m in option.meetings:
        status = w.status(m.status)
        if option.kind == "alternating":
            status = f"{RULE_LABELS[m.rule or 0]}, {status}"
        lines += wrap(w._("{month}: {note}", month=_month(option, m, w), note=status), width)
        for s in p.schools:
            lines += wrap(w._("{school}: {time}", school=s.name,
                              time=_cell(option, m, s.id, w)), width, "  ", "    ")
        for note in _notes(plan, option, m, w):
            lines += wrap(note, width, "  ", "    ")
    return lines


def _months(p: Partnership) -> int:
    return (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1


def _spans(w: Words, spans: list[tuple[int, int]]) -> str:
    """``08:45-12:15, 13:15-15:30`` in the reader's forms (past midnight shown as the
    next day's clock)."""
    text = ""
    for a, b in spans:
        span = w._("{start}-{end}", start=w.time(a % MINUTES_PER_DAY),
                   end=w.time(b if b == MINUTES_PER_DAY else b % MINUTES_PER_DAY))
        text = span if not text else w._("{first}, {second}", first=text, second=span)
    return text


def _cause(plan: Plan) -> Cause | None:
    """The cause that decides (computed when the plan was made without it)."""
    diag = plan.diagnostics
    if diag is None:
        return None
    if diag.cause is not None:
        return diag.cause
    from twinschedule.core.calendar import build_calendars
    from twinschedule.core.nearmiss import cause

    return cause(plan, build_calendars(plan.partnership))


def cause_lines(plan: Plan, w: Words) -> list[str]:
    """The cause that decides why nothing fits, in the reader's language: a school with
    no open day, windows that never overlap (each school's hours on the other's clock),
    an overlap shorter than the meeting; nothing when the counts are the cause (also
    the report's). Never a cause that is not one."""
    found = _cause(plan)
    p = plan.partnership
    names = _names(p)
    if found is None or found.kind == "ruled-out":
        return []
    if found.kind == "no-open-day":
        values = {"school": names[found.school or ""], "start": w.medium_date(p.start),
                  "end": w.medium_date(p.end)}
        if found.terms_end and found.terms_start:
            return [w._("{school} has no school day between {start} and {end}: its terms "
                        "end on {date} and the next one starts on {next}.",
                        date=w.medium_date(found.terms_end),
                        next=w.medium_date(found.terms_start), **values)]
        if found.terms_end:
            return [w._("{school} has no school day between {start} and {end}: its terms "
                        "end on {date}.", date=w.medium_date(found.terms_end), **values)]
        if found.terms_start:
            return [w._("{school} has no school day between {start} and {end}: its terms "
                        "start on {date}.", date=w.medium_date(found.terms_start), **values)]
        return [w._("{school} has no school day between {start} and {end}: closures and "
                    "holidays cover every school day.", **values)]
    if found.kind == "no-overlap":
        lines = [w._("Their meeting windows never overlap on any school day:")]
        for h in found.hours:
            lines.append(w._("{school}'s {hours} is {other}'s {local}",
                             school=names[h.school], other=names[h.other],
                             hours=_spans(w, [(x.start, x.end) for x, _, _ in h.windows]),
                             local=_spans(w, [(a, b) for _, a, b in h.windows])))
        lines.append(w._("Stretch hours (times a school can meet now and then, such as an "
                         "early or an evening slot) let schools this far apart take turns "
                         "month by month; or plan with fewer schools."))
        return lines
    ov = plan.diagnostics.weekly_overlap if plan.diagnostics else None
    assert ov is not None
    return [w._("All schools' windows overlap for at most {minutes} a week (UTC "
                "{weekday} {start}-{end}), but the meeting lasts {duration}. "
                "Shorten the meeting or widen the hours.",
                minutes=w.minutes(ov.minutes), weekday=w.weekday(ov.weekday or "MO"),
                start=w.time(ov.start or 0), end=w.time(ov.end or 0),
                duration=w.minutes(p.duration))]


def render_diagnostics(plan: Plan, diag: Diagnostics, w: Words | None = None,
                       width: int = DEFAULT_WIDTH) -> list[str]:
    """Why nothing fits: the cause that decides first, then how often each condition
    ruled each school out, in candidate meetings (largest first)."""
    w = w or words(plan.partnership.language)
    p = plan.partnership
    names = _names(p)
    lines = wrap(w._("No meeting time fits every school: no candidate rule holds a single "
                     "meeting."), width)
    cause = cause_lines(plan, w)
    if cause:
        lines.append("")
        lines += wrap(cause[0], width)
        for line in cause[1:-1]:
            lines += wrap(line, width, "  - ", "    ")
        if len(cause) > 1:
            lines += wrap(cause[-1], width)
    total = plan.candidates * _months(p)
    lines.append("")
    lines += wrap(w._("Why each school could not meet, in candidate meetings (every "
                      "candidate time in every month, {count} in all):",
                      count=w.number(total)), width)
    for sid, codes in diag.ruled_out:
        parts = [w._("{reason}: {count} ({percent})", reason=w.reason(c), count=w.number(n),
                     percent=w.percent(n / total if total else 0))
                 for c, n in sorted(codes, key=lambda item: -item[1])]
        lines += wrap(w._("{school}: {reasons}", school=names[sid],
                          reasons="; ".join(parts) if parts else w._("never")),
                      width, "  - ", "    ")
    return lines


def render_changes(plan: Plan, w: Words, width: int = DEFAULT_WIDTH) -> list[str]:
    """What changed since the previous plan (agreement.md), each change in every
    school's local time; one line when nothing did; nothing without a previous plan."""
    if plan.changes is None:
        return []
    from twinschedule.core.changes import say

    if not plan.changes:
        return [*wrap(w._("Nothing changed since the last plan."), width), ""]
    lines = wrap(w._("What changed since the last plan:"), width)
    for change in plan.changes:
        head, rest = say(plan.partnership, change, w)
        lines += wrap(head, width, "  - ", "    ")
        for line in rest:
            lines += wrap(line, width, "      ", "        ")
    return [*lines, ""]


def render(plan: Plan, *, lang: str | None = None, width: int | None = None) -> str:
    """The whole readable plan in ``lang`` (default: the partnership's language), every
    line at most ``width`` columns (default 100, at least 40)."""
    p = plan.partnership
    w = words(lang or p.language)
    width = max(MIN_WIDTH, width or DEFAULT_WIDTH)
    lines = wrap(f"{p.name} ({p.id})", width)
    lines += wrap(w._("{start} to {end}; meetings of {duration}; schools: {count}; time "
                      "zone data {version}", start=w.medium_date(p.start), end=w.medium_date(p.end),
                      duration=w.minutes(p.duration), count=len(p.schools),
                      version=plan.tzdata), width)
    lines.append("")
    lines += render_changes(plan, w, width)
    if not plan.options:
        if plan.diagnostics:
            lines += render_diagnostics(plan, plan.diagnostics, w, width)
        lines += render_near_miss(plan, w, width) + render_suggestions(plan, w, width)
        return "\n".join(w.line(x) for x in lines) + "\n"
    lines += wrap(w._("Options (each school's usual local start time; other times and how "
                      "often in brackets):"), width)
    lines += render_options(plan, w, width)
    lines += render_suggestions(plan, w, width)
    best = plan.options[0]
    lines.append("")
    lines += wrap(w._("Option 1 month by month, in each school's local time (* not the "
                      "usual time):"), width)
    if best.metrics.stretch is not None:
        lines += wrap(w._("(+ outside the school's usual hours: in its stretch hours)"), width)
    lines += render_meetings(plan, best, w, width)
    return "\n".join(w.line(x) for x in lines) + "\n"
