"""Suggestions (explain.md): the change family, the patches of the partnership file, and
each suggestion equal to applying its patch and planning again.

The reference here plans every change of the family from the patched file, with no
bounds and no reuse; the suggestions (bounded, reusing calendars and availabilities)
must be exactly its improving changes, sorted, at most five.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from hypothesis import given, settings
from strategies import partnerships

sys.path.insert(0, str(ROOT / "benchmarks"))
from workloads import MADRID_MEXICO

import twinschedule
from twinschedule.config import partnership as config
from twinschedule.core.alternate import plan as planner_plan
from twinschedule.core.plan import rule_dict
from twinschedule.core.rules import months
from twinschedule.core.suggest import MAX_SUGGESTIONS, apply_patch, changed, changes


def _file(p: twinschedule.Partnership) -> dict[str, Any]:
    """The partnership's file form, as a fresh file would be read (no imports here)."""
    return config.to_dict(p)


def reference(p: twinschedule.Partnership, data: dict[str, Any] | None = None,
              stretch: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every change of the family planned from the patched file, no shortcuts; and the
    stretch suggestion ``stretch`` (as the plan gives it: its windows are the search's)
    planned from its patched file too."""
    data = data if data is not None else _file(p)
    base = planner_plan(p)
    current = base.options[0].metrics.held if base.options else 0
    if base.options and current >= len(months(p.start, p.end)):
        return []
    found = []
    for order, change in enumerate(changes(p)):
        try:
            q = twinschedule.from_dict(apply_patch(data, change.patch))
        except twinschedule.ConfigError:
            continue
        got = planner_plan(q, top=1)
        if got.options and got.options[0].metrics.held > current:
            best = got.options[0]
            found.append((-best.metrics.held, order,
                          {"change": json.loads(json.dumps(change.patch)),
                           "held": best.metrics.held, "rule": rule_dict(best.rule)}))
    if stretch is not None:
        got = planner_plan(twinschedule.from_dict(apply_patch(data, stretch["change"])), top=1)
        best = got.options[0]
        assert best.metrics.held > current
        found.append((-best.metrics.held, len(found) + 1000,
                      {"change": stretch["change"], "held": best.metrics.held,
                       "rule": rule_dict(best.rule)}))
    found.sort(key=lambda x: (x[0], x[1]))
    return [x for _, _, x in found[:MAX_SUGGESTIONS]]


def _stretch(plan: twinschedule.Plan) -> dict[str, Any] | None:
    """The plan's stretch suggestion (suggestion 5), if any, as JSON."""
    return next((s for s in plan.to_dict()["suggestions"] if "schools" in s["change"]), None)


def _summary(plan: twinschedule.Plan) -> list[dict[str, Any]]:
    return [{"change": s["change"], "held": s["held"], "rule": s["rule"]}
            for s in plan.to_dict()["suggestions"]]


def test_madrid_mexico_suggestions() -> None:
    p = twinschedule.from_dict(MADRID_MEXICO)
    plan = twinschedule.plan(p)
    assert not plan.feasible
    got = plan.to_dict()["suggestions"]
    assert [s["change"] for s in got] == [
        {"school": "madrid", "set": {"hours": ["08:30-15:00"]}},
        {"school": "madrid", "set": {"hours": ["08:30-15:30"]}},
        {"school": "mexico", "set": {"hours": ["06:30-13:30"]}},
        {"school": "mexico", "set": {"hours": ["06:00-13:30"]}},
        {"partnership": {"set": {"duration": 30}, "unset": []}},
    ]
    assert [(s["held"], s["rule"]["nth"], s["rule"]["weekday"], s["rule"]["time"])
            for s in got] == [(6, 4, "TU", "14:00")] * 2 + [(6, 4, "TU", "13:30")] * 2 \
        + [(6, 4, "TU", "14:00")]
    assert got[0]["text"] == ("If IES San Isidro could meet until 15:00 instead of 14:30, "
                              "6 of 10 meetings would be held: 4th Tuesday of every month at "
                              "14:00 (Europe/Madrid).")
    assert _summary(plan) == reference(p, copy.deepcopy(MADRID_MEXICO))
    keys = list(plan.to_dict())
    assert keys.index("suggestions") == keys.index("options") + 1


def test_family_order_and_skipped_changes() -> None:
    data = copy.deepcopy(MADRID_MEXICO)
    data["schools"][0]["hours"] = ["00:00-02:00", "20:00-24:00"]
    data["schools"][1]["hours_by_day"] = {"FR": ["09:00-10:00", "12:00-13:00"]}
    data["partnership"].update(duration=20, weeks=[1, 2], on_conflict="skip")
    p = twinschedule.from_dict(data)
    kinds = [(c.kind, c.patch) for c in changes(p)]
    # Madrid's day starts at 00:00 and ends at 24:00: no hours change is tried.
    assert kinds == [
        ("earlier", {"school": "mexico", "set": {
            "hours": ["06:30-13:30"], "hours_by_day": {"FR": ["08:30-10:00", "12:00-13:00"]}}}),
        ("earlier", {"school": "mexico", "set": {
            "hours": ["06:00-13:30"], "hours_by_day": {"FR": ["08:00-10:00", "12:00-13:00"]}}}),
        ("later", {"school": "mexico", "set": {
            "hours": ["07:00-14:00"], "hours_by_day": {"FR": ["09:00-10:00", "12:00-13:30"]}}}),
        ("later", {"school": "mexico", "set": {
            "hours": ["07:00-14:30"], "hours_by_day": {"FR": ["09:00-10:00", "12:00-14:00"]}}}),
        # 20 - 15 = 5 and 20 - 30 are under 15 minutes: no shorter meeting.
        ("weekdays", {"partnership": {"set": {}, "unset": ["weekdays"]}}),
        ("weeks", {"partnership": {"set": {}, "unset": ["weeks"]}}),
        ("moves", {"partnership": {"set": {"on_conflict": "move"},
                                   "unset": ["max_move_days"]}}),
    ]


def test_default_hours_are_written_and_clamped() -> None:
    data = copy.deepcopy(MADRID_MEXICO)
    del data["schools"][0]["hours"]
    data["schools"][1]["hours"] = ["00:30-23:30"]
    p = twinschedule.from_dict(data)
    patches = [c.patch for c in changes(p)]
    assert patches[:4] == [{"school": "madrid", "set": {"hours": [h]}} for h in
                           ("08:30-15:00", "08:00-15:00", "09:00-15:30", "09:00-16:00")]
    # Clamped to 00:00 and 24:00, still a change.
    assert patches[4:8] == [{"school": "mexico", "set": {"hours": [h]}} for h in
                            ("00:00-23:30", "00:00-23:30", "00:30-24:00", "00:30-24:00")]


def test_apply_patch_does_not_modify_the_file() -> None:
    data = copy.deepcopy(MADRID_MEXICO)
    before = copy.deepcopy(data)
    out = apply_patch(data, {"partnership": {"set": {"duration": 30}, "unset": ["weekdays"]}})
    assert data == before
    assert out["partnership"]["duration"] == 30 and "weekdays" not in out["partnership"]


def test_no_suggestions_when_every_month_is_held_or_when_asked() -> None:
    p = twinschedule.load(EXAMPLES / "england-australia.toml")
    plan = twinschedule.plan(p)
    assert plan.options[0].metrics.held == len(months(p.start, p.end))
    assert plan.suggestions == ()
    q = twinschedule.from_dict(MADRID_MEXICO)
    assert twinschedule.plan(q, suggest=False).suggestions == ()
    assert twinschedule.plan(q, suggest=False).to_dict()["suggestions"] == []


@pytest.mark.parametrize("name", [*sorted(p.name for p in EXAMPLES.glob("*.toml")),
                                  "infeasible/honolulu-delhi.toml"])
def test_shipped_examples_agree_with_replanning(name: str) -> None:
    p = twinschedule.load(EXAMPLES / name)
    for change in changes(p):
        assert change.apply(p) == changed(p, change.patch)
    plan = twinschedule.plan(p)
    data = _file(p)
    imports = any(s.closures_ics for s in p.schools)
    if imports:  # the file form reads the imported calendars relative to the example
        got = [s.to_dict() for s in plan.suggestions]
        for s in got:
            q = twinschedule.from_dict(
                apply_patch(twinschedule.to_dict(p), s["change"]), base_dir=EXAMPLES)
            best = planner_plan(q, top=1).options[0]
            assert (best.metrics.held, rule_dict(best.rule)) == (s["held"], s["rule"])
        return
    assert _summary(plan) == reference(p, data, _stretch(plan))


@settings(max_examples=40)
@given(partnerships(max_months=3, max_schools=3))
def test_suggestions_equal_replanning_each_patch(data: dict[str, Any]) -> None:
    try:
        p = twinschedule.from_dict(data)
    except twinschedule.ConfigError:
        return
    for change in changes(p):
        assert change.apply(p) == changed(p, change.patch)
    plan = twinschedule.plan(p)
    assert _summary(plan) == reference(p, config.to_dict(p), _stretch(plan))
    for s in plan.suggestions:
        assert s.held > (plan.options[0].metrics.held if plan.options else 0)


def test_cli_json_and_text(tmp_path: Path) -> None:
    data = copy.deepcopy(MADRID_MEXICO)
    f = tmp_path / "mm.json"
    f.write_text(json.dumps(data))
    out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(f), "--json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert len(json.loads(out.stdout)["suggestions"]) == 5
    text = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(f)],
                          capture_output=True, text=True, cwd=ROOT).stdout
    assert "  - If the meeting lasted 30 minutes instead of 45" in text


def test_suggestion_dates_are_strings_in_file_form() -> None:
    # The patched file is a plain dict: dates as the file gives them still load.
    data = copy.deepcopy(MADRID_MEXICO)
    data["partnership"]["start"] = dt.date(2026, 9, 1)
    p = twinschedule.from_dict(data)
    assert twinschedule.plan(p).to_dict()["suggestions"]
