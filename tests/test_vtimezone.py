"""VTIMEZONEs reproduce the zone's UTC offset at every transition and between them over
the horizon (also past 2038), in the Outlook-readable RRULE form where one fits.

Checked twice: by expanding the observances in Python (dateutil), and with ical.js,
which uses nothing but the file's VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import icaljs
import pytest
from dateutil.rrule import rrulestr

from twinschedule import _zones
from twinschedule._vtimezone import vtimezone

D = dt.date
ORDINARY = ["Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
            "Pacific/Chatham", "America/St_Johns", "Europe/Berlin"]
NO_DST = ["Asia/Kathmandu", "Asia/Kolkata", "America/Mexico_City"]
IRREGULAR = ["Africa/Casablanca", "America/Santiago"]
HORIZONS = [(D(2026, 9, 1), D(2027, 8, 31)), (D(2026, 1, 1), D(2030, 12, 31)),
            (D(2037, 6, 1), D(2040, 6, 30))]


def _onsets(tz: Any) -> list[tuple[dt.datetime, int]]:
    """Every onset (UTC instant, offset after) that the observances describe."""
    out = []
    for obs in tz.subcomponents:
        before = obs["TZOFFSETFROM"].td
        after = int(obs["TZOFFSETTO"].td.total_seconds() // 60)
        start = obs["DTSTART"].dt
        starts = [start]
        if "RRULE" in obs:
            rule = obs["RRULE"].to_ical().decode()
            until = obs["RRULE"].get("UNTIL")
            text = ";".join(p for p in rule.split(";") if not p.startswith("UNTIL="))
            if isinstance(until, list):
                until = until[0]
            # UNTIL is UTC; compare it with local onsets of the observance.
            limit = until.replace(tzinfo=None) + before if until else dt.datetime(2100, 1, 1)
            starts = list(rrulestr(text, dtstart=start, ignoretz=True).between(
                start, limit, inc=True))
        for rd in obs.get("RDATE", []) if isinstance(obs.get("RDATE"), list) else (
                [obs["RDATE"]] if "RDATE" in obs else []):
            starts.extend(d.dt for d in rd.dts)
        out.extend(((s - before).replace(tzinfo=dt.UTC), after) for s in starts)
    return sorted(out)


def _instants(zone: str, start: D, end: D) -> list[dt.datetime]:
    tl = _zones.timeline_for_dates(zone, start, end, margin_days=1)
    points = set()
    for t in tl.transitions:
        for delta in (-1, 0, 1):
            points.add(_zones.from_minutes(t.at + delta))
    day = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(12), dt.UTC)
    while day.date() <= end + dt.timedelta(days=2):
        points.add(day)
        day += dt.timedelta(days=1)
    return sorted(points)


def _truth(zone: str, instants: list[dt.datetime]) -> list[int]:
    z = _zones.get_zone(zone)
    return [int(t.astimezone(z).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
            for t in instants]


def _python_offsets(tz: Any, instants: list[dt.datetime]) -> list[int]:
    onsets = _onsets(tz)
    out = []
    for t in instants:
        before = [off for when, off in onsets if when <= t]
        assert before, f"no observance covers {t}"
        out.append(before[-1])
    return out


@pytest.mark.parametrize(("start", "end"), HORIZONS)
@pytest.mark.parametrize("zone", ORDINARY + NO_DST + IRREGULAR)
def test_offsets_reproduced(zone: str, start: D, end: D) -> None:
    tz = vtimezone(zone, start, end)
    instants = _instants(zone, start, end)
    truth = _truth(zone, instants)
    assert _python_offsets(tz, instants) == truth
    if icaljs.node_available():
        cal = icalendar.Calendar()
        cal.add("prodid", "-//test//EN")
        cal.add("version", "2.0")
        cal.add_component(tz)
        # ical.js judges wall times: check every instant whose wall time exists once.
        z = _zones.get_zone(zone)
        walls = [(t + dt.timedelta(minutes=off)).replace(tzinfo=None)
                 for t, off in zip(instants, truth, strict=True)]
        keep = [i for i, w in enumerate(walls) if _zones.resolve(z, w) == "unambiguous"]
        got = icaljs.offsets(cal.to_ical(), zone, [walls[i] for i in keep])
        assert got == [truth[i] for i in keep]


@pytest.mark.parametrize("zone", ORDINARY)
def test_ordinary_zones_have_one_rule_per_direction(zone: str) -> None:
    for start, end in HORIZONS:
        tz = vtimezone(zone, start, end)
        names = sorted(c.name for c in tz.subcomponents)
        assert names == ["DAYLIGHT", "STANDARD"], (zone, start, names)
        for c in tz.subcomponents:
            assert "RRULE" in c and "RDATE" not in c
            assert "UNTIL" not in c["RRULE"], "an ordinary zone's rule is open-ended"


@pytest.mark.parametrize("zone", NO_DST)
def test_zone_without_changes_is_one_standard(zone: str) -> None:
    tz = vtimezone(zone, D(2026, 9, 1), D(2027, 8, 31))
    assert [c.name for c in tz.subcomponents] == ["STANDARD"]
    c = tz.subcomponents[0]
    assert "RRULE" not in c and c["TZOFFSETFROM"].td == c["TZOFFSETTO"].td


def test_no_comma_separated_rdate_and_canonical_name() -> None:
    for zone in IRREGULAR + ORDINARY:
        text = vtimezone(zone, D(2026, 1, 1), D(2030, 12, 31)).to_ical().decode()
        for line in text.splitlines():
            assert not (line.startswith("RDATE") and "," in line)
    assert "TZID:Asia/Kolkata" in vtimezone("Asia/Calcutta", D(2026, 1, 1),
                                            D(2026, 12, 31)).to_ical().decode()


def test_deterministic() -> None:
    a = vtimezone("Europe/London", D(2026, 9, 1), D(2027, 8, 31)).to_ical()
    assert a == vtimezone("Europe/London", D(2026, 9, 1), D(2027, 8, 31)).to_ical()
