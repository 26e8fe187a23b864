"""Where the memory of ``twinschedule match FILE --all --workers N --json --quiet`` goes,
process by process: the command line in a fresh process on a network of schools with
calendars of their own (as ``match_all_bench.py``), the resident size of the command and
of each of its workers sampled every 0.2 s; printed: each process's peak, the peak of
their sum and what each held then, a line every 15 s, and the SHA-256 of the output
(equal before and after a change that must not change any byte).

    python benchmarks/match_all_memory.py 1000             # --workers 2
    python benchmarks/match_all_memory.py 1000 --workers 1  # the command alone
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from match_all_bench import CLI, tree, write_network

MB = 2**20


def run(path: Path, workers: int, out: Path) -> None:
    t0 = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen([*CLI, "match", str(path), "--all", "--workers",
                                 str(workers), "--json", "--quiet"], stdout=sink)
        peak: dict[int, int] = {}
        best, at, held, last = 0, 0.0, {}, -15.0
        while proc.poll() is None:
            now = tree(proc.pid)
            for pid, size in now.items():
                peak[pid] = max(peak.get(pid, 0), size)
            if sum(now.values()) > best:
                best, at, held = sum(now.values()), time.perf_counter() - t0, now
            if time.perf_counter() - t0 - last >= 15:
                last = time.perf_counter() - t0
                print(f"{last:6.0f} s  " + "  ".join(
                    f"{'command' if p == proc.pid else p}: {s // MB} MB"
                    for p, s in now.items()), flush=True)
            time.sleep(0.2)
    print(f"exit status {proc.returncode}, {time.perf_counter() - t0:.0f} s wall")
    print("peak per process: " + "  ".join(
        f"{'command' if p == proc.pid else f'worker {p}'}: {s // MB} MB"
        for p, s in peak.items()))
    print(f"peak of the sum: {best // MB} MB at {at:.0f} s (" + "  ".join(
        f"{'command' if p == proc.pid else p}: {s // MB} MB" for p, s in held.items()) + ")")
    print("output sha256:", hashlib.sha256(out.read_bytes()).hexdigest())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(write_network(a.size, Path(tmp)), a.workers, Path(tmp) / "out.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
