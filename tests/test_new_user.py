"""What a new user hit (issue 19, item 5), each answered as config.md's "Encodings" and
"Errors" and network.md say: byte order marks, schools named by their ids, a file of
the other kind, values written another common way, a web page saved instead of a
calendar, a report that is not HTML, the docstrings' pages, the burden of a match per
held meeting, an unreachable scheduler and a school with no open day."""

from __future__ import annotations

import copy
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule import ConfigError, cli
from twinschedule.i18n.words import words

PARTNERSHIP = (EXAMPLES / "england-kenya.toml").read_text(encoding="utf-8")
NETWORK = EXAMPLES / "networks" / "european-heads.toml"

BASE: dict[str, Any] = {
    "partnership": {"id": "rugby-nairobi", "name": "Rugby and Nairobi", "start": "2026-09-01",
                    "end": "2027-07-31", "duration": 45},
    "schools": [
        {"id": "rugby", "name": "Lawrence Sheriff School", "timezone": "Europe/London",
         "country": "GB"},
        {"id": "nairobi", "name": "Moi Forces Academy", "timezone": "Africa/Nairobi",
         "country": "KE"},
    ],
}
NETWORK_DATA: dict[str, Any] = {
    "network": {"id": "web", "name": "Webinar", "start": "2026-09-01", "end": "2027-06-30",
                "duration": 60, "anchor": "Europe/Brussels"},
    "schools": [{"id": "a", "name": "A", "timezone": "Europe/London"},
                {"id": "b", "name": "B", "timezone": "Europe/Paris"},
                {"id": "c", "name": "C", "timezone": "Europe/Rome"}],
}


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, check=False)


def _problems(data: dict[str, Any], *, network: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        if network:
            twinschedule.network_from_dict(data)
        else:
            twinschedule.from_dict(data)
    return [(p.path, p.message) for p in info.value.problems]


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- 1. byte order marks ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_utf8_bom_is_accepted(tmp_path: Path, suffix: str) -> None:
    text = PARTNERSHIP if suffix == ".toml" else json.dumps(
        twinschedule.to_dict(twinschedule.load(EXAMPLES / "england-kenya.toml")))
    path = tmp_path / f"p{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert twinschedule.load(path) == twinschedule.load(EXAMPLES / "england-kenya.toml")
    r = _run("check", str(path))
    assert r.returncode == 0 and r.stdout.startswith(f"{path}: valid."), r.stderr


def test_a_network_file_with_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "n.toml"
    path.write_bytes(b"\xef\xbb\xbf" + NETWORK.read_bytes())
    assert twinschedule.load_network(path) == twinschedule.load_network(NETWORK)
    assert _run("check", str(path)).returncode == 0


@pytest.mark.parametrize(("encoding", "name"), [
    ("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")])
def test_other_encodings_are_refused_by_name(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "p.toml"
    # utf-16-be writes no mark of its own: the mark is then the first character
    text = "\ufeff" + PARTNERSHIP if encoding.endswith("-be") else PARTNERSHIP
    path.write_bytes(text.encode(encoding))
    with pytest.raises(ConfigError) as info:
        twinschedule.load(path)
    [problem] = info.value.problems
    assert problem.message == (f"the file is {name} text (it starts with a {name} byte order "
                               f"mark); save it as UTF-8")
    r = _run("plan", str(path), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert f"the file is {name} text" in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_bom_alone_is_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b"\xef\xbb\xbf\n")
    with pytest.raises(ConfigError, match="the file is empty"):
        twinschedule.load(path)


# --- 2. a school named by its position and its id ---------------------------------------


def test_a_school_is_named_by_its_id() -> None:
    data = copy.deepcopy(BASE)
    data["schools"][1]["timezone"] = "Africa/Nairoby"
    assert _problems(data) == [("schools[1] (nairobi).timezone", "unknown time zone "
                                "'Africa/Nairoby' (did you mean 'Africa/Nairobi'?)")]


def test_a_network_school_is_named_by_its_id(tmp_path: Path) -> None:
    data = copy.deepcopy(NETWORK_DATA)
    data["schools"][2]["hours"] = ["15:00-09:00"]
    assert [p for p, _ in _problems(data, network=True)] == ["schools[2] (c).hours[0]"]
    path = tmp_path / "n.json"
    path.write_text(json.dumps(data))
    r = _run("network", str(path))
    assert r.returncode == 2 and "\n  schools[2] (c).hours[0]: window '15:00-09:00'" in r.stderr


def test_a_school_without_a_valid_id_is_named_by_its_position() -> None:
    data = copy.deepcopy(BASE)
    del data["schools"][1]["id"]
    data["schools"][1]["timezone"] = "Nowhere"
    assert [p for p, _ in _problems(data)] == ["schools[1].id", "schools[1].timezone"]


# --- 3. a file of the other kind --------------------------------------------------------


def test_a_network_file_given_to_plan_gets_one_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        twinschedule.load(NETWORK)
    [problem] = info.value.problems
    assert "network file" in problem.message
    assert "'twinschedule network'" in problem.message
    r = _run("plan", str(NETWORK), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"{NETWORK}: 1 problem\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["network"], ["match", "--school", "rugby"]])
def test_a_partnership_file_given_to_network_or_match_gets_one_problem(
        command: list[str]) -> None:
    path = EXAMPLES / "england-kenya.toml"
    r = _run(command[0], str(path), *command[1:])
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == f"{path}: 1 problem"
    assert "partnership file" in lines[1] and "'twinschedule plan' reads it" in lines[1]
    with pytest.raises(ConfigError) as info:
        twinschedule.load_network(path)
    assert len(info.value.problems) == 1


def test_check_reads_a_network_file() -> None:
    r = _run("check", str(NETWORK))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"{NETWORK}: valid network file. European school heads'")
    assert "fixed in Europe/Brussels, 40 schools" in lines[0]
    network = twinschedule.load_network(NETWORK)
    assert [x.split(":")[0].strip() for x in lines if x.startswith("  ")
            and not x.startswith("    ")] == [s.id for s in network.schools]
    data = json.loads(_run("check", str(NETWORK), "--json").stdout)
    assert data["network"] == "european-heads-webinar"
    assert [s["id"] for s in data["schools"]] == [s.id for s in network.schools]


def test_check_validates_a_network_file(tmp_path: Path) -> None:
    data = copy.deepcopy(NETWORK_DATA)
    del data["network"]["anchor"]
    data["schools"][0]["timezone"] = "Europe/Londn"
    path = tmp_path / "n.json"
    path.write_text(json.dumps(data))
    r = _run("check", str(path))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines()[1:] == [
        "  network.anchor: required: the organiser's IANA time zone, in which the clock time "
        "is fixed (such as 'Europe/Brussels')",
        "  schools[0] (a).timezone: unknown time zone 'Europe/Londn' (did you mean "
        "'Europe/London'?)"]


def test_check_keeps_the_partnership_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(PARTNERSHIP + "#" * (1024 * 1024))
    r = _run("check", str(path))
    assert r.returncode == 2 and "larger than the 1048576 bytes allowed" in r.stderr


# --- 4. values written another common way -----------------------------------------------


@pytest.mark.parametrize(("written", "meant"), [
    ("7am", "07:00"), ("7 AM", "07:00"), ("7 a.m.", "07:00"), ("7pm", "19:00"),
    ("7:30pm", "19:30"), ("12am", "00:00"), ("12pm", "12:00"), ("0730", "07:30"),
    ("730", "07:30"), ("7.30", "07:30"), ("7h30", "07:30"), ("7h", "07:00"), ("19h", "19:00"),
    ("9:00", "09:00"), ("07:30:00", "07:30"), ("7", "07:00")])
def test_a_time_written_another_way_gets_its_hhmm(written: str, meant: str) -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0]["prefer"] = written
    assert _problems(data) == [("schools[0] (rugby).prefer",
                                f"'{written}' is not a time 'HH:MM'; did you mean '{meant}'?")]


def test_the_example_of_the_contract() -> None:
    data = copy.deepcopy(BASE)
    data["schools"][1]["hours"] = ["7am-3pm"]
    assert _problems(data) == [
        ("schools[1] (nairobi).hours[0]", "'7am' is not a time 'HH:MM'; did you mean '07:00'?"),
        ("schools[1] (nairobi).hours[0]", "'3pm' is not a time 'HH:MM'; did you mean '15:00'?")]


@pytest.mark.parametrize("written", ["13pm", "25h", "7:75", "noonish", "2400"])
def test_no_time_no_suggestion(written: str) -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0]["prefer"] = written
    [(_, message)] = _problems(data)
    assert message == f"'{written}' is not a time 'HH:MM' (24-hour)"


def test_24_00_is_suggested_only_where_allowed() -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0]["hours"] = ["20:00-2400"]
    assert _problems(data)[0][1] == "'2400' is not a time 'HH:MM'; did you mean '24:00'?"


@pytest.mark.parametrize(("written", "message"), [
    ("Canada", "'Canada' is not a country code; did you mean 'CA'?"),
    ("kenya", "'kenya' is not a country code; did you mean 'KE'?"),
    ("United Kingdom", "'United Kingdom' is not a country code; did you mean 'GB'?"),
    ("The Netherlands", "'The Netherlands' is not a country code; did you mean 'NL'?"),
    ("Turkey", "'Turkey' is not a country code; did you mean 'TR'?"),
    ("Kenia", "'Kenia' is not a country code; did you mean 'KE' (Kenya)?"),
])
def test_a_country_name_gets_its_code(written: str, message: str) -> None:
    data = copy.deepcopy(BASE)
    data["schools"][1]["country"] = written
    assert _problems(data) == [("schools[1] (nairobi).country", message)]


def test_a_country_name_in_the_school_language() -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0].update(country="Deutschland", language="de")
    assert _problems(data)[0][1] == "'Deutschland' is not a country code; did you mean 'DE'?"


@pytest.mark.parametrize(("written", "part"), [
    ("Narnia", "unknown or unsupported country code 'Narnia'; use an ISO 3166-1"),
    ("UK", "unknown or unsupported country code 'UK' (did you mean 'GB'?)")])
def test_other_country_values_keep_their_message(written: str, part: str) -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0]["country"] = written
    assert part in _problems(data)[0][1]


# --- 5. a web page saved instead of the calendar -----------------------------------------


@pytest.mark.parametrize("page", [
    b"<!DOCTYPE html>\n<html><body>Sign in: SECRET-TOKEN-42</body></html>\n",
    b"\xef\xbb\xbf  \r\n<HTML><head><title>SECRET-TOKEN-42</title></head></HTML>",
    b"\n\t<!doctype HTML><p>SECRET-TOKEN-42</p>"])
def test_a_web_page_is_named_and_said_to_be_one(tmp_path: Path, page: bytes) -> None:
    (tmp_path / "term.ics").write_bytes(page)
    data = copy.deepcopy(BASE)
    data["schools"][0]["closures_ics"] = ["term.ics"]
    [(path, message)] = [(p.path, p.message) for p in _raises(data, tmp_path)]
    assert path == "schools[0] (rugby).closures_ics[0]"
    assert message.startswith("'term.ics' is a web page (HTML), not an iCalendar file")
    assert "login or error page" in message
    assert "SECRET" not in message and "<" not in message


def _raises(data: dict[str, Any], base: Path) -> tuple[Any, ...]:
    with pytest.raises(ConfigError) as info:
        twinschedule.from_dict(data, base_dir=base)
    return info.value.problems


# --- 6. a report that is not HTML --------------------------------------------------------


@pytest.mark.parametrize("name", ["out.pdf", "report", "out.htm"])
def test_a_report_not_ending_in_html_is_a_usage_error(tmp_path: Path, name: str) -> None:
    (tmp_path / "p.toml").write_text(PARTNERSHIP)
    before = _listing(tmp_path)
    r = _run("plan", str(tmp_path / "p.toml"), "--report", str(tmp_path / name),
             "--out", str(tmp_path / "feeds"))
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[1].startswith(f"  --report: '{tmp_path / name}' does not "
                                               f"end in .html")
    assert _listing(tmp_path) == before


# --- 7. the docstrings point at pages that exist ------------------------------------------


def test_public_docstrings_name_existing_pages() -> None:
    named = {}
    for name in twinschedule.__all__:
        doc = inspect.getdoc(getattr(twinschedule, name)) or ""
        for page in re.findall(r"[\w/-]+\.md\b", doc):
            named[page] = name
    assert "docs/concepts.md" in named  # plan()'s
    missing = {page: who for page, who in named.items()
               if not (ROOT / "docs" / page.removeprefix("docs/")).is_file()}
    assert not missing, missing


# --- 8. match shows the burden per held meeting, as plan does ---------------------------


def test_match_text_shows_the_burden_per_held_meeting() -> None:
    r = _run("match", str(NETWORK), "--school", "be-0002", "--top", "3")
    assert r.returncode == 0, r.stderr
    network = twinschedule.load_network(NETWORK)
    result = twinschedule.match(network, "be-0002", top=3)
    w = words("en")
    names = {s.id: s.name for s in network.schools}
    for partner in result.partners:
        held = partner.option.metrics.held
        for school_id, burden in partner.option.burdens:
            average = round(burden / held)
            said = (f"on average {w.minutes(average)} from its preferred" if average
                    else "at its preferred")
            assert re.search(rf"\n      - {re.escape(names[school_id])}: [^\n]*; "
                             rf"{re.escape(said)} \d\d:\d\d\n", r.stdout), r.stdout
    assert "worse-off" not in r.stdout and "for both" not in r.stdout
    assert "on average 30 minutes from its preferred 13:00" in r.stdout  # Malta, 330 / 11


# --- 9. an unreachable scheduler --------------------------------------------------------


def test_an_unreachable_scheduler_is_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    assert cli.SCHEDULER_TIMEOUT <= 10
    monkeypatch.setattr(cli, "SCHEDULER_TIMEOUT", 1)  # the test waits 1 s, not 5
    # a closed port on this machine: nothing listens on port 1
    status = cli.main(["match", str(NETWORK), "--all", "--scheduler", "127.0.0.1:1"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.splitlines() == [f"{NETWORK}: 1 problem",
                                "  --scheduler: cannot reach the scheduler at '127.0.0.1:1' "
                                "within 1 s (is it running, and is the address right?)"]


def test_a_malformed_scheduler_address_is_a_usage_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    assert cli.main(["match", str(NETWORK), "--all", "--scheduler", "no port here"]) == 2
    assert "--scheduler: 'no port here' is not a scheduler address" in capsys.readouterr().err


# --- 10. a school with no open day in the horizon ---------------------------------------


def test_check_warns_about_a_school_with_no_open_day(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["schools"][0]["terms"] = [{"from": "2025-09-03", "to": "2026-07-21"}]  # last year
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    r = _run("check", str(path))
    assert r.returncode == 0, r.stderr
    warnings = [x for x in r.stdout.splitlines() if x.startswith("warning:")]
    assert warnings == ["warning: rugby: no open day in the horizon 2026-09-01 to 2027-07-31, "
                        "so no meeting can be held with it; are its terms or closures for "
                        "another year?"]
    got = json.loads(_run("check", str(path), "--json").stdout)
    assert got["warnings"] == [warnings[0].removeprefix("warning: ")]
    assert got["schools"][0]["open_days"] == 0


def test_no_warning_for_schools_with_open_days() -> None:
    r = _run("check", str(EXAMPLES / "england-kenya.toml"))
    assert r.returncode == 0 and "warning:" not in r.stdout
