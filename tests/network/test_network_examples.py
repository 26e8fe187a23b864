"""The shipped example networks: generated reproducibly by
examples/networks/make_networks.py, valid, and planned as the docs say."""

from __future__ import annotations

import subprocess
import sys

from conftest import EXAMPLES

import twinschedule

NETWORKS = EXAMPLES / "networks"


def test_generator_reproduces_the_files() -> None:
    done = subprocess.run([sys.executable, str(NETWORKS / "make_networks.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_european_heads() -> None:
    n = twinschedule.load_network(NETWORKS / "european-heads.toml")
    assert 35 <= len(n.schools) <= 45
    assert len({s.country for s in n.schools}) == 25
    assert all(s.holidays == ("public",) for s in n.schools)
    plan = twinschedule.plan_network(n, top=1)
    assert plan.option(1).metrics.reached == len(n.schools)


def test_worldwide() -> None:
    n = twinschedule.load_network(NETWORKS / "worldwide.toml")
    assert len(n.schools) == 300 and n.sessions == 2
    assert len({s.country for s in n.schools}) == 30
    plan = twinschedule.plan_network(n, top=1)
    o = plan.option(1)
    assert o.repeat is not None
    assert o.repeat.combined > o.metrics.attendance
    never = {s.country for s in n.schools if s.id in o.repeat.never}
    # East Asia and Oceania: their school day is Europe's night and the Americas'
    # evening before.
    assert {"JP", "KR", "NZ"} <= never
