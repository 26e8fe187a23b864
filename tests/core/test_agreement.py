"""Agreements that last (agreement.md), in the core: the agreed option against the
brute force, the strictly better searched options, and re-issues with ``previous`` and
``today`` on random partnerships, agreements and added closures (months before today
kept as published, never a fresh meeting in the past, ``changes`` exactly the
difference of the two plans' months, SEQUENCE derived), plus the previous plans that
are refused."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from strategies import TRICKY_ZONES, partnerships

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bruteforce import BruteForce, months_between, nth_weekday

import twinschedule
from twinschedule.config.agreement import RuleParts, not_a_candidate
from twinschedule.core.agreement import key5
from twinschedule.core.plan import Plan
from twinschedule.errors import ConfigError
from twinschedule.i18n.words import words
from twinschedule.model import Partnership, Rule
from twinschedule.render.text import render_options

WD = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NTH_TEXT = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}


def rule_text(r: Rule) -> str:
    """A rule as an agreement writes it."""
    return f"{NTH_TEXT[r.nth]} {r.weekday} {r.time // 60:02d}:{r.time % 60:02d} {r.anchor}"


def _load(data: dict[str, Any]) -> Partnership | None:
    try:
        return twinschedule.from_dict(data)
    except ConfigError:
        return None


@st.composite
def agreed_partnerships(draw: st.DrawFn, max_months: int = 4) -> dict[str, Any]:
    """A random partnership with a random agreed rule that is a candidate from a random
    ``since`` (any anchor, any time on a 5-minute grid: not bound by the search space)."""
    data = draw(partnerships(max_months=max_months))
    p = data["partnership"]
    zones = [s["timezone"] for s in data["schools"]]
    anchor = draw(st.sampled_from([*zones, *TRICKY_ZONES]))
    parts = RuleParts(nth=draw(st.sampled_from([1, 2, 3, 4, -1])),
                      weekday=draw(st.sampled_from(WD)),
                      time=draw(st.integers(0, 287)) * 5, anchor=anchor)
    since = p["start"] + dt.timedelta(days=draw(st.integers(0, (p["end"] - p["start"]).days)))
    if draw(st.booleans()):
        since = p["start"]
    assume(not_a_candidate(parts, p["duration"], since, p["end"]) is None)
    text = f"{NTH_TEXT[parts.nth]} {parts.weekday} {parts.time // 60:02d}:{parts.time % 60:02d}"
    data["agreement"] = {"rule": f"{text} {anchor}", "since": since}
    return data


def _summary(plan: Plan) -> tuple[dict[str, int], list[tuple[str, str, dt.datetime | None]]]:
    o = plan.option(1)
    return (o.metrics.to_dict(), [(m.month, m.status, m.start) for m in o.meetings])


@settings(max_examples=60)
@given(agreed_partnerships())
def test_agreed_option_is_the_brute_forces_plan_of_the_rule(data: dict[str, Any]) -> None:
    p = _load(data)
    assume(p is not None)
    assert p is not None and p.agreement is not None
    plan = twinschedule.plan(p, suggest=False)
    assert plan.feasible and plan.diagnostics is None
    agreed = plan.option(1)
    assert agreed.agreed is True and agreed.rule == p.agreement.rule
    rule = p.agreement.rule
    # The brute force planning the same rule from ``since`` (the agreement's dates).
    bf = BruteForce(Partnership(**{**{f: getattr(p, f) for f in p.__dataclass_fields__},
                                   "start": p.agreement.since}))
    nominals = [d for d in (nth_weekday(y, m, WD.index(rule.weekday), rule.nth)
                            for y, m in months_between(p.agreement.since, p.end))
                if p.agreement.since <= d <= p.end]
    got = bf.part(rule.anchor, rule.nth, rule.weekday, rule.time, None)
    if got is None or not got.held:  # the brute force lists only rules that hold a meeting
        assert agreed.metrics.held == 0
        assert [m.status for m in agreed.meetings] == ["skipped"] * len(nominals)
        return
    metrics = {"held": got.held, "scheduled": got.scheduled, "moved": got.moved,
               "skipped": got.skipped, "drift": got.drift, "max_burden": max(got.burdens),
               "total_burden": sum(got.burdens)}
    meetings = [m[:3] for m in got.meetings]
    assert agreed.metrics.to_dict() == metrics
    assert [(m.month, m.status, m.start) for m in agreed.meetings] == meetings


@settings(max_examples=40)
@given(agreed_partnerships(max_months=3))
def test_other_options_are_the_searched_ones_strictly_better(data: dict[str, Any]) -> None:
    p = _load(data)
    assume(p is not None)
    assert p is not None
    plain = copy.deepcopy(data)
    del plain["agreement"]
    searched = twinschedule.plan(twinschedule.from_dict(plain), suggest=False)
    plan = twinschedule.plan(p, suggest=False)
    agreed = plan.option(1)
    starts = {m.start for m in agreed.meetings if m.start}
    want = [o for o in searched.options if key5(o) < key5(agreed)
            and {m.start for m in o.meetings if m.start} != starts][:p.top - 1]
    got = plan.options[1:]
    assert [o.rule for o in got] == [o.rule for o in want]
    assert [o.rank for o in got] == list(range(2, len(got) + 2))
    assert all(o.agreed is False and key5(o) < key5(agreed) for o in got)
    assert len(plan.options) <= p.top


# -- re-issues ---------------------------------------------------------------------------


def _closures_later(draw: st.DrawFn, v1: dict[str, Any], first: Plan,
                    pivot: int | None) -> dict[str, Any]:
    """v1 with closures added at its schools on (and around) the local dates of v1's
    published meetings (always at the ``pivot`` month's, the one ``today`` is near),
    and sometimes its own closures taken away (months come back): a coordinator's
    later news."""
    v2 = copy.deepcopy(v1)
    if draw(st.booleans()):
        for school in v2["schools"]:
            school.pop("closures", None)
    if not first.options:
        return v2
    for i, m in enumerate(first.option(1).meetings):
        if m.start is None or (i != pivot and draw(st.integers(0, 2)) != 0):
            continue
        school = draw(st.sampled_from(v2["schools"]))
        local = m.local_start(school["id"])
        assert local is not None
        around = draw(st.sampled_from([(0, 0), (0, 1), (-1, 0), (-2, 2), (0, 3)]))
        school.setdefault("closures", []).append(
            {"from": local.date() + dt.timedelta(days=around[0]),
             "to": local.date() + dt.timedelta(days=around[1]), "name": "Added later"})
    return v2


def _today(draw: st.DrawFn, p: Partnership, first: Plan) -> tuple[dt.date, int | None]:
    """The day of the re-plan: near a published meeting (the pivot: its nominal or
    its start, where the boundary between history and the future matters), or
    anywhere."""
    meetings = first.option(1).meetings if first.options else ()
    if meetings and draw(st.integers(0, 3)) != 0:
        pivot = draw(st.integers(0, len(meetings) - 1))
        m = meetings[pivot]
        when = draw(st.sampled_from([w for w in (m.nominal, m.start) if w is not None]))
        return when.date() + dt.timedelta(days=draw(st.integers(0, 1))), pivot
    span = (p.end - p.start).days
    return p.start + dt.timedelta(days=draw(st.integers(-10, span + 10))), None


NEAR_ZONES = ["Europe/London", "Europe/Berlin", "Africa/Nairobi", "America/New_York",
              "America/Santiago", "Asia/Kolkata", "Africa/Casablanca", "Asia/Kathmandu",
              "America/St_Johns", "Australia/Lord_Howe", "Asia/Tokyo"]


@st.composite
def meeting_partnerships(draw: st.DrawFn) -> dict[str, Any]:
    """Partnerships that hold meetings most months: two or three schools in zones at
    most a few hours apart, long school days, an occasional closure or term."""
    start = dt.date(draw(st.integers(2026, 2028)), draw(st.integers(1, 12)),
                    draw(st.integers(1, 28)))
    end = start + dt.timedelta(days=draw(st.integers(20, 150)))
    first = draw(st.integers(0, len(NEAR_ZONES) - 4))
    schools = []
    for i in range(draw(st.integers(2, 3))):
        s: dict[str, Any] = {
            "id": f"s{i}", "name": f"School {i}",
            "timezone": NEAR_ZONES[first + draw(st.integers(0, 3))],
            "hours": [draw(st.sampled_from(["06:00-21:00", "07:00-19:00", "08:00-18:00",
                                            "10:00-22:00"]))]}
        if draw(st.booleans()):
            a = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
            s["closures"] = [{"from": a, "to": a + dt.timedelta(days=draw(st.integers(0, 25))),
                              "name": "Holidays"}]
        if draw(st.integers(0, 3)) == 0:
            s["days"] = draw(st.lists(st.sampled_from(WD), min_size=2, max_size=6,
                                      unique=True))
        schools.append(s)
    p: dict[str, Any] = {"id": "test", "name": "Test", "start": start, "end": end,
                         "duration": draw(st.sampled_from([30, 45, 60])), "step": 60,
                         "top": draw(st.integers(1, 4))}
    if draw(st.integers(0, 3)) == 0:
        p["on_conflict"] = "skip"
    if draw(st.integers(0, 3)) == 0:
        p["max_move_days"] = draw(st.integers(0, 7))
    return {"partnership": p, "schools": schools}


def _v1(draw: st.DrawFn) -> dict[str, Any]:
    """An agreed partnership: random ones, or (half the time) one that holds meetings;
    the agreement is the best searched rule, an alternation of the two best, a random
    rule, or none."""
    v1 = draw(agreed_partnerships(max_months=4)) if draw(st.booleans()) else \
        draw(meeting_partnerships())
    how = draw(st.sampled_from(["best", "alternation", "random", "none", "alternation"]))
    if how == "none":
        v1.pop("agreement", None)
    elif how == "alternation":  # an agreed alternation of the two best searched rules
        plain = copy.deepcopy(v1)
        plain.pop("agreement", None)
        p = _load(plain)
        found = twinschedule.plan(p, suggest=False, top=2).options if p is not None else ()
        if len(found) == 2:
            v1["agreement"] = {"rules": [rule_text(o.rule) for o in found]}
    elif how == "best" or "agreement" not in v1:
        plain = copy.deepcopy(v1)
        plain.pop("agreement", None)
        p = _load(plain)
        best = twinschedule.plan(p, suggest=False).options[:1] if p is not None else ()
        if best:
            v1["agreement"] = {"rule": rule_text(best[0].rule)}
    return v1


def _published(m: dict[str, Any]) -> str:
    return str(m["start"] or m["nominal"])


def _difference(before: list[dict[str, Any]], after: list[dict[str, Any]]
                ) -> list[tuple[str, str]]:
    """The changes of agreement.md, computed from the two plans' month dicts."""
    b = {m["month"]: m for m in before}
    a = {m["month"]: m for m in after}
    out = []
    for month in sorted(b.keys() | a.keys()):
        x, y = b.get(month), a.get(month)
        if x is None:
            out.append((month, "added"))
        elif y is None:
            out.append((month, "removed"))
        elif x["start"] and y["start"] and (x["start"], x["end"]) != (y["start"], y["end"]):
            out.append((month, "moved"))
        elif bool(x["start"]) != bool(y["start"]):
            out.append((month, "skipped" if x["start"] else "restored"))
    return out


def keeps(first: Plan, second: Plan) -> bool:
    """Whether the re-issue keeps history: with an agreement, or when option 1's rule
    is still the published one (agreement.md)."""
    return bool(second.options) and (second.partnership.agreement is not None or (
        bool(first.options) and first.option(1).rule == second.option(1).rule))


def check_reissue(first: Plan, second: Plan, today: dt.date) -> None:
    """The properties of a re-issue, on the JSON both plans print."""
    old, new = first.to_dict(), second.to_dict()
    midnight = f"{today.isoformat()}T00:00:00Z"
    before = old["options"][0]["meetings"] if old["options"] else []
    after = new["options"][0]["meetings"] if new["options"] else []
    after_by_month = {m["month"]: m for m in after}
    kept = {m["month"] for m in before if _published(m) < midnight} \
        if keeps(first, second) else set()
    for m in before:
        if m["month"] in kept:  # history: byte for byte as published, and kept
            got = after_by_month[m["month"]]
            assert got["kept"] is True
            assert json.dumps({k: v for k, v in got.items() if k != "kept"}) == json.dumps(
                {k: v for k, v in m.items() if k != "kept"})
    for m in after:
        assert m["kept"] is (m["month"] in kept)
        if keeps(first, second) and not m["kept"] and m["start"] is not None:
            assert m["start"] >= midnight, m  # never moved into the past
    rule_changed = [c for c in new["changes"] if c["month"] is None]
    assert [(c["month"], c["change"]) for c in new["changes"] if c["month"]] == \
        _difference(before, after)
    assert len(rule_changed) <= 1
    assert new["sequence"] == old["sequence"] + (1 if new["changes"] else 0)


def draw_first_and_later(data: st.DataObject
                         ) -> tuple[dict[str, Any], Plan, dt.date, dict[str, Any]]:
    """A random first issue (its file and plan), a ``today`` and the file
    with closures added or taken away later (``_v1``, ``_today``, ``_closures_later``)."""
    base = data.draw(st.composite(_v1)())
    p0 = _load(base)
    assume(p0 is not None)
    assert p0 is not None
    plan0 = twinschedule.plan(p0, suggest=False)
    today, pivot = data.draw(st.composite(lambda draw: _today(draw, p0, plan0))())
    later = data.draw(st.composite(lambda draw: _closures_later(draw, base, plan0, pivot))())
    return base, plan0, today, later


def draw_reissue(data: st.DataObject) -> tuple[Plan, Plan]:
    """A feasible first issue and its feasible re-issue with the later file."""
    _, first, today, later = draw_first_and_later(data)
    p1 = _load(later)
    assume(p1 is not None and first.feasible)
    assert p1 is not None
    second = twinschedule.plan(p1, suggest=False, previous=first, today=today)
    assume(second.feasible)
    return first, second


@settings(max_examples=100)
@given(st.data())
def test_reissue_keeps_history_and_says_what_changed(data: st.DataObject) -> None:
    base, plan0, today, later = draw_first_and_later(data)
    # closures added later, or (as often) taken away later: months move back
    v1, v2 = (base, later) if data.draw(st.booleans()) else (later, base)
    p1, p2 = _load(v1), _load(v2)
    assume(p1 is not None and p2 is not None)
    assert p1 is not None and p2 is not None
    first = plan0 if v1 is base else twinschedule.plan(p1, suggest=False)
    second = twinschedule.plan(p2, suggest=False, previous=first.to_dict(), today=today)
    check_reissue(first, second, today)
    event(f"alternation={bool(p1.agreement and len(p1.agreement.rules) == 2)}")
    event(f"held={bool(first.options and first.option(1).metrics.held)} "
          f"changes={sorted({c.change for c in second.changes or ()})} "
          f"kept={any(m.kept for o in second.options[:1] for m in o.meetings)}")
    if p2.agreement is not None:
        assert second.option(1).agreed is True
        assert second.option(1).rule == p2.agreement.rule
    # The same again with the Plan object, and a third issue with nothing new.
    again = twinschedule.plan(p2, suggest=False, previous=first, today=today)
    assert again.to_dict() == second.to_dict()
    third = twinschedule.plan(p2, suggest=False, previous=second, today=today)
    assert third.changes == () and third.sequence == second.sequence
    check_reissue(second, third, today)


def test_sequence_never_below_the_files() -> None:
    data = _lisbon("v1.toml")
    first = twinschedule.plan(twinschedule.from_dict(data), suggest=False)
    data["partnership"]["sequence"] = 7
    second = twinschedule.plan(twinschedule.from_dict(data), suggest=False, previous=first,
                               today=dt.date(2027, 1, 15))
    assert second.changes == () and second.sequence == 7


# -- examples ----------------------------------------------------------------------------

CASE = Path(__file__).resolve().parents[1] / "conformance" / "agreement" / "lisbon-maputo"


def _lisbon(name: str) -> dict[str, Any]:
    return twinschedule.to_dict(twinschedule.load(CASE / name))


def test_a_new_agreement_starts_a_series_and_reports_the_rule_change() -> None:
    first = twinschedule.plan(twinschedule.load(CASE / "v1.toml"))
    data = _lisbon("v2.toml")
    data["agreement"] = {"rule": "2nd TU 11:00 Europe/Lisbon", "since": "2027-03-01"}
    second = twinschedule.plan(twinschedule.from_dict(data), previous=first,
                               today=dt.date(2027, 1, 15))
    o = second.option(1)
    assert [(s.tag, s.rules[0].weekday) for s in o.series] == [(None, "TH"), ("2027-03", "TU")]
    assert [(c.month, c.change) for c in second.changes] == [
        (None, "rule-changed"), ("2027-03", "moved"), ("2027-04", "moved"),
        ("2027-05", "moved"), ("2027-06", "moved")]
    # February is still under the old rule (planned afresh: after today), March on under
    # the new one.
    feb, mar = (m for m in o.meetings if m.month in ("2027-02", "2027-03"))
    assert feb.nominal.day == 25 and mar.nominal.day == 9 and not feb.kept
    assert second.sequence == 1


def test_without_an_agreement_a_new_best_rule_keeps_nothing() -> None:
    data = _lisbon("v1.toml")
    del data["agreement"]
    first = twinschedule.plan(twinschedule.from_dict(data))
    rule = first.option(1).rule
    # close the best rule's every meeting day at one school: the best rule changes
    school = data["schools"][1]
    school["closures"] = [{"on": m.start.date().isoformat(), "name": "Closed"}
                          for m in first.option(1).meetings if m.start is not None]
    second = twinschedule.plan(twinschedule.from_dict(data), previous=first,
                               today=dt.date(2027, 1, 15))
    assert second.option(1).rule != rule
    assert second.changes is not None and second.changes[0].change == "rule-changed"
    assert not any(m.kept for m in second.option(1).meetings)
    check_reissue(first, second, dt.date(2027, 1, 15))


def test_without_an_agreement_the_same_best_rule_keeps_the_past() -> None:
    data = _lisbon("v1.toml")
    del data["agreement"]
    first = twinschedule.plan(twinschedule.from_dict(data))
    second = twinschedule.plan(twinschedule.from_dict(data), previous=first,
                               today=dt.date(2027, 1, 15))
    assert second.option(1).rule == first.option(1).rule and second.changes == ()
    assert [m.kept for m in second.option(1).meetings][:4] == [True] * 4
    check_reissue(first, second, dt.date(2027, 1, 15))


def test_an_agreed_rule_that_holds_nothing_is_still_option_1() -> None:
    data = _lisbon("v1.toml")
    data["agreement"] = {"rule": "1st SU 03:00 Europe/Lisbon"}  # no school day
    plan = twinschedule.plan(twinschedule.from_dict(data))
    assert plan.feasible and plan.option(1).agreed and plan.option(1).metrics.held == 0
    assert all(m.status == "skipped" and m.reasons for m in plan.option(1).meetings)
    assert len(plan.options) == plan.partnership.top  # every searched one does better


def test_an_agreed_alternation_takes_turns_from_since() -> None:
    data = _lisbon("v1.toml")
    data["agreement"] = {"rules": ["last TH 11:00 Europe/Lisbon", "2nd TU 11:00 Europe/Lisbon"],
                         "since": dt.date(2026, 10, 1)}
    p = twinschedule.from_dict(data)
    o = twinschedule.plan(p).option(1)
    assert o.agreed and o.kind == "alternating"
    assert [r.text for r in o.rules] == [r.text for r in p.agreement.rules]  # type: ignore[union-attr]
    assert o.meetings[0].month == "2026-10"  # no month before since
    for m in o.meetings:  # A in October (k = 0), B in November, ...
        k = int(m.month[:4]) * 12 + int(m.month[5:]) - (2026 * 12 + 10)
        assert m.rule == k % 2, m
        if m.status == "scheduled":
            assert m.start is not None
            assert m.start.astimezone(dt.UTC).weekday() == (3 if k % 2 == 0 else 1)
    # the text marks the agreed alternation in its heading, before the colon
    lines = render_options(twinschedule.plan(p), words("en"))
    assert lines[0] == "1. Taking turns, month by month (agreed):"
    assert lines[1].startswith("   A: last Thursday of every month at 11:00")


# -- previous plans that are refused -----------------------------------------------------


def _previous_problem(edit: Any) -> str:
    p = twinschedule.load(CASE / "v1.toml")
    data = twinschedule.plan(p).to_dict()
    edit(data)
    with pytest.raises(ConfigError) as info:
        twinschedule.plan(p, previous=data, today=dt.date(2027, 1, 1))
    assert len(info.value.problems) == 1
    return str(info.value.problems[0])


@pytest.mark.parametrize(("edit", "want"), [
    (lambda d: d["partnership"].update(id="rugby-nairobi"),
     "partnership.id: 'rugby-nairobi' is another partnership than 'lisbon-maputo'"),
    (lambda d: d.update(version="0.2.0"),
     "version: the plan was written in format 0.2.0, newer than the 0.1.0"),
    (lambda d: d.update(version="1.0.0"), "version: the plan was written in format 1.0.0"),
    (lambda d: d.update(version="new"), "version: 'new' is not a plan format version X.Y.Z"),
    (lambda d: d.pop("options"), "options: missing"),
    (lambda d: d["options"][0]["meetings"][2].update(start="yesterday"),
     "options[0].meetings[2].start: expected a UTC instant"),
    (lambda d: d["options"][0]["meetings"][3].update(status="cancelled"),
     "options[0].meetings[3].status: expected scheduled, moved or skipped"),
    (lambda d: d["options"][0]["rule"].update(anchor="Mars/Olympus"),
     "options[0].rule.anchor: unknown time zone 'Mars/Olympus'"),
    (lambda d: d["options"][0]["meetings"][0]["reasons"].append({"school": "x"}),
     "options[0].meetings[0].reasons[0].reason: missing"),
    (lambda d: d.update(sequence=-1), "sequence: expected a SEQUENCE (0 or more)"),
])
def test_bad_previous_plans_are_located(edit: Any, want: str) -> None:
    assert _previous_problem(edit).startswith(want)


def test_a_previous_plan_that_is_not_a_plan() -> None:
    p = twinschedule.load(CASE / "v1.toml")
    for value, want in [([1, 2], "expected a JSON object"), ({}, "version: missing")]:
        with pytest.raises(ConfigError) as info:
            twinschedule.plan(p, previous=value, today=dt.date(2027, 1, 1))
        assert want in str(info.value.problems[0])
