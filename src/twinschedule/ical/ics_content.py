"""An imported iCalendar file as content lines and components, and the values read
without a zone (TEXT, DURATION).

The file is split here, as RFC 5545 section 3.1 says: lines unfolded, ``BEGIN``/``END``
nesting, each line's name, parameters and value. Only the properties the importer reads
(``READ``) are kept; others are skipped unparsed, whatever they hold. Every value is
decoded by the ``icalendar`` package: TEXT by its unescaping (``unescape_backslash``),
DURATION by ``vDuration`` (dates and date-times need a zone: ``ics_zones``).

A malformed part of one event raises :class:`Fault`, whose message names the part
(never the library); the importer places it (file, line, UID, SUMMARY).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from icalendar.parser import unescape_backslash

from twinschedule.errors import ConfigError, Problem


class Fault(Exception):
    """A malformed part of one event (the message names the part, never the library)."""


def fail(message: str) -> ConfigError:
    """The error refusing a file (without a path: the caller adds it)."""
    return ConfigError([Problem(path="", message=message)])


def printable(text: str, limit: int) -> str:
    """Text from the file as shown in a message: spaces collapsed, other non-printable
    characters escaped, at most ``limit`` characters."""
    text = " ".join(text[:4 * limit].split())
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


# Exchange writes display names unquoted, colon included: TZID=(UTC-05:00) Eastern ...
_DISPLAY_TZID = re.compile(r"(TZID=)(\((?:UTC|GMT)[^)]*\)[^:;\"]*)([;:])", re.IGNORECASE)


@dataclass(slots=True)
class Line:
    name: str
    raw: str  # the unfolded line
    number: int  # physical line number of its start (1-based)


# The properties read at all (others are skipped unparsed, whatever they hold).
READ = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
                  "RECURRENCE-ID", "UID", "SUMMARY", "STATUS", "TRANSP", "TZID",
                  "CALSCALE"})
_HEAD = re.compile(r"[A-Za-z0-9-]+(?=[;:])")


@dataclass(slots=True)
class Component:
    name: str
    line: int
    end: int = 0  # line of its END (0 when the file never closes it)
    props: dict[str, list[Line]] = field(default_factory=dict)
    children: list[Component] = field(default_factory=list)
    uid: str | None = None  # the UID's text, once read (``uid``)

    def first(self, name: str) -> Line | None:
        found = self.props.get(name)
        return found[0] if found else None

    def every(self, name: str) -> list[Line]:
        return self.props.get(name, [])


def physical_lines(text: str) -> list[str]:
    """The physical lines of ``text`` (CRLF, CR or LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def components(lines: list[str]) -> Component:
    """The VCALENDAR of a file's physical ``lines`` as a tree of components of the
    content lines read."""
    root = Component(name="", line=0)
    stack = [root]
    n = len(lines)
    i = 0
    head = _HEAD.match
    while i < n:
        line = lines[i]
        number = i + 1
        i += 1
        m = head(line)
        if m is None:
            continue  # a continuation of a skipped line, or not a content line
        name = m.group().upper()
        if name == "BEGIN":
            comp = Component(name=line[6:].strip().upper(), line=number)
            stack[-1].children.append(comp)
            stack.append(comp)
            continue
        if name == "END":
            value = line[4:].strip().upper()
            if len(stack) > 1 and stack[-1].name == value:
                stack.pop().end = number
            elif any(c.name == value for c in stack[1:]):
                while stack[-1].name != value:
                    stack.pop()
                stack.pop().end = number
            continue
        if name not in READ:
            continue
        raw = line
        while i < n and lines[i][:1] in (" ", "\t") and lines[i]:
            raw += lines[i][1:]
            i += 1
        stack[-1].props.setdefault(name, []).append(Line(name=name, raw=raw, number=number))
    cals = [c for c in root.children if c.name == "VCALENDAR"]
    if not cals:
        raise fail("not an iCalendar file (no BEGIN:VCALENDAR)")
    return cals[0]


def parts(line: Line) -> tuple[dict[str, str], str]:
    """Parameters (upper-case names, unquoted values) and the value of a content line."""
    raw = line.raw[len(line.name):]
    if raw.startswith(";") and "TZID=(" in raw.upper():
        raw = _DISPLAY_TZID.sub(lambda m: f'{m.group(1)}"{m.group(2)}"{m.group(3)}', raw,
                                count=1)
    params: dict[str, str] = {}
    i = 0
    while i < len(raw) and raw[i] == ";":
        j = i + 1
        eq = raw.find("=", j)
        if eq < 0:
            raise Fault(f"{line.name} has a malformed parameter")
        key = raw[j:eq].strip().upper()
        k = eq + 1
        if raw[k:k + 1] == '"':
            end = raw.find('"', k + 1)
            if end < 0:
                raise Fault(f"{line.name} has an unclosed quote")
            value = raw[k + 1:end]
            k = end + 1
        else:
            end = k
            while end < len(raw) and raw[end] not in ";:":
                end += 1
            value = raw[k:end]
            k = end
        params[key] = value
        i = k
    if i >= len(raw) or raw[i] != ":":
        raise Fault(f"{line.name} has no value")
    return params, raw[i + 1:]


def value_line(line: Line, params: dict[str, str], value: str) -> Line:
    """One value of a list as a line of its own (the same name and parameters)."""
    return Line(name=line.name, number=line.number,
                raw=line.name + "".join(f';{k}="{v}"' for k, v in params.items())
                + ":" + value)


def text(line: Line | None) -> str:
    """A TEXT value, unescaped by ``icalendar``'s own function (``\\\\`` is one backslash,
    ``\\,`` a comma, ``\\n`` a line break)."""
    if line is None:
        return ""
    try:
        _, value = parts(line)
    except Fault:
        return ""
    return str(unescape_backslash(value))


def summary(ev: Component) -> str:
    """The SUMMARY as a name on one line (a line break in it reads as a space)."""
    return " ".join(text(ev.first("SUMMARY")).split("\n")).strip()


def uid(ev: Component) -> str:
    """The UID's text (read once per event)."""
    if ev.uid is None:
        ev.uid = text(ev.first("UID")).strip()
    return ev.uid


def recurs(ev: Component) -> bool:
    """Whether an event has recurrence lines (an empty ``RRULE:`` is none)."""
    return bool(ev.first("RDATE")) or any(
        rule.raw.partition(":")[2].strip() for rule in ev.every("RRULE"))


def duration(line: Line, what: str = "DURATION") -> dt.timedelta:
    """A DURATION value (``what`` names it in a fault)."""
    from icalendar.prop import vDuration

    _, value = parts(line)
    try:
        got = vDuration.from_ical(value.strip())  # type: ignore[no-untyped-call]
    except Exception:
        got = None
    if not isinstance(got, dt.timedelta):
        raise Fault(f"{what} '{printable(value, 40)}' is not a duration")
    return got
