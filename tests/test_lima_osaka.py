"""The story of issue 21, shipped as examples/agreement/: Lima and Osaka agree on the
3rd Thursday at 18:00 in Lima (Friday 08:00 in Osaka); later in the year two one-day
closures appear in Lima (one in March). Re-planned with --previous, the 3rd Thursday stays, only the
two affected months move, the months already held stay as published, both schools
are told exactly that in Spanish and Japanese, and the update invitations hold only
those two months."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule.render.text import render

V1 = EXAMPLES / "agreement" / "lima-osaka.toml"
V2 = EXAMPLES / "agreement" / "lima-osaka-v2.toml"
TODAY = dt.date(2027, 1, 15)


def _plans() -> tuple[twinschedule.Plan, twinschedule.Plan]:
    v1 = twinschedule.plan(twinschedule.load(V1))
    return v1, twinschedule.plan(twinschedule.load(V2), previous=v1, today=TODAY)


def test_the_agreed_thursday_stays_and_only_two_months_move() -> None:
    v1, v2 = _plans()
    agreed = v2.option(1)
    assert agreed.agreed and agreed.rule == v1.option(1).rule
    assert (agreed.rule.nth, agreed.rule.weekday, agreed.rule.time) == (3, "TH", 18 * 60)
    before = {m.month: m for m in v1.option(1).meetings}
    moved = [m.month for m in agreed.meetings
             if (m.start, m.status) != (before[m.month].start, before[m.month].status)]
    assert moved == ["2027-03", "2027-05"]
    assert [m.month for m in agreed.meetings if m.kept] == [
        "2026-09", "2026-10", "2026-11", "2026-12"]
    assert [(c.month, c.change) for c in v2.changes or ()] == [
        ("2027-03", "moved"), ("2027-05", "moved")]
    assert v2.feed_sequence() == v1.feed_sequence() + 1
    # The search still says when renegotiating would be worth it: other rules that
    # would now move fewer meetings.
    assert all(o.metrics.moved < agreed.metrics.moved for o in v2.options[1:])


def test_both_schools_are_told_in_their_language() -> None:
    _, v2 = _plans()
    spanish = render(v2, lang="es")
    japanese = render(v2, lang="ja")
    head_es = spanish.split("\n\n")[1]
    head_ja = japanese.split("\n\n")[1]
    assert head_es.splitlines() == [
        "Qué ha cambiado desde el último plan:",
        "  - marzo de 2027: trasladada (Colegio San Martín: cerrada (Jornada de "
        "planificación))",
        "      Colegio San Martín: mié, 17 mar 18:00 (antes jue, 18 mar 18:00)",
        "      Osaka Minami High School: jue, 18 mar 8:00 (antes vie, 19 mar 8:00)",
        "  - mayo de 2027: trasladada (Colegio San Martín: cerrada (Día del logro))",
        "      Colegio San Martín: mié, 19 may 18:00 (antes jue, 20 may 18:00)",
        "      Osaka Minami High School: jue, 20 may 8:00 (antes vie, 21 may 8:00)"]
    assert head_ja.splitlines()[0] == "前回の計画からの変更："
    assert "Osaka Minami High School：3月18日(木) 8:00（変更前 3月19日(金) 8:00）" in head_ja
    assert len(head_ja.splitlines()) == 7


def test_the_command_line_tells_the_same(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "twinschedule", *args], cwd=ROOT,
                              capture_output=True, text=True, check=False)

    first = run("plan", str(V1), "--json")
    (tmp_path / "v1.json").write_text(first.stdout)
    second = run("plan", str(V2), "--json", "--previous", str(tmp_path / "v1.json"),
                 "--today", TODAY.isoformat())
    assert second.returncode == 0, second.stderr
    data = json.loads(second.stdout)
    assert [(c["month"], c["change"]) for c in data["changes"]] == [
        ("2027-03", "moved"), ("2027-05", "moved")]
    assert data["options"][0]["agreed"] is True and data["sequence"] == 1
    update = run("invite", str(V2), "--previous", str(tmp_path / "v1.json"), "--today",
                 TODAY.isoformat(), "--out", str(tmp_path / "out"))
    assert update.returncode == 0, update.stderr
    names = sorted(p.name for p in (tmp_path / "out").rglob("*.eml"))
    assert {n.rsplit(".", 2)[1] for n in names} == {"2027-03", "2027-05"}
    assert len(names) == 6


def test_the_published_plan_is_the_plan_of_the_first_file() -> None:
    """examples/agreement/published.json is what `plan lima-osaka.toml --json` prints
    (the docs re-plan against it): regenerate it when the data pinned changes."""
    published = json.loads((EXAMPLES / "agreement" / "published.json").read_text())
    assert published == twinschedule.plan(twinschedule.load(V1)).to_dict()
