"""Run Mozilla ical.js (tests/js/expand.mjs under Node.js) from the tests.

ical.js reads the VTIMEZONEs in the file and nothing else, so it catches wrong
VTIMEZONEs that the Python engines (which resolve TZIDs with zoneinfo) never see.
The tests never install it: CI runs ``npm ci`` in tests/js; without Node.js or without
``tests/js/node_modules`` the tests that need it skip (see :func:`node_available`).
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
SCRIPT = HERE / "expand.mjs"
TIMEOUT = 120  # seconds for one Node.js run

Occurrence = tuple[str, dt.datetime, dt.datetime]


def node_available() -> bool:
    """Whether ``node`` is on PATH and ``npm ci`` has been run in tests/js."""
    return (shutil.which("node") is not None
            and (HERE / "node_modules" / "ical.js" / "package.json").is_file())


def _iso(t: dt.datetime) -> str:
    if t.tzinfo is None:
        raise ValueError(f"naive datetime {t}: pass an aware (UTC) instant")
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _node(args: Sequence[str], stdin: str | None = None) -> object:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH")
    out = subprocess.run([node, str(SCRIPT), *args], input=stdin, capture_output=True,
                         text=True, timeout=TIMEOUT, check=False, cwd=HERE)
    if out.returncode != 0:
        raise RuntimeError(f"ical.js failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


def _occurrences(items: object) -> list[Occurrence]:
    assert isinstance(items, list)
    return [(str(o["uid"]), _parse(o["start"]), _parse(o["end"])) for o in items]


def expand_many(files: Sequence[bytes], start: dt.datetime, end: dt.datetime
                ) -> list[list[Occurrence]]:
    """Occurrences ``(uid, start, end)`` (UTC) overlapping [start, end) of each calendar,
    sorted; one Node.js run for all of them."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(files):
            path = Path(tmp) / f"{i}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        result = _node(["expand-many", _iso(start), _iso(end), *paths])
    assert isinstance(result, dict)
    return [_occurrences(result[p]) for p in paths]


def expand(ics_bytes: bytes, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
    """Occurrences ``(uid, start, end)`` (UTC) of one calendar overlapping [start, end):
    overrides (RECURRENCE-ID, matched per UID) and EXDATEs applied, sorted."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cal.ics"
        path.write_bytes(ics_bytes)
        return _occurrences(_node(["expand", str(path), _iso(start), _iso(end)]))


def offsets(ics_bytes: bytes, tzid: str, instants: Sequence[dt.datetime]) -> list[int]:
    """The UTC offset in minutes that the calendar's VTIMEZONE ``tzid``, as ical.js reads
    it, gives at each aware instant (0 before its first onset, as ical.js does)."""
    return zone_offsets_many([(ics_bytes, tzid, instants, [])])[0][0]


def wall_offsets(ics_bytes: bytes, tzid: str, walls: Sequence[dt.datetime]) -> list[int]:
    """The UTC offset in minutes that ical.js gives to each naive local wall time in the
    calendar's VTIMEZONE ``tzid`` (how it places ``DTSTART;TZID=...``); pass only wall
    times that exist exactly once (ical.js has no fold)."""
    return zone_offsets_many([(ics_bytes, tzid, [], walls)])[0][1]


ZoneQuery = tuple[bytes, str, Sequence[dt.datetime], Sequence[dt.datetime]]


def zone_offsets_many(queries: Sequence[ZoneQuery]) -> list[tuple[list[int], list[int]]]:
    """For each ``(ics_bytes, tzid, instants, walls)``: :func:`offsets` of the aware
    instants and :func:`wall_offsets` of the naive wall times, in one Node.js run."""
    request = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (data, tzid, instants, walls) in enumerate(queries):
            if any(w.tzinfo is not None for w in walls):
                raise ValueError("wall times must be naive")
            path = Path(tmp) / f"{i}.ics"
            path.write_bytes(data)
            request.append({"file": str(path), "tzid": tzid,
                            "instants": [_iso(t) for t in instants],
                            "walls": [w.strftime("%Y-%m-%dT%H:%M:%S") for w in walls]})
        result = _node(["zones"], stdin=json.dumps(request))
    assert isinstance(result, list) and len(result) == len(request)
    out = []
    for asked, got in zip(request, result, strict=True):
        pair = (_minutes_list(got["offsets"], len(asked["instants"])),
                _minutes_list(got["walls"], len(asked["walls"])))
        out.append(pair)
    return out


def _minutes_list(values: object, n: int) -> list[int]:
    assert isinstance(values, list) and len(values) == n
    out = []
    for x in values:
        assert float(x).is_integer(), x  # offsets in whole minutes
        out.append(int(x))
    return out
