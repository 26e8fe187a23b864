"""Calendar arithmetic of monthly rules: months of a horizon, nth-weekday dates, and
the order in which other dates of a month are tried when a meeting must move."""

from __future__ import annotations

import calendar as _cal
import datetime as dt


def months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start``'s month to ``end``'s, in order."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The ``nth`` (1-4, or -1 for last) weekday (0 = Monday) of a month."""
    if nth > 0:
        first = dt.date(year, month, 1).weekday()
        return dt.date(year, month, 1 + (weekday - first) % 7 + 7 * (nth - 1))
    last_day = _cal.monthrange(year, month)[1]
    last = dt.date(year, month, last_day).weekday()
    return dt.date(year, month, last_day - (last - weekday) % 7)


def move_offsets(weekday: int, lo: int, hi: int, weekdays: frozenset[int],
                 max_move_days: int | None) -> list[int]:
    """The dates a meeting may move to, best first, as day offsets from the nominal
    date (whose weekday is ``weekday``): offsets ``lo..hi`` (the rest of the month inside
    the horizon), allowed weekdays only, at most ``max_move_days`` away; closest first,
    and at equal distance the later date (postponed rather than brought forward)."""
    reach = max(hi, -lo)
    if max_move_days is not None:
        reach = min(reach, max_move_days)
    out = []
    for k in range(1, reach + 1):
        if k <= hi and (weekday + k) % 7 in weekdays:
            out.append(k)
        if -k >= lo and (weekday - k) % 7 in weekdays:
            out.append(-k)
    return out
