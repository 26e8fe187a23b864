"""Network planning benchmarks (``twinschedule.plan_network``): time from 100 to 5000
schools over one school year, with and without sharing identical calendars, peak
memory of a fresh process, and agreement with the brute force on a small network.

    python benchmarks/network_bench.py                  # full run (a few minutes)
    python benchmarks/network_bench.py --write-results  # ... and updates the network
                                                        # section of benchmarks/RESULTS.md
    python benchmarks/network_bench.py --smoke          # seconds: every path once

Networks come from ``examples/networks/make_networks.py`` (``network(...)``): schools
spread over 30 countries with their national holidays, one of their country's main
zones, one of six hour patterns and of two break calendars per country; or (the real
case, ``own_calendars=True``) every school with terms and closures of its own, no two
schools alike. Timings are
CPU seconds (``time.process_time``) and wall seconds of ``plan_network`` alone, after a
warm-up call, with a garbage collection before each call; the machine may be shared
(the load average is printed). Targets are reported, never asserted: the exit status is
non-zero only when the planner and the brute force disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "examples" / "networks"))

from make_networks import WORLD, network, to_toml  # noqa: E402
from network_bruteforce import reference_network, view  # noqa: E402

import twinschedule  # noqa: E402
from twinschedule.network.webinar import plan_network  # noqa: E402

warnings.filterwarnings("ignore", message="Requested Holidays are available only")
START, END = dt.date(2026, 9, 1), dt.date(2027, 7, 31)
BEGIN, FINISH = "<!-- network-benchmarks -->", "<!-- /network-benchmarks -->"


def data(n_schools: int, *, sessions: int = 1, **extra: Any) -> dict[str, Any]:
    """The benchmark network of ``n_schools`` (``extra``: arguments of ``network``)."""
    kw: dict[str, Any] = {"start": START, "end": END, "step": 15, "top": 5}
    kw.update(extra)
    return network(ident="bench", name="Bench", countries=WORLD, n_schools=n_schools,
                   anchor="Europe/London", seed=n_schools, sessions=sessions, **kw)


def timed(n: twinschedule.Network, *, share: bool, runs: int) -> tuple[float, float, Any]:
    """(median CPU s, median wall s, plan) of ``runs`` calls after a warm-up call."""
    plan = plan_network(n, share=share)
    cpu, wall = [], []
    for _ in range(runs):
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        plan = plan_network(n, share=share)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return sorted(cpu)[len(cpu) // 2], sorted(wall)[len(wall) // 2], plan


CHILD = """\
import sys, warnings
warnings.filterwarnings("ignore", message="Requested Holidays are available only")
sys.path.insert(0, {bench!r}); sys.path.insert(0, {examples!r})
from network_bench import data
import twinschedule
from twinschedule.network.webinar import plan_network
n = twinschedule.network_from_dict(data({n}, sessions={sessions}, own_calendars={own}))
plan = plan_network(n)
hwm = [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")]
print(int(hwm[0]) / 1024 if hwm else -1)
"""


def peak_mb(n_schools: int, sessions: int, *, own: bool = False) -> float:
    """VmHWM (MB) of a fresh process that builds and plans the network."""
    code = CHILD.format(bench=str(HERE), examples=str(ROOT / "examples" / "networks"),
                        n=n_schools, sessions=sessions, own=own)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return float(done.stdout.split()[-1])


def groups(n: twinschedule.Network) -> int:
    from twinschedule.network.webinar import calendar_key

    return len({calendar_key(s) for s in n.schools})


def own_calendars(lines: list[str], sizes: list[int], unshared: list[int], runs: int) -> bool:
    """Rows of networks whose schools all have calendars of their own (``network(...,
    own_calendars=True)``); True when a per-school plan differs."""
    lines += ["", "Schools with calendars of their own (own terms and closures, no two alike: "
              "the real case; network.md's target: 5000 schools in <= 5 s):",
              f"{'schools':>7}  {'calendars':>9}  {'cpu s':>7}  {'wall s':>7}  "
              f"{'peak MB':>7}  {'per-school cpu s':>16}  best rule"]
    failed = False
    for size in sizes:
        n = twinschedule.network_from_dict(data(size, own_calendars=True))
        cpu, wall, plan = timed(n, share=True, runs=runs if size <= 1000 else 1)
        slow = ""
        if size in unshared:
            cpu_u, _, plan_u = timed(n, share=False, runs=1)
            slow = f"{cpu_u:.2f}"
            if plan_u.to_dict() != plan.to_dict():
                failed = True
                slow += " DIFFERENT"
        m = plan.option(1).metrics if plan.options else None
        best = (f"{plan.option(1).rule.text} ({m.attendance}/{m.possible}, reached "
                f"{m.reached})" if m else "none")
        lines.append(f"{size:>7}  {groups(n):>9}  {cpu:>7.2f}  {wall:>7.2f}  "
                     f"{peak_mb(size, 1, own=True):>7.0f}  {slow:>16}  {best}")
        print(lines[-1], flush=True)
    return failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--write-results", action="store_true")
    args = ap.parse_args(argv)
    sizes = [20, 50] if args.smoke else [100, 300, 1000, 2000, 5000]
    unshared = [20] if args.smoke else [100, 300, 1000, 5000]
    runs = 1 if args.smoke else 3
    lines = ["twinschedule network benchmarks",
             f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
             f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
             f"Networks: 30 countries, one school year {START}..{END} (11 months), step 15, "
             f"every weekday and week (3360 candidates), top 5", ""]
    lines.append(f"{'schools':>7}  {'calendars':>9}  {'cpu s':>7}  {'wall s':>7}  "
                 f"{'s=2 cpu s':>9}  {'unshared cpu s':>14}  {'speed-up':>8}  best rule")
    failed = False
    for size in sizes:
        n1 = twinschedule.network_from_dict(data(size))
        n2 = twinschedule.network_from_dict(data(size, sessions=2))
        cpu, wall, plan = timed(n1, share=True, runs=runs if size <= 1000 else 1)
        cpu2, _, plan2 = timed(n2, share=True, runs=1)
        slow = ""
        ratio = ""
        if size in unshared:
            cpu_u, _, plan_u = timed(n1, share=False, runs=1)
            slow = f"{cpu_u:.2f}"
            ratio = f"{cpu_u / cpu:.1f}x"
            if plan_u.to_dict() != plan.to_dict():
                failed = True
                slow += " DIFFERENT"
        best = plan.option(1).rule.text if plan.options else "none"
        m = plan.option(1).metrics if plan.options else None
        reach = f" ({m.attendance}/{m.possible}, reached {m.reached})" if m else ""
        lines.append(f"{size:>7}  {groups(n1):>9}  {cpu:>7.2f}  {wall:>7.2f}  {cpu2:>9.2f}  "
                     f"{slow:>14}  {ratio:>8}  {best}{reach}")
        del plan2
        print(lines[-1], flush=True)
    lines += ["", "Schools sharing calendars (one break calendar per country, two hour patterns: "
              "like schools of one national or regional system):",
              f"{'schools':>7}  {'calendars':>9}  {'shared cpu s':>12}  "
              f"{'unshared cpu s':>14}  {'speed-up':>8}"]
    for size in ([50] if args.smoke else [300, 1000]):
        n = twinschedule.network_from_dict(data(size, patterns=1, hours=2))
        cpu, _, plan = timed(n, share=True, runs=runs)
        cpu_u, _, plan_u = timed(n, share=False, runs=1)
        same = plan_u.to_dict() == plan.to_dict()
        failed |= not same
        lines.append(f"{size:>7}  {groups(n):>9}  {cpu:>12.2f}  {cpu_u:>14.2f}  "
                     f"{cpu_u / cpu:>7.1f}x{'' if same else '  DIFFERENT'}")
        print(lines[-1], flush=True)
    failed |= own_calendars(lines, [20] if args.smoke else [1000, 2000, 5000],
                            [20] if args.smoke else [1000], runs)
    lines.append("")
    mem_size = 50 if args.smoke else 5000
    for sessions in (1, 2):
        mb = peak_mb(mem_size, sessions)
        lines.append(f"Peak memory (VmHWM of a fresh process planning {mem_size} schools, "
                     f"sessions = {sessions}): {mb:.0f} MB (target <= 1024 MB)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "network.toml"
        path.write_text(to_toml(data(mem_size), "benchmark network"))
        gc.collect()
        t0 = time.process_time()
        twinschedule.load_network(path)
        lines.append(f"Loading and validating the {mem_size}-school file "
                     f"({path.stat().st_size / 1e6:.1f} MB of TOML): "
                     f"{time.process_time() - t0:.2f} s CPU")
    small = data(8 if args.smoke else 12, sessions=2, end=dt.date(2026, 10, 31),
                 weekdays=["TU", "WE", "TH"], step=30)
    n = twinschedule.network_from_dict(small)
    t0 = time.process_time()
    want = reference_network(n)
    brute = time.process_time() - t0
    cpu, _, plan = timed(n, share=True, runs=3)
    same = view(plan.to_dict()) == want
    failed |= not same
    lines.append(f"Brute force ({len(n.schools)} schools, 2 months, 3 weekdays, step 30, "
                 f"sessions = 2): {brute:.2f} s CPU; planner {cpu * 1000:.0f} ms; "
                 f"same options: {'yes' if same else 'NO'}")
    lines.append(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    text = "\n".join(lines)
    print(text)
    if args.write_results:
        results = HERE / "RESULTS.md"
        old = results.read_text() if results.exists() else ""
        section = (f"{BEGIN}\n## Networks\n\nPrinted by `python benchmarks/network_bench.py "
                   f"--write-results` (CPU seconds of `plan_network`; the machine was shared "
                   f"with other work, see the load averages).\n\n```text\n{text}\n```\n"
                   f"{FINISH}\n")
        if BEGIN in old and FINISH in old:
            head, rest = old.split(BEGIN, 1)
            new = head + section + rest.split(FINISH, 1)[1].lstrip("\n")
        else:
            new = old.rstrip("\n") + "\n\n" + section
        results.write_text(new)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
