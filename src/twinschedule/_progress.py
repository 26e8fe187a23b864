"""Progress of long runs on standard error (network.md, "Long runs show progress"):
a bar redrawn in place on a terminal, and a plain line at most every ``INTERVAL``
seconds otherwise. Nothing ever goes to standard output, so ``--json`` stays parseable.

Quick runs stay silent: the bar is drawn only once the run has lasted ``BAR_AFTER``
seconds, and the first plain line comes after ``INTERVAL`` seconds (a log gets a line
for a run that is long, not for every run). The clock is passed in for tests.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

BAR_AFTER = 1.0  # seconds before a terminal shows the bar
INTERVAL = 5.0  # seconds between two plain lines
BAR_WIDTH = 30
REDRAW = 0.1  # seconds between two redraws of the bar (the last state is always drawn)


class Progress:
    """``progress(done, total)`` for :func:`twinschedule.match_all` or
    :func:`twinschedule.plan_network`; call :meth:`close` at the end (a terminal's bar
    then ends its line; a log that got lines gets a last one)."""

    def __init__(self, label: str, unit: str, *, stream: TextIO | None = None,
                 tty: bool | None = None, clock: Callable[[], float] = time.monotonic,
                 bar_after: float | None = None, interval: float | None = None) -> None:
        self.label = label
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.bar_after = BAR_AFTER if bar_after is None else bar_after
        self.interval = INTERVAL if interval is None else interval
        self.began = clock()
        self.last: float | None = None  # when the bar or the last line was written
        self.shown = False
        self.state = (0, 0)

    def __call__(self, done: int, total: int) -> None:
        self.state = (done, total)
        now = self.clock()
        if self.tty:
            due = now - self.began >= self.bar_after if self.last is None else (
                done >= total or now - self.last >= REDRAW)
            if due:
                self.last = now
                self._write(f"\r{self._bar(done, total)}")
        elif now - (self.began if self.last is None else self.last) >= self.interval:
            self.last = now
            self._write(self._line(done, total, now) + "\n")

    def close(self) -> None:
        if not self.shown:
            return
        done, total = self.state
        if self.tty:
            self._write("\n")
        else:
            self._write(self._line(done, total, self.clock()) + "\n")

    def _bar(self, done: int, total: int) -> str:
        full = BAR_WIDTH * done // max(total, 1)
        return (f"{self.label} [{'#' * full}{'.' * (BAR_WIDTH - full)}] "
                f"{done}/{total} {self.unit}")

    def _line(self, done: int, total: int, now: float) -> str:
        pct = 100 * done // max(total, 1)
        return (f"{self.label}: {done}/{total} {self.unit} ({pct}%), "
                f"{now - self.began:.0f} s")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
        self.shown = True
