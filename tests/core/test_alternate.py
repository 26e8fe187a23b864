"""Stretch hours and alternating rules (planning.md): the search against a brute force
that evaluates every pair, the invariants of every option, and plans without stretch
hours unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from reference import plan_summary, reference_plan
from strategies import partnerships, stretch_partnerships

import twinschedule
from twinschedule._tz import zones as _zones
from twinschedule._vocab import WEEKDAYS
from twinschedule.core import alternate, planner
from twinschedule.core.calendar import build_calendars
from twinschedule.core.plan import Plan
from twinschedule.core.ranking import RankKey
from twinschedule.core.rules import months
from twinschedule.errors import ConfigError
from twinschedule.model import Partnership, Rule, Window

WD = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _load(data: dict[str, Any]) -> Partnership | None:
    try:
        return twinschedule.from_dict(data)
    except ConfigError:
        return None


def _minutes_in(windows: tuple[Window, ...], a: int, b: int) -> set[int]:
    return {m for m in range(a, b) if any(w.start <= m < w.end for w in windows)}


def check_stretch_invariants(p: Partnership, plan: Plan) -> None:
    """Every held meeting is valid (the readable definition), its stretching schools
    are those for which it leaves the own windows (and every minute outside them lies in
    a stretch window), the counts add up, no school exceeds ``stretch_share``, an
    alternation's months take turns, and the options are in key order."""
    cals = build_calendars(p)
    cap = alternate.stretch_cap(p)
    horizon = months(p.start, p.end)
    anchors = [p.anchor] if p.anchor else list(dict.fromkeys(s.timezone for s in p.schools))
    keys = []
    for o in plan.options:
        counts = dict.fromkeys((s.id for s in p.schools), 0)
        rules = o.all_rules
        assert (o.kind == "alternating") == (len(rules) == 2)
        assert len(set(rules)) == len(rules)
        for m in o.meetings:
            k = horizon.index((int(m.month[:4]), int(m.month[5:])))
            assert (m.rule or 0) == (k % 2 if o.kind == "alternating" else 0)
            rule = o.rule_of(m)
            nominal = m.nominal.astimezone(_zones.get_zone(rule.anchor))
            assert nominal.hour * 60 + nominal.minute == rule.time
            if m.start is None:
                assert not m.stretch
                continue
            assert m.end is not None
            for cal in cals:
                s = cal.school
                assert cal.conflicts(m.start, m.end) == [], (m.month, s.id)
                stretching = cal.is_stretch(m.start, m.end)
                assert stretching == (s.id in (m.stretch or ())), (m.month, s.id)
                if stretching:
                    counts[s.id] += 1
                    ls = m.start.astimezone(_zones.get_zone(s.timezone))
                    a = ls.hour * 60 + ls.minute
                    own = cal.windows(ls.date())
                    outside = set(range(a, a + p.duration)) - _minutes_in(own, a, a + p.duration)
                    assert outside and outside <= _minutes_in(s.stretch, a, a + p.duration)
        if p.has_stretch:
            assert dict(o.metrics.stretch or ()) == counts
            assert max(counts.values()) <= cap
            assert o.metrics.max_stretch == max(counts.values())
        else:
            assert o.metrics.stretch is None
        second = None
        if o.kind == "alternating":
            b = rules[1]
            second = (anchors.index(b.anchor), b.nth, WD.index(b.weekday), b.time)
        keys.append(RankKey.of(
            held=o.metrics.held, moved=o.metrics.moved, drift=o.metrics.drift,
            burdens=[n for _, n in o.burdens], anchor_index=anchors.index(o.rule.anchor),
            nth=o.rule.nth, weekday=WD.index(o.rule.weekday), time=o.rule.time,
            stretch=list(counts.values()), second=second))
    assert keys == sorted(keys)
    starts = [tuple(m.start for m in o.meetings if m.start) for o in plan.options]
    assert len(set(starts)) == len(starts), "duplicate options"


@settings(max_examples=100)
@given(stretch_partnerships())
def test_agrees_with_brute_force_every_pair(data: dict[str, Any]) -> None:
    """The same options, in the same order, with the same metrics, meetings and stretch
    meetings as a brute force that evaluates every single rule and every pair; also
    with blocks split down to single pairs (every bound of the branch and bound used)."""
    p = _load(data)
    if p is None:
        return
    want = reference_plan(p)
    plan = twinschedule.plan(p, suggest=False)
    assert plan_summary(plan) == want
    check_stretch_invariants(p, plan)
    with mock.patch.object(alternate, "LEAF_PAIRS", 1):
        assert plan_summary(twinschedule.plan(p, suggest=False)) == want


@settings(max_examples=40)
@given(partnerships(max_months=3, steps=(30, 60, 120)))
def test_search_without_stretch_meetings_is_the_single_search(data: dict[str, Any]) -> None:
    """A school whose stretch window lies inside its hours on every day never
    stretches: with alternation off, the stretch search finds the single planner's
    options. (A day whose ``hours_by_day`` leave the window out may stretch, and its
    reasons then name the hours and the stretch together: not such a school.)"""
    p = _load(data)
    if p is None:
        return
    first = p.schools[0]
    inside = (Window(start=first.hours[0].start, end=first.hours[0].start + 5),)
    if not all(any(w.start <= inside[0].start and inside[0].end <= w.end
                   for w in first.windows_on(day)) for day in WEEKDAYS):
        return
    q = dataclasses.replace(p, alternate=False, schools=(
        dataclasses.replace(first, stretch=inside), *p.schools[1:]))
    got = alternate.plan(q)
    want = planner.plan(p)
    assert [dataclasses.replace(o, metrics=dataclasses.replace(o.metrics, stretch=None),
                                meetings=tuple(dataclasses.replace(m, stretch=None)
                                               for m in o.meetings))
            for o in got.options] == list(want.options)
    assert all(dict(o.metrics.stretch or ()) == dict.fromkeys((s.id for s in q.schools), 0)
               for o in got.options)


@settings(max_examples=30)
@given(partnerships(max_months=3, steps=(60, 120)))
def test_files_without_stretch_plan_as_before(data: dict[str, Any]) -> None:
    """Without stretch hours and with ``alternate`` left at "auto", the plan is the
    single planner's, object for object."""
    p = _load(data)
    if p is None:
        return
    assert not p.alternates
    assert alternate.plan(p) == planner.plan(p)


def test_stretch_cap_reads_the_share_as_written() -> None:
    base = twinschedule.load(_case("london-sydney"))  # 11 months
    assert alternate.stretch_cap(base) == 5
    assert alternate.stretch_cap(dataclasses.replace(base, stretch_share=0)) == 0
    assert alternate.stretch_cap(dataclasses.replace(base, stretch_share=1)) == 11
    ten = dataclasses.replace(base, end=dt.date(2027, 6, 30))  # 10 months
    assert alternate.stretch_cap(dataclasses.replace(ten, stretch_share=0.3)) == 3
    hundred = dataclasses.replace(base, end=dt.date(2034, 12, 31))  # 100 months
    assert alternate.stretch_cap(dataclasses.replace(hundred, stretch_share=0.29)) == 29


def test_london_sydney_alternates_within_the_share() -> None:
    p = twinschedule.load(_case("london-sydney"))
    plan = twinschedule.plan(p, suggest=False)
    check_stretch_invariants(p, plan)
    best = plan.option(1)
    assert best.kind == "alternating"
    assert best.metrics.max_stretch <= alternate.stretch_cap(p)


def test_alternation_on_without_stretch_hours() -> None:
    """``alternate = true`` without stretch hours: pairs are candidates, no stretch
    keys in the JSON, and a pair is an option only where it beats every single rule."""
    p = twinschedule.load(_root() / "examples" / "england-kenya.toml")
    q = dataclasses.replace(p, alternate=True, top=8)
    plan = twinschedule.plan(q, suggest=False)
    check_stretch_invariants(q, plan)
    d = plan.to_dict()
    assert all("stretch" not in o["metrics"] for o in d["options"])
    assert {o["kind"] for o in d["options"]} <= {"single", "alternating"}
    single = twinschedule.plan(p, suggest=False)
    assert plan.option(1).metrics.held >= single.option(1).metrics.held


def test_search_stats_count_pairs_evaluated_and_pruned() -> None:
    p = twinschedule.load(_case("london-sydney"))
    stats = alternate.SearchStats()
    alternate.plan(p, stats=stats)
    assert stats.pairs == stats.a_candidates * stats.b_candidates > 0
    assert 0 < stats.evaluated < stats.pairs
    assert stats.pruned == stats.pairs - stats.evaluated


def test_key_mismatch_is_a_real_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check that the search's key and the exact evaluation agree is not an
    ``assert``."""
    real = alternate.pair_key

    def off(a: alternate.Candidate, b: alternate.Candidate) -> RankKey:
        key = real(a, b)
        return key._replace(drift=key.drift + 1)

    monkeypatch.setattr(alternate, "pair_key", off)
    calls = []
    original = alternate._PairSearch._leaf

    def leaf(self: alternate._PairSearch, *args: int) -> None:
        calls.append(args)
        monkeypatch.setattr(alternate, "pair_key", real)
        original(self, *args)
        monkeypatch.setattr(alternate, "pair_key", off)

    monkeypatch.setattr(alternate._PairSearch, "_leaf", leaf)
    with pytest.raises(RuntimeError, match="internal error"):
        alternate.plan(twinschedule.load(_case("london-sydney")))


def _case(name: str) -> Any:
    from conftest import CONFORMANCE

    return CONFORMANCE / "stretch" / "cases" / f"{name}.toml"


def _root() -> Any:
    from conftest import ROOT

    return ROOT


def test_evaluate_pair_is_the_search_evaluation() -> None:
    """One given pair evaluated exactly equals the option the search found for it, for
    every alternation among the first options (agreement.md's agreed alternation)."""
    p = twinschedule.load(_case("london-sydney"))
    plan = twinschedule.plan(dataclasses.replace(p, top=8), suggest=False)
    pairs = [o for o in plan.options if o.kind == "alternating"]
    assert pairs
    for o in pairs:
        got = alternate.evaluate_pair(p, o.rules[0], o.rules[1])
        assert dataclasses.replace(got, rank=o.rank) == o


def test_evaluate_pair_outside_the_rule_space_and_from_another_month() -> None:
    """Rules off the grid, on weekdays and weeks the partnership does not search, and
    months counted from a later month: the pair is still evaluated as the planning
    contract says (checked meeting by meeting against the readable calendars)."""
    p = twinschedule.load(_case("london-sydney"))  # TU-TH, weeks 2 and 3, step 30
    first = Rule(nth=1, weekday="MO", time=8 * 60 + 5, anchor="Europe/London", duration=30)
    second = Rule(nth=-1, weekday="FR", time=20 * 60 + 10, anchor="Australia/Sydney",
                  duration=30)
    got = alternate.evaluate_pair(p, first, second, origin=dt.date(2026, 10, 1))
    assert got.kind == "alternating" and got.rules == (first, second)
    horizon = months(p.start, p.end)
    cals = build_calendars(p)
    for m in got.meetings:
        k = horizon.index((int(m.month[:4]), int(m.month[5:])))
        assert m.rule == (k - 1) % 2  # counted from October
        rule = got.rule_of(m)
        nominal = m.nominal.astimezone(_zones.get_zone(rule.anchor))
        assert (nominal.hour * 60 + nominal.minute, nominal.strftime("%a")) == (
            rule.time, {"MO": "Mon", "FR": "Fri"}[rule.weekday])
        if m.start is not None and m.end is not None:
            assert all(c.conflicts(m.start, m.end) == [] for c in cals)
            moved_to = m.start.astimezone(_zones.get_zone(rule.anchor))
            if m.status == "moved":  # moves only to the partnership's weekdays
                assert moved_to.strftime("%a") in ("Tue", "Wed", "Thu")
            else:
                assert moved_to == nominal
    with pytest.raises(ValueError, match="not a candidate"):
        alternate.evaluate_pair(p, Rule(nth=-1, weekday="SU", time=60, anchor="Europe/London",
                                        duration=30), second)
