"""Progress as plain lines, for output that is not a terminal.

rich's progress bars draw live only on a terminal: a sweep or a run whose output went to
a file (a batch job, ``nohup``, a cluster's log) showed nothing until it ended, and the
only way to follow it was to count its run folders (an outside review). ``Lines`` writes
a line at each tenth of the work, and at least once a minute, with the time so far and
an estimate of the time left (from the pace since the first work done); the commands
use it where the console is no terminal.
"""

from __future__ import annotations

import time
from typing import Any

STEPS = 10  # a line at each tenth of the work
EVERY_SECONDS = 60.0  # and at least this often while the work moves on
QUIET_SECONDS = 5.0  # but none before the end of work this short (ten lines for 0.3 s)


class Lines:
    """One task's progress (``what``: "runs", "burn-in", ...) as plain lines on
    ``console`` (a rich Console; printed without markup)."""

    def __init__(self, console: Any, what: str, total: int, unit: str = "") -> None:
        self.console, self.what, self.total, self.unit = console, what, max(int(total), 0), unit
        self.start = self.last = time.monotonic()
        self.step = 0  # the last tenth said
        self.said_all = False
        self.first: tuple[float, int] | None = None  # (when, done) of the first work done

    def restart(self) -> None:
        """The clock from now (work that waited for other work)."""
        self.start = self.last = time.monotonic()
        self.first = None

    def update(self, done: int, extra: str = "") -> None:
        """``done`` of the total so far: a line when it reaches the total, and from
        ``QUIET_SECONDS`` on at each new tenth and at least every ``EVERY_SECONDS``
        (``extra``: said after the count)."""
        now = time.monotonic()
        if self.first is None and done > 0:
            self.first = (now, done)
        if done >= self.total:
            if self.said_all:
                return
            self.said_all = True
        else:
            step = done * STEPS // self.total
            if now - self.start < QUIET_SECONDS:
                return
            if step <= self.step and now - self.last < EVERY_SECONDS:
                return
            self.step = step
        self.last = now
        self.console.print(self.line(done, now, extra), markup=False, highlight=False)

    def line(self, done: int, now: float, extra: str = "") -> str:
        elapsed = now - self.start
        unit = f" {self.unit}" if self.unit else ""
        words = f"{self.what}: {done:,}/{self.total:,}{unit}"
        if extra:
            words += f" ({extra})"
        words += f", {_clock(elapsed)}"
        pace = self.pace(done, now)
        if pace is not None and done < self.total:
            words += f", about {_clock(pace * (self.total - done))} left"
        return words

    def pace(self, done: int, now: float) -> float | None:
        """Seconds a unit of work takes, measured from the first work done on; None
        until more has been done since. The time before it (a pool's start, the kernels'
        compilation, a batch of runs that came back at once) is not the work's pace (an
        outside review: "about 1 min 33 s left" at 20 of 192 runs, 13 s before the end)."""
        if self.first is None or done <= self.first[1]:
            return None
        return (now - self.first[0]) / (done - self.first[1])


def _clock(seconds: float) -> str:
    """'4.2 s', '3 min 05 s', '1 h 02 min'."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
