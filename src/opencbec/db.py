"""Database foundation: declarative Base, portable column types, engine and session factory.

Nothing connects at import time: `Database(settings)` builds the engine when asked.
SQLite is the embedded default (WAL, foreign keys on, writes start with BEGIN IMMEDIATE so two
writers queue instead of failing); PostgreSQL is chosen by URL alone.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Engine,
    Insert,
    MetaData,
    Numeric,
    Table,
    bindparam,
    create_engine,
    event,
    insert,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, class_mapper, sessionmaker
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.instrumentation import ClassManager
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ClauseElement
from sqlalchemy.sql.selectable import ReturnsRows
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


_Processor = Callable[[Any], Any] | None
T = TypeVar("T")


class _Compiled:
    """A statement as one dialect runs it: its SQL text, its parameters in order, its processors."""

    __slots__ = ("_results", "binds", "constants", "dialect", "positional", "result_types", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql: str = compiled.string
        names = set(compiled.bind_names.values())
        self.constants: dict[str, Any] = {}
        processors: dict[str, _Processor] = {}
        for bind, name in compiled.bind_names.items():
            if bind.expanding or bind.literal_execute:
                raise ValueError(f"{name}: a prepared statement takes no expanding parameter")
            if not bind.required:
                self.constants[name] = bind.effective_value
            processors[name] = bind.type.dialect_impl(dialect).bind_processor(dialect)
        # Positional drivers (SQLite) take the parameters in the order the text names them.
        order: Sequence[str] = compiled.positiontup or [] if compiled.positional else sorted(names)
        self.positional = bool(compiled.positional)
        self.binds: tuple[tuple[str, _Processor], ...] = tuple((n, processors[n]) for n in order)
        self.dialect = dialect
        self.result_types: tuple[TypeEngine[Any], ...] = (
            tuple(c.type.dialect_impl(dialect) for c in statement.exported_columns)
            if isinstance(statement, ReturnsRows)
            else ()
        )
        self._results: dict[tuple[Any, ...], tuple[_Processor, ...] | None] = {}

    def results(self, description: Sequence[Sequence[Any]]) -> tuple[_Processor, ...] | None:
        """Return the result processors for the column types the driver answered with, or None
        when no column needs one (the rows are used as they come)."""
        # A driver may answer with its own column types (PostgreSQL's numeric or float8): the
        # processors depend on them, so they are set up for each set of types met.
        codes = tuple([d[1] for d in description])
        try:
            return self._results[codes]
        except KeyError:
            pass
        processors = tuple(
            t.result_processor(self.dialect, code)
            for t, code in zip(self.result_types, codes, strict=True)
        )
        found = self._results[codes] = None if all(p is None for p in processors) else processors
        return found

    def parameters(self, given: Mapping[str, Any]) -> Any:
        values = {**self.constants, **given} if self.constants else given
        if self.positional:
            return tuple(
                [values[n] if process is None else process(values[n]) for n, process in self.binds]
            )
        return {
            n: values[n] if process is None else process(values[n]) for n, process in self.binds
        }


class Prepared:
    """A Core statement compiled once per dialect and run straight on the session's connection.

    For the few statements every stored document runs: SQLAlchemy's per-execution work (cache
    lookup, parameter construction, result set-up) costs several times the database's own work
    on these one-row statements. Column types still convert parameters and results, errors come
    as SQLAlchemy's, and the engine's cursor events still see each statement (tests count them).
    The statement must name every value it needs: no column defaults run, and expanding IN
    parameters are refused (write `column.in_([literal(v), ...])` for a fixed list).
    """

    __slots__ = ("_by_dialect", "_last", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[tuple[Any, ...], _Compiled] = {}
        self._last: tuple[Dialect, _Compiled] | None = None  # the dialect of the last run, its form

    def _compiled(self, dialect: Dialect) -> _Compiled:
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        key = (type(dialect), dialect.paramstyle, dialect.server_version_info)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = _Compiled(self.statement, dialect)
        self._last = (dialect, found)
        return found

    def rows(self, session: Session, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement with `params` in the session's transaction; return its rows."""
        connection = connection_of(session)
        return _run(connection, self._compiled(connection.dialect), [params])[0]

    def count(self, session: Session, params: Sequence[Mapping[str, Any]]) -> int:
        """Run the statement once for each parameter set (one executemany); return the rows
        it changed."""
        connection = connection_of(session)
        return _run(connection, self._compiled(connection.dialect), params)[1]


_CONNECTION = "opencbec.db.connection"


def connection_of(session: Session) -> Connection:
    """Return the connection of the session's current transaction or savepoint (asked of the
    session once for each: asking first is what begins it)."""
    # Asking costs more than a prepared run, and asking first is what emits a savepoint. The
    # session's `_transaction` is its innermost one (what `innermost_transaction` finds by the
    # public API, at several times the cost on this path).
    transaction = session._transaction
    held = session.info.get(_CONNECTION)
    if held is not None and held[0] is transaction and transaction and transaction.is_active:
        return cast(Connection, held[1])
    connection = session.connection()
    session.info[_CONNECTION] = (session._transaction, connection)
    return connection


def loaded(cls: type[T], values: Mapping[str, Any]) -> T:
    """Return a new object of the mapped class `cls` holding `values` as if loaded, without its
    constructor's per-attribute events (the cost of building many small objects)."""
    row: T = _manager(cast(Any, cls)).new_instance()
    instance_state(row).dict.update(values)
    return row


@functools.cache
def _manager(cls: Any) -> ClassManager[Any]:
    # Its mapper configured first (a constructor would do it): attributes work only then.
    return class_mapper(cls).class_manager


def named_values(table: Table, generated: tuple[str, ...] = ()) -> dict[str, BindParameter[Any]]:
    """Return a parameter of its own name and type for every column of `table` but `generated`."""
    return {c.name: bindparam(c.name, type_=c.type) for c in table.c if c.name not in generated}


def insert_columns(table: Table, *, generated: tuple[str, ...] = ()) -> Insert:
    """Return an INSERT into `table` taking every column but the `generated` ones as a parameter
    of its own name (the form a Prepared insert needs: every value named, no default run)."""
    return insert(table).values(named_values(table, generated))


def upsert_columns(
    table: Table, dialect: str, *, generated: tuple[str, ...] = ("id",)
) -> postgresql.Insert | sqlite.Insert:
    """`insert_columns` in `dialect`'s own form, which takes ON CONFLICT clauses (PostgreSQL's
    or SQLite's: the two platforms' databases)."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return make(table).values(named_values(table, generated))


def _run(
    connection: Connection, compiled: _Compiled, params: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[Any, ...]], int]:
    dialect = connection.dialect
    many = len(params) != 1
    parameters = [compiled.parameters(p) for p in params]
    arguments = parameters if many else parameters[0]
    cursor = connection.connection.cursor()
    observed = bool(connection.dispatch.before_cursor_execute)
    try:
        if observed:
            connection.dispatch.before_cursor_execute(
                connection, cursor, compiled.sql, arguments, None, many
            )
        if many:
            cursor.executemany(compiled.sql, arguments)
        else:
            cursor.execute(compiled.sql, arguments)
        if observed:
            connection.dispatch.after_cursor_execute(
                connection, cursor, compiled.sql, arguments, None, many
            )
        if not compiled.result_types:
            return [], int(cursor.rowcount)
        processors = compiled.results(cursor.description)
        fetched = cast(list[tuple[Any, ...]], cursor.fetchall())  # both drivers answer tuples
        if processors is None:
            return fetched, len(fetched)
        rows = [
            tuple([v if p is None else p(v) for v, p in zip(row, processors, strict=True)])
            for row in fetched
        ]
        return rows, len(rows)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            compiled.sql, arguments, exc, dialect.loaded_dbapi.Error, dialect=dialect
        ) from exc
    finally:
        cursor.close()


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
