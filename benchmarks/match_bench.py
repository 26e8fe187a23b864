"""Partner-matching benchmarks: ``match`` of one school against pools of 1000 and 4000
schools (one school year), with the share of pairs planned exactly (the rest pruned by
bounds or shared); agreement with planning every pair; and ``match_all`` on a
200-school pool with 1 and 2 local worker processes, and through a ``dask.distributed``
LocalCluster of 1 and 2 worker processes (same run).

    python benchmarks/match_bench.py                  # full run (several minutes)
    python benchmarks/match_bench.py --write-results  # ... and updates the match
                                                      # section of benchmarks/RESULTS.md
    python benchmarks/match_bench.py --smoke          # every path once, small pools

Timings are wall seconds (and CPU seconds of this process) of one call each, after a
warm-up match on a small pool; every ``match`` call starts cold (no state is kept
between calls). The machine may be shared: the load average is printed, and parallel
speedups measured on a busy machine are depressed. Targets are reported, never
asserted: the exit status is non-zero only when results disagree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from match_pools import distinct, shared  # noqa: E402

import twinschedule  # noqa: E402
from twinschedule.network.batch import match_all, process_pool  # noqa: E402
from twinschedule.network.matching import _Pool  # noqa: E402

warnings.filterwarnings("ignore", message="Requested Holidays are available only")
BEGIN, FINISH = "<!-- match-benchmarks -->", "<!-- /match-benchmarks -->"
FOCAL = (0, 1, 3, 5, 9)  # London, Nairobi, Delhi, Karachi, Paris in the distinct pools


def one_match(network: twinschedule.Network, index: int) -> tuple[float, float, Any]:
    sid = network.schools[index].id
    t, c = time.perf_counter(), time.process_time()
    m = twinschedule.match(network, sid, top=10)
    return time.perf_counter() - t, time.process_time() - c, m


def single(lines: list[str], label: str, data: dict[str, Any], limit: float) -> None:
    network = twinschedule.network_from_dict(data)
    pool = len(network.schools) - 1
    walls, cpus, planned = [], [], []
    for i in FOCAL:
        wall, cpu, m = one_match(network, i)
        walls.append(wall)
        cpus.append(cpu)
        planned.append(m.planned)
    share = statistics.mean(planned) / pool
    lines.append(f"  {label:<34} {pool + 1:>5}  {statistics.median(walls):6.2f}  "
                 f"{max(walls):6.2f}  {statistics.median(cpus):6.2f}  "
                 f"{statistics.mean(planned):6.1f}  {100 * share:5.2f}%  "
                 f"<= {limit:g} s: {'yes' if max(walls) <= limit else 'NO'}")


def agreement(n: int) -> bool:
    network = twinschedule.network_from_dict(distinct(n))
    ok = True
    for i in FOCAL:
        a = _Pool(network).match(i, 10).to_dict()
        b = _Pool(network).match_unpruned(i, 10).to_dict()
        ok &= a == b
    return ok


def batch(lines: list[str], n: int, months: int) -> bool:
    import datetime as dt

    data = distinct(n)
    start = data["network"]["start"]
    y, m = divmod(start.month - 1 + months, 12)
    data["network"]["end"] = dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1)
    network = twinschedule.network_from_dict(data)
    runs: dict[str, tuple[float, list[Any]]] = {}
    for workers in (1, 2):
        with process_pool(network, workers) as ex:
            t = time.perf_counter()
            runs[f"processes {workers}"] = (time.perf_counter() - t, [])
            got = match_all(network, top=10, executor=ex)
            runs[f"processes {workers}"] = (time.perf_counter() - t, got)
    try:
        import distributed
    except ImportError:  # pragma: no cover
        distributed = None
    if distributed is not None:
        for workers in (1, 2):
            with (distributed.LocalCluster(n_workers=workers, processes=True,
                                           threads_per_worker=1, dashboard_address=None)
                  as cluster, distributed.Client(cluster) as client):
                t = time.perf_counter()
                got = match_all(network, top=10, executor=client.get_executor())
                runs[f"LocalCluster {workers}"] = (time.perf_counter() - t, got)
    first = next(iter(runs.values()))[1]
    same = all(r[1] == first for r in runs.values())
    planned = sum(m.planned for m in first)
    lines.append(f"  match_all, {n} schools, {months} months, top 10 "
                 f"({planned} pairs planned of {n * (n - 1)}; results identical: "
                 f"{'yes' if same else 'NO'}):")
    for kind in ("processes", "LocalCluster"):
        if f"{kind} 1" not in runs:
            continue
        one, two = runs[f"{kind} 1"][0], runs[f"{kind} 2"][0]
        lines.append(f"    {kind:<13} 1 worker {one:7.1f} s, 2 workers {two:7.1f} s: "
                     f"{one / two:4.2f}x (goal >= 1.6x: {'yes' if one / two >= 1.6 else 'NO'})")
    return same


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--write-results", action="store_true")
    ap.add_argument("--skip-batch", action="store_true")
    a = ap.parse_args(argv)
    one_match(twinschedule.network_from_dict(distinct(20)), 0)  # warm-up
    lines = ["Partner matching (benchmarks/match_bench.py"
             + (" --smoke" if a.smoke else "") + "):",
             f"  {'pool':<34} {'schools':>5}  {'med s':>6}  {'max s':>6}  {'cpu s':>6}  "
             f"{'plans':>6}  {'share':>6}  target",
             "  (one match per focal school, top 10, one school year; 'plans' = pairs "
             "planned exactly, mean; 'share' = plans / pool)"]
    sizes = ((60, 3.0), (120, 10.0)) if a.smoke else ((1000, 3.0), (4000, 10.0))
    for n, limit in sizes:
        single(lines, f"distinct calendars, {len(FOCAL)} schools", distinct(n), limit)
    for n, limit in sizes:
        single(lines, f"shared calendars, {len(FOCAL)} schools", shared(n), limit)
    ok = agreement(30 if a.smoke else 80)
    lines.append(f"  agreement with planning every pair ({len(FOCAL)} schools of a "
                 f"{30 if a.smoke else 80}-school pool): {'yes' if ok else 'NO'}")
    if not a.skip_batch:
        ok &= batch(lines, 20 if a.smoke else 200, 1 if a.smoke else 3)
    load = os.getloadavg()
    lines.append(f"  load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
                 f"(1, 5, 15 min; {os.cpu_count()} CPUs; shared machine)")
    text = "\n".join(lines)
    print(text)
    if a.write_results:
        path = HERE / "RESULTS.md"
        old = path.read_text(encoding="utf-8")
        block = f"{BEGIN}\n```\n{text}\n```\n{FINISH}"
        if BEGIN in old:
            new = old[:old.index(BEGIN)] + block + old[old.index(FINISH) + len(FINISH):]
        else:
            new = old.rstrip("\n") + "\n\n## Partner matching\n\n" + block + "\n"
        path.write_text(new, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
