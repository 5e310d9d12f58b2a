"""A platform database of its own, migrated, with the settings a served test platform uses."""

from __future__ import annotations

from pathlib import Path

from opencbec.db import Database, build_engine
from opencbec.migrate import upgrade_engine
from opencbec.settings import Settings


def platform_database(url: str, var_dir: Path) -> tuple[Database, Settings]:
    """Return the migrated database at `url` and test settings naming it (cheap passwords)."""
    settings = Settings(
        env="test",  # type: ignore[arg-type]
        database_url=url,
        var_dir=var_dir,
        load_demo=False,
        password_time_cost=1,
        password_memory_kib=64,
    )
    database = Database(build_engine(url))
    upgrade_engine(database.engine)
    return database, settings
