"""Load benchmark of ``twinschedule serve`` on the loopback (bounded in requests and time).

Starts the service (uvicorn) on 127.0.0.1 with a fresh SQLite file (or ``--db URL``),
creates a partnership through the API, then:

1. feed GETs from ``--clients`` threads on keep-alive connections, half with the
   feed's ETag in ``If-None-Match`` (answered 304) and half without (200 with the
   bytes);
2. concurrent edits of one school's section by ``--writers`` threads: each reads the
   section and its revision, appends a closure with a name of its own and PUTs it
   with ``If-Match``; a 409 (someone saved first) is read again and retried.

It reports requests per second, p50/p99 latency, errors (any other answer: must be 0)
and lost updates (a write answered 200 whose closure is missing from the final
section: must be 0). Exit status 1 when either is not 0.

    python benchmarks/serve_bench.py [--smoke] [--db URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PARTNERSHIP: dict[str, Any] = {
    "partnership": {"id": "bench", "name": "Bench", "start": "2027-01-01",
                    "end": "2027-06-30", "duration": 45},
    "schools": [{"id": "rugby", "name": "Rugby", "timezone": "Europe/London"},
                {"id": "nairobi", "name": "Nairobi", "timezone": "Africa/Nairobi"}],
}
#: Sundays of the horizon: closures on them change no meeting (the plan stays).
SUNDAYS = [f"2027-{m:02d}-{d:02d}" for m, d in ((1, 3), (1, 10), (2, 7), (3, 7), (4, 4),
                                                (5, 2), (6, 6))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        data = json.dumps(body).encode() if body is not None else None
        h = {"content-type": "application/json"} if data is not None else {}
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=data, headers=h)
            r = self.conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise


def start(db: str, port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("twinschedule")
    proc = subprocess.Popen([str(exe), "serve", "--db", db, "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the service did not start")


def summary(name: str, latencies: list[float], seconds: float, errors: int,
            extra: str = "") -> str:
    lat = sorted(latencies)
    p50 = statistics.median(lat) * 1000 if lat else 0.0
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0.0
    rate = len(lat) / seconds if seconds else 0.0
    return (f"  {name:<38} {len(lat):>6} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {errors:>6}"
            f"{extra}")


def feeds(port: int, path: str, etag: str, clients: int, total: int,
          limit: float) -> tuple[list[float], list[float], float, int]:
    """Feed GETs; (latencies with If-None-Match, without, seconds, errors)."""
    hit: list[float] = []
    miss: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + limit

    def run(i: int) -> None:
        c = Client(port)
        for n in range(total // clients):
            if time.monotonic() > deadline:
                return
            cached = (n + i) % 2 == 0
            t0 = time.perf_counter()
            try:
                status, _, body = c.request("GET", path, headers={"If-None-Match": etag}
                                            if cached else {})
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
            dt = time.perf_counter() - t0
            ok = status == 304 if cached else status == 200 and body.startswith(
                b"BEGIN:VCALENDAR")
            with lock:
                (hit if cached else miss).append(dt)
                errors[0] += not ok

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return hit, miss, time.perf_counter() - t0, errors[0]


def edits(port: int, token: str, writers: int, per_writer: int, limit: float
          ) -> tuple[list[float], float, int, int, int]:
    """Concurrent edits of one section; (latencies of PUTs, seconds, errors, conflicts,
    lost updates)."""
    latencies: list[float] = []
    saved: list[str] = []
    counts = {"errors": 0, "conflicts": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + limit
    url = f"/api/v1/p/{token}"

    def run(w: int) -> None:
        c = Client(port)
        done = 0
        while done < per_writer and time.monotonic() < deadline:
            status, _, body = c.request("GET", url)
            if status != 200:
                with lock:
                    counts["errors"] += 1
                continue
            view = json.loads(body)
            section = next(s for s in view["partnership"]["schools"] if s["id"] == "rugby")
            rev = view["revisions"]["schools"]["rugby"]
            name = f"writer {w} edit {done}"
            day = SUNDAYS[(w + done) % len(SUNDAYS)]
            section["closures"] = [*section.get("closures", []), {"on": day, "name": name}]
            t0 = time.perf_counter()
            status, _, _ = c.request("PUT", f"{url}/schools/rugby", section,
                                     {"If-Match": f'"{rev}"'})
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if status == 200:
                    saved.append(name)
                    done += 1
                elif status == 409:
                    counts["conflicts"] += 1
                else:
                    counts["errors"] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    view = json.loads(Client(port).request("GET", url)[2])
    final = next(s for s in view["partnership"]["schools"] if s["id"] == "rugby")
    present = {c["name"] for c in final.get("closures", [])}
    lost = sum(name not in present for name in saved)
    if view["revisions"]["schools"]["rugby"] != 1 + len(saved):
        lost += 1  # a revision without its write, or a write without its revision
    return latencies, seconds, counts["errors"], counts["conflicts"], lost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="a few requests (CI)")
    ap.add_argument("--db", help="database URL (default: a new SQLite file)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--writers", type=int, default=4)
    args = ap.parse_args()
    total, per_writer, limit = (200, 3, 60.0) if args.smoke else (4000, 25, 120.0)
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        port = free_port()
        proc = start(db, port)
        try:
            c = Client(port)
            status, _, body = c.request("POST", "/api/v1/partnerships", PARTNERSHIP)
            assert status == 201, body
            made = json.loads(body)
            token = made["organizer_url"].rsplit("/", 1)[1]
            path = "/" + made["feed_urls"]["schools"]["rugby"].split("/", 3)[3]
            for _ in range(300):
                status, headers, _ = c.request("GET", path)
                if status == 200:
                    break
                time.sleep(0.1)
            hit, miss, fsec, ferr = feeds(port, path, headers["etag"], args.clients, total,
                                          limit)
            lat, esec, eerr, conflicts, lost = edits(port, token, args.writers, per_writer,
                                                     limit)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("twinschedule serve, load on the loopback "
          f"({'PostgreSQL' if args.db and 'postgres' in args.db else 'SQLite'}; "
          f"{os.cpu_count()} CPUs; Python {platform.python_version()})")
    print(f"  {'':<38} {'requests':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    print(summary(f"feed GET, If-None-Match ({args.clients} clients)", hit, fsec, 0))
    print(summary(f"feed GET, no ETag ({args.clients} clients)", miss, fsec, ferr,
                  f"   (both kinds together: {(len(hit) + len(miss)) / fsec:.0f} req/s)"))
    print(summary(f"PUT one section ({args.writers} writers)", lat, esec, eerr,
                  f"   409 retried: {conflicts}, lost updates: {lost}"))
    return 0 if ferr == eerr == lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
