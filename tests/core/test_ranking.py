"""The ranking key and partner matching's score (``core.ranking``) are one definition:
the score is the key's first fields, in the same order, compared the same way."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twinschedule.core.plan import Metrics
from twinschedule.core.ranking import RankKey, Score


def test_the_score_is_the_keys_fields_without_stretch_and_rules() -> None:
    fields = RankKey._fields
    assert (fields[0], *fields[2:6]) == Score._fields and fields[1] == "max_stretch"


small = st.integers(0, 30)


@st.composite
def keys(draw: st.DrawFn) -> RankKey:
    return RankKey.of(held=draw(small), moved=draw(small), drift=draw(small),
                      burdens=draw(st.lists(small, min_size=1, max_size=3)),
                      anchor_index=draw(st.integers(0, 1)), nth=draw(st.sampled_from([1, -1])),
                      weekday=draw(st.integers(0, 6)), time=draw(st.integers(0, 1439)))


def _metrics(k: RankKey) -> Metrics:
    return Metrics(held=k.held, scheduled=k.held - k.moved, moved=k.moved, skipped=0,
                   drift=k.drift, max_burden=k.max_burden, total_burden=k.total_burden)


@given(keys(), keys())
def test_scores_rank_as_their_keys_before_the_rule(a: RankKey, b: RankKey) -> None:
    assert Score.of(_metrics(a)) == a.score
    if a.score != b.score:
        assert (a < b) == (a.score < b.score)
