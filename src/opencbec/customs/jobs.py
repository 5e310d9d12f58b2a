"""The link's background work: each run owns its transactions (like a CLI command does).

One run: write the due outbox messages and commit; then apply inbox files in batches, commit
each batch, and only then move its files to archive/inbox or dead/. A crash between any two
steps is repaired by the next run (see the service's idempotency notes).
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

from opencbec.customs import service
from opencbec.customs.gateway import CustomsGateway, Probe
from opencbec.db import Database
from opencbec.kit.tasks import Periodic, PeriodicRunner
from opencbec.kit.time import utcnow
from opencbec.settings import Settings

log = logging.getLogger("opencbec.customs")
CRASH_ENV: Final = "OPENCBEC_LINK_CRASH_AT"
MAX_BATCHES: Final = 50


@dataclass(slots=True)
class LinkRun:
    """What one run of the link did."""

    written: int = 0
    already: int = 0
    failed: int = 0
    applied: int = 0
    dead: int = 0

    def __bool__(self) -> bool:
        return any((self.written, self.already, self.failed, self.applied, self.dead))


def link_once(
    database: Database,
    *,
    gateway: CustomsGateway,
    probe: Probe | None = None,
    batch: int = 200,
) -> LinkRun:
    """Flush the outbox and drain the inbox once; each step in its own transaction."""
    probe = probe or (lambda _point: None)
    run = LinkRun()
    # Read what is due, write the files with no transaction open (fsync is slow, and on SQLite a
    # write transaction would hold every web request's write behind it), then record the result.
    now = utcnow()
    with database.session(write=False) as session:
        due = service.due_outbox(session, now=now)
    sent = service.send_due(gateway, due)
    with database.session() as session:
        flushed = service.record_sent(session, sent, now=now)
        probe("outbox.flushed")
    run.written, run.already = flushed.written, flushed.already
    run.failed = flushed.failed + flushed.dead
    for _ in range(MAX_BATCHES):
        with database.session() as session:
            polled = service.poll_inbox(session, gateway=gateway, limit=batch, probe=probe)
        probe("inbox.committed")
        gateway.acknowledge_many(polled.applied)
        for name, reason in polled.dead:
            gateway.reject(name, reason)
        run.applied += len(polled.applied)
        run.dead += len(polled.dead)
        if polled.seen < batch:
            break
    return run


def link_task(database: Database, settings: Settings) -> Callable[[], None]:
    """Return the periodic job of the link (flush + poll), logging what each run did."""
    gateway = service.gateway_for(settings)

    def run() -> None:
        done = link_once(database, gateway=gateway)
        if done:
            log.info("customs link: %s", done)

    return run


def link_runner(database: Database, settings: Settings) -> PeriodicRunner:
    """Return a runner of the link's periodic job (not started)."""
    task = Periodic("customs-link", link_task(database, settings), settings.link_interval_seconds)
    return PeriodicRunner([task], name="customs-link")


def link_lifespan(
    database: Database, settings: Settings
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """Return an app lifespan that runs the link while the web app serves."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        runner = link_runner(database, settings)
        app.state.link_runner = runner
        runner.start()
        try:
            yield
        finally:
            runner.stop()

    return lifespan


def crash_probe(spec: str | None) -> Probe | None:
    """Return a probe that kills this process with SIGKILL at `point[:n]` (the n-th time).

    Only for crash tests, which set OPENCBEC_LINK_CRASH_AT on a link subprocess.
    """
    if not spec:
        return None
    point, _, nth = spec.partition(":")
    remaining = [int(nth or "1")]

    def probe(at: str) -> None:
        if at != point:
            return
        remaining[0] -= 1
        if remaining[0] <= 0:
            os.kill(os.getpid(), signal.SIGKILL)

    return probe
