"""Test fixtures: a migrated database per run (SQLite, or PostgreSQL when
OPENCBEC_TEST_DATABASE_URL names one), each test rolled back in a savepoint."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from opencbec.db import Database, build_engine
from opencbec.demo import loader
from opencbec.identity import service as identity_service
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings
from opencbec.web import create_app
from tests.factories.platform import platform_database

# Settings read OPENCBEC_* from the environment; a developer's own (say OPENCBEC_ENV=prod) must not
# leak into tests. Only the variables that steer the test run are kept.
for _name in [n for n in os.environ if n.startswith("OPENCBEC_")]:
    if _name not in {
        "OPENCBEC_TEST_DATABASE_URL",
        "OPENCBEC_CEB_XSD_DIR",
        "OPENCBEC_REQUIRE_SPEEDUPS",
    }:
        del os.environ[_name]
PG_URL = os.environ.get("OPENCBEC_TEST_DATABASE_URL", "")
SHARED = Path(__file__).resolve().parents[2] / "shared"
DROPPERS = 8  # connections dropping the run's databases at its end


def _database_name() -> str:
    return f"opencbec_t_{uuid.uuid4().hex[:12]}"


class FreshDatabases:
    """Creates empty databases for tests that must commit, and drops them afterwards."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    def new_url(self) -> str:
        """Return the URL of a new, empty database of the kind under test."""
        if not PG_URL:
            return f"sqlite:///{self.tmp_dir / (_database_name() + '.sqlite3')}"
        return self._create_postgresql("")

    def new_database(self) -> Database:
        """Return a new database of the kind under test, migrated to head (the caller disposes
        of its engine)."""
        engine = build_engine(self.new_url())
        upgrade_engine(engine)
        return Database(engine)

    def copy_of(self, url: str) -> str:
        """Return the URL of a new database holding what the (idle) database at `url` holds."""
        if PG_URL:
            return self._create_postgresql(f' TEMPLATE "{make_url(url).database}"')
        target = self.new_url()
        with (
            sqlite3.connect(str(make_url(url).database)) as source,
            sqlite3.connect(str(make_url(target).database)) as copy,
        ):
            source.backup(copy)
        return target

    def _create_postgresql(self, options: str) -> str:
        name = _database_name()
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{options}')
                # Commits need not wait for the server's disk: they are as visible to other
                # connections as ever, only a crash of the server could lose the last ones.
                conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        finally:
            admin.dispose()
        self.created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop every database this run created."""
        if not self.created:
            return
        # Each DROP DATABASE waits for a checkpoint; dropped side by side, they share a few
        # (10 databases: 0.8 s, against 15-23 s one after the other).
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=DROPPERS)

        def drop(name: str) -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        try:
            with ThreadPoolExecutor(DROPPERS) as pool:
                list(pool.map(drop, self.created))
        finally:
            admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    """Real argon2id, at a cost that keeps the suite fast (production uses the default cost)."""
    identity_service.configure_password_hashing(time_cost=1, memory_kib=64)


@pytest.fixture(scope="session")
def fresh_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshDatabases]:
    """Factory of empty databases, dropped at the end of the run."""
    if PG_URL:
        probe = create_engine(PG_URL)
        try:
            with probe.connect():
                pass
        except Exception as exc:
            pytest.exit(
                f"OPENCBEC_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}", 3
            )
        finally:
            probe.dispose()
    fresh = FreshDatabases(tmp_path_factory.mktemp("db"))
    yield fresh
    fresh.drop_all()


@pytest.fixture
def fresh_database(fresh_databases: FreshDatabases) -> Iterator[Database]:
    """A new database migrated to head, for a test whose sessions commit; disposed after it."""
    database = fresh_databases.new_database()
    yield database
    database.dispose()


class TinyZone:
    """The tiny generated zone of the default seed, loaded once per run (it takes a while) on
    first use; each user gets a copy of its database and var folder, to change as it likes."""

    SCALE = "tiny"
    SEED = loader.DEFAULT_SEED

    def __init__(self, fresh: FreshDatabases, folder: Path) -> None:
        self.fresh = fresh
        self.folder = folder
        self.url = ""

    def copy(self, var_dir: Path) -> tuple[Database, Settings]:
        """Return a database holding the zone (migrated) and test settings over `var_dir`."""
        if not self.url:
            url = self.fresh.new_url()
            database, settings = platform_database(url, self.folder)
            loader.load_zone(database, settings=settings, scale=self.SCALE, seed=self.SEED)
            database.dispose()  # a PostgreSQL template database must have no connections
            self.url = url
        shutil.copytree(self.folder, var_dir, dirs_exist_ok=True)
        return platform_database(self.fresh.copy_of(self.url), var_dir)


@pytest.fixture(scope="session")
def tiny_zone(
    fresh_databases: FreshDatabases, tmp_path_factory: pytest.TempPathFactory
) -> TinyZone:
    """The tiny generated zone (`loader.DEFAULT_SEED`), loaded once and copied for each user."""
    return TinyZone(fresh_databases, tmp_path_factory.mktemp("tiny-zone") / "var")


@pytest.fixture(scope="session")
def engine(fresh_databases: FreshDatabases) -> Iterator[Engine]:
    """The run's own database, migrated to head."""
    eng = build_engine(fresh_databases.new_url())
    upgrade_engine(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        if trans.is_active:
            trans.rollback()


class TestDatabase(Database):
    """A Database whose sessions are savepoints inside the test's transaction."""

    __test__ = False

    def __init__(self, engine: Engine, connection: Connection) -> None:
        super().__init__(engine)
        self.connection = connection

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        with Session(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


@pytest.fixture
def db(engine: Engine, connection: Connection) -> TestDatabase:
    """The platform database as the app sees it, rolled back after the test."""
    return TestDatabase(engine, connection)


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session for service tests; flushes are visible, everything is rolled back."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests."""
    return Settings(
        env="test",  # type: ignore[arg-type]
        var_dir=tmp_path,
        load_demo=False,
        password_time_cost=1,
        password_memory_kib=64,
    )


@pytest.fixture
def app(settings: Settings, db: TestDatabase) -> FastAPI:
    """The web app over the test database."""
    return create_app(settings, database=db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client over HTTPS (so Secure cookies are sent)."""
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c
