"""The cost of suggestions: planning with suggestions (``twinschedule.plan(p)``) against
planning without (``twinschedule.plan(p, suggest=False)``) on every shipped example.
Target: at most 3x on each. The near miss of an infeasible plan is part of both.

    python benchmarks/suggestions.py                  # prints the table
    python benchmarks/suggestions.py --write-results  # ... and updates RESULTS.md
    python benchmarks/suggestions.py --smoke          # one call of each, not judged

The two calls alternate (without, with, without, ...) after a warm-up of each, with a
garbage collection before each; medians in milliseconds. The machine may be shared:
the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from workloads import MADRID_MEXICO

import twinschedule

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN = "<!-- suggestions: begin -->"
END = "<!-- suggestions: end -->"
LIMIT = 3.0



def _ms(call: Any) -> float:
    gc.collect()
    t0 = time.perf_counter()
    call()
    return (time.perf_counter() - t0) * 1000


def measure(p: twinschedule.Partnership, runs: int) -> tuple[float, float, int]:
    """(median ms without, median ms with, number of suggestions)."""
    twinschedule.plan(p, suggest=False)
    got = twinschedule.plan(p)
    without: list[float] = []
    with_: list[float] = []
    for _ in range(runs):
        without.append(_ms(lambda: twinschedule.plan(p, suggest=False)))
        with_.append(_ms(lambda: twinschedule.plan(p)))
    return statistics.median(without), statistics.median(with_), len(got.suggestions)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--write-results", action="store_true")
    args = ap.parse_args(argv)
    runs = 1 if args.smoke else args.runs
    examples = [*sorted((ROOT / "examples").glob("*.toml")),
                *sorted((ROOT / "examples" / "infeasible").glob("*.toml"))]
    lines = [f"Suggestions: twinschedule.plan(p) against plan(p, suggest=False), median of "
             f"{runs} alternating calls each (ms); "
             f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average "
             f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 CPUs, shared)", ""]
    head = f"  {'example':<40} {'without':>8} {'with':>8} {'ratio':>6}  suggestions  <= {LIMIT}x"
    lines += [head, "  " + "-" * (len(head) - 2)]
    ok = True
    for path in examples:
        name = str(path.relative_to(ROOT / "examples"))
        a, b, n = measure(twinschedule.load(path), runs)
        met = b / a <= LIMIT
        ok &= met
        lines.append(f"  {name:<40} {a:8.1f} {b:8.1f} {b / a:5.2f}x  {n:>11}  "
                     f"{'yes' if met else 'NO'}")
    a, b, n = measure(twinschedule.from_dict(MADRID_MEXICO), runs)
    lines += ["  Not shipped, for information (five changes help; every change is planned):",
              f"  {'madrid-mexico (workloads.py)':<40} {a:8.1f} {b:8.1f} {b / a:5.2f}x  "
              f"{n:>11}  -"]
    text = "\n".join(lines)
    print(text)
    if args.write_results and not args.smoke:
        section = f"{BEGIN}\n## Suggestions\n\n```text\n{text}\n```\n{END}"
        old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
        if BEGIN in old:
            before, rest = old.split(BEGIN, 1)
            new = before + section + rest.split(END, 1)[1]
        else:
            new = old.rstrip("\n") + "\n\n" + section + "\n"
        RESULTS.write_text(new)
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
