"""Shared test settings: bounded hypothesis profiles (``HYPOTHESIS_PROFILE=ci``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Copies of the public conformance cases the tests need (tests/conformance/README.md).
CONFORMANCE = ROOT / "tests" / "conformance"

# Tests mirror the packages (tests/core/, tests/ical/, ...). Some test modules share
# their cases with others by basename (``from test_feeds import held``), so every test
# folder is on sys.path whatever the collection order; basenames are unique
# (tests/test_architecture.py checks it).
TEST_DIRS = sorted(p for p in (ROOT / "tests").iterdir()
                   if p.is_dir() and any(p.glob("test_*.py")))
sys.path[:0] = [str(p) for p in TEST_DIRS if str(p) not in sys.path]

settings.register_profile("dev", max_examples=50, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# icalendar and recurring-ical-events resolve TZIDs with ``zoneinfo``, which prefers the
# host's zone files (older here than the tzdata package, e.g. for Africa/Casablanca).
# twinschedule itself always reads the tzdata package; make the Python engine used in
# the interop tests read the same data, as the feeds' own VTIMEZONEs do.
import zoneinfo  # noqa: E402

zoneinfo.reset_tzpath(to=[])


def pytest_addoption(parser: object) -> None:
    parser.addoption("--update-golden", action="store_true",  # type: ignore[attr-defined]
                     help="rewrite tests/golden/*.txt from the current output")

# The atheris harnesses in tests/fuzz/ are programs, not tests.
collect_ignore = ["fuzz"]
