"""The ``moved`` bounds of partner matching, computed for all (nth, weekday) families at
once (``match_bounds``), equal the same bounds computed one family at a time (the
reference below, the implementation before the families were put side by side), for
every pair and every anchor of random pools."""

from __future__ import annotations

import collections
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from test_match import network_of, pools

import twinschedule
from twinschedule.core.bits import add, equal
from twinschedule.model import Network
from twinschedule.network import match_bounds
from twinschedule.network.match_anchors import nominals
from twinschedule.network.match_bounds import Held, held
from twinschedule.network.matching import _Pool

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "networks"))
import make_networks


def few_reference(days: list[list[int | None]], h: Held, dbits: int) -> int | None:
    day = (1 << dbits) - 1
    once = False
    for fam in days:
        ones = twos = 0
        ok = h.times
        for j, y, full in zip(fam, h.folds, h.fulls, strict=True):
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


def moved_reference(days: list[list[int | None]], h: Held, dbits: int) -> int:
    few = few_reference(days, h, dbits)
    if few is not None:
        return few
    day = (1 << dbits) - 1
    best = h.most
    for fam in days:
        planes: list[int] = []
        ok = h.times
        for j, y, full in zip(fam, h.folds, h.fulls, strict=True):
            if not y & ok:
                continue
            if j is None:
                ok &= ~y
                if not ok:
                    break
                continue
            add(planes, y & ~((full >> (j * dbits)) & day))
        if not ok:
            continue
        for v in range(best):
            if equal(planes, v, ok):
                best = v
                break
    return best


@given(pools())
def test_moved_for_all_families_at_once_equals_one_family_at_a_time(
        case: tuple[dict[str, Any], int, int]) -> None:
    data, _, _ = case
    check_every_pair(network_of(data))


def check_every_pair(network: Network) -> collections.Counter[str]:
    """Both bounds against the reference for every pair and anchor; which path each
    took (``moved``'s cheap part decided, or its count)."""
    pool = _Pool(network)
    dbits = pool.grid.dbits
    reps = pool.classes.reps
    paths: collections.Counter[str] = collections.Counter()
    for f in range(len(reps)):
        for t in range(len(reps)):
            both = pool.sketch(f).valid & pool.sketch(t).valid
            for pa in pool.anchors.of_pair(reps[f].timezone, reps[t].timezone):
                h = held(both, pa.anchor, dbits)
                if not h.most:
                    continue
                days = nominals(network, pa.anchor.keys)
                few = match_bounds._moved_at_most_once(h, pa.families)
                assert few == few_reference(days, h, dbits)
                got = match_bounds.moved(h, pa.families)
                assert got == moved_reference(days, h, dbits)
                paths["few" if few is not None else f"counted {got}"] += 1
    return paths


def test_moved_on_a_school_year_of_own_calendars() -> None:
    """A school year of schools with calendars of their own (the benchmarks' real
    case), where bounds of 2 and more moved months occur."""
    data = make_networks.network(
        ident="bounds", name="Bounds", countries=make_networks.WORLD, n_schools=14,
        anchor="Europe/London", seed=7, start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 31),
        own_calendars=True)
    paths = check_every_pair(twinschedule.network_from_dict(data))
    assert sum(n for p, n in paths.items() if p.startswith("counted")) >= 10, paths


def test_bounds_never_exceed_the_exact_score_across_offset_changes() -> None:
    """Every stage's bound (the bulk one included) is at most the exact score for every
    ordered pair of a school year of own calendars in zones whose offsets change on
    other dates (Chile, Egypt, the United States, Europe, Australia, Mexico) or never:
    stage 2 takes the offset differences of each rule's nominal days and, for a moved
    month, of the whole month."""
    data = make_networks.network(
        ident="dst", name="DST", countries=["CL", "EG", "US", "GB", "AU", "DE", "MX", "JP"],
        n_schools=24, anchor="Europe/London", seed=11, start=dt.date(2026, 9, 1),
        end=dt.date(2027, 7, 31), own_calendars=True)
    network = twinschedule.network_from_dict(data)
    pool = _Pool(network)
    n = len(pool.classes.reps)
    tight = 0
    for f in range(n):
        bulk = pool.bulk().bounds(f)
        for t in range(n):
            if t == f:
                continue
            exact = pool.score(f, t)
            if exact is None:
                continue
            for stage in (0, 1, 2):
                bound = pool.bound(f, t, stage)
                assert bound is not None and bound <= exact, (f, t, stage, bound, exact)
            assert bulk[t] is not None and bulk[t] <= exact, (f, t, bulk[t], exact)
            tight += bound == exact and exact.drift > 0
    assert tight >= 10, tight  # stage 2 is exact for many pairs whose clocks drift


def test_day_diffs_split_only_the_days_an_offset_changes() -> None:
    """New York against a London anchor in March 2027: 5 hours behind until the United
    States change (Sunday 14th), 4 hours until the European change (Sunday 28th), 5
    again after; only the two changing days have both differences."""
    data = make_networks.network(
        ident="d", name="D", countries=["US", "GB"], n_schools=4, anchor="Europe/London",
        seed=1, start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 31), own_calendars=True)
    pool = _Pool(twinschedule.network_from_dict(data))
    london = pool.anchors.anchor("Europe/London")
    march = pool.anchors.day_diffs(london, "America/New_York")[london.keys.index((2027, 3))]
    expected = ([{-300}] * 13 + [{-300, -240}] + [{-240}] * 13 + [{-300, -240}]
                + [{-300}] * 3)
    assert [set(d) for d in march[:31]] == expected
    assert not march[31] and not march[32]  # no 32nd day; the row of no nominal date
