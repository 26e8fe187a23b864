"""The search with stretch hours and alternation (planning.md): a two-school
partnership with stretch hours on both sides (<= 1 s) and a ten-school one (<= 5 s),
one school year, step 15, every school's zone an anchor, alternation on. Timed is the
search core (``core.alternate.plan``: the options, no suggestions, no near miss), CPU
time, the median of ``--runs`` calls after a warm-up, a garbage collection before
each. Also printed: the rules of each part that hold a meeting within stretch_share,
the pairs they make, and how many pairs the branch and bound evaluated exactly (the
rest were pruned by bounds, never by a guess).

    python benchmarks/stretch_bench.py                  # prints the table
    python benchmarks/stretch_bench.py --write-results  # ... and updates RESULTS.md
    python benchmarks/stretch_bench.py --smoke          # one call of each, not judged
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from workloads import stretch_ten, stretch_two

import twinschedule
from twinschedule.core import alternate

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN = "<!-- stretch: begin -->"
END = "<!-- stretch: end -->"
CASES: list[tuple[str, str, Any, float]] = [
    ("two", "2 schools 12-13 h apart, stretch on both sides", stretch_two, 1.0),
    ("ten", "10 schools London-Dhaka-New York, stretch everywhere", stretch_ten, 5.0),
]


def measure(p: twinschedule.Partnership, runs: int) -> tuple[float, alternate.SearchStats,
                                                             twinschedule.Plan]:
    """(median CPU seconds, the search's statistics, the plan)."""
    alternate.plan(p)
    times = []
    stats = alternate.SearchStats()
    plan = None
    for _ in range(runs):
        stats = alternate.SearchStats()
        gc.collect()
        t0 = time.process_time()
        plan = alternate.plan(p, stats=stats)
        times.append(time.process_time() - t0)
    assert plan is not None
    return statistics.median(times), stats, plan


def table(runs: int) -> tuple[list[str], bool]:
    lines = ["| case | seconds (CPU, median) | limit | ordered pairs of rules | "
             "rules A / B holding a meeting within the share | their pairs | "
             "evaluated exactly | pruned by bounds | best option |",
             "|---|---|---|---|---|---|---|---|---|"]
    ok = True
    for key, what, make, limit in CASES:
        p = twinschedule.from_dict(make())
        seconds, st, plan = measure(p, runs)
        best = plan.options[0] if plan.options else None
        shown = ("none" if best is None else
                 f"{best.kind}, {best.metrics.held} held, max stretch {best.metrics.max_stretch}")
        ok &= seconds <= limit
        space = plan.candidates * (plan.candidates - 1)
        share = f" ({st.pruned / st.pairs:.2%})" if st.pairs else ""
        lines.append(f"| {key}: {what} | {seconds:.3f} | {limit:.0f} | {space:,} | "
                     f"{st.a_candidates:,} / {st.b_candidates:,} | {st.pairs:,} | "
                     f"{st.evaluated:,} | {st.pruned:,}{share} | {shown} |")
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--write-results", action="store_true")
    args = ap.parse_args(argv)
    lines, ok = table(1 if args.smoke else args.runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("\n".join(lines))
    print(f"(load average {load:.2f})")
    if args.write_results:
        text = RESULTS.read_text(encoding="utf-8")
        block = "\n".join([BEGIN, *lines, END])
        if BEGIN in text:
            head, rest = text.split(BEGIN, 1)
            text = head + block + rest.split(END, 1)[1]
        else:
            text += "\n" + block + "\n"
        RESULTS.write_text(text, encoding="utf-8")
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
