"""``twinschedule match FILE --all --workers N`` on a network whose schools all have
calendars of their own (``make_networks.network(own_calendars=True)``: own terms and
breaks, no two alike, 48 zones of 30 countries, one school year), as a user runs it: the
command line in a fresh process, its wall time, the CPU time of it and its workers, and
the peak memory of the whole process tree (the sum of the resident sizes of the command
and its workers, sampled every 0.2 s).

The answer is checked: for a sample of schools, the batch's JSON equals the JSON of
``twinschedule match FILE --school ID`` (one process, one school, computed afresh).

network.md's target: 4000 schools in <= 10 minutes with ``--workers 2`` on a 2-core
machine, in <= 2 GiB. Targets are reported, never asserted; the exit status is non-zero
only when the batch and the per-school matches disagree.

    python benchmarks/match_all_bench.py 1000 4000           # the batch, then 4000
    python benchmarks/match_all_bench.py 4000 --sample 40    # per-school CPU on a sample
                                                             # (in this process), and the
                                                             # total it extrapolates to
    python benchmarks/match_all_bench.py --smoke             # 40 schools, every path
    python benchmarks/match_all_bench.py 1000 4000 --write-results
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples" / "networks"))
warnings.filterwarnings("ignore", message="Requested Holidays are available only")

from make_networks import WORLD, network, to_toml  # noqa: E402

BEGIN, FINISH = "<!-- match-all-benchmarks -->", "<!-- /match-all-benchmarks -->"
CLI = [sys.executable, "-m", "twinschedule"]


def write_network(n: int, folder: Path) -> Path:
    data = network(ident=f"own-{n}", name=f"{n} schools with calendars of their own",
                   countries=WORLD, n_schools=n, anchor="Europe/London", seed=n,
                   start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 31), own_calendars=True)
    path = folder / f"own-{n}.toml"
    path.write_text(to_toml(data, f"{n} schools, each with a calendar of its own"),
                    encoding="utf-8")
    return path


def tree(root: int) -> dict[int, int]:
    """The resident bytes of ``root`` and of each of its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        out[pid] = rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return out


def _tree_rss(root: int) -> int:
    """The resident bytes of ``root`` and every descendant, summed."""
    return sum(tree(root).values())


def run_batch(path: Path, workers: int) -> tuple[float, float, int, list[Any]]:
    """Wall s, CPU s (the command and its workers), peak tree RSS bytes, the JSON."""
    before = os.times()
    t = time.perf_counter()
    proc = subprocess.Popen([*CLI, "match", str(path), "--all", "--workers", str(workers),
                             "--json", "--quiet"], stdout=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - t
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    if proc.returncode != 0:
        raise SystemExit(f"match --all exited {proc.returncode}")
    return wall, cpu, peak[0], json.loads(out)


def per_school(path: Path, school: str) -> Any:
    done = subprocess.run([*CLI, "match", str(path), "--school", school, "--json"],
                          capture_output=True, check=True)
    return json.loads(done.stdout)


def sampled(path: Path, k: int) -> str:
    """Per-school CPU seconds of ``match`` on ``k`` schools spread over the file, in
    this process with one warm pool (as one worker of the batch), and the total CPU
    they extrapolate to."""
    import twinschedule
    from twinschedule.network.matching import _Pool

    net = twinschedule.load_network(path)
    n = len(net.schools)
    c = time.process_time()
    pool = _Pool(net)
    picks = list(range(0, n, max(1, n // k)))[:k]
    for i in picks:
        pool.match(i, 10)
    each = (time.process_time() - c) / len(picks)
    return (f"{n} schools, {len(picks)} sampled: {each:.3f} CPU s per school "
            f"(pool built once, as in a worker); all {n}: about {each * n:.0f} CPU s, "
            f"about {each * n / 2 / 60:.1f} min on 2 fully used cores (extrapolated, "
            f"not measured)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check", type=int, default=8, metavar="K",
                    help="schools whose batch answer is compared with a per-school match")
    ap.add_argument("--sample", type=int, metavar="K",
                    help="instead of the batch: per-school CPU on K schools, extrapolated")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--write-results", action="store_true")
    a = ap.parse_args(argv)
    sizes = [40] if a.smoke else a.sizes
    lines = ["twinschedule match --all benchmark (schools with calendars of their own)",
             f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average at "
             f"start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
             f"match FILE --all --workers {a.workers} --json --quiet (top 10, partners "
             "abroad); CPU = the command and its workers; memory = peak sum of their RSS",
             "", "schools    wall s     CPU s   peak MB  same as per-school match"]
    print("\n".join(lines), flush=True)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = write_network(n, Path(tmp))
            if a.sample:
                line = sampled(path, a.sample)
            else:
                wall, cpu, peak, got = run_batch(path, a.workers)
                ids = [m["school"] for m in got]
                step = max(1, len(ids) // a.check)
                checked = [i for i in range(0, len(ids), step)][:a.check]
                same = all(per_school(path, ids[i]) == got[i] for i in checked)
                ok = ok and same and len(got) == n
                line = (f"{n:7d}  {wall:8.1f}  {cpu:8.1f}  {peak / 2**20:8.0f}  "
                        f"{'yes' if same else 'NO'} ({len(checked)} schools checked)")
            lines.append(line)
            print(line, flush=True)
    lines.append(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(lines[-1])
    if a.write_results and not a.smoke:
        results = HERE / "RESULTS.md"
        text = results.read_text(encoding="utf-8")
        block = f"{BEGIN}\n```text\n" + "\n".join(lines) + f"\n```\n{FINISH}"
        if BEGIN in text:
            head, rest = text.split(BEGIN, 1)
            text = head + block + rest.split(FINISH, 1)[1]
        else:
            text = (text.rstrip("\n") + "\n\n## Matching every school of a network "
                    "(`match --all`)\n\nPrinted by `python benchmarks/match_all_bench.py "
                    f"{' '.join(map(str, sizes))} --write-results`.\n\n{block}\n")
        results.write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
