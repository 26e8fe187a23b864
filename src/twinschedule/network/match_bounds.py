"""Lower bounds of a pair's score (network.md's ``(-held, moved, drift, max_burden,
total_burden)``), from the two schools' sketches and the anchors of their zones.

For a pair and an anchor, folding each month of ``both sketches & month mask`` onto
one day's wall clock gives, for every clock time, the months in which some allowed day
has a start at that time: a rule at that time holds at most that many meetings
(:func:`held`). A rule reaching the bound holds one in each of those months, so every
such month whose nominal date has no start at that time is moved (:func:`moved`); the
school of the other zone sees the time at as many local times as the months'
UTC-offset differences allow (:func:`drift`); and each school's burden is at least the
sum, over those months, of the smallest distance between that time, shifted by one of
the month's offset differences, and one of its preferred starts (:func:`burdens`). The
offset differences are those at the pair's starts (``match_anchors.offset_diffs``).

Every function here is pure; :func:`bound` combines them into a :class:`Score` that is
at most the pair's exact score (the test suite checks it on random pools).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from twinschedule.core.bits import add as _add
from twinschedule.core.bits import equal as _equal
from twinschedule.core.ranking import Score
from twinschedule.network.match_anchors import (
    ABSENT,
    Anchor,
    DayDiffs,
    Diffs,
    Families,
    PairAnchor,
    offset_diffs,
    unfold,
)
from twinschedule.network.match_grid import MatchGrid, Sketch


class Held(NamedTuple):
    """An upper bound of the meetings any rule of an anchor holds, and where."""

    most: int  # the most meetings a rule can hold (0: none)
    times: int  # the wall times (bit ``minute // g`` of a day) that reach ``most``
    folds: list[int]  # per month: the wall times with a start on some allowed day
    fulls: list[int]  # per month: bit ``j * dbits + minute // g``, day ``j`` of the month


def layout(x: int, anchor: Anchor, dbits: int) -> tuple[list[int], list[int]]:
    """Per month of the anchor, the starts of ``x`` on its allowed days as bit
    ``j * dbits + minute // g`` (day ``j`` of the month, its wall clock) and folded onto
    one day (the wall times with a start on some allowed day): ``(fulls, folds)``."""
    day = (1 << dbits) - 1
    folds: list[int] = []
    fulls: list[int] = []
    for month in anchor.months:
        y = unfold(x, month)
        fulls.append(y)
        if not y:
            folds.append(0)
            continue
        for k in (16, 8, 4, 2, 1):
            y |= y >> (k * dbits)
        folds.append(y & day)
    return fulls, folds


def held(both: int, anchor: Anchor, dbits: int) -> Held:
    """For each wall time of the day, the months in which some allowed day has a start
    at that time in ``both``; the largest count and the times that reach it."""
    fulls, folds = layout(both, anchor, dbits)
    planes: list[int] = []
    union = 0
    for y in folds:
        if y:
            _add(planes, y)
            union |= y
    for v in range(len(anchor.months), 0, -1):
        times = _equal(planes, v, union)
        if times:
            return Held(v, times, folds, fulls)
    return Held(0, 0, folds, fulls)


def _lanes(h: Held, fams: Families) -> list[tuple[int, int, int]]:
    """Per month whose fold has one of ``h.times``, in every family's lane: the fold,
    the starts on the family's nominal day, and the lanes of the families without a
    nominal date in that month (:class:`~twinschedule.network.match_anchors.Families`).
    A month's days are rows of ``dbits`` bits, a whole number of bytes, so picking each
    family's nominal day is a byte slice."""
    size = (ABSENT + 1) * fams.dbits // 8
    out = []
    for y, full, pick, absent in zip(h.folds, h.fulls, fams.pick, fams.absent, strict=True):
        if y & h.times:
            nom = int.from_bytes(b"".join(pick(full.to_bytes(size, "little"))), "little")
            out.append((y * fams.rep, nom, absent))
    return out


def misses(ok: int, months: Iterable[tuple[int, int, int]]) -> tuple[int, int, int]:
    """Saturating counts of missed nominal dates, lane by lane: for each month ``(fold
    in every lane, starts on the nominal days, lanes without a nominal date)``, the
    times of ``ok`` in a lane without a nominal date are dropped, and a fold's time with
    no start on the nominal day is a miss. Returns ``(ok, ones, twos)``: the times
    left, those missing at least once, and those missing at least twice."""
    ones = twos = 0
    for y, nom, absent in months:
        if absent:
            ok &= ~(y & absent)
        miss = y & ~nom
        twos |= ones & miss
        ones |= miss
    return ok, ones, twos


#: A pair's months in every family's lane (:func:`_lanes`) and their :func:`misses`:
#: what :func:`moved` and :func:`few_moves` both start from.
Counted = tuple[list[tuple[int, int, int]], tuple[int, int, int]]


def _counted(h: Held, fams: Families) -> Counted:
    months = _lanes(h, fams)
    return months, misses(h.times * fams.rep, months)


def _at_most_once(counted: tuple[int, int, int]) -> int | None:
    ok, ones, twos = counted
    if ok & ~ones:
        return 0
    return 1 if ok & ~twos else None


def _moved_at_most_once(h: Held, fams: Families) -> int | None:
    """0 or 1 when some time of some family misses its nominal date in no month or in
    one month only (saturating counters, all families at once); None otherwise. A time
    of a family counts only while every month whose fold has it has a nominal date."""
    return _at_most_once(_counted(h, fams)[1])


def moved(h: Held, fams: Families, counted: Counted | None = None) -> int:
    """A lower bound of ``moved`` for a rule at one of ``h.times`` that holds
    ``h.most`` meetings: it holds one in every month whose fold has its time, so every
    such month whose nominal date (per family) has no start at that time is a moved
    month. The fewest such months of any time of any family (counted in every
    family's lane at once); ``counted``: :func:`_counted`, when already made."""
    months, counts = counted if counted is not None else _counted(h, fams)
    few = _at_most_once(counts)
    if few is not None:
        return few
    planes: list[int] = []
    ok = h.times * fams.rep
    for y, nom, absent in months:
        ok &= ~(y & absent)
        _add(planes, y & ~nom)
    if ok:
        for v in range(2, h.most):
            if _equal(planes, v, ok):
                return v
    return h.most


def drift(h: Held, other: Diffs) -> int:
    """A lower bound of ``drift``: the school of the other zone sees the anchor time at
    as many local times as the offset differences of the months that can hold a
    meeting."""
    count: dict[int, int] = {}
    for y, diffs in zip(h.folds, other, strict=True):
        if y & h.times:
            for v in diffs:
                count[v] = count.get(v, 0) + 1
    return max(0, h.most - max(count.values(), default=0))


def burdens(sf: Sketch, st: Sketch, h: Held, diffs_f: Diffs, diffs_t: Diffs,
            g: int) -> dict[int, tuple[int, int]]:
    """Per time of ``h.times`` (its bit), lower bounds of ``(max_burden,
    total_burden)`` of a rule at that time: in each month whose fold has the time,
    each school sees it at the anchor time plus one of that month's offset differences
    (``diffs_f``, ``diffs_t``), at least as far from a preferred start as the nearest
    of these."""
    groups: dict[tuple[frozenset[int], frozenset[int]], list[int]] = {}
    for y, df, dt_ in zip(h.folds, diffs_f, diffs_t, strict=True):
        if y & h.times:
            groups.setdefault((df, dt_), []).append(y)
    out = {}
    bits = h.times
    while bits:
        low = bits & -bits
        bits ^= low
        minute = (low.bit_length() - 1) * g
        bf = bt = 0
        for (df, dt_), folds in groups.items():
            k = sum(1 for y in folds if y & low)
            if k:
                bf += k * sf.distance(minute, df)
                bt += k * st.distance(minute, dt_)
        out[low] = (max(bf, bt), bf + bt)
    return out


def few_moves(h: Held, fams: Families, counted: Counted, days: DayDiffs, month_diffs: Diffs,
              schools: tuple[Sketch, Sketch], g: int) -> list[tuple[int, int, int, int, int]]:
    """For every time of ``h.times`` and family that misses no nominal date there
    (or, when none does, one), the bounds ``(time bit, moved, drift, max_burden,
    total_burden)`` of such a rule. Its meetings are on the nominal dates, but in the
    missed month, on days whose offset differences are known: ``days`` (of the school
    in the other zone; in the missed month, those of the whole month, ``month_diffs``),
    while the school in the anchor's zone sees the anchor's time. ``drift`` is
    ``h.most`` less the most of them sharing one difference, and each school's burden
    the sum of its distances to its preferred starts. ``schools``: the sketches of the
    school in the anchor's zone and of the other; ``counted``: :func:`_counted`."""
    months = [m for m, y in enumerate(h.folds) if y & h.times]
    lanes, (ok, ones, twos) = counted
    # a rule that misses no nominal date beats every rule that misses one
    few, moved = (ok & ~ones, 0) if ok & ~ones else (ok & ~twos, 1)
    missed = [y & ~nom for y, nom, _ in lanes]
    home, away = schools
    far: dict[tuple[int, frozenset[int]], int] = {}  # away.distance, computed once
    out = []
    while few:
        low = few & -few
        few ^= low
        b = low.bit_length() - 1
        j, t = divmod(b, fams.dbits)
        count: dict[int, int] = {}
        spent = 0
        for m, miss in zip(months, missed, strict=True):
            if h.folds[m] >> t & 1:
                diffs = month_diffs[m] if miss >> b & 1 else days[m][fams.rows[m][j]]
                got = far.get((t, diffs))
                if got is None:
                    got = far[(t, diffs)] = away.distance(t * g, diffs)
                spent += got
                for v in diffs:
                    count[v] = count.get(v, 0) + 1
        mine = h.most * home.distance(t * g, _SAME)
        out.append((1 << t, moved, h.most - max(count.values(), default=0),
                    max(mine, spent), mine + spent))
    return out


_SAME = frozenset([0])  # the offset difference of a school in the anchor's zone


class At(NamedTuple):
    """An anchor of a pair that reaches the most meetings: its :func:`held`, the
    offset differences of each school at the pair's starts in each month, and the
    :func:`drift` bound (computed at stage 0, kept for the later stages)."""

    held: Held
    pa: PairAnchor
    diffs_f: Diffs
    diffs_t: Diffs
    drift: int


Found = list[At]


def found(sf: Sketch, st: Sketch, anchors: list[PairAnchor], grid: MatchGrid) -> Found:
    """The anchors of the pair of sketches ``sf``, ``st`` whose rules can hold the
    most meetings, with their :func:`held` and :func:`drift`; empty when the pair
    cannot hold any meeting."""
    both = sf.valid & st.valid
    if not both:
        return []
    got = [(h, pa) for pa in anchors if (h := held(both, pa.anchor, grid.dbits)).most]
    if not got:
        return []
    top = max(h.most for h, _ in got)
    out = []
    for h, pa in got:
        if h.most == top:
            df, dt_ = offset_diffs(both, pa.pieces_f), offset_diffs(both, pa.pieces_t)
            d = 0 if pa.other is None else drift(h, dt_ if pa.other else df)
            out.append(At(h, pa, df, dt_, d))
    return out


def bound(sf: Sketch, st: Sketch, at: Found, stage: int, grid: MatchGrid) -> Score:
    """A lower bound of the score of the pair of sketches ``sf``, ``st`` whose anchors
    reaching the most meetings are ``at`` (:func:`found`, not empty). Stage 0 bounds
    ``held`` and ``drift`` only; stage 1 also ``moved``, as 0, 1 or 2 when it may be
    more (:func:`_moved_at_most_once`, the cheap part of :func:`moved`); stage 2
    ``moved`` fully and both schools' burdens."""
    best: tuple[int, int, int, int] | None = None
    for h, pa, df, dt_, d in at:
        if stage == 2:
            counted = _counted(h, pa.families)
            mv = moved(h, pa.families, counted)
            per_time = burdens(sf, st, h, df, dt_, grid.g)
            if mv < 2 and pa.other_days is not None:
                # rules missing at most one nominal date, each bounded on its own; the
                # others move at least twice
                pair, away = ((st, sf), df) if pa.other == 0 else ((sf, st), dt_)
                got = min([(m, max(d, dr), max(mb, per_time[t][0]), max(tb, per_time[t][1]))
                           for t, m, dr, mb, tb in few_moves(
                               h, pa.families, counted, pa.other_days, away, pair, grid.g)]
                          + [(2, d, *min(per_time.values()))])
            else:
                got = (mv, d, *min(per_time.values()))
        elif stage == 1:
            few = _moved_at_most_once(h, pa.families)
            got = (min(2, h.most) if few is None else few, d, 0, 0)
        else:
            got = (0, d, 0, 0)
        best = got if best is None else min(best, got)
    assert best is not None
    return Score(-at[0].held.most, *best)
