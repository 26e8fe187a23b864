"""Bounded work: every documented limit of the loader, at the limit (accepted) and just
past it (refused, with a message naming the limit), and every answer within a budget of
work, whatever the adversarial input. Work is counted (Python function calls, through
``sys.settrace``), never timed, so these tests pass or fail the same way on a loaded
machine; timings are in benchmarks/.

The limits are listed in the docstrings of ``twinschedule._io``, ``twinschedule.config.partnership``
and ``twinschedule.ical.importer``; ``test_documented`` checks the values stated there.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import WORK, bounded_work

import twinschedule
from twinschedule import _io
from twinschedule.config import partnership as config
from twinschedule.errors import ConfigError
from twinschedule.ical import ics_rrule
from twinschedule.ical import importer as _ics_import
from twinschedule.ical.importer import import_ics

START, END = dt.date(2026, 9, 1), dt.date(2027, 7, 31)
LONG_END = dt.date(2036, 8, 31)  # a ten-year horizon: the most expansion work

BASE: dict[str, Any] = {
    "partnership": {"id": "limits", "name": "Limits", "start": START.isoformat(),
                    "end": END.isoformat(), "duration": 45},
    "schools": [{"id": "a", "name": "A", "timezone": "Europe/London"},
                {"id": "b", "name": "B", "timezone": "Africa/Nairobi"}],
}


def vcal(*parts: bytes) -> bytes:
    return (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//limits//EN\r\n"
            + b"".join(parts) + b"END:VCALENDAR\r\n")


def vevent(body: bytes, uid: int = 1) -> bytes:
    return b"BEGIN:VEVENT\r\nUID:%d\r\n" % uid + body + b"END:VEVENT\r\n"


fast = bounded_work  # the shared call-counting budget (tests/helpers.py)


def refused(content: bytes, message: str, *, end: dt.date = END) -> str:
    """Import ``content``: it must be refused quickly with ``message`` in the one problem."""
    with fast(), pytest.raises(ConfigError) as info:
        import_ics(content, "Europe/London", START, end)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.path == ""
    assert message in problem.message, problem.message
    return problem.message


def accepted(content: bytes, *, end: dt.date = END) -> tuple[Any, Any]:
    with fast():
        got = import_ics(content, "Europe/London", START, end)
    return got.closures, got.busy


# --- _io: partnership files ---------------------------------------------------------------

def test_partnership_file_size_cap(tmp_path: Path) -> None:
    text = json.dumps(BASE)
    exact = tmp_path / "exact.json"
    exact.write_text(text + " " * (_io.MAX_FILE_BYTES - len(text)))
    assert exact.stat().st_size == _io.MAX_FILE_BYTES == 1024 * 1024
    with fast():
        twinschedule.load(exact)
    over = tmp_path / "over.json"
    over.write_text(text + " " * (_io.MAX_FILE_BYTES - len(text) + 1))
    with fast(), pytest.raises(ConfigError) as info:
        twinschedule.load(over)
    assert info.value.problems[0].message == "the file is larger than the 1048576 bytes allowed"


def test_huge_partnership_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as fh:  # 200 MB, sparse: only the cap plus one byte is read
        fh.truncate(200 * 1024 * 1024)
    with fast(), pytest.raises(ConfigError, match="larger than the 1048576 bytes"):
        twinschedule.load(path)


@pytest.mark.parametrize(("kind", "data", "message"), [
    ("json", b"[" * 500_000 + b"]" * 500_000, "JSON nested too deeply"),
    ("json", b'{"a": ' * 300_000 + b"1" + b"}" * 300_000, "JSON nested too deeply"),
    ("toml", b"a = " + b"[" * 500_000 + b"]" * 500_000, "TOML nested too deeply"),
    ("toml", b"a = " + b"{b = " * 200_000 + b"1" + b"}" * 200_000, "TOML nested too deeply"),
    ("json", b"[" + b"9" * 100_000 + b"]", "JSON: a number has too many digits"),
    ("toml", b"a = " + b"9" * 100_000, "TOML: a number has too many digits"),
])
def test_nesting_and_number_size(kind: str, data: bytes, message: str) -> None:
    with fast(), pytest.raises(ConfigError) as info:
        _io.parse_document(data, kind=kind, source="x")
    assert message in info.value.problems[0].message


# --- config: partnership limits -----------------------------------------------------------

def _school(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"s{i}", "name": f"School {i}", "timezone": "Europe/Berlin", **extra}


def test_schools_2_to_200() -> None:
    assert config.MAX_SCHOOLS == 200
    with fast():
        p = twinschedule.from_dict({**BASE, "schools": [_school(i) for i in range(200)]})
    assert len(p.schools) == 200
    with fast(), pytest.raises(ConfigError) as info:
        twinschedule.from_dict({**BASE, "schools": [_school(i) for i in range(201)]})
    assert [str(p) for p in info.value.problems] == [
        "schools: 201 schools is more than the 200 allowed"]
    with pytest.raises(ConfigError, match="needs at least 2 schools, got 1"):
        twinschedule.from_dict({**BASE, "schools": [_school(0)]})


def test_horizon_at_most_10_years() -> None:
    assert config.MAX_YEARS == 10
    ten = copy.deepcopy(BASE)
    ten["partnership"]["end"] = "2036-09-01"
    twinschedule.from_dict(ten)
    ten["partnership"]["end"] = "2036-09-02"
    with pytest.raises(ConfigError, match="longer than the 10 years allowed"):
        twinschedule.from_dict(ten)
    leap = copy.deepcopy(BASE)  # from 29 February: ten years later is 28 February
    leap["partnership"].update(start="2028-02-29", end="2038-02-28")
    twinschedule.from_dict(leap)


@pytest.mark.parametrize(("start", "end", "ok"), [
    ("1970-01-01", "1970-12-31", True), ("1969-12-31", "1970-12-31", False),
    ("2200-01-01", "2200-12-31", True), ("2200-01-01", "2201-01-01", False),
    ("9990-01-01", "9999-12-31", False),  # the horizon check must not overflow
])
def test_supported_dates(start: str, end: str, ok: bool) -> None:
    data = copy.deepcopy(BASE)
    data["partnership"].update(start=start, end=end)
    if ok:
        twinschedule.from_dict(data)
        return
    with pytest.raises(ConfigError, match="outside the supported dates 1970-01-01 to "
                                          "2200-12-31"):
        twinschedule.from_dict(data)


def test_dates_everywhere_are_bounded() -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0].update(
        terms=[{"from": "0001-01-01", "to": "9999-12-31"}],
        closures=[{"on": "9999-12-31"}],
        busy=[{"on": "9999-12-31", "from": "00:00", "to": "24:00"}])
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(data)
    assert [p.path for p in info.value.problems] == [
        "schools[0] (a).terms[0].from", "schools[0] (a).terms[0].to",
        "schools[0] (a).closures[0].on", "schools[0] (a).busy[0].on"]


def test_a_megabyte_of_typos_is_answered_fast(tmp_path: Path) -> None:
    """50,000 unknown keys: every one is reported, suggestions only for the first
    ``MAX_HINTS`` (difflib for each would take seconds)."""
    data = copy.deepcopy(BASE)
    data["partnership"].update({f"duratio{i}": 1 for i in range(50_000)})
    path = tmp_path / "typos.json"
    path.write_text(json.dumps(data))
    assert path.stat().st_size < _io.MAX_FILE_BYTES
    with fast(), pytest.raises(ConfigError) as info:
        twinschedule.load(path)
    problems = info.value.problems
    assert len(problems) == 50_000
    assert problems[0].message == "unknown key 'duratio0' (did you mean 'duration'?)"
    assert problems[-1].message == "unknown key 'duratio49999'"
    hinted = sum("did you mean" in p.message for p in problems)
    assert hinted == config.MAX_HINTS == 1000


def test_many_schools_with_many_problems_are_answered_fast() -> None:
    schools = [_school(i, timezone="Amerca/Nw_Yrok", country="XX", days=["Mondy"] * 20,
                       hours=["9-5"] * 20) for i in range(200)]
    with fast(), pytest.raises(ConfigError) as info:
        twinschedule.from_dict({**BASE, "schools": schools})
    assert len(info.value.problems) == 200 * 62  # 1 + 1 + 20 + 2 * 20


# --- config: imported calendar files per school and per partnership ---------------------

def _with_calendars(tmp_path: Path, names: list[list[str]], zones: list[str] | None = None,
                    ) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["schools"] = [
        _school(i, closures_ics=files, timezone=(zones or ["Europe/London"] * 9)[i])
        for i, files in enumerate(names)]
    return data


def test_at_most_10_calendars_per_school(tmp_path: Path) -> None:
    assert config.MAX_ICS_FILES == 10
    for i in range(11):
        (tmp_path / f"c{i}.ics").write_bytes(vcal(vevent(b"DTSTART;VALUE=DATE:20261010\r\n")))
    ten = _with_calendars(tmp_path, [[f"c{i}.ics" for i in range(10)], ["c0.ics"]])
    twinschedule.from_dict(ten, base_dir=tmp_path)
    eleven = _with_calendars(tmp_path, [[f"c{i}.ics" for i in range(11)], ["c0.ics"]])
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(eleven, base_dir=tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "schools[0] (s0).closures_ics: 11 files is more than the 10 allowed"]


def test_imported_bytes_per_partnership(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        ) -> None:
    """At most 16 MiB of calendars per partnership (here 2 KiB, to be quick); a file
    shared by schools in one zone is read once, in several zones once per zone."""
    assert config.MAX_ICS_TOTAL_BYTES == 16 * 1024 * 1024
    monkeypatch.setattr(config, "MAX_ICS_TOTAL_BYTES", 2048)
    pad = vcal(b"X-PAD:" + b"x" * 300 + b"\r\n",
               vevent(b"DTSTART;VALUE=DATE:20261010\r\n"))
    assert 2048 / 5 < len(pad) < 2048 / 4
    for i in range(5):
        (tmp_path / f"c{i}.ics").write_bytes(pad)
    four = _with_calendars(tmp_path, [["c0.ics", "c1.ics"], ["c2.ics", "c3.ics"]])
    with fast():
        twinschedule.from_dict(four, base_dir=tmp_path)
    shared = _with_calendars(tmp_path, [["c0.ics", "c1.ics"], ["c0.ics", "c1.ics"],
                                        ["c2.ics", "c3.ics"]])
    twinschedule.from_dict(shared, base_dir=tmp_path)  # 4 distinct files in one zone
    five = _with_calendars(tmp_path, [["c0.ics", "c1.ics"], ["c2.ics", "c3.ics", "c4.ics"]])
    with fast(), pytest.raises(ConfigError) as info:
        twinschedule.from_dict(five, base_dir=tmp_path)
    assert [(p.path, p.message) for p in info.value.problems] == [
        ("schools[1] (s1).closures_ics[2]", "the imported calendars of the partnership have more "
         "than 2048 bytes in all (each file counted once per time zone it is read in)")]
    zones = _with_calendars(tmp_path, [["c0.ics", "c1.ics"], ["c0.ics", "c1.ics"],
                                       ["c0.ics"]],
                            zones=["Europe/London", "Africa/Nairobi", "Asia/Tokyo"])
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(zones, base_dir=tmp_path)
    assert [p.path for p in info.value.problems] == ["schools[2] (s2).closures_ics[0]"]


# --- _ics_import: file size, lines, events --------------------------------------------------

def test_calendar_size_cap(tmp_path: Path) -> None:
    assert _ics_import.MAX_ICS_BYTES == 4 * 1024 * 1024
    body = vevent(b"DTSTART;VALUE=DATE:20261010\r\n")
    pad = _ics_import.MAX_ICS_BYTES - len(vcal(body)) - len(b"X-PAD:\r\n")
    exact = vcal(b"X-PAD:" + b"x" * pad + b"\r\n", body)
    assert len(exact) == _ics_import.MAX_ICS_BYTES
    closures, _ = accepted(exact)
    assert [c.first for c in closures] == [dt.date(2026, 10, 10)]
    refused(exact + b" ", "the file has 4194305 bytes; at most 4194304 are allowed")
    # Read from a file, a larger one is refused after reading the cap plus one byte.
    (tmp_path / "big.ics").write_bytes(exact + b"\r\n" * 10_000_000)
    with fast(), pytest.raises(ConfigError, match="larger than the 4194304 bytes allowed"):
        _io.ics_reader(tmp_path)("big.ics")


def test_calendar_line_cap() -> None:
    assert _ics_import.MAX_ICS_LINES == 200_000
    head = vcal()  # 4 lines
    exact = vcal(b"X-A:b\r\n" * (200_000 - 4))
    assert exact.count(b"\n") == 200_000 and len(head.splitlines()) == 4
    accepted(exact)
    refused(vcal(b"X-A:b\r\n" * (200_001 - 4)), "the file has 200001 lines; at most 200000")
    # Lines ended by CR alone count too.
    refused(vcal(b"X-A:b\r" * 300_000), "the file has 300004 lines")


def test_calendar_event_cap() -> None:
    assert _ics_import.MAX_EVENTS == 20_000
    event = b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261010\r\nEND:VEVENT\r\n"
    with fast():
        got = import_ics(vcal(event * 20_000), "Europe/London", START, END)
    assert len(got.closures) == 1  # the same closure 20,000 times (each event counted)
    assert got.events == 20_000 and dict(got.used) == {"closures": 20_000}
    refused(vcal(event * 20_001), "the file has 20001 events; at most 20000 are allowed")
    # Counted case-insensitively, before parsing.
    refused(vcal(event.lower().replace(b"dtstart;value=date", b"DTSTART;VALUE=DATE")
                 * 20_001), "the file has 20001 events")


def test_parse_heavy_calendar_at_the_size_cap() -> None:
    """Property parameters are the slowest thing icalendar parses: a file of them at the
    size cap is still answered in time."""
    line = b"X-FOO;A=1;B=2;C=3;D=4;E=5;F=6;G=7;H=8:bar\r\n"
    accepted(vcal(line * ((_ics_import.MAX_ICS_BYTES - 200) // len(line))))


def test_deeply_nested_components_are_read_without_recursion() -> None:
    nested = vcal(b"BEGIN:X-A\r\n" * 5000 + b"END:X-A\r\n" * 5000,
                  vevent(b"DTSTART;VALUE=DATE:20261010\r\n"))
    closures, _ = accepted(nested)
    assert len(closures) == 1


# --- _ics_import: recurrence rules --------------------------------------------------------

def rule(rrule: bytes, dtstart: bytes = b"20260901T100000Z", uid: int = 1) -> bytes:
    return vevent(b"DTSTART:" + dtstart + b"\r\nDTEND:" + dtstart[:-4] + b"500Z\r\n"
                  + b"RRULE:" + rrule + b"\r\n", uid)


@pytest.mark.parametrize("freq", [b"SECONDLY", b"MINUTELY", b"HOURLY"])
def test_sub_daily_rules_are_refused(freq: bytes) -> None:
    refused(vcal(rule(b"FREQ=" + freq)),
            f"RRULE FREQ={freq.decode()} is not supported in an imported calendar")
    refused(vcal(rule(b"FREQ=" + freq + b";COUNT=2")), "is not supported")


def test_times_per_day() -> None:
    assert _ics_import.MAX_TIMES_PER_DAY == 24
    hours = b",".join(b"%d" % h for h in range(24))
    _, busy = accepted(vcal(rule(b"FREQ=DAILY;COUNT=48;BYHOUR=" + hours)))
    assert len(busy) == 48
    refused(vcal(rule(b"FREQ=DAILY;BYHOUR=1,2,3,4,5;BYMINUTE=0,10,20,30,40;BYSECOND=0")),
            "RRULE repeats 25 times a day; at most 24 are allowed")
    minutes = b",".join(b"%d" % m for m in range(60))
    refused(vcal(rule(b"FREQ=DAILY;BYHOUR=" + hours + b";BYMINUTE=" + minutes)),
            "RRULE repeats 1440 times a day")


def test_recurring_event_cap() -> None:
    assert _ics_import.MAX_RECURRING == 2000
    weekly = [rule(b"FREQ=WEEKLY;COUNT=2", uid=i) for i in range(2001)]
    accepted(vcal(*weekly[:2000]))
    refused(vcal(*weekly), "the file has 2001 recurring events; at most 2000 are allowed")


def test_years_before_the_plan() -> None:
    assert _ics_import.MAX_YEARS_BEFORE == 30
    _, busy = accepted(vcal(rule(b"FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=10",
                                 dtstart=b"19960101T100000Z")))
    assert [b.start.date() for b in busy] == [dt.date(2026, 10, 10)]
    refused(vcal(rule(b"FREQ=YEARLY", dtstart=b"19950101T100000Z")),
            "a recurring event starting in 1995 is more than 30 years before the plan")
    refused(vcal(rule(b"FREQ=DAILY", dtstart=b"00010101T000000Z")),
            "a recurring event starting in 1 is more than 30 years before the plan")


def test_daily_rule_from_29_years_before_stays_bounded() -> None:
    """The engine walks every occurrence from DTSTART: 29 years of a daily event is
    fine; 40 such events over a ten-year horizon break ``MAX_OCCURRENCES``."""
    _, busy = accepted(vcal(rule(b"FREQ=DAILY", dtstart=b"19970901T100000Z")),
                       end=LONG_END)
    assert len([b for b in busy if START <= b.start.date() <= LONG_END]) == \
        (LONG_END - START).days + 1
    refused(vcal(*[rule(b"FREQ=DAILY", dtstart=b"19970901T100000Z", uid=i)
                   for i in range(40)]),
            "more than 50000 event occurrences fall in the horizon", end=LONG_END)


def test_occurrences_in_the_horizon() -> None:
    assert _ics_import.MAX_OCCURRENCES == 50_000
    hours = b",".join(b"%d" % h for h in range(24))
    seven = [rule(b"FREQ=DAILY;BYHOUR=" + hours, uid=i) for i in range(7)]
    _, busy = accepted(vcal(seven[0]))  # 8,000 occurrences
    assert 24 * (END - START).days < len(busy) < 24 * ((END - START).days + 6)
    refused(vcal(*seven), "more than 50000 event occurrences fall in the horizon")
    # RDATEs count too: 50,001 five-minute steps in the horizon.
    quarter = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    rdates = b",".join((quarter + dt.timedelta(minutes=5 * k)).strftime("%Y%m%dT%H%M%SZ")
                       .encode() for k in range(50_001))
    refused(vcal(vevent(b"DTSTART:20260901T000000Z\r\nDURATION:PT5M\r\nRDATE:" + rdates
                        + b"\r\n")), "more than 50000 event occurrences fall in the horizon")


def test_occurrence_limit_counts_all_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_ics_import, "MAX_OCCURRENCES", 100)
    single = b"".join(vevent(b"DTSTART;VALUE=DATE:20261010\r\n", uid=i) for i in range(101))
    refused(vcal(single), "more than 100 event occurrences fall in the horizon")
    refused(vcal(rule(b"FREQ=DAILY")), "more than 100 event occurrences")


NEVER = [  # rules that match no day at all (DTSTART is Tuesday 1 September 2026)
    b"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # 30 February
    b"FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=31",
    b"FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # every 7th day from a Tuesday: never a Monday
    b"FREQ=DAILY;BYSETPOS=2",  # one candidate a day: no second one
]
NEVER_COARSE = [
    b"FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",  # 31 April
    b"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;BYHOUR=1,2,3",
]


@pytest.mark.parametrize("rrule", NEVER + NEVER_COARSE,
                         ids=[r.decode() for r in NEVER + NEVER_COARSE])
def test_rules_that_never_match_stop_at_the_horizon(rrule: bytes) -> None:
    """The engine would walk such a rule to the year 9999 (a daily one: 3 million steps);
    every rule is stopped at the end of the horizon, so even 100 of them are cheap, and
    only DTSTART (always an occurrence) is busy."""
    closures, busy = accepted(vcal(*[rule(rrule, uid=i) for i in range(100)]))
    assert closures == () and {b.start for b in busy} == {
        dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)}


def test_walk_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules walked from long before the plan share one budget of steps (here lowered,
    to be quick); the refusal names the event and its rule."""
    assert _ics_import.MAX_WALK == 500_000
    monkeypatch.setattr(_ics_import, "MAX_WALK", 50_000)
    old = [rule(b"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", dtstart=b"19990901T100000Z", uid=i)
           for i in range(3)]
    accepted(vcal(old[0]))  # 28 years of days: about 20,000 steps
    message = refused(vcal(*old), "the recurring events need more than 50000 steps to "
                                  "expand (at RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30)")
    assert "event at line 16, UID 2" in message


def test_rules_that_match_rarely_are_fine() -> None:
    """29 February: the walk stops at the first occurrence past the horizon."""
    _, busy = accepted(vcal(rule(b"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")), end=LONG_END)
    assert [b.start.date() for b in busy] == [  # DTSTART, then the leap days
        dt.date(2026, 9, 1), dt.date(2028, 2, 29), dt.date(2032, 2, 29), dt.date(2036, 2, 29)]


def test_no_clock() -> None:
    """Acceptance never depends on the machine's speed or load: there is no time limit."""
    assert not hasattr(_ics_import, "MAX_SECONDS")
    import inspect

    source = inspect.getsource(_ics_import)
    assert "monotonic" not in source and "perf_counter" not in source


def test_large_google_export_is_accepted_within_the_work_budget() -> None:
    """The shape of a ten-year Google export of a busy school calendar (benchmarks/
    google_export.py: ~4,800 events, 174 recurring) is accepted, its work bounded."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from google_export import google_export

    data = google_export()
    assert 1_500_000 < len(data) < _ics_import.MAX_ICS_BYTES
    with fast(2 * WORK):
        got = import_ics(data, "Europe/London", dt.date(2016, 9, 1), dt.date(2026, 8, 31))
    assert got.events > 20_000 and dict(got.used)["closures"] > 1000


def test_vtimezone_rules_must_be_yearly() -> None:
    """A VTIMEZONE with a minutely rule would expand hundreds of millions of
    transitions (from 1601 to 2038) when an event uses it."""
    for freq in (b"MINUTELY", b"DAILY", b"MONTHLY"):
        tz = (b"BEGIN:VTIMEZONE\r\nTZID:Odd/Zone\r\nBEGIN:STANDARD\r\n"
              b"DTSTART:16010101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n"
              b"RRULE:FREQ=" + freq + b"\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
        event = vevent(b"DTSTART;TZID=Odd/Zone:20261010T100000\r\n"
                       b"DTEND;TZID=Odd/Zone:20261010T110000\r\n")
        refused(vcal(tz, event), f"time zone Odd/Zone: a VTIMEZONE rule must be FREQ=YEARLY, "
                                 f"not {freq.decode()}")


def test_walk_counting_is_undone_and_local_to_the_thread() -> None:
    """The counting hook is removed after each import, also after a refusal, and does not
    count (or stop) rules walked in other threads meanwhile."""
    from dateutil import rrule as engine

    original = engine._iterinfo
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_ics_import, "MAX_WALK", 10)
        refused(vcal(rule(NEVER[0])), "more than 10 steps")
    assert engine._iterinfo is original
    accepted(vcal(rule(b"FREQ=WEEKLY;COUNT=3")))
    assert engine._iterinfo is original

    walk = ics_rrule.Walk(0)
    stopped: list[bool] = []

    def other() -> None:
        try:
            walk.step(1)
            stopped.append(False)
        except ics_rrule.WalkLimit:
            stopped.append(True)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert stopped == [False] and walk.steps == 0
    with pytest.raises(ics_rrule.WalkLimit):
        walk.step(1)


# --- the documented values -------------------------------------------------------------

@pytest.mark.parametrize(("module", "names"), [
    (_ics_import, ["MAX_ICS_BYTES", "MAX_ICS_LINES", "MAX_EVENTS", "MAX_RECURRING",
                   "MAX_TIMES_PER_DAY", "MAX_YEARS_BEFORE", "MAX_WALK",
                   "MAX_OCCURRENCES"]),
    (config, ["MAX_SCHOOLS", "MAX_YEARS", "MIN_DATE", "MAX_DATE", "MAX_ICS_FILES",
              "MAX_ICS_TOTAL_BYTES", "MAX_HINTS"]),
    (_io, ["MAX_FILE_BYTES"]),
])
def test_documented(module: Any, names: list[str]) -> None:
    doc = module.__doc__ or ""
    for name in names:
        assert f"``{name}``" in doc, name
