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
