"""Lower bounds of a pair's score (network.md's ``(-held, moved, drift, max_burden,
total_burden)``), from the two schools' sketches and the anchors of their zones.

For a pair and an anchor, folding each month of ``both sketches & month mask`` onto
one day's wall clock gives, for every clock time, the months in which some allowed day
has a start at that time: a rule at that time holds at most that many meetings
(:func:`held`). A rule reaching the bound holds one in each of those months, so every
such month whose nominal date has no start at that time is moved (:func:`moved`); the
school of the other zone sees the time at as many local times as the months'
UTC-offset differences allow (:func:`drift`); and each school's burden is at least
``held`` times the smallest distance between that time, shifted by one of those offset
differences, and one of its preferred starts (:func:`burdens`).

Every function here is pure; :func:`bound` combines them into a :class:`Score` that is
at most the pair's exact score (the test suite checks it on random pools).
"""

from __future__ import annotations

from typing import NamedTuple

from twinschedule.core.bits import add as _add
from twinschedule.core.bits import equal as _equal
from twinschedule.core.ranking import Score
from twinschedule.network.match_anchors import Anchor, Diffs, PairAnchor
from twinschedule.network.match_grid import MatchGrid, Sketch


class Held(NamedTuple):
    """An upper bound of the meetings any rule of an anchor holds, and where."""

    most: int  # the most meetings a rule can hold (0: none)
    times: int  # the wall times (bit ``minute // g`` of a day) that reach ``most``
    folds: list[int]  # per month: the wall times with a start on some allowed day
    fulls: list[int]  # per month: bit ``j * dbits + minute // g``, day ``j`` of the month


def held(both: int, anchor: Anchor, dbits: int) -> Held:
    """For each wall time of the day, the months in which some allowed day has a start
    at that time in ``both``; the largest count and the times that reach it."""
    planes: list[int] = []
    union = 0
    day = (1 << dbits) - 1
    folds: list[int] = []
    fulls: list[int] = []
    for m, parts in anchor.months:
        x = both & m
        if not x:
            folds.append(0)
            fulls.append(0)
            continue
        y = 0
        for rng, shift in parts:
            z = x if rng is None else x & rng
            y |= z << shift if shift >= 0 else z >> -shift
        fulls.append(y)
        for k in (16, 8, 4, 2, 1):
            y |= y >> (k * dbits)
        y &= day
        folds.append(y)
        _add(planes, y)
        union |= y
    for v in range(len(anchor.months), 0, -1):
        times = _equal(planes, v, union)
        if times:
            return Held(v, times, folds, fulls)
    return Held(0, 0, folds, fulls)


def _moved_at_most_once(nominals: list[list[int | None]], h: Held, dbits: int) -> int | None:
    """0 or 1 when some time of some family misses its nominal date in no month or in
    one month only (saturating counters); None otherwise."""
    day = (1 << dbits) - 1
    once = False
    for days in nominals:
        ones = twos = 0
        ok = h.times
        for j, y, full in zip(days, h.folds, h.fulls, strict=True):
            if y & ok:
                if j is None:
                    ok &= ~y
                else:
                    miss = y & ~((full >> (j * dbits)) & day)
                    twos |= ones & miss
                    ones |= miss
        if ok & ~ones:
            return 0
        once = once or bool(ok & ~twos)
    return 1 if once else None


def moved(nominals: list[list[int | None]], h: Held, dbits: int) -> int:
    """A lower bound of ``moved`` for a rule at one of ``h.times`` that holds
    ``h.most`` meetings: it holds one in every month whose fold has its time, so every
    such month whose nominal date (per family, ``nominals``) has no start at that time
    is a moved month."""
    few = _moved_at_most_once(nominals, h, dbits)
    if few is not None:
        return few
    day = (1 << dbits) - 1
    best = h.most
    for days in nominals:
        planes: list[int] = []
        ok = h.times
        for j, y, full in zip(days, h.folds, h.fulls, strict=True):
            if not y & ok:
                continue
            if j is None:  # the month is not in this family's plan
                ok &= ~y
                if not ok:
                    break
                continue
            _add(planes, y & ~((full >> (j * dbits)) & day))
        if not ok:
            continue
        for v in range(best):
            if _equal(planes, v, ok):
                best = v
                break
        if best == 0:
            return 0
    return best


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


def burdens(sf: Sketch, st: Sketch, h: Held, pa: PairAnchor, g: int) -> tuple[int, int]:
    """Lower bounds of ``(max_burden, total_burden)``, each time separately (a rule has
    one time): each school sees it at the anchor time plus an offset difference of a
    month that can hold it."""
    months = [i for i, y in enumerate(h.folds) if y & h.times]
    diffs_f = frozenset().union(*(pa.diffs_f[i] for i in months))
    diffs_t = frozenset().union(*(pa.diffs_t[i] for i in months))
    mb = tb = 1 << 62
    bits = h.times
    while bits:
        low = bits & -bits
        bits ^= low
        minute = (low.bit_length() - 1) * g
        df = sf.distance(minute, diffs_f)
        dt_ = st.distance(minute, diffs_t)
        mb, tb = min(mb, h.most * max(df, dt_)), min(tb, h.most * (df + dt_))
    return mb, tb


def bound(sf: Sketch, st: Sketch, anchors: list[PairAnchor], stage: int,
          grid: MatchGrid) -> Score | None:
    """A lower bound of the score of the pair of sketches ``sf``, ``st`` over its
    ``anchors``; None when the pair cannot hold any meeting. Stage 0 bounds ``held`` and
    ``drift`` only; stage 1 also ``moved`` and both schools' burdens."""
    both = sf.valid & st.valid
    if not both:
        return None
    found = [(h, pa) for pa in anchors if (h := held(both, pa.anchor, grid.dbits)).most]
    if not found:
        return None
    top = max(h.most for h, _ in found)
    best: tuple[int, int, int, int] | None = None
    for h, pa in found:
        if h.most != top:
            continue
        d = drift(h, pa.other) if pa.other is not None else 0
        if stage:
            got = (moved(pa.nominals, h, grid.dbits), d, *burdens(sf, st, h, pa, grid.g))
        else:
            got = (0, d, 0, 0)
        best = got if best is None else min(best, got)
    assert best is not None
    return Score(-top, *best)
