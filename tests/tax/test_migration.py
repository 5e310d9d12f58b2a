"""Migration 0009: entries declared before it keep their place (no name hash) and it reverses."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from opencbec.db import build_engine
from opencbec.migrate import alembic_config, upgrade_engine
from tests.conftest import FreshDatabases


def test_0009_adds_the_name_hash_and_lookups_and_goes_back(fresh_databases: FreshDatabases) -> None:
    engine = build_engine(fresh_databases.new_url())
    try:
        upgrade_engine(engine, "0008")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO quota_accounts (buyer_hash, year, reserved, consumed) "
                    "VALUES ('h', 2026, 100, 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO quota_entries (account_id, document_key, amount, state, "
                    "created_at, updated_at) VALUES (1, 'k', 100, 'reserved', "
                    "'2026-11-27 00:00:00', '2026-11-27 00:00:00')"
                )
            )
        upgrade_engine(engine, "0009")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name_hash FROM quota_entries")).scalar_one() is None
            assert "quota_lookups" in inspect(conn).get_table_names()
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0008")
        with engine.connect() as conn:
            assert "quota_lookups" not in inspect(conn).get_table_names()
            columns = {c["name"] for c in inspect(conn).get_columns("quota_entries")}
            assert "name_hash" not in columns
            assert conn.execute(text("SELECT document_key FROM quota_entries")).scalar_one() == "k"
    finally:
        engine.dispose()
