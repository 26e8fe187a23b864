"""Time zones from the ``tzdata`` package's data only (never the host's zone files).

Also: did-you-mean suggestions for zone names, local-time resolution
(unambiguous / gap / fold) and a zone's UTC-offset transitions over a range, in
integer minutes since the Unix epoch, the unit of the planner's inner loops.
"""

from __future__ import annotations

import difflib
import functools
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

import tzdata

IANA_VERSION: str = tzdata.IANA_VERSION
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

Resolution = Literal["unambiguous", "gap", "fold"]


@functools.cache
def _names() -> tuple[frozenset[str], dict[str, str]]:
    """Zone names of the tzdata package, and link name -> canonical name."""
    root = resources.files("tzdata")
    zones = frozenset(
        line.strip() for line in root.joinpath("zones").read_text().splitlines() if line.strip()
    )
    links: dict[str, str] = {}
    for line in root.joinpath("zoneinfo", "tzdata.zi").read_text().splitlines():
        if line.startswith("L "):
            _, target, name = line.split()[:3]
            links[name] = target
    return zones, links


def canonical(name: str) -> str | None:
    """The canonical IANA name of a zone or link name, None if unknown."""
    zones, links = _names()
    seen = 0
    while name in links and seen < 8:
        name = links[name]
        seen += 1
    return name if name in zones else None


def suggest(name: str, *, limit: int = 3) -> list[str]:
    """Close zone names for a misspelled one."""
    zones, links = _names()
    pool = sorted(zones | links.keys())
    lowered = {z.lower(): z for z in pool}
    if name.lower() in lowered:
        return [lowered[name.lower()]]
    found = difflib.get_close_matches(name, pool, n=limit, cutoff=0.6)
    if not found and "/" in name:
        city = name.rsplit("/", 1)[1].lower()
        found = difflib.get_close_matches(
            city, [z.rsplit("/", 1)[-1].lower() for z in pool], n=limit, cutoff=0.7)
        found = [z for z in pool if z.rsplit("/", 1)[-1].lower() in found][:limit]
    return found


@functools.cache
def get_zone(name: str) -> ZoneInfo:
    """The zone ``name`` built from the tzdata package's file (KeyError if unknown)."""
    canon = canonical(name)
    if canon is None:
        raise KeyError(name)
    with resources.files("tzdata.zoneinfo").joinpath(*canon.split("/")).open("rb") as fh:
        return ZoneInfo.from_file(fh, key=canon)


def to_minutes(instant: datetime) -> int:
    """Whole minutes since the Unix epoch (floor) of an aware datetime."""
    return int((instant - EPOCH).total_seconds() // 60)


def from_minutes(minutes: int) -> datetime:
    """The UTC datetime of a minute count since the epoch."""
    return EPOCH + timedelta(minutes=minutes)


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return d.toordinal() - EPOCH_ORDINAL


def from_day_number(n: int) -> date:
    return date.fromordinal(n + EPOCH_ORDINAL)


def resolve(zone: ZoneInfo, local: datetime) -> Resolution:
    """Whether a naive local wall time exists once, not at all or twice in ``zone``."""
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "unambiguous"
    back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "fold" if back == naive else "gap"


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """A change of a zone's UTC offset at ``at`` (UTC minutes since the epoch)."""

    at: int
    before: int  # offset in minutes before the change
    after: int  # offset in minutes from the change on
    is_dst: bool  # whether the offset from the change on is daylight saving time
    abbreviation: str  # tzname from the change on


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """A zone's UTC offsets between two instants, in integer minutes."""

    name: str
    first: int  # UTC minutes: the range covered starts here
    last: int  # ... and ends here
    initial: int  # offset at ``first``
    transitions: tuple[Transition, ...]
    _times: tuple[int, ...]
    _offsets: tuple[int, ...]

    def offset(self, minute: int) -> int:
        """The UTC offset in minutes at UTC minute ``minute``."""
        i = bisect_right(self._times, minute)
        return self._offsets[i]

    def changes_between(self, lo: int, hi: int) -> list[int]:
        """Transition instants t with lo < t < hi."""
        i = bisect_right(self._times, lo)
        out = []
        while i < len(self._times) and self._times[i] < hi:
            out.append(self._times[i])
            i += 1
        return out



def _offset_at(zone: ZoneInfo, minute: int) -> tuple[int, bool, str]:
    dt = from_minutes(minute).astimezone(zone)
    off = dt.utcoffset()
    dst = dt.dst()
    assert off is not None
    return int(off.total_seconds() // 60), bool(dst), dt.tzname() or ""


@functools.lru_cache(maxsize=256)
def timeline(name: str, first: int, last: int) -> Timeline:
    """Offsets of zone ``name`` between UTC minutes ``first`` and ``last``.

    Probes every 6 hours and bisects to the exact minute of each change; no offset of
    the IANA data lasts less than 6 hours.
    """
    zone = get_zone(name)
    step = 6 * 60
    initial, _, _ = _offset_at(zone, first)
    found: list[Transition] = []
    prev = _offset_at(zone, first)
    t = first
    while t < last:
        nxt = min(t + step, last)
        cur = _offset_at(zone, nxt)
        if cur[:2] != prev[:2] or cur[2] != prev[2]:
            lo, hi = t, nxt  # offset(lo) == prev, offset(hi) == cur
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset_at(zone, mid) == prev:
                    lo = mid
                else:
                    hi = mid
            after = _offset_at(zone, hi)
            found.append(Transition(at=hi, before=prev[0], after=after[0],
                                    is_dst=after[1], abbreviation=after[2]))
        prev = cur
        t = nxt
    offset_changes = [tr for tr in found if tr.before != tr.after]
    times = tuple(tr.at for tr in offset_changes)
    offsets = (initial, *(tr.after for tr in offset_changes))
    return Timeline(name=name, first=first, last=last, initial=initial,
                    transitions=tuple(found), _times=times, _offsets=offsets)


def timeline_for_dates(name: str, start: date, end: date, *, margin_days: int = 3) -> Timeline:
    """A timeline covering local dates ``start``..``end`` with a margin on both sides."""
    first = (day_number(start) - margin_days) * 1440
    last = (day_number(end) + 1 + margin_days) * 1440
    return timeline(name, first, last)
