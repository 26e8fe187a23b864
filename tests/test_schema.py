"""Every example's JSON plan (and the conformance cases') validates against the
documented, versioned schema in docs/plan.schema.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import CONFORMANCE, EXAMPLES, ROOT

SCHEMA = json.loads((ROOT / "docs" / "plan.schema.json").read_text())
FILES = (sorted(p for p in EXAMPLES.glob("**/*.toml") if "networks" not in p.parts)
         + sorted((CONFORMANCE / "cases").glob("*.toml")))  # copies of the public cases


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_plan_json_matches_schema(path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(path), "--json"],
                         capture_output=True, cwd=ROOT)
    assert out.returncode in (0, 1), out.stderr
    jsonschema.validate(json.loads(out.stdout), SCHEMA)


def test_schema_rejects_a_wrong_plan() -> None:
    plan = {"version": "0.1.0", "tzdata": "2026f", "partnership": {"id": "x", "name": "X"},
            "horizon": {"start": "2026-09-01", "end": "2027-08-31"}, "feasible": True,
            "options": [{"rank": 1, "rule": {}, "metrics": {}, "usual_times": {},
                         "meetings": []}], "diagnostics": None}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plan, SCHEMA)


def test_reissued_plans_match_schema() -> None:
    """Plans with an agreement and --previous (agreed, kept, series, changes of every
    kind, sequence) validate too."""
    import datetime as dt

    import twinschedule

    case = CONFORMANCE / "agreement" / "lisbon-maputo"
    v1 = twinschedule.plan(twinschedule.load(case / "v1.toml"))
    data = twinschedule.to_dict(twinschedule.load(case / "v2.toml"))
    data["agreement"] = {"rule": "2nd TU 11:00 Europe/Lisbon", "since": "2027-03-01"}
    data["partnership"]["end"] = "2027-07-30"
    v2 = twinschedule.plan(twinschedule.from_dict(data), previous=v1,
                           today=dt.date(2027, 1, 15))
    plan = v2.to_dict()
    assert {c["change"] for c in plan["changes"]} >= {"rule-changed", "moved", "added"}
    assert "kept" in plan["options"][0]["meetings"][0] and plan["options"][0]["series"]
    jsonschema.validate(plan, SCHEMA)
    plan["changes"][0]["change"] = "postponed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plan, SCHEMA)
