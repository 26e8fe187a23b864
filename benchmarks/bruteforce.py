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
    return [{"nth": o.rule.nth, "weekday": o.rule.weekday, "time": o.rule.time,
             "anchor": o.rule.anchor,
             "metrics": {"held": o.metrics.held, "scheduled": o.metrics.scheduled,
                         "moved": o.metrics.moved, "skipped": o.metrics.skipped,
                         "drift": o.metrics.drift, "max_burden": o.metrics.max_burden,
                         "total_burden": o.metrics.total_burden},
             "meetings": [(m.month, m.status, m.start) for m in o.meetings]}
            for o in plan.options]


def first_difference(got: list[Summary], want: list[Summary]) -> str | None:
    """A readable description of the first difference between two summaries."""
    if len(got) != len(want):
        return f"{len(got)} options, brute force has {len(want)}"
    for rank, (a, b) in enumerate(zip(got, want, strict=True), 1):
        for key in ("anchor", "nth", "weekday", "time", "metrics", "meetings"):
            if a[key] != b[key]:
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


@dataclass(frozen=True, slots=True)
class Judged:
    """One meeting at a clock time on an anchor date.

    ``kind``: "bad" (the start does not exist, exists twice, or the meeting spans a change
    of the anchor's UTC offset), "invalid" (some school cannot meet) or "valid". For a
    valid meeting, ``local`` holds per school the local (HH:MM, burden)."""

    kind: str
    start: dt.datetime | None
    local: tuple[tuple[str, int], ...] = ()


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
        for school, z in zip(self.p.schools, self.school_zones, strict=True):
            ls = start.astimezone(z)
            wall = ls.hour * 60 + ls.minute
            local.append((f"{ls:%H:%M}",
                          abs(wall - preferred_start(school, ls.date(), self.p.duration))))
        return Judged("valid", start, tuple(local))

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

    def candidates(self) -> list[tuple[RankKey, tuple[dt.datetime, ...], Summary]]:
        """Every candidate that holds a meeting: (ranking key, held starts, summary)."""
        p = self.p
        anchors = [p.anchor] if p.anchor else list(
            dict.fromkeys(s.timezone for s in p.schools))
        months = months_between(p.start, p.end)
        found: list[tuple[RankKey, tuple[dt.datetime, ...], Summary]] = []
        for ai, anchor in enumerate(anchors):
            for nth in p.weeks:
                for wd_code in p.weekdays:
                    wd = WEEKDAY_CODES.index(wd_code)
                    nominals = [d for d in (nth_weekday(y, m, wd, nth) for y, m in months)
                                if p.start <= d <= p.end]
                    for minutes in range(0, 1440, p.step):
                        got = self.candidate(anchor, nominals, minutes)
                        if got is None:
                            continue
                        metrics, burdens, starts, meetings = got
                        key = RankKey.of(held=metrics["held"], moved=metrics["moved"],
                                         drift=metrics["drift"], burdens=burdens,
                                         anchor_index=ai, nth=nth, weekday=wd, time=minutes)
                        found.append((key, starts, {
                            "nth": nth, "weekday": wd_code, "time": minutes, "anchor": anchor,
                            "metrics": metrics, "meetings": meetings}))
        return found

    def candidate(self, anchor: str, nominals: list[dt.date], minutes: int,
                  ) -> tuple[dict[str, int], list[int], tuple[dt.datetime, ...],
                             list[tuple[str, str, dt.datetime | None]]] | None:
        meetings: list[tuple[str, str, dt.datetime | None]] = []
        held: list[Judged] = []
        counts = Counter[str]()
        for nominal in nominals:
            got = self.month_outcome(anchor, nominal, minutes)
            if got is None:
                return None
            status, judged = got
            counts[status] += 1
            meetings.append((f"{nominal.year:04d}-{nominal.month:02d}", status,
                             judged.start if judged else None))
            if judged is not None:
                held.append(judged)
        if not held:
            return None
        drift = 0
        burdens = []
        for i in range(len(self.p.schools)):
            clocks = Counter(j.local[i][0] for j in held)
            # The usual time is the most frequent (ties: the earliest); drift counts the
            # held meetings at another time.
            usual = min(clocks, key=lambda c: (-clocks[c], c))
            drift += len(held) - clocks[usual]
            burdens.append(sum(j.local[i][1] for j in held))
        metrics = {"held": len(held), "scheduled": counts["scheduled"],
                   "moved": counts["moved"], "skipped": counts["skipped"], "drift": drift,
                   "max_burden": max(burdens), "total_burden": sum(burdens)}
        return (metrics, burdens, tuple(j.start for j in held if j.start is not None),
                meetings)


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
