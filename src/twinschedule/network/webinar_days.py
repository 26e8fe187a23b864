"""Rows of network planning for schools with calendars of their own, by local date.

A start is valid for a school (without busy times or stretch hours) when its meeting
fits one of the windows of the local date it starts on, that date is one of the
school's days, and the date is open (inside a term, no closure, no holiday): the two
parts are independent. Schools with the same zone, days and windows therefore share
the first part, a **base** (``base_rows``: the candidate bits of the starts that fit,
per month, split by the local date they start on); a school's rows are the base's
bits of its open dates (``open_rows``), a few set look-ups and integer ORs per month
instead of a pass over every local date of the horizon. Zones with the same offsets
over the horizon share their bases (``clock``). ``closed_days`` gives the
dates that fail conditions 1-3 apart from the school days (the checks of
``SchoolCalendar.day_conflicts``, on ranges of day numbers).
"""

from __future__ import annotations

from collections.abc import Iterable

from twinschedule._tz import zones as _zones
from twinschedule.core.availability import local_days
from twinschedule.model import DateRange, School

#: Per month of the horizon, ``(day, mask)`` pairs sorted by day: ``mask`` holds the
#: candidate bits whose nominal start falls on local date ``day`` (a day number).
DaySplit = list[list[tuple[int, int]]]

#: Per month, per family: the pieces ``(k_lo, count, phase, n)`` of network
#: planning's layout (grid times ``k_lo ..`` start at UTC ``phase + (n + j) * step``).
Slices = list[list[list[tuple[int, int, int, int]]]]


def clock(tl: _zones.Timeline) -> tuple[int, tuple[tuple[int, int], ...]]:
    """A timeline's offsets as a value: the offset at its start and each change's
    instant and new offset. Zones with the same clock over a horizon (Paris and
    Berlin, Lima and Bogotá) have the same local dates and wall clocks there."""
    return tl.initial, tuple((t.at, t.after) for t in tl.transitions if t.before != t.after)


def zone_days(tl: _zones.Timeline, slices: Slices, step: int, times: int) -> DaySplit:
    """Every candidate bit of each month by the local date (in the zone of ``tl``) of
    its nominal start."""
    out: DaySplit = []
    for per_family in slices:
        acc: dict[int, int] = {}
        for fi, pieces in enumerate(per_family):
            for k_lo, count, phase, n in pieces:
                s0 = phase + n * step
                bit0 = fi * times + k_lo
                for u0, u1, day, _ in local_days(tl, s0, s0 + (count - 1) * step + 1):
                    j0 = -((s0 - u0) // step)  # first j with s0 + j * step >= u0
                    j1 = -((s0 - u1) // step)
                    if j0 < j1:
                        acc[day] = acc.get(day, 0) | (((1 << (j1 - j0)) - 1) << (bit0 + j0))
        out.append(sorted(acc.items()))
    return out


def base_rows(rows: list[int], days: DaySplit) -> DaySplit:
    """The bits of ``rows`` (per month) split by local date, empty dates left out."""
    return [[(day, got) for day, mask in pairs if (got := row & mask)]
            for row, pairs in zip(rows, days, strict=True)]


def open_rows(split: DaySplit, closed: set[int]) -> list[int]:
    """Per month, the bits of a base's ``split`` on dates not in ``closed``."""
    out = []
    for pairs in split:
        row = 0
        for day, mask in pairs:
            if day not in closed:
                row |= mask
        out.append(row)
    return out


def closed_days(school: School, holidays: Iterable[int], first: int, last: int) -> set[int]:
    """The dates (day numbers) ``first..last`` outside every term of ``school`` (when it
    has terms), in one of its closures (own or imported), or in ``holidays``."""
    closed = {d for d in holidays if first <= d <= last}
    for r in (*school.closures, *school.imported_closures):
        closed.update(range(max(first, _zones.day_number(r.first)),
                            min(last, _zones.day_number(r.last)) + 1))
    if school.terms:
        spans = sorted((_zones.day_number(t.first), _zones.day_number(t.last))
                       for t in school.terms)
        cur = first  # the first date not yet known to be inside a term
        for a, b in spans:
            if a > cur:
                closed.update(range(cur, min(a, last + 1)))
            cur = max(cur, b + 1)
        closed.update(range(cur, last + 1))
    return closed


def spans(ranges: Iterable[DateRange], first: int, last: int) -> int:
    """The dates of ``ranges`` inside ``first..last`` (day numbers) as a mask: bit
    ``d - first`` is set when date ``d`` is in one of them."""
    out = 0
    for r in ranges:
        a = max(_zones.day_number(r.first), first)
        b = min(_zones.day_number(r.last), last)
        if a <= b:
            out |= ((1 << (b - a + 1)) - 1) << (a - first)
    return out
