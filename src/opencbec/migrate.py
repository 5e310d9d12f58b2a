"""Schema migrations: upgrade to head, and check that models and migrations agree."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def target_metadata() -> MetaData:
    """Return the metadata of every model (importing each domain's models registers them)."""
    from opencbec.appointments import models as _appointments  # noqa: F401, PLC0415
    from opencbec.audit import models as _audit  # noqa: F401, PLC0415
    from opencbec.clearance import models as _clearance  # noqa: F401, PLC0415
    from opencbec.customs import models as _customs  # noqa: F401, PLC0415
    from opencbec.db import Base  # noqa: PLC0415
    from opencbec.enterprise import models as _enterprise  # noqa: F401, PLC0415
    from opencbec.goods import models as _goods  # noqa: F401, PLC0415
    from opencbec.identity import models as _identity  # noqa: F401, PLC0415
    from opencbec.notifications import models as _notifications  # noqa: F401, PLC0415
    from opencbec.tax import models as _tax  # noqa: F401, PLC0415

    return Base.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config for the packaged migrations, bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s"
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate the database of `connection` to `revision` (in the caller's transaction)."""
    command.upgrade(alembic_config(connection), revision)


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate the database of `engine` to `revision` and commit."""
    with engine.begin() as connection:
        upgrade(connection, revision)


def current_revision(connection: Connection) -> str | None:
    """Return the revision the database is at, or None when never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision shipped with the package."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def differences(connection: Connection) -> list[object]:
    """Return what differs between the models and the migrated database (empty: they agree)."""
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "render_as_batch": connection.dialect.name == "sqlite"},
    )
    return list(compare_metadata(context, target_metadata()))
