"""``twinschedule check`` says what each imported file made; ``check --json`` as the
output contract gives it; weekly busy times in the file; ``--version``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import partnership, school

import twinschedule
from twinschedule.core.calendar import build_calendars

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ics"
D = dt.date


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          text=True, check=False)


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "cal").mkdir(exist_ok=True)
    for name in ("google.ics", "term-days.ics", "website-plugin.ics"):
        shutil.copy(FIXTURES / name, tmp_path / "cal" / name)
    path = tmp_path / "p.toml"
    path.write_text(body)
    return path


HEAD = """
[partnership]
id = "imports"
name = "Imports"
start = 2026-09-01
end = 2026-12-31
duration = 45

[[schools]]
id = "rugby"
name = "Rugby"
timezone = "Europe/London"
"""
TAIL = """
[[schools]]
id = "oslo"
name = "Oslo"
timezone = "Europe/Oslo"
"""


def test_check_json(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + """closures_ics = ["cal/google.ics",
  { file = "cal/website-plugin.ics", as = "closures", include = ["no school"] }]
""" + TAIL)
    r = run("check", str(path), "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert list(got) == ["partnership", "schools", "warnings"]
    rugby, oslo = got["schools"]
    assert oslo == {"id": "oslo", "timezone": "Europe/Oslo", "open_days": 88, "imports": [],
                    "imported_closed_dates": [], "imported_busy": []}
    assert rugby["imports"] == [
        {"file": "cal/google.ics", "as": "closures", "events": 7,
         "used": {"busy": 3, "closures": 2}, "not_used": {"cancelled": 1, "transparent": 1}},
        {"file": "cal/website-plugin.ics", "as": "closures", "events": 3,
         "used": {"closures": 2}, "not_used": {"filtered": 1}}]
    assert rugby["imported_closed_dates"] == [
        "2026-10-12", "2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30",
        "2026-11-11"]
    assert rugby["imported_busy"] == [
        ["2026-09-09T12:15:00Z", "2026-09-09T13:15:00Z"],
        ["2026-09-23T14:15:00Z", "2026-09-23T15:15:00Z"],
        ["2026-09-30T12:15:00Z", "2026-09-30T13:15:00Z"]]
    assert rugby["open_days"] == 88 - 7
    assert got["warnings"] == []


def test_check_warns_about_term_day_calendars_and_empty_files(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + """closures_ics = ["cal/term-days.ics",
  { file = "cal/website-plugin.ics", include = ["nothing matches this"] }]
""" + TAIL)
    r = run("check", str(path))
    assert r.returncode == 0, r.stderr
    assert "cal/term-days.ics (as closures): 3 events in the horizon; used 3 as closures" \
        in r.stdout
    assert ("warning: rugby: 'cal/website-plugin.ics' contributes nothing (3 filtered)"
            in r.stdout)
    assert "warning: rugby: 'cal/term-days.ics' closes 73 of the 88 school days" in r.stdout
    assert 'as = "open-days"' in r.stdout
    # Read as open days, the same file closes the holidays instead, without warnings.
    path = write(tmp_path, HEAD + """closures_ics = [
  { file = "cal/term-days.ics", as = "open-days" }]
""" + TAIL)
    data = json.loads(run("check", str(path), "--json").stdout)
    assert data["warnings"] == []
    closed = data["schools"][0]["imported_closed_dates"]
    assert closed[:2] == ["2026-09-01", "2026-10-24"] and closed[-1] == "2026-12-31"
    assert len(closed) == 1 + 9 + 13


def test_version() -> None:
    import holidays

    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == (f"twinschedule {twinschedule.__version__} (time zone data "
                                f"tzdata {twinschedule.TZDATA_VERSION}, holidays "
                                f"{holidays.__version__})")


# --- weekly busy times --------------------------------------------------------------------


def test_weekly_busy() -> None:
    p = partnership([school("a", "Europe/London", busy=[
        {"every": ["TU", "thursday"], "from": "14:00", "to": "15:00", "name": "Staff meeting"},
        {"on": D(2026, 9, 2), "from": "10:00", "to": "11:00"}]),
        school("b", "Europe/Oslo")], start=D(2026, 9, 1), end=D(2026, 11, 30))
    assert p.schools[0].busy[0].every == ("TU", "TH") and p.schools[0].busy[0].on is None
    cal = build_calendars(p)[0]
    tuesday_bst = dt.datetime(2026, 9, 1, 13, 30, tzinfo=dt.UTC)  # 14:30 BST
    tuesday_gmt = dt.datetime(2026, 11, 3, 14, 30, tzinfo=dt.UTC)  # 14:30 GMT
    wednesday = dt.datetime(2026, 9, 2, 13, 30, tzinfo=dt.UTC)
    hour = dt.timedelta(minutes=30)
    for when in (tuesday_bst, tuesday_gmt):
        assert [(c.reason, c.detail) for c in cal.conflicts(when, when + hour)] == [
            ("busy", "Staff meeting")]
    assert cal.conflicts(wednesday, wednesday + hour) == []
    assert cal.conflicts(tuesday_gmt - dt.timedelta(hours=1),
                         tuesday_gmt - dt.timedelta(minutes=30)) == []
    # The round trip keeps the weekly form.
    again = twinschedule.from_dict(twinschedule.to_dict(p))
    assert again.schools[0].busy == p.schools[0].busy
    # The planner never meets in it.
    plan = twinschedule.plan(p)
    for option in plan.options:
        for m in option.meetings:
            if m.start is not None and m.end is not None:
                assert not any(c.reason == "busy" for c in cal.conflicts(m.start, m.end))


@pytest.mark.parametrize(("busy", "path", "message"), [
    ({"every": ["TU"], "on": "2026-09-01", "from": "14:00", "to": "15:00"},
     "schools[0] (a).busy[0]", "give either 'on' (one date) or 'every' (weekdays), not both"),
    ({"every": ["XX"], "from": "14:00", "to": "15:00"}, "schools[0] (a).busy[0].every[0]",
     "unknown weekday 'XX'"),
    ({"every": [], "from": "14:00", "to": "15:00"}, "schools[0] (a).busy[0].every",
     "must not be an empty list"),
    ({"from": "14:00", "to": "15:00"}, "schools[0] (a).busy[0].on",
     "required (a date), or give 'every' with weekdays"),
    ({"every": ["MO"], "from": "15:00", "to": "14:00"}, "schools[0] (a).busy[0].to",
     "'14:00' is not after 'from' '15:00'"),
])
def test_weekly_busy_errors(busy: dict[str, object], path: str, message: str) -> None:
    with pytest.raises(twinschedule.ConfigError) as err:
        partnership([school("a", "Europe/London", busy=[busy]), school("b", "Europe/Oslo")],
                    start=D(2026, 9, 1), end=D(2026, 11, 30))
    assert err.value.problems[0].path == path
    assert message in err.value.problems[0].message


def test_weekly_busy_planner_agrees_with_brute_force() -> None:
    """The bulk availability (planner) and the readable conflicts() (the brute force of
    benchmarks/bruteforce.py) agree with weekly busy times that block the best slots."""
    from reference import plan_summary, reference_plan

    p = partnership([
        school("a", "Europe/London", hours=["09:00-16:00"], busy=[
            {"every": ["TU", "WE", "TH"], "from": "09:00", "to": "13:00", "name": "Lessons"}]),
        school("b", "America/New_York", hours=["08:00-15:00"], busy=[
            {"every": ["TH"], "from": "08:00", "to": "09:30", "name": "Staff meeting"}])],
        start=D(2026, 9, 1), end=D(2027, 3, 31), duration=45, top=5)
    plan = twinschedule.plan(p)
    assert plan.feasible
    assert plan_summary(plan) == reference_plan(p)
    without = twinschedule.from_dict({**twinschedule.to_dict(p), "schools": [
        {k: v for k, v in s.items() if k != "busy"} for s in twinschedule.to_dict(p)["schools"]]})
    assert plan_summary(twinschedule.plan(without)) != plan_summary(plan)


@pytest.mark.parametrize(("entry", "path", "message"), [
    ({"file": "a.ics", "as": "holidays"}, "schools[0] (a).closures_ics[0].as",
     "'holidays' is not one of closures, open-days, busy"),
    ({"file": "a.ics", "include": ["(unclosed"]}, "schools[0] (a).closures_ics[0].include[0]",
     "'(unclosed' is not a regular expression"),
    ({"file": "a.ics", "exclude": "x"}, "schools[0] (a).closures_ics[0].exclude",
     "expected a list, got a string"),
    ({"as": "busy"}, "schools[0] (a).closures_ics[0].file", "required"),
    ({"file": "a.ics", "use": "busy"}, "schools[0] (a).closures_ics[0].use",
     "unknown key 'use'"),
])
def test_closures_ics_table_errors(tmp_path: Path, entry: dict[str, object], path: str,
                                   message: str) -> None:
    with pytest.raises(twinschedule.ConfigError) as err:
        twinschedule.from_dict({
            "partnership": {"id": "p", "name": "P", "start": "2026-09-01",
                            "end": "2026-12-31", "duration": 45},
            "schools": [{"id": "a", "name": "A", "timezone": "Europe/London",
                         "closures_ics": [entry]},
                        {"id": "b", "name": "B", "timezone": "Europe/Oslo"}]},
            base_dir=tmp_path)
    assert [(p.path, p.message[:len(message)]) for p in err.value.problems] == [
        (path, message)]


def test_closures_ics_tables_round_trip(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "website-plugin.ics", tmp_path / "w.ics")
    entries = ["w.ics", {"file": "w.ics", "as": "busy", "include": ["concert"]},
               {"file": "w.ics", "as": "open-days", "exclude": ["a", "b"]}]
    data = {"partnership": {"id": "p", "name": "P", "start": "2026-09-01",
                            "end": "2026-12-31", "duration": 45},
            "schools": [{"id": "a", "name": "A", "timezone": "America/New_York",
                         "closures_ics": entries},
                        {"id": "b", "name": "B", "timezone": "Europe/Oslo"}]}
    p = twinschedule.from_dict(data, base_dir=tmp_path)
    assert twinschedule.to_dict(p)["schools"][0]["closures_ics"] == entries
    assert [r.use for r in p.schools[0].import_reports] == ["closures", "busy", "open-days"]
    assert twinschedule.from_dict(twinschedule.to_dict(p), base_dir=tmp_path) == p
