"""Frozen outputs of a network plan (network.md): options with attendance metrics, the
schools attending each month, the schools never reached, the months each school misses
and why, an optional repeat session, and diagnostics; ``to_dict()`` gives the JSON of
network.md (keys in its order)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from twinschedule._vocab import REASONS
from twinschedule.core.plan import Diagnostics
from twinschedule.model import Conflict, Network, Rule, hhmm


def _utc(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rule_dict(r: Rule) -> dict[str, Any]:
    return {"nth": r.nth, "weekday": r.weekday, "time": hhmm(r.time), "anchor": r.anchor,
            "duration": r.duration, "rrule": r.rrule, "text": r.text}


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkMonth:
    """One month's session: its start (aware UTC) and the schools that can attend it
    (ids in file order)."""

    month: str  # "YYYY-MM" of the anchor zone's calendar
    start: dt.datetime
    attending: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month, "start": _utc(self.start),
                "attending": list(self.attending)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Missed:
    """A month a school misses: why its nominal meeting is not valid for the school
    (planning.md's conditions, one entry per failed condition, as in a plan's
    ``reasons``; never empty)."""

    month: str  # "YYYY-MM"
    start: dt.datetime  # the month's session (aware UTC)
    reasons: tuple[Conflict, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"month": self.month,
                "reasons": [{"school": r.school, "reason": r.reason, "detail": r.detail}
                            for r in self.reasons]}


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkMetrics:
    attendance: int  # (school, month) pairs attended
    worst_month: int  # fewest schools attending one month
    reached: int  # schools attending at least one month
    possible: int  # schools x months of the rule
    burden: int  # summed over attended (school, month) pairs

    def to_dict(self) -> dict[str, int]:
        return {"attendance": self.attendance, "worst_month": self.worst_month,
                "reached": self.reached, "possible": self.possible, "burden": self.burden}


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    """The repeat session of an option (``sessions = 2``): the rule that adds the most
    (school, month) pairs the option's own rule misses."""

    rule: Rule
    extra: int
    attendance: int
    combined: int
    months: tuple[NetworkMonth, ...]  # everyone who can attend it
    never: tuple[str, ...]  # schools reached by neither session

    def to_dict(self) -> dict[str, Any]:
        return {"rule": rule_dict(self.rule), "extra": self.extra,
                "attendance": self.attendance, "combined": self.combined,
                "months": [m.to_dict() for m in self.months], "never": list(self.never)}


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkOption:
    """One ranked rule of a network plan."""

    rank: int
    rule: Rule
    metrics: NetworkMetrics
    months: tuple[NetworkMonth, ...]
    never: tuple[str, ...]  # schools attending no month, in file order
    repeat: Session | None = None
    # Per school that misses some month of this option's own session (file order): the
    # months it misses, in order, with the reasons.
    missed: tuple[tuple[str, tuple[Missed, ...]], ...] = ()

    def misses(self, school_id: str) -> tuple[Missed, ...]:
        """The months a school misses (empty when it attends every month)."""
        for sid, months in self.missed:
            if sid == school_id:
                return months
        return ()

    def attends(self, school_id: str) -> tuple[str, ...]:
        """The months (``YYYY-MM``) that a school attends."""
        return tuple(m.month for m in self.months if school_id in m.attending)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rank": self.rank, "rule": rule_dict(self.rule), "metrics": self.metrics.to_dict(),
            "months": [m.to_dict() for m in self.months], "never": list(self.never),
            "missed": {sid: [m.to_dict() for m in months] for sid, months in self.missed}}
        if self.repeat is not None:
            out["repeat"] = self.repeat.to_dict()
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkPlan:
    """The ranked options of a network, or diagnostics when no rule has attendance."""

    network: Network
    tzdata: str
    months: int  # calendar months of the horizon (anchor zone)
    candidates: int  # rules after the anchor exclusions
    options: tuple[NetworkOption, ...]
    diagnostics: Diagnostics | None

    @property
    def feasible(self) -> bool:
        return bool(self.options)

    def option(self, k: int = 1) -> NetworkOption:
        """Option ``k`` (1-based)."""
        if not 1 <= k <= len(self.options):
            raise IndexError(f"option {k} does not exist (the plan has {len(self.options)})")
        return self.options[k - 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "network": self.network.id, "tzdata": self.tzdata,
            "schools": len(self.network.schools), "months": self.months,
            "candidates": self.candidates,
            "options": [o.to_dict() for o in self.options],
            "diagnostics": self.diagnostics.to_dict() if self.diagnostics else None,
        }


def main_reason(missed: tuple[Missed, ...]) -> tuple[str, int, Missed]:
    """A school's main reason for missing: the condition failing in the most of its
    missed months (ties in planning.md's order of the conditions), how many months it
    fails in, and the first of them."""
    months = Counter(code for m in missed for code in dict.fromkeys(r.reason for r in m.reasons))
    code = min(months, key=lambda c: (-months[c], REASONS.index(c)))
    first = next(m for m in missed if any(r.reason == code for r in m.reasons))
    return code, months[code], first
