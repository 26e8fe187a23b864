"""Feeds across re-issues (agreement.md): SEQUENCE derived from the previous plan, the
months kept as published kept in the feeds, a later agreement ending the old series
and starting its own (own UID) in the same feed; every feed of every issue expands to
exactly the plan's held meetings, with recurring-ical-events and with ical.js."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import icalendar
import icaljs
from conftest import CONFORMANCE
from hypothesis import given, settings
from hypothesis import strategies as st
from test_agreement import draw_reissue
from test_feeds import STAMP, expand_js, expand_python, held

import twinschedule
from twinschedule.core.plan import Plan

CASE = CONFORMANCE / "agreement" / "lisbon-maputo"
TODAY = dt.date(2027, 1, 15)


def check_issue(plan: Plan) -> dict[str, bytes]:
    """Every feed of option 1 expands to the held meetings in the Python engine (and
    returns them for ical.js); every event carries the plan's SEQUENCE."""
    files = twinschedule.feeds(plan, stamp=STAMP)
    want = held(plan.option(1))
    for name, data in files.items():
        assert expand_python(data, plan) == want, name
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            assert event["SEQUENCE"] == plan.feed_sequence()
    return files


def check_js(plans_and_files: list[tuple[Plan, dict[str, bytes]]]) -> None:
    if not icaljs.node_available():
        return
    for plan, files in plans_and_files:
        assert expand_js(list(files.values()), plan) == [held(plan.option(1))] * len(files)


def _masters(data: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
            if "RECURRENCE-ID" not in e}


@settings(max_examples=30)
@given(st.data())
def test_reissued_feeds_expand_to_the_plan_in_both_engines(data: st.DataObject) -> None:
    first, second = draw_reissue(data)
    p0 = first.partnership
    issues = [(first, check_issue(first)), (second, check_issue(second))]
    assert second.feed_sequence() >= first.feed_sequence()
    assert (second.feed_sequence() > first.feed_sequence()) == bool(second.changes)
    # The same partnership gives the same UIDs whatever changed (calendars update).
    assert set(_masters(issues[0][1][f"{p0.id}.ics"])) <= set(
        _masters(issues[1][1][f"{p0.id}.ics"]))
    check_js(issues)


def test_a_later_agreement_ends_the_old_series_and_starts_its_own() -> None:
    first = twinschedule.plan(twinschedule.load(CASE / "v1.toml"))
    data = twinschedule.to_dict(twinschedule.load(CASE / "v2.toml"))
    data["agreement"] = {"rule": "2nd TU 11:00 Europe/Lisbon", "since": "2027-03-01"}
    second = twinschedule.plan(twinschedule.from_dict(data), previous=first, today=TODAY)
    issues = [(first, check_issue(first)), (second, check_issue(second))]
    for name, feed in issues[1][1].items():
        masters = _masters(feed)
        base = name.removesuffix(".ics")
        assert sorted(masters) == [f"{base}.2027-03@twinschedule", f"{base}@twinschedule"]
        old, new = masters[f"{base}@twinschedule"], masters[f"{base}.2027-03@twinschedule"]
        # the old series ends with its last nominal meeting before `since` (February's)
        assert old["RRULE"]["UNTIL"][0] == dt.datetime(2027, 2, 25, 11, 0, tzinfo=dt.UTC)
        assert old["RRULE"]["BYDAY"] == ["-1TH"] and new["RRULE"]["BYDAY"] == ["2TU"]
        assert new["DTSTART"].dt == dt.datetime(2027, 3, 9, 11, 0,
                                                tzinfo=new["DTSTART"].dt.tzinfo)
        assert old["SEQUENCE"] == new["SEQUENCE"] == 1
    check_js(issues)


def test_a_new_rule_from_the_start_keeps_the_held_months_as_overrides() -> None:
    """An agreement that replaces the whole series (since not later than what was
    published): the months already held stay where they were held, as overrides and
    EXDATEs of the new rule's occurrences."""
    first = twinschedule.plan(twinschedule.load(CASE / "v1.toml"))
    data = twinschedule.to_dict(twinschedule.load(CASE / "v1.toml"))
    data["agreement"] = {"rule": "2nd TU 11:00 Europe/Lisbon", "since": "2026-09-14"}
    second = twinschedule.plan(twinschedule.from_dict(data), previous=first, today=TODAY)
    assert [s.tag for s in second.option(1).series] == [None]
    kept = [m for m in second.option(1).meetings if m.kept]
    assert [m.month for m in kept] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert next(c.change for c in second.changes or ()) == "rule-changed"
    check_js([(first, check_issue(first)), (second, check_issue(second))])


def test_three_issues_in_a_row() -> None:
    """v1, v2 with --previous v1, then v3 (a later agreement) with --previous v2: the
    series, kept months and sequence carry over."""
    v1 = twinschedule.plan(twinschedule.load(CASE / "v1.toml"))
    v2 = twinschedule.plan(twinschedule.load(CASE / "v2.toml"), previous=v1, today=TODAY)
    data = twinschedule.to_dict(twinschedule.load(CASE / "v2.toml"))
    data["agreement"] = {"rule": "2nd WE 11:00 Europe/Lisbon", "since": "2027-05-01"}
    v3 = twinschedule.plan(twinschedule.from_dict(data), previous=v2.to_dict(),
                           today=dt.date(2027, 3, 20))
    assert [v.feed_sequence() for v in (v1, v2, v3)] == [0, 1, 2]
    assert [s.tag for s in v3.option(1).series] == [None, "2027-05"]
    assert [m.month for m in v3.option(1).meetings if m.kept] == [
        "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]
    v3_again = twinschedule.plan(twinschedule.from_dict(copy.deepcopy(data)), previous=v3,
                                 today=dt.date(2027, 4, 20))
    assert v3_again.changes == () and v3_again.feed_sequence() == 2
    check_js([(v, check_issue(v)) for v in (v1, v2, v3, v3_again)])
