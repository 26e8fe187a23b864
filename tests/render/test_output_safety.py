"""Output safety: hostile text in names and descriptions stays text in the feeds, and
``--out`` writes only the feeds' own files, atomically, inside the folder it was given."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
from conftest import EXAMPLES, ROOT
from helpers import partnership, school

import twinschedule
from twinschedule import _io
from twinschedule.errors import OutputError

STAMP = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
D = dt.date
HOSTILE = [
    "Line one\r\nLine two",
    "Comma, semicolon; colon: backslash \\ done",
    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:injected",
    "Emoji 🏫🌍 and ZWJ 👩‍🏫",
    "مدرسة الرياض الدولية",
    "北京第四中学",
    "Tab\there and a very long name " + "x" * 120,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_text(text: str) -> None:
    p = partnership([school("a", "Europe/London", name=text, hours=["09:00-15:00"]),
                     school("b", "Africa/Nairobi", name="Partner", hours=["08:00-16:00"])],
                    start=D(2026, 9, 1), end=D(2026, 12, 31), title=text, description=text,
                    location=text)
    plan = twinschedule.plan(p)
    files = twinschedule.feeds(plan, stamp=STAMP)
    for data in files.values():
        cal = icalendar.Calendar.from_ical(data)
        events = cal.walk("VEVENT")
        masters = [e for e in events if "RECURRENCE-ID" not in e]
        assert len(masters) == 1
        assert {str(e["UID"]) for e in events} == {str(masters[0]["UID"])}
        assert set(masters[0].keys()) <= {
            "SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID", "SEQUENCE", "DESCRIPTION",
            "LOCATION", "RRULE", "EXDATE"}
        # iCalendar TEXT has one line break, "\n": CRLF comes back as LF.
        same = text.replace("\r\n", "\n")
        assert str(masters[0]["LOCATION"]) == same
        assert same in str(masters[0]["DESCRIPTION"])
        # SUMMARY is one line of at most 80 characters: white space collapsed, long text
        # shortened with an ellipsis.
        summary = str(masters[0]["SUMMARY"])
        assert "\n" not in summary and len(summary) <= 80
        collapsed = " ".join(same.split())
        assert summary.startswith(collapsed[:8])
        assert [c.name for c in cal.subcomponents].count("VEVENT") == len(events)
    assert b"\nUID:evil@x" not in b"".join(files.values())


def _plan_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twinschedule", "plan",
                           str(EXAMPLES / "england-kenya.toml"), *args],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"})


def test_out_creates_folder_and_writes_only_feeds(tmp_path: Path) -> None:
    out = tmp_path / "new" / "feeds"
    r = _plan_cli("--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(f.name for f in out.iterdir()) == [
        "rugby-nairobi.ics", "rugby-nairobi.nairobi.ics", "rugby-nairobi.rugby.ics"]
    assert sorted(f.name for f in tmp_path.rglob("*")) == sorted(
        ["new", "feeds", "rugby-nairobi.ics", "rugby-nairobi.nairobi.ics",
         "rugby-nairobi.rugby.ics"])


def test_out_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "feeds"
    target.write_text("not a folder")
    r = _plan_cli("--out", str(target))
    assert r.returncode == 2
    assert "is a file, not a folder" in r.stderr and "Traceback" not in r.stderr
    assert target.read_text() == "not a folder"


def test_out_replaces_existing_feeds(tmp_path: Path) -> None:
    (tmp_path / "rugby-nairobi.ics").write_bytes(b"old")
    (tmp_path / "keep.txt").write_text("mine")
    assert _plan_cli("--out", str(tmp_path)).returncode == 0
    assert (tmp_path / "rugby-nairobi.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_leaves_files_as_they_were(tmp_path: Path) -> None:
    (tmp_path / "rugby-nairobi.ics").write_bytes(b"old")
    tmp_path.chmod(0o555)
    try:
        r = _plan_cli("--out", str(tmp_path))
    finally:
        tmp_path.chmod(0o755)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert (tmp_path / "rugby-nairobi.ics").read_bytes() == b"old"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["rugby-nairobi.ics"]


def test_failure_part_way_leaves_earlier_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    # Fail on the rename of the second file: nothing new must be left behind and the
    # files already there must be unchanged (all temporary files are written first).
    (tmp_path / "a.ics").write_bytes(b"old a")
    (tmp_path / "b.ics").write_bytes(b"old b")
    real_write = os.fdopen
    calls = {"n": 0}

    def failing_fdopen(fd: int, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_write(fd, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(_io.os, "fdopen", failing_fdopen)
    with pytest.raises(OutputError, match="No space left"):
        _io.write_files({"a.ics": b"new a", "b.ics": b"new b"}, tmp_path)
    assert (tmp_path / "a.ics").read_bytes() == b"old a"
    assert (tmp_path / "b.ics").read_bytes() == b"old b"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["a.ics", "b.ics"]


@pytest.mark.parametrize("name", ["../x.ics", "a/b.ics", ".hidden.ics", "", "x/../../y"])
def test_unsafe_file_names_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="plain file name"):
        _io.write_files({name: b"x"}, tmp_path / "out")
    assert not (tmp_path / "out").exists()
