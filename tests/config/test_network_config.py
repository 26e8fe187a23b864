"""Network files: the [network] table, 2 to 5000 schools, every problem reported with
its path (the school checks are those of partnership files)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFORMANCE as _COPIES

import twinschedule
from twinschedule.errors import ConfigError
from twinschedule.model import Network

CONFORMANCE = _COPIES / "network" / "cases"

BASE: dict[str, Any] = {
    "network": {"id": "esha", "name": "ESHA webinar", "start": "2026-09-01",
                "end": "2027-06-30", "duration": 60, "anchor": "Europe/Brussels"},
    "schools": [
        {"id": "a", "name": "A", "timezone": "Europe/London", "country": "GB"},
        {"id": "b", "name": "B", "timezone": "Africa/Nairobi", "country": "KE"},
    ],
}


def problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        twinschedule.network_from_dict(data)
    return [(p.path, p.message) for p in info.value.problems]


def test_minimal_network_is_a_network_with_defaults() -> None:
    n = twinschedule.network_from_dict(BASE)
    assert isinstance(n, Network)
    assert (n.id, n.anchor, n.sessions, n.step, n.top) == ("esha", "Europe/Brussels", 1, 15, 5)
    assert [s.id for s in n.schools] == ["a", "b"]
    assert n.schools[0].holidays == ("public",)


def test_sessions_two_and_options_are_kept() -> None:
    d = copy.deepcopy(BASE)
    d["network"].update(sessions=2, weekdays=["we", "TU"], weeks=[-1, 2], step=30, top=3,
                        on_conflict="skip", max_move_days=3, title="T", sequence=4)
    n = twinschedule.network_from_dict(d)
    assert (n.sessions, n.weekdays, n.weeks, n.step, n.top) == (2, ("TU", "WE"), (2, -1), 30, 3)
    assert (n.on_conflict, n.max_move_days, n.title, n.sequence) == ("skip", 3, "T", 4)


def test_every_problem_is_reported_with_its_path() -> None:
    d = copy.deepcopy(BASE)
    del d["network"]["anchor"]
    d["network"]["sessions"] = 3
    d["network"]["colour"] = "red"
    d["schools"].append({"id": "c", "name": "C", "timezone": "Europe/Lodnon"})
    d["schools"].append({"id": "a", "name": "A2", "timezone": "Asia/Tokyo", "hours": ["9-5"]})
    got = problems(d)
    paths = [p for p, _ in got]
    assert "network.anchor" in paths
    assert ("network.sessions", "3 is not 1 or 2 (a repeat session)") in got
    assert "network.colour" in paths
    assert "schools[2] (c).timezone" in paths
    assert any("did you mean 'Europe/London'" in m for p, m in got
               if p == "schools[2] (c).timezone")
    assert "schools[3] (a).hours[0]" in paths


@pytest.mark.parametrize("value", [0, 1.0, True, "2", -1, 10**30])
def test_sessions_must_be_one_or_two(value: object) -> None:
    d = copy.deepcopy(BASE)
    d["network"]["sessions"] = value
    assert [p for p, _ in problems(d)] == ["network.sessions"]


def test_partnership_table_is_not_a_network() -> None:
    d = {"partnership": BASE["network"], "schools": BASE["schools"]}
    got = problems(d)
    assert len(got) == 1 and "'twinschedule plan' reads it" in got[0][1]


def test_horizon_is_at_most_three_years() -> None:
    d = copy.deepcopy(BASE)
    d["network"]["end"] = "2029-09-02"
    assert [p for p, _ in problems(d)] == ["network.end"]
    d["network"]["end"] = "2029-09-01"
    twinschedule.network_from_dict(d)


def school(i: int) -> dict[str, Any]:
    return {"id": f"s{i}", "name": f"S{i}", "timezone": "Europe/Paris"}


def test_school_count_limits() -> None:
    d = copy.deepcopy(BASE)
    d["schools"] = [school(0)]
    assert [p for p, _ in problems(d)] == ["schools"]
    d["schools"] = [school(i) for i in range(5000)]
    assert len(twinschedule.network_from_dict(d).schools) == 5000
    d["schools"].append(school(5000))
    got = problems(d)
    assert got == [("schools", "5001 schools is more than the 5000 allowed")]


def test_problem_deep_in_a_large_network_has_its_index() -> None:
    d = copy.deepcopy(BASE)
    d["schools"] = [school(i) for i in range(1000)]
    d["schools"][812]["timezone"] = "Mars/Olympus"
    got = problems(d)
    assert [p for p, _ in got] == ["schools[812] (s812).timezone"]


def test_conformance_cases_load() -> None:
    for case in sorted(CONFORMANCE.glob("*.toml")):
        n = twinschedule.load_network(case)
        assert len(n.schools) >= 2


def test_partnership_loader_unchanged_by_the_sharing() -> None:
    d = {"partnership": {k: v for k, v in BASE["network"].items()}, "schools": BASE["schools"]}
    p = twinschedule.from_dict(d)
    assert p.anchor == "Europe/Brussels"
    d["partnership"]["sessions"] = 2
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(d)
    assert [q.path for q in info.value.problems] == ["partnership.sessions"]


def test_load_network_reports_the_file(tmp_path: Path) -> None:
    bad = copy.deepcopy(BASE)
    bad["schools"][1]["timezone"] = "Nowhere"
    f = tmp_path / "net.json"
    f.write_text(json.dumps(bad))
    with pytest.raises(ConfigError) as info:
        twinschedule.load_network(f)
    assert "net.json" in str(info.value)
    assert [p.path for p in info.value.problems] == ["schools[1] (b).timezone"]


def test_closures_ics_relative_to_base_dir(tmp_path: Path) -> None:
    d = copy.deepcopy(BASE)
    d["schools"][0]["closures_ics"] = ["missing.ics"]
    got = problems(d)
    assert [p for p, _ in got] == ["schools[0] (a).closures_ics"]
    with pytest.raises(ConfigError) as info:
        twinschedule.network_from_dict(d, base_dir=tmp_path)
    assert [p.path for p in info.value.problems] == ["schools[0] (a).closures_ics[0]"]
