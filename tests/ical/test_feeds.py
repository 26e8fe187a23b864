"""iCalendar feeds: structure, words, stable UIDs, determinism, and interop: every feed
expands, with recurring-ical-events and with ical.js (which reads the file's
VTIMEZONE), to exactly the plan's held meetings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import icaljs
import pytest
import recurring_ical_events
from conftest import EXAMPLES
from helpers import partnership, school
from hypothesis import given, settings
from strategies import partnerships

import twinschedule
from twinschedule.core.plan import Option, Plan
from twinschedule.errors import ConfigError

STAMP = dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC)
D = dt.date
ALL = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def held(option: Option) -> list[tuple[dt.datetime, dt.datetime]]:
    return sorted((m.start, m.end) for m in option.meetings
                  if m.start is not None and m.end is not None)


def expand_python(data: bytes, plan: Plan) -> list[tuple[dt.datetime, dt.datetime]]:
    cal = icalendar.Calendar.from_ical(data)
    p = plan.partnership
    events = recurring_ical_events.of(cal).between(p.start - dt.timedelta(days=2),
                                                   p.end + dt.timedelta(days=3))
    return sorted((e["DTSTART"].dt.astimezone(dt.UTC), e["DTEND"].dt.astimezone(dt.UTC))
                  for e in events)


def expand_js(files: list[bytes], plan: Plan) -> list[list[tuple[dt.datetime, dt.datetime]]]:
    """Every file expanded by ical.js (one Node.js run for all of them)."""
    p = plan.partnership
    got = icaljs.expand_many(
        files, dt.datetime.combine(p.start - dt.timedelta(days=2), dt.time(), dt.UTC),
        dt.datetime.combine(p.end + dt.timedelta(days=3), dt.time(), dt.UTC))
    return [sorted((s, e) for _, s, e in occurrences) for occurrences in got]


def check_structure(data: bytes, plan: Plan, option: Option) -> None:
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line
    cal = icalendar.Calendar.from_ical(data)
    assert icalendar.Calendar.from_ical(cal.to_ical()) == cal
    assert cal["VERSION"] == "2.0" and cal["METHOD"] == "PUBLISH"
    assert cal["CALSCALE"] == "GREGORIAN" and "PRODID" in cal
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    text = data.decode()
    used = set(re.findall(r";TZID=([^:;]+)", text))
    assert used <= tzids, used - tzids
    rules = option.all_rules
    assert {r.anchor for r in rules} <= tzids
    events = cal.walk("VEVENT")
    masters = [e for e in events if "RECURRENCE-ID" not in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    for e in events:
        assert "UID" in e and "DTSTAMP" in e
        assert e["DTSTAMP"].dt == STAMP
        assert e["SEQUENCE"] == plan.partnership.sequence
        assert e["DTSTART"].dt.tzinfo is not None  # no floating times
    # One series per rule (two for an alternation, every other month each).
    assert len(masters) == len(rules)
    assert len({str(m["UID"]) for m in masters}) == len(masters)
    for r, (rule, master) in enumerate(zip(rules, masters, strict=True)):
        mine = [m for m in option.meetings if (m.rule or 0) == r]
        assert "RRULE" in master and "RECURRENCE-ID" not in master
        assert master["RRULE"].get("INTERVAL", [1]) == [2 if len(rules) == 2 else 1]
        start = master["DTSTART"]
        # icalendar writes a zone whose offset is always zero (Atlantic/Reykjavik) in UTC
        assert (str(start.params["TZID"]) == rule.anchor if "TZID" in start.params
                else start.dt.utcoffset() == dt.timedelta(0))
        until = master["RRULE"]["UNTIL"][0]
        assert until.tzinfo is not None and until.utcoffset() == dt.timedelta(0)
        nominals = {m.nominal for m in mine}
        own = [o for o in overrides if o["UID"] == master["UID"]]
        for o in own:
            assert o["RECURRENCE-ID"].dt.astimezone(dt.UTC) in nominals
            assert str(o["RECURRENCE-ID"].params.get("TZID", rule.anchor)) == rule.anchor
        assert len({o["RECURRENCE-ID"].dt for o in own}) == len(own)
        skipped = {m.nominal for m in mine if m.status == "skipped"}
        exdates = master.get("EXDATE", [])
        exdates = exdates if isinstance(exdates, list) else [exdates]
        got = {d.dt.astimezone(dt.UTC) for ex in exdates for d in ex.dts}
        assert got == skipped
    assert {str(o["UID"]) for o in overrides} <= {str(m["UID"]) for m in masters}
    assert "UNTIL=" in text and re.search(r"UNTIL=\d{8}T\d{6}Z", text)


def check_feeds(plan: Plan, option_no: int = 1) -> dict[str, bytes]:
    option = plan.option(option_no)
    files = twinschedule.feeds(plan, option=option_no, stamp=STAMP)
    p = plan.partnership
    assert set(files) == {f"{p.id}.ics", *(f"{p.id}.{s.id}.ics" for s in p.schools)}
    want = held(option)
    uids = set()
    for data in files.values():
        check_structure(data, plan, option)
        assert expand_python(data, plan) == want
        cal = icalendar.Calendar.from_ical(data)
        uids.add(str(cal.walk("VEVENT")[0]["UID"]))
    assert len(uids) == len(files)
    expanded = twinschedule.feeds(plan, option=option_no, stamp=STAMP, expand=True)
    for data in expanded.values():
        cal = icalendar.Calendar.from_ical(data)
        events = cal.walk("VEVENT")
        assert all("RRULE" not in e and "RECURRENCE-ID" not in e and "EXDATE" not in e
                   for e in events)
        assert len({str(e["UID"]) for e in events}) == len(events)
        assert expand_python(data, plan) == want
    if icaljs.node_available():
        every = [*files.values(), *expanded.values()]
        assert expand_js(every, plan) == [want] * len(every)
    return files


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_examples(name: str) -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / name))
    for k in range(1, min(3, len(plan.options)) + 1):
        check_feeds(plan, k)


TRICKY = ["Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "Africa/Casablanca",
          "America/Santiago", "America/St_Johns", "Australia/Sydney", "America/New_York"]


@pytest.mark.parametrize("zone", TRICKY)
def test_tricky_zones(zone: str) -> None:
    # A school in the tricky zone and one in London, each open all week in the local
    # afternoon or evening, over a year so every DST change is crossed.
    p = partnership([school("a", zone, days=ALL, hours=["06:00-22:00"]),
                     school("b", "Europe/London", days=ALL, hours=["06:00-22:00"])],
                    start=D(2026, 9, 1), end=D(2027, 8, 31), duration=60, anchor=zone, top=3)
    plan = twinschedule.plan(p)
    assert plan.feasible
    check_feeds(plan)


@pytest.mark.parametrize("zone", ["Europe/Oslo", "Atlantic/Reykjavik", "US/Eastern"])
def test_linked_zone_anchor_keeps_its_name(zone: str) -> None:
    """A link (Europe/Oslo -> Europe/Berlin in the data) keeps the name as written in the
    plan, the JSON, the feeds' TZIDs and VTIMEZONE; both engines expand it right."""
    p = partnership([school("a", zone, days=ALL, hours=["06:00-22:00"]),
                     school("b", "Europe/London", days=ALL, hours=["06:00-22:00"])],
                    start=D(2026, 9, 1), end=D(2027, 8, 31), duration=60, anchor=zone, top=2)
    assert p.anchor == zone and p.schools[0].timezone == zone
    plan = twinschedule.plan(p)
    assert plan.feasible
    option = plan.option(1)
    assert option.rule.anchor == zone
    assert zone in str(plan.to_dict())
    files = check_feeds(plan)
    for data in files.values():
        cal = icalendar.Calendar.from_ical(data)
        tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        assert zone in tzids
        assert not tzids & {"Europe/Berlin", "Africa/Abidjan", "America/New_York"}


def test_first_month_moved_last_skipped_year_end() -> None:
    closures = [{"on": D(2026, 12, 9), "name": "Nativity play"},
                {"from": D(2027, 2, 1), "to": D(2027, 2, 28), "name": "Exchange trip"}]
    p = partnership([school("a", "Europe/London", hours=["09:00-15:00"], closures=closures),
                     school("b", "America/New_York", hours=["08:00-15:00"])],
                    start=D(2026, 12, 1), end=D(2027, 2, 28), weekdays=["WE", "TH"],
                    weeks=[2], anchor="Europe/London", duration=45, top=50)
    plan = twinschedule.plan(p)
    k, wed = next((i + 1, o) for i, o in enumerate(plan.options) if o.rule.weekday == "WE")
    assert [m.status for m in wed.meetings] == ["moved", "scheduled", "skipped"]
    files = check_feeds(plan, k)
    text = files["t.ics"].decode()
    assert "RECURRENCE-ID;TZID=Europe/London:20261209T" in text
    assert "EXDATE;TZID=Europe/London:20270210T" in text
    assert ("Moved from Wednesday\\, December 9\\, 2026: Nativity play at School a"
            in text.replace("\r\n ", ""))


def test_words_and_names_in_any_script() -> None:
    p = partnership([school("riyadh", "Asia/Riyadh", name="مدرسة الرياض الدولية",
                            hours=["07:00-12:30"], days=["SU", "MO", "TU", "WE", "TH"]),
                     school("beijing", "Asia/Shanghai", name="北京第四中学",
                            hours=["08:00-16:00"]),
                     school("delhi", "Asia/Kolkata", name="दिल्ली पब्लिक स्कूल",
                            hours=["08:00-14:00"])],
                    start=D(2026, 9, 1), end=D(2027, 6, 30), title="Monthly link",
                    location="https://meet.example.org/x", description="Agenda, notes; \\ ok")
    plan = twinschedule.plan(p)
    files = check_feeds(plan)
    cal = icalendar.Calendar.from_ical(files["t.riyadh.ics"])
    ev = cal.walk("VEVENT")[0]
    assert str(ev["SUMMARY"]) == "Monthly link with 北京第四中学 and दिल्ली पब्लिक स्कूल"
    assert str(ev["LOCATION"]) == "https://meet.example.org/x"
    desc = str(ev["DESCRIPTION"])
    assert desc.index("مدرسة الرياض الدولية") < desc.index("北京第四中学")
    assert "Agenda, notes; \\ ok" in desc
    whole = icalendar.Calendar.from_ical(files["t.ics"]).walk("VEVENT")[0]
    assert str(whole["SUMMARY"]) == "Monthly link: مدرسة الرياض الدولية, 北京第四中学 and 1 more"


def test_description_names_daylight_saving_dates() -> None:
    p = partnership([school("london", "Europe/London", name="London", hours=["14:00-14:45"]),
                     school("ny", "America/New_York", name="New York", hours=["08:00-16:00"])],
                    start=D(2026, 2, 1), end=D(2026, 4, 30), weekdays=["TU"], weeks=[2],
                    anchor="Europe/London")
    plan = twinschedule.plan(p)
    files = check_feeds(plan)
    ev = icalendar.Calendar.from_ical(files["t.ics"]).walk("VEVENT")[0]
    desc = str(ev["DESCRIPTION"])
    assert "New York: 10:00 instead of 09:00 on Tuesday, March 10, 2026" in desc
    assert "daylight saving" in desc


def test_uids_stable_whatever_the_rule_and_sequence() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    one = twinschedule.feeds(plan, option=1, stamp=STAMP)
    two = twinschedule.feeds(plan, option=2, stamp=STAMP)
    for name in one:
        u1 = icalendar.Calendar.from_ical(one[name]).walk("VEVENT")[0]["UID"]
        u2 = icalendar.Calendar.from_ical(two[name]).walk("VEVENT")[0]["UID"]
        assert u1 == u2
    assert one == twinschedule.feeds(plan, option=1, stamp=STAMP)  # byte-identical


def test_sequence_and_refresh_hints() -> None:
    data = twinschedule.to_dict(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    data["partnership"]["sequence"] = 3
    p = twinschedule.from_dict(data)
    files = twinschedule.feeds(twinschedule.plan(p), stamp=STAMP)
    text = files["rugby-nairobi.ics"].decode()
    assert "SEQUENCE:3\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D\r\n" in text
    assert "X-PUBLISHED-TTL:P1D\r\n" in text


def test_stamp_must_be_aware() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    with pytest.raises(ValueError, match="aware"):
        twinschedule.feeds(plan, stamp=dt.datetime(2026, 1, 1))


@settings(max_examples=40)
@given(partnerships(max_months=14, steps=(60,)))
def test_generated_partnerships(data: dict[str, Any]) -> None:
    try:
        p = twinschedule.from_dict(data)
    except ConfigError:
        return
    plan = twinschedule.plan(p, top=1)
    if plan.feasible:
        check_feeds(plan)
