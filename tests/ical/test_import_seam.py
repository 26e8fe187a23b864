"""The seam between ``config`` and the importer is typed: ``config`` is handed a
``model.ReadIcs`` and a ``model.ImportIcs`` (it imports neither ``_io`` nor ``ical``),
the importer's ``import_ics`` takes what the protocol passes and returns
``model.Imported``, and nothing on the way is ``Any``. mypy checks the calls
(``mypy --strict src``); these tests check that the annotations stay so, and that the
importer's context is frozen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import typing

import pytest

from twinschedule import _io, model
from twinschedule.config import network, partnership
from twinschedule.ical import ics_events, ics_recurrence, ics_rrule, importer


def _hints(obj: object) -> dict[str, object]:
    return typing.get_type_hints(obj)


def test_config_takes_the_protocols() -> None:
    for from_dict in (partnership.from_dict, network.from_dict):
        hints = _hints(from_dict)
        assert hints["read_ics"] == model.ReadIcs | None
        assert hints["import_ics"] == model.ImportIcs | None
    assert _hints(partnership._Imports.__init__)["import_ics"] is model.ImportIcs
    assert _hints(partnership._Imports.load)["return"] is model.Imported
    assert _hints(partnership._Imports._load)["return"] == \
        model.Imported | partnership.ConfigError


def test_readers_are_read_ics() -> None:
    assert _hints(_io.ics_reader)["return"] is model.ReadIcs
    assert _hints(_io.calendar_reader)["return"] is model.ReadIcs
    read = _io.calendar_reader({"a.ics": b"BEGIN:VCALENDAR"})
    assert read("a.ics") == b"BEGIN:VCALENDAR"


def test_import_ics_takes_what_the_protocol_passes() -> None:
    """Every parameter of ``ImportIcs.__call__`` is one of ``import_ics`` of the same
    name and kind (positional ones in the same place), and the result is ``Imported``."""
    wanted = list(inspect.signature(model.ImportIcs.__call__).parameters.values())[1:]
    given = inspect.signature(importer.import_ics).parameters
    positional = [p.name for p in given.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for i, p in enumerate(wanted):
        if p.kind is p.POSITIONAL_ONLY:
            assert positional[i] == p.name
        else:
            assert p.name in given and given[p.name].kind in (p.KEYWORD_ONLY,
                                                              p.POSITIONAL_OR_KEYWORD)
    assert set(given) == {p.name for p in wanted}
    assert _hints(importer.import_ics)["return"] is model.Imported
    got = importer.import_ics(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "Europe/London",
                              dt.date(2026, 9, 1), dt.date(2027, 7, 31), use="closures",
                              include=(), exclude=(), source="'x.ics'")
    assert type(got) is model.Imported


def _any_in(hint: object) -> bool:
    return hint is typing.Any or any(_any_in(a) for a in typing.get_args(hint))


@pytest.mark.parametrize("obj", [
    partnership.from_dict, network.from_dict, partnership._Imports.__init__,
    partnership._Imports.load, partnership._Imports._load, _io.ics_reader,
    _io.calendar_reader, importer.import_ics, model.ImportIcs.__call__,
    model.ReadIcs.__call__, model.Imported,
], ids=lambda o: getattr(o, "__qualname__", str(o)))
def test_no_any_on_the_seam(obj: object) -> None:
    hints = _hints(obj)
    # from_dict's ``extra`` checks the raw table of a parsed document (not the seam)
    hints.pop("extra", None)
    assert hints and not [k for k, v in hints.items() if _any_in(v)]


@pytest.mark.parametrize("cls", [ics_recurrence.Context, ics_recurrence.Horizon,
                                 ics_events.Reading, ics_rrule.Limits, model.Imported])
def test_contexts_are_frozen(cls: type) -> None:
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen and dataclasses.fields(cls)
