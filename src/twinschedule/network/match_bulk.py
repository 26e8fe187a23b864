"""Lower bounds of partner matching for one school against every class of a network at
once: what ``match_all`` needs, where every pair's bound is wanted.

Every class's starts are laid out per anchor month (``match_bounds.layout``) in numpy
arrays, one row per class: per month its *fold* (the wall times with a start on some
allowed day, one day's wall clock of ``dbits`` bits) and, per (nth, weekday) family,
its starts on the family's nominal day. One array operation treats every class.

For a pair and an anchor, the *relaxed* fold of a month is the AND of the two schools'
folds: the wall times at which both have a start on some allowed day of the month, not
necessarily the same day, so it holds the pair's true fold (``match_bounds.held``). A
rule at a time holds at most as many meetings as months whose relaxed fold has it: the
most of any time, ``top``, bounds ``held``. If the pair's best option holds ``top``
meetings, at its time the true and relaxed folds agree in every month (the true count
is ``top`` too), so each of those months whose nominal date has no start for both
schools at that time is moved: as in stage 1 of ``match_bounds.bound``, ``moved`` is
0, 1 or at least ``min(2, top)``. At such a time, ``drift`` and the burdens are
bounded as in stage 2 (``match_bounds.drift``, ``match_bounds.burdens``) with the
offset differences at the focal school's starts (a superset of those at the pair's):
the lexicographically smallest (drift, max_burden, total_burden) of any time reaching
``top``. The bound ``(-top, moved, drift, max_burden, total_burden)`` is at most the
pair's exact score; ``matching`` refines it pair by pair (stages 1, 2, the exact plan)
only while it can still win.

A pair's anchors are the two schools' zones: the focal school's zone (every class seen
from that zone) and the partner's own (each class seen from its own zone; classes are
ordered by zone, so that the focal school seen from each zone fills one block of rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from twinschedule._units import MINUTES_PER_DAY
from twinschedule.core.ranking import Score
from twinschedule.network.match_anchors import ABSENT, Anchors, Diffs, Families, offset_diffs
from twinschedule.network.match_bounds import layout
from twinschedule.network.match_grid import MatchGrid

Bytes = npt.NDArray[np.uint8]
Words = npt.NDArray[np.unsignedinteger]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Lanes:
    """Classes seen from an anchor zone, classes last (lane order, contiguous, so that
    every array operation runs along them): ``folds`` of shape (months, words,
    classes) and ``noms`` of shape (months, families, words, classes); a day's wall
    clock is ``words`` machine words (bit ``minute // g`` of their little-endian
    bytes)."""

    folds: Words
    noms: Words


def _distance(minutes: npt.NDArray[np.int64], prefs: npt.NDArray[np.int64],
              ) -> npt.NDArray[np.int64]:
    """Per class (a row of ``prefs``) and time of the day: the least distance between
    one of the wall ``minutes`` the time may be at (one row per offset difference) and
    one of the class's preferred starts (``match_grid.Sketch.distance``)."""
    if not minutes.shape[0]:  # no difference: no start of the pair (no bound needed)
        return np.zeros((prefs.shape[0], minutes.shape[1]), dtype=np.int64)
    d = np.abs(minutes[None, :, None, :] - prefs[:, None, :, None])
    out: npt.NDArray[np.int64] = d.min(axis=(1, 2))
    return out


def _word(rb: int) -> type[np.unsignedinteger]:
    """The widest unsigned integer type that divides a day's ``rb`` bytes."""
    return np.uint64 if rb % 8 == 0 else np.uint32 if rb % 4 == 0 else np.uint8


class BulkBounds:
    """The bounds of every pair of one focal class against all classes (classes in
    lane order :attr:`order`: by zone, then class index), with the lanes of each anchor
    zone built on first use (a few kept: ``match_all`` takes schools zone by zone)."""

    KEEP = 3  # lanes of anchor zones kept at once (each ~19 MB for 4000 classes)

    def __init__(self, grid: MatchGrid, anchors: Anchors, zones: Sequence[str],
                 valids: Sequence[int], prefs: Sequence[frozenset[int]]) -> None:
        self.grid, self.anchors = grid, anchors
        self.zones, self.valids = list(zones), list(valids)
        self.order = sorted(range(len(zones)), key=lambda c: (zones[c], c))
        blocks: list[tuple[str, int]] = []
        for c in self.order:
            if blocks and blocks[-1][0] == zones[c]:
                blocks[-1] = (zones[c], blocks[-1][1] + 1)
            else:
                blocks.append((zones[c], 1))
        self.blocks = blocks
        self.starts = [sum(k for _, k in blocks[:i]) for i in range(len(blocks))]
        self.lane = {c: k for k, c in enumerate(self.order)}
        self.n, self.rb = len(zones), grid.dbits // 8
        some = anchors.of_pair(zones[0], zones[0])[0]
        self.fams: Families = some.families
        self.months = len(some.anchor.months)
        self.nfam = len(self.fams.rows[0]) if self.fams.rows else 0
        if any(anchors.anchor(z).keys != some.anchor.keys for z in set(zones)):
            raise ValueError("anchor zones with different months")  # pragma: no cover
        self.word = _word(self.rb)
        #: per month, the families without a nominal date in it
        self.absent = [np.array([r == ABSENT for r in rows], dtype=bool)
                       for rows in self.fams.rows]
        self._zone: dict[str, Lanes] = {}
        self._own: Lanes | None = None
        #: the wall minute of every time of a day, and each class's preferred starts
        #: (lane order; a class with fewer repeats its first)
        self.minutes = np.arange(grid.dbits, dtype=np.int64) * grid.g
        most = max((len(p) for p in prefs), default=1)
        self.pref = np.array([sorted(prefs[c]) + [min(prefs[c])] * (most - len(prefs[c]))
                              if prefs[c] else [0] * most for c in self.order],
                             dtype=np.int64).reshape(self.n, most)
        #: each class's distance to its preferred starts at every time of its own day
        self.own_dist = _distance(self.minutes[None], self.pref)

    # -- layouts

    def seen(self, valid: int, zone: str) -> tuple[bytes, bytes]:
        """A school's starts ``valid`` seen from anchor zone ``zone``: its folds (a day
        per month) and its family rows (a day per month and family), as bytes."""
        a = self.anchors.anchor(zone)
        fulls, folds = layout(valid, a, self.grid.dbits)
        size = (ABSENT + 1) * self.rb
        rows = b"".join(b"".join(pick(full.to_bytes(size, "little")))
                        for full, pick in zip(fulls, self.fams.pick, strict=True))
        return b"".join(f.to_bytes(self.rb, "little") for f in folds), rows

    def _lanes(self, seen: list[tuple[bytes, bytes]]) -> Lanes:
        folds = self._array(b"".join(s[0] for s in seen), len(seen), False)
        noms = self._array(b"".join(s[1] for s in seen), len(seen), True)
        return Lanes(folds=np.ascontiguousarray(np.moveaxis(folds, 0, -1)),
                     noms=np.ascontiguousarray(np.moveaxis(noms, 0, -1)))

    def _array(self, data: bytes, k: int, rows: bool) -> Words:
        """``seen``'s folds or rows of ``k`` classes, one class per row."""
        words = self.rb // np.dtype(self.word).itemsize
        shape = (self.months, self.nfam, words) if rows else (self.months, words)
        a: Words = np.frombuffer(data, dtype=self.word)
        return a.reshape(k, *shape)

    def zone_lanes(self, zone: str) -> Lanes:
        """Every class seen from anchor zone ``zone``."""
        got = self._zone.get(zone)
        if got is None:
            if len(self._zone) >= self.KEEP:
                del self._zone[next(iter(self._zone))]
            got = self._zone[zone] = self._lanes([self.seen(self.valids[c], zone)
                                                  for c in self.order])
        return got

    def own_lanes(self) -> Lanes:
        """Every class seen from its own zone."""
        if self._own is None:
            self._own = self._lanes([self.seen(self.valids[c], self.zones[c])
                                     for c in self.order])
        return self._own

    # -- the bounds

    def _top(self, x: Words) -> tuple[Ints, Bools, Bytes, Words]:
        """Per class: the most months of any wall time in its relaxed folds ``x``
        (months, words, classes), the times reaching it (classes, times; none where the
        most is 0), the folds' bits (classes, months, times) and the times as words
        (words, classes)."""
        n = x.shape[-1]
        per_class = np.ascontiguousarray(np.moveaxis(x, -1, 0)).view(np.uint8)
        bits = np.unpackbits(per_class.reshape(n, self.months, self.rb), axis=2,
                             bitorder="little")
        counts = bits.sum(axis=1, dtype=np.int64)
        top = counts.max(axis=1)
        at = (counts == top[:, None]) & (top[:, None] > 0)
        times = np.packbits(at, axis=1, bitorder="little").view(self.word)
        return top, at, bits, np.ascontiguousarray(times.T)

    def _against(self, lanes: Lanes, folds: Words, noms: Words,
                 ) -> tuple[Ints, Ints, Bools, Bytes]:
        """Per class: ``top``, the ``moved`` bound (0, 1, or 2 for more) of the times
        reaching it, those times and the relaxed folds' bits (``_top``), against the
        focal class's ``folds`` and ``noms`` (shaped as the lanes', with one class or
        one per class)."""
        x = lanes.folds & folds
        top, at, bits, times = self._top(x)
        ok = np.repeat(times[None], self.nfam, axis=0)
        ones = np.zeros_like(ok)
        twos = np.zeros_like(ok)
        miss = np.empty_like(ok)
        for m in range(self.months):
            xm = x[m]
            if not xm.any():
                continue
            absent = self.absent[m]
            if absent.any():
                ok[absent] &= ~xm
            np.bitwise_and(lanes.noms[m], noms[m], out=miss)
            np.invert(miss, out=miss)
            miss &= xm
            twos |= ones & miss
            ones |= miss
        moved = np.full(self.n, 2, dtype=np.int64)
        moved[(ok & ~twos).any(axis=(0, 1))] = 1
        moved[(ok & ~ones).any(axis=(0, 1))] = 0
        return top, moved, at, bits

    def _diffs(self, valid: int, anchor: str, other: str) -> Diffs:
        """Per month, the offset differences of zone ``other`` to anchor zone
        ``anchor`` at the starts of ``valid``."""
        return offset_diffs(valid, self.anchors.pieces(self.anchors.anchor(anchor), other))

    def _far(self, diffs: Diffs, prefs: Ints) -> Ints:
        """Per class (a row of ``prefs``) and time of the anchor's day: the least
        distance to one of its preferred starts of the time shifted by an offset
        difference of any month (``match_grid.Sketch.distance``)."""
        every = np.array(sorted(frozenset().union(*diffs)), dtype=np.int64)
        return _distance((self.minutes[None, :] + every[:, None]) % MINUTES_PER_DAY, prefs)

    def _drift(self, top: Ints, bits: Bytes, others: list[Diffs | None]) -> Ints:
        """Per class and time reaching ``top``, the ``drift`` bound (as
        ``match_bounds.drift``): ``top`` less the most months, among those whose
        relaxed fold has the time (``bits``), that share one offset difference of the
        school in the other zone (``others``: per block of classes, per month; None in
        the anchor's zone)."""
        out = np.zeros((self.n, self.grid.dbits), dtype=np.int64)
        for (_, k), lo, diffs in zip(self.blocks, self.starts, others, strict=True):
            values = frozenset[int]().union(*diffs) if diffs is not None else frozenset()
            if diffs is None or len(values) < 2:
                continue
            block = bits[lo:lo + k]
            most = np.max([block[:, [v in d for d in diffs], :].sum(axis=1, dtype=np.int64)
                           for v in values], axis=0)
            out[lo:lo + k] = top[lo:lo + k, None] - most
        return out

    def _focal(self, valid: int, zone: str) -> tuple[Words, Words]:
        """The focal class seen from ``zone``, shaped as lanes of one class."""
        fold, rows = self.seen(valid, zone)
        return (self._array(fold, 1, False)[0][..., None],
                self._array(rows, 1, True)[0][..., None])

    def _key(self, top: Ints, moved: Ints, at: Bools, drift: Ints, df: Ints,
             dc: Ints) -> Ints:
        """Per class, ``(moved, drift, max_burden, total_burden)`` packed in one
        integer: ``moved`` as given, the rest the lexicographically smallest of any time
        reaching ``top``: its ``drift`` bound and the burdens of ``top`` meetings, each
        school's at its distance ``df``, ``dc`` (classes, times) there."""
        mb = np.minimum(np.maximum(df, dc) * top[:, None], _LOW)
        tb = np.minimum((df + dc) * top[:, None], _LOW)
        per_time = (np.minimum(drift, _DRIFT) << 42) | (mb << 21) | tb
        key: Ints = (moved << 50) | np.where(at, per_time, _HIGH).min(axis=1)
        return key

    def bounds(self, f: int) -> list[Score | None]:
        """Per class (class order), a lower bound of the score of the pair (``f``, the
        class); None when the pair cannot hold any meeting."""
        zf, vf = self.zones[f], self.valids[f]
        pref = self.pref[self.lane[f]][None]
        mine = self._focal(vf, zf)
        sizes = [k for _, k in self.blocks]
        # the focal school's zone as anchor: the focal at its own clock
        top_z, moved_z, at_z, bits_z = self._against(self.zone_lanes(zf), *mine)
        other = [self._diffs(vf, zf, z) for z, _ in self.blocks]
        dc_z = np.concatenate([self._far(d, self.pref[lo:lo + k]) for d, (_, k), lo
                               in zip(other, self.blocks, self.starts, strict=True)])
        drift_z = self._drift(top_z, bits_z, [None if z == zf else d for d, (z, _)
                                              in zip(other, self.blocks, strict=True)])
        key_z = self._key(top_z, moved_z, at_z, drift_z, self.own_dist[self.lane[f]][None],
                          dc_z)
        # each partner's zone as anchor: the partner at its own clock
        seen = [mine if z == zf else self._focal(vf, z) for z, _ in self.blocks]
        top_o, moved_o, at_o, bits_o = self._against(
            self.own_lanes(), np.repeat(np.concatenate([s[0] for s in seen], axis=-1), sizes,
                                        axis=-1),
            np.repeat(np.concatenate([s[1] for s in seen], axis=-1), sizes, axis=-1))
        mine_o = [self._diffs(vf, z, zf) for z, _ in self.blocks]
        df_o = np.repeat(np.concatenate([self._far(d, pref) for d in mine_o]), sizes,
                         axis=0)
        drift_o = self._drift(top_o, bits_o, [None if z == zf else d for d, (z, _)
                                              in zip(mine_o, self.blocks, strict=True)])
        key_o = self._key(top_o, moved_o, at_o, drift_o, df_o, self.own_dist)
        top = np.maximum(top_z, top_o)
        key = np.minimum(np.where(top_z == top, key_z, _HIGH),
                         np.where(top_o == top, key_o, _HIGH))
        out: list[Score | None] = [None] * self.n
        for c, t, k in zip(self.order, top.tolist(), key.tolist(), strict=True):
            if t:
                out[c] = Score(-t, min(k >> 50, t), k >> 42 & _DRIFT, k >> 21 & _LOW,
                               k & _LOW)
        return out


_LOW = (1 << 21) - 1  # the largest burden bound packed (a smaller bound stays a bound)
_DRIFT = (1 << 8) - 1  # the largest drift bound packed
_HIGH = 1 << 62  # a key past every packed one
