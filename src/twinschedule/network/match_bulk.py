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
0, 1 or at least ``min(2, top)``. The bound is ``(-top, moved, 0, 0, 0)``, at most the
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

from twinschedule.core.ranking import Score
from twinschedule.network.match_anchors import ABSENT, Anchors, Families
from twinschedule.network.match_bounds import layout
from twinschedule.network.match_grid import MatchGrid

Bytes = npt.NDArray[np.uint8]
Words = npt.NDArray[np.unsignedinteger]


@dataclass(frozen=True, slots=True)
class Lanes:
    """Classes seen from an anchor zone, classes last (lane order, contiguous, so that
    every array operation runs along them): ``folds`` of shape (months, words,
    classes) and ``noms`` of shape (months, families, words, classes); a day's wall
    clock is ``words`` machine words (bit ``minute // g`` of their little-endian
    bytes)."""

    folds: Words
    noms: Words


def _word(rb: int) -> type[np.unsignedinteger]:
    """The widest unsigned integer type that divides a day's ``rb`` bytes."""
    return np.uint64 if rb % 8 == 0 else np.uint32 if rb % 4 == 0 else np.uint8


class BulkBounds:
    """The bounds of every pair of one focal class against all classes (classes in
    lane order :attr:`order`: by zone, then class index), with the lanes of each anchor
    zone built on first use (a few kept: ``match_all`` takes schools zone by zone)."""

    KEEP = 3  # lanes of anchor zones kept at once (each ~19 MB for 4000 classes)

    def __init__(self, grid: MatchGrid, anchors: Anchors, zones: Sequence[str],
                 valids: Sequence[int]) -> None:
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

    def _top(self, x: Words) -> tuple[npt.NDArray[np.int64], Words]:
        """Per class: the most months of any wall time in its relaxed folds ``x``
        (months, words, classes) and the times reaching it (words, classes; none where
        the most is 0)."""
        n = x.shape[-1]
        per_class = np.ascontiguousarray(np.moveaxis(x, -1, 0)).view(np.uint8)
        bits = np.unpackbits(per_class.reshape(n, self.months, self.rb), axis=2,
                             bitorder="little")
        counts = bits.sum(axis=1, dtype=np.int64)
        top = counts.max(axis=1)
        at = (counts == top[:, None]) & (top[:, None] > 0)
        times = np.packbits(at, axis=1, bitorder="little").view(self.word)
        return top, np.ascontiguousarray(times.T)

    def _against(self, lanes: Lanes, folds: Words, noms: Words,
                 ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per class: ``top`` and the ``moved`` bound (0, 1, or 2 for more) of the
        times reaching it, against the focal class's ``folds`` and ``noms`` (shaped as
        the lanes', with one class or one per class)."""
        x = lanes.folds & folds
        top, times = self._top(x)
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
        return top, moved

    def _focal(self, valid: int, zone: str) -> tuple[Words, Words]:
        """The focal class seen from ``zone``, shaped as lanes of one class."""
        fold, rows = self.seen(valid, zone)
        return (self._array(fold, 1, False)[0][..., None],
                self._array(rows, 1, True)[0][..., None])

    def bounds(self, f: int) -> list[Score | None]:
        """Per class (class order), a lower bound of the score of the pair (``f``, the
        class); None when the pair cannot hold any meeting."""
        zf, vf = self.zones[f], self.valids[f]
        mine = self._focal(vf, zf)
        top_z, moved_z = self._against(self.zone_lanes(zf), *mine)
        seen = [mine if z == zf else self._focal(vf, z) for z, _ in self.blocks]
        sizes = [k for _, k in self.blocks]
        top_o, moved_o = self._against(
            self.own_lanes(), np.repeat(np.concatenate([s[0] for s in seen], axis=-1), sizes,
                                        axis=-1),
            np.repeat(np.concatenate([s[1] for s in seen], axis=-1), sizes, axis=-1))
        top = np.maximum(top_z, top_o)
        moved = np.minimum(np.where(top_z == top, moved_z, 2), np.where(top_o == top, moved_o, 2))
        moved = np.minimum(moved, top)
        out: list[Score | None] = [None] * self.n
        for c, t, m in zip(self.order, top.tolist(), moved.tolist(), strict=True):
            if t:
                out[c] = Score(-t, m, 0, 0, 0)
        return out
