"""What ``missed`` (network.md, "Why a school misses") costs ``plan_network``: CPU
seconds without it (``_Search.missed`` replaced by an empty answer), with it (in bulk,
``network/webinar_missed``) and with its reference path (``SchoolCalendar.conflicts``
per group and month) on the benchmark networks of ``network_bench.py``, sharing
calendars (the default) and with every school its own (``share=False``), and on its
networks whose schools all have calendars of their own; and the size of the JSON it
adds.

    python benchmarks/missed_bench.py 1000 5000
"""

from __future__ import annotations

import gc
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "examples" / "networks"))
warnings.filterwarnings("ignore", message="Requested Holidays are available only")

from network_bench import data  # noqa: E402

import twinschedule  # noqa: E402
from twinschedule.network.webinar import _Search, plan_network  # noqa: E402


def best_of(n: twinschedule.Network, share: bool, runs: int = 2) -> float:
    plan_network(n, share=share)
    times = []
    for _ in range(runs):
        gc.collect()
        c = time.process_time()
        plan_network(n, share=share)
        times.append(time.process_time() - c)
    return min(times)


def main() -> None:
    real = _Search.missed

    def reference(self: _Search, fi: int, k: int) -> Any:
        return real(self, fi, k, reference=True)

    for size in (int(a) for a in sys.argv[1:] or ["1000"]):
        for own in (False, True):
            n = twinschedule.network_from_dict(data(size, own_calendars=own))
            label = f"{size} schools{', own calendars' if own else ''}"
            for share in (True, False) if not own else (True,):
                _Search.missed = lambda self, fi, k: ()  # type: ignore[method-assign]
                without = best_of(n, share)
                _Search.missed = reference  # type: ignore[method-assign]
                slow = best_of(n, share)
                _Search.missed = real  # type: ignore[method-assign]
                with_ = best_of(n, share)
                print(f"{label}, share={share}: {without:.2f} s without missed, "
                      f"{with_:.2f} s with (in bulk), {slow:.2f} s with the reference "
                      f"path (conflicts per group and month)", flush=True)
            d = plan_network(n).to_dict()
            whole = len(json.dumps(d, indent=2, ensure_ascii=False))
            missed = sum(len(json.dumps(o["missed"], indent=2, ensure_ascii=False))
                         for o in d["options"])
            print(f"{label}: --json {whole / 1e6:.1f} MB, of which missed "
                  f"{missed / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
