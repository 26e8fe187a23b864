"""Suggestion 5 (explain.md): stretch hours and alternation for partners far apart,
re-planned exactly from its patch like every other suggestion, in people's words, with
windows no longer than needed (checked against a brute force of the meetings one school
alone can hold inside the other's hours)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import partnerships, stretch_partnerships

import twinschedule
from twinschedule._tz import zones as _zones
from twinschedule.core.alternate import plan as plan_exactly
from twinschedule.core.calendar import build_calendar
from twinschedule.core.plan import rule_dict
from twinschedule.core.rules import months
from twinschedule.core.suggest import (
    _Reuse,
    apply_patch,
    changed,
    farthest_apart,
    held_bound,
    reach,
    stretch_window,
)
from twinschedule.i18n.words import words
from twinschedule.model import Partnership, School, Window, merge_windows
from twinschedule.render.text import render


def _stretch(plan: twinschedule.Plan) -> twinschedule.core.plan.Suggestion:  # type: ignore[name-defined]
    found = [s for s in plan.suggestions if "schools" in s.change]
    assert len(found) == 1, plan.to_dict()["suggestions"]
    return found[0]


def _bare_auckland_reykjavik() -> Partnership:
    p = twinschedule.load(EXAMPLES / "auckland-reykjavik.toml")
    return dataclasses.replace(p, schools=tuple(dataclasses.replace(s, stretch=())
                                                for s in p.schools))


@pytest.fixture(scope="module")
def honolulu() -> tuple[Partnership, twinschedule.Plan]:
    p = twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml")
    return p, twinschedule.plan(p)


def test_the_patch_replans_exactly(honolulu: tuple[Partnership, twinschedule.Plan]) -> None:
    p, plan = honolulu
    s = _stretch(plan)
    assert s.change == {"schools": {"honolulu": {"set": {"stretch": ["14:45-16:45"]}},
                                    "delhi": {"set": {"stretch": ["05:30-07:30"]}}},
                        "partnership": {"set": {"alternate": True}}}
    data = twinschedule.to_dict(p)
    q = twinschedule.from_dict(apply_patch(data, s.change))
    assert q == changed(p, s.change)
    assert q.alternate is True and [x.stretch for x in q.schools] == [
        (Window(start=885, end=1005),), (Window(start=330, end=450),)]
    best = plan_exactly(q, top=1).options[0]
    assert (best.metrics.held, rule_dict(best.rule)) == (s.held, rule_dict(s.rule))
    assert best.kind == "alternating" and s.alternating
    assert dict(s.stretch) == {sid: n for sid, n in best.metrics.stretch or ()}
    assert s.text == ("If Punahou School could meet 14:45-16:45 now and then, and Delhi Public "
                      "School R. K. Puram 05:30-07:30, taking turns month by month would hold "
                      "12 of 12 meetings, each school stretching in 6.")
    assert plan.to_dict()["suggestions"][0]["stretch"] == {"honolulu": 6, "delhi": 6}


def test_in_the_readers_language(honolulu: tuple[Partnership, twinschedule.Plan]) -> None:
    _, plan = honolulu
    german = " ".join(x.strip() for x in render(plan, lang="de").splitlines())
    assert "ab und zu 14:45–16:45 treffen könnte" in german
    assert "im monatlichen Wechsel 12 von 12 Treffen" in german
    japanese = render(plan, lang="ja")
    assert "月ごとに交代して" in japanese.replace("\n", "").replace(" ", "")


def _months_met(p: Partnership, school: School, window: Window, other: School) -> int:
    """Brute force: the months of the horizon (a month's UTC range widened by 26 hours
    on both sides, as the bound) in which ``school``, with ``window`` added to its
    stretch windows, can meet ``other`` inside the other's own hours, judging every
    start of the other's windows on a 15-minute grid with the readable calendar."""
    mine = build_calendar(dataclasses.replace(school, stretch=merge_windows(
        (*school.stretch, window))), start=p.start, end=p.end, duration=p.duration)
    theirs = build_calendar(other, start=p.start, end=p.end, duration=p.duration)
    zone = _zones.get_zone(other.timezone)
    spread = dt.timedelta(hours=26)
    ranges = []
    for y, m in months(p.start, p.end):
        nxt = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=dt.UTC)
        ranges.append((dt.datetime(y, m, 1, tzinfo=dt.UTC) - spread, nxt + spread))
    met: set[int] = set()
    duration = dt.timedelta(minutes=p.duration)
    day = p.start - dt.timedelta(days=2)
    while day <= p.end + dt.timedelta(days=2):
        for w in theirs.windows(day):
            for minute in range(w.start, w.end - p.duration + 1, 15):
                start = dt.datetime.combine(day, dt.time(minute // 60, minute % 60),
                                            zone).astimezone(dt.UTC)
                if theirs.conflicts(start, start + duration) or \
                        mine.conflicts(start, start + duration):
                    continue
                met |= {i for i, (a, b) in enumerate(ranges) if a <= start <= b}
        day += dt.timedelta(days=1)
    return len(met)


def test_windows_are_no_longer_than_needed(
        honolulu: tuple[Partnership, twinschedule.Plan]) -> None:
    """Each school's window meets the other school in its own hours in as many months
    as the longest window of the waking day does, and one step shorter meets it in
    fewer (checked by brute force)."""
    p, _ = honolulu
    reuse = _Reuse(p)
    pair = farthest_apart(p)
    assert pair == (0, 1)
    for school, other in (pair, pair[::-1]):
        mine, theirs = p.schools[school], p.schools[other]
        got = [reach(p, reuse, school, other, side) for side in ("before", "after")]
        found = [g for g in got if g is not None]
        most, window = min(found, key=lambda x: (-x[0], x[1].end - x[1].start))
        side = "before" if window.end == min(w.start for w in mine.hours) else "after"
        longest = stretch_window(mine, side, (window.end - window.start) // p.step * p.step)
        assert longest == window
        assert _months_met(p, mine, window, theirs) == most == 12
        shorter = stretch_window(mine, side, window.end - window.start - p.step)
        assert shorter is not None
        assert _months_met(p, mine, shorter, theirs) < most


def test_far_apart_partners_are_told_to_take_turns() -> None:
    """Auckland and Reykjavik with school hours only: no time fits, and the suggestion
    is an evening slot for each, taking turns month by month, each school stretching in
    its own turn."""
    p = _bare_auckland_reykjavik()
    plan = twinschedule.plan(p)
    assert not plan.feasible
    s = _stretch(plan)
    assert s.alternating and s.held == 9
    assert dict(s.stretch) == {"auckland": 5, "reykjavik": 4}
    assert s.change["schools"] == {"auckland": {"set": {"stretch": ["15:15-21:45"]}},
                                   "reykjavik": {"set": {"stretch": ["15:30-21:30"]}}}
    w = words("de")
    assert "Menntaskólinn í Reykjavík" in twinschedule.core.suggest.say(p, s, w)  # type: ignore[attr-defined]


def test_not_tried_when_more_than_half_the_months_are_held() -> None:
    p = twinschedule.load(EXAMPLES / "riyadh-lahore.toml")
    plan = twinschedule.plan(p)
    held = plan.option(1).metrics.held
    assert 2 * held > len(months(p.start, p.end))
    assert not any("schools" in s.change for s in plan.suggestions)


def test_not_tried_when_no_stretch_is_allowed() -> None:
    p = dataclasses.replace(_bare_auckland_reykjavik(), stretch_share=0.0)
    assert not any("schools" in s.change for s in twinschedule.plan(p).suggestions)


def test_apply_patch_of_several_tables() -> None:
    data: dict[str, Any] = {"partnership": {"id": "x", "top": 3},
                            "schools": [{"id": "a", "hours": ["09:00-15:00"]},
                                        {"id": "b", "hours": ["08:00-14:00"]}]}
    patch = {"schools": {"a": {"set": {"stretch": ["15:00-17:00"]}},
                         "b": {"set": {"stretch": ["07:00-08:00"]}}},
             "partnership": {"set": {"alternate": True}}}
    out = apply_patch(data, patch)
    assert out["schools"][0]["stretch"] == ["15:00-17:00"]
    assert out["schools"][1]["stretch"] == ["07:00-08:00"]
    assert out["partnership"] == {"id": "x", "top": 3, "alternate": True}
    assert "stretch" not in data["schools"][0]  # not modified


@settings(max_examples=40)
@given(st.one_of(partnerships(max_months=4, steps=(30, 60)), stretch_partnerships()))
def test_held_bound_is_an_upper_bound(data: dict[str, Any]) -> None:
    """The months with a common start on an anchor date of that month (for the
    candidate anchors' offsets) bound what any option holds: the suggestions skip
    changes with it, so it must never be below the truth."""
    try:
        p = twinschedule.from_dict(data)
    except twinschedule.ConfigError:
        return
    reuse = _Reuse(p)
    plan = plan_exactly(p, top=1, calendars=reuse.cals, availabilities=reuse.avs)
    held = plan.options[0].metrics.held if plan.options else 0
    assert held_bound(p, reuse.avs) >= held


def test_held_bound_counts_a_month_by_its_anchor_dates() -> None:
    """Auckland open only on the 1st of each month at 08:00-10:00, that is the evening
    of the previous month's last day in UTC (and in Reykjavik): every month holds a
    meeting on its 1st (anchored in Auckland), so the bound must count each month by
    its anchor dates, not by its UTC dates."""
    firsts = [{"from": f"{y}-{m:02d}-01", "to": f"{y}-{m:02d}-01"}
              for y, m in [(2026, 10), (2026, 11), (2026, 12), (2027, 1)]]
    p = twinschedule.from_dict({
        "partnership": {"id": "b", "name": "B", "start": "2026-10-01", "end": "2027-01-31",
                        "duration": 45},
        "schools": [
            {"id": "akl", "name": "Auckland", "timezone": "Pacific/Auckland",
             "hours": ["08:00-10:00"], "terms": firsts,
             "days": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
            {"id": "rvk", "name": "Reykjavik", "timezone": "Atlantic/Reykjavik",
             "hours": ["18:00-22:00"], "days": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]}]})
    reuse = _Reuse(p)
    plan = plan_exactly(p, top=1, calendars=reuse.cals, availabilities=reuse.avs)
    assert plan.options[0].metrics.held == 4
    assert held_bound(p, reuse.avs) == 4
