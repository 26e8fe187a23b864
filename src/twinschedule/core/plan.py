"""Frozen outputs: meetings, metrics, options, diagnostics and the plan; ``to_dict()``
gives the JSON shape of output.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from twinschedule._vocab import ChangeKind, Status, Weekday
from twinschedule.model import Conflict, Partnership, Rule, Window, hhmm

PLAN_FORMAT_VERSION = "0.1.0"

#: An option is one rule, or two rules taking turns month by month (planning.md).
OptionKind = Literal["single", "alternating"]


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
    # The month's rule in an alternation (an index into ``Option.rules``); None for an
    # option of one rule.
    rule: int | None = None
    # The schools for which the held meeting is a stretch meeting; None when no school
    # of the partnership has stretch hours.
    stretch: tuple[str, ...] | None = None
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
            **({} if self.rule is None else {"rule": self.rule}),
            **({} if self.stretch is None else {"stretch": list(self.stretch)}),
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
    # Per school, the held meetings in its stretch hours; None when no school of the
    # partnership has stretch hours.
    stretch: tuple[tuple[str, int], ...] | None = None

    @property
    def max_stretch(self) -> int:
        """The most stretch meetings of any school (0 without stretch hours)."""
        return max((n for _, n in self.stretch or ()), default=0)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "held": self.held, "scheduled": self.scheduled, "moved": self.moved,
            "skipped": self.skipped, "drift": self.drift,
            "max_burden": self.max_burden, "total_burden": self.total_burden}
        if self.stretch is not None:
            out["stretch"] = dict(self.stretch)
            out["max_stretch"] = self.max_stretch
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One ranked rule with its metrics and every month's meeting."""

    rank: int
    rule: Rule
    metrics: Metrics
    usual_times: tuple[tuple[str, int], ...]  # (school id, wall minutes)
    burdens: tuple[tuple[str, int], ...]  # (school id, burden)
    meetings: tuple[Meeting, ...]
    # An alternation (planning.md): ``rules`` is (A, B) (``rule`` is A), and
    # ``usual_by_rule`` each rule's usual times (``usual_times`` are A's). A single rule
    # leaves both empty.
    kind: OptionKind = "single"
    rules: tuple[Rule, ...] = ()
    usual_by_rule: tuple[tuple[tuple[str, int], ...], ...] = ()

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        """The option's rules: ``(rule,)``, or (A, B) for an alternation."""
        return self.rules or (self.rule,)
    # With an agreement: True for the agreed option 1, False for the others.
    agreed: bool | None = None
    # The recurring series its months belong to (agreement.md, "Feeds across
    # re-issues"); empty: one series of ``rule`` over every month.
    series: tuple[Series, ...] = ()

    def usual_time(self, school_id: str) -> int:
        return dict(self.usual_times)[school_id]

    def usual_at(self, meeting: Meeting, school_id: str) -> int:
        """The school's usual time under the rule of ``meeting``'s month."""
        if meeting.rule is None or not self.usual_by_rule:
            return self.usual_time(school_id)
        return dict(self.usual_by_rule[meeting.rule])[school_id]

    def rule_of(self, meeting: Meeting) -> Rule:
        """The rule of ``meeting``'s month."""
        return self.all_rules[meeting.rule or 0]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rank": self.rank,
            "kind": self.kind,
            "rule": rule_dict(self.rule),
            "rules": [rule_dict(r) for r in self.all_rules],
            "metrics": self.metrics.to_dict(),
            "usual_times": {sid: hhmm(m) for sid, m in self.usual_times},
            "burdens": dict(self.burdens),
            "meetings": [m.to_dict() for m in self.meetings],
        }
        if self.usual_by_rule:
            out["usual_times_by_rule"] = [{sid: hhmm(m) for sid, m in usual}
                                          for usual in self.usual_by_rule]
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
    # Minutes of clock time the meetings lie from fitting every school's windows on its
    # school days, summed over the months and the schools (explain.md: "closest").
    distance: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"rule": rule_dict(self.rule), "months": self.months, "failed": self.failed,
                "distance": self.distance,
                "schools": {sid: {"months": n, "why": [
                    {"reason": c.reason, "detail": c.detail} for c in why]}
                    for sid, n, why in self.failures}}


#: The cause that decides (explain.md, "Saying why, truthfully"), in the order checked.
CauseKind = Literal["no-open-day", "no-overlap", "short-overlap", "ruled-out"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HoursIn:
    """A school's own windows (``hours`` of its first school day of the horizon) on
    another school's wall clock that day: (window, the other's start and end minutes,
    the end counted on past midnight)."""

    school: str
    other: str
    windows: tuple[tuple[Window, int, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cause:
    """The first cause that decides why no meeting fits: a school with no open day in
    the horizon (``school``; ``terms_end`` when its terms all end before the horizon,
    ``terms_start`` when they all start after it), windows that never overlap (each
    school's hours on the other's clock: ``hours``), an overlap shorter than the meeting
    (``overlap`` minutes), else what ruled the meetings out (``ruled-out``)."""

    kind: CauseKind
    school: str | None = None
    terms_end: dt.date | None = None
    terms_start: dt.date | None = None
    hours: tuple[HoursIn, ...] = ()
    overlap: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.school is not None:
            out["school"] = self.school
        if self.terms_end is not None:
            out["terms_end"] = self.terms_end.isoformat()
        if self.terms_start is not None:
            out["terms_start"] = self.terms_start.isoformat()
        if self.hours:
            out["hours"] = [{"school": h.school, "other": h.other, "windows": [
                {"hours": str(w), "other_from": hhmm(a % 1440), "other_to": hhmm(b % 1440)}
                for w, a, b in h.windows]} for h in self.hours]
        if self.kind == "short-overlap":
            out["overlap"] = self.overlap
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostics:
    """Why no candidate holds a meeting."""

    ruled_out: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    weekly_overlap: WeeklyOverlap
    near_miss: NearMiss | None = None
    cause: Cause | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"ruled_out": {sid: dict(codes) for sid, codes in self.ruled_out},
               "weekly_overlap": self.weekly_overlap.to_dict()}
        if self.near_miss is not None:  # an extra key (explain.md's near miss)
            out["near_miss"] = self.near_miss.to_dict()
            if self.cause is not None:  # the near miss names the cause that decides
                out["near_miss"]["cause"] = self.cause.kind
        if self.cause is not None:  # an extra key (explain.md, saying why)
            out["cause"] = self.cause.to_dict()
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
    # Suggestion 5 (stretch hours): the stretch meetings of the two schools, and whether
    # the best option then takes turns.
    stretch: tuple[tuple[str, int], ...] = ()
    alternating: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = {"change": _plain(self.change), "text": self.text, "held": self.held,
               "rule": rule_dict(self.rule)}
        if self.stretch:  # an extra key of suggestion 5
            out["stretch"] = dict(self.stretch)
        return out


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
