"""A straightforward brute-force planner written from planning.md.

It shares no code with twinschedule's search (``planner``, ``_availability``,
``rules``) but the definition of the ranking key (``twinschedule.core.ranking.RankKey``, the
tuple of planning.md with names): it enumerates every candidate rule, and for each one
every month's nominal meeting and, when needed, every other date of the month,
converting each meeting with ``zoneinfo`` and judging it with the readable calendar checks
(``SchoolCalendar.conflicts``, so one-day and weekly busy times alike). What it learns
about one meeting (an anchor date and a clock time) is memoised, as a sensible
straightforward implementation would; there are no bit masks or interval tricks.
Metrics and de-duplication are computed here too.

Stretch hours and alternating rules (planning.md) are done the same plain way: a held
meeting is a stretch meeting for a school when it does not fit one of that day's own
windows (checked here on the local wall clock); single rules whose stretch meetings
exceed ``floor(stretch_share * M)`` for some school are dropped; with alternation on,
EVERY ordered pair of distinct rules is combined (each rule judged on its own months,
even or odd counted from the month of ``start``) and ranked with the single rules.

Used by the benchmark (speed ratio and agreement, ``benchmarks/run.py``) and by the
test suite (agreement on random inputs, ``tests/reference.py``): keep the names
``reference_plan`` and ``plan_summary`` and the shape they return.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twinschedule._tz.zones import get_zone
from twinschedule.core.calendar import build_calendars
from twinschedule.core.ranking import RankKey

if TYPE_CHECKING:
    from twinschedule.core.plan import Plan
    from twinschedule.model import Partnership, School

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ONE_MICROSECOND = dt.timedelta(microseconds=1)

Summary = dict[str, Any]


def plan_summary(plan: Plan) -> list[Summary]:
    """A twinschedule ``Plan``'s options in the shape ``reference_plan`` returns."""
    out = []
    for o in plan.options:
        got: Summary = {
            "nth": o.rule.nth, "weekday": o.rule.weekday, "time": o.rule.time,
            "anchor": o.rule.anchor,
            "metrics": {"held": o.metrics.held, "scheduled": o.metrics.scheduled,
                        "moved": o.metrics.moved, "skipped": o.metrics.skipped,
                        "drift": o.metrics.drift, "max_burden": o.metrics.max_burden,
                        "total_burden": o.metrics.total_burden},
            "meetings": [(m.month, m.status, m.start) for m in o.meetings]}
        if plan.partnership.has_stretch or plan.partnership.alternates:
            got["rules"] = [(r.nth, r.weekday, r.time, r.anchor) for r in o.all_rules]
            got["metrics"]["stretch"] = dict(o.metrics.stretch or ())
            got["stretching"] = [(m.month, m.rule or 0, tuple(m.stretch or ()))
                                 for m in o.meetings]
        out.append(got)
    return out


def first_difference(got: list[Summary], want: list[Summary]) -> str | None:
    """A readable description of the first difference between two summaries."""
    if len(got) != len(want):
        return f"{len(got)} options, brute force has {len(want)}"
    for rank, (a, b) in enumerate(zip(got, want, strict=True), 1):
        for key in ("anchor", "nth", "weekday", "time", "rules", "metrics", "meetings",
                    "stretching"):
            if a.get(key) != b.get(key):
                return f"option {rank}: {key} {a[key]!r} != brute force {b[key]!r}"
    return None


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (1..4, or -1 for the last) ``weekday`` (0 = Monday) of a month."""
    days = [dt.date(year, month, d) for d in range(1, pycal.monthrange(year, month)[1] + 1)
            if dt.date(year, month, d).weekday() == weekday]
    return days[nth - 1] if nth > 0 else days[-1]


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def preferred_start(school: School, local_date: dt.date, duration: int) -> int:
    """``prefer(L)`` of planning.md: the school's ``prefer``, else the start centring the
    meeting in the span of that day's windows."""
    if school.prefer is not None:
        return school.prefer
    windows = school.windows_on(WEEKDAY_CODES[local_date.weekday()])  # type: ignore[arg-type]
    return (windows[0].start + windows[-1].end - duration) // 2


def fits_own_windows(school: School, ls: dt.datetime, le: dt.datetime) -> bool:
    """Whether a meeting from local ``ls`` to ``le`` fits one of the day's own windows
    (``hours`` or ``hours_by_day``; not the stretch windows), on the wall clock, the end
    counted from the local midnight of the start's date."""
    a = ls.hour * 60 + ls.minute
    b = (le.date() - ls.date()).days * 1440 + le.hour * 60 + le.minute + (
        1 if le.second or le.microsecond else 0)
    windows = school.windows_on(WEEKDAY_CODES[ls.date().weekday()])  # type: ignore[arg-type]
    return any(w.start <= a and b <= w.end for w in windows)


def stretch_limit(p: Partnership) -> int:
    """``floor(stretch_share * M)``, M the calendar months the horizon touches (the
    share as the decimal written)."""
    from fractions import Fraction

    return int(Fraction(repr(p.stretch_share)) * len(months_between(p.start, p.end)))


@dataclass(frozen=True, slots=True)
class Judged:
    """One meeting at a clock time on an anchor date.

    ``kind``: "bad" (the start does not exist, exists twice, or the meeting spans a change
    of the anchor's UTC offset), "invalid" (some school cannot meet) or "valid". For a
    valid meeting, ``local`` holds per school the local (HH:MM, burden)."""

    kind: str
    start: dt.datetime | None
    local: tuple[tuple[str, int], ...] = ()
    stretch: tuple[str, ...] = ()  # the schools for which it is a stretch meeting


class BruteForce:
    def __init__(self, p: Partnership) -> None:
        self.p = p
        self.cals = build_calendars(p)
        self.duration = dt.timedelta(minutes=p.duration)
        self.school_zones = [get_zone(s.timezone) for s in p.schools]
        self.memo: dict[tuple[str, dt.date, int], Judged] = {}

    def judge(self, anchor: str, day: dt.date, minutes: int) -> Judged:
        key = (anchor, day, minutes)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = self._judge(anchor, day, minutes)
        return got

    def _judge(self, anchor: str, day: dt.date, minutes: int) -> Judged:
        zone = get_zone(anchor)
        naive = dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60)
        first = naive.replace(tzinfo=zone, fold=0)
        second = naive.replace(tzinfo=zone, fold=1)
        if first.utcoffset() != second.utcoffset():
            return Judged("bad", None)  # in a spring-forward gap or a fall-back fold
        start = first.astimezone(dt.UTC)
        end = start + self.duration
        if start.astimezone(zone).utcoffset() != (end - ONE_MICROSECOND).astimezone(
                zone).utcoffset():
            return Judged("bad", None)  # spans a change of the anchor's offset
        if any(cal.conflicts(start, end) for cal in self.cals):
            return Judged("invalid", start)
        local = []
        stretch = []
        for school, z in zip(self.p.schools, self.school_zones, strict=True):
            ls = start.astimezone(z)
            wall = ls.hour * 60 + ls.minute
            local.append((f"{ls:%H:%M}",
                          abs(wall - preferred_start(school, ls.date(), self.p.duration))))
            if school.stretch and not fits_own_windows(school, ls, end.astimezone(z)):
                stretch.append(school.id)
        return Judged("valid", start, tuple(local), tuple(stretch))

    def month_outcome(self, anchor: str, nominal: dt.date,
                      minutes: int) -> tuple[str, Judged | None] | None:
        """(status, the held meeting or None) of one month; None if the rule is not a
        candidate (its nominal meeting is "bad")."""
        p = self.p
        judged = self.judge(anchor, nominal, minutes)
        if judged.kind == "bad":
            return None
        if judged.kind == "valid":
            return "scheduled", judged
        if p.on_conflict != "move":
            return "skipped", None
        best: tuple[tuple[int, int], Judged] | None = None
        last_day = pycal.monthrange(nominal.year, nominal.month)[1]
        for d in range(1, last_day + 1):
            other = dt.date(nominal.year, nominal.month, d)
            delta = (other - nominal).days
            if delta == 0 or not p.start <= other <= p.end:
                continue
            if WEEKDAY_CODES[other.weekday()] not in p.weekdays:
                continue
            if p.max_move_days is not None and abs(delta) > p.max_move_days:
                continue
            there = self.judge(anchor, other, minutes)
            if there.kind != "valid":
                continue
            rank = (abs(delta), -delta)  # the closest; at equal distance the later date
            if best is None or rank < best[0]:
                best = (rank, there)
        return ("moved", best[1]) if best else ("skipped", None)

    def rules(self) -> list[tuple[int, str, int, str, int]]:
        """The rule space: (anchor index, anchor, nth, weekday code, minutes)."""
        p = self.p
        anchors = [p.anchor] if p.anchor else list(
            dict.fromkeys(s.timezone for s in p.schools))
        return [(ai, anchor, nth, wd_code, minutes)
                for ai, anchor in enumerate(anchors) for nth in p.weeks
                for wd_code in p.weekdays for minutes in range(0, 1440, p.step)]

    def part(self, anchor: str, nth: int, wd_code: str, minutes: int,
             parity: int | None) -> Part | None:
        """The rule judged on the months of ``parity`` (None: every month; 0: the even
        months, 1: the odd ones, counted from the month of ``start``); None when the
        rule is not a candidate there (a nominal meeting is "bad")."""
        p = self.p
        wd = WEEKDAY_CODES.index(wd_code)
        nominals = [d for k, (y, m) in enumerate(months_between(p.start, p.end))
                    if parity is None or k % 2 == parity
                    for d in [nth_weekday(y, m, wd, nth)] if p.start <= d <= p.end]
        meetings: list[tuple[str, str, dt.datetime | None, tuple[str, ...]]] = []
        held: list[Judged] = []
        counts = Counter[str]()
        for nominal in nominals:
            got = self.month_outcome(anchor, nominal, minutes)
            if got is None:
                return None
            status, judged = got
            counts[status] += 1
            meetings.append((f"{nominal.year:04d}-{nominal.month:02d}", status,
                             judged.start if judged else None,
                             judged.stretch if judged else ()))
            if judged is not None:
                held.append(judged)
        drift = 0
        burdens = []
        for i in range(len(self.p.schools)):
            clocks = Counter(j.local[i][0] for j in held)
            # The usual time is the most frequent (ties: the earliest); drift counts the
            # held meetings at another time.
            usual = min(clocks, key=lambda c: (-clocks[c], c)) if clocks else ""
            drift += len(held) - clocks[usual]
            burdens.append(sum(j.local[i][1] for j in held))
        stretch = [sum(1 for j in held if s.id in j.stretch) for s in self.p.schools]
        return Part(held=len(held), scheduled=counts["scheduled"], moved=counts["moved"],
                    skipped=counts["skipped"], drift=drift, burdens=burdens,
                    stretch=stretch, starts=tuple(j.start for j in held if j.start),
                    meetings=meetings)

    def candidates(self) -> list[tuple[RankKey, tuple[dt.datetime, ...], Summary]]:
        """Every candidate that holds a meeting, every school within ``stretch_share``:
        (ranking key, held starts, summary); with alternation on, every ordered pair of
        distinct rules too."""
        p = self.p
        cap = stretch_limit(p)
        found: list[tuple[RankKey, tuple[dt.datetime, ...], Summary]] = []
        rules = self.rules()
        for ai, anchor, nth, wd_code, minutes in rules:
            got = self.part(anchor, nth, wd_code, minutes, None)
            if got is None or not got.held or max(got.stretch) > cap:
                continue
            key = RankKey.of(held=got.held, moved=got.moved, drift=got.drift,
                             burdens=got.burdens, anchor_index=ai, nth=nth,
                             weekday=WEEKDAY_CODES.index(wd_code), time=minutes,
                             stretch=got.stretch)
            found.append((key, got.starts, self.summary([(anchor, nth, wd_code, minutes)],
                                                        [got])))
        if p.alternates:
            found += self.pairs(rules, cap)
        return found

    def pairs(self, rules: list[tuple[int, str, int, str, int]], cap: int
              ) -> list[tuple[RankKey, tuple[dt.datetime, ...], Summary]]:
        """Every ordered pair (A, B) of distinct rules, A on the even months and B on
        the odd ones, both holding a meeting, every school within ``cap``."""
        even = [self.part(r[1], r[2], r[3], r[4], 0) for r in rules]
        odd = [self.part(r[1], r[2], r[3], r[4], 1) for r in rules]
        found = []
        for ra, a in zip(rules, even, strict=True):
            for rb, b in zip(rules, odd, strict=True):
                if ra == rb or a is None or b is None or not a.held or not b.held:
                    continue
                stretch = [x + y for x, y in zip(a.stretch, b.stretch, strict=True)]
                if max(stretch) > cap:
                    continue
                key = RankKey.of(
                    held=a.held + b.held, moved=a.moved + b.moved, drift=a.drift + b.drift,
                    burdens=[x + y for x, y in zip(a.burdens, b.burdens, strict=True)],
                    anchor_index=ra[0], nth=ra[2], weekday=WEEKDAY_CODES.index(ra[3]),
                    time=ra[4], stretch=stretch,
                    second=(rb[0], rb[2], WEEKDAY_CODES.index(rb[3]), rb[4]))
                found.append((key, a.starts + b.starts,
                              self.summary([ra[1:], rb[1:]], [a, b])))
        return found

    def summary(self, rules: list[tuple[str, int, str, int]], parts: list[Part]) -> Summary:
        """The summary of a single rule (one part) or of an alternation (two)."""
        anchor, nth, wd_code, minutes = rules[0]
        burdens = [sum(x) for x in zip(*(q.burdens for q in parts), strict=True)]
        metrics = {"held": sum(q.held for q in parts),
                   "scheduled": sum(q.scheduled for q in parts),
                   "moved": sum(q.moved for q in parts),
                   "skipped": sum(q.skipped for q in parts),
                   "drift": sum(q.drift for q in parts),
                   "max_burden": max(burdens), "total_burden": sum(burdens)}
        months = sorted((m, r) for r, q in enumerate(parts) for m in q.meetings)
        out: Summary = {"nth": nth, "weekday": wd_code, "time": minutes, "anchor": anchor,
                        "metrics": metrics,
                        "meetings": [(m[0], m[1], m[2]) for m, _ in months]}
        p = self.p
        if p.has_stretch or p.alternates:
            out["rules"] = [(n, w, t, a) for a, n, w, t in rules]
            out["metrics"]["stretch"] = {s.id: sum(q.stretch[i] for q in parts)
                                         for i, s in enumerate(p.schools)
                                         } if p.has_stretch else {}
            out["stretching"] = [(m[0], r if len(parts) > 1 else 0, m[3])
                                 for m, r in months]
        return out


@dataclass(frozen=True, slots=True)
class Part:
    """A rule judged on some months: counts, drift, per-school burdens and stretch
    meetings, the held starts and each month's (month, status, start, stretching)."""

    held: int
    scheduled: int
    moved: int
    skipped: int
    drift: int
    burdens: list[int]
    stretch: list[int]
    starts: tuple[dt.datetime, ...]
    meetings: list[tuple[str, str, dt.datetime | None, tuple[str, ...]]]


def reference_plan(p: Partnership, top: int | None = None) -> list[Summary]:
    """The ranked, de-duplicated options of ``p`` (at most ``top``, default ``p.top``)
    in the shape of ``plan_summary``."""
    found = BruteForce(p).candidates()
    found.sort(key=lambda f: f[0])
    want = p.top if top is None else top
    out: list[Summary] = []
    seen: set[frozenset[dt.datetime]] = set()
    for _, starts, summary in found:
        if len(out) >= want:
            break
        instants = frozenset(starts)  # duplicates: the same set of held instants
        if instants in seen:
            continue
        seen.add(instants)
        out.append(summary)
    return out
