"""Fuzzing the loader with hypothesis (bounded: the CI profile runs 100 examples a test).

Random and mutated dicts, TOML text, JSON text and iCalendar bytes go through
``twinschedule.from_dict``, the file loader and ``_ics_import.import_ics``. The only
outcomes allowed are a valid model or ``ConfigError``, and every problem reported must be
printable, short and carry a message. Valid partnerships survive a round trip through
``to_dict`` (as a dict, as JSON and as TOML text).

The coverage-guided version of the same fuzzing is ``tests/fuzz/`` (atheris).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from conftest import EXAMPLES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import TRICKY_ZONES, partnerships

import twinschedule
from twinschedule import _io
from twinschedule.config import partnership as config
from twinschedule.errors import ConfigError
from twinschedule.ical.importer import import_ics
from twinschedule.model import DateRange, Partnership, TimedEvent

START, END = dt.date(2026, 9, 1), dt.date(2027, 8, 31)
SLOW_OK = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _no_files(name: str) -> bytes:
    raise OSError(2, "No such file or directory")


def check_problems(exc: ConfigError) -> None:
    """What every report must be: non-empty, and each problem printable and short."""
    assert exc.problems
    for p in exc.problems:
        assert p.message, p
        assert p.message.isprintable() and p.path.isprintable(), repr(p)
        assert len(p.message) < 700 and len(p.path) < 200, repr(p)[:300]
    exc.report().encode("utf-8")  # no lone surrogates: the CLI can print it


def load_dict(data: object) -> Partnership | None:
    try:
        return config.from_dict(data, read_ics=_no_files, import_ics=import_ics)
    except ConfigError as exc:
        check_problems(exc)
        return None


def load_bytes(raw: bytes, kind: str) -> Partnership | None:
    try:
        doc = _io.parse_document(raw, kind=kind, source="fuzz")
    except ConfigError as exc:
        check_problems(exc)
        return None
    return load_dict(doc)


# --- random values with the real keys ------------------------------------------------------

RANGE_KEYS = ["from", "to", "on", "name"]
KEYS = sorted({*config.PARTNERSHIP_KEYS, *config.SCHOOL_KEYS, *RANGE_KEYS, "partnership",
               "schools", "durration", "timezon", "FR", "friday", "Fridy"})
INTERESTING = [
    "Europe/London", "Europe/Londn", "europe/london", "Africa/Nairobi", "UTC", "London",
    "MO", "mon", "Monday", "Tusday", "SU", "09:00-15:00", "13:15-12:30", "08:00-24:00",
    "24:00", "25:00", "9:00", "00:00", "23:59", "2026-09-01", "2027-02-30", "2036-09-02",
    "0001-01-01", "9999-12-31", "GB", "UK", "KE", "ke", "GBR", "ENG", "Zone C", "public",
    "school", "publik", "move", "skip", "-1", "../x", "a/b", "", " ", "\x00", "\ud800",
    "\x1b[2J", "x" * 200, "cal.ics", "/etc/passwd", "..", "٠٩:٠٠",
]
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2, 1441)
           | st.sampled_from([10**4000, -(10**4200), 2**31, 2**63])  # repr-able: < 4300 digits
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(st.characters(codec=None, exclude_categories=()), max_size=20)
           | st.sampled_from(INTERESTING)
           | st.dates() | st.datetimes() | st.times()
           | st.dates(dt.date(2025, 1, 1), dt.date(2038, 12, 31)))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=5),
    max_leaves=20)
tables = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
documents = st.fixed_dictionaries(
    {}, optional={"partnership": tables | values,
                  "schools": st.lists(tables, max_size=4) | values,
                  "x": values})


@SLOW_OK
@given(documents | values)
def test_random_dicts_give_model_or_config_error(data: object) -> None:
    load_dict(data)


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with 1 to 4 values replaced, deleted or added anywhere in the tree."""
    d = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        node: Any = d
        for _depth in range(draw(st.integers(0, 4))):
            if isinstance(node, dict) and node:
                child = node[draw(st.sampled_from(sorted(node, key=str)))]
            elif isinstance(node, list) and node:
                child = node[draw(st.integers(0, len(node) - 1))]
            else:
                break
            if not isinstance(child, dict | list):
                break
            node = child
        op = draw(st.sampled_from(["set", "delete", "add"]))
        if isinstance(node, dict):
            keys = sorted(node, key=str)
            if op == "add" or not keys:
                node[draw(st.sampled_from(KEYS))] = draw(values)
            elif op == "delete":
                del node[draw(st.sampled_from(keys))]
            else:
                node[draw(st.sampled_from(keys))] = draw(values)
        elif isinstance(node, list):
            if op == "add" or not node:
                node.insert(draw(st.integers(0, len(node))), draw(values))
            elif op == "delete":
                del node[draw(st.integers(0, len(node) - 1))]
            else:
                node[draw(st.integers(0, len(node) - 1))] = draw(values)
    return d


BASE_TOML = (EXAMPLES / "england-kenya.toml").read_bytes()
BASE_DICT = tomllib.loads(BASE_TOML.decode())


@SLOW_OK
@given(mutated(BASE_DICT) | partnerships(max_months=12).flatmap(mutated))
def test_mutated_valid_dicts_give_model_or_config_error(data: dict[str, Any]) -> None:
    load_dict(data)


# --- TOML and JSON text ------------------------------------------------------------------

def toml_value(value: object) -> str:
    """A TOML literal for the values of ``to_dict`` and of the strategies below."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) or value == value else "nan"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(value)


def to_toml(data: dict[str, Any]) -> str:
    """A partnership dict as a TOML document: [partnership] and [[schools]] tables."""
    lines = ["[partnership]"]
    lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in data["partnership"].items()]
    for school in data["schools"]:
        lines += ["", "[[schools]]"]
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in school.items()]
    return "\n".join(lines) + "\n"


PRINTABLE = [s for s in INTERESTING if s.isprintable()]  # TOML text cannot hold the others
toml_scalars = (st.booleans() | st.integers(-10, 2000) | st.sampled_from(PRINTABLE)
                | st.dates(dt.date(1960, 1, 1), dt.date(2300, 1, 1)) | st.times()
                | st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
                          max_size=15))
toml_values = st.recursive(toml_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
                           max_leaves=8)
toml_tables = st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=8)


@SLOW_OK
@given(st.fixed_dictionaries({"partnership": toml_tables,
                              "schools": st.lists(toml_tables, max_size=3)}))
def test_random_toml_documents(data: dict[str, Any]) -> None:
    """Syntactically valid TOML with the real keys and random values."""
    text = to_toml(data)
    assert tomllib.loads(text) is not None
    load_bytes(text.encode(), "toml")


@SLOW_OK
@given(st.lists(st.sampled_from([
    "[partnership]", "[[schools]]", "[[schools.terms]]", "[schools.hours_by_day]",
    "[[schools.busy]]", 'id = "x"', "start = 2026-09-01", "end = 2027-02-30",
    'timezone = "Europe/London"', "duration = 45", "hours = [", '"09:00-15:00",', "]",
    "a = {b = [1, {c = 2}]}", "x = 1979-05-27T07:32:00Z", 'name = """', '"""', "=", "",
    "weeks = [1, 2, -1]", "on = 10:00:00", 'from = "10:45"', "top = 0x7fffffff"]),
    max_size=25))
def test_random_toml_lines(lines: list[str]) -> None:
    load_bytes("\n".join(lines).encode(), "toml")


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_bytes_as_toml_and_json(raw: bytes) -> None:
    load_bytes(raw, "toml")
    load_bytes(raw, "json")


def mutate_bytes(data: st.DataObject, raw: bytes, pieces: list[bytes]) -> bytes:
    out = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(out) - 1))
        op = data.draw(st.sampled_from(["flip", "delete", "insert", "copy"]))
        if op == "flip":
            out[i] = data.draw(st.integers(0, 255))
        elif op == "delete":
            del out[i:i + data.draw(st.integers(1, 20))]
        elif op == "insert":
            out[i:i] = data.draw(st.sampled_from(pieces))
        else:  # duplicate a stretch, as a careless copy and paste would
            j = data.draw(st.integers(i, min(len(out), i + 200)))
            out[j:j] = out[i:j]
        if not out:
            out = bytearray(b" ")
    return bytes(out)


TOML_PIECES = [b'"', b"[", b"]", b"=", b".", b",", b"-", b":", b"0", b"9", b"\n", b" ",
               b"[[schools]]\n", b"\xff", b"\x00", b"\xef\xbb\xbf", b"#", b"\\", b"'",
               b"2027-02-30", b"24:00", b"inf", b"nan", b"true"]


@SLOW_OK
@given(st.data())
def test_mutated_valid_toml(data: st.DataObject) -> None:
    load_bytes(mutate_bytes(data, BASE_TOML, TOML_PIECES), "toml")


BASE_JSON = json.dumps(BASE_DICT, default=str, indent=1).encode()


@SLOW_OK
@given(st.data())
def test_mutated_valid_json(data: st.DataObject) -> None:
    load_bytes(mutate_bytes(data, BASE_JSON, [*TOML_PIECES, b"{", b"}", b"null",
                                              b'"\\ud800"', b'"\\u0000"', b"1e999"]), "json")


@SLOW_OK
@given(st.data())
def test_file_loader_with_calendars(data: st.DataObject) -> None:
    """The file loader, with a real folder: missing, empty, odd or unsafe file names."""
    doc = copy.deepcopy(BASE_DICT)
    doc["schools"][0]["closures_ics"] = data.draw(st.lists(st.sampled_from(
        ["cal.ics", "missing.ics", "", "sub", "sub/../cal.ics", "cal.ics\x00", "/dev/null",
         ".", "empty.ics"]), min_size=1, max_size=3))
    kind = data.draw(st.sampled_from(["toml", "json"]))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "cal.ics").write_bytes(ICS)
        (root / "empty.ics").write_bytes(b"")
        (root / "sub").mkdir()
        path = root / f"p.{kind}"
        text = to_toml(doc) if kind == "toml" else json.dumps(doc, default=str)
        path.write_text(text, encoding="utf-8")
        try:
            twinschedule.load(path)
        except ConfigError as exc:
            check_problems(exc)
            assert exc.source == str(path)


# --- iCalendar ------------------------------------------------------------------------

ICS = (EXAMPLES / "calendars" / "rugby-term-dates.ics").read_bytes()


def check_import(raw: bytes, zone: str = "Europe/London") -> None:
    try:
        got = import_ics(raw, zone, START, END)
        closures, busy = got.closures, got.busy
    except ConfigError as exc:
        check_problems(exc)
        return
    assert all(isinstance(c, DateRange) and c.first <= c.last for c in closures)
    assert all(isinstance(b, TimedEvent) and b.start < b.end for b in busy)
    assert all(b.start.tzinfo is dt.UTC and b.end.tzinfo is dt.UTC for b in busy)


def ics_date(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


@st.composite
def ics_datetimes(draw: st.DrawFn) -> str:
    """A DTSTART-like property value with its parameters: ``;TZID=..:...`` etc."""
    d = draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)) | st.dates())
    t = draw(st.times())
    kind = draw(st.sampled_from(["date", "utc", "floating", "tzid", "junk"]))
    if kind == "date":
        return f";VALUE=DATE:{ics_date(d)}"
    stamp = f"{ics_date(d)}T{t.strftime('%H%M%S')}"
    if kind == "utc":
        return f":{stamp}Z"
    if kind == "floating":
        return f":{stamp}"
    if kind == "tzid":
        return f";TZID={draw(st.sampled_from([*TRICKY_ZONES, 'Custom/Zone', 'Mars']))}:{stamp}"
    return draw(st.sampled_from([":", ":tomorrow", ";VALUE=PERIOD:20261010T100000Z/PT1H",
                                 ";VALUE=DURATION:PT1H", f":{stamp}X", ";TZID=:" + stamp]))


@st.composite
def rrules(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "SECONDLY",
                                 "MINUTELY", "FORTNIGHTLY"]))
    parts = [f"FREQ={freq}"]
    options = {
        "INTERVAL": st.integers(0, 400).map(str),
        "COUNT": st.integers(0, 100_000).map(str),
        "UNTIL": st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)).map(ics_date),
        "BYDAY": st.lists(st.sampled_from(["MO", "TU", "2WE", "-1FR", "SA", "53SU", "XX"]),
                          min_size=1, max_size=4).map(",".join),
        "BYMONTH": st.lists(st.integers(0, 13), min_size=1, max_size=3).map(
            lambda xs: ",".join(map(str, xs))),
        "BYMONTHDAY": st.lists(st.integers(-32, 32), min_size=1, max_size=3).map(
            lambda xs: ",".join(map(str, xs))),
        "BYYEARDAY": st.lists(st.integers(-367, 367), min_size=1, max_size=3).map(
            lambda xs: ",".join(map(str, xs))),
        "BYWEEKNO": st.lists(st.integers(-54, 54), min_size=1, max_size=3).map(
            lambda xs: ",".join(map(str, xs))),
        "BYSETPOS": st.lists(st.integers(-5, 5), min_size=1, max_size=2).map(
            lambda xs: ",".join(map(str, xs))),
        "BYHOUR": st.lists(st.integers(0, 24), min_size=1, max_size=30).map(
            lambda xs: ",".join(map(str, xs))),
        "BYMINUTE": st.lists(st.integers(0, 60), min_size=1, max_size=3).map(
            lambda xs: ",".join(map(str, xs))),
        "WKST": st.sampled_from(["MO", "SU", "XX"]),
    }
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=4, unique=True)):
        parts.append(f"{name}={draw(options[name])}")
    return ";".join(draw(st.permutations(parts)))


@st.composite
def vevents(draw: st.DrawFn, uid: int) -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid}"]
    if draw(st.integers(0, 9)):
        lines.append("DTSTART" + draw(ics_datetimes()))
    optional = {
        "DTEND": ics_datetimes().map(lambda v: "DTEND" + v),
        "DURATION": st.sampled_from(["PT1H", "P1D", "-PT1H", "P99999999D", "PT0S", "X"]).map(
            lambda v: "DURATION:" + v),
        "RRULE": rrules().map(lambda v: "RRULE:" + v),
        "RDATE": ics_datetimes().map(lambda v: "RDATE" + v),
        "EXDATE": ics_datetimes().map(lambda v: "EXDATE" + v),
        "RECURRENCE-ID": ics_datetimes().map(lambda v: "RECURRENCE-ID" + v),
        "TRANSP": st.sampled_from(["TRANSP:TRANSPARENT", "TRANSP:OPAQUE", "TRANSP:"]),
        "SUMMARY": st.text(st.characters(codec="utf-8", exclude_characters="\r\n"),
                           max_size=30).map(lambda v: "SUMMARY:" + v),
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), max_size=6, unique=True)):
        lines.append(draw(optional[name]))
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


@st.composite
def vtimezones(draw: st.DrawFn) -> str:
    offset = st.sampled_from(["+0100", "+0000", "-0500", "+0545", "+2400", "+9900", "x"])
    parts = ["BEGIN:VTIMEZONE", "TZID:Custom/Zone"]
    for kind in draw(st.lists(st.sampled_from(["STANDARD", "DAYLIGHT"]), max_size=2)):
        parts += [f"BEGIN:{kind}", f"DTSTART{draw(ics_datetimes())}",
                  f"TZOFFSETFROM:{draw(offset)}", f"TZOFFSETTO:{draw(offset)}"]
        if draw(st.booleans()):
            parts.append("RRULE:" + draw(rrules()))
        parts.append(f"END:{kind}")
    parts.append("END:VTIMEZONE")
    return "\r\n".join(parts) + "\r\n"


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n"
    if draw(st.integers(0, 9)) == 0:
        head += "CALSCALE:" + draw(st.sampled_from(["GREGORIAN", "JULIAN"])) + "\r\n"
    body = "".join(draw(st.lists(vtimezones(), max_size=1)))
    body += "".join(draw(vevents(i)) for i in range(draw(st.integers(0, 4))))
    return (head + body + "END:VCALENDAR\r\n").encode("utf-8", "surrogatepass")


@SLOW_OK
@given(calendars(), st.sampled_from(["Europe/London", "Pacific/Chatham", "America/Santiago"]))
def test_generated_calendars(raw: bytes, zone: str) -> None:
    check_import(raw, zone)


ICS_PIECES = [b";", b":", b"\r\n", b"\r\n ", b"RRULE:FREQ=DAILY\r\n",
              b"RRULE:FREQ=SECONDLY\r\n", b"RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\n",
              b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n", b"BEGIN:VTIMEZONE\r\n", b"X", b"0",
              b"TZID=Europe/London", b"VALUE=DATE", b"\xff", b"\x00", b"T", b"Z", b",",
              b"EXDATE:20261028T150000\r\n", b"RECURRENCE-ID:20261028T150000\r\n"]


@SLOW_OK
@given(st.data())
def test_mutated_calendars(data: st.DataObject) -> None:
    check_import(mutate_bytes(data, ICS, ICS_PIECES))


@given(st.binary(max_size=400))
def test_random_bytes_as_calendars(raw: bytes) -> None:
    check_import(raw)
    check_import(b"BEGIN:VCALENDAR\r\n" + raw + b"\r\nEND:VCALENDAR\r\n")


# --- round trip ----------------------------------------------------------------------

@SLOW_OK
@given(partnerships(max_months=36, max_schools=4))
def test_round_trip_through_to_dict(data: dict[str, Any]) -> None:
    """A valid partnership survives ``to_dict``: as a dict, as JSON and as TOML text."""
    try:
        p = twinschedule.from_dict(data)
    except ConfigError as exc:
        check_problems(exc)
        assume(False)
        return
    d = twinschedule.to_dict(p)
    assert twinschedule.from_dict(d) == p
    assert twinschedule.to_dict(twinschedule.from_dict(d)) == d
    assert load_bytes(json.dumps(d, ensure_ascii=False).encode(), "json") == p
    assert load_bytes(to_toml(d).encode(), "toml") == p
