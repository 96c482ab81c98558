"""The sandbox clock: the time service behaviours see, frozen until advanced or set."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta


class SandboxClock:
    """A thread-safe clock that only moves when told to.

    ``start`` is the moment the sandbox began; behaviours measure from it (a flaky service is
    down before ``start + 4 h``). Datetimes are naive local time, like the rest of the model."""

    def __init__(self, start: datetime):
        self._start = start
        self._now = start
        self._lock = threading.Lock()

    @property
    def start(self) -> datetime:
        return self._start

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` (must not be negative); returns the new time."""
        if delta < timedelta(0):
            raise ValueError("the sandbox clock does not run backwards; use set()")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment

    def elapsed(self) -> timedelta:
        """Time since the start."""
        with self._lock:
            return self._now - self._start

    def __repr__(self) -> str:
        return f"SandboxClock(start={self._start.isoformat()}, now={self.now().isoformat()})"
