"""The report's "What changed since the last plan" section (agreement.md): shown first
after the header for a re-plan, in the reader's language, each change with every
school's local times before and after, escaped; one line when nothing changed; absent
without a previous plan. The agreed option is marked in the header and the options."""

from __future__ import annotations

import datetime as dt
import re

from conftest import EXAMPLES

import twinschedule
from twinschedule.core.plan import Plan
from twinschedule.i18n.words import words

V1 = EXAMPLES / "agreement" / "lima-osaka.toml"
V2 = EXAMPLES / "agreement" / "lima-osaka-v2.toml"
MADE = dt.datetime(2027, 1, 15, tzinfo=dt.UTC)
TODAY = dt.date(2027, 1, 15)


def _section(html: str) -> str | None:
    found = re.search(r'<section class="changes">(.*?)</section>', html)
    return found.group(1) if found else None


def _replan(data: dict[str, object] | None = None) -> tuple[Plan, Plan]:
    v1 = twinschedule.plan(twinschedule.load(V1))
    p = twinschedule.load(V2) if data is None else twinschedule.from_dict(data)
    return v1, twinschedule.plan(p, previous=v1, today=TODAY)


def test_the_changes_come_first_in_each_language() -> None:
    _, v2 = _replan()
    for lang, heading, first in [
            ("en", "What changed since the last plan", "March 2027: moved"),
            ("es", "Qué ha cambiado desde el último plan", "marzo de 2027: trasladada"),
            ("ja", "前回の計画からの変更", "2027年3月：変更")]:
        html = twinschedule.report(v2, made=MADE, lang=lang)
        section = _section(html)
        assert section is not None
        assert html.index('<section class="changes">') < html.index('<section class="week">')
        assert section.startswith(f"<h2>{heading}</h2>")
        items = re.findall(r'<li data-change="(\w+)" data-month="([\d-]+)">([^<]*)', section)
        assert [(c, m) for c, m, _ in items] == [("moved", "2027-03"), ("moved", "2027-05")]
        assert items[0][2].startswith(first)
    ja = _section(twinschedule.report(v2, made=MADE, lang="ja")) or ""
    assert "Osaka Minami High School：3月18日(木) 8:00（変更前 3月19日(金) 8:00）" in ja


def test_nothing_changed_is_one_line_and_no_previous_no_section() -> None:
    v1 = twinschedule.plan(twinschedule.load(V1))
    again = twinschedule.plan(twinschedule.load(V1), previous=v1, today=TODAY)
    section = _section(twinschedule.report(again, made=MADE))
    assert section is not None and "<p>Nothing changed since the last plan.</p>" in section
    assert _section(twinschedule.report(v1, made=MADE)) is None


def test_names_in_the_changes_are_escaped_and_the_agreed_rule_marked() -> None:
    data = twinschedule.to_dict(twinschedule.load(V2))
    data["schools"][0]["closures"][0]["name"] = "<script>alert(1)</script>"
    _, v2 = _replan(data)
    html = twinschedule.report(v2, made=MADE)
    section = _section(html) or ""
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    agreed = words("en")._("{rule} (agreed)", rule="3rd Thursday of every month at 18:00 "
                                                    "(America/Lima)")
    assert html.count(agreed) == 2  # the header and the options' table
