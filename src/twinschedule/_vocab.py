"""Closed vocabularies: weekdays, nth, statuses and reason codes, defined once."""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAYS: Final[tuple[Weekday, ...]] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES: Final[dict[str, str]] = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
    "FR": "Friday", "SA": "Saturday", "SU": "Sunday",
}

#: Every accepted spelling (lower case) -> the RFC 5545 code.
WEEKDAY_SPELLINGS: Final[dict[str, Weekday]] = {}
for _code in WEEKDAYS:
    _full = WEEKDAY_NAMES[_code].lower()
    for _spelling in (_code.lower(), _full[:3], _full):
        WEEKDAY_SPELLINGS[_spelling] = _code

Nth = Literal[1, 2, 3, 4, -1]
#: The fixed order of nth in the ranking key (planning.md).
NTHS: Final[tuple[Nth, ...]] = (1, 2, 3, 4, -1)


def nth_of(value: int) -> Nth:
    """An ``int`` that is a valid nth (1, 2, 3, 4 or -1) as an ``Nth``; ValueError else."""
    return NTHS[NTHS.index(value)]


NTH_WORDS: Final[dict[int, str]] = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}

Status = Literal["scheduled", "moved", "skipped"]

Reason = Literal["not-school-day", "outside-term", "closure", "holiday", "outside-hours", "busy"]
REASONS: Final[tuple[Reason, ...]] = (
    "not-school-day", "outside-term", "closure", "holiday", "outside-hours", "busy",
)
#: Reasons whose detail is a name (a holiday, a closure, a busy event), shown as it is.
NAMED_REASONS: Final[tuple[Reason, ...]] = ("holiday", "closure", "busy")

OnConflict = Literal["move", "skip"]
ON_CONFLICT: Final[tuple[OnConflict, ...]] = ("move", "skip")


def weekday_of(d: dt.date) -> Weekday:
    """The code of a date's weekday: ``date(2026, 9, 7)`` (a Monday) -> ``'MO'``."""
    return WEEKDAYS[d.weekday()]


def weekday_index(code: Weekday) -> int:
    """0 for ``'MO'`` .. 6 for ``'SU'`` (as ``date.weekday()``)."""
    return WEEKDAYS.index(code)


def parse_weekday(text: str) -> Weekday | None:
    """``'mon'``, ``'Monday'`` or ``'MO'`` (any case) -> ``'MO'``; None if not a weekday."""
    return WEEKDAY_SPELLINGS.get(text.strip().lower())

#: What happened to a month between two issues of a plan (agreement.md), and the one
#: entry for a new rule of option 1.
ChangeKind = Literal["moved", "skipped", "restored", "added", "removed", "rule-changed"]
CHANGES: Final[tuple[ChangeKind, ...]] = (
    "moved", "skipped", "restored", "added", "removed", "rule-changed",
)

#: The ``nth`` of an agreed rule as written in the file (agreement.md): ``3rd`` or ``3``.
NTH_SPELLINGS: Final[dict[str, Nth]] = {
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": -1,
    "1": 1, "2": 2, "3": 3, "4": 4, "-1": -1,
}
