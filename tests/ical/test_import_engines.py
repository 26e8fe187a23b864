"""The importer reads calendars as RFC 5545 and the engines (recurring-ical-events,
ical.js) do (issue 19): one regression test per point, named after what it guards.
tests/test_import_differential.py compares generated calendars with the engine."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from twinschedule._tz import windows as _windows_zones
from twinschedule.errors import ConfigError
from twinschedule.ical.importer import import_ics
from twinschedule.model import Imported


def _windows_queries() -> list[str]:
    """Windows ids and Exchange display names as producers write them (case, spaces,
    the GMT prefix of older Windows, the name without its prefix)."""
    queries = []
    for win in WINDOWS_TO_OLSON:
        queries += [win, win.upper(), win.lower(), "  " + win.replace(" ", "  ") + " "]
    for name in _windows_zones.DISPLAY:
        queries += [name, name.replace("(UTC", "(GMT", 1), name.split(") ", 1)[-1],
                    name.upper()]
    return sorted(set(queries))


# The answers of every query above, as given by the hand-written copy of the CLDR table
# (commit c33a1f0a) that _windows_zones carried before issue 19.
WINDOWS_ANSWERS = "9edafb495487380b87b8cb7a0cad5b01f06b5d481fdb901e5c8f1f3b529fb978"


def test_windows_zone_lookup_answers_as_before() -> None:
    answers = "\n".join(f"{q}\t{_windows_zones.to_iana(q)}" for q in _windows_queries())
    assert hashlib.sha256(answers.encode()).hexdigest() == WINDOWS_ANSWERS, (
        "the Windows zone lookup answers differently from the CLDR table of commit "
        "c33a1f0a (icalendar's WINDOWS_TO_OLSON changed?)")


def test_windows_zone_ids_from_icalendars_table() -> None:
    for win, iana in WINDOWS_TO_OLSON.items():
        assert _windows_zones.to_iana(win) == iana
        assert _windows_zones.to_iana(win.swapcase()) == iana
    assert set(_windows_zones.DISPLAY.values()) <= set(WINDOWS_TO_OLSON)


# --- helpers ------------------------------------------------------------------------------

D = dt.date
START, END = D(2026, 9, 1), D(2026, 12, 31)


def cal(*events: list[str], head: tuple[str, ...] = ()) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", *head]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR", ""])).encode()


def read(content: bytes, **kw: Any) -> Imported:
    return import_ics(content, "Europe/London", START, END, source="'cal.ics'", **kw)


def refusal(content: bytes, **kw: Any) -> str:
    with pytest.raises(ConfigError) as err:
        read(content, **kw)
    assert len(err.value.problems) == 1
    return err.value.problems[0].message


def z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def busy(got: Imported) -> list[tuple[str, str, str]]:
    return [(f"{b.start:%m-%d %H:%M}", f"{b.end:%m-%d %H:%M}", b.name) for b in got.busy]


WEEKLY = ["UID:w", "SUMMARY:Weekly", "DTSTART:20261006T100000Z", "DTEND:20261006T110000Z",
          "RRULE:FREQ=WEEKLY;COUNT=4"]


# --- 1. an override is one occurrence ------------------------------------------------------

def test_override_with_its_own_rrule_is_one_occurrence() -> None:
    """Exporters copy the master's RRULE into an override: it is ignored there, the
    override is its instance (not a series of its own) and the others stay."""
    got = read(cal(WEEKLY, ["UID:w", "SUMMARY:Moved", "RECURRENCE-ID:20261013T100000Z",
                            "DTSTART:20261014T150000Z", "DTEND:20261014T160000Z",
                            "RRULE:FREQ=WEEKLY;COUNT=4", "RDATE:20261201T100000Z"]))
    assert busy(got) == [("10-06 10:00", "10-06 11:00", "Weekly"),
                         ("10-14 15:00", "10-14 16:00", "Moved"),
                         ("10-20 10:00", "10-20 11:00", "Weekly"),
                         ("10-27 10:00", "10-27 11:00", "Weekly")]


def test_override_replaces_the_instance_of_a_single_event() -> None:
    got = read(cal(WEEKLY[:4], ["UID:w", "SUMMARY:Moved", "RECURRENCE-ID:20261006T100000Z",
                                "DTSTART:20261007T100000Z", "DTEND:20261007T110000Z"]))
    assert busy(got) == [("10-07 10:00", "10-07 11:00", "Moved")]


def test_cancelled_override_removes_its_instance() -> None:
    got = read(cal(WEEKLY, ["UID:w", "RECURRENCE-ID:20261013T100000Z", "STATUS:CANCELLED",
                            "DTSTART:20261013T100000Z", "DTEND:20261013T110000Z"]))
    assert [b[0] for b in busy(got)] == ["10-06 10:00", "10-20 10:00", "10-27 10:00"]
    assert dict(got.not_used) == {"cancelled": 1}


def test_exdate_removes_the_instance_of_a_single_event() -> None:
    got = read(cal([*WEEKLY[:4], "EXDATE:20261006T100000Z"]))
    assert got.busy == () and got.events == 0


# --- 2. RDATE periods -----------------------------------------------------------------------

def test_rdate_period_lasts_its_own_period_other_rdates_the_events_duration() -> None:
    got = read(cal([*WEEKLY[:4], "RDATE;VALUE=PERIOD:20261008T090000Z/20261008T120000Z,"
                                 "20261009T090000Z/PT30M",
                    "RDATE:20261010T090000Z"]))
    assert busy(got) == [("10-06 10:00", "10-06 11:00", "Weekly"),
                         ("10-08 09:00", "10-08 12:00", "Weekly"),
                         ("10-09 09:00", "10-09 09:30", "Weekly"),
                         ("10-10 09:00", "10-10 10:00", "Weekly")]


def test_rdate_period_on_an_rrule_instance_sets_its_length() -> None:
    got = read(cal([*WEEKLY, "RDATE;VALUE=PERIOD:20261013T100000Z/PT3H"]))
    assert busy(got)[1] == ("10-13 10:00", "10-13 13:00", "Weekly")


def test_rdate_period_ending_before_it_starts_is_a_located_error() -> None:
    message = refusal(cal([*WEEKLY[:4], "RDATE;VALUE=PERIOD:20261008T090000Z/"
                                        "20261008T080000Z"]))
    assert message.startswith("'cal.ics': event at line 4, UID w, 'Weekly': RDATE period")
    assert "ends before it starts" in message


# --- 3. RANGE=THISANDFUTURE ---------------------------------------------------------------

LONDON_WEEKLY = ["UID:l", "SUMMARY:Staff", "DTSTART;TZID=Europe/London:20261013T100000",
                 "DTEND;TZID=Europe/London:20261013T110000", "RRULE:FREQ=WEEKLY;COUNT=5"]


def test_this_and_future_moves_every_later_occurrence() -> None:
    """Moved two hours later and made three hours long from the 20 October: so is every
    later occurrence, in London wall time across the end of summer time (25 October)."""
    got = read(cal(LONDON_WEEKLY, [
        "UID:l", "SUMMARY:Staff (new time)",
        "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:20261020T100000",
        "DTSTART;TZID=Europe/London:20261020T120000",
        "DTEND;TZID=Europe/London:20261020T150000", "RRULE:FREQ=WEEKLY;COUNT=5"]))
    assert busy(got) == [("10-13 09:00", "10-13 10:00", "Staff"),
                         ("10-20 11:00", "10-20 14:00", "Staff (new time)"),
                         ("10-27 12:00", "10-27 15:00", "Staff (new time)"),
                         ("11-03 12:00", "11-03 15:00", "Staff (new time)"),
                         ("11-10 12:00", "11-10 15:00", "Staff (new time)")]


def test_this_and_future_stops_at_a_later_one_and_keeps_single_overrides() -> None:
    got = read(cal(LONDON_WEEKLY, [
        "UID:l", "SUMMARY:A", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:"
        "20261020T100000", "DTSTART;TZID=Europe/London:20261021T100000",
        "DTEND;TZID=Europe/London:20261021T110000"], [
        "UID:l", "SUMMARY:One", "RECURRENCE-ID;TZID=Europe/London:20261027T100000",
        "DTSTART;TZID=Europe/London:20261027T160000",
        "DTEND;TZID=Europe/London:20261027T170000"], [
        "UID:l", "SUMMARY:B", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:"
        "20261103T100000", "DTSTART;TZID=Europe/London:20261103T080000",
        "DTEND;TZID=Europe/London:20261103T083000"]))
    assert busy(got) == [("10-13 09:00", "10-13 10:00", "Staff"),
                         ("10-21 09:00", "10-21 10:00", "A"),
                         ("10-27 16:00", "10-27 17:00", "One"),
                         ("11-03 08:00", "11-03 08:30", "B"),
                         ("11-10 08:00", "11-10 08:30", "B")]


def test_this_and_future_of_all_day_events_moves_by_days() -> None:
    got = read(cal(["UID:d", "SUMMARY:Club", "DTSTART;VALUE=DATE:20260907",
                    "RRULE:FREQ=WEEKLY;COUNT=4"],
                   ["UID:d", "SUMMARY:Club (Tuesdays)",
                    "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20260914",
                    "DTSTART;VALUE=DATE:20260915", "DTEND;VALUE=DATE:20260917"]))
    assert [(r.first, r.last, r.name) for r in got.closures] == [
        (D(2026, 9, 7), D(2026, 9, 7), "Club"),
        (D(2026, 9, 15), D(2026, 9, 16), "Club (Tuesdays)"),
        (D(2026, 9, 22), D(2026, 9, 23), "Club (Tuesdays)"),
        (D(2026, 9, 29), D(2026, 9, 30), "Club (Tuesdays)")]


def test_this_and_future_cancelled_cancels_the_rest_of_the_series() -> None:
    got = read(cal(LONDON_WEEKLY, [
        "UID:l", "STATUS:CANCELLED", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/London:"
        "20261027T100000", "DTSTART;TZID=Europe/London:20261027T100000",
        "DTEND;TZID=Europe/London:20261027T110000"]))
    assert [b[0] for b in busy(got)] == ["10-13 09:00", "10-20 09:00"]
    assert dict(got.not_used) == {"cancelled": 3}


# --- 4. DTEND and DTSTART ----------------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [
    ("DTSTART:20261010T100000Z", "DTEND:20261010T090000Z"),
    ("DTSTART;VALUE=DATE:20261010", "DTEND;VALUE=DATE:20261009"),
])
def test_dtend_before_dtstart_is_a_located_error_when_used(start: str, end: str) -> None:
    content = cal(["UID:e", "SUMMARY:Backwards", start, end])
    message = refusal(content)
    assert message.startswith("'cal.ics': event at line 4, UID e, 'Backwards': DTEND '")
    assert message.endswith("' is before DTSTART")
    assert read(content, exclude=("backwards",)).closures == ()  # not used: no error


@pytest.mark.parametrize(("start", "end"), [
    ("DTSTART:20261010T100000Z", "DTEND;VALUE=DATE:20261011"),
    ("DTSTART;VALUE=DATE:20261010", "DTEND:20261011T100000Z"),
])
def test_dtstart_and_dtend_of_different_types_is_an_error_when_used(start: str,
                                                                    end: str) -> None:
    message = refusal(cal(["UID:e", start, end]))
    assert message == ("'cal.ics': event at line 4, UID e: DTSTART and DTEND are of "
                       "different value types (a date and a date-time)")


def test_dtend_wins_over_duration() -> None:
    got = read(cal(["UID:e", "SUMMARY:Both", "DTSTART:20261010T100000Z",
                    "DURATION:PT5H", "DTEND:20261010T110000Z"],
                   ["UID:f", "SUMMARY:Days", "DTSTART;VALUE=DATE:20261012",
                    "DTEND;VALUE=DATE:20261013", "DURATION:P5D"]))
    assert busy(got) == [("10-10 10:00", "10-10 11:00", "Both")]
    assert [(r.first, r.last) for r in got.closures] == [(D(2026, 10, 12), D(2026, 10, 12))]


# --- 5. several VTIMEZONEs with one TZID --------------------------------------------------

def vtimezone(tzid: str, standard: str, daylight: str, *, month: int = 10) -> list[str]:
    return ["BEGIN:VTIMEZONE", f"TZID:{tzid}",
            "BEGIN:STANDARD", "DTSTART:16010101T030000", f"TZOFFSETFROM:{daylight}",
            f"TZOFFSETTO:{standard}", f"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH={month}",
            "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:16010101T020000",
            f"TZOFFSETFROM:{standard}", f"TZOFFSETTO:{daylight}",
            "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"]


def zoned(day: str) -> list[str]:
    return [f"UID:{day}", "SUMMARY:Visit", f"DTSTART;TZID=Customized Time Zone:{day}T100000",
            f"DTEND;TZID=Customized Time Zone:{day}T110000"]


def test_several_vtimezones_with_the_same_offsets_are_accepted() -> None:
    """Outlook repeats its "Customized Time Zone" in one file: accepted where the
    definitions give the same offsets for what is used (here they differ only in the
    month summer time ends, November, after the one used event)."""
    head = (*vtimezone("Customized Time Zone", "+0100", "+0200"),
            *vtimezone("Customized Time Zone", "+0100", "+0200", month=11))
    got = read(cal(zoned("20260915"), head=head))
    assert busy(got) == [("09-15 08:00", "09-15 09:00", "Visit")]


def test_several_vtimezones_with_different_offsets_are_refused_naming_the_tzid() -> None:
    head = (*vtimezone("Customized Time Zone", "+0100", "+0200"),
            *vtimezone("Customized Time Zone", "+0100", "+0200", month=11))
    message = refusal(cal(zoned("20261110"), head=head))
    assert message.startswith("'cal.ics': event at line ")
    assert message.endswith("the time zone 'Customized Time Zone' is defined more than "
                            "once in the file, with different UTC offsets at "
                            "2026-11-10 10:00")
    # Used by an event that is not used, the disagreement refuses nothing.
    assert read(cal([*zoned("20261110"), "STATUS:CANCELLED"], head=head)).busy == ()


def test_vtimezone_definitions_never_leak_between_files() -> None:
    """icalendar keeps, process-wide, the first definition of a TZID it parses; each
    file's "Customized Time Zone" is read from that file's own VTIMEZONE."""
    europe = read(cal(zoned("20261110"), head=tuple(vtimezone(
        "Customized Time Zone", "+0100", "+0200"))))
    america = read(cal(zoned("20261110"), head=tuple(vtimezone(
        "Customized Time Zone", "-0500", "-0400"))))
    assert europe.busy[0].start == z("2026-11-10T09:00Z")
    assert america.busy[0].start == z("2026-11-10T15:00Z")


# --- 6. whether an event is used, decided before its values are read ----------------------

BROKEN = {
    "unreadable DTSTART": ["DTSTART:2026-10-10T10:00", "DTEND:20261010T110000Z"],
    "unknown TZID": ["DTSTART;TZID=Mars/Olympus:20261010T100000",
                     "DTEND;TZID=Mars/Olympus:20261010T110000"],
    "bad RRULE": ["DTSTART:20261010T100000Z", "DTEND:20261010T110000Z",
                  "RRULE:FREQ=FORTNIGHTLY"],
    "DTEND before DTSTART": ["DTSTART:20261010T100000Z", "DTEND:20261010T090000Z"],
}


@pytest.mark.parametrize("fault", sorted(BROKEN))
@pytest.mark.parametrize("why", ["TRANSP:TRANSPARENT", "STATUS:CANCELLED",
                                 "SUMMARY:Optional"])
def test_faults_in_events_that_are_not_used_refuse_nothing(fault: str, why: str) -> None:
    content = cal(["UID:x", why, *BROKEN[fault]])
    got = read(content, exclude=("optional",))
    assert got.busy == () and sum(n for _, n in got.not_used) == 1
    assert refusal(cal(["UID:x", *BROKEN[fault]]))  # used, the same event is refused


@pytest.mark.parametrize("lines", [
    # a recurring event wholly before the horizon (UNTIL), or wholly after it
    ["DTSTART;TZID=Mars/Olympus:20250101T100000", "RRULE:FREQ=WEEKLY;UNTIL=20250601T000000Z"],
    ["DTSTART:20250101T100000Z", "RRULE:FREQ=FORTNIGHTLY;UNTIL=20250601"],
    ["DTSTART;TZID=Mars/Olympus:20270601T100000", "RRULE:FREQ=WEEKLY"],
    ["DTSTART:20270601T100000Z", "RRULE:FREQ=WEEKLY", "RDATE;TZID=Mars/Olympus:20270701T100000"],
    # a single event after it, and an unreadable DTSTART whose year is outside it
    ["DTSTART;TZID=Mars/Olympus:20270601T100000", "DTEND:garbage"],
    ["DTSTART:2025-10-10", "RRULE:FREQ=WEEKLY"],
    ["DTSTART;TZID=Europe/London:2027-01-05T10:00"],
], ids=["until-before", "bad-rule-before", "rule-after", "rdate-after", "single-after",
        "unreadable-2025", "unreadable-2027"])
def test_events_wholly_outside_the_horizon_refuse_nothing(lines: list[str]) -> None:
    got = read(cal(["UID:x", "SUMMARY:Elsewhere", *lines]))
    assert got.busy == () and got.events == 0


def test_unreadable_dtstart_in_the_horizons_year_is_an_error() -> None:
    message = refusal(cal(["UID:x", "DTSTART:2026-10-10"]))
    assert message == ("'cal.ics': event at line 4, UID x: DTSTART '2026-10-10' is not a "
                       "date or a date-time")


def test_transparent_all_day_events_are_used_and_their_faults_refused() -> None:
    got = read(cal(["UID:a", "TRANSP:TRANSPARENT", "DTSTART;VALUE=DATE:20261010"]))
    assert [r.first for r in got.closures] == [D(2026, 10, 10)]
    message = refusal(cal(["UID:a", "TRANSP:TRANSPARENT", "DTSTART;VALUE=DATE:20261010",
                           "DTEND;VALUE=DATE:20261009"]))
    assert "is before DTSTART" in message


# --- 7. text ------------------------------------------------------------------------------

def test_text_is_unescaped_as_icalendar_does() -> None:
    r"""``C:\\new`` is ``C:\new`` (not a line break after ``C:\``); ``\,`` and ``\;`` are
    a comma and a semicolon; a line break (``\n``) in a name reads as a space."""
    content = cal(["UID:t1", r"SUMMARY:Backup C:\\new\, then C:\\temp\; done",
                   "DTSTART;VALUE=DATE:20261010"],
                  ["UID:t2", r"SUMMARY:Two\nlines", "DTSTART;VALUE=DATE:20261011"])
    got = read(content)
    assert [r.name for r in got.closures] == [r"Backup C:\new, then C:\temp; done",
                                              "Two lines"]
    only = read(content, include=(r"C:\\new,",))
    assert [r.name for r in only.closures] == [r"Backup C:\new, then C:\temp; done"]
    assert read(content, exclude=(r"\\ ew",)).closures == got.closures
