"""Why a meeting moved, was skipped or is ruled out, in the reader's language.

The core keeps each reason's English ``detail`` (the JSON plan) and its parts; the text
output, the report and the feeds word the detail from the parts for each reader, so a
German, Arabic or Japanese reader meets no English reason sentence, while English output
stays as it was (the English wording equals the JSON detail)."""

from __future__ import annotations

import copy
import datetime as D
import html
import re
from typing import Any

import icalendar
import pytest
from conftest import EXAMPLES

import twinschedule
from twinschedule._tz import zones as _zones
from twinschedule.core.calendar import build_calendar
from twinschedule.i18n.reasons import detail, names
from twinschedule.i18n.words import FSI, PDI, RLM, languages, words
from twinschedule.model import Conflict
from twinschedule.render import report
from twinschedule.render.html import render as render_html
from twinschedule.render.text import render as render_text

STAMP = D.datetime(2026, 9, 1, tzinfo=D.UTC)

#: English pieces of reason details (and default names) that no other reader may see.
ENGLISH = ("is outside", "is not a school day", "outside every term", "outside hours",
           "Closed", "Busy", "Imported closure")

#: Two schools meeting on the 2nd Tuesday (2nd Mondays are often closed in Berlin);
#: Berlin has an unnamed closure (October: moved to Monday) and an unnamed busy day
#: (November: moved); Cairo's term ends in May (June-August: skipped).
MOVES: dict[str, Any] = {
    "partnership": {
        "id": "berlin-cairo", "name": "Berlin Cairo", "start": "2026-09-01",
        "end": "2027-08-31", "duration": 45, "weekdays": ["MO", "TU"], "weeks": [2],
        "anchor": "Europe/Berlin", "max_move_days": 1, "language": "en",
    },
    "schools": [
        {"id": "berlin", "name": "Schule Berlin", "timezone": "Europe/Berlin",
         "language": "de", "hours": ["09:00-15:00"], "days": ["MO", "TU", "WE", "TH", "FR"],
         "closures": [{"on": "2026-10-13"}, {"on": "2026-09-14", "name": "Studientag"},
                      {"on": "2026-12-14", "name": "Studientag"},
                      {"on": "2027-01-11", "name": "Studientag"}],
         "busy": [{"on": "2026-11-10", "from": "08:00", "to": "16:00"}]},
        {"id": "cairo", "name": "Cairo School", "timezone": "Africa/Cairo",
         "language": "ar", "hours": ["09:00-15:00"], "days": ["SU", "MO", "TU", "WE", "TH"],
         "terms": [{"from": "2026-09-01", "to": "2027-05-31"}]},
    ],
}

#: No rule holds a meeting: every candidate is on a Saturday (no school day for either
#: school), Berlin's only term lies before the horizon, Tokyo's hours never meet Berlin's.
INFEASIBLE: dict[str, Any] = {
    "partnership": {
        "id": "berlin-tokyo", "name": "Berlin Tokyo", "start": "2026-09-01",
        "end": "2027-08-31", "duration": 45, "weekdays": ["SA"], "weeks": [1],
    },
    "schools": [
        {"id": "berlin", "name": "Schule Berlin", "timezone": "Europe/Berlin",
         "language": "de", "hours": ["09:00-12:00", "13:00-15:00"],
         "terms": [{"from": "2025-09-01", "to": "2026-07-31"}]},
        {"id": "tokyo", "name": "Tokyo School", "timezone": "Asia/Tokyo",
         "language": "ja", "hours": ["09:00-15:00"]},
    ],
}


def _flat(text: str) -> str:
    """Text with its lines joined again and the direction marks removed."""
    for mark in (FSI, PDI, RLM):
        text = text.replace(mark, "")
    return " ".join(x.strip() for x in text.splitlines())


def _report_text(plan: twinschedule.Plan, lang: str) -> str:
    rep = report.build(plan, made=STAMP, holidays="0", program="twinschedule test")
    page = render_html(rep, words(lang))
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _feed_text(plan: twinschedule.Plan, name: str) -> str:
    cal = icalendar.Calendar.from_ical(twinschedule.feeds(plan, stamp=STAMP)[name])
    return _flat("\n".join(str(e["DESCRIPTION"]) for e in cal.walk("VEVENT")))


@pytest.fixture(scope="module")
def moves() -> twinschedule.Plan:
    plan = twinschedule.plan(twinschedule.from_dict(copy.deepcopy(MOVES)), suggest=False)
    statuses = {m.month: m.status for m in plan.options[0].meetings}
    assert statuses["2026-10"] == "moved" and statuses["2026-11"] == "moved"
    assert statuses["2027-06"] == "skipped"
    return plan


@pytest.fixture(scope="module")
def infeasible() -> twinschedule.Plan:
    plan = twinschedule.plan(twinschedule.from_dict(copy.deepcopy(INFEASIBLE)),
                             suggest=False)
    assert not plan.options and plan.diagnostics is not None
    assert plan.diagnostics.near_miss is not None
    return plan


def _no_english(text: str) -> None:
    for fragment in ENGLISH:
        assert fragment not in text, fragment


# -- the core keeps its English detail (the JSON) and gives the parts -------------------

def test_json_details_stay_english(moves: twinschedule.Plan,
                                   infeasible: twinschedule.Plan) -> None:
    meetings = {m["month"]: m for m in moves.to_dict()["options"][0]["meetings"]}
    assert meetings["2026-10"]["reasons"] == [
        {"school": "berlin", "reason": "closure", "detail": "Closed"}]
    assert meetings["2026-11"]["reasons"] == [
        {"school": "berlin", "reason": "busy", "detail": "Busy"}]
    why = infeasible.to_dict()["diagnostics"]["near_miss"]["schools"]
    # The near miss (nearest by clock: just after midnight on Saturday in Tokyo, Friday
    # evening in Berlin) fails Berlin's term and hours, Tokyo's week and hours.
    assert {c["reason"] for c in why["berlin"]["why"]} == {"outside-term", "outside-hours"}
    assert {c["reason"] for c in why["tokyo"]["why"]} == {"not-school-day", "outside-hours"}
    assert "Saturday is not a school day" in [c["detail"] for c in why["tokyo"]["why"]]


def test_english_wording_is_the_json_detail() -> None:
    """In English the worded detail is the JSON's, for every reason but the term's date
    (a CLDR date, as every other date of the text output)."""
    p = twinschedule.from_dict(copy.deepcopy(INFEASIBLE))
    berlin = p.schools[0]
    cal = build_calendar(berlin, start=p.start, end=p.end, duration=p.duration)
    zone = _zones.get_zone("Europe/Berlin")
    start = D.datetime(2026, 9, 5, 11, 30, tzinfo=zone)  # a Saturday, across the break
    got = cal.conflicts(start, start + D.timedelta(minutes=45))
    assert [c.reason for c in got] == ["not-school-day", "outside-term", "outside-hours"]
    en = words("en")
    assert detail(en, got[0]) == got[0].detail == "Saturday is not a school day"
    assert got[1].detail == "2026-09-05 is outside every term"
    assert detail(en, got[1]) == "Saturday, September 5, 2026 is outside every term"
    assert detail(en, got[2]) == got[2].detail == \
        "local 11:30-12:15 is outside 09:00-12:00, 13:00-15:00"
    de = words("de")
    assert detail(de, got[0]) == "Samstag ist kein Schultag"
    assert detail(de, got[1]) == "Samstag, 5. September 2026 liegt außerhalb aller Schulzeiträume"
    assert detail(de, got[2]) == \
        "lokal 11:30–12:15 liegt außerhalb von 09:00–12:00, 13:00–15:00"


def test_every_language_words_every_detail() -> None:
    p = twinschedule.from_dict(copy.deepcopy(INFEASIBLE))
    cal = build_calendar(p.schools[0], start=p.start, end=p.end, duration=p.duration)
    zone = _zones.get_zone("Europe/Berlin")
    start = D.datetime(2026, 9, 5, 23, 45, tzinfo=zone)  # ends after local midnight
    got = cal.conflicts(start, start + D.timedelta(minutes=45))
    assert got[-1].detail == "local 23:45-00:30 is outside 09:00-12:00, 13:00-15:00"
    unnamed = Conflict(school="berlin", reason="closure", detail="Closed", names=("",))
    for lang in languages():
        w = words(lang)
        texts = [detail(w, c) for c in got] + [names(w, unnamed)]
        for text in texts:
            assert text and "{" not in text, (lang, text)
            if lang != "en":
                _no_english(text)
        assert _flat(w.time(23 * 60 + 45)) in _flat(texts[-2]), lang
        assert _flat(w.time(30)) in _flat(texts[-2]), lang  # 00:30, not 24:30


def test_names_stay_as_written() -> None:
    c = Conflict(school="x", reason="holiday", detail="Mashujaa Day", names=("Mashujaa Day",))
    assert names(words("ar"), c) == "Mashujaa Day"
    both = Conflict(school="x", reason="closure", detail="Half term; Closed",
                    names=("Half term", ""))
    assert names(words("de"), both) == "Half term; Geschlossen"
    assert names(words("en"), both) == both.detail
    imported = Conflict(school="x", reason="closure", detail="Imported closure",
                        names=("Imported closure",))
    assert names(words("de"), imported) == "Importierte Schließung"
    assert names(words("en"), imported) == "Imported closure"
    bare = Conflict(school="x", reason="busy", detail="Staff meeting")  # no parts given
    assert names(words("de"), bare) == "Staff meeting"


# -- moved and skipped months: text output, report, feeds --------------------------------

@pytest.mark.parametrize(("lang", "closed", "busy"), [
    ("de", "geschlossen (Geschlossen)", "belegt (Belegt)"),
    ("ar", "مغلق (مغلق)", "مشغول (مشغول)"),
    ("ja", "休校 (休校)", "予定あり (予定あり)"),
])
def test_moved_months_in_the_text_output(moves: twinschedule.Plan, lang: str, closed: str,
                                         busy: str) -> None:
    out = _flat(render_text(moves, lang=lang, width=100))
    _no_english(out)
    assert closed in out and busy in out


def test_moved_months_in_english_unchanged(moves: twinschedule.Plan) -> None:
    out = _flat(render_text(moves, lang="en", width=100))
    assert "Schule Berlin: closed (Closed)" in out and "Schule Berlin: busy (Busy)" in out
    assert "Cairo School: outside term" in out


@pytest.mark.parametrize(("lang", "closed", "busy"), [
    ("de", "geschlossen: Geschlossen", "belegt: Belegt"),
    ("ar", "مغلق: مغلق", "مشغول: مشغول"),
    ("ja", "休校：休校", "予定あり：予定あり"),
])
def test_moved_months_in_the_report(moves: twinschedule.Plan, lang: str, closed: str,
                                    busy: str) -> None:
    out = _report_text(moves, lang)
    _no_english(out)
    assert closed in out and busy in out


def test_feeds_word_the_default_names(moves: twinschedule.Plan) -> None:
    german = _feed_text(moves, "berlin-cairo.berlin.ics")
    arabic = _feed_text(moves, "berlin-cairo.cairo.ics")
    english = _feed_text(moves, "berlin-cairo.ics")
    _no_english(german)
    _no_english(arabic)
    assert "Geschlossen bei Schule Berlin" in german and "Belegt bei Schule Berlin" in german
    assert "مغلق في Schule Berlin" in arabic and "مشغول في Schule Berlin" in arabic
    assert "Closed at Schule Berlin" in english and "Busy at Schule Berlin" in english


# -- the near miss of an infeasible plan ---------------------------------------------------

NEAR = {
    "de": ("kein Schultag: Samstag ist kein Schultag",
           "außerhalb der Schulzeit: Freitag, 4. September 2026 liegt außerhalb aller "
           "Schulzeiträume"),
    "ar": ("ليس يومًا دراسيًا: السبت ليس يومًا دراسيًا",
           "خارج كل الفصول الدراسية"),
    "ja": ("登校日ではない：土曜日は登校日ではない", "はどの学期にも含まれない"),
}


@pytest.mark.parametrize("lang", sorted(NEAR))
def test_near_miss_details_in_the_readers_language(infeasible: twinschedule.Plan,
                                                   lang: str) -> None:
    text = _flat(render_text(infeasible, lang=lang, width=100))
    page = _report_text(infeasible, lang)
    for out in (text, page):
        _no_english(out)
        for sentence in NEAR[lang]:
            assert sentence in out, (lang, sentence)


def test_near_miss_in_english(infeasible: twinschedule.Plan) -> None:
    out = _flat(render_text(infeasible, lang="en", width=100))
    assert "not a school day: Saturday is not a school day; outside hours:" in out
    assert "outside term: Friday, September 4, 2026 is outside every term" in out


@pytest.mark.parametrize(("lang", "sentence"), [
    ("de", "lokal 14:45–15:30 liegt außerhalb von 07:45–14:45"),
    ("ar", "التوقيت المحلي 14:45–15:30 خارج 07:45–14:45"),
    ("ja", "現地時刻 14:45–15:30 は 7:45–14:45 の範囲外"),
])
def test_near_miss_of_the_shipped_infeasible_example(lang: str, sentence: str) -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml"),
                             suggest=False)
    for out in (_flat(render_text(plan, lang=lang, width=100)), _report_text(plan, lang)):
        _no_english(out)
        assert sentence in out
