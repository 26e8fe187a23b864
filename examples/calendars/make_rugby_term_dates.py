"""Writes rugby-term-dates.ics, the imported calendar of examples/england-kenya-ics.toml:
half terms and training (INSET) days as all-day events, a weekly staff meeting as a
recurring timed event, and one TRANSP:TRANSPARENT reminder that must be ignored.
Built with icalendar, like every .ics this project writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

LONDON = ZoneInfo("Europe/London")
STAMP = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def main() -> None:
    cal = icalendar.Calendar.new(prodid="-//Lawrence Sheriff School//Term dates//EN",
                                 name="Lawrence Sheriff School term dates")
    cal.pop("UID", None)
    all_day = [
        ("Autumn half term", dt.date(2026, 10, 26), dt.date(2026, 10, 31)),
        ("Christmas holiday", dt.date(2026, 12, 19), dt.date(2027, 1, 4)),
        ("Spring half term", dt.date(2027, 2, 15), dt.date(2027, 2, 20)),
        ("Easter holiday", dt.date(2027, 3, 27), dt.date(2027, 4, 12)),
        ("Summer half term", dt.date(2027, 5, 31), dt.date(2027, 6, 5)),
        ("INSET day", dt.date(2026, 9, 1), dt.date(2026, 9, 2)),
        ("INSET day", dt.date(2026, 9, 2), dt.date(2026, 9, 3)),
        ("INSET day", dt.date(2027, 1, 4), dt.date(2027, 1, 5)),
        ("Summer holiday", dt.date(2027, 7, 22), dt.date(2027, 9, 1)),
    ]
    for i, (name, first, end) in enumerate(all_day):
        cal.add_component(icalendar.Event.new(uid=f"term-{i}@lawrencesheriff.example",
                                              stamp=STAMP, summary=name, start=first, end=end))
    staff = icalendar.Event.new(
        uid="staff-meeting@lawrencesheriff.example", stamp=STAMP, summary="Staff meeting",
        start=dt.datetime(2026, 9, 9, 13, 15, tzinfo=LONDON),
        end=dt.datetime(2026, 9, 9, 14, 15, tzinfo=LONDON))
    staff.add("rrule", {"freq": "weekly", "until": dt.datetime(2027, 7, 21, 23, 0,
                                                               tzinfo=dt.UTC)})
    cal.add_component(staff)
    reminder = icalendar.Event.new(
        uid="reminder@lawrencesheriff.example", stamp=STAMP, summary="Reports due (reminder)",
        start=dt.datetime(2026, 11, 13, 9, 0, tzinfo=LONDON),
        end=dt.datetime(2026, 11, 13, 17, 0, tzinfo=LONDON), transparency="TRANSPARENT")
    cal.add_component(reminder)
    cal.add_missing_timezones()
    Path(__file__).with_name("rugby-term-dates.ics").write_bytes(cal.to_ical())


if __name__ == "__main__":
    main()
