"""twinschedule benchmarks: plan, import, CLI, feeds and memory, with the ratio to a
brute force measured in the same run.

    python benchmarks/run.py                  # full run, prints the tables
    python benchmarks/run.py --write-results  # ... and writes benchmarks/RESULTS.md
    python benchmarks/run.py --smoke          # seconds: every path once, no timings judged

Timings are medians of several runs after a warm-up, in-process unless said otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bruteforce import plan_summary, reference_plan  # noqa: E402
from workloads import partnership, wide  # noqa: E402

import twinschedule  # noqa: E402

EXAMPLE = ROOT / "examples" / "england-kenya.toml"
STAMP = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median, min, max) in milliseconds of ``runs`` calls after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)


def subprocess_ms(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times[1:])


def agree(p: twinschedule.Partnership) -> bool:
    return plan_summary(twinschedule.plan(p)) == reference_plan(p)


def fmt(t: tuple[float, float, float]) -> str:
    return f"{t[0]:8.1f} ms  ({t[1]:.1f}-{t[2]:.1f})"


def peak_rss_mb(n: int, years: int) -> float:
    """Peak resident memory of a fresh process planning the workload (VmHWM: unlike
    ``ru_maxrss`` it is not inherited from the parent across fork and exec)."""
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import twinschedule;"
            "from workloads import partnership;"
            f"twinschedule.plan(twinschedule.from_dict(partnership({n}, years={years})));"
            "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=ROOT)
    return int(out.stdout.strip()) / 1024


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    import holidays
    import icalendar
    import tzdata

    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"tzdata {tzdata.IANA_VERSION}, holidays {holidays.__version__}, "
            f"icalendar {icalendar.__version__}, load average {os.getloadavg()[0]:.2f}")


def smoke() -> int:
    p = twinschedule.from_dict(partnership(2, years=1, step=120))
    ok = agree(p)
    plan = twinschedule.plan(twinschedule.load(EXAMPLE))
    twinschedule.feeds(plan, stamp=STAMP)
    twinschedule.plan(twinschedule.from_dict(partnership(4, years=1, step=60)))
    print(f"smoke: plan, feeds and brute force ran; brute force agrees: {ok}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--write-results", action="store_true")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if args.smoke:
        return smoke()
    runs = args.runs
    lines: list[str] = []

    def out(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    out(f"Machine: {machine()}")
    out(f"Date: {dt.date.today().isoformat()}")
    out()
    example = twinschedule.load(EXAMPLE)
    w4 = twinschedule.from_dict(partnership(4))
    w4s5 = twinschedule.from_dict(partnership(4, step=5))
    w10 = twinschedule.from_dict(partnership(10, years=3))
    w12 = twinschedule.from_dict(partnership(12, years=3))  # infeasible: diagnostics
    wide15 = twinschedule.from_dict(wide(4))
    wide5 = twinschedule.from_dict(wide(4, step=5))
    rows: list[tuple[str, str, str, bool]] = []
    t_ex = timed(lambda: twinschedule.plan(example), runs)
    t4 = timed(lambda: twinschedule.plan(w4), runs)
    t4s5 = timed(lambda: twinschedule.plan(w4s5), runs)
    t10 = timed(lambda: twinschedule.plan(w10), max(3, runs // 2))
    t12 = timed(lambda: twinschedule.plan(w12), 3)
    twide15 = timed(lambda: twinschedule.plan(wide15), runs)
    twide5 = timed(lambda: twinschedule.plan(wide5), runs)
    out("Workloads (in-process plan, median (min-max)):")
    for name, p, t in [("England-Kenya example (2 schools, 1 year)", example, t_ex),
                       ("4 schools, 4 zones, 1 year, step 15", w4, t4),
                       ("4 schools, 4 zones, 1 year, step 5", w4s5, t4s5),
                       ("10 schools, 3 years, step 15", w10, t10),
                       ("12 schools, 3 years (infeasible: diagnostics)", w12, t12),
                       ("4 schools, wide windows, step 15 (worst case)", wide15, twide15),
                       ("4 schools, wide windows, step 5 (worst case)", wide5, twide5)]:
        plan = twinschedule.plan(p)
        best = plan.options[0].rule.text if plan.options else "infeasible"
        out(f"  {name:45s} {fmt(t)}   best: {best}")
    out()
    # Brute force, measured in the same run, and agreement of the options.
    brute_ex = timed(lambda: reference_plan(example), 1)
    brute_4 = timed(lambda: reference_plan(w4), 1)
    agree_ex, agree_4 = agree(example), agree(w4)
    out("Brute force (benchmarks/bruteforce.py, zoneinfo + calendar checks per meeting):")
    out(f"  England-Kenya: {brute_ex[0]:9.0f} ms  ratio {brute_ex[0] / t_ex[0]:6.0f}x  "
        f"same options: {agree_ex}")
    out(f"  4 schools:     {brute_4[0]:9.0f} ms  ratio {brute_4[0] / t4[0]:6.0f}x  "
        f"same options: {agree_4}")
    out()
    bare = subprocess_ms([sys.executable, "-c", "pass"], 10)
    imp = subprocess_ms([sys.executable, "-c", "import twinschedule"], 10)
    cli = subprocess_ms([sys.executable, "-m", "twinschedule", "plan", str(EXAMPLE), "--json"],
                        7)
    plan_ex = twinschedule.plan(example)
    t_feeds = timed(lambda: twinschedule.feeds(plan_ex, stamp=STAMP), runs)
    rss = peak_rss_mb(10, 3)
    rows = [
        ("2-school 1-year plan", "<= 20 ms", f"{t_ex[0]:.1f} ms", t_ex[0] <= 20),
        ("4 schools 4 zones 1 year", "<= 60 ms", f"{t4[0]:.1f} ms", t4[0] <= 60),
        ("10 schools 3 years", "<= 400 ms", f"{t10[0]:.1f} ms", t10[0] <= 400),
        ("12 schools 3 years, infeasible", "(none)", f"{t12[0]:.1f} ms", True),
        ("step 5 / step 15", "<= 2x", f"{t4s5[0] / t4[0]:.2f}x", t4s5[0] <= 2 * t4[0]),
        ("step 5 / step 15, wide windows", "<= 2x", f"{twide5[0] / twide15[0]:.2f}x",
         twide5[0] <= 2 * twide15[0]),
        ("vs brute force (England-Kenya)", ">= 50x", f"{brute_ex[0] / t_ex[0]:.0f}x",
         brute_ex[0] >= 50 * t_ex[0] and agree_ex),
        ("vs brute force (4 schools)", ">= 50x", f"{brute_4[0] / t4[0]:.0f}x",
         brute_4[0] >= 50 * t4[0] and agree_4),
        ("import twinschedule over bare python", "<= 40 ms", f"{imp - bare:.1f} ms",
         imp - bare <= 40),
        ("CLI plan --json end to end (wall)", "<= 350 ms", f"{cli:.0f} ms", cli <= 350),
        ("feeds for a plan", "<= 30 ms", f"{t_feeds[0]:.1f} ms", t_feeds[0] <= 30),
        ("peak RSS, 10 schools 3 years", "< 100 MB", f"{rss:.0f} MB", rss < 100),
    ]
    out("Targets:")
    out(f"  {'target':40s} {'goal':>10s} {'measured':>12s}  met")
    for name, goal, got, met in rows:
        out(f"  {name:40s} {goal:>10s} {got:>12s}  {'yes' if met else 'NO'}")
    out()
    out("Scaling (in-process plan, median):")
    out("  schools (1 year, step 15):")
    for n in (2, 4, 8, 16, 32):
        p = twinschedule.from_dict(partnership(n))
        t = timed(lambda p=p: twinschedule.plan(p), max(3, runs // 2))
        feasible = twinschedule.plan(p).feasible
        out(f"    {n:3d} schools  {fmt(t)}  feasible: {feasible}")
    out("  horizon (4 schools, step 15):")
    for years in (1, 3, 10):
        p = twinschedule.from_dict(partnership(4, years=years))
        t = timed(lambda p=p: twinschedule.plan(p), 3)
        out(f"    {years:3d} years    {fmt(t)}")
    out("  step (4 schools, 1 year):")
    for step in (60, 15, 5):
        p = twinschedule.from_dict(partnership(4, step=step))
        t = timed(lambda p=p: twinschedule.plan(p), max(3, runs // 2))
        out(f"    step {step:3d}    {fmt(t)}")
    if args.write_results:
        body = "\n".join(lines)
        (HERE / "RESULTS.md").write_text(
            "# Benchmark results\n\nPrinted by `python benchmarks/run.py --write-results` "
            "(one run; medians of several calls after a warm-up).\n\n```text\n"
            f"{body}\n```\n")
    return 0  # figures to read, not a timed test


if __name__ == "__main__":
    sys.exit(main())
