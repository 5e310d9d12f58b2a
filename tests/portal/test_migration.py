"""Migration 0014 (notifications) upgrades, downgrades and upgrades again, on the database
under test (SQLite, or PostgreSQL with OPENCBEC_TEST_DATABASE_URL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from opencbec.db import build_engine
from opencbec.migrate import alembic_config, current_revision, upgrade_engine
from tests.conftest import FreshDatabases


def test_notifications_migration_round_trip(fresh_databases: FreshDatabases) -> None:
    engine = build_engine(fresh_databases.new_url())
    try:
        upgrade_engine(engine, "0014")
        with engine.connect() as conn:
            assert current_revision(conn) == "0014"
            assert "notifications" in inspect(conn).get_table_names()
            indexes = {i["name"] for i in inspect(conn).get_indexes("notifications")}
            assert {"ix_notifications_user_read", "ix_notifications_organisation_id"} <= indexes
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0013")
        with engine.connect() as conn:
            assert current_revision(conn) == "0013"
            assert "notifications" not in inspect(conn).get_table_names()
        upgrade_engine(engine, "0014")
        with engine.connect() as conn:
            assert "notifications" in inspect(conn).get_table_names()
    finally:
        engine.dispose()
