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
``MAX_ICS_TOTAL_BYTES``    16 MiB      bytes of imported calendars per partnership (each
                                       file once per time zone it is read in); each file
                                       has the limits of ``ical.importer``
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
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, NamedTuple, cast

from twinschedule._tz import zones as _zones
from twinschedule._vocab import (
    NTHS,
    ON_CONFLICT,
    WEEKDAY_SPELLINGS,
    WEEKDAYS,
    Weekday,
    parse_weekday,
)
from twinschedule.config import agreement as _agreed
from twinschedule.config.hints import country_for_name, time_hint
from twinschedule.errors import ConfigError, Problem
from twinschedule.model import (
    DEFAULT_HOURS,
    DEFAULT_STEP,
    DEFAULT_STRETCH_SHARE,
    DEFAULT_TOP,
    MAX_TOP,
    Agreement,
    Busy,
    Contact,
    DateRange,
    IcsImport,
    Imported,
    ImportIcs,
    ImportReport,
    Partnership,
    ReadIcs,
    Rule,
    School,
    TimedEvent,
    Window,
    hhmm,
)

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
TIME = re.compile(r"(\d{2}):(\d{2})", re.ASCII)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MAX_SCHOOLS = 200
MAX_YEARS = 10
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
MAX_ICS_FILES = 10
MAX_ICS_TOTAL_BYTES = 16 * 1024 * 1024
MAX_HINTS = 1000
SHOW_CHARS = 60
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

PARTNERSHIP_KEYS = (
    "id", "name", "start", "end", "duration", "title", "location", "description", "anchor",
    "weekdays", "weeks", "step", "on_conflict", "max_move_days", "top", "sequence",
    "language", "stretch_share", "alternate", "organizer",
)
SCHOOL_KEYS = (
    "id", "name", "timezone", "country", "subdivision", "holidays", "days", "hours",
    "hours_by_day", "prefer", "closures_ics", "terms", "closures", "busy", "language",
    "stretch",
    "contacts",
)
AGREEMENT_KEYS = ("rule", "rules", "since")
CONTACT_KEYS = ("name", "email", "language")

ICS_KEYS = ("file", "as", "include", "exclude")
ICS_USES = ("closures", "open-days", "busy")


class _Collector:
    """Collects problems while a dict is turned into a model, under a path prefix.

    ``c.at("schools").item(3, "rome")`` is a collector on the same list of problems
    whose ``add("timezone", message)`` records ``schools[3] (rome).timezone``: each step
    of the validation is handed the collector of its own table and names only its own
    keys.
    """

    __slots__ = ("path", "problems")

    def __init__(self, problems: list[Problem] | None = None, path: str = "") -> None:
        self.problems: list[Problem] = [] if problems is None else problems
        self.path = path

    def _join(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def at(self, key: str) -> _Collector:
        """The collector of the key ``key`` below this path (``path.key``)."""
        return _Collector(self.problems, self._join(key))

    def item(self, index: int, label: str = "") -> _Collector:
        """The collector of the list item ``index`` of this path (``path[index]``), or
        ``path[index] (label)`` with a label (a school's id)."""
        return _Collector(self.problems, f"{self.path}[{index}]"
                                         + (f" ({label})" if label else ""))

    def add(self, key: str, message: str) -> None:
        """A problem with the key ``key`` below this path."""
        self.problems.append(Problem(path=self._join(key), message=message))

    def under(self, key: str | None) -> _Collector:
        """``at(key)``, or this collector for None (steps that may be given their
        parent's collector and a key, so as to make a collector only for a problem)."""
        return self if key is None else self.at(key)

    def add_here(self, message: str) -> None:
        """A problem with this path itself."""
        self.problems.append(Problem(path=self.path, message=message))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Problems found below this path (e.g. in an imported calendar), re-rooted here."""
        self.problems.extend(q.with_prefix(self.path) for q in problems)

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


def _weekday_hint(c: _Collector, word: str) -> str:
    """' (did you mean 'TU'?)' for a misspelt weekday, else ''."""
    close = difflib.get_close_matches(word.lower(), list(WEEKDAY_SPELLINGS), n=1) \
        if len(word) <= 100 and c.hinting else []
    return f" (did you mean '{WEEKDAY_SPELLINGS[close[0]]}'?)" if close else ""


def _type_name(value: object) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", tuple: "a tuple", dict: "a table", dt.date: "a date",
            dt.datetime: "a date-time", dt.time: "a time of day",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def _check_keys(c: _Collector, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            name = _show(str(key))
            c.add(name, f"unknown key '{name}'"
                        f"{_did_you_mean(str(key), list(allowed)) if c.hinting else ''}")


def _table(c: _Collector, value: object) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping):
        c.add_here(f"expected a table, got {_type_name(value)}")
        return None
    return cast(Mapping[str, Any], value)


def _str(c: _Collector, data: Mapping[str, Any], key: str, *,
         required: bool = False) -> str | None:
    if key not in data:
        if required:
            c.add(key, "required")
        return None
    value = data[key]
    if not isinstance(value, str):
        c.add(key, f"expected a string, got {_type_name(value)}")
        return None
    if required and not value.strip():
        c.add(key, "must not be empty")
        return None
    bad = _bad_text(value)
    if bad is not None:
        c.add(key, bad)
        return None
    return value


def _int(c: _Collector, data: Mapping[str, Any], key: str, *, lo: int,
         hi: int | None, required: bool = False, unit: str = "") -> int | None:
    if key not in data:
        if required:
            c.add(key, "required")
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(key, f"expected an integer, got {_type_name(value)}")
        return None
    what = _number(value) + (unit if value.bit_length() <= 64 else "")
    if value < lo:
        c.add(key, f"{what} is less than the {lo}{unit} allowed")
        return None
    if hi is not None and value > hi:
        c.add(key, f"{what} is {'longer' if unit else 'more'} than the {hi}{unit} allowed")
        return None
    return value


def _date(c: _Collector, value: object, key: str | None = None) -> dt.date | None:
    """A date (problems at ``key`` of ``c``, or at ``c`` itself)."""
    if isinstance(value, dt.datetime):
        c.under(key).add_here(f"expected a date (YYYY-MM-DD), got a date-time "
                              f"'{value.isoformat()}'")
        return None
    if isinstance(value, str):
        if not DATE.fullmatch(value):
            c.under(key).add_here(f"'{_show(value)}' is not a date (YYYY-MM-DD)")
            return None
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            c.under(key).add_here(f"'{value}' is not a date: {exc}")
            return None
    if not isinstance(value, dt.date):
        c.under(key).add_here(f"expected a date (YYYY-MM-DD), got {_type_name(value)}")
        return None
    if not MIN_DATE <= value <= MAX_DATE:
        c.under(key).add_here(f"{value} is outside the supported dates {MIN_DATE} to {MAX_DATE}")
        return None
    return value


def _time(c: _Collector, value: object, key: str | None = None, *,
          allow_24: bool) -> int | None:
    """Minutes of a time 'HH:MM' (problems at ``key`` of ``c``, or at ``c`` itself)."""
    if not isinstance(value, str):
        c.under(key).add_here(f"expected a time 'HH:MM', got {_type_name(value)}")
        return None
    m = TIME.fullmatch(value.strip())
    if not m:
        right = time_hint(value, allow_24=allow_24)
        c.under(key).add_here(f"'{_show(value)}' is not a time 'HH:MM'" + (
            f"; did you mean '{right}'?" if right else " (24-hour)"))
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and (mi != 0 or not allow_24)):
        limit = "00:00 to 24:00" if allow_24 else "00:00 to 23:59"
        c.under(key).add_here(f"'{value.strip()}' is not a time of day ({limit})")
        return None
    return h * 60 + mi


def _list(c: _Collector, data: Mapping[str, Any], key: str) -> list[Any] | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, list):
        c.add(key, f"expected a list, got {_type_name(value)}")
        return None
    if not value:
        c.add(key, "must not be an empty list (leave the key out instead)")
        return None
    return value


def _weekdays(c: _Collector, data: Mapping[str, Any], key: str) -> tuple[Weekday, ...] | None:
    items = _list(c, data, key)
    if items is None:
        return None
    out: list[Weekday] = []
    ok = True
    for i, item in enumerate(items):
        if not isinstance(item, str):
            c.at(key).item(i).add_here(f"expected a weekday name, got {_type_name(item)}")
            ok = False
            continue
        code = parse_weekday(item)
        if code is None:
            c.at(key).item(i).add_here(f"unknown weekday '{_show(item)}'"
                                       f"{_weekday_hint(c, item)}; use MO TU WE TH FR SA SU")
            ok = False
        elif code in out:
            c.at(key).item(i).add_here(f"weekday '{code}' is listed twice")
            ok = False
        else:
            out.append(code)
    if not ok:
        return None
    return tuple(sorted(out, key=WEEKDAYS.index))


def _window(c: _Collector, item: object) -> Window | None:
    """One window 'HH:MM-HH:MM' of a list of windows (``c`` at the item)."""
    if not isinstance(item, str) or item.count("-") != 1:
        c.add_here(f"expected a window 'HH:MM-HH:MM', got "
                   f"{repr(_show(item)) if isinstance(item, str) else _type_name(item)}")
        return None
    a_text, b_text = item.split("-")
    a = _time(c, a_text, allow_24=False)
    b = _time(c, b_text, allow_24=True)
    if a is None or b is None:
        return None
    if b <= a:
        c.add_here(f"window '{_show(item)}' ends before it starts" if b < a
                   else f"window '{_show(item)}' is empty")
        return None
    return Window(start=a, end=b)


def _windows(c: _Collector, value: object) -> tuple[Window, ...] | None:
    if not isinstance(value, list):
        c.add_here(f"expected a list of windows 'HH:MM-HH:MM', got {_type_name(value)}")
        return None
    if not value:
        c.add_here("must not be an empty list (leave the key out instead)")
        return None
    windows: list[tuple[Window, int]] = []
    ok = True
    for i, item in enumerate(value):
        w = _window(c.item(i), item)
        if w is None:
            ok = False
        else:
            windows.append((w, i))
    if not ok:
        return None
    windows.sort()
    merged: list[Window] = []
    for k, (w, i) in enumerate(windows):
        if merged and w.start < merged[-1].end:
            other = windows[k - 1][1]
            c.item(i).add_here(f"window '{w}' overlaps window '{windows[k - 1][0]}' "
                               f"({c.item(other).path})")
            return None
        if merged and w.start == merged[-1].end:
            merged[-1] = Window(start=merged[-1].start, end=w.end)
        else:
            merged.append(w)
    return tuple(merged)


def _id(c: _Collector, data: Mapping[str, Any]) -> str | None:
    """A required slug ``id``: it names files and UIDs, so nothing else is allowed."""
    if isinstance(data.get("id"), str) and data["id"] and not SLUG.fullmatch(data["id"]):
        value = data["id"]
        c.add("id", f"'{_show(value)}' is not a valid id: use 1 to 64 characters "
                    f"a-z, 0-9 and '-', starting with a letter or digit")
        return None
    return _str(c, data, "id", required=True)


def _zone(c: _Collector, value: object) -> str | None:
    """A school's zone or the anchor: a location zone, kept exactly as written."""
    if not isinstance(value, str):
        c.add_here(f"expected an IANA time zone name, got {_type_name(value)}")
        return None
    if (len(value) > 100 or not c.hinting) and _zones.canonical(value) is None:
        c.add_here(f"unknown time zone '{_show(value)}'")
        return None
    why = _zones.refusal(value)
    if why is not None:
        c.add_here(why)
        return None
    return value


def _language(c: _Collector, data: Mapping[str, Any]) -> str | None:
    """A BCP 47 language tag (``de``, ``pt-BR``) that CLDR knows, with a did-you-mean."""
    tag = _str(c, data, "language")
    if tag is None:
        return None
    from twinschedule.i18n.words import known_tag

    canonical, hint = known_tag(tag)
    if canonical is None:
        c.add("language", f"unknown language tag '{_show(tag)}' (a BCP 47 tag such "
                          f"as 'en', 'de', 'pt-BR'){hint if c.hinting else ''}")
    return canonical


def _range(c: _Collector, t: Mapping[str, Any], *, allow_on: bool) -> DateRange | None:
    """One item ``{from, to, name}`` (or ``{on, name}``) of ``terms`` or ``closures``."""
    allowed = ("from", "to", "name", "on") if allow_on else ("from", "to", "name")
    _check_keys(c, t, allowed)
    name = _str(c, t, "name") or ""
    if allow_on and "on" in t:
        if "from" in t or "to" in t:
            c.add_here("give either 'on' or 'from' and 'to', not both")
            return None
        d = _date(c, t["on"], "on")
        return None if d is None else DateRange(first=d, last=d, name=name)
    missing = [k for k in ("from", "to") if k not in t]
    for k in missing:
        c.add(k, "required" + (" (or give 'on' for one day)" if allow_on else ""))
    if missing:
        return None
    a = _date(c, t["from"], "from")
    b = _date(c, t["to"], "to")
    if a is None or b is None:
        return None
    if b < a:
        c.add("to", f"{b} is before 'from' {a}")
        return None
    return DateRange(first=a, last=b, name=name)


def _ranges(c: _Collector, data: Mapping[str, Any], key: str, *,
            allow_on: bool) -> tuple[DateRange, ...]:
    items = _list(c, data, key)
    if items is None:
        return ()
    out: list[DateRange] = []
    at = c.at(key)
    for i, item in enumerate(items):
        where = at.item(i)
        t = _table(where, item)
        if t is not None and (r := _range(where, t, allow_on=allow_on)) is not None:
            out.append(r)
    return tuple(out)


def _busy_item(c: _Collector, t: Mapping[str, Any]) -> Busy | None:
    """One item of ``busy``: ``{on | every, from, to, name}``."""
    _check_keys(c, t, ("on", "every", "from", "to", "name"))
    if "on" in t and "every" in t:
        c.add_here("give either 'on' (one date) or 'every' (weekdays), not both")
        return None
    if "on" not in t and "every" not in t:
        c.add("on", "required (a date), or give 'every' with weekdays")
    for k in ("from", "to"):
        if k not in t:
            c.add(k, "required")
    if any(k not in t for k in ("from", "to")) or ("on" not in t and "every" not in t):
        return None
    d = _date(c, t["on"], "on") if "on" in t else None
    every = _weekdays(c, t, "every") if "every" in t else ()
    a = _time(c, t["from"], "from", allow_24=False)
    b = _time(c, t["to"], "to", allow_24=True)
    name = _str(c, t, "name") or ""
    if (d is None and not every) or a is None or b is None:
        return None
    if b <= a:
        c.add("to", f"'{hhmm(b)}' is not after 'from' '{hhmm(a)}'")
        return None
    return Busy(on=d, start=a, end=b, name=name, every=every or ())


def _busy(c: _Collector, data: Mapping[str, Any]) -> tuple[Busy, ...]:
    items = _list(c, data, "busy")
    if items is None:
        return ()
    out: list[Busy] = []
    at = c.at("busy")
    for i, item in enumerate(items):
        where = at.item(i)
        t = _table(where, item)
        if t is not None and (b := _busy_item(where, t)) is not None:
            out.append(b)
    return tuple(out)


def _patterns(c: _Collector, t: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """The regular expressions of ``include`` or ``exclude`` of a ``closures_ics`` table."""
    ok: list[str] = []
    for k, pat in enumerate(_list(c, t, key) or []):
        if not isinstance(pat, str):
            c.at(key).item(k).add_here(f"expected a regular expression, got "
                                       f"{_type_name(pat)}")
            continue
        try:
            re.compile(pat)
        except (re.error, RecursionError, OverflowError) as exc:
            c.at(key).item(k).add_here(f"'{_show(pat)}' is not a regular expression: {exc}")
            continue
        ok.append(pat)
    return tuple(ok)


def _ics_entry(c: _Collector, item: object) -> IcsImport | None:
    """A ``closures_ics`` entry: a file name or ``{file, as, include, exclude}``."""
    if isinstance(item, Mapping):
        t = cast(Mapping[str, Any], item)
        before = len(c.problems)
        _check_keys(c, t, ICS_KEYS)
        name = _str(c, t, "file", required=True)
        use = _str(c, t, "as") or "closures"
        if use not in ICS_USES:
            c.add("as", f"'{_show(use)}' is not one of {', '.join(ICS_USES)}")
        include = _patterns(c, t, "include")
        exclude = _patterns(c, t, "exclude")
        if len(c.problems) > before or name is None:
            return None
        return IcsImport(file=name, use=use, include=include, exclude=exclude)
    if not isinstance(item, str):
        c.add_here(f"expected a file name or a table {{file, as, include, exclude}}, "
                   f"got {_type_name(item)}")
    elif not item.strip():
        c.add_here("expected a file name, got an empty string")
    elif (why := _bad_text(item)) is not None:
        c.add_here(f"the file name {why}")
    else:
        return IcsImport(file=item)
    return None


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


def _unknown_country(c: _Collector, country: str, supported: tuple[str, ...],
                     language: object) -> None:
    """The problem of a ``country`` that is not a supported code: a country's name is
    answered with its code, a near miss of a code ('UK', 'KEN', 'ke') with the code."""
    by_name = country_for_name(country, supported, language if isinstance(language, str)
                               else "en") if c.hinting else None
    if by_name is not None:
        code, name = by_name
        c.add("country", f"'{_show(country)}' is not a country code; did you mean "
                         f"'{code}'{f' ({name})' if name else ''}?")
        return
    hint = _country_hint(country, list(supported)) if c.hinting else ""
    c.add("country", f"unknown or unsupported country code '{_show(country)}'{hint}; "
                     f"use an ISO 3166-1 alpha-2 code such as 'GB'")


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
    """Reads and imports the ``closures_ics`` files of one partnership: each (entry,
    zone) once, and at most ``MAX_ICS_TOTAL_BYTES`` bytes in all."""

    def __init__(self, read_ics: ReadIcs, import_ics: ImportIcs) -> None:
        self.read_ics = read_ics
        self.import_ics = import_ics
        self.done: dict[tuple[IcsImport, str], Imported | ConfigError] = {}
        self.total = 0

    def load(self, entry: IcsImport, zone: str, start: dt.date, end: dt.date) -> Imported:
        key = (entry, zone)
        if key not in self.done:
            self.done[key] = self._load(entry, zone, start, end)
        got = self.done[key]
        if isinstance(got, ConfigError):
            raise got
        return got

    def _load(self, entry: IcsImport, zone: str, start: dt.date, end: dt.date
              ) -> Imported | ConfigError:
        name = entry.file
        try:
            content = self.read_ics(name)
        except ConfigError as exc:
            return exc
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            return ConfigError([Problem(path="", message=f"cannot read '{_show(name)}': "
                                                         f"{reason}")])
        self.total += len(content)
        if self.total > MAX_ICS_TOTAL_BYTES:
            return ConfigError([Problem(path="", message=(
                f"the imported calendars of the partnership have more than "
                f"{MAX_ICS_TOTAL_BYTES} bytes in all (each file counted once per time zone "
                f"it is read in)"))])
        try:
            return self.import_ics(content, zone, start, end, use=entry.use,
                                   include=entry.include, exclude=entry.exclude,
                                   source=f"'{_show(name)}'")
        except ConfigError as exc:
            return exc


class _Imported(NamedTuple):
    """What a school's ``closures_ics`` gave: its entries, and (when they could be read)
    their closures, busy times and import reports."""

    entries: tuple[IcsImport, ...] = ()
    closures: tuple[DateRange, ...] = ()
    busy: tuple[TimedEvent, ...] = ()
    reports: tuple[ImportReport, ...] = ()


def _school_zone(c: _Collector, data: Mapping[str, Any]) -> str | None:
    """The required ``timezone`` of a school."""
    if "timezone" not in data:
        c.add("timezone", "required (an IANA time zone such as 'Europe/London')")
        return None
    return _zone(c.at("timezone"), data["timezone"])


def _holiday_categories(c: _Collector, items: list[Any] | None) -> tuple[str, ...]:
    """The categories listed in ``holidays`` (each once, in order), () if any is bad."""
    if items is None:
        return ()
    bad = [i for i, x in enumerate(items) if not isinstance(x, str)]
    for i in bad:
        c.add(f"holidays[{i}]", f"expected a category name, got {_type_name(items[i])}")
    return () if bad else tuple(dict.fromkeys(cast(list[str], items)))


def _subdivision(c: _Collector, country: str, subdivision: str | None,
                 aliases: dict[str, str]) -> str | None:
    """``subdivision`` of a known country, an alias replaced by its code."""
    if subdivision is None:
        return None
    subdivs = list(_subdivisions(country))
    if subdivision in subdivs:
        return subdivision
    if subdivision in aliases:
        return aliases[subdivision]
    listing = ", ".join(subdivs[:12]) + (", ..." if len(subdivs) > 12 else "")
    hint = _did_you_mean(subdivision, list(subdivs) + list(aliases)) if c.hinting else ""
    c.add("subdivision", f"unknown subdivision '{_show(subdivision)}' of {country}{hint}; "
                         f"known: {listing or 'none'}")
    return subdivision


def _holiday_settings(c: _Collector, data: Mapping[str, Any]
                      ) -> tuple[str | None, str | None, tuple[str, ...]]:
    """A school's ``country``, ``subdivision`` and holiday categories (``holidays``,
    by default the public holidays of the country)."""
    country = _str(c, data, "country")
    subdivision = _str(c, data, "subdivision")
    cat_items = _list(c, data, "holidays")
    categories = _holiday_categories(c, cat_items)
    if country is None:
        if "country" not in data:
            if subdivision is not None:
                c.add("subdivision", "needs 'country'")
            if cat_items is not None:
                c.add("holidays", "needs 'country' (holidays come from the country)")
        return None, subdivision, categories
    supported = _countries()
    if country not in supported:
        _unknown_country(c, country, supported, data.get("language"))
        return None, subdivision, categories
    cats, aliases = _country_info(country)
    subdivision = _subdivision(c, country, subdivision, aliases)
    if not categories:
        categories = ("public",) if cat_items is None else ()
    for i, cat in enumerate(categories):
        if cat not in cats:
            c.add(f"holidays[{i}]", f"unknown holiday category '{_show(cat)}' for {country}"
                                    f"{_did_you_mean(cat, list(cats)) if c.hinting else ''}; "
                                    f"known: {', '.join(cats)}")
    return country, subdivision, categories


def _hours(c: _Collector, data: Mapping[str, Any]) -> tuple[Window, ...]:
    """A school's ``hours`` (``DEFAULT_HOURS`` if not given or bad)."""
    if "hours" not in data:
        return DEFAULT_HOURS
    return _windows(c.at("hours"), data["hours"]) or DEFAULT_HOURS


def _hours_by_day(c: _Collector, data: Mapping[str, Any]
                  ) -> tuple[tuple[Weekday, tuple[Window, ...]], ...]:
    """A school's ``hours_by_day``: (weekday, windows) in weekday order."""
    if "hours_by_day" not in data:
        return ()
    table = _table(c.at("hours_by_day"), data["hours_by_day"])
    by_day: list[tuple[Weekday, tuple[Window, ...]]] = []
    for key, value in (table or {}).items():
        code = parse_weekday(str(key))
        where = c.at("hours_by_day").at(_show(str(key)))
        if code is None:
            where.add_here(f"unknown weekday '{_show(str(key))}'{_weekday_hint(c, str(key))}; "
                           f"use MO TU WE TH FR SA SU")
            continue
        if any(code == d for d, _ in by_day):
            where.add_here(f"weekday '{code}' is given twice")
            continue
        ws = _windows(where, value)
        if ws is not None:
            by_day.append((code, ws))
    by_day.sort(key=lambda p: WEEKDAYS.index(p[0]))
    return tuple(by_day)


def _stretch(c: _Collector, data: Mapping[str, Any]) -> tuple[Window, ...]:
    """A school's ``stretch`` windows (times it can meet now and then; planning.md)."""
    if "stretch" not in data:
        return ()
    return _windows(c.at("stretch"), data["stretch"]) or ()


def _stretch_settings(c: _Collector, p: Mapping[str, Any]
                      ) -> tuple[float, bool | Literal["auto"]]:
    """The partnership's ``stretch_share`` (0 to 1) and ``alternate`` (true, false or
    "auto")."""
    share: float = DEFAULT_STRETCH_SHARE
    if "stretch_share" in p:
        value = p["stretch_share"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            c.add("stretch_share", f"expected a number from 0 to 1, got {_type_name(value)}")
        elif not 0 <= value <= 1:
            c.add("stretch_share", f"{value} is not a share from 0 to 1 (0.5: at most "
                                   f"every other month)")
        else:
            share = float(value)
    alternate: bool | Literal["auto"] = "auto"
    if "alternate" in p:
        value = p["alternate"]
        if isinstance(value, bool):
            alternate = value
        elif value != "auto":
            shown = repr(_show(value)) if isinstance(value, str) else _type_name(value)
            c.add("alternate", f"{shown} is not true, false or 'auto'")
    return share, alternate


def _check_long_enough(c: _Collector, windows: list[tuple[Window, ...]],
                       duration: int | None) -> None:
    """Problem at ``hours`` if no window of the school fits a meeting."""
    if duration is None:
        return
    longest = max(w.end - w.start for ws in windows for w in ws)
    if longest < duration:
        c.add("hours", f"no window is long enough for a {duration}-minute meeting "
                       f"(the longest is {longest} minutes)")


def _closed_dates(closures: tuple[DateRange, ...], start: dt.date,
                  end: dt.date) -> tuple[dt.date, ...]:
    """The dates of ``closures`` within ``start..end``, sorted, each once."""
    return tuple(sorted({r.first + dt.timedelta(days=k) for r in closures
                         for k in range((r.last - r.first).days + 1)
                         if start <= r.first + dt.timedelta(days=k) <= end}))


def _import_all(c: _Collector, entries: list[IcsImport], zone: str, start: dt.date,
                end: dt.date, ics: _Imports) -> _Imported:
    """Reads and imports the ``closures_ics`` entries (``c`` at ``closures_ics``)."""
    closures: list[DateRange] = []
    busy: list[TimedEvent] = []
    reports: list[ImportReport] = []
    for i, entry in enumerate(entries):
        try:
            got = ics.load(entry, zone, start, end)
        except ConfigError as exc:
            c.item(i).extend(exc.problems)
            continue
        closures.extend(got.closures)
        busy.extend(got.busy)
        reports.append(ImportReport(file=entry.file, use=entry.use, events=got.events,
                                    used=got.used, not_used=got.not_used,
                                    closed_dates=_closed_dates(got.closures, start, end)))
    return _Imported(entries=tuple(entries), closures=tuple(closures), busy=tuple(busy),
                     reports=tuple(reports))


def _imported_calendars(c: _Collector, data: Mapping[str, Any], zone: str | None,
                        start: dt.date | None, end: dt.date | None,
                        ics: _Imports | None) -> _Imported:
    """A school's ``closures_ics``: the entries, and what they give when they can be
    read (a zone, a horizon and every entry valid)."""
    items = _list(c, data, "closures_ics")
    if items is None:
        return _Imported()
    at = c.at("closures_ics")
    entries: list[IcsImport] = []
    ok = True
    for i, item in enumerate(items):
        entry = _ics_entry(at.item(i), item)
        if entry is None:
            ok = False
        else:
            entries.append(entry)
    if len(items) > MAX_ICS_FILES:
        at.add_here(f"{len(items)} files is more than the {MAX_ICS_FILES} allowed")
    if ics is None:
        if entries:
            at.add_here("imported calendars need a way to read files: "
                        "use twinschedule.load() or pass read_ics=")
    elif zone is not None and start is not None and end is not None and ok \
            and len(items) <= MAX_ICS_FILES:
        return _import_all(at, entries, zone, start, end, ics)
    return _Imported(entries=tuple(entries))


def _school(c: _Collector, raw: object, start: dt.date | None, end: dt.date | None,
            duration: int | None, ics: _Imports | None) -> School | None:
    """One ``[[schools]]`` table (``c`` at ``schools[i]``), None if it has problems."""
    data = _table(c, raw)
    if data is None:
        return None
    before = len(c.problems)
    _check_keys(c, data, SCHOOL_KEYS)
    sid = _id(c, data)
    name = _str(c, data, "name", required=True)
    zone = _school_zone(c, data)
    country, subdivision, categories = _holiday_settings(c, data)
    days = _weekdays(c, data, "days")
    hours = _hours(c, data)
    by_day = _hours_by_day(c, data)
    stretch = _stretch(c, data)
    prefer = _time(c, data["prefer"], "prefer", allow_24=False) \
        if "prefer" in data else None
    imported = _imported_calendars(c, data, zone, start, end, ics)
    terms = _ranges(c, data, "terms", allow_on=False)
    closures = _ranges(c, data, "closures", allow_on=True)
    busy = _busy(c, data)
    _check_long_enough(c, [hours, *(ws for _, ws in by_day)], duration)
    language = _language(c, data)
    contacts = _contacts(c, data)
    if len(c.problems) > before:
        return None
    assert sid is not None and name is not None and zone is not None
    return School(
        id=sid, name=name, timezone=zone, country=country, subdivision=subdivision,
        holidays=categories, days=days, hours=hours, hours_by_day=by_day,
        prefer=prefer, terms=terms, closures=closures, busy=busy,
        closures_ics=tuple(e.file for e in imported.entries), imports=imported.entries,
        imported_closures=imported.closures, imported_busy=imported.busy,
        import_reports=imported.reports, language=language, stretch=stretch,
        contacts=contacts,
    )


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _horizon(c: _Collector, p: Mapping[str, Any], max_years: int
             ) -> tuple[dt.date | None, dt.date | None]:
    """``start`` and ``end`` (``end`` None if the horizon is backwards or too long)."""
    start = _date(c, p["start"], "start") if "start" in p else None
    end = _date(c, p["end"], "end") if "end" in p else None
    for k in ("start", "end"):
        if k not in p:
            c.add(k, "required (a date YYYY-MM-DD)")
    if start is None or end is None:
        return start, end
    if end < start:
        c.add("end", f"{end} is before start {start}")
        return start, None
    if end > _add_years(start, max_years):
        c.add("end", f"the horizon {start}..{end} is longer than the {max_years} years "
                     f"allowed")
        return start, None
    return start, end


def _weeks(c: _Collector, p: Mapping[str, Any]) -> tuple[int, ...] | None:
    """The ``weeks`` of the month (in ``NTHS`` order), None if not given or bad."""
    items = _list(c, p, "weeks")
    if items is None:
        return None
    ok = True
    for i, w in enumerate(items):
        if isinstance(w, bool) or not isinstance(w, int) or w not in NTHS:
            shown = _number(w) if isinstance(w, int) and not isinstance(w, bool) \
                else f"'{_show(w)}'" if isinstance(w, str) else _type_name(w)
            c.add(f"weeks[{i}]", f"{shown} is not one of 1, 2, 3, 4, -1 (last)")
            ok = False
    if not ok:
        return None
    if len(set(items)) != len(items):
        c.add("weeks", "a week is listed twice")
        return None
    return tuple(sorted(items, key=NTHS.index))


def _step(c: _Collector, p: Mapping[str, Any]) -> int | None:
    """The ``step`` of the start times: 5 to 1440 minutes, dividing a day."""
    step = _int(c, p, "step", lo=5, hi=1440, unit=" minutes")
    if step is not None and 1440 % step:
        c.add("step", f"{step} does not divide 1440 (a day's minutes); try "
                      f"{max(d for d in range(5, step + 1) if 1440 % d == 0)}")
    return step


class _Head(NamedTuple):
    """The checked keys of the ``[partnership]`` (or ``[network]``) table."""

    id: str | None
    name: str | None
    start: dt.date | None
    end: dt.date | None
    duration: int | None
    title: str | None
    location: str | None
    description: str | None
    anchor: str | None
    weekdays: tuple[Weekday, ...] | None
    weeks: tuple[int, ...] | None
    step: int | None
    on_conflict: str | None
    max_move_days: int | None
    top: int | None
    sequence: int | None
    language: str | None


def _head(c: _Collector, p: Mapping[str, Any], keys: tuple[str, ...],
          max_years: int) -> _Head:
    """The partnership table: identity, horizon, meeting texts and the rule space."""
    _check_keys(c, p, keys)
    pid = _id(c, p)
    name = _str(c, p, "name", required=True)
    start, end = _horizon(c, p, max_years)
    duration = _int(c, p, "duration", lo=5, hi=720, required=True, unit=" minutes")
    title = _str(c, p, "title")
    location = _str(c, p, "location")
    description = _str(c, p, "description")
    anchor = _zone(c.at("anchor"), p["anchor"]) if "anchor" in p else None
    weekdays = _weekdays(c, p, "weekdays")
    weeks = _weeks(c, p)
    step = _step(c, p)
    on_conflict = _str(c, p, "on_conflict")
    if on_conflict is not None and on_conflict not in ON_CONFLICT:
        c.add("on_conflict", f"'{_show(on_conflict)}' is not 'move' or 'skip'")
    return _Head(
        id=pid, name=name, start=start, end=end, duration=duration, title=title,
        location=location, description=description, anchor=anchor, weekdays=weekdays,
        weeks=weeks, step=step, on_conflict=on_conflict,
        max_move_days=_int(c, p, "max_move_days", lo=0, hi=31),
        top=_int(c, p, "top", lo=1, hi=MAX_TOP),
        sequence=_int(c, p, "sequence", lo=0, hi=2**31 - 1),
        language=_language(c, p))


def _schools(c: _Collector, raw: object, table: str, max_schools: int, head: _Head,
             ics: _Imports | None) -> list[School]:
    """The ``[[schools]]`` list (``c`` at the root): 2 to ``max_schools``, ids unique."""
    if raw is None:
        c.add("schools", "required: at least two [[schools]]")
    elif not isinstance(raw, list):
        c.add("schools", f"expected a list of [[schools]] tables, got {_type_name(raw)}")
    elif len(raw) < 2:
        c.add("schools", f"a {table} needs at least 2 schools, got {len(raw)}")
    elif len(raw) > max_schools:
        c.add("schools", f"{len(raw)} schools is more than the {max_schools} allowed")
    else:
        return _school_list(c.at("schools"), raw, head, ics)
    return []


def _school_list(c: _Collector, raw: list[Any], head: _Head,
                 ics: _Imports | None) -> list[School]:
    seen: dict[str, str] = {}
    schools: list[School] = []
    for i, item in enumerate(raw):
        at = c.item(i, _school_label(item))
        s = _school(at, item, head.start, head.end, head.duration, ics)
        if s is None:
            continue
        if s.id in seen:
            at.add("id", f"'{s.id}' is already the id of {seen[s.id]}")
            continue
        seen[s.id] = at.path
        schools.append(s)
    return schools


def _school_label(item: object) -> str:
    """The id a school's problems are named by beside its position
    (``schools[1] (nairobi).timezone``): its ``id`` when that is a valid slug, else ''."""
    sid = item.get("id") if isinstance(item, Mapping) else None
    return sid if isinstance(sid, str) and SLUG.fullmatch(sid) else ""


# (table, message): a file of the other kind, told apart by its table.
_OTHER_KIND = {
    "partnership": ("network", "this is a network file (it has a [network] table), not a "
                               "partnership file: 'twinschedule network' and 'twinschedule "
                               "match' read it (in Python: twinschedule.load_network)"),
    "network": ("partnership", "this is a partnership file (it has a [partnership] table), "
                               "not a network file: 'twinschedule plan' reads it (in Python: "
                               "twinschedule.load)"),
}


def _root(c: _Collector, data: object, table: str, source: str | None
          ) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The file's top level and its ``table`` ({} if missing or not a table); raises if
    the file is not a table at all."""
    if not isinstance(data, Mapping):
        c.add_here(f"expected a table with [{table}] and [[schools]], got {_type_name(data)}")
        raise ConfigError(c.problems, source=source)
    top = cast(Mapping[str, Any], data)
    other = _OTHER_KIND.get(table)
    if other is not None and other[0] in top and table not in top:
        c.add_here(other[1])  # one problem, not the other kind's keys as unknown or missing
        raise ConfigError(c.problems, source=source)
    _check_keys(c, top, (table, "schools", "agreement") if table == "partnership"
                else (table, "schools"))
    p = top.get(table)
    if p is None:
        c.add(table, f"required: a [{table}] table")
        return top, {}
    if not isinstance(p, Mapping):
        c.add(table, f"expected a table, got {_type_name(p)}")
        return top, {}
    return top, cast(Mapping[str, Any], p)


def from_dict(data: object, *, read_ics: ReadIcs | None = None,
              import_ics: ImportIcs | None = None, source: str | None = None,
              table: str = "partnership", keys: tuple[str, ...] = PARTNERSHIP_KEYS,
              max_schools: int = MAX_SCHOOLS, max_years: int = MAX_YEARS,
              extra: Callable[[_Collector, Mapping[str, Any]], None] | None = None
              ) -> Partnership:
    """Validate ``data`` (the structure of a partnership file) into a ``Partnership``.

    Raises ``ConfigError`` carrying every problem found. ``table``, ``keys``,
    ``max_schools``, ``max_years`` and ``extra`` (a check of the table's own further
    keys, adding its problems to the same collector, at the root path) let network
    files (``network_config``) share this validation.
    """
    c = _Collector()
    top, p = _root(c, data, table, source)
    head = _head(c.at(table), p, keys, max_years)
    share, alternate = _stretch_settings(c.at(table), p)
    if extra is not None:
        extra(c, p)
    ics = _Imports(read_ics, import_ics) if read_ics is not None \
        and import_ics is not None else None
    schools = _schools(c, top.get("schools"), table, max_schools, head, ics)
    agreement = _agreement(c.at("agreement"), top["agreement"], head) \
        if "agreement" in top else None
    organizer = _contact(c.at(table).at("organizer"), p["organizer"], ("name", "email")) \
        if "organizer" in p else None
    if c.problems:
        raise ConfigError(c.problems, source=source)
    assert head.id is not None and head.name is not None
    assert head.start is not None and head.end is not None and head.duration is not None
    return Partnership(
        id=head.id, name=head.name, start=head.start, end=head.end, duration=head.duration,
        schools=tuple(schools), title=head.title, location=head.location,
        description=head.description, anchor=head.anchor,
        weekdays=head.weekdays or WEEKDAYS, weeks=head.weeks or NTHS,
        step=head.step if head.step is not None else DEFAULT_STEP,
        on_conflict="skip" if head.on_conflict == "skip" else "move",
        max_move_days=head.max_move_days,
        top=head.top if head.top is not None else DEFAULT_TOP,
        sequence=head.sequence or 0, language=head.language or "en",
        stretch_share=share, alternate=alternate, agreement=agreement, organizer=organizer,
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
    if p.language != "en":
        part["language"] = p.language
    if p.stretch_share != DEFAULT_STRETCH_SHARE:
        part["stretch_share"] = p.stretch_share
    if p.alternate != "auto":
        part["alternate"] = p.alternate
    if p.organizer is not None:
        part["organizer"] = _contact_dict(p.organizer)
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
        if s.stretch:
            d["stretch"] = [str(w) for w in s.stretch]
        if s.imports:
            d["closures_ics"] = [
                e.file if e == IcsImport(file=e.file) else {
                    "file": e.file, "as": e.use,
                    **({"include": list(e.include)} if e.include else {}),
                    **({"exclude": list(e.exclude)} if e.exclude else {})}
                for e in s.imports]
        if s.language is not None:
            d["language"] = s.language
        if s.terms:
            d["terms"] = _ranges_dict(s.terms)
        if s.closures:
            d["closures"] = _ranges_dict(s.closures)
        if s.busy:
            d["busy"] = [{**({"on": b.on.isoformat()} if b.on is not None
                             else {"every": list(b.every)}),
                          "from": hhmm(b.start), "to": hhmm(b.end),
                          **({"name": b.name} if b.name else {})} for b in s.busy]
        if s.contacts:
            d["contacts"] = [_contact_dict(x) for x in s.contacts]
        schools.append(d)
    out: dict[str, Any] = {"partnership": part, "schools": schools}
    if p.agreement is not None:
        out["agreement"] = _agreement_dict(p.agreement)
    return out


# -- the agreement and the people invited (agreement.md) -------------------------------


def _agreed_rule(c: _Collector, value: object, head: _Head, since: dt.date | None
                 ) -> Rule | None:
    """One agreed rule ``"3rd TH 18:00 America/Lima"`` (``c`` at its path): readable,
    its zone a location zone, and a candidate on its nominal dates from ``since``."""
    if not isinstance(value, str):
        c.add_here(f"expected a rule {_agreed.RULE_FORM}, got {_type_name(value)}")
        return None
    parts = _agreed.read_rule(value)
    if isinstance(parts, str):
        c.add_here(parts)
        return None
    if _zone(c, parts.anchor) is None or head.duration is None:
        return None
    if since is not None and head.end is not None:
        why = _agreed.not_a_candidate(parts, head.duration, since, head.end)
        if why is not None:
            c.add_here(f"'{_show(value)}' is not a candidate: {why}")
            return None
    return Rule(nth=parts.nth, weekday=parts.weekday, time=parts.time, anchor=parts.anchor,
                duration=head.duration)


def _since(c: _Collector, data: Mapping[str, Any], head: _Head) -> dt.date | None:
    """``since`` (default: the horizon's start), inside the horizon."""
    if "since" not in data:
        return head.start
    since = _date(c, data["since"], "since")
    if since is not None and head.start is not None and head.end is not None \
            and not head.start <= since <= head.end:
        c.add("since", f"{since} is outside the horizon {head.start} to {head.end}")
        return None
    return since


def _agreement(c: _Collector, raw: object, head: _Head) -> Agreement | None:
    """The ``[agreement]`` table (``c`` at ``agreement``): ``rule`` or ``rules`` (two
    rules, an agreed alternation) and ``since``."""
    data = _table(c, raw)
    if data is None:
        return None
    _check_keys(c, data, AGREEMENT_KEYS)
    since = _since(c, data, head)
    if ("rule" in data) == ("rules" in data):
        c.add_here("give either rule = \"...\" (one agreed rule) or rules = [\"...\", "
                   "\"...\"] (an agreed alternation of two rules)")
        return None
    if "rule" in data:
        rule = _agreed_rule(c.at("rule"), data["rule"], head, since)
        return None if rule is None or since is None else Agreement(rules=(rule,),
                                                                     since=since)
    items = data["rules"]
    if not isinstance(items, list) or len(items) != 2:
        got = f"{len(items)} rules" if isinstance(items, list) else _type_name(items)
        c.add("rules", f"an agreed alternation is exactly two rules, got {got}")
        return None
    rules = [_agreed_rule(c.at("rules").item(i), v, head, since) for i, v in enumerate(items)]
    if rules[0] is not None and rules[0] == rules[1]:
        c.add("rules", "the two rules of an alternation must differ")
        return None
    if rules[0] is None or rules[1] is None or since is None:
        return None
    return Agreement(rules=(rules[0], rules[1]), since=since)


def _contact(c: _Collector, raw: object, keys: tuple[str, ...] = CONTACT_KEYS
             ) -> Contact | None:
    """``{ name = "...", email = "...", language = "..." }`` (``c`` at its path)."""
    data = _table(c, raw)
    if data is None:
        return None
    before = len(c.problems)
    _check_keys(c, data, keys)
    name = _str(c, data, "name") or ""
    email = _str(c, data, "email", required=True)
    if email is not None:
        why = _agreed.email_problem(email.strip())
        if why is not None:
            c.add("email", why)
    language = _language(c, data) if "language" in keys else None
    if len(c.problems) > before or email is None:
        return None
    return Contact(name=" ".join(name.split()), email=email.strip(), language=language)


def _contacts(c: _Collector, data: Mapping[str, Any]) -> tuple[Contact, ...]:
    """A school's ``contacts``: who receives the invitations, each address once."""
    items = _list(c, data, "contacts")
    out: list[Contact] = []
    for i, item in enumerate(items or []):
        contact = _contact(c.at("contacts").item(i), item)
        if contact is None:
            continue
        if any(x.email.lower() == contact.email.lower() for x in out):
            c.at("contacts").item(i).add("email", f"'{contact.email}' is listed twice")
            continue
        out.append(contact)
    return tuple(out)


def _contact_dict(x: Contact) -> dict[str, Any]:
    out: dict[str, Any] = {"name": x.name, "email": x.email} if x.name else {"email": x.email}
    if x.language is not None:
        out["language"] = x.language
    return out


def _agreement_dict(a: Agreement) -> dict[str, Any]:
    rules = [a.text(i) for i in range(len(a.rules))]
    head: dict[str, Any] = {"rule": rules[0]} if len(rules) == 1 else {"rules": rules}
    return {**head, "since": a.since.isoformat()}
