"""A catalogue of bad inputs, each a valid two-school partnership with one thing broken
(or a few, to check that every problem is reported).

For every case:

- the library (``twinschedule.load``, and ``twinschedule.from_dict`` for dict cases)
  raises ``ConfigError`` whose ``problems`` are exactly the expected list of
  ``(path, part of the message)``, in order: every problem, not only the first;
- ``python -m twinschedule check FILE`` exits 2 with exactly those problems on standard
  error and nothing on standard output; for cases marked ``plan``, so does
  ``plan FILE --out DIR``, and DIR is not created;
- no traceback anywhere, no file created, and the library answers in well under 2 s.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from helpers import bounded_work

import twinschedule
from twinschedule import ConfigError, Problem

BASE: dict[str, Any] = {
    "partnership": {"id": "rugby-nairobi", "name": "Rugby and Nairobi", "start": "2026-09-01",
                    "end": "2027-07-31", "duration": 45},
    "schools": [
        {"id": "rugby", "name": "Lawrence Sheriff School", "timezone": "Europe/London",
         "country": "GB", "subdivision": "ENG", "hours": ["08:45-12:15", "13:15-15:30"],
         "hours_by_day": {"FR": ["08:45-12:15"]},
         "terms": [{"from": "2026-09-03", "to": "2026-12-18", "name": "Autumn"}],
         "closures": [{"on": "2026-11-02", "name": "Training day"}],
         "busy": [{"on": "2026-11-11", "from": "10:45", "to": "11:30", "name": "Assembly"}]},
        {"id": "nairobi", "name": "Moi Forces Academy", "timezone": "Africa/Nairobi",
         "country": "KE", "hours": ["08:00-12:45", "14:00-16:00"]},
    ],
}

# The same partnership as TOML (line numbers matter: syntax errors name them).
BASE_TOML = """\
[partnership]
id = "rugby-nairobi"
name = "Rugby and Nairobi"
start = 2026-09-01
end = 2027-07-31
duration = 45

[[schools]]
id = "rugby"
name = "Lawrence Sheriff School"
timezone = "Europe/London"
country = "GB"
subdivision = "ENG"
hours = ["08:45-12:15", "13:15-15:30"]

[schools.hours_by_day]
FR = ["08:45-12:15"]

[[schools.terms]]
from = 2026-09-03
to = 2026-12-18
name = "Autumn"

[[schools.closures]]
on = 2026-11-02
name = "Training day"

[[schools.busy]]
on = 2026-11-11
from = "10:45"
to = "11:30"
name = "Assembly"

[[schools]]
id = "nairobi"
name = "Moi Forces Academy"
timezone = "Africa/Nairobi"
country = "KE"
hours = ["08:00-12:45", "14:00-16:00"]
"""

P = "partnership"
# a school's problems are named by its position and its id
S0 = "schools[0] (rugby)"
S1 = "schools[1] (nairobi)"
ICS0 = "schools[0] (rugby).closures_ics[0]"
DELETE = object()
Edit = tuple[str, Any] | Callable[[dict[str, Any]], None]
Want = list[tuple[str, str]]


def edited(*edits: Edit) -> dict[str, Any]:
    """BASE with edits: ``(dotted path with [i] indexes, value or DELETE)`` or callables."""
    data = copy.deepcopy(BASE)
    for edit in edits:
        if callable(edit):
            edit(data)
            continue
        path, value = edit
        path = re.sub(r" \([a-z0-9-]+\)", "", path)  # a school's label is not in the data
        parts = path.replace("[", ".").replace("]", "").split(".")
        node: Any = data
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
        if value is DELETE:
            del node[key]
        else:
            node[key] = value
    return data


@dataclass(frozen=True)
class Case:
    id: str
    want: Want
    files: dict[str, bytes]  # written into the test's folder
    main: str  # the partnership file among them
    data: dict[str, Any] | None = None  # for dict cases: also checked with from_dict
    plan: bool = False  # also run `plan FILE --out DIR`


def D(case_id: str, edits: list[Edit], want: Want, *, plan: bool = False) -> Case:
    """A dict case: BASE edited, written as JSON for the file loader and the CLI."""
    data = edited(*edits)
    return Case(case_id, want, {"p.json": json.dumps(data).encode()}, "p.json", data, plan)


def T(case_id: str, replacements: list[tuple[str, str]], want: Want, *,
      plan: bool = False) -> Case:
    """A TOML case: BASE_TOML with text replaced (each old text must occur once)."""
    text = BASE_TOML
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return Case(case_id, want, {"p.toml": text.encode()}, "p.toml", plan=plan)


def R(case_id: str, name: str, content: bytes, want: Want, *, plan: bool = False) -> Case:
    """A raw file case."""
    return Case(case_id, want, {name: content}, name, plan=plan)


def C(case_id: str, ics: bytes | None, want: Want, *, plan: bool = False,
      name: str = "cal.ics") -> Case:
    """An imported-calendar case: schools[0] imports ``name`` holding ``ics`` (None: the
    file does not exist)."""
    data = edited((f"{S0}.closures_ics", [name]))
    files = {"p.json": json.dumps(data).encode()}
    if ics is not None:
        files[name] = ics
    return Case(case_id, want, files, "p.json", data, plan)


def vcal(*events: bytes, extra: bytes = b"") -> bytes:
    return (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//bad inputs//EN\r\n" + extra
            + b"".join(events) + b"END:VCALENDAR\r\n")


def vevent(body: bytes, uid: bytes = b"1") -> bytes:
    return b"BEGIN:VEVENT\r\nUID:" + uid + b"\r\n" + body + b"END:VEVENT\r\n"


HOURS = b",".join(b"%d" % h for h in range(24))
MINUTES = b",".join(b"%d" % m for m in range(60))
VTZ_BROKEN = (b"BEGIN:VTIMEZONE\r\nTZID:Broken/Zone\r\nBEGIN:STANDARD\r\nDTSTART:nonsense\r\n"
              b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
VTZ_MINUTELY = (b"BEGIN:VTIMEZONE\r\nTZID:Odd/Zone\r\nBEGIN:STANDARD\r\n"
                b"DTSTART:16010101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n"
                b"RRULE:FREQ=MINUTELY\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
ZONED = b"DTSTART;TZID=%s:20261010T100000\r\nDTEND;TZID=%s:20261010T110000\r\n"
ID_RULE = "is not a valid id: use 1 to 64 characters a-z, 0-9 and '-'"
EMPTY_LIST = "must not be an empty list (leave the key out instead)"

CASES: list[Case] = [
    # --- top level -------------------------------------------------------------------
    D("unknown-top-level-key", [("schoolz", [])],
      [("schoolz", "unknown key 'schoolz' (did you mean 'schools'?)")], plan=True),
    D("no-partnership", [(P, DELETE)],
      [(P, "required: a [partnership] table"), (f"{P}.id", "required"),
       (f"{P}.name", "required"), (f"{P}.start", "required (a date YYYY-MM-DD)"),
       (f"{P}.end", "required (a date YYYY-MM-DD)"), (f"{P}.duration", "required")]),
    D("partnership-not-a-table", [(P, "rugby")],
      [(P, "expected a table, got a string"), (f"{P}.id", "required"),
       (f"{P}.name", "required"), (f"{P}.start", "required"), (f"{P}.end", "required"),
       (f"{P}.duration", "required")]),
    R("json-top-level-list", "p.json", b"[1, 2]",
      [("", "expected a table with [partnership] and [[schools]], got a list")]),
    # --- partnership.id ----------------------------------------------------------------
    D("id-missing", [(f"{P}.id", DELETE)], [(f"{P}.id", "required")]),
    D("id-wrong-type", [(f"{P}.id", 7)], [(f"{P}.id", "expected a string, got an integer")]),
    D("id-empty", [(f"{P}.id", "")], [(f"{P}.id", "must not be empty")]),
    D("id-upper-case", [(f"{P}.id", "Rugby-Nairobi")],
      [(f"{P}.id", f"'Rugby-Nairobi' {ID_RULE}")]),
    D("id-dot-dot-slash", [(f"{P}.id", "../x")], [(f"{P}.id", f"'../x' {ID_RULE}")],
      plan=True),
    D("id-slash", [(f"{P}.id", "a/b")], [(f"{P}.id", f"'a/b' {ID_RULE}")]),
    D("id-65-characters", [(f"{P}.id", "a" * 65)], [(f"{P}.id", f"'{'a' * 60}...' {ID_RULE}")]),
    D("id-nul", [(f"{P}.id", "ab\x00")], [(f"{P}.id", f"'ab\\x00' {ID_RULE}")]),
    # --- partnership.name, title, location, description ---------------------------------
    D("name-missing", [(f"{P}.name", DELETE)], [(f"{P}.name", "required")]),
    D("name-wrong-type", [(f"{P}.name", ["x"])], [(f"{P}.name", "expected a string, got a list")]),
    D("name-blank", [(f"{P}.name", "   ")], [(f"{P}.name", "must not be empty")]),
    D("name-lone-surrogate", [(f"{P}.name", "Rugby \ud800")],
      [(f"{P}.name", "contains U+D800, which is not a character (invalid Unicode)")],
      plan=True),
    D("title-wrong-type", [(f"{P}.title", 1)],
      [(f"{P}.title", "expected a string, got an integer")]),
    D("title-escape-character", [(f"{P}.title", "Meeting \x1b[31m")],
      [(f"{P}.title", "contains the control character U+001B")]),
    D("location-wrong-type", [(f"{P}.location", {})],
      [(f"{P}.location", "expected a string, got a table")]),
    D("description-wrong-type", [(f"{P}.description", None)],
      [(f"{P}.description", "expected a string, got nothing")]),
    # --- partnership.start, end ----------------------------------------------------------
    D("start-missing", [(f"{P}.start", DELETE)], [(f"{P}.start", "required (a date YYYY-MM-DD)")]),
    D("start-wrong-type", [(f"{P}.start", 20260901)],
      [(f"{P}.start", "expected a date (YYYY-MM-DD), got an integer")]),
    D("start-not-a-date", [(f"{P}.start", "next monday")],
      [(f"{P}.start", "'next monday' is not a date (YYYY-MM-DD)")]),
    D("start-february-30-json", [(f"{P}.start", "2027-02-30")],
      [(f"{P}.start", "'2027-02-30' is not a date: day is out of range for month")]),
    T("start-february-30-toml", [("start = 2026-09-01", "start = 2027-02-30")],
      [("", "TOML syntax error: Invalid date or datetime (at line 4, column 9)")], plan=True),
    T("start-date-time-toml", [("start = 2026-09-01", "start = 2026-09-01T10:00:00")],
      [(f"{P}.start", "expected a date (YYYY-MM-DD), got a date-time '2026-09-01T10:00:00'")]),
    T("start-time-of-day-toml", [("start = 2026-09-01", "start = 10:00:00")],
      [(f"{P}.start", "expected a date (YYYY-MM-DD), got a time of day")]),
    D("start-year-1", [(f"{P}.start", "0001-01-01")],
      [(f"{P}.start", "0001-01-01 is outside the supported dates 1970-01-01 to 2200-12-31")]),
    D("end-missing", [(f"{P}.end", DELETE)], [(f"{P}.end", "required (a date YYYY-MM-DD)")]),
    D("end-wrong-type", [(f"{P}.end", True)],
      [(f"{P}.end", "expected a date (YYYY-MM-DD), got a boolean")]),
    D("end-before-start", [(f"{P}.end", "2026-08-01")],
      [(f"{P}.end", "2026-08-01 is before start 2026-09-01")], plan=True),
    D("horizon-over-10-years", [(f"{P}.end", "2036-09-02")],
      [(f"{P}.end", "the horizon 2026-09-01..2036-09-02 is longer than the 10 years allowed")]),
    D("end-year-9999", [(f"{P}.start", "9999-01-01"), (f"{P}.end", "9999-12-31")],
      [(f"{P}.start", "9999-01-01 is outside the supported dates"),
       (f"{P}.end", "9999-12-31 is outside the supported dates")]),
    # --- partnership.duration ------------------------------------------------------------
    D("duration-missing", [(f"{P}.duration", DELETE)], [(f"{P}.duration", "required")]),
    D("duration-string", [(f"{P}.duration", "45")],
      [(f"{P}.duration", "expected an integer, got a string")]),
    D("duration-float", [(f"{P}.duration", 45.5)],
      [(f"{P}.duration", "expected an integer, got a number")]),
    D("duration-boolean", [(f"{P}.duration", True)],
      [(f"{P}.duration", "expected an integer, got a boolean")]),
    D("duration-too-short", [(f"{P}.duration", 2)],
      [(f"{P}.duration", "2 minutes is less than the 5 minutes allowed")]),
    D("duration-too-long", [(f"{P}.duration", 900)],
      [(f"{P}.duration", "900 minutes is longer than the 720 minutes allowed")]),
    T("duration-5000-hex-digits", [("duration = 45", "duration = 0x" + "f" * 5000)],
      [(f"{P}.duration", "a number of about 6021 digits is longer than the 720 minutes "
                         "allowed")]),
    D("duration-longer-than-every-window", [(f"{P}.duration", 300)],
      [(f"{S0}.hours", "no window is long enough for a 300-minute meeting (the longest is "
                       "210 minutes)"),
       (f"{S1}.hours", "no window is long enough for a 300-minute meeting (the longest is "
                       "285 minutes)")], plan=True),
    # --- partnership.anchor, weekdays, weeks, step, on_conflict, ... --------------------
    D("anchor-misspelled", [(f"{P}.anchor", "Europe/Londn")],
      [(f"{P}.anchor", "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?)")]),
    D("anchor-wrong-case", [(f"{P}.anchor", "europe/london")],
      [(f"{P}.anchor", "unknown time zone 'europe/london' (did you mean 'Europe/London'?)")]),
    D("anchor-wrong-type", [(f"{P}.anchor", 3)],
      [(f"{P}.anchor", "expected an IANA time zone name, got an integer")]),
    D("weekdays-empty", [(f"{P}.weekdays", [])], [(f"{P}.weekdays", EMPTY_LIST)]),
    D("weekdays-not-a-list", [(f"{P}.weekdays", "TU")],
      [(f"{P}.weekdays", "expected a list, got a string")]),
    D("weekdays-misspelled", [(f"{P}.weekdays", ["TU", "Wendesday"])],
      [(f"{P}.weekdays[1]", "unknown weekday 'Wendesday' (did you mean 'WE'?); use MO TU WE "
                            "TH FR SA SU")]),
    D("weekdays-twice", [(f"{P}.weekdays", ["tue", "TU"])],
      [(f"{P}.weekdays[1]", "weekday 'TU' is listed twice")]),
    D("weekdays-number", [(f"{P}.weekdays", ["TU", 3])],
      [(f"{P}.weekdays[1]", "expected a weekday name, got an integer")]),
    D("weeks-empty", [(f"{P}.weeks", [])], [(f"{P}.weeks", EMPTY_LIST)]),
    D("weeks-5-and-0", [(f"{P}.weeks", [2, 5, 0])],
      [(f"{P}.weeks[1]", "5 is not one of 1, 2, 3, 4, -1 (last)"),
       (f"{P}.weeks[2]", "0 is not one of 1, 2, 3, 4, -1 (last)")]),
    D("weeks-string", [(f"{P}.weeks", ["2"])],
      [(f"{P}.weeks[0]", "'2' is not one of 1, 2, 3, 4, -1 (last)")]),
    D("weeks-twice", [(f"{P}.weeks", [2, -1, 2])], [(f"{P}.weeks", "a week is listed twice")]),
    D("step-too-small", [(f"{P}.step", 1)],
      [(f"{P}.step", "1 minutes is less than the 5 minutes allowed")]),
    D("step-not-a-divisor", [(f"{P}.step", 7)],
      [(f"{P}.step", "7 does not divide 1440 (a day's minutes); try 6")]),
    D("step-over-a-day", [(f"{P}.step", 2880)],
      [(f"{P}.step", "2880 minutes is longer than the 1440 minutes allowed")]),
    D("on-conflict-unknown", [(f"{P}.on_conflict", "postpone")],
      [(f"{P}.on_conflict", "'postpone' is not 'move' or 'skip'")]),
    D("on-conflict-wrong-type", [(f"{P}.on_conflict", 1)],
      [(f"{P}.on_conflict", "expected a string, got an integer")]),
    D("max-move-days-negative", [(f"{P}.max_move_days", -1)],
      [(f"{P}.max_move_days", "-1 is less than the 0 allowed")]),
    D("max-move-days-too-many", [(f"{P}.max_move_days", 32)],
      [(f"{P}.max_move_days", "32 is more than the 31 allowed")]),
    D("top-zero", [(f"{P}.top", 0)], [(f"{P}.top", "0 is less than the 1 allowed")]),
    D("top-51", [(f"{P}.top", 51)], [(f"{P}.top", "51 is more than the 50 allowed")]),
    D("top-string", [(f"{P}.top", "5")], [(f"{P}.top", "expected an integer, got a string")]),
    D("sequence-negative", [(f"{P}.sequence", -3)],
      [(f"{P}.sequence", "-3 is less than the 0 allowed")]),
    D("sequence-over-2-31", [(f"{P}.sequence", 2**31)],
      [(f"{P}.sequence", "2147483648 is more than the 2147483647 allowed")]),
    D("unknown-partnership-key", [(f"{P}.durration", 45)],
      [(f"{P}.durration", "unknown key 'durration' (did you mean 'duration'?)")]),
    # --- schools ------------------------------------------------------------------------
    D("schools-missing", [("schools", DELETE)],
      [("schools", "required: at least two [[schools]]")]),
    D("schools-not-a-list", [("schools", {"id": "x"})],
      [("schools", "expected a list of [[schools]] tables, got a table")]),
    D("no-schools", [("schools", [])],
      [("schools", "a partnership needs at least 2 schools, got 0")]),
    D("one-school", [lambda d: d["schools"].pop()],
      [("schools", "a partnership needs at least 2 schools, got 1")], plan=True),
    D("201-schools", [lambda d: d.__setitem__("schools", [
        {**d["schools"][1], "id": f"s{i}"} for i in range(201)])],
      [("schools", "201 schools is more than the 200 allowed")]),
    # without a valid id a school is named by its position alone
    D("school-not-a-table", [(S1, "nairobi")], [("schools[1]", "expected a table, got a string")]),
    D("school-id-missing", [(f"{S1}.id", DELETE)], [("schools[1].id", "required")]),
    D("school-id-duplicate", [(f"{S1}.id", "rugby")],
      [("schools[1] (rugby).id", "'rugby' is already the id of schools[0] (rugby)")],
      plan=True),
    D("school-id-unsafe", [(f"{S1}.id", "../nairobi")],
      [("schools[1].id", f"'../nairobi' {ID_RULE}")]),
    D("school-id-upper-case", [(f"{S1}.id", "Nairobi")],
      [("schools[1].id", f"'Nairobi' {ID_RULE}")]),
    D("school-name-empty", [(f"{S0}.name", "")], [(f"{S0}.name", "must not be empty")]),
    D("unknown-school-key", [(f"{S0}.timezon", "Europe/London")],
      [(f"{S0}.timezon", "unknown key 'timezon' (did you mean 'timezone'?)")]),
    D("school-timezone-missing", [(f"{S1}.timezone", DELETE)],
      [(f"{S1}.timezone", "required (an IANA time zone such as 'Europe/London')")]),
    D("school-timezone-misspelled", [(f"{S1}.timezone", "Europe/Londn")],
      [(f"{S1}.timezone", "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?)")],
      plan=True),
    D("school-timezone-city-only", [(f"{S0}.timezone", "London")],
      [(f"{S0}.timezone", "unknown time zone 'London' (did you mean 'Europe/London'?)")]),
    D("school-timezone-wrong-type", [(f"{S1}.timezone", 3)],
      [(f"{S1}.timezone", "expected an IANA time zone name, got an integer")]),
    D("country-unknown", [(f"{S1}.country", "XX")],
      [(f"{S1}.country", "unknown or unsupported country code 'XX'; use an ISO 3166-1 "
                         "alpha-2 code such as 'GB'")]),
    D("country-lower-case", [(f"{S1}.country", "ke")],
      [(f"{S1}.country", "unknown or unsupported country code 'ke' (did you mean 'KE'?)")]),
    D("country-uk", [(f"{S0}.country", "UK"), (f"{S0}.subdivision", DELETE)],
      [(f"{S0}.country", "unknown or unsupported country code 'UK' (did you mean 'GB'?)")]),
    D("country-alpha-3", [(f"{S1}.country", "KEN")],
      [(f"{S1}.country", "unknown or unsupported country code 'KEN' (did you mean 'KE'?)")]),
    D("country-wrong-type", [(f"{S1}.country", 254)],
      [(f"{S1}.country", "expected a string, got an integer")]),
    D("subdivision-misspelled", [(f"{S0}.subdivision", "ENGL")],
      [(f"{S0}.subdivision", "unknown subdivision 'ENGL' of GB (did you mean 'ENG'?); known: ")]),
    D("subdivision-without-country", [(f"{S0}.country", DELETE)],
      [(f"{S0}.subdivision", "needs 'country'")]),
    D("holidays-empty", [(f"{S0}.holidays", [])], [(f"{S0}.holidays", EMPTY_LIST)]),
    D("holidays-misspelled", [(f"{S0}.holidays", ["public", "publik"])],
      [(f"{S0}.holidays[1]", "unknown holiday category 'publik' for GB (did you mean "
                             "'public'?); known: ")]),
    D("holidays-not-a-list", [(f"{S0}.holidays", "public")],
      [(f"{S0}.holidays", "expected a list, got a string")]),
    D("holidays-without-country", [(f"{S1}.country", DELETE), (f"{S1}.holidays", ["public"])],
      [(f"{S1}.holidays", "needs 'country' (holidays come from the country)")]),
    D("days-empty", [(f"{S1}.days", [])], [(f"{S1}.days", EMPTY_LIST)]),
    D("days-misspelled", [(f"{S1}.days", ["MO", "Tusday"])],
      [(f"{S1}.days[1]", "unknown weekday 'Tusday' (did you mean 'TU'?)")]),
    D("days-twice", [(f"{S1}.days", ["MO", "monday"])],
      [(f"{S1}.days[1]", "weekday 'MO' is listed twice")]),
    # --- hours, hours_by_day, prefer -------------------------------------------------------
    D("hours-empty", [(f"{S1}.hours", [])], [(f"{S1}.hours", EMPTY_LIST)]),
    D("hours-not-a-list", [(f"{S1}.hours", "08:00-12:45")],
      [(f"{S1}.hours", "expected a list of windows 'HH:MM-HH:MM', got a string")]),
    D("hours-end-before-start", [(f"{S0}.hours", ["08:45-12:15", "13:15-12:30"])],
      [(f"{S0}.hours[1]", "window '13:15-12:30' ends before it starts")], plan=True),
    D("hours-empty-window", [(f"{S0}.hours", ["10:00-10:00"])],
      [(f"{S0}.hours[0]", "window '10:00-10:00' is empty")]),
    D("hours-overlap", [(f"{S0}.hours", ["08:00-12:00", "11:00-15:00"])],
      [(f"{S0}.hours[1]", "window '11:00-15:00' overlaps window '08:00-12:00' "
                          "(schools[0] (rugby).hours[0])")]),
    D("hours-25-00", [(f"{S0}.hours", ["08:00-25:00"])],
      [(f"{S0}.hours[0]", "'25:00' is not a time of day (00:00 to 24:00)")]),
    D("hours-24-00-start", [(f"{S0}.hours", ["24:00-24:00"])],
      [(f"{S0}.hours[0]", "'24:00' is not a time of day (00:00 to 23:59)")]),
    D("hours-one-digit-hour", [(f"{S0}.hours", ["9:00-12:00"])],
      [(f"{S0}.hours[0]", "'9:00' is not a time 'HH:MM'; did you mean '09:00'?")]),
    D("hours-arabic-digits", [(f"{S0}.hours", ["٠٩:٠٠-١٢:٠٠"])],
      [(f"{S0}.hours[0]", "'٠٩:٠٠' is not a time 'HH:MM'; did you mean '09:00'?"),
       (f"{S0}.hours[0]", "'١٢:٠٠' is not a time 'HH:MM'; did you mean '12:00'?")]),
    D("hours-not-a-window", [(f"{S0}.hours", ["all day"])],
      [(f"{S0}.hours[0]", "expected a window 'HH:MM-HH:MM', got 'all day'")]),
    D("hours-by-day-unknown-weekday", [(f"{S0}.hours_by_day", {"Fridy": ["08:45-12:15"]})],
      [(f"{S0}.hours_by_day.Fridy", "unknown weekday 'Fridy' (did you mean 'FR'?)")]),
    D("hours-by-day-twice", [(f"{S0}.hours_by_day",
                              {"FR": ["08:45-12:15"], "friday": ["09:00-12:00"]})],
      [(f"{S0}.hours_by_day.friday", "weekday 'FR' is given twice")]),
    D("hours-by-day-not-a-table", [(f"{S0}.hours_by_day", ["FR"])],
      [(f"{S0}.hours_by_day", "expected a table, got a list")]),
    D("hours-by-day-overlap", [(f"{S0}.hours_by_day", {"FR": ["08:00-12:00", "09:00-10:00"]})],
      [(f"{S0}.hours_by_day.FR[1]", "window '09:00-10:00' overlaps window '08:00-12:00'")]),
    D("prefer-not-a-time", [(f"{S0}.prefer", "2pm")],
      [(f"{S0}.prefer", "'2pm' is not a time 'HH:MM'; did you mean '14:00'?")]),
    D("prefer-no-time-at-all", [(f"{S0}.prefer", "after lunch")],
      [(f"{S0}.prefer", "'after lunch' is not a time 'HH:MM' (24-hour)")]),
    D("prefer-24-00", [(f"{S0}.prefer", "24:00")],
      [(f"{S0}.prefer", "'24:00' is not a time of day (00:00 to 23:59)")]),
    D("prefer-wrong-type", [(f"{S0}.prefer", 14)],
      [(f"{S0}.prefer", "expected a time 'HH:MM', got an integer")]),
    # --- terms, closures, busy -----------------------------------------------------------
    D("terms-empty", [(f"{S0}.terms", [])], [(f"{S0}.terms", EMPTY_LIST)]),
    D("term-end-before-start", [(f"{S0}.terms[0].to", "2026-08-01")],
      [(f"{S0}.terms[0].to", "2026-08-01 is before 'from' 2026-09-03")]),
    D("term-missing-to", [(f"{S0}.terms[0].to", DELETE)], [(f"{S0}.terms[0].to", "required")]),
    D("term-unknown-key", [(f"{S0}.terms[0].form", "2026-09-03")],
      [(f"{S0}.terms[0].form", "unknown key 'form' (did you mean 'from'?)")]),
    D("term-not-a-table", [(f"{S0}.terms", ["2026-09-03"])],
      [(f"{S0}.terms[0]", "expected a table, got a string")]),
    D("closures-empty", [(f"{S0}.closures", [])], [(f"{S0}.closures", EMPTY_LIST)]),
    D("closure-on-and-from", [(f"{S0}.closures[0].from", "2026-11-02")],
      [(f"{S0}.closures[0]", "give either 'on' or 'from' and 'to', not both")]),
    D("closure-month-13", [(f"{S0}.closures[0].on", "2026-13-01")],
      [(f"{S0}.closures[0].on", "'2026-13-01' is not a date: month must be in 1..12")]),
    D("closure-no-dates", [(f"{S0}.closures[0].on", DELETE)],
      [(f"{S0}.closures[0].from", "required (or give 'on' for one day)"),
       (f"{S0}.closures[0].to", "required (or give 'on' for one day)")]),
    D("closure-unknown-key", [(f"{S0}.closures[0].nmae", "x")],
      [(f"{S0}.closures[0].nmae", "unknown key 'nmae' (did you mean 'name'?)")]),
    D("busy-empty", [(f"{S0}.busy", [])], [(f"{S0}.busy", EMPTY_LIST)]),
    D("busy-to-before-from", [(f"{S0}.busy[0].to", "10:00")],
      [(f"{S0}.busy[0].to", "'10:00' is not after 'from' '10:45'")]),
    D("busy-25-00", [(f"{S0}.busy[0].to", "25:00")],
      [(f"{S0}.busy[0].to", "'25:00' is not a time of day (00:00 to 24:00)")]),
    D("busy-missing-on", [(f"{S0}.busy[0].on", DELETE)], [(f"{S0}.busy[0].on", "required")]),
    D("busy-unknown-key", [(f"{S0}.busy[0].form", "10:00")],
      [(f"{S0}.busy[0].form", "unknown key 'form' (did you mean 'from'?)")]),
    # --- closures_ics: the list ----------------------------------------------------------
    D("closures-ics-not-a-list", [(f"{S0}.closures_ics", "terms.ics")],
      [(f"{S0}.closures_ics", "expected a list, got a string")]),
    D("closures-ics-empty", [(f"{S0}.closures_ics", [])], [(f"{S0}.closures_ics", EMPTY_LIST)]),
    D("closures-ics-number", [(f"{S0}.closures_ics", [1])],
      [(ICS0, "expected a file name or a table {file, as, include, exclude}, got an integer")]),
    D("closures-ics-empty-name", [(f"{S0}.closures_ics", [""])],
      [(ICS0, "expected a file name, got an empty string")]),
    D("closures-ics-nul-in-name", [(f"{S0}.closures_ics", ["a\x00b.ics"])],
      [(ICS0, "the file name contains the control character U+0000")]),
    D("closures-ics-11-files", [(f"{S0}.closures_ics", [f"c{i}.ics" for i in range(11)])],
      [(f"{S0}.closures_ics", "11 files is more than the 10 allowed")]),
    # --- several problems at once --------------------------------------------------------
    D("several-problems", [(f"{S1}.timezone", "Europe/Londn"),
                           (f"{S0}.hours", ["08:45-12:15", "13:15-12:30"]),
                           (f"{P}.duration", 900), (f"{P}.top", 0),
                           (f"{S0}.closures[0].on", "2026-02-30"),
                           (f"{S1}.country", "ke")],
      [(f"{P}.duration", "900 minutes is longer than the 720 minutes allowed"),
       (f"{P}.top", "0 is less than the 1 allowed"),
       (f"{S0}.hours[1]", "window '13:15-12:30' ends before it starts"),
       (f"{S0}.closures[0].on", "'2026-02-30' is not a date: day is out of range for month"),
       (f"{S1}.timezone", "unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?)"),
       (f"{S1}.country", "(did you mean 'KE'?)")], plan=True),
    T("several-problems-toml", [('timezone = "Africa/Nairobi"', 'timezone = "Africa/Nairoby"'),
                                ("duration = 45", "duration = 4"),
                                ('from = "10:45"', 'from = "10:75"'),
                                ("[[schools.terms]]", "[[schools.term]]")],
      [(f"{P}.duration", "4 minutes is less than the 5 minutes allowed"),
       (f"{S0}.term", "unknown key 'term' (did you mean 'terms'?)"),
       (f"{S0}.busy[0].from", "'10:75' is not a time of day (00:00 to 23:59)"),
       (f"{S1}.timezone", "unknown time zone 'Africa/Nairoby' (did you mean "
                          "'Africa/Nairobi'?)")]),
    # --- whole files ---------------------------------------------------------------------
    R("empty-file", "p.toml", b"", [("", "the file is empty")], plan=True),
    R("blank-file", "p.json", b" \n\t\n", [("", "the file is empty")]),
    R("binary-file", "p.toml", bytes(range(256)),
      [("", "the file contains NUL bytes: it is binary, not a text file")]),
    R("utf16-bom", "p.toml", BASE_TOML.encode("utf-16"),
      [("", "the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it "
            "as UTF-8")]),
    R("invalid-utf8", "p.toml", BASE_TOML.replace("Rugby and", "Rugby \udcff and").encode(
        "utf-8", "surrogateescape"), [("", "invalid UTF-8 at byte 49 (line 3)")]),
    T("toml-syntax-error", [('id = "rugby-nairobi"', "id = rugby-nairobi")],
      [("", "TOML syntax error: Invalid value (at line 2, column 6)")], plan=True),
    T("toml-duplicate-key", [("duration = 45", "duration = 45\nduration = 60")],
      [("", "TOML syntax error: Cannot overwrite a value (at line 7, column 14)")]),
    T("toml-control-character", [('name = "Rugby and Nairobi"', 'name = "Rugby\x07"')],
      [("", "TOML syntax error: Illegal character '\\x07' (at line 3, column 14)")]),
    R("toml-nested-100000", "p.toml", b"a = " + b"[" * 100_000 + b"]" * 100_000,
      [("", "TOML nested too deeply")]),
    R("json-syntax-error", "p.json", b'{"partnership": {"id": }}',
      [("", "JSON syntax error at line 1, column 24: Expecting value")], plan=True),
    R("json-syntax-error-line-3", "p.json", b'{\n  "partnership": {\n    "id": "x",,\n}}',
      [("", "JSON syntax error at line 3, column 15: Expecting property name enclosed in "
            "double quotes")]),
    R("json-nested-100000", "p.json", b"[" * 100_000 + b"]" * 100_000,
      [("", "JSON nested too deeply")]),
    R("json-5000-digit-number", "p.json", b'{"partnership": {"duration": ' + b"9" * 5000
      + b"}}", [("", "JSON: a number has too many digits (more than 4300)")]),
    R("file-over-1-mib", "p.toml", b"# " + b"x" * (1024 * 1024), [
        ("", "the file is larger than the 1048576 bytes allowed")]),
    R("yaml-file", "p.yaml", b"partnership: {}\n",
      [("", "unknown file type '.yaml': use a .toml or .json file")]),
    # --- imported calendars (closures_ics) -------------------------------------------------
    C("ics-missing-file", None,
      [(ICS0, "cannot read 'cal.ics': No such file or directory")], plan=True),
    C("ics-not-icalendar", b"hello world\r\n",
      [(ICS0, "not an iCalendar file (it does not start with BEGIN:VCALENDAR)")]),
    C("ics-html-page", b"<html><body>Not found</body></html>\n",
      [(ICS0, "'cal.ics' is a web page (HTML), not an iCalendar file")]),
    C("ics-empty", b"", [(ICS0, "the file is empty, not an iCalendar file")]),
    C("ics-binary", bytes(range(256)) * 4,
      [(ICS0, "the file is binary, not an iCalendar file")]),
    C("ics-no-vcalendar", vevent(b"DTSTART;VALUE=DATE:20261010\r\n"),
      [(ICS0, "not an iCalendar file (it does not start with BEGIN:VCALENDAR)")]),
    C("ics-unterminated", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n",
      [(ICS0, "'cal.ics': event at line 3: it has no DTSTART")]),
    C("ics-event-without-dtstart", vcal(vevent(b"SUMMARY:Sports day\r\n")),
      [(ICS0, "'cal.ics': event at line 4, UID 1, 'Sports day': it has no DTSTART")],
      plan=True),
    C("ics-dtstart-not-a-date", vcal(vevent(b"DTSTART:tomorrow\r\n")),
      [(ICS0, "'cal.ics': event at line 4, UID 1: DTSTART 'tomorrow' is not a date or a "
              "date-time")]),
    C("ics-dtend-not-a-date", vcal(vevent(b"DTSTART;VALUE=DATE:20261010\r\nDTEND:garbage\r\n")),
      [(ICS0, "'cal.ics': event at line 4, UID 1: DTEND 'garbage' is not a date or a "
              "date-time")]),
    C("ics-broken-vtimezone", vcal(vevent(ZONED % (b"Broken/Zone", b"Broken/Zone")),
                                   extra=VTZ_BROKEN),
      [(ICS0, "event at line 12, UID 1: the file's VTIMEZONE 'Broken/Zone' is not valid")]),
    C("ics-vtimezone-minutely", vcal(vevent(ZONED % (b"Odd/Zone", b"Odd/Zone")),
                                     extra=VTZ_MINUTELY),
      [(ICS0, "time zone Odd/Zone: a VTIMEZONE rule must be FREQ=YEARLY, not MINUTELY")]),
    C("ics-rrule-secondly-no-end", vcal(vevent(b"DTSTART:20260901T000000Z\r\n"
                                               b"RRULE:FREQ=SECONDLY\r\n")),
      [(ICS0, "event at line 4, UID 1: RRULE FREQ=SECONDLY is not supported in an imported "
              "calendar (use DAILY or coarser)")]),
    C("ics-rrule-hourly", vcal(vevent(b"DTSTART:20260901T000000Z\r\nSUMMARY:Bell\r\n"
                                      b"RRULE:FREQ=HOURLY;COUNT=3\r\n")),
      [(ICS0, "event at line 4, UID 1, 'Bell': RRULE FREQ=HOURLY is not supported")]),
    C("ics-rrule-every-minute-of-the-day",
      vcal(vevent(b"DTSTART:20260901T000000Z\r\nRRULE:FREQ=DAILY;BYHOUR=" + HOURS
                  + b";BYMINUTE=" + MINUTES + b"\r\n")),
      [(ICS0, "event at line 4, UID 1: RRULE repeats 1440 times a day; at most 24 are "
              "allowed")]),
    C("ics-rrule-without-freq", vcal(vevent(b"DTSTART:20260901T000000Z\r\nRRULE:COUNT=3\r\n")),
      [(ICS0, "event at line 4, UID 1: RRULE has no FREQ")]),
    C("ics-rrule-unknown-freq", vcal(vevent(b"DTSTART:20260901T000000Z\r\n"
                                            b"RRULE:FREQ=FORTNIGHTLY\r\n")),
      [(ICS0, "event at line 4, UID 1: RRULE 'FREQ=FORTNIGHTLY' is not a recurrence rule")]),
    C("ics-rrule-interval-0", vcal(vevent(b"DTSTART:20260901T000000Z\r\n"
                                          b"RRULE:FREQ=DAILY;INTERVAL=0\r\n")),
      [(ICS0, "event at line 4, UID 1: RRULE INTERVAL must be a whole number of 1 or more")]),
    C("ics-daily-since-year-1", vcal(vevent(b"DTSTART;VALUE=DATE:00010101\r\n"
                                            b"RRULE:FREQ=DAILY\r\n")),
      [(ICS0, "event at line 4, UID 1: a recurring event starting in 1 is more than 30 "
              "years before the plan; give it a later DTSTART")]),
    C("ics-rules-walked-too-long", vcal(*[vevent(b"DTSTART;VALUE=DATE:19970101\r\n"
                                                 b"RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\n",
                                                 b"%d" % i) for i in range(30)]),
      [(ICS0, "the recurring events need more than 500000 steps to expand (at "
              "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30)")]),
    C("ics-calscale-julian", vcal(vevent(b"DTSTART;VALUE=DATE:20261010\r\n"),
                                  extra=b"CALSCALE:JULIAN\r\n"),
      [(ICS0, "the file's CALSCALE is JULIAN; only GREGORIAN calendars are supported")]),
    C("ics-over-4-mib", vcal(b"X-PAD:" + b"x" * (4 * 1024 * 1024) + b"\r\n"),
      [(ICS0, "'cal.ics': the file is larger than the 4194304 bytes allowed")]),
    C("ics-too-many-lines", vcal(b"X-A:b\r\n" * 200_000),
      [(ICS0, "the file has 200004 lines; at most 200000 are allowed")]),
    C("ics-too-many-events", vcal(b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261010\r\n"
                                  b"END:VEVENT\r\n" * 20_001),
      [(ICS0, "the file has 20001 events; at most 20000 are allowed")]),
    C("ics-too-many-recurring", vcal(*[vevent(b"DTSTART:20260901T100000Z\r\n"
                                              b"RRULE:FREQ=WEEKLY;COUNT=2\r\n", b"%d" % i)
                                       for i in range(2001)]),
      [(ICS0, "the file has 2001 recurring events; at most 2000 are allowed")]),
    C("ics-too-many-occurrences",
      vcal(*[vevent(b"DTSTART:20260901T000000Z\r\nDTEND:20260901T000500Z\r\n"
                    b"RRULE:FREQ=DAILY;BYHOUR=" + HOURS + b"\r\n", b"%d" % i) for i in range(7)]),
      [(ICS0, "more than 50000 event occurrences fall in the horizon")]),
    C("ics-in-a-folder", None, [(ICS0, "'folder': is a folder, not a file")], name="folder"),
]
# Set-up beyond writing files.
EXTRA_SETUP: dict[str, Callable[[Path], None]] = {
    "ics-in-a-folder": lambda d: (d / "folder").mkdir(),
}


def _setup(case: Case, folder: Path) -> Path:
    for name, content in case.files.items():
        (folder / name).write_bytes(content)
    if case.id in EXTRA_SETUP:
        EXTRA_SETUP[case.id](folder)
    return folder / case.main


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_problems(problems: tuple[Problem, ...] | list[Problem], want: Want) -> None:
    """Exactly the expected problems, in order: equal paths, expected text in messages."""
    shown = "\n".join(str(p) for p in problems)
    assert len(problems) == len(want), f"expected {len(want)} problems, got:\n{shown}"
    for got, (path, text) in zip(problems, want, strict=True):
        assert got.path == path, f"path {got.path!r} != {path!r} in:\n{shown}"
        assert text in got.message, f"{text!r} not in {got.message!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_library_reports_every_problem(case: Case, tmp_path: Path) -> None:
    main = _setup(case, tmp_path)
    before = _listing(tmp_path)
    with bounded_work(), pytest.raises(ConfigError) as info:
        twinschedule.load(main)
    assert isinstance(info.value, ValueError)
    assert info.value.source == str(main)
    assert_problems(info.value.problems, case.want)
    if case.data is not None:  # the same dict given directly
        with pytest.raises(ConfigError) as again:
            twinschedule.from_dict(case.data, base_dir=tmp_path)
        assert again.value.problems == info.value.problems
    assert _listing(tmp_path) == before


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          text=True, errors="replace", cwd=ROOT, env=env, timeout=60)


def _assert_cli_report(r: subprocess.CompletedProcess[str], main: Path, want: Want) -> None:
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    n = len(want)
    assert lines[0] == f"{main}: {n} problem{'s' if n != 1 else ''}", r.stderr
    assert len(lines) == n + 1, r.stderr
    for line, (path, text) in zip(lines[1:], want, strict=True):
        assert line.startswith(f"  {path}: " if path else "  "), line
        shown = text.encode("unicode_escape").decode() if not text.isprintable() else text
        assert text in line or shown in line, (line, text)


@dataclass
class CliRun:
    main: Path
    before: list[str]
    check: subprocess.CompletedProcess[str]
    plan: subprocess.CompletedProcess[str] | None
    out: Path
    after: list[str]


def _cli_run(case: Case, folder: Path) -> CliRun:
    main = _setup(case, folder)
    before = _listing(folder)
    check = _run("check", str(main))
    out = folder / "feeds"
    plan = _run("plan", str(main), "--out", str(out)) if case.plan else None
    return CliRun(main, before, check, plan, out, _listing(folder))


@pytest.fixture(scope="module")
def cli_runs(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliRun]:
    """The command line run on every selected case, several processes at a time (each
    run is a fresh interpreter; running them one after the other would take 30 s)."""
    wanted = {item.callspec.params["case"].id for item in request.session.items
              if getattr(item, "originalname", "") == "test_cli_exits_2_with_every_problem"}
    cases = [c for c in CASES if c.id in wanted]
    root = tmp_path_factory.mktemp("cli")
    folders = {c.id: root / c.id for c in cases}
    for folder in folders.values():
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=max(2, 2 * (os.cpu_count() or 1))) as pool:
        runs = pool.map(lambda c: _cli_run(c, folders[c.id]), cases)
        return {c.id: run for c, run in zip(cases, runs, strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_exits_2_with_every_problem(case: Case, cli_runs: dict[str, CliRun]) -> None:
    run = cli_runs[case.id]
    _assert_cli_report(run.check, run.main, case.want)
    if case.plan:
        assert run.plan is not None
        _assert_cli_report(run.plan, run.main, case.want)
        assert not run.out.exists()
    assert run.after == run.before


# --- the base itself is valid, so each case fails for its one broken thing --------------


def test_base_is_valid(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(BASE_TOML)
    from_toml = twinschedule.load(tmp_path / "p.toml")
    assert from_toml == twinschedule.from_dict(BASE)
    (tmp_path / "p.json").write_text(json.dumps(BASE))
    assert twinschedule.load(tmp_path / "p.json") == from_toml
    r = _run("check", str(tmp_path / "p.json"))
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_catalogue_size() -> None:
    assert len(CASES) >= 70
    assert len({c.id for c in CASES}) == len(CASES)


# --- cases that need the file system to misbehave ---------------------------------------


def test_missing_partnership_file(tmp_path: Path) -> None:
    main = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        twinschedule.load(main)
    assert_problems(info.value.problems, [("", "cannot read the file: No such file or directory")])
    _assert_cli_report(_run("check", str(main)), main, [("", "cannot read the file: No such")])
    assert _listing(tmp_path) == []


def test_partnership_file_is_a_folder(tmp_path: Path) -> None:
    main = tmp_path / "p.toml"
    main.mkdir()
    with pytest.raises(ConfigError) as info:
        twinschedule.load(main)
    assert_problems(info.value.problems, [("", "is a folder, not a file")])
    _assert_cli_report(_run("check", str(main)), main, [("", "is a folder, not a file")])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipes_are_refused_without_blocking(tmp_path: Path) -> None:
    """A pipe would block the reader forever (nothing writes to it)."""
    os.mkfifo(tmp_path / "p.toml")
    os.mkfifo(tmp_path / "cal.ics")
    with bounded_work(), pytest.raises(ConfigError) as info:
        twinschedule.load(tmp_path / "p.toml")
    assert_problems(info.value.problems,
                    [("", "is not a regular file (a device, pipe or socket)")])
    with bounded_work(), pytest.raises(ConfigError) as info:
        twinschedule.from_dict(edited((f"{S0}.closures_ics", ["cal.ics"])), base_dir=tmp_path)
    assert_problems(info.value.problems,
                    [(ICS0, "'cal.ics': is not a regular file (a device, pipe or socket)")])


def test_a_million_events_are_refused_by_size_at_once(tmp_path: Path) -> None:
    """A calendar of a million events (about 60 MB) is refused after reading 4 MiB."""
    event = vevent(b"DTSTART;VALUE=DATE:20261010\r\nSUMMARY:Closed\r\n")
    with (tmp_path / "cal.ics").open("wb") as fh:
        fh.write(vcal())
        for _ in range(100):
            fh.write(event * 10_000)
    assert (tmp_path / "cal.ics").stat().st_size > 50_000_000
    data = edited((f"{S0}.closures_ics", ["cal.ics"]))
    (tmp_path / "p.json").write_text(json.dumps(data))
    with bounded_work(100_000), pytest.raises(ConfigError) as info:
        twinschedule.load(tmp_path / "p.json")
    want = [(ICS0, "'cal.ics': the file is larger than the 4194304 bytes allowed")]
    assert_problems(info.value.problems, want)
    _assert_cli_report(_run("check", str(tmp_path / "p.json")), tmp_path / "p.json", want)


def test_problems_are_printed_safely(tmp_path: Path) -> None:
    """Values echoed in messages are shortened and escaped: no terminal control codes,
    no megabyte-long lines."""
    data = edited((f"{P}.anchor", "Europe/\x1b[2J" + "x" * 100_000),
                  (f"{S0}.country", "\x1b]0;pwned\x07"),
                  (lambda d: d["partnership"].__setitem__("k" * 100_000, 1)))
    (tmp_path / "p.json").write_text(json.dumps(data))
    r = _run("check", str(tmp_path / "p.json"))
    assert r.returncode == 2
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert max(len(line) for line in r.stderr.splitlines()) < 300
    assert "unknown time zone 'Europe/\\x1b[2Jxxx" in r.stderr
