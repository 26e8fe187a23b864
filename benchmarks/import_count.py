"""Instructions per import of the large Google-shaped export (``google_export.py``),
counted with callgrind, at another revision and in the working tree.

    python benchmarks/import_count.py --base 29dc532

The base revision's ``src/`` is exported with ``git archive`` into a temporary
directory. For each horizon of ``import_bench.py`` and each side, a child process runs
twice under ``valgrind --tool=callgrind`` with ``PYTHONHASHSEED=0``: once reading the
export and importing it once (the warm-up: modules, zones, regular expressions), once
also importing it a second time after a garbage collection; the difference is the
instructions of one import. Both sides read the same bytes (written once to a temporary
file) and must give the same result (a digest of the ``import_ics`` result's fields).
The counts repeat exactly (two children of the same side gave the same count, to the
instruction, while other jobs ran), which wall-clock times on this shared machine do not.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.M)
CHILD = ("import sys; sys.path[:0] = sys.argv[1:3]; import import_count; "
         "import_count.child_main(sys.argv[3:])")
HORIZONS = {"year": (dt.date(2025, 9, 1), dt.date(2026, 7, 31)),
            "ten": (dt.date(2016, 9, 1), dt.date(2026, 8, 31))}
LABELS = {"year": "one school year (2025-09-01..2026-07-31)",
          "ten": "ten years (2016-09-01..2026-08-31)"}


def child_main(argv: list[str]) -> None:
    """In a child: ``src file horizon mode``; prints the result's digest."""
    import gc

    src, file, horizon, mode = argv
    import twinschedule
    from twinschedule.ical.importer import import_ics

    if not twinschedule.__file__ or not twinschedule.__file__.startswith(src):
        raise RuntimeError(f"{twinschedule.__file__} is not under {src}")
    data = Path(file).read_bytes()
    start, end = HORIZONS[horizon]
    got = import_ics(data, "Europe/London", start, end)  # warm-up
    gc.collect()
    if mode == "count-import":
        got = import_ics(data, "Europe/London", start, end)
    fields = {f.name: getattr(got, f.name) for f in dataclasses.fields(got)}
    print(hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest())


def counted(src: Path, file: Path, horizon: str, mode: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         "-c", CHILD, str(src), str(HERE), str(src), str(file), horizon, mode],
        capture_output=True, text=True, cwd=ROOT, env=env)
    found = COLLECTED.search(done.stderr)
    if done.returncode or not found:
        raise RuntimeError(f"{horizon} with {src} failed under callgrind:\n{done.stderr}")
    return int(found[1]), done.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from google_export import google_export

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        archive = Path(tmp) / "base.tar"
        subprocess.run(["git", "archive", "-o", str(archive), args.base, "src"], cwd=ROOT,
                       check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(base, filter="data")
        file = Path(tmp) / "export.ics"
        file.write_bytes(google_export())
        sides = {"base": base / "src", "new": ROOT / "src"}
        work = [(h, s, m) for h in HORIZONS for s in sides for m in ("count", "count-import")]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {w: pool.submit(counted, sides[w[1]], file, w[0], w[2]) for w in work}
            got = {w: f.result() for w, f in futures.items()}
    print(f"python benchmarks/import_count.py --base {args.base}")
    print(f"base {args.base}, new {head} (working tree); millions of instructions per "
          f"import_ics of the Google-shaped export (callgrind, PYTHONHASHSEED=0)")
    print(f"{'horizon':42}  {'base Mi':>8}  {'new Mi':>8}  new/base  same result")
    for h in HORIZONS:
        per = {s: (got[(h, s, "count-import")][0] - got[(h, s, "count")][0]) / 1e6
               for s in sides}
        same = got[(h, "base", "count-import")][1] == got[(h, "new", "count-import")][1]
        print(f"{LABELS[h]:42}  {per['base']:8.1f}  {per['new']:8.1f}  "
              f"{per['new'] / per['base']:8.3f}  {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
