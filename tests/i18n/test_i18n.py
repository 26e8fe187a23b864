"""Languages: catalogs (complete, no fuzzy entry, same placeholders, compiled .mo equal
to the .po), feeds in every language (same instants in both interop engines), each
school reading its own weekday and date across the date line, right-to-left text,
fallback to English sentences with the language's own CLDR dates, and the text output
in the partnership's language, fitted to the terminal width."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import icalendar
import icaljs
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import EXAMPLES, ROOT
from helpers import partnership, school
from test_feeds import STAMP, check_structure, expand_python, held

import twinschedule
from twinschedule.errors import ConfigError
from twinschedule.i18n import words as i18n
from twinschedule.render.text import render, text_width

LANGS = ["en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "fi", "tr", "ar", "zh", "ja",
         "hi", "sw", "is"]
LOCALE = ROOT / "src" / "twinschedule" / "i18n" / "locale"
PLACEHOLDER = re.compile(r"\{(\w*)\}")
ALL = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
D = dt.date


def _po(lang: str) -> Any:
    with (LOCALE / lang / "LC_MESSAGES" / "twinschedule.po").open("rb") as f:
        return read_po(f, locale=lang)


def _source_ids() -> set[str]:
    """The msgids Babel extracts from the source now (babel.cfg's method and keywords)."""
    keywords = {"_": None, "N_": None, "n_": (1, 2), "Nn_": (1, 2)}
    found = extract_from_dir(str(ROOT / "src" / "twinschedule"),
                             method_map=[("**.py", "python")], keywords=keywords)
    out = set()
    for _file, _line, message, _comments, _context in found:
        out.add(message if isinstance(message, str) else message[0])
    return out


# -- catalogs ------------------------------------------------------------------------

def test_every_required_language_has_a_catalog() -> None:
    assert set(LANGS) <= set(i18n.languages())
    for lang in LANGS:
        assert i18n.has_catalog(lang)


def test_source_strings_are_extracted() -> None:
    ids = _source_ids()
    assert "Local times:" in ids and "{names} and {count} more" in ids
    assert "2nd Friday of every month at {time} ({zone})" in ids
    assert len([i for i in ids if "of every month" in i]) == 35


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_complete_not_fuzzy_same_placeholders(lang: str) -> None:
    cat = _po(lang)
    assert not cat.fuzzy
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in cat if m.id}
    assert set(ids) == _source_ids(), "catalog out of date: extract and update (docs)"
    for key, m in ids.items():
        assert "fuzzy" not in m.flags, key
        strings = list(m.string) if isinstance(m.string, tuple) else [m.string]
        assert len(strings) == (cat.num_plurals if isinstance(m.id, tuple) else 1), key
        want = sorted(PLACEHOLDER.findall(key))
        for s in strings:
            assert s, f"{lang}: untranslated {key!r}"
            assert sorted(PLACEHOLDER.findall(s)) == want, (lang, key, s)
            s.format(**{name: "x" for name in want})  # valid str.format


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_is_the_po_compiled(lang: str) -> None:
    buf = io.BytesIO()
    write_mo(buf, _po(lang))
    assert (LOCALE / lang / "LC_MESSAGES" / "twinschedule.mo").read_bytes() == buf.getvalue(), \
        "recompile the .mo (docs/translations.md)"


def test_wheel_ships_the_compiled_catalogs() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert '"locale/*/LC_MESSAGES/*.mo"' in text


def test_a_translation_is_used_and_english_is_the_fallback() -> None:
    assert i18n.words("de")._("Local times:") == "Ortszeiten:"
    ko = i18n.words("ko")  # no catalog: English sentences, Korean CLDR dates
    assert not ko.catalog and ko._("Local times:") == "Local times:"
    assert ko.date(D(2027, 8, 5)) == "2027년 8월 5일 목요일"
    assert i18n.words("pt-BR")._("Local times:") == "Horas locais:"  # language fallback


def test_times_are_24_hour_in_the_language_form() -> None:
    assert [i18n.words(t).time(14 * 60 + 5) for t in ("en", "fi", "ja")] == [
        "14:05", "14.05", "14:05"]
    assert [i18n.words(t).time(1440) for t in ("en", "fi", "ja")] == ["24:00", "24.00", "24:00"]
    assert i18n.words("ja").time(9 * 60) == "9:00"
    assert i18n.words("de").month("2027-08") == i18n.words("de").month(D(2027, 8, 5)) \
        == "August 2027"


@pytest.mark.parametrize("lang", LANGS)
def test_durations_name_each_unit_once(lang: str) -> None:
    """Regression: babel repeats the last item of a unit list whose locale has no
    two-item pattern (Arabic: "5 hours, 41 minutes, 41 minutes")."""
    w = i18n.words(lang)
    text = w.minutes(341)
    assert text.count(w.number(41)) == 1, text
    assert text.count(w.number(5)) == 1, text


def test_importing_the_package_loads_no_language_data() -> None:
    code = ("import sys, twinschedule; "
            "print(any(m == 'babel' or m.startswith('babel.') or m.endswith('.i18n') "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# -- configuration -------------------------------------------------------------------

def test_language_keys_are_validated_with_a_hint() -> None:
    with pytest.raises(ConfigError) as err:
        partnership([school("a", "Europe/London", language="dee"),
                     school("b", "Asia/Tokyo", language="ja")],
                    start=D(2027, 1, 1), end=D(2027, 3, 31), language="english")
    text = str(err.value)
    assert "schools[0] (a).language: unknown language tag 'dee'" in text
    assert "partnership.language: unknown language tag 'english'" in text
    p = partnership([school("a", "Europe/London", language="pt-BR"),
                     school("b", "Asia/Tokyo")], start=D(2027, 1, 1), end=D(2027, 3, 31),
                    language="de")
    assert (p.language, p.schools[0].language, p.schools[1].language) == ("de", "pt-BR", None)
    again = twinschedule.from_dict(twinschedule.to_dict(p))
    assert again == p


# -- feeds in every language ---------------------------------------------------------

def _in_language(lang: str, name: str = "england-kenya.toml") -> twinschedule.Plan:
    data = twinschedule.to_dict(twinschedule.load(EXAMPLES / name))
    data["partnership"]["language"] = lang
    for s in data["schools"]:
        s["language"] = lang
    return twinschedule.plan(twinschedule.from_dict(data))


def test_every_language_expands_to_the_same_instants_in_both_engines() -> None:
    english = _in_language("en")
    want = held(english.option(1))
    every: list[bytes] = []
    for lang in LANGS:
        plan = _in_language(lang)
        option = plan.option(1)
        assert held(option) == want  # wording never changes a time
        for expand in (False, True):
            files = twinschedule.feeds(plan, stamp=STAMP, expand=expand)
            for data in files.values():
                if not expand:
                    check_structure(data, plan, option)
                assert expand_python(data, plan) == want
                every.append(data)
    if icaljs.node_available():
        p = english.partnership
        got = icaljs.expand_many(
            every, dt.datetime.combine(p.start - dt.timedelta(days=2), dt.time(), dt.UTC),
            dt.datetime.combine(p.end + dt.timedelta(days=3), dt.time(), dt.UTC))
        assert [sorted((s, e) for _, s, e in occ) for occ in got] == [want] * len(every)


def _event(files: dict[str, bytes], name: str, moved: bool = False) -> Any:
    events = icalendar.Calendar.from_ical(files[name]).walk("VEVENT")
    return next(e for e in events if ("RECURRENCE-ID" in e) == moved)


@pytest.mark.parametrize("lang", LANGS)
def test_summary_is_short_and_counts_the_partners(lang: str) -> None:
    schools = [school(f"s{i}", "Europe/London", name=f"A school with a long name number {i}",
                      language=lang) for i in range(6)]
    p = partnership(schools, start=D(2027, 1, 1), end=D(2027, 3, 31), language=lang,
                    title="Monthly partnership meeting of the six schools")
    files = twinschedule.feeds(twinschedule.plan(p, top=1), stamp=STAMP)
    for data in files.values():
        cal = icalendar.Calendar.from_ical(data)
        summary = str(_event({"x": data}, "x")["SUMMARY"])
        assert len(summary) <= 80, summary
        assert "number 5" not in summary or "number 0" not in summary
        assert str(cal["X-WR-CALNAME"])
    if lang == "en":
        s0 = str(_event(files, "t.s0.ics")["SUMMARY"])
        assert s0.endswith("and 3 more"), s0


# -- each reader's own calendar -------------------------------------------------------

# (anchor zone, its weekday, reader zone, the reader's weekday, the anchor's local date of
# the moved meeting, the reader's local date of it, the rule's time in the anchor zone)
DATE_LINE = [
    ("America/Santiago", "WE", "Asia/Tokyo", "TH", D(2027, 8, 4), D(2027, 8, 5), "20:00"),
    ("Asia/Tokyo", "TH", "America/Santiago", "WE", D(2027, 8, 5), D(2027, 8, 4), "09:00"),
    ("Pacific/Auckland", "MO", "Pacific/Honolulu", "SU", D(2027, 8, 2), D(2027, 8, 1), "08:00"),
    ("Pacific/Honolulu", "SU", "Pacific/Auckland", "MO", D(2027, 8, 1), D(2027, 8, 2), "10:00"),
    ("Pacific/Kiritimati", "TU", "Pacific/Pago_Pago", "MO", D(2027, 8, 3), D(2027, 8, 2),
     "10:00"),
    ("Europe/London", "FR", "Africa/Nairobi", "FR", D(2027, 8, 6), D(2027, 8, 6), "10:00"),
]


@pytest.mark.parametrize(("anchor", "aday", "zone", "rday", "adate", "rdate", "time"),
                         DATE_LINE)
@pytest.mark.parametrize("lang", ["en", "ja", "de"])
def test_each_school_reads_its_own_weekday_and_date(
        anchor: str, aday: str, zone: str, rday: str, adate: dt.date, rdate: dt.date,
        time: str, lang: str) -> None:
    # Both schools open every day around the clock; the anchor school is closed on the
    # first nominal date, so the first meeting moves.
    p = partnership(
        [school("anchor", anchor, name="Anchor School", days=ALL, hours=["00:00-24:00"],
                closures=[{"on": adate, "name": "Sports day"}], language=lang),
         school("reader", zone, name="Reader School", days=ALL, hours=["00:00-24:00"],
                language=lang)],
        start=D(2027, 8, 1), end=D(2027, 10, 31), anchor=anchor, weekdays=[aday], weeks=[1],
        language=lang, top=50)
    plan = twinschedule.plan(p)
    k = next(o.rank for o in plan.options
             if o.rule.time == int(time[:2]) * 60 + int(time[3:]))
    option = plan.option(k)
    assert option.meetings[0].status == "moved"
    files = twinschedule.feeds(plan, option=k, stamp=STAMP)
    w = i18n.words(lang)
    reader_desc = str(_event(files, "t.reader.ics")["DESCRIPTION"])
    lines = reader_desc.split("\n")
    first = lines[lines.index(w._("Local times:")) + 1]  # the reader's own line first
    assert w.weekday(rday) in first and "Reader School" in first, reader_desc
    if rday != aday:
        assert w._("In {zone}: {weekday} at {time}.", zone=zone, weekday=w.weekday(rday),
                   time=w.time(option.usual_time("reader"))) in reader_desc
    anchor_desc = str(_event(files, "t.anchor.ics")["DESCRIPTION"])
    lines = anchor_desc.split("\n")
    assert w.weekday(aday) in lines[lines.index(w._("Local times:")) + 1]
    moved_reader = str(_event(files, "t.reader.ics", moved=True)["DESCRIPTION"])
    moved_anchor = str(_event(files, "t.anchor.ics", moved=True)["DESCRIPTION"])
    why = w._("{reason} at {schools}", reason="Sports day", schools=w.join(["Anchor School"]))
    assert moved_reader.split("\n")[0] == w._("Moved from {date}: {why}.",
                                               date=w.date(rdate), why=why)
    assert moved_anchor.split("\n")[0] == w._("Moved from {date}: {why}.",
                                               date=w.date(adate), why=why)
    if rdate != adate:
        assert w.date(adate) not in moved_reader.split("\n")[0]


# -- right to left ---------------------------------------------------------------------

def _balanced(line: str) -> bool:
    depth = 0
    for ch in line:
        if ch in (i18n.FSI, "\u2066", "\u2067"):
            depth += 1
        elif ch == i18n.PDI:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_right_to_left_text_is_marked_and_isolated() -> None:
    plan = _in_language("ar")
    files = twinschedule.feeds(plan, stamp=STAMP)
    for name, data in files.items():
        cal = icalendar.Calendar.from_ical(data)
        assert str(cal["X-WR-CALNAME"]).startswith(i18n.RLM)
        for e in cal.walk("VEVENT"):
            for key in ("SUMMARY", "DESCRIPTION"):
                for line in str(e[key]).split("\n"):
                    if not line:
                        continue
                    assert line.startswith(i18n.RLM), (name, key, line)
                    assert _balanced(line), (name, key, line)
                    # every Latin-script run (school names, zones, times) sits in an isolate
                    depth = 0
                    for ch in line:
                        depth += ch == i18n.FSI
                        depth -= ch == i18n.PDI
                        if ch.isascii() and ch.isalpha():
                            assert depth > 0, (name, key, line)
    english = twinschedule.feeds(_in_language("en"), stamp=STAMP)
    assert i18n.FSI not in english["rugby-nairobi.ics"].decode()
    assert i18n.RLM not in english["rugby-nairobi.ics"].decode()


# -- the text output ------------------------------------------------------------------

def test_text_output_in_the_partnership_language_and_with_lang() -> None:
    plan = _in_language("de")
    text = render(plan)
    assert "Optionen" in text and "1. Jeden 2. Freitag im Monat um 12:00" in text
    assert "im Schnitt" in text
    assert "Options (" in render(plan, lang="en")
    assert "Opciones (" in render(plan, lang="es")


@pytest.mark.parametrize("width", [40, 60, 100])
@pytest.mark.parametrize("lang", ["en", "ja", "ar"])
def test_text_output_fits_the_width_whatever_the_number_of_schools(width: int,
                                                                   lang: str) -> None:
    zones = ["Europe/London", "Europe/Berlin", "Africa/Nairobi", "Asia/Dubai", "Europe/Paris",
             "Europe/Helsinki"]
    schools = [school(f"s{i}", z, name=f"Secondary School Number {i} of {z}",
                      days=["MO", "TU", "WE", "TH", "FR"], hours=["08:00-17:00"])
               for i, z in enumerate(zones)]
    p = partnership(schools, start=D(2027, 1, 1), end=D(2027, 6, 30), language=lang)
    text = render(twinschedule.plan(p, top=3), width=width)
    for line in text.splitlines():
        assert text_width(line) <= width, line
    for i in range(6):
        assert f"Number {i}" in text


def test_the_burden_reads_as_minutes_from_the_preferred_time() -> None:
    text = render(twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml")))
    assert "Moi Forces Academy: 12:00; on average 23 minutes from its preferred 11:37" in text
    assert " min\n" not in text


def test_no_fit_diagnostics_in_meetings_and_minutes() -> None:
    text = render(twinschedule.plan(twinschedule.load(
        EXAMPLES / "infeasible" / "honolulu-delhi.toml")))
    assert "candidate meetings" in text
    assert re.search(r"outside hours: 58,800 \(\d+%\)", text)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, **(env or {})})


def test_cli_lang_and_columns(tmp_path: Path) -> None:
    out = _cli("plan", "examples/england-kenya.toml", "--lang", "fr", "--top", "1",
               env={"COLUMNS": "50"})
    assert out.returncode == 0, out.stderr
    assert "Le 2e vendredi de chaque mois à 12:00" in out.stdout
    assert max(text_width(x) for x in out.stdout.splitlines()) <= 50
    bad = _cli("plan", "examples/england-kenya.toml", "--lang", "fr_XX")
    assert bad.returncode == 2 and "--lang: unknown language tag 'fr_XX'" in bad.stderr
    assert not bad.stdout


def test_check_names_languages_without_translations(tmp_path: Path) -> None:
    text = (EXAMPLES / "england-kenya.toml").read_text()
    text = text.replace('timezone = "Africa/Nairobi"',
                        'timezone = "Africa/Nairobi"\nlanguage = "ko"', 1)
    assert 'language = "ko"' in text
    path = tmp_path / "p.toml"
    path.write_text(text)
    out = _cli("check", str(path))
    assert out.returncode == 0, out.stderr
    notes = [x for x in out.stdout.splitlines() if "no translations" in x]
    assert notes == ["  note: no translations for ko yet: English sentences with its own "
                     "dates and times"]
    ok = _cli("check", "examples/england-kenya.toml")
    assert "no translations" not in ok.stdout
