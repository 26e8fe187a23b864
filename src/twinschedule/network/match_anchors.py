"""The anchors of partner matching: for each zone that can anchor a pair's rules, per
month of its calendar, the mask of its grid starts on allowed weekdays inside the
horizon, how to fold that mask onto one day's wall clock, each month's nominal dates,
and the offset differences another zone sees in each month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY, weekday_of_day
from twinschedule._vocab import WEEKDAYS
from twinschedule.core.rules import nth_weekday
from twinschedule.model import Network
from twinschedule.network.match_grid import MatchGrid, ZoneDays

Diffs = list[frozenset[int]]  # per month of an anchor: offset differences to it
#: Per month of an anchor: its grid starts split where either zone's offset changes,
#: each part with the offset difference there, ``(starts mask, difference)``.
Pieces = list[list[tuple[int, int]]]
#: Per month of an anchor, per day of the month (row ``j``; row ``ABSENT`` empty): the
#: offset differences at the anchor's starts on that day.
DayDiffs = list[list[frozenset[int]]]
#: Per month: the mask and how to fold it onto one day's wall clock, ``(range mask or
#: None, shift)`` per run of constant offset (bit ``i`` goes to wall bit ``i + shift``).
Month = tuple[int, list[tuple[int | None, int]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """An anchor zone's grid starts on allowed weekdays inside the horizon: per month
    the mask and its folding, and the union of all months."""

    zone: str
    months: list[Month]
    union: int
    spans: list[tuple[int, int]]  # each month's UTC minutes [first, last)
    keys: tuple[tuple[int, int], ...]  # each month's (year, month)


def _month_masks(grid: MatchGrid, zone: ZoneDays, network: Network,
                 ) -> dict[tuple[int, int], bytearray]:
    """Per (year, month), the grid starts of the zone's allowed weekdays in the horizon
    (as a string of bits, lowest first)."""
    allowed = {WEEKDAYS.index(w) for w in network.weekdays}
    g, lo, size, step = grid.g, grid.lo, grid.size, network.step
    bufs: dict[tuple[int, int], bytearray] = {}
    for u0, u1, day, off in zone.pieces:
        if not grid.first_day <= day <= grid.last_day or weekday_of_day(day) not in allowed:
            continue
        d = _zones.from_day_number(day)
        buf = bufs.get((d.year, d.month))
        if buf is None:
            buf = bufs[(d.year, d.month)] = bytearray(b"0" * size)
        s0 = u0 + (-(u0 + off)) % step
        if s0 >= u1:
            continue
        i = (s0 - lo) // g
        count = (u1 - 1 - s0) // step + 1
        buf[i:i + count * (step // g):step // g] = b"1" * count
    return bufs


def nominals(network: Network, keys: tuple[tuple[int, int], ...]) -> list[list[int | None]]:
    """Per (nth, weekday) family of the network, per month ``keys``, the day of the month
    (0-based) of its nominal date, None when outside the horizon."""
    out: list[list[int | None]] = []
    for nth in network.weeks:
        for wd in network.weekdays:
            days: list[int | None] = []
            for y, mo in keys:
                d = nth_weekday(y, mo, WEEKDAYS.index(wd), nth)
                days.append(d.day - 1 if network.start <= d <= network.end else None)
            out.append(days)
    return out


def anchor(grid: MatchGrid, name: str, zone: ZoneDays, network: Network) -> Anchor:
    """The anchor of zone ``name`` (its days ``zone``) for the network's rules."""
    g, lo, size = grid.g, grid.lo, grid.size
    bufs = _month_masks(grid, zone, network)
    months: list[Month] = []
    spans: list[tuple[int, int]] = []
    union = 0
    for (y, mo), buf in bufs.items():
        buf.reverse()
        m = int(buf, 2)
        union |= m
        d0 = _zones.day_number(dt.date(y, mo, 1)) * MINUTES_PER_DAY
        d1 = d0 + 32 * MINUTES_PER_DAY
        parts: list[tuple[int | None, int]] = []
        ua, ub = 1 << 62, -(1 << 62)
        for w0, w1, off in zone.runs:
            a, b = max(w0, d0), min(w1, d1)
            if a >= b:
                continue
            ua, ub = min(ua, a - off), max(ub, b - off)
            # UTC starts [a - off, b - off): bit i goes to wall bit i + shift.
            i0 = max(0, -((lo - (a - off)) // g))
            i1 = min(size, -((lo - (b - off)) // g))
            parts.append(((1 << i1) - (1 << i0), (lo + off - d0) // g))
        if len(parts) == 1:
            parts = [(None, parts[0][1])]
        months.append((m, parts))
        spans.append((ua, ub))
    return Anchor(zone=name, months=months, union=union, spans=spans, keys=tuple(bufs))


def offset_pieces(anchor: Anchor, ta: _zones.Timeline, tb: _zones.Timeline,
                  grid: MatchGrid) -> Pieces:
    """Per month of the anchor (of zone ``ta``), its grid starts split at every offset
    change of either zone, each part with the difference of UTC offsets ``tb - ta``
    there: a school of zone ``tb`` sees an anchor time at its own wall clock shifted by
    the difference at the meeting's start."""
    out = []
    for (mask, _), (ua, ub) in zip(anchor.months, anchor.spans, strict=True):
        cuts = sorted({ua, *ta.changes_between(ua, ub), *tb.changes_between(ua, ub)})
        if len(cuts) == 1:
            out.append([(mask, tb.offset(ua) - ta.offset(ua))])
            continue
        out.append([(mask & grid.mask([(a, b - 1)]), tb.offset(a) - ta.offset(a))
                    for a, b in zip(cuts, [*cuts[1:], ub], strict=True)])
    return out


def unfold(x: int, month: Month) -> int:
    """The starts of ``x`` in an anchor's ``month`` as bit ``j * dbits + minute // g``
    (day ``j`` of the month, the anchor's wall clock)."""
    m, parts = month
    z = x & m
    y = 0
    if z:
        for rng, shift in parts:
            w = z if rng is None else z & rng
            y |= w << shift if shift >= 0 else w >> -shift
    return y


def day_diffs(anchor: Anchor, pieces: Pieces, dbits: int) -> DayDiffs:
    """:data:`DayDiffs` of ``pieces`` (:func:`offset_pieces` of the anchor): a day has
    one difference unless either zone's offset changes on it."""
    day = (1 << dbits) - 1
    out = []
    for month, parts in zip(anchor.months, pieces, strict=True):
        days: list[set[int]] = [set() for _ in range(ABSENT + 1)]
        for mask, d in parts:
            full = unfold(mask, month)
            for j in range(ABSENT):
                if full >> (j * dbits) & day:
                    days[j].add(d)
        out.append([frozenset(x) for x in days])
    return out


def offset_diffs(both: int, pieces: Pieces) -> Diffs:
    """Per month, the offset differences at the starts of ``both`` (all of them where
    the offsets do not change in the month)."""
    return [frozenset([month[0][1]]) if len(month) == 1 else
            frozenset(d for m, d in month if m & both) for month in pieces]


@dataclass(frozen=True, slots=True)
class Families:
    """The network's (nth, weekday) families side by side, for bounds that treat them
    all at once: family ``k`` owns the bits ``[k * dbits, (k + 1) * dbits)`` (one day's
    wall clock). Per month of an anchor, ``rows`` picks each family's nominal day from
    the month's days (row ``ABSENT``, all zero, when the nominal date is outside the
    horizon) and ``absent`` has the whole lane of those families set."""

    dbits: int
    rep: int  # bit k * dbits for every family k: ``x * rep`` copies a day to every lane
    lanes: int  # every lane's bits
    rows: list[list[int]]  # per month, per family: its nominal day's row, or ABSENT
    absent: list[int]  # per month: the lanes of the families without a nominal date
    #: per month: the rows of ``rows`` picked from a month's bytes (little-endian,
    #: ``dbits // 8`` bytes a row), in family order
    pick: list[Callable[[bytes], tuple[bytes, ...]]]


ABSENT = 32  # a row past every day of a month (months span 32 rows: match_anchors.anchor)


def families(days: list[list[int | None]], dbits: int) -> Families:
    """:class:`Families` of :func:`nominals`' ``days`` (per family, per month)."""
    n = len(days)
    rep = sum(1 << (k * dbits) for k in range(n))
    lane = (1 << dbits) - 1
    months = len(days[0]) if days else 0
    rows = [[ABSENT if (j := fam[m]) is None else j for fam in days] for m in range(months)]
    absent = [sum(lane << (k * dbits) for k, fam in enumerate(days) if fam[m] is None)
              for m in range(months)]
    rb = dbits // 8
    pick = [_picker([slice(r * rb, (r + 1) * rb) for r in month]) for month in rows]
    return Families(dbits=dbits, rep=rep, lanes=lane * rep, rows=rows, absent=absent,
                    pick=pick)


def _picker(slices: list[slice]) -> Callable[[bytes], tuple[bytes, ...]]:
    """The slices of a byte string, as a tuple (``itemgetter`` does it in C, but gives
    a lone item bare)."""
    if len(slices) == 1:
        only = slices[0]
        return lambda b: (b[only],)
    get: Callable[[bytes], tuple[bytes, ...]] = itemgetter(*slices)
    return get


class PairAnchor(NamedTuple):
    """An anchor zone of a pair (schools ``f`` and ``t``), with the offset differences
    each school's clock has to the anchor's in each month (:func:`offset_pieces`)."""

    anchor: Anchor
    families: Families  # the families' nominal days in the anchor's months (:func:`nominals`)
    pieces_f: Pieces
    pieces_t: Pieces
    other: int | None  # the school of the other zone (0: ``f``, 1: ``t``); None: one zone
    other_days: DayDiffs | None  # :func:`day_diffs` of the school of the other zone


class Anchors:
    """The anchors of a network's zones and the pairs' views of them, built on first
    use and shared by every match on the network."""

    def __init__(self, network: Network, grid: MatchGrid, zones: dict[str, ZoneDays]) -> None:
        self.network = network
        self.grid = grid
        self.zones = zones
        self._anchors: dict[str, Anchor] = {}
        self._pieces: dict[tuple[str, str], Pieces] = {}
        self._days: dict[tuple[str, str], DayDiffs] = {}
        self._families: dict[tuple[tuple[int, int], ...], Families] = {}
        self._pairs: dict[tuple[str, str], list[PairAnchor]] = {}

    def anchor(self, zone: str) -> Anchor:
        got = self._anchors.get(zone)
        if got is None:
            got = self._anchors[zone] = anchor(self.grid, zone, self.zones[zone], self.network)
        return got

    def pieces(self, a: Anchor, other: str) -> Pieces:
        """:func:`offset_pieces` of zone ``other`` to anchor ``a``."""
        key = (a.zone, other)
        got = self._pieces.get(key)
        if got is None:
            got = self._pieces[key] = offset_pieces(a, self.zones[a.zone].tl,
                                                    self.zones[other].tl, self.grid)
        return got

    def day_diffs(self, a: Anchor, other: str) -> DayDiffs:
        """:func:`day_diffs` of zone ``other`` to anchor ``a``."""
        key = (a.zone, other)
        got = self._days.get(key)
        if got is None:
            got = self._days[key] = day_diffs(a, self.pieces(a, other), self.grid.dbits)
        return got

    def of_pair(self, zf: str, zt: str) -> list[PairAnchor]:
        """The candidate anchors of a pair of schools in zones ``zf`` and ``zt``."""
        got = self._pairs.get((zf, zt))
        if got is None:
            got = []
            for zone in dict.fromkeys((zf, zt)):
                a = self.anchor(zone)
                fams = self._families.get(a.keys)
                if fams is None:  # (the same months in every zone: computed once)
                    fams = self._families[a.keys] = families(nominals(self.network, a.keys),
                                                             self.grid.dbits)
                other = None if zf == zt else zt if zone == zf else zf
                got.append(PairAnchor(
                    anchor=a, families=fams, pieces_f=self.pieces(a, zf),
                    pieces_t=self.pieces(a, zt),
                    other=None if other is None else 1 if zone == zf else 0,
                    other_days=None if other is None else self.day_diffs(a, other)))
            self._pairs[(zf, zt)] = got
        return got
