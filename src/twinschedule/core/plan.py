"""Frozen outputs: meetings, metrics, options, diagnostics and the plan; ``to_dict()``
gives the JSON shape of output.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twinschedule._vocab import ChangeKind, Status, Weekday
from twinschedule.model import Conflict, Partnership, Rule, hhmm

PLAN_FORMAT_VERSION = "0.1.0"


def _utc(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    """The meeting of one month: its status, nominal and actual instants, local times."""

    month: str  # "YYYY-MM" of the anchor zone's calendar
    status: Status
    nominal: dt.datetime  # aware UTC
    start: dt.datetime | None  # aware UTC; None when skipped
    end: dt.datetime | None
    local: tuple[tuple[str, dt.datetime], ...] | None  # (school id, aware local start)
    reasons: tuple[Conflict, ...]
    # With --previous: True for a month kept exactly as published (agreement.md).
    kept: bool | None = None

    def local_start(self, school_id: str) -> dt.datetime | None:
        for sid, when in self.local or ():
            if sid == school_id:
                return when
        return None

    @property
    def held(self) -> bool:
        return self.start is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "month": self.month,
            "status": self.status,
            "nominal": _utc(self.nominal),
            "start": _utc(self.start) if self.start else None,
            "end": _utc(self.end) if self.end else None,
            "local": None if self.local is None else {
                sid: when.isoformat() for sid, when in self.local},
            "reasons": _reasons(self.reasons),
        }
        if self.kept is not None:
            out["kept"] = self.kept
        return out


def _reasons(reasons: tuple[Conflict, ...]) -> list[dict[str, Any]]:
    return [{"school": r.school, "reason": r.reason, "detail": r.detail} for r in reasons]


def rule_dict(r: Rule) -> dict[str, Any]:
    """A rule as in ``options[].rule`` of the JSON plan."""
    return {"nth": r.nth, "weekday": r.weekday, "time": hhmm(r.time), "anchor": r.anchor,
            "duration": r.duration, "rrule": r.rrule, "text": r.text}


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    held: int
    scheduled: int
    moved: int
    skipped: int
    drift: int
    max_burden: int
    total_burden: int

    def to_dict(self) -> dict[str, int]:
        return {"held": self.held, "scheduled": self.scheduled, "moved": self.moved,
                "skipped": self.skipped, "drift": self.drift,
                "max_burden": self.max_burden, "total_burden": self.total_burden}


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One ranked rule with its metrics and every month's meeting."""

    rank: int
    rule: Rule
    metrics: Metrics
    usual_times: tuple[tuple[str, int], ...]  # (school id, wall minutes)
    burdens: tuple[tuple[str, int], ...]  # (school id, burden)
    meetings: tuple[Meeting, ...]
    # With an agreement: True for the agreed option 1, False for the others.
    agreed: bool | None = None
    # The recurring series its months belong to (agreement.md, "Feeds across
    # re-issues"); empty: one series of ``rule`` over every month.
    series: tuple[Series, ...] = ()

    def usual_time(self, school_id: str) -> int:
        return dict(self.usual_times)[school_id]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rank": self.rank,
            "rule": rule_dict(self.rule),
            "metrics": self.metrics.to_dict(),
            "usual_times": {sid: hhmm(m) for sid, m in self.usual_times},
            "burdens": dict(self.burdens),
            "meetings": [m.to_dict() for m in self.meetings],
        }
        if self.agreed is not None:
            out["agreed"] = self.agreed
        if self.series:
            out["series"] = [x.to_dict() for x in self.series]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """One recurring series of an option's feeds: its rule(s), from local date ``since``
    (months from ``since``'s month until the next series' month belong to it), and the
    ``tag`` added to its UIDs (None: the partnership's own UIDs; ``"2027-03"`` for a
    series started by a later agreement: ``<partnership>.2027-03@...``)."""

    rules: tuple[Rule, ...]
    since: dt.date
    tag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat(), "tag": self.tag,
                "rules": [rule_dict(r) for r in self.rules]}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """What changed in one month between the previous issue's option 1 and this one's
    (``before`` and ``after`` its meetings, None where a plan has no such month), or
    the one ``rule-changed`` entry (``month`` None, ``rules`` the two rules)."""

    month: str | None
    change: ChangeKind
    before: Meeting | None = None
    after: Meeting | None = None
    rules: tuple[Rule, Rule] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.rules is not None:
            return {"month": self.month, "change": self.change,
                    "before": {"rule": rule_dict(self.rules[0])},
                    "after": {"rule": rule_dict(self.rules[1])}, "reasons": []}
        shown = self.after if self.after is not None and self.after.reasons else self.before
        return {"month": self.month, "change": self.change,
                "before": _state(self.before), "after": _state(self.after),
                "reasons": _reasons(shown.reasons) if shown is not None else []}


def _state(m: Meeting | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"status": m.status, "start": _utc(m.start) if m.start else None,
            "end": _utc(m.end) if m.end else None}


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyOverlap:
    """The longest stretch when every school is inside a window on a school day (UTC)."""

    minutes: int
    weekday: Weekday | None
    start: int | None  # UTC minutes after midnight
    end: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "weekday": self.weekday,
                "from": None if self.start is None else hhmm(self.start),
                "to": None if self.end is None else hhmm(self.end)}


@dataclass(frozen=True, slots=True, kw_only=True)
class NearMiss:
    """The candidate rule of an infeasible plan that comes closest: the fewest months in
    which some school rules its nominal meeting out, then the fewest (month, school)
    failures, then the ranking order. ``failures`` holds, per school, the months it
    rules the meeting out and why (the reasons of its month with the fewest)."""

    rule: Rule
    months: int  # months of the plan with a nominal meeting of this rule
    failed: int  # of those, the months some school rules the meeting out
    failures: tuple[tuple[str, int, tuple[Conflict, ...]], ...]  # (school, months, why)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": rule_dict(self.rule), "months": self.months, "failed": self.failed,
                "schools": {sid: {"months": n, "why": [
                    {"reason": c.reason, "detail": c.detail} for c in why]}
                    for sid, n, why in self.failures}}


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostics:
    """Why no candidate holds a meeting."""

    ruled_out: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    weekly_overlap: WeeklyOverlap
    near_miss: NearMiss | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"ruled_out": {sid: dict(codes) for sid, codes in self.ruled_out},
               "weekly_overlap": self.weekly_overlap.to_dict()}
        if self.near_miss is not None:  # an extra key (explain.md's near miss)
            out["near_miss"] = self.near_miss.to_dict()
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A single change to the partnership that, re-planned exactly, holds more meetings
    (explain.md): ``change`` is a patch of the partnership file, ``held`` and ``rule``
    those of the changed partnership's best option, ``months`` its number of months."""

    change: Mapping[str, Any]
    text: str
    held: int
    months: int
    rule: Rule

    def to_dict(self) -> dict[str, Any]:
        return {"change": _plain(self.change), "text": self.text, "held": self.held,
                "rule": rule_dict(self.rule)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The ranked options for a partnership, or diagnostics when none is feasible."""

    partnership: Partnership
    tzdata: str
    options: tuple[Option, ...]
    diagnostics: Diagnostics | None
    candidates: int  # rules searched (not excluded)
    # Empty when none is needed or none helps, and when planned with suggest=False.
    suggestions: tuple[Suggestion, ...] = ()
    # With a previous plan (agreement.md): what changed since, in month order (empty
    # when nothing did); None when planned without one.
    changes: tuple[Change, ...] | None = None
    # The SEQUENCE of the feeds when derived from a previous plan; None: the
    # partnership's ``sequence`` (see :meth:`feed_sequence`).
    sequence: int | None = None

    def feed_sequence(self) -> int:
        """The SEQUENCE the feeds carry (output.md, agreement.md)."""
        return self.partnership.sequence if self.sequence is None else self.sequence

    @property
    def feasible(self) -> bool:
        return bool(self.options)

    def option(self, k: int = 1) -> Option:
        """Option ``k`` (1-based)."""
        if not 1 <= k <= len(self.options):
            raise IndexError(f"option {k} does not exist (the plan has {len(self.options)})")
        return self.options[k - 1]

    def to_dict(self) -> dict[str, Any]:
        p = self.partnership
        return {
            "version": PLAN_FORMAT_VERSION,
            "tzdata": self.tzdata,
            "partnership": {"id": p.id, "name": p.name},
            "horizon": {"start": p.start.isoformat(), "end": p.end.isoformat()},
            "feasible": self.feasible,
            "options": [o.to_dict() for o in self.options],
            "suggestions": [x.to_dict() for x in self.suggestions],
            "diagnostics": self.diagnostics.to_dict() if self.diagnostics else None,
            "candidates": self.candidates,
            "sequence": self.feed_sequence(),
            **({} if self.changes is None else {
                "changes": [c.to_dict() for c in self.changes]}),
        }
