"""Feeds of alternations: two series (two master VEVENTs with their own UIDs,
``INTERVAL=2``, each with its EXDATEs and overrides), expanded by recurring-ical-events
and by ical.js to exactly the held meetings, whatever the anchors of the two rules."""

from __future__ import annotations

import dataclasses
from typing import Any

import icalendar
from conftest import CONFORMANCE, EXAMPLES
from hypothesis import given, settings
from strategies import stretch_partnerships
from test_feeds import STAMP, check_feeds

import twinschedule
from twinschedule.errors import ConfigError


def _alternations(plan: twinschedule.Plan) -> list[int]:
    return [o.rank for o in plan.options if o.kind == "alternating"]


def test_london_sydney_series() -> None:
    p = twinschedule.load(CONFORMANCE / "stretch" / "cases" / "london-sydney.toml")
    plan = twinschedule.plan(p, suggest=False)
    for k in _alternations(plan)[:3]:
        files = check_feeds(plan, k)
        text = files["london-sydney.ics"].decode().replace("\r\n ", "")
        assert text.count("INTERVAL=2") == 2
        assert "UID:london-sydney@twinschedule" in text
        assert "UID:london-sydney+b@twinschedule" in text


def test_rules_in_two_anchors() -> None:
    """An alternation whose rules are fixed in different zones: each series has its own
    TZID and VTIMEZONE."""
    p = twinschedule.load(CONFORMANCE / "stretch" / "cases" / "london-sydney.toml")
    plan = twinschedule.plan(dataclasses.replace(p, top=50), suggest=False)
    mixed = [o.rank for o in plan.options
             if o.kind == "alternating" and o.rules[0].anchor != o.rules[1].anchor]
    assert mixed, "some option takes turns between a London and a Sydney time"
    files = check_feeds(plan, mixed[0])
    cal = icalendar.Calendar.from_ical(files["london-sydney.ics"])
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {"Europe/London",
                                                                 "Australia/Sydney"}


def test_example_shows_who_stretches() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "auckland-reykjavik.toml"))
    files = twinschedule.feeds(plan, stamp=STAMP)
    text = files["auckland-reykjavik.auckland.ics"].decode().replace("\r\n ", "")
    assert "Taking turns month by month" in text
    assert "Auckland Grammar School meets outside its usual hours on" in text


@settings(max_examples=25)
@given(stretch_partnerships())
def test_random_alternations_expand_exactly(data: dict[str, Any]) -> None:
    try:
        p = twinschedule.from_dict(data)
    except ConfigError:
        return
    plan = twinschedule.plan(dataclasses.replace(p, alternate=True), suggest=False)
    for k in _alternations(plan)[:2]:
        check_feeds(plan, k)


def test_example_in_both_schools_languages() -> None:
    """Auckland reads its feed in English, Reykjavik in Icelandic (its `language`): the
    turns, who stretches, the local times; the text output in either language too."""
    from twinschedule.render.text import render

    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "auckland-reykjavik.toml"))
    files = twinschedule.feeds(plan, stamp=STAMP)

    def descriptions(name: str) -> str:
        cal = icalendar.Calendar.from_ical(files[name])
        return " ".join(str(e["DESCRIPTION"]) for e in cal.walk("VEVENT"))

    english = descriptions("auckland-reykjavik.auckland.ics")
    icelandic = descriptions("auckland-reykjavik.reykjavik.ics")
    assert "Taking turns month by month: in the months between" in english
    assert "Auckland Grammar School meets outside its usual hours on" in english
    assert "Til skiptis mánuð fyrir mánuð: í mánuðunum á milli" in icelandic
    assert "Menntaskólinn í Reykjavík fundar utan venjulegra tíma sinna" in icelandic
    assert "Taking turns" not in icelandic and "Local times" not in icelandic
    text = render(plan, lang="is")
    assert "Til skiptis, mánuð fyrir mánuð:" in text
    assert "fyrsta mánudag hvers mánaðar kl. 20:45 (Atlantic/Reykjavik)" in text
    assert "Taking turns" in render(plan, lang="en")
