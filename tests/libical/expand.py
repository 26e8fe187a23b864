"""Expand calendars with libical (Evolution's engine), run by Debian's python3 with
GObject introspection (packages python3-gi and gir1.2-ical-3.0): not the project's
interpreter. Reads a JSON list of calendar texts on standard input and prints, per
calendar, every instance as ``[uid, start, end]`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``).

Each master's RRULE, RDATE and EXDATE are expanded by libical itself
(``icalcomponent_foreach_recurrence``), with every TZID resolved through the file's
own VTIMEZONE (libical reads it, as ical.js does); a component with a RECURRENCE-ID
then replaces the master's instance at that instant, as calendar clients apply
overrides (libical leaves that step to its clients).
"""

import datetime as dt
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402

UTC = I.Timezone.get_utc_timezone()
FROM = I.Time.new_from_string("19700101T000000Z")
UNTIL = I.Time.new_from_string("20991231T000000Z")


def iso(seconds):
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def recurrence_id(cal, event):
    """The instant of an override's RECURRENCE-ID, its TZID looked up in the file."""
    prop = event.get_first_property(I.PropertyKind.RECURRENCEID_PROPERTY)
    if prop is None:
        return None
    tzid = prop.get_parameter_as_string("TZID")
    zone = cal.get_timezone(tzid) if tzid else None
    if tzid and zone is None:
        raise SystemExit(f"libical: no VTIMEZONE for TZID {tzid}")
    value = prop.get_recurrenceid()
    return value.as_timet_with_zone(zone if zone is not None else UTC)


def spans(event):
    out = []
    event.foreach_recurrence(FROM, UNTIL, lambda comp, span, data: out.append(
        (span.get_start(), span.get_end())), None)
    return out


def expand(text):
    cal = I.Component.new_from_string(text)
    if cal is None:
        raise SystemExit("libical could not parse a calendar")
    instances = {}
    overrides = []
    event = cal.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        rid = recurrence_id(cal, event)
        if rid is None:
            for start, end in spans(event):
                instances[(event.get_uid(), start)] = (start, end)
        else:
            overrides.append((event.get_uid(), rid, spans(event)[0]))
        event = cal.get_next_component(I.ComponentKind.VEVENT_COMPONENT)
    for uid, rid, span in overrides:
        instances[(uid, rid)] = span
    return sorted([uid, iso(start), iso(end)]
                  for (uid, _), (start, end) in instances.items())


print(json.dumps([expand(text) for text in json.load(sys.stdin)]))
