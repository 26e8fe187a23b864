"""Compare the planner's speed at another revision with the working tree, in ONE run.

    python benchmarks/compare.py --base fd87157            # all cases, 5 rounds
    python benchmarks/compare.py --base fd87157 --rounds 9 --runs 5 --only example,four

The base revision's ``src/`` is exported with ``git archive`` into a temporary
directory. Each case (the planning workloads and scaling rows of ``benchmarks/run.py``,
built from this tree's ``workloads.py``, so both sides plan the same data; and one
``match`` and one ``plan_network`` call on the pools of ``match_bench.py`` and
``network_bench.py``) is timed in
fresh child processes, one per (round, case, side): the child puts its side's ``src/``
first on ``sys.path``, makes one warm-up call of the search core
(``twinschedule.planner.plan``: no suggestions, no near miss; for the network cases
the public ``match`` or ``plan_network``) and then
``--runs`` timed calls (a freshly loaded partnership or network each, a garbage
collection before each; loading is not timed), and prints the times and a digest of
the result's JSON.
Within a round the two sides alternate which goes first, so load from other processes
on a shared machine falls on both alike. The table gives, per case, the median of all
timed calls of each side and the ratio new / base, of wall-clock time and of the
process's CPU time (less disturbed by other processes on a busy machine), and the
ratio of the smallest CPU times (the least disturbed call of each side); the two
sides' plans must be
identical (else the exit status is 1).

``import`` is the wall time of ``python -c "import twinschedule"`` (median over the
rounds, alternating sides likewise).

``--measure instructions`` counts instead of timing: every child runs under
``valgrind --tool=callgrind`` and the figure is the number of instructions the search
core executes per call. Each (case, side) runs twice with the same hash seed: once
building ``--runs`` partnerships, making the warm-up call and a garbage collection per
partnership, once also planning each partnership after its collection; the difference
divided by ``--runs`` is the cost of one call, loading, start-up and the collections
excluded (as in the timed mode, which also collects before each call, so that a full
collection of the modules' objects, whose number differs between the revisions, does
not fall inside a call by chance). The counts repeat to within a few dozen
instructions from one run to the next and do not depend on what else the machine is
doing, so ``--jobs`` children may run at once. They are a proxy for time (an
instruction is not a fixed time: cache misses and allocation differ), used because
wall-clock and CPU times of the same program on this shared 2-CPU machine differ by
up to 40% from one process to the next.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The child puts its side's src/ first on sys.path, then runs child_main (below).
CHILD = "import sys; sys.path[:0] = sys.argv[1:3]; import compare; compare.child_main(sys.argv[1:])"
COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.M)

# (key, description, partnership() arguments; None: the England-Kenya example)
CASES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("example", "England-Kenya example (2 schools, 1 year)", None),
    ("four", "4 schools, 1 year, step 15", {"n_schools": 4}),
    ("four5", "4 schools, 1 year, step 5", {"n_schools": 4, "step": 5}),
    ("ten", "10 schools, 3 years, step 15", {"n_schools": 10, "years": 3}),
    ("infeasible", "12 schools, 3 years (diagnostics)", {"n_schools": 12, "years": 3}),
    ("wide15", "stress: 4 schools, wide windows, step 15", {"wide": True, "n_schools": 4}),
    ("wide5", "stress: 4 schools, wide windows, step 5",
     {"wide": True, "n_schools": 4, "step": 5}),
    ("s2", "scaling: 2 schools, 1 year", {"n_schools": 2, "years": 1, "step": 15}),
    ("s8", "scaling: 8 schools, 1 year", {"n_schools": 8, "years": 1, "step": 15}),
    ("s16", "scaling: 16 schools, 1 year (diagnostics)",
     {"n_schools": 16, "years": 1, "step": 15}),
    ("s32", "scaling: 32 schools, 1 year (diagnostics)",
     {"n_schools": 32, "years": 1, "step": 15}),
    ("y3", "scaling: 4 schools, 3 years", {"n_schools": 4, "years": 3, "step": 15}),
    ("y10", "scaling: 4 schools, 10 years", {"n_schools": 4, "years": 10, "step": 15}),
    ("st60", "scaling: 4 schools, 1 year, step 60", {"n_schools": 4, "years": 1, "step": 60}),
    # match: the partners of the pool's first school (top 10); network: plan_network
    ("match", "match: 1 of 200 schools (distinct calendars)", {"match": "distinct", "n": 200}),
    ("match_shared", "match: 1 of 1000 schools (shared calendars)",
     {"match": "shared", "n": 1000}),
    ("network", "network: 300 schools, 2 sessions", {"network": 300}),
    ("network_own", "network: 1000 schools, calendars of their own",
     {"network": 1000, "own": True}),
    ("network_own5000", "network: 5000 schools, calendars of their own",
     {"network": 5000, "own": True}),
]


def make(case: str, root: str, search: Any) -> tuple[Any, Any]:
    """Two functions (used in the child): one returning a freshly loaded partnership or
    network of ``case``, one making the measured call on it (``search`` for a plan)."""
    from workloads import partnership, wide

    import twinschedule

    spec = next(c[2] for c in CASES if c[0] == case)
    if spec is None:
        return (lambda: twinschedule.load(Path(root) / "examples" / "england-kenya.toml"),
                search)
    if "match" in spec or "network" in spec:
        from match_pools import distinct, shared
        from network_bench import data as network_data

        if "network" in spec:
            data = (network_data(spec["network"], own_calendars=True) if spec.get("own")
                    else network_data(spec["network"], sessions=2))
            call = twinschedule.plan_network
        else:
            data = (distinct if spec["match"] == "distinct" else shared)(spec["n"])

            def call(n: Any) -> Any:
                return twinschedule.match(n, n.schools[0].id, top=10)
        return lambda: twinschedule.network_from_dict(data), call
    args = dict(spec)
    data = wide(**{k: v for k, v in args.items() if k != "wide"}) if args.pop(
        "wide", False) else partnership(**args)
    return lambda: twinschedule.from_dict(data), search


def child_main(argv: list[str]) -> None:
    """In a child process: ``src here root case mode runs``. ``mode`` ``time`` times
    ``runs`` calls; ``count`` and ``count-plan`` make the same garbage collections, the
    second also a call after each (the instructions counted in ``count`` are subtracted).
    Prints a JSON object: times and CPU times (``time``) and the last plan's digest."""
    import gc
    import hashlib
    import warnings

    src, _, root, case, mode, runs = argv
    warnings.filterwarnings("ignore", message="Requested Holidays are available only")
    import twinschedule
    try:  # the search core alone, both sides (the module moved into core/ with #20)
        from twinschedule.core.planner import plan as search
    except ImportError:
        from twinschedule.planner import plan as search  # type: ignore[no-redef]

    if not twinschedule.__file__ or not twinschedule.__file__.startswith(src):
        raise RuntimeError(f"{twinschedule.__file__} is not under {src}")
    build, call = make(case, root, search)
    call(build())  # warm-up
    built = [build() for _ in range(int(runs))]
    times: list[float] = []
    cpu: list[float] = []
    plan = None
    for p in built:
        gc.collect()
        if mode == "time":
            c0 = time.process_time()
            t0 = time.perf_counter()
            plan = call(p)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        elif mode == "count-plan":
            plan = call(p)
    digest = None
    if plan is not None:
        data = plan.to_dict()
        data.pop("suggestions", None)  # keys added since (empty from the search core alone)
        for option in data.get("options", []):  # ... and each option's kind and rules
            option.pop("kind", None)
            option.pop("rules", None)
        if data.get("diagnostics"):
            data["diagnostics"].pop("near_miss", None)
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    print(json.dumps({"times": times, "cpu": cpu, "digest": digest}))


def child(src: Path, case: str, runs: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(src), str(HERE), str(ROOT), case,
                           "time", str(runs)], capture_output=True, text=True, cwd=ROOT,
                          env=env)
    if done.returncode:
        raise RuntimeError(f"{case} with {src} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def counted(src: Path, case: str, runs: int, plans: bool) -> tuple[int, str | None]:
    """Instructions executed by a child under callgrind, and its plan's digest."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         "-c", CHILD, str(src), str(HERE), str(ROOT), case,
         "count-plan" if plans else "count", str(runs)], capture_output=True, text=True,
        cwd=ROOT, env=env)
    found = COLLECTED.search(done.stderr)
    if done.returncode or not found:
        raise RuntimeError(f"{case} with {src} failed under callgrind:\n{done.stderr}")
    digest: str | None = json.loads(done.stdout.strip().splitlines()[-1])["digest"]
    return int(found[1]), digest


def instructions(sides: dict[str, Path], cases: list[str], runs: int,
                 jobs: int) -> dict[tuple[str, str], tuple[float, str | None]]:
    """Per (case, side): instructions per search call, and the plan's digest."""
    work = [(key, side, plans) for key in cases for side in sides for plans in (False, True)]
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {w: pool.submit(counted, sides[w[1]], w[0], runs, w[2]) for w in work}
        got = {w: f.result() for w, f in futures.items()}
    return {(key, side): ((got[(key, side, True)][0] - got[(key, side, False)][0]) / runs,
                          got[(key, side, True)][1])
            for key in cases for side in sides}


def report_instructions(args: argparse.Namespace, cases: list[tuple[str, str, Any]],
                        sides: dict[str, Path], head: str) -> int:
    counts = instructions(sides, [c[0] for c in cases], args.runs, args.jobs)
    print(f"python benchmarks/compare.py --base {args.base} --measure instructions "
          f"--runs {args.runs}" + (f" --only {args.only}" if args.only else ""))
    print(f"base {args.base}, new {head}; millions of instructions per call of the search "
          f"core (callgrind, PYTHONHASHSEED=0)")
    print(f"{'case':<44} {'base Mi':>9} {'new Mi':>9} {'new/base':>9}  same plan")
    ok = True
    worst = 0.0
    for key, name, _ in cases:
        (b, bd), (n, nd) = counts[(key, "base")], counts[(key, "new")]
        same = bd == nd
        ok &= same
        worst = max(worst, n / b)
        print(f"{name:<44} {b / 1e6:9.1f} {n / 1e6:9.1f} {n / b:9.3f}  "
              f"{'yes' if same else 'NO'}")
    print(f"largest ratio new/base: {worst:.3f}")
    return 0 if ok else 1


def import_ms(src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import twinschedule"], check=True, cwd=ROOT,
                   env=env)
    return (time.perf_counter() - t0) * 1000


def export(rev: str, into: Path) -> Path:
    """``src/`` of revision ``rev``, extracted under ``into``."""
    archive = into / "base.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "archive", rev, "src"], check=True, cwd=ROOT, stdout=fh)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the git revision to compare with")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=5, help="timed calls per child process")
    ap.add_argument("--only", help="comma-separated case keys")
    ap.add_argument("--measure", choices=["time", "instructions"], default="time")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="children at once with --measure instructions")
    args = ap.parse_args(argv)
    cases = [c for c in CASES if not args.only or c[0] in args.only.split(",")]
    new_src = ROOT / "src"
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], capture_output=True,
                           text=True, cwd=ROOT).stdout.strip()
    times: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    digests: dict[tuple[str, str], set[str]] = {}
    imports: dict[str, list[float]] = {"base": [], "new": []}
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base_src = export(args.base, Path(tmp))
        sides = {"base": base_src, "new": new_src}
        if args.measure == "instructions":
            return report_instructions(args, cases, sides,
                                       head + (" + uncommitted changes in src/" if dirty else ""))
        for r in range(args.rounds):
            order = ["base", "new"] if r % 2 == 0 else ["new", "base"]
            for key, _, _ in cases:
                for side in order:
                    got = child(sides[side], key, args.runs)
                    times.setdefault((key, side), []).extend(got["times"])
                    cpu.setdefault((key, side), []).extend(got["cpu"])
                    digests.setdefault((key, side), set()).add(got["digest"])
            for side in order:
                imports[side].append(import_ms(sides[side]))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    load1 = os.getloadavg()
    print(f"python benchmarks/compare.py --base {args.base} --rounds {args.rounds} "
          f"--runs {args.runs}" + (f" --only {args.only}" if args.only else ""))
    print(f"base {args.base}, new {head}{' + uncommitted changes in src/' if dirty else ''}; "
          f"load average {load0[0]:.2f} at start, {load1[0]:.2f} at end "
          f"({os.cpu_count()} CPUs)")
    print("medians of wall-clock (perf_counter) and CPU (process_time) milliseconds, and "
          "the ratio of the smallest CPU times:")
    print(f"{'case':<44} {'base ms':>9} {'new ms':>9} {'new/base':>9} {'base cpu':>9} "
          f"{'new cpu':>9} {'new/base':>9} {'min cpu':>8}  n   same plan")
    ok = True
    for key, name, _ in cases:
        b = statistics.median(times[(key, "base")])
        n = statistics.median(times[(key, "new")])
        bc = statistics.median(cpu[(key, "base")])
        nc = statistics.median(cpu[(key, "new")])
        same = digests[(key, "base")] == digests[(key, "new")] and len(
            digests[(key, "new")]) == 1
        ok &= same
        low = min(cpu[(key, "new")]) / min(cpu[(key, "base")])
        print(f"{name:<44} {b:9.1f} {n:9.1f} {n / b:9.2f} {bc:9.1f} {nc:9.1f} {nc / bc:9.2f} "
              f"{low:8.2f}  {len(times[(key, 'new')]):<3} {'yes' if same else 'NO'}")
    b = statistics.median(imports["base"])
    n = statistics.median(imports["new"])
    label = 'python -c "import twinschedule" (wall)'
    print(f"{label:<44} {b:9.1f} {n:9.1f} {n / b:9.2f}  {len(imports['new'])}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
