"""Network plan option -> iCalendar feeds (network.md): ``<id>.ics`` with every session
every month, and ``<id>.<school>.ics`` for each school that attends some month, holding
for each session only the months the school attends (EXDATE for the others).

Same rules as the partnership feeds (``render_ics``): ``icalendar`` objects only, one
master VEVENT per session (DTSTART in the anchor zone, RRULE with a UTC UNTIL), a
VTIMEZONE generated from the same tzdata, stable UIDs (``<id>@twinschedule``,
``<id>.<school>@twinschedule``; ``.repeat`` for the repeat session), SEQUENCE from the
network, DTSTAMP given by the caller.

Every text is worded for the feed's reader (``i18n``), as the partnership feeds are: a
school's feed in the school's ``language`` (else the network's) and dated in the school's
own calendar (its weekday and dates, which may differ from the anchor's); the network
feed in the network's ``language`` and the anchor's calendar.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule._vocab import WEEKDAYS
from twinschedule.i18n.counts import ATTENDED, SCHOOLS, count
from twinschedule.i18n.words import Words, join_lines, words
from twinschedule.ical.feeds import PRODID, UID_DOMAIN
from twinschedule.ical.feeds import _end as dtend
from twinschedule.model import Network, Rule, School
from twinschedule.network.outputs import NetworkMonth, NetworkOption, NetworkPlan

Sessions = list[tuple[str, Rule, tuple[NetworkMonth, ...]]]


def feed_names(n: Network) -> dict[str | None, str]:
    """File name of every possible feed: ``None`` -> the network feed."""
    names: dict[str | None, str] = {None: f"{n.id}.ics"}
    for s in n.schools:
        names[s.id] = f"{n.id}.{s.id}.ics"
    return names


def _uid(n: Network, reader: School | None, suffix: str) -> str:
    base = n.id if reader is None else f"{n.id}.{reader.id}"
    return f"{base}{suffix}@{UID_DOMAIN}"


def _sessions(option: NetworkOption) -> Sessions:
    out: Sessions = [("", option.rule, option.months)]
    if option.repeat is not None:
        out.append((".repeat", option.repeat.rule, option.repeat.months))
    return out


def _reader_language(n: Network, reader: School | None) -> str:
    return n.language if reader is None else (reader.language or n.language)


def _minutes(when: dt.datetime) -> int:
    return when.hour * 60 + when.minute


def _usual(starts: list[dt.datetime]) -> tuple[int, int]:
    """The most frequent local weekday and start (the earliest on a tie)."""
    days = Counter(s.weekday() for s in starts)
    times = Counter(_minutes(s) for s in starts)
    return (min(days, key=lambda d: (-days[d], d)),
            min(times, key=lambda t: (-times[t], t)))


def _reader_lines(reader: School, months: tuple[NetworkMonth, ...], w: Words) -> list[str]:
    """A school's own lines: its usual local weekday and time, the months it attends,
    the dates (in its own calendar) when its local time differs, the months it misses."""
    zone = _zones.get_zone(reader.timezone)
    attended = [m.start.astimezone(zone) for m in months if reader.id in m.attending]
    day, usual = _usual(attended)
    lines = [w._("{school}: {weekday} at {time} ({zone})", school=reader.name,
                 weekday=w.weekday(WEEKDAYS[day]), time=w.time(usual), zone=reader.timezone),
             w._("Attending: {months}.", months=count(w, ATTENDED, len(months),
                                                      attended=len(attended)))]
    differing: dict[int, list[dt.date]] = {}
    for when in attended:
        if _minutes(when) != usual:
            differing.setdefault(_minutes(when), []).append(when.date())
    if differing:
        lines += ["", w._("Local time differs on these dates:")]
        lines += ["- " + w._(
            "{school}: {time} instead of {usual} on {dates} ({shift}, daylight saving)",
            school=reader.name, time=w.time(t), usual=w.time(usual),
            dates=w.join([w.date(d) for d in dates]), shift=w.shift(t - usual))
            for t, dates in sorted(differing.items())]
    missed = [m.start.astimezone(zone).date() for m in months if reader.id not in m.attending]
    if missed:
        lines += ["", w._("No meeting in: {months}", months=w.join([w.month(d)
                                                                   for d in missed]))]
    return lines


def _describe(n: Network, rule: Rule, months: tuple[NetworkMonth, ...],
              reader: School | None, repeat: bool) -> str:
    """DESCRIPTION in the reader's language (the school's, else the network's), dated in
    the reader's calendar (the school's zone, else the anchor's)."""
    w = words(_reader_language(n, reader))
    lines = [w.capital(w._("{rule}, {duration}.", rule=w.rule(rule),
                           duration=w.minutes(n.duration)))]
    if repeat:
        lines.append(w._("A repeat session for schools the first one misses."))
    if reader is None:
        zone = _zones.get_zone(n.anchor)
        lines.append(w._("{schools}; attending each month: {months}.",
                         schools=count(w, SCHOOLS, len(n.schools)),
                         months=", ".join(w._("{month}: {count}", month=w.short_month(
                             m.start.astimezone(zone).date()), count=len(m.attending))
                             for m in months)))
    else:
        lines += _reader_lines(reader, months, w)
    if n.description:  # free text in any language: isolated in right-to-left feeds
        lines += ["", *(w.isolate(x) if x else x for x in n.description.split("\n"))]
    return join_lines(w, lines)


def build_calendar(plan: NetworkPlan, option: NetworkOption, reader: School | None, *,
                   stamp: dt.datetime) -> Any:
    """The ``icalendar.Calendar`` of one feed (``reader`` None: the network feed)."""
    import icalendar

    from twinschedule._tz.vtimezone import vtimezone

    n = plan.network
    zone = _zones.get_zone(n.anchor)
    stamp = stamp.astimezone(dt.UTC)
    w = words(_reader_language(n, reader))
    name = " ".join(n.name.split())  # a calendar's display name: one line
    if reader is not None:
        name = w._("{partnership} ({school})", partnership=name,
                   school=" ".join(reader.name.split()))
    name = w.line(name)
    cal = icalendar.Calendar.new(
        prodid=PRODID, calscale="GREGORIAN", method="PUBLISH",
        uid=_uid(n, reader, "").replace("@", ".calendar@"))
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    cal.add("refresh-interval", icalendar.vDuration(dt.timedelta(days=1)),
            parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(dt.timedelta(days=1)))
    cal.add_component(vtimezone(n.anchor, n.start, n.end))
    title = n.title or w._("Network webinar")
    duration = dt.timedelta(minutes=n.duration)
    for suffix, rule, months in _sessions(option):
        if reader is not None and not any(reader.id in m.attending for m in months):
            continue
        common: dict[str, Any] = {
            "summary": w.line(w._("{title} (repeat session)", title=title) if suffix
                              else title),
            "stamp": stamp, "sequence": n.sequence}
        if n.location:
            common["location"] = n.location
        first, last = months[0], months[-1]
        master = icalendar.Event.new(
            uid=_uid(n, reader, suffix), start=first.start.astimezone(zone),
            end=dtend(zone, first.start + duration),
            description=_describe(n, rule, months, reader, bool(suffix)), **common)
        master.add("rrule", {"freq": "monthly", "byday": rule.rrule.split("BYDAY=")[1],
                             "until": last.start.astimezone(dt.UTC)})
        if reader is not None:
            for m in months:
                if reader.id not in m.attending:
                    master.add("exdate", m.start.astimezone(zone))
        cal.add_component(master)
    return cal


def build_network_feeds(plan: NetworkPlan, *, option: int = 1,
                        stamp: dt.datetime) -> dict[str, bytes]:
    """Every feed of option ``option`` as ``{file name: bytes}``; a school that attends
    no month of any session gets no feed. Nothing is written."""
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    chosen = plan.option(option)
    n = plan.network
    attending = {sid for _, _, months in _sessions(chosen) for m in months
                 for sid in m.attending}
    out: dict[str, bytes] = {}
    for school_id, file_name in feed_names(n).items():
        if school_id is not None and school_id not in attending:
            continue
        reader = None if school_id is None else n.school(school_id)
        out[file_name] = build_calendar(plan, chosen, reader, stamp=stamp).to_ical()
    return out
