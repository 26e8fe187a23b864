"""twinschedule benchmarks: planning workloads, the ratio to a brute force measured in the
same run (and their agreement), import time, the CLI end to end, feeds, peak memory and
scaling tables. A plain script using only the public API (``load``, ``from_dict``,
``plan``, ``feeds``) and the console script.

    python benchmarks/run.py                  # full run (a few minutes), prints the tables
    python benchmarks/run.py --write-results  # ... and writes benchmarks/RESULTS.md
    python benchmarks/run.py --smoke          # seconds: every path once on tiny workloads
    python benchmarks/run.py --profile        # cProfile of the 10-school 3-year plan only

To compare the speed of a change with an older revision in one run (both measured
side by side, interleaved), see ``benchmarks/compare.py``.

In-process timings are of ``twinschedule.plan`` alone: each call gets a freshly loaded
partnership (loading is not timed), runs after a warm-up call (so the modules, the zone
data and the process-wide caches are warm; the warm-up time is printed as "first"), with
a garbage collection before each call. Subprocess timings are wall-clock medians.

Timing targets are reported, never asserted: the exit status is non-zero only when the
planner and the brute force disagree (or a measured command fails).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import importlib.metadata
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bruteforce import first_difference, plan_summary, reference_plan  # noqa: E402
from workloads import distinct_zones, label, partnership, wide  # noqa: E402

import twinschedule  # noqa: E402

if TYPE_CHECKING:
    from twinschedule import Partnership, Plan

EXAMPLE = Path("examples") / "england-kenya.toml"  # relative to ROOT, as in the brief
STAMP = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
# Horizons past the holidays package's data (10 years from 2026) warn; the benchmark
# plans them anyway.
HOLIDAY_WARNING = "Requested Holidays are available only"
warnings.filterwarnings("ignore", message=HOLIDAY_WARNING, category=UserWarning)


# ---- measuring ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stats:
    """Milliseconds of ``runs`` timed calls after a warm-up call that took ``first``."""

    median: float
    low: float
    high: float
    first: float
    runs: int

    def cells(self) -> list[str]:
        return [f"{self.median:.1f}", f"{self.low:.1f}", f"{self.high:.1f}",
                f"{self.first:.1f}", str(self.runs)]


STATS_HEADERS = ["median ms", "min", "max", "first", "n"]


def time_calls(prepare: Callable[[], Callable[[], object]], *, runs: int,
               budget_ms: float = 4000.0, min_runs: int = 3) -> Stats:
    """Time ``prepare()()`` (only the returned call is timed): one warm-up, then up to
    ``runs`` calls, fewer (but at least ``min_runs``) when the warm-up says they would
    take more than ``budget_ms`` in all."""
    call = prepare()
    t0 = time.perf_counter()
    call()
    first = (time.perf_counter() - t0) * 1000
    n = max(min(runs, min_runs), min(runs, int(budget_ms / max(first, 1e-3))))
    times = []
    for _ in range(n):
        call = prepare()
        gc.collect()
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return Stats(statistics.median(times), min(times), max(times), first, n)


def planning(make: Callable[[], Partnership]) -> Callable[[], Callable[[], object]]:
    def prepare() -> Callable[[], object]:
        p = make()
        return lambda: twinschedule.plan(p, suggest=False)  # the search alone
    return prepare


def from_data(data: dict[str, Any]) -> Callable[[], Partnership]:
    return lambda: twinschedule.from_dict(data)


def load_example() -> Partnership:
    return twinschedule.load(ROOT / EXAMPLE)


def run_ms(cmd: Sequence[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    done = subprocess.run(list(cmd), capture_output=True, text=True, cwd=ROOT)
    return (time.perf_counter() - t0) * 1000, done


def import_overhead(pairs: int) -> tuple[float, float, float, float, float]:
    """``import twinschedule`` over a bare ``python -c pass``: (median of the paired
    differences, min and max difference, median bare, median with the import). The two
    commands alternate in order; the first pair warms the page cache and is dropped."""
    bare = [sys.executable, "-c", "pass"]
    imp = [sys.executable, "-c", "import twinschedule"]
    diffs, bares, imps = [], [], []
    for i in range(pairs + 1):
        first, second = (bare, imp) if i % 2 == 0 else (imp, bare)
        t1, r1 = run_ms(first)
        t2, r2 = run_ms(second)
        for r in (r1, r2):
            if r.returncode != 0:
                raise RuntimeError(f"{r.args} failed: {r.stderr}")
        tb, ti = (t1, t2) if first is bare else (t2, t1)
        if i:
            diffs.append(ti - tb)
            bares.append(tb)
            imps.append(ti)
    return (statistics.median(diffs), min(diffs), max(diffs), statistics.median(bares),
            statistics.median(imps))


IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def importtime_top(n: int) -> list[tuple[int, int, str]]:
    """The ``n`` imports with the largest cumulative time under ``python -X importtime``:
    (self us, cumulative us, nested module name)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import twinschedule"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    found = []
    for line in done.stderr.splitlines():
        m = IMPORTTIME.match(line)
        if m:
            depth = (len(m[3]) - 1) // 2
            found.append((int(m[1]), int(m[2]), "  " * depth + m[4]))
    found.sort(key=lambda e: -e[1])
    return found[:n]


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "twinschedule"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "twinschedule"]
    return [*head, "plan", str(EXAMPLE), "--json"]


def cli_ms(runs: int) -> tuple[float, float, float]:
    """Wall time of the CLI planning the example (median, min, max after a warm-up)."""
    times = []
    for i in range(runs + 1):
        ms, done = run_ms(cli_command())
        if done.returncode != 0:
            raise RuntimeError(f"{done.args} exited {done.returncode}: {done.stderr}")
        if i == 0:
            json.loads(done.stdout)  # it printed a plan
            continue
        times.append(ms)
    return statistics.median(times), min(times), max(times)


CHILD = """\
import sys, warnings
sys.path.insert(0, {here!r})
warnings.filterwarnings("ignore", message={warning!r})
import twinschedule
from workloads import partnership
kwargs = {kwargs!r}
feasible = None
if kwargs is not None:
    feasible = twinschedule.plan(twinschedule.from_dict(partnership(**kwargs))).feasible
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")]
print(hwm[0] if hwm else -1, feasible)
"""

LAUNCHER = """\
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True)
print(done.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss(kwargs: dict[str, Any] | None) -> tuple[float, float, str]:
    """Peak RSS in MB of a fresh process that plans ``partnership(**kwargs)`` (or only
    imports twinschedule): (``ru_maxrss`` of RUSAGE_CHILDREN read by a bare launcher
    process, the child's own VmHWM, feasible). The launcher is needed because a child's
    ``ru_maxrss`` starts from its parent's at fork (a large benchmark process would
    inflate it); VmHWM is counted from exec on."""
    child = CHILD.format(here=str(HERE), warning=HOLIDAY_WARNING, kwargs=kwargs)
    done = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-c", child],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    hwm, feasible, maxrss = done.stdout.split()
    return int(maxrss) / 1024, int(hwm) / 1024, feasible


def feeds_stats(plan: Plan, runs: int) -> tuple[Stats, int] | None:
    """Time ``twinschedule.feeds`` of option 1; None when feeds are not available."""
    try:
        files = twinschedule.feeds(plan, option=1, stamp=STAMP)
    except (ImportError, AttributeError):  # ImportError includes ModuleNotFoundError
        return None
    stats = time_calls(lambda: lambda: twinschedule.feeds(plan, option=1, stamp=STAMP),
                       runs=runs)
    return stats, sum(len(b) for b in files.values())


LANGUAGE_FIRST_USE = """
import datetime as dt, time
from twinschedule.i18n import words as i18n
t0 = time.perf_counter()
for tag in {tags!r}:
    w = i18n.words(tag)
    w.date(dt.date(2027, 8, 5)); w.time(600); w._("Local times:"); w.minutes(45)
print((time.perf_counter() - t0) * 1000)
"""


def language_first_use(runs: int, tags: Sequence[str]) -> tuple[float, float, float]:
    """Loading ``tags``' catalogs and CLDR data on first use (babel imported then), in a
    fresh process each run: (median, min, max) ms. ``import twinschedule`` loads none of
    it (tests/test_i18n.py checks that)."""
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", LANGUAGE_FIRST_USE.format(tags=list(tags))],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        times.append(float(done.stdout))
    return statistics.median(times), min(times), max(times)


# ---- reporting ---------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def out(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
              indent: str = "  ") -> None:
        widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

        def line(cells: Sequence[str]) -> str:
            # Text columns (the first, and the last two when they hold words) left-aligned.
            parts = [str(c).ljust(w) if i == 0 or not _numeric(str(c)) else str(c).rjust(w)
                     for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
            return (indent + "  ".join(parts)).rstrip()

        self.out(line(headers))
        self.out(indent + "  ".join("-" * w for w in widths))
        for row in rows:
            self.out(line(row))


def _numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"[-+<>=~ ]*[\d.]+ ?(ms|MB|x|%)?", cell))


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    goal: str
    measured: str
    met: bool
    margin: str


def at_most(name: str, value: float, limit: float, unit: str, *, digits: int = 1) -> Target:
    margin = (f"{value / limit:.0%} of the budget" if value <= limit
              else f"over by {value - limit:.{digits}f}{'' if unit == 'x' else ' '}{unit} "
                 f"({value / limit:.0%})")
    sep = "" if unit == "x" else " "
    return Target(name, f"<= {limit:g}{sep}{unit}", f"{value:.{digits}f}{sep}{unit}",
                  value <= limit, margin)


def at_least_ratio(name: str, value: float, limit: float, note: str = "") -> Target:
    margin = (f"{value / limit:.1f}x the goal" if value >= limit
              else f"short by {limit - value:.0f}x ({value / limit:.0%} of the goal)")
    return Target(name, f">= {limit:g}x", f"{value:.0f}x", value >= limit,
                  margin + (f"; {note}" if note else ""))


def machine() -> list[str]:
    model, cpus = "unknown CPU", str(os.cpu_count())
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
            elif key.strip() == "CPU(s)":
                cpus = value.strip()
    except OSError:
        pass
    versions = []
    for pkg in ("twinschedule", "tzdata", "holidays", "icalendar", "recurring-ical-events"):
        try:
            versions.append(f"{pkg} {importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=ROOT).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, cwd=ROOT).stdout.strip()
        commit = f"{head}{' + uncommitted changes in src/' if dirty else ''}" or "unknown"
    except OSError:
        commit = "unknown"
    return [f"CPU: {model}, {cpus} CPUs",
            f"Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.system()} {platform.release()}",
            "Packages: " + ", ".join(versions) + f" (IANA data {twinschedule.TZDATA_VERSION})",
            f"Commit: {commit}"]


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


# ---- the suite ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sizes:
    """The workloads of a full run or of a smoke run."""

    smoke: bool
    runs: int
    brute_runs: int
    example: Callable[[], Partnership]
    four: dict[str, Any]
    four_step5: dict[str, Any]
    ten: dict[str, Any]
    infeasible: dict[str, Any]
    wide15: dict[str, Any]
    wide5: dict[str, Any]
    brute: list[tuple[str, str, dict[str, Any] | None]]  # (key, name, data; None: example)
    schools: tuple[int, ...]
    horizons: tuple[tuple[str, dict[str, Any]], ...]
    steps: tuple[int, ...]
    scale_base: dict[str, Any]  # partnership() arguments shared by the scaling rows
    memory: dict[str, Any]
    import_pairs: int
    cli_runs: int


def sizes(smoke: bool, runs: int, brute_runs: int) -> Sizes:
    if smoke:
        tiny: dict[str, Any] = {"months": 2, "step": 120}
        return Sizes(
            smoke=True, runs=1, brute_runs=1, example=load_example,
            four=partnership(4, **tiny), four_step5=partnership(4, months=2, step=40),
            ten=partnership(10, months=1, step=120),
            infeasible=partnership(12, months=1, step=120),
            wide15=wide(4, step=120, months=2), wide5=wide(4, step=40, months=2),
            brute=[("two", label(partnership(2, **tiny)), partnership(2, **tiny)),
                   ("four", label(partnership(4, **tiny)), partnership(4, **tiny))],
            schools=(2, 4), horizons=(("1 month", {"months": 1}), ("2 months", {"months": 2})),
            steps=(240, 120), scale_base={"months": 1, "step": 120},
            memory={"n_schools": 4, "months": 2, "step": 120}, import_pairs=1, cli_runs=1)
    return Sizes(
        smoke=False, runs=runs, brute_runs=brute_runs, example=load_example,
        four=partnership(4), four_step5=partnership(4, step=5), ten=partnership(10, years=3),
        infeasible=partnership(12, years=3), wide15=wide(4), wide5=wide(4, step=5),
        brute=[("example", "England-Kenya example", None),
               ("four", label(partnership(4)), partnership(4))],
        schools=(2, 4, 8, 16, 32),
        horizons=(("1 year", {"years": 1}), ("3 years", {"years": 3}),
                  ("10 years", {"years": 10})),
        steps=(60, 15, 5), scale_base={"years": 1, "step": 15},
        memory={"n_schools": 10, "years": 3}, import_pairs=15, cli_runs=7)


def describe(plan: Plan) -> tuple[str, str, str]:
    """(feasible, candidates, best option) of a plan, for the tables."""
    if not plan.feasible:
        return "no", str(getattr(plan, "candidates", "?")), "none (diagnostics)"
    best = plan.options[0]
    return ("yes", str(getattr(plan, "candidates", "?")),
            f"{best.rule.text}; held {best.metrics.held}/{len(best.meetings)}")


def run_suite(cfg: Sizes) -> tuple[Report, bool]:
    r = Report()
    ok = True
    judged = not cfg.smoke
    r.out("twinschedule benchmarks" + (" (smoke: tiny workloads, timings not judged)"
                                       if cfg.smoke else ""))
    r.out(f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    for line in machine():
        r.out(line)
    r.out(f"Load average at start: {load_text()}")
    r.out()

    # -- planning workloads
    runs = cfg.runs
    workloads: list[tuple[str, str, Callable[[], Partnership]]] = [
        ("example", "England-Kenya example (2 schools, 1 year)", cfg.example),
        ("four", label(cfg.four), from_data(cfg.four)),
        ("four5", label(cfg.four_step5), from_data(cfg.four_step5)),
        ("ten", label(cfg.ten), from_data(cfg.ten)),
        ("infeasible", label(cfg.infeasible) + " (+ New York, Sydney)",
         from_data(cfg.infeasible)),
        ("wide15", "stress: " + label(cfg.wide15) + ", wide windows", from_data(cfg.wide15)),
        ("wide5", "stress: " + label(cfg.wide5) + ", wide windows", from_data(cfg.wide5)),
    ]
    stats: dict[str, Stats] = {}
    plans: dict[str, Plan] = {}
    rows = []
    for key, name, make in workloads:
        stats[key] = time_calls(planning(make), runs=runs)
        plans[key] = twinschedule.plan(make())
        rows.append([name, *stats[key].cells(), *describe(plans[key])])
    r.out("Planning workloads (in-process twinschedule.plan, ms):")
    r.table(["workload", *STATS_HEADERS, "feasible", "candidates", "best option"], rows)
    r.out()

    # -- the brute force, in the same run
    r.out("Brute force (benchmarks/bruteforce.py: zoneinfo + SchoolCalendar.conflicts per "
          "meeting, memoised per (anchor, date, time)):")
    brute_rows = []
    ratios: dict[str, float] = {}
    agree: dict[str, bool] = {}
    brute_names: dict[str, str] = {}
    for key, name, data in cfg.brute:
        make = cfg.example if data is None else from_data(data)
        brute_names[key] = name
        times = []
        want: list[dict[str, Any]] = []
        for _ in range(cfg.brute_runs):
            p = make()
            gc.collect()
            t0 = time.perf_counter()
            want = reference_plan(p)
            times.append((time.perf_counter() - t0) * 1000)
        # The planner's median in the same run: the workload above of the same key (the
        # same data), or timed here.
        planner_stats = stats.get(key) or time_calls(planning(make), runs=runs)
        diff = first_difference(plan_summary(twinschedule.plan(make())), want)
        agree[key] = diff is None
        if diff is not None:
            ok = False
            r.out(f"  DISAGREEMENT on {name}: {diff}")
        brute = statistics.median(times)
        ratios[key] = brute / planner_stats.median
        brute_rows.append([name, f"{brute:.0f}", f"{min(times):.0f}-{max(times):.0f}",
                           str(len(times)), f"{planner_stats.median:.1f}",
                           f"{ratios[key]:.0f}x", "yes" if diff is None else "NO",
                           str(len(want))])
    r.table(["workload", "brute ms", "range", "n", "planner ms", "ratio", "same options",
             "options"], brute_rows)
    r.out("  (same options: rule, metrics and every month's (status, start) of each option)")
    r.out()

    # -- start-up, CLI, feeds, memory
    imp, imp_lo, imp_hi, bare_ms, with_ms = import_overhead(cfg.import_pairs)
    r.out(f"import twinschedule: {imp:.1f} ms over bare python (median of {cfg.import_pairs} "
          f"paired differences, range {imp_lo:.1f}-{imp_hi:.1f}; bare {bare_ms:.1f} ms, "
          f"with the import {with_ms:.1f} ms)")
    if imp > 40 or cfg.smoke:
        r.out("  python -X importtime, largest cumulative times (us):")
        r.table(["module", "self", "cumulative"],
                [[name, str(s), str(c)] for s, c, name in importtime_top(10 if judged else 3)],
                indent="    ")
    cli, cli_lo, cli_hi = cli_ms(cfg.cli_runs)
    r.out(f"CLI `twinschedule plan {EXAMPLE} --json`: {cli:.0f} ms wall (median of "
          f"{cfg.cli_runs}, range {cli_lo:.0f}-{cli_hi:.0f})")
    feeds = feeds_stats(plans["example"], runs)
    if feeds is None:
        r.out("feeds: not available")
    else:
        fs, size = feeds
        r.out(f"feeds(plan, option=1) of the example: {fs.median:.1f} ms (range "
              f"{fs.low:.1f}-{fs.high:.1f}, n={fs.runs}; {size} bytes)")
        if plans["ten"].feasible:
            big = feeds_stats(plans["ten"], runs)
            if big is not None:
                r.out(f"feeds(plan, option=1) of the 10-school workload: {big[0].median:.1f} ms "
                      f"(range {big[0].low:.1f}-{big[0].high:.1f}, n={big[0].runs}; "
                      f"{big[1]} bytes)")
    for tags in (["de"], ["en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "fi", "tr", "ar",
                          "zh", "ja", "hi", "sw"]):
        lang, lang_lo, lang_hi = language_first_use(1 if cfg.smoke else 7, tags)
        r.out(f"first use of {len(tags)} language(s) (catalog + CLDR data, babel imported): "
              f"{lang:.0f} ms (median of {1 if cfg.smoke else 7} fresh processes, range "
              f"{lang_lo:.0f}-{lang_hi:.0f})")
    rss, hwm, feasible = peak_rss(cfg.memory)
    base_rss, _, _ = peak_rss(None)
    r.out(f"Peak RSS planning partnership({', '.join(f'{k}={v}' for k, v in cfg.memory.items())})"
          f" in a fresh process: {rss:.1f} MB (ru_maxrss of RUSAGE_CHILDREN; the child's own "
          f"VmHWM {hwm:.1f} MB; feasible {feasible}); only importing twinschedule: "
          f"{base_rss:.1f} MB")
    r.out()

    # -- targets
    four_step = cfg.four["partnership"]["step"]
    fine_step = cfg.four_step5["partnership"]["step"]
    targets = [
        at_most("plan: England-Kenya example (2 schools, 1 year)", stats["example"].median,
                20, "ms"),
        at_most(f"plan: {label(cfg.four)}", stats["four"].median, 60, "ms"),
        at_most(f"plan: {label(cfg.ten)}", stats["ten"].median, 400, "ms"),
        at_most(f"step {fine_step} / step {four_step}, same workload "
                f"({label(cfg.four).rsplit(', step', 1)[0]})",
                stats["four5"].median / stats["four"].median, 2, "x", digits=2),
        *(at_least_ratio(f"vs brute force ({brute_names[key]})", ratio, 50,
                         "" if agree[key] else "OPTIONS DIFFER")
          for key, ratio in ratios.items()),
        at_most("import twinschedule over bare python", imp, 40, "ms"),
        at_most("CLI plan --json end to end (wall)", cli, 350, "ms", digits=0),
    ]
    if feeds is not None:
        targets.append(at_most("feeds for a plan (in-process)", feeds[0].median, 30, "ms"))
    targets.append(at_most(f"peak RSS: {label(partnership(**cfg.memory))}", rss, 100, "MB"))
    extra = [at_most(f"stress: step {fine_step} / step {four_step}, wide windows",
                     stats["wide5"].median / stats["wide15"].median, 2, "x", digits=2)]
    r.out("Targets" + (" (smoke: not judged)" if cfg.smoke else "") + ":")
    r.table(["target", "goal", "measured", "met", "margin"],
            [[t.name, t.goal, t.measured, ("yes" if t.met else "NO") if judged else "-",
              t.margin] for t in targets])
    r.out("  Not a target, for information:")
    r.table(["stress case", "goal", "measured", "met", "margin"],
            [[t.name, t.goal, t.measured, ("yes" if t.met else "NO") if judged else "-",
              t.margin] for t in extra], indent="    ")
    r.out()

    # -- scaling
    r.out("Scaling (in-process twinschedule.plan, ms):")
    base = cfg.scale_base
    rows = []
    for n in cfg.schools:
        make = from_data(partnership(n, **base))
        s = time_calls(planning(make), runs=runs)
        plan = twinschedule.plan(make())
        rows.append([str(n), str(distinct_zones(n)), *s.cells(), *describe(plan)[:2]])
    r.out("  vs schools (one year, step 15; schools 11+ add New York and Sydney):"
          if judged else "  vs schools:")
    r.table(["schools", "zones", *STATS_HEADERS, "feasible", "candidates"], rows, "    ")
    rows = []
    for horizon, span in cfg.horizons:
        make = from_data(partnership(4, **{**base, **span}))
        s = time_calls(planning(make), runs=runs)
        plan = twinschedule.plan(make())
        per_year = (s.median / span["years"]) if "years" in span else s.median
        rows.append([horizon, *s.cells(), f"{per_year:.1f}", *describe(plan)[:2]])
    r.out("  vs horizon (4 schools, step 15):" if judged else "  vs horizon:")
    r.table(["horizon", *STATS_HEADERS, "ms/year", "feasible", "candidates"], rows, "    ")
    rows = []
    for step in cfg.steps:
        make = from_data(partnership(4, **{**base, "step": step}))
        s = time_calls(planning(make), runs=runs)
        plan = twinschedule.plan(make())
        rows.append([str(step), *s.cells(), *describe(plan)[:2]])
    r.out("  vs step (4 schools, one year):" if judged else "  vs step:")
    r.table(["step", *STATS_HEADERS, "feasible", "candidates"], rows, "    ")
    r.out()
    r.out(f"Load average at end: {load_text()}")
    return r, ok


def profile(top: int) -> None:
    """cProfile of the 10-school 3-year plan, the ``top`` functions by total time."""
    data = partnership(10, years=3)
    twinschedule.plan(twinschedule.from_dict(data))  # warm-up
    p = twinschedule.from_dict(data)
    prof = cProfile.Profile()
    prof.enable()
    twinschedule.plan(p)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    print(buf.getvalue())


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true",
                    help="every path once on tiny workloads, no timing judged (CI)")
    ap.add_argument("--write-results", action="store_true",
                    help="write benchmarks/RESULTS.md (full runs only)")
    ap.add_argument("--runs", type=int, default=9, help="timed calls per workload (max)")
    ap.add_argument("--brute-runs", type=int, default=3, help="timed brute-force runs")
    ap.add_argument("--profile", action="store_true",
                    help="only print a cProfile of the 10-school 3-year plan")
    args = ap.parse_args(argv)
    if args.profile:
        profile(15)
        return 0
    if args.smoke and args.write_results:
        ap.error("--write-results needs a full run (not --smoke)")
    t0 = time.perf_counter()
    report, ok = run_suite(sizes(args.smoke, args.runs, args.brute_runs))
    report.out(f"Suite time: {time.perf_counter() - t0:.1f} s")
    if args.write_results:
        # Sections written by other scripts ("## ...", e.g. benchmarks/import_bench.py)
        # are kept.
        old = (HERE / "RESULTS.md").read_text() if (HERE / "RESULTS.md").exists() else ""
        kept = old[old.index("\n## "):] if "\n## " in old else ""
        (HERE / "RESULTS.md").write_text(
            "# Benchmark results\n\n"
            "Printed by `python benchmarks/run.py --write-results`: one run of the suite; "
            "in-process timings are medians of several calls after a warm-up, subprocess "
            "timings wall-clock medians. Other processes may have been loading the machine: "
            "see the load averages.\n\n```text\n" + "\n".join(report.lines) + "\n```\n"
            + kept)
        print(f"wrote {HERE / 'RESULTS.md'}")
    if not ok:
        print("FAILED: the planner and the brute force disagree", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
