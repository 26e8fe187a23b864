"""Plan option -> iCalendar feeds: one for the partnership, one per school.

Built with ``icalendar`` objects only. One master VEVENT (DTSTART in the anchor zone,
RRULE with a UTC UNTIL), an EXDATE per skipped month, a RECURRENCE-ID override per
moved month, a VTIMEZONE generated from the same tzdata that planned the meetings,
stable UIDs, SEQUENCE from the plan (the partnership's, or derived from a previous plan:
agreement.md), DTSTAMP given by the caller.

An option whose months belong to several series (a later agreement: ``Option.series``)
gets one master per series, each with its own UID (the series' tag added) and RRULE
ending with its last month. Inside a series every occurrence of the RRULE from its
first month to its last is accounted for: held at its nominal time (nothing to say),
held at another instant (an override: a moved month, or a month kept as published under
an earlier rule), or not held (an EXDATE).

Every text is worded for the feed's reader (``i18n``): the school's ``language`` (else
the partnership's) and the school's own calendar, so a school whose local date differs
from the anchor's reads its own weekday and dates. The partnership feed reads the
partnership's language and the anchor's calendar.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any, NamedTuple

from twinschedule._tz import zones as _zones
from twinschedule._vocab import NAMED_REASONS, WEEKDAYS, weekday_index
from twinschedule.core.plan import Meeting, Option, Plan, Series
from twinschedule.core.rules import nth_weekday
from twinschedule.i18n.reasons import names as reason_names
from twinschedule.i18n.words import FSI, PDI, Words, join_lines, words
from twinschedule.model import Partnership, Rule, School

PRODID = "-//twinschedule//twinschedule 0.1.0//EN"
UID_DOMAIN = "twinschedule"


def feed_names(p: Partnership) -> dict[str | None, str]:
    """File name of every feed: ``None`` -> the partnership feed, school id -> its feed."""
    names: dict[str | None, str] = {None: f"{p.id}.ics"}
    for s in p.schools:
        names[s.id] = f"{p.id}.{s.id}.ics"
    return names


def _uid(p: Partnership, reader: School | None, month: str | None = None,
         series_index: int = 0) -> str:
    """A feed's UID: per partnership and reader, per month with ``--expand``; the second
    series of an alternation adds ``+b`` (no id can hold a ``+``)."""
    base = p.id if reader is None else f"{p.id}.{reader.id}"
    if month is not None:
        base += f".{month}"
    if series_index:
        base += "+b"
    return f"{base}@{UID_DOMAIN}"


SUMMARY_MAX = 80


def _reader_language(p: Partnership, reader: School | None) -> str:
    return p.language if reader is None else (reader.language or p.language)


def _reader_zone(option: Option, reader: School | None) -> Any:
    """The zone whose calendar gives the reader's dates: its own, or the anchor's."""
    return _zones.get_zone(option.rule.anchor if reader is None else reader.timezone)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:max(1, limit - 1)].rstrip() + "\u2026"


def summary(p: Partnership, reader: School | None) -> str:
    """The SUMMARY of the reader's feed (its language, its partners)."""
    return _summary(p, reader, words(_reader_language(p, reader)))


def _summary(p: Partnership, reader: School | None, w: Words) -> str:
    """SUMMARY: the title (or a translated default) and the partners, two by name and
    the rest counted; at most 80 characters (names shortened when they are long)."""
    title = p.title or w._("Partnership meeting")
    names = [s.name for s in p.schools if reader is None or s.id != reader.id]
    text = ""
    for limit in (SUMMARY_MAX, 32, 20, 12, 6):
        short = [_shorten(" ".join(n.split()), limit) for n in names]
        t = _shorten(" ".join(title.split()), max(limit, 40))
        text = (w._("{title}: {names}", title=t, names=w.names(short)) if reader is None
                else w._("{title} with {names}", title=t, names=w.names(short)))
        text = w.line(text)
        if len(text) <= SUMMARY_MAX:
            return text
    return _shorten(text.replace(FSI, "").replace(PDI, ""), SUMMARY_MAX)


def _ordered(p: Partnership, reader: School | None) -> list[School]:
    if reader is None:
        return list(p.schools)
    return [reader, *[s for s in p.schools if s.id != reader.id]]


def _minutes(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def _usual_weekday(option: Option, school: School) -> str:
    """The weekday most of a school's held meetings fall on, in its own calendar."""
    days = Counter(when.weekday() for m in option.meetings
                   if (when := m.local_start(school.id)) is not None)
    return WEEKDAYS[min(days, key=lambda d: (-days[d], d))] if days else option.rule.weekday


def describe(p: Partnership, option: Option, reader: School | None,
             other: Rule | None = None) -> str:
    """The master event's DESCRIPTION in the reader's language: the rule in words, each
    school's usual local weekday and time (the reader's first), the meetings at which a
    school's local time differs (dated in the reader's calendar), the skipped months and
    the partnership's description. ``other``: the rule of the months in between, when
    ``option`` is one series of an alternation (:func:`series`)."""
    w = words(_reader_language(p, reader))
    zone = _reader_zone(option, reader)
    lines = [w.capital(w._("{rule}, {duration}.", rule=w.rule(option.rule),
                           duration=w.minutes(p.duration)))]
    if other is not None:
        lines.append(w._("Taking turns month by month: in the months between, {rule}.",
                         rule=w.rule(other)))
    lines += _stretch_lines(p, option, w, zone)
    if reader is not None and _usual_weekday(option, reader) != option.rule.weekday:
        lines.append(w._("In {zone}: {weekday} at {time}.", zone=reader.timezone,
                         weekday=w.weekday(_usual_weekday(option, reader)),
                         time=w.time(option.usual_time(reader.id))))
    lines.append("")
    lines.append(w._("Local times:"))
    exceptions: list[str] = []
    for s in _ordered(p, reader):
        usual = option.usual_time(s.id)
        lines.append("- " + w._("{school}: {weekday} at {time} ({zone})", school=s.name,
                                weekday=w.weekday(_usual_weekday(option, s)),
                                time=w.time(usual), zone=s.timezone))
        differing: dict[int, list[dt.date]] = {}
        for m in option.meetings:
            when = m.local_start(s.id)
            if when is not None and m.start is not None and _minutes(when) != usual:
                differing.setdefault(_minutes(when), []).append(
                    m.start.astimezone(zone).date())
        for t, dates in sorted(differing.items()):
            exceptions.append("- " + w._(
                "{school}: {time} instead of {usual} on {dates} ({shift}, daylight saving)",
                school=s.name, time=w.time(t), usual=w.time(usual),
                dates=w.join([w.date(d) for d in dates]), shift=w.shift(t - usual)))
    if exceptions:
        lines += ["", w._("Local time differs on these dates:"), *exceptions]
    skipped = [m for m in option.meetings if m.status == "skipped"]
    if skipped:
        lines += ["", w._("No meeting in: {months}", months=w.join(
            [w.month(m.nominal.astimezone(zone).date()) for m in skipped]))]
    if p.description:  # free text in any language: isolated in right-to-left feeds
        lines += ["", *(w.isolate(x) if x else x for x in p.description.split("\n"))]
    return join_lines(w, lines)


def _stretch_lines(p: Partnership, option: Option, w: Words, zone: Any) -> list[str]:
    """Who meets outside its usual hours, and when (dated in the reader's calendar)."""
    out = []
    for s in p.schools:
        dates = [m.start.astimezone(zone).date() for m in option.meetings
                 if m.start is not None and s.id in (m.stretch or ())]
        if dates:
            out.append(w._("{school} meets outside its usual hours on {dates}.",
                           school=s.name, dates=w.join([w.date(d) for d in dates])))
    return out


def series(option: Option) -> list[tuple[Option, Rule | None]]:
    """The option's series: itself, or for an alternation one option per rule holding
    that rule's months (its usual times), each with the other rule."""
    if option.kind != "alternating":
        return [(option, None)]
    out: list[tuple[Option, Rule | None]] = []
    for r, rule in enumerate(option.rules):
        mine = tuple(m for m in option.meetings if m.rule == r)
        out.append((dataclasses.replace(option, rule=rule, rules=(), kind="single",
                                        usual_times=option.usual_by_rule[r],
                                        usual_by_rule=(), meetings=mine),
                    option.rules[1 - r]))
    return out


def _why(p: Partnership, m: Meeting, w: Words) -> str:
    """"Mashujaa Day at Moi Forces Academy; outside term at A and B"."""
    names = {s.id: s.name for s in p.schools}
    by_text: dict[str, list[str]] = {}
    for r in m.reasons:
        text = reason_names(w, r) if r.reason in NAMED_REASONS and r.detail else w.reason(r.reason)
        by_text.setdefault(text, []).append(names[r.school])
    return "; ".join(w._("{reason} at {schools}", reason=text,
                         schools=w.join(list(dict.fromkeys(who))))
                     for text, who in by_text.items())


def _moved_description(p: Partnership, option: Option, m: Meeting, reader: School | None) -> str:
    w = words(_reader_language(p, reader))
    nominal = m.nominal.astimezone(_reader_zone(option, reader))
    lines = [w._("Moved from {date}: {why}.", date=w.date(nominal.date()), why=_why(p, m, w)),
             ""]
    for s in _ordered(p, reader):
        when = m.local_start(s.id)
        if when is not None:
            lines.append("- " + w._("{school}: {date} at {time} ({zone})", school=s.name,
                                    date=w.date(when.date()), time=w.time(_minutes(when)),
                                    zone=s.timezone))
    if p.description:  # free text in any language: isolated in right-to-left feeds
        lines += ["", *(w.isolate(x) if x else x for x in p.description.split("\n"))]
    return join_lines(w, lines)


def _calendar(p: Partnership, reader: School | None, option: Option,
              anchors: tuple[str, ...] = (), span: tuple[dt.date, dt.date] | None = None
              ) -> Any:
    import icalendar

    from twinschedule._tz.vtimezone import vtimezone

    w = words(_reader_language(p, reader))
    name = " ".join(p.name.split())  # a calendar's display name: one line
    if reader is not None:
        name = w._("{partnership} ({school})", partnership=name,
                   school=" ".join(reader.name.split()))
    name = w.line(name)
    cal = icalendar.Calendar.new(
        prodid=PRODID, calscale="GREGORIAN", method="PUBLISH",
        uid=_uid(p, reader).replace("@", ".calendar@"))
    # NAME (RFC 7986) and X-WR-CALNAME are TEXT: escape them as such (icalendar's own
    # name= setter writes them unescaped).
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    cal.add("refresh-interval", icalendar.vDuration(dt.timedelta(days=1)),
            parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(dt.timedelta(days=1)))
    lo, hi = span or (p.start, p.end)
    for anchor in dict.fromkeys([*anchors, *(r.anchor for r in option.all_rules)]):
        cal.add_component(vtimezone(anchor, lo, hi))
    return cal


def end_in(zone: Any, end: dt.datetime) -> dt.datetime:
    """DTEND in the anchor zone, or in UTC when that wall time is ambiguous or missing."""
    return _end(zone, end)


def _end(zone: Any, end: dt.datetime) -> dt.datetime:
    """DTEND in the anchor zone, or in UTC when that wall time is ambiguous or missing."""
    local = end.astimezone(zone)
    if _zones.resolve(zone, local.replace(tzinfo=None)) != "unambiguous":
        return end.astimezone(dt.UTC)
    return local


def build_calendar(plan: Plan, option: Option, reader: School | None, *, stamp: dt.datetime,
                   expand: bool = False) -> Any:
    """The ``icalendar.Calendar`` of one feed (``reader`` None: the partnership feed): one
    series (a master VEVENT with its EXDATEs and overrides) per rule of the option, two
    for an alternation (``INTERVAL=2``)."""
    import icalendar

    p = plan.partnership
    stamp = stamp.astimezone(dt.UTC)
    groups = series_groups(p, option)
    anchors = tuple(dict.fromkeys([option.rule.anchor,
                                   *(g.option.rule.anchor for g in groups)]))
    cal = _calendar(p, reader, option, anchors, _span(p, option))
    summary = _summary(p, reader, words(_reader_language(p, reader)))
    common: dict[str, Any] = {"summary": summary, "stamp": stamp,
                              "sequence": plan.feed_sequence()}
    if p.location:
        common["location"] = p.location
    if expand:
        parts = series(option)
        for m in option.meetings:
            if m.start is None or m.end is None:
                continue
            sub, other = parts[m.rule or 0]
            zone = _zones.get_zone(sub.rule.anchor)
            desc = (_moved_description(p, sub, m, reader) if m.status == "moved"
                    else describe(p, sub, reader, other))
            cal.add_component(icalendar.Event.new(
                uid=_uid(p, reader, m.month), start=m.start.astimezone(zone),
                end=_end(zone, m.end), description=desc, **common))
        return cal
    # one series per agreement (agreement.md, "Feeds across re-issues"), two taking
    # turns (INTERVAL=2) for an alternation (planning.md)
    for group in groups:
        for event in series_events(p, group, reader, common):
            cal.add_component(event)
    return cal


def _month_key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def occurrence(rule: Rule, month: str) -> dt.datetime:
    """The UTC start of ``rule``'s occurrence in ``month`` (``YYYY-MM``), as a calendar
    program expands the series' RRULE (the wall time in the anchor zone)."""
    d = nth_weekday(int(month[:4]), int(month[5:7]), weekday_index(rule.weekday), rule.nth)
    local = dt.datetime(d.year, d.month, d.day, rule.time // 60, rule.time % 60,
                        tzinfo=_zones.get_zone(rule.anchor))
    return local.astimezone(dt.UTC)


def _months(first: str, last: str, step: int = 1) -> list[str]:
    """The months from ``first`` to ``last`` (``YYYY-MM``), every ``step``-th."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        k = y * 12 + m - 1 + step
        y, m = k // 12, k % 12 + 1
    return out


def _usual(p: Partnership, rule: Rule, meetings: tuple[Meeting, ...]
           ) -> tuple[tuple[str, int], ...]:
    """Each school's most frequent local start (the earliest on a tie) in ``meetings``;
    without a held meeting, the rule's time in its own zone."""
    out = []
    for s in p.schools:
        zone = _zones.get_zone(s.timezone)
        times = Counter(_minutes(w) for m in meetings if (w := m.local_start(s.id)) is not None)
        if times:
            top = max(times.values())
            out.append((s.id, min(t for t, n in times.items() if n == top)))
        else:
            first = occurrence(rule, meetings[0].month).astimezone(zone)
            out.append((s.id, _minutes(first)))
    return tuple(out)


class Group(NamedTuple):
    """One recurring series of a feed: its agreement ``series`` (None: the
    partnership's own), its months as an option of its own rule, ``part`` 1 for rule B
    of an alternation (its UIDs add ``+b``), and ``other``, the rule of the months in
    between for an alternation (the series then recurs every other month)."""

    series: Series | None
    option: Option
    part: int = 0
    other: Rule | None = None

    @property
    def step(self) -> int:
        return 1 if self.other is None else 2


def series_groups(p: Partnership, option: Option) -> list[Group]:
    """The option's recurring series, each with its months as an option of its own rule
    (for its master's DESCRIPTION): one per agreement series, two (rules A and B) for a
    series taking turns; the option itself when it has one series of its own rule."""
    from twinschedule.core.agreement import same_rules, turn

    if not option.series or (len(option.series) == 1
                             and same_rules(option.series[0].rules, option.all_rules)):
        own = option.series[0] if option.series else None
        if option.kind != "alternating":
            return [Group(own, option)]
        return [Group(own, sub, r, other) for r, (sub, other) in enumerate(series(option))]
    out: list[Group] = []
    for i, ser in enumerate(option.series):
        lo = "" if i == 0 else _month_key(ser.since)
        hi = "9999-99" if i + 1 == len(option.series) else _month_key(option.series[i + 1].since)
        for r, rule in enumerate(ser.rules):
            meetings = tuple(m for m in option.meetings if lo <= m.month < hi
                             and (turn(ser, m.month) or 0) == r)
            if not meetings:
                continue
            rule = dataclasses.replace(rule, duration=p.duration)
            out.append(Group(ser, Option(rank=option.rank, rule=rule, metrics=option.metrics,
                                         usual_times=_usual(p, rule, meetings), burdens=(),
                                         meetings=meetings),
                             r, ser.rules[1 - r] if len(ser.rules) == 2 else None))
    return out


def series_uid(p: Partnership, reader: School | None, series: Series | None,
               index: int = 0) -> str:
    """The UID of a series in the feed of ``reader`` (None: the partnership's); ``index``
    1 for rule B of an alternation."""
    return _uid(p, reader, series.tag if series is not None else None, series_index=index)


def meeting_description(p: Partnership, option: Option, m: Meeting,
                        reader: School | None) -> str:
    """The DESCRIPTION of an override: why it moved, or the series' own."""
    return (_moved_description(p, option, m, reader) if m.status == "moved"
            else describe(p, option, reader))


def series_events(p: Partnership, group: Group, reader: School | None,
                  common: dict[str, Any], uid: str | None = None) -> list[Any]:
    """The master of one series (``group.option``: its months, under its rule) and its
    overrides: every RRULE occurrence from the first month to the last (every other
    month for an alternation's rule) is held there, overridden, or an EXDATE. ``uid``:
    the series' UID (default: the reader's feed's)."""
    import icalendar

    option = group.option
    if not option.meetings:
        return []
    rule = option.rule
    zone = _zones.get_zone(rule.anchor)
    uid = uid or series_uid(p, reader, group.series, group.part)
    by_month = {m.month: m for m in option.meetings}
    first, last = option.meetings[0].month, option.meetings[-1].month
    duration = dt.timedelta(minutes=p.duration)
    start = occurrence(rule, first)
    master = icalendar.Event.new(
        uid=uid, start=start.astimezone(zone), end=_end(zone, start + duration),
        description=describe(p, option, reader, group.other), **common)
    rrule: dict[str, Any] = {"freq": "monthly"}
    if group.other is not None:
        rrule["interval"] = 2
    rrule.update(byday=rule.rrule.split("BYDAY=")[1], until=occurrence(rule, last))
    master.add("rrule", rrule)
    overrides = []
    for month in _months(first, last, group.step):
        occ = occurrence(rule, month)
        m = by_month.get(month)
        if m is None or m.start is None or m.end is None:
            master.add("exdate", occ.astimezone(zone))
        elif (m.start, m.end) != (occ, occ + duration):
            overrides.append(icalendar.Event.new(
                uid=uid, recurrence_id=occ.astimezone(zone), start=m.start.astimezone(zone),
                end=_end(zone, m.end), description=meeting_description(p, option, m, reader),
                **common))
    return [master, *overrides]


def span(p: Partnership, option: Option) -> tuple[dt.date, dt.date]:
    """The dates a VTIMEZONE of the option's feeds covers (see :func:`_span`)."""
    return _span(p, option)


def _span(p: Partnership, option: Option) -> tuple[dt.date, dt.date]:
    """The dates the VTIMEZONEs cover: the horizon, and any month kept from an earlier
    horizon."""
    zone = _zones.get_zone(option.rule.anchor)
    dates = [when.astimezone(zone).date() for m in option.meetings
             for when in (m.nominal, m.start) if when]
    return min([p.start, *dates]), max([p.end, *dates])


def build_feeds(plan: Plan, *, option: int = 1, stamp: dt.datetime,
                expand: bool = False) -> dict[str, bytes]:
    """Every feed of option ``option`` as ``{file name: bytes}`` (nothing is written)."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    chosen = plan.option(option)
    p = plan.partnership
    out: dict[str, bytes] = {}
    for school_id, file_name in feed_names(p).items():
        reader = None if school_id is None else p.school(school_id)
        cal = build_calendar(plan, chosen, reader, stamp=stamp, expand=expand)
        out[file_name] = cal.to_ical()
    return out
