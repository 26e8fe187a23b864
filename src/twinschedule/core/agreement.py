"""Agreements that last (agreement.md): the agreed option, the months kept as
published, what changed since the previous plan, and the SEQUENCE of a re-issue.

The agreed rule is planned month by month with the readable definition of a valid
meeting (``SchoolCalendar.conflicts``), with the moves and skips of planning.md, over
the dates of its series; the searched options stay as the planner found them. With
stretch hours every held month says which schools stretch (``Meeting.stretch``) and the
option counts them (``Metrics.stretch``), as the search does. A month
whose previously published meeting is before 00:00 UTC of ``today`` is kept exactly
as published; a fresh month never starts before that instant.

An option's months belong to one or more *series* (:class:`~twinschedule.core.plan.Series`):
a new agreement (a different rule with a later ``since``) ends the previous series
with the month before ``since``'s and starts its own; the same rule continues the
series it was published in. Each series is planned with its own rules: one rule every
month, or an agreed alternation of two (rule A in the even months counted from the
series' ``since`` month, rule B in the odd ones; planning.md, "Alternating rules").

Pure: no I/O and no clock (``today`` is a parameter).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from calendar import monthrange
from collections import Counter
from collections.abc import Iterable, Sequence

from twinschedule._tz import zones as _zones
from twinschedule._vocab import Status, weekday_index
from twinschedule.core.calendar import SchoolCalendar
from twinschedule.core.plan import Change, Meeting, Metrics, Option, Plan, Series
from twinschedule.core.previous import Previous
from twinschedule.core.rules import months, move_offsets, nth_weekday
from twinschedule.model import Conflict, Partnership, Rule

#: The first five keys of the ranking (planning.md): what "strictly better" compares.
Key5 = tuple[int, int, int, int, int]


def key5(option: Option) -> Key5:
    m = option.metrics
    return (-m.held, m.moved, m.drift, m.max_burden, m.total_burden)


def same_rules(a: Sequence[Rule], b: Sequence[Rule]) -> bool:
    """Whether two rule lists say the same (nth, weekday, time, anchor), whatever the
    meetings' duration."""
    def bare(rules: Sequence[Rule]) -> list[tuple[int, str, int, str]]:
        return [(r.nth, r.weekday, r.time, r.anchor) for r in rules]
    return bare(a) == bare(b)


def rules_of(option: Option) -> tuple[Rule, ...]:
    """The rules of an option: one rule, or an alternation's two."""
    return option.all_rules


def turn(series: Series, month: str) -> int | None:
    """The index of the rule of ``month`` (``YYYY-MM``) in ``series``: None for a series
    of one rule; for an alternation 0 (rule A) in the even months counted from the
    month of the series' ``since``, 1 (rule B) in the odd ones."""
    if len(series.rules) == 1:
        return None
    k = (int(month[:4]) - series.since.year) * 12 + int(month[5:7]) - series.since.month
    return k % 2


def midnight(today: dt.date) -> dt.datetime:
    """00:00 UTC of ``today``: months published before it are history."""
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)


def _month_key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


class Scheduler:
    """Plans one rule's months with the readable checks: the nominal meeting, else the
    closest valid date of the month (the later at equal distance), else skipped; never
    before ``not_before`` (a meeting cannot be moved into the past)."""

    def __init__(self, p: Partnership, calendars: Sequence[SchoolCalendar],
                 not_before: dt.datetime | None = None) -> None:
        self.p = p
        self.cals = tuple(calendars)
        self.not_before = not_before
        self.duration = dt.timedelta(minutes=p.duration)
        self.zones = [(s.id, _zones.get_zone(s.timezone)) for s in p.schools]
        self.allowed = frozenset(weekday_index(w) for w in p.weekdays)

    def start(self, rule: Rule, d: dt.date) -> tuple[dt.datetime, bool]:
        """The UTC start of ``rule``'s time on anchor date ``d``, and whether it is a
        good one (exists once, and the meeting spans no change of the anchor's offset)."""
        zone = _zones.get_zone(rule.anchor)
        local = dt.datetime(d.year, d.month, d.day, rule.time // 60, rule.time % 60)
        start = local.replace(tzinfo=zone).astimezone(dt.UTC)
        if _zones.resolve(zone, local) != "unambiguous":
            return start, False
        last = start + self.duration - dt.timedelta(microseconds=1)
        return start, start.astimezone(zone).utcoffset() == last.astimezone(zone).utcoffset()

    def conflicts(self, start: dt.datetime) -> tuple[Conflict, ...]:
        end = start + self.duration
        return tuple(c for cal in self.cals for c in cal.conflicts(start, end))

    def _usable(self, start: dt.datetime, good: bool) -> bool:
        return good and (self.not_before is None or start >= self.not_before) \
            and not self.conflicts(start)

    def stretching(self, held: dt.datetime | None) -> tuple[str, ...] | None:
        """The schools for which the meeting held at ``held`` is a stretch meeting
        (None when no school has stretch hours; empty for a month not held)."""
        if not self.p.has_stretch:
            return None
        if held is None:
            return ()
        end = held + self.duration
        return tuple(cal.school.id for cal in self.cals if cal.is_stretch(held, end))

    def month(self, rule: Rule, nominal: dt.date, lo: dt.date, hi: dt.date,
              index: int | None = None) -> Meeting:
        """The meeting of ``nominal``'s month, moves limited to dates ``lo..hi``;
        ``index``: the month's rule in an alternation (None for a single rule)."""
        start, good = self.start(rule, nominal)
        reasons = self.conflicts(start) if good else ()
        status: Status = "scheduled"
        held: dt.datetime | None = start
        if not self._usable(start, good):
            status, held = "skipped", None
            if self.p.on_conflict == "move":
                first = max(nominal.replace(day=1), lo)
                last = min(nominal.replace(day=monthrange(nominal.year, nominal.month)[1]), hi)
                for k in move_offsets(nominal.weekday(), (first - nominal).days,
                                      (last - nominal).days, self.allowed,
                                      self.p.max_move_days):
                    there, ok = self.start(rule, nominal + dt.timedelta(days=k))
                    if self._usable(there, ok):
                        status, held = "moved", there
                        break
        return Meeting(
            month=_month_key(nominal), status=status, nominal=start, start=held,
            end=None if held is None else held + self.duration,
            local=None if held is None else tuple((sid, held.astimezone(z))
                                                  for sid, z in self.zones),
            reasons=() if status == "scheduled" else reasons, rule=index,
            stretch=self.stretching(held))

    def series(self, series: Series, lo: dt.date, hi: dt.date,
               skip: Iterable[str] = ()) -> list[Meeting]:
        """Every month of ``series`` whose nominal date under the month's rule is in
        ``lo..hi`` (but the months in ``skip``), moves inside ``lo..hi``."""
        leave = set(skip)
        out = []
        for y, m in months(lo, hi):
            index = turn(series, f"{y:04d}-{m:02d}")
            rule = dataclasses.replace(series.rules[index or 0], duration=self.p.duration)
            d = nth_weekday(y, m, weekday_index(rule.weekday), rule.nth)
            if lo <= d <= hi and _month_key(d) not in leave:
                out.append(self.month(rule, d, lo, hi, index))
        return out


def _wall(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def _usual_and_drift(p: Partnership, meetings: Sequence[Meeting], fallback: Rule
                     ) -> tuple[tuple[tuple[str, int], ...], int]:
    """Each school's usual (most frequent, then earliest) local time over ``meetings``
    (the first meeting's nominal time, or ``fallback``'s, when none is held), and the
    drift: the held meetings at another time, summed over schools."""
    usual: list[tuple[str, int]] = []
    drift = 0
    for s in p.schools:
        zone = _zones.get_zone(s.timezone)
        local = [m.local_start(s.id) or m.start.astimezone(zone) for m in meetings
                 if m.start is not None]
        counts = Counter(_wall(x) for x in local)
        if counts:
            top = max(counts.values())
            usual.append((s.id, min(t for t, c in counts.items() if c == top)))
            drift += len(local) - top
        else:
            first = meetings[0].nominal.astimezone(zone) if meetings else None
            usual.append((s.id, _wall(first) if first is not None else fallback.time))
    return tuple(usual), drift


def assemble(p: Partnership, calendars: Sequence[SchoolCalendar], rules: tuple[Rule, ...],
             meetings: Sequence[Meeting], *, rank: int = 1, agreed: bool | None = None,
             series: tuple[Series, ...] = ()) -> Option:
    """An option of ``meetings`` (kept and fresh alike) under ``rules`` (one rule, or an
    alternation's two) with the metrics of planning.md: drift per rule against each
    school's usual (most frequent, then earliest) local time under that rule, burden
    from its preferred time on the local date, stretch meetings counted per school."""
    held = [m for m in meetings if m.start is not None]
    by_rule: dict[int | None, list[Meeting]] = {}
    for m in meetings:
        by_rule.setdefault(m.rule, []).append(m)
    alternating = len(rules) == 2
    # each group of months under one rule once (a rule's own time when it holds none)
    found = {k: _usual_and_drift(p, group, rules[k] if alternating and k is not None
                                 else rules[0]) for k, group in by_rule.items()}
    drift = sum(d for _, d in found.values())
    usual_by_rule = tuple((found.get(r) or _usual_and_drift(p, [], rules[r]))[0]
                          for r in (0, 1)) if alternating else ()
    if alternating:
        usual = usual_by_rule[0]
    elif set(found) == {None}:
        usual = found[None][0]
    else:  # months kept from an earlier alternation: one usual time over them all
        usual = _usual_and_drift(p, meetings, rules[0])[0]
    burdens: list[tuple[str, int]] = []
    for s, cal in zip(p.schools, calendars, strict=True):
        zone = _zones.get_zone(s.timezone)
        local = [m.local_start(s.id) or m.start.astimezone(zone) for m in held
                 if m.start is not None]
        burdens.append((s.id, sum(abs(_wall(x) - cal.prefer(x.date())) for x in local)))
    stretch = None
    if p.has_stretch:
        counted = Counter(sid for m in held for sid in m.stretch or ())
        stretch = tuple((s.id, counted[s.id]) for s in p.schools)
    moved = sum(m.status == "moved" for m in meetings)
    values = [b for _, b in burdens]
    metrics = Metrics(held=len(held), scheduled=len(held) - moved, moved=moved,
                      skipped=len(meetings) - len(held), drift=drift,
                      max_burden=max(values, default=0), total_burden=sum(values),
                      stretch=stretch)
    return Option(rank=rank, rule=rules[0], metrics=metrics, usual_times=usual,
                  burdens=tuple(burdens), meetings=tuple(meetings), agreed=agreed,
                  series=series, kind="alternating" if alternating else "single",
                  rules=rules if alternating else (), usual_by_rule=usual_by_rule)


def kept_months(previous: Previous, not_before: dt.datetime,
                calendars: Sequence[SchoolCalendar]) -> dict[str, Meeting]:
    """The previously published months whose meeting (its start, or its nominal start
    when skipped) is before ``not_before``, exactly as published, marked kept. Their
    reasons get back the parts that word them per reader where today's calendars still
    give the same reason and detail."""
    out = {}
    for m in previous.meetings:
        if (m.start or m.nominal) < not_before:
            out[m.month] = dataclasses.replace(m, kept=True,
                                               reasons=_with_parts(m, calendars))
    return out


def _with_parts(m: Meeting, calendars: Sequence[SchoolCalendar]) -> tuple[Conflict, ...]:
    if not m.reasons:
        return ()
    end = m.nominal + dt.timedelta(minutes=calendars[0].duration) if calendars else m.nominal
    found = {(c.school, c.reason, c.detail): c for cal in calendars
             for c in cal.conflicts(m.nominal, end)}
    return tuple(found.get((r.school, r.reason, r.detail), r) for r in m.reasons)


def derive_series(p: Partnership, previous: Previous | None, rules: tuple[Rule, ...],
                  since: dt.date) -> tuple[Series, ...]:
    """The series of the re-issued option: the previous ones when its rules are the
    last one's; else the previous series before ``since``'s month and a new one from
    ``since`` (with its own UIDs, tagged with its month), or one series replacing them
    all (the partnership's own UIDs) when none started before."""
    prev = list(previous.series) if previous is not None else []
    if not prev:
        return (Series(rules=rules, since=since),)
    prev[0] = dataclasses.replace(prev[0], since=min(prev[0].since, p.start))
    if same_rules(prev[-1].rules, rules):
        return tuple(prev)
    first = since.replace(day=1)
    before = [s for s in prev if s.since.replace(day=1) < first]
    if not before:
        return (Series(rules=rules, since=min(since, prev[0].since)),)
    return (*before, Series(rules=rules, since=since, tag=_month_key(since)))


def windows(p: Partnership, series: Sequence[Series]
            ) -> list[tuple[Series, dt.date, dt.date]]:
    """Each series with the dates its nominal meetings (and their moves) may fall on:
    from its ``since`` to the day before the next series' month, inside the horizon."""
    out = []
    for i, s in enumerate(series):
        lo = max(p.start, s.since)
        hi = p.end if i + 1 == len(series) else min(
            p.end, series[i + 1].since.replace(day=1) - dt.timedelta(days=1))
        if lo <= hi:
            out.append((s, lo, hi))
    return out


def _planned(p: Partnership, calendars: Sequence[SchoolCalendar],
             series: tuple[Series, ...], kept: dict[str, Meeting],
             not_before: dt.datetime | None) -> list[Meeting]:
    """The kept months and every other month of every series, in month order."""
    scheduler = Scheduler(p, calendars, not_before)
    found = dict(kept)
    for s, lo, hi in windows(p, series):
        for m in scheduler.series(s, lo, hi, skip=found):
            found[m.month] = m
    if not_before is not None:  # with a previous plan: every month says whether kept
        found = {k: m if m.kept else dataclasses.replace(m, kept=False)
                 for k, m in found.items()}
    return [found[k] for k in sorted(found)]


def changes(previous: Previous, option: Option | None) -> tuple[Change, ...]:
    """What changed from the previous plan's option 1 to ``option``, month by month
    (``rule-changed`` first when option 1's rule is another)."""
    out: list[Change] = []
    if option is not None and previous.rules and not same_rules(previous.rules,
                                                                rules_of(option)):
        out.append(Change(month=None, change="rule-changed",
                          rules=(previous.rules[0], option.rule)))
    before = {m.month: m for m in previous.meetings}
    after = {m.month: m for m in option.meetings} if option is not None else {}
    for month in sorted(before.keys() | after.keys()):
        b, a = before.get(month), after.get(month)
        if b is None:
            out.append(Change(month=month, change="added", after=a))
        elif a is None:
            out.append(Change(month=month, change="removed", before=b))
        elif b.held and a.held and (b.start, b.end) != (a.start, a.end):
            out.append(Change(month=month, change="moved", before=b, after=a))
        elif b.held != a.held:
            out.append(Change(month=month, change="skipped" if b.held else "restored",
                              before=b, after=a))
    return tuple(out)


def _better(found: Sequence[Option], agreed: Option, want: int) -> list[Option]:
    """The searched options strictly better than the agreed one (on the first five
    keys of the ranking), at most ``want``, renumbered from 2; not the agreed
    meetings again under another rule."""
    same = {m.start for m in agreed.meetings if m.start is not None}
    out: list[Option] = []
    for o in found:
        if len(out) >= want or key5(o) >= key5(agreed):
            break
        if {m.start for m in o.meetings if m.start is not None} == same:
            continue
        out.append(dataclasses.replace(o, rank=len(out) + 2, agreed=False))
    return out


def reissue(found: Plan, calendars: Sequence[SchoolCalendar], *,
            previous: Previous | None = None, today: dt.date | None = None,
            top: int | None = None) -> Plan:
    """``found`` (the search's plan) with the agreement and the previous plan applied:
    the agreed option 1 and the strictly better searched options; with ``previous``,
    the months before ``today`` kept, ``changes`` and the derived ``sequence``."""
    p = found.partnership
    if p.agreement is None and previous is None:
        return found
    if previous is not None and today is None:
        raise ValueError("a previous plan needs today's date")
    not_before = midnight(today) if previous is not None and today is not None else None
    kept = kept_months(previous, not_before, calendars) \
        if previous is not None and not_before is not None else {}
    best = found.options[0] if found.options else None
    options: list[Option]
    if p.agreement is not None:
        rules = p.agreement.rules
        series = derive_series(p, previous, rules, p.agreement.since)
        agreed = assemble(p, calendars, rules, _planned(p, calendars, series, kept,
                                                           not_before),
                          agreed=True, series=series)
        options = [agreed, *_better(found.options, agreed, (top or p.top) - 1)]
    elif best is not None and previous is not None and same_rules(previous.rules,
                                                                  rules_of(best)):
        series = derive_series(p, previous, rules_of(best), p.start)
        again = assemble(p, calendars, rules_of(best),
                         _planned(p, calendars, series, kept, not_before), series=series)
        options = [again, *found.options[1:]]
    else:  # no agreement, and option 1's rule is not the published one: nothing kept
        options = list(found.options)
        if options and previous is not None:
            options[0] = dataclasses.replace(options[0], meetings=tuple(
                dataclasses.replace(m, kept=False) for m in options[0].meetings))
    plan = dataclasses.replace(found, options=tuple(options),
                               diagnostics=None if options else found.diagnostics)
    if previous is None:
        return plan
    diff = changes(previous, options[0] if options else None)
    sequence = max(p.sequence, previous.sequence + (1 if diff else 0))
    return dataclasses.replace(plan, changes=diff, sequence=sequence)
