"""The HTML report without a browser: deterministic, escaped, self-contained, the week
strip's data, and the CLI's --report."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule import report
from twinschedule.render_html import Wording, render

MADE = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def _html(plan: twinschedule.Plan, wording: Wording | None = None) -> str:
    return render(report.build(plan, made=MADE, holidays="0.109", program="twinschedule x"),
                  wording)


def test_same_plan_same_bytes_and_escaped_names() -> None:
    data = twinschedule.to_dict(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    data = copy.deepcopy(data)
    data["schools"][0]["name"] = "<b>Rugby</b> & \"Co\""
    p = twinschedule.from_dict(data)
    plan = twinschedule.plan(p)
    a, b = _html(plan), _html(twinschedule.plan(p))
    assert a == b
    assert "<b>Rugby</b>" not in a and "&lt;b&gt;Rugby&lt;/b&gt; &amp; &quot;Co&quot;" in a
    assert "made 2026-09-01 00:00 UTC" in a and "holidays 0.109" in a and "2026f" in a
    assert not re.search(r"<script|<link|<img|https?://(?!www\.w3\.org/2000/svg)", a)


def test_moved_from_is_the_nominal_date_in_the_anchor_zone() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    html = _html(plan)
    moved = [m for m in plan.options[0].meetings if m.status == "moved"]
    assert moved
    for m in moved:
        zone = twinschedule._zones.get_zone(plan.options[0].rule.anchor)
        day = m.nominal.astimezone(zone).strftime("%a %d %b")
        assert f"moved from {day}" in html


def test_week_strip_data() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    week = report.week_strip(plan)
    assert week.monday.weekday() == 0
    first = next(m for m in plan.options[0].meetings if m.start is not None)
    assert week.meeting is not None and first.start is not None
    week0 = dt.datetime.combine(week.monday, dt.time(), dt.UTC)
    assert week0 + dt.timedelta(minutes=week.meeting.start) == first.start
    # The meeting lies inside every school's windows and inside the overlap.
    for row in week.rows:
        assert any(s.start <= week.meeting.start and week.meeting.end <= s.end
                   for s in row.spans), row.name
    assert any(s.start <= week.meeting.start and week.meeting.end <= s.end
               for s in week.overlap)
    # The meeting's day is a run of its own; runs do not overlap.
    day = week.meeting.start // 1440
    assert (day, day) in week.days
    covered = [d for a, b in week.days for d in range(a, b + 1)]
    assert len(covered) == len(set(covered))


def test_wording_is_the_one_place_for_texts() -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    marked = _html(plan, Wording(translate=lambda s: f"«{s}»", lang="xx"))
    assert '<html lang="xx">' in marked
    headings = re.findall(r"<h2>(.*?)</h2>", marked)
    assert len(headings) >= 4 and all(h.startswith("«") for h in headings), headings
    heads = re.findall(r"<th>([^<]*)</th>", marked)
    words = {"Rule", "Held", "Moved", "Month", "Status", "Why"}
    assert {h.strip("«»") for h in heads} >= words and not words & set(heads)


def test_cli_report_with_source_date_epoch(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "r.html"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1788220800"}
    done = subprocess.run([sys.executable, "-m", "twinschedule", "plan",
                           str(EXAMPLES / "infeasible" / "honolulu-delhi.toml"),
                           "--report", str(out)], capture_output=True, text=True, cwd=ROOT,
                          env=env)
    assert done.returncode == 1, done.stderr
    html = out.read_text()
    assert "made 2026-09-01 00:00 UTC" in html
    assert "Why no time fits" in html and "Closest: 1st Monday" in html
    assert [p.name for p in out.parent.iterdir()] == ["r.html"]  # no temporary file left
