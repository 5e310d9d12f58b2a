"""Database foundation: migrations agree with models; money exact on both databases; UTC times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from opencbec.db import JSONType, Money, Prepared, UTCDateTime, insert_columns
from opencbec.kit.money import MoneyError
from opencbec.migrate import current_revision, differences, head_revision


def test_models_and_migrations_agree(connection: Connection) -> None:
    assert current_revision(connection) == head_revision()
    assert differences(connection) == []


def test_a_model_change_without_migration_is_detected(connection: Connection) -> None:
    from opencbec.db import Base

    extra = Table("not_migrated_yet", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        assert any("not_migrated_yet" in str(d) for d in differences(connection))
    finally:
        Base.metadata.remove(extra)


AMOUNTS = st.decimals(
    min_value=Decimal("-99999999.99999"),
    max_value=Decimal("99999999.99999"),
    places=5,
    allow_nan=False,
    allow_infinity=False,
)


@pytest.fixture
def ledger(connection: Connection) -> Table:
    table = Table(
        "test_money_ledger",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("amount", Money()),
        Column("at", UTCDateTime()),
    )
    table.create(connection)
    return table


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=30))
def test_money_sums_are_exact(
    connection: Connection, ledger: Table, amounts: list[Decimal]
) -> None:
    connection.execute(ledger.delete())
    connection.execute(ledger.insert(), [{"amount": a} for a in amounts])
    stored = connection.scalars(select(ledger.c.amount).order_by(ledger.c.id)).all()
    assert stored == amounts
    assert all(isinstance(a, Decimal) for a in stored)
    total = connection.scalar(select(func.sum(ledger.c.amount)))
    assert total == sum(amounts, Decimal(0))
    assert isinstance(total, Decimal)


def test_money_that_would_be_rounded_is_refused(connection: Connection, ledger: Table) -> None:
    with pytest.raises(Exception, match="decimal places"):
        connection.execute(ledger.insert(), [{"amount": Decimal("0.123456")}])
    with pytest.raises(Exception, match="integer digits"):
        connection.execute(ledger.insert(), [{"amount": Decimal("100000000000000")}])
    with pytest.raises((MoneyError, Exception), match="float"):
        connection.execute(ledger.insert(), [{"amount": 0.1}])


def test_utc_datetimes_round_trip_aware(connection: Connection, ledger: Table) -> None:
    moment = dt.datetime(2026, 11, 11, 0, 0, 1, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    connection.execute(ledger.insert(), [{"id": 1, "amount": Decimal(1), "at": moment}])
    back = connection.scalar(select(ledger.c.at).where(ledger.c.id == 1))
    assert back == moment
    assert back is not None
    assert back.tzinfo is not None
    assert back.utcoffset() == dt.timedelta(0)
    with pytest.raises(Exception, match="naive"):
        connection.execute(
            ledger.insert(), [{"id": 2, "amount": Decimal(1), "at": dt.datetime(2026, 1, 1)}]
        )


def test_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas apply to the embedded database only")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


@pytest.fixture
def parcels(connection: Connection) -> Table:
    table = Table(
        "test_prepared_parcels",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("code", String(20), nullable=False, unique=True),
        Column("kind", String(10), nullable=False),
        Column("amount", Money()),
        Column("at", UTCDateTime()),
        Column("content", JSONType),
    )
    table.create(connection)
    return table


def test_prepared_statements_convert_values_as_core_does(
    connection: Connection, parcels: Table
) -> None:
    """Money, UTC times and JSON go in and come back as Core would write and read them."""
    moment = dt.datetime(2026, 11, 11, 8, 0, 1, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    content = {"orderNo": "订单 1", "lines": [{"price": "12.50"}], "none": None}
    add = Prepared(insert_columns(parcels, generated=("id",)).returning(parcels.c.id))
    find = Prepared(
        select(parcels.c.amount, parcels.c.at, parcels.c.content, parcels.c.kind).where(
            parcels.c.code == bindparam("code"),
            parcels.c.kind.in_([literal("order"), literal("payment")]),  # constants kept
        )
    )
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        row = {"code": "A", "kind": "order", "amount": Decimal("12.34567"), "at": moment}
        ((new_id,),) = add.rows(session, {**row, "content": content})
        assert isinstance(new_id, int)
        assert find.rows(session, {"code": "A"}) == [
            (Decimal("12.34567"), moment, content, "order")
        ]
        assert find.rows(session, {"code": "B"}) == []
        # What Core reads back from the row the prepared insert wrote is the same.
        core = connection.execute(
            select(parcels.c.amount, parcels.c.at, parcels.c.content).where(parcels.c.id == new_id)
        ).one()
        assert tuple(core) == (Decimal("12.34567"), moment, content)
        # And a row Core wrote reads the same through the prepared select.
        connection.execute(insert(parcels), [{**row, "code": "C", "content": content}])
        assert find.rows(session, {"code": "C"}) == [
            (Decimal("12.34567"), moment, content, "order")
        ]
        # A constant of the statement is applied: a payment is not an inventory.
        connection.execute(insert(parcels), [{**row, "code": "D", "kind": "inventory"}])
        assert find.rows(session, {"code": "D"}) == []


def test_prepared_statements_refuse_bad_values_and_report_errors_as_sqlalchemy(
    connection: Connection, parcels: Table
) -> None:
    add = Prepared(insert_columns(parcels, generated=("id",)))
    row = {"code": "A", "kind": "order", "amount": Decimal(1), "at": None, "content": None}
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        with pytest.raises(Exception, match="decimal places"):  # the type's own check runs
            add.count(session, [{**row, "amount": Decimal("0.123456")}])
        with pytest.raises(Exception, match="naive"):
            add.count(session, [{**row, "at": dt.datetime(2026, 1, 1)}])
        with pytest.raises(KeyError, match="kind"):  # every value must be named: no defaults
            add.count(session, [{k: v for k, v in row.items() if k != "kind"}])
        with session.begin_nested():
            assert add.count(session, [row, {**row, "code": "B"}]) == 2
        with pytest.raises(IntegrityError), session.begin_nested():
            add.count(session, [row])  # the code is unique
        assert session.scalar(select(func.count()).select_from(parcels)) == 2


def test_prepared_statements_count_changed_rows_and_are_seen_by_cursor_events(
    connection: Connection, parcels: Table
) -> None:
    from tests.statements import statements_run

    connection.execute(
        insert(parcels),
        [{"code": c, "kind": "order", "amount": Decimal(1)} for c in ("A", "B", "C")],
    )
    rename = Prepared(
        update(parcels)
        .where(parcels.c.code == bindparam("old"), parcels.c.kind == "order")
        .values(code=bindparam("new"))
    )
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        with statements_run(session) as seen:
            assert rename.count(session, [{"old": "A", "new": "A2"}]) == 1
            assert rename.count(session, [{"old": "Z", "new": "Z2"}]) == 0
            assert (
                rename.count(session, [{"old": "B", "new": "B2"}, {"old": "C", "new": "C2"}]) == 2
            )
        updates = [s for s in seen if not s.startswith("SAVEPOINT")]
        assert len(updates) == 3
        assert all(s.startswith("UPDATE test_prepared_parcels") for s in updates)


def test_prepared_statements_refuse_expanding_parameters(
    connection: Connection, parcels: Table
) -> None:
    listed = Prepared(select(parcels.c.id).where(parcels.c.kind.in_(["order", "payment"])))
    with (
        Session(bind=connection, join_transaction_mode="create_savepoint") as session,
        pytest.raises(ValueError, match="expanding"),
    ):
        listed.rows(session, {})


def test_prepared_statements_run_inside_the_session_savepoint(
    connection: Connection, parcels: Table
) -> None:
    add = Prepared(insert_columns(parcels, generated=("id",)))
    row = {"code": "A", "kind": "order", "amount": Decimal(1), "at": None, "content": None}
    count = Prepared(select(func.count()).select_from(parcels))
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        add.count(session, [row])
        savepoint = session.begin_nested()
        add.count(session, [{**row, "code": "B"}])
        assert count.rows(session, {}) == [(2,)]
        savepoint.rollback()  # what the savepoint wrote goes with it, not what came before
        assert count.rows(session, {}) == [(1,)]
        with session.begin_nested():
            add.count(session, [{**row, "code": "C"}])
        assert count.rows(session, {}) == [(2,)]


def test_a_prepared_statement_runs_on_each_dialect_in_its_own_form(tmp_path: Path) -> None:
    # Two engines whose drivers take parameters differently (qmark, named): one statement, the
    # form of each, whichever ran last.
    find = Prepared(select(literal_column("1").label("one")).where(bindparam("x") == 2))
    engines = [
        create_engine(f"sqlite:///{tmp_path}/a.sqlite3"),
        create_engine(f"sqlite:///{tmp_path}/b.sqlite3", paramstyle="named"),
    ]
    seen: list[tuple[str, str]] = []
    for engine in engines:
        event.listen(
            engine,
            "before_cursor_execute",
            lambda conn, _c, sql, *_: seen.append((conn.dialect.paramstyle, sql)),
        )
    for engine in [*engines, *engines]:
        with Session(bind=engine) as session:
            assert find.rows(session, {"x": 2}) == [(1,)]
            assert find.rows(session, {"x": 3}) == []
    assert [style for style, _ in seen] == ["qmark"] * 2 + ["named"] * 2 + ["qmark"] * 2 + [
        "named"
    ] * 2
    assert all(("?" in sql) == (style == "qmark") for style, sql in seen)  # each in its form
    for engine in engines:
        engine.dispose()
