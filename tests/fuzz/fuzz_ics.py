"""atheris harness: arbitrary bytes as an imported closures calendar (``closures_ics``).

The only outcomes allowed are closures and busy events, or ``ConfigError``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys

import atheris

with atheris.instrument_imports():
    from twinschedule.errors import ConfigError
    from twinschedule.ical.importer import import_ics


def one_input(data: bytes) -> None:
    with contextlib.suppress(ConfigError):
        import_ics(data, "Europe/London", dt.date(2026, 9, 1), dt.date(2027, 8, 31))


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
