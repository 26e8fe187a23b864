"""Deterministic pools for the partner-matching benchmarks, as network dicts for
``twinschedule.network_from_dict``.

``distinct(n)``: the schools of ``workloads.py`` (16 zones, national holidays, terms,
a random mid-term break and training days, fortnightly staff meetings and exam mornings
per school), so no two schools share a calendar: the hard case for sharing work.
``shared(n)``: the example-network generator's schools (30 countries, six hour patterns,
two break calendars per country), where many schools share a calendar.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "examples" / "networks"))

from workloads import SCHOOLS, START, _school, horizon_end  # noqa: E402


def distinct(n: int, *, start: dt.date = START) -> dict[str, Any]:
    end = horizon_end(start, years=1)
    schools = [_school(i, SCHOOLS[i % len(SCHOOLS)], start, end) for i in range(n)]
    return {"network": {"id": f"pool-{n}", "name": f"Pool of {n} schools", "start": start,
                        "end": end, "duration": 45, "anchor": "Europe/London"},
            "schools": schools}


def shared(n: int) -> dict[str, Any]:
    from make_networks import WORLD, network

    return network(ident=f"shared-{n}", name=f"Shared pool of {n}", countries=WORLD,
                   n_schools=n, anchor="Europe/London", seed=n, start=dt.date(2026, 9, 1),
                   end=dt.date(2027, 7, 31), step=15, top=5)
