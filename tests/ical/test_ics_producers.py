"""Imported calendars in the shapes real producers write (tests/fixtures/ics/, written for
the project and modelled on the structure of real exports): each file's exact closed
dates, busy intervals and counts; located errors for faults in used events only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from twinschedule.errors import ConfigError
from twinschedule.ical.importer import import_ics
from twinschedule.model import Imported

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ics"
D = dt.date
START, END = D(2026, 9, 1), D(2026, 12, 31)


def load(name: str, zone: str, *, use: str = "closures", include: tuple[str, ...] = (),
         exclude: tuple[str, ...] = (), end: dt.date = END) -> Imported:
    return import_ics((FIXTURES / name).read_bytes(), zone, START, end, use=use,
                      include=include, exclude=exclude, source=f"'{name}'")


def z(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def closures(got: Imported) -> list[tuple[str, str, str]]:
    return [(r.first.isoformat(), r.last.isoformat(), r.name) for r in got.closures]


def busy(got: Imported) -> list[tuple[dt.datetime, dt.datetime, str]]:
    return [(b.start, b.end, b.name) for b in got.busy]


def test_google() -> None:
    """Google: all-day events TRANSPARENT (still closures); a one-day INSET day starting
    the same morning as a five-day half term, with the same UID, is a second event;
    a weekly series with EXDATE and a moved occurrence (RECURRENCE-ID); a transparent
    timed reminder and a cancelled trip are not used."""
    got = load("google.ics", "Europe/London")
    assert closures(got) == [("2026-10-26", "2026-10-26", "INSET day"),
                             ("2026-10-26", "2026-10-30", "Half term")]
    assert busy(got) == [
        (z("2026-09-09T12:15Z"), z("2026-09-09T13:15Z"), "Staff meeting"),
        (z("2026-09-23T14:15Z"), z("2026-09-23T15:15Z"), "Staff meeting (moved)"),
        (z("2026-09-30T12:15Z"), z("2026-09-30T13:15Z"), "Staff meeting")]
    assert got.events == 7
    assert dict(got.used) == {"closures": 2, "busy": 3}
    assert dict(got.not_used) == {"cancelled": 1, "transparent": 1}


def test_outlook_exchange_windows_and_display_names() -> None:
    """Outlook/Exchange without VTIMEZONE: a Windows zone id, an unquoted display name
    (with its colon) and a quoted one; 13:30 Eastern in November is 18:30Z."""
    got = load("outlook-exchange.ics", "America/New_York")
    assert closures(got) == [("2026-11-26", "2026-11-27", "Thanksgiving break")]
    assert busy(got) == [
        (z("2026-11-11T18:30Z"), z("2026-11-11T19:30Z"), "Board meeting"),
        (z("2026-11-12T18:30Z"), z("2026-11-12T19:00Z"), "Exchange display name"),
        (z("2026-11-13T08:00Z"), z("2026-11-13T09:00Z"), "Quoted display name")]
    # The same file read for a school elsewhere: zones come from the file, not the school.
    assert busy(load("outlook-exchange.ics", "Asia/Tokyo")) == busy(got)


def test_office365_custom_zone() -> None:
    """Office 365 'Customized Time Zone' from the file's VTIMEZONE (+01:00/+02:00 with EU
    rules) across the October change; a VTIMEZONE with two TZIDs used only by a
    cancelled event and a broken VFREEBUSY do not refuse the file."""
    got = load("office365.ics", "Europe/London")
    assert closures(got) == []
    assert busy(got) == [
        (z("2026-10-20T13:00Z"), z("2026-10-20T14:00Z"), "Department meeting"),
        (z("2026-10-27T14:00Z"), z("2026-10-27T15:00Z"), "Department meeting")]
    assert dict(got.not_used) == {"cancelled": 1}


def test_apple() -> None:
    """Apple/iCloud: DTEND before DTSTART in the event, an all-day event whose DTEND
    equals its DTSTART (one day), a VTODO (ignored)."""
    got = load("apple.ics", "Europe/London")
    assert closures(got) == [("2026-12-25", "2026-12-25", "Winter closure")]
    assert busy(got) == [(z("2026-11-03T13:00Z"), z("2026-11-03T14:00Z"),
                          "Election day assembly")]
    assert got.events == 2


def test_website_events_plugin() -> None:
    got = load("website-plugin.ics", "America/New_York")
    assert closures(got) == [("2026-10-12", "2026-10-12", "Staff Development Day - No School"),
                             ("2026-11-11", "2026-11-11", "Veterans Day - No School")]
    assert busy(got) == [(z("2026-10-15T22:00Z"), z("2026-10-16T00:00Z"), "Fall Concert")]


def test_website_plugin_include_exclude() -> None:
    only = load("website-plugin.ics", "America/New_York", include=("no school",))
    assert [r.name for r in only.closures] == ["Staff Development Day - No School",
                                               "Veterans Day - No School"]
    assert only.busy == () and dict(only.not_used) == {"filtered": 1}
    some = load("website-plugin.ics", "America/New_York", include=("no school",),
                exclude=("veterans",))
    assert [r.name for r in some.closures] == ["Staff Development Day - No School"]
    assert dict(some.not_used) == {"filtered": 2}


def test_term_days_as_open_days() -> None:
    """A term-day calendar: every date no listed day covers is closed (DTSTART:20260902
    is a date without VALUE=DATE)."""
    got = load("term-days.ics", "Europe/London", use="open-days")
    assert closures(got) == [
        ("2026-09-01", "2026-09-01", "Not a day of the term calendar"),
        ("2026-10-24", "2026-11-01", "Not a day of the term calendar"),
        ("2026-12-19", "2026-12-31", "Not a day of the term calendar")]
    assert dict(got.used) == {"open_days": 3}
    # Read as closures, the same file closes the terms: what `check` warns about.
    wrong = load("term-days.ics", "Europe/London")
    assert sum((r.last - r.first).days + 1 for r in wrong.closures) > 90


def test_as_busy() -> None:
    got = load("website-plugin.ics", "America/New_York", use="busy")
    assert got.closures == ()
    assert busy(got)[0] == (z("2026-10-12T04:00Z"), z("2026-10-13T04:00Z"),
                            "Staff Development Day - No School")
    assert dict(got.used) == {"busy": 3}


def test_holiday_feed() -> None:
    """A holiday feed: an empty RRULE line is a single event; the same date twice is two
    events; a yearly event from 2025 expanded into the horizon; a cancelled event with a
    broken DTEND is counted, not refused."""
    got = load("holidays.ics", "Europe/London", end=D(2027, 1, 31))
    assert closures(got) == [("2026-12-25", "2026-12-25", "Christmas Day"),
                             ("2026-12-28", "2026-12-28", "Boxing Day (substitute day)"),
                             ("2027-01-01", "2027-01-01", "New Year")]
    assert dict(got.used) == {"closures": 4}
    assert dict(got.not_used) == {"cancelled": 1}
    assert got.events == 5


def calendar(*lines: str) -> bytes:
    return ("\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", *lines,
                         "END:VCALENDAR"]) + "\r\n").encode()


def refusal(content: bytes) -> str:
    with pytest.raises(ConfigError) as err:
        import_ics(content, "Europe/London", START, END, source="'cal.ics'")
    assert len(err.value.problems) == 1
    return err.value.problems[0].message


def test_unknown_tzid_is_a_located_error_never_the_school_time() -> None:
    message = refusal(calendar("BEGIN:VEVENT", "UID:u-1", "SUMMARY:Visit",
                               "DTSTART;TZID=Mars Standard Time:20261111T133000",
                               "DTEND;TZID=Mars Standard Time:20261111T143000",
                               "END:VEVENT"))
    assert message.startswith("'cal.ics': event at line 4, UID u-1, 'Visit': ")
    assert "unknown time zone 'Mars Standard Time'" in message


def test_fault_in_used_event_names_file_and_event() -> None:
    message = refusal(calendar("BEGIN:VEVENT", "SUMMARY:Sports day",
                               "DTSTART:2026-10-10", "END:VEVENT"))
    assert message == ("'cal.ics': event at line 4, 'Sports day': DTSTART '2026-10-10' is "
                       "not a date or a date-time")
    message = refusal(calendar("BEGIN:VEVENT", "SUMMARY:Club", "DTSTART:20261010T100000",
                               "RRULE:FREQ=FORTNIGHTLY", "END:VEVENT"))
    assert "'Club'" in message and "RRULE" in message and "icalendar" not in message


def test_faults_in_unused_parts_are_ignored() -> None:
    got = import_ics(calendar(
        "BEGIN:VEVENT", "SUMMARY:Filtered", "DTSTART:garbage", "END:VEVENT",
        "BEGIN:VEVENT", "SUMMARY:Far future", "DTSTART:20301010", "DTEND:bad", "END:VEVENT",
        "BEGIN:VJOURNAL", "DTSTART:nonsense", "END:VJOURNAL",
        "BEGIN:VEVENT", "SUMMARY:Closed", "DTSTART:20261010", "X-BROKEN;=:", "END:VEVENT"),
        "Europe/London", START, END, exclude=("filtered",))
    assert [(r.first, r.name) for r in got.closures] == [(D(2026, 10, 10), "Closed")]
    assert dict(got.not_used) == {"filtered": 1}


@pytest.mark.parametrize("content", [
    b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin\n",
    b"SECRET=hunter2\r\nBEGIN:VEVENT\r\n",
    b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
    b"<html><body>Not found</body></html>",
])
def test_not_icalendar_is_refused_without_quoting_it(content: bytes) -> None:
    message = refusal(content)
    assert "iCalendar" in message
    for word in (b"root", b"SECRET", b"hunter2", b"ELF", b"html", b"daemon"):
        assert word.decode() not in message


def test_zero_length_timed_event_blocks_nothing() -> None:
    got = import_ics(calendar("BEGIN:VEVENT", "SUMMARY:Pin", "DTSTART:20261010T100000Z",
                              "END:VEVENT"), "Europe/London", START, END)
    assert got.busy == () and dict(got.not_used) == {"empty": 1}


def test_duration_and_rdate() -> None:
    got = import_ics(calendar(
        "BEGIN:VEVENT", "SUMMARY:Exams", "DTSTART;VALUE=DATE:20261005", "DURATION:P3D",
        "RDATE;VALUE=DATE:20261109,20261207", "END:VEVENT"), "Europe/London", START, END)
    assert [(r.first, r.last) for r in got.closures] == [
        (D(2026, 10, 5), D(2026, 10, 7)), (D(2026, 11, 9), D(2026, 11, 11)),
        (D(2026, 12, 7), D(2026, 12, 9))]


def test_vtimezone_with_two_tzids_refuses_only_the_events_that_use_it() -> None:
    office = (FIXTURES / "office365.ics").read_bytes()
    used = office.replace(b"SUMMARY:Uses the broken zone\r\n"
                          b"DTSTART;TZID=Broken Zone:20261021T150000\r\n"
                          b"DTEND;TZID=Broken Zone:20261021T160000\r\nSTATUS:CANCELLED",
                          b"SUMMARY:Uses the broken zone\r\n"
                          b"DTSTART;TZID=Broken Zone:20261021T150000\r\n"
                          b"DTEND;TZID=Broken Zone:20261021T160000\r\nSTATUS:CONFIRMED")
    assert used != office
    with pytest.raises(ConfigError) as err:
        import_ics(used, "Europe/London", START, END, source="'office365.ics'")
    assert [p.message for p in err.value.problems] == [
        "'office365.ics': event at line 35, UID o365-2, 'Uses the broken zone': the time "
        "zone 'Broken Zone' is defined more than once in the file"]
