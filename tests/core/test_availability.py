"""The bulk availability (``_availability``) against the readable definition
(``SchoolCalendar.conflicts``), start by start; the horizon margins of ``_units``; the
ranking key."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from strategies import partnerships

import twinschedule
from twinschedule import _units
from twinschedule._tz import zones as _zones
from twinschedule.core.availability import (
    Grid,
    GridStarts,
    Intervals,
    school_availability,
    utc_range,
)
from twinschedule.core.calendar import build_calendars
from twinschedule.core.ranking import RankKey
from twinschedule.errors import ConfigError


def _inside(intervals: Intervals, minute: int) -> bool:
    i = bisect.bisect_right(intervals, (minute, float("inf"))) - 1
    return i >= 0 and intervals[i][0] <= minute <= intervals[i][1]


@settings(max_examples=150)
@given(data=partnerships(max_months=2), picks=st.lists(st.integers(0, 10**9), min_size=40,
                                                       max_size=40))
def test_school_availability_agrees_with_conflicts(data: dict[str, Any],
                                                   picks: list[int]) -> None:
    """Every start whose local date is one of the calendar's dates: valid in bulk exactly
    when ``conflicts`` finds nothing, and in ``by_reason[r]`` exactly when ``conflicts``
    reports reason ``r``."""
    try:
        p = twinschedule.from_dict(data)
    except ConfigError:
        return
    for cal in build_calendars(p):
        av = school_availability(cal, with_reasons=True)
        plain = school_availability(cal)
        assert plain.valid == av.valid
        zone = _zones.get_zone(cal.zone)
        dur = dt.timedelta(minutes=cal.duration)
        # Starts near the windows' edges and the clock changes are the interesting ones.
        edges = [a for a, b in av.valid] + [b for a, b in av.valid]
        edges += list(av.tl.changes_between(av.first, av.last))
        for n, pick in enumerate(picks):
            if edges and n % 2:
                s = edges[pick % len(edges)] + pick % 7 - 3
            else:
                s = av.first + pick % (av.last - av.first)
            start = _zones.from_minutes(s)
            if not cal.first <= start.astimezone(zone).date() <= cal.last:
                continue
            reasons = {c.reason for c in cal.conflicts(start, start + dur)}
            assert _inside(av.valid, s) == (not reasons), (start, reasons)
            for reason, intervals in av.by_reason.items():
                assert _inside(intervals, s) == (reason in reasons), (start, reason)
            event("valid" if not reasons else "invalid")


def test_margins_exceed_each_other() -> None:
    """The reasoning of ``_units``' docstring, as arithmetic."""
    day = _units.MINUTES_PER_DAY
    # UTC offsets of the IANA data lie in -12:00..+14:00.
    assert _units.OFFSET_SPREAD >= 14 * 60 + 12 * 60
    # An anchor date's meetings fall on local dates within the calendar's margin.
    assert _units.CALENDAR_MARGIN_DAYS * day >= _units.OFFSET_SPREAD
    # The offset timeline covers the scanned UTC range plus one meeting.
    assert _units.TIMELINE_MARGIN_DAYS * day > _units.OFFSET_SPREAD + _units.MAX_DURATION
    # Imported calendars cover the calendar's dates (end exclusive).
    before, after = _units.IMPORT_MARGIN_DAYS
    assert before >= _units.CALENDAR_MARGIN_DAYS
    assert after >= _units.CALENDAR_MARGIN_DAYS + 1
    lo, hi = utc_range(10, 12)
    assert (lo, hi) == (10 * day - _units.OFFSET_SPREAD, 13 * day + _units.OFFSET_SPREAD)
    assert _units.weekday_of_day(0) == dt.date(1970, 1, 1).weekday()
    assert _units.weekday_of_day(_zones.day_number(dt.date(2026, 9, 7))) == 0  # a Monday


def test_grid_positions_and_masks() -> None:
    grid = Grid.covering(phase=5, step=15, lo=0, hi=100)
    assert (grid.base, grid.size) == (-1, 8)  # starts -10, 5, 20, ..., 95
    assert grid.index(-10) == 0 and grid.index(95) == 7
    assert grid.encode([(4, 21), (80, 200)]) == 0b11000110
    starts = GridStarts([[(4, 21), (80, 200)], [(0, 90)]], 15, 0, 100)
    # An anchor date whose grid times 2..4 start at UTC 5, 20, 35.
    assert starts.mask(((2, 4, 5 - 30),)) == 0b01100
    assert starts.mask(((0, 9, 5),)) == 0  # leaves the range: none


def test_rank_key_is_the_contract_tuple() -> None:
    key = RankKey.of(held=7, moved=1, drift=2, burdens=[30, 90], anchor_index=1, nth=-1,
                     weekday=4, time=720)
    assert key == (-7, 0, 1, 2, 90, 120, 0, 1, 4, 4, 720, ())
    assert (key.held, key.time) == (7, 720)
    better = RankKey.of(held=8, moved=5, drift=9, burdens=[999], anchor_index=3, nth=4,
                        weekday=6, time=0)
    assert sorted([key, better]) == [better, key]


def test_planner_key_mismatch_is_a_real_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check that the group keys and the exact evaluation agree is not an
    ``assert`` (which ``python -O`` removes)."""
    from twinschedule.core import planner

    real = planner._Search.exact

    def off_by_one(self: planner._Search, fam: Any, k: int) -> planner.Exact:
        got = real(self, fam, k)
        return got._replace(key=got.key._replace(drift=got.key.drift + 1))

    monkeypatch.setattr(planner._Search, "exact", off_by_one)
    p = twinschedule.load(_root() / "examples" / "england-kenya.toml")
    with pytest.raises(RuntimeError, match="internal error"):
        twinschedule.plan(p)


def _root() -> Any:
    from conftest import ROOT

    return ROOT
