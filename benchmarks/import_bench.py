"""Importing a large calendar: the ten-year Google export shape of
``benchmarks/google_export.py`` (about 1.6-1.9 MB, ~4,800 events, 174 recurring), read by
the current importer and, in the same run, by the importer of commit fd87157 (the one
before the rework; loaded from ``git show`` into a temporary module, with its size, line
and clock limits lifted so that it can read the file at all).

    python benchmarks/import_bench.py                  # prints the table
    python benchmarks/import_bench.py --write-results  # ... and writes its section of
                                                       # benchmarks/RESULTS.md

Wall-clock and CPU (process time) medians of several runs after a warm-up; the machine
may be shared: CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from google_export import google_export  # noqa: E402

from twinschedule.ical import importer as _ics_import  # noqa: E402

BASELINE = "fd87157"
HORIZONS = [("one school year inside the data (2025-09-01..2026-07-31)",
             dt.date(2025, 9, 1), dt.date(2026, 7, 31)),
            ("the whole ten years of the data (2016-09-01..2026-08-31)",
             dt.date(2016, 9, 1), dt.date(2026, 8, 31))]
MARK = "## Imported calendars: a large Google export"


def baseline() -> ModuleType:
    source = subprocess.run(["git", "show", f"{BASELINE}:src/twinschedule/_ics_import.py"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        zones = "from twinschedule._tz import zones as _zones"  # the module's place today
        fh.write(source.replace("from . import _zones", zones)
                 .replace("from .errors import", "from twinschedule.errors import")
                 .replace("from .model import", "from twinschedule.model import"))
    spec = importlib.util.spec_from_file_location("baseline_ics_import", fh.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.unlink(fh.name)
    for name, value in (("MAX_ICS_BYTES", 64 * 1024 * 1024), ("MAX_ICS_LINES", 10**7),
                        ("MAX_SECONDS", 600.0), ("MAX_OCCURRENCES", 10**6),
                        ("MAX_EXPANSION", 10**7)):
        setattr(module, name, value)
    return module


def measure(call: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    result = call()  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write-results", action="store_true")
    args = ap.parse_args()
    data = google_export()
    old = baseline()
    lines = [f"File: {len(data):,} bytes, {data.count(b'BEGIN:VEVENT'):,} VEVENTs, "
             f"{data.count(b'RRULE:') - 2} recurring (benchmarks/google_export.py), "
             f"school zone Europe/London",
             f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
             f"(1, 5, 15 min; {os.cpu_count()} CPUs)", "",
             "horizon                                                   importer   "
             "wall s  cpu s  occurrences used",
             "--------------------------------------------------------  ---------  "
             "------  -----  ----------------"]
    for label, start, end in HORIZONS:
        wall, cpu, got = measure(
            lambda s=start, e=end: _ics_import.import_ics(data, "Europe/London", s, e),
            args.runs)
        used = sum(n for _, n in got.used)
        lines.append(f"{label:56}  current    {wall:6.2f}  {cpu:5.2f}  {used:16,}")
        wall, cpu, got = measure(lambda s=start, e=end: old.import_ics(
            data, "Europe/London", s, e), max(1, args.runs // 2))
        used = len(got[0]) + len(got[1])
        lines.append(f"{label:56}  {BASELINE}    {wall:6.2f}  {cpu:5.2f}  {used:16,} "
                     f"(distinct)")
    lines.append(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    text = "\n".join(lines)
    print(text)
    if args.write_results:
        path = HERE / "RESULTS.md"
        old_text = path.read_text()
        head = old_text.split("\n" + MARK)[0].rstrip("\n")
        path.write_text(
            f"{head}\n\n{MARK}\n\nPrinted by `python benchmarks/import_bench.py "
            f"--write-results` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. "
            f"The current importer against the one of commit {BASELINE} (the "
            f"`recurring-ical-events` importer, its size, line and 5 s clock limits "
            f"lifted so that it reads the file), in the same run. Medians of wall-clock "
            f"and CPU time; the machine is shared, so CPU time is the steadier figure. "
            f"The baseline counts distinct closures and busy intervals (it merged "
            f"duplicates), the current one every used occurrence.\n\n```text\n{text}\n```\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
