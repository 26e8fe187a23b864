"""dict -> validated model, collecting every problem; and model -> dict.

No file I/O here: imported calendars (``closures_ics``) arrive through a ``read_ics``
callable supplied by the caller (``twinschedule.load`` reads them relative to the file).

Limits (besides those of the file format, e.g. ``duration`` 5 to 720 minutes):

=========================  ==========  ====================================================
``MAX_SCHOOLS``            200         schools in a partnership (and at least 2)
``MAX_YEARS``              10          years from ``start`` to ``end``
``MIN_DATE``, ``MAX_DATE``  1970-01-01,  every date of the file (horizon, terms, closures,
                           2200-12-31  busy)
``MAX_ICS_FILES``          10          ``closures_ics`` files per school
``MAX_ICS_TOTAL_BYTES``    2 MiB       bytes of imported calendars per partnership (each
                                       file once per time zone it is read in); each file
                                       has the limits of ``_ics_import``
``MAX_HINTS``              1,000       problems that get did-you-mean suggestions (the
                                       first ones; every problem is still reported)
=========================  ==========  ====================================================

Text values must be valid Unicode without control characters (tab and line breaks
allowed). Values echoed in messages are shortened to ``SHOW_CHARS`` characters and
non-printable characters escaped.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

from . import _zones
from ._vocab import NTHS, ON_CONFLICT, WEEKDAY_SPELLINGS, WEEKDAYS, Weekday, parse_weekday
from .errors import ConfigError, Problem
from .model import Busy, DateRange, Partnership, School, TimedEvent, Window, hhmm

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
TIME = re.compile(r"(\d{2}):(\d{2})", re.ASCII)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MAX_SCHOOLS = 200
MAX_YEARS = 10
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
MAX_ICS_FILES = 10
MAX_ICS_TOTAL_BYTES = 2 * 1024 * 1024
MAX_HINTS = 1000
SHOW_CHARS = 60
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

PARTNERSHIP_KEYS = (
    "id", "name", "start", "end", "duration", "title", "location", "description", "anchor",
    "weekdays", "weeks", "step", "on_conflict", "max_move_days", "top", "sequence",
)
SCHOOL_KEYS = (
    "id", "name", "timezone", "country", "subdivision", "holidays", "days", "hours",
    "hours_by_day", "prefer", "closures_ics", "terms", "closures", "busy",
)

ReadIcs = Callable[[str], bytes]
ImportIcs = Callable[[bytes, str, dt.date, dt.date],
                     tuple[tuple[DateRange, ...], tuple[TimedEvent, ...]]]


class _Collector:
    """Collects problems while a dict is turned into a model."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message))

    @property
    def hinting(self) -> bool:
        """Whether to look for did-you-mean suggestions (for the first ``MAX_HINTS``
        problems only: a file of 100,000 typos must not take minutes)."""
        return len(self.problems) < MAX_HINTS


def _show(value: object) -> str:
    """A value as echoed in a message: printable, at most ``SHOW_CHARS`` characters."""
    text = value if isinstance(value, str) else _type_name(value)
    shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                    for ch in text[:SHOW_CHARS + 1])
    return shown[:SHOW_CHARS] + "..." if len(shown) > SHOW_CHARS else shown


def _number(value: int) -> str:
    """An integer as echoed in a message (huge ones by their size: ``str`` refuses them)."""
    if value.bit_length() > 64:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    return str(value)


def _bad_text(value: str) -> str | None:
    """Why a string is not acceptable text, None if it is."""
    m = _BAD_TEXT.search(value)
    if m is None:
        return None
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"contains U+{code:04X}, which is not a character (invalid Unicode)"
    return f"contains the control character U+{code:04X}"


def _did_you_mean(word: str, choices: list[str], *, cutoff: float = 0.6) -> str:
    if len(word) > 100:
        return ""
    found = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    if not found:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            found = [lowered[word.lower()]]
    return f" (did you mean '{found[0]}'?)" if found else ""


def _type_name(value: object) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", tuple: "a tuple", dict: "a table", dt.date: "a date",
            dt.datetime: "a date-time", dt.time: "a time of day",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def _check_keys(c: _Collector, data: Mapping[str, Any], allowed: tuple[str, ...],
                path: str) -> None:
    for key in data:
        if key not in allowed:
            name = _show(str(key))
            c.add(f"{path}.{name}" if path else name,
                  f"unknown key '{name}'"
                  f"{_did_you_mean(str(key), list(allowed)) if c.hinting else ''}")


def _table(c: _Collector, value: object, path: str) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping):
        c.add(path, f"expected a table, got {_type_name(value)}")
        return None
    return cast(Mapping[str, Any], value)


def _str(c: _Collector, data: Mapping[str, Any], key: str, path: str, *,
         required: bool = False) -> str | None:
    if key not in data:
        if required:
            c.add(f"{path}.{key}", "required")
        return None
    value = data[key]
    if not isinstance(value, str):
        c.add(f"{path}.{key}", f"expected a string, got {_type_name(value)}")
        return None
    if required and not value.strip():
        c.add(f"{path}.{key}", "must not be empty")
        return None
    bad = _bad_text(value)
    if bad is not None:
        c.add(f"{path}.{key}", bad)
        return None
    return value


def _int(c: _Collector, data: Mapping[str, Any], key: str, path: str, *, lo: int,
         hi: int | None, required: bool = False, unit: str = "") -> int | None:
    if key not in data:
        if required:
            c.add(f"{path}.{key}", "required")
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(f"{path}.{key}", f"expected an integer, got {_type_name(value)}")
        return None
    what = _number(value) + (unit if value.bit_length() <= 64 else "")
    if value < lo:
        c.add(f"{path}.{key}", f"{what} is less than the {lo}{unit} allowed")
        return None
    if hi is not None and value > hi:
        c.add(f"{path}.{key}", f"{what} is {'longer' if unit else 'more'} than the "
                               f"{hi}{unit} allowed")
        return None
    return value


def _date(c: _Collector, value: object, path: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        c.add(path, f"expected a date (YYYY-MM-DD), got a date-time '{value.isoformat()}'")
        return None
    if isinstance(value, str):
        if not DATE.fullmatch(value):
            c.add(path, f"'{_show(value)}' is not a date (YYYY-MM-DD)")
            return None
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            c.add(path, f"'{value}' is not a date: {exc}")
            return None
    if not isinstance(value, dt.date):
        c.add(path, f"expected a date (YYYY-MM-DD), got {_type_name(value)}")
        return None
    if not MIN_DATE <= value <= MAX_DATE:
        c.add(path, f"{value} is outside the supported dates {MIN_DATE} to {MAX_DATE}")
        return None
    return value


def _time(c: _Collector, value: object, path: str, *, allow_24: bool) -> int | None:
    if not isinstance(value, str):
        c.add(path, f"expected a time 'HH:MM', got {_type_name(value)}")
        return None
    m = TIME.fullmatch(value.strip())
    if not m:
        c.add(path, f"'{_show(value)}' is not a time 'HH:MM' (24-hour)")
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and (mi != 0 or not allow_24)):
        limit = "00:00 to 24:00" if allow_24 else "00:00 to 23:59"
        c.add(path, f"'{value.strip()}' is not a time of day ({limit})")
        return None
    return h * 60 + mi


def _list(c: _Collector, data: Mapping[str, Any], key: str, path: str) -> list[Any] | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, list):
        c.add(f"{path}.{key}", f"expected a list, got {_type_name(value)}")
        return None
    if not value:
        c.add(f"{path}.{key}", "must not be an empty list (leave the key out instead)")
        return None
    return value


def _weekdays(c: _Collector, data: Mapping[str, Any], key: str,
              path: str) -> tuple[Weekday, ...] | None:
    items = _list(c, data, key, path)
    if items is None:
        return None
    out: list[Weekday] = []
    ok = True
    for i, item in enumerate(items):
        where = f"{path}.{key}[{i}]"
        if not isinstance(item, str):
            c.add(where, f"expected a weekday name, got {_type_name(item)}")
            ok = False
            continue
        code = parse_weekday(item)
        if code is None:
            close = difflib.get_close_matches(item.lower(), list(WEEKDAY_SPELLINGS), n=1) \
                if len(item) <= 100 and c.hinting else []
            hint = f" (did you mean '{WEEKDAY_SPELLINGS[close[0]]}'?)" if close else ""
            c.add(where, f"unknown weekday '{_show(item)}'{hint}; use MO TU WE TH FR SA SU")
            ok = False
        elif code in out:
            c.add(where, f"weekday '{code}' is listed twice")
            ok = False
        else:
            out.append(code)
    if not ok:
        return None
    return tuple(sorted(out, key=WEEKDAYS.index))


def _windows(c: _Collector, value: object, path: str) -> tuple[Window, ...] | None:
    if not isinstance(value, list):
        c.add(path, f"expected a list of windows 'HH:MM-HH:MM', got {_type_name(value)}")
        return None
    if not value:
        c.add(path, "must not be an empty list (leave the key out instead)")
        return None
    windows: list[tuple[Window, int]] = []
    ok = True
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(item, str) or item.count("-") != 1:
            c.add(where, f"expected a window 'HH:MM-HH:MM', got "
                         f"{repr(_show(item)) if isinstance(item, str) else _type_name(item)}")
            ok = False
            continue
        a_text, b_text = item.split("-")
        a = _time(c, a_text, where, allow_24=False)
        b = _time(c, b_text, where, allow_24=True)
        if a is None or b is None:
            ok = False
            continue
        if b <= a:
            c.add(where, f"window '{_show(item)}' ends before it starts" if b < a
                  else f"window '{_show(item)}' is empty")
            ok = False
            continue
        windows.append((Window(start=a, end=b), i))
    if not ok:
        return None
    windows.sort()
    merged: list[Window] = []
    for k, (w, i) in enumerate(windows):
        if merged and w.start < merged[-1].end:
            other = windows[k - 1][1]
            c.add(f"{path}[{i}]", f"window '{w}' overlaps window '{windows[k - 1][0]}' "
                                  f"({path}[{other}])")
            return None
        if merged and w.start == merged[-1].end:
            merged[-1] = Window(start=merged[-1].start, end=w.end)
        else:
            merged.append(w)
    return tuple(merged)


def _id(c: _Collector, data: Mapping[str, Any], path: str) -> str | None:
    """A required slug ``id``: it names files and UIDs, so nothing else is allowed."""
    if isinstance(data.get("id"), str) and data["id"] and not SLUG.fullmatch(data["id"]):
        value = data["id"]
        c.add(f"{path}.id", f"'{_show(value)}' is not a valid id: use 1 to 64 characters "
                            f"a-z, 0-9 and '-', starting with a letter or digit")
        return None
    return _str(c, data, "id", path, required=True)


def _zone(c: _Collector, value: object, path: str) -> str | None:
    if not isinstance(value, str):
        c.add(path, f"expected an IANA time zone name, got {_type_name(value)}")
        return None
    canon = _zones.canonical(value)
    if canon is None:
        hints = _zones.suggest(value) if len(value) <= 100 and c.hinting else []
        hint = f" (did you mean '{hints[0]}'?)" if hints else ""
        c.add(path, f"unknown time zone '{_show(value)}'{hint}")
        return None
    return canon


def _ranges(c: _Collector, data: Mapping[str, Any], key: str, path: str, *,
            allow_on: bool) -> tuple[DateRange, ...]:
    items = _list(c, data, key, path)
    if items is None:
        return ()
    out: list[DateRange] = []
    for i, item in enumerate(items):
        where = f"{path}.{key}[{i}]"
        t = _table(c, item, where)
        if t is None:
            continue
        allowed = ("from", "to", "name", "on") if allow_on else ("from", "to", "name")
        _check_keys(c, t, allowed, where)
        name = _str(c, t, "name", where) or ""
        if allow_on and "on" in t:
            if "from" in t or "to" in t:
                c.add(where, "give either 'on' or 'from' and 'to', not both")
                continue
            d = _date(c, t["on"], f"{where}.on")
            if d is not None:
                out.append(DateRange(first=d, last=d, name=name))
            continue
        missing = [k for k in ("from", "to") if k not in t]
        for k in missing:
            c.add(f"{where}.{k}", "required" + (" (or give 'on' for one day)" if allow_on else ""))
        if missing:
            continue
        a = _date(c, t["from"], f"{where}.from")
        b = _date(c, t["to"], f"{where}.to")
        if a is not None and b is not None:
            if b < a:
                c.add(f"{where}.to", f"{b} is before 'from' {a}")
                continue
            out.append(DateRange(first=a, last=b, name=name))
    return tuple(out)


def _busy(c: _Collector, data: Mapping[str, Any], path: str) -> tuple[Busy, ...]:
    items = _list(c, data, "busy", path)
    if items is None:
        return ()
    out: list[Busy] = []
    for i, item in enumerate(items):
        where = f"{path}.busy[{i}]"
        t = _table(c, item, where)
        if t is None:
            continue
        _check_keys(c, t, ("on", "from", "to", "name"), where)
        for k in ("on", "from", "to"):
            if k not in t:
                c.add(f"{where}.{k}", "required")
        if any(k not in t for k in ("on", "from", "to")):
            continue
        d = _date(c, t["on"], f"{where}.on")
        a = _time(c, t["from"], f"{where}.from", allow_24=False)
        b = _time(c, t["to"], f"{where}.to", allow_24=True)
        name = _str(c, t, "name", where) or ""
        if d is None or a is None or b is None:
            continue
        if b <= a:
            c.add(f"{where}.to", f"'{hhmm(b)}' is not after 'from' '{hhmm(a)}'")
            continue
        out.append(Busy(on=d, start=a, end=b, name=name))
    return tuple(out)


@functools.cache
def _countries() -> tuple[str, ...]:
    """The alpha-2 codes of the countries of the ``holidays`` package, sorted (from its
    registry, without loading the 250 country modules as ``list_supported_countries``
    does; that is its fallback)."""
    import holidays

    try:
        from holidays.registry import EntityLoader

        codes = EntityLoader.get_country_codes(include_aliases=False)
    except (ImportError, AttributeError, TypeError):
        codes = holidays.list_supported_countries(include_aliases=False)
    return tuple(sorted(str(code) for code in codes))


def _country_hint(code: str, supported: list[str]) -> str:
    """' (did you mean 'GB'?)' for 'UK', 'GBR', 'gb' or a near miss; else ''."""
    import holidays

    if code.upper() in holidays.list_supported_countries(include_aliases=True):
        try:
            alpha2 = str(holidays.country_holidays(code.upper()).country)
        except Exception:  # an alias the package cannot build: no hint
            alpha2 = ""
        if alpha2 in supported:
            return f" (did you mean '{alpha2}'?)"
    return _did_you_mean(code.upper(), supported)


@functools.cache  # per country, not per school: a network has up to 5000 schools
def _subdivisions(code: str) -> tuple[str, ...]:
    import holidays

    return tuple(str(s) for s in type(holidays.country_holidays(code)).subdivisions)


@functools.cache
def _country_info(code: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Supported holiday categories and subdivision aliases of a country."""
    import holidays

    cls = type(holidays.country_holidays(code))
    return (tuple(cls.supported_categories),
            dict(getattr(cls, "subdivisions_aliases", {}) or {}))


class _Imports:
    """Reads and imports the ``closures_ics`` files of one partnership: each (file, zone)
    once, and at most ``MAX_ICS_TOTAL_BYTES`` bytes in all."""

    def __init__(self, read_ics: ReadIcs, import_ics: ImportIcs) -> None:
        self.read_ics = read_ics
        self.import_ics = import_ics
        self.done: dict[tuple[str, str], Any] = {}
        self.total = 0

    def load(self, name: str, zone: str, start: dt.date,
             end: dt.date) -> tuple[tuple[DateRange, ...], tuple[TimedEvent, ...]]:
        key = (name, zone)
        if key not in self.done:
            self.done[key] = self._load(name, zone, start, end)
        got = self.done[key]
        if isinstance(got, ConfigError):
            raise got
        return cast(tuple[tuple[DateRange, ...], tuple[TimedEvent, ...]], got)

    def _load(self, name: str, zone: str, start: dt.date, end: dt.date) -> object:
        try:
            content = self.read_ics(name)
        except ConfigError as exc:
            return exc
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            return ConfigError([Problem(path="", message=f"cannot read '{_show(name)}': "
                                                         f"{reason}")])
        self.total += len(content)
        if self.total > MAX_ICS_TOTAL_BYTES:
            return ConfigError([Problem(path="", message=(
                f"the imported calendars of the partnership have more than "
                f"{MAX_ICS_TOTAL_BYTES} bytes in all (each file counted once per time zone "
                f"it is read in)"))])
        try:
            return self.import_ics(content, zone, start, end)
        except ConfigError as exc:
            return exc


def _school(c: _Collector, raw: object, path: str, start: dt.date | None,
            end: dt.date | None, duration: int | None, ics: _Imports | None) -> School | None:
    data = _table(c, raw, path)
    if data is None:
        return None
    before = len(c.problems)
    _check_keys(c, data, SCHOOL_KEYS, path)
    sid = _id(c, data, path)
    name = _str(c, data, "name", path, required=True)
    zone = _zone(c, data["timezone"], f"{path}.timezone") if "timezone" in data else None
    if "timezone" not in data:
        c.add(f"{path}.timezone", "required (an IANA time zone such as 'Europe/London')")

    country = _str(c, data, "country", path)
    subdivision = _str(c, data, "subdivision", path)
    categories: tuple[str, ...] = ()
    cat_items = _list(c, data, "holidays", path)
    if cat_items is not None:
        bad = [i for i, x in enumerate(cat_items) if not isinstance(x, str)]
        for i in bad:
            c.add(f"{path}.holidays[{i}]", f"expected a category name, got "
                                           f"{_type_name(cat_items[i])}")
        if not bad:
            categories = tuple(dict.fromkeys(cast(list[str], cat_items)))
    if country is not None:
        supported = _countries()
        if country not in supported:
            hint = _country_hint(country, list(supported)) if c.hinting else ""
            c.add(f"{path}.country", f"unknown or unsupported country code '{_show(country)}'"
                                     f"{hint}; use an ISO 3166-1 alpha-2 code such as 'GB'")
            country = None
        else:
            cats, aliases = _country_info(country)
            subdivs = list(_subdivisions(country))
            if subdivision is not None and subdivision not in subdivs:
                if subdivision in aliases:
                    subdivision = aliases[subdivision]
                else:
                    listing = ", ".join(subdivs[:12]) + (", ..." if len(subdivs) > 12 else "")
                    hint = _did_you_mean(subdivision, list(subdivs) + list(aliases)) \
                        if c.hinting else ""
                    c.add(f"{path}.subdivision",
                          f"unknown subdivision '{_show(subdivision)}' of {country}{hint}; "
                          f"known: {listing or 'none'}")
            if not categories:
                categories = ("public",) if cat_items is None else ()
            for i, cat in enumerate(categories):
                if cat not in cats:
                    c.add(f"{path}.holidays[{i}]",
                          f"unknown holiday category '{_show(cat)}' for {country}"
                          f"{_did_you_mean(cat, list(cats)) if c.hinting else ''}; "
                          f"known: {', '.join(cats)}")
    elif "country" not in data:
        if subdivision is not None:
            c.add(f"{path}.subdivision", "needs 'country'")
        if cat_items is not None:
            c.add(f"{path}.holidays", "needs 'country' (holidays come from the country)")

    days = _weekdays(c, data, "days", path)
    hours: tuple[Window, ...] = (Window(start=540, end=900),)
    if "hours" in data:
        hours = _windows(c, data["hours"], f"{path}.hours") or hours
    by_day: list[tuple[Weekday, tuple[Window, ...]]] = []
    if "hours_by_day" in data:
        table = _table(c, data["hours_by_day"], f"{path}.hours_by_day")
        for key, value in (table or {}).items():
            code = parse_weekday(str(key))
            where = f"{path}.hours_by_day.{_show(str(key))}"
            if code is None:
                close = difflib.get_close_matches(str(key).lower(), list(WEEKDAY_SPELLINGS),
                                                  n=1) if len(str(key)) <= 100 and c.hinting \
                    else []
                hint = f" (did you mean '{WEEKDAY_SPELLINGS[close[0]]}'?)" if close else ""
                c.add(where, f"unknown weekday '{_show(str(key))}'{hint}; use MO TU WE TH FR "
                             f"SA SU")
                continue
            if any(code == d for d, _ in by_day):
                c.add(where, f"weekday '{code}' is given twice")
                continue
            ws = _windows(c, value, where)
            if ws is not None:
                by_day.append((code, ws))
    by_day.sort(key=lambda p: WEEKDAYS.index(p[0]))
    prefer = _time(c, data["prefer"], f"{path}.prefer", allow_24=False) \
        if "prefer" in data else None

    ics_paths: tuple[str, ...] = ()
    imported_closures: tuple[DateRange, ...] = ()
    imported_busy: tuple[TimedEvent, ...] = ()
    ics_items = _list(c, data, "closures_ics", path)
    if ics_items is not None:
        paths: list[str] = []
        for i, item in enumerate(ics_items):
            where = f"{path}.closures_ics[{i}]"
            if not isinstance(item, str):
                c.add(where, f"expected a file name, got {_type_name(item)}")
            elif not item.strip():
                c.add(where, "expected a file name, got an empty string")
            elif (why := _bad_text(item)) is not None:
                c.add(where, f"the file name {why}")
            else:
                paths.append(item)
        if len(ics_items) > MAX_ICS_FILES:
            c.add(f"{path}.closures_ics", f"{len(ics_items)} files is more than the "
                                          f"{MAX_ICS_FILES} allowed")
        ics_paths = tuple(paths)
        if ics is None:
            if paths:
                c.add(f"{path}.closures_ics", "imported calendars need a way to read files: "
                                              "use twinschedule.load() or pass read_ics=")
        elif zone is not None and start is not None and end is not None \
                and len(paths) == len(ics_items) <= MAX_ICS_FILES:
            closures: list[DateRange] = []
            busy_events: list[TimedEvent] = []
            for i, p in enumerate(paths):
                try:
                    got = ics.load(p, zone, start, end)
                except ConfigError as exc:
                    c.problems.extend(q.with_prefix(f"{path}.closures_ics[{i}]")
                                      for q in exc.problems)
                    continue
                closures.extend(got[0])
                busy_events.extend(got[1])
            imported_closures, imported_busy = tuple(closures), tuple(busy_events)

    terms = _ranges(c, data, "terms", path, allow_on=False)
    closure_ranges = _ranges(c, data, "closures", path, allow_on=True)
    busy = _busy(c, data, path)

    if duration is not None:
        all_windows = [hours, *(ws for _, ws in by_day)]
        longest = max(w.end - w.start for ws in all_windows for w in ws)
        if longest < duration:
            c.add(f"{path}.hours", f"no window is long enough for a {duration}-minute meeting "
                                   f"(the longest is {longest} minutes)")
    if len(c.problems) > before:
        return None
    assert sid is not None and name is not None and zone is not None
    return School(
        id=sid, name=name, timezone=zone, country=country, subdivision=subdivision,
        holidays=categories, days=days, hours=hours, hours_by_day=tuple(by_day),
        prefer=prefer, terms=terms, closures=closure_ranges, busy=busy,
        closures_ics=ics_paths, imported_closures=imported_closures,
        imported_busy=imported_busy,
    )


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def from_dict(data: object, *, read_ics: ReadIcs | None = None,
              import_ics: ImportIcs | None = None, source: str | None = None,
              table: str = "partnership", keys: tuple[str, ...] = PARTNERSHIP_KEYS,
              max_schools: int = MAX_SCHOOLS, max_years: int = MAX_YEARS,
              extra: Callable[[_Collector, Mapping[str, Any]], None] | None = None
              ) -> Partnership:
    """Validate ``data`` (the structure of a partnership file) into a ``Partnership``.

    Raises ``ConfigError`` carrying every problem found. ``table``, ``keys``,
    ``max_schools``, ``max_years`` and ``extra`` (a check of the table's own further
    keys, adding its problems to the same collector) let network files
    (``network_config``) share this validation.
    """
    c = _Collector()
    if not isinstance(data, Mapping):
        c.add("", f"expected a table with [{table}] and [[schools]], got {_type_name(data)}")
        raise ConfigError(c.problems, source=source)
    _check_keys(c, data, (table, "schools"), "")
    p = data.get(table)
    if p is None:
        c.add(table, f"required: a [{table}] table")
        p = {}
    elif not isinstance(p, Mapping):
        c.add(table, f"expected a table, got {_type_name(p)}")
        p = {}
    path = table
    _check_keys(c, p, keys, path)
    pid = _id(c, p, path)
    name = _str(c, p, "name", path, required=True)
    start = _date(c, p["start"], f"{path}.start") if "start" in p else None
    end = _date(c, p["end"], f"{path}.end") if "end" in p else None
    for k in ("start", "end"):
        if k not in p:
            c.add(f"{path}.{k}", "required (a date YYYY-MM-DD)")
    if start is not None and end is not None:
        if end < start:
            c.add(f"{path}.end", f"{end} is before start {start}")
            end = None
        elif end > _add_years(start, max_years):
            c.add(f"{path}.end", f"the horizon {start}..{end} is longer than the "
                                 f"{max_years} years allowed")
            end = None
    duration = _int(c, p, "duration", path, lo=5, hi=720, required=True, unit=" minutes")
    title = _str(c, p, "title", path)
    location = _str(c, p, "location", path)
    description = _str(c, p, "description", path)
    anchor = _zone(c, p["anchor"], f"{path}.anchor") if "anchor" in p else None
    weekdays = _weekdays(c, p, "weekdays", path)
    weeks_items = _list(c, p, "weeks", path)
    weeks: tuple[int, ...] | None = None
    if weeks_items is not None:
        ok = True
        for i, w in enumerate(weeks_items):
            if isinstance(w, bool) or not isinstance(w, int) or w not in NTHS:
                shown = _number(w) if isinstance(w, int) and not isinstance(w, bool) \
                    else f"'{_show(w)}'" if isinstance(w, str) else _type_name(w)
                c.add(f"{path}.weeks[{i}]", f"{shown} is not one of 1, 2, 3, 4, -1 (last)")
                ok = False
        if ok:
            if len(set(weeks_items)) != len(weeks_items):
                c.add(f"{path}.weeks", "a week is listed twice")
            else:
                weeks = tuple(sorted(weeks_items, key=NTHS.index))
    step = _int(c, p, "step", path, lo=5, hi=1440, unit=" minutes")
    if step is not None and 1440 % step:
        c.add(f"{path}.step", f"{step} does not divide 1440 (a day's minutes); try "
                              f"{max(d for d in range(5, step + 1) if 1440 % d == 0)}")
    on_conflict = _str(c, p, "on_conflict", path)
    if on_conflict is not None and on_conflict not in ON_CONFLICT:
        c.add(f"{path}.on_conflict", f"'{_show(on_conflict)}' is not 'move' or 'skip'")
    max_move = _int(c, p, "max_move_days", path, lo=0, hi=31)
    top = _int(c, p, "top", path, lo=1, hi=50)
    sequence = _int(c, p, "sequence", path, lo=0, hi=2**31 - 1)
    if extra is not None:
        extra(c, p)

    schools_raw = data.get("schools")
    schools: list[School] = []
    if schools_raw is None:
        c.add("schools", "required: at least two [[schools]]")
    elif not isinstance(schools_raw, list):
        c.add("schools", f"expected a list of [[schools]] tables, got {_type_name(schools_raw)}")
    elif len(schools_raw) < 2:
        c.add("schools", f"a {table} needs at least 2 schools, got {len(schools_raw)}")
    elif len(schools_raw) > max_schools:
        c.add("schools", f"{len(schools_raw)} schools is more than the {max_schools} allowed")
    else:
        seen: dict[str, int] = {}
        ics = _Imports(read_ics, import_ics) if read_ics is not None \
            and import_ics is not None else None
        for i, raw in enumerate(schools_raw):
            s = _school(c, raw, f"schools[{i}]", start, end, duration, ics)
            if s is None:
                continue
            if s.id in seen:
                c.add(f"schools[{i}].id", f"'{s.id}' is already the id of schools[{seen[s.id]}]")
                continue
            seen[s.id] = i
            schools.append(s)
    if c.problems:
        raise ConfigError(c.problems, source=source)
    assert pid is not None and name is not None and start is not None and end is not None
    assert duration is not None
    return Partnership(
        id=pid, name=name, start=start, end=end, duration=duration, schools=tuple(schools),
        title=title, location=location, description=description, anchor=anchor,
        weekdays=weekdays or WEEKDAYS, weeks=weeks or NTHS,
        step=step if step is not None else 15,
        on_conflict="skip" if on_conflict == "skip" else "move",
        max_move_days=max_move, top=top if top is not None else 5,
        sequence=sequence or 0,
    )


def _ranges_dict(ranges: tuple[DateRange, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in ranges:
        item: dict[str, Any] = {"from": r.first.isoformat(), "to": r.last.isoformat()}
        if r.name:
            item["name"] = r.name
        out.append(item)
    return out


def to_dict(p: Partnership) -> dict[str, Any]:
    """The partnership as the dict structure of a partnership file (dates as strings)."""
    part: dict[str, Any] = {
        "id": p.id, "name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat(),
        "duration": p.duration,
    }
    for key in ("title", "location", "description", "anchor", "max_move_days"):
        value = getattr(p, key)
        if value is not None:
            part[key] = value
    part.update(weekdays=list(p.weekdays), weeks=list(p.weeks), step=p.step,
                on_conflict=p.on_conflict, top=p.top, sequence=p.sequence)
    schools: list[dict[str, Any]] = []
    for s in p.schools:
        d: dict[str, Any] = {"id": s.id, "name": s.name, "timezone": s.timezone}
        if s.country is not None:
            d["country"] = s.country
            d["holidays"] = list(s.holidays)
        if s.subdivision is not None:
            d["subdivision"] = s.subdivision
        if s.days is not None:
            d["days"] = list(s.days)
        d["hours"] = [str(w) for w in s.hours]
        if s.hours_by_day:
            d["hours_by_day"] = {day: [str(w) for w in ws] for day, ws in s.hours_by_day}
        if s.prefer is not None:
            d["prefer"] = hhmm(s.prefer)
        if s.closures_ics:
            d["closures_ics"] = list(s.closures_ics)
        if s.terms:
            d["terms"] = _ranges_dict(s.terms)
        if s.closures:
            d["closures"] = _ranges_dict(s.closures)
        if s.busy:
            d["busy"] = [{"on": b.on.isoformat(), "from": hhmm(b.start), "to": hhmm(b.end),
                          **({"name": b.name} if b.name else {})} for b in s.busy]
        schools.append(d)
    return {"partnership": part, "schools": schools}
