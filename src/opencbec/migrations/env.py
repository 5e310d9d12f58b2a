"""Alembic environment: migrates the connection handed over by `opencbec.migrate`."""

from __future__ import annotations

from alembic import context

from opencbec.migrate import target_metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through opencbec.migrate
    raise RuntimeError("run migrations with `opencbec db upgrade`, not the bare alembic command")

context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    compare_server_default=False,
    user_module_prefix="opencbec.db.",
)
with context.begin_transaction():
    context.run_migrations()
