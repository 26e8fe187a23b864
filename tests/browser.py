"""Headless Chromium for the report's browser tests: the rendered DOM, a screenshot, a PDF
print and the network log; a small PNG decoder (stdlib zlib) to look at screenshots.

Also a script that regenerates the README's screenshot of a shipped example's report:

    python tests/browser.py docs/img/report.png
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The example the README shows (a two-school year with moves, skips and a DST shift).
SCREENSHOT_EXAMPLE = ROOT / "examples" / "england-kenya.toml"
#: SOURCE_DATE_EPOCH of the reports made here (2026-09-01 00:00 UTC).
EPOCH = "1788220800"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-quic", "--disable-extensions", "--mute-audio",
         "--hide-scrollbars", "--force-device-scale-factor=1",
         # Every host name fails: a report that fetched anything could not load it.
         "--host-resolver-rules=MAP * ~NOTFOUND"]


def chromium() -> str | None:
    """The Chromium executable (Debian's ``chromium``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(args: list[str], page: Path, *, netlog: Path | None = None) -> str:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="twinschedule-chromium-") as profile:
        extra = [f"--log-net-log={netlog}", "--net-log-capture-mode=Everything"] \
            if netlog else []
        out = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *extra, *args,
                              page.resolve().as_uri()],
                             capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"chromium failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout


def dump_dom(page: Path, *, netlog: Path | None = None) -> str:
    """The DOM after the page has loaded, serialised."""
    return run_chromium(["--dump-dom"], page, netlog=netlog)


def screenshot(page: Path, png: Path, *, width: int = 1000, height: int = 1300) -> None:
    run_chromium([f"--screenshot={png}", f"--window-size={width},{height}",
                  "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000"],
                 page)


def print_pdf(page: Path, pdf: Path) -> None:
    run_chromium([f"--print-to-pdf={pdf}", "--no-pdf-header-footer"], page)


def page_requests(netlog: Path) -> list[str]:
    """The URLs the page itself asked for (not the browser's own background requests,
    whose initiator is "not an origin"), other than local ``file:`` and ``data:`` ones,
    from a Chromium network log."""
    text = netlog.read_text(errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit: close it
        data = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    out = []
    for event in data.get("events", []):
        params = event.get("params") or {}
        if names.get(event.get("type")) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        url = params["url"]
        if params.get("initiator") == "not an origin":
            continue  # the browser's own (time, accounts, ...), not the page's
        if url.split(":", 1)[0] in ("file", "data", "about", "chrome"):
            continue
        out.append(url)
    return out


def png_pixels(png: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of raw pixel bytes) of an 8-bit RGB or RGBA PNG."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos = 8
    idat = b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unsupported PNG ({depth}, {colour})"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        ftype = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r) for r in rows]


def png_colours(png: Path) -> tuple[int, float]:
    """(distinct colours, share of pixels that are not white) of a screenshot."""
    width, height, rows = png_pixels(png)
    channels = len(rows[0]) // width
    colours: set[bytes] = set()
    white = 0
    for row in rows:
        for x in range(0, len(row), channels):
            px = row[x:x + 3]
            colours.add(px)
            white += px == b"\xff\xff\xff"
    return len(colours), 1 - white / (width * height)


def make_report(example: Path, html: Path) -> dict[str, object]:
    """Run ``twinschedule plan EXAMPLE --json --report HTML``; the JSON plan."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "COLUMNS": "100"}
    out = subprocess.run([sys.executable, "-m", "twinschedule", "plan", str(example),
                          "--json", "--report", str(html)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    plan: dict[str, object] = json.loads(out.stdout)
    return plan


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "img" / "report.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        make_report(SCREENSHOT_EXAMPLE, html)
        screenshot(html, target, width=1000, height=1300)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
