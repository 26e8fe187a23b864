"""Partner matching: for one school of a network, the other schools it can meet most
easily, ranked exactly as planning every two-school partnership would rank them.

The pool of a school is the network's schools in other countries (``abroad``: a
school without ``country`` is in a country of its own), or every other school with
``same_country``; ``Match.pool`` counts it.

A partner's score is the :class:`~twinschedule.core.ranking.Score` of the best option
of ``plan(network.pair(school, partner))``: the first five fields of its ranking key,
``(-held, moved, drift, max_burden, total_burden)``; partners are ranked by score, then
by file order (network.md).

The result is exact, and fast because most pairs are never planned. Every school gets
a *sketch* (``match_grid``): a bit mask of UTC start minutes holding every start valid
for it; every zone that can anchor a pair's rules gets its months' grid starts
(``match_anchors``); from these, ``match_bounds`` gives lower bounds of a pair's score
in two stages (``held`` and ``drift``; then also ``moved`` and the burdens).

Here the bounds are refined lazily in a priority queue ordered by ``(bound, file
index)``; a pair is planned exactly (``planner.plan``) only when it reaches the head of
the queue, and a partner is accepted when its exact score does. Since every bound is
at most the true score, the accepted partners are exactly the best ``top`` (the
argument of A* search). Schools with identical calendars (every field but ``id`` and
``name``) share sketches and plans; a shared plan's option is relabelled with the
partner's id.

A batch (``batch.match_all``) needs the bound of every pair, so its queue starts from
``match_bulk``'s bounds of all pairs of a school at once; it plans a pair's score once
for both orders of the two schools (both zones are candidate anchors either way), and
keeps only the scores between schools, the options only during one school's match.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule.core.availability import SchoolAvailability, school_availability
from twinschedule.core.calendar import SchoolCalendar, build_calendar
from twinschedule.core.plan import Meeting, Option
from twinschedule.core.planner import Shared
from twinschedule.core.planner import plan as _plan
from twinschedule.core.ranking import Score
from twinschedule.errors import ConfigError, Problem
from twinschedule.model import Network, School
from twinschedule.network.match_anchors import Anchors
from twinschedule.network.match_bounds import Found, bound, found
from twinschedule.network.match_bulk import BulkBounds
from twinschedule.network.match_grid import MatchGrid, Sketch, Sketches, ZoneDays


@dataclass(frozen=True, slots=True, kw_only=True)
class Partner:
    """One ranked partner and the best option of the two schools' plan."""

    rank: int
    school: str
    score: Score
    option: Option

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "school": self.school, "option": self.option.to_dict()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """The best partners of ``school`` among the ``pool`` schools considered (those in
    other countries, or every other school with ``same_country``).

    ``planned`` counts the two-school plans actually computed (the rest were pruned by
    bounds or shared with a school of identical calendar): not part of the JSON.
    """

    school: str
    pool: int
    partners: tuple[Partner, ...]
    planned: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"school": self.school, "pool": self.pool,
                "partners": [p.to_dict() for p in self.partners]}


BULK = -1  # a queue entry whose bound is match_bulk's (all pairs of a school at once)
LAST_BOUND = 2  # the bounds' stages are 0, 1 and 2 (match_bounds.bound)
EXACT = LAST_BOUND + 1  # a queue entry whose score is the pair's exact score


@dataclass(frozen=True, slots=True)
class _Classes:
    """Schools with identical calendars (every field but ``id`` and ``name``) form a
    class; classes share sketches and plans."""

    of: list[int]  # per school (file order), its class
    reps: list[School]  # the first school of each class
    second: dict[int, School]  # the second, for pairs inside a class

    @classmethod
    def of_schools(cls, schools: Sequence[School]) -> _Classes:
        index: dict[School, int] = {}
        of: list[int] = []
        reps: list[School] = []
        second: dict[int, School] = {}
        for s in schools:
            c = index.setdefault(dataclasses.replace(s, id="", name=""), len(index))
            if c == len(reps):
                reps.append(s)
            else:
                second.setdefault(c, s)
            of.append(c)
        return cls(of=of, reps=reps, second=second)

    def pair(self, f: int, t: int) -> tuple[School, School]:
        """The schools planned for a pair of classes (two schools of one class when
        ``f == t``, so that their ids differ)."""
        return self.reps[f], self.reps[t] if f != t else self.second[t]


class _Pool:
    """What matching needs about one network, computed on first use and shared by every
    match on it (one per process in a batch): the grid, the schools' classes and
    sketches, the anchors, and the exact plans of the pairs of classes planned so far."""

    def __init__(self, network: Network) -> None:
        self.network = n = network
        tls = {z: _zones.timeline_for_dates(z, n.start, n.end)
               for z in dict.fromkeys(s.timezone for s in n.schools)}
        self.grid = grid = MatchGrid.of(n, tls.values())
        zones = {z: ZoneDays.of(tl, grid) for z, tl in tls.items()}
        self.classes = _Classes.of_schools(n.schools)
        self.cls = self.classes.of
        self.anchors = Anchors(n, grid, zones)
        self._builder = Sketches(n, grid, zones)
        self._sketches: dict[int, Sketch] = {}
        self._scores: dict[tuple[int, int], Score | None] = {}
        self._options: dict[tuple[int, int], tuple[Score, Option] | None] = {}
        self._cals: dict[str, tuple[SchoolCalendar, SchoolAvailability]] = {}
        self._shared = Shared()  # what the plans of the network's pairs share
        self._bulk: BulkBounds | None = None
        self.planned = 0

    def sketch(self, c: int) -> Sketch:
        got = self._sketches.get(c)
        if got is None:
            got = self._sketches[c] = self._builder.sketch(self.classes.reps[c])
        return got

    def found(self, f: int, t: int) -> Found:
        """The anchors of the pair (classes ``f``, ``t``) that reach the most meetings
        (``match_bounds.found``); empty when the pair cannot hold any meeting."""
        sf, st = self.sketch(f), self.sketch(t)
        if not sf.valid & st.valid:  # (before building anchors no pair may need)
            return []
        reps = self.classes.reps
        return found(sf, st, self.anchors.of_pair(reps[f].timezone, reps[t].timezone),
                     self.grid)

    def bound(self, f: int, t: int, stage: int, at: Found | None = None) -> Score | None:
        """A lower bound of the score of the pair (classes ``f``, ``t``) at ``stage``
        (0, 1, 2: ``match_bounds.bound``), from its :meth:`found` ``at`` when known;
        None when the pair cannot hold any meeting."""
        if at is None:
            at = self.found(f, t)
        return self._bound(f, t, stage, at) if at else None

    def _bound(self, f: int, t: int, stage: int, at: Found) -> Score:
        return bound(self.sketch(f), self.sketch(t), at, stage, self.grid)

    def _cal(self, s: School) -> tuple[SchoolCalendar, SchoolAvailability]:
        """A school's calendar and availability in every pair of the network (they
        depend on the school and the network's horizon and duration only)."""
        got = self._cals.get(s.id)
        if got is None:
            n = self.network
            cal = build_calendar(s, start=n.start, end=n.end, duration=n.duration)
            got = self._cals[s.id] = (cal, school_availability(cal))
        return got

    def exact(self, f: int, t: int) -> tuple[Score, Option] | None:
        """The score and best option of ``plan(P(rep f, rep t))``. The score is kept
        for the whole pool; the option only until the next match starts (a batch plans
        tens of pairs per school, and keeping every option would take gigabytes)."""
        key = (f, t)
        if key in self._options:
            return self._options[key]
        self.planned += 1
        a, b = self.classes.pair(f, t)
        (ca, aa), (cb, ab) = self._cal(a), self._cal(b)
        result = _plan(self.network.pair(a, b), top=1, calendars=(ca, cb),
                       availabilities=(aa, ab), shared=self._shared, diagnostics=False)
        got = None
        if result.options:
            got = (Score.of(result.options[0].metrics), result.options[0])
        self._options[key] = got
        self._scores[key] = None if got is None else got[0]
        return got

    def score(self, f: int, t: int) -> Score | None:
        """The exact score of the pair (classes ``f``, ``t``); planned only when
        neither order was planned before (a pair scores the same in either order: both
        zones are candidate anchors, and the score's metrics are sums and maxima over
        the two schools)."""
        for key in ((f, t), (t, f)):
            if key in self._scores:
                return self._scores[key]
        got = self.exact(f, t)
        return None if got is None else got[0]

    def _partner(self, index: int, i: int, rank: int, score: Score, option: Option) -> Partner:
        """School ``i`` as partner of school ``index``, with the option planned for
        their classes relabelled with their ids."""
        schools = self.network.schools
        planned = self.classes.pair(self.cls[index], self.cls[i])
        return Partner(rank=rank, school=schools[i].id, score=score, option=_relabel(
            option, {planned[0].id: schools[index].id, planned[1].id: schools[i].id}))

    def pool(self, index: int, same_country: bool = False) -> list[int]:
        """The schools considered as partners of school ``index`` (file order): every
        other school in another country, or every other school with ``same_country``
        (network.md: a school without ``country`` is in a country of its own)."""
        schools = self.network.schools
        focal = schools[index]
        return [i for i, s in enumerate(schools)
                if i != index and (same_country or abroad(focal, s))]

    def bulk(self) -> BulkBounds:
        """The bounds of all pairs of a school at once (``match_bulk``), for batches."""
        if self._bulk is None:
            reps = self.classes.reps
            sketches = [self.sketch(c) for c in range(len(reps))]
            self._bulk = BulkBounds(self.grid, self.anchors, [s.timezone for s in reps],
                                    [s.valid for s in sketches], [s.prefs for s in sketches])
        return self._bulk

    def match(self, index: int, top: int, same_country: bool = False, *,
              bulk: bool = False) -> Match:
        """The A* search: lower bounds refined lazily in a priority queue (stages 0, 1
        and 2, then the exact score); a partner is accepted when its exact score
        reaches the head. With ``bulk`` (batches: the bounds of every pair of the
        school are needed) the queue starts from ``match_bulk``'s bounds instead of
        stage 0. Each refinement keeps the larger of the old and the new bound (both
        are at most the exact score)."""
        schools = self.network.schools
        f = self.cls[index]
        before = self.planned
        pool = self.pool(index, same_country)
        self._options.clear()
        heap: list[tuple[Score, int, int, Found]] = []
        if bulk:
            first = self.bulk().bounds(f)
            heap = [(b, i, BULK, []) for i in pool if (b := first[self.cls[i]]) is not None]
        else:
            for i in pool:
                if at := self.found(f, self.cls[i]):
                    heap.append((self._bound(f, self.cls[i], 0, at), i, 0, at))
        heapq.heapify(heap)
        partners: list[Partner] = []
        while heap and len(partners) < top:
            score, i, stage, at = heapq.heappop(heap)
            c = self.cls[i]
            if stage == BULK:
                # stage 1 bounds ``moved`` by 0, 1 or 2 as the bulk bound did: skipped
                # when the bulk bound has the most it can give
                if at := self.found(f, c):
                    nxt = 1 if score.moved < min(2, -score.neg_held) else LAST_BOUND
                    heapq.heappush(heap, (max(score, self._bound(f, c, nxt, at)), i, nxt, at))
            elif stage < LAST_BOUND:
                heapq.heappush(heap, (max(score, self._bound(f, c, stage + 1, at)), i,
                                      stage + 1, at))
            elif stage == LAST_BOUND:
                if (exact := self.score(f, c)) is not None:
                    heapq.heappush(heap, (exact, i, EXACT, []))
            else:
                got = self.exact(f, c)
                assert got is not None and got[0] == score, (got, score)
                partners.append(self._partner(index, i, len(partners) + 1, score, got[1]))
        return Match(school=schools[index].id, pool=len(pool), partners=tuple(partners),
                     planned=self.planned - before)

    def match_unpruned(self, index: int, top: int, same_country: bool = False) -> Match:
        """The same ranking by planning every pair (for tests and benchmarks)."""
        schools = self.network.schools
        f = self.cls[index]
        pool = self.pool(index, same_country)
        self._options.clear()
        scored = []
        for i in pool:
            if (got := self.exact(f, self.cls[i])) is not None:
                scored.append((got[0], i, got[1]))
        scored.sort(key=lambda x: (x[0], x[1]))
        partners = tuple(self._partner(index, i, r + 1, score, o)
                         for r, (score, i, o) in enumerate(scored[:top]))
        return Match(school=schools[index].id, pool=len(pool), partners=partners)


def abroad(a: School, b: School) -> bool:
    """Whether ``b`` is in another country than ``a`` (a school without ``country`` is
    in a country of its own: abroad for every other school)."""
    return a.country is None or b.country is None or a.country != b.country


def _relabel(option: Option, ids: dict[str, str]) -> Option:
    """The option of schools with identical calendars, with their ids (``ids`` maps
    the planned schools' ids to them)."""
    if all(a == b for a, b in ids.items()):
        return option

    def sid(x: str) -> str:
        return ids.get(x, x)

    meetings = tuple(dataclasses.replace(
        m, local=None if m.local is None else tuple((sid(a), w) for a, w in m.local),
        reasons=tuple(dataclasses.replace(r, school=sid(r.school)) for r in m.reasons))
        for m in option.meetings)
    return dataclasses.replace(
        option, usual_times=tuple((sid(a), v) for a, v in option.usual_times),
        burdens=tuple((sid(a), v) for a, v in option.burdens), meetings=meetings)


def _index(network: Network, school_id: str) -> int:
    for i, s in enumerate(network.schools):
        if s.id == school_id:
            return i
    ids = ", ".join(s.id for s in network.schools[:10])
    more = ", ..." if len(network.schools) > 10 else ""
    raise ConfigError([Problem(path="--school", message=f"no school {school_id!r} in the "
                               f"network (its schools: {ids}{more})")])


def _check_top(top: int) -> None:
    if top < 1:
        raise ConfigError([Problem(path="--top", message=f"{top} is not at least 1")])


def match(network: Network, school_id: str, *, top: int = 10,
          same_country: bool = False) -> Match:
    """The ``top`` best partners of school ``school_id`` among the network's schools in
    other countries (every other school with ``same_country``), exactly as planning
    every pair with ``plan`` would rank them (network.md).

    Raises ``ConfigError`` for an unknown school or a ``top`` below 1.
    """
    _check_top(top)
    return _Pool(network).match(_index(network, school_id), top, same_country)


def pack_option(option: Option) -> Option:
    """The option with its local times in UTC, so that it pickles (zones built from the
    tzdata package's files do not); ``unpack_option`` restores them."""
    return dataclasses.replace(option, meetings=tuple(
        m if m.local is None else dataclasses.replace(
            m, local=tuple((sid, w.astimezone(dt.UTC)) for sid, w in m.local))
        for m in option.meetings))


def unpack_option(option: Option, zones: dict[str, str]) -> Option:
    """``pack_option`` undone, given each school id's zone."""
    return dataclasses.replace(option, meetings=tuple(
        m if m.local is None else dataclasses.replace(m, local=tuple(
            (sid, w.astimezone(_zones.get_zone(zones[sid]))) for sid, w in m.local))
        for m in option.meetings))


__all__ = ["Match", "Meeting", "Partner", "match"]
