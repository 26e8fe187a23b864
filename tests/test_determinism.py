"""Determinism: byte-identical JSON and feeds across runs, hash seeds and TZ values;
threads give the sequential answers; the tzdata package's rules, not the host's."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import EXAMPLES, ROOT
from helpers import partnership, school

import twinschedule
from twinschedule._tz import zones as _zones

D = dt.date


def _run(args: list[str], env: dict[str, str]) -> bytes:
    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          env={**os.environ, **env}, cwd=ROOT, check=True).stdout


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def test_cli_output_identical_across_seeds_and_tz(tmp_path: Path) -> None:
    example = str(EXAMPLES / "england-kenya.toml")
    seen_json = set()
    seen_feeds = set()
    for i, (seed, tz) in enumerate([("0", "UTC"), ("1", "Pacific/Auckland"),
                                     ("99", "America/Los_Angeles"), ("7", "Asia/Kolkata")]):
        out = tmp_path / f"run{i}"
        env = {"PYTHONHASHSEED": seed, "TZ": tz, "SOURCE_DATE_EPOCH": "1790000000"}
        seen_json.add(_run(["plan", example, "--json"], env))
        _run(["plan", example, "--out", str(out)], env)
        seen_feeds.add(_digest(out))
    assert len(seen_json) == 1 and len(seen_feeds) == 1


def test_ten_runs_in_process_identical() -> None:
    p = twinschedule.load(EXAMPLES / "england-kenya.toml")
    stamp = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    first = twinschedule.plan(p)
    feeds = twinschedule.feeds(first, stamp=stamp)
    for _ in range(9):
        again = twinschedule.plan(p)
        assert again.to_dict() == first.to_dict()
        assert twinschedule.feeds(again, stamp=stamp) == feeds


def test_threads_equal_sequential() -> None:
    paths = sorted(EXAMPLES.glob("*.toml"))
    parts = [twinschedule.load(p) for p in paths]
    sequential = [twinschedule.plan(p).to_dict() for p in parts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda p: twinschedule.plan(p).to_dict(), parts * 2))
    assert threaded == sequential * 2


def test_json_reports_tzdata_version() -> None:
    import tzdata

    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    assert plan.to_dict()["tzdata"] == tzdata.IANA_VERSION == _zones.IANA_VERSION


def test_zone_without_dst_since_2022_planned_by_current_rules() -> None:
    # Mexico City abolished daylight saving in October 2022: 10:00 all year in 2027
    # (the old rules would have given 11:00 in summer for a 16:00 UTC meeting).
    p = partnership([school("mx", "America/Mexico_City", hours=["09:00-14:00"]),
                     school("ldn", "UTC", hours=["16:00-16:45"])],
                    start=D(2027, 1, 1), end=D(2027, 12, 31), anchor="UTC")
    best = twinschedule.plan(p).option(1)
    local = {m.local_start("mx").strftime("%H:%M %z") for m in best.meetings  # type: ignore[union-attr]
             if m.start is not None}
    assert local == {"10:00 -0600"}
    assert best.metrics.drift == 0


def test_casablanca_follows_package_data() -> None:
    # In IANA 2026f Morocco stays on UTC+00 from 20 September 2026 (older data had +01).
    tl = _zones.timeline_for_dates("Africa/Casablanca", D(2026, 10, 1), D(2027, 9, 30),
                                   margin_days=0)
    assert tl.offset(tl.first) == 0
