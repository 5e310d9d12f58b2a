"""Database foundation: declarative Base, portable column types, engine and session factory.

Nothing connects at import time: `Database(settings)` builds the engine when asked.
SQLite is the embedded default (WAL, foreign keys on, writes start with BEGIN IMMEDIATE so two
writers queue instead of failing); PostgreSQL is chosen by URL alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Engine, MetaData, Numeric, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator, TypeEngine

from opencbec.kit.money import SCALE, from_minor_units, parse_money, to_minor_units
from opencbec.kit.time import as_utc
from opencbec.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every ORM model; constraint names follow NAMING_CONVENTION."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Money(TypeDecorator[Decimal]):
    """Exact money: NUMERIC(19,5) on PostgreSQL, a scaled 64-bit integer on SQLite.

    SQLite has no exact decimal type (NUMERIC columns hold floats), so amounts are stored as
    integer counts of 10^-5; SUM() over them stays exact and comes back as Decimal.
    """

    impl = Numeric(19, SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(19, SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return to_minor_units(value)
        return parse_money(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return from_minor_units(int(value))
        return Decimal(value).quantize(Decimal(1).scaleb(-SCALE))


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on both databases (SQLite drops the zone; we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use kit.time.utcnow()")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return as_utc(value)


def innermost_transaction(session: Session) -> SessionTransaction | None:
    """Return the session's innermost open transaction: its savepoint, else its transaction.

    What a session remembers between statements is tied to it, so a savepoint rolled back
    takes what it wrote with it."""
    return session.get_nested_transaction() or session.get_transaction()


JSONType = JSON().with_variant(JSONB(), "postgresql")
"""Portable JSON column: JSONB on PostgreSQL, JSON text on SQLite."""


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # pysqlite's own transaction handling would defer BEGIN and break savepoints; take it over.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")  # persistent; ignored by in-memory databases
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def build_engine(url: str, *, echo: bool = False) -> Engine:
    """Return an engine for `url` with the platform's connection settings applied."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


class Database:
    """The platform's database: one engine, a session factory for reads and one for writes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        write_engine = (
            engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else engine
        )
        self.read_sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(bind=write_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """Build the database named by `settings`."""
        return cls(build_engine(settings.effective_database_url))

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """Yield a session that commits once at the end, or rolls back on error."""
        factory = self.write_sessions if write else self.read_sessions
        with factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
