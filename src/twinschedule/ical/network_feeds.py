"""Network plan option -> iCalendar feeds (network.md): ``<id>.ics`` with every session
every month, and ``<id>.<school>.ics`` for each school that attends some month, holding
for each session only the months the school attends (EXDATE for the others).

Same rules as the partnership feeds (``render_ics``): ``icalendar`` objects only, one
master VEVENT per session (DTSTART in the anchor zone, RRULE with a UTC UNTIL), a
VTIMEZONE generated from the same tzdata, stable UIDs (``<id>@twinschedule``,
``<id>.<school>@twinschedule``; ``.repeat`` for the repeat session), SEQUENCE from the
network, DTSTAMP given by the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule.i18n.counts import ATTENDED, SCHOOLS, count
from twinschedule.i18n.words import words
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


def _describe(n: Network, rule: Rule, months: tuple[NetworkMonth, ...],
              reader: School | None, repeat: bool) -> str:
    w = words("en")  # English, as the network text; counts in the catalogs' plural forms
    lines = [f"{rule.text}, {n.duration} minutes."
             + (" A repeat session for schools the first one misses." if repeat else "")]
    if reader is None:
        lines.append(f"{count(w, SCHOOLS, len(n.schools))}; attending each month: "
                     + ", ".join(f"{m.month} {len(m.attending)}" for m in months) + ".")
    else:
        zone = _zones.get_zone(reader.timezone)
        attended = [m for m in months if reader.id in m.attending]
        times = sorted({f"{m.start.astimezone(zone):%H:%M}" for m in attended})
        lines.append(f"{reader.name}: {' or '.join(times)} local time ({reader.timezone}), "
                     f"{count(w, ATTENDED, len(months), attended=len(attended))}.")
    if n.description:
        lines += ["", n.description]
    return "\n".join(lines)


def build_calendar(plan: NetworkPlan, option: NetworkOption, reader: School | None, *,
                   stamp: dt.datetime) -> Any:
    """The ``icalendar.Calendar`` of one feed (``reader`` None: the network feed)."""
    import icalendar

    from twinschedule._tz.vtimezone import vtimezone

    n = plan.network
    zone = _zones.get_zone(n.anchor)
    stamp = stamp.astimezone(dt.UTC)
    name = n.name if reader is None else f"{n.name} ({reader.name})"
    name = " ".join(name.split())
    cal = icalendar.Calendar.new(
        prodid=PRODID, calscale="GREGORIAN", method="PUBLISH",
        uid=_uid(n, reader, "").replace("@", ".calendar@"))
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    cal.add("refresh-interval", icalendar.vDuration(dt.timedelta(days=1)),
            parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(dt.timedelta(days=1)))
    cal.add_component(vtimezone(n.anchor, n.start, n.end))
    title = n.title or "Network webinar"
    duration = dt.timedelta(minutes=n.duration)
    for suffix, rule, months in _sessions(option):
        if reader is not None and not any(reader.id in m.attending for m in months):
            continue
        common: dict[str, Any] = {
            "summary": f"{title} (repeat session)" if suffix else title,
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
