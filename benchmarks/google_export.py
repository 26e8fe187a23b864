"""A realistic Google Calendar export, generated (no real data): the shape of a busy
school calendar exported from Google (``Export`` / the private iCal address).

About 1.8 MB: 4,600 single events and 174 recurring ones (weekly staff meetings,
yearly birthdays, monthly duty rotas, some with UNTIL, EXDATE and RECURRENCE-ID
overrides) over ten years (2016-2026), in Google's layout: ``X-WR-CALNAME``,
``X-WR-TIMEZONE``, a VTIMEZONE, UIDs ``...@google.com``, DTSTAMP, CREATED,
LAST-MODIFIED, long DESCRIPTIONs with folded lines, ATTENDEEs, all-day events marked
``TRANSP:TRANSPARENT`` (Google's default) and timed ones ``OPAQUE``, a few cancelled.

    python benchmarks/google_export.py OUT.ics
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import icalendar

LONDON = "Europe/London"
WORDS = ["assembly", "governors", "meeting", "parents", "evening", "trip", "museum",
         "sports", "day", "inset", "training", "exam", "moderation", "reports", "deadline",
         "rehearsal", "concert", "visit", "inspection", "staff", "briefing", "year", "group",
         "football", "netball", "swimming", "library"]


def _vtimezone() -> icalendar.Timezone:
    tz = icalendar.Timezone()
    tz.add("TZID", LONDON)
    tz.add("X-LIC-LOCATION", LONDON)
    day = icalendar.TimezoneDaylight()
    day.add("TZOFFSETFROM", dt.timedelta(0))
    day.add("TZOFFSETTO", dt.timedelta(hours=1))
    day.add("TZNAME", "BST")
    day.add("DTSTART", dt.datetime(1970, 3, 29, 1))
    day.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"})
    std = icalendar.TimezoneStandard()
    std.add("TZOFFSETFROM", dt.timedelta(hours=1))
    std.add("TZOFFSETTO", dt.timedelta(0))
    std.add("TZNAME", "GMT")
    std.add("DTSTART", dt.datetime(1970, 10, 25, 2))
    std.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"})
    tz.add_component(day)
    tz.add_component(std)
    return tz


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _event(rng: random.Random, n: int, stamp: dt.datetime) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("DTSTAMP", stamp)
    ev.add("UID", f"{rng.getrandbits(100):025x}{n}@google.com")
    ev.add("CREATED", stamp - dt.timedelta(days=rng.randint(30, 3000)))
    ev.add("LAST-MODIFIED", stamp - dt.timedelta(days=rng.randint(0, 30)))
    ev.add("SEQUENCE", rng.randint(0, 3))
    ev.add("SUMMARY", _text(rng, rng.randint(2, 5)).capitalize())
    ev.add("DESCRIPTION", _text(rng, rng.randint(1, 4)))
    ev.add("LOCATION", _text(rng, 1).title())
    return ev


def google_export(seed: int = 2026) -> bytes:
    rng = random.Random(seed)
    stamp = dt.datetime(2026, 8, 1, 9, 30, tzinfo=dt.UTC)
    cal = icalendar.Calendar()
    for key, value in (("PRODID", "-//Google Inc//Google Calendar 70.9054//EN"),
                       ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN"),
                       ("METHOD", "PUBLISH"), ("X-WR-CALNAME", "School calendar"),
                       ("X-WR-TIMEZONE", LONDON)):
        cal.add(key, value)
    cal.add_component(_vtimezone())
    first = dt.date(2016, 9, 1)
    days = (dt.date(2026, 8, 31) - first).days
    for n in range(4604):
        ev = _event(rng, n, stamp)
        day = first + dt.timedelta(days=rng.randrange(days))
        if rng.random() < 0.3:  # all-day, Google marks them free
            ev.add("DTSTART", day)
            ev.add("DTEND", day + dt.timedelta(days=rng.choice((1, 1, 1, 2, 5))))
            ev.add("TRANSP", "TRANSPARENT")
        else:
            start = dt.datetime.combine(day, dt.time(rng.randint(7, 18), rng.choice((0, 30))),
                                        dt.UTC)
            ev.add("DTSTART", start)
            ev.add("DTEND", start + dt.timedelta(minutes=rng.choice((30, 60, 90))))
            ev.add("TRANSP", "OPAQUE")
            for k in range(rng.randint(0, 1)):
                ev.add("ATTENDEE", f"mailto:staff{rng.randint(1, 80)}@school.example",
                       parameters={"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                                   "PARTSTAT": "ACCEPTED", "CN": f"Staff {k}"})
        if rng.random() < 0.02:
            ev.add("STATUS", "CANCELLED")
        else:
            ev.add("STATUS", "CONFIRMED")
        cal.add_component(ev)
    from zoneinfo import ZoneInfo

    london = ZoneInfo(LONDON)
    for n in range(174):
        ev = _event(rng, 10_000 + n, stamp)
        day = first + dt.timedelta(days=rng.randrange(days - 400))
        kind = n % 4
        if kind == 3:  # a yearly all-day event (a birthday)
            ev.add("DTSTART", day)
            ev.add("DTEND", day + dt.timedelta(days=1))
            ev.add("RRULE", {"FREQ": "YEARLY"})
            ev.add("TRANSP", "TRANSPARENT")
        else:
            start = dt.datetime.combine(day, dt.time(rng.randint(8, 16)), london)
            ev.add("DTSTART", start)
            ev.add("DTEND", start + dt.timedelta(hours=1))
            rule: dict[str, object] = {"FREQ": "WEEKLY" if kind < 2 else "MONTHLY"}
            if kind == 2:
                rule["BYDAY"] = f"{rng.randint(1, 4)}{rng.choice(['MO', 'TU', 'WE', 'TH'])}"
            if rng.random() < 0.5:
                rule["UNTIL"] = dt.datetime.combine(
                    day + dt.timedelta(days=rng.randint(60, 2000)), dt.time(), dt.UTC)
            ev.add("RRULE", rule)
            for _ in range(rng.randint(0, 3)):
                ev.add("EXDATE", start + dt.timedelta(weeks=rng.randint(1, 30)))
            ev.add("TRANSP", "OPAQUE")
        cal.add_component(ev)
        if kind == 0 and rng.random() < 0.5:  # a moved occurrence
            moved = _event(rng, 20_000 + n, stamp)
            moved["UID"] = ev["UID"]
            original = start + dt.timedelta(weeks=2)
            moved.add("RECURRENCE-ID", original)
            moved.add("DTSTART", original + dt.timedelta(hours=2))
            moved.add("DTEND", original + dt.timedelta(hours=3))
            cal.add_component(moved)
    return cal.to_ical()


if __name__ == "__main__":
    data = google_export()
    Path(sys.argv[1]).write_bytes(data)
    print(f"{len(data)} bytes, {data.count(b'BEGIN:VEVENT')} events, "
          f"{data.count(b'RRULE:') - 2} recurring")
