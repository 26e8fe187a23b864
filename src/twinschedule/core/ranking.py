"""The ranking key of planning.md, defined once.

Options are sorted by ``(-held, moved, drift, max_burden, total_burden, anchor_index,
nth_index, weekday_index, time)``, smallest first. :class:`RankKey` is that tuple with
names; :meth:`RankKey.of` is its one constructor. The planner, the test suite and the
benchmark's brute force all build their keys with it.

A :class:`Score` is the key's first five fields, what a candidate achieves whatever its
rule: partner matching ranks partners by the score of their pair's best option
(network.md), built from the option's metrics by :meth:`Score.of` (equal to the key's
:attr:`RankKey.score`, which the planner's metrics come from).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from twinschedule._vocab import NTHS
from twinschedule.core.plan import Metrics

_new = tuple.__new__


class Score(NamedTuple):
    """A candidate's place in the ranking whatever its rule: the first five fields of
    :class:`RankKey` (compares as the plain tuple)."""

    neg_held: int  # -held: more held meetings first
    moved: int
    drift: int
    max_burden: int
    total_burden: int

    @classmethod
    def of(cls, metrics: Metrics) -> Score:
        """The score of an option with these metrics."""
        return _new(cls, (-metrics.held, metrics.moved, metrics.drift, metrics.max_burden,
                          metrics.total_burden))


_SCORE_FIELDS = len(Score._fields)


class RankKey(NamedTuple):
    """A candidate's place in the ranking (compares as the plain tuple of planning.md)."""

    neg_held: int  # -held: more held meetings first
    moved: int
    drift: int
    max_burden: int
    total_burden: int
    anchor_index: int  # position of the anchor in the candidate anchor list
    nth_index: int  # position of nth in 1, 2, 3, 4, -1
    weekday: int  # 0 for MO .. 6 for SU
    time: int  # wall minutes after midnight in the anchor zone

    @classmethod
    def of(cls, *, held: int, moved: int, drift: int, burdens: Sequence[int],
           anchor_index: int, nth: int, weekday: int, time: int) -> RankKey:
        """The key of a candidate holding ``held`` meetings (``moved`` of them moved) with
        the given ``drift`` and per-school ``burdens``, of rule (nth, weekday, time) in
        the anchor at ``anchor_index``."""
        # tuple.__new__ directly: the same object as cls(...), without the Python-level
        # __new__ of NamedTuple (this runs once per candidate time of a group).
        return _new(cls, (-held, moved, drift, max(burdens), sum(burdens), anchor_index,
                          NTHS.index(nth), weekday, time))

    @property
    def held(self) -> int:
        return -self.neg_held

    @property
    def score(self) -> Score:
        """The fields before the rule's (anchor, nth, weekday, time)."""
        return _new(Score, self[:_SCORE_FIELDS])
