"""Network planning (network.md): the monthly rule that the most schools can attend,
without moves, and an optional repeat session for the schools it misses.

Bit-parallel, not per school:

1. Schools with the same zone, week, windows and calendar (everything but id, name and
   preferred time) form one **group** and share one availability. Real networks have
   about as many calendars as schools (each its own terms and closures), so a group
   without busy times or stretch hours does not compute its availability on its own:
   groups with the same zone, days and windows share a **base** (the starts that fit
   the windows on every school day, computed once with
   ``core.availability.school_availability``), split by the local date a start falls
   on, and a group keeps the base's bits of its open dates (``webinar_days``). Other
   groups compute theirs with ``school_availability``.
2. For each group and each month of the horizon, one integer holds a bit per
   candidate: bit ``f * T + k`` is set when the group can attend family ``f``'s
   (nth, weekday) nominal meeting of that month at grid time ``k`` (``T`` times a day).
   It is cut, with C-speed string slices, out of the group's availability laid on the
   UTC grid of start times.
3. The schools attending each candidate are counted with bit-sliced binary counters
   (``core.bits``): adding a group's integer with its number of schools as the weight
   updates the counts of all candidates at once. Per-month counters give
   ``attendance`` and ``worst_month``; a counter of the months' union gives ``reached``;
   for the repeat session a counter of the pairs the option misses gives ``extra``.
4. ``burden`` (a tie-breaker after the counts) is computed only for the candidates
   whose counts tie with an option that can still reach the top.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from twinschedule._tz import zones as _zones
from twinschedule._units import (
    CALENDAR_MARGIN_DAYS,
    MINUTES_PER_DAY,
    TIMELINE_MARGIN_DAYS,
    weekday_of_day,
)
from twinschedule._vocab import NTHS, WEEKDAYS, nth_of
from twinschedule.core.availability import (
    AnchorDay,
    Grid,
    Intervals,
    anchor_days,
    school_availability,
)
from twinschedule.core.bits import add_weighted, counts, positions
from twinschedule.core.calendar import SchoolCalendar, build_calendar, centre
from twinschedule.core.plan import Diagnostics
from twinschedule.core.planner import weekly_overlap
from twinschedule.core.rules import months as horizon_months
from twinschedule.core.rules import nth_weekday
from twinschedule.model import Network, Rule, School
from twinschedule.network.outputs import (
    Missed,
    NetworkMetrics,
    NetworkMonth,
    NetworkOption,
    NetworkPlan,
    Session,
)
from twinschedule.network.webinar_days import (
    DaySplit,
    base_rows,
    clock,
    closed_days,
    open_rows,
    zone_days,
)
from twinschedule.network.webinar_missed import Reasons

#: ``progress(done, total)``: called as the schools' calendars are laid on the grid
#: (one call per distinct calendar).
Progress = Callable[[int, int], None]


def calendar_key(school: School) -> School:
    """What a school's availability depends on: everything but its id, name and
    preferred time (files of imported calendars count by their contents)."""
    return dataclasses.replace(school, id="", name="", prefer=None, closures_ics=())


@dataclass(slots=True)
class _Group:
    """Schools sharing one availability."""

    members: list[int]  # school indices, file order
    cal: SchoolCalendar
    tl: _zones.Timeline
    rows: list[int]  # per month: the candidate bits this group can attend
    week: int  # the number of its windows (``hours``, ``hours_by_day``) in the network


@dataclass(frozen=True, slots=True)
class _Family:
    nth: int
    weekday: int
    dates: tuple[int | None, ...]  # per month of the horizon: anchor day index or None
    keep: int  # grid times that are candidates (not excluded on any nominal date)


class _Search:
    """The candidate grid of a network and every group's rows on it."""

    def __init__(self, n: Network, *, share: bool = True,
                 progress: Progress | None = None) -> None:
        self.n = n
        self.step = n.step
        self.times = MINUTES_PER_DAY // n.step
        self.full = (1 << self.times) - 1
        self.first_day = _zones.day_number(n.start)
        self.last_day = _zones.day_number(n.end)
        self.months = horizon_months(n.start, n.end)
        tl = _zones.timeline_for_dates(n.anchor, n.start, n.end)
        self.days: list[AnchorDay] = anchor_days(tl, self.first_day, self.last_day,
                                                 self.step, n.duration)
        fams: list[_Family] = []
        for nth in n.weeks:
            for code in n.weekdays:
                wd = WEEKDAYS.index(code)
                dates: list[int | None] = []
                bad = 0
                for y, mo in self.months:
                    d = nth_weekday(y, mo, wd, nth)
                    if n.start <= d <= n.end:
                        idx = _zones.day_number(d) - self.first_day
                        dates.append(idx)
                        bad |= self.days[idx].bad
                    else:
                        dates.append(None)
                fams.append(_Family(nth=nth, weekday=wd, dates=tuple(dates),
                                    keep=self.full & ~bad))
        self.fams = fams
        self.width = len(fams) * self.times
        self.keep_month = [
            sum(f.keep << (fi * self.times) for fi, f in enumerate(fams)
                if f.dates[m] is not None) for m in range(len(self.months))]
        self.candidates = sum(f.keep.bit_count() for f in fams)
        # Groups of schools with one calendar (or one group per school: share=False).
        by_key: dict[object, list[int]] = {}
        for i, s in enumerate(n.schools):
            by_key.setdefault(calendar_key(s) if share else i, []).append(i)
        self.groups: list[_Group] = []
        self.group_of = [0] * len(n.schools)
        self._slices = self._layout_slices()
        self._cals: dict[object, tuple[SchoolCalendar, frozenset[int]]] = {}
        self._bases: dict[object, DaySplit] = {}
        self._zone_days: dict[object, DaySplit] = {}
        self._weeks: dict[object, int] = {}
        for members in by_key.values():
            for i in members:
                self.group_of[i] = len(self.groups)
            self.groups.append(self._group(members, share=share))
            if progress is not None:
                progress(len(self.groups), len(by_key))
        self._local: dict[tuple[str, int], tuple[int, int]] = {}
        self._prefer: dict[tuple[int, int], int] = {}
        self._month_rows: dict[int, list[int]] = {}
        margin = dt.timedelta(days=CALENDAR_MARGIN_DAYS)  # the calendars' covered dates
        self._reasons = Reasons(first=_zones.day_number(n.start - margin),
                                last=_zones.day_number(n.end + margin), duration=n.duration)

    def _group(self, members: list[int], *, share: bool) -> _Group:
        """The group of schools ``members`` (one calendar). With ``share``, calendars of
        schools with the same country, holidays and week share the holidays and working
        week that ``build_calendar`` looked up (the slow part), and schools without busy
        times or stretch hours take their rows from their base (``webinar_days``);
        without, every group's availability is computed on its own."""
        n = self.n
        school = n.schools[members[0]]
        simple = not school.busy and not school.imported_busy
        key = (school.country, school.subdivision, school.holidays, school.days)
        got = self._cals.get(key) if share and simple else None
        if got is None:
            cal = build_calendar(school, start=n.start, end=n.end, duration=n.duration)
            got = (cal, frozenset(_zones.day_number(d) for d in cal.holidays))
            if simple:
                self._cals[key] = got
        cal = dataclasses.replace(got[0], school=school)
        week = self._weeks.setdefault((school.hours, school.hours_by_day), len(self._weeks))
        if share and simple and not school.stretch:
            split, tl = self._base(cal)
            closed = closed_days(school, got[1], _zones.day_number(cal.first),
                                 _zones.day_number(cal.last))
            return _Group(members=members, cal=cal, tl=tl, rows=open_rows(split, closed),
                          week=week)
        av = school_availability(cal)
        return _Group(members=members, cal=cal, tl=av.tl,
                      rows=self.rows(av.valid, av.first, av.last), week=week)

    def _base(self, cal: SchoolCalendar) -> tuple[DaySplit, _zones.Timeline]:
        """The rows of the starts that fit the windows of ``cal``'s school on its days,
        every date open, split by local date; and its zone's timeline. Zones with the
        same offsets over the horizon (``clock``) share their bases."""
        s = cal.school
        tl = _zones.timeline_for_dates(cal.zone, cal.first, cal.last,
                                       margin_days=TIMELINE_MARGIN_DAYS)
        offsets = clock(tl)
        key = (offsets, s.hours, s.hours_by_day, cal.days)
        split = self._bases.get(key)
        if split is None:
            open_school = dataclasses.replace(s, terms=(), closures=(), imported_closures=())
            av = school_availability(dataclasses.replace(
                cal, school=open_school, holidays=MappingProxyType({})))
            days = self._zone_days.get(offsets)
            if days is None:
                days = self._zone_days[offsets] = zone_days(av.tl, self._slices,
                                                            self.step, self.times)
            rows = self.rows(av.valid, av.first, av.last)
            split = self._bases[key] = base_rows(rows, days)
        return split, tl

    def _layout_slices(self) -> list[list[list[tuple[int, int, int, int]]]]:
        """Per month, per family: where its date's grid times lie on the UTC grid, as
        pieces ``(k_lo, count, phase, n)``: times ``k_lo ..`` are the UTC grid starts
        ``phase + (n + j) * step`` (``n`` before subtracting a group's base). A family
        without a date that month has no pieces."""
        step = self.step
        out: list[list[list[tuple[int, int, int, int]]]] = []
        for m in range(len(self.months)):
            per_family: list[list[tuple[int, int, int, int]]] = []
            for f in self.fams:
                idx = f.dates[m]
                pieces = () if idx is None else self.days[idx].pieces
                per_family.append([(k_lo, k_hi - k_lo + 1, (c + k_lo * step) % step,
                                    (c + k_lo * step) // step) for k_lo, k_hi, c in pieces])
            out.append(per_family)
        return out

    def rows(self, valid: Intervals, lo: int, hi: int) -> list[int]:
        """Per month, the candidate bits whose nominal start is in ``valid``."""
        step, times = self.step, self.times
        strings: dict[int, tuple[str, int]] = {}
        for phase in sorted({c % step for d in self.days for _, _, c in d.pieces}):
            grid = Grid.covering(phase, step, lo, hi)
            strings[phase] = (grid.bits(valid), grid.base)
        zeros = "0" * times
        out = []
        for m, per_family in enumerate(self._slices):
            parts = []
            for pieces in per_family:
                if len(pieces) == 1 and pieces[0][1] == times:  # the usual day: one slice
                    _, _, phase, first = pieces[0]
                    s, base = strings[phase]
                    n0 = first - base
                    if n0 >= 0 and n0 + times <= len(s):
                        parts.append(s[n0:n0 + times])
                        continue
                if not pieces:
                    parts.append(zeros)
                    continue
                chars = ["0"] * times
                for k_lo, count, phase, first in pieces:
                    s, base = strings[phase]
                    n0 = first - base
                    for j in range(count):
                        if 0 <= n0 + j < len(s):
                            chars[k_lo + j] = s[n0 + j]
                parts.append("".join(chars))
            out.append(int("".join(parts)[::-1], 2) & self.keep_month[m])
        return out

    # --- one candidate ----------------------------------------------------------------

    def start(self, fi: int, m: int, k: int) -> int | None:
        """UTC minute of family ``fi``'s nominal start in month ``m`` at time ``k``."""
        idx = self.fams[fi].dates[m]
        return None if idx is None else self.days[idx].start(k, self.step)

    def month_rows(self, m: int) -> list[int]:
        """Every group's row of month ``m``."""
        rows = self._month_rows.get(m)
        if rows is None:
            rows = self._month_rows[m] = [g.rows[m] for g in self.groups]
        return rows

    def attending_groups(self, pos: int, m: int) -> list[int]:
        bit = 1 << pos
        return [gi for gi, row in enumerate(self.month_rows(m)) if row & bit]

    def burden(self, fi: int, k: int, attendance: int) -> int:
        """Burden summed over the attended (school, month) pairs of a candidate."""
        if not attendance:
            return 0
        pos = fi * self.times + k
        n = self.n
        total = 0
        for m in range(len(self.months)):
            s = self.start(fi, m, k)
            if s is None:
                continue
            for gi in self.attending_groups(pos, m):
                g = self.groups[gi]
                day, minute = self._local_of(gi, s)
                for i in g.members:
                    prefer = n.schools[i].prefer
                    if prefer is None:
                        prefer = self._default_prefer(gi, day)
                    total += abs(minute - prefer)
        return total

    def _local_of(self, gi: int, s: int) -> tuple[int, int]:
        """Local day and wall minute of UTC minute ``s`` in the zone of group ``gi``."""
        g = self.groups[gi]
        key = (g.cal.zone, s)
        got = self._local.get(key)
        if got is None:
            got = self._local[key] = divmod(s + g.tl.offset(s), MINUTES_PER_DAY)
        return got

    def _default_prefer(self, gi: int, day: int) -> int:
        """The default preferred start of group ``gi``'s schools on local day ``day``
        (the same for every group with the same windows and the same weekday)."""
        g = self.groups[gi]
        key = (g.week, weekday_of_day(day))
        got = self._prefer.get(key)
        if got is None:
            ws = g.cal.windows(_zones.from_day_number(day))
            got = self._prefer[key] = centre(ws, self.n.duration)
        return got

    def rule(self, fi: int, k: int) -> Rule:
        f = self.fams[fi]
        return Rule(nth=nth_of(f.nth), weekday=WEEKDAYS[f.weekday], time=k * self.step,
                    anchor=self.n.anchor, duration=self.n.duration)

    def session_months(self, fi: int, k: int) -> tuple[tuple[NetworkMonth, ...], set[int]]:
        """Each month's session and attending schools, and the groups reached."""
        pos = fi * self.times + k
        out = []
        reached: set[int] = set()
        for m, (y, mo) in enumerate(self.months):
            s = self.start(fi, m, k)
            if s is None:
                continue
            groups = set(self.attending_groups(pos, m))
            reached |= groups
            ids = tuple(sch.id for i, sch in enumerate(self.n.schools)
                        if self.group_of[i] in groups)
            out.append(NetworkMonth(month=f"{y:04d}-{mo:02d}", start=_zones.from_minutes(s),
                                    attending=ids))
        return tuple(out), reached

    def missed(self, fi: int, k: int, *, reference: bool = False
               ) -> tuple[tuple[str, tuple[Missed, ...]], ...]:
        """Per school missing some month of the candidate (file order), those months
        with the reasons of ``SchoolCalendar.conflicts``, judged once per group and
        labelled with each member's id. In bulk (``webinar_missed``); ``reference=True``
        calls ``conflicts`` for every (group, month) instead (the same answer)."""
        pos = fi * self.times + k
        duration = dt.timedelta(minutes=self.n.duration)
        cals = [g.cal for g in self.groups]
        by_group: dict[int, list[Missed]] = {}
        for m, (y, mo) in enumerate(self.months):
            s = self.start(fi, m, k)
            if s is None:
                continue
            start = _zones.from_minutes(s)
            month = f"{y:04d}-{mo:02d}"
            missing = [gi for gi, row in enumerate(self.month_rows(m)) if not (row >> pos) & 1]
            if reference:
                end = start + duration
                reasons = [tuple(cals[gi].conflicts(start, end)) for gi in missing]
            else:
                reasons = self._reasons.month(s, start, missing, cals)
            for gi, why in zip(missing, reasons, strict=True):
                got = by_group.get(gi)
                if got is None:
                    got = by_group[gi] = []
                got.append(Missed(month=month, start=start, reasons=why))
        out = []
        for i, school in enumerate(self.n.schools):
            gi = self.group_of[i]
            got = by_group.get(gi)
            if not got:
                continue
            if len(self.groups[gi].members) == 1:  # the reasons name the group's school
                out.append((school.id, tuple(got)))
            else:
                out.append((school.id, tuple(Reasons.member(x, school.id) for x in got)))
        return tuple(out)

    def never(self, reached: set[int]) -> tuple[str, ...]:
        return tuple(s.id for i, s in enumerate(self.n.schools)
                     if self.group_of[i] not in reached)

    def instants(self, fi: int, k: int) -> tuple[int | None, ...]:
        return tuple(self.start(fi, m, k) for m in range(len(self.months)))

    def tail(self, fi: int, k: int) -> tuple[int, int, int]:
        f = self.fams[fi]
        return (NTHS.index(f.nth), f.weekday, k * self.step)


def _pick(search: _Search, ranked: list[tuple[tuple[int, ...], int]], want: int,
          att: list[int], *, dedup: bool = True) -> list[tuple[tuple[int, ...], int]]:
    """The best ``want`` candidates: ``ranked`` holds (count key, position) sorted by the
    count key; ties on it are broken by burden and the rule's indices. With ``dedup``
    a candidate whose nominal instants equal a better one's is left out."""
    out: list[tuple[tuple[int, ...], int]] = []
    seen: set[tuple[int | None, ...]] = set()
    i = 0
    times = search.times
    while i < len(ranked) and len(out) < want:
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        tied = []
        for key, pos in ranked[i:j]:
            fi, k = divmod(pos, times)
            tied.append(((*key, search.burden(fi, k, att[pos]), *search.tail(fi, k)), pos))
        tied.sort()
        for key, pos in tied:
            if len(out) >= want:
                break
            if dedup:
                inst = search.instants(*divmod(pos, times))
                if inst in seen:
                    continue
                seen.add(inst)
            out.append((key, pos))
        i = j
    return out


def _repeat(search: _Search, pos1: int, att: list[int]) -> Session | None:
    """The repeat session of the option at candidate ``pos1`` (see network.md); None
    when the option's rule is the only candidate."""
    times = search.times
    extra: list[int] = []
    for g in search.groups:
        w = len(g.members)
        for row in g.rows:
            if not (row >> pos1) & 1:
                add_weighted(extra, row, w)
    missed = counts(extra, search.width)
    ranked: list[tuple[tuple[int, ...], int]] = sorted(((-missed[pos], -att[pos]), pos)
                    for fi, f in enumerate(search.fams) for k in positions(f.keep)
                    if (pos := fi * times + k) != pos1)
    if not ranked:
        return None
    (_, pos2), = _pick(search, ranked, 1, att, dedup=False)
    fi, k = divmod(pos2, times)
    months, reached2 = search.session_months(fi, k)
    _, reached1 = search.session_months(*divmod(pos1, times))
    return Session(rule=search.rule(fi, k), extra=missed[pos2], attendance=att[pos2],
                   combined=att[pos1] + missed[pos2], months=months,
                   never=search.never(reached1 | reached2))


def plan_network(network: Network, *, top: int | None = None, share: bool = True,
                 progress: Progress | None = None) -> NetworkPlan:
    """Rank the candidate rules of a network by attendance (network.md).

    ``top`` overrides the network's own number of options. ``share=False`` gives every
    school its own availability (for benchmarks: the answer is the same).
    ``progress(done, total)`` is called as the distinct calendars are laid out (the
    long part of a large network). Pure but for ``progress``.
    """
    n = network
    want = top if top is not None else n.top
    search = _Search(n, share=share, progress=progress)
    width = search.width
    per_month = []
    union: list[int] = []
    for m in range(len(search.months)):
        c: list[int] = []
        for g in search.groups:
            add_weighted(c, g.rows[m], len(g.members))
        per_month.append(counts(c, width))
    for g in search.groups:
        any_month = 0
        for row in g.rows:
            any_month |= row
        add_weighted(union, any_month, len(g.members))
    reached = counts(union, width)
    att = [sum(col) for col in zip(*per_month, strict=True)] if per_month else [0] * width
    ranked: list[tuple[tuple[int, ...], int]] = []
    worst: dict[int, int] = {}
    times = search.times
    for fi, f in enumerate(search.fams):
        in_plan = [m for m, d in enumerate(f.dates) if d is not None]
        for k in positions(f.keep):
            pos = fi * times + k
            if att[pos] <= 0:
                continue
            worst[pos] = min(per_month[m][pos] for m in in_plan)
            ranked.append(((-att[pos], -worst[pos], -reached[pos]), pos))
    ranked.sort()
    options = []
    for rank, (key, pos) in enumerate(_pick(search, ranked, want, att), start=1):
        fi, k = divmod(pos, times)
        months, reached_groups = search.session_months(fi, k)
        metrics = NetworkMetrics(attendance=att[pos], worst_month=worst[pos],
                                 reached=reached[pos],
                                 possible=len(n.schools) * len(months), burden=key[3])
        options.append(NetworkOption(
            rank=rank, rule=search.rule(fi, k), metrics=metrics, months=months,
            never=search.never(reached_groups), missed=search.missed(fi, k),
            repeat=_repeat(search, pos, att) if n.sessions == 2 else None))
    diagnostics = None if options else _diagnostics(search)
    return NetworkPlan(network=n, tzdata=_zones.IANA_VERSION, months=len(search.months),
                       candidates=search.candidates, options=tuple(options),
                       diagnostics=diagnostics)


def _diagnostics(search: _Search) -> Diagnostics:
    """How often each condition ruled out each school, over every candidate rule and
    month's nominal meeting; and the longest weekly overlap of all schools' windows."""
    by_group: list[tuple[tuple[str, int], ...]] = []
    avs = []
    for g in search.groups:
        av = school_availability(g.cal, with_reasons=True)
        avs.append(av)
        counts: dict[str, int] = {}
        for code, intervals in av.by_reason.items():
            if not intervals:
                continue
            total = sum(row.bit_count() for row in search.rows(intervals, av.first, av.last))
            if total:
                counts[code] = total
        by_group.append(tuple(sorted(counts.items())))
    ruled = tuple((s.id, by_group[search.group_of[i]])
                  for i, s in enumerate(search.n.schools))
    return Diagnostics(ruled_out=ruled, weekly_overlap=weekly_overlap(avs))
