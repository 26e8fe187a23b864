"""The copied public conformance cases (tests/conformance/) plan to their expected JSON.

The same fields as the specification's ``check`` script compare (feasible, diagnostics,
per option the rule, metrics and usual times, per meeting the times and the set of
(school, reason) pairs), so a fresh clone checks them with nothing beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFORMANCE

CASES = sorted((CONFORMANCE / "cases").glob("*.toml"))
RULE_KEYS = ("nth", "weekday", "time", "anchor", "duration", "rrule")
METRIC_KEYS = ("held", "scheduled", "moved", "skipped", "drift", "max_burden", "total_burden")
MEETING_KEYS = ("month", "status", "nominal", "start", "end", "local")


def _fixed(plan: dict[str, Any]) -> dict[str, Any]:
    """The part of a JSON plan that the specification fixes."""
    diag = plan.get("diagnostics")
    return {
        "feasible": plan["feasible"],
        "diagnostics": None if diag is None else {k: diag.get(k) for k in
                                                  ("ruled_out", "weekly_overlap")},
        "options": [{
            "rank": o["rank"],
            "rule": {k: o["rule"].get(k) for k in RULE_KEYS},
            "metrics": {k: o["metrics"].get(k) for k in METRIC_KEYS},
            "usual_times": o.get("usual_times"),
            "meetings": [{**{k: m.get(k) for k in MEETING_KEYS},
                          "reasons": sorted({(r.get("school"), r.get("reason"))
                                             for r in m.get("reasons") or []})}
                         for m in o["meetings"]],
        } for o in plan.get("options", [])],
    }


def test_cases_are_copied() -> None:
    assert len(CASES) >= 5, "tests/conformance/cases holds the public cases"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_copied_case_plans_as_expected(case: Path) -> None:
    expected = json.loads((CONFORMANCE / "expected" / f"{case.stem}.json").read_text())
    out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(case), "--json"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == (0 if expected["feasible"] else 1), out.stderr
    assert _fixed(json.loads(out.stdout)) == _fixed(expected)


STRETCH = sorted((CONFORMANCE / "stretch" / "cases").glob("*.toml"))
STRETCH_METRICS = (*METRIC_KEYS, "max_stretch", "stretch")


def _stretch_fixed(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """What ``check-stretch`` compares: per option its kind, rules, metrics (with the
    stretch meetings) and every meeting's month, status, start, rule and stretching
    schools."""
    return [{
        "kind": o.get("kind"),
        "rules": [[r.get(k) for k in ("nth", "weekday", "time", "anchor")]
                  for r in o.get("rules") or [o["rule"]]],
        "metrics": {k: o["metrics"].get(k) for k in STRETCH_METRICS},
        "meetings": [[m.get("month"), m.get("status"), m.get("start"), m.get("rule", 0),
                      sorted(m.get("stretch") or [])] for m in o["meetings"]],
    } for o in plan.get("options", [])]


def test_stretch_cases_are_copied() -> None:
    assert STRETCH, "tests/conformance/stretch/cases holds the public stretch cases"


@pytest.mark.parametrize("case", STRETCH, ids=lambda p: p.stem)
def test_copied_stretch_case_plans_as_expected(case: Path) -> None:
    """The stretch cases as ``check-stretch`` plans them (``--top 3``)."""
    expected = json.loads((CONFORMANCE / "stretch" / "expected" / f"{case.stem}.json")
                          .read_text())
    out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(case), "--json",
                          "--top", "3"], capture_output=True, text=True, check=False)
    assert out.returncode in (0, 1), out.stderr
    assert _stretch_fixed(json.loads(out.stdout)) == _stretch_fixed(expected)
# --- agreements across a re-plan (agreement/<case>/, as check-agreement compares) ------

AGREEMENT_CASES = sorted(p for p in (CONFORMANCE / "agreement").iterdir() if p.is_dir())


def _agreed_view(plan: dict[str, Any], with_kept: bool) -> dict[str, Any]:
    o = (plan.get("options") or [{}])[0]
    r = o.get("rule") or {}
    return {"agreed": o.get("agreed"),
            "rule": [r.get(k) for k in ("nth", "weekday", "time", "anchor")],
            "meetings": [[m.get("month"), m.get("status"), m.get("start")]
                         + ([bool(m.get("kept"))] if with_kept else [])
                         for m in o.get("meetings", [])]}


def _agreed_want(expected: dict[str, Any], with_kept: bool) -> dict[str, Any]:
    r = expected["rule"]
    return {"agreed": True, "rule": [r[k] for k in ("nth", "weekday", "time", "anchor")],
            "meetings": [[m["month"], m["status"], m["start"]]
                         + ([m["kept"]] if with_kept else []) for m in expected["meetings"]]}


def test_agreement_cases_are_copied() -> None:
    assert [p.name for p in AGREEMENT_CASES] == ["lisbon-maputo"]


@pytest.mark.parametrize("case", AGREEMENT_CASES, ids=lambda p: p.name)
def test_copied_agreement_case_replans_as_expected(case: Path, tmp_path: Path) -> None:
    def run(*args: str) -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", *args, "--json"],
                             capture_output=True, text=True, check=False)
        assert out.returncode == 0, out.stderr
        (tmp_path / "plan.json").write_text(out.stdout)
        return dict(json.loads(out.stdout))

    v1 = run(str(case / "v1.toml"))
    assert _agreed_view(v1, False) == _agreed_want(
        json.loads((case / "expected-v1.json").read_text()), False)
    today = (case / "today.txt").read_text().strip()
    previous = tmp_path / "v1.json"
    (tmp_path / "plan.json").rename(previous)
    v2 = run(str(case / "v2.toml"), "--previous", str(previous), "--today", today)
    expected = json.loads((case / "expected-v2.json").read_text())
    assert _agreed_view(v2, True) == _agreed_want(expected, True)
    assert [[c["month"], c["change"]] for c in v2["changes"] if c["month"]] == [
        [c["month"], c["change"]] for c in expected["changes"]]
    assert v2["sequence"] == expected["sequence"]
