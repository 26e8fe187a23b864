"""School calendars: conditions 1-5 of planning.md, around DST changes, windows and
holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import partnership, school, utc
from hypothesis import event, given, settings
from hypothesis import strategies as st

from twinschedule._tz import zones as _zones
from twinschedule.core.calendar import SchoolCalendar, build_calendars, default_days

D = dt.date


START, END = D(2026, 1, 1), D(2027, 12, 31)


def cal_for(zone: str, *, start: D = START, end: D = END, duration: int = 60,
            **extra: object) -> SchoolCalendar:
    p = partnership([school("a", zone, **extra), school("b", "UTC")], start=start, end=end,
                    duration=duration)
    return build_calendars(p)[0]


def codes(cal: SchoolCalendar, start: dt.datetime, minutes: int) -> list[str]:
    return [c.reason for c in cal.conflicts(start, start + dt.timedelta(minutes=minutes))]


ALL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

# (zone, hours, UTC start, minutes, expected reason codes)
DST_CASES = [
    # London springs forward 2026-03-29 01:00 UTC (01:00 GMT -> 02:00 BST).
    ("Europe/London", ["00:00-02:00"], utc(2026, 3, 29, 0, 30), 60, ["outside-hours"]),
    ("Europe/London", ["00:00-02:30"], utc(2026, 3, 29, 0, 30), 60, []),
    # London falls back 2026-10-25 01:00 UTC (02:00 BST -> 01:00 GMT): 01:30 -> 01:30.
    ("Europe/London", ["01:00-01:45"], utc(2026, 10, 25, 0, 30), 60, []),
    ("Europe/London", ["01:00-01:29"], utc(2026, 10, 25, 0, 30), 60, ["outside-hours"]),
    # New York springs forward 2026-03-08 07:00 UTC; 14:00 UTC is 10:00 EDT.
    ("America/New_York", ["09:00-10:00"], utc(2026, 3, 9, 14, 0), 45, ["outside-hours"]),
    ("America/New_York", ["10:00-11:00"], utc(2026, 3, 9, 14, 0), 45, []),
    ("America/New_York", ["09:00-10:00"], utc(2026, 3, 6, 14, 0), 45, []),
    # Sydney: DST ends 2026-04-05 (03:00 AEDT -> 02:00 AEST, at 16:00 UTC on the 4th).
    ("Australia/Sydney", ["01:30-02:45"], utc(2026, 4, 4, 15, 30), 60, []),
    # Sydney DST starts 2026-10-04 02:00 AEST -> 03:00 AEDT (16:00 UTC on the 3rd).
    ("Australia/Sydney", ["01:30-03:00"], utc(2026, 10, 3, 15, 30), 60, ["outside-hours"]),
    ("Australia/Sydney", ["01:30-03:30"], utc(2026, 10, 3, 15, 30), 60, []),
    # Lord Howe shifts by 30 minutes: 02:00 -> 02:30 on 2026-10-04 (15:30 UTC on the 3rd).
    ("Australia/Lord_Howe", ["01:30-02:30"], utc(2026, 10, 3, 15, 0), 60, ["outside-hours"]),
    ("Australia/Lord_Howe", ["01:30-03:00"], utc(2026, 10, 3, 15, 0), 60, []),
    # Santiago: clocks jump from 24:00 to 01:00 on 2026-09-06 (04:00 UTC); a meeting
    # starting 23:30 local on the 5th ends at 01:30 the next day: never fits.
    ("America/Santiago", ["22:00-24:00"], utc(2026, 9, 6, 3, 30), 60, ["outside-hours"]),
    # Casablanca returns from +01 to +00 for Ramadan on 2026-02-15 at 02:00 UTC.
    ("Africa/Casablanca", ["02:30-03:00"], utc(2026, 2, 15, 1, 30), 30, []),
    ("Africa/Casablanca", ["02:30-03:00"], utc(2026, 2, 15, 3, 0), 30, ["outside-hours"]),
]


@pytest.mark.parametrize(("zone", "hours", "start", "minutes", "expected"), DST_CASES)
def test_validity_around_dst(zone: str, hours: list[str], start: dt.datetime, minutes: int,
                             expected: list[str]) -> None:
    # The calendar's own duration only sets the preferred time; the meeting is given.
    cal = cal_for(zone, hours=hours, days=ALL_DAYS, duration=15)
    assert codes(cal, start, minutes) == expected


def test_local_date_differs_from_partner() -> None:
    # Tuesday 17:00 in Los Angeles is Wednesday 12:00 in Sydney (in January).
    cal = cal_for("Australia/Sydney", days=["WE"], hours=["11:00-13:00"])
    start = dt.datetime(2027, 1, 12, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert codes(cal, start, 60) == []
    sat = cal_for("Australia/Sydney", days=["TU"], hours=["11:00-13:00"])
    assert codes(sat, start, 60) == ["not-school-day"]


def test_window_edges_and_24_00() -> None:
    cal = cal_for("UTC", days=ALL_DAYS, hours=["08:00-12:00", "13:00-15:00"], duration=60)
    assert codes(cal, utc(2026, 5, 5, 11, 0), 60) == []  # ends exactly at 12:00
    assert codes(cal, utc(2026, 5, 5, 11, 15), 60) == ["outside-hours"]
    assert codes(cal, utc(2026, 5, 5, 12, 30), 60) == ["outside-hours"]  # in the lunch gap
    assert codes(cal, utc(2026, 5, 5, 14, 0), 60) == []  # second window
    late = cal_for("UTC", days=ALL_DAYS, hours=["20:00-24:00"], duration=60)
    assert codes(late, utc(2026, 5, 5, 23, 0), 60) == []  # ends at 24:00
    assert codes(late, utc(2026, 5, 5, 23, 15), 60) == ["outside-hours"]  # after midnight


def test_touching_windows_merge() -> None:
    cal = cal_for("UTC", days=ALL_DAYS, hours=["09:00-12:00", "12:00-15:00"], duration=60)
    assert codes(cal, utc(2026, 5, 5, 11, 30), 60) == []


def test_hours_by_day_replace_hours() -> None:
    cal = cal_for("UTC", hours=["09:00-15:00"], hours_by_day={"FR": ["09:00-12:00"]})
    assert codes(cal, utc(2026, 5, 8, 13, 0), 60) == ["outside-hours"]  # a Friday
    assert codes(cal, utc(2026, 5, 7, 13, 0), 60) == []  # a Thursday


def test_terms_closures_busy_reasons() -> None:
    cal = cal_for("Europe/London", terms=[{"from": D(2026, 9, 3), "to": D(2026, 12, 18)}],
                  closures=[{"from": D(2026, 10, 26), "to": D(2026, 10, 30), "name": "Half term"},
                            {"on": D(2026, 10, 27), "name": "Training day"}],
                  busy=[{"on": D(2026, 11, 11), "from": "10:45", "to": "11:30",
                         "name": "Remembrance assembly"}])
    got = cal.conflicts(utc(2026, 10, 27, 10), utc(2026, 10, 27, 11))
    assert [(c.reason, c.detail) for c in got] == [("closure", "Half term; Training day")]
    got = cal.conflicts(utc(2026, 12, 21, 10), utc(2026, 12, 21, 11))
    assert [(c.reason, c.detail) for c in got] == [("outside-term",
                                                    "2026-12-21 is outside every term")]
    got = cal.conflicts(utc(2026, 11, 11, 10), utc(2026, 11, 11, 11))
    assert [(c.reason, c.detail) for c in got] == [("busy", "Remembrance assembly")]
    # Touching end-to-start is not an overlap.
    assert cal.conflicts(utc(2026, 11, 11, 10, 0), utc(2026, 11, 11, 10, 45)) == []
    assert cal.conflicts(utc(2026, 11, 11, 11, 30), utc(2026, 11, 11, 12, 30)) == []


def test_saturday_holiday_gives_both_reasons() -> None:
    cal = cal_for("Europe/London", country="GB", subdivision="ENG")
    got = codes(cal, utc(2026, 12, 26, 10), 60)  # Boxing Day, a Saturday
    assert got == ["not-school-day", "holiday"]


def test_kenyan_public_holiday() -> None:
    cal = cal_for("Africa/Nairobi", country="KE", hours=["08:00-16:00"])
    got = cal.conflicts(utc(2026, 10, 20, 9), utc(2026, 10, 20, 10))
    assert [(c.reason, c.detail) for c in got] == [("holiday", "Mashujaa Day")]


def test_english_bank_holiday_with_subdivision() -> None:
    eng = cal_for("Europe/London", country="GB", subdivision="ENG")
    sct = cal_for("Europe/London", country="GB", subdivision="SCT")
    # Late Summer Bank Holiday: England only (Scotland's is at the start of August).
    assert codes(eng, utc(2026, 8, 31, 10), 60) == ["holiday"]
    assert codes(sct, utc(2026, 8, 31, 10), 60) == []
    assert codes(sct, utc(2026, 8, 3, 10), 60) == ["holiday"]
    # Boxing Day 2026 is a Saturday: observed on Monday 28 December.
    assert codes(eng, utc(2026, 12, 28, 10), 60) == ["holiday"]


def test_nsw_school_holiday_category() -> None:
    public = cal_for("Australia/Sydney", country="AU", subdivision="NSW")
    school_too = cal_for("Australia/Sydney", country="AU", subdivision="NSW",
                         holidays=["public", "school"])
    when = utc(2026, 7, 7, 0)  # 10:00 in Sydney, NSW winter school holidays
    assert codes(public, when, 60) == []
    got = school_too.conflicts(when, when + dt.timedelta(hours=1))
    assert [c.reason for c in got] == ["holiday"]
    assert "school holidays" in got[0].detail.lower()


def test_saudi_week_from_country_default() -> None:
    assert default_days("SA") == ("MO", "TU", "WE", "TH", "SU")
    cal = cal_for("Asia/Riyadh", country="SA", hours=["07:00-12:30"])
    assert codes(cal, utc(2026, 9, 6, 6), 60) == []  # Sunday 09:00
    assert codes(cal, utc(2026, 9, 4, 6), 60) == ["not-school-day"]  # Friday
    assert default_days(None) == ("MO", "TU", "WE", "TH", "FR")


ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
         "Africa/Casablanca", "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns"]


@settings(max_examples=300)
@given(zone=st.sampled_from(ZONES), day=st.integers(0, 2 * 366), minute=st.integers(0, 1440),
       duration=st.sampled_from([15, 45, 60, 120]),
       days=st.lists(st.sampled_from(ALL_DAYS), min_size=1, max_size=7, unique=True),
       a=st.integers(0, 95), length=st.integers(1, 40))
def test_valid_meeting_is_inside_a_window_on_a_school_day(
        zone: str, day: int, minute: int, duration: int, days: list[str], a: int,
        length: int) -> None:
    b = min(96, a + length)
    hours = [f"{a * 15 // 60:02d}:{a * 15 % 60:02d}-{b * 15 // 60:02d}:{b * 15 % 60:02d}"]
    cal = cal_for(zone, days=days, hours=hours, duration=5)
    # Mostly starts near the window on some local date, so that many are valid.
    wall = dt.datetime(2026, 1, 1) + dt.timedelta(days=day, minutes=a * 15 + minute % 120)
    start = wall.replace(tzinfo=_zones.get_zone(zone)).astimezone(dt.UTC)
    end = start + dt.timedelta(minutes=duration)
    if cal.conflicts(start, end):
        return
    event("valid")
    z = _zones.get_zone(zone)
    ls, le = start.astimezone(z), end.astimezone(z)
    assert ALL_DAYS[ls.weekday()] in days
    begin = ls.hour * 60 + ls.minute
    finish = (le.date() - ls.date()).days * 1440 + le.hour * 60 + le.minute
    assert a * 15 <= begin and finish <= b * 15
