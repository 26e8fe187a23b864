"""atheris harness: arbitrary bytes as a TOML or JSON partnership file.

The only outcomes allowed are a valid model or ``ConfigError``; anything else is a
crash. See README.md in this folder.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from twinschedule import _io
    from twinschedule.config import partnership as config
    from twinschedule.errors import ConfigError
    from twinschedule.ical.importer import import_ics


def _no_files(name: str) -> bytes:
    raise OSError(2, "No such file or directory")


def one_input(data: bytes) -> None:
    kind = "json" if data[:1] == b"{" else "toml"
    try:
        doc = _io.parse_document(data, kind=kind, source="fuzz")
        config.from_dict(doc, read_ics=_no_files, import_ics=import_ics, source="fuzz")
    except ConfigError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
