"""Inputs the atheris fuzzers found (tests/fuzz/regressions/): each must now give a
valid result or the one error type, never another exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from twinschedule import _io
from twinschedule.config import partnership as config
from twinschedule.errors import ConfigError
from twinschedule.ical.importer import import_ics

HERE = Path(__file__).parent.parent / "fuzz" / "regressions"


def _no_files(name: str) -> bytes:
    raise OSError(2, "No such file or directory")


def _inputs(kind: str, fuzzer: str) -> list[Any]:
    """The saved inputs of one fuzzer, or one skipped case that says what is missing
    (instead of pytest's bare "got empty parameter set")."""
    found = sorted((HERE / kind).glob("*"))
    if found:
        return [pytest.param(p, id=p.name) for p in found]
    return [pytest.param(None, id="none", marks=pytest.mark.skip(
        reason=f"no saved inputs in tests/fuzz/regressions/{kind}/: {fuzzer} has found no "
               f"crash to keep (see tests/fuzz/README.md)"))]


@pytest.mark.parametrize("path", _inputs("ics", "tests/fuzz/fuzz_ics.py"))
def test_ics_regression(path: Path) -> None:
    try:
        import_ics(path.read_bytes(), "Europe/London", dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    except ConfigError as exc:
        assert exc.problems and all(p.message for p in exc.problems)


@pytest.mark.parametrize("path", _inputs("loader", "tests/fuzz/fuzz_loader.py"))
def test_loader_regression(path: Path) -> None:
    data = path.read_bytes()
    try:
        doc = _io.parse_document(data, kind="json" if data[:1] == b"{" else "toml",
                                 source="x")
        config.from_dict(doc, read_ics=_no_files, import_ics=import_ics)
    except ConfigError as exc:
        assert exc.problems
