"""Why a school misses (network.md, "What an organiser needs besides the rule"): every
option's ``missed`` lists, per school missing some month, those months with planning.md's
reasons (test_network.py checks it against the brute force's per-school validity on
random networks); the text names each school never reached with its main reason and the
session's local time against its hours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import twinschedule
from twinschedule.model import Conflict
from twinschedule.network.outputs import Missed
from twinschedule.render import network_text
from twinschedule.render.network_text import main_reason
from twinschedule.render.text import wrap

START = dt.datetime(2026, 9, 8, 7, tzinfo=dt.UTC)


def _network(**extra: Any) -> dict[str, Any]:
    """London and Tokyo, whose hours never overlap; Paris, closed in October."""
    return {
        "network": {"id": "why", "name": "Why", "start": "2026-09-01", "end": "2026-12-31",
                    "duration": 60, "anchor": "Europe/London", "weekdays": ["TU"],
                    "weeks": [2], "step": 60, "top": 3, **extra},
        "schools": [
            {"id": "london", "name": "London", "timezone": "Europe/London",
             "hours": ["09:00-15:00"]},
            {"id": "tokyo", "name": "Tokyo", "timezone": "Asia/Tokyo",
             "hours": ["08:00-15:00"]},
            {"id": "paris", "name": "Paris", "timezone": "Europe/Paris",
             "hours": ["08:00-17:00"],
             "closures": [{"from": "2026-10-01", "to": "2026-10-31", "name": "Renovation"}]},
        ]}


def test_missed_lists_the_months_and_reasons_of_each_school_that_misses() -> None:
    plan = twinschedule.plan_network(twinschedule.network_from_dict(_network(sessions=2)))
    o = plan.to_dict()["options"][0]
    assert list(o) == ["rank", "rule", "metrics", "months", "never", "missed", "repeat"]
    assert o["never"] == ["tokyo"]
    assert list(o["missed"]) == ["tokyo", "paris"]  # file order; London attends every month
    assert [x["month"] for x in o["missed"]["tokyo"]] == [m["month"] for m in o["months"]]
    assert [x["month"] for x in o["missed"]["paris"]] == ["2026-10"]
    assert o["missed"]["paris"][0]["reasons"] == [
        {"school": "paris", "reason": "closure", "detail": "Renovation"}]
    for x in o["missed"]["tokyo"]:
        assert [(r["school"], r["reason"]) for r in x["reasons"]] == [
            ("tokyo", "outside-hours")]
        assert x["reasons"][0]["detail"].endswith("is outside 08:00-15:00")
    # the same (school, month) pairs as the months' attending lists leave out
    absent = {(sid, m["month"]) for m in o["months"] for sid in ("london", "tokyo", "paris")
              if sid not in m["attending"]}
    assert {(sid, x["month"]) for sid, xs in o["missed"].items() for x in xs} == absent


def test_a_school_without_a_miss_is_not_listed_and_an_empty_missed_is_an_object() -> None:
    data = _network()
    data["schools"] = [data["schools"][0], dict(data["schools"][0], id="london-2")]
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    assert plan.to_dict()["options"][0]["missed"] == {}
    assert plan.options[0].misses("london") == ()


def _missed(month: str, *codes: str) -> Missed:
    return Missed(month=month, start=START, reasons=tuple(
        Conflict(school="s", reason=c, detail=c) for c in codes))  # type: ignore[arg-type]


def test_the_main_reason_fails_in_the_most_months_ties_in_planning_order() -> None:
    months = (_missed("2026-09", "holiday", "outside-hours"), _missed("2026-10", "holiday"),
              _missed("2026-11", "outside-hours", "busy"), _missed("2026-12", "busy"))
    code, k, first = main_reason(months)
    # holiday, outside-hours and busy fail in two months each: planning.md's order
    # (not-school-day, outside-term, closure, holiday, outside-hours, busy) decides
    assert (code, k, first.month) == ("holiday", 2, "2026-09")
    code, k, first = main_reason((*months[2:], _missed("2027-01", "busy", "busy")))
    assert (code, k, first.month) == ("busy", 3, "2026-11")  # a month counts once


def test_the_text_names_the_main_reason_and_the_local_time_against_the_hours() -> None:
    n = twinschedule.network_from_dict(_network())
    plan = twinschedule.plan_network(n)
    text = network_text.render(plan)
    first = plan.options[0].months[0].start
    local = first.astimezone(ZoneInfo("Asia/Tokyo"))
    ends = local + dt.timedelta(minutes=60)
    months = len(plan.options[0].months)
    line = (f"Tokyo (Asia/Tokyo): outside hours in {months} of {months} months; starts "
            f"{local:%a, %b} {local.day} {local:%H:%M} local (ends {ends:%H:%M}), hours "
            f"08:00-15:00")
    assert "\n".join(wrap(line, 100, "    ", "      ")) in text, text
    assert "  Never reached (1):" in text
    # a school that misses some months but not all is not in the list
    assert "Paris (Europe/Paris):" not in text


def test_a_named_main_reason_says_its_name() -> None:
    data = _network()
    data["schools"][2]["closures"] = [{"from": "2026-09-01", "to": "2026-12-31",
                                       "name": "Rebuilding"}]
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    text = network_text.render(plan)
    assert "\n    Paris (Europe/Paris): closed (Rebuilding) in 4 of 4 months; starts " in text


def test_schools_sharing_a_calendar_get_every_field_of_the_reasons_with_their_id() -> None:
    """Schools of one calendar group are judged once; each gets the reasons with its own
    id and every other field unchanged (the relabelling builds them field by field)."""
    data = _network()
    data["schools"] += [dict(s, id=f"{s['id']}-2", name=f"{s['name']} 2")
                        for s in data["schools"]]
    plan = twinschedule.plan_network(twinschedule.network_from_dict(data))
    o = plan.options[0]
    sid = o.missed[0][0]
    one, two = o.misses(sid), o.misses(f"{sid}-2")
    assert one and len(one) == len(two)
    for a, b in zip(one, two, strict=True):
        assert (a.month, a.start) == (b.month, b.start)
        assert [dataclasses.replace(r, school=f"{sid}-2") for r in a.reasons] == list(b.reasons)
        assert all(r.school == sid for r in a.reasons)
    assert {f.name for f in dataclasses.fields(Conflict)} == {
        "school", "reason", "detail", "weekday", "day", "local", "windows", "names"}
