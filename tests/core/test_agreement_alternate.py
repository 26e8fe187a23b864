"""An agreed alternation (agreement.md ``rules = [A, B]``) is planned month by month by
``core.agreement`` (the readable checks); here it is compared with two independent
plans of the same pair: the search engine's own evaluation of a pair
(``core.alternate.evaluate_pair``, bit masks) when the agreement starts with the
horizon, and the brute force (``benchmarks/bruteforce.py``) from any ``since``, on
partnerships far apart with stretch hours (moves, skips, who stretches, metrics)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import stretch_partnerships
from test_agreement import rule_text

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bruteforce import BruteForce

import twinschedule
from twinschedule.config.agreement import RuleParts, not_a_candidate
from twinschedule.core.alternate import evaluate_pair
from twinschedule.core.plan import Option
from twinschedule.errors import ConfigError
from twinschedule.model import Partnership, Rule

WD = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _meetings(o: Option) -> list[tuple[Any, ...]]:
    return [(m.month, m.status, m.nominal, m.start, m.end, m.rule, m.stretch)
            for m in o.meetings]


@st.composite
def agreed_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], Partnership]:
    """A partnership far apart with an agreed pair of distinct candidate rules of its
    rule space (any anchor of its schools), from its start or from a later month."""
    data = draw(stretch_partnerships())
    p = data["partnership"]
    zones = [s["timezone"] for s in data["schools"]]
    rules = []
    for _ in range(2):
        parts = RuleParts(nth=draw(st.sampled_from(p["weeks"])),
                          weekday=draw(st.sampled_from(p["weekdays"])),
                          time=draw(st.integers(0, 23)) * 60,
                          anchor=draw(st.sampled_from(zones)))
        rules.append(parts)
    assume(rules[0] != rules[1])
    since = p["start"]
    if draw(st.booleans()):
        since += dt.timedelta(days=draw(st.integers(0, (p["end"] - p["start"]).days)))
    for parts in rules:
        assume(not_a_candidate(parts, p["duration"], since, p["end"]) is None)
    texts = [rule_text(Rule(nth=r.nth, weekday=r.weekday, time=r.time, anchor=r.anchor,
                            duration=p["duration"])) for r in rules]
    data["agreement"] = {"rules": texts, "since": since}
    try:
        loaded = twinschedule.from_dict(data)
    except ConfigError:
        assume(False)
        raise
    return data, loaded


@settings(max_examples=40, deadline=None)
@given(agreed_pairs())
def test_the_agreed_pair_is_the_searchs_pair(got: tuple[dict[str, Any], Partnership]) -> None:
    _, p = got
    assert p.agreement is not None
    assume(p.agreement.since == p.start)
    agreed = twinschedule.plan(p, suggest=False).option(1)
    a, b = agreed.rules
    engine = evaluate_pair(p, a, b, origin=p.agreement.since)
    assert agreed.agreed and agreed.kind == "alternating"
    assert _meetings(agreed) == _meetings(engine)
    assert agreed.metrics == engine.metrics
    for r in (0, 1):  # a rule holding nothing has no usual time to compare
        if any(m.rule == r and m.start for m in agreed.meetings):
            assert agreed.usual_by_rule[r] == engine.usual_by_rule[r]
    assert agreed.burdens == engine.burdens


@settings(max_examples=40, deadline=None)
@given(agreed_pairs())
def test_the_agreed_pair_is_the_brute_forces(got: tuple[dict[str, Any], Partnership]) -> None:
    _, p = got
    assert p.agreement is not None
    since = p.agreement.since
    agreed = twinschedule.plan(p, suggest=False).option(1)
    bf = BruteForce(Partnership(**{**{f: getattr(p, f) for f in p.__dataclass_fields__},
                                   "start": since}))
    parts = [bf.part(r.anchor, r.nth, r.weekday, r.time, parity)
             for parity, r in enumerate(agreed.rules)]
    assert parts[0] is not None and parts[1] is not None
    months = sorted((m[0], m[1], m[2], r, tuple(sorted(m[3])))
                    for r, q in enumerate(parts) if q is not None for m in q.meetings)
    assert [(m.month, m.status, m.start, m.rule, tuple(sorted(m.stretch or ())))
            for m in agreed.meetings] == months
    m = agreed.metrics
    assert (m.held, m.moved, m.skipped, m.drift) == (
        sum(q.held for q in parts if q), sum(q.moved for q in parts if q),
        sum(q.skipped for q in parts if q), sum(q.drift for q in parts if q))
    burdens = [sum(x) for x in zip(*(q.burdens for q in parts if q), strict=True)]
    assert (m.max_burden, m.total_burden) == (max(burdens), sum(burdens))
    if p.has_stretch:
        stretch = [sum(x) for x in zip(*(q.stretch for q in parts if q), strict=True)]
        assert m.stretch == tuple(zip([s.id for s in p.schools], stretch, strict=True))
