"""Network feeds: ``<id>.ics`` holds every session every month; ``<id>.<school>.ics``
holds only the months that school attends (EXDATE for the others); a school attending
nothing gets no feed. Expanded with recurring-ical-events and with ical.js (which reads
the file's VTIMEZONE), each feed equals the plan's JSON months per school."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import icaljs
import pytest
import recurring_ical_events
from conftest import CONFORMANCE, EXAMPLES
from hypothesis import given, settings
from test_network import REQUIRED_ZONES, load, networks

import twinschedule
from twinschedule.network.outputs import NetworkPlan

STAMP = dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC)
CASES = CONFORMANCE / "network" / "cases"
Occ = list[tuple[str, dt.datetime]]


def expected(plan: NetworkPlan, option_no: int = 1) -> dict[str, Occ]:
    """From the plan's JSON: file name -> sorted (session, UTC start) of its events."""
    n = plan.network
    o = plan.to_dict()["options"][option_no - 1]
    sessions = [("", o)] + ([(".repeat", o["repeat"])] if "repeat" in o else [])

    def utc(text: str) -> dt.datetime:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)

    out: dict[str, Occ] = {f"{n.id}.ics": sorted(
        (suffix, utc(m["start"])) for suffix, s in sessions for m in s["months"])}
    for school in n.schools:
        got = sorted((suffix, utc(m["start"])) for suffix, s in sessions for m in s["months"]
                     if school.id in m["attending"])
        if got:
            out[f"{n.id}.{school.id}.ics"] = got
    return out


def _session(uid: str) -> str:
    return ".repeat" if ".repeat@" in uid else ""


def expand_python(data: bytes, plan: NetworkPlan) -> Occ:
    n = plan.network
    cal = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(cal).between(n.start - dt.timedelta(days=2),
                                                   n.end + dt.timedelta(days=3))
    out = []
    for e in events:
        start = e["DTSTART"].dt.astimezone(dt.UTC)
        assert e["DTEND"].dt.astimezone(dt.UTC) - start == dt.timedelta(minutes=n.duration)
        out.append((_session(str(e["UID"])), start))
    return sorted(out)


def expand_js(files: list[bytes], plan: NetworkPlan) -> list[Occ]:
    n = plan.network
    got = icaljs.expand_many(
        files, dt.datetime.combine(n.start - dt.timedelta(days=2), dt.time(), dt.UTC),
        dt.datetime.combine(n.end + dt.timedelta(days=3), dt.time(), dt.UTC))
    out = []
    for occurrences in got:
        assert all(e - s == dt.timedelta(minutes=n.duration) for _, s, e in occurrences)
        out.append(sorted((_session(uid), s) for uid, s, _ in occurrences))
    return out


def check(plan: NetworkPlan, option_no: int = 1, *, js: bool = True) -> dict[str, bytes]:
    files = twinschedule.network_feeds(plan, option=option_no, stamp=STAMP)
    want = expected(plan, option_no)
    assert set(files) == set(want)
    n = plan.network
    uids: set[str] = set()
    for name, data in files.items():
        cal = icalendar.Calendar.from_ical(data)
        assert cal["METHOD"] == "PUBLISH"
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [n.anchor]
        for e in cal.walk("VEVENT"):
            assert e["DTSTAMP"].dt == STAMP and e["SEQUENCE"] == n.sequence
            assert str(e["DTSTART"].params["TZID"]) == n.anchor
            assert "RRULE" in e and "RECURRENCE-ID" not in e
            uids.add(str(e["UID"]))
            if name == f"{n.id}.ics":
                assert "EXDATE" not in e
        for line in data.split(b"\r\n"):
            assert len(line) <= 75
        assert expand_python(data, plan) == want[name], name
    # One UID per (feed, session): a session's months in a feed are one series.
    assert len(uids) == sum(len({s for s, _ in occ}) for occ in want.values())
    if js and icaljs.node_available():
        names = sorted(files)
        assert expand_js([files[k] for k in names], plan) == [want[k] for k in names]
    return files


@pytest.mark.parametrize("case", ["africa-europe", "americas-asia"])
def test_conformance_cases_feeds(case: str) -> None:
    plan = twinschedule.plan_network(twinschedule.load_network(CASES / f"{case}.toml"))
    files = check(plan)
    # americas-asia: Manila and Seoul attend only the repeat session.
    if case == "americas-asia":
        cal = icalendar.Calendar.from_ical(files["pacific-rim-schools.manila.ics"])
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        assert uids == ["pacific-rim-schools.manila.repeat@twinschedule"]
    for k in range(2, len(plan.options) + 1):
        check(plan, k)


def test_worldwide_example_feeds() -> None:
    plan = twinschedule.plan_network(
        twinschedule.load_network(EXAMPLES / "networks" / "worldwide.toml"), top=1)
    files = check(plan)
    o = plan.option(1)
    assert o.repeat is not None
    # Schools reached by neither session get no feed; the others do.
    assert len(files) == 1 + len(plan.network.schools) - len(o.repeat.never)


@pytest.mark.parametrize("zone", REQUIRED_ZONES)
def test_odd_anchor_zones(zone: str) -> None:
    data: dict[str, Any] = {
        "network": {"id": "odd", "name": "Odd", "start": "2026-09-01", "end": "2027-08-31",
                    "duration": 45, "anchor": zone, "step": 30, "sessions": 2,
                    "weekdays": ["WE"]},
        "schools": [{"id": "a", "name": "A", "timezone": zone, "hours": ["08:00-16:00"]},
                    {"id": "b", "name": "B", "timezone": "Europe/Berlin",
                     "hours": ["08:00-16:00"]},
                    {"id": "c", "name": "C", "timezone": "America/New_York",
                     "hours": ["08:00-16:00"], "closures": [{"from": "2026-12-20",
                                                           "to": "2027-01-10"}]}]}
    check(twinschedule.plan_network(twinschedule.network_from_dict(data)))


@settings(max_examples=25)
@given(networks(max_schools=4))
def test_generated_networks(data: dict[str, Any]) -> None:
    plan = twinschedule.plan_network(load(data))
    if plan.feasible:
        check(plan, js=False)


def test_deterministic_and_written_atomically(tmp_path: Path) -> None:
    case = CASES / "americas-asia.toml"
    env_args = {"env": {"SOURCE_DATE_EPOCH": "1780000000", "PATH": ""}}
    outs = []
    for d in ("a", "b"):
        subprocess.run([sys.executable, "-m", "twinschedule", "network", str(case), "--out",
                        str(tmp_path / d)], check=True, capture_output=True, **env_args)
        outs.append({p.name: p.read_bytes() for p in (tmp_path / d).iterdir()})
    assert outs[0] == outs[1] and "pacific-rim-schools.ics" in outs[0]
    plan = twinschedule.plan_network(twinschedule.load_network(case))
    assert twinschedule.network_feeds(plan, stamp=STAMP) == \
        twinschedule.network_feeds(plan, stamp=STAMP)
    with pytest.raises(ValueError):
        twinschedule.network_feeds(plan, stamp=dt.datetime(2026, 1, 1))
