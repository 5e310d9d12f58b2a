"""Audit log cost: hash-chained entries per second against plain inserts of the same rows.

Chained: `audit.service.record` for each entry (digests, canonical JSON, the chain hash), written
when the transaction commits. Plain: the same number of rows of the same shape, built beforehand,
in one executemany into a plain copy of the table.

Run: `.venv/bin/python -m bench.audit [N]` (SQLite in a temporary folder; set
OPENCBEC_BENCH_DATABASE_URL to an empty PostgreSQL database to measure there).
Prints `name: value` lines; the last is `ratio: <chained rate / plain rate>`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from typing import cast

from sqlalchemy import MetaData, Table, insert

from bench.clearance import plain_copy
from opencbec.audit import service
from opencbec.audit.models import AuditEntry
from opencbec.audit.service import Actor
from opencbec.db import Database, build_engine
from opencbec.kit.time import utcnow
from opencbec.migrate import upgrade_engine


def main(n: int = 5000) -> None:
    """Measure and print."""
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("OPENCBEC_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        database = Database(build_engine(url))
        upgrade_engine(database.engine)
        # The baseline: the same number of rows of the audit table's shape (a plain copy: same
        # columns, keys and indexes, no append-only triggers), prepared beforehand and inserted
        # with one executemany in one transaction, as a transaction's entries are written.
        plain = plain_copy(cast(Table, AuditEntry.__table__), MetaData())
        plain.create(database.engine, checkfirst=True)
        actor = Actor(label="bench", user_id=1, organisation_id=1)
        now = utcnow()
        rows = [
            {
                "seq": i + 1,
                "at": now,
                "actor_user_id": 1,
                "actor_organisation_id": 1,
                "actor_api_key_id": None,
                "actor_label": "bench",
                "organisation_id": 1,
                "action": "bench.plain",
                "object_type": "bench.thing",
                "object_id": str(i),
                "before_digest": "0" * 64,
                "after_digest": "0" * 64,
                "details": {},
                "prev_hash": "0" * 64,
                "hash": "0" * 64,
            }
            for i in range(n)
        ]

        start = time.perf_counter()
        with database.session() as session:
            session.execute(insert(plain), rows)
        plain_rate = n / (time.perf_counter() - start)

        start = time.perf_counter()
        with database.session() as session:
            for i in range(n):
                service.record(
                    session,
                    actor=actor,
                    action="bench.chained",
                    object_type="bench.thing",
                    object_id=i,
                    organisation_id=1,
                    before={"n": i},
                    after={"n": i + 1},
                )
        chained_rate = n / (time.perf_counter() - start)

        start = time.perf_counter()
        with database.session(write=False) as session:
            report = service.verify(session)
        verify_rate = report.checked / (time.perf_counter() - start)
        assert report.ok
        database.dispose()
    print(f"database: {database.engine.dialect.name}")
    print(f"entries: {n}")
    print(f"plain_inserts_per_s: {plain_rate:.0f}")
    print(f"chained_entries_per_s: {chained_rate:.0f}")
    print(f"verified_entries_per_s: {verify_rate:.0f}")
    print(f"ratio: {chained_rate / plain_rate:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
