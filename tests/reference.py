"""The brute-force reference planner lives in benchmarks/bruteforce.py (one copy, used
by the benchmark and by the agreement property test)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bruteforce import plan_summary, reference_plan

__all__ = ["plan_summary", "reference_plan"]
