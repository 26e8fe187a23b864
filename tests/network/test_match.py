"""Partner matching (network.md, "match"): the ranking equals planning every allowed pair
with ``plan`` (the schools in other countries by default, every other school with
``same_country``), ties by file order; the lower bounds that prune pairs never exceed
the exact score; schools with identical calendars share work but keep their own ids."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import partnerships

import twinschedule
from twinschedule.core.ranking import Score
from twinschedule.errors import ConfigError
from twinschedule.model import Network, School
from twinschedule.network.batch import match_all
from twinschedule.network.match_anchors import ABSENT, offset_diffs
from twinschedule.network.match_bounds import layout
from twinschedule.network.matching import _Pool, match


def network_of(data: dict[str, Any]) -> Network:
    """A network with the schools and settings of a partnership dict (an invalid one
    is not a case)."""
    try:
        p = twinschedule.from_dict(data)
    except ConfigError:
        assume(False)
        raise
    return Network(id=p.id, name=p.name, start=p.start, end=p.end, duration=p.duration,
                   anchor=p.anchor or p.schools[0].timezone, schools=p.schools,
                   weekdays=p.weekdays, weeks=p.weeks, step=p.step,
                   on_conflict=p.on_conflict, max_move_days=p.max_move_days)


def allowed(focal: School, other: School, same_country: bool) -> bool:
    """network.md: a partner is in another country, or any other school with
    ``same_country``; a school without ``country`` is in a country of its own."""
    if same_country or focal.country is None or other.country is None:
        return True
    return focal.country != other.country


def reference(network: Network, index: int, top: int,
              same_country: bool = False) -> dict[str, Any]:
    """The match by planning every allowed pair with the public ``plan``."""
    focal = network.schools[index]
    scored = []
    pool = 0
    for i, t in enumerate(network.schools):
        if i == index or not allowed(focal, t, same_country):
            continue
        pool += 1
        result = twinschedule.plan(network.pair(focal, t), top=1)
        if result.options:
            o = result.options[0]
            m = o.metrics
            scored.append(((-m.held, m.moved, m.drift, m.max_burden, m.total_burden), i, o))
    scored.sort(key=lambda x: (x[0], x[1]))
    return {"school": focal.id, "pool": pool,
            "partners": [{"rank": r + 1, "school": network.schools[i].id,
                          "option": o.to_dict()}
                         for r, (_, i, o) in enumerate(scored[:top])]}


@st.composite
def pools(draw: st.DrawFn) -> tuple[dict[str, Any], int, int]:
    """A small pool, most schools in one of two countries or in none, some schools
    repeated under other ids (identical calendars, so equal scores broken by file
    order), a focal school and a ``top``."""
    data = draw(partnerships(max_months=4, max_schools=5, steps=(15, 20, 30, 45, 60)))
    schools = data["schools"]
    for s in schools:
        country = draw(st.sampled_from([None, "GB", "GB", "KE", "KE"]))
        s.pop("country", None)
        if country is not None:
            s["country"] = country
    for k in range(draw(st.integers(0, 3))):
        copy = dict(draw(st.sampled_from(schools)), id=f"copy{k}", name=f"Copy {k}")
        schools.insert(draw(st.integers(0, len(schools))), copy)
    index = draw(st.integers(0, len(schools) - 1))
    return data, index, draw(st.integers(1, 5))


@given(pools(), st.booleans())
def test_match_equals_planning_every_allowed_pair(case: tuple[dict[str, Any], int, int],
                                                  same_country: bool) -> None:
    data, index, top = case
    network = network_of(data)
    got = match(network, network.schools[index].id, top=top, same_country=same_country)
    assert got.to_dict() == reference(network, index, top, same_country)
    focal = network.schools[index]
    assert all(same_country or focal.country is None or network.school(p.school).country
               != focal.country for p in got.partners)


@given(pools())
def test_bounds_never_exceed_the_exact_score(case: tuple[dict[str, Any], int, int]) -> None:
    """What makes pruning safe: every stage's bound is at most the pair's exact score,
    and a pair is only dismissed (no bound) when it has no option."""
    data, index, _ = case
    network = network_of(data)
    pool = _Pool(network)
    f = pool.cls[index]
    bulk = pool.bulk().bounds(f)
    for i in range(len(network.schools)):
        if i == index:
            continue
        t = pool.cls[i]
        exact = pool.exact(f, t)
        for stage in ("bulk", 0, 1, 2):
            bound = bulk[t] if stage == "bulk" else pool.bound(f, t, stage)
            if exact is None:
                continue
            assert bound is not None, (stage, network.schools[i].id, exact[0])
            assert bound <= exact[0], (stage, network.schools[i].id, bound, exact[0])


def relaxed_bound(pool: _Pool, f: int, c: int) -> Score | None:
    """``match_bulk``'s bound of the pair of classes (``f``, ``c``), one pair at a time
    with plain integers: per anchor zone of the pair, the months in which the two
    schools' folds share each wall time (``top``: the most of any time); per time
    reaching it and per family, the months whose nominal day lacks that start for
    either school (a time of a family counts only when every such month has a nominal
    date), ``moved`` being the fewest, capped at 2; and per such time, the drift (``top``
    less the most of those months sharing one offset difference of the school in the
    other zone) and the burdens (``top`` times each school's distance to its preferred
    starts at any offset difference it has to the anchor), the differences being those
    at the focal school's starts; the lexicographically smallest of any time."""
    reps, grid = pool.classes.reps, pool.grid
    sf, sc = pool.sketch(f), pool.sketch(c)
    best: tuple[int, int, int, int] | None = None
    for pa in pool.anchors.of_pair(reps[f].timezone, reps[c].timezone):
        (full_f, fold_f), (full_c, fold_c) = (layout(s.valid, pa.anchor, grid.dbits)
                                              for s in (sf, sc))
        folds = [a & b for a, b in zip(fold_f, fold_c, strict=True)]
        counts = [sum(y >> k & 1 for y in folds) for k in range(grid.dbits)]
        top = max(counts)
        if not top:
            continue
        moved, rest = 2, (1 << 62, 1 << 62, 1 << 62)
        rows = pa.families.rows
        monthly = [offset_diffs(sf.valid, pieces) for pieces in (pa.pieces_f, pa.pieces_t)]
        diffs = [frozenset().union(*d) for d in monthly]
        for k in (k for k in range(grid.dbits) if counts[k] == top):
            for j in range(len(rows[0])):
                misses, ok = 0, True
                for m, y in enumerate(folds):
                    if not y >> k & 1:
                        continue
                    if rows[m][j] == ABSENT:
                        ok = False
                        break
                    at = rows[m][j] * grid.dbits + k
                    misses += not (full_f[m] >> at & 1 and full_c[m] >> at & 1)
                if ok:
                    moved = min(moved, misses)
            df, dc = (s.distance(k * grid.g, d) if d else 0
                      for s, d in zip((sf, sc), diffs, strict=True))
            drift = 0
            if pa.other is not None:
                shared = Counter(v for y, d in zip(folds, monthly[pa.other], strict=True)
                                 if y >> k & 1 for v in d)
                drift = top - max(shared.values())
            rest = min(rest, (drift, top * max(df, dc), top * (df + dc)))
        got = (-top, min(moved, top), *rest)
        best = got if best is None else min(best, got)
    return None if best is None else Score(*best)


@given(pools())
def test_bulk_bounds_equal_the_pair_by_pair_relaxed_bound(
        case: tuple[dict[str, Any], int, int]) -> None:
    data, index, _ = case
    pool = _Pool(network_of(data))
    f = pool.cls[index]
    got = pool.bulk().bounds(f)
    assert got == [relaxed_bound(pool, f, c) for c in range(len(pool.classes.reps))]


@given(pools(), st.booleans())
def test_pruned_equals_unpruned(case: tuple[dict[str, Any], int, int],
                                same_country: bool) -> None:
    data, index, top = case
    network = network_of(data)
    pruned = _Pool(network).match(index, top, same_country)
    unpruned = _Pool(network).match_unpruned(index, top, same_country)
    assert pruned.to_dict() == unpruned.to_dict()
    assert pruned.planned <= pruned.pool
    bulk = _Pool(network).match(index, top, same_country, bulk=True)
    assert bulk.to_dict() == unpruned.to_dict()


def _school(sid: str, zone: str, hours: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": sid, "name": sid.title(), "timezone": zone, "hours": hours, **extra}


POOL = {
    "partnership": {"id": "pool", "name": "Pool", "start": dt.date(2026, 9, 1),
                    "end": dt.date(2027, 1, 31), "duration": 45, "step": 30,
                    "weekdays": ["TU", "WE", "TH"]},
    "schools": [
        _school("dublin", "Europe/Dublin", ["08:50-15:40"]),
        _school("far", "Pacific/Auckland", ["09:00-10:00"]),
        _school("lisbon-a", "Europe/Lisbon", ["08:15-13:30", "14:30-17:00"]),
        _school("nairobi", "Africa/Nairobi", ["08:00-16:00"]),
        _school("lisbon-b", "Europe/Lisbon", ["08:15-13:30", "14:30-17:00"]),
        _school("lisbon-c", "Europe/Lisbon", ["08:15-13:30", "14:30-17:00"]),
    ],
}


def test_equal_scores_are_ranked_by_file_order_with_their_own_ids() -> None:
    network = network_of(POOL)
    got = match(network, "dublin", top=3)
    assert [p.school for p in got.partners] == ["lisbon-a", "lisbon-b", "lisbon-c"]
    assert len({p.score for p in got.partners}) == 1
    for p in got.partners:
        o = p.option
        assert dict(o.usual_times).keys() == {"dublin", p.school}
        assert all(dict(m.local or ()).keys() <= {"dublin", p.school} for m in o.meetings)
    assert got.to_dict() == reference(network, 0, 3)
    # Identical calendars are planned once.
    assert got.planned < 3


def test_a_partner_without_any_option_is_not_listed() -> None:
    network = network_of(POOL)
    got = match(network, "far", top=10)
    assert "far" not in [p.school for p in got.partners]
    assert got.to_dict() == reference(network, 1, 10)
    assert got.pool == 5


def test_unknown_school_and_bad_top_are_config_errors() -> None:
    network = network_of(POOL)
    with pytest.raises(ConfigError, match="no school 'paris'"):
        match(network, "paris")
    with pytest.raises(ConfigError, match="--top"):
        match(network, "dublin", top=0)


def test_a_match_is_the_same_whichever_order_the_pool_is_planned_in() -> None:
    """Sharing a pool between matches (as a batch does) changes nothing."""
    network = network_of(POOL)
    pool = _Pool(network)
    first = [pool.match(i, 3).to_dict() for i in range(len(network.schools))]
    again = [_Pool(network).match(i, 3).to_dict() for i in reversed(range(6))][::-1]
    assert first == again


def test_relabelled_option_equals_planning_the_copy_itself() -> None:
    network = network_of(POOL)
    got = match(network, "dublin", top=3).partners[2]
    direct = twinschedule.plan(network.pair(network.schools[0], network.schools[5]), top=1)
    assert got.option == direct.options[0]


def _countries(**by_id: str) -> dict[str, Any]:
    """POOL with countries set (by school id)."""
    return {**POOL, "schools": [dict(s, **({"country": by_id[s["id"]]} if s["id"] in by_id
                                            else {})) for s in POOL["schools"]]}


def test_partners_abroad_by_default_and_at_home_with_same_country() -> None:
    """Dublin (IE) and Lisbon's three schools (PT) abroad; a school without country
    ("far") is in a country of its own and pairs with everyone."""
    network = network_of(_countries(dublin="IE", **{"lisbon-a": "IE", "lisbon-b": "PT",
                                                    "lisbon-c": "PT", "nairobi": "KE"}))
    abroad = match(network, "dublin", top=5)
    assert abroad.pool == 4  # far, nairobi, lisbon-b, lisbon-c: not lisbon-a (IE)
    assert "lisbon-a" not in [p.school for p in abroad.partners]
    assert [p.school for p in abroad.partners][:2] == ["lisbon-b", "lisbon-c"]
    home = match(network, "dublin", top=5, same_country=True)
    assert home.pool == 5 and home.partners[0].school == "lisbon-a"
    assert abroad.to_dict() == reference(network, 0, 5)
    assert home.to_dict() == reference(network, 0, 5, same_country=True)
    assert match(network, "far", top=5).pool == 5  # no country: every other school
    assert match(network, "lisbon-b", top=5).pool == 4  # all but lisbon-c, PT as well


@given(pools(), st.booleans())
def test_match_all_equals_planning_every_allowed_pair(case: tuple[dict[str, Any], int, int],
                                                      same_country: bool) -> None:
    """The batch (zone by zone, every pair's bound at once: ``match_bulk``) gives every
    school the ranking of planning every allowed pair."""
    data, _, top = case
    network = network_of(data)
    got = match_all(network, top=top, same_country=same_country)
    assert [m.to_dict() for m in got] == [reference(network, i, top, same_country)
                                          for i in range(len(network.schools))]


@given(pools())
def test_a_pair_scores_the_same_in_either_order(case: tuple[dict[str, Any], int, int]) -> None:
    """What lets a batch plan a pair once for its score: both orders of two schools
    have the same candidates (both zones are anchors), and the score's metrics are
    sums and maxima over the two schools."""
    data, index, _ = case
    network = network_of(data)
    a = network.schools[index]
    for b in network.schools:
        if b.id == a.id:
            continue
        ab = twinschedule.plan(network.pair(a, b), top=1).options
        ba = twinschedule.plan(network.pair(b, a), top=1).options
        assert bool(ab) == bool(ba)
        if ab:
            assert Score.of(ab[0].metrics) == Score.of(ba[0].metrics)
