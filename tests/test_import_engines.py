"""The importer reads calendars as RFC 5545 and the engines (recurring-ical-events,
ical.js) do (issue 19): one regression test per point, named after what it guards.
tests/test_import_differential.py compares generated calendars with the engine."""

from __future__ import annotations

import hashlib

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from twinschedule import _windows_zones


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
