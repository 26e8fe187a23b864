"""A catalogue of bad inputs: each gives the one error type (library) or exit status 2
(CLI) with every problem's path and message, no traceback, and no file written."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from helpers import bounded_work

import twinschedule
from twinschedule.errors import ConfigError

BASE: dict[str, Any] = {
    "partnership": {"id": "rugby-nairobi", "name": "Rugby and Nairobi", "start": "2026-09-01",
                    "end": "2027-07-31", "duration": 45},
    "schools": [
        {"id": "rugby", "name": "Lawrence Sheriff School", "timezone": "Europe/London",
         "country": "GB", "subdivision": "ENG", "hours": ["08:45-12:15", "13:15-15:30"],
         "terms": [{"from": "2026-09-03", "to": "2026-12-18", "name": "Autumn"}],
         "closures": [{"on": "2026-11-02", "name": "Training day"}],
         "busy": [{"on": "2026-11-11", "from": "10:45", "to": "11:30", "name": "Assembly"}]},
        {"id": "nairobi", "name": "Moi Forces Academy", "timezone": "Africa/Nairobi",
         "country": "KE", "hours": ["08:00-12:45", "14:00-16:00"]},
    ],
}

Mutation = Callable[[dict[str, Any]], None]


def put(path: str, value: Any) -> Mutation:
    """Set (or, with value ``DELETE``, remove) a value at a dotted path with [i] indexes."""
    def apply(d: dict[str, Any]) -> None:
        plain = re.sub(r" \([a-z0-9-]+\)", "", path)  # a school's label is not in the data
        parts = plain.replace("[", ".").replace("]", "").split(".")
        node: Any = d
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        key: Any = int(last) if last.isdigit() else last
        if value is DELETE:
            del node[key]
        else:
            node[key] = value
    return apply


DELETE = object()
P = "partnership"
S0 = "schools[0] (rugby)"  # a school's problems name its position and its id
S1 = "schools[1] (nairobi)"

# (id, mutations, [(path, message substring), ...]) -- the complete list of problems.
CASES: list[tuple[str, list[Mutation], list[tuple[str, str]]]] = [
    ("missing-id", [put(f"{P}.id", DELETE)], [(f"{P}.id", "required")]),
    ("missing-name", [put(f"{P}.name", DELETE)], [(f"{P}.name", "required")]),
    ("missing-start", [put(f"{P}.start", DELETE)], [(f"{P}.start", "required")]),
    ("missing-end", [put(f"{P}.end", DELETE)], [(f"{P}.end", "required")]),
    ("missing-duration", [put(f"{P}.duration", DELETE)], [(f"{P}.duration", "required")]),
    ("no-partnership", [put(P, DELETE)],
     [(P, "required: a [partnership] table"), (f"{P}.id", "required"),
      (f"{P}.name", "required"), (f"{P}.start", "required"), (f"{P}.end", "required"),
      (f"{P}.duration", "required")]),
    ("partnership-not-table", [put(P, [1, 2])],
     [(P, "expected a table, got a list"), (f"{P}.id", "required"), (f"{P}.name", "required"),
      (f"{P}.start", "required"), (f"{P}.end", "required"), (f"{P}.duration", "required")]),
    ("id-wrong-type", [put(f"{P}.id", 7)], [(f"{P}.id", "expected a string, got an integer")]),
    ("id-upper-case", [put(f"{P}.id", "Rugby")], [(f"{P}.id", "'Rugby' is not a valid id")]),
    ("id-dotdot", [put(f"{P}.id", "../x")], [(f"{P}.id", "'../x' is not a valid id")]),
    ("id-slash", [put(f"{P}.id", "a/b")], [(f"{P}.id", "'a/b' is not a valid id")]),
    ("id-empty", [put(f"{P}.id", "")], [(f"{P}.id", "must not be empty")]),
    ("id-65-chars", [put(f"{P}.id", "a" * 65)], [(f"{P}.id", "is not a valid id")]),
    ("name-empty", [put(f"{P}.name", "  ")], [(f"{P}.name", "must not be empty")]),
    ("name-wrong-type", [put(f"{P}.name", ["x"])], [(f"{P}.name", "expected a string")]),
    ("start-not-date", [put(f"{P}.start", "next monday")],
     [(f"{P}.start", "'next monday' is not a date (YYYY-MM-DD)")]),
    ("start-feb-30", [put(f"{P}.start", "2027-02-30")],
     [(f"{P}.start", "'2027-02-30' is not a date: day is out of range for month")]),
    ("start-wrong-type", [put(f"{P}.start", 20260901)],
     [(f"{P}.start", "expected a date (YYYY-MM-DD), got an integer")]),
    ("end-before-start", [put(f"{P}.end", "2026-08-01")],
     [(f"{P}.end", "2026-08-01 is before start 2026-09-01")]),
    ("horizon-over-10-years", [put(f"{P}.end", "2036-09-02")],
     [(f"{P}.end", "longer than the 10 years allowed")]),
    ("duration-too-long", [put(f"{P}.duration", 900)],
     [(f"{P}.duration", "900 minutes is longer than the 720 minutes allowed")]),
    ("duration-too-short", [put(f"{P}.duration", 2)],
     [(f"{P}.duration", "2 minutes is less than the 5 minutes allowed")]),
    ("duration-float", [put(f"{P}.duration", 45.5)],
     [(f"{P}.duration", "expected an integer, got a number")]),
    ("duration-bool", [put(f"{P}.duration", True)],
     [(f"{P}.duration", "expected an integer, got a boolean")]),
    ("duration-longer-than-every-window", [put(f"{P}.duration", 300)],
     [(f"{S0}.hours", "no window is long enough for a 300-minute meeting"),
      (f"{S1}.hours", "no window is long enough for a 300-minute meeting")]),
    ("title-wrong-type", [put(f"{P}.title", 1)], [(f"{P}.title", "expected a string")]),
    ("location-wrong-type", [put(f"{P}.location", {})],
     [(f"{P}.location", "expected a string, got a table")]),
    ("description-wrong-type", [put(f"{P}.description", None)],
     [(f"{P}.description", "expected a string, got nothing")]),
    ("anchor-unknown", [put(f"{P}.anchor", "Europe/Londn")],
     [(f"{P}.anchor", "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?)")]),
    ("weekdays-empty", [put(f"{P}.weekdays", [])],
     [(f"{P}.weekdays", "must not be an empty list")]),
    ("weekdays-misspelled", [put(f"{P}.weekdays", ["TU", "Wendesday"])],
     [(f"{P}.weekdays[1]", "unknown weekday 'Wendesday' (did you mean 'WE'?)")]),
    ("weekdays-twice", [put(f"{P}.weekdays", ["tue", "TU"])],
     [(f"{P}.weekdays[1]", "weekday 'TU' is listed twice")]),
    ("weekdays-not-list", [put(f"{P}.weekdays", "TU")],
     [(f"{P}.weekdays", "expected a list, got a string")]),
    ("weeks-bad-value", [put(f"{P}.weeks", [2, 5])],
     [(f"{P}.weeks[1]", "5 is not one of 1, 2, 3, 4, -1")]),
    ("weeks-empty", [put(f"{P}.weeks", [])], [(f"{P}.weeks", "must not be an empty list")]),
    ("step-not-divisor", [put(f"{P}.step", 7)],
     [(f"{P}.step", "7 does not divide 1440 (a day's minutes); try 6")]),
    ("step-too-small", [put(f"{P}.step", 1)], [(f"{P}.step", "less than the 5 minutes")]),
    ("on-conflict-bad", [put(f"{P}.on_conflict", "cancel")],
     [(f"{P}.on_conflict", "'cancel' is not 'move' or 'skip'")]),
    ("max-move-negative", [put(f"{P}.max_move_days", -1)],
     [(f"{P}.max_move_days", "-1 is less than the 0 allowed")]),
    ("top-too-many", [put(f"{P}.top", 51)], [(f"{P}.top", "51 is more than the 50 allowed")]),
    ("top-zero", [put(f"{P}.top", 0)], [(f"{P}.top", "0 is less than the 1 allowed")]),
    ("sequence-negative", [put(f"{P}.sequence", -3)], [(f"{P}.sequence", "less than the 0")]),
    ("unknown-top-level-key", [put("schoolz", [])],
     [("schoolz", "unknown key 'schoolz' (did you mean 'schools'?)")]),
    ("unknown-partnership-key", [put(f"{P}.durration", 45)],
     [(f"{P}.durration", "unknown key 'durration' (did you mean 'duration'?)")]),
    ("unknown-school-key", [put(f"{S0}.timezon", "Europe/London")],
     [(f"{S0}.timezon", "unknown key 'timezon' (did you mean 'timezone'?)")]),
    ("unknown-term-key", [put(f"{S0}.terms[0].until", "2026-12-18")],
     [(f"{S0}.terms[0].until", "unknown key 'until'")]),
    ("unknown-busy-key", [put(f"{S0}.busy[0].room", "Hall")],
     [(f"{S0}.busy[0].room", "unknown key 'room'")]),
    ("no-schools", [put("schools", DELETE)], [("schools", "required: at least two")]),
    ("one-school", [lambda d: d["schools"].pop()],
     [("schools", "a partnership needs at least 2 schools, got 1")]),
    ("zero-schools", [put("schools", [])], [("schools", "needs at least 2 schools, got 0")]),
    ("201-schools", [lambda d: d.__setitem__("schools", [
        {**d["schools"][1], "id": f"s{i}"} for i in range(201)])],
     [("schools", "201 schools is more than the 200 allowed")]),
    ("schools-not-list", [put("schools", {"id": "x"})], [("schools", "expected a list")]),
    ("school-not-table", [put("schools[1]", "nairobi")],
     [("schools[1]", "expected a table, got a string")]),
    ("school-duplicate-id", [put(f"{S1}.id", "rugby")],
     [("schools[1] (rugby).id", "'rugby' is already the id of schools[0] (rugby)")]),
    ("school-id-unsafe", [put(f"{S1}.id", "../nairobi")],
     [("schools[1].id", "is not a valid id")]),
    ("school-missing-timezone", [put(f"{S1}.timezone", DELETE)],
     [(f"{S1}.timezone", "required")]),
    ("timezone-misspelled", [put(f"{S1}.timezone", "Africa/Nairoby")],
     [(f"{S1}.timezone", "unknown time zone 'Africa/Nairoby' (did you mean 'Africa/Nairobi'?)")]),
    ("timezone-wrong-type", [put(f"{S1}.timezone", 3)],
     [(f"{S1}.timezone", "expected an IANA time zone name")]),
    ("country-unknown", [put(f"{S1}.country", "XX")],
     [(f"{S1}.country", "unknown or unsupported country code 'XX'")]),
    ("country-lower-case", [put(f"{S1}.country", "ke")],
     [(f"{S1}.country", "(did you mean 'KE'?)")]),
    ("subdivision-unknown", [put(f"{S0}.subdivision", "ENGL")],
     [(f"{S0}.subdivision", "unknown subdivision 'ENGL' of GB (did you mean 'ENG'?)")]),
    ("subdivision-without-country", [put(f"{S1}.country", DELETE),
                                     put(f"{S1}.subdivision", "NBO")],
     [(f"{S1}.subdivision", "needs 'country'")]),
    ("holiday-category-unknown", [put(f"{S0}.holidays", ["publik"])],
     [(f"{S0}.holidays[0]", "unknown holiday category 'publik' for GB (did you mean 'public'?)")]),
    ("holidays-empty", [put(f"{S0}.holidays", [])],
     [(f"{S0}.holidays", "must not be an empty list")]),
    ("days-misspelled", [put(f"{S1}.days", ["MO", "Tusday"])],
     [(f"{S1}.days[1]", "unknown weekday 'Tusday' (did you mean 'TU'?)")]),
    ("days-empty", [put(f"{S1}.days", [])], [(f"{S1}.days", "must not be an empty list")]),
    ("hours-empty", [put(f"{S1}.hours", [])], [(f"{S1}.hours", "must not be an empty list")]),
    ("hours-end-before-start", [put(f"{S0}.hours", ["08:45-12:15", "13:15-12:30"])],
     [(f"{S0}.hours[1]", "window '13:15-12:30' ends before it starts")]),
    ("hours-overlap", [put(f"{S0}.hours", ["08:00-12:00", "11:00-15:00"])],
     [(f"{S0}.hours[1]", "window '11:00-15:00' overlaps window '08:00-12:00'")]),
    ("hours-25", [put(f"{S0}.hours", ["08:00-25:00"])],
     [(f"{S0}.hours[0]", "'25:00' is not a time of day")]),
    ("hours-not-a-window", [put(f"{S0}.hours", ["all day"])],
     [(f"{S0}.hours[0]", "expected a window 'HH:MM-HH:MM'")]),
    ("hours-by-day-bad-weekday", [put(f"{S0}.hours_by_day", {"FRI-DAY": ["08:45-12:15"]})],
     [(f"{S0}.hours_by_day.FRI-DAY", "unknown weekday 'FRI-DAY'")]),
    ("prefer-bad", [put(f"{S0}.prefer", "2pm")],
     [(f"{S0}.prefer", "'2pm' is not a time 'HH:MM'")]),
    ("terms-empty", [put(f"{S0}.terms", [])], [(f"{S0}.terms", "must not be an empty list")]),
    ("term-end-before-start", [put(f"{S0}.terms[0].to", "2026-08-01")],
     [(f"{S0}.terms[0].to", "2026-08-01 is before 'from' 2026-09-03")]),
    ("term-missing-to", [put(f"{S0}.terms[0].to", DELETE)],
     [(f"{S0}.terms[0].to", "required")]),
    ("closure-on-and-from", [put(f"{S0}.closures[0].from", "2026-11-02")],
     [(f"{S0}.closures[0]", "give either 'on' or 'from' and 'to', not both")]),
    ("closure-bad-date", [put(f"{S0}.closures[0].on", "2026-13-01")],
     [(f"{S0}.closures[0].on", "'2026-13-01' is not a date")]),
    ("busy-to-before-from", [put(f"{S0}.busy[0].to", "10:00")],
     [(f"{S0}.busy[0].to", "'10:00' is not after 'from' '10:45'")]),
    ("busy-missing-on", [put(f"{S0}.busy[0].on", DELETE)], [(f"{S0}.busy[0].on", "required")]),
    ("closures-ics-not-list", [put(f"{S0}.closures_ics", "terms.ics")],
     [(f"{S0}.closures_ics", "expected a list, got a string")]),
    ("several-problems-at-once", [put(f"{S1}.timezone", "Europe/Londn"),
                                  put(f"{S0}.hours", ["08:45-12:15", "13:15-12:30"]),
                                  put(f"{P}.duration", 900)],
     [(f"{P}.duration", "900 minutes is longer than the 720"),
      (f"{S0}.hours[1]", "ends before it starts"),
      (f"{S1}.timezone", "(did you mean 'Europe/London'?)")]),
]


def _problems(data: Any, base: Path | None = None) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(data, base_dir=base)
    assert isinstance(info.value, ValueError)
    return [(p.path, p.message) for p in info.value.problems]


def _matches(got: list[tuple[str, str]], want: list[tuple[str, str]]) -> None:
    assert len(got) == len(want), got
    for (gp, gm), (wp, wm) in zip(got, want, strict=True):
        assert gp == wp, got
        assert wm in gm, (gm, wm)


@pytest.mark.parametrize(("name", "mutations", "want"), CASES, ids=[c[0] for c in CASES])
def test_library(name: str, mutations: list[Mutation], want: list[tuple[str, str]]) -> None:
    data = copy.deepcopy(BASE)
    for m in mutations:
        m(data)
    _matches(_problems(data), want)


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twinschedule", *args, str(path)],
                          capture_output=True, text=True, cwd=ROOT)


CLI_CASES = [c for c in CASES if c[0] in {
    "timezone-misspelled", "several-problems-at-once", "one-school", "hours-25",
    "unknown-partnership-key", "end-before-start"}]


@pytest.mark.parametrize(("name", "mutations", "want"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_exit_2_no_traceback_nothing_written(tmp_path: Path, name: str,
                                                 mutations: list[Mutation],
                                                 want: list[tuple[str, str]]) -> None:
    data = copy.deepcopy(BASE)
    for m in mutations:
        m(data)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "out"
    for args in (["check"], ["plan", "--out", str(out)]):
        r = subprocess.run([sys.executable, "-m", "twinschedule", *args[:1], str(path),
                            *args[1:]], capture_output=True, text=True, cwd=ROOT)
        assert r.returncode == 2
        assert r.stdout == "" and "Traceback" not in r.stderr
        assert r.stderr.startswith(f"{path}: {len(want)} problem")
        for p, m in want:
            assert f"  {p}: " in r.stderr and m in r.stderr
        assert not out.exists()


# Whole files that are not valid documents: (id, file name, bytes, message substring).
FILES: list[tuple[str, str, bytes, str]] = [
    ("empty", "p.toml", b"", "the file is empty"),
    ("blank", "p.toml", b"  \n\n", "the file is empty"),
    ("binary", "p.toml", b"\x00\x01\x02BEGIN", "binary, not a text file"),
    ("utf-16", "p.toml", "[partnership]\n".encode("utf-16"), "UTF-16 byte order mark"),
    ("invalid-utf8", "p.toml", b"[partnership]\nname = \"\xff\xfe\"\n",
     "invalid UTF-8 at byte 22 (line 2)"),
    ("toml-syntax", "p.toml", b"[partnership]\nid = rugby\n",
     "TOML syntax error: Invalid value (at line 2, column 6)"),
    ("toml-feb-30", "p.toml", b"[partnership]\nstart = 2027-02-30\n", "(at line 2"),
    ("json-syntax", "p.json", b'{"partnership": {"id": }}',
     "JSON syntax error at line 1, column 24: Expecting value"),
    ("json-deep", "p.json", b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    ("json-not-table", "p.json", b"[1, 2]", "expected a table with [partnership]"),
    ("unknown-suffix", "p.yaml", b"partnership: {}", "unknown file type '.yaml'"),
    ("too-big", "p.toml", b"#" * (1024 * 1024 + 1), "larger than the 1048576 bytes"),
]


@pytest.mark.parametrize(("name", "file_name", "data", "message"), FILES,
                         ids=[f[0] for f in FILES])
def test_bad_files(tmp_path: Path, name: str, file_name: str, data: bytes,
                   message: str) -> None:
    path = tmp_path / file_name
    path.write_bytes(data)
    with pytest.raises(ConfigError) as info:
        twinschedule.load(path)
    assert any(message in p.message for p in info.value.problems), info.value.problems
    r = _cli(path, "check")
    assert r.returncode == 2 and "Traceback" not in r.stderr and message in r.stderr


def test_missing_file(tmp_path: Path) -> None:
    r = _cli(tmp_path / "nope.toml", "plan")
    assert r.returncode == 2
    assert "cannot read the file: No such file or directory" in r.stderr


# Imported calendars (closures_ics): (id, .ics bytes or None for a missing file, message)
VCAL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n%sEND:VCALENDAR\r\n"
ICS: list[tuple[str, bytes | None, str]] = [
    ("missing", None, "cannot read 'cal.ics': No such file or directory"),
    ("not-icalendar", b"hello world\r\n", "not an iCalendar file"),
    ("empty", b"", "the file is empty"),
    ("no-dtstart", VCAL % b"BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Gala\r\nEND:VEVENT\r\n",
     "event at line 4, UID 1, 'Gala': it has no DTSTART"),
    ("secondly", VCAL % (b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260901T000000Z\r\n"
                         b"RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"),
     "RRULE FREQ=SECONDLY is not supported"),
    ("huge-expansion", VCAL % (b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260901T000000Z\r\n"
                               b"RRULE:FREQ=DAILY;BYHOUR=" + ",".join(map(str, range(24))).encode()
                               + b";BYMINUTE=" + ",".join(map(str, range(60))).encode()
                               + b"\r\nEND:VEVENT\r\n"),
     "RRULE repeats 1440 times a day"),
    ("broken-vtimezone", VCAL % (b"BEGIN:VTIMEZONE\r\nTZID:Broken/Zone\r\nBEGIN:STANDARD\r\n"
                                 b"DTSTART:nonsense\r\nTZOFFSETFROM:+0100\r\nEND:STANDARD\r\n"
                                 b"END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:1\r\n"
                                 b"DTSTART;TZID=Broken/Zone:20260910T100000\r\n"
                                 b"END:VEVENT\r\n"), "schools[0] (rugby).closures_ics[0]"),
    ("too-many-events", VCAL % (b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260910\r\n"
                                b"END:VEVENT\r\n" * 20_001), "events; at most 20000"),
    ("million-events", b"X" * (4 * 1024 * 1024 + 1), "larger than the 4194304 bytes"),
    ("daily-since-year-1", VCAL % (b"BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:00010101\r\n"
                                   b"RRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"),
     "a recurring event starting in 1 is more than 30 years before the plan"),
    ("too-many-occurrences", VCAL % b"".join(
        b"BEGIN:VEVENT\r\nUID:%d\r\nDTSTART:20260901T000000Z\r\nDTEND:20260901T000500Z\r\n"
        b"RRULE:FREQ=DAILY;BYHOUR=" % i + ",".join(map(str, range(24))).encode()
        + b"\r\nEND:VEVENT\r\n" for i in range(7)),
     "more than 50000 event occurrences fall in the horizon"),
    ("too-many-recurring", VCAL % b"".join(
        b"BEGIN:VEVENT\r\nUID:%d\r\nDTSTART:20260901T100000Z\r\nRRULE:FREQ=WEEKLY\r\n"
        b"END:VEVENT\r\n" % i for i in range(2001)),
     "2001 recurring events; at most 2000"),
]


@pytest.mark.parametrize(("name", "ics", "message"), ICS, ids=[i[0] for i in ICS])
def test_bad_imported_calendars(tmp_path: Path, name: str, ics: bytes | None,
                                message: str) -> None:
    if ics is not None:
        (tmp_path / "cal.ics").write_bytes(ics)
    data = copy.deepcopy(BASE)
    data["schools"][0]["closures_ics"] = ["cal.ics"]
    with bounded_work():  # refused in bounded work, whatever the machine's load
        got = _problems(data, tmp_path)
    assert got[0][0].startswith("schools[0] (rugby).closures_ics")
    assert any(message in f"{p}: {m}" for p, m in got), got
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    r = _cli(path, "check")
    assert r.returncode == 2 and "Traceback" not in r.stderr
