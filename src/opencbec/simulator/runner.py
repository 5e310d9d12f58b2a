"""Run the simulator in a thread of the platform's own process, started and stopped from its
page (or at start-up when `run_simulator` is set)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from opencbec.kit.time import CHINA_STANDARD_TIME
from opencbec.simulator.exchange import Exchange
from opencbec.simulator.service import Config, Simulator
from opencbec.simulator.state import State

log = logging.getLogger(__name__)
INTERVAL: Final = 1.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the page shows: settings, whether it runs, and what it received and answered."""

    running: bool
    config: Config
    received: dict[str, int]
    outcomes: dict[str, int]
    answered: dict[str, tuple[int, int]]
    waiting: dict[str, int]
    passes: int
    last_error: str | None
    exchange: Path
    started_at: datetime | None = None


class Runner:
    """One simulator thread over one exchange folder."""

    def __init__(self, root: Path, *, interval: float = INTERVAL) -> None:
        self.root = root
        self.state_path = root / "simulator" / "state.sqlite3"
        self.interval = interval
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0
        self.last_error: str | None = None
        self.started_at: datetime | None = None

    @property
    def running(self) -> bool:
        """Return whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def config(self) -> Config:
        """Return the stored settings."""
        state = State(self.state_path)
        try:
            return Config.from_strings(state.config())
        finally:
            state.close()

    def save(self, config: Config) -> None:
        """Store settings; a running simulator picks them up on its next pass."""
        state = State(self.state_path)
        try:
            state.set_config(config.as_strings())
        finally:
            state.close()

    def start(self) -> bool:
        """Start the thread; return False when it was already running."""
        with self._lock:
            if self.running:
                return False
            self._stop.clear()
            Exchange(self.root).ensure()  # the folders exist once start() returns
            self._thread = threading.Thread(target=self._run, name="customs-simulator", daemon=True)
            self.started_at = datetime.now(CHINA_STANDARD_TIME)
            self._thread.start()
            return True

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the thread after its current pass; return False when it was not running."""
        with self._lock:
            thread = self._thread
            if thread is None or not thread.is_alive():
                return False
            self._stop.set()
        thread.join(timeout)
        return True

    def _run(self) -> None:
        sim = Simulator(self.root, config=self.config())
        try:
            while not self._stop.is_set():
                try:
                    sim.config = Config.from_strings(sim.state.config())
                    sim.run_once()
                    self.passes += 1
                    self.last_error = None
                except Exception as exc:  # keep answering: one bad pass must not stop customs
                    log.exception("customs simulator pass failed")
                    self.last_error = f"{type(exc).__name__}: {exc}"
                self._stop.wait(self.interval)
        finally:
            sim.close()

    def snapshot(self) -> Snapshot:
        """Return the settings and counts (works whether or not the thread runs)."""
        state = State(self.state_path)
        try:
            waiting: dict[str, int] = {}
            for (kind, status), n in state.doc_counts().items():
                if status == "2":
                    waiting[kind] = n
            return Snapshot(
                running=self.running,
                config=Config.from_strings(state.config()),
                received=state.received_by_type(),
                outcomes=state.outcomes(),
                answered=state.answered_by_type(),
                waiting=waiting,
                passes=self.passes,
                last_error=self.last_error,
                exchange=self.root,
                started_at=self.started_at if self.running else None,
            )
        finally:
            state.close()
