"""Run Mozilla ical.js (tests/js/expand.mjs under Node.js) from the tests.

ical.js reads the VTIMEZONEs in the file and nothing else, so it catches wrong
VTIMEZONEs that the Python engines (which resolve TZIDs with zoneinfo) never see.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).parent / "js"


def node_available() -> bool:
    return shutil.which("node") is not None and (HERE / "node_modules" / "ical.js").is_dir()


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _node(args: Sequence[str]) -> object:
    out = subprocess.run(["node", str(HERE / "expand.mjs"), *args], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"ical.js failed: {out.stderr}")
    return json.loads(out.stdout)


def expand_many(files: Sequence[bytes], start: dt.datetime, end: dt.datetime
                ) -> list[list[tuple[str, dt.datetime, dt.datetime]]]:
    """Occurrences ``(uid, start, end)`` (UTC) of each calendar between two instants."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(files):
            path = Path(tmp) / f"{i}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        result = _node(["expand", _iso(start), _iso(end), *paths])
    assert isinstance(result, dict)
    return [[(o["uid"], _parse(o["start"]), _parse(o["end"])) for o in result[p]]
            for p in paths]


def expand(data: bytes, start: dt.datetime, end: dt.datetime
           ) -> list[tuple[str, dt.datetime, dt.datetime]]:
    return expand_many([data], start, end)[0]


def offsets(data: bytes, tzid: str, walls: Sequence[dt.datetime]) -> list[int]:
    """The UTC offset in minutes that the file's VTIMEZONE ``tzid`` gives to each naive
    local wall time (pass only wall times that exist exactly once)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tz.ics"
        path.write_bytes(data)
        result = _node(["offsets", str(path), tzid,
                        *(w.strftime("%Y-%m-%dT%H:%M:%S") for w in walls)])
    assert isinstance(result, list)
    return [int(x) for x in result]
