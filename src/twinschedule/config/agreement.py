"""The pieces of an agreement and of invitations that are checked on their own values:
an agreed rule as written (``"3rd TH 18:00 America/Lima"``), whether it is a candidate
over the agreement's dates (agreement.md, planning.md "not a candidate"), and email
addresses. Each function returns a message (what is wrong) or the value; the
partnership loader (``config/partnership.py``) puts the messages at their paths.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from twinschedule._tz import zones as _zones
from twinschedule._vocab import NTH_SPELLINGS, Nth, Weekday, parse_weekday, weekday_index
from twinschedule.model import hhmm

_TIME = re.compile(r"(\d{2}):(\d{2})", re.ASCII)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+", re.ASCII)
_LOCAL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}", re.ASCII)
RULE_FORM = "'<nth> <weekday> <HH:MM> <anchor zone>' such as '3rd TH 18:00 America/Lima'"


def _shown(text: str, limit: int = 60) -> str:
    """A value as echoed in a message: printable, at most ``limit`` characters."""
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                  for ch in text[:limit + 1])
    return out[:limit] + "..." if len(out) > limit else out


class RuleParts(NamedTuple):
    """An agreed rule as read: nth, weekday, minutes after midnight, anchor (unchecked)."""

    nth: Nth
    weekday: Weekday
    time: int
    anchor: str


def read_rule(text: str) -> RuleParts | str:
    """``"3rd TH 18:00 America/Lima"`` -> its parts, or why it cannot be read (the zone
    is checked by the caller, like every zone of the file)."""
    words = text.split()
    if len(words) != 4:
        return f"'{_shown(text)}' is not a rule {RULE_FORM}"
    nth_text, day_text, time_text, anchor = words
    nth = NTH_SPELLINGS.get(nth_text.lower())
    weekday = parse_weekday(day_text)
    m = _TIME.fullmatch(time_text)
    if nth is None:
        why = f"'{_shown(nth_text, 20)}' is not an nth of the month: use 1st, 2nd, 3rd, 4th or last"
    elif weekday is None:
        why = f"'{_shown(day_text, 20)}' is not a weekday: use MO TU WE TH FR SA SU"
    elif m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        why = f"'{_shown(time_text, 20)}' is not a time of day 'HH:MM' (00:00 to 23:59)"
    else:
        return RuleParts(nth=nth, weekday=weekday,
                         time=int(m.group(1)) * 60 + int(m.group(2)), anchor=anchor)
    return f"'{_shown(text)}' is not a rule {RULE_FORM}: {why}"


def nominal_dates(parts: RuleParts, first: dt.date, last: dt.date) -> list[dt.date]:
    """The rule's nominal dates from ``first`` to ``last`` (one per month at most)."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        d = _nth_weekday(y, m, weekday_index(parts.weekday), parts.nth)
        if first <= d <= last:
            out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    if nth > 0:
        first = dt.date(year, month, 1).weekday()
        return dt.date(year, month, 1 + (weekday - first) % 7 + 7 * (nth - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def not_a_candidate(parts: RuleParts, duration: int, first: dt.date,
                    last: dt.date) -> str | None:
    """Why the rule is not a candidate on its nominal dates from ``first`` to ``last``
    (a start that does not exist or exists twice in the anchor zone, or a meeting that
    spans a change of its UTC offset), None when it is one."""
    zone = _zones.get_zone(parts.anchor)
    for d in nominal_dates(parts, first, last):
        local = dt.datetime(d.year, d.month, d.day, parts.time // 60, parts.time % 60)
        kind = _zones.resolve(zone, local)
        when = f"{hhmm(parts.time)} on {d.isoformat()}"
        if kind == "gap":
            return (f"{when} does not exist in {parts.anchor} (the clocks go forward); "
                    f"calendar programs disagree on such times: agree on another time")
        if kind == "fold":
            return (f"{when} happens twice in {parts.anchor} (the clocks go back); "
                    f"calendar programs disagree on such times: agree on another time")
        start = local.replace(tzinfo=zone).astimezone(dt.UTC)
        end = start + dt.timedelta(minutes=duration)
        if start.astimezone(zone).utcoffset() != (
                end - dt.timedelta(microseconds=1)).astimezone(zone).utcoffset():
            return (f"a {duration}-minute meeting at {when} spans a change of "
                    f"{parts.anchor}'s UTC offset; agree on another time")
    return None


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an email address ``local@domain.tld``, None when it is one
    (dot-atom local part and an ASCII domain name, as mail servers accept them)."""
    shown = address if len(address) <= 60 else address[:57] + "..."
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return f"'{shown}' is not an email address (name@example.org)"
    if (not _LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".")
            or ".." in local):
        return f"'{shown}' is not an email address: '{local[:40]}' before the @ is not valid"
    if len(domain) > 253 or not _DOMAIN.fullmatch(domain):
        return (f"'{shown}' is not an email address: '{domain[:40]}' after the @ is not a "
                f"domain name")
    return None
