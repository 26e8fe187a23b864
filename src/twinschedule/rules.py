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


def move_order(nominal: dt.date, *, start: dt.date, end: dt.date, weekdays: frozenset[int],
               max_move_days: int | None) -> list[dt.date]:
    """Other dates of ``nominal``'s month that a meeting may move to, best first:
    closest to the nominal date, and at equal distance the later date."""
    last_day = _cal.monthrange(nominal.year, nominal.month)[1]
    out = []
    for day in range(1, last_day + 1):
        d = nominal.replace(day=day)
        delta = (d - nominal).days
        if delta == 0 or not start <= d <= end or d.weekday() not in weekdays:
            continue
        if max_move_days is not None and abs(delta) > max_move_days:
            continue
        out.append((abs(delta), -delta, d))
    return [d for _, _, d in sorted(out)]
