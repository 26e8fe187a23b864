"""Progress of long runs (network.md, "Long runs show progress"): a bar on a terminal, a
plain line at most every few seconds otherwise, nothing for quick runs or with
``--quiet``; never on standard output, so ``--json`` stays parseable. The clock is a
fake one: no test waits."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule import _progress, cli
from twinschedule._progress import Progress

NETWORK = EXAMPLES / "networks" / "european-heads.toml"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def drive(p: Progress, clock: Clock, total: int, step: float) -> str:
    """Report 1..``total`` done, ``step`` seconds apart, then close; what was written."""
    for done in range(1, total + 1):
        clock.now += step
        p(done, total)
    p.close()
    out = p.stream
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def test_plain_lines_at_most_every_interval() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("matching", "schools", stream=out, tty=False, clock=clock, interval=5)
    lines = drive(p, clock, 30, 0.5).splitlines()  # 15 s in all
    assert lines == ["matching: 10/30 schools (33%), 5 s", "matching: 20/30 schools (66%), 10 s",
                     "matching: 30/30 schools (100%), 15 s", "matching: 30/30 schools (100%), 15 s"]
    assert "\r" not in out.getvalue()


def test_a_quick_run_says_nothing() -> None:
    for tty in (False, True):
        clock, out = Clock(), io.StringIO()
        p = Progress("matching", "schools", stream=out, tty=tty, clock=clock)
        assert drive(p, clock, 5, 0.1) == ""


def test_a_terminal_gets_one_bar_redrawn_in_place() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("planning", "calendars", stream=out, tty=True, clock=clock, bar_after=1)
    text = drive(p, clock, 4, 0.4)  # drawn from 1.2 s on
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert text.rstrip("\n").split("\r")[-1] == f"planning [{'#' * 30}] 4/4 calendars"
    assert "planning [" + "#" * 22 + "." * 8 + "] 3/4 calendars" in text


def test_a_bar_is_redrawn_at_most_every_tenth_of_a_second_and_ends_full() -> None:
    clock, out = Clock(), io.StringIO()
    p = Progress("matching", "schools", stream=out, tty=True, clock=clock, bar_after=0)
    text = drive(p, clock, 1000, 0.001)  # 1 s in all
    assert 10 <= text.count("\r") <= 12
    assert text.endswith(f"\rmatching [{'#' * 30}] 1000/1000 schools\n")


def _lines_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every progress call writes a line (as a long run on a log does)."""
    monkeypatch.setattr(_progress, "INTERVAL", 0.0)


def test_match_all_progress_never_touches_standard_output(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _lines_always(monkeypatch)
    assert cli.main(["match", str(NETWORK), "--all", "--top", "2", "--json"]) == 0
    out, err = capsys.readouterr()
    network = twinschedule.load_network(NETWORK)
    assert json.loads(out) == [m.to_dict() for m in twinschedule.match_all(network, top=2)]
    lines = err.splitlines()
    assert lines and all(re.fullmatch(r"matching: \d+/40 schools \(\d+%\), \d+ s", x)
                         for x in lines), err
    assert lines[-1].startswith("matching: 40/40 schools (100%)")
    assert cli.main(["match", str(NETWORK), "--all", "--top", "2", "--json", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and json.loads(out)


def test_network_progress_never_touches_standard_output(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _lines_always(monkeypatch)
    assert cli.main(["network", str(NETWORK), "--json"]) == 0
    out, err = capsys.readouterr()
    plan = twinschedule.plan_network(twinschedule.load_network(NETWORK))
    assert json.loads(out) == plan.to_dict()
    assert err and all(re.fullmatch(r"planning: \d+/\d+ calendars \(\d+%\), \d+ s", x)
                       for x in err.splitlines()), err
    assert cli.main(["network", str(NETWORK), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("European school heads' webinar")


def test_plan_network_reports_every_distinct_calendar() -> None:
    network = twinschedule.load_network(NETWORK)
    seen: list[tuple[int, int]] = []
    twinschedule.plan_network(network, progress=lambda d, t: seen.append((d, t)))
    total = seen[-1][1]
    assert seen == [(d, total) for d in range(1, total + 1)]
    assert 1 <= total <= len(network.schools)


def test_an_unreachable_scheduler_is_refused_in_bounded_time() -> None:
    """A closed port on this machine, the real timeout (the subprocess is bounded so
    that a hang fails the test instead of blocking it)."""
    pytest.importorskip("distributed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends
    address = f"tcp://127.0.0.1:{port}"
    r = subprocess.run([sys.executable, "-m", "twinschedule", "match", str(NETWORK), "--all",
                        "--scheduler", address, "--json"], capture_output=True, text=True,
                       cwd=ROOT, timeout=60, check=False)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"{NETWORK}: 1 problem",
        f"  --scheduler: cannot reach the scheduler at '{address}' within "
        f"{cli.SCHEDULER_TIMEOUT} s (is it running, and is the address right?)"]
