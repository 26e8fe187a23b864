"""VTIMEZONEs reproduce the zone's UTC offset at every transition, one minute before it
and between transitions over the horizon (also past 2038), in the Outlook-readable form
(one yearly ``BYMONTH``/``BYDAY=<nth><weekday>`` RRULE per direction) where one fits.

Checked twice: by expanding the observances in Python (dateutil's rrule, independent of
the module's own rule arithmetic), and with ical.js, which uses nothing but the file's
VTIMEZONE (icalendar and recurring-ical-events resolve a TZID with zoneinfo instead, so
they cannot see a wrong VTIMEZONE)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import icalendar
import icaljs
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st

from twinschedule._tz import zones as _zones
from twinschedule._tz.vtimezone import vtimezone

D = dt.date
UTC = dt.UTC

# One STANDARD + one DAYLIGHT observance, each with an open-ended yearly RRULE.
ORDINARY = ["Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
            "Pacific/Chatham", "America/St_Johns", "Europe/Berlin"]
# America/Santiago changes on the first Sunday on or after the 2nd (Sep/Apr "Sun>=2" at
# 24:00 of the Saturday before): "1SU" except when the month starts on a Sunday (Apr
# 2029, Sep 2030, Apr 2040, ...), so over horizons holding such a year its directions
# are split (RRULE + UNTIL, the odd year on its own, open RRULE last).
SANTIAGO = "America/Santiago"
NO_DST = ["Asia/Kathmandu", "Asia/Kolkata", "America/Mexico_City"]
IRREGULAR = ["Africa/Casablanca"]
ZONES = [*ORDINARY, SANTIAGO, *NO_DST, *IRREGULAR]
HORIZONS = [(D(2026, 9, 1), D(2027, 8, 31)), (D(2026, 1, 1), D(2030, 12, 31)),
            (D(2037, 6, 1), D(2040, 6, 30))]
# Rule changes: a one-off change with nothing before it in the margin (an observance
# holding from 1970 covers the start), DST abolished (rules end with UNTIL), and the
# 2007 US change (one rule per direction with UNTIL, then open rules).
SPECIAL = [("Asia/Kathmandu", D(1985, 6, 1), D(1987, 1, 1)),
           ("America/Mexico_City", D(2022, 1, 1), D(2023, 12, 31)),
           ("America/New_York", D(2005, 1, 1), D(2008, 12, 31))]
CASES = [(zone, start, end) for zone in ZONES for start, end in HORIZONS] + SPECIAL
RRULE_FORM = re.compile(r"FREQ=YEARLY(;UNTIL=\d{8}T\d{6}Z)?;BYDAY=(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)"
                        r";BYMONTH=(\d{1,2})")


@functools.cache
def _tz(zone: str, start: D, end: D) -> Any:
    return vtimezone(zone, start, end)


def _calendar(tz: Any) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//twinschedule tests//EN")
    cal.add("version", "2.0")
    cal.add_component(tz)
    data: bytes = cal.to_ical()
    return data


def _minutes(td: dt.timedelta) -> int:
    return int(td.total_seconds() // 60)


def _rdates(obs: Any) -> list[Any]:
    """RDATE properties of an observance (icalendar gives a list only when repeated)."""
    value = obs.get("RDATE")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _observance_onsets(obs: Any, until: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """(UTC instant, offset after) of every onset of one observance up to ``until``, per
    RFC 5545: DTSTART, the RRULE's instances and the RDATEs, all local times with the
    offset TZOFFSETFROM."""
    before = obs["TZOFFSETFROM"].td
    after = _minutes(obs["TZOFFSETTO"].td)
    start = obs["DTSTART"].dt
    assert isinstance(start, dt.datetime) and start.tzinfo is None, "DTSTART must be local"
    local_until = until.replace(tzinfo=None) + before
    starts = {start}
    if "RRULE" in obs:
        text = obs["RRULE"].to_ical().decode()
        parts = [p for p in text.split(";") if not p.startswith("UNTIL=")]
        rule_until = obs["RRULE"].get("UNTIL")
        limit = local_until
        if rule_until:
            u = rule_until[0]
            assert u.tzinfo is not None and u.utcoffset() == dt.timedelta(0), "UNTIL in UTC"
            limit = min(limit, u.replace(tzinfo=None) + before)  # local, like DTSTART
        rule = rrulestr(";".join(parts), dtstart=start, ignoretz=True)
        starts.update(rule.between(start, limit, inc=True))
    for prop in _rdates(obs):
        starts.update(d.dt for d in prop.dts)
    return [((s - before).replace(tzinfo=UTC), after) for s in starts if s <= local_until]


def _python_offsets(tz: Any, instants: list[dt.datetime]) -> list[int | None]:
    """The offset the VTIMEZONE gives at each instant (None before its first onset)."""
    until = max(instants)
    onsets = sorted(o for obs in tz.subcomponents for o in _observance_onsets(obs, until))
    times = [t for t, _ in onsets]
    assert len(set(times)) == len(times), "two observances start at one instant"
    out: list[int | None] = []
    for t in instants:
        before = [off for when, off in onsets if when <= t]
        out.append(before[-1] if before else None)
    return out


def _instants(zone: str, start: D, end: D) -> list[dt.datetime]:
    """Every transition of [start - 1 day, end + 2 days], one minute before and after
    each, and one instant a day (at a time of day that moves from day to day)."""
    lo = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=3), dt.time(), UTC)
    tl = _zones.timeline(zone, _zones.to_minutes(lo), _zones.to_minutes(hi))
    points = set()
    for t in tl.transitions:
        for delta in (-1, 0, 1):
            points.add(_zones.from_minutes(t.at + delta))
    day, i = lo, 0
    while day < hi:
        points.add(day + dt.timedelta(hours=(7 * i) % 24, minutes=(13 * i) % 60))
        day += dt.timedelta(days=1)
        i += 1
    return sorted(p for p in points if lo <= p < hi)


def _truth(zone: str, instants: list[dt.datetime]) -> list[int]:
    z = _zones.get_zone(zone)
    out = []
    for t in instants:
        off = t.astimezone(z).utcoffset()
        assert off is not None
        out.append(_minutes(off))
    return out


def _rrule_parts(obs: Any) -> dict[str, str]:
    text = obs["RRULE"].to_ical().decode()
    assert RRULE_FORM.fullmatch(text), text
    return dict(p.split("=", 1) for p in text.split(";"))


# -- structure ---------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), HORIZONS)
@pytest.mark.parametrize("zone", ORDINARY)
def test_ordinary_zone_is_one_open_rule_per_direction(zone: str, start: D, end: D) -> None:
    tz = _tz(zone, start, end)
    assert sorted(c.name for c in tz.subcomponents) == ["DAYLIGHT", "STANDARD"]
    for obs in tz.subcomponents:
        assert "RRULE" in obs and "RDATE" not in obs
        assert "UNTIL" not in _rrule_parts(obs), "an ordinary zone's rule is open-ended"
        assert obs["TZOFFSETFROM"].td != obs["TZOFFSETTO"].td


def test_rules_of_some_ordinary_zones() -> None:
    def rules(zone: str) -> dict[str, tuple[str, str]]:
        tz = _tz(zone, *HORIZONS[0])
        return {c.name: (_rrule_parts(c)["BYMONTH"], _rrule_parts(c)["BYDAY"])
                for c in tz.subcomponents}

    assert rules("Europe/London") == {"STANDARD": ("10", "-1SU"), "DAYLIGHT": ("3", "-1SU")}
    assert rules("America/New_York") == {"STANDARD": ("11", "1SU"), "DAYLIGHT": ("3", "2SU")}
    assert rules("Australia/Sydney") == {"STANDARD": ("4", "1SU"), "DAYLIGHT": ("10", "1SU")}
    assert rules("Pacific/Chatham") == {"STANDARD": ("4", "1SU"), "DAYLIGHT": ("9", "-1SU")}
    howe = {c.name: (_minutes(c["TZOFFSETFROM"].td), _minutes(c["TZOFFSETTO"].td))
            for c in _tz("Australia/Lord_Howe", *HORIZONS[0]).subcomponents}
    assert howe == {"STANDARD": (660, 630), "DAYLIGHT": (630, 660)}
    london = _tz("Europe/London", *HORIZONS[0])
    wall = {c.name: c["DTSTART"].dt.time() for c in london.subcomponents}
    assert wall == {"STANDARD": dt.time(2), "DAYLIGHT": dt.time(1)}  # before-offset wall


@pytest.mark.parametrize(("start", "end"), HORIZONS)
def test_santiago_ends_in_one_open_rule_per_direction(start: D, end: D) -> None:
    tz = _tz(SANTIAGO, start, end)
    for name in ("STANDARD", "DAYLIGHT"):
        mine = [c for c in tz.subcomponents if c.name == name]
        # Outlook reads the observance with the latest DTSTART: an open 1st-Sunday rule.
        latest = max(mine, key=lambda c: c["DTSTART"].dt)
        parts = _rrule_parts(latest)
        assert "UNTIL" not in parts and parts["BYDAY"] == "1SU"
        for c in mine:
            if c is not latest and "RRULE" in c:
                assert "UNTIL" in _rrule_parts(c)
    if (start, end) == HORIZONS[0]:  # no month starts on a Sunday in 2025-2028
        assert sorted(c.name for c in tz.subcomponents) == ["DAYLIGHT", "STANDARD"]


@pytest.mark.parametrize(("start", "end"), HORIZONS)
@pytest.mark.parametrize("zone", NO_DST)
def test_zone_without_changes_is_one_standard(zone: str, start: D, end: D) -> None:
    tz = _tz(zone, start, end)
    assert [c.name for c in tz.subcomponents] == ["STANDARD"]
    obs = tz.subcomponents[0]
    assert "RRULE" not in obs and "RDATE" not in obs
    assert obs["TZOFFSETFROM"].td == obs["TZOFFSETTO"].td
    assert "TZNAME" in obs


@pytest.mark.parametrize(("start", "end"), HORIZONS)
@pytest.mark.parametrize("zone", ZONES)
def test_form(zone: str, start: D, end: D) -> None:
    tz = _tz(zone, start, end)
    assert tz.name == "VTIMEZONE" and tz["TZID"] == zone
    text = _calendar(tz).decode()
    assert icalendar.Calendar.from_ical(text).to_ical().decode() == text
    for line in text.split("\r\n"):  # one RDATE value per property line (ical.js)
        assert not (line.startswith("RDATE") and "," in line), line
    for obs in tz.subcomponents:
        assert obs.name in ("STANDARD", "DAYLIGHT")
        assert all(len(p.dts) == 1 for p in _rdates(obs))
        if "RRULE" in obs:
            _rrule_parts(obs)  # the Outlook form
            # DTSTART is the rule's first instance (recurring-ical-events adds it again
            # otherwise)
            text_rule = obs["RRULE"].to_ical().decode()
            parts = [p for p in text_rule.split(";") if not p.startswith("UNTIL=")]
            first = rrulestr(";".join(parts), dtstart=obs["DTSTART"].dt)[0]
            assert first == obs["DTSTART"].dt
    if zone in IRREGULAR:
        assert "RDATE" not in text


def test_rule_changes() -> None:
    def summary(zone: str, start: D, end: D) -> list[tuple[str, str, str]]:
        return [(c.name, str(c["DTSTART"].dt.date()), c["RRULE"].to_ical().decode()
                 if "RRULE" in c else "") for c in _tz(zone, start, end).subcomponents]

    kathmandu, mexico, new_york = SPECIAL
    assert summary(*kathmandu) == [("STANDARD", "1970-01-01", ""),
                                   ("STANDARD", "1986-01-01", "")]
    assert summary(*mexico) == [
        ("DAYLIGHT", "2021-04-04", "FREQ=YEARLY;UNTIL=20220403T080000Z;BYDAY=1SU;BYMONTH=4"),
        ("STANDARD", "2021-10-31",
         "FREQ=YEARLY;UNTIL=20221030T070000Z;BYDAY=-1SU;BYMONTH=10")]
    assert summary(*new_york) == [
        ("DAYLIGHT", "2004-04-04", "FREQ=YEARLY;UNTIL=20060402T070000Z;BYDAY=1SU;BYMONTH=4"),
        ("STANDARD", "2004-10-31",
         "FREQ=YEARLY;UNTIL=20061029T060000Z;BYDAY=-1SU;BYMONTH=10"),
        ("DAYLIGHT", "2007-03-11", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
        ("STANDARD", "2007-11-04", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11")]


def test_name_as_written_and_unknown_zone() -> None:
    text = vtimezone("Asia/Calcutta", D(2026, 1, 1), D(2026, 12, 31)).to_ical().decode()
    assert "TZID:Asia/Calcutta\r\n" in text
    with pytest.raises(KeyError):
        vtimezone("Mars/Olympus_Mons", D(2026, 1, 1), D(2026, 12, 31))


def test_deterministic() -> None:
    for zone in ["Europe/London", SANTIAGO, "Africa/Casablanca", "Asia/Kolkata"]:
        a = vtimezone(zone, D(2026, 1, 1), D(2030, 12, 31)).to_ical()
        _zones.timeline.cache_clear()
        assert a == vtimezone(zone, D(2026, 1, 1), D(2030, 12, 31)).to_ical()


# -- offsets -----------------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "start", "end"), CASES)
def test_offsets_python(zone: str, start: D, end: D) -> None:
    """Expanding the observances by RFC 5545 gives the zone's offset at every instant."""
    tz = _tz(zone, start, end)
    instants = _instants(zone, start, end)
    assert _python_offsets(tz, instants) == _truth(zone, instants)


def _walls(zone: str, instants: list[dt.datetime], truth: list[int]
           ) -> tuple[list[dt.datetime], list[int]]:
    """The local wall times of the instants that exist exactly once, with their offsets."""
    z = _zones.get_zone(zone)
    walls, offs = [], []
    for t, off in zip(instants, truth, strict=True):
        wall = (t + dt.timedelta(minutes=off)).replace(tzinfo=None)
        if _zones.resolve(z, wall) == "unambiguous":
            walls.append(wall)
            offs.append(off)
    return walls, offs


@functools.cache
def _icaljs_results() -> dict[tuple[str, D, D], tuple[list[int], list[int]]]:
    """ical.js's offsets for every zone and horizon, from one Node.js run."""
    queries: list[icaljs.ZoneQuery] = []
    for zone, start, end in CASES:
        instants = _instants(zone, start, end)
        walls, _ = _walls(zone, instants, _truth(zone, instants))
        queries.append((_calendar(_tz(zone, start, end)), zone, instants, walls))
    return dict(zip(CASES, icaljs.zone_offsets_many(queries), strict=True))


@pytest.mark.skipif(not icaljs.node_available(),
                    reason="needs node and `npm ci` in tests/js")
@pytest.mark.parametrize(("zone", "start", "end"), CASES)
def test_offsets_icaljs(zone: str, start: D, end: D) -> None:
    """ical.js, reading only the file's VTIMEZONE, gives the zone's offset at every
    instant (UTC to local), and places every local wall time that exists once at the
    right instant (local to UTC, the path of DTSTART;TZID=...)."""
    instants = _instants(zone, start, end)
    truth = _truth(zone, instants)
    got, got_walls = _icaljs_results()[(zone, start, end)]
    assert got == truth
    assert got_walls == _walls(zone, instants, truth)[1]


@pytest.mark.skipif(not icaljs.node_available(),
                    reason="needs node and `npm ci` in tests/js")
def test_icaljs_single_calls() -> None:
    """The one-zone helpers agree with the batch (and ical.js says 0 before the first
    onset: an uncovered start would show)."""
    start, end = HORIZONS[0]
    data = _calendar(_tz("Pacific/Chatham", start, end))
    instants = _instants("Pacific/Chatham", start, end)[:50]
    truth = _truth("Pacific/Chatham", instants)
    assert icaljs.offsets(data, "Pacific/Chatham", instants) == truth
    assert icaljs.offsets(data, "Pacific/Chatham", [dt.datetime(2000, 1, 1, tzinfo=UTC)]) == [0]
    walls, offs = _walls("Pacific/Chatham", instants, truth)
    assert icaljs.wall_offsets(data, "Pacific/Chatham", walls) == offs


# -- any zone, any horizon (Python expansion) --------------------------------------------


@functools.cache
def _all_zones() -> list[str]:
    from importlib import resources

    text = resources.files("tzdata").joinpath("zones").read_text()
    return sorted(z.strip() for z in text.splitlines() if z.strip())


@given(zone=st.sampled_from(_all_zones()),
       start=st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31)),
       days=st.integers(min_value=0, max_value=6 * 366))
def test_any_zone_any_horizon(zone: str, start: D, days: int) -> None:
    end = start + dt.timedelta(days=days)
    tz = vtimezone(zone, start, end)
    instants = _instants(zone, start, end)
    assert _python_offsets(tz, instants) == _truth(zone, instants)
    for obs in tz.subcomponents:
        if "RRULE" in obs:
            _rrule_parts(obs)


# -- the ical.js harness itself ----------------------------------------------------------


def _event(uid: str, start: dt.datetime, minutes: int, **props: Any) -> Any:
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", dt.datetime(2026, 8, 1, tzinfo=UTC))
    ev.add("dtstart", start)
    ev.add("dtend", start + dt.timedelta(minutes=minutes))
    for name, value in props.items():
        ev.add(name.replace("_", "-"), value)
    return ev


@pytest.mark.skipif(not icaljs.node_available(),
                    reason="needs node and `npm ci` in tests/js")
def test_icaljs_expand_uses_the_files_vtimezone() -> None:
    """EXDATE and a per-UID override are honoured, a plain event is listed once, and
    times are placed by the file's VTIMEZONE: a made-up one under a real name wins."""
    zone = _zones.get_zone("America/New_York")
    cal = icalendar.Calendar.from_ical(_calendar(_tz("America/New_York", *HORIZONS[0])))
    first = dt.datetime(2026, 9, 10, 10, 0, tzinfo=zone)  # 2nd Thursday, EDT
    until = dt.datetime(2027, 3, 11, 15, 0, tzinfo=UTC)  # 2nd Thursday of March, EST
    cal.add_component(_event("m", first, 60, rrule={"freq": "monthly", "byday": "2TH",
                                                    "until": until},
                             exdate=dt.datetime(2026, 12, 10, 10, 0, tzinfo=zone)))
    cal.add_component(_event("m", dt.datetime(2027, 1, 15, 9, 0, tzinfo=zone), 60,
                             recurrence_id=dt.datetime(2027, 1, 14, 10, 0, tzinfo=zone)))
    # Same wall time, other UID: must not take "m"'s override (strictExceptions per UID).
    cal.add_component(_event("o", dt.datetime(2027, 1, 14, 10, 0, tzinfo=zone), 30))
    lo, hi = dt.datetime(2026, 9, 1, tzinfo=UTC), dt.datetime(2027, 9, 1, tzinfo=UTC)
    got = icaljs.expand(cal.to_ical(), lo, hi)
    starts = [dt.datetime(2026, 9, 10, 14), dt.datetime(2026, 10, 8, 14),
              dt.datetime(2026, 11, 12, 15), dt.datetime(2027, 1, 14, 15),
              dt.datetime(2027, 1, 15, 14), dt.datetime(2027, 2, 11, 15),
              dt.datetime(2027, 3, 11, 15)]
    uids = ["m", "m", "m", "o", "m", "m", "m"]
    lengths = [60, 60, 60, 30, 60, 60, 60]
    want = [(u, s.replace(tzinfo=UTC), s.replace(tzinfo=UTC) + dt.timedelta(minutes=n))
            for u, s, n in zip(uids, starts, lengths, strict=True)]
    assert got == want
    assert icaljs.expand_many([cal.to_ical()], lo, hi) == [want]
    # A VTIMEZONE "Europe/London" fixed at +05:00: ical.js must use it, not real London.
    fake = icalendar.Timezone()
    fake.add("tzid", "Europe/London")
    std = icalendar.TimezoneStandard()
    std.add("dtstart", dt.datetime(1970, 1, 1))
    std.add("tzoffsetfrom", dt.timedelta(hours=5))
    std.add("tzoffsetto", dt.timedelta(hours=5))
    fake.add_component(std)
    cal2 = icalendar.Calendar.from_ical(_calendar(fake))
    ev = _event("f", dt.datetime(2026, 10, 1, 12, 0), 60)
    ev["DTSTART"].params["TZID"] = "Europe/London"
    ev["DTEND"].params["TZID"] = "Europe/London"
    cal2.add_component(ev)
    seven = dt.datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    assert icaljs.expand(cal2.to_ical(), lo, hi) == [
        ("f", seven, seven + dt.timedelta(hours=1))]
