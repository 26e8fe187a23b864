"""Zone names: location zones (and links to them) are kept exactly as written; legacy
and fixed-offset names are refused with why and which location zones to use."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import partnership, school

import twinschedule
from twinschedule._tz import zones as _zones
from twinschedule.errors import ConfigError

D = dt.date

# name -> None (accepted, kept as written) or words the refusal must contain
TABLE: list[tuple[str, list[str] | None]] = [
    ("Europe/London", None),
    ("Europe/Oslo", None),                 # link to Europe/Berlin
    ("Atlantic/Reykjavik", None),          # link to Africa/Abidjan
    ("Asia/Calcutta", None),               # backward link to Asia/Kolkata
    ("US/Eastern", None),                  # backward link to America/New_York
    ("America/Argentina/Buenos_Aires", None),
    ("UTC", None),
    ("Etc/UTC", None),
    ("EST", ["no daylight saving", "America/New_York", "America/Toronto"]),
    ("MST", ["no daylight saving", "America/Denver"]),
    ("HST", ["no daylight saving", "Pacific/Honolulu"]),
    ("EST5EDT", ["not a place", "America/New_York"]),
    ("PST8PDT", ["not a place", "America/Los_Angeles"]),
    ("CET", ["not a place", "Europe/Berlin"]),
    ("EET", ["not a place", "Europe/Athens"]),
    ("GMT", ["not London time", "Europe/London", "UTC"]),
    ("Etc/GMT", ["Europe/London"]),
    ("UCT", ["spelling of UTC", "UTC"]),
    ("Zulu", ["spelling of UTC"]),
    ("GMT+2", ["fixed offset", "no daylight saving", "Etc/GMT+2 is UTC-02:00",
               "Europe/Athens"]),
    ("UTC-5", ["fixed offset", "America/New_York"]),
    ("Etc/GMT-3", ["sign is reversed", "means UTC+03:00", "Africa/Nairobi"]),
    ("Etc/GMT+2", ["sign is reversed", "means UTC-02:00"]),
    ("Etc/GMT+5", ["means UTC-05:00", "America/New_York"]),
    ("Japan", ["legacy name", "Asia/Tokyo"]),
    ("GB", ["legacy name", "Europe/London"]),
    ("Factory", ["legacy name"]),
    ("Europe/Londn", ["unknown time zone", "did you mean 'Europe/London'"]),
    ("Mars/Olympus_Mons", ["unknown time zone"]),
]


@pytest.mark.parametrize(("name", "words"), TABLE)
def test_zone_name_table(name: str, words: list[str] | None) -> None:
    why = _zones.refusal(name)
    if words is None:
        assert why is None
        p = partnership([school("a", name), school("b", "Europe/London")],
                        start=D(2026, 9, 1), end=D(2027, 7, 31), anchor=name)
        assert p.schools[0].timezone == name and p.anchor == name
        assert twinschedule.to_dict(p)["schools"][0]["timezone"] == name
        assert str(_zones.get_zone(name)) == name
    else:
        assert why is not None
        for w in words:
            assert w in why, (w, why)
        with pytest.raises(ConfigError) as err:
            partnership([school("a", name), school("b", "Europe/London")],
                        start=D(2026, 9, 1), end=D(2027, 7, 31), anchor=name)
        paths = {p.path for p in err.value.problems}
        assert paths == {"schools[0] (a).timezone", "partnership.anchor"}
        assert all(p.message == why for p in err.value.problems)


def test_est_is_not_new_york() -> None:
    """What the refusal prevents: EST is UTC-05:00 all year (America/Panama's data)."""
    summer = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
    assert summer.astimezone(_zones.get_zone("EST")).utcoffset() == dt.timedelta(hours=-5)
    assert summer.astimezone(_zones.get_zone("America/New_York")).utcoffset() \
        == dt.timedelta(hours=-4)


def test_link_and_target_are_two_candidate_anchors() -> None:
    """Candidate anchors are the distinct names as written: the same data under two names
    ties, and the tie goes to the first school's name, whichever it is."""
    for first, second in (("Europe/Oslo", "Europe/Berlin"), ("Europe/Berlin", "Europe/Oslo")):
        p = partnership([school("a", first), school("b", second)],
                        start=D(2026, 9, 1), end=D(2027, 7, 31), top=50)
        anchors = {o.rule.anchor for o in twinschedule.plan(p).options}
        assert first in anchors and anchors <= {first, second}


def test_suggestions_are_location_zones() -> None:
    assert all("/" in s or s == "UTC" for s in _zones.suggest("GMT+0"))
