"""Network feeds in the readers' languages (network.md, "What an organiser needs besides
the rule"): a network's ``language`` words the network feed, each school's ``language``
its own feed, dated in the school's own calendar; whatever the languages, both engines
(recurring-ical-events and ical.js) expand every feed to the JSON's instants."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import icalendar
import pytest
from conftest import CONFORMANCE
from test_network_feeds import STAMP, check

import twinschedule
from twinschedule._tz.zones import get_zone
from twinschedule.errors import ConfigError
from twinschedule.i18n.counts import ATTENDED, count
from twinschedule.i18n.words import FSI, PDI, RLM, words

CASES = CONFORMANCE / "network" / "cases"


def _data(case: str) -> dict[str, Any]:
    with (CASES / f"{case}.toml").open("rb") as f:
        return tomllib.load(f)


def _languages(data: dict[str, Any], network: str, schools: list[str | None]) -> Any:
    data["network"]["language"] = network
    for school, lang in zip(data["schools"], schools * len(data["schools"]), strict=False):
        if lang is None:
            school.pop("language", None)
        else:
            school["language"] = lang
    return twinschedule.network_from_dict(data)


def _descriptions(data: bytes) -> list[str]:
    cal = icalendar.Calendar.from_ical(data)
    return [str(e["DESCRIPTION"]) for e in cal.walk("VEVENT")]


def _plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "").replace(RLM, "")


@pytest.mark.parametrize("case", ["africa-europe", "americas-asia"])
def test_three_languages_expand_to_the_same_instants_in_both_engines(case: str) -> None:
    """Schools in German, Japanese and Arabic (the network in French): every feed
    expands, in recurring-ical-events and in ical.js, to the JSON plan's instants, and
    the same plan in English gives the same instants."""
    net = _languages(_data(case), "fr", ["de", "ja", "ar"])
    plan = twinschedule.plan_network(net)
    files = check(plan)  # both engines against the JSON (test_network_feeds.check)
    english = twinschedule.plan_network(_languages(_data(case), "en", [None]))
    assert plan.to_dict() == english.to_dict()
    assert set(files) == set(twinschedule.network_feeds(english, stamp=STAMP))


def test_each_feed_is_worded_in_its_reader_language_and_calendar() -> None:
    net = _languages(_data("americas-asia"), "fr", ["de", "ja", None])
    plan = twinschedule.plan_network(net)
    files = twinschedule.network_feeds(plan, stamp=STAMP)
    option = plan.option(1)
    # The network feed: French, the anchor's calendar.
    fr = words("fr")
    desc = _plain(_descriptions(files[f"{net.id}.ics"])[0])
    assert fr.capital(fr.rule(option.rule)) in desc
    assert fr._("A repeat session for schools the first one misses.") in \
        _plain(_descriptions(files[f"{net.id}.ics"])[1])
    for s in net.schools:
        name = f"{net.id}.{s.id}.ics"
        if name not in files:
            continue
        w = words(s.language or net.language)
        cal = icalendar.Calendar.from_ical(files[name])
        assert _plain(str(cal["X-WR-CALNAME"])) == _plain(w._(
            "{partnership} ({school})", partnership=net.name, school=s.name))
        for event, (_, _rule, months) in zip(cal.walk("VEVENT"), _sessions(option, s.id),
                                              strict=True):
            text = _plain(str(event["DESCRIPTION"]))
            assert w.capital(w.rule(_rule)) in text
            attended = [m for m in months if s.id in m.attending]
            assert _plain(count(w, ATTENDED, len(months), attended=len(attended))) in text
            # The school's own weekday, from its own calendar (Seoul and Manila read
            # the next day of an afternoon in Mexico City).
            local = attended[0].start.astimezone(get_zone(s.timezone))
            assert w.weekday(("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local.weekday()]) \
                in text, (s.id, text)
            missed = [m for m in months if s.id not in m.attending]
            for m in missed:
                assert _plain(w.month(m.start.astimezone(get_zone(s.timezone)).date())) \
                    in text


def _sessions(option: Any, school_id: str) -> list[tuple[str, Any, Any]]:
    out = [("", option.rule, option.months)]
    if option.repeat is not None:
        out.append((".repeat", option.repeat.rule, option.repeat.months))
    return [x for x in out if any(school_id in m.attending for m in x[2])]


def test_a_school_across_the_date_line_reads_its_own_weekday() -> None:
    """Seoul reads the day after Mexico City's afternoon, in Japanese here."""
    data = _data("americas-asia")
    net = _languages(data, "en", [None])
    plan = twinschedule.plan_network(net)
    option = plan.option(1)
    assert option.repeat is not None
    seoul = next(s for s in net.schools if s.timezone == "Asia/Seoul")
    data = _data("americas-asia")
    for school in data["schools"]:
        if school["id"] == seoul.id:
            school["language"] = "ja"
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    files = twinschedule.network_feeds(plan, stamp=STAMP)
    text = _plain(_descriptions(files[f"{net.id}.{seoul.id}.ics"])[0])
    month = next(m for m in option.repeat.months if seoul.id in m.attending)
    anchor_day = month.start.astimezone(get_zone(net.anchor)).weekday()
    local_day = month.start.astimezone(get_zone(seoul.timezone)).weekday()
    assert local_day == (anchor_day + 1) % 7
    ja = words("ja")
    days = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    assert ja.weekday(days[local_day]) in text
    assert ja.weekday(days[anchor_day]) not in text.split("\n", 1)[1]


def test_network_language_is_validated(tmp_path: Path) -> None:
    data = _data("africa-europe")
    data["network"]["language"] = "xx-nope"
    with pytest.raises(ConfigError) as err:
        twinschedule.network_from_dict(data)
    assert [p.path for p in err.value.problems] == ["network.language"]
    data["network"]["language"] = "pt-BR"
    assert twinschedule.network_from_dict(data).language == "pt-BR"
    del data["network"]["language"]
    assert twinschedule.network_from_dict(data).language == "en"


def test_english_feed_keeps_its_sentences() -> None:
    plan = twinschedule.plan_network(twinschedule.load_network(CASES / "africa-europe.toml"))
    files = twinschedule.network_feeds(plan, stamp=dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    n = plan.network
    cal = icalendar.Calendar.from_ical(files[f"{n.id}.ics"])
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["SUMMARY"]) == (n.title or "Network webinar")
    assert "attending each month" in str(event["DESCRIPTION"])
