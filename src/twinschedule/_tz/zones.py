"""Time zones from the ``tzdata`` package's data only (never the host's zone files).

Also: did-you-mean suggestions for zone names, local-time resolution
(unambiguous / gap / fold) and a zone's UTC-offset transitions over a range, in
integer minutes since the Unix epoch, the unit of the planner's inner loops.
"""

from __future__ import annotations

import difflib
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

import tzdata

from twinschedule._units import MINUTES_PER_DAY, TIMELINE_MARGIN_DAYS

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
    pool = sorted(z for z in zones | links.keys()
                  if z == "UTC" or ("/" in z and not z.startswith("Etc/")))
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
    """The zone ``name`` built from the tzdata package's file of that very name (a link
    such as ``Europe/Oslo`` keeps its own name as the key; KeyError if unknown)."""
    zones, links = _names()
    if name not in zones and name not in links:
        raise KeyError(name)
    with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as fh:
        return ZoneInfo.from_file(fh, key=name)


# Names of the tzdata package that are not location zones, why, and location zones to
# use instead. ``UTC`` and ``Etc/UTC`` are accepted (an explicit UTC, nothing to
# misread); ``GMT`` is refused (people who write it usually mean London time).
_LEGACY: dict[str, tuple[str, tuple[str, ...]]] = {
    "EST": ("a fixed UTC-05:00 with no daylight saving (not New York time)",
            ("America/New_York", "America/Toronto", "America/Panama")),
    "MST": ("a fixed UTC-07:00 with no daylight saving (not Denver time)",
            ("America/Denver", "America/Edmonton", "America/Phoenix")),
    "HST": ("a fixed UTC-10:00 with no daylight saving", ("Pacific/Honolulu",)),
    "EST5EDT": ("an old POSIX-style rule zone, not a place", (
        "America/New_York", "America/Toronto")),
    "CST6CDT": ("an old POSIX-style rule zone, not a place", (
        "America/Chicago", "America/Winnipeg", "America/Mexico_City")),
    "MST7MDT": ("an old POSIX-style rule zone, not a place", (
        "America/Denver", "America/Edmonton")),
    "PST8PDT": ("an old POSIX-style rule zone, not a place", (
        "America/Los_Angeles", "America/Vancouver")),
    "CET": ("a legacy abbreviation zone, not a place", (
        "Europe/Berlin", "Europe/Paris", "Europe/Rome")),
    "MET": ("a legacy abbreviation zone, not a place", (
        "Europe/Berlin", "Europe/Paris", "Europe/Rome")),
    "EET": ("a legacy abbreviation zone, not a place", (
        "Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Africa/Cairo")),
    "WET": ("a legacy abbreviation zone, not a place", ("Europe/Lisbon", "Atlantic/Canary")),
    "GMT": ("UTC with no daylight saving (not London time)", ("Europe/London", "UTC")),
}
for _n in ("GMT0", "GMT+0", "GMT-0", "Greenwich", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0",
           "Etc/GMT-0", "Etc/Greenwich"):
    _LEGACY[_n] = _LEGACY["GMT"]
for _n in ("UCT", "Universal", "Zulu", "Etc/UCT", "Etc/Universal", "Etc/Zulu"):
    _LEGACY[_n] = ("another spelling of UTC", ("UTC",))

_FIXED = re.compile(r"(?:Etc/)?(GMT|UTC|UT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?",
                    re.IGNORECASE)
# Location zones by standard UTC offset in minutes, for suggestions.
_BY_OFFSET: dict[int, tuple[str, ...]] = {
    -600: ("Pacific/Honolulu",), -540: ("America/Anchorage",),
    -480: ("America/Los_Angeles", "America/Vancouver"),
    -420: ("America/Denver", "America/Edmonton", "America/Phoenix"),
    -360: ("America/Chicago", "America/Mexico_City", "America/Winnipeg"),
    -300: ("America/New_York", "America/Toronto", "America/Bogota", "America/Lima"),
    -240: ("America/Halifax", "America/Santiago", "America/Caracas"),
    -180: ("America/Sao_Paulo", "America/Argentina/Buenos_Aires"),
    -120: ("America/Noronha", "Atlantic/South_Georgia"), -60: ("Atlantic/Azores",),
    0: ("Europe/London", "Europe/Lisbon", "Africa/Abidjan", "UTC"),
    60: ("Europe/Berlin", "Europe/Paris", "Africa/Lagos"),
    120: ("Europe/Athens", "Europe/Helsinki", "Africa/Cairo", "Africa/Johannesburg"),
    180: ("Europe/Moscow", "Africa/Nairobi", "Asia/Riyadh", "Europe/Istanbul"),
    210: ("Asia/Tehran",), 240: ("Asia/Dubai", "Asia/Baku"), 270: ("Asia/Kabul",),
    300: ("Asia/Karachi", "Asia/Tashkent"), 330: ("Asia/Kolkata", "Asia/Colombo"),
    345: ("Asia/Kathmandu",), 360: ("Asia/Dhaka", "Asia/Almaty"),
    420: ("Asia/Bangkok", "Asia/Jakarta"),
    480: ("Asia/Shanghai", "Asia/Singapore", "Australia/Perth"),
    540: ("Asia/Tokyo", "Asia/Seoul"), 570: ("Australia/Adelaide", "Australia/Darwin"),
    600: ("Australia/Sydney", "Australia/Brisbane"), 660: ("Pacific/Noumea",),
    720: ("Pacific/Auckland", "Pacific/Fiji"),
}


def _hhmm(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def refusal(name: str) -> str | None:
    """Why ``name`` is not accepted as a school's zone or an anchor, None when it is.

    Accepted: a tzdata name of the form ``Area/Location`` (including backward links
    such as ``US/Eastern``), and ``UTC`` / ``Etc/UTC``. Refused: legacy and fixed-offset
    names, one-word country links (``Japan``), and unknown names (with suggestions).
    """
    if name in ("UTC", "Etc/UTC"):
        return None
    if name in _LEGACY:
        why, use = _LEGACY[name]
        return f"'{name}' is {why}; use a location zone such as {', '.join(use)}"
    fixed = _FIXED.fullmatch(name.strip())
    if fixed is not None:
        sign = 1 if fixed.group(2) == "+" else -1
        minutes = sign * (int(fixed.group(3)) * 60 + int(fixed.group(4) or 0))
        etc = name.upper().startswith("ETC/")
        real = -minutes if etc else minutes
        why = (f"a fixed offset with no daylight saving, and its sign is reversed "
               f"(POSIX style): '{name}' means {_hhmm(real)}" if etc else
               f"a fixed offset with no daylight saving, not an IANA zone (read as "
               f"{_hhmm(real)}; beware that the IANA names reverse the sign: "
               f"Etc/GMT{fixed.group(2)}{int(fixed.group(3))} is {_hhmm(-real)})")
        use = _BY_OFFSET.get(real) or _BY_OFFSET.get(-real) or ("UTC",)
        return f"'{name}' is {why}; use a location zone such as {', '.join(use)}"
    zones, links = _names()
    if name not in zones and name not in links:
        hints = suggest(name) if len(name) <= 100 else []
        shown = name if len(name) <= 60 else name[:57] + "..."
        return f"unknown time zone '{shown}'" + (
            f" (did you mean '{hints[0]}'?)" if hints else "")
    if "/" not in name or name.startswith("Etc/"):
        target = canonical(name)
        instead = target if target and "/" in target and not target.startswith("Etc/") \
            else "a location zone (Area/City)"
        return f"'{name}' is a legacy name, not an Area/Location zone; use {instead}"
    return None


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


def timeline_for_dates(name: str, start: date, end: date, *,
                       margin_days: int = TIMELINE_MARGIN_DAYS) -> Timeline:
    """A timeline covering local dates ``start``..``end`` with a margin on both sides."""
    first = (day_number(start) - margin_days) * MINUTES_PER_DAY
    last = (day_number(end) + 1 + margin_days) * MINUTES_PER_DAY
    return timeline(name, first, last)
