"""The network text, the partner list and the network feeds count with the catalogs'
plural forms (``i18n.counts`` through ``Words.n_``, no English plural helper of their own)
and wrap as the plan's text wraps (``render.text.wrap``: columns, wide characters count
two). The English texts are locked by the golden files (test_golden.py)."""

from __future__ import annotations

import ast
import copy
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule.i18n import counts
from twinschedule.i18n.counts import count
from twinschedule.i18n.words import words
from twinschedule.ical.network_feeds import build_calendar
from twinschedule.render import match_text, network_text
from twinschedule.render.text import text_width, wrap

SRC = ROOT / "src" / "twinschedule"
MODULES = [SRC / "render" / "network_text.py", SRC / "render" / "match_text.py",
           SRC / "ical" / "network_feeds.py"]
STAMP = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def own_plurals_and_wrapping(source: str) -> list[str]:
    """An English plural made in code (``... if n == 1 else ...``) or textwrap."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value == 1 for c in node.test.comparators):
            found.append(f"line {node.lineno}: a plural of its own")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names]
            found += [f"line {node.lineno}: textwrap" for m in names if m == "textwrap"]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_plural_helper_and_no_textwrap_of_their_own(path: Path) -> None:
    assert own_plurals_and_wrapping(path.read_text(encoding="utf-8")) == []


def test_the_check_can_fail() -> None:
    old = ("import textwrap\n"
           "def count(n, noun):\n"
           "    return f'{n} {noun}' if n == 1 else f'{n} {noun}s'\n"
           "x = f\"month{'' if len(months) == 1 else 's'}\"\n")
    assert len(own_plurals_and_wrapping(old)) == 3


# -- the counted phrases ------------------------------------------------------------

def test_english_one_and_many_and_plain_integers() -> None:
    en = words("en")
    assert [count(en, counts.MONTHS, n) for n in (0, 1, 2)] == ["0 months", "1 month",
                                                               "2 months"]
    assert count(en, counts.PAIRS, 1) == "1 (school, month) pair"
    assert count(en, counts.ATTENDANCE, 3000, attendance=1916) == \
        "1916 of 3000 (school, month) pairs"  # not 1,916: the network outputs' numbers
    assert count(en, counts.REACHED, 1, reached=1) == "1 of 1 school"
    assert count(en, counts.ATTENDED, 1, attended=0) == "0 of 1 month"


@pytest.mark.parametrize(("n", "want"), [(1, "1 miesiąc"), (2, "2 miesiące"), (5, "5 miesięcy"),
                                         (12, "12 miesięcy"), (22, "22 miesiące")])
def test_polish_forms(n: int, want: str) -> None:
    assert count(words("pl"), counts.MONTHS, n) == want
    of = count(words("pl"), counts.REACHED, n, reached=1)  # "z" takes the genitive
    assert of == (f"1 z {n} szkoły" if n == 1 else f"1 z {n} szkół")


@pytest.mark.parametrize(("n", "noun"), [(0, "مدرسة"), (1, "مدرسة"), (2, "مدرستان"),
                                         (3, "مدارس"), (11, "مدرسةً"), (100, "مدرسة")])
def test_arabic_forms(n: int, noun: str) -> None:
    w = words("ar")
    assert count(w, counts.SCHOOLS, n) == f"{w.isolate(str(n))} {noun}"


def test_the_phrases_are_catalog_entries() -> None:
    """Every counted phrase is a plural entry of the catalogs (test_i18n checks that all
    16 catalogs translate every entry of the source, with every plural form)."""
    phrases = [v for k, v in vars(counts).items() if k.isupper()]
    assert len(phrases) == 11
    for singular, plural in phrases:
        assert words("de").translations.ngettext(singular, plural, 2) != plural
        assert words("ja").translations.ngettext(singular, plural, 2) != plural


# -- the outputs --------------------------------------------------------------------

def _tiny(**extra: Any) -> dict[str, Any]:
    """Two schools, February 2027 only, one Monday session: counts of one."""
    net = {"id": "dd", "name": "Tiny", "start": "2027-02-01", "end": "2027-02-28",
           "duration": 60, "anchor": "Europe/Paris", "weekdays": ["MO"], "weeks": [4, -1],
           "step": 60, "top": 5, **extra}
    return {"network": net, "schools": [
        {"id": "p", "name": "P", "timezone": "Europe/Paris", "hours": ["09:00-12:00"]},
        {"id": "l", "name": "L", "timezone": "Europe/London", "hours": ["15:00-16:00"]}]}


def test_counts_of_one_read_singular_everywhere() -> None:
    n = twinschedule.network_from_dict(_tiny(sessions=2))
    plan = twinschedule.plan_network(n)
    text = network_text.render(plan)
    assert "2 schools, 1 month, 2027-02-01" in text
    assert "adds 1 (school, month) pair the first session misses" in text  # was "pairs"
    assert "reached 1 of 2 schools" in text and "worst month 1 school," in text
    assert "1 months" not in text and "1 (school, month) pairs" not in text
    partners = match_text.render(twinschedule.match(n, "p"), n)
    assert "among 1 other school of dd:" in partners  # was "1 other schools"
    everyone = match_text.render_all([twinschedule.match(n, s.id) for s in n.schools], n)
    assert everyone.startswith("Partners of every school of dd (2 schools):")
    cal = build_calendar(plan, plan.options[0], n.schools[0], stamp=STAMP)
    described = "".join(str(e.get("DESCRIPTION")) for e in cal.walk("VEVENT"))
    assert "1 of 1 month." in described and "months" not in described
    network = build_calendar(plan, plan.options[0], None, stamp=STAMP)
    assert "2 schools; attending each month" in str(
        next(iter(network.walk("VEVENT")))["DESCRIPTION"])


NAMES = ["北京第四中学国际部与上海外国语大学附属外国语学校联合体",
         "東京都立国際高等学校と大阪府立北野高等学校の連携校", "A" * 130, "مدرسة الرياض الدولية"]


def _wide_names() -> twinschedule.Network:
    """Two schools that meet, and twelve with wide or long names that never can (their
    school days are Sundays): the list of schools never reached is long."""
    data = copy.deepcopy(_tiny())
    data["network"].update(end="2027-06-30", weekdays=["MO", "TU"], weeks=[1, 2],
                           id="a-network-with-a-rather-long-identifier-for-wrapping")
    zones = ["Asia/Shanghai", "Asia/Tokyo", "Europe/Paris", "Asia/Riyadh"]
    data["schools"][1]["hours"] = ["08:00-16:00"]
    data["schools"] += [{"id": f"s{i}", "name": name, "timezone": zone, "days": ["SU"],
                         "hours": ["08:00-16:00"]}
                        for i, (name, zone) in enumerate(zip(NAMES * 3, zones * 3,
                                                             strict=True))]
    return twinschedule.network_from_dict(data)


def test_wide_names_fit_100_columns() -> None:
    """A CJK name counts two columns a character: textwrap (len) let such lines reach
    108 columns."""
    n = _wide_names()
    plan = twinschedule.plan_network(n)
    text = network_text.render(plan)
    never = plan.options[0].never
    assert len(never) == 12
    outs = [text, *(match_text.render(twinschedule.match(n, s), n) for s in ("s0", "s2"))]
    for out in outs:
        lines = out.splitlines()
        assert max(text_width(x) for x in lines) <= 100, max(lines, key=text_width)
    # each school never reached is a line of its own, wrapped as the plan's text wraps
    for sid in never:
        school = n.school(sid)
        line = (f"{school.name} ({school.timezone}): not a school day in 5 of 5 months; "
                f"starts ")
        got = [x for x in text.splitlines() if x.startswith(f"    {line[:20]}")]
        assert got, sid
        assert all(text_width(x) <= 100 for x in got)
    local = plan.options[0].months[0].start.astimezone(ZoneInfo("Asia/Shanghai"))
    ends = local + dt.timedelta(hours=1)
    listed = wrap(f"{n.school('s0').name} (Asia/Shanghai): not a school day in 5 of 5 "
                  f"months; starts {local:%a, %b} {local.day} {local:%H:%M} local (ends "
                  f"{ends:%H:%M}), hours "
                  f"08:00-16:00", 100, "    ", "      ")
    assert len(listed) > 1 and "\n".join(listed) in text
    # a name longer than a line is cut, not lost
    assert "".join(outs[2].split()).count("A") == 130


def test_match_lines_wrap_with_two_more_spaces() -> None:
    n = _wide_names()
    out = match_text.render(twinschedule.match(n, "s2"), n).splitlines()
    head = [x for x in out if x.startswith("Partners for")]
    assert head and text_width(head[0]) <= 100
    following = out[out.index(head[0]) + 1]
    assert following.startswith("  ") and not following.startswith("   ")


def test_never_reached_lines_in_the_readers_language() -> None:
    """A school never reached is worded in the reader's language: its main reason,
    the session's local start (a CLDR date) and its hours."""
    plan = twinschedule.plan_network(
        twinschedule.load_network(EXAMPLES / "networks" / "worldwide.toml"))
    assert plan.options[0].never
    de = network_text.render(plan, lang="de")
    line = next(x for x in de.splitlines() if x.startswith("    Sydney school 2 "))
    assert line.startswith("    Sydney school 2 (Australia/Sydney): " + words("de").reason(
        "outside-hours") + " in 10 der 10 Monate; Beginn Di.,"), line
    assert "outside hours" not in de and "local (ends" not in de
