"""Stretch hours and alternating rules (planning.md, "Stretch hours", "Alternating
rules", "Ranking with stretch and alternation").

A partnership whose schools have no ``stretch`` windows and that does not ask for
alternation is planned by ``planner.plan`` unchanged (:func:`plan` hands it over). The
others are planned here, on the planner's own search (:class:`planner._Search`: the
same families, moves and rows), with every school's availability computed from its own
and its stretch windows together (``availability.school_availability``), and the
stretch meetings read from each school's own-windows fit (``SchoolAvailability.own``).

Every candidate rule is evaluated exactly on a *part* of the months: all of them (a
single rule), the even months (rule A of an alternation) or the odd ones (rule B),
counted from the month of ``start``. An alternation's metrics are sums of its two
parts' (``drift`` too: each rule has its own usual times) but for the two maxima
(``max_stretch``, ``max_burden``), so the best pairs are found without evaluating every
pair: :class:`_PairSearch` is a best-first branch and bound over blocks (a range of
rule A's candidates times a range of rule B's), each with a lower bound of the ranking
key of every pair in it (per component: the sums of the smallest parts, the maxima of
those sums), that splits the block with the smallest bound until it is small enough to
evaluate pair by pair. Blocks whose every pair exceeds ``stretch_share`` are dropped,
and the search stops once the options are found: every pair never evaluated has a key
above them (the bounds are exact lower bounds, never a guess). The singles and the
pairs are then merged in key order and duplicates (the same held instants) removed.

:func:`evaluate_pair` evaluates one given pair of rules (an agreed alternation), like
the search does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, cast

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY, GridMask, UtcMinute
from twinschedule._vocab import NTHS, weekday_index
from twinschedule.core.availability import (
    AnchorDay,
    GridStarts,
    SchoolAvailability,
    school_availability,
)
from twinschedule.core.bits import add as _add
from twinschedule.core.bits import at_most as _at_most
from twinschedule.core.bits import plus as _plus
from twinschedule.core.bits import positions as _bits
from twinschedule.core.bits import value as _value
from twinschedule.core.calendar import SchoolCalendar, build_calendars
from twinschedule.core.plan import Meeting, Metrics, Option, Plan
from twinschedule.core.planner import Exact, Outcome, _Family, _Search
from twinschedule.core.planner import plan as _single_plan
from twinschedule.core.ranking import RankKey, RulePlace
from twinschedule.core.rules import months
from twinschedule.model import Partnership, Rule

#: Blocks of at most this many pairs are evaluated pair by pair.
LEAF_PAIRS = 32

#: The parts of the months a rule is evaluated on: every month, rule A's (even months
#: counted from the month of ``start``) and rule B's (odd months).
ALL, EVEN, ODD = None, 0, 1


def stretch_cap(p: Partnership) -> int:
    """The most stretch meetings a school may have: ``floor(stretch_share * M)``, ``M``
    the calendar months the horizon touches (the share read as the decimal written,
    so 0.3 of 10 months is 3, not 2 by a binary rounding)."""
    return int(Decimal(repr(p.stretch_share)) * len(months(p.start, p.end)))


class Candidate(NamedTuple):
    """A rule evaluated exactly on one part of the months: its metrics there (per
    school ``burdens``; ``stretch`` per school with stretch hours), its place in the
    rule space (with nth as its index in 1, 2, 3, 4, -1) and where it comes from (the
    part and the grid time)."""

    held: int
    moved: int
    drift: int
    burdens: tuple[int, ...]
    stretch: tuple[int, ...]
    place: RulePlace
    part: int
    k: int


class Counted(NamedTuple):
    """A rule on one part of the months, counted: grid time ``k`` of part ``part``, its
    held meetings there and its stretch meetings per school with stretch hours."""

    part: int
    k: int
    held: int
    stretch: tuple[int, ...]


def _pairable(first: list[Counted], second: list[Counted], cap: int) -> list[Counted]:
    """The rules of ``first`` that some rule of ``second`` can take turns with within
    ``cap``: for each school, its stretch meetings plus the fewest of ``second``'s are
    at most ``cap`` (a necessary condition; the pair search checks the pairs)."""
    if not second:
        return []
    fewest = [min(c.stretch[j] for c in second) for j in range(len(second[0].stretch))]
    return [c for c in first if all(x + y <= cap for x, y in zip(c.stretch, fewest,
                                                                   strict=True))]


def pairs_of(engine: _Engine, counted: dict[int | None, list[Counted]]
             ) -> tuple[list[Counted], list[Counted]]:
    """Rule A's and rule B's counted candidates (the even and the odd months), each
    able to take turns with some rule of the other part within ``stretch_share``."""
    first = _pairable(counted[EVEN], counted[ODD], engine.cap)
    second = _pairable(counted[ODD], first, engine.cap)
    return first, second


class _Evaluated(NamedTuple):
    """A candidate with its exact evaluation (outcomes, held starts, usual times)."""

    cand: Candidate
    exact: Exact


@dataclass(slots=True)
class SearchStats:
    """What the search of alternations did: candidates of rule A and rule B (rules that
    hold a meeting in their months within ``stretch_share``), the pairs they make, the
    pairs evaluated exactly and the pairs whose block was never split (pruned)."""

    singles: int = 0
    a_candidates: int = 0
    b_candidates: int = 0
    pairs: int = 0
    evaluated: int = 0
    blocks: int = 0

    @property
    def pruned(self) -> int:
        return self.pairs - self.evaluated


class _Engine:
    """The planner's search over a partnership with stretch hours or alternation, and
    the candidates of each part of the months."""

    def __init__(self, p: Partnership, cals: tuple[SchoolCalendar, ...],
                 avs: Sequence[SchoolAvailability],
                 anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None) -> None:
        self.p = p
        self.search = _Search(p, cals, avs, anchor_grids)
        self.cap = stretch_cap(p)
        self.stretchers = [i for i, av in enumerate(self.search.avs) if av.own is not None]
        self._own = {i: GridStarts([self.search.avs[i].own or []], p.step,
                                   self.search.avs[i].first, self.search.avs[i].last)
                     for i in self.stretchers}
        self._stretch_masks: dict[tuple[int, int, int], GridMask] = {}
        self.parts: list[_Family] = []
        self._month_index = {ym: k for k, ym in enumerate(months(p.start, p.end))}
        self._months: list[int | None] = [None] * ((p.end - p.start).days + 1)
        self._stretch_lists: dict[tuple[int, int], list[GridMask | None]] = {}

    def stretch_mask(self, ai: int, day: int, i: int) -> GridMask:
        """The grid times of anchor ``ai``'s date ``day`` (a date index) valid for the
        partnership at which the meeting is a stretch meeting for school ``i``."""
        key = (ai, day, i)
        got = self._stretch_masks.get(key)
        if got is None:
            anchor = self.search.anchors[ai]
            got = anchor.valid[day] & ~self._own[i].mask(anchor.days[day].pieces)
            self._stretch_masks[key] = got
        return got

    def _stretch_list(self, ai: int, i: int) -> list[GridMask | None]:
        """School ``i``'s stretch masks of anchor ``ai``'s dates, filled on first use."""
        key = (ai, i)
        got = self._stretch_lists.get(key)
        if got is None:
            got = self._stretch_lists[key] = [None] * len(self.search.anchors[ai].days)
        return got

    def month_of(self, day: int) -> int:
        """The month number (0: the month of ``start``) of a date index."""
        got = self._months[day]
        if got is None:
            d = self.search.date(day)
            got = self._months[day] = self._month_index[(d.year, d.month)]
        return got

    def part(self, fam: _Family, parity: int | None, shift: int = 0) -> int:
        """Register the part of ``fam``'s months of ``parity`` (None: all) and return its
        index in :attr:`parts`; ``shift`` moves the origin of the month numbers (a
        number of months after the month of ``start``, as for an agreement ``since``)."""
        if parity is None:
            self.parts.append(fam)
            return len(self.parts) - 1
        chosen = [m for m in fam.months if (self.month_of(m.nominal) - shift) % 2 == parity]
        excluded = 0
        days = self.search.anchors[fam.anchor_index].days
        for m in chosen:
            excluded |= days[m.nominal].bad
        self.parts.append(_Family(anchor_index=fam.anchor_index, nth=fam.nth,
                                  weekday=fam.weekday, months=chosen, excluded=excluded))
        return len(self.parts) - 1

    def count(self, families: list[_Family]) -> dict[int | None, list[Counted]]:
        """For every part of the months (all, even, odd), every rule of ``families`` that
        holds a meeting there and keeps every school within ``stretch_share``, with its
        held meetings and stretch meetings per school counted: bit-sliced counters of
        all the times of a family at once (the even and the odd months each, all months
        as their sum); no drift or burden yet."""
        out: dict[int | None, list[Counted]] = {ALL: [], EVEN: [], ODD: []}
        for fam in families:
            counts = [self._counters(self.part(fam, parity)) for parity in (EVEN, ODD)]
            everything = self.parts[self.part(fam, ALL)]
            keep = self.search.full & ~everything.excluded
            held = _plus(counts[0][1], counts[1][1])
            stretch = [_plus(a, b) for a, b in zip(counts[0][2], counts[1][2], strict=True)]
            counts.append((len(self.parts) - 1, held, stretch, (counts[0][3] | counts[1][3])
                           & keep))
            for parity, (pi, held, stretch, union) in zip((EVEN, ODD, ALL), counts,
                                                          strict=True):
                ok = union
                for planes in stretch:
                    ok = _at_most(planes, self.cap, ok)
                out[parity] += [Counted(part=pi, k=k, held=_value(held, k),
                                        stretch=tuple(_value(x, k) for x in stretch))
                                for k in _bits(ok)]
        return out

    def _counters(self, pi: int
                  ) -> tuple[int, list[GridMask], list[list[GridMask]], GridMask]:
        """(the part's index, its held and stretch counters, the times holding one)."""
        part = self.parts[pi]
        keep = self.search.full & ~part.excluded
        masks = [self._stretch_list(part.anchor_index, i) for i in self.stretchers]
        held: list[GridMask] = []
        stretch: list[list[GridMask]] = [[] for _ in self.stretchers]
        union = 0
        for month in part.months:
            for day, mask in ((month.nominal, month.scheduled), *month.moves):
                mask &= keep
                if not mask:
                    continue
                union |= mask
                _add(held, mask)
                for planes, by_day, i in zip(stretch, masks, self.stretchers, strict=True):
                    got = by_day[day]
                    if got is None:
                        got = by_day[day] = self.stretch_mask(part.anchor_index, day, i)
                    _add(planes, mask & got)
        return pi, held, stretch, union

    def candidates(self, counted: list[Counted]) -> list[Candidate]:
        """The counted rules evaluated exactly (drift, burdens)."""
        return [self.evaluate(c.part, c.k).cand for c in counted]

    def evaluate(self, pi: int, k: int) -> _Evaluated:
        """Grid time ``k`` of part ``pi`` evaluated exactly (``_Search.exact``), with its
        stretch meetings counted per school with stretch hours."""
        part = self.parts[pi]
        exact = self.search.exact(part, k)
        stretch = [0] * len(self.stretchers)
        bit = 1 << k
        ai = part.anchor_index
        for outcome in exact.outcomes:
            if outcome.day is not None:
                for j, i in enumerate(self.stretchers):
                    if self.stretch_mask(ai, outcome.day, i) & bit:
                        stretch[j] += 1
        key = exact.key
        cand = Candidate(held=key.held, moved=key.moved, drift=key.drift,
                         burdens=tuple(exact.burdens), stretch=tuple(stretch),
                         place=key.place, part=pi, k=k)
        return _Evaluated(cand, exact)

    def stretching(self, ai: int, outcome_day: int | None, k: int) -> tuple[str, ...]:
        """The schools for which the meeting at grid time ``k`` of date ``outcome_day``
        is a stretch meeting."""
        if outcome_day is None:
            return ()
        ids = [s.id for s in self.p.schools]
        return tuple(ids[i] for i in self.stretchers
                     if self.stretch_mask(ai, outcome_day, i) >> k & 1)


def pair_key(a: Candidate, b: Candidate) -> RankKey:
    """The ranking key of the alternation (a, b): sums of the parts' metrics (planning.md,
    "Alternating rules"), the maxima over schools of the summed burdens and stretch."""
    ai, an, aw, at = a.place
    bi, bn, bw, bt = b.place
    return RankKey.of(held=a.held + b.held, moved=a.moved + b.moved, drift=a.drift + b.drift,
                      burdens=[x + y for x, y in zip(a.burdens, b.burdens, strict=True)],
                      anchor_index=ai, nth=NTHS[an], weekday=aw, time=at,
                      stretch=[x + y for x, y in zip(a.stretch, b.stretch, strict=True)],
                      second=(bi, NTHS[bn], bw, bt))


class _Summary(NamedTuple):
    """Per component, the best value over a range of candidates: the most held, and
    the fewest of everything else (per school for burdens and stretch)."""

    held: int
    stretch: tuple[int, ...]
    moved: int
    drift: int
    burdens: tuple[int, ...]
    total: int
    place: RulePlace


def _summary(cands: Sequence[Candidate]) -> _Summary:
    return _Summary(
        held=max(c.held for c in cands),
        stretch=tuple(map(min, *(c.stretch for c in cands))) if len(cands) > 1 and cands[0].stretch
        else cands[0].stretch,
        moved=min(c.moved for c in cands), drift=min(c.drift for c in cands),
        burdens=tuple(map(min, *(c.burdens for c in cands))) if len(cands) > 1
        else cands[0].burdens,
        total=min(sum(c.burdens) for c in cands), place=min(c.place for c in cands))


def _order(c: Candidate) -> tuple[int, int, int, int, int, int, RulePlace]:
    """How each side is sorted before it is cut into ranges: by its own ranking."""
    return (-c.held, max(c.stretch, default=0), c.moved, c.drift, max(c.burdens),
            sum(c.burdens), c.place)


#: A lower bound of the keys of a block's pairs (a tuple compared with RankKey), or an
#: evaluated pair's RankKey itself.
Bound = tuple[Any, ...]


class _PairSearch:
    """Alternations (a, b) in ranking order, a from ``first`` (the even months) and b
    from ``second`` (the odd months), distinct rules, every school within ``cap``."""

    def __init__(self, first: list[Candidate], second: list[Candidate], cap: int,
                 stats: SearchStats) -> None:
        self.a = sorted(first, key=_order)
        self.b = sorted(second, key=_order)
        self.cap = cap
        self.stats = stats
        self._summaries: dict[tuple[int, int, int], _Summary] = {}
        # (bound or key, 1 for a block and 0 for an evaluated pair, a tie-breaker, the
        # block's ranges or the pair's positions); at an equal bound a pair comes first.
        self._heap: list[tuple[Bound, int, int, tuple[int, int, int, int]]] = []
        self._count = itertools.count()
        stats.a_candidates, stats.b_candidates = len(self.a), len(self.b)
        stats.pairs = len(self.a) * len(self.b)
        if self.a and self.b:
            self._push_block(0, len(self.a), 0, len(self.b))

    def _range(self, side: int, lo: int, hi: int) -> _Summary:
        key = (side, lo, hi)
        got = self._summaries.get(key)
        if got is None:
            got = self._summaries[key] = _summary((self.a, self.b)[side][lo:hi])
        return got

    def _push_block(self, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> None:
        sa, sb = self._range(0, a_lo, a_hi), self._range(1, b_lo, b_hi)
        stretch = [x + y for x, y in zip(sa.stretch, sb.stretch, strict=True)]
        if max(stretch, default=0) > self.cap:
            return  # every pair of the block has a school beyond stretch_share
        bound: Bound = (-(sa.held + sb.held), max(stretch, default=0), sa.moved + sb.moved,
                 sa.drift + sb.drift,
                 max(x + y for x, y in zip(sa.burdens, sb.burdens, strict=True)),
                 sa.total + sb.total, 1, *sa.place, sb.place)
        self.stats.blocks += 1
        heapq.heappush(self._heap, (bound, 1, next(self._count), (a_lo, a_hi, b_lo, b_hi)))

    def _leaf(self, a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> None:
        """Evaluate every pair of a small block exactly."""
        for i in range(a_lo, a_hi):
            a = self.a[i]
            for j in range(b_lo, b_hi):
                b = self.b[j]
                self.stats.evaluated += 1
                if a.place == b.place:
                    continue  # the same rule: not an alternation
                if any(x + y > self.cap for x, y in zip(a.stretch, b.stretch, strict=True)):
                    continue
                key = pair_key(a, b)
                heapq.heappush(self._heap, (key, 0, next(self._count), (i, j, 0, 0)))

    def __iter__(self) -> Iterator[tuple[RankKey, Candidate, Candidate]]:
        heap = self._heap
        while heap:
            bound, is_block, _, payload = heapq.heappop(heap)
            a_lo, a_hi, b_lo, b_hi = payload
            if not is_block:  # an evaluated pair: its bound is its key
                yield cast(RankKey, bound), self.a[a_lo], self.b[a_hi]
                continue
            if (a_hi - a_lo) * (b_hi - b_lo) <= LEAF_PAIRS:
                self._leaf(a_lo, a_hi, b_lo, b_hi)
            elif a_hi - a_lo >= b_hi - b_lo:
                mid = (a_lo + a_hi) // 2
                self._push_block(a_lo, mid, b_lo, b_hi)
                self._push_block(mid, a_hi, b_lo, b_hi)
            else:
                mid = (b_lo + b_hi) // 2
                self._push_block(a_lo, a_hi, b_lo, mid)
                self._push_block(a_lo, a_hi, mid, b_hi)


def _option(rank: int, evs: Sequence[tuple[_Engine, _Evaluated]]) -> Option:
    """The option of a single rule (one evaluated part: all months) or of an
    alternation (two: rule A's months and rule B's, each from its engine), from the
    exact evaluations."""
    p = evs[0][0].p
    ids = [s.id for s in p.schools]
    alternating = len(evs) > 1
    parts = [eng.search.option(rank, eng.parts[ev.cand.part], ev.exact) for eng, ev in evs]
    meetings: list[Meeting] = []
    for r, ((eng, ev), opt) in enumerate(zip(evs, parts, strict=True)):
        ai = eng.parts[ev.cand.part].anchor_index
        for m, outcome in zip(opt.meetings, ev.exact.outcomes, strict=True):
            meetings.append(dataclasses.replace(
                m, rule=r if alternating else None,
                stretch=eng.stretching(ai, outcome.day, ev.cand.k) if p.has_stretch
                else None))
    meetings.sort(key=lambda m: m.month)
    burdens = [sum(opt.burdens[i][1] for opt in parts) for i in range(len(ids))]
    stretch = None
    if p.has_stretch:
        counts = dict.fromkeys(ids, 0)
        for m in meetings:
            for sid in m.stretch or ():
                counts[sid] += 1
        stretch = tuple(counts.items())
    metrics = Metrics(
        held=sum(o.metrics.held for o in parts), scheduled=sum(o.metrics.scheduled for o in parts),
        moved=sum(o.metrics.moved for o in parts), skipped=sum(o.metrics.skipped for o in parts),
        drift=sum(o.metrics.drift for o in parts), max_burden=max(burdens),
        total_burden=sum(burdens), stretch=stretch)
    first = parts[0]
    return dataclasses.replace(
        first, metrics=metrics, burdens=tuple(zip(ids, burdens, strict=True)),
        meetings=tuple(meetings), kind="alternating" if alternating else "single",
        rules=tuple(o.rule for o in parts) if alternating else (),
        usual_by_rule=tuple(o.usual_times for o in parts) if alternating else ())


def _starts(evs: Sequence[_Evaluated]) -> tuple[UtcMinute, ...]:
    """The held instants of a candidate (its identity for duplicates)."""
    return tuple(sorted(itertools.chain.from_iterable(ev.exact.starts for ev in evs)))


def _ranked(eng: _Engine, fams: list[_Family], want: int, stats: SearchStats) -> list[Option]:
    """The first ``want`` options: single rules and alternations merged in key order,
    duplicates (the same held instants) removed across kinds."""
    counted = eng.count(fams)
    singles = sorted((single_key(c), c) for c in eng.candidates(counted[ALL]))
    stats.singles = len(singles)
    streams: list[Iterator[tuple[RankKey, tuple[Candidate, ...]]]] = [
        ((key, (c,)) for key, c in singles)]
    if eng.p.alternates:
        first, second = pairs_of(eng, counted)
        pairs = _PairSearch(eng.candidates(first), eng.candidates(second), eng.cap, stats)
        streams.append((key, (a, b)) for key, a, b in pairs)
    options: list[Option] = []
    seen: set[tuple[UtcMinute, ...]] = set()
    for key, cands in heapq.merge(*streams, key=lambda item: item[0]):
        if len(options) >= want:
            break
        evs = [eng.evaluate(c.part, c.k) for c in cands]
        got = single_key(evs[0].cand) if len(evs) == 1 else pair_key(*(e.cand for e in evs))
        if got != key:
            raise RuntimeError(f"twinschedule internal error: the key {key} and the exact "
                               f"key {got} of a candidate differ")
        starts = _starts(evs)
        if starts in seen:
            continue
        seen.add(starts)
        options.append(_option(len(options) + 1, [(eng, ev) for ev in evs]))
    return options


def single_key(c: Candidate) -> RankKey:
    """The ranking key of a single rule from its candidate over all months."""
    ai, ni, wd, t = c.place
    return RankKey.of(held=c.held, moved=c.moved, drift=c.drift, burdens=c.burdens,
                      anchor_index=ai, nth=NTHS[ni], weekday=wd, time=t, stretch=c.stretch)


def plan(partnership: Partnership, *, top: int | None = None,
         calendars: tuple[SchoolCalendar, ...] | None = None,
         availabilities: Sequence[SchoolAvailability] | None = None,
         anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None,
         diagnostics: bool = True, stats: SearchStats | None = None) -> Plan:
    """The plan of ``partnership`` (as ``planner.plan``, which plans it when no school
    has stretch hours and alternation is off): single rules within ``stretch_share``
    and, when ``alternate`` is on, alternations, ranked by the key of planning.md.
    ``stats`` (when given) is filled with what the search of alternations did."""
    p = partnership
    if not p.has_stretch and not p.alternates:
        return _single_plan(p, top=top, calendars=calendars, availabilities=availabilities,
                            anchor_grids=anchor_grids, diagnostics=diagnostics)
    cals = calendars if calendars is not None else build_calendars(p)
    avs = availabilities if availabilities is not None else [school_availability(c)
                                                             for c in cals]
    eng = _Engine(p, cals, avs, anchor_grids)
    fams = eng.search.families()
    candidates = sum((eng.search.full & ~fam.excluded).bit_count() for fam in fams)
    options = _ranked(eng, fams, top if top is not None else p.top, stats or SearchStats())
    diag = None if options or not diagnostics else eng.search.diagnostics(fams)
    return Plan(partnership=p, tzdata=_zones.IANA_VERSION, options=tuple(options),
                diagnostics=diag, candidates=candidates)


def _rule_engine(p: Partnership, rule: Rule, cals: tuple[SchoolCalendar, ...],
                 avs: Sequence[SchoolAvailability]) -> tuple[_Engine, _Family]:
    """An engine whose rule space holds ``rule`` (its anchor, its nth and weekday, a
    grid through its time), moves still to the partnership's weekdays only, and the
    family of ``rule``."""
    step = math.gcd(MINUTES_PER_DAY, rule.time) or MINUTES_PER_DAY
    q = dataclasses.replace(p, anchor=rule.anchor, step=step, weeks=(rule.nth,),
                            weekdays=(rule.weekday,))
    eng = _Engine(q, cals, avs, None)
    eng.search.allowed = frozenset(weekday_index(w) for w in p.weekdays)
    families = eng.search.families()
    return eng, families[0]


def _evaluated(eng: _Engine, pi: int, k: int) -> _Evaluated:
    """Grid time ``k`` of part ``pi`` evaluated exactly; a part holding no meeting has
    no usual time (0) and no burden."""
    part = eng.parts[pi]
    if any(m.scheduled >> k & 1 or any(mv.mask >> k & 1 for mv in m.moves)
           for m in part.months):
        return eng.evaluate(pi, k)
    n = len(eng.p.schools)
    key = RankKey.of(held=0, moved=0, drift=0, burdens=[0] * n,
                     anchor_index=part.anchor_index, nth=part.nth, weekday=part.weekday,
                     time=k * eng.search.step)
    exact = Exact(key, (), [Outcome(None, False) for _ in part.months], [0] * n, [0] * n)
    cand = Candidate(held=0, moved=0, drift=0, burdens=(0,) * n,
                     stretch=(0,) * len(eng.stretchers), place=key.place, part=pi, k=k)
    return _Evaluated(cand, exact)


def evaluate_pair(partnership: Partnership, first: Rule, second: Rule, *,
                  origin: dt.date | None = None,
                  calendars: tuple[SchoolCalendar, ...] | None = None,
                  availabilities: Sequence[SchoolAvailability] | None = None) -> Option:
    """The alternation (``first``, ``second``) of ``partnership`` evaluated exactly as
    the search evaluates its pairs (moves, skips, metrics, stretch meetings): ``first``
    in the even months and ``second`` in the odd ones, the months numbered from the
    month of ``origin`` (default: of ``start``; e.g. an agreement's ``since``). The
    rules need not be in the partnership's rule space (any anchor, nth, weekday and
    time; moves still go to the partnership's ``weekdays`` only), nor hold a meeting
    (the option's metrics then say so). Raises ``ValueError`` when a rule is not a
    candidate: its time does not exist, exists twice or spans a change of its anchor's
    UTC offset on one of its own nominal dates. For an agreed alternation (agreement.md)."""
    p = partnership
    cals = calendars if calendars is not None else build_calendars(p)
    avs = availabilities if availabilities is not None else [school_availability(c)
                                                             for c in cals]
    shift = 0 if origin is None else (origin.year - p.start.year) * 12 + (
        origin.month - p.start.month)
    evs = []
    for parity, rule in ((EVEN, first), (ODD, second)):
        eng, fam = _rule_engine(p, rule, cals, avs)
        pi = eng.part(fam, parity, shift)
        k = rule.time // eng.search.step
        if eng.parts[pi].excluded >> k & 1:
            raise ValueError(f"{rule.text} is not a candidate: its time does not exist, "
                             f"exists twice or spans a change of the UTC offset on one of "
                             f"its nominal dates")
        evs.append((eng, _evaluated(eng, pi, k)))
    return _option(1, evs)
