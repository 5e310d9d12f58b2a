"""Background work behind one small interface: a task is a callable run every few seconds.

The embedded default runs tasks in-process on a daemon thread (`PeriodicRunner`); a deployment
that scales out can put the same callables behind a job queue without changing the callers.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("opencbec.tasks")


class Task(Protocol):
    """One unit of background work; it owns its own transaction(s) and returns when done."""

    def __call__(self) -> None:
        """Do one run of the work."""
        ...


class Runner(Protocol):
    """Something that runs tasks in the background until stopped."""

    def start(self) -> None:
        """Begin running."""
        ...

    def stop(self, timeout: float = 10.0) -> None:
        """Stop and wait (at most `timeout` seconds) for the current run to end."""
        ...


@dataclass(frozen=True, slots=True)
class Periodic:
    """A named task and the pause between the end of one run and the start of the next."""

    name: str
    task: Task
    interval: float


class PeriodicRunner:
    """Run periodic tasks one after another on a single daemon thread, each at its interval.

    A task that raises is logged and run again at its next turn: one bad run never stops the
    others. `stop()` wakes the thread at once instead of waiting out the interval.
    """

    def __init__(self, tasks: list[Periodic], *, name: str = "opencbec-tasks") -> None:
        if any(t.interval <= 0 for t in tasks):
            raise ValueError("every interval must be positive")
        if len({t.name for t in tasks}) != len(tasks):
            raise ValueError("task names must be unique")
        self.tasks = list(tasks)
        self.name = name
        self.runs = 0
        self.failures = 0
        self._due: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (a second start while running is refused)."""
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_due(self, now: float | None = None) -> float:
        """Run each task whose turn has come; return seconds until the next one is due."""
        now = time.monotonic() if now is None else now
        for periodic in self.tasks:
            if self._stop.is_set():
                break
            if self._due.get(periodic.name, 0.0) > now:
                continue
            self.runs += 1
            try:
                periodic.task()
            except Exception:
                self.failures += 1
                log.exception("background task %s failed; it runs again next time", periodic.name)
            self._due[periodic.name] = time.monotonic() + periodic.interval
        upcoming = min(self._due.get(t.name, 0.0) for t in self.tasks) if self.tasks else now + 1
        return max(0.0, upcoming - time.monotonic())

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(self.run_due())
