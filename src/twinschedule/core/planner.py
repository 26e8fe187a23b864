"""Search and ranking: every candidate rule, each month scheduled, moved or skipped,
metrics, de-duplication, the ranking key of planning.md, and diagnostics.

The search is exhaustive and exact. Each school's availability is computed once (as
UTC intervals) and turned into one bit mask of the anchor's start-time grid per anchor
date; all start times of a (anchor, nth, weekday) family are then decided together
with integer bit operations. Full metrics are computed only for candidates that can
still reach the top: candidates are grouped by (held, moved), the first two keys of
the ranking.

Names used below (integers, see ``_units``):

- a *date index* is an anchor date's position in the horizon (0 = ``start``);
- grid time ``k`` is the start ``k * step`` wall minutes after the anchor's midnight,
  and bit ``k`` of a :data:`GridMask`;
- a :class:`_Family` is one (anchor, nth, weekday) with a :class:`MonthMasks` per month;
- a :class:`Row` holds, for one anchor date, what every candidate meeting there looks
  like for each school (shared by all candidates);
- :meth:`_Search.exact` evaluates one candidate (:class:`Exact`), and
  :meth:`_Search.group_keys` the keys of many at once; both build a :class:`RankKey`.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import add
from typing import NamedTuple

from twinschedule._tz import zones as _zones
from twinschedule._units import (
    MINUTES_PER_DAY,
    TIMELINE_MARGIN_DAYS,
    DayNumber,
    GridMask,
    UtcMinute,
    WallMinute,
    weekday_of_day,
)
from twinschedule._vocab import WEEKDAYS, Nth, Reason, Status, weekday_index
from twinschedule.core.availability import (
    AnchorDay,
    GridStarts,
    Intervals,
    Piece,
    SchoolAvailability,
    anchor_days,
    intersect,
    school_availability,
    selection,
)
from twinschedule.core.bits import add as _add
from twinschedule.core.bits import equal as _equal
from twinschedule.core.bits import positions as _bits
from twinschedule.core.calendar import SchoolCalendar, build_calendars
from twinschedule.core.plan import Diagnostics, Meeting, Metrics, Option, Plan, WeeklyOverlap
from twinschedule.core.ranking import RankKey
from twinschedule.core.rules import months, move_offsets, nth_weekday
from twinschedule.model import Conflict, Partnership, Rule

# Named tuples built in loops use tuple.__new__: the same objects as ``Move(...)``,
# without the Python-level ``__new__`` of NamedTuple.
_new = tuple.__new__

#: Above this many valid times on an anchor date, a :class:`Row` is filled by whole
#: runs of the grid (list operations); at or below it, time by time.
DENSE_ROW = 16


class Move(NamedTuple):
    """The grid times of a month that move to the anchor date ``day`` (a date index)."""

    day: int
    mask: GridMask


class MonthMasks(NamedTuple):
    """One month of a family: the nominal date (a date index), the grid times held on
    it, and the moves of the others, in move order (each time moves at most once)."""

    nominal: int
    scheduled: GridMask
    moves: list[Move]


@dataclass(slots=True)
class _Family:
    """One (anchor, nth, weekday) with the per-month outcome masks of all its times;
    ``excluded``: the times that are not candidates (bad on some nominal date)."""

    anchor_index: int
    nth: Nth
    weekday: int
    months: list[MonthMasks]
    excluded: GridMask


@dataclass(slots=True)
class _Anchor:
    name: str
    days: list[AnchorDay]  # by date index
    valid: list[GridMask]  # by date index: times valid for the partnership


class Row(NamedTuple):
    """An anchor date's grid times, for those valid for the partnership (the only ones a
    held meeting can use): the UTC start, and per school the wall minutes after local
    midnight and the burden (distance from the preferred time). Indexed ``[k]`` and
    ``[school][k]``; other entries are 0."""

    starts: list[UtcMinute]
    wall_minutes: list[list[WallMinute]]
    burdens: list[list[int]]


class Outcome(NamedTuple):
    """A month of a candidate: the date index of its held meeting (None: skipped), and
    whether it moved there."""

    day: int | None
    moved: bool


class Exact(NamedTuple):
    """One candidate's exact evaluation: its key, the UTC starts of its held meetings
    (its identity for duplicates), each month's outcome, and per school the usual
    wall-clock time and the burden."""

    key: RankKey
    starts: tuple[UtcMinute, ...]
    outcomes: list[Outcome]
    usual: list[WallMinute]
    burdens: list[int]


@dataclass(slots=True)
class Shared:
    """What plans of partnerships with the same horizon, duration, step, weekdays,
    weeks, on_conflict and max_move_days share, whatever their schools (partner
    matching plans thousands of such pairs): the anchors' start-time grids by (zone,
    duration), the dates each nominal date may move to, and the nominal dates."""

    anchor_grids: dict[tuple[str, int], list[AnchorDay]] = field(default_factory=dict)
    orders: dict[dt.date, list[int]] = field(default_factory=dict)
    nominals: dict[tuple[Nth, int], list[tuple[dt.date, int]]] | None = None


class _Search:
    def __init__(self, p: Partnership, cals: tuple[SchoolCalendar, ...],
                 avs: Sequence[SchoolAvailability] | None = None,
                 anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None,
                 shared: Shared | None = None) -> None:
        self.p = p
        self.shared = shared if shared is not None else Shared()
        self._anchor_grids = (anchor_grids if anchor_grids is not None
                              else self.shared.anchor_grids)
        self.cals = cals
        self.step = p.step
        self.n_times = MINUTES_PER_DAY // p.step
        self.full: GridMask = (1 << self.n_times) - 1
        self.first_day: DayNumber = _zones.day_number(p.start)
        self.last_day: DayNumber = _zones.day_number(p.end)
        self.avs = list(avs) if avs is not None else [school_availability(c) for c in cals]
        self._starts = GridStarts([av.valid for av in self.avs], p.step,
                                  max(av.first for av in self.avs),
                                  min(av.last for av in self.avs))
        names = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
        self.anchors = [self._anchor(n) for n in names]
        self.months = months(p.start, p.end)
        self.allowed = frozenset(weekday_index(w) for w in p.weekdays)
        self._orders = self.shared.orders
        self._rows: dict[tuple[int, int], Row] = {}
        self._prefer: list[dict[DayNumber, WallMinute]] = [{} for _ in cals]

    def _anchor(self, name: str) -> _Anchor:
        days = self._anchor_grids.get((name, self.p.duration))
        if days is None:
            tl = _zones.timeline_for_dates(name, self.p.start, self.p.end,
                                           margin_days=TIMELINE_MARGIN_DAYS)
            days = anchor_days(tl, self.first_day, self.last_day, self.step, self.p.duration)
            self._anchor_grids[(name, self.p.duration)] = days
        valid = [self._starts.mask(day.pieces) & ~day.bad & self.full for day in days]
        return _Anchor(name=name, days=days, valid=valid)

    def date(self, index: int) -> dt.date:
        """The anchor date of a date index."""
        return _zones.from_day_number(self.first_day + index)

    # -- the families: every (anchor, nth, weekday), all times at once

    def _order(self, nominal: dt.date) -> list[int]:
        """The date indexes a meeting of ``nominal`` may move to, best first."""
        got = self._orders.get(nominal)
        if got is None:
            base = _zones.day_number(nominal) - self.first_day
            month_first = nominal.replace(day=1)
            month_last = nominal.replace(day=monthrange(nominal.year, nominal.month)[1])
            lo = (max(month_first, self.p.start) - nominal).days
            hi = (min(month_last, self.p.end) - nominal).days
            got = [base + k for k in move_offsets(nominal.weekday(), lo, hi, self.allowed,
                                                  self.p.max_move_days)]
            self._orders[nominal] = got
        return got

    def _nominals(self) -> dict[tuple[Nth, int], list[tuple[dt.date, int]]]:
        """The nominal dates (and date indexes) of every (nth, weekday) in the horizon,
        shared by all anchors."""
        out: dict[tuple[Nth, int], list[tuple[dt.date, int]]] = {}
        for nth in self.p.weeks:
            for wd_code in self.p.weekdays:
                wd = weekday_index(wd_code)
                in_months = [nth_weekday(y, mo, wd, nth) for y, mo in self.months]
                out[(nth, wd)] = [(d, _zones.day_number(d) - self.first_day)  # type: ignore[index]
                                  for d in in_months if self.p.start <= d <= self.p.end]
        return out

    def families(self) -> list[_Family]:
        out = []
        nominals = self.shared.nominals
        if nominals is None:
            nominals = self.shared.nominals = self._nominals()
        move = self.p.on_conflict == "move"
        full = self.full
        for ai, anchor in enumerate(self.anchors):
            valid = anchor.valid
            # Any start valid on some date of the month: no move can do better.
            month_any: dict[tuple[int, int], GridMask] = {}
            for index, m in enumerate(valid):
                if m:
                    d = _zones.from_day_number(self.first_day + index)  # self.date(index)
                    month_any[(d.year, d.month)] = month_any.get((d.year, d.month), 0) | m
            for (nth, wd), dates in nominals.items():
                fam = _Family(anchor_index=ai, nth=nth, weekday=wd, months=[], excluded=0)
                for d, index in dates:
                    fam.excluded |= anchor.days[index].bad
                    scheduled = valid[index]
                    remaining = full & ~scheduled & month_any.get((d.year, d.month), 0)
                    moves: list[Move] = []
                    if move and remaining:
                        for other in self._order(d):
                            got = remaining & valid[other]
                            if got:
                                moves.append(_new(Move, (other, got)))
                                remaining &= ~got
                                if not remaining:
                                    break
                    fam.months.append(_new(MonthMasks, (index, scheduled, moves)))
                out.append(fam)
        return out

    # -- rows: what a meeting at each grid time of an anchor date is for each school

    def _pref(self, i: int, local_day: DayNumber) -> WallMinute:
        prefs = self._prefer[i]
        pref = prefs.get(local_day)
        if pref is None:
            pref = prefs[local_day] = self.cals[i].prefer(_zones.from_day_number(local_day))
        return pref

    def row(self, ai: int, index: int) -> Row:
        """The :class:`Row` of anchor ``ai``'s date ``index``, computed once."""
        key = (ai, index)
        got = self._rows.get(key)
        if got is not None:
            return got
        step = self.step
        n = self.n_times
        anchor = self.anchors[ai]
        valid = anchor.valid[index]
        pieces = anchor.days[index].pieces
        starts = [0] * n
        for lo, hi, origin in pieces:
            starts[lo:hi + 1] = range(origin + lo * step, origin + (hi + 1) * step, step)
        minutes: list[list[WallMinute]] = []
        burdens: list[list[int]] = []
        # Few valid times: compute them one by one; many: whole runs of the grid on one
        # local date of the school, with C-speed list operations.
        dense = valid.bit_count() > DENSE_ROW
        few: dict[int, list[int]] = {}  # valid times of a piece, listed on first use
        for i, av in enumerate(self.avs):
            mins = [0] * n
            burd = [0] * n
            for piece in pieces:
                lo, hi, origin = piece
                if not dense or av.tl.changes_between(origin + lo * step - 1,
                                                      origin + hi * step + 1):
                    if lo not in few:
                        few[lo] = _bits(valid & ((1 << (hi + 1)) - (1 << lo)))
                    self._sparse(i, av, piece, few[lo], mins, burd)
                else:
                    self._dense(i, av, piece, mins, burd)
            minutes.append(mins)
            burdens.append(burd)
        got = self._rows[key] = Row(starts, minutes, burdens)
        return got

    def _sparse(self, i: int, av: SchoolAvailability, piece: Piece, times: list[int],
                mins: list[WallMinute], burd: list[int]) -> None:
        """Fill ``mins`` and ``burd`` of school ``i`` at the grid ``times``, one by one."""
        tl = av.tl
        origin = piece[2]
        for k in times:
            s = origin + k * self.step
            local_day, m = divmod(s + tl.offset(s), MINUTES_PER_DAY)
            pref = self._pref(i, local_day)
            mins[k] = m
            burd[k] = m - pref if m >= pref else pref - m

    def _dense(self, i: int, av: SchoolAvailability, piece: Piece, mins: list[WallMinute],
               burd: list[int]) -> None:
        """Fill ``mins`` and ``burd`` of school ``i`` for a whole piece in which the
        school's offset is constant: run by run of one local date."""
        step = self.step
        lo, hi, origin = piece
        off = av.tl.offset(origin + lo * step)
        k = lo
        while k <= hi:
            wall = origin + off + k * step
            local_day = wall // MINUTES_PER_DAY
            last = min(hi, ((local_day + 1) * MINUTES_PER_DAY - 1 - origin - off) // step)
            m0 = wall - local_day * MINUTES_PER_DAY
            length = last - k + 1
            pref = self._pref(i, local_day)
            mins[k:last + 1] = range(m0, m0 + length * step, step)
            # |m - pref| along the run: falling to the preferred time, then rising.
            t = max(0, min(length, -((m0 - pref) // step)))
            burd[k:k + t] = range(pref - m0, pref - m0 - t * step, -step)
            burd[k + t:last + 1] = range(m0 + t * step - pref, m0 + length * step - pref, step)
            k = last + 1

    # -- keys and metrics

    def exact(self, fam: _Family, k: int) -> Exact:
        """Grid time ``k`` of ``fam`` evaluated on its own: the one computation of a
        candidate's metrics (options are built from it)."""
        bit = 1 << k
        moved = 0
        outcomes: list[Outcome] = []
        rows = []
        cache = self._rows
        ai = fam.anchor_index
        for month in fam.months:
            day: int | None = None
            was_moved = False
            if month.scheduled & bit:
                day = month.nominal
            else:
                for move in month.moves:
                    if move.mask & bit:
                        day, was_moved = move.day, True
                        break
            outcomes.append(Outcome(day, was_moved))
            if day is None:
                continue
            moved += was_moved
            rows.append(cache.get((ai, day)) or self.row(ai, day))
        held = len(rows)
        drift = 0
        usual: list[WallMinute] = []
        burdens: list[int] = []
        for i in range(len(self.avs)):
            counts = Counter([r.wall_minutes[i][k] for r in rows])
            top = max(counts.values())
            drift += held - top
            # The usual time: the most frequent local time, on a tie the earliest.
            usual.append(min(m for m, c in counts.items() if c == top))
            burdens.append(sum([r.burdens[i][k] for r in rows]))
        key = RankKey.of(held=held, moved=moved, drift=drift, burdens=burdens, anchor_index=ai,
                         nth=fam.nth, weekday=fam.weekday, time=k * self.step)
        return Exact(key, tuple(r.starts[k] for r in rows), outcomes, usual, burdens)

    def group_keys(self, fam: _Family, times: GridMask, held: int,
                   moved: int) -> list[RankKey]:
        """The ranking keys of all grid ``times`` of a family that hold ``held`` meetings
        of which ``moved`` moved, computed together: whole rows are added with C-speed
        list operations where every one of these times meets on the nominal date."""
        n = self.n_times
        ai = fam.anchor_index
        schools = range(len(self.avs))
        burden = [[0] * n for _ in schools]
        columns: list[list[list[int | None]]] = [[] for _ in schools]
        for month in fam.months:
            nominal = times & month.scheduled
            row = self.row(ai, month.nominal) if nominal else None
            if nominal == times and row is not None:
                for i in schools:
                    burden[i] = list(map(add, burden[i], row.burdens[i]))
                    columns[i].append(row.wall_minutes[i])  # type: ignore[arg-type]
                continue
            parts = [(row, nominal)] if row is not None else []
            parts += [(self.row(ai, mv.day), times & mv.mask) for mv in month.moves
                      if times & mv.mask]
            for i in schools:
                mins: list[int | None] = [None] * n
                burd = [0] * n
                for r, part in parts:
                    for k in _bits(part):
                        mins[k] = r.wall_minutes[i][k]
                        burd[k] = r.burdens[i][k]
                burden[i] = list(map(add, burden[i], burd))
                columns[i].append(mins)
        by_time = [list(zip(*cols, strict=True)) for cols in columns]
        keys: list[RankKey] = []
        none = {None}
        of = RankKey.of
        for k in _bits(times):
            drift = 0
            for i in schools:
                minutes = by_time[i][k]  # this time's local minute in every month (None: none)
                drift += held - max(map(minutes.count, set(minutes) - none))
            keys.append(of(held=held, moved=moved, drift=drift,
                           burdens=[burden[i][k] for i in schools], anchor_index=ai,
                           nth=fam.nth, weekday=fam.weekday, time=k * self.step))
        return keys

    # -- outputs

    def conflicts(self, start: dt.datetime) -> tuple[Conflict, ...]:
        """Every school's reasons against a meeting at ``start`` (readable definition)."""
        end = start + dt.timedelta(minutes=self.p.duration)
        return tuple(c for cal in self.cals for c in cal.conflicts(start, end))

    def option(self, rank: int, fam: _Family, exact: Exact) -> Option:
        """The option of a candidate from its exact evaluation (no metric recomputed)."""
        p = self.p
        k = exact.key.time // self.step
        anchor = self.anchors[fam.anchor_index]
        rule = Rule(nth=fam.nth, weekday=WEEKDAYS[fam.weekday], time=exact.key.time,
                    anchor=anchor.name, duration=p.duration)
        zones = [_zones.get_zone(s.timezone) for s in p.schools]
        meetings: list[Meeting] = []
        held_starts = iter(exact.starts)
        for month, outcome in zip(fam.months, exact.outcomes, strict=True):
            nominal = _zones.from_minutes(anchor.days[month.nominal].start(k, self.step))
            d = self.date(month.nominal)
            status: Status = ("skipped" if outcome.day is None else
                              "moved" if outcome.moved else "scheduled")
            reasons = () if status == "scheduled" else self.conflicts(nominal)
            if outcome.day is None:
                meetings.append(Meeting(month=f"{d.year:04d}-{d.month:02d}", status=status,
                                        nominal=nominal, start=None, end=None, local=None,
                                        reasons=reasons))
                continue
            start = _zones.from_minutes(next(held_starts))
            meetings.append(Meeting(
                month=f"{d.year:04d}-{d.month:02d}", status=status, nominal=nominal,
                start=start, end=start + dt.timedelta(minutes=p.duration),
                local=tuple((sch.id, start.astimezone(z))
                            for sch, z in zip(p.schools, zones, strict=True)),
                reasons=reasons))
        key = exact.key
        metrics = Metrics(held=key.held, scheduled=key.held - key.moved, moved=key.moved,
                          skipped=len(fam.months) - key.held, drift=key.drift,
                          max_burden=key.max_burden, total_burden=key.total_burden)
        ids = [s.id for s in p.schools]
        return Option(rank=rank, rule=rule, metrics=metrics,
                      usual_times=tuple(zip(ids, exact.usual, strict=True)),
                      burdens=tuple(zip(ids, exact.burdens, strict=True)),
                      meetings=tuple(meetings))

    # -- diagnostics

    def _weights(self, fams: list[_Family]) -> tuple[list[Counter[int]],
                                                     list[list[tuple[int, GridMask]]]]:
        """How many times each anchor date is the nominal date of a family all of whose
        times are candidates; and, date by date, the candidate times of the others."""
        weights: list[Counter[int]] = [Counter() for _ in self.anchors]
        partial: list[list[tuple[int, GridMask]]] = [[] for _ in self.anchors]
        for fam in fams:
            keep = self.full & ~fam.excluded
            for month in fam.months:
                if keep == self.full:
                    weights[fam.anchor_index][month.nominal] += 1
                elif keep:
                    partial[fam.anchor_index].append((month.nominal, keep))
        return weights, partial

    def diagnostics(self, fams: list[_Family]) -> Diagnostics:
        """``ruled_out``: over every candidate rule and month, how often each school
        failed each condition at the nominal meeting; and the longest weekly overlap."""
        step = self.step
        weights, partial = self._weights(fams)
        ruled: list[tuple[str, tuple[tuple[str, int], ...]]] = []
        selections: list[dict[int, dict[int, GridMask]]] | None = None
        avs = [school_availability(cal, with_reasons=True) for cal in self.cals]
        for cal, av in zip(self.cals, avs, strict=True):
            if selections is None:
                selections = [selection([(anchor.days[i], w) for i, w in weights[ai].items()],
                                        step, av.first, av.last)
                              for ai, anchor in enumerate(self.anchors)]
            counts: dict[Reason, int] = {}
            for reason, intervals in av.by_reason.items():
                if not intervals:
                    continue
                failing = GridStarts([intervals], step, av.first, av.last)
                total = 0
                for ai, anchor in enumerate(self.anchors):
                    for phase, by_weight in selections[ai].items():
                        value = failing.on(phase)[1]
                        total += sum(w * (value & sel).bit_count() for w, sel in by_weight.items())
                    for index, keep in partial[ai]:
                        total += (failing.mask(anchor.days[index].pieces) & keep).bit_count()
                if total:
                    counts[reason] = total
            ruled.append((cal.school.id, tuple(sorted(counts.items()))))
        return Diagnostics(ruled_out=tuple(ruled), weekly_overlap=weekly_overlap(avs))


class _Counted(NamedTuple):
    """A family's candidates that hold a meeting, and bit-sliced counters of how many
    meetings each time holds and how many of them moved (plane j: bit j of the count)."""

    union: GridMask
    held: list[GridMask]
    moved: list[GridMask]


def _count(search: _Search, fam: _Family) -> _Counted:
    keep = search.full & ~fam.excluded
    held: list[GridMask] = []
    moved: list[GridMask] = []
    union = 0
    for month in fam.months:
        _add(held, month.scheduled & keep)
        union |= month.scheduled
        for move in month.moves:
            _add(held, move.mask & keep)
            _add(moved, move.mask & keep)
            union |= move.mask
    return _Counted(union & keep, held, moved)


def _ranked(search: _Search, fams: list[_Family], want: int) -> list[Option]:
    """The first ``want`` options, taking candidates group by group of equal (held,
    moved), best first: the first two keys of the ranking."""
    counted = [_count(search, fam) for fam in fams]
    options: list[Option] = []
    seen: set[tuple[UtcMinute, ...]] = set()
    most = max((len(f.months) for f in fams), default=0)
    for h in range(most, 0, -1):
        with_h = [(fi, m) for fi, c in enumerate(counted) if (m := _equal(c.held, h, c.union))]
        for mv in range(h + 1):
            if not with_h or len(options) >= want:
                break
            scored: list[tuple[RankKey, int]] = []
            for fi, m in with_h:
                times = _equal(counted[fi].moved, mv, m)
                if times:
                    scored.extend((key, fi) for key in search.group_keys(fams[fi], times, h, mv))
            scored.sort()
            for key, fi in scored:
                if len(options) >= want:
                    break
                exact = search.exact(fams[fi], key.time // search.step)
                if exact.key != key:
                    raise RuntimeError(f"twinschedule internal error: the group key {key} "
                                       f"and the exact key {exact.key} of a candidate differ")
                if exact.starts in seen:
                    continue
                seen.add(exact.starts)
                options.append(search.option(len(options) + 1, fams[fi], exact))
        if len(options) >= want:
            break
    return options


def weekly_overlap(avs: list[SchoolAvailability]) -> WeeklyOverlap:
    """The longest stretch when every school is inside a window on a school day (from
    the ``in_windows`` of availabilities computed ``with_reasons``)."""
    common: Intervals | None = None
    for av in avs:
        common = av.in_windows if common is None else intersect(common, av.in_windows)
    best: tuple[UtcMinute, UtcMinute] | None = None
    for a, b in common or []:
        if best is None or b - a > best[1] - best[0]:
            best = (a, b)
    if best is None:
        return WeeklyOverlap(minutes=0, weekday=None, start=None, end=None)
    a, b = best
    return WeeklyOverlap(minutes=b + 1 - a,
                         weekday=WEEKDAYS[weekday_of_day(a // MINUTES_PER_DAY)],
                         start=a % MINUTES_PER_DAY, end=(b + 1) % MINUTES_PER_DAY)


def plan(partnership: Partnership, *, top: int | None = None,
         calendars: tuple[SchoolCalendar, ...] | None = None,
         availabilities: Sequence[SchoolAvailability] | None = None,
         anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None,
         diagnostics: bool = True, shared: Shared | None = None) -> Plan:
    """Search every candidate rule of ``partnership`` and rank them (planning.md).

    ``top`` overrides the partnership's own ``top``. Pure: reads no file and no clock.
    ``calendars`` and ``availabilities`` (one per school, in order) may be given when
    already computed for exactly this partnership, e.g. by the suggestions, which re-plan
    small changes; ``anchor_grids`` caches the anchors' start-time grids by (zone,
    duration) across plans of one horizon and step; ``shared`` (:class:`Shared`) caches
    those grids and the nominal dates and their moves across plans of partnerships that
    differ only in their schools; ``diagnostics=False`` leaves them out of an
    infeasible plan.
    """
    p = partnership
    cals = calendars if calendars is not None else build_calendars(p)
    search = _Search(p, cals, availabilities, anchor_grids, shared)
    fams = search.families()
    candidates = sum((search.full & ~fam.excluded).bit_count() for fam in fams)
    options = _ranked(search, fams, top if top is not None else p.top)
    diag = None if options or not diagnostics else search.diagnostics(fams)
    return Plan(partnership=p, tzdata=_zones.IANA_VERSION, options=tuple(options),
                diagnostics=diag, candidates=candidates)
