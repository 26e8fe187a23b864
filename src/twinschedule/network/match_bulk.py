"""Lower bounds of partner matching for one school against every class of a network at
once: what ``match_all`` needs, where every pair's bound is wanted.

Every class's starts are laid out per anchor month (``match_bounds.layout``) and put
side by side in *lanes* of one integer (one day's wall clock, ``dbits`` bits, per
class), so that one operation on the integer treats every class. Per month it holds
each class's *fold* (the wall times with a start on some allowed day) and, per
(nth, weekday) family, each class's starts on the family's nominal day.

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

A pair's anchors are the two schools' zones: the focal school's zone (the lanes of
every class seen from that zone) and the partner's own (the lanes of each class seen
from its own zone, classes ordered by zone, so that the focal school's starts seen from
each zone fill one block of lanes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from twinschedule.core.bits import add as _add
from twinschedule.core.bits import equal as _equal
from twinschedule.core.ranking import Score
from twinschedule.network.match_anchors import ABSENT, Anchors, Families
from twinschedule.network.match_bounds import layout, misses
from twinschedule.network.match_grid import MatchGrid

#: One school seen from one anchor zone: per month, its fold (``dbits // 8`` bytes) and
#: its starts on every family's nominal day (one row of that size per family).
Seen = tuple[list[bytes], list[bytes]]


@dataclass(frozen=True, slots=True)
class Lanes:
    """Per month: ``folds`` has class lane ``k`` (bits ``k * dbits`` on) holding the
    ``k``-th class's fold; ``noms`` has one block of lanes per family (family ``j`` at bit
    ``j * n * dbits``), each holding every class's starts on that family's nominal day."""

    folds: list[int]
    noms: list[int]


class BulkBounds:
    """The bounds of every pair of one focal class against all classes (classes in
    lane order :attr:`order`: by zone, then class index), with the lanes of each anchor
    zone built on first use (a few kept: ``match_all`` takes schools zone by zone)."""

    KEEP = 3  # lanes of anchor zones kept at once (each ~13 MB for 4000 classes)

    def __init__(self, grid: MatchGrid, anchors: Anchors, zones: Sequence[str],
                 valids: Sequence[int]) -> None:
        self.grid, self.anchors = grid, anchors
        self.zones, self.valids = list(zones), list(valids)
        self.order = sorted(range(len(zones)), key=lambda c: (zones[c], c))
        self.lane = {c: k for k, c in enumerate(self.order)}
        self.blocks: list[tuple[str, int]] = []
        for c in self.order:
            if self.blocks and self.blocks[-1][0] == zones[c]:
                self.blocks[-1] = (zones[c], self.blocks[-1][1] + 1)
            else:
                self.blocks.append((zones[c], 1))
        n, d = len(zones), grid.dbits
        self.n, self.rb = n, d // 8
        some = anchors.of_pair(zones[0], zones[0])[0]
        self.fams: Families = some.families
        self.months = len(some.anchor.months)
        self.nfam = len(self.fams.rows[0]) if self.fams.rows else 0
        if any(anchors.anchor(z).keys != some.anchor.keys for z in set(zones)):
            raise ValueError("anchor zones with different months")  # pragma: no cover
        size = n * self.rb
        self.low = int.from_bytes((b"\xff" * (self.rb - 1) + b"\x7f") * n, "little")
        self.high = int.from_bytes((b"\x00" * (self.rb - 1) + b"\x80") * n, "little")
        self.lsb = self.high >> (d - 1)
        self.absent = [int.from_bytes(b"".join((b"\xff" if r == ABSENT else b"\x00") * size
                                               for r in rows), "little")
                       for rows in self.fams.rows]
        self._zone: dict[str, Lanes] = {}
        self._own: Lanes | None = None

    # -- layouts

    def seen(self, valid: int, zone: str) -> Seen:
        """A school's starts ``valid`` seen from anchor zone ``zone``."""
        a = self.anchors.anchor(zone)
        fulls, folds = layout(valid, a, self.grid.dbits)
        size = (ABSENT + 1) * self.rb
        rows = [b"".join(pick(full.to_bytes(size, "little")))
                for full, pick in zip(fulls, self.fams.pick, strict=True)]
        return [f.to_bytes(self.rb, "little") for f in folds], rows

    def _lanes(self, seen: list[Seen]) -> Lanes:
        rb = self.rb
        folds = [int.from_bytes(b"".join(s[0][m] for s in seen), "little")
                 for m in range(self.months)]
        noms = [int.from_bytes(b"".join(s[1][m][j * rb:(j + 1) * rb]
                                        for j in range(self.nfam) for s in seen), "little")
                for m in range(self.months)]
        return Lanes(folds=folds, noms=noms)

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

    # -- the focal class, repeated in every lane

    def _repeat(self, parts: list[tuple[Seen, int]]) -> tuple[list[int], list[int]]:
        """Folds and family rows of the focal class, each part repeated over a run of
        lanes (``(seen, lanes)``): per month the lane-wise fold and family blocks."""
        rb = self.rb
        folds = [int.from_bytes(b"".join(s[0][m] * k for s, k in parts), "little")
                 for m in range(self.months)]
        noms = [int.from_bytes(b"".join(s[1][m][j * rb:(j + 1) * rb] * k
                                        for j in range(self.nfam) for s, k in parts),
                               "little")
                for m in range(self.months)]
        return folds, noms

    # -- lane arithmetic

    def _lanes_of(self, lsb: int) -> list[int]:
        """The lanes whose lowest bit is set in ``lsb`` (through its bytes: one lane
        starts every ``dbits // 8`` bytes)."""
        b = lsb.to_bytes(self.n * self.rb, "little")[::self.rb]
        out = []
        k = b.find(1)
        while k != -1:
            out.append(k)
            k = b.find(1, k + 1)
        return out

    def _any(self, x: int) -> int:
        """The lowest bit of every lane of ``x`` that has a bit set (lane-wise, no
        carry between lanes: the lane's top bit is set aside before adding)."""
        return ((((x & self.low) + self.low) | x) & self.high) >> (self.grid.dbits - 1)

    def _collapse(self, x: int) -> int:
        """The OR of the family blocks of ``x`` (one lane per class)."""
        size = self.n * self.rb
        b = x.to_bytes(size * self.nfam, "little")
        acc = 0
        for j in range(self.nfam):
            acc |= int.from_bytes(b[j * size:(j + 1) * size], "little")
        return acc

    def _against(self, lanes: Lanes, folds: list[int], noms: list[int],
                 ) -> tuple[list[int], list[int]]:
        """Per lane: ``top`` (the most months of any time in the relaxed folds) and the
        ``moved`` bound (0, 1, or 2 for more) for the times reaching it."""
        d, n, size = self.grid.dbits, self.n, self.n * self.rb
        xs = [a & b for a, b in zip(lanes.folds, folds, strict=True)]
        planes: list[int] = []
        for x in xs:
            if x:
                _add(planes, x)
        top = [0] * n
        times, left = 0, self.lsb
        lane = (1 << d) - 1
        for v in range(self.months, 0, -1):
            if not left:
                break
            e = _equal(planes, v, left * lane)
            if e:
                nz = self._any(e)
                times |= e
                left &= ~nz
                for k in self._lanes_of(nz):
                    top[k] = v
        ok, ones, twos = misses(
            int.from_bytes(times.to_bytes(size, "little") * self.nfam, "little"),
            ((int.from_bytes(x.to_bytes(size, "little") * self.nfam, "little"), nom & rep,
              absent)
             for x, nom, rep, absent in zip(xs, lanes.noms, noms, self.absent, strict=True)
             if x))
        moved = [2] * n
        for k in self._lanes_of(self._any(self._collapse(ok & ~twos))):
            moved[k] = 1
        for k in self._lanes_of(self._any(self._collapse(ok & ~ones))):
            moved[k] = 0
        return top, moved

    def bounds(self, f: int) -> list[Score | None]:
        """Per class (class order), a lower bound of the score of the pair (``f``, the
        class); None when the pair cannot hold any meeting."""
        zf, vf = self.zones[f], self.valids[f]
        mine = self.seen(vf, zf)
        by_zone = {z: mine if z == zf else self.seen(vf, z) for z, _ in self.blocks}
        top_z, moved_z = self._against(self.zone_lanes(zf), *self._repeat([(mine, self.n)]))
        top_o, moved_o = self._against(self.own_lanes(), *self._repeat(
            [(by_zone[z], k) for z, k in self.blocks]))
        out: list[Score | None] = [None] * self.n
        for k, c in enumerate(self.order):
            tz, to = top_z[k], top_o[k]
            top = max(tz, to)
            if not top:
                continue
            m = min(moved_z[k] if tz == top else 2, moved_o[k] if to == top else 2)
            out[c] = Score(-top, min(m, 2, top), 0, 0, 0)
        return out
