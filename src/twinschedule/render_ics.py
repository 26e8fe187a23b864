"""Plan option -> iCalendar feeds: one for the partnership, one per school.

Built with ``icalendar`` objects only. One master VEVENT (DTSTART in the anchor zone,
RRULE with a UTC UNTIL), an EXDATE per skipped month, a RECURRENCE-ID override per
moved month, a VTIMEZONE generated from the same tzdata that planned the meetings,
stable UIDs, SEQUENCE from the partnership, DTSTAMP given by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from . import _zones
from .model import Partnership, School, hhmm
from .outputs import Meeting, Option, Plan

PRODID = "-//twinschedule//twinschedule 0.1.0//EN"
UID_DOMAIN = "twinschedule"


def _and(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def feed_names(p: Partnership) -> dict[str | None, str]:
    """File name of every feed: ``None`` -> the partnership feed, school id -> its feed."""
    names: dict[str | None, str] = {None: f"{p.id}.ics"}
    for s in p.schools:
        names[s.id] = f"{p.id}.{s.id}.ics"
    return names


def _uid(p: Partnership, reader: School | None, month: str | None = None) -> str:
    base = p.id if reader is None else f"{p.id}.{reader.id}"
    if month is not None:
        base += f".{month}"
    return f"{base}@{UID_DOMAIN}"


def _summary(p: Partnership, reader: School | None) -> str:
    title = p.title or "Partnership meeting"
    if reader is None:
        return f"{title}: {_and([s.name for s in p.schools])}"
    partners = [s.name for s in p.schools if s.id != reader.id]
    return f"{title} with {_and(partners)}"


def _ordered(p: Partnership, reader: School | None) -> list[School]:
    if reader is None:
        return list(p.schools)
    return [reader, *[s for s in p.schools if s.id != reader.id]]


def _minutes(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def describe(p: Partnership, option: Option, reader: School | None) -> str:
    """The master event's DESCRIPTION: the rule in words, each school's usual local time,
    the dates when a school's local time differs, and the partnership's description."""
    lines = [f"{option.rule.text}, {p.duration} minutes.", ""]
    lines.append("Local times:")
    exceptions: list[str] = []
    for s in _ordered(p, reader):
        usual = option.usual_time(s.id)
        lines.append(f"- {s.name}: {hhmm(usual)} ({s.timezone})")
        differing: dict[int, list[dt.date]] = {}
        for m in option.meetings:
            when = m.local_start(s.id)
            if when is not None and _minutes(when) != usual:
                differing.setdefault(_minutes(when), []).append(when.date())
        for t, dates in sorted(differing.items()):
            delta = t - usual
            shift = f"{'+' if delta > 0 else '-'}{hhmm(abs(delta))}"
            exceptions.append(f"- {s.name}: {hhmm(t)} instead of {hhmm(usual)} on "
                              f"{_and([_day(d) for d in dates])} ({shift}, daylight saving)")
    if exceptions:
        lines += ["", "Local time differs on these dates:", *exceptions]
    skipped = [m for m in option.meetings if m.status == "skipped"]
    if skipped:
        anchor = _zones.get_zone(option.rule.anchor)
        lines += ["", "No meeting in: " + _and([f"{m.nominal.astimezone(anchor):%B %Y}"
                                                for m in skipped])]
    if p.description:
        lines += ["", p.description]
    return "\n".join(lines)


def _why(p: Partnership, m: Meeting) -> str:
    """"Mashujaa Day at Moi Forces Academy; outside term at A and B"."""
    names = {s.id: s.name for s in p.schools}
    by_text: dict[str, list[str]] = {}
    for r in m.reasons:
        text = "outside term" if r.reason == "outside-term" else r.detail
        by_text.setdefault(text, []).append(names[r.school])
    return "; ".join(f"{text} at {_and(list(dict.fromkeys(who)))}"
                     for text, who in by_text.items())


def _moved_description(p: Partnership, option: Option, m: Meeting, reader: School | None) -> str:
    anchor = _zones.get_zone(option.rule.anchor)
    nominal = m.nominal.astimezone(anchor)
    lines = [f"Moved from {nominal.day} {nominal:%b}: {_why(p, m)}.", ""]
    for s in _ordered(p, reader):
        when = m.local_start(s.id)
        if when is not None:
            lines.append(f"- {s.name}: {when:%A} {_day(when.date())} at {when:%H:%M}")
    if p.description:
        lines += ["", p.description]
    return "\n".join(lines)


def _calendar(p: Partnership, reader: School | None, option: Option) -> Any:
    import icalendar

    from ._vtimezone import vtimezone

    name = p.name if reader is None else f"{p.name} ({reader.name})"
    name = " ".join(name.split())  # a calendar's display name: one line
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
    cal.add_component(vtimezone(option.rule.anchor, p.start, p.end))
    return cal


def _end(zone: Any, end: dt.datetime) -> dt.datetime:
    """DTEND in the anchor zone, or in UTC when that wall time is ambiguous or missing."""
    local = end.astimezone(zone)
    if _zones.resolve(zone, local.replace(tzinfo=None)) != "unambiguous":
        return end.astimezone(dt.UTC)
    return local


def build_calendar(plan: Plan, option: Option, reader: School | None, *, stamp: dt.datetime,
                   expand: bool = False) -> Any:
    """The ``icalendar.Calendar`` of one feed (``reader`` None: the partnership feed)."""
    import icalendar

    p = plan.partnership
    zone = _zones.get_zone(option.rule.anchor)
    stamp = stamp.astimezone(dt.UTC)
    cal = _calendar(p, reader, option)
    summary = _summary(p, reader)
    common: dict[str, Any] = {"summary": summary, "stamp": stamp, "sequence": p.sequence}
    if p.location:
        common["location"] = p.location
    held = [m for m in option.meetings if m.start is not None and m.end is not None]
    if expand:
        for m in held:
            assert m.start is not None and m.end is not None
            desc = (_moved_description(p, option, m, reader) if m.status == "moved"
                    else describe(p, option, reader))
            cal.add_component(icalendar.Event.new(
                uid=_uid(p, reader, m.month), start=m.start.astimezone(zone),
                end=_end(zone, m.end), description=desc, **common))
        return cal
    first, last = option.meetings[0], option.meetings[-1]
    duration = dt.timedelta(minutes=p.duration)
    master = icalendar.Event.new(
        uid=_uid(p, reader), start=first.nominal.astimezone(zone),
        end=_end(zone, first.nominal + duration), description=describe(p, option, reader),
        **common)
    master.add("rrule", {"freq": "monthly", "byday": option.rule.rrule.split("BYDAY=")[1],
                         "until": last.nominal.astimezone(dt.UTC)})
    for m in option.meetings:
        if m.status == "skipped":
            master.add("exdate", m.nominal.astimezone(zone))
    cal.add_component(master)
    for m in option.meetings:
        if m.status != "moved":
            continue
        assert m.start is not None and m.end is not None
        cal.add_component(icalendar.Event.new(
            uid=_uid(p, reader), recurrence_id=m.nominal.astimezone(zone),
            start=m.start.astimezone(zone), end=_end(zone, m.end),
            description=_moved_description(p, option, m, reader), **common))
    return cal


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
