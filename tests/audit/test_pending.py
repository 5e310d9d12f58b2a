"""Audit entries recorded in a transaction: written together when it commits, the chain as if
each had been written at once; a query of the entries sees the transaction's own."""

from __future__ import annotations

import itertools

from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.orm import Session

from opencbec.audit import service
from opencbec.audit.models import AuditEntry
from opencbec.db import Database
from tests.audit.test_service import record_one
from tests.statements import statements_run


def _record(session: Session, i: int) -> AuditEntry:
    return record_one(session, i, object_type="test.pending")


def _written(connection: Connection) -> list[int]:
    # Read on the connection, past the session: what is in the table, not what a query of the
    # session would write first.
    return [
        int(i)
        for i in connection.scalars(
            select(AuditEntry.object_id)
            .where(AuditEntry.object_type == "test.pending")
            .order_by(AuditEntry.seq)
        )
    ]


def _committed(session: Session, connection: Connection) -> list[int]:
    """Commit; check the chain; return the test entries written, in chain order."""
    session.commit()
    report = service.verify(session)
    assert report.ok, report.problems
    return _written(connection)


def _audit_writes(statements: list[str]) -> list[str]:
    # what was written to the audit tables (the test's own reads left out)
    return [
        verb
        for statement in statements
        for verb in [statement.split(maxsplit=1)[0]]
        if "audit_" in statement and verb != "SELECT"
    ]


def test_a_transactions_entries_are_written_together_when_it_commits(
    session: Session, connection: Connection
) -> None:
    with statements_run(session) as run:
        entries = [_record(session, i) for i in range(6)]
        assert _written(connection) == []  # nothing written yet
        assert _audit_writes(run) == []
        session.commit()
    assert _written(connection) == [0, 1, 2, 3, 4, 5]
    # one insert for six entries (one executemany), one move of the head; on PostgreSQL both in
    # one statement
    if session.get_bind().dialect.name == "postgresql":
        [both] = [s for s in run if "audit_" in s and not s.startswith("SELECT")]
        assert "INSERT INTO audit_entries" in both
        assert "UPDATE audit_chain_head" in both
    else:
        assert _audit_writes(run) == ["INSERT", "UPDATE"]
    assert [e.seq for e in entries] == list(range(entries[0].seq, entries[0].seq + 6))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert all(inspect(e).detached and inspect(e).key for e in entries)  # the rows, detached
    session.add(entries[0])  # joins as the row it is: nothing written again
    session.flush()
    after = _record(session, 6)
    session.commit()
    assert after.prev_hash == entries[-1].hash
    report = service.verify(session)
    assert report.ok, report.problems


def test_a_transaction_that_records_nothing_writes_nothing(session: Session) -> None:
    with statements_run(session) as run:
        session.commit()
    assert _audit_writes(run) == []


def test_a_query_of_the_entries_sees_the_transactions_own(
    session: Session, connection: Connection
) -> None:
    _record(session, 1)
    _record(session, 2)
    mine = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "test.pending"))
    assert [int(e.object_id) for e in mine] == [1, 2]
    assert _written(connection) == [1, 2]
    listed = service.list_entries(session, organisation_id=1)
    assert [int(e.object_id) for e in listed[:3]] == [2, 1]  # newest first
    assert service.verify(session).ok


def test_a_savepoint_rolled_back_takes_its_entries(
    session: Session, connection: Connection
) -> None:
    _record(session, 1)
    dropped = session.begin_nested()
    _record(session, 2)
    with session.begin_nested():
        _record(session, 3)  # inside the savepoint rolled back below: dropped too
    dropped.rollback()
    with session.begin_nested():
        _record(session, 4)  # a released savepoint: its changes stay, and so does its entry
    _record(session, 5)
    assert _committed(session, connection) == [1, 4, 5]


def test_a_query_inside_a_savepoint_leaves_earlier_entries_out_of_its_rollback(
    session: Session, connection: Connection
) -> None:
    _record(session, 1)
    savepoint = session.begin_nested()
    # Written here, the entry would go with the savepoint, though recorded before it began.
    session.scalars(select(AuditEntry).where(AuditEntry.object_type == "test.pending")).all()
    savepoint.rollback()
    assert _committed(session, connection) == [1]


def test_a_transaction_rolled_back_writes_none_of_its_entries(
    session: Session, connection: Connection
) -> None:
    _record(session, 1)
    session.rollback()
    _record(session, 2)
    assert _committed(session, connection) == [2]


def test_entries_written_at_commit_chain_after_another_sessions(
    session: Session, connection: Connection
) -> None:
    _record(session, 1)
    with Session(bind=connection, join_transaction_mode="create_savepoint") as other:
        _record(session, 2)
        _record(other, 3)  # another session sharing the transaction commits first
        other.commit()
        _record(session, 4)
    session.commit()
    # each session's entries are written when it commits, after what was written before
    assert _written(connection) == [3, 1, 2, 4]
    assert session.scalar(select(func.count()).where(AuditEntry.object_type == "test.pending")) == 4
    report = service.verify(session)
    assert report.ok, report.problems


def test_a_commit_with_a_savepoint_still_open_writes_every_entry(
    session: Session, connection: Connection
) -> None:
    _record(session, 1)
    session.begin_nested()
    _record(session, 2)
    # the commit releases the savepoint, then commits the transaction
    assert _committed(session, connection) == [1, 2]


def test_a_commit_of_many_entries_moves_the_head_to_the_last(session: Session) -> None:
    entries = [_record(session, i) for i in range(service._SETTLED_MAX_ROWS + 3)]
    session.commit()  # past what one statement writes with the head on PostgreSQL
    head = session.execute(text("SELECT seq, hash FROM audit_chain_head")).one()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    entries = [_record(session, i) for i in range(3)]
    session.commit()
    head = session.execute(text("SELECT seq, hash FROM audit_chain_head")).one()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    report = service.verify(session)
    assert report.ok, report.problems


def test_a_session_closed_before_its_commit_writes_none_of_its_entries(
    fresh_database: Database,
) -> None:
    with fresh_database.write_sessions() as session:
        _record(session, 1)
        session.close()  # the transaction ends without a commit
        _record(session, 2)
        session.commit()
    with fresh_database.session(write=False) as session:
        written = session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.object_type == "test.pending")
        ).all()
        assert written == ["2"]
        report = service.verify(session)
        assert report.ok, report.problems
