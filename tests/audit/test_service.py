"""The audit chain: written with each change, verified, tamper-evident, append-only."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from opencbec.audit import service
from opencbec.audit.models import AuditEntry
from opencbec.audit.service import Actor
from opencbec.db import Database
from tests.statements import statements_run

ACTOR = Actor(label="tester", user_id=1, organisation_id=1)


def record_one(session: Session, i: int, *, object_type: str = "test.thing") -> AuditEntry:
    """Record the test's entry number `i` (written when the transaction commits)."""
    return service.record(
        session,
        actor=ACTOR,
        action="test.thing.change",
        object_type=object_type,
        object_id=i,
        organisation_id=1,
        before={"n": i},
        after={"n": i + 1, "note": "变更"},
        details={"i": i},
    )


def _write(session: Session, n: int) -> list[AuditEntry]:
    """Record `n` entries and write them (a transaction writes its entries when it commits)."""
    entries = [record_one(session, i) for i in range(n)]
    service.write_pending(session)
    return entries


def _without_guard(connection: Connection) -> None:
    """Drop the append-only triggers inside the test transaction, as an attacker with DB access could."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER audit_entries_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_entries_no_delete")
    else:
        connection.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")


def test_entries_chain_and_verify(session: Session) -> None:
    entries = _write(session, 5)
    assert [e.seq for e in entries] == list(range(entries[0].seq, entries[0].seq + 5))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[0].after_digest == service.digest({"n": 1, "note": "变更"})
    report = service.verify(session)
    assert report.ok
    assert report.checked >= 5


def test_digest_is_canonical_and_none_for_no_state() -> None:
    assert service.digest({"a": 1, "b": "x"}) == service.digest({"b": "x", "a": 1})
    assert service.digest(None) is None
    with pytest.raises(TypeError):
        service.canonical({"x": object()})


# Plain JSON values as a stored document's content holds them, with the characters JSON escapes
# and the ones it does not (non-ASCII, astral, U+2028, DEL) and ints up to and past 64 bits.
_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"])
    | st.sampled_from(["\x00", "\x1f", "\x7f", '"', "\\", "/", "\u2028", "中", "😀", "\uffff"])
)
_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_PLAIN)
def test_canonical_plain_writes_the_bytes_of_canonical(value: object) -> None:
    assert service.canonical_plain(value) == service.canonical(value).encode()


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": "é", "Z": None, "中": [1, "中文"], "😀": {"\uffff": True, "é": False}},
        {"amount": "12.50000", "lines": [{"gnum": 1, "qty": "3"}], "note": "保税\n仓\t\x01"},
        2**64,  # past orjson: the standard library writes it
        {"x": [[[[]]]], "": ""},
    ],
)
def test_canonical_plain_examples(value: object) -> None:
    assert service.canonical_plain(value) == service.canonical(value).encode()
    assert json.loads(service.canonical_plain(value)) == value


@dataclass
class _Record:
    x: int


@pytest.mark.parametrize(
    "value",
    [{"d": Decimal("1.10")}, {"t": dt.date(2026, 1, 2)}, {"r": _Record(1)}, {1: "a"}],
)
def test_canonical_plain_leaves_what_is_not_plain_to_canonical(value: object) -> None:
    # Decimals, dates and records are not plain: orjson refuses them and `canonical` decides
    # (it writes Decimals and dates its own way and refuses the rest).
    try:
        expected = service.canonical(value).encode()
    except TypeError:
        with pytest.raises(TypeError):
            service.canonical_plain(value)
    else:
        assert service.canonical_plain(value) == expected


def test_plain_entries_hash_as_the_others() -> None:
    after = {"n": 1, "note": "变更", "lines": [{"q": "1.50"}]}
    assert service.digest(after, plain=True) == service.digest(after)
    entry = AuditEntry(
        seq=7,
        at=dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC),
        actor_label="测试",
        action="a.b.c",
        object_type="x",
        object_id="1",
        details={"guid": "G", "version": 2},
        prev_hash="0" * 64,
    )
    assert service.entry_hash(entry, plain=True) == service.entry_hash(entry)


def test_plain_and_other_records_chain_alike(session: Session) -> None:
    details = {"business_key": "K|1", "version": 1, "guid": "中"}
    plain, other = (
        service.record(
            session,
            actor=ACTOR,
            action="test.thing.change",
            object_type="test.thing",
            object_id=1,
            organisation_id=1,
            after={"n": 1, "note": "变更"},
            details=details,
            plain=is_plain,
        )
        for is_plain in (True, False)
    )
    assert (plain.after_digest, plain.details) == (other.after_digest, other.details)
    assert service.verify(session).ok


def test_changed_entry_is_found(session: Session, connection: Connection) -> None:
    entries = _write(session, 4)
    _without_guard(connection)
    session.execute(
        text("UPDATE audit_entries SET action = 'x.y.z' WHERE seq = :s"), {"s": entries[1].seq}
    )
    session.expire_all()
    report = service.verify(session)
    assert [(p.seq, p.kind) for p in report.problems] == [(entries[1].seq, "changed")]


def test_deleted_entry_is_found(session: Session, connection: Connection) -> None:
    entries = _write(session, 4)
    _without_guard(connection)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": entries[2].seq})
    session.expire_all()
    kinds = {p.kind for p in service.verify(session).problems}
    assert kinds == {"missing", "broken_link"}


def test_deleted_last_entry_is_found_through_the_head(
    session: Session, connection: Connection
) -> None:
    entries = _write(session, 3)
    session.commit()  # the head moves to the last entry; the deletion comes after
    _without_guard(connection)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": entries[-1].seq})
    session.expire_all()
    assert [p.kind for p in service.verify(session).problems] == ["head_mismatch"]


def test_the_head_moves_once_per_transaction_when_it_commits(session: Session) -> None:
    with statements_run(session) as run:
        entries = _write(session, 3)
        assert _head(session) < entries[-1].seq  # not moved yet
        session.commit()
    written = [s.split(maxsplit=1)[0] for s in run if "audit_chain_head" in s and s != _HEAD_SQL]
    assert written == ["SELECT", "UPDATE"]  # read and locked once, moved once
    assert _head(session) == entries[-1].seq
    assert service.verify(session).ok


def test_a_transaction_rolled_back_leaves_the_head(session: Session) -> None:
    start = _head(session)
    nested = session.begin_nested()
    _write(session, 2)
    nested.rollback()
    session.commit()
    assert _head(session) == start
    assert service.verify(session).ok


_HEAD_SQL = "SELECT seq FROM audit_chain_head"


def test_a_rolled_back_transaction_moves_nothing_at_the_next_commit(
    fresh_database: Database,
) -> None:
    with fresh_database.write_sessions() as session:
        _write(session, 1)
        session.rollback()
        with statements_run(session) as run:
            session.commit()
        assert not [s for s in run if "audit_chain_head" in s]  # nothing of its own to settle
        assert _head(session) == 0


def _head(session: Session) -> int:
    return int(session.execute(text(_HEAD_SQL)).scalar_one())


def test_reordered_entries_are_found(session: Session, connection: Connection) -> None:
    entries = _write(session, 4)
    a, b = entries[1].seq, entries[2].seq
    _without_guard(connection)
    session.execute(text("UPDATE audit_entries SET seq = -1 WHERE seq = :a"), {"a": a})
    session.execute(text("UPDATE audit_entries SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    session.execute(text("UPDATE audit_entries SET seq = :b WHERE seq = -1"), {"b": b})
    session.expire_all()
    kinds = {p.kind for p in service.verify(session).problems}
    assert "broken_link" in kinds


def test_the_database_refuses_update_and_delete(session: Session) -> None:
    entry = _write(session, 1)[0]
    for statement in (
        "UPDATE audit_entries SET action = 'x' WHERE seq = :s",
        "DELETE FROM audit_entries WHERE seq = :s",
    ):
        nested = session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement), {"s": entry.seq})
        nested.rollback()


def test_list_entries_by_organisation_and_page(session: Session) -> None:
    _write(session, 3)
    service.record(
        session,
        actor=ACTOR,
        action="other.org",
        object_type="test.thing",
        object_id=9,
        organisation_id=2,
    )
    mine = service.list_entries(session, organisation_id=1, limit=2)
    assert len(mine) == 2
    assert all(e.organisation_id == 1 for e in mine)
    older = service.list_entries(session, organisation_id=1, before_seq=mine[-1].seq, limit=50)
    assert all(e.seq < mine[-1].seq for e in older)


def test_concurrent_writers_never_fork_the_chain(fresh_database: Database) -> None:
    errors: list[BaseException] = []

    def writer(label: str) -> None:
        try:
            for i in range(15):
                with fresh_database.session() as s:
                    service.record(
                        s,
                        actor=Actor(label=label),
                        action="test.concurrent",
                        object_type="test.thing",
                        object_id=i,
                        organisation_id=None,
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with fresh_database.session(write=False) as s:
        report = service.verify(s)
    assert report.ok, report.problems
    assert report.checked == 60


def test_savepoints_rolled_back_or_released_keep_the_chain_whole(session: Session) -> None:
    assert service.verify(session).ok  # reads the head before any entry of this test
    first = _write(session, 1)[0]
    nested = session.begin_nested()
    _write(session, 2)
    nested.rollback()  # the head read in the savepoint is gone with it
    after_rollback = _write(session, 1)[0]
    assert after_rollback.seq == first.seq + 1
    assert after_rollback.prev_hash == first.hash
    with session.begin_nested():
        inner = _write(session, 1)[0]
    outer = _write(session, 1)[0]
    assert (inner.seq, outer.seq) == (first.seq + 2, first.seq + 3)
    assert outer.prev_hash == inner.hash
    report = service.verify(session)
    assert report.ok, report.problems


def test_sessions_sharing_one_transaction_never_fork_the_chain(
    session: Session, connection: Connection
) -> None:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as other:
        first = _write(session, 1)[0]
        _write(other, 2)  # moves the head under the first session's remembered one
        other.commit()
        last = _write(session, 1)[0]
    assert last.seq == first.seq + 3
    report = service.verify(session)
    assert report.ok, report.problems


def test_a_session_writing_again_after_commit_reads_the_moved_head(
    fresh_database: Database,
) -> None:
    with fresh_database.write_sessions() as long_lived, fresh_database.write_sessions() as other:
        for s in (long_lived, other, long_lived):  # the first session's head is stale by then
            service.record(
                s,
                actor=ACTOR,
                action="test.again",
                object_type="test.thing",
                object_id=1,
                organisation_id=1,
            )
            s.commit()
    with fresh_database.session(write=False) as s:
        report = service.verify(s)
    assert report.ok, report.problems
    assert report.checked == 3


def test_actions_have_readable_labels() -> None:
    import opencbec.identity.service  # noqa: F401 - registers identity's labels

    assert service.action_label("identity.login") == "Logged in"
    assert service.action_label("no.such.action") == "no.such.action"
