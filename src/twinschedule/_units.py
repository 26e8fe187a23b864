"""The integer units of the search core, and the margins around a horizon.

The planner's inner loops use plain integers, not datetime objects. They are named
here so that a signature says which kind of integer it takes:

- :data:`UtcMinute`: minutes since 1970-01-01 00:00 UTC (an instant).
- :data:`WallMinute`: minutes after local midnight on a school's or the anchor's wall
  clock (``0..1440``; a meeting's end may be counted past 1440).
- :data:`DayNumber`: days since 1970-01-01 (a date, in whichever zone's calendar the
  name says); ``day * MINUTES_PER_DAY`` is that date's midnight as a wall minute count.
- :data:`GridMask`: a set of start times as bits of an integer; bit ``k`` is grid time
  ``k`` (``k * step`` minutes after the anchor's midnight, or a position on a UTC grid).

Horizon margins. A partnership's horizon is a range of anchor dates; everything
computed around it must cover a little more, and each margin below must exceed the one
it serves:

1. :data:`OFFSET_SPREAD` (26 h): UTC offsets lie between -12:00 and +14:00, so two
   zones' wall clocks differ by less than 26 hours, and one zone's wall clock differs
   from UTC by less than that too.
2. :data:`CALENDAR_MARGIN_DAYS` (2): a meeting that starts on anchor date ``D`` (wall
   minute ``0..1439``) falls on a school's local date within ``D - 2 .. D + 2``, since
   ``ceil(26 h / 24 h) = 2``. School calendars (holidays, closures, windows) cover the
   horizon's dates with this margin.
3. :data:`OFFSET_SPREAD` again, in UTC: the instants whose local date lies in a range of
   dates ``first..last`` are inside ``first * 1440 - 26 h .. (last + 1) * 1440 + 26 h``
   (``_availability`` scans this range for every school and for the anchor).
4. :data:`TIMELINE_MARGIN_DAYS` (3): a zone's offset timeline (``_zones``) must cover
   that UTC range *plus one meeting* (the end ``s + duration`` is looked up too, and
   durations are at most 12 hours): ``26 h + 12 h < 3 days``. It is built over the
   calendar's dates, so it has this margin on top of the calendar's.
5. :data:`IMPORT_MARGIN_DAYS` (2 before, 3 after, the end exclusive): imported
   calendars are expanded over the calendar's dates, ``start - 2 .. end + 2``
   inclusive, i.e. ``[start - 2, end + 3)``.
"""

from __future__ import annotations

from typing import Final

UtcMinute = int
WallMinute = int
DayNumber = int
GridMask = int

MINUTES_PER_DAY: Final = 1440
#: 1970-01-01, day number 0, was a Thursday (weekday index 3, Monday = 0).
EPOCH_WEEKDAY: Final = 3

#: Largest difference between two zones' UTC offsets (-12:00 .. +14:00), in minutes.
OFFSET_SPREAD: Final = 26 * 60
#: Days by which a school's local dates can lie outside the horizon's anchor dates.
CALENDAR_MARGIN_DAYS: Final = -(-OFFSET_SPREAD // MINUTES_PER_DAY)
#: The longest meeting the file format allows (``duration`` 5 to 720 minutes).
MAX_DURATION: Final = 12 * 60
#: Days of zone offsets covered beyond a calendar's dates: more than the UTC range's
#: margin plus one meeting, ``OFFSET_SPREAD + MAX_DURATION`` = 38 h (tests check it).
TIMELINE_MARGIN_DAYS: Final = 3
#: Imported calendars are expanded over ``[start - before, end + after)``.
IMPORT_MARGIN_DAYS: Final = (CALENDAR_MARGIN_DAYS, CALENDAR_MARGIN_DAYS + 1)


def weekday_of_day(day: DayNumber) -> int:
    """The weekday index (0 = Monday) of a day number."""
    return (day + EPOCH_WEEKDAY) % 7
