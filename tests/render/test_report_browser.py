"""The HTML report in a real browser (headless Chromium): every month and every held
meeting's local time per school match the JSON plan in the rendered DOM; nothing is
fetched from elsewhere; a screenshot is not blank; a two-school year prints on at most
two A4 pages.

Skipped (with the reason) when Chromium is not installed; CI (.ci/run) installs Debian's
``chromium``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import (
    SCREENSHOT_EXAMPLE,
    chromium,
    dump_dom,
    make_report,
    page_requests,
    png_colours,
    print_pdf,
    screenshot,
)
from conftest import EXAMPLES, ROOT

from twinschedule.i18n.words import FSI, PDI, words

pytestmark = pytest.mark.skipif(
    chromium() is None,
    reason="chromium is not installed: the browser tests need it (apt-get install -y "
           "chromium; CI installs it)")

SHIPPED = [*sorted(EXAMPLES.glob("*.toml")), *sorted((EXAMPLES / "infeasible").glob("*.toml"))]
A4 = (595.28, 841.89)  # points
EN = words("en")


class _Cells(HTMLParser):
    """The ``data-*`` cells of the month list and the year strip, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, Any]] = {}  # month list: month -> row
        self.year: dict[tuple[str, str], dict[str, Any]] = {}  # (school, month) -> cell
        self._stack: list[tuple[str, dict[str, Any] | None]] = []
        self._row: dict[str, Any] | None = None
        self._school_row: str | None = None
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        target: dict[str, Any] | None = None
        if tag == "tr" and "data-month" in a:
            self._row = self.rows[a["data-month"]] = {"status": a["data-status"],
                                                      "cells": {}}
        elif tag == "tr" and "data-school" in a:
            self._school_row = a["data-school"]
        elif tag == "td" and self._row is not None and "data-school" in a:
            target = self._row["cells"][a["data-school"]] = {
                "local": a.get("data-local"), "text": ""}
        elif tag == "td" and self._school_row is not None and "data-month" in a:
            target = self.year[(self._school_row, a["data-month"])] = {
                "local": a.get("data-local"), "class": a.get("class"), "text": ""}
        elif tag == "h2":
            self.sections.append("")
            target = {"h2": True}
        if tag in ("td", "h2"):
            self._stack.append((tag, target))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None
            self._school_row = None
        if tag in ("td", "h2") and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        for _tag, target in self._stack:
            if target is not None and "text" in target:
                target["text"] += data
            elif target is not None and target.get("h2"):
                self.sections[-1] += data


def _hhmm(iso: str) -> str:
    return iso[11:16]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    out = {}
    base = tmp_path_factory.mktemp("reports")
    for example in SHIPPED:
        html = base / f"{example.stem}.html"
        out[example.stem] = (html, make_report(example, html))
    return out


@pytest.mark.parametrize("example", [e.stem for e in SHIPPED])
def test_dom_matches_the_json_plan(example: str, reports: dict[str, Any],
                                   tmp_path: Path) -> None:
    html, plan = reports[example]
    netlog = tmp_path / "netlog.json"
    dom = dump_dom(html, netlog=netlog)
    cells = _Cells()
    cells.feed(dom)
    assert page_requests(netlog) == []
    names = [s for s in cells.sections]
    assert "A typical week" in names
    if not plan["options"]:
        assert "Why no time fits" in names
        assert cells.rows == {}
        return
    best = plan["options"][0]
    assert list(cells.rows) == [m["month"] for m in best["meetings"]], "every month, in order"
    for m in best["meetings"]:
        row = cells.rows[m["month"]]
        assert row["status"] == m["status"]
        local = m["local"] or {}
        assert set(row["cells"]) == set(plan_schools(plan, best))
        for sid, cell in row["cells"].items():
            if m["status"] == "skipped":
                assert cell["local"] is None
                # The strip shows, under the X, the reasons of this school (the plan's).
                year = cells.year[(sid, m["month"])]
                assert "skipped" in (year["class"] or "")
                for r in m["reasons"]:
                    if r["school"] == sid:
                        assert EN.reason(r["reason"]) in year["text"], (m["month"], sid)
                continue
            assert cell["local"] == local[sid]
            assert _hhmm(local[sid]) in cell["text"], (m["month"], sid, cell["text"])
            year = cells.year[(sid, m["month"])]
            assert year["local"] == local[sid]
            assert _hhmm(local[sid]) in year["text"]
            assert m["status"] in (year["class"] or "")
    for s in plan["suggestions"]:
        assert s["text"] in dom
    # Options: the worst-off school's average minutes from its preferred time per held
    # meeting, its burden over the year divided by the meetings held (the JSON plan's).
    want = [round(max(o["burdens"].values()) / o["metrics"]["held"]) for o in plan["options"]]
    shown = re.findall(r'data-average="(\d+)"[^>]*>([^<]*)<', dom)
    assert [int(a) for a, _ in shown] == want
    assert [text for _, text in shown] == [EN.minutes(n) for n in want]


def plan_schools(plan: dict[str, Any], best: dict[str, Any]) -> list[str]:
    return list(best["usual_times"])


@pytest.mark.parametrize("example", [e.stem for e in SHIPPED])
def test_nothing_from_elsewhere(example: str, reports: dict[str, Any]) -> None:
    html, _ = reports[example]
    text = html.read_text()
    assert not re.search(r"<script|<link|<img|<iframe|<object|<embed|@import|@font-face",
                         text, re.I)
    # The only absolute URL is SVG's namespace name, which is never fetched.
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+[^\s\"')<]*", text))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert not re.search(r"url\((?!#)", text), "CSS url() other than in-page references"


def test_the_network_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="http://example.org/x.png"></body></html>')
    netlog = tmp_path / "netlog.json"
    dump_dom(page, netlog=netlog)
    assert page_requests(netlog) == ["http://example.org/x.png"]


@pytest.mark.parametrize("example", [e.stem for e in SHIPPED])
def test_screenshot_is_not_blank(example: str, reports: dict[str, Any],
                                 tmp_path: Path) -> None:
    html, _ = reports[example]
    png = tmp_path / "shot.png"
    screenshot(html, png, width=1000, height=1300)
    colours, inked = png_colours(png)
    assert colours >= 20, f"{colours} distinct colours: a blank or unstyled page?"
    assert inked > 0.05, f"only {inked:.1%} of the page is not white"


def test_blank_detection_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<html><body></body></html>")
    png = tmp_path / "blank.png"
    screenshot(page, png, width=400, height=300)
    colours, inked = png_colours(png)
    assert colours < 20 and inked < 0.05


def test_two_school_year_prints_on_two_a4_pages(reports: dict[str, Any],
                                                tmp_path: Path) -> None:
    html, plan = reports[SCREENSHOT_EXAMPLE.stem]
    assert len(plan["options"][0]["usual_times"]) == 2
    assert len(plan["options"][0]["meetings"]) == 12
    pdf = tmp_path / "report.pdf"
    print_pdf(html, pdf)
    data = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages"
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes
    for w, h in boxes:
        assert abs(float(w) - A4[0]) < 2 and abs(float(h) - A4[1]) < 2, (w, h)


@pytest.mark.parametrize("lang", ["ar", "ja"])
def test_report_in_another_language_in_the_browser(lang: str, tmp_path: Path) -> None:
    """``--lang``: the rendered page is in the reader's language (``dir=rtl`` for Arabic),
    shows every held meeting at the JSON plan's instants in each school's clock, written
    the language's way, and is not blank."""
    example = EXAMPLES / "england-kenya.toml"
    html = tmp_path / f"report.{lang}.html"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1788220800"}
    out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(example),
                          "--json", "--report", str(html), "--lang", lang],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    dom = dump_dom(html)
    w = words(lang)
    assert re.search(rf'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}"', dom)
    cells = _Cells()
    cells.feed(dom)
    assert w._("A typical week") in cells.sections and "A typical week" not in cells.sections
    best = plan["options"][0]
    assert list(cells.rows) == [m["month"] for m in best["meetings"]]
    for m in best["meetings"]:
        for sid, local in (m["local"] or {}).items():
            cell = cells.rows[m["month"]]["cells"][sid]
            assert cell["local"] == local
            minutes = int(local[11:13]) * 60 + int(local[14:16])
            text = cell["text"].replace(FSI, "").replace(PDI, "")
            assert w.time(minutes) in text, (m["month"], sid, text)
    png = tmp_path / "shot.png"
    screenshot(html, png, width=1000, height=1300)
    colours, inked = png_colours(png)
    assert colours >= 20 and inked > 0.05
