"""The network report (``twinschedule network FILE --report``) without a browser: its
months x sessions, options, countries and never-reached schools equal the JSON plan;
it is self-contained (no script, no URL), worded in the reader's language, hostile
names stay text, and the CLI's usage errors write nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFORMANCE, EXAMPLES, ROOT

import twinschedule
from twinschedule.i18n.words import words

MADE = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
CASES = CONFORMANCE / "network" / "cases"
FILES = [CASES / "africa-europe.toml", CASES / "americas-asia.toml",
         EXAMPLES / "networks" / "european-heads.toml"]
HOSTILE = "<script>alert(1)</script>"


class NetworkDom(HTMLParser):
    """The ``data-*`` rows of the network report and the texts of its headings."""

    def __init__(self) -> None:
        super().__init__()
        self.months: dict[str, list[tuple[str, int]]] = {}  # month -> (start, attending)
        self.options: list[tuple[int, int]] = []  # (rank, attendance)
        self.countries: dict[str, tuple[int, int]] = {}  # code -> (schools, reached)
        self.never: list[str] = []
        self.headings: list[str] = []
        self._month: str | None = None
        self._start: str | None = None
        self._h2 = False
        self.lang = ""
        self.dir = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang, self.dir = a.get("lang", ""), a.get("dir", "")
        elif tag == "tr" and "data-month" in a:
            self._month = a["data-month"]
            self.months[self._month] = []
        elif tag == "tr" and "data-rank" in a:
            self.options.append((int(a["data-rank"]), int(a["data-attendance"])))
        elif tag == "tr" and "data-country" in a:
            self.countries[a["data-country"]] = (int(a["data-schools"]),
                                                 int(a["data-reached"]))
        elif tag == "tr" and "data-school" in a:
            self.never.append(a["data-school"])
        elif tag == "td" and self._month is not None and "data-start" in a:
            self._start = a["data-start"]
        elif tag == "td" and self._month is not None and "data-attending" in a:
            assert self._start is not None
            self.months[self._month].append((self._start, int(a["data-attending"])))
            self._start = None
        elif tag == "h2":
            self._h2 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._month = None
        elif tag == "h2":
            self._h2 = False

    def handle_data(self, data: str) -> None:
        if self._h2:
            self.headings[-1] += data


def parse(html: str) -> NetworkDom:
    dom = NetworkDom()
    dom.feed(html)
    return dom


def assert_matches_the_json(dom: NetworkDom, plan: dict[str, Any],
                            schools: list[dict[str, Any]], option: int = 1) -> None:
    """The report's data against the JSON plan (``network --json``) and the file's
    schools (id, country)."""
    assert dom.options == [(o["rank"], o["metrics"]["attendance"]) for o in plan["options"]]
    o = plan["options"][option - 1]
    sessions = [o["months"]] + ([o["repeat"]["months"]] if "repeat" in o else [])
    assert list(dom.months) == [m["month"] for m in o["months"]]
    for k, month in enumerate(o["months"]):
        assert dom.months[month["month"]] == [(s[k]["start"], len(s[k]["attending"]))
                                              for s in sessions]
    reached = {sid for s in sessions for m in s for sid in m["attending"]}
    by_country: dict[str, list[str]] = {}
    for s in schools:
        by_country.setdefault(s.get("country", ""), []).append(s["id"])
    assert dom.countries == {c: (len(ids), len(set(ids) & reached))
                             for c, ids in by_country.items()}
    never = o["repeat"]["never"] if "repeat" in o else o["never"]
    assert dom.never == never
    assert set(never) == {s["id"] for s in schools} - reached


def self_contained(html: str) -> None:
    assert not re.search(r"<script|<link|<img|<iframe|<object|<embed|@import|@font-face"
                         r"|\son\w+=", html, re.I)
    assert not re.findall(r"(?:https?:)?//[\w.-]+", html)
    assert not re.search(r"url\(", html)


def _schools(path: Path) -> list[dict[str, Any]]:
    import tomllib

    with path.open("rb") as f:
        schools: list[dict[str, Any]] = tomllib.load(f)["schools"]
    return schools


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_report_shows_the_json_plan(path: Path) -> None:
    plan = twinschedule.plan_network(twinschedule.load_network(path))
    html = twinschedule.network_report(plan, made=MADE)
    dom = parse(html)
    assert_matches_the_json(dom, plan.to_dict(), _schools(path))
    assert dom.lang == "en" and dom.dir == "ltr"
    assert dom.headings[:2] == ["Options", "Month by month"]
    self_contained(html)


def test_another_option_and_the_check_can_fail() -> None:
    path = CASES / "americas-asia.toml"
    plan = twinschedule.plan_network(twinschedule.load_network(path))
    assert len(plan.options) >= 2
    dom = parse(twinschedule.network_report(plan, made=MADE, option=2))
    assert_matches_the_json(dom, plan.to_dict(), _schools(path), option=2)
    with pytest.raises(AssertionError):
        assert_matches_the_json(dom, plan.to_dict(), _schools(path), option=1)
    with pytest.raises(IndexError):
        twinschedule.network_report(plan, made=MADE, option=len(plan.options) + 1)


@pytest.mark.parametrize("lang", ["de", "ja", "ar"])
def test_the_report_in_the_reader_language(lang: str) -> None:
    path = CASES / "americas-asia.toml"
    plan = twinschedule.plan_network(twinschedule.load_network(path))
    html = twinschedule.network_report(plan, made=MADE, lang=lang)
    dom = parse(html)
    w = words(lang)
    assert (dom.lang, dom.dir) == (lang, "rtl" if lang == "ar" else "ltr")
    assert w._("Month by month") in dom.headings and "Month by month" not in dom.headings
    assert w.rule(plan.option(1).rule) in html
    assert_matches_the_json(dom, plan.to_dict(), _schools(path))


def test_the_network_language_is_the_default() -> None:
    data = json.loads(json.dumps(_schools_data(CASES / "africa-europe.toml"), default=str))
    data["network"]["language"] = "sw"
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    assert parse(twinschedule.network_report(plan, made=MADE)).lang == "sw"
    assert parse(twinschedule.network_report(plan, made=MADE, lang="fi")).lang == "fi"


def _schools_data(path: Path) -> dict[str, Any]:
    import tomllib

    with path.open("rb") as f:
        return tomllib.load(f)


def test_hostile_names_stay_text() -> None:
    data = _schools_data(CASES / "americas-asia.toml")
    data["network"]["name"] = HOSTILE
    for s in data["schools"]:
        s["name"] = HOSTILE + s["id"]
    data = json.loads(json.dumps(data, default=str))
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    html = twinschedule.network_report(plan, made=MADE)
    assert "<script" not in html and "&lt;script&gt;" in html


def test_an_infeasible_network_gets_a_report() -> None:
    data = _schools_data(CASES / "africa-europe.toml")
    data = json.loads(json.dumps(data, default=str))
    data["network"]["weekdays"] = ["SU"]  # no school's day: nobody can attend
    for s in data["schools"]:
        s["days"] = ["MO", "TU", "WE", "TH", "FR"]
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    assert not plan.feasible
    html = twinschedule.network_report(plan, made=MADE)
    dom = parse(html)
    assert dom.months == {} and dom.options == []
    assert "No rule can be attended by any school in any month." in html
    self_contained(html)


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1788220800"}
    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def test_cli_writes_the_report_in_lang(tmp_path: Path) -> None:
    path = CASES / "americas-asia.toml"
    html = tmp_path / "net.html"
    r = _run("network", str(path), "--json", "--report", str(html), "--lang", "de")
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)
    dom = parse(html.read_text(encoding="utf-8"))
    assert dom.lang == "de"
    assert_matches_the_json(dom, plan, _schools(path))
    again = tmp_path / "again.html"
    _run("network", str(path), "--report", str(again), "--lang", "de")
    assert again.read_bytes() == html.read_bytes()  # deterministic (SOURCE_DATE_EPOCH)
    text = _run("network", str(path), "--lang", "de").stdout
    assert words("de")._("Every school is reached by one of the two sessions.") in text \
        or words("de")._("Still never reached by either session ({count}):",
                         count=len(plan["options"][0]["repeat"]["never"])) in text


@pytest.mark.parametrize(("args", "where"), [
    (["--report", "x.htm"], "--report"), (["--lang", "xx-nope"], "--lang"),
    (["--report", "x.html", "--option", "9"], "--option")])
def test_cli_usage_errors_write_nothing(args: list[str], where: str, tmp_path: Path) -> None:
    r = _run("network", str(CASES / "americas-asia.toml"), *args, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert f"  {where}: " in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_each_school_never_reached_says_why() -> None:
    """Under each school never reached, its main reason (the JSON's ``missed``: the
    condition failing in the most months) and in how many months."""
    plan = twinschedule.plan_network(
        twinschedule.load_network(EXAMPLES / "networks" / "worldwide.toml"))
    o = plan.to_dict()["options"][0]
    never = o["repeat"]["never"] if "repeat" in o else o["never"]  # by either session
    assert never
    html = twinschedule.network_report(plan, made=MADE)
    why = re.findall(r'<span class="reasons">([^<]*)</span>', html)
    assert len(why) == len(never)
    w = words("en")
    for sid, text in zip(never, why, strict=True):  # the reasons of the first session
        counts: dict[str, int] = {}
        for m in o["missed"][sid]:
            for code in dict.fromkeys(r["reason"] for r in m["reasons"]):
                counts[code] = counts.get(code, 0) + 1
        top = max(counts.values())
        assert any(text.startswith(w.reason(c)) and f" {top} month" in text
                   for c, k in counts.items() if k == top), (sid, text, counts)
