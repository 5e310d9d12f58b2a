"""Audit entries recorded in a batch: written together at its end, the chain as without it."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.orm import Session

from opencbec.audit import service
from opencbec.audit.models import AuditEntry
from opencbec.audit.service import Actor
from tests.statements import statements_run

ACTOR = Actor(label="tester", user_id=1, organisation_id=1)


def _record(session: Session, i: int) -> AuditEntry:
    return service.record(
        session,
        actor=ACTOR,
        action="test.thing.change",
        object_type="test.batch",
        object_id=i,
        organisation_id=1,
        after={"n": i},
        details={"i": i},
    )


def _written(session: Session) -> list[int]:
    return [
        int(i)
        for i in session.scalars(
            select(AuditEntry.object_id)
            .where(AuditEntry.object_type == "test.batch")
            .order_by(AuditEntry.seq)
        )
    ]


def _audit_writes(statements: list[str]) -> list[str]:
    # what was written to the audit tables (the test's own reads left out)
    return [
        verb
        for statement in statements
        for verb in [statement.split(maxsplit=1)[0]]
        if "audit_" in statement and verb != "SELECT"
    ]


def test_a_batch_writes_its_entries_together_when_it_ends(session: Session) -> None:
    before = _record(session, 0)  # the head is read and remembered before the batch
    with statements_run(session) as run, service.batch(session):
        entries = [_record(session, i) for i in range(1, 6)]
        assert _written(session) == [0]  # nothing written yet
    assert _written(session) == [0, 1, 2, 3, 4, 5]
    # one insert for five entries (one executemany); the head moves when the transaction commits
    assert _audit_writes(run) == ["INSERT"]
    assert [e.seq for e in entries] == list(range(before.seq + 1, before.seq + 6))
    assert entries[0].prev_hash == before.hash
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert all(inspect(e).detached and inspect(e).key for e in entries)  # the rows, detached
    session.add(entries[0])  # joins as the row it is: nothing written again
    session.flush()
    after = _record(session, 6)  # outside the batch: written at once, after the batch's last
    assert after.prev_hash == entries[-1].hash
    report = service.verify(session)
    assert report.ok, report.problems


def test_a_batch_that_records_nothing_writes_nothing(session: Session) -> None:
    with statements_run(session) as run, service.batch(session):
        pass
    assert _audit_writes(run) == []


def test_nested_batches_write_with_the_outermost(session: Session) -> None:
    with service.batch(session):
        _record(session, 1)
        with service.batch(session):
            _record(session, 2)
        assert _written(session) == []
        _record(session, 3)
    assert _written(session) == [1, 2, 3]
    assert service.verify(session).ok


def test_a_savepoint_rolled_back_in_a_batch_takes_its_entries(session: Session) -> None:
    with service.batch(session):
        _record(session, 1)
        dropped = session.begin_nested()
        _record(session, 2)
        with session.begin_nested():
            _record(session, 3)  # inside the savepoint rolled back below: dropped too
        dropped.rollback()
        with session.begin_nested():
            _record(session, 4)  # a released savepoint: its changes stay, and so does its entry
        _record(session, 5)
    assert _written(session) == [1, 4, 5]
    report = service.verify(session)
    assert report.ok, report.problems


def test_a_failing_block_still_writes_what_it_recorded(session: Session) -> None:
    def refused() -> None:
        with service.batch(session):
            _record(session, 1)
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        refused()
    # the caller decides: here it keeps the transaction, and the entry is there, chained
    assert _written(session) == [1]
    assert service.verify(session).ok


def test_a_batch_after_another_session_moved_the_head(
    session: Session, connection: Connection
) -> None:
    first = _record(session, 1)
    with (
        Session(bind=connection, join_transaction_mode="create_savepoint") as other,
        service.batch(session),
    ):
        _record(session, 2)
        _record(other, 3)  # another session sharing the transaction writes meanwhile
        other.commit()
        _record(session, 4)
    # the batch chains after the head as it is when it is written
    assert _written(session) == [1, 3, 2, 4]
    assert session.scalar(select(func.max(AuditEntry.seq))) == first.seq + 3
    report = service.verify(session)
    assert report.ok, report.problems
