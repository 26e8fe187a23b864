"""Imported calendars stay inside the partnership's folder (for ``load`` and for
``from_dict(base_dir=...)``), and a file that is not iCalendar is refused without
quoting its content."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest

import twinschedule
from twinschedule.errors import ConfigError

GOOD = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        b"DTSTART;VALUE=DATE:20261012\r\nSUMMARY:Closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
SECRET = b"root:x:0:0:root:/root:/bin/bash\nTOP-SECRET-PASSWORD=hunter2\n"
BASE: dict[str, Any] = {
    "partnership": {"id": "p", "name": "P", "start": "2026-09-01", "end": "2027-07-31",
                    "duration": 45},
    "schools": [{"id": "a", "name": "A", "timezone": "Europe/London"},
                {"id": "b", "name": "B", "timezone": "Africa/Nairobi"}],
}


def layout(tmp_path: Path) -> Path:
    """tmp/outside/secret.ics (not iCalendar) and tmp/site/p/ (the partnership folder)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.ics").write_bytes(SECRET)
    (tmp_path / "outside" / "good.ics").write_bytes(GOOD)
    folder = tmp_path / "site" / "p"
    (folder / "calendars").mkdir(parents=True)
    (folder / "calendars" / "term.ics").write_bytes(GOOD)
    return folder


def problems(folder: Path, name: str) -> list[str]:
    data = copy.deepcopy(BASE)
    data["schools"][0]["closures_ics"] = [name]
    toml = folder / "p.json"
    import json

    toml.write_text(json.dumps(data))
    got: list[list[str]] = []
    for call in (lambda: twinschedule.load(toml),
                 lambda: twinschedule.from_dict(data, base_dir=folder)):
        with pytest.raises(ConfigError) as err:
            call()
        got.append([f"{p.path}: {p.message}" for p in err.value.problems])
    assert got[0] == got[1]
    for message in got[0]:
        assert "hunter2" not in message and "x:0:0" not in message
    return got[0]


def test_inside_is_read(tmp_path: Path) -> None:
    folder = layout(tmp_path)
    data = copy.deepcopy(BASE)
    data["schools"][0]["closures_ics"] = ["calendars/term.ics", "./calendars/../calendars/"
                                          "term.ics"]
    p = twinschedule.from_dict(data, base_dir=folder)
    assert {r.name for r in p.schools[0].imported_closures} == {"Closed"}


@pytest.mark.parametrize("name", ["/etc/passwd", "OUTSIDE"])
def test_absolute_paths_are_refused(tmp_path: Path, name: str) -> None:
    folder = layout(tmp_path)
    target = str(tmp_path / "outside" / "good.ics") if name == "OUTSIDE" else name
    [message] = problems(folder, target)
    assert "an absolute path" in message


@pytest.mark.parametrize("name", ["../../outside/secret.ics", "../../../../../etc/passwd",
                                  "calendars/../../../outside/good.ics"])
def test_dotdot_escapes_are_refused(tmp_path: Path, name: str) -> None:
    folder = layout(tmp_path)
    [message] = problems(folder, name)
    assert "leads outside the partnership file's folder" in message


def test_symbolic_link_out_is_refused(tmp_path: Path) -> None:
    folder = layout(tmp_path)
    os.symlink(tmp_path / "outside" / "secret.ics", folder / "calendars" / "link.ics")
    os.symlink(tmp_path / "outside", folder / "linked-folder")
    [message] = problems(folder, "calendars/link.ics")
    assert "leads outside the partnership file's folder" in message
    [message] = problems(folder, "linked-folder/good.ics")
    assert "leads outside" in message


def test_symbolic_link_inside_is_fine(tmp_path: Path) -> None:
    folder = layout(tmp_path)
    os.symlink(folder / "calendars" / "term.ics", folder / "alias.ics")
    data = copy.deepcopy(BASE)
    data["schools"][0]["closures_ics"] = ["alias.ics"]
    p = twinschedule.from_dict(data, base_dir=folder)
    assert len(p.schools[0].imported_closures) == 1


def test_not_icalendar_inside_is_refused_without_its_content(tmp_path: Path) -> None:
    folder = layout(tmp_path)
    (folder / "passwd.ics").write_bytes(SECRET)
    [message] = problems(folder, "passwd.ics")
    assert message.endswith("not an iCalendar file (it does not start with BEGIN:VCALENDAR)")
