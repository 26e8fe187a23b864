"""The shipped examples: every examples/*.toml loads, plans feasibly within one school
year, and every held meeting of its best options is valid for every school, judged by
the readable reference (``SchoolCalendar.conflicts``) rather than the planner's bulk
search. The imported-calendar example honours its .ics; the infeasible and invalid
examples fail the way the docs say.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule.core.calendar import build_calendars

FILES = sorted(EXAMPLES.glob("*.toml"))
SCHOOL_YEAR = (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def test_the_examples_are_there() -> None:
    names = {path.stem for path in FILES}
    assert {"england-kenya", "england-kenya-ics", "england-australia", "newyork-berlin",
            "riyadh-lahore", "india-nepal-bangladesh"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_plans_are_valid(path: Path) -> None:
    p = twinschedule.load(path)
    assert SCHOOL_YEAR[0] <= p.start <= p.end <= SCHOOL_YEAR[1]
    plan = twinschedule.plan(p)
    assert plan.feasible and plan.diagnostics is None
    cals = build_calendars(p)
    for option in plan.options[:3]:
        held = 0
        for m in option.meetings:
            rule = option.rule_of(m)  # an alternation's month has its own rule
            anchor = ZoneInfo(rule.anchor)
            nominal_conflicts = [c for cal in cals
                                 for c in cal.conflicts(m.nominal, m.nominal + dt.timedelta(
                                     minutes=p.duration))]
            if m.status == "scheduled":
                assert m.start == m.nominal and nominal_conflicts == [] and m.reasons == ()
            else:
                # Moved and skipped months report why the nominal meeting failed.
                assert nominal_conflicts, m.month
                assert {(c.school, c.reason) for c in m.reasons} == {
                    (c.school, c.reason) for c in nominal_conflicts}
            if m.status == "skipped":
                assert m.start is None and m.end is None and m.local is None
                continue
            assert m.start is not None and m.end is not None and m.local is not None
            held += 1
            assert m.end - m.start == dt.timedelta(minutes=p.duration)
            for cal in cals:  # the meeting is valid for every school
                assert cal.conflicts(m.start, m.end) == [], (path.name, m.month, cal.zone)
            local = m.start.astimezone(anchor)
            assert f"{local:%Y-%m}" == m.month
            assert local.hour * 60 + local.minute == rule.time  # same clock time in anchor
            assert WEEKDAYS[local.weekday()] in p.weekdays
            for school in p.schools:
                assert m.local_start(school.id) == m.start.astimezone(ZoneInfo(school.timezone))
        assert held == option.metrics.held
        # A sensible plan for a school year: a meeting in most months.
        assert held >= 9, (path.name, option.rule.text, held)


def test_far_apart_partners_take_turns() -> None:
    """Auckland and Reykjavik share no school hours: with an early and an evening stretch
    slot on each side, the best option takes turns, and neither school stretches in more
    than half of the months (a limit the search applies, not a wish)."""
    p = twinschedule.load(EXAMPLES / "auckland-reykjavik.toml")
    plan = twinschedule.plan(p)
    best = plan.option(1)
    assert best.kind == "alternating" and len(best.rules) == 2
    months = len(best.meetings)
    stretch = dict(best.metrics.stretch or ())
    assert set(stretch) == {"auckland", "reykjavik"}
    assert all(0 < n <= months // 2 for n in stretch.values()), stretch
    # Each school stretches in its own turn: rule A's months ask Reykjavik, B's Auckland.
    for m in best.meetings:
        if m.start is not None:
            assert m.stretch == (("reykjavik",) if m.rule == 0 else ("auckland",))
    # Without stretch hours nothing fits at all.
    bare = dataclasses.replace(p, schools=tuple(dataclasses.replace(s, stretch=())
                                                for s in p.schools))
    assert not twinschedule.plan(bare, suggest=False).feasible


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_check_command(path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "twinschedule", "check",
                        str(path.relative_to(ROOT))], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith(f"{path.relative_to(ROOT)}: valid.")


def test_every_example_is_in_the_cookbook() -> None:
    cookbook = (ROOT / "docs" / "cookbook.md").read_text(encoding="utf-8")
    for path in FILES:
        assert f"examples/{path.name}" in cookbook, path.name


def test_imported_term_dates() -> None:
    p = twinschedule.load(EXAMPLES / "england-kenya-ics.toml")
    rugby = p.school("rugby")
    closures = {(r.name, r.first, r.last) for r in rugby.imported_closures}
    # All-day events close their dates, DTEND exclusive.
    assert ("Autumn half term", dt.date(2026, 10, 26), dt.date(2026, 10, 30)) in closures
    assert ("Christmas holiday", dt.date(2026, 12, 19), dt.date(2027, 1, 3)) in closures
    assert ("INSET day", dt.date(2027, 1, 4), dt.date(2027, 1, 4)) in closures
    assert len(closures) == 9
    # The weekly staff meeting is busy every Wednesday; the transparent reminder is not.
    assert {b.name for b in rugby.imported_busy} == {"Staff meeting"}
    assert len(rugby.imported_busy) == 46
    assert {b.start.astimezone(ZoneInfo("Europe/London")).strftime("%a %H:%M")
            for b in rugby.imported_busy} == {"Wed 13:15"}
    cal = build_calendars(p)[0]
    minutes = dt.timedelta(minutes=45)

    def reasons(when: dt.datetime) -> list[tuple[str, str]]:
        return [(c.reason, c.detail) for c in cal.conflicts(when, when + minutes)]

    wednesday = dt.datetime(2026, 11, 4, 13, 30, tzinfo=dt.UTC)  # 13:30 GMT
    assert reasons(wednesday) == [("busy", "Staff meeting")]
    assert reasons(wednesday + dt.timedelta(minutes=45)) == []  # starts as it ends
    assert reasons(dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.UTC)) == [("closure", "INSET day")]
    assert reasons(dt.datetime(2026, 10, 28, 10, 0, tzinfo=dt.UTC)) == [
        ("closure", "Autumn half term")]
    reminder = dt.datetime(2026, 11, 13, 10, 0, tzinfo=dt.UTC)  # transparent: ignored
    assert reasons(reminder) == []


def test_the_infeasible_example() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml"))
    assert not plan.feasible and plan.options == ()
    assert plan.diagnostics is not None and plan.diagnostics.weekly_overlap.minutes == 0


def test_the_invalid_example() -> None:
    with pytest.raises(twinschedule.ConfigError) as caught:
        twinschedule.load(ROOT / "docs" / "examples" / "typos.toml")
    paths = [problem.path for problem in caught.value.problems]
    assert paths == [
        "partnership.weekdays[1]", "partnership.on_conflict", "schools[0] (rugby).prefered",
        "schools[0] (rugby).timezone", "schools[0] (rugby).country",
        "schools[0] (rugby).hours[1]", "schools[0] (rugby).closures[0].to",
        "schools[1] (nairobi).hours"]
