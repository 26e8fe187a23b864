"""A school's section and the partnership's settings as HTML form fields, and back.

Lists are written one item a line (terms, closures, busy times, contacts) or separated
by commas (hours, holidays); every value is passed to the library as written, so its
checks (and their messages) are those of the command line. The form keeps the keys it
does not show. A problem's path (``schools[1] (nairobi).terms[0].from``) is placed at
its field (``terms``) with the rest of the path in front of the message (``line 1:
from: ...``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKS = ("1", "2", "3", "4", "-1")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}$")
_SPAN = re.compile(r"(\S+?)-(\S+)$")
_CONTACT = re.compile(r"(?P<name>[^<]*?)\s*<(?P<email>[^>]*)>\s*(?P<language>\S*)\s*$")
_SCHOOL_PATH = re.compile(r"schools\[\d+\](?: \([^)]*\))?\.?")

#: Fields of a school's form that are plain text (key -> label).
SCHOOL_TEXT = {"name": "Name", "timezone": "Time zone", "country": "Country (ISO code)",
               "subdivision": "Subdivision", "prefer": "Preferred start (HH:MM)",
               "language": "Language of its feed (BCP 47)"}
#: Fields holding comma-separated lists.
SCHOOL_COMMAS = {"hours": "Meeting hours", "stretch": "Stretch hours (now and then)",
                 "holidays": "Holiday categories"}
#: Fields holding one item a line.
SCHOOL_LINES = {"terms": "Terms", "closures": "Closures", "busy": "Busy times",
                "contacts": "Contacts (invitations)"}
SETTINGS_TEXT = {"name": "Name", "id": "Id (used in calendar UIDs and file names)",
                 "start": "First day (YYYY-MM-DD)", "end": "Last day (YYYY-MM-DD)",
                 "duration": "Minutes per meeting", "title": "Title of the events",
                 "location": "Location", "description": "Description",
                 "anchor": "Anchor time zone", "step": "Minutes between candidate times",
                 "max_move_days": "Largest move in days", "top": "Options to show",
                 "language": "Language (BCP 47)", "sequence": "SEQUENCE floor"}
_INTEGERS = {"duration", "step", "max_move_days", "top", "sequence"}


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _commas(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def _lines(value: str) -> list[str]:
    return [x.strip() for x in value.splitlines() if x.strip()]


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if value in ("", [], {}, None):
        data.pop(key, None)
    else:
        data[key] = value


def _number(value: str) -> Any:
    return int(value) if re.fullmatch(r"-?\d{1,9}", value) else value


def _range(line: str) -> dict[str, Any]:
    """``FROM TO name`` (a range) or ``DAY name`` (one day)."""
    words = line.split(maxsplit=2)
    if len(words) >= 2 and _DATE.match(words[1]):
        out = {"from": words[0], "to": words[1]}
        rest = words[2] if len(words) > 2 else ""
    else:
        out = {"on": words[0]}
        rest = line.split(maxsplit=1)[1] if len(words) > 1 else ""
    if rest:
        out["name"] = rest
    return out


def _term(line: str) -> dict[str, Any]:
    words = line.split(maxsplit=2)
    out = {"from": words[0]}
    if len(words) > 1:
        out["to"] = words[1]
    if len(words) > 2:
        out["name"] = words[2]
    return out


def _busy(line: str) -> dict[str, Any]:
    """``DATE HH:MM-HH:MM name`` or ``MO,TU HH:MM-HH:MM name``."""
    words = line.split(maxsplit=2)
    out: dict[str, Any] = {"on": words[0]} if _DATE.match(words[0]) else {
        "every": _commas(words[0])}
    if len(words) > 1:
        span = _SPAN.match(words[1])
        out.update({"from": span.group(1), "to": span.group(2)} if span else
                   {"from": words[1]})
    if len(words) > 2:
        out["name"] = words[2]
    return out


def _contact(line: str) -> dict[str, Any]:
    """``Name <email> language``."""
    m = _CONTACT.match(line)
    if m is None:
        return {"name": line}
    out = {"name": m["name"], "email": m["email"]}
    if m["language"]:
        out["language"] = m["language"]
    return out


_PARSE = {"terms": _term, "closures": _range, "busy": _busy, "contacts": _contact}


def school_from_form(form: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """The section a school's form describes (keys the form does not show are kept)."""
    data = dict(old)
    for key in SCHOOL_TEXT:
        _set(data, key, _text(form, key))
    for key in SCHOOL_COMMAS:
        _set(data, key, _commas(_text(form, key)))
    for key, parse in _PARSE.items():
        _set(data, key, [parse(line) for line in _lines(_text(form, key))])
    days = [d for d in WEEKDAYS if form.get(f"days.{d}")]
    _set(data, "days", days if form.get("days.shown") else data.get("days"))
    by_day = {d: _commas(_text(form, f"hours_by_day.{d}")) for d in WEEKDAYS}
    _set(data, "hours_by_day", {d: w for d, w in by_day.items() if w})
    return data


def _show_range(item: Mapping[str, Any]) -> str:
    head = [str(item.get("on", ""))] if "on" in item else [str(item.get("from", "")),
                                                          str(item.get("to", ""))]
    return " ".join([*head, str(item.get("name", ""))]).strip()


def _show_busy(item: Mapping[str, Any]) -> str:
    when = str(item["on"]) if "on" in item else ",".join(map(str, item.get("every", [])))
    return f"{when} {item.get('from', '')}-{item.get('to', '')} {item.get('name', '')}".strip()


def _show_contact(item: Mapping[str, Any]) -> str:
    return f"{item.get('name', '')} <{item.get('email', '')}> {item.get('language', '')}".strip()


def _show_item(key: str, item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item)
    if key == "busy":
        return _show_busy(item)
    if key == "contacts":
        return _show_contact(item)
    return _show_range(item)


def school_to_form(data: Mapping[str, Any]) -> dict[str, str]:
    """The form fields' values for a stored section."""
    out = {key: str(data.get(key, "")) for key in SCHOOL_TEXT}
    for key in SCHOOL_COMMAS:
        value = data.get(key, [])
        out[key] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    for key in _PARSE:
        value = data.get(key, [])
        out[key] = "\n".join(_show_item(key, v) for v in value) \
            if isinstance(value, list) else str(value)
    days = data.get("days")
    for d in WEEKDAYS:
        out[f"days.{d}"] = "on" if isinstance(days, list) and d in days else ""
    by_day = data.get("hours_by_day", {})
    for d in WEEKDAYS:
        value = by_day.get(d, []) if isinstance(by_day, Mapping) else []
        out[f"hours_by_day.{d}"] = ", ".join(map(str, value))
    return out


def settings_from_form(form: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[partnership]`` table the settings form describes."""
    data = dict(old)
    for key in SETTINGS_TEXT:
        value = _text(form, key)
        _set(data, key, _number(value) if key in _INTEGERS else value)
    _set(data, "weekdays", [d for d in WEEKDAYS if form.get(f"weekdays.{d}")])
    _set(data, "weeks", [int(w) for w in WEEKS if form.get(f"weeks.{w}")])
    _set(data, "on_conflict", _text(form, "on_conflict"))
    name, email = _text(form, "organizer.name"), _text(form, "organizer.email")
    _set(data, "organizer", {k: v for k, v in (("name", name), ("email", email)) if v})
    return data


def settings_to_form(data: Mapping[str, Any]) -> dict[str, str]:
    out = {key: str(data.get(key, "")) for key in SETTINGS_TEXT}
    for d in WEEKDAYS:
        out[f"weekdays.{d}"] = "on" if d in data.get("weekdays", []) else ""
    for w in WEEKS:
        out[f"weeks.{w}"] = "on" if int(w) in data.get("weeks", []) else ""
    out["on_conflict"] = str(data.get("on_conflict", ""))
    organizer = data.get("organizer", {})
    organizer = organizer if isinstance(organizer, Mapping) else {}
    out["organizer.name"] = str(organizer.get("name", ""))
    out["organizer.email"] = str(organizer.get("email", ""))
    return out


def place(path: str, *, school: bool) -> tuple[str, str]:
    """(field, where inside it) of a problem's path: ``schools[0] (a).terms[1].from`` ->
    ``("terms", "line 2: from")``; ``partnership.duration`` -> ``("duration", "")``."""
    rest = _SCHOOL_PATH.sub("", path, count=1) if school else path.removeprefix(
        "partnership").lstrip(".")
    m = re.match(r"([A-Za-z_]+)(?:\.(MO|TU|WE|TH|FR|SA|SU)\b)?(.*)", rest)
    if m is None:
        return "", rest
    field = m[1] + (f".{m[2]}" if m[2] else "")
    inner = m[3]
    line = re.match(r"\[(\d+)\]\.?(.*)", inner)
    if line and field in (*_PARSE, "closures_ics"):
        where = f"line {int(line[1]) + 1}" if field != "closures_ics" else \
            f"calendar {int(line[1]) + 1}"
        return field, where + (f": {line[2]}" if line[2] else "")
    return field, inner.lstrip(".")


def placed(problems: list[dict[str, str]], fields: set[str], *, school: bool
           ) -> tuple[dict[str, list[str]], list[str]]:
    """Problems by field (messages with their place inside it), and the rest (problems
    of other sections, or of no field shown) as full ``path: message`` lines."""
    at: dict[str, list[str]] = {}
    rest: list[str] = []
    for p in problems:
        field, where = place(p["path"], school=school)
        if field in fields:
            at.setdefault(field, []).append(f"{where}: {p['message']}" if where
                                            else p["message"])
        else:
            rest.append(f"{p['path']}: {p['message']}" if p["path"] else p["message"])
    return at, rest
