"""The report of an alternation with stretch hours: the year strip marks each school's
stretch meetings (+, with a legend and a tooltip), the options and the headline name
both rules, the month table says which rule each month uses."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from conftest import EXAMPLES

import twinschedule
from twinschedule.i18n.words import words
from twinschedule.render import report
from twinschedule.render.html import render

MADE = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)


def _page(lang: str = "en") -> tuple[twinschedule.Plan, str]:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "auckland-reykjavik.toml"))
    return plan, render(report.build(plan, made=MADE, holidays="0", program="t"), words(lang))


def test_year_strip_marks_stretch_meetings() -> None:
    plan, html = _page()
    best = plan.option(1)
    for school in plan.partnership.schools:
        row = re.search(rf'<tr data-school="{school.id}">(.*?)</tr>', html, re.S)
        assert row is not None
        cells = re.findall(r'<td class="[a-z]+" data-month="([0-9-]+)"[^>]*>(.*?)</td>',
                           row.group(1), re.S)
        marked = {month for month, inner in cells if 'class="stretch"' in inner}
        want = {m.month for m in best.meetings if school.id in (m.stretch or ())}
        assert marked == want and want
    assert "(+ outside the school's usual hours: in its stretch hours)" in unescape(html)
    assert 'class="stretch" title="(+ outside' in html


def test_options_headline_and_months_name_both_rules() -> None:
    plan, html = _page()
    best = plan.option(1)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "Taking turns, month by month:" in text
    for rule in best.rules:
        assert rule.text.split(" of every month")[0] in text
    assert "September 2026 (A)" in text and "October 2026 (B)" in text


def test_in_another_language() -> None:
    _, html = _page("de")
    assert "Im Wechsel, Monat für Monat:" in html
    assert "(+ außerhalb der üblichen Zeiten der Schule: in ihren Zusatzzeiten)" in unescape(html)
