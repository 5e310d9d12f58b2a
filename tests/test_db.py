"""Database foundation: migrations agree with models; money exact on both databases; UTC times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, func, select

from opencbec.db import Money, UTCDateTime
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
