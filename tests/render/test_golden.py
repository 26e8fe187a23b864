"""Golden files for the readable outputs (``twinschedule plan``, ``check``, ``network`` and
``match`` text).

Regenerate after an intended change with ``pytest tests/render/test_golden.py --update-golden``
and review the diff. A missing golden file fails the test (it is written only with
``--update-golden``), so a deleted file cannot pass silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

GOLDEN = Path(__file__).parent.parent / "golden"
CASES = {
    "england-kenya.plan": ["plan", "examples/england-kenya.toml"],
    "england-kenya.check": ["check", "examples/england-kenya.toml"],
    "honolulu-delhi.plan": ["plan", "examples/infeasible/honolulu-delhi.toml"],
    "newyork-berlin.plan": ["plan", "examples/newyork-berlin.toml", "--top", "3"],
    "newyork-berlin.de.plan": ["plan", "examples/newyork-berlin.toml", "--top", "2", "--lang",
                               "de"],
    "riyadh-lahore.ar.plan": ["plan", "examples/riyadh-lahore.toml", "--top", "1", "--lang",
                              "ar"],
    "india-nepal-bangladesh.ja.plan": ["plan", "examples/india-nepal-bangladesh.toml", "--top",
                                       "1", "--lang", "ja"],
    "european-heads.network": ["network", "examples/networks/european-heads.toml"],
    "worldwide.network": ["network", "examples/networks/worldwide.toml", "--top", "2"],
    "european-heads.match": ["match", "examples/networks/european-heads.toml", "--school",
                             "at-0001"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, request: pytest.FixtureRequest) -> None:
    out = subprocess.run([sys.executable, "-m", "twinschedule", *CASES[name]],
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "COLUMNS": "100"})
    assert out.returncode in (0, 1), out.stderr
    text = out.stdout
    path = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-golden"):
        path.write_text(text)
    assert path.exists(), f"{path} is missing: run pytest {__file__} --update-golden"
    assert text == path.read_text()
