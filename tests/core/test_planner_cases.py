"""The subtle points of planning.md as table tests."""

from __future__ import annotations

import datetime as dt

from helpers import partnership, school, utc

import twinschedule
from twinschedule._tz import zones as _zones

D = dt.date
ALL = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def test_london_new_york_in_march() -> None:
    # Only 14:00 London fits London's window; New York sees 09:00, but 10:00 between
    # 8 and 29 March 2026 (the US has changed its clocks, the UK has not).
    p = partnership([school("london", "Europe/London", hours=["14:00-14:45"]),
                     school("ny", "America/New_York", hours=["08:00-16:00"])],
                    start=D(2026, 2, 1), end=D(2026, 4, 30), weekdays=["TU"], weeks=[2],
                    anchor="Europe/London")
    best = twinschedule.plan(p).option(1)
    assert best.rule.text == "2nd Tuesday of every month at 14:00 (Europe/London)"
    ny = {m.month: m.local_start("ny") for m in best.meetings}
    assert [f"{ny[k]:%Y-%m-%d %H:%M}" for k in sorted(ny) if ny[k]] == [
        "2026-02-10 09:00", "2026-03-10 10:00", "2026-04-14 09:00"]
    assert best.usual_time("ny") == 9 * 60 and best.metrics.drift == 1


def test_last_weekday_rule() -> None:
    p = partnership([school("a", "UTC", days=ALL), school("b", "UTC", days=ALL)],
                    start=D(2026, 9, 1), end=D(2026, 12, 31), weekdays=["FR"], weeks=[-1],
                    step=60, top=1)
    best = twinschedule.plan(p).option(1)
    assert best.rule.rrule == "FREQ=MONTHLY;BYDAY=-1FR"
    assert [m.start.date() for m in best.meetings if m.start] == [
        D(2026, 9, 25), D(2026, 10, 30), D(2026, 11, 27), D(2026, 12, 25)]


def _closed_on(day: D) -> dict[str, object]:
    return {"closures": [{"on": day, "name": "Closed"}]}


def test_move_to_later_date_wins_tie() -> None:
    # The nominal Wednesday 2026-10-14 is closed; Tuesday and Thursday are both open:
    # the meeting is postponed to Thursday.
    p = partnership([school("a", "UTC", hours=["10:00-11:00"], **_closed_on(D(2026, 10, 14))),
                     school("b", "UTC", hours=["10:00-11:00"])],
                    start=D(2026, 10, 1), end=D(2026, 10, 31), weekdays=["TU", "WE", "TH"],
                    weeks=[2], anchor="UTC", duration=60)
    plan = twinschedule.plan(p, top=10)
    wed = next(o for o in plan.options if o.rule.weekday == "WE")
    m = wed.meetings[0]
    assert m.status == "moved" and m.start == utc(2026, 10, 15, 10)
    assert [(r.school, r.reason) for r in m.reasons] == [("a", "closure")]


def test_max_move_days_and_skip() -> None:
    closures = {"closures": [{"from": D(2026, 10, 12), "to": D(2026, 10, 16), "name": "Break"}]}
    base = dict(start=D(2026, 10, 1), end=D(2026, 10, 31), weekdays=["WE"], weeks=[2],
                anchor="UTC", duration=60)
    schools = [school("a", "UTC", hours=["10:00-11:00"], **closures),
               school("b", "UTC", hours=["10:00-11:00"])]
    # Wednesdays only: the nearest open Wednesday is 7 days away (7 Oct / 21 Oct -> later).
    moved = twinschedule.plan(partnership(schools, **base, max_move_days=7)).option(1)
    assert moved.meetings[0].status == "moved"
    assert moved.meetings[0].start == utc(2026, 10, 21, 10)
    six = twinschedule.plan(partnership(schools, **base, max_move_days=6))
    assert not six.feasible
    zero = twinschedule.plan(partnership(schools, **base, max_move_days=0))
    assert not zero.feasible
    skip = twinschedule.plan(partnership(schools, **base, on_conflict="skip"))
    assert not skip.feasible
    # With November in the horizon, "skip" holds November and skips October.
    base["end"] = D(2026, 11, 30)
    got = twinschedule.plan(partnership(schools, **base, on_conflict="skip")).option(1)
    assert [m.status for m in got.meetings] == ["skipped", "scheduled"]
    assert got.meetings[0].reasons[0].reason == "closure"


def test_fixed_anchor() -> None:
    p = partnership([school("ldn", "Europe/London", hours=["09:00-15:00"]),
                     school("nbo", "Africa/Nairobi", hours=["08:00-16:00"])],
                    start=D(2026, 9, 1), end=D(2027, 6, 30), anchor="Africa/Nairobi", top=20)
    plan = twinschedule.plan(p)
    assert {o.rule.anchor for o in plan.options} == {"Africa/Nairobi"}
    for o in plan.options:
        for m in o.meetings:
            if m.start:
                local = m.start.astimezone(_zones.get_zone("Africa/Nairobi"))
                assert local.hour * 60 + local.minute == o.rule.time


def test_duplicates_removed() -> None:
    # Nairobi and Riyadh are both UTC+3 all year: 12:00 Nairobi and 12:00 Riyadh are the
    # same instants, so the Riyadh-anchored twin of every option is a duplicate.
    p = partnership([school("nbo", "Africa/Nairobi", days=ALL, hours=["11:00-12:00"]),
                     school("ruh", "Asia/Riyadh", days=ALL, hours=["11:00-12:00"])],
                    start=D(2026, 9, 1), end=D(2026, 12, 31), top=50, duration=60, step=60)
    plan = twinschedule.plan(p)
    assert {o.rule.anchor for o in plan.options} == {"Africa/Nairobi"}
    starts = [tuple(m.start for m in o.meetings) for o in plan.options]
    assert len(starts) == len(set(starts)) == 35  # 5 weeks x 7 weekdays x 1 time


def test_rule_excluded_for_nonexistent_or_ambiguous_anchor_time() -> None:
    # New York: 2nd Sunday of March 2026 (8 March) 02:00-03:00 does not exist;
    # 1st Sunday of November 2026 (1 November) 01:00-02:00 happens twice.
    everyone = dict(days=ALL, hours=["00:00-05:00"])
    p = partnership([school("ny", "America/New_York", **everyone),
                     school("ny2", "America/New_York", **everyone)],
                    start=D(2026, 3, 1), end=D(2026, 11, 30), weekdays=["SU"], weeks=[1, 2],
                    duration=30, step=30, top=50, anchor="America/New_York")
    plan = twinschedule.plan(p, top=50)
    times = {(o.rule.nth, o.rule.time) for o in plan.options}
    assert (2, 120) not in times and (2, 150) not in times  # gap 02:00-03:00
    assert (2, 90) in times  # [01:30, 02:00) ends as the change happens: no span
    assert (1, 60) not in times and (1, 90) not in times  # fold 01:00-02:00
    assert (1, 30) in times  # 00:30-01:00 ends as the fold begins: fine
    assert (2, 180) in times and (1, 180) in times and (2, 60) in times
    # 45-minute meetings: 01:30 (1st Sunday is fine) spans the 8 March change at 02:00.
    longer = partnership([school("ny", "America/New_York", **everyone),
                          school("ny2", "America/New_York", **everyone)],
                         start=D(2026, 3, 1), end=D(2026, 3, 31), weekdays=["SU"], weeks=[2],
                         duration=45, step=30, top=50, anchor="America/New_York")
    times = {o.rule.time for o in twinschedule.plan(longer).options}
    assert 90 not in times and 60 in times and 180 in times


def test_school_on_next_local_day() -> None:
    # Tuesday 17:00 in Los Angeles is Wednesday 12:00 in Sydney (southern summer).
    p = partnership([school("la", "America/Los_Angeles", days=["TU"], hours=["16:00-18:00"]),
                     school("syd", "Australia/Sydney", days=["WE"], hours=["11:00-13:00"])],
                    start=D(2027, 1, 1), end=D(2027, 2, 28), duration=60, top=1)
    best = twinschedule.plan(p).option(1)
    for m in best.meetings:
        assert m.start is not None
        la, syd = m.local_start("la"), m.local_start("syd")
        assert la is not None and syd is not None
        assert la.strftime("%a") == "Tue" and syd.strftime("%a") == "Wed"
        assert syd.date() - la.date() == dt.timedelta(days=1)
