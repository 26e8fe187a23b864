"""Run libical (Evolution's iCalendar engine, a third engine beside
recurring-ical-events and ical.js) from the tests: tests/libical/expand.py under
Debian's python3 with GObject introspection. CI installs ``gir1.2-ical-3.0``; where
it is missing the tests that need it skip, saying so (see :func:`available`)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

SCRIPT = Path(__file__).parent / "libical" / "expand.py"
PYTHON = "/usr/bin/python3"  # Debian's, where python3-gi is installed
TIMEOUT = 120  # seconds for one run

Occurrence = tuple[str, dt.datetime, dt.datetime]
MISSING = ("libical is not available: install Debian's gir1.2-ical-3.0 and python3-gi "
           "(CI does)")


@functools.cache
def available() -> bool:
    """Whether Debian's python3 can load libical through GObject introspection."""
    try:
        out = subprocess.run([PYTHON, "-c", "import gi; gi.require_version('ICalGLib', "
                              "'3.0'); from gi.repository import ICalGLib"],
                             capture_output=True, timeout=TIMEOUT, check=False)
    except OSError:
        return False
    return out.returncode == 0


def _parse(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def expand_many(files: Sequence[bytes]) -> list[list[Occurrence]]:
    """Every instance ``(uid, start, end)`` (UTC) of each calendar, in one run."""
    out = subprocess.run([PYTHON, str(SCRIPT)],
                         input=json.dumps([f.decode("utf-8") for f in files]),
                         capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"libical failed ({out.returncode}): {out.stderr}")
    return [[(uid, _parse(a), _parse(b)) for uid, a, b in cal]
            for cal in json.loads(out.stdout)]
