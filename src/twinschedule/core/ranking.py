"""The ranking key of planning.md, defined once.

Options are sorted by ``(-held, max_stretch, moved, drift, max_burden, total_burden,
kind, A's (anchor_index, nth_index, weekday_index, time), B's (...))``, smallest first,
where ``kind`` is 0 for a single rule and 1 for an alternation (two rules taking turns,
A in the even months, B in the odd ones), and a single rule has no B part (it sorts
first at equal prefix). Without stretch hours every ``max_stretch`` is 0 and there are
no alternations, so the key orders single rules exactly as ``(-held, moved, drift,
max_burden, total_burden, anchor_index, nth_index, weekday_index, time)`` did.

:class:`RankKey` is that tuple with names; :meth:`RankKey.of` is its one constructor.
The planner, the search of alternations, the test suite and the benchmark's brute
force all build their keys with it.

A :class:`Score` is what a candidate achieves whatever its rule, ``(-held, moved, drift,
max_burden, total_burden)``: partner matching ranks partners by the score of their
pair's best option (network.md; networks have no stretch hours), built from the
option's metrics by :meth:`Score.of` (equal to the key's :attr:`RankKey.score`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from twinschedule._vocab import NTHS
from twinschedule.core.plan import Metrics

_new = tuple.__new__

#: A rule's place in the rule space: (anchor_index, nth_index, weekday_index, time).
RulePlace = tuple[int, int, int, int]


class Score(NamedTuple):
    """A candidate's place in the ranking whatever its rule: :class:`RankKey`'s fields
    without ``max_stretch`` and the rules (compares as the plain tuple)."""

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



class RankKey(NamedTuple):
    """A candidate's place in the ranking (compares as the plain tuple of planning.md)."""

    neg_held: int  # -held: more held meetings first
    max_stretch: int  # the most stretch meetings of any school (0 without stretch hours)
    moved: int
    drift: int
    max_burden: int
    total_burden: int
    kind: int  # 0: a single rule, 1: an alternation
    anchor_index: int  # position of the anchor in the candidate anchor list
    nth_index: int  # position of nth in 1, 2, 3, 4, -1
    weekday: int  # 0 for MO .. 6 for SU
    time: int  # wall minutes after midnight in the anchor zone
    second: RulePlace | tuple[()]  # rule B's place; () for a single rule

    @classmethod
    def of(cls, *, held: int, moved: int, drift: int, burdens: Sequence[int],
           anchor_index: int, nth: int, weekday: int, time: int,
           stretch: Sequence[int] = (),
           second: tuple[int, int, int, int] | None = None) -> RankKey:
        """The key of a candidate holding ``held`` meetings (``moved`` of them moved) with
        the given ``drift``, per-school ``burdens`` and per-school stretch meetings
        (``stretch``, empty without stretch hours), of rule (nth, weekday, time) in the
        anchor at ``anchor_index``; for an alternation, ``second`` is rule B's
        ``(anchor_index, nth, weekday, time)``."""
        # tuple.__new__ directly: the same object as cls(...), without the Python-level
        # __new__ of NamedTuple (this runs once per candidate time of a group).
        if second is None:
            return _new(cls, (-held, max(stretch) if stretch else 0, moved, drift,
                              max(burdens), sum(burdens), 0, anchor_index, NTHS.index(nth),
                              weekday, time, ()))
        b_anchor, b_nth, b_weekday, b_time = second
        return _new(cls, (-held, max(stretch) if stretch else 0, moved, drift, max(burdens),
                          sum(burdens), 1, anchor_index, NTHS.index(nth), weekday, time,
                          (b_anchor, NTHS.index(b_nth), b_weekday, b_time)))

    @property
    def held(self) -> int:
        return -self.neg_held

    @property
    def score(self) -> Score:
        """The key's (-held, moved, drift, max_burden, total_burden)."""
        return _new(Score, (self[0], *self[2:6]))

    @property
    def place(self) -> RulePlace:
        """Rule A's (the single rule's) place in the rule space."""
        return (self.anchor_index, self.nth_index, self.weekday, self.time)
