"""A one-line progress bar for the search commands."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    """``[██████░░░░]  600/1000  60%  1,234 项/秒``, redrawn in place on a
    terminal at most a few times a second; a line per 10 % otherwise (logs)."""

    WIDTH = 30

    def __init__(self, out: TextIO, total: int, *, label: str = "", unit: str = "项", interval: float = 0.2) -> None:
        self.out = out
        self.total = max(int(total), 0)
        self.label = label
        self.unit = unit
        self.interval = interval
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_tenth = -1
        self.done = 0
        isatty = getattr(out, "isatty", None)
        self.tty = bool(isatty and isatty())

    def _write(self, text: str) -> None:
        # Django's OutputWrapper appends a newline unless told otherwise.
        if hasattr(self.out, "ending"):
            self.out.write(text, ending="")
        else:
            self.out.write(text)

    def line(self, done: int) -> str:
        total = max(self.total, done)
        fraction = done / total if total else 1.0
        filled = round(self.WIDTH * fraction)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (
            f"{self.label}[{'█' * filled}{'░' * (self.WIDTH - filled)}] "
            f"{done:,}/{total:,}  {fraction:.0%}  {done / elapsed:,.0f} {self.unit}/秒"
        )

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.tty:
            if now - self._last_draw >= self.interval or done >= self.total:
                self._last_draw = now
                self._write("\r" + self.line(done))
                self.out.flush()
            return
        tenth = int(10 * done / self.total) if self.total else 10
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self._write(self.line(done) + "\n")

    def finish(self) -> float:
        """Draw the final state; returns the elapsed seconds."""
        if self.tty:
            self._write("\r" + self.line(self.done) + "\n")
        elif self._last_tenth != 10 and self.done >= self.total:
            self._write(self.line(self.done) + "\n")
        self.out.flush()
        return time.monotonic() - self.started
