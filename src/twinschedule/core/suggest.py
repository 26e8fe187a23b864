"""Suggestions: single changes to a partnership that, re-planned exactly, hold more
meetings (explain.md).

The changes are tried in the *family order*: each school's hours (earlier 30, earlier
60, later 30, later 60), a shorter meeting (minus 15, minus 30), all weekdays, all
weeks, moves anywhere in the month. Each is a patch of the partnership file (a dict);
the changed partnership is built from the model directly (:meth:`Change.apply`, equal
to applying the patch to ``config.to_dict`` and loading it with ``config.from_dict``,
:func:`changed`, as the tests check) and planned again with the planner itself. Only
what a change invalidates is recomputed: a change to one school's hours recomputes that
school's availability only; the other changes reuse every school's calendar (and, but
for the duration, its availability) and the anchors' grids. Exact upper bounds of the
meetings a group of changes could hold skip the changes that cannot help.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule._units import MINUTES_PER_DAY
from twinschedule._vocab import NTHS, WEEKDAYS, Weekday
from twinschedule.config import partnership as config
from twinschedule.core.alternate import plan as _plan
from twinschedule.core.alternate import stretch_cap
from twinschedule.core.availability import (
    AnchorDay,
    Intervals,
    SchoolAvailability,
    intersect,
    school_availability,
)
from twinschedule.core.calendar import SchoolCalendar, build_calendar, build_calendars
from twinschedule.core.plan import Plan, Suggestion
from twinschedule.core.planner import weekly_overlap
from twinschedule.core.rules import months
from twinschedule.i18n.words import Nn_, Words, words
from twinschedule.model import Partnership, Rule, School, Window, merge_windows

MAX_SUGGESTIONS = 5
#: (direction, minutes) of the hours changes, in the family order.
SHIFTS: tuple[tuple[str, int], ...] = (("earlier", 30), ("earlier", 60), ("later", 30),
                                       ("later", 60))
SHORTER = (15, 30)
MIN_DURATION = 15


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One change of the family: the patch of the partnership file, and what it changes
    in words (``kind`` is ``earlier``, ``later``, ``duration``, ``weekdays``, ``weeks``,
    ``moves`` or ``stretch``; ``before``/``after`` are minutes for the hours and the
    duration; ``stretched``: the two schools with their new stretch windows, and the
    windows added)."""

    patch: Mapping[str, Any]
    kind: str
    school: School | None = None
    changed_school: School | None = None  # the school with its new hours
    before: int = 0
    after: int = 0
    stretched: tuple[tuple[School, Window], ...] = ()

    def apply(self, p: Partnership) -> Partnership:
        """The changed partnership, built from ``p`` directly: the same as applying
        ``patch`` to ``p``'s file and loading it (:func:`changed`; the tests check it),
        without validating the file again (no change of the family makes a valid file
        invalid)."""
        if self.stretched:
            widened = {school.id: school for school, _ in self.stretched}
            return dataclasses.replace(p, alternate=True, schools=tuple(
                widened.get(s.id, s) for s in p.schools))
        if self.changed_school is not None:
            new = self.changed_school
            return dataclasses.replace(p, schools=tuple(new if s.id == new.id else s
                                                        for s in p.schools))
        if self.kind == "duration":
            return dataclasses.replace(p, duration=self.after)
        if self.kind == "weekdays":
            return dataclasses.replace(p, weekdays=WEEKDAYS)
        if self.kind == "weeks":
            return dataclasses.replace(p, weeks=NTHS)
        return dataclasses.replace(p, on_conflict="move", max_move_days=None)


def _shift(windows: tuple[Window, ...], direction: str, minutes: int) -> tuple[Window, ...]:
    """Move the start of the earliest-starting window earlier, or the end of the
    latest-ending window later, clamped to 00:00 and 24:00."""
    ws = list(windows)
    if direction == "earlier":
        i = min(range(len(ws)), key=lambda j: ws[j].start)
        ws[i] = Window(start=max(0, ws[i].start - minutes), end=ws[i].end)
    else:
        i = max(range(len(ws)), key=lambda j: ws[j].end)
        ws[i] = Window(start=ws[i].start, end=min(MINUTES_PER_DAY, ws[i].end + minutes))
    return tuple(ws)


def _hours_change(s: School, direction: str, minutes: int) -> Change | None:
    hours = _shift(s.hours, direction, minutes)
    by_day = tuple((d, _shift(ws, direction, minutes)) for d, ws in s.hours_by_day)
    if hours == s.hours and by_day == s.hours_by_day:
        return None  # clamping leaves every window unchanged
    new: dict[str, Any] = {"hours": [str(w) for w in hours]}
    if s.hours_by_day:
        new["hours_by_day"] = {d: [str(w) for w in ws] for d, ws in by_day}
    # The words name the first list of windows that changed (``hours`` unless only the
    # days' own hours did).
    before, after = next((a, b) for a, b in ((s.hours, hours),
                                             *zip((w for _, w in s.hours_by_day),
                                                  (w for _, w in by_day), strict=True))
                         if a != b)
    if direction == "earlier":
        old, got = min(w.start for w in before), min(w.start for w in after)
    else:
        old, got = max(w.end for w in before), max(w.end for w in after)
    return Change(patch={"school": s.id, "set": new}, kind=direction, school=s,
                  changed_school=dataclasses.replace(s, hours=hours, hours_by_day=by_day),
                  before=old, after=got)


def changes(p: Partnership) -> list[Change]:
    """Every change of the family that applies to ``p``, in the family order."""
    out: list[Change] = []
    for s in p.schools:
        for direction, minutes in SHIFTS:
            got = _hours_change(s, direction, minutes)
            if got is not None:
                out.append(got)
    for minus in SHORTER:
        if p.duration - minus >= MIN_DURATION:
            out.append(Change(patch={"partnership": {"set": {"duration": p.duration - minus},
                                                     "unset": []}},
                              kind="duration", before=p.duration, after=p.duration - minus))
    if set(p.weekdays) != set(WEEKDAYS):
        out.append(Change(patch={"partnership": {"set": {}, "unset": ["weekdays"]}},
                          kind="weekdays"))
    if set(p.weeks) != set(NTHS):
        out.append(Change(patch={"partnership": {"set": {}, "unset": ["weeks"]}},
                          kind="weeks"))
    if p.on_conflict == "skip" or p.max_move_days is not None:
        out.append(Change(patch={"partnership": {"set": {"on_conflict": "move"},
                                                 "unset": ["max_move_days"]}},
                          kind="moves"))
    return out


def apply_patch(data: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """The partnership file ``data`` (a dict as read from TOML/JSON) with ``patch``
    applied: ``{"school": ID, "set": {...}}`` replaces keys of that school,
    ``{"partnership": {"set": {...}, "unset": [...]}}`` replaces or removes keys of the
    partnership table, and ``{"schools": {ID: {"set": {...}}, ...}, "partnership":
    {...}}`` does both for several tables at once (the stretch suggestion). ``data`` is
    not modified."""
    out = copy.deepcopy(dict(data))
    if "school" in patch:
        for school in out.get("schools", []):
            if school.get("id") == patch["school"]:
                school.update(copy.deepcopy(dict(patch.get("set", {}))))
        return out
    for sid, change in dict(patch.get("schools", {})).items():  # several tables at once
        for school in out.get("schools", []):
            if school.get("id") == sid:
                school.update(copy.deepcopy(dict(change.get("set", {}))))
    part = patch["partnership"]
    table = out.setdefault("partnership", {})
    table.update(copy.deepcopy(dict(part.get("set", {}))))
    for key in part.get("unset", []):
        table.pop(key, None)
    return out


def changed(p: Partnership, patch: Mapping[str, Any]) -> Partnership:
    """``p`` with ``patch`` applied through its file form (``config.to_dict``, the patch,
    ``config.from_dict``). Imported calendars are carried over as already read."""
    data = config.to_dict(p)
    for school in data["schools"]:
        school.pop("closures_ics", None)
    got = config.from_dict(apply_patch(data, patch))
    old = {s.id: s for s in p.schools}
    return dataclasses.replace(got, schools=tuple(
        dataclasses.replace(s, closures_ics=old[s.id].closures_ics,
                            imports=old[s.id].imports,
                            import_reports=old[s.id].import_reports,
                            imported_closures=old[s.id].imported_closures,
                            imported_busy=old[s.id].imported_busy)
        for s in got.schools))


def _same_calendar_inputs(a: School, b: School) -> bool:
    """Whether two schools differ at most in their hours and stretch windows (which a
    calendar reads from the school, not when it is built)."""
    return dataclasses.replace(b, hours=a.hours, hours_by_day=a.hours_by_day,
                               stretch=a.stretch) == a


class _Reuse:
    """The calendars and availabilities of the original partnership, what a changed
    partnership can take from them, and cheap supersets of the availabilities that
    whole groups of changes can reach (for upper bounds of their held meetings)."""

    def __init__(self, p: Partnership, cals: tuple[SchoolCalendar, ...] | None = None,
                 avs: Sequence[SchoolAvailability] | None = None,
                 anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None) -> None:
        self.p = p
        self.cals = cals if cals is not None else build_calendars(p)
        self.avs = list(avs) if avs is not None else [school_availability(c)
                                                      for c in self.cals]
        self.anchor_grids = anchor_grids if anchor_grids is not None else {}

    def inputs(self, q: Partnership) -> tuple[tuple[SchoolCalendar, ...],
                                               list[SchoolAvailability]]:
        cals: list[SchoolCalendar] = []
        avs: list[SchoolAvailability] = []
        for s0, s1, cal, av in zip(self.p.schools, q.schools, self.cals, self.avs,
                                   strict=True):
            if s1 == s0 and q.duration == self.p.duration:
                cals.append(cal)
                avs.append(av)
                continue
            if _same_calendar_inputs(s0, s1):
                cal = dataclasses.replace(cal, school=s1, duration=q.duration)
            else:
                cal = build_calendar(s1, start=q.start, end=q.end, duration=q.duration)
            cals.append(cal)
            avs.append(school_availability(cal))
        return tuple(cals), avs

    def _wider(self, i: int, hours: tuple[Window, ...],
               by_day: tuple[tuple[Weekday, tuple[Window, ...]], ...],
               duration: int) -> SchoolAvailability:
        cal = self.cals[i]
        school = dataclasses.replace(cal.school, hours=hours, hours_by_day=by_day)
        return school_availability(dataclasses.replace(cal, school=school,
                                                       duration=duration))

    def anything(self) -> list[SchoolAvailability]:
        """Every school open all day for the shortest meeting: a superset of what any
        change of the family can make valid (none changes open days or busy times)."""
        day = (Window(start=0, end=MINUTES_PER_DAY),)
        shortest = min(self.p.duration, MIN_DURATION)
        return [self._wider(i, day, (), shortest) for i in range(len(self.cals))]

    def hours_of(self, i: int) -> list[SchoolAvailability]:
        """School ``i`` an hour earlier and an hour later at once (a superset of each of
        its hours changes), the others as they are."""
        s = self.cals[i].school
        both = max(m for _, m in SHIFTS)

        def wide(ws: tuple[Window, ...]) -> tuple[Window, ...]:
            return _shift(_shift(ws, "earlier", both), "later", both)

        av = self._wider(i, wide(s.hours), tuple((d, wide(ws)) for d, ws in s.hours_by_day),
                         self.p.duration)
        return [av if j == i else a for j, a in enumerate(self.avs)]

    def shortest(self, duration: int) -> list[SchoolAvailability]:
        """Every school for a meeting of ``duration`` minutes (the shortest tried)."""
        return [self._wider(i, c.school.hours, c.school.hours_by_day, duration)
                for i, c in enumerate(self.cals)]

    def superset(self, change: Change, shortest: int) -> tuple[str, Any]:
        """The group of ``change`` (changes of one group share one upper bound)."""
        if change.kind in ("earlier", "later"):
            assert change.school is not None
            return ("hours", [s.id for s in self.p.schools].index(change.school.id))
        if change.kind == "duration":
            return ("duration", shortest)
        return ("same", None)

    def group_avs(self, group: tuple[str, Any]) -> list[SchoolAvailability]:
        kind, arg = group
        if kind == "hours":
            return self.hours_of(arg)
        if kind == "duration":
            return self.shortest(arg)
        return self.avs


def held_bound(q: Partnership, avs: Sequence[SchoolAvailability]) -> int:
    """An upper bound of the meetings any rule of ``q`` can hold: the months of the
    horizon in which some start is valid for every school at once (ignoring the grid,
    the anchor's own calendar and the move rules, which can only remove meetings)."""
    common = avs[0].valid
    for av in avs[1:]:
        common = intersect(common, av.valid)
        if not common:
            return 0
    return months_with(q, common)


def _anchor_offsets(q: Partnership) -> tuple[int, int]:
    """The smallest and the largest UTC offset (minutes) of ``q``'s candidate anchors
    over its horizon."""
    names = [q.anchor] if q.anchor else list(dict.fromkeys(s.timezone for s in q.schools))
    offsets: set[int] = set()
    for name in names:
        tl = _zones.timeline_for_dates(name, q.start, q.end)
        offsets.add(tl.initial)
        offsets.update(t.after for t in tl.transitions)
    return min(offsets), max(offsets)


def months_with(q: Partnership, common: Intervals) -> int:
    """The months of the horizon in which some start of ``common`` (sorted, disjoint
    UTC intervals) can lie on an anchor date of that month, for some candidate anchor:
    a month's UTC range is widened by the anchors' largest offset before it and their
    smallest after it (a meeting's month is its anchor date's, moves stay in it)."""
    least, most = _anchor_offsets(q)
    count = 0
    j = 0
    for y, m in months(q.start, q.end):
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        lo = _zones.day_number(dt.date(y, m, 1)) * MINUTES_PER_DAY - most
        hi = _zones.day_number(dt.date(ny, nm, 1)) * MINUTES_PER_DAY - least - 1
        while j < len(common) and common[j][1] < lo:
            j += 1
        # The intervals are sorted and disjoint: the first one ending at or after ``lo``
        # is the only candidate to start before ``hi``.
        if j < len(common) and common[j][0] <= hi:
            count += 1
    return count


#: The sentence of each kind of change, as (singular, plural): the form follows the
#: number of meetings in the horizon (``{months}``).
SENTENCES: dict[str, tuple[str, str]] = {
    "earlier": Nn_("If {school} could meet from {time} instead of {before}, {held} of "
        "{months} meeting would be held: {rule}.",
        "If {school} could meet from {time} instead of {before}, {held} of "
        "{months} meetings would be held: {rule}."),
    "later": Nn_("If {school} could meet until {time} instead of {before}, {held} of "
        "{months} meeting would be held: {rule}.",
        "If {school} could meet until {time} instead of {before}, {held} of "
        "{months} meetings would be held: {rule}."),
    "duration": Nn_("If the meeting lasted {duration} instead of {before}, {held} of "
        "{months} meeting would be held: {rule}.",
        "If the meeting lasted {duration} instead of {before}, {held} of "
        "{months} meetings would be held: {rule}."),
    "weekdays": Nn_("If the meeting could be on any day of the week, {held} of {months} "
        "meeting would be held: {rule}.",
        "If the meeting could be on any day of the week, {held} of {months} "
        "meetings would be held: {rule}."),
    "weeks": Nn_("If the meeting could be in any week of the month, {held} of "
        "{months} meeting would be held: {rule}.",
        "If the meeting could be in any week of the month, {held} of "
        "{months} meetings would be held: {rule}."),
    "moves": Nn_("If a meeting could move to any day of its month, {held} of {months} "
        "meeting would be held: {rule}.",
        "If a meeting could move to any day of its month, {held} of {months} "
        "meetings would be held: {rule}."),
}


#: Suggestion 5 in words (explain.md): both schools' new stretch windows, and what the
#: best option then holds: taking turns with each school stretching as often, or each
#: its own number of times, or (when one rule is best) that rule.
STRETCH_SENTENCES: dict[str, tuple[str, str]] = {
    "same": Nn_("If {school} could meet {window} now and then, and {other} {other_window}, "
                "taking turns month by month would hold {held} of {months} meeting, each "
                "school stretching in {count}.",
                "If {school} could meet {window} now and then, and {other} {other_window}, "
                "taking turns month by month would hold {held} of {months} meetings, each "
                "school stretching in {count}."),
    "different": Nn_("If {school} could meet {window} now and then, and {other} "
                     "{other_window}, taking turns month by month would hold {held} of "
                     "{months} meeting, {school} stretching in {count} and {other} in "
                     "{other_count}.",
                     "If {school} could meet {window} now and then, and {other} "
                     "{other_window}, taking turns month by month would hold {held} of "
                     "{months} meetings, {school} stretching in {count} and {other} in "
                     "{other_count}."),
    "single": Nn_("If {school} could meet {window} now and then, and {other} {other_window}, "
                  "{held} of {months} meeting would be held: {rule}.",
                  "If {school} could meet {window} now and then, and {other} {other_window}, "
                  "{held} of {months} meetings would be held: {rule}."),
}


def stretch_text(change: Change, rule: Rule, held: int, of: int,
                 stretch: Mapping[str, int], alternating: bool, w: Words | None = None) -> str:
    """Suggestion 5 in the language of ``w`` (default English)."""
    w = w or words()
    (first, window), (second, other_window) = change.stretched
    counts = (stretch.get(first.id, 0), stretch.get(second.id, 0))
    key = ("single" if not alternating else "same" if counts[0] == counts[1]
           else "different")
    singular, plural = STRETCH_SENTENCES[key]
    return w.n_(singular, plural, of, school=first.name, other=second.name,
                window=_span(w, window), other_window=_span(w, other_window),
                held=w.number(held), months=w.number(of), count=w.number(counts[0]),
                other_count=w.number(counts[1]), rule=w.rule(rule))


def _span(w: Words, window: Window) -> str:
    return w._("{start}-{end}", start=w.time(window.start), end=w.time(window.end))


def _sentence(kind: str, w: Words, of: int, values: dict[str, Any]) -> str:
    """The sentence of one kind of change in the language of ``w``."""
    if kind not in SENTENCES:
        raise ValueError(f"unknown kind of change {kind!r}")
    singular, plural = SENTENCES[kind]
    return w.n_(singular, plural, of, **values)


def text(change: Change, rule: Rule, held: int, of: int, w: Words | None = None) -> str:
    """The suggestion in words, in the language of ``w`` (default English)."""
    w = w or words()
    values: dict[str, Any] = {"held": w.number(held), "months": w.number(of),
                              "rule": w.rule(rule)}
    if change.kind in ("earlier", "later"):
        assert change.school is not None
        values.update(school=change.school.name, time=w.time(change.after),
                      before=w.time(change.before))
    elif change.kind == "duration":
        values.update(duration=w.minutes(change.after), before=w.minutes(change.before))
    return _sentence(change.kind, w, of, values)


def say(p: Partnership, suggestion: Suggestion, w: Words) -> str:
    """A suggestion of ``p``'s plan in the language of ``w``: the change of the family
    whose patch is the suggestion's ``change``, in words (the suggestion's own ``text``
    when none is, e.g. for a hand-made plan)."""
    stretched = _stretch_of_patch(p, suggestion.change)
    if stretched is not None:
        return stretch_text(stretched, suggestion.rule, suggestion.held, suggestion.months,
                            dict(suggestion.stretch), suggestion.alternating, w)
    for change in changes(p):
        if dict(change.patch) == _plain(suggestion.change):
            return text(change, suggestion.rule, suggestion.held, suggestion.months, w)
    return suggestion.text


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


SIDES = ("before", "after")


def farthest_apart(p: Partnership) -> tuple[int, int]:
    """The two schools farthest apart (file positions, in file order): the largest
    difference of their UTC offsets at noon UTC on the first day of the horizon, around
    the clock (23 hours apart is 1 hour); the first such pair in file order."""
    noon = dt.datetime(p.start.year, p.start.month, p.start.day, 12, tzinfo=dt.UTC)
    offsets = []
    for s in p.schools:
        off = noon.astimezone(_zones.get_zone(s.timezone)).utcoffset()
        offsets.append(int(off.total_seconds()) // 60 if off is not None else 0)
    best = (0, 1)
    far = -1
    for i in range(len(offsets)):
        for j in range(i + 1, len(offsets)):
            d = abs(offsets[i] - offsets[j]) % MINUTES_PER_DAY
            d = min(d, MINUTES_PER_DAY - d)
            if d > far:
                best, far = (i, j), d
    return best


#: Suggested stretch windows lie in the waking day, local time: an early start from
#: 05:00, an evening until 23:00 (nobody is asked to meet in the night).
STRETCH_DAY = (5 * 60, 23 * 60)


def stretch_window(s: School, side: str, minutes: int) -> Window | None:
    """A window of ``minutes`` just before the school's first window or just after its
    last one (``hours``), None when it would leave the waking day (``STRETCH_DAY``)."""
    first = min(w.start for w in s.hours)
    last = max(w.end for w in s.hours)
    if side == "before":
        start = first - minutes
        return Window(start=start, end=first) if start >= STRETCH_DAY[0] else None
    end = last + minutes
    return Window(start=last, end=end) if end <= STRETCH_DAY[1] else None


def stretch_change(p: Partnership, pair: tuple[int, int],
                   windows: tuple[Window, Window]) -> Change:
    """Suggestion 5's change: each school of ``pair`` gets its window added to its
    stretch windows, and alternation is on; one patch of several tables."""
    stretched = []
    tables: dict[str, Any] = {}
    for index, window in zip(pair, windows, strict=True):
        s = p.schools[index]
        new = merge_windows((*s.stretch, window))
        stretched.append((dataclasses.replace(s, stretch=new), window))
        tables[s.id] = {"set": {"stretch": [str(x) for x in new]}}
    return Change(patch={"schools": tables, "partnership": {"set": {"alternate": True}}},
                  kind="stretch", stretched=(stretched[0], stretched[1]))


def _with_window(reuse: _Reuse, index: int, window: Window) -> SchoolAvailability:
    """School ``index``'s availability with ``window`` added to its stretch windows."""
    cal = reuse.cals[index]
    school = dataclasses.replace(cal.school, stretch=merge_windows((*cal.school.stretch,
                                                                     window)))
    return school_availability(dataclasses.replace(cal, school=school))


def reach(p: Partnership, reuse: _Reuse, school: int, other: int, side: str
          ) -> tuple[int, Window] | None:
    """The smallest window (a whole number of steps) on ``side`` of ``school``'s hours
    with which it alone meets ``other`` inside the other's own windows in as many months
    of the horizon as the longest window of the waking day does (every calendar
    condition applied), and that number of months; None when it meets the other in no
    month. Found by bisection: a longer window only adds starts."""
    theirs = reuse.avs[other].own or reuse.avs[other].valid
    mine = p.schools[school]

    def reached(steps: int) -> int:
        window = stretch_window(mine, side, steps * p.step)
        if window is None:
            return 0
        return months_with(p, intersect(_with_window(reuse, school, window).valid, theirs))

    lo, hi = 1, MINUTES_PER_DAY // p.step
    while hi > 0 and stretch_window(mine, side, hi * p.step) is None:
        hi -= 1
    most = reached(hi) if hi > 0 else 0
    if not most:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if reached(mid) >= most:
            hi = mid
        else:
            lo = mid + 1
    window = stretch_window(mine, side, lo * p.step)
    assert window is not None
    return most, window


def stretch_candidate(p: Partnership, reuse: _Reuse) -> Change | None:
    """Suggestion 5's change: for each of the two schools farthest apart, the smallest
    window before its first window or after its last one, within the waking day, with
    which it alone meets the other school inside the other's own hours in as many
    months as it can (so that each can take its turn): of the two sides, the one that
    reaches more months, then the shorter window, then before; None when one of them
    meets the other in no month."""
    pair = farthest_apart(p)
    windows = []
    for school, other in (pair, pair[::-1]):
        found = [got for got in (reach(p, reuse, school, other, side) for side in SIDES)
                 if got is not None]
        if not found:
            return None
        windows.append(min(found, key=lambda x: (-x[0], x[1].end - x[1].start))[1])
    return stretch_change(p, pair, (windows[0], windows[1]))


def stretch_wanted(p: Partnership, base: Plan, reuse: _Reuse) -> bool:
    """Suggestion 5 is tried (explain.md) when the schools' windows never overlap on
    any day of the week, or when the best option holds at most half of the months; and
    only when stretch meetings are allowed at all (``stretch_share`` above 0). A plan
    with no option whose windows do overlap (too briefly, or on no open day) is not
    one of these: the other changes speak to it."""
    if stretch_cap(p) == 0:
        return False
    if base.options:
        return 2 * base.options[0].metrics.held <= len(months(p.start, p.end))
    overlap = base.diagnostics.weekly_overlap if base.diagnostics is not None else \
        weekly_overlap([school_availability(cal, with_reasons=True) for cal in reuse.cals])
    return overlap.minutes == 0


def _stretch_of_patch(p: Partnership, patch: Mapping[str, Any]) -> Change | None:
    """The stretch change whose patch is ``patch`` (None for another kind of patch)."""
    tables = dict(patch.get("schools", {}))
    pair = tuple(i for i, s in enumerate(p.schools) if s.id in tables)
    if len(tables) != 2 or len(pair) != 2:
        return None
    windows = []
    for i in pair:
        s = p.schools[i]
        new = [w for w in (_parse_window(x) for x in tables[s.id]["set"]["stretch"])
               if w not in s.stretch]
        if len(new) != 1:
            return None
        windows.append(new[0])
    return stretch_change(p, (pair[0], pair[1]), (windows[0], windows[1]))


def _parse_window(text: str) -> Window:
    a, b = text.split("-")
    return Window(start=int(a[:2]) * 60 + int(a[3:]), end=int(b[:2]) * 60 + int(b[3:]))


def _stretch_suggestion(p: Partnership, current: int, reuse: _Reuse
                        ) -> tuple[Change, Plan] | None:
    """Suggestion 5: :func:`stretch_candidate` planned exactly (stretch hours and
    alternation), when its best option holds more than ``current``."""
    change = stretch_candidate(p, reuse)
    if change is None:
        return None
    q = change.apply(p)
    cals, avs = reuse.inputs(q)
    if held_bound(q, avs) <= current:
        return None
    got = _plan(q, top=1, calendars=cals, availabilities=avs,
                anchor_grids=reuse.anchor_grids, diagnostics=False)
    if not got.options or got.options[0].metrics.held <= current:
        return None
    return change, got


def needed(p: Partnership, base: Plan) -> bool:
    """Suggestions are looked for when the best option holds fewer meetings than the
    horizon has months, or when there is no option."""
    return not base.options or base.options[0].metrics.held < len(months(p.start, p.end))


def suggestions(p: Partnership, base: Plan, *, reuse: _Reuse | None = None
                ) -> tuple[Suggestion, ...]:
    """The suggestions for ``p`` whose plan is ``base``: the improving changes sorted by
    the new number of held meetings (most first), then the family order; at most five."""
    if not needed(p, base):
        return ()
    current = base.options[0].metrics.held if base.options else 0
    w = words(p.language)  # the JSON text: in the partnership's language
    reuse = reuse or _Reuse(p)
    if held_bound(p, reuse.anything()) <= current:
        return ()  # no change of the family can hold more
    family = changes(p)
    shortest = min((c.after for c in family if c.kind == "duration"), default=p.duration)
    bounds: dict[tuple[str, Any], int] = {}
    found: list[tuple[int, int, Suggestion]] = []
    for order, change in enumerate(family):
        group = reuse.superset(change, shortest)
        if group not in bounds:
            bounds[group] = held_bound(p, reuse.group_avs(group))
        if bounds[group] <= current:
            continue  # no change of this group can hold more
        q = change.apply(p)
        cals, avs = reuse.inputs(q)
        bound = held_bound(q, avs)
        if bound <= current:
            continue  # no rule of the changed partnership can hold more
        if sum(1 for h, _, _ in found if -h >= bound) >= MAX_SUGGESTIONS:
            continue  # five earlier changes already hold at least as many
        got = _plan(q, top=1, calendars=cals, availabilities=avs,
                    anchor_grids=reuse.anchor_grids, diagnostics=False)
        if not got.options or got.options[0].metrics.held <= current:
            continue
        best = got.options[0]
        held = best.metrics.held
        found.append((-held, order, Suggestion(
            change=MappingProxyType(dict(change.patch)),
            text=text(change, best.rule, held, len(best.meetings), w),
            held=held, months=len(best.meetings), rule=best.rule)))
    stretched = (_stretch_suggestion(p, current, reuse) if stretch_wanted(p, base, reuse)
                 else None)
    if stretched is not None:
        found.append((-stretched[1].options[0].metrics.held, len(family),
                      _stretch_result(stretched[0], stretched[1], w)))
    found.sort(key=lambda x: (x[0], x[1]))
    return tuple(s for _, _, s in found[:MAX_SUGGESTIONS])


def _stretch_result(change: Change, got: Plan, w: Words) -> Suggestion:
    best = got.options[0]
    held = best.metrics.held
    counts = dict(best.metrics.stretch or ())
    stretch = tuple((s.id, counts.get(s.id, 0)) for s, _ in change.stretched)
    alternating = best.kind == "alternating"
    return Suggestion(change=MappingProxyType(dict(change.patch)),
                      text=stretch_text(change, best.rule, held, len(best.meetings),
                                        dict(stretch), alternating, w),
                      held=held, months=len(best.meetings), rule=best.rule,
                      stretch=stretch, alternating=alternating)


def plan(p: Partnership, *, top: int | None = None,
         calendars: tuple[SchoolCalendar, ...] | None = None,
         availabilities: Sequence[SchoolAvailability] | None = None,
         anchor_grids: dict[tuple[str, int], list[AnchorDay]] | None = None) -> Plan:
    """The plan of ``p`` (``planner.plan``) with its suggestions; the calendars and
    availabilities of ``p`` are computed once for both (or given, as to
    ``planner.plan``)."""
    reuse = _Reuse(p, calendars, availabilities, anchor_grids)
    base = _plan(p, top=top, calendars=reuse.cals, availabilities=reuse.avs,
                 anchor_grids=reuse.anchor_grids)
    return dataclasses.replace(base, suggestions=suggestions(p, base, reuse=reuse))


__all__: Sequence[str] = ("Change", "apply_patch", "changed", "changes", "plan", "say",
                          "suggestions", "text")
