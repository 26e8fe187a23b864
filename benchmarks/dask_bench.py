"""The ``dask.distributed`` speed-up (network.md, "Scale"): ``plan_many`` of a batch of
two-school partnerships and ``match_all`` of a pool, serial (no executor) and then
through the executor of a ``LocalCluster(n_workers=k, threads_per_worker=1,
processes=True)`` for k = 1, 2, 4, in one run.

    python benchmarks/dask_bench.py                  # full run (about 5 minutes)
    python benchmarks/dask_bench.py --write-results  # ... and updates the dask section
                                                     # of benchmarks/RESULTS.md
    python benchmarks/dask_bench.py --smoke          # seconds: every path once

Workloads: 240 partnerships of two schools of ``workloads.py`` (every ordered pair of
its 16 school kinds, each school with a calendar of its own, one school year, step 15;
a few pairs cannot meet and go through the near-miss path), and ``match_all(top=10)``
of ``match_pools.shared(200)`` (the example-network generator's schools, one school
year). Each cluster is started and timed apart from the work: the start-up column is
``LocalCluster`` + ``Client`` until every worker is up, the warm-up column is
twinschedule imported and one partnership planned on every worker (what the serial
run's warm-up does in this process). Timings are wall seconds of one call each, after
``gc.collect()``; "driver cpu s" is the CPU time of this process during the call (the
scheduler, the client, and unpacking the results). The machine may be shared: ``uptime``
is printed before and after, and the 1-minute load average before and after each call.
Results must be identical to the serial ones (exit status 1 if not); speed-ups are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from match_pools import shared  # noqa: E402
from workloads import SCHOOLS, START, _school, horizon_end  # noqa: E402

import twinschedule  # noqa: E402
from twinschedule.network.batch import match_all, plan_many  # noqa: E402

HOLIDAYS_NOTE = "Requested Holidays are available only"
warnings.filterwarnings("ignore", message=HOLIDAYS_NOTE)
BEGIN, FINISH = "<!-- dask-benchmarks -->", "<!-- /dask-benchmarks -->"


def partnerships(count: int, *, months: int | None = None) -> list[twinschedule.Partnership]:
    """``count`` two-school partnerships: pair k joins school kind k % 16 with the kind
    1 + (k // 16) % 15 places further on, each school with a calendar of its own."""
    end = horizon_end(START, years=1, months=months)
    kinds = len(SCHOOLS)
    out = []
    for k in range(count):
        a = k % kinds
        b = (a + 1 + (k // kinds) % (kinds - 1)) % kinds
        out.append(twinschedule.from_dict({
            "partnership": {"id": f"pair-{k}", "name": f"Pair {k}", "start": START,
                            "end": end, "duration": 45, "step": 15},
            "schools": [_school(2 * k, SCHOOLS[a], START, end),
                        _school(2 * k + 1, SCHOOLS[b], START, end)]}))
    return out


def pool(n: int, *, months: int | None = None) -> twinschedule.Network:
    data = shared(n)
    if months is not None:
        data["network"]["end"] = horizon_end(data["network"]["start"], months=months)
    return twinschedule.network_from_dict(data)


def warm() -> None:
    """Import twinschedule and plan one partnership (run on every worker, and here)."""
    warnings.filterwarnings("ignore", message=HOLIDAYS_NOTE)
    twinschedule.plan(partnerships(1, months=2)[0])


def same(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Equal objects and equal JSON, item by item."""
    def text(x: Any) -> str:
        return json.dumps(x.to_dict(), sort_keys=True, default=str)
    return len(a) == len(b) and all(x == y and text(x) == text(y)
                                    for x, y in zip(a, b, strict=True))


@dataclass(frozen=True, slots=True)
class Row:
    work: str
    label: str
    workers: int  # 0: serial
    wall: float
    cpu: float  # CPU seconds of the work: this process (serial) or the workers' sum
    driver: float  # CPU seconds of this process during a dask call
    load: tuple[float, float]
    ok: bool


def timed(work: str, label: str, workers: int, call: Callable[[], list[Any]],
          reference: list[Any] | None,
          worker_cpu: Callable[[], float] | None = None) -> tuple[Row, list[Any]]:
    """Run ``call`` once; ``worker_cpu()`` (dask) sums the workers' CPU seconds."""
    gc.collect()
    before = os.getloadavg()[0]
    w0 = worker_cpu() if worker_cpu else 0.0
    t, c = time.perf_counter(), time.process_time()
    got = call()
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    work_cpu = worker_cpu() - w0 if worker_cpu else cpu
    ok = True if reference is None else same(got, reference)
    print(f"  {work} {label} {workers or ''}: {wall:.1f} s, identical: {ok}",
          file=sys.stderr, flush=True)
    return Row(work, label, workers, wall, work_cpu, cpu if worker_cpu else 0.0,
               (before, os.getloadavg()[0]), ok), got


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        one, five, fifteen = os.getloadavg()
        return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


def header(cfg: argparse.Namespace, pairs: int, schools: int) -> list[str]:
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}"
                         for p in ("dask", "distributed"))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=ROOT).stdout.strip() or "unknown"
    span = "2 months" if cfg.smoke else "one school year"
    return [
        "twinschedule dask speed-up (benchmarks/dask_bench.py"
        + (" --smoke" if cfg.smoke else "") + ")",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {head}",
        f"Python {platform.python_version()}, {versions}, {os.cpu_count()} CPUs",
        f"uptime before: {uptime()}",
        f"plan_many: {pairs} two-school partnerships ({span}, step 15)",
        f"match_all: shared({schools}), top 10 ({span})",
        "Cluster: LocalCluster(n_workers=k, threads_per_worker=1, processes=True) + Client"]


def startup_table(starts: list[tuple[int, float, float]]) -> list[str]:
    lines = ["", "workers  start-up s  warm-up s   (start-up: until every worker is up; "
             "warm-up: import + one plan per worker)"]
    lines += [f"{k:>7}  {s:>10.1f}  {w:>9.1f}" for k, s, w in starts]
    return lines


def run_table(rows: list[Row]) -> list[str]:
    lines = ["", "work       executor  workers  wall s  vs serial  vs 1 worker  work cpu s  "
             "cores used  driver cpu s  load 1-min before/after  identical"]
    base = {r.work: r.wall for r in rows if r.workers == 0}
    one = {r.work: r.wall for r in rows if r.workers == 1}
    for r in rows:
        vs_serial = f"{base[r.work] / r.wall:.2f}x"
        vs_one = f"{one[r.work] / r.wall:.2f}x" if r.workers and r.work in one else ""
        driver = f"{r.driver:.1f}" if r.workers else ""
        lines.append(f"{r.work:<10} {r.label:<8}  {r.workers or '':>7}  {r.wall:>6.1f}  "
                     f"{vs_serial:>9}  {vs_one:>11}  {r.cpu:>10.1f}  {r.cpu / r.wall:>10.2f}  "
                     f"{driver:>12}  {r.load[0]:>11.2f} / {r.load[1]:<10.2f}  "
                     f"{'yes' if r.ok else 'NO'}")
    lines += ["(work cpu s: CPU seconds of this process when serial, of the worker processes "
              "together on dask;", " cores used = work cpu s / wall s; driver cpu s: this "
              "process during a dask call: scheduler, client, unpacking)"]
    return lines


def on_cluster(k: int, batch: list[twinschedule.Partnership], network: twinschedule.Network,
               plans: list[Any], matches: list[Any]) -> tuple[tuple[int, float, float],
                                                               list[Row]]:
    """Start a LocalCluster of ``k`` workers (timed), warm it, run both workloads."""
    import distributed

    t = time.perf_counter()
    with (distributed.LocalCluster(n_workers=k, threads_per_worker=1, processes=True,
                                   dashboard_address=None) as cluster,
          distributed.Client(cluster) as client):
        client.wait_for_workers(k)
        up = time.perf_counter() - t
        t = time.perf_counter()
        client.run(warm)
        start = (k, up, time.perf_counter() - t)
        ex = client.get_executor()

        def cpu() -> float:
            return sum(client.run(time.process_time).values())

        rows = [timed("plan_many", "dask", k, lambda: plan_many(batch, executor=ex), plans,
                      cpu)[0],
                timed("match_all", "dask", k, lambda: match_all(network, top=10, executor=ex),
                      matches, cpu)[0]]
    return start, rows


def measure(cfg: argparse.Namespace) -> tuple[list[str], bool]:
    months = 2 if cfg.smoke else None
    batch = partnerships(cfg.pairs, months=months)
    network = pool(cfg.schools, months=months)
    lines = header(cfg, len(batch), len(network.schools))
    warm()
    rows: list[Row] = []
    row, plans = timed("plan_many", "serial", 0, lambda: plan_many(batch), None)
    rows.append(row)
    row, matches = timed("match_all", "serial", 0, lambda: match_all(network, top=10), None)
    rows.append(row)
    starts = []
    for k in cfg.workers:
        start, more = on_cluster(k, batch, network, plans, matches)
        starts.append(start)
        rows += more
    rows = sorted(rows, key=lambda r: (r.work != "plan_many", r.workers))
    lines += startup_table(starts) + run_table(rows)
    lines += ["", f"uptime after: {uptime()}"]
    return lines, all(r.ok for r in rows)


def write_results(text: str) -> None:
    path = HERE / "RESULTS.md"
    old = path.read_text(encoding="utf-8")
    block = (f"{BEGIN}\nPrinted by `python benchmarks/dask_bench.py --write-results`.\n\n"
             f"```text\n{text}\n```\n{FINISH}")
    if BEGIN in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(FINISH) + len(FINISH):]
    else:
        new = (old.rstrip("\n") + "\n\n## The dask speed-up (issue 24 item 6)\n\n"
               + block + "\n")
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, every path once")
    ap.add_argument("--write-results", action="store_true")
    ap.add_argument("--pairs", type=int, help="partnerships for plan_many (default 240)")
    ap.add_argument("--schools", type=int, help="schools of the match_all pool (default 200)")
    ap.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")],
                    help="comma-separated worker counts (default 1,2,4; smoke 1,2)")
    cfg = ap.parse_args(argv)
    cfg.pairs = cfg.pairs or (6 if cfg.smoke else 240)
    cfg.schools = cfg.schools or (12 if cfg.smoke else 200)
    cfg.workers = cfg.workers or ([1, 2] if cfg.smoke else [1, 2, 4])
    if 1 not in cfg.workers:
        cfg.workers = [1, *cfg.workers]
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask_bench.py needs dask[distributed] (pip install 'twinschedule[dask]')",
              file=sys.stderr)
        return 2
    lines, ok = measure(cfg)
    text = "\n".join(lines)
    print(text)
    if cfg.write_results:
        write_results(text)
    if not ok:
        print("results differ from the serial ones", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
