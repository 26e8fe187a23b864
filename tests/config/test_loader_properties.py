"""Loader properties: a round trip through ``to_dict`` gives an equal model, and random
or mutated input only ever gives a model or the one error type (fuzzing, bounded)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import tomllib
from typing import Any

from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import partnerships

import twinschedule
from twinschedule import _io
from twinschedule.config import partnership as config
from twinschedule.errors import ConfigError
from twinschedule.ical.importer import import_ics


@given(partnerships(max_months=24))
def test_round_trip(data: dict[str, Any]) -> None:
    try:
        p = twinschedule.from_dict(data)
    except ConfigError:
        return
    again = twinschedule.from_dict(twinschedule.to_dict(p))
    assert again == p
    assert twinschedule.to_dict(again) == twinschedule.to_dict(p)


def test_round_trip_examples() -> None:
    for path in EXAMPLES.glob("*.toml"):
        p = twinschedule.load(path)
        assert twinschedule.from_dict(twinschedule.to_dict(p), base_dir=path.parent) == p


KEYS = [*config.PARTNERSHIP_KEYS, *config.SCHOOL_KEYS, "partnership", "schools", "from", "to",
        "on", "name", "x"]
values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=30) | st.dates().map(lambda d: d) | st.sampled_from(
        ["Europe/London", "MO", "09:00-15:00", "24:00", "2026-09-01", "GB", "public", "-1"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    max_leaves=25)


def _no_files(name: str) -> bytes:
    raise OSError(2, "No such file or directory")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["partnership", "schools", "x"]), values, max_size=3))
def test_random_dicts_give_model_or_config_error(data: dict[str, Any]) -> None:
    try:
        config.from_dict(data, read_ics=_no_files, import_ics=import_ics)
    except ConfigError as exc:
        assert exc.problems


BASE_TOML = (EXAMPLES / "england-kenya.toml").read_bytes()
BASE_DICT = tomllib.loads(BASE_TOML.decode())


@given(st.data())
def test_mutated_dicts_give_model_or_config_error(data: st.DataObject) -> None:
    d = copy.deepcopy(BASE_DICT)
    for _ in range(data.draw(st.integers(1, 4))):
        section = data.draw(st.sampled_from(["partnership", "school0", "school1"]))
        table = d["partnership"] if section == "partnership" else d["schools"][int(section[-1])]
        key = data.draw(st.sampled_from([*sorted(table), "extra"]))
        table[key] = data.draw(values)
    try:
        config.from_dict(d, read_ics=_no_files, import_ics=import_ics)
    except ConfigError as exc:
        assert exc.problems


@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_random_toml_text(raw: bytes) -> None:
    with contextlib.suppress(ConfigError):
        config.from_dict(_io.parse_document(raw, kind="toml", source="x"),
                         read_ics=_no_files, import_ics=import_ics)


@given(st.data())
def test_mutated_toml_text(data: st.DataObject) -> None:
    raw = bytearray(BASE_TOML)
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if op == "flip":
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "delete":
            del raw[i]
        else:
            raw.insert(i, data.draw(st.sampled_from(b'"[]=.,-:0123456789\n ')))
    with contextlib.suppress(ConfigError):
        config.from_dict(_io.parse_document(bytes(raw), kind="toml", source="x"),
                         read_ics=_no_files, import_ics=import_ics)


ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n"
       b"DTSTART;VALUE=DATE:20261026\r\nDTEND;VALUE=DATE:20261031\r\nSUMMARY:Half term\r\n"
       b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:2\r\nDTSTART;TZID=Europe/London:20260902T150000\r\n"
       b"DTEND;TZID=Europe/London:20260902T160000\r\nRRULE:FREQ=WEEKLY;UNTIL=20270701T000000Z"
       b"\r\nEXDATE;TZID=Europe/London:20261028T150000\r\nSUMMARY:Staff meeting\r\n"
       b"END:VEVENT\r\nEND:VCALENDAR\r\n")


@given(st.data())
def test_mutated_calendars(data: st.DataObject) -> None:
    raw = bytearray(ICS)
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(raw) - 1))
        if data.draw(st.booleans()):
            raw[i] = data.draw(st.integers(0, 255))
        else:
            raw[i:i] = data.draw(st.sampled_from(
                [b";", b":", b"\r\n", b"RRULE:FREQ=DAILY\r\n", b"X", b"0", b"BEGIN:VEVENT\r\n"]))
    try:
        import_ics(bytes(raw), "Europe/London", dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    except ConfigError as exc:
        assert exc.problems


@given(st.binary(max_size=300))
def test_random_calendars(raw: bytes) -> None:
    with contextlib.suppress(ConfigError):
        import_ics(b"BEGIN:VCALENDAR\r\n" + raw, "Europe/London", dt.date(2026, 9, 1),
                   dt.date(2027, 8, 31))
