"""Feeds expanded by a third engine, libical (Evolution's; tests/libical_engine.py):
every feed of the examples, of far-apart alternations, of the tricky zones and of
re-issues under agreements (agreed alternations included) gives exactly the plan's
held meetings. libical reads the file's own VTIMEZONE (the first test shows it can
tell a wrong one), so these tests check the VTIMEZONEs, the UTC UNTILs, EXDATEs and
overrides a second time, independently of ical.js."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CONFORMANCE, EXAMPLES
from helpers import partnership, school
from hypothesis import given, settings
from hypothesis import strategies as st
from libical_engine import MISSING, available, expand_many
from test_agreement import draw_reissue
from test_feeds import STAMP, TRICKY, held

import twinschedule
from twinschedule.core.plan import Plan

pytestmark = pytest.mark.skipif(not available(), reason=MISSING)

ALL = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _check(plans: list[tuple[Plan, int]]) -> None:
    """Every feed of each (plan, option) expands in libical to the option's held
    meetings (one libical run for all)."""
    files: list[bytes] = []
    want = []
    for plan, k in plans:
        for data in twinschedule.feeds(plan, option=k, stamp=STAMP).values():
            files.append(data)
            want.append(held(plan.option(k)))
    got = expand_many(files)
    for g, w in zip(got, want, strict=True):
        assert sorted((s, e) for _, s, e in g) == w


def _east(m: re.Match[bytes]) -> bytes:
    """A UTC offset property one hour further east."""
    minutes = (int(m.group(3)) * 60 + int(m.group(4))) * (-1 if m.group(2) == b"-" else 1)
    minutes += 60
    sign = b"-" if minutes < 0 else b"+"
    return m.group(1) + sign + b"%02d%02d" % divmod(abs(minutes), 60)


def test_libical_reads_the_files_vtimezone() -> None:
    """VTIMEZONEs that put every zone an hour further east move every instance an hour
    earlier in libical: the engine reads the file's zones, not its own tzdata."""
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    data = twinschedule.feeds(plan, stamp=STAMP)["rugby-nairobi.ics"]
    [right] = expand_many([data])
    assert sorted((s, e) for _, s, e in right) == held(plan.option(1))
    wrong = re.sub(rb"(TZOFFSET(?:TO|FROM):)([+-])(\d\d)(\d\d)", _east, data)
    assert wrong != data
    [moved] = expand_many([wrong])
    hour = dt.timedelta(hours=1)
    assert sorted((s, e) for _, s, e in moved) == [(s - hour, e - hour)
                                                   for s, e in held(plan.option(1))]


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_examples(name: str) -> None:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / name))
    _check([(plan, k) for k in range(1, min(3, len(plan.options)) + 1)])


def test_tricky_zones() -> None:
    plans = []
    for zone in TRICKY:
        p = partnership([school("a", zone, days=ALL, hours=["06:00-22:00"]),
                         school("b", "Europe/London", days=ALL, hours=["06:00-22:00"])],
                        start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31), duration=60,
                        anchor=zone, top=3)
        plans.append((twinschedule.plan(p, suggest=False), 1))
    _check(plans)


def test_alternations_far_apart() -> None:
    p = twinschedule.load(CONFORMANCE / "stretch" / "cases" / "london-sydney.toml")
    plan = twinschedule.plan(p, suggest=False)
    _check([(plan, o.rank) for o in plan.options if o.kind == "alternating"][:3])


def test_agreement_reissues() -> None:
    case = CONFORMANCE / "agreement" / "lisbon-maputo"
    first = twinschedule.plan(twinschedule.load(case / "v1.toml"))
    today = dt.date.fromisoformat((case / "today.txt").read_text().strip())
    second = twinschedule.plan(twinschedule.load(case / "v2.toml"), previous=first,
                               today=today)
    data = twinschedule.to_dict(twinschedule.load(case / "v1.toml"))
    data["agreement"] = {"rules": ["last TH 11:00 Europe/Lisbon",
                                   "2nd TU 11:00 Europe/Lisbon"]}
    alternation = twinschedule.plan(twinschedule.from_dict(data))
    _check([(first, 1), (second, 1), (alternation, 1)])


@settings(max_examples=15)
@given(st.data())
def test_reissued_feeds(data: st.DataObject) -> None:
    first, second = draw_reissue(data)
    _check([(first, 1), (second, 1)])
