"""The stretch keys of the file format (config.md): ``stretch`` windows per school,
``stretch_share`` and ``alternate`` per partnership, every problem reported at once,
the file form written back, and the keys refused in network files."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import twinschedule
from twinschedule.config import partnership as config
from twinschedule.model import Window

BASE: dict[str, Any] = {
    "partnership": {"id": "far", "name": "Far", "start": "2026-09-01", "end": "2027-06-30",
                    "duration": 45},
    "schools": [
        {"id": "akl", "name": "Auckland", "timezone": "Pacific/Auckland",
         "hours": ["08:45-15:15"], "stretch": ["07:30-08:45", "19:30-21:00"]},
        {"id": "rvk", "name": "Reykjavik", "timezone": "Atlantic/Reykjavik"},
    ],
}


def _with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["partnership"].update(changes.pop("partnership", {}))
    for key, value in changes.items():
        data["schools"][0][key] = value
    return data


def test_stretch_windows_and_defaults() -> None:
    p = twinschedule.from_dict(_with())
    akl, rvk = p.schools
    assert akl.stretch == (Window(start=450, end=525), Window(start=1170, end=1260))
    assert rvk.stretch == ()
    assert (p.stretch_share, p.alternate, p.has_stretch, p.alternates) == (0.5, "auto", True,
                                                                           True)
    # The day's windows and the stretch windows merge where they touch.
    assert [str(w) for w in akl.open_windows_on("MO")] == ["07:30-15:15", "19:30-21:00"]
    assert akl.windows_on("MO") == akl.hours


def test_alternate_auto_false_true() -> None:
    plain = copy.deepcopy(BASE)
    del plain["schools"][0]["stretch"]
    assert twinschedule.from_dict(plain).alternates is False
    plain["partnership"]["alternate"] = True
    assert twinschedule.from_dict(plain).alternates is True
    assert twinschedule.from_dict(_with(partnership={"alternate": False})).alternates is False


def test_every_problem_at_once() -> None:
    data = _with(stretch=["19:30-18:00", "7am-8am"],
                 partnership={"stretch_share": 1.5, "alternate": "sometimes"})
    data["schools"][1]["stretch"] = []
    with pytest.raises(twinschedule.ConfigError) as caught:
        twinschedule.from_dict(data)
    paths = sorted({problem.path for problem in caught.value.problems})
    assert paths == ["partnership.alternate", "partnership.stretch_share",
                     "schools[0] (akl).stretch[0]", "schools[0] (akl).stretch[1]",
                     "schools[1] (rvk).stretch"]
    messages = " ".join(problem.message for problem in caught.value.problems)
    assert "not a share from 0 to 1" in messages and "not true, false or 'auto'" in messages


def test_stretch_share_type() -> None:
    with pytest.raises(twinschedule.ConfigError, match="expected a number from 0 to 1"):
        twinschedule.from_dict(_with(partnership={"stretch_share": "half"}))
    assert twinschedule.from_dict(_with(partnership={"stretch_share": 0})).stretch_share == 0.0
    assert twinschedule.from_dict(_with(partnership={"stretch_share": 1})).stretch_share == 1.0


def test_file_form_round_trip() -> None:
    p = twinschedule.from_dict(_with(partnership={"stretch_share": 0.3, "alternate": True}))
    data = config.to_dict(p)
    assert data["schools"][0]["stretch"] == ["07:30-08:45", "19:30-21:00"]
    assert "stretch" not in data["schools"][1]
    assert (data["partnership"]["stretch_share"], data["partnership"]["alternate"]) == (0.3,
                                                                                        True)
    assert config.from_dict(data) == p
    defaults = config.to_dict(twinschedule.from_dict(_with()))["partnership"]
    assert "stretch_share" not in defaults and "alternate" not in defaults


def test_networks_refuse_stretch_keys() -> None:
    data = copy.deepcopy(BASE)
    data["network"] = data.pop("partnership")
    data["network"].update(anchor="Europe/London", stretch_share=0.5, alternate=True)
    with pytest.raises(twinschedule.ConfigError) as caught:
        twinschedule.network_from_dict(data)
    paths = {problem.path for problem in caught.value.problems}
    assert {"network.stretch_share", "network.alternate"} <= paths
    assert any(path.startswith("schools[0]") and path.endswith("stretch") for path in paths)
