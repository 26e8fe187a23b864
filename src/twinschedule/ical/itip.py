"""Invitations by email (agreement.md): iTIP (RFC 5546) messages carried by iMIP
(RFC 6047), one per contact of every school, built with the standard library's
``email`` package and ``icalendar`` objects.

- Without a previous plan: a ``METHOD:REQUEST`` of the whole series of option 1 (each
  series of the option in its own message: one UID per iTIP object), as the feeds
  hold it (master, overrides, EXDATEs, VTIMEZONEs), under the partnership's UIDs so
  that every attendee of one meeting shares one UID.
- With a previous plan: only what changed. A new rule or series, or months added or
  removed: a REQUEST of the whole series again (a CANCEL of a series that is gone). Else
  per month: a REQUEST of the occurrence (``RECURRENCE-ID`` = its start under the
  series' rule) for a moved or restored month, a ``METHOD:CANCEL`` of it
  (``STATUS:CANCELLED``) for a newly skipped one. Nothing changed: no message.

Every component carries ``ORGANIZER``, an ``ATTENDEE`` for every contact of every
school, the plan's SEQUENCE and the caller's DTSTAMP; SUMMARY, DESCRIPTION, the subject
and the plain-text body are worded for the contact (its ``language``, else its
school's, else the partnership's) in its school's local calendar.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule.core.agreement import changes as _changes
from twinschedule.core.changes import say
from twinschedule.core.plan import Change, Option, Plan, Series
from twinschedule.core.previous import Previous
from twinschedule.errors import ConfigError, Problem
from twinschedule.i18n.words import Words, join_lines, words
from twinschedule.ical.feeds import (
    PRODID,
    describe,
    end_in,
    meeting_description,
    occurrence,
    series_events,
    series_groups,
    series_uid,
    span,
    summary,
)
from twinschedule.model import Contact, Partnership, School

#: Changes that alter a series' master (its RRULE, DTSTART or UNTIL): the whole series
#: is sent again rather than occurrence by occurrence.
SERIES_CHANGES = ("rule-changed", "added", "removed")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Letter:
    """One message for one contact: its school's id, the file name it is written under
    (``<email>.eml``, ``<email>.<YYYY-MM>.eml`` for a month, ``<email>.<tag>.eml`` for
    a later series) and the email itself."""

    school: str
    name: str
    message: EmailMessage


@dataclass(frozen=True, slots=True, kw_only=True)
class _Reader:
    """Who a message is for: the contact, its school (language set for wording)."""

    contact: Contact
    school: School
    words: Words


def check(p: Partnership) -> None:
    """``ConfigError`` when invitations cannot be sent: no organizer, no contact."""
    problems = []
    if p.organizer is None:
        problems.append(Problem(path="partnership.organizer", message=(
            "required to send invitations: organizer = { name = \"...\", email = \"...\" }")))
    if not any(s.contacts for s in p.schools):
        problems.append(Problem(path="schools", message=(
            "no school has contacts to invite: contacts = [{ name = \"...\", "
            "email = \"...\" }] in a [[schools]] table")))
    if problems:
        raise ConfigError(problems)


def _readers(p: Partnership) -> list[_Reader]:
    out = []
    for s in p.schools:
        for c in s.contacts:
            lang = c.language or s.language or p.language
            out.append(_Reader(contact=c, school=dataclasses.replace(s, language=lang),
                               words=words(lang)))
    return out


def _address(c: Contact) -> Any:
    import icalendar

    return icalendar.vCalAddress.new(c.email, cn=c.name or None)


def _common(plan: Plan, reader: _Reader, stamp: dt.datetime) -> dict[str, Any]:
    import icalendar

    p = plan.partnership
    assert p.organizer is not None
    attendees = [icalendar.vCalAddress.new(c.email, cn=c.name or None,
                                           role="REQ-PARTICIPANT", partstat="NEEDS-ACTION",
                                           rsvp=True)
                 for s in p.schools for c in s.contacts]
    out: dict[str, Any] = {"summary": summary(p, reader.school), "stamp": stamp,
                           "sequence": plan.feed_sequence(),
                           "organizer": _address(p.organizer), "attendees": attendees}
    if p.location:
        out["location"] = p.location
    return out


def _calendar(p: Partnership, method: str, uid: str, option: Option | None,
              events: list[Any]) -> bytes:
    import icalendar

    from twinschedule._tz.vtimezone import vtimezone

    cal = icalendar.Calendar.new(prodid=PRODID, calscale="GREGORIAN", method=method,
                                 uid=uid.replace("@", f".{method.lower()}@"))
    if option is not None:  # the zone of every TZID used, over the option's dates
        lo, hi = span(p, option)
        cal.add_component(vtimezone(option.rule.anchor, lo, hi))
    for event in events:
        cal.add_component(event)
    return bytes(cal.to_ical())


def _message(p: Partnership, reader: _Reader, subject: str, body: list[str],
             method: str, ics: bytes, stamp: dt.datetime, key: str) -> EmailMessage:
    """The iMIP email: From the organizer, To the contact, a text/plain body and the
    iCalendar object as a text/calendar alternative with its method."""
    assert p.organizer is not None
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address(p.organizer.name, addr_spec=p.organizer.email)
    msg["To"] = Address(reader.contact.name, addr_spec=reader.contact.email)
    msg["Subject"] = " ".join(subject.split())
    msg["Date"] = format_datetime(stamp)
    digest = hashlib.sha256(f"{key}\0{reader.contact.email}\0{stamp.isoformat()}".encode())
    msg["Message-ID"] = f"<{digest.hexdigest()[:32]}@{p.organizer.email.rpartition('@')[2]}>"
    msg.set_content(join_lines(reader.words, body) + "\n", cte="quoted-printable")
    msg.add_alternative(ics, maintype="text", subtype="calendar",
                        params={"method": method, "charset": "UTF-8"})
    return msg


def _stem(email: str) -> str:
    return _UNSAFE.sub("_", email)


def _title(p: Partnership, w: Words) -> str:
    return p.title or w._("Partnership meeting")


def _change_lines(p: Partnership, items: list[Change], reader: _Reader) -> list[str]:
    own = (reader.school, *[s for s in p.schools if s.id != reader.school.id])
    lines = []
    for c in items:
        head, rest = say(p, c, reader.words, own)
        lines += ["- " + head, *("  " + x for x in rest)]
    return lines


def _series_letters(plan: Plan, option: Option, reader: _Reader, stamp: dt.datetime,
                    diff: tuple[Change, ...] | None) -> list[Letter]:
    """A REQUEST of every series of ``option`` (one message each)."""
    p = plan.partnership
    w = reader.words
    out = []
    for group in series_groups(p, option):
        series, sub = group.series, group.option
        uid = series_uid(p, None, series, group.part)
        events = series_events(p, group, reader.school, _common(plan, reader, stamp), uid=uid)
        if not events:
            continue
        assert p.organizer is not None
        who = p.organizer.name or p.organizer.email
        if diff is None:
            head = [w._("{organizer} invites you to the monthly meeting of {partnership}.",
                        organizer=who, partnership=p.name)]
            subject = w._("Invitation: {title}", title=_title(p, w))
        else:
            head = [w._("{organizer} has changed the monthly meeting of {partnership}:",
                        organizer=who, partnership=p.name),
                    *_change_lines(p, list(diff), reader)]
            subject = w._("Updated invitation: {title}", title=_title(p, w))
        body = [*head, "", *describe(p, sub, reader.school, group.other).split("\n"), "",
                w._("Your calendar program can add this to your calendar and send your "
                    "answer.")]
        ics = _calendar(p, "REQUEST", uid, sub, events)
        tag = f".{series.tag}" if series is not None and series.tag else ""
        tag += ".b" if group.part else ""
        name = f"{_stem(reader.contact.email)}{tag}.eml"
        out.append(Letter(school=reader.school.id, name=name, message=_message(
            p, reader, subject, body, "REQUEST", ics, stamp, f"{uid}{tag}")))
    return out


def _month_letter(plan: Plan, option: Option, change: Change, reader: _Reader,
                  stamp: dt.datetime) -> Letter | None:
    """A REQUEST of a moved or restored month's occurrence, or a CANCEL of a newly
    skipped one."""
    import icalendar

    p = plan.partnership
    w = reader.words
    month = change.month or ""
    for group in series_groups(p, option):
        sub = group.option
        m = next((x for x in sub.meetings if x.month == month), None)
        if m is None:
            continue
        uid = series_uid(p, None, group.series, group.part)
        zone = _zones.get_zone(sub.rule.anchor)
        occ = occurrence(sub.rule, month)
        common = _common(plan, reader, stamp)
        if m.start is not None and m.end is not None:
            method = "REQUEST"
            event = icalendar.Event.new(
                uid=uid, recurrence_id=occ.astimezone(zone), start=m.start.astimezone(zone),
                end=end_in(zone, m.end),
                description=meeting_description(p, sub, m, reader.school), **common)
            subject = w._("Changed: {title}, {month}", title=_title(p, w),
                          month=w.month(month))
        else:
            method = "CANCEL"
            end = occ + dt.timedelta(minutes=p.duration)
            event = icalendar.Event.new(
                uid=uid, recurrence_id=occ.astimezone(zone), start=occ.astimezone(zone),
                end=end_in(zone, end), status=icalendar.STATUS.CANCELLED, **common)
            subject = w._("Cancelled: {title}, {month}", title=_title(p, w),
                          month=w.month(month))
        assert p.organizer is not None
        body = [w._("{organizer} has changed the monthly meeting of {partnership}:",
                    organizer=p.organizer.name or p.organizer.email, partnership=p.name),
                *_change_lines(p, [change], reader)]
        ics = _calendar(p, method, uid, sub, [event])
        return Letter(school=reader.school.id,
                      name=f"{_stem(reader.contact.email)}.{month}.eml",
                      message=_message(p, reader, subject, body, method, ics, stamp,
                                       f"{uid}.{month}.{method}"))
    return None


def _gone_letters(plan: Plan, previous: Previous, reader: _Reader,
                  stamp: dt.datetime) -> list[Letter]:
    """A CANCEL of each previously published series that the option no longer has."""
    import icalendar

    p = plan.partnership
    w = reader.words
    now = {s.tag for s in plan.option(1).series} or {None}
    out = []
    for series, index in ((s, i) for s in previous.series for i in range(len(s.rules))):
        if series.tag in now:
            continue
        uid = series_uid(p, None, series, index)
        event = icalendar.Event.new(uid=uid, status=icalendar.STATUS.CANCELLED,
                                    **_common(plan, reader, stamp))
        ics = _calendar(p, "CANCEL", uid, None, [event])
        subject = w._("Cancelled: {title}, {month}", title=_title(p, w),
                      month=w.month(series.since))
        out.append(Letter(school=reader.school.id,
                          name=f"{_stem(reader.contact.email)}.{series.tag}"
                               f"{'.b' if index else ''}.cancel.eml",
                          message=_message(p, reader, subject, [subject], "CANCEL", ics,
                                           stamp, f"{uid}.CANCEL")))
    return out


def letters(plan: Plan, previous: Previous | None = None, *,
            stamp: dt.datetime) -> list[Letter]:
    """Every message, contact by contact (school order, then contact order), each
    contact's in the order they must be applied. ``ConfigError`` without organizer or
    contacts; no message for an infeasible plan or when nothing changed."""
    p = plan.partnership
    check(p)
    if not plan.options:
        return []
    option = plan.option(1)
    stamp = stamp.astimezone(dt.UTC)
    diff = None if previous is None else _changes(previous, option)
    if diff is not None and not diff:
        return []
    whole = diff is None or any(c.change in SERIES_CHANGES for c in diff) or (
        previous is not None and [s.tag for s in previous.series]
        != [s.tag for s in option.series or (Series(rules=(), since=p.start),)])
    out: list[Letter] = []
    for reader in _readers(p):
        if whole:
            out += _series_letters(plan, option, reader, stamp, diff)
            if previous is not None:
                out += _gone_letters(plan, previous, reader, stamp)
            continue
        for change in diff or ():
            letter = _month_letter(plan, option, change, reader, stamp)
            if letter is not None:
                out.append(letter)
    return out
