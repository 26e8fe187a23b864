"""The network report in a real browser (headless Chromium), as the plan's report is
tested: the rendered DOM's months x sessions, options, countries and never-reached
schools equal the JSON plan; the page asks for nothing from elsewhere; a screenshot is
not blank; it prints on A4.

Skipped (with the reason) when Chromium is not installed; CI (.ci/run) installs Debian's
``chromium``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from browser import EPOCH, chromium, dump_dom, page_requests, png_colours, print_pdf, screenshot
from conftest import CONFORMANCE, EXAMPLES, ROOT
from test_network_report import _schools, assert_matches_the_json, parse

pytestmark = pytest.mark.skipif(
    chromium() is None,
    reason="chromium is not installed: the browser tests need it (apt-get install -y "
           "chromium; CI installs it)")

A4 = (595.28, 841.89)  # points
FILES = {"americas-asia": (CONFORMANCE / "network" / "cases" / "americas-asia.toml", "ar"),
         "european-heads": (EXAMPLES / "networks" / "european-heads.toml", "en")}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any]]:
    out = {}
    base = tmp_path_factory.mktemp("network-reports")
    for name, (path, lang) in FILES.items():
        html = base / f"{name}.html"
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
        r = subprocess.run([sys.executable, "-m", "twinschedule", "network", str(path),
                            "--json", "--report", str(html), "--lang", lang],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
        assert r.returncode == 0, r.stderr
        out[name] = (html, json.loads(r.stdout))
    return out


@pytest.mark.parametrize("name", sorted(FILES))
def test_dom_matches_the_json_and_nothing_is_fetched(name: str, reports: dict[str, Any],
                                                     tmp_path: Path) -> None:
    html, plan = reports[name]
    netlog = tmp_path / "netlog.json"
    dom = dump_dom(html, netlog=netlog)
    assert page_requests(netlog) == []
    parsed = parse(dom)
    assert parsed.lang == FILES[name][1]
    assert_matches_the_json(parsed, plan, _schools(FILES[name][0]))


@pytest.mark.parametrize("name", sorted(FILES))
def test_screenshot_is_not_blank(name: str, reports: dict[str, Any], tmp_path: Path) -> None:
    html, _ = reports[name]
    png = tmp_path / "shot.png"
    screenshot(html, png, width=1000, height=1300)
    colours, inked = png_colours(png)
    assert colours >= 20, f"{colours} distinct colours: a blank or unstyled page?"
    assert inked > 0.05, f"only {inked:.1%} of the page is not white"


def test_prints_on_a4(reports: dict[str, Any], tmp_path: Path) -> None:
    html, _ = reports["european-heads"]
    pdf = tmp_path / "report.pdf"
    print_pdf(html, pdf)
    data = pdf.read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)
    assert 1 <= len(pages) <= 4, f"{len(pages)} pages"  # 40 schools, 11 months
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes
    for w, h in boxes:
        assert abs(float(w) - A4[0]) < 2 and abs(float(h) - A4[1]) < 2, (w, h)
